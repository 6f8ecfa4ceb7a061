//! Exhaustive and randomised checks of the hand evaluator (`holdem_arena::eval`).
//!
//! - All 2,598,960 five-card hands: exactly 7,462 distinct strengths, textbook category
//!   counts, and the same order as an independent reference ranking.
//! - All 133,784,560 seven-card hands: exactly 4,824 distinct strengths and the category
//!   counts of Wikipedia, "Poker probability" (7-card hands).
//! - 1,000,000 random 7-card hands (fixed seed): the fast evaluator orders them exactly as
//!   a brute-force reference (best of the 21 five-card subsets).
//!
//! The heavy tests are meant for `cargo test --release` (seconds); debug builds skip the
//! 7-card enumeration and use fewer random hands.

use holdem_arena::cards::{Card, parse_cards};
use holdem_arena::eval::{Category, PartialHand, Strength, evaluate, for_each_seven_card_hand};
use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::collections::BTreeMap;

/// Reference rank of a 5-card hand by the textbook rules, independent of the tables:
/// (category as in `Category`, tie-break ranks most significant first). Compares like
/// hands do.
fn reference5(cards: [Card; 5]) -> (u8, [u8; 5]) {
    let mut ranks: [u8; 5] = cards.map(|c| c.rank());
    ranks.sort_unstable_by(|a, b| b.cmp(a));
    let flush = cards.iter().all(|c| c.suit() == cards[0].suit());
    let distinct = ranks.windows(2).all(|w| w[0] != w[1]);
    let straight_high = if distinct && ranks[0] - ranks[4] == 4 {
        Some(ranks[0])
    } else if ranks == [12, 3, 2, 1, 0] {
        Some(3) // A-2-3-4-5: five high
    } else {
        None
    };
    // Groups of equal ranks, largest group first, then higher rank first.
    let mut groups: Vec<(u8, u8)> = Vec::new(); // (count, rank)
    for &r in &ranks {
        match groups.iter_mut().find(|g| g.1 == r) {
            Some(g) => g.0 += 1,
            None => groups.push((1, r)),
        }
    }
    groups.sort_unstable_by(|a, b| b.cmp(a));
    let shape: Vec<u8> = groups.iter().map(|g| g.0).collect();
    let mut tie = [0u8; 5];
    for (t, g) in tie.iter_mut().zip(&groups) {
        *t = g.1;
    }
    let category = match (straight_high, flush, shape.as_slice()) {
        (Some(_), true, _) => Category::StraightFlush,
        (_, _, [4, 1]) => Category::FourOfAKind,
        (_, _, [3, 2]) => Category::FullHouse,
        (_, true, _) => Category::Flush,
        (Some(_), false, _) => Category::Straight,
        (_, _, [3, 1, 1]) => Category::ThreeOfAKind,
        (_, _, [2, 2, 1]) => Category::TwoPair,
        (_, _, [2, 1, 1, 1]) => Category::OnePair,
        _ => Category::HighCard,
    };
    if let Some(high) = straight_high {
        tie = [high, 0, 0, 0, 0];
    }
    (category as u8, tie)
}

/// Reference rank of 5..=7 cards: the best of all 5-card subsets, by brute force.
fn reference(cards: &[Card]) -> (u8, [u8; 5]) {
    let n = cards.len();
    (0u32..1 << n)
        .filter(|m| m.count_ones() == 5)
        .map(|m| {
            let mut five = [Card::default(); 5];
            let picked = (0..n).filter(|i| m >> i & 1 == 1);
            for (slot, i) in five.iter_mut().zip(picked) {
                *slot = cards[i];
            }
            reference5(five)
        })
        .max()
        .unwrap()
}

fn deck() -> Vec<Card> {
    (0..52).map(|i| Card::from_index(i).unwrap()).collect()
}

/// Checks that `pairs` of (reference rank, fast strength) are ordered alike: equal
/// references iff equal strengths, and order preserved. Returns the distinct count.
fn assert_same_order(pairs: impl IntoIterator<Item = ((u8, [u8; 5]), Strength)>) -> usize {
    let mut by_ref: BTreeMap<(u8, [u8; 5]), Strength> = BTreeMap::new();
    for (r, s) in pairs {
        let old = *by_ref.entry(r).or_insert(s);
        assert_eq!(old, s, "one reference rank {r:?}, two strengths");
        assert_eq!(s.category() as u8, r.0, "category of {r:?}");
    }
    let strengths: Vec<Strength> = by_ref.values().copied().collect();
    assert!(
        strengths.windows(2).all(|w| w[0] < w[1]),
        "fast order differs from reference order"
    );
    strengths.len()
}

#[test]
fn all_five_card_hands() {
    let deck = deck();
    let mut pairs = Vec::with_capacity(2_598_960);
    let mut per_category = [0u64; 9];
    for a in 0..52 {
        for b in a + 1..52 {
            for c in b + 1..52 {
                for d in c + 1..52 {
                    for e in d + 1..52 {
                        let hand = [deck[a], deck[b], deck[c], deck[d], deck[e]];
                        let s = evaluate(&hand);
                        assert_eq!(PartialHand::from_cards(&hand).strength(), s);
                        per_category[s.category() as usize] += 1;
                        pairs.push((reference5(hand), s));
                    }
                }
            }
        }
    }
    assert_eq!(pairs.len(), 2_598_960);
    // Wikipedia, "Poker probability", 5-card frequencies (royal flush within straight flush).
    assert_eq!(
        per_category,
        [
            1_302_540, 1_098_240, 123_552, 54_912, 10_200, 5_108, 3_744, 624, 40
        ]
    );
    assert_eq!(assert_same_order(pairs), 7462);
    assert_eq!(
        evaluate(&parse_cards("7h 5d 4c 3s 2h").unwrap()).value(),
        1,
        "weakest class"
    );
}

#[test]
#[cfg_attr(debug_assertions, ignore = "133M hands: run with --release")]
fn all_seven_card_hands() {
    let mut hits = vec![0u64; 7463];
    for_each_seven_card_hand(|hand| hits[hand.strength().value() as usize] += 1);
    assert_eq!(hits[0], 0, "no hand may map to 0");
    assert_eq!(hits.iter().sum::<u64>(), 133_784_560);
    assert_eq!(hits.iter().filter(|&&n| n > 0).count(), 4824);
    let mut per_category = [0u64; 9];
    for (v, &n) in hits.iter().enumerate().skip(1) {
        per_category[Strength::from_value(v as u16).unwrap().category() as usize] += n;
    }
    // Wikipedia, "Poker probability", 7-card frequencies.
    assert_eq!(
        per_category,
        [
            23_294_460, 58_627_800, 31_433_400, 6_461_620, 6_180_020, 4_047_644, 3_473_184,
            224_848, 41_584,
        ]
    );
}

/// `n` random hands of `len` distinct cards, from a fixed seed.
fn random_hands(n: usize, len: usize, seed: u64) -> Vec<Vec<Card>> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut deck = deck();
    (0..n)
        .map(|_| {
            for i in 0..len {
                let j = rng.random_range(i..52);
                deck.swap(i, j);
            }
            deck[..len].to_vec()
        })
        .collect()
}

#[test]
fn random_seven_card_hands_match_reference() {
    let n = if cfg!(debug_assertions) {
        20_000
    } else {
        1_000_000
    };
    let hands = random_hands(n, 7, 0x5eed_7ca7d5);
    let pairs = hands.iter().map(|h| {
        let fast = evaluate(h);
        assert_eq!(PartialHand::from_cards(h).strength(), fast, "{h:?}");
        (reference(h), fast)
    });
    let distinct = assert_same_order(pairs);
    assert!(distinct > 4000, "only {distinct} classes seen");
}

#[test]
fn random_six_card_hands_match_reference() {
    let hands = random_hands(100_000, 6, 6);
    let pairs = hands.iter().map(|h| {
        let fast = evaluate(h);
        assert_eq!(PartialHand::from_cards(h).strength(), fast, "{h:?}");
        (reference(h), fast)
    });
    assert_same_order(pairs);
}

#[test]
fn board_then_hole_cards() {
    // Showdown pattern: the board's partial hand once, each player's hole cards added.
    for hand in random_hands(10_000, 7, 7) {
        let board = PartialHand::from_cards(&hand[..5]);
        assert_eq!(board.add(hand[5]).add(hand[6]).strength(), evaluate(&hand));
    }
}
