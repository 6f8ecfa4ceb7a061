//! `random`: uniformly random legal actions, seeded per hand.

use super::common::HandRng;
use crate::bot::{Action, Bot, Event, EventKinds, Turn};
use rand::RngExt;

/// Picks uniformly among the offered action kinds: fold (always offered), check or
/// call (whichever is offered), raise, all-in. A raise goes to a uniform "raise to"
/// total in `min..=max` chips. Its generator is reseeded from every
/// [`Event::HandStart`]'s `rng_seed` (seed 0 before the first hand), never from time
/// or OS entropy, so its play is reproducible.
#[derive(Clone, Debug, Default)]
pub struct RandomBot {
    rng: HandRng,
}

impl Bot for RandomBot {
    fn subscriptions(&self) -> EventKinds {
        EventKinds::HAND_START
    }

    fn act(&mut self, turn: &Turn<'_>) -> Action {
        let valid = &turn.valid_actions;
        let mut kinds = [Action::Fold; 4];
        let mut n = 1;
        let passive = if valid.check {
            Some(Action::Check)
        } else {
            valid.call_chips.map(|_| Action::Call)
        };
        if let Some(action) = passive {
            kinds[n] = action;
            n += 1;
        }
        if let Some(range) = valid.raise {
            kinds[n] = Action::Raise {
                to_chips: range.min_to_chips,
            };
            n += 1;
        }
        if valid.all_in_to_chips.is_some() {
            kinds[n] = Action::AllIn;
            n += 1;
        }
        match kinds[self.rng.rng().random_range(0..n)] {
            Action::Raise { .. } => {
                let range = valid.raise.expect("raise kind only when offered");
                Action::Raise {
                    to_chips: self
                        .rng
                        .rng()
                        .random_range(range.min_to_chips..=range.max_to_chips),
                }
            }
            action => action,
        }
    }

    fn observe(&mut self, event: &Event<'_>) {
        self.rng.observe(event);
    }
}

#[cfg(test)]
mod tests {
    use super::super::common::testing::{Spot, assert_always_valid, facing};
    use super::*;

    #[test]
    fn always_valid() {
        assert_always_valid(|| Box::new(RandomBot::default()));
    }

    #[test]
    fn same_seed_same_choices_and_every_kind_appears() {
        let spot = Spot::new(6, 3, "Ah As", "", 90, 60, facing(60, 100, 2000));
        let play = |seed: u64| {
            let mut bot = RandomBot::default();
            bot.observe(&Event::HandStart {
                hand_id: 0,
                seat: 3,
                button_seat: 0,
                small_blind_chips: 10,
                big_blind_chips: 20,
                ante_chips: 0,
                players: &[],
                pot_chips: 30,
                rng_seed: seed,
            });
            (0..200).map(|_| bot.act(&spot.turn())).collect::<Vec<_>>()
        };
        let a = play(5);
        assert_eq!(a, play(5));
        assert_ne!(a, play(6));
        for kind in ["fold", "call", "raise", "all_in"] {
            assert!(a.iter().any(|x| x.as_str() == kind), "{kind} never chosen");
        }
    }
}
