//! Judging a staffing: simulate it, then decide per (channel, interval) whether the SLA (and
//! abandonment) targets are met with the asked confidence, and per (group, interval) whether
//! occupancy stays under its cap. Pooled ratios over replications (`stats::PooledRatio`)
//! keep low-volume intervals honest.

use super::{ChannelOutcome, Evaluation, PlanOptions};
use crate::engine::ReplicationResult;
use crate::engine::grid::Grid;
use crate::error::SimulationError;
use crate::scenario::AfterHours;
use crate::scenario::{Headcount, Scenario};
use crate::simulate::{Execution, run_replications};
use crate::stats::PooledRatio;

/// Simulates `staffing` with the scenario's replications and seeds and judges every target.
pub fn evaluate(
    scenario: &Scenario,
    staffing: &[Vec<u32>],
    options: &PlanOptions,
    execution: Execution<'_>,
) -> Result<Evaluation, SimulationError> {
    let staffed = scenario
        .clone()
        .with_headcounts(
            staffing
                .iter()
                .enumerate()
                .map(|(group_idx, counts)| (group_idx, Headcount::PerInterval(counts.clone()))),
        )
        .map_err(SimulationError::Staffing)?;
    let (results, _) = run_replications(&staffed, execution)?;
    Ok(judge(scenario, &results, options))
}

/// Judges replications of a staffing against the targets.
pub fn judge(
    scenario: &Scenario,
    results: &[ReplicationResult],
    options: &PlanOptions,
) -> Evaluation {
    let settings = scenario.simulation();
    let n_intervals = settings.n_intervals();
    let reported = settings.reported_intervals();
    // A two-sided interval at 2c - 1 has the one-sided bound at c.
    let two_sided = (2.0 * options.confidence - 1.0).max(0.0);
    let mut channels = Grid::filled(scenario.channels().len(), n_intervals, None);
    for (channel_idx, channel) in scenario.channels().iter().enumerate() {
        let Some(sla) = channel.sla else { continue };
        for interval_idx in reported.clone() {
            let cell = (channel_idx, interval_idx);
            let counts = results.iter().map(|r| &r.channel_intervals[cell]);
            let sla_pairs: Vec<(f64, f64)> = counts
                .clone()
                .map(|c| {
                    (
                        c.answered_within_sla as f64,
                        (c.answered + c.abandoned_after_sla) as f64,
                    )
                })
                .collect();
            let abandon_pairs: Vec<(f64, f64)> = counts
                .map(|c| (c.abandoned as f64, (c.offered - c.deflected) as f64))
                .collect();
            let sla_ratio = PooledRatio::from_pairs(&sla_pairs, two_sided);
            let abandonment = PooledRatio::from_pairs(&abandon_pairs, two_sided);
            // Contacts still waiting at the end are not in the ratio; a backlog that never
            // clears must not look like a met target, so count them as misses.
            // Except where no staffing could serve them: a channel that holds contacts while
            // closed and does not open again before the horizon.
            let interval_start = interval_idx as f64 * settings.interval_seconds;
            let servable_before_horizon = channel.after_hours != AfterHours::Hold
                || channel
                    .hours
                    .open_seconds_between(interval_start, settings.horizon_seconds)
                    > 0.0;
            let waiting: f64 = if servable_before_horizon {
                results
                    .iter()
                    .map(|r| r.channel_intervals[cell].waiting_at_end as f64)
                    .sum()
            } else {
                0.0
            };
            let sla_lower_bound = sla_ratio.value.map(|value| {
                let value = value * sla_ratio.denominator / (sla_ratio.denominator + waiting);
                value - sla_ratio.half_width.unwrap_or(0.0)
            });
            let meets_sla = sla_lower_bound.is_none_or(|bound| bound >= sla.target - 1e-12)
                && (waiting == 0.0 || sla_ratio.value.is_some());
            let meets_abandonment = match (options.max_abandonment, abandonment.value) {
                (Some(limit), Some(value)) => {
                    value + abandonment.half_width.unwrap_or(0.0) <= limit + 1e-12
                }
                _ => true,
            };
            channels[cell] = Some(ChannelOutcome {
                sla: sla_ratio,
                abandonment,
                sla_lower_bound,
                meets_targets: meets_sla && meets_abandonment,
            });
        }
    }
    let mut occupancy = Grid::filled(scenario.groups().len(), n_intervals, None);
    let mut group_fails = Grid::filled(scenario.groups().len(), n_intervals, false);
    for group_idx in 0..scenario.groups().len() {
        for interval_idx in reported.clone() {
            let cell = (group_idx, interval_idx);
            let busy: f64 = results
                .iter()
                .map(|r| r.group_intervals[cell].busy_area)
                .sum();
            let logged_in: f64 = results
                .iter()
                .map(|r| r.group_intervals[cell].logged_in_area)
                .sum();
            if logged_in > 0.0 {
                let value = busy / logged_in;
                occupancy[cell] = Some(value);
                group_fails[cell] = options.max_occupancy.is_some_and(|cap| value > cap + 1e-12);
            }
        }
    }
    Evaluation {
        channels,
        occupancy,
        group_fails,
    }
}

/// Combines the judgements of one staffing on two samples: a target is met when it is met on
/// both, and the reported outcome is the worse one.
pub(super) fn worse_of(mut first: Evaluation, second: Evaluation) -> Evaluation {
    for (mine, theirs) in first
        .channels
        .cells_mut()
        .iter_mut()
        .zip(second.channels.cells())
    {
        if let (Some(mine), Some(theirs)) = (mine.as_mut(), *theirs) {
            let meets = mine.meets_targets && theirs.meets_targets;
            let theirs_lower = theirs.sla_lower_bound.unwrap_or(f64::INFINITY);
            if theirs_lower < mine.sla_lower_bound.unwrap_or(f64::INFINITY) || !theirs.meets_targets
            {
                *mine = theirs;
            }
            mine.meets_targets = meets;
        }
    }
    for (mine, theirs) in first
        .occupancy
        .cells_mut()
        .iter_mut()
        .zip(second.occupancy.cells())
    {
        *mine = match (*mine, *theirs) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
    }
    for (mine, theirs) in first
        .group_fails
        .cells_mut()
        .iter_mut()
        .zip(second.group_fails.cells())
    {
        *mine |= theirs;
    }
    first
}

/// The seed of the second sample every staffing is judged on.
pub fn holdout_seed(seed: u64) -> u64 {
    seed.wrapping_add(0x9E37_79B9_7F4A_7C15)
}
