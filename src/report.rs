//! Reports: `bots.csv`, `seats.csv` and `run.json` in the run's output folder, and the
//! summary table printed on stdout. Every file is written atomically: to a temporary
//! file in the same folder, then renamed over the target, so a reader never sees a
//! half-written file. Column definitions are in README.md ("Output files").

use crate::allin_ev::FIXED_ONE;
use crate::blocks::Blocks;
use crate::fs::WriteError;
use crate::run_info::RunInfo;
use crate::sim::{RunConfig, Totals};
use crate::stats::{Stats, Tally, UnitSample, WinRate};
use serde::Serialize;
use std::path::Path;

pub mod tracker;
pub use tracker::{POSITIONS_FILE, TRACKER_FILE};

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
    /// Sessions only: times a stack fell below the big blind after a hand.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub busts: Option<u64>,
    /// Sessions only: times a busted seat bought in again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rebuys: Option<u64>,
    /// Sessions only: hands dealt while the seat sat out (not in `hands`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hands_sat_out: Option<u64>,
    /// Sessions only: sessions played (one per seat, session and rotation).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sessions: Option<u64>,
    /// Sessions only: mean session result per seat, in big blinds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_session_bb: Option<f64>,
    /// Sessions only: standard deviation of the session results, in big blinds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sd_session_bb: Option<f64>,
    /// Sessions only: the worst session result, in big blinds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub worst_session_bb: Option<f64>,
}

/// Rounds to 4 decimals so CSVs are short and stable to read.
fn round4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

impl Row {
    /// Fills the session columns from tally `t` (its seat-sessions) at a big blind of
    /// `big_blind_chips`.
    fn add_sessions(&mut self, t: &Tally, big_blind_chips: u32) {
        let bb = f64::from(big_blind_chips);
        let n = t.sessions.max(1) as f64;
        let mean = t.net_chips as f64 / n;
        let var = if t.sessions > 1 {
            ((t.session_net_chips_squared as f64 - t.net_chips as f64 * mean) / (n - 1.0)).max(0.0)
        } else {
            0.0
        };
        self.busts = Some(t.busts);
        self.rebuys = Some(t.rebuys);
        self.hands_sat_out = Some(t.hands_sat_out);
        self.sessions = Some(t.sessions);
        self.mean_session_bb = Some(round4(mean / bb));
        self.sd_session_bb = Some(round4(var.sqrt() / bb));
        self.worst_session_bb = Some(round4(t.worst_session_chips as f64 / bb));
    }
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
        busts: None,
        rebuys: None,
        hands_sat_out: None,
        sessions: None,
        mean_session_bb: None,
        sd_session_bb: None,
        worst_session_bb: None,
    }
}

/// Each distinct bot's name and its seats, in line-up order of first seat (the row
/// order of every per-bot file).
fn bot_seats(config: &RunConfig) -> Vec<(&str, Vec<usize>)> {
    let bot_of_seat = config.bot_of_seat();
    config
        .distinct_bots()
        .into_iter()
        .enumerate()
        .map(|(b, name)| {
            let seats = (0..bot_of_seat.len())
                .filter(|&s| usize::from(bot_of_seat[s]) == b)
                .collect();
            (name, seats)
        })
        .collect()
}

/// The `bots.csv` rows: one per distinct bot, in order of first seat. Intervals are
/// over independent units (hands, or whole duplicate groups with duplicate deals).
pub fn bot_rows(config: &RunConfig, tallies: &Totals) -> Vec<Row> {
    let bb = config.stakes.big_blind_chips;
    let (stats, units) = (&tallies.stats, &tallies.units);
    let rotations = config.rotations() as u32;
    bot_seats(config)
        .into_iter()
        .enumerate()
        .map(|(b, (name, seats))| {
            let mut total = Tally::default();
            for &s in &seats {
                total += &stats.seats[s];
            }
            let k = seats.len() as u32;
            // In sessions the units' hands vary (seats sit out, sessions end early):
            // the mean per unit gives bb/100 over the hands played.
            let (seat_hands_per_unit, hands_per_unit) = match config.session {
                None => (f64::from(k * rotations), f64::from(rotations)),
                Some(_) => (
                    total.hands as f64 / units.units.max(1) as f64,
                    config.hands_per_deal() as f64 * f64::from(rotations),
                ),
            };
            let rate = |sum: i128, sum_squared: i128, scale: i64| {
                UnitSample {
                    units: units.units,
                    sum,
                    sum_squared,
                    seat_hands_per_unit,
                    hands_per_unit,
                    scale,
                }
                .win_rate(bb)
            };
            let real = rate(
                i128::from(units.net_chips[b]),
                units.net_chips_squared[b],
                1,
            );
            let adjusted = rate(units.adjusted[b], units.adjusted_squared[b], FIXED_ONE);
            let mut r = row(None, name, &seats, &total, real);
            if config.session.is_some() {
                r.add_sessions(&total, bb);
            }
            if config.allin_adjust {
                r.allin_adj_bb_per_100 = Some(round4(adjusted.bb_per_100));
                r.allin_adj_ci95_bb_per_100 = Some(round4(adjusted.ci95_bb_per_100));
                r.allin_adj_sd_bb_per_hand = Some(round4(adjusted.sd_bb_per_hand));
            }
            r
        })
        .collect()
}

/// One row of `depths.csv`: one bot's results in one effective-stack bucket (see
/// [`crate::stats::Depths`]), its seats added up.
#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct DepthRow {
    /// Bot name.
    pub bot: String,
    /// The bucket: `<20`, `20-50`, `50-100`, `100-200` or `>=200` big blinds.
    pub effective_stack_bb: &'static str,
    /// Seat-hands played in the bucket.
    pub hands: u64,
    /// Σ net result, in chips.
    pub net_chips: i64,
    /// Win rate in the bucket, in bb/100.
    pub bb_per_100: f64,
    /// Half-width of its 95% interval, over seat-hands.
    pub ci95_bb_per_100: f64,
}

/// The `depths.csv` rows: per bot (line-up order of first seat) and bucket, buckets
/// with no hand left out.
pub fn depth_rows(config: &RunConfig, totals: &Totals) -> Vec<DepthRow> {
    let bb = config.stakes.big_blind_chips;
    let mut rows = Vec::new();
    for (name, seats) in bot_seats(config) {
        for (k, &(_, _, bucket)) in crate::stats::DEPTH_BUCKETS.iter().enumerate() {
            let mut t = crate::stats::ChipTally::default();
            for &s in &seats {
                t += &totals.depths.seats[s][k];
            }
            if t.hands == 0 {
                continue;
            }
            let rate = UnitSample::per_hand(t.hands, t.net_chips, t.net_chips_squared).win_rate(bb);
            rows.push(DepthRow {
                bot: name.to_string(),
                effective_stack_bb: bucket,
                hands: t.hands,
                net_chips: t.net_chips,
                bb_per_100: round4(rate.bb_per_100),
                ci95_bb_per_100: round4(rate.ci95_bb_per_100),
            });
        }
    }
    rows
}

/// Seat-hands a bucket needs before the summary names it as where a bot wins or
/// bleeds.
const DEPTH_LINE_MIN_HANDS: u64 = 1000;

/// One summary line per bot of a session run (rows without session columns give
/// none): its sessions' mean, spread and worst result, busts, rebuys and hands sat out.
pub fn session_lines(rows: &[Row]) -> String {
    let mut out = String::new();
    for r in rows {
        if let (
            Some(n),
            Some(mean),
            Some(sd),
            Some(worst),
            Some(busts),
            Some(rebuys),
            Some(out_hands),
        ) = (
            r.sessions,
            r.mean_session_bb,
            r.sd_session_bb,
            r.worst_session_bb,
            r.busts,
            r.rebuys,
            r.hands_sat_out,
        ) {
            out += &format!(
                "sessions: {} {n} sessions, {mean:+.1} bb a session (sd {sd:.1} bb), worst {worst:+.1} bb; {busts} busts, {rebuys} rebuys, {out_hands} hands sat out\n",
                r.bot
            );
        }
    }
    out
}

/// The file of decision latencies, written when a bot behind a wire played.
pub const LATENCY_FILE: &str = "latency.csv";

/// One row of `latency.csv`: a bot behind a wire's decision latencies, all its seats
/// together (see [`crate::protocol::latency`]; wall-clock times, so this is the one
/// file that differs between two runs of the same seed).
#[derive(serde::Serialize, Debug, Clone, PartialEq)]
pub struct LatencyRow {
    /// Bot name.
    pub bot: String,
    /// Decisions timed.
    pub decisions: u64,
    /// Median decision time, in milliseconds (a bucket's upper edge: at most 19% high).
    pub latency_p50_ms: f64,
    /// 99th percentile, in milliseconds (likewise).
    pub latency_p99_ms: f64,
    /// Largest decision time, in milliseconds (exact).
    pub latency_max_ms: f64,
}

/// The `latency.csv` rows, one per bot that has decision latencies, in seat order.
pub fn latency_rows(config: &RunConfig, tallies: &Totals) -> Vec<LatencyRow> {
    let mut rows = Vec::new();
    for bot in config.distinct_bots() {
        let mut sum = crate::protocol::latency::Latency::default();
        for (seat, spec) in config.lineup.iter().enumerate() {
            if spec.name() == bot
                && let Some(l) = tallies.latency.get(seat)
            {
                sum += l;
            }
        }
        if let (Some(p50), Some(p99), Some(max)) =
            (sum.quantile_ms(0.5), sum.quantile_ms(0.99), sum.max_ms())
        {
            rows.push(LatencyRow {
                bot: bot.to_string(),
                decisions: sum.decisions(),
                latency_p50_ms: round4(p50),
                latency_p99_ms: round4(p99),
                latency_max_ms: round4(max),
            });
        }
    }
    rows
}

/// One summary line per bot behind a wire: its decision latencies against its
/// action timeout.
pub fn latency_lines(config: &RunConfig, rows: &[LatencyRow]) -> String {
    let timeout = |bot: &str| {
        config.lineup.iter().find_map(|spec| match spec {
            #[cfg(unix)]
            crate::bots::BotSpec::Exec(e) if e.name == bot => Some(e.action_timeout.as_secs_f64()),
            _ => None,
        })
    };
    rows.iter()
        .map(|r| {
            format!(
                "latency: {} p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms over {} decisions (action timeout {} s)\n",
                r.bot,
                r.latency_p50_ms,
                r.latency_p99_ms,
                r.latency_max_ms,
                r.decisions,
                timeout(&r.bot).unwrap_or(f64::NAN)
            )
        })
        .collect()
}

/// One summary line per bot: the depth where it wins most and the one where it does
/// worst ("bleeds" when it loses there) (buckets of at least 1,000 seat-hands), with their intervals.
pub fn depth_lines(rows: &[DepthRow]) -> String {
    let mut out = String::new();
    let mut bots: Vec<&str> = Vec::new();
    for r in rows {
        if !bots.contains(&r.bot.as_str()) {
            bots.push(&r.bot);
        }
    }
    let rate = |r: &DepthRow| {
        format!(
            "{} bb ({:+.2} ± {:.2} bb/100)",
            r.effective_stack_bb, r.bb_per_100, r.ci95_bb_per_100
        )
    };
    for bot in bots {
        let mine: Vec<&DepthRow> = rows
            .iter()
            .filter(|r| r.bot == bot && r.hands >= DEPTH_LINE_MIN_HANDS)
            .collect();
        let best = mine
            .iter()
            .max_by(|a, b| a.bb_per_100.total_cmp(&b.bb_per_100));
        let worst = mine
            .iter()
            .min_by(|a, b| a.bb_per_100.total_cmp(&b.bb_per_100));
        if let ([only], Some(best)) = (mine.as_slice(), best) {
            // One depth with enough hands: nothing to compare it with.
            let verb = if only.bb_per_100 < 0.0 {
                "bleeds"
            } else {
                "wins"
            };
            out += &format!(
                "depths: {bot} {verb} at {} (the only depth with {DEPTH_LINE_MIN_HANDS}+ seat-hands)\n",
                rate(best)
            );
        } else if let (Some(best), Some(worst)) = (best, worst) {
            let low = if worst.bb_per_100 < 0.0 {
                "bleeds most"
            } else {
                "wins least"
            };
            out += &format!(
                "depths: {bot} wins most at {}, {low} at {}\n",
                rate(best),
                rate(worst)
            );
        }
    }
    out
}

/// The bots whose results are not their own, by name, with why (see
/// [`crate::stats::Tally::fault_reason`]): the bot's seats' tallies added up.
pub fn bot_faults(config: &RunConfig, stats: &Stats) -> std::collections::BTreeMap<String, String> {
    let bot_of_seat = config.bot_of_seat();
    config
        .distinct_bots()
        .iter()
        .enumerate()
        .filter_map(|(b, name)| {
            let mut total = Tally::default();
            for (s, _) in bot_of_seat
                .iter()
                .enumerate()
                .filter(|&(_, &o)| o as usize == b)
            {
                total += &stats.seats[s];
            }
            total.fault_reason().map(|why| (name.to_string(), why))
        })
        .collect()
}

/// Each seat's fault notes as (bot name, notes), seats with none left out.
pub fn fault_notes(config: &RunConfig, tallies: &Totals) -> Vec<(String, Vec<String>)> {
    tallies
        .fault_notes
        .iter()
        .enumerate()
        .filter(|(_, n)| !n.is_empty())
        .map(|(seat, n)| {
            let name = config.lineup.get(seat).map_or("?", |b| b.name());
            (
                name.to_string(),
                n.notes()
                    .iter()
                    .map(|l| format!("seat {seat}: {l}"))
                    .collect(),
            )
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
            let sample = match config.session {
                None => UnitSample::per_hand(t.hands, t.net_chips, t.net_chips_squared),
                // Over the seat's sessions, the independent units.
                Some(_) => UnitSample {
                    units: t.sessions,
                    sum: i128::from(t.net_chips),
                    sum_squared: t.session_net_chips_squared,
                    seat_hands_per_unit: t.hands as f64 / t.sessions.max(1) as f64,
                    hands_per_unit: config.hands_per_deal() as f64,
                    scale: 1,
                },
            };
            let mut r = row(Some(s as u8), bot.name(), &[s], t, sample.win_rate(bb));
            if config.session.is_some() {
                r.add_sessions(t, bb);
            }
            r
        })
        .collect()
}

/// Serializes rows as CSV with a header line.
///
/// # Errors
/// If serialization fails (it does not for [`Row`]).
pub fn to_csv<R: serde::Serialize>(rows: &[R]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.serialize(r)?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

/// Writes `bots.csv`, `seats.csv`, `tracker.csv`, `positions.csv` and `run.json`
/// (and `latency.csv`, `depths.csv` when the run has them) into `dir` (which must
/// exist), each atomically; `blocks.csv` is written during the run by [`BlocksFile`].
///
/// # Errors
/// [`WriteError`] naming the file: any I/O or serialization error.
pub fn write_run(
    dir: &Path,
    config: &RunConfig,
    tallies: &Totals,
    info: &RunInfo,
) -> Result<(), WriteError> {
    let stats = &tallies.stats;
    let fail =
        |name: &str, e: &dyn std::fmt::Display| WriteError::new(&dir.join(name), e.to_string());
    let files: [(&str, Vec<u8>); 5] = [
        (
            "bots.csv",
            to_csv(&bot_rows(config, tallies)).map_err(|e| fail("bots.csv", &e))?,
        ),
        (
            "seats.csv",
            to_csv(&seat_rows(config, stats)).map_err(|e| fail("seats.csv", &e))?,
        ),
        (
            TRACKER_FILE,
            to_csv(&tracker::tracker_rows(config, stats)).map_err(|e| fail(TRACKER_FILE, &e))?,
        ),
        (
            POSITIONS_FILE,
            to_csv(&tracker::position_rows(config, stats)).map_err(|e| fail(POSITIONS_FILE, &e))?,
        ),
        (
            "run.json",
            serde_json::to_vec_pretty(info).map_err(|e| fail("run.json", &e))?,
        ),
    ];
    for (name, bytes) in files {
        crate::fs::write_atomically(dir, name, &bytes).map_err(|e| fail(name, &e))?;
    }
    let latency = latency_rows(config, tallies);
    if !latency.is_empty() {
        let bytes = to_csv(&latency).map_err(|e| fail(LATENCY_FILE, &e))?;
        crate::fs::write_atomically(dir, LATENCY_FILE, &bytes)
            .map_err(|e| fail(LATENCY_FILE, &e))?;
    }
    if config.records_depths() {
        let bytes = to_csv(&depth_rows(config, tallies)).map_err(|e| fail("depths.csv", &e))?;
        crate::fs::write_atomically(dir, "depths.csv", &bytes)
            .map_err(|e| fail("depths.csv", &e))?;
    }
    Ok(())
}

/// `blocks.csv`, written while the run plays: each block's rows are appended, in block
/// order, to a [`crate::fs::StreamedFile`] as the block completes (see
/// [`crate::sim::run_deals_streaming`]), and [`BlocksFile::finish`] puts it in place.
/// Dropped unfinished (a failed run), nothing is left behind.
pub struct BlocksFile {
    path: std::path::PathBuf,
    writer: csv::Writer<crate::fs::StreamedFile>,
    bots: Vec<String>,
    big_blind_chips: u32,
    /// The first write error; later blocks are skipped and `finish` reports it.
    error: Option<csv::Error>,
}

impl BlocksFile {
    /// Starts `dir/blocks.csv` for `config`'s run (`dir` must exist).
    ///
    /// # Errors
    /// [`WriteError`] naming the file when it cannot be started (see
    /// [`crate::fs::StreamedFile::create`]).
    pub fn create(dir: &Path, config: &RunConfig) -> Result<BlocksFile, WriteError> {
        let path = dir.join("blocks.csv");
        let file = crate::fs::StreamedFile::create(&path).map_err(|e| WriteError::new(&path, e))?;
        Ok(BlocksFile {
            path,
            writer: csv::Writer::from_writer(file),
            bots: config
                .distinct_bots()
                .into_iter()
                .map(String::from)
                .collect(),
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
    /// [`WriteError`] naming the file: the first write error, or one flushing, syncing
    /// or renaming it.
    pub fn finish(self) -> Result<(), WriteError> {
        let path = self.path;
        if let Some(e) = self.error {
            return Err(WriteError::new(&path, e));
        }
        let file = self
            .writer
            .into_inner()
            .map_err(|e| WriteError::new(&path, e.error().to_string()))?;
        file.finish().map_err(|e| WriteError::new(&path, e))
    }
}

/// The fault summary printed after the summary table (empty when no bot committed a
/// protocol fault): per bot behind a wire that did, its counts and the first few
/// verbatim examples (`notes`, per seat of the line-up), then one line per bot whose
/// results are not its own ([`crate::stats::Tally::fault_reason`]).
pub fn fault_lines(rows: &[Row], notes: &[(String, Vec<String>)]) -> String {
    let mut out = String::new();
    for r in rows
        .iter()
        .filter(|r| r.timeouts + r.rejected_actions + r.invalid_actions + r.crashes > 0)
    {
        out += &format!(
            "{}: {} timeouts, {} rejected actions, {} invalid actions, {} crashes\n",
            r.bot, r.timeouts, r.rejected_actions, r.invalid_actions, r.crashes
        );
        for (_, lines) in notes.iter().filter(|(bot, _)| *bot == r.bot) {
            for line in lines {
                out += &format!("  {line}\n");
            }
        }
    }
    out
}

/// One column of the summary table: its header and each row's cell.
struct Column {
    header: &'static str,
    left: bool,
    cells: Vec<String>,
}

/// The summary table printed after a run: one line per bot, in seat order (the order
/// of `bots.csv`), columns as wide as their widest cell, then a line saying what the
/// rows and columns are: with `seats_moved` (`--duplicate permutations`) the `seats`
/// column holds `--bots` entries, each of which played every seat. The
/// all-in-adjusted column is left out when the adjustment was off.
pub fn summary_table(rows: &[Row], seats_moved: bool) -> String {
    let col = |header, left, cell: &dyn Fn(&Row) -> String| Column {
        header,
        left,
        cells: rows.iter().map(cell).collect(),
    };
    let mut columns = vec![
        col("bot", true, &|r| r.bot.clone()),
        col("seats", false, &|r| r.seats.clone()),
        col("seat-hands", false, &|r| r.hands.to_string()),
        col("bb/100 (95% CI)", false, &|r| {
            format!("{:+.2} ± {:.2}", r.bb_per_100, r.ci95_bb_per_100)
        }),
    ];
    let adjusted = rows.iter().any(|r| r.allin_adj_bb_per_100.is_some());
    if adjusted {
        columns.push(col("adj bb/100 (95% CI)", false, &|r| match (
            r.allin_adj_bb_per_100,
            r.allin_adj_ci95_bb_per_100,
        ) {
            (Some(rate), Some(ci)) => format!("{rate:+.2} ± {ci:.2}"),
            _ => "-".into(),
        }));
    }
    columns.extend([
        col("VPIP%", false, &|r| format!("{:.1}", r.vpip)),
        col("PFR%", false, &|r| format!("{:.1}", r.pfr)),
        col("AF", false, &|r| {
            r.aggression_factor
                .map_or("-".into(), |a| format!("{a:.2}"))
        }),
        col("WTSD%", false, &|r| format!("{:.1}", r.wtsd)),
        col("W$SD%", false, &|r| format!("{:.1}", r.w_sd)),
        col("invalid", false, &|r| r.invalid_actions.to_string()),
    ]);
    let widths: Vec<usize> = columns
        .iter()
        .map(|c| {
            c.cells
                .iter()
                .map(|s| s.chars().count())
                .chain([c.header.chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cell: &dyn Fn(&Column) -> &str| {
        let cells: Vec<String> = columns
            .iter()
            .zip(&widths)
            .map(|(c, &w)| {
                let text = cell(c);
                let pad = " ".repeat(w.saturating_sub(text.chars().count()));
                if c.left {
                    format!("{text}{pad}")
                } else {
                    format!("{pad}{text}")
                }
            })
            .collect();
        cells.join("  ").trim_end().to_string() + "\n"
    };
    let mut out = line(&|c| c.header);
    for i in 0..rows.len() {
        out += &line(&|c| &c.cells[i]);
    }
    out += if seats_moved {
        "rows in --bots order; seats = --bots entries (0 first), each played in every seat; seat-hands count each of a bot's entries"
    } else {
        "rows in seat order; seat-hands count each of a bot's seats"
    };
    if adjusted {
        out += "; adj = all-in adjusted, the rate to trust when bots go all-in";
    }
    out += "\n";
    out
}
