//! `holdem-arena plot`: each bot's win rate as a run's hands add up, with its 95%
//! interval, drawn from the run's `blocks.csv` as an SVG image.
//!
//! The point after block `k` is the bot's win rate over blocks `0..=k` and the
//! half-width of its 95% interval, both from [`crate::verdict::BlockRate`] (the ratio estimator over
//! blocks that `merge` and the paired comparisons use), so the last point is the
//! run's result. The band shows how the estimate settled: where it narrows below the
//! differences between bots, more hands would not change the ranking. Drawing uses
//! the `plotters` crate (SVG backend).

use super::{CommandError, failed, usage};
use crate::blocks::{BlockRow, read_blocks};
use crate::fs::write_file_atomically;
use crate::run_info::RunInfo;
use crate::verdict::{RatioSums, normal_quantile};
use plotters::prelude::*;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `holdem-arena plot` options.
#[derive(clap::Args, Clone, Debug)]
pub struct PlotArgs {
    /// Run folder, with its blocks.csv and run.json.
    pub run: PathBuf,
    /// SVG file to write (default: RUN/winrate.svg).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Plot the all-in-adjusted results instead of the real ones.
    #[arg(long)]
    pub allin_adjusted: bool,
}

/// What the legend's interval is, said next to it: the table of `run` and `bots.csv`
/// estimate the spread over hands (or duplicate groups), the plot over blocks, so the
/// two 95% intervals differ a little (README, "Watching the estimate settle").
pub const LEGEND_INTERVAL: &str = "95% over blocks";

/// Most points drawn per bot (the curve is sampled evenly over the blocks).
pub const MAX_POINTS: usize = 400;

/// One point of a bot's curve.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CurvePoint {
    /// Table hands played up to and including this block.
    pub hands: u64,
    /// The bot's win rate over those hands, bb/100.
    pub bb_per_100: f64,
    /// Half-width of its 95% interval, bb/100 (infinite before the second block).
    pub ci95_bb_per_100: f64,
}

/// Each bot's curve, bots in `bots` order: at most [`MAX_POINTS`] points, the last one
/// after the last block. `rows` are a run's `blocks.csv` rows (blocks in order).
pub fn curves(bots: &[&str], rows: &[BlockRow], allin_adjusted: bool) -> Vec<Vec<CurvePoint>> {
    let z = normal_quantile(0.975);
    bots.iter()
        .map(|bot| {
            let mine: Vec<&BlockRow> = rows.iter().filter(|r| r.bot == *bot).collect();
            let n = mine.len();
            let step = n.div_ceil(MAX_POINTS).max(1);
            let mut hands = 0;
            let mut sums = RatioSums::default();
            let mut points = Vec::with_capacity(n / step + 1);
            for (k, row) in mine.iter().enumerate() {
                hands += row.hands;
                let bb = if allin_adjusted {
                    row.allin_adj_bb
                } else {
                    row.net_bb
                };
                sums.push(row.seat_hands, bb);
                if (k + 1) % step != 0 && k + 1 != n {
                    continue;
                }
                let rate = sums.rate();
                points.push(CurvePoint {
                    hands,
                    bb_per_100: rate.bb_per_100,
                    ci95_bb_per_100: z * rate.se_bb_per_100,
                });
            }
            points
        })
        .collect()
}

/// The y range to draw: every band from a tenth of the run on, and every rate.
fn y_range(curves: &[Vec<CurvePoint>]) -> (f64, f64) {
    let total = curves
        .iter()
        .filter_map(|c| c.last())
        .map(|p| p.hands)
        .max()
        .unwrap_or(0);
    let (mut lo, mut hi) = (0f64, 0f64);
    for p in curves.iter().flatten().filter(|p| p.hands * 10 >= total) {
        let ci = if p.ci95_bb_per_100.is_finite() {
            p.ci95_bb_per_100
        } else {
            0.0
        };
        lo = lo.min(p.bb_per_100 - ci);
        hi = hi.max(p.bb_per_100 + ci);
    }
    let pad = 0.05 * (hi - lo).max(1.0);
    (lo - pad, hi + pad)
}

/// Draws the curves as an SVG image (960 × 540 pixels).
fn draw(
    title: &str,
    y_label: &str,
    bots: &[&str],
    curves: &[Vec<CurvePoint>],
) -> Result<String, Box<dyn std::error::Error>> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (960, 540)).into_drawing_area();
        root.fill(&WHITE)?;
        let total = curves
            .iter()
            .filter_map(|c| c.last())
            .map(|p| p.hands)
            .max()
            .unwrap_or(1) as f64;
        let (lo, hi) = y_range(curves);
        // Early points lie far outside the range; plotters does not clip, so clamp.
        let clamp = |y: f64| y.clamp(lo, hi);
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 20))
            .margin(12)
            .margin_right(36)
            .x_label_area_size(40)
            .y_label_area_size(64)
            .build_cartesian_2d(0f64..total, lo..hi)?;
        chart
            .configure_mesh()
            .x_desc("hands")
            .y_desc(y_label)
            .x_label_formatter(&|x| format!("{x:.0}"))
            .draw()?;
        chart.draw_series(LineSeries::new([(0.0, 0.0), (total, 0.0)], BLACK.mix(0.5)))?;
        for (i, (bot, points)) in bots.iter().zip(curves).enumerate() {
            let color = Palette99::pick(i).to_rgba();
            let banded: Vec<&CurvePoint> = points
                .iter()
                .filter(|p| p.ci95_bb_per_100.is_finite())
                .collect();
            let upper = banded
                .iter()
                .map(|p| (p.hands as f64, clamp(p.bb_per_100 + p.ci95_bb_per_100)));
            let lower = banded
                .iter()
                .rev()
                .map(|p| (p.hands as f64, clamp(p.bb_per_100 - p.ci95_bb_per_100)));
            chart.draw_series(std::iter::once(Polygon::new(
                upper.chain(lower).collect::<Vec<_>>(),
                color.mix(0.15).filled(),
            )))?;
            let Some(last) = points.last() else { continue };
            let line = points.iter().map(|p| (p.hands as f64, clamp(p.bb_per_100)));
            chart
                .draw_series(LineSeries::new(line, color.stroke_width(2)))?
                .label(format!(
                    "{bot}: {:+.2} ± {:.2} ({})",
                    last.bb_per_100, last.ci95_bb_per_100, LEGEND_INTERVAL
                ))
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.4))
            .draw()?;
        root.present()?;
    }
    Ok(svg)
}

/// The win-rate plot of the run in `dir` as SVG text: each bot's curve from its
/// `blocks.csv` with its 95% band, titled with the run's line-up, seed, hands and
/// blinds (what `plot` writes and `report` inlines). `allin_adjusted` draws the
/// all-in-adjusted results instead of the real ones.
///
/// # Errors
/// Exit code 2 with one line naming the file and what is wrong: an unreadable or
/// malformed run.json or blocks.csv (including one that disagrees with its run.json or
/// holds no blocks, see [`crate::blocks::BlockCheck`]), a run too short for an interval
/// (one block); exit code 1 if drawing fails.
pub fn winrate_svg(dir: &Path, allin_adjusted: bool) -> Result<String, CommandError> {
    let run = RunInfo::read(dir)?;
    let file = dir.join("blocks.csv");
    let rows = read_blocks(&file, &run, |_| true)?;
    let bots = run.distinct_bots();
    let curves = curves(&bots, &rows, allin_adjusted);
    for (bot, curve) in bots.iter().zip(&curves) {
        let last = curve.last().copied().unwrap_or(CurvePoint {
            hands: 0,
            bb_per_100: f64::NAN,
            ci95_bb_per_100: f64::NAN,
        });
        if !(last.bb_per_100.is_finite() && last.ci95_bb_per_100.is_finite()) {
            return Err(usage(format!(
                "{}: {} block{} of {} deals: {bot}'s 95% interval is not a finite number (an interval needs at least 2 blocks); rerun with a smaller --block-deals",
                file.display(),
                run.blocks(),
                if run.blocks() == 1 { "" } else { "s" },
                run.block_deals
            )));
        }
    }
    let hands: u64 = rows
        .iter()
        .filter(|r| Some(&r.bot.as_str()) == bots.first())
        .map(|r| r.hands)
        .sum();
    let title = format!(
        "{} — seed {}, {hands} hands{}, blinds {}/{} chips",
        run.lineup.join(","),
        run.seed,
        match run.duplicate_mode() {
            None => "",
            Some(crate::config::DuplicateMode::Rotations) => " (duplicate)",
            Some(crate::config::DuplicateMode::Permutations) => " (duplicate, seat permutations)",
        },
        run.small_blind_chips,
        run.big_blind_chips
    );
    let y_label = format!(
        "{}bb/100 (95% interval over blocks of {} deals)",
        if allin_adjusted {
            "all-in-adjusted "
        } else {
            ""
        },
        run.block_deals
    );
    draw(&title, &y_label, &bots, &curves).map_err(|e| failed(format!("cannot draw the plot: {e}")))
}

/// Runs `holdem-arena plot`: writes the SVG atomically and prints its path.
///
/// # Errors
/// Those of [`winrate_svg`]; exit code 2 for an unwritable `--out`.
pub fn plot(args: &PlotArgs) -> Result<ExitCode, CommandError> {
    let svg = winrate_svg(&args.run, args.allin_adjusted)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| args.run.join("winrate.svg"));
    write_file_atomically(&out, svg.as_bytes())
        .map_err(|e| usage(format!("--out {}: cannot write there ({e})", out.display())))?;
    super::print_stdout(&format!("wrote {}\n", out.display()))?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(block: u64, bot: &str, net_bb: f64) -> BlockRow {
        BlockRow {
            block,
            first_deal: block * 10,
            deals: 10,
            hands: 10,
            bot: bot.into(),
            seat_hands: 10,
            net_chips: (net_bb * 20.0) as i64,
            net_bb,
            allin_adj_chips: 0.0,
            allin_adj_bb: 0.0,
        }
    }

    #[test]
    fn the_last_point_is_the_whole_run_and_points_are_sampled_evenly() {
        let blocks = 2 * MAX_POINTS + 2;
        let rows: Vec<BlockRow> = (0..blocks as u64)
            .flat_map(|b| {
                let x = if b % 2 == 0 { 3.0 } else { -1.0 };
                [row(b, "a", x), row(b, "b", -x)]
            })
            .collect();
        let c = curves(&["a", "b"], &rows, false);
        assert_eq!(c.len(), 2);
        // 802 blocks in steps of 3 (267 points), plus the last block.
        assert_eq!(c[0].len(), 268);
        assert_eq!(c[0][0].hands, 30);
        assert!(c[0][0].ci95_bb_per_100.is_finite());
        let last = c[0].last().unwrap();
        assert_eq!(last.hands, 10 * blocks as u64);
        // 401 blocks of +3 and 401 of -1 bb over 8,020 hands.
        let want = 100.0 * (401.0 * 3.0 - 401.0) / (10.0 * blocks as f64);
        assert!((last.bb_per_100 - want).abs() < 1e-9);
        assert!((c[1].last().unwrap().bb_per_100 + want).abs() < 1e-9);
        assert!(last.ci95_bb_per_100 > 0.0 && last.ci95_bb_per_100.is_finite());
        // The adjusted columns are all zero here.
        let adjusted = curves(&["a"], &rows, true);
        assert_eq!(adjusted[0].last().unwrap().bb_per_100, 0.0);
        let svg = draw("t", "bb/100", &["a", "b"], &c).unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("a: ") && svg.contains("b: "));
    }
}
