//! `holdem-arena merge`: one result from several folders of the same match, in one
//! of two ways.
//!
//! **Shards of one run** (`run --shard I/N`, each folder's `run.json` names its
//! shard): the shards' exact sums (`totals.json`, [`crate::totals`]) are added and
//! their blocks joined, and `bots.csv`, `seats.csv`, `tracker.csv`, `positions.csv`,
//! `blocks.csv` and `run.json` are written byte for byte as the run played on one
//! machine would have written them (but for [`RunInfo::HOW_PLAYED`]: threads, time). The folders must be every shard
//! of one split of one run, each once; anything else is refused naming the folder and
//! the setting, or the missing indices to resubmit. `shards.csv` says how each shard
//! went ([`ShardRow`]), and a shard far from the others (|z| > [`Z_WARNING`]), or
//! with faults far above theirs, is warned about: the sign of a broken node or a
//! stalled bot.
//!
//! **Runs of other seeds** (on other machines, or one after another to add hands)
//! are independent samples of the same match; merging pools their `blocks.csv` and
//! gives each bot's win rate and 95% interval over all blocks ([`BlockRate`]) in
//! `merged.csv`. Only blocks are read, so a merge never replays a hand. The runs
//! must be of the same match: the same line-up in the same seats, stakes, stacks,
//! duplicate mode and all-in adjustment; and of different seeds (two runs with one
//! seed played the same deals, and counting them twice would fake precision).
//! Anything else is an error naming the run and the setting.

use super::{CommandError, failed, usage};
use crate::blocks::{BlockRow, read_blocks};
use crate::config::RunConfig;
use crate::fs::write_atomically;
use crate::report;
use crate::run_info::RunInfo;
use crate::totals::StoredTotals;
use crate::verdict::{BlockRate, normal_quantile};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `holdem-arena merge` options.
#[derive(clap::Args, Clone, Debug)]
pub struct MergeArgs {
    /// Folders (each with its blocks.csv and run.json): every shard of one run
    /// (`run --shard`), or two or more runs of other seeds.
    #[arg(required = true, num_args = 1..)]
    pub runs: Vec<PathBuf>,
    /// Folder for the merged files: the run's files and shards.csv, or merged.csv
    /// (default: results/merged).
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
fn match_settings(r: &RunInfo) -> [(&'static str, String); 8] {
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
        ("duplicate", r.duplicate_name().to_string()),
        ("all-in run-out samples", r.allin_runout_samples.to_string()),
        (
            "--stack-range",
            r.stack_range_bb
                .map_or("none".into(), |s| format!("{}bb..{}bb", s.min_bb, s.max_bb)),
        ),
        ("--table", r.table.clone().unwrap_or_else(|| "none".into())),
    ]
}

/// Reads and checks the runs (`infos`: their run.json); returns each run's settings
/// and block rows.
fn read_runs(
    args: &MergeArgs,
    infos: Vec<RunInfo>,
) -> Result<Vec<(RunInfo, Vec<BlockRow>)>, CommandError> {
    if infos.len() < 2 {
        return Err(usage(format!(
            "merge {}: give at least two runs of other seeds to pool (or every shard of a run)",
            args.runs[0].display()
        )));
    }
    let mut runs: Vec<(RunInfo, Vec<BlockRow>)> = Vec::new();
    for (dir, info) in args.runs.iter().zip(infos) {
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

/// Runs `holdem-arena merge`: the shards of one run into the run's files (see
/// [`merge_shards`]), or runs of other seeds pooled into `merged.csv`; prints a table.
///
/// # Errors
/// Exit code 2 with one line naming the run and what is wrong: an unreadable or
/// malformed run.json or blocks.csv (including a blocks.csv that disagrees with its
/// run.json, see [`crate::blocks::BlockCheck`]), shards mixed with whole runs, runs of
/// different matches, a seed used twice, fewer than two runs to pool, an unwritable
/// `--out`; exit code 1 when a result would not be a finite number over at least one
/// block.
pub fn merge(args: &MergeArgs) -> Result<ExitCode, CommandError> {
    let infos = args
        .runs
        .iter()
        .map(|dir| RunInfo::read(dir))
        .collect::<Result<Vec<_>, _>>()?;
    let shard = infos.iter().position(|i| i.shard.is_some());
    let whole = infos.iter().position(|i| i.shard.is_none());
    match (shard, whole) {
        (Some(_), None) => return merge_shards(args, infos),
        (Some(s), Some(w)) => {
            return Err(usage(format!(
                "{} is shard {} of a run but {} is a whole run: merge the shards of one run first, then pool whole runs",
                args.runs[s].display(),
                infos[s].shard.map_or(String::new(), |s| s.to_string()),
                args.runs[w].display()
            )));
        }
        _ => {}
    }
    let runs = read_runs(args, infos)?;
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

/// The |z| beyond which `merge` warns about a shard: its win rate this many standard
/// errors from the other shards' pooled rate. Over 64 shards of the default line-up
/// (5 bots, real and all-in adjusted: 640 tests, P(|z| > 4) = 6.3·10⁻⁵ each under the
/// normal approximation) a healthy run crosses it about once in 25 merges.
pub const Z_WARNING: f64 = 4.0;

/// One row of `shards.csv`: one bot's results in one shard, against the other shards
/// pooled.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct ShardRow {
    /// Shard index.
    pub shard: u64,
    /// First deal of the shard.
    pub first_deal: u64,
    /// Deals of the shard.
    pub deals: u64,
    /// Bot name.
    pub bot: String,
    /// The bot's seat-hands in the shard.
    pub seat_hands: u64,
    /// Σ its net results in the shard, in chips.
    pub net_chips: i64,
    /// Its win rate in the shard, bb/100.
    pub bb_per_100: f64,
    /// Its win rate in the other shards pooled, bb/100.
    pub others_bb_per_100: f64,
    /// (shard − others) / the standard error of the difference; empty when there is
    /// no spread to measure it by (one shard, or fewer than two deals a side).
    pub z: Option<f64>,
    /// Its all-in-adjusted win rate in the shard, bb/100 (empty when the run had the
    /// adjustment off).
    pub allin_adj_bb_per_100: Option<f64>,
    /// The z of the all-in-adjusted rate.
    pub allin_adj_z: Option<f64>,
    /// Its timeouts in the shard.
    pub timeouts: u64,
    /// Its crashes in the shard.
    pub crashes: u64,
    /// Why this row looks wrong, if it does (the warning `merge` prints); empty when
    /// it does not.
    pub warning: String,
}

/// The standard error of a [`report::Row`]'s rate, bb/100 (its interval is 1.96
/// standard errors).
fn se(ci95: f64) -> f64 {
    ci95 / 1.96
}

/// (a − b) / √(se_a² + se_b²), when that is a finite number.
fn z_score(a: f64, se_a: f64, b: f64, se_b: f64) -> Option<f64> {
    let z = (a - b) / (se_a * se_a + se_b * se_b).sqrt();
    z.is_finite().then(|| (z * 100.0).round() / 100.0)
}

/// Whether `faults` (timeouts and crashes) in `hands` are far above the `others` in
/// `others_hands`: more than 4 Poisson standard deviations above what the others'
/// rate predicts (with one fault of slack, so a handful where the others had none is
/// not enough), or any crash where the others had none.
fn faults_far_above(faults: (u64, u64), hands: u64, others: (u64, u64), others_hands: u64) -> bool {
    let total = |(t, c): (u64, u64)| (t + c) as f64;
    let expected = total(others) * hands as f64 / others_hands.max(1) as f64;
    total(faults) - expected > 4.0 * (expected + 1.0).sqrt() || (faults.1 > 0 && others.1 == 0)
}

/// Per shard and bot: its rows of `shards.csv`, from the bots' rows of the shard
/// and of the other shards pooled (`None` with one shard).
fn shard_rows(
    shard: crate::config::Shard,
    mine: &[report::Row],
    others: Option<&[report::Row]>,
) -> Vec<ShardRow> {
    mine.iter()
        .enumerate()
        .map(|(b, m)| {
            let o = others.map(|rows| &rows[b]);
            let z = o.and_then(|o| {
                z_score(m.bb_per_100, se(m.ci95_bb_per_100), o.bb_per_100, se(o.ci95_bb_per_100))
            });
            let adj_z = o.and_then(|o| match (
                m.allin_adj_bb_per_100,
                m.allin_adj_ci95_bb_per_100,
                o.allin_adj_bb_per_100,
                o.allin_adj_ci95_bb_per_100,
            ) {
                (Some(a), Some(sa), Some(b), Some(sb)) => z_score(a, se(sa), b, se(sb)),
                _ => None,
            });
            let mut warnings = Vec::new();
            let far = |z: Option<f64>| z.is_some_and(|z| z.abs() > Z_WARNING);
            if let Some(o) = o
                && (far(z) || far(adj_z))
            {
                let show = |z: Option<f64>| z.map_or("-".into(), |z| format!("{z:+.1}"));
                warnings.push(format!(
                    "{:+.2} bb/100 against {:+.2} in the other shards: z {} (all-in adjusted: z {}), beyond ±{Z_WARNING}",
                    m.bb_per_100,
                    o.bb_per_100,
                    show(z),
                    show(adj_z)
                ));
            }
            if let Some(o) = o
                && faults_far_above((m.timeouts, m.crashes), m.hands, (o.timeouts, o.crashes), o.hands)
            {
                warnings.push(format!(
                    "{} timeouts and {} crashes in {} seat-hands, against {} and {} in {} in the other shards",
                    m.timeouts, m.crashes, m.hands, o.timeouts, o.crashes, o.hands
                ));
            }
            ShardRow {
                shard: shard.index,
                first_deal: shard.first_deal,
                deals: shard.deals(),
                bot: m.bot.clone(),
                seat_hands: m.hands,
                net_chips: m.net_chips,
                bb_per_100: m.bb_per_100,
                others_bb_per_100: o.map_or(0.0, |o| o.bb_per_100),
                z,
                allin_adj_bb_per_100: m.allin_adj_bb_per_100,
                allin_adj_z: adj_z,
                timeouts: m.timeouts,
                crashes: m.crashes,
                warning: warnings.join("; "),
            }
        })
        .collect()
}

/// The settings every shard of one run shares, as (name, value) pairs: the match's,
/// and the run's seed, deals, blocks, version and split.
fn run_settings(r: &RunInfo) -> Vec<(&'static str, String)> {
    let mut settings = vec![
        ("seed", r.seed.to_string()),
        ("deals (--hands)", r.hands.to_string()),
        ("--block-deals", r.block_deals.to_string()),
        ("version", r.version.clone()),
        ("shard count", r.shard.map_or(0, |s| s.count).to_string()),
    ];
    settings.extend(match_settings(r));
    settings
}

/// `indices` as `sbatch --array` takes them: `1,3,5-9` (at most 20 items, then how
/// many more).
fn index_list(indices: &[u64]) -> String {
    let mut items: Vec<String> = Vec::new();
    let mut i = 0;
    while i < indices.len() {
        let start = indices[i];
        while i + 1 < indices.len() && indices[i + 1] == indices[i] + 1 {
            i += 1;
        }
        items.push(if indices[i] == start {
            start.to_string()
        } else {
            format!("{start}-{}", indices[i])
        });
        i += 1;
    }
    let more = items.len().saturating_sub(20);
    items.truncate(20);
    let mut text = items.join(",");
    if more > 0 {
        text += &format!(" and {more} more ranges");
    }
    text
}

/// Checks that `infos` are every shard of one split of one run, each once; returns
/// the folders' indices in shard order.
fn check_shards(args: &MergeArgs, infos: &[RunInfo]) -> Result<Vec<usize>, CommandError> {
    let first = &infos[0];
    for (dir, info) in args.runs.iter().zip(infos).skip(1) {
        for ((what, want), (_, got)) in run_settings(first).into_iter().zip(run_settings(info)) {
            if want != got {
                let why = if what == "shard count" {
                    "shards of different splits of a run overlap; merge the shards of one split"
                } else {
                    "these are shards of different runs; merge the shards of one run"
                };
                return Err(usage(format!(
                    "{}: {what} is {got}, but {} has {want}: {why}",
                    dir.display(),
                    args.runs[0].display()
                )));
            }
        }
    }
    let count = first.shard.map_or(0, |s| s.count);
    let mut by_index: Vec<Option<usize>> = vec![None; usize::try_from(count).unwrap_or(0)];
    for (i, info) in infos.iter().enumerate() {
        let Some(s) = info.shard else { continue };
        let slot = &mut by_index[s.index as usize];
        if let Some(other) = *slot {
            return Err(usage(format!(
                "{} and {} are both shard {s}: give each shard once",
                args.runs[other].display(),
                args.runs[i].display()
            )));
        }
        *slot = Some(i);
    }
    let missing: Vec<u64> = (0..count)
        .filter(|&i| by_index[i as usize].is_none())
        .collect();
    if !missing.is_empty() {
        return Err(usage(format!(
            "{} of the {count} shards of seed {} ({} deals) missing: {}; resubmit those array tasks (sbatch --array={}) or indices, then merge again",
            missing.len(),
            first.seed,
            first.hands,
            index_list(&missing),
            index_list(&missing),
        )));
    }
    Ok(by_index.into_iter().flatten().collect())
}

/// Refuses an `--out` that is one of the shard folders (its files would be replaced
/// by the whole run's).
fn check_out(args: &MergeArgs, out: &Path) -> Result<(), CommandError> {
    let Ok(out_real) = out.canonicalize() else {
        return Ok(()); // not there yet: no shard folder is it
    };
    if let Some(dir) = args
        .runs
        .iter()
        .find(|d| d.canonicalize().is_ok_and(|d| d == out_real))
    {
        return Err(usage(format!(
            "--out {}: that is the shard folder {}; give the merged run a folder of its own",
            out.display(),
            dir.display()
        )));
    }
    for name in super::run::RUN_FILES.into_iter().chain(["shards.csv"]) {
        crate::fs::check_replaceable(&out.join(name)).map_err(|e| {
            usage(format!(
                "--out {}: {name} cannot be written ({e}); give another folder",
                out.display()
            ))
        })?;
    }
    Ok(())
}

/// Writes `out/blocks.csv` from the shards' blocks, in shard order (each folder's
/// rows checked against its `run.json`, and their sums against its `totals.json`).
fn join_blocks(
    args: &MergeArgs,
    infos: &[RunInfo],
    order: &[usize],
    totals: &[StoredTotals],
    out: &Path,
) -> Result<(), CommandError> {
    let path = out.join("blocks.csv");
    let cannot =
        |e: &dyn std::fmt::Display| failed(format!("cannot write {}: {e}", path.display()));
    let file = crate::fs::StreamedFile::create(&path).map_err(|e| cannot(&e))?;
    let mut w = csv::Writer::from_writer(file);
    for (&i, sums) in order.iter().zip(totals) {
        let (dir, info) = (&args.runs[i], &infos[i]);
        let rows = read_blocks(&dir.join("blocks.csv"), info, |_| true)?;
        for (b, bot) in info.distinct_bots().iter().enumerate() {
            let net: i64 = rows
                .iter()
                .filter(|r| r.bot == *bot)
                .map(|r| r.net_chips)
                .sum();
            if net != sums.units.net_chips[b] {
                return Err(usage(format!(
                    "{}: blocks.csv sums {net} chips for {bot}, but totals.json has {}: the files are not of one play of the shard; rerun it",
                    dir.display(),
                    sums.units.net_chips[b]
                )));
            }
        }
        for row in &rows {
            w.serialize(row).map_err(|e| cannot(&e))?;
        }
    }
    let file = w.into_inner().map_err(|e| cannot(e.error()))?;
    file.finish().map_err(|e| cannot(&e))
}

/// Merges every shard of one run (`infos`: each folder's `run.json`) into the run's
/// `bots.csv`, `seats.csv`, `blocks.csv` and `run.json`, as the run played whole
/// writes them (but for [`RunInfo::HOW_PLAYED`]), and `shards.csv`; prints the run's
/// summary table and a warning per shard that looks wrong.
///
/// # Errors
/// Exit 2, naming the folder and the setting: shards of different runs or splits, a
/// shard given twice, missing shards (naming the indices to resubmit), a folder whose
/// `run.json`, `totals.json` and `blocks.csv` disagree, an `--out` that is a shard
/// folder; exit 1 when a file cannot be written.
pub fn merge_shards(args: &MergeArgs, infos: Vec<RunInfo>) -> Result<ExitCode, CommandError> {
    let order = check_shards(args, &infos)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("results/merged"));
    check_out(args, &out)?;
    let first = &infos[order[0]];
    let mut config: RunConfig = first
        .report_config()
        .map_err(|e| usage(format!("{}: {e}", args.runs[order[0]].display())))?;
    let seats = config.lineup.len();
    let parts: Vec<StoredTotals> = order
        .iter()
        .map(|&i| StoredTotals::read(&args.runs[i], &infos[i]))
        .collect::<Result<_, _>>()
        .map_err(|e| usage(e.to_string()))?;
    let created = !out.exists();
    std::fs::create_dir_all(&out)
        .map_err(|e| usage(format!("--out {}: cannot write there ({e})", out.display())))?;
    if let Err(e) = join_blocks(args, &infos, &order, &parts, &out) {
        if created {
            let _ = std::fs::remove_dir(&out); // only if empty: nothing else is touched
        }
        return Err(e);
    }

    // The whole run's sums, and for shards.csv each shard against the others: the
    // sums after it, so that "the others" is what came before plus what comes after.
    let bots = config.distinct_bots().len();
    let rows_of = |t: &StoredTotals| {
        report::bot_rows(&config, &t.clone().into_totals(config.block_deals, bots))
    };
    let mut after = vec![StoredTotals::empty(seats)];
    for part in parts.iter().rev() {
        let mut sum = after
            .last()
            .cloned()
            .unwrap_or_else(|| StoredTotals::empty(seats));
        sum.add(part.clone());
        after.push(sum);
    }
    after.reverse(); // after[k]: the shards from k on
    let mut before = StoredTotals::empty(seats);
    let mut shards_csv = csv::Writer::from_writer(Vec::new());
    let mut warnings = String::new();
    for (k, part) in parts.iter().enumerate() {
        let mut others = before.clone();
        others.add(after[k + 1].clone());
        let other_rows = (parts.len() > 1).then(|| rows_of(&others));
        let shard = infos[order[k]]
            .shard
            .unwrap_or_else(|| unreachable!("checked: a shard"));
        for row in shard_rows(shard, &rows_of(part), other_rows.as_deref()) {
            if !row.warning.is_empty() {
                warnings += &format!(
                    "warning: shard {shard} ({}): {}: {}; rerun it (the same deals) and merge again if it was the node\n",
                    args.runs[order[k]].display(),
                    row.bot,
                    row.warning
                );
            }
            shards_csv
                .serialize(row)
                .map_err(|e| failed(format!("cannot write shards.csv: {e}")))?;
        }
        before.add(part.clone());
    }
    let totals = before.into_totals(config.block_deals, bots);
    let ordered: Vec<RunInfo> = order.iter().map(|&i| infos[i].clone()).collect();
    let mut info = RunInfo::of_shards(&ordered, report::bot_faults(&config, &totals.stats));
    info.set_hands_played(totals.stats.table_hands);
    config.threads = info.threads.max(1);
    report::write_run(&out, &config, &totals, &info)?;
    let bytes = shards_csv
        .into_inner()
        .map_err(|e| failed(format!("cannot write shards.csv: {}", e.error())))?;
    write_atomically(&out, "shards.csv", &bytes).map_err(|e| {
        failed(format!(
            "cannot write {}: {e}",
            out.join("shards.csv").display()
        ))
    })?;

    let rows = report::bot_rows(&config, &totals);
    let mut text = report::summary_table(
        &rows,
        config.duplicate == Some(crate::config::DuplicateMode::Permutations),
    );
    text += &report::fault_lines(&rows, &report::fault_notes(&config, &totals));
    text += &format!(
        "merged {} shards of seed {} ({} hands, {:.2} s of play in all); wrote {}\n",
        parts.len(),
        info.seed,
        info.hands_played,
        info.elapsed_seconds,
        out.display()
    );
    for (bot, why) in &info.bot_faults {
        text += &format!("warning: {bot} {why}: its results are not its own play\n");
    }
    super::print_stdout(&text)?;
    if !warnings.is_empty() {
        use std::io::Write;
        let _ = std::io::stderr().write_all(warnings.as_bytes());
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_shards_are_listed_as_sbatch_array_takes_them() {
        assert_eq!(index_list(&[1, 3, 4, 5, 9]), "1,3-5,9");
        assert_eq!(index_list(&[0]), "0");
        let many: Vec<u64> = (0..100).map(|i| 2 * i).collect();
        assert_eq!(
            index_list(&many),
            format!(
                "{} and 80 more ranges",
                (0..20)
                    .map(|i| (2 * i).to_string())
                    .collect::<Vec<_>>()
                    .join(",")
            )
        );
    }

    #[test]
    fn faults_far_above_the_other_shards_are_flagged() {
        // The others' rate predicts 10 in as many hands: 30 is 6 deviations above.
        assert!(faults_far_above((30, 0), 1000, (30, 0), 3000));
        assert!(!faults_far_above((14, 0), 1000, (30, 0), 3000));
        // A handful where the others had none is noise; a crash is not.
        assert!(!faults_far_above((3, 0), 1000, (0, 0), 3000));
        assert!(faults_far_above((0, 1), 1000, (0, 0), 3000));
        assert!(!faults_far_above((0, 1), 1000, (0, 2), 3000));
        assert!(!faults_far_above((0, 0), 1000, (0, 0), 3000));
    }

    #[test]
    fn z_needs_a_spread() {
        assert_eq!(z_score(10.0, 3.0, 2.0, 4.0), Some(1.6));
        assert_eq!(z_score(10.0, 0.0, 2.0, 0.0), None);
    }
}
