//! `omnisim backtest` on a trace omnisim wrote itself: two weeks simulated, written as a
//! trace, replayed with recorded work and patience and the same staffing, must reproduce
//! the recording day by day (the same arrivals, work and patience through the same FIFO
//! queue give the same waits), which checks import's trace, replay and the comparison end to
//! end. And a scenario that replays nothing is refused.

use omnisim::backtest::{BacktestMetric, backtest};
use omnisim::scenario::load_scenario_file;
use omnisim::simulate::{Execution, contact_trace};

use crate::support::{omnisim, parse};

/// Two weeks of 120 calls an hour with lognormal work and exponential patience.
use crate::fit::KNOWN as SIMULATED;

/// `SIMULATED` replaying its own trace, work and patience as recorded, on other seeds.
fn replayed() -> String {
    let text = SIMULATED
        .replace(
            "rate_per_hour = 120",
            "trace = \"trace.csv\"\nwork = \"recorded\"\npatience = \"recorded\"",
        )
        .replace("replications = 1\nseed = 11", "replications = 4\nseed = 99");
    assert!(
        text.contains("trace = ") && text.contains("seed = 99"),
        "{text}"
    );
    text
}

/// A fresh folder holding `trace.csv`: the first replication of `SIMULATED` as a trace.
fn folder_with_own_trace() -> tempfile::TempDir {
    let trace = contact_trace(&parse(SIMULATED), 0);
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(
        folder.path().join("trace.csv"),
        omnisim::output::import::trace_csv(&trace),
    )
    .unwrap();
    folder
}

#[test]
fn a_backtest_of_omnisim_s_own_trace_reproduces_every_day() {
    let folder = folder_with_own_trace();
    std::fs::write(folder.path().join("scenario.toml"), replayed()).unwrap();
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
    let out = tempfile::tempdir().unwrap().path().join("out");
    let output = omnisim(
        root,
        &[
            "backtest",
            "scenarios/erlang_c.toml",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("replays no trace"), "{stderr}");
}

/// The scenario of `SIMULATED` with a fixed 30-second after-call time and heavier load.
fn with_wrap_up() -> String {
    SIMULATED
        .replace(
            "patience = { distribution = \"exponential\", mean = \"5m\" }",
            "patience = { distribution = \"exponential\", mean = \"5m\" }\nwrap_up = { distribution = \"fixed\", value = \"30s\" }",
        )
        .replace("rate_per_hour = 120", "rate_per_hour = 125")
}

#[test]
fn not_ready_time_is_read_back_from_omnisim_s_own_agents() {
    let trace = contact_trace(&parse(&with_wrap_up()), 0);
    let fit = omnisim::fit::not_ready::fit_not_ready(&trace, "phone", 900.0, 3).unwrap();
    assert!(fit.gaps > 1000, "{}", fit.gaps);
    // An agent freed with callers waiting takes the next one as its after-call time ends,
    // unless the others took them all meanwhile: no gap is shorter, most are exactly 30 s.
    let exactly = fit
        .quantiles
        .iter()
        .filter(|q| (**q - 30.0).abs() < 1e-3)
        .count();
    assert!(
        fit.quantiles.iter().all(|q| *q > 30.0 - 1e-3),
        "{:?}",
        fit.quantiles
    );
    assert!(
        exactly >= 90,
        "{exactly} of 100 quantiles at 30 s: {:?}",
        fit.quantiles
    );
}

/// The bank's February, replayed with the staffing and not-ready time its trace shows: over
/// the month, abandonment within 2 points and the share answered within 20 s within 5
/// points of the recording (the tolerances issue 17 sets for each weekday; per weekday the
/// model is not there yet, see README).
#[test]
fn the_bank_month_is_predicted_within_the_target_s_tolerances() {
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/technion_bank");
    let scenario = load_scenario_file(&folder.join("bank_february.toml")).unwrap();
    let text = std::fs::read_to_string(folder.join("february_1999.csv")).unwrap();
    let (records, problems) = omnisim::trace::read_trace(&text).unwrap();
    assert!(problems.is_empty());
    let staffing =
        omnisim::backtest::staffing::recorded_staffing(&scenario, &records, 900.0).unwrap();
    let not_ready = omnisim::fit::not_ready::fit_not_ready(&records, "phone", 900.0, 3).unwrap();
    let scenario = scenario
        .with_headcounts(staffing.headcounts)
        .unwrap()
        .with_wrap_up(
            0,
            omnisim::scenario::Distribution::Empirical {
                values: not_ready.quantiles,
            },
        );
    let report = backtest(&scenario, "from the trace", Execution::silent(None)).unwrap();
    let total = &report.channels[0].total;
    let metric =
        |wanted: BacktestMetric| total.metrics.iter().find(|(m, _)| *m == wanted).unwrap().1;
    let abandonment = metric(BacktestMetric::Abandonment);
    let service_level = metric(BacktestMetric::ServiceLevel);
    assert_eq!(total.recorded_counts_offered, 31_125.0);
    assert!(abandonment.error.abs() <= 0.02, "{abandonment:?}");
    assert!(service_level.error.abs() <= 0.05, "{service_level:?}");
}

#[test]
fn backtest_trace_replays_a_trace_in_place_of_the_scenario_s_arrivals() {
    // The simulated center itself (Poisson arrivals), given its own contacts with --trace.
    let folder = folder_with_own_trace();
    std::fs::write(folder.path().join("center.toml"), SIMULATED).unwrap();
    let output = omnisim(
        folder.path(),
        &[
            "backtest",
            "center.toml",
            "--trace",
            "trace.csv",
            "--trace-start",
            "2024-01-01",
            "--replications",
            "3",
            "--no-charts",
            "--format",
            "json",
            "--out",
            "out",
        ],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    for day in report["channels"][0]["days"].as_array().unwrap() {
        for pair in day["metrics"].as_array().unwrap() {
            let error = pair[1]["error"].as_f64().unwrap();
            let limit = if pair[0] == "asa_seconds" { 0.5 } else { 0.005 };
            assert!(error.abs() <= limit, "{pair}");
        }
    }
    // A trace naming none of the scenario's channels is refused, with both lists.
    std::fs::write(
        folder.path().join("other.csv"),
        "arrival,channel\n2024-01-01T09:00:00Z,email\n",
    )
    .unwrap();
    let output = omnisim(
        folder.path(),
        &[
            "backtest",
            "center.toml",
            "--trace",
            "other.csv",
            "--out",
            "out2",
        ],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("the trace has email; the scenario phone"),
        "{stderr}"
    );
}
