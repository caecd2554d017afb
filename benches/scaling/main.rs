//! How the engine's cost per contact scales, and how close it is to the limit, on one core:
//!
//! - `mm10_patience/recursion`: a hand-coded Kiefer-Wolfowitz recursion of M/M/10 with
//!   exponential patience (FCFS, rho 0.8): the workload vector of the 10 agents, the earliest
//!   free agent taking each arrival that would wait no longer than its patience. No events,
//!   no statistics but the counts: the limit a simulator of this queue can approach.
//! - `mm10_patience/engine`: the same queue as an omnisim scenario, one replication.
//! - `mm10_patience/minimal_des`: the same queue as the smallest event-driven simulation
//!   that keeps omnisim's statistics (the engine's event list and `Recorder`, nothing else):
//!   what a kernel special-cased to this one queue could reach.
//! - `channels/1`, `/64` and `/1000`: the same total load split over 1, 64 or 1,000 channels, one
//!   group serving them all (per-contact cost should not grow with channels).
//! - `agents/10` and `agents/10000`: M/M/c at rho 0.8 with 10 or 10,000 agents (per-contact
//!   cost should not grow with agents); `agents/chat_10` and `agents/chat_10000` the same
//!   with chat agents taking three conversations at once (routing picks the least loaded
//!   partly busy agent); `agents/swing_20000` a week whose headcount swings between 20,000
//!   and 100 every half hour (sending agents home and back must not cost a scan per agent).
//! - `enterprise/50_channels_20_groups`: 50 channels served by 20 overlapping groups.
//! - `enterprise/retail_week_x250`: retail_week with 250 times its volumes and headcounts
//!   (about 930,000 contacts a week, 2,660 agents, every target met), one replication.
//!
//! The two baselines are in `baselines.rs`. Throughput is contacts per second. Run:
//! `cargo bench --bench scaling`; compare the baselines and the engine in one run (these
//! machines are noisy).

mod baselines;

use baselines::{MM10_MINUTES, mm10_minimal_des, mm10_recursion};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use omnisim::engine::layout::RoutingLayout;
use omnisim::engine::run_replication;
use omnisim::scenario::{Scenario, parse_scenario_str};

fn scenario(text: &str) -> (Scenario, RoutingLayout) {
    let scenario = parse_scenario_str(text, "bench").expect("valid");
    let layout = RoutingLayout::new(&scenario);
    (scenario, layout)
}

fn mm10_scenario() -> String {
    format!(
        r#"
[simulation]
horizon = "{minutes}m"
interval = "1h"
replications = 1
seed = 1

[channels.phone]
kind = "voice"
sla = {{ within = "20s", target = 0.8 }}
handle_time = {{ distribution = "exponential", mean = "1m" }}
patience = {{ distribution = "exponential", mean = "3m" }}

[arrivals.phone]
rate_per_hour = 480

[groups.agents]
headcount = 10
channels = ["phone"]
"#,
        minutes = MM10_MINUTES
    )
}

/// `n` voice channels sharing 480 arrivals an hour, one group of 10 serving them all, for
/// about 200,000 contacts.
fn channels_scenario(n: usize) -> String {
    let mut text = String::from(
        "[simulation]\nhorizon = \"417h\"\ninterval = \"1h\"\nreplications = 1\nseed = 1\n",
    );
    let names: Vec<String> = (0..n).map(|c| format!("c{c}")).collect();
    for name in &names {
        text.push_str(&format!(
            "\n[channels.{name}]\nkind = \"voice\"\nsla = {{ within = \"20s\", target = 0.8 }}\nhandle_time = {{ distribution = \"exponential\", mean = \"1m\" }}\npatience = {{ distribution = \"exponential\", mean = \"3m\" }}\n[arrivals.{name}]\nrate_per_hour = {}\n",
            480.0 / n as f64
        ));
    }
    let quoted: Vec<String> = names.iter().map(|name| format!("\"{name}\"")).collect();
    text.push_str(&format!(
        "\n[groups.agents]\nheadcount = 10\nchannels = [{}]\n",
        quoted.join(", ")
    ));
    text
}

/// Chat at rho 0.8 with `agents` agents taking 3 conversations each (5-minute
/// conversations), for about 200,000 contacts.
fn chat_agents_scenario(agents: u32) -> String {
    let per_hour = f64::from(agents) * 3.0 * 0.8 * 12.0;
    format!(
        "[simulation]\nhorizon = \"{hours}h\"\ninterval = \"1h\"\nreplications = 1\nseed = 1\n\n[channels.chat]\nkind = \"messaging\"\nsla = {{ within = \"2m\", target = 0.8 }}\nhandle_time = {{ distribution = \"exponential\", mean = \"5m\" }}\npatience = {{ distribution = \"exponential\", mean = \"3m\" }}\n[arrivals.chat]\nrate_per_hour = {per_hour}\n\n[groups.agents]\nheadcount = {agents}\nconcurrency = 3\nchannels = [\"chat\"]\n",
        hours = (200_000.0 / per_hour).ceil()
    )
}

/// A week of 600 calls an hour whose headcount swings between 20,000 and 100 agents every
/// half hour (about 100,000 contacts).
fn swing_scenario() -> String {
    let headcounts: Vec<String> = (0..48)
        .map(|half_hour| if half_hour % 2 == 0 { "20000" } else { "100" }.to_string())
        .collect();
    format!(
        "[simulation]\nhorizon = \"7d\"\ninterval = \"30m\"\nreplications = 1\nseed = 1\n\n[channels.phone]\nkind = \"voice\"\nsla = {{ within = \"20s\", target = 0.8 }}\nhandle_time = {{ distribution = \"exponential\", mean = \"1m\" }}\npatience = {{ distribution = \"exponential\", mean = \"3m\" }}\n[arrivals.phone]\nrate_per_hour = 600\n\n[groups.agents]\nchannels = [\"phone\"]\nheadcount = [{}]\n",
        headcounts.join(", ")
    )
}

/// M/M/c at rho 0.8 with `agents` agents (1-minute calls), for about 200,000 contacts.
fn agents_scenario(agents: u32) -> String {
    let per_hour = f64::from(agents) * 0.8 * 60.0;
    format!(
        "[simulation]\nhorizon = \"{hours}h\"\ninterval = \"1h\"\nreplications = 1\nseed = 1\n\n[channels.phone]\nkind = \"voice\"\nsla = {{ within = \"20s\", target = 0.8 }}\nhandle_time = {{ distribution = \"exponential\", mean = \"1m\" }}\npatience = {{ distribution = \"exponential\", mean = \"3m\" }}\n[arrivals.phone]\nrate_per_hour = {per_hour}\n\n[groups.agents]\nheadcount = {agents}\nchannels = [\"phone\"]\n",
        hours = (200_000.0 / per_hour).ceil()
    )
}

/// 50 channels (voice, messaging and async in turn), 20 groups each serving 10 consecutive
/// channels (so every channel has 4 groups), about 200,000 contacts.
fn enterprise_scenario() -> String {
    let mut text = String::from(
        "[simulation]\nhorizon = \"168h\"\ninterval = \"1h\"\nreplications = 1\nseed = 1\n",
    );
    let kinds = [
        ("voice", "20s", "4m"),
        ("messaging", "2m", "6m"),
        ("async", "4h", "10m"),
    ];
    for c in 0..50 {
        let (kind, within, handle) = kinds[c % 3];
        let patience = if kind == "async" {
            String::new()
        } else {
            "patience = { distribution = \"exponential\", mean = \"5m\" }\n".into()
        };
        text.push_str(&format!(
            "\n[channels.c{c}]\nkind = \"{kind}\"\nsla = {{ within = \"{within}\", target = 0.8 }}\nhandle_time = {{ distribution = \"exponential\", mean = \"{handle}\" }}\n{patience}[arrivals.c{c}]\nrate_per_hour = 24\n"
        ));
    }
    for g in 0..20 {
        let channels: Vec<String> = (0..10)
            .map(|k| format!("\"c{}\"", (g * 5 / 2 + k) % 50))
            .collect();
        text.push_str(&format!(
            "\n[groups.g{g}]\nheadcount = 6\nconcurrency = 2\nchannels = [{}]\n",
            channels.join(", ")
        ));
    }
    text
}

/// retail_week at 250 times its volumes and headcounts.
fn retail_week_x250() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/retail_week.toml");
    let mut table: toml::Table = std::fs::read_to_string(path)
        .expect("retail_week.toml")
        .parse()
        .expect("TOML");
    let times = |value: &mut toml::Value| match value {
        toml::Value::Integer(n) => *n *= 250,
        toml::Value::Float(x) => *x *= 250.0,
        _ => {}
    };
    for (_, arrivals) in table["arrivals"].as_table_mut().expect("arrivals") {
        if let Some(volume) = arrivals.get_mut("weekly_volume") {
            times(volume);
        }
    }
    for (_, group) in table["groups"].as_table_mut().expect("groups") {
        match group.get_mut("headcount") {
            Some(toml::Value::Array(counts)) => counts.iter_mut().for_each(times),
            Some(count) => times(count),
            None => {}
        }
    }
    toml::to_string(&table).expect("TOML")
}

fn scaling(criterion: &mut Criterion) {
    let mut group = criterion.benchmark_group("mm10_patience");
    group.sample_size(10);
    let (answered, abandoned) = mm10_recursion(1);
    group.throughput(Throughput::Elements(answered + abandoned));
    group.bench_function("recursion", |bench| bench.iter(|| mm10_recursion(1)));
    let (mm10, mm10_layout) = scenario(&mm10_scenario());
    let contacts = run_replication(&mm10, &mm10_layout, 0).contacts_generated;
    group.throughput(Throughput::Elements(contacts));
    group.bench_function("engine", |bench| {
        bench.iter(|| run_replication(&mm10, &mm10_layout, 0))
    });
    group.throughput(Throughput::Elements(mm10_minimal_des(&mm10, 1)));
    group.bench_function("minimal_des", |bench| {
        bench.iter(|| mm10_minimal_des(&mm10, 1))
    });
    group.finish();

    let mut group = criterion.benchmark_group("channels");
    group.sample_size(10);
    for n in [1, 64, 1000] {
        let (channels, layout) = scenario(&channels_scenario(n));
        let contacts = run_replication(&channels, &layout, 0).contacts_generated;
        group.throughput(Throughput::Elements(contacts));
        group.bench_function(n.to_string(), |bench| {
            bench.iter(|| run_replication(&channels, &layout, 0))
        });
    }
    group.finish();

    let mut group = criterion.benchmark_group("agents");
    group.sample_size(10);
    for agents in [10, 10_000] {
        let (crowd, layout) = scenario(&agents_scenario(agents));
        let contacts = run_replication(&crowd, &layout, 0).contacts_generated;
        group.throughput(Throughput::Elements(contacts));
        group.bench_function(agents.to_string(), |bench| {
            bench.iter(|| run_replication(&crowd, &layout, 0))
        });
    }
    for agents in [10, 10_000] {
        let (chat, layout) = scenario(&chat_agents_scenario(agents));
        let contacts = run_replication(&chat, &layout, 0).contacts_generated;
        group.throughput(Throughput::Elements(contacts));
        group.bench_function(format!("chat_{agents}"), |bench| {
            bench.iter(|| run_replication(&chat, &layout, 0))
        });
    }
    let (swing, swing_layout) = scenario(&swing_scenario());
    let contacts = run_replication(&swing, &swing_layout, 0).contacts_generated;
    group.throughput(Throughput::Elements(contacts));
    group.bench_function("swing_20000", |bench| {
        bench.iter(|| run_replication(&swing, &swing_layout, 0))
    });
    group.finish();

    let mut group = criterion.benchmark_group("enterprise");
    group.sample_size(10);
    let (enterprise, layout) = scenario(&enterprise_scenario());
    let contacts = run_replication(&enterprise, &layout, 0).contacts_generated;
    group.throughput(Throughput::Elements(contacts));
    group.bench_function("50_channels_20_groups", |bench| {
        bench.iter(|| run_replication(&enterprise, &layout, 0))
    });
    let (retail, layout) = scenario(&retail_week_x250());
    let contacts = run_replication(&retail, &layout, 0).contacts_generated;
    group.throughput(Throughput::Elements(contacts));
    group.bench_function("retail_week_x250", |bench| {
        bench.iter(|| run_replication(&retail, &layout, 0))
    });
    group.finish();
}

criterion_group!(benches, scaling);
criterion_main!(benches);
