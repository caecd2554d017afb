//! The files a scenario names (`SideFiles`: their text, as `load.rs` read it, so
//! validation does no I/O) and how a CSV among them is read: its header, a `start` column on
//! the interval grid, a cell as a message may quote it, and its bad rows reported (ten,
//! then a count). Headcount files (`staffing.rs`) and arrivals files (`arrivals.rs`) share
//! it, and a trace is parsed once however many channels replay it. Built on `checker.rs`
//! and the trace reader (`trace.rs`).

use std::sync::OnceLock;

use indexmap::IndexMap;

use super::checker::Checker;
use crate::trace::{TraceProblem, TraceRecord, read_trace};
use crate::units::{
    SECONDS_PER_DAY, SECONDS_PER_WEEK, format_clock, format_duration, parse_time_of_day_seconds,
    parse_time_point_seconds,
};

/// The text of each file a scenario names (a group's `headcount_file`, a channel's
/// `per_interval_file`), as `load.rs` read it, keyed by the name as the scenario writes it.
#[derive(Debug, Clone, Default)]
pub struct SideFiles {
    files: IndexMap<String, SideFile>,
    /// Each file read as a trace, parsed the first time a channel replays it: channels that
    /// replay one file (a trace of phone, chat and email) share one parse.
    traces: IndexMap<String, OnceLock<Result<ParsedTrace, String>>>,
}

/// A trace file read: its rows, the rows that could not be read, and the SHA-256 of its
/// text (which names the replay in fingerprints).
#[derive(Debug, Clone)]
pub(crate) struct ParsedTrace {
    pub records: Vec<TraceRecord>,
    pub problems: Vec<TraceProblem>,
    pub sha256: String,
}

/// One file a scenario names.
#[derive(Debug, Clone)]
pub struct SideFile {
    /// The path as resolved against the scenario's folder, for messages.
    pub shown_path: String,
    /// The text, or why it could not be read.
    pub text: Result<String, String>,
    /// What it is to the scenario: "headcount_file" or "per_interval_file".
    pub role: &'static str,
}

impl SideFiles {
    /// Adds the file the scenario calls `name`.
    pub fn insert(&mut self, name: impl Into<String>, file: SideFile) {
        let name = name.into();
        self.traces.insert(name.clone(), OnceLock::new());
        self.files.insert(name, file);
    }

    /// Every file read, as the run's inputs record them (each once, in the order named).
    pub fn inputs(&self) -> Vec<crate::scenario::RunInput> {
        self.files
            .values()
            .filter_map(|file| {
                let text = file.text.as_ref().ok()?;
                Some(crate::scenario::RunInput::new(
                    file.role,
                    file.shown_path.clone(),
                    text,
                ))
            })
            .collect()
    }

    /// The path to show and the text of the file the scenario calls `name`, or the problem
    /// to report at `key` (not read, or unreadable).
    pub(crate) fn text_of(&self, name: &str) -> Result<(&str, &str), String> {
        let Some(side_file) = self.files.get(name) else {
            return Err(format!(
                "{name} was not read: a CSV file is read when the scenario is loaded from its file, relative to it"
            ));
        };
        match &side_file.text {
            Ok(text) => Ok((&side_file.shown_path, text)),
            Err(reason) => Err(format!("cannot read {} ({reason})", side_file.shown_path)),
        }
    }
}

impl SideFiles {
    /// The path to show and the trace in the file the scenario calls `name` (parsed once,
    /// however many channels replay it), or the problem to report (not read, unreadable,
    /// not a trace).
    pub(crate) fn trace_of(&self, name: &str) -> Result<(&str, &ParsedTrace), String> {
        let (path, text) = self.text_of(name)?;
        let parsed = self.traces[name].get_or_init(|| {
            use sha2::Digest as _;
            let (records, problems) =
                read_trace(text).map_err(|problem| format!("{path}: {}", problem.message))?;
            let digest = sha2::Sha256::digest(text.as_bytes());
            Ok(ParsedTrace {
                records,
                problems,
                sha256: digest.iter().map(|byte| format!("{byte:02x}")).collect(),
            })
        });
        match parsed {
            Ok(trace) => Ok((path, trace)),
            Err(reason) => Err(reason.clone()),
        }
    }
}

/// A CSV reader over `text` that trims every field, as every CSV a scenario names is read.
pub(crate) fn csv_reader(text: &str) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes())
}

/// The file the scenario calls `file`: the path to show, its header row and a reader over
/// the rest; or `None`, with the problem reported at `key` (not read, unreadable, no
/// header).
pub(crate) fn open_csv<'a>(
    checker: &mut Checker,
    key: &str,
    side_files: &'a SideFiles,
    file: &str,
) -> Option<(&'a str, csv::StringRecord, csv::Reader<&'a [u8]>)> {
    let (path, text) = match side_files.text_of(file) {
        Ok(found) => found,
        Err(problem) => {
            checker.fail(key, problem);
            return None;
        }
    };
    let mut reader = csv_reader(text);
    match reader.headers() {
        Ok(headers) => Some((path, headers.clone(), reader)),
        Err(error) => {
            checker.fail(key, format!("{path}: {error}"));
            None
        }
    }
}

/// What a message says of a CSV header that lacks a column: its names when it looks like
/// a header of names, else only its width, so a file that is not a CSV is never quoted.
pub(crate) fn describe_header(headers: &csv::StringRecord) -> String {
    let looks_like_header = headers.len() <= 20
        && headers.iter().all(|h| {
            h.len() <= 40
                && h.chars()
                    .all(|c| c.is_alphanumeric() || " _-.()".contains(c))
        });
    if looks_like_header {
        format!(
            "its columns: {}",
            headers.iter().collect::<Vec<_>>().join(", ")
        )
    } else {
        format!(
            "its first line, with {} field(s), is not a header of names",
            headers.len()
        )
    }
}

/// The most problems one CSV file reports row by row; the rest are counted.
const MAX_ROW_PROBLEMS: usize = 10;

/// Reports a CSV file's row problems at `key`: the first `MAX_ROW_PROBLEMS`, then a count
/// of the rest. Whether there were any.
pub(crate) fn report_rows(
    checker: &mut Checker,
    key: &str,
    path: &str,
    row_problems: Vec<String>,
) -> bool {
    let any = !row_problems.is_empty();
    let more = row_problems.len().saturating_sub(MAX_ROW_PROBLEMS);
    for problem in row_problems.into_iter().take(MAX_ROW_PROBLEMS) {
        checker.fail(key, problem);
    }
    if more > 0 {
        checker.fail(key, format!("{path}: {more} more row(s) with problems"));
    }
    any
}

/// A CSV cell as a message may quote it: at most 40 characters.
pub(crate) fn shown_cell(cell: &str) -> String {
    let shown: String = cell.chars().take(40).collect();
    if shown.len() < cell.len() {
        format!("{shown}...")
    } else {
        shown
    }
}

/// Why row `row_idx`'s start does not begin its interval, if it does not. "HH:MM" is the
/// time of day the row's interval starts, a moment ("tue 09:30", "week 2 mon 00:00") the
/// time in the week or the run.
pub(crate) fn start_problem(cell: &str, row_idx: usize, interval_seconds: f64) -> Option<String> {
    let expected = row_idx as f64 * interval_seconds;
    let (written, wanted) = if let Ok(time_of_day) = parse_time_of_day_seconds(cell) {
        (time_of_day, expected % SECONDS_PER_DAY)
    } else {
        match parse_time_point_seconds(cell) {
            Ok(moment) if moment >= SECONDS_PER_WEEK => (moment, expected),
            Ok(moment) => (moment, expected % SECONDS_PER_WEEK),
            Err(_) => {
                return Some(format!(
                    "\"{}\" is not a start time; write \"HH:MM\" or a moment such as \"tue 09:30\"",
                    shown_cell(cell)
                ));
            }
        }
    };
    ((written - wanted).abs() > 0.5).then(|| {
        format!(
            "\"{}\" but this row is interval {} of the grid, which starts at {} (simulation.interval = \"{}\"); rows must follow the intervals one by one, with none missing",
            shown_cell(cell),
            row_idx + 1,
            format_clock(expected, expected >= SECONDS_PER_WEEK),
            format_duration(interval_seconds)
        )
    })
}
