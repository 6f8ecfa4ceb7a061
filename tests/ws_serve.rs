//! `holdem-arena serve`: WebSocket bots started by hand (the Python bots of
//! `bots/python/`, `websockets` from the registry in a venv) join the lobby, are
//! seated with house bots and play; the result files are written per bot name; a
//! full table answers `lobby_full`; Ctrl-C mid-run leaves no partial file.

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
    let code = exit_within(&mut served.child, Duration::from_secs(180));
    let mut log = String::new();
    while served.stderr.read_line(&mut log).unwrap_or(0) > 0 {}
    assert_eq!(code, Some(0), "{log}");
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
        for c in ["timeouts", "invalid_actions", "rejected_actions", "crashes"] {
            assert_eq!(r[c], "0", "{} {c}", r["bot"]);
        }
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

#[test]
fn ctrl_c_mid_run_leaves_no_partial_file_and_a_full_table_answers_lobby_full() {
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
    let code = exit_within(&mut served.child, Duration::from_secs(30));
    assert_eq!(code, Some(130));
    reap(&mut alice, Duration::from_secs(1));
    reap(&mut bob, Duration::from_secs(1));
    let left: Vec<_> = std::fs::read_dir(&out)
        .map(|d| d.map(|e| e.unwrap().file_name()).collect())
        .unwrap_or_default();
    assert!(
        !left
            .iter()
            .any(|n| n.to_string_lossy().ends_with(".csv") || n.to_string_lossy().contains(".tmp")),
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
    let code = exit_within(&mut served.child, Duration::from_secs(120));
    let mut log = String::new();
    while served.stderr.read_line(&mut log).unwrap_or(0) > 0 {}
    assert_eq!(code, Some(0), "{log}");
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
