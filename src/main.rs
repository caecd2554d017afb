//! The `omnisim` binary: the command line (`cli`) over the library. Exit codes: 0 success,
//! 1 failure while running or writing, 2 bad input (invalid scenario, missing file, bad
//! arguments). Errors print once, on stderr.

mod cli;

fn main() -> std::process::ExitCode {
    return_large_blocks_to_the_system();
    cli::run()
}

/// glibc's malloc raises the size above which it maps a block from the system each time a
/// mapped block is freed (up to 32 MB). Each replication's interval grids are such blocks
/// (megabytes for an hourly year), so after the first replication they were carved from
/// heaps that keep freed memory, one heap per worker thread: a run held several times the
/// grids it was using (an hourly year of M/M/10 on two threads: 25.6 MB, 18.6 MB with this).
/// Fixing the threshold at glibc's starting value keeps large blocks mapped and gives each
/// back when it is freed; small allocations are unaffected, and speed measured the same.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn return_large_blocks_to_the_system() {
    const LARGE_BLOCK_BYTES: libc::c_int = 128 * 1024;
    // SAFETY: mallopt only sets an allocator parameter; it is called before any other thread
    // exists, and a refusal (return value 0) leaves glibc's default behaviour.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, LARGE_BLOCK_BYTES);
    }
}

/// Other allocators need no setting.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn return_large_blocks_to_the_system() {}
