//! Per-seat and per-bot accumulators: results in chips and the standard tracker
//! statistics (VPIP, PFR, aggression factor, WTSD, W$SD).
//!
//! Everything is an integer sum, so merging per-worker accumulators with `+=` gives
//! the same totals in any order: a run's numbers do not depend on its thread count.
//! Definitions follow PokerTracker 4's glossary:
//! - VPIP: hands in which the player put chips in voluntarily preflop (a call or raise;
//!   posting a blind or checking the option does not count).
//! - PFR: hands with a preflop raise.
//! - Aggression factor: postflop bets and raises divided by postflop calls.
//! - WTSD (went to showdown): showdowns per hand in which the player saw the flop.
//! - W$SD (won money at showdown): showdowns in which the player won chips.

use crate::bot::{ActionKind, HandResult, MAX_SEATS, Street};
use std::ops::AddAssign;

/// One seat's (or one bot's) counts and chip sums over the hands it played.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Tally {
    /// Hands played (one per seat per hand dealt).
    pub hands: u64,
    /// Sum of net results, in chips.
    pub net_chips: i64,
    /// Sum of squared per-hand net results, in chips².
    pub net_chips_squared: i128,
    /// Hands with a voluntary preflop call or raise.
    pub vpip_hands: u64,
    /// Hands with a preflop raise.
    pub pfr_hands: u64,
    /// Postflop bets and raises.
    pub postflop_aggressive_actions: u64,
    /// Postflop calls.
    pub postflop_calls: u64,
    /// Hands in which the player was still in when the flop was dealt.
    pub saw_flop_hands: u64,
    /// Hands that reached a showdown with the player in it.
    pub showdowns: u64,
    /// Showdowns in which the player won chips.
    pub showdowns_won: u64,
    /// Actions rejected as invalid and replaced by the timeout action, plus an external
    /// bot's malformed messages (answered with `error` `invalid_message`).
    pub invalid_actions: u64,
    /// External bots: actions not answered within the action timeout.
    pub timeouts: u64,
    /// External bots: actions answered with `action_rejected` (the bot may retry).
    pub rejected_actions: u64,
    /// External bots: process deaths (the seat auto-folds afterwards).
    pub crashes: u64,
    /// External bots: decisions asked for (the denominator of the timeout share; not a
    /// CSV column).
    pub decisions: u64,
    /// Sessions: hands dealt at the table while this seat sat out (busted, waiting to
    /// rebuy or gone for good); not in `hands`.
    #[serde(default)]
    pub hands_sat_out: u64,
    /// Sessions: times the stack fell below the big blind after a hand.
    #[serde(default)]
    pub busts: u64,
    /// Sessions: times the seat bought in again after a bust.
    #[serde(default)]
    pub rebuys: u64,
    /// Sessions played in this seat (one per session and rotation).
    #[serde(default)]
    pub sessions: u64,
    /// Σ (session result)², in chips², over `sessions`.
    #[serde(default)]
    pub session_net_chips_squared: i128,
    /// The worst session result, in chips (meaningful when `sessions > 0`).
    #[serde(default)]
    pub worst_session_chips: i64,
}

/// The share of a bot's decisions that may time out before its results are refused
/// (1%): a bot that misses more is not being measured, the server is playing for it.
pub const MAX_TIMEOUT_SHARE: f64 = 0.01;

impl Tally {
    /// Why these results cannot be trusted as the bot's own, if they cannot: its process
    /// crashed (its seat then folded for the rest of the run), or it timed out on more
    /// than [`MAX_TIMEOUT_SHARE`] of its decisions. `None` for a bot that played its
    /// hands itself (every in-process bot).
    pub fn fault_reason(&self) -> Option<String> {
        if self.crashes > 0 {
            return Some(format!(
                "crashed {} time{} (its seat folded from then on)",
                self.crashes,
                if self.crashes == 1 { "" } else { "s" }
            ));
        }
        if self.timeouts > 0 && self.timeouts as f64 > MAX_TIMEOUT_SHARE * self.decisions as f64 {
            return Some(format!(
                "timed out on {} of {} decisions ({:.1}%, more than {}%)",
                self.timeouts,
                self.decisions,
                100.0 * self.timeouts as f64 / self.decisions.max(1) as f64,
                100.0 * MAX_TIMEOUT_SHARE
            ));
        }
        None
    }

    /// Adds one session's result in this seat, in chips.
    pub fn record_session(&mut self, net_chips: i64) {
        self.worst_session_chips = if self.sessions == 0 {
            net_chips
        } else {
            self.worst_session_chips.min(net_chips)
        };
        self.sessions += 1;
        self.session_net_chips_squared += i128::from(net_chips) * i128::from(net_chips);
    }

    /// Adds a bot's protocol faults (see [`crate::bot::Faults`]).
    pub fn add_faults(&mut self, f: crate::bot::Faults) {
        self.timeouts += f.timeouts;
        self.invalid_actions += f.invalid_messages;
        self.rejected_actions += f.rejected_actions;
        self.crashes += f.crashes;
        self.decisions += f.decisions;
    }
}

impl AddAssign<&Tally> for Tally {
    fn add_assign(&mut self, o: &Tally) {
        self.hands += o.hands;
        self.net_chips += o.net_chips;
        self.net_chips_squared += o.net_chips_squared;
        self.vpip_hands += o.vpip_hands;
        self.pfr_hands += o.pfr_hands;
        self.postflop_aggressive_actions += o.postflop_aggressive_actions;
        self.postflop_calls += o.postflop_calls;
        self.saw_flop_hands += o.saw_flop_hands;
        self.showdowns += o.showdowns;
        self.showdowns_won += o.showdowns_won;
        self.invalid_actions += o.invalid_actions;
        self.timeouts += o.timeouts;
        self.rejected_actions += o.rejected_actions;
        self.crashes += o.crashes;
        self.decisions += o.decisions;
        self.hands_sat_out += o.hands_sat_out;
        self.busts += o.busts;
        self.rebuys += o.rebuys;
        if o.sessions > 0 {
            self.worst_session_chips = if self.sessions == 0 {
                o.worst_session_chips
            } else {
                self.worst_session_chips.min(o.worst_session_chips)
            };
        }
        self.sessions += o.sessions;
        self.session_net_chips_squared += o.session_net_chips_squared;
    }
}

/// A whole table's accumulators: one [`Tally`] per seat. (Per-bot sums over
/// independent units, for the intervals, are in [`DealSums`].)
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Stats {
    /// Per-seat tallies; entries at `seats..` stay zero.
    pub seats: [Tally; MAX_SEATS],
    /// Number of seats.
    pub seat_count: usize,
    /// Table hands recorded.
    #[serde(default)]
    pub table_hands: u64,
}

impl Stats {
    /// Empty accumulators for a table of `seats` seats (at most 10).
    pub fn new(seats: usize) -> Stats {
        assert!(seats <= MAX_SEATS, "at most {MAX_SEATS} seats");
        Stats {
            seats: [Tally::default(); MAX_SEATS],
            seat_count: seats,
            table_hands: 0,
        }
    }

    /// Adds one hand, seat `s`'s results to `self.seats[slot[s]]` (`slot`: one entry
    /// per seat; the identity in plain and rotation runs, the line-up slot of each
    /// seat's bot when bots change seats: `run --duplicate permutations`).
    #[inline]
    pub fn record(&mut self, hand: &HandResult<'_>, slot: &[u8]) {
        self.table_hands += 1;
        // Bit `s` set: seat `s` called or raised / raised / folded preflop.
        let (mut vpip, mut pfr, mut folded_preflop) = (0u16, 0u16, 0u16);
        for a in hand.actions {
            if a.kind == ActionKind::Check {
                continue; // the most common action counts for nothing
            }
            let bit = 1 << a.seat;
            match (a.street, a.kind) {
                (Street::Preflop, ActionKind::Call) => vpip |= bit,
                (Street::Preflop, ActionKind::Raise) => (vpip, pfr) = (vpip | bit, pfr | bit),
                (Street::Preflop, ActionKind::Fold) => folded_preflop |= bit,
                (_, ActionKind::Raise) => {
                    self.seats[slot[a.seat as usize] as usize].postflop_aggressive_actions += 1
                }
                (_, ActionKind::Call) => {
                    self.seats[slot[a.seat as usize] as usize].postflop_calls += 1
                }
                _ => {}
            }
        }
        let saw_flop = if hand.board.len() >= 3 {
            !folded_preflop
        } else {
            0
        };
        let per_seat = hand
            .final_stacks
            .iter()
            .zip(hand.starting_stacks)
            .zip(hand.invalid_actions);
        for (s, ((&last, &first), &invalid)) in per_seat.enumerate() {
            let t = &mut self.seats[slot[s] as usize];
            if hand.sat_out(s) {
                t.hands_sat_out += 1;
                continue;
            }
            let net = i64::from(last) - i64::from(first);
            let flag = |mask: u16| u64::from(mask >> s & 1);
            t.hands += 1;
            t.net_chips += net;
            t.net_chips_squared += i128::from(net) * i128::from(net);
            t.vpip_hands += flag(vpip);
            t.pfr_hands += flag(pfr);
            t.saw_flop_hands += flag(saw_flop);
            t.invalid_actions += u64::from(invalid);
        }
        for shown in hand.shown_cards {
            self.seats[slot[shown.seat as usize] as usize].showdowns += 1;
        }
        if hand.showdown() {
            for w in hand.winners {
                self.seats[slot[w.seat as usize] as usize].showdowns_won += 1;
            }
        }
    }
}

impl AddAssign<&Stats> for Stats {
    fn add_assign(&mut self, o: &Stats) {
        self.table_hands += o.table_hands;
        for (a, b) in self.seats.iter_mut().zip(&o.seats) {
            *a += b;
        }
    }
}

/// Per-bot sums over independent units, for intervals: a unit is one deal, which is
/// one hand in a plain run and every rotation of the deal in a duplicate run (the
/// independent unit of a duplicate match). A unit's value for a bot is the sum of its
/// results over its seats and the unit's hands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DealSums {
    /// Units (deals) recorded.
    pub units: u64,
    /// Per distinct bot: Σ unit result, in chips.
    pub net_chips: [i64; MAX_SEATS],
    /// Per distinct bot: Σ (unit result)², in chips².
    pub net_chips_squared: [i128; MAX_SEATS],
    /// Per distinct bot: Σ all-in-adjusted unit result, in 1/[`crate::allin_ev::FIXED_ONE`] chip.
    pub adjusted: [i128; MAX_SEATS],
    /// Per distinct bot: Σ (all-in-adjusted unit result)², in (1/`FIXED_ONE` chip)².
    pub adjusted_squared: [i128; MAX_SEATS],
}

impl Default for DealSums {
    fn default() -> DealSums {
        DealSums {
            units: 0,
            net_chips: [0; MAX_SEATS],
            net_chips_squared: [0; MAX_SEATS],
            adjusted: [0; MAX_SEATS],
            adjusted_squared: [0; MAX_SEATS],
        }
    }
}

impl DealSums {
    /// Adds one unit: per distinct bot, its real result in chips and its all-in-adjusted
    /// result in 1/`FIXED_ONE` chip (slices of the line-up's distinct-bot count).
    pub fn record(&mut self, net_chips: &[i64], adjusted: &[i64]) {
        self.units += 1;
        for (b, (&net, &adj)) in net_chips.iter().zip(adjusted).enumerate() {
            self.net_chips[b] += net;
            self.net_chips_squared[b] += i128::from(net) * i128::from(net);
            self.adjusted[b] += i128::from(adj);
            self.adjusted_squared[b] += i128::from(adj) * i128::from(adj);
        }
    }
}

impl AddAssign<&DealSums> for DealSums {
    fn add_assign(&mut self, o: &DealSums) {
        self.units += o.units;
        for b in 0..MAX_SEATS {
            self.net_chips[b] += o.net_chips[b];
            self.net_chips_squared[b] += o.net_chips_squared[b];
            self.adjusted[b] += o.adjusted[b];
            self.adjusted_squared[b] += o.adjusted_squared[b];
        }
    }
}

/// The effective-stack buckets of `depths.csv`, in big blinds: `(lowest, highest)`
/// with the highest excluded (`None`: no upper bound), and the bucket's name.
pub const DEPTH_BUCKETS: [(u32, Option<u32>, &str); 5] = [
    (0, Some(20), "<20"),
    (20, Some(50), "20-50"),
    (50, Some(100), "50-100"),
    (100, Some(200), "100-200"),
    (200, None, ">=200"),
];

/// One seat's results in one effective-stack bucket: hands and chip sums.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DepthTally {
    /// Hands played in the bucket.
    pub hands: u64,
    /// Σ net result, in chips.
    pub net_chips: i64,
    /// Σ (net result)², in chips².
    pub net_chips_squared: i128,
}

impl AddAssign<&DepthTally> for DepthTally {
    fn add_assign(&mut self, o: &DepthTally) {
        self.hands += o.hands;
        self.net_chips += o.net_chips;
        self.net_chips_squared += o.net_chips_squared;
    }
}

/// Each seat's results by effective stack at the start of the hand (`depths.csv`):
/// the smaller of the seat's stack and the largest other stack, in big blinds, put in
/// one of [`DEPTH_BUCKETS`]. Fixed-size integer sums: recording allocates nothing and
/// merging in any order gives the same totals.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Depths {
    /// Per seat, per bucket.
    pub seats: [[DepthTally; DEPTH_BUCKETS.len()]; MAX_SEATS],
}

impl Default for Depths {
    fn default() -> Depths {
        Depths {
            seats: [[DepthTally::default(); DEPTH_BUCKETS.len()]; MAX_SEATS],
        }
    }
}

impl Depths {
    /// The bucket of an effective stack of `chips` at a big blind of `big_blind_chips`.
    pub fn bucket(chips: u32, big_blind_chips: u32) -> usize {
        let bb = chips / big_blind_chips.max(1);
        DEPTH_BUCKETS
            .iter()
            .position(|&(_, hi, _)| hi.is_none_or(|h| bb < h))
            .unwrap_or(DEPTH_BUCKETS.len() - 1)
    }

    /// Adds one hand, seat `s`'s results to `self.seats[slot[s]]` (see
    /// [`Stats::record`]).
    pub fn record(&mut self, hand: &HandResult<'_>, big_blind_chips: u32, slot: &[u8]) {
        let stacks = hand.starting_stacks;
        // The two deepest seated stacks: a seat's deepest opponent is the deepest
        // stack, or the second deepest when it is the deepest itself (one pass, not
        // one per seat).
        let (mut deepest, mut second, mut deepest_seat) = (0u32, 0u32, usize::MAX);
        for (s, &x) in stacks.iter().enumerate() {
            if hand.sat_out(s) {
                continue;
            }
            if x > deepest {
                (second, deepest, deepest_seat) = (deepest, x, s);
            } else if x > second {
                second = x;
            }
        }
        for (s, &own) in stacks.iter().enumerate() {
            if hand.sat_out(s) {
                continue;
            }
            let other = if s == deepest_seat { second } else { deepest };
            let t =
                &mut self.seats[slot[s] as usize][Depths::bucket(own.min(other), big_blind_chips)];
            let net = hand.net_chips(s);
            t.hands += 1;
            t.net_chips += net;
            t.net_chips_squared += i128::from(net) * i128::from(net);
        }
    }
}

impl AddAssign<&Depths> for Depths {
    fn add_assign(&mut self, o: &Depths) {
        for (a, b) in self.seats.iter_mut().zip(&o.seats) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
    }
}

/// One bot's results summed over independent units (hands, or the rotations of a
/// duplicate deal), and what one unit holds: the input of [`UnitSample::win_rate`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct UnitSample {
    /// Units recorded.
    pub units: u64,
    /// Σ unit result, in `1/scale` chip.
    pub sum: i128,
    /// Σ (unit result)², in (`1/scale` chip)².
    pub sum_squared: i128,
    /// Seat-hands in one unit: the bot's seats × the unit's table hands (in sessions,
    /// the mean over the units: the seats' hands played ÷ units).
    pub seat_hands_per_unit: f64,
    /// Table hands in one unit: 1, the rotations of a duplicate deal, or a session's
    /// hands (× rotations).
    pub hands_per_unit: f64,
    /// Units of the sums per chip: 1 for chips, [`crate::allin_ev::FIXED_ONE`] for
    /// all-in-adjusted sums.
    pub scale: i64,
}

impl UnitSample {
    /// `hands` one-hand units of one seat, with sums in chips.
    pub fn per_hand(hands: u64, sum_chips: i64, sum_squared_chips: i128) -> UnitSample {
        UnitSample {
            units: hands,
            sum: i128::from(sum_chips),
            sum_squared: sum_squared_chips,
            seat_hands_per_unit: 1.0,
            hands_per_unit: 1.0,
            scale: 1,
        }
    }

    /// The win rate per seat-hand and its uncertainty, at a big blind of
    /// `big_blind_chips` (> 0). The standard deviation is reported per hand, as
    /// √`hands_per_unit` times that of the unit mean, so that `ci95 = 1.96·sd/√hands·100`
    /// holds in every mode and a ±w bb/100 interval needs (196·sd/w)² hands. Fewer
    /// than two units give a zero standard deviation and interval; no unit gives zeros.
    pub fn win_rate(&self, big_blind_chips: u32) -> WinRate {
        if self.units == 0 {
            return WinRate {
                bb_per_100: 0.0,
                ci95_bb_per_100: 0.0,
                sd_bb_per_hand: 0.0,
            };
        }
        let n = self.units as f64;
        let per = self.seat_hands_per_unit * f64::from(big_blind_chips) * self.scale as f64;
        let mean = self.sum as f64 / n;
        let var = if self.units > 1 {
            ((self.sum_squared as f64 - self.sum as f64 * mean) / (n - 1.0)).max(0.0)
        } else {
            0.0
        };
        let sd_unit_mean = var.sqrt() / per;
        WinRate {
            bb_per_100: mean / per * 100.0,
            ci95_bb_per_100: if self.units > 1 {
                1.96 * sd_unit_mean / n.sqrt() * 100.0
            } else {
                0.0
            },
            sd_bb_per_hand: sd_unit_mean * self.hands_per_unit.sqrt(),
        }
    }
}

/// Win rate and its uncertainty from per-hand results.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WinRate {
    /// Mean result in big blinds per 100 hands.
    pub bb_per_100: f64,
    /// Half-width of the 95% confidence interval of `bb_per_100`: 1.96·s/√n·100.
    pub ci95_bb_per_100: f64,
    /// Sample standard deviation of the per-hand result, in big blinds.
    pub sd_bb_per_hand: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crash_or_more_than_one_percent_of_timeouts_makes_results_untrustworthy() {
        let clean = Tally {
            decisions: 1000,
            timeouts: 10,
            ..Tally::default()
        };
        assert_eq!(clean.fault_reason(), None, "1% is tolerated");
        let slow = Tally {
            timeouts: 11,
            ..clean
        };
        assert!(
            slow.fault_reason()
                .unwrap()
                .contains("11 of 1000 decisions")
        );
        let crashed = Tally {
            crashes: 1,
            ..clean
        };
        assert!(crashed.fault_reason().unwrap().contains("crashed 1 time "));
        assert_eq!(Tally::default().fault_reason(), None);
    }

    #[test]
    fn win_rate_matches_the_textbook_formulas() {
        // Results in chips with a 20-chip big blind: +40, -20, +10, -10 (bb: 2, -1, .5, -.5).
        let xs = [40i64, -20, 10, -10];
        let sum: i64 = xs.iter().sum();
        let sq: i128 = xs.iter().map(|&x| i128::from(x * x)).sum();
        let w = UnitSample::per_hand(4, sum, sq).win_rate(20);
        assert!((w.bb_per_100 - 25.0).abs() < 1e-9);
        // Sample sd in bb of [2, -1, .5, -.5]: mean .25, Σ(x-m)² = 3.0625+1.5625+.0625+.5625 = 5.25
        let sd = (5.25f64 / 3.0).sqrt();
        assert!((w.sd_bb_per_hand - sd).abs() < 1e-12);
        assert!((w.ci95_bb_per_100 - 1.96 * sd / 2.0 * 100.0).abs() < 1e-9);
    }

    #[test]
    fn a_bot_in_two_seats_reports_per_seat_rates() {
        // Two seats, per-hand combined results 40 and 0 chips -> per seat 20 and 0.
        let two_seats = UnitSample {
            seat_hands_per_unit: 2.0,
            ..UnitSample::per_hand(2, 40, 1600)
        };
        assert!((two_seats.win_rate(20).bb_per_100 - 50.0).abs() < 1e-9);
        let single = UnitSample::per_hand(1, 40, 1600).win_rate(20);
        assert_eq!(single.ci95_bb_per_100, 0.0);
        assert_eq!(UnitSample::per_hand(0, 0, 0).win_rate(20).bb_per_100, 0.0);
    }
}
