//! The `omnisim` binary: parses the command line and runs it. Exit codes: 0 success,
//! 1 failure while running or writing, 2 bad input (invalid scenario, missing file, bad
//! arguments). Errors print once, on stderr.

use std::process::ExitCode;

fn main() -> ExitCode {
    omnisim::cli::main()
}
