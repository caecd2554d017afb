//! Per-replication values, the layer under every estimate: each channel and group metric
//! computed replication by replication (`Samples`), from the recorder's counters, over the
//! reported period or one interval. Summaries estimate from them; `omnisim compare` and the
//! CI gate's baseline check difference them replication by replication. The metric
//! definitions live here once and serve the channel totals, the per-interval rows and the
//! group figures alike.

use indexmap::IndexMap;

use super::digest::ReplicationDigest;
use crate::engine::ReplicationResult;
use crate::engine::counts::{ChannelIntervalCounts, GroupIntervalCounts};
use crate::metric::{Figures, Metric, Samples, figures_of, samples_of};
use crate::scenario::Scenario;
use crate::stats::ratio;

/// The channel metrics summary.json also gives replication by replication (`per_replication`),
/// so that a later run can be compared with it replication against replication, and the
/// metrics `omnisim compare` compares by default. `cost_per_contact` only with costs.
pub const CHANNEL_HEADLINE_METRICS: &[Metric] = &[
    Metric::SlaAttainment,
    Metric::AsaSeconds,
    Metric::WaitP90Seconds,
    Metric::AbandonmentRate,
    Metric::CostPerContact,
    Metric::WaitingAtEnd,
];

/// The group metrics given replication by replication, as `CHANNEL_HEADLINE_METRICS`.
pub const GROUP_HEADLINE_METRICS: &[Metric] = &[Metric::Occupancy];

/// Metric name to its value in each replication, in replication order; `null` where the
/// metric is undefined in that replication (no contacts to take a ratio over).
pub type ReplicationValues = IndexMap<Metric, Vec<Option<f64>>>;

/// The channel metrics of intervals.csv (and of a comparison's intervals), in column order.
pub const CHANNEL_INTERVAL_METRICS: &[Metric] = &[
    Metric::Offered,
    Metric::ArrivedClosed,
    Metric::Answered,
    Metric::Abandoned,
    Metric::Handled,
    Metric::SlaAttainment,
    Metric::AsaSeconds,
    Metric::MeanWaitSeconds,
    Metric::AbandonmentRate,
    Metric::MaxQueueLength,
    Metric::MeanQueueLength,
    Metric::WaitingAtEnd,
    Metric::ConvertedOut,
    Metric::ConvertedIn,
    Metric::FollowupsIn,
    Metric::CallbacksAccepted,
    Metric::LostToOutage,
];

/// Channel metrics of one replication over some counts covering `seconds` of time.
pub(crate) fn channel_metric_values(
    counts: &ChannelIntervalCounts,
    seconds: f64,
) -> Vec<(Metric, f64)> {
    let c = counts;
    let (answered, abandoned, offered) = (c.answered as f64, c.abandoned as f64, c.offered as f64);
    vec![
        (Metric::Offered, offered),
        (Metric::ArrivedClosed, c.arrived_closed as f64),
        (Metric::Deflected, c.deflected as f64),
        (Metric::Answered, answered),
        (Metric::Handled, c.handled as f64),
        (Metric::Abandoned, abandoned),
        (Metric::AnsweredWithinSla, c.answered_within_sla as f64),
        (Metric::AbandonedAfterSla, c.abandoned_after_sla as f64),
        (Metric::WaitingAtEnd, c.waiting_at_end as f64),
        (Metric::InServiceAtEnd, c.in_service_at_end as f64),
        (
            Metric::SlaAttainment,
            ratio(
                c.answered_within_sla as f64,
                answered + c.abandoned_after_sla as f64,
            ),
        ),
        (Metric::AsaSeconds, ratio(c.wait_sum_answered, answered)),
        (
            Metric::MeanWaitSeconds,
            ratio(
                c.wait_sum_answered + c.wait_sum_abandoned,
                answered + abandoned,
            ),
        ),
        (
            Metric::AbandonmentRate,
            ratio(abandoned, offered - c.deflected as f64),
        ),
        (
            Metric::ProbabilityWait,
            ratio(c.delayed as f64, offered - c.deflected as f64),
        ),
        (
            Metric::MeanHandleTimeSeconds,
            ratio(c.handle_time_sum, c.handled as f64),
        ),
        (Metric::MaxQueueLength, f64::from(c.max_queue_length)),
        (Metric::MeanQueueLength, c.queue_area / seconds),
        (Metric::ConvertedOut, c.converted_out as f64),
        (Metric::ConvertedIn, c.converted_in as f64),
        (Metric::FollowupsIn, c.followups_in as f64),
        (Metric::AfterHoursTickets, c.after_hours_tickets as f64),
        (Metric::HeldAfterHours, c.held_after_hours as f64),
        (Metric::CallbacksOffered, c.callbacks_offered as f64),
        (Metric::CallbacksAccepted, c.callbacks_accepted as f64),
        (Metric::LostToOutage, c.lost_to_outage as f64),
    ]
}

/// Group metrics of one replication over counts covering `seconds` of time.
pub(crate) fn group_metric_values(
    counts: &GroupIntervalCounts,
    seconds: f64,
) -> Vec<(Metric, f64)> {
    vec![
        (Metric::ScheduledAgents, counts.scheduled_area / seconds),
        (Metric::AvailableAgents, counts.available_area / seconds),
        (Metric::LoggedInAgents, counts.logged_in_area / seconds),
        (Metric::BusyAgents, counts.busy_area / seconds),
        (
            Metric::PastShiftAgents,
            counts.past_shift_busy_area / seconds,
        ),
        (
            Metric::Occupancy,
            ratio(
                counts.busy_area - counts.past_shift_busy_area,
                counts.on_shift_area,
            ),
        ),
        (Metric::Handled, counts.handled as f64),
    ]
}

/// Estimates across replications of metrics computed by `per_replication` on each.
pub(crate) fn estimates<Replication>(
    results: &[Replication],
    per_replication: impl Fn(&Replication) -> Vec<(Metric, f64)>,
) -> Figures {
    figures_of(&samples_of(results.iter().map(per_replication)))
}

/// The `metrics` of `samples` replication by replication, NaN written as absent.
pub fn replication_values(samples: &Samples, metrics: &[Metric]) -> ReplicationValues {
    metrics
        .iter()
        .filter_map(|metric| {
            let values = samples.get(metric)?;
            let values = values.iter().map(|v| v.is_finite().then_some(*v)).collect();
            Some((*metric, values))
        })
        .collect()
}

/// Per channel, every channel metric of summary.json in each replication (reported period).
pub fn channel_samples(scenario: &Scenario, results: &[ReplicationDigest]) -> Vec<Samples> {
    let settings = scenario.simulation();
    let reported_seconds = settings.horizon_seconds - settings.warmup_seconds;
    let dashboard = super::dashboard::channel_dashboard_samples(scenario, results);
    let wrap_up = has_wrap_up(scenario);
    dashboard
        .into_iter()
        .enumerate()
        .map(|(channel_idx, dashboard_samples)| {
            let mut samples = samples_of(results.iter().map(|result| {
                let total = &result.reported_channels[channel_idx];
                let mut values = channel_metric_values(total, reported_seconds);
                if wrap_up {
                    values.push((
                        Metric::MeanWrapUpSeconds,
                        ratio(total.wrap_up_time_sum, total.handled as f64),
                    ));
                }
                let quantiles = result.wait_quantiles_seconds[channel_idx];
                values.extend([
                    (Metric::WaitP50Seconds, quantiles[0]),
                    (Metric::WaitP90Seconds, quantiles[1]),
                    (Metric::WaitP95Seconds, quantiles[2]),
                    (Metric::WaitP99Seconds, quantiles[3]),
                ]);
                values
            }));
            samples.extend(dashboard_samples);
            samples
        })
        .collect()
}

/// Per group, every group metric of summary.json in each replication (reported period):
/// agent means over the group's open hours, paid agent-hours and their cost.
pub fn group_samples(scenario: &Scenario, results: &[ReplicationDigest]) -> Vec<Samples> {
    let settings = scenario.simulation();
    let reported_seconds = settings.horizon_seconds - settings.warmup_seconds;
    let wrap_up = has_wrap_up(scenario);
    scenario
        .groups()
        .iter()
        .enumerate()
        .map(|(group_idx, group)| {
            samples_of(results.iter().map(|result| {
                let total = &result.reported_groups[group_idx];
                // Agent means are over the group's open hours (the intervals its schedule
                // has anyone on the floor), not over nights it is closed.
                let open_seconds = result.group_open_seconds[group_idx];
                let over = if open_seconds > 0.0 {
                    open_seconds
                } else {
                    reported_seconds
                };
                let mut values = group_metric_values(total, over);
                if wrap_up {
                    values.push((Metric::WrapUpAgents, total.wrap_up_area / over));
                }
                let paid_hours = total.scheduled_area / 3600.0;
                values.push((Metric::PaidAgentHours, paid_hours));
                values.push((
                    Metric::AgentCost,
                    group
                        .cost_per_hour
                        .map_or(f64::NAN, |cost| cost * paid_hours),
                ));
                values
            }))
        })
        .collect()
}

/// Whether any channel has after-call work: only then are the wrap-up figures reported, so
/// the outputs of a scenario without it stay as they were.
fn has_wrap_up(scenario: &Scenario) -> bool {
    scenario.channels().iter().any(|c| c.wrap_up.is_some())
}

/// The seconds of the intervals in `span` in which the schedule has anyone on the floor.
pub fn open_seconds(span: &[GroupIntervalCounts], interval_seconds: f64) -> f64 {
    span.iter()
        .filter(|counts| counts.scheduled_area > 0.0)
        .count() as f64
        * interval_seconds
}

/// Appends the `metrics` of `results` (replications in order after those already held) per
/// channel, then per reported interval, to `all` (empty before the first). A comparison adds
/// its replications batch by batch; a merge of shards, one at a time, so that it never holds
/// more than one replication's counters.
pub fn append_channel_interval_samples(
    all: &mut Vec<Vec<Samples>>,
    scenario: &Scenario,
    results: &[ReplicationResult],
    metrics: &[Metric],
) {
    let seconds = scenario.simulation().interval_seconds;
    let entities = scenario.channels().len();
    append_interval_samples(all, scenario, entities, results, metrics, |result, cell| {
        channel_metric_values(&result.channel_intervals[cell], seconds)
    })
}

/// As `append_channel_interval_samples`, per group.
pub fn append_group_interval_samples(
    all: &mut Vec<Vec<Samples>>,
    scenario: &Scenario,
    results: &[ReplicationResult],
    metrics: &[Metric],
) {
    let seconds = scenario.simulation().interval_seconds;
    let entities = scenario.groups().len();
    append_interval_samples(all, scenario, entities, results, metrics, |result, cell| {
        group_metric_values(&result.group_intervals[cell], seconds)
    })
}

/// Pushes each (entity, reported interval)'s `metrics` among `values(result, cell)` onto its
/// samples, cell by cell (all of a cell's replications at once, for locality).
fn append_interval_samples(
    all: &mut Vec<Vec<Samples>>,
    scenario: &Scenario,
    entities: usize,
    results: &[ReplicationResult],
    metrics: &[Metric],
    values: impl Fn(&ReplicationResult, (usize, usize)) -> Vec<(Metric, f64)>,
) {
    all.resize_with(entities, Vec::new);
    for (entity_idx, cells) in all.iter_mut().enumerate() {
        for (position, interval_idx) in scenario.simulation().reported_intervals().enumerate() {
            if position == cells.len() {
                cells.push(Samples::new());
            }
            let samples = &mut cells[position];
            for result in results {
                let kept = values(result, (entity_idx, interval_idx))
                    .into_iter()
                    .filter(|(metric, _)| metrics.contains(metric));
                for (index, (metric, value)) in kept.enumerate() {
                    // Every replication lists the same metrics in the same order, so each
                    // is found at its place without a lookup (and by lookup if not).
                    match samples.get_index_mut(index) {
                        Some((held, values)) if *held == metric => values.push(value),
                        _ => samples.entry(metric).or_default().push(value),
                    }
                }
            }
        }
    }
}
