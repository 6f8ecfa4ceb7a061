//! Trustworthy verdicts: the all-in adjustment is unbiased and cuts variance, duplicate
//! deals cancel the cards, blocks.csv does not depend on threads, and `gate` gives the
//! documented exit codes (also against a stored baseline).

mod common;
use common::*;
use holdem_arena::blocks::DEFAULT_BLOCK_DEALS;
use holdem_arena::bots;
use holdem_arena::config::DuplicateMode;
use holdem_arena::engine::Stakes;
use holdem_arena::report::bot_rows;
use holdem_arena::sim::{self, RunConfig};

fn config(lineup: &str, hands: u64, duplicate: bool, threads: usize) -> RunConfig {
    RunConfig {
        lineup: lineup
            .split(',')
            .map(|n| bots::find(n).unwrap().into())
            .collect(),
        deals: hands,
        seed: 5,
        threads,
        stakes: Stakes::default(),
        stack_chips: 2000,
        duplicate: duplicate.then_some(DuplicateMode::Rotations),
        block_deals: DEFAULT_BLOCK_DEALS,
        allin_adjust: true,
        seat_stacks: None,
        stack_range: None,
        table: None,
        history: None,
        session: None,
    }
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
    // Seat permutations: the bots change seats every hand, on any thread.
    let permuted = |threads| {
        let mut cfg = config("tag,call,random", 5_000, true, threads);
        cfg.duplicate = Some(DuplicateMode::Permutations);
        sim::run(&cfg, &sim::RunControl::default()).unwrap()
    };
    let (a, b) = (permuted(1), permuted(2));
    assert_eq!(a.blocks, b.blocks);
    assert_eq!(a.units, b.units);
    assert_eq!(a.stats, b.stats);
    assert_eq!(a.stats.table_hands, 3 * 5_000);
}

/// The fields of one PHH hand that say who sat where with which cards and won what:
/// `players` (p1 = left of the button, the button last), their 1-based `seats`, the
/// hole cards dealt to p1, p2, ..., `_hand_index` and the players' results.
struct PhhSeating {
    players: Vec<String>,
    seats: Vec<usize>,
    hole_cards: Vec<String>,
    hand_index: u64,
    /// Each player's finishing minus starting stack, in chips.
    net_chips: Vec<i64>,
}

fn phh_seatings(text: &str) -> Vec<PhhSeating> {
    let list = |line: &str| -> Vec<String> {
        let inner = line.split_once('[').unwrap().1.trim_end_matches(']');
        inner
            .split(',')
            .map(|x| x.trim().trim_matches('"').to_string())
            .collect()
    };
    text.split("\n\n")
        .filter(|h| !h.trim().is_empty())
        .map(|hand| {
            let field = |name: &str| {
                hand.lines()
                    .find(|l| l.starts_with(&format!("{name} = ")))
                    .unwrap_or_else(|| panic!("{name} missing in {hand}"))
            };
            PhhSeating {
                players: list(field("players")),
                seats: list(field("seats"))
                    .iter()
                    .map(|x| x.parse().unwrap())
                    .collect(),
                hole_cards: hand
                    .lines()
                    .filter_map(|l| l.trim().strip_prefix("\"d dh "))
                    .map(|l| l.trim_end_matches("\",").to_string())
                    .collect(),
                net_chips: {
                    let chips = |name: &str| -> Vec<i64> {
                        list(field(name))
                            .iter()
                            .map(|x| x.parse().unwrap())
                            .collect()
                    };
                    let (last, first) = (chips("finishing_stacks"), chips("starting_stacks"));
                    last.iter().zip(&first).map(|(l, f)| l - f).collect()
                },
                hand_index: field("_hand_index")
                    .split(" = ")
                    .nth(1)
                    .unwrap()
                    .parse()
                    .unwrap(),
            }
        })
        .collect()
}

#[test]
fn seat_permutations_play_every_order_and_are_byte_identical_across_threads() {
    // 3-max: 5,000 deals (two chunks of 4,096 deals) in blocks of 500, every deal in
    // the 3 rotations of one of the 2 arrangements, in turn; every 7th hand
    // exported, so both chunks have histories.
    let dir = tempfile::tempdir().unwrap();
    let files = ["bots.csv", "seats.csv", "blocks.csv", "hands.phhs"];
    for threads in ["1", "2"] {
        let out = dir.path().join(threads);
        arena()
            .args(["run", "--bots", "tag,call,random", "--hands", "5000"])
            .args(["--seed", "8", "--duplicate", "permutations"])
            .args(["--block-deals", "500", "--threads", threads])
            .arg("--hand-histories")
            .arg(out.join("hands.phhs"))
            .args(["--history-every", "7", "--out"])
            .arg(&out)
            .assert()
            .success();
    }
    let read = |t: &str, f: &str| std::fs::read_to_string(dir.path().join(t).join(f)).unwrap();
    for f in files {
        assert_eq!(read("1", f), read("2", f), "{f}");
    }
    let run: serde_json::Value = serde_json::from_str(&read("1", "run.json")).unwrap();
    assert_eq!(run["duplicate"], true);
    assert_eq!(run["permutations"], true);
    assert_eq!(run["hands_played"], 15_000);
    // gate --baseline-file reads the mode back and replays the very same hands.
    let stored = dir.path().join("1/blocks.csv");
    let (code, text) = gate(
        &[
            "--candidate",
            "tag",
            "--baseline-file",
            stored.to_str().unwrap(),
            "--test",
            "fixed",
        ],
        &dir.path().join("gate"),
    );
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("+0.00 ± 0.00 bb/100"), "{text}");

    // Every block: 3 hands a deal, each bot in one slot plays every hand, and no chip
    // is created or lost (debug builds also check every hand).
    let blocks = read("1", "blocks.csv");
    let rows: Vec<Vec<&str>> = blocks
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    assert_eq!(rows.len(), 10 * 3);
    for block in rows.chunks(3) {
        assert_eq!(block[0][3], "1500", "{block:?}");
        assert!(block.iter().all(|r| r[5] == "1500"), "{block:?}");
        let net: i64 = block.iter().map(|r| r[6].parse::<i64>().unwrap()).sum();
        assert_eq!(net, 0, "{block:?}");
    }
    // seats.csv is per line-up slot: each slot's bot played every hand.
    for line in read("1", "seats.csv").lines().skip(1) {
        assert_eq!(line.split(',').nth(3), Some("15000"), "{line}");
    }

    // The exported hands: hand 3·d + r is rotation r of deal d, the cards by
    // position from the button the same in all of a deal's orders.
    let hands = phh_seatings(&read("1", "hands.phhs"));
    assert_eq!(hands.len(), 15_000usize.div_ceil(7));
    let mut by_deal: std::collections::BTreeMap<u64, Vec<&PhhSeating>> = Default::default();
    for h in &hands {
        by_deal.entry(h.hand_index / 3).or_default().push(h);
        // The league's button: deal d's on seat d mod 3 in every seat order.
        assert_eq!(
            h.seats[2] as u64,
            h.hand_index / 3 % 3 + 1,
            "{}",
            h.hand_index
        );
    }
    for (deal, hs) in &by_deal {
        for h in hs {
            assert_eq!(h.hole_cards, hs[0].hole_cards, "deal {deal}");
        }
    }
    // Rotation r of arrangement d mod 2 seats the same bots in the same seats in
    // every deal, and the 6 are the 6 permutations of the line-up.
    let orders: std::collections::BTreeSet<((u64, u64), Vec<String>)> = hands
        .iter()
        .map(|h| {
            let mut by_seat = vec![String::new(); 3];
            for (bot, &seat) in h.players.iter().zip(&h.seats) {
                by_seat[seat - 1] = bot.clone();
            }
            ((h.hand_index / 3 % 2, h.hand_index % 3), by_seat)
        })
        .collect();
    let distinct: std::collections::BTreeSet<&Vec<String>> =
        orders.iter().map(|(_, p)| p).collect();
    assert_eq!(distinct.len(), 6, "{orders:?}");
    assert_eq!(orders.len(), 6, "one seating per order index: {orders:?}");
    // Each bot in each seat and at each position equally often over whole deals: 120
    // consecutive hands (40 deals) from a second run exporting all.
    let all = dir.path().join("all");
    arena()
        .args(["run", "--bots", "tag,call,random", "--hands", "40"])
        .args([
            "--seed",
            "8",
            "--duplicate",
            "permutations",
            "--threads",
            "1",
        ])
        .arg("--hand-histories")
        .arg(all.join("hands.phhs"))
        .args(["--history-hands", "120", "--out"])
        .arg(&all)
        .assert()
        .success();
    let all = phh_seatings(&std::fs::read_to_string(all.join("hands.phhs")).unwrap());
    assert_eq!(all.len(), 120);
    let mut in_seat = std::collections::BTreeMap::new();
    let mut at_position = std::collections::BTreeMap::new();
    let mut after = std::collections::BTreeMap::new();
    for h in &all {
        for (p, (bot, &seat)) in h.players.iter().zip(&h.seats).enumerate() {
            *in_seat.entry((bot.clone(), seat)).or_insert(0) += 1;
            *at_position.entry((bot.clone(), p)).or_insert(0) += 1;
            let next = &h.players[(p + 1) % 3];
            *after.entry((bot.clone(), next.clone())).or_insert(0) += 1;
        }
    }
    assert_eq!(in_seat.len(), 9);
    assert!(in_seat.values().all(|&n| n == 40), "{in_seat:?}");
    assert_eq!(at_position.len(), 9);
    assert!(at_position.values().all(|&n| n == 40), "{at_position:?}");
    assert_eq!(after.len(), 6);
    assert!(after.values().all(|&n| n == 60), "{after:?}");
    // Each bot's results recomputed from the histories are bots.csv's: the runner
    // records every seat's result under the bot that sat there.
    let mut net = std::collections::BTreeMap::new();
    for h in &all {
        for (bot, chips) in h.players.iter().zip(&h.net_chips) {
            *net.entry(bot.as_str()).or_insert(0i64) += chips;
        }
    }
    let bots = std::fs::read_to_string(dir.path().join("all/bots.csv")).unwrap();
    for line in bots.lines().skip(1) {
        let cols: Vec<&str> = line.split(',').collect();
        assert_eq!(cols[2], "120", "{line}");
        assert_eq!(cols[3].parse::<i64>().unwrap(), net[cols[0]], "{line}");
    }
}

#[test]
fn six_max_permutations_play_one_arrangement_a_deal_and_every_seating_every_120_deals() {
    // A deal plays the 6 rotations of one arrangement of the line-up, so each bot
    // sits in each seat once a deal; 120 consecutive deals (5!) play all 720
    // seatings, each bot directly after each other bot 144 times around the ring,
    // with the same cards by seat within a deal.
    let dir = tempfile::tempdir().unwrap();
    arena()
        .args(["run", "--bots", "tag,call,random,raise,equity,allin"])
        .args([
            "--hands",
            "120",
            "--seed",
            "3",
            "--duplicate",
            "permutations",
        ])
        .args(["--threads", "1", "--hand-histories"])
        .arg(dir.path().join("hands.phhs"))
        .args(["--history-hands", "720", "--out"])
        .arg(dir.path())
        .assert()
        .success();
    let run: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("run.json")).unwrap())
            .unwrap();
    assert_eq!(run["hands_played"], 720);
    let hands = phh_seatings(&std::fs::read_to_string(dir.path().join("hands.phhs")).unwrap());
    assert_eq!(hands.len(), 720);
    let mut seatings = std::collections::BTreeSet::new();
    let mut after = std::collections::BTreeMap::new();
    let by_seat = |h: &PhhSeating, of: &[String]| {
        let mut v = vec![String::new(); 6];
        for (&seat, x) in h.seats.iter().zip(of) {
            v[seat - 1] = x.clone();
        }
        v
    };
    for deal in hands.chunks(6) {
        let mut in_seat = std::collections::BTreeSet::new();
        for h in deal {
            assert_eq!(h.hand_index / 6, deal[0].hand_index / 6);
            for (p, (bot, &seat)) in h.players.iter().zip(&h.seats).enumerate() {
                assert!(in_seat.insert((bot.clone(), seat)), "hand {}", h.hand_index);
                let next = &h.players[(p + 1) % 6];
                *after.entry((bot.clone(), next.clone())).or_insert(0) += 1;
            }
            seatings.insert(by_seat(h, &h.players));
            // The bots move; the cards stay with the seats.
            assert_eq!(
                by_seat(h, &h.hole_cards),
                by_seat(&deal[0], &deal[0].hole_cards),
                "hand {}",
                h.hand_index
            );
        }
        assert_eq!(in_seat.len(), 36, "each bot in each seat once a deal");
    }
    assert_eq!(seatings.len(), 720, "every seating once");
    assert_eq!(after.len(), 30);
    assert!(after.values().all(|&n| n == 144), "{after:?}");
}

#[test]
fn seat_permutations_give_sane_results() {
    // Heads-up and 3-max: tag beats call (and random), with intervals excluding zero.
    for (lineup, beaten) in [("tag,call", "call"), ("tag,call,raise", "call")] {
        let mut cfg = config(lineup, 20_000, true, 2);
        cfg.duplicate = Some(DuplicateMode::Permutations);
        let tallies = sim::run(&cfg, &sim::RunControl::default()).unwrap();
        let rows = bot_rows(&cfg, &tallies);
        let tag = rows.iter().find(|r| r.bot == "tag").unwrap();
        let other = rows.iter().find(|r| r.bot == beaten).unwrap();
        let (t, o) = (
            tag.allin_adj_bb_per_100.unwrap(),
            other.allin_adj_bb_per_100.unwrap(),
        );
        let ci = tag.allin_adj_ci95_bb_per_100.unwrap();
        assert!(
            t - ci > 0.0 && t > o,
            "{lineup}: tag {t} ± {ci}, {beaten} {o}"
        );
        // Every block's results sum to zero over the bots: no chip made or lost.
        for i in 0..tallies.blocks.len() {
            let (_, bots) = tallies.blocks.block(i);
            assert_eq!(bots.iter().map(|b| b.net_chips).sum::<i64>(), 0);
        }
    }
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

/// Runs `holdem-arena COMMAND ARGS` and returns (exit code, stdout, stderr).
/// The blocks and hands of a verdict line ("... 8 blocks, 4000 hands each ..." or
/// "paired over 8 blocks, 4000 hands of each").
fn blocks_of(line: &str) -> u64 {
    let at = line.find(" blocks").expect("a block count");
    line[..at]
        .rsplit(' ')
        .next()
        .unwrap()
        .parse()
        .expect("a number of blocks")
}

const PY_CALL: &str = "exec:python3 bots/python/call_bot.py";

#[test]
fn gate_and_compare_find_an_external_candidate_under_its_csv_name() {
    // Issue 10 (1): the rows were looked up by the spec string but stored under
    // `call_bot`, so gate passed over 0 blocks. The Python calling station plays
    // exactly like `call`, which loses about 1,000 bb/100 to tag here.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("g");
    let common = [
        "--baseline",
        "tag",
        "--vs",
        "equity,raise",
        "--hands",
        "1000",
    ];
    let common = [&common[..], &["--block-deals", "250", "--test", "fixed"]].concat();
    let (code, text) = gate(&[&["--candidate", PY_CALL][..], &common].concat(), &out);
    assert_eq!(code, 1, "{text}");
    assert!(text.starts_with("FAIL: call_bot vs tag: -"), "{text}");
    assert_eq!(blocks_of(&text), 4, "{text}");
    // compare gives the numbers of in-process call, and a compare.csv with every block.
    let compare = |candidate: &str| {
        let (code, stdout, stderr) = arena_output(
            &[
                &["compare", "--candidate", candidate, "--out"][..],
                &[out.to_str().unwrap()],
                &common[..6],
                &["--block-deals", "250"],
            ]
            .concat(),
        );
        assert_eq!(code, 0, "{stdout}{stderr}");
        let csv = std::fs::read_to_string(out.join("compare.csv")).unwrap();
        assert_eq!(csv.lines().count(), 1 + 4, "{csv}");
        // The numbers after the names.
        stdout
            .split_once(": ")
            .unwrap()
            .1
            .split(" in ")
            .next()
            .unwrap()
            .replace("call_bot", "call")
    };
    let external = compare(PY_CALL);
    assert!(external.contains("paired over 4 blocks"), "{external}");
    assert_eq!(external, compare("call"));
}

#[test]
fn compare_pairs_two_external_bots_even_when_their_scripts_share_a_name() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("c");
    let run = |candidate: &str, baseline: &str| {
        let (code, stdout, stderr) = arena_output(&[
            "compare",
            "--candidate",
            candidate,
            "--baseline",
            baseline,
            "--vs",
            "raise",
            "--hands",
            "1000",
            "--block-deals",
            "250",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{stdout}{stderr}");
        assert_eq!(blocks_of(&stdout), 4, "{stdout}");
        // Two calling stations: the same play, hand for hand.
        assert!(stdout.contains(": +0.00 ± 0.00 bb/100"), "{stdout}");
        stdout
    };
    // Open Poker against Claw Poker.
    let text = run(PY_CALL, "exec-claw:python3 bots/python/claw_call_bot.py");
    assert!(text.starts_with("call_bot - claw_call_bot: "), "{text}");
    // Both scripts are `call_bot` in their own runs: each is found there, and the
    // verdict names them by their commands.
    let other = "exec:python3 ./bots/python/call_bot.py";
    let text = run(PY_CALL, other);
    assert!(
        text.starts_with(&format!("{PY_CALL} - {other}: ")),
        "{text}"
    );
}

#[test]
fn gate_against_a_stored_baseline_finds_an_external_candidate() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("baseline");
    arena()
        .args(["run", "--bots", "call,raise,tag", "--hands", "1000"])
        .args([
            "--seed",
            "3",
            "--duplicate",
            "--block-deals",
            "250",
            "--out",
        ])
        .arg(&base)
        .assert()
        .success();
    let file = base.join("blocks.csv");
    let (code, text) = gate(
        &[
            "--candidate",
            PY_CALL,
            "--baseline",
            "call",
            "--baseline-file",
            file.to_str().unwrap(),
        ],
        &dir.path().join("g"),
    );
    assert_eq!(code, 0, "{text}");
    assert!(
        text.starts_with("PASS: call_bot vs call: +0.00 ± 0.00"),
        "{text}"
    );
    assert_eq!(blocks_of(&text), 4, "{text}");
}

#[test]
fn a_verdict_over_too_few_or_too_many_blocks_or_fewer_hands_than_asked_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let live = ["--candidate", "tag_loose", "--baseline", "tag"];
    for (extra, needle) in [
        // One block has no spread: the interval printed as ± inf.
        (
            &["--vs", "call", "--hands", "1000"][..],
            "makes 1 block: a verdict needs at least 2",
        ),
        // Issue 10 (20): these aborted allocating the blocks (exit 134).
        (
            &["--vs", "call", "--hands", "18446744073709551615"][..],
            "--hands 18446744073709551615: at most 1000000000000 (10^12) deals per run",
        ),
        (
            &[
                "--vs",
                "call",
                "--hands",
                "100000000000",
                "--block-deals",
                "1",
            ][..],
            "makes 100000000000 blocks: compare and gate hold at most 1000000 blocks in memory; raise --block-deals or lower --hands",
        ),
        // An empty --vs entry was dropped silently.
        (&["--vs", "call,"][..], "--vs \"call,\": entry 2 is empty"),
    ] {
        for command in ["gate", "compare"] {
            let args = [
                &[command][..],
                &live,
                extra,
                &["--out", out.to_str().unwrap()],
            ]
            .concat();
            let (code, stdout, stderr) = arena_output(&args);
            assert_eq!(code, 2, "{args:?}: {stdout}{stderr}");
            assert!(stderr.contains(needle), "{args:?}: {stderr}");
            assert_eq!(stderr.lines().count(), 1, "{stderr}");
            assert!(stdout.is_empty() && !out.exists(), "{stdout}");
        }
    }
    // More deals than the stored run has: it used fewer than asked, silently.
    let (code, text) = gate(
        &[
            "--candidate",
            "tag",
            "--baseline-file",
            "results/baseline/blocks.csv",
            "--hands",
            "60000",
        ],
        &out,
    );
    assert_eq!(code, 2, "{text}");
    assert!(
        text.contains("--hands 60000: the stored run has 50000 deals"),
        "{text}"
    );
}

#[test]
fn gate_refuses_a_verdict_when_the_candidate_or_the_baseline_crashed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("g");
    let faulty = "exec:python3 tests/fixtures/faulty_bot.py crash";
    for (command, candidate, baseline, role) in [
        ("gate", faulty, "call", "the candidate"),
        ("compare", "call", faulty, "the baseline"),
    ] {
        let (code, stdout, stderr) = arena_output(&[
            command,
            "--candidate",
            candidate,
            "--baseline",
            baseline,
            "--vs",
            "tag",
            "--hands",
            "1000",
            "--block-deals",
            "250",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, 1, "{command}: {stdout}{stderr}");
        assert!(stdout.is_empty(), "no verdict line: {stdout}");
        let last = stderr.lines().last().unwrap();
        assert!(
            last.starts_with(&format!(
                "error: no verdict: faulty_bot ({role}) crashed 1 time"
            )),
            "{stderr}"
        );
        assert!(!out.exists());
    }
}

#[test]
fn run_json_seed_survives_readers_that_use_doubles() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    let seed = "13337973056730280181";
    arena()
        .args([
            "run", "--bots", "tag,call", "--hands", "2000", "--seed", seed,
        ])
        .args(["--duplicate", "--block-deals", "500", "--out"])
        .arg(&run)
        .assert()
        .success();
    let text = std::fs::read_to_string(run.join("run.json")).unwrap();
    // As jq and JavaScript read it: numbers are doubles.
    #[derive(serde::Deserialize)]
    struct AsDoubles {
        seed: f64,
        seed_string: String,
    }
    let read: AsDoubles = serde_json::from_str(&text).unwrap();
    assert_ne!(
        format!("{}", read.seed as u64),
        seed,
        "the number is rounded"
    );
    assert_eq!(read.seed_string, seed);
    let gate_ok = |what: &str| {
        let (code, text) = gate(
            &[
                "--candidate",
                "tag",
                "--baseline-file",
                run.join("blocks.csv").to_str().unwrap(),
            ],
            &dir.path().join("g"),
        );
        // Another seed would replay other deals: not exactly zero.
        assert_eq!(code, 0, "{what}: {text}");
        assert!(text.contains("+0.00 ± 0.00 bb/100"), "{what}: {text}");
    };
    gate_ok("both fields");
    let write = |json: String| std::fs::write(run.join("run.json"), json).unwrap();
    let number = format!("\"seed\": {seed},");
    let string = format!("\"seed_string\": \"{seed}\",");
    write(text.replace(&string, ""));
    gate_ok("the number only (files made before seed_string)");
    write(text.replace(&number, ""));
    gate_ok("the string only");
    // Rewritten by a tool that reads doubles: the number is rounded, the string exact.
    write(text.replace(&number, "\"seed\": 13337973056730280000,"));
    gate_ok("a rounded number and the string");
    // Two different seeds: which one made the run is unknown.
    write(text.replace(&number, "\"seed\": 1,"));
    let (code, text) = gate(
        &[
            "--candidate",
            "tag",
            "--baseline-file",
            run.join("blocks.csv").to_str().unwrap(),
        ],
        &dir.path().join("g"),
    );
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("seed 1 and seed_string"), "{text}");
}

#[test]
fn plot_legend_says_its_interval_is_over_blocks() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    arena()
        .args([
            "run", "--bots", "tag,call", "--hands", "2000", "--seed", "2",
        ])
        .args(["--block-deals", "250", "--out", run.to_str().unwrap()])
        .assert()
        .success();
    arena()
        .args(["plot", run.to_str().unwrap()])
        .assert()
        .success();
    let svg = std::fs::read_to_string(run.join("winrate.svg")).unwrap();
    assert!(svg.contains("(95% over blocks)"), "legend");
    assert!(
        svg.contains("95% interval over blocks of 250 deals"),
        "axis"
    );
    // One block has no interval: the legend printed "± inf".
    let short = dir.path().join("short");
    arena()
        .args(["run", "--bots", "tag,call", "--hands", "200", "--seed", "2"])
        .args(["--block-deals", "250", "--out", short.to_str().unwrap()])
        .assert()
        .success();
    let (code, _, stderr) = arena_output(&["plot", short.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("1 block of 250 deals: tag's 95% interval is not a finite number"),
        "{stderr}"
    );
    assert!(!short.join("winrate.svg").exists());
}

#[test]
fn stored_blocks_that_disagree_with_run_json_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read_to_string("results/baseline/blocks.csv").unwrap();
    let lines: Vec<&str> = good.lines().collect();
    let run = |name: &str, blocks: String| {
        let d = dir.path().join(name);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::copy("results/baseline/run.json", d.join("run.json")).unwrap();
        std::fs::write(d.join("blocks.csv"), blocks).unwrap();
        d
    };
    let join = |ls: &[&str]| ls.join("\n") + "\n";
    // Block 0 of tag repeated with other sums: it flipped gate to FAIL for tag itself.
    let repeated = lines[1].replace("284759,14237.95", "-284759,-14237.95");
    let cases = [
        (
            "repeated",
            join(&[&lines[..], &[repeated.as_str()]].concat()),
            "line 252: block 0 of \"tag\" repeats line 2",
        ),
        (
            "missing",
            join(&[&lines[..7], &lines[8..]].concat()),
            "line 8: block 1 of \"call\" is missing",
        ),
        (
            "absurd",
            join(
                &[
                    &lines[..],
                    &["99999999999999,0,1000,6000,tag,6000,1,0.05,0,0"],
                ]
                .concat(),
            ),
            "line 252: block 99999999999999 is out of range",
        ),
        (
            "seats",
            good.replacen(",tag,6000,", ",tag,12000,", 1),
            "line 2: block 0 of \"tag\": seat_hands is 12000, but run.json gives 6000",
        ),
        (
            "stranger",
            good.replacen(",random,", ",rando,", 1),
            "line 4: bot \"rando\" is not in run.json's line-up",
        ),
        (
            "short",
            join(&lines[..250]),
            "blocks.csv ends before block 49 of \"equity\"",
        ),
        (
            "header",
            join(&lines[..1]),
            "blocks.csv holds 0 deals of \"tag\" but run.json says 50000",
        ),
    ];
    let other = dir.path().join("other");
    arena()
        .args([
            "run",
            "--duplicate",
            "--hands",
            "2000",
            "--seed",
            "2",
            "--out",
        ])
        .arg(&other)
        .assert()
        .success();
    for (name, blocks, needle) in cases {
        let d = run(name, blocks);
        let file = d.join("blocks.csv");
        let out = dir.path().join(format!("{name}-out"));
        for args in [
            vec![
                "gate",
                "--candidate",
                "tag",
                "--baseline-file",
                file.to_str().unwrap(),
            ],
            vec!["merge", d.to_str().unwrap(), other.to_str().unwrap()],
            vec!["plot", d.to_str().unwrap()],
        ] {
            let args = [&args[..], &["--out", out.to_str().unwrap()]].concat();
            let (code, stdout, stderr) = arena_output(&args);
            assert_eq!(code, 2, "{name} {args:?}: {stdout}{stderr}");
            assert!(
                stderr.contains(needle) && stderr.contains(d.to_str().unwrap()),
                "{name} {args:?}: {stderr}"
            );
            assert_eq!(stderr.lines().count(), 1, "{stderr}");
            assert!(!out.exists(), "{name}: nothing written");
        }
    }
}

#[test]
fn compare_takes_an_external_opponent_whole() {
    // `--vs` entries were split on spaces, which cut `exec:COMMAND` into pieces.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("c");
    let compare = |vs: &str| {
        let (code, stdout, stderr) = arena_output(&[
            "compare",
            "--candidate",
            "tag",
            "--baseline",
            "tag_loose",
            "--vs",
            vs,
            "--hands",
            "1000",
            "--block-deals",
            "250",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{stdout}{stderr}");
        stdout.split(" in ").next().unwrap().to_string()
    };
    assert_eq!(compare(PY_CALL), compare("call"));
}
