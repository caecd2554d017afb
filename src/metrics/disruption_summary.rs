//! What each disruption event did, and its effect against the same run without it.
//!
//! `omnisim run` simulates a scenario with events twice: as written, and with its events
//! removed (the *base*), with the same seed. Random streams are per purpose (arrivals,
//! attributes, work, patience per channel; each event's extra arrivals and decisions on
//! streams of their own), so both runs see the same customers, and the per-replication
//! difference of a metric is the event's effect, not noise. Each event is compared on the
//! channels it touches (an outage's channel and backup; a spike's or spam's channel; the
//! channels an absent or failed group serves) and, for staffing events, its groups, over the
//! reporting intervals that overlap its window (an outage's SLA extension included).

use indexmap::IndexMap;
use serde::Serialize;

use super::digest::ReplicationDigest;
use super::samples::channel_metric_values;
use crate::engine::counts::DisruptionCounts;
use crate::metric::{Figures, Metric};
use crate::scenario::{Disruption, DisruptionKind, Scenario};
use crate::stats::Estimate;
use crate::units::format_clock;

#[derive(Debug, Clone, Serialize)]
pub struct DisruptionSummary {
    pub name: String,
    pub kind: &'static str,
    pub start_seconds: f64,
    pub end_seconds: f64,
    /// "Tue 10:00".
    pub start: String,
    pub end: String,
    /// The compared intervals: [from, to) in seconds.
    pub compared_from_seconds: f64,
    pub compared_to_seconds: f64,
    /// What the event did, by kind (contacts displaced, bots filtered...), per replication.
    pub figures: Figures,
    /// With the event against without it, per channel or group (empty without a base run).
    pub comparison: Vec<DisruptionComparison>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DisruptionComparison {
    /// "channel" or "group".
    pub subject_kind: &'static str,
    pub subject: String,
    pub metrics: IndexMap<Metric, PairedEstimate>,
}

/// A metric with the event, without it, and the paired difference (with - without) whose
/// confidence interval excludes 0 when the event's effect is clear of the noise.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct PairedEstimate {
    pub with_event: Estimate,
    pub without_event: Estimate,
    pub difference: Estimate,
}

/// Channel metrics compared for each event.
const CHANNEL_METRICS: [Metric; 4] = [
    Metric::SlaAttainment,
    Metric::AsaSeconds,
    Metric::AbandonmentRate,
    Metric::Offered,
];

/// Summaries of every event; comparisons when `base` (the run without events) is given.
pub fn disruption_summaries(
    scenario: &Scenario,
    results: &[ReplicationDigest],
    base: Option<&[ReplicationDigest]>,
) -> Vec<DisruptionSummary> {
    let settings = scenario.simulation();
    let long = settings.horizon_seconds > 7.0 * 86_400.0;
    scenario
        .disruptions()
        .iter()
        .enumerate()
        .map(|(disruption_idx, disruption)| {
            let (first, last) = compared_intervals(scenario, disruption);
            let figures = figure_estimates(results, disruption_idx, &disruption.kind);
            let comparison = match base {
                Some(base) if first < last => {
                    compare(scenario, disruption_idx, results, base, first..last)
                }
                _ => Vec::new(),
            };
            DisruptionSummary {
                name: disruption.name.clone(),
                kind: disruption.kind.name(),
                start_seconds: disruption.start_seconds,
                end_seconds: disruption.end_seconds,
                start: format_clock(disruption.start_seconds, long),
                end: if disruption.end_seconds >= settings.horizon_seconds {
                    "the end of the run".into()
                } else {
                    format_clock(disruption.end_seconds, long)
                },
                compared_from_seconds: first as f64 * settings.interval_seconds,
                compared_to_seconds: last as f64 * settings.interval_seconds,
                figures,
                comparison,
            }
        })
        .collect()
}

/// Reported intervals overlapping the event's window: [first, last).
pub(crate) fn compared_intervals(scenario: &Scenario, disruption: &Disruption) -> (usize, usize) {
    let settings = scenario.simulation();
    let interval = settings.interval_seconds;
    let first = ((disruption.start_seconds / interval).floor() as usize)
        .max(settings.first_reported_interval());
    let last =
        ((disruption.report_end_seconds() / interval).ceil() as usize).min(settings.n_intervals());
    (first, last.max(first))
}

/// Names of the events active at some moment of each interval, joined by ';'.
pub fn active_disruption_names(scenario: &Scenario, interval_idx: usize) -> String {
    let interval = scenario.simulation().interval_seconds;
    let (from, to) = (
        interval_idx as f64 * interval,
        (interval_idx + 1) as f64 * interval,
    );
    scenario
        .disruptions()
        .iter()
        .filter(|d| d.start_seconds < to && d.end_seconds > from)
        .map(|d| d.name.as_str())
        .collect::<Vec<_>>()
        .join(";")
}

fn figure_values(counts: &DisruptionCounts, kind: &DisruptionKind) -> Vec<(Metric, f64)> {
    let c = counts;
    match kind {
        DisruptionKind::ChannelOutage { .. } => {
            let judged = c.extended_answered + c.extended_abandoned_after;
            vec![
                (Metric::Displaced, c.displaced as f64),
                (Metric::ConvertedToBackup, c.converted_to_backup as f64),
                (Metric::Lost, c.lost as f64),
                (Metric::Notified, c.notified as f64),
                (
                    Metric::ExtendedSlaAttainment,
                    if judged > 0 {
                        c.extended_within as f64 / judged as f64
                    } else {
                        f64::NAN
                    },
                ),
                (Metric::ExtendedSlaContacts, judged as f64),
            ]
        }
        DisruptionKind::VolumeSpike { .. } => vec![
            (Metric::ExtraArrivals, c.extra_arrivals as f64),
            (Metric::RemovedArrivals, c.removed_arrivals as f64),
        ],
        DisruptionKind::Spam { .. } => vec![
            (Metric::BotArrivals, c.bot_arrivals as f64),
            (Metric::BotRateLimited, c.bot_rate_limited as f64),
            (Metric::BotFiltered, c.bot_filtered as f64),
            (Metric::BotRefusedClosed, c.bot_refused_closed as f64),
            (Metric::BotReachedAgents, c.bot_reached_agents as f64),
            (Metric::BotHandled, c.bot_handled as f64),
            (Metric::BotAgentHours, c.bot_agent_seconds / 3600.0),
        ],
        DisruptionKind::Absence { .. } | DisruptionKind::GroupOutage { .. } => Vec::new(),
    }
}

fn figure_estimates(
    results: &[ReplicationDigest],
    disruption_idx: usize,
    kind: &DisruptionKind,
) -> Figures {
    super::samples::estimates(results, |result| {
        figure_values(&result.disruptions[disruption_idx], kind)
    })
}

/// The channels a disruption's comparison reports: the channel out and its backup, the
/// channel with the spike or spam, or the channels with an SLA that the disrupted groups
/// serve.
pub(crate) fn compared_channels(scenario: &Scenario, disruption: &Disruption) -> Vec<usize> {
    match disruption.kind {
        DisruptionKind::ChannelOutage {
            channel_idx,
            backup_channel,
            ..
        } => std::iter::once(channel_idx).chain(backup_channel).collect(),
        DisruptionKind::VolumeSpike { channel_idx, .. }
        | DisruptionKind::Spam { channel_idx, .. } => vec![channel_idx],
        DisruptionKind::Absence { .. } | DisruptionKind::GroupOutage { .. } => {
            (0..scenario.channels().len())
                .filter(|&c| {
                    scenario.channels()[c].sla.is_some()
                        && disruption
                            .groups()
                            .iter()
                            .any(|&g| scenario.groups()[g].serves_channel[c])
                })
                .collect()
        }
    }
}

fn compare(
    scenario: &Scenario,
    disruption_idx: usize,
    results: &[ReplicationDigest],
    base: &[ReplicationDigest],
    intervals: std::ops::Range<usize>,
) -> Vec<DisruptionComparison> {
    let disruption = &scenario.disruptions()[disruption_idx];
    let seconds = intervals.len() as f64 * scenario.simulation().interval_seconds;
    let mut rows = Vec::new();
    for (at, channel_idx) in compared_channels(scenario, disruption)
        .into_iter()
        .enumerate()
    {
        let values = |result: &ReplicationDigest| {
            let all = channel_metric_values(
                &result.disruption_windows[disruption_idx].channels[at],
                seconds,
            );
            CHANNEL_METRICS.map(|name| {
                all.iter()
                    .find(|(metric, _)| *metric == name)
                    .map_or(f64::NAN, |(_, value)| *value)
            })
        };
        rows.push(DisruptionComparison {
            subject_kind: "channel",
            subject: scenario.channels()[channel_idx].name.clone(),
            metrics: paired(&CHANNEL_METRICS, results, base, values),
        });
    }
    for (at, &group_idx) in disruption.groups().iter().enumerate() {
        let names = [Metric::AvailableAgents, Metric::BusyAgents];
        let values = |result: &ReplicationDigest| {
            let total = &result.disruption_windows[disruption_idx].groups[at];
            [total.available_area / seconds, total.busy_area / seconds]
        };
        rows.push(DisruptionComparison {
            subject_kind: "group",
            subject: scenario.groups()[group_idx].name.clone(),
            metrics: paired(&names, results, base, values),
        });
    }
    rows
}

/// Paired estimates of each named metric: replication r with the event against replication
/// r without it.
fn paired<const N: usize>(
    names: &[Metric; N],
    results: &[ReplicationDigest],
    base: &[ReplicationDigest],
    values: impl Fn(&ReplicationDigest) -> [f64; N],
) -> IndexMap<Metric, PairedEstimate> {
    let with: Vec<[f64; N]> = results.iter().map(&values).collect();
    let without: Vec<[f64; N]> = base.iter().map(&values).collect();
    names
        .iter()
        .enumerate()
        .map(|(metric_idx, name)| {
            let column =
                |rows: &[[f64; N]]| rows.iter().map(|row| row[metric_idx]).collect::<Vec<_>>();
            let (a, b) = (column(&with), column(&without));
            (
                *name,
                PairedEstimate {
                    with_event: Estimate::from_values(a.iter().copied()),
                    without_event: Estimate::from_values(b.iter().copied()),
                    difference: Estimate::from_values(a.iter().zip(&b).map(|(x, y)| x - y)),
                },
            )
        })
        .collect()
}
