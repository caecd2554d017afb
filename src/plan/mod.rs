//! Staffing plans found by simulation: the fewest agents per group and reporting interval
//! with which every channel meets its SLA target (and optional abandonment and occupancy
//! limits) with the confidence the user asks for.
//!
//! 1. **Analytic start.** Each channel's load per interval (expected arrivals while open,
//!    its mean handle time) gives an Erlang A requirement (Erlang C where nobody abandons;
//!    messaging agents count as `concurrency` servers; async channels are Erlang C with their
//!    long SLA window). Each channel is assigned to its *primary* group, the most specialised
//!    group serving it (fewest channels; the first in the file on a tie), and a group's start
//!    is the sum over its channels.
//! 2. **Up.** Simulate twice, with the scenario's replications and seed and with a second
//!    fixed seed (the same samples every time, so two staffings are compared on the same
//!    contacts, and a target counts as met only when it is met on both samples). Every (channel, interval) whose SLA misses
//!    the target adds one agent to the channel's primary group in that interval; every
//!    (group, interval) over the occupancy cap adds one there. Repeat until nothing fails.
//! 3. **Down.** Remove one agent at a time from sets of intervals far enough apart that their
//!    effects do not overlap (a group's stride is its longest SLA window plus two intervals),
//!    keep each removal whose neighbourhood still meets every target, and repeat until no
//!    removal is kept. Then a final check, and the up step again if interactions broke a target.
//!
//! Judging on two samples matters: removals chosen on one sample of contacts would keep some
//! that pass by luck; the reported outcome per interval is the worse of the two samples.
//!
//! A target is met when the one-sided lower confidence bound of the interval's pooled SLA
//! attainment reaches it (upper bound for abandonment; the point estimate for occupancy).
//! Targets that cannot be met within `max_agents_per_interval` or the evaluation budget are
//! reported, never looped on.

pub mod evaluation;
pub mod report;

use evaluation::worse_of;
pub use evaluation::{evaluate, holdout_seed, judge};

use serde::Serialize;

use crate::erlang::staffing::{QueueModel, StaffingTarget};
use crate::erlang::{minimum_agents, positions_after_shrinkage};
use crate::progress::Progress;
use crate::scenario::{ChannelKind, Scenario};
use crate::stats::PooledRatio;

/// What the planner aims for and how hard it tries.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlanOptions {
    /// One-sided confidence that each interval meets its target (0.5 = the point estimate).
    pub confidence: f64,
    /// Optional cap on each channel's abandonment rate per interval.
    pub max_abandonment: Option<f64>,
    /// Optional cap on each group's occupancy per interval.
    pub max_occupancy: Option<f64>,
    /// Share of paid time lost (breaks, training, absence): positions = agents / (1 - s).
    pub shrinkage: f64,
    /// Most simulations (each of all replications) the search may run.
    pub max_evaluations: u32,
    /// Most agents one group may have in one interval.
    pub max_agents_per_interval: u32,
}

impl Default for PlanOptions {
    fn default() -> PlanOptions {
        PlanOptions {
            confidence: 0.9,
            max_abandonment: None,
            max_occupancy: None,
            shrinkage: 0.0,
            max_evaluations: 400,
            max_agents_per_interval: 5_000,
        }
    }
}

/// The analytic requirement of one channel in one interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AnalyticRequirement {
    /// Expected contacts arriving while the channel is open.
    pub expected_contacts: f64,
    /// Erlang C agents (nobody abandons).
    pub erlang_c_agents: u32,
    /// Erlang A agents (with the channel's patience; equal to Erlang C without one).
    pub erlang_a_agents: u32,
    /// Erlang servers needed (agents times concurrency for messaging).
    pub servers: u32,
    /// The analytic model cannot meet the target within the agent cap.
    pub impossible: bool,
}

/// Measured outcome of one channel in one interval under a staffing.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ChannelOutcome {
    pub sla: PooledRatio,
    pub abandonment: PooledRatio,
    /// Lower one-sided confidence bound of the SLA attainment.
    pub sla_lower_bound: Option<f64>,
    pub meets_targets: bool,
}

/// What one simulation of a staffing found.
#[derive(Debug, Clone)]
pub struct Evaluation {
    /// `[channel_idx * n_intervals + interval_idx]`; `None` outside reported intervals or for
    /// channels without an SLA.
    pub channels: Vec<Option<ChannelOutcome>>,
    /// `[group_idx * n_intervals + interval_idx]`: pooled occupancy.
    pub occupancy: Vec<Option<f64>>,
    /// Same indexing: occupancy over the cap.
    pub group_fails: Vec<bool>,
}

impl Evaluation {
    fn channel_fails(&self, row: usize) -> bool {
        self.channels[row].is_some_and(|outcome| !outcome.meets_targets)
    }
}

/// The interval whose staffing serves contacts arriving on a channel in `interval_idx`: the
/// same one, except for a channel that holds contacts while closed, where it is the first
/// interval (from this one on) in which the channel is open. `None` if it never opens again.
fn serving_interval(scenario: &Scenario, channel_idx: usize, interval_idx: usize) -> Option<usize> {
    let channel = &scenario.channels[channel_idx];
    if channel.after_hours != crate::scenario::AfterHours::Hold {
        return Some(interval_idx);
    }
    let settings = &scenario.simulation;
    let length = settings.interval_seconds;
    (interval_idx..settings.n_intervals()).find(|&j| {
        channel
            .hours
            .open_seconds_between(j as f64 * length, (j + 1) as f64 * length)
            > 0.0
    })
}

/// A target the plan could not meet.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unmet {
    /// Channel (SLA or abandonment) or group (occupancy) name.
    pub name: String,
    pub interval_idx: usize,
    pub reason: String,
}

/// The plan and the evidence for it.
#[derive(Debug, Clone)]
pub struct Plan {
    /// `[group_idx][interval_idx]`: agents required (available, after shrinkage).
    pub required: Vec<Vec<u32>>,
    /// `[group_idx][interval_idx]`: the analytic start (Erlang A sums) and its Erlang C twin.
    pub analytic_erlang_a: Vec<Vec<u32>>,
    pub analytic_erlang_c: Vec<Vec<u32>>,
    /// `[channel_idx][interval_idx]`.
    pub analytic_channels: Vec<Vec<Option<AnalyticRequirement>>>,
    /// `[channel_idx]`: the group the channel's requirement is assigned to.
    pub primary_group: Vec<Option<usize>>,
    pub final_evaluation: Evaluation,
    pub unmet: Vec<Unmet>,
    pub evaluations: u32,
    pub options: PlanOptions,
}

impl Plan {
    pub fn positions(&self, group_idx: usize, interval_idx: usize) -> u32 {
        positions_after_shrinkage(
            self.required[group_idx][interval_idx],
            self.options.shrinkage,
        )
    }
}

/// The group a channel's requirement goes to: the most specialised group serving it.
fn primary_groups(scenario: &Scenario) -> Vec<Option<usize>> {
    (0..scenario.channels.len())
        .map(|channel_idx| {
            scenario
                .groups
                .iter()
                .enumerate()
                .filter(|(_, group)| group.serves_channel[channel_idx])
                .min_by_key(|(group_idx, group)| {
                    (
                        group.serves_channel.iter().filter(|s| **s).count(),
                        *group_idx,
                    )
                })
                .map(|(group_idx, _)| group_idx)
        })
        .collect()
}

/// Expected arrivals while open, and open seconds, in one interval (open share on a 1-minute
/// grid; exact for channels open around the clock).
fn open_load(scenario: &Scenario, channel_idx: usize, interval_idx: usize) -> (f64, f64) {
    let channel = &scenario.channels[channel_idx];
    let Some(arrivals) = &channel.arrivals else {
        return (0.0, 0.0);
    };
    let length = scenario.simulation.interval_seconds;
    let start = interval_idx as f64 * length;
    if channel.hours == crate::scenario::OperatingHours::Always {
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
fn analytic_requirements(
    scenario: &Scenario,
    primary: &[Option<usize>],
    options: &PlanOptions,
) -> Vec<Vec<Option<AnalyticRequirement>>> {
    let n_intervals = scenario.simulation.n_intervals();
    scenario
        .channels
        .iter()
        .enumerate()
        .map(|(channel_idx, channel)| {
            (0..n_intervals)
                .map(|interval_idx| {
                    let sla = channel.sla?;
                    let handle_time = channel.handle_time.as_ref()?;
                    let group_idx = primary[channel_idx]?;
                    let (expected_contacts, open_seconds) =
                        open_load(scenario, channel_idx, interval_idx);
                    let concurrency = if channel.kind == ChannelKind::Messaging {
                        scenario.groups[group_idx].concurrency
                    } else {
                        1
                    };
                    let mut model = QueueModel {
                        arrival_rate: if open_seconds > 0.0 {
                            expected_contacts / open_seconds
                        } else {
                            0.0
                        },
                        mean_handle_time: handle_time.mean(),
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
                    let agents = |found: Option<crate::erlang::StaffingRequirement>| {
                        found.map_or(cap, |r| r.agents)
                    };
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
fn window_intervals(threshold_seconds: f64, interval_seconds: f64) -> usize {
    (threshold_seconds / interval_seconds).ceil() as usize
}

/// Finds the plan. `progress` steps once per replication simulated.
pub fn plan(
    scenario: &Scenario,
    options: &PlanOptions,
    threads: Option<usize>,
    progress: &Progress,
) -> Plan {
    let settings = &scenario.simulation;
    let n_intervals = settings.n_intervals();
    let first = settings.first_reported_interval();
    let n_groups = scenario.groups.len();
    let primary = primary_groups(scenario);
    let analytic_channels = analytic_requirements(scenario, &primary, options);
    let mut analytic_erlang_a = vec![vec![0u32; n_intervals]; n_groups];
    let mut analytic_erlang_c = vec![vec![0u32; n_intervals]; n_groups];
    for (channel_idx, per_interval) in analytic_channels.iter().enumerate() {
        let Some(group_idx) = primary[channel_idx] else {
            continue;
        };
        for (interval_idx, requirement) in per_interval.iter().enumerate() {
            if let Some(requirement) = requirement {
                analytic_erlang_a[group_idx][interval_idx] += requirement.erlang_a_agents;
                analytic_erlang_c[group_idx][interval_idx] += requirement.erlang_c_agents;
            }
        }
    }
    let cap = options.max_agents_per_interval;
    let mut staffing: Vec<Vec<u32>> = analytic_erlang_a
        .iter()
        .map(|counts| counts.iter().map(|&c| c.min(cap)).collect())
        .collect();
    // How far a change in a group's staffing reaches: its longest SLA window.
    let channel_window: Vec<usize> = scenario
        .channels
        .iter()
        .map(|c| {
            c.sla.map_or(0, |sla| {
                window_intervals(sla.threshold_seconds, settings.interval_seconds)
            })
        })
        .collect();
    let group_window: Vec<usize> = (0..n_groups)
        .map(|g| {
            (0..scenario.channels.len())
                .filter(|&c| scenario.groups[g].serves_channel[c])
                .map(|c| channel_window[c])
                .max()
                .unwrap_or(0)
        })
        .collect();

    // Every staffing is judged on two independent samples of contacts: the scenario's seed
    // and a second fixed seed. A removal judged on one sample alone would pass by luck in a
    // few intervals; one that must pass on both rarely does.
    let holdout = {
        let mut holdout = scenario.clone();
        holdout.simulation.seed = holdout_seed(scenario.simulation.seed);
        holdout
    };
    let mut evaluations = 0u32;
    let mut run = |staffing: &[Vec<u32>], evaluations: &mut u32| {
        *evaluations += 2;
        let base = evaluate(scenario, staffing, options, threads, progress);
        let second = evaluate(&holdout, staffing, options, threads, progress);
        worse_of(base, second)
    };
    // Raise staffing where targets fail until none does (or the budget or cap runs out).
    let raise = |staffing: &mut Vec<Vec<u32>>,
                 evaluations: &mut u32,
                 run: &mut dyn FnMut(&[Vec<u32>], &mut u32) -> Evaluation|
     -> Evaluation {
        loop {
            let evaluation = run(staffing, evaluations);
            let mut raised = false;
            let mut bump = vec![vec![false; n_intervals]; n_groups];
            for (channel_idx, group) in primary.iter().enumerate() {
                let Some(group_idx) = *group else { continue };
                for interval_idx in 0..n_intervals {
                    if evaluation.channel_fails(channel_idx * n_intervals + interval_idx)
                        && let Some(serving) = serving_interval(scenario, channel_idx, interval_idx)
                    {
                        bump[group_idx][serving] = true;
                    }
                }
            }
            for (group_idx, wanted) in bump.iter_mut().enumerate() {
                for (interval_idx, wanted) in wanted.iter_mut().enumerate() {
                    if evaluation.group_fails[group_idx * n_intervals + interval_idx] {
                        *wanted = true;
                    }
                }
            }
            for group_idx in 0..n_groups {
                for interval_idx in 0..n_intervals {
                    if bump[group_idx][interval_idx] && staffing[group_idx][interval_idx] < cap {
                        staffing[group_idx][interval_idx] += 1;
                        raised = true;
                    }
                }
            }
            if !raised || *evaluations >= options.max_evaluations {
                return evaluation;
            }
        }
    };
    let mut evaluation = raise(&mut staffing, &mut evaluations, &mut run);

    // Lower staffing one agent at a time, in interleaved sets of intervals, while every
    // target in the neighbourhood of a removal still holds.
    let all_met = |evaluation: &Evaluation| {
        (0..scenario.channels.len() * n_intervals).all(|row| !evaluation.channel_fails(row))
            && !evaluation.group_fails.iter().any(|f| *f)
    };
    if all_met(&evaluation) {
        // Each (group, interval) removes `step` agents at a time, starting at a quarter of
        // its staffing and halving when vetoed (a bisection per interval); a step of one
        // that is vetoed freezes it. When everything is frozen, one more round tries one
        // agent everywhere, since other removals may have made room; repeat until that round
        // removes nothing.
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
                    if evaluations >= options.max_evaluations {
                        break 'rounds;
                    }
                    let candidates: Vec<usize> = (first..n_intervals)
                        .filter(|&i| {
                            i % stride == residue
                                && staffing[group_idx][i] > 0
                                && !frozen[group_idx][i]
                        })
                        .collect();
                    if candidates.is_empty() {
                        continue;
                    }
                    let mut trial = staffing.clone();
                    for &i in &candidates {
                        let removal = step[group_idx][i].min(staffing[group_idx][i]);
                        trial[group_idx][i] -= removal;
                    }
                    let trial_evaluation = run(&trial, &mut evaluations);
                    // Failures near each candidate veto it. A failure near none vetoes the
                    // latest candidate before it (a backlog flows forward in time).
                    let reach_before = group_window[group_idx];
                    let near = |i: usize, j: usize| j + reach_before >= i && j <= i + 2;
                    let mut vetoed = vec![false; candidates.len()];
                    for j in first..n_intervals {
                        let fails = (0..scenario.channels.len())
                            .any(|c| trial_evaluation.channel_fails(c * n_intervals + j))
                            || trial_evaluation.group_fails[group_idx * n_intervals + j];
                        if !fails {
                            continue;
                        }
                        let mut claimed = false;
                        for (k, &i) in candidates.iter().enumerate() {
                            if near(i, j) {
                                vetoed[k] = true;
                                claimed = true;
                            }
                        }
                        if !claimed {
                            let before = candidates.iter().rposition(|&i| i <= j).unwrap_or(0);
                            vetoed[before] = true;
                        }
                    }
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
        // Removals kept together can interact; check, and raise again where they did.
        evaluation = raise(&mut staffing, &mut evaluations, &mut run);
    }
    let unmet = unmet_targets(
        scenario,
        &evaluation,
        &staffing,
        &analytic_channels,
        options,
    );
    Plan {
        required: staffing,
        analytic_erlang_a,
        analytic_erlang_c,
        analytic_channels,
        primary_group: primary,
        final_evaluation: evaluation,
        unmet,
        evaluations,
        options: *options,
    }
}

/// Every target the final staffing misses, with the reason in words.
fn unmet_targets(
    scenario: &Scenario,
    evaluation: &Evaluation,
    staffing: &[Vec<u32>],
    analytic: &[Vec<Option<AnalyticRequirement>>],
    options: &PlanOptions,
) -> Vec<Unmet> {
    let n_intervals = scenario.simulation.n_intervals();
    let mut unmet = Vec::new();
    for (channel_idx, channel) in scenario.channels.iter().enumerate() {
        for (interval_idx, requirement) in analytic[channel_idx].iter().enumerate() {
            let row = channel_idx * n_intervals + interval_idx;
            let Some(outcome) = evaluation.channels[row].filter(|o| !o.meets_targets) else {
                continue;
            };
            let impossible = requirement.is_some_and(|a| a.impossible);
            let reason = if impossible {
                format!(
                    "impossible: even {} agents cannot meet the target in the Erlang model",
                    options.max_agents_per_interval
                )
            } else {
                format!(
                    "not met within the budget of {} evaluations: SLA {} (lower bound {}), abandonment {}",
                    options.max_evaluations,
                    outcome
                        .sla
                        .value
                        .map_or("-".into(), |v| format!("{:.1}%", 100.0 * v)),
                    outcome
                        .sla_lower_bound
                        .map_or("-".into(), |v| format!("{:.1}%", 100.0 * v)),
                    outcome
                        .abandonment
                        .value
                        .map_or("-".into(), |v| format!("{:.1}%", 100.0 * v)),
                )
            };
            unmet.push(Unmet {
                name: channel.name.clone(),
                interval_idx,
                reason,
            });
        }
    }
    for (group_idx, group) in scenario.groups.iter().enumerate() {
        for (interval_idx, &agents) in staffing[group_idx].iter().enumerate() {
            let row = group_idx * n_intervals + interval_idx;
            if evaluation.group_fails[row] {
                unmet.push(Unmet {
                    name: group.name.clone(),
                    interval_idx,
                    reason: format!(
                        "occupancy {:.1}% above the cap with {} agents",
                        100.0 * evaluation.occupancy[row].unwrap_or(f64::NAN),
                        agents
                    ),
                });
            }
        }
    }
    unmet
}
