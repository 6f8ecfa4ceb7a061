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
use crate::bot::MAX_SEATS;
use serde::{Deserialize, Serialize};

/// Deals per block unless `--block-deals` says otherwise.
pub const DEFAULT_BLOCK_DEALS: u64 = 1000;

/// One block's sums, per distinct bot (index as in `RunConfig::distinct_bots`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BlockSums {
    /// Deals recorded in the block.
    pub deals: u64,
    /// Table hands played in the block (deals × rotations).
    pub hands: u64,
    /// Per bot: seat-hands (hands × the bot's seats).
    pub seat_hands: [u64; MAX_SEATS],
    /// Per bot: Σ net result, in chips.
    pub net_chips: [i64; MAX_SEATS],
    /// Per bot: Σ all-in-adjusted result, in 1/[`FIXED_ONE`] chip.
    pub adjusted: [i128; MAX_SEATS],
}

/// The blocks overlapping a range of deals (a chunk's, or a whole run's).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Blocks {
    /// Deals per block.
    pub block_deals: u64,
    /// Index of `sums[0]`'s block in the run.
    pub first_block: u64,
    /// Consecutive blocks from `first_block`.
    pub sums: Vec<BlockSums>,
}

impl Blocks {
    /// Empty blocks covering deals `first_deal..end_deal` (allocates once).
    ///
    /// # Panics
    /// If `block_deals` is 0.
    pub fn covering(block_deals: u64, first_deal: u64, end_deal: u64) -> Blocks {
        assert!(block_deals > 0, "blocks hold at least one deal");
        let first_block = first_deal / block_deals;
        let end_block = end_deal.div_ceil(block_deals).max(first_block);
        Blocks {
            block_deals,
            first_block,
            sums: vec![BlockSums::default(); (end_block - first_block) as usize],
        }
    }

    /// Adds one deal's results: `hands` table hands; per distinct bot its seat-hands,
    /// net chips and adjusted result (1/`FIXED_ONE` chip). Allocation-free.
    pub fn record(
        &mut self,
        deal: u64,
        hands: u64,
        seat_hands: &[u64],
        net_chips: &[i64],
        adjusted: &[i64],
    ) {
        let b = &mut self.sums[(deal / self.block_deals - self.first_block) as usize];
        b.deals += 1;
        b.hands += hands;
        for i in 0..seat_hands.len() {
            b.seat_hands[i] += seat_hands[i];
            b.net_chips[i] += net_chips[i];
            b.adjusted[i] += i128::from(adjusted[i]);
        }
    }

    /// Adds `other`'s sums (same block size; `other` must lie within `self`'s range).
    pub fn merge(&mut self, other: &Blocks) {
        assert_eq!(self.block_deals, other.block_deals, "same block size");
        let offset = (other.first_block - self.first_block) as usize;
        for (i, o) in other.sums.iter().enumerate() {
            let b = &mut self.sums[offset + i];
            b.deals += o.deals;
            b.hands += o.hands;
            for k in 0..MAX_SEATS {
                b.seat_hands[k] += o.seat_hands[k];
                b.net_chips[k] += o.net_chips[k];
                b.adjusted[k] += o.adjusted[k];
            }
        }
    }

    /// The `blocks.csv` rows: one per block and bot, blocks in order, bots in
    /// `bots` order.
    pub fn rows(&self, bots: &[&str], big_blind_chips: u32) -> Vec<BlockRow> {
        let bb = f64::from(big_blind_chips);
        let mut rows = Vec::with_capacity(self.sums.len() * bots.len());
        for (i, b) in self.sums.iter().enumerate() {
            if b.deals == 0 {
                continue;
            }
            let block = self.first_block + i as u64;
            for (k, name) in bots.iter().enumerate() {
                let adjusted_chips = b.adjusted[k] as f64 / FIXED_ONE as f64;
                rows.push(BlockRow {
                    block,
                    first_deal: block * self.block_deals,
                    deals: b.deals,
                    hands: b.hands,
                    bot: (*name).to_string(),
                    seat_hands: b.seat_hands[k],
                    net_chips: b.net_chips[k],
                    net_bb: round6(b.net_chips[k] as f64 / bb),
                    allin_adj_chips: round6(adjusted_chips),
                    allin_adj_bb: round6(adjusted_chips / bb),
                });
            }
        }
        rows
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

/// Serializes block rows as CSV with a header line.
///
/// # Errors
/// If serialization fails (it does not for [`BlockRow`]).
pub fn to_csv(rows: &[BlockRow]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.serialize(r)?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

/// Reads `blocks.csv` rows.
///
/// # Errors
/// A message naming the file and what is wrong with it.
pub fn read_csv(path: &std::path::Path) -> Result<Vec<BlockRow>, String> {
    let mut r =
        csv::Reader::from_path(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    r.deserialize()
        .collect::<Result<Vec<BlockRow>, _>>()
        .map_err(|e| format!("{}: not a blocks.csv ({e})", path.display()))
}

/// The fields of a stored `run.json` that replaying and merging read.
#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct StoredRun {
    /// Run seed.
    pub seed: u64,
    /// Deals played (`--hands`).
    pub hands: u64,
    /// Duplicate deals (`--duplicate`).
    #[serde(default)]
    pub duplicate: bool,
    /// Deals per block.
    #[serde(default = "default_block_deals")]
    pub block_deals: u64,
    /// Run-outs sampled by the all-in adjustment (0: it was off).
    #[serde(default = "default_runout_samples")]
    pub allin_runout_samples: u32,
    /// Bot name by seat, seat 0 first.
    pub lineup: Vec<String>,
    /// Small blind, in chips.
    pub small_blind_chips: u32,
    /// Big blind, in chips.
    pub big_blind_chips: u32,
    /// Ante, in chips.
    pub ante_chips: u32,
    /// Every seat's starting stack, in chips.
    pub stack_chips: u32,
    /// Per-seat starting stacks in chips, when the run had `--stacks`.
    #[serde(default)]
    pub seat_stacks_chips: Option<Vec<u32>>,
}

fn default_block_deals() -> u64 {
    DEFAULT_BLOCK_DEALS
}

fn default_runout_samples() -> u32 {
    crate::allin_ev::RUNOUT_SAMPLES
}

/// Reads `dir/run.json`.
///
/// # Errors
/// A message naming the file and what is wrong with it.
pub fn read_run_json(dir: &std::path::Path) -> Result<StoredRun, String> {
    let path = dir.join("run.json");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {} ({e})", path.display()))?;
    serde_json::from_str(&text)
        .map_err(|e| format!("{}: not a holdem-arena run.json ({e})", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merging_chunks_equals_recording_in_one_pass() {
        let mut whole = Blocks::covering(3, 0, 10);
        let mut a = Blocks::covering(3, 0, 4);
        let mut b = Blocks::covering(3, 4, 10);
        for deal in 0..10u64 {
            let net = [deal as i64 - 5, 5 - deal as i64];
            let adj = [net[0] * FIXED_ONE, net[1] * FIXED_ONE];
            whole.record(deal, 2, &[2, 2], &net, &adj);
            let part = if deal < 4 { &mut a } else { &mut b };
            part.record(deal, 2, &[2, 2], &net, &adj);
        }
        let mut merged = Blocks::covering(3, 0, 10);
        merged.merge(&b);
        merged.merge(&a);
        assert_eq!(merged, whole);
        assert_eq!(whole.sums.len(), 4);
        assert_eq!(whole.sums[3].deals, 1);
        let rows = whole.rows(&["x", "y"], 20);
        assert_eq!(rows.len(), 8);
        assert_eq!(rows[0].net_chips, -5 - 4 - 3);
        assert_eq!(rows[0].allin_adj_bb, -12.0 / 20.0);
    }
}
