//! Validate, then simulate: a scenario that validates and is small enough (the resource
//! budget's estimate, a bounded horizon) runs one replication, which must finish with flow
//! conserved. A panic or a conservation failure is a crash.
#![no_main]

use libfuzzer_sys::fuzz_target;
use omnisim::budget::{Workload, estimate};
use omnisim::simulate::{Execution, run};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(scenario) = omnisim::scenario::parse_scenario_str(text, "fuzz") else {
        return;
    };
    let Ok(scenario) = scenario.with_replications(1) else {
        return;
    };
    let needs = estimate(&scenario, Workload::run(&scenario, 1));
    let agents: u64 = scenario
        .groups()
        .iter()
        .map(|g| u64::from(g.headcount.max()))
        .sum();
    if needs.expected_contacts > 20_000.0
        || needs.memory_bytes > 200.0e6
        || scenario.simulation().n_intervals() > 5_000
        || agents > 5_000
    {
        return;
    }
    match run(&scenario, Execution::silent(Some(1))) {
        Ok(_) => {}
        Err(omnisim::error::SimulationError::Staffing(_)) => {}
        Err(error) => panic!("{error}"),
    }
});
