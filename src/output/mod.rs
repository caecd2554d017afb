//! Outputs. Exporters are pure (`*_bytes` functions return the file's bytes); `write_files`
//! is the one place that writes, each file to a temporary name in the target folder and then
//! renamed, so a reader never sees a partial file.

pub mod dashboard;
mod events_table;
pub mod html_report;
pub mod table;

use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::metrics::events_summary::EventSummary;
use crate::metrics::summary::{IntervalRow, RunSummary};

/// summary.json: the whole `RunSummary`, pretty-printed, with a trailing newline.
pub fn summary_json_bytes(summary: &RunSummary) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(summary).expect("summary serialises");
    bytes.push(b'\n');
    bytes
}

/// intervals.csv / group_intervals.csv: one row per entity and interval; for each metric a
/// `<metric>_mean` and a `<metric>_ci95` column (empty where undefined).
pub fn interval_csv_bytes(entity_column: &str, rows: &[IntervalRow]) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let metric_names: Vec<&str> = rows
        .first()
        .map(|row| row.metrics.keys().copied().collect())
        .unwrap_or_default();
    let mut header = vec![
        entity_column.to_string(),
        "interval".into(),
        "start_seconds".into(),
        "start".into(),
        "active_events".into(),
    ];
    for name in &metric_names {
        header.push(format!("{name}_mean"));
        header.push(format!("{name}_ci95"));
    }
    writer.write_record(&header).expect("write to memory");
    let number = |value: Option<f64>| value.map(format_number).unwrap_or_default();
    for row in rows {
        let mut record = vec![
            row.name.clone(),
            row.interval_idx.to_string(),
            format_number(row.start_seconds),
            row.start_label.clone(),
            row.active_events.clone(),
        ];
        for estimate in row.metrics.values() {
            record.push(number(estimate.mean));
            record.push(number(estimate.ci95));
        }
        writer.write_record(&record).expect("write to memory");
    }
    writer.into_inner().expect("flush to memory")
}

/// events.csv: for every event and subject (channel or group) it touches, each compared
/// metric with the event, without it, and the paired difference, with 95% half-widths.
pub fn events_csv_bytes(events: &[EventSummary]) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record([
            "event",
            "kind",
            "start",
            "end",
            "subject_kind",
            "subject",
            "metric",
            "with_event_mean",
            "with_event_ci95",
            "without_event_mean",
            "without_event_ci95",
            "difference_mean",
            "difference_ci95",
        ])
        .expect("write to memory");
    let number = |value: Option<f64>| value.map(format_number).unwrap_or_default();
    for event in events {
        for row in &event.comparison {
            for (metric, paired) in &row.metrics {
                writer
                    .write_record([
                        event.name.clone(),
                        event.kind.to_string(),
                        event.start.clone(),
                        event.end.clone(),
                        row.subject_kind.to_string(),
                        row.subject.clone(),
                        metric.to_string(),
                        number(paired.with_event.mean),
                        number(paired.with_event.ci95),
                        number(paired.without_event.mean),
                        number(paired.without_event.ci95),
                        number(paired.difference.mean),
                        number(paired.difference.ci95),
                    ])
                    .expect("write to memory");
            }
        }
    }
    writer.into_inner().expect("flush to memory")
}

/// Shortest round-trip decimal for a float (Rust's `Display`), so CSV values are exact.
fn format_number(value: f64) -> String {
    format!("{value}")
}

/// Writes each (file name, bytes) into `directory` (created if needed) atomically.
pub fn write_files<Name: AsRef<str>>(
    directory: &Path,
    files: &[(Name, Vec<u8>)],
) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(directory)?;
    let mut written = Vec::new();
    for (name, bytes) in files {
        let name = name.as_ref();
        let target = directory.join(name);
        let temporary = directory.join(format!(".{name}.tmp-{}", std::process::id()));
        let result = (|| {
            let mut file = std::fs::File::create(&temporary)?;
            file.write_all(bytes)?;
            file.sync_all()?;
            std::fs::rename(&temporary, &target)
        })();
        if let Err(error) = result {
            let _ = std::fs::remove_file(&temporary);
            return Err(error);
        }
        written.push(target);
    }
    Ok(written)
}
