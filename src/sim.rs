//! The parallel runner: hands split into fixed chunks, played on rayon workers.
//!
//! Each worker owns its [`Table`] and its bots (made once per worker from the
//! registry's factories, never shared); workers take chunk indices from an atomic
//! counter, play each chunk into fresh accumulators ([`Totals`] covering just that
//! chunk's blocks) and send them over a bounded channel to a merging thread, which
//! adds them into the run's total in chunk order. No lock is taken while hands are
//! played: a worker touches the channel once per chunk of [`CHUNK_HANDS`] deals (std's
//! bounded channel, which makes it wait only when the merger is behind). Memory is a
//! few chunks' accumulators per worker plus the one total; blocks either stay in the
//! total ([`run_deals`], for comparisons that need them all: 48 bytes per 1,000 deals
//! heads-up, see [`crate::blocks::Blocks`]) or leave it as each one completes
//! ([`run_deals_streaming`], which the `run` command uses to write `blocks.csv`), so a
//! run's memory does not grow with its length.
//!
//! Determinism: a hand's cards depend only on (seed, deal index), its button on the
//! hand index, and chunks have a fixed size, so every chunk's results are the same
//! whatever the thread count; [`Totals`] holds exact integer sums, so adding chunks
//! in any grouping gives identical totals (`tests/cli.rs` and `tests/verdicts.rs`
//! compare the CSVs of 1 and 2 threads byte for byte).
//!
//! # Duplicate deals
//!
//! With [`RunConfig::duplicate`] every deal is played several times, in one of two
//! modes ([`crate::config::DuplicateMode`]):
//!
//! - **Rotations** (`--duplicate`, `--duplicate rotations`), as in the ACPC's
//!   duplicate matches: the deal is played once per rotation of the line-up around
//!   the table. Rotation `r` of deal `d` is hand `d·seats + r`, its button is seat `r`,
//!   and seat `s` gets the cards dealt to seat `s − r` ([`crate::deal::Deal::rotated`]),
//!   so each hand of cards keeps its position relative to the button while every bot
//!   plays it once (heads-up: both sides of each deal). The bots stay in their seats,
//!   so only the line-up's `seats` cyclic orders are played.
//! - **Permutations** (`--duplicate permutations`): the deal is played once per
//!   rotation of a cyclic arrangement of the line-up that changes deal by deal
//!   ([`crate::league::Seatings`]), the bots moving and the cards staying, so each
//!   bot plays each seat's cards from each position, and every `(seats − 1)!`
//!   consecutive deals play every seating once (all 6 orders over 2 deals in 3-max,
//!   the ACPC's 3-player duplicate set). Rotation `r` of deal `d` is hand
//!   `d·seats + r`; every rotation plays the deal as dealt with
//!   the league's button for deal `d` (seat `d mod seats`, [`Positions::of_hand`] of
//!   `d`), and seat `s` holds the bot of line-up slot `order[s]` (its entry in
//!   `--bots`), with its name and its own starting stack (`--stacks`; drawn stacks
//!   stay with the cards). The bots are moved by swapping the worker's boxes (no
//!   allocation), and every result is recorded under the bot's slot: the per-seat
//!   tallies of [`Stats`] and [`Depths`] (through their seat → slot map), faults,
//!   latencies, the distinct bots' sums, and the names in hand histories. Sessions
//!   and bots behind a wire are refused.
//!
//! Bots are reset between replays: each gets [`Event::TableJoined`] (with its seat of
//! the hand) before every hand of a duplicate run, and must forget there everything it
//! learnt (the rule [`Bot`] documents for every run). A deal's rotations or seat
//! orders are one independent unit for the intervals ([`DealSums`]).

use crate::allin_ev;
use crate::blocks::{Blocks, InOrderBlocks};
use crate::bot::{Bot, Event, FaultNotes, MAX_SEATS};
pub use crate::config::{CHUNK_HANDS, RunConfig};
use crate::config::{DuplicateMode, SessionRules};
use crate::deal::Dealer;
use crate::engine::{Positions, Seating, Stakes, Table};
use crate::history::{Sample, phh};
use crate::stats::{DealSums, Depths, Stats};

mod session;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;

/// Everything a run (or a chunk of it) accumulates.
#[derive(Clone, Debug)]
pub struct Totals {
    /// Per-seat tallies and tracker statistics, per hand.
    pub stats: Stats,
    /// Per-bot sums over independent units (deals), for the intervals.
    pub units: DealSums,
    /// Per-block, per-bot sums (`blocks.csv`).
    pub blocks: Blocks,
    /// PHH hand histories of the sampled hands, in hand order (the merger adds chunks
    /// in chunk order): the same bytes whatever the thread count.
    pub histories: Vec<u8>,
    /// Per seat, the first few verbatim examples of its bot's faults ([`FaultNotes`]),
    /// in chunk order (empty unless a bot behind a wire misbehaved).
    pub fault_notes: Vec<FaultNotes>,
    /// Per seat, results by effective stack (`depths.csv`), recorded when stacks are
    /// drawn (`--stack-range`).
    pub depths: Depths,
    /// Per seat, the decision latencies of bots behind a wire (empty for in-process
    /// line-ups; `latency.csv`).
    pub latency: Vec<crate::protocol::latency::Latency>,
}

impl Totals {
    /// Empty accumulators for deals `first..end` of `config`'s run.
    pub fn new(config: &RunConfig, first: u64, end: u64) -> Totals {
        let bots = config.distinct_bots().len();
        Totals {
            stats: Stats::new(config.lineup.len()),
            units: DealSums::default(),
            blocks: Blocks::covering(config.block_deals, bots, first, end),
            histories: Vec::new(),
            fault_notes: Vec::new(),
            depths: Depths::default(),
            latency: Vec::new(),
        }
    }

    /// Adds `seat`'s decision latencies (kept only when it has some).
    fn add_latency(&mut self, seat: usize, latency: &crate::protocol::latency::Latency) {
        if latency.decisions() == 0 {
            return;
        }
        if self.latency.len() <= seat {
            self.latency.resize(seat + 1, Default::default());
        }
        self.latency[seat] += latency;
    }

    /// Adds `seat`'s fault notes after those already kept.
    fn add_fault_notes(&mut self, seat: usize, notes: FaultNotes) {
        if notes.is_empty() {
            return;
        }
        if self.fault_notes.len() <= seat {
            self.fault_notes.resize(seat + 1, FaultNotes::default());
        }
        self.fault_notes[seat].extend(notes);
    }
}

/// One worker's table and bots. The seats' names are borrowed for `'a` from the
/// run's [`RunConfig`], which outlives its workers.
pub struct Worker<'a> {
    table: Table<'a>,
    bots: Vec<Box<dyn Bot>>,
    seed: u64,
    dealer: Dealer,
    /// Per line-up slot (`--bots` entry), its bot's index among the distinct bots.
    bot_of_seat: Vec<u8>,
    distinct: usize,
    block_deals: u64,
    /// Duplicate deals (either mode): every deal is played once per rotation, or once
    /// per entry of `orders`.
    duplicate: bool,
    /// With seat permutations, the seating of each hand (
    /// [`crate::league::Seatings`]); `None` otherwise (plain deals, rotations).
    seatings: Option<crate::league::Seatings>,
    /// The line-up slot whose bot sits in each seat now (`bots[seat]` is its bot):
    /// the identity except in permutation runs; results are recorded per slot.
    slot_at_seat: [u8; MAX_SEATS],
    /// The bot name of each seat now (`names` in `slot_at_seat`'s order).
    seat_names: [&'a str; MAX_SEATS],
    /// The starting stack of each seat now (`buy_ins` in `slot_at_seat`'s order), in
    /// chips.
    seat_stacks: [u32; MAX_SEATS],
    allin_adjust: bool,
    /// Bot name by line-up slot.
    names: Vec<&'a str>,
    stakes: Stakes,
    /// Which hands to write as PHH, and this chunk's buffer (reused across chunks).
    history: Option<(Sample, Vec<u8>)>,
    /// A seat is played by a bot behind a wire: progress and stop requests per deal.
    wired: bool,
    /// Stacks vary by hand (`--stack-range`, sessions): results by depth are recorded.
    depths: bool,
    /// Sessions (`--session`): stacks carry over within each deal's hands.
    session: Option<SessionRules>,
    /// Each line-up slot's starting stack (its buy-in in sessions), in chips: it stays
    /// with the slot's bot when the bots change seats.
    buy_ins: [u32; MAX_SEATS],
    /// Deals per chunk ([`RunConfig::chunk_deals`]).
    chunk_deals: u64,
    /// Sessions: bit `s` set once seat `s`'s bot left the table for good
    /// ([`Bot::left_table`]) and the others were told.
    left: u16,
}

/// Told after every deal a worker plays; says whether to go on.
trait Watch {
    /// `hands` table hands were played (the deal's rotations); `false`: stop now.
    fn deal_done(&self, hands: u64) -> bool;

    /// Whether to end a session after the hand just played
    /// ([`RunControl::request_finish`]).
    #[inline(always)]
    fn finishing(&self) -> bool {
        false
    }
}

/// Nothing watches: play the whole range (the in-process default; no cost).
struct Unwatched;

impl Watch for Unwatched {
    #[inline(always)]
    fn deal_done(&self, _hands: u64) -> bool {
        true
    }
}

/// Progress per deal and a stop check per deal, for bots behind a wire.
struct PerDeal<'a>(&'a RunControl);

impl Watch for PerDeal<'_> {
    #[inline]
    fn deal_done(&self, hands: u64) -> bool {
        self.0.add_hands(hands);
        !self.0.stop_requested() && !self.0.finish_requested()
    }

    #[inline]
    fn finishing(&self) -> bool {
        self.0.finish_requested()
    }
}

/// What a run shares with whoever watches it: the table hands played so far (for a
/// progress display) and a request to stop early (Ctrl-C). Workers touch it once per
/// chunk, or once per deal when a bot behind a wire is seated.
#[derive(Debug, Default)]
pub struct RunControl {
    hands_done: AtomicU64,
    stop: AtomicBool,
    finish: AtomicBool,
}

impl RunControl {
    /// Table hands played so far.
    pub fn hands_done(&self) -> u64 {
        self.hands_done.load(Ordering::Relaxed)
    }

    /// Asks the workers to stop after the deal they are playing; the run then returns
    /// [`RunError::Stopped`].
    pub fn request_stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }

    /// Asks the workers to end the run after the hand in play (a session ends there,
    /// shorter) and return what was played, as a finished run: a server's normal
    /// stop. Checked per deal and per session hand only where a bot behind a wire
    /// sits (in-process runs check per chunk of deals).
    pub fn request_finish(&self) {
        self.finish.store(true, Ordering::Relaxed);
    }

    /// Whether [`RunControl::request_finish`] was called.
    pub fn finish_requested(&self) -> bool {
        self.finish.load(Ordering::Relaxed)
    }

    /// Whether [`RunControl::request_stop`] was called.
    pub fn stop_requested(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    fn add_hands(&self, hands: u64) {
        self.hands_done.fetch_add(hands, Ordering::Relaxed);
    }
}

/// Why a run did not finish.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The operating system refused to start the worker threads.
    #[error("cannot start {threads} worker threads: {source}")]
    Threads {
        /// Threads asked for.
        threads: usize,
        /// The thread pool's error.
        source: rayon::ThreadPoolBuildError,
    },
    /// [`RunControl::request_stop`] was called: the run stopped early and its results
    /// are incomplete.
    #[error("stopped after {hands_done} hands")]
    Stopped {
        /// Table hands played before the workers stopped.
        hands_done: u64,
    },
}

impl<'a> Worker<'a> {
    /// Makes the table and one bot per seat (the only allocations a worker does
    /// besides its per-chunk results).
    pub fn new(config: &'a RunConfig) -> Worker<'a> {
        let names: Vec<&str> = config.lineup.iter().map(|b| b.name()).collect();
        let stacks = config.starting_stacks();
        Worker {
            table: Table::new(&names, &stacks, config.stakes, config.seed),
            bots: (0..names.len())
                .map(|seat| config.lineup[seat].make(seat as u8))
                .collect(),
            seed: config.seed,
            dealer: config.dealer(),
            bot_of_seat: config.bot_of_seat(),
            distinct: config.distinct_bots().len(),
            block_deals: config.block_deals,
            duplicate: config.duplicate.is_some(),
            seatings: (config.duplicate == Some(DuplicateMode::Permutations))
                .then(|| crate::league::Seatings::new(names.len())),
            slot_at_seat: std::array::from_fn(|s| s as u8),
            seat_names: {
                let mut n = [""; MAX_SEATS];
                n[..names.len()].copy_from_slice(&names);
                n
            },
            seat_stacks: {
                let mut b = [0; MAX_SEATS];
                b[..stacks.len()].copy_from_slice(&stacks);
                b
            },
            allin_adjust: config.allin_adjust,
            names,
            stakes: config.stakes,
            history: config.history.map(|sample| (sample, Vec::new())),
            wired: config.has_external_bots(),
            depths: config.records_depths(),
            session: config.session,
            chunk_deals: config.chunk_deals(),
            left: 0,
            buy_ins: {
                let mut b = [0; MAX_SEATS];
                b[..stacks.len()].copy_from_slice(&stacks);
                b
            },
        }
    }

    fn table_joined(&mut self, table_id: u64) {
        let players = self.table.players();
        for (seat, bot) in self.bots.iter_mut().enumerate() {
            bot.observe(&Event::TableJoined {
                table_id,
                seat: seat as u8,
                players,
            });
        }
    }

    /// Seats the line-up as `order` says (a seating of
    /// [`crate::league::Seatings::order`]): seat `s` gets the bot of line-up slot
    /// `order[s]`, with its name and its starting stack. Swaps the bots already made
    /// (no allocation).
    fn seat_order(&mut self, order: &[u8; MAX_SEATS]) {
        let seats = self.table.seats();
        if order[..seats] == self.slot_at_seat[..seats] {
            return;
        }
        for (s, &want) in order[..seats].iter().enumerate() {
            if self.slot_at_seat[s] != want {
                let from = (s + 1..seats)
                    .find(|&j| self.slot_at_seat[j] == want)
                    .expect("a seat order is a permutation of the slots");
                self.bots.swap(s, from);
                self.slot_at_seat.swap(s, from);
            }
            self.seat_names[s] = self.names[usize::from(want)];
            self.seat_stacks[s] = self.buy_ins[usize::from(want)];
        }
        self.table
            .seat_players(&self.seat_names[..seats], &self.seat_stacks[..seats]);
    }

    /// Plays deals `first..end` into `tallies` (every seat order of each with
    /// duplicate deals). Allocation-free unless hand histories are asked for.
    pub fn play_deals(&mut self, first: u64, end: u64, tallies: &mut Totals) {
        self.play_deals_watched(first, end, tallies, &Unwatched);
    }

    /// [`Worker::play_deals`], telling `watch` after every deal and stopping early
    /// when it says so.
    fn play_deals_watched(
        &mut self,
        first: u64,
        end: u64,
        tallies: &mut Totals,
        watch: &impl Watch,
    ) {
        if let Some(rules) = self.session {
            self.play_sessions_watched(first, end, rules, tallies, watch);
            return;
        }
        let seats = self.table.seats();
        let rotations = if self.duplicate { seats } else { 1 };
        let mut seat_hands = [0u64; MAX_SEATS];
        for &b in &self.bot_of_seat {
            seat_hands[b as usize] += rotations as u64;
        }
        let bots = self.distinct;
        let mut adjusted = [0i64; MAX_SEATS];
        for d in first..end {
            let deal = self.dealer.deal(d, seats);
            // The deal's results per distinct bot, over its seats and its rotations
            // or seat orders.
            let mut unit_net = [0i64; MAX_SEATS];
            let mut unit_adjusted = [0i64; MAX_SEATS];
            for r in 0..rotations {
                let rotated;
                let (hand, dealt, button) = if !self.duplicate {
                    (d, &deal, Positions::of_hand(d, seats).button)
                } else if let Some(seatings) = self.seatings {
                    // Rotation r of the deal's arrangement: the deal's cards and
                    // button, the bots moved.
                    let hand = d * rotations as u64 + r as u64;
                    self.seat_order(&seatings.order(d, r));
                    self.table_joined(hand);
                    (hand, &deal, Positions::of_hand(d, seats).button)
                } else {
                    // Rotation r: the button on seat r, the cards rotated with it.
                    let hand = d * rotations as u64 + r as u64;
                    self.table_joined(hand);
                    rotated = deal.rotated(r, seats);
                    (hand, &rotated, r)
                };
                let result = if self.seatings.is_none() {
                    self.table.play_hand(hand, dealt, &mut self.bots)
                } else {
                    let seating = Seating {
                        button,
                        sitting_out: 0,
                        stacks: if dealt.stacks[0] > 0 {
                            dealt.stacks
                        } else {
                            self.seat_stacks
                        },
                    };
                    self.table
                        .play_seated(hand, dealt, &mut self.bots, &seating)
                };
                let slot = &self.slot_at_seat[..seats];
                tallies.stats.record(&result, slot);
                if self.depths {
                    tallies
                        .depths
                        .record(&result, self.stakes.big_blind_chips, slot);
                }
                if let Some((sample, out)) = &mut self.history
                    && let Some(table_number) = sample.table_number(hand)
                {
                    let info = phh::HandInfo {
                        seed: self.seed,
                        hand_index: hand,
                        button,
                        names: &self.seat_names[..seats],
                        stakes: self.stakes,
                        deal: dealt,
                    };
                    phh::write_hand(out, table_number, &info, &result)
                        .expect("writing to memory cannot fail");
                }
                let net = result.final_stacks.iter().zip(result.starting_stacks);
                let bot_net = slot
                    .iter()
                    .map(|&l| self.bot_of_seat[usize::from(l)])
                    .zip(net);
                if self.allin_adjust {
                    allin_ev::adjusted_net(&result, dealt, button, self.seed, d, &mut adjusted);
                    for ((b, (&last, &first)), &adj) in bot_net.zip(&adjusted) {
                        unit_net[b as usize] += i64::from(last) - i64::from(first);
                        unit_adjusted[b as usize] += adj;
                    }
                } else {
                    for (b, (&last, &first)) in bot_net {
                        unit_net[b as usize] += i64::from(last) - i64::from(first);
                    }
                }
            }
            if !self.allin_adjust {
                // Without the adjustment the adjusted result is the real one.
                for (adj, &net) in unit_adjusted[..bots].iter_mut().zip(&unit_net) {
                    *adj = net * allin_ev::FIXED_ONE;
                }
            }
            tallies
                .units
                .record(&unit_net[..bots], &unit_adjusted[..bots]);
            tallies.blocks.record(
                d,
                rotations as u64,
                &seat_hands[..bots],
                &unit_net[..bots],
                &unit_adjusted[..bots],
            );
            if !watch.deal_done(rotations as u64) {
                return;
            }
        }
    }

    /// Plays chunk `chunk` (deals `chunk·CHUNK_HANDS..`) clipped to deals
    /// `first..end` into `tallies` (which must cover them). In a plain run bots first
    /// get a `table_joined`, so per-table memory starts afresh each chunk (a duplicate
    /// run sends one before every hand).
    ///
    /// A plain run's range that starts inside the chunk (a shard of a run split on
    /// block boundaries, `run --shard`) first plays the chunk's earlier deals without
    /// recording them, as `replay` does: bots may remember what they saw since
    /// `table_joined`, so they then decide exactly as in the run played whole (at most
    /// `CHUNK_HANDS − 1` deals more, once per range).
    ///
    /// With bots behind a wire (seconds per hand are possible) progress is counted and
    /// `control`'s stop request looked at after every deal; otherwise once per chunk.
    pub fn play_chunk(
        &mut self,
        chunk: u64,
        first: u64,
        end: u64,
        tallies: &mut Totals,
        control: &RunControl,
    ) {
        let size = self.chunk_deals;
        let lo = (chunk * size).max(first);
        let hi = ((chunk + 1) * size).min(end);
        // Sessions and duplicate deals start bots afresh themselves.
        if !self.duplicate && self.session.is_none() {
            self.table_joined(chunk);
            if lo > chunk * size {
                self.replay_unrecorded(chunk * size, lo, control);
            }
        }
        if self.wired {
            self.play_deals_watched(lo, hi, tallies, &PerDeal(control));
        } else {
            self.play_deals(lo, hi, tallies);
            control.add_hands(tallies.stats.seats[0].hands);
        }
        // Faults go to the bot's line-up slot, whichever seat it ended the chunk in.
        for (seat, bot) in self.bots.iter_mut().enumerate() {
            let slot = usize::from(self.slot_at_seat[seat]);
            let faults = bot.take_faults();
            tallies.add_latency(slot, &faults.latency);
            tallies.stats.seats[slot].add_faults(faults);
            tallies.add_fault_notes(slot, bot.take_fault_notes());
        }
        if let Some((_, out)) = &mut self.history
            && !out.is_empty()
        {
            tallies.histories.append(out);
        }
    }
}

impl Worker<'_> {
    /// Plays deals `first..end` into scratch accumulators and forgets them, faults,
    /// fault notes and hand histories included: only the bots' memory of the deals
    /// remains (see [`Worker::play_chunk`]). Stops early when `control` asks.
    fn replay_unrecorded(&mut self, first: u64, end: u64, control: &RunControl) {
        let mut scratch = Totals {
            stats: Stats::new(self.table.seats()),
            units: DealSums::default(),
            blocks: Blocks::covering(self.block_deals, self.distinct, first, end),
            histories: Vec::new(),
            fault_notes: Vec::new(),
            depths: Depths::default(),
            latency: Vec::new(),
        };
        let written = self.history.as_ref().map_or(0, |(_, out)| out.len());
        self.play_deals_watched(first, end, &mut scratch, &StopOnly(control));
        for bot in &mut self.bots {
            let _ = (bot.take_faults(), bot.take_fault_notes());
        }
        if let Some((_, out)) = &mut self.history {
            out.truncate(written);
        }
    }
}

/// A stop check per deal and no progress: for deals that are played but not counted.
struct StopOnly<'a>(&'a RunControl);

impl Watch for StopOnly<'_> {
    #[inline]
    fn deal_done(&self, _hands: u64) -> bool {
        !self.0.stop_requested()
    }
}

/// Where [`run_deals_streaming`] hands what it does not keep: whole blocks as they
/// complete and sampled hand histories, both in deal order, on the merging thread.
pub trait RunSink: Send {
    /// One complete block (a [`Blocks`] of one block).
    fn block(&mut self, block: &Blocks);
    /// PHH hand histories of consecutive sampled hands, in hand order.
    fn histories(&mut self, bytes: &[u8]);
}

/// Keeps everything: the [`RunSink`] of [`run_deals`].
struct KeepAll {
    blocks: Blocks,
    histories: Vec<u8>,
}

impl RunSink for KeepAll {
    fn block(&mut self, block: &Blocks) {
        self.blocks.merge(block);
    }

    fn histories(&mut self, bytes: &[u8]) {
        self.histories.extend_from_slice(bytes);
    }
}

/// Plays the whole run on `config.threads` rayon workers and returns the merged
/// tallies, all blocks and hand histories included. `control` counts the table hands
/// played, for a progress display, and can stop the run.
///
/// # Errors
/// [`RunError::Threads`] if the thread pool cannot be built; [`RunError::Stopped`]
/// when `control` asked to stop.
pub fn run(config: &RunConfig, control: &RunControl) -> Result<Totals, RunError> {
    run_deals(config, 0, config.deals, control)
}

/// Plays deals `first..end` of `config`'s run and returns the merged tallies, with
/// the blocks of those deals and their hand histories (chunks stay on the run's fixed
/// grid of [`CHUNK_HANDS`] deals, so a run played in several ranges gives the same
/// results as one played at once when the ranges start on chunk boundaries).
///
/// # Errors
/// As [`run`].
pub fn run_deals(
    config: &RunConfig,
    first: u64,
    end: u64,
    control: &RunControl,
) -> Result<Totals, RunError> {
    let bots = config.distinct_bots().len();
    let mut keep = KeepAll {
        blocks: Blocks::covering(config.block_deals, bots, first, end),
        histories: Vec::new(),
    };
    let mut total = run_deals_streaming(config, first, end, control, &mut keep)?;
    total.blocks = keep.blocks;
    total.histories = keep.histories;
    Ok(total)
}

/// Plays deals `first..end` like [`run_deals`], but hands each whole block to `sink`
/// as soon as it is complete, in block order, and the hand histories of each chunk
/// in chunk order, instead of keeping them: the returned tallies have no blocks and
/// no histories, and the run's memory does not grow with its length.
///
/// The merger adds the chunks in chunk order: one that arrives early waits in a
/// reorder buffer (a few per worker while a slow chunk is still being played).
/// Workers are never more than the chunks to play.
///
/// # Errors
/// As [`run`]. After [`RunError::Stopped`], `sink` has received only some blocks.
pub fn run_deals_streaming(
    config: &RunConfig,
    first: u64,
    end: u64,
    control: &RunControl,
    sink: &mut impl RunSink,
) -> Result<Totals, RunError> {
    let size = config.chunk_deals();
    let first_chunk = first / size;
    let end_chunk = end.div_ceil(size).max(first_chunk);
    let workers = config
        .threads
        .min(usize::try_from(end_chunk - first_chunk).unwrap_or(usize::MAX))
        .max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .build()
        .map_err(|source| RunError::Threads {
            threads: workers,
            source,
        })?;
    let next_chunk = AtomicU64::new(first_chunk);
    // A few chunks in flight per worker: a worker that gets ahead of the merger waits.
    let (results, received) = mpsc::sync_channel::<(u64, Totals)>(2 * workers);
    let total = std::thread::scope(|scope| {
        let merger = scope.spawn(move || {
            let bots = config.distinct_bots().len();
            let mut total = Totals::new(config, 0, 0);
            let mut in_order = InOrderBlocks::new(config.block_deals, bots);
            let mut early = BTreeMap::new();
            let mut next = first_chunk;
            for (chunk, tallies) in received {
                early.insert(chunk, tallies);
                while let Some(t) = early.remove(&next) {
                    total.stats += &t.stats;
                    total.units += &t.units;
                    total.depths += &t.depths;
                    for (seat, latency) in t.latency.iter().enumerate() {
                        total.add_latency(seat, latency);
                    }
                    for (seat, notes) in t.fault_notes.into_iter().enumerate() {
                        total.add_fault_notes(seat, notes);
                    }
                    in_order.push(&t.blocks, &mut |b| sink.block(b));
                    if !t.histories.is_empty() {
                        sink.histories(&t.histories);
                    }
                    next += 1;
                }
            }
            in_order.finish(&mut |b| sink.block(b));
            total
        });
        pool.broadcast(|_| {
            let mut worker = Worker::new(config);
            loop {
                if control.stop_requested() || control.finish_requested() {
                    return;
                }
                let chunk = next_chunk.fetch_add(1, Ordering::Relaxed);
                if chunk >= end_chunk {
                    return;
                }
                let lo = (chunk * size).max(first);
                let hi = ((chunk + 1) * size).min(end);
                let mut tallies = Totals::new(config, lo, hi);
                worker.play_chunk(chunk, first, end, &mut tallies, control);
                if results.send((chunk, tallies)).is_err() {
                    return; // the merger is gone: nothing more is wanted
                }
            }
        });
        drop(results);
        merger.join()
    });
    let total = total.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    if control.stop_requested() {
        return Err(RunError::Stopped {
            hands_done: control.hands_done(),
        });
    }
    Ok(total)
}
