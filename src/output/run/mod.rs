//! What `omnisim run` writes: summary.json, intervals.csv, group_intervals.csv, events.csv
//! (with disruptions), report.html and the charts, all from one `RunReport`; and the terminal
//! dashboard (`terminal.rs`, with `dashboard.rs` and `disruptions_table.rs`). Pure: bytes and text.

mod behaviour_html;
mod dashboard;
mod disruptions_table;
pub mod html;
pub mod terminal;

pub use dashboard::TERMINAL_WIDTH;

use super::charts::run_figures::{RunChartInput, run_figures};
use super::charts::{Figure, chart_files};
use super::format::{number, optional_number};
use super::json_bytes;
use super::{Charts, OutputFile};
use crate::metric::Metric;
use crate::metrics::disruption_summary::DisruptionSummary;
use crate::metrics::interval_table::IntervalTable;
use crate::metrics::summary::RunSummary;
use crate::scenario::Scenario;
use crate::simulate::RunReport;

/// Every file of a run, in the order they are written: summary.json, the interval CSVs,
/// events.csv (with disruptions), then report.html and each chart as SVG and PNG.
pub fn run_files<'a>(
    scenario: &Scenario,
    report: &'a RunReport,
    charts: Charts,
) -> Result<Vec<OutputFile<'a>>, String> {
    let summary = &report.summary;
    let mut files = vec![
        OutputFile::new("summary.json", summary_json_bytes(summary)),
        OutputFile::streamed("intervals.csv", |out| {
            write_interval_csv(out, "channel", &report.channel_rows)
        }),
        OutputFile::streamed("group_intervals.csv", |out| {
            write_interval_csv(out, "group", &report.group_rows)
        }),
    ];
    if !summary.disruptions.is_empty() {
        files.push(OutputFile::new(
            "events.csv",
            disruptions_csv_bytes(&summary.disruptions),
        ));
    }
    if charts == Charts::Draw {
        let figures = run_figures(&RunChartInput {
            scenario,
            summary,
            channel_rows: &report.channel_rows,
            group_rows: &report.group_rows,
        });
        let rendered = chart_files(&figures)?;
        let charts: Vec<(Figure, String)> = figures.into_iter().zip(rendered.svgs).collect();
        let page = html::run_report_html(scenario, summary, &charts);
        files.push(OutputFile::new("report.html", page.into_bytes()));
        files.extend(rendered.files);
    }
    Ok(files)
}

/// summary.json: the whole `RunSummary`, pretty-printed, with a trailing newline.
pub fn summary_json_bytes(summary: &RunSummary) -> Vec<u8> {
    json_bytes(summary)
}

/// intervals.csv / group_intervals.csv: one row per entity and interval; for each metric a
/// `<metric>_mean` and a `<metric>_ci95` column (empty where undefined).
pub fn interval_csv_bytes(entity_column: &str, rows: &IntervalTable) -> Vec<u8> {
    let mut bytes = Vec::new();
    write_interval_csv(&mut bytes, entity_column, rows).expect("write to memory");
    bytes
}

/// `interval_csv_bytes`, written to `out` as it is made (an hourly year's file is megabytes).
pub fn write_interval_csv(
    out: &mut dyn std::io::Write,
    entity_column: &str,
    rows: &IntervalTable,
) -> std::io::Result<()> {
    let metrics: &[Metric] = if rows.is_empty() { &[] } else { rows.metrics() };
    let mut writer = csv::Writer::from_writer(out);
    let mut header = vec![
        entity_column.to_string(),
        "interval".into(),
        "start_seconds".into(),
        "start".into(),
        "active_events".into(),
    ];
    for metric in metrics {
        header.push(format!("{}_mean", metric.name()));
        header.push(format!("{}_ci95", metric.name()));
    }
    writer.write_record(&header)?;
    let mut record = Vec::with_capacity(header.len());
    for row in rows.rows() {
        record.clear();
        record.extend([
            row.name.to_string(),
            row.interval_idx.to_string(),
            number(row.start_seconds),
            row.start_label(),
            row.active_disruptions.to_string(),
        ]);
        for estimate in row.metrics.values() {
            record.push(optional_number(estimate.mean));
            record.push(optional_number(estimate.ci95));
        }
        writer.write_record(&record)?;
    }
    writer.flush()
}

/// events.csv: for every disruption and subject (channel or group) it touches, each compared
/// metric with the disruption, without it, and the paired difference, with 95% half-widths.
pub fn disruptions_csv_bytes(disruptions: &[DisruptionSummary]) -> Vec<u8> {
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
    for disruption in disruptions {
        for row in &disruption.comparison {
            for (metric, paired) in &row.metrics {
                writer
                    .write_record([
                        disruption.name.clone(),
                        disruption.kind.to_string(),
                        disruption.start.clone(),
                        disruption.end.clone(),
                        row.subject_kind.to_string(),
                        row.subject.clone(),
                        metric.name().to_string(),
                        optional_number(paired.with_event.mean),
                        optional_number(paired.with_event.ci95),
                        optional_number(paired.without_event.mean),
                        optional_number(paired.without_event.ci95),
                        optional_number(paired.difference.mean),
                        optional_number(paired.difference.ci95),
                    ])
                    .expect("write to memory");
            }
        }
    }
    writer.into_inner().expect("flush to memory")
}
