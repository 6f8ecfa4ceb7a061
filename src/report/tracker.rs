//! `tracker.csv` and `positions.csv`: each bot's tracker statistics with their
//! opportunity counts and 95% intervals, and its results by position.
//!
//! The counts come from [`crate::stats::Tally`] (definitions in [`crate::stats`]); a
//! percentage's interval is the Wilson score interval (E. B. Wilson, "Probable
//! Inference, the Law of Succession, and Statistical Inference", JASA 22, 1927), which
//! stays inside 0–100% and is honest at small counts, where the normal approximation
//! is not. Opportunities are taken as independent: within one hand each is counted
//! once, but with duplicate deals the rotations of a deal share cards, so read the
//! intervals of a duplicate run as slightly narrow.

use super::{bot_seats, round4};
use crate::engine::positions::POSITION_NAMES;
use crate::sim::RunConfig;
use crate::stats::{ChipTally, Stats, Tally, UnitSample};
use serde::Serialize;

/// The file of tracker statistics.
pub const TRACKER_FILE: &str = "tracker.csv";
/// The file of results by position.
pub const POSITIONS_FILE: &str = "positions.csv";

/// One row of `tracker.csv`: one statistic of one bot, all its seats together.
#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct TrackerRow {
    /// Bot name.
    pub bot: String,
    /// The statistic: `VPIP`, `PFR`, `3-bet`, `fold to 3-bet`, `flop c-bet`,
    /// `fold to flop c-bet`, `steal`, `fold to steal`, `WTSD` or `W$SD`.
    pub statistic: &'static str,
    /// Times the bot did it, in hands.
    pub times: u64,
    /// Times it had the opportunity, in hands (for WTSD the hands that saw the flop,
    /// for W$SD the showdowns).
    pub opportunities: u64,
    /// `times` out of `opportunities`, in percent (0 without an opportunity).
    pub percent: f64,
    /// Lower end of the 95% Wilson interval, in percent.
    pub ci95_low_percent: f64,
    /// Upper end of the 95% Wilson interval, in percent.
    pub ci95_high_percent: f64,
}

/// The statistics of `tracker.csv`, in its row order: name, then (times,
/// opportunities) from a tally.
type Statistic = (&'static str, fn(&Tally) -> (u64, u64));

/// Every statistic of `tracker.csv`.
pub const STATISTICS: [Statistic; 10] = [
    ("VPIP", |t| (t.vpip_hands, t.hands)),
    ("PFR", |t| (t.pfr_hands, t.hands)),
    ("3-bet", |t| (t.three_bets, t.three_bet_opportunities)),
    ("fold to 3-bet", |t| {
        (t.folds_to_three_bet, t.fold_to_three_bet_opportunities)
    }),
    ("flop c-bet", |t| (t.cbets, t.cbet_opportunities)),
    ("fold to flop c-bet", |t| {
        (t.folds_to_cbet, t.fold_to_cbet_opportunities)
    }),
    ("steal", |t| (t.steals, t.steal_opportunities)),
    ("fold to steal", |t| {
        (t.folds_to_steal, t.fold_to_steal_opportunities)
    }),
    ("WTSD", |t| (t.showdowns, t.saw_flop_hands)),
    ("W$SD", |t| (t.showdowns_won, t.showdowns)),
];

/// The 95% Wilson score interval of `times` successes in `trials`, as fractions
/// `(low, high)` in 0..=1; `(0, 1)` without a trial.
pub fn wilson_interval(times: u64, trials: u64) -> (f64, f64) {
    if trials == 0 {
        return (0.0, 1.0);
    }
    const Z: f64 = 1.96;
    let n = trials as f64;
    let p = times as f64 / n;
    let z2n = Z * Z / n;
    let centre = (p + z2n / 2.0) / (1.0 + z2n);
    let half = Z / (1.0 + z2n) * (p * (1.0 - p) / n + z2n / (4.0 * n)).sqrt();
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// The `tracker.csv` rows: per bot (line-up order) every statistic of [`STATISTICS`].
pub fn tracker_rows(config: &RunConfig, stats: &Stats) -> Vec<TrackerRow> {
    let bots: Vec<(&str, Tally)> = bot_seats(config)
        .into_iter()
        .map(|(name, seats)| {
            let mut total = Tally::default();
            for &s in &seats {
                total += &stats.seats[s];
            }
            (name, total)
        })
        .collect();
    tracker_rows_of(&bots)
}

/// The `tracker.csv` rows of `bots` (name, tally; in this order): every statistic of
/// [`STATISTICS`] for each.
pub fn tracker_rows_of(bots: &[(&str, Tally)]) -> Vec<TrackerRow> {
    let mut rows = Vec::new();
    for (name, total) in bots {
        for (statistic, count) in STATISTICS {
            let (times, opportunities) = count(total);
            let (low, high) = wilson_interval(times, opportunities);
            rows.push(TrackerRow {
                bot: name.to_string(),
                statistic,
                times,
                opportunities,
                percent: if opportunities == 0 {
                    0.0
                } else {
                    round4(100.0 * times as f64 / opportunities as f64)
                },
                ci95_low_percent: round4(100.0 * low),
                ci95_high_percent: round4(100.0 * high),
            });
        }
    }
    rows
}

/// One row of `positions.csv`: one bot's results in one position, its seats added up.
#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct PositionRow {
    /// Bot name.
    pub bot: String,
    /// The position ([`POSITION_NAMES`]: UTG ... CO, BTN, SB, BB).
    pub position: &'static str,
    /// Hands played in the position.
    pub hands: u64,
    /// Σ net result, in chips.
    pub net_chips: i64,
    /// Win rate in the position, in bb/100.
    pub bb_per_100: f64,
    /// Half-width of its 95% interval, over hands.
    pub ci95_bb_per_100: f64,
}

/// One bot's results by position number ([`POSITION_NAMES`]).
pub type ByPosition = [ChipTally; POSITION_NAMES.len()];

/// The `positions.csv` rows: per bot (line-up order) and position (preflop acting
/// order), positions without a hand left out.
pub fn position_rows(config: &RunConfig, stats: &Stats) -> Vec<PositionRow> {
    let bots: Vec<(&str, ByPosition)> = bot_seats(config)
        .into_iter()
        .map(|(name, seats)| {
            let mut total = ByPosition::default();
            for &s in &seats {
                for (t, p) in total.iter_mut().zip(&stats.positions[s]) {
                    *t += p;
                }
            }
            (name, total)
        })
        .collect();
    position_rows_of(&bots, config.stakes.big_blind_chips)
}

/// The `positions.csv` rows of `bots` (name, results by position; in this order) at
/// a big blind of `big_blind_chips`, positions without a hand left out.
pub fn position_rows_of(bots: &[(&str, ByPosition)], big_blind_chips: u32) -> Vec<PositionRow> {
    let mut rows = Vec::new();
    for (name, by_position) in bots {
        for (t, &position) in by_position.iter().zip(&POSITION_NAMES) {
            if t.hands == 0 {
                continue;
            }
            let rate = UnitSample::per_hand(t.hands, t.net_chips, t.net_chips_squared)
                .win_rate(big_blind_chips);
            rows.push(PositionRow {
                bot: name.to_string(),
                position,
                hands: t.hands,
                net_chips: t.net_chips,
                bb_per_100: round4(rate.bb_per_100),
                ci95_bb_per_100: round4(rate.ci95_bb_per_100),
            });
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_interval_matches_published_values() {
        // Newcombe (1998), Statistics in Medicine 17, table I: 81/263 gives
        // 0.2553 to 0.3662 by the Wilson score method.
        let (lo, hi) = wilson_interval(81, 263);
        assert!(
            (lo - 0.2553).abs() < 5e-4 && (hi - 0.3662).abs() < 5e-4,
            "{lo} {hi}"
        );
        // 0 of 10: from 0 to z²/(n + z²) = 0.2775.
        let (lo, hi) = wilson_interval(0, 10);
        assert_eq!(lo, 0.0);
        assert!((hi - 0.2775).abs() < 5e-4, "{hi}");
        assert_eq!(wilson_interval(0, 0), (0.0, 1.0));
        assert_eq!(wilson_interval(5, 5).1, 1.0);
    }
}
