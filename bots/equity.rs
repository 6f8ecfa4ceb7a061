//! `equity`: compares Monte-Carlo equity with the pot odds.
//!
//! Preflop the equity comes from a table built once ([`preflop_equity`]: 169
//! starting-hand classes × 1 to 9 opponents, each entry [`TABLE_SAMPLES`] samples of
//! the same Monte Carlo the bot runs after the flop, so within about ±0.001 of the
//! exact value where 200 samples are within about ±0.07); from the flop on, each
//! decision samples [`SAMPLES`] deals ([`equity`]).

use super::common::{HandRng, check_or_call, check_or_fold, pot_odds, pot_raise_to, raise_or_call};
use crate::bot::{Action, Bot, Event, EventKinds, MAX_SEATS, Turn};
use crate::cards::{Card, CardSet, DECK_SIZE};
use crate::deal::{BotRng, splitmix64};
use crate::eval::PartialHand;
use rand::{RngExt, SeedableRng};

/// Monte-Carlo samples per decision from the flop on.
pub const SAMPLES: u32 = 200;

/// Monte-Carlo samples behind each entry of the preflop table ([`preflop_equity`]):
/// 2^20, a standard error of at most 0.0005 (1/(2·√2^20)), against at most 0.035 for
/// [`SAMPLES`].
pub const TABLE_SAMPLES: u32 = 1 << 20;

/// Number of starting-hand classes: 13 pairs, 78 suited and 78 offsuit hands. The
/// equity against random hands is the same for every hand of a class (suits are
/// symmetric before the flop).
pub const CLASSES: usize = 169;

/// The starting-hand class of `hole`, `0..169`: with ranks `hi ≥ lo` (`0..=12`, deuce
/// to ace), `13·hi + lo` when suited or paired and `13·lo + hi` when offsuit (the
/// usual 13 × 13 grid, suited above the diagonal of pairs).
pub fn class_of(hole: [Card; 2]) -> usize {
    let (a, b) = (hole[0].rank() as usize, hole[1].rank() as usize);
    let (hi, lo) = (a.max(b), a.min(b));
    if hole[0].suit() == hole[1].suit() || hi == lo {
        13 * hi + lo
    } else {
        13 * lo + hi
    }
}

/// Two hole cards of `class` (see [`class_of`]): hearts and diamonds when offsuit or
/// paired, two hearts when suited.
///
/// # Panics
/// If `class >= 169`.
pub fn class_hand(class: usize) -> [Card; 2] {
    assert!(class < CLASSES, "a class is below {CLASSES}");
    let (row, col) = ((class / 13) as u8, (class % 13) as u8);
    if row >= col {
        // Suited (or a pair): `13·hi + lo`.
        let suit = u8::from(row == col);
        [Card::new(row, 0), Card::new(col, suit)]
    } else {
        [Card::new(col, 0), Card::new(row, 1)]
    }
}

/// The generator of the preflop table: the [`equity`] of [`class_hand`]`(class)`
/// against `opponents` (`1..=9`) random hands over [`TABLE_SAMPLES`] samples, drawn
/// from a generator seeded by (class, opponents), in units of 1/65,536.
/// `examples/equity_preflop_table.rs` runs it for every entry and writes
/// `bots/equity_preflop_table.rs`.
pub fn preflop_table_entry(class: usize, opponents: usize) -> u16 {
    let seed = splitmix64(0x7072_6566_6c6f_7000 ^ ((class as u64) << 8) ^ opponents as u64);
    let mut rng = BotRng::seed_from_u64(seed);
    let e = equity(&mut rng, class_hand(class), &[], opponents, TABLE_SAMPLES);
    (e * 65_536.0).round().min(65_535.0) as u16
}

// `PREFLOP_EQUITY: [[u16; 9]; CLASSES]`, by class and opponents − 1, in 1/65,536:
// written by `examples/equity_preflop_table.rs` from `preflop_table_entry`.
include!("equity_preflop_table.rs");

/// Equity before the flop: the probability that `hole` wins at showdown against
/// `opponents` (`1..=9`, clamped) random hands, as [`equity`] defines it, read from a
/// table of [`TABLE_SAMPLES`]-sample estimates (standard error at most 0.0005).
pub fn preflop_equity(hole: [Card; 2], opponents: usize) -> f64 {
    let opponents = opponents.clamp(1, MAX_SEATS - 1);
    f64::from(PREFLOP_EQUITY[class_of(hole)][opponents - 1]) / 65_536.0
}

/// Raise (or bet) when equity is at least this…
pub const RAISE_EQUITY: f64 = 0.65;

/// …and exceeds the pot odds by at least this margin.
pub const RAISE_MARGIN: f64 = 0.2;

/// Raise size: call, then bet this fraction of the pot (numerator, denominator).
pub const RAISE_POT_FRACTION: (u32, u32) = (3, 4);

/// Estimates equity: the probability that `hole` wins at showdown against
/// `opponents` (`1..=9`, clamped) random hands, with the board completed at random
/// from the cards not in `hole` or `board` (0 to 5 cards). A tie among `k` best
/// hands counts as `1 / k` of a win (half a win heads-up). Draws `samples` deals
/// from `rng`; allocation-free (a partial Fisher–Yates shuffle of a `[Card; 52]`).
pub fn equity(
    rng: &mut BotRng,
    hole: [Card; 2],
    board: &[Card],
    opponents: usize,
    samples: u32,
) -> f64 {
    let opponents = opponents.clamp(1, MAX_SEATS - 1);
    let board = &board[..board.len().min(5)];
    let mut used = CardSet::from_cards(board);
    used.insert(hole[0]);
    used.insert(hole[1]);
    let mut deck = [Card::default(); DECK_SIZE];
    let mut left = 0;
    for index in 0..DECK_SIZE as u8 {
        let card = Card::from_index(index).expect("index below 52");
        if !used.contains(card) {
            deck[left] = card;
            left += 1;
        }
    }
    let known = board.iter().fold(PartialHand::EMPTY, |h, &c| h.add(c));
    let missing = 5 - board.len();
    let drawn = missing + 2 * opponents;
    let mut wins = 0.0;
    for _ in 0..samples {
        for i in 0..drawn {
            let j = rng.random_range(i..left);
            deck.swap(i, j);
        }
        let full_board = deck[..missing].iter().fold(known, |h, &c| h.add(c));
        let mine = full_board.add(hole[0]).add(hole[1]).strength();
        let mut tied = 1u32;
        let mut lost = false;
        for pair in deck[missing..drawn].chunks_exact(2) {
            let theirs = full_board.add(pair[0]).add(pair[1]).strength();
            if theirs > mine {
                lost = true;
                break;
            }
            tied += u32::from(theirs == mine);
        }
        if !lost {
            wins += 1.0 / f64::from(tied);
        }
    }
    wins / f64::from(samples.max(1))
}

/// Estimates its equity against the live (not folded) opponents (before the flop from
/// the table of [`preflop_equity`], then by [`equity`] with [`SAMPLES`] samples) and
/// compares it with the [`pot_odds`]: raises (3/4 pot) when equity is at
/// least [`RAISE_EQUITY`] and [`RAISE_MARGIN`] above the pot odds, checks or calls
/// when equity covers the pot odds, else checks or folds. Its generator is reseeded
/// from every [`Event::HandStart`]'s `rng_seed` (seed 0 before the first hand).
#[derive(Clone, Debug, Default)]
pub struct EquityBot {
    rng: HandRng,
}

impl Bot for EquityBot {
    fn subscriptions(&self) -> EventKinds {
        EventKinds::HAND_START
    }

    fn act(&mut self, turn: &Turn<'_>) -> Action {
        let valid = &turn.valid_actions;
        let opponents = turn.live_opponents();
        let equity = if turn.community_cards.is_empty() {
            preflop_equity(turn.hole_cards, opponents)
        } else {
            equity(
                self.rng.rng(),
                turn.hole_cards,
                turn.community_cards,
                opponents,
                SAMPLES,
            )
        };
        let needed = pot_odds(turn);
        if equity >= RAISE_EQUITY && equity >= needed + RAISE_MARGIN {
            let (num, den) = RAISE_POT_FRACTION;
            raise_or_call(valid, pot_raise_to(turn, num, den))
        } else if equity >= needed {
            check_or_call(valid)
        } else {
            check_or_fold(valid)
        }
    }

    fn observe(&mut self, event: &Event<'_>) {
        self.rng.observe(event);
    }
}

// Every test below uses the evaluator.
#[cfg(test)]
mod tests {
    use super::super::common::testing::{Spot, assert_always_valid, facing, hole};
    use super::*;
    use crate::bot::ValidActions;
    use crate::cards::parse_cards;
    use rand::SeedableRng;

    #[test]
    fn aces_have_about_85_percent_heads_up_preflop() {
        let mut rng = BotRng::seed_from_u64(1);
        let e = equity(&mut rng, hole("Ah As"), &[], 1, 20_000);
        assert!((0.80..=0.90).contains(&e), "{e}");
        let e3 = equity(&mut rng, hole("Ah As"), &[], 3, 5_000);
        assert!((0.58..=0.70).contains(&e3), "{e3}");
    }

    #[test]
    fn estimates_depend_only_on_the_seed() {
        let board = parse_cards("Qc Jd 3s").unwrap();
        let run = |seed| {
            let mut rng = BotRng::seed_from_u64(seed);
            equity(&mut rng, hole("Kh Tc"), &board, 2, SAMPLES)
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
    }

    #[test]
    fn the_nuts_wins_and_a_board_split_is_half() {
        let mut rng = BotRng::seed_from_u64(2);
        let royal = parse_cards("Ah Kh Qh Jh Th").unwrap();
        assert_eq!(equity(&mut rng, hole("2c 3d"), &royal, 1, 100), 0.5);
        let board = parse_cards("Ks Qs Js 2d 3c").unwrap();
        assert_eq!(equity(&mut rng, hole("As Ts"), &board, 2, 100), 1.0);
    }

    #[test]
    fn the_preflop_table_is_what_its_generator_writes() {
        // Regenerating a few entries gives the stored values exactly.
        for (hand, opponents) in [("Ah As", 1), ("7d 2c", 1), ("Kh Qh", 1)] {
            let class = class_of(hole(hand));
            assert_eq!(
                preflop_table_entry(class, opponents),
                PREFLOP_EQUITY[class][opponents - 1],
                "{hand} against {opponents}"
            );
        }
    }

    #[test]
    fn the_preflop_table_agrees_with_fresh_monte_carlo_for_every_starting_hand() {
        // Every one of the 1,326 starting hands, 1,000 fresh samples each, against
        // 1 and 4 opponents, pooled by class: within 4.5 standard errors of the table
        // (at most 0.5/√(1,000·n) for a class of n hands).
        let mut rng = BotRng::seed_from_u64(99);
        for opponents in [1, 4] {
            let mut sums = [(0f64, 0u32); CLASSES];
            for a in 0..52u8 {
                for b in a + 1..52 {
                    let pair = [Card::from_index(a).unwrap(), Card::from_index(b).unwrap()];
                    let sum = &mut sums[class_of(pair)];
                    *sum = (
                        sum.0 + equity(&mut rng, pair, &[], opponents, 1_000),
                        sum.1 + 1,
                    );
                }
            }
            for (class, &(sum, n)) in sums.iter().enumerate() {
                let fresh = sum / f64::from(n);
                let table = preflop_equity(class_hand(class), opponents);
                let bound = 4.5 * 0.5 / f64::from(1_000 * n).sqrt();
                assert!(
                    (fresh - table).abs() < bound,
                    "class {class} against {opponents}: fresh {fresh}, table {table}"
                );
            }
        }
        // Aces heads-up: 85.2% (the textbook figure).
        assert!((preflop_equity(hole("Ad Ac"), 1) - 0.852).abs() < 0.001);
    }

    #[test]
    fn classes_cover_every_starting_hand_once() {
        let mut hands = [0u32; CLASSES];
        for a in 0..52u8 {
            for b in a + 1..52 {
                let pair = [Card::from_index(a).unwrap(), Card::from_index(b).unwrap()];
                hands[class_of(pair)] += 1;
            }
        }
        // 6 combinations of a pair, 4 of a suited hand, 12 of an offsuit one.
        let kinds = hands.iter();
        assert_eq!(kinds.clone().filter(|&&n| n == 6).count(), 13);
        assert_eq!(kinds.clone().filter(|&&n| n == 4).count(), 78);
        assert_eq!(kinds.filter(|&&n| n == 12).count(), 78);
        for (class, row) in PREFLOP_EQUITY.iter().enumerate() {
            assert_eq!(class_of(class_hand(class)), class);
            // The table is monotone in the opponents: more of them, less equity.
            assert!(row.windows(2).all(|w| w[0] > w[1]), "{class}");
        }
    }

    #[test]
    fn always_valid() {
        assert_always_valid(|| Box::new(EquityBot::default()));
    }

    #[test]
    fn strong_hand_continues_against_a_small_bet() {
        let no_raise = ValidActions {
            raise: None,
            all_in_to_chips: None,
            ..facing(20, 0, 0)
        };
        // Top two pair facing a 1/5-pot bet: calls when it cannot raise, else raises.
        let spot = Spot::new(2, 1, "Qh Jh", "Qc Jd 3s", 120, 20, no_raise);
        assert_eq!(EquityBot::default().act(&spot.turn()), Action::Call);
        let spot = Spot::new(2, 1, "Qh Jh", "Qc Jd 3s", 120, 20, facing(20, 40, 1980));
        assert!(matches!(
            EquityBot::default().act(&spot.turn()),
            Action::Raise { .. }
        ));
        // Bottom pair (about 0.55 equity) just calls a small bet.
        let spot = Spot::new(2, 1, "3h 4c", "Qc Jd 3s", 120, 20, facing(20, 40, 1980));
        assert_eq!(EquityBot::default().act(&spot.turn()), Action::Call);
    }

    #[test]
    fn seven_deuce_folds_to_a_pot_size_bet() {
        let spot = Spot::new(2, 1, "7d 2h", "Ac Kd Js", 200, 100, facing(100, 200, 1900));
        assert_eq!(EquityBot::default().act(&spot.turn()), Action::Fold);
        let preflop = Spot::new(4, 1, "7d 2h", "", 150, 120, facing(120, 240, 1900));
        assert_eq!(EquityBot::default().act(&preflop.turn()), Action::Fold);
    }
}
