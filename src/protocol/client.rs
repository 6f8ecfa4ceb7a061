//! A Rust bot on the wire: [`Client`] drives any [`Bot`] from Open Poker server
//! messages (`../shared/reference/openpoker-websocket-protocol.txt`) and returns the
//! `action` replies, so the same bot code plays offline and online.
//!
//! `holdem-arena connect --bot NAME` runs it over JSON lines on stdin/stdout (the
//! transport of `exec:` bots); a WebSocket client would feed it the socket's text
//! frames the same way.
//!
//! The client rebuilds the [`Turn`] an in-process bot would see from `hand_start`,
//! `hole_cards`, `player_action`, `community_cards` and `your_turn` (with the offline
//! server's extension fields `players[].bet`/`status`, `to_call` and `street` when
//! present; otherwise from its own bookkeeping). Against the offline server the bot
//! decides exactly as in-process, except that `rng_seed` is not on the wire: it is
//! derived here from the hand id and seat, so a randomized bot plays other (equally
//! fair) random streams.

use super::openpoker::{self as op, ClientMessage, ServerMessage};
use crate::bot::{
    Action, ActionKind, ActionRecord, Bot, Event, HandResult, MAX_SEATS, PlayerStatus, PlayerView,
    RejectReason, ShownCards, Street, Turn, Winner,
};
use crate::cards::Card;
use std::collections::HashMap;

/// Per-connection state: the table and the current hand as the messages told it.
pub struct Client {
    bot: Box<dyn Bot>,
    names: HashMap<String, &'static str>,
    seat: u8,
    players: Vec<PlayerView>,
    starting_stacks: Vec<u32>,
    hand_id: u64,
    button: u8,
    small_blind: u32,
    big_blind: u32,
    ante: u32,
    hole_cards: [Card; 2],
    board: Vec<Card>,
    street: Street,
    actions: Vec<ActionRecord>,
    last: Option<(Action, String)>,
}

fn parse_cards(cards: &[String]) -> Result<Vec<Card>, String> {
    cards
        .iter()
        .map(|c| c.parse::<Card>().map_err(|e| e.to_string()))
        .collect()
}

fn street_of(name: &str) -> Option<Street> {
    Some(match name {
        "preflop" => Street::Preflop,
        "flop" => Street::Flop,
        "turn" => Street::Turn,
        "river" => Street::River,
        _ => return None,
    })
}

fn status_of(name: &str) -> PlayerStatus {
    match name {
        "folded" => PlayerStatus::Folded,
        "all_in" => PlayerStatus::AllIn,
        _ => PlayerStatus::Active,
    }
}

/// A hand id string as a number: itself when numeric, else a hash of it.
fn hand_number(id: &str) -> u64 {
    id.parse().unwrap_or_else(|_| {
        id.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        })
    })
}

fn chips(a: f64) -> u32 {
    op::to_chips(a).unwrap_or(0)
}

impl Client {
    /// A client playing `bot`.
    pub fn new(bot: Box<dyn Bot>) -> Client {
        let card = Card::new(0, 0);
        Client {
            bot,
            names: HashMap::new(),
            seat: 0,
            players: Vec::new(),
            starting_stacks: Vec::new(),
            hand_id: 0,
            button: 0,
            small_blind: 0,
            big_blind: 0,
            ante: 0,
            hole_cards: [card, card],
            board: Vec::new(),
            street: Street::Preflop,
            actions: Vec::new(),
            last: None,
        }
    }

    /// A `&'static` copy of a player name (each distinct name is leaked once).
    fn intern(&mut self, name: &str) -> &'static str {
        if let Some(n) = self.names.get(name) {
            return n;
        }
        let leaked: &'static str = Box::leak(name.to_string().into_boxed_str());
        self.names.insert(name.to_string(), leaked);
        leaked
    }

    fn set_players(&mut self, list: &[op::SeatPlayer]) {
        let mut players = Vec::with_capacity(list.len());
        for p in list {
            players.push(PlayerView {
                seat: p.seat,
                name: self.intern(&p.name),
                stack_chips: chips(p.stack),
                bet_chips: p.bet.map_or(0, chips),
                status: p.status.as_deref().map_or(PlayerStatus::Active, status_of),
            });
        }
        players.truncate(MAX_SEATS);
        self.players = players;
    }

    fn player_mut(&mut self, seat: u8) -> Option<&mut PlayerView> {
        self.players.iter_mut().find(|p| p.seat == seat)
    }

    /// Handles one server message; returns the reply to send, if any.
    ///
    /// # Errors
    /// A message whose cards or amounts cannot be understood.
    pub fn handle(&mut self, msg: &ServerMessage) -> Result<Option<ClientMessage>, String> {
        match msg {
            ServerMessage::TableJoined(t) => {
                self.seat = t.seat;
                self.set_players(&t.players);
                let players = self.players.clone();
                self.bot.observe(&Event::TableJoined {
                    table_id: hand_number(&t.table_id),
                    seat: t.seat,
                    players: &players,
                });
            }
            ServerMessage::HandStart(h) => self.hand_start(h),
            ServerMessage::HoleCards(h) => {
                let cards = parse_cards(&h.cards)?;
                let [a, b] = cards[..] else {
                    return Err(format!("hole_cards: {} cards, expected 2", cards.len()));
                };
                self.hole_cards = [a, b];
                self.bot.observe(&Event::HoleCards { cards: [a, b] });
            }
            ServerMessage::CommunityCards(c) => {
                self.board = parse_cards(&c.cards)?;
                self.street = street_of(&c.street).unwrap_or(self.street);
                for p in &mut self.players {
                    p.bet_chips = 0;
                }
                self.bot.observe(&Event::CommunityCards {
                    cards: &self.board,
                    street: self.street,
                });
            }
            ServerMessage::PlayerAction(a) => self.player_action(a),
            ServerMessage::YourTurn(t) => return self.your_turn(t).map(Some),
            ServerMessage::ActionRejected(r) => {
                // Tell the bot, then fall back to the server's timeout action (check,
                // else fold) with the same token rather than repeat the mistake.
                if let Some((action, token)) = self.last.take() {
                    let reason = if r.reason.contains("raise") {
                        RejectReason::InvalidRaiseAmount
                    } else {
                        RejectReason::NotAValidAction
                    };
                    self.bot.observe(&Event::ActionRejected { reason, action });
                    let fallback = if action == Action::Check {
                        Action::Fold
                    } else {
                        Action::Check
                    };
                    self.last = Some((fallback, token.clone()));
                    return Ok(Some(ClientMessage::Action(op::ActionMessage::from_action(
                        fallback, &token,
                    ))));
                }
            }
            ServerMessage::HandResult(r) => self.hand_result(r)?,
            _ => {}
        }
        Ok(None)
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
        self.starting_stacks = self.players.iter().map(|p| p.stack_chips).collect();
        // Post antes and blinds in the bookkeeping, as the engine does.
        let n = self.players.len();
        for p in &mut self.players {
            p.status = PlayerStatus::Active;
            p.bet_chips = 0;
            p.stack_chips -= self.ante.min(p.stack_chips);
        }
        if n >= 2 {
            let b = self.button as usize;
            let (sb, bb) = if n == 2 {
                (b, (b + 1) % n)
            } else {
                ((b + 1) % n, (b + 2) % n)
            };
            for (i, blind) in [(sb, self.small_blind), (bb, self.big_blind)] {
                let p = &mut self.players[i];
                let paid = blind.min(p.stack_chips);
                p.stack_chips -= paid;
                p.bet_chips += paid;
            }
        }
        self.bot.observe(&Event::HandStart {
            hand_id: self.hand_id,
            seat: h.seat,
            button_seat: h.dealer_seat,
            small_blind_chips: self.small_blind,
            big_blind_chips: self.big_blind,
            ante_chips: self.ante,
            rng_seed: self.hand_id.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ u64::from(h.seat),
        });
    }

    fn player_action(&mut self, a: &op::PlayerAction) {
        let street = street_of(&a.street).unwrap_or(self.street);
        let amount = a.amount.map_or(0, chips);
        let max_bet = self.players.iter().map(|p| p.bet_chips).max().unwrap_or(0);
        let kind = match a.action.as_str() {
            "fold" => ActionKind::Fold,
            "check" => ActionKind::Check,
            "call" => ActionKind::Call,
            "raise" => ActionKind::Raise,
            // An all-in's amount is a call's added chips (at most the bet to match)
            // or a raise's "raise to" total (above it).
            _ if amount > max_bet => ActionKind::Raise,
            _ => ActionKind::Call,
        };
        let stack = chips(a.stack);
        if let Some(p) = self.player_mut(a.seat) {
            match kind {
                ActionKind::Fold => p.status = PlayerStatus::Folded,
                ActionKind::Call => p.bet_chips += amount,
                ActionKind::Raise => p.bet_chips = amount,
                ActionKind::Check => {}
            }
            p.stack_chips = stack;
            if stack == 0 && p.status == PlayerStatus::Active {
                p.status = PlayerStatus::AllIn;
            }
        }
        let record = ActionRecord {
            seat: a.seat,
            street,
            kind,
            amount_chips: amount,
            all_in: a.action == "all_in",
        };
        self.actions.push(record);
        self.bot.observe(&Event::PlayerAction {
            record,
            stack_chips: stack,
            pot_chips: chips(a.pot),
        });
    }

    fn your_turn(&mut self, t: &op::YourTurn) -> Result<ClientMessage, String> {
        let valid = op::parse_valid_actions(&t.valid_actions)?;
        let board = parse_cards(&t.community_cards)?;
        if t.players.iter().any(|p| p.bet.is_some()) {
            self.set_players(&t.players);
        } else {
            for p in &t.players {
                if let Some(v) = self.player_mut(p.seat) {
                    v.stack_chips = chips(p.stack);
                }
            }
        }
        let street = t
            .street
            .as_deref()
            .and_then(street_of)
            .unwrap_or(match board.len() {
                0 => Street::Preflop,
                3 => Street::Flop,
                4 => Street::Turn,
                _ => Street::River,
            });
        let turn = Turn {
            hand_id: self.hand_id,
            seat: self.seat,
            hole_cards: self.hole_cards,
            valid_actions: valid,
            pot_chips: chips(t.pot),
            community_cards: &board,
            players: &self.players,
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
        let action = self.bot.act(&turn);
        self.last = Some((action, t.turn_token.clone()));
        Ok(ClientMessage::Action(op::ActionMessage::from_action(
            action,
            &t.turn_token,
        )))
    }

    fn hand_result(&mut self, r: &op::HandResultMessage) -> Result<(), String> {
        let n = self.players.len();
        let mut final_stacks = vec![0u32; n];
        for (seat, &stack) in &r.final_stacks {
            let seat: usize = seat
                .parse()
                .map_err(|_| format!("final_stacks: seat {seat:?}"))?;
            if let Some(s) = final_stacks.get_mut(seat) {
                *s = chips(stack);
            }
        }
        let mut shown = Vec::new();
        for (seat, cards) in &r.shown_cards {
            let seat: u8 = seat
                .parse()
                .map_err(|_| format!("shown_cards: seat {seat:?}"))?;
            let cards = parse_cards(cards)?;
            if let [a, b] = cards[..] {
                shown.push(ShownCards {
                    seat,
                    cards: [a, b],
                });
            }
        }
        let mut winners = Vec::new();
        for w in &r.winners {
            let strength = shown.iter().find(|s| s.seat == w.seat).and_then(|s| {
                (self.board.len() == 5).then(|| {
                    let mut seven = self.board.clone();
                    seven.extend_from_slice(&s.cards);
                    crate::eval::evaluate(&seven)
                })
            });
            winners.push(Winner {
                seat: w.seat,
                name: self.intern(&w.name),
                stack_chips: chips(w.stack),
                amount_chips: chips(w.amount),
                strength,
            });
        }
        let starting = if self.starting_stacks.len() == n {
            self.starting_stacks.clone()
        } else {
            final_stacks.clone()
        };
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
        };
        self.bot.observe(&Event::HandResult(&result));
        // The next hand starts from the final stacks (the offline server resets them
        // itself; a live table carries them over).
        for p in &mut self.players {
            if let Some(&s) = final_stacks.get(p.seat as usize) {
                p.stack_chips = s;
            }
        }
        Ok(())
    }
}

/// Runs `bot` over JSON lines: server messages on `input`, replies on `output` (one
/// line each, flushed at once). Lines that are not server messages are skipped with a
/// note on stderr. Returns at end of input.
///
/// # Errors
/// An I/O error on `input` or `output`.
pub fn serve_lines(
    bot: Box<dyn Bot>,
    input: impl std::io::BufRead,
    mut output: impl std::io::Write,
) -> std::io::Result<()> {
    let mut client = Client::new(bot);
    for line in input.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let msg: ServerMessage = match serde_json::from_str(&line) {
            Ok(m) => m,
            Err(e) => {
                // Messages this client does not model (lobby, rebuy, ...) land here.
                if serde_json::from_str::<serde_json::Value>(&line).is_err() {
                    eprintln!("connect: skipping a line that is not JSON: {e}");
                }
                continue;
            }
        };
        match client.handle(&msg) {
            Ok(Some(reply)) => {
                serde_json::to_writer(&mut output, &reply)?;
                output.write_all(b"\n")?;
                output.flush()?;
            }
            Ok(None) => {}
            Err(e) => eprintln!("connect: {e}"),
        }
    }
    Ok(())
}

/// Plays `bot` on an Open Poker WebSocket server at `url` (`ws://` only: this build
/// has no TLS, so reach `wss://openpoker.ai/ws` through a local TLS proxy).
/// Authenticates with `Authorization: Bearer API_KEY` when `api_key` is given, sends
/// `join_lobby` (with `buy_in`) after `connected`, and answers every `your_turn`.
/// Returns when the server closes the connection.
///
/// # Errors
/// The connection cannot be made, the server sends `error` `auth_failed`, or the
/// socket fails.
pub fn serve_websocket(
    bot: Box<dyn Bot>,
    url: &str,
    api_key: Option<&str>,
    buy_in: Option<f64>,
) -> Result<(), String> {
    use tungstenite::Message;
    use tungstenite::client::IntoClientRequest;
    let mut request = url
        .into_client_request()
        .map_err(|e| format!("{url}: {e}"))?;
    if let Some(key) = api_key {
        let value = format!("Bearer {}", key.trim())
            .parse()
            .map_err(|_| "the API key is not a valid header value".to_string())?;
        request.headers_mut().insert("Authorization", value);
    }
    let (mut ws, _) =
        tungstenite::connect(request).map_err(|e| format!("cannot connect to {url}: {e}"))?;
    let mut client = Client::new(bot);
    let send = |ws: &mut tungstenite::WebSocket<_>, msg: &ClientMessage| {
        let text = serde_json::to_string(msg).expect("client messages serialize");
        ws.send(Message::text(text))
            .map_err(|e| format!("sending to {url}: {e}"))
    };
    loop {
        let text = match ws.read() {
            Ok(Message::Text(t)) => t,
            Ok(Message::Close(_)) => return Ok(()),
            Ok(_) => continue,
            Err(tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed) => {
                return Ok(());
            }
            Err(e) => return Err(format!("reading from {url}: {e}")),
        };
        let Ok(msg) = serde_json::from_str::<ServerMessage>(text.as_str()) else {
            continue; // lobby and other messages this client does not model
        };
        match &msg {
            ServerMessage::Connected(_) => {
                let join = ClientMessage::JoinLobby(op::JoinLobby {
                    buy_in,
                    extra: op::Extra::new(),
                });
                send(&mut ws, &join)?;
            }
            ServerMessage::Error(e) if e.code == "auth_failed" => {
                return Err(format!("{url}: auth_failed: {}", e.message));
            }
            ServerMessage::Error(e) => eprintln!("connect: server error {}: {}", e.code, e.message),
            _ => {}
        }
        match client.handle(&msg) {
            Ok(Some(reply)) => send(&mut ws, &reply)?,
            Ok(None) => {}
            Err(e) => eprintln!("connect: {e}"),
        }
    }
}
