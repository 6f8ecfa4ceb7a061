//! A run split into shards (`run --shard`) and merged (`merge SHARD_DIR...`) gives the
//! files of the run played whole; shards are idempotent; bad merges are refused.

mod common;

use common::{arena, arena_output};
use holdem_arena::run_info::RunInfo;
use std::path::{Path, PathBuf};

/// `run.json` without the lines of [`RunInfo::HOW_PLAYED`] (threads, time).
fn what_was_played(dir: &Path) -> String {
    let text = std::fs::read_to_string(dir.join("run.json")).unwrap();
    text.lines()
        .filter(|l| {
            !RunInfo::HOW_PLAYED
                .iter()
                .any(|f| l.trim_start().starts_with(&format!("\"{f}\":")))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Asserts that `a` and `b` hold the same result files, byte for byte (`run.json`
/// but for how it was played).
fn assert_same_run(a: &Path, b: &Path, files: &[&str]) {
    for f in files {
        let (x, y) = (
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
        );
        assert!(
            x == y,
            "{f} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
    assert_eq!(what_was_played(a), what_was_played(b));
}

const RUN_FILES: [&str; 5] = [
    "bots.csv",
    "seats.csv",
    "tracker.csv",
    "positions.csv",
    "blocks.csv",
];

/// Plays `holdem-arena run ARGS --out DIR` (exit 0) and returns DIR.
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

/// Merges `shards` into `dir/name` (exit 0); returns it and what merge printed on
/// stderr.
fn merge(dir: &Path, name: &str, shards: &[PathBuf]) -> (PathBuf, String) {
    let out = dir.join(name);
    let assert = arena()
        .arg("merge")
        .args(shards)
        .args(["--out", out.to_str().unwrap()])
        .assert()
        .success();
    (out, common::stderr_of(&assert))
}

/// Plays `args` whole and in `count` shards, merges the shards, and checks that the
/// merged files are the whole run's.
fn assert_shards_merge_into_the_whole_run(args: &[&str], count: u64) {
    let dir = tempfile::tempdir().unwrap();
    let whole = play(dir.path(), "whole", args);
    let shards: Vec<PathBuf> = (0..count)
        .map(|i| {
            let shard = format!("{i}/{count}");
            let mut a = args.to_vec();
            a.extend(["--shard", &shard]);
            play(dir.path(), &format!("shard-{i}"), &a)
        })
        .collect();
    // Shards in any order on the command line.
    let mut given = shards.clone();
    given.reverse();
    let (merged, stderr) = merge(dir.path(), "merged", &given);
    assert_same_run(&merged, &whole, &RUN_FILES);
    if whole.join("depths.csv").exists() {
        assert_same_run(&merged, &whole, &["depths.csv"]);
    }
    assert!(!stderr.contains("warning"), "{stderr}");
    let mut r = csv::Reader::from_path(merged.join("shards.csv")).unwrap();
    let bots = RunInfo::read(&whole).unwrap().distinct_bots().len() as u64;
    assert_eq!(
        r.records().count() as u64,
        count * bots,
        "one row per shard and bot"
    );
}

#[test]
fn shards_merge_into_the_files_of_the_run_played_whole() {
    // Block boundaries at 7,000 and 14,000 deals fall inside chunks of 4,096 deals.
    assert_shards_merge_into_the_whole_run(
        &[
            "--bots",
            "tag,random,call,equity",
            "--hands",
            "20500",
            "--seed",
            "5",
        ],
        3,
    );
    assert_shards_merge_into_the_whole_run(
        &[
            "--bots",
            "tag,call",
            "--hands",
            "3000",
            "--seed",
            "6",
            "--duplicate",
            "--block-deals",
            "250",
            "--stacks",
            "1000,3000",
            "--no-allin-adjust",
        ],
        4,
    );
    // Seat permutations with drawn stacks: the bots' seats depend only on the hand.
    assert_shards_merge_into_the_whole_run(
        &[
            "--bots",
            "tag,call,random",
            "--hands",
            "5000",
            "--seed",
            "7",
            "--duplicate",
            "permutations",
            "--block-deals",
            "700",
            "--stack-range",
            "20bb..200bb",
        ],
        3,
    );
}

#[test]
fn shards_with_a_stack_range_merge_into_the_whole_runs_depths() {
    assert_shards_merge_into_the_whole_run(
        &[
            "--bots",
            "tag,equity,call",
            "--hands",
            "9000",
            "--seed",
            "12",
            "--stack-range",
            "10bb..250bb",
        ],
        3,
    );
}

#[test]
fn a_shard_played_twice_gives_the_same_files_whatever_the_threads() {
    let dir = tempfile::tempdir().unwrap();
    let args = |threads: &'static str| {
        [
            "--bots",
            "tag,random,raise",
            "--hands",
            "30000",
            "--seed",
            "8",
            "--shard",
            "1/3",
            "--threads",
            threads,
        ]
    };
    let a = play(dir.path(), "a", &args("1"));
    let b = play(dir.path(), "b", &args("2"));
    let mut files = RUN_FILES.to_vec();
    files.push("totals.json");
    assert_same_run(&a, &b, &files);
    // Played again into the same folder: the files are replaced by the same bytes.
    let before: Vec<Vec<u8>> = files
        .iter()
        .map(|f| std::fs::read(a.join(f)).unwrap())
        .collect();
    play(dir.path(), "a", &args("2"));
    let after: Vec<Vec<u8>> = files
        .iter()
        .map(|f| std::fs::read(a.join(f)).unwrap())
        .collect();
    assert!(before == after, "a rerun changed the shard's files");
    let info = RunInfo::read(&a).unwrap();
    let shard = info.shard.expect("run.json names the shard");
    assert_eq!((shard.index, shard.count), (1, 3));
    assert_eq!((shard.first_deal, shard.end_deal), (10_000, 20_000));
    assert_eq!(info.hands, 30_000, "run.json names the logical run's deals");
}

/// A bot behind a wire that remembers the hands of its table: a shard starting inside
/// a chunk of 4,096 deals must first replay the chunk's earlier deals, or the bot's
/// count and so its play differ from the run played whole.
#[test]
fn a_sharded_run_of_external_bots_merges_into_the_run_played_whole() {
    assert_shards_merge_into_the_whole_run(
        &[
            "--bots",
            "tag,exec:python3 tests/fixtures/memory_bot.py",
            "--hands",
            "6000",
            "--block-deals",
            "500",
            "--seed",
            "3",
            "--threads",
            "1",
        ],
        2,
    );
}

#[test]
fn shard_auto_takes_the_same_shard_from_slurm_or_kubernetes() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["--bots", "tag,call", "--hands", "9000", "--seed", "2"];
    let given = play(
        dir.path(),
        "given",
        &[&args[..], &["--shard", "2/3"]].concat(),
    );
    let from = |name: &str, vars: &[(&str, &str)], extra: &[&str]| {
        let out = dir.path().join(name);
        let mut cmd = arena();
        for v in common_shard_variables() {
            cmd.env_remove(v);
        }
        cmd.envs(vars.iter().copied())
            .arg("run")
            .args(args)
            .args(["--shard", "auto"])
            .args(extra)
            .args(["--out", out.to_str().unwrap()])
            .assert()
            .success();
        out
    };
    let kubernetes = from("k8s", &[("JOB_COMPLETION_INDEX", "2")], &["--shards", "3"]);
    let slurm = from(
        "slurm",
        &[
            ("SLURM_ARRAY_TASK_ID", "12"),
            ("SLURM_ARRAY_TASK_COUNT", "3"),
            ("SLURM_ARRAY_TASK_MIN", "10"),
        ],
        &[],
    );
    let mut files = RUN_FILES.to_vec();
    files.push("totals.json");
    assert_same_run(&kubernetes, &given, &files);
    assert_same_run(&slurm, &given, &files);

    // Neither variable, or an index out of range: exit 2, nothing written.
    let refused = |vars: &[(&str, &str)], extra: &[&str], needle: &str| {
        let out = dir.path().join("refused");
        let mut cmd = arena();
        for v in common_shard_variables() {
            cmd.env_remove(v);
        }
        let assert = cmd
            .envs(vars.iter().copied())
            .arg("run")
            .args(args)
            .args(["--shard", "auto"])
            .args(extra)
            .args(["--out", out.to_str().unwrap()])
            .assert()
            .code(2);
        let stderr = common::stderr_of(&assert);
        assert!(stderr.contains(needle), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(!out.exists(), "nothing is written");
    };
    refused(&[], &[], "neither SLURM_ARRAY_TASK_ID");
    refused(
        &[("JOB_COMPLETION_INDEX", "3")],
        &["--shards", "3"],
        "--shard 3/3: the index runs from 0 to 2",
    );
    refused(
        &[
            ("SLURM_ARRAY_TASK_ID", "0"),
            ("SLURM_ARRAY_TASK_COUNT", "10"),
        ],
        &[],
        "9000 deals in blocks of 1000 make 9 block(s)",
    );
}

/// The variables `--shard auto` reads, which a test must not inherit.
fn common_shard_variables() -> [&'static str; 4] {
    holdem_arena::commands::run::SHARD_VARIABLES
}

#[test]
fn merge_refuses_shards_of_other_runs_twice_or_missing_naming_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let shard = |name: &str, seed: &str, shard: &str| {
        play(
            dir.path(),
            name,
            &[
                "--bots", "tag,call", "--hands", "8000", "--seed", seed, "--shard", shard,
            ],
        )
    };
    let a0 = shard("a0", "1", "0/4");
    let a1 = shard("a1", "1", "1/4");
    let a2 = shard("a2", "1", "2/4");
    let a3 = shard("a3", "1", "3/4");
    let b3 = shard("b3", "2", "3/4");
    let c1 = shard("c1", "1", "1/2");
    let whole = play(
        dir.path(),
        "whole",
        &["--bots", "tag,call", "--hands", "8000", "--seed", "1"],
    );
    let out = dir.path().join("merged");
    let refused = |dirs: &[&Path], out: &Path, needles: &[&str]| {
        let mut args = vec!["merge".to_string()];
        args.extend(dirs.iter().map(|d| d.to_str().unwrap().to_string()));
        args.extend(["--out".into(), out.to_str().unwrap().into()]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, _, stderr) = arena_output(&args);
        assert_eq!(code, 2, "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
        for n in needles {
            assert!(stderr.contains(n), "{n:?} in {stderr}");
        }
    };
    let b3_name = b3.display().to_string();
    refused(
        &[&a0, &a1, &a2, &b3],
        &out,
        &[&b3_name, "seed is 2, but", "different runs"],
    );
    let c1_name = c1.display().to_string();
    refused(
        &[&a0, &c1],
        &out,
        &[&c1_name, "shard count is 2", "overlap"],
    );
    refused(
        &[&a0, &a1, &a1],
        &out,
        &["are both shard 1/4", "each shard once"],
    );
    refused(
        &[&a0, &a2],
        &out,
        &["2 of the 4 shards", "missing: 1,3", "--array=1,3"],
    );
    refused(&[&a0, &whole], &out, &["is a whole run"]);
    refused(&[&a0, &a1, &a2, &a3], &a1, &["that is the shard folder"]);
    assert!(!out.exists(), "nothing is written");

    // A blocks.csv of another play of the shard (or another shard) is caught.
    std::fs::copy(a2.join("totals.json"), a1.join("totals.json")).unwrap();
    refused(&[&a0, &a1, &a2, &a3], &out, &["a1", "totals.json"]);
    assert!(!out.exists(), "nothing is written");
}

#[test]
fn merge_warns_about_a_shard_far_from_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let args = |bot: &'static str, shard: &'static str| {
        [
            "--bots",
            bot,
            "--hands",
            "8000",
            "--seed",
            "4",
            "--threads",
            "1",
            "--shard",
            shard,
        ]
    };
    let good = "tag,exec:python3 tests/fixtures/memory_bot.py";
    // The same bot, folding everything on the "broken node" of shard 1.
    let broken = "tag,exec:python3 tests/fixtures/memory_bot.py broken";
    let shards = vec![
        play(dir.path(), "s0", &args(good, "0/4")),
        play(dir.path(), "s1", &args(broken, "1/4")),
        play(dir.path(), "s2", &args(good, "2/4")),
        play(dir.path(), "s3", &args(good, "3/4")),
    ];
    let (merged, stderr) = merge(dir.path(), "merged", &shards);
    assert!(stderr.contains("warning: shard 1/4"), "{stderr}");
    assert!(stderr.contains("in the other shards: z"), "{stderr}");
    assert!(!stderr.contains("shard 0/4"), "{stderr}");
    let mut r = csv::Reader::from_path(merged.join("shards.csv")).unwrap();
    let headers = r.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let warned: Vec<(String, String)> = r
        .records()
        .map(|x| x.unwrap())
        .filter(|x| !x[col("warning")].is_empty())
        .map(|x| (x[col("shard")].to_string(), x[col("bot")].to_string()))
        .collect();
    assert!(
        warned.contains(&("1".into(), "memory_bot".into())),
        "{warned:?}"
    );
    assert!(warned.iter().all(|(s, _)| s == "1"), "{warned:?}");
}

#[test]
fn gate_pairs_a_merged_candidate_with_a_stored_baseline_as_if_it_played_it() {
    let dir = tempfile::tempdir().unwrap();
    let settings = [
        "--duplicate",
        "--hands",
        "6000",
        "--block-deals",
        "500",
        "--seed",
        "3",
    ];
    let base = play(
        dir.path(),
        "base",
        &[&["--bots", "tag,call"], &settings[..]].concat(),
    );
    let shards: Vec<PathBuf> = (0..3)
        .map(|i| {
            let shard = format!("{i}/3");
            let args = [
                &["--bots", "tag_loose,call", "--shard", &shard],
                &settings[..],
            ]
            .concat();
            play(dir.path(), &format!("cand-{i}"), &args)
        })
        .collect();
    let (merged, _) = merge(dir.path(), "merged", &shards);
    let file = |d: &Path| d.join("blocks.csv").to_str().unwrap().to_string();
    let (merged_file, base_file) = (file(&merged), file(&base));
    let verdict = |command: &str, stored: bool, out: &str| {
        let out = dir.path().join(out);
        let mut args = vec![command, "--candidate", "tag_loose", "--baseline", "tag"];
        args.extend([
            "--baseline-file",
            &base_file,
            "--out",
            out.to_str().unwrap(),
        ]);
        if stored {
            args.extend(["--candidate-file", &merged_file]);
        }
        let (code, stdout, stderr) = arena_output(&args);
        assert!(code == 0 || code == 1, "{stderr}");
        // The same verdict but for the time taken.
        let line = stdout
            .rsplit_once(" in ")
            .map_or(stdout.clone(), |(v, _)| v.to_string());
        let line = line
            .rsplit_once(", ")
            .map_or(line.clone(), |(v, _)| v.to_string());
        let details = std::fs::read(out.join(format!("{command}.csv"))).unwrap();
        (code, line, details)
    };
    assert_eq!(
        verdict("compare", true, "c1"),
        verdict("compare", false, "c2")
    );
    assert_eq!(verdict("gate", true, "g1"), verdict("gate", false, "g2"));

    let refused = |args: &[&str], needle: &str| {
        let (code, _, stderr) = arena_output(args);
        assert_eq!(code, 2, "{stderr}");
        assert!(stderr.contains(needle), "{needle:?} in {stderr}");
    };
    let shard_file = file(&shards[1]);
    let compare = [
        "compare",
        "--candidate",
        "tag_loose",
        "--baseline",
        "tag",
        "--baseline-file",
    ];
    refused(
        &[&compare[..], &[&base_file, "--candidate-file", &shard_file]].concat(),
        "that is shard 1/3 of a run; merge its shards first",
    );
    let other = play(
        dir.path(),
        "other",
        &[
            "--bots",
            "tag_loose,call",
            "--duplicate",
            "--hands",
            "6000",
            "--block-deals",
            "500",
            "--seed",
            "4",
        ],
    );
    refused(
        &[
            &compare[..],
            &[&base_file, "--candidate-file", &file(&other)],
        ]
        .concat(),
        "seed is 4, but --baseline-file",
    );
    refused(
        &[
            &compare[..],
            &[&base_file, "--candidate-file", &merged_file, "--vs", "call"],
        ]
        .concat(),
        "drop --vs",
    );
}

#[test]
fn the_shards_hand_histories_concatenate_into_the_whole_runs() {
    let dir = tempfile::tempdir().unwrap();
    let histories = |name: &str, shard: Option<&str>| {
        let file = dir.path().join(format!("{name}.phhs"));
        let mut args = vec![
            "--bots",
            "tag,random,call",
            "--hands",
            "20000",
            "--seed",
            "2",
        ];
        args.extend([
            "--history-every",
            "997",
            "--hand-histories",
            file.to_str().unwrap(),
        ]);
        if let Some(s) = shard {
            args.extend(["--shard", s]);
        }
        play(dir.path(), name, &args);
        std::fs::read(file).unwrap()
    };
    let whole = histories("whole", None);
    let joined: Vec<u8> = ["0/3", "1/3", "2/3"]
        .iter()
        .enumerate()
        .flat_map(|(i, s)| histories(&format!("s{i}"), Some(s)))
        .collect();
    assert!(!whole.is_empty());
    assert!(
        joined == whole,
        "the shards' histories in shard order are the run's"
    );
}
