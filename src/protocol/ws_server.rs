//! The embedded WebSocket server of `ws:` and `ws-claw:` seats: a loopback listener
//! that authenticates each connection the way the platform does and hands it to the
//! seat that issued its credentials.
//!
//! - Open Poker (`ws://127.0.0.1:PORT/ws`): the API key comes only in the
//!   `Authorization: Bearer KEY` header (`openpoker-websocket-protocol.txt`,
//!   "Authentication": "Query parameter authentication is not supported"); a missing or
//!   unknown key gets `error` `auth_failed` and the socket is closed with code 4001.
//! - Claw Poker (`ws://127.0.0.1:PORT/ws/agent`): the first message must be `auth` with
//!   the `agent_id` and `secret` of a seat (`clawpoker-api.txt`, "WS /ws/agent",
//!   "1. Authenticate"); anything else gets an `error` event with code `auth_failed` and
//!   the same close code.
//! - `GET /api/...` and `POST /api/...`: the REST endpoints ([`super::rest`]), told
//!   apart by peeking at the request line before the handshake.
//! - Claw Poker's `ws://127.0.0.1:PORT/ws/observe[?table_id=offline]`: no
//!   authentication; the socket gets the table's public events ([`super::observe`]).
//!   Another `table_id` is refused with HTTP 404, an observer beyond
//!   [`super::observe::MAX_OBSERVERS`] with 503.
//! - Any other path is refused in the handshake with HTTP 404.
//!
//! The server is started once per process, on the first `ws:` seat, on a free port of
//! 127.0.0.1 (nothing listens on another interface), and lives until the process
//! exits. One thread accepts; each connection's handshake and authentication run on a
//! short-lived thread of their own, bounded by [`HANDSHAKE_TIMEOUT`], so a silent
//! client holds up nobody. An authenticated socket is sent (non-blocking) to its seat's
//! [`Registration`]; from then on the seat's worker thread reads and writes it itself
//! while it waits on it, so a decision costs no thread hop and the engine stays
//! synchronous; between the seat's decisions a keeper thread answers its pings (see
//! `external::socket`).
//! A second connection with the same credentials is handed over too: the seat takes
//! it and drops the old one (the protocol's session takeover). The registry's lock is
//! taken only when a seat registers, leaves, or a connection authenticates.
//!
//! Built on `tungstenite` (the WebSocket crate under `tokio-tungstenite` and `axum`)
//! used synchronously: the embedded server serves the runner's own worker threads,
//! which are not async.

use super::claw;
use super::external::Dialect;
use std::collections::HashMap;
use std::io;
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;
use tungstenite::protocol::frame::coding::CloseCode;
use tungstenite::protocol::{CloseFrame, WebSocketConfig};
use tungstenite::{Message, WebSocket};

/// The WebSocket close code for a failed authentication (Open Poker, "Authentication":
/// "closes the socket with code 4001").
pub const AUTH_FAILED_CLOSE_CODE: u16 = 4001;

/// Time a connection has to finish its handshake and, for Claw, to send `auth`.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// The largest message accepted from a bot, in bytes (as the pipe transport's longest
/// line); a larger one ends the connection.
pub const MAX_MESSAGE_BYTES: usize = super::external::MAX_LINE_BYTES;

/// The most messages kept for a seat while nobody waits on its socket (a lobby bot's
/// after `join_lobby`, a seated bot's between its decisions), besides the byte cap of
/// [`MAX_MESSAGE_BYTES`]; beyond it the socket is not read until its seat reads it.
pub const MAX_KEPT_MESSAGES: usize = 256;

/// An authenticated socket, non-blocking, ready for the seat's worker thread.
pub type Socket = WebSocket<TcpStream>;

/// A bot that joined `serve`'s lobby: authenticated with credentials no seat holds,
/// greeted (`connected`, then `lobby_joined` after its `join_lobby`; Claw: after its
/// `auth`), waiting for a seat.
pub struct Arrival {
    /// Its name in the result files: the Open Poker key or the Claw `agent_id`, when
    /// that is a plain name (see [`agent_name`]).
    pub name: String,
    /// Its credentials, for [`Server::register_as`] once seated.
    pub key: String,
    /// The dialect it spoke.
    pub dialect: Dialect,
    /// Open Poker: the stack its `join_lobby` asked for, in chips
    /// ([`crate::protocol::openpoker::JoinLobby::buy_in_chips`]); `None` for Claw,
    /// which has no `join_lobby` (it sits with `--stack`).
    pub buy_in_chips: Option<u32>,
    /// Its connection.
    pub socket: Socket,
    /// What it sent while it waited after `join_lobby` (`set_auto_rebuy`, ...), with
    /// the arrival times, for its seat to read first: at most [`MAX_KEPT_MESSAGES`]
    /// messages and [`MAX_MESSAGE_BYTES`] bytes; later ones are dropped.
    pub kept: Vec<(std::time::Instant, Vec<u8>)>,
}

/// The running server: its port and who may connect.
pub struct Server {
    port: u16,
    /// `serve`: where bots with unknown credentials go while the lobby is open.
    lobby: Option<Mutex<Sender<Arrival>>>,
    /// `serve`: the lobby bots given seats, by name, until their seat's bot takes them.
    seated: Mutex<HashMap<String, Arrival>>,
    /// Whether the lobby still takes bots (`serve` closes it when the table is full).
    lobby_open: std::sync::atomic::AtomicBool,
    /// Credentials (an Open Poker API key, or a Claw `agent_id` and secret joined by a
    /// space) to the seat waiting for them.
    seats: Mutex<HashMap<String, Sender<Socket>>>,
    /// What the REST endpoints serve ([`super::rest`]).
    rest: super::rest::RestState,
    /// The table's public events, for `/ws/observe` and `/events` ([`super::observe`]).
    public: super::observe::PublicLog,
}

/// A seat's credentials and the channel its connections arrive on; dropping it
/// revokes the credentials.
pub struct Registration {
    /// The environment variables the bot's process gets: its URL and credentials
    /// (`OPENPOKER_WS_URL` and `OPENPOKER_API_KEY`, or `CLAW_WS_URL`, `CLAW_AGENT_ID`
    /// and `CLAW_SECRET`).
    pub env: Vec<(&'static str, String)>,
    /// The URL the bot must connect to.
    pub url: String,
    /// Authenticated connections for this seat, newest last.
    pub sockets: Receiver<Socket>,
    key: String,
}

impl Drop for Registration {
    fn drop(&mut self) {
        if let Some(server) = SERVER.get() {
            lock(&server.seats).remove(&self.key);
        }
    }
}

static SERVER: OnceLock<Server> = OnceLock::new();

/// The process's server, if one was started.
pub fn running() -> Option<&'static Server> {
    SERVER.get()
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The process's server, started on first use.
///
/// # Errors
/// The loopback listener cannot be bound.
pub fn embedded() -> io::Result<&'static Server> {
    static START: Mutex<()> = Mutex::new(());
    if let Some(s) = SERVER.get() {
        return Ok(s);
    }
    let _one = lock(&START);
    if let Some(s) = SERVER.get() {
        return Ok(s);
    }
    start(TcpListener::bind(("127.0.0.1", 0))?, None)
}

/// Starts the process's server on `listener` for `serve`: bots with credentials no
/// seat holds join the lobby and are sent to `lobby`.
///
/// # Errors
/// A server is already running in this process, or the listener's address is unknown.
pub fn serve(listener: TcpListener, lobby: Sender<Arrival>) -> io::Result<&'static Server> {
    if SERVER.get().is_some() {
        return Err(io::Error::other("a server is already running"));
    }
    start(listener, Some(lobby))
}

fn start(listener: TcpListener, lobby: Option<Sender<Arrival>>) -> io::Result<&'static Server> {
    let port = listener.local_addr()?.port();
    let server = SERVER.get_or_init(|| Server {
        port,
        lobby_open: std::sync::atomic::AtomicBool::new(lobby.is_some()),
        lobby: lobby.map(Mutex::new),
        seats: Mutex::new(HashMap::new()),
        seated: Mutex::new(HashMap::new()),
        rest: super::rest::RestState::default(),
        public: super::observe::PublicLog::default(),
    });
    if server.lobby.is_some() {
        // `serve`: spectators are answered while no event flows too.
        std::thread::Builder::new()
            .name("ws-observe".into())
            .spawn(move || {
                loop {
                    std::thread::sleep(super::observe::SERVICE_EVERY);
                    server.public.service();
                }
            })?;
    }
    std::thread::Builder::new()
        .name("ws-accept".into())
        .spawn(move || accept_loop(listener))?;
    Ok(server)
}

/// The name a lobby bot plays under: its Open Poker key or Claw `agent_id` when that
/// is 1 to 32 letters, digits, `-` or `_` (offline the key names the agent, so
/// `OPENPOKER_API_KEY=alice`), else `agent-` and the key's first 8 such characters.
pub fn agent_name(key: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    if (1..=32).contains(&key.len()) && key.chars().all(plain) {
        key.to_string()
    } else {
        let head: String = key.chars().filter(|&c| plain(c)).take(8).collect();
        format!("agent-{head}")
    }
}

/// The name a registered Claw agent plays under: its `agent_name` with every
/// character but letters, digits, `-` and `_` made `_`, cut to 32 characters.
pub fn registered_name(agent_name: &str) -> String {
    agent_name
        .chars()
        .take(32)
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// 128 random bits from the operating system's generator, as 32 hex digits.
fn random_hex() -> String {
    use rand::RngExt;
    format!("{:032x}", rand::rng().random::<u128>())
}

impl Server {
    /// What the REST endpoints serve: `serve` fills in the table and the stack.
    pub fn rest(&self) -> &super::rest::RestState {
        &self.rest
    }

    /// Registers `serve`'s seated Open Poker bot holding `key` for the season
    /// endpoints ([`super::rest`]): the entry its seat keeps up to date.
    pub fn season_entry(
        &self,
        key: &str,
        name: &str,
        stack_chips: u32,
    ) -> std::sync::Arc<Mutex<super::rest::SeasonEntry>> {
        let entry = super::rest::SeasonEntry {
            agent_id: key_id(key),
            name: name.to_string(),
            stack_chips,
            seated: true,
            ..Default::default()
        };
        self.rest.season_entry(key, entry)
    }

    /// The table's public event log (`serve` feeds it from seat 0's session).
    pub fn public_log(&self) -> &super::observe::PublicLog {
        &self.public
    }

    /// The loopback port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The URL a bot of `dialect` connects to: `ws://127.0.0.1:PORT/ws` (Open Poker) or
    /// `ws://127.0.0.1:PORT/ws/agent` (Claw Poker).
    pub fn url(&self, dialect: Dialect) -> String {
        match dialect {
            Dialect::OpenPoker => format!("ws://127.0.0.1:{}/ws", self.port),
            Dialect::Claw => format!("ws://127.0.0.1:{}/ws/agent", self.port),
        }
    }

    /// Issues fresh credentials for one seat of `dialect`.
    pub fn register(&self, dialect: Dialect) -> Registration {
        let (tx, rx) = mpsc::channel();
        let url = self.url(dialect);
        let (key, env) = match dialect {
            Dialect::OpenPoker => {
                let key = format!("ha_{}", random_hex());
                let env = vec![
                    ("OPENPOKER_WS_URL", url.clone()),
                    ("OPENPOKER_API_KEY", key.clone()),
                ];
                (key, env)
            }
            Dialect::Claw => {
                let agent = format!("agent_{}", &random_hex()[..16]);
                let secret = format!("sk_local_{}", random_hex());
                let env = vec![
                    ("CLAW_WS_URL", url.clone()),
                    ("CLAW_AGENT_ID", agent.clone()),
                    ("CLAW_SECRET", secret.clone()),
                ];
                (format!("{agent} {secret}"), env)
            }
        };
        lock(&self.seats).insert(key.clone(), tx);
        Registration {
            env,
            url,
            sockets: rx,
            key,
        }
    }

    /// Registers a seated lobby bot's own credentials, so that its reconnects and
    /// takeovers reach its seat.
    pub fn register_as(&self, dialect: Dialect, key: String) -> Registration {
        let (tx, rx) = mpsc::channel();
        lock(&self.seats).insert(key.clone(), tx);
        Registration {
            env: Vec::new(),
            url: self.url(dialect),
            sockets: rx,
            key,
        }
    }

    /// Gives a lobby bot a seat: the bot made for the seat named `arrival.name` takes it
    /// with [`Server::take_seated`].
    pub fn seat(&self, arrival: Arrival) {
        lock(&self.seated).insert(arrival.name.clone(), arrival);
    }

    /// The seated lobby bot named `name`, once.
    pub fn take_seated(&self, name: &str) -> Option<Arrival> {
        lock(&self.seated).remove(name)
    }

    /// Closes the lobby: later bots with unknown credentials get `lobby_full`.
    pub fn close_lobby(&self) {
        self.lobby_open
            .store(false, std::sync::atomic::Ordering::SeqCst);
    }

    /// Sends `socket` to the seat holding `key`; gives it back when no seat does (or
    /// the seat has gone).
    fn hand_over(&self, key: &str, socket: Socket) -> Option<Socket> {
        match lock(&self.seats).get(key) {
            Some(tx) => tx.send(socket).err().map(|e| e.0),
            None => Some(socket),
        }
    }
}

/// Handshakes in progress at most; a connection beyond them is closed at once (each
/// takes a thread for up to [`HANDSHAKE_TIMEOUT`]).
pub const MAX_HANDSHAKES: usize = 64;

fn accept_loop(listener: TcpListener) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static IN_PROGRESS: AtomicUsize = AtomicUsize::new(0);
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        if IN_PROGRESS.fetch_add(1, Ordering::SeqCst) >= MAX_HANDSHAKES {
            IN_PROGRESS.fetch_sub(1, Ordering::SeqCst);
            continue; // dropped: closed
        }
        let spawned = std::thread::Builder::new()
            .name("ws-handshake".into())
            .spawn(move || {
                let _ = authenticate(stream);
                IN_PROGRESS.fetch_sub(1, Ordering::SeqCst);
            });
        if spawned.is_err() {
            IN_PROGRESS.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// The configuration of every socket: messages and frames up to
/// [`MAX_MESSAGE_BYTES`], and as much buffered for writing before a write fails.
pub fn socket_config() -> WebSocketConfig {
    WebSocketConfig::default()
        .max_message_size(Some(MAX_MESSAGE_BYTES))
        .max_frame_size(Some(MAX_MESSAGE_BYTES))
        .max_write_buffer_size(super::external::MAX_PENDING_BYTES + (64 << 10))
}

/// Runs the handshake, authenticates, and hands the socket over (or refuses it).
#[allow(clippy::result_large_err)] // the handshake callback's type is tungstenite's
fn authenticate(stream: TcpStream) -> Result<(), tungstenite::Error> {
    let server = SERVER
        .get()
        .expect("the server is started before it accepts");
    stream.set_read_timeout(Some(HANDSHAKE_TIMEOUT))?;
    stream.set_write_timeout(Some(HANDSHAKE_TIMEOUT))?;
    stream.set_nodelay(true)?;
    if super::rest::wants_rest(&stream, HANDSHAKE_TIMEOUT) {
        return super::rest::answer(&server.rest, &server.public, stream)
            .map_err(tungstenite::Error::Io);
    }
    let mut path = String::new();
    let mut bearer = None;
    let callback = |req: &tungstenite::handshake::server::Request,
                    resp: tungstenite::handshake::server::Response| {
        path = req.uri().path().to_string();
        let refuse = |status, why: &str| {
            let mut refusal =
                tungstenite::handshake::server::ErrorResponse::new(Some(why.to_string()));
            *refusal.status_mut() = status;
            Err(refusal)
        };
        if path == "/ws/observe" {
            let table = req.uri().query().and_then(|q| {
                q.split('&')
                    .find_map(|kv| kv.strip_prefix("table_id="))
                    .map(str::to_string)
            });
            return match table {
                Some(t) if t != super::observe::TABLE_ID => refuse(
                    tungstenite::http::StatusCode::NOT_FOUND,
                    &format!(
                        "no table {t:?}: the offline server has one table, {:?}",
                        super::observe::TABLE_ID
                    ),
                ),
                _ if server.public.observers() >= super::observe::MAX_OBSERVERS => refuse(
                    tungstenite::http::StatusCode::SERVICE_UNAVAILABLE,
                    &format!(
                        "{} observers are watching already: the most the offline server takes",
                        super::observe::MAX_OBSERVERS
                    ),
                ),
                _ => Ok(resp),
            };
        }
        bearer = req
            .headers()
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|k| k.trim().to_string());
        if path == "/ws" || path == "/ws/agent" {
            Ok(resp)
        } else {
            refuse(
                tungstenite::http::StatusCode::NOT_FOUND,
                "no such endpoint: connect to /ws (Open Poker), /ws/agent (Claw Poker) or /ws/observe (spectators)",
            )
        }
    };
    let mut ws = tungstenite::accept_hdr_with_config(stream, callback, Some(socket_config()))
        .map_err(|e| match e {
            tungstenite::HandshakeError::Failure(e) => e,
            tungstenite::HandshakeError::Interrupted(_) => {
                tungstenite::Error::Io(io::ErrorKind::TimedOut.into())
            }
        })?;
    if path == "/ws/observe" {
        ws.get_ref().set_read_timeout(None)?;
        ws.get_ref().set_write_timeout(None)?;
        ws.get_ref().set_nonblocking(true)?;
        server.public.add_observer(ws);
        return Ok(());
    }
    let (key, refusal) = if path == "/ws" {
        let refusal = serde_json::json!({
            "type": "error",
            "code": "auth_failed",
            "message": "Invalid or missing API key (send it as Authorization: Bearer KEY)",
        });
        (bearer.unwrap_or_default(), refusal)
    } else {
        let refusal = serde_json::json!({
            "type": "error",
            "data": {"code": "auth_failed", "message": "Invalid agent_id or secret (send {\"type\": \"auth\", \"agent_id\": ..., \"secret\": ...} first)"},
        });
        (claw_credentials(&mut ws).unwrap_or_default(), refusal)
    };
    if !key.is_empty() {
        ws.get_ref().set_read_timeout(None)?;
        ws.get_ref().set_write_timeout(None)?;
        ws.get_ref().set_nonblocking(true)?;
        match server.hand_over(&key, ws) {
            None => return Ok(()),
            Some(back) => ws = back, // nobody holds these credentials
        }
        ws.get_ref().set_nonblocking(false)?;
        ws.get_ref().set_read_timeout(Some(HANDSHAKE_TIMEOUT))?;
        ws.get_ref().set_write_timeout(Some(HANDSHAKE_TIMEOUT))?;
        if let Some(lobby) = &server.lobby {
            let dialect = if path == "/ws" {
                Dialect::OpenPoker
            } else {
                Dialect::Claw
            };
            return join_lobby(server, lobby, ws, dialect, key);
        }
    }
    refuse(ws, &refusal)
}

/// Sends `refusal` (an `auth_failed` error), closes with [`AUTH_FAILED_CLOSE_CODE`]
/// and lets the client read the close frame (until its answer or the timeout).
#[allow(clippy::result_large_err)]
fn refuse(mut ws: Socket, refusal: &serde_json::Value) -> Result<(), tungstenite::Error> {
    ws.send(Message::text(refusal.to_string()))?;
    ws.close(Some(CloseFrame {
        code: CloseCode::from(AUTH_FAILED_CLOSE_CODE),
        reason: "auth_failed".into(),
    }))?;
    while ws.read().is_ok() {}
    Ok(())
}

/// `serve`'s lobby handshake for a bot no seat knows: Open Poker gets `connected` and
/// must send `join_lobby` within [`HANDSHAKE_TIMEOUT`] (answered by `lobby_joined`);
/// then the bot goes to the lobby. A full table answers `lobby_full` (Open Poker,
/// "Error Codes") and closes.
#[allow(clippy::result_large_err)]
fn join_lobby(
    server: &Server,
    lobby: &Mutex<Sender<Arrival>>,
    mut ws: Socket,
    dialect: Dialect,
    key: String,
) -> Result<(), tungstenite::Error> {
    let mut name = agent_name(key.split_once(' ').map_or(key.as_str(), |(id, _)| id));
    if let (Dialect::Claw, Some((id, secret))) = (dialect, key.split_once(' ')) {
        if let Some(agent) = server.rest.agent(id) {
            if agent.secret != secret {
                let refusal = serde_json::json!({
                    "type": "error",
                    "data": {"code": "auth_failed", "message": "Invalid agent_id or secret"},
                });
                return refuse(ws, &refusal);
            }
            name = registered_name(&agent.agent_name);
        }
        server.rest.mark_connected(id);
    }
    if !server.lobby_open.load(std::sync::atomic::Ordering::SeqCst) {
        let full = match dialect {
            Dialect::OpenPoker => {
                serde_json::json!({"type": "error", "code": "lobby_full", "message": "Server lobby capacity reached: the table is full"})
            }
            Dialect::Claw => {
                serde_json::json!({"type": "error", "data": {"code": "lobby_full", "message": "the table is full"}})
            }
        };
        ws.send(Message::text(full.to_string()))?;
        ws.close(None)?;
        while ws.read().is_ok() {}
        return Ok(());
    }
    let mut buy_in_chips = None;
    if dialect == Dialect::OpenPoker {
        let connected = serde_json::json!({"type": "connected", "agent_id": key_id(&key), "name": name, "season_mode": false});
        ws.send(Message::text(connected.to_string()))?;
        let until = std::time::Instant::now() + HANDSHAKE_TIMEOUT;
        loop {
            if std::time::Instant::now() >= until {
                return Err(tungstenite::Error::Io(io::ErrorKind::TimedOut.into()));
            }
            let Message::Text(t) = ws.read()? else {
                continue;
            };
            let v: serde_json::Value = serde_json::from_str(t.as_str()).unwrap_or_default();
            if v.get("type").and_then(|t| t.as_str()) == Some("join_lobby") {
                let join: Option<crate::protocol::openpoker::JoinLobby> =
                    serde_json::from_value(v).ok();
                buy_in_chips = Some(
                    join.map_or(crate::protocol::openpoker::DEFAULT_BUY_IN_CHIPS, |j| {
                        j.buy_in_chips()
                    }),
                );
                break;
            }
        }
        let joined =
            serde_json::json!({"type": "lobby_joined", "position": 1, "estimated_wait": 0});
        ws.send(Message::text(joined.to_string()))?;
    }
    ws.get_ref().set_read_timeout(None)?;
    ws.get_ref().set_write_timeout(None)?;
    ws.get_ref().set_nonblocking(true)?;
    let arrival = Arrival {
        name,
        key,
        dialect,
        buy_in_chips,
        socket: ws,
        kept: Vec::new(),
    };
    let _ = lock(lobby).send(arrival);
    Ok(())
}

/// Answers what a bot waiting in `serve`'s lobby sent: its keepalive pings get their
/// pongs (the `websockets` client drops a connection whose pings go unanswered for
/// 20 s, and bots may wait minutes for the others), a second Open Poker `join_lobby`
/// gets `error` `already_in_lobby` ("Already in the matchmaking queue"), anything
/// else is kept for its seat ([`Arrival::kept`]). `false` when its connection is gone.
pub fn keep_alive(arrival: &mut Arrival) -> bool {
    loop {
        match arrival.socket.read() {
            Ok(Message::Text(t)) => {
                let joins = serde_json::from_str::<serde_json::Value>(t.as_str())
                    .ok()
                    .is_some_and(|v| v["type"] == "join_lobby");
                if joins && arrival.dialect == Dialect::OpenPoker {
                    let again = serde_json::json!({"type": "error", "code": "already_in_lobby", "message": "Already in the matchmaking queue"});
                    if arrival
                        .socket
                        .write(Message::text(again.to_string()))
                        .is_err()
                    {
                        return false;
                    }
                    continue;
                }
                let kept: usize = arrival.kept.iter().map(|(_, m)| m.len()).sum();
                if arrival.kept.len() < MAX_KEPT_MESSAGES && kept + t.len() <= MAX_MESSAGE_BYTES {
                    let now = std::time::Instant::now();
                    arrival.kept.push((now, t.as_str().as_bytes().to_vec()));
                }
            }
            Ok(Message::Close(_)) => return false,
            Ok(_) => {}
            Err(tungstenite::Error::Io(e)) if e.kind() == io::ErrorKind::WouldBlock => break,
            Err(_) => return false,
        }
    }
    match arrival.socket.flush() {
        Ok(()) => true,
        Err(tungstenite::Error::Io(e)) => e.kind() == io::ErrorKind::WouldBlock,
        Err(_) => false,
    }
}

/// A stable agent id for a key that does not show the key.
fn key_id(key: &str) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    key.hash(&mut h);
    format!("agent-{:016x}", h.finish())
}

/// Reads Claw's first message and returns `"AGENT_ID SECRET"` if it is `auth`.
fn claw_credentials(ws: &mut Socket) -> Option<String> {
    let until = std::time::Instant::now() + HANDSHAKE_TIMEOUT;
    let first = loop {
        if std::time::Instant::now() >= until {
            return None;
        }
        match ws.read().ok()? {
            Message::Text(t) => break t,
            Message::Ping(_) | Message::Pong(_) => {}
            _ => return None,
        }
    };
    let Ok(claw::Message::Auth(auth)) = serde_json::from_str(first.as_str()) else {
        return None;
    };
    if auth.agent_id.contains(' ') {
        return None;
    }
    Some(format!("{} {}", auth.agent_id, auth.secret))
}
