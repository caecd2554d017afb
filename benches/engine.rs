//! Criterion benchmarks of the engine on one core: M/M/c with one million contacts (no
//! routing rules: what unused routing costs), one replication of retail_week (with the
//! seed's rules, callbacks, overflow and handoffs on), and one of routing_rules (every rule
//! kind, concurrency slowdown, proficiency). Throughput is reported in contacts per second.
//! `one_million_agents_setup` is one short replication with the largest headcount validation
//! allows (1,000,000 agents, about 100 contacts), so it times the set-up, in agents per
//! second: it was quadratic in agents before the pools were built in one pass.
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

/// The most agents a group may have, for an hour with a hundred contacts: the set-up is all.
const ONE_MILLION_AGENTS: &str = r#"
[simulation]
horizon = "1h"
interval = "30m"
replications = 1
seed = 1

[channels.chat]
kind = "messaging"
sla = { within = "2m", target = 0.8 }
handle_time = { distribution = "exponential", mean = "5m" }
patience = { distribution = "exponential", mean = "3m" }

[arrivals.chat]
rate_per_hour = 100

[groups.everyone]
headcount = 1000000
channels = ["chat"]
concurrency = 2
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

    let crowd = parse_scenario_str(ONE_MILLION_AGENTS, "crowd").expect("valid");
    let crowd_layout = RoutingLayout::new(&crowd);
    group.throughput(Throughput::Elements(1_000_000));
    group.bench_function("one_million_agents_setup", |bench| {
        bench.iter(|| run_replication(&crowd, &crowd_layout, 0))
    });
    group.finish();
}

criterion_group!(benches, engine);
criterion_main!(benches);
