//! What `omnisim plan` writes: the plan per group and interval (plan.csv), the achieved
//! service per channel and interval (plan_sla.csv), everything with totals and costs
//! (plan.json), a staffing file `run --staffing` accepts (staffing.toml), the two charts, and
//! the text summary. Pure: each function returns bytes or text.

use super::charts::chart_files;
use super::charts::plan_figures::{plan_sla_figure, plan_staffing_figure};
use super::format::{number, optional_number};
use super::{Charts, OutputFile, json_bytes};
use crate::plan::Plan;
use crate::plan::report::{PlanReport, days_text};
use crate::scenario::staffing::staffing_toml;
use crate::scenario::{Headcount, Scenario};
use crate::units::format_clock;

/// Every file of a plan: plan.csv, plan_sla.csv, plan.json, staffing.toml and (unless
/// skipped) its two charts.
pub fn plan_files(
    scenario: &Scenario,
    plan: &Plan,
    report: &PlanReport,
    charts: Charts,
) -> Result<Vec<OutputFile<'static>>, String> {
    let mut files = vec![
        OutputFile::new("plan.csv", plan_csv_bytes(scenario, plan)),
        OutputFile::new("plan_sla.csv", plan_sla_csv_bytes(scenario, plan)),
        OutputFile::new("plan.json", json_bytes(report)),
        OutputFile::new(
            "staffing.toml",
            plan_staffing_toml(scenario, plan).into_bytes(),
        ),
    ];
    if charts == Charts::Draw {
        let figures = [
            plan_staffing_figure(scenario, plan),
            plan_sla_figure(scenario, plan),
        ];
        files.extend(chart_files(&figures)?.files);
    }
    Ok(files)
}

/// plan.csv: one row per group and interval.
pub fn plan_csv_bytes(scenario: &Scenario, plan: &Plan) -> Vec<u8> {
    let settings = scenario.simulation();
    let long = settings.horizon_seconds > 7.0 * 86_400.0;
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record([
            "group",
            "interval",
            "start_seconds",
            "start",
            "erlang_c_agents",
            "erlang_a_agents",
            "required_agents",
            "positions",
            "occupancy",
        ])
        .expect("write to memory");
    for (group_idx, group) in scenario.groups().iter().enumerate() {
        for interval_idx in 0..settings.n_intervals() {
            let start = interval_idx as f64 * settings.interval_seconds;
            let occupancy = plan.final_evaluation.occupancy[(group_idx, interval_idx)];
            writer
                .write_record([
                    group.name.clone(),
                    interval_idx.to_string(),
                    number(start),
                    format_clock(start, long),
                    plan.analytic_erlang_c[group_idx][interval_idx].to_string(),
                    plan.analytic_erlang_a[group_idx][interval_idx].to_string(),
                    plan.required[group_idx][interval_idx].to_string(),
                    plan.positions(group_idx, interval_idx).to_string(),
                    optional_number(occupancy),
                ])
                .expect("write to memory");
        }
    }
    writer.into_inner().expect("flush to memory")
}

/// plan_sla.csv: one row per channel with an SLA and reported interval.
pub fn plan_sla_csv_bytes(scenario: &Scenario, plan: &Plan) -> Vec<u8> {
    let settings = scenario.simulation();
    let n_intervals = settings.n_intervals();
    let long = settings.horizon_seconds > 7.0 * 86_400.0;
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record([
            "channel",
            "interval",
            "start_seconds",
            "start",
            "primary_group",
            "expected_contacts",
            "erlang_a_agents",
            "sla_target",
            "sla_attainment",
            "sla_attainment_ci",
            "sla_lower_bound",
            "abandonment_rate",
            "abandonment_rate_ci",
            "meets_targets",
        ])
        .expect("write to memory");
    for (channel_idx, channel) in scenario.channels().iter().enumerate() {
        let Some(sla) = channel.sla else { continue };
        for interval_idx in settings.first_reported_interval()..n_intervals {
            let Some(outcome) = plan.final_evaluation.channels[(channel_idx, interval_idx)] else {
                continue;
            };
            let analytic = plan.analytic_channels[channel_idx][interval_idx];
            let start = interval_idx as f64 * settings.interval_seconds;
            writer
                .write_record([
                    channel.name.clone(),
                    interval_idx.to_string(),
                    number(start),
                    format_clock(start, long),
                    plan.primary_group[channel_idx]
                        .map(|g| scenario.groups()[g].name.clone())
                        .unwrap_or_default(),
                    optional_number(analytic.map(|a| a.expected_contacts)),
                    analytic
                        .map(|a| a.erlang_a_agents.to_string())
                        .unwrap_or_default(),
                    number(sla.target),
                    optional_number(outcome.sla.value),
                    optional_number(outcome.sla.half_width),
                    optional_number(outcome.sla_lower_bound),
                    optional_number(outcome.abandonment.value),
                    optional_number(outcome.abandonment.half_width),
                    outcome.meets_targets.to_string(),
                ])
                .expect("write to memory");
        }
    }
    writer.into_inner().expect("flush to memory")
}

/// staffing.toml: the required agents, for `omnisim run SCENARIO --staffing staffing.toml`.
pub fn plan_staffing_toml(scenario: &Scenario, plan: &Plan) -> String {
    let headcounts: Vec<Headcount> = plan
        .required
        .iter()
        .map(|counts| Headcount::PerInterval(counts.clone()))
        .collect();
    let groups: Vec<(&str, &Headcount)> = scenario
        .groups()
        .iter()
        .zip(&headcounts)
        .map(|(group, headcount)| (group.name.as_str(), headcount))
        .collect();
    staffing_toml(
        &format!(
            "omnisim staffing plan for {} (seed {}, {} replications, confidence {}).\nAgents available per reporting interval; with {:.0}% shrinkage schedule the positions in plan.csv.\nCheck it: omnisim run <scenario> --staffing staffing.toml --seed <another seed>",
            scenario.name(),
            scenario.simulation().seed,
            scenario.simulation().replications,
            plan.options.confidence,
            100.0 * plan.options.shrinkage
        ),
        &groups,
    )
}

/// The plan as text: per group totals and daily peaks, the gap explained, what is unmet.
pub fn plan_text(scenario: &Scenario, report: &PlanReport) -> String {
    let settings = scenario.simulation();
    let mut text = format!(
        "{}: staffing plan from {} simulation(s) of {} replication(s) (seed {}); every interval's estimate meets its targets, each channel's SLA over the horizon holds with {:.0}% one-sided confidence, and every agent removed from the Erlang start was removed at that confidence on two samples\n",
        report.scenario,
        report.evaluations,
        report.replications,
        report.seed,
        100.0 * report.confidence
    );
    let per_day = (86_400.0 / settings.interval_seconds).round() as usize;
    let first = settings.first_reported_interval();
    for group in &report.groups {
        text.push_str(&format!(
            "\n{} (requirement of: {})\n  {:.1} agent-hours, {:.1} paid position-hours{}; peak {} agents\n  Erlang A sum {:.1} agent-hours, Erlang C sum {:.1}\n",
            group.name,
            if group.primary_for.is_empty() {
                "no channel".to_string()
            } else {
                group.primary_for.join(", ")
            },
            group.agent_hours,
            group.position_hours,
            group
                .cost
                .map_or(String::new(), |cost| format!(", cost {cost:.0}")),
            group.peak_agents,
            group.erlang_a_agent_hours,
            group.erlang_c_agent_hours
        ));
        let change = group.agent_hours - group.scheduled_agent_hours;
        text.push_str(&format!(
            "  scheduled now: {:.1} agent-hours{}; the plan needs {:+.1} ({})\n",
            group.scheduled_agent_hours,
            group
                .scheduled_cost
                .map_or(String::new(), |cost| format!(", cost {cost:.0}")),
            change,
            if group.scheduled_agent_hours > 0.0 {
                format!("{:+.1}%", 100.0 * change / group.scheduled_agent_hours)
            } else {
                "nothing scheduled now".to_string()
            }
        ));
        for line in &group.gap_explained {
            text.push_str(&format!("  - {line}\n"));
        }
        if per_day > 0 && settings.n_intervals() >= per_day {
            text.push_str("  day    peak  agent-hours  scheduled now\n");
            for (day, chunk) in group.required_agents.chunks(per_day).enumerate() {
                let start = day * per_day;
                let reported: Vec<u32> = chunk
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| start + k >= first)
                    .map(|(_, &c)| c)
                    .collect();
                if reported.is_empty() {
                    continue;
                }
                let hours: f64 = reported.iter().map(|&c| f64::from(c)).sum::<f64>()
                    * settings.interval_seconds
                    / 3600.0;
                let scheduled_hours: f64 = (start.max(first)..start + chunk.len())
                    .map(|i| group.scheduled_agents[i])
                    .sum::<f64>()
                    * settings.interval_seconds
                    / 3600.0;
                let clock = format_clock(
                    start as f64 * settings.interval_seconds,
                    settings.horizon_seconds > 7.0 * 86_400.0,
                );
                text.push_str(&format!(
                    "  {:<5} {:>5} {:>12.1} {:>14.1}\n",
                    clock
                        .rsplit_once(' ')
                        .map_or(clock.as_str(), |(day, _)| day),
                    reported.iter().max().unwrap_or(&0),
                    hours,
                    scheduled_hours
                ));
            }
        }
    }
    if let Some(check) = &report.single_queue_check {
        text.push_str(&format!("\n{check}\n"));
    }
    if !report.assignments.is_empty() {
        text.push_str("\nwho takes the requirement (each planned in full; the cheapest kept):\n");
        for outcome in &report.assignments {
            text.push_str(&format!(
                "  {:<18} {:>9.1} agent-hours, cost {}{}{}\n",
                outcome.assignment,
                outcome.agent_hours,
                outcome.cost.map_or("-".to_string(), |c| format!("{c:.0}")),
                if outcome.targets_met {
                    ""
                } else {
                    ", targets not all met"
                },
                if outcome.chosen { "  <- this plan" } else { "" }
            ));
        }
    }
    if let Some(cost) = &report.uncertainty_cost {
        let extra = cost.agent_hours - cost.exact_forecast_agent_hours;
        text.push_str(&format!(
            "\nforecast uncertainty costs {extra:+.1} agent-hours: {:.1} with it, {:.1} were every forecast exact (planned again without `uncertainty`)\n",
            cost.agent_hours, cost.exact_forecast_agent_hours
        ));
    }
    if !report.horizon.is_empty() {
        text.push_str("\nSLA over the horizon (both samples pooled; one-sided lower bound):\n");
        for horizon in &report.horizon {
            text.push_str(&format!(
                "  {:<16} {:.1}% (bound {:.1}%, target {:.0}%){}\n",
                horizon.channel,
                100.0 * horizon.attainment,
                100.0 * horizon.lower_bound,
                100.0 * horizon.target,
                if horizon.meets_target {
                    ""
                } else {
                    "  NOT MET"
                }
            ));
        }
    }
    text.push_str(&days_text(&report.days));
    if report.unmet.is_empty() {
        text.push_str("\nevery target is met in every reported interval\n");
    } else {
        text.push_str(&format!("\n{} target(s) not met:\n", report.unmet.len()));
        for unmet in report.unmet.iter().take(20) {
            text.push_str(&format!(
                "  {} at {}: {}\n",
                unmet.name,
                format_clock(
                    unmet.interval_idx as f64 * settings.interval_seconds,
                    settings.horizon_seconds > 7.0 * 86_400.0
                ),
                unmet.reason
            ));
        }
        if report.unmet.len() > 20 {
            text.push_str(&format!(
                "  ... and {} more in plan.json\n",
                report.unmet.len() - 20
            ));
        }
    }
    text
}
