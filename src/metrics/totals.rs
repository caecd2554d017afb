//! The two lines a reader wants before any table: the run's totals (contacts offered, paid
//! agent-hours, their cost) and a one-line verdict on the service levels (which channels miss
//! their SLA target, and whether the miss is clear of the simulation's noise), with the
//! overload findings first when there are any. Both come from the summary alone.

use serde::Serialize;

use super::summary::RunSummary;
use crate::metric::Metric;
use crate::units::thousands;

/// The run's totals, each the sum of its parts' means.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RunTotals {
    /// Contacts offered on every channel.
    pub offered: f64,
    /// Agent-hours every group's schedule puts on the floor over the reported horizon.
    pub paid_agent_hours: f64,
    /// Those hours at the groups' `cost_per_hour` (absent when no group has one; groups
    /// without one count nothing).
    pub agent_cost: Option<f64>,
    /// The service levels in one sentence.
    pub verdict: String,
}

pub fn run_totals(summary: &RunSummary) -> RunTotals {
    let sum_of = |values: Vec<Option<f64>>| -> Option<f64> {
        values
            .iter()
            .any(Option::is_some)
            .then(|| values.iter().flatten().sum())
    };
    let offered = summary
        .channels
        .iter()
        .filter_map(|channel| channel.metrics[&Metric::Offered].mean)
        .sum();
    let group_sum = |metric: Metric| {
        sum_of(
            summary
                .groups
                .iter()
                .map(|group| group.metrics.get(&metric).and_then(|e| e.mean))
                .collect(),
        )
    };
    RunTotals {
        offered,
        paid_agent_hours: group_sum(Metric::PaidAgentHours).unwrap_or(0.0),
        agent_cost: group_sum(Metric::AgentCost),
        verdict: verdict(summary),
    }
}

/// "Every channel meets its SLA target." or which miss it, by how much, and whether the 95%
/// interval still reaches the target; an unstable or overloaded run says so first.
pub fn verdict(summary: &RunSummary) -> String {
    let mut parts = Vec::new();
    if !summary.stopped_replications.is_empty() {
        parts.push(
            "unstable: the queue grew without bound and replications were stopped".to_string(),
        );
    } else if summary.warnings.iter().any(|w| w.contains("overloaded")) {
        parts.push("overloaded: offered work exceeds capacity (see the warnings)".to_string());
    }
    let with_target: Vec<_> = summary
        .channels
        .iter()
        .filter(|channel| channel.meets_sla_target.is_some())
        .collect();
    let missing: Vec<String> = with_target
        .iter()
        .filter(|channel| channel.meets_sla_target == Some(false))
        .map(|channel| {
            let estimate = channel.metrics[&Metric::SlaAttainment];
            let mean = estimate.mean.unwrap_or(f64::NAN);
            let target = channel.sla_target.unwrap_or(f64::NAN);
            let reaches = mean + estimate.ci95.unwrap_or(0.0) >= target;
            format!(
                "{} {:.1}% against {:.0}%{}",
                channel.name,
                100.0 * mean,
                100.0 * target,
                if reaches {
                    " (within the 95% interval)"
                } else {
                    ""
                }
            )
        })
        .collect();
    if with_target.is_empty() {
        parts.push("no channel has an SLA target".to_string());
    } else if missing.is_empty() {
        parts.push(match with_target.len() {
            1 => "the one channel with an SLA meets its target".to_string(),
            2 => "both channels with an SLA meet their target".to_string(),
            n => format!("all {n} channels with an SLA meet their target"),
        });
    } else {
        parts.push(format!(
            "{} of {} channels with an SLA {} the target: {}",
            missing.len(),
            with_target.len(),
            if missing.len() == 1 { "misses" } else { "miss" },
            missing.join("; ")
        ));
    }
    let mut text = parts.join("; ");
    text.push('.');
    text
}

/// The totals as one line: "4,037 contacts offered; 1,234 paid agent-hours; agent cost
/// 12,345".
pub fn totals_line(totals: &RunTotals) -> String {
    let mut line = format!(
        "{} contacts offered; {} paid agent-hours",
        thousands(totals.offered.round()),
        thousands(totals.paid_agent_hours.round())
    );
    if let Some(cost) = totals.agent_cost {
        line.push_str(&format!("; agent cost {}", thousands(cost.round())));
    }
    line
}
