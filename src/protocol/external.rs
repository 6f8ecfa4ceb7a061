//! Bots in any language, as external processes speaking JSON lines.
//!
//! [`ExternalBot`] is a [`Bot`] that owns one child process for the whole run. The
//! engine plays the server: it writes the protocol's messages to the child's stdin,
//! one JSON object per line, and reads the bot's answers from its stdout, one per line.
//! Two dialects ([`Dialect`]): Open Poker (`exec:`), following
//! `../shared/reference/openpoker-websocket-protocol.txt`, and Claw Poker
//! (`exec-claw:`), following `../shared/reference/clawpoker-api.txt`.
//!
//! Open Poker session: `connected`, then `table_joined` (at the start of every chunk of
//! hands), then per hand `hand_start`, `hole_cards`, `your_turn` (with a fresh
//! `turn_token`) answered by `action`, then `action_ack` or `action_rejected`,
//! `player_action` (everyone's), `community_cards` and `hand_result`.
//!
//! Server behaviour on faults, as the protocol document describes it:
//! - an `action` with a stale or missing `turn_token`, an action not in `valid_actions`
//!   or a raise out of range gets `action_rejected` (counted in `rejected_actions`), and
//!   the bot may answer again until its time runs out;
//! - a line that is not JSON, or not a message, gets `error` `invalid_message`
//!   (counted in `invalid_actions`); an unknown `type` gets `unknown_message`;
//! - flooding (Error Codes, `flood_warning` / `flood_kick`): rejected actions and
//!   invalid messages together are "invalid actions"; the 10th within 5 seconds gets
//!   `error` `flood_warning` (once, until fewer than 10 are in the window again), and
//!   more than 20 within 5 seconds get `error` `flood_kick`: the seat is written off as
//!   crashed (below);
//! - no accepted action within the action timeout (default 10 s): auto-fold, or
//!   auto-check when checking is free (counted in `timeouts`);
//! - a bot that exits (noticed within about 0.1 s, even when a child it started still
//!   holds its pipes: reported as "exited with status N"), closes its stdout, writes a
//!   line longer than 1 MiB, is kicked for flooding, or stops reading its stdin is
//!   reported on stderr by name with the tail of its stderr, killed, and its seat
//!   auto-folds (checks when free) for the rest of the run (counted once in
//!   `crashes`). "Stops reading": its stdin pipe stays full for a whole action timeout,
//!   or it leaves [`UNREAD_REQUESTS_LIMIT`] requests in a row unread (not taken from
//!   the pipe) for their whole action timeout. Nothing is printed when the run is
//!   being stopped by a signal ([`crate::interrupt::requested`]).
//!
//! Every fault is counted in [`Faults`]; the first few are also kept verbatim as
//! [`FaultNotes`] for the end-of-run summary: the offending stdout line (cut to 200
//! characters) with its line number (`line 3 of stdout was not JSON: "hello"`), and a
//! crash's reason.
//!
//! Claw Poker's document describes no rejection message: the offline server answers
//! a bad `action.intent` with an `error` event (`{"type": "error", "data": {"code":
//! "invalid_action" | "invalid_message", "message": ..}}`) and the agent may try
//! again; as Claw has no turn token, lines already waiting when a new
//! `action.requested` is sent answer an earlier, timed-out request and are dropped
//! (counted in `rejected_actions`). Claw's document gives no flood limits: the same
//! thresholds as Open Poker's apply, sent as `error` events with codes
//! `flood_warning` / `flood_kick`.
//!
//! A bot's stderr: the last 2 KiB are kept in memory for the crash report. When
//! [`ExternalSpec::stderr_dir`] is set (`holdem-arena run` sets `OUT/bots`), all of it
//! is also written to `DIR/NAME.seatN.stderr.log` (one file per seat; the processes of
//! several worker threads for the same seat append whole lines to it, each prefixed
//! with `[worker K] ` when more than one worker plays), up to [`STDERR_LOG_BYTES`]
//! (1 MiB) per file, then one line saying the rest was cut.
//!
//! Nothing blocks without a deadline and no buffer grows without bound: the pipes are
//! non-blocking, every wait is a `poll` with a timeout (at most 0.1 s, after which the
//! child is looked at), at most [`MAX_LINE_BYTES`] of the bot's output are buffered,
//! and more than [`MAX_PENDING_BYTES`] of unwritten messages mean it stopped reading.
//! Writes are buffered and flushed only when an answer is wanted (or the buffer passes
//! 32 KiB), so a hand costs one round trip per decision.
//!
//! Each bot runs in its own process group, registered with [`crate::interrupt`]: the
//! whole group (the bot and any child it started) is killed with `SIGKILL` when the
//! bot is written off or dropped (end of run, error, panic), and on Ctrl-C or SIGTERM
//! by the interrupt handler — a Ctrl-C at the terminal does not reach the bot
//! directly. If we are killed outright the bot reads end-of-file on stdin.
//!
//! Unix only (it uses `poll(2)`, process groups and non-blocking pipes).

mod socket;

use super::table_view::TableView;
use super::{claw, openpoker as op};
use crate::bot::{Action, Bot, Event, FaultNotes, Faults, HandResult, Turn};
use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

/// Bytes of a bot's stderr kept in memory for the crash report.
const STDERR_TAIL_BYTES: usize = 2048;

/// Bytes of a bot's stderr written to one seat's log file (all workers together);
/// then one line says the rest was cut.
pub const STDERR_LOG_BYTES: u64 = 1 << 20;

/// A stderr line longer than this is written to the log in pieces of this size.
const STDERR_LINE_BYTES: usize = 64 * 1024;

/// How long a wait for an answer yields and looks again before sleeping in `poll`.
const SPIN: Duration = Duration::from_micros(SPIN_US);
const SPIN_US: u64 = 200;

/// Longest line a bot may write (bytes); a longer one counts as a crash. Also the most
/// of its output buffered: stdout is not read while this much waits.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// Most bytes of messages waiting to be written to a bot; more means it stopped
/// reading (it counts as a crash). Normal play keeps under `FLUSH_BYTES` plus a hand.
pub const MAX_PENDING_BYTES: usize = 1 << 20;

/// Time a bot gets to exit by itself after its stdin is closed at the end of a run.
const EXIT_GRACE: Duration = Duration::from_millis(200);

/// Time a crashed bot gets to exit by itself, so that its own exit status is reported.
const CRASH_GRACE: Duration = Duration::from_millis(50);

/// Longest single `poll`: after it the child is looked at (`try_wait`), so a bot that
/// exited while a child of its own holds its pipes is noticed at once.
const LOOK_EVERY: Duration = Duration::from_millis(100);

/// Buffered output is flushed once it passes this size even when no answer is wanted.
const FLUSH_BYTES: usize = 32 * 1024;

/// Requests in a row (`your_turn` / `action.requested`) that a bot leaves unread in
/// its stdin pipe for their whole action timeout before it counts as having stopped
/// reading. Five, so that a bot that pauses once for up to four timeouts (a slow
/// start, a long computation) is only timed out, not written off.
pub const UNREAD_REQUESTS_LIMIT: u32 = 5;

/// The flood window (Open Poker, Error Codes: `flood_warning`, `flood_kick`).
pub const FLOOD_WINDOW: Duration = Duration::from_secs(5);
/// Invalid actions within [`FLOOD_WINDOW`] that get `flood_warning` ("10+ in 5 seconds").
pub const FLOOD_WARNING_AT: usize = 10;
/// Invalid actions within [`FLOOD_WINDOW`] beyond which the bot gets `flood_kick` and
/// is removed ("Exceeded 20 invalid actions in 5 seconds").
pub const FLOOD_KICK_ABOVE: usize = 20;

/// Hands in a row in which a `serve` bot timed out on every decision before it is
/// marked away and removed (`openpoker-websocket-protocol.txt`, "Timeouts": "Away
/// auto-kick | 3 consecutive missed hands"). In `run` the seat keeps playing and the
/// misses are counted as timeouts.
pub const AWAY_AFTER_MISSED_HANDS: u32 = 3;

/// Characters of an offending line quoted in a fault note.
const NOTE_CHARS: usize = 200;

/// How long a dropped WebSocket connection keeps its seat by default (Open Poker,
/// "Reconnection": "You have 120 seconds to reconnect").
pub const DEFAULT_RECONNECT_WINDOW: Duration = Duration::from_secs(120);

/// Which wire dialect an external bot speaks.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Dialect {
    /// Open Poker (`exec:`): `your_turn` / `action`.
    OpenPoker,
    /// Claw Poker (`exec-claw:`): `action.requested` / `action.intent`.
    Claw,
}

/// How an external bot's messages travel.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Transport {
    /// JSON lines on the process's stdin and stdout (`exec:`, `exec-claw:`).
    Pipes,
    /// A WebSocket connection the process opens to the embedded server
    /// ([`super::ws_server`]), one message per text frame (`ws:`, `ws-claw:`); the
    /// process's stdout and stderr both go to its stderr log.
    WebSocket,
}

/// The `--bots` prefixes of external bots, with what each means: the one place they
/// are spelled.
pub const PREFIXES: [(&str, Dialect, Transport); 4] = [
    ("exec:", Dialect::OpenPoker, Transport::Pipes),
    ("exec-claw:", Dialect::Claw, Transport::Pipes),
    ("ws:", Dialect::OpenPoker, Transport::WebSocket),
    ("ws-claw:", Dialect::Claw, Transport::WebSocket),
];

/// The dialect, transport and command of an external `--bots` entry (`exec:CMD`,
/// `exec-claw:CMD`, `ws:CMD`, `ws-claw:CMD`); `None` for anything else.
pub fn parse_entry(entry: &str) -> Option<(Dialect, Transport, &str)> {
    PREFIXES
        .iter()
        .find_map(|&(p, d, t)| entry.strip_prefix(p).map(|c| (d, t, c)))
}

/// The prefix of `dialect` over `transport`: `exec:`, `exec-claw:`, `ws:` or `ws-claw:`.
pub fn prefix(dialect: Dialect, transport: Transport) -> &'static str {
    PREFIXES
        .iter()
        .find(|&&(_, d, t)| d == dialect && t == transport)
        .map_or("exec:", |&(p, _, _)| p)
}

/// How to start an external bot.
#[derive(Clone, Debug)]
pub struct ExternalSpec {
    /// The command line as given (split on whitespace; no shell quoting).
    pub command: String,
    /// The dialect it speaks.
    pub dialect: Dialect,
    /// How its messages travel: pipes, or a WebSocket to the embedded server.
    pub transport: Transport,
    /// The name shown in the CSVs and sent to the bot as its `name`.
    pub name: String,
    /// Time allowed for each action, from `your_turn` to an accepted `action`.
    pub action_timeout: Duration,
    /// WebSocket bots: how long a dropped connection keeps its seat
    /// ([`DEFAULT_RECONNECT_WINDOW`] unless `--reconnect-window` says otherwise).
    pub reconnect_window: Duration,
    /// The folder for the bot's stderr logs (`NAME.seatN.stderr.log`, see the module
    /// documentation); `None`: only the last 2 KiB are kept, in memory, for a crash
    /// report.
    pub stderr_dir: Option<PathBuf>,
    /// Open Poker only (`--lean-wire`): send neither `table_state` nor the V2
    /// envelope, the 56% and 21% of the bytes a bot reads (measured), for a bot that
    /// uses neither.
    pub lean: bool,
}

/// File extensions that mark an argument as the bot's script (`python3 bot.py`).
const SCRIPT_EXTENSIONS: &[&str] = &[
    "py", "js", "mjs", "cjs", "ts", "rb", "pl", "sh", "bash", "lua", "jar", "r", "jl", "php",
    "exs", "dart", "kts", "groovy", "tcl",
];

/// The interpreter usually used for a script with this extension.
fn interpreter_for_extension(ext: &str) -> Option<&'static str> {
    Some(match ext {
        "py" => "python3",
        "js" | "mjs" | "cjs" => "node",
        "rb" => "ruby",
        "pl" => "perl",
        "sh" => "sh",
        "bash" => "bash",
        "lua" => "lua",
        "jar" => "java -jar",
        "r" => "Rscript",
        "jl" => "julia",
        "php" => "php",
        _ => return None,
    })
}

impl ExternalSpec {
    /// The program and arguments: `command` split on whitespace.
    pub fn argv(&self) -> Vec<&str> {
        self.command.split_whitespace().collect()
    }

    /// A short name for `command`: the file stem of the first argument with a
    /// script-like extension (`python3 bots/python/call_bot.py 0.55` → `call_bot`), else,
    /// when the program is looked up on `PATH` (an interpreter), of the first argument
    /// naming an existing file (`python3 mybot`), else the program's file name
    /// (`./mybot 0.55` → `mybot`). Options (`-x`) and numbers are never taken.
    pub fn short_name(command: &str) -> String {
        let args: Vec<&str> = command.split_whitespace().collect();
        let stem = |a: &str| {
            Path::new(a)
                .file_stem()
                .and_then(|s| s.to_str())
                .filter(|s| !s.is_empty())
                .unwrap_or(a)
                .to_string()
        };
        let Some((program, rest)) = args.split_first() else {
            return "exec".into();
        };
        let candidates = || {
            rest.iter()
                .copied()
                .filter(|a| !a.starts_with('-') && a.parse::<f64>().is_err())
        };
        let script = candidates().find(|a| {
            Path::new(a)
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| SCRIPT_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        });
        let file = || {
            (!program.contains('/'))
                .then(|| candidates().find(|a| Path::new(a).is_file()))
                .flatten()
        };
        stem(script.or_else(file).unwrap_or(program))
    }

    /// Checks that the program can be started: it is a regular file with an execute
    /// bit, given as a path (with a `/`) or found on `PATH`.
    ///
    /// # Errors
    /// [`ProgramError`], naming the program: not found, not a file, or not executable
    /// (then it says how to fix it: `chmod +x`, or the interpreter to run it through).
    pub fn check_program(&self) -> Result<(), ProgramError> {
        use std::os::unix::fs::PermissionsExt;
        let argv = self.argv();
        let Some(program) = argv.first() else {
            return Err(ProgramError::Empty);
        };
        let executable = |m: &std::fs::Metadata| m.is_file() && m.permissions().mode() & 0o111 != 0;
        if program.contains('/') {
            return match std::fs::metadata(program) {
                Err(_) => Err(ProgramError::NotFound(program.to_string())),
                Ok(m) if !m.is_file() => Err(ProgramError::NotAFile(program.to_string())),
                Ok(m) if !executable(&m) => Err(ProgramError::NotExecutable(
                    self.not_executable(program, Path::new(program)),
                )),
                Ok(_) => Ok(()),
            };
        }
        let mut not_executable = None;
        for dir in std::env::var_os("PATH")
            .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
            .unwrap_or_default()
        {
            let path = dir.join(program);
            match std::fs::metadata(&path) {
                Ok(m) if executable(&m) => return Ok(()),
                Ok(m) if m.is_file() && not_executable.is_none() => not_executable = Some(path),
                _ => {}
            }
        }
        match not_executable {
            Some(path) => Err(ProgramError::NotExecutable(
                self.not_executable(&path.display().to_string(), &path),
            )),
            None => Err(ProgramError::NotFound(program.to_string())),
        }
    }

    /// `PROGRAM is not executable (chmod +x PROGRAM, or run it through its
    /// interpreter: exec:INTERPRETER COMMAND)`; the interpreter is taken from the file's
    /// `#!` line, else from its extension.
    fn not_executable(&self, shown: &str, path: &Path) -> String {
        let mut head = [0u8; 256];
        let n = std::fs::File::open(path)
            .and_then(|mut f| f.read(&mut head))
            .unwrap_or(0);
        let shebang = head[..n]
            .strip_prefix(b"#!")
            .and_then(|l| l.split(|&b| b == b'\n').next())
            .and_then(|l| std::str::from_utf8(l).ok())
            .and_then(|l| {
                let mut words = l.split_whitespace();
                let first = words.next()?;
                let name = Path::new(first).file_name()?.to_str()?;
                if name == "env" {
                    words.find(|w| !w.starts_with('-')).map(str::to_string)
                } else {
                    Some(name.to_string())
                }
            });
        let interpreter = shebang
            .or_else(|| {
                path.extension()
                    .and_then(|e| e.to_str())
                    .and_then(|e| interpreter_for_extension(&e.to_ascii_lowercase()))
                    .map(str::to_string)
            })
            .unwrap_or_else(|| "INTERPRETER".into());
        format!(
            "{shown} is not executable (chmod +x {shown}, or run it through its interpreter: {}{interpreter} {})",
            prefix(self.dialect, self.transport),
            self.command.trim()
        )
    }
}

/// Why an external bot's program cannot be started.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProgramError {
    /// The command has no words.
    #[error("the command is empty")]
    Empty,
    /// No such file (on `PATH`, for a bare name).
    #[error("program {0:?} not found")]
    NotFound(String),
    /// The path is a folder or another non-file.
    #[error("{0} is not a file")]
    NotAFile(String),
    /// A file without an execute bit; the text says how to fix it.
    #[error("{0}")]
    NotExecutable(String),
}

/// Sets every external bot's [`ExternalSpec::stderr_dir`] to `dir`, creating it (only
/// when the line-up has an external bot).
///
/// # Errors
/// [`crate::fs::WriteError`] naming `dir` if it cannot be created.
pub fn keep_stderr_logs(
    lineup: &mut [crate::bots::BotSpec],
    dir: &Path,
) -> Result<(), crate::fs::WriteError> {
    let mut created = false;
    for spec in lineup {
        if let crate::bots::BotSpec::Exec(e) = spec {
            if !created {
                std::fs::create_dir_all(dir).map_err(|source| crate::fs::WriteError {
                    path: dir.to_path_buf(),
                    source,
                })?;
                created = true;
            }
            e.stderr_dir = Some(dir.to_path_buf());
        }
    }
    Ok(())
}

/// The log file name for `name`'s `seat`: `NAME.seatN.stderr.log`, with characters
/// other than letters, digits, `.`, `-` and `_` replaced by `_` (a name may be a whole
/// `exec:...` entry), cut to 80 characters.
pub fn stderr_log_name(name: &str, seat: u8) -> String {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .take(80)
        .collect();
    format!("{safe}.seat{seat}.stderr.log")
}

/// One seat's stderr log file, shared by the processes of every worker.
struct LogFile {
    file: std::fs::File,
    /// Bytes in the file.
    written: u64,
    /// The cap was reached and the notice written: later lines are dropped.
    cut: bool,
}

/// The log files open in this process, by path. An entry whose file was closed (every
/// process of that seat ended) is reopened for appending, not truncated: a worker that
/// starts late must not erase an early one's lines.
static LOG_FILES: Mutex<Vec<(PathBuf, Weak<Mutex<LogFile>>)>> = Mutex::new(Vec::new());

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// One process's side of a seat's stderr log: its partial line and its prefix.
struct StderrLog {
    path: PathBuf,
    file: Arc<Mutex<LogFile>>,
    /// `[worker K] ` when more than one worker plays, else empty.
    prefix: String,
    /// The end of the stderr read so far, after its last newline (at most
    /// [`STDERR_LINE_BYTES`]).
    partial: Vec<u8>,
}

impl StderrLog {
    /// Opens (or shares) `dir/NAME.seatN.stderr.log`. The worker is the rayon worker
    /// this is called on; `[worker K] ` prefixes appear when its pool has more than one
    /// thread.
    fn open(dir: &Path, name: &str, seat: u8) -> io::Result<StderrLog> {
        let path = dir.join(stderr_log_name(name, seat));
        let file = {
            let mut files = lock(&LOG_FILES);
            let known = files.iter().position(|(p, _)| *p == path);
            match known.and_then(|i| files[i].1.upgrade()) {
                Some(f) => f,
                None => {
                    let file = if known.is_some() {
                        std::fs::OpenOptions::new()
                            .append(true)
                            .create(true)
                            .open(&path)?
                    } else {
                        std::fs::File::create(&path)? // a previous run's log is replaced
                    };
                    let written = file.metadata()?.len();
                    let f = Arc::new(Mutex::new(LogFile {
                        file,
                        written,
                        cut: written >= STDERR_LOG_BYTES,
                    }));
                    match known {
                        Some(i) => files[i].1 = Arc::downgrade(&f),
                        None => files.push((path.clone(), Arc::downgrade(&f))),
                    }
                    f
                }
            }
        };
        let prefix = match rayon::current_thread_index() {
            Some(k) if rayon::current_num_threads() > 1 => format!("[worker {k}] "),
            _ => String::new(),
        };
        Ok(StderrLog {
            path,
            file,
            prefix,
            partial: Vec::new(),
        })
    }

    /// Adds bytes read from the bot's stderr; complete lines are written.
    fn add(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            let room = STDERR_LINE_BYTES - self.partial.len();
            let take = bytes.len().min(room);
            let (now, later) = bytes.split_at(take);
            self.partial.extend_from_slice(now);
            bytes = later;
            if let Some(last) = self.partial.iter().rposition(|&b| b == b'\n') {
                self.write_lines(last + 1);
            } else if self.partial.len() == STDERR_LINE_BYTES {
                self.partial.push(b'\n');
                self.write_lines(self.partial.len());
            }
        }
    }

    /// Writes what is left as a last line (the process ended).
    fn finish(&mut self) {
        if !self.partial.is_empty() {
            self.partial.push(b'\n');
            self.write_lines(self.partial.len());
        }
    }

    /// Writes `partial[..end]` (whole lines) with prefixes, within the file's cap.
    fn write_lines(&mut self, end: usize) {
        let mut text = Vec::with_capacity(end + 64);
        let mut f = lock(&self.file);
        for line in self.partial[..end].split_inclusive(|&b| b == b'\n') {
            if f.cut {
                break;
            }
            let len = (self.prefix.len() + line.len()) as u64;
            if f.written + (text.len() as u64) + len > STDERR_LOG_BYTES {
                f.cut = true;
                text.extend_from_slice(
                    format!(
                        "[holdem-arena] this log reached {STDERR_LOG_BYTES} bytes; the rest of the stderr was cut\n"
                    )
                    .as_bytes(),
                );
                break;
            }
            text.extend_from_slice(self.prefix.as_bytes());
            text.extend_from_slice(line);
        }
        if !text.is_empty() {
            // A log that cannot be written loses lines, never the run.
            if f.file.write_all(&text).is_ok() {
                f.written += text.len() as u64;
            }
        }
        drop(f);
        self.partial.drain(..end);
    }
}

/// Where a bot's stderr goes: a tail in memory, and the log file if any.
struct StderrSink {
    tail: VecDeque<u8>,
    log: Option<StderrLog>,
}

impl StderrSink {
    fn add(&mut self, bytes: &[u8]) {
        self.tail.extend(bytes);
        let excess = self.tail.len().saturating_sub(STDERR_TAIL_BYTES);
        self.tail.drain(..excess);
        if let Some(log) = &mut self.log {
            log.add(bytes);
        }
    }
}

/// The child process (leader of its own process group) and its three pipes (all
/// non-blocking). Dropping it kills the group and reaps the child.
struct Proc {
    child: Child,
    /// The process group id (the child's pid).
    pgid: i32,
    /// Set once the group was killed and the child reaped.
    ended: Option<io::Result<ExitStatus>>,
    stdin: Option<ChildStdin>,
    /// `None` for a WebSocket bot, whose stdout goes with its stderr.
    stdout: Option<ChildStdout>,
    /// The stderr pipe (for a WebSocket bot, its stdout too).
    stderr: Option<std::fs::File>,
    /// Registers the group for killing on Ctrl-C; dropped after reaping.
    _group: crate::interrupt::ChildGuard,
    /// Where reads from the pipes land ([`READ_CHUNK_BYTES`]), zeroed once: the wait
    /// loop polls the pipes many times a decision, and a buffer made on each poll
    /// was zeroed on each poll (once the largest cost of the wire path).
    chunk: Box<[u8]>,
}

/// Bytes one read from a bot's pipe takes at most.
const READ_CHUNK_BYTES: usize = 16 * 1024;

impl Proc {
    /// Whether the child has exited (it is not reaped: its pid, the group id, stays
    /// taken until [`Proc::end`] has killed the group).
    fn exited(&self) -> bool {
        // SAFETY: waitid fills the siginfo_t it is given; WNOWAIT leaves the child
        // waitable, so `Child::wait` still reaps it and gets its status.
        unsafe {
            let mut info: libc::siginfo_t = std::mem::zeroed();
            let r = libc::waitid(
                libc::P_PID,
                self.child.id() as libc::id_t,
                &mut info,
                libc::WEXITED | libc::WNOHANG | libc::WNOWAIT,
            );
            r == 0 && info.si_pid() != 0
        }
    }

    /// Whether the child exits by itself within `grace` (or has ended already).
    fn exits_within(&self, grace: Duration) -> bool {
        let until = Instant::now() + grace;
        loop {
            if self.ended.is_some() || self.exited() {
                return true;
            }
            if Instant::now() >= until {
                return false;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    /// Kills the whole process group (the bot and any child it started), then reaps
    /// the bot; returns its exit status. Does it once.
    fn end(&mut self) -> Option<ExitStatus> {
        if self.ended.is_none() {
            crate::interrupt::kill_group(self.pgid);
            self.ended = Some(self.child.wait());
        }
        self.ended.as_ref().and_then(|r| r.as_ref().ok().copied())
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.end();
    }
}

/// How a bot's process ended, as the crash report says it.
fn describe_exit(status: Option<ExitStatus>) -> String {
    match status.map(|s| (s.code(), s.signal())) {
        Some((Some(code), _)) => format!("exited with status {code}"),
        Some((None, Some(signal))) => format!("was killed by signal {signal}"),
        _ => "exited".into(),
    }
}

/// What waiting on the child gave.
#[derive(Debug)]
enum Wait {
    /// A complete line is at the front of the input buffer.
    Line,
    /// Everything buffered was written.
    Flushed,
    /// The deadline passed.
    Timeout,
    /// The child closed a pipe, exited or stopped reading; the text says how.
    Closed(String),
    /// A WebSocket bot reconnected (or took its session over) while a line was
    /// awaited: the request must be sent again on the new connection.
    Reconnected,
}

/// The times of the recent invalid actions, for Open Poker's flood limits.
#[derive(Default)]
struct Flood {
    /// At most `FLOOD_KICK_ABOVE + 1` times, oldest first, all within the window.
    recent: VecDeque<Instant>,
    /// `flood_warning` was sent and the window has not dropped below the threshold.
    warned: bool,
}

/// What one more invalid action means under the flood limits.
#[derive(PartialEq, Eq, Debug)]
enum FloodVerdict {
    Fine,
    Warn,
    Kick,
}

impl Flood {
    fn record(&mut self, now: Instant) -> FloodVerdict {
        while self
            .recent
            .front()
            .is_some_and(|&t| now.duration_since(t) >= FLOOD_WINDOW)
        {
            self.recent.pop_front();
        }
        if self.recent.len() > FLOOD_KICK_ABOVE {
            self.recent.pop_front();
        }
        self.recent.push_back(now);
        let n = self.recent.len();
        if n > FLOOD_KICK_ABOVE {
            FloodVerdict::Kick
        } else if n >= FLOOD_WARNING_AT {
            if std::mem::replace(&mut self.warned, true) {
                FloodVerdict::Fine
            } else {
                FloodVerdict::Warn
            }
        } else {
            self.warned = false;
            FloodVerdict::Fine
        }
    }
}

/// Which counter a fault goes to.
#[derive(Clone, Copy)]
enum FaultKind {
    Invalid,
    Rejected,
}

/// A [`Bot`] played by an external process. See the module documentation.
pub struct ExternalBot {
    spec: ExternalSpec,
    seat: u8,
    proc: Option<Proc>,
    /// Serialized messages not yet written (at most [`MAX_PENDING_BYTES`]).
    out: Vec<u8>,
    /// Bytes read from stdout not yet consumed (complete lines first; about
    /// [`MAX_LINE_BYTES`] at most).
    input: Vec<u8>,
    stderr: StderrSink,
    faults: Faults,
    notes: FaultNotes,
    /// Notes about stdout lines taken so far (at most `FaultNotes::MAX - 1`, leaving
    /// room for a crash's).
    line_notes: usize,
    /// Lines taken from stdout so far (for the notes' line numbers).
    stdout_lines: u64,
    flood: Flood,
    /// Bytes appended to `out` in all, and bytes written to the child's stdin in all.
    queued_bytes: u64,
    written_bytes: u64,
    /// Since when the child's stdin pipe has been full with bytes waiting.
    stalled_since: Option<Instant>,
    /// Requests in a row left unread in the pipe for their whole timeout.
    unread_requests: u32,
    /// The progress display's record of an outstanding decision.
    slot: Option<Arc<crate::waits::WaitSlot>>,
    connected: bool,
    names: Vec<String>,
    hand_id: u64,
    turns: u64,
    /// A WebSocket bot's connection (`None` over pipes).
    socket: Option<socket::SocketLink>,
    /// The arrival times of the WebSocket lines in `input`, one per line (empty over
    /// pipes), and that of the line taken last, for the flood limits.
    line_times: VecDeque<Instant>,
    line_at: Option<Instant>,
    /// A `serve` lobby bot: a connection and no process of ours.
    remote: bool,
    /// A `serve` lobby bot was told of the other players (`player_joined`).
    introduced: bool,
    /// A `serve` lobby bot left the table for good, and why ([`Bot::left_table`]).
    left: Option<crate::bot::LeaveReason>,
    /// What it asked of its seat since the session last asked ([`Bot::seat_requests`]).
    requests: crate::bot::SeatRequests,
    /// It is busted (`busted` sent, no `rebuy_confirmed` since).
    busted: bool,
    /// A `serve` Open Poker bot's entry for the season endpoints ([`super::rest`]).
    season: Option<Arc<Mutex<super::rest::SeasonEntry>>>,
    /// `serve`'s seat 0: its events feed the table's public log
    /// ([`super::observe::PublicLog`]), whether or not its bot is still connected.
    recorder: bool,
    /// This hand's decisions and timeouts, and the hands in a row it missed (timed
    /// out on every decision), for [`AWAY_AFTER_MISSED_HANDS`].
    hand_decisions: u32,
    hand_timeouts: u32,
    missed_hands: u32,
    /// Open Poker only: the table as this bot sees it (`table_state`), the V2
    /// envelope's counters and the hash of the current state.
    view: TableView,
    table_id: String,
    table_seq: u64,
    hand_seq: u64,
    state_hash: String,
}

fn set_nonblocking(fd: RawFd) -> io::Result<()> {
    // SAFETY: fcntl on a file descriptor we own; no memory is passed.
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        if flags < 0 || libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK) < 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

/// Bytes written to a pipe and not yet read from it (`FIONREAD` on its write end;
/// `None` where the system does not say).
fn unread_bytes(fd: RawFd) -> Option<u64> {
    let mut n: libc::c_int = 0;
    // SAFETY: FIONREAD writes one c_int through the pointer, which is valid.
    let r = unsafe { libc::ioctl(fd, libc::FIONREAD, &mut n) };
    (r == 0 && n >= 0).then_some(n as u64)
}

/// Starts `spec`'s command in its own process group with `env` added. Over pipes it
/// gets stdin, stdout and stderr pipes; over a WebSocket no stdin, and one pipe for
/// stdout and stderr together (a bot that prints its log to stdout must not block).
fn spawn(spec: &ExternalSpec, env: &[(&'static str, String)]) -> io::Result<Proc> {
    let argv = spec.argv();
    let Some((program, args)) = argv.split_first() else {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "empty command"));
    };
    let mut command = Command::new(program);
    command
        .args(args)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .process_group(0);
    let merged = match spec.transport {
        Transport::Pipes => {
            command
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            None
        }
        Transport::WebSocket => {
            let (reader, writer) = io::pipe()?;
            command
                .stdin(Stdio::null())
                .stdout(writer.try_clone()?)
                .stderr(writer);
            Some(reader)
        }
    };
    let mut child = command.spawn()?;
    drop(command); // closes our copies of the write end of the merged pipe
    let pgid = child.id() as i32;
    let group = crate::interrupt::register_child(pgid);
    let stderr = match merged {
        Some(reader) => std::fs::File::from(std::os::fd::OwnedFd::from(reader)),
        None => std::fs::File::from(std::os::fd::OwnedFd::from(
            child.stderr.take().expect("stderr was piped"),
        )),
    };
    let proc = Proc {
        stdin: child.stdin.take(),
        stdout: child.stdout.take(),
        child,
        pgid,
        ended: None,
        stderr: Some(stderr),
        _group: group,
        chunk: vec![0; READ_CHUNK_BYTES].into_boxed_slice(),
    };
    for fd in [
        proc.stdin.as_ref().map_or(-1, |p| p.as_raw_fd()),
        proc.stdout.as_ref().map_or(-1, |p| p.as_raw_fd()),
        proc.stderr.as_ref().map_or(-1, |p| p.as_raw_fd()),
    ] {
        if fd >= 0 {
            set_nonblocking(fd)?; // on error `proc` is dropped: killed and reaped
        }
    }
    Ok(proc)
}

/// `line`, lossily decoded, cut to [`NOTE_CHARS`] characters and quoted.
fn quote(line: &[u8]) -> String {
    let text = String::from_utf8_lossy(line);
    let mut cut: String = text.chars().take(NOTE_CHARS).collect();
    if cut.len() < text.len() {
        cut.push('…');
    }
    format!("{cut:?}")
}

/// A serde error's message without its position (`at line 1 column 5`): a bot's line
/// is always one line.
fn serde_reason(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rsplit_once(" at line ") {
        Some((reason, _)) => reason.to_string(),
        None => text,
    }
}

impl ExternalBot {
    /// Starts `spec`'s process for `seat`. A process that cannot be started is
    /// reported on stderr and counted as a crash; the seat then auto-folds.
    pub fn start(spec: &ExternalSpec, seat: u8) -> ExternalBot {
        let mut bot = ExternalBot::detached(spec, seat);
        if spec.transport == Transport::WebSocket && spec.command.is_empty() {
            bot.seat_lobby_bot();
            return bot;
        }
        if spec.transport == Transport::WebSocket {
            match super::ws_server::embedded() {
                Ok(server) => {
                    let registration = server.register(spec.dialect);
                    bot.socket = Some(socket::SocketLink::new(
                        registration,
                        spec.dialect,
                        format!("offline-seat-{seat}"),
                        spec.name.clone(),
                        spec.reconnect_window,
                    ));
                }
                Err(e) => {
                    bot.crash(&format!("could not start the WebSocket server ({e})"));
                    return bot;
                }
            }
        }
        let env = bot
            .socket
            .as_ref()
            .map_or_else(Vec::new, |s| s.lock().env().to_vec());
        match spawn(spec, &env) {
            Ok(p) => {
                bot.proc = Some(p);
                bot.slot = Some(crate::waits::register(format!(
                    "{} (seat {seat})",
                    spec.name
                )));
                if let Some(dir) = &spec.stderr_dir {
                    match StderrLog::open(dir, &spec.name, seat) {
                        Ok(log) => bot.stderr.log = Some(log),
                        Err(e) => eprintln!(
                            "warning: cannot write {} ({e}); bot {:?}'s stderr is kept only in memory",
                            dir.join(stderr_log_name(&spec.name, seat)).display(),
                            spec.name
                        ),
                    }
                }
            }
            Err(e) => bot.crash(&format!("could not be started: {e}")),
        }
        bot
    }

    /// Seats the `serve` lobby bot named after this seat's spec: its connection, and its
    /// own credentials registered for its reconnects.
    fn seat_lobby_bot(&mut self) {
        let arrival = super::ws_server::running().and_then(|s| s.take_seated(&self.spec.name));
        let (Some(server), Some(arrival)) = (super::ws_server::running(), arrival) else {
            self.crash("is not connected");
            return;
        };
        if arrival.dialect == Dialect::OpenPoker {
            let stack = arrival.buy_in_chips.unwrap_or(op::DEFAULT_BUY_IN_CHIPS);
            self.season = Some(server.season_entry(&arrival.key, &self.spec.name, stack));
        }
        let registration = server.register_as(arrival.dialect, arrival.key);
        let link = socket::SocketLink::new(
            registration,
            self.spec.dialect,
            format!("offline-seat-{}", self.seat),
            self.spec.name.clone(),
            self.spec.reconnect_window,
        );
        link.lock().seat(arrival.socket, arrival.kept);
        self.socket = Some(link);
        self.remote = true;
        self.recorder = self.seat == 0;
        self.slot = Some(crate::waits::register(format!(
            "{} (seat {})",
            self.spec.name, self.seat
        )));
    }

    /// A bot with no process (it folds): the state [`ExternalBot::start`] begins from.
    fn detached(spec: &ExternalSpec, seat: u8) -> ExternalBot {
        ExternalBot {
            spec: spec.clone(),
            seat,
            proc: None,
            out: Vec::with_capacity(FLUSH_BYTES),
            input: Vec::with_capacity(4096),
            stderr: StderrSink {
                tail: VecDeque::new(),
                log: None,
            },
            faults: Faults::default(),
            notes: FaultNotes::default(),
            line_notes: 0,
            stdout_lines: 0,
            flood: Flood::default(),
            queued_bytes: 0,
            written_bytes: 0,
            stalled_since: None,
            unread_requests: 0,
            slot: None,
            connected: false,
            names: Vec::new(),
            hand_id: 0,
            turns: 0,
            socket: None,
            line_times: VecDeque::new(),
            line_at: None,
            remote: false,
            introduced: false,
            recorder: false,
            left: None,
            requests: crate::bot::SeatRequests::default(),
            busted: false,
            season: None,
            hand_decisions: 0,
            hand_timeouts: 0,
            missed_hands: 0,
            view: TableView::default(),
            table_id: String::new(),
            table_seq: 0,
            hand_seq: 0,
            state_hash: String::new(),
        }
    }

    /// Whether the bot is still playing (not crashed): its process runs, or, for a
    /// `serve` lobby bot, its seat is kept.
    pub fn alive(&self) -> bool {
        self.proc.is_some() || (self.remote && self.socket.is_some())
    }

    /// Appends one message as a JSON line to the output buffer. A bot with more than
    /// [`MAX_PENDING_BYTES`] waiting has stopped reading: it is written off.
    fn send<T: serde::Serialize>(&mut self, msg: &T) {
        if !self.alive() {
            return;
        }
        let before = self.out.len();
        serde_json::to_writer(&mut self.out, msg).expect("wire messages serialize");
        self.out.push(b'\n');
        self.queued_bytes += (self.out.len() - before) as u64;
        if self.out.len() > MAX_PENDING_BYTES {
            self.crash(&format!(
                "stopped reading its input (more than {MAX_PENDING_BYTES} bytes of messages waiting)"
            ));
        }
    }

    /// Writes out what is buffered if it grew large. A `serve` bot's messages are
    /// staged in its socket instead, so the keeper delivers them while the table waits
    /// on another bot (live, events and `action_ack` come as they happen).
    fn maybe_flush(&mut self) {
        if self.remote
            && let Some(link) = &self.socket
            && let Ok(n) = link.lock().stage(&self.out)
        {
            // A bot that stopped reading keeps its messages here, for the next wait
            // to write it off.
            self.out.drain(..n);
            self.written_bytes += n as u64;
        }
        if self.out.len() >= FLUSH_BYTES {
            let deadline = Instant::now() + self.spec.action_timeout;
            self.flush(deadline);
        }
    }

    /// Writes everything buffered before `deadline`; a child that does not read its
    /// input in time, or has gone, is treated as crashed.
    fn flush(&mut self, deadline: Instant) {
        match self.wait(deadline, false) {
            Wait::Flushed | Wait::Line | Wait::Reconnected => {}
            Wait::Timeout => self.crash(&format!(
                "stopped reading its input for {:?}",
                self.spec.action_timeout
            )),
            Wait::Closed(how) => self.crash(&how),
        }
    }

    /// Pumps the pipes until a line is available (`want_line`) or the output buffer
    /// is written (`!want_line`), the child goes away or stops reading, or `deadline`
    /// passes.
    fn wait(&mut self, deadline: Instant, want_line: bool) -> Wait {
        if self.socket.is_some() {
            return self.wait_socket(deadline, want_line);
        }
        let Some(proc) = self.proc.as_mut() else {
            return Wait::Closed("is not running".into());
        };
        let timeout = self.spec.action_timeout;
        let mut written = 0;
        let spin_end = Instant::now() + SPIN;
        let mut look_at = Instant::now() + LOOK_EVERY;
        let result = loop {
            if want_line && self.input.contains(&b'\n') {
                break Wait::Line;
            }
            if written < self.out.len() {
                // Try the write first: the pipe usually has room.
                let Some(stdin) = proc.stdin.as_mut() else {
                    break Wait::Closed("is not running".into());
                };
                match stdin.write(&self.out[written..]) {
                    Ok(n) => {
                        written += n;
                        self.written_bytes += n as u64;
                        self.stalled_since = None;
                    }
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => break Wait::Closed(format!("closed its input ({e})")),
                }
            }
            let pending_write = written < self.out.len();
            if !want_line && !pending_write {
                break Wait::Flushed;
            }
            let now = Instant::now();
            if pending_write {
                let since = *self.stalled_since.get_or_insert(now);
                if now.duration_since(since) >= timeout {
                    break Wait::Closed(format!(
                        "stopped reading its input (its stdin stayed full for {timeout:?})"
                    ));
                }
            }
            if now >= deadline {
                break Wait::Timeout;
            }
            if want_line && !pending_write && now < spin_end {
                // Answers usually come within tens of microseconds: look again after
                // yielding the core rather than sleep in poll, whose wake-up from an
                // idle core costs more than the answer itself.
                match read_stdout(proc, &mut self.input) {
                    Ok(true) => {
                        if !self.input.contains(&b'\n') {
                            std::thread::yield_now();
                        }
                        continue;
                    }
                    Ok(false) if self.input.contains(&b'\n') => break Wait::Line,
                    Ok(false) => break Wait::Closed("closed its output".into()),
                    Err(Gone(how)) => break Wait::Closed(how),
                }
            }
            let mut until = deadline.min(now + LOOK_EVERY);
            if pending_write {
                until = until.min(self.stalled_since.unwrap_or(now) + timeout);
            }
            let ms = until
                .saturating_duration_since(now)
                .as_micros()
                .div_ceil(1000)
                .min(i32::MAX as u128) as i32;
            let read_more = self.input.len() < MAX_LINE_BYTES;
            let mut fds = [
                libc::pollfd {
                    fd: if read_more {
                        proc.stdout.as_ref().map_or(-1, |o| o.as_raw_fd())
                    } else {
                        -1
                    },
                    events: libc::POLLIN,
                    revents: 0,
                },
                libc::pollfd {
                    fd: proc.stderr.as_ref().map_or(-1, |e| e.as_raw_fd()),
                    events: libc::POLLIN,
                    revents: 0,
                },
                libc::pollfd {
                    fd: if pending_write {
                        proc.stdin.as_ref().map_or(-1, |i| i.as_raw_fd())
                    } else {
                        -1
                    },
                    events: libc::POLLOUT,
                    revents: 0,
                },
            ];
            // SAFETY: `fds` is a valid array of 3 pollfd for the duration of the call.
            let r = unsafe { libc::poll(fds.as_mut_ptr(), 3, ms) };
            if r < 0 {
                let e = io::Error::last_os_error();
                if e.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                break Wait::Closed(format!("poll failed ({e})"));
            }
            let now = Instant::now();
            if r == 0 || now >= look_at {
                // Nothing for a while: has it exited (perhaps leaving a child of its
                // own holding the pipes, so that they never close)?
                look_at = now + LOOK_EVERY;
                if proc.exited() {
                    drain_stderr(proc, &mut self.stderr);
                    break Wait::Closed(describe_exit(proc.end()));
                }
            }
            if fds[1].revents != 0 {
                drain_stderr(proc, &mut self.stderr);
            }
            if fds[0].revents != 0 {
                match read_stdout(proc, &mut self.input) {
                    Ok(true) => {}
                    Ok(false) if want_line && self.input.contains(&b'\n') => break Wait::Line,
                    Ok(false) => break Wait::Closed("closed its output".into()),
                    Err(Gone(how)) => break Wait::Closed(how),
                }
            }
        };
        self.out.drain(..written);
        if self.out.is_empty() {
            self.stalled_since = None;
        }
        result
    }

    /// [`Self::wait`] for a WebSocket bot, with the same contract, over its connection
    /// (see the `socket` module). While the bot is not connected (not yet, or dropped
    /// within the reconnect window) the messages wait, and only the deadline, the
    /// process's exit or the link's expiry end a wait for a line; a wait to flush
    /// returns at once.
    fn wait_socket(&mut self, deadline: Instant, want_line: bool) -> Wait {
        let timeout = self.spec.action_timeout;
        let spin_end = Instant::now() + SPIN;
        let mut look_at = Instant::now() + LOOK_EVERY;
        let Some(_waiting) = self.socket.as_ref().map(socket::SocketLink::waiting) else {
            return Wait::Closed("is not running".into());
        };
        loop {
            let Some(shared) = self.socket.as_ref() else {
                return Wait::Closed("is not running".into());
            };
            let mut link = shared.lock();
            let reconnected = link.adopt();
            let written = match link.write(&self.out) {
                Ok(n) => n,
                Err(how) => return Wait::Closed(how),
            };
            self.out.drain(..written);
            self.written_bytes += written as u64;
            if reconnected && want_line {
                return Wait::Reconnected;
            }
            let received = match link.read(&mut self.input, &mut self.line_times, MAX_LINE_BYTES) {
                Ok(r) => r,
                Err(how) => return Wait::Closed(how),
            };
            let playing = link.playing();
            let pending = !self.out.is_empty() || link.unflushed();
            let fd = link.fd();
            let unflushed = link.unflushed();
            let now = Instant::now();
            let expired = link.expired(now);
            let dropped = link.dropped();
            drop(link);
            if received.rate_limited > 0 {
                self.rate_limited(received);
                continue;
            }
            if want_line && self.input.contains(&b'\n') {
                return Wait::Line;
            }
            if !want_line && (!pending || !playing) {
                return Wait::Flushed;
            }
            if pending && playing {
                let since = *self.stalled_since.get_or_insert(now);
                if now.duration_since(since) >= timeout {
                    return Wait::Closed(format!(
                        "stopped reading its WebSocket (messages waited {timeout:?} to be sent)"
                    ));
                }
            } else {
                self.stalled_since = None;
            }
            if let Some(why) = expired {
                if dropped && self.remote {
                    self.left = Some(crate::bot::LeaveReason::DisconnectTimeout);
                }
                return Wait::Closed(why);
            }
            if now >= deadline {
                return Wait::Timeout;
            }
            if now >= look_at {
                look_at = now + LOOK_EVERY;
                if let Some(proc) = self.proc.as_mut()
                    && proc.exited()
                {
                    drain_stderr(proc, &mut self.stderr);
                    return Wait::Closed(describe_exit(proc.end()));
                }
            }
            if fd.is_some() && now < spin_end {
                std::thread::yield_now(); // answers usually come within microseconds
                continue;
            }
            // Not connected: look at the server's hand-over channel every 2 ms.
            let until = if fd.is_some() {
                deadline.min(look_at)
            } else {
                deadline.min(now + Duration::from_millis(2))
            };
            let ms = until
                .saturating_duration_since(now)
                .as_micros()
                .div_ceil(1000)
                .min(i32::MAX as u128) as i32;
            let mut fds = [
                libc::pollfd {
                    fd: fd.unwrap_or(-1),
                    events: libc::POLLIN | if unflushed { libc::POLLOUT } else { 0 },
                    revents: 0,
                },
                libc::pollfd {
                    fd: self
                        .proc
                        .as_ref()
                        .and_then(|p| p.stderr.as_ref())
                        .map_or(-1, |e| e.as_raw_fd()),
                    events: libc::POLLIN,
                    revents: 0,
                },
            ];
            // SAFETY: `fds` is a valid array of 2 pollfd for the duration of the call.
            let r = unsafe { libc::poll(fds.as_mut_ptr(), 2, ms) };
            if r > 0
                && fds[1].revents != 0
                && let Some(proc) = self.proc.as_mut()
            {
                drain_stderr(proc, &mut self.stderr);
            }
        }
    }

    /// At the end of a hand: a hand whose every decision timed out is missed; a `serve`
    /// bot that misses [`AWAY_AFTER_MISSED_HANDS`] in a row is marked away and removed.
    fn count_missed_hand(&mut self) {
        let (decisions, timeouts) = (self.hand_decisions, self.hand_timeouts);
        (self.hand_decisions, self.hand_timeouts) = (0, 0);
        if decisions == 0 {
            return;
        }
        self.missed_hands = if timeouts == decisions {
            self.missed_hands + 1
        } else {
            0
        };
        if self.remote && self.missed_hands >= AWAY_AFTER_MISSED_HANDS {
            self.crash(&format!(
                "was marked away and removed ({AWAY_AFTER_MISSED_HANDS} missed hands in a row)"
            ));
        }
    }

    /// Counts and answers messages the rate limit dropped: one `error` `rate_limited`
    /// each (Open Poker, "Rate limits"), counted in `invalid_messages`, the first noted.
    fn rate_limited(&mut self, r: socket::Received) {
        self.faults.invalid_messages += u64::from(r.rate_limited);
        if self.line_notes + 1 < FaultNotes::MAX {
            self.line_notes += 1;
            self.notes.push(format!(
                "{} messages on the WebSocket were dropped (rate_limited: more than {} in {} s), the first: {}",
                r.rate_limited,
                socket::RATE_LIMIT,
                socket::RATE_WINDOW.as_secs(),
                quote(&r.first_dropped)
            ));
        }
        for _ in 0..r.rate_limited {
            self.send_error(
                "rate_limited",
                format!(
                    "Rate limit exceeded: at most {} messages per second; message dropped",
                    socket::RATE_LIMIT
                ),
            );
        }
    }

    /// Takes the first complete line out of the input buffer.
    /// Reads what the bot has sent so far without writing or waiting (one
    /// non-blocking read); a failure is left for the next [`Self::wait`] to report.
    fn pump_input(&mut self) {
        if let Some(link) = self.socket.as_ref() {
            let read = link
                .lock()
                .read(&mut self.input, &mut self.line_times, MAX_LINE_BYTES);
            if let Ok(r) = read
                && r.rate_limited > 0
            {
                self.rate_limited(r);
            }
        } else if let Some(proc) = self.proc.as_mut() {
            let _ = read_stdout(proc, &mut self.input);
        }
    }

    fn take_line(&mut self) -> Vec<u8> {
        let Some(end) = self.input.iter().position(|&b| b == b'\n') else {
            return Vec::new();
        };
        let mut line: Vec<u8> = self.input.drain(..=end).collect();
        line.pop();
        self.stdout_lines += 1;
        self.line_at = self.line_times.pop_front();
        line
    }

    /// Kills the child's process group (if any), reports why on stderr with its stderr
    /// tail (unless the run is being stopped by a signal), notes it, and counts a
    /// crash. The seat auto-folds from now on.
    fn crash(&mut self, how: &str) {
        let mut what = how.to_string();
        if let Some(mut proc) = self.proc.take() {
            // A bot that closed its output is usually on its way out: give it a moment
            // (before closing its stdin, which would make a healthy bot exit too) so
            // that its own exit status is reported, not our kill.
            let exited = proc.exits_within(CRASH_GRACE);
            drop(proc.stdin.take());
            let status = proc.end();
            if exited {
                let text = describe_exit(status);
                if text != how {
                    what = format!("{how} and {text}");
                }
            }
            // The group is gone: whatever is left in the stderr pipe ends in EOF
            // (unless a process outside the group holds it: read what is there).
            drain_stderr(&mut proc, &mut self.stderr);
        }
        if let Some(log) = &mut self.stderr.log {
            log.finish();
        }
        if let Some(slot) = &self.slot {
            slot.stop();
        }
        self.socket = None; // revokes its credentials
        if self.remote {
            self.left.get_or_insert(crate::bot::LeaveReason::Kicked);
        }
        self.faults.crashes += 1;
        self.notes.push(format!("crashed: {what}"));
        self.out.clear();
        if crate::interrupt::requested().is_some() {
            return; // the run is being stopped: the bots were killed on purpose
        }
        let tail = String::from_utf8_lossy(self.stderr.tail.make_contiguous()).into_owned();
        let tail = tail.trim_end();
        let log = self
            .stderr
            .log
            .as_ref()
            .map(|l| format!(" (all of it: {})", l.path.display()))
            .unwrap_or_default();
        eprintln!(
            "warning: bot {:?} (seat {}, `{}`) {what}; {}{}",
            self.spec.name,
            self.seat,
            self.spec.command,
            if self.remote {
                "its seat leaves the table (player_left)"
            } else {
                "its seat folds for the rest of the run"
            },
            if tail.is_empty() {
                ". Its stderr was empty.".to_string()
            } else {
                format!(". Its stderr ended with{log}:\n{tail}")
            }
        );
    }

    /// Counts one invalid action (a rejected action or an invalid message) with a note
    /// about `line` (line `stdout_lines` of stdout) saying `what` was wrong, and applies
    /// the flood limits: the warning is sent, or the bot is kicked (crashed).
    fn fault(&mut self, kind: FaultKind, line: &[u8], what: &str) {
        match kind {
            FaultKind::Invalid => self.faults.invalid_messages += 1,
            FaultKind::Rejected => self.faults.rejected_actions += 1,
        }
        if self.line_notes + 1 < FaultNotes::MAX {
            self.line_notes += 1;
            let source = if self.socket.is_some() {
                format!("message {} on the WebSocket", self.stdout_lines)
            } else {
                format!("line {} of stdout", self.stdout_lines)
            };
            self.notes.push(format!("{source} {what}: {}", quote(line)));
        }
        // The line's arrival, not now: lines that waited are judged in a burst.
        let at = self.line_at.unwrap_or_else(Instant::now);
        let (code, message) = match self.flood.record(at) {
            FloodVerdict::Fine => return,
            FloodVerdict::Warn => (
                "flood_warning",
                format!(
                    "Too many invalid actions in a short window ({FLOOD_WARNING_AT}+ in {} seconds). Slow down.",
                    FLOOD_WINDOW.as_secs()
                ),
            ),
            FloodVerdict::Kick => (
                "flood_kick",
                format!(
                    "Exceeded {FLOOD_KICK_ABOVE} invalid actions in {} seconds. You have been removed from the table.",
                    FLOOD_WINDOW.as_secs()
                ),
            ),
        };
        self.send_error(code, message);
        if code == "flood_kick" {
            // Tell it why, if its pipe has room, then write it off.
            self.wait(Instant::now(), false);
            self.crash(&format!(
                "was removed from the table (flood_kick: more than {FLOOD_KICK_ABOVE} invalid actions in {} s)",
                FLOOD_WINDOW.as_secs()
            ));
        }
    }

    /// Sends an `error` message in the bot's dialect.
    fn send_error(&mut self, code: &str, message: String) {
        match self.spec.dialect {
            Dialect::OpenPoker => self.send(&op::ServerMessage::Error(op::ErrorMessage {
                code: code.into(),
                message,
                extra: op::Extra::new(),
            })),
            Dialect::Claw => self.send(&claw::Message::Error(claw::Envelope::new(
                claw::ErrorData {
                    code: code.into(),
                    message,
                },
            ))),
        }
    }

    fn token(&mut self) -> String {
        self.turns += 1;
        format!(
            "{:08x}-{:04x}-{:04x}-{:012x}",
            self.hand_id as u32,
            self.seat,
            (self.turns >> 48) as u16,
            self.turns & 0xffff_ffff_ffff
        )
    }

    /// Sends the request for `turn` (`your_turn` with a fresh token, or
    /// `action.requested`) and returns the token (empty for Claw).
    fn request(&mut self, turn: &Turn<'_>) -> String {
        let token = match self.spec.dialect {
            Dialect::OpenPoker => {
                let token = self.token();
                // The snapshot at the bot's own turn: who acts, what it may do.
                if !self.spec.lean {
                    self.view.turn(turn);
                    self.rehash(Some(turn));
                    self.send_op(&op::ServerMessage::TableState(
                        self.view.snapshot(Some(turn)),
                    ));
                }
                self.send_op(&op::ServerMessage::YourTurn(op::YourTurn::from_turn(
                    turn,
                    token.clone(),
                )));
                token
            }
            Dialect::Claw => {
                // Claw Poker has no turn token: lines already here answer an earlier,
                // timed-out request. Drop them (rejected) rather than take them for
                // this one.
                while self.alive() && self.input.contains(&b'\n') {
                    let line = self.take_line();
                    if !line.iter().all(u8::is_ascii_whitespace) {
                        self.fault(
                            FaultKind::Rejected,
                            &line,
                            "answered an earlier, timed-out request and was dropped",
                        );
                    }
                }
                self.send(&claw::Message::ActionRequested(claw::Envelope::new(
                    claw::ActionRequested::from_turn(turn),
                )));
                String::new()
            }
        };
        if let Some(link) = &self.socket {
            link.lock().request_sent();
        }
        token
    }

    /// Asks the child for an action; see the module documentation for the rules.
    fn ask(&mut self, turn: &Turn<'_>) -> Action {
        let started = Instant::now();
        let deadline = started + self.spec.action_timeout;
        // Lines the bot sent before this turn's `your_turn` (what has arrived so far):
        // an Open Poker action among them acted out of turn.
        self.pump_input();
        let mut early = self.input.iter().filter(|&&b| b == b'\n').count();
        let mut token = self.request(turn);
        // Where this request ends in the stream of bytes sent to the bot.
        let request_end = self.queued_bytes;
        loop {
            if !self.alive() {
                return turn.valid_actions.timeout_action();
            }
            match self.wait(deadline, true) {
                Wait::Line => {}
                Wait::Flushed => unreachable!("waited for a line"),
                Wait::Reconnected => {
                    // "If it's still your turn, you'll receive a fresh your_turn"
                    // (openpoker-common-bot-errors.txt, FAQ); the old token is stale.
                    token = self.request(turn);
                    continue;
                }
                Wait::Timeout => return self.timed_out(turn, request_end),
                Wait::Closed(how) => {
                    self.crash(&how);
                    return turn.valid_actions.timeout_action();
                }
            }
            let line = self.take_line();
            let out_of_turn = early > 0;
            early = early.saturating_sub(1);
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let answer = match self.spec.dialect {
                Dialect::OpenPoker => {
                    let answers = (!out_of_turn).then_some((token.as_str(), turn));
                    self.judge_openpoker(&line, answers)
                }
                Dialect::Claw => self.judge_claw(&line, turn),
            };
            if let Some(action) = answer {
                self.unread_requests = 0;
                return action;
            }
        }
    }

    /// A decision that got no accepted answer in time: counted, answered for the bot
    /// (the timeout action), and the bot written off if it left this request and the
    /// [`UNREAD_REQUESTS_LIMIT`]` - 1` before it unread in its pipe.
    fn timed_out(&mut self, turn: &Turn<'_>, request_end: u64) -> Action {
        self.faults.timeouts += 1;
        self.hand_timeouts += 1;
        let action = turn.valid_actions.timeout_action();
        let unread = self
            .proc
            .as_ref()
            .and_then(|p| p.stdin.as_ref())
            .and_then(|s| unread_bytes(s.as_raw_fd()));
        if let Some(unread) = unread {
            let consumed = self.written_bytes.saturating_sub(unread);
            if consumed < request_end {
                self.unread_requests += 1;
            } else {
                self.unread_requests = 0;
            }
            if self.unread_requests >= UNREAD_REQUESTS_LIMIT {
                self.crash(&format!(
                    "stopped reading its input (it left {UNREAD_REQUESTS_LIMIT} requests in a row unread for the whole action timeout, {:?})",
                    self.spec.action_timeout
                ));
                return action;
            }
        }
        let timeout = claw::TimeoutTriggered {
            hand_id: turn.hand_id.to_string(),
            seat: turn.seat,
            action: action.as_str().into(),
        };
        if self.remote
            && let Some(server) = super::ws_server::running()
        {
            server.public_log().record_timeout(timeout.clone());
        }
        if self.spec.dialect == Dialect::Claw {
            self.send(&claw::Message::TimeoutTriggered(claw::Envelope::new(
                timeout,
            )));
        }
        action
    }

    /// Judges one Open Poker line: the accepted action (after sending `action_ack`), or
    /// `None` after answering with `action_rejected` / `error` and counting the fault,
    /// or after taking a table request (`set_auto_rebuy`, `rebuy`, `leave_table`,
    /// `resync_request`; `join_lobby` gets `already_seated`). `turn`: the turn token
    /// and turn the line may answer; `None` when it was sent before this turn's
    /// `your_turn` or between hands, so an action in it is rejected with
    /// `Not your turn`.
    fn judge_openpoker(&mut self, line: &[u8], turn: Option<(&str, &Turn<'_>)>) -> Option<Action> {
        let msg = match serde_json::from_slice::<op::ClientMessage>(line) {
            Ok(m) => m,
            Err(e) => {
                let value = serde_json::from_slice::<serde_json::Value>(line);
                let unknown = value.as_ref().ok().and_then(|v| {
                    v.get("type").and_then(|t| t.as_str()).filter(|t| {
                        !matches!(
                            *t,
                            "action"
                                | "join_lobby"
                                | "rebuy"
                                | "leave_table"
                                | "resync_request"
                                | "set_auto_rebuy"
                        )
                    })
                });
                let (code, message, what) = match (unknown, &value) {
                    (Some(t), _) => (
                        "unknown_message",
                        format!("Unknown message type: {t:?}"),
                        "has an unknown type".to_string(),
                    ),
                    (None, Err(_)) => (
                        "invalid_message",
                        format!("Invalid message: {e}"),
                        "was not JSON".to_string(),
                    ),
                    (None, Ok(_)) => (
                        "invalid_message",
                        format!("Invalid message: {e}"),
                        format!("was not a valid message ({})", serde_reason(&e)),
                    ),
                };
                self.send_error(code, message);
                self.fault(FaultKind::Invalid, line, &what);
                return None;
            }
        };
        let a = match msg {
            op::ClientMessage::Action(a) => a,
            op::ClientMessage::ResyncRequest(_) if self.socket.is_some() => {
                // The missed events were delivered, in order, on reconnecting (and a
                // pending turn sent again): nothing is left to replay.
                let snapshot = op::ServerMessage::TableState(self.view.snapshot(None));
                self.send_op(&op::ServerMessage::ResyncResponse(op::ResyncResponse {
                    from_table_seq: self.table_seq + 1,
                    to_table_seq: self.table_seq,
                    replayed_events: Vec::new(),
                    snapshot: serde_json::to_value(&snapshot).unwrap_or_default(),
                    role: "player".into(),
                    extra: op::Extra::new(),
                }));
                return None;
            }
            op::ClientMessage::LeaveTable(_) if self.remote => {
                // Open Poker, "leave_table": "Any time while seated". The hand in play
                // is folded; the seat is gone before the next hand, when the
                // connection closes ("Connection closes on ... leave_table").
                self.left = Some(crate::bot::LeaveReason::Left);
                eprintln!(
                    "{} left the table (leave_table, seat {})",
                    self.spec.name, self.seat
                );
                return Some(Action::Fold);
            }
            op::ClientMessage::JoinLobby(_) if self.socket.is_some() => {
                // Open Poker, "Error Codes": `already_seated`.
                self.send_error(
                    "already_seated",
                    "Sent join_lobby while already seated at a table".into(),
                );
                return None;
            }
            op::ClientMessage::SetAutoRebuy(r) => {
                // "auto_rebuy_set | enabled | Confirms auto-rebuy preference was
                // saved | After sending set_auto_rebuy". It takes effect in `serve`.
                self.send(&serde_json::json!({"type": "auto_rebuy_set", "enabled": r.enabled}));
                self.requests.auto_rebuy = Some(r.enabled);
                if let Some(season) = &self.season {
                    lock(season).auto_rebuy = Some(r.enabled);
                }
                return None;
            }
            op::ClientMessage::Rebuy(_) => {
                // "rebuy | amount | Buy back in after busting | After receiving
                // busted": `rebuy_confirmed` follows when the seat is back.
                self.requests.rebuy |= self.busted;
                return None;
            }
            _ => return None, // other lobby and table requests mean nothing offline
        };
        let verdict = match turn {
            // Sent before this turn's `your_turn`: while another player acted or
            // between hands (offline the two look the same).
            None => Err("Not your turn"),
            Some((token, _)) if a.turn_token.as_deref() != Some(token) => {
                Err("Stale or missing turn_token")
            }
            Some((_, turn)) => a
                .to_action()
                .and_then(|action| turn.valid_actions.check_action(action).map(|()| action))
                .map_err(|r| r.as_str()),
        };
        match verdict {
            Ok(action) => {
                self.send_op(&op::ServerMessage::ActionAck(op::ActionAck {
                    client_action_id: a.client_action_id,
                    status: "accepted".into(),
                    extra: op::Extra::new(),
                }));
                Some(action)
            }
            Err(reason) => {
                self.send(&op::ServerMessage::ActionRejected(op::ActionRejected {
                    reason: reason.into(),
                    details: Some(serde_json::json!({})),
                    extra: op::Extra::new(),
                }));
                self.fault(
                    FaultKind::Rejected,
                    line,
                    &format!("was rejected ({reason})"),
                );
                None
            }
        }
    }

    /// Judges one Claw Poker line, like [`Self::judge_openpoker`]; rejections are sent
    /// as the offline server's `error` extension; messages other than `action.intent`
    /// are ignored.
    fn judge_claw(&mut self, line: &[u8], turn: &Turn<'_>) -> Option<Action> {
        let msg = match serde_json::from_slice::<claw::Message>(line) {
            Ok(m) => m,
            Err(e) => {
                let what = if serde_json::from_slice::<serde_json::Value>(line).is_ok() {
                    format!("was not a valid message ({})", serde_reason(&e))
                } else {
                    "was not JSON".to_string()
                };
                self.send_error("invalid_message", format!("Invalid message: {e}"));
                self.fault(FaultKind::Invalid, line, &what);
                return None;
            }
        };
        let claw::Message::ActionIntent(intent) = msg else {
            return None;
        };
        let hand = turn.hand_id.to_string();
        let verdict = if intent.hand_id.as_deref().is_some_and(|h| h != hand) {
            Err("Stale hand_id")
        } else {
            match intent.to_action() {
                None if intent.action == "raise" => Err("Invalid raise amount"),
                None => Err("Action not in legal_actions"),
                Some(action) => turn
                    .valid_actions
                    .check_action(action)
                    .map(|()| action)
                    .map_err(|r| r.as_str()),
            }
        };
        match verdict {
            Ok(action) => Some(action),
            Err(reason) => {
                self.send_error("invalid_action", reason.into());
                self.fault(
                    FaultKind::Rejected,
                    line,
                    &format!("was rejected ({reason})"),
                );
                None
            }
        }
    }

    fn observe_openpoker(&mut self, event: &Event<'_>) {
        use op::ServerMessage as M;
        self.view.observe(event);
        // The state after the event: hashed into its envelope, sent after it as a
        // `table_state` where the event changed what the table shows.
        let snapshot_after = matches!(
            event,
            Event::HoleCards { .. }
                | Event::PlayerAction { .. }
                | Event::CommunityCards { .. }
                | Event::HandResult(_)
        );
        let snapshot_after = snapshot_after && !self.spec.lean;
        if !self.spec.lean && (snapshot_after || matches!(event, Event::HandStart { .. })) {
            self.rehash(None);
        }
        let msg = match *event {
            Event::TableJoined {
                table_id,
                seat,
                players,
            } => {
                self.names = players.iter().map(|p| p.name.to_string()).collect();
                self.table_id = table_id.to_string();
                if !self.connected && self.socket.is_none() {
                    // (over a WebSocket the connection itself sends `connected`)
                    self.connected = true;
                    self.send(&M::Connected(op::Connected {
                        agent_id: format!("offline-seat-{seat}"),
                        name: self.spec.name.to_string(),
                        season_mode: false,
                        extra: op::Extra::new(),
                    }));
                }
                M::TableJoined(op::TableJoined {
                    table_id: table_id.to_string(),
                    seat,
                    players: players
                        .iter()
                        .map(|p| op::SeatPlayer {
                            seat: p.seat,
                            name: p.name.to_string(),
                            stack: op::chips(p.stack_chips),
                            bet: None,
                            status: None,
                            extra: op::Extra::new(),
                        })
                        .collect(),
                    extra: op::Extra::new(),
                })
            }
            Event::HandStart {
                hand_id,
                seat,
                button_seat,
                small_blind_chips,
                big_blind_chips,
                ante_chips,
                ..
            } => {
                self.hand_id = hand_id;
                self.hand_seq = 0;
                M::HandStart(op::HandStart {
                    hand_id: hand_id.to_string(),
                    seat,
                    dealer_seat: button_seat,
                    blinds: op::Blinds {
                        small: op::chips(small_blind_chips),
                        big: op::chips(big_blind_chips),
                        ante: (ante_chips > 0).then(|| op::chips(ante_chips)),
                    },
                    extra: op::Extra::new(),
                })
            }
            Event::HoleCards { cards } => M::HoleCards(op::HoleCards {
                cards: cards.iter().map(|c| c.to_string()).collect(),
                extra: op::Extra::new(),
            }),
            Event::PlayerAction {
                record,
                stack_chips,
                pot_chips,
            } => M::PlayerAction(op::PlayerAction {
                seat: record.seat,
                name: self.name_of(record.seat),
                action: record.wire_action().into(),
                amount: amount_of(&record),
                street: record.street.as_str().into(),
                stack: op::chips(stack_chips),
                pot: op::chips(pot_chips),
                to_call_before: None,
                extra: op::Extra::new(),
            }),
            Event::CommunityCards { cards, street } => M::CommunityCards(op::CommunityCards {
                cards: cards.iter().map(|c| c.to_string()).collect(),
                street: street.as_str().into(),
                extra: op::Extra::new(),
            }),
            Event::ActionRejected { reason, .. } => M::ActionRejected(op::ActionRejected {
                reason: reason.as_str().into(),
                details: Some(serde_json::json!({})),
                extra: op::Extra::new(),
            }),
            Event::HandResult(r) => M::HandResult(self.hand_result(r)),
            Event::Busted { rebuy_in_hands } => {
                // openpoker-auto-rebuy.txt: `busted`, then with a cooldown
                // `auto_rebuy_scheduled`. Offline the cooldown counts hands
                // (`cooldown_hands`, an extension field); there is no clock time.
                self.send(&M::Busted(op::Busted {
                    options: vec!["rebuy".into(), "leave".into()],
                    extra: op::Extra::new(),
                }));
                if let Some(link) = &self.socket {
                    link.lock().busted_sent();
                }
                if let Some(hands) = rebuy_in_hands.filter(|&h| h > 0) {
                    self.send(&serde_json::json!({
                        "type": "auto_rebuy_scheduled",
                        "rebuy_at": null,
                        "cooldown_seconds": null,
                        "cooldown_hands": hands,
                    }));
                }
                return;
            }
            Event::Rebought { stack_chips } => {
                // Offline the rebuy seats the bot again at once: `new_stack` is its
                // stack at the table (live it is 0.0 until a later join_lobby).
                self.send(&serde_json::json!({
                    "type": "rebuy_confirmed",
                    "new_stack": op::chips(stack_chips),
                    "chip_balance": 0.0,
                }));
                return;
            }
            Event::PlayerLeft { seat, name, reason } => {
                // Open Poker, "player_left": "seat, name, reason".
                self.send(&serde_json::json!({
                    "type": "player_left",
                    "seat": seat,
                    "name": name,
                    "reason": reason.as_str(),
                }));
                return;
            }
        };
        self.send_op(&msg);
        if snapshot_after {
            self.send_op(&M::TableState(self.view.snapshot(None)));
        }
        // `serve`: the table forms once every seat is taken, so a lobby bot is told
        // of each other player as it sits down (Open Poker, "player_joined": "When
        // another player is seated"), once, after its first `table_joined`.
        if let Event::TableJoined { seat, players, .. } = *event
            && self.remote
            && !self.introduced
        {
            self.introduced = true;
            for p in players.iter().filter(|p| p.seat != seat) {
                self.send(&serde_json::json!({
                    "type": "player_joined",
                    "seat": p.seat,
                    "name": p.name,
                    "stack": op::chips(p.stack_chips),
                }));
            }
        }
    }

    /// Sends an Open Poker message, with the V2 envelope when the protocol document
    /// lists it as table-scoped ([`op::ServerMessage::stream`]): `table_seq` counts
    /// this bot's enveloped messages, `hand_seq` those of the hand.
    fn send_op(&mut self, msg: &op::ServerMessage) {
        let stream = match msg.stream() {
            Some(stream) if !self.spec.lean => stream,
            _ => return self.send(msg),
        };
        self.table_seq += 1;
        self.hand_seq += 1;
        let envelope = op::Envelope {
            stream: stream.into(),
            table_id: self.table_id.clone(),
            hand_id: self.hand_id.to_string(),
            table_seq: self.table_seq,
            hand_seq: self.hand_seq,
            ts: time::OffsetDateTime::now_utc()
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
            state_hash: self.state_hash.clone(),
        };
        self.send(&op::Enveloped {
            message: msg,
            envelope: &envelope,
        });
    }

    /// Recomputes `state_hash` from the view: SHA-256 of the `table_state` JSON it
    /// sends next (`turn` at the bot's own turn), without `hero` and the envelope.
    fn rehash(&mut self, turn: Option<&Turn<'_>>) {
        let mut state = self.view.snapshot(turn);
        state.hero = None;
        let json = serde_json::to_vec(&op::ServerMessage::TableState(state))
            .expect("wire messages serialize");
        let digest = ring::digest::digest(&ring::digest::SHA256, &json);
        self.state_hash.clear();
        for b in digest.as_ref() {
            use std::fmt::Write;
            let _ = write!(self.state_hash, "{b:02x}");
        }
    }

    fn name_of(&self, seat: u8) -> String {
        self.names.get(seat as usize).cloned().unwrap_or_default()
    }

    fn hand_result(&self, r: &HandResult<'_>) -> op::HandResultMessage {
        let pot = op::chips(r.pot_chips);
        op::HandResultMessage {
            winners: r
                .winners
                .iter()
                .map(|w| op::WinnerEntry {
                    seat: w.seat,
                    name: w.name.to_string(),
                    stack: op::chips(w.stack_chips),
                    amount: op::chips(w.amount_chips),
                    hand_description: w.strength.map(|s| s.description().to_string()),
                })
                .collect(),
            pot,
            total_pot: pot,
            net_pot_after_rake: pot,
            final_stacks: r
                .final_stacks
                .iter()
                .enumerate()
                .map(|(s, &c)| (s.to_string(), op::chips(c)))
                .collect(),
            pot_kind: "transferable".into(),
            rake: 0.0,
            rake_settled: 0.0,
            shown_cards: r
                .shown_cards
                .iter()
                .map(|s| {
                    (
                        s.seat.to_string(),
                        s.cards.iter().map(|c| c.to_string()).collect(),
                    )
                })
                .collect(),
            actions: r
                .actions
                .iter()
                .map(|a| op::ActionEntry {
                    seat: a.seat,
                    action: a.wire_action().into(),
                    amount: amount_of(a),
                    street: a.street.as_str().into(),
                })
                .collect(),
            payouts: r
                .winners
                .iter()
                .map(|w| op::Payout {
                    seat: w.seat,
                    amount: op::chips(w.amount_chips),
                })
                .collect(),
            extra: op::Extra::new(),
        }
    }

    fn observe_claw(&mut self, event: &Event<'_>) {
        use claw::{Envelope as E, Message as M};
        let hand = self.hand_id.to_string();
        match *event {
            // Claw's document describes no bust, rebuy or leave message: its
            // `hand.started` and `action.requested` carry the seats and stacks.
            Event::Busted { .. } | Event::Rebought { .. } | Event::PlayerLeft { .. } => {}
            Event::TableJoined { seat, players, .. } => {
                self.names = players.iter().map(|p| p.name.to_string()).collect();
                if !self.connected {
                    self.connected = true;
                    let chips = players.get(seat as usize).map_or(0, |p| p.stack_chips);
                    self.send(&M::AuthSuccess(claw::AuthSuccess {
                        agent_id: format!("offline-seat-{seat}"),
                        agent_name: self.spec.name.to_string(),
                        chips: u64::from(chips),
                        extra: claw::Extra::new(),
                    }));
                }
            }
            Event::HandStart { hand_id, .. } => {
                self.hand_id = hand_id;
                self.send_claw_public(event);
            }
            Event::HoleCards { cards } => self.send(&M::CardsDealt(E::new(claw::CardsDealt {
                hand_id: hand,
                seat: self.seat,
                cards: cards.iter().map(|c| c.to_string()).collect(),
            }))),
            Event::ActionRejected { reason, .. } => {
                self.send(&M::Error(E::new(claw::ErrorData {
                    code: "invalid_action".into(),
                    message: reason.as_str().into(),
                })));
            }
            Event::PlayerAction { .. } | Event::CommunityCards { .. } | Event::HandResult(_) => {
                self.send_claw_public(event);
            }
        }
    }

    /// Sends `event`'s public Claw messages ([`claw::public_messages`]).
    fn send_claw_public(&mut self, event: &Event<'_>) {
        let hand = self.hand_id.to_string();
        for m in claw::public_messages(event, self.seat, &hand, &self.names) {
            self.send(&m);
        }
    }
}

/// A record's wire `amount`: `null` for check and fold.
fn amount_of(record: &crate::bot::ActionRecord) -> Option<f64> {
    record.wire_amount_chips().map(op::chips)
}

/// Reads what is available from a non-blocking pipe into `buf` while it holds fewer
/// than `cap` bytes; `Ok(false)` at EOF.
fn read_available(
    pipe: &mut impl Read,
    chunk: &mut [u8],
    buf: &mut Vec<u8>,
    cap: usize,
) -> io::Result<bool> {
    while buf.len() < cap {
        match pipe.read(chunk) {
            Ok(0) => return Ok(false),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(true),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(true)
}

/// Reads the bot's stdout into `input` (up to [`MAX_LINE_BYTES`] buffered);
/// `Ok(false)` at EOF.
///
/// # Errors
/// How the bot failed: a line longer than [`MAX_LINE_BYTES`], or an unreadable pipe.
fn read_stdout(proc: &mut Proc, input: &mut Vec<u8>) -> Result<bool, Gone> {
    let Some(stdout) = proc.stdout.as_mut() else {
        return Ok(false);
    };
    let open = read_available(stdout, &mut proc.chunk, input, MAX_LINE_BYTES)
        .map_err(|e| Gone(format!("output unreadable ({e})")))?;
    if input.len() >= MAX_LINE_BYTES && !input.contains(&b'\n') {
        return Err(Gone(format!(
            "wrote a line longer than {MAX_LINE_BYTES} bytes"
        )));
    }
    Ok(open)
}

/// How a bot's process failed us, as its crash report says it.
#[derive(Debug)]
struct Gone(String);

/// Moves what the child wrote to stderr (at most 64 KiB a call, so that a bot writing
/// without pause cannot hold us here) into `sink`; closes the pipe at EOF.
fn drain_stderr(proc: &mut Proc, sink: &mut StderrSink) {
    let Some(stderr) = proc.stderr.as_mut() else {
        return;
    };
    for _ in 0..4 {
        match stderr.read(&mut proc.chunk) {
            Ok(0) => {
                proc.stderr = None;
                return;
            }
            Ok(n) => sink.add(&proc.chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
            Err(_) => {
                proc.stderr = None;
                return;
            }
        }
    }
}

impl Bot for ExternalBot {
    fn act(&mut self, turn: &Turn<'_>) -> Action {
        self.faults.decisions += 1;
        if !self.alive() {
            return turn.valid_actions.timeout_action();
        }
        self.hand_decisions += 1;
        if let Some(slot) = &self.slot {
            slot.start();
        }
        let asked = Instant::now();
        let action = self.ask(turn);
        self.faults.latency.record(asked.elapsed());
        if let Some(slot) = &self.slot {
            slot.stop();
        }
        action
    }

    fn observe(&mut self, event: &Event<'_>) {
        if self.recorder
            && let Some(server) = super::ws_server::running()
        {
            server.public_log().record(event);
        }
        if !self.alive() {
            return;
        }
        match self.spec.dialect {
            Dialect::OpenPoker => self.observe_openpoker(event),
            Dialect::Claw => self.observe_claw(event),
        }
        match event {
            Event::HandResult(_) => self.count_missed_hand(),
            Event::Busted { .. } => self.busted = true,
            Event::Rebought { .. } | Event::TableJoined { .. } => self.busted = false,
            _ => {}
        }
        if let Some(season) = &self.season {
            let mut e = lock(season);
            match event {
                Event::HandResult(r) => {
                    e.hands += 1;
                    e.stack_chips = r.final_stacks.get(self.seat as usize).copied().unwrap_or(0);
                }
                Event::Busted { .. } => (e.busted, e.stack_chips) = (true, 0),
                Event::Rebought { stack_chips } => {
                    (e.busted, e.stack_chips) = (false, *stack_chips)
                }
                Event::TableJoined { .. } => e.busted = false,
                _ => {}
            }
        }
        self.maybe_flush();
    }

    fn take_faults(&mut self) -> Faults {
        std::mem::take(&mut self.faults)
    }

    fn take_fault_notes(&mut self) -> FaultNotes {
        std::mem::take(&mut self.notes)
    }

    fn seat_requests(&mut self) -> crate::bot::SeatRequests {
        // `run` keeps `--rebuy` for every seat (see Bot::seat_requests).
        // `POST /api/season/rebuy` is the same request as the WebSocket's `rebuy`.
        let by_rest = self
            .season
            .as_ref()
            .is_some_and(|e| std::mem::take(&mut lock(e).rebuy_asked));
        let asked = crate::bot::SeatRequests {
            auto_rebuy: self.requests.auto_rebuy,
            rebuy: std::mem::take(&mut self.requests.rebuy) || (by_rest && self.busted),
        };
        if self.remote {
            asked
        } else {
            crate::bot::SeatRequests::default()
        }
    }

    fn left_table(&mut self) -> Option<crate::bot::LeaveReason> {
        if self.remote && self.left.is_none() && self.spec.dialect == Dialect::OpenPoker {
            self.read_between_hands();
        }
        if self.left.is_some()
            && let Some(season) = &self.season
        {
            lock(season).seated = false;
        }
        if self.left.is_some()
            && let Some(link) = self.socket.take()
        {
            link.lock().close(); // and its credentials are revoked
        }
        self.left
    }
}

impl ExternalBot {
    /// Judges what a `serve` bot sent since its last decision (no turn is open: an
    /// action is `Not your turn`), so that its table requests (`leave_table`,
    /// `set_auto_rebuy`, `rebuy`) count before the next hand, and sends the answers.
    fn read_between_hands(&mut self) {
        self.pump_input();
        while self.alive() && self.input.contains(&b'\n') {
            let line = self.take_line();
            if !line.iter().all(u8::is_ascii_whitespace) {
                self.judge_openpoker(&line, None);
            }
        }
        // What can go without waiting: the answers, and the events staged since the
        // bot's last decision (so a seat sitting out gets them hand by hand).
        let _ = self.wait(Instant::now(), false);
    }
}

impl Drop for ExternalBot {
    fn drop(&mut self) {
        if !self.alive() {
            return;
        }
        // Open Poker, "Server → Client Messages": `table_closed` when the table shuts
        // down; offline that is the end of the run (or a server's Ctrl-C).
        if self.spec.dialect == Dialect::OpenPoker {
            let reason = if crate::interrupt::requested().is_some() {
                "server_shutdown"
            } else {
                "hands_played"
            };
            self.send(&serde_json::json!({"type": "table_closed", "reason": reason}));
        }
        // Write what is buffered (the last hand_result), close stdin so a well-behaved
        // bot sees end-of-file and exits, give it a moment, then kill its whole
        // process group (children it left behind too) and reap it.
        let deadline = Instant::now() + EXIT_GRACE;
        self.wait(deadline, false);
        if let Some(link) = &self.socket {
            link.lock().close(); // a WebSocket bot's end-of-file
        }
        let Some(mut proc) = self.proc.take() else {
            return;
        };
        drop(proc.stdin.take());
        proc.exits_within(deadline.saturating_duration_since(Instant::now()));
        proc.end();
        drain_stderr(&mut proc, &mut self.stderr);
        if let Some(log) = &mut self.stderr.log {
            log.finish();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bot::{PlayerStatus, PlayerView, RaiseRange, Street, ValidActions};
    use proptest::prelude::*;

    fn spec(dialect: Dialect) -> ExternalSpec {
        ExternalSpec {
            command: "python3 bot.py".into(),
            dialect,
            transport: Transport::Pipes,
            name: "tested".into(),
            action_timeout: crate::config::DEFAULT_ACTION_TIMEOUT,
            reconnect_window: DEFAULT_RECONNECT_WINDOW,
            stderr_dir: None,
            lean: false,
        }
    }

    const PLAYERS: [PlayerView; 2] = [
        PlayerView {
            seat: 0,
            name: "tested",
            stack_chips: 1990,
            bet_chips: 10,
            status: PlayerStatus::Active,
        },
        PlayerView {
            seat: 1,
            name: "other",
            stack_chips: 1980,
            bet_chips: 20,
            status: PlayerStatus::Active,
        },
    ];

    /// A preflop decision: fold, call 10, raise to 40..=2000, all-in.
    fn turn() -> Turn<'static> {
        Turn {
            hand_id: 7,
            seat: 0,
            hole_cards: ["Ah".parse().unwrap(), "Kd".parse().unwrap()],
            valid_actions: ValidActions {
                check: false,
                call_chips: Some(10),
                raise: Some(RaiseRange {
                    min_to_chips: 40,
                    max_to_chips: 2000,
                }),
                all_in_to_chips: Some(2000),
            },
            pot_chips: 30,
            community_cards: &[],
            players: &PLAYERS,
            min_raise_chips: 40,
            max_raise_chips: 2000,
            to_call_chips: 10,
            button_seat: 0,
            small_blind_chips: 10,
            big_blind_chips: 20,
            ante_chips: 0,
            street: Street::Preflop,
            actions: &[],
        }
    }

    /// Judges `line` in `dialect` on a bot with no process, and checks the outcome: an
    /// accepted action that is valid, a counted fault, or a well-formed message that
    /// means nothing offline (ignored).
    fn judge_checked(dialect: Dialect, line: &[u8]) -> Result<(), TestCaseError> {
        let turn = turn();
        let mut bot = ExternalBot::detached(&spec(dialect), 0);
        bot.stdout_lines = 1;
        let answer = match dialect {
            Dialect::OpenPoker => bot.judge_openpoker(line, Some(("tok", &turn))),
            Dialect::Claw => bot.judge_claw(line, &turn),
        };
        let faults = bot.faults.invalid_messages + bot.faults.rejected_actions;
        match answer {
            Some(action) => {
                prop_assert!(turn.valid_actions.allows(action), "{action:?}");
                prop_assert_eq!(faults, 0);
            }
            None if faults == 1 => prop_assert_eq!(bot.notes.notes().len(), 1),
            None => {
                let ignored = match dialect {
                    Dialect::OpenPoker => serde_json::from_slice::<op::ClientMessage>(line)
                        .is_ok_and(|m| !matches!(m, op::ClientMessage::Action(_))),
                    Dialect::Claw => serde_json::from_slice::<claw::Message>(line)
                        .is_ok_and(|m| !matches!(m, claw::Message::ActionIntent(_))),
                };
                prop_assert!(ignored, "neither accepted, counted nor ignored");
            }
        }
        Ok(())
    }

    fn json_value() -> impl Strategy<Value = serde_json::Value> {
        use serde_json::Value;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from), // NaN and infinities become null
            prop_oneof![
                Just(1e308),
                Just(-1e308),
                Just(4294967295.5),
                Just(4294967296.0),
                Just(-0.4),
                Just(40.0),
                Just(2000.4)
            ]
            .prop_map(Value::from),
            ".{0,12}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map(".{0,8}", inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    /// A message shaped like an answer, every field drawn from names the judging
    /// knows and from arbitrary JSON.
    fn answer_like() -> impl Strategy<Value = serde_json::Value> {
        let names = prop_oneof![
            Just("fold"),
            Just("check"),
            Just("call"),
            Just("raise"),
            Just("all_in"),
            Just("bet"),
            Just("action"),
            Just("action.intent"),
            Just("join_lobby"),
            Just("leave_table"),
            Just("auth"),
        ]
        .prop_map(serde_json::Value::from);
        let field = prop_oneof![names, json_value(), Just("tok".into()), Just("7".into())];
        prop::collection::btree_map(
            prop_oneof![
                Just("type".to_string()),
                Just("action".to_string()),
                Just("amount".to_string()),
                Just("turn_token".to_string()),
                Just("hand_id".to_string()),
                Just("client_action_id".to_string()),
                Just("buy_in".to_string()),
                ".{0,6}",
            ],
            field,
            0..7,
        )
        .prop_map(|m| serde_json::Value::Object(m.into_iter().collect()))
    }

    proptest! {
        #[test]
        fn judging_arbitrary_bytes_never_panics(line in prop::collection::vec(any::<u8>(), 0..300)) {
            judge_checked(Dialect::OpenPoker, &line)?;
            judge_checked(Dialect::Claw, &line)?;
        }

        #[test]
        fn judging_arbitrary_json_never_panics(value in json_value()) {
            let line = serde_json::to_vec(&value).unwrap();
            judge_checked(Dialect::OpenPoker, &line)?;
            judge_checked(Dialect::Claw, &line)?;
        }

        #[test]
        fn judging_answer_like_messages_never_panics(value in answer_like()) {
            let line = serde_json::to_vec(&value).unwrap();
            judge_checked(Dialect::OpenPoker, &line)?;
            judge_checked(Dialect::Claw, &line)?;
        }
    }

    #[test]
    fn judging_accepts_a_valid_answer_and_rejects_a_stale_one() {
        let mut bot = ExternalBot::detached(&spec(Dialect::OpenPoker), 0);
        let ok = br#"{"type": "action", "action": "raise", "amount": 40.0, "turn_token": "tok"}"#;
        assert_eq!(
            bot.judge_openpoker(ok, Some(("tok", &turn()))),
            Some(Action::Raise { to_chips: 40 })
        );
        let stale = br#"{"type": "action", "action": "call", "turn_token": "old"}"#;
        bot.stdout_lines = 2;
        assert_eq!(bot.judge_openpoker(stale, Some(("tok", &turn()))), None);
        assert_eq!(bot.faults.rejected_actions, 1);
        assert_eq!(
            bot.notes.notes(),
            [format!(
                "line 2 of stdout was rejected (Stale or missing turn_token): {:?}",
                std::str::from_utf8(stale).unwrap()
            )]
        );
    }

    #[test]
    fn an_action_sent_before_the_turn_is_rejected_as_not_your_turn() {
        // openpoker-websocket-protocol.txt, action_rejected: "Not your turn | Acted
        // when it was another player's turn"; even with the right token.
        let mut bot = ExternalBot::detached(&spec(Dialect::OpenPoker), 0);
        let early = br#"{"type": "action", "action": "call", "turn_token": "tok"}"#;
        bot.stdout_lines = 4;
        assert_eq!(bot.judge_openpoker(early, None), None);
        assert_eq!(bot.faults.rejected_actions, 1);
        assert_eq!(
            bot.notes.notes(),
            [format!(
                "line 4 of stdout was rejected (Not your turn): {:?}",
                std::str::from_utf8(early).unwrap()
            )]
        );
        // Other messages sent early are judged as usual.
        let resync = br#"{"type": "resync_request", "table_id": "t"}"#;
        assert_eq!(bot.judge_openpoker(resync, None), None);
        assert_eq!(bot.faults.rejected_actions, 1);
    }

    #[test]
    fn fault_notes_quote_at_most_200_characters() {
        let mut bot = ExternalBot::detached(&spec(Dialect::OpenPoker), 0);
        bot.stdout_lines = 3;
        let long = "x".repeat(1000);
        bot.judge_openpoker(long.as_bytes(), Some(("tok", &turn())));
        assert_eq!(
            bot.notes.notes(),
            [format!(
                "line 3 of stdout was not JSON: \"{}…\"",
                "x".repeat(200)
            )]
        );
        // Non-UTF-8 bytes are shown as U+FFFD.
        let mut bot = ExternalBot::detached(&spec(Dialect::Claw), 0);
        bot.judge_claw(b"\xff\xfe{", &turn());
        assert!(bot.notes.notes()[0].contains('\u{fffd}'), "{:?}", bot.notes);
    }

    #[test]
    fn flood_limits_warn_at_10_and_kick_above_20_within_5_seconds() {
        let t0 = Instant::now();
        let mut flood = Flood::default();
        let verdicts: Vec<FloodVerdict> = (0..21)
            .map(|i| flood.record(t0 + Duration::from_millis(10 * i)))
            .collect();
        assert!(verdicts[..9].iter().all(|v| *v == FloodVerdict::Fine));
        assert_eq!(verdicts[9], FloodVerdict::Warn); // the 10th
        assert!(verdicts[10..20].iter().all(|v| *v == FloodVerdict::Fine));
        assert_eq!(verdicts[20], FloodVerdict::Kick); // the 21st
        // Spread out, they never count as a flood: at most 9 in any 5 s.
        let mut flood = Flood::default();
        for i in 0..200 {
            let v = flood.record(t0 + Duration::from_millis(560 * i));
            assert_eq!(v, FloodVerdict::Fine, "{i}");
        }
        // The window forgets: 15 quickly, a pause, 15 quickly: warned twice, no kick.
        let mut flood = Flood::default();
        let mut warnings = 0;
        for i in 0..30 {
            let pause = if i >= 15 { 6000 } else { 0 };
            match flood.record(t0 + Duration::from_millis(10 * i + pause)) {
                FloodVerdict::Warn => warnings += 1,
                FloodVerdict::Kick => panic!("kicked at {i}"),
                FloodVerdict::Fine => {}
            }
        }
        assert_eq!(warnings, 2);
        assert!(flood.recent.len() <= FLOOD_KICK_ABOVE + 1);
    }

    #[test]
    fn numbers_are_not_bot_names() {
        let name = ExternalSpec::short_name;
        assert_eq!(name("python3 bots/python/call_bot.py 0.55"), "call_bot");
        assert_eq!(name("python3 bots/python/call_bot.py"), "call_bot");
        assert_eq!(name("./mybot 0.55 12"), "mybot");
        assert_eq!(name("python3 bot.py --weights model.pt"), "bot");
        assert_eq!(name("java -jar dist/bot.jar 1e3"), "bot");
        assert_eq!(name("node -e 1"), "node");
        assert_eq!(
            name("/x/target/release/holdem-arena connect --bot tag"),
            "holdem-arena"
        );
        assert_eq!(name(""), "exec");
    }

    #[test]
    fn log_file_names_are_safe() {
        assert_eq!(stderr_log_name("call_bot", 2), "call_bot.seat2.stderr.log");
        assert_eq!(
            stderr_log_name("exec:python3 a/b.py 0.5", 0),
            "exec_python3_a_b.py_0.5.seat0.stderr.log"
        );
        assert!(stderr_log_name(&"x".repeat(500), 9).len() < 120);
    }

    #[test]
    fn stderr_logs_keep_whole_lines() {
        let dir = tempfile::tempdir().unwrap();
        let mut log = StderrLog::open(dir.path(), "b", 1).unwrap();
        log.add(b"ab");
        log.add(b"c\nd");
        log.add(b"e\nf");
        log.finish();
        let text = std::fs::read_to_string(dir.path().join("b.seat1.stderr.log")).unwrap();
        assert_eq!(text, "abc\nde\nf\n");
    }

    #[test]
    fn a_wait_slot_is_set_only_while_a_decision_is_outstanding() {
        let mut spec = spec(Dialect::OpenPoker);
        spec.command = "python3 bots/python/call_bot.py".into();
        let mut bot = ExternalBot::start(&spec, 0);
        assert!(bot.alive());
        let slot = bot
            .slot
            .clone()
            .expect("registered when the process started");
        assert!(slot.waited().is_none());
        assert_eq!(bot.act(&turn()), Action::Call);
        assert!(slot.waited().is_none());
        // Without a process the decision is answered for it at once, and counted too.
        let mut detached = ExternalBot::detached(&spec, 0);
        assert_eq!(detached.act(&turn()), Action::Fold);
        assert_eq!(bot.take_faults().decisions, 1);
        assert_eq!(detached.take_faults().decisions, 1);
    }
}
