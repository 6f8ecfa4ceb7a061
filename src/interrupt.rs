//! Ctrl-C (SIGINT) and SIGTERM: stop a run cleanly instead of dying mid-write.
//!
//! A command that plays hands calls [`install`] once. On the first signal the handler
//! thread records it ([`requested`]), kills every registered external bot's process
//! group (so no bot, nor a child it spawned, outlives the run, and workers blocked on
//! a bot's pipe wake at once), and gives the main thread [`GRACE`] to stop the
//! workers, drop its temporary files and exit with [`exit_code`] (130 for SIGINT, 143
//! for SIGTERM, as shells report a death by signal). If the main thread has not
//! finished by then, or a second signal arrives, the handler deletes the registered
//! temporary files itself and exits with that code.
//!
//! A server (`serve`) installs the handler with [`install_graceful`] instead: for it a
//! Ctrl-C is the normal stop, so the first signal is only recorded (no bot is killed,
//! no timer runs), the table finishes the hand in play and the results are written;
//! a second signal exits at once as above, leaving no file behind.
//!
//! Registration ([`ChildGuard`], [`TempGuard`]) takes a mutex, so it happens when a
//! process starts or a file is created, never per hand; the workers only read an
//! atomic ([`requested`]).
//!
//! Signals are received with the `signal-hook` crate's iterator (a self-pipe read by
//! an ordinary thread), so the handler may lock and allocate.

use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::time::Duration;

/// How long the main thread has, after a signal, to stop and clean up by itself.
pub const GRACE: Duration = Duration::from_secs(3);

/// The signal received (0: none yet).
static SIGNAL: AtomicI32 = AtomicI32::new(0);
/// Whether the first signal only asks to finish ([`install_graceful`]).
static GRACEFUL: AtomicBool = AtomicBool::new(false);
/// Process group ids of the running external bots.
static CHILDREN: Mutex<Vec<i32>> = Mutex::new(Vec::new());
/// Temporary files to delete if the process must exit without unwinding.
static TEMP_FILES: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Starts the signal thread for SIGINT and SIGTERM (Unix; elsewhere it does nothing).
/// Calling it again does nothing.
///
/// # Errors
/// If the signal handlers cannot be registered or the thread cannot be started.
pub fn install() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::sync::OnceLock;
        static INSTALLED: OnceLock<()> = OnceLock::new();
        if INSTALLED.get().is_some() {
            return Ok(());
        }
        let mut signals = signal_hook::iterator::Signals::new([
            signal_hook::consts::SIGINT,
            signal_hook::consts::SIGTERM,
        ])?;
        std::thread::Builder::new()
            .name("signals".into())
            .spawn(move || {
                for signal in signals.forever() {
                    if SIGNAL.swap(signal, Ordering::SeqCst) != 0 {
                        force_exit(signal); // a second signal: stop waiting
                    }
                    if GRACEFUL.load(Ordering::SeqCst) {
                        continue; // the command finishes the hand in play by itself
                    }
                    kill_children();
                    // The main thread normally exits before this timer fires.
                    std::thread::spawn(move || {
                        std::thread::sleep(GRACE);
                        force_exit(signal);
                    });
                }
            })?;
        let _ = INSTALLED.set(());
    }
    Ok(())
}

/// [`install`] for a server: the first SIGINT or SIGTERM is only recorded
/// ([`requested`], [`graceful`]), for the command to finish the hand in play and
/// write its results; a second one exits at once (130 / 143, temporary files
/// deleted).
///
/// # Errors
/// As [`install`].
pub fn install_graceful() -> std::io::Result<()> {
    GRACEFUL.store(true, Ordering::SeqCst);
    install()
}

/// Whether the handler was installed by [`install_graceful`]: a signal asks to finish
/// the hand in play and keep the results, not to drop them.
pub fn graceful() -> bool {
    GRACEFUL.load(Ordering::SeqCst)
}

/// The signal that asked the program to stop (`SIGINT` = 2, `SIGTERM` = 15), if any.
/// Workers check it between hands and stop.
#[inline]
pub fn requested() -> Option<i32> {
    match SIGNAL.load(Ordering::Relaxed) {
        0 => None,
        s => Some(s),
    }
}

/// The name of `signal` as a user knows it: `SIGTERM` for 15, else `SIGINT` (the
/// only two the handler receives).
pub fn signal_name(signal: i32) -> &'static str {
    if signal == libc::SIGTERM {
        "SIGTERM"
    } else {
        "SIGINT"
    }
}

/// The exit code for a death by `signal`: 128 + the signal number (130 for SIGINT,
/// 143 for SIGTERM), clamped to 255.
pub fn exit_code(signal: i32) -> u8 {
    u8::try_from(128 + signal.clamp(0, 127)).unwrap_or(255)
}

/// Keeps a child's process group registered for killing on a signal; unregisters it
/// when dropped (after the child was reaped).
#[derive(Debug)]
pub struct ChildGuard(i32);

/// Registers the process group `pgid` (a child started with `process_group(0)`, whose
/// group id is its pid) to be killed with `SIGKILL` when a signal arrives.
pub fn register_child(pgid: i32) -> ChildGuard {
    lock(&CHILDREN).push(pgid);
    if requested().is_some() {
        kill_group(pgid); // started while stopping: do not let it live
    }
    ChildGuard(pgid)
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let mut children = lock(&CHILDREN);
        if let Some(i) = children.iter().position(|&p| p == self.0) {
            children.swap_remove(i);
        }
    }
}

/// Keeps a temporary file registered for deletion if the process must exit from the
/// signal thread; unregisters it when dropped (the file was renamed or deleted).
#[derive(Debug)]
pub struct TempGuard(PathBuf);

/// Registers `path`, a temporary file, for deletion on a forced exit.
pub fn register_temp(path: PathBuf) -> TempGuard {
    lock(&TEMP_FILES).push(path.clone());
    TempGuard(path)
}

impl Drop for TempGuard {
    fn drop(&mut self) {
        let mut files = lock(&TEMP_FILES);
        if let Some(i) = files.iter().position(|p| *p == self.0) {
            files.swap_remove(i);
        }
    }
}

/// Kills the bots, deletes the registered temporary files and exits for `signal`.
fn force_exit(signal: i32) -> ! {
    kill_children();
    remove_temp_files();
    std::process::exit(i32::from(exit_code(signal)));
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Kills every registered process group (`SIGKILL`): the bots and their children.
pub fn kill_children() {
    for &pgid in lock(&CHILDREN).iter() {
        kill_group(pgid);
    }
}

/// Sends `SIGKILL` to process group `pgid` (nothing for a `pgid` of 0 or below; a
/// group already gone is fine).
pub fn kill_group(pgid: i32) {
    #[cfg(unix)]
    if pgid > 0 {
        // SAFETY: kill(2) with a negative pid signals a process group; no memory is
        // passed. A group that is already gone gives ESRCH, which is fine.
        unsafe {
            libc::kill(-pgid, libc::SIGKILL);
        }
    }
    #[cfg(not(unix))]
    let _ = pgid;
}

fn remove_temp_files() {
    for path in lock(&TEMP_FILES).iter() {
        let _ = std::fs::remove_file(path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_are_128_plus_the_signal() {
        assert_eq!(exit_code(2), 130);
        assert_eq!(exit_code(15), 143);
        assert_eq!(exit_code(1000), 255);
    }

    #[test]
    fn guards_unregister_when_dropped() {
        let path = PathBuf::from("/nonexistent/holdem-arena-test-temp");
        let guard = register_temp(path.clone());
        assert!(lock(&TEMP_FILES).contains(&path));
        drop(guard);
        assert!(!lock(&TEMP_FILES).contains(&path));
        let child = register_child(-7); // never a real group: kill_group skips it
        assert!(lock(&CHILDREN).contains(&-7));
        drop(child);
        assert!(!lock(&CHILDREN).contains(&-7));
    }
}
