//! The progress bar, seen in a real terminal (a pseudo-terminal from `script`): it
//! moves hand by hand when a bot behind a wire is seated, and says who the run waits
//! for when a bot keeps the table waiting.

#![cfg(unix)]

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs `holdem-arena ARGS` under `script` (so stderr is a terminal) and returns what
/// the terminal showed, or `None` (with a note) where `script` is missing.
fn in_terminal(args: &str, limit: Duration) -> Option<String> {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: `script` (util-linux) is not installed");
        return None;
    }
    let bin = env!("CARGO_BIN_EXE_holdem-arena");
    let mut child = Command::new("script")
        .args(["-qfec", &format!("{bin} {args}"), "/dev/null"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("script starts");
    // Read while it runs: the bar redraws ten times a second and would fill the pipe.
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        use std::io::Read;
        let _ = stdout.read_to_end(&mut out);
        String::from_utf8_lossy(&out).into_owned()
    });
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("`holdem-arena {args}` did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Some(reader.join().unwrap())
}

#[test]
fn a_bot_that_never_answers_is_named_on_the_bar_with_how_long_it_has_kept_the_table_waiting() {
    let dir = tempfile::tempdir().unwrap();
    let Some(screen) = in_terminal(
        &format!(
            "run --bots 'call,exec:python3 tests/fixtures/faulty_bot.py hang' --hands 1 --seed 1 \
             --threads 1 --action-timeout 4 --out {}",
            dir.path().display()
        ),
        Duration::from_secs(60),
    ) else {
        return;
    };
    assert!(
        screen.contains("waiting for faulty_bot (seat 1): 3 s")
            || screen.contains("waiting for faulty_bot (seat 1): 4 s"),
        "{screen}"
    );
}

#[test]
fn with_a_bot_behind_a_wire_the_bar_moves_hand_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let pids = dir.path().join("pids");
    let Some(screen) = in_terminal(
        &format!(
            "run --bots 'call,exec:python3 tests/fixtures/slow_spawner.py {}' --hands 300 --seed 1 \
             --threads 1 --out {}",
            pids.display(),
            dir.path().join("out").display()
        ),
        Duration::from_secs(60),
    ) else {
        return;
    };
    // 300 hands are one chunk: counted per chunk the bar would jump from 0 to 300.
    let between = (1..300).any(|n| screen.contains(&format!(" {n}/300 hands")));
    assert!(between, "{screen}");
}
