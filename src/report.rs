//! Reports: `bots.csv`, `seats.csv` and `run.json` in the run's output folder, and the
//! summary table printed on stdout. Every file is written atomically: to a temporary
//! file in the same folder, then renamed over the target, so a reader never sees a
//! half-written file. Column definitions are in README.md ("Output files").

use crate::allin_ev::{FIXED_ONE, RUNOUT_SAMPLES};
use crate::blocks::Blocks;
use crate::sim::{RunConfig, Tallies};
use crate::stats::{Stats, Tally, WinRate, unit_win_rate, win_rate};
use serde::Serialize;
use std::io::{self, Write};
use std::path::Path;

/// One row of `bots.csv` (one bot name, all its seats) or `seats.csv` (one seat).
#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct Row {
    /// Seat number (only in `seats.csv`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seat: Option<u8>,
    /// Bot name.
    pub bot: String,
    /// The bot's seats, space-separated.
    pub seats: String,
    /// Hands played, counting each seat separately.
    pub hands: u64,
    /// Net result in chips.
    pub net_chips: i64,
    /// Win rate in big blinds per 100 hands.
    pub bb_per_100: f64,
    /// Half-width of the 95% confidence interval of `bb_per_100`.
    pub ci95_bb_per_100: f64,
    /// Standard deviation of the per-hand result, in big blinds.
    pub sd_bb_per_hand: f64,
    /// Percent of hands with a voluntary preflop call or raise.
    pub vpip: f64,
    /// Percent of hands with a preflop raise.
    pub pfr: f64,
    /// Postflop bets and raises per postflop call (empty when there were no calls).
    pub aggression_factor: Option<f64>,
    /// Percent of hands that saw the flop and went to showdown.
    pub wtsd: f64,
    /// Percent of showdowns that won chips.
    pub w_sd: f64,
    /// Showdowns reached.
    pub showdowns: u64,
    /// Actions rejected as invalid (and an external bot's malformed messages).
    pub invalid_actions: u64,
    /// External bots: actions not answered in time (auto-folded or auto-checked).
    pub timeouts: u64,
    /// External bots: actions answered with `action_rejected`.
    pub rejected_actions: u64,
    /// External bots: process crashes.
    pub crashes: u64,
    /// All-in-adjusted win rate in bb/100 (only in `bots.csv`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allin_adj_bb_per_100: Option<f64>,
    /// Half-width of the 95% interval of `allin_adj_bb_per_100` (only in `bots.csv`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allin_adj_ci95_bb_per_100: Option<f64>,
    /// Per-hand standard deviation of the all-in-adjusted result, in big blinds (only
    /// in `bots.csv`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allin_adj_sd_bb_per_hand: Option<f64>,
}

/// Rounds to 4 decimals so CSVs are short and stable to read.
fn round4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        round4(100.0 * part as f64 / whole as f64)
    }
}

fn row(seat: Option<u8>, bot: &str, seats: &[usize], t: &Tally, rate: WinRate) -> Row {
    Row {
        seat,
        bot: bot.to_string(),
        seats: seats
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .join(" "),
        hands: t.hands,
        net_chips: t.net_chips,
        bb_per_100: round4(rate.bb_per_100),
        ci95_bb_per_100: round4(rate.ci95_bb_per_100),
        sd_bb_per_hand: round4(rate.sd_bb_per_hand),
        vpip: percent(t.vpip_hands, t.hands),
        pfr: percent(t.pfr_hands, t.hands),
        aggression_factor: (t.postflop_calls > 0)
            .then(|| round4(t.postflop_aggressive_actions as f64 / t.postflop_calls as f64)),
        wtsd: percent(t.showdowns, t.saw_flop_hands),
        w_sd: percent(t.showdowns_won, t.showdowns),
        showdowns: t.showdowns,
        invalid_actions: t.invalid_actions,
        timeouts: t.timeouts,
        rejected_actions: t.rejected_actions,
        crashes: t.crashes,
        allin_adj_bb_per_100: None,
        allin_adj_ci95_bb_per_100: None,
        allin_adj_sd_bb_per_hand: None,
    }
}

/// The `bots.csv` rows: one per distinct bot, in order of first seat. Intervals are
/// over independent units (hands, or whole duplicate groups with duplicate deals).
pub fn bot_rows(config: &RunConfig, tallies: &Tallies) -> Vec<Row> {
    let bb = config.stakes.big_blind_chips;
    let bot_of_seat = config.bot_of_seat();
    let (stats, units) = (&tallies.stats, &tallies.units);
    let rotations = config.rotations() as u32;
    config
        .distinct_bots()
        .iter()
        .enumerate()
        .map(|(b, name)| {
            let seats: Vec<usize> = (0..bot_of_seat.len())
                .filter(|&s| bot_of_seat[s] as usize == b)
                .collect();
            let mut total = Tally::default();
            for &s in &seats {
                total += &stats.seats[s];
            }
            let k = seats.len() as u32;
            let rate = |sum: i128, squared: i128, scale: i64| {
                unit_win_rate(
                    units.units,
                    sum,
                    squared,
                    k * rotations,
                    rotations,
                    scale,
                    bb,
                )
            };
            let real = rate(
                i128::from(units.net_chips[b]),
                units.net_chips_squared[b],
                1,
            );
            let adjusted = rate(units.adjusted[b], units.adjusted_squared[b], FIXED_ONE);
            let mut r = row(None, name, &seats, &total, real);
            if config.allin_adjust {
                r.allin_adj_bb_per_100 = Some(round4(adjusted.bb_per_100));
                r.allin_adj_ci95_bb_per_100 = Some(round4(adjusted.ci95_bb_per_100));
                r.allin_adj_sd_bb_per_hand = Some(round4(adjusted.sd_bb_per_hand));
            }
            r
        })
        .collect()
}

/// The `seats.csv` rows: one per seat.
pub fn seat_rows(config: &RunConfig, stats: &Stats) -> Vec<Row> {
    let bb = config.stakes.big_blind_chips;
    config
        .lineup
        .iter()
        .enumerate()
        .map(|(s, bot)| {
            let t = &stats.seats[s];
            let rate = win_rate(t.hands, t.net_chips, t.net_chips_squared, 1, bb);
            row(Some(s as u8), bot.name(), &[s], t, rate)
        })
        .collect()
}

/// What `run.json` records about a run.
#[derive(Serialize, Debug)]
pub struct RunInfo {
    /// holdem-arena version that made the run.
    pub version: &'static str,
    /// Run seed, as a JSON number (kept for readers of older files; jq and JavaScript
    /// read numbers as doubles and round seeds above 2^53).
    pub seed: u64,
    /// The same seed as a decimal string, exact in every JSON reader: `--seed $(jq -r
    /// .seed_string run.json)` replays the run.
    pub seed_string: String,
    /// Deals (`--hands`); hands played is `hands_played`.
    pub hands: u64,
    /// Every deal played once per rotation of the line-up (`--duplicate`).
    pub duplicate: bool,
    /// Table hands played: `hands` × rotations (the seat count with duplicate deals).
    pub hands_played: u64,
    /// Deals per block of `blocks.csv`.
    pub block_deals: u64,
    /// Run-outs sampled for the all-in adjustment of hands closed preflop or on the flop
    /// (0: the adjustment was off, `--no-allin-adjust`).
    pub allin_runout_samples: u32,
    /// Bot name by seat, seat 0 first.
    pub lineup: Vec<&'static str>,
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seat_stacks_chips: Option<Vec<u32>>,
    /// Worker threads.
    pub threads: usize,
    /// Wall-clock time of the simulation, in seconds.
    pub elapsed_seconds: f64,
    /// Hands played per second of wall-clock time.
    pub hands_per_second: f64,
}

impl RunInfo {
    /// The record of `config`'s run that took `elapsed_seconds`.
    pub fn new(config: &RunConfig, elapsed_seconds: f64) -> RunInfo {
        RunInfo {
            version: env!("CARGO_PKG_VERSION"),
            seed: config.seed,
            seed_string: config.seed.to_string(),
            hands: config.hands,
            duplicate: config.duplicate,
            hands_played: config.hands_played(),
            block_deals: config.block_deals,
            allin_runout_samples: if config.allin_adjust {
                RUNOUT_SAMPLES
            } else {
                0
            },
            lineup: config.lineup.iter().map(|b| b.name()).collect(),
            small_blind_chips: config.stakes.small_blind_chips,
            big_blind_chips: config.stakes.big_blind_chips,
            ante_chips: config.stakes.ante_chips,
            stack_chips: config.stack_chips,
            seat_stacks_chips: config.seat_stacks.clone(),
            threads: config.threads,
            elapsed_seconds: round4(elapsed_seconds),
            hands_per_second: (config.hands_played() as f64 / elapsed_seconds.max(1e-9)).round(),
        }
    }
}

/// Writes `bytes` to `dir/name` atomically (temporary file in `dir`, synced, then
/// renamed).
///
/// # Errors
/// Any I/O error creating, writing, syncing or renaming the file.
pub fn write_atomically(dir: &Path, name: &str, bytes: &[u8]) -> io::Result<()> {
    let mut tmp = temp_file_for(dir, name)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(dir.join(name)).map_err(|e| e.error)?;
    Ok(())
}

/// Writes `bytes` to the file `path` atomically, like [`write_atomically`] in its
/// folder (the current folder when `path` has none).
///
/// # Errors
/// `InvalidInput` when `path` does not end in a file name; any error of
/// [`write_atomically`].
pub fn write_file_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file name"))?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    write_atomically(dir, &name.to_string_lossy(), bytes)
}

/// A temporary file in `dir` that will become `dir/name` (deleted if dropped before
/// it is persisted). On Unix it gets an ordinary file's permissions (0666 less the
/// umask) rather than the temporary file's owner-only 0600, so that results can be
/// shared like any other file.
fn temp_file_for(dir: &Path, name: &str) -> io::Result<tempfile::NamedTempFile> {
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix);
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    builder.tempfile_in(dir)
}

/// Serializes rows as CSV with a header line.
///
/// # Errors
/// If serialization fails (it does not for [`Row`]).
pub fn to_csv(rows: &[Row]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.serialize(r)?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

/// Writes `bots.csv`, `seats.csv` and `run.json` into `dir` (which must exist), each
/// atomically; `blocks.csv` is written during the run by [`BlocksFile`].
///
/// # Errors
/// Any I/O or serialization error, with the file named.
pub fn write_run(
    dir: &Path,
    config: &RunConfig,
    tallies: &Tallies,
    info: &RunInfo,
) -> Result<(), String> {
    let stats = &tallies.stats;
    let fail = |name: &str, e: &dyn std::fmt::Display| {
        format!("cannot write {}: {e}", dir.join(name).display())
    };
    let files: [(&str, Vec<u8>); 3] = [
        (
            "bots.csv",
            to_csv(&bot_rows(config, tallies)).map_err(|e| fail("bots.csv", &e))?,
        ),
        (
            "seats.csv",
            to_csv(&seat_rows(config, stats)).map_err(|e| fail("seats.csv", &e))?,
        ),
        (
            "run.json",
            serde_json::to_vec_pretty(info).map_err(|e| fail("run.json", &e))?,
        ),
    ];
    for (name, bytes) in files {
        write_atomically(dir, name, &bytes).map_err(|e| fail(name, &e))?;
    }
    Ok(())
}

/// `blocks.csv`, written while the run plays: each block's rows are appended, in block
/// order, to a temporary file in the output folder as the block completes (see
/// [`crate::sim::run_deals_streaming`]), and [`BlocksFile::finish`] syncs it and
/// renames it into place. Dropped unfinished (a failed run), the temporary file is
/// deleted, so there is never a half-written `blocks.csv`.
pub struct BlocksFile {
    dir: std::path::PathBuf,
    writer: csv::Writer<tempfile::NamedTempFile>,
    bots: Vec<&'static str>,
    big_blind_chips: u32,
    /// The first write error; later blocks are skipped and `finish` reports it.
    error: Option<csv::Error>,
}

impl BlocksFile {
    /// Starts `dir/blocks.csv` for `config`'s run (`dir` must exist).
    ///
    /// # Errors
    /// A message naming the file when the temporary file cannot be created.
    pub fn create(dir: &Path, config: &RunConfig) -> Result<BlocksFile, String> {
        let tmp = temp_file_for(dir, "blocks.csv")
            .map_err(|e| format!("cannot write {}: {e}", dir.join("blocks.csv").display()))?;
        Ok(BlocksFile {
            dir: dir.to_path_buf(),
            writer: csv::Writer::from_writer(tmp),
            bots: config.distinct_bots(),
            big_blind_chips: config.stakes.big_blind_chips,
            error: None,
        })
    }

    /// Appends the rows of `blocks` (one per block and bot). After a failed write it
    /// does nothing: [`BlocksFile::finish`] returns the error.
    pub fn write(&mut self, blocks: &Blocks) {
        if self.error.is_some() {
            return;
        }
        for row in blocks.iter_rows(&self.bots, self.big_blind_chips) {
            if let Err(e) = self.writer.serialize(row) {
                self.error = Some(e);
                return;
            }
        }
    }

    /// Flushes, syncs and renames the file to `blocks.csv`.
    ///
    /// # Errors
    /// A message naming the file: the first write error, or one flushing, syncing or
    /// renaming it.
    pub fn finish(self) -> Result<(), String> {
        let path = self.dir.join("blocks.csv");
        let fail = |e: &dyn std::fmt::Display| format!("cannot write {}: {e}", path.display());
        if let Some(e) = self.error {
            return Err(fail(&e));
        }
        let tmp = self.writer.into_inner().map_err(|e| fail(e.error()))?;
        tmp.as_file().sync_all().map_err(|e| fail(&e))?;
        tmp.persist(&path).map_err(|e| fail(&e.error))?;
        Ok(())
    }
}

/// One line per external bot that committed protocol faults (empty when none did),
/// printed after the summary table.
pub fn fault_lines(rows: &[Row]) -> String {
    rows.iter()
        .filter(|r| r.timeouts + r.rejected_actions + r.crashes > 0)
        .map(|r| {
            format!(
                "{}: {} timeouts, {} rejected actions, {} invalid actions, {} crashes\n",
                r.bot, r.timeouts, r.rejected_actions, r.invalid_actions, r.crashes
            )
        })
        .collect()
}

/// The summary table printed after a run: one line per bot.
pub fn summary_table(rows: &[Row]) -> String {
    let mut out = format!(
        "{:<12} {:>6} {:>11} {:>18} {:>7} {:>6} {:>6} {:>6} {:>6} {:>8}\n",
        "bot",
        "seats",
        "hands",
        "bb/100 (95% CI)",
        "VPIP%",
        "PFR%",
        "AF",
        "WTSD%",
        "W$SD%",
        "invalid"
    );
    for r in rows {
        let af = r
            .aggression_factor
            .map_or("-".to_string(), |a| format!("{a:.2}"));
        let rate = format!("{:+.2} ± {:.2}", r.bb_per_100, r.ci95_bb_per_100);
        out += &format!(
            "{:<12} {:>6} {:>11} {:>18} {:>7.1} {:>6.1} {:>6} {:>6.1} {:>6.1} {:>8}\n",
            r.bot, r.seats, r.hands, rate, r.vpip, r.pfr, af, r.wtsd, r.w_sd, r.invalid_actions
        );
    }
    out
}
