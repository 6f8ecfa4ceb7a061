//! A Rust bot on the wire: [`Client`] drives any [`Bot`] from Open Poker server
//! messages (`../shared/reference/openpoker-websocket-protocol.txt`) and returns the
//! `action` replies, so the same bot code plays offline and online.
//!
//! `holdem-arena connect --bot NAME` runs it over JSON lines on stdin/stdout
//! ([`serve_lines`], the transport of `exec:` bots) or on an Open Poker WebSocket server
//! ([`serve_websocket`], `ws://`, or `wss://` over TLS with rustls).
//!
//! The client rebuilds the [`Turn`] an in-process bot would see from `hand_start`,
//! `hole_cards`, `player_action`, `community_cards` and `your_turn` (with the offline
//! server's extension fields `players[].bet`/`status`, `to_call` and `street` when
//! present; otherwise from its own bookkeeping). Against the offline server the bot
//! decides exactly as in-process, except that `rng_seed` is not on the wire: it is
//! derived here with `deal::bot_seed` from run seed 0, the hand id and the seat, so a randomized bot plays other (equally
//! fair) random streams.
//!
//! What a live server may send is not what the engine guarantees, so the client makes
//! the engine's invariants hold before a bot sees anything:
//! - `Turn::players[i].seat == i`: tables have gaps in their seats (the document's own
//!   `your_turn` lists seats 0 and 3), so seats absent from a message are filled with
//!   empty seats (name `""`, no chips, folded); seats at or above [`MAX_SEATS`] are
//!   left out with a note, and a turn for such a seat of our own is answered with the
//!   timeout action.
//! - Two distinct hole cards, a board of 0, 3, 4 or 5 distinct cards apart from them,
//!   a raise range with `min <= max`: a `your_turn` without these is not shown to the
//!   bot.
//! - Events name seats below [`MAX_SEATS`] only.
//!
//! Every `your_turn` gets exactly one answer: the bot's action, or, when the message
//! (or what came before it) cannot be understood, the server's own timeout action
//! (check if offered, else fold; protocol document, "Timeouts") with a note, as long as
//! the `turn_token` can be read. An `action_rejected` gets that same fallback once per
//! `your_turn`, then silence until the next one. Messages the client does not model
//! (`lobby_joined`, `player_joined`, `table_closed`, anything newer) are skipped.

use super::WireError;
use super::openpoker::{self as op, ClientMessage, ServerMessage};
use crate::bot::{
    Action, ActionKind, ActionRecord, Bot, Event, HandResult, MAX_SEATS, PlayerStatus, PlayerView,
    RejectReason, ShownCards, Street, Turn, Winner,
};
use crate::cards::{Card, CardSet};
use rustls::pki_types::{CertificateDer, ServerName};
use serde::Deserialize;
use serde_json::Value;
use std::collections::HashSet;
use std::io::{BufRead, Write};
use std::net::TcpStream;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The longest server message read, in bytes (one JSON line, or one WebSocket
/// message); a longer line is skipped with a note, a longer WebSocket message ends
/// the connection with an error. Open Poker's largest messages (`hand_result`,
/// `table_state`) are a few kilobytes.
pub const MAX_MESSAGE_BYTES: usize = 1 << 20;

/// The most `player_action`s recorded per hand (a hand has far fewer); later ones
/// are still shown to the bot as events but left out of [`Turn::actions`], with a note.
pub const MAX_ACTIONS_PER_HAND: usize = 4096;

/// The longest player name kept, in bytes; longer names are cut (at a character
/// boundary). The client keeps one name per seat (at most [`MAX_SEATS`]), replaced
/// when another player takes the seat, so names take at most `MAX_SEATS ×
/// MAX_NAME_BYTES` bytes however many players a connection sees.
pub const MAX_NAME_BYTES: usize = 64;

/// The most kinds of recurring trouble (unknown message types, high seats, ...) noted
/// once each; past that they are not noted again.
const MAX_NOTED: usize = 64;

/// The longest text from the server quoted in a note, in characters.
const QUOTE_CHARS: usize = 120;

/// What the client makes of one server message.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Reply {
    /// The message to send back, if any: the `action` answering a `your_turn` (or the
    /// fallback answering an `action_rejected`).
    pub message: Option<ClientMessage>,
    /// Notes for the user (the transports print them on stderr): a message skipped or
    /// not understood, a fallback sent, a server `error`. A few per message at most.
    pub notes: Vec<String>,
}

/// The `your_turn` answered last and what was sent for it.
struct Pending {
    token: String,
    /// What was sent: the bot's action, or the fallback.
    action: Action,
    /// The server's timeout action for that turn: check if offered, else fold.
    fallback: Action,
    /// Whether the fallback was sent already (no further answer for this turn).
    fallback_sent: bool,
}

/// One seat as the messages told it: what a [`PlayerView`] shows, with the name owned
/// here (the views shown to the bot borrow it; see [`views`]).
#[derive(Clone, Debug)]
struct Seat {
    name: String,
    stack_chips: u32,
    bet_chips: u32,
    status: PlayerStatus,
}

/// The [`PlayerView`]s of `seats` (indexed by seat), borrowing their names: what the
/// bot is shown. Allocates one vector per message; this is the wire, not the
/// in-process hot loop.
fn views(seats: &[Seat]) -> Vec<PlayerView<'_>> {
    seats
        .iter()
        .enumerate()
        .map(|(i, s)| PlayerView {
            seat: i as u8, // below MAX_SEATS
            name: &s.name,
            stack_chips: s.stack_chips,
            bet_chips: s.bet_chips,
            status: s.status,
        })
        .collect()
}

/// `name` cut to [`MAX_NAME_BYTES`] (at a character boundary).
fn cut_name(name: &str) -> &str {
    let mut end = name.len().min(MAX_NAME_BYTES);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    &name[..end]
}

/// Per-connection state: the table and the current hand as the messages told it.
pub struct Client {
    bot: Box<dyn Bot>,
    seat: u8,
    /// Indexed by seat, at most [`MAX_SEATS`] long; seats not `occupied` are empty
    /// placeholders.
    players: Vec<Seat>,
    occupied: [bool; MAX_SEATS],
    starting_stacks: Vec<u32>,
    hand_id: u64,
    button: u8,
    small_blind: u32,
    big_blind: u32,
    ante: u32,
    hole_cards: Option<[Card; 2]>,
    board: Vec<Card>,
    street: Street,
    actions: Vec<ActionRecord>,
    pending: Option<Pending>,
    notes: Vec<String>,
    noted: HashSet<String>,
}

/// Server text cut to [`QUOTE_CHARS`] characters, for a note.
fn quote(text: &str) -> String {
    match text.char_indices().nth(QUOTE_CHARS) {
        Some((i, _)) => format!("{:?}...", &text[..i]),
        None => format!("{text:?}"),
    }
}

/// Cards from their strings (`"Ah"`), all distinct.
fn parse_cards(cards: &[String]) -> Result<Vec<Card>, WireError> {
    let mut seen = CardSet::EMPTY;
    let mut out = Vec::with_capacity(cards.len().min(7));
    for c in cards {
        let card = c.parse::<Card>().map_err(|e| e.to_string())?;
        if seen.contains(card) {
            return Err(WireError(format!("card {} appears twice", quote(c))));
        }
        seen.insert(card);
        out.push(card);
    }
    Ok(out)
}

/// Two distinct hole cards.
fn parse_hole(cards: &[String]) -> Result<[Card; 2], WireError> {
    match parse_cards(cards)?[..] {
        [a, b] => Ok([a, b]),
        ref other => Err(WireError(format!("{} hole cards, expected 2", other.len()))),
    }
}

/// A board: 0, 3, 4 or 5 distinct cards, none of them a hole card.
fn parse_board(cards: &[String], hole: Option<[Card; 2]>) -> Result<Vec<Card>, WireError> {
    let board = parse_cards(cards)?;
    if ![0, 3, 4, 5].contains(&board.len()) {
        return Err(WireError(format!(
            "a board of {} cards (0, 3, 4 or 5)",
            board.len()
        )));
    }
    if let Some(hole) = hole {
        let set = CardSet::from_cards(&board);
        if let Some(c) = hole.iter().find(|&&c| set.contains(c)) {
            return Err(WireError(format!("the board holds our hole card {c}")));
        }
    }
    Ok(board)
}

/// A wire `status`; an unknown one reads as active (the server knows better).
fn status_of(name: &str) -> PlayerStatus {
    name.parse().unwrap_or(PlayerStatus::Active)
}

/// A hand id string as a number: itself when numeric, else a hash of it.
fn hand_number(id: &str) -> u64 {
    id.parse().unwrap_or_else(|_| {
        id.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        })
    })
}

/// A wire amount as chips; amounts that are not chips (negative, beyond `u32`) read
/// as 0.
fn chips(a: f64) -> u32 {
    op::to_chips(a).unwrap_or(0)
}

/// The server's timeout action for a `valid_actions` list given by its action names:
/// check if offered, else fold (protocol document, "Timeouts").
fn timeout_action<'a>(mut names: impl Iterator<Item = &'a str>) -> Action {
    if names.any(|n| n == "check") {
        Action::Check
    } else {
        Action::Fold
    }
}

/// An empty seat: what a seat absent from the server's list reads as.
const fn empty_seat() -> Seat {
    Seat {
        name: String::new(),
        stack_chips: 0,
        bet_chips: 0,
        status: PlayerStatus::Empty,
    }
}

/// The note for a seat the engine cannot model.
fn high_seat(what: &str, seat: u8) -> String {
    format!(
        "{what}: seat {seat} is beyond the {MAX_SEATS} seats this engine models (bot::MAX_SEATS); left out"
    )
}

impl Client {
    /// A client playing `bot`.
    pub fn new(bot: Box<dyn Bot>) -> Client {
        Client {
            bot,
            seat: 0,
            players: Vec::new(),
            occupied: [false; MAX_SEATS],
            starting_stacks: Vec::new(),
            hand_id: 0,
            button: 0,
            small_blind: 0,
            big_blind: 0,
            ante: 0,
            hole_cards: None,
            board: Vec::new(),
            street: Street::Preflop,
            actions: Vec::new(),
            pending: None,
            notes: Vec::new(),
            noted: HashSet::new(),
        }
    }

    fn note(&mut self, text: String) {
        self.notes.push(text);
    }

    /// Notes trouble of kind `key` the first time only (at most [`MAX_NOTED`] kinds).
    fn note_once(&mut self, key: &str, text: impl FnOnce() -> String) {
        if self.noted.len() < MAX_NOTED && self.noted.insert(key.to_string()) {
            let text = text();
            self.note(text);
        }
    }

    /// The entry of `seat`, made (an empty seat, as are any below it that were
    /// missing) if needed; `None` for a seat at or above [`MAX_SEATS`].
    fn seat_slot(&mut self, seat: u8) -> Option<&mut Seat> {
        let i = usize::from(seat);
        if i >= MAX_SEATS {
            return None;
        }
        while self.players.len() <= i {
            self.players.push(empty_seat());
        }
        Some(&mut self.players[i])
    }

    /// Seats `p` (name, stack, and bet and status when given).
    fn seat_player(&mut self, what: &str, p: &op::SeatPlayer) {
        let Some(slot) = self.seat_slot(p.seat) else {
            let key = format!("seat {what}");
            return self.note_once(&key, || high_seat(what, p.seat));
        };
        *slot = Seat {
            name: cut_name(&p.name).to_string(),
            stack_chips: chips(p.stack),
            bet_chips: p.bet.map_or(0, chips),
            status: p.status.as_deref().map_or(PlayerStatus::Active, status_of),
        };
        self.occupied[usize::from(p.seat)] = true;
    }

    /// Replaces the table with `list`.
    fn set_players(&mut self, what: &str, list: &[op::SeatPlayer]) {
        self.players.clear();
        self.occupied = [false; MAX_SEATS];
        for p in list {
            self.seat_player(what, p);
        }
    }

    fn player_mut(&mut self, seat: u8) -> Option<&mut Seat> {
        self.players.get_mut(usize::from(seat))
    }

    /// Handles one server message given as text (a JSON line, a WebSocket text frame).
    pub fn handle_text(&mut self, text: &str) -> Reply {
        match serde_json::from_str::<Value>(text) {
            Ok(value) => self.handle_value(&value),
            Err(e) => Reply {
                message: None,
                notes: vec![format!("skipping a message that is not JSON: {e}")],
            },
        }
    }

    /// Handles one server message given as a JSON value: a message of a type the
    /// client models ([`ServerMessage::TYPES`]) is parsed and handled; a `your_turn`
    /// that does not parse is still answered with the timeout action when its
    /// `turn_token` can be read; other messages are skipped (documented ones silently,
    /// except `table_closed` and `season_ended`; unknown types with one note each).
    pub fn handle_value(&mut self, value: &Value) -> Reply {
        let Some(kind) = value.get("type").and_then(Value::as_str) else {
            self.note("skipping a message without a \"type\" string".into());
            return self.reply(None);
        };
        let message = if ServerMessage::TYPES.contains(&kind) {
            match ServerMessage::deserialize(value) {
                Ok(msg) => self.dispatch(&msg),
                Err(e) if kind == "your_turn" => self.answer_unreadable_turn(value, &e),
                Err(e) => {
                    self.note(format!("skipping a {kind} message: {e}"));
                    None
                }
            }
        } else if ServerMessage::DOCUMENTED_TYPES.contains(&kind) {
            if kind == "table_closed" || kind == "season_ended" {
                let detail = value.get("reason").and_then(Value::as_str).map(quote);
                self.note(format!(
                    "{kind}{}",
                    detail.map_or(String::new(), |r| format!(": {r}"))
                ));
            }
            None
        } else {
            let kind = quote(kind);
            self.note_once(&format!("type {kind}"), || {
                format!("ignoring messages of type {kind} (not a server message this client knows)")
            });
            None
        };
        self.reply(message)
    }

    /// Handles one parsed server message.
    pub fn handle(&mut self, msg: &ServerMessage) -> Reply {
        let message = self.dispatch(msg);
        self.reply(message)
    }

    fn reply(&mut self, message: Option<ClientMessage>) -> Reply {
        Reply {
            message,
            notes: std::mem::take(&mut self.notes),
        }
    }

    fn dispatch(&mut self, msg: &ServerMessage) -> Option<ClientMessage> {
        match msg {
            ServerMessage::TableJoined(t) => self.table_joined(t),
            ServerMessage::HandStart(h) => self.hand_start(h),
            ServerMessage::HoleCards(h) => match parse_hole(&h.cards) {
                Ok(cards) => {
                    self.hole_cards = Some(cards);
                    self.bot.observe(&Event::HoleCards { cards });
                }
                Err(e) => {
                    self.hole_cards = None;
                    self.note(format!("hole_cards: {e}; skipped"));
                }
            },
            ServerMessage::CommunityCards(c) => match parse_board(&c.cards, self.hole_cards) {
                Ok(board) => {
                    self.board = board;
                    self.street = c.street.parse().unwrap_or(Street::of_board(self.board.len()));
                    for p in &mut self.players {
                        p.bet_chips = 0;
                    }
                    self.bot.observe(&Event::CommunityCards {
                        cards: &self.board,
                        street: self.street,
                    });
                }
                Err(e) => self.note(format!("community_cards: {e}; skipped")),
            },
            ServerMessage::PlayerAction(a) => self.player_action(a),
            ServerMessage::YourTurn(t) => return Some(self.your_turn(t)),
            ServerMessage::ActionRejected(r) => return self.action_rejected(r),
            ServerMessage::ActionAck(_) => self.pending = None,
            ServerMessage::HandResult(r) => self.hand_result(r),
            ServerMessage::TableState(s) => self.table_state(s),
            ServerMessage::Error(e) => {
                self.note(format!("server error {}: {}", quote(&e.code), quote(&e.message)));
            }
            ServerMessage::Busted(_) => self.note(
                "busted: out of chips (this client neither rebuys nor leaves; see the protocol document's rebuy)"
                    .into(),
            ),
            ServerMessage::Connected(_) | ServerMessage::ResyncResponse(_) => {}
        }
        None
    }

    fn table_joined(&mut self, t: &op::TableJoined) {
        self.seat = t.seat;
        self.set_players("table_joined", &t.players);
        if usize::from(t.seat) >= MAX_SEATS {
            return self.note(high_seat("table_joined: our own", t.seat));
        }
        self.seat_slot(t.seat);
        self.bot.observe(&Event::TableJoined {
            table_id: hand_number(&t.table_id),
            seat: t.seat,
            players: &views(&self.players),
        });
    }

    /// The seat after `seat` clockwise among `seats` (sorted, not empty).
    fn next_of(seats: &[usize], seat: usize) -> usize {
        seats
            .iter()
            .copied()
            .find(|&s| s > seat)
            .unwrap_or(seats[0])
    }

    fn hand_start(&mut self, h: &op::HandStart) {
        self.seat = h.seat;
        self.hand_id = hand_number(&h.hand_id);
        self.button = h.dealer_seat;
        self.small_blind = chips(h.blinds.small);
        self.big_blind = chips(h.blinds.big);
        self.ante = h.blinds.ante.map_or(0, chips);
        self.board.clear();
        self.actions.clear();
        self.street = Street::Preflop;
        self.hole_cards = None;
        self.pending = None;
        if self.seat_slot(h.seat).is_some() {
            self.occupied[usize::from(h.seat)] = true;
        }
        self.starting_stacks = self.players.iter().map(|p| p.stack_chips).collect();
        // Post antes and blinds in the bookkeeping, as the engine does: the small and
        // big blind are the next seated players after the button (heads-up: the
        // button, then the other).
        let mut seated = Vec::with_capacity(MAX_SEATS);
        for (i, p) in self.players.iter_mut().enumerate() {
            p.bet_chips = 0;
            if self.occupied[i] && p.stack_chips > 0 {
                p.status = PlayerStatus::Active;
                p.stack_chips -= self.ante.min(p.stack_chips);
                seated.push(i);
            } else {
                p.status = PlayerStatus::Folded;
            }
        }
        if seated.len() >= 2 {
            let b = usize::from(h.dealer_seat);
            let sb = if seated.len() == 2 && seated.contains(&b) {
                b
            } else {
                Self::next_of(&seated, b)
            };
            let bb = Self::next_of(&seated, sb);
            for (i, blind) in [(sb, self.small_blind), (bb, self.big_blind)] {
                let p = &mut self.players[i];
                let paid = blind.min(p.stack_chips);
                p.stack_chips -= paid;
                p.bet_chips = p.bet_chips.saturating_add(paid);
            }
        }
        if usize::from(h.seat) >= MAX_SEATS {
            return self.note(high_seat("hand_start: our own", h.seat));
        }
        let players = views(&self.players);
        let pot_chips = players.iter().map(|p| p.bet_chips).sum();
        self.bot.observe(&Event::HandStart {
            hand_id: self.hand_id,
            seat: h.seat,
            button_seat: h.dealer_seat,
            small_blind_chips: self.small_blind,
            big_blind_chips: self.big_blind,
            ante_chips: self.ante,
            players: &players,
            pot_chips,
            // The run seed is the server's secret: seed from (0, hand id, seat).
            rng_seed: crate::deal::bot_seed(0, self.hand_id, usize::from(h.seat)),
        });
    }

    fn player_action(&mut self, a: &op::PlayerAction) {
        if usize::from(a.seat) >= MAX_SEATS {
            return self.note_once("seat player_action", || high_seat("player_action", a.seat));
        }
        let street = a.street.parse().unwrap_or(self.street);
        let amount = a.amount.map_or(0, chips);
        let max_bet = self.players.iter().map(|p| p.bet_chips).max().unwrap_or(0);
        let kind = match a.action.as_str() {
            "fold" => ActionKind::Fold,
            "check" => ActionKind::Check,
            "call" => ActionKind::Call,
            "raise" => ActionKind::Raise,
            // An all-in's amount is a call's added chips (at most the bet to match)
            // or a raise's "raise to" total (above it).
            "all_in" if amount > max_bet => ActionKind::Raise,
            "all_in" => ActionKind::Call,
            other => {
                let other = quote(other);
                return self.note_once(&format!("action {other}"), || {
                    format!("player_action: unknown action {other}; skipped")
                });
            }
        };
        let stack = chips(a.stack);
        if let Some(p) = self.seat_slot(a.seat) {
            if p.name.is_empty() {
                p.name = cut_name(&a.name).to_string();
            }
            match kind {
                ActionKind::Fold => p.status = PlayerStatus::Folded,
                ActionKind::Call => p.bet_chips = p.bet_chips.saturating_add(amount),
                ActionKind::Raise => p.bet_chips = amount,
                ActionKind::Check => {}
            }
            p.stack_chips = stack;
            if stack == 0 && p.status == PlayerStatus::Active {
                p.status = PlayerStatus::AllIn;
            }
        }
        self.occupied[usize::from(a.seat)] = true;
        let record = ActionRecord {
            seat: a.seat,
            street,
            kind,
            amount_chips: amount,
            all_in: a.action == "all_in",
        };
        if self.actions.len() < MAX_ACTIONS_PER_HAND {
            self.actions.push(record);
        } else {
            self.note_once("actions", || {
                format!("more than {MAX_ACTIONS_PER_HAND} actions in a hand: later ones are left out of the bot's action history")
            });
        }
        self.bot.observe(&Event::PlayerAction {
            record,
            stack_chips: stack,
            pot_chips: chips(a.pot),
        });
    }

    /// Answers a `your_turn`: the bot's action, or the timeout action with a note when
    /// the turn cannot be shown to the bot.
    fn your_turn(&mut self, t: &op::YourTurn) -> ClientMessage {
        let fallback = timeout_action(t.valid_actions.iter().map(|a| a.action.as_str()));
        let (action, fallback_sent) = match self.ask_bot(t) {
            Ok(action) => (action, false),
            Err(why) => {
                self.note(format!(
                    "your_turn: {why}; answered {} (the server's timeout action)",
                    fallback.as_str()
                ));
                (fallback, true)
            }
        };
        self.pending = Some(Pending {
            token: t.turn_token.clone(),
            action,
            fallback,
            fallback_sent,
        });
        ClientMessage::Action(op::ActionMessage::from_action(action, &t.turn_token))
    }

    /// A `your_turn` that did not parse: the timeout action when the token can be read.
    fn answer_unreadable_turn(
        &mut self,
        value: &Value,
        error: &serde_json::Error,
    ) -> Option<ClientMessage> {
        let Some(token) = value.get("turn_token").and_then(Value::as_str) else {
            self.note(format!(
                "your_turn without a readable turn_token ({error}): not answered (the server auto-folds after {} s)",
                op::ACTION_TIMEOUT_S
            ));
            return None;
        };
        let names = value
            .get("valid_actions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|a| a.get("action").and_then(Value::as_str));
        let fallback = timeout_action(names);
        self.note(format!(
            "your_turn not understood ({error}); answered {} (the server's timeout action)",
            fallback.as_str()
        ));
        self.pending = Some(Pending {
            token: token.to_string(),
            action: fallback,
            fallback,
            fallback_sent: true,
        });
        Some(ClientMessage::Action(op::ActionMessage::from_action(
            fallback, token,
        )))
    }

    /// Builds the [`Turn`] for `t` and asks the bot.
    fn ask_bot(&mut self, t: &op::YourTurn) -> Result<Action, WireError> {
        let mut valid = op::parse_valid_actions(&t.valid_actions)?;
        if usize::from(self.seat) >= MAX_SEATS {
            return Err(high_seat("our own", self.seat).into());
        }
        let hole = self.hole_cards.ok_or("no hole_cards for this hand yet")?;
        let board = parse_board(&t.community_cards, Some(hole))?;
        if t.players.iter().any(|p| p.bet.is_some()) {
            self.set_players("your_turn", &t.players);
        } else {
            for p in &t.players {
                let known = self.occupied.get(usize::from(p.seat)) == Some(&true);
                match self.player_mut(p.seat) {
                    Some(v) if known => v.stack_chips = chips(p.stack),
                    _ => self.seat_player("your_turn", p),
                }
            }
        }
        // We are asked to act, so we are seated and in the hand.
        let seat = self.seat;
        let me = self.seat_slot(seat).ok_or("no seat")?;
        me.status = PlayerStatus::Active;
        let all_in_to = me.bet_chips.saturating_add(me.stack_chips);
        self.occupied[usize::from(seat)] = true;
        if valid.all_in_to_chips.is_none()
            && all_in_to > 0
            && t.valid_actions.iter().any(|a| a.action == "all_in")
        {
            valid.all_in_to_chips = Some(all_in_to);
        }
        let street = t
            .street
            .as_deref()
            .and_then(|s| s.parse().ok())
            .unwrap_or(Street::of_board(board.len()));
        let turn = Turn {
            hand_id: self.hand_id,
            seat,
            hole_cards: hole,
            valid_actions: valid,
            pot_chips: chips(t.pot),
            community_cards: &board,
            players: &views(&self.players),
            min_raise_chips: t.min_raise.map_or(0, chips),
            max_raise_chips: t.max_raise.map_or(0, chips),
            to_call_chips: t.to_call.map_or(valid.call_chips.unwrap_or(0), chips),
            button_seat: self.button,
            small_blind_chips: self.small_blind,
            big_blind_chips: self.big_blind,
            ante_chips: self.ante,
            street,
            actions: &self.actions,
        };
        Ok(self.bot.act(&turn))
    }

    /// Tells the bot its action was rejected and sends the timeout action, once per
    /// `your_turn`.
    fn action_rejected(&mut self, r: &op::ActionRejected) -> Option<ClientMessage> {
        let reason = quote(&r.reason);
        let Some(p) = self.pending.as_mut() else {
            self.note(format!(
                "action_rejected ({reason}) with no action of ours waiting: ignored"
            ));
            return None;
        };
        if p.fallback_sent {
            self.note(format!(
                "action_rejected ({reason}) for the fallback too: no more answers until the next your_turn"
            ));
            return None;
        }
        p.fallback_sent = true;
        let (action, fallback, token) = (p.action, p.fallback, p.token.clone());
        let lower = r.reason.to_ascii_lowercase();
        let kind = if lower.contains("raise") || lower.contains("amount") {
            RejectReason::InvalidRaiseAmount
        } else {
            RejectReason::NotAValidAction
        };
        self.bot.observe(&Event::ActionRejected {
            reason: kind,
            action,
        });
        self.note(format!(
            "action_rejected ({reason}) for {}: answered {} (the server's timeout action)",
            action.as_str(),
            fallback.as_str()
        ));
        Some(ClientMessage::Action(op::ActionMessage::from_action(
            fallback, &token,
        )))
    }

    /// `table_state.hero`: our seat and hole cards, when given and readable.
    fn table_state(&mut self, s: &op::TableState) {
        let Some(hero) = &s.hero else { return };
        self.seat = hero.seat;
        if let Ok(cards) = parse_hole(&hero.hole_cards) {
            self.hole_cards = Some(cards);
        }
    }

    fn hand_result(&mut self, r: &op::HandResultMessage) {
        // Seats the result names, besides those we know.
        let mut finals: [Option<u32>; MAX_SEATS] = [None; MAX_SEATS];
        let mut n = self.players.len().max(usize::from(self.seat) + 1);
        for (seat, &stack) in &r.final_stacks {
            match seat.parse::<usize>() {
                Ok(s) if s < MAX_SEATS => {
                    finals[s] = op::to_chips(stack);
                    n = n.max(s + 1);
                }
                _ => self.note_once("final_stacks", || {
                    format!("hand_result: final_stacks seat {} is not a seat below {MAX_SEATS}; left out", quote(seat))
                }),
            }
        }
        let mut shown = Vec::new();
        for (seat, cards) in &r.shown_cards {
            match (seat.parse::<u8>(), parse_hole(cards)) {
                (Ok(s), Ok(cards)) if usize::from(s) < MAX_SEATS => {
                    n = n.max(usize::from(s) + 1);
                    shown.push(ShownCards { seat: s, cards });
                }
                _ => self.note(format!(
                    "hand_result: shown_cards {}: not a seat below {MAX_SEATS} with two cards; left out",
                    quote(seat)
                )),
            }
        }
        let mut winners = Vec::new();
        for w in &r.winners {
            if usize::from(w.seat) >= MAX_SEATS {
                self.note_once("seat winners", || high_seat("hand_result winners", w.seat));
                continue;
            }
            n = n.max(usize::from(w.seat) + 1);
            let strength = shown.iter().find(|s| s.seat == w.seat).and_then(|s| {
                let mut seven = self.board.clone();
                seven.extend_from_slice(&s.cards);
                (self.board.len() == 5 && CardSet::from_cards(&seven).len() == 7)
                    .then(|| crate::eval::evaluate(&seven))
            });
            winners.push(Winner {
                seat: w.seat,
                name: cut_name(&w.name),
                stack_chips: chips(w.stack),
                amount_chips: chips(w.amount),
                strength,
            });
        }
        let n = n.min(MAX_SEATS);
        // A seat the hand did not start with started with what it ends with; a seat
        // without a final stack ends with what it started with (net 0 either way).
        let starting: Vec<u32> = (0..n)
            .map(|s| match self.starting_stacks.get(s) {
                Some(&c) => c,
                None => finals[s].unwrap_or(0),
            })
            .collect();
        let final_stacks: Vec<u32> = (0..n).map(|s| finals[s].unwrap_or(starting[s])).collect();
        let invalid = vec![0u32; n];
        let result = HandResult {
            hand_id: self.hand_id,
            pot_chips: chips(r.pot),
            winners: &winners,
            final_stacks: &final_stacks,
            shown_cards: &shown,
            actions: &self.actions,
            board: &self.board,
            starting_stacks: &starting,
            invalid_actions: &invalid,
            button: self.button,
            sitting_out: 0,
        };
        self.bot.observe(&Event::HandResult(&result));
        // The next hand starts from the final stacks (the offline server resets them
        // itself; a live table carries them over).
        for (s, &stack) in final_stacks.iter().enumerate() {
            if let Some(p) = self.players.get_mut(s) {
                p.stack_chips = stack;
                p.bet_chips = 0;
            }
        }
        self.pending = None;
    }
}

/// Reads one line of at most `max` bytes into `line` (without its `\n`). Returns
/// `Ok(None)` at end of input, `Ok(Some(false))` for a line longer than `max` (its
/// bytes are consumed and dropped), `Ok(Some(true))` otherwise.
fn read_line_capped(
    input: &mut impl BufRead,
    line: &mut Vec<u8>,
    max: usize,
) -> std::io::Result<Option<bool>> {
    line.clear();
    let mut fits = true;
    let mut any = false;
    loop {
        let buf = match input.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            return Ok(any.then_some(fits));
        }
        any = true;
        let (chunk, used, done) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (&buf[..i], i + 1, true),
            None => (buf, buf.len(), false),
        };
        if fits && line.len() + chunk.len() <= max {
            line.extend_from_slice(chunk);
        } else {
            fits = false;
            line.clear();
        }
        input.consume(used);
        if done {
            return Ok(Some(fits));
        }
    }
}

/// Runs `bot` over JSON lines: server messages on `input`, replies on `output` (one
/// line each, flushed at once), notes on stderr (`connect: ...`; see [`Client`]).
/// Lines longer than [`MAX_MESSAGE_BYTES`] are skipped with a note. Returns at end of
/// input.
///
/// # Errors
/// An I/O error on `input` or `output`.
pub fn serve_lines(
    bot: Box<dyn Bot>,
    mut input: impl BufRead,
    mut output: impl Write,
) -> std::io::Result<()> {
    let mut client = Client::new(bot);
    let mut line = Vec::new();
    while let Some(fits) = read_line_capped(&mut input, &mut line, MAX_MESSAGE_BYTES)? {
        if !fits {
            eprintln!("connect: skipping a line longer than {MAX_MESSAGE_BYTES} bytes");
            continue;
        }
        let Ok(text) = std::str::from_utf8(&line) else {
            eprintln!("connect: skipping a line that is not UTF-8");
            continue;
        };
        if text.trim().is_empty() {
            continue;
        }
        let reply = client.handle_text(text);
        for note in &reply.notes {
            eprintln!("connect: {note}");
        }
        if let Some(msg) = &reply.message {
            serde_json::to_writer(&mut output, msg)?;
            output.write_all(b"\n")?;
            output.flush()?;
        }
    }
    Ok(())
}

/// The idle limit of [`serve_websocket`] when none is given: 300 seconds without a
/// frame from the server (Open Poker's own action timeout is 120 s, protocol document,
/// "Timeouts"; a live server answers the client's pings long before that).
pub const DEFAULT_IDLE_LIMIT_S: f64 = 300.0;

/// The longest idle limit accepted: one day, in seconds.
pub const MAX_IDLE_LIMIT_S: f64 = 86_400.0;

/// Seconds to open the TCP connection, and for the WebSocket handshake's answer.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Seconds a write to the server may block.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);

/// The longest wait between pings while the server is quiet.
const MAX_PING_INTERVAL: Duration = Duration::from_secs(30);

/// `--buy-in`'s text as chips: a number from [`op::MIN_BUY_IN_CHIPS`] to
/// [`op::MAX_BUY_IN_CHIPS`] (the document's `join_lobby` range).
///
/// # Errors
/// One line naming the text as given and the range.
pub fn parse_buy_in(text: &str) -> Result<f64, ConnectError> {
    let b = text.trim().parse::<f64>().unwrap_or(f64::NAN);
    check_buy_in(b, text)?;
    Ok(b)
}

fn check_buy_in(b: f64, shown: &str) -> Result<(), ConnectError> {
    let range = f64::from(op::MIN_BUY_IN_CHIPS)..=f64::from(op::MAX_BUY_IN_CHIPS);
    if range.contains(&b) {
        Ok(())
    } else {
        Err(ConnectError::BadInput(format!(
            "--buy-in {shown}: give chips from {} to {} (join_lobby's range in the protocol document)",
            op::MIN_BUY_IN_CHIPS,
            op::MAX_BUY_IN_CHIPS
        )))
    }
}

/// The longest `--ca-cert` file read, in bytes: a PEM file of a few root certificates
/// is a few kilobytes (Debian's whole bundle, 144 roots, is 220 KB).
pub const MAX_CA_FILE_BYTES: u64 = 1 << 20;

/// A checked Open Poker WebSocket address and the options of [`serve_websocket`].
#[derive(Debug, Clone)]
pub struct WsTarget {
    url: String,
    request: tungstenite::handshake::client::Request,
    /// For `wss://`: what TLS checks the server's certificate against, and the name
    /// it must be for (the URL's host).
    tls: Option<(Arc<rustls::ClientConfig>, ServerName<'static>)>,
    buy_in: Option<f64>,
    idle_limit: Duration,
}

impl WsTarget {
    /// Checks the options of `holdem-arena connect --url`: `url` must be a `ws://` or
    /// `wss://` address with a host; `ca_cert` (`--ca-cert`, only with `wss://`) is a
    /// PEM file of at most [`MAX_CA_FILE_BYTES`] bytes whose certificates are trusted
    /// as roots besides the usual ones ([`webpki_roots`], Mozilla's); `api_key` (sent
    /// as `Authorization: Bearer KEY`, surrounding whitespace removed) must be a
    /// valid, non-empty header value; `buy_in` must be chips from
    /// [`op::MIN_BUY_IN_CHIPS`] to [`op::MAX_BUY_IN_CHIPS`] (the document's
    /// `join_lobby` range); `idle_limit_s` (seconds without any frame from the server
    /// before giving up, pongs included) must be more than 0 and at most
    /// [`MAX_IDLE_LIMIT_S`].
    ///
    /// # Errors
    /// One line naming the bad value by its `connect` option and what is allowed (the
    /// API key itself is never shown): a missing, unreadable or oversized CA file, one
    /// without a PEM certificate or with one that is not X.509, `--ca-cert` with a
    /// `ws://` address.
    pub fn new(
        url: &str,
        api_key: Option<&str>,
        buy_in: Option<f64>,
        idle_limit_s: f64,
        ca_cert: Option<&Path>,
    ) -> Result<WsTarget, ConnectError> {
        use tungstenite::client::IntoClientRequest;
        let example = "ws://HOST:PORT/PATH or wss://HOST/PATH, e.g. wss://openpoker.ai/ws";
        let lower = url.trim().to_ascii_lowercase();
        let secure = lower.starts_with("wss://");
        if !secure && !lower.starts_with("ws://") {
            return Err(ConnectError::BadInput(format!(
                "--url {url:?}: give a WebSocket address {example}"
            )));
        }
        let mut request = url.trim().into_client_request().map_err(|e| {
            ConnectError::BadInput(format!(
                "--url {url:?}: not a valid address ({e}); give {example}"
            ))
        })?;
        let host = request.uri().host().map(bare_host).unwrap_or_default();
        if host.is_empty() {
            return Err(ConnectError::BadInput(format!(
                "--url {url:?}: no host; give {example}"
            )));
        }
        let tls = if secure {
            let name = ServerName::try_from(host.to_string()).map_err(|_| {
                ConnectError::BadInput(format!(
                    "--url {url:?}: {host:?} is neither a DNS name nor an IP address, so TLS \
                     cannot check the server's certificate for it; give {example}"
                ))
            })?;
            Some((tls_config(ca_cert)?, name))
        } else if let Some(path) = ca_cert {
            return Err(ConnectError::BadInput(format!(
                "--ca-cert {}: only for wss:// addresses, and --url {url:?} is ws:// (no \
                 TLS); give a wss:// address or leave --ca-cert out",
                path.display()
            )));
        } else {
            None
        };
        if let Some(key) = api_key {
            let key = key.trim();
            if key.is_empty() {
                return Err(ConnectError::BadInput(
                    "OPENPOKER_API_KEY is empty: give the key or unset it".into(),
                ));
            }
            let value = format!("Bearer {key}").parse().map_err(|_| {
                ConnectError::BadInput(
                    "OPENPOKER_API_KEY is not a valid HTTP header value (it holds a control \
                     character or a non-ASCII byte): give the key exactly as Open Poker shows it"
                        .to_string(),
                )
            })?;
            request.headers_mut().insert("Authorization", value);
        }
        if let Some(b) = buy_in {
            check_buy_in(b, &b.to_string())?;
        }
        if !(idle_limit_s > 0.0 && idle_limit_s <= MAX_IDLE_LIMIT_S) {
            return Err(ConnectError::BadInput(format!(
                "--idle-limit {idle_limit_s}: give seconds, more than 0 and at most {MAX_IDLE_LIMIT_S}"
            )));
        }
        Ok(WsTarget {
            url: url.trim().to_string(),
            request,
            tls,
            buy_in,
            idle_limit: Duration::from_secs_f64(idle_limit_s),
        })
    }
}

/// A URI host without the brackets of an IPv6 address (`[::1]` is `::1`).
fn bare_host(host: &str) -> &str {
    host.trim_start_matches('[').trim_end_matches(']')
}

/// The TLS client settings of `connect --url wss://...`: rustls with its *ring*
/// provider (chosen here rather than from crate features, so no other crate's choice
/// changes it), its safe protocol versions (TLS 1.2 and 1.3), and as roots Mozilla's
/// ([`webpki_roots::TLS_SERVER_ROOTS`], built in, so nothing depends on the machine's
/// certificate store) plus the certificates of `ca_cert` (`--ca-cert`).
///
/// # Errors
/// Bad input naming `--ca-cert` and the file (see [`read_ca_certs`]).
fn tls_config(ca_cert: Option<&Path>) -> Result<Arc<rustls::ClientConfig>, ConnectError> {
    let mut roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    if let Some(path) = ca_cert {
        for (i, cert) in read_ca_certs(path)?.into_iter().enumerate() {
            roots.add(cert).map_err(|e| {
                let why = match e {
                    rustls::Error::InvalidCertificate(c) => c.to_string(),
                    e => e.to_string(),
                };
                ConnectError::BadInput(format!(
                    "--ca-cert {}: certificate {} is not a usable X.509 certificate ({why}); \
                     give PEM CERTIFICATE blocks",
                    path.display(),
                    i + 1
                ))
            })?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ConnectError::Failed(format!("cannot set up TLS: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// The certificates (`-----BEGIN CERTIFICATE-----` blocks) of the PEM file at `path`;
/// other blocks (keys, ...) are skipped.
///
/// # Errors
/// Bad input naming `--ca-cert` and the file: not a regular file (checked before
/// opening, so a FIFO cannot block), unreadable, longer than [`MAX_CA_FILE_BYTES`],
/// a PEM block that does not decode, or no certificate at all.
fn read_ca_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, ConnectError> {
    use rustls::pki_types::pem::{self, PemObject};
    use std::io::Read;
    let shown = path.display();
    let bad = |what: String| {
        ConnectError::BadInput(format!(
            "--ca-cert {shown}: {what}; give a PEM file of CA certificates"
        ))
    };
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => {}
        Ok(_) => return Err(bad("not a regular file".into())),
        Err(e) => return Err(bad(format!("cannot read it ({e})"))),
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_CA_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| bad(format!("cannot read it ({e})")))?;
    if bytes.len() as u64 > MAX_CA_FILE_BYTES {
        return Err(bad(format!("longer than {MAX_CA_FILE_BYTES} bytes")));
    }
    let mut certs = Vec::new();
    for cert in CertificateDer::pem_slice_iter(&bytes) {
        certs.push(cert.map_err(|e| {
            bad(match e {
                pem::Error::MissingSectionEnd { .. } => "a PEM block has no END line".into(),
                pem::Error::IllegalSectionStart { .. } => "a malformed PEM BEGIN line".into(),
                pem::Error::Base64Decode(e) => format!("a PEM block is not base64 ({e})"),
                e => format!("not PEM ({e})"),
            })
        })?);
    }
    if certs.is_empty() {
        return Err(bad(
            "no PEM certificate in it (no -----BEGIN CERTIFICATE----- block)".into(),
        ));
    }
    Ok(certs)
}

/// Why `connect --url` could not play: bad input (exit 2) or a failed connection
/// (exit 1).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectError {
    /// A bad URL, CA file, key, buy-in or idle limit; the text names the value and
    /// what is allowed.
    #[error("{0}")]
    BadInput(String),
    /// The connection failed (TLS included: a refused certificate, a wrong host
    /// name), the server refused the key, closed abnormally or fell silent.
    #[error("{0}")]
    Failed(String),
}

impl From<String> for ConnectError {
    /// A failure while playing (after the target was checked), described by `e`.
    fn from(e: String) -> ConnectError {
        ConnectError::Failed(e)
    }
}

/// A byte stream over one TCP connection (plain, or TLS on top of it) whose read
/// timeout [`play`] sets on the TCP socket itself.
trait OverTcp: std::io::Read + Write {
    fn tcp(&self) -> &TcpStream;
}

impl OverTcp for TcpStream {
    fn tcp(&self) -> &TcpStream {
        self
    }
}

impl OverTcp for rustls::StreamOwned<rustls::ClientConnection, TcpStream> {
    fn tcp(&self) -> &TcpStream {
        &self.sock
    }
}

/// The TCP socket with reads that end at `deadline` (with [`std::io::ErrorKind::TimedOut`]),
/// however the peer spaces its bytes: what the TLS handshake reads through.
struct UntilDeadline<'a> {
    tcp: &'a TcpStream,
    deadline: Instant,
}

impl std::io::Read for UntilDeadline<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(std::io::ErrorKind::TimedOut.into());
        }
        self.tcp.set_read_timeout(Some(left))?;
        match std::io::Read::read(&mut self.tcp, buf) {
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                Err(std::io::ErrorKind::TimedOut.into())
            }
            other => other,
        }
    }
}

impl Write for UntilDeadline<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.tcp.write(buf)
    }
    /// All of `bufs` in one call, as rustls's last write before it gives up on a
    /// handshake (so its alert goes out with what was queued before it).
    fn write_vectored(&mut self, bufs: &[std::io::IoSlice<'_>]) -> std::io::Result<usize> {
        self.tcp.write_vectored(bufs)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.tcp.flush()
    }
}

/// Opens the TCP connection to `target` (each resolved address in turn, 10 s each),
/// writes bounded by 30 s, Nagle off.
fn open_tcp(target: &WsTarget) -> Result<TcpStream, ConnectError> {
    use std::net::ToSocketAddrs;
    let url = &target.url;
    let uri = target.request.uri();
    let host = bare_host(uri.host().unwrap_or_default());
    let default_port = if target.tls.is_some() { 443 } else { 80 };
    let port = uri.port_u16().unwrap_or(default_port);
    let addrs = (host, port)
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve {host}: {e}"))?;
    let mut last_error = format!("{host} has no address");
    let mut stream = None;
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT) {
            Ok(s) => {
                stream = Some(s);
                break;
            }
            Err(e) => last_error = format!("{addr}: {e}"),
        }
    }
    let stream = stream.ok_or_else(|| format!("cannot connect to {url}: {last_error}"))?;
    let io = |e: std::io::Error| format!("cannot set up the socket to {url}: {e}");
    stream.set_write_timeout(Some(WRITE_TIMEOUT)).map_err(io)?;
    stream.set_nodelay(true).map_err(io)?;
    Ok(stream)
}

/// The TLS handshake on `tcp`, over by `timeout`: the server's certificate must chain
/// to one of `config`'s roots and be for `name`.
///
/// # Errors
/// One line naming the URL and what failed: no answer in time, the connection closed,
/// the certificate refused (unknown issuer, another host's, expired, ...), or any other
/// TLS error (a server that does not speak TLS, no common protocol version).
fn tls_handshake(
    url: &str,
    config: &Arc<rustls::ClientConfig>,
    name: &ServerName<'static>,
    tcp: TcpStream,
    timeout: Duration,
) -> Result<rustls::StreamOwned<rustls::ClientConnection, TcpStream>, ConnectError> {
    let failed =
        |what: String| ConnectError::Failed(format!("TLS handshake with {url} failed: {what}"));
    let mut conn = rustls::ClientConnection::new(config.clone(), name.clone())
        .map_err(|e| failed(e.to_string()))?;
    let deadline = Instant::now() + timeout;
    let mut io = UntilDeadline {
        tcp: &tcp,
        deadline,
    };
    while conn.is_handshaking() {
        let progress = conn.complete_io(&mut io).map_err(|e| {
            failed(
                match e.get_ref().and_then(|e| e.downcast_ref::<rustls::Error>()) {
                    Some(rustls::Error::InvalidCertificate(c)) => {
                        use rustls::CertificateError as C;
                        let why = match c {
                            C::UnknownIssuer => {
                                "; it is not signed by a root this build trusts (Mozilla's, from \
                             webpki-roots) nor by one from --ca-cert"
                            }
                            C::NotValidForName | C::NotValidForNameContext { .. } => {
                                "; it is for another host than the one in --url"
                            }
                            _ => "",
                        };
                        format!("the server's certificate is refused: {c}{why}")
                    }
                    Some(tls @ rustls::Error::InvalidMessage(_)) => {
                        format!("{tls} (does the server speak TLS on this port?)")
                    }
                    Some(tls) => tls.to_string(),
                    None if e.kind() == std::io::ErrorKind::TimedOut => format!(
                        "no TLS handshake answer within {:.1} s",
                        timeout.as_secs_f64()
                    ),
                    None if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                        "the server closed the connection during the handshake (does it speak \
                         TLS on this port?)"
                            .into()
                    }
                    None => e.to_string(),
                },
            )
        })?;
        if progress == (0, 0) && Instant::now() >= deadline {
            return Err(failed(format!(
                "no TLS handshake answer within {:.1} s",
                timeout.as_secs_f64()
            )));
        }
    }
    Ok(rustls::StreamOwned::new(conn, tcp))
}

/// Plays `bot` on an Open Poker WebSocket server at `target`: over TLS for `wss://`
/// (rustls; the certificate must chain to Mozilla's roots or one from `--ca-cert` and
/// be for the URL's host), plain for `ws://`. Sends `join_lobby` (with the buy-in)
/// after `connected`, answers every `your_turn` (see [`Client`]), prints notes on
/// stderr, pings the server when it has been quiet for a while (a quarter of the idle
/// limit, at most 30 s), and gives up when no frame at all came for the idle limit.
/// Messages are at most [`MAX_MESSAGE_BYTES`]. Returns when the server closes the
/// connection normally (no code, or 1000).
///
/// # Errors
/// The connection cannot be made (10 s to connect; 10 s or the idle limit if shorter
/// for the TLS handshake, and again for the WebSocket handshake's answer), TLS fails
/// (a refused certificate, a wrong host name), the server sends `error`
/// `auth_failed`, closes with any other code (named with its reason), stays silent
/// past the idle limit, or the socket fails.
pub fn serve_websocket(bot: Box<dyn Bot>, target: &WsTarget) -> Result<(), ConnectError> {
    let tcp = open_tcp(target)?;
    let handshake_timeout = CONNECT_TIMEOUT.min(target.idle_limit);
    match &target.tls {
        None => play(bot, target, tcp, handshake_timeout),
        Some((config, name)) => {
            let tls = tls_handshake(&target.url, config, name, tcp, handshake_timeout)?;
            play(bot, target, tls, handshake_timeout)
        }
    }
}

/// The WebSocket handshake and the session of [`serve_websocket`] on an open `stream`.
fn play<S: OverTcp>(
    bot: Box<dyn Bot>,
    target: &WsTarget,
    stream: S,
    handshake_timeout: Duration,
) -> Result<(), ConnectError> {
    use tungstenite::Message;
    use tungstenite::protocol::WebSocketConfig;
    let url = &target.url;
    let io = |e: std::io::Error| format!("cannot set up the socket to {url}: {e}");
    let idle_limit = target.idle_limit;
    stream
        .tcp()
        .set_read_timeout(Some(handshake_timeout))
        .map_err(io)?;
    let config = WebSocketConfig::default()
        .max_message_size(Some(MAX_MESSAGE_BYTES))
        .max_frame_size(Some(MAX_MESSAGE_BYTES));
    let (mut ws, _) =
        tungstenite::client::client_with_config(target.request.clone(), stream, Some(config))
            .map_err(|e| match e {
                tungstenite::HandshakeError::Interrupted(_) => format!(
                    "cannot connect to {url}: no WebSocket handshake answer within {:.1} s",
                    handshake_timeout.as_secs_f64()
                ),
                tungstenite::HandshakeError::Failure(e) => format!("cannot connect to {url}: {e}"),
            })?;
    let ping_interval = (idle_limit / 4).min(MAX_PING_INTERVAL);
    let tick = ping_interval
        .min(Duration::from_secs(1))
        .max(Duration::from_millis(1));
    ws.get_ref()
        .tcp()
        .set_read_timeout(Some(tick))
        .map_err(io)?;
    let mut client = Client::new(bot);
    let send = |ws: &mut tungstenite::WebSocket<_>, msg: Message| {
        ws.send(msg).map_err(|e| format!("sending to {url}: {e}"))
    };
    let mut last_frame = Instant::now();
    let mut last_ping = Instant::now();
    loop {
        let frame = match ws.read() {
            Ok(m) => Some(m),
            Err(tungstenite::Error::Io(e))
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                None
            }
            Err(tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed) => {
                return Ok(());
            }
            Err(e) => return Err(ConnectError::Failed(format!("reading from {url}: {e}"))),
        };
        let now = Instant::now();
        let Some(frame) = frame else {
            if now.duration_since(last_frame) >= idle_limit {
                return Err(ConnectError::Failed(format!(
                    "no frame from {url} for {:.1} s (the idle limit, --idle-limit): the server is silent or gone",
                    idle_limit.as_secs_f64()
                )));
            }
            if now.duration_since(last_frame) >= ping_interval
                && now.duration_since(last_ping) >= ping_interval
            {
                send(&mut ws, Message::Ping(Default::default()))?;
                last_ping = now;
            }
            continue;
        };
        last_frame = now;
        let text = match frame {
            Message::Text(t) => t,
            Message::Close(frame) => {
                let _ = ws.flush(); // our close reply, best effort
                return match frame {
                    None => Ok(()),
                    Some(f) if u16::from(f.code) == 1000 => Ok(()),
                    Some(f) => Err(ConnectError::Failed(format!(
                        "the server closed the connection with code {} ({})",
                        u16::from(f.code),
                        if f.reason.is_empty() {
                            "no reason given".to_string()
                        } else {
                            quote(&f.reason)
                        }
                    ))),
                };
            }
            _ => continue, // pings (answered by tungstenite), pongs, binary frames
        };
        let value = match serde_json::from_str::<Value>(text.as_str()) {
            Ok(v) => v,
            Err(e) => {
                eprintln!("connect: skipping a message that is not JSON: {e}");
                continue;
            }
        };
        match value.get("type").and_then(Value::as_str) {
            Some("connected") => {
                let join = ClientMessage::JoinLobby(op::JoinLobby {
                    buy_in: target.buy_in,
                    extra: op::Extra::new(),
                });
                send(&mut ws, Message::text(to_json(&join)))?;
            }
            Some("error") if value.get("code").and_then(Value::as_str) == Some("auth_failed") => {
                let message = value.get("message").and_then(Value::as_str).unwrap_or("");
                return Err(ConnectError::Failed(format!(
                    "{url}: auth_failed: {}",
                    quote(message)
                )));
            }
            _ => {}
        }
        let reply = client.handle_value(&value);
        for note in &reply.notes {
            eprintln!("connect: {note}");
        }
        if let Some(msg) = &reply.message {
            send(&mut ws, Message::text(to_json(msg)))?;
        }
    }
}

/// A client message as JSON text (client messages always serialize: strings, finite
/// numbers and maps with string keys).
fn to_json(msg: &ClientMessage) -> String {
    serde_json::to_string(msg).unwrap_or_default()
}
