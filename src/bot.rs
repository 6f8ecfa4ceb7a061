//! The bot interface: the same decisions and events as Open Poker's wire protocol.
//!
//! A bot receives what a `your_turn` message (plus `table_state.hero`) carries as a
//! [`Turn`] and answers what an `action` message carries as an [`Action`]. It sees the
//! protocol's events as [`Event`]s. Field names below follow
//! `../shared/reference/openpoker-websocket-protocol.txt`; each field's doc names the
//! wire field it mirrors. Chips are integers here; the wire writes them as floats
//! (`2000.0`), and adapters convert at the boundary.
//!
//! Everything in a [`Turn`] or an [`Event`] borrows engine state, and a player's name
//! borrows the line-up (one lifetime, `'a`, covers both): building one allocates
//! nothing. A bot's `act(&mut self, turn: &Turn<'_>)` never names that lifetime.

use crate::cards::Card;
use crate::eval::Strength;

/// Most seats at one table.
pub const MAX_SEATS: usize = 10;

/// A poker bot. One instance plays one seat at a time (one line-up entry: with
/// `--duplicate permutations` it changes seats between hands, told its seat by
/// `TableJoined` and `HandStart`); the runner makes one per line-up entry per worker
/// from a factory and never shares it between threads (hence `Send`, not `Sync`).
///
/// Determinism: a run's results are byte-identical whatever the thread count as long as
/// a bot's decisions depend only on what it saw since the last [`Event::TableJoined`]
/// and on randomness seeded from [`Event::HandStart`]'s `rng_seed`. The runner sends
/// `TableJoined` at the start of every chunk of hands: reset memory of opponents there.
///
/// Duplicate deals (`--duplicate`, [`crate::sim`]): the runner sends `TableJoined`
/// before *every* hand, so a bot that resets there carries no memory of a deal into
/// its replays (it would otherwise know the cards of the seat it now plays).
pub trait Bot: Send {
    /// Decides the action for `turn` (a `your_turn` message). An answer outside
    /// `turn.valid_actions` is rejected as the server would (see [`RejectReason`]),
    /// counted against the bot, and replaced by the timeout action (check, else fold).
    fn act(&mut self, turn: &Turn<'_>) -> Action;

    /// Sees one table event. The default ignores it.
    fn observe(&mut self, _event: &Event<'_>) {}

    /// The kinds of event this bot wants to [`Bot::observe`]; the engine skips the
    /// call for the others (like a wire client that ignores messages, at no cost). Asked
    /// once per hand. The default is every kind; a bot that ignores every event should
    /// say [`EventKinds::NONE`].
    fn subscriptions(&self) -> EventKinds {
        EventKinds::ALL
    }

    /// Returns the protocol faults committed since the last call, and forgets them.
    /// The runner adds them to the seat's counters after every chunk of hands. Only
    /// bots behind a wire (external processes) commit such faults; the default has none.
    fn take_faults(&mut self) -> Faults {
        Faults::default()
    }

    /// Returns verbatim examples of the faults committed since the last call (the
    /// offending stdout lines of an external bot, why it crashed), at most
    /// [`FaultNotes::MAX`], and forgets them. Called with [`Bot::take_faults`]; the
    /// run keeps the first few per seat for its end-of-run fault summary. The default
    /// has none (and allocates nothing).
    fn take_fault_notes(&mut self) -> FaultNotes {
        FaultNotes::default()
    }

    /// Whether this player has left the table for good, and why; asked by sessions
    /// before every hand. A player that left sits out from then on (its stack taken
    /// off the table) and the others are told ([`Event::PlayerLeft`]). Only `serve`'s
    /// connected bots leave (`leave_table`, away, a reconnect window run out); the
    /// default never does.
    fn left_table(&mut self) -> Option<LeaveReason> {
        None
    }

    /// What this player asks of its seat's busts and rebuys (asked by sessions before
    /// every hand, after [`Bot::left_table`]; a `rebuy` is taken once asked). Only
    /// `serve`'s connected bots ask (`set_auto_rebuy`, `rebuy`); `run` keeps
    /// `--rebuy` for every seat, so that its results do not depend on when a message
    /// arrived. The default asks nothing.
    fn seat_requests(&mut self) -> SeatRequests {
        SeatRequests::default()
    }
}

/// What a player asked of its seat between hands ([`Bot::seat_requests`];
/// `openpoker-auto-rebuy.txt`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct SeatRequests {
    /// `set_auto_rebuy`: the last `enabled` it sent, if it sent one (kept from session
    /// to session: "The preference is saved for the current season"). Off, a bust
    /// waits for a `rebuy` (and a rebuy on cooldown is cancelled: "If a rebuy is
    /// pending, it is cancelled and a normal busted message is sent instead"); on,
    /// the seat buys in again by itself as `--rebuy auto` does.
    pub auto_rebuy: Option<bool>,
    /// It sent `rebuy` while busted: it buys in again with its starting stack (the
    /// first rebuy at once, later ones after the cooldown).
    pub rebuy: bool,
}

/// Why a player left the table: `player_left.reason`
/// (`openpoker-websocket-protocol.txt`, "Server → Client Messages": "On leave,
/// disconnect timeout, or kick"; the document names no strings, these are ours).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum LeaveReason {
    /// It sent `leave_table`: `"left"`.
    Left,
    /// It dropped its connection and did not reconnect within the window:
    /// `"disconnect_timeout"`.
    DisconnectTimeout,
    /// The server removed it (marked away after missed hands, `flood_kick`, stopped
    /// reading): `"kicked"`.
    Kicked,
}

impl LeaveReason {
    /// The wire's `reason` string.
    pub const fn as_str(self) -> &'static str {
        match self {
            LeaveReason::Left => "left",
            LeaveReason::DisconnectTimeout => "disconnect_timeout",
            LeaveReason::Kicked => "kicked",
        }
    }
}

/// A few verbatim examples of one seat's faults, in the order they happened, for the
/// end-of-run fault summary: at most [`FaultNotes::MAX`] are kept.
#[derive(Clone, Default, PartialEq, Eq, Debug, serde::Serialize, serde::Deserialize)]
pub struct FaultNotes(Vec<String>);

impl FaultNotes {
    /// The most notes kept per seat.
    pub const MAX: usize = 3;

    /// Keeps `note` unless [`FaultNotes::MAX`] notes are kept already.
    pub fn push(&mut self, note: String) {
        if self.0.len() < Self::MAX {
            self.0.push(note);
        }
    }

    /// Keeps `other`'s notes after these, up to [`FaultNotes::MAX`] in all.
    pub fn extend(&mut self, other: FaultNotes) {
        for note in other.0 {
            self.push(note);
        }
    }

    /// The notes kept, oldest first.
    pub fn notes(&self) -> &[String] {
        &self.0
    }

    /// Whether no note is kept.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Protocol faults of a bot behind a wire (see `src/protocol/external.rs`), counted
/// per seat and reported in `bots.csv` / `seats.csv`.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
pub struct Faults {
    /// Actions not answered in time, replaced by the timeout action (check, else fold).
    pub timeouts: u64,
    /// Lines that were not a valid message, answered with `error` `invalid_message`
    /// (or `unknown_message`); counted in the `invalid_actions` column.
    pub invalid_messages: u64,
    /// Actions answered with `action_rejected` (stale or missing `turn_token`, an
    /// action not in `valid_actions`, a raise out of range); the bot may try again.
    pub rejected_actions: u64,
    /// Times the bot's process died or stopped reading; after one its seat auto-folds.
    pub crashes: u64,
    /// Decisions the bot was asked for (`your_turn` / `action.requested` sent,
    /// including those answered for it after a crash): the denominator of the
    /// timeout share.
    pub decisions: u64,
    /// How long its decisions took (from the request to the accepted answer or the
    /// timeout); see [`crate::protocol::latency`].
    pub latency: crate::protocol::latency::Latency,
}

/// Betting round, as the wire's `street` strings: `preflop`, `flop`, `turn`, `river`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Street {
    /// Before the board: blinds, then the first betting round.
    Preflop,
    /// After the first three board cards.
    Flop,
    /// After the fourth board card.
    Turn,
    /// After the fifth board card.
    River,
}

impl Street {
    /// The wire name: `preflop`, `flop`, `turn` or `river`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Street::Preflop => "preflop",
            Street::Flop => "flop",
            Street::Turn => "turn",
            Street::River => "river",
        }
    }

    /// Number of board cards visible on this street: 0, 3, 4 or 5.
    pub const fn board_len(self) -> usize {
        match self {
            Street::Preflop => 0,
            Street::Flop => 3,
            Street::Turn => 4,
            Street::River => 5,
        }
    }

    /// The street a board of `cards` cards is on: preflop below 3, flop at 3, turn at
    /// 4, river from 5 (the inverse of [`Street::board_len`]).
    pub const fn of_board(cards: usize) -> Street {
        match cards {
            0..=2 => Street::Preflop,
            3 => Street::Flop,
            4 => Street::Turn,
            _ => Street::River,
        }
    }
}

/// A wire name that is not one of the enum's names (`Street`, `PlayerStatus`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} {name:?}: expected one of {expected}")]
pub struct UnknownName {
    /// What was being named (`street`, `status`).
    pub what: &'static str,
    /// The name as given.
    pub name: String,
    /// The names allowed, comma-separated.
    pub expected: &'static str,
}

impl std::str::FromStr for Street {
    type Err = UnknownName;

    /// The inverse of [`Street::as_str`].
    fn from_str(name: &str) -> Result<Street, UnknownName> {
        [Street::Preflop, Street::Flop, Street::Turn, Street::River]
            .into_iter()
            .find(|s| s.as_str() == name)
            .ok_or_else(|| UnknownName {
                what: "street",
                name: name.to_string(),
                expected: "preflop, flop, turn, river",
            })
    }
}

/// A player's state in the hand, as the wire's seat `status` (`active`, `folded`,
/// `all_in`; `empty` for a seat nobody sits in, as `table_state.seats[]` shows it).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum PlayerStatus {
    /// In the hand with chips behind: may still act.
    #[default]
    Active,
    /// Folded this hand.
    Folded,
    /// In the hand with no chips behind: acts no more.
    AllIn,
    /// Nobody sits there. The engine's tables have no empty seats; a live table seen
    /// through the wire client may (`table_state.seats[].status: "empty"`).
    Empty,
}

impl PlayerStatus {
    /// Every status, in the order of their wire names.
    pub const ALL: [PlayerStatus; 4] = [
        PlayerStatus::Active,
        PlayerStatus::Folded,
        PlayerStatus::AllIn,
        PlayerStatus::Empty,
    ];

    /// The wire name: `active`, `folded`, `all_in` or `empty`.
    pub const fn as_str(self) -> &'static str {
        match self {
            PlayerStatus::Active => "active",
            PlayerStatus::Folded => "folded",
            PlayerStatus::AllIn => "all_in",
            PlayerStatus::Empty => "empty",
        }
    }

    /// Whether the seat is still in the hand (active or all-in).
    pub const fn in_hand(self) -> bool {
        matches!(self, PlayerStatus::Active | PlayerStatus::AllIn)
    }
}

impl std::str::FromStr for PlayerStatus {
    type Err = UnknownName;

    /// The inverse of [`PlayerStatus::as_str`].
    fn from_str(name: &str) -> Result<PlayerStatus, UnknownName> {
        PlayerStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == name)
            .ok_or_else(|| UnknownName {
                what: "status",
                name: name.to_string(),
                expected: "active, folded, all_in, empty",
            })
    }
}

/// One seat as the wire's `your_turn.players[]` / `table_state.seats[]` entry shows it.
///
/// `'a` is the lifetime of the name, borrowed from whoever owns the line-up (the
/// run's configuration in-process, the wire client's table on the wire).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct PlayerView<'a> {
    /// `seat`: seat number, `0..seats`.
    pub seat: u8,
    /// `name`: the bot's registered name (several seats may share one).
    pub name: &'a str,
    /// `stack`: chips behind, not counting chips already bet this hand.
    pub stack_chips: u32,
    /// The player's bet on the current street in chips (what a call must match).
    pub bet_chips: u32,
    /// `status`: active, folded or all-in.
    pub status: PlayerStatus,
}

/// A raise's bounds as "raise to" totals for the street, both in chips:
/// `valid_actions[{action: "raise", min, max}]`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct RaiseRange {
    /// `min`: the smallest legal "raise to" total (equals `max_to_chips` when only an
    /// all-in short of a full raise is possible).
    pub min_to_chips: u32,
    /// `max`: the largest legal "raise to" total: the player's street bet plus stack.
    pub max_to_chips: u32,
}

/// The wire's `valid_actions` list for one decision. `fold` is always valid (Open Poker
/// always offers it), so it has no field.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct ValidActions {
    /// `{"action": "check"}` is offered: nothing to call.
    pub check: bool,
    /// `{"action": "call", "amount": A}`: chips the call adds (capped at the stack).
    pub call_chips: Option<u32>,
    /// `{"action": "raise", "min": .., "max": ..}`: raising (or betting) is allowed.
    pub raise: Option<RaiseRange>,
    /// `{"action": "all_in"}` is offered; the value is the street total ("raise to"
    /// in chips) the player's bet reaches when all-in.
    pub all_in_to_chips: Option<u32>,
}

impl ValidActions {
    /// Whether `action` is one of these valid actions (a raise must be within range).
    pub fn allows(&self, action: Action) -> bool {
        self.check_action(action).is_ok()
    }

    /// `Ok` if `action` is valid, else the server's rejection reason.
    ///
    /// # Errors
    /// [`RejectReason::NotAValidAction`] for an action not in the list,
    /// [`RejectReason::InvalidRaiseAmount`] for a raise outside `min..=max`.
    pub fn check_action(&self, action: Action) -> Result<(), RejectReason> {
        let offered = match action {
            Action::Fold => true,
            Action::Check => self.check,
            Action::Call => self.call_chips.is_some(),
            Action::AllIn => self.all_in_to_chips.is_some(),
            Action::Raise { to_chips } => {
                let Some(range) = self.raise else {
                    return Err(RejectReason::NotAValidAction);
                };
                if !(range.min_to_chips..=range.max_to_chips).contains(&to_chips) {
                    return Err(RejectReason::InvalidRaiseAmount);
                }
                true
            }
        };
        if offered {
            Ok(())
        } else {
            Err(RejectReason::NotAValidAction)
        }
    }

    /// The server's timeout action: check if legal, else fold
    /// (protocol document, "Timeouts": auto-fold, or auto-check).
    pub fn timeout_action(&self) -> Action {
        if self.check {
            Action::Check
        } else {
            Action::Fold
        }
    }
}

/// A bot's answer, as the wire's `action` message: `fold`, `check`, `call`,
/// `raise` (with `amount` = "raise to" total for the street) or `all_in`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Action {
    /// `fold`.
    Fold,
    /// `check`.
    Check,
    /// `call`: match the current bet (all-in for less if the stack is short).
    Call,
    /// `raise` to a street total of `to_chips` (a bet when nobody has bet yet).
    Raise {
        /// `amount`: the "raise to" total for the street, in chips.
        to_chips: u32,
    },
    /// `all_in`: put in every chip behind.
    AllIn,
}

impl Action {
    /// The wire name of the action.
    pub const fn as_str(self) -> &'static str {
        match self {
            Action::Fold => "fold",
            Action::Check => "check",
            Action::Call => "call",
            Action::Raise { .. } => "raise",
            Action::AllIn => "all_in",
        }
    }
}

/// Why the server rejected an `action` (the `action_rejected.reason` string).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum RejectReason {
    /// The action is not in `valid_actions` (e.g. `check` facing a bet).
    NotAValidAction,
    /// A `raise` whose amount is outside the offered `min..=max`.
    InvalidRaiseAmount,
}

impl RejectReason {
    /// The `action_rejected.reason` text.
    pub const fn as_str(self) -> &'static str {
        match self {
            RejectReason::NotAValidAction => "Action not in valid_actions",
            RejectReason::InvalidRaiseAmount => "Invalid raise amount",
        }
    }
}

/// What a player did, after the engine's validation: the kind for statistics.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ActionKind {
    /// Folded.
    Fold,
    /// Checked.
    Check,
    /// Called (possibly all-in for less).
    Call,
    /// Bet or raised (possibly an all-in short of a full raise).
    Raise,
}

/// One entry of `hand_result.actions` / one `player_action` event.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct ActionRecord {
    /// `seat` of the actor.
    pub seat: u8,
    /// `street` the action was taken on.
    pub street: Street,
    /// What was done, as accepted by the engine (a rejected action appears as its
    /// replacement: check or fold).
    pub kind: ActionKind,
    /// `amount` in chips: the chips a call added; a raise's "raise to" street total;
    /// `0` for fold and check (the wire writes `null`).
    pub amount_chips: u32,
    /// The action put the player all-in (the wire's `action` is then `all_in`).
    pub all_in: bool,
}

impl ActionRecord {
    /// The wire's `amount` in chips: `None` (`null`) for fold and check, else
    /// [`ActionRecord::amount_chips`].
    pub const fn wire_amount_chips(&self) -> Option<u32> {
        match self.kind {
            ActionKind::Fold | ActionKind::Check => None,
            ActionKind::Call | ActionKind::Raise => Some(self.amount_chips),
        }
    }

    /// The wire's `player_action.action` string.
    pub const fn wire_action(&self) -> &'static str {
        if self.all_in {
            return "all_in";
        }
        match self.kind {
            ActionKind::Fold => "fold",
            ActionKind::Check => "check",
            ActionKind::Call => "call",
            ActionKind::Raise => "raise",
        }
    }
}

/// One decision: what `your_turn` and `table_state.hero` carry. Borrows engine state.
#[derive(Clone, Copy, Debug)]
pub struct Turn<'a> {
    /// `hand_id` (V2 envelope): the hand index within the run.
    pub hand_id: u64,
    /// `table_state.hero.seat`: the deciding bot's seat.
    pub seat: u8,
    /// `table_state.hero.hole_cards`.
    pub hole_cards: [Card; 2],
    /// `valid_actions`.
    pub valid_actions: ValidActions,
    /// `pot`: every chip committed this hand, current street bets and antes included.
    pub pot_chips: u32,
    /// `community_cards`: the board so far (0, 3, 4 or 5 cards).
    pub community_cards: &'a [Card],
    /// `players`: every seat in seat order (seat, name, stack, current bet, status).
    ///
    /// Invariant: indexed by seat, `players[i].seat == i`, and `seat < players.len()
    /// <= MAX_SEATS`, so [`Turn::me`] and a bot may index it by seat. The engine seats
    /// `0..n`; the wire client (`src/protocol/client.rs`) fills seats a server leaves
    /// out (tables have gaps) with empty seats (name `""`, no chips, folded) and leaves
    /// out seats at or above [`MAX_SEATS`].
    pub players: &'a [PlayerView<'a>],
    /// `min_raise`: the smallest "raise to" total in chips; 0 when raising is not offered.
    pub min_raise_chips: u32,
    /// `max_raise`: the largest "raise to" total in chips; 0 when raising is not offered.
    pub max_raise_chips: u32,
    /// `table_state.to_call`: chips needed to call (0 when checking is free).
    pub to_call_chips: u32,
    /// `table_state.dealer_seat`: the button.
    pub button_seat: u8,
    /// `table_state.small_blind`, in chips.
    pub small_blind_chips: u32,
    /// `table_state.big_blind`, in chips.
    pub big_blind_chips: u32,
    /// Ante each player posts, in chips (0: none).
    pub ante_chips: u32,
    /// `table_state.street`.
    pub street: Street,
    /// `hand_result.actions` so far: this hand's actions in order (blinds excluded).
    pub actions: &'a [ActionRecord],
}

impl<'a> Turn<'a> {
    /// This bot's own entry in [`Turn::players`]: `players[seat]`, O(1) (see the
    /// invariant on [`Turn::players`]).
    ///
    /// # Panics
    /// If the invariant is broken (`seat >= players.len()`): no `Turn` the engine or
    /// the wire client builds does that.
    pub fn me(&self) -> &'a PlayerView<'a> {
        debug_assert!(
            self.players
                .get(usize::from(self.seat))
                .is_some_and(|p| p.seat == self.seat)
        );
        &self.players[usize::from(self.seat)]
    }

    /// Number of opponents still in the hand (not folded).
    pub fn live_opponents(&self) -> usize {
        self.players
            .iter()
            .filter(|p| p.seat != self.seat && p.status.in_hand())
            .count()
    }
}

/// A seat's winnings in `hand_result.winners[]`. `'a` is the lifetime of the name
/// (see [`PlayerView`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Winner<'a> {
    /// `seat`.
    pub seat: u8,
    /// `name`.
    pub name: &'a str,
    /// `stack`: the stack after the hand, in chips.
    pub stack_chips: u32,
    /// `amount`: chips won from pots (returned uncalled bets excluded).
    pub amount_chips: u32,
    /// The winning hand's strength, `None` when the pot was won without a showdown.
    /// Its `description()` is the wire's `hand_description`.
    pub strength: Option<Strength>,
}

/// Cards shown at showdown: one entry of `hand_result.shown_cards`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct ShownCards {
    /// The showing seat.
    pub seat: u8,
    /// Its hole cards.
    pub cards: [Card; 2],
}

/// The `hand_result` message, plus two engine-only fields for statistics.
#[derive(Clone, Copy, Debug)]
pub struct HandResult<'a> {
    /// `hand_id`.
    pub hand_id: u64,
    /// `pot`: total chips won from pots (returned uncalled bets excluded).
    pub pot_chips: u32,
    /// `winners`: seats that won chips, in seat order.
    pub winners: &'a [Winner<'a>],
    /// `final_stacks`: every seat's stack after the hand, indexed by seat, in chips.
    pub final_stacks: &'a [u32],
    /// `shown_cards`: hole cards of every player in the showdown (empty without one).
    pub shown_cards: &'a [ShownCards],
    /// `actions`: the hand's actions in order.
    pub actions: &'a [ActionRecord],
    /// The final board (0 to 5 cards).
    pub board: &'a [Card],
    /// Engine-only: every seat's stack at the start of the hand, indexed by seat.
    pub starting_stacks: &'a [u32],
    /// Engine-only: actions rejected this hand, indexed by seat.
    pub invalid_actions: &'a [u32],
    /// Engine-only: the button's seat (`hand_start`'s `dealer_seat`), in `0..seats`.
    pub button: u8,
    /// Engine-only: bit `s` set when seat `s` sat the hand out (a session's busted
    /// seat): it was dealt nothing and its stack did not change. 0 outside sessions.
    pub sitting_out: u16,
}

impl HandResult<'_> {
    /// Whether seat `seat` sat this hand out.
    pub fn sat_out(&self, seat: usize) -> bool {
        self.sitting_out >> seat & 1 == 1
    }

    /// Whether the hand ended in a showdown (two or more players showed cards).
    pub fn showdown(&self) -> bool {
        !self.shown_cards.is_empty()
    }

    /// Net result of `seat` in chips: final stack minus starting stack.
    pub fn net_chips(&self, seat: usize) -> i64 {
        i64::from(self.final_stacks[seat]) - i64::from(self.starting_stacks[seat])
    }
}

/// A set of [`Event`] kinds, for [`Bot::subscriptions`].
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct EventKinds(u8);

impl EventKinds {
    /// No event.
    pub const NONE: EventKinds = EventKinds(0);
    /// [`Event::TableJoined`].
    pub const TABLE_JOINED: EventKinds = EventKinds(1);
    /// [`Event::HandStart`].
    pub const HAND_START: EventKinds = EventKinds(1 << 1);
    /// [`Event::HoleCards`].
    pub const HOLE_CARDS: EventKinds = EventKinds(1 << 2);
    /// [`Event::PlayerAction`].
    pub const PLAYER_ACTION: EventKinds = EventKinds(1 << 3);
    /// [`Event::CommunityCards`].
    pub const COMMUNITY_CARDS: EventKinds = EventKinds(1 << 4);
    /// [`Event::ActionRejected`].
    pub const ACTION_REJECTED: EventKinds = EventKinds(1 << 5);
    /// [`Event::HandResult`].
    pub const HAND_RESULT: EventKinds = EventKinds(1 << 6);
    /// [`Event::Busted`], [`Event::Rebought`] and [`Event::PlayerLeft`]: changes to
    /// who sits at a session's table.
    pub const SEAT_CHANGES: EventKinds = EventKinds(1 << 7);
    /// Every kind.
    pub const ALL: EventKinds = EventKinds(0xff);

    /// Both sets.
    pub const fn union(self, other: EventKinds) -> EventKinds {
        EventKinds(self.0 | other.0)
    }

    /// Whether every kind in `other` is in this set.
    pub const fn contains(self, other: EventKinds) -> bool {
        self.0 & other.0 == other.0
    }
}

/// A table event, one per wire message kind the engine emits.
#[derive(Clone, Copy, Debug)]
pub enum Event<'a> {
    /// `table_joined`: the bot sits at a new table. Sent at the start of every chunk
    /// of hands, and before every hand with duplicate deals; reset all memory here
    /// (see [`Bot`]).
    TableJoined {
        /// `table_id`: the chunk index (with duplicate deals: the hand id).
        table_id: u64,
        /// `seat`: this bot's seat.
        seat: u8,
        /// `players`: everyone at the table.
        players: &'a [PlayerView<'a>],
    },
    /// `hand_start`.
    HandStart {
        /// `hand_id`: the hand index within the run.
        hand_id: u64,
        /// `seat`: this bot's seat.
        seat: u8,
        /// `dealer_seat`: the button.
        button_seat: u8,
        /// `blinds.small`, in chips.
        small_blind_chips: u32,
        /// `blinds.big`, in chips.
        big_blind_chips: u32,
        /// Ante per player, in chips.
        ante_chips: u32,
        /// `table_state.seats` as the hand starts: every seat in seat order (indexed
        /// by seat, as [`Turn::players`]), antes and blinds already posted (stack
        /// behind, street bet, status); the wire client shows its own reckoning of
        /// them from the server's messages.
        players: &'a [PlayerView<'a>],
        /// `table_state.pot` as the hand starts: the antes and blinds, in chips.
        pot_chips: u32,
        /// Engine-only: seed of this bot's random stream for this hand, a function of
        /// (run seed, hand index, seat). Seed any randomness from it.
        rng_seed: u64,
    },
    /// `hole_cards`: this bot's two cards.
    HoleCards {
        /// `cards`.
        cards: [Card; 2],
    },
    /// `player_action`: someone (maybe this bot) acted.
    PlayerAction {
        /// The action (`seat`, `action`, `amount`, `street`).
        record: ActionRecord,
        /// `stack`: the actor's stack after acting, in chips.
        stack_chips: u32,
        /// `pot`: the pot after the action, in chips.
        pot_chips: u32,
    },
    /// `community_cards`: the board after the flop (3), turn (4) or river (5).
    CommunityCards {
        /// `cards`: the whole board so far.
        cards: &'a [Card],
        /// `street`.
        street: Street,
    },
    /// `action_rejected`: sent only to the bot whose action was rejected.
    ActionRejected {
        /// `reason`.
        reason: RejectReason,
        /// The rejected action.
        action: Action,
    },
    /// `hand_result`.
    HandResult(&'a HandResult<'a>),
    /// `busted` (sessions only, sent to the busted seat after the hand's
    /// `hand_result`): its stack fell below the big blind and it left the table
    /// (`openpoker-auto-rebuy.txt`, steps 1-2).
    Busted {
        /// With auto-rebuy (`--rebuy auto`, or the bot's `set_auto_rebuy`), the
        /// hands it sits out before it buys in again (0: at once, the first rebuy;
        /// else the cooldown, counted in hands offline); `None` without: it stays out
        /// unless it sends `rebuy` (also sent when `set_auto_rebuy` off cancels a
        /// rebuy on cooldown).
        rebuy_in_hands: Option<u64>,
    },
    /// `rebuy_confirmed` (sessions only, sent to the seat before the hand it plays
    /// again): it bought in again and is back at the table.
    Rebought {
        /// Its new stack, in chips: the buy-in.
        stack_chips: u32,
    },
    /// `player_left` (sessions only, sent to every other seat before the next hand):
    /// a player left the table for good ([`Bot::left_table`]).
    PlayerLeft {
        /// `seat`.
        seat: u8,
        /// `name`.
        name: &'a str,
        /// `reason`.
        reason: LeaveReason,
    },
}

impl Event<'_> {
    /// This event's kind.
    pub const fn kind(&self) -> EventKinds {
        match self {
            Event::TableJoined { .. } => EventKinds::TABLE_JOINED,
            Event::HandStart { .. } => EventKinds::HAND_START,
            Event::HoleCards { .. } => EventKinds::HOLE_CARDS,
            Event::PlayerAction { .. } => EventKinds::PLAYER_ACTION,
            Event::CommunityCards { .. } => EventKinds::COMMUNITY_CARDS,
            Event::ActionRejected { .. } => EventKinds::ACTION_REJECTED,
            Event::HandResult(_) => EventKinds::HAND_RESULT,
            Event::Busted { .. } | Event::Rebought { .. } | Event::PlayerLeft { .. } => {
                EventKinds::SEAT_CHANGES
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facing_bet() -> ValidActions {
        ValidActions {
            check: false,
            call_chips: Some(20),
            raise: Some(RaiseRange {
                min_to_chips: 40,
                max_to_chips: 2000,
            }),
            all_in_to_chips: Some(2000),
        }
    }

    #[test]
    fn validation_matches_the_servers_reasons() {
        let va = facing_bet();
        let cases = [
            (Action::Fold, Ok(())),
            (Action::Check, Err(RejectReason::NotAValidAction)),
            (Action::Call, Ok(())),
            (Action::AllIn, Ok(())),
            (Action::Raise { to_chips: 40 }, Ok(())),
            (Action::Raise { to_chips: 2000 }, Ok(())),
            (
                Action::Raise { to_chips: 39 },
                Err(RejectReason::InvalidRaiseAmount),
            ),
            (
                Action::Raise { to_chips: 2001 },
                Err(RejectReason::InvalidRaiseAmount),
            ),
        ];
        for (action, want) in cases {
            assert_eq!(va.check_action(action), want, "{action:?}");
        }
        let no_raise = ValidActions { raise: None, ..va };
        assert_eq!(
            no_raise.check_action(Action::Raise { to_chips: 40 }),
            Err(RejectReason::NotAValidAction)
        );
    }

    #[test]
    fn timeout_action_checks_when_free_else_folds() {
        assert_eq!(facing_bet().timeout_action(), Action::Fold);
        let free = ValidActions {
            check: true,
            call_chips: None,
            ..facing_bet()
        };
        assert_eq!(free.timeout_action(), Action::Check);
    }
}
