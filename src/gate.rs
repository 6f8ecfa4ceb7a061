//! `holdem-arena compare` and `holdem-arena gate`: is version B better than version A,
//! and did this change make my bot worse?
//!
//! Both commands play the candidate and the baseline on the same seed, the same deals
//! and the same seats against the same opponents (common random numbers; duplicate
//! deals and the all-in adjustment by default), and pair their results block by block
//! ([`crate::verdict`]). The baseline is either another built-in bot played live
//! (`--baseline NAME --vs OPPONENTS`) or a stored run (`--baseline-file
//! DIR/blocks.csv`, whose `run.json` alongside gives the seed, line-up, stakes and
//! mode to replay the candidate with), so CI need not keep the old bot.
//!
//! `gate` exit codes: 0 the candidate is not worse than the baseline by more than
//! `--margin` bb/100; 1 it is (or the test could not show it is not); 2 bad input.

use crate::blocks::{BlockRow, DEFAULT_BLOCK_DEALS, read_csv, read_run_json};
use crate::cli::{Failure, RunArgs, TableArgs, config_from_args};
use crate::report::write_atomically;
use crate::sim::{self, CHUNK_HANDS, RunConfig};
use crate::verdict::{Decision, Estimate, PairedBlock, Sprt};
use serde::Serialize;
use std::collections::HashMap;
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
    /// The new version: a bot name (see `holdem-arena bots`).
    #[arg(long)]
    pub candidate: String,
    /// The old version: a bot name played live, or with --baseline-file the bot's name
    /// in the stored run (default: the candidate's name).
    #[arg(long)]
    pub baseline: Option<String>,
    /// Opponents (comma- or space-separated) seated after the bot under test.
    #[arg(long, value_delimiter = ',', num_args = 1..)]
    pub vs: Vec<String>,
    /// A stored run's blocks.csv (with its run.json alongside) to compare against, block
    /// by block, instead of playing the baseline.
    #[arg(long)]
    pub baseline_file: Option<PathBuf>,
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
    /// Folder for the details CSV (default: results/gate or results/compare).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

fn usage(message: String) -> Failure {
    Failure { code: 2, message }
}

/// A stored baseline bot's blocks, by block index.
struct Stored {
    rows: HashMap<u64, BlockRow>,
}

/// What to play: the candidate's run, and where the baseline's blocks come from.
struct Plan {
    candidate: RunConfig,
    candidate_name: String,
    baseline: Option<RunConfig>,
    baseline_name: String,
    stored: Option<Stored>,
    /// Deals available: the cap.
    deals: u64,
}

fn check_options(args: &GateArgs) -> Result<(), Failure> {
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

fn run_args(args: &GateArgs, bots: String, hands: u64) -> RunArgs {
    RunArgs {
        bots,
        hands,
        seed: Some(args.seed),
        threads: args.threads,
        table: args.table.clone(),
        out: None,
        duplicate: !args.naive,
        block_deals: args.block_deals,
        no_allin_adjust: false,
        hand_histories: None,
        history_every: None,
        history_hands: None,
        action_timeout: crate::cli::DEFAULT_ACTION_TIMEOUT_S,
        allow_bot_faults: false,
    }
}

fn plan(args: &GateArgs, default_hands: u64) -> Result<Plan, Failure> {
    check_options(args)?;
    let candidate_name = args.candidate.trim().to_string();
    let baseline_name = args
        .baseline
        .clone()
        .unwrap_or_else(|| candidate_name.clone());
    let clash = |lineup: &[String], who: &str, name: &str| {
        if lineup.iter().any(|b| b == name) {
            Err(usage(format!(
                "{who} {name:?} is also an opponent: give the bot under test a name no other seat has"
            )))
        } else {
            Ok(())
        }
    };
    if let Some(file) = &args.baseline_file {
        if !args.vs.is_empty() {
            return Err(usage(
                "--vs with --baseline-file: the opponents come from the stored run.json; drop --vs"
                    .into(),
            ));
        }
        let dir = file.parent().unwrap_or(Path::new("."));
        let info = read_run_json(dir).map_err(|e| {
            usage(format!(
                "--baseline-file {}: {e}; keep the run's run.json next to its blocks.csv",
                file.display()
            ))
        })?;
        if !info.lineup.contains(&baseline_name) {
            return Err(usage(format!(
                "--baseline {baseline_name:?} is not in the stored line-up {}: name the stored bot with --baseline",
                info.lineup.join(",")
            )));
        }
        let others: Vec<String> = info
            .lineup
            .iter()
            .filter(|b| **b != baseline_name)
            .cloned()
            .collect();
        clash(&others, "--candidate", &candidate_name)?;
        let lineup: Vec<String> = info
            .lineup
            .iter()
            .map(|b| {
                if *b == baseline_name {
                    candidate_name.clone()
                } else {
                    b.clone()
                }
            })
            .collect();
        let deals = args.hands.unwrap_or(info.hands).min(info.hands);
        if deals < info.hands && !deals.is_multiple_of(info.block_deals) {
            return Err(usage(format!(
                "--hands {deals}: with --baseline-file give whole blocks of the stored run ({} deals each) or leave it out",
                info.block_deals
            )));
        }
        let ra = RunArgs {
            bots: lineup.join(","),
            hands: deals,
            seed: Some(info.seed),
            threads: args.threads,
            table: TableArgs {
                small_blind: info.small_blind_chips,
                big_blind: info.big_blind_chips,
                ante: info.ante_chips,
                stack: info.stack_chips,
                stacks: None,
            },
            out: None,
            duplicate: info.duplicate,
            block_deals: info.block_deals,
            no_allin_adjust: false,
            hand_histories: None,
            history_every: None,
            history_hands: None,
            action_timeout: crate::cli::DEFAULT_ACTION_TIMEOUT_S,
            allow_bot_faults: false,
        };
        let candidate = config_from_args(&ra, info.seed)?;
        let rows = read_csv(file)
            .map_err(usage)?
            .into_iter()
            .filter(|r| r.bot == baseline_name)
            .map(|r| (r.block, r))
            .collect();
        return Ok(Plan {
            candidate,
            candidate_name,
            baseline: None,
            baseline_name,
            stored: Some(Stored { rows }),
            deals,
        });
    }
    let vs: Vec<String> = args
        .vs
        .iter()
        .flat_map(|v| v.split_whitespace())
        .map(str::to_string)
        .collect();
    if vs.is_empty() {
        return Err(usage(
            "no opponents: give --vs BOT[,BOT...] (or --baseline-file DIR/blocks.csv)".into(),
        ));
    }
    clash(&vs, "--candidate", &candidate_name)?;
    clash(&vs, "--baseline", &baseline_name)?;
    let deals = args.hands.unwrap_or(default_hands);
    let with = |name: &str| format!("{name},{}", vs.join(","));
    let candidate = config_from_args(&run_args(args, with(&candidate_name), deals), args.seed)?;
    let baseline = config_from_args(&run_args(args, with(&baseline_name), deals), args.seed)?;
    Ok(Plan {
        candidate,
        candidate_name,
        baseline: Some(baseline),
        baseline_name,
        stored: None,
        deals,
    })
}

/// Plays deals `first..end` of `config` and returns `name`'s block rows.
fn play_blocks(
    config: &RunConfig,
    first: u64,
    end: u64,
    name: &str,
) -> Result<Vec<BlockRow>, Failure> {
    let tallies =
        sim::run_deals(config, first, end, &sim::RunControl::default()).map_err(|e| Failure {
            code: 1,
            message: e.to_string(),
        })?;
    let names = config.distinct_bots();
    Ok(tallies
        .blocks
        .rows(&names, config.stakes.big_blind_chips)
        .into_iter()
        .filter(|r| r.bot == name)
        .collect())
}

fn value(row: &BlockRow, metric: Metric) -> f64 {
    match metric {
        Metric::Real => row.net_bb,
        Metric::AllinAdj => row.allin_adj_bb,
    }
}

/// Paired blocks over deals `first..end`.
fn pairs(plan: &Plan, first: u64, end: u64, metric: Metric) -> Result<Vec<PairedBlock>, Failure> {
    let cand = play_blocks(&plan.candidate, first, end, &plan.candidate_name)?;
    let base: Vec<BlockRow> = match (&plan.baseline, &plan.stored) {
        (Some(config), _) => play_blocks(config, first, end, &plan.baseline_name)?,
        (None, Some(stored)) => cand
            .iter()
            .map(|c| {
                let s = stored.rows.get(&c.block).filter(|s| {
                    s.deals == c.deals && s.seat_hands == c.seat_hands
                });
                s.cloned().ok_or_else(|| {
                    usage(format!(
                        "the stored run has no block {} of {} deals for {:?}: it was not made with the settings in its run.json",
                        c.block, c.deals, plan.baseline_name
                    ))
                })
            })
            .collect::<Result<_, _>>()?,
        (None, None) => unreachable!("a plan has a baseline"),
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
    running_se_bb_per_100: f64,
    running_llr: f64,
}

fn write_details(
    out: &Path,
    name: &str,
    pairs: &[PairedBlock],
    sprt: &Sprt,
) -> Result<(), Failure> {
    let fail = |e: &dyn std::fmt::Display| Failure {
        code: 1,
        message: format!("cannot write {}: {e}", out.join(name).display()),
    };
    std::fs::create_dir_all(out).map_err(|e| fail(&e))?;
    let mut w = csv::Writer::from_writer(Vec::new());
    for (i, p) in pairs.iter().enumerate() {
        let e = Estimate::of(&pairs[..=i]);
        w.serialize(DetailRow {
            block: p.block,
            seat_hands: p.seat_hands,
            candidate_bb: p.candidate_bb,
            baseline_bb: p.baseline_bb,
            diff_bb_per_100: 100.0 * (p.candidate_bb - p.baseline_bb) / p.seat_hands as f64,
            running_diff_bb_per_100: e.diff_bb_per_100,
            running_se_bb_per_100: e.se_bb_per_100,
            running_llr: sprt.llr(&e),
        })
        .map_err(|e| fail(&e))?;
    }
    let bytes = w.into_inner().map_err(|e| fail(&e.into_error()))?;
    write_atomically(out, name, &bytes).map_err(|e| fail(&e))
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
/// A usage [`Failure`] (exit 2) for bad input, exit 1 for a failed run.
pub fn compare(args: &GateArgs) -> Result<ExitCode, Failure> {
    let started = Instant::now();
    let plan = plan(args, 100_000)?;
    let pairs = pairs(&plan, 0, plan.deals, args.metric)?;
    let e = Estimate::of(&pairs);
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("results/compare"));
    write_details(&out, "compare.csv", &pairs, &sprt_of(args))?;
    println!(
        "{} - {}: {:+.2} ± {:.2} bb/100 ({:.0}% interval, paired over {} blocks, {} hands of each; {} {:+.2}, {} {:+.2} bb/100) in {:.1} s",
        plan.candidate_name,
        plan.baseline_name,
        e.diff_bb_per_100,
        e.half_width(args.confidence),
        args.confidence * 100.0,
        e.blocks,
        e.seat_hands,
        plan.candidate_name,
        e.candidate_bb_per_100,
        plan.baseline_name,
        e.baseline_bb_per_100,
        started.elapsed().as_secs_f64(),
    );
    Ok(ExitCode::SUCCESS)
}

/// `holdem-arena gate`: exit 0 when the candidate is not worse than the baseline by
/// more than the margin, 1 when it is (one verdict line on stdout, details in
/// `gate.csv`).
///
/// # Errors
/// A usage [`Failure`] (exit 2) for bad input, exit 1 for a failed run.
pub fn gate(args: &GateArgs) -> Result<ExitCode, Failure> {
    let started = Instant::now();
    let default_hands = match args.test {
        TestKind::Fixed => 100_000,
        TestKind::Sprt => 500_000,
    };
    let plan = plan(args, default_hands)?;
    let sprt = sprt_of(args);
    let block_deals = plan.candidate.block_deals;
    let mut all: Vec<PairedBlock> = Vec::new();
    let mut decision = None;
    let mut used = 0;
    match args.test {
        TestKind::Fixed => {
            all = pairs(&plan, 0, plan.deals, args.metric)?;
            used = all.len();
        }
        TestKind::Sprt => {
            // Batches of whole blocks, big enough to keep every thread busy; the test
            // looks at one block at a time, in order.
            let per_batch = (2 * plan.candidate.threads as u64 * CHUNK_HANDS)
                .div_ceil(block_deals)
                .max(1)
                * block_deals;
            let mut first = 0;
            'batches: while first < plan.deals {
                let end = (first + per_batch).min(plan.deals);
                all.extend(pairs(&plan, first, end, args.metric)?);
                while used < all.len() {
                    used += 1;
                    decision = sprt.decide(&Estimate::of(&all[..used]));
                    if decision.is_some() {
                        break 'batches;
                    }
                }
                first = end;
            }
            all.truncate(used);
        }
    }
    let e = Estimate::of(&all[..used]);
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
    println!(
        "{}: {} vs {}: {:+.2} ± {:.2} bb/100 (margin {}; {how}; {} blocks, {} hands each, {:.1} s)",
        if pass { "PASS" } else { "FAIL" },
        plan.candidate_name,
        plan.baseline_name,
        e.diff_bb_per_100,
        e.half_width(0.95),
        args.margin,
        e.blocks,
        e.seat_hands,
        started.elapsed().as_secs_f64(),
    );
    Ok(if pass {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
