//! The files of `omnisim backtest`: `backtest_days.csv` and `backtest_intervals.csv` (one row
//! per channel, span and metric: recorded, simulated mean, its 95% prediction interval, the
//! error, whether the recording lies inside), `backtest.json`, the per-day table the terminal
//! shows, and a chart per metric of each day recorded against simulated with its band.

use std::fmt::Write as _;

use crate::backtest::{BacktestMetric, BacktestReport, ChannelBacktest, SpanComparison};
use crate::output::OutputFile;
use crate::output::charts::{Figure, Panel, Series, ValueFormat};
use crate::output::format::{number, percent};
use crate::output::terminal_table::{Align, aligned_table};
use crate::units::format_wait;

/// The local date of day `day` after `start` ("1999-02-03 Wed").
fn day_label(start: &str, day: usize) -> String {
    start
        .parse::<jiff::civil::Date>()
        .ok()
        .and_then(|date| date.checked_add(jiff::Span::new().days(day as i64)).ok())
        .map_or(format!("day {}", day + 1), |date| {
            format!("{date} {}", &format!("{:?}", date.weekday())[..3])
        })
}

fn shown(metric: BacktestMetric, value: f64) -> String {
    if !value.is_finite() {
        return "-".into();
    }
    match metric {
        BacktestMetric::Offered => format!("{value:.0}"),
        BacktestMetric::ServiceLevel | BacktestMetric::Abandonment => percent(value),
        BacktestMetric::Asa => format_wait(value),
    }
}

fn shown_error(metric: BacktestMetric, value: f64) -> String {
    if !value.is_finite() {
        return "-".into();
    }
    match metric {
        BacktestMetric::ServiceLevel | BacktestMetric::Abandonment => {
            format!("{:+.1} pp", 100.0 * value)
        }
        BacktestMetric::Offered => format!("{value:+.0}"),
        BacktestMetric::Asa => format!("{value:+.1}s"),
    }
}

fn rows_csv(
    report: &BacktestReport,
    spans: impl Fn(&ChannelBacktest) -> &[SpanComparison],
    unit: &str,
) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record([
            "channel",
            unit,
            "metric",
            "recorded",
            "simulated_mean",
            "simulated_low",
            "simulated_high",
            "error",
            "recorded_inside",
        ])
        .expect("writing to memory");
    for channel in &report.channels {
        for span in spans(channel) {
            for (metric, c) in &span.metrics {
                writer
                    .write_record([
                        channel.channel.clone(),
                        span.index.to_string(),
                        metric.name().to_string(),
                        number(c.recorded),
                        number(c.simulated_mean),
                        number(c.simulated_low),
                        number(c.simulated_high),
                        number(c.error),
                        c.recorded_inside.to_string(),
                    ])
                    .expect("writing to memory");
            }
        }
    }
    writer.into_inner().expect("writing to memory")
}

/// The per-day table and the period's totals.
pub fn backtest_text(report: &BacktestReport) -> String {
    let mut text = String::new();
    let _ = writeln!(
        text,
        "BACKTEST: {} ({} replications, staffing {})",
        report.scenario, report.replications, report.staffing
    );
    for channel in &report.channels {
        let _ = writeln!(
            text,
            "\n{}: recorded | simulated [95% prediction interval] (error); * = recorded outside",
            channel.channel
        );
        let within = format!("within {}", format_wait(channel.sla_threshold_seconds));
        let headings = [
            ("day", Align::Left),
            ("offered", Align::Right),
            (within.as_str(), Align::Right),
            ("abandoned", Align::Right),
            ("ASA", Align::Right),
        ];
        let mut rows = Vec::new();
        for span in channel.days.iter().chain(std::iter::once(&channel.total)) {
            if span.recorded_counts_offered == 0.0 {
                continue;
            }
            let label = if std::ptr::eq(span, &channel.total) {
                "whole period".to_string()
            } else {
                day_label(&report.start_date, span.index)
            };
            let mut row = vec![label];
            for (metric, c) in &span.metrics {
                let cell = match metric {
                    BacktestMetric::Offered => shown(*metric, c.recorded),
                    _ => format!(
                        "{} | {} [{}, {}] ({}){}",
                        shown(*metric, c.recorded),
                        shown(*metric, c.simulated_mean),
                        shown(*metric, c.simulated_low),
                        shown(*metric, c.simulated_high),
                        shown_error(*metric, c.error),
                        if c.recorded_inside { "" } else { " *" }
                    ),
                };
                row.push(cell);
            }
            rows.push(row);
        }
        text.push_str(&aligned_table(&headings, &rows));
        let days: Vec<&SpanComparison> = channel
            .days
            .iter()
            .filter(|d| d.recorded_counts_offered > 0.0)
            .collect();
        for metric in [
            BacktestMetric::ServiceLevel,
            BacktestMetric::Abandonment,
            BacktestMetric::Asa,
        ] {
            let values: Vec<_> = days
                .iter()
                .filter_map(|d| d.metrics.iter().find(|(m, _)| *m == metric).map(|(_, c)| c))
                .filter(|c| c.recorded.is_finite() && c.simulated_mean.is_finite())
                .collect();
            if values.is_empty() {
                continue;
            }
            let inside = values.iter().filter(|c| c.recorded_inside).count();
            let mean_abs = values.iter().map(|c| c.error.abs()).sum::<f64>() / values.len() as f64;
            let _ = writeln!(
                text,
                "{}: recorded inside the interval on {inside} of {} days; mean absolute error {}",
                metric.name(),
                values.len(),
                shown_error(metric, mean_abs).trim_start_matches('+')
            );
        }
    }
    text
}

/// A chart per metric: each day recorded (points joined) against simulated with its band.
pub fn backtest_figures(report: &BacktestReport) -> Vec<Figure> {
    [
        (BacktestMetric::ServiceLevel, "backtest_service_level", "Answered within the threshold, per day"),
        (BacktestMetric::Abandonment, "backtest_abandonment", "Abandonment, per day"),
        (BacktestMetric::Asa, "backtest_asa", "ASA (mean wait of the answered), per day"),
        (BacktestMetric::Offered, "backtest_offered", "Contacts offered, per day"),
    ]
    .into_iter()
    .map(|(metric, stem, title)| {
        let panels = report
            .channels
            .iter()
            .map(|channel| {
                let pick = |span: &SpanComparison| {
                    span.metrics
                        .iter()
                        .find(|(m, _)| *m == metric)
                        .map(|(_, c)| *c)
                        .expect("every metric is compared")
                };
                let recorded = channel
                    .days
                    .iter()
                    .map(|d| (d.index as f64, pick(d).recorded))
                    .collect();
                let simulated = Series {
                    name: "simulated (band: 95% prediction)".into(),
                    points: channel
                        .days
                        .iter()
                        .map(|d| (d.index as f64, pick(d).simulated_mean))
                        .collect(),
                    band: channel
                        .days
                        .iter()
                        .map(|d| {
                            let c = pick(d);
                            (d.index as f64, c.simulated_low, c.simulated_high)
                        })
                        .collect(),
                    colour_idx: 1,
                    dashed: true,
                };
                Panel {
                    title: channel.channel.clone(),
                    x_label: "day".into(),
                    y_label: match metric {
                        BacktestMetric::Asa => "seconds".into(),
                        BacktestMetric::Offered => "contacts".into(),
                        _ => "share".into(),
                    },
                    x_format: ValueFormat::DayOfRun,
                    y_format: match metric {
                        BacktestMetric::ServiceLevel | BacktestMetric::Abandonment => {
                            ValueFormat::Percent
                        }
                        _ => ValueFormat::Number,
                    },
                    y_range: None,
                    series: vec![
                        Series {
                            name: "recorded".into(),
                            points: recorded,
                            band: Vec::new(),
                            colour_idx: 0,
                            dashed: false,
                        },
                        simulated,
                    ],
                    reference_lines: Vec::new(),
                }
            })
            .collect();
        Figure::new(
            stem,
            title,
            "Each day as recorded (solid) against the simulation of the same arrivals (dashed), with the 95% band one simulated day falls in; a recorded day outside the band is one the model does not explain.",
            panels,
        )
    })
    .collect()
}

/// Every file of a backtest but the charts.
pub fn backtest_files(report: &BacktestReport) -> Vec<OutputFile<'static>> {
    let mut json = serde_json::to_vec_pretty(report).expect("the report serialises");
    json.push(b'\n');
    vec![
        OutputFile::new("backtest.json", json),
        OutputFile::new("backtest_days.csv", rows_csv(report, |c| &c.days, "day")),
        OutputFile::new(
            "backtest_intervals.csv",
            rows_csv(report, |c| &c.intervals, "interval"),
        ),
    ]
}
