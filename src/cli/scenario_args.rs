//! What every simulating command (run, sweep, plan) shares: loading the scenario with its
//! overlays, staffing file and command-line overrides; its default output folder; and
//! running library work under a progress bar.

use std::path::{Path, PathBuf};

use omnisim::budget::{self, Budget, Workload};
use omnisim::scenario::{
    FileAccess, Scenario, apply_staffing_file, load_scenario_file_with, load_with_overlays_with,
};
use omnisim::simulate::Execution;

use super::CliError;
use super::args::SimulationArgs;
use super::progress::Progress;

/// Loads the scenario, applies a staffing file and the command-line overrides, and checks
/// the thread count: everything a simulating command needs before it starts.
pub fn load_scenario(args: &SimulationArgs) -> Result<Scenario, CliError> {
    let access = file_access(args.allow_outside);
    let mut scenario = if args.overlays.is_empty() {
        load_scenario_file_with(&args.scenario, access)?
    } else {
        load_with_overlays_with(&args.scenario, &args.overlays, access)?.scenario
    };
    if let Some(path) = &args.staffing {
        // A variant of the scenario: named for its staffing file, so its outputs go to their
        // own folder instead of replacing the base run's.
        let stem = path.file_stem().map_or("staffing".into(), |stem| {
            stem.to_string_lossy().into_owned()
        });
        let name = format!("{}+{stem}", scenario.name());
        scenario = apply_staffing_file(scenario, path)?.renamed(name);
    }
    if let Some(replications) = args.replications {
        scenario = scenario
            .with_replications(replications)
            .map_err(|reason| CliError::bad_input(format!("--{reason}")))?;
    }
    if let Some(seed) = args.seed {
        scenario = scenario.with_seed(seed);
    }
    if args.threads == Some(0) {
        return Err(CliError::bad_input("--threads must be at least 1"));
    }
    if !args.quiet {
        for note in scenario.notes() {
            super::messages::note(note);
        }
    }
    Ok(scenario)
}

/// What `--allow-outside` means for the files a scenario names.
pub fn file_access(allow_outside: bool) -> FileAccess {
    if allow_outside {
        FileAccess::Anywhere
    } else {
        FileAccess::ScenarioFolder
    }
}

/// `--out`, or `output/<scenario name>/<under>`.
pub fn output_folder(out: Option<&Path>, scenario_name: &str, under: Option<&str>) -> PathBuf {
    match out {
        Some(out) => out.to_path_buf(),
        None => {
            let folder = Path::new("output").join(directory_name(scenario_name));
            match under {
                Some(under) => folder.join(under),
                None => folder,
            }
        }
    }
}

/// A folder name from a scenario name: letters, digits, '-', '_' and '.'; each run of other
/// characters becomes one '_' ("retail_week (candidate)" -> "retail_week_candidate").
pub fn directory_name(name: &str) -> String {
    let mut cleaned = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || "-_.".contains(c) {
            cleaned.push(c);
        } else if !cleaned.ends_with('_') {
            cleaned.push('_');
        }
    }
    let cleaned = cleaned.trim_end_matches('_');
    if cleaned.trim_matches('.').is_empty() {
        "scenario".into()
    } else {
        cleaned.to_string()
    }
}

/// Refuses (exit 2) a run whose estimated memory or time is over budget: the default one,
/// or with `--allow-large` the machine's available memory. `held` and `levels` describe
/// the command (see `budget::Workload`).
pub fn check_budget(
    args: &SimulationArgs,
    scenario: &Scenario,
    workload: impl FnOnce(&Scenario, usize) -> Workload,
) -> Result<(), CliError> {
    let threads = args.threads.map_or_else(available_cores, |requested| {
        clamp_threads(requested, available_cores()).0
    });
    let estimate = budget::estimate(scenario, workload(scenario, threads));
    let (total, available) = machine_memory();
    let limits = if args.allow_large {
        Budget::large_for(available)
    } else {
        Budget::default_for(total)
    };
    budget::check(scenario, &estimate, &limits).map_err(|message| {
        CliError::bad_input(message).with_hint(
            "`omnisim validate FILE` prints the estimate; README.md (Limits) explains the budget",
        )
    })
}

/// This machine's total and available memory in bytes, from /proc/meminfo (`None` where
/// the system does not say).
pub fn machine_memory() -> (Option<f64>, Option<f64>) {
    let Ok(text) = std::fs::read_to_string("/proc/meminfo") else {
        return (None, None);
    };
    let field = |name: &str| {
        text.lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| {
                rest.trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse::<f64>()
                    .ok()
            })
            .map(|kib| kib * 1024.0)
    };
    (field("MemTotal:"), field("MemAvailable:"))
}

/// Runs `work` on the command's threads under a progress bar of `steps` replications
/// described by `what` (hidden with `--quiet` or when stderr is not a terminal).
pub fn with_progress<T>(
    args: &SimulationArgs,
    steps: u64,
    what: &str,
    work: impl FnOnce(Execution<'_>) -> T,
) -> T {
    let threads = args.threads.map(|requested| {
        let (threads, note) = clamp_threads(requested, available_cores());
        if let Some(note) = note
            && !args.quiet
        {
            super::messages::note(&note);
        }
        threads
    });
    let progress = Progress::new(steps, what, args.quiet);
    let step = || progress.step();
    let phase = |what: &str| progress.phase(what);
    let result = work(Execution {
        threads,
        on_replication: &step,
        on_phase: &phase,
        spare_grids: None,
    });
    progress.finish();
    result
}

/// `work` under a spinner saying `what` (hidden like the bar: quiet, or not a terminal).
pub fn with_spinner<T>(args: &SimulationArgs, what: &str, work: impl FnOnce() -> T) -> T {
    let progress = Progress::spinner(what, args.quiet);
    let result = work();
    progress.finish();
    result
}

/// The cores this process may use (1 when the system cannot say).
fn available_cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// `--threads` as used: more threads than cores only adds switching (and 10,000 of them
/// once exhausted memory), so a count above `cores` is lowered to it, with a note. Results
/// never depend on the thread count, so nothing but speed changes.
fn clamp_threads(requested: usize, cores: usize) -> (usize, Option<String>) {
    if requested > cores {
        (
            cores,
            Some(format!(
                "--threads {requested} is more than the {cores} core(s) this machine has; using {cores}"
            )),
        )
    } else {
        (requested, None)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn thread_counts_above_the_cores_are_clamped() {
        assert_eq!(super::clamp_threads(2, 2), (2, None));
        assert_eq!(super::clamp_threads(1, 8), (1, None));
        let (threads, note) = super::clamp_threads(10_000, 2);
        assert_eq!(threads, 2);
        assert!(note.unwrap().contains("--threads 10000"));
    }

    #[test]
    fn directory_names() {
        for (name, folder) in [
            ("retail_week", "retail_week"),
            ("retail_week+outage_chat", "retail_week_outage_chat"),
            ("retail_week (candidate)", "retail_week_candidate"),
            ("..", "scenario"),
            ("été", "_t"),
        ] {
            assert_eq!(super::directory_name(name), folder, "{name}");
        }
    }
}
