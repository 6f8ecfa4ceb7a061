//! Sessions (`run --session HANDS`): stacks carry over, busts below the big blind,
//! rebuys and their cooldown, `--rebuy never`, chip conservation, intervals over
//! sessions, determinism, stored session runs, and bad input.

mod common;

use common::{arena, arena_output, num, rows};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Plays `holdem-arena run ARGS --out DIR/name` (exit 0) and returns the folder.
fn play(dir: &Path, name: &str, args: &[&str]) -> PathBuf {
    let out = dir.join(name);
    arena()
        .arg("run")
        .args(args)
        .args(["--out", out.to_str().unwrap()])
        .assert()
        .success();
    out
}

/// One PHH hand as the tests need it: its hand index and, per seat dealt in, the
/// finishing stack.
struct PhhHand {
    hand_index: u64,
    finishing: BTreeMap<usize, u64>,
    starting: BTreeMap<usize, u64>,
}

fn list(line: &str) -> Vec<String> {
    let inner = line.split_once('[').unwrap().1.rsplit_once(']').unwrap().0;
    inner
        .split(',')
        .map(|x| x.trim().trim_matches('"').to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

/// Reads the hands of a PHH file (independently of the crate's writer).
fn phh_hands(path: &Path) -> Vec<PhhHand> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut out = Vec::new();
    for table in text.split("\n[").filter(|t| t.contains("seats = ")) {
        let get = |key: &str| {
            table
                .lines()
                .find(|l| l.starts_with(&format!("{key} = ")))
                .unwrap_or_else(|| panic!("no {key} in {table}"))
        };
        let seats: Vec<usize> = list(get("seats"))
            .iter()
            .map(|s| s.parse::<usize>().unwrap() - 1)
            .collect();
        let stacks = |key| -> BTreeMap<usize, u64> {
            seats
                .iter()
                .zip(list(get(key)))
                .map(|(&s, v)| (s, v.parse().unwrap()))
                .collect()
        };
        out.push(PhhHand {
            hand_index: get("_hand_index")
                .split_once(" = ")
                .unwrap()
                .1
                .parse()
                .unwrap(),
            finishing: stacks("finishing_stacks"),
            starting: stacks("starting_stacks"),
        });
    }
    out.sort_by_key(|h| h.hand_index);
    out
}

/// Seat `s`'s busts per the PHH hands: finishing stacks below `big_blind` chips.
fn busts_in(hands: &[PhhHand], seat: usize, big_blind: u64) -> u64 {
    hands
        .iter()
        .filter(|h| h.finishing.get(&seat).is_some_and(|&c| c < big_blind))
        .count() as u64
}

#[test]
fn a_bust_is_a_stack_below_the_big_blind_not_at_it() {
    let dir = tempfile::tempdir().unwrap();
    // allin against call with one big blind each: every hand is all-in preflop; a
    // split pot leaves both at exactly the big blind (no bust), otherwise one busts.
    // tag with 39 chips in the big blind folding to a shove keeps 19, just below.
    for (name, bots, stacks) in [
        ("exact", "allin,call", "20,20"),
        ("below", "allin,tag", "60,39"),
    ] {
        let phh = dir.path().join(format!("{name}.phhs"));
        let out = play(
            dir.path(),
            name,
            &[
                "--bots",
                bots,
                "--stacks",
                stacks,
                "--session",
                "1",
                "--hands",
                "3000",
                "--seed",
                "4",
                "--hand-histories",
                phh.to_str().unwrap(),
                "--history-every",
                "1",
            ],
        );
        let hands = phh_hands(&phh);
        assert_eq!(hands.len(), 3000);
        let seats = rows(&out.join("seats.csv"));
        for (s, row) in seats.iter().enumerate() {
            assert_eq!(
                num(row, "busts") as u64,
                busts_in(&hands, s, 20),
                "{name}: seat {s}"
            );
            assert_eq!(num(row, "rebuys"), 0.0, "one-hand sessions end first");
        }
        if name == "exact" {
            let at_big_blind = hands
                .iter()
                .filter(|h| h.finishing.values().all(|&c| c == 20))
                .count();
            assert!(at_big_blind > 0, "some split pots end at exactly 20 chips");
        } else {
            let just_below = hands.iter().filter(|h| h.finishing[&1] == 19).count();
            assert!(just_below > 0, "tag folds its big blind and keeps 19");
        }
    }
}

#[test]
fn rebuys_wait_out_the_cooldown_counted_in_hands_and_the_first_is_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let phh = dir.path().join("h.phhs");
    let cooldown = 7;
    let out = play(
        dir.path(),
        "cool",
        &[
            "--bots",
            "allin,random,call,raise",
            "--session",
            "300",
            "--rebuy-cooldown",
            &cooldown.to_string(),
            "--hands",
            "3000",
            "--seed",
            "9",
            "--hand-histories",
            phh.to_str().unwrap(),
            "--history-every",
            "1",
        ],
    );
    let hands = phh_hands(&phh);
    let mut checked = (0, 0);
    for session in 0..10u64 {
        let in_session: Vec<&PhhHand> = hands
            .iter()
            .filter(|h| h.hand_index / 300 == session)
            .collect();
        for seat in 0..4 {
            let mut busts = 0;
            for (i, h) in in_session.iter().enumerate() {
                if h.finishing.get(&seat).is_none_or(|&c| c >= 20) {
                    continue;
                }
                busts += 1;
                let back = h.hand_index % 300 + 1 + if busts == 1 { 0 } else { cooldown };
                // The next hand that seats it, and that every hand before it left it out.
                let later = &in_session[i + 1..];
                if let Some(next) = later.iter().find(|n| n.starting.contains_key(&seat)) {
                    assert_eq!(
                        next.hand_index % 300,
                        back,
                        "session {session}, seat {seat}, bust {busts}: back at its rebuy hand"
                    );
                    assert_eq!(next.starting[&seat], 2000, "it buys in again with 2,000");
                    if busts == 1 {
                        checked.0 += 1;
                    } else {
                        checked.1 += 1;
                    }
                }
            }
        }
    }
    assert!(
        checked.0 > 3 && checked.1 > 3,
        "first and later rebuys seen: {checked:?}"
    );
    let seats = rows(&out.join("seats.csv"));
    let sat_out: f64 = seats.iter().map(|r| num(r, "hands_sat_out")).sum();
    assert!(sat_out > 0.0, "cooldowns sit seats out");
    for (s, row) in seats.iter().enumerate() {
        assert_eq!(num(row, "busts") as u64, busts_in(&hands, s, 20));
        assert!(num(row, "rebuys") <= num(row, "busts"));
        assert_eq!(
            num(row, "hands") + num(row, "hands_sat_out"),
            hands.len() as f64,
            "every dealt hand is played or sat out by each seat"
        );
    }
}

#[test]
fn with_rebuy_never_a_session_ends_when_one_player_is_left() {
    let dir = tempfile::tempdir().unwrap();
    let out = play(
        dir.path(),
        "never",
        &[
            "--bots",
            "allin,call",
            "--session",
            "100",
            "--rebuy",
            "never",
            "--hands",
            "20000",
            "--seed",
            "2",
        ],
    );
    let bots = rows(&out.join("bots.csv"));
    let busts: f64 = bots.iter().map(|r| num(r, "busts")).sum();
    let rebuys: f64 = bots.iter().map(|r| num(r, "rebuys")).sum();
    assert_eq!(busts, 200.0, "each of the 200 sessions ends with one bust");
    assert_eq!(rebuys, 0.0);
    let info: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    let played = info["hands_played"].as_u64().unwrap();
    assert!(
        (200..2000).contains(&played),
        "sessions end early: {played} hands"
    );
    assert_eq!(num(&bots[0], "hands") as u64, played);
    assert_eq!(info["hands"], 200, "run.json counts sessions");
}

#[test]
fn session_chips_are_conserved_and_intervals_are_over_sessions() {
    let dir = tempfile::tempdir().unwrap();
    // One session per block (--block-deals 50 with 50-hand sessions).
    let out = play(
        dir.path(),
        "conserve",
        &[
            "--bots",
            "tag,random,call,raise,equity,allin",
            "--session",
            "50",
            "--block-deals",
            "50",
            "--rebuy-cooldown",
            "3",
            "--hands",
            "40000",
            "--seed",
            "6",
            "--no-allin-adjust",
        ],
    );
    let bots = rows(&out.join("bots.csv"));
    let net: f64 = bots.iter().map(|r| num(r, "net_chips")).sum();
    assert_eq!(
        net, 0.0,
        "what one seat wins another loses, rebuys included"
    );
    let blocks = rows(&out.join("blocks.csv"));
    assert_eq!(blocks.len(), 800 * 6, "one block per session and bot");
    let mut per_block: BTreeMap<String, f64> = BTreeMap::new();
    for b in &blocks {
        *per_block.entry(b["block"].clone()).or_default() += num(b, "net_chips");
    }
    assert!(
        per_block.values().all(|&x| x == 0.0),
        "every session sums to 0"
    );
    // The interval from the sessions' results, recomputed here.
    for bot in &bots {
        let mine: Vec<&BTreeMap<String, String>> =
            blocks.iter().filter(|b| b["bot"] == bot["bot"]).collect();
        let n = mine.len() as f64;
        let x: Vec<f64> = mine.iter().map(|b| num(b, "net_chips")).collect();
        let mean = x.iter().sum::<f64>() / n;
        let sd = (x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
        let hands_per_session = num(bot, "hands") / n;
        let ci = 1.96 * sd / n.sqrt() / hands_per_session / 20.0 * 100.0;
        let got = num(bot, "ci95_bb_per_100");
        assert!(
            (got - ci).abs() < 1e-3 * ci.max(1.0),
            "{}: {got} vs {ci}",
            bot["bot"]
        );
        let rate = num(bot, "net_chips") / num(bot, "hands") / 20.0 * 100.0;
        assert!((num(bot, "bb_per_100") - rate).abs() < 1e-3);
    }
}

#[test]
fn session_runs_are_byte_identical_across_threads_and_duplicate_rotates_them() {
    let dir = tempfile::tempdir().unwrap();
    let args = |threads: &'static str| {
        vec![
            "--bots",
            "tag,random,call",
            "--session",
            "80",
            "--duplicate",
            "--stack-range",
            "20bb..150bb",
            "--hands",
            "30000",
            "--seed",
            "11",
            "--threads",
            threads,
        ]
    };
    let one = play(dir.path(), "one", &args("1"));
    let two = play(dir.path(), "two", &args("2"));
    for f in ["bots.csv", "seats.csv", "blocks.csv", "depths.csv"] {
        assert_eq!(
            std::fs::read(one.join(f)).unwrap(),
            std::fs::read(two.join(f)).unwrap(),
            "{f}"
        );
    }
    let bots = rows(&one.join("bots.csv"));
    for b in &bots {
        assert_eq!(
            num(b, "sessions"),
            3.0 * 375.0,
            "each bot plays every session from every seat"
        );
    }
}

#[test]
fn gate_pairs_a_candidate_with_a_stored_session_run() {
    let dir = tempfile::tempdir().unwrap();
    let base = play(
        dir.path(),
        "base",
        &[
            "--bots",
            "tag,call,random",
            "--session",
            "100",
            "--duplicate",
            "--hands",
            "20000",
            "--seed",
            "3",
        ],
    );
    let (code, stdout, stderr) = arena_output(&[
        "gate",
        "--candidate",
        "tag",
        "--baseline-file",
        base.join("blocks.csv").to_str().unwrap(),
        "--margin",
        "50",
        "--out",
        dir.path().join("gate").to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("PASS"), "{stdout}");
    // The same bot replayed on the same sessions gives the same blocks: zero difference.
    assert!(stdout.contains("+0.00"), "{stdout}");
}

#[test]
fn bad_session_options_are_refused_with_one_line_and_nothing_written() {
    let dir = tempfile::tempdir().unwrap();
    for (args, needle) in [
        (vec!["--session", "0"], "--session 0"),
        (vec!["--session", "1000001"], "1 to 1000000 hands"),
        (
            vec!["--rebuy-cooldown", "3"],
            "--rebuy-cooldown without --session",
        ),
        (vec!["--rebuy", "never"], "--rebuy without --session"),
        (
            vec!["--table", "openpoker", "--session", "100", "--stack", "500"],
            "buy-ins are 1000 to 5000 chips",
        ),
        (
            vec![
                "--table",
                "claw-shallow",
                "--bots",
                "tag,call",
                "--session",
                "100",
                "--stack-range",
                "10bb..300bb",
            ],
            "buy-ins are 100 to 400 chips",
        ),
        (vec!["--session", "10", "--rebuy", "sometimes"], "sometimes"),
    ] {
        let out = dir.path().join("out");
        let (code, _, stderr) =
            arena_output(&[&["run"], args.as_slice(), &["--out", out.to_str().unwrap()]].concat());
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
        assert!(!out.exists(), "{args:?} wrote files");
    }
    let (code, _, stderr) =
        arena_output(&["replay", "--seed", "1", "--hand", "5", "--session", "10"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--hand-histories"), "{stderr}");
}

#[test]
fn session_shards_merge_into_the_whole_run() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "--bots",
        "tag,random,call,raise",
        "--session",
        "100",
        "--hands",
        "60000",
        "--seed",
        "8",
    ];
    let whole = play(dir.path(), "whole", &args);
    let shards: Vec<PathBuf> = (0..3)
        .map(|i| {
            let s = format!("{i}/3");
            play(
                dir.path(),
                &format!("s{i}"),
                &[&args[..], &["--shard", &s]].concat(),
            )
        })
        .collect();
    let merged = dir.path().join("merged");
    arena()
        .arg("merge")
        .args(&shards)
        .args(["--out", merged.to_str().unwrap()])
        .assert()
        .success();
    for f in ["bots.csv", "seats.csv", "blocks.csv", "depths.csv"] {
        assert_eq!(
            std::fs::read(whole.join(f)).unwrap(),
            std::fs::read(merged.join(f)).unwrap(),
            "{f}"
        );
    }
}

#[test]
fn external_bots_get_busted_auto_rebuy_scheduled_and_rebuy_confirmed() {
    let dir = tempfile::tempdir().unwrap();
    let out = play(
        dir.path(),
        "wired",
        &[
            "--bots",
            "allin,exec:python3 tests/fixtures/session_bot.py",
            "--hands",
            "400",
            "--session",
            "100",
            "--rebuy-cooldown",
            "3",
            "--seed",
            "5",
            "--threads",
            "1",
        ],
    );
    let bots = rows(&out.join("bots.csv"));
    let me = bots.iter().find(|r| r["bot"] == "session_bot").unwrap();
    let log = std::fs::read_to_string(out.join("bots/session_bot.seat1.stderr.log")).unwrap();
    let count = |needle: &str| log.lines().filter(|l| l.starts_with(needle)).count() as f64;
    let busts = num(me, "busts");
    assert!(busts >= 2.0, "{busts}");
    assert_eq!(count("got busted ['rebuy', 'leave']"), busts);
    assert_eq!(count("got rebuy_confirmed 2000.0"), num(me, "rebuys"));
    // Every rebuy but a session's first waits out the cooldown, announced in hands.
    let scheduled = count("got auto_rebuy_scheduled 3");
    assert!(
        scheduled >= 1.0 && scheduled < num(me, "rebuys") + 1.0,
        "{scheduled}"
    );
}
