//! Which bot behind a wire the run is waiting for, and since when.
//!
//! A bot that answers over a pipe or a socket may take seconds, or never answer. The
//! progress display asks [`longest`] every tick and, when a decision has been
//! outstanding for a while, says so (`waiting for my_bot (seat 1): 6 s`) instead of
//! looking frozen.
//!
//! Each external seat of each worker registers one [`WaitSlot`] when its process
//! starts (a mutex, taken once); marking a decision as started or answered is one
//! atomic store, with no lock and no allocation.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::{Duration, Instant};

static SLOTS: Mutex<Vec<Weak<WaitSlot>>> = Mutex::new(Vec::new());

/// The process-wide origin of [`WaitSlot`] times.
fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

/// One seat's outstanding decision, if any.
#[derive(Debug)]
pub struct WaitSlot {
    /// Who is waited for, as the progress bar shows it: `my_bot (seat 1)`.
    label: String,
    /// Microseconds since [`epoch`] plus one when the decision was asked; 0 when none
    /// is outstanding.
    since_us: AtomicU64,
}

impl WaitSlot {
    /// Marks a decision as asked now.
    #[inline]
    pub fn start(&self) {
        let us = epoch().elapsed().as_micros() as u64;
        self.since_us.store(us + 1, Ordering::Relaxed);
    }

    /// Marks the outstanding decision as answered (or given up).
    #[inline]
    pub fn stop(&self) {
        self.since_us.store(0, Ordering::Relaxed);
    }

    /// How long the outstanding decision has waited (`None`: none is outstanding).
    pub fn waited(&self) -> Option<Duration> {
        match self.since_us.load(Ordering::Relaxed) {
            0 => None,
            t => Some(
                epoch()
                    .elapsed()
                    .saturating_sub(Duration::from_micros(t - 1)),
            ),
        }
    }
}

/// Registers a slot labelled `label` (e.g. `my_bot (seat 1)`); it stays listed while
/// the returned `Arc` lives.
pub fn register(label: String) -> Arc<WaitSlot> {
    let _ = epoch();
    let slot = Arc::new(WaitSlot {
        label,
        since_us: AtomicU64::new(0),
    });
    let mut slots = SLOTS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    slots.retain(|w| w.strong_count() > 0);
    slots.push(Arc::downgrade(&slot));
    slot
}

/// The longest outstanding decision of all registered slots: who, and for how long.
pub fn longest() -> Option<(String, Duration)> {
    let slots = SLOTS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    slots
        .iter()
        .filter_map(Weak::upgrade)
        .filter_map(|s| s.waited().map(|w| (s.label.clone(), w)))
        .max_by_key(|(_, w)| *w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_outstanding_wait_is_reported_until_answered() {
        let a = register("waits-test-a (seat 0)".into());
        let b = register("waits-test-b (seat 1)".into());
        a.start();
        std::thread::sleep(Duration::from_millis(5));
        b.start();
        let (who, waited) = longest().expect("two waits are outstanding");
        // Other tests may register slots too; ours started first unless theirs did.
        if who.starts_with("waits-test") {
            assert_eq!(who, "waits-test-a (seat 0)");
        }
        assert!(waited >= Duration::from_millis(5));
        a.stop();
        b.stop();
        assert!(a.waited().is_none() && b.waited().is_none());
        drop(a);
        drop(b);
    }
}
