//! Shared helpers: run a scenario given as TOML text through the library.

use omnisim::engine::ReplicationResult;
use omnisim::metrics::summary::{RunSummary, summarise};
use omnisim::progress::Progress;
use omnisim::replicate::run_replications;
use omnisim::scenario::{Scenario, parse_scenario_str};

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
    let (results, _) = run_replications(scenario, threads, &Progress::hidden());
    for result in &results {
        assert!(
            result.conservation_failures.is_empty(),
            "{:?}",
            result.conservation_failures
        );
    }
    (summarise(scenario, &results), results)
}
