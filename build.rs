//! Generates the hand evaluator's lookup tables into `$OUT_DIR/eval_tables.rs`
//! (included by `src/eval/mod.rs`). The generator and its self-checks (7,462 classes,
//! per-category class counts, collision-free rank keys and perfect hash) live in
//! `src/eval/table_gen.rs`, which the unit tests also compile.

#[path = "src/eval/table_gen.rs"]
#[allow(dead_code)]
mod table_gen;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    version_with_commit();
    println!("cargo::rerun-if-changed=src/eval/table_gen.rs");
    let tables = table_gen::generate();
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    std::fs::write(out.join("eval_tables.rs"), table_gen::to_rust(&tables))
        .expect("write eval_tables.rs");
}

/// Sets `HOLDEM_ARENA_VERSION` for `--version`: the package version and, when built
/// from a git checkout, the commit (`0.1.0 (abc1234)`); plain `0.1.0` otherwise (a
/// source tarball, no git). Reruns when the checked-out commit changes.
fn version_with_commit() {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let full = match git(&["rev-parse", "--short=7", "HEAD"]) {
        Some(commit) => format!("{version} ({commit})"),
        None => version,
    };
    println!("cargo::rustc-env=HOLDEM_ARENA_VERSION={full}");
    // The commit changes with HEAD (checkout) or with the branch it points to (commit).
    if let Some(head) = git(&["rev-parse", "--path-format=absolute", "--git-path", "HEAD"]) {
        println!("cargo::rerun-if-changed={head}");
    }
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"])
        && let Some(path) = git(&["rev-parse", "--path-format=absolute", "--git-path", &branch])
    {
        println!("cargo::rerun-if-changed={path}");
    }
}
