//! A plan's totals for people: agent- and position-hours, costs and peaks per group, why the
//! simulated plan differs from the Erlang sums, and the single-queue check against the exact
//! minimum. Data only (plan.json serialises it); `output::plan` renders it.

use serde::Serialize;

use super::{Plan, Unmet};
use crate::scenario::Scenario;

#[derive(Debug, Clone, Serialize)]
pub struct PlanReport {
    pub omnisim_version: String,
    pub scenario: String,
    pub seed: u64,
    pub replications: u32,
    /// One-sided confidence of the plan's statements (README, *Staffing plans*).
    pub confidence: f64,
    pub shrinkage: f64,
    pub max_abandonment: Option<f64>,
    pub max_occupancy: Option<f64>,
    pub evaluations: u32,
    pub all_targets_met: bool,
    pub groups: Vec<GroupPlanSummary>,
    /// For one channel served by one group at a stationary load: the exact Erlang minimum.
    pub single_queue_check: Option<String>,
    /// Each channel with an SLA: its attainment over the reported horizon under the plan.
    pub horizon: Vec<ChannelHorizon>,
    /// The share of days asked to meet each channel's SLA (`--day-probability`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub day_probability: Option<f64>,
    /// With forecast uncertainty or `--day-probability`: per channel with an SLA, the share
    /// of simulated days on which its SLA over the day met the target.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub days: Vec<ChannelDays>,
    /// Every assignment of requirements to groups planned (when more than one was): its
    /// agent-hours and cost, and which one the plan is.
    pub assignments: Vec<super::AssignmentOutcome>,
    /// With forecast uncertainty: the plan's agent-hours, and those it would need were every
    /// forecast exact.
    pub uncertainty_cost: Option<UncertaintyCost>,
    pub unmet: Vec<Unmet>,
}

/// What forecast uncertainty costs a plan.
#[derive(Debug, Clone, Serialize)]
pub struct UncertaintyCost {
    pub agent_hours: f64,
    pub exact_forecast_agent_hours: f64,
}

/// A channel's SLA over the whole reported horizon under the plan, both samples pooled.
#[derive(Debug, Clone, Serialize)]
pub struct ChannelHorizon {
    pub channel: String,
    pub attainment: f64,
    pub lower_bound: f64,
    pub target: f64,
    pub meets_target: bool,
}

/// A channel's days under a staffing (both samples pooled).
#[derive(Debug, Clone, Serialize)]
pub struct ChannelDays {
    pub channel: String,
    #[serde(flatten)]
    pub outcome: super::DayOutcome,
}

/// Per channel with an SLA, its share of days meeting the target, when the scenario has
/// forecast uncertainty or a share was asked for (else empty: the statement is about days
/// that differ, and outputs of plans without either stay as they were).
pub fn channel_days(
    scenario: &Scenario,
    evaluation: &super::Evaluation,
    options: &super::PlanOptions,
) -> Vec<ChannelDays> {
    if !scenario.has_uncertainty() && options.day_probability.is_none() {
        return Vec::new();
    }
    scenario
        .channels()
        .iter()
        .zip(&evaluation.days)
        .filter_map(|(channel, outcome)| {
            outcome.map(|outcome| ChannelDays {
                channel: channel.name.clone(),
                outcome,
            })
        })
        .collect()
}

/// The lines saying on what share of days each channel met its SLA (empty without days).
pub fn days_text(days: &[ChannelDays]) -> String {
    if days.is_empty() {
        return String::new();
    }
    let mut text = String::from(
        "
SLA over a day, share of simulated days meeting the target (one-sided lower bound):
",
    );
    for day in days {
        let outcome = &day.outcome;
        text.push_str(&format!(
            "  {:<16} {:.1}% of {} days (bound {:.1}%){}
",
            day.channel,
            100.0 * outcome.share_of_days_met,
            outcome.days,
            100.0 * outcome.lower_bound,
            match outcome.required {
                Some(required) if outcome.meets_target =>
                    format!(", asked {:.0}%", 100.0 * required),
                Some(required) => format!(", asked {:.0}%  NOT MET", 100.0 * required),
                None => String::new(),
            }
        ));
    }
    text
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupPlanSummary {
    pub name: String,
    /// Channels whose requirement is assigned to this group.
    pub primary_for: Vec<String>,
    pub cost_per_hour: Option<f64>,
    /// Over the reported intervals.
    pub agent_hours: f64,
    /// Agent-hours the scenario's own schedule puts on the floor over the same intervals,
    /// to set the plan against.
    pub scheduled_agent_hours: f64,
    /// The schedule's agent-hours at `cost_per_hour`.
    pub scheduled_cost: Option<f64>,
    pub position_hours: f64,
    /// Position-hours times cost_per_hour.
    pub cost: Option<f64>,
    pub peak_agents: u32,
    pub erlang_a_agent_hours: f64,
    pub erlang_c_agent_hours: f64,
    /// Why simulation and the Erlang sums differ, cause by cause, in words.
    pub gap_explained: Vec<String>,
    /// Required agents per interval (all intervals, warm-up included).
    pub required_agents: Vec<u32>,
    /// Agents the scenario's own schedule has on the floor per interval (its mean over the
    /// interval; all intervals, warm-up included).
    pub scheduled_agents: Vec<f64>,
}

fn hours(counts: &[u32], from: usize, interval_seconds: f64) -> f64 {
    counts[from..].iter().map(|&c| f64::from(c)).sum::<f64>() * interval_seconds / 3600.0
}

/// Totals, costs, the gap explanation and the single-queue check.
pub fn plan_report(scenario: &Scenario, plan: &Plan) -> PlanReport {
    let settings = scenario.simulation();
    let first = settings.first_reported_interval();
    let interval = settings.interval_seconds;
    let groups = scenario
        .groups()
        .iter()
        .enumerate()
        .map(|(group_idx, group)| {
            let required = &plan.required[group_idx];
            let positions: Vec<u32> = (0..required.len())
                .map(|i| plan.positions(group_idx, i))
                .collect();
            let agent_hours = hours(required, first, interval);
            let scheduled_agents: Vec<f64> = (0..settings.n_intervals())
                .map(|i| group.headcount.mean_in_interval(i, interval))
                .collect();
            let scheduled_agent_hours =
                scheduled_agents[first..].iter().sum::<f64>() * interval / 3600.0;
            let position_hours = hours(&positions, first, interval);
            let erlang_a = hours(&plan.analytic_erlang_a[group_idx], first, interval);
            let erlang_c = hours(&plan.analytic_erlang_c[group_idx], first, interval);
            let primary_for: Vec<String> = scenario
                .channels()
                .iter()
                .enumerate()
                .filter(|(c, _)| plan.primary_group[*c] == Some(group_idx))
                .map(|(_, channel)| channel.name.clone())
                .collect();
            let mut gap_explained = Vec::new();
            if (erlang_a - erlang_c).abs() > 1e-9 {
                gap_explained.push(format!(
                    "abandonment: {:+.1} agent-hours from Erlang C ({erlang_c:.1}) to Erlang A ({erlang_a:.1}); customers who hang up free capacity, so fewer agents meet the SLA",
                    erlang_a - erlang_c
                ));
            }
            let messaging: Vec<&str> = primary_for
                .iter()
                .filter(|name| {
                    scenario
                        .channel_index(name)
                        .is_some_and(|c| scenario.channels()[c].kind == crate::scenario::ChannelKind::Messaging)
                })
                .map(String::as_str)
                .collect();
            if !messaging.is_empty() && group.concurrency > 1 {
                gap_explained.push(format!(
                    "concurrency: {} counted as {} conversations per agent (Erlang servers / {}), already in the Erlang figures",
                    messaging.join(", "),
                    group.concurrency,
                    group.concurrency
                ));
            }
            let pooled = agent_hours - erlang_a;
            if pooled.abs() > 1e-9 {
                let cause = if primary_for.len() > 1 || served_by_several(scenario, group_idx) {
                    "pooling (channels share these agents, and other groups help with shared channels), time-varying load and queues carrying between intervals"
                } else {
                    "time-varying load and queues carrying between intervals"
                };
                gap_explained.push(format!(
                    "simulation: {pooled:+.1} agent-hours from the Erlang A sum ({erlang_a:.1}) to the simulated plan ({agent_hours:.1}); {cause}"
                ));
            }
            GroupPlanSummary {
                name: group.name.clone(),
                primary_for,
                cost_per_hour: group.cost_per_hour,
                agent_hours,
                scheduled_agent_hours,
                scheduled_cost: group.cost_per_hour.map(|cost| cost * scheduled_agent_hours),
                position_hours,
                cost: group.cost_per_hour.map(|cost| cost * position_hours),
                peak_agents: required[first..].iter().copied().max().unwrap_or(0),
                erlang_a_agent_hours: erlang_a,
                erlang_c_agent_hours: erlang_c,
                gap_explained,
                required_agents: required.clone(),
                scheduled_agents,
            }
        })
        .collect();
    PlanReport {
        omnisim_version: env!("CARGO_PKG_VERSION").to_string(),
        scenario: scenario.name().to_string(),
        seed: settings.seed,
        replications: settings.replications,
        confidence: plan.options.confidence,
        shrinkage: plan.options.shrinkage,
        max_abandonment: plan.options.max_abandonment,
        max_occupancy: plan.options.max_occupancy,
        evaluations: plan.evaluations,
        all_targets_met: plan.unmet.is_empty(),
        groups,
        single_queue_check: single_queue_check(scenario, plan),
        horizon: scenario
            .channels()
            .iter()
            .zip(&plan.final_evaluation.horizon)
            .filter_map(|(channel, outcome)| {
                let outcome = (*outcome)?;
                Some(ChannelHorizon {
                    channel: channel.name.clone(),
                    attainment: outcome.attainment,
                    lower_bound: outcome.lower_bound,
                    target: outcome.target,
                    meets_target: outcome.meets_target,
                })
            })
            .collect(),
        day_probability: plan.options.day_probability,
        days: channel_days(scenario, &plan.final_evaluation, &plan.options),
        assignments: plan.alternatives.clone(),
        uncertainty_cost: plan
            .exact_forecast_agent_hours
            .map(|exact| UncertaintyCost {
                agent_hours: super::plan_agent_hours(scenario, plan),
                exact_forecast_agent_hours: exact,
            }),
        unmet: plan.unmet.clone(),
    }
}

/// Whether some channel this group serves is also served by another group.
fn served_by_several(scenario: &Scenario, group_idx: usize) -> bool {
    (0..scenario.channels().len()).any(|c| {
        scenario.groups()[group_idx].serves_channel[c]
            && scenario
                .groups()
                .iter()
                .filter(|g| g.serves_channel[c])
                .count()
                > 1
    })
}

/// For one channel with an SLA served by one group at a constant load: the exact Erlang
/// minimum against the simulated plan, interval by interval.
fn single_queue_check(scenario: &Scenario, plan: &Plan) -> Option<String> {
    let with_sla: Vec<usize> = (0..scenario.channels().len())
        .filter(|&c| scenario.channels()[c].sla.is_some())
        .collect();
    if with_sla.len() != 1 || scenario.groups().len() != 1 {
        return None;
    }
    let channel_idx = with_sla[0];
    let first = scenario.simulation().first_reported_interval();
    let analytic: Vec<_> = plan.analytic_channels[channel_idx][first..]
        .iter()
        .map(|a| a.map(|a| (a.expected_contacts, a.erlang_a_agents)))
        .collect::<Option<Vec<_>>>()?;
    let (load, minimum) = *analytic.first()?;
    if analytic
        .iter()
        .any(|(l, _)| (l - load).abs() > 1e-9 * load.max(1.0))
    {
        return None;
    }
    let model = if scenario.channels()[channel_idx].patience.is_some() {
        "Erlang A"
    } else {
        "Erlang C"
    };
    let required = &plan.required[0][first..];
    let same = required.iter().filter(|&&r| r == minimum).count();
    let one_more = required.iter().filter(|&&r| r == minimum + 1).count();
    let other = required.len() - same - one_more;
    let fewer = required.iter().filter(|&&r| r < minimum).count();
    let verdict = if other == 0 {
        "it agrees with the exact minimum (one more agent is within the simulation's confidence)"
            .to_string()
    } else if fewer == other {
        format!(
            "in {fewer} interval(s) it has fewer: the target sits within the simulation's confidence interval of what {} agents achieve, so some intervals pass on these contacts; more replications or a higher --confidence settle it",
            minimum.saturating_sub(1)
        )
    } else {
        "it differs from the exact minimum by more than one agent in some intervals".to_string()
    };
    Some(format!(
        "stationary single queue: the exact {model} minimum is {minimum} agents; the simulated plan has {minimum} in {same} interval(s), {} in {one_more}, other values in {other}; {verdict}",
        minimum + 1
    ))
}
