//! Staffing plans found by simulation: the fewest agents per group and reporting interval
//! with which every channel meets its SLA target (and optional abandonment and occupancy
//! limits) with the confidence the user asks for.
//!
//! 1. **Analytic start.** Each channel's load per interval (expected arrivals while open,
//!    its mean handle time) gives an Erlang A requirement (Erlang C where nobody abandons;
//!    messaging agents count as `concurrency` servers; async channels are Erlang C with their
//!    long SLA window). Each channel is assigned to its *primary* group, the most specialised
//!    group serving it (fewest channels; the first in the file on a tie), and a group's start
//!    is the sum over its channels.
//! 2. **Up.** Simulate on two samples of contacts (the scenario's replications and seed, and
//!    the same with a second fixed seed: common random numbers, so two staffings differ only
//!    by their staffing), pooled. Every (channel, interval) whose estimate misses a target
//!    adds one agent to the channel's primary group in that interval; every (group,
//!    interval) over the occupancy cap adds one there; a channel whose SLA over the horizon
//!    is not met with confidence (or, with `day_probability`, whose share of days meeting the
//!    target is not) adds one in its weakest tenth of intervals. Repeat until nothing fails.
//! 3. **Down.** Remove agents from sets of intervals far enough apart that their effects do
//!    not overlap (a group's stride is its longest SLA window plus three intervals), keep each
//!    removal whose neighbourhood still meets its targets with confidence on each sample
//!    alone, and repeat until no removal is kept. Then the up step again in case removals
//!    kept together interact.
//!
//! The asymmetry is the point. Keeping agents needs only the estimate; removing one needs
//! confidence on two independent samples. A test per interval before an interval may keep its
//! agents buys agents against noise (on a stationary Erlang C queue whose minimum is 14, a
//! quarter of the intervals got 15); removals judged by the estimate alone would keep 13
//! wherever the target sits just above what 13 achieve. The plan as a whole carries the
//! confidence statement: each channel's SLA over the horizon at `confidence`.
//!
//! Targets that cannot be met within `max_agents_per_interval` or the evaluation budget are
//! reported, never looped on.
//!
//! `analytic.rs` holds step 1, `search.rs` steps 2 and 3, `evaluation.rs` the judging of one
//! staffing, `report.rs` the totals people read. Everything returns data; `output::plan`
//! renders it.

mod analytic;
pub mod evaluation;
pub mod report;
mod search;

use analytic::{OrderedKey, analytic_requirements, candidate_assignments};
pub use evaluation::{
    evaluate, evaluate_on_two_samples, evaluate_staffed_on_two_samples, holdout_seed, judge,
};
pub(crate) use search::cells_to_raise;

use serde::Serialize;

use crate::engine::grid::Grid;
use crate::erlang::positions_after_shrinkage;
use crate::error::SimulationError;
use crate::scenario::Scenario;
use crate::simulate::Execution;
use crate::stats::PooledRatio;

/// What the planner aims for and how hard it tries.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlanOptions {
    /// One-sided confidence of each channel's SLA over the horizon and of every removal
    /// (0.5 = the point estimate).
    pub confidence: f64,
    /// Optional cap on each channel's abandonment rate per interval.
    pub max_abandonment: Option<f64>,
    /// Optional cap on each group's occupancy per interval.
    pub max_occupancy: Option<f64>,
    /// Share of paid time lost (breaks, training, absence): positions = agents / (1 - s).
    pub shrinkage: f64,
    /// Most simulations (each of all replications) the search may run.
    pub max_evaluations: u32,
    /// Most agents one group may have in one interval.
    pub max_agents_per_interval: u32,
    /// Plan every candidate assignment of requirements to groups and keep the cheapest
    /// (`candidate_assignments`); otherwise only the most specialised one.
    pub compare_assignments: bool,
    /// Also require each channel's SLA over a day to meet its target on at least this share
    /// of days (the share's lower bound at `confidence`, days of all replications): the
    /// guarantee under forecast uncertainty, where days differ in volume.
    pub day_probability: Option<f64>,
}

impl Default for PlanOptions {
    fn default() -> PlanOptions {
        PlanOptions {
            confidence: 0.9,
            max_abandonment: None,
            max_occupancy: None,
            shrinkage: 0.0,
            max_evaluations: 400,
            max_agents_per_interval: 5_000,
            compare_assignments: true,
            day_probability: None,
        }
    }
}

/// The analytic requirement of one channel in one interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AnalyticRequirement {
    /// Expected contacts arriving while the channel is open.
    pub expected_contacts: f64,
    /// Erlang C agents (nobody abandons).
    pub erlang_c_agents: u32,
    /// Erlang A agents (with the channel's patience; equal to Erlang C without one).
    pub erlang_a_agents: u32,
    /// Erlang servers needed (agents times concurrency for messaging).
    pub servers: u32,
    /// The analytic model cannot meet the target within the agent cap.
    pub impossible: bool,
}

/// Measured outcome of one channel in one interval under a staffing.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ChannelOutcome {
    pub sla: PooledRatio,
    pub abandonment: PooledRatio,
    /// Lower one-sided confidence bound of the SLA attainment.
    pub sla_lower_bound: Option<f64>,
    /// The estimates meet the targets (SLA attainment at least its target, abandonment at
    /// most its cap): what the plan promises of every interval.
    pub meets_targets: bool,
    /// The confidence bounds meet them too: what a removal of agents must leave behind.
    pub confidently_met: bool,
}

/// A channel's SLA over the whole reported horizon under a staffing, pooled over the
/// replications of both samples: the plan's statement as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct HorizonOutcome {
    pub attainment: f64,
    /// One-sided lower confidence bound at the plan's confidence.
    pub lower_bound: f64,
    pub target: f64,
    pub meets_target: bool,
}

/// A channel's days under a staffing: on what share of simulated days its SLA over the day
/// met the target (each replication's share of its days, estimated over replications).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DayOutcome {
    pub share_of_days_met: f64,
    /// One-sided lower confidence bound of the share at the plan's confidence.
    pub lower_bound: f64,
    /// Days judged, all replications (days without an SLA-judged contact are left out).
    pub days: u32,
    /// The share asked for (`day_probability`), if any.
    pub required: Option<f64>,
    pub meets_target: bool,
}

/// What one simulation of a staffing found.
#[derive(Debug, Clone)]
pub struct Evaluation {
    /// `[(channel_idx, interval_idx)]`; `None` outside reported intervals or for channels
    /// without an SLA.
    pub channels: Grid<Option<ChannelOutcome>>,
    /// `[channel_idx]`: the SLA over the whole horizon; `None` without an SLA or contacts.
    pub horizon: Vec<Option<HorizonOutcome>>,
    /// `[channel_idx]`: the share of days meeting the SLA target; `None` without an SLA,
    /// judged days, or an interval that divides a day.
    pub days: Vec<Option<DayOutcome>>,
    /// `[(group_idx, interval_idx)]`: pooled occupancy.
    pub occupancy: Grid<Option<f64>>,
    /// Same indexing: occupancy over the cap.
    pub group_fails: Grid<bool>,
}

impl Evaluation {
    /// The estimate misses a target: the plan must add an agent.
    fn channel_fails(&self, channel_idx: usize, interval_idx: usize) -> bool {
        self.channels[(channel_idx, interval_idx)].is_some_and(|outcome| !outcome.meets_targets)
    }

    /// A target is not met with confidence: a removal that leaves this behind is undone.
    fn channel_unsure(&self, channel_idx: usize, interval_idx: usize) -> bool {
        self.channels[(channel_idx, interval_idx)].is_some_and(|outcome| !outcome.confidently_met)
    }

    /// Every channel and group meets its targets in every reported interval, and every
    /// channel its SLA over the horizon with confidence.
    pub fn all_met(&self) -> bool {
        self.channels
            .cells()
            .iter()
            .all(|outcome| outcome.is_none_or(|outcome| outcome.meets_targets))
            && !self.group_fails.cells().iter().any(|f| *f)
            && self
                .horizon
                .iter()
                .all(|outcome| outcome.is_none_or(|o| o.meets_target))
            && self
                .days
                .iter()
                .all(|outcome| outcome.is_none_or(|o| o.meets_target))
    }
}

/// A target the plan could not meet.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unmet {
    /// Channel (SLA or abandonment) or group (occupancy) name.
    pub name: String,
    pub interval_idx: usize,
    pub reason: String,
}

/// The plan and the evidence for it.
#[derive(Debug, Clone)]
pub struct Plan {
    /// `[group_idx][interval_idx]`: agents required (available, after shrinkage).
    pub required: Vec<Vec<u32>>,
    /// `[group_idx][interval_idx]`: the analytic start (Erlang A sums) and its Erlang C twin.
    pub analytic_erlang_a: Vec<Vec<u32>>,
    pub analytic_erlang_c: Vec<Vec<u32>>,
    /// `[channel_idx][interval_idx]`.
    pub analytic_channels: Vec<Vec<Option<AnalyticRequirement>>>,
    /// `[channel_idx]`: the group the channel's requirement is assigned to.
    pub primary_group: Vec<Option<usize>>,
    pub final_evaluation: Evaluation,
    pub unmet: Vec<Unmet>,
    pub evaluations: u32,
    pub options: PlanOptions,
    /// Every assignment of requirements to groups that was planned, when there was more
    /// than one (overlapping groups with costs); empty otherwise.
    pub alternatives: Vec<AssignmentOutcome>,
    /// With forecast uncertainty: the agent-hours the same assignment needs when every
    /// forecast is exact, to show what the uncertainty costs.
    pub exact_forecast_agent_hours: Option<f64>,
}

/// One assignment of channels' requirements to groups, planned in full.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssignmentOutcome {
    /// "most specialised", "most general" or "cheapest per hour".
    pub assignment: String,
    pub agent_hours: f64,
    /// Paid cost of its positions; `None` when a group it staffs has no `cost_per_hour`.
    pub cost: Option<f64>,
    pub targets_met: bool,
    /// The plan reported is this one.
    pub chosen: bool,
}

impl Plan {
    pub fn positions(&self, group_idx: usize, interval_idx: usize) -> u32 {
        positions_after_shrinkage(
            self.required[group_idx][interval_idx],
            self.options.shrinkage,
        )
    }
}

/// Finds the plan. `execution.on_replication` hears of every replication simulated.
///
/// Where groups overlap and carry costs, the requirement can go to different groups (two
/// dedicated teams, or a generalist pool serving both channels). Each distinct assignment of
/// `candidate_assignments` is planned in full; the cheapest plan is kept (the most
/// specialised on a tie), and every candidate's agent-hours and cost are reported beside it.
pub fn plan(
    scenario: &Scenario,
    options: &PlanOptions,
    execution: Execution<'_>,
) -> Result<Plan, SimulationError> {
    // Every candidate's replications have the scenario's shape: each round counts into the
    // grids of the round before.
    let pool = crate::simulate::GridPool::default();
    let execution = execution.reusing_grids(&pool);
    let mut best: Option<Plan> = None;
    let mut alternatives = Vec::new();
    let mut candidates = candidate_assignments(scenario);
    if !options.compare_assignments {
        candidates.truncate(1);
    }
    for (name, primary) in candidates {
        let found = plan_with_assignment(scenario, options, execution, primary)?;
        let cost = plan_cost(scenario, &found);
        alternatives.push(AssignmentOutcome {
            assignment: name.to_string(),
            agent_hours: plan_agent_hours(scenario, &found),
            cost,
            targets_met: found.unmet.is_empty(),
            chosen: false,
        });
        let better = match &best {
            None => true,
            Some(current) => {
                // A plan that meets every target beats one that does not; then cost.
                (
                    found.unmet.is_empty(),
                    std::cmp::Reverse(cost.map(OrderedKey)),
                ) > (
                    current.unmet.is_empty(),
                    std::cmp::Reverse(plan_cost(scenario, current).map(OrderedKey)),
                )
            }
        };
        if better {
            let evaluations = best.as_ref().map_or(0, |b| b.evaluations);
            best = Some(Plan {
                evaluations: found.evaluations + evaluations,
                ..found
            });
            for alternative in alternatives.iter_mut() {
                alternative.chosen = false;
            }
            alternatives.last_mut().expect("just pushed").chosen = true;
        } else if let Some(best) = best.as_mut() {
            best.evaluations += found.evaluations;
        }
    }
    let mut best = best.expect("at least the most specialised assignment");
    if alternatives.len() > 1 {
        best.alternatives = alternatives;
    }
    if scenario.has_uncertainty() {
        // What the uncertainty costs: the same assignment planned with exact forecasts.
        let certain = plan_with_assignment(
            &scenario.without_uncertainty(),
            options,
            execution,
            best.primary_group.clone(),
        )?;
        best.evaluations += certain.evaluations;
        best.exact_forecast_agent_hours = Some(plan_agent_hours(scenario, &certain));
    }
    Ok(best)
}

/// Agent-hours of a plan over the reported intervals, all groups.
pub(super) fn plan_agent_hours(scenario: &Scenario, plan: &Plan) -> f64 {
    let settings = scenario.simulation();
    let first = settings.first_reported_interval();
    plan.required
        .iter()
        .map(|counts| counts[first..].iter().map(|&c| f64::from(c)).sum::<f64>())
        .sum::<f64>()
        * settings.interval_seconds
        / 3600.0
}

/// Paid cost of a plan's positions at each group's `cost_per_hour`; `None` when a group the
/// plan staffs has no cost.
fn plan_cost(scenario: &Scenario, plan: &Plan) -> Option<f64> {
    let settings = scenario.simulation();
    let first = settings.first_reported_interval();
    let mut total = 0.0;
    for (group_idx, group) in scenario.groups().iter().enumerate() {
        let positions: f64 = (first..settings.n_intervals())
            .map(|i| f64::from(plan.positions(group_idx, i)))
            .sum::<f64>()
            * settings.interval_seconds
            / 3600.0;
        if positions > 0.0 {
            total += group.cost_per_hour? * positions;
        }
    }
    Some(total)
}

/// The plan with each channel's requirement assigned to `primary[channel]`.
fn plan_with_assignment(
    scenario: &Scenario,
    options: &PlanOptions,
    execution: Execution<'_>,
    primary: Vec<Option<usize>>,
) -> Result<Plan, SimulationError> {
    let settings = scenario.simulation();
    let n_intervals = settings.n_intervals();
    let n_groups = scenario.groups().len();
    let analytic_channels = analytic_requirements(scenario, &primary, options);
    let mut analytic_erlang_a = vec![vec![0u32; n_intervals]; n_groups];
    let mut analytic_erlang_c = vec![vec![0u32; n_intervals]; n_groups];
    for (channel_idx, per_interval) in analytic_channels.iter().enumerate() {
        let Some(group_idx) = primary[channel_idx] else {
            continue;
        };
        for (interval_idx, requirement) in per_interval.iter().enumerate() {
            if let Some(requirement) = requirement {
                analytic_erlang_a[group_idx][interval_idx] += requirement.erlang_a_agents;
                analytic_erlang_c[group_idx][interval_idx] += requirement.erlang_c_agents;
            }
        }
    }
    let cap = options.max_agents_per_interval;
    let mut staffing: Vec<Vec<u32>> = analytic_erlang_a
        .iter()
        .map(|counts| counts.iter().map(|&c| c.min(cap)).collect())
        .collect();
    let mut judge = search::TwoSampleJudge::new(scenario, options, execution);
    judge.stage = "adding agents where a target fails";
    let mut evaluation = search::raise(&mut judge, &mut staffing, &primary)?;
    if evaluation.all_met() {
        judge.stage = "removing agents while every target holds";
        search::lower(&mut judge, &mut staffing, &evaluation, &primary)?;
        // Removals kept together can interact; check, and raise again where they did.
        judge.stage = "checking the removals together";
        evaluation = search::raise(&mut judge, &mut staffing, &primary)?;
    }
    let unmet = unmet_targets(
        scenario,
        &evaluation,
        &staffing,
        &analytic_channels,
        options,
        &format!(
            "within the budget of {} evaluations",
            options.max_evaluations
        ),
    );
    Ok(Plan {
        required: staffing,
        analytic_erlang_a,
        analytic_erlang_c,
        analytic_channels,
        primary_group: primary,
        final_evaluation: evaluation,
        unmet,
        evaluations: judge.evaluations,
        options: *options,
        alternatives: Vec::new(),
        exact_forecast_agent_hours: None,
    })
}

/// A share in an unmet target's reason ("81.5%", "-" when undefined).
fn percent_in_words(value: Option<f64>) -> String {
    value.map_or("-".into(), |v| format!("{:.1}%", 100.0 * v))
}

/// Every target the final staffing misses, with the reason in words; `search_limit` says
/// what stopped the search ("within the budget of 400 evaluations").
pub(crate) fn unmet_targets(
    scenario: &Scenario,
    evaluation: &Evaluation,
    staffing: &[Vec<u32>],
    analytic: &[Vec<Option<AnalyticRequirement>>],
    options: &PlanOptions,
    search_limit: &str,
) -> Vec<Unmet> {
    let mut unmet = Vec::new();
    let first = scenario.simulation().first_reported_interval();
    for (channel_idx, channel) in scenario.channels().iter().enumerate() {
        if let Some(horizon) = evaluation.horizon[channel_idx].filter(|h| !h.meets_target) {
            unmet.push(Unmet {
                name: channel.name.clone(),
                interval_idx: first,
                reason: format!(
                    "SLA over the whole horizon {} with lower bound {}, under the target {} (from this interval on)",
                    percent_in_words(Some(horizon.attainment)),
                    percent_in_words(Some(horizon.lower_bound)),
                    percent_in_words(Some(horizon.target)),
                ),
            });
        }
        if let Some(days) = evaluation.days[channel_idx].filter(|d| !d.meets_target) {
            unmet.push(Unmet {
                name: channel.name.clone(),
                interval_idx: first,
                reason: format!(
                    "SLA met on {} of days with lower bound {}, under the {} asked for",
                    percent_in_words(Some(days.share_of_days_met)),
                    percent_in_words(Some(days.lower_bound)),
                    percent_in_words(days.required),
                ),
            });
        }
        for (interval_idx, requirement) in analytic[channel_idx].iter().enumerate() {
            let Some(outcome) =
                evaluation.channels[(channel_idx, interval_idx)].filter(|o| !o.meets_targets)
            else {
                continue;
            };
            let impossible = requirement.is_some_and(|a| a.impossible);
            let reason = if impossible {
                format!(
                    "impossible: even {} agents cannot meet the target in the Erlang model",
                    options.max_agents_per_interval
                )
            } else {
                format!(
                    "not met {search_limit}: SLA {} (lower bound {}), abandonment {}",
                    percent_in_words(outcome.sla.value),
                    percent_in_words(outcome.sla_lower_bound),
                    percent_in_words(outcome.abandonment.value),
                )
            };
            unmet.push(Unmet {
                name: channel.name.clone(),
                interval_idx,
                reason,
            });
        }
    }
    for (group_idx, group) in scenario.groups().iter().enumerate() {
        for (interval_idx, &agents) in staffing[group_idx].iter().enumerate() {
            let cell = (group_idx, interval_idx);
            if evaluation.group_fails[cell] {
                unmet.push(Unmet {
                    name: group.name.clone(),
                    interval_idx,
                    reason: format!(
                        "occupancy {:.1}% above the cap with {} agents",
                        100.0 * evaluation.occupancy[cell].unwrap_or(f64::NAN),
                        agents
                    ),
                });
            }
        }
    }
    unmet
}
