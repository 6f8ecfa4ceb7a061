//! The parallel runner: hands split into fixed chunks, played on rayon workers.
//!
//! Each worker owns its [`Table`], its bots (made once per worker from the registry's
//! factories, never shared) and its accumulators; workers take chunk indices from an
//! atomic counter, add each chunk's [`Stats`] into their own total, and the totals are
//! merged at the end. No lock is taken on the simulation path, and memory does not
//! grow with the number of hands.
//!
//! Determinism: a hand's cards depend only on (seed, hand index), its button on the
//! hand index, and chunks have a fixed size, so every chunk's results are the same
//! whatever the thread count; [`Stats`] holds exact integer sums, so adding chunks in
//! any grouping gives identical totals (`tests/cli.rs` compares the CSVs of 1 and 2
//! threads byte for byte).

use crate::bot::Bot;
use crate::bots::BotInfo;
use crate::deal::Deal;
use crate::engine::{Stakes, Table};
use crate::history::{Sample, phh};
use crate::stats::Stats;
use std::sync::atomic::{AtomicU64, Ordering};

/// Hands per chunk: the unit of work and of progress. Fixed, so that results do not
/// depend on the thread count.
pub const CHUNK_HANDS: u64 = 4096;

/// What to simulate.
#[derive(Clone)]
pub struct RunConfig {
    /// The bot in each seat, seat 0 first (2 to 10 seats).
    pub lineup: Vec<&'static BotInfo>,
    /// Number of hands to play, at least 1.
    pub hands: u64,
    /// Run seed: with the hand index it fixes every card and every bot's randomness.
    pub seed: u64,
    /// Worker threads, at least 1.
    pub threads: usize,
    /// Blinds and ante, in chips.
    pub stakes: Stakes,
    /// Every seat's stack at the start of every hand, in chips.
    pub stack_chips: u32,
    /// Per-seat starting stacks in chips, seat 0 first, overriding `stack_chips`.
    pub seat_stacks: Option<Vec<u32>>,
    /// Which hands get a PHH hand history (`None`: none, and no cost).
    pub history: Option<Sample>,
}

impl RunConfig {
    /// Every seat's starting stack in chips, seat 0 first.
    pub fn starting_stacks(&self) -> Vec<u32> {
        self.seat_stacks
            .clone()
            .unwrap_or_else(|| vec![self.stack_chips; self.lineup.len()])
    }

    /// The distinct bot names of the line-up, in order of first seat.
    pub fn distinct_bots(&self) -> Vec<&'static str> {
        let mut names: Vec<&'static str> = Vec::new();
        for b in &self.lineup {
            if !names.contains(&b.name) {
                names.push(b.name);
            }
        }
        names
    }

    /// For each seat, the index of its bot in [`RunConfig::distinct_bots`].
    pub fn bot_of_seat(&self) -> Vec<u8> {
        let names = self.distinct_bots();
        self.lineup
            .iter()
            .map(|b| names.iter().position(|n| *n == b.name).expect("listed") as u8)
            .collect()
    }
}

/// One worker's table and bots.
pub struct Worker {
    table: Table,
    bots: Vec<Box<dyn Bot>>,
    seed: u64,
    bot_of_seat: Vec<u8>,
    names: Vec<&'static str>,
    stakes: Stakes,
}

impl Worker {
    /// Makes the table and one bot per seat (the only allocations a worker does
    /// besides its per-chunk results).
    pub fn new(config: &RunConfig) -> Worker {
        let names: Vec<&'static str> = config.lineup.iter().map(|b| b.name).collect();
        let stacks = config.starting_stacks();
        Worker {
            table: Table::new(&names, &stacks, config.stakes, config.seed),
            bots: config.lineup.iter().map(|b| (b.make)()).collect(),
            seed: config.seed,
            bot_of_seat: config.bot_of_seat(),
            names,
            stakes: config.stakes,
        }
    }

    /// Plays hands `first..end` into `stats`. Allocation-free.
    pub fn play_hands(&mut self, first: u64, end: u64, stats: &mut Stats) {
        let seats = self.table.seats();
        for hand in first..end {
            let deal = Deal::new(self.seed, hand, seats);
            let result = self.table.play_hand(hand, &deal, &mut self.bots);
            stats.record(&result);
        }
    }

    /// Plays hands `first..end` into `stats` like [`Worker::play_hands`], and appends
    /// the PHH history of each hand `sample` picks to `out` (in hand order). The
    /// writer reuses `out`: it allocates only when `out` grows.
    pub fn play_hands_with_history(
        &mut self,
        first: u64,
        end: u64,
        stats: &mut Stats,
        sample: Sample,
        out: &mut Vec<u8>,
    ) {
        let seats = self.table.seats();
        for hand in first..end {
            let deal = Deal::new(self.seed, hand, seats);
            let result = self.table.play_hand(hand, &deal, &mut self.bots);
            stats.record(&result);
            if let Some(table_number) = sample.table_number(hand) {
                let info = phh::HandInfo {
                    seed: self.seed,
                    hand_index: hand,
                    names: &self.names,
                    stakes: self.stakes,
                    deal: &deal,
                };
                phh::write_hand(out, table_number, &info, &result)
                    .expect("writing to memory cannot fail");
            }
        }
    }

    /// Plays chunk `chunk` of a run of `total_hands` hands and returns its stats.
    /// Bots first get a `table_joined`, so per-table memory starts afresh each chunk.
    pub fn play_chunk(&mut self, chunk: u64, total_hands: u64) -> Stats {
        self.play_chunk_with_history(chunk, total_hands, None)
    }

    /// [`Worker::play_chunk`], appending the sampled hands' PHH histories to the
    /// buffer when `history` is given.
    pub fn play_chunk_with_history(
        &mut self,
        chunk: u64,
        total_hands: u64,
        history: Option<(Sample, &mut Vec<u8>)>,
    ) -> Stats {
        let first = chunk * CHUNK_HANDS;
        let end = (first + CHUNK_HANDS).min(total_hands);
        let players = self.table.players();
        for (seat, bot) in self.bots.iter_mut().enumerate() {
            bot.observe(&crate::bot::Event::TableJoined {
                table_id: chunk,
                seat: seat as u8,
                players,
            });
        }
        let mut stats = Stats::new(&self.bot_of_seat);
        match history {
            None => self.play_hands(first, end, &mut stats),
            Some((sample, out)) => {
                self.play_hands_with_history(first, end, &mut stats, sample, out)
            }
        }
        stats
    }
}

/// Plays the whole run on `config.threads` rayon workers and returns the merged stats.
/// `hands_done` is advanced after each chunk, for a progress display.
///
/// # Errors
/// If the thread pool cannot be built (the OS refused to start threads).
pub fn run(
    config: &RunConfig,
    hands_done: &AtomicU64,
) -> Result<Stats, rayon::ThreadPoolBuildError> {
    run_with_histories(config, hands_done).map(|(stats, _)| stats)
}

/// One chunk's PHH hand histories: (chunk index, bytes).
type ChunkHistories = (u64, Vec<u8>);

/// [`run`], also returning the PHH hand histories `config.history` asks for: each
/// worker writes its chunk's hands into its own buffer, and the buffers are joined
/// in chunk order, so the bytes do not depend on the thread count. Empty when
/// `config.history` is `None`.
///
/// # Errors
/// If the thread pool cannot be built (the OS refused to start threads).
pub fn run_with_histories(
    config: &RunConfig,
    hands_done: &AtomicU64,
) -> Result<(Stats, Vec<u8>), rayon::ThreadPoolBuildError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.threads)
        .build()?;
    let chunks = config.hands.div_ceil(CHUNK_HANDS);
    let next_chunk = AtomicU64::new(0);
    let per_worker: Vec<(Stats, Vec<ChunkHistories>)> = pool.broadcast(|_| {
        let mut worker = Worker::new(config);
        let mut total = Stats::new(&worker.bot_of_seat);
        let mut written = Vec::new();
        loop {
            let chunk = next_chunk.fetch_add(1, Ordering::Relaxed);
            if chunk >= chunks {
                return (total, written);
            }
            let mut histories = Vec::new();
            let history = config.history.map(|sample| (sample, &mut histories));
            let stats = worker.play_chunk_with_history(chunk, config.hands, history);
            hands_done.fetch_add(stats.seats[0].hands, Ordering::Relaxed);
            total += &stats;
            if !histories.is_empty() {
                written.push((chunk, histories));
            }
        }
    });
    let mut total = Stats::new(&config.bot_of_seat());
    let mut chunks_written = Vec::new();
    for (stats, written) in per_worker {
        total += &stats;
        chunks_written.extend(written);
    }
    chunks_written.sort_unstable_by_key(|(chunk, _)| *chunk);
    let mut histories = Vec::new();
    for (_, bytes) in &chunks_written {
        histories.extend_from_slice(bytes);
    }
    Ok((total, histories))
}
