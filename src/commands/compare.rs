//! `holdem-arena compare` and `holdem-arena gate`: is version B better than version A,
//! and did this change make my bot worse?
//!
//! Both commands play the candidate and the baseline on the same seed, the same deals
//! and the same seats against the same opponents (common random numbers; duplicate
//! deals and the all-in adjustment by default), and pair their results block by block
//! ([`crate::verdict`]). The baseline is either another built-in bot played live
//! (`--baseline NAME --vs OPPONENTS`) or a stored run (`--baseline-file
//! DIR/blocks.csv`, whose `run.json` alongside gives the seed, line-up, stakes and
//! mode to replay the candidate with), so CI need not keep the old bot. Both sides
//! may be stored (`--candidate-file DIR/blocks.csv` with `--baseline-file`): a
//! cluster plays the candidate in shards, `merge` joins them, and the verdict pairs
//! the two stored runs' blocks without playing a hand. Two stored runs pair only when
//! they played the same deals: the same seed, mode, blocks, table and opponents, with
//! the bot under test in the same seats.
//!
//! The bot under test is found in each run under its CSV name ([`BotSpec::name`] of
//! its seats: `call_bot` for `exec:python3 bots/python/call_bot.py`), never under the
//! command-line entry. There is no verdict (exit 1, one line saying why) when a bot of
//! a played run had faults ([`Tally::fault_reason`]), when the bot under test's rows
//! do not cover every block asked for, or when the difference or its standard error
//! is not finite; and none is asked for (exit 2) over fewer than
//! [`MIN_VERDICT_BLOCKS`] or more than [`MAX_VERDICT_BLOCKS`] blocks, or over more
//! deals than a stored baseline has.
//!
//! `gate` exit codes: 0 the candidate is not worse than the baseline by more than
//! `--margin` bb/100; 1 it is (or the test could not show it is not, or there is no
//! verdict); 2 bad input.
//!
//! [`BotSpec::name`]: crate::bots::BotSpec::name

use super::{CommandError, TableArgs, failed, usage};
use crate::blocks::{BlockRow, DEFAULT_BLOCK_DEALS, read_blocks};
use crate::config::{DuplicateMode, Lineup, RunConfig, RunSettings, TableSettings};
use crate::fs::write_atomically;
use crate::run_info::RunInfo;
use crate::sim::{self, CHUNK_HANDS};
use crate::stats::{Stats, Tally};
use crate::verdict::{Decision, Estimate, EstimateSums, PairedBlock, Sprt};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Which test `gate` runs.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TestKind {
    /// Fixed sample: play `--hands` deals, pass when the one-sided lower confidence
    /// bound of the difference is above −margin.
    Fixed,
    /// Wald's SPRT on the paired difference, block by block, up to `--hands` deals.
    Sprt,
}

/// Which result is compared.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metric {
    /// Chips actually won.
    Real,
    /// All-in-adjusted results (expected shares of pots when all-in before the river).
    AllinAdj,
}

/// Options of `compare` and `gate`.
#[derive(clap::Args, Debug)]
pub struct GateArgs {
    /// The new version: a bot name (see `holdem-arena bots`) or an `exec:COMMAND` /
    /// `exec-claw:COMMAND` external bot; with --candidate-file, the bot's name in that
    /// stored run.
    #[arg(long)]
    pub candidate: String,
    /// The old version: a bot name played live, or with --baseline-file the bot's name
    /// in the stored run (default: the candidate's name).
    #[arg(long)]
    pub baseline: Option<String>,
    /// Opponents seated after the bot under test: comma-separated entries, each a bot
    /// name (or several, space-separated) or one whole `exec:` / `exec-claw:` entry;
    /// an empty entry is an error.
    #[arg(long, value_delimiter = ',', num_args = 1..)]
    pub vs: Vec<String>,
    /// A stored run's blocks.csv (with its run.json alongside) to compare against, block
    /// by block, instead of playing the baseline.
    #[arg(long)]
    pub baseline_file: Option<PathBuf>,
    /// With --baseline-file: the candidate's stored run too (a blocks.csv with its
    /// run.json, e.g. the merge of its shards), paired block by block without playing;
    /// --candidate then names the bot in it.
    #[arg(long, requires = "baseline_file")]
    pub candidate_file: Option<PathBuf>,
    /// Non-inferiority margin in bb/100: fail when the candidate is worse by this much.
    #[arg(long, default_value_t = 5.0)]
    pub margin: f64,
    /// gate: fixed-sample test or sequential SPRT.
    #[arg(long, value_enum, default_value_t = TestKind::Sprt)]
    pub test: TestKind,
    /// Confidence of the fixed-sample test (one-sided) and of compare's interval.
    #[arg(long, default_value_t = 0.95)]
    pub confidence: f64,
    /// SPRT: chance of passing a candidate worse by the margin.
    #[arg(long, default_value_t = 0.05)]
    pub alpha: f64,
    /// SPRT: chance of failing a candidate that is not worse.
    #[arg(long, default_value_t = 0.05)]
    pub beta: f64,
    /// Deals to play (fixed test, compare) or the SPRT's cap [100000 / 500000; with
    /// --baseline-file: the stored run's deals].
    #[arg(long)]
    pub hands: Option<u64>,
    /// Run seed (with --baseline-file: the stored run's).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads (default: one per CPU core).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Plain deals instead of duplicate deals.
    #[arg(long)]
    pub naive: bool,
    /// Result compared.
    #[arg(long, value_enum, default_value_t = Metric::AllinAdj)]
    pub metric: Metric,
    /// Deals per block (the paired units).
    #[arg(long, default_value_t = DEFAULT_BLOCK_DEALS)]
    pub block_deals: u64,
    /// Blinds, ante and stacks (ignored with --baseline-file, which records them).
    #[command(flatten)]
    pub table: TableArgs,
    /// Seconds an external bot (`exec:` / `exec-claw:`) has for each action before it
    /// is auto-folded (auto-checked when checking is free).
    /// [default: 10, or the --table preset's: 120 for openpoker]
    #[arg(long)]
    pub action_timeout: Option<f64>,
    /// Folder for the details CSV (default: results/gate or results/compare).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// No verdict: exit 1, one line saying why.
fn refused(message: String) -> CommandError {
    failed(message)
}

/// Most blocks `compare` and `gate` pair: they hold every paired block in memory
/// (about 350 bytes a block: the bot under test's row of each run, the pair and its
/// line of the details CSV; 340 MB at this limit), so
/// `--hands` / `--block-deals` may not ask for more.
pub const MAX_VERDICT_BLOCKS: u64 = 1_000_000;

/// Fewest blocks a verdict is made from: the spread of the difference is estimated
/// from the blocks, and one block has none.
pub const MIN_VERDICT_BLOCKS: u64 = 2;

/// One run that is played: its configuration and the bot under test in it.
struct Side {
    config: RunConfig,
    /// The first seat of the bot under test (see [`Side::name`]).
    seat: usize,
    /// "the candidate" or "the baseline", for messages.
    role: &'static str,
    /// The per-seat tallies of every batch played so far (for the faults).
    stats: Stats,
}

impl Side {
    /// The run of `config` with the bot under test in `seats` (given on the command
    /// line as `entry`, for `who`), which must be the only seats with its name.
    fn new(
        config: RunConfig,
        seats: &[usize],
        who: &str,
        entry: &str,
        role: &'static str,
    ) -> Result<Side, CommandError> {
        let name = config.lineup[seats[0]].name();
        let clash = config
            .lineup
            .iter()
            .enumerate()
            .any(|(s, b)| b.name() == name && !seats.contains(&s));
        if clash {
            return Err(usage(format!(
                "{who} {entry:?} is also an opponent: give the bot under test a name no other seat has"
            )));
        }
        let stats = Stats::new(config.lineup.len());
        Ok(Side {
            config,
            seat: seats[0],
            role,
            stats,
        })
    }

    /// The bot under test's name in this run's CSVs (`BotSpec::name` of its seats),
    /// which is how its block rows are found.
    fn name(&self) -> &str {
        self.config.lineup[self.seat].name()
    }

    /// Seats of the bot under test.
    fn seats(&self) -> u64 {
        self.config
            .lineup
            .iter()
            .filter(|b| b.name() == self.name())
            .count() as u64
    }

    /// Refuses a verdict when a bot of this run had faults ([`Tally::fault_reason`]):
    /// its results would not be its own play.
    fn check_faults(&self) -> Result<(), CommandError> {
        let bot_of_seat = self.config.bot_of_seat();
        for (b, name) in self.config.distinct_bots().iter().enumerate() {
            let mut total = Tally::default();
            for (s, _) in bot_of_seat
                .iter()
                .enumerate()
                .filter(|(_, k)| **k as usize == b)
            {
                total += &self.stats.seats[s];
            }
            if let Some(why) = total.fault_reason() {
                let who = if *name == self.name() {
                    format!("{name} ({})", self.role)
                } else {
                    format!("opponent {name} in {}'s run", self.role)
                };
                return Err(refused(format!(
                    "no verdict: {who} {why}: its results are not its own play"
                )));
            }
        }
        Ok(())
    }

    /// Plays deals `first..end` (on whole blocks, or to the end of the run) and returns
    /// the bot under test's block rows: exactly the blocks of those deals, or an error
    /// (exit 1) saying what is missing. Refuses when a bot of the run had faults.
    fn play(&mut self, first: u64, end: u64) -> Result<Vec<BlockRow>, CommandError> {
        let config = &self.config;
        let names = config.distinct_bots();
        let (name, bb) = (self.name(), config.stakes.big_blind_chips);
        let mut rows = RowsOf {
            name,
            names: &names,
            big_blind_chips: bb,
            rows: Vec::new(),
        };
        let control = sim::RunControl::default();
        let total = (end - first) * config.rotations() as u64;
        let tallies = super::progress::watch(total, &control, || {
            sim::run_deals_streaming(config, first, end, &control, &mut rows)
        });
        let tallies = match tallies {
            Ok(t) => t,
            Err(sim::RunError::Stopped { hands_done }) => {
                return Err(super::interrupted(hands_done, total));
            }
            Err(e) => return Err(refused(e.to_string())),
        };
        let rows = rows.rows;
        self.stats += &tallies.stats;
        self.check_faults()?;
        let bd = config.block_deals;
        let first_block = first / bd;
        let blocks = end.div_ceil(bd) - first_block;
        let per_deal = config.rotations() as u64 * self.seats();
        let whole = rows.len() as u64 == blocks
            && rows.iter().zip(first_block..).all(|(r, b)| {
                r.block == b
                    && r.deals
                        == end.min(b.saturating_mul(bd).saturating_add(bd)) - first.max(b * bd)
                    && match config.session {
                        None => r.seat_hands == r.deals * per_deal,
                        // Seats sit out in sessions, and sessions may end early.
                        Some(s) => {
                            r.seat_hands > 0
                                && r.seat_hands <= r.deals * per_deal * u64::from(s.hands)
                        }
                    }
            });
        if !whole {
            return Err(refused(format!(
                "no verdict: {} ({}) has {} block rows ({} deals) of the {blocks} blocks ({} deals) played: its results were not found under its name",
                self.name(),
                self.role,
                rows.len(),
                rows.iter().map(|r| r.deals).sum::<u64>(),
                end - first
            )));
        }
        Ok(rows)
    }
}

/// Where one side's blocks come from.
enum Source {
    /// Played live.
    Live(Box<Side>),
    /// A stored run's rows of the bot under test, block `i` at index `i` (checked
    /// against its run.json by [`read_blocks`]).
    Stored { name: String, rows: Vec<BlockRow> },
}

/// What to play: where the candidate's and the baseline's blocks come from.
struct Plan {
    candidate: Source,
    baseline: Source,
    /// Deals per block, the paired unit.
    block_deals: u64,
    /// Worker threads of a live side (1 when both are stored), for batch sizes.
    threads: usize,
    /// The two versions as printed: their CSV names, or the command-line entries when
    /// the names are the same but the bots are not (two external bots whose commands
    /// share a script name).
    candidate_label: String,
    baseline_label: String,
    /// Deals available: the cap.
    deals: u64,
}

fn check_options(args: &GateArgs) -> Result<(), CommandError> {
    if !(args.margin.is_finite() && args.margin > 0.0) {
        return Err(usage(format!(
            "--margin {}: give a positive number of bb/100",
            args.margin
        )));
    }
    if !(args.confidence > 0.5 && args.confidence < 1.0) {
        return Err(usage(format!(
            "--confidence {}: give a level between 0.5 and 1, e.g. 0.95",
            args.confidence
        )));
    }
    for (name, v) in [("--alpha", args.alpha), ("--beta", args.beta)] {
        if !(v > 0.0 && v < 0.5) {
            return Err(usage(format!(
                "{name} {v}: give an error rate between 0 and 0.5, e.g. 0.05"
            )));
        }
    }
    Ok(())
}

/// Checks that `deals` in blocks of `block_deals` make between [`MIN_VERDICT_BLOCKS`]
/// and [`MAX_VERDICT_BLOCKS`] blocks.
fn check_blocks(deals: u64, block_deals: u64) -> Result<(), CommandError> {
    let blocks = deals.div_ceil(block_deals);
    if blocks > MAX_VERDICT_BLOCKS {
        return Err(usage(format!(
            "--hands {deals} with --block-deals {block_deals} makes {blocks} blocks: compare and gate hold at most {MAX_VERDICT_BLOCKS} blocks in memory; raise --block-deals or lower --hands"
        )));
    }
    if blocks < MIN_VERDICT_BLOCKS {
        return Err(usage(format!(
            "--hands {deals} with --block-deals {block_deals} makes {blocks} block: a verdict needs at least {MIN_VERDICT_BLOCKS} (the spread is estimated from the blocks); give more --hands or a smaller --block-deals"
        )));
    }
    Ok(())
}

/// The opponents of `--vs`: comma-separated entries, each a bot (an `exec:` /
/// `exec-claw:` entry whole, since its command has spaces) or space-separated bots.
fn opponents(args: &GateArgs) -> Result<Vec<String>, CommandError> {
    let mut vs = Vec::new();
    for (i, entry) in args.vs.iter().enumerate() {
        let entry = entry.trim();
        if entry.is_empty() {
            return Err(usage(format!(
                "--vs {:?}: entry {} is empty: give opponents as BOT[,BOT...]",
                args.vs.join(","),
                i + 1
            )));
        }
        if crate::protocol::external::parse_entry(entry).is_some() {
            vs.push(entry.to_string());
        } else {
            vs.extend(entry.split_whitespace().map(str::to_string));
        }
    }
    Ok(vs)
}

/// The run of `entries` (seat 0 first) that `compare`/`gate` plays: `deals` deals on
/// `seed` at `table`, duplicate unless `--naive`, in `block_deals` blocks.
fn side_config(
    args: &GateArgs,
    entries: &[&str],
    deals: u64,
    seed: u64,
    table: TableSettings,
    duplicate: Option<DuplicateMode>,
    block_deals: u64,
) -> Result<RunConfig, CommandError> {
    let settings = RunSettings {
        threads: args.threads,
        table,
        duplicate,
        block_deals,
        action_timeout_s: args.action_timeout,
        ..RunSettings::new(Lineup::from_entries(entries)?, deals, seed)
    };
    Ok(RunConfig::new(settings)?)
}

/// The labels of the two versions: their CSV names, or their command-line entries
/// when the names are equal but the entries are not.
fn labels(cand: (&str, &str), base: (&str, &str)) -> (String, String) {
    let ((cand_name, cand_entry), (base_name, base_entry)) = (cand, base);
    if cand_name == base_name && cand_entry != base_entry {
        (cand_entry.to_string(), base_entry.to_string())
    } else {
        (cand_name.to_string(), base_name.to_string())
    }
}

fn plan(args: &GateArgs, default_hands: u64) -> Result<Plan, CommandError> {
    check_options(args)?;
    let candidate_entry = args.candidate.trim().to_string();
    let baseline_entry = args
        .baseline
        .as_deref()
        .map(str::trim)
        .unwrap_or(&candidate_entry)
        .to_string();
    if let (Some(candidate_file), Some(baseline_file)) = (&args.candidate_file, &args.baseline_file)
    {
        if !args.vs.is_empty() {
            return Err(usage(
                "--vs with --candidate-file: the opponents come from the stored run.json files; drop --vs"
                    .into(),
            ));
        }
        return stored_plan(
            args,
            (candidate_file, &candidate_entry),
            (baseline_file, &baseline_entry),
        );
    }
    if let Some(file) = &args.baseline_file {
        if !args.vs.is_empty() {
            return Err(usage(
                "--vs with --baseline-file: the opponents come from the stored run.json; drop --vs"
                    .into(),
            ));
        }
        let info = stored_info(file, "--baseline-file")?;
        let baseline_name = baseline_entry;
        if !info.lineup.contains(&baseline_name) {
            return Err(usage(format!(
                "--baseline {baseline_name:?} is not in the stored line-up {}: name the stored bot with --baseline",
                info.lineup.join(",")
            )));
        }
        let seats: Vec<usize> = (0..info.lineup.len())
            .filter(|&s| info.lineup[s] == baseline_name)
            .collect();
        let lineup: Vec<&str> = info
            .lineup
            .iter()
            .map(|b| {
                if *b == baseline_name {
                    candidate_entry.as_str()
                } else {
                    b.as_str()
                }
            })
            .collect();
        // In sessions run.json counts sessions; --hands counts hands.
        let per = info.session.map_or(1, |s| u64::from(s.hands));
        let (stored, block_hands) = (info.hands * per, info.block_deals * per);
        let unit = if per > 1 { "hands" } else { "deals" };
        if let Some(h) = args.hands.filter(|&h| h > stored) {
            return Err(usage(format!(
                "--hands {h}: the stored run has {stored} {unit}; give at most that many, or leave --hands out"
            )));
        }
        let hands = args.hands.unwrap_or(stored);
        if hands < stored && !hands.is_multiple_of(block_hands) {
            return Err(usage(format!(
                "--hands {hands}: with --baseline-file give whole blocks of the stored run ({block_hands} {unit} each) or leave it out"
            )));
        }
        let deals = hands / per;
        let table = TableSettings {
            small_blind_chips: info.small_blind_chips,
            big_blind_chips: info.big_blind_chips,
            ante_chips: info.ante_chips,
            stack_chips: info.stack_chips,
            stacks: info
                .seat_stacks_chips
                .as_ref()
                .map(|s| s.iter().map(u32::to_string).collect::<Vec<_>>().join(",")),
            stack_range: info
                .stack_range_bb
                .map(|r| format!("{}bb..{}bb", r.min_bb, r.max_bb)),
            preset: info
                .table
                .as_deref()
                .map(crate::config::table_preset)
                .transpose()?,
            session_hands: info.session.map(|s| u64::from(s.hands)),
            rebuy: info.session.map(|s| s.rebuy),
            rebuy_cooldown_hands: info.session.map(|s| s.cooldown_hands),
            lean_wire: args.table.lean_wire,
        };
        let config = side_config(
            args,
            &lineup,
            hands,
            info.seed,
            table,
            info.duplicate_mode(),
            block_hands,
        )?;
        check_blocks(deals, info.block_deals)?;
        let candidate = Side::new(
            config,
            &seats,
            "--candidate",
            &candidate_entry,
            "the candidate",
        )?;
        let blocks = deals.div_ceil(info.block_deals);
        let rows = read_blocks(file, &info, |r| r.bot == baseline_name && r.block < blocks)?;
        let (candidate_label, baseline_label) = labels(
            (candidate.name(), &candidate_entry),
            (&baseline_name, &baseline_name),
        );
        let threads = candidate.config.threads;
        return Ok(Plan {
            candidate: Source::Live(Box::new(candidate)),
            baseline: Source::Stored {
                name: baseline_name,
                rows,
            },
            block_deals: info.block_deals,
            threads,
            candidate_label,
            baseline_label,
            deals,
        });
    }
    let vs = opponents(args)?;
    if vs.is_empty() {
        return Err(usage(
            "no opponents: give --vs BOT[,BOT...] (or --baseline-file DIR/blocks.csv)".into(),
        ));
    }
    let deals = args.hands.unwrap_or(default_hands);
    let live = |name: &str| {
        let entries: Vec<&str> = std::iter::once(name)
            .chain(vs.iter().map(String::as_str))
            .collect();
        side_config(
            args,
            &entries,
            deals,
            args.seed,
            args.table.settings()?,
            (!args.naive).then_some(DuplicateMode::Rotations),
            args.block_deals,
        )
    };
    let cand_config = live(&candidate_entry)?;
    let base_config = live(&baseline_entry)?;
    let deals = cand_config.deals; // sessions, in session mode
    check_blocks(deals, cand_config.block_deals)?;
    let candidate = Side::new(
        cand_config,
        &[0],
        "--candidate",
        &candidate_entry,
        "the candidate",
    )?;
    let baseline = Side::new(
        base_config,
        &[0],
        "--baseline",
        &baseline_entry,
        "the baseline",
    )?;
    let (candidate_label, baseline_label) = labels(
        (candidate.name(), &candidate_entry),
        (baseline.name(), &baseline_entry),
    );
    let (block_deals, threads) = (candidate.config.block_deals, candidate.config.threads);
    Ok(Plan {
        candidate: Source::Live(Box::new(candidate)),
        baseline: Source::Live(Box::new(baseline)),
        block_deals,
        threads,
        candidate_label,
        baseline_label,
        deals,
    })
}

/// Reads the `run.json` beside `file` (given as `option`), refusing a shard's (its
/// blocks are part of a run: merge the shards first).
fn stored_info(file: &Path, option: &str) -> Result<RunInfo, CommandError> {
    let info = RunInfo::read(crate::fs::parent_dir(file)).map_err(|e| {
        usage(format!(
            "{option} {}: {e}; keep the run's run.json next to its blocks.csv",
            file.display()
        ))
    })?;
    if let Some(s) = info.shard {
        return Err(usage(format!(
            "{option} {}: that is shard {s} of a run; merge its shards first (holdem-arena merge SHARD_DIR...) and give the merged blocks.csv",
            file.display()
        )));
    }
    Ok(info)
}

/// The seats of `name` in `info`'s line-up, or exit 2 naming `option`.
fn seats_of(info: &RunInfo, name: &str, option: &str) -> Result<Vec<usize>, CommandError> {
    let seats: Vec<usize> = (0..info.lineup.len())
        .filter(|&s| info.lineup[s] == name)
        .collect();
    if seats.is_empty() {
        return Err(usage(format!(
            "{option} {name:?} is not in the stored line-up {}: name the stored bot with {option}",
            info.lineup.join(",")
        )));
    }
    Ok(seats)
}

/// The plan of `--candidate-file` with `--baseline-file`: both sides' rows from the
/// stored runs (each `(file, bot name)`), which must have played the same deals.
fn stored_plan(
    args: &GateArgs,
    (candidate_file, candidate_name): (&Path, &str),
    (baseline_file, baseline_name): (&Path, &str),
) -> Result<Plan, CommandError> {
    let cand = stored_info(candidate_file, "--candidate-file")?;
    let base = stored_info(baseline_file, "--baseline-file")?;
    let cand_seats = seats_of(&cand, candidate_name, "--candidate")?;
    let base_seats = seats_of(&base, baseline_name, "--baseline")?;
    // What both runs must share to have played the same deals against the same play.
    let opponents = |info: &RunInfo, seats: &[usize]| {
        (0..info.lineup.len())
            .map(|s| {
                if seats.contains(&s) {
                    "(bot under test)".to_string()
                } else {
                    info.lineup[s].clone()
                }
            })
            .collect::<Vec<_>>()
            .join(",")
    };
    let settings = |info: &RunInfo, seats: &[usize]| {
        [
            ("seed", info.seed.to_string()),
            ("duplicate", info.duplicate_name().to_string()),
            ("block_deals", info.block_deals.to_string()),
            (
                "blinds and ante (chips)",
                format!(
                    "{}/{} ante {}",
                    info.small_blind_chips, info.big_blind_chips, info.ante_chips
                ),
            ),
            ("stack (chips)", info.stack_chips.to_string()),
            (
                "per-seat stacks (chips)",
                format!("{:?}", info.seat_stacks_chips),
            ),
            (
                "all-in run-out samples",
                info.allin_runout_samples.to_string(),
            ),
            ("line-up", opponents(info, seats)),
        ]
    };
    for ((what, c), (_, b)) in settings(&cand, &cand_seats)
        .into_iter()
        .zip(settings(&base, &base_seats))
    {
        if c != b {
            return Err(usage(format!(
                "--candidate-file {}: {what} is {c}, but --baseline-file {} has {b}: the runs did not play the same deals; play the candidate with the baseline's settings",
                candidate_file.display(),
                baseline_file.display()
            )));
        }
    }
    let most = cand.hands.min(base.hands);
    if let Some(h) = args.hands.filter(|&h| h > most) {
        return Err(usage(format!(
            "--hands {h}: the stored runs have {} and {} deals; give at most {most}, or leave --hands out",
            cand.hands, base.hands
        )));
    }
    let deals = args.hands.unwrap_or(most);
    let bd = base.block_deals;
    if (deals < cand.hands || deals < base.hands) && !deals.is_multiple_of(bd) {
        return Err(usage(format!(
            "--hands {deals}: the stored runs have {} and {} deals; pair whole blocks ({bd} deals each) of the longer one",
            cand.hands, base.hands
        )));
    }
    check_blocks(deals, bd)?;
    for (info, role) in [(&cand, "the candidate"), (&base, "the baseline")] {
        if let Some((bot, why)) = info.bot_faults.iter().next() {
            return Err(refused(format!(
                "no verdict: in {role}'s stored run {bot} {why}: its results are not its own play"
            )));
        }
    }
    let blocks = deals.div_ceil(bd);
    let rows = |file: &Path, info: &RunInfo, name: &str| {
        read_blocks(file, info, |r| r.bot == name && r.block < blocks)
    };
    let label = |name: &str, file: &Path| {
        if candidate_name == baseline_name {
            format!("{name} ({})", crate::fs::parent_dir(file).display())
        } else {
            name.to_string()
        }
    };
    Ok(Plan {
        candidate: Source::Stored {
            name: candidate_name.to_string(),
            rows: rows(candidate_file, &cand, candidate_name)?,
        },
        baseline: Source::Stored {
            name: baseline_name.to_string(),
            rows: rows(baseline_file, &base, baseline_name)?,
        },
        block_deals: bd,
        threads: 1,
        candidate_label: label(candidate_name, candidate_file),
        baseline_label: label(baseline_name, baseline_file),
        deals,
    })
}

/// The [`sim::RunSink`] that keeps one bot's block rows.
struct RowsOf<'a> {
    name: &'a str,
    names: &'a [&'a str],
    big_blind_chips: u32,
    rows: Vec<BlockRow>,
}

impl sim::RunSink for RowsOf<'_> {
    fn block(&mut self, block: &crate::blocks::Blocks) {
        let name = self.name;
        self.rows.extend(
            block
                .iter_rows(self.names, self.big_blind_chips)
                .filter(|r| r.bot == name),
        );
    }

    fn histories(&mut self, _: &[u8]) {}
}

fn value(row: &BlockRow, metric: Metric) -> f64 {
    match metric {
        Metric::Real => row.net_bb,
        Metric::AllinAdj => row.allin_adj_bb,
    }
}

/// Paired blocks over deals `first..end`.
fn pairs(
    plan: &mut Plan,
    first: u64,
    end: u64,
    metric: Metric,
) -> Result<Vec<PairedBlock>, CommandError> {
    let cand = match &mut plan.candidate {
        Source::Live(side) => side.play(first, end)?,
        Source::Stored { name, rows } => {
            let (b0, b1) = (first / plan.block_deals, end.div_ceil(plan.block_deals));
            let range = usize::try_from(b0).unwrap_or(usize::MAX)
                ..usize::try_from(b1).unwrap_or(usize::MAX);
            rows.get(range).map(<[BlockRow]>::to_vec).ok_or_else(|| {
                usage(format!(
                    "the candidate's stored run has no blocks {b0} to {} for {name:?}",
                    b1 - 1
                ))
            })?
        }
    };
    let base: Vec<BlockRow> = match &mut plan.baseline {
        Source::Live(side) => side.play(first, end)?,
        Source::Stored { name, rows } => cand
            .iter()
            .map(|c| {
                let s = usize::try_from(c.block)
                    .ok()
                    .and_then(|i| rows.get(i))
                    .filter(|s| s.block == c.block && s.deals == c.deals && s.seat_hands == c.seat_hands);
                s.cloned().ok_or_else(|| {
                    usage(format!(
                        "the stored run has no block {} of {} deals for {:?}: it was not made with the settings in its run.json",
                        c.block, c.deals, name
                    ))
                })
            })
            .collect::<Result<_, _>>()?,
    };
    Ok(cand
        .iter()
        .zip(&base)
        .map(|(c, b)| PairedBlock {
            block: c.block,
            seat_hands: c.seat_hands,
            candidate_bb: value(c, metric),
            baseline_bb: value(b, metric),
        })
        .collect())
}

/// One row of `gate.csv` / `compare.csv`: a block and the running estimate after it.
#[derive(Serialize)]
struct DetailRow {
    block: u64,
    seat_hands: u64,
    candidate_bb: f64,
    baseline_bb: f64,
    diff_bb_per_100: f64,
    running_diff_bb_per_100: f64,
    /// Empty while it is not a finite number (after the first block).
    running_se_bb_per_100: Option<f64>,
    running_llr: f64,
}

fn write_details(
    out: &Path,
    name: &str,
    pairs: &[PairedBlock],
    sprt: &Sprt,
) -> Result<(), CommandError> {
    let fail = |e: &dyn std::fmt::Display| {
        failed(format!("cannot write {}: {e}", out.join(name).display()))
    };
    std::fs::create_dir_all(out).map_err(|e| fail(&e))?;
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut running = EstimateSums::default();
    for p in pairs {
        running.push(p);
        let e = running.estimate();
        w.serialize(DetailRow {
            block: p.block,
            seat_hands: p.seat_hands,
            candidate_bb: p.candidate_bb,
            baseline_bb: p.baseline_bb,
            diff_bb_per_100: 100.0 * (p.candidate_bb - p.baseline_bb) / p.seat_hands as f64,
            running_diff_bb_per_100: e.diff_bb_per_100,
            running_se_bb_per_100: Some(e.se_bb_per_100).filter(|se| se.is_finite()),
            running_llr: sprt.llr(&e),
        })
        .map_err(|e| fail(&e))?;
    }
    let bytes = w.into_inner().map_err(|e| fail(&e.into_error()))?;
    write_atomically(out, name, &bytes).map_err(|e| fail(&e))
}

/// The estimate over `pairs`, if it is a verdict (exit 1 otherwise: no blocks, or a
/// standard error that is not finite).
fn checked(plan: &Plan, pairs: &[PairedBlock]) -> Result<Estimate, CommandError> {
    Estimate::of(pairs)
        .checked(&format!(
            "{} vs {}",
            plan.candidate_label, plan.baseline_label
        ))
        .map_err(CommandError::from)
}

fn sprt_of(args: &GateArgs) -> Sprt {
    Sprt {
        margin: args.margin,
        alpha: args.alpha,
        beta: args.beta,
    }
}

/// `holdem-arena compare`: the paired difference with its interval.
///
/// # Errors
/// A usage [`CommandError`] (exit 2) for bad input, exit 1 for a failed run.
pub fn compare(args: &GateArgs) -> Result<ExitCode, CommandError> {
    let started = Instant::now();
    let mut plan = plan(args, 100_000)?;
    let deals = plan.deals;
    let pairs = pairs(&mut plan, 0, deals, args.metric)?;
    let e = checked(&plan, &pairs)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("results/compare"));
    write_details(&out, "compare.csv", &pairs, &sprt_of(args))?;
    super::print_stdout(&format!(
        "{} - {}: {:+.2} ± {:.2} bb/100 ({:.0}% interval, paired over {} blocks, {} hands of each; {} {:+.2}, {} {:+.2} bb/100) in {:.1} s\n",
        plan.candidate_label,
        plan.baseline_label,
        e.diff_bb_per_100,
        e.half_width(args.confidence),
        args.confidence * 100.0,
        e.blocks,
        e.seat_hands,
        plan.candidate_label,
        e.candidate_bb_per_100,
        plan.baseline_label,
        e.baseline_bb_per_100,
        started.elapsed().as_secs_f64(),
    ))?;
    Ok(ExitCode::SUCCESS)
}

/// `holdem-arena gate`: exit 0 when the candidate is not worse than the baseline by
/// more than the margin, 1 when it is (one verdict line on stdout, details in
/// `gate.csv`).
///
/// # Errors
/// A usage [`CommandError`] (exit 2) for bad input, exit 1 for a failed run.
pub fn gate(args: &GateArgs) -> Result<ExitCode, CommandError> {
    let started = Instant::now();
    let default_hands = match args.test {
        TestKind::Fixed => 100_000,
        TestKind::Sprt => 500_000,
    };
    let mut plan = plan(args, default_hands)?;
    let sprt = sprt_of(args);
    let block_deals = plan.block_deals;
    let mut all: Vec<PairedBlock> = Vec::new();
    let mut decision = None;
    let mut used = 0;
    match args.test {
        TestKind::Fixed => {
            let deals = plan.deals;
            all = pairs(&mut plan, 0, deals, args.metric)?;
            used = all.len();
        }
        TestKind::Sprt => {
            // Batches of whole blocks, big enough to keep every thread busy (two chunks
            // a thread); the test looks at one block at a time, in order. Each batch
            // ends at the first block boundary after a chunk boundary, so that the
            // next one replays less than a block of its first chunk (see
            // `sim::Worker::play_chunk`).
            let per_batch = 2 * plan.threads as u64 * CHUNK_HANDS;
            let mut first = 0;
            let mut running = EstimateSums::default();
            'batches: while first < plan.deals {
                let end = (first / per_batch + 1)
                    .saturating_mul(per_batch)
                    .div_ceil(block_deals)
                    .saturating_mul(block_deals)
                    .min(plan.deals);
                all.extend(pairs(&mut plan, first, end, args.metric)?);
                while used < all.len() {
                    running.push(&all[used]);
                    used += 1;
                    decision = sprt.decide(&running.estimate());
                    if decision.is_some() {
                        break 'batches;
                    }
                }
                first = end;
            }
            all.truncate(used);
        }
    }
    let e = checked(&plan, &all[..used])?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("results/gate"));
    write_details(&out, "gate.csv", &all, &sprt)?;
    let how = match (args.test, decision) {
        (TestKind::Sprt, Some(_)) => {
            let (lo, hi) = sprt.bounds();
            format!(
                "SPRT alpha {} beta {}: LLR {:.2} outside ({lo:.2}, {hi:.2})",
                args.alpha,
                args.beta,
                sprt.llr(&e)
            )
        }
        (TestKind::Sprt, None) => format!(
            "SPRT undecided at the cap (LLR {:.2}); fixed-sample rule at {}% confidence",
            sprt.llr(&e),
            args.confidence * 100.0
        ),
        (TestKind::Fixed, _) => format!(
            "fixed sample, lower {}% bound {:+.2}",
            args.confidence * 100.0,
            e.lower_bound(args.confidence)
        ),
    };
    let pass = match decision {
        Some(d) => d == Decision::NotWorse,
        None => e.not_worse(args.margin, args.confidence),
    };
    super::print_stdout(&format!(
        "{}: {} vs {}: {:+.2} ± {:.2} bb/100 (margin {}; {how}; {} blocks, {} hands each, {:.1} s)\n",
        if pass { "PASS" } else { "FAIL" },
        plan.candidate_label,
        plan.baseline_label,
        e.diff_bb_per_100,
        e.half_width(args.confidence),
        args.margin,
        e.blocks,
        e.seat_hands,
        started.elapsed().as_secs_f64(),
    ))?;
    Ok(if pass {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
