//! The one place that touches the file system for output and prints results; results go
//! to stdout, everything else to stderr.
//!
//! An output folder is replaced as a whole: the new set of files is written into a fresh
//! folder beside it (unpredictable name, created exclusively, so a planted link is never
//! followed), then swapped with the old folder in one step (`renameat2` with
//! `RENAME_EXCHANGE` on Linux; elsewhere two renames, with a moment of no folder). A reader
//! sees the previous complete set or the new complete set, never a mix; a failed write or
//! an interrupt (`interrupt.rs`) leaves the previous set untouched, and a temporary left by
//! a killed run is removed by the next one. Files in the folder that the previous run did
//! not write (a JUnit report, another command's subfolder) are carried over; a folder
//! holding anything that does not look like omnisim's output is refused, so `--out ~`
//! cannot sweep a home folder away.

use std::io::Write;
use std::path::{Path, PathBuf};

use omnisim::output::OutputFile;

use super::CliError;
use super::args::Format;
use super::interrupt;

/// The list of files omnisim wrote, kept in each output folder.
const MANIFEST: &str = ".omnisim-outputs";
/// Marks a temporary folder or file; followed by the writer's process id and a random part.
const TEMPORARY_MARK: &str = ".omnisim-tmp-";
/// Extensions of the files omnisim writes; other files in an output folder are not ours.
const OUTPUT_EXTENSIONS: [&str; 9] = [
    "json", "csv", "png", "svg", "html", "xml", "md", "toml", "txt",
];

/// Checks, before any work, that `directory` can be replaced as an output folder: not the
/// current folder or one holding it, not a file, and holding nothing but outputs.
pub fn check_output_folder(directory: &Path) -> Result<(), CliError> {
    let refuse = |reason: String| {
        CliError::bad_input(format!("--out {}: {reason}", directory.display())).with_hint(
            "give --out a folder of its own (omnisim replaces its output folder as a whole), e.g. --out output/my_run",
        )
    };
    let Ok(metadata) = std::fs::metadata(directory) else {
        return Ok(());
    };
    if !metadata.is_dir() {
        return Err(refuse("exists and is not a folder".into()));
    }
    let real = std::fs::canonicalize(directory).map_err(|error| refuse(error.to_string()))?;
    if let Ok(current) = std::env::current_dir().and_then(std::fs::canonicalize)
        && current.starts_with(&real)
    {
        return Err(refuse("is the current folder or holds it".into()));
    }
    if let Some(foreign) = foreign_entry(&real, 0) {
        let link = std::fs::symlink_metadata(&foreign)
            .is_ok_and(|metadata| metadata.file_type().is_symlink());
        return Err(refuse(format!(
            "holds {}{}, which omnisim did not write",
            foreign.display(),
            if link { " (a link)" } else { "" }
        )));
    }
    Ok(())
}

/// The first entry of `folder` that is not an output: not a regular file with an output
/// extension, and not a folder of outputs (two levels deep at most).
fn foreign_entry(folder: &Path, depth: usize) -> Option<PathBuf> {
    let entries = std::fs::read_dir(folder).ok()?;
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let Ok(file_type) = entry.file_type() else {
            return Some(path);
        };
        let ours = if file_type.is_file() {
            name == MANIFEST
                || name.contains(TEMPORARY_MARK)
                || Path::new(&name)
                    .extension()
                    .is_some_and(|ext| OUTPUT_EXTENSIONS.contains(&ext.to_string_lossy().as_ref()))
        } else if file_type.is_dir() {
            name.contains(TEMPORARY_MARK)
                || (depth < 2 && foreign_entry(&path, depth + 1).is_none())
        } else {
            false
        };
        if !ours {
            return Some(path);
        }
    }
    None
}

/// Writes `files` as the new content of `directory` (created if needed), replacing the set
/// written before in one step (see the module comment). Returns the paths written, in order.
pub fn write_outputs(directory: &Path, files: &[OutputFile]) -> Result<Vec<PathBuf>, CliError> {
    check_output_folder(directory)?;
    replace_folder(directory, files).map_err(|error| {
        CliError::failure(
            format!("cannot write outputs to {}: {error}", directory.display()),
            Some("choose a folder you can write to with --out; the previous outputs are unchanged"),
        )
    })?;
    Ok(files
        .iter()
        .map(|file| directory.join(&file.name))
        .collect())
}

fn replace_folder(directory: &Path, files: &[OutputFile]) -> std::io::Result<()> {
    // A link to a folder is followed once, here: the real folder is replaced, the link kept.
    let target = match std::fs::symlink_metadata(directory) {
        Ok(metadata) if metadata.file_type().is_symlink() => std::fs::canonicalize(directory)?,
        _ => directory.to_path_buf(),
    };
    let parent = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = target
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    std::fs::create_dir_all(&parent)?;
    remove_stale_temporaries(&parent, &name);
    // The whole replacement runs under the interrupt lock: an interrupt waits for it (a
    // write takes well under a second), then finds the temporary listed or gone, never
    // half-removed while files are still being written into it.
    let mut pending = interrupt::pending();
    let temporary = tempfile::Builder::new()
        .prefix(&format!(".{name}{TEMPORARY_MARK}{}-", std::process::id()))
        .tempdir_in(&parent)?
        .keep();
    pending.push(temporary.clone());
    let result = fill_and_swap(&temporary, &target, files);
    // After a swap the temporary path holds the previous set; after a failure, the new one.
    let _ = std::fs::remove_dir_all(&temporary);
    pending.retain(|path| path != &temporary);
    drop(pending);
    result
}

/// Writes the files into `temporary`, carries over what the previous set did not own, and
/// swaps `temporary` with `target` (the caller holds the interrupt lock).
fn fill_and_swap(temporary: &Path, target: &Path, files: &[OutputFile]) -> std::io::Result<()> {
    for file in files {
        let path = temporary.join(&file.name);
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder)?;
        }
        let mut handle = std::io::BufWriter::new(std::fs::File::create_new(&path)?);
        file.write_to(&mut handle)?;
        handle
            .into_inner()
            .map_err(|error| error.into_error())?
            .sync_all()?;
    }
    let manifest: String = files
        .iter()
        .map(|file| format!("{}\n", file.name))
        .collect();
    std::fs::write(temporary.join(MANIFEST), &manifest)?;
    let exists = std::fs::symlink_metadata(target).is_ok();
    let mut carried = Vec::new();
    if exists {
        #[cfg(unix)]
        {
            let mode = std::fs::metadata(target)?.permissions();
            std::fs::set_permissions(temporary, mode)?;
        }
        let previous: Vec<String> = std::fs::read_to_string(target.join(MANIFEST))
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect();
        for entry in std::fs::read_dir(target)? {
            let entry = entry?;
            let entry_name = entry.file_name().to_string_lossy().into_owned();
            let replaced = entry_name == MANIFEST
                || files.iter().any(|file| file.name == entry_name)
                || previous.contains(&entry_name);
            if replaced && !entry.file_type()?.is_dir() {
                continue;
            }
            if let Err(error) = std::fs::rename(entry.path(), temporary.join(&entry_name)) {
                for name in &carried {
                    let _ = std::fs::rename(temporary.join(name), target.join(name));
                }
                return Err(error);
            }
            carried.push(entry_name);
        }
    } else {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(temporary, std::fs::Permissions::from_mode(0o755))?;
        }
    }
    let swapped = swap(temporary, target, exists);
    match swapped {
        // The new set is in place; `temporary` now holds the previous one, which stays
        // listed so an interrupt before the caller removes it removes it.
        Ok(()) => interrupt::note_replaced(),
        Err(_) => {
            for name in &carried {
                let _ = std::fs::rename(temporary.join(name), target.join(name));
            }
        }
    }
    swapped
}

/// Puts `temporary` at `target`; when `target` exists, the old folder ends at `temporary`.
fn swap(temporary: &Path, target: &Path, exists: bool) -> std::io::Result<()> {
    if !exists {
        return std::fs::rename(temporary, target);
    }
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        match renameat_with(CWD, temporary, CWD, target, RenameFlags::EXCHANGE) {
            Ok(()) => return Ok(()),
            // File systems without the exchange fall through to two renames.
            Err(rustix::io::Errno::INVAL | rustix::io::Errno::NOSYS) => {}
            Err(error) => return Err(error.into()),
        }
    }
    let aside = PathBuf::from(format!("{}-previous", temporary.display()));
    std::fs::rename(target, &aside)?;
    if let Err(error) = std::fs::rename(temporary, target) {
        let _ = std::fs::rename(&aside, target);
        return Err(error);
    }
    std::fs::rename(&aside, temporary)
}

/// Removes temporaries of `name` in `parent` left by runs that were killed (their process
/// is gone; where the system cannot say, those older than a day).
fn remove_stale_temporaries(parent: &Path, name: &str) {
    let prefix = format!(".{name}{TEMPORARY_MARK}");
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let entry_name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = entry_name.strip_prefix(&prefix) else {
            continue;
        };
        let pid = rest.split(['-', '.']).next().unwrap_or("");
        let stale = if Path::new("/proc/self").exists() {
            pid != std::process::id().to_string() && !Path::new("/proc").join(pid).exists()
        } else {
            entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|modified| modified.elapsed().ok())
                .is_some_and(|age| age.as_secs() > 86_400)
        };
        if stale {
            let path = entry.path();
            let _ = match entry.file_type() {
                Ok(kind) if kind.is_dir() => std::fs::remove_dir_all(&path),
                _ => std::fs::remove_file(&path),
            };
        }
    }
}

/// Writes one file (a JUnit report, a starter scenario) atomically: a temporary of
/// unpredictable name created exclusively in its folder, then a rename over `path`.
pub fn write_single_file(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    write_single_file_streamed(path, |file| {
        file.write_all(bytes)
            .map_err(|error| write_error(path, error))
    })
}

/// Writes one file atomically from what `fill` writes into it (a trace of millions of rows,
/// never held whole): nothing appears at `path` unless `fill` succeeds, and a failed or
/// interrupted write leaves no temporary behind.
pub fn write_single_file_streamed(
    path: &Path,
    fill: impl FnOnce(&mut (dyn Write + Send)) -> Result<(), CliError>,
) -> Result<(), CliError> {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .ok_or_else(|| CliError::bad_input(format!("{} is not a file name", path.display())))?;
    std::fs::create_dir_all(&folder).map_err(|error| write_error(path, error))?;
    remove_stale_temporaries(&folder, &name);
    // Listed under the interrupt lock before anything is written, so an interrupt finds the
    // temporary (and removes it) or the file in place.
    let (temporary, temporary_path) = {
        let mut pending = interrupt::pending();
        let temporary = tempfile::Builder::new()
            .prefix(&format!(".{name}{TEMPORARY_MARK}{}-", std::process::id()))
            .tempfile_in(&folder)
            .map_err(|error| write_error(path, error))?;
        let temporary_path = temporary.path().to_path_buf();
        pending.push(temporary_path.clone());
        (temporary, temporary_path)
    };
    let filled = (|| {
        let mut buffered = std::io::BufWriter::with_capacity(1 << 16, temporary.as_file());
        fill(&mut buffered)?;
        buffered.flush().map_err(|error| write_error(path, error))?;
        drop(buffered);
        temporary
            .as_file()
            .sync_all()
            .map_err(|error| write_error(path, error))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            temporary
                .as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o644))
                .map_err(|error| write_error(path, error))?;
        }
        Ok(())
    })();
    let mut pending = interrupt::pending();
    let persisted = filled.and_then(|()| {
        temporary
            .persist(path)
            .map(|_| interrupt::note_replaced())
            .map_err(|error| write_error(path, error.error))
    });
    // On failure the temporary was dropped (and deleted) with the error.
    pending.retain(|pending| pending != &temporary_path);
    persisted
}

fn write_error(path: &Path, error: std::io::Error) -> CliError {
    CliError::failure(
        format!("cannot write {}: {error}", path.display()),
        Some("choose a path you can write to"),
    )
}

/// The bytes of the file called `name` among `files` (a command's JSON, to print).
pub fn file_bytes<'a>(files: &'a [OutputFile], name: &str) -> std::borrow::Cow<'a, [u8]> {
    files
        .iter()
        .find(|file| file.name == name)
        .map_or(std::borrow::Cow::Borrowed(&[]), |file| file.bytes())
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
