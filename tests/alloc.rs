//! The hot loop allocates nothing: a counting global allocator over 100,000 hands
//! (tracker statistics and results by position, counted every hand, included).

use holdem_arena::bots;
use holdem_arena::config::DuplicateMode;
use holdem_arena::engine::Stakes;
use holdem_arena::sim::{RunConfig, Totals, Worker};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};

/// Counts the allocations and reallocations of threads that switched counting on,
/// then defers to the system allocator. Only the measuring thread counts: the test
/// harness's own threads may allocate at any time.
struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

thread_local! {
    // `const` initialisation: reading it never allocates, even inside the allocator.
    static COUNTING: Cell<bool> = const { Cell::new(false) };
}

fn count() {
    if COUNTING.try_with(Cell::get).unwrap_or(false) {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
    }
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations_while_playing(lineup: &str, hands: u64, duplicate: bool) -> u64 {
    allocations_with_stacks(lineup, hands, duplicate, None)
}

fn allocations_with_stacks(
    lineup: &str,
    hands: u64,
    duplicate: bool,
    seat_stacks: Option<Vec<u32>>,
) -> u64 {
    let duplicate = duplicate.then_some(DuplicateMode::Rotations);
    allocations_in(lineup, hands, duplicate, seat_stacks, None, None)
}

fn allocations_in(
    lineup: &str,
    deals: u64,
    duplicate: Option<DuplicateMode>,
    seat_stacks: Option<Vec<u32>>,
    stack_range: Option<holdem_arena::config::StackRange>,
    session: Option<holdem_arena::config::SessionRules>,
) -> u64 {
    let hands = deals;
    let config = RunConfig {
        lineup: lineup
            .split(',')
            .map(|n| bots::find(n).unwrap().into())
            .collect(),
        deals: hands,
        seed: 9,
        threads: 1,
        stakes: Stakes {
            ante_chips: 5,
            ..Stakes::default()
        },
        stack_chips: 2000,
        duplicate,
        block_deals: holdem_arena::blocks::DEFAULT_BLOCK_DEALS,
        allin_adjust: true,
        seat_stacks,
        stack_range,
        table: None,
        history: None,
        session,
    };
    let mut worker = Worker::new(&config);
    // Per-chunk accumulators (including the block vector) are made before playing.
    let mut tallies = Totals::new(&config, 0, hands);
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    COUNTING.with(|c| c.set(true));
    worker.play_deals(0, hands, &mut tallies);
    COUNTING.with(|c| c.set(false));
    let after = ALLOCATIONS.load(Ordering::Relaxed);
    if session.is_none() {
        assert_eq!(tallies.stats.seats[0].hands, config.hands_played());
    } else {
        assert!(tallies.stats.table_hands > 0);
    }
    after - before
}

#[test]
fn sessions_and_drawn_stacks_allocate_nothing() {
    use holdem_arena::config::{Rebuy, SessionRules, StackRange};
    let range = StackRange {
        min_bb: 5,
        max_bb: 300,
    };
    let lineup = "random,allin,call,raise,tag,equity";
    assert_eq!(
        allocations_in(lineup, 20_000, None, None, Some(range), None),
        0,
        "--stack-range"
    );
    for (rebuy, cooldown, duplicate) in [
        (Rebuy::Auto, 5, false),
        (Rebuy::Never, 0, false),
        (Rebuy::Auto, 0, true),
    ] {
        let session = SessionRules {
            hands: 100,
            rebuy,
            cooldown_hands: cooldown,
        };
        assert_eq!(
            allocations_in(
                lineup,
                100,
                duplicate.then_some(DuplicateMode::Rotations),
                None,
                Some(range),
                Some(session)
            ),
            0,
            "sessions: {rebuy:?}, cooldown {cooldown}, duplicate {duplicate}"
        );
    }
}

#[test]
fn playing_hands_allocates_nothing() {
    for lineup in [
        "tag,call,random,raise,equity,call",
        "call,call",
        "random,random,random,random,random,random,random,random,random,random",
    ] {
        assert_eq!(
            allocations_while_playing(lineup, 100_000, false),
            0,
            "{lineup}"
        );
        // Duplicate deals with the all-in adjustment (run-outs, rotations, resets).
        assert_eq!(
            allocations_while_playing(lineup, 10_000, true),
            0,
            "{lineup} duplicate"
        );
    }
}

#[test]
fn all_in_run_outs_with_side_pots_allocate_nothing() {
    // Unequal stacks: all-ins before the river make side pots, whose run-outs are
    // awarded one by one (one pot only counts winners).
    let stacks = vec![400, 2000, 900, 2000, 150, 3000];
    let lineup = "random,random,random,random,random,random";
    assert_eq!(
        allocations_with_stacks(lineup, 20_000, false, Some(stacks)),
        0
    );
    assert_eq!(allocations_while_playing("random,random", 20_000, false), 0);
}

#[test]
fn seat_permutations_allocate_nothing() {
    // The bots change seats every hand (swapped in place), with their names and their
    // own stacks (`--stacks`), drawn stacks (`--stack-range`) and the all-in
    // adjustment: all K! orders at 3 and 4 seats, the neighbour-balanced designs at 5
    // (20 orders) and 10 (90 orders).
    let range = holdem_arena::config::StackRange {
        min_bb: 5,
        max_bb: 300,
    };
    let permutations = Some(DuplicateMode::Permutations);
    for (lineup, stacks) in [
        ("tag,call,random", Some(vec![400, 2000, 900])),
        ("random,allin,call,raise", None),
        (
            "tag,call,random,raise,equity",
            Some(vec![150, 2000, 900, 3000, 400]),
        ),
        (
            "random,random,call,call,tag,tag,raise,raise,allin,equity",
            None,
        ),
    ] {
        assert_eq!(
            allocations_in(lineup, 1_000, permutations, stacks, None, None),
            0,
            "{lineup} permutations"
        );
        assert_eq!(
            allocations_in(lineup, 1_000, permutations, None, Some(range), None),
            0,
            "{lineup} permutations, --stack-range"
        );
    }
}
