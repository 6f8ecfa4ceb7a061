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
//!   request (`your_turn`, `action.requested`: the answer) is exempt; what is counted
//!   is what the limit catches live, the messages a bot sends beyond its answers
//!   (echoing events back, re-sending actions: `openpoker-common-bot-errors.txt`, 6).

use super::Dialect;
use crate::protocol::ws_server::{Registration, Socket};
use std::collections::VecDeque;
use std::io;
use std::os::fd::{AsRawFd, RawFd};
use std::time::{Duration, Instant};
use tungstenite::Message;

/// How long a started bot has to connect and, for Open Poker, send `join_lobby`.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// Messages a connection may send within [`RATE_WINDOW`] (Open Poker, "Rate limits":
/// "20 messages per second per connection").
pub const RATE_LIMIT: usize = 20;

/// The rate limit's sliding window.
pub const RATE_WINDOW: Duration = Duration::from_secs(1);

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

/// An external bot's WebSocket: its registration with the server and its current
/// connection.
pub(super) struct SocketLink {
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
}

/// Whether a tungstenite error is just "the socket would block".
fn would_block(e: &tungstenite::Error) -> bool {
    matches!(e, tungstenite::Error::Io(io) if io.kind() == io::ErrorKind::WouldBlock)
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
        SocketLink {
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
        }
    }

    /// Puts an already greeted connection (a `serve` lobby bot) at the table.
    pub fn seat(&mut self, socket: Socket) {
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

    /// A request was sent: its answer does not count against the rate limit.
    pub fn request_sent(&mut self) {
        self.answer_due = true;
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
    /// takeover replacing the current one), and greets it; `true` when it replaces a
    /// seated one (the pending request, if any, must be sent again).
    pub fn adopt(&mut self) -> bool {
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

    /// Reads the frames available into `input` as lines (while it holds less than
    /// `cap` bytes); answers `join_lobby` in the lobby; applies the rate limit.
    ///
    /// # Errors
    /// The bot sent a message larger than the limit.
    pub fn read(&mut self, input: &mut Vec<u8>, cap: usize) -> Result<Received, String> {
        let mut got = Received::default();
        while input.len() < cap {
            let Some(ws) = self.socket.as_mut() else {
                break;
            };
            let msg = ws.read();
            let text: &[u8] = match &msg {
                Ok(Message::Text(t)) => t.as_str().as_bytes(),
                Ok(Message::Binary(b)) => b,
                Ok(Message::Close(_)) | Err(tungstenite::Error::ConnectionClosed) => {
                    self.drop_connection();
                    break;
                }
                Ok(_) => continue, // ping, pong: answered by tungstenite
                Err(e) if would_block(e) => break,
                Err(tungstenite::Error::Capacity(_)) => {
                    return Err(format!(
                        "sent a WebSocket message longer than {} bytes",
                        crate::protocol::ws_server::MAX_MESSAGE_BYTES
                    ));
                }
                Err(_) => {
                    self.drop_connection();
                    break;
                }
            };
            if self.state == State::Lobby && is_join_lobby(text) {
                self.state = State::Playing;
                let joined = serde_json::json!({
                    "type": "lobby_joined",
                    "position": 1,
                    "estimated_wait": 0,
                });
                self.write_frame(joined.to_string());
                continue;
            }
            if std::mem::take(&mut self.answer_due) {
                push_line(input, text);
                continue;
            }
            let now = Instant::now();
            while self
                .recent
                .front()
                .is_some_and(|&t| now.duration_since(t) >= RATE_WINDOW)
            {
                self.recent.pop_front();
            }
            if self.recent.len() >= RATE_LIMIT {
                if got.rate_limited == 0 {
                    got.first_dropped = text.to_vec();
                }
                got.rate_limited += 1;
                continue;
            }
            self.recent.push_back(now);
            push_line(input, text);
        }
        Ok(got)
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
