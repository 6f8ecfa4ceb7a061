//! Hand histories: PHH export is the same whatever the thread count, and `replay`
//! reproduces an exported hand exactly.

use holdem_arena::bots;
use holdem_arena::engine::Stakes;
use holdem_arena::history::{Sample, replay};
use holdem_arena::sim::{self, RunConfig};

fn config(threads: usize) -> RunConfig {
    RunConfig {
        lineup: ["allin", "random", "tag", "raise"]
            .iter()
            .map(|n| bots::find(n).unwrap().into())
            .collect(),
        deals: 10_000,
        seed: 42,
        threads,
        stakes: Stakes {
            ante_chips: 5,
            ..Stakes::default()
        },
        stack_chips: 2000,
        duplicate: None,
        block_deals: 1000,
        allin_adjust: true,
        seat_stacks: Some(vec![300, 900, 2000, 4000]),
        stack_range: None,
        table: None,
        history: Some(Sample::Every(7)),
        session: None,
    }
}

#[test]
fn histories_do_not_depend_on_threads_and_replay_matches() {
    let histories = |threads| {
        let tallies = sim::run(&config(threads), &sim::RunControl::default()).unwrap();
        tallies.histories
    };
    let (one, three) = (histories(1), histories(3));
    assert_eq!(one, three);
    let text = String::from_utf8(one).unwrap();
    assert_eq!(
        text.matches("variant = \"NT\"").count(),
        10_000usize.div_ceil(7)
    );
    assert!(text.starts_with("[1]\n"));

    // Hand 4907 (table [702]) lies in the second chunk: replay plays the chunk's
    // earlier hands first, so bots' memory matches the run.
    let hand = 4907;
    let table = hand / 7 + 1;
    let start = text.find(&format!("\n[{table}]\n")).unwrap() + 1;
    let end = text[start..].find("\n\n").unwrap() + start + 2;
    let exported = &text[start..end];
    let replayed = replay::replay(&config(1), hand as u64);
    assert_eq!(
        replayed.phh.replacen("[1]", &format!("[{table}]"), 1),
        exported
    );
    assert!(replayed.text.contains("valid_actions"));
}

#[test]
fn hand_histories_are_streamed_in_hand_order_and_not_held_by_the_run() {
    struct Collect(Vec<u8>, usize);
    impl sim::RunSink for Collect {
        fn block(&mut self, _: &holdem_arena::blocks::Blocks) {}
        fn histories(&mut self, bytes: &[u8]) {
            self.0.extend_from_slice(bytes);
            self.1 += 1;
        }
    }
    let kept = sim::run(&config(2), &sim::RunControl::default()).unwrap();
    let mut sink = Collect(Vec::new(), 0);
    let streamed = sim::run_deals_streaming(
        &config(2),
        0,
        10_000,
        &sim::RunControl::default(),
        &mut sink,
    )
    .unwrap();
    assert!(streamed.histories.is_empty(), "the run keeps no history");
    assert_eq!(
        sink.1,
        10_000usize.div_ceil(sim::CHUNK_HANDS as usize),
        "one piece per chunk"
    );
    assert_eq!(sink.0, kept.histories, "the same bytes, in hand order");

    // Through the binary: the file is the same whatever the thread count.
    let dir = tempfile::tempdir().unwrap();
    let file = |threads: &str| {
        let path = dir.path().join(format!("{threads}.phhs"));
        assert_cmd::Command::cargo_bin("holdem-arena")
            .unwrap()
            .args([
                "run",
                "--bots",
                "allin,random,tag",
                "--hands",
                "9000",
                "--seed",
                "5",
            ])
            .args([
                "--history-every",
                "3",
                "--threads",
                threads,
                "--hand-histories",
            ])
            .arg(&path)
            .arg("--out")
            .arg(dir.path().join(threads))
            .assert()
            .success();
        std::fs::read(path).unwrap()
    };
    assert_eq!(file("1"), file("2"));
}
