//! The CI gate's side effects, shared by `run` and `compare`: the baseline file read, the
//! checks printed, the JUnit file written (atomically), the Markdown appended to
//! `$GITHUB_STEP_SUMMARY` when GitHub Actions sets it, and exit code 3 when the gate fails.

use std::io::Write as _;
use std::path::Path;

use omnisim::error::EXIT_CHECK_FAILED;
use omnisim::gate::{Baseline, GateReport, Outcome, parse_baseline};
use omnisim::output::gate::{checks_text, junit_xml};

use super::CliError;
use super::args::Format;
use super::files::write_single_file;

/// Reads and parses `--baseline`.
pub fn read_baseline(path: &Path) -> Result<Baseline, CliError> {
    let text = std::fs::read_to_string(path).map_err(|error| {
        CliError::bad_input(format!("--baseline {}: {error}", path.display()))
            .with_hint("give the summary.json an earlier `omnisim run` wrote")
    })?;
    parse_baseline(&text).map_err(|reason| {
        CliError::bad_input(format!("--baseline {}: {reason}", path.display()))
            .with_hint("give the summary.json an earlier `omnisim run` wrote")
    })
}

/// Appends Markdown to the file GitHub Actions names in `$GITHUB_STEP_SUMMARY`, if any.
pub fn append_step_summary(markdown: &str) -> Result<(), CliError> {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY") else {
        return Ok(());
    };
    let result = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut file| file.write_all(format!("{markdown}\n").as_bytes()));
    result.map_err(|error| {
        CliError::failure(
            format!(
                "cannot append to $GITHUB_STEP_SUMMARY ({}): {error}",
                Path::new(&path).display()
            ),
            None,
        )
    })
}

/// Prints the checks (on stdout beside a table, on stderr beside JSON), writes the JUnit
/// file, and turns a failed gate into exit code 3.
pub fn finish(report: &GateReport, junit: Option<&Path>, format: Format) -> Result<(), CliError> {
    let text = checks_text(report);
    match format {
        Format::Table => super::files::print_stdout(text.as_bytes())?,
        Format::Json => eprint!("{text}"),
    }
    if let Some(path) = junit {
        write_single_file(path, junit_xml(report).as_bytes())?;
    }
    if report.passed {
        return Ok(());
    }
    Err(failed(report).with_hint(
        "the checks above give each reason; an inconclusive check needs more replications (--replications)",
    ))
}

/// The error (exit code 3) of a failed gate.
pub fn failed(report: &GateReport) -> CliError {
    let failed = report.count(Outcome::Fail);
    let inconclusive = report.count(Outcome::Inconclusive);
    let message = if failed > 0 {
        format!("{failed} check(s) failed")
    } else {
        format!("{inconclusive} check(s) inconclusive, and --strict is set")
    };
    CliError {
        message,
        exit_code: EXIT_CHECK_FAILED,
        hint: None,
        scenario_error: None,
    }
}
