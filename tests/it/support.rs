//! Shared helpers: run a scenario given as TOML text through the library.

use omnisim::engine::layout::RoutingLayout;
use omnisim::engine::{ReplicationResult, run_replication_audited};
use omnisim::metrics::summary::{RunSummary, summarise};
use omnisim::scenario::{Scenario, parse_scenario_str};
use omnisim::simulate::Execution;
use omnisim::simulate::run_replications;

pub fn parse(toml: &str) -> Scenario {
    match parse_scenario_str(toml, "test") {
        Ok(scenario) => scenario,
        Err(problems) => panic!("test scenario is invalid: {problems:#?}\n{toml}"),
    }
}

pub fn simulate(
    scenario: &Scenario,
    threads: Option<usize>,
) -> (RunSummary, Vec<ReplicationResult>) {
    let (results, _) = run_replications(scenario, Execution::silent(threads)).unwrap();
    for result in &results {
        assert!(
            result.conservation_failures.is_empty(),
            "{:?}",
            result.conservation_failures
        );
    }
    (summarise(scenario, &results), results)
}

/// Runs `replications` replications under the engine's audit; fails on any violation or flow
/// imbalance, and returns the results.
#[track_caller]
pub fn run_audited(scenario: &Scenario, replications: u32) -> Vec<ReplicationResult> {
    let layout = RoutingLayout::new(scenario);
    (0..replications)
        .map(|replication| {
            let (result, violations) = run_replication_audited(scenario, &layout, replication);
            assert!(
                violations.is_empty(),
                "replication {replication}: {violations:#?}"
            );
            assert!(
                result.conservation_failures.is_empty(),
                "{:?}",
                result.conservation_failures
            );
            result
        })
        .collect()
}
