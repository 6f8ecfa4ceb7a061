//! Built-in bots, one file each, and the registry that names them.
//!
//! | name     | plays                                                         |
//! |----------|---------------------------------------------------------------|
//! | `call`   | calling station: check, else call ([`call`])                  |
//! | `random` | uniform over the offered actions, seeded per hand ([`random`])|
//! | `raise`  | maniac: pot-size raise when offered, else check/call ([`raise`]) |
//! | `tag`    | tight-aggressive: position chart, then made-hand category ([`tag`]) |
//! | `equity` | Monte-Carlo equity against the pot odds ([`equity`])          |
//! | `tag_loose` | `tag` opening two chart groups wider ([`tag_loose`])       |
//! | `allin`  | all-in whenever offered, else check/call ([`allin`])          |
//!
//! Shared helpers (fallbacks, raise sizing, pot odds) live in [`common`].
//!
//! # Adding a bot
//!
//! Write `bots/check_fold.rs` implementing [`crate::bot::Bot`]. Answer only with
//! actions in `turn.valid_actions`; allocate nothing in `act` or `observe`; seed any
//! randomness from [`crate::bot::Event::HandStart`]'s `rng_seed`:
//!
//! ```
//! use holdem_arena::bot::{Action, Bot, Turn};
//!
//! /// Checks when checking is free, else folds.
//! #[derive(Default)]
//! pub struct CheckFoldBot;
//!
//! impl Bot for CheckFoldBot {
//!     fn act(&mut self, turn: &Turn<'_>) -> Action {
//!         if turn.valid_actions.check {
//!             Action::Check
//!         } else {
//!             Action::Fold
//!         }
//!     }
//! }
//! ```
//!
//! Then declare the module below and add one line to [`BUILT_IN`]:
//!
//! ```ignore
//! pub mod check_fold;
//! // in BUILT_IN:
//! BotInfo { name: "check_fold", about: "Checks when free, else folds.",
//!           make: || Box::new(check_fold::CheckFoldBot) },
//! ```
//!
//! Test it with `common::testing::assert_always_valid(|| Box::new(CheckFoldBot))`,
//! which runs a bot through every kind of decision (facing a bet, free check, no raise
//! offered, short stack) and asserts each answer is allowed.

pub mod allin;
pub mod call;
pub mod common;
pub mod equity;
pub mod raise;
pub mod random;
pub mod tag;
pub mod tag_loose;

use crate::bot::Bot;

/// A registered bot: its name on the command line and a factory.
pub struct BotInfo {
    /// The name used in `--bots` and in the CSVs.
    pub name: &'static str,
    /// One line for `holdem-arena bots`.
    pub about: &'static str,
    /// Makes a fresh instance (called once per seat per worker, never per hand).
    pub make: fn() -> Box<dyn Bot>,
}

/// Every built-in bot, in the order `holdem-arena bots` lists them.
#[rustfmt::skip]
pub const BUILT_IN: &[BotInfo] = &[
    BotInfo { name: "call", about: "Calling station: checks if it can, else calls; never folds.", make: || Box::new(call::CallBot) },
    BotInfo { name: "random", about: "Picks uniformly among the offered actions and raise sizes.", make: || Box::new(random::RandomBot::default()) },
    BotInfo { name: "raise", about: "Maniac: raises the pot whenever it can, else checks or calls.", make: || Box::new(raise::RaiseBot) },
    BotInfo { name: "tag", about: "Tight-aggressive: positional preflop chart, bets made hands by category.", make: || Box::new(tag::TagBot) },
    BotInfo { name: "allin", about: "Goes all-in whenever it may, else checks or calls.", make: || Box::new(allin::AllInBot) },
    BotInfo { name: "equity", about: "Plays Monte-Carlo equity against the pot odds.", make: || Box::new(equity::EquityBot::default()) },
    BotInfo { name: "tag_loose", about: "tag with opening ranges two chart groups wider (a variant to test gate on).", make: || Box::new(tag_loose::TagLooseBot) },
];

/// One seat's bot in a line-up: a built-in bot, or an external process speaking a
/// wire protocol (`--bots 'exec:python3 bots/python/call_bot.py'`).
#[derive(Clone, Debug)]
pub enum BotSpec {
    /// A registered in-process bot.
    BuiltIn(&'static BotInfo),
    /// A child process speaking Open Poker (`exec:`) or Claw Poker (`exec-claw:`)
    /// JSON lines; see [`crate::protocol::external`].
    #[cfg(unix)]
    Exec(crate::protocol::external::ExternalSpec),
}

impl BotSpec {
    /// The name in the CSVs' `bot` column and in `run.json`: a built-in bot's name;
    /// for an external bot a short name derived from its command (`call_bot` for
    /// `python3 bots/python/call_bot.py`), or the whole `exec:...` spec when that short
    /// name would be ambiguous (see `cli::parse_lineup`).
    pub fn name(&self) -> &str {
        match self {
            BotSpec::BuiltIn(info) => info.name,
            #[cfg(unix)]
            BotSpec::Exec(spec) => &spec.name,
        }
    }

    /// Whether the bot runs behind a wire (an external process), where a decision may
    /// take seconds and protocol faults are possible.
    pub fn is_external(&self) -> bool {
        match self {
            BotSpec::BuiltIn(_) => false,
            #[cfg(unix)]
            BotSpec::Exec(_) => true,
        }
    }

    /// Makes the bot for `seat` (once per seat per worker). An external bot starts its
    /// process here; one that cannot start is reported and its seat auto-folds.
    pub fn make(&self, seat: u8) -> Box<dyn Bot> {
        match self {
            BotSpec::BuiltIn(info) => (info.make)(),
            #[cfg(unix)]
            BotSpec::Exec(spec) => {
                Box::new(crate::protocol::external::ExternalBot::start(spec, seat))
            }
        }
    }
}

impl std::fmt::Debug for BotInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BotInfo").field("name", &self.name).finish()
    }
}

impl From<&'static BotInfo> for BotSpec {
    fn from(info: &'static BotInfo) -> BotSpec {
        BotSpec::BuiltIn(info)
    }
}

/// The distinct names of a line-up, in order of first seat: one entry per bot however
/// many seats it has (the rows of `bots.csv` and of each block in `blocks.csv`).
pub fn distinct_names<'a>(lineup: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut names: Vec<&str> = Vec::new();
    for name in lineup {
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

/// The built-in bot called `name`, if any.
pub fn find(name: &str) -> Option<&'static BotInfo> {
    BUILT_IN.iter().find(|b| b.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_found() {
        for (i, bot) in BUILT_IN.iter().enumerate() {
            assert!(
                BUILT_IN[..i].iter().all(|b| b.name != bot.name),
                "{}",
                bot.name
            );
            assert_eq!(find(bot.name).map(|b| b.name), Some(bot.name));
            let _ = (bot.make)();
        }
        assert!(find("nobody").is_none());
    }
}
