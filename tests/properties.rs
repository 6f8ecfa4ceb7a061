//! Whole hands with the built-in bots over random line-ups, stacks and stakes: chips
//! are conserved, every pot is awarded, nobody is asked to act (or acts) after folding
//! or going all-in, the offered `valid_actions` always contain the server's timeout
//! action, no built-in bot ever makes an invalid action, and a showdown shows at least
//! two hands on a full board.

use holdem_arena::bot::{
    Action, ActionKind, Bot, Event, HandResult, MAX_SEATS, PlayerStatus, Turn,
};
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

/// The invariants of one finished hand; the first one broken, if any.
fn broken_rule(r: &HandResult<'_>, seats: usize) -> Option<String> {
    let start: u64 = r.starting_stacks.iter().map(|&s| u64::from(s)).sum();
    let end: u64 = r.final_stacks.iter().map(|&s| u64::from(s)).sum();
    if start != end {
        return Some(format!("chips not conserved: {start} -> {end}"));
    }
    let won: u32 = r.winners.iter().map(|w| w.amount_chips).sum();
    if won != r.pot_chips || r.winners.is_empty() {
        return Some(format!("pot {} not fully awarded ({won})", r.pot_chips));
    }
    let mut done = vec![false; seats];
    for a in r.actions {
        let s = usize::from(a.seat);
        if done[s] {
            return Some(format!("seat {s} acted after folding or all-in"));
        }
        done[s] = a.kind == ActionKind::Fold || a.all_in;
    }
    if r.invalid_actions.iter().any(|&n| n > 0) {
        return Some("a built-in bot made an invalid action".into());
    }
    if r.showdown() {
        if r.board.len() != 5 || r.shown_cards.len() < 2 {
            return Some("a showdown without a full board and two hands".into());
        }
        if r.winners.iter().any(|w| w.strength.is_none()) {
            return Some("a showdown winner without a hand".into());
        }
    } else if r.winners.len() != 1 {
        return Some("a pot won by folds has more than one winner".into());
    }
    None
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn hands_keep_the_rules(
        lineup in prop::collection::vec(0..bots::BUILT_IN.len(), 2..=MAX_SEATS),
        big in 1u32..=50,
        small_share in 0.0f64..=1.0,
        ante_share in prop_oneof![Just(0.0f64), 0.0f64..=1.0],
        stack_in_blinds in prop::collection::vec(0.05f64..=150.0, MAX_SEATS),
        seed in any::<u64>(),
        first_hand in 0u64..1_000_000,
    ) {
        let stakes = Stakes {
            small_blind_chips: 1 + (small_share * f64::from(big - 1)) as u32,
            big_blind_chips: big,
            ante_chips: (ante_share * f64::from(big)) as u32,
        };
        let seats = lineup.len();
        let names: Vec<&'static str> = lineup.iter().map(|&i| bots::BUILT_IN[i].name).collect();
        // Short stacks (some below a big blind) and deep ones side by side: many
        // all-ins and side pots.
        let stacks: Vec<u32> = stack_in_blinds[..seats]
            .iter()
            .map(|b| ((b * f64::from(big)) as u32).max(1))
            .collect();
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
        for hand in first_hand..first_hand + 40 {
            let deal = Deal::new(seed, hand, seats);
            let r = table.play_hand(hand, &deal, &mut players);
            let broken = broken_rule(&r, seats);
            prop_assert!(broken.is_none(), "hand {}: {:?}", hand, broken);
            let w = watch.lock().unwrap();
            prop_assert!(w.violations.is_empty(), "hand {}: {:?}", hand, w.violations);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(60))]

    /// Stacks at the 32-bit limit the configuration allows (all chips of the table in
    /// one pot): no sum may overflow. Run in a debug build too (`.ci/run`), where
    /// overflow panics instead of wrapping.
    #[test]
    fn stacks_at_the_32_bit_limit_overflow_nothing(
        lineup in prop::collection::vec(0..bots::BUILT_IN.len(), 2..=MAX_SEATS),
        big in 1u32..=1_000_000,
        share in prop::collection::vec(0.5f64..=1.0, MAX_SEATS),
        seed in any::<u64>(),
    ) {
        let seats = lineup.len();
        let stakes = Stakes { small_blind_chips: big / 2 + 1, big_blind_chips: big.max(big / 2 + 1), ante_chips: big / 10 };
        let names: Vec<&'static str> = lineup.iter().map(|&i| bots::BUILT_IN[i].name).collect();
        let max = u32::MAX / seats as u32;
        let stacks: Vec<u32> = share[..seats].iter().map(|f| ((f * f64::from(max)) as u32).max(stakes.big_blind_chips)).collect();
        let mut players: Vec<Box<dyn Bot>> =
            names.iter().map(|n| (bots::find(n).unwrap().make)()).collect();
        let mut table = Table::new(&names, &stacks, stakes, seed);
        let mut adjusted = [0i64; MAX_SEATS];
        for hand in 0..20 {
            let deal = Deal::new(seed, hand, seats);
            let r = table.play_hand(hand, &deal, &mut players);
            let broken = broken_rule(&r, seats);
            prop_assert!(broken.is_none(), "hand {}: {:?}", hand, broken);
            let button = holdem_arena::engine::Positions::of_hand(hand, seats).button;
            holdem_arena::allin_ev::adjusted_net(&r, &deal, button, seed, hand, &mut adjusted);
        }
    }
}
