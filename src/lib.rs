//! holdem-arena: a fast, deterministic offline evaluator of No-Limit Texas Hold'em bots.
//!
//! Data flows one way: [`config`] → [`sim`] (runner) → [`engine`] (table, rules) →
//! [`bot`] (bots decide) → [`stats`] → [`report`]. See `README.md` for the CLI.

pub mod cards;
pub mod eval;
