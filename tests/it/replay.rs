//! Replayed traces (`[arrivals.NAME] trace = "..."`): every replication offers exactly the
//! recorded contacts in the intervals they were recorded in (on the center's wall clock),
//! none from before `trace_start`, after the horizon or deflected; recorded work is the
//! recorded handle time and recorded patience the recorded wait of those who gave up, and
//! more than the wait of those answered. One `check()`: a trace and a scenario in a folder,
//! loaded from the file as `omnisim run` loads it.

use jiff::Timestamp;
use omnisim::engine::ReplicationResult;
use omnisim::scenario::{Scenario, load_scenario_file};

use crate::support::simulate;

/// A trace row: local time in Paris ("2026-01-05 09:10:00"), outcome, wait, handle.
struct Row<'a>(&'a str, &'a str, &'a str, &'a str);

/// Writes the trace (channel `chat`, times converted from Paris to UTC) and the scenario to
/// a fresh folder and loads it.
fn load(rows: &[Row], scenario: &str) -> (tempfile::TempDir, Scenario) {
    let directory = tempfile::tempdir().unwrap();
    let zone = jiff::tz::TimeZone::get("Europe/Paris").unwrap();
    let mut text = String::from("arrival,channel,outcome,wait_seconds,handle_seconds\n");
    for Row(local, outcome, wait, handle) in rows {
        let civil: jiff::civil::DateTime = local.parse().unwrap();
        let instant: Timestamp = zone.to_timestamp(civil).unwrap();
        text.push_str(&format!("{instant},chat,{outcome},{wait},{handle}\n"));
    }
    std::fs::write(directory.path().join("trace.csv"), text).unwrap();
    let path = directory.path().join("scenario.toml");
    std::fs::write(&path, scenario).unwrap();
    let scenario = load_scenario_file(&path).unwrap_or_else(|error| panic!("{error:?}"));
    (directory, scenario)
}

fn scenario(agents: u32, sla: &str, arrivals_extra: &str) -> String {
    format!(
        r#"
[simulation]
horizon = "1d"
interval = "1h"
replications = 5
seed = 3

[channels.chat]
kind = "voice"
sla = {{ within = "{sla}", target = 0.8 }}
handle_time = {{ distribution = "exponential", mean = "10m" }}
patience = {{ distribution = "exponential", mean = "2m" }}

[arrivals.chat]
trace = "trace.csv"
time_zone = "Europe/Paris"
{arrivals_extra}

[groups.agents]
headcount = {agents}
channels = ["chat"]
"#
    )
}

fn sum(
    results: &[ReplicationResult],
    replication: usize,
    field: impl Fn(&omnisim::engine::counts::ChannelIntervalCounts) -> f64,
) -> f64 {
    results[replication]
        .channel_intervals
        .row(0)
        .iter()
        .map(field)
        .sum()
}

#[test]
fn every_replication_offers_exactly_the_recorded_contacts_in_their_hours() {
    // 5 January 2026 is a Monday. Hour h holds h % 7 contacts; one contact arrives the
    // Sunday before, one the Tuesday after and one was deflected: none of them is replayed.
    let mut times = Vec::new();
    for hour in 0..24 {
        for k in 0..hour % 7 {
            times.push(format!("2026-01-05 {hour:02}:{:02}:{:02}", 7 * k, k));
        }
    }
    let mut rows: Vec<Row> = times.iter().map(|t| Row(t, "", "", "")).collect();
    rows.push(Row("2026-01-04 23:59:59", "", "", ""));
    rows.push(Row("2026-01-06 00:00:00", "", "", ""));
    rows.push(Row("2026-01-05 12:30:00", "deflected", "", ""));
    // The Sunday contact would make the Monday before it the default start: name the week.
    let (_dir, scenario) = load(&rows, &scenario(4, "20s", "trace_start = \"2026-01-05\""));
    let replay = scenario.channels()[0].replay.as_ref().unwrap();
    assert_eq!(replay.start_date, "2026-01-05");
    assert_eq!(
        (replay.before_start, replay.after_horizon, replay.deflected),
        (1, 1, 1)
    );
    let (_, results) = simulate(&scenario, None);
    for result in &results {
        let offered: Vec<u64> = result
            .channel_intervals
            .row(0)
            .iter()
            .map(|c| c.offered)
            .collect();
        let expected: Vec<u64> = (0..24).map(|hour| hour % 7).collect();
        assert_eq!(offered, expected, "replication {}", result.replication);
    }
    // Planning reads the recorded rates.
    let profile = scenario.channels()[0].arrivals.as_ref().unwrap();
    assert!((profile.expected_arrivals(9.0 * 3600.0, 10.0 * 3600.0) - 2.0).abs() < 1e-9);
}

#[test]
fn recorded_work_and_patience_are_the_recordings() {
    // 40 contacts gave up after 30 s, 40 were answered after 50 s and handled for 100 s.
    let times: Vec<String> = (0..80)
        .map(|k| format!("2026-01-05 {:02}:{:02}:00", 8 + k / 10, 5 * (k % 10)))
        .collect();
    let rows: Vec<Row> = times
        .iter()
        .enumerate()
        .map(|(k, t)| {
            if k % 2 == 0 {
                Row(t, "abandoned", "30", "")
            } else {
                Row(t, "answered", "50", "100")
            }
        })
        .collect();
    // Enough agents that no one waits: every handled contact is handled for its recording.
    let (_dir, staffed) = load(&rows, &scenario(20, "40s", "work = \"recorded\""));
    let (_, results) = simulate(&staffed, None);
    for replication in 0..results.len() {
        let handled = sum(&results, replication, |c| c.handled as f64);
        let handle_time = sum(&results, replication, |c| c.handle_time_sum);
        // Those who gave up had no handle time recorded: theirs is drawn (mean 10 minutes).
        let drawn = handle_time - 40.0 * 100.0;
        assert_eq!(handled, 80.0);
        assert!(drawn > 0.0 && drawn != 40.0 * 600.0, "{drawn}");
    }
    // No agents: everyone gives up. Recorded patience: those who gave up after 30 s do so
    // again (before the 40-s SLA threshold); those answered after 50 s had patience beyond
    // 50 s, so they give up after the threshold. Sampled patience (mean 2 minutes) mixes them.
    let (_dir, empty) = load(&rows, &scenario(0, "40s", "patience = \"recorded\""));
    let (_, results) = simulate(&empty, None);
    for replication in 0..results.len() {
        assert_eq!(sum(&results, replication, |c| c.abandoned as f64), 80.0);
        assert_eq!(
            sum(&results, replication, |c| c.abandoned_after_sla as f64),
            40.0
        );
        let waits = sum(&results, replication, |c| c.wait_sum_abandoned);
        assert!(waits > 40.0 * 30.0 + 40.0 * 50.0, "{waits}");
    }
    let (_dir, sampled) = load(&rows, &scenario(0, "40s", ""));
    let (_, results) = simulate(&sampled, None);
    let after: Vec<f64> = (0..results.len())
        .map(|r| sum(&results, r, |c| c.abandoned_after_sla as f64))
        .collect();
    assert!(after.iter().any(|&n| n != 40.0), "{after:?}");
}

#[test]
fn the_bank_week_replays_every_call_that_reached_the_queue() {
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let scenario = load_scenario_file(&folder.join("bank_week.toml"))
        .unwrap()
        .with_replications(3)
        .unwrap();
    // Counted from the trace itself: the week's calls, less those who hung up in the VRU.
    let trace = std::fs::read_to_string(folder.join("bank_week_1999.csv")).unwrap();
    let reached_the_queue = trace
        .lines()
        .skip(1)
        .filter(|line| !line.contains(",deflected,"))
        .count() as u64;
    assert_eq!(reached_the_queue, 8285);
    let (_, results) = simulate(&scenario, None);
    for result in &results {
        let offered: u64 = result
            .channel_intervals
            .row(0)
            .iter()
            .map(|c| c.offered)
            .sum();
        assert_eq!(
            offered, reached_the_queue,
            "replication {}",
            result.replication
        );
    }
}
