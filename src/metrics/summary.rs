//! From replications to reported figures: each metric is computed per replication (from the
//! counters of `recorder`), then summarised as a mean and a 95% Student-t half-width across
//! replications. The metric definitions live here once and serve the channel totals, the
//! per-interval rows and the group figures alike.

use indexmap::IndexMap;
use serde::Serialize;

use crate::engine::ReplicationResult;
use crate::engine::counts::{ChannelIntervalCounts, GroupIntervalCounts};
use crate::metric::{Figures, Metric, Samples, figures_of};
use crate::scenario::{ChannelKind, Scenario};
use crate::stats::ratio;
use crate::units::format_clock;

pub use super::routing_summary::{RoutingSummary, routing_summary};

/// The SLA attainment formula, as written in summary.json and the README.
pub const SLA_FORMULA: &str = "answered within threshold / (answered + abandoned after threshold)";

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

/// Everything a run reports. Serialised as summary.json.
#[derive(Debug, Clone, Serialize)]
pub struct RunSummary {
    /// Version of omnisim that produced the file.
    pub omnisim_version: String,
    /// The scenario's name.
    pub scenario: String,
    pub seed: u64,
    pub replications: u32,
    pub horizon_seconds: f64,
    pub interval_seconds: f64,
    pub warmup_seconds: f64,
    /// How `sla_attainment` is computed.
    pub sla_attainment_formula: &'static str,
    /// Flow conservation was checked per channel, interval and replication.
    pub flow_conservation_holds: bool,
    /// Overload and backlog findings, in words.
    pub warnings: Vec<String>,
    pub channels: Vec<ChannelSummary>,
    pub groups: Vec<GroupSummary>,
    /// Routing rules, overflows, callbacks, handoffs, cross-channel issue figures and work
    /// per group and channel.
    pub routing: RoutingSummary,
    /// Disruptions (`[[events]]`): what each did and, from `omnisim run`, its effect against
    /// the same run without them.
    #[serde(rename = "events")]
    pub disruptions: Vec<super::disruption_summary::DisruptionSummary>,
    /// Per channel with agents: the waiting-time distribution of answered contacts.
    pub wait_distributions: Vec<super::dashboard::WaitDistribution>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChannelSummary {
    pub name: String,
    /// voice, messaging, async or self_service.
    pub kind: &'static str,
    pub sla_threshold_seconds: Option<f64>,
    pub sla_target: Option<f64>,
    /// Whether the mean SLA attainment reaches the target (absent without an SLA or answers).
    pub meets_sla_target: Option<bool>,
    /// Metric name to estimate; names are listed in the README.
    pub metrics: Figures,
    /// The headline metrics (`CHANNEL_HEADLINE_METRICS`) in each replication.
    pub per_replication: ReplicationValues,
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupSummary {
    pub name: String,
    pub metrics: Figures,
    /// The headline metrics (`GROUP_HEADLINE_METRICS`) in each replication.
    pub per_replication: ReplicationValues,
}

/// One row of intervals.csv or group_intervals.csv before formatting.
#[derive(Debug, Clone)]
pub struct IntervalRow {
    /// Channel or group name.
    pub name: String,
    pub interval_idx: usize,
    pub start_seconds: f64,
    pub start_label: String,
    /// Disruption events active during the interval, ';'-separated.
    pub active_disruptions: String,
    pub metrics: Figures,
}

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
fn group_metric_values(counts: &GroupIntervalCounts, seconds: f64) -> Vec<(Metric, f64)> {
    vec![
        (Metric::ScheduledAgents, counts.scheduled_area / seconds),
        (Metric::AvailableAgents, counts.available_area / seconds),
        (Metric::LoggedInAgents, counts.logged_in_area / seconds),
        (Metric::BusyAgents, counts.busy_area / seconds),
        (
            Metric::Occupancy,
            ratio(counts.busy_area, counts.logged_in_area),
        ),
        (Metric::Handled, counts.handled as f64),
    ]
}

/// Estimates across replications of metrics computed by `per_replication` on each.
pub(crate) fn estimates(
    results: &[ReplicationResult],
    per_replication: impl Fn(&ReplicationResult) -> Vec<(Metric, f64)>,
) -> Figures {
    figures_of(&samples_of(results.iter().map(per_replication)))
}

/// Samples from one list of values per replication (each list names the same metrics in the
/// same order).
pub(crate) fn samples_of(per_replication: impl Iterator<Item = Vec<(Metric, f64)>>) -> Samples {
    let mut samples = Samples::new();
    for values in per_replication {
        for (metric, value) in values {
            samples.entry(metric).or_default().push(value);
        }
    }
    samples
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
pub fn channel_samples(scenario: &Scenario, results: &[ReplicationResult]) -> Vec<Samples> {
    let settings = scenario.simulation();
    let reported = settings.reported_intervals();
    let reported_seconds = settings.horizon_seconds - settings.warmup_seconds;
    let dashboard = super::dashboard::channel_dashboard_samples(scenario, results);
    dashboard
        .into_iter()
        .enumerate()
        .map(|(channel_idx, dashboard_samples)| {
            let mut samples = samples_of(results.iter().map(|result| {
                let mut values = channel_metric_values(
                    &ChannelIntervalCounts::total(
                        result.channel_intervals.span(channel_idx, reported.clone()),
                    ),
                    reported_seconds,
                );
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

/// Per group, every group metric of summary.json in each replication (reported period).
pub fn group_samples(scenario: &Scenario, results: &[ReplicationResult]) -> Vec<Samples> {
    let settings = scenario.simulation();
    let reported = settings.reported_intervals();
    let reported_seconds = settings.horizon_seconds - settings.warmup_seconds;
    (0..scenario.groups().len())
        .map(|group_idx| {
            samples_of(results.iter().map(|result| {
                group_metric_values(
                    &GroupIntervalCounts::total(
                        result.group_intervals.span(group_idx, reported.clone()),
                    ),
                    reported_seconds,
                )
            }))
        })
        .collect()
}

/// Summarises replications (in replication order) into the run's reported figures.
pub fn summarise(scenario: &Scenario, results: &[ReplicationResult]) -> RunSummary {
    let settings = scenario.simulation();
    let channels: Vec<ChannelSummary> = scenario
        .channels()
        .iter()
        .zip(channel_samples(scenario, results))
        .map(|(channel, samples)| {
            let metrics = figures_of(&samples);
            let meets_sla_target = channel.sla.and_then(|sla| {
                metrics[&Metric::SlaAttainment]
                    .mean
                    .map(|mean| mean >= sla.target)
            });
            ChannelSummary {
                name: channel.name.clone(),
                kind: channel.kind.name(),
                sla_threshold_seconds: channel.sla.map(|sla| sla.threshold_seconds),
                sla_target: channel.sla.map(|sla| sla.target),
                meets_sla_target,
                metrics,
                per_replication: replication_values(&samples, CHANNEL_HEADLINE_METRICS),
            }
        })
        .collect();
    let groups = scenario
        .groups()
        .iter()
        .zip(group_samples(scenario, results))
        .map(|(group, samples)| GroupSummary {
            name: group.name.clone(),
            metrics: figures_of(&samples),
            per_replication: replication_values(&samples, GROUP_HEADLINE_METRICS),
        })
        .collect();
    let flow_conservation_holds = results
        .iter()
        .all(|result| result.conservation_failures.is_empty());
    let mut summary = RunSummary {
        omnisim_version: env!("CARGO_PKG_VERSION").to_string(),
        scenario: scenario.name().to_string(),
        seed: settings.seed,
        replications: results.len() as u32,
        horizon_seconds: settings.horizon_seconds,
        interval_seconds: settings.interval_seconds,
        warmup_seconds: settings.warmup_seconds,
        sla_attainment_formula: SLA_FORMULA,
        flow_conservation_holds,
        warnings: Vec::new(),
        channels,
        groups,
        routing: routing_summary(scenario, results),
        disruptions: super::disruption_summary::disruption_summaries(scenario, results, None),
        wait_distributions: super::dashboard::wait_distributions(scenario, results),
    };
    summary.warnings = overload_warnings(scenario, &summary);
    summary
}

/// Plain-words findings: offered work above staffed capacity, and backlogs left at the end.
fn overload_warnings(scenario: &Scenario, summary: &RunSummary) -> Vec<String> {
    let settings = scenario.simulation();
    let mut warnings = Vec::new();
    let (from, to) = (settings.warmup_seconds, settings.horizon_seconds);
    let mut work_hours = 0.0;
    for channel in scenario.channels() {
        let (Some(arrivals), Some(handle_time)) = (&channel.arrivals, &channel.handle_time) else {
            continue;
        };
        let mut open_arrivals = arrivals.expected_arrivals(from, to);
        if channel.hours != crate::scenario::OperatingHours::Always {
            // Approximate the open share by sampling the rate-weighted week on a 1-minute grid.
            let (mut open, mut all) = (0.0, 0.0);
            let mut time = from;
            while time < to {
                let step = 60.0f64.min(to - time);
                let expected = arrivals.expected_arrivals(time, time + step);
                all += expected;
                if channel.hours.is_open(time) {
                    open += expected;
                }
                time += step;
            }
            open_arrivals = if all > 0.0 {
                open_arrivals * open / all
            } else {
                0.0
            };
        }
        let per_agent = if channel.kind == ChannelKind::Messaging {
            scenario
                .groups()
                .iter()
                .filter(|g| g.serves_channel[scenario.channel_index(&channel.name).unwrap_or(0)])
                .map(|g| g.concurrency)
                .max()
                .unwrap_or(1)
        } else {
            1
        };
        work_hours += open_arrivals * handle_time.mean() / 3600.0 / f64::from(per_agent);
    }
    let first = settings.first_reported_interval();
    let staffed_hours: f64 = scenario
        .groups()
        .iter()
        .map(|g| {
            (first..settings.n_intervals())
                .map(|i| {
                    g.headcount.mean_in_interval(i, settings.interval_seconds) * (1.0 - g.shrinkage)
                })
                .sum::<f64>()
                * settings.interval_seconds
                / 3600.0
        })
        .sum();
    if work_hours > staffed_hours {
        warnings.push(format!(
            "overloaded: the offered work is about {work_hours:.0} agent-hours but only {staffed_hours:.0} agent-hours are staffed; queues grow and waiting_at_end reports the backlog"
        ));
    }
    for channel in &summary.channels {
        let waiting = channel.metrics[&Metric::WaitingAtEnd].mean.unwrap_or(0.0);
        let offered = channel.metrics[&Metric::Offered].mean.unwrap_or(0.0);
        if waiting >= 10.0 && waiting > 0.01 * offered {
            warnings.push(format!(
                "backlog: {waiting:.0} {} contacts still waiting at the end ({:.1}% of offered); the channel is understaffed or the horizon cuts a busy period",
                channel.name,
                100.0 * waiting / offered.max(1.0)
            ));
        }
    }
    warnings
}

/// Per-interval rows for every channel (by arrival interval), reported intervals only.
pub fn channel_interval_rows(
    scenario: &Scenario,
    results: &[ReplicationResult],
) -> Vec<IntervalRow> {
    let settings = scenario.simulation();
    interval_rows(
        scenario,
        scenario
            .channels()
            .iter()
            .map(|c| c.name.as_str())
            .collect(),
        |result, cell| {
            let values =
                channel_metric_values(&result.channel_intervals[cell], settings.interval_seconds);
            let keep = [
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
            values
                .into_iter()
                .filter(|(name, _)| keep.contains(name))
                .collect()
        },
        results,
    )
}

/// Per-interval rows for every agent group, reported intervals only.
pub fn group_interval_rows(scenario: &Scenario, results: &[ReplicationResult]) -> Vec<IntervalRow> {
    let seconds = scenario.simulation().interval_seconds;
    interval_rows(
        scenario,
        scenario.groups().iter().map(|g| g.name.as_str()).collect(),
        |result, cell| group_metric_values(&result.group_intervals[cell], seconds),
        results,
    )
}

fn interval_rows(
    scenario: &Scenario,
    names: Vec<&str>,
    per_replication: impl Fn(&ReplicationResult, (usize, usize)) -> Vec<(Metric, f64)>,
    results: &[ReplicationResult],
) -> Vec<IntervalRow> {
    let settings = scenario.simulation();
    let long = settings.horizon_seconds > 7.0 * 86_400.0;
    let mut rows = Vec::new();
    for (entity_idx, name) in names.iter().enumerate() {
        for interval_idx in settings.reported_intervals() {
            let start_seconds = interval_idx as f64 * settings.interval_seconds;
            rows.push(IntervalRow {
                name: name.to_string(),
                interval_idx,
                start_seconds,
                start_label: format_clock(start_seconds, long),
                active_disruptions: super::disruption_summary::active_disruption_names(
                    scenario,
                    interval_idx,
                ),
                metrics: estimates(results, |result| {
                    per_replication(result, (entity_idx, interval_idx))
                }),
            });
        }
    }
    rows
}
