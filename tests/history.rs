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
        hands: 10_000,
        seed: 42,
        threads,
        stakes: Stakes {
            ante_chips: 5,
            ..Stakes::default()
        },
        stack_chips: 2000,
        duplicate: false,
        block_deals: 1000,
        allin_adjust: true,
        seat_stacks: Some(vec![300, 900, 2000, 4000]),
        history: Some(Sample::Every(7)),
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
