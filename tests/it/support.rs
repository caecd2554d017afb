//! Shared helpers: run a scenario given as TOML text through the library.

use omnisim::engine::counts::ChannelIntervalCounts;
use omnisim::engine::layout::RoutingLayout;
use omnisim::engine::{ReplicationResult, run_replication_audited};
use omnisim::metrics::summary::{RunSummary, summarise};
use omnisim::scenario::{Scenario, parse_scenario_str};
use omnisim::simulate::Execution;
use omnisim::simulate::run_replications;
use omnisim::stats::{Estimate, student_t_quantile};

/// Every contact that leaves a channel for another arrives there, once: with no warm-up,
/// contacts converted out plus after-hours tickets equal contacts converted in.
#[track_caller]
pub fn check_cross_channel_balance(scenario: &Scenario, result: &ReplicationResult) {
    assert_eq!(scenario.simulation().warmup_seconds, 0.0);
    let total = |pick: fn(&ChannelIntervalCounts) -> u64| {
        result
            .channel_intervals
            .cells()
            .iter()
            .map(pick)
            .sum::<u64>()
    };
    let left = total(|row| row.converted_out) + total(|row| row.after_hours_tickets);
    let arrived = total(|row| row.converted_in);
    assert_eq!(
        left, arrived,
        "{left} contacts left channels but {arrived} arrived"
    );
}

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
    let digests = omnisim::metrics::digest::digests(scenario, &results);
    (summarise(scenario, &digests), results)
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

/// A day of chat, email and a self-service portal, with a chat-to-email handoff and costs.
pub const SMALL_RUN: &str = r#"
name = "small_run"

[simulation]
horizon = "1d"
interval = "2h"
replications = 4
seed = 5

[channels.chat]
kind = "messaging"
sla = { within = "2m", target = 0.8 }
handle_time = { distribution = "exponential", mean = "6m" }
patience = { distribution = "exponential", mean = "5m" }

[channels.email]
kind = "async"
sla = { within = "4h", target = 0.9 }
handle_time = { distribution = "exponential", mean = "12m" }
cost_per_contact = 0.05

[channels.portal]
kind = "self_service"
cost_per_contact = 0.08

[arrivals.chat]
rate_per_hour = 20

[arrivals.email]
rate_per_hour = 10

[arrivals.portal]
rate_per_hour = 5

[groups.chat_team]
channels = ["chat"]
headcount = 3
concurrency = 2
cost_per_hour = 28.0

[groups.email_team]
channels = ["email"]
headcount = 3
cost_per_hour = 25.0

[[handoffs]]
from = "chat"
to = "email"
probability = 0.2
delay = { distribution = "exponential", mean = "30m" }
context_preserved = 0.9
"#;

/// Compares an estimate with an exact value at 99.9% (a handful of comparisons per test).
#[track_caller]
pub fn check_estimate(what: &str, estimate: Estimate, exact: f64) {
    let (mean, ci95) = (estimate.mean.unwrap(), estimate.ci95.unwrap());
    let degrees = (estimate.n - 1) as usize;
    let half_width =
        ci95 * student_t_quantile(degrees, 0.9995) / student_t_quantile(degrees, 0.975);
    assert!(
        (mean - exact).abs() <= half_width,
        "{what}: simulated {mean:.5} ± {half_width:.5} (99.9%) does not cover the exact {exact:.5}"
    );
    assert!(
        half_width <= 0.08 * exact.abs(),
        "{what}: interval ± {half_width:.5} around {mean:.5} is too wide to test anything"
    );
}

/// Runs the omnisim binary with `args` in `directory`, and what it printed and returned.
pub fn omnisim(directory: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_omnisim"))
        .args(args)
        .current_dir(directory)
        .output()
        .unwrap()
}
