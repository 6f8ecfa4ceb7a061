//! Trustworthy verdicts: the all-in adjustment is unbiased and cuts variance, duplicate
//! deals cancel the cards, blocks.csv does not depend on threads, and `gate` gives the
//! documented exit codes (also against a stored baseline).

use assert_cmd::Command;
use holdem_arena::blocks::DEFAULT_BLOCK_DEALS;
use holdem_arena::bots;
use holdem_arena::engine::Stakes;
use holdem_arena::report::bot_rows;
use holdem_arena::sim::{self, RunConfig};

fn config(lineup: &str, hands: u64, duplicate: bool, threads: usize) -> RunConfig {
    RunConfig {
        lineup: lineup
            .split(',')
            .map(|n| bots::find(n).unwrap().into())
            .collect(),
        hands,
        seed: 5,
        threads,
        stakes: Stakes::default(),
        stack_chips: 2000,
        duplicate,
        block_deals: DEFAULT_BLOCK_DEALS,
        allin_adjust: true,
        seat_stacks: None,
        history: None,
    }
}

fn arena() -> Command {
    Command::cargo_bin("holdem-arena").unwrap()
}

#[test]
fn allin_adjusted_mean_agrees_with_the_real_mean_and_varies_less() {
    // `random` goes all-in among its uniform choices, `raise` re-raises it and `call`
    // calls: many all-ins before the river.
    for lineup in ["random,raise", "raise,call,random,tag"] {
        let cfg = config(lineup, 200_000, false, 2);
        let tallies = sim::run(&cfg, &sim::RunControl::default()).unwrap();
        for row in bot_rows(&cfg, &tallies) {
            let adj = row.allin_adj_bb_per_100.unwrap();
            let adj_ci = row.allin_adj_ci95_bb_per_100.unwrap();
            let adj_sd = row.allin_adj_sd_bb_per_hand.unwrap();
            assert!(
                (adj - row.bb_per_100).abs() < row.ci95_bb_per_100 + adj_ci,
                "{lineup} {}: adjusted {adj} ± {adj_ci} vs real {} ± {}",
                row.bot,
                row.bb_per_100,
                row.ci95_bb_per_100
            );
            assert!(
                adj_sd < 0.9 * row.sd_bb_per_hand,
                "{lineup} {}: adjusted sd {adj_sd} not below real sd {}",
                row.bot,
                row.sd_bb_per_hand
            );
        }
    }
}

#[test]
fn duplicate_deals_cancel_the_cards_between_identical_bots() {
    // Two calling stations: each deal's two rotations are mirror images, so every
    // duplicate group nets exactly zero (odd chips follow the button, which rotates).
    let cfg = config("call,call", 20_000, true, 2);
    let tallies = sim::run(&cfg, &sim::RunControl::default()).unwrap();
    assert_eq!(tallies.stats.seats[0].hands, 40_000);
    assert_eq!(tallies.units.units, 20_000);
    assert_eq!(tallies.units.net_chips_squared[0], 0);
    // Different bots: every block is whole duplicate groups and sums to zero over bots.
    let cfg = config("tag,call,raise", 5_000, true, 2);
    let tallies = sim::run(&cfg, &sim::RunControl::default()).unwrap();
    assert_eq!(tallies.blocks.len(), 5);
    for i in 0..tallies.blocks.len() {
        let (counts, bots) = tallies.blocks.block(i);
        assert_eq!(counts.hands, 3 * counts.deals);
        assert_eq!(bots.iter().map(|b| b.net_chips).sum::<i64>(), 0);
    }
}

#[test]
fn duplicate_runs_are_the_same_whatever_the_thread_count() {
    let a = sim::run(
        &config("equity,raise,random", 3_000, true, 1),
        &sim::RunControl::default(),
    )
    .unwrap();
    let b = sim::run(
        &config("equity,raise,random", 3_000, true, 2),
        &sim::RunControl::default(),
    )
    .unwrap();
    assert_eq!(a.blocks, b.blocks);
    assert_eq!(a.units, b.units);
    assert_eq!(a.stats, b.stats);
}

#[test]
fn streamed_blocks_arrive_whole_and_in_order_and_keep_nothing() {
    // 10,000 deals in blocks of 700: chunks of 4,096 deals end inside blocks 5 and 11,
    // which must still arrive once each, summed over both chunks.
    let mut cfg = config("tag,raise,random", 10_000, false, 2);
    cfg.block_deals = 700;
    let kept = sim::run(&cfg, &sim::RunControl::default()).unwrap();
    let mut seen = Vec::new();
    let mut joined = kept.blocks.clone();
    joined.counts.fill(Default::default());
    joined.sums.fill(Default::default());
    struct Sink<'a> {
        seen: &'a mut Vec<u64>,
        joined: &'a mut holdem_arena::blocks::Blocks,
    }
    impl sim::RunSink for Sink<'_> {
        fn block(&mut self, one: &holdem_arena::blocks::Blocks) {
            assert_eq!(one.len(), 1);
            self.seen.push(one.first_block);
            self.joined.merge(one);
        }
        fn histories(&mut self, _: &[u8]) {}
    }
    let mut sink = Sink {
        seen: &mut seen,
        joined: &mut joined,
    };
    let streamed =
        sim::run_deals_streaming(&cfg, 0, 10_000, &sim::RunControl::default(), &mut sink).unwrap();
    assert_eq!(seen, (0..15).collect::<Vec<u64>>());
    assert_eq!(joined, kept.blocks);
    assert!(streamed.blocks.is_empty());
    assert_eq!(streamed.stats, kept.stats);
    assert_eq!(streamed.units, kept.units);
}

#[test]
fn blocks_csv_is_byte_identical_across_thread_counts() {
    let dir = tempfile::tempdir().unwrap();
    for threads in ["1", "2"] {
        arena()
            .args([
                "run",
                "--bots",
                "tag,raise,call",
                "--hands",
                "9000",
                "--seed",
                "3",
            ])
            .args(["--duplicate", "--block-deals", "500", "--threads", threads])
            .arg("--out")
            .arg(dir.path().join(threads))
            .assert()
            .success();
    }
    let read = |t: &str| std::fs::read(dir.path().join(t).join("blocks.csv")).unwrap();
    assert_eq!(read("1"), read("2"));
    let text = String::from_utf8(read("1")).unwrap();
    // 18 blocks × 3 bots + header.
    assert_eq!(text.lines().count(), 18 * 3 + 1);
    assert!(text.starts_with("block,first_deal,deals,hands,bot,seat_hands,net_chips,net_bb,allin_adj_chips,allin_adj_bb\n"));
}

fn gate(args: &[&str], out: &std::path::Path) -> (i32, String) {
    let output = arena()
        .arg("gate")
        .args(args)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8_lossy(&output.stdout).to_string()
            + &String::from_utf8_lossy(&output.stderr),
    )
}

#[test]
fn gate_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("gate");
    // The same bot: no difference at all, passes (SPRT and fixed sample).
    let (code, text) = gate(
        &["--candidate", "tag", "--baseline", "tag", "--vs", "call"],
        &out,
    );
    assert_eq!(code, 0, "{text}");
    assert!(text.starts_with("PASS"), "{text}");
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(out.join("gate.csv").exists());
    let (code, text) = gate(
        &[
            "--candidate",
            "tag",
            "--baseline",
            "tag",
            "--vs",
            "call",
            "--test",
            "fixed",
            "--hands",
            "20000",
        ],
        &out,
    );
    assert_eq!(code, 0, "{text}");
    // Against calling stations tag_loose wins far more than tag: tag is worse by more
    // than the margin and fails.
    for test in ["sprt", "fixed"] {
        let (code, text) = gate(
            &[
                "--candidate",
                "tag",
                "--baseline",
                "tag_loose",
                "--vs",
                "call",
                "--test",
                test,
                "--hands",
                "50000",
            ],
            &out,
        );
        assert_eq!(code, 1, "{test}: {text}");
        assert!(text.starts_with("FAIL"), "{text}");
    }
    // And tag_loose passes against tag.
    let (code, text) = gate(
        &[
            "--candidate",
            "tag_loose",
            "--baseline",
            "tag",
            "--vs",
            "call",
        ],
        &out,
    );
    assert_eq!(code, 0, "{text}");
    // Bad input: exit 2, one line naming the value, nothing written.
    let bad_out = dir.path().join("bad");
    for (args, needle) in [
        (
            vec!["--candidate", "tag", "--vs", "call", "--margin=-1"],
            "--margin -1",
        ),
        (
            vec!["--candidate", "tag", "--vs", "call", "--alpha", "0.7"],
            "--alpha 0.7",
        ),
        (vec!["--candidate", "nosuch", "--vs", "call"], "\"nosuch\""),
        (vec!["--candidate", "tag"], "--vs"),
        (
            vec!["--candidate", "tag", "--vs", "tag"],
            "also an opponent",
        ),
        (
            vec![
                "--candidate",
                "tag",
                "--baseline-file",
                "/nonexistent/blocks.csv",
            ],
            "run.json",
        ),
    ] {
        let (code, text) = gate(&args, &bad_out);
        assert_eq!(code, 2, "{args:?}: {text}");
        assert!(text.contains(needle), "{args:?}: {text}");
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(!bad_out.exists());
    }
}

#[test]
fn gate_against_a_stored_baseline_pairs_block_by_block() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("baseline");
    arena()
        .args([
            "run",
            "--bots",
            "tag,call,raise",
            "--hands",
            "20000",
            "--seed",
            "7",
            "--duplicate",
        ])
        .arg("--out")
        .arg(&base)
        .assert()
        .success();
    let file = base.join("blocks.csv");
    let file = file.to_str().unwrap();
    let out = dir.path().join("gate");
    // The same code as the stored run: identical blocks, pass.
    let (code, text) = gate(&["--candidate", "tag", "--baseline-file", file], &out);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("+0.00 ± 0.00"), "{text}");
    // A worse candidate in tag's seats fails against a tight margin.
    let (code, text) = gate(
        &[
            "--candidate",
            "call",
            "--baseline",
            "raise",
            "--baseline-file",
            file,
            "--margin",
            "1",
        ],
        &out,
    );
    assert_eq!(code, 2, "call is also an opponent: {text}");
    let (code, text) = gate(
        &[
            "--candidate",
            "random",
            "--baseline",
            "tag",
            "--baseline-file",
            file,
            "--margin",
            "5",
        ],
        &out,
    );
    assert_eq!(code, 1, "{text}");
    // Part of the stored run: whole blocks only.
    let (code, text) = gate(
        &[
            "--candidate",
            "tag",
            "--baseline-file",
            file,
            "--hands",
            "1500",
        ],
        &out,
    );
    assert_eq!(code, 2, "{text}");
    let (code, text) = gate(
        &[
            "--candidate",
            "tag",
            "--baseline-file",
            file,
            "--hands",
            "2000",
            "--test",
            "fixed",
        ],
        &out,
    );
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("2 blocks"), "{text}");
}

#[test]
fn merge_pools_the_blocks_of_runs_with_other_seeds_and_refuses_the_same_deals_twice() {
    let dir = tempfile::tempdir().unwrap();
    let run = |seed: &str, bots: &str| {
        let out = dir.path().join(format!("{bots}-{seed}"));
        arena()
            .args(["run", "--bots", bots, "--hands", "3000", "--seed", seed])
            .args(["--block-deals", "500", "--out", out.to_str().unwrap()])
            .assert()
            .success();
        out
    };
    let net = |run: &std::path::Path, bot: &str| -> i64 {
        let mut r = csv::Reader::from_path(run.join("bots.csv")).unwrap();
        let headers = r.headers().unwrap().clone();
        let col = headers.iter().position(|h| h == "net_chips").unwrap();
        r.records()
            .map(|rec| rec.unwrap())
            .find(|rec| &rec[0] == bot)
            .map(|rec| rec[col].parse().unwrap())
            .unwrap()
    };
    let (a, b) = (run("1", "tag,random"), run("2", "tag,random"));
    let merged = dir.path().join("merged");
    arena()
        .args(["merge", a.to_str().unwrap(), b.to_str().unwrap()])
        .args(["--out", merged.to_str().unwrap()])
        .assert()
        .success();
    let mut r = csv::Reader::from_path(merged.join("merged.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert_eq!(rows.len(), 2, "one row per bot");
    assert_eq!(&rows[0][0], "tag");
    assert_eq!(&rows[0][2], "12", "6 blocks of 500 deals per run");
    assert_eq!(&rows[0][3], "6000");
    let pooled: i64 = rows[0][5].parse().unwrap();
    assert_eq!(pooled, net(&a, "tag") + net(&b, "tag"));
    let ci: f64 = rows[0][7].parse().unwrap();
    assert!(ci > 0.0 && ci.is_finite());

    let refused = |runs: [&std::path::Path; 2]| {
        let out = arena()
            .arg("merge")
            .args(runs.map(|r| r.to_str().unwrap()))
            .assert()
            .code(2);
        String::from_utf8_lossy(&out.get_output().stderr).to_string()
    };
    // The same run twice would count its deals twice.
    let stderr = refused([&a, &a]);
    assert!(stderr.contains("seed 1"), "{stderr}");
    // Another match: another line-up.
    let stderr = refused([&a, &run("3", "tag,call")]);
    assert!(stderr.contains("line-up is tag,call"), "{stderr}");
}

#[test]
fn plot_draws_every_bot_from_blocks_and_names_a_bad_run() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    arena()
        .args([
            "run",
            "--bots",
            "tag,call,random",
            "--hands",
            "5000",
            "--seed",
            "4",
        ])
        .args(["--block-deals", "250", "--out", run.to_str().unwrap()])
        .assert()
        .success();
    arena()
        .args(["plot", run.to_str().unwrap()])
        .assert()
        .success();
    let svg = std::fs::read_to_string(run.join("winrate.svg")).unwrap();
    assert!(svg.starts_with("<svg"));
    for bot in ["tag: ", "call: ", "random: "] {
        assert!(svg.contains(bot), "legend lacks {bot}");
    }
    let adjusted = dir.path().join("adjusted.svg");
    arena()
        .args(["plot", run.to_str().unwrap(), "--allin-adjusted"])
        .args(["--out", adjusted.to_str().unwrap()])
        .assert()
        .success();
    assert!(
        std::fs::read_to_string(adjusted)
            .unwrap()
            .contains("all-in-adjusted")
    );
    let missing = dir.path().join("missing");
    let out = arena()
        .args(["plot", missing.to_str().unwrap()])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        stderr.contains("missing") && stderr.contains("run.json"),
        "{stderr}"
    );
}
