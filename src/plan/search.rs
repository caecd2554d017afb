//! The planner's search over staffings: `raise` adds an agent wherever an estimate misses a
//! target (and where a channel's whole-horizon SLA is not met with confidence) until none
//! does, `lower` removes agents in interleaved sets of intervals while every target near a
//! removal still holds with confidence. Every staffing is judged by `TwoSampleJudge` on two
//! samples of contacts pooled (see the module documentation of `plan`).

use super::analytic::{serving_interval, window_intervals};
use super::evaluation::evaluate_on_two_samples;
use super::{Evaluation, PlanOptions};
use crate::error::SimulationError;
use crate::scenario::Scenario;
use crate::simulate::Execution;

/// Judges staffings on the scenario's seed and on a second fixed seed, pooled, counting
/// the simulations it runs against the budget.
pub(super) struct TwoSampleJudge<'a> {
    scenario: &'a Scenario,
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
        TwoSampleJudge {
            scenario,
            options,
            execution,
            evaluations: 0,
            stage: "plan",
        }
    }

    /// The judgement of `staffing` on both samples' replications pooled.
    fn judge(&mut self, staffing: &[Vec<u32>]) -> Result<Evaluation, SimulationError> {
        (self.execution.on_phase)(&format!(
            "plan: {}, simulations {}-{} (at most {})",
            self.stage,
            self.evaluations + 1,
            self.evaluations + 2,
            self.options.max_evaluations
        ));
        self.evaluations += 2;
        evaluate_on_two_samples(self.scenario, staffing, self.options, self.execution)
    }

    fn budget_spent(&self) -> bool {
        self.evaluations >= self.options.max_evaluations
    }
}

/// Raises staffing where targets fail until none does (or the budget or the cap runs out):
/// one agent wherever `cells_to_raise` says, until it says nowhere.
pub(super) fn raise(
    judge: &mut TwoSampleJudge<'_>,
    staffing: &mut [Vec<u32>],
    primary: &[Option<usize>],
) -> Result<Evaluation, SimulationError> {
    let scenario = judge.scenario;
    let cap = judge.options.max_agents_per_interval;
    loop {
        let evaluation = judge.judge(staffing)?;
        let bump = cells_to_raise(scenario, &evaluation, primary);
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

/// `[group_idx][interval_idx]`: where a staffing judged so needs one more agent. A
/// (channel, interval) whose estimate misses raises the channel's primary group in the
/// interval that serves it; a channel whose SLA over the horizon is not met with confidence
/// (or, with `day_probability`, whose share of days meeting the target falls short) raises
/// its tenth of intervals with the lowest bounds; a group over its occupancy cap
/// raises itself there.
pub(crate) fn cells_to_raise(
    scenario: &Scenario,
    evaluation: &Evaluation,
    primary: &[Option<usize>],
) -> Vec<Vec<bool>> {
    let n_intervals = scenario.simulation().n_intervals();
    let mut bump = vec![vec![false; n_intervals]; scenario.groups().len()];
    {
        for (channel_idx, group) in primary.iter().enumerate() {
            let Some(group_idx) = *group else { continue };
            for interval_idx in 0..n_intervals {
                if evaluation.channel_fails(channel_idx, interval_idx)
                    && let Some(serving) = serving_interval(scenario, channel_idx, interval_idx)
                {
                    bump[group_idx][serving] = true;
                }
            }
            if evaluation.horizon[channel_idx].is_some_and(|o| !o.meets_target)
                || evaluation.days[channel_idx].is_some_and(|o| !o.meets_target)
            {
                for interval_idx in weakest_intervals(evaluation, channel_idx) {
                    if let Some(serving) = serving_interval(scenario, channel_idx, interval_idx) {
                        bump[group_idx][serving] = true;
                    }
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
    }
    bump
}

/// Lowers a staffing that meets every target. A removal is kept only where every target
/// near it still holds with confidence, not merely by its estimate. Each (group, interval) removes `step` agents
/// at a time, starting at a quarter of its staffing and halving when vetoed (a bisection per
/// interval); a step of one that is vetoed freezes it. Intervals tried together lie a
/// group's longest SLA window plus three intervals apart, so their effects do not overlap.
/// When everything is frozen, one more round tries one agent everywhere, since other
/// removals may have made room; repeat until that round removes nothing.
pub(super) fn lower(
    judge: &mut TwoSampleJudge<'_>,
    staffing: &mut [Vec<u32>],
    start: &Evaluation,
    primary: &[Option<usize>],
) -> Result<(), SimulationError> {
    let scenario = judge.scenario;
    let settings = scenario.simulation();
    let n_intervals = settings.n_intervals();
    let first = settings.first_reported_interval();
    let n_groups = staffing.len();
    let group_window = group_windows(scenario);
    // Channels whose SLA window fits in one interval.
    let short_window: Vec<bool> = scenario
        .channels()
        .iter()
        .map(|c| {
            c.sla.is_some_and(|sla| {
                window_intervals(sla.threshold_seconds, settings.interval_seconds) <= 1
            })
        })
        .collect();
    let guards: Vec<RemovalGuards> = scenario
        .groups()
        .iter()
        .enumerate()
        .map(|(group_idx, group)| RemovalGuards {
            group_idx,
            reach_before: group_window[group_idx],
            serves: group.serves_channel.clone(),
            decided_here: (0..primary.len())
                .map(|c| short_window[c] && primary[c] == Some(group_idx))
                .collect(),
        })
        .collect();
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
                    start,
                    &candidates,
                    &guards[group_idx],
                    first..n_intervals,
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

/// The tenth (at least one) of a channel's intervals with the lowest SLA bounds.
fn weakest_intervals(evaluation: &Evaluation, channel_idx: usize) -> Vec<usize> {
    let mut bounds: Vec<(f64, usize)> = (0..evaluation.channels.n_columns())
        .filter_map(|interval_idx| {
            let outcome = evaluation.channels[(channel_idx, interval_idx)]?;
            Some((outcome.sla_lower_bound?, interval_idx))
        })
        .collect();
    bounds.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let take = bounds.len().div_ceil(10);
    bounds.into_iter().take(take).map(|(_, i)| i).collect()
}

/// What a removal from one group must leave standing (see `vetoes`).
struct RemovalGuards {
    group_idx: usize,
    /// How many intervals before a removal its effect reaches (the group's longest SLA
    /// window).
    reach_before: usize,
    /// `[channel_idx]`: the group serves it, so its targets met with confidence before the
    /// search lowered anything must stay so.
    serves: Vec<bool>,
    /// `[channel_idx]`: its requirement is the group's and its SLA window fits in one
    /// interval, so that interval's staffing decides its attainment: a removal there must
    /// leave it met with confidence, or one that misses would pass by luck wherever the
    /// estimate sat near the target.
    decided_here: Vec<bool>,
}

/// Which candidate removals a trial's failures veto. A failure is an estimate that misses a
/// target (any channel's: removals reach other channels through shared agents and
/// handoffs), a target of a channel the group serves that was met with confidence before
/// the search lowered anything (`start`) and no longer is, or, in a candidate's own
/// interval, a `decided_here` target not met with confidence. Other targets already short
/// of confidence at the start (the estimate meets them, the bound not quite) do not block
/// removals. A failure within a candidate's reach (from `reach_before` intervals before it
/// to two after) vetoes it; a failure near none vetoes the latest candidate before it (a
/// backlog flows forward in time).
fn vetoes(
    trial: &Evaluation,
    start: &Evaluation,
    candidates: &[usize],
    guards: &RemovalGuards,
    reported: std::ops::Range<usize>,
) -> Vec<bool> {
    let near = |i: usize, j: usize| j + guards.reach_before >= i && j <= i + 2;
    let n_channels = guards.serves.len();
    let mut vetoed = vec![false; candidates.len()];
    for j in reported {
        let fails_anywhere = trial.group_fails[(guards.group_idx, j)]
            || (0..n_channels).any(|c| {
                trial.channel_fails(c, j)
                    || (guards.serves[c]
                        && trial.channel_unsure(c, j)
                        && !start.channel_unsure(c, j))
            });
        let unsure_here =
            (0..n_channels).any(|c| guards.decided_here[c] && trial.channel_unsure(c, j));
        if !fails_anywhere && !unsure_here {
            continue;
        }
        let mut claimed = false;
        for (k, &i) in candidates.iter().enumerate() {
            if (fails_anywhere && near(i, j)) || (unsure_here && i == j) {
                vetoed[k] = true;
                claimed = true;
            }
        }
        if fails_anywhere && !claimed {
            let before = candidates.iter().rposition(|&i| i <= j).unwrap_or(0);
            vetoed[before] = true;
        }
    }
    vetoed
}
