//! `tag_loose`: [`super::tag`] with every position's opening range two chart groups
//! wider (e.g. early position opens groups 1-6 instead of 1-4). Otherwise identical:
//! the variant `holdem-arena gate` is measured on (README, "Use in CI").

use super::tag::act_with_wider_opens;
use crate::bot::{Action, Bot, EventKinds, Turn};

/// Chart groups added to `tag`'s opening ranges.
pub const WIDER_OPEN_GROUPS: u8 = 2;

/// `tag` with a looser preflop opening chart. Stateless.
#[derive(Clone, Copy, Debug, Default)]
pub struct TagLooseBot;

impl Bot for TagLooseBot {
    fn subscriptions(&self) -> EventKinds {
        EventKinds::NONE
    }

    fn act(&mut self, turn: &Turn<'_>) -> Action {
        act_with_wider_opens(turn, WIDER_OPEN_GROUPS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bots::common::testing::assert_always_valid;

    #[test]
    fn always_answers_validly() {
        assert_always_valid(|| Box::new(TagLooseBot));
    }
}
