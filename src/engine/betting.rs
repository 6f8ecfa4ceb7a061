//! Betting: who may act, what they may do, and what an action does to the bets.
//!
//! No-Limit rules as the issue and TDA rules 2024 ("Rule 43: Raise amounts",
//! "Rule 44: Re-opening the bet") state them:
//! - Minimum raise: the current bet plus the largest full raise increment this
//!   street, at least the big blind. A player who cannot reach it may go all-in.
//! - An all-in short of a full raise does not reopen raising for players who already
//!   acted: they may raise again only once the raises since their last action add up
//!   to a full raise; until then they may call or fold.
//! - Nobody may raise when no opponent still in the hand can put in more than the
//!   current bet (every one is all-in, or covered by the bet already): such a
//!   "raise" could never be called, and PokerKit, the PHH referee, rejects it
//!   (`pokerkit/state.py`, `State._verify_completion_betting_or_raising`: "There is
//!   no reason to complete, bet, or raise since every other player has either
//!   folded or gone all-in"). Found by the referee: seed 1004, hand 146 of
//!   `tests/referee/run.sh` (regression test `no_raise_is_offered_when_every_opponent_is_covered`).
//! - A blind all-in for less than the blind is called for what it posted: the bet to
//!   match is the largest amount actually posted.

use crate::bot::{
    Action, ActionKind, ActionRecord, MAX_SEATS, PlayerStatus, PlayerView, RaiseRange, Street,
    ValidActions,
};

/// One hand's bets and players, in fixed arrays for up to [`MAX_SEATS`] seats. The
/// players' names are borrowed for `'n` (from the line-up's owner).
#[derive(Clone, Debug)]
pub struct Betting<'n> {
    /// Every seat's public state (stack behind, street bet, status); `seats` are used.
    pub players: [PlayerView<'n>; MAX_SEATS],
    /// Chips each seat has put in this hand, antes and blinds included.
    pub contributed: [u32; MAX_SEATS],
    /// Number of seats at the table, `2..=10`.
    pub seats: usize,
    /// The big blind in chips: the smallest bet and raise increment.
    pub big_blind_chips: u32,
    /// The largest street bet, in chips: what a call must match.
    pub current_bet_chips: u32,
    /// The largest full raise increment this street, in chips (at least the big blind).
    pub full_raise_chips: u32,
    /// Σ `contributed`: every chip committed this hand.
    pot_chips: u32,
    /// Seats not folded.
    in_hand: u8,
    /// Seats not folded and not all-in.
    can_bet: u8,
    /// Whether the seat has acted since the street began.
    acted: [bool; MAX_SEATS],
    /// The current bet, in chips, when the seat last acted: raising reopens for it once
    /// the current bet is a full raise above this.
    bet_at_last_action: [u32; MAX_SEATS],
}

impl<'n> Betting<'n> {
    /// A fresh hand: `names` and `stacks` (chips) by seat, every player active.
    ///
    /// # Panics
    /// If `names` and `stacks` differ in length, or that length is not `2..=10`.
    pub fn new_hand(names: &[&'n str], stacks: &[u32], big_blind_chips: u32) -> Betting<'n> {
        let unused = PlayerView {
            seat: 0,
            name: "",
            stack_chips: 0,
            bet_chips: 0,
            status: PlayerStatus::Folded,
        };
        let mut betting = Betting {
            players: [unused; MAX_SEATS],
            contributed: [0; MAX_SEATS],
            seats: 0,
            big_blind_chips,
            current_bet_chips: 0,
            full_raise_chips: big_blind_chips,
            pot_chips: 0,
            in_hand: 0,
            can_bet: 0,
            acted: [false; MAX_SEATS],
            bet_at_last_action: [0; MAX_SEATS],
        };
        betting.restart(names, stacks);
        betting
    }

    /// Starts a new hand in place (no copy of the whole state): like
    /// [`Betting::new_hand`] with the same big blind.
    ///
    /// # Panics
    /// As [`Betting::new_hand`].
    pub fn restart(&mut self, names: &[&'n str], stacks: &[u32]) {
        let seats = names.len();
        assert!((2..=MAX_SEATS).contains(&seats) && stacks.len() == seats);
        for (seat, p) in self.players[..seats].iter_mut().enumerate() {
            *p = PlayerView {
                seat: seat as u8,
                name: names[seat],
                stack_chips: stacks[seat],
                bet_chips: 0,
                status: PlayerStatus::Active,
            };
        }
        self.contributed = [0; MAX_SEATS];
        self.seats = seats;
        self.current_bet_chips = 0;
        self.full_raise_chips = self.big_blind_chips;
        self.pot_chips = 0;
        self.in_hand = seats as u8;
        self.can_bet = seats as u8;
        self.acted = [false; MAX_SEATS];
        self.bet_at_last_action = [0; MAX_SEATS];
    }

    /// Takes `seat` out of this hand before it starts (a session's seat sitting out):
    /// it keeps its stack, posts nothing and is never asked to act.
    pub fn sit_out(&mut self, seat: usize) {
        let p = &mut self.players[seat];
        if p.status == PlayerStatus::Active {
            p.status = PlayerStatus::Folded;
            self.in_hand -= 1;
            self.can_bet -= 1;
        }
    }

    /// The used seats' public state.
    #[inline]
    pub fn players(&self) -> &[PlayerView<'n>] {
        &self.players[..self.seats]
    }

    /// Every chip committed this hand.
    #[inline]
    pub fn pot_chips(&self) -> u32 {
        self.pot_chips
    }

    /// Moves up to `chips` from the seat's stack into the pot (all-in if short).
    /// A street bet (blind, call, raise) counts towards the seat's bet; an ante does not.
    /// Returns the chips actually moved.
    #[inline]
    pub fn put_in(&mut self, seat: usize, chips: u32, street_bet: bool) -> u32 {
        let p = &mut self.players[seat];
        let paid = chips.min(p.stack_chips);
        p.stack_chips -= paid;
        if street_bet {
            p.bet_chips += paid;
            self.current_bet_chips = self.current_bet_chips.max(p.bet_chips);
        }
        if p.stack_chips == 0 && p.status == PlayerStatus::Active {
            p.status = PlayerStatus::AllIn;
            self.can_bet -= 1;
        }
        self.contributed[seat] += paid;
        self.pot_chips += paid;
        paid
    }

    /// Starts a betting round: street bets back to zero, nobody has acted yet.
    pub fn start_street(&mut self) {
        for p in &mut self.players[..self.seats] {
            p.bet_chips = 0;
        }
        self.current_bet_chips = 0;
        self.full_raise_chips = self.big_blind_chips;
        self.acted = [false; MAX_SEATS];
        self.bet_at_last_action = [0; MAX_SEATS];
    }

    /// Seats not folded.
    #[inline]
    pub fn in_hand(&self) -> usize {
        self.in_hand.into()
    }

    /// Seats not folded and with chips behind: those who may still bet.
    #[inline]
    pub fn can_bet(&self) -> usize {
        self.can_bet.into()
    }

    /// Whether `seat` must act before the round closes: it can bet, and it faces a bet
    /// or has not acted while someone else can still bet.
    #[inline]
    fn must_act(&self, seat: usize) -> bool {
        let p = &self.players[seat];
        p.status == PlayerStatus::Active
            && (p.bet_chips < self.current_bet_chips || (!self.acted[seat] && self.can_bet() > 1))
    }

    /// The first seat at or clockwise after `from` that must act, or `None` when the
    /// betting round is closed (or one player is left).
    #[inline]
    pub fn next_to_act(&self, from: usize) -> Option<usize> {
        if self.in_hand() < 2 {
            return None;
        }
        // Walk clockwise without a division per step: this runs once per decision.
        let mut seat = if from >= self.seats { 0 } else { from };
        for _ in 0..self.seats {
            if self.must_act(seat) {
                return Some(seat);
            }
            seat += 1;
            if seat == self.seats {
                seat = 0;
            }
        }
        None
    }

    /// Whether an opponent of `seat` still able to bet has more chips (street bet plus
    /// stack) than the current bet: only then can a raise be called at all.
    #[inline]
    fn opponent_can_exceed(&self, seat: usize) -> bool {
        self.players[..self.seats].iter().enumerate().any(|(s, o)| {
            s != seat
                && o.status == PlayerStatus::Active
                && o.bet_chips + o.stack_chips > self.current_bet_chips
        })
    }

    /// The `valid_actions` for `seat` (which must be the seat to act).
    #[inline]
    pub fn valid_actions(&self, seat: usize) -> ValidActions {
        let p = &self.players[seat];
        let to_call = self.current_bet_chips - p.bet_chips;
        let opponent_can_bet = self.can_bet() > usize::from(p.status == PlayerStatus::Active)
            && self.opponent_can_exceed(seat);
        let reopened = !self.acted[seat]
            || self.current_bet_chips - self.bet_at_last_action[seat] >= self.full_raise_chips;
        let can_raise = p.stack_chips > to_call && opponent_can_bet && reopened;
        let max_to = p.bet_chips + p.stack_chips;
        let full_raise_to = self.current_bet_chips + self.full_raise_chips;
        ValidActions {
            check: to_call == 0,
            call_chips: (to_call > 0).then(|| to_call.min(p.stack_chips)),
            raise: can_raise.then(|| RaiseRange {
                min_to_chips: full_raise_to.min(max_to),
                max_to_chips: max_to,
            }),
            all_in_to_chips: (p.stack_chips > 0 && (can_raise || p.stack_chips <= to_call))
                .then_some(max_to),
        }
    }

    /// Applies a valid action of `seat` on `street` and returns its record.
    ///
    /// # Panics
    /// In debug builds, if `action` is not in [`Betting::valid_actions`].
    #[inline]
    pub fn apply(&mut self, seat: usize, street: Street, action: Action) -> ActionRecord {
        debug_assert!(self.valid_actions(seat).allows(action), "{action:?}");
        let p = self.players[seat];
        let raise_to = match action {
            Action::Raise { to_chips } => Some(to_chips),
            Action::AllIn if p.bet_chips + p.stack_chips > self.current_bet_chips => {
                Some(p.bet_chips + p.stack_chips)
            }
            _ => None,
        };
        let (kind, amount_chips) = match (action, raise_to) {
            (_, Some(to)) => {
                let increment = to - self.current_bet_chips;
                if increment >= self.full_raise_chips {
                    self.full_raise_chips = increment;
                }
                self.put_in(seat, to - p.bet_chips, true);
                (ActionKind::Raise, to)
            }
            (Action::Fold, _) => {
                self.players[seat].status = PlayerStatus::Folded;
                self.in_hand -= 1;
                self.can_bet -= 1;
                (ActionKind::Fold, 0)
            }
            (Action::Check, _) => (ActionKind::Check, 0),
            _ => {
                let paid = self.put_in(seat, self.current_bet_chips - p.bet_chips, true);
                (ActionKind::Call, paid)
            }
        };
        self.acted[seat] = true;
        self.bet_at_last_action[seat] = self.current_bet_chips;
        ActionRecord {
            seat: seat as u8,
            street,
            kind,
            amount_chips,
            all_in: self.players[seat].status == PlayerStatus::AllIn,
        }
    }
}
