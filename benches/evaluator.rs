//! Hand-evaluator throughput (criterion).
//!
//! - `random_7card`: 10,000,000 pre-generated random 7-card hands (fixed seed), evaluated
//!   by `eval::evaluate`, by `eval::PartialHand` (7 × `add`, then `strength`), and by the
//!   reference peer rs_poker 5.0.0 (`SevenCardAccum`, its fastest 7-card path) on the same
//!   hands, converted to rs_poker cards before timing.
//! - `enumerate_7card`: all 133,784,560 7-card hands, incrementally (one `add` per loop
//!   level, `strength` in the innermost loop).
//!
//! Run: `cargo bench --bench evaluator -- --warm-up-time 1 --measurement-time 5`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use holdem_arena::cards::Card;
use holdem_arena::eval::{PartialHand, Strength, evaluate, for_each_seven_card_hand};
use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use rs_poker::core::{Card as RsCard, SevenCardAccum};
use std::hint::black_box;
use std::time::Duration;

const HANDS: usize = 10_000_000;

/// `HANDS` random hands of 7 distinct card indices (`rank * 4 + suit`).
fn random_hands() -> Vec<[u8; 7]> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(2024);
    let mut deck: [u8; 52] = std::array::from_fn(|i| i as u8);
    (0..HANDS)
        .map(|_| {
            for i in 0..7 {
                let j = rng.random_range(i..52);
                deck.swap(i, j);
            }
            std::array::from_fn(|i| deck[i])
        })
        .collect()
}

fn random_7card(c: &mut Criterion) {
    let indices = random_hands();
    let ours: Vec<[Card; 7]> = indices
        .iter()
        .map(|h| h.map(|i| Card::from_index(i).unwrap()))
        .collect();
    // rs_poker's card index is `suit * 13 + value` (value 0..=12, deuce to ace).
    let theirs: Vec<[RsCard; 7]> = indices
        .iter()
        .map(|h| h.map(|i| RsCard::from((i % 4) * 13 + i / 4)))
        .collect();
    // rs_poker's own card indices, for its conversion from indices inside the loop.
    let their_indices: Vec<[u8; 7]> = indices
        .iter()
        .map(|h| h.map(|i| (i % 4) * 13 + i / 4))
        .collect();
    drop(indices);

    let mut group = c.benchmark_group("random_7card");
    group.throughput(Throughput::Elements(HANDS as u64));
    group.sample_size(10);
    group.bench_function("holdem_arena_evaluate", |b| {
        b.iter(|| {
            black_box(&ours)
                .iter()
                .fold(Strength::MIN, |best, h| best.max(evaluate(h)))
        })
    });
    group.bench_function("holdem_arena_partial_hand", |b| {
        b.iter(|| {
            black_box(&ours).iter().fold(Strength::MIN, |best, h| {
                best.max(PartialHand::from_cards(h).strength())
            })
        })
    });
    group.bench_function("rs_poker_seven_card_accum", |b| {
        b.iter(|| {
            black_box(&theirs)
                .iter()
                .map(|h| {
                    let mut acc = SevenCardAccum::new();
                    for &card in h {
                        acc.add(card);
                    }
                    acc.rank()
                })
                .max()
        })
    });
    // The same, starting from rs_poker's card indices (as ours starts from ours).
    group.bench_function("rs_poker_seven_card_accum_from_indices", |b| {
        b.iter(|| {
            black_box(&their_indices)
                .iter()
                .map(|h| {
                    let mut acc = SevenCardAccum::new();
                    for &i in h {
                        acc.add(RsCard::from(i));
                    }
                    acc.rank()
                })
                .max()
        })
    });
    group.finish();
}

fn enumerate_7card(c: &mut Criterion) {
    let mut group = c.benchmark_group("enumerate_7card");
    group.throughput(Throughput::Elements(133_784_560));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("holdem_arena_partial_hand", |b| {
        b.iter(|| {
            let mut sum = 0u64;
            for_each_seven_card_hand(|hand| sum += u64::from(hand.strength().value()));
            black_box(sum)
        })
    });
    group.finish();
}

criterion_group!(benches, random_7card, enumerate_7card);
criterion_main!(benches);
