//! The chart of `omnisim compare`, as data: candidate − base per reporting interval, one
//! panel per channel (its first compared per-interval metric that changed, SLA attainment by
//! default) and per group (occupancy), each a line with its paired 95% band around a zero
//! line. Channels and groups the change left alone in every interval get no panel.

use super::{
    Figure, Orientation, Panel, ReferenceLine, Series, ValueFormat, clock_unit, duration_unit,
};
use crate::compare::{Comparison, IntervalComparison, Verdict};
use crate::metric::{Metric, Unit};

/// Most panels drawn (the CSV holds every interval of every channel and group).
const MAX_PANELS: usize = 12;

/// The difference-per-interval figure, or `None` when no metric is compared per interval.
pub fn compare_interval_figure(comparison: &Comparison) -> Option<Figure> {
    let unit = clock_unit(comparison.horizon_seconds);
    // Entities in the order the CSV lists them, each with its first metric (in the order
    // compared) that changed in some interval; an entity the change left alone gets no panel.
    let mut entities: Vec<(&'static str, &str)> = Vec::new();
    for row in &comparison.intervals {
        if !entities.contains(&(row.kind, row.name.as_str())) {
            entities.push((row.kind, &row.name));
        }
    }
    let subjects: Vec<(&'static str, &str, Metric)> = entities
        .into_iter()
        .filter_map(|(kind, name)| {
            let rows = comparison
                .intervals
                .iter()
                .filter(|row| row.kind == kind && row.name == name);
            let mut metrics: Vec<Metric> = Vec::new();
            for row in rows.clone() {
                if !metrics.contains(&row.comparison.metric) {
                    metrics.push(row.comparison.metric);
                }
            }
            let metric = metrics.into_iter().find(|metric| {
                rows.clone().any(|row| {
                    row.comparison.metric == *metric
                        && !matches!(row.comparison.verdict, Verdict::Same | Verdict::Undefined)
                })
            })?;
            Some((kind, name, metric))
        })
        .collect();
    let panels: Vec<Panel> = subjects
        .iter()
        .take(MAX_PANELS)
        .enumerate()
        .map(|(idx, (kind, name, metric))| {
            let rows: Vec<&IntervalComparison> = comparison
                .intervals
                .iter()
                .filter(|row| {
                    row.kind == *kind && row.name == *name && row.comparison.metric == *metric
                })
                .collect();
            difference_panel(&rows, kind, name, *metric, unit, idx)
        })
        .collect();
    if panels.is_empty() {
        return None;
    }
    Some(Figure::new(
        "compare_intervals",
        format!(
            "{} − {} per interval",
            comparison.candidate, comparison.base
        ),
        "Candidate minus base in each reporting interval, replication by replication, with its paired 95% band. Where the band clears the zero line the change made a difference in that interval; a band across it is noise.",
        panels,
    ))
}

fn difference_panel(
    rows: &[&IntervalComparison],
    kind: &str,
    name: &str,
    metric: Metric,
    unit: super::TimeUnit,
    colour_idx: usize,
) -> Panel {
    let (scale, y_label, y_format) = match metric.unit() {
        Unit::Share => (
            1.0,
            format!("{metric} difference (points)"),
            ValueFormat::Percent,
        ),
        Unit::Seconds => {
            let largest = rows
                .iter()
                .filter_map(|row| row.comparison.paired.mean)
                .map(f64::abs)
                .fold(0.0, f64::max);
            let (scale, unit_name) = duration_unit(largest);
            (
                scale,
                format!("{metric} difference ({unit_name})"),
                ValueFormat::Number,
            )
        }
        Unit::Amount => (1.0, format!("{metric} difference"), ValueFormat::Number),
    };
    let mut points = Vec::new();
    let mut band = Vec::new();
    for row in rows {
        let x = row.start_seconds / unit.seconds;
        let mean = row.comparison.paired.mean.map_or(f64::NAN, |m| m / scale);
        let half_width = row.comparison.paired.ci95.unwrap_or(0.0) / scale;
        points.push((x, mean));
        // A share cannot change by more than 100 points; an interval with two replications
        // would otherwise stretch the axis far beyond that.
        // (f64::max would turn an undefined interval's NaN into a full-height band.)
        let (low, high) = match metric.unit() {
            Unit::Share if mean.is_finite() => {
                ((mean - half_width).max(-1.0), (mean + half_width).min(1.0))
            }
            _ => (mean - half_width, mean + half_width),
        };
        band.push((x, low, high));
    }
    Panel {
        title: format!("{kind} {name}: {metric}"),
        x_label: "interval start".into(),
        y_label,
        x_format: unit.format,
        y_format,
        y_range: None,
        series: vec![Series {
            name: "candidate − base".into(),
            points,
            band,
            colour_idx,
            dashed: false,
        }],
        reference_lines: vec![ReferenceLine {
            label: "no difference".into(),
            orientation: Orientation::Horizontal,
            value: 0.0,
        }],
    }
}
