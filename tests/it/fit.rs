//! `omnisim fit` against omnisim's own output: a week simulated with known arrival rate,
//! lognormal handle times and exponential patience is written as a trace (`run --contacts`'s
//! `simulate::contact_trace`), fitted back, and every known parameter must lie in the
//! interval the fit reports for it; the fitted scenario must validate, run and staff the
//! queue as the agents seen did. Through the binary: a bad trace exits 2 with its lines.

use omnisim::fit::durations::DurationChoice;
use omnisim::fit::{FitOptions, fit};
use omnisim::scenario::load_scenario_file;
use omnisim::simulate::contact_trace;

use crate::support::{omnisim, parse, simulate};

/// 120 calls an hour for two weeks, lognormal handle times (mean 4 minutes, CV 0.6),
/// exponential patience (mean 5 minutes), 9 agents for 8 Erlangs: enough waiting that
/// hundreds give up.
pub const KNOWN: &str = r#"
[simulation]
horizon = "14d"
interval = "30m"
replications = 1
seed = 11

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

fn options() -> FitOptions {
    FitOptions {
        interval_seconds: 1800.0,
        time_zone: "UTC".into(),
        kinds: Vec::new(),
        session_gap_seconds: 900.0,
    }
}

#[track_caller]
fn check(what: &str, interval: (f64, f64), truth: f64) {
    assert!(
        interval.0 <= truth && truth <= interval.1,
        "{what}: {truth} is outside the fitted 95% interval [{}, {}]",
        interval.0,
        interval.1
    );
}

#[test]
fn a_fit_recovers_the_parameters_omnisim_simulated() {
    let trace = contact_trace(&parse(KNOWN), 0);
    let report = fit(&trace, &options()).unwrap();
    assert_eq!(report.days, 14);
    let phone = &report.channels[0];
    check(
        "weekly volume",
        phone.arrivals.weekly_volume_ci,
        120.0 * 168.0,
    );
    let handle = phone.handle_time.as_ref().unwrap();
    assert_eq!(handle.choice, DurationChoice::LogNormal, "{handle:#?}");
    check("mean handle time", handle.lognormal.mean_ci, 240.0);
    check("handle-time CV", handle.lognormal.cv_ci, 0.6);
    let patience = phone.patience.as_ref().unwrap();
    assert!(patience.abandoned > 300, "{}", patience.abandoned);
    check("mean patience", patience.mean_ci, 300.0);
    // Poisson arrivals: no day-to-day variation beyond Poisson to speak of.
    assert!(
        phone.arrivals.dispersion_cv.unwrap() < 0.05,
        "{:?}",
        phone.arrivals.dispersion_cv
    );
    // Staffing from agent ids: the 9 agents, all busy at the busiest hours.
    assert_eq!(report.groups.len(), 1);
    assert_eq!(report.groups[0].agents, 9);
    assert_eq!(report.groups[0].headcount.iter().max(), Some(&9));
}

#[test]
fn a_fitted_scenario_validates_and_runs() {
    let trace = contact_trace(&parse(KNOWN), 0);
    let report = fit(&trace, &options()).unwrap();
    let folder = tempfile::tempdir().unwrap();
    for file in omnisim::output::fit::fit_files(&report, "known", "contacts.csv") {
        std::fs::write(folder.path().join(&file.name), file.bytes()).unwrap();
    }
    let scenario = load_scenario_file(&folder.path().join("scenario.toml"))
        .unwrap_or_else(|error| panic!("{error}"))
        .with_replications(2)
        .unwrap();
    let (summary, _) = simulate(&scenario, None);
    let offered = summary.channels[0].metrics[&omnisim::metric::Metric::Offered]
        .mean
        .unwrap();
    // A week of the fitted pattern: about 120 x 168 calls.
    assert!(
        (offered - 20_160.0).abs() < 5.0 * 20_160f64.sqrt(),
        "{offered}"
    );
}

#[test]
fn a_trace_with_bad_rows_exits_2_naming_them() {
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(
        folder.path().join("t.csv"),
        "arrival,channel\n2026-01-05T09:00:00Z,chat\nlater,chat\n",
    )
    .unwrap();
    let output = omnisim(folder.path(), &["fit", "t.csv", "--out", "out"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("line 3: arrival `later`"), "{stderr}");
    assert!(!folder.path().join("out").exists());
}

/// 60-second calls before noon and 120-second ones after, by the handle-time profile.
fn profiled() -> String {
    let factors: Vec<&str> = (0..48).map(|i| if i < 24 { "1" } else { "2" }).collect();
    KNOWN
        .replace(
            "handle_time = { distribution = \"lognormal\", mean = \"4m\", cv = 0.6 }",
            &format!(
                "handle_time = {{ distribution = \"fixed\", value = \"60s\" }}\nhandle_time_profile = [{}]",
                factors.join(", ")
            ),
        )
        .replace("headcount = 9", "headcount = 6")
}

#[test]
fn a_handle_time_profile_shapes_work_by_the_hour_and_the_fit_reads_it_back() {
    let scenario = parse(&profiled());
    let (_, results) = simulate(&scenario, None);
    let cells = results[0].channel_intervals.row(0);
    for (idx, cell) in cells.iter().enumerate().filter(|(_, c)| c.handled > 0) {
        let expected = if idx % 48 < 24 { 60.0 } else { 120.0 };
        let mean = cell.handle_time_sum / cell.handled as f64;
        assert!((mean - expected).abs() < 1e-9, "interval {idx}: {mean}");
    }
    let report = fit(&contact_trace(&scenario, 0), &options()).unwrap();
    let profile = report.channels[0].handle_time_profile.as_ref().unwrap();
    assert_eq!(profile.len(), 7 * 48);
    // Every interval's mean over the mean of all: 60 / 90 and 120 / 90.
    for (slot, factor) in profile.iter().enumerate() {
        let expected = if slot % 48 < 24 {
            60.0 / 90.0
        } else {
            120.0 / 90.0
        };
        assert!((factor - expected).abs() < 0.01, "slot {slot}: {factor}");
    }
}
