//! holdem-arena: a fast, deterministic offline evaluator of No-Limit Texas Hold'em bots.
//!
//! Data flows one way: CLI → [`sim`] (runner) → [`engine`] (table, rules) →
//! [`bot`] (bots decide) → [`stats`] → [`report`]. See `README.md` for the CLI.

#![warn(missing_docs)]

pub mod allin_ev;
pub mod blocks;
pub mod bot;
#[path = "../bots/mod.rs"]
pub mod bots;
pub mod cards;
pub mod cli;
pub mod config;
pub mod deal;
pub mod engine;
pub mod eval;
pub mod gate;
pub mod history;
pub mod interrupt;
pub mod merge;
pub mod plot;
pub mod progress;
pub mod protocol;
pub mod report;
pub mod sim;
pub mod stats;
pub mod verdict;
pub mod waits;
