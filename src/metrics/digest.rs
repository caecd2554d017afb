//! One replication reduced to what a run's summary reads: its counters added up over the
//! reported intervals (and over each disruption's compared window), everything else of the
//! `ReplicationResult` as it is, and none of its per-interval grids.
//!
//! A replication's interval grids are its largest part (an hourly year is about 2 MB per
//! replication); the summary only ever reads them as totals over fixed spans, so a run keeps
//! a digest per replication and folds the grids into the interval rows as each replication
//! finishes (`interval_fold`). The totals here are added in interval order, exactly as the
//! summary added them from the grids, so every figure is the same to the bit.

use crate::engine::ReplicationResult;
use crate::engine::counts::GroupIntervalCounts;
use crate::engine::counts::{ChannelIntervalCounts, DisruptionCounts, FlowCounts};
use crate::scenario::Scenario;

/// What the summary needs of one replication.
#[derive(Debug, Clone)]
pub struct ReplicationDigest {
    pub replication: u32,
    /// `[channel_idx]`: the channel's counts over the reported intervals.
    pub reported_channels: Vec<ChannelIntervalCounts>,
    /// `[group_idx]`: the group's figures over the reported intervals.
    pub reported_groups: Vec<GroupIntervalCounts>,
    /// `[group_idx]`: seconds of the reported intervals in which the group's schedule has
    /// anyone on the floor (`samples::open_seconds`).
    pub group_open_seconds: Vec<f64>,
    /// `[disruption_idx]`: counts over the intervals its comparison covers.
    pub disruption_windows: Vec<WindowCounts>,
    pub wait_quantiles_seconds: Vec<[f64; 4]>,
    pub wait_distribution_shares: Vec<Vec<f64>>,
    pub flows: FlowCounts,
    pub disruptions: Vec<DisruptionCounts>,
    pub conservation_failures: Vec<String>,
    pub stopped_early: Option<crate::engine::EarlyStop>,
}

/// Counts over one disruption's compared window (`disruption_summary::compared_intervals`).
#[derive(Debug, Clone, Default)]
pub struct WindowCounts {
    /// In the order of `disruption_summary::compared_channels`.
    pub channels: Vec<ChannelIntervalCounts>,
    /// In the order of the disruption's groups.
    pub groups: Vec<GroupIntervalCounts>,
}

impl ReplicationDigest {
    /// About how many bytes the digest of a replication of `scenario` takes (its own size
    /// and its lists'), for the memory budget: `run` keeps one per replication. Routing
    /// rules' counters (a few bytes each) are left out.
    pub fn approximate_bytes(scenario: &Scenario) -> f64 {
        use std::mem::size_of;
        let channels = scenario.channels().len() as f64;
        let groups = scenario.groups().len() as f64;
        let disruptions = scenario.disruptions().len() as f64;
        let per_channel = size_of::<ChannelIntervalCounts>()
            + size_of::<[f64; 4]>()
            + size_of::<Vec<f64>>()
            + crate::engine::waits::WAIT_DISTRIBUTION_POINTS * size_of::<f64>();
        let per_group = size_of::<GroupIntervalCounts>() + size_of::<f64>();
        // Handoffs (two counts per channel pair) and work (a count and seconds per group and
        // channel).
        let flow_cells = 2.0 * channels * channels + 2.0 * groups * channels;
        // A disruption's window may compare every channel and group.
        let per_disruption = size_of::<WindowCounts>()
            + size_of::<DisruptionCounts>()
            + scenario.channels().len() * size_of::<ChannelIntervalCounts>()
            + scenario.groups().len() * size_of::<GroupIntervalCounts>();
        // The allocator's own few words for each of about a dozen lists.
        let allocations = 12.0 * 16.0;
        size_of::<ReplicationDigest>() as f64
            + channels * per_channel as f64
            + groups * per_group as f64
            + flow_cells * size_of::<u64>() as f64
            + disruptions * per_disruption as f64
            + allocations
    }

    /// The digest of `result`, a replication of `scenario`, or of the same scenario without
    /// its disruptions (the paired base run: its windows are the disrupted scenario's).
    pub fn new(scenario: &Scenario, result: &ReplicationResult) -> ReplicationDigest {
        let settings = scenario.simulation();
        let reported = settings.reported_intervals();
        let reported_channels = (0..scenario.channels().len())
            .map(|c| {
                ChannelIntervalCounts::total(result.channel_intervals.span(c, reported.clone()))
            })
            .collect();
        let reported_groups = (0..scenario.groups().len())
            .map(|g| GroupIntervalCounts::total(result.group_intervals.span(g, reported.clone())))
            .collect();
        let group_open_seconds = (0..scenario.groups().len())
            .map(|g| {
                super::samples::open_seconds(
                    result.group_intervals.span(g, reported.clone()),
                    settings.interval_seconds,
                )
            })
            .collect();
        let disruption_windows = scenario
            .disruptions()
            .iter()
            .map(|disruption| {
                let (first, last) =
                    super::disruption_summary::compared_intervals(scenario, disruption);
                if first >= last {
                    return WindowCounts::default();
                }
                WindowCounts {
                    channels: super::disruption_summary::compared_channels(scenario, disruption)
                        .into_iter()
                        .map(|c| {
                            ChannelIntervalCounts::total(
                                result.channel_intervals.span(c, first..last),
                            )
                        })
                        .collect(),
                    groups: disruption
                        .groups()
                        .iter()
                        .map(|&g| {
                            GroupIntervalCounts::total(result.group_intervals.span(g, first..last))
                        })
                        .collect(),
                }
            })
            .collect();
        ReplicationDigest {
            replication: result.replication,
            reported_channels,
            reported_groups,
            group_open_seconds,
            disruption_windows,
            wait_quantiles_seconds: result.wait_quantiles_seconds.clone(),
            wait_distribution_shares: result.wait_distribution_shares.clone(),
            flows: result.flows.clone(),
            disruptions: result.disruptions.clone(),
            conservation_failures: result.conservation_failures.clone(),
            stopped_early: result.stopped_early,
        }
    }
}

/// The digests of replications of `scenario`, in their order.
pub fn digests(scenario: &Scenario, results: &[ReplicationResult]) -> Vec<ReplicationDigest> {
    results
        .iter()
        .map(|result| ReplicationDigest::new(scenario, result))
        .collect()
}
