//! Helpers shared by the built-in bots: safe fallbacks, raise sizing, pot odds.
//!
//! Every helper answers only with actions offered in [`ValidActions`], so a bot built
//! from them is never rejected.

use crate::bot::{Action, Event, RaiseRange, Turn, ValidActions};
use crate::deal::BotRng;
use rand::SeedableRng;

/// A bot's random stream, reseeded from every [`Event::HandStart`]'s `rng_seed` (a
/// function of run seed, hand index and seat; seed 0 before the first hand), never
/// from time or OS entropy, so a bot's play is reproducible and independent of the
/// thread count.
#[derive(Clone, Debug)]
pub struct HandRng(BotRng);

impl Default for HandRng {
    fn default() -> HandRng {
        HandRng(BotRng::seed_from_u64(0))
    }
}

impl HandRng {
    /// Reseeds on `hand_start`; call it from [`crate::bot::Bot::observe`].
    pub fn observe(&mut self, event: &Event<'_>) {
        if let Event::HandStart { rng_seed, .. } = *event {
            self.0 = BotRng::seed_from_u64(rng_seed);
        }
    }

    /// The generator, for drawing.
    pub fn rng(&mut self) -> &mut BotRng {
        &mut self.0
    }
}

/// The passive answer: check if free, else call (an all-in call when the stack is
/// short), else all-in if that is the only way to stay in, else fold.
pub fn check_or_call(valid: &ValidActions) -> Action {
    if valid.check {
        Action::Check
    } else if valid.call_chips.is_some() {
        Action::Call
    } else if valid.all_in_to_chips.is_some() {
        Action::AllIn
    } else {
        Action::Fold
    }
}

/// Check if free, else fold.
pub fn check_or_fold(valid: &ValidActions) -> Action {
    valid.timeout_action()
}

/// `to_chips` ("raise to" street total, in chips) clamped into `range`.
pub fn clamp_raise(range: RaiseRange, to_chips: u32) -> u32 {
    to_chips.clamp(range.min_to_chips, range.max_to_chips)
}

/// A raise to `to_chips` (clamped into the offered range) when raising is offered,
/// else [`check_or_call`].
pub fn raise_or_call(valid: &ValidActions, to_chips: u32) -> Action {
    match valid.raise {
        Some(range) => Action::Raise {
            to_chips: clamp_raise(range, to_chips),
        },
        None => check_or_call(valid),
    }
}

/// The highest bet on this street in chips: what a call must match.
pub fn street_bet_chips(turn: &Turn<'_>) -> u32 {
    turn.me().bet_chips.saturating_add(turn.to_call_chips)
}

/// The "raise to" total (chips) that first calls, then bets `num / den` of the pot
/// as it stands after the call (`num / den = 1` is a pot-size raise; with nothing to
/// call it is a bet of that fraction of the pot). Not clamped: see [`raise_or_call`].
pub fn pot_raise_to(turn: &Turn<'_>, num: u32, den: u32) -> u32 {
    let pot_after_call = u64::from(turn.pot_chips) + u64::from(turn.to_call_chips);
    let extra = pot_after_call * u64::from(num) / u64::from(den.max(1));
    let to = u64::from(street_bet_chips(turn)) + extra.max(u64::from(turn.big_blind_chips));
    u32::try_from(to).unwrap_or(u32::MAX)
}

/// The chips a call adds now: the offered call amount (capped at the stack), else
/// `to_call_chips`; 0 when checking is free.
pub fn call_cost_chips(turn: &Turn<'_>) -> u32 {
    if turn.valid_actions.check {
        0
    } else {
        turn.valid_actions.call_chips.unwrap_or(turn.to_call_chips)
    }
}

/// Pot odds in `0.0..1.0`: the share of the final pot a call pays,
/// `call / (pot + call)`; the equity a call needs to break even. 0 when checking is free.
pub fn pot_odds(turn: &Turn<'_>) -> f64 {
    let call = f64::from(call_cost_chips(turn));
    if call == 0.0 {
        return 0.0;
    }
    call / (f64::from(turn.pot_chips) + call)
}

/// Hand-built decisions for the bots' tests: every situation a bot must answer
/// validly, and a runner that checks a bot against all of them.
#[cfg(test)]
pub mod testing {
    use crate::bot::{
        Action, ActionKind, ActionRecord, Bot, Event, PlayerStatus, PlayerView, RaiseRange, Street,
        Turn, ValidActions,
    };
    use crate::cards::{Card, parse_cards};

    /// Two hole cards from text such as `"Ah Kd"`.
    ///
    /// # Panics
    /// If the text does not hold at least two valid cards.
    pub fn hole(text: &str) -> [Card; 2] {
        let c = parse_cards(text).expect("valid cards");
        [c[0], c[1]]
    }

    /// An owned decision from which a [`Turn`] can be borrowed.
    #[derive(Clone, Debug)]
    pub struct Spot {
        /// What the spot tests, for failure messages.
        pub name: &'static str,
        /// The deciding seat.
        pub seat: u8,
        /// The button.
        pub button: u8,
        /// Hole cards of the deciding seat.
        pub hole: [Card; 2],
        /// The board.
        pub board: Vec<Card>,
        /// Every seat.
        pub players: Vec<PlayerView<'static>>,
        /// Offered actions.
        pub valid: ValidActions,
        /// Pot in chips.
        pub pot: u32,
        /// To call in chips.
        pub to_call: u32,
        /// Street.
        pub street: Street,
        /// Actions so far.
        pub actions: Vec<ActionRecord>,
    }

    impl Spot {
        /// A `players`-handed spot (stacks 2000) for `seat` with `hole` and `board`
        /// (card strings), facing `to_call` into `pot`, offered `valid`.
        pub fn new(
            players: usize,
            seat: u8,
            hole: &str,
            board: &str,
            pot: u32,
            to_call: u32,
            valid: ValidActions,
        ) -> Spot {
            let board = parse_cards(board).unwrap();
            let h = parse_cards(hole).unwrap();
            let street = Street::of_board(board.len());
            let players = (0..players as u8)
                .map(|s| PlayerView {
                    seat: s,
                    name: "test",
                    stack_chips: 2000,
                    bet_chips: 0,
                    status: PlayerStatus::Active,
                })
                .collect();
            Spot {
                name: "",
                seat,
                button: 0,
                hole: [h[0], h[1]],
                board,
                players,
                valid,
                pot,
                to_call,
                street,
                actions: Vec::new(),
            }
        }

        /// Names the spot (for failure messages).
        pub fn named(mut self, name: &'static str) -> Spot {
            self.name = name;
            self
        }

        /// Replaces the hole cards.
        pub fn with_hole(mut self, hole: &str) -> Spot {
            let h = parse_cards(hole).unwrap();
            self.hole = [h[0], h[1]];
            self
        }

        /// Records `raises` preflop raises by seats other than the decider.
        pub fn with_raises(mut self, raises: usize) -> Spot {
            for i in 0..raises {
                self.actions.push(ActionRecord {
                    seat: (self.seat + 1 + i as u8) % self.players.len() as u8,
                    street: Street::Preflop,
                    kind: ActionKind::Raise,
                    amount_chips: 60 * (i as u32 + 1),
                    all_in: false,
                });
            }
            self
        }

        /// The decision as the engine would present it.
        pub fn turn(&self) -> Turn<'_> {
            let range = self.valid.raise;
            Turn {
                hand_id: 1,
                seat: self.seat,
                hole_cards: self.hole,
                valid_actions: self.valid,
                pot_chips: self.pot,
                community_cards: &self.board,
                players: &self.players,
                min_raise_chips: range.map_or(0, |r| r.min_to_chips),
                max_raise_chips: range.map_or(0, |r| r.max_to_chips),
                to_call_chips: self.to_call,
                button_seat: self.button,
                small_blind_chips: 10,
                big_blind_chips: 20,
                ante_chips: 0,
                street: self.street,
                actions: &self.actions,
            }
        }
    }

    /// Offered actions facing a bet: call `call`, raise `min..=max`, all-in to `max`.
    pub fn facing(call: u32, min: u32, max: u32) -> ValidActions {
        ValidActions {
            check: false,
            call_chips: Some(call),
            raise: Some(RaiseRange {
                min_to_chips: min,
                max_to_chips: max,
            }),
            all_in_to_chips: Some(max),
        }
    }

    /// Offered actions when checking is free: check, bet `min..=max`, all-in to `max`.
    pub fn free(min: u32, max: u32) -> ValidActions {
        ValidActions {
            check: true,
            call_chips: None,
            ..facing(0, min, max)
        }
    }

    /// The table of situations every bot must answer validly.
    pub fn spots() -> Vec<Spot> {
        let no_raise = ValidActions {
            raise: None,
            all_in_to_chips: None,
            ..facing(100, 0, 0)
        };
        let short_call = ValidActions {
            check: false,
            call_chips: Some(30),
            raise: None,
            all_in_to_chips: Some(30),
        };
        let all_in_only = ValidActions {
            call_chips: None,
            ..short_call
        };
        let short_raise = facing(100, 150, 150);
        // (name, players, seat, board, pot, to call, offered, preflop raises, own stack)
        let table = [
            (
                "unopened preflop",
                6,
                3,
                "",
                30,
                20,
                facing(20, 40, 2000),
                0,
                2000,
            ),
            (
                "heads-up button",
                2,
                0,
                "",
                30,
                10,
                facing(10, 40, 2000),
                0,
                2000,
            ),
            ("big blind option", 6, 2, "", 40, 0, free(40, 2000), 0, 2000),
            (
                "facing a preflop raise",
                6,
                3,
                "",
                90,
                60,
                facing(60, 100, 2000),
                1,
                2000,
            ),
            (
                "facing a 3-bet",
                6,
                2,
                "",
                300,
                180,
                facing(180, 400, 2000),
                2,
                2000,
            ),
            (
                "free check on the flop",
                6,
                1,
                "Qc Jd 3s",
                120,
                0,
                free(20, 1980),
                0,
                1980,
            ),
            (
                "facing a flop bet",
                3,
                1,
                "Qc Jd 3s",
                200,
                80,
                facing(80, 160, 1980),
                0,
                1980,
            ),
            (
                "raise unavailable on the turn",
                2,
                1,
                "Qc Jd 3s 8h",
                300,
                100,
                no_raise,
                0,
                1900,
            ),
            (
                "short stack: call is all-in",
                2,
                1,
                "Qc Jd 3s 8h 4c",
                300,
                100,
                short_call,
                0,
                30,
            ),
            (
                "short stack: only all-in",
                2,
                1,
                "Qc Jd 3s 8h 4c",
                300,
                100,
                all_in_only,
                0,
                30,
            ),
            (
                "all-in short of a full raise",
                4,
                2,
                "Qc Jd 3s",
                300,
                100,
                short_raise,
                0,
                150,
            ),
        ];
        table
            .into_iter()
            .map(
                |(name, players, seat, board, pot, call, valid, raises, stack)| {
                    let mut spot = Spot::new(players, seat, "Ah As", board, pot, call, valid)
                        .named(name)
                        .with_raises(raises);
                    spot.players[usize::from(seat)].stack_chips = stack;
                    spot
                },
            )
            .collect()
    }

    /// Hole cards tried in every spot (none on any board in [`spots`]).
    pub const HOLES: &[&str] = &["Ah As", "7d 2h", "Kh Qh", "5s 5d", "9c Ts", "Ad Kc"];

    /// Runs `make()` through every spot, every hole in [`HOLES`] and a few seeds, and
    /// asserts every answer is allowed; returns the answers for further checks.
    pub fn assert_always_valid(make: fn() -> Box<dyn Bot>) -> Vec<(String, Action)> {
        let mut answers = Vec::new();
        for spot in spots() {
            for hole in HOLES {
                let spot = spot.clone().with_hole(hole);
                for seed in 0..4 {
                    let mut bot = make();
                    bot.observe(&Event::HandStart {
                        hand_id: 1,
                        seat: spot.seat,
                        button_seat: spot.button,
                        small_blind_chips: 10,
                        big_blind_chips: 20,
                        ante_chips: 0,
                        players: &[],
                        pot_chips: 30,
                        rng_seed: seed,
                    });
                    let action = bot.act(&spot.turn());
                    assert!(
                        spot.valid.allows(action),
                        "{}, {hole}, seed {seed}: {action:?} not in {:?}",
                        spot.name,
                        spot.valid
                    );
                    answers.push((format!("{} / {hole}", spot.name), action));
                }
            }
        }
        answers
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{Spot, facing, free};
    use super::*;

    #[test]
    fn check_or_call_prefers_check_then_call_then_all_in() {
        assert_eq!(check_or_call(&free(20, 100)), Action::Check);
        assert_eq!(check_or_call(&facing(20, 40, 100)), Action::Call);
        let all_in_only = ValidActions {
            call_chips: None,
            raise: None,
            ..facing(20, 40, 100)
        };
        assert_eq!(check_or_call(&all_in_only), Action::AllIn);
    }

    #[test]
    fn raises_are_clamped_into_the_offered_range() {
        let va = facing(20, 40, 100);
        assert_eq!(raise_or_call(&va, 10), Action::Raise { to_chips: 40 });
        assert_eq!(raise_or_call(&va, 1000), Action::Raise { to_chips: 100 });
        let no_raise = ValidActions { raise: None, ..va };
        assert_eq!(raise_or_call(&no_raise, 60), Action::Call);
    }

    #[test]
    fn pot_sizing_and_pot_odds() {
        // Pot 90 (blinds 30 + a raise to 60), 60 to call: a pot raise is to 60 + 150.
        let spot = Spot::new(6, 3, "Ah As", "", 90, 60, facing(60, 100, 2000));
        let turn = spot.turn();
        assert_eq!(pot_raise_to(&turn, 1, 1), 210);
        assert!((pot_odds(&turn) - 0.4).abs() < 1e-9);
        let check = Spot::new(6, 3, "Ah As", "Qc Jd 3s", 120, 0, free(20, 1980));
        assert_eq!(pot_raise_to(&check.turn(), 2, 3), 80);
        assert_eq!(pot_odds(&check.turn()), 0.0);
    }
}
