//! The charts of `omnisim plan` and `omnisim sweep`, as data: agents required against
//! scheduled per group and interval, the SLA the plan achieves per interval, and SLA
//! attainment against a swept staffing level.

use super::run_figures::estimate_series;
use super::{Figure, Panel, ReferenceLine, Series, ValueFormat, clock_unit};
use crate::plan::{Evaluation, Plan};
use crate::roster::RosterPlan;
use crate::scenario::Scenario;
use crate::stats::Estimate;
use crate::sweep::{SweepMode, SweepReport};
use crate::units::format_duration;

/// Per group: the agents the plan requires, the positions that means after shrinkage, and
/// the agents the scenario schedules now, per interval.
pub fn plan_staffing_figure(scenario: &Scenario, plan: &Plan) -> Figure {
    let settings = scenario.simulation();
    let interval = settings.interval_seconds;
    let reported = settings.first_reported_interval()..settings.n_intervals();
    let unit = clock_unit(settings.horizon_seconds);
    let hours = |interval_idx: usize| interval_idx as f64 * interval / unit.seconds;
    let panels = scenario
        .groups()
        .iter()
        .enumerate()
        .map(|(group_idx, group)| {
            let required = reported
                .clone()
                .map(|i| (hours(i), f64::from(plan.required[group_idx][i])))
                .collect();
            let positions = reported
                .clone()
                .map(|i| (hours(i), f64::from(plan.positions(group_idx, i))))
                .collect();
            let scheduled = reported
                .clone()
                .map(|i| (hours(i), group.headcount.mean_in_interval(i, interval)))
                .collect();
            let mut series = vec![
                Series::line("required agents", required, 0, false),
                Series::line("scheduled now", scheduled, 1, true),
            ];
            if plan.options.shrinkage > 0.0 {
                series.push(Series::line("required positions", positions, 2, false));
            }
            Panel {
                title: group.name.clone(),
                x_label: "interval start".into(),
                y_label: "agents".into(),
                x_format: unit.format,
                y_format: ValueFormat::Number,
                y_range: None,
                series,
                reference_lines: Vec::new(),
            }
        })
        .collect::<Vec<_>>();
    Figure::new(
        "plan_staffing",
        "Agents required against scheduled, per interval",
        "The fewest agents per group and interval that meet every target (solid), against the scenario's current schedule (dashed); positions add shrinkage.",
        panels,
    )
}

/// Per channel with an SLA: the attainment the plan achieves per interval, with its
/// confidence band, against the target.
pub fn plan_sla_figure(scenario: &Scenario, plan: &Plan) -> Figure {
    let mut figure = sla_by_interval_figure(
        scenario,
        &plan.final_evaluation,
        "plan_sla",
        "SLA attainment with the planned staffing",
        "with the plan",
    );
    figure.caption = "Attainment per interval when every group has its planned agents, with the confidence band the plan was checked at; the dashed line is the target.".into();
    figure
}

/// Per channel with an SLA: the attainment a judged staffing (`evaluation`) achieves per
/// interval, with its confidence band, against the target.
pub fn sla_by_interval_figure(
    scenario: &Scenario,
    evaluation: &Evaluation,
    file_stem: &'static str,
    title: &str,
    series_name: &str,
) -> Figure {
    let settings = scenario.simulation();
    let n_intervals = settings.n_intervals();
    let reported = settings.first_reported_interval()..n_intervals;
    let unit = clock_unit(settings.horizon_seconds);
    let panels = scenario
        .channels()
        .iter()
        .enumerate()
        .filter_map(|(channel_idx, channel)| {
            let sla = channel.sla?;
            let estimates = reported.clone().map(|interval_idx| {
                let outcome = evaluation.channels[(channel_idx, interval_idx)];
                let sla_ratio = outcome.map(|outcome| outcome.sla);
                let estimate = Estimate {
                    mean: sla_ratio.and_then(|ratio| ratio.value),
                    ci95: sla_ratio.and_then(|ratio| ratio.half_width),
                    n: settings.replications,
                };
                (
                    interval_idx as f64 * settings.interval_seconds / unit.seconds,
                    estimate,
                )
            });
            Some(Panel {
                title: format!(
                    "{} (within {})",
                    channel.name,
                    format_duration(sla.threshold_seconds)
                ),
                x_label: "interval start".into(),
                y_label: "SLA attained".into(),
                x_format: unit.format,
                y_format: ValueFormat::Percent,
                y_range: Some((0.0, 1.05)),
                series: vec![estimate_series(
                    estimates,
                    series_name,
                    channel_idx,
                    Some((0.0, 1.0)),
                )],
                reference_lines: vec![ReferenceLine::target(sla.target)],
            })
        })
        .collect::<Vec<_>>();
    Figure::new(
        file_stem,
        title,
        "Attainment per interval with this staffing, with the confidence band it was checked at; the dashed line is the target.",
        panels,
    )
}

/// Per group: positions the plan requires against agents the roster puts on the floor, per
/// interval of the week.
pub fn roster_coverage_figure(scenario: &Scenario, roster: &RosterPlan) -> Figure {
    let interval = scenario.simulation().interval_seconds;
    let unit = clock_unit(7.0 * 86_400.0);
    let panels = roster
        .groups
        .iter()
        .map(|group| {
            let x = |t: usize| t as f64 * interval / unit.seconds;
            let required = group
                .required
                .iter()
                .enumerate()
                .map(|(t, &r)| (x(t), f64::from(r)))
                .collect();
            let on_floor = group
                .on_floor()
                .into_iter()
                .enumerate()
                .map(|(t, floor)| (x(t), floor))
                .collect();
            Panel {
                title: scenario.groups()[group.group_idx].name.clone(),
                x_label: "interval of the week".into(),
                y_label: "agents".into(),
                x_format: unit.format,
                y_format: ValueFormat::Number,
                y_range: None,
                series: vec![
                    Series::line("required positions", required, 0, true),
                    Series::line("rostered, on the floor", on_floor, 1, false),
                ],
                reference_lines: Vec::new(),
            }
        })
        .collect::<Vec<_>>();
    Figure::new(
        "roster_coverage",
        "Rostered agents against the plan's requirement, over the week",
        "Positions the plan requires per interval (dashed) and agents the roster's shifts put on the floor, breaks off (solid); the gap above is the price of whole shifts.",
        panels,
    )
}

/// Per channel: SLA attainment against the swept group's staffing level, with bands.
pub fn sweep_sla_figure(report: &SweepReport) -> Figure {
    let x_label = match report.mode {
        SweepMode::Agents => format!("agents in group {}", report.group),
        SweepMode::Change => format!("change to group {}'s headcount", report.group),
    };
    let n_channels = report
        .levels
        .first()
        .map_or(0, |level| level.channels.len());
    let panels = (0..n_channels)
        .filter_map(|channel_idx| {
            let first = &report.levels[0].channels[channel_idx];
            let target = first.sla_target?;
            let estimates = report.levels.iter().map(|level| {
                (
                    level.level as f64,
                    level.channels[channel_idx].sla_attainment,
                )
            });
            let series = estimate_series(estimates, "attained", channel_idx, Some((0.0, 1.0)));
            if series.points.iter().all(|(_, y)| !y.is_finite()) {
                return None;
            }
            Some(Panel {
                title: first.name.clone(),
                x_label: x_label.clone(),
                y_label: "SLA attained".into(),
                x_format: ValueFormat::Number,
                y_format: ValueFormat::Percent,
                y_range: Some((0.0, 1.05)),
                series: vec![series],
                reference_lines: vec![ReferenceLine::target(target)],
            })
        })
        .collect::<Vec<_>>();
    Figure::new(
        "sweep_sla",
        format!(
            "SLA attainment against the staffing of group {}",
            report.group
        ),
        "Attainment over the whole horizon at each staffing level, on the same seeds, with the 95% confidence band; the dashed line is the target.",
        panels,
    )
}
