//! What `omnisim import` prints: the rows read and written, records per channel and outcome,
//! the time span, how many records carry a wait, a handle time and an agent (what the export
//! could tell), and the bad rows by file and line with their reasons; and a trace as CSV
//! (`run --contacts`).

use std::fmt::Write as _;

use crate::import::{ImportSummary, MAX_LISTED_BAD_ROWS};
use crate::output::format::percent;

/// The summary as the terminal shows it.
pub fn import_summary_text(summary: &ImportSummary, trace_path: &str) -> String {
    let mut text = String::new();
    let share = |count: u64| {
        if summary.records_written == 0 {
            "-".to_string()
        } else {
            percent(count as f64 / summary.records_written as f64)
        }
    };
    let _ = writeln!(
        text,
        "{} rows read: {} records written to {trace_path}, {} left out by the mapping, {} bad",
        summary.rows_read, summary.records_written, summary.rows_left_out, summary.bad_rows
    );
    if let (Some(first), Some(last)) = (&summary.first_arrival, &summary.last_arrival) {
        let _ = writeln!(text, "arrivals from {first} to {last} (UTC)");
    }
    let channels: Vec<String> = summary
        .records_by_channel
        .iter()
        .map(|(channel, count)| format!("{channel} {count}"))
        .collect();
    if !channels.is_empty() {
        let _ = writeln!(text, "channels: {}", channels.join(", "));
    }
    let outcomes: Vec<String> = summary
        .records_by_outcome
        .iter()
        .map(|(outcome, count)| format!("{outcome} {count}"))
        .collect();
    if !outcomes.is_empty() {
        let _ = writeln!(text, "outcomes: {}", outcomes.join(", "));
    }
    if summary.records_written > 0 {
        let _ = writeln!(
            text,
            "recorded: wait {}, handle time {}, agent {}",
            share(summary.records_with_wait),
            share(summary.records_with_handle_time),
            share(summary.records_with_agent)
        );
    }
    if summary.bad_rows > 0 {
        let by_field: Vec<String> = summary
            .bad_rows_by_field
            .iter()
            .map(|(field, count)| format!("{field} {count}"))
            .collect();
        let _ = writeln!(
            text,
            "bad rows (skipped), by field: {}",
            by_field.join(", ")
        );
        for row in &summary.bad_rows_listed {
            let _ = writeln!(
                text,
                "  {}, {}: {}: {}",
                row.file, row.place, row.field, row.reason
            );
        }
        if summary.bad_rows > MAX_LISTED_BAD_ROWS as u64 {
            let _ = writeln!(
                text,
                "  ... and {} more (--report json lists the first {MAX_LISTED_BAD_ROWS} too; --strict stops at the first)",
                summary.bad_rows - MAX_LISTED_BAD_ROWS as u64
            );
        }
    }
    text
}

/// Records as a trace CSV (`run --contacts`).
pub fn trace_csv(records: &[crate::trace::TraceRecord]) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    crate::trace::write_trace_header(&mut writer).expect("writing to memory cannot fail");
    for record in records {
        crate::trace::write_trace_record(&mut writer, record)
            .expect("writing to memory cannot fail");
    }
    writer.into_inner().expect("writing to memory cannot fail")
}

/// The summary as JSON (`--report json`).
pub fn import_summary_json(summary: &ImportSummary) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(summary).expect("the summary serialises");
    bytes.push(b'\n');
    bytes
}
