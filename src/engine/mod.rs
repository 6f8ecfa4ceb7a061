//! The No-Limit Hold'em rules: one table of 2 to 10 seats playing one hand at a time.
//!
//! [`Table::play_hand`] deals from a [`Deal`], posts antes and blinds, runs the four
//! betting rounds through the bots, settles pots ([`pots`]) and reports a
//! [`HandResult`]. The engine, not the bot, is the authority: every answer is
//! validated like the server validates an `action` message. Nothing here allocates
//! per hand: state lives in fixed arrays and a reused action log.
//!
//! Positions (button, blinds, first to act) come from [`positions::Positions`], the
//! one owner of those rules.

pub mod betting;
pub mod positions;
pub mod pots;

pub use positions::Positions;

use crate::bot::{
    ActionRecord, Bot, Event, EventKinds, HandResult, MAX_SEATS, PlayerStatus, PlayerView,
    ShownCards, Street, Turn, Winner,
};
use crate::cards::Card;
use crate::deal::{Deal, bot_seed};
use crate::eval::{PartialHand, Strength};
use betting::Betting;

/// The table's stakes, in chips. Valid when `0 < small_blind_chips <= big_blind_chips`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Stakes {
    /// Small blind, in chips.
    pub small_blind_chips: u32,
    /// Big blind, in chips.
    pub big_blind_chips: u32,
    /// Ante every player posts each hand, in chips (0: none).
    pub ante_chips: u32,
}

impl Default for Stakes {
    /// Open Poker's defaults: blinds 10/20, no ante.
    fn default() -> Stakes {
        Stakes {
            small_blind_chips: 10,
            big_blind_chips: 20,
            ante_chips: 0,
        }
    }
}

/// Who plays one hand of a session (`--session`): stacks carry over from hand to
/// hand, the button moves among the seated players, and busted seats sit out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seating {
    /// The button, a seated seat.
    pub button: usize,
    /// Bit `s` set: seat `s` sits out this hand (keeps its stack, is dealt nothing).
    pub sitting_out: u16,
    /// Every seat's stack at the start of the hand, in chips (a seated seat has at
    /// least one chip).
    pub stacks: [u32; MAX_SEATS],
}

/// Every seat's [`PlayerView`] before any hand: `names[seat]` with `stacks[seat]`
/// chips, active, no bet (entries past the table's seats are unused).
fn seated_views<'n>(
    names: &[&'n str; MAX_SEATS],
    stacks: &[u32; MAX_SEATS],
) -> [PlayerView<'n>; MAX_SEATS] {
    std::array::from_fn(|seat| PlayerView {
        seat: seat as u8,
        name: names[seat],
        stack_chips: stacks[seat],
        bet_chips: 0,
        status: crate::bot::PlayerStatus::Active,
    })
}

/// Most actions one hand is expected to need; the log grows past it only in freak
/// hands (many tiny raises with deep stacks), and keeps that capacity afterwards.
const ACTION_LOG_CAPACITY: usize = 512;

/// One table: seat names, stakes and starting stacks, plus the state of the hand in play.
/// The names are borrowed for `'n` from whoever owns the line-up (a run's
/// [`crate::config::RunConfig`]), so a table copies no string.
pub struct Table<'n> {
    names: [&'n str; MAX_SEATS],
    starting_stacks: [u32; MAX_SEATS],
    /// The seats as `table_joined` lists them: names and starting stacks.
    seated: [PlayerView<'n>; MAX_SEATS],
    /// The stacks the hand in play started with: `starting_stacks`, or the deal's.
    hand_stacks: [u32; MAX_SEATS],
    /// Bit `s` set: seat `s` sits out the hand in play (sessions only).
    sitting_out: u16,
    seats: usize,
    stakes: Stakes,
    run_seed: u64,
    betting: Betting<'n>,
    street: Street,
    board: [Card; 5],
    board_len: usize,
    hole_cards: [[Card; 2]; MAX_SEATS],
    actions: Vec<ActionRecord>,
    winners: [Winner<'n>; MAX_SEATS],
    winner_count: usize,
    shown: [ShownCards; MAX_SEATS],
    shown_count: usize,
    final_stacks: [u32; MAX_SEATS],
    invalid_actions: [u32; MAX_SEATS],
    /// Each seat's [`Bot::subscriptions`], asked at the start of every hand.
    subscriptions: [EventKinds; MAX_SEATS],
    /// The union of this hand's `subscriptions`: events nobody wants are not built.
    listened: EventKinds,
}

impl<'n> Table<'n> {
    /// A table with one seat per name (`names.len()` seats, `2..=10`), every seat
    /// starting each hand with `starting_stacks[seat]` chips. `run_seed` seeds the
    /// bots' per-hand random streams.
    ///
    /// # Panics
    /// If the seat count is outside `2..=10`, `starting_stacks` has another length,
    /// a stack is 0, or the stakes are invalid (see [`Stakes`]). The CLI validates
    /// its input before it gets here.
    pub fn new(
        names: &[&'n str],
        starting_stacks: &[u32],
        stakes: Stakes,
        run_seed: u64,
    ) -> Table<'n> {
        let seats = names.len();
        assert!(
            (2..=MAX_SEATS).contains(&seats),
            "2..=10 seats, got {seats}"
        );
        assert_eq!(starting_stacks.len(), seats, "one starting stack per seat");
        assert!(
            starting_stacks.iter().all(|&s| s > 0),
            "stacks must be positive"
        );
        assert!(0 < stakes.small_blind_chips && stakes.small_blind_chips <= stakes.big_blind_chips);
        let mut table_names = [""; MAX_SEATS];
        table_names[..seats].copy_from_slice(names);
        let mut stacks = [0; MAX_SEATS];
        stacks[..seats].copy_from_slice(starting_stacks);
        let no_winner = Winner {
            seat: 0,
            name: "",
            stack_chips: 0,
            amount_chips: 0,
            strength: None,
        };
        Table {
            names: table_names,
            starting_stacks: stacks,
            seated: seated_views(&table_names, &stacks),
            hand_stacks: stacks,
            sitting_out: 0,
            seats,
            stakes,
            run_seed,
            betting: Betting::new_hand(names, starting_stacks, stakes.big_blind_chips),
            street: Street::Preflop,
            board: [Card::default(); 5],
            board_len: 0,
            hole_cards: [[Card::default(); 2]; MAX_SEATS],
            actions: Vec::with_capacity(ACTION_LOG_CAPACITY),
            winners: [no_winner; MAX_SEATS],
            winner_count: 0,
            shown: [ShownCards {
                seat: 0,
                cards: [Card::default(); 2],
            }; MAX_SEATS],
            shown_count: 0,
            final_stacks: [0; MAX_SEATS],
            invalid_actions: [0; MAX_SEATS],
            subscriptions: [EventKinds::ALL; MAX_SEATS],
            listened: EventKinds::ALL,
        }
    }

    /// Seats other players for the hands that follow: `names[seat]` and
    /// `starting_stacks[seat]` (chips) for every seat, as [`Table::new`] takes them,
    /// and [`Table::players`] lists them at once (with those stacks). For runs whose
    /// bots change seats between hands (`run --duplicate permutations`); allocates
    /// nothing.
    ///
    /// # Panics
    /// If either slice's length differs from the seat count, or a stack is 0.
    pub fn seat_players(&mut self, names: &[&'n str], starting_stacks: &[u32]) {
        let seats = self.seats;
        assert!(names.len() == seats && starting_stacks.len() == seats);
        assert!(
            starting_stacks.iter().all(|&s| s > 0),
            "stacks must be positive"
        );
        self.names[..seats].copy_from_slice(names);
        self.starting_stacks[..seats].copy_from_slice(starting_stacks);
        self.seated = seated_views(&self.names, &self.starting_stacks);
        self.betting.restart(names, starting_stacks);
    }

    /// Number of seats, `2..=10`.
    pub fn seats(&self) -> usize {
        self.seats
    }

    /// The seats as a `table_joined` lists them: every seat's name and starting
    /// stack, whatever the hands played since (the stacks each hand of a run starts
    /// from, a session's buy-ins).
    pub fn players(&self) -> &[PlayerView<'n>] {
        &self.seated[..self.seats]
    }

    /// Plays hand `hand_id` with the cards of `deal`, `bots[seat]` deciding for each
    /// seat, and returns the `hand_result`. Every bot sees the hand's events.
    ///
    /// In debug builds, asserts that no chip is created or lost.
    ///
    /// # Panics
    /// If `bots.len()` differs from the seat count.
    pub fn play_hand(
        &mut self,
        hand_id: u64,
        deal: &Deal,
        bots: &mut [Box<dyn Bot>],
    ) -> HandResult<'_> {
        self.play(hand_id, deal, bots, None)
    }

    /// [`Table::play_hand`] for a hand of a session: the stacks, the button and the
    /// seats sitting out come from `seating` (see [`Seating`]).
    ///
    /// # Panics
    /// If `bots.len()` differs from the seat count, fewer than 2 seats are seated, or
    /// the button sits out.
    pub fn play_seated(
        &mut self,
        hand_id: u64,
        deal: &Deal,
        bots: &mut [Box<dyn Bot>],
        seating: &Seating,
    ) -> HandResult<'_> {
        self.play(hand_id, deal, bots, Some(seating))
    }

    fn play(
        &mut self,
        hand_id: u64,
        deal: &Deal,
        bots: &mut [Box<dyn Bot>],
        seating: Option<&Seating>,
    ) -> HandResult<'_> {
        assert_eq!(bots.len(), self.seats, "one bot per seat");
        let all = (1u16 << self.seats) - 1;
        let at = match seating {
            None => Positions::of_hand(hand_id, self.seats),
            Some(s) => Positions::among(s.button, all & !s.sitting_out, self.seats),
        };
        let button = at.button;
        self.start_hand(deal, seating);
        // Posted first, so that `hand_start` shows the stacks and pot as dealt.
        self.post_antes_and_blinds(&at);
        self.announce_hand(hand_id, button, bots);
        self.betting_round(hand_id, button, at.first_preflop, bots);
        for street in [Street::Flop, Street::Turn, Street::River] {
            if self.betting.in_hand() < 2 {
                break;
            }
            self.street = street;
            self.board_len = street.board_len();
            self.betting.start_street();
            if self.listened.contains(EventKinds::COMMUNITY_CARDS) {
                broadcast(
                    bots,
                    &self.subscriptions,
                    &Event::CommunityCards {
                        cards: &self.board[..self.board_len],
                        street,
                    },
                );
            }
            self.betting_round(hand_id, button, at.first_postflop, bots);
        }
        self.settle(button);

        let result = self.result(hand_id, button);
        debug_assert_eq!(
            result.final_stacks.iter().sum::<u32>(),
            result.starting_stacks.iter().sum::<u32>(),
            "chips not conserved in hand {hand_id}"
        );
        if self.listened.contains(EventKinds::HAND_RESULT) {
            broadcast(bots, &self.subscriptions, &Event::HandResult(&result));
        }
        result
    }

    fn start_hand(&mut self, deal: &Deal, seating: Option<&Seating>) {
        let seats = self.seats;
        // A session's stacks, or stacks drawn with the deal (`--stack-range`), replace
        // the table's.
        self.hand_stacks = match seating {
            Some(s) => s.stacks,
            None if deal.stacks[0] > 0 => deal.stacks,
            None => self.starting_stacks,
        };
        self.betting
            .restart(&self.names[..seats], &self.hand_stacks[..seats]);
        self.sitting_out = seating.map_or(0, |s| s.sitting_out);
        for seat in (0..seats).filter(|&s| self.sitting_out >> s & 1 == 1) {
            self.betting.sit_out(seat);
        }
        self.street = Street::Preflop;
        self.board = deal.board;
        self.board_len = 0;
        self.hole_cards = deal.hole_cards;
        self.actions.clear();
        self.winner_count = 0;
        self.shown_count = 0;
        self.invalid_actions = [0; MAX_SEATS];
    }

    fn announce_hand(&mut self, hand_id: u64, button: usize, bots: &mut [Box<dyn Bot>]) {
        self.listened = EventKinds::NONE;
        for (seat, bot) in bots.iter_mut().enumerate() {
            self.subscriptions[seat] = bot.subscriptions();
            self.listened = self.listened.union(self.subscriptions[seat]);
            let subscribed = |kind| self.subscriptions[seat].contains(kind);
            if subscribed(EventKinds::HAND_START) {
                bot.observe(&Event::HandStart {
                    hand_id,
                    seat: seat as u8,
                    button_seat: button as u8,
                    small_blind_chips: self.stakes.small_blind_chips,
                    big_blind_chips: self.stakes.big_blind_chips,
                    ante_chips: self.stakes.ante_chips,
                    players: self.betting.players(),
                    pot_chips: self.betting.pot_chips(),
                    rng_seed: bot_seed(self.run_seed, hand_id, seat),
                });
            }
            if subscribed(EventKinds::HOLE_CARDS) && self.sitting_out >> seat & 1 == 0 {
                bot.observe(&Event::HoleCards {
                    cards: self.hole_cards[seat],
                });
            }
        }
    }

    fn post_antes_and_blinds(&mut self, at: &Positions) {
        if self.stakes.ante_chips > 0 {
            for seat in (0..self.seats).filter(|&s| self.sitting_out >> s & 1 == 0) {
                self.betting.put_in(seat, self.stakes.ante_chips, false);
            }
        }
        self.betting
            .put_in(at.small_blind, self.stakes.small_blind_chips, true);
        self.betting
            .put_in(at.big_blind, self.stakes.big_blind_chips, true);
    }

    /// Asks each seat to act, starting at `first`, until the round closes.
    fn betting_round(
        &mut self,
        hand_id: u64,
        button: usize,
        first: usize,
        bots: &mut [Box<dyn Bot>],
    ) {
        let mut from = first;
        while let Some(seat) = self.betting.next_to_act(from) {
            let valid = self.betting.valid_actions(seat);
            let turn = Turn {
                hand_id,
                seat: seat as u8,
                hole_cards: self.hole_cards[seat],
                valid_actions: valid,
                pot_chips: self.betting.pot_chips(),
                community_cards: &self.board[..self.board_len],
                players: self.betting.players(),
                min_raise_chips: valid.raise.map_or(0, |r| r.min_to_chips),
                max_raise_chips: valid.raise.map_or(0, |r| r.max_to_chips),
                to_call_chips: valid.call_chips.unwrap_or(0),
                button_seat: button as u8,
                small_blind_chips: self.stakes.small_blind_chips,
                big_blind_chips: self.stakes.big_blind_chips,
                ante_chips: self.stakes.ante_chips,
                street: self.street,
                actions: &self.actions,
            };
            let mut action = bots[seat].act(&turn);
            if let Err(reason) = valid.check_action(action) {
                self.invalid_actions[seat] += 1;
                if self.subscriptions[seat].contains(EventKinds::ACTION_REJECTED) {
                    bots[seat].observe(&Event::ActionRejected { reason, action });
                }
                action = valid.timeout_action();
            }
            let record = self.betting.apply(seat, self.street, action);
            self.actions.push(record);
            if self.listened.contains(EventKinds::PLAYER_ACTION) {
                broadcast(
                    bots,
                    &self.subscriptions,
                    &Event::PlayerAction {
                        record,
                        stack_chips: self.betting.players[seat].stack_chips,
                        pot_chips: self.betting.pot_chips(),
                    },
                );
            }
            from = seat + 1; // next_to_act wraps it
        }
    }

    /// Returns the uncalled bet, runs the board out if needed, and awards the pots.
    fn settle(&mut self, button: usize) {
        let seats = self.seats;
        let b = &mut self.betting;
        let mut stacks: [u32; MAX_SEATS] = std::array::from_fn(|seat| b.players[seat].stack_chips);
        pots::return_uncalled_bet(&mut b.contributed[..seats], &mut stacks[..seats]);

        let in_hand: [bool; MAX_SEATS] = std::array::from_fn(|seat| {
            seat < seats && b.players[seat].status != PlayerStatus::Folded
        });
        let showdown = b.in_hand() > 1;
        let mut strength: [Option<Strength>; MAX_SEATS] = [None; MAX_SEATS];
        if showdown {
            let board = self.board.iter().fold(PartialHand::EMPTY, |h, &c| h.add(c));
            for seat in (0..seats).filter(|&s| in_hand[s]) {
                let [a, c] = self.hole_cards[seat];
                strength[seat] = Some(board.add(a).add(c).strength());
                self.shown[self.shown_count] = ShownCards {
                    seat: seat as u8,
                    cards: self.hole_cards[seat],
                };
                self.shown_count += 1;
            }
        }
        let mut won = [0u32; MAX_SEATS];
        pots::award_pots(
            &b.contributed[..seats],
            &in_hand[..seats],
            &strength[..seats],
            button,
            &mut won[..seats],
        );
        for seat in 0..seats {
            self.final_stacks[seat] = stacks[seat] + won[seat];
            if won[seat] > 0 {
                self.winners[self.winner_count] = Winner {
                    seat: seat as u8,
                    name: self.names[seat],
                    stack_chips: self.final_stacks[seat],
                    amount_chips: won[seat],
                    strength: strength[seat],
                };
                self.winner_count += 1;
            }
        }
    }

    fn result(&self, hand_id: u64, button: usize) -> HandResult<'_> {
        let seats = self.seats;
        HandResult {
            hand_id,
            pot_chips: self.betting.contributed[..seats].iter().sum(),
            winners: &self.winners[..self.winner_count],
            final_stacks: &self.final_stacks[..seats],
            shown_cards: &self.shown[..self.shown_count],
            actions: &self.actions,
            board: &self.board[..self.board_len],
            starting_stacks: &self.hand_stacks[..seats],
            invalid_actions: &self.invalid_actions[..seats],
            button: button as u8,
            sitting_out: self.sitting_out,
        }
    }
}

/// Sends `event` to every bot subscribed to its kind.
#[inline]
fn broadcast(bots: &mut [Box<dyn Bot>], subscriptions: &[EventKinds], event: &Event<'_>) {
    let kind = event.kind();
    for (bot, subscribed) in bots.iter_mut().zip(subscriptions) {
        if subscribed.contains(kind) {
            bot.observe(event);
        }
    }
}
