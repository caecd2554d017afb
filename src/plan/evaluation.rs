//! Judging a staffing: simulate it, then decide per (channel, interval) whether the SLA (and
//! abandonment) targets are met by the estimate and with the asked confidence, per channel
//! whether the whole horizon meets its SLA with that confidence and on what share of days
//! its SLA over the day met the target, and per (group, interval)
//! whether occupancy stays under its cap. Pooled ratios over replications
//! (`stats::PooledRatio`) keep low-volume intervals honest.

use super::{ChannelOutcome, DayOutcome, Evaluation, HorizonOutcome, PlanOptions};
use crate::engine::ReplicationResult;
use crate::engine::grid::Grid;
use crate::error::SimulationError;
use crate::scenario::AfterHours;
use crate::scenario::{Headcount, Scenario};
use crate::simulate::{Execution, map_in_parallel, run_replications_counters_only};
use crate::stats::{Estimate, PooledRatio};
use crate::units::SECONDS_PER_DAY;

/// Simulates `staffing` with the scenario's replications and seeds and judges every target.
pub fn evaluate(
    scenario: &Scenario,
    staffing: &[Vec<u32>],
    options: &PlanOptions,
    execution: Execution<'_>,
) -> Result<Evaluation, SimulationError> {
    let results = simulate_staffing(scenario, staffing, execution)?;
    let evaluation = judge(scenario, &results, options);
    execution.give_back(results);
    Ok(evaluation)
}

/// Judges `staffing` on the replications of the scenario's seed and of its holdout seed
/// (`holdout_seed`): the same contacts for every staffing. This is how the planner judges
/// every candidate. Estimates, bounds and the horizon figures are of both samples pooled
/// (twice the contacts); a target counts as met with confidence only when it is on each
/// sample alone. A removal judged on one sample would pass by luck where the target sits
/// just above what the smaller staffing achieves (13 agents of Erlang C's 14 give 79.6%
/// against 80%: one sample at 90% lets that through about one time in fifteen); passing on
/// two independent samples rarely does.
pub fn evaluate_on_two_samples(
    scenario: &Scenario,
    staffing: &[Vec<u32>],
    options: &PlanOptions,
    execution: Execution<'_>,
) -> Result<Evaluation, SimulationError> {
    let staffed = staffed_scenario(scenario, staffing)?;
    evaluate_staffed_on_two_samples(&staffed, options, execution)
}

/// `evaluate_on_two_samples` of a scenario whose groups are already staffed as they are to
/// be judged (a roster's shifts, say).
pub fn evaluate_staffed_on_two_samples(
    scenario: &Scenario,
    options: &PlanOptions,
    execution: Execution<'_>,
) -> Result<Evaluation, SimulationError> {
    let holdout = scenario
        .clone()
        .with_seed(holdout_seed(scenario.simulation().seed));
    let (mut results, _) = run_replications_counters_only(scenario, execution)?;
    let (holdout_results, _) = run_replications_counters_only(&holdout, execution)?;
    let first = results.len();
    results.extend(holdout_results);
    // The three judgements (each sample alone, and both pooled) are independent: made on
    // the run's threads, they do not wait for one another.
    let samples: [&[ReplicationResult]; 3] = [&results[..first], &results[first..], &results];
    let [first_alone, second_alone, mut pooled]: [Evaluation; 3] =
        map_in_parallel(&samples, execution.threads, |sample| {
            judge(scenario, sample, options)
        })?
        .try_into()
        .expect("three samples, three judgements");
    execution.give_back(results);
    for ((cell, first), second) in pooled
        .channels
        .cells_mut()
        .iter_mut()
        .zip(first_alone.channels.cells())
        .zip(second_alone.channels.cells())
    {
        if let Some(cell) = cell {
            cell.confidently_met = first.is_some_and(|o| o.confidently_met)
                && second.is_some_and(|o| o.confidently_met);
        }
    }
    Ok(pooled)
}

/// The replications of the scenario with `staffing` as every group's per-interval headcount.
fn simulate_staffing(
    scenario: &Scenario,
    staffing: &[Vec<u32>],
    execution: Execution<'_>,
) -> Result<Vec<ReplicationResult>, SimulationError> {
    let (results, _) =
        run_replications_counters_only(&staffed_scenario(scenario, staffing)?, execution)?;
    Ok(results)
}

/// The scenario with `staffing` as every group's per-interval headcount.
fn staffed_scenario(
    scenario: &Scenario,
    staffing: &[Vec<u32>],
) -> Result<Scenario, SimulationError> {
    scenario
        .clone()
        .with_headcounts(
            staffing
                .iter()
                .enumerate()
                .map(|(group_idx, counts)| (group_idx, Headcount::PerInterval(counts.clone()))),
        )
        .map_err(SimulationError::Staffing)
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
    let mut horizon = vec![None; scenario.channels().len()];
    let mut days_met = vec![None; scenario.channels().len()];
    // Days are whole days from time 0 (the last may be partial); none when the interval
    // does not divide a day.
    let per_day = (SECONDS_PER_DAY / settings.interval_seconds).round();
    let intervals_per_day = ((per_day * settings.interval_seconds - SECONDS_PER_DAY).abs() < 1e-6
        && per_day >= 1.0)
        .then_some(per_day as usize);
    let n_days = intervals_per_day.map_or(0, |per_day| n_intervals.div_ceil(per_day));
    for (channel_idx, channel) in scenario.channels().iter().enumerate() {
        let Some(sla) = channel.sla else { continue };
        // Per replication, the channel's SLA over every reported interval: (within, judged).
        let mut horizon_pairs = vec![(0.0, 0.0); results.len()];
        // Per replication and day: (within, judged).
        let mut day_pairs = vec![vec![(0.0, 0.0); n_days]; results.len()];
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
            let attainment = sla_ratio
                .value
                .map(|value| value * sla_ratio.denominator / (sla_ratio.denominator + waiting));
            let half_width = sla_ratio.half_width.unwrap_or(0.0);
            let sla_lower_bound = attainment.map(|value| value - half_width);
            let answerable = waiting == 0.0 || sla_ratio.value.is_some();
            let reaches = |value: Option<f64>| value.is_none_or(|v| v >= sla.target - 1e-12);
            let abandonment_within =
                |margin: f64| match (options.max_abandonment, abandonment.value) {
                    (Some(limit), Some(value)) => value + margin <= limit + 1e-12,
                    _ => true,
                };
            let abandonment_half_width = abandonment.half_width.unwrap_or(0.0);
            channels[cell] = Some(ChannelOutcome {
                sla: sla_ratio,
                abandonment,
                sla_lower_bound,
                meets_targets: answerable && reaches(attainment) && abandonment_within(0.0),
                confidently_met: answerable
                    && reaches(sla_lower_bound)
                    && abandonment_within(abandonment_half_width),
            });
            for ((pair, days), result) in horizon_pairs.iter_mut().zip(&mut day_pairs).zip(results)
            {
                let counts = &result.channel_intervals[cell];
                let unserved = if servable_before_horizon {
                    counts.waiting_at_end
                } else {
                    0
                };
                let within = counts.answered_within_sla as f64;
                let judged = (counts.answered + counts.abandoned_after_sla + unserved) as f64;
                pair.0 += within;
                pair.1 += judged;
                if let Some(per_day) = intervals_per_day {
                    let day = &mut days[interval_idx / per_day];
                    day.0 += within;
                    day.1 += judged;
                }
            }
        }
        if intervals_per_day.is_some() {
            days_met[channel_idx] = day_outcome(&day_pairs, sla.target, options, two_sided);
        }
        let whole = PooledRatio::from_pairs(&horizon_pairs, two_sided);
        horizon[channel_idx] = whole.value.map(|value| HorizonOutcome {
            attainment: value,
            lower_bound: value - whole.half_width.unwrap_or(0.0),
            target: sla.target,
            meets_target: value - whole.half_width.unwrap_or(0.0) >= sla.target - 1e-12,
        });
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
        horizon,
        days: days_met,
        occupancy,
        group_fails,
    }
}

/// The share of days on which the SLA met `target`: each replication's share of its judged
/// days, estimated over replications (a replication's days share its draws, so the
/// replication is the independent unit), with the one-sided lower bound at the plan's
/// confidence (`two_sided` = 2c - 1).
fn day_outcome(
    day_pairs: &[Vec<(f64, f64)>],
    target: f64,
    options: &PlanOptions,
    two_sided: f64,
) -> Option<DayOutcome> {
    let mut days = 0u32;
    let shares = day_pairs.iter().map(|replication| {
        let judged: Vec<&(f64, f64)> = replication.iter().filter(|(_, j)| *j > 0.0).collect();
        days += judged.len() as u32;
        let met = judged
            .iter()
            .filter(|(within, judged)| within / judged >= target - 1e-12)
            .count();
        if judged.is_empty() {
            f64::NAN
        } else {
            met as f64 / judged.len() as f64
        }
    });
    let estimate = Estimate::with_confidence(shares.collect::<Vec<f64>>(), two_sided);
    let share = estimate.mean?;
    let lower_bound = share - estimate.ci95.unwrap_or(0.0);
    Some(DayOutcome {
        share_of_days_met: share,
        lower_bound,
        days,
        required: options.day_probability,
        meets_target: options
            .day_probability
            .is_none_or(|required| lower_bound >= required - 1e-12),
    })
}

/// The seed of the second sample every staffing is judged on.
pub fn holdout_seed(seed: u64) -> u64 {
    seed.wrapping_add(0x9E37_79B9_7F4A_7C15)
}
