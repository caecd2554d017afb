//! The charts of `omnisim run`, as data: volume, SLA attainment against target, queue
//! length, ASA, the waiting-time distribution and group occupancy. Each takes the rows the
//! run already wrote to its CSV files, so a chart and its CSV never disagree.

use super::time_profiles::{point_seconds, points, typical_period, typical_views};
use super::{
    Figure, Orientation, Panel, ReferenceLine, Series, TimeUnit, ValueFormat, clock_unit,
    duration_unit,
};
use crate::metric::Metric;
use crate::metrics::interval_table::{IntervalRow, IntervalTable};
use crate::metrics::summary::RunSummary;
use crate::scenario::Scenario;
use crate::stats::Estimate;
use crate::units::{SECONDS_PER_DAY, SECONDS_PER_WEEK, format_duration};

/// What the run charts are drawn from.
pub struct RunChartInput<'a> {
    pub scenario: &'a Scenario,
    pub summary: &'a RunSummary,
    pub channel_rows: &'a IntervalTable,
    pub group_rows: &'a IntervalTable,
}

/// Every chart of a run, in the order the HTML report shows them: the timelines, then
/// (for a run of two days or more) the typical day, and (two weeks or more) the typical week.
pub fn run_figures(input: &RunChartInput) -> Vec<Figure> {
    let mut figures = vec![
        volume_figure(input),
        sla_figure(input),
        queue_length_figure(input),
        asa_figure(input),
        wait_distribution_figure(input),
        occupancy_figure(input),
    ];
    let (typical_day, typical_week) = typical_views(input.scenario.simulation());
    if typical_day {
        figures.push(typical_sla_figure(input, Typical::Day));
    }
    if typical_week {
        figures.push(typical_sla_figure(input, Typical::Week));
    }
    figures
}

/// What a line over the run's timeline is a point of (see `time_profiles::point_note`).
fn point_note(input: &RunChartInput) -> &'static str {
    super::time_profiles::point_note(input.scenario.simulation())
}

/// The sentence a timeline's caption ends with when its points are hours or days.
fn daily_caption(input: &RunChartInput) -> &'static str {
    match point_note(input) {
        "" => "",
        " (daily mean)" => {
            " Over this long a horizon each point is a day: the mean of its intervals (weighted by contacts for attainment and waits), and the band the mean of their half-widths, which never understates the uncertainty."
        }
        _ => {
            " With this many intervals each point is an hour: the mean of its intervals (weighted by contacts for attainment and waits), and the band the mean of their half-widths, which never understates the uncertainty."
        }
    }
}

/// Clamp for bands of quantities that cannot go below zero (counts, waits).
const NON_NEGATIVE: Option<(f64, f64)> = Some((0.0, f64::MAX));

/// The clock unit of the run's time axes.
fn unit(input: &RunChartInput) -> TimeUnit {
    clock_unit(input.scenario.simulation().horizon_seconds)
}

/// A metric over time as a line (the mean) and a band (the 95% CI), a point per
/// `point_seconds` (an interval, or a day), x in `unit`, y divided by `y_scale`, optionally
/// clamped into `[low, high]`.
#[allow(clippy::too_many_arguments)]
pub fn time_series(
    rows: &[IntervalRow],
    metric: Metric,
    unit: TimeUnit,
    point_seconds: f64,
    y_scale: f64,
    name: &str,
    colour_idx: usize,
    clamp: Option<(f64, f64)>,
) -> Series {
    let estimates = points(rows, metric, point_seconds)
        .into_iter()
        .map(|(start, estimate)| (start / unit.seconds, scaled(estimate, y_scale)));
    estimate_series(estimates, name, colour_idx, clamp)
}

/// An estimate divided by `scale` (a change of unit).
pub fn scaled(estimate: Estimate, scale: f64) -> Estimate {
    Estimate {
        mean: estimate.mean.map(|mean| mean / scale),
        ci95: estimate.ci95.map(|ci| ci / scale),
        n: estimate.n,
    }
}

/// The largest mean plus half-width among estimates (0 when none is defined).
fn upper_bound(estimates: impl Iterator<Item = Estimate>) -> f64 {
    estimates
        .filter_map(|e| e.mean.map(|mean| mean + e.ci95.unwrap_or(0.0)))
        .fold(0.0, f64::max)
}

/// A series from (x, estimate) pairs: the means, and the band mean ± half-width.
pub fn estimate_series(
    estimates: impl Iterator<Item = (f64, Estimate)>,
    name: &str,
    colour_idx: usize,
    clamp: Option<(f64, f64)>,
) -> Series {
    let clamp = |value: f64| match clamp {
        Some((low, high)) => value.clamp(low, high),
        None => value,
    };
    let mut points = Vec::new();
    let mut band = Vec::new();
    for (x, estimate) in estimates {
        let mean = estimate.mean_or_nan();
        let half_width = estimate.ci95.unwrap_or(0.0);
        points.push((x, mean));
        band.push((x, clamp(mean - half_width), clamp(mean + half_width)));
    }
    Series {
        name: name.to_string(),
        points,
        band,
        colour_idx,
        dashed: false,
    }
}

fn time_panel(
    title: &str,
    unit: TimeUnit,
    y_label: &str,
    y_format: ValueFormat,
    series: Vec<Series>,
) -> Panel {
    Panel {
        title: title.to_string(),
        x_label: "interval start".into(),
        y_label: y_label.to_string(),
        x_format: unit.format,
        y_format,
        y_range: None,
        series,
        reference_lines: Vec::new(),
    }
}

/// Channels agents serve (not self-service), by index.
fn agent_channels(scenario: &Scenario) -> impl Iterator<Item = (usize, &crate::scenario::Channel)> {
    scenario
        .channels()
        .iter()
        .enumerate()
        .filter(|(_, channel)| channel.handle_time.is_some())
}

fn volume_figure(input: &RunChartInput) -> Figure {
    let panels = input
        .summary
        .channels
        .iter()
        .enumerate()
        .filter(|(_, channel)| channel.metrics[&Metric::Offered].mean.unwrap_or(0.0) > 0.0)
        .map(|(channel_idx, channel)| {
            let rows = input.channel_rows.rows_of(&channel.name);
            time_panel(
                &channel.name,
                unit(input),
                &format!(
                    "contacts offered per {}{}",
                    format_duration(input.scenario.simulation().interval_seconds),
                    point_note(input)
                ),
                ValueFormat::Number,
                vec![time_series(
                    &rows,
                    Metric::Offered,
                    unit(input),
                    point_seconds(input.scenario.simulation()),
                    1.0,
                    "",
                    channel_idx,
                    NON_NEGATIVE,
                )],
            )
        })
        .collect::<Vec<_>>();
    Figure::new(
        "volume",
        "Volume: contacts offered per interval",
        format!(
            "Mean contacts offered per reporting interval for each channel, with the 95% confidence band across replications.{}",
            daily_caption(input)
        ),
        panels,
    )
}

fn sla_figure(input: &RunChartInput) -> Figure {
    let panels = agent_channels(input.scenario)
        .filter_map(|(channel_idx, channel)| {
            let sla = channel.sla?;
            let rows = input.channel_rows.rows_of(&channel.name);
            let mut panel = time_panel(
                &format!(
                    "{} (within {})",
                    channel.name,
                    format_duration(sla.threshold_seconds)
                ),
                unit(input),
                &format!("SLA attained{}", point_note(input)),
                ValueFormat::Percent,
                vec![time_series(
                    &rows,
                    Metric::SlaAttainment,
                    unit(input),
                    point_seconds(input.scenario.simulation()),
                    1.0,
                    "attained",
                    channel_idx,
                    Some((0.0, 1.0)),
                )],
            );
            panel.y_range = Some((0.0, 1.05));
            panel
                .reference_lines
                .push(ReferenceLine::target(sla.target));
            Some(panel)
        })
        .collect::<Vec<_>>();
    Figure::new(
        "sla_attainment",
        "SLA attainment per interval against target",
        format!(
            "Share answered within the channel's threshold (answered within / (answered + abandoned after)) per interval, with the 95% confidence band; the dashed line is the target. Gaps are intervals with no contacts.{}",
            daily_caption(input)
        ),
        panels,
    )
}

fn queue_length_figure(input: &RunChartInput) -> Figure {
    let panels = agent_channels(input.scenario)
        .map(|(channel_idx, channel)| {
            let rows = input.channel_rows.rows_of(&channel.name);
            time_panel(
                &channel.name,
                unit(input),
                &format!("contacts waiting (time average){}", point_note(input)),
                ValueFormat::Number,
                vec![time_series(
                    &rows,
                    Metric::MeanQueueLength,
                    unit(input),
                    point_seconds(input.scenario.simulation()),
                    1.0,
                    "",
                    channel_idx,
                    NON_NEGATIVE,
                )],
            )
        })
        .collect::<Vec<_>>();
    Figure::new(
        "queue_length",
        "Queue length over time",
        format!(
            "Time-average number of contacts waiting in each channel's queue per interval, with the 95% confidence band.{}",
            daily_caption(input)
        ),
        panels,
    )
}

fn asa_figure(input: &RunChartInput) -> Figure {
    let panels = agent_channels(input.scenario)
        .map(|(channel_idx, channel)| {
            let rows = input.channel_rows.rows_of(&channel.name);
            let threshold = channel.sla.map(|sla| sla.threshold_seconds);
            let largest = upper_bound(
                rows.iter()
                    .map(|row| row.metrics.estimate(Metric::AsaSeconds)),
            )
            .max(threshold.unwrap_or(0.0));
            let (scale, unit_name) = duration_unit(largest);
            let mut panel = time_panel(
                &channel.name,
                unit(input),
                &format!("average speed of answer ({unit_name}){}", point_note(input)),
                ValueFormat::Number,
                vec![time_series(
                    &rows,
                    Metric::AsaSeconds,
                    unit(input),
                    point_seconds(input.scenario.simulation()),
                    scale,
                    "ASA",
                    channel_idx,
                    NON_NEGATIVE,
                )],
            );
            if let Some(threshold) = threshold {
                panel.reference_lines.push(ReferenceLine::sla_threshold(
                    Orientation::Horizontal,
                    threshold,
                    scale,
                ));
            }
            panel
        })
        .collect::<Vec<_>>();
    Figure::new(
        "asa",
        "Average speed of answer over time",
        format!(
            "Mean wait of the contacts answered in each interval (by arrival interval), with the 95% confidence band; the dashed line is the SLA threshold.{}",
            daily_caption(input)
        ),
        panels,
    )
}

fn wait_distribution_figure(input: &RunChartInput) -> Figure {
    let panels = input
        .summary
        .wait_distributions
        .iter()
        .map(|distribution| {
            let channel_idx = input
                .scenario
                .channels()
                .iter()
                .position(|c| c.name == distribution.channel)
                .unwrap_or(0);
            let span = distribution.points_seconds.last().copied().unwrap_or(0.0);
            let (scale, unit_name) = duration_unit(span);
            let estimates = distribution
                .points_seconds
                .iter()
                .map(|seconds| seconds / scale)
                .zip(distribution.share_within.iter().copied());
            let mut panel = Panel {
                title: distribution.channel.clone(),
                x_label: format!("wait before answer ({unit_name})"),
                y_label: "share answered within".into(),
                x_format: ValueFormat::Number,
                y_format: ValueFormat::Percent,
                y_range: Some((0.0, 1.05)),
                series: vec![estimate_series(
                    estimates,
                    "answered within",
                    channel_idx,
                    Some((0.0, 1.0)),
                )],
                reference_lines: Vec::new(),
            };
            if let Some(threshold) = distribution.sla_threshold_seconds {
                panel.reference_lines.push(ReferenceLine::sla_threshold(
                    Orientation::Vertical,
                    threshold,
                    scale,
                ));
            }
            panel
        })
        .collect::<Vec<_>>();
    Figure::new(
        "wait_distribution",
        "Waiting-time distribution of answered contacts",
        "Share of answered contacts that waited at most each time (the cumulative distribution), over three SLA thresholds, with the 95% confidence band; the dashed line marks the threshold.",
        panels,
    )
}

fn occupancy_figure(input: &RunChartInput) -> Figure {
    let panels = input
        .scenario
        .groups()
        .iter()
        .enumerate()
        .map(|(group_idx, group)| {
            let rows = input.group_rows.rows_of(&group.name);
            let mut panel = time_panel(
                &group.name,
                unit(input),
                &format!("occupancy{}", point_note(input)),
                ValueFormat::Percent,
                vec![time_series(
                    &rows,
                    Metric::Occupancy,
                    unit(input),
                    point_seconds(input.scenario.simulation()),
                    1.0,
                    "",
                    group_idx,
                    Some((0.0, 1.0)),
                )],
            );
            panel.y_range = Some((0.0, 1.05));
            panel
        })
        .collect::<Vec<_>>();
    Figure::new(
        "occupancy",
        "Occupancy per agent group",
        format!(
            "Busy time of agents on shift over their time on shift, per interval, with the 95% confidence band: a contact finished after a shift ends is overtime (past_shift_agents in group_intervals.csv), not occupancy. Gaps are intervals with nobody on shift.{}",
            daily_caption(input)
        ),
        panels,
    )
}

/// The typical day or week.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Typical {
    Day,
    Week,
}

/// SLA attainment by time of day (or of week), averaged over the run's days (or weeks):
/// when in the day a channel falls short, which a timeline of a long run hides.
fn typical_sla_figure(input: &RunChartInput, typical: Typical) -> Figure {
    let settings = input.scenario.simulation();
    let (period, unit, stem, title, over) = match typical {
        Typical::Day => (
            SECONDS_PER_DAY,
            TimeUnit {
                seconds: 3600.0,
                format: ValueFormat::TimeOfDay,
            },
            "typical_day",
            "A typical day: SLA attainment by time of day",
            "day",
        ),
        Typical::Week => (
            SECONDS_PER_WEEK,
            TimeUnit {
                seconds: SECONDS_PER_DAY,
                format: ValueFormat::Day,
            },
            "typical_week",
            "A typical week: SLA attainment by weekday and time",
            "week",
        ),
    };
    let periods = super::time_profiles::whole_periods(settings, period);
    let panels = agent_channels(input.scenario)
        .filter_map(|(channel_idx, channel)| {
            let sla = channel.sla?;
            let rows = input.channel_rows.rows_of(&channel.name);
            let estimates = typical_period(
                &rows,
                Metric::SlaAttainment,
                period,
                settings.warmup_seconds,
            )
            .into_iter()
            .map(|(offset, estimate)| (offset / unit.seconds, estimate));
            let series = estimate_series(estimates, "mean", channel_idx, Some((0.0, 1.0)));
            Some(Panel {
                title: format!(
                    "{} (within {})",
                    channel.name,
                    format_duration(sla.threshold_seconds)
                ),
                x_label: match typical {
                    Typical::Day => "time of day".into(),
                    Typical::Week => "weekday".into(),
                },
                y_label: "SLA attained".into(),
                x_format: unit.format,
                y_format: ValueFormat::Percent,
                y_range: Some((0.0, 1.05)),
                series: vec![series],
                reference_lines: vec![ReferenceLine::target(sla.target)],
            })
        })
        .collect::<Vec<_>>();
    Figure::new(
        stem,
        title,
        format!(
            "Each interval's mean SLA attainment, averaged over the run's {periods} {over}s at the same time of {over}, with the 95% confidence band across {over}s (it is wide where {over}s differ, as weekdays and weekends do); the dashed line is the target."
        ),
        panels,
    )
}
