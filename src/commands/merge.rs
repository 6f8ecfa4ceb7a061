//! `holdem-arena merge`: one verdict from several runs of the same match.
//!
//! Runs made with other seeds (on other machines, or one after another to add hands)
//! are independent samples of the same match; merging pools their `blocks.csv` and
//! gives each bot's win rate and 95% interval over all blocks ([`BlockRate`]). Only
//! blocks are read, so a merge never replays a hand.
//!
//! The runs must be of the same match: the same line-up in the same seats, stakes,
//! stacks, duplicate mode and all-in adjustment; and of different seeds (two runs with
//! one seed played the same deals, and counting them twice would fake precision).
//! Anything else is an error naming the run and the setting.

use super::{CommandError, failed, usage};
use crate::blocks::{BlockRow, read_blocks};
use crate::fs::write_atomically;
use crate::run_info::RunInfo;
use crate::verdict::{BlockRate, normal_quantile};
use serde::Serialize;
use std::path::PathBuf;
use std::process::ExitCode;

/// `holdem-arena merge` options.
#[derive(clap::Args, Clone, Debug)]
pub struct MergeArgs {
    /// Run folders (each with its blocks.csv and run.json), at least two.
    #[arg(required = true, num_args = 2..)]
    pub runs: Vec<PathBuf>,
    /// Folder for merged.csv (default: results/merged).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// One row of `merged.csv`: a bot's results over every merged run.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct MergedRow {
    /// Bot name.
    pub bot: String,
    /// Runs merged.
    pub runs: usize,
    /// Blocks over all runs.
    pub blocks: usize,
    /// Deals over all runs.
    pub deals: u64,
    /// The bot's seat-hands over all runs.
    pub seat_hands: u64,
    /// Σ net result, in chips.
    pub net_chips: i64,
    /// Win rate, bb/100.
    pub bb_per_100: f64,
    /// Half-width of its 95% interval over blocks, bb/100.
    pub ci95_bb_per_100: f64,
    /// All-in-adjusted win rate, bb/100 (equal to `bb_per_100` when the runs were made
    /// with `--no-allin-adjust`).
    pub allin_adj_bb_per_100: f64,
    /// Half-width of its 95% interval over blocks, bb/100.
    pub allin_adj_ci95_bb_per_100: f64,
}

/// The settings two runs must share to be one match, as (name, value) pairs.
fn match_settings(r: &RunInfo) -> [(&'static str, String); 6] {
    [
        ("line-up", r.lineup.join(",")),
        (
            "blinds and ante (chips)",
            format!(
                "{}/{} ante {}",
                r.small_blind_chips, r.big_blind_chips, r.ante_chips
            ),
        ),
        ("stack (chips)", r.stack_chips.to_string()),
        (
            "per-seat stacks (chips)",
            format!("{:?}", r.seat_stacks_chips),
        ),
        ("duplicate", r.duplicate.to_string()),
        ("all-in run-out samples", r.allin_runout_samples.to_string()),
    ]
}

/// Reads and checks the runs; returns each run's settings and block rows.
fn read_runs(args: &MergeArgs) -> Result<Vec<(RunInfo, Vec<BlockRow>)>, CommandError> {
    let mut runs: Vec<(RunInfo, Vec<BlockRow>)> = Vec::new();
    for dir in &args.runs {
        let info = RunInfo::read(dir)?;
        let rows = read_blocks(&dir.join("blocks.csv"), &info, |_| true)?;
        if let Some((first, _)) = runs.first() {
            for ((what, want), (_, got)) in
                match_settings(first).into_iter().zip(match_settings(&info))
            {
                if want != got {
                    return Err(usage(format!(
                        "{}: {what} is {got}, but {} has {want}: merge only runs of the same match",
                        dir.display(),
                        args.runs[0].display()
                    )));
                }
            }
        }
        if let Some(i) = runs.iter().position(|(r, _)| r.seed == info.seed) {
            return Err(usage(format!(
                "{} and {} both have seed {}: they played the same deals; merge runs of different seeds",
                args.runs[i].display(),
                dir.display(),
                info.seed
            )));
        }
        runs.push((info, rows));
    }
    Ok(runs)
}

/// Each bot's merged results (bots in line-up order of first seat).
///
/// # Errors
/// A message saying why there is no result, for a bot with no blocks or a win rate or
/// interval that is not a finite number (which checked runs cannot give: see
/// [`crate::verdict::BlockRate::checked`]).
pub fn merged_rows(runs: &[(RunInfo, Vec<BlockRow>)]) -> Result<Vec<MergedRow>, CommandError> {
    let Some((first, _)) = runs.first() else {
        return Err(failed("no runs to merge".into()));
    };
    let bots = first.distinct_bots();
    let z = normal_quantile(0.975);
    let round4 = |x: f64| (x * 1e4).round() / 1e4;
    bots.iter()
        .map(|bot| {
            let rows = || {
                runs.iter()
                    .flat_map(|(_, rows)| rows.iter())
                    .filter(move |r| r.bot == *bot)
            };
            let real = BlockRate::of(rows().map(|r| (r.seat_hands, r.net_bb))).checked(bot)?;
            let adjusted =
                BlockRate::of(rows().map(|r| (r.seat_hands, r.allin_adj_bb))).checked(bot)?;
            Ok(MergedRow {
                bot: (*bot).to_string(),
                runs: runs.len(),
                blocks: real.blocks,
                deals: rows().map(|r| r.deals).sum(),
                seat_hands: real.seat_hands,
                net_chips: rows().map(|r| r.net_chips).sum(),
                bb_per_100: round4(real.bb_per_100),
                ci95_bb_per_100: round4(z * real.se_bb_per_100),
                allin_adj_bb_per_100: round4(adjusted.bb_per_100),
                allin_adj_ci95_bb_per_100: round4(z * adjusted.se_bb_per_100),
            })
        })
        .collect()
}

/// Runs `holdem-arena merge`: prints a table and writes `merged.csv` atomically.
///
/// # Errors
/// Exit code 2 with one line naming the run and what is wrong: an unreadable or
/// malformed run.json or blocks.csv (including a blocks.csv that disagrees with its
/// run.json, see [`crate::blocks::BlockCheck`]), runs of different matches, a seed
/// used twice, an unwritable `--out`; exit code 1 when a result would not be a finite
/// number over at least one block.
pub fn merge(args: &MergeArgs) -> Result<ExitCode, CommandError> {
    let runs = read_runs(args)?;
    let rows = merged_rows(&runs)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("results/merged"));
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in &rows {
        w.serialize(r)
            .map_err(|e| usage(format!("cannot write merged.csv: {e}")))?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| usage(format!("cannot write merged.csv: {}", e.error())))?;
    std::fs::create_dir_all(&out)
        .and_then(|()| write_atomically(&out, "merged.csv", &bytes))
        .map_err(|e| usage(format!("--out {}: cannot write there ({e})", out.display())))?;
    let mut text = format!(
        "{:<12} {:>5} {:>7} {:>12} {:>20} {:>20}\n",
        "bot", "runs", "blocks", "seat-hands", "bb/100 (95% CI)", "all-in adj bb/100"
    );
    for r in &rows {
        text += &format!(
            "{:<12} {:>5} {:>7} {:>12} {:>20} {:>20}\n",
            r.bot,
            r.runs,
            r.blocks,
            r.seat_hands,
            format!("{:+.2} ± {:.2}", r.bb_per_100, r.ci95_bb_per_100),
            format!(
                "{:+.2} ± {:.2}",
                r.allin_adj_bb_per_100, r.allin_adj_ci95_bb_per_100
            ),
        );
    }
    text += &format!("wrote {}\n", out.join("merged.csv").display());
    super::print_stdout(&text)?;
    Ok(ExitCode::SUCCESS)
}
