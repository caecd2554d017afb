//! `omnisim run`: load, simulate (with the paired base run when the scenario has
//! disruptions), write the files, print the dashboard or the JSON, then the counters line.

use omnisim::output::run::run_files;
use omnisim::output::run::terminal::summary_table;
use omnisim::simulate::{self, replications_to_run};

use super::args::RunArgs;
use super::files::{file_bytes, print_result, write_outputs};
use super::scenario_args::{load_scenario, output_folder, with_progress};
use super::{CliError, chart_failure};

pub fn run(args: &RunArgs) -> Result<(), CliError> {
    let scenario = load_scenario(&args.simulation)?;
    let out_dir = output_folder(args.out.as_deref(), scenario.name(), None);
    let report = with_progress(
        &args.simulation,
        replications_to_run(&scenario),
        "replications",
        |execution| simulate::run(&scenario, execution),
    )?;
    let files = run_files(&scenario, &report, args.simulation.charts()).map_err(chart_failure)?;
    let written = write_outputs(&out_dir, &files)?;
    print_result(
        args.format,
        file_bytes(&files, "summary.json"),
        || summary_table(&report.summary),
        &written,
    )?;
    if !args.simulation.quiet {
        let counters = report.counters;
        let per_second = |n: f64| n / counters.wall_seconds.max(1e-9);
        // Counters go to stderr, so stdout stays machine-readable with --format json.
        eprintln!(
            "simulated {} contacts and {} events in {:.2} s on {} thread(s): {:.2} M contacts/s, {:.2} M events/s; at most {} contacts alive at once",
            counters.contacts_generated,
            counters.events_processed,
            counters.wall_seconds,
            counters.threads,
            per_second(counters.contacts_generated as f64) / 1e6,
            per_second(counters.events_processed as f64) / 1e6,
            counters.peak_live_contacts
        );
    }
    Ok(())
}
