//! A mapping file: how one export's rows become trace records. Read from TOML once and
//! checked (every problem names its key), then applied row by row to cells already picked
//! out by column, so applying it looks nothing up by name.
//!
//! ```toml
//! format = "csv"                    # or "json" (an array, an object holding one, or JSON lines)
//! delimiter = ","                   # csv
//! records = "calls"                 # json: the key of the array of records
//! time_format = "rfc3339"           # rfc3339 | rfc2822 | unix | unix_ms | a strftime pattern
//! time_zone = "UTC"                 # the zone of times written without an offset
//! [columns]                         # trace field -> the export's column (json: a dotted path)
//! arrival = "created_at"
//! channel = "via.channel"
//! wait = "first_reply_minutes"      # or answered_at = "...": wait = answered_at - arrival
//! [constants]                       # a field every row shares: channel = "phone"
//! [units]                           # wait and handle: seconds (default), minutes, hours, milliseconds
//! wait = "minutes"
//! [values.channel]                  # an export's value -> the trace's; "*" for any other,
//! web = "portal"                    # "" for an empty cell, "skip" drops the row
//! [keep]                            # only rows whose column holds one of these values
//! direction = ["inbound"]
//! ```

use indexmap::IndexMap;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Deserialize;

use super::timestamps::{DurationUnit, TimeFormat, parse_duration, parse_time};
use crate::trace::{Outcome, TraceRecord};

/// The fields a mapping may fill: the trace's columns, plus the two times a wait and a
/// handle time may be derived from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Arrival,
    Channel,
    IssueType,
    Segment,
    Language,
    Priority,
    Outcome,
    Wait,
    Handle,
    Agent,
    AnsweredAt,
    EndedAt,
}

impl Field {
    pub const ALL: [Field; 12] = [
        Field::Arrival,
        Field::Channel,
        Field::IssueType,
        Field::Segment,
        Field::Language,
        Field::Priority,
        Field::Outcome,
        Field::Wait,
        Field::Handle,
        Field::Agent,
        Field::AnsweredAt,
        Field::EndedAt,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Field::Arrival => "arrival",
            Field::Channel => "channel",
            Field::IssueType => "issue_type",
            Field::Segment => "segment",
            Field::Language => "language",
            Field::Priority => "priority",
            Field::Outcome => "outcome",
            Field::Wait => "wait",
            Field::Handle => "handle",
            Field::Agent => "agent",
            Field::AnsweredAt => "answered_at",
            Field::EndedAt => "ended_at",
        }
    }

    fn from_name(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|field| field.name() == name)
    }
}

/// The mapping file as TOML gives it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMapping {
    pub format: Option<String>,
    pub delimiter: Option<String>,
    pub records: Option<String>,
    pub time_format: Option<String>,
    pub time_zone: Option<String>,
    #[serde(default)]
    pub columns: IndexMap<String, String>,
    #[serde(default)]
    pub constants: IndexMap<String, String>,
    #[serde(default)]
    pub units: IndexMap<String, String>,
    #[serde(default)]
    pub values: IndexMap<String, IndexMap<String, String>>,
    #[serde(default)]
    pub keep: IndexMap<String, Vec<String>>,
}

/// A problem with a mapping file: the key and what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct MappingProblem {
    pub key: String,
    pub message: String,
}

/// How the export is laid out.
#[derive(Debug, Clone, PartialEq)]
pub enum Layout {
    Csv {
        delimiter: u8,
    },
    /// `records`: the top-level key whose array holds the records (absent: the file is an
    /// array, or one object per line).
    Json {
        records: Option<String>,
    },
}

/// Where a field's value comes from.
#[derive(Debug, Clone, PartialEq)]
enum FieldSource {
    /// Index into `Mapping::source_columns`.
    Column(usize),
    Constant(String),
}

/// A checked mapping.
#[derive(Debug, Clone)]
pub struct Mapping {
    pub layout: Layout,
    time_format: TimeFormat,
    time_zone: TimeZone,
    /// The export's columns the mapping reads, each once; cells arrive in this order.
    source_columns: Vec<String>,
    /// `[field]`: where it comes from.
    sources: Vec<Option<FieldSource>>,
    /// `[field]`: the value map (empty: values pass through).
    values: Vec<IndexMap<String, String>>,
    wait_unit: DurationUnit,
    handle_unit: DurationUnit,
    /// (index into `source_columns`, the values kept).
    keep: Vec<(usize, Vec<String>)>,
}

/// Why a row could not become a record: the field and the reason.
#[derive(Debug, Clone, PartialEq)]
pub struct RowProblem {
    pub field: &'static str,
    pub message: String,
}

/// What a mapped value says to do with the row.
const SKIP: &str = "skip";

impl Mapping {
    /// Checks a raw mapping; `time_zone` (from the command line) overrides the file's.
    pub fn from_raw(
        raw: RawMapping,
        time_zone_override: Option<&str>,
    ) -> Result<Mapping, Vec<MappingProblem>> {
        let mut problems = Vec::new();
        let mut fail = |key: &str, message: String| {
            problems.push(MappingProblem {
                key: key.to_string(),
                message,
            })
        };
        let layout = match raw.format.as_deref() {
            Some("csv") | None => {
                let delimiter = match raw.delimiter.as_deref() {
                    None => b',',
                    Some("\\t" | "tab") => b'\t',
                    Some(text) if text.len() == 1 => text.as_bytes()[0],
                    Some(text) => {
                        fail(
                            "delimiter",
                            format!("`{text}` is not one character (write \"tab\" for a tab)"),
                        );
                        b','
                    }
                };
                if raw.records.is_some() {
                    fail(
                        "records",
                        "`records` names the array of a json export; this mapping reads csv".into(),
                    );
                }
                Layout::Csv { delimiter }
            }
            Some("json") => {
                if raw.delimiter.is_some() {
                    fail("delimiter", "a json export has no delimiter".into());
                }
                Layout::Json {
                    records: raw.records.clone(),
                }
            }
            Some(other) => {
                fail("format", format!("`{other}` is not csv or json"));
                Layout::Csv { delimiter: b',' }
            }
        };
        let time_format = match raw.time_format.as_deref() {
            None => TimeFormat::Rfc3339,
            Some(name) => TimeFormat::from_name(name).unwrap_or_else(|| {
                fail("time_format", format!("`{name}` is not rfc3339, iso8601, rfc2822, unix, unix_ms or a strftime pattern such as \"%d/%m/%Y %H:%M\""));
                TimeFormat::Rfc3339
            }),
        };
        let zone_name = time_zone_override.or(raw.time_zone.as_deref());
        let time_zone = match zone_name {
            None | Some("UTC") => TimeZone::UTC,
            Some(name) => TimeZone::get(name).unwrap_or_else(|_| {
                let key = if time_zone_override.is_some() { "--time-zone" } else { "time_zone" };
                fail(key, format!("`{name}` is not an IANA time zone (such as Europe/London or America/New_York)"));
                TimeZone::UTC
            }),
        };
        let field_names = || {
            Field::ALL
                .iter()
                .map(|f| f.name())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut source_columns: Vec<String> = Vec::new();
        let mut column_slot = |column: &str| match source_columns.iter().position(|c| c == column) {
            Some(at) => at,
            None => {
                source_columns.push(column.to_string());
                source_columns.len() - 1
            }
        };
        let mut sources: Vec<Option<FieldSource>> = vec![None; Field::ALL.len()];
        for (name, column) in &raw.columns {
            match Field::from_name(name) {
                Some(field) => {
                    sources[field as usize] = Some(FieldSource::Column(column_slot(column)))
                }
                None => fail(
                    &format!("columns.{name}"),
                    format!("`{name}` is not a trace field (one of {})", field_names()),
                ),
            }
        }
        for (name, value) in &raw.constants {
            match Field::from_name(name) {
                Some(field) if sources[field as usize].is_some() => fail(
                    &format!("constants.{name}"),
                    format!("`{name}` is also read from a column; give it one way"),
                ),
                Some(field) => sources[field as usize] = Some(FieldSource::Constant(value.clone())),
                None => fail(
                    &format!("constants.{name}"),
                    format!("`{name}` is not a trace field (one of {})", field_names()),
                ),
            }
        }
        for required in [Field::Arrival, Field::Channel] {
            if sources[required as usize].is_none() {
                fail(
                    &format!("columns.{}", required.name()),
                    format!(
                        "every record needs its {}: name the export's column (or a constant)",
                        required.name()
                    ),
                );
            }
        }
        let mut unit = |field: &str| match raw.units.get(field) {
            None => DurationUnit::Seconds,
            Some(name) => DurationUnit::from_name(name).unwrap_or_else(|| {
                fail(
                    &format!("units.{field}"),
                    format!("`{name}` is not seconds, minutes, hours or milliseconds"),
                );
                DurationUnit::Seconds
            }),
        };
        let wait_unit = unit("wait");
        let handle_unit = unit("handle");
        for field in raw.units.keys() {
            if field != "wait" && field != "handle" {
                fail(
                    &format!("units.{field}"),
                    "only wait and handle have units".into(),
                );
            }
        }
        let mut values = vec![IndexMap::new(); Field::ALL.len()];
        for (name, map) in &raw.values {
            match Field::from_name(name) {
                Some(field) => {
                    if field == Field::Outcome {
                        for (from, to) in map {
                            if to != SKIP && Outcome::from_name(to).is_none() {
                                fail(
                                    &format!("values.outcome.{from}"),
                                    format!("`{to}` is not answered, abandoned, deflected or skip"),
                                );
                            }
                        }
                    }
                    values[field as usize] = map.clone();
                }
                None => fail(
                    &format!("values.{name}"),
                    format!("`{name}` is not a trace field (one of {})", field_names()),
                ),
            }
        }
        let keep = raw
            .keep
            .iter()
            .map(|(column, kept)| (column_slot(column), kept.clone()))
            .collect();
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Mapping {
            layout,
            time_format,
            time_zone,
            source_columns,
            sources,
            values,
            wait_unit,
            handle_unit,
            keep,
        })
    }

    /// The export's columns this mapping reads, in the order `record_from_cells` wants them.
    pub fn source_columns(&self) -> &[String] {
        &self.source_columns
    }

    /// The mapping key that names a source column (for "no such column" messages).
    pub fn key_of_column(&self, slot: usize) -> String {
        for field in Field::ALL {
            if self.sources[field as usize] == Some(FieldSource::Column(slot)) {
                return format!("columns.{}", field.name());
            }
        }
        format!("keep.{}", self.source_columns[slot])
    }

    /// The record one row's cells make (`cells[i]` the value of `source_columns()[i]`, `None`
    /// when absent or empty), `Ok(None)` when the mapping drops the row.
    pub fn record_from_cells(
        &self,
        cells: &[Option<&str>],
    ) -> Result<Option<TraceRecord>, RowProblem> {
        for (slot, kept) in &self.keep {
            let value = cells[*slot].unwrap_or("");
            if !kept.iter().any(|k| k == value) {
                return Ok(None);
            }
        }
        let mut mapped: [Option<String>; 12] = Default::default();
        for field in Field::ALL {
            let raw = match &self.sources[field as usize] {
                None => continue,
                Some(FieldSource::Constant(value)) => Some(value.as_str()),
                Some(FieldSource::Column(slot)) => cells[*slot],
            };
            let map = &self.values[field as usize];
            let value = if map.is_empty() {
                raw.map(str::to_string)
            } else {
                let key = raw.unwrap_or("");
                match map.get(key).or_else(|| map.get("*")) {
                    Some(to) if to == SKIP => return Ok(None),
                    Some(to) => Some(to.clone()),
                    None => raw.map(str::to_string),
                }
            };
            mapped[field as usize] = value.filter(|v| !v.is_empty());
        }
        let take = |field: Field| mapped[field as usize].as_deref();
        let time = |field: Field| -> Result<Option<Timestamp>, RowProblem> {
            take(field)
                .map(|text| parse_time(text, &self.time_format, &self.time_zone))
                .transpose()
                .map_err(|message| RowProblem {
                    field: field.name(),
                    message,
                })
        };
        let arrival = time(Field::Arrival)?.ok_or(RowProblem {
            field: "arrival",
            message: "no arrival time".into(),
        })?;
        let channel = take(Field::Channel).ok_or(RowProblem {
            field: "channel",
            message: "no channel".into(),
        })?;
        let answered_at = time(Field::AnsweredAt)?;
        let ended_at = time(Field::EndedAt)?;
        let seconds_between = |from: Timestamp, to: Timestamp, field: Field| {
            let seconds = to.duration_since(from).as_secs_f64();
            if seconds < 0.0 {
                Err(RowProblem {
                    field: field.name(),
                    message: format!("{to} is before {from}"),
                })
            } else {
                Ok(seconds)
            }
        };
        let duration = |field: Field, unit: DurationUnit| {
            take(field)
                .map(|text| parse_duration(text, unit))
                .transpose()
                .map_err(|message| RowProblem {
                    field: field.name(),
                    message,
                })
        };
        let outcome = match take(Field::Outcome) {
            Some(text) => Some(Outcome::from_name(text).ok_or_else(|| RowProblem {
                field: "outcome",
                message: format!(
                    "`{text}` is not answered, abandoned or deflected: map it under [values.outcome]"
                ),
            })?),
            None if answered_at.is_some() || take(Field::Wait).is_some() => {
                Some(Outcome::Answered)
            }
            None => None,
        };
        let mut wait_seconds = duration(Field::Wait, self.wait_unit)?;
        if wait_seconds.is_none() {
            wait_seconds = match (answered_at, ended_at, outcome) {
                (Some(answered), _, _) => {
                    Some(seconds_between(arrival, answered, Field::AnsweredAt)?)
                }
                (None, Some(ended), Some(Outcome::Abandoned)) => {
                    Some(seconds_between(arrival, ended, Field::EndedAt)?)
                }
                _ => None,
            };
        }
        let mut handle_seconds = duration(Field::Handle, self.handle_unit)?;
        if handle_seconds.is_none()
            && let (Some(answered), Some(ended)) = (answered_at, ended_at)
        {
            handle_seconds = Some(seconds_between(answered, ended, Field::EndedAt)?);
        }
        if matches!(outcome, Some(Outcome::Abandoned | Outcome::Deflected)) {
            // No agent handled it: a call log's 0-second duration is not a handle time.
            handle_seconds = None;
        }
        Ok(Some(TraceRecord {
            arrival,
            channel: channel.to_string(),
            issue_type: take(Field::IssueType).map(str::to_string),
            segment: take(Field::Segment).map(str::to_string),
            language: take(Field::Language).map(str::to_string),
            priority: take(Field::Priority).map(str::to_string),
            outcome,
            wait_seconds,
            handle_seconds,
            agent: take(Field::Agent).map(str::to_string),
        }))
    }
}

/// Reads and checks a mapping file's text (TOML).
pub fn parse_mapping(
    text: &str,
    time_zone_override: Option<&str>,
) -> Result<Mapping, Vec<MappingProblem>> {
    let raw: RawMapping = toml::from_str(text).map_err(|error| {
        vec![MappingProblem {
            key: String::new(),
            message: error.to_string().trim_end().to_string(),
        }]
    })?;
    Mapping::from_raw(raw, time_zone_override)
}

/// A preset's mapping with a user's file laid over it: each of the user's keys replaces the
/// preset's (tables merge key by key), so `[values.channel] web = "chat"` changes one value.
pub fn merged_mapping_text(preset: &str, user: &str) -> Result<String, MappingProblem> {
    let mut base: toml::Table = toml::from_str(preset).expect("presets are valid TOML");
    let over: toml::Table = toml::from_str(user).map_err(|error| MappingProblem {
        key: String::new(),
        message: error.to_string().trim_end().to_string(),
    })?;
    merge_tables(&mut base, over);
    Ok(toml::to_string(&base).expect("a table serialises"))
}

fn merge_tables(base: &mut toml::Table, over: toml::Table) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(base_table)), toml::Value::Table(over_table)) => {
                merge_tables(base_table, over_table)
            }
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mapping(text: &str) -> Mapping {
        parse_mapping(text, None).unwrap()
    }

    fn problems(text: &str) -> Vec<String> {
        parse_mapping(text, None)
            .unwrap_err()
            .into_iter()
            .map(|p| format!("{}: {}", p.key, p.message))
            .collect()
    }

    #[test]
    fn a_mapping_reads_cells_maps_values_and_derives_waits() {
        let m = mapping(
            r#"
            time_format = "unix"
            [columns]
            arrival = "started_at"
            answered_at = "answered_at"
            ended_at = "ended_at"
            outcome = "missed_call_reason"
            agent = "user.name"
            [constants]
            channel = "phone"
            [values.outcome]
            "" = "answered"
            abandoned_in_ivr = "deflected"
            "*" = "abandoned"
            [keep]
            direction = ["inbound"]
            "#,
        );
        assert_eq!(
            m.source_columns(),
            [
                "started_at",
                "answered_at",
                "ended_at",
                "missed_call_reason",
                "user.name",
                "direction"
            ]
        );
        let answered = m
            .record_from_cells(&[
                Some("1700000000"),
                Some("1700000030"),
                Some("1700000330"),
                None,
                Some("Ana"),
                Some("inbound"),
            ])
            .unwrap()
            .unwrap();
        assert_eq!(answered.channel, "phone");
        assert_eq!(answered.outcome, Some(Outcome::Answered));
        assert_eq!(answered.wait_seconds, Some(30.0));
        assert_eq!(answered.handle_seconds, Some(300.0));
        assert_eq!(answered.agent.as_deref(), Some("Ana"));
        let gave_up = m
            .record_from_cells(&[
                Some("1700000000"),
                None,
                Some("1700000045"),
                Some("short_abandoned"),
                None,
                Some("inbound"),
            ])
            .unwrap()
            .unwrap();
        assert_eq!(gave_up.outcome, Some(Outcome::Abandoned));
        assert_eq!(gave_up.wait_seconds, Some(45.0));
        assert_eq!(gave_up.handle_seconds, None);
        let outbound = m
            .record_from_cells(&[Some("1700000000"), None, None, None, None, Some("outbound")])
            .unwrap();
        assert_eq!(outbound, None);
        let bad = m
            .record_from_cells(&[
                Some("1700000000"),
                Some("1699999000"),
                None,
                None,
                None,
                Some("inbound"),
            ])
            .unwrap_err();
        assert_eq!(bad.field, "answered_at");
    }

    #[test]
    fn every_problem_in_a_mapping_names_its_key() {
        let found = problems(
            r#"
            format = "xml"
            time_format = "dd/mm"
            time_zone = "Mars/Olympus"
            [columns]
            arival = "created"
            [units]
            wait = "fortnights"
            [values.outcome]
            solved = "happy"
            "#,
        );
        let keys: Vec<&str> = found.iter().map(|p| p.split(':').next().unwrap()).collect();
        assert_eq!(
            keys,
            vec![
                "format",
                "time_format",
                "time_zone",
                "columns.arival",
                "columns.arrival",
                "columns.channel",
                "units.wait",
                "values.outcome.solved"
            ],
            "{found:#?}"
        );
        assert!(problems("colums = 1").join("").contains("unknown field"));
    }

    #[test]
    fn a_user_file_laid_over_a_preset_changes_only_its_keys() {
        let preset = "format = \"json\"\n[columns]\narrival = \"created_at\"\nchannel = \"via\"\n[values.channel]\nweb = \"portal\"\nemail = \"email\"\n";
        let text = merged_mapping_text(preset, "[values.channel]\nweb = \"chat\"\n").unwrap();
        let m = mapping(&text);
        let record = m
            .record_from_cells(&[Some("2024-01-15T10:00:00Z"), Some("web")])
            .unwrap()
            .unwrap();
        assert_eq!(record.channel, "chat");
        let record = m
            .record_from_cells(&[Some("2024-01-15T10:00:00Z"), Some("email")])
            .unwrap()
            .unwrap();
        assert_eq!(record.channel, "email");
    }
}
