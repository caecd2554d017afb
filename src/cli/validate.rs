//! `omnisim validate`: reports every problem of a scenario (with its overlays), or a
//! one-line description of a valid one; `--print` shows the merged scenario.

use std::path::{Path, PathBuf};

use omnisim::scenario::{load_scenario_file_with, load_with_overlays_with};

use omnisim::budget::{self, Budget, Workload};
use omnisim::units::{format_bytes, format_duration, thousands};

use super::CliError;
use super::files::print_stdout;
use super::scenario_args::{file_access, machine_memory};

pub fn validate(
    path: &Path,
    overlays: &[PathBuf],
    print: bool,
    allow_outside: bool,
) -> Result<(), CliError> {
    let access = file_access(allow_outside);
    // Alone, the file is validated as written, so problems carry its own line numbers.
    let scenario = if overlays.is_empty() {
        load_scenario_file_with(path, access)?
    } else {
        load_with_overlays_with(path, overlays, access)?.scenario
    };
    if print {
        return print_stdout(
            load_with_overlays_with(path, overlays, access)?
                .text
                .as_bytes(),
        );
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
    for note in scenario.notes() {
        println!("note: {note}");
    }
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let estimate = budget::estimate(&scenario, Workload::folded_run(&scenario, threads));
    let fits = budget::check(
        &scenario,
        &estimate,
        &Budget::default_for(machine_memory().0),
    )
    .is_ok();
    println!(
        "`omnisim run` estimate: about {} contacts per replication, {} of memory and {} on {threads} thread(s){}.",
        thousands(estimate.expected_contacts),
        format_bytes(estimate.memory_bytes),
        format_duration(estimate.wall_seconds.max(1.0).round()),
        if fits {
            ""
        } else {
            "; over the default budget, so `run` needs --allow-large"
        }
    );
    Ok(())
}
