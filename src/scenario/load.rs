//! The only code that reads scenario files from disk: a scenario file, the overlays layered
//! on it, the headcount CSV files its groups name (relative to the base scenario's folder),
//! staffing files and assertion files. Everything read is handed, as text, to the pure parsing, merging and
//! validation functions, so nothing under `validate/` touches the file system.

use std::path::{Path, PathBuf};

use super::Scenario;
use super::overlay::merge_tables;
use super::raw::RawScenario;
use super::staffing::apply_staffing_str;
use super::validate::{SideFile, SideFiles, line_column, parse_assertions, parse_raw, validate};
use crate::error::{ScenarioError, ScenarioProblem};

/// Largest headcount CSV file read (rows of a year at 5-minute intervals fit easily).
const MAX_HEADCOUNT_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Reads and validates a scenario file. The scenario's name defaults to the file stem.
pub fn load_scenario_file(path: &Path) -> Result<Scenario, ScenarioError> {
    let text = read_text(path)?;
    parse_with_files(&text, &stem(path), path.parent()).map_err(|problems| ScenarioError::Invalid {
        path: path.to_path_buf(),
        problems,
    })
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
    let mut merged = read_table(base)?;
    let base_name = match merged.get("name") {
        Some(toml::Value::String(name)) => name.clone(),
        _ => stem(base),
    };
    let mut name_from_overlay = false;
    for overlay_path in overlays {
        let overlay = read_table(overlay_path)?;
        name_from_overlay |= overlay.contains_key("name");
        let problems = merge_tables(&mut merged, overlay);
        if !problems.is_empty() {
            return Err(ScenarioError::Invalid {
                path: overlay_path.clone(),
                problems,
            });
        }
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
    match parse_with_files(&text, &stem(base), base.parent()) {
        Ok(scenario) => Ok(MergedScenario { scenario, text }),
        Err(mut problems) => {
            if !overlays.is_empty() {
                // Lines would point into the merged text, which no file holds.
                for problem in &mut problems {
                    problem.line_column = None;
                }
            }
            Err(ScenarioError::Invalid {
                path: shown_path,
                problems,
            })
        }
    }
}

/// Reads a staffing file (as `omnisim plan` writes) and applies it to `scenario`.
pub fn apply_staffing_file(scenario: Scenario, path: &Path) -> Result<Scenario, ScenarioError> {
    let text = read_text(path)?;
    apply_staffing_str(scenario, &text).map_err(|problems| ScenarioError::Invalid {
        path: path.to_path_buf(),
        problems,
    })
}

/// Reads a file of `[[assert]]` tables (`--assert FILE`) and adds its assertions to
/// `scenario`, after the scenario's own. Problems name the key in that file.
pub fn load_assertions_file(scenario: Scenario, path: &Path) -> Result<Scenario, ScenarioError> {
    let text = read_text(path)?;
    let assertions =
        parse_assertions(&text, &scenario).map_err(|problems| ScenarioError::Invalid {
            path: path.to_path_buf(),
            problems,
        })?;
    Ok(scenario.with_assertions(assertions))
}

/// Parses scenario text, reads the files it names (relative to `folder`), and validates.
fn parse_with_files(
    text: &str,
    default_name: &str,
    folder: Option<&Path>,
) -> Result<Scenario, Vec<ScenarioProblem>> {
    let raw: RawScenario = parse_raw(text)?;
    let side_files = read_side_files(&raw, folder);
    validate(raw, default_name, &side_files)
}

/// The text of every headcount file the groups name, or why it could not be read.
fn read_side_files(raw: &RawScenario, folder: Option<&Path>) -> SideFiles {
    let mut side_files = SideFiles::default();
    for file in raw
        .groups
        .values()
        .filter_map(|g| g.headcount_file.as_deref())
    {
        let path = match folder {
            Some(dir) if Path::new(file).is_relative() => dir.join(file),
            _ => Path::new(file).to_path_buf(),
        };
        let too_big = std::fs::metadata(&path)
            .map(|m| m.len() > MAX_HEADCOUNT_FILE_BYTES)
            .unwrap_or(false);
        let text = if too_big {
            Err(format!(
                "larger than {} MiB",
                MAX_HEADCOUNT_FILE_BYTES >> 20
            ))
        } else {
            std::fs::read_to_string(&path).map_err(|error| match error.kind() {
                std::io::ErrorKind::NotFound => "no such file".to_string(),
                std::io::ErrorKind::InvalidData => "not UTF-8 text".to_string(),
                _ => error.to_string(),
            })
        };
        side_files.insert(
            file,
            SideFile {
                shown_path: path.display().to_string(),
                text,
            },
        );
    }
    side_files
}

/// A file's text, or the error naming it.
fn read_text(path: &Path) -> Result<String, ScenarioError> {
    std::fs::read_to_string(path).map_err(|error| ScenarioError::Unreadable {
        path: path.to_path_buf(),
        reason: match error.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_string(),
            std::io::ErrorKind::InvalidData => "not UTF-8 text".to_string(),
            _ => error.to_string(),
        },
    })
}

/// Reads a scenario file as a TOML table (no validation), for merging.
fn read_table(path: &Path) -> Result<toml::Table, ScenarioError> {
    let text = read_text(path)?;
    text.parse::<toml::Table>()
        .map_err(|error| ScenarioError::Invalid {
            path: path.to_path_buf(),
            problems: vec![ScenarioProblem {
                key: String::new(),
                reason: error.message().trim().to_string(),
                line_column: error.span().map(|span| line_column(&text, span.start)),
            }],
        })
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_else(|| "scenario".to_string())
}
