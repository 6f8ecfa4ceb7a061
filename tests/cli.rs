//! The command line through the binary: bad input gives one clear line and exit code
//! 2 with nothing written; good input writes the CSVs; same seed, same bytes.

use assert_cmd::Command;
use std::path::Path;

fn arena() -> Command {
    Command::cargo_bin("holdem-arena").unwrap()
}

/// Runs `run` with `args` plus `--out DIR`, expecting exit code 2, a message that
/// contains every `needles` entry, and nothing written.
fn rejects(args: &[&str], needles: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let assert = arena()
        .arg("run")
        .args(args)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    for n in needles {
        assert!(stderr.contains(n), "{args:?}: {stderr:?} lacks {n:?}");
    }
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr:?}");
    assert!(!out.exists(), "{args:?} wrote {}", out.display());
}

#[test]
fn bad_run_arguments_are_named_with_what_is_allowed() {
    rejects(
        &["--bots", "call,nosuch"],
        &["\"nosuch\"", "call", "tag", "equity"],
    );
    rejects(&["--bots", "call"], &["2 to 10 seats"]);
    rejects(
        &[
            "--bots",
            "call,call,call,call,call,call,call,call,call,call,call",
        ],
        &["2 to 10 seats"],
    );
    rejects(&["--hands", "0"], &["--hands 0"]);
    rejects(
        &["--small-blind", "0"],
        &["--small-blind 0", "at least 1 chip"],
    );
    rejects(
        &["--big-blind", "0", "--small-blind", "0"],
        &["--big-blind 0"],
    );
    rejects(
        &["--small-blind", "30", "--big-blind", "20"],
        &["--small-blind 30", "--big-blind 20"],
    );
    rejects(&["--stack", "10"], &["--stack 10", "big blind"]);
    rejects(&["--threads", "0"], &["--threads 0"]);
    rejects(&["--stack", "4000000000"], &["--stack 4000000000"]);
}

#[test]
fn malformed_numbers_are_rejected_by_the_parser_with_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    for (flag, value) in [
        ("--small-blind", "-5"),
        ("--hands", "many"),
        ("--seed", "1.5"),
    ] {
        let assert = arena()
            .args(["run", flag, value, "--out"])
            .arg(&out)
            .assert()
            .code(2);
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
        assert!(stderr.contains(value), "{flag} {value}: {stderr}");
        assert!(!out.exists());
    }
}

#[test]
fn an_unwritable_out_folder_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let assert = arena()
        .args(["run", "--hands", "10", "--seed", "1", "--out"])
        .arg(file.join("sub"))
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(
        stderr.contains("--out") && stderr.contains("a-file"),
        "{stderr}"
    );
}

fn run_to(out: &Path, threads: &str, extra: &[&str]) {
    arena()
        .args([
            "run",
            "--hands",
            "30000",
            "--seed",
            "42",
            "--threads",
            threads,
        ])
        .args(extra)
        .arg("--out")
        .arg(out)
        .assert()
        .success();
}

#[test]
fn same_seed_gives_byte_identical_csvs_with_one_or_two_threads() {
    let dir = tempfile::tempdir().unwrap();
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    run_to(&one, "1", &[]);
    run_to(&two, "2", &[]);
    for file in ["bots.csv", "seats.csv"] {
        let a = std::fs::read(one.join(file)).unwrap();
        let b = std::fs::read(two.join(file)).unwrap();
        assert_eq!(a, b, "{file} differs between 1 and 2 threads");
    }
    // A different seed gives different results.
    let other = dir.path().join("other");
    arena()
        .args(["run", "--hands", "30000", "--seed", "43", "--out"])
        .arg(&other)
        .assert()
        .success();
    assert_ne!(
        std::fs::read(one.join("seats.csv")).unwrap(),
        std::fs::read(other.join("seats.csv")).unwrap()
    );
}

#[test]
fn a_run_writes_one_row_per_bot_and_run_json() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    run_to(&out, "2", &["--bots", "call,random,call", "--ante", "2"]);
    let bots = std::fs::read_to_string(out.join("bots.csv")).unwrap();
    let lines: Vec<&str> = bots.lines().collect();
    assert_eq!(
        lines[0],
        "bot,seats,hands,net_chips,bb_per_100,ci95_bb_per_100,sd_bb_per_hand,vpip,pfr,\
         aggression_factor,wtsd,w_sd,showdowns,invalid_actions,timeouts,rejected_actions,\
         crashes,allin_adj_bb_per_100,allin_adj_ci95_bb_per_100,allin_adj_sd_bb_per_hand"
    );
    assert_eq!(lines.len(), 3, "{bots}");
    assert!(lines[1].starts_with("call,0 2,60000,"), "{bots}");
    assert!(lines[2].starts_with("random,1,30000,"), "{bots}");
    let seats = std::fs::read_to_string(out.join("seats.csv")).unwrap();
    assert_eq!(seats.lines().count(), 4);
    // Chips are conserved: net results sum to zero.
    let net: i64 = seats
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(4).unwrap().parse::<i64>().unwrap())
        .sum();
    assert_eq!(net, 0);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(json["seed"], 42);
    assert_eq!(json["hands"], 30000);
    assert_eq!(
        json["lineup"],
        serde_json::json!(["call", "random", "call"])
    );
    assert_eq!(json["ante_chips"], 2);
    // No temporary files are left behind.
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 4, "{names:?}"); // bots, seats, blocks, run.json
}

#[test]
fn without_a_seed_one_is_picked_and_printed() {
    let dir = tempfile::tempdir().unwrap();
    let assert = arena()
        .args(["run", "--hands", "100", "--bots", "call,call", "--out"])
        .arg(dir.path())
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    assert!(stdout.starts_with("seed: "), "{stdout}");
    assert!(stdout.contains("--seed"), "{stdout}");
}

#[test]
fn bots_lists_every_built_in_bot() {
    let assert = arena().arg("bots").assert().success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    for name in ["call", "random", "raise", "tag", "equity"] {
        assert!(
            stdout.lines().any(|l| l.starts_with(name)),
            "{name} missing: {stdout}"
        );
    }
}

#[test]
fn eval_ranks_arguments_and_stdin_lines_and_names_bad_lines() {
    let assert = arena()
        .args(["eval", "Ah", "Kh", "Qh", "Jh", "Th"])
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    assert_eq!(stdout, "7462\tStraight Flush\tRoyal Flush\n");

    let assert = arena()
        .arg("eval")
        .write_stdin("Ah Ad Kc Ks 7d 2c 3h\nAh Zz Kc Ks 7d\n2c 3d 4h 5s 7c\n")
        .assert()
        .code(2);
    let out = assert.get_output();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "the good lines still print: {stdout}");
    assert!(
        lines[0].ends_with("\tTwo Pair\tTwo Pair, Aces and Kings"),
        "{stdout}"
    );
    assert!(
        lines[1].ends_with("\tHigh Card\tHigh Card, Seven"),
        "{stdout}"
    );
    assert!(
        stderr.contains("line 2") && stderr.contains("Zz"),
        "{stderr}"
    );

    let assert = arena().args(["eval", "Ah Kd"]).assert().code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(stderr.contains("5 to 7 cards"), "{stderr}");
}
