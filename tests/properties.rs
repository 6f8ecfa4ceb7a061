//! Property tests over random line-ups, stacks and stakes: chips are conserved,
//! every pot is awarded, nobody acts after folding or going all-in, and the offered
//! `valid_actions` always contain the server's timeout action.

use holdem_arena::bot::{Action, ActionKind, Bot, Event, MAX_SEATS, PlayerStatus, Turn};
use holdem_arena::bots;
use holdem_arena::deal::Deal;
use holdem_arena::engine::{Stakes, Table};
use proptest::prelude::*;
use std::sync::{Arc, Mutex};

/// Per-hand record of seats that may no longer act, and any broken rule.
#[derive(Default)]
struct Watch {
    out: [bool; MAX_SEATS],
    violations: Vec<String>,
}

/// Wraps a built-in bot and checks every decision it is asked for.
struct Checked {
    inner: Box<dyn Bot>,
    seat: usize,
    watch: Arc<Mutex<Watch>>,
}

impl Bot for Checked {
    fn act(&mut self, turn: &Turn<'_>) -> Action {
        let mut w = self.watch.lock().unwrap();
        if w.out[self.seat] {
            w.violations.push(format!(
                "seat {} asked to act after folding or all-in",
                self.seat
            ));
        }
        let me = turn.me();
        if me.status != PlayerStatus::Active || me.stack_chips == 0 {
            w.violations.push(format!(
                "seat {} asked to act with status {:?}",
                self.seat, me.status
            ));
        }
        let valid = turn.valid_actions;
        if !valid.allows(valid.timeout_action()) {
            w.violations
                .push(format!("timeout action not in {valid:?}"));
        }
        drop(w);
        self.inner.act(turn)
    }

    fn observe(&mut self, event: &Event<'_>) {
        if self.seat == 0 {
            let mut w = self.watch.lock().unwrap();
            match event {
                Event::HandStart { .. } => w.out = [false; MAX_SEATS],
                Event::PlayerAction { record, .. }
                    if record.kind == ActionKind::Fold || record.all_in =>
                {
                    w.out[usize::from(record.seat)] = true;
                }
                _ => {}
            }
        }
        self.inner.observe(event);
    }
}

const BOTS: &[&str] = &["allin", "random", "raise", "call", "tag"];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn hands_keep_the_rules(
        lineup in prop::collection::vec(0..BOTS.len(), 2..=MAX_SEATS),
        stack_units in prop::collection::vec(1u32..=200, MAX_SEATS),
        ante in 0u32..=10,
        seed in any::<u64>(),
        first_hand in 0u64..1_000_000,
    ) {
        let stakes = Stakes { small_blind_chips: 10, big_blind_chips: 20, ante_chips: ante };
        let seats = lineup.len();
        let names: Vec<&'static str> = lineup.iter().map(|&i| BOTS[i]).collect();
        let stacks: Vec<u32> = stack_units[..seats].iter().map(|u| u * 20).collect();
        let watch = Arc::new(Mutex::new(Watch::default()));
        let mut players: Vec<Box<dyn Bot>> = names
            .iter()
            .enumerate()
            .map(|(seat, n)| {
                Box::new(Checked {
                    inner: (bots::find(n).unwrap().make)(),
                    seat,
                    watch: watch.clone(),
                }) as Box<dyn Bot>
            })
            .collect();
        let mut table = Table::new(&names, &stacks, stakes, seed);
        for hand in first_hand..first_hand + 20 {
            let deal = Deal::new(seed, hand, seats);
            let r = table.play_hand(hand, &deal, &mut players);
            let start: u64 = r.starting_stacks.iter().map(|&s| u64::from(s)).sum();
            let end: u64 = r.final_stacks.iter().map(|&s| u64::from(s)).sum();
            prop_assert_eq!(start, end, "chips not conserved in hand {}", hand);
            let won: u32 = r.winners.iter().map(|w| w.amount_chips).sum();
            prop_assert_eq!(won, r.pot_chips, "pot not fully awarded in hand {}", hand);
            prop_assert!(!r.winners.is_empty());
            let w = watch.lock().unwrap();
            prop_assert!(w.violations.is_empty(), "hand {}: {:?}", hand, w.violations);
        }
    }
}
