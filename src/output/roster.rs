//! What `omnisim roster` writes: the shifts and how many agents work each (roster.csv), the
//! requirement against agents on the floor per interval of the week (roster_coverage.csv),
//! a staffing file of the groups' shifts that `run --staffing` accepts (shifts.toml), the
//! totals, the solver's status and gap and the verification (roster.json), the coverage and
//! SLA charts, and the text summary. Pure: each function returns bytes or text.

use serde::Serialize;

use super::charts::chart_files;
use super::charts::plan_figures::{roster_coverage_figure, sla_by_interval_figure};
use super::format::number;
use super::{Charts, OutputFile, json_bytes};
use crate::plan::report::{ChannelDays, channel_days, days_text};
use crate::plan::{HorizonOutcome, Unmet};
use crate::roster::patterns::days_in_words;
use crate::roster::{RosterPlan, SolverStop};
use crate::scenario::Scenario;
use crate::scenario::staffing::shifts_toml;
use crate::units::{format_clock, format_time_of_day};

/// Every file of a roster.
pub fn roster_files(
    scenario: &Scenario,
    roster: &RosterPlan,
    charts: Charts,
) -> Result<Vec<OutputFile<'static>>, String> {
    let mut files = vec![
        OutputFile::new("roster.csv", roster_csv_bytes(scenario, roster)),
        OutputFile::new(
            "roster_coverage.csv",
            roster_coverage_csv_bytes(scenario, roster),
        ),
        OutputFile::new("roster.json", json_bytes(&roster_report(scenario, roster))),
        OutputFile::new(
            "shifts.toml",
            roster_shifts_toml(scenario, roster).into_bytes(),
        ),
    ];
    if charts == Charts::Draw {
        let figures = [
            roster_coverage_figure(scenario, roster),
            sla_by_interval_figure(
                scenario,
                &roster.final_evaluation,
                "roster_sla",
                "SLA attained with the roster, per interval",
                "with the roster",
            ),
        ];
        files.extend(chart_files(&figures)?.files);
    }
    Ok(files)
}

/// roster.csv: one row per shift pattern worked.
pub fn roster_csv_bytes(scenario: &Scenario, roster: &RosterPlan) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record([
            "group",
            "template",
            "start",
            "end",
            "days",
            "breaks",
            "agents",
            "added_by_verification",
            "paid_hours_per_week",
            "cost_per_week",
        ])
        .expect("write to memory");
    for group in &roster.groups {
        let name = &scenario.groups()[group.group_idx].name;
        for (pattern_idx, pattern) in group.patterns.iter().enumerate() {
            let agents = group.solved[pattern_idx] + group.added[pattern_idx];
            if agents == 0 {
                continue;
            }
            let template = &scenario.shift_templates()[pattern.template_idx];
            let breaks: Vec<String> = pattern
                .breaks
                .iter()
                .zip(&template.breaks)
                .map(|(&(after, length), rule)| {
                    format!(
                        "{}-{}{}",
                        format_time_of_day(pattern.start_seconds + after),
                        format_time_of_day(pattern.start_seconds + after + length),
                        if rule.paid { "" } else { " unpaid" }
                    )
                })
                .collect();
            writer
                .write_record([
                    name.clone(),
                    template.name.clone(),
                    format_time_of_day(pattern.start_seconds),
                    format_time_of_day(pattern.start_seconds + pattern.length_seconds),
                    days_in_words(&pattern.days),
                    breaks.join("; "),
                    agents.to_string(),
                    group.added[pattern_idx].to_string(),
                    number(pattern.weekly_paid_hours * f64::from(agents)),
                    number(pattern.weekly_cost * f64::from(agents)),
                ])
                .expect("write to memory");
        }
    }
    writer.into_inner().expect("write to memory")
}

/// roster_coverage.csv: per group and interval of the week, positions required against
/// agents on the floor.
pub fn roster_coverage_csv_bytes(scenario: &Scenario, roster: &RosterPlan) -> Vec<u8> {
    let interval = scenario.simulation().interval_seconds;
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record([
            "group",
            "week_interval",
            "start",
            "required_positions",
            "on_floor",
        ])
        .expect("write to memory");
    for group in &roster.groups {
        let name = &scenario.groups()[group.group_idx].name;
        for (t, (&required, floor)) in group.required.iter().zip(group.on_floor()).enumerate() {
            writer
                .write_record([
                    name.clone(),
                    t.to_string(),
                    format_clock(t as f64 * interval, false),
                    required.to_string(),
                    number(floor),
                ])
                .expect("write to memory");
        }
    }
    writer.into_inner().expect("write to memory")
}

/// shifts.toml: the roster as a staffing file (with the plan's shrinkage folded into each
/// group's, so a run of it is the run verification judged).
pub fn roster_shifts_toml(scenario: &Scenario, roster: &RosterPlan) -> String {
    let shrinkage = roster.plan_options.shrinkage;
    let groups: Vec<(String, Vec<_>, Option<f64>)> = roster
        .groups
        .iter()
        .map(|group| {
            let scenario_group = &scenario.groups()[group.group_idx];
            let shifts = group.shifts(scenario);
            let combined = (shrinkage > 0.0).then_some(scenario_group.shrinkage_with(shrinkage));
            (scenario_group.name.clone(), shifts, combined)
        })
        .collect();
    let borrowed: Vec<(&str, &[_], Option<f64>)> = groups
        .iter()
        .map(|(name, shifts, shrinkage)| (name.as_str(), shifts.as_slice(), *shrinkage))
        .collect();
    shifts_toml(
        &format!(
            "omnisim roster for {} (seed {}, {} replications, confidence {}).\nEach group's shifts, repeating weekly; verified by simulation on the plan's two samples.\nCheck it: omnisim run <scenario> --staffing shifts.toml --seed <another seed>",
            scenario.name(),
            scenario.simulation().seed,
            scenario.simulation().replications,
            roster.plan_options.confidence
        ),
        &borrowed,
    )
}

#[derive(Debug, Serialize)]
struct RosterReport {
    omnisim_version: &'static str,
    scenario: String,
    seed: u64,
    replications: u32,
    confidence: f64,
    shrinkage: f64,
    solver: SolverSettings,
    all_targets_met: bool,
    /// Positions the plan asks for, summed over a week, in hours.
    required_position_hours: f64,
    /// Agent-hours on the floor that the roster gives (breaks off).
    rostered_agent_hours: f64,
    paid_hours: f64,
    cost: f64,
    groups: Vec<GroupReport>,
    verification: Verification,
    unmet: Vec<Unmet>,
}

#[derive(Debug, Serialize)]
struct SolverSettings {
    time_limit_seconds: f64,
    mip_gap: f64,
    node_limit: Option<u64>,
}

#[derive(Debug, Serialize)]
struct GroupReport {
    name: String,
    required_position_hours: f64,
    rostered_agent_hours: f64,
    paid_hours: f64,
    cost: f64,
    agents: u32,
    shift_patterns_used: usize,
    shift_patterns_considered: usize,
    solver: SolverReport,
    agents_added_by_verification: u32,
}

#[derive(Debug, Serialize)]
struct SolverReport {
    status: SolverStop,
    /// Cost of the integer program's roster, before verification added shifts.
    cost: f64,
    /// No roster covering the requirement costs less.
    lower_bound: f64,
    gap: f64,
    nodes: u64,
}

#[derive(Debug, Serialize)]
struct Verification {
    evaluations: u32,
    rounds: Vec<Round>,
    /// Per channel with an SLA: over the whole horizon, both samples pooled.
    horizon: Vec<ChannelHorizon>,
    /// With forecast uncertainty or a plan's day probability: the share of days meeting
    /// each channel's SLA.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    days: Vec<ChannelDays>,
}

#[derive(Debug, Serialize)]
struct Round {
    failing_cells: usize,
    agents_added: u32,
}

#[derive(Debug, Serialize)]
struct ChannelHorizon {
    channel: String,
    #[serde(flatten)]
    outcome: HorizonOutcome,
}

fn roster_report(scenario: &Scenario, roster: &RosterPlan) -> RosterReport {
    let interval_hours = scenario.simulation().interval_seconds / 3600.0;
    let groups: Vec<GroupReport> = roster
        .groups
        .iter()
        .map(|group| {
            let counts = group.counts();
            GroupReport {
                name: scenario.groups()[group.group_idx].name.clone(),
                required_position_hours: group.required.iter().map(|&r| f64::from(r)).sum::<f64>()
                    * interval_hours,
                rostered_agent_hours: group.on_floor().iter().sum::<f64>() * interval_hours,
                paid_hours: group.weekly_paid_hours(),
                cost: group.weekly_cost(),
                agents: counts.iter().sum(),
                shift_patterns_used: counts.iter().filter(|c| **c > 0).count(),
                shift_patterns_considered: group.patterns.len(),
                solver: SolverReport {
                    status: group.cover.stop,
                    cost: group.cover.cost,
                    lower_bound: group.cover.lower_bound,
                    gap: group.cover.gap,
                    nodes: group.cover.nodes,
                },
                agents_added_by_verification: group.added.iter().sum(),
            }
        })
        .collect();
    RosterReport {
        omnisim_version: env!("CARGO_PKG_VERSION"),
        scenario: scenario.name().to_string(),
        seed: scenario.simulation().seed,
        replications: scenario.simulation().replications,
        confidence: roster.plan_options.confidence,
        shrinkage: roster.plan_options.shrinkage,
        solver: SolverSettings {
            time_limit_seconds: roster.options.limits.time_limit.as_secs_f64(),
            mip_gap: roster.options.limits.mip_gap,
            node_limit: roster.options.limits.node_limit,
        },
        all_targets_met: roster.unmet.is_empty(),
        required_position_hours: groups.iter().map(|g| g.required_position_hours).sum(),
        rostered_agent_hours: groups.iter().map(|g| g.rostered_agent_hours).sum(),
        paid_hours: roster.weekly_paid_hours(),
        cost: roster.weekly_cost(),
        groups,
        verification: Verification {
            evaluations: roster.evaluations,
            rounds: roster
                .rounds
                .iter()
                .map(|round| Round {
                    failing_cells: round.failing_cells,
                    agents_added: round.shifts_added,
                })
                .collect(),
            horizon: scenario
                .channels()
                .iter()
                .zip(&roster.final_evaluation.horizon)
                .filter_map(|(channel, outcome)| {
                    outcome.map(|outcome| ChannelHorizon {
                        channel: channel.name.clone(),
                        outcome,
                    })
                })
                .collect(),
            days: channel_days(scenario, &roster.final_evaluation, &roster.plan_options),
        },
        unmet: roster.unmet.clone(),
    }
}

/// The roster as text: per group the hours and cost against the plan's requirement and the
/// solver's status, then the verification.
pub fn roster_text(scenario: &Scenario, roster: &RosterPlan) -> String {
    let report = roster_report(scenario, roster);
    let mut text = format!(
        "{}: roster of {} agent(s) on weekly shifts, {:.1} paid hours, cost {:.0} a week; {:.1} agent-hours on the floor for {:.1} position-hours required\n\n",
        report.scenario,
        report.groups.iter().map(|g| g.agents).sum::<u32>(),
        report.paid_hours,
        report.cost,
        report.rostered_agent_hours,
        report.required_position_hours,
    );
    text.push_str(
        "group               agents  required h  on floor h   paid h      cost  solver\n",
    );
    for (group, roster_group) in report.groups.iter().zip(&roster.groups) {
        let solver = if roster_group.required.iter().all(|&r| r == 0) {
            "nothing required".to_string()
        } else {
            format!(
                "{} (gap {:.1}%, bound {:.0}){}",
                group.solver.status.in_words(),
                100.0 * group.solver.gap,
                group.solver.lower_bound,
                if group.agents_added_by_verification > 0 {
                    format!(", +{} by verification", group.agents_added_by_verification)
                } else {
                    String::new()
                }
            )
        };
        text.push_str(&format!(
            "{:<19} {:>6} {:>11.1} {:>11.1} {:>8.1} {:>9.0}  {}\n",
            group.name,
            group.agents,
            group.required_position_hours,
            group.rostered_agent_hours,
            group.paid_hours,
            group.cost,
            solver
        ));
    }
    let rounds = &report.verification.rounds;
    text.push_str(&format!(
        "\nverified by {} simulation(s) of the roster on the plan's two samples: {}\n",
        report.verification.evaluations,
        if rounds.is_empty() {
            "every target met as solved".to_string()
        } else {
            let added: u32 = rounds.iter().map(|r| r.agents_added).sum();
            format!(
                "{} round(s) added {added} agent(s) on shifts where targets failed ({})",
                rounds.len(),
                rounds
                    .iter()
                    .map(|r| format!("{} cells", r.failing_cells))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    ));
    for horizon in &report.verification.horizon {
        text.push_str(&format!(
            "  {:<18} SLA over the horizon {:.1}% (lower bound {:.1}%, target {:.1}%)\n",
            horizon.channel,
            100.0 * horizon.outcome.attainment,
            100.0 * horizon.outcome.lower_bound,
            100.0 * horizon.outcome.target
        ));
    }
    text.push_str(&days_text(&report.verification.days));
    if report.unmet.is_empty() {
        text.push_str("every target is met\n");
    } else {
        text.push_str(&format!("{} target(s) not met:\n", report.unmet.len()));
        let interval = scenario.simulation().interval_seconds;
        for unmet in report.unmet.iter().take(10) {
            text.push_str(&format!(
                "  {} at {}: {}\n",
                unmet.name,
                format_clock(unmet.interval_idx as f64 * interval, false),
                unmet.reason
            ));
        }
    }
    text
}
