//! `holdem-arena serve`: WebSocket bots started by hand (the Python bots of
//! `bots/python/`, `websockets` from the registry in a venv) join the lobby, are
//! seated with house bots and play; the result files are written per bot name; a
//! full table answers `lobby_full`; Ctrl-C mid-run finishes the hand and writes whole
//! files (exit 0), a second Ctrl-C exits at once leaving no file.

mod common;
use common::*;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The venv's python3 with `websockets` (see [`websockets_python`]).
fn python() -> &'static Path {
    static PYTHON: OnceLock<std::path::PathBuf> = OnceLock::new();
    PYTHON.get_or_init(|| websockets_python("ws-serve-venv"))
}

/// A started `serve` and the URL base it printed (`ws://127.0.0.1:PORT`).
struct Served {
    child: Child,
    base: String,
    stderr: BufReader<std::process::ChildStderr>,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(args: &[&str]) -> Served {
    let mut child = Command::new(env!("CARGO_BIN_EXE_holdem-arena"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    let base = line
        .split_once("at ")
        .and_then(|(_, r)| r.split_once("/ws"))
        .map(|(b, _)| b.to_string())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    assert!(base.starts_with("ws://127.0.0.1:"), "{line}");
    Served {
        child,
        base,
        stderr,
    }
}

/// Starts `script` (a path and its arguments) as the Open Poker agent `key`.
fn bot(served: &Served, script: &str, key: &str) -> Child {
    Command::new(python())
        .args(script.split_whitespace())
        .env("OPENPOKER_WS_URL", format!("{}/ws", served.base))
        .env("OPENPOKER_API_KEY", key)
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Lets a bot exit by itself within `grace` (its server is gone), else kills it;
/// reaps it either way.
fn reap(bot: &mut Child, grace: Duration) {
    if exit_within(bot, grace).is_none() {
        let _ = bot.kill();
        let _ = bot.wait();
    }
}

/// Waits up to `limit` for the child to exit; its exit code.
fn exit_within(child: &mut Child, limit: Duration) -> Option<i32> {
    let until = Instant::now() + limit;
    while Instant::now() < until {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code();
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}

/// Waits up to `limit` for `serve` to exit, asserts it exited 0, and returns its
/// stderr.
fn finished(served: &mut Served, limit: Duration) -> String {
    let code = exit_within(&mut served.child, limit);
    let mut log = String::new();
    while served.stderr.read_line(&mut log).unwrap_or(0) > 0 {}
    assert_eq!(code, Some(0), "{log}");
    log
}

/// Asserts that a `bots.csv` row counts no fault.
fn assert_no_faults(row: &std::collections::HashMap<String, String>, why: &str) {
    for c in ["timeouts", "invalid_actions", "rejected_actions", "crashes"] {
        assert_eq!(row[c], "0", "{} {c}: {why}", row["bot"]);
    }
}

fn rows(out: &Path) -> Vec<std::collections::HashMap<String, String>> {
    csv::Reader::from_path(out.join("bots.csv"))
        .unwrap()
        .deserialize()
        .map(|r| r.unwrap())
        .collect()
}

#[test]
fn two_hand_started_bots_and_two_house_bots_play_and_the_files_are_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let out_s = out.to_str().unwrap();
    let mut served = serve(&[
        "--seats",
        "4",
        "--house-bots",
        "tag,call",
        "--hands",
        "2000",
        "--seed",
        "3",
        "--action-timeout",
        "10",
        "--out",
        out_s,
    ]);
    let mut alice = bot(&served, "bots/python/ws_call_bot.py", "alice");
    let mut bob = bot(&served, "bots/python/ws_strategy_bot.py", "bob");
    let log = finished(&mut served, Duration::from_secs(180));
    for line in [
        "alice joined the lobby",
        "bob joined the lobby",
        "table full",
    ] {
        assert!(log.contains(line), "{line}: {log}");
    }
    // The bots see the server close and exit by themselves.
    assert_eq!(exit_within(&mut alice, Duration::from_secs(20)), Some(0));
    assert_eq!(exit_within(&mut bob, Duration::from_secs(20)), Some(0));
    let rows = rows(&out);
    let names: Vec<&str> = rows.iter().map(|r| r["bot"].as_str()).collect();
    for name in ["alice", "bob", "tag", "call"] {
        assert!(names.contains(&name), "{names:?}");
    }
    for r in &rows {
        assert_eq!(r["hands"], "2000", "{r:?}");
        assert_no_faults(r, "");
    }
    let net: i64 = rows
        .iter()
        .map(|r| r["net_chips"].parse::<i64>().unwrap())
        .sum();
    assert_eq!(net, 0, "chips are conserved");
    for f in ["seats.csv", "blocks.csv", "run.json"] {
        assert!(out.join(f).is_file(), "{f}");
    }
}

/// The file names left in `out` (none when it does not exist).
fn files_in(out: &Path) -> Vec<String> {
    std::fs::read_dir(out)
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn ctrl_c_mid_run_finishes_the_hand_writes_whole_files_and_exits_0_and_a_full_table_answers_lobby_full()
 {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut served = serve(&[
        "--seats",
        "2",
        "--hands",
        "100000000",
        "--seed",
        "3",
        "--out",
        out.to_str().unwrap(),
    ]);
    let mut alice = bot(&served, "bots/python/ws_call_bot.py", "alice");
    let mut bob = bot(&served, "bots/python/ws_call_bot.py", "bob");
    let mut log = String::new();
    while !log.contains("table full") {
        assert!(served.stderr.read_line(&mut log).unwrap() > 0, "{log}");
    }
    // A third bot finds the table full.
    let late = Command::new(python())
        .args(["-c", &format!(
            "import asyncio, json, websockets\nasync def m():\n  async with websockets.connect('{}/ws', additional_headers={{'Authorization': 'Bearer carol'}}) as ws:\n    print(json.loads(await ws.recv())['code'])\nasyncio.run(m())",
            served.base
        )])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&late.stdout).trim(), "lobby_full");
    std::thread::sleep(Duration::from_millis(500));
    // SAFETY: kill(2) on our own child's pid.
    unsafe { libc::kill(served.child.id() as i32, libc::SIGINT) };
    // For a server Ctrl-C is the normal stop: exit 0 once the hand in play is over.
    let code = exit_within(&mut served.child, Duration::from_secs(30));
    let mut stdout = String::new();
    std::io::Read::read_to_string(served.child.stdout.as_mut().unwrap(), &mut stdout).unwrap();
    assert_eq!(code, Some(0), "{stdout}");
    assert!(
        stdout.contains("stopped by SIGINT after the hand in play: "),
        "{stdout}"
    );
    reap(&mut alice, Duration::from_secs(20));
    reap(&mut bob, Duration::from_secs(20));
    let left = files_in(&out);
    assert!(!left.iter().any(|n| n.contains(".tmp")), "{left:?}");
    // Whole files over the hands played: every hand in bots.csv, run.json and
    // blocks.csv alike, and no chip made or lost.
    let rows = rows(&out);
    assert_eq!(rows.len(), 2, "{rows:?}");
    let hands: u64 = rows[0]["hands"].parse().unwrap();
    assert!(hands > 0 && hands < 100_000_000, "{rows:?}");
    assert_eq!(rows[1]["hands"], rows[0]["hands"]);
    let net: i64 = rows
        .iter()
        .map(|r| r["net_chips"].parse::<i64>().unwrap())
        .sum();
    assert_eq!(net, 0);
    let run: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(run["hands_played"], hands);
    let block_hands: u64 = csv::Reader::from_path(out.join("blocks.csv"))
        .unwrap()
        .deserialize::<std::collections::HashMap<String, String>>()
        .map(|r| r.unwrap())
        .filter(|r| r["bot"] == "alice")
        .map(|r| r["seat_hands"].parse::<u64>().unwrap())
        .sum();
    assert_eq!(block_hands, hands);
}

#[test]
fn a_second_ctrl_c_stops_at_once_and_leaves_no_result_file() {
    // The bot joins and never answers: the hand in play waits for its 120 s
    // timeout, so only the second signal ends the server, with no result file.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut served = serve(&[
        "--seats",
        "2",
        "--house-bots",
        "call",
        "--hands",
        "1000",
        "--out",
        out.to_str().unwrap(),
    ]);
    let mut silent = Command::new(python())
        .args(["-c", &format!(
            "import asyncio, json, websockets\nasync def m():\n  async with websockets.connect('{}/ws', additional_headers={{'Authorization': 'Bearer quiet'}}) as ws:\n    await ws.send(json.dumps({{'type': 'join_lobby'}}))\n    while True:\n      await ws.recv()\nasyncio.run(m())",
            served.base
        )])
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut log = String::new();
    while !log.contains("table full") {
        assert!(served.stderr.read_line(&mut log).unwrap() > 0, "{log}");
    }
    std::thread::sleep(Duration::from_millis(500));
    let pid = served.child.id() as i32;
    // SAFETY: kill(2) on our own child's pid.
    unsafe { libc::kill(pid, libc::SIGINT) };
    assert_eq!(exit_within(&mut served.child, Duration::from_secs(2)), None);
    // SAFETY: as above.
    unsafe { libc::kill(pid, libc::SIGINT) };
    assert_eq!(
        exit_within(&mut served.child, Duration::from_secs(10)),
        Some(130)
    );
    reap(&mut silent, Duration::from_secs(5));
    let left = files_in(&out);
    assert!(
        !left
            .iter()
            .any(|n| n.ends_with(".csv") || n.ends_with(".json") || n.contains(".tmp")),
        "{left:?}"
    );
}

#[test]
fn bad_serve_input_exits_2_with_one_line() {
    for (args, needle) in [
        (vec!["--seats", "1"], "--seats 1"),
        (vec!["--seats", "11"], "--seats 11"),
        (
            vec!["--house-bots", "nobody"],
            "\"nobody\" is not a built-in bot",
        ),
        (
            vec!["--seats", "2", "--house-bots", "tag,call"],
            "leave at least one",
        ),
        (vec!["--listen", "999.0.0.1:1"], "--listen 999.0.0.1:1"),
    ] {
        let mut all = vec!["serve"];
        all.extend(args);
        let (code, _, stderr) = arena_output(&all);
        assert_eq!(code, 2, "{all:?}: {stderr}");
        assert!(stderr.contains(needle), "{all:?}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    }
}

#[test]
fn a_bot_that_misses_three_hands_in_a_row_is_marked_away_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut served = serve(&[
        "--seats",
        "2",
        "--hands",
        "30",
        "--seed",
        "3",
        "--action-timeout",
        "0.3",
        "--allow-bot-faults",
        "--out",
        out.to_str().unwrap(),
    ]);
    let mut alice = bot(&served, "bots/python/ws_call_bot.py", "alice");
    let mut silent = bot(&served, "tests/fixtures/ws_probe.py silent", "silent");
    let log = finished(&mut served, Duration::from_secs(120));
    assert!(log.contains("marked away"), "{log}");
    let rows = rows(&out);
    let silent_row = rows.iter().find(|r| r["bot"] == "silent").unwrap();
    assert_eq!(silent_row["crashes"], "1");
    // Three whole hands missed, then it is gone. Heads-up a missed hand asks 1 to 4
    // times: a timed-out small blind folds at once, a timed-out big blind facing a
    // calling station checks on every street. Which one it is depends on who connected
    // first (the seat order), so the bound is 3 hands × 1..=4 decisions.
    let timeouts: u64 = silent_row["timeouts"].parse().unwrap();
    assert!((3..=12).contains(&timeouts), "{timeouts}");
    reap(&mut alice, Duration::from_secs(5));
    reap(&mut silent, Duration::from_secs(5));
}

#[test]
fn each_bot_sits_with_its_join_lobby_buy_in_out_of_range_is_2000_and_is_told_of_the_others() {
    // Open Poker, "join_lobby": "Range: 1,000–5,000 chips. Default: 2,000 if omitted
    // or out of range". The house bot sits with --stack.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut served = serve(&[
        "--seats",
        "4",
        "--house-bots",
        "call",
        "--stack",
        "1200",
        "--hands",
        "50",
        "--seed",
        "4",
        "--out",
        out.to_str().unwrap(),
    ]);
    let mut log = String::new();
    let mut bots = Vec::new();
    for (key, buy_in) in [("alice", "3500"), ("bob", "9000"), ("carol", "none")] {
        let mut child = Command::new(python())
            .args(["tests/fixtures/ws_buy_in_bot.py", buy_in])
            .env("OPENPOKER_WS_URL", format!("{}/ws", served.base))
            .env("OPENPOKER_API_KEY", key)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Seats go in the order of arrival: wait for each before the next.
        while !log.contains(&format!("{key} joined the lobby")) {
            assert!(served.stderr.read_line(&mut log).unwrap() > 0, "{log}");
        }
        bots.push((child.stdout.take().unwrap(), child));
    }
    assert_eq!(
        exit_within(&mut served.child, Duration::from_secs(60)),
        Some(0)
    );
    let mut seen = Vec::new();
    let mut alice_saw = Vec::new();
    for (k, (stdout, mut child)) in bots.into_iter().enumerate() {
        reap(&mut child, Duration::from_secs(10));
        let lines: Vec<String> = BufReader::new(stdout).lines().map(Result::unwrap).collect();
        seen.push(lines[0].clone());
        if k == 0 {
            alice_saw = lines[1..].to_vec();
        }
    }
    assert_eq!(seen, ["stack 3500.0", "stack 2000.0", "stack 2000.0"]);
    // Each is told of the others once, as they sit down.
    assert_eq!(
        alice_saw,
        [
            "player_joined 1 bob 2000.0",
            "player_joined 2 carol 2000.0",
            "player_joined 3 call 1200.0",
        ]
    );
    let run: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(
        run["seat_stacks_chips"],
        serde_json::json!([3500, 2000, 2000, 1200])
    );
}

/// One HTTP request to the server at `base` (`ws://127.0.0.1:PORT`): its status and
/// JSON body.
fn http(base: &str, method: &str, path: &str, body: &str) -> (u16, serde_json::Value) {
    use std::io::{Read, Write};
    let address = base.trim_start_matches("ws://");
    let mut s = std::net::TcpStream::connect(address).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    let (head, json) = text.split_once("\r\n\r\n").unwrap();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, serde_json::from_str(json).unwrap())
}

#[test]
fn a_claw_bot_registers_over_rest_and_plays_under_its_name() {
    // clawpoker-api.txt, "REST API": register returns credentials /ws/agent takes;
    // agents and tables list it; errors and the rate limit as documented.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut served = serve(&[
        "--seats",
        "2",
        "--house-bots",
        "call",
        "--hands",
        "100000000",
        "--seed",
        "6",
        "--out",
        out.to_str().unwrap(),
    ]);
    let base = served.base.clone();
    assert_eq!(
        http(&base, "GET", "/api/v1/tables", "").1,
        serde_json::json!([])
    );
    let (code, reg) = http(
        &base,
        "POST",
        "/api/v1/register",
        r#"{"agent_name": "My Lobster", "personality": "calm"}"#,
    );
    assert_eq!(code, 201, "{reg}");
    let (id, secret) = (
        reg["agent_id"].as_str().unwrap(),
        reg["secret"].as_str().unwrap(),
    );
    assert!(id.starts_with("agent_") && !secret.is_empty(), "{reg}");
    assert_eq!(reg["initial_chips"], 2000);
    assert_eq!(
        http(
            &base,
            "POST",
            "/api/v1/register",
            r#"{"agent_name": "My Lobster"}"#
        )
        .0,
        409
    );
    assert_eq!(
        http(&base, "POST", "/api/v1/register", r#"{"personality": "x"}"#).0,
        400
    );
    assert_eq!(http(&base, "POST", "/api/v1/register", "not json").0, 400);
    assert_eq!(http(&base, "GET", "/api/v1/nothing", "").0, 404);
    assert_eq!(
        http(&base, "GET", "/api/v1/tables/offline/events", "").1,
        serde_json::json!({"table_id": "offline", "events": [], "next_since": 0})
    );
    assert_eq!(http(&base, "GET", "/api/v1/tables/nope/events", "").0, 404);
    assert_eq!(
        http(&base, "GET", "/api/v1/tables/offline/events?since=x", "").0,
        400
    );
    // No Bearer key: the season endpoints refuse it as the WebSocket does.
    let (code, body) = http(&base, "GET", "/api/season/me", "");
    assert_eq!(
        (code, &body["error"]),
        (401, &serde_json::json!("auth_failed"))
    );
    assert_eq!(http(&base, "POST", "/api/season/rebuy", "").0, 401);
    let (_, agents) = http(&base, "GET", "/api/v1/agents", "");
    assert_eq!(agents[0]["connected"], false, "{agents}");
    let mut bot = Command::new(python())
        .arg("bots/python/ws_claw_call_bot.py")
        .env("CLAW_WS_URL", format!("{base}/ws/agent"))
        .env("CLAW_AGENT_ID", id)
        .env("CLAW_SECRET", secret)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut log = String::new();
    while !log.contains("table full") {
        assert!(served.stderr.read_line(&mut log).unwrap() > 0, "{log}");
    }
    assert!(
        log.contains("My_Lobster joined the lobby (Claw Poker"),
        "{log}"
    );
    let (_, agents) = http(&base, "GET", "/api/v1/agents", "");
    assert_eq!(agents[0]["connected"], true, "{agents}");
    assert_eq!(agents[0]["personality"], "calm");
    let (_, tables) = http(&base, "GET", "/api/v1/tables", "");
    assert_eq!(tables[0]["seats"][0]["agent_id"], id, "{tables}");
    assert_eq!(tables[0]["seats"][0]["agent_name"], "My_Lobster");
    assert_eq!(tables[0]["seats"][1]["agent_name"], "call");
    // The registered id with another secret is refused.
    let wrong = Command::new(python())
        .args(["-c", &format!(
            "import asyncio, json, websockets\nasync def m():\n  async with websockets.connect('{base}/ws/agent') as ws:\n    await ws.send(json.dumps({{'type': 'auth', 'agent_id': '{id}', 'secret': 'nope'}}))\n    print(json.loads(await ws.recv())['data']['code'])\nasyncio.run(m())"
        )])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&wrong.stdout).trim(), "auth_failed");
    // 30 requests a minute, then 429: 14 were made above.
    let codes: Vec<u16> = (0..25)
        .map(|_| http(&base, "GET", "/api/v1/agents", "").0)
        .collect();
    assert_eq!(codes[..16], [200; 16], "{codes:?}");
    assert_eq!(codes[16..], [429; 9], "{codes:?}");
    // SAFETY: kill(2) on our own child's pid.
    unsafe { libc::kill(served.child.id() as i32, libc::SIGINT) };
    assert_eq!(
        exit_within(&mut served.child, Duration::from_secs(30)),
        Some(0)
    );
    reap(&mut bot, Duration::from_secs(10));
    let names: Vec<String> = rows(&out).iter().map(|r| r["bot"].clone()).collect();
    assert!(names.contains(&"My_Lobster".to_string()), "{names:?}");
}

/// Starts `tests/fixtures/ws_probe.py MODE` as the Open Poker agent `key`, its stderr
/// (the PROBE lines) in `dir/KEY.log`; the child and the log's path.
fn probe(served: &Served, mode: &str, key: &str, dir: &Path) -> (Child, std::path::PathBuf) {
    let log = dir.join(format!("{key}.log"));
    let child = Command::new(python())
        .args(["tests/fixtures/ws_probe.py", mode])
        .env("OPENPOKER_WS_URL", format!("{}/ws", served.base))
        .env("OPENPOKER_API_KEY", key)
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    (child, log)
}

/// The events the spectator fixture wrote to `path`, one JSON object a line.
fn events_in(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Starts the spectator fixture on `url`, writing its events to `path`; its first
/// line ("ready" or "refused STATUS") and the child.
fn observer(url: &str, path: &Path) -> (String, Child) {
    let mut child = Command::new(python())
        .args(["tests/fixtures/ws_observer.py", url, path.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    (line.trim().to_string(), child)
}

#[test]
fn an_observer_sees_the_public_events_only_numbered_and_events_since_replays_them() {
    // clawpoker-api.txt, "WS /ws/observe" and "Event Types": PUBLIC events only, each
    // with the extra table_id; GET /api/v1/tables/{table_id}/events?since=N.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut served = serve(&[
        "--seats",
        "2",
        "--house-bots",
        "call",
        "--hands",
        "100000000",
        "--seed",
        "8",
        "--out",
        out.to_str().unwrap(),
    ]);
    let base = served.base.clone();
    let (refused, _) = observer(
        &format!("{base}/ws/observe?table_id=nope"),
        &dir.path().join("x"),
    );
    assert_eq!(refused, "refused 404");
    let seen = dir.path().join("seen.jsonl");
    let (ready, mut watcher) = observer(&format!("{base}/ws/observe?table_id=offline"), &seen);
    assert_eq!(ready, "ready");
    // 16 spectators at most: with the watcher and 15 more, the next one gets 503.
    let crowd = Command::new(python())
        .args(["-c", &format!(
            "import asyncio, websockets\nasync def m():\n  held = [await websockets.connect('{base}/ws/observe') for _ in range(15)]\n  try:\n    await websockets.connect('{base}/ws/observe')\n    print('accepted')\n  except websockets.InvalidStatus as e:\n    print('refused', e.response.status_code)\n  for ws in held:\n    await ws.close()\nasyncio.run(m())"
        )])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&crowd.stdout).trim(), "refused 503");
    // Regression: while no event flowed (before the table forms) nobody read the
    // spectators' sockets, so their keepalive pings went unanswered and the client
    // closed them (websockets: after 20 s), and their close waited for its reply.
    let idle = Command::new(python())
        .args(["-c", &format!(
            "import asyncio, websockets\nasync def m():\n  async with websockets.connect('{base}/ws/observe', ping_interval=0.3, ping_timeout=1.5, close_timeout=2) as ws:\n    await asyncio.sleep(3)\n    await asyncio.wait_for(await ws.ping(), 2)\n    print('alive')\nasyncio.run(m())"
        )])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&idle.stdout).trim(),
        "alive",
        "{}",
        String::from_utf8_lossy(&idle.stderr)
    );
    let mut alice = bot(&served, "bots/python/ws_call_bot.py", "alice");
    let until = Instant::now() + Duration::from_secs(60);
    while std::fs::read_to_string(&seen).map_or(0, |t| t.lines().count()) < 2_000 {
        assert!(Instant::now() < until, "the observer saw too little");
        std::thread::sleep(Duration::from_millis(100));
    }
    let (code, replay) = http(&base, "GET", "/api/v1/tables/offline/events?since=1000", "");
    assert_eq!(code, 200, "{replay}");
    let (_, ahead) = http(
        &base,
        "GET",
        "/api/v1/tables/offline/events?since=999999999999",
        "",
    );
    assert_eq!(ahead["events"], serde_json::json!([]));
    assert_eq!(ahead["next_since"], 999_999_999_999u64);
    // SAFETY: kill(2) on our own child's pid.
    unsafe { libc::kill(served.child.id() as i32, libc::SIGINT) };
    assert_eq!(
        exit_within(&mut served.child, Duration::from_secs(30)),
        Some(0)
    );
    assert_eq!(exit_within(&mut watcher, Duration::from_secs(20)), Some(0));
    reap(&mut alice, Duration::from_secs(10));

    let events = events_in(&seen);
    let public = [
        "hand.started",
        "action.committed",
        "board.revealed",
        "showdown",
        "pot.awarded",
        "hand.finished",
    ];
    let mut hands = 0;
    for (i, e) in events.iter().enumerate() {
        assert_eq!(e["seq"], i as u64, "gap-free from the first hand: {e}");
        assert_eq!(e["table_id"], "offline", "{e}");
        let kind = e["type"].as_str().unwrap();
        assert!(
            public.contains(&kind),
            "a private event reached a spectator: {e}"
        );
        let data = &e["data"];
        match kind {
            "hand.started" => {
                hands += 1;
                assert!(data.get("seat").is_none(), "a spectator has no seat: {e}");
                let chips: u64 = data["seats"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| s["chips"].as_u64().unwrap() + s["bet"].as_u64().unwrap())
                    .sum();
                assert_eq!(
                    chips, 4_000,
                    "stacks as the hand starts, blinds posted: {e}"
                );
            }
            "hand.finished" => {
                let chips: u64 = data["stacks"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| s["chips"].as_u64().unwrap())
                    .sum();
                assert_eq!(chips, 4_000, "chips are conserved: {e}");
            }
            _ => {}
        }
    }
    assert_eq!(events[0]["type"], "hand.started");
    assert!(hands >= 100, "{hands} hands");
    // The replay is the stream, from seq 1000 (or the oldest event kept).
    let replay = replay["events"].as_array().unwrap();
    assert!(!replay.is_empty());
    let first = replay[0]["seq"].as_u64().unwrap();
    assert!(first >= 1000);
    for (k, e) in replay.iter().enumerate() {
        assert_eq!(e, &events[first as usize + k]);
    }
    let rows = rows(&out);
    let played: u64 = rows[0]["hands"].parse().unwrap();
    let finished = events
        .iter()
        .filter(|e| e["type"] == "hand.finished")
        .count();
    assert_eq!(finished as u64, played, "one hand.finished per hand played");
}

#[test]
fn hand_started_seats_are_the_stacks_as_the_hand_starts_not_the_table_joined_ones() {
    // Regression: Claw's hand.started listed the stacks of table_joined, stale once
    // serve carries stacks from hand to hand. The agent's session and the spectator
    // stream share the encoding (claw::public_messages); the stream is checked here.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut served = serve(&[
        "--seats",
        "2",
        "--house-bots",
        "call",
        "--hands",
        "300",
        "--session",
        "100",
        "--seed",
        "9",
        "--out",
        out.to_str().unwrap(),
    ]);
    let seen = dir.path().join("seen.jsonl");
    let (ready, mut watcher) = observer(&format!("{}/ws/observe", served.base), &seen);
    assert_eq!(ready, "ready");
    let mut alice = bot(&served, "bots/python/ws_call_bot.py", "alice");
    assert_eq!(
        exit_within(&mut served.child, Duration::from_secs(60)),
        Some(0)
    );
    assert_eq!(exit_within(&mut watcher, Duration::from_secs(20)), Some(0));
    reap(&mut alice, Duration::from_secs(10));
    let events = events_in(&seen);
    let mut last_final: Option<Vec<u64>> = None;
    let (mut carried, mut moved) = (0, 0);
    for e in &events {
        let data = &e["data"];
        match e["type"].as_str().unwrap() {
            "hand.started" => {
                let start: Vec<u64> = data["seats"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| s["chips"].as_u64().unwrap() + s["bet"].as_u64().unwrap())
                    .collect();
                let hand: u64 = data["hand_id"].as_str().unwrap().parse().unwrap();
                let big_blind = data["big_blind"].as_u64().unwrap();
                if let Some(last) = last_final.take()
                    && !hand.is_multiple_of(100)
                    && last.iter().all(|&c| c >= big_blind)
                {
                    assert_eq!(start, last, "hand {hand} starts where the last ended");
                    carried += 1;
                    moved += usize::from(start != [2_000, 2_000]);
                }
            }
            "hand.finished" => {
                last_final = Some(
                    data["stacks"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|s| s["chips"].as_u64().unwrap())
                        .collect(),
                );
            }
            _ => {}
        }
    }
    assert!(carried >= 250, "{carried} hands carried their stacks");
    assert!(moved >= 200, "{moved} hands started away from the buy-in");
}

#[test]
fn leave_table_folds_the_hand_closes_the_connection_and_the_others_get_player_left() {
    // openpoker-websocket-protocol.txt: leave_table "Any time while seated";
    // player_left "On leave, disconnect timeout, or kick"; "Connection closes on
    // disconnect, leave_table, or server shutdown".
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut served = serve(&[
        "--seats",
        "3",
        "--house-bots",
        "call",
        "--hands",
        "150",
        "--seed",
        "4",
        "--out",
        out.to_str().unwrap(),
    ]);
    let (mut leaver, leaver_log) = probe(&served, "leave", "leaver", dir.path());
    let (mut stayer, stayer_log) = probe(&served, "plain", "stayer", dir.path());
    let log = finished(&mut served, Duration::from_secs(120));
    assert_eq!(exit_within(&mut leaver, Duration::from_secs(20)), Some(0));
    reap(&mut stayer, Duration::from_secs(20));
    let leaver_said = std::fs::read_to_string(leaver_log).unwrap();
    assert!(leaver_said.contains("PROBE closed"), "{leaver_said}");
    let stayer_said = std::fs::read_to_string(stayer_log).unwrap();
    let left: Vec<&str> = stayer_said
        .lines()
        .filter(|l| l.starts_with("PROBE player_left"))
        .collect();
    assert_eq!(left.len(), 1, "told once: {stayer_said}");
    assert!(left[0].ends_with(" leaver left"), "{}", left[0]);
    let rows = rows(&out);
    let row = |name: &str| rows.iter().find(|r| r["bot"] == name).unwrap().clone();
    let gone = row("leaver");
    let hands: u64 = gone["hands"].parse().unwrap();
    assert!((1..=5).contains(&hands), "it played until it left: {hands}");
    assert_no_faults(&gone, &log);
    assert_eq!(row("stayer")["hands"], "150");
    assert_eq!(row("call")["hands"], "150");
    let net: i64 = rows
        .iter()
        .map(|r| r["net_chips"].parse::<i64>().unwrap())
        .sum();
    assert_eq!(net, 0, "chips are conserved");
}

#[test]
fn a_bot_waiting_in_the_lobby_keeps_its_connection_and_gets_already_in_lobby() {
    // Regression: nobody read a lobby bot's socket until the table formed, so its
    // keepalive pings went unanswered and its own client dropped the connection
    // (websockets: after 20 s; this probe: 1.5 s), which then cost it faults at the
    // table. openpoker-websocket-protocol.txt: already_in_lobby, "Already in the
    // matchmaking queue".
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut served = serve(&[
        "--seats",
        "3",
        "--house-bots",
        "call",
        "--hands",
        "100",
        "--seed",
        "4",
        "--out",
        out.to_str().unwrap(),
    ]);
    let (mut waiter, log_path) = probe(&served, "lobbywait", "waiter", dir.path());
    std::thread::sleep(Duration::from_secs(4)); // over two keepalive timeouts
    let mut late = bot(&served, "bots/python/ws_call_bot.py", "late");
    let log = finished(&mut served, Duration::from_secs(60));
    assert_eq!(exit_within(&mut waiter, Duration::from_secs(20)), Some(0));
    reap(&mut late, Duration::from_secs(20));
    assert!(
        !log.contains("reconnected") && !log.contains("left the lobby"),
        "{log}"
    );
    let said = std::fs::read_to_string(log_path).unwrap();
    let count = |what: &str| {
        said.lines()
            .filter(|l| *l == format!("PROBE {what}"))
            .count()
    };
    assert_eq!(
        count("connected"),
        1,
        "one connection, no reconnect: {said}"
    );
    assert_eq!(count("error already_in_lobby"), 1, "{said}");
    let rows = rows(&out);
    let row = rows.iter().find(|r| r["bot"] == "waiter").unwrap();
    assert_eq!(row["hands"], "100");
    assert_no_faults(row, &log);
}

#[test]
fn a_seated_bot_keeps_its_connection_while_the_table_waits_on_another_bot() {
    // Regression: a seated bot's socket was read only around its own decisions, so
    // while the table waited on another bot (up to 120 s in serve) its keepalive
    // pings went unanswered and its own client dropped the connection (websockets:
    // after 20 s; this probe: 1.5 s, while the other bot thinks 2.5 s, twice).
    // Regression too: its action_ack and the events waited for its next turn (a bot
    // that waits for its ack timed out); now they come within the keeper's 0.5 s.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut served = serve(&[
        "--seats",
        "2",
        "--hands",
        "30",
        "--seed",
        "6",
        "--out",
        out.to_str().unwrap(),
    ]);
    let (mut kept, log_path) = probe(&served, "keepalive", "kept", dir.path());
    let (mut sleepy, _) = probe(&served, "sleepy", "sleepy", dir.path());
    let log = finished(&mut served, Duration::from_secs(60));
    assert_eq!(exit_within(&mut kept, Duration::from_secs(20)), Some(0));
    reap(&mut sleepy, Duration::from_secs(20));
    let said = std::fs::read_to_string(log_path).unwrap();
    assert!(!said.contains("PROBE connection lost"), "{said}");
    let ack_wait: f64 = said
        .lines()
        .find_map(|l| l.strip_prefix("PROBE ack_wait_max "))
        .unwrap_or_else(|| panic!("{said}"))
        .parse()
        .unwrap();
    assert!(ack_wait < 1.5, "an action_ack took {ack_wait} s: {said}");
    assert_eq!(
        said.lines().filter(|l| *l == "PROBE connected").count(),
        1,
        "one connection, no reconnect: {said}"
    );
    assert!(!log.contains("reconnected"), "{log}");
    let rows = rows(&out);
    for name in ["kept", "sleepy"] {
        let row = rows.iter().find(|r| r["bot"] == name).unwrap();
        assert_eq!(row["hands"], "30", "{name}");
        assert_no_faults(row, &log);
    }
}

#[test]
fn set_auto_rebuy_off_keeps_a_busted_bot_out_until_it_sends_rebuy() {
    // openpoker-auto-rebuy.txt: `set_auto_rebuy` is confirmed by `auto_rebuy_set`;
    // with it off a busted bot is out ("busted ... options rebuy, leave") until it
    // sends `rebuy`, which `rebuy_confirmed` answers; switched off while a rebuy
    // waits out its cooldown, "it is cancelled and a normal busted message is sent
    // instead". The table's --rebuy is auto: before, every probe was bought in again
    // whatever it asked. One session, so that no session's end cuts a rebuy short.
    // POST /api/season/rebuy does what `rebuy` does, and
    // GET /api/season/me shows the bust (both answered 501 before).
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut served = serve(&[
        "--seats",
        "6",
        "--house-bots",
        "call,call",
        "--hands",
        "400",
        "--session",
        "400",
        "--rebuy-cooldown",
        "20",
        "--seed",
        "8",
        "--out",
        out.to_str().unwrap(),
    ]);
    let (mut rebuyer, rebuyer_log) = probe(&served, "rebuyer", "rebuyer", dir.path());
    let (mut stayout, stayout_log) = probe(&served, "stayout", "stayout", dir.path());
    let (mut cancel, cancel_log) = probe(&served, "cancel", "cancel", dir.path());
    let (mut by_rest, rest_log) = probe(&served, "restrebuy", "by_rest", dir.path());
    let log = finished(&mut served, Duration::from_secs(120));
    reap(&mut rebuyer, Duration::from_secs(20));
    reap(&mut stayout, Duration::from_secs(20));
    reap(&mut cancel, Duration::from_secs(20));
    reap(&mut by_rest, Duration::from_secs(20));
    let count = |said: &str, what: &str| {
        said.lines()
            .filter(|l| *l == format!("PROBE {what}"))
            .count()
    };
    let rows = rows(&out);
    let row = |name: &str| rows.iter().find(|r| r["bot"] == name).unwrap().clone();
    let n =
        |r: &std::collections::HashMap<String, String>, c: &str| -> u64 { r[c].parse().unwrap() };
    let said = std::fs::read_to_string(&stayout_log).unwrap();
    assert_eq!(count(&said, "auto_rebuy_set False"), 1, "{said}");
    let out_row = row("stayout");
    assert!(n(&out_row, "busts") >= 1, "{out_row:?}");
    assert_eq!(n(&out_row, "rebuys"), 0, "{out_row:?} {said}");
    assert_eq!(count(&said, "rebuy_confirmed"), 0, "{said}");
    assert!(n(&out_row, "hands_sat_out") > 0, "{out_row:?}");
    let said = std::fs::read_to_string(&rebuyer_log).unwrap();
    assert_eq!(count(&said, "auto_rebuy_set False"), 1, "{said}");
    let in_row = row("rebuyer");
    let (busts, rebuys) = (n(&in_row, "busts"), n(&in_row, "rebuys"));
    assert!(rebuys >= 1, "{in_row:?} {said}");
    assert_eq!(count(&said, "busted") as u64, busts, "{said}");
    assert_eq!(count(&said, "rebuy_confirmed") as u64, rebuys, "{said}");
    // Its rebuys after the first wait out the cooldown, but were never automatic.
    assert_eq!(count(&said, "auto_rebuy_scheduled"), 0, "{said}");
    // A bust as the run ends is not bought back.
    assert!(busts - rebuys <= 2, "{in_row:?}");
    let said = std::fs::read_to_string(&cancel_log).unwrap();
    let cancel_row = row("cancel");
    assert_eq!(count(&said, "auto_rebuy_scheduled"), 1, "{said}");
    assert_eq!(count(&said, "auto_rebuy_set False"), 1, "{said}");
    let (busts, rebuys) = (n(&cancel_row, "busts"), n(&cancel_row, "rebuys"));
    assert_eq!(
        count(&said, "busted") as u64,
        busts + 1,
        "one more busted for the cancelled rebuy: {said}"
    );
    assert!(rebuys >= 2, "{cancel_row:?}");
    assert_eq!(count(&said, "rebuy_confirmed") as u64, rebuys, "{said}");
    let said = std::fs::read_to_string(&rest_log).unwrap();
    let rest_row = row("by_rest");
    let (busts, rebuys) = (n(&rest_row, "busts"), n(&rest_row, "rebuys"));
    // Its first bust is asked over REST; the last may come as the run ends, before
    // its REST calls are answered.
    assert!(busts >= 1, "{rest_row:?}");
    assert!(count(&said, "me True 0.0 False True") >= 1, "{said}");
    assert!(count(&said, "badkey 401") >= 1, "{said}");
    assert!(count(&said, "rest rebuy 200") >= 1, "{said}");
    assert!(
        !said.contains("PROBE me False"),
        "a busted bot's /me says busted: {said}"
    );
    assert_eq!(count(&said, "rebuy_confirmed") as u64, rebuys, "{said}");
    assert!(busts - rebuys <= 2, "{rest_row:?}");
    for r in [&in_row, &out_row, &cancel_row, &rest_row] {
        assert_no_faults(r, &log);
    }
}
