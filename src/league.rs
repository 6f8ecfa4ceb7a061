//! Leagues: the pure parts of `holdem-arena league` (the runs are played in
//! [`crate::commands::league`]): the pairings and seat designs, the crosstable and the
//! ratings.
//!
//! In the heads-up format every unordered pair of bots plays one duplicate match (each
//! deal from both seats, all-in adjusted) on the league's seed, so every pair plays
//! the same deals in the same blocks. In the `table:K` format every K-subset of the
//! field ([`subsets`]) plays the same deals in every seat order of a balanced design
//! ([`seat_orders`]); a bot's result adds up its blocks over all its runs
//! ([`field_blocks`]), and the pairwise results are differences at the tables both
//! bots sat ([`pairwise_at_tables`]), which the crosstable and the ratings below take
//! as they take a heads-up match.
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

/// Most seats at a table of a `table:K` league (the engine's).
pub const MAX_TABLE_SEATS: usize = crate::bot::MAX_SEATS;

/// The seat orders of a `table:K` league, each a permutation of `0..k` (entry `s` is
/// the member seated at seat `s`; seat `s + 1` acts directly after seat `s`, and seat
/// 0 directly after seat `k − 1`, since the table is a ring):
/// - `k ≤ 4`: all `k!` orders, in lexicographic order, so every member sits in every
///   seat and directly after every other member equally often, and every deal is
///   played in every arrangement;
/// - `k ≥ 5`: every rotation of each cycle of a decomposition of the complete directed
///   graph on the `k` members into directed Hamiltonian cycles (a "Tuscan" design
///   balanced for neighbours around a circle): each cycle visits every member once
///   and uses each ordered pair "`b` directly after `a`" at most once, the cycles
///   together use each ordered pair exactly `λ` times, and rotating a cycle through
///   the `k` seats puts every member in every seat once. Such a decomposition with
///   `λ = 1` exists for every `k` except 4 and 6 (T. W. Tillson, "A Hamiltonian
///   decomposition of K*_2m, 2m ≥ 8", Journal of Combinatorial Theory B 29, 1980;
///   odd `k` by Walecki's construction), so `k = 6` takes `λ = 2`. The cycles are
///   found by `hamiltonian_cycles`, a deterministic backtracking search (under
///   2,000 steps for any `k ≤ 10`). This balances more than a Williams square
///   (E. J. Williams, Australian Journal of Scientific Research A 2, 1949), whose
///   rows balance "directly after" along a line but not across the ring's last and
///   first seats.
///
/// That is `λ·k·(k − 1)` orders: each member `λ·(k − 1)` times in each seat and `λ·k`
/// times directly after each other member. `k` from 2 to [`MAX_TABLE_SEATS`].
pub fn seat_orders(k: usize) -> Vec<Vec<usize>> {
    if k <= 4 {
        let mut orders = Vec::new();
        let mut order: Vec<usize> = (0..k).collect();
        permutations(&mut order, 0, &mut orders);
        orders.sort();
        return orders;
    }
    let mut orders = Vec::with_capacity(seat_order_count(k));
    for cycle in hamiltonian_cycles(k, neighbour_multiplicity(k)) {
        for r in 0..k {
            orders.push((0..k).map(|s| cycle[(s + r) % k]).collect());
        }
    }
    orders
}

/// How many seat orders [`seat_orders`] gives for `k` seats, without making them:
/// `k!` up to 4 seats, then `λ·k·(k − 1)` (`λ` 2 at 6 seats, else 1).
pub fn seat_order_count(k: usize) -> usize {
    match k {
        0..=4 => (1..=k).product(),
        _ => neighbour_multiplicity(k) * k * (k - 1),
    }
}

/// How often the cycles of [`seat_orders`] use each ordered pair of members for
/// `k ≥ 5` seats: 1, except 2 at `k = 6`, where no decomposition with 1 exists
/// (Tillson 1980, cited at [`seat_orders`]).
fn neighbour_multiplicity(k: usize) -> usize {
    if k == 6 { 2 } else { 1 }
}

/// `λ·(k − 1)` distinct directed Hamiltonian cycles on the members `0..k`, each
/// starting at member 0, that together use every ordered pair `(a, b)`, `a ≠ b`,
/// as consecutive members (the last member followed by the first) exactly `λ`
/// times; empty when none exists. Depth-first search in lexicographic order: each
/// cycle greater than the one before (no cycle twice, no reordering of a
/// solution), so the answer is the same on every machine.
fn hamiltonian_cycles(k: usize, lambda: usize) -> Vec<Vec<usize>> {
    struct Search {
        k: usize,
        lambda: u8,
        want: usize,
        used: Vec<Vec<u8>>,
        cycles: Vec<Vec<usize>>,
    }
    impl Search {
        /// Starts a new cycle at member 0, not below the last cycle found.
        fn next_cycle(&mut self) -> bool {
            if self.cycles.len() == self.want {
                return true;
            }
            let mut cycle = Vec::with_capacity(self.k);
            cycle.push(0);
            let mut visited = vec![false; self.k];
            visited[0] = true;
            self.extend(&mut cycle, &mut visited)
        }

        fn extend(&mut self, cycle: &mut Vec<usize>, visited: &mut [bool]) -> bool {
            let last = cycle[cycle.len() - 1];
            if cycle.len() == self.k {
                if self.used[last][0] >= self.lambda
                    || self.cycles.last().is_some_and(|prev| prev >= cycle)
                {
                    return false;
                }
                self.used[last][0] += 1;
                self.cycles.push(cycle.clone());
                if self.next_cycle() {
                    return true;
                }
                self.cycles.pop();
                self.used[last][0] -= 1;
                return false;
            }
            for b in 1..self.k {
                if visited[b] || self.used[last][b] >= self.lambda {
                    continue;
                }
                cycle.push(b);
                // A prefix below the last cycle's can only make a smaller cycle.
                let below = self
                    .cycles
                    .last()
                    .is_some_and(|prev| prev[..cycle.len()] > cycle[..]);
                if !below {
                    visited[b] = true;
                    self.used[last][b] += 1;
                    if self.extend(cycle, visited) {
                        return true;
                    }
                    self.used[last][b] -= 1;
                    visited[b] = false;
                }
                cycle.pop();
            }
            false
        }
    }
    let mut search = Search {
        k,
        lambda: lambda as u8,
        want: lambda * (k - 1),
        used: vec![vec![0; k]; k],
        cycles: Vec::new(),
    };
    if search.next_cycle() {
        search.cycles
    } else {
        Vec::new()
    }
}

/// The seatings of `run --duplicate permutations` at `k` seats (2 to
/// [`MAX_TABLE_SEATS`]): deal `d` is played `k` times, the `k` rotations of one
/// cyclic arrangement of the line-up around the table, the arrangements taken in
/// turn deal by deal, so every run of `(k − 1)!` consecutive deals (2 in 3-max, 6 in
/// 4-max, 120 in 6-max, 362,880 in 10-max) plays each of the `k!` seatings exactly
/// once: the complete design, of which the league's [`seat_orders`] are the
/// affordable part when every order is a run of its own. Each deal still puts every
/// bot in every seat once (the duplicate pairing of rotations), and no seating's
/// neighbours can favour a bot, whatever order `--bots` lists the line-up in.
///
/// The ACPC's 3-player duplicate plays all 6 orders of every deal; spreading them
/// over 2 deals keeps the balance and saves the hands that replaying each seat's
/// cards from the same position costs (measured: README, "Trustworthy verdicts").
///
/// Deal `d` plays arrangement `d·m mod (k − 1)!` in lexicographic (Lehmer) order of
/// the other slots after slot 0, `m` the first number from `0.618·(k − 1)!` up that is
/// coprime to `(k − 1)!`: a bijection on every `(k − 1)!` consecutive deals that
/// spreads a run shorter than that over the whole list.
#[derive(Clone, Copy, Debug)]
pub struct Seatings {
    seats: usize,
    /// `(k − 1)!`, the cyclic arrangements.
    arrangements: u64,
    /// The multiplier `m`.
    step: u64,
}

impl Seatings {
    /// The seatings at `k` seats, 2 to [`MAX_TABLE_SEATS`] (others are clamped there).
    pub fn new(k: usize) -> Seatings {
        let seats = k.clamp(2, MAX_TABLE_SEATS);
        let arrangements: u64 = (1..seats as u64).product();
        let gcd = |mut a: u64, mut b: u64| {
            while b != 0 {
                (a, b) = (b, a % b);
            }
            a
        };
        let mut step = ((arrangements as f64 * 0.618) as u64).max(1);
        while gcd(step, arrangements) != 1 {
            step += 1;
        }
        Seatings {
            seats,
            arrangements,
            step,
        }
    }

    /// Hands a deal plays: `k`.
    pub fn per_deal(&self) -> usize {
        self.seats
    }

    /// The seat order of rotation `rotation` (`0..k`) of deal `deal`: entry `s` is
    /// the line-up slot seated at seat `s` (entries from `k` on are 0). No
    /// allocation.
    pub fn order(&self, deal: u64, rotation: usize) -> [u8; MAX_TABLE_SEATS] {
        let k = self.seats;
        let mut index = (deal % self.arrangements) * self.step % self.arrangements;
        // Unrank `index` into an arrangement of slots 1..k after slot 0.
        let mut left = [0u8; MAX_TABLE_SEATS];
        for (i, l) in left.iter_mut().enumerate().take(k - 1) {
            *l = (i + 1) as u8;
        }
        let mut cycle = [0u8; MAX_TABLE_SEATS];
        let mut weight = self.arrangements;
        for (j, c) in cycle.iter_mut().enumerate().take(k).skip(1) {
            weight /= (k - j) as u64;
            let pick = (index / weight) as usize;
            index %= weight;
            *c = left[pick];
            left.copy_within(pick + 1..k - j, pick);
        }
        let mut order = [0u8; MAX_TABLE_SEATS];
        for (s, o) in order.iter_mut().enumerate().take(k) {
            *o = cycle[(s + rotation) % k];
        }
        order
    }
}

/// Every permutation of `order[at..]` after `order[..at]`, into `out`.
fn permutations(order: &mut [usize], at: usize, out: &mut Vec<Vec<usize>>) {
    if at == order.len() {
        out.push(order.to_vec());
        return;
    }
    for i in at..order.len() {
        order.swap(at, i);
        permutations(order, at + 1, out);
        order.swap(at, i);
    }
}

/// The tables of a `table:K` league of `bots` bots: every `k`-subset of the field,
/// in lexicographic order, so every pair of bots meets at the same number of tables
/// (`C(bots − 2, k − 2)`), and every bot sits at `C(bots − 1, k − 1)`.
pub fn subsets(bots: usize, k: usize) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    let mut current = Vec::with_capacity(k);
    fn walk(from: usize, n: usize, k: usize, current: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        if current.len() == k {
            out.push(current.clone());
            return;
        }
        for i in from..n {
            if n - i < k - current.len() {
                break;
            }
            current.push(i);
            walk(i + 1, n, k, current, out);
            current.pop();
        }
    }
    walk(0, bots, k, &mut current, &mut out);
    out
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

/// One run of a league: the field index of the bot in each seat, and each seat's
/// block results in block order, `(seat-hands, all-in-adjusted result in big
/// blinds)`. Every run of a league plays the same deals in the same blocks.
#[derive(Clone, Debug, PartialEq)]
pub struct TableBlocks {
    /// The bot in each seat (indices into the field; a bot sits at most once).
    pub seats: Vec<usize>,
    /// Each seat's blocks.
    pub blocks: Vec<Vec<(u64, f64)>>,
}

/// Adds `(hands, bb)` blocks into `into`, block by block (growing it as needed).
fn add_blocks(into: &mut Vec<(u64, f64)>, blocks: impl Iterator<Item = (u64, f64)>) {
    for (k, (h, bb)) in blocks.enumerate() {
        if into.len() <= k {
            into.push((0, 0.0));
        }
        into[k].0 += h;
        into[k].1 += bb;
    }
}

/// Each bot's blocks over every run it sat in: block `k` is the sum of its block `k`
/// at each of its tables, so one block holds whole permutation groups (every seat
/// order of every table of the design, on the same deals).
pub fn field_blocks(bots: usize, runs: &[TableBlocks]) -> Vec<Vec<(u64, f64)>> {
    let mut out = vec![Vec::new(); bots];
    for run in runs {
        for (seat, &b) in run.seats.iter().enumerate() {
            add_blocks(&mut out[b], run.blocks[seat].iter().copied());
        }
    }
    out
}

/// The pairwise results of a `table:K` league: for each pair `(a, b)`, over the runs
/// at which both sat, block by block, `a`'s result minus `b`'s (with `a`'s hands, the
/// same as `b`'s), and the reverse: so a cell of the [`Crosstable`] is how many
/// bb/100 the row bot did better than the column bot at the same tables, and a block
/// is won by the one that did better in it.
pub fn pairwise_at_tables(bots: usize, runs: &[TableBlocks]) -> Vec<MatchBlocks> {
    pairings(bots)
        .into_iter()
        .filter_map(|(a, b)| {
            let mut row = Vec::new();
            let mut col = Vec::new();
            for run in runs {
                let seat = |x: usize| run.seats.iter().position(|&s| s == x);
                let (Some(sa), Some(sb)) = (seat(a), seat(b)) else {
                    continue;
                };
                let pairs = run.blocks[sa].iter().zip(&run.blocks[sb]);
                add_blocks(&mut row, pairs.clone().map(|(x, y)| (x.0, x.1 - y.1)));
                add_blocks(&mut col, pairs.map(|(x, y)| (y.0, y.1 - x.1)));
            }
            (!row.is_empty()).then_some(MatchBlocks {
                row: a,
                col: b,
                row_blocks: row,
                col_blocks: col,
            })
        })
        .collect()
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
    fn seat_orders_balance_seats_and_neighbours_around_the_table_for_every_table_size() {
        for k in 2..=MAX_TABLE_SEATS {
            let orders = seat_orders(k);
            assert_eq!(orders.len(), seat_order_count(k), "k = {k}");
            let expected = match k {
                2 => 2,
                3 => 6,
                4 => 24,
                6 => 60,
                _ => k * (k - 1),
            };
            assert_eq!(orders.len(), expected, "k = {k}");
            let mut distinct = orders.clone();
            distinct.sort();
            distinct.dedup();
            assert_eq!(distinct.len(), orders.len(), "k = {k}: an order twice");
            let mut in_seat = vec![vec![0; k]; k];
            let mut after = vec![vec![0; k]; k];
            for o in &orders {
                let mut sorted = o.clone();
                sorted.sort();
                assert_eq!(sorted, (0..k).collect::<Vec<_>>(), "k = {k}: {o:?}");
                for (seat, &m) in o.iter().enumerate() {
                    in_seat[m][seat] += 1;
                    // Around the ring: seat 0 acts directly after seat k - 1.
                    after[m][o[(seat + 1) % k]] += 1;
                }
            }
            let seats = orders.len() / k;
            assert!(
                in_seat.iter().flatten().all(|&c| c == seats),
                "k = {k}: {in_seat:?}"
            );
            let follows = orders.len() / (k - 1);
            for (a, row) in after.iter().enumerate() {
                for (b, &c) in row.iter().enumerate() {
                    assert_eq!(c, if a == b { 0 } else { follows }, "k = {k}: {a} then {b}");
                }
            }
        }
    }

    #[test]
    fn run_seatings_play_every_seating_once_in_every_run_of_arrangements_deals() {
        for k in 2..=9 {
            let seatings = Seatings::new(k);
            assert_eq!(seatings.per_deal(), k);
            let arrangements: u64 = (1..k as u64).product();
            // Any (k − 1)! consecutive deals, not only those from 0.
            for first in [0, 7] {
                let mut seen = std::collections::HashSet::new();
                for d in first..first + arrangements {
                    let mut in_seat = vec![vec![false; k]; k];
                    for r in 0..k {
                        let order = seatings.order(d, r);
                        assert!(order[k..].iter().all(|&x| x == 0));
                        for (s, &slot) in order[..k].iter().enumerate() {
                            assert!(!in_seat[usize::from(slot)][s], "k = {k}, deal {d}");
                            in_seat[usize::from(slot)][s] = true;
                        }
                        assert!(seen.insert(order[..k].to_vec()), "k = {k}: {order:?} twice");
                    }
                }
                assert_eq!(seen.len() as u64, arrangements * k as u64, "k = {k}");
            }
        }
        // The first deals of a 10-max run spread over the arrangements: who sits
        // directly after slot 0 changes from deal to deal.
        let ten = Seatings::new(10);
        let after: std::collections::HashSet<u8> = (0..9).map(|d| ten.order(d, 0)[1]).collect();
        assert!(after.len() >= 5, "{after:?}");
    }

    #[test]
    fn no_single_decomposition_exists_at_4_and_6_seats_but_everywhere_else() {
        // Tillson's theorem, which `neighbour_multiplicity` rests on, checked by the
        // same search.
        assert!(hamiltonian_cycles(4, 1).is_empty());
        assert!(hamiltonian_cycles(6, 1).is_empty());
        for k in [3, 5, 7, 8, 9, 10] {
            assert_eq!(hamiltonian_cycles(k, 1).len(), k - 1, "k = {k}");
        }
    }

    #[test]
    fn subsets_meet_every_pair_equally_often() {
        assert_eq!(
            subsets(4, 3),
            vec![vec![0, 1, 2], vec![0, 1, 3], vec![0, 2, 3], vec![1, 2, 3]]
        );
        assert_eq!(subsets(3, 3), vec![vec![0, 1, 2]]);
        let s = subsets(7, 4);
        assert_eq!(s.len(), 35);
        for a in 0..7 {
            for b in a + 1..7 {
                let met = s
                    .iter()
                    .filter(|t| t.contains(&a) && t.contains(&b))
                    .count();
                assert_eq!(met, 10, "C(5, 2) tables for {a} and {b}");
            }
        }
    }

    #[test]
    fn table_results_add_up_over_whole_permutation_groups() {
        // Two runs of three bots on two blocks: bot 0 and 1 swap seats, bot 2 stays.
        let run = |seats: Vec<usize>, results: [[f64; 2]; 3]| TableBlocks {
            seats,
            blocks: results
                .iter()
                .map(|r| r.iter().map(|&bb| (100, bb)).collect())
                .collect(),
        };
        let runs = [
            run(vec![0, 1, 2], [[3.0, 1.0], [-1.0, -2.0], [-2.0, 1.0]]),
            run(vec![1, 0, 3], [[2.0, 0.0], [1.0, 1.0], [-3.0, -1.0]]),
        ];
        let field = field_blocks(4, &runs);
        assert_eq!(field[0], vec![(200, 4.0), (200, 2.0)]);
        assert_eq!(field[1], vec![(200, 1.0), (200, -2.0)]);
        assert_eq!(field[2], vec![(100, -2.0), (100, 1.0)]);
        let pairs = pairwise_at_tables(4, &runs);
        // 0 and 1 met twice, 0 and 2 once, 1 and 3 once...; 2 and 3 never.
        let of = |a, b| pairs.iter().find(|m| (m.row, m.col) == (a, b));
        let m01 = of(0, 1).unwrap();
        assert_eq!(m01.row_blocks, vec![(200, 4.0 - 1.0), (200, 2.0 + 2.0)]);
        assert_eq!(m01.col_blocks, vec![(200, -3.0), (200, -4.0)]);
        assert_eq!(of(0, 2).unwrap().row_blocks, vec![(100, 5.0), (100, 0.0)]);
        assert!(of(2, 3).is_none());
        assert_eq!(pairs.len(), 5);
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
