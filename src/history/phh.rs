//! PHH, the Poker Hand History format of the PokerKit authors (spec:
//! <https://github.com/uoftcprg/phh-std>, `required.rst` and `optional.rst`; reader
//! and writer: the `pokerkit` Python package, `pokerkit/notation.py`).
//!
//! One hand is one TOML table; many hands go into one `.phhs` file as tables `[1]`,
//! `[2]`, ... ([`write_hand`] writes the header). What the spec fixes, and how this
//! writer follows it:
//!
//! - Players are listed by position, not by seat: `p1` is the first seat left of the
//!   button (the small blind) and `pN` the button. Heads-up is special: the spec
//!   ("the antes, blinds, and straddles are reverse-assigned for heads-up
//!   situations"; PokerKit `State.get_effective_blind_or_straddle`) makes `p1` post
//!   the second entry of `blinds_or_straddles`. So heads-up `p1` is the big blind
//!   and `p2` the button, who posts the small blind: the same rule, "start left of
//!   the button", gives the right order for every table size.
//! - `blinds_or_straddles = [SB, BB, 0, ...]` and `antes` list the nominal amounts;
//!   a short stack posts what it has (PokerKit's "effective" blind and ante).
//! - `cbr X` is "complete, bet or raise to" X, the player's street total including a
//!   posted blind; a call and a check are both `cc`, a fold is `f`. An all-in is `cc`
//!   (a call for all or less) or `cbr` (a bet or raise, short of a full one or not).
//! - `pN sm CARDS` shows cards at showdown. PokerKit starts the showdown as soon as
//!   betting closes with at most one player in the hand still holding chips (its
//!   `all_in_status`), or after the river's betting, so the `sm` lines follow the
//!   close of that betting round and the remaining board comes after them. The order
//!   is PokerKit's (`State._begin_showdown`): from the last player to bet or raise on
//!   that street, else from the street's first actor.
//! - `ante_trimming_status = true`: a player wins from each pot only what their own
//!   contributions (antes included) cover, as this engine's pots do.
//! - `finishing_stacks`, `players` (bot names), `seats` (1-based seat numbers),
//!   `seat_count` and `hand` (1-based: hand index + 1) are optional PHH fields;
//!   `_seed` and `_hand_index` are user-defined (PHH allows keys starting with `_`)
//!   and identify the hand for `holdem-arena replay`.
//!
//! Writing allocates nothing beyond the output buffer's growth.

use crate::bot::{ActionKind, HandResult, MAX_SEATS, Street};
use crate::deal::Deal;
use crate::engine::Stakes;
use std::io::{self, Write};

/// Commentary of a check written for PokerKit, not decided by a bot: the engine
/// closes a betting round without asking a player who faces no bet when nobody else
/// in the hand has chips; PokerKit (`State._begin_betting`, `State.fold`) still
/// makes that player act. A PHH commentary (`# ...`) is part of the action notation
/// and ignored by state progression.
pub const AUTO_CHECK: &str = "# automatic check: no opponent can bet";

/// PokerKit's `State.get_effective_stack`: the chips a player can still bet that some
/// other player in the hand can match.
fn effective_stack(
    seat: usize,
    stack: &[u32; MAX_SEATS],
    bet: &[u32; MAX_SEATS],
    folded: &[bool; MAX_SEATS],
    seats: usize,
) -> u32 {
    let mut largest = 0;
    let mut second = 0;
    for s in (0..seats).filter(|&s| !folded[s]) {
        let total = bet[s] + stack[s];
        if total > largest {
            second = largest;
            largest = total;
        } else if total > second {
            second = total;
        }
    }
    stack[seat].min(second.saturating_sub(bet[seat]))
}

/// Seats due to act, in order, as PokerKit's `actor_indices` (fixed size).
#[derive(Default)]
struct ActorQueue {
    seats: [u8; MAX_SEATS],
    len: usize,
}

impl ActorQueue {
    fn push(&mut self, seat: usize) {
        self.seats[self.len] = seat as u8;
        self.len += 1;
    }

    fn remove(&mut self, seat: usize) {
        if let Some(i) = self.seats[..self.len]
            .iter()
            .position(|&s| usize::from(s) == seat)
        {
            self.seats.copy_within(i + 1..self.len, i);
            self.len -= 1;
        }
    }
}

/// What a [`HandResult`] does not carry and a PHH hand needs.
#[derive(Clone, Copy, Debug)]
pub struct HandInfo<'a> {
    /// Run seed (with the hand index it fixes the cards).
    pub seed: u64,
    /// Hand index within the run (0-based).
    pub hand_index: u64,
    /// The hand's button seat (`hand_index % seats` outside sessions).
    pub button: usize,
    /// Bot name by seat.
    pub names: &'a [&'a str],
    /// Blinds and ante, in chips.
    pub stakes: Stakes,
    /// The hand's cards (hole cards of every seat, the five board cards).
    pub deal: &'a Deal,
}

/// The hand's PHH players: the seats dealt in, clockwise from the one left of the
/// button (`p1`; the button is the last), without the seats sitting out of a session
/// hand, which PHH does not list.
#[derive(Clone, Copy, Debug)]
pub struct Players {
    /// Seat of player index `p` (0-based: `p1` is 0), for `p < count`.
    seat: [usize; MAX_SEATS],
    /// Player index of each seat (meaningless for a seat sitting out).
    player: [usize; MAX_SEATS],
    /// Players dealt in.
    pub count: usize,
}

impl Players {
    /// The players of a hand at `seats` seats with the button on `button` and the
    /// seats in the bit mask `sitting_out` left out.
    pub fn new(button: usize, seats: usize, sitting_out: u16) -> Players {
        let mut p = Players {
            seat: [0; MAX_SEATS],
            player: [0; MAX_SEATS],
            count: 0,
        };
        for k in 1..=seats {
            let s = (button + k) % seats;
            if sitting_out >> s & 1 == 0 {
                p.seat[p.count] = s;
                p.player[s] = p.count;
                p.count += 1;
            }
        }
        p
    }

    /// Seat of player index `player` (0-based).
    pub fn seat_of(&self, player: usize) -> usize {
        self.seat[player]
    }

    /// Player index (0-based) of a seat dealt in.
    pub fn player_of(&self, seat: usize) -> usize {
        self.player[seat]
    }
}

/// Writes one hand as PHH table `[table_number]` to `out`.
///
/// # Errors
/// Any error of `out`.
pub fn write_hand<W: Write>(
    out: &mut W,
    table_number: u64,
    info: &HandInfo<'_>,
    result: &HandResult<'_>,
) -> io::Result<()> {
    let table_seats = result.starting_stacks.len();
    let players = Players::new(info.button, table_seats, result.sitting_out);
    let seats = players.count;
    let seat_of = |p: usize| players.seat_of(p);
    let stakes = info.stakes;

    writeln!(out, "[{table_number}]")?;
    writeln!(out, "variant = \"NT\"")?;
    writeln!(out, "ante_trimming_status = true")?;
    write_list(out, "antes", (0..seats).map(|_| stakes.ante_chips))?;
    write_list(
        out,
        "blinds_or_straddles",
        (0..seats).map(|p| match p {
            0 => stakes.small_blind_chips,
            1 => stakes.big_blind_chips,
            _ => 0,
        }),
    )?;
    writeln!(out, "min_bet = {}", stakes.big_blind_chips)?;
    write_list(
        out,
        "starting_stacks",
        (0..seats).map(|p| result.starting_stacks[seat_of(p)]),
    )?;

    writeln!(out, "actions = [")?;
    for p in 0..seats {
        let [a, b] = info.deal.hole_cards[seat_of(p)];
        writeln!(out, "  \"d dh p{} {a}{b}\",", p + 1)?;
    }
    write_actions(out, info, result, &players)?;
    writeln!(out, "]")?;

    write_list(
        out,
        "finishing_stacks",
        (0..seats).map(|p| result.final_stacks[seat_of(p)]),
    )?;
    writeln!(out, "hand = {}", info.hand_index + 1)?;
    write!(out, "players = [")?;
    for p in 0..seats {
        let sep = if p == 0 { "" } else { ", " };
        write!(out, "{sep}\"{}\"", info.names[seat_of(p)])?;
    }
    writeln!(out, "]")?;
    write_list(out, "seats", (0..seats).map(|p| seat_of(p) + 1))?;
    writeln!(out, "seat_count = {table_seats}")?;
    // TOML integers are 64-bit signed: a larger seed is written as a string.
    if i64::try_from(info.seed).is_ok() {
        writeln!(out, "_seed = {}", info.seed)?;
    } else {
        writeln!(out, "_seed = \"{}\"", info.seed)?;
    }
    writeln!(out, "_hand_index = {}", info.hand_index)?;
    writeln!(out)
}

fn write_list<W: Write, T: std::fmt::Display>(
    out: &mut W,
    key: &str,
    values: impl Iterator<Item = T>,
) -> io::Result<()> {
    write!(out, "{key} = [")?;
    for (i, v) in values.enumerate() {
        let sep = if i == 0 { "" } else { ", " };
        write!(out, "{sep}{v}")?;
    }
    writeln!(out, "]")
}

/// The betting, board and showdown lines of `actions`, after the hole cards.
fn write_actions<W: Write>(
    out: &mut W,
    info: &HandInfo<'_>,
    result: &HandResult<'_>,
    players: &Players,
) -> io::Result<()> {
    let table_seats = result.starting_stacks.len();
    let seats = players.count;
    let player_of = |seat: usize| players.player_of(seat);
    let seat_of = |p: usize| players.seat_of(p);
    let stakes = info.stakes;

    // Replay the chips to know when PokerKit starts the showdown.
    let mut stack = [0u32; MAX_SEATS];
    let mut bet = [0u32; MAX_SEATS];
    let mut folded = [false; MAX_SEATS];
    stack[..table_seats].copy_from_slice(result.starting_stacks);
    for (s, chips) in stack.iter_mut().enumerate().take(table_seats) {
        if result.sat_out(s) {
            (*chips, folded[s]) = (0, true); // not in the hand
        } else {
            *chips -= stakes.ante_chips.min(*chips);
        }
    }
    // Blinds by player index: p1 small blind, p2 big blind; heads-up reversed.
    let (sb_player, bb_player) = if seats == 2 { (1, 0) } else { (0, 1) };
    for (p, blind) in [
        (sb_player, stakes.small_blind_chips),
        (bb_player, stakes.big_blind_chips),
    ] {
        let seat = seat_of(p);
        let paid = blind.min(stack[seat]);
        stack[seat] -= paid;
        bet[seat] += paid;
    }
    // PokerKit's preflop opener (`State._begin_betting`, `Opening.POSITION`): the
    // player after the largest blind bet, ties to the later player.
    let mut opener = (0..seats)
        .max_by_key(|&p| (if p < 2 { bet[seat_of(p)] } else { 0 }, p))
        .map_or(0, |p| (p + 1) % seats);

    let mut shown = false;
    let mut next_action = 0;
    for street in [Street::Preflop, Street::Flop, Street::Turn, Street::River] {
        if street != Street::Preflop {
            let (from, to) = match street {
                Street::Flop => (0, 3),
                Street::Turn => (3, 4),
                _ => (4, 5),
            };
            if result.board.len() < to {
                break;
            }
            write!(out, "  \"d db ")?;
            for card in &result.board[from..to] {
                write!(out, "{card}")?;
            }
            writeln!(out, "\",")?;
            bet = [0; MAX_SEATS];
            opener = 0; // postflop PokerKit opens with p1, the first seat left of the button
        }
        // PokerKit's actor queue (`State._begin_betting`): everyone in the hand with
        // chips and a non-zero effective stack, from the opener.
        let mut queue = ActorQueue::default();
        for step in 0..seats {
            let seat = seat_of((opener + step) % seats);
            if !folded[seat]
                && stack[seat] > 0
                && effective_stack(seat, &stack, &bet, &folded, table_seats) > 0
            {
                queue.push(seat);
            }
        }
        let max_bet = bet.iter().copied().max().unwrap_or(0);
        if queue.len == 1 && bet[usize::from(queue.seats[0])] >= max_bet {
            queue.len = 0;
        }
        while let Some(a) = result.actions.get(next_action) {
            if a.street != street {
                break;
            }
            next_action += 1;
            let seat = usize::from(a.seat);
            let p = player_of(seat) + 1;
            queue.remove(seat);
            match a.kind {
                ActionKind::Fold => {
                    folded[seat] = true;
                    writeln!(out, "  \"p{p} f\",")?;
                }
                ActionKind::Check => writeln!(out, "  \"p{p} cc\",")?,
                ActionKind::Call => {
                    stack[seat] -= a.amount_chips;
                    bet[seat] += a.amount_chips;
                    writeln!(out, "  \"p{p} cc\",")?;
                }
                ActionKind::Raise => {
                    stack[seat] -= a.amount_chips - bet[seat];
                    bet[seat] = a.amount_chips;
                    opener = p - 1;
                    writeln!(out, "  \"p{p} cbr {}\",", a.amount_chips)?;
                    // PokerKit's `complete_bet_or_raise_to`: everyone after the raiser
                    // in the hand with chips acts again.
                    queue.len = 0;
                    for step in 1..seats {
                        let other = seat_of((p - 1 + step) % seats);
                        if !folded[other] && stack[other] > 0 {
                            queue.push(other);
                        }
                    }
                }
            }
        }
        // The engine closes a round as soon as nobody can bet against a player who
        // faces no bet; PokerKit still asks that player (who can only check, or
        // fold). Write the check it needs, marked as not the bot's decision.
        let in_hand = (0..table_seats).filter(|&s| !folded[s]).count();
        let max_bet = bet.iter().copied().max().unwrap_or(0);
        if in_hand >= 2 {
            for &seat in &queue.seats[..queue.len] {
                let seat = usize::from(seat);
                if bet[seat] == max_bet {
                    writeln!(out, "  \"p{} cc {AUTO_CHECK}\",", player_of(seat) + 1)?;
                }
            }
        }
        let in_hand = (0..table_seats).filter(|&s| !folded[s]).count();
        let with_chips = (0..table_seats)
            .filter(|&s| !folded[s] && stack[s] > 0)
            .count();
        if !shown && in_hand >= 2 && (street == Street::River || with_chips <= 1) {
            shown = true;
            for step in 0..seats {
                let seat = seat_of((opener + step) % seats);
                if let Some(sc) = result
                    .shown_cards
                    .iter()
                    .find(|c| usize::from(c.seat) == seat)
                {
                    let [a, b] = sc.cards;
                    writeln!(out, "  \"p{} sm {a}{b}\",", player_of(seat) + 1)?;
                }
            }
        }
    }
    Ok(())
}
