//! Decision latency of a bot behind a wire (`exec:`, `ws:`): a fixed-size histogram
//! of the time from sending a request (`your_turn`, `action.requested`) to the
//! accepted answer (or the timeout), so an author sees how close the bot runs to the
//! platform's timeout. Recording allocates nothing: [`BUCKETS`] counters on a
//! logarithmic scale, four per doubling (each bucket's upper edge is 2^¼ ≈ 1.19 times
//! the previous one), from [`FIRST_EDGE_NS`] (10 µs) to about 168 s, which holds Open
//! Poker's 120-second timeout; the largest latency is also kept exactly.
//!
//! Quantiles are the upper edge of the bucket holding them (at most 19% above the
//! true value), in milliseconds. Latencies are wall-clock times, the one measurement
//! of a run that is not reproducible: they are written to `latency.csv`, never to the
//! byte-identical result files.

use std::time::Duration;

/// Histogram buckets: 24 doublings of four buckets each.
pub const BUCKETS: usize = 96;

/// The upper edge of the first bucket, in nanoseconds (10 µs).
pub const FIRST_EDGE_NS: f64 = 10_000.0;

/// One bot's (or seat's) decision latencies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Latency {
    /// Decisions per bucket; the last bucket also holds everything above its edge.
    counts: [u64; BUCKETS],
    /// The largest latency, in nanoseconds.
    max_ns: u64,
}

impl Default for Latency {
    fn default() -> Latency {
        Latency {
            counts: [0; BUCKETS],
            max_ns: 0,
        }
    }
}

/// The upper edge of bucket `i`, in nanoseconds.
fn edge_ns(i: usize) -> f64 {
    FIRST_EDGE_NS * 2f64.powf(i as f64 / 4.0)
}

impl Latency {
    /// Records one decision that took `took`.
    pub fn record(&mut self, took: Duration) {
        let ns = took.as_nanos().min(u128::from(u64::MAX)) as u64;
        let i = if (ns as f64) <= FIRST_EDGE_NS {
            0
        } else {
            ((4.0 * (ns as f64 / FIRST_EDGE_NS).log2()).ceil() as usize).min(BUCKETS - 1)
        };
        self.counts[i] += 1;
        self.max_ns = self.max_ns.max(ns);
    }

    /// Decisions recorded.
    pub fn decisions(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// The `q` quantile (0 < q ≤ 1) in milliseconds: the upper edge of its bucket,
    /// never above the largest latency; `None` without decisions.
    pub fn quantile_ms(&self, q: f64) -> Option<f64> {
        let n = self.decisions();
        if n == 0 {
            return None;
        }
        let rank = ((q * n as f64).ceil() as u64).clamp(1, n);
        let mut seen = 0;
        for (i, &c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return Some(edge_ns(i).min(self.max_ns as f64) / 1e6);
            }
        }
        self.max_ms()
    }

    /// The largest latency in milliseconds; `None` without decisions.
    pub fn max_ms(&self) -> Option<f64> {
        (self.decisions() > 0).then(|| self.max_ns as f64 / 1e6)
    }
}

impl std::ops::AddAssign<&Latency> for Latency {
    fn add_assign(&mut self, o: &Latency) {
        for (a, b) in self.counts.iter_mut().zip(&o.counts) {
            *a += b;
        }
        self.max_ns = self.max_ns.max(o.max_ns);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_are_within_one_bucket_of_the_truth() {
        let mut l = Latency::default();
        assert_eq!(l.quantile_ms(0.5), None);
        for ms in 1..=100u64 {
            l.record(Duration::from_millis(ms));
        }
        let p50 = l.quantile_ms(0.5).unwrap();
        assert!((50.0..=50.0 * 1.19).contains(&p50), "{p50}");
        let p99 = l.quantile_ms(0.99).unwrap();
        assert!((99.0..=100.0).contains(&p99), "{p99}");
        assert_eq!(l.max_ms(), Some(100.0));
        // Beyond the last edge: counted in the last bucket, the max kept exactly.
        l.record(Duration::from_secs(1000));
        assert_eq!(l.max_ms(), Some(1_000_000.0));
        assert_eq!(l.decisions(), 101);
        let mut sum = Latency::default();
        sum += &l;
        sum += &l;
        assert_eq!(sum.decisions(), 202);
        assert!(edge_ns(BUCKETS - 1) > 120e9, "holds the 120 s timeout");
    }
}
