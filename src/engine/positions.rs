//! Who sits where in a hand: the button, the blinds and who acts first.
//!
//! The one owner of these rules; the engine, the runner, hand histories, replays and
//! the wire client all ask here.
//!
//! - The button is seat `hand_index % seats`: it moves one seat each hand.
//! - With three or more seats the small blind is the first seat left of the button and
//!   the big blind the next; preflop the seat left of the big blind acts first.
//! - Heads-up the button posts the small blind and acts first preflop; the other seat
//!   posts the big blind (the usual heads-up rule, TDA Rule 34; Open Poker plays it).
//! - After the flop the first seat left of the button acts first (heads-up: the big
//!   blind), so the button acts last.
//! - Position names ([`POSITION_NAMES`], [`position_of`]) are the trackers' usual ones:
//!   BTN, SB and BB; right of the button CO (cutoff), then HJ (hijack) and LJ
//!   (lojack); the first to act preflop is UTG from 6 players up, followed by UTG+1,
//!   UTG+2, UTG+3 at 8 to 10 players. So 6-max is UTG HJ CO BTN SB BB, 9-handed
//!   UTG UTG+1 UTG+2 LJ HJ CO BTN SB BB, 4-handed CO BTN SB BB; heads-up the button
//!   (who posts the small blind) is BTN and the other seat BB.

/// The names of the positions, in preflop acting order: an index into it is a
/// position's number ([`position_of`]); 10 names for up to 10 players.
pub const POSITION_NAMES: [&str; 10] = [
    "UTG", "UTG+1", "UTG+2", "UTG+3", "LJ", "HJ", "CO", "BTN", "SB", "BB",
];

/// The cutoff's position number (an index into [`POSITION_NAMES`]).
pub const CO: usize = 6;
/// The button's position number.
pub const BTN: usize = 7;
/// The small blind's position number.
pub const SB: usize = 8;
/// The big blind's position number.
pub const BB: usize = 9;

/// The position number (an index into [`POSITION_NAMES`]) of the player `distance`
/// seats clockwise of the button among `players` players in the hand (the button has
/// distance 0; seats sitting out are not counted).
///
/// # Panics
/// In debug builds, if `players` is not in 2..=10 or `distance` is not below it.
pub fn position_of(distance: usize, players: usize) -> usize {
    debug_assert!((2..=10).contains(&players) && distance < players);
    match distance {
        0 => BTN,
        1 if players == 2 => BB, // heads-up the other seat is the big blind
        1 => SB,
        2 => BB,
        _ => {
            // The seats between the big blind and the button: named from the button
            // backwards (CO, HJ, LJ), except that from 6 players up the first of them
            // is UTG and the ones after it UTG+1, UTG+2...
            let middle = players - 3;
            let i = distance - 3; // 0 = first to act preflop
            let from_button = middle - 1 - i; // 0 = cutoff
            if middle >= 3 && (i == 0 || from_button >= 3) {
                i
            } else {
                CO - from_button
            }
        }
    }
}

/// The seats with a role in one hand, each in `0..seats`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Positions {
    /// Seats at the table (2 to 10).
    pub seats: usize,
    /// The button (the wire's `dealer_seat`).
    pub button: usize,
    /// The seat that posts the small blind.
    pub small_blind: usize,
    /// The seat that posts the big blind.
    pub big_blind: usize,
    /// The first seat to act preflop.
    pub first_preflop: usize,
    /// The first seat to act on the flop, turn and river.
    pub first_postflop: usize,
}

impl Positions {
    /// The positions of hand `hand_index` at a table of `seats` seats (button on seat
    /// `hand_index % seats`).
    ///
    /// # Panics
    /// If `seats` is below 2.
    pub fn of_hand(hand_index: u64, seats: usize) -> Positions {
        assert!(seats >= 2, "a table has at least 2 seats");
        Positions::with_button((hand_index % seats as u64) as usize, seats)
    }

    /// The positions when the button is on seat `button` (taken modulo `seats`).
    ///
    /// # Panics
    /// If `seats` is below 2.
    pub fn with_button(button: usize, seats: usize) -> Positions {
        assert!(seats >= 2, "a table has at least 2 seats");
        let button = button % seats;
        let left = |k: usize| (button + k) % seats;
        let (small_blind, big_blind, first_preflop) = if seats == 2 {
            (button, left(1), button)
        } else {
            (left(1), left(2), left(3))
        };
        Positions {
            seats,
            button,
            small_blind,
            big_blind,
            first_preflop,
            first_postflop: left(1),
        }
    }

    /// The positions when the button is on seat `button` and only the seats in the
    /// bit mask `seated` play (a session's table, where busted seats sit out): the
    /// blinds and the first to act are the next seated seats clockwise, by the same
    /// rules, heads-up included. With every seat seated this is
    /// [`Positions::with_button`].
    ///
    /// # Panics
    /// If fewer than 2 seats are seated, or `button` is not.
    pub fn among(button: usize, seated: u16, seats: usize) -> Positions {
        assert!(seated.count_ones() >= 2, "a hand has at least 2 players");
        assert!(seated >> button & 1 == 1, "the button is seated");
        let next = |from: usize| {
            (1..=seats)
                .map(|k| (from + k) % seats)
                .find(|&s| seated >> s & 1 == 1)
                .unwrap_or(from)
        };
        let (small_blind, big_blind, first_preflop) = if seated.count_ones() == 2 {
            (button, next(button), button)
        } else {
            let sb = next(button);
            let bb = next(sb);
            (sb, bb, next(bb))
        };
        Positions {
            seats,
            button,
            small_blind,
            big_blind,
            first_preflop,
            first_postflop: next(button),
        }
    }

    /// The next seated seat clockwise after `seat` (itself when it is the only one).
    pub fn next_seated(seat: usize, seated: u16, seats: usize) -> usize {
        (1..=seats)
            .map(|k| (seat + k) % seats)
            .find(|&s| seated >> s & 1 == 1)
            .unwrap_or(seat)
    }

    /// The seat `k` places left of (clockwise from) the button.
    pub fn left_of_button(&self, k: usize) -> usize {
        (self.button + k) % self.seats
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_named_as_trackers_name_them_for_every_table_size() {
        let names = |players: usize| -> Vec<&str> {
            (0..players)
                .map(|d| POSITION_NAMES[position_of(d, players)])
                .collect()
        };
        assert_eq!(names(2), ["BTN", "BB"]);
        assert_eq!(names(3), ["BTN", "SB", "BB"]);
        assert_eq!(names(4), ["BTN", "SB", "BB", "CO"]);
        assert_eq!(names(5), ["BTN", "SB", "BB", "HJ", "CO"]);
        assert_eq!(names(6), ["BTN", "SB", "BB", "UTG", "HJ", "CO"]);
        assert_eq!(names(7), ["BTN", "SB", "BB", "UTG", "LJ", "HJ", "CO"]);
        assert_eq!(
            names(8),
            ["BTN", "SB", "BB", "UTG", "UTG+1", "LJ", "HJ", "CO"]
        );
        assert_eq!(
            names(9),
            ["BTN", "SB", "BB", "UTG", "UTG+1", "UTG+2", "LJ", "HJ", "CO"]
        );
        assert_eq!(
            names(10),
            [
                "BTN", "SB", "BB", "UTG", "UTG+1", "UTG+2", "UTG+3", "LJ", "HJ", "CO"
            ]
        );
    }

    #[test]
    fn heads_up_the_button_posts_the_small_blind_and_acts_first_preflop() {
        let p = Positions::of_hand(3, 2);
        assert_eq!((p.button, p.small_blind, p.big_blind), (1, 1, 0));
        assert_eq!((p.first_preflop, p.first_postflop), (1, 0));
    }

    #[test]
    fn with_more_seats_the_blinds_sit_left_of_the_button() {
        let p = Positions::of_hand(13, 6);
        assert_eq!((p.button, p.small_blind, p.big_blind), (1, 2, 3));
        assert_eq!((p.first_preflop, p.first_postflop), (4, 2));
        let three = Positions::with_button(2, 3);
        assert_eq!(
            (three.small_blind, three.big_blind, three.first_preflop),
            (0, 1, 2)
        );
        assert_eq!(three.left_of_button(1), 0);
    }

    #[test]
    fn seats_sitting_out_are_skipped_by_the_blinds_and_the_action() {
        // Six seats, 1 and 4 sitting out, button on 0: SB 2, BB 3, UTG 5.
        let seated = 0b10_1101;
        let p = Positions::among(0, seated, 6);
        assert_eq!(
            (
                p.small_blind,
                p.big_blind,
                p.first_preflop,
                p.first_postflop
            ),
            (2, 3, 5, 2)
        );
        // Down to two players: heads-up rules.
        let p = Positions::among(3, 0b00_1001, 6);
        assert_eq!(
            (
                p.small_blind,
                p.big_blind,
                p.first_preflop,
                p.first_postflop
            ),
            (3, 0, 3, 0)
        );
        // Everyone seated: the usual positions.
        assert_eq!(
            Positions::among(4, 0b11_1111, 6),
            Positions::with_button(4, 6)
        );
        assert_eq!(Positions::next_seated(5, seated, 6), 0);
    }
}
