//! Wire-protocol parity: every JSON example of the reference documents parses into the
//! protocol types and serializes back to the same JSON value; the `your_turn` sent to
//! an external bot describes the same decision as the `Turn` an in-process bot sees;
//! external bots (Python, and our own bots through `holdem-arena connect`) play
//! exactly as the in-process bots; and bot faults are handled and counted as the
//! protocol document describes.

use assert_cmd::Command;
use holdem_arena::bot::{Action, Bot, Turn};
use holdem_arena::bots;
use holdem_arena::deal::Deal;
use holdem_arena::engine::{Stakes, Table};
use holdem_arena::protocol::{claw, openpoker as op};
use serde_json::Value;
use std::path::Path;

/// JSON values equal, numbers compared by value (`2000` equals `2000.0`).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

fn round_trips<T: serde::de::DeserializeOwned + serde::Serialize>(json: &str) {
    let want: Value = serde_json::from_str(json).unwrap();
    let parsed: T = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"));
    let back = serde_json::to_value(&parsed).unwrap();
    assert!(same(&want, &back), "\n{want}\n!=\n{back}");
}

/// The JSON examples of `openpoker-websocket-protocol.txt` and
/// `openpoker-common-bot-errors.txt`, server to client.
const OPENPOKER_SERVER: &[&str] = &[
    r#"{"type": "connected", "agent_id": "550e8400-e29b-41d4-a716-446655440000", "name": "my_bot", "season_mode": true}"#,
    r#"{"type": "your_turn", "valid_actions": [{"action": "fold"}, {"action": "call", "amount": 20.0}, {"action": "raise", "min": 40.0, "max": 2000.0}], "pot": 30.0, "community_cards": ["Ah", "Kd", "7c"], "players": [{"seat": 0, "name": "opponent_bot", "stack": 1980.0}, {"seat": 3, "name": "my_bot", "stack": 2000.0}], "min_raise": 40.0, "max_raise": 2000.0, "turn_token": "a1b2c3d4-e5f6-7890-abcd-ef1234567890"}"#,
    r#"{"type": "hand_result", "winners": [{"seat": 2, "name": "winner_bot", "stack": 2060.0, "amount": 60.0, "hand_description": "Pair of Aces"}], "pot": 60.0, "total_pot": 60.0, "net_pot_after_rake": 60.0, "final_stacks": {"0": 1940.0, "2": 2060.0}, "pot_kind": "transferable", "rake": 0.0, "rake_settled": 0.0, "shown_cards": {"2": ["Ah", "Kd"]}, "actions": [{"seat": 0, "action": "call", "amount": 20.0, "street": "preflop"}, {"seat": 2, "action": "check", "amount": null, "street": "flop"}], "payouts": [{"seat": 2, "amount": 60.0}]}"#,
    r#"{"type": "table_state", "street": "flop", "dealer_seat": 0, "small_blind": 10.0, "big_blind": 20.0, "pot": 60.0, "actor_seat": 3, "to_call": 20.0, "min_raise_to": 40.0, "max_raise_to": 2000.0, "board": ["Ah", "Kd", "7c"], "seats": [{"seat": 0, "name": "bot_a", "stack": 1980.0, "status": "active", "in_hand": true}, {"seat": 1, "name": null, "stack": 0, "status": "empty", "in_hand": false}, {"seat": 3, "name": "my_bot", "stack": 2000.0, "status": "active", "in_hand": true}], "hero": {"seat": 3, "hole_cards": ["Qh", "Js"], "valid_actions": [{"action": "fold"}, {"action": "call", "amount": 20.0}, {"action": "raise", "min": 40.0, "max": 2000.0}]}}"#,
    r#"{"type": "resync_response", "from_table_seq": 42, "to_table_seq": 57, "replayed_events": [{"type": "player_action", "seat": 0, "action": "call", "...": "..."}], "snapshot": {"type": "table_state", "...": "..."}, "role": "player"}"#,
    r#"{"type": "error", "code": "error_code", "message": "Human-readable description"}"#,
    r#"{"type": "action_rejected", "reason": "Not your turn", "details": {}}"#,
    r#"{"type": "error", "code": "auth_failed", "message": "Invalid or missing API key"}"#,
    r#"{"type": "action_rejected", "reason": "Invalid raise amount"}"#,
    r#"{"type": "error", "code": "rate_limited", "message": "Too many messages per second"}"#,
];

/// The same documents' examples, client to server.
const OPENPOKER_CLIENT: &[&str] = &[
    r#"{"type": "join_lobby", "buy_in": 2000}"#,
    r#"{"type": "action", "action": "raise", "amount": 100.0, "client_action_id": "act-001", "turn_token": "a1b2c3d4-..."}"#,
    r#"{"type": "resync_request", "table_id": "t-abc123", "last_table_seq": 42}"#,
    r#"{"type": "set_auto_rebuy", "enabled": true}"#,
    r#"{"type": "action", "action": "call", "client_action_id": "act-001", "turn_token": "a1b2c3d4-e5f6-7890-abcd-ef1234567890"}"#,
    r#"{"type": "leave_table"}"#,
    r#"{"type": "action", "action": "raise", "amount": 60.0, "turn_token": "tok"}"#,
];

/// The JSON examples of `clawpoker-api.txt` (WebSocket messages).
const CLAW: &[&str] = &[
    r#"{"type": "auth", "agent_id": "YOUR_AGENT_ID", "secret": "YOUR_SECRET"}"#,
    r#"{"type": "action.intent", "action": "call"}"#,
    r#"{"type": "auth", "agent_id": "agent_xxxx", "secret": "sk_live_xxxx"}"#,
    r#"{"type": "auth.success", "agent_id": "agent_xxxx", "agent_name": "My Agent", "chips": 10000}"#,
    r#"{"type": "action.requested", "data": {"hand_id": "hand_abc123", "seat": 2, "phase": "flop", "pot": 150, "current_bet": 50, "your_chips": 9850, "call_amount": 30, "hole_cards": ["Ah", "Kd"], "community": ["Ts", "9s", "2h"], "legal_actions": ["fold", "call", "raise", "all_in"], "min_raise": 100, "max_raise": 9850, "action_history": [{"seat": 0, "action": "raise", "amount": 50}], "players": [{"seat": 0, "name": "Coral Queen", "chips": 9950, "status": "active", "bet": 50}, {"seat": 1, "name": "Red Mist", "chips": 0, "status": "folded", "bet": 0}]}}"#,
    r#"{"type": "action.intent", "hand_id": "hand_abc123", "action": "raise", "amount": 200, "comment": "Let's go!"}"#,
];

#[test]
fn every_reference_example_round_trips() {
    for json in OPENPOKER_SERVER {
        round_trips::<op::ServerMessage>(json);
    }
    for json in OPENPOKER_CLIENT {
        round_trips::<op::ClientMessage>(json);
    }
    for json in CLAW {
        round_trips::<claw::Message>(json);
    }
}

#[test]
fn wire_actions_convert_to_engine_actions() {
    let msg: op::ClientMessage = serde_json::from_str(OPENPOKER_CLIENT[1]).unwrap();
    let op::ClientMessage::Action(a) = msg else {
        panic!("an action")
    };
    assert_eq!(a.to_action(), Ok(Action::Raise { to_chips: 100 }));
    let back = op::ActionMessage::from_action(Action::Raise { to_chips: 100 }, "t");
    assert_eq!(back.amount, Some(100.0));
    assert_eq!(op::parse_action("all_in", None), Some(Action::AllIn));
    assert_eq!(op::parse_action("raise", None), None);
    assert_eq!(op::parse_action("bet", Some(10.0)), None);
    let msg: claw::Message = serde_json::from_str(CLAW[5]).unwrap();
    let claw::Message::ActionIntent(i) = msg else {
        panic!("an intent")
    };
    assert_eq!(i.to_action(), Some(Action::Raise { to_chips: 200 }));
}

/// Plays hands with `call`/`tag`/`raise`/`random` and checks that each decision's
/// `your_turn` (as JSON, parsed back) and `action.requested` carry the same decision
/// as the `Turn`.
struct Checker {
    inner: Box<dyn Bot>,
    checked: usize,
}

impl Bot for Checker {
    fn act(&mut self, turn: &Turn<'_>) -> Action {
        let json = serde_json::to_string(&op::ServerMessage::YourTurn(op::YourTurn::from_turn(
            turn,
            "tok".into(),
        )))
        .unwrap();
        let op::ServerMessage::YourTurn(y) = serde_json::from_str(&json).unwrap() else {
            panic!("a your_turn: {json}")
        };
        assert_eq!(
            op::parse_valid_actions(&y.valid_actions),
            Ok(turn.valid_actions)
        );
        assert_eq!(y.pot, f64::from(turn.pot_chips));
        let board: Vec<String> = turn.community_cards.iter().map(|c| c.to_string()).collect();
        assert_eq!(y.community_cards, board);
        assert_eq!(y.players.len(), turn.players.len());
        for (w, p) in y.players.iter().zip(turn.players) {
            assert_eq!(w.seat, p.seat);
            assert_eq!(w.name, p.name);
            assert_eq!(w.stack, f64::from(p.stack_chips));
            assert_eq!(w.bet, Some(f64::from(p.bet_chips)));
            assert_eq!(w.status.as_deref(), Some(p.status.as_str()));
        }
        let raise = turn.valid_actions.raise.is_some();
        assert_eq!(
            y.min_raise,
            raise.then_some(f64::from(turn.min_raise_chips))
        );
        assert_eq!(
            y.max_raise,
            raise.then_some(f64::from(turn.max_raise_chips))
        );
        assert_eq!(y.to_call, Some(f64::from(turn.to_call_chips)));
        assert_eq!(y.street.as_deref(), Some(turn.street.as_str()));
        assert_eq!(y.turn_token, "tok");

        let c = claw::ActionRequested::from_turn(turn);
        assert_eq!(c.pot, u64::from(turn.pot_chips));
        assert_eq!(
            c.call_amount,
            u64::from(turn.valid_actions.call_chips.unwrap_or(0))
        );
        assert_eq!(c.community, board);
        assert_eq!(c.action_history.len(), turn.actions.len());
        assert_eq!(c.your_chips, u64::from(turn.me().stack_chips));

        let action = self.inner.act(turn);
        // The bot's answer survives the trip to the wire and back.
        let wire = op::ActionMessage::from_action(action, "tok");
        assert_eq!(wire.to_action(), Ok(action));
        self.checked += 1;
        action
    }
    fn observe(&mut self, event: &holdem_arena::bot::Event<'_>) {
        self.inner.observe(event);
    }
}

#[test]
fn your_turn_describes_the_same_decision_as_turn() {
    let names = ["call", "tag", "raise", "random"];
    let mut bots: Vec<Box<dyn Bot>> = names
        .iter()
        .map(|n| {
            Box::new(Checker {
                inner: (bots::find(n).unwrap().make)(),
                checked: 0,
            }) as Box<dyn Bot>
        })
        .collect();
    let stakes = Stakes {
        small_blind_chips: 10,
        big_blind_chips: 20,
        ante_chips: 5,
    };
    let mut table = Table::new(&names, &[2000, 500, 3000, 2000], stakes, 7);
    for hand in 0..300 {
        let deal = Deal::new(7, hand, names.len());
        table.play_hand(hand, &deal, &mut bots);
    }
}

fn arena() -> Command {
    Command::cargo_bin("holdem-arena").unwrap()
}

/// Runs `run` with `bots` and returns (seats.csv rows as column maps, stderr).
fn run(bots: &str, extra: &[&str]) -> (Vec<std::collections::HashMap<String, String>>, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let assert = arena()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["run", "--bots", bots, "--seed", "5", "--threads", "1"])
        .args(extra)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    let mut reader = csv::Reader::from_path(out.join("seats.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let rows = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect();
    (rows, stderr)
}

fn col(rows: &[std::collections::HashMap<String, String>], seat: usize, name: &str) -> u64 {
    rows[seat][name].parse::<i64>().unwrap().unsigned_abs()
}

fn net(rows: &[std::collections::HashMap<String, String>], seat: usize) -> String {
    rows[seat]["net_chips"].clone()
}

#[test]
fn python_calling_station_plays_exactly_like_call() {
    let (native, _) = run("tag,call", &["--hands", "3000"]);
    let (py, _) = run(
        "tag,exec:python3 bots/python/call_bot.py",
        &["--hands", "3000"],
    );
    let (claw, _) = run(
        "tag,exec-claw:python3 bots/python/claw_call_bot.py",
        &["--hands", "3000"],
    );
    assert_eq!(py[1]["bot"], "call_bot");
    for rows in [&py, &claw] {
        assert_eq!(net(rows, 0), net(&native, 0));
        assert_eq!(net(rows, 1), net(&native, 1));
        for c in ["timeouts", "rejected_actions", "crashes", "invalid_actions"] {
            assert_eq!(col(rows, 1, c), 0, "{c}");
        }
    }
}

#[test]
fn a_rust_bot_through_connect_plays_exactly_as_in_process() {
    let exe = env!("CARGO_BIN_EXE_holdem-arena");
    for bot in ["tag", "raise"] {
        let (native, _) = run(&format!("equity,{bot},call"), &["--hands", "2000"]);
        let (wire, _) = run(
            &format!("equity,exec:{exe} connect --bot {bot},call"),
            &["--hands", "2000"],
        );
        for seat in 0..3 {
            assert_eq!(net(&wire, seat), net(&native, seat), "{bot} seat {seat}");
        }
    }
}

#[test]
fn python_strategy_bot_plays() {
    let (rows, stderr) = run(
        "tag,exec:python3 bots/python/strategy_bot.py,call",
        &["--hands", "2000"],
    );
    assert_eq!(rows[1]["bot"], "strategy_bot");
    for c in ["timeouts", "rejected_actions", "crashes", "invalid_actions"] {
        assert_eq!(col(&rows, 1, c), 0, "{c}: {stderr}");
    }
    assert!(rows[1]["pfr"].parse::<f64>().unwrap() > 0.0);
}

#[test]
fn faults_are_answered_and_counted_as_the_protocol_says() {
    let faulty = |mode: &str| format!("call,exec:python3 tests/fixtures/faulty_bot.py {mode}");
    let (clean, _) = run("call,call", &["--hands", "300"]);
    for mode in ["stale", "badraise"] {
        let (rows, _) = run(&faulty(mode), &["--hands", "300"]);
        // Every decision was rejected once, then answered well: same chips as `call`.
        assert!(col(&rows, 1, "rejected_actions") > 300, "{mode}");
        assert_eq!(col(&rows, 1, "timeouts"), 0, "{mode}");
        assert_eq!(net(&rows, 1), net(&clean, 1), "{mode}");
    }
    let (rows, _) = run(&faulty("garbage"), &["--hands", "300"]);
    assert!(col(&rows, 1, "invalid_actions") > 300);
    assert_eq!(net(&rows, 1), net(&clean, 1));

    let (rows, _) = run(
        &faulty("slow"),
        &["--hands", "50", "--action-timeout", "0.5"],
    );
    // The 1.5 s nap outlasts the first turn's 0.5 s and the next ones' while the bot
    // catches up; each late answer then carries an old token and is rejected.
    let timeouts = col(&rows, 1, "timeouts");
    assert!((1..=4).contains(&timeouts), "{timeouts}");
    assert_eq!(col(&rows, 1, "rejected_actions"), timeouts);

    let (rows, stderr) = run(&faulty("crash"), &["--hands", "300"]);
    assert_eq!(col(&rows, 1, "crashes"), 1);
    assert!(stderr.contains("something broke in the bot"), "{stderr}");
    assert!(stderr.contains("faulty_bot"), "{stderr}");
    // The seat auto-folds (checks when free) from then on: it gives up every small
    // blind (about -5 chips a hand on average).
    assert!(rows[1]["net_chips"].parse::<i64>().unwrap() < -500);

    // A bot that neither reads nor answers: every turn times out until its input
    // pipe is full, then it counts as crashed (killed) and the run goes on.
    let started = std::time::Instant::now();
    let (rows, stderr) = run(
        &faulty("hang"),
        &["--hands", "200", "--action-timeout", "0.1"],
    );
    assert_eq!(col(&rows, 1, "crashes"), 1, "{stderr}");
    assert!(col(&rows, 1, "timeouts") > 0);
    assert!(stderr.contains("stopped reading its input"), "{stderr}");
    assert!(started.elapsed() < std::time::Duration::from_secs(60));

    let (rows, stderr) = run(&faulty("silent"), &["--hands", "100"]);
    assert_eq!(col(&rows, 1, "crashes"), 1);
    assert!(stderr.contains("refusing to play"), "{stderr}");
}

#[test]
fn claw_faults_are_answered_and_counted() {
    let faulty =
        |mode: &str| format!("call,exec-claw:python3 tests/fixtures/claw_faulty_bot.py {mode}");
    let (clean, _) = run("call,call", &["--hands", "200"]);
    let (rows, _) = run(&faulty("badraise"), &["--hands", "200"]);
    assert!(col(&rows, 1, "rejected_actions") > 200);
    assert_eq!(net(&rows, 1), net(&clean, 1));
    // One slow answer: one timeout, and the late answer is dropped, not taken for the
    // next request, so every later decision is the bot's own.
    let (rows, _) = run(
        &faulty("slow"),
        &["--hands", "200", "--action-timeout", "0.3"],
    );
    let timeouts = col(&rows, 1, "timeouts");
    assert!((1..=4).contains(&timeouts), "{timeouts}");
    assert_eq!(col(&rows, 1, "crashes"), 0);
}

#[test]
fn an_exec_command_that_cannot_run_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let assert = arena()
        .args([
            "run",
            "--bots",
            "call,exec:no-such-program-xyz bot.py",
            "--out",
        ])
        .arg(&out)
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(stderr.contains("no-such-program-xyz"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1);
    assert!(!Path::new(&out).exists());
    arena()
        .args(["run", "--bots", "call,call", "--action-timeout", "0"])
        .assert()
        .code(2);
}

#[test]
fn connect_answers_your_turn_with_the_token() {
    let input = [
        r#"{"type": "table_joined", "table_id": "t1", "seat": 1, "players": [{"seat": 0, "name": "a", "stack": 2000.0}, {"seat": 1, "name": "me", "stack": 2000.0}]}"#,
        r#"{"type": "hand_start", "hand_id": "h1", "seat": 1, "dealer_seat": 0, "blinds": {"small": 10.0, "big": 20.0}}"#,
        r#"{"type": "hole_cards", "cards": ["Qh", "Js"]}"#, // not on the board of OPENPOKER_SERVER[1]
        r#"{"type": "player_action", "seat": 0, "name": "a", "action": "call", "amount": 10.0, "street": "preflop", "stack": 1980.0, "pot": 40.0}"#,
        OPENPOKER_SERVER[1],
    ]
    .join("\n");
    let assert = arena()
        .args(["connect", "--bot", "call"])
        .write_stdin(input)
        .assert()
        .success();
    let out: Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    assert_eq!(out["type"], "action");
    assert_eq!(out["action"], "call");
    assert_eq!(out["turn_token"], "a1b2c3d4-e5f6-7890-abcd-ef1234567890");
}

#[test]
#[allow(clippy::result_large_err)] // tungstenite's handshake callback signature
fn connect_plays_over_a_websocket() {
    use tungstenite::Message;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut auth = String::new();
        let mut ws = tungstenite::accept_hdr(
            stream,
            |req: &tungstenite::handshake::server::Request,
             resp: tungstenite::handshake::server::Response| {
                auth = req.headers()["Authorization"].to_str().unwrap().to_string();
                Ok(resp)
            },
        )
        .unwrap();
        let say = |ws: &mut tungstenite::WebSocket<_>, json: &str| {
            ws.send(Message::text(json.to_string())).unwrap();
        };
        say(&mut ws, OPENPOKER_SERVER[0]);
        let join = read_json(&mut ws);
        for json in [
            r#"{"type": "table_joined", "table_id": "t1", "seat": 3, "players": [{"seat": 0, "name": "opponent_bot", "stack": 2000.0}, {"seat": 3, "name": "my_bot", "stack": 2000.0}]}"#,
            r#"{"type": "hand_start", "hand_id": "h1", "seat": 3, "dealer_seat": 0, "blinds": {"small": 10.0, "big": 20.0}}"#,
            r#"{"type": "hole_cards", "cards": ["Qh", "Js"]}"#,
            OPENPOKER_SERVER[1],
        ] {
            say(&mut ws, json);
        }
        let action = read_json(&mut ws);
        ws.close(None).unwrap();
        while ws.read().is_ok() {}
        (auth, join, action)
    });
    arena()
        .args(["connect", "--bot", "call", "--buy-in", "2000"])
        .arg("--url")
        .arg(format!("ws://127.0.0.1:{port}/ws"))
        .env("OPENPOKER_API_KEY", "secret-key\n")
        .timeout(std::time::Duration::from_secs(20))
        .assert()
        .success();
    let (auth, join, action) = server.join().unwrap();
    assert_eq!(auth, "Bearer secret-key");
    assert_eq!(join["type"], "join_lobby");
    assert_eq!(join["buy_in"], 2000.0);
    assert_eq!(action["type"], "action");
    assert_eq!(action["action"], "call");
    assert_eq!(action["turn_token"], "a1b2c3d4-e5f6-7890-abcd-ef1234567890");
}

fn read_json<S: std::io::Read + std::io::Write>(ws: &mut tungstenite::WebSocket<S>) -> Value {
    loop {
        if let tungstenite::Message::Text(t) = ws.read().unwrap() {
            return serde_json::from_str(t.as_str()).unwrap();
        }
    }
}
