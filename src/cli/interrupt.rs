//! Ctrl-C and `kill`: SIGINT or SIGTERM removes whatever temporary output is being written
//! (a fresh output folder, or a single file under a temporary name) and exits with
//! 128 + the signal (130, 143), so an interrupted run leaves the previous outputs as they
//! were. The writers in `files.rs` register their temporaries in `PENDING` and hold its
//! lock from creating a temporary to swapping it into place (well under a second), so a
//! signal that arrives meanwhile waits for them: it never removes a folder that is still
//! being written into, and the reader sees the previous set or the new one, never a mix.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};

use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

/// Temporary paths to remove if the process is interrupted: sets being written, and a
/// previous set swapped out and not yet removed.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
/// Whether a new set of outputs is already in place (for the message only).
static REPLACED: AtomicBool = AtomicBool::new(false);

/// Starts the thread that waits for SIGINT and SIGTERM. Without it the default action
/// (terminate) would leave temporaries behind; they are cleaned by the next run anyway
/// (`files::remove_stale_temporaries`), so failing to install is not fatal.
pub fn install() {
    let Ok(mut signals) = Signals::new([SIGINT, SIGTERM]) else {
        return;
    };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            let pending = pending();
            for path in pending.iter() {
                let _ = if path.is_dir() {
                    std::fs::remove_dir_all(path)
                } else {
                    std::fs::remove_file(path)
                };
            }
            if REPLACED.load(Ordering::SeqCst) {
                eprintln!("\ninterrupted after the outputs were written");
            } else {
                eprintln!(
                    "\ninterrupted: no output was changed{}",
                    if pending.is_empty() {
                        ""
                    } else {
                        " (the half-written files were removed)"
                    }
                );
            }
            std::process::exit(128 + signal);
        }
    });
}

/// The list of temporaries, locked. Hold it while swapping outputs into place.
pub fn pending() -> MutexGuard<'static, Vec<PathBuf>> {
    PENDING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Records that a new set of outputs is in place; call it under the `pending` lock, in the
/// same step as the swap.
pub fn note_replaced() {
    REPLACED.store(true, Ordering::SeqCst);
}
