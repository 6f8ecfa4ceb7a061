//! The REST endpoints of the offline server, on the same port as its WebSockets
//! (`serve`; the embedded server of `run` answers them too):
//!
//! - `POST /api/v1/register` (`../shared/reference/clawpoker-api.txt`, "REST API"):
//!   `agent_name` (required, 1 to 64 characters, unique), `personality` and
//!   `owner_contact` (optional); answers 201 with `agent_id`, `agent_name`, `secret`,
//!   `claim_url` (`null` offline: nothing to claim) and `initial_chips` (`--stack`);
//!   400 for a missing or invalid `agent_name`, 409 for one already taken. The
//!   credentials are what `/ws/agent`'s `auth` then takes (a registered `agent_id`
//!   with another secret is refused), and the bot plays under its `agent_name`
//!   (characters other than letters, digits, `-` and `_` become `_`, at most 32).
//! - `GET /api/v1/agents`: every registered agent (`agent_id`, `agent_name`,
//!   `personality`, `chips`, `connected`, `claimed`); `chips` is the stack it sits
//!   with (the REST layer does not follow the table's stacks).
//! - `GET /api/v1/tables`: the table once it has formed (none before), with its
//!   `blinds`, buy-in range, `seats` (`seat`, `agent_id`, `agent_name`, `chips` as
//!   seated) and `hand_in_progress`.
//! - `GET /api/v1/tables/offline/events?since=N` (`since` a sequence number, default
//!   0): `{"table_id", "events", "next_since"}`, the kept public events
//!   ([`super::observe`]) with `seq` ≥ N, oldest first, at most
//!   [`super::observe::MAX_EVENTS_PER_REQUEST`]; `next_since` is where to ask again.
//!   Another table id gets 404, a `since` that is not a whole number 400.
//! - Open Poker's `GET /api/season/me` and `POST /api/season/rebuy`, with the bot's
//!   key in `Authorization: Bearer KEY` (401 `auth_failed` without a key a seated bot
//!   holds). The documents give no body for either (`openpoker-websocket-protocol.txt`
//!   only says "Check your chip balance via GET /api/season/me";
//!   `openpoker-auto-rebuy.txt` names the endpoint), so the fields are ours:
//!   `/me` answers `agent_id`, `name`, `season_mode` (`false`), `season_number`
//!   (`null`: no season offline), `chip_balance` (`0.0`: offline the whole buy-in
//!   sits at the table, as `rebuy_confirmed` says), `stack` (chips at the table after
//!   the last hand), `seated`, `busted`, `auto_rebuy` (the bot's last
//!   `set_auto_rebuy`, `null` before one: the table's `--rebuy`) and `hands_played`;
//!   `/rebuy` does what the WebSocket `rebuy` does: a busted bot is back with its
//!   starting stack at the next hand (`rebuy_confirmed` follows on its socket) and
//!   gets 200 `{"status": "accepted"}`; one that is not busted gets 409.
//! - Any other path 404.
//! - 30 requests a minute (the document's "REST API (/api/*) 30 requests/minute per
//!   IP", a sliding window; everything comes from loopback): then 429.
//!
//! Requests are parsed with `httparse` (the parser under `hyper` and `tungstenite`);
//! the head may be at most [`MAX_HEAD_BYTES`], the body [`MAX_BODY_BYTES`], and every
//! read is bounded by the handshake timeout. Every answer closes the connection.

use std::collections::{HashMap, VecDeque};
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The longest request head read, in bytes.
pub const MAX_HEAD_BYTES: usize = 16 * 1024;
/// The longest request body read, in bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// Requests allowed per [`RATE_WINDOW`] (Claw Poker's document, "Rate Limits").
pub const RATE_LIMIT: usize = 30;
/// The rate limit's sliding window.
pub const RATE_WINDOW: Duration = Duration::from_secs(60);
/// The longest `agent_name` registered, in characters.
pub const MAX_AGENT_NAME_CHARS: usize = 64;

/// A registered Claw agent.
#[derive(Clone, Debug)]
pub struct Agent {
    /// `agent_id`: `agent_` and 8 hex digits.
    pub agent_id: String,
    /// `agent_name`, as registered.
    pub agent_name: String,
    /// `personality`, if given.
    pub personality: Option<String>,
    /// `secret`: `sk_offline_` and 24 hex digits.
    pub secret: String,
}

/// The table `serve` formed, as `GET /api/v1/tables` lists it.
#[derive(Clone, Debug)]
pub struct TableInfo {
    /// `blinds`: small and big blind in chips.
    pub blinds_chips: (u32, u32),
    /// Every seat, seat 0 first: its Claw `agent_id` (registered agents), its name in
    /// the result files and its stack as seated, in chips.
    pub seats: Vec<(Option<String>, String, u32)>,
}

/// What the REST endpoints know: the registered agents, the table, who is connected,
/// and the rate limit's window.
#[derive(Debug, Default)]
pub struct RestState {
    agents: Mutex<Vec<Agent>>,
    /// `serve`'s seated Open Poker bots by API key, kept up to date by their seats.
    season: Mutex<HashMap<String, Arc<Mutex<SeasonEntry>>>>,
    table: Mutex<Option<TableInfo>>,
    connected: Mutex<Vec<String>>,
    calls: Mutex<VecDeque<Instant>>,
    initial_chips: std::sync::atomic::AtomicU32,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A seated Open Poker bot as `GET /api/season/me` shows it; its seat updates it
/// after every hand, bust and rebuy.
#[derive(Clone, Debug, Default)]
pub struct SeasonEntry {
    /// `agent_id`: as in its `connected`.
    pub agent_id: String,
    /// `name`: its name in the result files.
    pub name: String,
    /// `stack`: its chips at the table after the last hand (0 while busted).
    pub stack_chips: u32,
    /// It still has its seat (it has not left the table).
    pub seated: bool,
    /// It is busted and has not bought in again.
    pub busted: bool,
    /// Its last `set_auto_rebuy`, if any.
    pub auto_rebuy: Option<bool>,
    /// Hands it was dealt.
    pub hands: u64,
    /// `POST /api/season/rebuy` asked for a rebuy its seat has not taken yet.
    pub rebuy_asked: bool,
}

impl RestState {
    /// Registers the seated Open Poker bot holding `key` (replacing an earlier entry):
    /// the entry its seat keeps up to date.
    pub fn season_entry(&self, key: &str, entry: SeasonEntry) -> Arc<Mutex<SeasonEntry>> {
        let entry = Arc::new(Mutex::new(entry));
        lock(&self.season).insert(key.to_string(), Arc::clone(&entry));
        entry
    }

    /// The stack `register` announces as `initial_chips` (`serve`'s `--stack`).
    pub fn set_initial_chips(&self, chips: u32) {
        self.initial_chips
            .store(chips, std::sync::atomic::Ordering::Relaxed);
    }

    /// The table has formed (`serve`).
    pub fn set_table(&self, table: TableInfo) {
        *lock(&self.table) = Some(table);
    }

    /// An agent's connection came in (it is `connected` from now on).
    pub fn mark_connected(&self, agent_id: &str) {
        let mut c = lock(&self.connected);
        if !c.iter().any(|a| a == agent_id) {
            c.push(agent_id.to_string());
        }
    }

    /// The registered agent of `agent_id`, if any.
    pub fn agent(&self, agent_id: &str) -> Option<Agent> {
        lock(&self.agents)
            .iter()
            .find(|a| a.agent_id == agent_id)
            .cloned()
    }

    /// Whether one more request fits in the rate limit now (and counts it).
    fn admit(&self, now: Instant) -> bool {
        let mut calls = lock(&self.calls);
        while calls
            .front()
            .is_some_and(|&t| now.duration_since(t) >= RATE_WINDOW)
        {
            calls.pop_front();
        }
        if calls.len() >= RATE_LIMIT {
            return false;
        }
        calls.push_back(now);
        true
    }
}

/// Whether the connection's request is for the REST API: its first bytes, peeked
/// (left for the WebSocket handshake otherwise), are `GET /api/` or `POST /api/`.
pub fn wants_rest(stream: &TcpStream, timeout: Duration) -> bool {
    let until = Instant::now() + timeout;
    let mut head = [0u8; 10];
    loop {
        match stream.peek(&mut head) {
            Ok(n) if n >= head.len() => break,
            Ok(0) | Err(_) => return false,
            Ok(_) if Instant::now() >= until => return false,
            Ok(_) => std::thread::sleep(Duration::from_millis(1)),
        }
    }
    head.starts_with(b"GET /api/") || head.starts_with(b"POST /api/")
}

/// One answer: status code and JSON body.
struct Answer(u16, serde_json::Value);

/// Reads one request from `stream`, answers it from `state` and closes.
///
/// # Errors
/// The connection's read or write errors (a request that is too large or malformed
/// gets 400 or 413 first).
pub fn answer(
    state: &RestState,
    public: &super::observe::PublicLog,
    mut stream: TcpStream,
) -> io::Result<()> {
    let reply = match read_request(&mut stream) {
        Err(a) => a,
        Ok(_) if !state.admit(Instant::now()) => Answer(
            429,
            serde_json::json!({"error": format!("rate limited: at most {RATE_LIMIT} requests a minute")}),
        ),
        Ok(request) => route(state, public, &request),
    };
    let reason = match reply.0 {
        200 => "OK",
        201 => "Created",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        409 => "Conflict",
        413 => "Payload Too Large",
        429 => "Too Many Requests",
        _ => "Not Implemented",
    };
    let body = reply.1.to_string();
    let head = format!(
        "HTTP/1.1 {} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        reply.0,
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(body.as_bytes())?;
    stream.flush()
}

/// One request.
struct Request {
    method: String,
    /// Path and query.
    target: String,
    /// The key of an `Authorization: Bearer KEY` header.
    bearer: Option<String>,
    body: Vec<u8>,
}

/// The request, or the answer that refuses it.
fn read_request(stream: &mut TcpStream) -> Result<Request, Answer> {
    let bad = |why: &str| Answer(400, serde_json::json!({ "error": why }));
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    let (method, target, bearer, body_at, length) = loop {
        let n = stream
            .read(&mut chunk)
            .map_err(|_| bad("the request did not arrive in time"))?;
        if n == 0 {
            return Err(bad("the connection closed mid-request"));
        }
        buf.extend_from_slice(&chunk[..n]);
        let mut headers = [httparse::EMPTY_HEADER; 32];
        let mut req = httparse::Request::new(&mut headers);
        match req.parse(&buf) {
            Ok(httparse::Status::Complete(at)) => {
                let length = req
                    .headers
                    .iter()
                    .find(|h| h.name.eq_ignore_ascii_case("content-length"))
                    .and_then(|h| std::str::from_utf8(h.value).ok()?.trim().parse().ok())
                    .unwrap_or(0usize);
                let bearer = req
                    .headers
                    .iter()
                    .find(|h| h.name.eq_ignore_ascii_case("authorization"))
                    .and_then(|h| std::str::from_utf8(h.value).ok())
                    .and_then(|v| v.trim().strip_prefix("Bearer "))
                    .map(|k| k.trim().to_string());
                let target = req.path.unwrap_or("/").to_string();
                let method = req.method.unwrap_or("").to_string();
                break (method, target, bearer, at, length);
            }
            Ok(httparse::Status::Partial) if buf.len() < MAX_HEAD_BYTES => {}
            Ok(httparse::Status::Partial) => {
                return Err(Answer(
                    413,
                    serde_json::json!({"error": format!("request head over {MAX_HEAD_BYTES} bytes")}),
                ));
            }
            Err(e) => return Err(bad(&format!("malformed request ({e})"))),
        }
    };
    if length > MAX_BODY_BYTES {
        return Err(Answer(
            413,
            serde_json::json!({"error": format!("body over {MAX_BODY_BYTES} bytes")}),
        ));
    }
    let mut body = buf.split_off(body_at);
    while body.len() < length {
        let n = stream
            .read(&mut chunk)
            .map_err(|_| bad("the body did not arrive in time"))?;
        if n == 0 {
            return Err(bad("the connection closed mid-body"));
        }
        body.extend_from_slice(&chunk[..n]);
    }
    body.truncate(length);
    Ok(Request {
        method,
        target,
        bearer,
        body,
    })
}

fn route(state: &RestState, public: &super::observe::PublicLog, request: &Request) -> Answer {
    let (method, target) = (request.method.as_str(), request.target.as_str());
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if method == "GET"
        && let Some(table_id) = path
            .strip_prefix("/api/v1/tables/")
            .and_then(|p| p.strip_suffix("/events"))
    {
        return events(public, table_id, query);
    }
    match (method, path) {
        ("POST", "/api/v1/register") => register(state, &request.body),
        ("GET", "/api/v1/agents") => agents(state),
        ("GET", "/api/v1/tables") => tables(state),
        ("GET", "/api/season/me") => season(state, request, season_me),
        ("POST", "/api/season/rebuy") => season(state, request, season_rebuy),
        _ => Answer(
            404,
            serde_json::json!({"error": format!("no such endpoint: {method} {path}")}),
        ),
    }
}

/// Answers a season endpoint with `then` for the seated bot whose key the request
/// bears; 401 `auth_failed` for a missing or unknown key.
fn season(state: &RestState, request: &Request, then: fn(&mut SeasonEntry) -> Answer) -> Answer {
    let entry = request
        .bearer
        .as_ref()
        .and_then(|key| lock(&state.season).get(key).cloned());
    match entry {
        Some(entry) => then(&mut lock(&entry)),
        None => Answer(
            401,
            serde_json::json!({"error": "auth_failed", "message": "Authorization: Bearer KEY with the key of a seated Open Poker bot"}),
        ),
    }
}

fn season_me(e: &mut SeasonEntry) -> Answer {
    use super::openpoker::chips;
    Answer(
        200,
        serde_json::json!({
            "agent_id": e.agent_id,
            "name": e.name,
            "season_mode": false,
            "season_number": null,
            "chip_balance": 0.0,
            "stack": chips(e.stack_chips),
            "seated": e.seated,
            "busted": e.busted,
            "auto_rebuy": e.auto_rebuy,
            "hands_played": e.hands,
        }),
    )
}

fn season_rebuy(e: &mut SeasonEntry) -> Answer {
    if !(e.seated && e.busted) {
        let why = if e.seated {
            "is not busted"
        } else {
            "has left the table"
        };
        return Answer(
            409,
            serde_json::json!({"error": format!("{} {why}: a rebuy is for a busted bot at the table", e.name)}),
        );
    }
    e.rebuy_asked = true;
    Answer(
        200,
        serde_json::json!({"status": "accepted", "message": "back at the table with the starting stack at the next hand; rebuy_confirmed follows on the WebSocket"}),
    )
}

fn register(state: &RestState, body: &[u8]) -> Answer {
    let bad = |why: String| Answer(400, serde_json::json!({ "error": why }));
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) else {
        return bad("the body is not JSON".into());
    };
    let name = match v.get("agent_name").and_then(|n| n.as_str()).map(str::trim) {
        Some(n) if (1..=MAX_AGENT_NAME_CHARS).contains(&n.chars().count()) => n.to_string(),
        _ => {
            return bad(format!(
                "agent_name is required: a string of 1 to {MAX_AGENT_NAME_CHARS} characters"
            ));
        }
    };
    let personality = v
        .get("personality")
        .and_then(|p| p.as_str())
        .map(str::to_string);
    let mut agents = lock(&state.agents);
    if agents.iter().any(|a| a.agent_name == name) {
        return Answer(
            409,
            serde_json::json!({"error": format!("agent name {name:?} is already taken")}),
        );
    }
    let hex = format!("{:032x}", rand::random::<u128>());
    let agent = Agent {
        agent_id: format!("agent_{}", &hex[..8]),
        agent_name: name,
        personality,
        secret: format!("sk_offline_{}", &hex[8..32]),
    };
    agents.push(agent.clone());
    Answer(
        201,
        serde_json::json!({
            "agent_id": agent.agent_id,
            "agent_name": agent.agent_name,
            "secret": agent.secret,
            "claim_url": null,
            "initial_chips": state.initial_chips.load(std::sync::atomic::Ordering::Relaxed),
        }),
    )
}

/// `GET /api/v1/tables/{table_id}/events?since=N`.
fn events(public: &super::observe::PublicLog, table_id: &str, query: &str) -> Answer {
    use super::observe::TABLE_ID;
    if table_id != TABLE_ID {
        return Answer(
            404,
            serde_json::json!({"error": format!("no table {table_id:?}: the offline server has one table, {TABLE_ID:?}")}),
        );
    }
    let since = match query.split('&').find_map(|kv| kv.strip_prefix("since=")) {
        None => 0,
        Some(n) => match n.parse::<u64>() {
            Ok(n) => n,
            Err(_) => {
                return Answer(
                    400,
                    serde_json::json!({"error": format!("since={n:?}: a sequence number (a whole number from 0) is allowed")}),
                );
            }
        },
    };
    let events = public.since(since);
    let next_since = events
        .last()
        .and_then(|e| e["seq"].as_u64())
        .map_or(since, |q| q + 1);
    Answer(
        200,
        serde_json::json!({"table_id": TABLE_ID, "events": events, "next_since": next_since}),
    )
}

fn agents(state: &RestState) -> Answer {
    let connected = lock(&state.connected).clone();
    let chips = state
        .initial_chips
        .load(std::sync::atomic::Ordering::Relaxed);
    let list: Vec<serde_json::Value> = lock(&state.agents)
        .iter()
        .map(|a| {
            serde_json::json!({
                "agent_id": a.agent_id,
                "agent_name": a.agent_name,
                "personality": a.personality,
                "chips": chips,
                "connected": connected.contains(&a.agent_id),
                "claimed": false,
            })
        })
        .collect();
    Answer(200, serde_json::Value::Array(list))
}

fn tables(state: &RestState) -> Answer {
    let list: Vec<serde_json::Value> = lock(&state.table)
        .iter()
        .map(|t| {
            serde_json::json!({
                "table_id": super::observe::TABLE_ID,
                "name": super::observe::TABLE_ID,
                "blinds": format!("{}/{}", t.blinds_chips.0, t.blinds_chips.1),
                "min_buyin": crate::protocol::openpoker::MIN_BUY_IN_CHIPS,
                "max_buyin": crate::protocol::openpoker::MAX_BUY_IN_CHIPS,
                "seats": t.seats.iter().enumerate().map(|(seat, (id, name, chips))| {
                    serde_json::json!({"seat": seat, "agent_id": id, "agent_name": name, "chips": chips})
                }).collect::<Vec<_>>(),
                "hand_in_progress": true,
            })
        })
        .collect();
    Answer(200, serde_json::Value::Array(list))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(method: &str, target: &str) -> u16 {
        let log = super::super::observe::PublicLog::default();
        let request = Request {
            method: method.into(),
            target: target.into(),
            bearer: None,
            body: Vec::new(),
        };
        route(&RestState::default(), &log, &request).0
    }

    #[test]
    fn a_tables_events_path_without_a_table_id_is_404_not_a_panic() {
        // Regression: "/api/v1/tables/events" matched both the prefix and the suffix,
        // and slicing the table id out of it panicked the connection's thread.
        assert_eq!(status("GET", "/api/v1/tables/events"), 404);
        assert_eq!(status("GET", "/api/v1/tables//events"), 404); // an empty id
        assert_eq!(status("GET", "/api/v1/tables/offline/events"), 200);
        assert_eq!(status("GET", "/api/v1/tables/offline/events?since=3"), 200);
        assert_eq!(status("GET", "/api/v1/tables/offline/events?since=-1"), 400);
        assert_eq!(status("POST", "/api/v1/tables/offline/events"), 404);
    }
}
