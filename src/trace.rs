//! The normalised contact trace: one row per contact, whatever platform recorded it. `omnisim
//! import` writes it; a scenario's `[arrivals.NAME] trace = "..."` replays it. Columns, in
//! order: `arrival` (RFC 3339 in UTC, `1999-02-01T07:02:56Z`), `channel`, `issue_type`,
//! `segment`, `language`, `priority`, `outcome` (`answered`, `abandoned` or `deflected`),
//! `wait_seconds` (to the answer, the first response, or giving up), `handle_seconds` and
//! `agent`. Only `arrival` and `channel` are required; an empty cell is "not recorded", and a
//! trace written by hand may leave optional columns out or add its own (ignored).
//!
//! Pure: text in, records out (and records to a `csv::Writer`); files are opened elsewhere.

use std::io::Write;

use jiff::Timestamp;

/// The columns of a trace, in the order `omnisim import` writes them.
pub const TRACE_COLUMNS: [&str; 10] = [
    "arrival",
    "channel",
    "issue_type",
    "segment",
    "language",
    "priority",
    "outcome",
    "wait_seconds",
    "handle_seconds",
    "agent",
];

/// How a recorded contact ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    /// Reached an agent (a call answered, a ticket given a first response).
    Answered,
    /// Gave up waiting in the queue; its wait is a patience time.
    Abandoned,
    /// Never reached the agents' queue: a bot, an IVR, a help article, closed hours.
    Deflected,
}

impl Outcome {
    pub const ALL: [Outcome; 3] = [Outcome::Answered, Outcome::Abandoned, Outcome::Deflected];

    pub fn name(self) -> &'static str {
        match self {
            Outcome::Answered => "answered",
            Outcome::Abandoned => "abandoned",
            Outcome::Deflected => "deflected",
        }
    }

    pub fn from_name(name: &str) -> Option<Outcome> {
        Outcome::ALL
            .into_iter()
            .find(|outcome| outcome.name() == name)
    }
}

/// One recorded contact.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceRecord {
    /// When it reached the contact center (for a call, the agents' queue), in UTC.
    pub arrival: Timestamp,
    pub channel: String,
    pub issue_type: Option<String>,
    pub segment: Option<String>,
    pub language: Option<String>,
    pub priority: Option<String>,
    pub outcome: Option<Outcome>,
    /// Seconds from arrival to the answer (or first response), or to giving up.
    pub wait_seconds: Option<f64>,
    /// Seconds an agent spent on it (talk and hold; for tickets, rarely recorded).
    pub handle_seconds: Option<f64>,
    pub agent: Option<String>,
}

/// A service a record shows: an agent took the contact (answered, or no outcome recorded,
/// with a handle time and an agent).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RecordedService<'a> {
    pub agent: &'a str,
    /// When it began, in seconds after the record's arrival: its wait.
    pub begins_after_seconds: f64,
    pub length_seconds: f64,
}

impl TraceRecord {
    /// The service this record shows, if an agent took it. Fit's staffing, the backtest's
    /// recorded staffing and the not-ready reading all build agents' services from this.
    pub fn service(&self) -> Option<RecordedService<'_>> {
        match (self.outcome, self.handle_seconds, &self.agent) {
            (Some(Outcome::Answered) | None, Some(length_seconds), Some(agent)) => {
                Some(RecordedService {
                    agent,
                    begins_after_seconds: self.wait_seconds.unwrap_or(0.0),
                    length_seconds,
                })
            }
            _ => None,
        }
    }
}

/// A row of a trace that cannot be read: its line (1 = the header) and why.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceProblem {
    pub line: u64,
    pub message: String,
}

/// Writes the header row.
pub fn write_trace_header<W: Write>(writer: &mut csv::Writer<W>) -> csv::Result<()> {
    writer.write_record(TRACE_COLUMNS)
}

/// Writes one record as a row (numbers in their shortest exact form).
pub fn write_trace_record<W: Write>(
    writer: &mut csv::Writer<W>,
    record: &TraceRecord,
) -> csv::Result<()> {
    let number = |value: Option<f64>| value.map(|v| v.to_string()).unwrap_or_default();
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    writer.write_record([
        record.arrival.to_string(),
        record.channel.clone(),
        text(&record.issue_type),
        text(&record.segment),
        text(&record.language),
        text(&record.priority),
        record
            .outcome
            .map(|o| o.name().to_string())
            .unwrap_or_default(),
        number(record.wait_seconds),
        number(record.handle_seconds),
        text(&record.agent),
    ])
}

/// Reads a whole trace. Every bad row is reported (line and reason); the caller decides
/// whether any is too many.
pub fn read_trace(text: &str) -> Result<(Vec<TraceRecord>, Vec<TraceProblem>), TraceProblem> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|error| TraceProblem {
        line: 1,
        message: format!("cannot read the header row: {error}"),
    })?;
    let position = |name: &str| headers.iter().position(|column| column == name);
    let columns: Vec<Option<usize>> = TRACE_COLUMNS.iter().map(|name| position(name)).collect();
    for (required, idx) in [("arrival", 0), ("channel", 1)] {
        if columns[idx].is_none() {
            return Err(TraceProblem {
                line: 1,
                message: format!(
                    "no `{required}` column (a trace has {}; found {})",
                    TRACE_COLUMNS.join(", "),
                    headers.iter().collect::<Vec<_>>().join(", ")
                ),
            });
        }
    }
    let mut records = Vec::new();
    let mut problems = Vec::new();
    for row in reader.records() {
        let row = match row {
            Ok(row) => row,
            Err(error) => {
                let line = error.position().map_or(0, |p| p.line());
                problems.push(TraceProblem {
                    line,
                    message: error.to_string(),
                });
                continue;
            }
        };
        let line = row.position().map_or(0, |p| p.line());
        let cell = |idx: usize| -> Option<&str> {
            columns[idx]
                .and_then(|at| row.get(at))
                .filter(|value| !value.is_empty())
        };
        match record_from_cells(cell) {
            Ok(record) => records.push(record),
            Err(message) => problems.push(TraceProblem { line, message }),
        }
    }
    Ok((records, problems))
}

fn record_from_cells<'a>(cell: impl Fn(usize) -> Option<&'a str>) -> Result<TraceRecord, String> {
    let arrival_text = cell(0).ok_or("no arrival time")?;
    let arrival: Timestamp = arrival_text.parse().map_err(|error| {
        format!("arrival `{arrival_text}` is not an RFC 3339 time with an offset ({error})")
    })?;
    let channel = cell(1).ok_or("no channel")?.to_string();
    let seconds = |idx: usize| -> Result<Option<f64>, String> {
        cell(idx)
            .map(|text| match text.parse::<f64>() {
                Ok(value) if value.is_finite() && value >= 0.0 => Ok(value),
                _ => Err(format!(
                    "{} `{text}` is not a non-negative number of seconds",
                    TRACE_COLUMNS[idx]
                )),
            })
            .transpose()
    };
    let outcome = cell(6)
        .map(|text| {
            Outcome::from_name(text).ok_or_else(|| {
                format!("outcome `{text}` is not one of answered, abandoned, deflected")
            })
        })
        .transpose()?;
    Ok(TraceRecord {
        arrival,
        channel,
        issue_type: cell(2).map(str::to_string),
        segment: cell(3).map(str::to_string),
        language: cell(4).map(str::to_string),
        priority: cell(5).map(str::to_string),
        outcome,
        wait_seconds: seconds(7)?,
        handle_seconds: seconds(8)?,
        agent: cell(9).map(str::to_string),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_trace_reads_back_as_the_same_records() {
        let record = TraceRecord {
            arrival: "1999-02-01T05:02:56.5Z".parse().unwrap(),
            channel: "phone".into(),
            issue_type: Some("PS".into()),
            segment: None,
            language: None,
            priority: Some("2".into()),
            outcome: Some(Outcome::Abandoned),
            wait_seconds: Some(37.0),
            handle_seconds: None,
            agent: Some("DORIT, \"D\"".into()),
        };
        let mut writer = csv::Writer::from_writer(Vec::new());
        write_trace_header(&mut writer).unwrap();
        write_trace_record(&mut writer, &record).unwrap();
        let text = String::from_utf8(writer.into_inner().unwrap()).unwrap();
        let (records, problems) = read_trace(&text).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(records, vec![record]);
    }

    #[test]
    fn bad_rows_are_reported_by_line_and_good_rows_kept() {
        let text = "arrival,channel,outcome,wait_seconds\n\
                    2026-01-05T09:00:00Z,chat,answered,12\n\
                    2026-01-05 09:00,chat,,\n\
                    2026-01-05T09:01:00Z,chat,hung_up,\n\
                    2026-01-05T09:02:00Z,chat,,-3\n\
                    2026-01-05T09:03:00Z,,,\n";
        let (records, problems) = read_trace(text).unwrap();
        assert_eq!(records.len(), 1);
        let lines: Vec<u64> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![3, 4, 5, 6]);
        assert!(problems[0].message.contains("RFC 3339"), "{problems:?}");
        assert!(problems[1].message.contains("hung_up"), "{problems:?}");
        assert!(problems[2].message.contains("wait_seconds"), "{problems:?}");
        assert!(problems[3].message.contains("no channel"), "{problems:?}");
    }

    #[test]
    fn a_trace_without_arrival_times_is_refused_at_the_header() {
        let problem = read_trace("time,channel\n").unwrap_err();
        assert_eq!(problem.line, 1);
        assert!(problem.message.contains("no `arrival` column"));
    }
}
