//! `holdem-arena run`: play hands between bots and write `bots.csv`, `seats.csv`,
//! `blocks.csv` and `run.json` (and, when asked, PHH hand histories).
//!
//! With `--shard I/N` (or `--shard auto`, from a Slurm job array or a Kubernetes
//! Indexed Job) it plays only shard `I` of `N` of the run ([`Shard`]): the same deals
//! as the run played whole, written to the shard's own folder with its exact sums
//! (`totals.json`, [`crate::totals`]) for `merge` to join.

use super::{CommandError, TableArgs, failed, interrupted, print_stdout, usage};
use crate::config::{Lineup, RunConfig, RunSettings, Shard};
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
    /// `holdem-arena bots`), `ws:COMMAND` (an Open Poker bot that connects to the run's
    /// WebSocket server, URL and key in OPENPOKER_WS_URL and OPENPOKER_API_KEY),
    /// `ws-claw:COMMAND` (a Claw Poker one: CLAW_WS_URL, CLAW_AGENT_ID, CLAW_SECRET),
    /// `exec:COMMAND` (Open Poker as JSON lines on stdin/stdout) or `exec-claw:COMMAND`.
    #[arg(long, default_value = crate::config::DEFAULT_LINEUP)]
    pub bots: String,
    /// Seconds an external bot has for each action before it is auto-folded (or
    /// auto-checked when checking is free).
    /// [default: 10, or the --table preset's: 120 for openpoker]
    #[arg(long)]
    pub action_timeout: Option<f64>,
    /// Seconds a `ws:` bot whose connection dropped keeps its seat (its turns time out
    /// meanwhile); after that it is written off.
    #[arg(long, value_name = "SECONDS", default_value_t = 120.0)]
    pub reconnect_window: f64,
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
    /// table (`rotations`, the default; heads-up: both sides of each deal) or once per
    /// seat order of the league's design (`permutations`: all 6 orders in 3-max, 24 in
    /// 4-max, from 5 seats every rotation of a design balanced for neighbours around
    /// the table: k·(k−1) orders, 60 in 6-max), the bots changing seats and the cards
    /// keeping their positions; --hands then counts deals.
    #[arg(
        long,
        value_enum,
        value_name = "MODE",
        num_args = 0..=1,
        default_missing_value = "rotations"
    )]
    pub duplicate: Option<crate::config::DuplicateMode>,
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
    /// Play only shard INDEX of COUNT of the run (its whole blocks, the same deals as
    /// the run played at once) and write what `merge` needs to join the shards; `auto`
    /// takes them from a Slurm job array (SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT,
    /// SLURM_ARRAY_TASK_MIN) or, with --shards, a Kubernetes Indexed Job
    /// (JOB_COMPLETION_INDEX).
    #[arg(long, value_name = "INDEX/COUNT|auto")]
    pub shard: Option<String>,
    /// With --shard auto: the shard count, the index then being JOB_COMPLETION_INDEX or
    /// SLURM_ARRAY_TASK_ID as it is (so that one failed array task can be resubmitted
    /// alone).
    #[arg(long, value_name = "COUNT")]
    pub shards: Option<u64>,
}

/// The variables a scheduler sets that `--shard auto` reads.
pub const SHARD_VARIABLES: [&str; 4] = [
    "SLURM_ARRAY_TASK_ID",
    "SLURM_ARRAY_TASK_COUNT",
    "SLURM_ARRAY_TASK_MIN",
    "JOB_COMPLETION_INDEX",
];

/// The shard's index and count from `--shard` and `--shards`, reading the scheduler's
/// variables through `var` for `--shard auto`:
/// - `JOB_COMPLETION_INDEX` (a Kubernetes Indexed Job, which does not say its
///   completions): the index, with `--shards` the count;
/// - `SLURM_ARRAY_TASK_ID` (a Slurm job array): with `--shards`, the index as it is
///   (number the array from 0; a task resubmitted alone, `sbatch --array=5`, keeps its
///   index); without, the index counts from `SLURM_ARRAY_TASK_MIN` and the count is
///   `SLURM_ARRAY_TASK_COUNT`.
///
/// `None` without `--shard`.
///
/// # Errors
/// Exit 2 naming the option or variable: `--shards` without `--shard auto`, `auto`
/// with neither variable set (or both), a variable that is not a whole number, or
/// Kubernetes without `--shards`. The index's range is checked by [`Shard::new`].
pub fn shard_of_args(
    shard: Option<&str>,
    shards: Option<u64>,
    var: impl Fn(&str) -> Option<String>,
) -> Result<Option<(u64, u64)>, CommandError> {
    let Some(text) = shard else {
        return match shards {
            None => Ok(None),
            Some(n) => Err(usage(format!(
                "--shards {n} goes with --shard auto; give --shard auto --shards {n}, or --shard INDEX/{n}"
            ))),
        };
    };
    if text.trim() != "auto" {
        if let Some(n) = shards {
            return Err(usage(format!(
                "--shards {n} goes with --shard auto, not with --shard {text}: drop --shards"
            )));
        }
        return Ok(Some(Shard::parse(text)?));
    }
    let number = |name: &str| -> Result<Option<u64>, CommandError> {
        match var(name) {
            None => Ok(None),
            Some(v) => v.trim().parse::<u64>().map(Some).map_err(|_| {
                usage(format!(
                    "--shard auto: {name}={v:?} is not a whole number (is this a job array task?)"
                ))
            }),
        }
    };
    let slurm = number("SLURM_ARRAY_TASK_ID")?;
    let kubernetes = number("JOB_COMPLETION_INDEX")?;
    match (slurm, kubernetes, shards) {
        (Some(_), Some(_), _) => Err(usage(
            "--shard auto: both SLURM_ARRAY_TASK_ID and JOB_COMPLETION_INDEX are set; give --shard INDEX/COUNT".into(),
        )),
        (None, None, _) => Err(usage(
            "--shard auto: neither SLURM_ARRAY_TASK_ID (a Slurm job array) nor JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) is set; give --shard INDEX/COUNT".into(),
        )),
        (None, Some(_), None) => Err(usage(
            "--shard auto with JOB_COMPLETION_INDEX needs --shards COUNT (the Job's completions)".into(),
        )),
        (None, Some(index), Some(count)) | (Some(index), None, Some(count)) => {
            Ok(Some((index, count)))
        }
        (Some(id), None, None) => {
            let count = number("SLURM_ARRAY_TASK_COUNT")?.ok_or_else(|| {
                usage("--shard auto: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not; give --shards COUNT".into())
            })?;
            let min = number("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
            let index = id.checked_sub(min).ok_or_else(|| {
                usage(format!(
                    "--shard auto: SLURM_ARRAY_TASK_ID {id} is below SLURM_ARRAY_TASK_MIN {min}"
                ))
            })?;
            Ok(Some((index, count)))
        }
    }
}

/// Checks `args` and turns them into a run configuration.
///
/// # Errors
/// Bad input naming the value and what is allowed.
pub fn config_from_args(args: &RunArgs, seed: u64) -> Result<RunConfig, CommandError> {
    let mut lineup = Lineup::parse(&args.bots).map_err(CommandError::from)?;
    lineup.set_reconnect_window(super::reconnect_window(args.reconnect_window)?);
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

/// The files a run writes in its output folder (`blocks.csv` during the run; a shard
/// also [`crate::totals::FILE`]).
pub(crate) const RUN_FILES: [&str; 9] = [
    "bots.csv",
    "seats.csv",
    crate::report::TRACKER_FILE,
    crate::report::POSITIONS_FILE,
    "blocks.csv",
    "run.json",
    "depths.csv",
    crate::report::LATENCY_FILE,
    crate::totals::FILE,
];

/// Creates the output folder and checks that files can be written in it and that no
/// result file would replace something other than a regular file.
pub(crate) fn prepare_out_dir(dir: &Path) -> Result<(), CommandError> {
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

/// A run played into its output folder by [`play_into`].
pub(crate) struct Played {
    /// The run's merged tallies.
    pub tallies: sim::Totals,
    /// What `run.json` records (its bot faults filled in).
    pub info: RunInfo,
    /// Seconds the hands took.
    pub elapsed: f64,
}

/// Plays `config`'s deals (or `shard`'s) into the prepared folder `out` (see
/// [`prepare_out_dir`]): streams `blocks.csv` and, when given, the hand histories,
/// then writes `bots.csv`, `seats.csv`, `run.json` (and a shard's
/// [`crate::totals::FILE`]), each atomically. Shared by `run` and `league` (one run per
/// pair).
///
/// # Errors
/// 130 / 143 when stopped by a signal (nothing but what was streamed is left, and
/// that is removed); exit 1 when the run fails or a file cannot be written.
pub(crate) fn play_into(
    config: &RunConfig,
    out: &Path,
    shard: Option<Shard>,
    histories: Option<crate::fs::StreamedFile>,
) -> Result<Played, CommandError> {
    let (first, end) = shard.map_or((0, config.deals), |s| (s.first_deal, s.end_deal));
    let mut files = RunFiles {
        blocks: report::BlocksFile::create(out, config)?,
        histories: histories.map(|file| (file, None)),
    };
    let control = sim::RunControl::default();
    let started = Instant::now();
    let total = (end - first) * config.rotations() as u64 * config.hands_per_deal();
    let (tallies, elapsed) = super::progress::watch(total, &control, || {
        let tallies = sim::run_deals_streaming(config, first, end, &control, &mut files);
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

    let mut info = match shard {
        None => RunInfo::new(config, elapsed),
        Some(s) => RunInfo::of_shard(config, s, elapsed),
    };
    info.bot_faults = report::bot_faults(config, &tallies.stats);
    if shard.is_none() {
        info.set_hands_played(tallies.stats.table_hands);
    }
    files.blocks.finish()?;
    if shard.is_some() {
        crate::totals::StoredTotals::of(&tallies).write(out)?;
    }
    report::write_run(out, config, &tallies, &info)?;
    Ok(Played {
        tallies,
        info,
        elapsed,
    })
}

/// Runs `holdem-arena run`.
///
/// # Errors
/// Exit 2 for bad input (nothing written); exit 1 when writing fails or a bot behind a
/// wire faulted (results written); 130 / 143 when stopped by a signal.
pub fn run(args: &RunArgs) -> Result<ExitCode, CommandError> {
    let shard = shard_of_args(args.shard.as_deref(), args.shards, |name| {
        std::env::var(name).ok()
    })?;
    if shard.is_some() && args.seed.is_none() {
        return Err(usage(
            "--shard needs --seed: every shard of a run plays the same seed".into(),
        ));
    }
    let seed = args.seed.unwrap_or_else(rand::random);
    let config = config_from_args(args, seed)?;
    let shard = shard
        .map(|(index, count)| Shard::new(index, count, config.deals, config.block_deals))
        .transpose()?;
    let out = args.out.clone().unwrap_or_else(|| match shard {
        None => PathBuf::from(format!("results/seed-{seed}")),
        Some(s) => PathBuf::from(format!(
            "results/seed-{seed}-shard-{}-of-{}",
            s.index, s.count
        )),
    });
    if let Some(path) = &args.hand_histories {
        prepare_histories(path)?;
    }
    play(
        config,
        &out,
        shard,
        args.hand_histories.as_deref(),
        args.allow_bot_faults,
        args.seed.is_none().then_some(seed),
    )
}

/// Plays `config` (its shard `shard`, or all of it) and writes its files to `out`,
/// the hand histories to `hand_histories`; prints the summary; `announce_seed`: the
/// seed to print first (it was picked at random).
///
/// # Errors
/// As [`run`].
pub fn play(
    mut config: RunConfig,
    out: &Path,
    shard: Option<Shard>,
    hand_histories: Option<&Path>,
    allow_bot_faults: bool,
    announce_seed: Option<u64>,
) -> Result<ExitCode, CommandError> {
    let out = out.to_path_buf();
    prepare_out_dir(&out)?;
    #[cfg(unix)]
    crate::protocol::external::keep_stderr_logs(&mut config.lineup, &out.join("bots"))?;
    crate::interrupt::install()
        .map_err(|e| failed(format!("cannot install the Ctrl-C handler: {e}")))?;
    if let Some(seed) = announce_seed {
        print_stdout(&format!(
            "seed: {seed} (pass --seed {seed} to reproduce this run)\n"
        ))?;
    }

    let histories = match hand_histories {
        None => None,
        Some(path) => Some(crate::fs::StreamedFile::create(path).map_err(|e| {
            failed(format!(
                "--hand-histories {}: cannot write ({e})",
                path.display()
            ))
        })?),
    };
    let Played {
        tallies,
        info,
        elapsed,
    } = play_into(&config, &out, shard, histories)?;
    let rows = report::bot_rows(&config, &tallies);
    let mut text = report::summary_table(
        &rows,
        config.duplicate == Some(crate::config::DuplicateMode::Permutations),
    );
    text += &report::fault_lines(&rows, &report::fault_notes(&config, &tallies));
    text += &report::session_lines(&rows);
    text += &report::latency_lines(&config, &report::latency_rows(&config, &tallies));
    if config.records_depths() {
        text += &report::depth_lines(&report::depth_rows(&config, &tallies));
    }
    let part = shard.map_or(String::new(), |s| {
        format!(
            " (shard {s}: deals {}..{} of {})",
            s.first_deal, s.end_deal, config.deals
        )
    });
    let total = tallies.stats.table_hands;
    text += &format!(
        "{total} hands{part} in {elapsed:.2} s ({:.0} hands/s, {} threads); wrote {}\n",
        info.hands_per_second,
        info.threads,
        out.display()
    );
    // Only a server's run comes back from a signal with results (graceful stop).
    if let Some(signal) = crate::interrupt::requested() {
        text += &format!(
            "stopped by {} after the hand in play: {total} of {} hands played; the files cover those\n",
            crate::interrupt::signal_name(signal),
            config.hands_played()
        );
    }
    for (bot, why) in &info.bot_faults {
        let verdict = if allow_bot_faults {
            "kept (--allow-bot-faults)"
        } else {
            "not its own (rerun with --allow-bot-faults to accept them)"
        };
        text += &format!(
            "{}: {bot} {why}: its results are {verdict}; see {}\n",
            if allow_bot_faults { "warning" } else { "error" },
            out.join("bots").display()
        );
    }
    print_stdout(&text)?;
    Ok(if info.bot_faults.is_empty() || allow_bot_faults {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `shard_of_args` with the scheduler's variables `vars` (name=value pairs).
    fn shard(
        shard: Option<&str>,
        shards: Option<u64>,
        vars: &[(&str, &str)],
    ) -> Result<Option<(u64, u64)>, String> {
        shard_of_args(shard, shards, |name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        })
        .map_err(|e| {
            assert_eq!(e.exit_code(), 2, "{e}");
            e.to_string()
        })
    }

    #[test]
    fn shard_auto_reads_slurm_arrays_and_kubernetes_indexed_jobs() {
        assert_eq!(shard(None, None, &[]), Ok(None));
        assert_eq!(shard(Some("3/64"), None, &[]), Ok(Some((3, 64))));
        let array = [
            ("SLURM_ARRAY_TASK_ID", "7"),
            ("SLURM_ARRAY_TASK_COUNT", "8"),
            ("SLURM_ARRAY_TASK_MIN", "4"),
        ];
        // --array=4-11: the index counts from the array's first task.
        assert_eq!(shard(Some("auto"), None, &array), Ok(Some((3, 8))));
        // A task resubmitted alone (--array=7) keeps its index when --shards is given.
        let alone = [
            ("SLURM_ARRAY_TASK_ID", "7"),
            ("SLURM_ARRAY_TASK_COUNT", "1"),
            ("SLURM_ARRAY_TASK_MIN", "7"),
        ];
        assert_eq!(shard(Some("auto"), Some(64), &alone), Ok(Some((7, 64))));
        let job = [("JOB_COMPLETION_INDEX", "5")];
        assert_eq!(shard(Some("auto"), Some(16), &job), Ok(Some((5, 16))));

        let refused = |s, n, vars: &[(&str, &str)], needle: &str| {
            let e = shard(s, n, vars).unwrap_err();
            assert!(e.contains(needle), "{e}");
        };
        refused(Some("auto"), None, &[], "neither SLURM_ARRAY_TASK_ID");
        refused(Some("auto"), None, &job, "needs --shards COUNT");
        refused(
            Some("auto"),
            Some(4),
            &[("JOB_COMPLETION_INDEX", "x")],
            "\"x\" is not",
        );
        refused(
            Some("auto"),
            Some(4),
            &[("JOB_COMPLETION_INDEX", "1"), ("SLURM_ARRAY_TASK_ID", "1")],
            "both",
        );
        refused(
            Some("auto"),
            None,
            &[("SLURM_ARRAY_TASK_ID", "1")],
            "SLURM_ARRAY_TASK_COUNT is not",
        );
        refused(None, Some(4), &[], "--shards 4 goes with --shard auto");
        refused(Some("1/4"), Some(4), &[], "drop --shards");
        refused(Some("1-4"), None, &[], "give INDEX/COUNT");
    }
}
