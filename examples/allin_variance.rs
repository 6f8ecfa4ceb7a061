//! Measures the all-in adjustment's sampling noise: plays `HANDS` hands of `LINEUP`
//! (seed 1, one table, 2,000-chip stacks) and, for every hand whose adjustment samples
//! run-outs (closed preflop or on the flop), estimates it again with `REPS` other
//! run-out seeds; the variance across those estimates is the estimator's own variance
//! for that hand. Prints it per seat and hand, and per bot and hand (a bot's seats
//! summed, as `bots.csv` counts them), in big blinds squared, beside each seat's
//! standard deviation per hand of the adjusted results (seed 1's run-outs), in big
//! blinds: `cargo run --release --example allin_variance -- random,random,random,random,random,random 20000 16`.

use holdem_arena::allin_ev::{FIXED_ONE, adjusted_net, closed_board_len};
use holdem_arena::bot::MAX_SEATS;
use holdem_arena::bots::{self, BotSpec};
use holdem_arena::deal::Dealer;
use holdem_arena::engine::{Stakes, Table};

fn main() {
    let mut args = std::env::args().skip(1);
    let lineup = args
        .next()
        .unwrap_or_else(|| "random,random,random,random,random,random".into());
    let hands: u64 = args
        .next()
        .map_or(20_000, |h| h.parse().expect("hand count"));
    let reps: u64 = args.next().map_or(16, |r| r.parse().expect("repetitions"));
    let specs: Vec<BotSpec> = lineup
        .split(',')
        .map(|n| bots::find(n).expect("built-in bot").into())
        .collect();
    let names: Vec<&str> = specs.iter().map(BotSpec::name).collect();
    let seats = names.len();
    let stakes = Stakes::default();
    let bb = f64::from(stakes.big_blind_chips);
    let mut table = Table::new(&names, &vec![2000; seats], stakes, 1);
    let mut bots: Vec<_> = (0..seats).map(|s| specs[s].make(s as u8)).collect();
    let dealer = Dealer::new(1);
    let (mut sampled, mut noise) = (0u64, 0f64);
    let distinct = bots::distinct_names(names.iter().copied());
    let bot_of: Vec<usize> = names
        .iter()
        .map(|n| distinct.iter().position(|d| d == n).expect("listed"))
        .collect();
    let mut bot_noise = vec![0f64; distinct.len()];
    let mut sums = [(0f64, 0f64); MAX_SEATS];
    for hand in 0..hands {
        let deal = dealer.deal(hand, seats);
        let result = table.play_hand(hand, &deal, &mut bots);
        let button = (hand % seats as u64) as usize;
        let mut out = [0i64; MAX_SEATS];
        adjusted_net(&result, &deal, button, 1, hand, &mut out);
        for (sum, &o) in sums.iter_mut().zip(&out[..seats]) {
            let x = o as f64 / FIXED_ONE as f64 / bb;
            *sum = (sum.0 + x, sum.1 + x * x);
        }
        if !matches!(closed_board_len(&result), Some(0 | 3)) {
            continue;
        }
        sampled += 1;
        let mut estimates = [[0f64; MAX_SEATS]; 64];
        let reps = reps.clamp(2, 64) as usize;
        for (r, e) in estimates[..reps].iter_mut().enumerate() {
            adjusted_net(&result, &deal, button, 1000 + r as u64, hand, &mut out);
            for (e, &o) in e.iter_mut().zip(&out[..seats]) {
                *e = o as f64 / FIXED_ONE as f64 / bb;
            }
        }
        for s in 0..seats {
            let mean = estimates[..reps].iter().map(|e| e[s]).sum::<f64>() / reps as f64;
            let ss: f64 = estimates[..reps]
                .iter()
                .map(|e| (e[s] - mean).powi(2))
                .sum();
            noise += ss / (reps - 1) as f64;
        }
        for (b, bn) in bot_noise.iter_mut().enumerate() {
            let total = |e: &[f64; MAX_SEATS]| {
                let seats_of_b = (0..seats).filter(|&s| bot_of[s] == b);
                seats_of_b.map(|s| e[s]).sum::<f64>()
            };
            let mean = estimates[..reps].iter().map(total).sum::<f64>() / reps as f64;
            let ss: f64 = estimates[..reps]
                .iter()
                .map(|e| (total(e) - mean).powi(2))
                .sum();
            *bn += ss / (reps - 1) as f64;
        }
    }
    let sd: Vec<String> = sums[..seats]
        .iter()
        .map(|&(s, ss)| {
            let mean = s / hands as f64;
            format!("{:.3}", (ss / hands as f64 - mean * mean).max(0.0).sqrt())
        })
        .collect();
    let by_bot: Vec<String> = distinct
        .iter()
        .zip(&bot_noise)
        .map(|(name, n)| format!("{name} {:.2}", n / hands as f64))
        .collect();
    println!(
        "{hands} hands, {sampled} with sampled run-outs; run-out noise {:.3} bb² per seat and sampled hand, {:.4} bb² per seat and hand; per bot and hand (bb²): {}; adjusted sd per hand by seat (bb): {}",
        noise / (sampled.max(1) * seats as u64) as f64,
        noise / (hands * seats as u64) as f64,
        by_bot.join(", "),
        sd.join(" ")
    );
}
