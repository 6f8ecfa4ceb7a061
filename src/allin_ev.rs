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
//! - Closed preflop or on the flop: the mean over run-outs of a *cyclic design*, an
//!   unbiased estimate of the expectation with less variance than independent draws.
//!   A cycle shuffles the `n` unseen cards once (a stream seeded by (run seed, deal
//!   index), [`crate::deal::runout_rng`]) and deals `n` run-outs from it: run-out `i`
//!   takes the cards at positions `i + d (mod n)` for `d` in a modular Golomb ruler
//!   (`RULER`: 0, 1, 4, 9, 11; its first two marks on the flop). Each run-out is a
//!   fixed set of positions of a uniformly shuffled deck, so it is a uniform draw of
//!   the cards to come and the mean is unbiased; and across the cycle every unseen
//!   card appears equally often (exactly its expected share, which removes the
//!   single cards' share of the variance, as sampling without replacement does) and
//!   no two run-outs share more than one card. Whole cycles are dealt until there are
//!   at least [`RUNOUT_SAMPLES`] run-outs: 40 to 48 preflop up to 6 seats, two
//!   cycles (64 to 76) at 7 to 10 seats. Every replay of a duplicate deal and both
//!   sides of a paired comparison draw the same run-outs.
//!
//!   Measured with `examples/allin_variance.rs` (the variance of one hand's estimate
//!   across run-out seeds, per seat and hand, seed 1; the previous estimator drew 64
//!   independent run-outs): `random` ×6 300 → 290 bb², the default line-up 174 →
//!   155 bb², `random,call,allin,random,raise,random` 477 → 478 bb² (5- and 6-way
//!   all-ins, where the design's balance buys least), `random` heads-up 44 → 28 bb²,
//!   `random` ×10 549 → 346 bb², for 40, 40, 40, 48 and 64 showdowns per preflop
//!   all-in instead of 64.
//!
//! Pots are split by the engine's own [`Pots::award`] (side pots, odd chips and all),
//! so the adjusted results follow exactly the rules the real ones do. With one pot
//! (every player still in put in the same amount, the usual case) a run-out with a
//! single best hand pays that player the whole pot, so it only counts a win; the
//! others (ties, side pots) are awarded as they come.
//!
//! Results are fixed-point integers in units of 1/[`FIXED_ONE`] chip, so sums over a run
//! are exact and do not depend on the thread count. Rounding each hand's expectation to
//! 1/65,536 chip is the only approximation (bias below 10⁻⁵ chip per hand).
//!
//! When *not* to use it: it only removes run-out luck of all-in hands, so it helps most
//! with aggressive line-ups; it does nothing for hands decided by folds.

use crate::bot::{HandResult, MAX_SEATS, Street};
use crate::cards::{Card, CardSet, DECK_SIZE};
use crate::deal::{Deal, below, runout_rng};
use crate::engine::pots::Pots;
use crate::eval::PartialHand;

/// The fewest run-outs sampled when betting closes preflop or on the flop: whole
/// cycles of the cyclic design (one run-out per unseen card each), as many as reach
/// this (one cycle up to 6 seats preflop and 4 on the flop, two beyond).
pub const RUNOUT_SAMPLES: u32 = 40;

/// Positions of a run-out's cards relative to its start in a cycle: a modular Golomb
/// ruler (its 20 differences ±{1, 2, 3, 4, 5, 7, 8, 9, 10, 11} are distinct modulo
/// any `n ≥ 23`, and at least 29 cards are unseen when a run-out is drawn), so two
/// run-outs of a cycle share at most one card. Its first two marks serve the flop's
/// two-card run-outs.
const RULER: [usize; 5] = [0, 1, 4, 9, 11];

/// How far past a cycle's last position a run-out reaches.
const RULER_SPAN: usize = RULER[4];

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
    for s in 0..seats {
        // In u64: a stack plus what it won can pass u32 (the pot includes the stack).
        let put_in = u64::from(hand.starting_stacks[s]) + u64::from(won[s])
            - u64::from(hand.final_stacks[s]);
        contributed[s] = put_in as u32; // at most the stack, so it fits
    }
    let mut showdown = Showdown::new(hand, &contributed[..seats], button);
    let board = PartialHand::from_cards(&hand.board[..known]);

    // The unseen cards, each as a one-card hand: not on the known board, not in
    // anyone's hand.
    let mut seen = CardSet::from_cards(&hand.board[..known]);
    for hole in &deal.hole_cards[..seats] {
        seen.insert(hole[0]);
        seen.insert(hole[1]);
    }
    let mut deck = [PartialHand::EMPTY; DECK_SIZE + RULER_SPAN];
    let mut unseen = 0;
    for index in 0..DECK_SIZE as u8 {
        // Written always, kept when unseen: no branch to mispredict.
        let card = Card::from_index(index).expect("index below 52");
        deck[unseen] = PartialHand::EMPTY.add(card);
        unseen += usize::from(!seen.contains(card));
    }

    let runouts: u64 = if known == 4 {
        for &river in &deck[..unseen] {
            showdown.add(board.combine(river));
        }
        unseen as u64
    } else {
        // Cycles of the cyclic design (see the module docs).
        let cycles = RUNOUT_SAMPLES.div_ceil(unseen as u32);
        let mut rng = runout_rng(seed, deal_index);
        for _ in 0..cycles {
            match known {
                0 => cycle::<5>(&mut showdown, board, &mut deck, unseen, &mut rng),
                _ => cycle::<2>(&mut showdown, board, &mut deck, unseen, &mut rng),
            }
        }
        u64::from(cycles) * unseen as u64
    };
    let total_won = showdown.total_won();
    for s in 0..seats {
        // Round-half-up of total·FIXED_ONE/runouts, in integers.
        let expected = (u128::from(total_won[s]) * FIXED_ONE as u128 * 2 + u128::from(runouts))
            / (2 * u128::from(runouts));
        out[s] += expected as i64 - i64::from(won[s]) * FIXED_ONE;
    }
    true
}

/// One cycle of the cyclic design: a fresh shuffle of the `unseen` cards at the front
/// of `deck` (one-card hands), then the showdown on `board` plus the `CARDS` cards at
/// positions `start + RULER[..CARDS]` for every start.
fn cycle<const CARDS: usize>(
    showdown: &mut Showdown,
    board: PartialHand,
    deck: &mut [PartialHand; DECK_SIZE + RULER_SPAN],
    unseen: usize,
    rng: &mut impl rand::Rng,
) {
    // Fisher–Yates (Knuth, TAOCP vol. 2, Algorithm P), then the first cards again
    // after the last, so a run-out's positions wrap around without a division.
    for i in 0..unseen - 1 {
        let j = i + below(rng, (unseen - i) as u64) as usize;
        deck.swap(i, j);
    }
    deck.copy_within(..RULER_SPAN, unseen);
    let ruler: [usize; CARDS] = std::array::from_fn(|k| RULER[k]);
    for start in 0..unseen {
        showdown.add(ruler.iter().fold(board, |h, &d| h.combine(deck[start + d])));
    }
}

/// Showdowns of one hand over many boards: the players still in, their hole cards as
/// partial hands (built once), and what the boards paid so far.
///
/// With one pot (every player still in put in the same amount, the usual case) a
/// board with a single best hand pays that player the whole pot, so such a board only
/// counts a win; boards with tied best hands (a few percent) and every board of a
/// hand with side pots are awarded as they come.
struct Showdown {
    /// Seats still in, in seat order; `players` of them.
    live: [usize; MAX_SEATS],
    /// Their hole cards, by position in `live`.
    holes: [PartialHand; MAX_SEATS],
    players: usize,
    seats: usize,
    button: usize,
    pots: Pots,
    /// The chips of the one pot when every player still in put in the same amount.
    one_pot: Option<u32>,
    /// One pot: boards won outright, by position in `live`.
    wins: [u32; MAX_SEATS],
    /// Chips won by seat on the boards awarded as they came.
    total_won: [u64; MAX_SEATS],
}

impl Showdown {
    fn new(hand: &HandResult<'_>, contributed: &[u32], button: usize) -> Showdown {
        let seats = contributed.len();
        let mut in_hand = [false; MAX_SEATS];
        let mut live = [0; MAX_SEATS];
        let mut holes = [PartialHand::EMPTY; MAX_SEATS];
        let mut players = 0;
        for c in hand.shown_cards {
            let s = c.seat as usize;
            in_hand[s] = true;
            live[players] = s;
            holes[players] = PartialHand::EMPTY.add(c.cards[0]).add(c.cards[1]);
            players += 1;
        }
        let level = contributed[live[0]];
        let one_pot = live[..players]
            .iter()
            .all(|&s| contributed[s] == level)
            .then(|| contributed.iter().sum());
        Showdown {
            live,
            holes,
            players,
            seats,
            button,
            pots: Pots::new(contributed, &in_hand[..seats]),
            one_pot,
            wins: [0; MAX_SEATS],
            total_won: [0; MAX_SEATS],
        }
    }

    /// The showdown on `board` (five cards).
    #[inline]
    fn add(&mut self, board: PartialHand) {
        let n = self.players;
        let mut strength = [0u16; MAX_SEATS];
        let mut best = 0;
        for (s, hole) in strength[..n].iter_mut().zip(&self.holes[..n]) {
            *s = board.combine(*hole).strength().value();
            best = best.max(*s);
        }
        if self.one_pot.is_some() {
            let set = strength[..n]
                .iter()
                .enumerate()
                .fold(0u16, |m, (i, &s)| m | u16::from(s == best) << i);
            if set.is_power_of_two() {
                self.wins[set.trailing_zeros() as usize] += 1;
                return;
            }
        }
        let mut by_seat = [0u16; MAX_SEATS];
        for (&seat, &s) in self.live[..n].iter().zip(&strength) {
            by_seat[seat] = s;
        }
        let mut w = [0u32; MAX_SEATS];
        self.pots
            .award(&by_seat[..self.seats], self.button, &mut w[..self.seats]);
        for (t, &w) in self.total_won.iter_mut().zip(&w) {
            *t += u64::from(w);
        }
    }

    /// Chips won by seat, summed over the boards added.
    fn total_won(mut self) -> [u64; MAX_SEATS] {
        let pot = u64::from(self.one_pot.unwrap_or(0));
        for (&seat, &wins) in self.live[..self.players].iter().zip(&self.wins) {
            self.total_won[seat] += u64::from(wins) * pot;
        }
        self.total_won
    }
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
        check_all_in_deal(hole, board, street, stack, 0)
    }

    /// [`check_all_in`] as deal `deal_index` of the run with seed 1 (its run-outs).
    fn check_all_in_deal(
        hole: [&str; 2],
        board: &str,
        street: Street,
        stack: u32,
        deal_index: u64,
    ) -> [i64; 2] {
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
            button: 0,
            sitting_out: 0,
        };
        let mut deal = Deal {
            hole_cards: [[Card::default(); 2]; MAX_SEATS],
            board: [board[0], board[1], board[2], board[3], board[4]],
            stacks: [0; MAX_SEATS],
        };
        deal.hole_cards[0] = shown[0].cards;
        deal.hole_cards[1] = shown[1].cards;
        let mut out = [0i64; 2];
        let applied = adjusted_net(&hand, &deal, 0, 1, deal_index, &mut out);
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

    /// Seat 0's exact expected share of a heads-up pot over every completion of
    /// `board` from the cards not in `holes` or on it (brute force).
    fn exact_share(holes: [&str; 2], board: &str) -> f64 {
        let (a, b) = (cards(holes[0]), cards(holes[1]));
        let board = cards(board);
        let used = CardSet::from_cards(&[&a[..], &b[..], &board[..]].concat());
        let rest: Vec<Card> = (0..52u8)
            .map(|i| Card::from_index(i).unwrap())
            .filter(|&c| !used.contains(c))
            .collect();
        let (ha, hb) = (PartialHand::from_cards(&a), PartialHand::from_cards(&b));
        let (mut total, mut n) = (0f64, 0u64);
        let mut visit = |board: PartialHand| {
            let (x, y) = (board.combine(ha).strength(), board.combine(hb).strength());
            total += match x.cmp(&y) {
                std::cmp::Ordering::Greater => 1.0,
                std::cmp::Ordering::Less => 0.0,
                std::cmp::Ordering::Equal => 0.5,
            };
            n += 1;
        };
        let known = PartialHand::from_cards(&board);
        // Every set of the missing cards, in increasing order of position in `rest`.
        fn each(
            from: usize,
            left: usize,
            h: PartialHand,
            rest: &[Card],
            f: &mut dyn FnMut(PartialHand),
        ) {
            if left == 0 {
                return f(h);
            }
            for i in from..=rest.len() - left {
                each(i + 1, left - 1, h.add(rest[i]), rest, f);
            }
        }
        each(0, 5 - board.len(), known, &rest, &mut visit);
        total / n as f64
    }

    /// Seat 0's adjusted share of the pot (0..=1) averaged over `deals` deal indices,
    /// with the standard error of that mean.
    fn mean_share(holes: [&str; 2], board: &str, street: Street, deals: u64) -> (f64, f64) {
        let shares: Vec<f64> = (0..deals)
            .map(|d| {
                let out = check_all_in_deal(holes, board, street, 1000, d);
                (out[0] as f64 / FIXED_ONE as f64 + 1000.0) / 2000.0
            })
            .collect();
        let mean = shares.iter().sum::<f64>() / deals as f64;
        let var = shares.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / (deals - 1) as f64;
        (mean, (var / deals as f64).sqrt())
    }

    #[test]
    fn flop_runouts_average_to_the_exact_expectation() {
        let holes = ["Ah Kh", "Qc Qd"];
        let exact = exact_share(holes, "Jh 7h 2s");
        let (mean, se) = mean_share(holes, "Jh 7h 2s 3c 9d", Street::Flop, 2000);
        assert!(
            (mean - exact).abs() < 4.0 * se + 1e-9,
            "{mean} ± {se} vs {exact}"
        );
        // A cycle's run-outs are spread over the deck: far less noise than one board.
        assert!(se * (2000f64).sqrt() < 0.1, "{se}");
    }

    #[test]
    fn preflop_runouts_average_to_the_exact_equity() {
        let holes = ["Ah As", "Kc Kd"];
        let exact = exact_share(holes, "");
        assert!((0.81..0.83).contains(&exact), "{exact}");
        let (mean, se) = mean_share(holes, "2h 7c 9s Td 3s", Street::Preflop, 2000);
        assert!(
            (mean - exact).abs() < 4.0 * se + 1e-9,
            "{mean} ± {se} vs {exact}"
        );
    }

    #[test]
    fn the_ruler_keeps_run_outs_of_a_cycle_apart() {
        // At least 29 cards are unseen when run-outs are drawn: 52 − 3 on the board −
        // 2 × 10 hole cards.
        for n in 29..=DECK_SIZE as i64 {
            let mut seen = std::collections::BTreeSet::new();
            for &a in &RULER {
                for &b in &RULER {
                    if a != b {
                        let d = (a as i64 - b as i64).rem_euclid(n);
                        assert!(seen.insert(d), "difference {d} twice modulo {n}");
                    }
                }
            }
        }
    }

    #[test]
    fn counting_outright_wins_pays_what_awarding_every_board_pays() {
        // Three players in one pot of 301 chips (one folded seat's dead money) over
        // boards that split it two and three ways, odd chips and all.
        let shown = [(0, "Ah Kd"), (2, "As Kc"), (3, "7h 2c")].map(|(seat, c)| {
            let c = cards(c);
            ShownCards {
                seat,
                cards: [c[0], c[1]],
            }
        });
        let hand = HandResult {
            hand_id: 0,
            pot_chips: 301,
            winners: &[],
            final_stacks: &[0, 0, 0, 0],
            shown_cards: &shown,
            actions: &[],
            board: &[],
            starting_stacks: &[100, 1, 100, 100],
            invalid_actions: &[0; 4],
            button: 0,
            sitting_out: 0,
        };
        let contributed = [100, 1, 100, 100];
        let boards = [
            "Qh Jh Th 3s 4s",
            "Qs Js Ts 2d 3d",
            "5c 5d 5h 5s 9c",
            "2h 3h 9d Td Jc",
            "8c 8d 7d 7c 2s",
            "Ac Ad 3c 4c 6s",
        ]
        .map(|b| PartialHand::from_cards(&cards(b)));
        let run = |one_pot: bool| {
            let mut showdown = Showdown::new(&hand, &contributed, 1);
            assert!(showdown.one_pot.is_some());
            if !one_pot {
                showdown.one_pot = None;
            }
            for _ in 0..3 {
                for &b in &boards {
                    showdown.add(b);
                }
            }
            showdown.total_won()
        };
        let (counted, awarded) = (run(true), run(false));
        assert_eq!(counted, awarded);
        assert_eq!(counted.iter().sum::<u64>(), 3 * 6 * 301);
    }
}
