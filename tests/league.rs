//! `holdem-arena league`: a heads-up league of tag, tag_loose, call and random — the
//! crosstable is antisymmetric and is each match's own blocks, tag beats call and
//! random with intervals excluding zero, the ratings rank the bots as the crosstable
//! does, the files are byte-identical at 1 and 2 threads — and bad input.

mod common;

use common::{arena, arena_output, num, rows};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const FIELD: [&str; 4] = ["tag", "tag_loose", "call", "random"];

/// Plays a league of [`FIELD`] with `args` at `threads` threads into `DIR/name`;
/// returns the folder and what it printed.
fn play(dir: &Path, name: &str, threads: &str, args: &[&str]) -> (PathBuf, String) {
    let out = dir.join(name);
    let assert = arena()
        .args(["league", "--bots", &FIELD.join(","), "--seed", "15"])
        .args(args)
        .args(["--threads", threads, "--out", out.to_str().unwrap()])
        .assert()
        .success();
    (out, common::stdout_of(&assert))
}

/// The test's heads-up league at `threads` threads.
fn league(dir: &Path, name: &str, threads: &str) -> (PathBuf, String) {
    play(dir, name, threads, &["--hands", "20000"])
}

/// The league's files and each run's files but `run.json` (which records the time
/// taken and the thread count), relative to the league's folder; the runs are in
/// `runs` (`pairs` or `tables`).
fn deterministic_files(out: &Path, runs: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = [
        "league.csv",
        "field.csv",
        "ratings.csv",
        "crosstable.svg",
        "league.json",
        "tracker.csv",
        "positions.csv",
    ]
    .iter()
    .map(PathBuf::from)
    .collect();
    let mut pairs: Vec<PathBuf> = std::fs::read_dir(out.join(runs))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    pairs.sort();
    for p in pairs {
        for f in ["blocks.csv", "bots.csv", "seats.csv"] {
            files.push(p.strip_prefix(out).unwrap().join(f));
        }
    }
    files
}

/// The deterministic files of two leagues (`runs` runs in folder `runs_dir`) are
/// byte-identical.
fn assert_same_files(one: &Path, two: &Path, runs_dir: &str, runs: usize) {
    let files = deterministic_files(one, runs_dir);
    assert_eq!(files.len(), 7 + runs * 3, "{runs} runs: {files:?}");
    // league.json records the command line, which names the thread count.
    let read = |dir: &Path, f: &Path| -> String {
        let text = std::fs::read_to_string(dir.join(f)).unwrap();
        text.lines()
            .filter(|l| !l.trim_start().starts_with("\"command\":"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    for f in &files {
        assert_eq!(
            read(one, f),
            read(two, f),
            "{} differs between 1 and 2 threads",
            f.display()
        );
    }
}

#[test]
fn a_heads_up_league_ranks_the_field_with_intervals_the_same_at_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let (one, printed) = league(dir.path(), "one", "1");
    // --watch prints the ranking as it settles on stderr and changes nothing else.
    let two = dir.path().join("two");
    let watched = arena()
        .args(["league", "--bots", &FIELD.join(","), "--seed", "15"])
        .args(["--hands", "20000", "--watch", "--threads", "2", "--out"])
        .arg(&two)
        .assert()
        .success();
    assert_eq!(
        common::stdout_of(&watched).lines().next(),
        printed.lines().next()
    );
    let stderr = String::from_utf8_lossy(&watched.get_output().stderr).to_string();
    assert!(stderr.contains("after 1 of 6 runs ("), "{stderr}");
    // The first match is tag against tag_loose: only they are rated yet.
    let first: Vec<&str> = stderr.lines().take(5).collect();
    assert!(first[1].starts_with("rank  bot"), "{stderr}");
    let rated: Vec<&str> = first[2..4]
        .iter()
        .map(|l| l.split_whitespace().nth(1).unwrap())
        .collect();
    assert_eq!(rated, ["tag_loose", "tag"], "{stderr}");
    assert_eq!(first[4].trim(), "not played yet: call, random", "{stderr}");
    assert_same_files(&one, &two, "pairs", 6);

    // One row per ordered pair.
    let cells: BTreeMap<(String, String), BTreeMap<String, String>> = rows(&one.join("league.csv"))
        .into_iter()
        .map(|r| ((r["row_bot"].clone(), r["column_bot"].clone()), r))
        .collect();
    assert_eq!(cells.len(), 12);
    for ((a, b), cell) in &cells {
        assert_eq!(
            num(cell, "hands"),
            40_000.0,
            "{a} vs {b}: each deal from both seats"
        );
        // Antisymmetric within rounding (heads-up without rake is zero-sum), each
        // side computed from its own bot's blocks.
        let back = &cells[&(b.clone(), a.clone())];
        assert!(
            (num(cell, "bb_per_100") + num(back, "bb_per_100")).abs() < 1e-3,
            "{a} vs {b}: {} and {}",
            cell["bb_per_100"],
            back["bb_per_100"]
        );
        assert!((num(cell, "ci95_bb_per_100") - num(back, "ci95_bb_per_100")).abs() < 1e-3);
        // The cell is the match's blocks: Σ all-in-adjusted results / Σ hands, from
        // the match's own blocks.csv, and its significance mark is the interval's.
        let dir = [format!("{a}-vs-{b}"), format!("{b}-vs-{a}")]
            .into_iter()
            .map(|d| one.join("pairs").join(d))
            .find(|d| d.exists())
            .unwrap_or_else(|| panic!("no match folder for {a} and {b}"));
        let blocks: Vec<_> = rows(&dir.join("blocks.csv"))
            .into_iter()
            .filter(|r| r["bot"] == *a)
            .collect();
        assert_eq!(blocks.len(), 20);
        let bb: f64 = blocks.iter().map(|r| num(r, "allin_adj_bb")).sum();
        let hands: f64 = blocks.iter().map(|r| num(r, "seat_hands")).sum();
        assert!(
            (100.0 * bb / hands - num(cell, "bb_per_100")).abs() < 1e-3,
            "{a} vs {b}"
        );
        let excludes = num(cell, "bb_per_100").abs() > num(cell, "ci95_bb_per_100");
        assert_eq!(cell["excludes_zero"], excludes.to_string(), "{a} vs {b}");
    }
    for weaker in ["call", "random"] {
        let c = &cells[&("tag".to_string(), weaker.to_string())];
        assert!(
            num(c, "bb_per_100") - num(c, "ci95_bb_per_100") > 0.0 && c["excludes_zero"] == "true",
            "tag beats {weaker} with an interval above zero: {c:?}"
        );
    }

    // The ratings rank the field as the crosstable does: here the significant results
    // are a total order (each bot beats every bot below it), and the ranking follows
    // the count of opponents beaten.
    let beaten = |bot: &str| {
        cells
            .iter()
            .filter(|((a, _), c)| {
                a == bot && c["excludes_zero"] == "true" && num(c, "bb_per_100") > 0.0
            })
            .count()
    };
    let mut by_wins: Vec<&str> = FIELD.to_vec();
    by_wins.sort_by_key(|b| std::cmp::Reverse(beaten(b)));
    let counts: Vec<usize> = by_wins.iter().map(|b| beaten(b)).collect();
    assert_eq!(counts, vec![3, 2, 1, 0], "a total order: {by_wins:?}");
    let ratings = rows(&one.join("ratings.csv"));
    let ranked: Vec<&str> = ratings.iter().map(|r| r["bot"].as_str()).collect();
    assert_eq!(ranked, by_wins);
    for (k, r) in ratings.iter().enumerate() {
        assert_eq!(num(r, "rank"), (k + 1) as f64);
        assert!(
            num(r, "elo_ci95_low") <= num(r, "elo") && num(r, "elo") <= num(r, "elo_ci95_high"),
            "{r:?}"
        );
        assert_eq!(
            num(r, "blocks_won") + num(r, "blocks_drawn") + num(r, "blocks_lost"),
            60.0
        );
    }
    let mean: f64 = ratings.iter().map(|r| num(r, "elo")).sum::<f64>() / 4.0;
    assert!(mean.abs() < 0.1, "the field's mean rating is 0: {mean}");
    let above = |a: &str, b: &str| {
        let elo = |x: &str| num(ratings.iter().find(|r| r["bot"] == x).unwrap(), "elo");
        elo(a) > elo(b)
    };
    assert!(above("tag", "call") && above("tag", "random"));

    // The summary: one ranking line per bot, in rank order.
    let lines: Vec<&str> = printed.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("ratings:"))
        .unwrap();
    for (k, bot) in ranked.iter().enumerate() {
        let line = lines[at + 2 + k].split_whitespace().collect::<Vec<_>>();
        assert_eq!(line[..2], [(k + 1).to_string().as_str(), bot], "{printed}");
    }

    // The heat map carries each cell's number.
    let svg = std::fs::read_to_string(one.join("crosstable.svg")).unwrap();
    for cell in cells.values() {
        let text = format!("{:+.1}", num(cell, "bb_per_100"));
        assert!(svg.contains(&text), "{text} is not in crosstable.svg");
    }
}

#[test]
fn a_three_handed_league_plays_every_table_in_every_seat_order() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "--format",
        "table:3",
        "--hands",
        "10000",
        "--block-deals",
        "500",
    ];
    let (one, printed) = play(dir.path(), "one", "1", &args);
    let (two, _) = play(dir.path(), "two", "2", &args);
    // 4 tables of 3 (every 3 of the 4 bots) × 6 seat orders.
    assert_same_files(&one, &two, "tables", 24);

    // Each bot in each seat equally often (2 orders of each of its 3 tables), from the
    // runs' own seats.csv.
    let mut in_seat: BTreeMap<(String, String), u32> = BTreeMap::new();
    let mut recomputed: BTreeMap<String, (f64, f64)> = BTreeMap::new();
    for run in std::fs::read_dir(one.join("tables")).unwrap() {
        let run = run.unwrap().path();
        for r in rows(&run.join("seats.csv")) {
            *in_seat
                .entry((r["bot"].clone(), r["seat"].clone()))
                .or_default() += 1;
        }
        for r in rows(&run.join("blocks.csv")) {
            let e = recomputed.entry(r["bot"].clone()).or_default();
            e.0 += num(&r, "allin_adj_bb");
            e.1 += num(&r, "seat_hands");
        }
    }
    assert_eq!(in_seat.len(), 4 * 3);
    assert!(in_seat.values().all(|&c| c == 6), "{in_seat:?}");

    // field.csv: each bot over all its hands, the runs' blocks added up; zero-sum.
    let field = rows(&one.join("field.csv"));
    assert_eq!(field.len(), 4);
    let mut chips = 0.0;
    for f in &field {
        let (bb, hands) = recomputed[&f["bot"]];
        assert_eq!(num(f, "hands"), hands);
        assert_eq!(hands, 180_000.0, "3 tables × 6 orders × 10000 deals");
        assert!(
            (100.0 * bb / hands - num(f, "bb_per_100")).abs() < 1e-3,
            "{f:?}"
        );
        chips += num(f, "bb_per_100") * hands / 100.0;
    }
    // tracker.csv and positions.csv: each bot over all its runs.
    let vpip: Vec<f64> = rows(&one.join("tracker.csv"))
        .iter()
        .filter(|r| r["statistic"] == "VPIP")
        .map(|r| num(r, "opportunities"))
        .collect();
    assert_eq!(vpip, [180_000.0; 4], "every hand is a VPIP opportunity");
    let positions = rows(&one.join("positions.csv"));
    assert_eq!(positions.len(), 4 * 3, "BTN, SB and BB for each bot");
    assert!(positions.iter().all(|r| num(r, "hands") == 60_000.0));
    assert!(
        chips.abs() < 1.0,
        "the field's results add up to 0: {chips} bb"
    );

    // The crosstable: row bot less column bot at the tables both sat, antisymmetric.
    let cells: BTreeMap<(String, String), BTreeMap<String, String>> = rows(&one.join("league.csv"))
        .into_iter()
        .map(|r| ((r["row_bot"].clone(), r["column_bot"].clone()), r))
        .collect();
    assert_eq!(cells.len(), 12);
    for ((a, b), cell) in &cells {
        let back = &cells[&(b.clone(), a.clone())];
        assert!((num(cell, "bb_per_100") + num(back, "bb_per_100")).abs() < 1e-3);
        assert_eq!(
            num(cell, "hands"),
            2.0 * 6.0 * 10_000.0,
            "{a} and {b} share 2 tables"
        );
    }
    for weaker in ["call", "random"] {
        let c = &cells[&("tag".to_string(), weaker.to_string())];
        assert!(
            num(c, "bb_per_100") > 0.0 && c["excludes_zero"] == "true",
            "tag does better than {weaker} at the same tables: {c:?}"
        );
    }
    let ratings = rows(&one.join("ratings.csv"));
    let elo = |x: &str| num(ratings.iter().find(|r| r["bot"] == x).unwrap(), "elo");
    assert!(
        elo("tag") > elo("call") && elo("tag") > elo("random"),
        "{ratings:?}"
    );
    assert!(printed.contains("at the tables both sat"), "{printed}");
}

#[test]
fn an_external_bot_plays_in_a_league_as_its_built_in_twin() {
    // The Python calling station plays exactly as `call`: the same cells against
    // tag, and nothing between the two.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("external");
    arena()
        .args([
            "league",
            "--bots",
            "tag,call,exec:python3 bots/python/call_bot.py",
            "--hands",
            "1000",
            "--block-deals",
            "250",
            "--seed",
            "4",
            "--out",
            out.to_str().unwrap(),
        ])
        .assert()
        .success();
    let cells: BTreeMap<(String, String), BTreeMap<String, String>> = rows(&out.join("league.csv"))
        .into_iter()
        .map(|r| ((r["row_bot"].clone(), r["column_bot"].clone()), r))
        .collect();
    let cell = |a: &str, b: &str| cells[&(a.to_string(), b.to_string())]["bb_per_100"].clone();
    assert_eq!(cell("tag", "call"), cell("tag", "call_bot"));
    assert_eq!(
        num(&cells[&("call".into(), "call_bot".into())], "bb_per_100"),
        0.0
    );
    assert!(out.join("pairs/tag-vs-call_bot/blocks.csv").exists());
}

#[test]
fn bad_league_input_is_refused_with_one_line_naming_it_and_nothing_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    for (args, needle) in [
        (
            vec!["--bots", "tag"],
            "--bots tag: a league needs at least 2 bots",
        ),
        (vec!["--bots", "tag,call,tag"], "tag is given twice"),
        (vec!["--bots", "tag,nobody"], "nobody"),
        (
            vec!["--format", "table:1"],
            "--format table:1: K must be a whole number from 3 to 10",
        ),
        (vec!["--format", "table:11"], "--format table:11: K must be"),
        (
            vec!["--format", "swiss"],
            "--format \"swiss\": give heads-up or table:K",
        ),
        (
            vec!["--format", "table:5"],
            "--format table:5 needs at least 5 bots",
        ),
        (
            vec!["--bots", "tag,call,tag", "--format", "table:3"],
            "tag is given twice",
        ),
        (vec!["--hands", "0"], "--hands"),
        (vec!["--hands", "1000"], "makes 1 block a match"),
        (vec!["--block-deals", "0"], "--block-deals"),
    ] {
        // The defaults of this test, each replaced by the case's own.
        let mut all = vec!["league"];
        for (option, default) in [("--bots", "tag,call"), ("--hands", "2000")] {
            if !args.contains(&option) {
                all.extend([option, default]);
            }
        }
        all.extend(&args);
        all.extend(["--out", out.to_str().unwrap()]);
        let (code, stdout, stderr) = arena_output(&all);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stdout.is_empty(), "{args:?}: {stdout}");
        assert!(!out.exists(), "{args:?} wrote files");
    }
}
