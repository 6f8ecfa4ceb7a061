//! Cards as compact integers, and the protocol's two-character card strings.
//!
//! A [`Card`] is one byte in `0..52`: `rank * 4 + suit`, with ranks `2..A` as
//! `0..=12` and suits in the protocol's order `h d c s` as `0..=3`. The text
//! form is Open Poker's (`../shared/reference/openpoker-websocket-protocol.txt`,
//! "Card Format"): rank character from `23456789TJQKA`, then suit from `hdcs`.

use std::fmt;
use std::str::FromStr;

/// Rank characters in rank order: index `0` is a deuce, `12` an ace.
pub const RANK_CHARS: &[u8; 13] = b"23456789TJQKA";
/// Suit characters in suit order (hearts, diamonds, clubs, spades).
pub const SUIT_CHARS: &[u8; 4] = b"hdcs";
/// Number of cards in the deck.
pub const DECK_SIZE: usize = 52;

/// One playing card: `rank * 4 + suit`, always in `0..52`.
///
/// Ordering and equality follow that index, which carries no poker meaning.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default)]
pub struct Card(u8);

impl Card {
    /// The card with `rank` (`0..=12`, deuce to ace) and `suit` (`0..=3`, `h d c s`).
    ///
    /// # Panics
    /// If `rank > 12` or `suit > 3`.
    pub const fn new(rank: u8, suit: u8) -> Card {
        assert!(rank < 13 && suit < 4, "rank must be 0..=12 and suit 0..=3");
        Card(rank * 4 + suit)
    }

    /// The card with deck index `index` (`0..52`), or `None` past the deck.
    pub const fn from_index(index: u8) -> Option<Card> {
        if (index as usize) < DECK_SIZE {
            Some(Card(index))
        } else {
            None
        }
    }

    /// The deck index, `0..52`.
    pub const fn index(self) -> usize {
        self.0 as usize
    }

    /// Rank, `0..=12` (deuce to ace).
    pub const fn rank(self) -> u8 {
        self.0 >> 2
    }

    /// Suit, `0..=3` in the order `h d c s`.
    pub const fn suit(self) -> u8 {
        self.0 & 3
    }

    /// The protocol's two ASCII characters, e.g. `*b"Ah"`.
    pub const fn to_chars(self) -> [u8; 2] {
        [
            RANK_CHARS[self.rank() as usize],
            SUIT_CHARS[self.suit() as usize],
        ]
    }
}

impl fmt::Display for Card {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [r, s] = self.to_chars();
        write!(f, "{}{}", r as char, s as char)
    }
}

/// Why a card string was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParseCardError {
    /// Not a rank from `23456789TJQKA` followed by a suit from `hdcs`; holds the text
    /// as given.
    #[error(
        "invalid card {0:?}: expected a rank from 23456789TJQKA then a suit from hdcs, e.g. Ah or Td"
    )]
    Invalid(String),
    /// A card that appears twice in one list (a deck has one of each); holds the card.
    #[error("card {0} is given twice: a hand holds each card once")]
    Repeated(String),
}

impl ParseCardError {
    /// The card text the error is about.
    pub fn text(&self) -> &str {
        match self {
            ParseCardError::Invalid(t) | ParseCardError::Repeated(t) => t,
        }
    }
}

impl FromStr for Card {
    type Err = ParseCardError;

    /// Parses `Ah`, `Td`, `2c`: exactly two characters, upper-case rank, lower-case suit.
    fn from_str(s: &str) -> Result<Card, ParseCardError> {
        let err = || ParseCardError::Invalid(s.to_string());
        let &[r, su] = s.as_bytes() else {
            return Err(err());
        };
        let rank = RANK_CHARS.iter().position(|&c| c == r).ok_or_else(err)?;
        let suit = SUIT_CHARS.iter().position(|&c| c == su).ok_or_else(err)?;
        Ok(Card::new(rank as u8, suit as u8))
    }
}

/// Parses whitespace-separated cards (`"Ah Kd 7c"`).
///
/// # Errors
/// The first token that is not a card ([`ParseCardError::Invalid`], see
/// [`Card::from_str`]), or a card given twice ([`ParseCardError::Repeated`]).
pub fn parse_cards(text: &str) -> Result<Vec<Card>, ParseCardError> {
    let mut seen = CardSet::EMPTY;
    let mut cards = Vec::new();
    for token in text.split_whitespace() {
        let card: Card = token.parse()?;
        if seen.contains(card) {
            return Err(ParseCardError::Repeated(token.to_string()));
        }
        seen.insert(card);
        cards.push(card);
    }
    Ok(cards)
}

/// A set of cards as a 52-bit mask (bit `i` = card with index `i`). `Copy`, no allocation.
#[derive(Clone, Copy, PartialEq, Eq, Default, Debug)]
pub struct CardSet(u64);

impl CardSet {
    /// The empty set.
    pub const EMPTY: CardSet = CardSet(0);

    /// Whether `card` is in the set.
    pub const fn contains(self, card: Card) -> bool {
        self.0 & (1 << card.0) != 0
    }

    /// Adds `card` (no effect if present).
    pub fn insert(&mut self, card: Card) {
        self.0 |= 1 << card.0;
    }

    /// Number of cards in the set, `0..=52`.
    pub const fn len(self) -> u32 {
        self.0.count_ones()
    }

    /// Whether the set is empty.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The set of the given cards.
    pub fn from_cards(cards: &[Card]) -> CardSet {
        let mut set = CardSet::EMPTY;
        for &c in cards {
            set.insert(c);
        }
        set
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_card_round_trips_through_its_string() {
        for i in 0..52u8 {
            let card = Card::from_index(i).unwrap();
            assert_eq!(card.to_string().parse::<Card>().unwrap(), card);
        }
        assert_eq!("Ah".parse::<Card>().unwrap(), Card::new(12, 0));
        assert_eq!("2s".parse::<Card>().unwrap(), Card::new(0, 3));
        assert_eq!(Card::new(8, 1).to_string(), "Td");
    }

    #[test]
    fn bad_card_strings_are_errors_that_name_the_string() {
        for bad in ["", "A", "Ahh", "ah", "AH", "1h", "Ax", "10h", "??"] {
            let err = bad.parse::<Card>().unwrap_err();
            assert_eq!(err.text(), bad);
            assert!(err.to_string().contains(&format!("{bad:?}")));
        }
    }

    #[test]
    fn eval_names_a_repeated_card_as_given_twice() {
        assert_eq!(parse_cards("Ah Kd").unwrap().len(), 2);
        let err = parse_cards("Ah Kd Ah").unwrap_err();
        assert_eq!(err, ParseCardError::Repeated("Ah".into()));
        assert_eq!(
            err.to_string(),
            "card Ah is given twice: a hand holds each card once"
        );
        assert!(parse_cards("Ah Zz").unwrap_err().text() == "Zz");
    }

    #[test]
    fn card_set_tracks_membership() {
        let mut set = CardSet::EMPTY;
        let ah = Card::new(12, 0);
        assert!(!set.contains(ah));
        set.insert(ah);
        set.insert(ah);
        assert!(set.contains(ah));
        assert_eq!(set.len(), 1);
    }
}
