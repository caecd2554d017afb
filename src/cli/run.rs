//! `omnisim run`: load, simulate every replication, summarise, write the files, print.

use std::path::Path;

use super::{CliError, RunArgs, SimulationArgs, chart_files, print_result, write_outputs};
use crate::charts::run_figures::{RunChartInput, run_figures};
use crate::metrics::events_summary::event_summaries;
use crate::metrics::summary::{channel_interval_rows, group_interval_rows, summarise};
use crate::output::html_report::run_report_html;
use crate::output::{
    events_csv_bytes, interval_csv_bytes, summary_json_bytes, table::summary_table,
};
use crate::progress::Progress;
use crate::replicate::run_replications;
use crate::scenario::overlay::load_with_overlays;
use crate::scenario::staffing::apply_staffing_file;
use crate::scenario::{Limits, Scenario, load_scenario_file};

pub fn run(args: &RunArgs) -> Result<(), CliError> {
    let scenario = load_scenario(&args.simulation)?;
    let quiet = args.simulation.quiet;
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(directory_name(&scenario.name)));
    // With events, the same scenario without them runs alongside on the same seed, so each
    // event's effect is measured against the same customers.
    let base = (!scenario.disruptions.is_empty()).then(|| {
        let mut base = scenario.clone();
        base.disruptions.clear();
        base
    });
    let runs = if base.is_some() { 2 } else { 1 };
    let progress = Progress::new(
        u64::from(scenario.simulation.replications) * runs,
        "replications",
        quiet,
    );
    let (results, counters) = run_replications(&scenario, args.simulation.threads, &progress);
    let base_results = base
        .as_ref()
        .map(|base| run_replications(base, args.simulation.threads, &progress).0);
    progress.finish();
    let all_results = results.iter().chain(base_results.iter().flatten());
    if let Some(failure) = all_results.flat_map(|r| &r.conservation_failures).next() {
        return Err(CliError::failure(
            format!("internal error, flow conservation failed: {failure}"),
            Some("this is a bug in omnisim; please report it with the scenario and seed"),
        ));
    }
    let mut summary = summarise(&scenario, &results);
    if let Some(base_results) = &base_results {
        summary.events = event_summaries(&scenario, &results, Some(base_results));
    }
    let json = summary_json_bytes(&summary);
    let channel_rows = channel_interval_rows(&scenario, &results);
    let group_rows = group_interval_rows(&scenario, &results);
    let mut files = vec![
        ("summary.json".to_string(), json.clone()),
        (
            "intervals.csv".to_string(),
            interval_csv_bytes("channel", &channel_rows),
        ),
        (
            "group_intervals.csv".to_string(),
            interval_csv_bytes("group", &group_rows),
        ),
    ];
    if !summary.events.is_empty() {
        files.push(("events.csv".to_string(), events_csv_bytes(&summary.events)));
    }
    if !args.simulation.no_charts {
        let figures = run_figures(&RunChartInput {
            scenario: &scenario,
            summary: &summary,
            channel_rows: &channel_rows,
            group_rows: &group_rows,
        });
        let (chart_files, svgs) = chart_files(&figures)?;
        let charts: Vec<_> = figures.into_iter().zip(svgs).collect();
        let html = run_report_html(&scenario, &summary, &charts);
        files.push(("report.html".to_string(), html.into_bytes()));
        files.extend(chart_files);
    }
    let written = write_outputs(&out_dir, &files)?;
    print_result(args.format, &json, || summary_table(&summary), &written)?;
    if !quiet {
        let per_second = |n: f64| n / counters.wall_seconds.max(1e-9);
        let line = format!(
            "simulated {} contacts and {} events in {:.2} s on {} thread(s): {:.2} M contacts/s, {:.2} M events/s; at most {} contacts alive at once",
            counters.contacts_generated,
            counters.events_processed,
            counters.wall_seconds,
            counters.threads,
            per_second(counters.contacts_generated as f64) / 1e6,
            per_second(counters.events_processed as f64) / 1e6,
            counters.peak_live_contacts
        );
        // Counters go to stderr, so stdout stays machine-readable with --format json.
        eprintln!("{line}");
    }
    Ok(())
}

/// Loads the scenario, applies a staffing file and the command-line overrides, and checks
/// the thread count: everything a simulating command needs before it starts.
pub fn load_scenario(args: &SimulationArgs) -> Result<Scenario, CliError> {
    let mut scenario = if args.overlays.is_empty() {
        load_scenario_file(&args.scenario)?
    } else {
        load_with_overlays(&args.scenario, &args.overlays)?.scenario
    };
    if let Some(path) = &args.staffing {
        apply_staffing_file(&mut scenario, path)?;
    }
    if let Some(replications) = args.replications {
        if replications == 0 || replications > Limits::MAX_REPLICATIONS {
            return Err(CliError::bad_input(format!(
                "--replications must be from 1 to {}, got {replications}",
                Limits::MAX_REPLICATIONS
            )));
        }
        scenario.simulation.replications = replications;
    }
    if let Some(seed) = args.seed {
        scenario.simulation.seed = seed;
    }
    if args.threads == Some(0) {
        return Err(CliError::bad_input("--threads must be at least 1"));
    }
    Ok(scenario)
}

/// A folder name from a scenario name: letters, digits, '-', '_' and '.'; others become '_'.
pub fn directory_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if cleaned.trim_matches('.').is_empty() {
        "scenario".into()
    } else {
        cleaned
    }
}
