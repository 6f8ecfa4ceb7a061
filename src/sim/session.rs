//! Sessions (`--session HANDS`): a deal of the run is a session of HANDS hands at
//! one table whose stacks carry over from hand to hand, as on the platforms
//! (`../shared/reference/openpoker-auto-rebuy.txt`: stacks stay at the table until
//! a bot busts, below the big blind after settlement, and rebuys).
//!
//! - Cards: hand `h` of session `d` gets the cards of deal index `d·HANDS + h`, so
//!   a session's cards depend only on (seed, session, hand in session), whatever the
//!   line-up, the busts or the thread count. With `--stack-range` the seats' buy-ins
//!   are the stacks drawn for the session's first hand.
//! - Button: on seat `(d + r) mod seats` for rotation `r` of session `d` (each
//!   rotation moves the line-up one seat, cards and buy-ins with it, as
//!   [`crate::deal::Deal::rotated`] does for a plain duplicate deal), then to the next
//!   seated seat clockwise each hand. Bots get a `table_joined` (and must forget)
//!   before every session and every rotation of it.
//! - Busts and rebuys: see [`SessionRules`]; `serve`'s connected bots switch their own
//!   auto-rebuy and rebuy by hand ([`crate::bot::Bot::seat_requests`], asked before
//!   every hand). A seat sitting out is dealt nothing,
//!   posts nothing and is never asked to act; its hands are counted in
//!   `hands_sat_out`, not in `hands`.
//! - Leaving: a bot that leaves the table for good ([`crate::bot::Bot::left_table`],
//!   asked before every hand; only `serve`'s connected bots do) sits out from then
//!   on, in this session and the next, its stack taken off the table, and the others
//!   get [`Event::PlayerLeft`] once.
//! - Statistics: a session (with its rotations) is the independent unit of the
//!   intervals and of `blocks.csv`; each seat's session results give the
//!   `mean_session_bb`, `sd_session_bb` and `worst_session_bb` columns.

use super::{Totals, Watch, Worker};
use crate::allin_ev;
use crate::bot::{Event, MAX_SEATS};
use crate::config::{Rebuy, SessionRules};
use crate::engine::{Positions, Seating};
use crate::history::phh;

/// A busted seat's wait: the session's hand at which it buys in again.
const NEVER: u64 = u64::MAX;

impl Worker<'_> {
    /// Plays sessions `first..end` (every rotation of each with duplicate deals) into
    /// `tallies`, telling `watch` after every session. Allocation-free unless hand
    /// histories are asked for.
    pub(super) fn play_sessions_watched(
        &mut self,
        first: u64,
        end: u64,
        rules: SessionRules,
        tallies: &mut Totals,
        watch: &impl Watch,
    ) {
        let seats = self.table.seats();
        let rotations = if self.duplicate { seats } else { 1 };
        let bots = self.distinct;
        for d in first..end {
            // The session's results per distinct bot, over its seats and rotations.
            let mut unit = Unit::default();
            for r in 0..rotations {
                self.play_session(d, r, rules, tallies, &mut unit, watch);
            }
            if !self.allin_adjust {
                for (adj, &net) in unit.adjusted[..bots].iter_mut().zip(&unit.net) {
                    *adj = net * allin_ev::FIXED_ONE;
                }
            }
            tallies
                .units
                .record(&unit.net[..bots], &unit.adjusted[..bots]);
            tallies.blocks.record(
                d,
                unit.table_hands,
                &unit.seat_hands[..bots],
                &unit.net[..bots],
                &unit.adjusted[..bots],
            );
            if !watch.deal_done(unit.table_hands) {
                return;
            }
        }
    }

    /// Plays rotation `r` of session `d` and adds it to `tallies` and `unit`; ends the
    /// session early, after the hand in play, when `watch` is finishing.
    fn play_session(
        &mut self,
        d: u64,
        r: usize,
        rules: SessionRules,
        tallies: &mut Totals,
        unit: &mut Unit,
        watch: &impl Watch,
    ) {
        let seats = self.table.seats();
        let all: u16 = (1 << seats) - 1;
        let per_session = u64::from(rules.hands);
        let big_blind = self.stakes.big_blind_chips;
        // Hand ids are unique in the run: rotation r of session d is the
        // (d·rotations + r)-th block of `per_session` ids.
        let rotations = if self.duplicate { seats } else { 1 };
        let first_id = (d * rotations as u64 + r as u64) * per_session;
        self.table_joined(first_id);
        let buy_ins = if self.depths && self.dealer.draws_stacks() {
            self.dealer
                .deal(d * per_session, seats)
                .rotated(r, seats)
                .stacks
        } else {
            self.buy_ins
        };
        let mut seating = Seating {
            button: (d as usize + r) % seats,
            sitting_out: 0,
            stacks: buy_ins,
        };
        let mut rebuy_at = [NEVER; MAX_SEATS];
        let mut rebuys = [0u32; MAX_SEATS];
        let mut session_net = [0i64; MAX_SEATS];
        let mut adjusted = [0i64; MAX_SEATS];
        let mut last_button = None;
        // Chips bought in (buy-ins, rebuys) and taken off the table (what a busted
        // seat had left): the table always holds their difference.
        let (mut chips_in, mut chips_out) = (
            buy_ins[..seats].iter().map(|&c| u64::from(c)).sum::<u64>(),
            0u64,
        );
        // Per seat: auto-rebuy on (the table's `--rebuy`, then the bot's own
        // `set_auto_rebuy`), and busted with no rebuy scheduled.
        let mut auto_rebuy = [rules.rebuy == Rebuy::Auto; MAX_SEATS];
        let mut waiting = [false; MAX_SEATS];
        // A rebuy `rebuys` (the first at once, later ones after the cooldown) from
        // hand `h` on.
        let rebuy_from = |h: u64, rebuys: u32| {
            let wait = if rebuys == 0 {
                0
            } else {
                u64::from(rules.cooldown_hands)
            };
            (h + wait, wait)
        };
        for h in 0..per_session {
            if watch.finishing() {
                break; // a server's normal stop: the session ends after the hand played
            }
            let mut leaving = [None; MAX_SEATS];
            for (bot, l) in self.bots[..seats].iter_mut().zip(&mut leaving) {
                *l = bot.left_table();
            }
            for (s, reason) in leaving[..seats].iter().enumerate() {
                let Some(reason) = *reason else { continue };
                // Gone for good (`serve`'s leave_table, away, disconnect timeout):
                // off the table with its stack, like a bust without a rebuy.
                if seating.sitting_out >> s & 1 == 0 {
                    seating.sitting_out |= 1 << s;
                    chips_out += u64::from(seating.stacks[s]);
                    seating.stacks[s] = 0;
                }
                rebuy_at[s] = NEVER;
                waiting[s] = false;
                if self.left >> s & 1 == 0 {
                    self.left |= 1 << s;
                    let left = Event::PlayerLeft {
                        seat: s as u8,
                        name: self.seat_names[s],
                        reason,
                    };
                    for (o, bot) in self.bots[..seats].iter_mut().enumerate() {
                        if o != s {
                            tell(bot, &left);
                        }
                    }
                }
            }
            for s in 0..seats {
                if self.left >> s & 1 == 1 {
                    continue;
                }
                // openpoker-auto-rebuy.txt: the bot's own auto-rebuy switch and
                // manual rebuy (`serve` only: see Bot::seat_requests).
                let asked = self.bots[s].seat_requests();
                if let Some(on) = asked.auto_rebuy.filter(|&on| on != auto_rebuy[s]) {
                    auto_rebuy[s] = on;
                    if !on && rebuy_at[s] != NEVER && rebuy_at[s] > h {
                        // "If a rebuy is pending, it is cancelled and a normal
                        // busted message is sent instead."
                        rebuy_at[s] = NEVER;
                        rebuys[s] -= 1;
                        waiting[s] = true;
                        tell(
                            &mut self.bots[s],
                            &Event::Busted {
                                rebuy_in_hands: None,
                            },
                        );
                    }
                }
                if waiting[s] && (asked.rebuy || auto_rebuy[s]) {
                    waiting[s] = false;
                    let (at, wait) = rebuy_from(h, rebuys[s]);
                    rebuy_at[s] = at;
                    rebuys[s] += 1;
                    if !asked.rebuy && wait > 0 {
                        // Auto-rebuy switched on while busted: `auto_rebuy_scheduled`.
                        tell(
                            &mut self.bots[s],
                            &Event::Busted {
                                rebuy_in_hands: Some(wait),
                            },
                        );
                    }
                }
            }
            for s in 0..seats {
                if rebuy_at[s] == h {
                    rebuy_at[s] = NEVER;
                    seating.stacks[s] = buy_ins[s];
                    chips_in += u64::from(buy_ins[s]);
                    seating.sitting_out &= !(1 << s);
                    tallies.stats.seats[s].rebuys += 1;
                    tell(
                        &mut self.bots[s],
                        &Event::Rebought {
                            stack_chips: buy_ins[s],
                        },
                    );
                }
            }
            let seated = all & !seating.sitting_out;
            if seated.count_ones() < 2 {
                if rebuy_at[..seats].iter().all(|&at| at == NEVER)
                    && !self.rebuy_within_grace(
                        h,
                        &mut waiting,
                        &mut rebuy_at,
                        &mut rebuys,
                        rebuy_from,
                    )
                {
                    break; // nobody is coming back: the session is over
                }
                continue; // the table waits for a rebuy
            }
            seating.button = match last_button {
                None if seated >> seating.button & 1 == 1 => seating.button,
                None => Positions::next_seated(seating.button, seated, seats),
                Some(b) => Positions::next_seated(b, seated, seats),
            };
            last_button = Some(seating.button);
            let deal = self.dealer.deal(d * per_session + h, seats);
            let dealt = deal.rotated(r, seats);
            let hand = first_id + h;
            let result = self
                .table
                .play_seated(hand, &dealt, &mut self.bots, &seating);
            // Sessions never move the bots (no permutations): seat = slot.
            let slot = &self.slot_at_seat[..seats];
            tallies.stats.record(&result, slot);
            if self.depths {
                tallies.depths.record(&result, big_blind, slot);
            }
            if let Some((sample, out)) = &mut self.history
                && let Some(table_number) = sample.table_number(hand)
            {
                let info = phh::HandInfo {
                    seed: self.seed,
                    hand_index: hand,
                    button: seating.button,
                    names: &self.names,
                    stakes: self.stakes,
                    deal: &dealt,
                };
                phh::write_hand(out, table_number, &info, &result)
                    .expect("writing to memory cannot fail");
            }
            if self.allin_adjust {
                allin_ev::adjusted_net(
                    &result,
                    &dealt,
                    seating.button,
                    self.seed,
                    d * per_session + h,
                    &mut adjusted,
                );
            }
            unit.table_hands += 1;
            for s in 0..seats {
                if result.sat_out(s) {
                    continue;
                }
                let b = self.bot_of_seat[s] as usize;
                let net = result.net_chips(s);
                session_net[s] += net;
                unit.net[b] += net;
                unit.seat_hands[b] += 1;
                if self.allin_adjust {
                    unit.adjusted[b] += adjusted[s];
                }
            }
            seating.stacks[..seats].copy_from_slice(result.final_stacks);
            for s in 0..seats {
                if seated >> s & 1 == 1 && seating.stacks[s] < big_blind {
                    // Busted (openpoker-auto-rebuy.txt, steps 1-2): off the table
                    // with what is left; with auto-rebuy back after the cooldown
                    // (the first rebuy at once: step 5 and "the first rebuy is
                    // instant").
                    tallies.stats.seats[s].busts += 1;
                    seating.sitting_out |= 1 << s;
                    chips_out += u64::from(seating.stacks[s]);
                    seating.stacks[s] = 0;
                    let mut rebuy_in_hands = None;
                    // Its switch as it stands now, though it came during the hand.
                    if let Some(on) = self.bots[s].seat_requests().auto_rebuy {
                        auto_rebuy[s] = on;
                    }
                    if auto_rebuy[s] {
                        let (at, wait) = rebuy_from(h + 1, rebuys[s]);
                        rebuy_at[s] = at;
                        rebuys[s] += 1;
                        rebuy_in_hands = Some(wait);
                    } else {
                        waiting[s] = true;
                    }
                    tell(&mut self.bots[s], &Event::Busted { rebuy_in_hands });
                }
            }
        }
        debug_assert_eq!(
            seating.stacks[..seats]
                .iter()
                .map(|&c| u64::from(c))
                .sum::<u64>()
                + chips_out,
            chips_in,
            "chips not conserved in session {d}, rotation {r}"
        );
        for (s, &net) in session_net[..seats].iter().enumerate() {
            tallies.stats.seats[s].record_session(net);
        }
    }
}

/// How long a table that cannot deal waits for the `rebuy` of a busted bot that
/// switched auto-rebuy off (`serve`; ours: the documents give no figure), so that
/// whether the session goes on does not hang on a millisecond.
pub const REBUY_GRACE: std::time::Duration = std::time::Duration::from_secs(1);

impl Worker<'_> {
    /// Waits up to [`REBUY_GRACE`] for a `rebuy` from the seats `waiting` whose bots
    /// switched auto-rebuy off, and schedules the first that comes (from hand
    /// `h + 1`); `false` when none came (or none can).
    fn rebuy_within_grace(
        &mut self,
        h: u64,
        waiting: &mut [bool; MAX_SEATS],
        rebuy_at: &mut [u64; MAX_SEATS],
        rebuys: &mut [u32; MAX_SEATS],
        rebuy_from: impl Fn(u64, u32) -> (u64, u64),
    ) -> bool {
        let seats = self.table.seats();
        let until = std::time::Instant::now() + REBUY_GRACE;
        loop {
            let mut asking = false;
            for s in 0..seats {
                if !waiting[s] || self.left >> s & 1 == 1 {
                    continue;
                }
                if self.bots[s].left_table().is_some() {
                    continue; // the next hand's poll takes it off the table
                }
                let asked = self.bots[s].seat_requests();
                if asked.rebuy || asked.auto_rebuy == Some(true) {
                    waiting[s] = false;
                    rebuy_at[s] = rebuy_from(h + 1, rebuys[s]).0;
                    rebuys[s] += 1;
                    return true;
                }
                asking |= asked.auto_rebuy == Some(false);
            }
            if !asking || std::time::Instant::now() >= until {
                return false;
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
    }
}

/// One session's results (with its rotations) per distinct bot.
struct Unit {
    /// Table hands played.
    table_hands: u64,
    /// Per bot: seat-hands played.
    seat_hands: [u64; MAX_SEATS],
    /// Per bot: net result, in chips.
    net: [i64; MAX_SEATS],
    /// Per bot: all-in-adjusted result, in 1/`FIXED_ONE` chip.
    adjusted: [i64; MAX_SEATS],
}

impl Default for Unit {
    fn default() -> Unit {
        Unit {
            table_hands: 0,
            seat_hands: [0; MAX_SEATS],
            net: [0; MAX_SEATS],
            adjusted: [0; MAX_SEATS],
        }
    }
}

/// Shows `event` to `bot` if it subscribes to busts, rebuys and leaves.
fn tell(bot: &mut Box<dyn crate::bot::Bot>, event: &Event<'_>) {
    if bot
        .subscriptions()
        .contains(crate::bot::EventKinds::SEAT_CHANGES)
    {
        bot.observe(event);
    }
}
