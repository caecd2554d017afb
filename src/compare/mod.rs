//! `omnisim compare`: a base scenario against a candidate (usually the base plus an overlay:
//! a routing rule, a headcount change), on the same seed and the same replications. Because
//! streams are keyed by (seed, replication, channel name) and every draw about a contact
//! after its arrival comes from its own stream (`engine::rng`), replication `r` of both
//! offers the same customers, and the candidate-minus-base difference is taken replication
//! by replication (paired), which cancels most of the noise the two runs share. The unpaired
//! (Welch) interval of the same runs is reported beside it, so the gain from pairing shows.
//!
//! Each metric gets a verdict (`verdict.rs`) from its paired interval and the direction that
//! is better (`Metric::better`): better, worse, higher, lower, no significant difference, same
//! (every replication identical) or undefined. With `until_decided`, replications are added in
//! batches until no verdict is "no significant difference" or a cap is reached; batches are
//! replication ranges, so the result is the same for a seed however it was reached.

mod verdict;

pub use verdict::{MetricComparison, Verdict, verdict};

use serde::Serialize;

use crate::engine::ReplicationResult;
use crate::error::SimulationError;
use crate::metric::{Metric, Samples, Scope};
use crate::metrics::digest::digests;
use crate::metrics::samples::{
    CHANNEL_HEADLINE_METRICS, CHANNEL_INTERVAL_METRICS, GROUP_HEADLINE_METRICS,
    append_channel_interval_samples, append_group_interval_samples, channel_samples, group_samples,
};
use crate::scenario::Scenario;
use crate::simulate::{Execution, run_replication_list, run_replication_range};
use crate::units::{format_clock, format_duration};

/// Confidence of every interval of a comparison.
pub const CONFIDENCE: f64 = 0.95;

/// What to compare and for how long.
#[derive(Debug, Clone, Default)]
pub struct CompareSettings {
    /// Channel and group metrics to compare; empty for the headline metrics
    /// (`CHANNEL_HEADLINE_METRICS`, `GROUP_HEADLINE_METRICS`).
    pub metrics: Vec<Metric>,
    /// `Some(cap)`: after the base's replications, add as many again, batch after batch,
    /// until every verdict is decided or `cap` replications have run.
    pub until_decided: Option<u32>,
    /// Channels and groups to compare, by name; empty for all of them.
    pub subjects: Vec<String>,
}

impl CompareSettings {
    /// The metrics compared: those asked for, or the headline ones.
    pub fn compared_metrics(&self) -> Vec<Metric> {
        if self.metrics.is_empty() {
            CHANNEL_HEADLINE_METRICS
                .iter()
                .chain(GROUP_HEADLINE_METRICS)
                .copied()
                .collect()
        } else {
            self.metrics.clone()
        }
    }
}

/// A channel or group found in both scenarios, and its compared metrics.
#[derive(Debug, Clone, Serialize)]
pub struct EntityComparison {
    pub name: String,
    pub metrics: Vec<MetricComparison>,
}

/// One metric of one channel or group in one reporting interval.
#[derive(Debug, Clone)]
pub struct IntervalComparison {
    /// "channel" or "group".
    pub kind: &'static str,
    pub name: String,
    pub interval_idx: usize,
    pub start_seconds: f64,
    pub start_label: String,
    pub comparison: MetricComparison,
}

/// How `until_decided` went.
#[derive(Debug, Clone, Serialize)]
pub struct UntilDecided {
    /// Most replications it would run.
    pub cap: u32,
    /// Replications added per batch (the base scenario's replications).
    pub batch: u32,
    pub decided: bool,
    /// "channel metric" of every verdict still "no significant difference".
    pub undecided: Vec<String>,
}

/// Everything `omnisim compare` found. Serialised as compare.json (without the intervals,
/// which go to compare_intervals.csv).
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub omnisim_version: String,
    /// The scenarios' names.
    pub base: String,
    pub candidate: String,
    pub seed: u64,
    /// Replications each side ran (after `until_decided`, all of them).
    pub replications: u32,
    pub confidence: f64,
    pub horizon_seconds: f64,
    pub interval_seconds: f64,
    pub warmup_seconds: f64,
    /// What the reader should know: settings of the candidate overridden by the base's,
    /// channels or groups only one side has, which random streams stay in step.
    pub notes: Vec<String>,
    pub until_decided: Option<UntilDecided>,
    pub channels: Vec<EntityComparison>,
    pub groups: Vec<EntityComparison>,
    #[serde(skip)]
    pub intervals: Vec<IntervalComparison>,
}

impl Comparison {
    /// Every compared metric with the channel or group it is for: ("channel", "chat", m).
    pub fn all_metrics(&self) -> impl Iterator<Item = (&'static str, &str, &MetricComparison)> {
        entity_metrics("channel", &self.channels).chain(entity_metrics("group", &self.groups))
    }
}

fn entity_metrics<'a>(
    kind: &'static str,
    entities: &'a [EntityComparison],
) -> impl Iterator<Item = (&'static str, &'a str, &'a MetricComparison)> {
    entities.iter().flat_map(move |entity| {
        entity
            .metrics
            .iter()
            .map(move |metric| (kind, entity.name.as_str(), metric))
    })
}

/// Why two scenarios cannot be compared: they measure different periods.
pub fn incomparable(base: &Scenario, candidate: &Scenario) -> Vec<String> {
    let (a, b) = (base.simulation(), candidate.simulation());
    let mut problems = Vec::new();
    for (key, base_value, candidate_value) in [
        ("simulation.horizon", a.horizon_seconds, b.horizon_seconds),
        (
            "simulation.interval",
            a.interval_seconds,
            b.interval_seconds,
        ),
        ("simulation.warmup", a.warmup_seconds, b.warmup_seconds),
    ] {
        if base_value != candidate_value {
            problems.push(format!(
                "{key}: the candidate's {} differs from the base's {}; a comparison needs the same reporting period",
                format_duration(candidate_value),
                format_duration(base_value)
            ));
        }
    }
    problems
}

/// One side's per-replication values, grown batch by batch.
#[derive(Default)]
struct SideSamples {
    channels: Vec<Samples>,
    groups: Vec<Samples>,
    channel_intervals: Vec<Vec<Samples>>,
    group_intervals: Vec<Vec<Samples>>,
}

impl SideSamples {
    /// Appends the values of `results` (replications in order after those already held).
    fn add_results(
        &mut self,
        scenario: &Scenario,
        results: &[ReplicationResult],
        interval_metrics: &[Metric],
    ) {
        let digests = digests(scenario, results);
        append_each(&mut self.channels, channel_samples(scenario, &digests));
        append_each(&mut self.groups, group_samples(scenario, &digests));
        let channel_intervals = &mut self.channel_intervals;
        append_channel_interval_samples(channel_intervals, scenario, results, interval_metrics);
        let group_intervals = &mut self.group_intervals;
        append_group_interval_samples(group_intervals, scenario, results, interval_metrics);
    }
}

/// Appends a batch's values to each entity's samples (or takes the batch, the first time).
fn append_each(all: &mut Vec<Samples>, batch: Vec<Samples>) {
    if all.is_empty() {
        *all = batch;
        return;
    }
    for (samples, new) in all.iter_mut().zip(batch) {
        for (metric, values) in new {
            samples.entry(metric).or_default().extend(values);
        }
    }
}

/// Runs both scenarios on the base's seed and replications and compares them. The caller
/// checks `incomparable` first.
pub fn compare(
    base: &Scenario,
    candidate: &Scenario,
    settings: &CompareSettings,
    execution: Execution<'_>,
) -> Result<Comparison, SimulationError> {
    let batch = base.simulation().replications;
    let cap = settings.until_decided.map_or(batch, |cap| cap.max(batch));
    let mut fold = ComparisonFold::new(base, candidate, settings);
    let mut done = 0;
    loop {
        let range = done..(done + batch).min(cap);
        fold.add_base(&run_replication_range(base, range.clone(), execution)?.0);
        let candidate_results = run_replication_range(&fold.candidate, range.clone(), execution)?.0;
        fold.add_candidate(&candidate_results);
        done = range.end;
        let mut comparison = fold.comparison();
        let undecided: Vec<String> = comparison
            .all_metrics()
            .filter(|(_, _, metric)| !metric.verdict.is_decided())
            .map(|(_, name, metric)| format!("{name} {}", metric.metric))
            .collect();
        if settings.until_decided.is_none() {
            return Ok(comparison);
        }
        if undecided.is_empty() || done >= cap {
            comparison.until_decided = Some(UntilDecided {
                cap,
                batch,
                decided: undecided.is_empty(),
                undecided,
            });
            return Ok(comparison);
        }
    }
}

/// What the reader should know about the seeds before any replication runs.
fn seed_notes(base: &Scenario, candidate: &Scenario) -> Vec<String> {
    let (base_seed, candidate_seed) = (base.simulation().seed, candidate.simulation().seed);
    if candidate_seed == base_seed {
        return Vec::new();
    }
    vec![format!(
        "the candidate sets seed {candidate_seed}; both ran on the base's seed {base_seed}"
    )]
}

/// Runs replications `replications` of both sides on the base's seed (a shard's share of a
/// comparison): (base results, candidate results), each in that order.
pub fn run_compare_replications(
    base: &Scenario,
    candidate: &Scenario,
    replications: &[u32],
    execution: Execution<'_>,
) -> Result<(Vec<ReplicationResult>, Vec<ReplicationResult>), SimulationError> {
    let candidate = candidate.clone().with_seed(base.simulation().seed);
    let (base_results, _) = run_replication_list(base, replications, execution)?;
    let (candidate_results, _) = run_replication_list(&candidate, replications, execution)?;
    Ok((base_results, candidate_results))
}

/// The comparison of both sides' results of replications 0, 1, ..., given batch by batch
/// (`compare`) or one replication at a time (a merge of shards), each side in replication
/// order. Only each replication's compared values are kept, not its counters.
pub struct ComparisonFold<'a> {
    base: &'a Scenario,
    /// The candidate on the base's seed, as `compare` runs it.
    candidate: Scenario,
    settings: &'a CompareSettings,
    metrics: Vec<Metric>,
    base_samples: SideSamples,
    candidate_samples: SideSamples,
    replications: u32,
    /// What the comparison says of the two sides' seeds.
    seed_notes: Vec<String>,
}

impl<'a> ComparisonFold<'a> {
    pub fn new(
        base: &'a Scenario,
        candidate: &Scenario,
        settings: &'a CompareSettings,
    ) -> ComparisonFold<'a> {
        ComparisonFold {
            base,
            candidate: candidate.clone().with_seed(base.simulation().seed),
            settings,
            metrics: settings.compared_metrics(),
            base_samples: SideSamples::default(),
            candidate_samples: SideSamples::default(),
            replications: 0,
            seed_notes: seed_notes(base, candidate),
        }
    }

    /// The base's next replications.
    pub fn add_base(&mut self, results: &[ReplicationResult]) {
        self.base_samples
            .add_results(self.base, results, &self.metrics);
        self.replications += results.len() as u32;
    }

    /// The candidate's next replications.
    pub fn add_candidate(&mut self, results: &[ReplicationResult]) {
        self.candidate_samples
            .add_results(&self.candidate, results, &self.metrics);
    }

    /// The comparison of the replications added so far.
    pub fn comparison(&self) -> Comparison {
        let mut comparison = comparison(
            self.base,
            &self.candidate,
            &self.base_samples,
            &self.candidate_samples,
            &self.metrics,
            &self.settings.subjects,
            self.replications,
        );
        comparison
            .notes
            .splice(0..0, self.seed_notes.iter().cloned());
        comparison
    }
}

/// The comparison of what both sides ran so far.
fn comparison(
    base: &Scenario,
    candidate: &Scenario,
    base_samples: &SideSamples,
    candidate_samples: &SideSamples,
    metrics: &[Metric],
    subjects: &[String],
    replications: u32,
) -> Comparison {
    let settings = base.simulation();
    let mut notes = Vec::new();
    let base_channels: Vec<&str> = base.channels().iter().map(|c| c.name.as_str()).collect();
    let candidate_channels: Vec<&str> = candidate
        .channels()
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    let base_groups: Vec<&str> = base.groups().iter().map(|g| g.name.as_str()).collect();
    let candidate_groups: Vec<&str> = candidate.groups().iter().map(|g| g.name.as_str()).collect();
    let mut channels_differ = false;
    for (kind, ours, theirs, side) in [
        ("channel", &base_channels, &candidate_channels, "base"),
        ("channel", &candidate_channels, &base_channels, "candidate"),
        ("group", &base_groups, &candidate_groups, "base"),
        ("group", &candidate_groups, &base_groups, "candidate"),
    ] {
        for name in ours.iter().filter(|name| !theirs.contains(name)) {
            notes.push(format!("{kind} {name} is only in the {side}; not compared"));
            channels_differ |= kind == "channel";
        }
    }
    if channels_differ {
        notes.push(
            "random streams are keyed by channel name: the channels both have still see the same arrivals, attributes, work and patience".into(),
        );
    }
    let in_scope = |scope: Scope, wanted: Scope| scope == wanted || scope == Scope::Both;
    let channel_metrics: Vec<Metric> = metrics
        .iter()
        .copied()
        .filter(|m| in_scope(m.scope(), Scope::Channel))
        .collect();
    let group_metrics: Vec<Metric> = metrics
        .iter()
        .copied()
        .filter(|m| in_scope(m.scope(), Scope::Group))
        .collect();
    let matched = |ours: &[&str], theirs: &[&str]| -> Vec<(usize, usize)> {
        ours.iter()
            .enumerate()
            .filter_map(|(idx, name)| Some((idx, theirs.iter().position(|t| t == name)?)))
            .collect()
    };
    let wanted = |pairs: Vec<(usize, usize)>, names: &[&str]| -> Vec<(usize, usize)> {
        pairs
            .into_iter()
            .filter(|&(b, _)| subjects.is_empty() || subjects.iter().any(|s| s == names[b]))
            .collect()
    };
    let channel_pairs = wanted(matched(&base_channels, &candidate_channels), &base_channels);
    let group_pairs = wanted(matched(&base_groups, &candidate_groups), &base_groups);
    let entity =
        |name: &str, base: &Samples, candidate: &Samples, metrics: &[Metric]| EntityComparison {
            name: name.to_string(),
            metrics: metrics
                .iter()
                .filter_map(|metric| {
                    let (b, c) = (base.get(metric)?, candidate.get(metric)?);
                    Some(MetricComparison::from_values(*metric, b, c))
                })
                .collect(),
        };
    let channels = channel_pairs
        .iter()
        .map(|&(b, c)| {
            entity(
                base_channels[b],
                &base_samples.channels[b],
                &candidate_samples.channels[c],
                &channel_metrics,
            )
        })
        .collect();
    let groups = group_pairs
        .iter()
        .map(|&(b, c)| {
            entity(
                base_groups[b],
                &base_samples.groups[b],
                &candidate_samples.groups[c],
                &group_metrics,
            )
        })
        .collect();
    let long = settings.horizon_seconds > 7.0 * 86_400.0;
    let mut intervals = Vec::new();
    let channel_interval_metrics: Vec<Metric> = channel_metrics
        .iter()
        .copied()
        .filter(|m| CHANNEL_INTERVAL_METRICS.contains(m))
        .collect();
    for (kind, pairs, names, base_cells, candidate_cells, wanted) in [
        (
            "channel",
            &channel_pairs,
            &base_channels,
            &base_samples.channel_intervals,
            &candidate_samples.channel_intervals,
            &channel_interval_metrics,
        ),
        (
            "group",
            &group_pairs,
            &base_groups,
            &base_samples.group_intervals,
            &candidate_samples.group_intervals,
            &group_metrics,
        ),
    ] {
        for &(b, c) in pairs {
            for (offset, interval_idx) in settings.reported_intervals().enumerate() {
                let start_seconds = interval_idx as f64 * settings.interval_seconds;
                for metric in wanted {
                    let (Some(base_values), Some(candidate_values)) = (
                        base_cells[b][offset].get(metric),
                        candidate_cells[c][offset].get(metric),
                    ) else {
                        continue;
                    };
                    intervals.push(IntervalComparison {
                        kind,
                        name: names[b].to_string(),
                        interval_idx,
                        start_seconds,
                        start_label: format_clock(start_seconds, long),
                        comparison: MetricComparison::from_values(
                            *metric,
                            base_values,
                            candidate_values,
                        ),
                    });
                }
            }
        }
    }
    Comparison {
        omnisim_version: env!("CARGO_PKG_VERSION").to_string(),
        base: base.name().to_string(),
        candidate: candidate.name().to_string(),
        seed: settings.seed,
        replications,
        confidence: CONFIDENCE,
        horizon_seconds: settings.horizon_seconds,
        interval_seconds: settings.interval_seconds,
        warmup_seconds: settings.warmup_seconds,
        notes,
        until_decided: None,
        channels,
        groups,
        intervals,
    }
}
