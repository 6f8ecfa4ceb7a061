//! Whole hands and the runner, with rs_poker 5.0.0's arena as the reference peer in
//! the same run: heads-up calling stations and 6-max random bots on one thread (the
//! engine alone, and 6-max with the all-in adjustment as the CLI runs it), the floor
//! of a heads-up hand (dealing its 9 cards and the two showdown evaluations), and the
//! runner on 1 and 2 threads. Throughput is in hands. `benches/cli.sh` measures the
//! same line-ups through the command line.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use holdem_arena::bots;
use holdem_arena::deal::Dealer;
use holdem_arena::engine::Stakes;
use holdem_arena::eval::PartialHand;
use holdem_arena::sim::{self, RunConfig, Totals, Worker};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rs_poker::arena::agent::{CallingAgent, RandomAgent};
use rs_poker::arena::{Agent, GameStateBuilder, HoldemSimulationBuilder};
use std::hint::black_box;

/// Hands per measured iteration.
const HANDS: u64 = 10_000;

fn config(lineup: &str, hands: u64, threads: usize, allin_adjust: bool) -> RunConfig {
    RunConfig {
        lineup: lineup
            .split(',')
            .map(|n| bots::find(n).expect("built-in").into())
            .collect(),
        deals: hands,
        seed: 1,
        threads,
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
    }
}

/// Ours: one worker plays `HANDS` hands of `cfg` (one thread): the engine, the bots
/// and the tracker statistics, with the all-in adjustment as `cfg` says (rs_poker's
/// arena does no such analysis: compare it with `cfg` made without it).
fn ours(cfg: &RunConfig) -> impl FnMut() -> Totals + '_ {
    let mut worker = Worker::new(cfg);
    let mut first = 0;
    move || {
        let mut tallies = Totals::new(cfg, first, first + HANDS);
        worker.play_deals(first, first + HANDS, &mut tallies);
        first += HANDS;
        tallies
    }
}

/// rs_poker: `HANDS` single-hand simulations with fresh agents, as its arena runs them.
fn rs_poker_hands(players: usize, agent: fn() -> Box<dyn Agent>) -> impl FnMut() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("tokio runtime");
    let mut seed = 0;
    move || {
        runtime.block_on(async {
            for _ in 0..HANDS {
                let game_state = GameStateBuilder::new()
                    .num_players_with_stack(players, 2000.0)
                    .blinds(20.0, 10.0)
                    .build()
                    .expect("valid game state");
                let mut sim = HoldemSimulationBuilder::default()
                    .game_state(game_state)
                    .agents((0..players).map(|_| agent()).collect())
                    .build_with_rng(StdRng::seed_from_u64(seed))
                    .expect("valid simulation");
                sim.run().await;
                seed += 1;
                black_box(&sim);
            }
        })
    }
}

fn whole_hands(c: &mut Criterion) {
    let mut g = c.benchmark_group("heads_up_call_vs_call");
    g.throughput(Throughput::Elements(HANDS));
    g.sample_size(20);
    let cfg = config("call,call", HANDS, 1, false);
    let mut f = ours(&cfg);
    g.bench_function("holdem-arena", |b| b.iter(&mut f));
    let mut f = rs_poker_hands(2, || Box::<CallingAgent>::default());
    g.bench_function("rs_poker 5.0.0 arena", |b| b.iter(&mut f));
    g.finish();

    let mut g = c.benchmark_group("six_max_random");
    g.throughput(Throughput::Elements(HANDS));
    g.sample_size(20);
    let six = "random,random,random,random,random,random";
    let cfg = config(six, HANDS, 1, false);
    let mut f = ours(&cfg);
    g.bench_function("holdem-arena", |b| b.iter(&mut f));
    let adjusted = config(six, HANDS, 1, true);
    let mut f = ours(&adjusted);
    g.bench_function("holdem-arena, all-in adjustment on", |b| b.iter(&mut f));
    let mut f = rs_poker_hands(6, || Box::<RandomAgent>::default());
    g.bench_function("rs_poker 5.0.0 arena", |b| b.iter(&mut f));
    g.finish();
}

/// The floor of a heads-up hand: dealing its 9 cards (what the engine's dealer
/// draws) and evaluating both players' 7 cards, `HANDS` times.
fn floor(c: &mut Criterion) {
    let mut g = c.benchmark_group("heads_up_floor");
    g.throughput(Throughput::Elements(HANDS));
    let dealer = Dealer::new(1);
    let mut first = 0;
    g.bench_function("deal 9 cards + 2 evaluations", |b| {
        b.iter(|| {
            let mut wins = 0u32;
            for hand in first..first + HANDS {
                let deal = dealer.deal(hand, 2);
                let board = PartialHand::from_cards(&deal.board);
                let [first_seat, second] =
                    [0, 1].map(|s| board.add_all(&deal.hole_cards[s]).strength());
                wins += u32::from(first_seat > second);
            }
            first += HANDS;
            black_box(wins)
        })
    });
    g.finish();
}

fn runner(c: &mut Criterion) {
    const RUN_HANDS: u64 = 200_000;
    let mut g = c.benchmark_group("runner_default_lineup");
    g.throughput(Throughput::Elements(RUN_HANDS));
    g.sample_size(10);
    for threads in [1, 2] {
        let cfg = config(
            holdem_arena::config::DEFAULT_LINEUP,
            RUN_HANDS,
            threads,
            true,
        );
        g.bench_with_input(BenchmarkId::new("threads", threads), &cfg, |b, cfg| {
            b.iter(|| sim::run(cfg, &sim::RunControl::default()).expect("thread pool"))
        });
    }
    g.finish();
}

criterion_group!(benches, whole_hands, floor, runner);
criterion_main!(benches);
