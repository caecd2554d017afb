//! The Erlang calculator's answer, as data: for a queue and its targets, the fewest agents
//! meeting them (with the positions after shrinkage), the measures at a given staffing, and
//! a small staffing table around the answer. `omnisim erlang` prints it
//! (`output::erlang`); its JSON is this struct.

use serde::Serialize;

use super::staffing::{QueueMeasures, QueueModel, StaffingTarget, measure};
use super::{minimum_agents, positions_after_shrinkage};
use crate::units::{format_duration, format_wait};

#[derive(Debug, Clone, Serialize)]
pub struct ErlangReport {
    pub model: &'static str,
    pub arrival_rate_per_hour: f64,
    pub mean_handle_time_seconds: f64,
    pub mean_patience_seconds: Option<f64>,
    pub concurrency: u32,
    pub threshold_seconds: Option<f64>,
    pub offered_load_erlangs: f64,
    /// The fewest agents meeting every target (absent without targets).
    pub requirement: Option<Requirement>,
    /// The measures at --agents.
    pub evaluated: Option<QueueMeasures>,
    /// Measures for agent counts around the requirement (or --agents).
    pub staffing_table: Vec<QueueMeasures>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Requirement {
    pub targets: Vec<String>,
    pub agents: u32,
    pub shrinkage: f64,
    pub positions: u32,
}

/// What the calculator is asked.
#[derive(Debug, Clone, PartialEq)]
pub struct ErlangQuestion {
    pub model: QueueModel,
    pub targets: Vec<StaffingTarget>,
    /// A staffing to evaluate.
    pub agents: Option<u32>,
    /// The service-level threshold, seconds.
    pub threshold: Option<f64>,
    pub shrinkage: f64,
    /// The largest staffing searched or evaluated.
    pub max_agents: u32,
}

/// A target in words: "SLA attainment >= 80.0% within 20s".
pub fn describe(target: &StaffingTarget) -> String {
    match *target {
        StaffingTarget::ServiceLevel { threshold, target } => format!(
            "SLA attainment >= {:.1}% within {}",
            100.0 * target,
            format_duration(threshold)
        ),
        StaffingTarget::AverageSpeedOfAnswer { max_wait } => {
            format!("ASA <= {}", format_wait(max_wait))
        }
        StaffingTarget::Abandonment { max_fraction } => {
            format!("abandonment <= {:.1}%", 100.0 * max_fraction)
        }
        StaffingTarget::Occupancy { max_occupancy } => {
            format!("occupancy <= {:.1}%", 100.0 * max_occupancy)
        }
    }
}

/// Answers the question; the error says which targets no staffing up to `max_agents` meets.
pub fn erlang_report(question: &ErlangQuestion) -> Result<ErlangReport, String> {
    let model = &question.model;
    let max_agents = question.max_agents;
    let requirement = if question.targets.is_empty() {
        None
    } else {
        let described: Vec<String> = question.targets.iter().map(describe).collect();
        let found = minimum_agents(model, &question.targets, max_agents).ok_or_else(|| {
            format!(
                "no staffing up to {max_agents} agents meets {}",
                described.join(", ")
            )
        })?;
        Some(Requirement {
            targets: described,
            agents: found.agents,
            shrinkage: question.shrinkage,
            positions: positions_after_shrinkage(found.agents, question.shrinkage),
        })
    };
    let evaluated = question
        .agents
        .map(|agents| measure(model, agents, question.threshold));
    let centre = requirement
        .as_ref()
        .map(|r| r.agents)
        .or(question.agents)
        .unwrap_or(0);
    let staffing_table = (centre.saturating_sub(3)..=centre.saturating_add(3))
        .filter(|&agents| agents > 0 && agents <= max_agents)
        .map(|agents| measure(model, agents, question.threshold))
        .collect();
    Ok(ErlangReport {
        model: if model.mean_patience.is_some() {
            "Erlang A (M/M/c+M)"
        } else {
            "Erlang C (M/M/c)"
        },
        arrival_rate_per_hour: model.arrival_rate * 3600.0,
        mean_handle_time_seconds: model.mean_handle_time,
        mean_patience_seconds: model.mean_patience,
        concurrency: model.concurrency,
        threshold_seconds: question.threshold,
        offered_load_erlangs: model.arrival_rate * model.mean_handle_time,
        requirement,
        evaluated,
        staffing_table,
    })
}
