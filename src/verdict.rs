//! Paired comparisons of two versions of a bot, and the tests that turn one into a
//! CI verdict. Pure statistics on paired block sums; the runs are made in
//! [`crate::commands::compare`].
//!
//! Both versions play the same deals in the same seats against the same opponents
//! with the same seeds (common random numbers), so block `i` of the candidate's run
//! and block `i` of the baseline's differ only through the bot under test: most of
//! the luck cancels in the difference. The independent units are the blocks.
//!
//! - **Estimate**: the difference per seat-hand is the ratio Σ Dᵢ / Σ nᵢ of the summed
//!   block differences Dᵢ (big blinds) over the seat-hands nᵢ; its standard error is
//!   the usual ratio (cluster) estimator √(B/(B−1) · Σ (Dᵢ − μ̂ nᵢ)²) / Σ nᵢ, exact for
//!   equal blocks and right for a short last block.
//! - **Fixed-sample non-inferiority**: the candidate passes when the one-sided lower
//!   confidence bound μ̂ − z·se is above −margin (z the standard normal quantile of
//!   the confidence, from `statrs`).
//! - **Sequential (SPRT)**: Wald's sequential probability ratio test (A. Wald,
//!   "Sequential Tests of Statistical Hypotheses", Ann. Math. Statist. 16(2), 1945) of
//!   H0: μ ≤ −margin against H1: μ ≥ 0, with the normal approximation of the
//!   log-likelihood ratio that fishtest and cutechess-cli use for engine testing:
//!   LLR = (μ₁ − μ₀)(μ̂ − (μ₀ + μ₁)/2) / se². Stop for H1 (pass) when
//!   LLR ≥ ln((1 − β)/α), for H0 (fail) when LLR ≤ ln(β/(1 − α)); α bounds the chance
//!   of passing a candidate that is worse by the margin, β of failing one that is not
//!   worse. The LLR is checked after every block in block order, so the stopping point
//!   does not depend on how blocks were batched or on the thread count.

use statrs::distribution::{ContinuousCDF, Normal};

/// Blocks the SPRT waits for before it may stop: the variance of the block
/// differences is estimated from the blocks themselves, and a handful would make it
/// (and so the LLR) too noisy.
pub const MIN_SPRT_BLOCKS: usize = 16;

/// One block of a paired comparison: the bot under test's sums, in big blinds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PairedBlock {
    /// Block index in the run.
    pub block: u64,
    /// Seat-hands of the bot under test in the block (the same for both versions).
    pub seat_hands: u64,
    /// The candidate's summed result, in big blinds.
    pub candidate_bb: f64,
    /// The baseline's summed result, in big blinds.
    pub baseline_bb: f64,
}

/// The paired difference candidate − baseline over some blocks.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    /// Blocks used.
    pub blocks: usize,
    /// Seat-hands of the bot under test over those blocks.
    pub seat_hands: u64,
    /// Candidate's win rate, bb/100.
    pub candidate_bb_per_100: f64,
    /// Baseline's win rate, bb/100.
    pub baseline_bb_per_100: f64,
    /// Candidate − baseline, bb/100.
    pub diff_bb_per_100: f64,
    /// Standard error of `diff_bb_per_100` (infinite with fewer than two blocks,
    /// unless every block's difference is zero).
    pub se_bb_per_100: f64,
}

/// A win rate from block sums: Σ result / Σ seat-hands, with the standard error of
/// this ratio estimator over blocks (W. G. Cochran, *Sampling Techniques*, 3rd ed.,
/// 1977, §6.3), so blocks of different sizes (a short last block, runs with other
/// block sizes) weigh by their hands.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BlockRate {
    /// Blocks used.
    pub blocks: usize,
    /// Σ seat-hands over the blocks.
    pub seat_hands: u64,
    /// The rate, bb/100.
    pub bb_per_100: f64,
    /// Its standard error, bb/100 (0 when every block's result is exactly 0, as for
    /// the difference of identical versions; otherwise infinite with fewer than two
    /// blocks).
    pub se_bb_per_100: f64,
}

impl BlockRate {
    /// The rate over `blocks`, each `(seat-hands, Σ result in big blinds)`.
    pub fn of(blocks: impl Iterator<Item = (u64, f64)>) -> BlockRate {
        let mut sums = RatioSums::default();
        for (seat_hands, bb) in blocks {
            sums.push(seat_hands, bb);
        }
        sums.rate()
    }
}

/// Running sums of blocks for [`BlockRate`]: add blocks one at a time with
/// [`RatioSums::push`] and read the rate over the blocks so far with
/// [`RatioSums::rate`] in O(1), so that a rate after every block (the running columns
/// of `gate.csv`, the SPRT's look after each block, the points of a plot) costs
/// O(blocks) in all, not O(blocks²).
///
/// One pass: Σ (Dᵢ − μ̂ nᵢ)² = Σ Dᵢ² − 2 μ̂ Σ Dᵢ nᵢ + μ̂² Σ nᵢ², with every Dᵢ first
/// shifted by the first block's rate times nᵢ, so that a large mean does not cancel
/// digits away (and blocks exactly proportional to their hands give exactly 0).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RatioSums {
    blocks: usize,
    seat_hands: u64,
    /// The first block's result per seat-hand, in big blinds (0 until a block with
    /// seat-hands is pushed).
    shift: Option<f64>,
    /// Σ D′ = Σ (Dᵢ − shift · nᵢ), big blinds.
    sum: f64,
    /// Σ D′², big blinds².
    sum_squares: f64,
    /// Σ D′ · nᵢ.
    sum_cross: f64,
    /// Σ nᵢ².
    sum_hands_squared: f64,
    /// Some Dᵢ is not 0.
    nonzero: bool,
}

impl RatioSums {
    /// Adds one block: its seat-hands and its summed result in big blinds.
    pub fn push(&mut self, seat_hands: u64, bb: f64) {
        let n = seat_hands as f64;
        if self.shift.is_none() && seat_hands > 0 {
            self.shift = Some(bb / n);
        }
        let d = bb - self.shift.unwrap_or(0.0) * n;
        self.blocks += 1;
        self.seat_hands += seat_hands;
        self.sum += d;
        self.sum_squares += d * d;
        self.sum_cross += d * n;
        self.sum_hands_squared += n * n;
        self.nonzero |= bb != 0.0;
    }

    /// The rate over the blocks pushed so far.
    pub fn rate(&self) -> BlockRate {
        let total = self.seat_hands.max(1) as f64;
        let shifted = self.sum / total; // bb per seat-hand, less the shift
        let mean = shifted + self.shift.unwrap_or(0.0);
        let squares = (self.sum_squares - 2.0 * shifted * self.sum_cross
            + shifted * shifted * self.sum_hands_squared)
            .max(0.0);
        let b = self.blocks as f64;
        let se = if !self.nonzero || (self.blocks >= 2 && squares == 0.0) {
            0.0
        } else if self.blocks < 2 {
            f64::INFINITY
        } else {
            (b / (b - 1.0) * squares).sqrt() / total
        };
        BlockRate {
            blocks: self.blocks,
            seat_hands: self.seat_hands,
            bb_per_100: 100.0 * mean,
            se_bb_per_100: 100.0 * se,
        }
    }
}

/// Why a result or a verdict was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NoVerdict {
    /// No block was played or read.
    #[error("no {kind} for {what}: no blocks were played or read")]
    NoBlocks {
        /// `result` (a bot's rate) or `verdict` (a comparison).
        kind: &'static str,
        /// The bot or the comparison.
        what: String,
    },
    /// A rate or standard error that is not a finite number.
    #[error("no {kind} for {what}: over {blocks} block{} the {quantity} is not a finite number (an interval needs at least 2 blocks)", if *blocks == 1 { "" } else { "s" })]
    NotFinite {
        /// `result` or `verdict`.
        kind: &'static str,
        /// The bot or the comparison.
        what: String,
        /// Blocks used.
        blocks: usize,
        /// `win rate` or `standard error`.
        quantity: &'static str,
    },
}

/// Why a result over `blocks` blocks with this rate and standard error is no
/// verdict, if it is not one: no blocks, or a rate or standard error that is not a
/// finite number (one block has no spread to estimate).
fn refusal(kind: &'static str, what: &str, blocks: usize, rate: f64, se: f64) -> Option<NoVerdict> {
    if blocks == 0 {
        return Some(NoVerdict::NoBlocks {
            kind,
            what: what.to_string(),
        });
    }
    if !(rate.is_finite() && se.is_finite()) {
        return Some(NoVerdict::NotFinite {
            kind,
            what: what.to_string(),
            blocks,
            quantity: if rate.is_finite() {
                "standard error"
            } else {
                "win rate"
            },
        });
    }
    None
}

impl BlockRate {
    /// This rate, if it is a result: at least one block, a finite rate and a finite
    /// standard error.
    ///
    /// # Errors
    /// [`NoVerdict`] naming `what` (a bot) and why there is no result.
    pub fn checked(self, what: &str) -> Result<BlockRate, NoVerdict> {
        match refusal(
            "result",
            what,
            self.blocks,
            self.bb_per_100,
            self.se_bb_per_100,
        ) {
            Some(why) => Err(why),
            None => Ok(self),
        }
    }
}

/// The standard normal quantile: `z` with P(Z ≤ z) = `p`, `0 < p < 1`.
pub fn normal_quantile(p: f64) -> f64 {
    Normal::standard().inverse_cdf(p)
}

impl Estimate {
    /// The paired estimate over `pairs` (an empty slice gives zeros and an infinite
    /// standard error).
    pub fn of(pairs: &[PairedBlock]) -> Estimate {
        let mut sums = EstimateSums::default();
        for p in pairs {
            sums.push(p);
        }
        sums.estimate()
    }

    /// This estimate, if it is a verdict: at least one block, a finite difference and
    /// a finite standard error (so no interval prints as `inf` or `NaN`).
    ///
    /// # Errors
    /// [`NoVerdict`] naming `what` (the comparison) and why there is no verdict.
    pub fn checked(self, what: &str) -> Result<Estimate, NoVerdict> {
        match refusal(
            "verdict",
            what,
            self.blocks,
            self.diff_bb_per_100,
            self.se_bb_per_100,
        ) {
            Some(why) => Err(why),
            None => Ok(self),
        }
    }

    /// Half-width of the two-sided interval of the difference at `confidence`.
    pub fn half_width(&self, confidence: f64) -> f64 {
        normal_quantile(0.5 + confidence / 2.0) * self.se_bb_per_100
    }

    /// One-sided lower confidence bound of the difference at `confidence`.
    pub fn lower_bound(&self, confidence: f64) -> f64 {
        if self.se_bb_per_100 == 0.0 {
            return self.diff_bb_per_100;
        }
        self.diff_bb_per_100 - normal_quantile(confidence) * self.se_bb_per_100
    }

    /// Fixed-sample non-inferiority: whether the candidate is shown not worse than the
    /// baseline by more than `margin` bb/100 at `confidence`.
    pub fn not_worse(&self, margin: f64, confidence: f64) -> bool {
        self.lower_bound(confidence) > -margin
    }
}

/// Running sums of paired blocks: [`Estimate::of`] one block at a time (see
/// [`RatioSums`]), for the estimate after every block in O(1).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct EstimateSums {
    diff: RatioSums,
    candidate_bb: f64,
    baseline_bb: f64,
}

impl EstimateSums {
    /// Adds one paired block.
    pub fn push(&mut self, p: &PairedBlock) {
        self.diff.push(p.seat_hands, p.candidate_bb - p.baseline_bb);
        self.candidate_bb += p.candidate_bb;
        self.baseline_bb += p.baseline_bb;
    }

    /// The estimate over the blocks pushed so far (none: zeros and an infinite
    /// standard error).
    pub fn estimate(&self) -> Estimate {
        let diff = self.diff.rate();
        let total = diff.seat_hands.max(1) as f64;
        Estimate {
            blocks: diff.blocks,
            seat_hands: diff.seat_hands,
            candidate_bb_per_100: 100.0 * self.candidate_bb / total,
            baseline_bb_per_100: 100.0 * self.baseline_bb / total,
            diff_bb_per_100: diff.bb_per_100,
            se_bb_per_100: diff.se_bb_per_100,
        }
    }
}

/// What a sequential test concluded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// H1 accepted: not worse than the baseline (by more than the margin).
    NotWorse,
    /// H0 accepted: worse than the baseline by the margin or more.
    Worse,
}

/// Wald's SPRT of H0: diff ≤ −margin against H1: diff ≥ 0 (bb/100).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sprt {
    /// The margin, bb/100 (> 0).
    pub margin: f64,
    /// Chance of passing a candidate worse by `margin` (type I error), `0 < α < 1`.
    pub alpha: f64,
    /// Chance of failing a candidate that is not worse (type II error), `0 < β < 1`.
    pub beta: f64,
}

impl Sprt {
    /// Wald's bounds `(lower, upper)` = (ln(β/(1−α)), ln((1−β)/α)).
    pub fn bounds(&self) -> (f64, f64) {
        (
            (self.beta / (1.0 - self.alpha)).ln(),
            ((1.0 - self.beta) / self.alpha).ln(),
        )
    }

    /// The normal-approximation log-likelihood ratio of H1 against H0 for `e`.
    pub fn llr(&self, e: &Estimate) -> f64 {
        let (mu0, mu1) = (-self.margin, 0.0);
        let centred = e.diff_bb_per_100 - (mu0 + mu1) / 2.0;
        let var = e.se_bb_per_100 * e.se_bb_per_100;
        if var == 0.0 {
            // No noise at all (e.g. the same bot twice): the sign decides.
            return if centred == 0.0 {
                0.0
            } else {
                centred.signum() * f64::INFINITY
            };
        }
        (mu1 - mu0) * centred / var
    }

    /// The decision after `e`, if a bound is crossed (and at least
    /// [`MIN_SPRT_BLOCKS`] blocks were seen).
    pub fn decide(&self, e: &Estimate) -> Option<Decision> {
        if e.blocks < MIN_SPRT_BLOCKS {
            return None;
        }
        let (lower, upper) = self.bounds();
        let llr = self.llr(e);
        if llr >= upper {
            Some(Decision::NotWorse)
        } else if llr <= lower {
            Some(Decision::Worse)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(block: u64, c: f64, b: f64) -> PairedBlock {
        PairedBlock {
            block,
            seat_hands: 100,
            candidate_bb: c,
            baseline_bb: b,
        }
    }

    #[test]
    fn the_estimate_is_the_textbook_paired_mean_for_equal_blocks() {
        // Differences per block (bb per 100 hands): 4, -2, 1, 1 → mean 1.
        let pairs = [
            pair(0, 5.0, 1.0),
            pair(1, 0.0, 2.0),
            pair(2, 3.0, 2.0),
            pair(3, 1.0, 0.0),
        ];
        let e = Estimate::of(&pairs);
        assert!((e.diff_bb_per_100 - 1.0).abs() < 1e-12);
        // Sample sd of [4, -2, 1, 1] = sqrt(18/3); se = sd / sqrt(4).
        let se = (18.0f64 / 3.0).sqrt() / 2.0;
        assert!((e.se_bb_per_100 - se).abs() < 1e-12, "{e:?}");
        assert!((e.half_width(0.95) - 1.959964 * se).abs() < 1e-5);
        assert!((e.lower_bound(0.95) - (1.0 - 1.644854 * se)).abs() < 1e-5);
    }

    #[test]
    fn block_rate_weighs_blocks_by_their_hands() {
        // Blocks of 100 and 300 seat-hands winning 1 bb per hand each: 100 bb/100, and
        // every block is exactly its share of the mean, so no spread.
        let r = BlockRate::of([(100, 100.0), (300, 300.0)].into_iter());
        assert_eq!((r.blocks, r.seat_hands), (2, 400));
        assert!((r.bb_per_100 - 100.0).abs() < 1e-12);
        assert_eq!(r.se_bb_per_100, 0.0);
        // Equal blocks: the textbook standard error of the mean of per-hand rates.
        let r = BlockRate::of([(10, 10.0), (10, -10.0), (10, 30.0)].into_iter());
        let rates = [1.0, -1.0, 3.0];
        let mean = 1.0;
        let var = rates.iter().map(|x: &f64| (x - mean).powi(2)).sum::<f64>() / 2.0;
        assert!((r.bb_per_100 - 100.0).abs() < 1e-12);
        assert!((r.se_bb_per_100 - 100.0 * (var / 3.0).sqrt()).abs() < 1e-9);
        assert!(
            BlockRate::of([(10, 1.0)].into_iter())
                .se_bb_per_100
                .is_infinite()
        );
    }

    #[test]
    fn a_verdict_over_no_blocks_or_with_an_infinite_error_is_refused() {
        let none = Estimate::of(&[]).checked("a vs b").unwrap_err();
        assert_eq!(
            none.to_string(),
            "no verdict for a vs b: no blocks were played or read"
        );
        let one = Estimate::of(&[pair(0, 5.0, 1.0)])
            .checked("a vs b")
            .unwrap_err()
            .to_string();
        assert!(
            one.contains("over 1 block the standard error is not a finite number"),
            "{one}"
        );
        assert!(
            Estimate::of(&[pair(0, 5.0, 1.0), pair(1, 1.0, 2.0)])
                .checked("a vs b")
                .is_ok()
        );
        let nan = BlockRate::of([(10, f64::NAN), (10, 1.0)].into_iter()).checked("x");
        assert!(
            nan.unwrap_err()
                .to_string()
                .contains("win rate is not a finite number")
        );
        assert!(BlockRate::of(std::iter::empty()).checked("x").is_err());
    }

    #[test]
    fn identical_versions_pass_at_once() {
        let pairs: Vec<_> = (0..MIN_SPRT_BLOCKS as u64)
            .map(|i| pair(i, i as f64, i as f64))
            .collect();
        let e = Estimate::of(&pairs);
        assert_eq!(e.se_bb_per_100, 0.0);
        assert!(e.not_worse(1.0, 0.95));
        let sprt = Sprt {
            margin: 1.0,
            alpha: 0.05,
            beta: 0.05,
        };
        assert_eq!(sprt.decide(&e), Some(Decision::NotWorse));
        assert_eq!(sprt.decide(&Estimate::of(&pairs[..3])), None);
    }

    #[test]
    fn sprt_matches_walds_bounds_and_the_normal_llr() {
        let sprt = Sprt {
            margin: 4.0,
            alpha: 0.05,
            beta: 0.1,
        };
        let (lo, hi) = sprt.bounds();
        assert!((lo - (0.1f64 / 0.95).ln()).abs() < 1e-12);
        assert!((hi - (0.9f64 / 0.05).ln()).abs() < 1e-12);
        let e = Estimate {
            blocks: 20,
            seat_hands: 2000,
            candidate_bb_per_100: 0.0,
            baseline_bb_per_100: 0.0,
            diff_bb_per_100: -1.0,
            se_bb_per_100: 1.0,
        };
        // (0 - (-4)) * (-1 - (-2)) / 1 = 4.
        assert!((sprt.llr(&e) - 4.0).abs() < 1e-12);
        assert_eq!(sprt.decide(&e), Some(Decision::NotWorse));
        let worse = Estimate {
            diff_bb_per_100: -6.0,
            ..e
        };
        assert_eq!(sprt.decide(&worse), Some(Decision::Worse));
    }
}
