//! Wire-protocol parity: every JSON example of the reference documents parses into the
//! protocol types and serializes back to the same JSON value; the `your_turn` sent to
//! an external bot describes the same decision as the `Turn` an in-process bot sees;
//! external bots (Python, and our own bots through `holdem-arena connect`) play
//! exactly as the in-process bots; and bot faults are handled and counted as the
//! protocol document describes.

mod common;
use common::*;
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

type Rows = Vec<std::collections::HashMap<String, String>>;

/// Runs `run` with `bots` and returns (seats.csv rows as column maps, stderr).
fn run(bots: &str, extra: &[&str]) -> (Rows, String) {
    let (rows, stderr, _) = run_keeping(bots, extra);
    (rows, stderr)
}

/// Like [`run`], and also returns the folder holding the output folder `out`. Faults
/// are what these runs count, so they keep their results (`--allow-bot-faults`; that
/// a faulty run exits 1 without it is tested in `tests/cli.rs`).
fn run_keeping(bots: &str, extra: &[&str]) -> (Rows, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let assert = arena()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["run", "--bots", bots, "--seed", "5", "--allow-bot-faults"])
        .args(if extra.contains(&"--threads") {
            &[][..]
        } else {
            &["--threads", "1"][..]
        })
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
    (rows, stderr, dir)
}

fn col(rows: &Rows, seat: usize, name: &str) -> u64 {
    rows[seat][name].parse::<i64>().unwrap().unsigned_abs()
}

fn net(rows: &Rows, seat: usize) -> String {
    rows[seat]["net_chips"].clone()
}

#[test]
fn table_state_and_the_v2_envelope_follow_the_events_exactly() {
    // tests/fixtures/table_state_checker.py exits 3 at the first message that breaks
    // the document's rules or disagrees with the events (see its doc): plain hands
    // over several chunks and threads, then sessions with busts and rebuys; with
    // --lean-wire neither table_state nor an envelope field arrives.
    for (bots, extra) in [
        (
            "tag,exec:python3 tests/fixtures/table_state_checker.py,random",
            &["--hands", "10000", "--threads", "2"][..],
        ),
        (
            "allin,exec:python3 tests/fixtures/table_state_checker.py,raise",
            &[
                "--hands",
                "400",
                "--session",
                "100",
                "--rebuy-cooldown",
                "3",
            ][..],
        ),
        (
            "tag,exec:python3 tests/fixtures/table_state_checker.py --lean,random",
            &["--hands", "2000", "--lean-wire"][..],
        ),
    ] {
        let (rows, _, dir) = run_keeping(bots, extra);
        let logs: Vec<String> = std::fs::read_dir(dir.path().join("out/bots"))
            .unwrap()
            .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
            .collect();
        assert_eq!(col(&rows, 1, "crashes"), 0, "{bots}: {logs:?}");
        assert!(logs.iter().any(|l| l.contains("checked ")), "{logs:?}");
    }
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
    // Five faults stay under the flood limits (10 in 5 s; see
    // `a_flooding_bot_is_warned_then_kicked` for more).
    for mode in ["stale 5", "badraise 5"] {
        let (rows, _) = run(&faulty(mode), &["--hands", "300"]);
        // Each of the first five decisions was rejected once, then answered well:
        // same chips as `call`.
        assert_eq!(col(&rows, 1, "rejected_actions"), 5, "{mode}");
        assert_eq!(col(&rows, 1, "timeouts"), 0, "{mode}");
        assert_eq!(col(&rows, 1, "crashes"), 0, "{mode}");
        assert_eq!(net(&rows, 1), net(&clean, 1), "{mode}");
    }
    let (rows, _) = run(&faulty("garbage 5"), &["--hands", "300"]);
    assert_eq!(col(&rows, 1, "invalid_actions"), 5);
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
    let (rows, _) = run(&faulty("badraise 5"), &["--hands", "200"]);
    assert_eq!(col(&rows, 1, "rejected_actions"), 5);
    assert_eq!(col(&rows, 1, "crashes"), 0);
    assert_eq!(net(&rows, 1), net(&clean, 1));
    // One slow answer: one timeout, and the late answer is dropped, not taken for the
    // next request, so every later decision is the bot's own.
    let (rows, _) = run(
        &faulty("slow"),
        &["--hands", "200", "--action-timeout", "1.0"],
    );
    // Two timeouts on a quiet machine (a 2 s nap, 1 s each); a loaded one (CI on two
    // cores) may add some while Python catches up.
    let timeouts = col(&rows, 1, "timeouts");
    assert!((1..=6).contains(&timeouts), "{timeouts}");
    assert_eq!(col(&rows, 1, "crashes"), 0);
}

const FAULTY: &str = "python3 tests/fixtures/faulty_bot.py";

/// A seat's stderr log in the output folder of a run made by [`run_keeping`].
fn stderr_log(dir: &tempfile::TempDir, file: &str) -> String {
    let path = dir.path().join("out/bots").join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// An external bot for seat 1 started outside a run (no stderr log).
fn external(command: &str, dialect: holdem_arena::protocol::external::Dialect) -> Box<dyn Bot> {
    use holdem_arena::config::DEFAULT_ACTION_TIMEOUT;
    use holdem_arena::protocol::external::{ExternalSpec, Transport};
    let spec = ExternalSpec {
        command: command.into(),
        dialect,
        transport: Transport::Pipes,
        name: "faulty_bot".into(),
        action_timeout: DEFAULT_ACTION_TIMEOUT,
        reconnect_window: holdem_arena::protocol::external::DEFAULT_RECONNECT_WINDOW,
        stderr_dir: None,
        lean: false,
    };
    bots::BotSpec::Exec(spec).make(1)
}

/// Counts the decisions asked of a bot, and passes its faults on.
struct Counting {
    inner: Box<dyn Bot>,
    asked: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl Bot for Counting {
    fn act(&mut self, turn: &Turn<'_>) -> Action {
        self.asked
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.inner.act(turn)
    }
    fn observe(&mut self, event: &holdem_arena::bot::Event<'_>) {
        self.inner.observe(event);
    }
    fn take_faults(&mut self) -> holdem_arena::bot::Faults {
        self.inner.take_faults()
    }
    fn take_fault_notes(&mut self) -> holdem_arena::bot::FaultNotes {
        self.inner.take_fault_notes()
    }
}

/// Plays `hands` hands of `call` against `bot` (seat 1); returns it and the number of
/// decisions it was asked.
fn play_against_call(bot: Box<dyn Bot>, hands: u64) -> (Box<dyn Bot>, u64) {
    let asked = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let mut seats: Vec<Box<dyn Bot>> = vec![
        (bots::find("call").unwrap().make)(),
        Box::new(Counting {
            inner: bot,
            asked: asked.clone(),
        }),
    ];
    let stakes = Stakes {
        small_blind_chips: 10,
        big_blind_chips: 20,
        ante_chips: 0,
    };
    let mut table = Table::new(&["call", "faulty_bot"], &[2000, 2000], stakes, 5);
    for hand in 0..hands {
        table.play_hand(hand, &Deal::new(5, hand, 2), &mut seats);
    }
    let bot = seats.pop().unwrap();
    (bot, asked.load(std::sync::atomic::Ordering::Relaxed))
}

#[test]
fn external_bot_stderr_is_kept_per_seat_and_stray_stdout_is_noted() {
    // Two workers and two chunks of hands: both processes of seat 1 append to one file.
    let (rows, _, dir) = run_keeping(
        &format!("call,exec:{FAULTY} chatty"),
        &["--hands", "8192", "--threads", "2"],
    );
    let files: Vec<_> = std::fs::read_dir(dir.path().join("out/bots"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(files, ["faulty_bot.seat1.stderr.log"]);
    let log = stderr_log(&dir, "faulty_bot.seat1.stderr.log");
    for line in log.lines() {
        let rest = line
            .strip_prefix("[worker 0] ")
            .or_else(|| line.strip_prefix("[worker 1] "));
        assert!(
            rest.is_some_and(|r| r.starts_with("debug: turn ") || r == "got error invalid_message"),
            "{line:?}"
        );
    }
    // Each process that played printed "hello" on stdout at its first three turns.
    let processes = log.lines().filter(|l| l.ends_with("debug: turn 1")).count() as u64;
    assert!((1..=2).contains(&processes), "{log}");
    assert_eq!(col(&rows, 1, "invalid_actions"), 3 * processes);

    // The offending lines are noted verbatim with their line numbers (a "hello", then
    // the turn's answer, ...), and a crash with its reason.
    use holdem_arena::protocol::external::Dialect;
    let (mut chatty, _) = play_against_call(
        external(&format!("{FAULTY} chatty"), Dialect::OpenPoker),
        50,
    );
    assert_eq!(
        chatty.take_fault_notes().notes(),
        [
            r#"line 1 of stdout was not JSON: "hello""#,
            r#"line 3 of stdout was not JSON: "hello""#
        ]
    );
    let (mut crash, _) =
        play_against_call(external(&format!("{FAULTY} crash"), Dialect::OpenPoker), 50);
    let notes = crash.take_fault_notes();
    assert_eq!(notes.notes().len(), 1, "{notes:?}");
    assert!(
        notes.notes()[0].starts_with("crashed: ")
            && notes.notes()[0].contains("exited with status 1"),
        "{notes:?}"
    );

    // A log is capped at 1 MiB, then says it was cut.
    let (_, _, dir) = run_keeping(&format!("call,exec:{FAULTY} noisy"), &["--hands", "50"]);
    let log = stderr_log(&dir, "faulty_bot.seat1.stderr.log");
    assert!(log.len() <= (1 << 20) + 200, "{}", log.len());
    assert!(log.len() > (1 << 20) - 1000, "{}", log.len());
    let last = log.lines().last().unwrap();
    assert!(last.contains("the rest of the stderr was cut"), "{last}");
    assert!(log.lines().rev().skip(1).all(|l| l == "n".repeat(999)));
}

#[test]
fn every_decision_is_counted_even_after_a_crash() {
    use holdem_arena::protocol::external::Dialect;
    let (mut crash, asked) =
        play_against_call(external(&format!("{FAULTY} crash"), Dialect::OpenPoker), 60);
    let faults = crash.take_faults();
    assert_eq!(faults.crashes, 1);
    assert!(asked > 10);
    assert_eq!(faults.decisions, asked);
}

#[test]
fn a_flooding_bot_is_warned_then_kicked() {
    // Every decision rejected: the 10th rejection within 5 s gets `flood_warning`, the
    // 21st `flood_kick`, and the seat is written off.
    let (rows, stderr, dir) =
        run_keeping(&format!("call,exec:{FAULTY} stale"), &["--hands", "300"]);
    assert_eq!(col(&rows, 1, "rejected_actions"), 21);
    assert_eq!(col(&rows, 1, "crashes"), 1);
    assert!(stderr.contains("flood_kick"), "{stderr}");
    let log = stderr_log(&dir, "faulty_bot.seat1.stderr.log");
    assert!(log.contains("got error flood_warning"), "{log}");
    // Claw Poker: the same thresholds, as `error` events.
    let (rows, stderr, dir) = run_keeping(
        "call,exec-claw:python3 tests/fixtures/claw_faulty_bot.py badraise",
        &["--hands", "300"],
    );
    assert_eq!(col(&rows, 1, "rejected_actions"), 21);
    assert_eq!(col(&rows, 1, "crashes"), 1);
    assert!(stderr.contains("flood_kick"), "{stderr}");
    let log = stderr_log(&dir, "claw_faulty_bot.seat1.stderr.log");
    assert!(log.contains("got error flood_warning"), "{log}");
}

#[test]
fn a_bot_that_floods_without_reading_is_kicked_in_bounded_memory() {
    // It used to grow the engine to gigabytes: every line read was answered into an
    // unbounded output buffer that the bot never read.
    let (rows, stderr) = run(&format!("call,exec:{FAULTY} flood"), &["--hands", "100"]);
    assert_eq!(col(&rows, 1, "crashes"), 1, "{stderr}");
    assert_eq!(col(&rows, 1, "rejected_actions"), 21);
    // SAFETY: getrusage fills the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    assert_eq!(
        unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) },
        0
    );
    // The largest child process of this test binary (any test's), in KiB on Linux.
    #[cfg(target_os = "linux")]
    assert!(usage.ru_maxrss < 300 * 1024, "{} KiB", usage.ru_maxrss);
}

/// Whether process `pid` is gone (or a zombie), waiting up to 5 s for it to die.
#[cfg(target_os = "linux")]
fn dies(pid: i32) -> bool {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let state = std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .ok()
            .and_then(|s| s.rsplit_once(')').map(|(_, rest)| rest.trim().to_string()));
        match state {
            None => return true,
            Some(s) if s.starts_with('Z') => return true,
            Some(_) if std::time::Instant::now() >= deadline => {
                // SAFETY: kill(2) with a pid; no memory is passed.
                unsafe { libc::kill(pid, libc::SIGKILL) }; // do not leak it
                return false;
            }
            Some(_) => std::thread::sleep(std::time::Duration::from_millis(20)),
        }
    }
}

/// The pid a fixture wrote to its stderr log as "child pid N".
fn child_pid(log: &str) -> i32 {
    log.lines()
        .find_map(|l| l.strip_prefix("child pid "))
        .unwrap_or_else(|| panic!("no child pid in {log:?}"))
        .parse()
        .unwrap()
}

#[test]
#[cfg(target_os = "linux")]
fn grandchildren_are_killed_with_their_bot() {
    let (rows, stderr, dir) =
        run_keeping(&format!("call,exec:{FAULTY} spawn"), &["--hands", "300"]);
    assert_eq!(col(&rows, 1, "crashes"), 0, "{stderr}");
    let pid = child_pid(&stderr_log(&dir, "faulty_bot.seat1.stderr.log"));
    assert!(dies(pid), "the bot's child {pid} outlived the run");
}

#[test]
#[cfg(target_os = "linux")]
fn a_bot_that_exits_while_its_child_holds_its_pipes_is_noticed_at_once() {
    // Its pipes never close (the child holds them): it used to time out on about 50
    // decisions (8 minutes at the default 10 s) and be reported as "stopped reading".
    let (rows, stderr, dir) =
        run_keeping(&format!("call,exec:{FAULTY} orphan"), &["--hands", "300"]);
    assert_eq!(col(&rows, 1, "crashes"), 1, "{stderr}");
    assert_eq!(col(&rows, 1, "timeouts"), 0, "{stderr}");
    assert!(stderr.contains("exited with status 5"), "{stderr}");
    assert!(!stderr.contains("stopped reading"), "{stderr}");
    let pid = child_pid(&stderr_log(&dir, "faulty_bot.seat1.stderr.log"));
    assert!(dies(pid), "the bot's child {pid} outlived the run");
}

#[test]
fn a_bot_that_stops_reading_is_written_off_after_five_unread_requests() {
    // It used to time out until its stdin pipe was full (about 50 decisions).
    let (rows, stderr) = run(
        &format!("call,exec:{FAULTY} hang"),
        &["--hands", "200", "--action-timeout", "0.1"],
    );
    assert_eq!(col(&rows, 1, "crashes"), 1, "{stderr}");
    assert_eq!(col(&rows, 1, "timeouts"), 5, "{stderr}");
    assert!(stderr.contains("stopped reading its input"), "{stderr}");
}

#[test]
fn an_exec_program_that_is_not_executable_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("bot.py");
    std::fs::write(&script, "#!/usr/bin/env python3\nprint('hi')\n").unwrap();
    let out = dir.path().join("out");
    let script = script.display().to_string();
    let assert = arena()
        .args(["run", "--bots", &format!("call,exec:{script}"), "--out"])
        .arg(&out)
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "{script} is not executable (chmod +x {script}, or run it through its interpreter: exec:python3 {script})"
        )),
        "{stderr}"
    );
    assert!(!out.exists());
    // The same when it is found on PATH.
    let path = format!(
        "{}:{}",
        dir.path().display(),
        std::env::var("PATH").unwrap()
    );
    let assert = arena()
        .args(["run", "--bots", "call,exec-claw:bot.py", "--out"])
        .arg(&out)
        .env("PATH", path)
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("is not executable"), "{stderr}");
    assert!(stderr.contains("exec-claw:python3 bot.py"), "{stderr}");
    assert!(!out.exists());
}

#[test]
fn a_number_argument_is_not_the_bot_name() {
    let (rows, _) = run(
        "call,exec:python3 bots/python/call_bot.py 0.55",
        &["--hands", "20"],
    );
    assert_eq!(rows[1]["bot"], "call_bot");
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
