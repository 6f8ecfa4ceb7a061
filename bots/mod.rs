//! Built-in bots, one file each, and the registry that names them.
//!
//! Adding a bot: write `bots/my_bot.rs` implementing [`crate::bot::Bot`], add
//! `mod my_bot;` below and one [`BotInfo`] line to [`BUILT_IN`].

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
pub const BUILT_IN: &[BotInfo] = &[];

/// The built-in bot called `name`, if any.
pub fn find(name: &str) -> Option<&'static BotInfo> {
    BUILT_IN.iter().find(|b| b.name == name)
}
