//! `allin`: shoves every chip whenever it may.

use super::common::check_or_call;
use crate::bot::{Action, Bot, EventKinds, Turn};

/// Goes all-in whenever `all_in` is offered, else checks or calls (see
/// [`super::common::check_or_call`]). Made for side pots: several `allin` seats with
/// unequal stacks build pots of three or more levels.
#[derive(Clone, Copy, Debug, Default)]
pub struct AllInBot;

impl Bot for AllInBot {
    fn subscriptions(&self) -> EventKinds {
        EventKinds::NONE
    }

    fn act(&mut self, turn: &Turn<'_>) -> Action {
        if turn.valid_actions.all_in_to_chips.is_some() {
            Action::AllIn
        } else {
            check_or_call(&turn.valid_actions)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::common::testing::assert_always_valid;
    use super::*;

    #[test]
    fn always_valid() {
        assert_always_valid(|| Box::new(AllInBot));
    }
}
