//! Criterion benchmarks of the planning commands on the retail week (9 channels, 4 groups,
//! 336 half-hour intervals, 20 replications per simulation): `plan` with the single most
//! specialised assignment, and `roster` of that plan (1,092 shift patterns per group, each
//! group's integer program stopped at a fixed node count so every sample does the same work,
//! then verification by simulation). Each sample takes seconds; run them on a quiet machine.
//!
//! Run: `cargo bench --bench planning`

use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use omnisim::plan::{PlanOptions, plan};
use omnisim::roster::{RosterInput, RosterOptions, SolverLimits, roster};
use omnisim::scenario::load_scenario_file;
use omnisim::simulate::Execution;

fn planning(criterion: &mut Criterion) {
    let mut group = criterion.benchmark_group("planning");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(60));
    let scenario = load_scenario_file(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/retail_week.toml"),
    )
    .expect("valid");
    let options = PlanOptions {
        compare_assignments: false,
        ..PlanOptions::default()
    };
    group.bench_function("retail_week_plan_specialised_only", |bench| {
        bench.iter(|| plan(&scenario, &options, Execution::silent(None)).expect("plans"));
    });
    let found = plan(&scenario, &options, Execution::silent(None)).expect("plans");
    let input = RosterInput::from_plan(&found);
    let roster_options = RosterOptions {
        limits: SolverLimits {
            time_limit: Duration::from_secs(120),
            node_limit: Some(500),
            ..SolverLimits::default()
        },
        ..RosterOptions::default()
    };
    group.bench_function("retail_week_roster_500_nodes", |bench| {
        bench.iter(|| {
            roster(&scenario, &input, &roster_options, Execution::silent(None)).expect("rosters")
        });
    });
    group.finish();
}

criterion_group!(benches, planning);
criterion_main!(benches);
