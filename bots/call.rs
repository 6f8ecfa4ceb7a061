//! `call`: the calling station, Open Poker's known-good baseline bot.

use super::common::check_or_call;
use crate::bot::{Action, Bot, EventKinds, Turn};

/// Checks when it can, else calls (an all-in call when short); folds only when
/// folding is the only action offered.
#[derive(Clone, Copy, Debug, Default)]
pub struct CallBot;

impl Bot for CallBot {
    fn subscriptions(&self) -> EventKinds {
        EventKinds::NONE
    }

    fn act(&mut self, turn: &Turn<'_>) -> Action {
        check_or_call(&turn.valid_actions)
    }
}

#[cfg(test)]
mod tests {
    use super::super::common::testing::assert_always_valid;
    use super::*;

    #[test]
    fn always_valid_and_never_folds_or_raises_when_it_can_stay_in() {
        for (spot, action) in assert_always_valid(|| Box::new(CallBot)) {
            assert!(
                matches!(action, Action::Check | Action::Call | Action::AllIn),
                "{spot}: {action:?}"
            );
            if spot.starts_with("short stack: only all-in") {
                assert_eq!(action, Action::AllIn, "{spot}");
            }
        }
    }
}
