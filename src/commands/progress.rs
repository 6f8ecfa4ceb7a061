//! The progress bar of `run`, `compare` and `gate`, and the bridge from Ctrl-C to a
//! run's stop request.
//!
//! [`watch`] runs a job (a run of the simulator) while a second thread draws a bar on
//! stderr from the run's [`RunControl`] every 100 ms: hands played, hands/s, ETA, and,
//! when a bot behind a wire has kept the table waiting for more than
//! [`SHOW_WAIT_AFTER`], who and for how long (`waiting for my_bot (seat 1): 6 s`,
//! from [`crate::waits`]). The bar is hidden when stderr is not a terminal
//! (indicatif's stderr target draws nothing then). On the same tick the thread passes
//! a signal recorded by [`crate::interrupt`] on to the run as a stop request (or, for
//! a server installed with [`crate::interrupt::install_graceful`], as a request to
//! finish the hand in play and keep the results).

use crate::interrupt;
use crate::sim::RunControl;
use indicatif::{ProgressBar, ProgressState, ProgressStyle};
use std::sync::mpsc;
use std::time::Duration;

/// How often the bar is redrawn and the stop request looked at.
const TICK: Duration = Duration::from_millis(100);

/// How long a bot behind a wire may keep the table waiting before the bar says so.
pub const SHOW_WAIT_AFTER: Duration = Duration::from_secs(3);

/// Runs `job` on this thread while drawing a bar of `total` table hands from
/// `control` (labelled `what`, e.g. `hands` or `candidate hands`), and returns what
/// `job` returned. A Ctrl-C or SIGTERM during the job becomes
/// [`RunControl::request_stop`].
pub fn watch<T>(total: u64, control: &RunControl, job: impl FnOnce() -> T) -> T {
    std::thread::scope(|scope| {
        // Dropping `finished` wakes the progress thread at once (no wait for its tick).
        let (finished, finished_rx) = mpsc::channel::<()>();
        scope.spawn(move || draw(total, control, &finished_rx));
        let result = job();
        drop(finished);
        result
    })
}

fn draw(total: u64, control: &RunControl, finished: &mpsc::Receiver<()>) {
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template(
            "{bar:40} {human_pos}/{human_len} hands  {rate}  ETA {eta}  {msg}",
        )
        .expect("a valid template")
        .with_key(
            "rate",
            |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.0} hands/s", state.per_sec());
            },
        ),
    );
    while let Err(mpsc::RecvTimeoutError::Timeout) = finished.recv_timeout(TICK) {
        if interrupt::requested().is_some() {
            if interrupt::graceful() {
                control.request_finish();
            } else {
                control.request_stop();
            }
        }
        bar.set_position(control.hands_done());
        bar.set_message(waiting_message());
    }
    bar.finish_and_clear();
}

/// `waiting for NAME (seat N): 6 s` when a decision has been outstanding for longer
/// than [`SHOW_WAIT_AFTER`], else nothing.
fn waiting_message() -> String {
    match crate::waits::longest() {
        Some((who, waited)) if waited >= SHOW_WAIT_AFTER => {
            format!("waiting for {who}: {} s", waited.as_secs())
        }
        _ => String::new(),
    }
}
