//! The 7-card hand evaluator: 5, 6 or 7 cards to a [`Strength`] (higher wins, equal splits).
//!
//! STUB: the API below is the contract; the lookup-table implementation replaces
//! the bodies.

use crate::cards::Card;
use std::fmt;

/// A hand's strength: `1..=7462`, one value per 5-card equivalence class; higher wins,
/// equal values split the pot.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Strength(pub(crate) u16);

/// The nine hand categories, weakest first.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Category {
    /// No pair.
    HighCard,
    /// One pair.
    OnePair,
    /// Two pair.
    TwoPair,
    /// Three of a kind.
    ThreeOfAKind,
    /// Five ranks in sequence (A-2-3-4-5 is the lowest).
    Straight,
    /// Five cards of one suit.
    Flush,
    /// Three of a kind plus a pair.
    FullHouse,
    /// Four of a kind.
    FourOfAKind,
    /// A straight in one suit (a royal flush is the highest).
    StraightFlush,
}

/// Cards accumulated so far, as an evaluator key: `Copy`, 16 bytes, no allocation.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct PartialHand {
    _key: u64,
    _mask: u64,
}

impl PartialHand {
    /// No cards.
    pub const EMPTY: PartialHand = PartialHand { _key: 0, _mask: 0 };

    /// This hand plus `card`.
    pub fn add(self, _card: Card) -> PartialHand {
        unimplemented!()
    }

    /// The strength of the 5, 6 or 7 cards held.
    pub fn strength(self) -> Strength {
        unimplemented!()
    }
}

/// The strength of 5, 6 or 7 distinct cards.
pub fn evaluate(_cards: &[Card]) -> Strength {
    unimplemented!()
}

impl Strength {
    /// The category of this strength.
    pub fn category(self) -> Category {
        unimplemented!()
    }
}

impl fmt::Display for Category {
    fn fmt(&self, _f: &mut fmt::Formatter<'_>) -> fmt::Result {
        unimplemented!()
    }
}

impl Strength {
    /// STUB.
    pub fn value(self) -> u16 {
        self.0
    }
    /// STUB.
    pub fn description(self) -> Category {
        unimplemented!()
    }
}
