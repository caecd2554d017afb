//! The planner's analytic start: each channel's load per interval (expected arrivals while
//! open), the Erlang A and C requirement it implies, the *primary* group a channel's
//! requirement goes to, and which interval's staffing serves a channel's contacts.

use super::{AnalyticRequirement, PlanOptions};
use crate::erlang::staffing::{QueueModel, StaffingTarget};
use crate::erlang::{StaffingRequirement, minimum_agents};
use crate::scenario::{AfterHours, ChannelKind, OperatingHours, Scenario};

/// The group a channel's requirement goes to: the most specialised group serving it.
pub(super) fn primary_groups(scenario: &Scenario) -> Vec<Option<usize>> {
    assignment_by(scenario, |group_idx, breadth, _| {
        (OrderedKey(breadth as f64), OrderedKey(0.0), group_idx)
    })
}

/// The assignments of channels' requirements to groups worth planning: the most
/// specialised group for each channel (always, first); and where every group serving some
/// channel has a `cost_per_hour`, the most general group (a pool that shares agents between
/// channels needs fewer of them) and the cheapest per hour (fewest channels on a tie).
/// Duplicates are dropped.
pub(super) fn candidate_assignments(
    scenario: &Scenario,
) -> Vec<(&'static str, Vec<Option<usize>>)> {
    let mut candidates = vec![("most specialised", primary_groups(scenario))];
    if scenario.groups().iter().all(|g| g.cost_per_hour.is_some()) {
        let cost = |group_idx: usize| scenario.groups()[group_idx].cost_per_hour.unwrap_or(0.0);
        candidates.push((
            "most general",
            assignment_by(scenario, |group_idx, breadth, _| {
                (
                    OrderedKey(-(breadth as f64)),
                    OrderedKey(cost(group_idx)),
                    group_idx,
                )
            }),
        ));
        candidates.push((
            "cheapest per hour",
            assignment_by(scenario, |group_idx, breadth, _| {
                (
                    OrderedKey(cost(group_idx)),
                    OrderedKey(breadth as f64),
                    group_idx,
                )
            }),
        ));
    }
    let mut distinct: Vec<(&'static str, Vec<Option<usize>>)> = Vec::new();
    for (name, assignment) in candidates {
        if distinct.iter().all(|(_, seen)| *seen != assignment) {
            distinct.push((name, assignment));
        }
    }
    distinct
}

/// A float that sorts (`total_cmp`), for assignment keys.
#[derive(Debug, Clone, Copy)]
pub(super) struct OrderedKey(pub(super) f64);

impl PartialEq for OrderedKey {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == std::cmp::Ordering::Equal
    }
}

impl Eq for OrderedKey {}

impl PartialOrd for OrderedKey {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for OrderedKey {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// Each channel's requirement to the serving group with the least `key(group_idx, number
/// of channels it serves, channel_idx)`.
fn assignment_by<K: Ord>(
    scenario: &Scenario,
    key: impl Fn(usize, usize, usize) -> K,
) -> Vec<Option<usize>> {
    (0..scenario.channels().len())
        .map(|channel_idx| {
            scenario
                .groups()
                .iter()
                .enumerate()
                .filter(|(_, group)| group.serves_channel[channel_idx])
                .min_by_key(|(group_idx, group)| {
                    let breadth = group.serves_channel.iter().filter(|s| **s).count();
                    key(*group_idx, breadth, channel_idx)
                })
                .map(|(group_idx, _)| group_idx)
        })
        .collect()
}

/// Expected arrivals while open, and open seconds, in one interval (open share on a 1-minute
/// grid; exact for channels open around the clock).
fn open_load(scenario: &Scenario, channel_idx: usize, interval_idx: usize) -> (f64, f64) {
    let channel = &scenario.channels()[channel_idx];
    let Some(arrivals) = &channel.arrivals else {
        return (0.0, 0.0);
    };
    let length = scenario.simulation().interval_seconds;
    let start = interval_idx as f64 * length;
    if channel.hours == OperatingHours::Always {
        return (arrivals.expected_arrivals(start, start + length), length);
    }
    let (mut expected, mut open_seconds, mut time) = (0.0, 0.0, start);
    while time < start + length {
        let step = 60.0f64.min(start + length - time);
        if channel.hours.is_open(time + step / 2.0) {
            expected += arrivals.expected_arrivals(time, time + step);
            open_seconds += step;
        }
        time += step;
    }
    (expected, open_seconds)
}

/// The analytic requirement of every channel with an SLA, in every interval.
pub(super) fn analytic_requirements(
    scenario: &Scenario,
    primary: &[Option<usize>],
    options: &PlanOptions,
) -> Vec<Vec<Option<AnalyticRequirement>>> {
    let n_intervals = scenario.simulation().n_intervals();
    scenario
        .channels()
        .iter()
        .enumerate()
        .map(|(channel_idx, channel)| {
            (0..n_intervals)
                .map(|interval_idx| {
                    let sla = channel.sla?;
                    let mean_handle_time = channel.mean_handle_seconds_in(interval_idx)?;
                    let group_idx = primary[channel_idx]?;
                    let (expected_contacts, open_seconds) =
                        open_load(scenario, channel_idx, interval_idx);
                    let concurrency = if channel.kind == ChannelKind::Messaging {
                        scenario.groups()[group_idx].concurrency
                    } else {
                        1
                    };
                    let mut model = QueueModel {
                        arrival_rate: if open_seconds > 0.0 {
                            expected_contacts / open_seconds
                        } else {
                            0.0
                        },
                        mean_handle_time,
                        mean_patience: None,
                        concurrency,
                    };
                    let service_level = StaffingTarget::ServiceLevel {
                        threshold: sla.threshold_seconds,
                        target: sla.target,
                    };
                    let cap = options.max_agents_per_interval;
                    let erlang_c = minimum_agents(&model, &[service_level], cap);
                    model.mean_patience = channel
                        .patience
                        .as_ref()
                        .filter(|_| channel.kind.is_real_time())
                        .map(|patience| patience.mean());
                    let mut targets = vec![service_level];
                    if let (Some(max_fraction), Some(_)) =
                        (options.max_abandonment, model.mean_patience)
                    {
                        targets.push(StaffingTarget::Abandonment { max_fraction });
                    }
                    let erlang_a = minimum_agents(&model, &targets, cap);
                    let agents =
                        |found: Option<StaffingRequirement>| found.map_or(cap, |r| r.agents);
                    let erlang_a_agents = agents(erlang_a);
                    Some(AnalyticRequirement {
                        expected_contacts,
                        erlang_c_agents: agents(erlang_c),
                        erlang_a_agents,
                        servers: erlang_a_agents * concurrency,
                        impossible: erlang_a.is_none(),
                    })
                })
                .collect()
        })
        .collect()
}

/// Intervals an SLA window spans: a contact arriving in interval i is answered by i + window.
pub(super) fn window_intervals(threshold_seconds: f64, interval_seconds: f64) -> usize {
    (threshold_seconds / interval_seconds).ceil() as usize
}

/// The interval whose staffing serves contacts arriving on a channel in `interval_idx`: the
/// same one, except for a channel that holds contacts while closed, where it is the first
/// interval (from this one on) in which the channel is open. `None` if it never opens again.
pub(super) fn serving_interval(
    scenario: &Scenario,
    channel_idx: usize,
    interval_idx: usize,
) -> Option<usize> {
    let channel = &scenario.channels()[channel_idx];
    if channel.after_hours != AfterHours::Hold {
        return Some(interval_idx);
    }
    let settings = scenario.simulation();
    let length = settings.interval_seconds;
    (interval_idx..settings.n_intervals()).find(|&j| {
        channel
            .hours
            .open_seconds_between(j as f64 * length, (j + 1) as f64 * length)
            > 0.0
    })
}
