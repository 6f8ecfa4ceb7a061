//! Plays many hands on one thread for profiling, with the all-in adjustment on as the
//! CLI's default path has it: `cargo run --release --example profile_hands -- call,call
//! 2000000` (append `--no-allin-adjust` to leave it off).

use holdem_arena::bots;
use holdem_arena::engine::Stakes;
use holdem_arena::sim::{RunConfig, Totals, Worker};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let allin_adjust = !args.iter().any(|a| a == "--no-allin-adjust");
    let mut args = args.into_iter().filter(|a| a != "--no-allin-adjust");
    let lineup = args.next().unwrap_or_else(|| "call,call".into());
    let hands: u64 = args
        .next()
        .map_or(1_000_000, |h| h.parse().expect("hand count"));
    let config = RunConfig {
        lineup: lineup
            .split(',')
            .map(|n| bots::find(n).expect("built-in bot").into())
            .collect(),
        deals: hands,
        seed: 1,
        threads: 1,
        stakes: Stakes::default(),
        stack_chips: 2000,
        duplicate: None,
        block_deals: holdem_arena::blocks::DEFAULT_BLOCK_DEALS,
        allin_adjust,
        seat_stacks: None,
        stack_range: None,
        table: None,
        history: None,
        session: None,
    };
    let mut worker = Worker::new(&config);
    let mut tallies = Totals::new(&config, 0, hands);
    let start = std::time::Instant::now();
    worker.play_deals(0, hands, &mut tallies);
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{hands} hands in {secs:.3} s: {:.0} hands/s",
        hands as f64 / secs
    );
}
