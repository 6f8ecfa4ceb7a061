//! Seeding and dealing: a hand's cards are a pure function of (run seed, hand index).
//!
//! Seeds are expanded with SplitMix64 (Steele, Lea & Flood, "Fast splittable
//! pseudorandom number generators", OOPSLA 2014), the expansion the xoshiro authors
//! recommend, into a `Xoshiro256PlusPlus` (Blackman & Vigna, "Scrambled linear
//! pseudorandom number generators", 2021). A partial Fisher–Yates shuffle (Knuth,
//! TAOCP vol. 2, Algorithm P) draws only the cards the hand needs. Nothing a bot does
//! can change a hand's cards, so results do not depend on threads or chunking, and
//! any hand can be replayed alone.

use crate::bot::MAX_SEATS;
use crate::cards::{Card, DECK_SIZE};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// Domain tags keep the deck stream and the bots' streams independent.
const DECK_STREAM: u64 = 0x6465_636b; // "deck"
const BOT_STREAM: u64 = 0x626f_7473; // "bots"
const RUNOUT_STREAM: u64 = 0x7275_6e73; // "runs"
const STACK_STREAM: u64 = 0x7374_6b73; // "stks"

/// SplitMix64's output function: a bijective 64-bit mix.
pub const fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Mixes a stream tag, the run seed, a hand index and a seat into one 64-bit seed.
const fn mix(tag: u64, seed: u64, hand_index: u64, seat: u64) -> u64 {
    mix_keyed(stream_key(tag, seed), hand_index, seat)
}

/// The part of [`mix`] that depends only on the stream and the run.
const fn stream_key(tag: u64, seed: u64) -> u64 {
    splitmix64(seed ^ tag)
}

/// [`mix`] from a [`stream_key`].
const fn mix_keyed(key: u64, hand_index: u64, seat: u64) -> u64 {
    splitmix64(splitmix64(key ^ hand_index) ^ seat)
}

/// The generator bots seed from [`crate::bot::Event::HandStart`]'s `rng_seed`:
/// SplitMix64 (Steele, Lea & Flood 2014). Seeding it costs nothing, which matters
/// when every bot reseeds every hand, and the seed is already a SplitMix64-mixed value.
pub type BotRng = rand_xoshiro::SplitMix64;

/// A uniform integer in `0..n` (`n > 0`) by Lemire's nearly divisionless method
/// (D. Lemire, "Fast Random Integer Generation in an Interval", ACM TOMACS 29(1),
/// 2019): one multiplication per draw, and a division only in the rare case that
/// decides whether to reject. Unbiased.
pub fn below(rng: &mut impl Rng, n: u64) -> u64 {
    let mut product = u128::from(rng.next_u64()) * u128::from(n);
    if (product as u64) < n {
        let threshold = n.wrapping_neg() % n;
        while (product as u64) < threshold {
            product = u128::from(rng.next_u64()) * u128::from(n);
        }
    }
    (product >> 64) as u64
}

/// Seed of the random stream of the bot in `seat` for hand `hand_index`
/// (sent to it in [`crate::bot::Event::HandStart`]).
///
/// Not inlined: the engine asks for it only for bots that subscribe to `hand_start`,
/// and inlined, its seat-independent half was hoisted out of that test and computed
/// every hand.
#[inline(never)]
pub const fn bot_seed(seed: u64, hand_index: u64, seat: usize) -> u64 {
    mix(BOT_STREAM, seed, hand_index, seat as u64)
}

/// The generator of the sampled all-in run-outs of deal `deal_index`
/// ([`crate::allin_ev`]): a function of (run seed, deal index) only, so every replay
/// of a duplicate deal, and both sides of a paired comparison, sample the same boards.
pub fn runout_rng(seed: u64, deal_index: u64) -> Xoshiro256PlusPlus {
    xoshiro_from_u64(mix(RUNOUT_STREAM, seed, deal_index, 0))
}

/// `Xoshiro256PlusPlus::seed_from_u64(seed)`, inlined: rand_xoshiro expands the seed
/// into the generator's 256-bit state with four SplitMix64 outputs, whose stream
/// starts at `seed` and advances by the golden-ratio increment (so output `k` is
/// [`splitmix64`]`(seed + k·increment)`), stored little-endian. The library's own
/// function is not inlined and goes through a byte buffer, which costs a tenth of a
/// heads-up hand; `xoshiro_matches_the_librarys_seeding` checks the two agree.
#[inline]
fn xoshiro_from_u64(seed: u64) -> Xoshiro256PlusPlus {
    const GOLDEN_GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut bytes = [0u8; 32];
    for (k, word) in bytes.chunks_exact_mut(8).enumerate() {
        let z = seed.wrapping_add(GOLDEN_GAMMA.wrapping_mul(k as u64));
        word.copy_from_slice(&splitmix64(z).to_le_bytes());
    }
    Xoshiro256PlusPlus::from_seed(bytes)
}

/// The 52 cards in index order: the deck before a shuffle.
const ORDERED_DECK: [Card; DECK_SIZE] = {
    let mut deck = [Card::new(0, 0); DECK_SIZE];
    let mut i = 0;
    while i < DECK_SIZE {
        deck[i] = Card::new((i / 4) as u8, (i % 4) as u8);
        i += 1;
    }
    deck
};

/// One hand's cards (two hole cards per seat and five board cards) and, with
/// `--stack-range`, every seat's starting stack.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Deal {
    /// Hole cards by seat; entries at `seats..` are unused.
    pub hole_cards: [[Card; 2]; MAX_SEATS],
    /// The five board cards in dealing order (flop, flop, flop, turn, river).
    pub board: [Card; 5],
    /// Starting stacks by seat in chips, drawn with the deal (`--stack-range`); all 0
    /// when the table's own stacks apply.
    pub stacks: [u32; MAX_SEATS],
}

impl Deal {
    /// The cards of hand `hand_index` of the run with `seed`, for `seats` players.
    ///
    /// The board is drawn first, then each seat's two cards in seat order, so seat 0's
    /// cards do not depend on how many seats there are.
    ///
    /// # Panics
    /// If `seats > MAX_SEATS` (10).
    pub fn new(seed: u64, hand_index: u64, seats: usize) -> Deal {
        Dealer::new(seed).deal(hand_index, seats)
    }
}

/// Deals one run's hands: [`Deal::new`] with the part of the deck seeding that
/// depends only on the run seed done once, off the per-hand chain of dependent
/// multiplications (the runner deals millions of hands from one seed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dealer {
    /// [`stream_key`] of the deck stream and the run seed.
    deck_key: u64,
    /// [`stream_key`] of the stack stream, the range and the big blind, when stacks
    /// are drawn.
    stacks: Option<(u64, crate::config::StackRange, u32)>,
}

impl Dealer {
    /// Whether this dealer draws stacks per deal (`--stack-range`).
    pub fn draws_stacks(&self) -> bool {
        self.stacks.is_some()
    }

    /// The dealer of the run with `seed`.
    pub const fn new(seed: u64) -> Dealer {
        Dealer {
            deck_key: stream_key(DECK_STREAM, seed),
            stacks: None,
        }
    }

    /// This dealer, also drawing every seat's starting stack from `range` (whole big
    /// blinds of `big_blind_chips`, uniform) when `range` is given. Stack `s` of deal
    /// `d` depends only on (run seed, `d`, `s`), from a stream of its own, so the cards
    /// do not change when stacks are drawn.
    pub const fn with_stacks(
        mut self,
        range: Option<crate::config::StackRange>,
        big_blind_chips: u32,
    ) -> Dealer {
        self.stacks = match range {
            Some(r) => Some((stream_key(STACK_STREAM, self.deck_key), r, big_blind_chips)),
            None => None,
        };
        self
    }

    /// The cards of hand `hand_index` for `seats` players: [`Deal::new`]`(seed,
    /// hand_index, seats)`.
    ///
    /// # Panics
    /// If `seats > MAX_SEATS` (10).
    pub fn deal(&self, hand_index: u64, seats: usize) -> Deal {
        assert!(seats <= MAX_SEATS, "at most {MAX_SEATS} seats");
        let mut rng = xoshiro_from_u64(mix_keyed(self.deck_key, hand_index, 0));
        let mut deal = Deal {
            hole_cards: [[Card::default(); 2]; MAX_SEATS],
            board: [Card::default(); 5],
            stacks: [0; MAX_SEATS],
        };
        if let Some((key, range, big_blind)) = self.stacks {
            let span = u64::from(range.max_bb - range.min_bb) + 1;
            for (seat, stack) in deal.stacks[..seats].iter_mut().enumerate() {
                let mut rng = BotRng::seed_from_u64(mix_keyed(key, hand_index, seat as u64));
                let bb = u64::from(range.min_bb) + below(&mut rng, span);
                *stack = (bb * u64::from(big_blind)) as u32; // checked to fit by config
            }
        }
        // Fisher–Yates from the front: draw `i` swaps position `i` with a random `j`
        // at or after it, and position `i` is final from then on. So the drawn card
        // goes straight to its place in the deal and only `deck[j]` is written back
        // (the deal is built card by card, not read back in wide pieces from a deck
        // still being written, which would stall on the stores).
        let mut deck = ORDERED_DECK;
        for i in 0..5 + 2 * seats {
            let j = i + below(&mut rng, (DECK_SIZE - i) as u64) as usize;
            let card = deck[j];
            deck[j] = deck[i];
            match i.checked_sub(5) {
                None => deal.board[i] = card,
                Some(k) => deal.hole_cards[k / 2][k % 2] = card,
            }
        }
        deal
    }
}

impl Deal {
    /// The deal as replayed in duplicate rotation `rotation` of a `seats`-seat table
    /// (see [`crate::sim`]): seat `s` gets the cards dealt to seat
    /// `(s + seats - rotation) % seats`, so with the button moved `rotation` seats
    /// clockwise every hand of cards keeps its position relative to the button.
    /// Drawn stacks travel with the cards. The board is unchanged. Rotation 0 is the
    /// deal itself.
    pub fn rotated(&self, rotation: usize, seats: usize) -> Deal {
        let mut out = *self;
        for seat in 0..seats {
            let from = (seat + seats - rotation % seats) % seats;
            out.hole_cards[seat] = self.hole_cards[from];
            out.stacks[seat] = self.stacks[from];
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cards::CardSet;

    #[test]
    fn deals_are_pure_functions_of_seed_and_hand_index() {
        assert_eq!(Deal::new(7, 42, 6), Deal::new(7, 42, 6));
        assert_ne!(Deal::new(7, 42, 6), Deal::new(7, 43, 6));
        assert_ne!(Deal::new(7, 42, 6), Deal::new(8, 42, 6));
        // Seat 0's cards and the board do not depend on the number of seats.
        let (two, ten) = (Deal::new(1, 5, 2), Deal::new(1, 5, 10));
        assert_eq!(two.board, ten.board);
        assert_eq!(two.hole_cards[0], ten.hole_cards[0]);
    }

    #[test]
    fn a_deal_never_repeats_a_card() {
        for hand in 0..2_000 {
            let deal = Deal::new(3, hand, 10);
            let mut all: Vec<Card> = deal.board.to_vec();
            all.extend(deal.hole_cards.iter().flatten());
            assert_eq!(CardSet::from_cards(&all).len(), 25, "hand {hand}");
        }
    }

    #[test]
    fn every_card_lands_everywhere_about_equally() {
        // Chi-square-ish sanity check on the first board card over 52,000 deals.
        let mut counts = [0u32; 52];
        for hand in 0..52_000 {
            counts[Deal::new(11, hand, 2).board[0].index()] += 1;
        }
        assert!(
            counts.iter().all(|&c| (850..1150).contains(&c)),
            "{counts:?}"
        );
    }

    #[test]
    fn below_is_uniform_and_in_range() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(5);
        let mut counts = [0u32; 7];
        for _ in 0..70_000 {
            counts[below(&mut rng, 7) as usize] += 1;
        }
        assert!(
            counts.iter().all(|&c| (9_500..10_500).contains(&c)),
            "{counts:?}"
        );
        assert!((0..1000).all(|_| below(&mut rng, 1) == 0));
    }

    #[test]
    fn xoshiro_matches_the_librarys_seeding() {
        let seeds = (0..1000u64).map(splitmix64).chain([0, 1, u64::MAX]);
        for seed in seeds {
            let mut ours = xoshiro_from_u64(seed);
            let mut library = Xoshiro256PlusPlus::seed_from_u64(seed);
            for _ in 0..4 {
                assert_eq!(ours.next_u64(), library.next_u64(), "seed {seed}");
            }
        }
    }

    /// The straightforward dealing `Deal::new` must match card for card: the
    /// library's seeding, a deck of indices, one swap per card drawn.
    fn reference_deal(seed: u64, hand_index: u64, seats: usize) -> Deal {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(mix(DECK_STREAM, seed, hand_index, 0));
        let mut deck: [u8; DECK_SIZE] = std::array::from_fn(|i| i as u8);
        for i in 0..5 + 2 * seats {
            let j = i + below(&mut rng, (DECK_SIZE - i) as u64) as usize;
            deck.swap(i, j);
        }
        let card = |i: usize| Card::from_index(deck[i]).unwrap();
        let mut hole_cards = [[Card::default(); 2]; MAX_SEATS];
        for (seat, hole) in hole_cards.iter_mut().enumerate().take(seats) {
            *hole = [card(5 + 2 * seat), card(6 + 2 * seat)];
        }
        Deal {
            hole_cards,
            board: std::array::from_fn(card),
            stacks: [0; MAX_SEATS],
        }
    }

    #[test]
    fn deals_match_the_reference_dealing() {
        for seats in [2, 6, 10] {
            for hand in 0..5_000 {
                assert_eq!(
                    Deal::new(42, hand, seats),
                    reference_deal(42, hand, seats),
                    "hand {hand}, {seats} seats"
                );
            }
        }
    }

    #[test]
    fn the_ordered_deck_lists_every_index_once() {
        assert!(ORDERED_DECK.iter().enumerate().all(|(i, c)| c.index() == i));
    }

    #[test]
    fn bot_seeds_differ_by_seat_and_hand() {
        assert_ne!(bot_seed(1, 0, 0), bot_seed(1, 0, 1));
        assert_ne!(bot_seed(1, 0, 0), bot_seed(1, 1, 0));
        assert_eq!(bot_seed(1, 2, 3), bot_seed(1, 2, 3));
    }
}
