//! `equity`: compares Monte-Carlo equity with the pot odds.

use super::common::{HandRng, check_or_call, check_or_fold, pot_odds, pot_raise_to, raise_or_call};
use crate::bot::{Action, Bot, Event, EventKinds, MAX_SEATS, Turn};
use crate::cards::{Card, CardSet, DECK_SIZE};
use crate::deal::BotRng;
use crate::eval::PartialHand;
use rand::RngExt;

/// Monte-Carlo samples per decision.
pub const SAMPLES: u32 = 200;

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

/// Estimates its [`equity`] against the live (not folded) opponents with [`SAMPLES`]
/// samples and compares it with the [`pot_odds`]: raises (3/4 pot) when equity is at
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
        let equity = equity(
            self.rng.rng(),
            turn.hole_cards,
            turn.community_cards,
            opponents,
            SAMPLES,
        );
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
