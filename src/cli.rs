//! The command line: `run`, `compare`, `gate`, `bots` and `eval`. Definitions (clap derive) and the thin
//! glue from arguments to the runner and the reports.
//!
//! Exit codes: 0 success; 1 a run failed (I/O error, or `eval` read stdin badly);
//! 2 bad input (the message names the value and what is allowed; nothing is written).

use crate::bots::{self, BotSpec};
use crate::cards::parse_cards;
use crate::engine::Stakes;
use crate::eval::evaluate;
use crate::history::{Sample, replay};
use crate::report::{self, RunInfo};
use crate::sim::{self, RunConfig};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressState, ProgressStyle};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Seconds an external bot has for each action when `--action-timeout` is not given.
pub const DEFAULT_ACTION_TIMEOUT_S: f64 = 10.0;

/// The line-up used when `--bots` is not given: six seats.
pub const DEFAULT_LINEUP: &str = "tag,call,random,raise,equity,call";

/// holdem-arena: plays millions of No-Limit Hold'em hands between bots and reports
/// each bot's win rate (bb/100 with 95% confidence intervals).
#[derive(Parser, Debug)]
#[command(version, about)]
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
            eprintln!("error: {}", f.message);
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
            for b in bots::BUILT_IN {
                println!("{:<10} {}", b.name, b.about);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Eval { cards } => Ok(eval_hands(&cards)),
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
    let mut lineup = parse_lineup(&args.bots)?;
    if !(args.action_timeout > 0.0 && args.action_timeout <= 86_400.0) {
        return Err(usage(format!(
            "--action-timeout {}: give seconds, more than 0 and at most 86400",
            args.action_timeout
        )));
    }
    #[cfg(unix)]
    for spec in &mut lineup {
        if let BotSpec::Exec(e) = spec {
            e.action_timeout = std::time::Duration::from_secs_f64(args.action_timeout);
        }
    }
    if args.hands == 0 {
        return Err(usage("--hands 0: play at least 1 hand".into()));
    }
    if args.table.small_blind == 0 || args.table.big_blind == 0 {
        return Err(usage(format!(
            "--small-blind {} --big-blind {}: blinds must be at least 1 chip",
            args.table.small_blind, args.table.big_blind
        )));
    }
    if args.table.small_blind > args.table.big_blind {
        return Err(usage(format!(
            "--small-blind {} is larger than --big-blind {}: the small blind may not exceed the big blind",
            args.table.small_blind, args.table.big_blind
        )));
    }
    if args.table.stack < args.table.big_blind {
        return Err(usage(format!(
            "--stack {} is below the big blind ({} chips): stacks must be at least one big blind",
            args.table.stack, args.table.big_blind
        )));
    }
    let max_stack = u32::MAX / lineup.len() as u32;
    if args.table.stack > max_stack {
        return Err(usage(format!(
            "--stack {}: at most {max_stack} chips with {} seats (the pot must fit in 32 bits)",
            args.table.stack,
            lineup.len()
        )));
    }
    if args.block_deals == 0 {
        return Err(usage(
            "--block-deals 0: a block holds at least 1 deal".into(),
        ));
    }
    let seat_stacks = match &args.table.stacks {
        None => None,
        Some(list) => Some(parse_stacks(list, lineup.len(), args.table.big_blind)?),
    };
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
        (Some(_), Some(0), None) => {
            return Err(usage("--history-every 0: give at least 1".into()));
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
    let threads = match args.threads {
        Some(0) => return Err(usage("--threads 0: use at least 1 thread".into())),
        Some(n) => n,
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    Ok(RunConfig {
        lineup,
        hands: args.hands,
        seed,
        threads,
        stakes: Stakes {
            small_blind_chips: args.table.small_blind,
            big_blind_chips: args.table.big_blind,
            ante_chips: args.table.ante,
        },
        stack_chips: args.table.stack,
        allin_adjust: !args.no_allin_adjust,
        duplicate: args.duplicate,
        block_deals: args.block_deals,
        seat_stacks,
        history,
    })
}

/// Parses `--stacks`: one starting stack per seat, each at least one big blind, all
/// together within 32 bits.
///
/// # Errors
/// A usage [`Failure`] naming the bad value.
pub fn parse_stacks(list: &str, seats: usize, big_blind: u32) -> Result<Vec<u32>, Failure> {
    let stacks = list
        .split(',')
        .map(|s| {
            s.trim().parse::<u32>().map_err(|_| {
                usage(format!(
                    "--stacks {list:?}: {s:?} is not a whole number of chips"
                ))
            })
        })
        .collect::<Result<Vec<u32>, _>>()?;
    if stacks.len() != seats {
        return Err(usage(format!(
            "--stacks {list:?} lists {} stacks for {seats} seats: give one per bot",
            stacks.len()
        )));
    }
    if let Some(s) = stacks.iter().find(|&&s| s < big_blind) {
        return Err(usage(format!(
            "--stacks {list:?}: {s} is below the big blind ({big_blind} chips)"
        )));
    }
    if stacks.iter().map(|&s| u64::from(s)).sum::<u64>() > u64::from(u32::MAX) {
        return Err(usage(format!(
            "--stacks {list:?}: the stacks must add up to at most {} chips",
            u32::MAX
        )));
    }
    Ok(stacks)
}

fn known_bots() -> String {
    bots::BUILT_IN
        .iter()
        .map(|b| b.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Parses `--bots`: comma-separated entries, 2 to 10 of them. An entry is a registered
/// name, `exec:COMMAND` (Open Poker over JSON lines) or `exec-claw:COMMAND` (Claw
/// Poker). An external bot is named after its command (`call_bot` for `exec:python3
/// bots/python/call_bot.py`); when that short name is a built-in name or is shared by
/// a different command, the whole entry (`exec:...`) is its name instead. External
/// bots get the default action timeout; [`config_from_args`] applies
/// `--action-timeout`.
///
/// # Errors
/// An unknown name (listing the known ones), an exec command whose program is not
/// found, or a seat count outside 2..=10.
pub fn parse_lineup(list: &str) -> Result<Vec<BotSpec>, Failure> {
    let mut lineup = Vec::new();
    #[cfg(unix)]
    let mut exec_names: Vec<(String, String)> = Vec::new(); // (entry, short name)
    for entry in list.split(',') {
        let entry = entry.trim();
        #[cfg(unix)]
        {
            use crate::protocol::external::{Dialect, ExternalSpec};
            let exec = if let Some(c) = entry.strip_prefix("exec:") {
                Some((Dialect::OpenPoker, c))
            } else {
                entry.strip_prefix("exec-claw:").map(|c| (Dialect::Claw, c))
            };
            if let Some((dialect, command)) = exec {
                let spec = ExternalSpec {
                    command: command.trim().to_string(),
                    dialect,
                    name: "",
                    action_timeout: crate::protocol::external::DEFAULT_ACTION_TIMEOUT,
                };
                spec.check_program().map_err(|e| {
                    usage(format!(
                        "--bots entry {entry:?}: {e}; give a command that runs, e.g. exec:python3 bots/python/call_bot.py"
                    ))
                })?;
                exec_names.push((entry.to_string(), ExternalSpec::short_name(&spec.command)));
                lineup.push(BotSpec::Exec(spec));
                continue;
            }
        }
        let info = bots::find(entry).ok_or_else(|| {
            usage(format!(
                "unknown bot {entry:?} in --bots: known bots are {}, or exec:COMMAND / exec-claw:COMMAND",
                known_bots()
            ))
        })?;
        lineup.push(BotSpec::BuiltIn(info));
    }
    #[cfg(unix)]
    {
        let mut names = exec_names.iter();
        for spec in &mut lineup {
            if let BotSpec::Exec(e) = spec {
                let (entry, short) = names.next().expect("one per exec entry");
                let ambiguous = bots::find(short).is_some()
                    || exec_names.iter().any(|(o, s)| s == short && o != entry);
                let name = if ambiguous { entry } else { short };
                e.name = Box::leak(name.clone().into_boxed_str());
            }
        }
    }
    if !(2..=10).contains(&lineup.len()) {
        return Err(usage(format!(
            "--bots {list:?} seats {} bot(s): a table has 2 to 10 seats",
            lineup.len()
        )));
    }
    Ok(lineup)
}

/// Creates the output folder and checks that files can be written in it.
fn prepare_out_dir(dir: &Path) -> Result<(), Failure> {
    let unwritable = |e: std::io::Error| {
        usage(format!(
            "--out {}: cannot write there ({e}); give a writable folder",
            dir.display()
        ))
    };
    std::fs::create_dir_all(dir).map_err(unwritable)?;
    tempfile::tempfile_in(dir).map_err(unwritable)?;
    Ok(())
}

fn run_simulation(args: &RunArgs) -> Result<ExitCode, Failure> {
    let seed = args.seed.unwrap_or_else(rand::random);
    let config = config_from_args(args, seed)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("results/seed-{seed}")));
    if let Some(path) = &args.hand_histories {
        prepare_histories(path)?;
    }
    prepare_out_dir(&out)?;
    if args.seed.is_none() {
        println!("seed: {seed} (pass --seed {seed} to reproduce this run)");
    }

    let hands_done = AtomicU64::new(0);
    let mut blocks_file = report::BlocksFile::create(&out, &config)
        .map_err(|message| Failure { code: 1, message })?;
    let started = Instant::now();
    let (tallies, elapsed) = std::thread::scope(|scope| {
        // Dropping `finished` wakes the progress thread at once (no wait for its tick).
        let (finished, finished_rx) = mpsc::channel::<()>();
        let (total, done) = (config.hands_played(), &hands_done);
        scope.spawn(move || show_progress(total, done, &finished_rx));
        let tallies = sim::run_deals_streaming(&config, 0, config.hands, &hands_done, |b| {
            blocks_file.write(b);
        });
        drop(finished);
        (tallies, started.elapsed().as_secs_f64())
    });
    let tallies = tallies.map_err(|e| Failure {
        code: 1,
        message: format!("cannot start {} worker threads: {e}", config.threads),
    })?;
    if let Some(path) = &args.hand_histories {
        write_histories(path, &tallies.histories)?;
    }

    let info = RunInfo::new(&config, elapsed);
    blocks_file
        .finish()
        .and_then(|()| report::write_run(&out, &config, &tallies, &info))
        .map_err(|message| Failure { code: 1, message })?;
    let rows = report::bot_rows(&config, &tallies);
    print!("{}", report::summary_table(&rows));
    print!("{}", report::fault_lines(&rows));
    println!(
        "{} hands in {elapsed:.2} s ({:.0} hands/s, {} threads); wrote {}",
        config.hands_played(),
        info.hands_per_second,
        config.threads,
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Writes the `.phhs` file atomically (temporary file in its folder, then rename).
fn write_histories(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    report::write_file_atomically(path, bytes).map_err(|e| Failure {
        code: 1,
        message: format!("--hand-histories {}: cannot write ({e})", path.display()),
    })
}

/// Checks the folder of `--hand-histories` before a run, so bad input writes nothing.
fn prepare_histories(path: &Path) -> Result<(), Failure> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if path.file_name().is_none() || path.is_dir() {
        return Err(usage(format!(
            "--hand-histories {}: give a file name, e.g. results/run/hands.phhs",
            path.display()
        )));
    }
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
    };
    let config = config_from_args(&run_args, args.seed)?;
    let hand = replay::replay(&config, args.hand);
    print!("{}", if args.phh { &hand.phh } else { &hand.text });
    Ok(ExitCode::SUCCESS)
}

/// Draws a progress bar on stderr (hidden when stderr is not a terminal) from the
/// runner's atomic hand counter, every 100 ms until `finished`'s sender is dropped.
fn show_progress(total: u64, hands_done: &AtomicU64, finished: &mpsc::Receiver<()>) {
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {human_pos}/{human_len} hands  {rate}  ETA {eta}")
            .expect("valid template")
            .with_key(
                "rate",
                |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(w, "{:.0} hands/s", state.per_sec());
                },
            ),
    );
    while let Err(mpsc::RecvTimeoutError::Timeout) =
        finished.recv_timeout(Duration::from_millis(100))
    {
        bar.set_position(hands_done.load(Ordering::Relaxed));
    }
    bar.finish_and_clear();
}

/// Ranks each hand; prints one line per hand, errors on stderr. Exit 2 if any was bad.
fn eval_hands(args: &[String]) -> ExitCode {
    let single_hand =
        args.len() > 1 && args.iter().all(|a| !a.trim().contains(char::is_whitespace));
    let lines: Vec<String> = if args.is_empty() {
        let mut lines = Vec::new();
        for line in std::io::stdin().lock().lines() {
            match line {
                Ok(l) => lines.push(l),
                Err(e) => {
                    eprintln!("error: reading stdin: {e}");
                    return ExitCode::from(1);
                }
            }
        }
        lines
    } else if single_hand {
        vec![args.join(" ")]
    } else {
        args.to_vec()
    };
    let mut bad = false;
    let mut stdout = std::io::stdout().lock();
    for (i, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match rank_line(line) {
            Ok(text) => {
                let _ = writeln!(stdout, "{text}");
            }
            Err(e) => {
                bad = true;
                let _ = stdout.flush();
                eprintln!("error: line {}: {e}", i + 1);
            }
        }
    }
    if bad {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
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
