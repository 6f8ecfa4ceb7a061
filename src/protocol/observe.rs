//! The table's public events for spectators (`serve`): Claw Poker's `/ws/observe`
//! ("Read-only stream of public game events", `../shared/reference/clawpoker-api.txt`,
//! "WS /ws/observe") and `GET /api/v1/tables/{table_id}/events?since=N`.
//!
//! The log is fed by the session of `serve`'s seat 0 (always a connected bot), which
//! sees every event of the table whether or not its bot is still connected; it keeps
//! the players' names and the hand in play, and encodes only the events the document
//! marks PUBLIC ([`claw::public_messages`]), so no hole card reaches a spectator before
//! a showdown. A connected bot's session adds its own `timeout.triggered`.
//! `hand.started` has no `seat` here (it names the recipient's); every event gets
//! the document's extra `table_id` and a `seq` (0, 1, 2, ... over the run). The last
//! [`KEPT_EVENTS`] events are kept for `/events`; an observer gets each event as it
//! happens, and one that does not keep up (its write buffer full) is dropped.
//!
//! The log's lock is taken only on the table thread of `serve` (by seat 0's session,
//! a wire seat that encodes JSON for every event anyway) and by the REST and
//! handshake threads; `run`'s in-process hot loop never reaches it. Events are
//! encoded as text only while someone watches.

use super::claw;
use crate::bot::Event;
use std::collections::VecDeque;
use std::sync::Mutex;

/// The `table_id` of `serve`'s one table, on the observer stream and in REST.
pub const TABLE_ID: &str = "offline";

/// Events kept for `GET /api/v1/tables/{table_id}/events`.
pub const KEPT_EVENTS: usize = 10_000;

/// Spectators watching at once at most (each is written to on the table's thread).
pub const MAX_OBSERVERS: usize = 16;

/// How often `serve` answers idle spectators ([`PublicLog::service`]).
pub const SERVICE_EVERY: std::time::Duration = std::time::Duration::from_millis(500);

/// Events one `GET .../events` answers at most (the client asks again from
/// `next_since`).
pub const MAX_EVENTS_PER_REQUEST: usize = 1_000;

/// The public event log and its observers.
#[derive(Default)]
pub struct PublicLog {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    names: Vec<String>,
    hand_id: String,
    /// Events recorded in all (the next `seq`).
    count: u64,
    kept: VecDeque<serde_json::Value>,
    observers: Vec<super::ws_server::Socket>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl PublicLog {
    /// Records `event` (its public messages, if any) and sends them to the observers.
    pub fn record(&self, event: &Event<'_>) {
        let mut s = lock(&self.state);
        match *event {
            Event::TableJoined { players, .. } => {
                s.names = players.iter().map(|p| p.name.to_string()).collect();
                return;
            }
            Event::HandStart { hand_id, .. } => s.hand_id = hand_id.to_string(),
            _ => {}
        }
        let messages = claw::public_messages(event, 0, &s.hand_id, &s.names);
        for m in &messages {
            s.publish(m);
        }
    }

    /// Records a `timeout.triggered` (PUBLIC in the document): the session of the
    /// seat that timed out reports it, before the auto-action's `action.committed`.
    pub fn record_timeout(&self, timeout: claw::TimeoutTriggered) {
        lock(&self.state).publish(&claw::Message::TimeoutTriggered(claw::Envelope::new(
            timeout,
        )));
    }

    /// A spectator's connection (non-blocking): it gets every event from now on.
    pub fn add_observer(&self, ws: super::ws_server::Socket) {
        lock(&self.state).observers.push(ws);
    }

    /// The kept events with `seq` at least `since`, oldest first, at most
    /// [`MAX_EVENTS_PER_REQUEST`] of them.
    pub fn since(&self, since: u64) -> Vec<serde_json::Value> {
        lock(&self.state)
            .kept
            .iter()
            .filter(|e| e["seq"].as_u64().is_some_and(|q| q >= since))
            .take(MAX_EVENTS_PER_REQUEST)
            .cloned()
            .collect()
    }

    /// Closes every spectator's connection with a normal close frame (the table has
    /// closed), so that a client's `async for` ends without an error.
    pub fn close(&self) {
        for mut ws in lock(&self.state).observers.drain(..) {
            let _ = ws.close(None);
            let _ = ws.flush();
        }
    }

    /// Answers what the spectators sent and drops the ones gone. `serve`'s server
    /// calls it every [`SERVICE_EVERY`], so that while no event flows (before the
    /// table forms) a spectator's keepalive pings are answered (the `websockets`
    /// client closes a connection whose pings go unanswered for 20 s) and its close
    /// gets its reply.
    pub fn service(&self) {
        lock(&self.state).observers.retain_mut(answer);
    }

    /// Spectators connected now.
    pub fn observers(&self) -> usize {
        lock(&self.state).observers.len()
    }

    /// Events recorded so far.
    pub fn count(&self) -> u64 {
        lock(&self.state).count
    }
}

impl State {
    /// Numbers `m`, keeps it and sends it to the observers.
    fn publish(&mut self, m: &claw::Message) {
        let mut v = serde_json::to_value(m).unwrap_or_default();
        if let claw::Message::HandStarted(_) = m
            && let Some(data) = v.get_mut("data").and_then(|d| d.as_object_mut())
        {
            data.remove("seat"); // the recipient's seat: a spectator has none
        }
        if let Some(o) = v.as_object_mut() {
            o.insert("table_id".into(), TABLE_ID.into());
            o.insert("seq".into(), self.count.into());
        }
        self.count += 1;
        if !self.observers.is_empty() {
            let text = v.to_string();
            self.observers.retain_mut(|ws| send(ws, &text));
        }
        if self.kept.len() == KEPT_EVENTS {
            self.kept.pop_front();
        }
        self.kept.push_back(v);
    }
}

fn would_block(e: &tungstenite::Error) -> bool {
    matches!(e, tungstenite::Error::Io(e) if e.kind() == std::io::ErrorKind::WouldBlock)
}

/// Reads what an observer sent (its pings get their pongs, a close its close) and
/// flushes; `false` when it is gone.
fn answer(ws: &mut super::ws_server::Socket) -> bool {
    loop {
        match ws.read() {
            Ok(_) => {}
            Err(e) if would_block(&e) => break,
            Err(_) => return false,
        }
    }
    match ws.flush() {
        Ok(()) => true,
        Err(e) => would_block(&e),
    }
}

/// Writes `text` to an observer, answering what it sent on the way; `false` when the
/// observer is gone or too far behind (its write buffer full:
/// [`super::ws_server::socket_config`]).
fn send(ws: &mut super::ws_server::Socket, text: &str) -> bool {
    if !answer(ws) {
        return false;
    }
    match ws.send(tungstenite::Message::text(text.to_string())) {
        Ok(()) => true,
        Err(e) => would_block(&e), // buffered: flushed with the next event
    }
}
