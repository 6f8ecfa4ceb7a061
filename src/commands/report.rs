//! `holdem-arena report DIR`: one self-contained page, `DIR/report.html`, for a run
//! folder (`bots.csv`, `blocks.csv`, `run.json`; `tracker.csv`, `positions.csv`,
//! `depths.csv` and `latency.csv` when present) or a league folder (`league.json`, `ratings.csv`, `crosstable.svg`,
//! `field.csv`). Images are inline SVG, the style sheet inline CSS; the page fetches
//! nothing and runs no script. The HTML pieces are in [`crate::html`]; the win-rate
//! plot is `plot`'s ([`super::plot::winrate_svg`]), the crosstable the one `league`
//! wrote.

use super::{CommandError, print_stdout, usage};
use crate::html::{self, BadCsv, CsvTable};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `holdem-arena report` options.
#[derive(clap::Args, Clone, Debug)]
pub struct ReportArgs {
    /// A run folder (bots.csv, blocks.csv, run.json) or a league folder (league.json,
    /// ratings.csv, crosstable.svg, field.csv); report.html is written there.
    pub dir: PathBuf,
}

impl From<BadCsv> for CommandError {
    fn from(e: BadCsv) -> CommandError {
        usage(e.0)
    }
}

/// How a column of a page table is made from a CSV's columns.
enum Col {
    /// The field as it is.
    Text(&'static str),
    /// A number with this many decimals (`–` when empty).
    Num(&'static str, usize),
    /// `value ± half-width`, two decimals (`–` when empty).
    PlusMinus(&'static str, &'static str),
    /// The sum of whole-number columns.
    Sum(&'static [&'static str]),
    /// `[low, high]`, one decimal.
    Range(&'static str, &'static str),
    /// Whole-number columns joined with `/`.
    Slash(&'static [&'static str]),
}

/// The win-rate column: `bb_per_100 ± ci95_bb_per_100` (bots.csv, depths.csv,
/// field.csv).
const RATE: (&str, Col) = (
    "bb/100 ± 95% CI",
    Col::PlusMinus("bb_per_100", "ci95_bb_per_100"),
);

/// A page table from `t`: one column per `(heading, how)`.
///
/// # Errors
/// A missing column, or a field that is not a number where one is needed (file, line
/// and column named).
fn render(t: &CsvTable, cols: &[(&str, Col)]) -> Result<String, BadCsv> {
    let dash = || "–".to_string();
    let mut rows = Vec::with_capacity(t.rows.len());
    for r in 0..t.rows.len() {
        let mut row = Vec::with_capacity(cols.len());
        for (_, how) in cols {
            let num = |name: &str| t.number(r, t.column(name)?);
            let cell = match how {
                Col::Text(name) => t.rows[r][t.column(name)?].clone(),
                Col::Num(name, d) => num(name)?.map_or_else(dash, |x| format!("{x:.d$}")),
                Col::PlusMinus(v, ci) => match (num(v)?, num(ci)?) {
                    (Some(v), Some(ci)) => format!("{v:+.2} ± {ci:.2}"),
                    _ => dash(),
                },
                Col::Sum(names) => {
                    let mut sum = 0.0;
                    for n in *names {
                        sum += num(n)?.unwrap_or(0.0);
                    }
                    format!("{sum:.0}")
                }
                Col::Range(lo, hi) => match (num(lo)?, num(hi)?) {
                    (Some(lo), Some(hi)) => format!("[{lo:+.1}, {hi:+.1}]"),
                    _ => dash(),
                },
                Col::Slash(names) => {
                    let mut parts = Vec::with_capacity(names.len());
                    for n in *names {
                        parts.push(num(n)?.map_or_else(dash, |x| format!("{x:.0}")));
                    }
                    parts.join("/")
                }
            };
            row.push(cell);
        }
        rows.push(row);
    }
    let headings: Vec<&str> = cols.iter().map(|(h, _)| *h).collect();
    let numeric: Vec<bool> = cols
        .iter()
        .map(|(_, how)| !matches!(how, Col::Text(_)))
        .collect();
    Ok(html::table(&headings, &numeric, &rows))
}

/// Reads `dir/name` as a CSV table.
fn read_csv(dir: &Path, name: &str) -> Result<CsvTable, BadCsv> {
    CsvTable::read(&dir.join(name))
}

/// The tracker statistics and by-position sections, from `tracker.csv` and
/// `positions.csv` where the folder has them (run and league folders alike).
fn tracker_sections(dir: &Path) -> Result<Vec<String>, BadCsv> {
    let mut sections = Vec::new();
    if let Some(body) = tracker_table(dir)? {
        sections.push(html::section(
            "Tracker statistics",
            "From tracker.csv: percent of opportunities [its 95% Wilson interval], and the opportunities in hands; definitions as PokerTracker 4 gives them (README, Output files); – where a bot never had the opportunity.",
            &body,
        ));
    }
    if let Some(body) = positions_table(dir)? {
        sections.push(html::section(
            "By position",
            "From positions.csv: each bot's bb/100 ± 95% interval (over hands) and hands, by position.",
            &body,
        ));
    }
    Ok(sections)
}

/// `tracker.csv` as a table of bots by statistics, each cell `percent [low–high]` over
/// `of opportunities`;
/// `None` without the file (a run from before it existed).
fn tracker_table(dir: &Path) -> Result<Option<String>, BadCsv> {
    let name = crate::report::TRACKER_FILE;
    if !dir.join(name).exists() {
        return Ok(None);
    }
    let t = read_csv(dir, name)?;
    let [bot, statistic, percent, low, high, opportunities] = [
        "bot",
        "statistic",
        "percent",
        "ci95_low_percent",
        "ci95_high_percent",
        "opportunities",
    ]
    .map(|c| t.column(c));
    let (bot, statistic, opportunities) = (bot?, statistic?, opportunities?);
    let (percent, low, high) = (percent?, low?, high?);
    let cell = |r: usize| -> Result<String, BadCsv> {
        let n = t.number(r, opportunities)?.unwrap_or(0.0);
        if n == 0.0 {
            return Ok("–".into());
        }
        let num = |c| t.number(r, c).map(|x| x.unwrap_or(0.0));
        Ok(format!(
            "{:.1}%\n[{:.1}–{:.1}]\nof {n}",
            num(percent)?,
            num(low)?,
            num(high)?
        ))
    };
    pivot(&t, bot, statistic, &cell).map(Some)
}

/// `positions.csv` as a table of bots by positions, each cell `bb/100 ± ci` over the
/// hands;
/// `None` without the file.
fn positions_table(dir: &Path) -> Result<Option<String>, BadCsv> {
    let name = crate::report::POSITIONS_FILE;
    if !dir.join(name).exists() {
        return Ok(None);
    }
    let t = read_csv(dir, name)?;
    let (bot, position) = (t.column("bot")?, t.column("position")?);
    let (rate, ci, hands) = (
        t.column("bb_per_100")?,
        t.column("ci95_bb_per_100")?,
        t.column("hands")?,
    );
    let cell = |r: usize| -> Result<String, BadCsv> {
        let num = |c| t.number(r, c).map(|x| x.unwrap_or(0.0));
        Ok(format!(
            "{:+.1} ± {:.1}\n{} hands",
            num(rate)?,
            num(ci)?,
            num(hands)?
        ))
    };
    pivot(&t, bot, position, &cell).map(Some)
}

/// A long table (one row per bot and key) turned into one row per bot and one column
/// per key, both in the order of first appearance; missing cells are `–`.
fn pivot(
    t: &CsvTable,
    bot: usize,
    key: usize,
    cell: &dyn Fn(usize) -> Result<String, BadCsv>,
) -> Result<String, BadCsv> {
    let mut bots: Vec<&str> = Vec::new();
    let mut keys: Vec<&str> = Vec::new();
    for row in &t.rows {
        if !bots.contains(&row[bot].as_str()) {
            bots.push(&row[bot]);
        }
        if !keys.contains(&row[key].as_str()) {
            keys.push(&row[key]);
        }
    }
    let mut cells = vec![vec!["–".to_string(); keys.len() + 1]; bots.len()];
    for (b, name) in bots.iter().enumerate() {
        cells[b][0] = name.to_string();
    }
    for (r, row) in t.rows.iter().enumerate() {
        let b = bots.iter().position(|&x| x == row[bot]).unwrap_or(0);
        let k = keys.iter().position(|&x| x == row[key]).unwrap_or(0);
        cells[b][k + 1] = cell(r)?;
    }
    let headings: Vec<&str> = std::iter::once("bot").chain(keys.iter().copied()).collect();
    let numeric: Vec<bool> = headings.iter().map(|&h| h != "bot").collect();
    Ok(html::table(&headings, &numeric, &cells))
}

/// A JSON file's top-level fields as a settings table (nested values as compact JSON).
fn settings_table(file: &Path) -> Result<String, CommandError> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| usage(format!("cannot read {} ({e})", file.display())))?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| usage(format!("{}: not valid JSON ({e})", file.display())))?;
    let serde_json::Value::Object(fields) = value else {
        return Err(usage(format!(
            "{}: not a JSON object of settings",
            file.display()
        )));
    };
    let rows: Vec<Vec<String>> = fields
        .iter()
        .map(|(k, v)| {
            let v = match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            vec![k.clone(), v]
        })
        .collect();
    Ok(html::table(&["setting", "value"], &[], &rows))
}

/// The sections of a run folder's page.
fn run_sections(dir: &Path) -> Result<(String, Vec<String>), CommandError> {
    let info = crate::run_info::RunInfo::read(dir)?;
    let bots = read_csv(dir, "bots.csv")?;
    let summary = render(
        &bots,
        &[
            ("bot", Col::Text("bot")),
            ("seats", Col::Text("seats")),
            ("hands", Col::Num("hands", 0)),
            RATE,
            (
                "all-in adj bb/100 ± 95% CI",
                Col::PlusMinus("allin_adj_bb_per_100", "allin_adj_ci95_bb_per_100"),
            ),
            ("VPIP %", Col::Num("vpip", 1)),
            ("PFR %", Col::Num("pfr", 1)),
            ("AF", Col::Num("aggression_factor", 2)),
            ("WTSD %", Col::Num("wtsd", 1)),
            ("W$SD %", Col::Num("w_sd", 1)),
            (
                "faults",
                Col::Sum(&["invalid_actions", "timeouts", "rejected_actions", "crashes"]),
            ),
        ],
    )?;
    let mut sections = vec![html::section(
        "Summary",
        "From bots.csv: one row per bot, all its seats; hands count each seat; adj = all-in adjusted, the rate to trust when bots go all-in; faults = invalid actions + timeouts + rejected actions + crashes.",
        &summary,
    )];
    if !info.bot_faults.is_empty() {
        let rows: Vec<Vec<String>> = info
            .bot_faults
            .iter()
            .map(|(b, why)| vec![b.clone(), why.clone()])
            .collect();
        sections.push(html::section(
            "Bots whose results are not their own",
            "From run.json.",
            &html::table(&["bot", "why"], &[], &rows),
        ));
    }
    let plot = if info.blocks() < 2 {
        // One block has no interval to draw: say so in the page.
        format!(
            "<p class=\"note\">No plot: the run has {} block of {} deals, and an interval needs at least 2 (rerun with a smaller --block-deals).</p>\n",
            info.blocks(),
            info.block_deals
        )
    } else {
        html::inline_svg(
            &dir.join("blocks.csv"),
            &super::plot::winrate_svg(dir, false)?,
        )?
    };
    sections.push(html::section(
        "Win rate over hands",
        "Each bot's bb/100 as the hands add up, with its 95% interval over blocks (from blocks.csv, as `holdem-arena plot` draws it).",
        &plot,
    ));
    sections.extend(tracker_sections(dir)?);
    if dir.join("depths.csv").exists() {
        let depths = read_csv(dir, "depths.csv")?;
        let body = render(
            &depths,
            &[
                ("bot", Col::Text("bot")),
                ("effective stack (bb)", Col::Text("effective_stack_bb")),
                ("hands", Col::Num("hands", 0)),
                RATE,
            ],
        )?;
        sections.push(html::section(
            "By effective stack",
            "From depths.csv: each bot's results by the effective stack at the start of the hand.",
            &body,
        ));
    }
    let latency_file = crate::report::LATENCY_FILE;
    if dir.join(latency_file).exists() {
        let latency = read_csv(dir, latency_file)?;
        let body = render(
            &latency,
            &[
                ("bot", Col::Text("bot")),
                ("decisions", Col::Num("decisions", 0)),
                ("median ms", Col::Num("latency_p50_ms", 2)),
                ("p99 ms", Col::Num("latency_p99_ms", 2)),
                ("max ms", Col::Num("latency_max_ms", 2)),
            ],
        )?;
        sections.push(html::section(
            "Decision latency",
            "From latency.csv: bots behind a wire (wall-clock times, not reproducible).",
            &body,
        ));
    }
    sections.push(html::section(
        "Settings",
        "From run.json: the settings that produced this run (`--seed` with seed_string replays it).",
        &settings_table(&dir.join("run.json"))?,
    ));
    let subtitle = format!(
        "run of {} — seed {}, {} hands, blinds {}/{} chips",
        info.lineup.join(", "),
        info.seed_string,
        info.hands_played,
        info.small_blind_chips,
        info.big_blind_chips
    );
    Ok((subtitle, sections))
}

/// The sections of a league folder's page.
fn league_sections(dir: &Path) -> Result<(String, Vec<String>), CommandError> {
    let ratings = read_csv(dir, "ratings.csv")?;
    let ratings_html = render(
        &ratings,
        &[
            ("rank", Col::Num("rank", 0)),
            ("bot", Col::Text("bot")),
            ("Elo", Col::Num("elo", 1)),
            ("95% interval", Col::Range("elo_ci95_low", "elo_ci95_high")),
            (
                "blocks won/drawn/lost",
                Col::Slash(&["blocks_won", "blocks_drawn", "blocks_lost"]),
            ),
            (
                "bb/100 vs field ± 95% CI",
                Col::PlusMinus("field_bb_per_100", "field_ci95_bb_per_100"),
            ),
        ],
    )?;
    let svg_file = dir.join("crosstable.svg");
    let svg = std::fs::read_to_string(&svg_file)
        .map_err(|e| usage(format!("cannot read {} ({e})", svg_file.display())))?;
    let crosstable = html::inline_svg(&svg_file, &svg)?;
    let field = read_csv(dir, "field.csv")?;
    let field_html = render(
        &field,
        &[
            ("bot", Col::Text("bot")),
            ("hands", Col::Num("hands", 0)),
            ("blocks", Col::Num("blocks", 0)),
            RATE,
            ("excludes 0", Col::Text("excludes_zero")),
        ],
    )?;
    let league_json = dir.join("league.json");
    let settings = settings_table(&league_json)?;
    let bot_list = |t: &CsvTable| -> Result<Vec<String>, BadCsv> {
        let c = t.column("bot")?;
        Ok(t.rows.iter().map(|r| r[c].clone()).collect())
    };
    let subtitle = format!("league of {}", bot_list(&field)?.join(", "));
    let mut sections = vec![
        html::section(
            "Ratings",
            "From ratings.csv: Bradley–Terry ratings on the Elo scale (field mean 0) with 95% intervals; the last column is each bot's bb/100 over all its hands.",
            &ratings_html,
        ),
        html::section(
            "Crosstable",
            "From crosstable.svg: the row bot's bb/100 against the column bot ± 95% interval; * the interval excludes 0.",
            &crosstable,
        ),
        html::section(
            "Field",
            "From field.csv: each bot's result over all its runs.",
            &field_html,
        ),
    ];
    sections.extend(tracker_sections(dir)?);
    sections.push(html::section(
        "Settings",
        "From league.json: how the league was played.",
        &settings,
    ));
    Ok((subtitle, sections))
}

/// The `command` recorded in the folder's league.json or run.json, if any (files
/// written before it was recorded have none).
fn recorded_command(dir: &Path) -> Option<String> {
    ["league.json", "run.json"].iter().find_map(|f| {
        let text = std::fs::read_to_string(dir.join(f)).ok()?;
        let value: serde_json::Value = serde_json::from_str(&text).ok()?;
        value["command"]
            .as_str()
            .filter(|c| !c.is_empty())
            .map(str::to_string)
    })
}

/// Runs `holdem-arena report`: writes `DIR/report.html` atomically and prints its path.
///
/// # Errors
/// Exit code 2 with one line: a folder that is neither a run folder nor a league
/// folder (naming it and the files each needs), an unreadable or malformed file
/// (naming it, and the line for a CSV), an unwritable folder (exit 1).
pub fn report(args: &ReportArgs) -> Result<ExitCode, CommandError> {
    let dir = &args.dir;
    let (title, (subtitle, sections)) = if dir.join("league.json").is_file() {
        ("holdem-arena league report", league_sections(dir)?)
    } else if dir.join("run.json").is_file() && dir.join("bots.csv").is_file() {
        ("holdem-arena run report", run_sections(dir)?)
    } else {
        return Err(usage(format!(
            "{}: neither a run folder (needs bots.csv, blocks.csv and run.json) nor a league folder (needs league.json, ratings.csv, crosstable.svg and field.csv)",
            dir.display()
        )));
    };
    let mut sections = sections;
    if let Some(command) = recorded_command(dir) {
        sections.insert(
            0,
            html::section(
                "Command",
                "The command that produced these files.",
                &format!("<pre><code>{}</code></pre>", html::escape(&command)),
            ),
        );
    }
    let page = html::page(title, &subtitle, &sections);
    let out = dir.join("report.html");
    crate::fs::write_file_atomically(&out, page.as_bytes())
        .map_err(|e| crate::fs::WriteError::new(&out, e))?;
    print_stdout(&format!("wrote {}\n", out.display()))?;
    Ok(ExitCode::SUCCESS)
}
