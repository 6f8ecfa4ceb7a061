//! The WebSocket side of an external bot (`ws:`, `ws-claw:`): the connection its
//! process opened to the embedded server ([`crate::protocol::ws_server`]), seen by the
//! session as lines, one text frame per line each way.
//!
//! The session writes JSON lines into its output buffer as it does for pipes; each
//! line is sent as one text frame. Each text frame received becomes one line of input
//! (its newlines, which JSON allows only as whitespace outside strings, become spaces),
//! so the session judges a frame exactly as it judges a line of stdout.
//!
//! Connection lifecycle, as the Open Poker document describes it
//! (`openpoker-websocket-protocol.txt`, "Connection Lifecycle", "Reconnection"):
//! - on connecting, the bot gets `connected`; the session's messages are held back
//!   until it sends `join_lobby`, answered by `lobby_joined` (then `table_joined`
//!   and the game); a Claw bot authenticates with `auth` in the server and then gets
//!   the session's `auth.success` and events at once;
//! - a second connection with the same credentials replaces the first ("Opening a new
//!   WebSocket while one is already connected for the same agent replaces the old
//!   connection");
//! - a dropped connection keeps its seat for the reconnect window (120 s,
//!   [`super::DEFAULT_RECONNECT_WINDOW`], or `--reconnect-window`): turns time out
//!   meanwhile and the events are kept, to be delivered on reconnecting; after the
//!   window the seat is written off as crashed;
//! - at most [`RATE_LIMIT`] messages within [`RATE_WINDOW`] ("rate-limited to 20
//!   messages per second per connection ... sliding 1-second window"): a message
//!   beyond it is dropped and answered with `error` `rate_limited`. Offline, hands are
//!   played thousands of times faster than live, so the first message after each
//!   request (`your_turn`, `action.requested`: the answer) and the first after
//!   `busted` (its `rebuy`) are exempt; what is counted
//!   is what the limit catches live, the messages a bot sends beyond its answers
//!   (echoing events back, re-sending actions: `openpoker-common-bot-errors.txt`, 6).
//!   The window counts each message at its arrival, not when the session reads it.
//!
//! Between the seat's decisions nobody else reads its connection, yet clients expect
//! their keepalive pings answered (the `websockets` package pings every 20 s and
//! drops a connection whose pong is 20 s late), and a `serve` bot may wait minutes
//! while another bot thinks (120 s per decision). So every link is also looked after
//! by one keeper thread: every [`KEEP_ALIVE_EVERY`] it takes each link that is not in
//! a wait of its session (a `try_lock`: it never holds up a decision), answers pings,
//! flushes, adopts a reconnect, notes a close, and keeps the text frames that arrived,
//! with their arrival times, for the session to read next (at most
//! [`super::MAX_LINE_BYTES`] and [`crate::protocol::ws_server::MAX_KEPT_MESSAGES`] of
//! them; then it stops reading until the session does). While the session waits on the connection it
//! reads it itself, so an answer costs no thread hop.

use super::Dialect;
use crate::protocol::ws_server::{Registration, Socket};
use std::collections::VecDeque;
use std::io;
use std::os::fd::{AsRawFd, RawFd};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError, TryLockError, Weak};
use std::time::{Duration, Instant};
use tungstenite::Message;

/// How long a started bot has to connect and, for Open Poker, send `join_lobby`.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// Messages a connection may send within [`RATE_WINDOW`] (Open Poker, "Rate limits":
/// "20 messages per second per connection").
pub const RATE_LIMIT: usize = 20;

/// The rate limit's sliding window.
pub const RATE_WINDOW: Duration = Duration::from_secs(1);

/// How often the keeper thread looks after the links not in a wait: well within the
/// 20 s a `websockets` client gives a pong (its default `ping_timeout`).
pub const KEEP_ALIVE_EVERY: Duration = Duration::from_millis(500);

/// Where the connection stands.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum State {
    /// The process was started and has not connected yet.
    Waiting,
    /// Connected (Open Poker): `connected` was sent, `join_lobby` not yet received.
    Lobby,
    /// Seated: the session's messages flow.
    Playing,
    /// The connection dropped at this time; the seat waits for a reconnect.
    Dropped(Instant),
}

/// What reading the socket gave, besides the lines appended to the input.
#[derive(Default)]
pub(super) struct Received {
    /// Messages dropped by the rate limit, with the first one's text.
    pub rate_limited: u32,
    pub first_dropped: Vec<u8>,
}

/// An external bot's WebSocket, shared with the keeper thread: lock it
/// ([`SocketLink::lock`]) to use it.
pub(super) struct SocketLink {
    shared: Arc<Mutex<Link>>,
}

/// An external bot's WebSocket: its registration with the server and its current
/// connection.
pub(super) struct Link {
    registration: Registration,
    dialect: Dialect,
    /// `connected`'s fields.
    agent_id: String,
    name: String,
    socket: Option<Socket>,
    state: State,
    started: Instant,
    /// The socket holds written frames not yet flushed to the kernel.
    unflushed: bool,
    /// The arrival times of the last [`RATE_LIMIT`] messages accepted.
    recent: VecDeque<Instant>,
    /// Connections taken in all (the first, then reconnects and takeovers).
    pub connections: u32,
    /// How long a dropped connection keeps its seat.
    reconnect_window: Duration,
    /// The last request's answer has not arrived yet: the next message is exempt from
    /// the rate limit.
    answer_due: bool,
    /// `busted` was sent and nothing arrived since: the next message (its `rebuy`,
    /// say) is exempt too.
    busted_due: bool,
    /// The session is in a wait on this link: the keeper leaves it alone.
    busy: bool,
    /// Text frames the keeper read, with their arrival times, oldest first.
    kept: VecDeque<(Instant, Vec<u8>)>,
    /// Their bytes, at most [`super::MAX_LINE_BYTES`].
    kept_bytes: usize,
    /// What ended the connection for good while the keeper read it (a message over the
    /// size limit), for the session's next read to report.
    failed: Option<String>,
    /// The keeper adopted a reconnect of a seated bot since the last request: a
    /// request outstanding must be sent again.
    readopted: bool,
}

/// The links the keeper thread looks after.
static KEPT: Mutex<Vec<Weak<Mutex<Link>>>> = Mutex::new(Vec::new());

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Hands `link` to the keeper thread, started on first use.
fn keep(link: &Arc<Mutex<Link>>) {
    static KEEPER: OnceLock<()> = OnceLock::new();
    lock(&KEPT).push(Arc::downgrade(link));
    KEEPER.get_or_init(|| {
        let started = std::thread::Builder::new()
            .name("ws-keeper".into())
            .spawn(|| {
                loop {
                    std::thread::sleep(KEEP_ALIVE_EVERY);
                    let links: Vec<Arc<Mutex<Link>>> = {
                        let mut kept = lock(&KEPT);
                        kept.retain(|l| l.strong_count() > 0);
                        kept.iter().filter_map(Weak::upgrade).collect()
                    };
                    for link in links {
                        let mut link = match link.try_lock() {
                            Ok(l) => l,
                            Err(TryLockError::Poisoned(p)) => p.into_inner(),
                            Err(TryLockError::WouldBlock) => continue,
                        };
                        if !link.busy {
                            link.keep_alive();
                        }
                    }
                }
            });
        if let Err(e) = started {
            eprintln!(
                "warning: no keeper thread for WebSocket bots ({e}): a bot's keepalive pings are answered only at its own decisions"
            );
        }
    });
}

impl SocketLink {
    /// A link for a process about to be started with `registration`'s environment.
    pub fn new(
        registration: Registration,
        dialect: Dialect,
        agent_id: String,
        name: String,
        reconnect_window: Duration,
    ) -> Self {
        let shared = Arc::new(Mutex::new(Link {
            registration,
            dialect,
            agent_id,
            name,
            socket: None,
            state: State::Waiting,
            started: Instant::now(),
            unflushed: false,
            recent: VecDeque::with_capacity(RATE_LIMIT),
            connections: 0,
            reconnect_window,
            answer_due: false,
            busted_due: false,
            busy: false,
            kept: VecDeque::new(),
            kept_bytes: 0,
            failed: None,
            readopted: false,
        }));
        keep(&shared);
        SocketLink { shared }
    }

    /// The link, locked (the keeper waits meanwhile).
    pub fn lock(&self) -> MutexGuard<'_, Link> {
        lock(&self.shared)
    }

    /// Marks the link as in a wait of its session until the returned guard is dropped:
    /// the keeper leaves it alone, so what arrives is read by the session's own
    /// `poll`.
    pub fn waiting(&self) -> Waiting {
        lock(&self.shared).busy = true;
        Waiting(Arc::clone(&self.shared))
    }
}

/// A wait of the session on its link ([`SocketLink::waiting`]).
pub(super) struct Waiting(Arc<Mutex<Link>>);

impl Drop for Waiting {
    fn drop(&mut self) {
        lock(&self.0).busy = false;
    }
}

/// Whether a tungstenite error is just "the socket would block".
fn would_block(e: &tungstenite::Error) -> bool {
    matches!(e, tungstenite::Error::Io(io) if io.kind() == io::ErrorKind::WouldBlock)
}

impl Link {
    /// Puts an already greeted connection (a `serve` lobby bot) at the table, with
    /// what it sent while it waited (arrival times and texts), to be read first.
    pub fn seat(&mut self, socket: Socket, kept: Vec<(Instant, Vec<u8>)>) {
        self.kept_bytes = kept.iter().map(|(_, t)| t.len()).sum();
        self.kept = kept.into();
        self.socket = Some(socket);
        self.state = State::Playing;
        self.connections = 1;
    }

    /// The environment the bot's process gets (URL and credentials).
    pub fn env(&self) -> &[(&'static str, String)] {
        &self.registration.env
    }

    /// The URL the bot must connect to.
    pub fn url(&self) -> &str {
        &self.registration.url
    }

    /// A request was sent: its answer does not count against the rate limit, and a
    /// reconnect adopted before it needs nothing sent again.
    pub fn request_sent(&mut self) {
        self.answer_due = true;
        self.readopted = false;
    }

    /// `busted` was sent: like a request, it asks for an answer (`rebuy`), which the
    /// rate limit does not count.
    pub fn busted_sent(&mut self) {
        self.busted_due = true;
    }

    /// Whether the session's messages may be written now.
    pub fn playing(&self) -> bool {
        self.state == State::Playing
    }

    /// Whether frames wait to be flushed.
    pub fn unflushed(&self) -> bool {
        self.unflushed
    }

    /// The socket's descriptor, if connected.
    pub fn fd(&self) -> Option<RawFd> {
        self.socket.as_ref().map(|s| s.get_ref().as_raw_fd())
    }

    /// Takes the newest connection the server handed over, if any (a reconnect, or a
    /// takeover replacing the current one), and greets it; `true` when it, or one the
    /// keeper took since the last request, replaces a seated one (the pending request,
    /// if any, must be sent again).
    pub fn adopt(&mut self) -> bool {
        self.take_connection() | std::mem::take(&mut self.readopted)
    }

    /// [`Self::adopt`] without the keeper's part.
    fn take_connection(&mut self) -> bool {
        let mut newest = None;
        while let Ok(s) = self.registration.sockets.try_recv() {
            newest = Some(s);
        }
        let Some(socket) = newest else {
            return false;
        };
        if let Some(mut old) = self.socket.replace(socket) {
            let _ = old.close(None);
            let _ = old.flush();
        }
        self.connections += 1;
        self.unflushed = false;
        let seated = matches!(self.state, State::Playing | State::Dropped(_));
        self.state = match self.dialect {
            Dialect::OpenPoker => {
                let connected = serde_json::json!({
                    "type": "connected",
                    "agent_id": self.agent_id,
                    "name": self.name,
                    "season_mode": false,
                });
                self.write_frame(connected.to_string());
                if seated { State::Playing } else { State::Lobby }
            }
            Dialect::Claw => State::Playing,
        };
        seated
    }

    /// Why the connection is not usable, if it is not: never connected within
    /// [`CONNECT_TIMEOUT`], or dropped longer than the reconnect window ago.
    pub fn expired(&self, now: Instant) -> Option<String> {
        match self.state {
            State::Waiting | State::Lobby
                if now.duration_since(self.started) >= CONNECT_TIMEOUT =>
            {
                Some(if self.state == State::Waiting {
                    format!(
                        "did not connect to {} within {} s",
                        self.url(),
                        CONNECT_TIMEOUT.as_secs()
                    )
                } else {
                    format!(
                        "connected but did not send join_lobby within {} s",
                        CONNECT_TIMEOUT.as_secs()
                    )
                })
            }
            State::Dropped(at) if now.duration_since(at) >= self.reconnect_window => Some(format!(
                "dropped its connection and did not reconnect within {:.1} s",
                self.reconnect_window.as_secs_f64()
            )),
            _ => None,
        }
    }

    /// Whether the bot was connected and its connection dropped (it may reconnect
    /// within the window).
    pub fn dropped(&self) -> bool {
        matches!(self.state, State::Dropped(_))
    }

    fn drop_connection(&mut self) {
        self.socket = None;
        self.unflushed = false;
        if self.state != State::Waiting {
            self.state = State::Dropped(Instant::now());
        }
    }

    fn write_frame(&mut self, text: String) {
        let Some(ws) = self.socket.as_mut() else {
            return;
        };
        match ws.write(Message::text(text)) {
            Ok(()) => self.unflushed = true,
            Err(e) if would_block(&e) => self.unflushed = true,
            Err(_) => self.drop_connection(),
        }
    }

    /// Sends the complete lines at the front of `out` as frames and flushes; returns
    /// the bytes of `out` consumed. Nothing is sent before the bot is seated.
    ///
    /// # Errors
    /// The bot let more than the write limit pile up unread (it stopped reading).
    pub fn write(&mut self, out: &[u8]) -> Result<usize, String> {
        let used = self.stage(out)?;
        if self.unflushed
            && let Some(ws) = self.socket.as_mut()
        {
            match ws.flush() {
                Ok(()) => self.unflushed = false,
                Err(e) if would_block(&e) => {}
                Err(_) => self.drop_connection(),
            }
        }
        Ok(used)
    }

    /// [`Self::write`] without the flush: the frames wait in the socket's buffer for
    /// the session's next write or the keeper's next visit (at most
    /// [`KEEP_ALIVE_EVERY`]), so a `serve` bot gets the events while the table waits
    /// on another bot, at no system call per event.
    ///
    /// # Errors
    /// As [`Self::write`].
    pub fn stage(&mut self, out: &[u8]) -> Result<usize, String> {
        let mut used = 0;
        if self.state == State::Playing && self.socket.is_some() {
            while let Some(end) = out[used..].iter().position(|&b| b == b'\n') {
                let line = &out[used..used + end];
                used += end + 1;
                let text = String::from_utf8_lossy(line).into_owned();
                let Some(ws) = self.socket.as_mut() else {
                    break;
                };
                match ws.write(Message::text(text)) {
                    Ok(()) => {}
                    Err(e) if would_block(&e) => {}
                    Err(tungstenite::Error::WriteBufferFull(_)) => {
                        return Err(format!(
                            "stopped reading its WebSocket (more than {} bytes of messages waiting)",
                            super::MAX_PENDING_BYTES
                        ));
                    }
                    Err(_) => {
                        self.drop_connection();
                        break;
                    }
                }
                self.unflushed = true;
            }
        }
        Ok(used)
    }

    /// Reads the frames the keeper kept and those available into `input` as lines,
    /// and their arrival times into `times` (one per line), while `input` holds less
    /// than `cap` bytes; answers `join_lobby` in the lobby; applies the rate limit.
    ///
    /// # Errors
    /// The bot sent a message larger than the limit.
    pub fn read(
        &mut self,
        input: &mut Vec<u8>,
        times: &mut VecDeque<Instant>,
        cap: usize,
    ) -> Result<Received, String> {
        if let Some(why) = self.failed.take() {
            return Err(why);
        }
        let mut got = Received::default();
        while input.len() < cap
            && let Some((at, text)) = self.kept.pop_front()
        {
            self.kept_bytes -= text.len();
            self.accept(&text, at, input, times, &mut got);
        }
        while input.len() < cap {
            let Some(msg) = self.next_message()? else {
                break;
            };
            self.accept(&msg.into_data(), Instant::now(), input, times, &mut got);
        }
        Ok(got)
    }

    /// The next text (or binary) message that has arrived, if any; a close or a broken
    /// connection drops it (`None`).
    ///
    /// # Errors
    /// The bot sent a message larger than the limit.
    fn next_message(&mut self) -> Result<Option<Message>, String> {
        loop {
            let Some(ws) = self.socket.as_mut() else {
                return Ok(None);
            };
            match ws.read() {
                Ok(m @ (Message::Text(_) | Message::Binary(_))) => return Ok(Some(m)),
                Ok(Message::Close(_)) | Err(tungstenite::Error::ConnectionClosed) => {
                    self.drop_connection();
                    return Ok(None);
                }
                Ok(_) => {} // ping, pong: answered by tungstenite
                Err(e) if would_block(&e) => return Ok(None),
                Err(tungstenite::Error::Capacity(_)) => {
                    return Err(format!(
                        "sent a WebSocket message longer than {} bytes",
                        crate::protocol::ws_server::MAX_MESSAGE_BYTES
                    ));
                }
                Err(_) => {
                    self.drop_connection();
                    return Ok(None);
                }
            }
        }
    }

    /// Takes one message that arrived at `at`: `join_lobby` in the lobby is answered,
    /// a message beyond the rate limit dropped, any other becomes a line of `input`.
    fn accept(
        &mut self,
        text: &[u8],
        at: Instant,
        input: &mut Vec<u8>,
        times: &mut VecDeque<Instant>,
        got: &mut Received,
    ) {
        if self.state == State::Lobby && is_join_lobby(text) {
            self.state = State::Playing;
            let joined = serde_json::json!({
                "type": "lobby_joined",
                "position": 1,
                "estimated_wait": 0,
            });
            self.write_frame(joined.to_string());
            return;
        }
        let answer = std::mem::take(&mut self.answer_due) || std::mem::take(&mut self.busted_due);
        if !answer {
            while self
                .recent
                .front()
                .is_some_and(|&t| at.saturating_duration_since(t) >= RATE_WINDOW)
            {
                self.recent.pop_front();
            }
            if self.recent.len() >= RATE_LIMIT {
                if got.rate_limited == 0 {
                    got.first_dropped = text.to_vec();
                }
                got.rate_limited += 1;
                return;
            }
            self.recent.push_back(at);
        }
        push_line(input, text);
        times.push_back(at);
    }

    /// The keeper's visit to a link its session is not waiting on: adopts a reconnect,
    /// answers pings (tungstenite queues the pongs as it reads), keeps the messages
    /// that arrived (up to [`super::MAX_LINE_BYTES`]) and flushes (the frames staged
    /// since the session's last write too).
    fn keep_alive(&mut self) {
        if self.take_connection() {
            self.readopted = true;
        }
        while self.failed.is_none()
            && self.kept_bytes < super::MAX_LINE_BYTES
            && self.kept.len() < crate::protocol::ws_server::MAX_KEPT_MESSAGES
        {
            match self.next_message() {
                Ok(Some(msg)) => {
                    let text = msg.into_data().to_vec();
                    self.kept_bytes += text.len();
                    self.kept.push_back((Instant::now(), text));
                }
                Ok(None) => break,
                Err(why) => self.failed = Some(why),
            }
        }
        if let Some(ws) = self.socket.as_mut() {
            match ws.flush() {
                Ok(()) => self.unflushed = false,
                Err(e) if would_block(&e) => {}
                Err(_) => self.drop_connection(),
            }
        }
    }

    /// Closes the connection politely (end of run).
    pub fn close(&mut self) {
        if let Some(ws) = self.socket.as_mut() {
            let _ = ws.close(None);
            let _ = ws.flush();
        }
    }
}

/// Appends a frame to the input as one line: its newlines (JSON whitespace) become
/// spaces.
fn push_line(input: &mut Vec<u8>, text: &[u8]) {
    input.extend(text.iter().map(|&b| if b == b'\n' { b' ' } else { b }));
    input.push(b'\n');
}

/// Whether a frame is an Open Poker `join_lobby`.
fn is_join_lobby(text: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(text)
        .ok()
        .and_then(|v| {
            v.get("type")
                .and_then(|t| t.as_str())
                .map(|t| t == "join_lobby")
        })
        .unwrap_or(false)
}
