//! Rosters: a plan's per-interval positions turned into shifts people can work, at the
//! lowest cost, and checked by the same simulation that made the plan.
//!
//! 1. **Requirement.** Each group's positions per interval (a plan's agents grossed up by
//!    its shrinkage), folded onto one week (the largest value where the horizon holds
//!    several weeks): a roster repeats weekly, as shift rosters in a scenario do.
//! 2. **Patterns.** Every concrete shift the scenario's `[[shift_templates]]` allow the
//!    group (`patterns.rs`). An interval with demand that no pattern works in is an error
//!    naming `shift_templates`, before anything is solved.
//! 3. **Cover.** The minimum-cost integer combination of patterns putting at least the
//!    requirement on the floor in every interval (`cover.rs`), one integer program per
//!    group, solved in parallel, with a time limit and the gap reported.
//! 4. **Verify and patch.** The roster is simulated as the groups' shifts on the plan's
//!    two samples of contacts and judged as the plan is judged; wherever `cells_to_raise`
//!    would add an agent, the cheapest shifts covering those intervals are added (a greedy
//!    set cover over the failing intervals), and the roster is judged again, until every
//!    target holds or `max_rounds` is spent. What still fails is reported, never looped on.
//!
//! Everything returns data; `output::roster` renders it.

mod cover;
pub mod patterns;
mod plan_file;

pub use cover::{Cover, SolverLimits, SolverStop, cheapest_cover};
use cover::{best_patch, on_floor};
use patterns::{ShiftPattern, shift_patterns};
pub use plan_file::roster_input_from_plan_json;

use crate::engine::grid::Grid;
use crate::error::{ScenarioProblem, SimulationError};
use crate::plan::{
    Evaluation, Plan, PlanOptions, Unmet, cells_to_raise, evaluate_staffed_on_two_samples,
    unmet_targets,
};
use crate::scenario::schedule::{Roster, Shift};
use crate::scenario::{Headcount, Scenario};
use crate::simulate::{Execution, map_in_parallel};
use crate::units::{SECONDS_PER_WEEK, format_clock};

/// How hard the roster tries.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RosterOptions {
    pub limits: SolverLimits,
    /// Most rounds of simulate-and-add-shifts after the integer program.
    pub max_rounds: u32,
}

impl Default for RosterOptions {
    fn default() -> RosterOptions {
        RosterOptions {
            limits: SolverLimits::default(),
            max_rounds: 10,
        }
    }
}

/// What a roster is built to: a plan's positions and how its targets are judged.
#[derive(Debug, Clone, PartialEq)]
pub struct RosterInput {
    /// `[group_idx][interval_idx]`: positions to schedule (agents after the plan's shrinkage).
    pub positions: Vec<Vec<u32>>,
    /// `[channel_idx]`: the group that takes the channel's requirement.
    pub primary_group: Vec<Option<usize>>,
    /// The plan's targets and confidence (and its shrinkage, applied when verifying).
    pub plan_options: PlanOptions,
}

impl RosterInput {
    pub fn from_plan(plan: &Plan) -> RosterInput {
        RosterInput {
            positions: (0..plan.required.len())
                .map(|group_idx| {
                    (0..plan.required[group_idx].len())
                        .map(|interval_idx| plan.positions(group_idx, interval_idx))
                        .collect()
                })
                .collect(),
            primary_group: plan.primary_group.clone(),
            plan_options: plan.options,
        }
    }
}

/// One group's roster.
#[derive(Debug, Clone)]
pub struct GroupRoster {
    pub group_idx: usize,
    /// Every pattern the group's templates allow.
    pub patterns: Vec<ShiftPattern>,
    /// `[pattern_idx]`: agents the integer program put on it.
    pub solved: Vec<u32>,
    /// `[pattern_idx]`: agents verification added.
    pub added: Vec<u32>,
    /// `[interval of the week]`: positions required.
    pub required: Vec<u32>,
    pub cover: Cover,
}

impl GroupRoster {
    /// `[pattern_idx]`: agents rostered on it.
    pub fn counts(&self) -> Vec<u32> {
        self.solved
            .iter()
            .zip(&self.added)
            .map(|(s, a)| s + a)
            .collect()
    }
    /// The rostered patterns as scenario shifts (those with agents, in pattern order).
    pub fn shifts(&self, scenario: &Scenario) -> Vec<Shift> {
        self.patterns
            .iter()
            .zip(self.counts())
            .filter(|(_, count)| *count > 0)
            .map(|(pattern, count)| {
                pattern.to_shift(&scenario.shift_templates()[pattern.template_idx], count)
            })
            .collect()
    }
    /// `[interval of the week]`: agents on the floor.
    pub fn on_floor(&self) -> Vec<f64> {
        on_floor(&self.patterns, &self.counts(), self.required.len())
    }
    pub fn weekly_cost(&self) -> f64 {
        cover::cost_of(&self.patterns, &self.counts())
    }
    pub fn weekly_paid_hours(&self) -> f64 {
        self.patterns
            .iter()
            .zip(self.counts())
            .map(|(p, count)| p.weekly_paid_hours * f64::from(count))
            .sum()
    }
}

/// One round of verification.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VerificationRound {
    /// (group, interval) cells where a target failed.
    pub failing_cells: usize,
    /// Agents added on shifts after it.
    pub shifts_added: u32,
}

/// The roster and the evidence for it.
#[derive(Debug, Clone)]
pub struct RosterPlan {
    pub groups: Vec<GroupRoster>,
    pub rounds: Vec<VerificationRound>,
    pub final_evaluation: Evaluation,
    pub unmet: Vec<Unmet>,
    /// Simulations run (two per round).
    pub evaluations: u32,
    pub options: RosterOptions,
    pub plan_options: PlanOptions,
}

impl RosterPlan {
    pub fn weekly_cost(&self) -> f64 {
        self.groups.iter().map(GroupRoster::weekly_cost).sum()
    }
    pub fn weekly_paid_hours(&self) -> f64 {
        self.groups.iter().map(GroupRoster::weekly_paid_hours).sum()
    }
}

#[derive(Debug)]
pub enum RosterError {
    /// The templates cannot cover the plan (or describe too many patterns): bad input,
    /// naming the key.
    Templates(Vec<ScenarioProblem>),
    Simulation(SimulationError),
    Solver(String),
}

impl From<SimulationError> for RosterError {
    fn from(error: SimulationError) -> RosterError {
        RosterError::Simulation(error)
    }
}

/// Builds, solves and verifies the roster of `input` with the scenario's templates.
pub fn roster(
    scenario: &Scenario,
    input: &RosterInput,
    options: &RosterOptions,
    execution: Execution<'_>,
) -> Result<RosterPlan, RosterError> {
    let week_intervals = week_intervals(scenario)?;
    let n_groups = scenario.groups().len();
    let required: Vec<Vec<u32>> = input
        .positions
        .iter()
        .map(|positions| weekly_requirement(positions, week_intervals))
        .collect();
    let mut problems = Vec::new();
    let mut all_patterns = Vec::with_capacity(n_groups);
    for (group_idx, required) in required.iter().enumerate() {
        match shift_patterns(scenario, group_idx) {
            Ok(patterns) => {
                problems.extend(uncovered(scenario, group_idx, &patterns, required));
                all_patterns.push(patterns);
            }
            Err(problem) => problems.push(problem),
        }
    }
    if !problems.is_empty() {
        return Err(RosterError::Templates(problems));
    }
    (execution.on_phase)("roster: solving the integer program of each group");
    let group_indices: Vec<usize> = (0..n_groups).collect();
    let covers = map_in_parallel(&group_indices, execution.threads, |&group_idx| {
        cheapest_cover(
            &all_patterns[group_idx],
            &required[group_idx],
            &options.limits,
        )
    })?;
    let mut groups = Vec::with_capacity(n_groups);
    for ((group_idx, patterns), (required, cover)) in all_patterns
        .into_iter()
        .enumerate()
        .zip(required.into_iter().zip(covers))
    {
        let cover = cover.map_err(RosterError::Solver)?;
        groups.push(GroupRoster {
            group_idx,
            solved: cover.counts.clone(),
            added: vec![0; patterns.len()],
            patterns,
            required,
            cover,
        });
    }
    let mut rounds = Vec::new();
    let mut evaluations = 0;
    // Every round's replications have the scenario's shape: each counts into the grids of
    // the round before.
    let pool = crate::simulate::GridPool::default();
    let execution = execution.reusing_grids(&pool);
    let evaluation = loop {
        (execution.on_phase)(&format!(
            "roster: verifying by simulation, round {} (at most {})",
            rounds.len() + 1,
            options.max_rounds + 1
        ));
        let staffed = rostered_scenario(scenario, &groups, input.plan_options.shrinkage)?;
        let evaluation = evaluate_staffed_on_two_samples(&staffed, &input.plan_options, execution)?;
        evaluations += 2;
        let bump = cells_to_raise(scenario, &evaluation, &input.primary_group);
        let failing_cells = bump.iter().flatten().filter(|b| **b).count();
        if failing_cells == 0 || rounds.len() as u32 >= options.max_rounds {
            break evaluation;
        }
        let mut shifts_added = 0;
        for (group, wanted) in groups.iter_mut().zip(&bump) {
            shifts_added += patch(group, wanted, week_intervals);
        }
        rounds.push(VerificationRound {
            failing_cells,
            shifts_added,
        });
        if shifts_added == 0 {
            break evaluation;
        }
    };
    let staffing: Vec<Vec<u32>> = groups
        .iter()
        .map(|group| {
            let floor = group.on_floor();
            (0..scenario.simulation().n_intervals())
                .map(|i| floor[i % week_intervals].round() as u32)
                .collect()
        })
        .collect();
    let no_analytic =
        vec![vec![None; scenario.simulation().n_intervals()]; scenario.channels().len()];
    let unmet = unmet_targets(
        scenario,
        &evaluation,
        &staffing,
        &no_analytic,
        &input.plan_options,
        &format!("after {} round(s) of added shifts", rounds.len()),
    );
    Ok(RosterPlan {
        groups,
        rounds,
        final_evaluation: evaluation,
        unmet,
        evaluations,
        options: *options,
        plan_options: input.plan_options,
    })
}

/// Intervals in a week; an interval that does not divide a week cannot carry a weekly roster.
fn week_intervals(scenario: &Scenario) -> Result<usize, RosterError> {
    let interval_seconds = scenario.simulation().interval_seconds;
    let count = (SECONDS_PER_WEEK / interval_seconds).round();
    if (count * interval_seconds - SECONDS_PER_WEEK).abs() > 1e-6 {
        return Err(RosterError::Templates(vec![ScenarioProblem::new(
            "simulation.interval",
            "a roster repeats weekly, so the reporting interval must divide a week (15m, 30m, 1h...)",
        )]));
    }
    Ok(count as usize)
}

/// Positions per interval folded onto a week: the most any week needs in each interval.
fn weekly_requirement(positions: &[u32], week_intervals: usize) -> Vec<u32> {
    let mut week = vec![0u32; week_intervals];
    for (interval_idx, &count) in positions.iter().enumerate() {
        let slot = &mut week[interval_idx % week_intervals];
        *slot = (*slot).max(count);
    }
    week
}

/// Problems for intervals with demand that no pattern of the group works in (at most three
/// named, then a count).
fn uncovered(
    scenario: &Scenario,
    group_idx: usize,
    patterns: &[ShiftPattern],
    required: &[u32],
) -> Vec<ScenarioProblem> {
    let group = &scenario.groups()[group_idx].name;
    let interval_seconds = scenario.simulation().interval_seconds;
    if patterns.is_empty() && required.iter().any(|&r| r > 0) {
        let reason = if scenario.shift_templates().is_empty() {
            format!(
                "the scenario has no [[shift_templates]], and group {group} needs agents; add templates (README, Rosters)"
            )
        } else {
            format!(
                "no template may staff group {group}, which the plan needs; add one with groups = [\"{group}\"] or without `groups`"
            )
        };
        return vec![ScenarioProblem::new("shift_templates", reason)];
    }
    let mut worked = vec![false; required.len()];
    for pattern in patterns {
        for &(interval, _) in &pattern.coverage {
            worked[interval] = true;
        }
    }
    let gaps: Vec<usize> = (0..required.len())
        .filter(|&t| required[t] > 0 && !worked[t])
        .collect();
    if gaps.is_empty() {
        return Vec::new();
    }
    let named: Vec<String> = gaps
        .iter()
        .take(3)
        .map(|&t| {
            format!(
                "{} ({} needed)",
                format_clock(t as f64 * interval_seconds, false),
                required[t]
            )
        })
        .collect();
    let more = if gaps.len() > 3 {
        format!(" and {} more interval(s)", gaps.len() - 3)
    } else {
        String::new()
    };
    vec![ScenarioProblem::new(
        "shift_templates",
        format!(
            "no shift of the templates for group {group} works at {}{more}, where the plan needs agents; add start times or days that cover them",
            named.join(", ")
        ),
    )]
}

/// The scenario with every group staffed by its rostered shifts, and the plan's shrinkage.
fn rostered_scenario(
    scenario: &Scenario,
    groups: &[GroupRoster],
    plan_shrinkage: f64,
) -> Result<Scenario, SimulationError> {
    let headcounts = groups.iter().map(|group| {
        (
            group.group_idx,
            Headcount::Shifts(Roster::new(group.shifts(scenario))),
        )
    });
    Ok(scenario
        .clone()
        .with_headcounts(headcounts)
        .map_err(SimulationError::Staffing)?
        .with_added_shrinkage(plan_shrinkage))
}

/// Adds shifts to a group where `wanted[interval_idx]` says an agent is missing: a greedy
/// set cover of the failing intervals of the week, each shift the cheapest per failing
/// interval it works. Returns the agents added.
fn patch(group: &mut GroupRoster, wanted: &[bool], week_intervals: usize) -> u32 {
    let mut failing = vec![false; week_intervals];
    for (interval_idx, &want) in wanted.iter().enumerate() {
        if want {
            failing[interval_idx % week_intervals] = true;
        }
    }
    let mut added = 0;
    while let Some(first) = failing.iter().position(|f| *f) {
        let Some(best) = best_patch(
            &group.patterns,
            first,
            |t| {
                if failing[t] { 1.0 } else { 0.0 }
            },
        ) else {
            // No pattern works then (the requirement was zero there): nothing to add.
            failing[first] = false;
            continue;
        };
        group.added[best] += 1;
        added += 1;
        for &(t, _) in &group.patterns[best].coverage {
            failing[t] = false;
        }
    }
    added
}

/// Per (group, interval) agents on the floor, for tables and charts.
pub fn rostered_agents(roster: &RosterPlan, n_intervals: usize) -> Grid<f64> {
    let mut grid = Grid::filled(roster.groups.len(), n_intervals, 0.0);
    for group in &roster.groups {
        let floor = group.on_floor();
        for interval_idx in 0..n_intervals {
            grid[(group.group_idx, interval_idx)] = floor[interval_idx % floor.len()];
        }
    }
    grid
}
