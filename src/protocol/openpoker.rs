//! Open Poker's wire messages (`../shared/reference/openpoker-websocket-protocol.txt`),
//! as serde types, and the conversions between them and the engine's [`Turn`] /
//! [`Action`].
//!
//! Field names, `null` fields and float chip amounts are exactly as the protocol
//! document shows them: chips are `f64` on the wire (`2000.0`) and integers inside
//! the engine. Every message struct keeps fields it does not name (the V2 envelope's
//! `table_seq`, `ts`, ... or anything newer) in `extra`, so a message parsed and
//! serialized again is the same JSON value. Fields marked *extension* are not in the
//! document; the offline server sends them so an external bot sees everything an
//! in-process bot sees, and they are left out when absent.

use super::WireError;
use crate::bot::{Action, Turn, ValidActions};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Unnamed fields kept verbatim (V2 envelope fields and anything newer).
pub type Extra = Map<String, Value>;

/// `join_lobby.buy_in`'s smallest value in chips (protocol document, "Client → Server
/// Messages": "Range: 1,000–5,000 chips").
pub const MIN_BUY_IN_CHIPS: u32 = 1000;

/// `join_lobby.buy_in`'s largest value in chips (same place).
pub const MAX_BUY_IN_CHIPS: u32 = 5000;

/// The buy-in of a `join_lobby` without one or with one out of range, in chips (same
/// place: "Default: 2,000 if omitted or out of range").
pub const DEFAULT_BUY_IN_CHIPS: u32 = 2000;

/// Seconds the server waits for an `action` before it auto-folds (or auto-checks)
/// (protocol document, "Timeouts": "Action response | 120 seconds").
pub const ACTION_TIMEOUT_S: u64 = 120;

/// Reads `null` as the type's default (an empty list, `0.0`, `""`); with
/// `#[serde(default)]` a missing field reads the same. Serializing is unchanged.
fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A message the server sends, tagged by its `type`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMessage {
    /// `connected`: authentication succeeded.
    Connected(Connected),
    /// `error`: a protocol violation or server error.
    Error(ErrorMessage),
    /// `table_joined`: the bot was seated.
    TableJoined(TableJoined),
    /// `hand_start`: a new hand begins.
    HandStart(HandStart),
    /// `hole_cards`: the bot's two private cards.
    HoleCards(HoleCards),
    /// `your_turn`: the bot must act.
    YourTurn(YourTurn),
    /// `action_ack`: the bot's action was accepted.
    ActionAck(ActionAck),
    /// `action_rejected`: the bot's action was invalid; it may try again.
    ActionRejected(ActionRejected),
    /// `player_action`: a player (maybe the bot) acted.
    PlayerAction(PlayerAction),
    /// `community_cards`: board cards were dealt.
    CommunityCards(CommunityCards),
    /// `hand_result`: the hand is over.
    HandResult(HandResultMessage),
    /// `table_state`: the authoritative table snapshot.
    TableState(TableState),
    /// `busted`: the bot is out of chips.
    Busted(Busted),
    /// `resync_response`: catch-up data after a reconnect.
    ResyncResponse(ResyncResponse),
}

impl ServerMessage {
    /// The `type` of every variant of this enum.
    pub const TYPES: &[&str] = &[
        "connected",
        "error",
        "table_joined",
        "hand_start",
        "hole_cards",
        "your_turn",
        "action_ack",
        "action_rejected",
        "player_action",
        "community_cards",
        "hand_result",
        "table_state",
        "busted",
        "resync_response",
    ];

    /// The `type` of every server message the protocol document lists ("Server →
    /// Client Messages"), those this enum models ([`ServerMessage::TYPES`]) and those
    /// it does not (`lobby_joined`, `player_joined`, `table_closed`, ...).
    pub const DOCUMENTED_TYPES: &[&str] = &[
        "connected",
        "error",
        "lobby_joined",
        "table_joined",
        "hand_start",
        "hole_cards",
        "your_turn",
        "action_ack",
        "action_rejected",
        "player_action",
        "community_cards",
        "hand_result",
        "busted",
        "player_joined",
        "player_left",
        "table_closed",
        "table_state",
        "resync_response",
        "rebuy_confirmed",
        "auto_rebuy_set",
        "auto_rebuy_scheduled",
        "season_ended",
    ];
}

impl ServerMessage {
    /// The V2 envelope's `stream` of this message when it carries the envelope
    /// (protocol document, "V2 Envelope Fields": "These fields appear on: hand_start,
    /// hole_cards, your_turn, player_action, community_cards, hand_result,
    /// action_ack, table_state, and resync_response"): `state` for the snapshots
    /// (`table_state`, `resync_response`), `event` for the others; `None` for a
    /// message without it.
    pub fn stream(&self) -> Option<&'static str> {
        match self {
            ServerMessage::TableState(_) | ServerMessage::ResyncResponse(_) => Some("state"),
            ServerMessage::HandStart(_)
            | ServerMessage::HoleCards(_)
            | ServerMessage::YourTurn(_)
            | ServerMessage::PlayerAction(_)
            | ServerMessage::CommunityCards(_)
            | ServerMessage::HandResult(_)
            | ServerMessage::ActionAck(_) => Some("event"),
            _ => None,
        }
    }
}

/// The V2 envelope of a table-scoped message (protocol document, "V2 Envelope
/// Fields"), sent as fields of the message itself ([`Enveloped`]).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Envelope {
    /// `stream`: `state` for snapshots, `event` for actions and transitions.
    pub stream: String,
    /// `table_id`.
    pub table_id: String,
    /// `hand_id`: the hand in play (the last one between hands).
    pub hand_id: String,
    /// `table_seq`: increases by one with every enveloped message to this player.
    pub table_seq: u64,
    /// `hand_seq`: the same, from 1 at each `hand_start`.
    pub hand_seq: u64,
    /// `ts`: ISO 8601 UTC time of sending (RFC 3339).
    pub ts: String,
    /// `state_hash`: SHA-256 (lower-case hex) of the table state after this
    /// message as this player is shown it: the JSON text of the `table_state` that
    /// follows it (or comes with it), without `hero` and the envelope.
    pub state_hash: String,
}

/// A server message and its envelope, serialized as one JSON object.
#[derive(Serialize, Debug)]
pub struct Enveloped<'a> {
    /// The message (its `type` and fields).
    #[serde(flatten)]
    pub message: &'a ServerMessage,
    /// The envelope's fields.
    #[serde(flatten)]
    pub envelope: &'a Envelope,
}

/// A message the client (the bot) sends, tagged by its `type`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMessage {
    /// `join_lobby`: enter the matchmaking queue.
    JoinLobby(JoinLobby),
    /// `action`: the answer to a `your_turn`.
    Action(ActionMessage),
    /// `rebuy`: buy back in after busting.
    Rebuy(Rebuy),
    /// `leave_table`: leave the current table.
    LeaveTable(Empty),
    /// `resync_request`: ask for missed events.
    ResyncRequest(ResyncRequest),
    /// `set_auto_rebuy`: toggle automatic rebuy.
    SetAutoRebuy(SetAutoRebuy),
}

/// A message with no named fields (`leave_table`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct Empty {
    /// Unnamed fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `connected`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Connected {
    /// `agent_id`: the bot's id.
    pub agent_id: String,
    /// `name`: the bot's registered name.
    pub name: String,
    /// `season_mode`.
    pub season_mode: bool,
    /// Unnamed fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `error`: `{"type": "error", "code": .., "message": ..}`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ErrorMessage {
    /// `code`, e.g. `invalid_message`, `unknown_message`.
    pub code: String,
    /// `message`: human-readable description.
    pub message: String,
    /// Unnamed fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A seat as `table_joined.players[]` and `your_turn.players[]` list it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct SeatPlayer {
    /// `seat`.
    pub seat: u8,
    /// `name` (`null` or absent reads as `""`).
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    /// `stack`: chips behind.
    pub stack: f64,
    /// *Extension*: chips bet on the current street.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bet: Option<f64>,
    /// *Extension*: `active`, `folded` or `all_in`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Unnamed fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `table_joined`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct TableJoined {
    /// `table_id`.
    pub table_id: String,
    /// `seat`: the bot's seat.
    pub seat: u8,
    /// `players`: everyone seated.
    pub players: Vec<SeatPlayer>,
    /// Unnamed fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `hand_start.blinds`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Blinds {
    /// `small`: the small blind.
    pub small: f64,
    /// `big`: the big blind.
    pub big: f64,
    /// *Extension*: ante per player (absent: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ante: Option<f64>,
}

/// `hand_start`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct HandStart {
    /// `hand_id`.
    pub hand_id: String,
    /// `seat`: the bot's seat.
    pub seat: u8,
    /// `dealer_seat`: the button.
    pub dealer_seat: u8,
    /// `blinds`.
    pub blinds: Blinds,
    /// Unnamed fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `hole_cards`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct HoleCards {
    /// `cards`: two card strings such as `"Ah"`.
    pub cards: Vec<String>,
    /// Unnamed fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One entry of `valid_actions`: `{"action": "fold"}`, `{"action": "call", "amount":
/// 20.0}`, `{"action": "raise", "min": 40.0, "max": 2000.0}`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ValidAction {
    /// `action`: `fold`, `check`, `call`, `raise` or `all_in`.
    pub action: String,
    /// `amount`: for `call` the chips the call adds; for `all_in` (*extension*) the
    /// street total the all-in reaches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<f64>,
    /// `min`: smallest "raise to" total (`raise` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// `max`: largest "raise to" total (`raise` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
}

/// `your_turn`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct YourTurn {
    /// `valid_actions`.
    pub valid_actions: Vec<ValidAction>,
    /// `pot`: every chip committed this hand.
    pub pot: f64,
    /// `community_cards`: the board so far (`null` or absent reads as none).
    #[serde(default, deserialize_with = "null_as_default")]
    pub community_cards: Vec<String>,
    /// `players`: every seat (`null` or absent reads as none).
    #[serde(default, deserialize_with = "null_as_default")]
    pub players: Vec<SeatPlayer>,
    /// `min_raise`: smallest "raise to" total (`null` when raising is not offered).
    pub min_raise: Option<f64>,
    /// `max_raise`: largest "raise to" total (`null` when raising is not offered).
    pub max_raise: Option<f64>,
    /// `turn_token`: echo it in the `action`.
    pub turn_token: String,
    /// *Extension* (as `table_state.to_call`): chips needed to call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_call: Option<f64>,
    /// *Extension* (as `table_state.street`): `preflop`, `flop`, `turn`, `river`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    /// Unnamed fields (the V2 envelope's `hand_id` among them).
    #[serde(flatten)]
    pub extra: Extra,
}

/// `action_ack`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ActionAck {
    /// `client_action_id`: echoed from the `action` (null when it had none).
    pub client_action_id: Option<String>,
    /// `status`: `accepted`.
    pub status: String,
    /// Unnamed fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `action_rejected`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ActionRejected {
    /// `reason`, e.g. `Stale or missing turn_token`, `Invalid raise amount`.
    pub reason: String,
    /// `details` (absent in some examples).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<Value>,
    /// Unnamed fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `player_action`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct PlayerAction {
    /// `seat` of the actor.
    pub seat: u8,
    /// `name` of the actor.
    pub name: String,
    /// `action`: `fold`, `check`, `call`, `raise` or `all_in`.
    pub action: String,
    /// `amount`: a call's added chips, a raise's "raise to" total; `null` for check
    /// and fold.
    pub amount: Option<f64>,
    /// `street`.
    pub street: String,
    /// `stack`: the actor's stack after acting.
    pub stack: f64,
    /// `pot` after the action.
    pub pot: f64,
    /// `to_call_before`: chips the actor faced (`null` when nothing was to call; the
    /// offline server leaves it out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_call_before: Option<f64>,
    /// Unnamed fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `community_cards`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct CommunityCards {
    /// `cards`: the whole board so far (3, 4 or 5 cards).
    pub cards: Vec<String>,
    /// `street`: `flop`, `turn` or `river`.
    pub street: String,
    /// Unnamed fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One entry of `hand_result.winners`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct WinnerEntry {
    /// `seat`.
    pub seat: u8,
    /// `name`.
    pub name: String,
    /// `stack` after the hand.
    pub stack: f64,
    /// `amount` won.
    pub amount: f64,
    /// `hand_description`, e.g. `Pair of Aces` (`null` without a showdown).
    pub hand_description: Option<String>,
}

/// One entry of `hand_result.actions`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ActionEntry {
    /// `seat`.
    pub seat: u8,
    /// `action`.
    pub action: String,
    /// `amount` (`null` for check and fold).
    pub amount: Option<f64>,
    /// `street`.
    pub street: String,
}

/// One entry of `hand_result.payouts`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Payout {
    /// `seat`.
    pub seat: u8,
    /// `amount` paid out.
    pub amount: f64,
}

/// `hand_result`. Every field but `pot` reads as empty (or `0.0`, `""`) when absent
/// or `null`: a client needs only `pot`, `winners`, `final_stacks` and `shown_cards`,
/// and copes without the last three.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct HandResultMessage {
    /// `winners`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub winners: Vec<WinnerEntry>,
    /// `pot`.
    pub pot: f64,
    /// `total_pot`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub total_pot: f64,
    /// `net_pot_after_rake` (no rake: equals `total_pot`).
    #[serde(default, deserialize_with = "null_as_default")]
    pub net_pot_after_rake: f64,
    /// `final_stacks`: seat (a string key such as `"0"`) to stack.
    #[serde(default, deserialize_with = "null_as_default")]
    pub final_stacks: BTreeMap<String, f64>,
    /// `pot_kind`: `transferable`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub pot_kind: String,
    /// `rake`: always `0.0`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub rake: f64,
    /// `rake_settled`: always `0.0`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub rake_settled: f64,
    /// `shown_cards`: seat (a string key) to its two cards.
    #[serde(default, deserialize_with = "null_as_default")]
    pub shown_cards: BTreeMap<String, Vec<String>>,
    /// `actions`: the hand's actions in order.
    #[serde(default, deserialize_with = "null_as_default")]
    pub actions: Vec<ActionEntry>,
    /// `payouts`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub payouts: Vec<Payout>,
    /// Unnamed fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One entry of `table_state.seats`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct SeatState {
    /// `seat`.
    pub seat: u8,
    /// `name` (`null` for an empty seat).
    pub name: Option<String>,
    /// `stack`.
    pub stack: f64,
    /// `status`: `active`, `empty`, ...
    pub status: String,
    /// `in_hand`.
    pub in_hand: bool,
}

/// `table_state.hero`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Hero {
    /// `seat`.
    pub seat: u8,
    /// `hole_cards`.
    pub hole_cards: Vec<String>,
    /// `valid_actions`.
    pub valid_actions: Vec<ValidAction>,
}

/// `table_state`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct TableState {
    /// `street`.
    pub street: String,
    /// `dealer_seat`.
    pub dealer_seat: u8,
    /// `small_blind`.
    pub small_blind: f64,
    /// `big_blind`.
    pub big_blind: f64,
    /// `pot`.
    pub pot: f64,
    /// `actor_seat` (`null` between actions).
    pub actor_seat: Option<u8>,
    /// `to_call`.
    pub to_call: f64,
    /// `min_raise_to`.
    pub min_raise_to: Option<f64>,
    /// `max_raise_to`.
    pub max_raise_to: Option<f64>,
    /// `board`.
    pub board: Vec<String>,
    /// `seats`.
    pub seats: Vec<SeatState>,
    /// `hero`: only for the player receiving the message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hero: Option<Hero>,
    /// `waiting_reason`: between hands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiting_reason: Option<String>,
    /// Unnamed fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `busted`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Busted {
    /// `options`: `["rebuy", "leave"]`.
    pub options: Vec<String>,
    /// Unnamed fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `resync_response`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ResyncResponse {
    /// `from_table_seq`.
    pub from_table_seq: u64,
    /// `to_table_seq`.
    pub to_table_seq: u64,
    /// `replayed_events`: the missed messages, verbatim.
    pub replayed_events: Vec<Value>,
    /// `snapshot`: a `table_state`, verbatim.
    pub snapshot: Value,
    /// `role`: `player` or `spectator`.
    pub role: String,
    /// Unnamed fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `join_lobby`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct JoinLobby {
    /// `buy_in`: 1,000 to 5,000 chips.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buy_in: Option<f64>,
    /// Unnamed fields.
    #[serde(flatten)]
    pub extra: Extra,
}

impl JoinLobby {
    /// The stack this `join_lobby` sits down with, in chips: `buy_in` cut to whole
    /// chips when it is from [`MIN_BUY_IN_CHIPS`] to [`MAX_BUY_IN_CHIPS`], else
    /// [`DEFAULT_BUY_IN_CHIPS`] (omitted, out of range, or not a number).
    pub fn buy_in_chips(&self) -> u32 {
        match self.buy_in {
            Some(b) if (f64::from(MIN_BUY_IN_CHIPS)..=f64::from(MAX_BUY_IN_CHIPS)).contains(&b) => {
                b as u32
            }
            _ => DEFAULT_BUY_IN_CHIPS,
        }
    }
}

/// `action` (client to server).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct ActionMessage {
    /// `action`: `fold`, `check`, `call`, `raise` or `all_in`.
    pub action: String,
    /// `amount`: the "raise to" total, required for `raise`, ignored otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<f64>,
    /// `client_action_id`: echoed in `action_ack`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_action_id: Option<String>,
    /// `turn_token`: from the `your_turn` being answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turn_token: Option<String>,
    /// Unnamed fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `rebuy`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Rebuy {
    /// `amount`: the desired buy-in.
    pub amount: f64,
    /// Unnamed fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `resync_request`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ResyncRequest {
    /// `table_id`.
    pub table_id: String,
    /// `last_table_seq`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_table_seq: Option<u64>,
    /// Unnamed fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `set_auto_rebuy`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct SetAutoRebuy {
    /// `enabled`.
    pub enabled: bool,
    /// Unnamed fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Chips (integers inside) as a wire amount (a float).
pub fn chips(c: u32) -> f64 {
    f64::from(c)
}

/// A wire amount as whole chips: rounded to the nearest chip; `None` if negative,
/// not finite or beyond `u32`.
pub fn to_chips(amount: f64) -> Option<u32> {
    let r = amount.round();
    (r.is_finite() && (0.0..=f64::from(u32::MAX)).contains(&r)).then_some(r as u32)
}

/// The wire's `valid_actions` list for `va` (fold first, as the document shows it).
pub fn valid_actions(va: &ValidActions) -> Vec<ValidAction> {
    let entry =
        |action: &str, amount: Option<u32>, min: Option<u32>, max: Option<u32>| ValidAction {
            action: action.to_string(),
            amount: amount.map(chips),
            min: min.map(chips),
            max: max.map(chips),
        };
    let mut list = vec![entry("fold", None, None, None)];
    if va.check {
        list.push(entry("check", None, None, None));
    }
    if let Some(c) = va.call_chips {
        list.push(entry("call", Some(c), None, None));
    }
    if let Some(r) = va.raise {
        list.push(entry(
            "raise",
            None,
            Some(r.min_to_chips),
            Some(r.max_to_chips),
        ));
    }
    if let Some(a) = va.all_in_to_chips {
        list.push(entry("all_in", Some(a), None, None));
    }
    list
}

/// Parses a wire `valid_actions` list back into [`ValidActions`] (fold is implied).
///
/// # Errors
/// An entry with an unknown action, a missing or bad amount (see [`to_chips`]), or a
/// raise whose `min` is above its `max` (a bot clamping into that range would panic).
pub fn parse_valid_actions(list: &[ValidAction]) -> Result<ValidActions, WireError> {
    let mut va = ValidActions {
        check: false,
        call_chips: None,
        raise: None,
        all_in_to_chips: None,
    };
    let amount = |a: Option<f64>, what: &str| {
        a.and_then(to_chips)
            .ok_or_else(|| format!("valid_actions: {what} without a chip amount"))
    };
    for e in list {
        match e.action.as_str() {
            "fold" => {}
            "check" => va.check = true,
            "call" => va.call_chips = Some(amount(e.amount, "call")?),
            "raise" => {
                let (min, max) = (amount(e.min, "raise min")?, amount(e.max, "raise max")?);
                if min > max {
                    return Err(WireError(format!(
                        "valid_actions: raise min {min} is above max {max} chips"
                    )));
                }
                va.raise = Some(crate::bot::RaiseRange {
                    min_to_chips: min,
                    max_to_chips: max,
                });
            }
            // The document does not give all_in an amount; without one it is the
            // raise maximum (street bet plus stack) when known.
            "all_in" => {
                va.all_in_to_chips = Some(match e.amount {
                    Some(a) => amount(Some(a), "all_in")?,
                    None => 0,
                });
            }
            other => {
                return Err(WireError(format!(
                    "valid_actions: unknown action {other:?}"
                )));
            }
        }
    }
    if va.all_in_to_chips == Some(0) {
        va.all_in_to_chips = va.raise.map(|r| r.max_to_chips);
    }
    Ok(va)
}

impl YourTurn {
    /// The `your_turn` the offline server sends for `turn`, with `turn_token`.
    /// `players[].bet`/`status`, `to_call` and `street` carry the rest of what the
    /// in-process bot sees (the session adds the V2 envelope, `hand_id` included).
    pub fn from_turn(turn: &Turn<'_>, turn_token: String) -> YourTurn {
        let raise = turn.valid_actions.raise;
        YourTurn {
            valid_actions: valid_actions(&turn.valid_actions),
            pot: chips(turn.pot_chips),
            community_cards: turn.community_cards.iter().map(|c| c.to_string()).collect(),
            players: turn
                .players
                .iter()
                .map(|p| SeatPlayer {
                    seat: p.seat,
                    name: p.name.to_string(),
                    stack: chips(p.stack_chips),
                    bet: Some(chips(p.bet_chips)),
                    status: Some(p.status.as_str().to_string()),
                    extra: Extra::new(),
                })
                .collect(),
            min_raise: raise.map(|r| chips(r.min_to_chips)),
            max_raise: raise.map(|r| chips(r.max_to_chips)),
            turn_token,
            to_call: Some(chips(turn.to_call_chips)),
            street: Some(turn.street.as_str().to_string()),
            extra: Extra::new(),
        }
    }
}

impl ActionMessage {
    /// The `action` message answering a `your_turn` whose token is `turn_token`.
    pub fn from_action(action: Action, turn_token: &str) -> ActionMessage {
        ActionMessage {
            action: action.as_str().to_string(),
            amount: match action {
                Action::Raise { to_chips } => Some(chips(to_chips)),
                _ => None,
            },
            client_action_id: None,
            turn_token: Some(turn_token.to_string()),
            extra: Extra::new(),
        }
    }

    /// The engine's [`Action`] this message asks for.
    ///
    /// # Errors
    /// The `action_rejected` reason: an unknown action name (`Action not in
    /// valid_actions`) or a `raise` without a usable amount (`Invalid raise amount`).
    pub fn to_action(&self) -> Result<Action, crate::bot::RejectReason> {
        use crate::bot::RejectReason;
        parse_action(&self.action, self.amount).ok_or(if self.action == "raise" {
            RejectReason::InvalidRaiseAmount
        } else {
            RejectReason::NotAValidAction
        })
    }
}

/// An action name (`fold`, `check`, `call`, `raise`, `all_in`) and its amount as an
/// [`Action`]; `None` for an unknown name or a raise without a whole-chip amount.
pub fn parse_action(name: &str, amount: Option<f64>) -> Option<Action> {
    Some(match name {
        "fold" => Action::Fold,
        "check" => Action::Check,
        "call" => Action::Call,
        "all_in" => Action::AllIn,
        "raise" => Action::Raise {
            to_chips: to_chips(amount?)?,
        },
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_buy_in_outside_1000_to_5000_or_missing_is_2000() {
        let join = |buy_in: Option<f64>| JoinLobby {
            buy_in,
            extra: Extra::new(),
        };
        for (buy_in, chips) in [
            (None, 2000),
            (Some(999.9), 2000),
            (Some(1000.0), 1000),
            (Some(3500.7), 3500),
            (Some(5000.0), 5000),
            (Some(5000.1), 2000),
            (Some(f64::NAN), 2000),
            (Some(-1.0), 2000),
        ] {
            assert_eq!(join(buy_in).buy_in_chips(), chips, "{buy_in:?}");
        }
    }
}
