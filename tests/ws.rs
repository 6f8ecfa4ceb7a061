//! `ws:` and `ws-claw:` seats: real WebSocket bots (Python, the `websockets` package,
//! installed from the registry into a virtual environment) connect to the embedded
//! server and play exactly as the in-process bots; every connection fault the
//! protocol documents is reproduced by a scripted client and the server's exact
//! answer checked (`tests/fixtures/ws_probe.py`, `ws_claw_probe.py`).

mod common;
use common::*;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::OnceLock;

/// A `PATH` whose `python3` has `websockets` (see [`websockets_python`]).
fn python_path() -> &'static str {
    static PATH: OnceLock<String> = OnceLock::new();
    PATH.get_or_init(|| {
        let python = websockets_python("ws-venv");
        let bin = python.parent().expect("a venv's bin folder");
        let path = std::env::var("PATH").unwrap_or_default();
        format!("{}:{path}", bin.display())
    })
}

type Rows = Vec<HashMap<String, String>>;

/// Runs `run --bots BOTS ARGS` with the venv's python3; returns bots.csv's rows, the
/// out folder and what it printed (stdout, then stderr). Panics unless it exits 0.
fn run(bots: &str, args: &[&str]) -> (Rows, tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let output = arena()
        .env("PATH", python_path())
        .args(["run", "--bots", bots, "--seed", "7", "--out"])
        .arg(&out)
        .args(args)
        .timeout(std::time::Duration::from_secs(240))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{bots}: {stderr}");
    let rows = csv::Reader::from_path(out.join("bots.csv"))
        .unwrap()
        .deserialize()
        .map(|r| r.unwrap())
        .collect();
    (rows, dir, stderr)
}

fn col(rows: &Rows, seat: usize, name: &str) -> u64 {
    rows[seat][name].parse().unwrap()
}

/// The PROBE lines of seat 1's stderr log.
fn probes(dir: &tempfile::TempDir) -> Vec<String> {
    let logs: Vec<PathBuf> = std::fs::read_dir(dir.path().join("out/bots"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let text: String = logs
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    text.lines()
        .filter_map(|l| l.split_once("PROBE ").map(|(_, p)| p.to_string()))
        .collect()
}

fn no_faults(rows: &Rows, seat: usize, stderr: &str) {
    for c in ["timeouts", "invalid_actions", "rejected_actions", "crashes"] {
        assert_eq!(col(rows, seat, c), 0, "{c}: {stderr}");
    }
}

/// blocks.csv without the bot names, one row per hand with `--block-deals 1`.
fn blocks(dir: &tempfile::TempDir) -> Vec<String> {
    std::fs::read_to_string(dir.path().join("out/blocks.csv"))
        .unwrap()
        .lines()
        .map(|l| {
            l.split(',')
                .enumerate()
                .filter(|&(i, _)| i != 4)
                .map(|(_, f)| f)
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect()
}

#[test]
fn the_websocket_calling_station_plays_exactly_like_call_hand_for_hand() {
    let args = ["--hands", "20000", "--threads", "2", "--block-deals", "1"];
    let (native, native_dir, _) = run("tag,call", &args);
    let (ws, ws_dir, stderr) = run("tag,ws:python3 bots/python/ws_call_bot.py", &args);
    assert_eq!(ws[1]["bot"], "ws_call_bot");
    no_faults(&ws, 1, &stderr);
    assert_eq!(ws[1]["net_chips"], native[1]["net_chips"]);
    assert_eq!(blocks(&ws_dir), blocks(&native_dir), "chips hand for hand");

    let (claw, _, stderr) = run(
        "tag,ws-claw:python3 bots/python/ws_claw_call_bot.py",
        &["--hands", "3000"],
    );
    let (native, _, _) = run("tag,call", &["--hands", "3000"]);
    no_faults(&claw, 1, &stderr);
    assert_eq!(claw[1]["net_chips"], native[1]["net_chips"]);
}

#[test]
fn the_websocket_strategy_bot_plays_and_results_do_not_depend_on_threads() {
    let bots = "tag,ws:python3 bots/python/ws_strategy_bot.py,call";
    let (one, one_dir, stderr) = run(bots, &["--hands", "2000", "--threads", "1"]);
    let (_, two_dir, _) = run(bots, &["--hands", "2000", "--threads", "2"]);
    no_faults(&one, 1, &stderr);
    assert!(one[1]["pfr"].parse::<f64>().unwrap() > 0.0);
    // Decision latencies: their own file (wall-clock times are not reproducible).
    let latency: Rows = csv::Reader::from_path(one_dir.path().join("out/latency.csv"))
        .unwrap()
        .deserialize()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(latency.len(), 1, "{latency:?}");
    assert_eq!(latency[0]["bot"], "ws_strategy_bot");
    let ms = |c: &str| latency[0][c].parse::<f64>().unwrap();
    assert!(0.0 < ms("latency_p50_ms") && ms("latency_p50_ms") <= ms("latency_p99_ms"));
    assert!(ms("latency_p99_ms") <= ms("latency_max_ms"));
    assert!(stderr.contains("latency: ws_strategy_bot p50"), "{stderr}");
    for f in ["bots.csv", "seats.csv", "blocks.csv"] {
        let read = |d: &tempfile::TempDir| std::fs::read(d.path().join("out").join(f)).unwrap();
        assert_eq!(read(&one_dir), read(&two_dir), "{f}");
    }
}

/// Runs the Open Poker probe `mode` for 200 hands against `call`.
fn probe_run(mode: &str, extra: &[&str]) -> (Rows, Vec<String>) {
    let bots = format!("call,ws:python3 tests/fixtures/ws_probe.py {mode}");
    let mut args = vec!["--hands", "200", "--threads", "1"];
    args.extend_from_slice(extra);
    let (rows, dir, _) = run(&bots, &args);
    (rows, probes(&dir))
}

#[test]
fn the_bot_gets_a_loopback_url_and_the_lobby_handshake() {
    let (rows, seen) = probe_run("url", &[]);
    let url = seen.iter().find_map(|p| p.strip_prefix("url ")).unwrap();
    assert!(
        url.starts_with("ws://127.0.0.1:") && url.ends_with("/ws"),
        "{url}"
    );
    assert_eq!(seen.iter().filter(|p| *p == "connected").count(), 1);
    assert!(seen.contains(&"lobby_joined".to_string()));
    no_faults(&rows, 1, "");
}

#[test]
fn a_bad_or_missing_key_gets_auth_failed_and_close_code_4001() {
    let (rows, seen) = probe_run("badkey", &[]);
    // A wrong Bearer key, then the right key as a query parameter only.
    assert_eq!(
        seen.iter()
            .filter(|p| *p == "refused auth_failed 4001")
            .count(),
        2,
        "{seen:?}"
    );
    no_faults(&rows, 1, "");
}

#[test]
fn rejected_actions_over_a_websocket_get_the_documents_reasons() {
    for (mode, reason) in [
        ("stale", "rejected Stale or missing turn_token"),
        ("badraise", "rejected Invalid raise amount"),
    ] {
        let (rows, seen) = probe_run(mode, &[]);
        assert!(seen.contains(&reason.to_string()), "{mode}: {seen:?}");
        assert_eq!(col(&rows, 1, "rejected_actions"), 1, "{mode}");
        assert_eq!(col(&rows, 1, "timeouts"), 0, "{mode}");
    }
}

#[test]
fn an_action_sent_while_another_player_acts_is_rejected_as_not_your_turn() {
    // openpoker-websocket-protocol.txt, action_rejected: "Not your turn | Acted when
    // it was another player's turn". The probe answers once twice as the small blind;
    // the second copy arrives while the slow big blind thinks.
    let (rows, dir, stderr) = run(
        "ws:python3 tests/fixtures/ws_probe.py double,ws:python3 tests/fixtures/ws_probe.py slow",
        &["--hands", "20", "--threads", "1"],
    );
    let seen = probes(&dir);
    assert_eq!(
        seen.iter()
            .filter(|p| *p == "rejected Not your turn")
            .count(),
        1,
        "{seen:?}"
    );
    assert_eq!(col(&rows, 0, "rejected_actions"), 1, "{stderr}");
    assert_eq!(col(&rows, 0, "timeouts"), 0);
    no_faults(&rows, 1, &stderr);
}

#[test]
fn messages_beyond_twenty_a_second_are_dropped_with_rate_limited() {
    // 25 extra messages at once, then the answer: the first is exempt (it stands for
    // the answer), 20 fill the window, the other 4 and the real answer are dropped.
    let (rows, seen) = probe_run("burst", &["--action-timeout", "1"]);
    assert_eq!(
        seen.iter().filter(|p| *p == "error rate_limited").count(),
        5
    );
    assert_eq!(col(&rows, 1, "invalid_actions"), 5);
    assert_eq!(col(&rows, 1, "timeouts"), 1);
    assert_eq!(col(&rows, 1, "crashes"), 0);
}

#[test]
fn joining_twice_gets_already_seated() {
    let (rows, seen) = probe_run("twice", &[]);
    assert!(
        seen.contains(&"error already_seated".to_string()),
        "{seen:?}"
    );
    no_faults(&rows, 1, "");
}

#[test]
fn a_dropped_connection_reconnects_resyncs_and_plays_on() {
    let (clean, _) = probe_run("url", &[]);
    let (rows, seen) = probe_run("drop", &[]);
    for p in ["dropping", "reconnected", "resync_response"] {
        assert!(seen.contains(&p.to_string()), "{p}: {seen:?}");
    }
    // The turn it dropped was sent again on the new connection and answered in time.
    no_faults(&rows, 1, "");
    assert_eq!(rows[1]["net_chips"], clean[1]["net_chips"]);
}

#[test]
fn a_bot_that_does_not_reconnect_within_the_window_is_written_off() {
    // The probe reconnects 0.5 s after dropping: too late for a 0.3 s window.
    let bots = "call,ws:python3 tests/fixtures/ws_probe.py drop";
    let (rows, _, text) = run(
        bots,
        &[
            "--hands",
            "50",
            "--threads",
            "1",
            "--reconnect-window",
            "0.3",
            "--allow-bot-faults",
        ],
    );
    assert_eq!(col(&rows, 1, "crashes"), 1);
    assert!(text.contains("did not reconnect within 0.3 s"), "{text}");
    let (code, _, stderr) =
        arena_output(&["run", "--bots", "call,call", "--reconnect-window", "0"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("--reconnect-window 0: give seconds above 0"),
        "{stderr}"
    );
}

#[test]
fn a_second_connection_with_the_same_key_takes_the_session_over() {
    let (clean, _) = probe_run("url", &[]);
    let (rows, seen) = probe_run("takeover", &[]);
    assert!(seen.contains(&"old closed".to_string()), "{seen:?}");
    no_faults(&rows, 1, "");
    assert_eq!(rows[1]["net_chips"], clean[1]["net_chips"]);
}

#[test]
fn a_silent_websocket_bot_times_out_every_turn() {
    let bots = "call,ws:python3 tests/fixtures/ws_probe.py silent";
    let (rows, _, _) = run(
        bots,
        &[
            "--hands",
            "4",
            "--threads",
            "1",
            "--action-timeout",
            "0.2",
            "--allow-bot-faults",
        ],
    );
    assert!(col(&rows, 1, "timeouts") >= 4);
    assert_eq!(col(&rows, 1, "crashes"), 0);
}

#[test]
fn claw_auth_faults_and_timeouts() {
    for mode in ["badsecret", "noauth"] {
        let bots = format!("call,ws-claw:python3 tests/fixtures/ws_claw_probe.py {mode}");
        let (rows, dir, _) = run(&bots, &["--hands", "100", "--threads", "1"]);
        let seen = probes(&dir);
        assert!(
            seen.contains(&"refused auth_failed 4001".to_string()),
            "{mode}: {seen:?}"
        );
        assert!(
            seen.contains(&"auth.success".to_string()),
            "{mode}: {seen:?}"
        );
        no_faults(&rows, 1, "");
    }
    let bots = "call,ws-claw:python3 tests/fixtures/ws_claw_probe.py silent";
    let (rows, dir, _) = run(
        bots,
        &[
            "--hands",
            "3",
            "--threads",
            "1",
            "--action-timeout",
            "0.2",
            "--allow-bot-faults",
        ],
    );
    assert!(col(&rows, 1, "timeouts") >= 3);
    assert!(probes(&dir).contains(&"timeout.triggered".to_string()));
}

#[test]
fn a_websocket_bot_that_never_connects_is_written_off() {
    // `sleep` never connects: the seat is reported and folds; the verdict is refused
    // unless faults are allowed.
    let dir = tempfile::tempdir().unwrap();
    let output = arena()
        .args([
            "run",
            "--bots",
            "call,ws:sleep 600",
            "--hands",
            "3",
            "--action-timeout",
            "0.2",
        ])
        .arg("--out")
        .arg(dir.path().join("out"))
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout) + String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains("sleep timed out on 9 of 9 decisions"),
        "{text}"
    );
}
