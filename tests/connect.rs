//! `holdem-arena connect` (`src/protocol/client.rs`) never panics, hangs or misleads
//! (issue 10): it plays through every example message of the Open Poker documents
//! (`openpoker-websocket-protocol.txt`, `openpoker-common-bot-errors.txt`,
//! `openpoker-auto-rebuy.txt`, verbatim), seat gaps, seats above the table size,
//! nulls and unknown message types, over JSON lines (the binary) and through the
//! library `Client`; random JSON in place of any field gives a valid answer or none,
//! never a panic; on a WebSocket it gives up on a silent server, fails on an abnormal
//! close, answers rejections once per turn, and refuses bad options with exit 2.
//! All of that holds over TLS too (`wss://`, issue 12): the bot plays a server whose
//! self-signed certificate `--ca-cert` trusts, refuses it without `--ca-cert` or for
//! another host name, and refuses bad CA files with exit 2.
//!
//! The WebSocket tests run a `tungstenite` server on 127.0.0.1 in a thread (over
//! rustls, with a certificate made by `rcgen` for the test, for `wss://`); every
//! socket read there has a timeout and every binary run a deadline. Nothing reaches
//! beyond loopback.

mod common;
use common::*;
use holdem_arena::bots;
use holdem_arena::protocol::client::{Client, MAX_MESSAGE_BYTES, MAX_NAME_BYTES};
use holdem_arena::protocol::{claw, openpoker as op};
use proptest::prelude::*;
use serde_json::{Value, json};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;
use tungstenite::Message;

/// `connected`, verbatim from `openpoker-websocket-protocol.txt`.
const CONNECTED: &str = r#"{
"type": "connected",
"agent_id": "550e8400-e29b-41d4-a716-446655440000",
"name": "my_bot",
"season_mode": true
}"#;

/// `your_turn`, verbatim from `openpoker-websocket-protocol.txt`.
const YOUR_TURN: &str = r#"{
"type": "your_turn",
"valid_actions": [
{"action": "fold"},
{"action": "call", "amount": 20.0},
{"action": "raise", "min": 40.0, "max": 2000.0}
],
"pot": 30.0,
"community_cards": ["Ah", "Kd", "7c"],
"players": [
{"seat": 0, "name": "opponent_bot", "stack": 1980.0},
{"seat": 3, "name": "my_bot", "stack": 2000.0}
],
"min_raise": 40.0,
"max_raise": 2000.0,
"turn_token": "a1b2c3d4-e5f6-7890-abcd-ef1234567890"
}"#;

/// `hand_result`, verbatim from `openpoker-websocket-protocol.txt`.
const HAND_RESULT: &str = r#"{
"type": "hand_result",
"winners": [
{
"seat": 2,
"name": "winner_bot",
"stack": 2060.0,
"amount": 60.0,
"hand_description": "Pair of Aces"
}
],
"pot": 60.0,
"total_pot": 60.0,
"net_pot_after_rake": 60.0,
"final_stacks": {"0": 1940.0, "2": 2060.0},
"pot_kind": "transferable",
"rake": 0.0,
"rake_settled": 0.0,
"shown_cards": {"2": ["Ah", "Kd"]},
"actions": [
{"seat": 0, "action": "call", "amount": 20.0, "street": "preflop"},
{"seat": 2, "action": "check", "amount": null, "street": "flop"}
],
"payouts": [
{"seat": 2, "amount": 60.0}
]
}"#;

/// `table_state`, verbatim from `openpoker-websocket-protocol.txt`.
const TABLE_STATE: &str = r#"{
"type": "table_state",
"street": "flop",
"dealer_seat": 0,
"small_blind": 10.0,
"big_blind": 20.0,
"pot": 60.0,
"actor_seat": 3,
"to_call": 20.0,
"min_raise_to": 40.0,
"max_raise_to": 2000.0,
"board": ["Ah", "Kd", "7c"],
"seats": [
{"seat": 0, "name": "bot_a", "stack": 1980.0, "status": "active", "in_hand": true},
{"seat": 1, "name": null, "stack": 0, "status": "empty", "in_hand": false},
{"seat": 3, "name": "my_bot", "stack": 2000.0, "status": "active", "in_hand": true}
],
"hero": {
"seat": 3,
"hole_cards": ["Qh", "Js"],
"valid_actions": [
{"action": "fold"},
{"action": "call", "amount": 20.0},
{"action": "raise", "min": 40.0, "max": 2000.0}
]
}
}"#;

/// `resync_response`, verbatim from `openpoker-websocket-protocol.txt`.
const RESYNC_RESPONSE: &str = r#"{
"type": "resync_response",
"from_table_seq": 42,
"to_table_seq": 57,
"replayed_events": [
{"type": "player_action", "seat": 0, "action": "call", "...": "..."}
],
"snapshot": {"type": "table_state", "...": "..."},
"role": "player"
}"#;

/// `error`, verbatim from `openpoker-websocket-protocol.txt`.
const ERROR_FORMAT: &str = r#"{
"type": "error",
"code": "error_code",
"message": "Human-readable description"
}"#;

/// `action_rejected`, verbatim from `openpoker-websocket-protocol.txt`.
const REJECTED_NOT_YOUR_TURN: &str = r#"{
"type": "action_rejected",
"reason": "Not your turn",
"details": {}
}"#;

/// `error`, verbatim from `openpoker-common-bot-errors.txt`.
const AUTH_FAILED: &str = r#"{
"type": "error",
"code": "auth_failed",
"message": "Invalid or missing API key"
}"#;

/// `action_rejected`, verbatim from `openpoker-common-bot-errors.txt`.
const REJECTED_RAISE: &str = r#"{
"type": "action_rejected",
"reason": "Invalid raise amount"
}"#;

/// `error`, verbatim from `openpoker-common-bot-errors.txt`.
const RATE_LIMITED: &str = r#"{
"type": "error",
"code": "rate_limited",
"message": "Too many messages per second"
}"#;

/// `auto_rebuy_scheduled`, verbatim from `openpoker-auto-rebuy.txt`.
const AUTO_REBUY_SCHEDULED: &str = r#"{
    "type": "auto_rebuy_scheduled",
    "rebuy_at": "2026-03-21T14:30:00Z",
    "cooldown_seconds": 300
    }"#;

/// `rebuy_confirmed`, verbatim from `openpoker-auto-rebuy.txt`.
const REBUY_CONFIRMED: &str = r#"{
"type": "rebuy_confirmed",
"new_stack": 0.0,
"chip_balance": 2000
}"#;

/// The client-to-server examples of the same documents, verbatim: a server never
/// sends them, but a confused proxy might echo them.
const CLIENT_EXAMPLES: &[&str] = &[
    // openpoker-websocket-protocol.txt
    r#"{"type": "leave_table"}"#,
    // openpoker-websocket-protocol.txt
    r#"{
"type": "join_lobby",
"buy_in": 2000
}"#,
    // openpoker-websocket-protocol.txt
    r#"{
"type": "action",
"action": "raise",
"amount": 100.0,
"client_action_id": "act-001",
"turn_token": "a1b2c3d4-..."
}"#,
    // openpoker-websocket-protocol.txt
    r#"{
"type": "resync_request",
"table_id": "t-abc123",
"last_table_seq": 42
}"#,
    // openpoker-websocket-protocol.txt
    r#"{
"type": "set_auto_rebuy",
"enabled": true
}"#,
    // openpoker-websocket-protocol.txt
    r#"{
"type": "action",
"action": "call",
"client_action_id": "act-001",
"turn_token": "a1b2c3d4-e5f6-7890-abcd-ef1234567890"
}"#,
    // openpoker-auto-rebuy.txt
    r#"{"type": "set_auto_rebuy", "enabled": true}"#,
    // openpoker-auto-rebuy.txt
    r#"{"type": "rebuy", "amount": 0}"#,
    // openpoker-auto-rebuy.txt
    r#"{"type": "set_auto_rebuy", "enabled": false}"#,
    // openpoker-auto-rebuy.txt
    r#"{"type": "join_lobby", "buy_in": 2000}"#,
];

/// Made-up messages of the types the documents name without an example, with the
/// fields their "Key Fields" column lists, as a live table would send them: seats 0
/// and 3 (the document's `your_turn`), seat 5 joining.
const LOBBY_JOINED: &str = r#"{"type": "lobby_joined", "position": 1, "estimated_wait": 5}"#;
const TABLE_JOINED: &str = r#"{"type": "table_joined", "table_id": "t-abc123", "seat": 3, "players": [{"seat": 0, "name": "opponent_bot", "stack": 2000.0}, {"seat": 3, "name": "my_bot", "stack": 2000.0}]}"#;
const PLAYER_JOINED: &str =
    r#"{"type": "player_joined", "seat": 5, "name": "late_bot", "stack": 2000.0}"#;
const HAND_START: &str = r#"{"type": "hand_start", "hand_id": "h-1", "seat": 3, "dealer_seat": 0, "blinds": {"small": 10.0, "big": 20.0}, "table_seq": 7, "ts": "2026-03-21T14:30:00Z"}"#;
const HOLE_CARDS: &str = r#"{"type": "hole_cards", "cards": ["Qh", "Js"]}"#;
const ACTION_ACK: &str =
    r#"{"type": "action_ack", "client_action_id": null, "status": "accepted"}"#;

/// One plausible session: the documents' examples in the order the protocol
/// describes, with seat gaps, a seat above the table size (12), nulls where the
/// document says so (`player_action.amount`, `to_call_before`, `hand_description`,
/// `min_raise`, `max_raise`), missing optional fields, unknown types, a turn for our
/// own seat 12, a `your_turn` that does not parse and one without a token.
fn session() -> Vec<String> {
    let mut s: Vec<String> = [
        CONNECTED,
        LOBBY_JOINED,
        TABLE_JOINED,
        PLAYER_JOINED,
        HAND_START,
        HOLE_CARDS,
        TABLE_STATE,
        YOUR_TURN,
        REJECTED_RAISE,
        REJECTED_NOT_YOUR_TURN,
        ACTION_ACK,
        r#"{"type": "player_action", "seat": 3, "name": "my_bot", "action": "call", "amount": 20.0, "street": "flop", "stack": 1980.0, "pot": 50.0, "to_call_before": 20.0}"#,
        r#"{"type": "community_cards", "cards": ["Ah", "Kd", "7c", "2s"], "street": "turn"}"#,
        r#"{"type": "player_action", "seat": 0, "name": "opponent_bot", "action": "check", "amount": null, "street": "turn", "stack": 1960.0, "pot": 50.0, "to_call_before": null}"#,
        r#"{"type": "player_action", "seat": 12, "name": "far_bot", "action": "fold", "amount": null, "street": "turn", "stack": 500.0, "pot": 50.0}"#,
        r#"{"type": "your_turn", "valid_actions": [{"action": "fold"}, {"action": "check"}, {"action": "all_in"}], "pot": 50.0, "community_cards": ["Ah", "Kd", "7c", "2s"], "players": [{"seat": 0, "name": "opponent_bot", "stack": 1960.0}, {"seat": 3, "name": "my_bot", "stack": 1980.0}, {"seat": 5, "name": "late_bot", "stack": 2000.0}, {"seat": 12, "name": "far_bot", "stack": 500.0}], "min_raise": null, "max_raise": null, "turn_token": "t-turn"}"#,
        HAND_RESULT,
        RESYNC_RESPONSE,
        ERROR_FORMAT,
        RATE_LIMITED,
        AUTH_FAILED,
        r#"{"type": "busted", "options": ["rebuy", "leave"]}"#,
        AUTO_REBUY_SCHEDULED,
        REBUY_CONFIRMED,
        r#"{"type": "auto_rebuy_set", "enabled": true}"#,
        r#"{"type": "player_left", "seat": 5, "name": "late_bot", "reason": "leave"}"#,
        r#"{"type": "table_closed", "reason": "too few players"}"#,
        r#"{"type": "season_ended", "season_number": 3, "next_season_number": 4}"#,
        r#"{"type": "tournament_started", "id": 1}"#,
        r#"{"hello": "no type"}"#,
        r#"[1, 2, 3]"#,
        // A second table: seats 1, 4 and 9, a showdown with a null hand_description.
        r#"{"type": "table_joined", "table_id": "t-2", "seat": 1, "players": [{"seat": 1, "name": "my_bot", "stack": 2000.0}, {"seat": 4, "name": "b", "stack": 2000.0}, {"seat": 9, "name": "c", "stack": 2000.0}, {"seat": 12, "name": "far_bot", "stack": 2000.0}]}"#,
        r#"{"type": "hand_start", "hand_id": "h-2", "seat": 1, "dealer_seat": 9, "blinds": {"small": 10.0, "big": 20.0}}"#,
        r#"{"type": "hole_cards", "cards": ["As", "Ad"]}"#,
        r#"{"type": "player_action", "seat": 4, "name": "b", "action": "raise", "amount": 60.0, "street": "preflop", "stack": 1940.0, "pot": 90.0, "to_call_before": 20.0}"#,
        r#"{"type": "player_action", "seat": 9, "name": "c", "action": "all_in", "amount": 2000.0, "street": "preflop", "stack": 0.0, "pot": 2090.0, "to_call_before": 60.0}"#,
        r#"{"type": "your_turn", "valid_actions": [{"action": "fold"}, {"action": "call", "amount": 1990.0}, {"action": "all_in"}], "pot": 2090.0, "community_cards": [], "players": [{"seat": 1, "name": "my_bot", "stack": 1990.0}, {"seat": 4, "name": "b", "stack": 1940.0}, {"seat": 9, "name": "c", "stack": 0.0}], "min_raise": null, "max_raise": null, "turn_token": "t-pre"}"#,
        r#"{"type": "player_action", "seat": 1, "name": "my_bot", "action": "call", "amount": 1990.0, "street": "preflop", "stack": 0.0, "pot": 4080.0}"#,
        r#"{"type": "player_action", "seat": 4, "name": "b", "action": "fold", "amount": null, "street": "preflop", "stack": 1940.0, "pot": 4080.0}"#,
        r#"{"type": "community_cards", "cards": ["2c", "7d", "9h"], "street": "flop"}"#,
        r#"{"type": "community_cards", "cards": ["2c", "7d", "9h", "Js"], "street": "turn"}"#,
        r#"{"type": "community_cards", "cards": ["2c", "7d", "9h", "Js", "3s"], "street": "river"}"#,
        r#"{"type": "hand_result", "winners": [{"seat": 1, "name": "my_bot", "stack": 4080.0, "amount": 4080.0, "hand_description": null}, {"seat": 12, "name": "far_bot", "stack": 1.0, "amount": 1.0}], "pot": 4080.0, "final_stacks": {"1": 4080.0, "4": 1940.0, "9": 0.0, "12": 1.0, "x": 3.0}, "shown_cards": {"1": ["As", "Ad"], "9": ["Kc", "Kd"], "12": ["2h", "2d"]}, "rake": 0.0}"#,
        // Our own seat above the table size: answered with the timeout action.
        r#"{"type": "hand_start", "hand_id": "h-3", "seat": 12, "dealer_seat": 0, "blinds": {"small": 10.0, "big": 20.0}}"#,
        r#"{"type": "hole_cards", "cards": ["5h", "5d"]}"#,
        r#"{"type": "your_turn", "valid_actions": [{"action": "fold"}, {"action": "check"}], "pot": 30.0, "community_cards": [], "players": [{"seat": 12, "name": "my_bot", "stack": 100.0}], "min_raise": null, "max_raise": null, "turn_token": "t-high"}"#,
        // A your_turn that does not parse, and one whose token cannot be read.
        r#"{"type": "your_turn", "valid_actions": [{"action": "fold"}, {"action": "check"}], "pot": "lots", "turn_token": "t-bad"}"#,
        r#"{"type": "your_turn", "valid_actions": [{"action": "fold"}], "pot": 1.0, "turn_token": null}"#,
    ]
    .iter()
    .map(|m| m.to_string())
    .collect();
    s.extend(CLIENT_EXAMPLES.iter().map(|m| m.to_string()));
    s
}

/// The valid actions a `your_turn` (as JSON) offers: (name, min, max) of each entry,
/// read as an object with an `action` name or as a `valid_actions` entry (serde also
/// reads `["check"]` as one); fold always.
fn offered(turn: &Value) -> Vec<(String, Option<f64>, Option<f64>)> {
    let mut list = vec![("fold".to_string(), None, None)];
    for a in turn["valid_actions"].as_array().into_iter().flatten() {
        if let Some(name) = a.get("action").and_then(Value::as_str) {
            list.push((name.to_string(), a["min"].as_f64(), a["max"].as_f64()));
        }
        if let Ok(a) = serde_json::from_value::<op::ValidAction>(a.clone()) {
            list.push((a.action, a.min, a.max));
        }
    }
    list
}

/// Whether `reply` (an `action`, as JSON) is a valid answer to `turn`: it echoes the
/// token and names an offered action (a raise within min..=max).
fn valid_answer(turn: &Value, reply: &Value) -> Result<(), String> {
    if reply["type"] != "action" || reply["turn_token"] != turn["turn_token"] {
        return Err(format!("{reply} does not answer {turn}"));
    }
    let name = reply["action"].as_str().unwrap_or("");
    let ok = offered(turn).iter().any(|(n, min, max)| {
        n == name
            && (name != "raise"
                || reply["amount"]
                    .as_f64()
                    .is_some_and(|a| min.is_none_or(|m| a >= m) && max.is_none_or(|m| a <= m)))
    });
    if ok {
        Ok(())
    } else {
        Err(format!("{reply} is not among the valid actions of {turn}"))
    }
}

/// Feeds `messages` (text) to a library `Client` playing `bot`; checks that every
/// `your_turn` with a readable token is answered validly, at once, and that nothing
/// else but a rejection is answered, and at most once per turn. Returns the replies
/// (JSON text) and the notes.
fn play(bot: &str, messages: &[String]) -> Result<(Vec<String>, Vec<String>), String> {
    let info = bots::find(bot).ok_or("no such bot")?;
    let mut client = Client::new((info.make)());
    let (mut replies, mut notes) = (Vec::new(), Vec::new());
    let mut turn: Option<Value> = None;
    let mut answered_rejection = false;
    for text in messages {
        let reply = client.handle_text(text);
        notes.extend(reply.notes);
        let value: Value = serde_json::from_str(text).unwrap_or(Value::Null);
        let text_out = reply
            .message
            .as_ref()
            .map(|m| serde_json::to_string(m).unwrap());
        let reply = reply.message.map(|m| serde_json::to_value(&m).unwrap());
        match value["type"].as_str() {
            Some("your_turn") if value["turn_token"].is_string() => {
                let r = reply
                    .as_ref()
                    .ok_or_else(|| format!("{bot}: no answer to {text}"))?;
                valid_answer(&value, r).map_err(|e| format!("{bot}: {e}"))?;
                turn = Some(value);
                answered_rejection = false;
            }
            Some("action_rejected") if reply.is_some() => {
                let t = turn.as_ref().ok_or("a fallback with no turn")?;
                if answered_rejection {
                    return Err(format!("{bot}: a second fallback for one turn: {text}"));
                }
                valid_answer(t, reply.as_ref().unwrap())?;
                answered_rejection = true;
            }
            _ if reply.is_some() => return Err(format!("{bot}: answered {text}")),
            _ => {}
        }
        replies.extend(text_out);
    }
    Ok((replies, notes))
}

/// Item 5: the document's own `your_turn` (seats 0 and 3) and everything else a live
/// server sends, through the library and the binary, for every built-in bot.
#[test]
fn connect_plays_through_seat_gaps() {
    let session = session();
    // JSON lines carry one message a line: the same JSON, compact.
    let lines: String = session
        .iter()
        .map(|m| match serde_json::from_str::<Value>(m) {
            Ok(v) => v.to_string() + "\n",
            Err(_) => m.clone() + "\n",
        })
        .collect();
    for kind in op::ServerMessage::DOCUMENTED_TYPES {
        let tag = format!("\"type\": \"{kind}\"");
        assert!(
            session.iter().any(|m| m.contains(&tag)),
            "the session lacks {kind}"
        );
    }
    for info in bots::BUILT_IN {
        let (replies, notes) = play(info.name, &session).unwrap();
        // 4 turns with a readable token, and one fallback after REJECTED_RAISE.
        assert_eq!(replies.len(), 6, "{}: {replies:?}", info.name);
        for (reply, token) in replies.iter().zip([
            "a1b2c3d4-e5f6-7890-abcd-ef1234567890",
            "a1b2c3d4-e5f6-7890-abcd-ef1234567890",
            "t-turn",
            "t-pre",
            "t-high",
            "t-bad",
        ]) {
            assert!(reply.contains(token), "{reply} should answer {token}");
        }
        let fallback = replies[1].contains(r#""action":"fold""#);
        assert!(
            fallback,
            "the fallback after a rejection folds: {}",
            replies[1]
        );
        assert!(replies[4].contains(r#""action":"check""#), "{}", replies[4]);
        assert!(replies[5].contains(r#""action":"check""#), "{}", replies[5]);
        let said = notes.join("\n");
        for expected in [
            "seat 12 is beyond the 10 seats",
            "\"tournament_started\"",
            "without a \"type\"",
            "server error \"rate_limited\"",
            "table_closed",
            "for the fallback too",
            "not understood",
            "without a readable turn_token",
        ] {
            assert!(said.contains(expected), "notes lack {expected:?}:\n{said}");
        }
        let out = arena()
            .args(["connect", "--bot", info.name])
            .write_stdin(lines.clone())
            .timeout(Duration::from_secs(60))
            .assert()
            .success();
        let stdout = String::from_utf8_lossy(&out.get_output().stdout).to_string();
        let got: Vec<&str> = stdout.lines().collect();
        assert_eq!(
            got, replies,
            "{}: the binary answers as the library",
            info.name
        );
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(
            stderr.contains("connect: your_turn not understood"),
            "{stderr}"
        );
    }
}

/// `ServerMessage::TYPES` names the enum's variants, all of them documented.
#[test]
fn server_message_types_are_the_variants() {
    for kind in op::ServerMessage::TYPES {
        assert!(op::ServerMessage::DOCUMENTED_TYPES.contains(kind), "{kind}");
        let err = serde_json::from_value::<op::ServerMessage>(json!({ "type": kind }))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(!err.contains("unknown variant"), "{kind}: {err}");
    }
    let err = serde_json::from_value::<op::ServerMessage>(json!({"type": "lobby_joined"}));
    assert!(err.unwrap_err().to_string().contains("unknown variant"));
}

/// Item 16: 60 rejections of one turn get one fallback (61 replies before), and the
/// next `your_turn` is answered again.
#[test]
fn connect_answers_rejections_once_per_turn() {
    let mut input = vec![
        TABLE_JOINED.to_string(),
        HAND_START.into(),
        HOLE_CARDS.into(),
    ];
    input.push(YOUR_TURN.into());
    input.extend((0..60).map(|_| REJECTED_RAISE.to_string()));
    input.push(YOUR_TURN.replace("a1b2c3d4", "second"));
    input.push(REJECTED_NOT_YOUR_TURN.into());
    let (replies, _) = play("raise", &input).unwrap();
    assert_eq!(replies.len(), 4, "{replies:?}");
    let lines: String = input
        .iter()
        .map(|m| serde_json::from_str::<Value>(m).unwrap().to_string() + "\n")
        .collect();
    let out = arena()
        .args(["connect", "--bot", "raise"])
        .write_stdin(lines)
        .timeout(Duration::from_secs(60))
        .assert()
        .success();
    assert_eq!(
        String::from_utf8_lossy(&out.get_output().stdout)
            .lines()
            .count(),
        4
    );
}

/// Item 16: a `your_turn` that cannot be parsed is noted on stderr and still answered
/// with the server's timeout action (check if offered, else fold).
#[test]
fn connect_answers_an_unreadable_your_turn_with_the_timeout_action() {
    let input = [
        r#"{"type": "your_turn", "valid_actions": [{"action": "fold"}, {"action": "call", "amount": "twenty"}], "pot": 30.0, "community_cards": [], "players": [], "min_raise": null, "max_raise": null, "turn_token": "tok-1"}"#,
        r#"{"type": "your_turn", "valid_actions": [{"action": "fold"}, {"action": "check"}], "pot": null, "turn_token": "tok-2"}"#,
        r#"{"type": "your_turn", "valid_actions": [{"action": "fold"}, {"action": "raise", "min": 500.0, "max": 40.0}], "pot": 30.0, "community_cards": [], "players": [], "min_raise": 500.0, "max_raise": 40.0, "turn_token": "tok-3"}"#,
    ]
    .join("\n");
    let out = arena()
        .args(["connect", "--bot", "call"])
        .write_stdin(input)
        .timeout(Duration::from_secs(30))
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    let replies: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(replies.len(), 3, "{stdout}");
    assert_eq!(replies[0]["action"], "fold");
    assert_eq!(replies[0]["turn_token"], "tok-1");
    assert_eq!(replies[1]["action"], "check");
    assert_eq!(replies[1]["turn_token"], "tok-2");
    assert_eq!(replies[2]["action"], "fold");
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert_eq!(stderr.lines().count(), 3, "{stderr}");
    assert!(stderr.contains("raise min 500 is above max 40"), "{stderr}");
}

/// A `your_turn` whose board holds one of our hole cards (an impossible deal) is not
/// shown to the bot: the timeout action answers it, with a note.
#[test]
fn connect_does_not_show_a_bot_an_impossible_deal() {
    let hole_ah = r#"{"type": "hole_cards", "cards": ["Ah", "Ad"]}"#;
    let input = [TABLE_JOINED, HAND_START, hole_ah, YOUR_TURN].map(String::from);
    let (replies, notes) = play("call", &input).unwrap();
    assert_eq!(replies.len(), 1);
    assert!(replies[0].contains(r#""action":"fold""#), "{replies:?}");
    assert!(
        notes.iter().any(|n| n.contains("holds our hole card Ah")),
        "{notes:?}"
    );
}

/// A line longer than the message cap is skipped with a note; the next is played.
#[test]
fn connect_skips_overlong_lines() {
    let input = format!(
        "{}\n{}\n{}\n{}\n",
        "x".repeat(MAX_MESSAGE_BYTES + 10),
        TABLE_JOINED,
        HAND_START,
        serde_json::from_str::<Value>(YOUR_TURN).unwrap()
    );
    let out = arena()
        .args(["connect", "--bot", "call"])
        .write_stdin(input)
        .timeout(Duration::from_secs(30))
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(stderr.contains("longer than"), "{stderr}");
}

/// Records the player names a bot is shown: `table_joined` players and
/// `hand_result` winners.
struct NameRecorder(std::sync::Arc<std::sync::Mutex<Vec<String>>>);

impl holdem_arena::bot::Bot for NameRecorder {
    fn act(&mut self, turn: &holdem_arena::bot::Turn<'_>) -> holdem_arena::bot::Action {
        turn.valid_actions.timeout_action()
    }

    fn observe(&mut self, event: &holdem_arena::bot::Event<'_>) {
        use holdem_arena::bot::Event;
        let mut seen = self.0.lock().unwrap();
        match event {
            Event::TableJoined { players, .. } => {
                seen.extend(players.iter().map(|p| p.name.to_string()));
            }
            Event::HandResult(r) => seen.extend(r.winners.iter().map(|w| w.name.to_string())),
            _ => {}
        }
    }
}

/// The client owns its seats' names (no interning): a connection that meets more than
/// the 1024 distinct names it used to keep (each leaked for good, later ones shown as
/// `"?"`) shows every player's name, cut to `MAX_NAME_BYTES`, without a note.
#[test]
fn connect_shows_names_past_the_old_interning_cap() {
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut client = Client::new(Box::new(NameRecorder(seen.clone())));
    let mut notes = Vec::new();
    for i in 0..1100 {
        let msg = json!({"type": "table_joined", "table_id": "t", "seat": 0,
            "players": [{"seat": 0, "name": format!("bot-{i}"), "stack": 1.0}]});
        notes.extend(client.handle_value(&msg).notes);
    }
    let long = "é".repeat(MAX_NAME_BYTES); // two bytes each: cut at a boundary
    let result = json!({"type": "hand_result", "pot": 2.0, "final_stacks": {"0": 3.0},
        "winners": [{"seat": 0, "name": long, "stack": 3.0, "amount": 2.0}]});
    notes.extend(client.handle_value(&result).notes);
    assert!(notes.is_empty(), "{notes:?}");
    let seen = seen.lock().unwrap();
    let want: Vec<String> = (0..1100)
        .map(|i| format!("bot-{i}"))
        .chain([long[..MAX_NAME_BYTES].to_string()])
        .collect();
    assert_eq!(*seen, want);
}

// ---- item 7: fuzz-style properties of the parsers ----

/// Any JSON value, with the numbers and strings the parsers care about.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        prop_oneof![
            Just(0i64),
            Just(-1),
            Just(3),
            Just(12),
            Just(255),
            Just(256),
            Just(i64::from(u32::MAX)),
            Just(i64::MAX),
            Just(i64::MIN),
            0..5000i64,
            any::<i64>()
        ]
        .prop_map(Value::from),
        prop_oneof![
            Just(f64::MAX),
            Just(1e20),
            Just(-0.0),
            Just(0.4),
            Just(4294967295.4),
            Just(4294967295.6),
            Just(2000.0),
            0.0..5000.0f64,
            any::<f64>()
        ]
        .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        prop_oneof![
            Just("Ah".to_string()),
            Just("??".to_string()),
            Just("raise".to_string()),
            Just("all_in".to_string()),
            Just("check".to_string()),
            Just("flop".to_string()),
            Just("12".to_string()),
            Just("-1".to_string()),
            ".{0,12}"
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,8}|type|seat|action|amount", inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Every place in `v` a value sits: object members and array elements, at any depth.
fn paths(
    v: &Value,
    prefix: &mut Vec<Result<String, usize>>,
    out: &mut Vec<Vec<Result<String, usize>>>,
) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                prefix.push(Ok(k.clone()));
                out.push(prefix.clone());
                paths(x, prefix, out);
                prefix.pop();
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                prefix.push(Err(i));
                out.push(prefix.clone());
                paths(x, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

fn at<'a>(v: &'a mut Value, path: &[Result<String, usize>]) -> &'a mut Value {
    path.iter().fold(v, |v, step| match step {
        Ok(k) => &mut v[k.as_str()],
        Err(i) => &mut v[*i],
    })
}

/// The session's messages that parse as JSON (every server message the client handles).
fn session_values() -> Vec<Value> {
    session()
        .iter()
        .filter_map(|m| serde_json::from_str(m).ok())
        .collect()
}

/// A chip amount as the wire writes it, mostly plausible.
fn amount() -> impl Strategy<Value = Value> {
    prop_oneof![
        40 => (0..3000u32).prop_map(|c| json!(f64::from(c))),
        1 => prop_oneof![Just(json!(-5.0)), Just(json!(0.4)), Just(json!(1e20)), Just(json!(u32::MAX)), Just(Value::Null)],
        1 => any_json(),
    ]
}

/// A field: mostly `plausible`, sometimes any JSON at all.
fn field<S: Strategy<Value = Value>>(plausible: S) -> impl Strategy<Value = Value> {
    prop_oneof![30 => plausible, 1 => any_json()]
}

/// A `your_turn` whose every field is mostly plausible and sometimes any JSON.
fn random_your_turn() -> impl Strategy<Value = Value> {
    let name = prop::sample::select(vec![
        "fold", "check", "call", "raise", "raise", "all_in", "bet",
    ]);
    let entry = (field(name.prop_map(Value::from)), amount(), amount(), amount()).prop_map(
        |(action, amount, min, max)| json!({"action": action, "amount": amount, "min": min, "max": max}),
    );
    let cards = vec!["Ah", "Kd", "7c", "2s", "Ts", "9d", "Qh", "??"];
    let board = prop_oneof![
        4 => prop::sample::subsequence(cards[..6].to_vec(), 0..=5),
        1 => prop::collection::vec(prop::sample::select(cards), 0..7),
    ];
    let player = (
        field((0..16u8).prop_map(Value::from)),
        field("[a-z]{0,8}".prop_map(Value::from)),
        amount(),
    )
        .prop_map(|(seat, name, stack)| json!({"seat": seat, "name": name, "stack": stack}));
    (
        field(prop::collection::vec(entry, 0..4).prop_map(Value::from)),
        amount(),
        field(board.prop_map(Value::from)),
        field(prop::collection::vec(player, 0..6).prop_map(Value::from)),
        amount(),
        amount(),
        field(Just(json!("tok"))),
    )
        .prop_map(|(valid, pot, board, players, min, max, token)| {
            json!({"type": "your_turn", "valid_actions": valid, "pot": pot, "community_cards": board,
                "players": players, "min_raise": min, "max_raise": max, "turn_token": token})
        })
}

/// Puts `value` at one place (`field`) of message `m`, and plays the session with
/// every built-in bot.
fn check_all_bots(
    mut values: Vec<Value>,
    m: usize,
    field: prop::sample::Index,
    value: Value,
) -> Result<(), TestCaseError> {
    let mut places = Vec::new();
    paths(&values[m], &mut Vec::new(), &mut places);
    if !places.is_empty() {
        let place = &places[field.index(places.len())];
        *at(&mut values[m], place) = value;
    }
    let texts: Vec<String> = values.iter().map(Value::to_string).collect();
    for info in bots::BUILT_IN {
        let played = play(info.name, &texts);
        prop_assert!(played.is_ok(), "{:?}", played);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::default())] // 256 cases; PROPTEST_CASES=N for more

    /// Arbitrary JSON in place of any one field (or element) of any message of the
    /// session: every bot still answers each readable turn validly, nothing panics.
    #[test]
    fn connect_survives_any_value_in_any_field(
        message in any::<prop::sample::Index>(),
        field in any::<prop::sample::Index>(),
        value in any_json(),
    ) {
        let values = session_values();
        let m = message.index(values.len());
        check_all_bots(values, m, field, value)?;
    }

    /// The same, aimed at the `your_turn` messages (most of what a bot reads).
    #[test]
    fn connect_survives_any_value_in_any_field_of_a_your_turn(
        turn in any::<prop::sample::Index>(),
        field in any::<prop::sample::Index>(),
        value in any_json(),
    ) {
        let values = session_values();
        let turns: Vec<usize> = (0..values.len())
            .filter(|&i| values[i]["type"] == "your_turn")
            .collect();
        check_all_bots(values, turns[turn.index(turns.len())], field, value)?;
    }

    /// A hand at the document's table, then a `your_turn` with random fields: every
    /// bot answers validly (or, for an unreadable token, not at all).
    #[test]
    fn connect_survives_random_your_turns(turn in random_your_turn()) {
        let texts = [TABLE_JOINED, HAND_START, HOLE_CARDS].map(String::from).into_iter()
            .chain([turn.to_string()]).collect::<Vec<_>>();
        for info in bots::BUILT_IN {
            let played = play(info.name, &texts);
            prop_assert!(played.is_ok(), "{:?}", played);
        }
    }

    /// Random sequences of (mutated) messages, in any order.
    #[test]
    fn connect_survives_random_message_sequences(
        picks in prop::collection::vec(
            (any::<prop::sample::Index>(), any::<prop::sample::Index>(), prop::option::of(any_json())),
            0..40,
        ),
        bot in any::<prop::sample::Index>(),
    ) {
        let values = session_values();
        let mut texts = Vec::new();
        for (m, field, value) in picks {
            let mut v = values[m.index(values.len())].clone();
            let mut places = Vec::new();
            paths(&v, &mut Vec::new(), &mut places);
            if let (Some(value), false) = (value, places.is_empty()) {
                *at(&mut v, &places[field.index(places.len())]) = value;
            }
            texts.push(v.to_string());
        }
        let bot = bots::BUILT_IN[bot.index(bots::BUILT_IN.len())].name;
        prop_assert!(play(bot, &texts).is_ok(), "{:?}", play(bot, &texts));
    }

    /// `to_chips`: `Some` only for a finite amount that rounds into `u32`, and then
    /// the rounded amount.
    #[test]
    fn to_chips_is_the_rounded_amount_or_none(x in any::<f64>()) {
        match op::to_chips(x) {
            Some(c) => prop_assert_eq!(f64::from(c), x.round()),
            None => prop_assert!(!(x.round() >= 0.0 && x.round() <= f64::from(u32::MAX))),
        }
    }

    /// `parse_valid_actions` on any list: an error, or valid actions whose raise range
    /// is ordered (a bot's `clamp(min, max)` would panic otherwise).
    #[test]
    fn parse_valid_actions_gives_an_error_or_an_ordered_range(
        list in prop::collection::vec(any_json(), 0..6),
    ) {
        let parsed: Vec<op::ValidAction> = list
            .into_iter()
            .filter_map(|v| serde_json::from_value(v).ok())
            .collect();
        if let Ok(va) = op::parse_valid_actions(&parsed)
            && let Some(r) = va.raise
        {
            prop_assert!(r.min_to_chips <= r.max_to_chips);
        }
    }

    /// `action` and Claw `action.intent` messages with any JSON in their fields: an
    /// error or an action; a raise's total is its amount rounded.
    #[test]
    fn wire_actions_give_an_error_or_an_action(
        action in any_json(),
        amount in any_json(),
        name in prop::option::of(prop::sample::select(vec!["fold", "check", "call", "raise", "all_in"])),
    ) {
        let action = name.map_or(action, Value::from);
        let msg = json!({"type": "action", "action": action, "amount": amount, "turn_token": "t"});
        if let Ok(op::ClientMessage::Action(a)) = serde_json::from_value::<op::ClientMessage>(msg)
            && let Ok(holdem_arena::bot::Action::Raise { to_chips }) = a.to_action()
        {
            prop_assert_eq!(Some(f64::from(to_chips)), a.amount.map(f64::round));
        }
        let intent = json!({"type": "action.intent", "action": action, "amount": amount});
        if let Ok(claw::Message::ActionIntent(i)) = serde_json::from_value::<claw::Message>(intent)
            && let Some(holdem_arena::bot::Action::Raise { to_chips }) = i.to_action()
        {
            prop_assert_eq!(Some(f64::from(to_chips)), i.amount.map(f64::round));
        }
    }
}

// ---- item 16: the WebSocket transport, plain and over TLS (issue 12) ----

/// A test server's end of a connection: plain TCP, or TLS on top of it.
trait Stream: std::io::Read + std::io::Write + Send {
    fn tcp(&self) -> &TcpStream;
}

impl Stream for TcpStream {
    fn tcp(&self) -> &TcpStream {
        self
    }
}

impl Stream for rustls::StreamOwned<rustls::ServerConnection, TcpStream> {
    fn tcp(&self) -> &TcpStream {
        &self.sock
    }
}

type Ws = tungstenite::WebSocket<Box<dyn Stream>>;

/// What a test server speaks.
#[derive(Clone, Copy, Debug)]
enum Transport {
    /// `ws://`.
    Plain,
    /// `wss://`: TLS with a self-signed certificate for 127.0.0.1 and localhost made
    /// for the test, which `connect` trusts through `--ca-cert`.
    Tls,
}

/// A TLS server identity: a self-signed certificate for `names` (made with `rcgen`,
/// a fresh P-256 key) and the PEM file holding it, for `--ca-cert`.
struct Identity {
    config: std::sync::Arc<rustls::ServerConfig>,
    /// Holds `ca.pem`, the certificate (its own root, being self-signed).
    dir: tempfile::TempDir,
}

impl Identity {
    fn new(names: &[&str]) -> Identity {
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let made = rcgen::generate_simple_self_signed(names).unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("ca.pem"), made.cert.pem()).unwrap();
        let key = rustls::pki_types::PrivatePkcs8KeyDer::from(made.signing_key.serialize_der());
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![made.cert.der().clone()], key.into())
            .unwrap();
        Identity {
            config: std::sync::Arc::new(config),
            dir,
        }
    }

    fn ca_file(&self) -> String {
        self.dir.path().join("ca.pem").display().to_string()
    }
}

/// A WebSocket server on 127.0.0.1 for one connection, in a thread.
struct TestServer<T> {
    url: String,
    /// The `connect` options that make it trust the server (`--ca-cert FILE` for TLS).
    trust: Vec<String>,
    thread: std::thread::JoinHandle<Result<T, String>>,
    _identity: Option<Identity>,
}

impl<T> TestServer<T> {
    /// Runs `connect --bot tag` against it (trusting it), with `extra` options.
    fn connect(&self, extra: &[&str]) -> assert_cmd::assert::Assert {
        let trust: Vec<&str> = self.trust.iter().map(String::as_str).collect();
        connect_to(&self.url, &[&trust[..], extra].concat())
    }

    /// What the script returned.
    fn join(self) -> T {
        self.thread.join().unwrap().unwrap()
    }

    /// Why the server could not accept the connection (a refused TLS handshake).
    fn join_refused(self) -> String {
        match self.thread.join().unwrap() {
            Ok(_) => panic!("the server accepted the connection"),
            Err(e) => e,
        }
    }
}

/// Accepts one connection on `listener` (TLS with `tls` if given) and its WebSocket
/// handshake; socket reads time out after 10 s.
fn accept(
    listener: &TcpListener,
    tls: Option<std::sync::Arc<rustls::ServerConfig>>,
) -> Result<Ws, String> {
    let (stream, _) = listener.accept().map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let stream: Box<dyn Stream> = match tls {
        None => Box::new(stream),
        Some(config) => {
            let conn = rustls::ServerConnection::new(config).unwrap();
            let mut tls = rustls::StreamOwned::new(conn, stream);
            while tls.conn.is_handshaking() {
                tls.conn
                    .complete_io(&mut tls.sock)
                    .map_err(|e| e.to_string())?;
            }
            Box::new(tls)
        }
    };
    tungstenite::accept(stream).map_err(|e| e.to_string())
}

/// A WebSocket server over `transport` running `script` on one connection; TLS with
/// an identity for 127.0.0.1 and localhost.
fn server_over<T: Send + 'static>(
    transport: Transport,
    script: impl FnOnce(&mut Ws) -> T + Send + 'static,
) -> TestServer<T> {
    let identity = match transport {
        Transport::Plain => None,
        Transport::Tls => Some(Identity::new(&["127.0.0.1", "localhost"])),
    };
    server_with(identity, script)
}

/// A WebSocket server over TLS with `identity`, or plain without one.
fn server_with<T: Send + 'static>(
    identity: Option<Identity>,
    script: impl FnOnce(&mut Ws) -> T + Send + 'static,
) -> TestServer<T> {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (url, trust) = match &identity {
        None => (format!("ws://127.0.0.1:{port}/ws"), vec![]),
        Some(id) => (
            format!("wss://127.0.0.1:{port}/ws"),
            vec!["--ca-cert".to_string(), id.ca_file()],
        ),
    };
    let config = identity.as_ref().map(|id| id.config.clone());
    let thread = std::thread::spawn(move || {
        let mut ws = accept(&listener, config)?;
        Ok(script(&mut ws))
    });
    TestServer {
        url,
        trust,
        thread,
        _identity: identity,
    }
}

fn say(ws: &mut Ws, json: &str) {
    ws.send(Message::text(json.to_string())).unwrap();
}

/// The next text frame as JSON (`None` when the connection ends first).
fn next_json(ws: &mut Ws) -> Option<Value> {
    loop {
        match ws.read() {
            Ok(Message::Text(t)) => return serde_json::from_str(t.as_str()).ok(),
            Ok(_) => {}
            Err(_) => return None,
        }
    }
}

/// Plays the start of a hand up to the document's `your_turn`; returns the action.
fn deal_to_your_turn(ws: &mut Ws) -> Value {
    say(ws, CONNECTED);
    let join = next_json(ws).unwrap();
    assert_eq!(join["type"], "join_lobby");
    for json in [
        LOBBY_JOINED,
        TABLE_JOINED,
        HAND_START,
        HOLE_CARDS,
        YOUR_TURN,
    ] {
        say(ws, json);
    }
    next_json(ws).unwrap()
}

fn connect_to(url: &str, extra: &[&str]) -> assert_cmd::assert::Assert {
    arena()
        .args(["connect", "--bot", "tag", "--url", url])
        .args(extra)
        .env_remove("OPENPOKER_API_KEY")
        .timeout(Duration::from_secs(30))
        .assert()
}

fn gives_up_on_a_silent_server(transport: Transport) {
    let (done, wait) = std::sync::mpsc::channel::<()>();
    // Sends nothing and reads nothing (so never answers a ping) until the test ends.
    let server = server_over(transport, move |_ws| {
        let _ = wait.recv_timeout(Duration::from_secs(30));
    });
    let out = server.connect(&["--idle-limit", "1"]).code(1);
    drop(done);
    server.join();
    let stderr = stderr_of(&out);
    assert!(stderr.contains("no frame from"), "{stderr}");
    assert!(stderr.contains("--idle-limit"), "{stderr}");
}

#[test]
fn connect_gives_up_on_a_silent_server() {
    gives_up_on_a_silent_server(Transport::Plain);
}

#[test]
fn connect_gives_up_on_a_silent_server_over_tls() {
    gives_up_on_a_silent_server(Transport::Tls);
}

#[test]
fn connect_gives_up_on_a_server_that_never_answers_the_handshake() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "ws://127.0.0.1:{}/ws",
        listener.local_addr().unwrap().port()
    );
    let out = connect_to(&url, &["--idle-limit", "1"]).code(1);
    drop(listener);
    let stderr = stderr_of(&out);
    assert!(stderr.contains("no WebSocket handshake answer"), "{stderr}");
}

/// A TLS server that completes TLS but never answers the WebSocket handshake.
#[test]
fn connect_gives_up_on_a_server_that_never_answers_the_handshake_over_tls() {
    let identity = Identity::new(&["127.0.0.1"]);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "wss://127.0.0.1:{}/ws",
        listener.local_addr().unwrap().port()
    );
    let config = identity.config.clone();
    let (done, wait) = std::sync::mpsc::channel::<()>();
    let thread = std::thread::spawn(move || {
        let (tcp, _) = listener.accept().unwrap();
        tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut tls = rustls::StreamOwned::new(rustls::ServerConnection::new(config).unwrap(), tcp);
        while tls.conn.is_handshaking() {
            tls.conn.complete_io(&mut tls.sock).unwrap();
        }
        let _ = wait.recv_timeout(Duration::from_secs(30));
    });
    let out = connect_to(
        &url,
        &["--idle-limit", "1", "--ca-cert", &identity.ca_file()],
    )
    .code(1);
    drop(done);
    thread.join().unwrap();
    let stderr = stderr_of(&out);
    assert!(stderr.contains("no WebSocket handshake answer"), "{stderr}");
}

/// A listener that never accepts: the kernel completes TCP, nobody speaks TLS.
#[test]
fn connect_gives_up_on_a_server_that_never_answers_the_tls_handshake() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "wss://127.0.0.1:{}/ws",
        listener.local_addr().unwrap().port()
    );
    let out = connect_to(&url, &["--idle-limit", "1"]).code(1);
    drop(listener);
    let stderr = stderr_of(&out);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("no TLS handshake answer within 1.0 s"),
        "{stderr}"
    );
}

fn pings_a_quiet_server_and_stays(transport: Transport) {
    // Reads for 3 idle limits (answering pings), then closes normally.
    let server = server_over(transport, |ws| {
        ws.get_ref()
            .tcp()
            .set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        let start = std::time::Instant::now();
        let mut pings = 0;
        while start.elapsed() < Duration::from_secs(3) {
            if let Ok(Message::Ping(_)) = ws.read() {
                pings += 1;
            }
        }
        ws.close(None).unwrap();
        while ws.read().is_ok() {}
        pings
    });
    server.connect(&["--idle-limit", "1"]).success();
    assert!(server.join() >= 1);
}

#[test]
fn connect_pings_a_quiet_server_and_stays() {
    pings_a_quiet_server_and_stays(Transport::Plain);
}

#[test]
fn connect_pings_a_quiet_server_and_stays_over_tls() {
    pings_a_quiet_server_and_stays(Transport::Tls);
}

fn fails_when_the_server_closes_with_1011(transport: Transport) {
    use tungstenite::protocol::CloseFrame;
    use tungstenite::protocol::frame::coding::CloseCode;
    let server = server_over(transport, |ws| {
        let action = deal_to_your_turn(ws);
        ws.close(Some(CloseFrame {
            code: CloseCode::Error,
            reason: "internal error".into(),
        }))
        .unwrap();
        while ws.read().is_ok() {}
        action
    });
    let out = server.connect(&[]).code(1);
    let action = server.join();
    assert_eq!(action["turn_token"], "a1b2c3d4-e5f6-7890-abcd-ef1234567890");
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains("closed the connection with code 1011"),
        "{stderr}"
    );
    assert!(stderr.contains("internal error"), "{stderr}");
}

#[test]
fn connect_fails_when_the_server_closes_with_1011() {
    fails_when_the_server_closes_with_1011(Transport::Plain);
}

#[test]
fn connect_fails_when_the_server_closes_with_1011_over_tls() {
    fails_when_the_server_closes_with_1011(Transport::Tls);
}

fn answers_repeated_rejections_once_over_websocket(transport: Transport) {
    let server = server_over(transport, |ws| {
        let first = deal_to_your_turn(ws);
        for _ in 0..60 {
            say(ws, REJECTED_RAISE);
        }
        // Then the document's whole session (auth_failed left out: it ends it).
        for m in session().iter().filter(|m| m.as_str() != AUTH_FAILED) {
            say(ws, m);
        }
        ws.close(None).unwrap();
        let mut actions = vec![first];
        while let Some(v) = next_json(ws) {
            actions.push(v);
        }
        actions
    });
    let out = server.connect(&["--buy-in", "2000"]).success();
    let actions = server.join();
    // The turn and one fallback; then the session's 6 answers (its own join_lobby
    // for its `connected` first).
    assert_eq!(actions.len(), 2 + 1 + 6, "{actions:?}");
    assert_eq!(actions[1]["action"], "fold");
    assert_eq!(actions[2]["type"], "join_lobby");
    let stderr = stderr_of(&out);
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn connect_answers_repeated_rejections_once_over_websocket() {
    answers_repeated_rejections_once_over_websocket(Transport::Plain);
}

#[test]
fn connect_answers_repeated_rejections_once_over_tls() {
    answers_repeated_rejections_once_over_websocket(Transport::Tls);
}

fn fails_on_auth_failed(transport: Transport) {
    let server = server_over(transport, |ws| {
        say(ws, AUTH_FAILED);
        ws.close(Some(tungstenite::protocol::CloseFrame {
            code: 4001.into(),
            reason: "".into(),
        }))
        .unwrap();
        while ws.read().is_ok() {}
    });
    let out = server.connect(&[]).code(1);
    server.join();
    let stderr = stderr_of(&out);
    assert!(stderr.contains("auth_failed"), "{stderr}");
}

#[test]
fn connect_fails_on_auth_failed() {
    fails_on_auth_failed(Transport::Plain);
}

#[test]
fn connect_fails_on_auth_failed_over_tls() {
    fails_on_auth_failed(Transport::Tls);
}

/// `connect --url wss://...` with `--ca-cert`: the bot plays a hand over TLS (its
/// action carries the turn's token) and a normal close exits 0.
#[test]
fn connect_plays_over_tls_with_a_private_root() {
    let server = server_over(Transport::Tls, |ws| {
        let action = deal_to_your_turn(ws);
        say(ws, ACTION_ACK);
        say(ws, HAND_RESULT);
        ws.close(None).unwrap();
        while ws.read().is_ok() {}
        action
    });
    let out = server.connect(&[]).success();
    let action = server.join();
    assert_eq!(action["type"], "action");
    assert_eq!(action["turn_token"], "a1b2c3d4-e5f6-7890-abcd-ef1234567890");
    let stderr = stderr_of(&out);
    assert!(!stderr.contains("TLS"), "{stderr}");
}

/// The same self-signed server without `--ca-cert`: refused (exit 1), one line
/// naming the unknown issuer and the option that would trust it; the bot never plays.
#[test]
fn connect_refuses_a_tls_server_without_its_ca_cert() {
    let server = server_over(Transport::Tls, deal_to_your_turn);
    let out = connect_to(&server.url, &[]).code(1);
    let refused = server.join_refused();
    let stderr = stderr_of(&out);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("TLS handshake with wss://127.0.0.1:"),
        "{stderr}"
    );
    assert!(stderr.contains("certificate is refused"), "{stderr}");
    assert!(stderr.contains("UnknownIssuer"), "{stderr}");
    assert!(stderr.contains("--ca-cert"), "{stderr}");
    // The server was told why: rustls's alert for an unknown issuer.
    assert!(refused.contains("UnknownCA"), "{refused}");
}

/// A trusted certificate for another host name (`other.example`, reached as
/// 127.0.0.1): refused (exit 1), one line naming the name mismatch.
#[test]
fn connect_refuses_a_tls_certificate_for_another_host() {
    let server = server_with(Some(Identity::new(&["other.example"])), deal_to_your_turn);
    let out = server.connect(&[]).code(1);
    server.join_refused();
    let stderr = stderr_of(&out);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("certificate not valid for name"),
        "{stderr}"
    );
    assert!(stderr.contains("127.0.0.1"), "{stderr}");
    assert!(stderr.contains("other.example"), "{stderr}");
    assert!(stderr.contains("another host"), "{stderr}");
}

/// A plain WebSocket server given as `wss://`: a TLS failure (exit 1), one line.
#[test]
fn connect_fails_on_a_plain_server_given_as_wss() {
    let server = server_over(Transport::Plain, deal_to_your_turn);
    let url = server.url.replacen("ws://", "wss://", 1);
    let out = connect_to(&url, &["--idle-limit", "2"]).code(1);
    drop(server); // its thread ends on the refused handshake
    let stderr = stderr_of(&out);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("TLS handshake with"), "{stderr}");
    assert!(stderr.contains("speak TLS"), "{stderr}");
}

/// A `--ca-cert` that is missing, not a file, not PEM, broken PEM or not a
/// certificate, or given with a `ws://` address: exit 2, one line naming the file
/// (and the URL), nothing sent.
#[test]
fn connect_rejects_bad_ca_certs_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    };
    let missing = dir.path().join("missing.pem").display().to_string();
    let folder = dir.path().display().to_string();
    let text = file("text.pem", "not a certificate\n");
    let empty = file("empty.pem", "");
    let bad_base64 = file(
        "base64.pem",
        "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
    );
    let unterminated = file("open.pem", "-----BEGIN CERTIFICATE-----\naGVsbG8=\n");
    let not_x509 = file(
        "hello.pem",
        "-----BEGIN CERTIFICATE-----\naGVsbG8=\n-----END CERTIFICATE-----\n",
    );
    let key_only = file(
        "key.pem",
        &rcgen::KeyPair::generate().unwrap().serialize_pem(),
    );
    let good = Identity::new(&["127.0.0.1"]).ca_file();
    let wss = "wss://127.0.0.1:9/ws";
    for (url, ca, named) in [
        (wss, &missing, "cannot read it"),
        (wss, &folder, "not a regular file"),
        (wss, &text, "no PEM certificate"),
        (wss, &empty, "no PEM certificate"),
        (wss, &key_only, "no PEM certificate"),
        (wss, &bad_base64, "not base64"),
        (wss, &unterminated, "no END line"),
        (
            wss,
            &not_x509,
            "certificate 1 is not a usable X.509 certificate",
        ),
        ("ws://127.0.0.1:9/ws", &good, "only for wss://"),
    ] {
        let out = arena()
            .args(["connect", "--bot", "tag", "--url", url, "--ca-cert", ca])
            .env_remove("OPENPOKER_API_KEY")
            .timeout(Duration::from_secs(10))
            .assert()
            .code(2);
        let stderr = stderr_of(&out);
        assert_eq!(stderr.lines().count(), 1, "{ca}: {stderr}");
        assert!(stderr.contains(&format!("--ca-cert {ca}")), "{stderr}");
        assert!(stderr.contains(named), "{ca}: {stderr}");
        assert!(out.get_output().stdout.is_empty());
    }
    arena()
        .args(["connect", "--bot", "tag", "--ca-cert", &good])
        .timeout(Duration::from_secs(10))
        .assert()
        .code(2);
}

/// Bad `--buy-in`, `--url`, `--idle-limit` and API keys are bad input: exit 2, one
/// line naming the value (never the key) and what is allowed; nothing is sent.
#[test]
fn connect_rejects_bad_options_with_exit_2() {
    let url = "ws://127.0.0.1:9/ws";
    for (args, key, named) in [
        (vec!["--url", url, "--buy-in", "NaN"], None, "NaN"),
        (vec!["--url", url, "--buy-in", "1e309"], None, "1e309"),
        (vec!["--url", url, "--buy-in", "-5"], None, "-5"),
        (vec!["--url", url, "--buy-in", "999"], None, "1000 to 5000"),
        (
            vec!["--url", url, "--idle-limit", "0"],
            None,
            "--idle-limit 0",
        ),
        (
            vec!["--url", url, "--idle-limit", "-1"],
            None,
            "--idle-limit -1",
        ),
        (
            vec!["--url", "http://127.0.0.1/ws"],
            None,
            "http://127.0.0.1/ws",
        ),
        (vec!["--url", "not a url"], None, "not a url"),
        (vec!["--url", "ws://"], None, "ws://"),
        (vec!["--url", "wss://"], None, "wss://"),
        (vec!["--url", "wss://bad-/ws"], None, "bad-"),
        (
            vec!["--url", url],
            Some("secret\u{1}key"),
            "OPENPOKER_API_KEY",
        ),
        (vec!["--url", url], Some("  "), "OPENPOKER_API_KEY"),
    ] {
        let mut cmd = arena();
        cmd.args(["connect", "--bot", "tag"]).args(&args);
        match key {
            Some(k) => cmd.env("OPENPOKER_API_KEY", k),
            None => cmd.env_remove("OPENPOKER_API_KEY"),
        };
        let out = cmd.timeout(Duration::from_secs(10)).assert().code(2);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.contains(named), "{args:?}: {stderr}");
        assert!(!stderr.contains("secret"), "{stderr}");
        assert!(out.get_output().stdout.is_empty());
    }
    arena()
        .args(["connect", "--bot", "tag", "--buy-in", "2000"])
        .assert()
        .code(2);
}
