//! The command line: `run`, `compare`, `gate`, `bots` and `eval`. Definitions (clap derive) and the thin
//! glue from arguments to the runner and the reports.
//!
//! Exit codes: 0 success; 1 a run failed (I/O error, or `eval` read stdin badly);
//! 2 bad input (the message names the value and what is allowed; nothing is written).

use crate::bots;
use crate::cards::parse_cards;
use crate::config::known_bots;
use crate::config::{Lineup, RunConfig, RunSettings, TableSettings};
use crate::eval::evaluate;
use crate::history::{Sample, replay};
use crate::report::{self, RunInfo};
use crate::sim;
use clap::{Parser, Subcommand};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Seconds an external bot has for each action when `--action-timeout` is not given.
pub const DEFAULT_ACTION_TIMEOUT_S: f64 = crate::config::DEFAULT_ACTION_TIMEOUT.as_secs_f64();

pub use crate::config::DEFAULT_LINEUP;

/// holdem-arena: plays millions of No-Limit Hold'em hands between bots and reports
/// each bot's win rate (bb/100 with 95% confidence intervals).
#[derive(Parser, Debug)]
#[command(version = env!("HOLDEM_ARENA_VERSION"), about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Play hands between bots and write bots.csv, seats.csv and run.json.
    Run(RunArgs),
    /// Paired comparison: play --candidate and --baseline on the same seeds, deals and
    /// seats against --vs opponents; print the difference in bb/100 with its interval.
    Compare(crate::gate::GateArgs),
    /// CI gate: exit 0 when --candidate is not worse than the baseline by more than
    /// --margin bb/100, 1 when it is, 2 on bad input (SPRT or fixed-sample test).
    Gate(crate::gate::GateArgs),
    /// Merge runs of the same match made with other seeds: each bot's win rate and 95%
    /// interval over all their blocks (writes merged.csv).
    Merge(crate::merge::MergeArgs),
    /// Draw each bot's win rate as a run's hands add up, with its 95% interval, from
    /// the run's blocks.csv (writes RUN/winrate.svg).
    Plot(crate::plot::PlotArgs),
    /// Replay one hand of a run street by street (or, with --phh, in PHH).
    Replay(ReplayArgs),
    /// List the built-in bots, one per line.
    Bots,
    /// Write shell completions for SHELL to stdout, e.g. `holdem-arena completions
    /// bash > ~/.local/share/bash-completion/completions/holdem-arena`.
    Completions {
        /// The shell: bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
    /// Rank 5 to 7 card hands: from the arguments or, one hand per line, from stdin.
    /// Prints `strength<TAB>category<TAB>description` per hand.
    Eval {
        /// Hands such as "Ah Kd Qs Jh Tc 2d 3c" (one quoted argument each), or the
        /// cards of a single hand as separate arguments. Reads stdin when empty.
        cards: Vec<String>,
    },
    /// Play a registered bot over the wire: read Open Poker server messages as JSON
    /// lines on stdin (`table_joined`, `hand_start`, `your_turn`, ...) and write each
    /// `action` reply as one line on stdout, notes on stderr; exit 0 at end of input.
    /// `--bots 'exec:holdem-arena connect --bot tag'` plays a built-in bot through the
    /// protocol. With --url, play on an Open Poker WebSocket server instead: exit 0
    /// when it closes normally, 1 when it fails, closes abnormally or stays silent
    /// past --idle-limit.
    Connect {
        /// The registered bot to play (see `holdem-arena bots`).
        #[arg(long)]
        bot: String,
        /// Play on an Open Poker WebSocket server instead (`ws://HOST:PORT/ws`; no
        /// TLS in this build: reach wss:// servers through a local TLS proxy). The API
        /// key is read from `OPENPOKER_API_KEY`.
        #[arg(long)]
        url: Option<String>,
        /// Buy-in in chips sent with `join_lobby`, 1000 to 5000 (with --url; the
        /// server's default is 2000).
        #[arg(long, requires = "url", allow_hyphen_values = true)]
        buy_in: Option<String>,
        /// Seconds without any frame from the server (pongs to our pings included)
        /// before giving up with exit 1 (with --url).
        #[arg(long, requires = "url", allow_negative_numbers = true, default_value_t = crate::protocol::client::DEFAULT_IDLE_LIMIT_S)]
        idle_limit: f64,
    },
}

/// Options of `holdem-arena run`.
#[derive(clap::Args, Debug)]
pub struct RunArgs {
    /// Comma-separated bots, seat 0 first (2 to 10 seats): built-in names (see
    /// `holdem-arena bots`), `exec:COMMAND` (an Open Poker bot speaking JSON lines on
    /// stdin/stdout) or `exec-claw:COMMAND` (a Claw Poker bot).
    #[arg(long, default_value = DEFAULT_LINEUP)]
    pub bots: String,
    /// Seconds an external bot has for each action before it is auto-folded (or
    /// auto-checked when checking is free).
    #[arg(long, default_value_t = DEFAULT_ACTION_TIMEOUT_S)]
    pub action_timeout: f64,
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

/// The table's blinds, ante and starting stacks (shared by `run`, `replay`, `compare`
/// and `gate`).
#[derive(clap::Args, Debug, Clone)]
pub struct TableArgs {
    /// Small blind in chips.
    #[arg(long, default_value_t = 10)]
    pub small_blind: u32,
    /// Big blind in chips.
    #[arg(long, default_value_t = 20)]
    pub big_blind: u32,
    /// Ante per player in chips (0: none).
    #[arg(long, default_value_t = 0)]
    pub ante: u32,
    /// Every seat's stack at the start of every hand, in chips (default 100 big blinds).
    #[arg(long, default_value_t = 2000)]
    pub stack: u32,
    /// Per-seat starting stacks in chips, comma-separated, seat 0 first (one per
    /// bot); overrides --stack.
    #[arg(long)]
    pub stacks: Option<String>,
}

impl TableArgs {
    /// The table options as the configuration takes them.
    pub fn settings(&self) -> TableSettings {
        TableSettings {
            small_blind_chips: self.small_blind,
            big_blind_chips: self.big_blind,
            ante_chips: self.ante,
            stack_chips: self.stack,
            stacks: self.stacks.clone(),
        }
    }
}

/// Options of `holdem-arena replay`: the run's line-up, seed and table options, and
/// the hand to replay.
#[derive(clap::Args, Debug)]
pub struct ReplayArgs {
    /// The run's seed.
    #[arg(long)]
    pub seed: u64,
    /// Index of the hand to replay (0-based, as `_hand_index` in PHH).
    #[arg(long)]
    pub hand: u64,
    /// The run's line-up: comma-separated bot names, seat 0 first.
    #[arg(long, default_value = DEFAULT_LINEUP)]
    pub bots: String,
    /// The run's blinds, ante and stacks.
    #[command(flatten)]
    pub table: TableArgs,
    /// Print the hand in PHH instead of the readable history.
    #[arg(long)]
    pub phh: bool,
}

/// A failure with its exit code: 2 for bad input, 1 otherwise.
#[derive(Debug)]
pub struct Failure {
    /// Process exit code.
    pub code: u8,
    /// One line for stderr.
    pub message: String,
}

fn usage(message: String) -> Failure {
    Failure { code: 2, message }
}

/// Parses arguments, runs the command, prints errors; the whole program.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(f) => {
            // Not eprintln!: a closed stderr must not turn an error into a panic.
            let _ = writeln!(std::io::stderr(), "error: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

/// Runs one parsed command.
///
/// # Errors
/// A [`Failure`] with exit code 2 for bad input, 1 for a failed run.
pub fn run(cli: Cli) -> Result<ExitCode, Failure> {
    match cli.command {
        Command::Run(args) => run_simulation(&args),
        Command::Compare(args) => crate::gate::compare(&args),
        Command::Gate(args) => crate::gate::gate(&args),
        Command::Merge(args) => crate::merge::merge(&args),
        Command::Plot(args) => crate::plot::plot(&args),
        Command::Replay(args) => replay_hand(&args),
        Command::Bots => {
            let list: String = bots::BUILT_IN
                .iter()
                .map(|b| format!("{:<10} {}\n", b.name, b.about))
                .collect();
            print_stdout(&list)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Eval { cards } => eval_hands(&cards),
        Command::Completions { shell } => {
            use clap::CommandFactory;
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "holdem-arena", &mut script);
            print_stdout(&String::from_utf8_lossy(&script))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Connect {
            bot,
            url,
            buy_in,
            idle_limit,
        } => {
            use crate::protocol::client;
            let Some(info) = bots::find(&bot) else {
                return Err(usage(format!(
                    "unknown bot {bot:?} in --bot: known bots are {}",
                    known_bots()
                )));
            };
            if let Some(url) = url {
                let key = match std::env::var("OPENPOKER_API_KEY") {
                    Ok(k) => Some(k),
                    Err(std::env::VarError::NotPresent) => None,
                    Err(std::env::VarError::NotUnicode(_)) => {
                        return Err(usage(
                            "OPENPOKER_API_KEY is not valid UTF-8: give the key exactly as Open Poker shows it".into(),
                        ));
                    }
                };
                let buy_in = buy_in.as_deref().map(client::parse_buy_in).transpose();
                let target = buy_in
                    .and_then(|b| client::WsTarget::new(&url, key.as_deref(), b, idle_limit))
                    .map_err(usage)?;
                client::serve_websocket((info.make)(), &target)
                    .map_err(|message| Failure { code: 1, message })?;
                return Ok(ExitCode::SUCCESS);
            }
            let stdin = std::io::stdin().lock();
            let stdout = std::io::BufWriter::new(std::io::stdout().lock());
            client::serve_lines((info.make)(), stdin, stdout).map_err(|e| Failure {
                code: 1,
                message: format!("connect: {e}"),
            })?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Checks `args` and turns them into a run configuration.
///
/// # Errors
/// A usage [`Failure`] naming the bad value and what is allowed.
pub fn config_from_args(args: &RunArgs, seed: u64) -> Result<RunConfig, Failure> {
    let lineup = Lineup::parse(&args.bots).map_err(config_failure)?;
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
        hands: args.hands,
        seed,
        threads: args.threads,
        table: args.table.settings(),
        duplicate: args.duplicate,
        block_deals: args.block_deals,
        allin_adjust: !args.no_allin_adjust,
        history,
        action_timeout_s: args.action_timeout,
    })
    .map_err(config_failure)
}

fn config_failure(e: crate::config::ConfigError) -> Failure {
    usage(e.to_string())
}

/// The files a run writes in its output folder (`blocks.csv` during the run).
const RUN_FILES: [&str; 4] = ["bots.csv", "seats.csv", "blocks.csv", "run.json"];

/// Creates the output folder and checks that files can be written in it and that no
/// result file would replace something other than a regular file.
fn prepare_out_dir(dir: &Path) -> Result<(), Failure> {
    let unwritable = |e: std::io::Error| {
        usage(format!(
            "--out {}: cannot write there ({e}); give a writable folder",
            dir.display()
        ))
    };
    for name in RUN_FILES {
        let path = dir.join(name);
        report::check_replaceable(&path).map_err(|e| {
            usage(format!(
                "--out {}: {} cannot be written ({e}); give another folder",
                dir.display(),
                path.display()
            ))
        })?;
    }
    std::fs::create_dir_all(dir).map_err(unwritable)?;
    tempfile::tempfile_in(dir).map_err(unwritable)?;
    Ok(())
}

/// Where a run's streamed output goes: `blocks.csv`, and the hand histories file.
struct RunFiles {
    blocks: report::BlocksFile,
    histories: Option<(report::StreamedFile, Option<std::io::Error>)>,
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

/// The failure of a run stopped by a signal: exit 130 (SIGINT) or 143 (SIGTERM).
pub fn interrupted(hands_done: u64, total: u64) -> Failure {
    let signal = crate::interrupt::requested().unwrap_or(libc::SIGINT);
    let name = if signal == libc::SIGTERM {
        "SIGTERM"
    } else {
        "SIGINT"
    };
    Failure {
        code: crate::interrupt::exit_code(signal),
        message: format!(
            "interrupted by {name} after {hands_done} of {total} hands: no result files written"
        ),
    }
}

fn run_simulation(args: &RunArgs) -> Result<ExitCode, Failure> {
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
    crate::protocol::external::keep_stderr_logs(&mut config.lineup, &out.join("bots"))
        .map_err(|message| Failure { code: 1, message })?;
    crate::interrupt::install().map_err(|e| Failure {
        code: 1,
        message: format!("cannot install the Ctrl-C handler: {e}"),
    })?;
    if args.seed.is_none() {
        print_stdout(&format!(
            "seed: {seed} (pass --seed {seed} to reproduce this run)\n"
        ))?;
    }

    let histories = match &args.hand_histories {
        None => None,
        Some(path) => Some((
            report::StreamedFile::create(path).map_err(|e| Failure {
                code: 1,
                message: format!("--hand-histories {}: cannot write ({e})", path.display()),
            })?,
            None,
        )),
    };
    let mut files = RunFiles {
        blocks: report::BlocksFile::create(&out, &config)
            .map_err(|message| Failure { code: 1, message })?,
        histories,
    };
    let control = sim::RunControl::default();
    let started = Instant::now();
    let total = config.hands_played();
    let (tallies, elapsed) = crate::progress::watch(total, &control, || {
        let tallies = sim::run_deals_streaming(&config, 0, config.hands, &control, &mut files);
        (tallies, started.elapsed().as_secs_f64())
    });
    let tallies = match tallies {
        Ok(t) => t,
        Err(sim::RunError::Stopped { hands_done }) => return Err(interrupted(hands_done, total)),
        Err(e) => {
            return Err(Failure {
                code: 1,
                message: e.to_string(),
            });
        }
    };
    if let Some((file, error)) = files.histories {
        let path = file.path().to_path_buf();
        error
            .map_or_else(|| file.finish(), Err)
            .map_err(|e| Failure {
                code: 1,
                message: format!("--hand-histories {}: cannot write ({e})", path.display()),
            })?;
    }

    let mut info = RunInfo::new(&config, elapsed);
    info.bot_faults = report::bot_faults(&config, &tallies.stats);
    files
        .blocks
        .finish()
        .and_then(|()| report::write_run(&out, &config, &tallies, &info))
        .map_err(|message| Failure { code: 1, message })?;
    let rows = report::bot_rows(&config, &tallies);
    let mut text = report::summary_table(&rows);
    text += &report::fault_lines(&rows, &report::fault_notes(&config, &tallies));
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

/// Prints `text` on stdout. A closed stdout (`holdem-arena bots | head -1`) is not an
/// error: the rest is dropped quietly, as ripgrep does, and the command's exit code
/// stands.
///
/// # Errors
/// Exit 1 when stdout fails otherwise (a full disk).
pub fn print_stdout(text: &str) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure {
            code: 1,
            message: format!("cannot write to stdout: {e}"),
        }),
    }
}

/// Checks the file of `--hand-histories` before a run, so bad input writes nothing.
fn prepare_histories(path: &Path) -> Result<(), Failure> {
    let dir = report::parent_dir(path);
    if path.file_name().is_none() || path.is_dir() {
        return Err(usage(format!(
            "--hand-histories {}: give a file name, e.g. results/run/hands.phhs",
            path.display()
        )));
    }
    report::check_replaceable(path).map_err(|e| {
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
    std::fs::create_dir_all(dir).map_err(unwritable)?;
    tempfile::tempfile_in(dir).map_err(unwritable)?;
    Ok(())
}

/// `holdem-arena replay`: plays the hand again and prints it.
fn replay_hand(args: &ReplayArgs) -> Result<ExitCode, Failure> {
    let run_args = RunArgs {
        bots: args.bots.clone(),
        hands: args.hand.saturating_add(1),
        seed: Some(args.seed),
        threads: Some(1),
        table: args.table.clone(),
        out: None,
        duplicate: false,
        block_deals: crate::blocks::DEFAULT_BLOCK_DEALS,
        no_allin_adjust: false,
        hand_histories: None,
        history_every: None,
        history_hands: None,
        action_timeout: DEFAULT_ACTION_TIMEOUT_S,
        allow_bot_faults: false,
    };
    let config = config_from_args(&run_args, args.seed)?;
    let hand = replay::replay(&config, args.hand);
    print_stdout(if args.phh { &hand.phh } else { &hand.text })?;
    Ok(ExitCode::SUCCESS)
}

/// Ranks each hand; prints one line per hand, errors on stderr (with the line
/// number) while the other lines still print. Exit 2 if any line was bad or no hand
/// was given at all.
fn eval_hands(args: &[String]) -> Result<ExitCode, Failure> {
    let single_hand =
        args.len() > 1 && args.iter().all(|a| !a.trim().contains(char::is_whitespace));
    // Lines as bytes, so that one line of invalid UTF-8 is reported, not fatal.
    let lines: Vec<Vec<u8>> = if args.is_empty() {
        let mut lines = Vec::new();
        for line in std::io::stdin().lock().split(b'\n') {
            match line {
                Ok(mut l) => {
                    if l.last() == Some(&b'\r') {
                        l.pop();
                    }
                    lines.push(l);
                }
                Err(e) => {
                    return Err(Failure {
                        code: 1,
                        message: format!("reading stdin: {e}"),
                    });
                }
            }
        }
        lines
    } else if single_hand {
        vec![args.join(" ").into_bytes()]
    } else {
        args.iter().map(|a| a.clone().into_bytes()).collect()
    };
    let mut bad = false;
    let mut ranked = 0;
    for (i, line) in lines.iter().enumerate() {
        let text = match std::str::from_utf8(line) {
            Ok(t) => t,
            Err(e) => {
                bad = true;
                eprintln!("error: line {}: not UTF-8 text ({e})", i + 1);
                continue;
            }
        };
        if text.trim().is_empty() {
            continue;
        }
        match rank_line(text) {
            Ok(ranking) => {
                ranked += 1;
                print_stdout(&format!("{ranking}\n"))?;
            }
            Err(e) => {
                bad = true;
                eprintln!("error: line {}: {e}", i + 1);
            }
        }
    }
    if ranked == 0 && !bad {
        return Err(usage(
            "eval: no hand given: give 5 to 7 cards, e.g. holdem-arena eval Ah Kh Qh Jh Th, or one hand per line on stdin".into(),
        ));
    }
    Ok(if bad {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// `strength<TAB>category<TAB>description` for one hand of 5 to 7 cards.
fn rank_line(line: &str) -> Result<String, String> {
    let cards = parse_cards(line).map_err(|e| e.to_string())?;
    if !(5..=7).contains(&cards.len()) {
        return Err(format!(
            "{:?} has {} cards: give 5 to 7 cards",
            line.trim(),
            cards.len()
        ));
    }
    let s = evaluate(&cards);
    Ok(format!(
        "{}\t{}\t{}",
        s.value(),
        s.category(),
        s.description()
    ))
}
