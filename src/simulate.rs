//! A run of a scenario, as a library call: every replication in parallel (rayon), the same
//! scenario without its disruptions on the same seeds when it has any (the paired base run
//! each disruption is measured against), flow conservation checked, and the replications
//! summarised into a `RunReport` that `output` renders. Tests, benches and the CLI all run
//! scenarios through `run`, so what they check is what users get.
//!
//! Each replication owns its random streams and results are collected in replication order,
//! so the report is the same whatever the number of threads.

use std::ops::Range;
use std::time::Instant;

use rayon::prelude::*;

use crate::engine::layout::RoutingLayout;
use crate::engine::{Detail, ReplicationResult, run_replication_with_detail};
use crate::error::SimulationError;
use crate::metrics::digest::digests;
use crate::metrics::disruption_summary::disruption_summaries;
use crate::metrics::summary::{
    IntervalRow, RunSummary, channel_interval_rows, group_interval_rows, summarise,
};
use crate::scenario::Scenario;

/// How replications are run: on how many threads, and whom to tell as each one finishes.
#[derive(Clone, Copy)]
pub struct Execution<'a> {
    /// Worker threads; rayon's default (all cores) when `None`. Results never depend on it.
    pub threads: Option<usize>,
    /// Called once per finished replication, from whichever worker ran it (a progress bar).
    pub on_replication: &'a (dyn Fn() + Sync),
    /// Called when the work moves past the replications to a phase the user would
    /// otherwise wait through in silence ("summarising").
    pub on_phase: &'a (dyn Fn(&str) + Sync),
}

fn nothing() {}

fn no_phase(_: &str) {}

impl Execution<'static> {
    /// On `threads` threads, telling nobody.
    pub fn silent(threads: Option<usize>) -> Execution<'static> {
        Execution {
            threads,
            on_replication: &nothing,
            on_phase: &no_phase,
        }
    }
}

/// The run's own performance counters (never written to summary.json, which must be
/// byte-identical between runs).
#[derive(Debug, Clone, Copy)]
pub struct RunCounters {
    pub events_processed: u64,
    pub contacts_generated: u64,
    pub peak_live_contacts: usize,
    pub wall_seconds: f64,
    pub threads: usize,
}

/// What a run found: the summary (with each disruption's paired comparison), the
/// per-interval rows of channels and groups, and the counters of the run as written.
#[derive(Debug, Clone)]
pub struct RunReport {
    pub summary: RunSummary,
    pub channel_rows: Vec<IntervalRow>,
    pub group_rows: Vec<IntervalRow>,
    pub counters: RunCounters,
}

/// Replications `run` simulates: the scenario's, twice over when it has disruptions (the
/// paired base run). For sizing a progress bar.
pub fn replications_to_run(scenario: &Scenario) -> u64 {
    let runs = if scenario.disruptions().is_empty() {
        1
    } else {
        2
    };
    u64::from(scenario.simulation().replications) * runs
}

/// Runs the scenario and summarises it. With disruptions, the same scenario without them
/// runs too, on the same seeds, so each disruption's effect is measured on the same
/// customers.
pub fn run(scenario: &Scenario, execution: Execution<'_>) -> Result<RunReport, SimulationError> {
    let (results, counters) = run_replications(scenario, execution)?;
    let base_results = if scenario.disruptions().is_empty() {
        None
    } else {
        Some(run_replications(&scenario.without_disruptions(), execution)?.0)
    };
    (execution.on_phase)("summarising the replications");
    Ok(report_from_results(
        scenario,
        &results,
        base_results.as_deref(),
        counters,
    ))
}

/// The report of replications already run: `results` in replication order, and with
/// disruptions the paired base run's (`base_results`). What `run` reports, and what
/// `omnisim merge` reports from shards.
pub fn report_from_results(
    scenario: &Scenario,
    results: &[ReplicationResult],
    base_results: Option<&[ReplicationResult]>,
    counters: RunCounters,
) -> RunReport {
    let run_digests = digests(scenario, results);
    let mut summary = summarise(scenario, &run_digests);
    if let Some(base_results) = base_results {
        let base_digests = digests(scenario, base_results);
        summary.disruptions = disruption_summaries(scenario, &run_digests, Some(&base_digests));
    }
    RunReport {
        summary,
        channel_rows: channel_interval_rows(scenario, results),
        group_rows: group_interval_rows(scenario, results),
        counters,
    }
}

/// Runs the replications numbered `replications` (a shard's share) and, with disruptions,
/// the paired base run of the same ones: each is the same as in a whole run.
pub fn run_shard(
    scenario: &Scenario,
    replications: &[u32],
    execution: Execution<'_>,
) -> Result<(Vec<ReplicationResult>, Vec<ReplicationResult>, RunCounters), SimulationError> {
    let (results, counters) = run_replication_list(scenario, replications, execution)?;
    let base_results = if scenario.disruptions().is_empty() {
        Vec::new()
    } else {
        run_replication_list(&scenario.without_disruptions(), replications, execution)?.0
    };
    Ok((results, base_results, counters))
}

/// Runs every replication of the scenario, in replication order.
pub fn run_replications(
    scenario: &Scenario,
    execution: Execution<'_>,
) -> Result<(Vec<ReplicationResult>, RunCounters), SimulationError> {
    run_replication_range(scenario, 0..scenario.simulation().replications, execution)
}

/// Runs replications `range` of the scenario, in replication order. Replication `r` is the
/// same whichever range it runs in (its streams come from (seed, r)), so replications can be
/// added in batches. A replication that breaks flow conservation is an error, never a result.
pub fn run_replication_range(
    scenario: &Scenario,
    range: Range<u32>,
    execution: Execution<'_>,
) -> Result<(Vec<ReplicationResult>, RunCounters), SimulationError> {
    let replications: Vec<u32> = range.collect();
    run_replication_list(scenario, &replications, execution)
}

/// Runs the replications numbered `replications`, in that order (any subset: a batch, a
/// shard's share).
pub fn run_replication_list(
    scenario: &Scenario,
    replications: &[u32],
    execution: Execution<'_>,
) -> Result<(Vec<ReplicationResult>, RunCounters), SimulationError> {
    run_replication_list_with_detail(scenario, replications, execution, Detail::Full)
}

/// Every replication of the scenario with counters only (`Detail::CountersOnly`: no
/// answered-wait quantiles or distribution), for studies that judge by the counters.
pub fn run_replications_counters_only(
    scenario: &Scenario,
    execution: Execution<'_>,
) -> Result<(Vec<ReplicationResult>, RunCounters), SimulationError> {
    let replications: Vec<u32> = (0..scenario.simulation().replications).collect();
    run_replication_list_with_detail(scenario, &replications, execution, Detail::CountersOnly)
}

fn run_replication_list_with_detail(
    scenario: &Scenario,
    replications: &[u32],
    execution: Execution<'_>,
    detail: Detail,
) -> Result<(Vec<ReplicationResult>, RunCounters), SimulationError> {
    let started = Instant::now();
    let layout = RoutingLayout::new(scenario);
    let work = || -> Vec<ReplicationResult> {
        replications
            .par_iter()
            .map(|&replication| {
                let result = run_replication_with_detail(scenario, &layout, replication, detail);
                (execution.on_replication)();
                result
            })
            .collect()
    };
    let (results, threads_used) = match execution.threads {
        Some(count) => {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(count)
                .build()
                .map_err(|error| SimulationError::Threads(error.to_string()))?;
            (pool.install(work), count)
        }
        None => (work(), rayon::current_num_threads()),
    };
    if let Some(failure) = results.iter().flat_map(|r| &r.conservation_failures).next() {
        return Err(SimulationError::Conservation(failure.clone()));
    }
    let counters = RunCounters {
        events_processed: results.iter().map(|r| r.events_processed).sum(),
        contacts_generated: results.iter().map(|r| r.contacts_generated).sum(),
        peak_live_contacts: results
            .iter()
            .map(|r| r.peak_live_contacts)
            .max()
            .unwrap_or(0),
        wall_seconds: started.elapsed().as_secs_f64(),
        threads: threads_used,
    };
    Ok((results, counters))
}

/// `work` on every item on `threads` threads (rayon's default when `None`), results in the
/// items' order whatever the thread count: for independent studies other than replications
/// (a roster's groups) that should share the one thread pool.
pub fn map_in_parallel<T: Sync, R: Send>(
    items: &[T],
    threads: Option<usize>,
    work: impl Fn(&T) -> R + Sync + Send,
) -> Result<Vec<R>, SimulationError> {
    let run = || items.par_iter().map(&work).collect();
    match threads {
        Some(count) => {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(count)
                .build()
                .map_err(|error| SimulationError::Threads(error.to_string()))?;
            Ok(pool.install(run))
        }
        None => Ok(run()),
    }
}

/// The instant simulated time 0 stands for when contacts are written as a trace: the
/// replayed trace's Monday on the center's clock when a channel replays one, else Monday
/// 1 January 2024, 00:00 UTC.
pub fn trace_epoch(scenario: &Scenario) -> jiff::Timestamp {
    scenario
        .channels()
        .iter()
        .filter_map(|channel| channel.replay.as_ref())
        .find_map(|replay| {
            let zone = jiff::tz::TimeZone::get(&replay.time_zone).ok()?;
            let date: jiff::civil::Date = replay.start_date.parse().ok()?;
            zone.to_timestamp(date.to_datetime(jiff::civil::Time::midnight()))
                .ok()
        })
        .unwrap_or_else(|| {
            "2024-01-01T00:00:00Z"
                .parse()
                .expect("a valid RFC 3339 instant")
        })
}

/// Replication `replication` (the same run `run` makes of it) as a trace: every customer
/// contact answered or abandoned, in arrival order, dated from `trace_epoch`. What a
/// platform would have exported had the simulated week happened, for `fit` to read back.
pub fn contact_trace(scenario: &Scenario, replication: u32) -> Vec<crate::trace::TraceRecord> {
    let layout = RoutingLayout::new(scenario);
    let (_, mut log) = crate::engine::run_replication_logged(scenario, &layout, replication);
    log.sort_by(|a, b| a.arrival_seconds.total_cmp(&b.arrival_seconds));
    let epoch = trace_epoch(scenario);
    let names = scenario.attribute_names();
    let name = |list: &[String], idx: u8| list.get(usize::from(idx)).cloned();
    log.iter()
        .map(|contact| crate::trace::TraceRecord {
            arrival: epoch
                .checked_add(jiff::SignedDuration::from_secs_f64(contact.arrival_seconds))
                .expect("a simulated time is within jiff's range"),
            channel: scenario.channels()[usize::from(contact.channel_idx)]
                .name
                .clone(),
            issue_type: name(&names.issue_types, contact.issue_type_idx),
            segment: name(&names.segments, contact.segment_idx),
            language: name(&names.languages, contact.language_idx),
            priority: name(&names.urgencies, contact.urgency_idx),
            outcome: Some(contact.outcome),
            wait_seconds: Some(contact.wait_seconds),
            handle_seconds: contact.handle_seconds,
            agent: contact.agent_idx.map(|idx| format!("agent-{idx}")),
        })
        .collect()
}
