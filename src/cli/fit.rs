//! `omnisim fit`: reads the trace (every bad row is an error: a trace is written by
//! `omnisim import` or `run --contacts`, or checked before fitting), fits it, and writes the
//! scenario, its CSV files, the report and the charts as one output folder.

use std::path::PathBuf;

use omnisim::fit::{FitOptions, fit as fit_trace};
use omnisim::output::charts::chart_files;
use omnisim::output::fit::{fit_figures, fit_files, fit_report_json, fit_summary_text};

use super::args::FitArgs;
use super::files::{check_output_folder, print_result, write_outputs};
use super::scenario_args::output_folder;
use super::{CliError, chart_failure};

/// Bad rows listed before the rest are counted.
const LISTED_ROWS: usize = 10;

pub fn fit(args: &FitArgs) -> Result<(), CliError> {
    let text = std::fs::read_to_string(&args.trace).map_err(|error| {
        CliError::bad_input(format!("cannot read {}: {error}", args.trace.display()))
    })?;
    let shown = args.trace.display().to_string();
    let (records, problems) = omnisim::trace::read_trace(&text)
        .map_err(|problem| CliError::bad_input(format!("{shown}: {}", problem.message)))?;
    if !problems.is_empty() {
        let mut lines: Vec<String> = problems
            .iter()
            .take(LISTED_ROWS)
            .map(|p| format!("  line {}: {}", p.line, p.message))
            .collect();
        if problems.len() > LISTED_ROWS {
            lines.push(format!("  and {} more", problems.len() - LISTED_ROWS));
        }
        return Err(CliError::bad_input(format!(
            "{shown} has rows that cannot be read:\n{}",
            lines.join("\n")
        ))
        .with_hint("`omnisim import` writes traces in this format; fix or remove these rows"));
    }
    let stem = args
        .trace
        .file_stem()
        .map_or("trace".to_string(), |s| s.to_string_lossy().into_owned());
    let name = format!("{stem}_fit");
    let out_dir: PathBuf = output_folder(args.out.as_deref(), &name, None);
    check_output_folder(&out_dir)?;
    let options = FitOptions {
        interval_seconds: args.interval,
        time_zone: args.time_zone.clone(),
        kinds: args.kinds.clone(),
        session_gap_seconds: args.session_gap,
    };
    let report = fit_trace(&records, &options)
        .map_err(|reason| CliError::bad_input(format!("cannot fit {shown}: {reason}")))?;
    let trace_name = args
        .trace
        .file_name()
        .map_or(shown.clone(), |n| n.to_string_lossy().into_owned());
    let mut files = fit_files(&report, &stem, &trace_name);
    if !args.no_charts {
        files.extend(
            chart_files(&fit_figures(&report))
                .map_err(chart_failure)?
                .files,
        );
    }
    let written = write_outputs(&out_dir, &files)?;
    print_result(
        args.format,
        &fit_report_json(&report),
        || fit_summary_text(&report),
        &written,
    )
}
