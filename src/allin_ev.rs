//! All-in EV adjustment: when betting closes before the river with two or more
//! players still in and at most one of them with chips behind (everyone else all-in),
//! the cards still to come change nobody's decisions, only who wins. Replacing each
//! player's winnings by their *expected* winnings over the remaining board cards keeps
//! the mean (the expectation of the real winnings given everything up to that moment
//! is exactly that expected share, so the adjusted result is unbiased) and removes the
//! luck of the run-out from the variance. This is the "all-in adjustment" poker
//! trackers report, and the simplest special case of the control variates in AIVAT
//! (N. Burch, M. Schmid, M. Moravčík, D. Morrill, M. Bowling, "AIVAT: A New Variance
//! Reduction Technique for Agent Evaluation in Imperfect Information Games", AAAI-18).
//!
//! The expectation is over the cards not yet seen by anyone: the deck minus the board
//! dealt so far and minus *every* seat's hole cards (folded ones included; the real
//! board is uniform over exactly those cards, so this is the true conditional
//! expectation).
//! - Closed on the turn: exact, every possible river.
//! - Closed preflop or on the flop: the mean over [`RUNOUT_SAMPLES`] run-outs drawn
//!   from a stream seeded by (run seed, deal index) ([`crate::deal::runout_rng`]), an
//!   unbiased estimate of the expectation. Every replay of a duplicate deal and both
//!   sides of a paired comparison draw the same run-outs.
//!
//! Pots are split by the engine's own [`Pots::award`] for each run-out (side pots, odd
//! chips and all), so the adjusted results follow exactly the rules the real ones do.
//!
//! Results are fixed-point integers in units of 1/[`FIXED_ONE`] chip, so sums over a run
//! are exact and do not depend on the thread count. Rounding each hand's expectation to
//! 1/65,536 chip is the only approximation (bias below 10⁻⁵ chip per hand).
//!
//! When *not* to use it: it only removes run-out luck of all-in hands, so it helps most
//! with aggressive line-ups; it does nothing for hands decided by folds.

use crate::bot::{HandResult, MAX_SEATS, Street};
use crate::cards::{Card, DECK_SIZE};
use crate::deal::{Deal, below, runout_rng};
use crate::engine::pots::Pots;
use crate::eval::{PartialHand, Strength};

/// Run-outs sampled when betting closes preflop or on the flop.
pub const RUNOUT_SAMPLES: u32 = 64;

/// Fixed-point scale of adjusted results: one chip is `FIXED_ONE` units.
pub const FIXED_ONE: i64 = 1 << 16;

/// Where betting closed in `hand` if the all-in adjustment applies: the number of
/// board cards dealt at that moment (0, 3 or 4). `None` when the hand ended without a
/// showdown, when betting went on to the river, or when two or more players still in
/// had chips behind at the end (they would have bet again).
pub fn closed_board_len(hand: &HandResult<'_>) -> Option<usize> {
    if hand.shown_cards.len() < 2 {
        return None;
    }
    let street = hand.actions.last().map_or(Street::Preflop, |a| a.street);
    if street == Street::River {
        return None;
    }
    let mut won = [0u32; MAX_SEATS];
    for w in hand.winners {
        won[w.seat as usize] += w.amount_chips;
    }
    let with_chips_behind = hand
        .shown_cards
        .iter()
        .filter(|c| {
            let s = c.seat as usize;
            // Stack before the pots were awarded (uncalled bets already returned).
            hand.final_stacks[s] > won[s]
        })
        .count();
    (with_chips_behind <= 1).then(|| street.board_len())
}

/// Each seat's all-in-adjusted net result of `hand` in 1/[`FIXED_ONE`] chip, written
/// to `out[..seats]`: the real net result minus the real winnings plus the expected
/// winnings over the board cards still to come (see the module docs). When the
/// adjustment does not apply it is the real net result, scaled. Returns whether it
/// applied.
///
/// `deal` holds every seat's hole cards as dealt in this hand (as rotated, for a
/// duplicate replay), `button` the hand's button, and `seed`/`deal_index` seed the
/// sampled run-outs. Allocation-free.
pub fn adjusted_net(
    hand: &HandResult<'_>,
    deal: &Deal,
    button: usize,
    seed: u64,
    deal_index: u64,
    out: &mut [i64],
) -> bool {
    let seats = hand.final_stacks.len();
    for (s, o) in out[..seats].iter_mut().enumerate() {
        *o = hand.net_chips(s) * FIXED_ONE;
    }
    let Some(known) = closed_board_len(hand) else {
        return false;
    };
    let mut won = [0u32; MAX_SEATS];
    for w in hand.winners {
        won[w.seat as usize] += w.amount_chips;
    }
    let mut contributed = [0u32; MAX_SEATS];
    let mut in_hand = [false; MAX_SEATS];
    for s in 0..seats {
        // In u64: a stack plus what it won can pass u32 (the pot includes the stack).
        let put_in = u64::from(hand.starting_stacks[s]) + u64::from(won[s])
            - u64::from(hand.final_stacks[s]);
        contributed[s] = put_in as u32; // at most the stack, so it fits
    }
    let mut partial = [PartialHand::EMPTY; MAX_SEATS];
    let board = PartialHand::EMPTY.add_all(&hand.board[..known]);
    for c in hand.shown_cards {
        let s = c.seat as usize;
        in_hand[s] = true;
        partial[s] = board.add(c.cards[0]).add(c.cards[1]);
    }

    // The unseen cards: not on the known board, not in anyone's hand.
    let mut seen = [false; DECK_SIZE];
    for &c in &hand.board[..known] {
        seen[c.index()] = true;
    }
    for hole in &deal.hole_cards[..seats] {
        seen[hole[0].index()] = true;
        seen[hole[1].index()] = true;
    }
    let mut deck = [Card::default(); DECK_SIZE];
    let mut unseen = 0;
    for (i, _) in seen.iter().enumerate().filter(|(_, s)| !**s) {
        deck[unseen] = Card::from_index(i as u8).expect("index below 52");
        unseen += 1;
    }

    let pots = Pots::new(&contributed[..seats], &in_hand[..seats]);
    let mut total_won = [0u64; MAX_SEATS];
    let runout = |cards: &[Card], total_won: &mut [u64; MAX_SEATS]| {
        let mut strength = [Strength::MIN; MAX_SEATS];
        for s in (0..seats).filter(|&s| in_hand[s]) {
            strength[s] = partial[s].add_all(cards).strength();
        }
        let mut w = [0u32; MAX_SEATS];
        pots.award(&strength[..seats], button, &mut w[..seats]);
        for s in 0..seats {
            total_won[s] += u64::from(w[s]);
        }
    };
    let runouts: u64 = if known == 4 {
        for &river in &deck[..unseen] {
            runout(&[river], &mut total_won);
        }
        unseen as u64
    } else {
        let needed = 5 - known;
        let mut rng = runout_rng(seed, deal_index);
        for _ in 0..RUNOUT_SAMPLES {
            // Partial Fisher–Yates: the first `needed` cards of a fresh shuffle.
            for i in 0..needed {
                let j = i + below(&mut rng, (unseen - i) as u64) as usize;
                deck.swap(i, j);
            }
            runout(&deck[..needed], &mut total_won);
        }
        u64::from(RUNOUT_SAMPLES)
    };
    for s in 0..seats {
        // Round-half-up of total·FIXED_ONE/runouts, in integers.
        let expected = (u128::from(total_won[s]) * FIXED_ONE as u128 * 2 + u128::from(runouts))
            / (2 * u128::from(runouts));
        out[s] += expected as i64 - i64::from(won[s]) * FIXED_ONE;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bot::{ActionKind, ActionRecord, ShownCards, Winner};
    use crate::cards::parse_cards;
    use crate::eval::evaluate;

    fn cards(text: &str) -> Vec<Card> {
        parse_cards(text).unwrap()
    }

    /// Heads-up, both players all-in for `stack` chips: the hand as the engine would
    /// report it after closing on `street` and dealing `board`.
    fn check_all_in(hole: [&str; 2], board: &str, street: Street, stack: u32) -> [i64; 2] {
        let holes = [cards(hole[0]), cards(hole[1])];
        let board = cards(board);
        let strength = |s: usize| evaluate(&[&holes[s][..], &board[..]].concat());
        let (a, b) = (strength(0), strength(1));
        let pot = 2 * stack;
        // Button seat 0: odd chips would go to seat 1 first (pot is even here).
        let won: [u32; 2] = match a.cmp(&b) {
            std::cmp::Ordering::Greater => [pot, 0],
            std::cmp::Ordering::Less => [0, pot],
            std::cmp::Ordering::Equal => [pot / 2, pot / 2],
        };
        let winners: Vec<Winner> = (0..2)
            .filter(|&s| won[s] > 0)
            .map(|s| Winner {
                seat: s as u8,
                name: "",
                stack_chips: won[s],
                amount_chips: won[s],
                strength: Some(strength(s)),
            })
            .collect();
        let shown = [0, 1].map(|s| ShownCards {
            seat: s,
            cards: [holes[s as usize][0], holes[s as usize][1]],
        });
        let actions = [ActionRecord {
            seat: 1,
            street,
            kind: ActionKind::Call,
            amount_chips: stack,
            all_in: true,
        }];
        let hand = HandResult {
            hand_id: 0,
            pot_chips: pot,
            winners: &winners,
            final_stacks: &won,
            shown_cards: &shown,
            actions: &actions,
            board: &board,
            starting_stacks: &[stack, stack],
            invalid_actions: &[0, 0],
        };
        let mut deal = Deal {
            hole_cards: [[Card::default(); 2]; MAX_SEATS],
            board: [board[0], board[1], board[2], board[3], board[4]],
        };
        deal.hole_cards[0] = shown[0].cards;
        deal.hole_cards[1] = shown[1].cards;
        let mut out = [0i64; 2];
        let applied = adjusted_net(&hand, &deal, 0, 1, 0, &mut out);
        assert_eq!(applied, street != Street::River);
        out
    }

    #[test]
    fn closed_on_the_turn_is_the_exact_mean_over_every_river() {
        let (hole, board) = (["Ah Kh", "2c 2d"], "Qh Jh 7s 3c 9d");
        let out = check_all_in(hole, board, Street::Turn, 1000);
        // Brute force: every river not on the board or in a hand.
        let known = cards(&format!("{} {} Qh Jh 7s 3c", hole[0], hole[1]));
        let (mut total, mut n) = (0f64, 0);
        for i in 0..52u8 {
            let river = Card::from_index(i).unwrap();
            if known.contains(&river) {
                continue;
            }
            let board = [&known[4..], &[river][..]].concat();
            let a = evaluate(&[&known[..2], &board[..]].concat());
            let b = evaluate(&[&known[2..4], &board[..]].concat());
            total += match a.cmp(&b) {
                std::cmp::Ordering::Greater => 2000.0,
                std::cmp::Ordering::Less => 0.0,
                std::cmp::Ordering::Equal => 1000.0,
            };
            n += 1;
        }
        assert_eq!(n, 44);
        let expected_net = total / f64::from(n) - 1000.0;
        assert!(
            (out[0] as f64 / FIXED_ONE as f64 - expected_net).abs() < 1e-4,
            "{out:?} vs {expected_net}"
        );
        // Zero-sum up to rounding.
        assert!((out[0] + out[1]).abs() <= 1);
    }

    #[test]
    fn closed_preflop_samples_the_same_runouts_for_a_seed_and_deal() {
        let a = check_all_in(["Ah As", "Kc Kd"], "2h 7c 9s Td 3s", Street::Preflop, 1000);
        let b = check_all_in(["Ah As", "Kc Kd"], "2h 7c 9s Td 3s", Street::Preflop, 1000);
        assert_eq!(a, b);
        // Aces are about 82% against kings: the sampled share is near it, not 100%.
        let share = (a[0] as f64 / FIXED_ONE as f64 + 1000.0) / 2000.0;
        assert!((0.6..0.98).contains(&share), "{share}");
    }

    #[test]
    fn hands_that_went_to_the_river_are_not_adjusted() {
        let out = check_all_in(["Ah As", "Kc Kd"], "2h 7c 9s Td 3s", Street::River, 1000);
        assert_eq!(out, [1000 * FIXED_ONE, -1000 * FIXED_ONE]);
    }
}
