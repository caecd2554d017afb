//! The one place that touches the file system for output and prints results: each output
//! file is written under a temporary name in its folder and renamed into place, so a reader
//! never sees a partial file; results go to stdout, everything else to stderr.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use omnisim::output::OutputFile;

use super::CliError;
use super::args::Format;

/// Writes each file into `directory` (created if needed) atomically: a temporary name, then
/// a rename. Returns the paths written, in order.
pub fn write_outputs(directory: &Path, files: &[OutputFile]) -> Result<Vec<PathBuf>, CliError> {
    write_files(directory, files).map_err(|error| {
        CliError::failure(
            format!("cannot write outputs to {}: {error}", directory.display()),
            Some("choose a folder you can write to with --out"),
        )
    })
}

fn write_files(directory: &Path, files: &[OutputFile]) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(directory)?;
    let mut written = Vec::new();
    for file in files {
        let target = directory.join(&file.name);
        let temporary = directory.join(format!(".{}.tmp-{}", file.name, std::process::id()));
        let result = (|| {
            let mut handle = std::fs::File::create(&temporary)?;
            handle.write_all(&file.bytes)?;
            handle.sync_all()?;
            std::fs::rename(&temporary, &target)
        })();
        if let Err(error) = result {
            let _ = std::fs::remove_file(&temporary);
            return Err(error);
        }
        written.push(target);
    }
    Ok(written)
}

/// The bytes of the file called `name` among `files` (a command's JSON, to print).
pub fn file_bytes<'a>(files: &'a [OutputFile], name: &str) -> &'a [u8] {
    files
        .iter()
        .find(|file| file.name == name)
        .map_or(&[], |file| file.bytes.as_slice())
}

/// Prints bytes on stdout.
pub fn print_stdout(bytes: &[u8]) -> Result<(), CliError> {
    std::io::stdout()
        .lock()
        .write_all(bytes)
        .map_err(|error| CliError::failure(format!("cannot print: {error}"), None))
}

/// Prints a command's result: its JSON for `--format json`, else its text followed by the
/// list of files written.
pub fn print_result(
    format: Format,
    json: &[u8],
    text: impl FnOnce() -> String,
    written: &[PathBuf],
) -> Result<(), CliError> {
    match format {
        Format::Json => print_stdout(json),
        Format::Table => {
            let mut text = text();
            text.push_str(&written_line(written));
            print_stdout(text.as_bytes())
        }
    }
}

/// "wrote N files to DIR: a, b, ..." wrapped to the terminal dashboard's width.
fn written_line(written: &[PathBuf]) -> String {
    let Some(folder) = written.first().and_then(|p| p.parent()) else {
        return String::new();
    };
    let names: Vec<String> = written
        .iter()
        .map(|p| match p.parent() {
            Some(parent) if parent == folder => p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            _ => p.display().to_string(),
        })
        .collect();
    let mut text = format!(
        "\nwrote {} file(s) to {}:\n ",
        names.len(),
        folder.display()
    );
    let mut column = 1;
    for (idx, name) in names.iter().enumerate() {
        let piece = if idx + 1 < names.len() {
            format!(" {name},")
        } else {
            format!(" {name}")
        };
        if column + piece.len() > omnisim::output::run::TERMINAL_WIDTH && column > 1 {
            text.push_str("\n ");
            column = 1;
        }
        column += piece.len();
        text.push_str(&piece);
    }
    text.push('\n');
    text
}
