//! What the integration tests share: the binary under test and its output as text.

#![allow(dead_code)] // each test file uses a part

use assert_cmd::Command;
use std::collections::BTreeMap;
use std::path::Path;

/// The `holdem-arena` binary, ready to take arguments.
pub fn arena() -> Command {
    Command::cargo_bin("holdem-arena").expect("the binary is built for the tests")
}

/// Runs `holdem-arena ARGS` and returns (exit code, stdout, stderr).
pub fn arena_output(args: &[&str]) -> (i32, String, String) {
    let output = arena().args(args).output().expect("the binary runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// What an asserted run printed on stdout.
pub fn stdout_of(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stdout).into_owned()
}

/// What an asserted run printed on stderr.
pub fn stderr_of(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stderr).into_owned()
}

/// The rows of a CSV file as column → value maps.
pub fn rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// The number in `column` of a CSV row.
pub fn num(row: &BTreeMap<String, String>, column: &str) -> f64 {
    row[column]
        .parse()
        .unwrap_or_else(|_| panic!("{column} = {:?}", row[column]))
}

/// The `python3` of a virtual environment named `name` under the target folder, with
/// `websockets` (pinned) installed from the registry on first use; the WebSocket
/// tests' real clients run on it. Each test binary names its own, so that two binaries
/// never install into one at once.
///
/// # Panics
/// When the environment cannot be created or `websockets` cannot be installed.
pub fn websockets_python(name: &str) -> std::path::PathBuf {
    use std::process::Command;
    let venv = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let python = venv.join("bin/python3");
    let has = |p: &std::path::Path| {
        Command::new(p)
            .args(["-c", "import websockets"])
            .status()
            .is_ok_and(|s| s.success())
    };
    if !has(&python) {
        let ok = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .is_ok_and(|s| s.success())
            && Command::new(venv.join("bin/pip"))
                .args([
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    "websockets==15.0.1",
                ])
                .status()
                .is_ok_and(|s| s.success());
        assert!(
            ok && has(&python),
            "cannot install websockets into {}",
            venv.display()
        );
    }
    python
}
