//! The commands: one file per command body, each with its options (clap derive);
//! `cli.rs` parses the command line and dispatches here, and nothing else imports
//! this module. What several commands share lives here: the table options, the
//! error type with its exit codes, printing on stdout.
//!
//! Data flows down: a command builds a [`crate::config::RunConfig`], runs
//! [`crate::sim`], and writes with [`crate::report`] and [`crate::fs`].

pub mod compare;
pub mod connect;
pub mod eval;
pub mod league;
pub mod merge;
pub mod plot;
pub mod progress;
pub mod replay;
pub mod report;
pub mod run;
pub mod serve;

use crate::config::{ConfigError, TableRequest, TableSettings};
use std::io::Write;
use std::process::ExitCode;

/// Why a command failed, with its exit code ([`CommandError::exit_code`]): 2 for bad
/// input (nothing was written), 1 for a failed run or a refused verdict, 128 + the
/// signal for a run stopped by SIGINT or SIGTERM. The message is one line for stderr.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// A run's settings were refused.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A stored `blocks.csv` that cannot be used (bad input, exit 2).
    #[error(transparent)]
    StoredBlocks(#[from] crate::blocks::BlocksError),
    /// A stored `run.json` that cannot be used (bad input, exit 2).
    #[error(transparent)]
    RunInfo(#[from] crate::run_info::RunInfoError),
    /// A result file that could not be written (exit 1).
    #[error(transparent)]
    Write(#[from] crate::fs::WriteError),
    /// A result or verdict that rests on missing data (exit 1).
    #[error(transparent)]
    NoVerdict(#[from] crate::verdict::NoVerdict),
    /// Other bad input: a value, a file or an option combination that cannot be used.
    #[error("{0}")]
    BadInput(String),
    /// The command could not do its work (an I/O error, a bot that faulted, a verdict
    /// over missing data).
    #[error("{0}")]
    Failed(String),
    /// Stopped by a signal.
    #[error("{message}")]
    Interrupted {
        /// The signal (2 = SIGINT, 15 = SIGTERM).
        signal: i32,
        /// What was stopped.
        message: String,
    },
}

impl CommandError {
    /// The process exit code: 2 for [`CommandError::Config`] and
    /// [`CommandError::BadInput`], 1 for [`CommandError::Failed`], 128 + the signal
    /// for [`CommandError::Interrupted`].
    pub fn exit_code(&self) -> u8 {
        match self {
            CommandError::Config(_)
            | CommandError::BadInput(_)
            | CommandError::StoredBlocks(_)
            | CommandError::RunInfo(_) => 2,
            CommandError::Failed(_) | CommandError::NoVerdict(_) | CommandError::Write(_) => 1,
            CommandError::Interrupted { signal, .. } => crate::interrupt::exit_code(*signal),
        }
    }
}

/// Bad input, exit 2.
pub(crate) fn usage(message: String) -> CommandError {
    CommandError::BadInput(message)
}

/// A failed command, exit 1.
pub(crate) fn failed(message: String) -> CommandError {
    CommandError::Failed(message)
}

/// The error of a run stopped by a signal: exit 130 (SIGINT) or 143 (SIGTERM).
/// The longest `--reconnect-window`, in seconds (an hour): every wait is bounded.
pub const MAX_RECONNECT_WINDOW_S: f64 = 3600.0;

/// `--reconnect-window SECONDS` as a duration.
///
/// # Errors
/// Exit 2 naming the value unless it is above 0 and at most
/// [`MAX_RECONNECT_WINDOW_S`].
pub fn reconnect_window(seconds: f64) -> Result<std::time::Duration, CommandError> {
    if seconds > 0.0 && seconds <= MAX_RECONNECT_WINDOW_S {
        Ok(std::time::Duration::from_secs_f64(seconds))
    } else {
        Err(usage(format!(
            "--reconnect-window {seconds}: give seconds above 0 and at most {MAX_RECONNECT_WINDOW_S}"
        )))
    }
}

pub(crate) fn interrupted(hands_done: u64, total: u64) -> CommandError {
    let signal = crate::interrupt::requested().unwrap_or(libc::SIGINT);
    let name = crate::interrupt::signal_name(signal);
    CommandError::Interrupted {
        signal,
        message: format!(
            "interrupted by {name} after {hands_done} of {total} hands: no result files written"
        ),
    }
}

/// `holdem-arena bots`: one line per built-in bot, its name and what it plays.
pub fn list_bots() -> Result<ExitCode, CommandError> {
    let list: String = crate::bots::BUILT_IN
        .iter()
        .map(|b| format!("{:<10} {}\n", b.name, b.about))
        .collect();
    print_stdout(&list)?;
    Ok(ExitCode::SUCCESS)
}

/// Prints `text` on stdout. A closed stdout (`holdem-arena bots | head -1`) is not an
/// error: the rest is dropped quietly, as ripgrep does, and the command's exit code
/// stands.
///
/// # Errors
/// Exit 1 when stdout fails otherwise (a full disk).
pub fn print_stdout(text: &str) -> Result<(), CommandError> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(failed(format!("cannot write to stdout: {e}"))),
    }
}

/// The table's preset, blinds, ante and starting stacks (shared by `run`, `replay`,
/// `compare` and `gate`). Explicit flags override the preset's numbers.
#[derive(clap::Args, Debug, Clone)]
pub struct TableArgs {
    /// A platform's table: openpoker, claw-shallow, claw-lobster-pool or
    /// claw-deep-sea (blinds, seats, buy-in and default stack, action timeout; see
    /// `holdem-arena tables`).
    #[arg(long = "table", value_name = "PRESET")]
    pub preset: Option<String>,
    /// Small blind in chips [default: 10, or the preset's].
    #[arg(long)]
    pub small_blind: Option<u32>,
    /// Big blind in chips [default: 20, or the preset's].
    #[arg(long)]
    pub big_blind: Option<u32>,
    /// Ante per player in chips [default: 0].
    #[arg(long)]
    pub ante: Option<u32>,
    /// Every seat's stack at the start of every hand, in chips [default: 2000 (100
    /// big blinds), or the preset's default buy-in].
    #[arg(long)]
    pub stack: Option<u32>,
    /// Per-seat starting stacks in chips, comma-separated, seat 0 first (one per
    /// bot); overrides --stack.
    #[arg(long)]
    pub stacks: Option<String>,
    /// Draw every seat's starting stack per deal, uniform over whole big blinds in
    /// MIN..MAX (chips, e.g. 400..4000, or big blinds, e.g. 20bb..200bb), from the run
    /// seed, deal and seat; overrides --stack. Writes depths.csv.
    #[arg(long, value_name = "MIN..MAX")]
    pub stack_range: Option<String>,
    /// Play sessions of HANDS hands in which stacks carry over: a stack below the big
    /// blind busts, and the seat rebuys (--rebuy). --hands rounds up to whole
    /// sessions; intervals are over sessions; a block holds whole sessions (about
    /// --block-deals hands).
    #[arg(long, value_name = "HANDS")]
    pub session: Option<u64>,
    /// In sessions, what a busted seat does: auto (sits out, then buys in again with
    /// its starting stack, as Open Poker's auto-rebuy) or never (sits out the rest of
    /// the session) [default: auto].
    #[arg(long, value_enum)]
    pub rebuy: Option<crate::config::Rebuy>,
    /// In sessions, hands a busted seat waits before each rebuy after its first
    /// (the first is at once, as on Open Poker) [default: 0].
    #[arg(long, value_name = "HANDS")]
    pub rebuy_cooldown: Option<u32>,
    /// Open Poker bots behind a wire (exec:, ws:, serve) get neither table_state nor
    /// the V2 envelope: a third of the bytes, for a bot that reads neither.
    #[arg(long)]
    pub lean_wire: bool,
}

impl TableArgs {
    /// The table options as the configuration takes them.
    ///
    /// # Errors
    /// An unknown preset.
    pub fn settings(&self) -> Result<TableSettings, ConfigError> {
        TableRequest {
            preset: self.preset.clone(),
            small_blind_chips: self.small_blind,
            big_blind_chips: self.big_blind,
            ante_chips: self.ante,
            stack_chips: self.stack,
            stacks: self.stacks.clone(),
            stack_range: self.stack_range.clone(),
            session_hands: self.session,
            rebuy: self.rebuy,
            rebuy_cooldown_hands: self.rebuy_cooldown,
            lean_wire: self.lean_wire,
        }
        .resolve()
    }
}

/// `holdem-arena tables`: the platforms' table presets with their numbers and sources.
pub fn list_tables() -> Result<ExitCode, CommandError> {
    let mut text = format!(
        "{:<18} {:>7} {:>5} {:>13} {:>13} {:>9}  {}\n",
        "table", "blinds", "seats", "buy-in", "default stack", "timeout", "source"
    );
    for p in crate::config::TABLE_PRESETS {
        text += &format!(
            "{:<18} {:>7} {:>5} {:>13} {:>13} {:>8}s  {}\n",
            p.name,
            format!("{}/{}", p.small_blind_chips, p.big_blind_chips),
            p.max_seats,
            format!("{}-{}", p.min_buy_in_chips, p.max_buy_in_chips),
            p.default_stack_chips,
            p.action_timeout_s,
            p.source
        );
    }
    print_stdout(&text)?;
    Ok(ExitCode::SUCCESS)
}
