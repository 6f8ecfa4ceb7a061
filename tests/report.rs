//! `holdem-arena report`: the page's text for a small run and a small heads-up league,
//! escaping of names from the files, bad folders and malformed CSVs (exit 2, one
//! line, nothing written), and the page loaded in a real browser (headless Chromium:
//! its text, and no console error).

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Plays a run of `args` into `dir/run` and returns the folder.
fn run_into(dir: &Path, args: &[&str]) -> PathBuf {
    let out = dir.join("run");
    arena()
        .arg("run")
        .args(args)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    out
}

/// Writes the report of `dir` and returns the page.
fn report_of(dir: &Path) -> String {
    let assert = arena().arg("report").arg(dir).assert().success();
    let out = dir.join("report.html");
    assert!(stdout_of(&assert).contains("report.html"));
    let leftovers: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".report.html"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    std::fs::read_to_string(out).unwrap()
}

/// The page is one self-contained document: no scripts, nothing fetched.
fn assert_self_contained(page: &str) {
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.trim_end().ends_with("</html>"));
    for needle in [
        "<script", "src=", "href=", "url(", "@import", "<link", "<img",
    ] {
        assert!(!page.contains(needle), "the page holds {needle:?}");
    }
}

/// A 3,000-hand run with stacks drawn per deal (depths.csv).
fn small_run(dir: &Path) -> PathBuf {
    run_into(
        dir,
        &[
            "--bots",
            "tag,call,random",
            "--hands",
            "3000",
            "--seed",
            "3",
            "--stack-range",
            "20bb..200bb",
            "--threads",
            "1",
        ],
    )
}

/// A heads-up league of three bots, 2,000 deals a pair.
fn small_league(dir: &Path) -> PathBuf {
    let out = dir.join("league");
    arena()
        .args([
            "league",
            "--bots",
            "tag,call,random",
            "--hands",
            "2000",
            "--seed",
            "5",
            "--threads",
            "1",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    out
}

#[test]
fn a_run_page_has_the_summary_plot_depths_and_settings() {
    let dir = tempfile::tempdir().unwrap();
    let run = small_run(dir.path());
    let page = report_of(&run);
    assert_self_contained(&page);
    for needle in [
        "<h2>Summary</h2>",
        "<h2>Win rate over hands</h2>",
        "<h2>By effective stack</h2>",
        "<h2>Tracker statistics</h2>",
        "<h2>By position</h2>",
        "fold to 3-bet",
        "<th>BTN</th>",
        "<h2>Settings</h2>",
        "bb/100 ± 95% CI",
        "all-in adj bb/100 ± 95% CI",
        "VPIP %",
        "WTSD %",
        "faults",
        "<td>tag</td>",
        "<td>call</td>",
        "<td>random</td>",
        "<svg",
        "seed_string",
        "<h2>Command</h2>",
    ] {
        assert!(page.contains(needle), "the run page lacks {needle:?}");
    }
    // The command that produced the run, as run.json recorded it, quoted for a shell.
    assert!(
        page.contains(
            "<pre><code>holdem-arena run --bots &#39;tag,call,random&#39; --hands 3000 --seed 3"
        ),
        "{page}"
    );
    // The summary's numbers are bots.csv's, rounded to two decimals.
    let bots = std::fs::read_to_string(run.join("bots.csv")).unwrap();
    let tag: Vec<&str> = bots.lines().nth(1).unwrap().split(',').collect();
    let (rate, ci): (f64, f64) = (tag[4].parse().unwrap(), tag[5].parse().unwrap());
    assert!(page.contains(&format!("{rate:+.2} ± {ci:.2}")));
    // No latency.csv (no wired bot), so no latency section.
    assert!(!page.contains("Decision latency"));
    // The same folder gives the same page.
    assert_eq!(report_of(&run), page);
    // A latency.csv (written when a bot behind a wire played) gets its section.
    std::fs::write(
        run.join("latency.csv"),
        "bot,decisions,latency_p50_ms,latency_p99_ms,latency_max_ms\ntag,1200,0.5,2.25,7.5\n",
    )
    .unwrap();
    let page = report_of(&run);
    assert!(page.contains("<h2>Decision latency</h2>"));
    assert!(page.contains("<td class=\"num\">1200</td><td class=\"num\">0.50</td><td class=\"num\">2.25</td><td class=\"num\">7.50</td>"), "{page}");
}

#[test]
fn names_from_the_files_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let run = small_run(dir.path());
    let bots = std::fs::read_to_string(run.join("bots.csv")).unwrap();
    let evil = "\"exec:x <b>&amp; 'y'</b>\"";
    std::fs::write(
        run.join("bots.csv"),
        bots.replacen("\ncall,", &format!("\n{evil},"), 1),
    )
    .unwrap();
    let page = report_of(&run);
    assert!(
        page.contains("<td>exec:x &lt;b&gt;&amp;amp; &#39;y&#39;&lt;/b&gt;</td>"),
        "{page}"
    );
    assert!(!page.contains("<b>&amp;"));
}

#[test]
fn a_league_page_has_the_ratings_crosstable_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let league = small_league(dir.path());
    let page = report_of(&league);
    assert_self_contained(&page);
    for needle in [
        "<h2>Ratings</h2>",
        "<h2>Crosstable</h2>",
        "<h2>Field</h2>",
        "<h2>Tracker statistics</h2>",
        "<h2>By position</h2>",
        "<h2>Settings</h2>",
        "<td>tag</td>",
        "<td>call</td>",
        "<td>random</td>",
        "95% interval",
        "heads-up",
    ] {
        assert!(page.contains(needle), "the league page lacks {needle:?}");
    }
    // The crosstable is inline: crosstable.svg's own element, without any prolog.
    let svg = std::fs::read_to_string(league.join("crosstable.svg")).unwrap();
    let start = svg.find("<svg").unwrap();
    assert!(page.contains(svg[start..].trim_end()));
    assert_eq!(page.matches("<svg").count(), 1);
}

/// Runs `report DIR`, expecting exit 2 with one line holding every `needles` entry,
/// and no report.html.
fn refuses(dir: &Path, needles: &[&str]) {
    let assert = arena().arg("report").arg(dir).assert().code(2);
    let stderr = stderr_of(&assert);
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr:?}");
    for n in needles {
        assert!(stderr.contains(n), "{stderr:?} lacks {n:?}");
    }
    assert!(!dir.join("report.html").exists());
}

#[test]
fn bad_folders_and_malformed_files_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    refuses(
        &empty,
        &[
            &empty.display().to_string(),
            "neither a run folder",
            "bots.csv",
            "league.json",
        ],
    );
    refuses(&dir.path().join("nosuch"), &["nosuch", "neither"]);

    let run = small_run(dir.path());
    let bots_file = run.join("bots.csv");
    let good = std::fs::read_to_string(&bots_file).unwrap();
    // A rate that is not a number, on the third line.
    let mut lines: Vec<String> = good.lines().map(str::to_string).collect();
    let mut fields: Vec<&str> = lines[2].split(',').collect();
    fields[4] = "lots";
    lines[2] = fields.join(",");
    std::fs::write(&bots_file, lines.join("\n") + "\n").unwrap();
    refuses(
        &run,
        &["bots.csv line 3", "bb_per_100", "\"lots\"", "not a number"],
    );
    // A row with a field too many, on the fourth line.
    let mut lines: Vec<String> = good.lines().map(str::to_string).collect();
    lines[3] += ",extra";
    std::fs::write(&bots_file, lines.join("\n") + "\n").unwrap();
    refuses(&run, &["bots.csv line 4", "malformed CSV"]);
    // A missing column.
    std::fs::write(&bots_file, "bot,hands\ntag,10\n").unwrap();
    refuses(&run, &["bots.csv", "no column \"seats\""]);
    std::fs::write(&bots_file, good).unwrap();
    // A malformed depths.csv is named too.
    std::fs::write(
        run.join("depths.csv"),
        "bot,effective_stack_bb,hands,net_chips,bb_per_100,ci95_bb_per_100\ntag,20-50,x,0,1,1\n",
    )
    .unwrap();
    refuses(&run, &["depths.csv line 2", "hands", "\"x\""]);

    let league = small_league(dir.path());
    std::fs::write(
        league.join("crosstable.svg"),
        "<svg onload=\"alert(1)\"></svg>",
    )
    .unwrap();
    refuses(&league, &["crosstable.svg", "active content"]);
    std::fs::remove_file(league.join("crosstable.svg")).unwrap();
    refuses(&league, &["cannot read", "crosstable.svg"]);
}

/// The Chromium binary: found on PATH, or installed from Debian's `chromium` package
/// when running as root. `Err` says why there is none.
fn chromium() -> Result<PathBuf, String> {
    let find = || {
        ["chromium", "chromium-browser"].iter().find_map(|name| {
            let out = Command::new("sh")
                .args(["-c", &format!("command -v {name}")])
                .output()
                .ok()?;
            let path = String::from_utf8_lossy(&out.stdout).trim().to_string();
            (out.status.success() && !path.is_empty()).then(|| PathBuf::from(path))
        })
    };
    if let Some(p) = find() {
        return Ok(p);
    }
    let uid = Command::new("id")
        .arg("-u")
        .output()
        .map_err(|e| e.to_string())?;
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        return Err(
            "chromium is not installed and the test is not root (cannot apt-get install it)".into(),
        );
    }
    let install = Command::new("timeout")
        .args([
            "600",
            "sh",
            "-c",
            "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium",
        ])
        .output()
        .map_err(|e| format!("cannot run apt-get: {e}"))?;
    if !install.status.success() {
        let err = String::from_utf8_lossy(&install.stderr);
        return Err(format!(
            "apt-get install chromium failed: {}",
            err.lines().last().unwrap_or("")
        ));
    }
    find().ok_or_else(|| "apt-get installed chromium but it is not on PATH".into())
}

/// Loads `page` in headless Chromium (at most 120 s) and returns (the DOM it dumps,
/// the console lines it logged about the page: errors, uncaught exceptions, and any
/// console message at all, since the page runs no script).
fn load(chromium: &Path, page: &Path) -> (String, Vec<String>) {
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new("timeout")
        .arg("120")
        .arg(chromium)
        .args([
            "--headless",
            "--disable-gpu",
            "--no-sandbox",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium starts");
    assert!(
        out.status.success(),
        "chromium failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let console = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.contains("Uncaught") || l.contains("ERROR:CONSOLE") || l.contains(":CONSOLE"))
        .map(str::to_string)
        .collect();
    (String::from_utf8_lossy(&out.stdout).into_owned(), console)
}

/// Writes `folder`'s report, loads it in Chromium and checks the rendered DOM holds
/// the `sections`, the bots' names and an inline SVG, with nothing on the console.
fn renders(chromium: &Path, folder: &Path, sections: &[&str]) {
    report_of(folder);
    let (dom, console) = load(chromium, &folder.join("report.html"));
    assert!(console.is_empty(), "console: {console:?}");
    for needle in sections.iter().chain(&["tag", "call", "random", "<svg"]) {
        assert!(
            dom.contains(needle),
            "the rendered page of {} lacks {needle:?}",
            folder.display()
        );
    }
}

#[test]
fn the_pages_render_in_headless_chromium_without_console_errors() {
    let chromium = match chromium() {
        Ok(c) => c,
        Err(why) => {
            println!("skipped: {why}");
            return;
        }
    };
    let dir = tempfile::tempdir().unwrap();
    // The check can fail: a page whose script throws is caught.
    let bad = dir.path().join("bad.html");
    std::fs::write(
        &bad,
        "<!DOCTYPE html><html><body><p>x</p><script>throw new Error('boom')</script></body></html>",
    )
    .unwrap();
    let (_, console) = load(&chromium, &bad);
    assert!(
        console.iter().any(|l| l.contains("boom")),
        "a thrown error is not seen: {console:?}"
    );

    renders(
        &chromium,
        &small_run(dir.path()),
        &[
            "Summary",
            "Win rate over hands",
            "By effective stack",
            "Settings",
        ],
    );
    renders(
        &chromium,
        &small_league(dir.path()),
        &["Ratings", "Crosstable", "Field", "Settings"],
    );
}
