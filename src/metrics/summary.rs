//! From replications to reported figures: each metric is computed per replication (from the
//! counters of `recorder`), then summarised as a mean and a 95% Student-t half-width across
//! replications. The metric definitions live here once and serve the channel totals, the
//! per-interval rows and the group figures alike.

use serde::Serialize;

use super::digest::ReplicationDigest;
use super::samples::{
    CHANNEL_HEADLINE_METRICS, GROUP_HEADLINE_METRICS, ReplicationValues, channel_samples,
    group_samples, replication_values,
};
use crate::metric::{Figures, Metric, figures_of};
use crate::scenario::{ChannelKind, Scenario};
use crate::units::{format_clock, thousands};

pub use super::routing_summary::{RoutingSummary, routing_summary};

/// The SLA attainment formula, as written in summary.json and the README.
pub const SLA_FORMULA: &str = "answered within threshold / (answered + abandoned after threshold)";

/// Everything a run reports. Serialised as summary.json.
#[derive(Debug, Clone, Serialize)]
pub struct RunSummary {
    /// Version of omnisim that produced the file.
    pub omnisim_version: String,
    /// The scenario's name.
    pub scenario: String,
    /// Every file the run was read from (scenario, overlays, staffing and assertion files,
    /// CSV files), with its SHA-256: what exactly was run.
    pub inputs: Vec<crate::scenario::RunInput>,
    pub seed: u64,
    pub replications: u32,
    pub horizon_seconds: f64,
    pub interval_seconds: f64,
    pub warmup_seconds: f64,
    /// How `sla_attainment` is computed.
    pub sla_attainment_formula: &'static str,
    /// Flow conservation was checked per channel, interval and replication.
    pub flow_conservation_holds: bool,
    /// Contacts offered, paid agent-hours and their cost, and the service levels in one
    /// sentence: what a reader wants before any table.
    pub totals: super::totals::RunTotals,
    /// Overload and backlog findings, in words.
    pub warnings: Vec<String>,
    /// Replications stopped before the horizon because the system held more than
    /// `engine::MAX_CONTACTS_IN_SYSTEM` contacts at once: the load is above what can be
    /// served. Absent when none stopped.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stopped_replications: Vec<StoppedReplication>,
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

/// A replication the engine stopped early (see `RunSummary::stopped_replications`).
#[derive(Debug, Clone, Serialize)]
pub struct StoppedReplication {
    pub replication: u32,
    pub stopped_at_seconds: f64,
    pub contacts_in_system: usize,
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
    /// Hours of the reported horizon in which the group's schedule has anyone on the floor.
    /// Its agent means (scheduled, available, logged in, busy) are over these hours, not
    /// over the nights it is closed.
    pub open_hours: f64,
    pub metrics: Figures,
    /// The headline metrics (`GROUP_HEADLINE_METRICS`) in each replication.
    pub per_replication: ReplicationValues,
}

/// Summarises replications (in replication order) into the run's reported figures.
pub fn summarise(scenario: &Scenario, results: &[ReplicationDigest]) -> RunSummary {
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
        .enumerate()
        .map(|(group_idx, (group, samples))| GroupSummary {
            name: group.name.clone(),
            open_hours: mean_open_hours(results, group_idx),
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
        inputs: scenario.inputs().to_vec(),
        seed: settings.seed,
        replications: results.len() as u32,
        horizon_seconds: settings.horizon_seconds,
        interval_seconds: settings.interval_seconds,
        warmup_seconds: settings.warmup_seconds,
        sla_attainment_formula: SLA_FORMULA,
        flow_conservation_holds,
        totals: super::totals::RunTotals::default(),
        warnings: Vec::new(),
        stopped_replications: results
            .iter()
            .filter_map(|result| {
                result.stopped_early.map(|stop| StoppedReplication {
                    replication: result.replication,
                    stopped_at_seconds: stop.time_seconds,
                    contacts_in_system: stop.contacts_in_system,
                })
            })
            .collect(),
        channels,
        groups,
        routing: routing_summary(scenario, results),
        disruptions: super::disruption_summary::disruption_summaries(scenario, results, None),
        wait_distributions: super::dashboard::wait_distributions(scenario, results),
    };
    summary.warnings = unstable_warning(&summary)
        .into_iter()
        .chain(overload_warnings(scenario, &summary))
        .collect();
    summary.totals = super::totals::run_totals(&summary);
    summary
}

/// A group's open hours (see `GroupSummary::open_hours`), the mean over replications.
fn mean_open_hours(results: &[ReplicationDigest], group_idx: usize) -> f64 {
    let hours: f64 = results
        .iter()
        .map(|result| result.group_open_seconds[group_idx] / 3600.0)
        .sum();
    hours / results.len().max(1) as f64
}

/// The first warning when replications stopped early: the figures after the stop count
/// nothing, and why.
fn unstable_warning(summary: &RunSummary) -> Option<String> {
    let first = summary.stopped_replications.first()?;
    let long = summary.horizon_seconds > 7.0 * 86_400.0;
    Some(format!(
        "unstable: {} of {} replications stopped early because more than {} contacts were in the system at once (replication {} at {}); the offered work exceeds what the agents can serve and, without abandonment, the queue grows without bound. Figures after the stop count nothing; add agents, patience or a shorter horizon",
        summary.stopped_replications.len(),
        summary.replications,
        thousands(crate::engine::MAX_CONTACTS_IN_SYSTEM as f64),
        first.replication,
        format_clock(first.stopped_at_seconds, long),
    ))
}

/// Plain-words findings: offered work above the capacity that can serve it (per channel, per
/// group and overall), and backlogs left at the end.
///
/// Work and capacity are the run's own figures over the reported period, so disruptions
/// count: a channel's work is its offered contacts (spikes included, those it passed to
/// another channel excluded) times its mean handle time, per agent's concurrency; a group's
/// capacity is its available agent-hours (absences, shrinkage and outages taken off).
fn overload_warnings(scenario: &Scenario, summary: &RunSummary) -> Vec<String> {
    let settings = scenario.simulation();
    let reported_hours =
        settings.reported_intervals().len() as f64 * settings.interval_seconds / 3600.0;
    let mean_of = |figures: &Figures, metric: Metric| figures[&metric].mean.unwrap_or(0.0);
    let capacity: Vec<f64> = summary
        .groups
        .iter()
        .map(|group| mean_of(&group.metrics, Metric::AvailableAgents) * reported_hours)
        .collect();
    let work: Vec<f64> = scenario
        .channels()
        .iter()
        .zip(&summary.channels)
        .enumerate()
        .map(|(channel_idx, (channel, figures))| {
            let Some(mean_handle) = channel.mean_handle_seconds_over(scenario.simulation()) else {
                return 0.0;
            };
            let per_agent = if channel.kind == ChannelKind::Messaging {
                scenario
                    .groups()
                    .iter()
                    .filter(|g| g.serves_channel[channel_idx])
                    .map(|g| g.concurrency)
                    .max()
                    .unwrap_or(1)
            } else {
                1
            };
            let kept = mean_of(&figures.metrics, Metric::Offered)
                - mean_of(&figures.metrics, Metric::ConvertedOut)
                - mean_of(&figures.metrics, Metric::Deflected);
            kept.max(0.0) * mean_handle / 3600.0 / f64::from(per_agent)
        })
        .collect();
    let servers = |channel_idx: usize| -> Vec<usize> {
        (0..scenario.groups().len())
            .filter(|g| scenario.groups()[*g].serves_channel[channel_idx])
            .collect()
    };
    let names = |groups: &[usize]| -> String {
        groups
            .iter()
            .map(|g| scenario.groups()[*g].name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut warnings = Vec::new();
    for (channel_idx, channel) in scenario.channels().iter().enumerate() {
        let groups = servers(channel_idx);
        let available: f64 = groups.iter().map(|g| capacity[*g]).sum();
        if work[channel_idx] > available && work[channel_idx] >= 1.0 {
            warnings.push(format!(
                "overloaded channel {}: about {} agent-hours of work arrive but the groups that can serve it ({}) are available for only {} agent-hours in all ({:.0}% of the work); the excess abandons or queues, and waiting_at_end reports any backlog",
                channel.name,
                thousands(work[channel_idx]),
                if groups.is_empty() { "none".to_string() } else { names(&groups) },
                thousands(available),
                100.0 * available / work[channel_idx],
            ));
        }
    }
    let per_channel_found = !warnings.is_empty();
    for (group_idx, group) in scenario.groups().iter().enumerate() {
        // The channels only this group serves: their work has nowhere else to go.
        let only_here: Vec<usize> = (0..scenario.channels().len())
            .filter(|c| servers(*c) == [group_idx])
            .collect();
        let own_work: f64 = only_here.iter().map(|c| work[*c]).sum();
        if only_here.len() > 1 && own_work > capacity[group_idx] {
            warnings.push(format!(
                "overloaded group {}: the channels only it serves ({}) bring about {} agent-hours of work but it is available for only {}",
                group.name,
                only_here
                    .iter()
                    .map(|c| scenario.channels()[*c].name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                thousands(own_work),
                thousands(capacity[group_idx]),
            ));
        }
    }
    let (work_hours, staffed_hours): (f64, f64) = (work.iter().sum(), capacity.iter().sum());
    if !per_channel_found && work_hours > staffed_hours {
        warnings.push(format!(
            "overloaded: the offered work is about {} agent-hours but only {} agent-hours are available; queues grow and waiting_at_end reports the backlog",
            thousands(work_hours),
            thousands(staffed_hours)
        ));
    }
    for channel in &summary.channels {
        let waiting = channel.metrics[&Metric::WaitingAtEnd].mean.unwrap_or(0.0);
        let offered = channel.metrics[&Metric::Offered].mean.unwrap_or(0.0);
        if waiting >= 10.0 && waiting > 0.01 * offered {
            warnings.push(format!(
                "backlog: {} {} contacts still waiting at the end ({:.1}% of offered); the channel is understaffed or the horizon cuts a busy period",
                thousands(waiting),
                channel.name,
                100.0 * waiting / offered.max(1.0)
            ));
        }
    }
    warnings
}
