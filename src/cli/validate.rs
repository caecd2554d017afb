//! `omnisim validate`: reports every problem of a scenario (with its overlays), or a
//! one-line description of a valid one; `--print` shows the merged scenario.

use std::path::{Path, PathBuf};

use omnisim::scenario::{load_scenario_file, load_with_overlays};

use super::CliError;
use super::files::print_stdout;

pub fn validate(path: &Path, overlays: &[PathBuf], print: bool) -> Result<(), CliError> {
    // Alone, the file is validated as written, so problems carry its own line numbers.
    let scenario = if overlays.is_empty() {
        load_scenario_file(path)?
    } else {
        load_with_overlays(path, overlays)?.scenario
    };
    if print {
        return print_stdout(load_with_overlays(path, overlays)?.text.as_bytes());
    }
    let settings = scenario.simulation();
    let mut layered = path.display().to_string();
    for overlay in overlays {
        layered.push_str(&format!(" + {}", overlay.display()));
    }
    println!(
        "{layered}: valid. {} channel(s), {} group(s), {} reporting intervals, {} replication(s), {} event(s).",
        scenario.channels().len(),
        scenario.groups().len(),
        settings.n_intervals(),
        settings.replications,
        scenario.disruptions().len()
    );
    Ok(())
}
