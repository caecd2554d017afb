//! The `omnisim` binary: the command line (`cli`) over the library. Exit codes: 0 success,
//! 1 failure while running or writing, 2 bad input (invalid scenario, missing file, bad
//! arguments). Errors print once, on stderr.

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
