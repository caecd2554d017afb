//! `omnisim init`: writes the commented starter scenario (compiled in from `starter.toml`),
//! refusing to overwrite a file unless `--force`.

use std::path::{Path, PathBuf};

use omnisim::output::OutputFile;

use super::CliError;
use super::files::{print_stdout, write_outputs};

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
    let file_name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .ok_or_else(|| CliError::bad_input(format!("{} is not a file path", path.display())))?;
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    write_outputs(
        &folder,
        &[OutputFile::new(
            file_name,
            STARTER_SCENARIO.as_bytes().to_vec(),
        )],
    )?;
    let shown = path.display();
    print_stdout(
        format!(
            "wrote {shown}: a starter scenario with phone, chat and email and two agent groups.\nnext:\n  omnisim validate {shown}\n  omnisim run {shown}\n"
        )
        .as_bytes(),
    )
}
