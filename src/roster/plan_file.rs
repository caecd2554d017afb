//! A plan.json written by `omnisim plan`, read back as what a roster is built to: each
//! group's required agents per interval (grossed up by the plan's shrinkage), which group
//! took each channel's requirement, and the plan's targets. The text comes from the caller
//! (only the command line reads files); a plan of another scenario, of other groups or of
//! another interval count is refused with the reason.

use serde::Deserialize;

use super::RosterInput;
use crate::erlang::positions_after_shrinkage;
use crate::plan::PlanOptions;
use crate::scenario::Scenario;

#[derive(Debug, Deserialize)]
struct PlanFile {
    scenario: String,
    confidence: f64,
    shrinkage: f64,
    max_abandonment: Option<f64>,
    max_occupancy: Option<f64>,
    #[serde(default)]
    day_probability: Option<f64>,
    groups: Vec<PlanFileGroup>,
}

#[derive(Debug, Deserialize)]
struct PlanFileGroup {
    name: String,
    primary_for: Vec<String>,
    required_agents: Vec<u32>,
}

/// The roster input of a plan.json's text, checked against `scenario`.
pub fn roster_input_from_plan_json(scenario: &Scenario, text: &str) -> Result<RosterInput, String> {
    let plan: PlanFile = serde_json::from_str(text)
        .map_err(|error| format!("is not a plan.json that `omnisim plan` writes ({error})"))?;
    if plan.scenario != scenario.name() {
        return Err(format!(
            "is a plan for scenario \"{}\", not \"{}\"",
            plan.scenario,
            scenario.name()
        ));
    }
    let names: Vec<&str> = plan.groups.iter().map(|g| g.name.as_str()).collect();
    let expected: Vec<&str> = scenario.groups().iter().map(|g| g.name.as_str()).collect();
    if names != expected {
        return Err(format!(
            "plans groups [{}], but the scenario has [{}]",
            names.join(", "),
            expected.join(", ")
        ));
    }
    let n_intervals = scenario.simulation().n_intervals();
    if let Some(group) = plan
        .groups
        .iter()
        .find(|g| g.required_agents.len() != n_intervals)
    {
        return Err(format!(
            "gives group {} {} intervals, but the scenario has {n_intervals} (another horizon or interval)",
            group.name,
            group.required_agents.len()
        ));
    }
    if !(0.5..1.0).contains(&plan.confidence) || !(0.0..1.0).contains(&plan.shrinkage) {
        return Err("has a confidence or shrinkage out of range".into());
    }
    let mut primary_group = vec![None; scenario.channels().len()];
    for (group_idx, group) in plan.groups.iter().enumerate() {
        for channel in &group.primary_for {
            let channel_idx = scenario.channel_index(channel).ok_or_else(|| {
                format!(
                    "gives group {} channel \"{channel}\", which the scenario lacks",
                    group.name
                )
            })?;
            primary_group[channel_idx] = Some(group_idx);
        }
    }
    Ok(RosterInput {
        positions: plan
            .groups
            .iter()
            .map(|group| {
                group
                    .required_agents
                    .iter()
                    .map(|&agents| positions_after_shrinkage(agents, plan.shrinkage))
                    .collect()
            })
            .collect(),
        primary_group,
        plan_options: PlanOptions {
            confidence: plan.confidence,
            max_abandonment: plan.max_abandonment,
            max_occupancy: plan.max_occupancy,
            shrinkage: plan.shrinkage,
            day_probability: plan.day_probability,
            ..PlanOptions::default()
        },
    })
}
