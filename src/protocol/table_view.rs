//! The table as one Open Poker player sees it, kept by the server-side session
//! ([`crate::protocol::external`]) from the events it relays, for the `table_state`
//! snapshot (`../shared/reference/openpoker-websocket-protocol.txt`, "table_state":
//! "The authoritative snapshot of the table. Sent after every action and state
//! change.") and the V2 envelope's `state_hash` ("V2 Envelope Fields").
//!
//! The view is exact: `hand_start` carries the seats as posted (antes and blinds
//! paid, [`Event::HandStart`]), every `player_action` the actor's stack and the pot,
//! `community_cards` the board and `hand_result` every final stack. What a recipient
//! cannot know offline is whose turn it is when the turn is someone else's (the
//! engine asks only the actor), so `actor_seat`, `to_call`, `min_raise_to` and
//! `max_raise_to` are filled in the snapshot sent with the recipient's own
//! `your_turn` ([`TableView::snapshot`] with its [`Turn`]) and are `null` otherwise.

use crate::bot::{Event, MAX_SEATS, PlayerStatus, Turn};
use crate::cards::Card;
use crate::protocol::openpoker as op;

/// What one seat's player is told about the table; see the module documentation.
#[derive(Clone, Debug, Default)]
pub struct TableView {
    /// This player's seat.
    seat: u8,
    /// Every seat's name, stack (chips behind) and status, indexed by seat.
    names: Vec<String>,
    stacks: [u32; MAX_SEATS],
    status: [PlayerStatus; MAX_SEATS],
    dealer_seat: u8,
    small_blind_chips: u32,
    big_blind_chips: u32,
    pot_chips: u32,
    /// `preflop` .. `river`, or `showdown` once the hand is over.
    street: &'static str,
    board: Vec<Card>,
    hole_cards: Option<[Card; 2]>,
    /// No hand in play yet (before the first `hand_start`).
    between_hands: bool,
}

impl TableView {
    /// Takes in `event`, as the session relays it to this player.
    pub fn observe(&mut self, event: &Event<'_>) {
        match *event {
            Event::TableJoined { seat, players, .. } => {
                self.seat = seat;
                self.names = players.iter().map(|p| p.name.to_string()).collect();
                for p in players.iter().take(MAX_SEATS) {
                    self.stacks[usize::from(p.seat)] = p.stack_chips;
                    self.status[usize::from(p.seat)] = PlayerStatus::Active;
                }
                self.between_hands = true;
                self.street = "preflop";
                self.board.clear();
                self.hole_cards = None;
                self.pot_chips = 0;
            }
            Event::HandStart {
                seat,
                button_seat,
                small_blind_chips,
                big_blind_chips,
                players,
                pot_chips,
                ..
            } => {
                self.seat = seat;
                self.dealer_seat = button_seat;
                self.small_blind_chips = small_blind_chips;
                self.big_blind_chips = big_blind_chips;
                self.pot_chips = pot_chips;
                for p in players.iter().take(MAX_SEATS) {
                    self.stacks[usize::from(p.seat)] = p.stack_chips;
                    self.status[usize::from(p.seat)] = p.status;
                }
                self.street = "preflop";
                self.board.clear();
                self.hole_cards = None;
                self.between_hands = false;
            }
            Event::HoleCards { cards } => self.hole_cards = Some(cards),
            Event::PlayerAction {
                record,
                stack_chips,
                pot_chips,
            } => {
                let s = usize::from(record.seat).min(MAX_SEATS - 1);
                self.stacks[s] = stack_chips;
                self.pot_chips = pot_chips;
                self.status[s] = if record.wire_action() == "fold" {
                    PlayerStatus::Folded
                } else if stack_chips == 0 {
                    PlayerStatus::AllIn
                } else {
                    PlayerStatus::Active
                };
            }
            Event::CommunityCards { cards, street } => {
                self.board.clear();
                self.board.extend_from_slice(cards);
                self.street = street.as_str();
            }
            Event::HandResult(r) => {
                for (s, &stack) in r.final_stacks.iter().enumerate().take(MAX_SEATS) {
                    self.stacks[s] = stack;
                }
                self.board.clear();
                self.board.extend_from_slice(r.board);
                self.pot_chips = 0;
                self.street = "showdown";
            }
            Event::ActionRejected { .. }
            | Event::Busted { .. }
            | Event::Rebought { .. }
            | Event::PlayerLeft { .. } => {}
        }
    }

    /// Takes in the recipient's own turn: the engine's authoritative view of every
    /// seat at the moment it must act.
    pub fn turn(&mut self, turn: &Turn<'_>) {
        for p in turn.players.iter().take(MAX_SEATS) {
            self.stacks[usize::from(p.seat)] = p.stack_chips;
            self.status[usize::from(p.seat)] = p.status;
        }
        self.pot_chips = turn.pot_chips;
        self.board.clear();
        self.board.extend_from_slice(turn.community_cards);
        self.street = turn.street.as_str();
        self.hole_cards = Some(turn.hole_cards);
    }

    /// The `table_state` message: every seat (`status` `active`, `folded` or
    /// `all_in`; `in_hand` while it holds cards), the pot, the board, and `hero` (this
    /// player's seat and hole cards, with `valid_actions` when `turn` is its own
    /// turn, which also fills `actor_seat`, `to_call` and the raise bounds).
    /// `waiting_reason` is `waiting_for_players` before the first hand.
    pub fn snapshot(&self, turn: Option<&Turn<'_>>) -> op::TableState {
        let seats = self.names.len().min(MAX_SEATS);
        let in_hand = |s: usize| {
            !self.between_hands
                && matches!(self.status[s], PlayerStatus::Active | PlayerStatus::AllIn)
        };
        op::TableState {
            street: self.street.to_string(),
            dealer_seat: self.dealer_seat,
            small_blind: op::chips(self.small_blind_chips),
            big_blind: op::chips(self.big_blind_chips),
            pot: op::chips(self.pot_chips),
            actor_seat: turn.map(|t| t.seat),
            to_call: op::chips(turn.map_or(0, |t| t.to_call_chips)),
            min_raise_to: turn
                .and_then(|t| t.valid_actions.raise.map(|r| op::chips(r.min_to_chips))),
            max_raise_to: turn
                .and_then(|t| t.valid_actions.raise.map(|r| op::chips(r.max_to_chips))),
            board: self.board.iter().map(Card::to_string).collect(),
            seats: (0..seats)
                .map(|s| op::SeatState {
                    seat: s as u8,
                    name: Some(self.names[s].clone()),
                    stack: op::chips(self.stacks[s]),
                    status: self.status[s].as_str().to_string(),
                    in_hand: in_hand(s),
                })
                .collect(),
            hero: Some(op::Hero {
                seat: self.seat,
                hole_cards: self
                    .hole_cards
                    .map(|h| h.iter().map(Card::to_string).collect())
                    .unwrap_or_default(),
                valid_actions: turn.map_or_else(Vec::new, |t| op::valid_actions(&t.valid_actions)),
            }),
            waiting_reason: self
                .between_hands
                .then(|| "waiting_for_players".to_string()),
            extra: op::Extra::new(),
        }
    }
}
