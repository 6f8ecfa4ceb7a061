//! Pots and payouts: returning uncalled bets, splitting contributions into a main pot
//! and side pots, and awarding each pot to its best eligible hands.
//!
//! Rules (Robert's Rules of Poker, "Showdown" and "All-in"; TDA rules 2024, "Side
//! pots" and "Odd chips"):
//! - The part of the largest contribution that nobody matched is returned to its owner.
//! - Each distinct contribution level of a player still in the hand closes a pot; a
//!   pot holds every player's chips up to that level (folded players' too) and only
//!   players who reached the level may win it. Chips above the highest such level (a
//!   folded player's dead money) join the last pot.
//! - A pot goes to the best eligible hand; tied hands share it evenly and the odd
//!   chips go one each to the tied winners in clockwise order from the button.

use crate::bot::MAX_SEATS;

/// Returns the part of the single largest contribution that no other player matched.
///
/// `contributed[i]` is seat `i`'s chips put in this hand (antes included); the excess
/// is subtracted there and added to `stacks[i]`. Returns the seat and the chips
/// returned, or `None` when the two largest contributions are equal.
pub fn return_uncalled_bet(contributed: &mut [u32], stacks: &mut [u32]) -> Option<(usize, u32)> {
    // One pass: the largest contribution (the last seat among equals, as
    // `max_by_key` picks) and the largest of the others.
    let (mut top, mut second) = (None, 0);
    for (i, &c) in contributed.iter().enumerate() {
        match top {
            Some(t) if c < contributed[t] => second = second.max(c),
            Some(t) => (top, second) = (Some(i), contributed[t]),
            None => top = Some(i),
        }
    }
    let top = top?;
    let excess = contributed[top].checked_sub(second).filter(|&e| e > 0)?;
    contributed[top] -= excess;
    stacks[top] += excess;
    Some((top, excess))
}

/// The pots of a hand: a main pot and side pots, each with its amount and the seats
/// that may win it. Built once from the contributions; [`Pots::award`] then pays out
/// for any strengths (the all-in adjustment awards the same pots over many run-outs).
#[derive(Clone, Copy, Debug)]
pub struct Pots {
    /// `(chips, eligible seats as a bit mask)` per pot, main pot first.
    pots: [(u32, u16); MAX_SEATS],
    /// Number of pots, `1..=10` (0 only for an empty pot).
    count: usize,
    /// Seats at the table.
    seats: usize,
}

impl Pots {
    /// Splits `contributed` (chips by seat, after [`return_uncalled_bet`]) into pots
    /// for the seats `in_hand` (not folded). Both slices have the seat count as length
    /// (at most 10).
    pub fn new(contributed: &[u32], in_hand: &[bool]) -> Pots {
        let seats = contributed.len();
        let mut pots = Pots {
            pots: [(0, 0); MAX_SEATS],
            count: 0,
            seats,
        };
        // The usual case: every seat in the hand put in the same amount, one pot. (The
        // loop below finds the same pot, in more passes.)
        let mut live = (0..seats).filter(|&i| in_hand[i]).map(|i| contributed[i]);
        if let Some(level) = live.next()
            && level > 0
            && live.all(|c| c == level)
        {
            let eligible = (0..seats)
                .filter(|&i| in_hand[i])
                .fold(0, |m, i| m | 1 << i);
            pots.pots[0] = (contributed.iter().sum(), eligible);
            pots.count = 1;
            return pots;
        }
        let mut floor = 0u32; // contribution level already in earlier pots
        loop {
            // The next level: the smallest contribution above `floor` of a seat in the hand.
            let level = (0..seats)
                .filter(|&i| in_hand[i] && contributed[i] > floor)
                .map(|i| contributed[i])
                .min();
            let Some(level) = level else { break };
            let is_last = !(0..seats).any(|i| in_hand[i] && contributed[i] > level);
            let cap = if is_last { u32::MAX } else { level };
            let chips: u32 = contributed
                .iter()
                .map(|&c| c.min(cap).saturating_sub(floor))
                .sum();
            let eligible = (0..seats)
                .filter(|&i| in_hand[i] && contributed[i] >= level)
                .fold(0u16, |m, i| m | 1 << i);
            pots.pots[pots.count] = (chips, eligible);
            pots.count += 1;
            floor = level;
        }
        pots
    }

    /// Pays every pot to its best eligible hands (higher `strength[seat]` wins; only
    /// eligible seats are read), adding to `won[seat]` in chips. Ties split evenly; odd
    /// chips go one each to the tied winners clockwise from the seat left of `button`.
    /// A pot with a single eligible seat goes to it whatever the strengths. Returns the
    /// chips paid.
    pub fn award<S: Ord + Copy>(&self, strength: &[S], button: usize, won: &mut [u32]) -> u32 {
        let mut paid = 0;
        for &(chips, eligible) in &self.pots[..self.count] {
            award_pot(chips, eligible, self.seats, strength, button, won);
            paid += chips;
        }
        paid
    }
}

/// Pays one pot of `chips` to the best hands among the `eligible` seats (a bit mask
/// over `seats` seats), as [`Pots::award`] describes.
fn award_pot<S: Ord + Copy>(
    chips: u32,
    eligible: u16,
    seats: usize,
    strength: &[S],
    button: usize,
    won: &mut [u32],
) {
    let mut winners = 0u16;
    let mut best = None;
    for seat in (0..seats).filter(|&i| eligible & (1 << i) != 0) {
        let s = Some(strength[seat]);
        if s > best {
            (best, winners) = (s, 1 << seat);
        } else if s == best {
            winners |= 1 << seat;
        }
    }
    if winners.is_power_of_two() {
        // One winner (the usual case): the whole pot, no odd chips.
        won[winners.trailing_zeros() as usize] += chips;
        return;
    }
    let count = winners.count_ones();
    let (share, mut odd_chips) = (chips / count, chips % count);
    // Clockwise from the seat left of the button: the button itself comes last.
    let mut seat = button;
    for _ in 0..seats {
        seat = if seat + 1 == seats { 0 } else { seat + 1 };
        if winners & (1 << seat) != 0 {
            let odd = u32::from(odd_chips > 0);
            odd_chips -= odd;
            won[seat] += share + odd;
        }
    }
}

/// Awards every pot and adds each seat's winnings to `won[seat]` (in chips).
///
/// - `contributed[i]`: seat `i`'s chips in the pot (after [`return_uncalled_bet`]).
/// - `in_hand[i]`: seat `i` has not folded. At least one seat must be in the hand.
/// - `strength[i]`: seat `i`'s hand (higher wins; ignored for folded seats, and when
///   a single seat is left, who wins without a showdown).
/// - `button`: the button's seat, for the odd-chip rule.
///
/// All slices have the table's seat count as length (at most 10). Returns the total
/// awarded, which equals the sum of `contributed`. See [`Pots`] to award the same
/// pots for several sets of strengths.
pub fn award_pots<S: Ord + Copy>(
    contributed: &[u32],
    in_hand: &[bool],
    strength: &[S],
    button: usize,
    won: &mut [u32],
) -> u32 {
    let total: u32 = contributed.iter().sum();
    let seats = contributed.len();
    // The seats in the hand, and whether they all put in the same (nonzero) amount.
    let (mut live, mut level, mut one_level) = (0u16, None, true);
    for (i, (&c, &in_hand)) in contributed.iter().zip(in_hand).enumerate() {
        if in_hand {
            live |= 1 << i;
            one_level &= *level.get_or_insert(c) == c;
        }
    }
    if live.is_power_of_two() {
        // Everyone else folded: the whole pot, no showdown.
        won[live.trailing_zeros() as usize] += total;
        return total;
    }
    if one_level && level > Some(0) {
        // No side pot (the usual showdown): one pot of every chip, for every live seat.
        award_pot(total, live, seats, strength, button, won);
        return total;
    }
    let awarded = Pots::new(contributed, in_hand).award(strength, button, won);
    debug_assert_eq!(awarded, total);
    awarded
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One table-driven case: contributions, who is in the hand, strengths, button,
    /// and the expected winnings by seat.
    struct Case {
        name: &'static str,
        contributed: &'static [u32],
        in_hand: &'static [bool],
        strength: &'static [u32],
        button: usize,
        want: &'static [u32],
    }

    const T: bool = true;
    const F: bool = false;

    const CASES: &[Case] = &[
        Case {
            name: "single pot, best hand wins",
            contributed: &[100, 100, 100],
            in_hand: &[T, T, T],
            strength: &[5, 9, 1],
            button: 0,
            want: &[0, 300, 0],
        },
        Case {
            name: "one pot with a folded seat's dead money, split, odd chip clockwise",
            contributed: &[100, 41, 100],
            in_hand: &[T, F, T],
            strength: &[7, 9, 7],
            button: 0,
            want: &[120, 0, 121],
        },
        Case {
            name: "won by folds: strength ignored",
            contributed: &[20, 60, 10],
            in_hand: &[F, T, F],
            strength: &[9, 0, 9],
            button: 0,
            want: &[0, 90, 0],
        },
        Case {
            name: "short all-in wins main pot only",
            contributed: &[50, 200, 200],
            in_hand: &[T, T, T],
            strength: &[9, 5, 3],
            button: 2,
            want: &[150, 300, 0],
        },
        Case {
            name: "three levels of side pots",
            contributed: &[100, 300, 600, 600],
            in_hand: &[T, T, T, T],
            strength: &[9, 8, 1, 7],
            button: 0,
            // main 400 -> s0; side1 (300-100)*3=600 -> s1; side2 300*2=600 -> s3
            want: &[400, 600, 0, 600],
        },
        Case {
            name: "folded chips above every live level join the last pot",
            contributed: &[100, 500, 500],
            in_hand: &[T, F, F],
            strength: &[1, 9, 9],
            button: 0,
            want: &[1100, 0, 0],
        },
        Case {
            name: "split pot, odd chip to first winner clockwise from button",
            contributed: &[35, 35, 35],
            in_hand: &[T, T, T],
            strength: &[7, 7, 1],
            button: 0,
            // 105 / 2 = 52 r1: seat 1 is first clockwise from the button (seat 0).
            want: &[52, 53, 0],
        },
        Case {
            name: "odd chip: button is last clockwise",
            contributed: &[35, 35, 35],
            in_hand: &[T, T, T],
            strength: &[7, 1, 7],
            button: 2,
            want: &[53, 0, 52],
        },
        Case {
            name: "three-way split with two odd chips",
            contributed: &[34, 34, 34, 0],
            in_hand: &[T, T, T, F],
            strength: &[4, 4, 4, 0],
            button: 1,
            // 102 / 3 = 34 exactly
            want: &[34, 34, 34, 0],
        },
        Case {
            name: "three-way split, remainder 2 to seats 2 and 0",
            contributed: &[33, 33, 33, 2],
            in_hand: &[T, T, T, F],
            strength: &[4, 4, 4, 0],
            button: 1,
            // 101 / 3 = 33 r2; clockwise from button 1: seats 2, 3(folded), 0.
            want: &[34, 33, 34, 0],
        },
        Case {
            name: "side pot split while main pot has a single winner",
            contributed: &[40, 100, 100],
            in_hand: &[T, T, T],
            strength: &[9, 5, 5],
            button: 0,
            want: &[120, 60, 60],
        },
    ];

    #[test]
    fn pots_are_awarded_by_level_with_odd_chips_clockwise() {
        for case in CASES {
            let mut won = vec![0; case.contributed.len()];
            let total = award_pots(
                case.contributed,
                case.in_hand,
                case.strength,
                case.button,
                &mut won,
            );
            assert_eq!(won, case.want, "{}", case.name);
            assert_eq!(total, case.contributed.iter().sum::<u32>(), "{}", case.name);
            // The pots built explicitly (the all-in adjustment's way) pay the same
            // whenever there is a showdown.
            if case.in_hand.iter().filter(|&&h| h).count() > 1 {
                let mut by_pots = vec![0; case.contributed.len()];
                Pots::new(case.contributed, case.in_hand).award(
                    case.strength,
                    case.button,
                    &mut by_pots,
                );
                assert_eq!(by_pots, case.want, "{} (Pots)", case.name);
            }
        }
    }

    #[test]
    fn uncalled_part_of_the_largest_bet_is_returned() {
        let mut contributed = [100, 400, 250];
        let mut stacks = [0, 0, 0];
        assert_eq!(
            return_uncalled_bet(&mut contributed, &mut stacks),
            Some((1, 150))
        );
        assert_eq!(contributed, [100, 250, 250]);
        assert_eq!(stacks, [0, 150, 0]);
        // Matched: nothing to return.
        assert_eq!(return_uncalled_bet(&mut contributed, &mut stacks), None);
        // The largest first or last, ties: against the two-pass definition.
        for contributed in [[400, 100, 250], [250, 100, 400], [300, 0, 300], [0, 0, 0]] {
            let top = (0..3).max_by_key(|&i| contributed[i]).unwrap();
            let second = (0..3).filter(|&i| i != top).map(|i| contributed[i]).max();
            let excess = contributed[top] - second.unwrap();
            let want = (excess > 0).then_some((top, excess));
            let mut got = contributed;
            assert_eq!(
                return_uncalled_bet(&mut got, &mut [0; 3]),
                want,
                "{contributed:?}"
            );
        }
    }
}
