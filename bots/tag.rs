//! `tag`: a tight-aggressive player. Deterministic, allocation-free, no RNG.
//!
//! Preflop it plays a chart of the 169 starting-hand classes by [`Position`];
//! after the flop it bets or raises made hands by their [`Category`] and folds weak
//! hands to bets unless the pot odds are very good.

use super::common::{
    call_cost_chips, check_or_call, check_or_fold, pot_odds, pot_raise_to, raise_or_call,
    street_bet_chips,
};
use crate::bot::{Action, ActionKind, Bot, EventKinds, Street, Turn};
use crate::cards::Card;
use crate::eval::{Category, PartialHand};

/// Sklansky–Malmuth hand groups (D. Sklansky & M. Malmuth, *Hold'em Poker for
/// Advanced Players*, 1999, as commonly reproduced): `1` is the strongest group,
/// `8` the weakest playable one, `.` unplayable. Rows and columns run A, K, Q, …, 2;
/// the diagonal holds pairs, cells above it (row = higher card) suited hands, cells
/// below it (column = higher card) offsuit hands.
const CHART: [&[u8; 13]; 13] = [
    //A K Q J T 9 8 7 6 5 4 3 2
    b"1122355555555", // A
    b"2123467777777", // K
    b"3413457......", // Q
    b"45513468.....", // J
    b"66652457.....", // T
    b"888773458....", // 9
    b"...8874568...", // 8
    b"......85568..", // 7
    b".......8657..", // 6
    b"........8667.", // 5
    b".........8778", // 4
    b"...........78", // 3
    b"............7", // 2
];

/// The group [`hand_group`] gives a hand the chart marks unplayable.
pub const UNPLAYABLE: u8 = 9;

/// Hands that re-raise any raise (group 1: AA, KK, QQ, JJ, AKs).
pub const PREMIUM: u8 = 1;

/// An unopened pot is raised to this many big blinds, plus one per limper.
pub const OPEN_RAISE_BB: u32 = 3;

/// A re-raise goes to this multiple of the bet it faces.
pub const RERAISE_FACTOR: u32 = 3;

/// Non-premium hands call a single raise only when the call costs at most this many
/// big blinds.
pub const MAX_CALL_BB: u32 = 10;

/// Postflop, a one-pair hand that is top pair or an overpair calls bets while the
/// pot odds (share of the final pot the call pays) are at most this.
pub const MEDIUM_MAX_POT_ODDS: f64 = 0.4;

/// Postflop, a weak hand calls only when the pot odds are at most this.
pub const WEAK_MAX_POT_ODDS: f64 = 0.15;

/// Seat position relative to the button, for the preflop chart.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Position {
    /// First half of the seats between the big blind and the cutoff (UTG first).
    Early,
    /// Second half of the seats between the big blind and the cutoff.
    Middle,
    /// The cutoff and the button (heads-up: the button, which posts the small blind).
    Late,
    /// The small and big blind (heads-up: the big blind only).
    Blinds,
}

impl Position {
    /// The weakest [`hand_group`] this position opens with a raise when first in.
    pub const fn open_group(self) -> u8 {
        match self {
            Position::Early => 4,
            Position::Middle => 5,
            Position::Late => 7,
            Position::Blinds => 6,
        }
    }

    /// The weakest [`hand_group`] this position calls a single raise with.
    pub const fn call_group(self) -> u8 {
        match self {
            Position::Early | Position::Middle => 2,
            Position::Late | Position::Blinds => 3,
        }
    }
}

/// The position of `seat` at a table of `players` seats (`2..=10`) with the button
/// at `button`. Heads-up the button is the small blind and counts as [`Position::Late`].
pub fn position(seat: u8, button: u8, players: usize) -> Position {
    let n = players.max(2);
    let offset = (usize::from(seat) + n - usize::from(button) % n) % n; // 0: button
    position_at(offset, n)
}

/// The position of the player `offset` seated players after the button at a table of
/// `n` seated players.
fn position_at(offset: usize, n: usize) -> Position {
    if n == 2 {
        return if offset == 0 {
            Position::Late
        } else {
            Position::Blinds
        };
    }
    match offset {
        0 => Position::Late,
        1 | 2 => Position::Blinds,
        o if o == n - 1 => Position::Late, // the cutoff
        o => {
            let between = n - 4; // seats from UTG up to the cutoff, exclusive
            if o - 3 < between.div_ceil(2) {
                Position::Early
            } else {
                Position::Middle
            }
        }
    }
}

/// The deciding seat's position among the seated players: empty seats (a live table
/// seen through the wire client) do not count.
fn seated_position(turn: &Turn<'_>) -> Position {
    let seated = |p: &&crate::bot::PlayerView| p.status != crate::bot::PlayerStatus::Empty;
    let n = turn.players.iter().filter(seated).count();
    if n == turn.players.len() {
        return position(turn.seat, turn.button_seat, n); // every seat taken: the engine
    }
    // Seated players from the button (or the first seated seat after it), clockwise.
    let seats = turn.players.len().max(1);
    let button = usize::from(turn.button_seat) % seats;
    let offset = (0..seats)
        .map(|k| (button + k) % seats)
        .filter(|&s| turn.players[s].status != crate::bot::PlayerStatus::Empty)
        .position(|s| s == usize::from(turn.seat))
        .unwrap_or(0);
    position_at(offset, n.max(2))
}

/// The chart group of two hole cards: `1..=8` (1 strongest) or [`UNPLAYABLE`].
pub fn hand_group(hole: [Card; 2]) -> u8 {
    let (hi, lo) = if hole[0].rank() >= hole[1].rank() {
        (hole[0], hole[1])
    } else {
        (hole[1], hole[0])
    };
    let (hi_row, lo_row) = (usize::from(12 - hi.rank()), usize::from(12 - lo.rank()));
    let cell = if hi.suit() == lo.suit() {
        CHART[hi_row][lo_row]
    } else {
        CHART[lo_row][hi_row]
    };
    match cell {
        b'1'..=b'8' => cell - b'0',
        _ => UNPLAYABLE,
    }
}

/// The tight-aggressive bot. Stateless.
#[derive(Clone, Copy, Debug, Default)]
pub struct TagBot;

impl Bot for TagBot {
    fn subscriptions(&self) -> EventKinds {
        EventKinds::NONE
    }

    fn act(&mut self, turn: &Turn<'_>) -> Action {
        act_with_wider_opens(turn, 0)
    }
}

/// `tag`'s decision with every position's opening range widened by `groups` chart
/// groups (0: `tag` itself). Variants such as `tag_loose` reuse `tag` through this.
pub fn act_with_wider_opens(turn: &Turn<'_>, groups: u8) -> Action {
    if turn.street == Street::Preflop {
        preflop(turn, groups)
    } else {
        postflop(turn)
    }
}

/// First in (or after limpers): open-raise the position's range, else check/fold.
/// Facing raises: re-raise premium hands; call one raise with the position's call
/// range when it costs at most [`MAX_CALL_BB`]; fold the rest.
fn preflop(turn: &Turn<'_>, wider: u8) -> Action {
    let valid = &turn.valid_actions;
    let bb = turn.big_blind_chips.max(1);
    let group = hand_group(turn.hole_cards);
    let pos = seated_position(turn);
    let count = |kind| {
        turn.actions
            .iter()
            .filter(|a| a.street == Street::Preflop && a.kind == kind)
            .count() as u32
    };
    let street_bet = street_bet_chips(turn);
    let raises = count(ActionKind::Raise).max(u32::from(street_bet > bb));
    if raises == 0 {
        return if group <= pos.open_group().saturating_add(wider) {
            raise_or_call(
                valid,
                bb.saturating_mul(OPEN_RAISE_BB + count(ActionKind::Call)),
            )
        } else {
            check_or_fold(valid)
        };
    }
    if group <= PREMIUM {
        return raise_or_call(valid, street_bet.saturating_mul(RERAISE_FACTOR));
    }
    if raises == 1
        && group <= pos.call_group()
        && call_cost_chips(turn) <= bb.saturating_mul(MAX_CALL_BB)
    {
        return check_or_call(valid);
    }
    check_or_fold(valid)
}

/// How good a made hand is after the flop.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Made {
    /// Two pair or better that the hole cards improve (not just the board).
    Strong,
    /// One pair using a hole card: top pair or an overpair.
    Medium,
    /// Anything else.
    Weak,
}

/// Strong: bet or raise 2/3 pot. Medium: bet 1/2 pot when unbet, call while the pot
/// odds are at most [`MEDIUM_MAX_POT_ODDS`]. Weak: check, call only at pot odds of at
/// most [`WEAK_MAX_POT_ODDS`].
fn postflop(turn: &Turn<'_>) -> Action {
    let valid = &turn.valid_actions;
    let odds = pot_odds(turn);
    match made_hand(turn.hole_cards, turn.community_cards) {
        Made::Strong => raise_or_call(valid, pot_raise_to(turn, 2, 3)),
        Made::Medium if odds == 0.0 => raise_or_call(valid, pot_raise_to(turn, 1, 2)),
        Made::Medium if odds <= MEDIUM_MAX_POT_ODDS => check_or_call(valid),
        Made::Weak if odds <= WEAK_MAX_POT_ODDS => check_or_call(valid),
        Made::Medium | Made::Weak => check_or_fold(valid),
    }
}

/// Classifies hole cards plus a board of 3 to 5 cards.
fn made_hand(hole: [Card; 2], board: &[Card]) -> Made {
    let board_hand = board.iter().fold(PartialHand::EMPTY, |h, &c| h.add(c));
    let strength = board_hand.add(hole[0]).add(hole[1]).strength();
    if board.len() == 5 && strength == board_hand.strength() {
        return Made::Weak; // playing the board
    }
    let category = strength.category();
    if category >= Category::TwoPair && category > board_category(board) {
        return Made::Strong;
    }
    if category != Category::OnePair {
        return Made::Weak;
    }
    let top = board.iter().map(|c| c.rank()).max().unwrap_or(0);
    let on_board = |rank: u8| board.iter().any(|c| c.rank() == rank);
    let pair = if hole[0].rank() == hole[1].rank() {
        Some(hole[0].rank())
    } else {
        hole.iter().map(|c| c.rank()).find(|&r| on_board(r))
    };
    match pair {
        Some(rank) if rank >= top => Made::Medium,
        _ => Made::Weak,
    }
}

/// The pair category the board alone shows (rank repeats only).
fn board_category(board: &[Card]) -> Category {
    let mut counts = [0u8; 13];
    for c in board {
        counts[usize::from(c.rank())] += 1;
    }
    let pairs = counts.iter().filter(|&&n| n >= 2).count();
    match counts.iter().max().copied().unwrap_or(0) {
        4.. => Category::FourOfAKind,
        3 if pairs >= 2 => Category::FullHouse,
        3 => Category::ThreeOfAKind,
        2 if pairs >= 2 => Category::TwoPair,
        2 => Category::OnePair,
        _ => Category::HighCard,
    }
}

#[cfg(test)]
mod tests {
    use super::super::common::testing::{Spot, assert_always_valid, facing, free, hole};
    use super::*;

    #[test]
    fn positions_heads_up_and_six_max() {
        assert_eq!(position(4, 4, 2), Position::Late);
        assert_eq!(position(5, 4, 2), Position::Blinds);
        assert_eq!(position(0, 1, 2), Position::Blinds);
        // 6-max, button in seat 2: SB 3, BB 4, UTG 5, MP 0, CO 1.
        let want = [
            Position::Middle,
            Position::Late,
            Position::Late,
            Position::Blinds,
            Position::Blinds,
            Position::Early,
        ];
        for (seat, want) in want.into_iter().enumerate() {
            assert_eq!(position(seat as u8, 2, 6), want, "seat {seat}");
        }
        assert_eq!(position(2, 0, 3), Position::Blinds);
        assert_eq!(position(3, 0, 4), Position::Late);
    }

    #[test]
    fn connect_position_counts_only_seated_players() {
        // A live table seen through `connect`: seats 1 and 2 are empty, so three
        // players sit at 0 (button), 3 and 4, and seat 3 posts the small blind.
        let mut spot = Spot::new(5, 3, "Ah Kd", "", 30, 20, facing(20, 40, 2000));
        for s in [1, 2] {
            spot.players[s].status = crate::bot::PlayerStatus::Empty;
            spot.players[s].stack_chips = 0;
        }
        assert_eq!(seated_position(&spot.turn()), Position::Blinds);
        assert_eq!(
            position(3, 0, 5),
            Position::Early,
            "counting the empty seats"
        );
        spot.seat = 0;
        assert_eq!(seated_position(&spot.turn()), Position::Late);
    }

    #[test]
    fn chart_groups_and_range_sizes() {
        assert_eq!(hand_group(hole("Ah As")), 1);
        assert_eq!(hand_group(hole("Ah Kh")), 1);
        assert_eq!(hand_group(hole("Kd Ah")), 2);
        assert_eq!(hand_group(hole("7d 2h")), UNPLAYABLE);
        assert_eq!(hand_group(hole("2c 2d")), 7);
        assert_eq!(hand_group(hole("Qs Ks")), 2);
        assert_eq!(hand_group(hole("Qs Kd")), 4);
        // Share of the 1326 starting hands each position opens.
        let share = |max_group: u8| {
            let mut n = 0;
            for a in 0..52 {
                for b in a + 1..52 {
                    let h = [Card::from_index(a).unwrap(), Card::from_index(b).unwrap()];
                    n += u32::from(hand_group(h) <= max_group);
                }
            }
            f64::from(n) / 1326.0
        };
        let early = share(Position::Early.open_group());
        let late = share(Position::Late.open_group());
        assert!((0.06..0.14).contains(&early), "{early}");
        assert!((0.2..0.35).contains(&late), "{late}");
    }

    #[test]
    fn aces_raise_from_every_position_and_facing_raises() {
        for players in [2usize, 3, 6, 9] {
            for seat in 0..players as u8 {
                let spot = Spot::new(players, seat, "Ah As", "", 30, 20, facing(20, 40, 2000));
                let action = TagBot.act(&spot.turn());
                assert_eq!(
                    action,
                    Action::Raise { to_chips: 60 },
                    "{players} seats, seat {seat}"
                );
            }
        }
        let three_bet =
            Spot::new(6, 2, "Ah As", "", 300, 180, facing(180, 400, 2000)).with_raises(2);
        assert!(matches!(
            TagBot.act(&three_bet.turn()),
            Action::Raise { .. }
        ));
    }

    #[test]
    fn seven_deuce_folds_under_the_gun_and_checks_its_option() {
        // 6-max, button 0: seat 3 is under the gun.
        let utg = Spot::new(6, 3, "7d 2h", "", 30, 20, facing(20, 40, 2000));
        assert_eq!(TagBot.act(&utg.turn()), Action::Fold);
        let option = Spot::new(6, 2, "7d 2h", "", 40, 0, free(40, 2000));
        assert_eq!(TagBot.act(&option.turn()), Action::Check);
    }

    #[test]
    fn medium_hands_call_small_raises_in_position_only() {
        // 99 (group 3) facing an open: calls on the button, folds under the gun.
        let button = Spot::new(6, 0, "9h 9d", "", 90, 60, facing(60, 100, 2000)).with_raises(1);
        assert_eq!(TagBot.act(&button.turn()), Action::Call);
        let utg = Spot::new(6, 3, "9h 9d", "", 90, 60, facing(60, 100, 2000)).with_raises(1);
        assert_eq!(TagBot.act(&utg.turn()), Action::Fold);
    }

    // Uses the evaluator.
    #[test]
    fn always_valid() {
        assert_always_valid(|| Box::new(TagBot));
    }

    // Uses the evaluator.
    #[test]
    fn postflop_by_made_hand() {
        let flop = "Qc Jd 3s";
        let bet = |h: &str, pot, call| {
            let spot = Spot::new(2, 1, h, flop, pot, call, facing(call, 2 * call, 1980));
            TagBot.act(&spot.turn())
        };
        let check = |h: &str| {
            let spot = Spot::new(2, 1, h, flop, 120, 0, free(20, 1980));
            TagBot.act(&spot.turn())
        };
        // Set: bets 2/3 pot, raises a bet.
        assert_eq!(check("3h 3d"), Action::Raise { to_chips: 80 });
        assert!(matches!(bet("3h 3d", 200, 80), Action::Raise { .. }));
        // Top pair: bets half pot, calls a pot-size bet, folds to a big overbet.
        assert_eq!(check("Qh 9d"), Action::Raise { to_chips: 60 });
        assert_eq!(bet("Qh 9d", 240, 120), Action::Call);
        assert_eq!(bet("Qh 9d", 1120, 1000), Action::Fold);
        // Nothing: checks, folds to a half-pot bet.
        assert_eq!(check("7d 2h"), Action::Check);
        assert_eq!(bet("7d 2h", 180, 60), Action::Fold);
    }
}
