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
//! - no accepted action within the action timeout (default 10 s): auto-fold, or
//!   auto-check when checking is free (counted in `timeouts`);
//! - a bot that exits, closes its stdout, or stops reading its stdin for a whole
//!   action timeout is reported on stderr by name with the tail of its stderr, killed,
//!   and its seat auto-folds (checks when free) for the rest of the run (counted once
//!   in `crashes`).
//!
//! Claw Poker's document describes no rejection message: the offline server answers
//! a bad `action.intent` with an `error` event (`{"type": "error", "data": {"code":
//! "invalid_action" | "invalid_message", "message": ..}}`) and the agent may try
//! again; as Claw has no turn token, lines already waiting when a new
//! `action.requested` is sent answer an earlier, timed-out request and are dropped
//! (counted in `rejected_actions`).
//!
//! Nothing blocks without a deadline: the pipes are non-blocking and every wait is a
//! `poll` with a timeout. Writes are buffered and flushed only when an answer is
//! wanted (or the buffer passes 32 KiB), so a hand costs one round trip per decision.
//! The child is killed and reaped when the bot is dropped (end of run, error, panic);
//! it stays in our process group, so a Ctrl-C at the terminal reaches it too, and if
//! we are killed outright it reads end-of-file on stdin.
//!
//! Unix only (it uses `poll(2)` and non-blocking pipes).

use super::{claw, openpoker as op};
use crate::bot::{Action, Bot, Event, Faults, HandResult, Turn};
use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::process::{Child, ChildStderr, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

/// The default per-action timeout (Claw Poker's 10 s; Open Poker allows 120 s).
pub const DEFAULT_ACTION_TIMEOUT: Duration = Duration::from_secs(10);

/// Bytes of a bot's stderr kept for the crash report.
const STDERR_TAIL_BYTES: usize = 2048;

/// How long a wait for an answer yields and looks again before sleeping in `poll`.
const SPIN: Duration = Duration::from_micros(SPIN_US);
const SPIN_US: u64 = 200;

/// Longest line a bot may write; a longer one counts as a crash.
const MAX_LINE_BYTES: usize = 1 << 20;

/// Time a bot gets to exit by itself after its stdin is closed at the end of a run.
const EXIT_GRACE: Duration = Duration::from_millis(200);

/// Buffered output is flushed once it passes this size even when no answer is wanted.
const FLUSH_BYTES: usize = 32 * 1024;

/// Which wire dialect an external bot speaks.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Dialect {
    /// Open Poker (`exec:`): `your_turn` / `action`.
    OpenPoker,
    /// Claw Poker (`exec-claw:`): `action.requested` / `action.intent`.
    Claw,
}

/// How to start an external bot.
#[derive(Clone, Debug)]
pub struct ExternalSpec {
    /// The command line as given (split on whitespace; no shell quoting).
    pub command: String,
    /// The dialect it speaks.
    pub dialect: Dialect,
    /// The name shown in the CSVs and sent to the bot as its `name`.
    pub name: &'static str,
    /// Time allowed for each action, from `your_turn` to an accepted `action`.
    pub action_timeout: Duration,
}

impl ExternalSpec {
    /// The program and arguments: `command` split on whitespace.
    pub fn argv(&self) -> Vec<&str> {
        self.command.split_whitespace().collect()
    }

    /// A short name for `command`: the file stem of its last argument that looks like
    /// a path (`python3 bots/python/call_bot.py` → `call_bot`), else the program's
    /// file name.
    pub fn short_name(command: &str) -> String {
        let args: Vec<&str> = command.split_whitespace().collect();
        let pick = args
            .iter()
            .rev()
            .find(|a| !a.starts_with('-') && (a.contains('/') || a.contains('.')))
            .or(args.first())
            .copied()
            .unwrap_or("exec");
        std::path::Path::new(pick)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or(pick)
            .to_string()
    }

    /// Checks that the program can be started: it exists (on `PATH` when it has no
    /// `/`).
    ///
    /// # Errors
    /// A one-line explanation naming the program.
    pub fn check_program(&self) -> Result<(), String> {
        let argv = self.argv();
        let Some(program) = argv.first() else {
            return Err("the command is empty".into());
        };
        let found = if program.contains('/') {
            std::path::Path::new(program).is_file()
        } else {
            std::env::var_os("PATH").is_some_and(|paths| {
                std::env::split_paths(&paths).any(|dir| dir.join(program).is_file())
            })
        };
        if found {
            Ok(())
        } else {
            Err(format!("program {program:?} not found"))
        }
    }
}

/// The child process and its three pipes (all non-blocking).
struct Proc {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: ChildStdout,
    stderr: Option<ChildStderr>,
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
    /// The child closed a pipe or exited; the text says how.
    Closed(String),
}

impl Wait {
    fn is_flushed(&self) -> bool {
        matches!(self, Wait::Flushed)
    }
}

/// A [`Bot`] played by an external process. See the module documentation.
pub struct ExternalBot {
    spec: ExternalSpec,
    seat: u8,
    proc: Option<Proc>,
    /// Serialized messages not yet written.
    out: Vec<u8>,
    /// Bytes read from stdout not yet consumed (complete lines first).
    input: Vec<u8>,
    stderr_tail: VecDeque<u8>,
    faults: Faults,
    connected: bool,
    names: Vec<String>,
    hand_id: u64,
    turns: u64,
    /// Claw only: the starting players, for `hand.started`.
    seats: Vec<claw::ClawPlayer>,
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

fn spawn(spec: &ExternalSpec) -> io::Result<Proc> {
    let argv = spec.argv();
    let Some((program, args)) = argv.split_first() else {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "empty command"));
    };
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let stdin = child.stdin.take().expect("piped");
    let stdout = child.stdout.take().expect("piped");
    let stderr = child.stderr.take().expect("piped");
    let proc = Proc {
        child,
        stdin: Some(stdin),
        stdout,
        stderr: Some(stderr),
    };
    let mut proc = proc;
    for fd in [
        proc.stdin.as_ref().expect("set").as_raw_fd(),
        proc.stdout.as_raw_fd(),
        proc.stderr.as_ref().expect("set").as_raw_fd(),
    ] {
        if let Err(e) = set_nonblocking(fd) {
            let _ = proc.child.kill();
            let _ = proc.child.wait();
            return Err(e);
        }
    }
    Ok(proc)
}

impl ExternalBot {
    /// Starts `spec`'s process for `seat`. A process that cannot be started is
    /// reported on stderr and counted as a crash; the seat then auto-folds.
    pub fn start(spec: &ExternalSpec, seat: u8) -> ExternalBot {
        let mut bot = ExternalBot {
            spec: spec.clone(),
            seat,
            proc: None,
            out: Vec::with_capacity(FLUSH_BYTES),
            input: Vec::with_capacity(4096),
            stderr_tail: VecDeque::new(),
            faults: Faults::default(),
            connected: false,
            names: Vec::new(),
            hand_id: 0,
            turns: 0,
            seats: Vec::new(),
        };
        match spawn(spec) {
            Ok(p) => bot.proc = Some(p),
            Err(e) => bot.crash(&format!("could not be started: {e}")),
        }
        bot
    }

    /// Whether the process is still playing (not crashed).
    pub fn alive(&self) -> bool {
        self.proc.is_some()
    }

    /// Appends one message as a JSON line to the output buffer.
    fn send<T: serde::Serialize>(&mut self, msg: &T) {
        if self.proc.is_none() {
            return;
        }
        serde_json::to_writer(&mut self.out, msg).expect("wire messages serialize");
        self.out.push(b'\n');
    }

    /// Writes out what is buffered if it grew large.
    fn maybe_flush(&mut self) {
        if self.out.len() >= FLUSH_BYTES {
            let deadline = Instant::now() + self.spec.action_timeout;
            self.flush(deadline);
        }
    }

    /// Writes everything buffered before `deadline`; a child that does not read its
    /// input in time, or has gone, is treated as crashed.
    fn flush(&mut self, deadline: Instant) {
        match self.wait(deadline, false) {
            Wait::Flushed | Wait::Line => {}
            Wait::Timeout => self.crash(&format!(
                "stopped reading its input for {:?}",
                self.spec.action_timeout
            )),
            Wait::Closed(how) => self.crash(&how),
        }
    }

    /// Pumps the pipes until a line is available (`want_line`) or the output buffer
    /// is written (`!want_line`), the child goes away, or `deadline` passes.
    fn wait(&mut self, deadline: Instant, want_line: bool) -> Wait {
        let Some(proc) = self.proc.as_mut() else {
            return Wait::Closed("is not running".into());
        };
        let mut written = 0;
        let spin_end = Instant::now() + SPIN;
        let result = loop {
            if want_line && self.input.contains(&b'\n') {
                break Wait::Line;
            }
            if written < self.out.len() {
                // Try the write first: the pipe usually has room.
                let stdin = proc.stdin.as_mut().expect("open while running");
                match stdin.write(&self.out[written..]) {
                    Ok(n) => written += n,
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
            if now >= deadline {
                break Wait::Timeout;
            }
            if want_line && !pending_write && now < spin_end {
                // Answers usually come within tens of microseconds: look again after
                // yielding the core rather than sleep in poll, whose wake-up from an
                // idle core costs more than the answer itself.
                match read_available(&mut proc.stdout, &mut self.input) {
                    Ok(true) => {
                        if !self.input.contains(&b'\n') {
                            std::thread::yield_now();
                        }
                        continue;
                    }
                    Ok(false) if self.input.contains(&b'\n') => break Wait::Line,
                    Ok(false) => break Wait::Closed("closed its output".into()),
                    Err(e) => break Wait::Closed(format!("output unreadable ({e})")),
                }
            }
            let ms = (deadline - now)
                .as_micros()
                .div_ceil(1000)
                .min(i32::MAX as u128) as i32;
            let mut fds = [
                libc::pollfd {
                    fd: proc.stdout.as_raw_fd(),
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
            if fds[1].revents != 0 {
                drain_stderr(proc, &mut self.stderr_tail);
            }
            if fds[0].revents != 0 {
                match read_available(&mut proc.stdout, &mut self.input) {
                    Ok(true)
                        if self.input.len() > MAX_LINE_BYTES && !self.input.contains(&b'\n') =>
                    {
                        break Wait::Closed(format!(
                            "wrote a line longer than {MAX_LINE_BYTES} bytes"
                        ));
                    }
                    Ok(true) => {}
                    Ok(false) => {
                        if want_line && self.input.contains(&b'\n') {
                            break Wait::Line;
                        }
                        break Wait::Closed("closed its output".into());
                    }
                    Err(e) => break Wait::Closed(format!("output unreadable ({e})")),
                }
            }
        };
        self.out.drain(..written);
        result
    }

    /// Takes the first complete line out of the input buffer.
    fn take_line(&mut self) -> Vec<u8> {
        let end = self
            .input
            .iter()
            .position(|&b| b == b'\n')
            .expect("a line is buffered");
        let mut line: Vec<u8> = self.input.drain(..=end).collect();
        line.pop();
        line
    }

    /// Kills the child (if any), reports why on stderr with its stderr tail, and
    /// counts a crash. The seat auto-folds from now on.
    fn crash(&mut self, how: &str) {
        let mut status = String::new();
        if let Some(mut proc) = self.proc.take() {
            drop(proc.stdin.take());
            let _ = proc.child.kill();
            if let Ok(s) = proc.child.wait() {
                status = format!(" ({s})");
            }
            // The child is gone: whatever is left in its stderr pipe ends in EOF.
            drain_stderr(&mut proc, &mut self.stderr_tail);
        }
        self.faults.crashes += 1;
        self.out.clear();
        let tail = String::from_utf8_lossy(self.stderr_tail.make_contiguous()).into_owned();
        let tail = tail.trim_end();
        eprintln!(
            "warning: bot {:?} (seat {}, `{}`) {how}{status}; its seat folds for the rest of the run{}",
            self.spec.name,
            self.seat,
            self.spec.command,
            if tail.is_empty() {
                ". Its stderr was empty.".to_string()
            } else {
                format!(". Its stderr ended with:\n{tail}")
            }
        );
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

    /// Asks the child for an action; see the module documentation for the rules.
    fn ask(&mut self, turn: &Turn<'_>) -> Action {
        let started = Instant::now();
        let deadline = started + self.spec.action_timeout;
        let token = match self.spec.dialect {
            Dialect::OpenPoker => {
                let token = self.token();
                self.send(&op::ServerMessage::YourTurn(op::YourTurn::from_turn(
                    turn,
                    token.clone(),
                )));
                token
            }
            Dialect::Claw => {
                // Claw Poker has no turn token: lines already here answer an earlier,
                // timed-out request. Drop them (rejected) rather than take them for
                // this one.
                while self.input.contains(&b'\n') {
                    let line = self.take_line();
                    if !line.iter().all(u8::is_ascii_whitespace) {
                        self.faults.rejected_actions += 1;
                    }
                }
                self.send(&claw::Message::ActionRequested(claw::Envelope::new(
                    claw::ActionRequested::from_turn(turn),
                )));
                String::new()
            }
        };
        loop {
            match self.wait(deadline, true) {
                Wait::Line => {}
                Wait::Flushed => unreachable!("waited for a line"),
                Wait::Timeout => {
                    self.faults.timeouts += 1;
                    let action = turn.valid_actions.timeout_action();
                    if self.spec.dialect == Dialect::Claw {
                        self.send(&claw::Message::TimeoutTriggered(claw::Envelope::new(
                            claw::TimeoutTriggered {
                                hand_id: turn.hand_id.to_string(),
                                seat: turn.seat,
                                action: action.as_str().into(),
                            },
                        )));
                    }
                    return action;
                }
                Wait::Closed(how) => {
                    self.crash(&how);
                    return turn.valid_actions.timeout_action();
                }
            }
            let line = self.take_line();
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let answer = match self.spec.dialect {
                Dialect::OpenPoker => self.judge_openpoker(&line, &token, turn),
                Dialect::Claw => self.judge_claw(&line, turn),
            };
            if let Some(action) = answer {
                return action;
            }
        }
    }

    /// Judges one Open Poker line: the accepted action, or `None` after answering
    /// with `action_rejected` / `error`.
    fn judge_openpoker(&mut self, line: &[u8], token: &str, turn: &Turn<'_>) -> Option<Action> {
        let msg = match serde_json::from_slice::<op::ClientMessage>(line) {
            Ok(m) => m,
            Err(e) => {
                self.faults.invalid_messages += 1;
                let (code, message) = match serde_json::from_slice::<serde_json::Value>(line) {
                    Ok(v)
                        if v.get("type").and_then(|t| t.as_str()).is_some_and(|t| {
                            !matches!(
                                t,
                                "action"
                                    | "join_lobby"
                                    | "rebuy"
                                    | "leave_table"
                                    | "resync_request"
                                    | "set_auto_rebuy"
                            )
                        }) =>
                    {
                        (
                            "unknown_message",
                            format!("Unknown message type: {}", v["type"]),
                        )
                    }
                    _ => ("invalid_message", format!("Invalid message: {e}")),
                };
                self.send(&op::ServerMessage::Error(op::ErrorMessage {
                    code: code.into(),
                    message,
                    extra: op::Extra::new(),
                }));
                return None;
            }
        };
        let op::ClientMessage::Action(a) = msg else {
            return None; // lobby and table requests mean nothing offline
        };
        let verdict = if a.turn_token.as_deref() != Some(token) {
            Err("Stale or missing turn_token")
        } else {
            a.to_action()
                .and_then(|action| turn.valid_actions.check_action(action).map(|()| action))
                .map_err(|r| r.as_str())
        };
        match verdict {
            Ok(action) => {
                self.send(&op::ServerMessage::ActionAck(op::ActionAck {
                    client_action_id: a.client_action_id,
                    status: "accepted".into(),
                    extra: op::Extra::new(),
                }));
                Some(action)
            }
            Err(reason) => {
                self.faults.rejected_actions += 1;
                self.send(&op::ServerMessage::ActionRejected(op::ActionRejected {
                    reason: reason.into(),
                    details: Some(serde_json::json!({})),
                    extra: op::Extra::new(),
                }));
                None
            }
        }
    }

    /// Judges one Claw Poker line, like [`Self::judge_openpoker`]; rejections are sent
    /// as the offline server's `error` extension.
    fn judge_claw(&mut self, line: &[u8], turn: &Turn<'_>) -> Option<Action> {
        let error = |code: &str, message: String| {
            claw::Message::Error(claw::Envelope::new(claw::ErrorData {
                code: code.into(),
                message,
            }))
        };
        let msg = match serde_json::from_slice::<claw::Message>(line) {
            Ok(m) => m,
            Err(e) => {
                self.faults.invalid_messages += 1;
                self.send(&error("invalid_message", format!("Invalid message: {e}")));
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
                self.faults.rejected_actions += 1;
                self.send(&error("invalid_action", reason.into()));
                None
            }
        }
    }

    fn observe_openpoker(&mut self, event: &Event<'_>) {
        use op::ServerMessage as M;
        let msg = match *event {
            Event::TableJoined {
                table_id,
                seat,
                players,
            } => {
                self.names = players.iter().map(|p| p.name.to_string()).collect();
                if !self.connected {
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
        };
        self.send(&msg);
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
            Event::TableJoined { seat, players, .. } => {
                self.names = players.iter().map(|p| p.name.to_string()).collect();
                self.seats = players
                    .iter()
                    .map(|p| claw::ClawPlayer {
                        seat: p.seat,
                        name: p.name.to_string(),
                        chips: u64::from(p.stack_chips),
                        status: None,
                        bet: None,
                    })
                    .collect();
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
                let msg = M::HandStarted(E::new(claw::HandStarted {
                    hand_id: hand_id.to_string(),
                    seat,
                    button: button_seat,
                    small_blind: u64::from(small_blind_chips),
                    big_blind: u64::from(big_blind_chips),
                    ante: (ante_chips > 0).then_some(u64::from(ante_chips)),
                    seats: self.seats.clone(),
                }));
                self.send(&msg);
            }
            Event::HoleCards { cards } => self.send(&M::CardsDealt(E::new(claw::CardsDealt {
                hand_id: hand,
                seat: self.seat,
                cards: cards.iter().map(|c| c.to_string()).collect(),
            }))),
            Event::PlayerAction {
                record,
                stack_chips,
                pot_chips,
            } => self.send(&M::ActionCommitted(E::new(claw::ActionCommitted {
                hand_id: hand,
                seat: record.seat,
                action: record.wire_action().into(),
                amount: amount_of(&record).map(|a| a as u64),
                phase: record.street.as_str().into(),
                chips: u64::from(stack_chips),
                pot: u64::from(pot_chips),
            }))),
            Event::CommunityCards { cards, street } => {
                self.send(&M::BoardRevealed(E::new(claw::BoardRevealed {
                    hand_id: hand,
                    phase: street.as_str().into(),
                    community: cards.iter().map(|c| c.to_string()).collect(),
                })));
            }
            Event::ActionRejected { reason, .. } => {
                self.send(&M::Error(E::new(claw::ErrorData {
                    code: "invalid_action".into(),
                    message: reason.as_str().into(),
                })));
            }
            Event::HandResult(r) => {
                if !r.shown_cards.is_empty() {
                    self.send(&M::Showdown(E::new(claw::Showdown {
                        hand_id: hand.clone(),
                        hands: r
                            .shown_cards
                            .iter()
                            .map(|s| claw::ShownHand {
                                seat: s.seat,
                                cards: s.cards.iter().map(|c| c.to_string()).collect(),
                            })
                            .collect(),
                    })));
                }
                for w in r.winners {
                    self.send(&M::PotAwarded(E::new(claw::PotAwarded {
                        hand_id: hand.clone(),
                        seat: w.seat,
                        agent: w.name.to_string(),
                        amount: u64::from(w.amount_chips),
                        hand_name: w.strength.map(|s| s.description().to_string()),
                    })));
                }
                let stacks = r
                    .final_stacks
                    .iter()
                    .enumerate()
                    .map(|(s, &c)| claw::ClawPlayer {
                        seat: s as u8,
                        name: self.name_of(s as u8),
                        chips: u64::from(c),
                        status: None,
                        bet: None,
                    })
                    .collect();
                self.send(&M::HandFinished(E::new(claw::HandFinished {
                    hand_id: hand,
                    stacks,
                })));
            }
        }
    }
}

/// A record's wire `amount`: `null` for check and fold.
fn amount_of(record: &crate::bot::ActionRecord) -> Option<f64> {
    use crate::bot::ActionKind;
    match record.kind {
        ActionKind::Fold | ActionKind::Check => None,
        ActionKind::Call | ActionKind::Raise => Some(op::chips(record.amount_chips)),
    }
}

/// Reads what is available from a non-blocking pipe into `buf`; `Ok(false)` at EOF.
fn read_available(pipe: &mut impl Read, buf: &mut Vec<u8>) -> io::Result<bool> {
    let mut chunk = [0u8; 16 * 1024];
    loop {
        match pipe.read(&mut chunk) {
            Ok(0) => return Ok(false),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(true),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// Moves what the child wrote to stderr into `tail` (keeping the last bytes); closes
/// the pipe at EOF.
fn drain_stderr(proc: &mut Proc, tail: &mut VecDeque<u8>) {
    let Some(stderr) = proc.stderr.as_mut() else {
        return;
    };
    let mut buf = Vec::new();
    let open = read_available(stderr, &mut buf).unwrap_or(false);
    tail.extend(buf);
    let excess = tail.len().saturating_sub(STDERR_TAIL_BYTES);
    tail.drain(..excess);
    if !open {
        proc.stderr = None;
    }
}

impl Bot for ExternalBot {
    fn act(&mut self, turn: &Turn<'_>) -> Action {
        if self.proc.is_none() {
            return turn.valid_actions.timeout_action();
        }
        self.ask(turn)
    }

    fn observe(&mut self, event: &Event<'_>) {
        if self.proc.is_none() {
            return;
        }
        match self.spec.dialect {
            Dialect::OpenPoker => self.observe_openpoker(event),
            Dialect::Claw => self.observe_claw(event),
        }
        self.maybe_flush();
    }

    fn take_faults(&mut self) -> Faults {
        std::mem::take(&mut self.faults)
    }
}

impl Drop for ExternalBot {
    fn drop(&mut self) {
        if let Some(mut proc) = self.proc.take() {
            // Write what is buffered (the last hand_result), close stdin so a
            // well-behaved bot sees end-of-file and exits, give it a moment, then make
            // sure it is gone and reaped.
            let deadline = Instant::now() + EXIT_GRACE;
            self.proc = Some(proc);
            if self.wait(deadline, false).is_flushed() {
                proc = self.proc.take().expect("still running");
            } else {
                let Some(p) = self.proc.take() else { return };
                proc = p;
            }
            drop(proc.stdin.take());
            while Instant::now() < deadline {
                if let Ok(Some(_)) = proc.child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(1));
            }
            let _ = proc.child.kill();
            let _ = proc.child.wait();
        }
    }
}
