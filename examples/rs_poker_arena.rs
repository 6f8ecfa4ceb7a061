//! The reference peer for the CLI-level benchmark (`benches/cli.sh`): plays hands in
//! rs_poker 5.0.0's arena, as `benches/hands.rs` does, one fresh simulation per hand
//! with fresh agents (blinds 10/20, 2,000-chip stacks, one thread), and prints hands
//! per second: `cargo run --release --example rs_poker_arena -- random 6 1000000`.
//! Agents: `call` (rs_poker's `CallingAgent`) or `random` (`RandomAgent`).

use rand::SeedableRng;
use rand::rngs::StdRng;
use rs_poker::arena::agent::{CallingAgent, RandomAgent};
use rs_poker::arena::{Agent, GameStateBuilder, HoldemSimulationBuilder};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: rs_poker_arena call|random PLAYERS HANDS";
    let (Some(agent), Some(Ok(players)), Some(Ok(hands))) = (
        args.first().map(String::as_str),
        args.get(1).map(|p| p.parse::<usize>()),
        args.get(2).map(|h| h.parse::<u64>()),
    ) else {
        eprintln!("{usage}");
        return ExitCode::from(2);
    };
    let make: fn() -> Box<dyn Agent> = match agent {
        "call" => || Box::<CallingAgent>::default(),
        "random" => || Box::<RandomAgent>::default(),
        _ => {
            eprintln!("unknown agent {agent:?}: call or random");
            return ExitCode::from(2);
        }
    };
    if !(2..=9).contains(&players) || hands == 0 {
        eprintln!("{usage} (2 to 9 players, at least 1 hand)");
        return ExitCode::from(2);
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("tokio runtime");
    let start = std::time::Instant::now();
    runtime.block_on(async {
        for seed in 0..hands {
            let game_state = GameStateBuilder::new()
                .num_players_with_stack(players, 2000.0)
                .blinds(20.0, 10.0)
                .build()
                .expect("valid game state");
            let mut sim = HoldemSimulationBuilder::default()
                .game_state(game_state)
                .agents((0..players).map(|_| make()).collect())
                .build_with_rng(StdRng::seed_from_u64(seed))
                .expect("valid simulation");
            sim.run().await;
            std::hint::black_box(&sim);
        }
    });
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{hands} hands in {secs:.3} s: {:.0} hands/s",
        hands as f64 / secs
    );
    ExitCode::SUCCESS
}
