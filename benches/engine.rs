//! Criterion benchmarks of the engine on one core: M/M/c with one million contacts (no
//! routing rules: what unused routing costs), one replication of retail_week (with the
//! seed's rules, callbacks, overflow and handoffs on), and one of routing_rules (every rule
//! kind, concurrency slowdown, proficiency). Throughput is reported in contacts per second.
//!
//! Run: `cargo bench --bench engine`

use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use omnisim::engine::layout::RoutingLayout;
use omnisim::engine::run_replication;
use omnisim::scenario::{load_scenario_file, parse_scenario_str};

/// M/M/c at rho 0.9: 20 agents, 1-minute mean handle time, 18 arrivals per minute, for the
/// 926 hours that bring one million expected contacts.
const MMC_ONE_MILLION: &str = r#"
[simulation]
horizon = "926h"
interval = "1h"
replications = 1
seed = 1

[channels.phone]
kind = "voice"
sla = { within = "20s", target = 0.8 }
handle_time = { distribution = "exponential", mean = "1m" }
patience = { distribution = "exponential", mean = "5m" }

[arrivals.phone]
rate_per_hour = 1080

[groups.agents]
headcount = 20
channels = ["phone"]
"#;

fn engine(criterion: &mut Criterion) {
    let mut group = criterion.benchmark_group("engine");
    group.sample_size(10);

    let mmc = parse_scenario_str(MMC_ONE_MILLION, "mmc").expect("valid");
    let mmc_layout = RoutingLayout::new(&mmc);
    let contacts = run_replication(&mmc, &mmc_layout, 0).contacts_generated;
    group.throughput(Throughput::Elements(contacts));
    group.bench_function("mmc_1m_contacts", |bench| {
        bench.iter(|| run_replication(&mmc, &mmc_layout, 0))
    });

    let retail = load_scenario_file(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/retail_week.toml"),
    )
    .expect("valid");
    let retail_layout = RoutingLayout::new(&retail);
    let contacts = run_replication(&retail, &retail_layout, 0).contacts_generated;
    group.throughput(Throughput::Elements(contacts));
    group.bench_function("retail_week_one_replication", |bench| {
        bench.iter(|| run_replication(&retail, &retail_layout, 0))
    });

    let rules = load_scenario_file(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/routing_rules.toml"),
    )
    .expect("valid");
    let rules_layout = RoutingLayout::new(&rules);
    let contacts = run_replication(&rules, &rules_layout, 0).contacts_generated;
    group.throughput(Throughput::Elements(contacts));
    group.bench_function("routing_rules_one_replication", |bench| {
        bench.iter(|| run_replication(&rules, &rules_layout, 0))
    });
    group.finish();
}

criterion_group!(benches, engine);
criterion_main!(benches);
