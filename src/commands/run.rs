//! `holdem-arena run`: play hands between bots and write `bots.csv`, `seats.csv`,
//! `blocks.csv` and `run.json` (and, when asked, PHH hand histories).

use super::{CommandError, TableArgs, failed, interrupted, print_stdout, usage};
use crate::config::{Lineup, RunConfig, RunSettings};
use crate::history::Sample;
use crate::report;
use crate::run_info::RunInfo;
use crate::sim;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Options of `holdem-arena run`.
#[derive(clap::Args, Debug)]
pub struct RunArgs {
    /// Comma-separated bots, seat 0 first (2 to 10 seats): built-in names (see
    /// `holdem-arena bots`), `exec:COMMAND` (an Open Poker bot speaking JSON lines on
    /// stdin/stdout) or `exec-claw:COMMAND` (a Claw Poker bot).
    #[arg(long, default_value = crate::config::DEFAULT_LINEUP)]
    pub bots: String,
    /// Seconds an external bot has for each action before it is auto-folded (or
    /// auto-checked when checking is free).
    /// [default: 10, or the --table preset's: 120 for openpoker]
    #[arg(long)]
    pub action_timeout: Option<f64>,
    /// Hands to play (at least 1).
    #[arg(long, default_value_t = 1_000_000)]
    pub hands: u64,
    /// Run seed; picked at random and printed when absent.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: one per CPU core).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Blinds, ante and stacks.
    #[command(flatten)]
    pub table: TableArgs,
    /// Output folder (default: results/seed-SEED).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Duplicate deals: play every deal once per rotation of the line-up around the
    /// table (heads-up: both sides of each deal); --hands then counts deals.
    #[arg(long)]
    pub duplicate: bool,
    /// Deals per block of blocks.csv.
    #[arg(long, default_value_t = crate::blocks::DEFAULT_BLOCK_DEALS)]
    pub block_deals: u64,
    /// Skip the all-in adjustment (faster with line-ups that often go all-in before
    /// the river; the allin_adj_* columns stay empty).
    #[arg(long)]
    pub no_allin_adjust: bool,
    /// Write the sampled hands as PHH hand histories to this `.phhs` file (needs
    /// --history-every or --history-hands).
    #[arg(long, value_name = "FILE")]
    pub hand_histories: Option<PathBuf>,
    /// With --hand-histories: write every K-th hand (hand indices 0, K, 2K, ...).
    #[arg(long, value_name = "K")]
    pub history_every: Option<u64>,
    /// With --hand-histories: write the first N hands.
    #[arg(long, value_name = "N")]
    pub history_hands: Option<u64>,
    /// Keep the results and exit 0 even when a bot behind a wire crashed or timed out
    /// on more than 1% of its decisions (by default such a run says so and exits 1).
    #[arg(long)]
    pub allow_bot_faults: bool,
}

/// Checks `args` and turns them into a run configuration.
///
/// # Errors
/// Bad input naming the value and what is allowed.
pub fn config_from_args(args: &RunArgs, seed: u64) -> Result<RunConfig, CommandError> {
    let lineup = Lineup::parse(&args.bots).map_err(CommandError::from)?;
    let history = match (&args.hand_histories, args.history_every, args.history_hands) {
        (None, None, None) => None,
        (None, _, _) => {
            return Err(usage(
                "--history-every/--history-hands need --hand-histories FILE".into(),
            ));
        }
        (Some(_), Some(_), Some(_)) => {
            return Err(usage(
                "--history-every and --history-hands: give only one of them".into(),
            ));
        }
        (Some(_), Some(k), None) => Some(Sample::Every(k)),
        (Some(_), None, Some(n)) => Some(Sample::First(n)),
        (Some(path), None, None) => {
            return Err(usage(format!(
                "--hand-histories {}: say which hands with --history-every K or --history-hands N",
                path.display()
            )));
        }
    };
    RunConfig::new(RunSettings {
        lineup,
        deals: args.hands,
        seed,
        threads: args.threads,
        table: args.table.settings()?,
        duplicate: args.duplicate,
        block_deals: args.block_deals,
        allin_adjust: !args.no_allin_adjust,
        history,
        action_timeout_s: args.action_timeout,
    })
    .map_err(CommandError::from)
}

/// The files a run writes in its output folder (`blocks.csv` during the run).
const RUN_FILES: [&str; 5] = [
    "bots.csv",
    "seats.csv",
    "blocks.csv",
    "run.json",
    "depths.csv",
];

/// Creates the output folder and checks that files can be written in it and that no
/// result file would replace something other than a regular file.
fn prepare_out_dir(dir: &Path) -> Result<(), CommandError> {
    let unwritable = |e: std::io::Error| {
        usage(format!(
            "--out {}: cannot write there ({e}); give a writable folder",
            dir.display()
        ))
    };
    for name in RUN_FILES {
        let path = dir.join(name);
        crate::fs::check_replaceable(&path).map_err(|e| {
            usage(format!(
                "--out {}: {} cannot be written ({e}); give another folder",
                dir.display(),
                path.display()
            ))
        })?;
    }
    crate::fs::ensure_writable_dir(dir).map_err(unwritable)?;
    Ok(())
}

/// Checks the file of `--hand-histories` before a run, so bad input writes nothing.
fn prepare_histories(path: &Path) -> Result<(), CommandError> {
    let dir = crate::fs::parent_dir(path);
    if path.file_name().is_none() || path.is_dir() {
        return Err(usage(format!(
            "--hand-histories {}: give a file name, e.g. results/run/hands.phhs",
            path.display()
        )));
    }
    crate::fs::check_replaceable(path).map_err(|e| {
        usage(format!(
            "--hand-histories {}: {e}; give a file name, e.g. results/run/hands.phhs",
            path.display()
        ))
    })?;
    let unwritable = |e: std::io::Error| {
        usage(format!(
            "--hand-histories {}: cannot write there ({e})",
            path.display()
        ))
    };
    crate::fs::ensure_writable_dir(dir).map_err(unwritable)?;
    Ok(())
}

/// Where a run's streamed output goes: `blocks.csv`, and the hand histories file.
struct RunFiles {
    blocks: report::BlocksFile,
    histories: Option<(crate::fs::StreamedFile, Option<std::io::Error>)>,
}

impl sim::RunSink for RunFiles {
    fn block(&mut self, block: &crate::blocks::Blocks) {
        self.blocks.write(block);
    }

    fn histories(&mut self, bytes: &[u8]) {
        if let Some((file, error @ None)) = &mut self.histories
            && let Err(e) = file.write_all(bytes)
        {
            *error = Some(e);
        }
    }
}

/// Runs `holdem-arena run`.
///
/// # Errors
/// Exit 2 for bad input (nothing written); exit 1 when writing fails or a bot behind a
/// wire faulted (results written); 130 / 143 when stopped by a signal.
pub fn run(args: &RunArgs) -> Result<ExitCode, CommandError> {
    let seed = args.seed.unwrap_or_else(rand::random);
    let mut config = config_from_args(args, seed)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("results/seed-{seed}")));
    if let Some(path) = &args.hand_histories {
        prepare_histories(path)?;
    }
    prepare_out_dir(&out)?;
    #[cfg(unix)]
    crate::protocol::external::keep_stderr_logs(&mut config.lineup, &out.join("bots"))?;
    crate::interrupt::install()
        .map_err(|e| failed(format!("cannot install the Ctrl-C handler: {e}")))?;
    if args.seed.is_none() {
        print_stdout(&format!(
            "seed: {seed} (pass --seed {seed} to reproduce this run)\n"
        ))?;
    }

    let histories = match &args.hand_histories {
        None => None,
        Some(path) => Some((
            crate::fs::StreamedFile::create(path).map_err(|e| {
                failed(format!(
                    "--hand-histories {}: cannot write ({e})",
                    path.display()
                ))
            })?,
            None,
        )),
    };
    let mut files = RunFiles {
        blocks: report::BlocksFile::create(&out, &config)?,
        histories,
    };
    let control = sim::RunControl::default();
    let started = Instant::now();
    let total = config.hands_played();
    let (tallies, elapsed) = super::progress::watch(total, &control, || {
        let tallies = sim::run_deals_streaming(&config, 0, config.deals, &control, &mut files);
        (tallies, started.elapsed().as_secs_f64())
    });
    let tallies = match tallies {
        Ok(t) => t,
        Err(sim::RunError::Stopped { hands_done }) => return Err(interrupted(hands_done, total)),
        Err(e) => {
            return Err(failed(e.to_string()));
        }
    };
    if let Some((file, error)) = files.histories {
        let path = file.path().to_path_buf();
        error.map_or_else(|| file.finish(), Err).map_err(|e| {
            failed(format!(
                "--hand-histories {}: cannot write ({e})",
                path.display()
            ))
        })?;
    }

    let mut info = RunInfo::new(&config, elapsed);
    info.bot_faults = report::bot_faults(&config, &tallies.stats);
    files
        .blocks
        .finish()
        .and_then(|()| report::write_run(&out, &config, &tallies, &info))?;
    let rows = report::bot_rows(&config, &tallies);
    let mut text = report::summary_table(&rows);
    text += &report::fault_lines(&rows, &report::fault_notes(&config, &tallies));
    if config.stack_range.is_some() {
        text += &report::depth_lines(&report::depth_rows(&config, &tallies));
    }
    text += &format!(
        "{} hands in {elapsed:.2} s ({:.0} hands/s, {} threads); wrote {}\n",
        config.hands_played(),
        info.hands_per_second,
        config.threads,
        out.display()
    );
    for (bot, why) in &info.bot_faults {
        let verdict = if args.allow_bot_faults {
            "kept (--allow-bot-faults)"
        } else {
            "not its own (rerun with --allow-bot-faults to accept them)"
        };
        text += &format!(
            "{}: {bot} {why}: its results are {verdict}; see {}\n",
            if args.allow_bot_faults {
                "warning"
            } else {
                "error"
            },
            out.join("bots").display()
        );
    }
    print_stdout(&text)?;
    Ok(if info.bot_faults.is_empty() || args.allow_bot_faults {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
