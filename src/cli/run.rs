//! `omnisim run`: load (with `--assert` files), simulate (with the paired base run when the
//! scenario has disruptions), write the files, print the dashboard or the JSON, then the
//! counters line; then the CI gate: assertions and `--baseline` checked, printed, written as
//! checks.json (and `--junit`), exit code 3 when it fails. With `--shard`, only a share of
//! the replications, written as a shard file (`shards.rs`), whose merge ends as a run does.

use omnisim::gate::{GateReport, assertion_checks, baseline_checks};
use omnisim::output::OutputFile;
use omnisim::output::gate::{checks_json_bytes, checks_markdown};
use omnisim::output::run::run_files;
use omnisim::output::run::terminal::summary_table;
use omnisim::scenario::Scenario;
use omnisim::scenario::load_assertions_file;
use omnisim::simulate::{self, RunReport, replications_to_run};

use super::args::RunArgs;
use super::files::{check_output_folder, file_bytes, print_result, write_outputs};
use super::scenario_args::{
    check_budget, load_scenario, output_folder, with_progress, with_spinner,
};
use super::{CliError, chart_failure, gate};
use omnisim::budget::Workload;

pub fn run(args: &RunArgs) -> Result<(), CliError> {
    let prepared = prepare(args)?;
    if let Some(spec) = &args.shard {
        return super::shards::run_shard(args, &prepared.scenario, spec);
    }
    check_output_folder(&prepared.out_dir)?;
    let report = with_progress(
        &args.simulation,
        replications_to_run(&prepared.scenario),
        "replications",
        |execution| simulate::run(&prepared.scenario, execution),
    )?;
    finish(args, &prepared, &report, true)
}

/// What a run needs before it simulates: the scenario as the command line shapes it (with
/// `--carry-over` and `--assert` files), the `--baseline`, and the output folder.
pub(super) struct Prepared {
    pub scenario: Scenario,
    baseline: Option<omnisim::gate::Baseline>,
    pub out_dir: std::path::PathBuf,
}

/// Loads everything `run` (or a merge of its shards) needs, and checks the budget.
pub(super) fn prepare(args: &RunArgs) -> Result<Prepared, CliError> {
    let mut scenario = load_scenario(&args.simulation)?;
    if let Some(path) = &args.carry_over {
        scenario = carry_over(scenario, path)?;
    }
    for path in &args.gate.assert_files {
        scenario = load_assertions_file(scenario, path)?;
    }
    let baseline = args
        .gate
        .baseline
        .as_deref()
        .map(gate::read_baseline)
        .transpose()?;
    check_budget(&args.simulation, &scenario, Workload::folded_run)?;
    let out_dir = output_folder(args.out.as_deref(), scenario.name(), None);
    Ok(Prepared {
        scenario,
        baseline,
        out_dir,
    })
}

/// Writes a run's files, prints the dashboard (or the JSON) and, with `counters`, the
/// performance line, then runs the CI gate: what `run` does after simulating, and what a
/// merge of its shards does.
pub(super) fn finish(
    args: &RunArgs,
    prepared: &Prepared,
    report: &RunReport,
    counters: bool,
) -> Result<(), CliError> {
    let scenario = &prepared.scenario;
    let charts = args.simulation.charts();
    let rendering = match charts {
        omnisim::output::Charts::Draw => "rendering charts and report.html",
        omnisim::output::Charts::Skip => "rendering summary.json and the CSV files",
    };
    let mut files = with_spinner(&args.simulation, rendering, || {
        run_files(scenario, report, charts)
    })
    .map_err(chart_failure)?;
    let mut checks = assertion_checks(scenario, &report.summary);
    if let Some(baseline) = &prepared.baseline {
        checks.extend(baseline_checks(
            &report.summary,
            baseline,
            args.gate.tolerance,
        ));
    }
    if args.contacts {
        let trace = with_spinner(&args.simulation, "writing contacts.csv", || {
            omnisim::simulate::contact_trace(scenario, 0)
        });
        files.push(OutputFile::new(
            "contacts.csv",
            omnisim::output::import::trace_csv(&trace),
        ));
    }
    let gated = !checks.is_empty() || args.gate.junit.is_some();
    let gate_report = GateReport::new(scenario.name(), checks, args.gate.strict);
    if gated {
        files.push(OutputFile::new(
            "checks.json",
            checks_json_bytes(&gate_report),
        ));
    }
    let written = write_outputs(&prepared.out_dir, &files)?;
    print_result(
        args.format,
        &file_bytes(&files, "summary.json"),
        || summary_table(&report.summary),
        &written,
    )?;
    if gated {
        gate::append_step_summary(&checks_markdown(&gate_report))?;
    }
    if counters && !args.simulation.quiet {
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
    if gated {
        gate::finish(&gate_report, args.gate.junit.as_deref(), args.format)?;
    }
    Ok(())
}

/// The scenario starting with the work the run of `path` (its summary.json) left.
fn carry_over(
    scenario: omnisim::scenario::Scenario,
    path: &std::path::Path,
) -> Result<omnisim::scenario::Scenario, CliError> {
    let refuse = |reason: String| {
        CliError::bad_input(format!("--carry-over {}: {reason}", path.display()))
            .with_hint("give the summary.json a previous `omnisim run` wrote")
    };
    let text = std::fs::read_to_string(path).map_err(|error| refuse(error.to_string()))?;
    let counts =
        omnisim::scenario::carry_over::carried_over_counts(&scenario, &text).map_err(refuse)?;
    let scenario = scenario
        .with_backlog_counts(counts)
        .map_err(|problem| refuse(format!("{}: {}", problem.key, problem.reason)))?;
    Ok(scenario.with_input(omnisim::scenario::RunInput::new(
        "carry_over",
        path.display().to_string(),
        &text,
    )))
}
