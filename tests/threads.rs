//! Every public type that crosses threads can: configurations and bots go to the
//! workers, per-chunk tallies come back to the merger, the run's control is shared.
//! A type that lost `Send` (or `Sync`) would fail to compile here, not at a distance.

use holdem_arena::blocks::Blocks;
use holdem_arena::bot::{Bot, FaultNotes, Faults};
use holdem_arena::bots::BotSpec;
use holdem_arena::config::{Lineup, RunConfig, RunSettings};
use holdem_arena::sim::{RunControl, RunError, Totals};
use holdem_arena::stats::{DealSums, Stats};

fn send<T: Send>() {}
fn sync<T: Sync>() {}

#[test]
fn types_that_cross_threads_are_send() {
    send::<RunConfig>();
    send::<RunSettings>();
    send::<Lineup>();
    send::<BotSpec>();
    send::<Box<dyn Bot>>();
    send::<Totals>();
    send::<Stats>();
    send::<DealSums>();
    send::<Blocks>();
    send::<Faults>();
    send::<FaultNotes>();
    send::<RunError>();
    // Shared by reference between the workers, the merger and the progress thread.
    sync::<RunConfig>();
    sync::<RunControl>();
}
