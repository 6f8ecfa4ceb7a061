//! Leagues: the pure parts of `holdem-arena league` (the runs are played in
//! [`crate::commands::league`]): the pairings, the crosstable and the ratings.
//!
//! In the heads-up format every unordered pair of bots plays one duplicate match (each
//! deal from both seats, all-in adjusted) on the league's seed, so every pair plays
//! the same deals in the same blocks.
//!
//! - **Crosstable**: cell (row, column) is the row bot's all-in-adjusted win rate
//!   against the column bot in bb/100, with the half-width of its 95% interval from
//!   the ratio estimator over the match's blocks ([`BlockRate`]); a block is
//!   `block_deals` deals, each played from both seats, so the unit of the interval is
//!   a whole duplicate block. Heads-up poker without rake is zero-sum, so the table
//!   is antisymmetric: (column, row) is the negative of (row, column), each computed
//!   from that bot's own block results.
//! - **Ratings**: a Bradley–Terry model (R. A. Bradley & M. E. Terry, "Rank Analysis
//!   of Incomplete Block Designs", Biometrika 39, 1952) fitted by maximum likelihood
//!   (Newton's method) to the blocks as games: a bot wins a block when its
//!   all-in-adjusted result in the block is above its opponent's (a tie is half a
//!   win each). Each pair also gets one virtual draw (the prior of BayesElo, R.
//!   Coulom, 2005), so a bot that won every block still has a finite rating. Ratings
//!   are on the Elo scale: a difference `D` means the higher-rated bot wins a block
//!   with probability `1 / (1 + 10^(−D/400))`; the field's mean is 0. So a rating
//!   depends on the block size: longer blocks are won more surely by the better bot.
//! - **Rating intervals**: 95% percentile bootstrap (B. Efron & R. Tibshirani, *An
//!   Introduction to the Bootstrap*, 1993, ch. 13) over blocks: each replicate draws
//!   block indices with replacement, the same indices for every pair (the pairs
//!   played the same deals in the same blocks, so their results are correlated and
//!   are resampled together), and refits; the random stream is seeded from the
//!   league's seed, so the intervals are the same for the same seed.

use crate::verdict::{BlockRate, NoVerdict, normal_quantile};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// Bootstrap replicates of the rating intervals.
pub const BOOTSTRAP_REPLICATES: usize = 1000;

/// Elo points per natural-log unit of Bradley–Terry strength: 400 / ln 10.
const ELO_PER_NAT: f64 = 400.0 / std::f64::consts::LN_10;

/// Every unordered pair of `bots` bots, `(i, j)` with `i < j`, in row order: the
/// matches of a heads-up league.
pub fn pairings(bots: usize) -> Vec<(usize, usize)> {
    (0..bots)
        .flat_map(|i| (i + 1..bots).map(move |j| (i, j)))
        .collect()
}

/// One match of a heads-up league: bots `row` and `col` (indices into the field),
/// with each one's block results in block order, `(seat-hands, all-in-adjusted
/// result in big blinds)`, block `k` of one being block `k` of the other.
#[derive(Clone, Debug, PartialEq)]
pub struct MatchBlocks {
    /// The first bot (the lower index).
    pub row: usize,
    /// The second bot.
    pub col: usize,
    /// The first bot's blocks.
    pub row_blocks: Vec<(u64, f64)>,
    /// The second bot's blocks.
    pub col_blocks: Vec<(u64, f64)>,
}

/// One cell of the crosstable: the row bot's result against the column bot.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cell {
    /// The row bot's hands in the match (each deal counts twice, once per seat).
    pub hands: u64,
    /// Blocks of the match (the units of the interval).
    pub blocks: usize,
    /// The row bot's all-in-adjusted win rate, bb/100.
    pub bb_per_100: f64,
    /// Half-width of the 95% interval of `bb_per_100`, bb/100.
    pub ci95_bb_per_100: f64,
}

impl Cell {
    /// The cell of one bot's blocks, `(seat-hands, result in big blinds)`.
    ///
    /// # Errors
    /// [`NoVerdict`] naming `what` when there are no blocks or the interval is not a
    /// finite number (fewer than 2 blocks).
    pub fn of(blocks: &[(u64, f64)], what: &str) -> Result<Cell, NoVerdict> {
        let rate = BlockRate::of(blocks.iter().copied()).checked(what)?;
        Ok(Cell {
            hands: rate.seat_hands,
            blocks: rate.blocks,
            bb_per_100: rate.bb_per_100,
            ci95_bb_per_100: normal_quantile(0.975) * rate.se_bb_per_100,
        })
    }

    /// Whether the 95% interval excludes zero (the result is significant).
    pub fn excludes_zero(&self) -> bool {
        self.bb_per_100.abs() > self.ci95_bb_per_100
    }
}

/// The crosstable of a league: `cells[r][c]` is bot `r`'s result against bot `c`
/// (`None` on the diagonal).
#[derive(Clone, Debug, PartialEq)]
pub struct Crosstable {
    /// The bots, in the order given.
    pub bots: Vec<String>,
    /// Row-major cells.
    pub cells: Vec<Vec<Option<Cell>>>,
}

impl Crosstable {
    /// The crosstable of `bots` from their matches (each pair at most once).
    ///
    /// # Errors
    /// [`NoVerdict`] for a match whose interval is not a finite number.
    pub fn new(bots: Vec<String>, matches: &[MatchBlocks]) -> Result<Crosstable, NoVerdict> {
        let n = bots.len();
        let mut cells = vec![vec![None; n]; n];
        for m in matches {
            let what = |a: usize, b: usize| format!("{} against {}", bots[a], bots[b]);
            cells[m.row][m.col] = Some(Cell::of(&m.row_blocks, &what(m.row, m.col))?);
            cells[m.col][m.row] = Some(Cell::of(&m.col_blocks, &what(m.col, m.row))?);
        }
        Ok(Crosstable { bots, cells })
    }

    /// Bot `r`'s mean win rate over the opponents it played, bb/100 (0 with none).
    pub fn mean_bb_per_100(&self, r: usize) -> f64 {
        let played: Vec<f64> = self.cells[r]
            .iter()
            .flatten()
            .map(|c| c.bb_per_100)
            .collect();
        if played.is_empty() {
            0.0
        } else {
            played.iter().sum::<f64>() / played.len() as f64
        }
    }
}

/// A bot's rating and its record over blocks.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rating {
    /// The bot's index in the field.
    pub bot: usize,
    /// Bradley–Terry rating on the Elo scale (the field's mean is 0).
    pub elo: f64,
    /// Lower end of the 95% bootstrap interval of `elo`.
    pub elo_ci95_low: f64,
    /// Upper end of the 95% bootstrap interval of `elo`.
    pub elo_ci95_high: f64,
    /// Blocks won (its result above the opponent's).
    pub blocks_won: u64,
    /// Blocks tied.
    pub blocks_drawn: u64,
    /// Blocks lost.
    pub blocks_lost: u64,
}

/// Block wins: `wins[i][j]` is what bot `i` scored against bot `j` (1 a won block,
/// ½ a tie), `games[i][j]` the blocks they played.
#[derive(Clone, Debug, PartialEq)]
struct Scores {
    wins: Vec<Vec<f64>>,
    games: Vec<Vec<f64>>,
}

impl Scores {
    /// Empty scores of `n` bots.
    fn new(n: usize) -> Scores {
        Scores {
            wins: vec![vec![0.0; n]; n],
            games: vec![vec![0.0; n]; n],
        }
    }

    /// Adds block `k` of match `m`.
    fn add_block(&mut self, m: &MatchBlocks, k: usize) {
        let (a, b) = (m.row, m.col);
        let d = m.row_blocks[k].1 - m.col_blocks[k].1;
        let score = if d > 0.0 {
            1.0
        } else if d < 0.0 {
            0.0
        } else {
            0.5
        };
        self.wins[a][b] += score;
        self.wins[b][a] += 1.0 - score;
        self.games[a][b] += 1.0;
        self.games[b][a] += 1.0;
    }

    /// Adds one virtual draw to every pair that played (the prior).
    fn add_virtual_draws(&mut self) {
        let n = self.wins.len();
        for i in 0..n {
            for j in 0..n {
                if i != j && self.games[i][j] > 0.0 {
                    self.wins[i][j] += 0.5;
                    self.games[i][j] += 1.0;
                }
            }
        }
    }
}

/// Solves `a x = b` for a symmetric positive definite `a` (Cholesky), in place in `b`.
/// Returns false when `a` is not positive definite.
fn solve_spd(a: &mut [Vec<f64>], b: &mut [f64]) -> bool {
    let dot = |x: &[f64], y: &[f64]| x.iter().zip(y).map(|(p, q)| p * q).sum::<f64>();
    let n = b.len();
    for j in 0..n {
        let d = a[j][j] - dot(&a[j][..j], &a[j][..j]);
        if d <= 0.0 || !d.is_finite() {
            return false;
        }
        let d = d.sqrt();
        a[j][j] = d;
        for i in j + 1..n {
            let s = a[i][j] - dot(&a[i][..j], &a[j][..j]);
            a[i][j] = s / d;
        }
    }
    // L y = b, then Lᵀ x = y.
    for i in 0..n {
        b[i] = (b[i] - dot(&a[i][..i], &b[..i])) / a[i][i];
    }
    for i in (0..n).rev() {
        let s: f64 = (i + 1..n).map(|k| a[k][i] * b[k]).sum();
        b[i] = (b[i] - s) / a[i][i];
    }
    true
}

/// The Bradley–Terry log-likelihood of strengths `theta` (natural-log scale).
fn log_likelihood(s: &Scores, theta: &[f64]) -> f64 {
    let n = theta.len();
    let mut l = 0.0;
    for i in 0..n {
        for j in i + 1..n {
            if s.games[i][j] > 0.0 {
                let (a, b) = (theta[i], theta[j]);
                let m = a.max(b);
                let log_sum = m + ((a - m).exp() + (b - m).exp()).ln();
                l += s.wins[i][j] * a + s.wins[j][i] * b - s.games[i][j] * log_sum;
            }
        }
    }
    l
}

/// The maximum-likelihood Bradley–Terry strengths of `s` on the Elo scale, mean 0:
/// Newton's method with the last bot's strength held at 0 (the model sees only
/// differences), step-halving so that the likelihood never falls.
fn fit(s: &Scores) -> Vec<f64> {
    let n = s.wins.len();
    let mut theta = vec![0.0; n];
    if n < 2 {
        return theta;
    }
    let sigmoid = |x: f64| 1.0 / (1.0 + (-x).exp());
    for _ in 0..100 {
        let m = n - 1;
        let mut gradient = vec![0.0; m];
        let mut information = vec![vec![0.0; m]; m];
        for i in 0..n {
            for j in 0..n {
                if i == j || s.games[i][j] == 0.0 {
                    continue;
                }
                let p = sigmoid(theta[i] - theta[j]);
                let w = s.games[i][j] * p * (1.0 - p);
                if i < m {
                    gradient[i] += s.wins[i][j] - s.games[i][j] * p;
                    information[i][i] += w;
                    if j < m {
                        information[i][j] -= w;
                    }
                }
            }
        }
        if gradient.iter().all(|g| g.abs() < 1e-10) {
            break;
        }
        let mut step = gradient;
        if !solve_spd(&mut information, &mut step) {
            break;
        }
        let before = log_likelihood(s, &theta);
        let mut scale = 1.0;
        let mut improved = false;
        for _ in 0..30 {
            let trial: Vec<f64> = (0..n)
                .map(|i| theta[i] + if i < m { scale * step[i] } else { 0.0 })
                .collect();
            if log_likelihood(s, &trial) >= before {
                theta = trial;
                improved = true;
                break;
            }
            scale /= 2.0;
        }
        if !improved {
            break;
        }
    }
    let mean = theta.iter().sum::<f64>() / n as f64;
    theta.iter().map(|t| (t - mean) * ELO_PER_NAT).collect()
}

/// The `q` quantile of sorted `values` (linear interpolation between order
/// statistics, Hyndman & Fan's type 7).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * q;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// The ratings of a field of `bots` bots from their matches, with
/// [`BOOTSTRAP_REPLICATES`] bootstrap replicates drawn from `seed`, best first (ties
/// in field order). Every match must have the same number of blocks (the league's
/// pairs play the same deals).
pub fn ratings(bots: usize, matches: &[MatchBlocks], seed: u64) -> Vec<Rating> {
    ratings_with(bots, matches, seed, BOOTSTRAP_REPLICATES)
}

/// [`ratings`] with `replicates` bootstrap replicates.
pub fn ratings_with(
    bots: usize,
    matches: &[MatchBlocks],
    seed: u64,
    replicates: usize,
) -> Vec<Rating> {
    let blocks = matches
        .iter()
        .map(|m| m.row_blocks.len())
        .min()
        .unwrap_or(0);
    let mut scores = Scores::new(bots);
    for m in matches {
        for k in 0..blocks {
            scores.add_block(m, k);
        }
    }
    let mut record = vec![(0u64, 0u64, 0u64); bots];
    for m in matches {
        for k in 0..blocks {
            let d = m.row_blocks[k].1 - m.col_blocks[k].1;
            let (a, b) = (m.row, m.col);
            if d > 0.0 {
                record[a].0 += 1;
                record[b].2 += 1;
            } else if d < 0.0 {
                record[a].2 += 1;
                record[b].0 += 1;
            } else {
                record[a].1 += 1;
                record[b].1 += 1;
            }
        }
    }
    scores.add_virtual_draws();
    let elo = fit(&scores);
    let mut samples = vec![Vec::with_capacity(replicates); bots];
    if blocks > 0 {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed ^ 0x6c65_6167_7565_0015);
        let mut picks = vec![0usize; blocks];
        for _ in 0..replicates {
            for p in &mut picks {
                *p = crate::deal::below(&mut rng, blocks as u64) as usize;
            }
            let mut s = Scores::new(bots);
            for m in matches {
                for &k in &picks {
                    s.add_block(m, k);
                }
            }
            s.add_virtual_draws();
            for (b, e) in fit(&s).into_iter().enumerate() {
                samples[b].push(e);
            }
        }
    }
    let mut out: Vec<Rating> = (0..bots)
        .map(|b| {
            let mut v = std::mem::take(&mut samples[b]);
            v.sort_by(f64::total_cmp);
            let (low, high) = if v.is_empty() {
                (f64::NAN, f64::NAN)
            } else {
                (quantile(&v, 0.025), quantile(&v, 0.975))
            };
            Rating {
                bot: b,
                elo: elo[b],
                elo_ci95_low: low,
                elo_ci95_high: high,
                blocks_won: record[b].0,
                blocks_drawn: record[b].1,
                blocks_lost: record[b].2,
            }
        })
        .collect();
    out.sort_by(|a, b| b.elo.total_cmp(&a.elo).then(a.bot.cmp(&b.bot)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A match in which `row` wins `row_wins` of `blocks` blocks by 10 big blinds and
    /// loses the others by 10 (zero-sum).
    fn match_of(row: usize, col: usize, blocks: usize, row_wins: usize) -> MatchBlocks {
        let r: Vec<(u64, f64)> = (0..blocks)
            .map(|k| (200, if k < row_wins { 10.0 } else { -10.0 }))
            .collect();
        let c = r.iter().map(|&(h, bb)| (h, -bb)).collect();
        MatchBlocks {
            row,
            col,
            row_blocks: r,
            col_blocks: c,
        }
    }

    #[test]
    fn pairings_are_every_unordered_pair_once() {
        assert_eq!(pairings(1), vec![]);
        assert_eq!(pairings(3), vec![(0, 1), (0, 2), (1, 2)]);
        assert_eq!(pairings(6).len(), 15);
    }

    #[test]
    fn two_bots_rate_as_the_logit_of_their_score() {
        // 30 of 40 blocks, plus the virtual draw: 30.5 of 41. The Bradley–Terry fit of
        // two bots is exact: D = 400 log10(30.5 / 10.5), split ±D/2 about the mean.
        let r = ratings_with(2, &[match_of(0, 1, 40, 30)], 7, 200);
        let d = 400.0 * (30.5f64 / 10.5).log10();
        assert_eq!(r[0].bot, 0);
        assert!((r[0].elo - d / 2.0).abs() < 1e-6, "{r:?}");
        assert!((r[1].elo + d / 2.0).abs() < 1e-6, "{r:?}");
        assert_eq!(
            (r[0].blocks_won, r[0].blocks_drawn, r[0].blocks_lost),
            (30, 0, 10)
        );
        assert!(r[0].elo_ci95_low < r[0].elo && r[0].elo < r[0].elo_ci95_high);
        // The same seed gives the same intervals.
        assert_eq!(r, ratings_with(2, &[match_of(0, 1, 40, 30)], 7, 200));
    }

    #[test]
    fn a_clean_sweep_has_a_finite_rating_and_the_order_is_transitive() {
        // 0 beats 1 and 2 always; 1 beats 2 in 3 of 4 blocks.
        let matches = [
            match_of(0, 1, 20, 20),
            match_of(0, 2, 20, 20),
            match_of(1, 2, 20, 15),
        ];
        let r = ratings_with(3, &matches, 1, 100);
        let order: Vec<usize> = r.iter().map(|x| x.bot).collect();
        assert_eq!(order, vec![0, 1, 2]);
        assert!(r.iter().all(|x| x.elo.is_finite()), "{r:?}");
        let mean: f64 = r.iter().map(|x| x.elo).sum::<f64>() / 3.0;
        assert!(mean.abs() < 1e-9);
        // The fit's likelihood equations hold: expected wins equal the observed ones
        // (with the virtual draws).
        let e = |a: usize, b: usize| {
            let ra = r.iter().find(|x| x.bot == a).unwrap().elo;
            let rb = r.iter().find(|x| x.bot == b).unwrap().elo;
            21.0 / (1.0 + 10f64.powf((rb - ra) / 400.0))
        };
        let expected_0 = e(0, 1) + e(0, 2);
        assert!((expected_0 - 41.0).abs() < 1e-6, "{expected_0}");
    }

    #[test]
    fn the_crosstable_holds_each_bots_own_rate_and_interval() {
        let m = match_of(0, 1, 10, 7);
        let t = Crosstable::new(vec!["a".into(), "b".into()], &[m]).unwrap();
        let a = t.cells[0][1].unwrap();
        let b = t.cells[1][0].unwrap();
        assert!(t.cells[0][0].is_none());
        // 7·10 − 3·10 = 40 big blinds over 2000 hands: 2 bb/100.
        assert!((a.bb_per_100 - 2.0).abs() < 1e-9);
        assert_eq!(a.bb_per_100, -b.bb_per_100);
        assert_eq!(a.hands, 2000);
        assert!(a.ci95_bb_per_100 > 0.0);
        assert_eq!(t.mean_bb_per_100(1), b.bb_per_100);
        // One block has no interval.
        let one = match_of(0, 1, 1, 1);
        assert!(Crosstable::new(vec!["a".into(), "b".into()], &[one]).is_err());
    }
}
