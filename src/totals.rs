//! `totals.json`: a shard's exact sums, what `merge` needs to write the whole run's
//! `bots.csv` and `seats.csv` as if it had been played at once.
//!
//! The CSVs hold rounded rates; a merge needs the integer sums behind them: per seat
//! its [`Tally`](crate::stats::Tally) (hands, chips, chips², tracker counts, faults),
//! per distinct bot the sums over independent deals ([`DealSums`], chips² and the
//! all-in-adjusted sums in `i128`, which serde_json writes and reads as exact JSON
//! integers), and the first few verbatim fault notes per seat. Sums of integers do
//! not depend on how they were grouped, so the shards' totals added in shard order are
//! exactly the run's (and the notes, kept first-come up to [`FaultNotes::MAX`] per
//! seat, the same ones). Blocks are not here: a shard's `blocks.csv` holds whole
//! blocks already, each row made from the same integer sums as the whole run's.
//!
//! The file is small (about 10 KB at 10 seats); reading refuses one above
//! [`MAX_BYTES`], and one whose counts disagree with the `run.json` beside it.

use crate::bot::FaultNotes;
use crate::fs::WriteError;
use crate::run_info::RunInfo;
use crate::sim::Totals;
use crate::stats::{DealSums, Depths, Stats};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The file's name in a shard's folder.
pub const FILE: &str = "totals.json";

/// The largest `totals.json` read: 1 MiB (a real one is about 10 KB).
pub const MAX_BYTES: u64 = 1 << 20;

/// A run's (or a shard's) exact sums, as `totals.json` holds them.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct StoredTotals {
    /// Per seat: hands, chips, chips² and the tracker and fault counts.
    pub stats: Stats,
    /// Per distinct bot: sums over independent deals, for the intervals.
    pub units: DealSums,
    /// Per seat, the first few verbatim fault notes (empty without faults).
    pub fault_notes: Vec<FaultNotes>,
    /// Per seat, results by effective stack (all zero without `--stack-range`).
    #[serde(default)]
    pub depths: Depths,
}

/// Why a `totals.json` could not be used.
#[derive(Debug, thiserror::Error)]
pub enum TotalsError {
    /// The file cannot be read.
    #[error("cannot read {} ({source}); rerun the shard", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not the totals of the run beside it.
    #[error("{}: {why}; rerun the shard", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        why: String,
    },
}

impl StoredTotals {
    /// The sums of `totals` (its blocks and hand histories are written elsewhere).
    pub fn of(totals: &Totals) -> StoredTotals {
        StoredTotals {
            stats: totals.stats,
            units: totals.units,
            fault_notes: totals.fault_notes.clone(),
            depths: totals.depths,
        }
    }

    /// No hands yet, at a table of `seats` seats.
    pub fn empty(seats: usize) -> StoredTotals {
        StoredTotals {
            stats: Stats::new(seats),
            units: DealSums::default(),
            fault_notes: Vec::new(),
            depths: Depths::default(),
        }
    }

    /// Adds `later`'s sums (the next deals of the same run) and keeps its fault notes
    /// after these, up to [`FaultNotes::MAX`] per seat.
    pub fn add(&mut self, later: StoredTotals) {
        self.stats += &later.stats;
        self.units += &later.units;
        self.depths += &later.depths;
        for (seat, notes) in later.fault_notes.into_iter().enumerate() {
            if self.fault_notes.len() <= seat {
                self.fault_notes.resize(seat + 1, FaultNotes::default());
            }
            self.fault_notes[seat].extend(notes);
        }
    }

    /// The sums as the reports take them (no blocks, no hand histories, no decision
    /// latencies: wall-clock times are not merged).
    pub fn into_totals(self, block_deals: u64, bots: usize) -> Totals {
        Totals {
            stats: self.stats,
            units: self.units,
            blocks: crate::blocks::Blocks::covering(block_deals, bots, 0, 0),
            histories: Vec::new(),
            fault_notes: self.fault_notes,
            depths: self.depths,
            latency: Vec::new(),
        }
    }

    /// Writes `dir/totals.json` atomically.
    ///
    /// # Errors
    /// [`WriteError`] naming the file.
    pub fn write(&self, dir: &Path) -> Result<(), WriteError> {
        let path = dir.join(FILE);
        let bytes = serde_json::to_vec_pretty(self).map_err(|e| WriteError::new(&path, e))?;
        crate::fs::write_atomically(dir, FILE, &bytes).map_err(|e| WriteError::new(&path, e))
    }

    /// Reads `dir/totals.json` and checks it against `run` (that folder's `run.json`):
    /// the seats, and the deals and hands of the part of the run the folder holds.
    ///
    /// # Errors
    /// [`TotalsError`] naming the file: unreadable, larger than [`MAX_BYTES`], not
    /// JSON of this shape, or counts that are not the run's.
    pub fn read(dir: &Path, run: &RunInfo) -> Result<StoredTotals, TotalsError> {
        let path = dir.join(FILE);
        let read = |source| TotalsError::Read {
            path: path.clone(),
            source,
        };
        let invalid = |why: String| TotalsError::Invalid {
            path: path.clone(),
            why,
        };
        let size = std::fs::metadata(&path).map_err(read)?.len();
        if size > MAX_BYTES {
            return Err(invalid(format!(
                "{size} bytes, more than the {MAX_BYTES} a totals.json can have"
            )));
        }
        let text = std::fs::read(&path).map_err(read)?;
        let totals: StoredTotals = serde_json::from_slice(&text)
            .map_err(|e| invalid(format!("not a holdem-arena totals.json ({e})")))?;
        let seats = run.lineup.len();
        if totals.stats.seat_count != seats {
            return Err(invalid(format!(
                "{} seats, but run.json's line-up has {seats}",
                totals.stats.seat_count
            )));
        }
        let (first, end) = run.deal_range();
        let (deals, hands) = (end - first, (end - first) * run.rotations());
        if totals.units.units != deals {
            return Err(invalid(format!(
                "{} deals, but run.json gives deals {first}..{end} ({deals})",
                totals.units.units
            )));
        }
        // In sessions seats sit out and sessions may end early: at most every hand.
        let per = run.hands_per_deal();
        let wrong = |t: &crate::stats::Tally| {
            if per > 1 {
                t.hands + t.hands_sat_out > hands * per
            } else {
                t.hands != hands
            }
        };
        if let Some(s) = (0..seats).find(|&s| wrong(&totals.stats.seats[s])) {
            return Err(invalid(format!(
                "seat {s} played {} hands, but run.json gives {} ({deals} deals × {} rotations × {per} hands)",
                totals.stats.seats[s].hands,
                hands * per,
                run.rotations()
            )));
        }
        if totals.fault_notes.len() > seats
            || totals
                .fault_notes
                .iter()
                .any(|n| n.notes().len() > FaultNotes::MAX)
        {
            return Err(invalid(format!(
                "fault notes for more than {seats} seats or more than {} per seat",
                FaultNotes::MAX
            )));
        }
        Ok(totals)
    }
}
