//! The 7-card hand evaluator: 5, 6 or 7 cards to a [`Strength`] (higher wins, equal splits).
//!
//! # Technique
//!
//! Table lookup with rank-key sums, a perfect hash and a flush table, as in OMPEval
//! (Henri Lyytikäinen / zekyll, "Fast poker hand evaluator", <https://github.com/zekyll/OMPEval>)
//! and the Rust evaluators that follow it (b-inary, `holdem-hand-evaluator`,
//! <https://github.com/b-inary/holdem-hand-evaluator>). The idea is followed; no code is
//! copied, and the rank keys and tables are our own (`src/eval/table_gen.rs`).
//!
//! A hand is a [`PartialHand`]: two `u64` words that each card updates without branches.
//!
//! - The *key*: the low 32 bits are the sum of per-rank constants (`RANK_KEYS` in
//!   `table_gen.rs`), chosen by an offline search so that every multiset of at most 7
//!   ranks has a distinct sum. Bits 32..48 are four 4-bit suit counters that start at 3,
//!   so a counter's bit 3 is set exactly when its suit holds 5 or more cards: one AND
//!   detects a flush.
//! - The *mask*: 16 bits per suit, bit `16 * suit + rank` set for each card held.
//!
//! With a flush (at most one suit can have 5 of 7 cards, and then no hand without that
//! suit beats it), the flush suit's 13-bit rank mask indexes `FLUSH_TABLE` (8,192 `u16`).
//! Otherwise the rank sum goes through a row-displacement perfect hash (Tarjan & Yao,
//! "Storing a sparse table", CACM 1979, as used by OMPEval): the sum's low 13 bits pick
//! a row, and slot = `(sum >> 13) + 2 * ROW_OFFSETS[row]`; `RANK_TABLE[slot]` is the
//! strength. Taking the row from the low bits spreads the clustered sums evenly, so the
//! 73,775 non-flush rank multisets of 5..=7 cards fill 83,696 slots. Rows start on
//! even slots so that the offsets, stored halved, fit `u16`: the 16 KiB offset array
//! then sits in L1 beside the hot part of the rank table (3% faster on random hands).
//!
//! The tables are generated at build time by `build.rs` with self-checks (7,462
//! classes, per-category class counts, collision-free keys and hash) and take
//! [`TABLE_BYTES`] = 313,934 bytes in all.
//!
//! Counts used in the checks and docs (5-card classes per category; 7-card hands per
//! category) are those of Wikipedia, "Poker probability"
//! (<https://en.wikipedia.org/wiki/Poker_probability>).

use crate::cards::Card;
use std::fmt;

#[cfg(test)]
#[allow(dead_code)]
mod table_gen;

include!(concat!(env!("OUT_DIR"), "/eval_tables.rs"));

/// Bit where the suit counters start in a key (see the module docs).
const SUIT_SHIFT: u32 = 32;
/// The empty hand's key: every suit counter at 3.
const EMPTY_KEY: u64 = 0x3333 << SUIT_SHIFT;
/// Bit 3 of every suit counter: set for a suit with at least 5 cards.
const FLUSH_BITS: u64 = 0x8888 << SUIT_SHIFT;
/// The perfect hash has `2^ROW_BITS` rows (see the module docs).
const ROW_BITS: u32 = 13;

/// Bytes of lookup tables used at run time: card keys, row offsets, rank table,
/// flush table and the per-strength description table.
pub const TABLE_BYTES: usize = std::mem::size_of_val(&CARD_KEYS)
    + std::mem::size_of_val(&CARD_MASKS)
    + std::mem::size_of_val(&ROW_OFFSETS)
    + std::mem::size_of_val(&RANK_TABLE)
    + std::mem::size_of_val(&FLUSH_TABLE)
    + std::mem::size_of_val(&INFO);

/// A hand's strength: `1..=7462`, one value per 5-card equivalence class (7,462 classes,
/// Wikipedia "Poker probability"); higher wins, equal values split the pot.
///
/// `1` is 7-5-4-3-2 offsuit, `7462` a royal flush.
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

impl Category {
    /// All categories, weakest first.
    pub const ALL: [Category; 9] = [
        Category::HighCard,
        Category::OnePair,
        Category::TwoPair,
        Category::ThreeOfAKind,
        Category::Straight,
        Category::Flush,
        Category::FullHouse,
        Category::FourOfAKind,
        Category::StraightFlush,
    ];

    /// The English name, e.g. `"Three of a Kind"` (what [`Display`](fmt::Display) prints).
    pub const fn name(self) -> &'static str {
        match self {
            Category::HighCard => "High Card",
            Category::OnePair => "One Pair",
            Category::TwoPair => "Two Pair",
            Category::ThreeOfAKind => "Three of a Kind",
            Category::Straight => "Straight",
            Category::Flush => "Flush",
            Category::FullHouse => "Full House",
            Category::FourOfAKind => "Four of a Kind",
            Category::StraightFlush => "Straight Flush",
        }
    }
}

/// Cards accumulated so far, as an evaluator key: `Copy`, 16 bytes, no allocation.
///
/// Build it with [`PartialHand::add`] (or [`PartialHand::from_cards`]); ask
/// [`PartialHand::strength`] once it holds 5, 6 or 7 cards. Adding is a table load, an
/// add, a shift and an OR, so a showdown computes the board once and adds each player's
/// two hole cards to a copy.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct PartialHand {
    /// Rank-key sum (low 32 bits) and suit counters (bits 32..48).
    key: u64,
    /// Bit `16 * suit + rank` per card held.
    mask: u64,
}

impl Default for PartialHand {
    fn default() -> Self {
        PartialHand::EMPTY
    }
}

impl PartialHand {
    /// No cards.
    pub const EMPTY: PartialHand = PartialHand {
        key: EMPTY_KEY,
        mask: 0,
    };

    /// This hand plus `card`.
    ///
    /// The card must not be held already (a duplicate gives a meaningless hand; debug
    /// builds panic), and at most 7 cards may be added in all.
    #[inline]
    #[must_use]
    #[allow(clippy::should_implement_trait)] // named by the API contract; `+` also works
    pub fn add(self, card: Card) -> PartialHand {
        // Both tables have 256 entries: a `u8` index needs no bounds check.
        let index = card.index() as u8 as usize;
        let bit = CARD_MASKS[index];
        debug_assert!(self.mask & bit == 0, "card {card} added twice");
        PartialHand {
            key: self.key.wrapping_add(CARD_KEYS[index]),
            mask: self.mask | bit,
        }
    }

    /// This hand plus all of `cards` (see [`PartialHand::add`]).
    #[inline]
    #[must_use]
    pub fn add_all(self, cards: &[Card]) -> PartialHand {
        cards.iter().fold(self, |h, &c| h.add(c))
    }

    /// This hand plus every card of `other`: the same hand as adding `other`'s cards
    /// one by one, in one key addition and one OR. So a board's partial hand is built
    /// once and each player's two hole cards (a partial hand of their own, also built
    /// once) join it per showdown or per run-out.
    ///
    /// The two hands must share no card (debug builds panic) and hold at most 7 cards
    /// together.
    #[inline]
    #[must_use]
    pub fn combine(self, other: PartialHand) -> PartialHand {
        debug_assert!(self.mask & other.mask == 0, "hands share a card");
        PartialHand {
            // Both keys carry the empty hand's suit counters: count them once.
            key: self.key.wrapping_add(other.key).wrapping_sub(EMPTY_KEY),
            mask: self.mask | other.mask,
        }
    }

    /// The hand holding exactly `cards` (at most 7, no duplicates).
    #[inline]
    pub fn from_cards(cards: &[Card]) -> PartialHand {
        PartialHand::EMPTY.add_all(cards)
    }

    /// Number of cards held, `0..=7`.
    #[inline]
    pub const fn len(self) -> u32 {
        self.mask.count_ones()
    }

    /// Whether no card is held.
    #[inline]
    pub const fn is_empty(self) -> bool {
        self.mask == 0
    }

    /// The strength of the best 5-card hand among the 5, 6 or 7 cards held.
    ///
    /// With fewer than 5 cards the result is meaningless (debug builds panic).
    #[inline]
    pub fn strength(self) -> Strength {
        debug_assert!(
            (5..=7).contains(&self.len()),
            "strength needs 5..=7 cards, got {}",
            self.len()
        );
        let flush = self.key & FLUSH_BITS;
        if flush != 0 {
            // Counter bit 3 of suit s is bit 35 + 4s; that suit's ranks sit at bit 16s.
            let shift = (flush.trailing_zeros() - (SUIT_SHIFT + 3)) * 4;
            Strength(FLUSH_TABLE[(self.mask >> shift) as usize & 0x1fff])
        } else {
            Strength(rank_lookup(self.key as u32))
        }
    }
}

impl std::ops::Add<Card> for PartialHand {
    type Output = PartialHand;

    /// Same as [`PartialHand::add`].
    #[inline]
    fn add(self, card: Card) -> PartialHand {
        PartialHand::add(self, card)
    }
}

/// The non-flush strength of a rank-key sum, through the perfect hash.
#[inline]
fn rank_lookup(sum: u32) -> u16 {
    let row = (sum & ((1 << ROW_BITS) - 1)) as usize;
    let slot = (sum >> ROW_BITS) as usize + 2 * ROW_OFFSETS[row] as usize;
    // The table's length is a power of two and every slot is below it: masking
    // replaces the bounds check without changing the index.
    RANK_TABLE[slot & (RANK_TABLE.len() - 1)]
}

/// The strength of 5, 6 or 7 distinct cards (the best 5-card hand among them).
///
/// Sums the cards' keys; only with a flush does it build that suit's rank mask.
///
/// # Panics
/// If `cards.len()` is not 5, 6 or 7. Duplicate cards give a meaningless result (debug
/// builds panic).
#[inline]
pub fn evaluate(cards: &[Card]) -> Strength {
    assert!(
        (5..=7).contains(&cards.len()),
        "evaluate needs 5..=7 cards, got {}",
        cards.len()
    );
    debug_assert_eq!(
        PartialHand::from_cards(cards).len() as usize,
        cards.len(),
        "duplicate cards"
    );
    let key = cards.iter().fold(EMPTY_KEY, |k, c| {
        k.wrapping_add(CARD_KEYS[c.index() as u8 as usize])
    });
    let flush = key & FLUSH_BITS;
    if flush != 0 {
        let suit = ((flush.trailing_zeros() - (SUIT_SHIFT + 3)) / 4) as u8;
        let ranks = cards
            .iter()
            .filter(|c| c.suit() == suit)
            .fold(0usize, |m, c| m | 1 << c.rank());
        Strength(FLUSH_TABLE[ranks & 0x1fff])
    } else {
        Strength(rank_lookup(key as u32))
    }
}

/// Calls `f` once for each of the 133,784,560 seven-card hands, in lexicographic order
/// of card indices, built incrementally (six adds are shared between neighbours, so
/// the loop costs little more than one [`PartialHand::strength`] per hand). Used by the
/// exhaustive test and the enumeration benchmark.
#[inline]
pub fn for_each_seven_card_hand(mut f: impl FnMut(PartialHand)) {
    let deck: [Card; 52] = std::array::from_fn(|i| Card::from_index(i as u8).expect("i < 52"));
    for a in 0..52 {
        let h1 = PartialHand::EMPTY.add(deck[a]);
        for b in a + 1..52 {
            let h2 = h1.add(deck[b]);
            for c in b + 1..52 {
                let h3 = h2.add(deck[c]);
                for d in c + 1..52 {
                    let h4 = h3.add(deck[d]);
                    for e in d + 1..52 {
                        let h5 = h4.add(deck[e]);
                        for g in e + 1..52 {
                            let h6 = h5.add(deck[g]);
                            for &card in &deck[g + 1..] {
                                f(h6.add(card));
                            }
                        }
                    }
                }
            }
        }
    }
}

impl Strength {
    /// The lowest strength (7-5-4-3-2 offsuit).
    pub const MIN: Strength = Strength(1);
    /// The highest strength (royal flush).
    pub const MAX: Strength = Strength(7462);

    /// The raw value, `1..=7462` (higher wins).
    #[inline]
    pub const fn value(self) -> u16 {
        self.0
    }

    /// The strength with raw value `value`, or `None` outside `1..=7462`.
    pub const fn from_value(value: u16) -> Option<Strength> {
        if value >= 1 && value <= 7462 {
            Some(Strength(value))
        } else {
            None
        }
    }

    /// The category of this strength (strengths of a category form one contiguous range).
    #[inline]
    pub fn category(self) -> Category {
        let n = CATEGORY_MIN.iter().filter(|&&min| min <= self.0).count();
        Category::ALL[n.saturating_sub(1)]
    }

    /// A human description such as `"Full House, Kings over Sevens"`; see
    /// [`HandDescription`].
    pub fn description(self) -> HandDescription {
        let info = INFO[self.0 as usize % INFO.len()];
        HandDescription {
            category: self.category(),
            primary: (info >> 4 & 15) as u8,
            secondary: (info & 15) as u8,
        }
    }
}

impl fmt::Display for Strength {
    /// Same text as [`Strength::description`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.description().fmt(f)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a [`Strength`] is in words, e.g. "Pair of Aces" or "Straight, Five High";
/// formatting it (`Display`) allocates nothing.
///
/// Texts by category: "High Card, Ace", "Pair of Aces", "Two Pair, Kings and Sevens",
/// "Three of a Kind, Sevens", "Straight, Ten High", "Flush, Ace High",
/// "Full House, Kings over Sevens", "Four of a Kind, Nines",
/// "Straight Flush, Five High", "Royal Flush". Kickers are not named.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct HandDescription {
    category: Category,
    primary: u8,
    secondary: u8,
}

impl HandDescription {
    /// The hand's category.
    pub const fn category(self) -> Category {
        self.category
    }

    /// The rank that names the hand (`0..=12`, deuce to ace): high card, pair, upper
    /// pair, trips, straight's or flush's top card, quads.
    pub const fn primary_rank(self) -> u8 {
        self.primary
    }

    /// The second named rank (`0..=12`): the lower pair of two pair or the pair of a full
    /// house; for other categories the next tie-break rank (not printed).
    pub const fn secondary_rank(self) -> u8 {
        self.secondary
    }
}

const RANK_NAMES: [&str; 13] = [
    "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten", "Jack", "Queen",
    "King", "Ace",
];
const RANK_PLURALS: [&str; 13] = [
    "Twos", "Threes", "Fours", "Fives", "Sixes", "Sevens", "Eights", "Nines", "Tens", "Jacks",
    "Queens", "Kings", "Aces",
];

impl fmt::Display for HandDescription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let one = RANK_NAMES[self.primary as usize % 13];
        let many = RANK_PLURALS[self.primary as usize % 13];
        let second = RANK_PLURALS[self.secondary as usize % 13];
        match self.category {
            Category::HighCard => write!(f, "High Card, {one}"),
            Category::OnePair => write!(f, "Pair of {many}"),
            Category::TwoPair => write!(f, "Two Pair, {many} and {second}"),
            Category::ThreeOfAKind => write!(f, "Three of a Kind, {many}"),
            Category::Straight => write!(f, "Straight, {one} High"),
            Category::Flush => write!(f, "Flush, {one} High"),
            Category::FullHouse => write!(f, "Full House, {many} over {second}"),
            Category::FourOfAKind => write!(f, "Four of a Kind, {many}"),
            Category::StraightFlush if self.primary == 12 => f.write_str("Royal Flush"),
            Category::StraightFlush => write!(f, "Straight Flush, {one} High"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cards::parse_cards;

    fn eval(s: &str) -> Strength {
        evaluate(&parse_cards(s).unwrap())
    }

    #[test]
    fn tables_match_generator() {
        let t = table_gen::generate();
        assert_eq!(t.card_keys, CARD_KEYS);
        assert_eq!(t.card_masks, CARD_MASKS);
        assert_eq!(t.row_offsets, ROW_OFFSETS);
        assert_eq!(t.rank_table, RANK_TABLE);
        assert_eq!(t.flush_table, FLUSH_TABLE);
        assert_eq!(t.info, INFO);
        assert_eq!(t.category_min, CATEGORY_MIN);
        assert_eq!(table_gen::table_bytes(&t), TABLE_BYTES);
        assert_eq!(TABLE_BYTES, 313_934);
        assert_eq!(
            (table_gen::EMPTY_KEY, table_gen::FLUSH_BITS),
            (EMPTY_KEY, FLUSH_BITS)
        );
        assert_eq!(
            (table_gen::SUIT_SHIFT, table_gen::ROW_BITS),
            (SUIT_SHIFT, ROW_BITS)
        );
        assert_eq!(table_gen::check_rank_keys(), 18_393_157);
    }

    #[test]
    fn known_hands() {
        assert!(eval("Ah Kh Qh Jh Th") > eval("9s 9h 9d 9c 2h"));
        assert_eq!(eval("Ah Kh Qh Jh Th"), Strength::MAX);
        assert_eq!(eval("7h 5d 4c 3s 2h"), Strength::MIN);
        // The wheel is the lowest straight, below six-high.
        let wheel = eval("Ah 2d 3c 4s 5h");
        assert_eq!(wheel.category(), Category::Straight);
        assert!(wheel < eval("2d 3c 4s 5h 6h"));
        assert!(wheel > eval("Ah Ad Ac Ks Qh"));
        assert_eq!(eval("Ah 2h 3h 4h 5h").category(), Category::StraightFlush);
        assert!(eval("Ah 2h 3h 4h 5h") < eval("2h 3h 4h 5h 6h"));
        // Suits don't matter without a flush.
        assert_eq!(eval("As Kd 9c 7h 3h"), eval("Ah Kh 9d 7s 3c"));
        // 6 and 7 cards take the best five.
        assert_eq!(eval("As Kd 9c 7h 3h 2d"), eval("As Kd 9c 7h 3h"));
        assert_eq!(eval("9s 9h 9d 9c 2h 3d Ks"), eval("9s 9h 9d 9c Kh"));
        assert_eq!(eval("2h 4h 6h 8h Th Qh Ah"), eval("Ah Qh Th 8h 6h"));
        assert_eq!(
            eval("Kh Kd Kc 7s 7h 7d 2c").description().to_string(),
            "Full House, Kings over Sevens"
        );
        // Two pair's kicker may come from a third pair.
        assert_eq!(eval("Kh Kd 7s 7h 5d 5c 2c"), eval("Kh Kd 7s 7h 5d"));
    }

    #[test]
    fn partial_hands() {
        let board = parse_cards("Qs Jh Th 2c 3d").unwrap();
        let b = PartialHand::from_cards(&board);
        assert_eq!(b.len(), 5);
        assert!(PartialHand::EMPTY.is_empty());
        let hole = parse_cards("Ah Kh").unwrap();
        let seven = b.add(hole[0]).add(hole[1]);
        assert_eq!(seven.len(), 7);
        assert_eq!(
            seven.strength().description().to_string(),
            "Straight, Ace High"
        );
        let mut all = board.clone();
        all.extend(&hole);
        assert_eq!(seven.strength(), evaluate(&all));
        let six = PartialHand::from_cards(&parse_cards("Ah Kh Qh Jh Th 9h").unwrap());
        assert_eq!(six.strength(), Strength::MAX);
    }

    #[test]
    fn combining_partial_hands_is_adding_their_cards() {
        let seven = parse_cards("Ah Kh Qh Jh 2c 3d 9s").unwrap();
        for split in 0..=7 {
            let (a, b) = seven.split_at(split);
            let joined = PartialHand::from_cards(a).combine(PartialHand::from_cards(b));
            assert_eq!(joined, PartialHand::from_cards(&seven), "split at {split}");
        }
        let board = PartialHand::from_cards(&parse_cards("Qs Jh Th 2c 3d").unwrap());
        let hole = PartialHand::from_cards(&parse_cards("Ah Kh").unwrap());
        assert_eq!(board.combine(hole).strength(), eval("Qs Jh Th 2c 3d Ah Kh"));
        assert_eq!(PartialHand::EMPTY.combine(hole), hole);
    }

    #[test]
    fn descriptions() {
        let d = |s: &str| eval(s).description().to_string();
        assert_eq!(d("Ah Kd 9c 7h 3h"), "High Card, Ace");
        assert_eq!(d("Ah Ad 9c 7h 3h"), "Pair of Aces");
        assert_eq!(d("Kh Kd 7c 7h 3h"), "Two Pair, Kings and Sevens");
        assert_eq!(d("7h 7d 7c Kh 3h"), "Three of a Kind, Sevens");
        assert_eq!(d("6h 7d 8c 9h Th"), "Straight, Ten High");
        assert_eq!(d("Ah 2d 3c 4h 5h"), "Straight, Five High");
        assert_eq!(d("Ah 2h 9h 7h 3h"), "Flush, Ace High");
        assert_eq!(d("Kh Kd Kc 7h 7c"), "Full House, Kings over Sevens");
        assert_eq!(d("9h 9d 9c 9s 3h"), "Four of a Kind, Nines");
        assert_eq!(d("Ah 2h 3h 4h 5h"), "Straight Flush, Five High");
        assert_eq!(d("Ah Kh Qh Jh Th"), "Royal Flush");
        assert_eq!(Category::FullHouse.to_string(), "Full House");
        assert_eq!(eval("9h 9d 9c 9s 3h").to_string(), "Four of a Kind, Nines");
    }

    #[test]
    fn values_and_categories() {
        assert_eq!(Strength::from_value(0), None);
        assert_eq!(Strength::from_value(7463), None);
        assert_eq!(Strength::from_value(42).map(Strength::value), Some(42));
        let mut counts = [0; 9];
        for v in 1..=7462 {
            counts[Strength(v).category() as usize] += 1;
        }
        assert_eq!(counts, [1277, 2860, 858, 858, 10, 1277, 156, 156, 10]);
    }

    #[test]
    #[should_panic(expected = "5..=7 cards")]
    fn evaluate_rejects_four_cards() {
        eval("Ah Kh Qh Jh");
    }
}
