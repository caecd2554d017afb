//! `omnisim init`: writes the commented starter scenario (compiled in from `starter.toml`),
//! refusing to overwrite a file unless `--force`.

use std::path::Path;

use super::CliError;
use super::files::{print_stdout, write_single_file};

/// The starter scenario `omnisim init` writes.
pub const STARTER_SCENARIO: &str = include_str!("starter.toml");

pub fn init(path: &Path, force: bool) -> Result<(), CliError> {
    if path.exists() && !force {
        return Err(CliError::bad_input(format!(
            "{} already exists; not overwriting it",
            path.display()
        ))
        .with_hint("give another path, or --force to replace it"));
    }
    write_single_file(path, STARTER_SCENARIO.as_bytes())?;
    let shown = path.display();
    let omnisim = invocation();
    print_stdout(
        format!(
            "wrote {shown}: a starter scenario with phone, chat and email and two agent groups.\nnext:\n  {omnisim} validate {shown}\n  {omnisim} run {shown}\n"
        )
        .as_bytes(),
    )
}

/// How the user can run omnisim again: `omnisim` when it was installed (on PATH), and
/// `cargo run --release --` when this binary is the one cargo built in a checkout's
/// `target/`, where a bare `omnisim` would not be found.
fn invocation() -> &'static str {
    let built_by_cargo = std::env::current_exe().is_ok_and(|exe| {
        exe.parent()
            .and_then(Path::parent)
            .and_then(Path::file_name)
            .is_some_and(|name| name == "target")
    });
    if built_by_cargo {
        "cargo run --release --"
    } else {
        "omnisim"
    }
}
