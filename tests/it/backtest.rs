//! `omnisim backtest` on a trace omnisim wrote itself: two weeks simulated, written as a
//! trace, replayed with recorded work and patience and the same staffing, must reproduce
//! the recording day by day (the same arrivals, work and patience through the same FIFO
//! queue give the same waits), which checks import's trace, replay and the comparison end to
//! end. And a scenario that replays nothing is refused.

use omnisim::backtest::{BacktestMetric, backtest};
use omnisim::scenario::load_scenario_file;
use omnisim::simulate::{Execution, contact_trace};

use crate::support::parse;

const SIMULATED: &str = r#"
[simulation]
horizon = "14d"
interval = "30m"
replications = 1
seed = 5

[channels.phone]
kind = "voice"
sla = { within = "20s", target = 0.8 }
handle_time = { distribution = "lognormal", mean = "4m", cv = 0.6 }
patience = { distribution = "exponential", mean = "5m" }

[arrivals.phone]
rate_per_hour = 120

[groups.agents]
headcount = 9
channels = ["phone"]
"#;

const REPLAYED: &str = r#"
[simulation]
horizon = "14d"
interval = "30m"
replications = 4
seed = 99

[channels.phone]
kind = "voice"
sla = { within = "20s", target = 0.8 }
handle_time = { distribution = "lognormal", mean = "4m", cv = 0.6 }
patience = { distribution = "exponential", mean = "5m" }

[arrivals.phone]
trace = "trace.csv"
work = "recorded"
patience = "recorded"

[groups.agents]
headcount = 9
channels = ["phone"]
"#;

#[test]
fn a_backtest_of_omnisim_s_own_trace_reproduces_every_day() {
    let trace = contact_trace(&parse(SIMULATED), 0);
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(
        folder.path().join("trace.csv"),
        omnisim::output::import::trace_csv(&trace),
    )
    .unwrap();
    std::fs::write(folder.path().join("scenario.toml"), REPLAYED).unwrap();
    let scenario = load_scenario_file(&folder.path().join("scenario.toml")).unwrap();
    let report = backtest(&scenario, "the scenario's", Execution::silent(None)).unwrap();
    let phone = &report.channels[0];
    assert_eq!(phone.days.len(), 14);
    for day in &phone.days {
        for (metric, comparison) in &day.metrics {
            let tolerance = match metric {
                BacktestMetric::Offered => 0.0,
                BacktestMetric::ServiceLevel | BacktestMetric::Abandonment => 0.005,
                BacktestMetric::Asa => 0.5,
            };
            assert!(
                comparison.error.abs() <= tolerance,
                "day {}: {} recorded {} simulated {}",
                day.index,
                metric.name(),
                comparison.recorded,
                comparison.simulated_mean
            );
        }
    }
    let abandoned = phone.total.metrics[2].1.recorded;
    assert!(
        abandoned > 0.01,
        "the test needs waiting and abandonment: {abandoned}"
    );
}

#[test]
fn a_scenario_that_replays_nothing_is_refused() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_omnisim"))
        .args(["backtest", "scenarios/erlang_c.toml", "--out"])
        .arg(tempfile::tempdir().unwrap().path().join("out"))
        .current_dir(root)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("replays no trace"), "{stderr}");
}
