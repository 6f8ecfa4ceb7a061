//! Block results: the one record everything after a run reads (`blocks.csv`).
//!
//! A block is a fixed number of consecutive deals in deal-index order (in a duplicate
//! run every rotation of a deal is in the deal's block, so blocks hold whole duplicate
//! groups). For each block and each distinct bot it holds the sums of the bot's
//! results in chips and of its all-in-adjusted results. Sums are integers, so a
//! block's numbers do not depend on which worker played which of its hands: a run's
//! `blocks.csv` is byte-identical for a seed whatever the thread count.
//!
//! Paired comparisons ([`crate::verdict`]), merges of runs and plots work on blocks:
//! block sums of independent deals are independent and, with a few hundred deals per
//! block, close to normal, which is what the intervals and Wald's SPRT assume.

use crate::allin_ev::FIXED_ONE;
use crate::run_info::RunInfo;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Deals per block unless `--block-deals` says otherwise.
pub const DEFAULT_BLOCK_DEALS: u64 = 1000;

/// One block's counts, the same for every bot.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BlockCounts {
    /// Deals recorded in the block.
    pub deals: u64,
    /// Table hands played in the block (deals × rotations).
    pub hands: u64,
}

/// One bot's sums over one block.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BotBlockSums {
    /// Seat-hands: hands × the bot's seats.
    pub seat_hands: u64,
    /// Σ net result, in chips.
    pub net_chips: i64,
    /// Σ all-in-adjusted result, in 1/[`FIXED_ONE`] chip.
    pub adjusted: i128,
}

/// The blocks overlapping a range of deals (a chunk's, or a whole run's), with one
/// [`BotBlockSums`] per block and distinct bot (index as in `RunConfig::distinct_bots`).
///
/// Memory: 16 bytes per block plus 32 per block and bot (48 bytes per 1,000 deals
/// heads-up with the default block size), so a whole run's blocks stay small.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Blocks {
    /// Deals per block.
    pub block_deals: u64,
    /// Index of the first block in the run.
    pub first_block: u64,
    /// Distinct bots: [`BotBlockSums`] per block.
    pub bots: usize,
    /// Per block, from `first_block` on.
    pub counts: Vec<BlockCounts>,
    /// Per block then per bot: block `i`'s sums are `sums[i * bots..(i + 1) * bots]`.
    pub sums: Vec<BotBlockSums>,
}

impl Blocks {
    /// Empty blocks of `bots` distinct bots covering deals `first_deal..end_deal`
    /// (allocates once).
    ///
    /// # Panics
    /// If `block_deals` is 0.
    pub fn covering(block_deals: u64, bots: usize, first_deal: u64, end_deal: u64) -> Blocks {
        assert!(block_deals > 0, "blocks hold at least one deal");
        let first_block = first_deal / block_deals;
        let end_block = end_deal.div_ceil(block_deals).max(first_block);
        let blocks = (end_block - first_block) as usize;
        Blocks {
            block_deals,
            first_block,
            bots,
            counts: vec![BlockCounts::default(); blocks],
            sums: vec![BotBlockSums::default(); blocks * bots],
        }
    }

    /// Number of blocks covered.
    pub fn len(&self) -> usize {
        self.counts.len()
    }

    /// Whether no block is covered.
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// Block `i` (counted from `first_block`): its counts and its per-bot sums.
    ///
    /// # Panics
    /// If `i >= self.len()`.
    pub fn block(&self, i: usize) -> (BlockCounts, &[BotBlockSums]) {
        (
            self.counts[i],
            &self.sums[i * self.bots..(i + 1) * self.bots],
        )
    }

    /// Adds one deal's results: `hands` table hands; per distinct bot its seat-hands,
    /// net chips and adjusted result (1/`FIXED_ONE` chip). Allocation-free.
    #[inline]
    pub fn record(
        &mut self,
        deal: u64,
        hands: u64,
        seat_hands: &[u64],
        net_chips: &[i64],
        adjusted: &[i64],
    ) {
        let i = (deal / self.block_deals - self.first_block) as usize;
        let counts = &mut self.counts[i];
        counts.deals += 1;
        counts.hands += hands;
        let sums = &mut self.sums[i * self.bots..(i + 1) * self.bots];
        for (k, b) in sums.iter_mut().enumerate() {
            b.seat_hands += seat_hands[k];
            b.net_chips += net_chips[k];
            b.adjusted += i128::from(adjusted[k]);
        }
    }

    /// Adds `other`'s sums (same block size and bots; `other` must lie within
    /// `self`'s range).
    ///
    /// # Panics
    /// If the block sizes or bot counts differ, or `other` reaches outside `self`.
    pub fn merge(&mut self, other: &Blocks) {
        assert_eq!(self.block_deals, other.block_deals, "same block size");
        assert_eq!(self.bots, other.bots, "same bots");
        let offset = (other.first_block - self.first_block) as usize;
        for i in 0..other.len() {
            let (counts, sums) = other.block(i);
            self.add_to_block(offset + i, counts, sums);
        }
    }

    /// Adds one block's counts and sums to block `i` (counted from `first_block`).
    fn add_to_block(&mut self, i: usize, counts: BlockCounts, sums: &[BotBlockSums]) {
        let c = &mut self.counts[i];
        c.deals += counts.deals;
        c.hands += counts.hands;
        for (b, o) in self.sums[i * self.bots..(i + 1) * self.bots]
            .iter_mut()
            .zip(sums)
        {
            b.seat_hands += o.seat_hands;
            b.net_chips += o.net_chips;
            b.adjusted += o.adjusted;
        }
    }

    /// The `blocks.csv` rows: one per block and bot, blocks in order, bots in `bots`
    /// order (the names of the distinct bots).
    pub fn rows(&self, bots: &[impl AsRef<str>], big_blind_chips: u32) -> Vec<BlockRow> {
        self.iter_rows(bots, big_blind_chips).collect()
    }

    /// [`Blocks::rows`] made one at a time, for writing a long run's rows without
    /// holding them all.
    pub fn iter_rows<'a>(
        &'a self,
        bots: &'a [impl AsRef<str>],
        big_blind_chips: u32,
    ) -> impl Iterator<Item = BlockRow> + 'a {
        let bb = f64::from(big_blind_chips);
        (0..self.len())
            .map(|i| (i, self.block(i)))
            .filter(|(_, (counts, _))| counts.deals > 0)
            .flat_map(move |(i, (counts, sums))| {
                let block = self.first_block + i as u64;
                bots.iter().zip(sums).map(move |(name, b)| {
                    let adjusted_chips = b.adjusted as f64 / FIXED_ONE as f64;
                    BlockRow {
                        block,
                        first_deal: block * self.block_deals,
                        deals: counts.deals,
                        hands: counts.hands,
                        bot: name.as_ref().to_string(),
                        seat_hands: b.seat_hands,
                        net_chips: b.net_chips,
                        net_bb: round6(b.net_chips as f64 / bb),
                        allin_adj_chips: round6(adjusted_chips),
                        allin_adj_bb: round6(adjusted_chips / bb),
                    }
                })
            })
    }
}

/// Joins the blocks of consecutive ranges of deals, given in deal order, into whole
/// blocks and hands each to a sink once, in block order: a block that straddles two
/// ranges (a run's chunks need not start on block boundaries) is summed first.
///
/// This is how a run's blocks reach `blocks.csv` without the run holding them all:
/// memory is one block, whatever the run's length.
#[derive(Debug)]
pub struct InOrderBlocks {
    /// The block being summed (zero or one block).
    open: Blocks,
}

impl InOrderBlocks {
    /// Nothing received yet, for blocks of `block_deals` deals and `bots` distinct bots.
    pub fn new(block_deals: u64, bots: usize) -> InOrderBlocks {
        InOrderBlocks {
            open: Blocks::covering(block_deals, bots, 0, 0),
        }
    }

    /// Takes the next range's blocks and hands every block it completes to `sink` (as
    /// a [`Blocks`] of one block).
    ///
    /// # Panics
    /// If `part`'s block size or bots differ from those given to [`InOrderBlocks::new`],
    /// or `part` starts before the block now open (ranges out of order).
    pub fn push(&mut self, part: &Blocks, sink: &mut impl FnMut(&Blocks)) {
        assert_eq!(part.block_deals, self.open.block_deals, "same block size");
        assert_eq!(part.bots, self.open.bots, "same bots");
        for i in 0..part.len() {
            let index = part.first_block + i as u64;
            if !self.open.is_empty() && self.open.first_block != index {
                assert!(index > self.open.first_block, "ranges in deal order");
                sink(&self.open);
                self.open.counts.clear();
            }
            if self.open.is_empty() {
                self.open.first_block = index;
                self.open.counts.push(BlockCounts::default());
                self.open.sums.clear();
                self.open.sums.resize(part.bots, BotBlockSums::default());
            }
            let (counts, sums) = part.block(i);
            self.open.add_to_block(0, counts, sums);
        }
    }

    /// Hands the last block (if any) to `sink`.
    pub fn finish(self, sink: &mut impl FnMut(&Blocks)) {
        if !self.open.is_empty() {
            sink(&self.open);
        }
    }
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// One row of `blocks.csv`: one bot's sums over one block.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct BlockRow {
    /// Block index: deals `first_deal..first_deal + block_deals`.
    pub block: u64,
    /// First deal index of the block.
    pub first_deal: u64,
    /// Deals in the block (the last block of a run may be short).
    pub deals: u64,
    /// Table hands in the block: deals × rotations (duplicate) or deals.
    pub hands: u64,
    /// Bot name.
    pub bot: String,
    /// The bot's seat-hands in the block: hands × its seats.
    pub seat_hands: u64,
    /// Σ the bot's net results, in chips.
    pub net_chips: i64,
    /// `net_chips` in big blinds.
    pub net_bb: f64,
    /// Σ the bot's all-in-adjusted results, in chips (fractional: expected shares).
    pub allin_adj_chips: f64,
    /// `allin_adj_chips` in big blinds.
    pub allin_adj_bb: f64,
}

/// Why a stored `blocks.csv` cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum BlocksError {
    /// The file cannot be opened.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: std::path::PathBuf,
        /// The reader's error.
        source: csv::Error,
    },
    /// A row is not a `blocks.csv` row.
    #[error("{}: not a blocks.csv ({source})", path.display())]
    NotBlocks {
        /// The file.
        path: std::path::PathBuf,
        /// The reader's error.
        source: csv::Error,
    },
    /// A row disagrees with the run (see [`BlockCheck`]).
    #[error("{}: line {line}: {problem}", path.display())]
    Row {
        /// The file.
        path: std::path::PathBuf,
        /// The line (1 is the header).
        line: u64,
        /// What is wrong.
        problem: BadBlocks,
    },
    /// The file ends too soon or holds another run's deals.
    #[error("{}: {problem}", dir.display())]
    Incomplete {
        /// The run's folder.
        dir: std::path::PathBuf,
        /// What is wrong.
        problem: BadBlocks,
    },
}

/// What is wrong with a run's block rows, as [`BlockCheck`] finds it (the text names
/// the row's fields and the values `run.json` gives).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct BadBlocks(String);

/// Reads a stored run's `blocks.csv` and checks every row against the `run.json` that
/// came with it ([`BlockCheck`]); returns the rows `keep` accepts, in file order.
/// Rows are read and checked one at a time, so a file that disagrees with its run
/// (more rows than the run has blocks, absurd block indices) is refused at the first
/// bad row and nothing is allocated by what a row claims.
///
/// # Errors
/// [`BlocksError`] naming the file, the line and what is wrong: unreadable, not a
/// `blocks.csv`, a repeated, missing or out-of-range row, a row whose deals, hands or
/// seat-hands disagree with `run.json` (block size, total deals, rotations, the bot's
/// seats), a bot not in its line-up, a result that is not a finite number, or no
/// blocks at all.
pub fn read_blocks(
    path: &Path,
    run: &RunInfo,
    mut keep: impl FnMut(&BlockRow) -> bool,
) -> Result<Vec<BlockRow>, BlocksError> {
    let mut r = csv::Reader::from_path(path).map_err(|source| BlocksError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let mut check = BlockCheck::new(run);
    let mut kept = Vec::new();
    for row in r.deserialize::<BlockRow>() {
        let row = row.map_err(|source| BlocksError::NotBlocks {
            path: path.to_path_buf(),
            source,
        })?;
        check.row(&row).map_err(|problem| BlocksError::Row {
            path: path.to_path_buf(),
            line: check.line(),
            problem,
        })?;
        if keep(&row) {
            kept.push(row);
        }
    }
    check.finish().map_err(|problem| BlocksError::Incomplete {
        dir: crate::fs::parent_dir(path).to_path_buf(),
        problem,
    })?;
    Ok(kept)
}

/// Checks a run's `blocks.csv` rows, one at a time and in file order, against the
/// run's `run.json`: rows go block by block (blocks `0..⌈deals / block_deals⌉`, or a
/// shard's blocks, [`RunInfo::block_range`]), and
/// within a block one row per distinct bot in line-up order, as `run` writes them;
/// every block's `first_deal`, `deals`, `hands` (deals × rotations) and each bot's
/// `seat_hands` (hands × its seats) are what the run's settings give; results are
/// finite. Memory: none per row.
#[derive(Debug)]
pub struct BlockCheck<'a> {
    run: &'a RunInfo,
    /// Distinct bots, in line-up order of first seat, and their seats.
    bots: Vec<(&'a str, u64)>,
    /// Rows checked so far.
    rows: u64,
    /// Deals of the first bot's rows so far.
    deals: u64,
}

impl<'a> BlockCheck<'a> {
    /// A check of `run`'s rows (`run` as [`crate::run_info::RunInfo::read`] returns it: its sizes are
    /// checked there).
    pub fn new(run: &'a RunInfo) -> BlockCheck<'a> {
        let bots = run
            .distinct_bots()
            .into_iter()
            .map(|b| (b, run.lineup.iter().filter(|s| *s == b).count() as u64))
            .collect();
        BlockCheck {
            run,
            bots,
            rows: 0,
            deals: 0,
        }
    }

    /// The file line of the row checked last (the header is line 1).
    pub fn line(&self) -> u64 {
        self.rows + 1
    }

    /// The blocks the file holds: the run's, or its shard's ([`RunInfo::block_range`]).
    fn blocks(&self) -> (u64, u64) {
        self.run.block_range()
    }

    /// The file line of block `block`'s row for bot `bot` (an index into the bots).
    fn line_of(&self, block: u64, bot: usize) -> u64 {
        (block - self.blocks().0) * self.bots.len() as u64 + bot as u64 + 2
    }

    /// Checks the next row.
    ///
    /// # Errors
    /// What is wrong with it (the caller names the file and line).
    pub fn row(&mut self, row: &BlockRow) -> Result<(), BadBlocks> {
        let k = self.rows;
        self.rows += 1;
        let n = self.bots.len() as u64;
        let lineup = || self.run.lineup.join(",");
        let Some(bot) = self.bots.iter().position(|(b, _)| *b == row.bot) else {
            return Err(BadBlocks(format!(
                "bot {:?} is not in run.json's line-up {}",
                row.bot,
                lineup()
            )));
        };
        let (first, end) = self.blocks();
        if !(first..end).contains(&row.block) {
            return Err(BadBlocks(format!(
                "block {} is out of range: run.json's {} deals in blocks of {} make blocks {first} to {}{}",
                row.block,
                self.run.hands,
                self.run.block_deals,
                end - 1,
                self.run
                    .shard
                    .map_or(String::new(), |s| format!(" in shard {s}"))
            )));
        }
        let (want_block, want_bot) = (first + k / n, (k % n) as usize);
        if (row.block, bot) < (want_block, want_bot) {
            return Err(BadBlocks(format!(
                "block {} of {:?} repeats line {}: every block has one row per bot",
                row.block,
                row.bot,
                self.line_of(row.block, bot)
            )));
        }
        if (row.block, bot) > (want_block, want_bot) {
            return Err(BadBlocks(format!(
                "block {} of {:?} is missing (this row is block {} of {:?}): rows go block by block, bots in line-up order",
                want_block, self.bots[want_bot].0, row.block, row.bot
            )));
        }
        let (b, bd) = (row.block, self.run.block_deals);
        let deals = bd.min(self.run.hands - b * bd);
        let rotations = self.run.rotations();
        let hands = deals * rotations;
        let seats = self.bots[bot].1;
        let wrong = |column: &str, got: u64, want: u64, why: String| {
            Err(BadBlocks(format!(
                "block {b} of {:?}: {column} is {got}, but run.json gives {want} ({why})",
                row.bot
            )))
        };
        if row.first_deal != b * bd {
            return wrong(
                "first_deal",
                row.first_deal,
                b * bd,
                format!("block {b} × {bd} deals per block"),
            );
        }
        if row.deals != deals {
            return wrong(
                "deals",
                row.deals,
                deals,
                format!("{} deals in blocks of {bd}", self.run.hands),
            );
        }
        let per = self.run.hands_per_deal();
        if per > 1 {
            // Sessions: seats sit out and sessions can end early, so a block holds
            // at most its sessions' hands.
            let most = hands * per;
            if row.hands > most || row.seat_hands > row.hands * seats {
                return Err(BadBlocks(format!(
                    "block {b} of {:?}: {} hands and {} seat-hands, but run.json allows at most {most} hands ({deals} sessions × {per} hands × {rotations} rotations) and {seats} seat-hands a hand",
                    row.bot, row.hands, row.seat_hands
                )));
            }
        } else if row.hands != hands {
            return wrong(
                "hands",
                row.hands,
                hands,
                format!("{deals} deals × {rotations} rotations"),
            );
        } else if row.seat_hands != hands * seats {
            return wrong(
                "seat_hands",
                row.seat_hands,
                hands * seats,
                format!(
                    "{hands} hands × {seats} seat{}",
                    if seats == 1 { "" } else { "s" }
                ),
            );
        }
        for (column, x) in [
            ("net_bb", row.net_bb),
            ("allin_adj_chips", row.allin_adj_chips),
            ("allin_adj_bb", row.allin_adj_bb),
        ] {
            if !x.is_finite() {
                return Err(BadBlocks(format!(
                    "block {b} of {:?}: {column} is {x}, not a finite number",
                    row.bot
                )));
            }
        }
        if bot == 0 {
            self.deals += deals;
        }
        Ok(())
    }

    /// Checks that no row is missing at the end.
    ///
    /// # Errors
    /// How many deals the file holds against what `run.json` says (the caller names
    /// the run's folder).
    pub fn finish(self) -> Result<(), BadBlocks> {
        let n = self.bots.len() as u64;
        let (first, end) = self.blocks();
        if self.rows == (end - first) * n {
            return Ok(());
        }
        let (first_deal, end_deal) = self.run.deal_range();
        if self.deals != end_deal - first_deal {
            return Err(BadBlocks(format!(
                "blocks.csv holds {} deals of {:?} but run.json says {}: not the files of one run",
                self.deals,
                self.bots[0].0,
                end_deal - first_deal
            )));
        }
        Err(BadBlocks(format!(
            "blocks.csv ends before block {} of {:?}: every block has one row per bot",
            first + self.rows / n,
            self.bots[(self.rows % n) as usize].0
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_check_wants_every_block_once_in_order() {
        let run = RunInfo {
            seed: 1,
            hands: 25,
            duplicate: true,
            block_deals: 10,
            allin_runout_samples: 64,
            lineup: vec!["a".into(), "b".into(), "a".into()],
            small_blind_chips: 10,
            big_blind_chips: 20,
            ante_chips: 0,
            stack_chips: 2000,
            seat_stacks_chips: None,
            ..RunInfo::default()
        };
        let row = |block: u64, bot: &str| {
            let deals = if block == 2 { 5 } else { 10 };
            BlockRow {
                block,
                first_deal: block * 10,
                deals,
                hands: 3 * deals,
                bot: bot.into(),
                seat_hands: 3 * deals * if bot == "a" { 2 } else { 1 },
                net_chips: 0,
                net_bb: 0.0,
                allin_adj_chips: 0.0,
                allin_adj_bb: 0.0,
            }
        };
        let good: Vec<BlockRow> = (0..3).flat_map(|b| [row(b, "a"), row(b, "b")]).collect();
        let check = |rows: &[BlockRow]| -> Result<(), String> {
            let mut c = BlockCheck::new(&run);
            for r in rows {
                c.row(r).map_err(|e| format!("line {}: {e}", c.line()))?;
            }
            c.finish().map_err(|e| e.to_string())
        };
        assert_eq!(check(&good), Ok(()));
        let mut repeated = good.clone();
        repeated.insert(2, row(0, "a"));
        assert!(
            check(&repeated)
                .unwrap_err()
                .starts_with("line 4: block 0 of \"a\" repeats line 2")
        );
        let err = check(&good[..5]).unwrap_err();
        assert!(err.contains("ends before block 2 of \"b\""), "{err}");
        let err = check(&good[..4]).unwrap_err();
        assert!(
            err.contains("holds 20 deals of \"a\" but run.json says 25"),
            "{err}"
        );
        let mut short = good.clone();
        short[4].deals = 10;
        assert!(
            check(&short)
                .unwrap_err()
                .contains("deals is 10, but run.json gives 5")
        );
        let mut far = good.clone();
        far[5].block = u64::MAX;
        assert!(check(&far).unwrap_err().contains("out of range"));
        assert!(check(&[]).unwrap_err().contains("holds 0 deals"));
    }

    #[test]
    fn merging_chunks_equals_recording_in_one_pass() {
        let mut whole = Blocks::covering(3, 2, 0, 10);
        let mut a = Blocks::covering(3, 2, 0, 4);
        let mut b = Blocks::covering(3, 2, 4, 10);
        for deal in 0..10u64 {
            let net = [deal as i64 - 5, 5 - deal as i64];
            let adj = [net[0] * FIXED_ONE, net[1] * FIXED_ONE];
            whole.record(deal, 2, &[2, 2], &net, &adj);
            let part = if deal < 4 { &mut a } else { &mut b };
            part.record(deal, 2, &[2, 2], &net, &adj);
        }
        let mut merged = Blocks::covering(3, 2, 0, 10);
        merged.merge(&b);
        merged.merge(&a);
        assert_eq!(merged, whole);
        assert_eq!(whole.len(), 4);
        assert_eq!(whole.block(3).0.deals, 1);
        let rows = whole.rows(&["x", "y"], 20);
        assert_eq!(rows.len(), 8);
        assert_eq!(rows[0].net_chips, -5 - 4 - 3);
        assert_eq!(rows[0].allin_adj_bb, -12.0 / 20.0);
        assert_eq!(rows[1].bot, "y");
        assert_eq!(rows[1].net_chips, 5 + 4 + 3);

        // The same ranges in deal order, joined one whole block at a time.
        let mut joined = Blocks::covering(3, 2, 0, 10);
        let mut seen = Vec::new();
        let mut sink = |one: &Blocks| {
            assert_eq!(one.len(), 1);
            seen.push(one.first_block);
            joined.merge(one);
        };
        let mut in_order = InOrderBlocks::new(3, 2);
        in_order.push(&a, &mut sink);
        in_order.push(&b, &mut sink);
        in_order.finish(&mut sink);
        assert_eq!(seen, [0, 1, 2, 3]);
        assert_eq!(joined, whole);
    }
}
