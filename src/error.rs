//! Errors a user can act on, and the exit codes they map to.
//!
//! A `ScenarioError` carries every problem found in a scenario file, each naming the TOML key
//! path (`channels.chat.sla.target`) and the reason, with line and column where the TOML parser
//! gives one. Exit codes: 0 success, 1 a failure while running or writing (I/O), 2 bad input
//! (an invalid scenario, a missing file, or bad command-line arguments), 3 the run finished
//! but the CI gate failed (an assertion failed, a regression against the baseline, a
//! compared metric worse).

use std::fmt;
use std::ops::Range;
use std::path::PathBuf;

/// Exit code for bad input: an invalid or unreadable scenario, or bad arguments.
pub const EXIT_BAD_INPUT: u8 = 2;
/// Exit code for a failure while running or writing outputs.
pub const EXIT_FAILURE: u8 = 1;
/// Exit code for a finished run whose checks failed (`[[assert]]`, `--baseline`,
/// `compare --fail-on-worse`; inconclusive checks too with `--strict`).
pub const EXIT_CHECK_FAILED: u8 = 3;

/// One problem in a scenario file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioProblem {
    /// Dotted TOML key path, e.g. `channels.chat.sla.target`; empty for the whole document.
    pub key: String,
    /// What is wrong, in words the user can act on.
    pub reason: String,
    /// 1-based line and column of the offending text, where it was found.
    pub line_column: Option<(usize, usize)>,
    /// The offending text's byte range in the file, for a diagnostic to underline.
    pub span: Option<Range<usize>>,
    /// Which of the error's `sources` the line and span are in (0: the file named; with
    /// overlays, the base or the overlay that wrote the key).
    pub source: usize,
}

impl ScenarioProblem {
    pub fn new(key: impl Into<String>, reason: impl Into<String>) -> ScenarioProblem {
        ScenarioProblem {
            key: key.into(),
            reason: reason.into(),
            line_column: None,
            span: None,
            source: 0,
        }
    }
}

/// A file a problem's span points into: its path as the user gave it, and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceText {
    pub path: PathBuf,
    pub text: String,
}

/// Why a scenario could not be turned into a validated `Scenario`.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file is missing or unreadable.
    #[error("cannot read scenario file {}: {reason}", path.display())]
    Unreadable { path: PathBuf, reason: String },
    /// The file was read; these are the problems in it (at least one).
    #[error("{}", format_problems(path, problems, sources))]
    Invalid {
        path: PathBuf,
        problems: Vec<ScenarioProblem>,
        /// The files the problems' spans point into (empty when none was located).
        sources: Vec<SourceText>,
    },
}

impl ScenarioError {
    /// The problems, for tests and for tools that want them one by one.
    pub fn problems(&self) -> &[ScenarioProblem] {
        match self {
            ScenarioError::Unreadable { .. } => &[],
            ScenarioError::Invalid { problems, .. } => problems,
        }
    }
}

fn format_problems(
    path: &std::path::Path,
    problems: &[ScenarioProblem],
    sources: &[SourceText],
) -> String {
    let mut text = String::new();
    let count = problems.len();
    for (index, problem) in problems.iter().enumerate() {
        if index > 0 {
            text.push('\n');
        }
        let path = match sources.get(problem.source) {
            Some(source) if problem.line_column.is_some() => source.path.as_path(),
            _ => path,
        };
        text.push_str(&format!("{}", DisplayProblem { path, problem }));
    }
    if count > 1 {
        text.push_str(&format!("\n{count} problems in {}", path.display()));
    }
    text
}

struct DisplayProblem<'a> {
    path: &'a std::path::Path,
    problem: &'a ScenarioProblem,
}

impl fmt::Display for DisplayProblem<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some((line, column)) = self.problem.line_column {
            write!(f, ":{line}:{column}")?;
        }
        if self.problem.key.is_empty() {
            write!(f, ": {}", self.problem.reason)
        } else {
            write!(f, ": {}: {}", self.problem.key, self.problem.reason)
        }
    }
}

/// Why a run could not finish (never the scenario's fault: it was validated).
#[derive(Debug, thiserror::Error)]
pub enum SimulationError {
    /// A replication's flows did not balance: a bug in the engine.
    #[error("internal error, flow conservation failed: {0}")]
    Conservation(String),
    /// The worker threads could not be started.
    #[error("cannot start the worker threads: {0}")]
    Threads(String),
    /// A staffing a sweep or a plan tried is beyond the scenario's limits.
    #[error("cannot staff the scenario so: {}: {}", .0.key, .0.reason)]
    Staffing(ScenarioProblem),
}
