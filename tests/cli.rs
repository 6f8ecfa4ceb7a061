//! The command line through the binary: bad input gives one clear line and exit code
//! 2 with nothing written; good input writes the CSVs; same seed, same bytes.

mod common;
use common::*;
use std::path::Path;

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
    for file in ["bots.csv", "seats.csv", "tracker.csv", "positions.csv"] {
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
    assert_eq!(names.len(), 6, "{names:?}"); // bots, seats, tracker, positions, blocks, run.json
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

#[test]
fn a_crashed_external_bot_makes_the_run_exit_1_and_is_marked_in_run_json() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let assert = arena()
        .args(["run", "--hands", "3000", "--seed", "1", "--bots"])
        .arg("tag,exec:python3 tests/fixtures/no_such_bot.py")
        .arg("--out")
        .arg(&out)
        .assert()
        .code(1);
    let stdout = stdout_of(&assert);
    let last = stdout.lines().last().unwrap();
    assert!(
        last.contains("no_such_bot")
            && last.contains("crashed")
            && last.contains("--allow-bot-faults"),
        "the summary ends by saying the results are not the bot's: {stdout}"
    );
    // The results are still written, and run.json says which bot faulted and why.
    assert!(out.join("bots.csv").exists());
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    assert!(
        json["bot_faults"]["no_such_bot"]
            .as_str()
            .unwrap()
            .contains("crashed"),
        "{json}"
    );
    // Asked to tolerate it, the run exits 0 and still marks it.
    let assert = arena()
        .args([
            "run",
            "--hands",
            "3000",
            "--seed",
            "1",
            "--allow-bot-faults",
        ])
        .arg("--bots")
        .arg("tag,exec:python3 tests/fixtures/no_such_bot.py")
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    assert!(stdout_of(&assert).contains("warning: no_such_bot crashed"));
    // A clean run has an empty bot_faults.
    let clean = dir.path().join("clean");
    arena()
        .args([
            "run",
            "--bots",
            "call,call",
            "--hands",
            "100",
            "--seed",
            "1",
            "--out",
        ])
        .arg(&clean)
        .assert()
        .success();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(clean.join("run.json")).unwrap()).unwrap();
    assert_eq!(json["bot_faults"], serde_json::json!({}));
}

#[cfg(unix)]
#[test]
fn printing_commands_exit_quietly_on_a_closed_stdout() {
    use std::os::fd::FromRawFd;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    let out = out.to_str().unwrap();
    for args in [
        vec!["bots"],
        vec!["completions", "bash"],
        vec!["eval", "Ah Kh Qh Jh Th", "2c 3d 4h 5s 7c"],
        vec![
            "run",
            "--bots",
            "call,call",
            "--hands",
            "100",
            "--seed",
            "1",
            "--out",
            out,
        ],
    ] {
        // A pipe whose reading end is closed before the program writes: every write
        // to stdout fails with EPIPE.
        let mut fds = [0; 2];
        // SAFETY: pipe(2) fills two descriptors we then own; the reading end is closed
        // at once and the writing end is handed to the child as its stdout.
        let stdout = unsafe {
            assert_eq!(libc::pipe(fds.as_mut_ptr()), 0);
            libc::close(fds[0]);
            std::process::Stdio::from(std::fs::File::from_raw_fd(fds[1]))
        };
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_holdem-arena"))
            .args(&args)
            .stdout(stdout)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

#[test]
fn the_summary_shows_the_adjusted_rate_aligned_for_long_names_and_says_what_rows_are() {
    let dir = tempfile::tempdir().unwrap();
    let assert = arena()
        .args([
            "run",
            "--hands",
            "2000",
            "--seed",
            "1",
            "--bots",
            "tag_loose,call,allin",
        ])
        .arg("--out")
        .arg(dir.path())
        .assert()
        .success();
    let stdout = stdout_of(&assert);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].contains("adj bb/100 (95% CI)"), "{stdout}");
    assert!(lines[0].contains("seat-hands"), "{stdout}");
    // Right-aligned columns: every row ends where the header ends.
    let width = |l: &str| l.chars().count();
    for line in &lines[1..4] {
        assert_eq!(width(line), width(lines[0]), "aligned: {stdout}");
    }
    assert!(lines[4].starts_with("rows in seat order"), "{stdout}");
    // Without the adjustment its column is left out.
    let assert = arena()
        .args([
            "run",
            "--hands",
            "2000",
            "--seed",
            "1",
            "--no-allin-adjust",
            "--out",
        ])
        .arg(dir.path().join("n"))
        .assert()
        .success();
    assert!(!stdout_of(&assert).contains("adj bb/100"));
}

#[test]
fn version_names_the_commit_and_completions_are_written_for_each_shell() {
    let assert = arena().arg("--version").assert().success();
    let version = stdout_of(&assert);
    assert!(version.starts_with("holdem-arena 0."), "{version}");
    if std::path::Path::new(".git").exists() {
        assert!(version.contains(" ("), "built from git: {version}");
    }
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let assert = arena().args(["completions", shell]).assert().success();
        assert!(stdout_of(&assert).contains("holdem-arena"), "{shell}");
    }
    arena().args(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn sizes_beyond_what_a_machine_can_do_are_refused_with_the_limit() {
    rejects(
        &["--hands", "18446744073709551615"],
        &["--hands 18446744073709551615", "at most"],
    );
    rejects(
        &["--duplicate", "--hands", "18446744073709551615"],
        &["--hands 18446744073709551615", "at most"],
    );
    rejects(&["--threads", "10000"], &["--threads 10000", "at most"]);
    rejects(
        &["--threads", "99999999999"],
        &["--threads 99999999999", "at most"],
    );
}

#[test]
fn more_threads_than_chunks_start_no_idle_workers() {
    // 1,000 hands are one chunk: a run asking for many threads plays on one worker.
    let dir = tempfile::tempdir().unwrap();
    let assert = arena()
        .args([
            "run",
            "--hands",
            "1000",
            "--seed",
            "1",
            "--threads",
            "64",
            "--bots",
            "call,call",
            "--out",
        ])
        .arg(dir.path())
        .assert()
        .success();
    assert!(
        stdout_of(&assert).contains("1 threads"),
        "{}",
        stdout_of(&assert)
    );
}

#[cfg(unix)]
#[test]
fn hand_histories_and_results_never_replace_a_device_fifo_or_link() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo on a path in our own temporary folder.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let link = dir.path().join("link");
    std::os::unix::fs::symlink(dir.path().join("elsewhere"), &link).unwrap();
    for target in [&fifo, &link] {
        let assert = arena()
            .args([
                "run",
                "--hands",
                "10",
                "--seed",
                "1",
                "--history-every",
                "1",
            ])
            .arg("--hand-histories")
            .arg(target)
            .arg("--out")
            .arg(dir.path().join("out"))
            .assert()
            .code(2);
        assert!(
            stderr_of(&assert).contains("not a regular file"),
            "{}",
            stderr_of(&assert)
        );
    }
    let meta = std::fs::symlink_metadata(&fifo).unwrap();
    assert!(
        std::os::unix::fs::FileTypeExt::is_fifo(&meta.file_type()),
        "the FIFO is still one"
    );
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    // plot --out: the same refusal (the run above made no files; make one).
    let run = dir.path().join("run");
    arena()
        .args([
            "run", "--hands", "3000", "--seed", "1", "--bots", "call,tag", "--out",
        ])
        .arg(&run)
        .assert()
        .success();
    let assert = arena()
        .arg("plot")
        .arg(&run)
        .arg("--out")
        .arg(&fifo)
        .assert()
        .code(2);
    assert!(
        stderr_of(&assert).contains("not a regular file"),
        "{}",
        stderr_of(&assert)
    );
    assert!(std::os::unix::fs::FileTypeExt::is_fifo(
        &std::fs::symlink_metadata(&fifo).unwrap().file_type()
    ));
    // A result file in --out that is not a regular file is refused before the run.
    let out = dir.path().join("res");
    std::fs::create_dir_all(out.join("bots.csv")).unwrap();
    let assert = arena()
        .args(["run", "--hands", "10", "--seed", "1", "--out"])
        .arg(&out)
        .assert()
        .code(2);
    assert!(
        stderr_of(&assert).contains("bots.csv"),
        "{}",
        stderr_of(&assert)
    );
}

#[test]
fn stacks_replace_stack_so_the_default_stack_is_not_checked() {
    let dir = tempfile::tempdir().unwrap();
    arena()
        .args([
            "run",
            "--hands",
            "100",
            "--seed",
            "1",
            "--bots",
            "call,call",
        ])
        .args([
            "--small-blind",
            "1500",
            "--big-blind",
            "3000",
            "--stacks",
            "5000,5000",
            "--out",
        ])
        .arg(dir.path())
        .assert()
        .success();
    // The stacks actually played are still checked.
    rejects(
        &[
            "--bots",
            "call,call",
            "--big-blind",
            "3000",
            "--small-blind",
            "1500",
            "--stacks",
            "5000,2000",
        ],
        &["--stacks", "2000", "below the big blind"],
    );
}

#[test]
fn eval_reports_invalid_utf8_and_an_empty_hand_and_keeps_the_good_lines() {
    let assert = arena()
        .arg("eval")
        .write_stdin(&b"Ah Kh Qh Jh Th\n\xff\xfe Kd\n2c 3d 4h 5s 7c\n"[..])
        .assert()
        .code(2);
    assert_eq!(
        stdout_of(&assert).lines().count(),
        2,
        "{}",
        stdout_of(&assert)
    );
    assert!(stderr_of(&assert).contains("line 2: not UTF-8"));
    let assert = arena().args(["eval", ""]).assert().code(2);
    assert!(stderr_of(&assert).contains("no hand given"));
    let assert = arena().args(["eval", "Ah Ah Kd Qs Jc"]).assert().code(2);
    assert!(
        stderr_of(&assert).contains("card Ah is given twice"),
        "{}",
        stderr_of(&assert)
    );
}

#[test]
fn table_presets_match_the_reference_documents_and_flags_override_them() {
    use holdem_arena::config::{TABLE_PRESETS, TableRequest, table_preset};
    // (name, blinds, seats, buy-in range, default stack, action timeout s), from
    // openpoker-websocket-protocol.txt / openpoker-auto-rebuy.txt and clawpoker-api.txt
    // ("Table Tiers", "buy-in capped at the table's max", 10-second actions).
    let want = [
        ("openpoker", (10, 20), 10, (1000, 5000), 2000, 120),
        ("claw-shallow", (1, 2), 6, (100, 400), 400, 10),
        ("claw-lobster-pool", (5, 10), 6, (500, 2000), 2000, 10),
        ("claw-deep-sea", (25, 50), 6, (2500, 10000), 10000, 10),
    ];
    assert_eq!(TABLE_PRESETS.len(), want.len());
    for (name, blinds, seats, buy_in, stack, timeout) in want {
        let p = table_preset(name).unwrap();
        assert_eq!((p.small_blind_chips, p.big_blind_chips), blinds, "{name}");
        assert_eq!(p.max_seats, seats, "{name}");
        assert_eq!((p.min_buy_in_chips, p.max_buy_in_chips), buy_in, "{name}");
        assert_eq!(p.default_stack_chips, stack, "{name}");
        assert_eq!(p.action_timeout_s, timeout, "{name}");
    }
    let t = TableRequest {
        preset: Some("claw-deep-sea".into()),
        big_blind_chips: Some(100),
        ..TableRequest::default()
    }
    .resolve()
    .unwrap();
    assert_eq!(
        (t.small_blind_chips, t.big_blind_chips, t.stack_chips),
        (25, 100, 10000)
    );
    // Through the binary: the listing, a run at a preset, and the errors.
    let assert = arena().arg("tables").assert().success();
    assert!(stdout_of(&assert).contains("claw-lobster-pool"));
    let dir = tempfile::tempdir().unwrap();
    arena()
        .args([
            "run",
            "--table",
            "claw-shallow",
            "--bots",
            "tag,call",
            "--hands",
            "2000",
            "--seed",
            "1",
            "--out",
        ])
        .arg(dir.path())
        .assert()
        .success();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("run.json")).unwrap())
            .unwrap();
    assert_eq!(json["table"], "claw-shallow");
    assert_eq!(
        (
            json["small_blind_chips"].as_u64(),
            json["big_blind_chips"].as_u64()
        ),
        (Some(1), Some(2))
    );
    assert_eq!(json["stack_chips"], 400);
    rejects(
        &["--table", "nowhere"],
        &["--table \"nowhere\"", "openpoker", "claw-deep-sea"],
    );
    rejects(
        &[
            "--table",
            "claw-shallow",
            "--bots",
            "call,call,call,call,call,call,call",
        ],
        &["claw-shallow seats at most 6"],
    );
}

#[test]
fn stack_ranges_are_drawn_per_deal_the_same_for_every_lineup_and_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let run = |name: &str, bots: &str, threads: &str, extra: &[&str]| {
        let out = dir.path().join(name);
        arena()
            .args([
                "run",
                "--bots",
                bots,
                "--hands",
                "9000",
                "--seed",
                "4",
                "--threads",
                threads,
            ])
            .args(["--stack-range", "20bb..200bb", "--hand-histories"])
            .arg(out.join("h.phhs"))
            .args(["--history-every", "1"])
            .args(extra)
            .arg("--out")
            .arg(&out)
            .assert()
            .success();
        out
    };
    let (one, two) = (
        run("one", "tag,call,allin", "1", &[]),
        run("two", "tag,call,allin", "2", &[]),
    );
    for f in [
        "bots.csv",
        "seats.csv",
        "tracker.csv",
        "positions.csv",
        "blocks.csv",
        "depths.csv",
        "h.phhs",
    ] {
        assert_eq!(
            std::fs::read(one.join(f)).unwrap(),
            std::fs::read(two.join(f)).unwrap(),
            "{f}"
        );
    }
    // Another line-up on the same seed plays the same stacks.
    let other = run("other", "random,raise,equity", "2", &[]);
    let stacks = |dir: &Path| -> Vec<String> {
        std::fs::read_to_string(dir.join("h.phhs"))
            .unwrap()
            .lines()
            .filter(|l| l.starts_with("starting_stacks"))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(stacks(&one), stacks(&other));
    let all = stacks(&one);
    assert!(all.iter().any(|l| l != &all[0]), "stacks vary by hand");
    // Whole big blinds of 20 chips, 400 to 4000.
    for line in &all {
        let inside = line.split_once('[').unwrap().1.trim_end_matches(']');
        for n in inside.split(',').map(|x| x.trim().parse::<u32>().unwrap()) {
            assert!(n % 20 == 0 && (400..=4000).contains(&n), "{line}");
        }
    }
    // depths.csv has every bot, and its hands add up to the bot's.
    let depths = std::fs::read_to_string(one.join("depths.csv")).unwrap();
    let tag: u64 = depths
        .lines()
        .filter(|l| l.starts_with("tag,"))
        .map(|l| l.split(',').nth(2).unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(tag, 9000);
    // Bad ranges.
    rejects(
        &["--stack-range", "200bb..20bb"],
        &["--stack-range \"200bb..20bb\"", "MIN is above MAX"],
    );
    rejects(&["--stack-range", "0bb..20bb"], &["at least one big blind"]);
    rejects(&["--stack-range", "5..15"], &["--stack-range \"5..15\""]);
    rejects(&["--stack-range", "lots"], &["MIN..MAX"]);
    rejects(
        &[
            "--stack-range",
            "20bb..30bb",
            "--stacks",
            "500,500,500,500,500,500",
        ],
        &["only one of them"],
    );
}

#[test]
fn duplicate_modes_are_named_and_permutations_refuse_what_they_do_not_fit() {
    let (code, _, stderr) = arena_output(&["run", "--duplicate", "foo", "--hands", "10"]);
    assert_eq!(code, 2, "{stderr}");
    let first = stderr.lines().next().unwrap();
    assert!(
        first.contains("'foo'") && first.contains("--duplicate"),
        "{stderr}"
    );
    assert!(stderr.contains("rotations, permutations"), "{stderr}");
    rejects(
        &["--duplicate", "permutations", "--session", "100"],
        &[
            "--duplicate permutations with --session",
            "--duplicate rotations",
        ],
    );
    rejects(
        &[
            "--bots",
            "tag,exec:python3 bots/python/call_bot.py",
            "--duplicate",
            "permutations",
        ],
        &[
            "--duplicate permutations with an exec:/ws: bot",
            "--duplicate rotations",
        ],
    );
    // `--duplicate` alone is rotations, and the value may follow with `=`.
    let dir = tempfile::tempdir().unwrap();
    for (name, args) in [
        ("bare", &["--duplicate"][..]),
        ("rotations", &["--duplicate=rotations"][..]),
        ("permutations", &["--duplicate", "permutations"][..]),
    ] {
        arena()
            .args(["run", "--bots", "tag,call,random", "--hands", "300"])
            .args(["--seed", "2", "--threads", "1"])
            .args(args)
            .arg("--out")
            .arg(dir.path().join(name))
            .assert()
            .success();
    }
    let read = |n: &str, f: &str| std::fs::read_to_string(dir.path().join(n).join(f)).unwrap();
    assert_eq!(read("bare", "blocks.csv"), read("rotations", "blocks.csv"));
    assert!(read("bare", "blocks.csv").contains("\n0,0,300,900,tag,900,"));
    assert!(read("permutations", "blocks.csv").contains("\n0,0,300,900,tag,900,"));
    assert!(!read("rotations", "run.json").contains("permutations"));
    assert!(read("permutations", "run.json").contains("\"permutations\": true"));
    // Per-seat stacks (`--stacks`, line-up order) stay with their bots as they move.
    let out = dir.path().join("stacks");
    arena()
        .args([
            "run",
            "--bots",
            "tag,call,random",
            "--stacks",
            "400,2000,900",
        ])
        .args([
            "--duplicate",
            "permutations",
            "--hands",
            "10",
            "--seed",
            "1",
        ])
        .arg("--hand-histories")
        .arg(out.join("h.phhs"))
        .args(["--history-hands", "30", "--out"])
        .arg(&out)
        .assert()
        .success();
    let phh = std::fs::read_to_string(out.join("h.phhs")).unwrap();
    let field = |hand: &str, name: &str| -> Vec<String> {
        let line = hand.lines().find(|l| l.starts_with(name)).unwrap();
        let inner = line.split_once('[').unwrap().1.trim_end_matches(']');
        inner
            .split(", ")
            .map(|x| x.trim_matches('"').to_string())
            .collect()
    };
    let hands: Vec<&str> = phh.split("\n\n").filter(|h| !h.trim().is_empty()).collect();
    assert_eq!(hands.len(), 30);
    for hand in hands {
        for (bot, stack) in field(hand, "players = ")
            .iter()
            .zip(field(hand, "starting_stacks = "))
        {
            let want = match bot.as_str() {
                "tag" => "400",
                "call" => "2000",
                _ => "900",
            };
            assert_eq!(stack, want, "{bot} in {hand}");
        }
    }
}

#[test]
fn duplicate_rotations_move_drawn_stacks_with_the_cards() {
    use holdem_arena::config::StackRange;
    use holdem_arena::deal::Dealer;
    let dealer = Dealer::new(9).with_stacks(
        Some(StackRange {
            min_bb: 20,
            max_bb: 200,
        }),
        20,
    );
    let deal = dealer.deal(17, 3);
    for r in 0..3 {
        let rotated = deal.rotated(r, 3);
        for seat in 0..3 {
            let from = (seat + 3 - r) % 3;
            assert_eq!(rotated.hole_cards[seat], deal.hole_cards[from]);
            assert_eq!(rotated.stacks[seat], deal.stacks[from]);
        }
    }
    // Drawing stacks leaves the cards as they were.
    assert_eq!(deal.hole_cards, Dealer::new(9).deal(17, 3).hole_cards);
}
