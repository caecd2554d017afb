//! `omnisim import`: a platform's export, row by row, into the normalised trace
//! (`crate::trace`). A mapping file (`mapping.rs`) says which column is which; the presets
//! for Zendesk, Freshdesk, Intercom, Twilio and Aircall are mapping files compiled in
//! (`presets/`), and the Technion bank trace has its own reader (`technion_bank.rs`). CSV
//! and JSON (`json_records.rs`) both stream: one row is held at a time, so a file of any
//! length imports in bounded memory. A bad row is counted and listed (file, line, field,
//! reason) and skipped; `strict` makes the first one an error.
//!
//! Pure: readers in, records handed to a sink; the command line opens and writes the files.

pub mod json_records;
pub mod mapping;
pub mod technion_bank;
pub mod timestamps;

use std::collections::BTreeMap;
use std::io::Read;

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::trace::TraceRecord;
use json_records::{RecordPlace, for_each_json_record, value_at_path};
use mapping::{Layout, Mapping, RowProblem};

/// The presets: name, mapping text, what they read.
pub const PRESETS: [(&str, &str, &str); 5] = [
    (
        "zendesk",
        include_str!("presets/zendesk.toml"),
        "Zendesk tickets (Incremental Ticket Export with metric_sets, or the full JSON export)",
    ),
    (
        "freshdesk",
        include_str!("presets/freshdesk.toml"),
        "Freshdesk tickets (API v2 with include=stats)",
    ),
    (
        "intercom",
        include_str!("presets/intercom.toml"),
        "Intercom conversations (Conversations API)",
    ),
    (
        "twilio",
        include_str!("presets/twilio.toml"),
        "Twilio call logs (Calls resource)",
    ),
    (
        "aircall",
        include_str!("presets/aircall.toml"),
        "Aircall calls (Public API /v1/calls)",
    ),
];

/// The mapping text of a preset.
pub fn preset_mapping(name: &str) -> Option<&'static str> {
    PRESETS
        .iter()
        .find(|(preset, _, _)| *preset == name)
        .map(|(_, text, _)| *text)
}

/// How the rows are read.
#[derive(Debug, Clone)]
pub enum ImportFormat {
    Mapped(Box<Mapping>),
    /// The Technion bank trace; times read in `zone` (Israel unless overridden).
    TechnionBank {
        zone: TimeZone,
    },
}

/// Most bad rows listed one by one; the rest are counted.
pub const MAX_LISTED_BAD_ROWS: usize = 20;

/// A row that could not be imported.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BadRow {
    pub file: String,
    /// `line 17`, or `record 17` in a JSON array.
    pub place: String,
    pub field: String,
    pub reason: String,
}

/// What an import read and wrote, over all its files.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ImportSummary {
    pub rows_read: u64,
    pub records_written: u64,
    /// Rows the mapping leaves out on purpose (`keep`, a value mapped to `skip`, phantoms).
    pub rows_left_out: u64,
    pub bad_rows: u64,
    pub bad_rows_listed: Vec<BadRow>,
    pub bad_rows_by_field: BTreeMap<String, u64>,
    pub records_by_channel: BTreeMap<String, u64>,
    /// `answered`, `abandoned`, `deflected` or `not recorded`.
    pub records_by_outcome: BTreeMap<String, u64>,
    #[serde(serialize_with = "instant_text")]
    pub first_arrival: Option<Timestamp>,
    #[serde(serialize_with = "instant_text")]
    pub last_arrival: Option<Timestamp>,
    pub records_with_wait: u64,
    pub records_with_handle_time: u64,
    pub records_with_agent: u64,
}

/// An instant as RFC 3339 text in JSON (`null` when absent).
fn instant_text<S: serde::Serializer>(
    instant: &Option<Timestamp>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match instant {
        Some(instant) => serializer.serialize_str(&instant.to_string()),
        None => serializer.serialize_none(),
    }
}

impl ImportSummary {
    fn count_record(&mut self, record: &TraceRecord) {
        self.records_written += 1;
        *self
            .records_by_channel
            .entry(record.channel.clone())
            .or_default() += 1;
        let outcome = record.outcome.map_or("not recorded", |o| o.name());
        *self
            .records_by_outcome
            .entry(outcome.to_string())
            .or_default() += 1;
        self.records_with_wait += u64::from(record.wait_seconds.is_some());
        self.records_with_handle_time += u64::from(record.handle_seconds.is_some());
        self.records_with_agent += u64::from(record.agent.is_some());
        if self
            .first_arrival
            .is_none_or(|first| record.arrival < first)
        {
            self.first_arrival = Some(record.arrival);
        }
        if self.last_arrival.is_none_or(|last| record.arrival > last) {
            self.last_arrival = Some(record.arrival);
        }
    }

    fn count_bad(&mut self, row: BadRow) {
        self.bad_rows += 1;
        *self.bad_rows_by_field.entry(row.field.clone()).or_default() += 1;
        if self.bad_rows_listed.len() < MAX_LISTED_BAD_ROWS {
            self.bad_rows_listed.push(row);
        }
    }
}

/// Why an import stopped.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{file}: {message}")]
    Unreadable { file: String, message: String },
    #[error("{file} has no column `{column}` (named by `{key}`); its columns are: {found}")]
    MissingColumn {
        file: String,
        key: String,
        column: String,
        found: String,
    },
    #[error("{}, {}: {}: {} (--strict stops at the first bad row)", .0.file, .0.place, .0.field, .0.reason)]
    Strict(BadRow),
    #[error("cannot write the trace: {0}")]
    Sink(std::io::Error),
}

/// Imports one file: every record is passed to `sink` in the file's order, and counted in
/// `summary` with the rows left out and the bad ones.
pub fn import_file<R: Read>(
    format: &ImportFormat,
    file_name: &str,
    reader: R,
    strict: bool,
    summary: &mut ImportSummary,
    sink: &mut dyn FnMut(&TraceRecord) -> std::io::Result<()>,
) -> Result<(), ImportError> {
    let mut handle = |place: String,
                      outcome: Result<Option<TraceRecord>, RowProblem>,
                      summary: &mut ImportSummary|
     -> Result<(), ImportError> {
        summary.rows_read += 1;
        match outcome {
            Ok(Some(record)) => {
                sink(&record).map_err(ImportError::Sink)?;
                summary.count_record(&record);
            }
            Ok(None) => summary.rows_left_out += 1,
            Err(problem) => {
                let row = BadRow {
                    file: file_name.to_string(),
                    place,
                    field: problem.field.to_string(),
                    reason: problem.message,
                };
                if strict {
                    return Err(ImportError::Strict(row));
                }
                summary.count_bad(row);
            }
        }
        Ok(())
    };
    let unreadable = |message: String| ImportError::Unreadable {
        file: file_name.to_string(),
        message,
    };
    match format {
        ImportFormat::TechnionBank { zone } => {
            let mut reader = csv_reader(reader, b'\t');
            let headers = reader
                .headers()
                .map_err(|error| unreadable(error.to_string()))?
                .clone();
            let found: Vec<&str> = headers.iter().map(|h| h.trim()).collect();
            if found != technion_bank::COLUMNS {
                return Err(unreadable(format!(
                    "not the Technion bank's format: its header should be {} (found {})",
                    technion_bank::COLUMNS.join(" "),
                    found.join(" ")
                )));
            }
            let mut row = csv::StringRecord::new();
            loop {
                let more = reader.read_record(&mut row);
                let line = row.position().map_or(0, |p| p.line());
                match more {
                    Ok(false) => break,
                    Ok(true) => {
                        let cells: Vec<&str> = row.iter().collect();
                        let outcome = technion_bank::record_from_cells(&cells, zone);
                        handle(format!("line {line}"), outcome, summary)?;
                    }
                    Err(error) => return Err(unreadable(error.to_string())),
                }
            }
        }
        ImportFormat::Mapped(mapping) => match &mapping.layout {
            Layout::Csv { delimiter } => {
                let mut reader = csv_reader(reader, *delimiter);
                let headers = reader
                    .headers()
                    .map_err(|error| unreadable(format!("cannot read the header row: {error}")))?
                    .clone();
                let names: Vec<&str> = headers
                    .iter()
                    .map(|h| h.trim().trim_start_matches('\u{feff}'))
                    .collect();
                let mut slots = Vec::new();
                for (slot, column) in mapping.source_columns().iter().enumerate() {
                    match names.iter().position(|name| name == column) {
                        Some(at) => slots.push(at),
                        None => {
                            return Err(ImportError::MissingColumn {
                                file: file_name.to_string(),
                                key: mapping.key_of_column(slot),
                                column: column.clone(),
                                found: names.join(", "),
                            });
                        }
                    }
                }
                let mut row = csv::StringRecord::new();
                loop {
                    match reader.read_record(&mut row) {
                        Ok(false) => break,
                        Ok(true) => {
                            let line = row.position().map_or(0, |p| p.line());
                            let cells: Vec<Option<&str>> = slots
                                .iter()
                                .map(|&at| {
                                    row.get(at).map(str::trim).filter(|cell| !cell.is_empty())
                                })
                                .collect();
                            let outcome = mapping.record_from_cells(&cells);
                            handle(format!("line {line}"), outcome, summary)?;
                        }
                        Err(error) => {
                            let line = error.position().map_or(0, |p| p.line());
                            let outcome = Err(RowProblem {
                                field: "row",
                                message: error.to_string(),
                            });
                            handle(format!("line {line}"), outcome, summary)?;
                            if !matches!(error.kind(), csv::ErrorKind::Utf8 { .. }) {
                                return Err(unreadable(error.to_string()));
                            }
                        }
                    }
                }
            }
            Layout::Json { records } => {
                let columns = mapping.source_columns();
                let walked = for_each_json_record(reader, records.as_deref(), |place, value| {
                    let owned: Vec<Option<String>> = columns
                        .iter()
                        .map(|path| value_at_path(&value, path).filter(|v| !v.trim().is_empty()))
                        .collect();
                    let cells: Vec<Option<&str>> =
                        owned.iter().map(|c| c.as_deref().map(str::trim)).collect();
                    let outcome = mapping.record_from_cells(&cells);
                    let place = match place {
                        RecordPlace::Line(line) => format!("line {line}"),
                        RecordPlace::Record(index) => format!("record {index}"),
                    };
                    handle(place, outcome, summary)
                });
                match walked {
                    Ok(()) => {}
                    Err(Ok(error)) => return Err(error),
                    Err(Err(message)) => return Err(unreadable(message)),
                }
            }
        },
    }
    Ok(())
}

fn csv_reader<R: Read>(reader: R, delimiter: u8) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_reader(reader)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn import(
        format: &ImportFormat,
        text: &str,
        strict: bool,
    ) -> Result<(Vec<TraceRecord>, ImportSummary), ImportError> {
        let mut records = Vec::new();
        let mut summary = ImportSummary::default();
        import_file(
            format,
            "export.csv",
            text.as_bytes(),
            strict,
            &mut summary,
            &mut |r| {
                records.push(r.clone());
                Ok(())
            },
        )?;
        Ok((records, summary))
    }

    fn csv_mapping() -> ImportFormat {
        let mapping = mapping::parse_mapping(
            "[columns]\narrival = \"Created at\"\nchannel = \"Via\"\nwait = \"First reply (min)\"\n[units]\nwait = \"minutes\"\n[values.channel]\nWeb = \"portal\"\n",
            Some("Europe/London"),
        )
        .unwrap();
        ImportFormat::Mapped(Box::new(mapping))
    }

    #[test]
    fn a_csv_export_imports_with_bad_rows_listed_by_line() {
        let text = "\u{feff}Id,Created at,Via,First reply (min)\n\
                    1,2024-07-01 09:00:00,Web,1.5\n\
                    2,yesterday,Web,\n\
                    3,2024-07-01 09:05:00,Email,\n\
                    4,2024-07-01 09:06:00,Email,soon\n";
        let (records, summary) = import(&csv_mapping(), text, false).unwrap();
        assert_eq!(records.len(), 2);
        // London is UTC+1 in July.
        assert_eq!(records[0].arrival.to_string(), "2024-07-01T08:00:00Z");
        assert_eq!(records[0].channel, "portal");
        assert_eq!(records[0].wait_seconds, Some(90.0));
        assert_eq!(records[1].channel, "Email");
        assert_eq!(records[1].outcome, None);
        assert_eq!(
            (summary.rows_read, summary.records_written, summary.bad_rows),
            (4, 2, 2)
        );
        let places: Vec<(&str, &str)> = summary
            .bad_rows_listed
            .iter()
            .map(|row| (row.place.as_str(), row.field.as_str()))
            .collect();
        assert_eq!(places, vec![("line 3", "arrival"), ("line 5", "wait")]);
        let error = import(&csv_mapping(), text, true).unwrap_err().to_string();
        assert!(error.starts_with("export.csv, line 3: arrival:"), "{error}");
    }

    #[test]
    fn a_missing_column_names_the_mapping_key_and_the_columns_found() {
        let error = import(&csv_mapping(), "Id,Created,Via\n", false)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("no column `Created at` (named by `columns.arrival`)"),
            "{error}"
        );
        assert!(error.contains("Id, Created, Via"), "{error}");
    }
}
