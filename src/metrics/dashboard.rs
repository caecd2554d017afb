//! The figures of the seed's weekly dashboard that are not plain channel counters: each
//! channel's share of the volume, its resolution rate, its cost per contact, and its
//! waiting-time distribution. Like every reported figure, each is computed per replication
//! and summarised as a mean with a 95% confidence half-width.
//!
//! Definitions (also in the README):
//! - `volume_share`: the channel's offered contacts over all channels' offered contacts.
//! - `resolution_rate`: share of the channel's handled contacts that needed no follow-up
//!   contact (a handoff or an escalation) afterwards.
//! - `cost_per_contact`: the groups' paid hours (scheduled agent-hours times
//!   `cost_per_hour`) shared out over channels by the handle time each channel took from the
//!   group, plus the channel's own `cost_per_contact`, over the contacts it served (handled,
//!   or deflected for self-service). Present only when some cost is configured.

use serde::Serialize;

use super::digest::ReplicationDigest;
use crate::engine::waits::wait_distribution_points_seconds;
use crate::metric::{Metric, Samples, samples_of};
use crate::scenario::Scenario;
use crate::stats::{Estimate, ratio};

/// One channel's waiting-time distribution: the share of answered contacts that waited at
/// most each point (the empirical CDF of the wait before answer).
#[derive(Debug, Clone, Serialize)]
pub struct WaitDistribution {
    pub channel: String,
    pub sla_threshold_seconds: Option<f64>,
    pub points_seconds: Vec<f64>,
    pub share_within: Vec<Estimate>,
}

/// Whether the scenario gives any cost, so that cost per contact means something.
pub fn has_costs(scenario: &Scenario) -> bool {
    scenario.groups().iter().any(|g| g.cost_per_hour.is_some())
        || scenario
            .channels()
            .iter()
            .any(|c| c.cost_per_contact.is_some())
}

/// Per channel, the dashboard figures `volume_share`, `resolution_rate` and (with costs)
/// `cost_per_contact` in each replication, over the reported period.
pub fn channel_dashboard_samples(
    scenario: &Scenario,
    results: &[ReplicationDigest],
) -> Vec<Samples> {
    let n_channels = scenario.channels().len();
    let with_costs = has_costs(scenario);
    let per_channel_values = |result: &ReplicationDigest| -> Vec<Vec<(Metric, f64)>> {
        let totals = &result.reported_channels;
        let all_offered: u64 = totals.iter().map(|t| t.offered).sum();
        let labour_cost = labour_cost_by_channel(scenario, result);
        (0..n_channels)
            .map(|channel_idx| {
                let counts = &totals[channel_idx];
                let followups: u64 = result.flows.handoffs.row(channel_idx).iter().sum();
                let handled = counts.handled as f64;
                let mut values = vec![
                    (
                        Metric::VolumeShare,
                        ratio(counts.offered as f64, all_offered as f64),
                    ),
                    (
                        Metric::ResolutionRate,
                        ratio((handled - followups as f64).max(0.0), handled),
                    ),
                ];
                if with_costs {
                    let served = (counts.handled + counts.deflected) as f64;
                    let own = scenario.channels()[channel_idx]
                        .cost_per_contact
                        .unwrap_or(0.0);
                    values.push((
                        Metric::CostPerContact,
                        ratio(labour_cost[channel_idx] + own * served, served),
                    ));
                }
                values
            })
            .collect()
    };
    let all_values: Vec<Vec<Vec<(Metric, f64)>>> = results.iter().map(per_channel_values).collect();
    (0..n_channels)
        .map(|channel_idx| {
            samples_of(
                all_values
                    .iter()
                    .map(|replication| replication[channel_idx].clone()),
            )
        })
        .collect()
}

/// One replication's paid agent cost, shared out over channels by handle time.
fn labour_cost_by_channel(scenario: &Scenario, result: &ReplicationDigest) -> Vec<f64> {
    let n_channels = scenario.channels().len();
    let mut cost = vec![0.0; n_channels];
    for (group_idx, group) in scenario.groups().iter().enumerate() {
        let Some(cost_per_hour) = group.cost_per_hour else {
            continue;
        };
        let paid_hours = result.reported_groups[group_idx].scheduled_area / 3600.0;
        let seconds = result.flows.group_channel_seconds.row(group_idx);
        let total: f64 = seconds.iter().sum();
        if total <= 0.0 {
            continue;
        }
        for (channel_idx, channel_seconds) in seconds.iter().enumerate() {
            cost[channel_idx] += cost_per_hour * paid_hours * channel_seconds / total;
        }
    }
    cost
}

/// Per channel with agents, its waiting-time distribution over replications.
pub fn wait_distributions(
    scenario: &Scenario,
    results: &[ReplicationDigest],
) -> Vec<WaitDistribution> {
    scenario
        .channels()
        .iter()
        .enumerate()
        .filter(|(_, channel)| channel.handle_time.is_some())
        .map(|(channel_idx, channel)| {
            let threshold = channel.sla.map(|sla| sla.threshold_seconds);
            let points_seconds =
                wait_distribution_points_seconds(threshold.unwrap_or(f64::INFINITY));
            let share_within = (0..points_seconds.len())
                .map(|point_idx| {
                    Estimate::from_values(
                        results
                            .iter()
                            .map(|result| result.wait_distribution_shares[channel_idx][point_idx]),
                    )
                })
                .collect();
            WaitDistribution {
                channel: channel.name.clone(),
                sla_threshold_seconds: threshold,
                points_seconds,
                share_within,
            }
        })
        .collect()
}
