//! holdem-arena: a fast, deterministic offline evaluator of No-Limit Texas Hold'em bots.
//!
//! Data flows one way: a command builds a [`config::RunConfig`] (checked, no clap) →
//! [`sim`] plays its hands on rayon workers → [`engine`] applies the rules at each
//! worker's table → [`bot`]s decide, in-process or behind a wire ([`protocol`]) →
//! [`stats`], [`blocks`] and [`allin_ev`] accumulate → [`report`] writes the CSVs and
//! `run.json` through [`fs`] (a shard of a run also its exact sums, [`totals`]);
//! [`verdict`] reads them back for `compare`, `gate`, `merge` and `plot`. The command line ([`cli`]) parses and dispatches to one body per
//! command in [`commands`]; nothing below imports either.
//!
//! Play 10,000 hands of two built-in bots through the library and read a bot's
//! win rate in big blinds per 100 hands:
//!
//! ```
//! use holdem_arena::config::{Lineup, RunConfig, RunSettings};
//! use holdem_arena::{report, sim};
//!
//! let lineup = Lineup::parse("tag,call")?;
//! let config = RunConfig::new(RunSettings::new(lineup, 10_000, 7))?;
//! let tallies = sim::run(&config, &sim::RunControl::default())?;
//! let rows = report::bot_rows(&config, &tallies);
//! let tag = rows.iter().find(|r| r.bot == "tag").unwrap();
//! assert_eq!(tag.hands, 10_000);
//! assert!(tag.bb_per_100 > 0.0, "tag beats a calling station: {}", tag.bb_per_100);
//! println!("tag: {:+.2} ± {:.2} bb/100", tag.bb_per_100, tag.ci95_bb_per_100);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The same seed gives the same results, byte for byte, whatever the thread count: a
//! hand's cards depend only on (seed, hand index), and every sum is an integer.

#![warn(missing_docs)]

pub mod allin_ev;
pub mod blocks;
pub mod bot;
#[path = "../bots/mod.rs"]
pub mod bots;
pub mod cards;
pub mod cli;
pub mod commands;
pub mod config;
pub mod deal;
pub mod engine;
pub mod eval;
pub mod fs;
pub mod history;
pub mod html;
pub mod interrupt;
pub mod league;
pub mod protocol;
pub mod report;
pub mod run_info;
pub mod sim;
pub mod stats;
pub mod totals;
pub mod verdict;
pub mod waits;
