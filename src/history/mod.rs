//! Hand histories: PHH export ([`phh`]) and the readable replay of one hand
//! ([`replay`]).
//!
//! Data flows one way: the engine's [`crate::bot::HandResult`] and the hand's
//! [`crate::deal::Deal`] go in, text comes out. Nothing here feeds back into play.

pub mod phh;
pub mod replay;

/// Which hands of a run get a hand history.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Sample {
    /// Every K-th hand: hand indices 0, K, 2K, ... (K at least 1).
    Every(u64),
    /// The first N hands: hand indices `0..N`.
    First(u64),
}

impl Sample {
    /// The 1-based PHH table number (`[n]` in a `.phhs` file) of hand `hand_index`,
    /// or `None` when the hand is not sampled. Numbers follow hand order, so files
    /// merged in hand order are numbered `[1]`, `[2]`, ... without gaps.
    pub fn table_number(self, hand_index: u64) -> Option<u64> {
        match self {
            Sample::Every(k) => hand_index.is_multiple_of(k).then(|| hand_index / k + 1),
            Sample::First(n) => (hand_index < n).then(|| hand_index + 1),
        }
    }
}
