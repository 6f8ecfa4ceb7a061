//! `raise`: the maniac.

use super::common::{pot_raise_to, raise_or_call};
use crate::bot::{Action, Bot, EventKinds, Turn};

/// Raises whenever raising is offered: a pot-size raise (call, then bet the pot),
/// clamped into the offered `min..=max` range. When raising is not offered it checks
/// if it can, else calls, else goes all-in when that is the only way to stay in
/// (see [`super::common::check_or_call`]). Never folds while another action is offered.
#[derive(Clone, Copy, Debug, Default)]
pub struct RaiseBot;

impl Bot for RaiseBot {
    fn subscriptions(&self) -> EventKinds {
        EventKinds::NONE
    }

    fn act(&mut self, turn: &Turn<'_>) -> Action {
        raise_or_call(&turn.valid_actions, pot_raise_to(turn, 1, 1))
    }
}

#[cfg(test)]
mod tests {
    use super::super::common::testing::assert_always_valid;
    use super::*;

    #[test]
    fn always_valid_and_raises_whenever_offered() {
        for (spot, action) in assert_always_valid(|| Box::new(RaiseBot)) {
            let raise_offered =
                !spot.starts_with("raise unavailable") && !spot.starts_with("short stack");
            assert_eq!(
                matches!(action, Action::Raise { .. }),
                raise_offered,
                "{spot}: {action:?}"
            );
            assert_ne!(action, Action::Fold, "{spot}");
        }
    }
}
