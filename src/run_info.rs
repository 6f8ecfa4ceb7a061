//! `run.json`: what a run was (seed, line-up, stakes, mode) and how it went (time,
//! bots whose results are not their own). One type, [`RunInfo`], is written by `run`
//! and read back by `compare`/`gate --baseline-file`, `merge` and `plot`, so its schema
//! has one owner.
//!
//! Reading is lenient where older files differ (fields added later have defaults) and
//! strict where it matters: the seed comes from `seed_string` (exact in every JSON
//! reader) or `seed` (which jq and JavaScript round above 2^53), and the sizes are
//! checked so that the blocks can be checked against them without overflow.
//!
//! A shard of a run split for a cluster (`run --shard I/N`) writes the logical run's
//! `run.json` (its `hands` are the whole run's deals) plus `shard`: which part it
//! played. [`RunInfo::HOW_PLAYED`] names the fields that say how a run was played
//! (time, threads), not what it was: two plays of one run, or a run and the merge of
//! its shards, differ only there.

use crate::allin_ev::RUNOUT_SAMPLES;
use crate::blocks::DEFAULT_BLOCK_DEALS;
use crate::config::{DuplicateMode, RunConfig, Shard};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// What is wrong with a `run.json`'s content (its seed or its sizes).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct BadRunInfo(String);

/// Why a `run.json` could not be used.
#[derive(Debug, thiserror::Error)]
pub enum RunInfoError {
    /// The file cannot be read.
    #[error("cannot read {} ({source})", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not a run.json this program can use.
    #[error("{}: not a holdem-arena run.json ({why})", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        why: String,
    },
}

/// What `run.json` records about a run.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct RunInfo {
    /// holdem-arena version that made the run.
    #[serde(default)]
    pub version: String,
    /// Run seed, as a JSON number (kept for readers of older files; jq and JavaScript
    /// read numbers as doubles and round seeds above 2^53).
    pub seed: u64,
    /// The same seed as a decimal string, exact in every JSON reader: `--seed $(jq -r
    /// .seed_string run.json)` replays the run.
    #[serde(default)]
    pub seed_string: String,
    /// Deals (`--hands`); hands played is `hands_played`.
    pub hands: u64,
    /// Duplicate deals (`--duplicate`, either mode): every deal played once per
    /// rotation of the line-up, or with `permutations` once per rotation of an
    /// arrangement that changes deal by deal.
    #[serde(default)]
    pub duplicate: bool,
    /// With `duplicate`: the bots moved seats, every deal played once per rotation of
    /// an arrangement of the line-up ([`crate::league::Seatings`], `--duplicate
    /// permutations`), not the cards rotated under fixed seats. Written only when
    /// true, so rotation and plain runs write what they always did; absent (false) in
    /// older files.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub permutations: bool,
    /// Table hands played: `hands` × rotations (the seat count with duplicate deals,
    /// either mode).
    #[serde(default)]
    pub hands_played: u64,
    /// Deals per block of `blocks.csv`.
    #[serde(default = "default_block_deals")]
    pub block_deals: u64,
    /// Run-outs sampled for the all-in adjustment of hands closed preflop or on the flop
    /// (0: the adjustment was off, `--no-allin-adjust`).
    #[serde(default = "default_runout_samples")]
    pub allin_runout_samples: u32,
    /// Bot name by seat, seat 0 first.
    pub lineup: Vec<String>,
    /// Small blind, in chips.
    pub small_blind_chips: u32,
    /// Big blind, in chips.
    pub big_blind_chips: u32,
    /// Ante, in chips.
    pub ante_chips: u32,
    /// Starting stack of every seat every hand, in chips.
    pub stack_chips: u32,
    /// Per-seat starting stacks in chips (`--stacks`), seat 0 first; absent when
    /// every seat starts with `stack_chips`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seat_stacks_chips: Option<Vec<u32>>,
    /// Stacks drawn per deal in whole big blinds (`--stack-range`), when the run drew
    /// them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stack_range_bb: Option<crate::config::StackRange>,
    /// The platform table preset (`--table`), when the run used one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    /// Sessions (`--session`), when the run played them: then `hands` counts
    /// sessions and `block_deals` sessions per block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<crate::config::SessionRules>,
    /// The command line that produced the run ([`command_line`]); empty in older
    /// files.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub command: String,
    /// Worker threads.
    #[serde(default)]
    pub threads: usize,
    /// Wall-clock time of the simulation, in seconds.
    #[serde(default)]
    pub elapsed_seconds: f64,
    /// Hands played per second of wall-clock time.
    #[serde(default)]
    pub hands_per_second: f64,
    /// Bots whose results are not their own, with why (a crash, or timeouts on more
    /// than 1% of decisions: [`crate::stats::Tally::fault_reason`]); empty when every
    /// bot played its own hands. The run exits 1 when it is not empty, unless
    /// `--allow-bot-faults`.
    #[serde(default)]
    pub bot_faults: std::collections::BTreeMap<String, String>,
    /// In a shard's folder only: which part of the logical run it played (index,
    /// count and deals `first_deal..end_deal`); every other field is the logical
    /// run's. Absent for a whole run and for the merge of its shards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<Shard>,
}

/// This process's command line as a shell would take it back: the program's file
/// name (`holdem-arena`), then every argument, quoted where it needs to be (`shlex`,
/// POSIX shell rules), e.g. `holdem-arena run --bots 'tag,exec:python3 bot.py'`.
/// For run.json's and league.json's `command` and the report page.
pub fn command_line() -> String {
    let mut args: Vec<String> = std::env::args().collect();
    if let Some(program) = args.first_mut()
        && let Some(name) = std::path::Path::new(program.as_str()).file_name()
    {
        *program = name.to_string_lossy().into_owned();
    }
    shlex::try_join(args.iter().map(String::as_str)).unwrap_or_else(|_| args.join(" ")) // an argument with a NUL byte: as it is
}

impl RunInfo {
    /// Records the table hands really played (fewer than the configuration's when
    /// sessions ended early: `--rebuy never`), and the rate they give.
    pub fn set_hands_played(&mut self, hands: u64) {
        self.hands_played = hands;
        self.hands_per_second = (hands as f64 / self.elapsed_seconds.max(1e-9)).round();
    }

    /// The record of `config`'s run that took `elapsed_seconds` (its `command` this
    /// process's command line).
    pub fn new(config: &RunConfig, elapsed_seconds: f64) -> RunInfo {
        RunInfo {
            version: env!("CARGO_PKG_VERSION").to_string(),
            seed: config.seed,
            seed_string: config.seed.to_string(),
            hands: config.deals,
            duplicate: config.duplicate.is_some(),
            permutations: config.duplicate == Some(DuplicateMode::Permutations),
            hands_played: config.hands_played(),
            block_deals: config.block_deals,
            allin_runout_samples: if config.allin_adjust {
                RUNOUT_SAMPLES
            } else {
                0
            },
            lineup: config.lineup.iter().map(|b| b.name().to_string()).collect(),
            small_blind_chips: config.stakes.small_blind_chips,
            big_blind_chips: config.stakes.big_blind_chips,
            ante_chips: config.stakes.ante_chips,
            stack_chips: config.stack_chips,
            seat_stacks_chips: config.seat_stacks.clone(),
            stack_range_bb: config.stack_range,
            table: config.table.map(str::to_string),
            session: config.session,
            command: command_line(),
            threads: config.threads,
            elapsed_seconds: round4(elapsed_seconds),
            hands_per_second: (config.hands_played() as f64 / elapsed_seconds.max(1e-9)).round(),
            bot_faults: Default::default(),
            shard: None,
        }
    }

    /// The fields that say how a run was played rather than what it was: they differ
    /// between two plays of the same run (other threads, another machine) and between
    /// a run and the merge of its shards; every other field is the same.
    pub const HOW_PLAYED: [&'static str; 4] =
        ["command", "threads", "elapsed_seconds", "hands_per_second"];

    /// The record of shard `shard` of `config`'s run, which took `elapsed_seconds`:
    /// the logical run's fields, `shard`, and `threads` and `hands_per_second` of the
    /// shard's own deals.
    pub fn of_shard(config: &RunConfig, shard: Shard, elapsed_seconds: f64) -> RunInfo {
        let hands = shard.deals() * config.rotations() as u64 * config.hands_per_deal();
        let size = config.chunk_deals();
        let chunks = shard.end_deal.div_ceil(size) - shard.first_deal / size;
        RunInfo {
            threads: config
                .threads
                .min(usize::try_from(chunks).unwrap_or(usize::MAX)),
            hands_per_second: (hands as f64 / elapsed_seconds.max(1e-9)).round(),
            shard: Some(shard),
            ..RunInfo::new(config, elapsed_seconds)
        }
    }

    /// The record of the whole run that `shards` (its shards' records, all of one
    /// run: the caller checks) make together: their common fields without `shard`;
    /// `threads` the most any shard used, `elapsed_seconds` their sum (the time of one
    /// machine playing them one after another) and `hands_per_second` over it; and
    /// `bot_faults` as given (the merged results' own).
    pub fn of_shards(
        shards: &[RunInfo],
        bot_faults: std::collections::BTreeMap<String, String>,
    ) -> RunInfo {
        let first = shards.first().cloned().unwrap_or_default();
        let elapsed = round4(shards.iter().map(|s| s.elapsed_seconds).sum());
        RunInfo {
            threads: shards.iter().map(|s| s.threads).max().unwrap_or(0),
            elapsed_seconds: elapsed,
            hands_per_second: (first.hands_played as f64 / elapsed.max(1e-9)).round(),
            bot_faults,
            shard: None,
            ..first
        }
    }

    /// The deals whose blocks this folder holds: the shard's, or the whole run's.
    pub fn deal_range(&self) -> (u64, u64) {
        self.shard
            .map_or((0, self.hands), |s| (s.first_deal, s.end_deal))
    }

    /// The run's configuration as far as reports need it (line-up names, stakes,
    /// stacks, mode, blocks), to write the reports of results read back (`merge`). Its
    /// bots are names only: an external bot's command is not recorded, so its seat
    /// cannot be played from this configuration.
    ///
    /// # Errors
    /// A bot that is not built in, on a platform without external bots.
    pub fn report_config(&self) -> Result<RunConfig, BadRunInfo> {
        let lineup = self
            .lineup
            .iter()
            .map(|name| match crate::bots::find(name) {
                Some(info) => Ok(crate::bots::BotSpec::BuiltIn(info)),
                #[cfg(unix)]
                None => Ok(crate::bots::BotSpec::Exec(
                    crate::protocol::external::ExternalSpec {
                        command: String::new(),
                        dialect: crate::protocol::external::Dialect::OpenPoker,
                        transport: crate::protocol::external::Transport::Pipes,
                        name: name.clone(),
                        action_timeout: crate::config::DEFAULT_ACTION_TIMEOUT,
                        reconnect_window: crate::protocol::external::DEFAULT_RECONNECT_WINDOW,
                        stderr_dir: None,
                        lean: false,
                    },
                )),
                #[cfg(not(unix))]
                None => Err(BadRunInfo(format!(
                    "bot {name:?} is not built in, and external bots need a Unix system"
                ))),
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(RunConfig {
            lineup,
            deals: self.hands,
            seed: self.seed,
            threads: self.threads.max(1),
            stakes: crate::engine::Stakes {
                small_blind_chips: self.small_blind_chips,
                big_blind_chips: self.big_blind_chips,
                ante_chips: self.ante_chips,
            },
            stack_chips: self.stack_chips,
            duplicate: self.duplicate_mode(),
            block_deals: self.block_deals,
            allin_adjust: self.allin_runout_samples > 0,
            seat_stacks: self.seat_stacks_chips.clone(),
            history: None,
            stack_range: self.stack_range_bb,
            table: match &self.table {
                Some(name) => Some(
                    crate::config::table_preset(name)
                        .map_err(|e| BadRunInfo(e.to_string()))?
                        .name,
                ),
                None => None,
            },
            session: self.session,
        })
    }

    /// Reads `dir/run.json`: the seed from `seed_string` or `seed` (see
    /// `stored_seed`), and sizes checked so that its blocks can be checked without
    /// overflow.
    ///
    /// # Errors
    /// [`RunInfoError`] naming the file and what is wrong with it.
    pub fn read(dir: &Path) -> Result<RunInfo, RunInfoError> {
        let path = dir.join("run.json");
        let text = std::fs::read_to_string(&path).map_err(|source| RunInfoError::Read {
            path: path.clone(),
            source,
        })?;
        let bad = |why: &dyn std::fmt::Display| RunInfoError::Invalid {
            path: path.clone(),
            why: why.to_string(),
        };
        let mut json: serde_json::Value = serde_json::from_str(&text).map_err(|e| bad(&e))?;
        let seed = stored_seed(&json).map_err(|e| bad(&e))?;
        if let Some(fields) = json.as_object_mut() {
            fields.insert("seed".into(), seed.into());
            fields.insert("seed_string".into(), seed.to_string().into());
        }
        let run: RunInfo = serde_json::from_value(json).map_err(|e| bad(&e))?;
        run.check().map_err(|e| bad(&e))?;
        Ok(run)
    }

    /// The distinct bot names of the line-up, in order of first seat (the order of
    /// `bots.csv` and of each block's rows).
    pub fn distinct_bots(&self) -> Vec<&str> {
        crate::bots::distinct_names(self.lineup.iter().map(String::as_str))
    }

    /// The run's duplicate mode (`None`: plain deals).
    pub fn duplicate_mode(&self) -> Option<DuplicateMode> {
        match (self.duplicate, self.permutations) {
            (false, _) => None,
            (true, false) => Some(DuplicateMode::Rotations),
            (true, true) => Some(DuplicateMode::Permutations),
        }
    }

    /// The duplicate mode as `--duplicate` names it, `off` for plain deals (for
    /// messages saying how two runs differ).
    pub fn duplicate_name(&self) -> &'static str {
        self.duplicate_mode().map_or("off", DuplicateMode::as_str)
    }

    /// Table hands per deal: the seat count in a rotation run, the design's seat
    /// orders in a permutation run ([`DuplicateMode::orders`]), else 1.
    pub fn rotations(&self) -> u64 {
        self.duplicate_mode()
            .map_or(1, |m| m.orders(self.lineup.len()) as u64)
    }

    /// Hands per deal at one rotation: a session's hands, or 1.
    pub fn hands_per_deal(&self) -> u64 {
        self.session.map_or(1, |s| u64::from(s.hands))
    }

    /// Blocks of the run: ⌈hands / block_deals⌉.
    pub fn blocks(&self) -> u64 {
        self.hands.div_ceil(self.block_deals)
    }

    /// The blocks this folder holds: a shard's, or the whole run's (`0..blocks()`).
    pub fn block_range(&self) -> (u64, u64) {
        let (first, end) = self.deal_range();
        (first / self.block_deals, end.div_ceil(self.block_deals))
    }

    /// Checks the sizes the blocks are checked against.
    fn check(&self) -> Result<(), BadRunInfo> {
        if !(2..=crate::bot::MAX_SEATS).contains(&self.lineup.len()) {
            return Err(BadRunInfo(format!(
                "lineup has {} seats: a table has 2 to {}",
                self.lineup.len(),
                crate::bot::MAX_SEATS
            )));
        }
        if self.hands == 0 {
            return Err(BadRunInfo("hands is 0: the run played no deals".into()));
        }
        if self.block_deals == 0 {
            return Err(BadRunInfo(
                "block_deals is 0: a block holds at least 1 deal".into(),
            ));
        }
        if self.permutations && !self.duplicate {
            return Err(BadRunInfo(
                "permutations is true but duplicate is false: seat permutations are a duplicate mode".into(),
            ));
        }
        let seats = self.lineup.len() as u64;
        if let Some(s) = self.shard {
            let want = Shard::new(s.index, s.count, self.hands, self.block_deals)
                .map_err(|e| BadRunInfo(format!("shard {s}: {e}")))?;
            if want != s {
                return Err(BadRunInfo(format!(
                    "shard {s} covers deals {}..{}, but shard {s} of {} deals in blocks of {} is deals {}..{}",
                    s.first_deal,
                    s.end_deal,
                    self.hands,
                    self.block_deals,
                    want.first_deal,
                    want.end_deal
                )));
            }
        }
        if self
            .hands
            .checked_mul(self.rotations())
            .and_then(|h| h.checked_mul(self.hands_per_deal()))
            .and_then(|h| h.checked_mul(seats))
            .is_none()
        {
            return Err(BadRunInfo(format!(
                "hands {} × {} rotations or seat orders × {seats} seats does not fit in 64 bits",
                self.hands,
                self.rotations()
            )));
        }
        Ok(())
    }
}

fn default_block_deals() -> u64 {
    DEFAULT_BLOCK_DEALS
}

fn default_runout_samples() -> u32 {
    RUNOUT_SAMPLES
}

/// Rounds to 4 decimals (seconds in `run.json`).
fn round4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

/// The run seed of a `run.json`: `seed_string` (a decimal string, exact in every JSON
/// reader) and the number `seed` (which jq and JavaScript round above 2^53), either or
/// both; when both are there they must agree, or the number must be the string's
/// value rounded to a double (a file rewritten by such a tool).
fn stored_seed(json: &serde_json::Value) -> Result<u64, BadRunInfo> {
    let number = match json.get("seed") {
        None => None,
        Some(v) => Some(v.as_u64().ok_or_else(|| {
            BadRunInfo(format!(
                "seed {v} is not a whole number from 0 to 18446744073709551615"
            ))
        })?),
    };
    let string = match json.get("seed_string") {
        None => None,
        Some(v) => Some(v.as_str().and_then(|s| s.parse::<u64>().ok()).ok_or_else(|| {
            BadRunInfo(format!(
                "seed_string {v} is not a decimal string of a whole number from 0 to 18446744073709551615"
            ))
        })?),
    };
    match (number, string) {
        // The number as a JSON tool that reads doubles wrote it back: the string is
        // the seed the run was made with.
        (Some(n), Some(s)) if n != s && n as f64 == s as f64 => Ok(s),
        (Some(n), Some(s)) if n != s => Err(BadRunInfo(format!(
            "seed {n} and seed_string \"{s}\" disagree (a JSON tool may have rounded the number): keep the one the run was made with"
        ))),
        (_, Some(s)) => Ok(s),
        (Some(n), None) => Ok(n),
        (None, None) => Err(BadRunInfo("no seed (nor seed_string)".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_is_read_from_its_string_or_its_number() {
        let seed = |json: &str| stored_seed(&serde_json::from_str(json).unwrap());
        let big = 13_337_973_056_730_280_181u64;
        assert_eq!(seed(r#"{"seed": 13337973056730280181}"#), Ok(big));
        assert_eq!(seed(r#"{"seed_string": "13337973056730280181"}"#), Ok(big));
        let both = r#"{"seed": 13337973056730280181, "seed_string": "13337973056730280181"}"#;
        assert_eq!(seed(both), Ok(big));
        // What jq or JavaScript writes back: the double nearest the seed.
        let rounded = r#"{"seed": 13337973056730280000, "seed_string": "13337973056730280181"}"#;
        assert_eq!(seed(rounded), Ok(big));
        assert!(
            seed(r#"{"seed": 1, "seed_string": "2"}"#)
                .unwrap_err()
                .to_string()
                .contains("disagree")
        );
        assert!(seed(r#"{"seed": 1.5e19}"#).is_err());
        assert!(seed(r#"{"seed_string": "-1"}"#).is_err());
        assert!(seed(r#"{}"#).is_err());
    }

    #[test]
    fn the_duplicate_mode_is_read_back_and_older_files_are_rotations() {
        let dir = tempfile::tempdir().unwrap();
        let read = |extra: &str| {
            let json = format!(
                r#"{{"seed": 1, "hands": 10, "lineup": ["tag", "call", "random"], "small_blind_chips": 10, "big_blind_chips": 20, "ante_chips": 0, "stack_chips": 2000{extra}}}"#
            );
            std::fs::write(dir.path().join("run.json"), json).unwrap();
            RunInfo::read(dir.path())
        };
        let plain = read("").unwrap();
        assert_eq!((plain.duplicate_mode(), plain.rotations()), (None, 1));
        // Files written before permutations existed: `duplicate` alone is rotations.
        let old = read(r#", "duplicate": true"#).unwrap();
        assert_eq!(old.duplicate_mode(), Some(DuplicateMode::Rotations));
        assert_eq!(old.rotations(), 3);
        let permuted = read(r#", "duplicate": true, "permutations": true"#).unwrap();
        assert_eq!(permuted.duplicate_mode(), Some(DuplicateMode::Permutations));
        assert_eq!(
            (permuted.rotations(), permuted.duplicate_name()),
            (3, "permutations")
        );
        assert_eq!(
            permuted.report_config().unwrap().duplicate,
            Some(DuplicateMode::Permutations)
        );
        let bad = read(r#", "permutations": true"#).unwrap_err().to_string();
        assert!(bad.contains("duplicate is false"), "{bad}");
        // A rotation run writes no `permutations` field: its run.json is unchanged.
        let text = serde_json::to_string(&old).unwrap();
        assert!(!text.contains("permutations"), "{text}");
    }
}
