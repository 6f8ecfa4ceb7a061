//! Bot names are owned, never leaked (issue 11): an external bot's name lives in its
//! line-up and a wire player's name in the wire client, and both are freed with their
//! owner. A counting global allocator sums the bytes a thread still holds.

use holdem_arena::bots;
use holdem_arena::config::Lineup;
use holdem_arena::protocol::client::Client;
use serde_json::json;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// Sums, for threads that switched counting on, the bytes allocated minus the bytes
/// freed, then defers to the system allocator. Only the measuring thread counts: the
/// test harness's own threads may allocate at any time.
struct Counting;

thread_local! {
    // `const` initialisation: reading them never allocates, even inside the allocator.
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static LIVE_BYTES: Cell<i64> = const { Cell::new(0) };
}

fn add(bytes: i64) {
    if COUNTING.try_with(Cell::get).unwrap_or(false) {
        let _ = LIVE_BYTES.try_with(|b| b.set(b.get() + bytes));
    }
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        add(layout.size() as i64);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        add(-(layout.size() as i64));
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        add(new_size as i64 - layout.size() as i64);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Bytes `work` leaves allocated on this thread once it returns. `work` runs once
/// before, uncounted, so that one-time set-up (lazy statics) is not taken for a leak.
fn bytes_kept(work: impl Fn()) -> i64 {
    work();
    LIVE_BYTES.with(|b| b.set(0));
    COUNTING.with(|c| c.set(true));
    work();
    COUNTING.with(|c| c.set(false));
    LIVE_BYTES.with(Cell::get)
}

/// `Lineup::from_entries` leaked every external bot's name (`Box::leak`): a
/// line-up's names now go with it.
#[cfg(unix)]
#[test]
fn exec_bot_names_are_freed_with_their_lineup() {
    let kept = bytes_kept(|| {
        let lineup = Lineup::from_entries(&["exec:sh -c true", "call"]).unwrap();
        assert_eq!(lineup.seats()[0].name(), "sh");
        assert!(lineup.seats()[0].is_external());
    });
    assert_eq!(kept, 0);
}

/// The wire client leaked every distinct player name it met (`Client::intern`): its
/// names now go with it.
#[test]
fn wire_player_names_are_freed_with_the_client() {
    let kept = bytes_kept(|| {
        let mut client = Client::new((bots::find("call").unwrap().make)());
        for i in 0..200 {
            let msg = json!({"type": "table_joined", "table_id": "t", "seat": 0,
                "players": [{"seat": 0, "name": format!("bot-{i}"), "stack": 1.0},
                            {"seat": 1, "name": format!("other-{i}"), "stack": 1.0}]});
            assert!(client.handle_value(&msg).notes.is_empty());
            let result = json!({"type": "hand_result", "pot": 2.0,
                "final_stacks": {"0": 3.0, "1": 0.0},
                "winners": [{"seat": 0, "name": format!("bot-{i}"), "stack": 3.0, "amount": 2.0}]});
            assert!(client.handle_value(&result).notes.is_empty());
        }
    });
    assert_eq!(kept, 0);
}
