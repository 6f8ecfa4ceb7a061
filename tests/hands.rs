//! Whole hands with the built-in bots over random line-ups, stacks and stakes: chips
//! are conserved, every pot is awarded, nobody acts after folding or going all-in,
//! and no built-in bot ever makes an invalid action.

use holdem_arena::bot::{ActionKind, Bot, HandResult};
use holdem_arena::bots::BUILT_IN;
use holdem_arena::deal::{Deal, splitmix64};
use holdem_arena::engine::{Stakes, Table};

fn check_hand(r: &HandResult<'_>, seats: usize) {
    let start: u64 = r.starting_stacks.iter().map(|&s| u64::from(s)).sum();
    let end: u64 = r.final_stacks.iter().map(|&s| u64::from(s)).sum();
    assert_eq!(start, end, "chips not conserved in hand {}", r.hand_id);
    let won: u32 = r.winners.iter().map(|w| w.amount_chips).sum();
    assert_eq!(
        won, r.pot_chips,
        "pot not fully awarded in hand {}",
        r.hand_id
    );
    let mut done = vec![false; seats];
    for a in r.actions {
        let s = a.seat as usize;
        assert!(
            !done[s],
            "seat {s} acted after folding or all-in in hand {}",
            r.hand_id
        );
        done[s] = a.kind == ActionKind::Fold || a.all_in;
    }
    assert!(
        r.invalid_actions.iter().all(|&n| n == 0),
        "a built-in bot erred"
    );
    if r.showdown() {
        assert_eq!(r.board.len(), 5);
        assert!(r.shown_cards.len() >= 2);
        assert!(r.winners.iter().all(|w| w.strength.is_some()));
    } else {
        assert_eq!(r.winners.len(), 1, "a pot won by folds has one winner");
    }
}

#[test]
fn random_lineups_stacks_and_stakes_keep_every_invariant() {
    let mut x = 12345u64;
    let mut next = |n: u64| {
        x = splitmix64(x);
        x % n
    };
    for table_no in 0..60 {
        let seats = 2 + next(9) as usize;
        let big = 1 + next(50) as u32;
        let stakes = Stakes {
            small_blind_chips: 1 + next(u64::from(big)) as u32,
            big_blind_chips: big,
            ante_chips: if next(2) == 0 {
                0
            } else {
                next(u64::from(big)) as u32
            },
        };
        let lineup: Vec<_> = (0..seats)
            .map(|_| &BUILT_IN[next(BUILT_IN.len() as u64) as usize])
            .collect();
        let names: Vec<&'static str> = lineup.iter().map(|b| b.name).collect();
        // Short and deep stacks side by side: many all-ins and side pots.
        let stacks: Vec<u32> = (0..seats)
            .map(|_| 1 + next(u64::from(big) * 150) as u32)
            .collect();
        let mut bots: Vec<Box<dyn Bot>> = lineup.iter().map(|b| (b.make)()).collect();
        let mut table = Table::new(&names, &stacks, stakes, table_no);
        for hand in 0..400 {
            let deal = Deal::new(table_no, hand, seats);
            let r = table.play_hand(hand, &deal, &mut bots);
            check_hand(&r, seats);
        }
    }
}
