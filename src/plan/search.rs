//! The planner's search over staffings: `raise` adds an agent wherever a target fails until
//! none does, `lower` removes agents in interleaved sets of intervals while every target
//! near a removal still holds. Every staffing is judged by `TwoSampleJudge` on two samples
//! of contacts (see the module documentation of `plan`).

use super::analytic::{serving_interval, window_intervals};
use super::evaluation::{evaluate, holdout_seed, worse_of};
use super::{Evaluation, PlanOptions};
use crate::error::SimulationError;
use crate::scenario::Scenario;
use crate::simulate::Execution;

/// Judges staffings on the scenario's seed and on a second fixed seed, counting the
/// simulations it runs against the budget.
pub(super) struct TwoSampleJudge<'a> {
    scenario: &'a Scenario,
    holdout: Scenario,
    options: &'a PlanOptions,
    execution: Execution<'a>,
    /// Simulations run so far (two per judgement).
    pub(super) evaluations: u32,
    /// What the search is doing, for the progress line.
    pub(super) stage: &'static str,
}

impl<'a> TwoSampleJudge<'a> {
    pub(super) fn new(
        scenario: &'a Scenario,
        options: &'a PlanOptions,
        execution: Execution<'a>,
    ) -> TwoSampleJudge<'a> {
        // A removal judged on one sample alone would pass by luck in a few intervals; one
        // that must pass on both rarely does.
        let holdout = scenario
            .clone()
            .with_seed(holdout_seed(scenario.simulation().seed));
        TwoSampleJudge {
            scenario,
            holdout,
            options,
            execution,
            evaluations: 0,
            stage: "plan",
        }
    }

    /// The worse of the two samples' judgements of `staffing`.
    fn judge(&mut self, staffing: &[Vec<u32>]) -> Result<Evaluation, SimulationError> {
        (self.execution.on_phase)(&format!(
            "plan: {}, simulations {}-{} (at most {})",
            self.stage,
            self.evaluations + 1,
            self.evaluations + 2,
            self.options.max_evaluations
        ));
        self.evaluations += 2;
        let base = evaluate(self.scenario, staffing, self.options, self.execution)?;
        let second = evaluate(&self.holdout, staffing, self.options, self.execution)?;
        Ok(worse_of(base, second))
    }

    fn budget_spent(&self) -> bool {
        self.evaluations >= self.options.max_evaluations
    }
}

/// Raises staffing where targets fail until none does (or the budget or the cap runs out):
/// a failing (channel, interval) adds one agent to the channel's primary group in the
/// interval that serves it; a group over its occupancy cap adds one there.
pub(super) fn raise(
    judge: &mut TwoSampleJudge<'_>,
    staffing: &mut [Vec<u32>],
    primary: &[Option<usize>],
) -> Result<Evaluation, SimulationError> {
    let scenario = judge.scenario;
    let n_intervals = scenario.simulation().n_intervals();
    let cap = judge.options.max_agents_per_interval;
    loop {
        let evaluation = judge.judge(staffing)?;
        let mut bump = vec![vec![false; n_intervals]; staffing.len()];
        for (channel_idx, group) in primary.iter().enumerate() {
            let Some(group_idx) = *group else { continue };
            for interval_idx in 0..n_intervals {
                if evaluation.channel_fails(channel_idx, interval_idx)
                    && let Some(serving) = serving_interval(scenario, channel_idx, interval_idx)
                {
                    bump[group_idx][serving] = true;
                }
            }
        }
        for (group_idx, wanted) in bump.iter_mut().enumerate() {
            for (interval_idx, wanted) in wanted.iter_mut().enumerate() {
                if evaluation.group_fails[(group_idx, interval_idx)] {
                    *wanted = true;
                }
            }
        }
        let mut raised = false;
        for (counts, wanted) in staffing.iter_mut().zip(&bump) {
            for (count, &wanted) in counts.iter_mut().zip(wanted) {
                if wanted && *count < cap {
                    *count += 1;
                    raised = true;
                }
            }
        }
        if !raised || judge.budget_spent() {
            return Ok(evaluation);
        }
    }
}

/// Lowers a staffing that meets every target. Each (group, interval) removes `step` agents
/// at a time, starting at a quarter of its staffing and halving when vetoed (a bisection per
/// interval); a step of one that is vetoed freezes it. Intervals tried together lie a
/// group's longest SLA window plus three intervals apart, so their effects do not overlap.
/// When everything is frozen, one more round tries one agent everywhere, since other
/// removals may have made room; repeat until that round removes nothing.
pub(super) fn lower(
    judge: &mut TwoSampleJudge<'_>,
    staffing: &mut [Vec<u32>],
) -> Result<(), SimulationError> {
    let scenario = judge.scenario;
    let settings = scenario.simulation();
    let n_intervals = settings.n_intervals();
    let first = settings.first_reported_interval();
    let n_groups = staffing.len();
    let group_window = group_windows(scenario);
    let mut step: Vec<Vec<u32>> = staffing
        .iter()
        .map(|counts| counts.iter().map(|&c| (c / 4).max(1)).collect())
        .collect();
    let mut frozen = vec![vec![false; n_intervals]; n_groups];
    'rounds: loop {
        let mut lowered_any = false;
        for group_idx in 0..n_groups {
            let stride = group_window[group_idx] + 3;
            for residue in 0..stride {
                if judge.budget_spent() {
                    break 'rounds;
                }
                let candidates: Vec<usize> = (first..n_intervals)
                    .filter(|&i| {
                        i % stride == residue && staffing[group_idx][i] > 0 && !frozen[group_idx][i]
                    })
                    .collect();
                if candidates.is_empty() {
                    continue;
                }
                let mut trial = staffing.to_vec();
                for &i in &candidates {
                    let removal = step[group_idx][i].min(staffing[group_idx][i]);
                    trial[group_idx][i] -= removal;
                }
                let trial_evaluation = judge.judge(&trial)?;
                let vetoed = vetoes(
                    &trial_evaluation,
                    &candidates,
                    group_idx,
                    group_window[group_idx],
                    first..n_intervals,
                    scenario.channels().len(),
                );
                for (k, &i) in candidates.iter().enumerate() {
                    if vetoed[k] {
                        if step[group_idx][i] > 1 {
                            step[group_idx][i] /= 2;
                        } else {
                            frozen[group_idx][i] = true;
                        }
                    } else {
                        staffing[group_idx][i] = trial[group_idx][i];
                        lowered_any = true;
                    }
                }
            }
        }
        let all_frozen = (0..n_groups)
            .all(|g| (first..n_intervals).all(|i| frozen[g][i] || staffing[g][i] == 0));
        if all_frozen {
            if !lowered_any && step.iter().flatten().all(|&s| s == 1) {
                break;
            }
            // A closing round: one agent everywhere.
            for row in step.iter_mut() {
                row.fill(1);
            }
            for row in frozen.iter_mut() {
                row.fill(false);
            }
        }
    }
    Ok(())
}

/// How far a change in each group's staffing reaches, in intervals: its longest SLA window.
fn group_windows(scenario: &Scenario) -> Vec<usize> {
    let interval_seconds = scenario.simulation().interval_seconds;
    let channel_window: Vec<usize> = scenario
        .channels()
        .iter()
        .map(|c| {
            c.sla.map_or(0, |sla| {
                window_intervals(sla.threshold_seconds, interval_seconds)
            })
        })
        .collect();
    scenario
        .groups()
        .iter()
        .map(|group| {
            (0..scenario.channels().len())
                .filter(|&c| group.serves_channel[c])
                .map(|c| channel_window[c])
                .max()
                .unwrap_or(0)
        })
        .collect()
}

/// Which candidate removals a trial's failures veto: a failure within a candidate's reach
/// (from `reach_before` intervals before it to two after) vetoes it; a failure near none
/// vetoes the latest candidate before it (a backlog flows forward in time).
fn vetoes(
    trial: &Evaluation,
    candidates: &[usize],
    group_idx: usize,
    reach_before: usize,
    reported: std::ops::Range<usize>,
    n_channels: usize,
) -> Vec<bool> {
    let near = |i: usize, j: usize| j + reach_before >= i && j <= i + 2;
    let mut vetoed = vec![false; candidates.len()];
    for j in reported {
        let fails =
            (0..n_channels).any(|c| trial.channel_fails(c, j)) || trial.group_fails[(group_idx, j)];
        if !fails {
            continue;
        }
        let mut claimed = false;
        for (k, &i) in candidates.iter().enumerate() {
            if near(i, j) {
                vetoed[k] = true;
                claimed = true;
            }
        }
        if !claimed {
            let before = candidates.iter().rposition(|&i| i <= j).unwrap_or(0);
            vetoed[before] = true;
        }
    }
    vetoed
}
