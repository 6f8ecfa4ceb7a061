//! Per-seat and per-bot accumulators: results in chips and the standard tracker
//! statistics.
//!
//! Everything is an integer sum, so merging per-worker accumulators with `+=` gives
//! the same totals in any order: a run's numbers do not depend on its thread count.
//! Definitions follow PokerTracker 4's statistics reference
//! (<https://www.pokertracker.com/guides/PT4/tutorials/preflop-statistics-explained> and
//! the postflop guide beside it); a percentage counts the times a player did something
//! out of the times they had the opportunity, and each opportunity is counted at most
//! once per hand:
//! - VPIP: hands in which the player put chips in voluntarily preflop (a call or raise;
//!   posting a blind or checking the option does not count).
//! - PFR: hands with a preflop raise.
//! - 3-bet: a preflop re-raise when facing exactly one raise (the open raise; the big
//!   blind is the first "bet"). Opportunity: acting preflop facing one raise made by
//!   someone else.
//! - Fold to 3-bet: the open raiser folds when next to act after a re-raise, with no
//!   raise after the 3-bet. Opportunity: the open raiser facing exactly one re-raise.
//! - Flop c-bet: the preflop aggressor (the last preflop raiser) bets the flop.
//!   Opportunity: they act on the flop before anyone has bet it.
//! - Fold to flop c-bet: a player folds to the c-bet. Opportunity: acting on the
//!   flop facing the c-bet with no raise after it.
//! - Steal: an open raise from the cutoff, the button or the small blind when
//!   everyone before folded (heads-up: the button). Opportunity: being folded to there.
//! - Fold to steal: a blind folds to a steal. Opportunity: the small or big blind
//!   acting facing the steal raise alone (everyone between folded).
//! - Aggression factor: postflop bets and raises divided by postflop calls.
//! - WTSD (went to showdown): showdowns per hand in which the player saw the flop.
//! - W$SD (won money at showdown): showdowns in which the player won chips.
//!
//! A raise is any action recorded as a raise, an all-in short of a full raise
//! included. Positions (CO, BTN, SB, BB...) are those of
//! [`crate::engine::positions::position_of`], among the players dealt in.

use crate::bot::{ActionKind, HandResult, MAX_SEATS, Street};
use crate::engine::positions::{POSITION_NAMES, position_of};
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
    /// Hands with an opportunity to 3-bet preflop (see the module doc).
    #[serde(default)]
    pub three_bet_opportunities: u64,
    /// Hands with a preflop 3-bet.
    #[serde(default)]
    pub three_bets: u64,
    /// Hands in which the player's open raise met a 3-bet and it was their turn.
    #[serde(default)]
    pub fold_to_three_bet_opportunities: u64,
    /// Hands in which the player folded to a 3-bet of their open raise.
    #[serde(default)]
    pub folds_to_three_bet: u64,
    /// Hands with an opportunity to c-bet the flop as the preflop aggressor.
    #[serde(default)]
    pub cbet_opportunities: u64,
    /// Hands with a flop c-bet.
    #[serde(default)]
    pub cbets: u64,
    /// Hands in which the player faced a flop c-bet with no raise after it.
    #[serde(default)]
    pub fold_to_cbet_opportunities: u64,
    /// Hands in which the player folded to a flop c-bet.
    #[serde(default)]
    pub folds_to_cbet: u64,
    /// Hands folded to the player in the cutoff, the button or the small blind.
    #[serde(default)]
    pub steal_opportunities: u64,
    /// Hands with a steal (an open raise when folded to in those positions).
    #[serde(default)]
    pub steals: u64,
    /// Hands in which the player, in a blind, faced a steal raise alone.
    #[serde(default)]
    pub fold_to_steal_opportunities: u64,
    /// Hands in which the player folded a blind to a steal.
    #[serde(default)]
    pub folds_to_steal: u64,
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
        self.three_bet_opportunities += o.three_bet_opportunities;
        self.three_bets += o.three_bets;
        self.fold_to_three_bet_opportunities += o.fold_to_three_bet_opportunities;
        self.folds_to_three_bet += o.folds_to_three_bet;
        self.cbet_opportunities += o.cbet_opportunities;
        self.cbets += o.cbets;
        self.fold_to_cbet_opportunities += o.fold_to_cbet_opportunities;
        self.folds_to_cbet += o.folds_to_cbet;
        self.steal_opportunities += o.steal_opportunities;
        self.steals += o.steals;
        self.fold_to_steal_opportunities += o.fold_to_steal_opportunities;
        self.folds_to_steal += o.folds_to_steal;
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
    /// Per seat (line-up slot in permutation runs, like `seats`), results by position
    /// (`positions.csv`): indexed by slot, then by position number ([`crate::engine::positions::POSITION_NAMES`]).
    #[serde(default)]
    pub positions: [[ChipTally; POSITION_NAMES.len()]; MAX_SEATS],
}

impl Stats {
    /// Empty accumulators for a table of `seats` seats (at most 10).
    pub fn new(seats: usize) -> Stats {
        assert!(seats <= MAX_SEATS, "at most {MAX_SEATS} seats");
        Stats {
            seats: [Tally::default(); MAX_SEATS],
            seat_count: seats,
            table_hands: 0,
            positions: Default::default(),
        }
    }

    /// Adds one hand, seat `s`'s results to `self.seats[slot[s]]` (`slot`: one entry
    /// per seat; the identity in plain and rotation runs, the line-up slot of each
    /// seat's bot when bots change seats: `run --duplicate permutations`).
    #[inline]
    pub fn record(&mut self, hand: &HandResult<'_>, slot: &[u8]) {
        self.table_hands += 1;
        let seats = self.seat_count;
        let position = hand_positions(hand, seats);
        let f = Flags::of(hand, &position);
        let saw_flop = if hand.board.len() >= 3 {
            !f.folded_preflop
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
            t.vpip_hands += flag(f.vpip);
            t.pfr_hands += flag(f.pfr);
            t.saw_flop_hands += flag(saw_flop);
            t.invalid_actions += u64::from(invalid);
            t.postflop_aggressive_actions += u64::from(f.postflop_raises[s]);
            t.postflop_calls += u64::from(f.postflop_calls[s]);
            t.three_bet_opportunities += flag(f.three_bet.chance);
            t.three_bets += flag(f.three_bet.taken);
            t.fold_to_three_bet_opportunities += flag(f.fold_to_three_bet.chance);
            t.folds_to_three_bet += flag(f.fold_to_three_bet.taken);
            t.cbet_opportunities += flag(f.cbet.chance);
            t.cbets += flag(f.cbet.taken);
            t.fold_to_cbet_opportunities += flag(f.fold_to_cbet.chance);
            t.folds_to_cbet += flag(f.fold_to_cbet.taken);
            t.steal_opportunities += flag(f.steal.chance);
            t.steals += flag(f.steal.taken);
            t.fold_to_steal_opportunities += flag(f.fold_to_steal.chance);
            t.folds_to_steal += flag(f.fold_to_steal.taken);
            // Every seat dealt in has a position (a hand has at least 2 players).
            if let Some(p) = self.positions[usize::from(slot[s])].get_mut(usize::from(position[s]))
            {
                p.hands += 1;
                p.net_chips += net;
                p.net_chips_squared += i128::from(net) * i128::from(net);
            }
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

/// Each seat's position number ([`position_of`]) in `hand` (`NO_POSITION` for seats
/// sitting out and seats `seats..`).
#[inline]
fn hand_positions(hand: &HandResult<'_>, seats: usize) -> [u8; MAX_SEATS] {
    let mut position = [NO_POSITION; MAX_SEATS];
    let all = (1u16 << seats) - 1;
    let players = (all & !hand.sitting_out).count_ones() as usize;
    if players < 2 {
        return position;
    }
    let mut distance = 0;
    for k in 0..seats {
        let s = (usize::from(hand.button) + k) % seats;
        if !hand.sat_out(s) {
            position[s] = position_of(distance, players) as u8;
            distance += 1;
        }
    }
    position
}

/// The position number of a seat not in the hand.
const NO_POSITION: u8 = u8::MAX;

/// One statistic's seat bits in one hand: bit `s` of `chance` set when seat `s` had
/// the opportunity, of `taken` when it took it.
#[derive(Clone, Copy, Default)]
struct Chance {
    chance: u16,
    taken: u16,
}

impl Chance {
    /// Counts seat `s`'s opportunity (once per hand) and whether it `took` it.
    #[inline]
    fn offer(&mut self, s: usize, took: bool) {
        let bit = 1 << s;
        if self.chance & bit == 0 {
            self.chance |= bit;
            self.taken |= u16::from(took) << s;
        }
    }
}

/// The tracker statistics of one hand, per seat as bit masks (one pass over the
/// actions; the definitions are in the module doc).
#[derive(Default)]
struct Flags {
    vpip: u16,
    pfr: u16,
    folded_preflop: u16,
    postflop_raises: [u32; MAX_SEATS],
    postflop_calls: [u32; MAX_SEATS],
    three_bet: Chance,
    fold_to_three_bet: Chance,
    cbet: Chance,
    fold_to_cbet: Chance,
    steal: Chance,
    fold_to_steal: Chance,
}

impl Flags {
    #[inline]
    fn of(hand: &HandResult<'_>, position: &[u8; MAX_SEATS]) -> Flags {
        use crate::engine::positions::{BB, BTN, CO, SB};
        // Seats in stealing positions and in the blinds, as bit masks.
        let (mut stealers, mut blinds) = (0u16, 0u16);
        for (s, &p) in position.iter().enumerate() {
            match usize::from(p) {
                CO | BTN => stealers |= 1 << s,
                SB => (stealers, blinds) = (stealers | 1 << s, blinds | 1 << s),
                BB => blinds |= 1 << s,
                _ => {}
            }
        }
        let mut f = Flags::default();
        // Preflop: raises so far, the open raiser, whether it was a steal, whether
        // anything but a fold happened before, and calls since the last raise.
        let (mut raises, mut opener, mut steal) = (0u32, usize::MAX, false);
        let (mut folded_to, mut called) = (true, false);
        let mut aggressor = usize::MAX;
        // Flop: a bet made, the c-bet made, a raise after it.
        let (mut flop_bet, mut cbet, mut raised_cbet) = (false, false, false);
        for a in hand.actions {
            let s = usize::from(a.seat);
            let bit = 1u16 << s;
            let (raise, fold) = (a.kind == ActionKind::Raise, a.kind == ActionKind::Fold);
            match a.street {
                Street::Preflop => {
                    let stealer = stealers & bit != 0;
                    if folded_to && stealer {
                        f.steal.offer(s, raise);
                    }
                    if raises == 1 && s != opener {
                        f.three_bet.offer(s, raise);
                        if steal && !called && blinds & bit != 0 {
                            f.fold_to_steal.offer(s, fold);
                        }
                    }
                    if raises == 2 && s == opener {
                        f.fold_to_three_bet.offer(s, fold);
                    }
                    match a.kind {
                        ActionKind::Raise => {
                            raises += 1;
                            if raises == 1 {
                                (opener, steal) = (s, folded_to && stealer);
                            }
                            (f.vpip, f.pfr, aggressor, called) =
                                (f.vpip | bit, f.pfr | bit, s, false);
                        }
                        ActionKind::Call => (f.vpip, called) = (f.vpip | bit, true),
                        ActionKind::Fold => f.folded_preflop |= bit,
                        ActionKind::Check => {}
                    }
                    folded_to &= fold;
                }
                street => {
                    if street == Street::Flop {
                        if s == aggressor && !flop_bet {
                            f.cbet.offer(s, raise);
                            cbet = raise;
                        } else if cbet && !raised_cbet && s != aggressor {
                            f.fold_to_cbet.offer(s, fold);
                        }
                        raised_cbet |= raise && flop_bet && cbet;
                        flop_bet |= raise;
                    }
                    match a.kind {
                        ActionKind::Raise => f.postflop_raises[s] += 1,
                        ActionKind::Call => f.postflop_calls[s] += 1,
                        _ => {}
                    }
                }
            }
        }
        f
    }
}

impl AddAssign<&Stats> for Stats {
    fn add_assign(&mut self, o: &Stats) {
        self.table_hands += o.table_hands;
        for (a, b) in self.seats.iter_mut().zip(&o.seats) {
            *a += b;
        }
        for (a, b) in self.positions.iter_mut().zip(&o.positions) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
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

/// One seat's results in one bucket (an effective-stack bucket, a position): hands
/// and chip sums.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ChipTally {
    /// Hands played in the bucket.
    pub hands: u64,
    /// Σ net result, in chips.
    pub net_chips: i64,
    /// Σ (net result)², in chips².
    pub net_chips_squared: i128,
}

impl AddAssign<&ChipTally> for ChipTally {
    fn add_assign(&mut self, o: &ChipTally) {
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
    pub seats: [[ChipTally; DEPTH_BUCKETS.len()]; MAX_SEATS],
}

impl Default for Depths {
    fn default() -> Depths {
        Depths {
            seats: [[ChipTally::default(); DEPTH_BUCKETS.len()]; MAX_SEATS],
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

    use crate::bot::ActionRecord;
    use crate::cards::Card;

    /// A hand at `seats` seats, button `button`, with `actions` given as
    /// (seat, street, kind) and a flop dealt when any action is postflop or
    /// `flop` is set; chips do not matter to the tracker statistics.
    fn tracked(
        seats: usize,
        button: u8,
        sitting_out: u16,
        flop: bool,
        actions: &[(u8, Street, ActionKind)],
    ) -> Stats {
        let records: Vec<ActionRecord> = actions
            .iter()
            .map(|&(seat, street, kind)| ActionRecord {
                seat,
                street,
                kind,
                amount_chips: 0,
                all_in: false,
            })
            .collect();
        let board = [Card::default(); 3];
        let flop = flop || actions.iter().any(|a| a.1 != Street::Preflop);
        let stacks = vec![1000u32; seats];
        let invalid = vec![0u32; seats];
        let hand = HandResult {
            hand_id: 0,
            pot_chips: 0,
            winners: &[],
            final_stacks: &stacks,
            shown_cards: &[],
            actions: &records,
            board: if flop { &board } else { &[] },
            starting_stacks: &stacks,
            invalid_actions: &invalid,
            button,
            sitting_out,
        };
        let mut stats = Stats::new(seats);
        let identity: Vec<u8> = (0..seats as u8).collect();
        stats.record(&hand, &identity);
        stats
    }

    /// The seats whose `(opportunities, times)` from `count` are `(1, _)`, and those
    /// with `(_, 1)`.
    fn seats_with(stats: &Stats, count: fn(&Tally) -> (u64, u64)) -> (Vec<usize>, Vec<usize>) {
        let tallies = &stats.seats[..stats.seat_count];
        let pick = |f: &dyn Fn((u64, u64)) -> u64| {
            (0..tallies.len())
                .filter(|&s| f(count(&tallies[s])) == 1)
                .collect()
        };
        (pick(&|c| c.0), pick(&|c| c.1))
    }

    use ActionKind::{Call, Check, Fold, Raise};
    use Street::{Flop, Preflop};

    #[test]
    fn a_3bet_and_a_fold_to_it_are_counted_with_their_opportunities() {
        // Six seats, button 0: SB 1, BB 2, UTG 3, HJ 4, CO 5. UTG opens, HJ 3-bets,
        // everyone folds, UTG folds to the 3-bet.
        let p = Preflop;
        let stats = tracked(
            6,
            0,
            0,
            false,
            &[
                (3, p, Raise),
                (4, p, Raise),
                (5, p, Fold),
                (0, p, Fold),
                (1, p, Fold),
                (2, p, Fold),
                (3, p, Fold),
            ],
        );
        let three_bet = |t: &Tally| (t.three_bet_opportunities, t.three_bets);
        assert_eq!(
            seats_with(&stats, three_bet),
            (vec![4], vec![4]),
            "only HJ faced one raise"
        );
        let fold_to = |t: &Tally| (t.fold_to_three_bet_opportunities, t.folds_to_three_bet);
        assert_eq!(seats_with(&stats, fold_to), (vec![3], vec![3]));
        let steal = |t: &Tally| (t.steal_opportunities, t.steals);
        assert_eq!(
            seats_with(&stats, steal),
            (vec![], vec![]),
            "UTG does not steal"
        );
        assert_eq!(stats.seats[3].pfr_hands + stats.seats[4].pfr_hands, 2);
    }

    #[test]
    fn a_steal_a_fold_to_it_a_cbet_and_a_fold_to_the_cbet_are_counted() {
        // Six seats, button 0. Folded to CO (5), who raises; BTN and SB fold, BB calls;
        // on the flop BB checks, CO c-bets, BB folds.
        let p = Preflop;
        let stats = tracked(
            6,
            0,
            0,
            false,
            &[
                (3, p, Fold),
                (4, p, Fold),
                (5, p, Raise),
                (0, p, Fold),
                (1, p, Fold),
                (2, p, Call),
                (2, Flop, Check),
                (5, Flop, Raise),
                (2, Flop, Fold),
            ],
        );
        let steal = |t: &Tally| (t.steal_opportunities, t.steals);
        assert_eq!(seats_with(&stats, steal), (vec![5], vec![5]));
        let fold_to_steal = |t: &Tally| (t.fold_to_steal_opportunities, t.folds_to_steal);
        assert_eq!(seats_with(&stats, fold_to_steal), (vec![1, 2], vec![1]));
        let three_bet = |t: &Tally| (t.three_bet_opportunities, t.three_bets);
        assert_eq!(seats_with(&stats, three_bet), (vec![0, 1, 2], vec![]));
        let cbet = |t: &Tally| (t.cbet_opportunities, t.cbets);
        assert_eq!(seats_with(&stats, cbet), (vec![5], vec![5]));
        let fold_to_cbet = |t: &Tally| (t.fold_to_cbet_opportunities, t.folds_to_cbet);
        assert_eq!(seats_with(&stats, fold_to_cbet), (vec![2], vec![2]));
        assert_eq!(stats.seats[5].postflop_aggressive_actions, 1);
    }

    #[test]
    fn a_donk_bet_takes_the_cbet_away_and_a_raise_ends_the_fold_to_cbet_chance() {
        // Heads-up, button 0 (small blind): the button steals, the big blind calls
        // and bets the flop first (a donk bet): no c-bet opportunity.
        let p = Preflop;
        let stats = tracked(
            2,
            0,
            0,
            false,
            &[
                (0, p, Raise),
                (1, p, Call),
                (1, Flop, Raise),
                (0, Flop, Call),
            ],
        );
        let steal = |t: &Tally| (t.steal_opportunities, t.steals);
        assert_eq!(
            seats_with(&stats, steal),
            (vec![0], vec![0]),
            "heads-up the button steals"
        );
        let fold_to_steal = |t: &Tally| (t.fold_to_steal_opportunities, t.folds_to_steal);
        assert_eq!(seats_with(&stats, fold_to_steal), (vec![1], vec![]));
        let cbet = |t: &Tally| (t.cbet_opportunities, t.cbets);
        assert_eq!(seats_with(&stats, cbet), (vec![], vec![]));
        // Three seats: the button's c-bet is raised by the big blind; the button's
        // fold then is not a fold to a c-bet, and the small blind, out, has no chance.
        let stats = tracked(
            3,
            0,
            0,
            false,
            &[
                (0, p, Raise),
                (1, p, Fold),
                (2, p, Call),
                (2, Flop, Check),
                (0, Flop, Raise),
                (2, Flop, Raise),
                (0, Flop, Fold),
            ],
        );
        let fold_to_cbet = |t: &Tally| (t.fold_to_cbet_opportunities, t.folds_to_cbet);
        assert_eq!(seats_with(&stats, fold_to_cbet), (vec![2], vec![]));
        assert_eq!(seats_with(&stats, cbet), (vec![0], vec![0]));
    }

    #[test]
    fn a_limp_ends_the_steal_chances_and_a_limped_pot_has_no_cbet() {
        // Three seats, button 0 limps: it had a steal chance; the small blind, no
        // longer folded to, has none; nobody raised, so nobody can c-bet.
        let p = Preflop;
        let stats = tracked(
            3,
            0,
            0,
            false,
            &[
                (0, p, Call),
                (1, p, Call),
                (2, p, Check),
                (1, Flop, Raise),
                (2, Flop, Fold),
                (0, Flop, Fold),
            ],
        );
        let steal = |t: &Tally| (t.steal_opportunities, t.steals);
        assert_eq!(seats_with(&stats, steal), (vec![0], vec![]));
        let cbet = |t: &Tally| (t.cbet_opportunities, t.cbets);
        assert_eq!(seats_with(&stats, cbet), (vec![], vec![]));
        let fold_to_cbet = |t: &Tally| (t.fold_to_cbet_opportunities, t.folds_to_cbet);
        assert_eq!(seats_with(&stats, fold_to_cbet), (vec![], vec![]));
        assert_eq!(stats.seats[0].vpip_hands, 1, "a limp is voluntary");
        assert_eq!(stats.seats[2].vpip_hands, 0, "checking the option is not");
    }

    #[test]
    fn results_by_position_count_only_the_players_dealt_in() {
        use crate::engine::positions::{BB, BTN, CO, SB};
        // Six seats, 1 and 4 sitting out, button 0: four players, so seat 2 is the
        // small blind, 3 the big blind and 5 the cutoff.
        let stats = tracked(
            6,
            0,
            0b01_0010,
            false,
            &[(5, Preflop, Fold), (0, Preflop, Fold), (2, Preflop, Fold)],
        );
        let hands_at = |seat: usize, position: usize| stats.positions[seat][position].hands;
        assert_eq!(
            (
                hands_at(0, BTN),
                hands_at(2, SB),
                hands_at(3, BB),
                hands_at(5, CO)
            ),
            (1, 1, 1, 1)
        );
        let all: u64 = stats.positions.iter().flatten().map(|t| t.hands).sum();
        assert_eq!(all, 4, "seats sitting out have no position");
        // The CO was folded to first: a steal chance it did not take.
        assert_eq!(stats.seats[5].steal_opportunities, 1);
    }

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
