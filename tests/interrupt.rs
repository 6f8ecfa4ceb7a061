//! Ctrl-C and SIGTERM during a run: the run stops within seconds, exits 130 / 143,
//! leaves no temporary or half-written file, and kills every external bot and the
//! processes those bots started.

#![cfg(unix)]

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn start_run(out: &Path, pids: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_holdem-arena"))
        .args(["run", "--hands", "1000000", "--seed", "1", "--threads", "2"])
        .arg("--bots")
        .arg(format!(
            "call,exec:python3 tests/fixtures/slow_spawner.py {}",
            pids.display()
        ))
        .arg("--out")
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts")
}

fn alive(pid: i32) -> bool {
    // SAFETY: kill with signal 0 only checks that the process exists.
    let exists = unsafe { libc::kill(pid, 0) } == 0;
    // A zombie still "exists" until reaped; /proc says whether it is one.
    exists
        && !std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .is_ok_and(|s| s.split_whitespace().nth(2) == Some("Z"))
}

fn wait_with_deadline(child: &mut Child, limit: Duration) -> Option<i32> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    None
}

fn interrupt_with(signal: i32, expected_code: i32) {
    let dir = tempfile::tempdir().unwrap();
    let (out, pids) = (dir.path().join("out"), dir.path().join("pids"));
    let mut child = start_run(&out, &pids);
    // Wait until both bots (one per worker) have started their grandchildren.
    let start = Instant::now();
    while std::fs::read_to_string(&pids).map_or(0, |s| s.lines().count()) < 4 {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "bots never started"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    // SAFETY: signalling our own child process.
    unsafe { libc::kill(child.id() as i32, signal) };
    let code = wait_with_deadline(&mut child, Duration::from_secs(10));
    let stderr = {
        use std::io::Read;
        let mut s = String::new();
        child.stderr.take().unwrap().read_to_string(&mut s).unwrap();
        s
    };
    assert_eq!(code, Some(expected_code), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    // No result file and no temporary file: only the bots' stderr logs may remain.
    let left: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "bots")
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    // Every bot and every grandchild is gone.
    std::thread::sleep(Duration::from_millis(200));
    for pid in std::fs::read_to_string(&pids).unwrap().lines() {
        let pid: i32 = pid.parse().unwrap();
        assert!(!alive(pid), "process {pid} outlived the run");
    }
}

#[test]
fn ctrl_c_stops_the_run_with_exit_130_and_leaves_no_temporary_files_or_processes() {
    interrupt_with(libc::SIGINT, 130);
}

#[test]
fn sigterm_stops_the_run_with_exit_143_and_leaves_no_temporary_files_or_processes() {
    interrupt_with(libc::SIGTERM, 143);
}
