//! A run of a scenario, as a library call: every replication in parallel (rayon), the same
//! scenario without its disruptions on the same seeds when it has any (the paired base run
//! each disruption is measured against), flow conservation checked, and the replications
//! summarised into a `RunReport` that `output` renders. Tests, benches and the CLI all run
//! scenarios through `run`, so what they check is what users get.
//!
//! Each replication owns its random streams and results are collected in replication order,
//! so the report is the same whatever the number of threads.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::Instant;

use rayon::prelude::*;

use crate::engine::layout::RoutingLayout;
use crate::engine::{
    Detail, ReplicationResult, SpareGrids, run_replication_reusing, run_replication_with_detail,
};
use crate::error::SimulationError;
use crate::metrics::digest::ReplicationDigest;
use crate::metrics::disruption_summary::disruption_summaries;
use crate::metrics::interval_fold::IntervalRowsFold;
use crate::metrics::interval_table::IntervalTable;
use crate::metrics::summary::{RunSummary, summarise};
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
    /// Interval grids of replications already judged, for new ones to count into (`plan`
    /// runs round after round of the same shape); none for a single run.
    pub spare_grids: Option<&'a GridPool>,
}

impl<'a> Execution<'a> {
    /// This execution, with replications counting into `pool`'s spare grids.
    pub fn reusing_grids<'b>(self, pool: &'b GridPool) -> Execution<'b>
    where
        'a: 'b,
    {
        Execution {
            spare_grids: Some(pool),
            ..self
        }
    }

    /// Gives the grids of `results` (judged, no longer needed) to the pool, if any.
    pub fn give_back(&self, results: Vec<ReplicationResult>) {
        if let Some(pool) = self.spare_grids {
            pool.give_back(results);
        }
    }
}

/// Interval grids of finished replications waiting to be reused (`engine::SpareGrids`).
/// Which grid a replication gets does not matter: each is reset before it counts again.
#[derive(Debug, Default)]
pub struct GridPool {
    spare: Mutex<Vec<SpareGrids>>,
}

impl GridPool {
    /// Keeps the grids of `results` for later replications.
    pub fn give_back(&self, results: Vec<ReplicationResult>) {
        let mut spare = self.spare.lock().expect("no worker panicked");
        spare.extend(results.into_iter().map(SpareGrids::of));
    }

    fn take(&self) -> Option<SpareGrids> {
        self.spare.lock().expect("no worker panicked").pop()
    }
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
            spare_grids: None,
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
    pub channel_rows: IntervalTable,
    pub group_rows: IntervalTable,
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
///
/// Each replication is folded into the report as it finishes (in replication order), so
/// the run holds a few replications' interval grids at a time, not all of them: its memory
/// does not grow with replications beyond their small digests.
pub fn run(scenario: &Scenario, execution: Execution<'_>) -> Result<RunReport, SimulationError> {
    let all: Vec<u32> = (0..scenario.simulation().replications).collect();
    let mut fold = ReportFold::new(scenario);
    let counters = fold_replication_list(scenario, &all, execution, Detail::Full, |result| {
        fold.add(&result)
    })?;
    if !scenario.disruptions().is_empty() {
        fold_replication_list(
            &scenario.without_disruptions(),
            &all,
            execution,
            Detail::Full,
            |result| fold.add_base(&result),
        )?;
    }
    (execution.on_phase)("summarising the replications");
    Ok(fold.finish(counters))
}

/// A run's report built one replication at a time, in replication order: the interval rows
/// accumulate (`IntervalRowsFold`), and each replication leaves only its digest. What `run`
/// folds as replications finish, and `omnisim merge` as it reads them from shards.
pub struct ReportFold<'a> {
    scenario: &'a Scenario,
    rows: IntervalRowsFold,
    digests: Vec<ReplicationDigest>,
    /// The paired base run's, when the scenario has disruptions.
    base_digests: Vec<ReplicationDigest>,
}

impl<'a> ReportFold<'a> {
    pub fn new(scenario: &'a Scenario) -> ReportFold<'a> {
        // Sized once: a run of 10,000 short replications keeps 10,000 digests, and growing
        // the list by doubling held up to three times that during each copy.
        let replications = scenario.simulation().replications as usize;
        let base_replications = if scenario.disruptions().is_empty() {
            0
        } else {
            replications
        };
        ReportFold {
            scenario,
            rows: IntervalRowsFold::new(scenario),
            digests: Vec::with_capacity(replications),
            base_digests: Vec::with_capacity(base_replications),
        }
    }

    /// The next replication of the scenario.
    pub fn add(&mut self, result: &ReplicationResult) {
        self.rows.add(result);
        self.digests
            .push(ReplicationDigest::new(self.scenario, result));
    }

    /// The next replication of the scenario without its disruptions.
    pub fn add_base(&mut self, result: &ReplicationResult) {
        self.base_digests
            .push(ReplicationDigest::new(self.scenario, result));
    }

    pub fn finish(self, counters: RunCounters) -> RunReport {
        let mut summary = summarise(self.scenario, &self.digests);
        if !self.scenario.disruptions().is_empty() {
            summary.disruptions =
                disruption_summaries(self.scenario, &self.digests, Some(&self.base_digests));
        }
        let rows = self.rows.finish();
        RunReport {
            summary,
            channel_rows: rows.channel_rows,
            group_rows: rows.group_rows,
            counters,
        }
    }
}

/// Runs the replications numbered `replications` (a shard's share) and, with disruptions,
/// the paired base run of the same ones: each is the same as in a whole run. Each result goes
/// to `each` as soon as it and those before it are done, in order: the scenario's, then the
/// base run's (marked `true`). Like `run`, this holds a few replications at a time, so a
/// shard's memory does not grow with its replications. The counters are the scenario's.
pub fn run_shard(
    scenario: &Scenario,
    replications: &[u32],
    execution: Execution<'_>,
    mut each: impl FnMut(ReplicationResult, bool) + Send,
) -> Result<RunCounters, SimulationError> {
    let counters =
        fold_replication_list(scenario, replications, execution, Detail::Full, |result| {
            each(result, false)
        })?;
    if !scenario.disruptions().is_empty() {
        fold_replication_list(
            &scenario.without_disruptions(),
            replications,
            execution,
            Detail::Full,
            |result| each(result, true),
        )?;
    }
    Ok(counters)
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
                let spare = execution.spare_grids.and_then(GridPool::take);
                let result = run_replication_reusing(scenario, &layout, replication, detail, spare);
                (execution.on_replication)();
                result
            })
            .collect()
    };
    let results = on_threads(execution.threads, work)?;
    let threads_used = execution.threads.unwrap_or_else(rayon::current_num_threads);
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

/// The most replications `run` holds at once on `threads` threads: one per thread, running
/// or finished and waiting for its turn (`fold_replication_list`).
pub fn replications_held_at_once(threads: usize) -> usize {
    threads.max(1)
}

/// Runs the replications numbered `replications` and hands each result to `fold` in that
/// order, as soon as it and every one before it are done; what `run_replication_list`
/// collects, without keeping it. Workers take replications in order and start one only
/// while fewer than `threads` are started and not yet folded: a worker that finishes ahead
/// of an earlier replication waits for it, so a run holds one replication's grids per
/// thread at most. Replications of one scenario take about the same time, so the wait is
/// short: on an hourly year of M/M/10, 20 replications, 2 threads, the wall time measured
/// the same as with one more replication held, and the peak 18.7 MiB instead of 20.5.
fn fold_replication_list(
    scenario: &Scenario,
    replications: &[u32],
    execution: Execution<'_>,
    detail: Detail,
    fold: impl FnMut(ReplicationResult) + Send,
) -> Result<RunCounters, SimulationError> {
    let started = Instant::now();
    let layout = RoutingLayout::new(scenario);
    let threads = execution
        .threads
        .unwrap_or_else(rayon::current_num_threads)
        .max(1);
    let ahead = replications_held_at_once(threads);
    let next_to_take = AtomicUsize::new(0);
    let in_order = Mutex::new(InOrder {
        next: 0,
        finished: BTreeMap::new(),
        fold,
        failure: None,
        events_processed: 0,
        contacts_generated: 0,
        peak_live_contacts: 0,
    });
    let room = Condvar::new();
    let worker = || {
        loop {
            let index = next_to_take.fetch_add(1, Ordering::Relaxed);
            if index >= replications.len() {
                return;
            }
            {
                let mut state = in_order.lock().expect("no worker panicked");
                while index >= state.next + ahead {
                    state = room.wait(state).expect("no worker panicked");
                }
            }
            let result =
                run_replication_with_detail(scenario, &layout, replications[index], detail);
            (execution.on_replication)();
            let mut state = in_order.lock().expect("no worker panicked");
            state.finished.insert(index, result);
            state.fold_ready();
            room.notify_all();
        }
    };
    let work = || {
        rayon::scope(|scope| {
            for _ in 0..threads {
                scope.spawn(|_| worker());
            }
        })
    };
    on_threads(execution.threads, work)?;
    let state = in_order.into_inner().expect("no worker panicked");
    if let Some(failure) = state.failure {
        return Err(SimulationError::Conservation(failure));
    }
    Ok(RunCounters {
        events_processed: state.events_processed,
        contacts_generated: state.contacts_generated,
        peak_live_contacts: state.peak_live_contacts,
        wall_seconds: started.elapsed().as_secs_f64(),
        threads,
    })
}

/// Finished replications waiting for their turn, and the fold they go to.
struct InOrder<Fold> {
    /// The index (into the replications run) of the next to fold.
    next: usize,
    finished: BTreeMap<usize, ReplicationResult>,
    fold: Fold,
    /// The first flow-conservation failure, in replication order.
    failure: Option<String>,
    events_processed: u64,
    contacts_generated: u64,
    peak_live_contacts: usize,
}

impl<Fold: FnMut(ReplicationResult)> InOrder<Fold> {
    /// Folds every finished replication whose turn has come.
    fn fold_ready(&mut self) {
        while let Some(result) = self.finished.remove(&self.next) {
            self.next += 1;
            self.events_processed += result.events_processed;
            self.contacts_generated += result.contacts_generated;
            self.peak_live_contacts = self.peak_live_contacts.max(result.peak_live_contacts);
            if self.failure.is_none() {
                self.failure = result.conservation_failures.first().cloned();
            }
            (self.fold)(result);
        }
    }
}

/// `work` on every item on `threads` threads (rayon's default when `None`), results in the
/// items' order whatever the thread count: for independent studies other than replications
/// (a roster's groups) that should share the one thread pool.
pub fn map_in_parallel<T: Sync, R: Send>(
    items: &[T],
    threads: Option<usize>,
    work: impl Fn(&T) -> R + Sync + Send,
) -> Result<Vec<R>, SimulationError> {
    on_threads(threads, || items.par_iter().map(&work).collect())
}

/// `work` in a pool of `threads` threads, or in rayon's global pool (all cores) when `None`.
fn on_threads<R: Send>(
    threads: Option<usize>,
    work: impl FnOnce() -> R + Send,
) -> Result<R, SimulationError> {
    match threads {
        Some(count) => Ok(rayon::ThreadPoolBuilder::new()
            .num_threads(count)
            .build()
            .map_err(|error| SimulationError::Threads(error.to_string()))?
            .install(work)),
        None => Ok(work()),
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
