//! Claw Poker's agent messages (`../shared/reference/clawpoker-api.txt`) as serde types,
//! and the conversions to and from the engine's [`Turn`] / [`Action`].
//!
//! Claw Poker writes chips as integers (`"pot": 150`); so do these types. Events carry
//! their fields in a `data` object (`{"type": "action.requested", "data": {..}}`),
//! except `auth`, `auth.success` and `action.intent`, whose fields sit at the top level,
//! as the document shows. The document gives full examples only for `auth`,
//! `auth.success`, `action.requested` and `action.intent`; for the other events it
//! names their contents ("Contains seat, action, amount"), and the field names here
//! follow those words and `action.requested`'s names (`phase`, `chips`, `community`).
//! Unnamed fields are kept in `extra`, so parsing and serializing again gives the same
//! JSON value.

use crate::bot::{Action, Turn};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The table's public events of `event` in Claw Poker's encoding (the document's
/// "Event Types" marked PUBLIC): `hand.started` for `hand_start` (`seat` the
/// recipient's), `action.committed`, `board.revealed`, and for `hand_result`
/// `showdown` (when cards were shown), one `pot.awarded` per winner and
/// `hand.finished`; nothing for the private events. `hand.started`'s `seats` are the
/// players as the hand starts (blinds and antes posted: `chips` behind, `bet`,
/// `status`), `names` the players' names by seat, `hand_id` the hand in play. One
/// owner for the encoding: the agent's session and the observer stream both send
/// these.
pub fn public_messages(
    event: &crate::bot::Event<'_>,
    seat: u8,
    hand_id: &str,
    names: &[String],
) -> Vec<Message> {
    use crate::bot::Event;
    use Envelope as E;
    use Message as M;
    let hand = hand_id.to_string();
    match *event {
        Event::HandStart {
            hand_id,
            button_seat,
            small_blind_chips,
            big_blind_chips,
            ante_chips,
            players,
            ..
        } => vec![M::HandStarted(E::new(HandStarted {
            hand_id: hand_id.to_string(),
            seat,
            button: button_seat,
            small_blind: u64::from(small_blind_chips),
            big_blind: u64::from(big_blind_chips),
            ante: (ante_chips > 0).then_some(u64::from(ante_chips)),
            seats: players.iter().map(ClawPlayer::from).collect(),
        }))],
        Event::PlayerAction {
            record,
            stack_chips,
            pot_chips,
        } => vec![M::ActionCommitted(E::new(ActionCommitted {
            hand_id: hand,
            seat: record.seat,
            action: record.wire_action().into(),
            amount: record.wire_amount_chips().map(u64::from),
            phase: record.street.as_str().into(),
            chips: u64::from(stack_chips),
            pot: u64::from(pot_chips),
        }))],
        Event::CommunityCards { cards, street } => vec![M::BoardRevealed(E::new(BoardRevealed {
            hand_id: hand,
            phase: street.as_str().into(),
            community: cards.iter().map(|c| c.to_string()).collect(),
        }))],
        Event::HandResult(r) => {
            let mut out = Vec::with_capacity(r.winners.len() + 2);
            if !r.shown_cards.is_empty() {
                out.push(M::Showdown(E::new(Showdown {
                    hand_id: hand.clone(),
                    hands: r
                        .shown_cards
                        .iter()
                        .map(|s| ShownHand {
                            seat: s.seat,
                            cards: s.cards.iter().map(|c| c.to_string()).collect(),
                        })
                        .collect(),
                })));
            }
            for w in r.winners {
                out.push(M::PotAwarded(E::new(PotAwarded {
                    hand_id: hand.clone(),
                    seat: w.seat,
                    agent: w.name.to_string(),
                    amount: u64::from(w.amount_chips),
                    hand_name: w.strength.map(|s| s.description().to_string()),
                })));
            }
            let stacks = r
                .final_stacks
                .iter()
                .enumerate()
                .map(|(s, &c)| ClawPlayer {
                    seat: s as u8,
                    name: names.get(s).cloned().unwrap_or_default(),
                    chips: u64::from(c),
                    status: None,
                    bet: None,
                })
                .collect();
            out.push(M::HandFinished(E::new(HandFinished {
                hand_id: hand,
                stacks,
            })));
            out
        }
        _ => Vec::new(),
    }
}

/// Unnamed fields kept verbatim.
pub type Extra = Map<String, Value>;

/// A Claw Poker message in either direction, tagged by its dotted `type`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(tag = "type")]
pub enum Message {
    /// `auth` (agent to server): the credentials.
    #[serde(rename = "auth")]
    Auth(Auth),
    /// `auth.success`: authenticated.
    #[serde(rename = "auth.success")]
    AuthSuccess(AuthSuccess),
    /// `hand.started`: a new hand; hand id, seats, blinds.
    #[serde(rename = "hand.started")]
    HandStarted(Envelope<HandStarted>),
    /// `cards.dealt.private`: the agent's hole cards.
    #[serde(rename = "cards.dealt.private")]
    CardsDealt(Envelope<CardsDealt>),
    /// `action.requested`: the agent must act.
    #[serde(rename = "action.requested")]
    ActionRequested(Envelope<ActionRequested>),
    /// `action.intent` (agent to server): the answer.
    #[serde(rename = "action.intent")]
    ActionIntent(ActionIntent),
    /// `action.committed`: a player acted.
    #[serde(rename = "action.committed")]
    ActionCommitted(Envelope<ActionCommitted>),
    /// `board.revealed`: community cards (flop, turn, river).
    #[serde(rename = "board.revealed")]
    BoardRevealed(Envelope<BoardRevealed>),
    /// `pot.awarded`: a winner and the chips it won.
    #[serde(rename = "pot.awarded")]
    PotAwarded(Envelope<PotAwarded>),
    /// `showdown`: the hole cards shown.
    #[serde(rename = "showdown")]
    Showdown(Envelope<Showdown>),
    /// `hand.finished`: final chip stacks.
    #[serde(rename = "hand.finished")]
    HandFinished(Envelope<HandFinished>),
    /// `timeout.triggered`: an agent timed out and the auto-action was applied.
    #[serde(rename = "timeout.triggered")]
    TimeoutTriggered(Envelope<TimeoutTriggered>),
    /// `error` (offline server's *extension*: the document names none): a malformed or
    /// rejected message; the agent may answer again before its time runs out.
    #[serde(rename = "error")]
    Error(Envelope<ErrorData>),
}

/// An event's `data` object plus any unnamed top-level fields (`table_id` on the
/// observer stream).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Envelope<T> {
    /// `data`.
    pub data: T,
    /// Unnamed fields.
    #[serde(flatten)]
    pub extra: Extra,
}

impl<T> Envelope<T> {
    /// `data` with no other fields.
    pub fn new(data: T) -> Envelope<T> {
        Envelope {
            data,
            extra: Extra::new(),
        }
    }
}

/// `auth`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Auth {
    /// `agent_id`.
    pub agent_id: String,
    /// `secret`.
    pub secret: String,
    /// Unnamed fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `auth.success`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct AuthSuccess {
    /// `agent_id`.
    pub agent_id: String,
    /// `agent_name`.
    pub agent_name: String,
    /// `chips`: the agent's balance.
    pub chips: u64,
    /// Unnamed fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A seat in `hand.started.data.seats` and `action.requested.data.players`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ClawPlayer {
    /// `seat`.
    pub seat: u8,
    /// `name`.
    pub name: String,
    /// `chips`: chips behind.
    pub chips: u64,
    /// `status`: `active`, `folded` or `all_in`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// `bet`: chips bet this street.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bet: Option<u64>,
}

impl From<&crate::bot::PlayerView<'_>> for ClawPlayer {
    fn from(p: &crate::bot::PlayerView<'_>) -> ClawPlayer {
        ClawPlayer {
            seat: p.seat,
            name: p.name.to_string(),
            chips: u64::from(p.stack_chips),
            status: Some(p.status.as_str().to_string()),
            bet: Some(u64::from(p.bet_chips)),
        }
    }
}

/// `hand.started.data`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct HandStarted {
    /// `hand_id`.
    pub hand_id: String,
    /// `seat`: the agent's seat.
    pub seat: u8,
    /// `button`: the dealer seat.
    pub button: u8,
    /// `small_blind`.
    pub small_blind: u64,
    /// `big_blind`.
    pub big_blind: u64,
    /// `ante` per player (absent: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ante: Option<u64>,
    /// `seats`: the seat assignments.
    pub seats: Vec<ClawPlayer>,
}

/// `cards.dealt.private.data`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct CardsDealt {
    /// `hand_id`.
    pub hand_id: String,
    /// `seat`.
    pub seat: u8,
    /// `cards`: two card strings.
    pub cards: Vec<String>,
}

/// One entry of `action_history`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct HistoryEntry {
    /// `seat`.
    pub seat: u8,
    /// `action`.
    pub action: String,
    /// `amount`: a call's chips, a raise's "raise to" total (absent for check/fold).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<u64>,
}

/// `action.requested.data`, field for field as the document's example.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ActionRequested {
    /// `hand_id`.
    pub hand_id: String,
    /// `seat`.
    pub seat: u8,
    /// `phase`: `preflop`, `flop`, `turn`, `river`.
    pub phase: String,
    /// `pot`.
    pub pot: u64,
    /// `current_bet`: the largest street bet.
    pub current_bet: u64,
    /// `your_chips`: chips behind.
    pub your_chips: u64,
    /// `call_amount`: chips a call adds (0 when checking is free).
    pub call_amount: u64,
    /// `hole_cards`.
    pub hole_cards: Vec<String>,
    /// `community`: the board.
    pub community: Vec<String>,
    /// `legal_actions`: names among `fold`, `check`, `call`, `raise`, `all_in`.
    pub legal_actions: Vec<String>,
    /// `min_raise`: smallest "raise to" total (0 when raising is not legal).
    pub min_raise: u64,
    /// `max_raise`: largest "raise to" total (0 when raising is not legal).
    pub max_raise: u64,
    /// `action_history`: this hand's actions so far.
    pub action_history: Vec<HistoryEntry>,
    /// `players`.
    pub players: Vec<ClawPlayer>,
}

/// `action.intent`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct ActionIntent {
    /// `hand_id` of the hand being answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hand_id: Option<String>,
    /// `action`: `fold`, `check`, `call`, `raise` or `all_in`.
    pub action: String,
    /// `amount`: the "raise to" total for `raise`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<f64>,
    /// `comment`: shown to observers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Unnamed fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `action.committed.data`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ActionCommitted {
    /// `hand_id`.
    pub hand_id: String,
    /// `seat`.
    pub seat: u8,
    /// `action`.
    pub action: String,
    /// `amount` (absent for check and fold).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<u64>,
    /// `phase`.
    pub phase: String,
    /// `chips`: the actor's chips behind after acting.
    pub chips: u64,
    /// `pot` after the action.
    pub pot: u64,
}

/// `board.revealed.data`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct BoardRevealed {
    /// `hand_id`.
    pub hand_id: String,
    /// `phase`: `flop`, `turn` or `river`.
    pub phase: String,
    /// `community`: the whole board so far.
    pub community: Vec<String>,
}

/// `pot.awarded.data`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct PotAwarded {
    /// `hand_id`.
    pub hand_id: String,
    /// `seat` of the winner.
    pub seat: u8,
    /// `agent`: the winner's name.
    pub agent: String,
    /// `amount` won.
    pub amount: u64,
    /// `hand_name`, e.g. `Pair of Aces` (absent without a showdown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hand_name: Option<String>,
}

/// One shown hand in `showdown.data.hands`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ShownHand {
    /// `seat`.
    pub seat: u8,
    /// `cards`.
    pub cards: Vec<String>,
}

/// `showdown.data`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Showdown {
    /// `hand_id`.
    pub hand_id: String,
    /// `hands`: every player in the showdown.
    pub hands: Vec<ShownHand>,
}

/// `hand.finished.data`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct HandFinished {
    /// `hand_id`.
    pub hand_id: String,
    /// `stacks`: every seat's chips after the hand.
    pub stacks: Vec<ClawPlayer>,
}

/// `timeout.triggered.data`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct TimeoutTriggered {
    /// `hand_id`.
    pub hand_id: String,
    /// `seat` that timed out.
    pub seat: u8,
    /// `action` applied: `fold` or `check`.
    pub action: String,
}

/// `error.data` (extension).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ErrorData {
    /// `code`: `invalid_message` or `invalid_action`.
    pub code: String,
    /// `message`.
    pub message: String,
}

impl ActionRequested {
    /// The `action.requested` data the offline server sends for `turn`.
    pub fn from_turn(turn: &Turn<'_>) -> ActionRequested {
        let va = &turn.valid_actions;
        let mut legal = vec!["fold".to_string()];
        for (ok, name) in [
            (va.check, "check"),
            (va.call_chips.is_some(), "call"),
            (va.raise.is_some(), "raise"),
            (va.all_in_to_chips.is_some(), "all_in"),
        ] {
            if ok {
                legal.push(name.to_string());
            }
        }
        let me = turn.me();
        ActionRequested {
            hand_id: turn.hand_id.to_string(),
            seat: turn.seat,
            phase: turn.street.as_str().to_string(),
            pot: u64::from(turn.pot_chips),
            current_bet: turn
                .players
                .iter()
                .map(|p| u64::from(p.bet_chips))
                .max()
                .unwrap_or(0),
            your_chips: u64::from(me.stack_chips),
            call_amount: u64::from(va.call_chips.unwrap_or(0)),
            hole_cards: turn.hole_cards.iter().map(|c| c.to_string()).collect(),
            community: turn.community_cards.iter().map(|c| c.to_string()).collect(),
            legal_actions: legal,
            min_raise: va.raise.map_or(0, |r| u64::from(r.min_to_chips)),
            max_raise: va.raise.map_or(0, |r| u64::from(r.max_to_chips)),
            action_history: turn
                .actions
                .iter()
                .map(|a| HistoryEntry {
                    seat: a.seat,
                    action: a.wire_action().to_string(),
                    amount: (a.amount_chips > 0).then_some(u64::from(a.amount_chips)),
                })
                .collect(),
            players: turn.players.iter().map(ClawPlayer::from).collect(),
        }
    }
}

impl ActionIntent {
    /// The engine's [`Action`] this intent asks for (`None`: unknown action name, or
    /// a raise without a whole-chip amount).
    pub fn to_action(&self) -> Option<Action> {
        super::openpoker::parse_action(&self.action, self.amount)
    }
}
