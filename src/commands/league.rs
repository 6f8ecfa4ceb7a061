//! `holdem-arena league`: who is best, and against whom does each bot lose.
//!
//! In the heads-up format every unordered pair of the field plays one duplicate match
//! of `--hands` deals on the league's seed: the `run` machinery (`run::play_into`)
//! with `--duplicate` and the all-in adjustment, into `OUT/pairs/A-vs-B/` with the
//! usual run files. In the `table:K` format every K-subset of the field plays
//! `--hands` deals in every seat order of the design ([`crate::league::seat_orders`]),
//! each order one run (plain deals, all-in adjusted) into `OUT/tables/NNNN-A-B-C/`.
//! The crosstable, the per-bot results, the Bradley–Terry ratings and their intervals
//! are computed from the runs' blocks ([`crate::league`]) and written as
//! `league.csv`, `field.csv`, `ratings.csv`, `crosstable.svg` and `league.json`; each
//! bot's tracker statistics and results by position over all its runs as
//! `tracker.csv` and `positions.csv` (the run files' columns); each file atomically.

use super::{CommandError, TableArgs, failed, print_stdout, usage};
use crate::blocks::{DEFAULT_BLOCK_DEALS, read_blocks};
use crate::config::{DuplicateMode, Lineup, RunConfig, RunSettings};
use crate::fs::write_atomically;
use crate::league::{
    BOOTSTRAP_REPLICATES, Cell, Crosstable, MAX_TABLE_SEATS, MatchBlocks, Rating, TableBlocks,
    pairings, seat_orders, subsets,
};
use crate::report::tracker::{ByPosition, position_rows_of, tracker_rows_of};
use crate::stats::Tally;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Options of `holdem-arena league`.
#[derive(clap::Args, Debug)]
pub struct LeagueArgs {
    /// The field, comma-separated, at least 2 bots, each once: built-in names (see
    /// `holdem-arena bots`), `exec:COMMAND` or `exec-claw:COMMAND`.
    #[arg(long)]
    pub bots: String,
    /// Deals per run: per heads-up match (each deal is played from both seats: twice as
    /// many hands), or per seat order of a `table:K` table.
    #[arg(long, default_value_t = 100_000)]
    pub hands: u64,
    /// League seed, the same for every match (so every pair plays the same deals);
    /// picked at random and printed when absent.
    #[arg(long)]
    pub seed: Option<u64>,
    /// How the field plays: heads-up (every pair a duplicate match) or table:K
    /// (3 ≤ K ≤ 10: every K bots of the field at a table, in every seat order of the
    /// design; --hands deals each order).
    #[arg(long, default_value = "heads-up")]
    pub format: String,
    /// Worker threads of each run (default: one per CPU core); the runs play one after
    /// another.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Blinds, ante and stacks.
    #[command(flatten)]
    pub table: TableArgs,
    /// Seconds an external bot has for each action before it is auto-folded (or
    /// auto-checked when checking is free).
    /// [default: 10, or the --table preset's: 120 for openpoker]
    #[arg(long)]
    pub action_timeout: Option<f64>,
    /// Deals per block: the unit of the intervals and a "game" of the ratings.
    #[arg(long, default_value_t = DEFAULT_BLOCK_DEALS)]
    pub block_deals: u64,
    /// Output folder (default: results/league-seed-SEED).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Print the ranking on stderr as it settles: after each finished run (at most
    /// once a second), the Elo ratings and records over the runs played so far, with
    /// 95% intervals from WATCH_REPLICATES bootstrap replicates.
    #[arg(long)]
    pub watch: bool,
}

/// Bootstrap replicates of the ratings `--watch` prints after a run (the final
/// ranking uses [`BOOTSTRAP_REPLICATES`]): fewer, so that a league of many short runs
/// spends its time playing.
pub const WATCH_REPLICATES: usize = 200;

/// Least time between two rankings printed by `--watch`.
const WATCH_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// The league's files in its output folder (the runs' are under `pairs/` or
/// `tables/`).
const LEAGUE_FILES: [&str; 7] = [
    "league.csv",
    "field.csv",
    "ratings.csv",
    "crosstable.svg",
    "league.json",
    crate::report::TRACKER_FILE,
    crate::report::POSITIONS_FILE,
];

/// Most runs a `table:K` league plays (tables × seat orders).
pub const MAX_TABLE_RUNS: usize = 2000;

/// The formats of `--format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    /// Every pair a duplicate heads-up match.
    HeadsUp,
    /// K-handed tables: every K-subset of the field in every seat order of the design.
    Table(usize),
}

impl Format {
    /// What a crosstable cell is, for the summary and the heat map.
    fn cell_meaning(self) -> &'static str {
        match self {
            Format::HeadsUp => "row bot's all-in-adjusted bb/100 against the column bot",
            Format::Table(_) => {
                "row bot's all-in-adjusted bb/100 less the column bot's, at the tables both sat"
            }
        }
    }
}

/// Parses `--format`.
fn format_of(text: &str) -> Result<Format, CommandError> {
    let text = text.trim();
    if text == "heads-up" {
        return Ok(Format::HeadsUp);
    }
    if let Some(k) = text.strip_prefix("table:") {
        return match k.trim().parse::<usize>() {
            Ok(k) if (3..=MAX_TABLE_SEATS).contains(&k) => Ok(Format::Table(k)),
            _ => Err(usage(format!(
                "--format {text}: K must be a whole number from 3 to {MAX_TABLE_SEATS} (table:3 ... table:{MAX_TABLE_SEATS}); heads-up is --format heads-up"
            ))),
        };
    }
    Err(usage(format!(
        "--format {text:?}: give heads-up or table:K (3 ≤ K ≤ {MAX_TABLE_SEATS})"
    )))
}

/// One run to play: the bot in each seat (field indices) and its configuration.
struct Match {
    seats: Vec<usize>,
    config: RunConfig,
    dir: PathBuf,
}

/// A folder-name-safe form of a bot name.
fn file_safe(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The line-ups of `format` over a field of `n` bots: for heads-up every pair, for
/// `table:K` every K-subset in every seat order ([`crate::league::seat_orders`]).
fn lineups(format: Format, n: usize) -> Vec<Vec<usize>> {
    match format {
        Format::HeadsUp => pairings(n).into_iter().map(|(a, b)| vec![a, b]).collect(),
        Format::Table(k) => {
            let orders = seat_orders(k);
            subsets(n, k)
                .into_iter()
                .flat_map(|t| {
                    orders
                        .iter()
                        .map(move |o| o.iter().map(|&m| t[m]).collect())
                        .collect::<Vec<_>>()
                })
                .collect()
        }
    }
}

/// The format, the field's names and the runs to play, every input checked before
/// anything is written.
fn plan(
    args: &LeagueArgs,
    seed: u64,
    out: &Path,
) -> Result<(Format, Vec<String>, Vec<Match>), CommandError> {
    let format = format_of(&args.format)?;
    let entries: Vec<&str> = args.bots.split(',').map(str::trim).collect();
    if entries.len() < 2 {
        return Err(usage(format!(
            "--bots {}: a league needs at least 2 bots, comma-separated",
            args.bots
        )));
    }
    if let Format::Table(k) = format
        && k > entries.len()
    {
        return Err(usage(format!(
            "--format table:{k} needs at least {k} bots, each once, but --bots {} has {}; give more bots or a smaller K",
            args.bots,
            entries.len()
        )));
    }
    if let (Format::Table(k), Some(hands)) = (format, args.table.session) {
        return Err(usage(format!(
            "--session {hands} with --format table:{k}: sessions are not implemented for K-handed leagues (seats sit out, so two bots at a table play different hands); drop --session or use --format heads-up"
        )));
    }
    let blocks = args.hands.div_ceil(args.block_deals.max(1));
    if args.block_deals > 0 && blocks < 2 {
        return Err(usage(format!(
            "--hands {} with --block-deals {} makes {blocks} block a match: an interval needs at least 2; give more --hands or a smaller --block-deals",
            args.hands, args.block_deals
        )));
    }
    let lineups = lineups(format, entries.len());
    if lineups.len() > MAX_TABLE_RUNS {
        return Err(usage(format!(
            "--format {} with {} bots makes {} runs (tables × seat orders): at most {MAX_TABLE_RUNS}; give fewer bots",
            args.format.trim(),
            entries.len(),
            lineups.len()
        )));
    }
    let table = args.table.settings()?;
    let mut names: Vec<Option<String>> = vec![None; entries.len()];
    let mut matches = Vec::new();
    let mut dirs: Vec<PathBuf> = Vec::new();
    for (index, seats) in lineups.into_iter().enumerate() {
        let seat_entries: Vec<&str> = seats.iter().map(|&b| entries[b]).collect();
        let lineup = Lineup::from_entries(&seat_entries)?;
        let config = RunConfig::new(RunSettings {
            lineup,
            deals: args.hands,
            seed,
            threads: args.threads,
            table: table.clone(),
            // Heads-up: both seats of each deal; tables: the design's seat orders.
            duplicate: (format == Format::HeadsUp).then_some(DuplicateMode::Rotations),
            block_deals: args.block_deals,
            allin_adjust: true,
            history: None,
            action_timeout_s: args.action_timeout,
        })?;
        for (seat, &b) in seats.iter().enumerate() {
            let name = config.lineup[seat].name().to_string();
            match &names[b] {
                None => names[b] = Some(name),
                Some(n) if *n == name => {}
                Some(n) => {
                    return Err(usage(format!(
                        "--bots: {:?} is named {n} in one run and {name} in another (two external bots share a script name); give them scripts of different names",
                        entries[b]
                    )));
                }
            }
        }
        let seat_names: Vec<&str> = config.lineup.iter().map(|b| b.name()).collect();
        if let Some(n) = seat_names
            .iter()
            .enumerate()
            .find_map(|(i, n)| seat_names[..i].contains(n).then_some(n))
        {
            return Err(usage(format!(
                "--bots {}: {n} is given twice; name each bot once",
                args.bots
            )));
        }
        let safe: Vec<String> = seat_names.iter().map(|n| file_safe(n)).collect();
        // Two names may sanitise alike (external bots' names): the run's index then
        // tells the folders apart (table folders always carry it).
        let dir = match format {
            Format::HeadsUp => {
                let dir = out.join("pairs").join(safe.join("-vs-"));
                if dirs.contains(&dir) {
                    out.join("pairs")
                        .join(format!("{}-{index}", safe.join("-vs-")))
                } else {
                    dir
                }
            }
            Format::Table(_) => out
                .join("tables")
                .join(format!("{index:04}-{}", safe.join("-"))),
        };
        dirs.push(dir.clone());
        matches.push(Match { seats, config, dir });
    }
    let names = names.into_iter().map(Option::unwrap_or_default).collect();
    Ok((format, names, matches))
}

/// One row of `league.csv`: the row bot's result against the column bot.
#[derive(Serialize)]
struct LeagueRow<'a> {
    row_bot: &'a str,
    column_bot: &'a str,
    hands: u64,
    blocks: usize,
    bb_per_100: f64,
    ci95_bb_per_100: f64,
    excludes_zero: bool,
}

/// One row of `ratings.csv`.
#[derive(Serialize)]
struct RatingRow<'a> {
    rank: usize,
    bot: &'a str,
    elo: f64,
    elo_ci95_low: f64,
    elo_ci95_high: f64,
    blocks_won: u64,
    blocks_drawn: u64,
    blocks_lost: u64,
    field_bb_per_100: f64,
    field_ci95_bb_per_100: f64,
}

/// One row of `field.csv`: a bot's result over all its runs.
#[derive(Serialize)]
struct FieldRow<'a> {
    bot: &'a str,
    hands: u64,
    blocks: usize,
    bb_per_100: f64,
    ci95_bb_per_100: f64,
    excludes_zero: bool,
}

/// `league.json`: how the league was played.
#[derive(Serialize)]
struct LeagueInfo<'a> {
    command: String,
    format: String,
    bots: &'a [String],
    seed: u64,
    deals_per_run: u64,
    block_deals: u64,
    metric: &'static str,
    rating: &'static str,
    bootstrap_replicates: usize,
    runs: Vec<String>,
}

/// Rounds to `d` decimals so CSVs are short and stable to read.
fn round(x: f64, d: i32) -> f64 {
    let s = 10f64.powi(d);
    (x * s).round() / s
}

fn csv_bytes<T: Serialize>(rows: impl IntoIterator<Item = T>) -> Result<Vec<u8>, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.serialize(r).map_err(|e| e.to_string())?;
    }
    w.into_inner().map_err(|e| e.into_error().to_string())
}

fn league_csv(t: &Crosstable) -> Result<Vec<u8>, String> {
    let n = t.bots.len();
    csv_bytes((0..n).flat_map(|r| {
        (0..n).filter_map(move |c| {
            t.cells[r][c].map(|cell| LeagueRow {
                row_bot: &t.bots[r],
                column_bot: &t.bots[c],
                hands: cell.hands,
                blocks: cell.blocks,
                bb_per_100: round(cell.bb_per_100, 4),
                ci95_bb_per_100: round(cell.ci95_bb_per_100, 4),
                excludes_zero: cell.excludes_zero(),
            })
        })
    }))
}

fn field_csv(t: &Crosstable, field: &[Cell]) -> Result<Vec<u8>, String> {
    csv_bytes(t.bots.iter().zip(field).map(|(bot, c)| FieldRow {
        bot,
        hands: c.hands,
        blocks: c.blocks,
        bb_per_100: round(c.bb_per_100, 4),
        ci95_bb_per_100: round(c.ci95_bb_per_100, 4),
        excludes_zero: c.excludes_zero(),
    }))
}

fn ratings_csv(t: &Crosstable, field: &[Cell], ratings: &[Rating]) -> Result<Vec<u8>, String> {
    csv_bytes(ratings.iter().enumerate().map(|(k, r)| RatingRow {
        rank: k + 1,
        bot: &t.bots[r.bot],
        elo: round(r.elo, 1),
        elo_ci95_low: round(r.elo_ci95_low, 1),
        elo_ci95_high: round(r.elo_ci95_high, 1),
        blocks_won: r.blocks_won,
        blocks_drawn: r.blocks_drawn,
        blocks_lost: r.blocks_lost,
        field_bb_per_100: round(field[r.bot].bb_per_100, 4),
        field_ci95_bb_per_100: round(field[r.bot].ci95_bb_per_100, 4),
    }))
}

/// A cell's text: `+12.3 ±4.5`, with `*` when the interval excludes zero.
fn cell_text(c: &Cell) -> String {
    format!(
        "{:+.1} ±{:.1}{}",
        c.bb_per_100,
        c.ci95_bb_per_100,
        if c.excludes_zero() { "*" } else { "" }
    )
}

/// The pairwise results of the runs `played` (all of them, or those finished so far):
/// each heads-up match as it is, or the differences at the tables both bots sat.
fn pairwise_of(format: Format, bots: usize, played: &[TableBlocks]) -> Vec<MatchBlocks> {
    match format {
        Format::HeadsUp => played
            .iter()
            .map(|t| MatchBlocks {
                row: t.seats[0],
                col: t.seats[1],
                row_blocks: t.blocks[0].clone(),
                col_blocks: t.blocks[1].clone(),
            })
            .collect(),
        Format::Table(_) => crate::league::pairwise_at_tables(bots, played),
    }
}

/// What `--watch` prints after a run: the ranking over the runs played so far. Only
/// the bots that have played are rated (a bot without a block has no strength to
/// fit, and would leave the fit's system singular); the others follow, unrated.
fn standings(
    format: Format,
    names: &[String],
    played: &[TableBlocks],
    runs: usize,
    hands: u64,
    seed: u64,
    started: Instant,
) -> String {
    let bots = names.len();
    let mut active: Vec<usize> = played.iter().flat_map(|t| t.seats.clone()).collect();
    active.sort_unstable();
    active.dedup();
    let index_of = |bot: usize| active.binary_search(&bot).unwrap_or(0);
    let pairwise: Vec<MatchBlocks> = pairwise_of(format, bots, played)
        .into_iter()
        .map(|m| MatchBlocks {
            row: index_of(m.row),
            col: index_of(m.col),
            ..m
        })
        .collect();
    let ratings: Vec<Rating> =
        crate::league::ratings_with(active.len(), &pairwise, seed, WATCH_REPLICATES)
            .into_iter()
            .map(|r| Rating {
                bot: active[r.bot],
                ..r
            })
            .collect();
    let field: Vec<Option<Cell>> = crate::league::field_blocks(bots, played)
        .iter()
        .zip(names)
        .map(|(blocks, name)| Cell::of(blocks, name).ok())
        .collect();
    let mut text = ranking(names, &ratings, &field);
    let waiting: Vec<&str> = (0..bots)
        .filter(|b| active.binary_search(b).is_err())
        .map(|b| names[b].as_str())
        .collect();
    if !waiting.is_empty() {
        text += &format!("      not played yet: {}\n", waiting.join(", "));
    }
    format!(
        "after {} of {runs} runs ({hands} hands, {:.1} s; Elo among the bots that played, intervals from {WATCH_REPLICATES} bootstrap replicates):\n{text}",
        played.len(),
        started.elapsed().as_secs_f64(),
    )
}

/// The summary: the crosstable, then the ranking, one line per bot.
fn summary(
    format: Format,
    t: &Crosstable,
    field: &[Cell],
    ratings: &[Rating],
    block_deals: u64,
) -> String {
    let n = t.bots.len();
    let width = t.bots.iter().map(String::len).max().unwrap_or(0).max(4);
    let cell_width = (0..n)
        .flat_map(|r| (0..n).filter_map(move |c| t.cells[r][c].as_ref().map(cell_text)))
        .map(|s| s.chars().count())
        .chain(t.bots.iter().map(String::len))
        .max()
        .unwrap_or(0);
    let blocks = t
        .cells
        .iter()
        .flatten()
        .flatten()
        .map(|c| c.blocks)
        .max()
        .unwrap_or(0);
    let (unit, won) = match format {
        Format::HeadsUp => (format!("{block_deals} duplicate deals"), "blocks won"),
        Format::Table(k) => (
            format!(
                "{block_deals} deals in each of the {} seat orders of every table",
                seat_orders(k).len()
            ),
            "blocks done better than the other at the same tables",
        ),
    };
    let mut s = format!(
        "crosstable: {} ± 95% interval over {blocks} blocks of {unit}; * the interval excludes 0\n{:<width$}",
        format.cell_meaning(),
        ""
    );
    for b in &t.bots {
        s += &format!("  {b:>cell_width$}");
    }
    s.push('\n');
    for r in 0..n {
        s += &format!("{:<width$}", t.bots[r]);
        for c in 0..n {
            let text = t.cells[r][c]
                .as_ref()
                .map_or_else(|| "-".to_string(), cell_text);
            s += &format!("  {text:>cell_width$}");
        }
        s.push('\n');
    }
    s += &format!(
        "ratings: Bradley–Terry on {won} (Elo scale, field mean 0), 95% bootstrap interval over blocks ({BOOTSTRAP_REPLICATES} replicates); the last column is the bot's bb/100 over all its hands ± 95%\n"
    );
    let field: Vec<Option<Cell>> = field.iter().cloned().map(Some).collect();
    s + &ranking(&t.bots, ratings, &field)
}

/// The ranking table: a header, then one line per bot, best first: rank, name, Elo,
/// its 95% interval, blocks won/drawn/lost, and its bb/100 against the field (`-`
/// where there is none yet).
fn ranking(bots: &[String], ratings: &[Rating], field: &[Option<Cell>]) -> String {
    let width = bots.iter().map(String::len).max().unwrap_or(0).max(4);
    let mut s = format!(
        "{:>4}  {:<width$}  {:>6}  {:>15}  {:>21}  {:>17}\n",
        "rank", "bot", "elo", "95% interval", "blocks won/drawn/lost", "bb/100 vs field"
    );
    for (k, r) in ratings.iter().enumerate() {
        let interval = if r.elo_ci95_low.is_finite() {
            format!("[{:+.0}, {:+.0}]", r.elo_ci95_low, r.elo_ci95_high)
        } else {
            "-".to_string()
        };
        s += &format!(
            "{:>4}  {:<width$}  {:>+6.0}  {:>15}  {:>21}  {:>17}\n",
            k + 1,
            bots[r.bot],
            r.elo,
            interval,
            format!("{}/{}/{}", r.blocks_won, r.blocks_drawn, r.blocks_lost),
            field[r.bot]
                .as_ref()
                .map_or_else(|| "-".to_string(), cell_text)
        );
    }
    s
}

/// The crosstable as an SVG heat map: each cell coloured by the row bot's bb/100
/// (blue won, red lost, white even, on a square-root scale up to the largest
/// magnitude), with its
/// number, interval and `*` when significant.
fn draw_crosstable(
    t: &Crosstable,
    title: &str,
    meaning: &str,
) -> Result<String, Box<dyn std::error::Error>> {
    let n = t.bots.len() as i32;
    let (cell_w, cell_h, top) = (120i32, 48i32, 110i32);
    // Room for the longest row label (about 8 px a character at this size).
    let longest = t.bots.iter().map(|b| b.chars().count()).max().unwrap_or(0);
    let left = (8 * i32::try_from(longest).unwrap_or(i32::MAX / 16) + 24).max(150);
    let size = (
        (left + n * cell_w + 24).max(760) as u32,
        (top + n * cell_h + 44) as u32,
    );
    let most = t
        .cells
        .iter()
        .flatten()
        .flatten()
        .map(|c| c.bb_per_100.abs())
        .fold(0.0f64, f64::max)
        .max(1e-9);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE)?;
        let centred = |px: i32| {
            ("sans-serif", px)
                .into_font()
                .into_text_style(&root)
                .pos(Pos::new(HPos::Center, VPos::Center))
        };
        root.draw(&Text::new(
            title.to_string(),
            (size.0 as i32 / 2, 18),
            centred(15),
        ))?;
        root.draw(&Text::new(
            format!("{meaning} ± 95% interval; * excludes 0"),
            (size.0 as i32 / 2, 44),
            centred(14),
        ))?;
        let right = ("sans-serif", 15)
            .into_font()
            .into_text_style(&root)
            .pos(Pos::new(HPos::Right, VPos::Center));
        for (i, bot) in t.bots.iter().enumerate() {
            let i = i as i32;
            root.draw(&Text::new(
                bot.clone(),
                (left + i * cell_w + cell_w / 2, top - 16),
                centred(15),
            ))?;
            root.draw(&Text::new(
                bot.clone(),
                (left - 10, top + i * cell_h + cell_h / 2),
                right.clone(),
            ))?;
        }
        for r in 0..n {
            for c in 0..n {
                let (x0, y0) = (left + c * cell_w, top + r * cell_h);
                let cell = t.cells[r as usize][c as usize];
                let colour = match cell {
                    None => RGBColor(220, 220, 220),
                    Some(cell) => {
                        // Square-root scale: one lopsided match does not wash out the rest.
                        let s = (cell.bb_per_100 / most).clamp(-1.0, 1.0);
                        let s = s.signum() * s.abs().sqrt();
                        let fade = |full: u8| (255.0 - s.abs() * (255.0 - f64::from(full))) as u8;
                        if s >= 0.0 {
                            RGBColor(fade(33), fade(102), fade(172))
                        } else {
                            RGBColor(fade(178), fade(24), fade(43))
                        }
                    }
                };
                root.draw(&Rectangle::new(
                    [(x0, y0), (x0 + cell_w, y0 + cell_h)],
                    colour.filled(),
                ))?;
                root.draw(&Rectangle::new(
                    [(x0, y0), (x0 + cell_w, y0 + cell_h)],
                    BLACK.mix(0.3),
                ))?;
                if let Some(cell) = cell {
                    let dark = (cell.bb_per_100 / most).abs() > 0.36;
                    let style = centred(15).color(if dark { &WHITE } else { &BLACK });
                    root.draw(&Text::new(
                        format!(
                            "{:+.1}{}",
                            cell.bb_per_100,
                            if cell.excludes_zero() { "*" } else { "" }
                        ),
                        (x0 + cell_w / 2, y0 + cell_h / 2 - 8),
                        style.clone(),
                    ))?;
                    root.draw(&Text::new(
                        format!("±{:.1}", cell.ci95_bb_per_100),
                        (x0 + cell_w / 2, y0 + cell_h / 2 + 10),
                        style,
                    ))?;
                }
            }
        }
        root.present()?;
    }
    Ok(svg)
}

/// Runs `holdem-arena league`.
///
/// # Errors
/// Exit 2 for bad input (nothing written); exit 1 when a match fails, a bot behind a
/// wire faulted (its match's files are written) or a file cannot be written; 130 /
/// 143 when stopped by a signal.
pub fn league(args: &LeagueArgs) -> Result<ExitCode, CommandError> {
    let started = Instant::now();
    let seed = args.seed.unwrap_or_else(rand::random);
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("results/league-seed-{seed}")));
    let (format, names, mut matches) = plan(args, seed, &out)?;
    for name in LEAGUE_FILES {
        let path = out.join(name);
        crate::fs::check_replaceable(&path).map_err(|e| {
            usage(format!(
                "--out {}: {} cannot be written ({e}); give another folder",
                out.display(),
                path.display()
            ))
        })?;
    }
    for m in &matches {
        super::run::prepare_out_dir(&m.dir)?;
    }
    crate::interrupt::install()
        .map_err(|e| failed(format!("cannot install the Ctrl-C handler: {e}")))?;
    if args.seed.is_none() {
        print_stdout(&format!(
            "seed: {seed} (pass --seed {seed} to reproduce this league)\n"
        ))?;
    }
    let mut played = Vec::with_capacity(matches.len());
    let mut faults = Vec::new();
    let mut hands = 0;
    // Per field bot, its tracker counts and results by position over all its runs.
    let mut tallies = vec![Tally::default(); names.len()];
    let mut by_position = vec![ByPosition::default(); names.len()];
    let runs = matches.len();
    let mut last_watch: Option<Instant> = None;
    for m in &mut matches {
        #[cfg(unix)]
        crate::protocol::external::keep_stderr_logs(&mut m.config.lineup, &m.dir.join("bots"))?;
        let run = super::run::play_into(&m.config, &m.dir, None, None)?;
        hands += run.tallies.stats.table_hands;
        let stats = &run.tallies.stats;
        for (seat, &bot) in m.seats.iter().enumerate() {
            tallies[bot] += &stats.seats[seat];
            for (t, p) in by_position[bot].iter_mut().zip(&stats.positions[seat]) {
                *t += p;
            }
        }
        for (bot, why) in &run.info.bot_faults {
            faults.push(format!(
                "error: {bot} {why} in {}: its results are not its own; see {}",
                m.dir.display(),
                m.dir.join("bots").display()
            ));
        }
        let file = m.dir.join("blocks.csv");
        let rows = read_blocks(&file, &run.info, |_| true)?;
        let of = |seat: usize| -> Vec<(u64, f64)> {
            let name = m.config.lineup[seat].name();
            rows.iter()
                .filter(|r| r.bot == name)
                .map(|r| (r.seat_hands, r.allin_adj_bb))
                .collect()
        };
        played.push(TableBlocks {
            seats: m.seats.clone(),
            blocks: (0..m.seats.len()).map(of).collect(),
        });
        // The last run's ranking is the summary's.
        if args.watch
            && played.len() < runs
            && last_watch.is_none_or(|t| t.elapsed() >= WATCH_EVERY)
        {
            last_watch = Some(Instant::now());
            let text = standings(format, &names, &played, runs, hands, seed, started);
            // A closed stderr only loses the ranking, never the league.
            let _ = std::io::Write::write_all(&mut std::io::stderr(), text.as_bytes());
        }
    }
    let bots = names.len();
    let pairwise = pairwise_of(format, bots, &played);
    let field = crate::league::field_blocks(bots, &played)
        .iter()
        .zip(&names)
        .map(|(blocks, name)| Cell::of(blocks, name))
        .collect::<Result<Vec<Cell>, _>>()?;
    let table = Crosstable::new(names, &pairwise)?;
    let ratings = crate::league::ratings(bots, &pairwise, seed);
    let (format_name, title, rating) = match format {
        Format::HeadsUp => (
            "heads-up".to_string(),
            format!(
                "heads-up league, seed {seed}, {} duplicate deals a match",
                args.hands
            ),
            "Bradley-Terry on blocks won, one virtual draw per pair, Elo scale, field mean 0; 95% percentile bootstrap over blocks",
        ),
        Format::Table(k) => (
            format!("table:{k}"),
            format!(
                "{k}-handed league, seed {seed}, {} deals in each of {} seat orders a table",
                args.hands,
                seat_orders(k).len()
            ),
            "Bradley-Terry on blocks done better than the other bot at the same tables, one virtual draw per pair, Elo scale, field mean 0; 95% percentile bootstrap over blocks",
        ),
    };
    let info = LeagueInfo {
        command: crate::run_info::command_line(),
        format: format_name,
        bots: &table.bots,
        seed,
        deals_per_run: args.hands,
        block_deals: args.block_deals,
        metric: match format {
            Format::HeadsUp => "all-in-adjusted bb/100, duplicate deals",
            Format::Table(_) => {
                "all-in-adjusted bb/100, every seat order of the design on the same deals"
            }
        },
        rating,
        bootstrap_replicates: BOOTSTRAP_REPLICATES,
        runs: matches
            .iter()
            .map(|m| {
                m.dir
                    .strip_prefix(&out)
                    .unwrap_or(&m.dir)
                    .display()
                    .to_string()
            })
            .collect(),
    };
    let big_blind = matches
        .first()
        .map_or(1, |m| m.config.stakes.big_blind_chips);
    let named = |i: usize| table.bots[i].as_str();
    let tracker: Vec<(&str, Tally)> = (0..bots).map(|i| (named(i), tallies[i])).collect();
    let positions: Vec<(&str, ByPosition)> =
        (0..bots).map(|i| (named(i), by_position[i])).collect();
    let files: [(&str, Result<Vec<u8>, String>); 7] = [
        ("league.csv", league_csv(&table)),
        (
            crate::report::TRACKER_FILE,
            csv_bytes(tracker_rows_of(&tracker)),
        ),
        (
            crate::report::POSITIONS_FILE,
            csv_bytes(position_rows_of(&positions, big_blind)),
        ),
        ("field.csv", field_csv(&table, &field)),
        ("ratings.csv", ratings_csv(&table, &field, &ratings)),
        (
            "crosstable.svg",
            draw_crosstable(&table, &title, format.cell_meaning())
                .map(String::into_bytes)
                .map_err(|e| e.to_string()),
        ),
        (
            "league.json",
            serde_json::to_vec_pretty(&info).map_err(|e| e.to_string()),
        ),
    ];
    for (name, bytes) in files {
        let path = out.join(name);
        let bytes = bytes.map_err(|e| failed(format!("cannot write {}: {e}", path.display())))?;
        write_atomically(&out, name, &bytes)
            .map_err(|e| failed(format!("cannot write {}: {e}", path.display())))?;
    }
    let mut text = summary(format, &table, &field, &ratings, args.block_deals);
    text += &format!(
        "{} runs, {hands} hands in {:.1} s; wrote {}\n",
        matches.len(),
        started.elapsed().as_secs_f64(),
        out.display()
    );
    for f in &faults {
        text += f;
        text.push('\n');
    }
    print_stdout(&text)?;
    Ok(if faults.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_heads_up_or_table_k_or_refused_with_what_is_allowed() {
        assert_eq!(format_of("heads-up").unwrap(), Format::HeadsUp);
        assert_eq!(format_of("table:3").unwrap(), Format::Table(3));
        assert_eq!(format_of("table:10").unwrap(), Format::Table(10));
        for (text, needle) in [
            ("table:1", "from 3 to 10"),
            ("table:11", "from 3 to 10"),
            ("table:x", "from 3 to 10"),
            ("round-robin", "give heads-up or table:K"),
        ] {
            let e = format_of(text).unwrap_err();
            assert_eq!(e.exit_code(), 2);
            assert!(e.to_string().contains(needle), "{text}: {e}");
        }
    }
}
