//! `holdem-arena replay`: plays one hand of a run again and prints it street by
//! street, with every decision's `valid_actions`, the bot's answer, the pots and
//! the showdown.
//!
//! A hand is fixed by the run seed, the hand index and the line-up: the cards depend
//! only on (seed, hand index) and the button on the hand index. Bots may remember
//! earlier hands of their chunk (they are reset by `table_joined` at the start of
//! each chunk of [`CHUNK_HANDS`] hands), so the replay plays the chunk's earlier
//! hands silently first, as a runner's worker did, whatever its thread count.

use crate::bot::{Action, ActionKind, Bot, Event, HandResult, PlayerView, Turn, ValidActions};
use crate::cards::Card;
use crate::engine::{Positions, Table};
use crate::eval::evaluate;
use crate::history::phh;
use crate::sim::{CHUNK_HANDS, RunConfig};
use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// One replayed hand in both forms.
#[derive(Clone, Debug)]
pub struct Replay {
    /// The readable hand history.
    pub text: String,
    /// The same hand in PHH (one table, `[1]`).
    pub phh: String,
}

/// Shared log of the traced hand.
#[derive(Clone, Default)]
struct Log {
    text: Arc<Mutex<String>>,
    on: Arc<AtomicBool>,
}

impl Log {
    fn write(&self, line: &str) {
        if self.on.load(Ordering::Relaxed) {
            let mut text = self.text.lock().expect("log lock");
            text.push_str(line);
            text.push('\n');
        }
    }

    fn is_on(&self) -> bool {
        self.on.load(Ordering::Relaxed)
    }
}

/// A bot that logs its decisions (and, for seat 0, the table's events) while the
/// log is on, and otherwise just forwards to the bot it wraps.
struct Traced {
    inner: Box<dyn Bot>,
    seat: usize,
    names: Vec<String>,
    log: Log,
}

impl Bot for Traced {
    fn act(&mut self, turn: &Turn<'_>) -> Action {
        let action = self.inner.act(turn);
        if self.log.is_on() {
            let me = turn.me();
            self.log.write(&format!(
                "  seat {} {} to act: pot {}, to call {}, stack {}\n    valid_actions: {}\n    answer: {}",
                self.seat,
                self.names[self.seat],
                turn.pot_chips,
                turn.to_call_chips,
                me.stack_chips,
                describe_valid(&turn.valid_actions),
                describe_action(action),
            ));
        }
        action
    }

    fn observe(&mut self, event: &Event<'_>) {
        self.inner.observe(event);
        if !self.log.is_on() {
            return;
        }
        match *event {
            Event::ActionRejected { reason, action } => self.log.write(&format!(
                "    rejected ({}): {} replaced by the timeout action",
                reason.as_str(),
                describe_action(action)
            )),
            Event::PlayerAction {
                record,
                stack_chips,
                pot_chips,
            } if self.seat == 0 => {
                let who = usize::from(record.seat);
                let what = match record.kind {
                    ActionKind::Fold => "folds".to_string(),
                    ActionKind::Check => "checks".to_string(),
                    ActionKind::Call => format!("calls {}", record.amount_chips),
                    ActionKind::Raise => format!("raises to {}", record.amount_chips),
                };
                let all_in = if record.all_in { " (all-in)" } else { "" };
                self.log.write(&format!(
                    "  => seat {who} {} {what}{all_in}; stack {stack_chips}, pot {pot_chips}",
                    self.names[who]
                ));
            }
            Event::CommunityCards { cards, street } if self.seat == 0 => {
                self.log.write(&format!(
                    "*** {} *** {}",
                    street.as_str().to_uppercase(),
                    cards_text(cards)
                ));
            }
            _ => {}
        }
    }
}

fn cards_text(cards: &[Card]) -> String {
    cards
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

/// `valid_actions` as a list: `fold | check | call 20 | raise 40..2000 | all_in (to 2000)`.
pub fn describe_valid(valid: &ValidActions) -> String {
    let mut parts = vec!["fold".to_string()];
    if valid.check {
        parts.push("check".into());
    }
    if let Some(c) = valid.call_chips {
        parts.push(format!("call {c}"));
    }
    if let Some(r) = valid.raise {
        parts.push(format!("raise {}..{}", r.min_to_chips, r.max_to_chips));
    }
    if let Some(to) = valid.all_in_to_chips {
        parts.push(format!("all_in (to {to})"));
    }
    parts.join(" | ")
}

/// A bot's answer as text: `fold`, `check`, `call`, `raise to 60`, `all_in`.
pub fn describe_action(action: Action) -> String {
    match action {
        Action::Raise { to_chips } => format!("raise to {to_chips}"),
        other => other.as_str().to_string(),
    }
}

/// Plays hand `hand_index` of the run `config` describes and returns it as a
/// readable history and as PHH. `config.deals` and `config.threads` are ignored.
pub fn replay(config: &RunConfig, hand_index: u64) -> Replay {
    let names: Vec<&str> = config.lineup.iter().map(|b| b.name()).collect();
    let stacks = config.starting_stacks();
    let seats = names.len();
    let mut table = Table::new(&names, &stacks, config.stakes, config.seed);
    let log = Log::default();
    let mut bots: Vec<Box<dyn Bot>> = config
        .lineup
        .iter()
        .enumerate()
        .map(|(seat, b)| {
            Box::new(Traced {
                inner: b.make(seat as u8),
                seat,
                names: names.iter().map(|n| n.to_string()).collect(),
                log: log.clone(),
            }) as Box<dyn Bot>
        })
        .collect();

    // As a worker does: `table_joined` at the chunk's start, then its earlier hands.
    let chunk = hand_index / CHUNK_HANDS;
    let players: Vec<PlayerView> = table.players().to_vec();
    for (seat, bot) in bots.iter_mut().enumerate() {
        bot.observe(&Event::TableJoined {
            table_id: chunk,
            seat: seat as u8,
            players: &players,
        });
    }
    for hand in chunk * CHUNK_HANDS..hand_index {
        let deal = config.dealer().deal(hand, seats);
        table.play_hand(hand, &deal, &mut bots);
    }

    let deal = config.dealer().deal(hand_index, seats);
    let at = Positions::of_hand(hand_index, seats);
    let stakes = config.stakes;
    let mut text = String::new();
    let _ = writeln!(
        text,
        "Hand {hand_index} of seed {} ({seats} seats): blinds {}/{}, ante {}",
        config.seed, stakes.small_blind_chips, stakes.big_blind_chips, stakes.ante_chips
    );
    for seat in 0..seats {
        let mut roles = Vec::new();
        if seat == at.button {
            roles.push("button");
        }
        if seat == at.small_blind {
            roles.push("small blind");
        }
        if seat == at.big_blind {
            roles.push("big blind");
        }
        let roles = if roles.is_empty() {
            String::new()
        } else {
            format!(" [{}]", roles.join(", "))
        };
        let _ = writeln!(
            text,
            "Seat {seat}: {} with {} chips{roles}, holds {}",
            names[seat],
            if deal.stacks[seat] > 0 {
                deal.stacks[seat]
            } else {
                stacks[seat]
            },
            cards_text(&deal.hole_cards[seat])
        );
    }
    let _ = writeln!(text, "*** PREFLOP ***");

    log.on.store(true, Ordering::Relaxed);
    let result = table.play_hand(hand_index, &deal, &mut bots);
    log.on.store(false, Ordering::Relaxed);
    text.push_str(&log.text.lock().expect("log lock"));
    write_outcome(&mut text, &names, &result);

    let mut phh_bytes = Vec::new();
    let info = phh::HandInfo {
        seed: config.seed,
        hand_index,
        button: crate::engine::Positions::of_hand(hand_index, names.len()).button,
        names: &names,
        stakes,
        deal: &deal,
    };
    phh::write_hand(&mut phh_bytes, 1, &info, &result).expect("writing to memory");
    Replay {
        text,
        phh: String::from_utf8(phh_bytes).expect("PHH is ASCII"),
    }
}

fn write_outcome(text: &mut String, names: &[&str], result: &HandResult<'_>) {
    if result.showdown() {
        let _ = writeln!(text, "*** SHOWDOWN *** {}", cards_text(result.board));
        for shown in result.shown_cards {
            let seat = usize::from(shown.seat);
            let mut seven = result.board.to_vec();
            seven.extend_from_slice(&shown.cards);
            let _ = writeln!(
                text,
                "  seat {seat} {} shows {}: {}",
                names[seat],
                cards_text(&shown.cards),
                evaluate(&seven).description()
            );
        }
    } else {
        let _ = writeln!(text, "*** NO SHOWDOWN ***");
    }
    let _ = writeln!(text, "Pot {} chips", result.pot_chips);
    for w in result.winners {
        let _ = writeln!(
            text,
            "  seat {} {} wins {}{}",
            w.seat,
            w.name,
            w.amount_chips,
            w.strength
                .map(|s| format!(" with {}", s.description()))
                .unwrap_or_default()
        );
    }
    let _ = writeln!(text, "Final stacks:");
    for (seat, name) in names.iter().enumerate() {
        let _ = writeln!(
            text,
            "  seat {seat} {name}: {} ({:+})",
            result.final_stacks[seat],
            result.net_chips(seat)
        );
    }
}
