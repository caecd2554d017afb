//! Independent replications in parallel with rayon. Each replication owns its random streams,
//! and results are collected in replication order, so the outputs are the same bytes whatever
//! the number of threads.

use std::time::Instant;

use rayon::prelude::*;

use crate::engine::state::RoutingLayout;
use crate::engine::{ReplicationResult, run_replication};
use crate::progress::Progress;
use crate::scenario::Scenario;

/// The CLI's own performance counters for a run (never written to summary.json, which must be
/// byte-identical between runs).
#[derive(Debug, Clone, Copy)]
pub struct RunCounters {
    pub events_processed: u64,
    pub contacts_generated: u64,
    pub peak_live_contacts: usize,
    pub wall_seconds: f64,
    pub threads: usize,
}

/// Runs every replication of the scenario on `threads` threads (rayon's default when `None`),
/// stepping `progress` once per replication (the caller finishes it, so one bar can span
/// several runs).
pub fn run_replications(
    scenario: &Scenario,
    threads: Option<usize>,
    progress: &Progress,
) -> (Vec<ReplicationResult>, RunCounters) {
    let started = Instant::now();
    let layout = RoutingLayout::new(scenario);
    let replications = scenario.simulation.replications;
    let work = || -> Vec<ReplicationResult> {
        (0..replications)
            .into_par_iter()
            .map(|replication| {
                let result = run_replication(scenario, &layout, replication);
                progress.step();
                result
            })
            .collect()
    };
    let (results, threads_used) = match threads {
        Some(count) => {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(count)
                .build()
                .expect("thread pool");
            (pool.install(work), count)
        }
        None => (work(), rayon::current_num_threads()),
    };
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
    (results, counters)
}
