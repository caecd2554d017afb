//! The only code that reads scenario files from disk: a scenario file, the overlays layered
//! on it, the headcount CSV files its groups name (relative to the base scenario's folder),
//! staffing files and assertion files. Everything read is handed, as text, to the pure
//! parsing, merging and validation functions, so nothing under `validate/` touches the file
//! system.
//!
//! What may be read: regular files only (a FIFO would hang, `/dev/zero` never ends), each
//! under a size cap, read no further than the cap. A file the scenario names (a
//! `headcount_file`) must lie inside the scenario's folder, links resolved, unless the
//! caller allows `FileAccess::Anywhere` (`--allow-outside`): a scenario from elsewhere
//! cannot make omnisim read, or quote in an error, any file of the user's.

use std::path::{Path, PathBuf};

use super::overlay::merge_tables;
use super::raw::RawScenario;
use super::staffing::apply_staffing_str;
use super::validate::{
    SideFile, SideFiles, line_column, locate_problems, parse_assertions, parse_raw, validate,
};
use super::{RunInput, Scenario};
use crate::error::{ScenarioError, ScenarioProblem, SourceText};

/// Largest headcount CSV file read (rows of a year at 5-minute intervals fit easily).
const MAX_CSV_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// The largest trace a scenario replays: about 8 million contacts as `omnisim import`
/// writes them, held in memory once for every replication.
const MAX_TRACE_FILE_BYTES: u64 = 512 * 1024 * 1024;
/// Largest scenario, overlay, staffing or assertions file read (a year of per-interval
/// arrivals, or a million empirical durations, fit).
pub const MAX_SCENARIO_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// Where the files a scenario names may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FileAccess {
    /// Inside the scenario's folder (links resolved): the default.
    #[default]
    ScenarioFolder,
    /// Anywhere (`--allow-outside`).
    Anywhere,
}

/// Reads and validates a scenario file. The scenario's name defaults to the file stem.
pub fn load_scenario_file(path: &Path) -> Result<Scenario, ScenarioError> {
    load_scenario_file_with(path, FileAccess::ScenarioFolder)
}

/// `load_scenario_file`, with the files the scenario names read as `access` allows.
pub fn load_scenario_file_with(path: &Path, access: FileAccess) -> Result<Scenario, ScenarioError> {
    let text = read_text(path)?;
    match parse_with_files(&text, &stem(path), path.parent(), access) {
        Ok(scenario) => {
            Ok(scenario.with_input(RunInput::new("scenario", path.display().to_string(), &text)))
        }
        Err(problems) => Err(invalid(path, vec![source_text(path, text)], problems)),
    }
}

/// The error for `problems` found in `sources` (a file, or a base and its overlays), each
/// problem located at its key in the file that writes it.
fn invalid(
    path: &Path,
    sources: Vec<SourceText>,
    mut problems: Vec<ScenarioProblem>,
) -> ScenarioError {
    let texts: Vec<&str> = sources.iter().map(|source| source.text.as_str()).collect();
    locate_problems(&texts, &mut problems);
    ScenarioError::Invalid {
        path: path.to_path_buf(),
        problems,
        sources,
    }
}

/// The error for problems found in a scenario file after it loaded (a roster's templates
/// that cannot cover a plan), each located at its key in the file when it can be read again.
pub fn invalid_in_file(path: &Path, problems: Vec<ScenarioProblem>) -> ScenarioError {
    let sources = read_text(path)
        .map(|text| vec![source_text(path, text)])
        .unwrap_or_default();
    invalid(path, sources, problems)
}

fn source_text(path: &Path, text: String) -> SourceText {
    SourceText {
        path: path.to_path_buf(),
        text,
    }
}

/// A base scenario with overlays applied, validated, and the merged document's text.
pub struct MergedScenario {
    pub scenario: Scenario,
    /// The merged TOML, as `omnisim validate --print` shows it.
    pub text: String,
}

/// Loads `base` with `overlays` layered on it in order (see `overlay.rs`). The merged
/// scenario is named after the base and the overlays ("retail_week+outage_chat") unless an
/// overlay sets `name`. Files the scenario names are resolved against the base file's folder.
pub fn load_with_overlays(
    base: &Path,
    overlays: &[PathBuf],
) -> Result<MergedScenario, ScenarioError> {
    load_with_overlays_with(base, overlays, FileAccess::ScenarioFolder)
}

/// `load_with_overlays`, with the files the scenario names read as `access` allows.
pub fn load_with_overlays_with(
    base: &Path,
    overlays: &[PathBuf],
    access: FileAccess,
) -> Result<MergedScenario, ScenarioError> {
    let (base_text, mut merged) = read_table(base)?;
    let mut sources = vec![source_text(base, base_text)];
    let base_name = match merged.get("name") {
        Some(toml::Value::String(name)) => name.clone(),
        _ => stem(base),
    };
    let mut name_from_overlay = false;
    for overlay_path in overlays {
        let (overlay_text, overlay) = read_table(overlay_path)?;
        name_from_overlay |= overlay.contains_key("name");
        let problems = merge_tables(&mut merged, overlay);
        let overlay_source = source_text(overlay_path, overlay_text);
        if !problems.is_empty() {
            return Err(invalid(overlay_path, vec![overlay_source], problems));
        }
        sources.push(overlay_source);
    }
    if !overlays.is_empty() && !name_from_overlay {
        let mut name = base_name;
        for overlay_path in overlays {
            name.push('+');
            name.push_str(&stem(overlay_path));
        }
        merged.insert("name".into(), toml::Value::String(name));
    }
    let text = toml::to_string(&merged).expect("a TOML table serialises");
    let shown_path = if overlays.is_empty() {
        base.to_path_buf()
    } else {
        let mut shown = base.display().to_string();
        for overlay_path in overlays {
            shown.push_str(&format!(" --with {}", overlay_path.display()));
        }
        PathBuf::from(shown)
    };
    match parse_with_files(&text, &stem(base), base.parent(), access) {
        Ok(mut scenario) => {
            for (index, source) in sources.iter().enumerate() {
                let role = if index == 0 { "scenario" } else { "overlay" };
                scenario = scenario.with_input(RunInput::new(
                    role,
                    source.path.display().to_string(),
                    &source.text,
                ));
            }
            Ok(MergedScenario { scenario, text })
        }
        Err(mut problems) => {
            if !overlays.is_empty() {
                // A parser's span points into the merged text, which no file holds: each
                // problem is located again by its key, in the file that writes it.
                for problem in &mut problems {
                    problem.line_column = None;
                    problem.span = None;
                }
            }
            Err(invalid(&shown_path, sources, problems))
        }
    }
}

/// Reads a staffing file (as `omnisim plan` writes) and applies it to `scenario`.
pub fn apply_staffing_file(scenario: Scenario, path: &Path) -> Result<Scenario, ScenarioError> {
    let text = read_text(path)?;
    match apply_staffing_str(scenario, &text) {
        Ok(scenario) => {
            Ok(scenario.with_input(RunInput::new("staffing", path.display().to_string(), &text)))
        }
        Err(problems) => Err(invalid(path, vec![source_text(path, text)], problems)),
    }
}

/// Reads a file of `[[assert]]` tables (`--assert FILE`) and adds its assertions to
/// `scenario`, after the scenario's own. Problems name the key in that file.
pub fn load_assertions_file(scenario: Scenario, path: &Path) -> Result<Scenario, ScenarioError> {
    let text = read_text(path)?;
    let assertions = parse_assertions(&text, &scenario)
        .map_err(|problems| invalid(path, vec![source_text(path, text.clone())], problems))?;
    Ok(scenario
        .with_assertions(assertions)
        .with_input(RunInput::new(
            "assertions",
            path.display().to_string(),
            &text,
        )))
}

/// Parses scenario text, reads the files it names (relative to `folder`), and validates.
fn parse_with_files(
    text: &str,
    default_name: &str,
    folder: Option<&Path>,
    access: FileAccess,
) -> Result<Scenario, Vec<ScenarioProblem>> {
    let raw: RawScenario = parse_raw(text)?;
    let side_files = read_side_files(&raw, folder, access);
    let inputs = side_files.inputs();
    let mut scenario = validate(raw, default_name, &side_files)?;
    for input in inputs {
        scenario = scenario.with_input(input);
    }
    Ok(scenario)
}

/// The text of every CSV file the scenario names (groups' headcount files, channels'
/// arrival files and traces), or why it could not be read.
fn read_side_files(raw: &RawScenario, folder: Option<&Path>, access: FileAccess) -> SideFiles {
    let mut side_files = SideFiles::default();
    let folder = folder.filter(|dir| !dir.as_os_str().is_empty());
    let headcount_files = raw
        .groups
        .values()
        .filter_map(|g| g.headcount_file.as_deref());
    let headcount_files_named: Vec<&str> = headcount_files.clone().collect();
    let arrival_files = raw
        .arrivals
        .values()
        .filter_map(|a| a.per_interval_file.as_deref());
    let trace_files: Vec<&str> = raw
        .arrivals
        .values()
        .filter_map(|a| a.trace.as_deref())
        .collect();
    for file in headcount_files
        .chain(arrival_files)
        .chain(trace_files.iter().copied())
    {
        let path = folder.map_or_else(|| PathBuf::from(file), |dir| dir.join(file));
        let folder = folder.unwrap_or(Path::new("."));
        let (role, cap) = if headcount_files_named.contains(&file) {
            ("headcount_file", MAX_CSV_FILE_BYTES)
        } else if trace_files.contains(&file) {
            ("trace", MAX_TRACE_FILE_BYTES)
        } else {
            ("per_interval_file", MAX_CSV_FILE_BYTES)
        };
        let text =
            outside_reason(folder, &path, access).map_or_else(|| read_capped(&path, cap), Err);
        side_files.insert(
            file,
            SideFile {
                shown_path: path.display().to_string(),
                text,
                role,
            },
        );
    }
    side_files
}

/// Why `path` may not be read under `access` (outside the scenario's `folder`), if so.
fn outside_reason(folder: &Path, path: &Path, access: FileAccess) -> Option<String> {
    if access == FileAccess::Anywhere {
        return None;
    }
    let inside = match (std::fs::canonicalize(folder), std::fs::canonicalize(path)) {
        (Ok(folder), Ok(path)) => path.starts_with(folder),
        // A file that does not exist is reported as missing by the read.
        (Ok(_), Err(_)) => {
            !Path::new(path).is_absolute()
                && !path
                    .components()
                    .any(|c| c == std::path::Component::ParentDir)
        }
        _ => false,
    };
    (!inside).then(|| {
        "it is outside the scenario's folder; put it beside the scenario, or pass --allow-outside if you mean it".to_string()
    })
}

/// A regular file's text, read no further than `cap` bytes, or why it cannot be read.
fn read_capped(path: &Path, cap: u64) -> Result<String, String> {
    use std::io::Read as _;
    let describe = |error: std::io::Error| match error.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::InvalidData => "not UTF-8 text".to_string(),
        _ => error.to_string(),
    };
    // The type is checked before opening: opening a FIFO would wait for a writer.
    let metadata = std::fs::metadata(path).map_err(describe)?;
    if !metadata.is_file() {
        return Err(if metadata.is_dir() {
            "a folder, not a file".to_string()
        } else {
            "not a regular file (a device, FIFO or socket)".to_string()
        });
    }
    if metadata.len() > cap {
        return Err(format!("larger than {} MiB", cap >> 20));
    }
    let file = std::fs::File::open(path).map_err(describe)?;
    let mut bytes = Vec::new();
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(describe)?;
    if bytes.len() as u64 > cap {
        return Err(format!("larger than {} MiB", cap >> 20));
    }
    String::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_string())
}

/// A file's text, or the error naming it.
fn read_text(path: &Path) -> Result<String, ScenarioError> {
    read_capped(path, MAX_SCENARIO_FILE_BYTES).map_err(|reason| ScenarioError::Unreadable {
        path: path.to_path_buf(),
        reason,
    })
}

/// Reads a scenario file as its text and a TOML table (no validation), for merging.
fn read_table(path: &Path) -> Result<(String, toml::Table), ScenarioError> {
    let text = read_text(path)?;
    match text.parse::<toml::Table>() {
        Ok(table) => Ok((text, table)),
        Err(error) => {
            let problem = ScenarioProblem {
                key: String::new(),
                reason: error.message().trim().to_string(),
                line_column: error.span().map(|span| line_column(&text, span.start)),
                span: error.span(),
                source: 0,
            };
            Err(invalid(path, vec![source_text(path, text)], vec![problem]))
        }
    }
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_else(|| "scenario".to_string())
}
