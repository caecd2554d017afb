//! Schedules and disruptions: the audited engine on shift rosters with breaks, shrinkage,
//! absences, group outages and channel outages (nobody works off shift or on a break, no
//! contact starts on a dead channel); the report's staffing per interval against the
//! schedule worked out here by hand; every displaced contact accounted for; a volume spike's
//! arrivals against the expected counts; bots kept out of customer figures.

use omnisim::engine::counts::ChannelIntervalCounts;
use omnisim::engine::layout::RoutingLayout;
use omnisim::engine::{ReplicationResult, run_replication};
use omnisim::metric::Metric;
use omnisim::scenario::Scenario;
use omnisim::scenario::schedule::available_agents;
use omnisim::stats::Estimate;

use crate::support::{parse, run_audited};

fn run(scenario: &Scenario, replications: u32) -> Vec<ReplicationResult> {
    let layout = RoutingLayout::new(scenario);
    (0..replications)
        .map(|replication| {
            let result = run_replication(scenario, &layout, replication);
            assert!(result.conservation_failures.is_empty());
            result
        })
        .collect()
}

fn channel_rows<'a>(
    scenario: &Scenario,
    result: &'a ReplicationResult,
    channel: &str,
) -> &'a [ChannelIntervalCounts] {
    let idx = scenario.channel_index(channel).unwrap();
    result.channel_intervals.row(idx)
}

const SIMULATION: &str = r#"
[simulation]
horizon = "3d"
interval = "30m"
replications = 1
seed = 11

[channels.phone]
kind = "voice"
sla = { within = "20s", target = 0.8 }
handle_time = { distribution = "exponential", mean = "6m" }
patience = { distribution = "exponential", mean = "4m" }

[channels.chat]
kind = "messaging"
sla = { within = "2m", target = 0.8 }
handle_time = { distribution = "exponential", mean = "8m" }
patience = { distribution = "exponential", mean = "5m" }

[channels.email]
kind = "async"
sla = { within = "4h", target = 0.9 }
handle_time = { distribution = "exponential", mean = "10m" }

[arrivals.phone]
rate_per_hour = 40

[arrivals.chat]
rate_per_hour = 30

[arrivals.email]
rate_per_hour = 10
"#;

/// Shifts whose edges fall between interval boundaries, one overnight, with shrinkage; the
/// voice team hands contacts back at a break (requeue), the chat team finishes them.
const ROSTER: &str = r#"
[groups.voice]
channels = ["phone"]
shrinkage = { training = 0.1, meetings = 0.05 }
in_service_at_shift_end = "requeue"

[[groups.voice.shifts]]
name = "early"
start = "06:00"
length = "8h"
agents = 5
breaks = [{ after = "2h", length = "15m" }, { after = "6h 10m", length = "10m" }]
lunch = { after = "4h", length = "30m" }

[[groups.voice.shifts]]
name = "late"
start = "13:05"
length = "9h"
days = "weekdays"
agents = 4
lunch = { after = "3h 50m", length = "45m" }

[[groups.voice.shifts]]
name = "night"
start = "22:00"
length = "10h"
days = ["mon", "tue", "wed"]
agents = 2

[groups.chatters]
channels = ["chat", "phone", "email"]
concurrency = 3
concurrency_slowdown = 0.2
shrinkage = 0.2

[[groups.chatters.shifts]]
start = "07:20"
length = "10h"
agents = 6
breaks = [{ after = "1h 40m", length = "20m" }]
lunch = { after = "5h", length = "1h" }

[[groups.chatters.shifts]]
start = "00:00"
length = "24h"
agents = 1
"#;

const EVENTS: &str = r#"
[[events]]
name = "voice_sickout"
kind = "absence"
group = "voice"
share = 0.4
start = "mon 10:10"
end = "mon 15:00"

[[events]]
name = "site_power_cut"
kind = "group_outage"
group = ["chatters"]
start = "tue 09:05"
duration = "1h 10m"

[[events]]
name = "chat_down"
kind = "channel_outage"
channel = "chat"
start = "wed 10:00"
duration = "2h"
backup = "email"
conversion = 0.7
notify_customers = true
sla_extension = "1h"
sla_extension_after = "2h"
"#;

#[test]
fn nobody_works_off_shift_on_a_break_or_on_a_dead_channel() {
    let scenario = parse(&format!("{SIMULATION}{ROSTER}{EVENTS}"));
    let results = run_audited(&scenario, 4);
    // The mechanisms fired, so the audit had something to check.
    let events = |idx: usize| {
        results
            .iter()
            .map(|r| r.disruptions[idx])
            .collect::<Vec<_>>()
    };
    assert!(events(2).iter().map(|e| e.displaced).sum::<u64>() > 0);
    let handled: u64 = results
        .iter()
        .flat_map(|r| &r.group_intervals)
        .map(|g| g.handled)
        .sum();
    assert!(handled > 1000, "{handled}");
}

/// A shift by hand: start and length in hours, days, breaks (offset, length) in hours, agents.
type HandShift<'a> = (f64, f64, [bool; 7], &'a [(f64, f64)], u32);

/// Agents of `shifts` on the floor at `time` (a shift of the week's last day runs on into
/// the next Monday).
fn on_floor(shifts: &[HandShift<'_>], time: f64) -> u32 {
    let (day_seconds, week) = (86_400.0, 7.0 * 86_400.0);
    let in_week = time % week;
    let mut count = 0;
    for &(start, length, days, breaks, agents) in shifts {
        for day in (0..7).filter(|&day| days[day]) {
            let shift_start = day as f64 * day_seconds + start * 3600.0;
            for offset in [in_week - shift_start, in_week - shift_start + week] {
                let on_break = breaks
                    .iter()
                    .any(|&(at, len)| offset >= at * 3600.0 && offset < (at + len) * 3600.0);
                if offset >= 0.0 && offset < length * 3600.0 && !on_break {
                    count += agents;
                }
            }
        }
    }
    count
}

#[test]
fn staffing_per_interval_is_the_schedule_less_shrinkage() {
    let scenario = parse(&format!("{SIMULATION}{ROSTER}"));
    let result = &run(&scenario, 1)[0];
    let weekdays = [true, true, true, true, true, false, false];
    let daily = [true; 7];
    let voice: [HandShift<'_>; 3] = [
        (
            6.0,
            8.0,
            daily,
            &[(2.0, 0.25), (4.0, 0.5), (6.0 + 1.0 / 6.0, 1.0 / 6.0)],
            5,
        ),
        (
            13.0 + 5.0 / 60.0,
            9.0,
            weekdays,
            &[(3.0 + 50.0 / 60.0, 0.75)],
            4,
        ),
        (
            22.0,
            10.0,
            [true, true, true, false, false, false, false],
            &[],
            2,
        ),
    ];
    let chatters: [HandShift<'_>; 2] = [
        (
            7.0 + 1.0 / 3.0,
            10.0,
            daily,
            &[(1.0 + 2.0 / 3.0, 1.0 / 3.0), (5.0, 1.0)],
            6,
        ),
        (0.0, 24.0, daily, &[], 1),
    ];
    let n = scenario.simulation().n_intervals();
    let interval = scenario.simulation().interval_seconds;
    for (group, shifts, shrinkage) in [
        ("voice", &voice[..], 0.15),
        ("chatters", &chatters[..], 0.2),
    ] {
        let group_idx = scenario.group_index(group).unwrap();
        for interval_idx in 0..n {
            // Every edge is on a whole minute: sample each minute's middle.
            let (mut scheduled, mut available) = (0.0, 0.0);
            for minute in 0..30 {
                let time = interval_idx as f64 * interval + 60.0 * minute as f64 + 30.0;
                let count = on_floor(shifts, time);
                scheduled += f64::from(count) / 30.0;
                available += f64::from(available_agents(count, shrinkage, 0.0)) / 30.0;
            }
            let row = &result.group_intervals[(group_idx, interval_idx)];
            let reported_scheduled = row.scheduled_area / interval;
            let reported_available = row.available_area / interval;
            assert!(
                (reported_scheduled - scheduled).abs() < 1e-9,
                "{group} interval {interval_idx}: scheduled {reported_scheduled}, by hand {scheduled}"
            );
            assert!(
                (reported_available - available).abs() < 1e-9,
                "{group} interval {interval_idx}: available {reported_available}, by hand {available}"
            );
        }
    }
}

#[test]
fn a_csv_headcount_file_staffs_a_group() {
    let directory = tempfile::tempdir().unwrap();
    // One row per half-hour of a day (the CSV repeats daily), 4, 10, 7 agents in turn.
    let rows: String = (0..48)
        .map(|row| format!("{row},{},1\n", [4, 10, 7][row % 3]))
        .collect();
    std::fs::write(
        directory.path().join("staff.csv"),
        format!("interval,voice,other\n{rows}"),
    )
    .unwrap();
    let text = format!(
        "{SIMULATION}\n[groups.voice]\nchannels = [\"phone\", \"chat\", \"email\"]\nheadcount_file = \"staff.csv\"\nshrinkage = 0.3\n"
    );
    // Loaded from a file, so the CSV file is read relative to it.
    let path = directory.path().join("csv.toml");
    std::fs::write(&path, text).unwrap();
    let scenario = omnisim::scenario::load_scenario_file(&path).unwrap();
    let result = &run(&scenario, 1)[0];
    let interval = scenario.simulation().interval_seconds;
    for (interval_idx, row) in result.group_intervals.iter().enumerate() {
        let count = [4, 10, 7][interval_idx % 3];
        let expected = count - (f64::from(count) * 0.3).round() as u32;
        let close = |a: f64, b: u32| (a - f64::from(b)).abs() < 1e-9;
        assert!(
            close(row.scheduled_area / interval, count),
            "interval {interval_idx}"
        );
        assert!(
            close(row.available_area / interval, expected),
            "interval {interval_idx}"
        );
    }
}

#[test]
fn every_contact_an_outage_displaces_is_converted_or_lost() {
    let scenario = parse(&format!("{SIMULATION}{ROSTER}{EVENTS}"));
    let outage_idx = 2;
    let (start, end) = (
        2.0 * 86_400.0 + 10.0 * 3600.0,
        2.0 * 86_400.0 + 12.0 * 3600.0,
    );
    let interval = scenario.simulation().interval_seconds;
    let results = run_audited(&scenario, 6);
    let mut displaced_total = 0;
    for result in &results {
        let counts = result.disruptions[outage_idx];
        let chat = channel_rows(&scenario, result, "chat");
        let lost: u64 = chat.iter().map(|r| r.lost_to_outage).sum();
        let converted: u64 = chat.iter().map(|r| r.converted_out).sum();
        assert_eq!(counts.lost, lost);
        // Chat has no other rule that moves contacts away.
        assert_eq!(counts.converted_to_backup, converted);
        assert_eq!(counts.displaced, counts.lost + counts.converted_to_backup);
        displaced_total += counts.displaced;
        // Nobody who arrived during the outage was answered on chat.
        let first = (start / interval) as usize;
        let last = (end / interval) as usize;
        for row in &chat[first..last] {
            assert_eq!(row.answered, 0);
            assert_eq!(row.offered, row.converted_out + row.lost_to_outage);
        }
        // Every conversion arrived on email.
        let email_in: u64 = channel_rows(&scenario, result, "email")
            .iter()
            .map(|r| r.converted_in)
            .sum();
        assert_eq!(email_in, converted);
    }
    assert!(displaced_total > 100, "{displaced_total}");
}

const SPIKE: &str = r#"
[simulation]
horizon = "4h"
interval = "30m"
replications = 1
seed = 5

[channels.phone]
kind = "voice"
sla = { within = "20s", target = 0.8 }
handle_time = { distribution = "exponential", mean = "1m" }

[arrivals.phone]
rate_per_hour = 60

[groups.agents]
channels = ["phone"]
headcount = 20
"#;

#[test]
fn a_volume_spike_multiplies_arrivals_in_its_window_and_nowhere_else() {
    let events = r#"
[[events]]
kind = "volume_spike"
channel = "phone"
multiplier = 3
start = "1h"
end = "2h"

[[events]]
kind = "volume_spike"
channel = "phone"
multiplier = 0.5
start = "3h"
duration = "30m"
"#;
    let spiked = parse(&format!("{SPIKE}{events}"));
    let base = parse(SPIKE);
    let replications = 300;
    let (with, without) = (run(&spiked, replications), run(&base, replications));
    let n = spiked.simulation().n_intervals();
    let multiplier = |interval_idx: usize| match interval_idx {
        2 | 3 => 3.0,
        6 => 0.5,
        _ => 1.0,
    };
    for interval_idx in 0..n {
        let offered = |results: &[ReplicationResult]| {
            results
                .iter()
                .map(|r| r.channel_intervals[(0, interval_idx)].offered as f64)
                .collect::<Vec<_>>()
        };
        let (a, b) = (offered(&with), offered(&without));
        // Expected 30 per half-hour, times the multiplier; the interval is the t interval of
        // the mean at a Bonferroni level over the intervals.
        let estimate = Estimate::with_confidence(a.iter().copied(), 1.0 - 0.001 / n as f64);
        let expected = 30.0 * multiplier(interval_idx);
        let mean = estimate.mean.unwrap();
        assert!(
            (mean - expected).abs() <= estimate.ci95.unwrap(),
            "interval {interval_idx}: mean {mean} ± {:?}, expected {expected}",
            estimate.ci95
        );
        // Outside the windows the arrivals are the same draws as without the events.
        if multiplier(interval_idx) == 1.0 {
            assert_eq!(a, b, "interval {interval_idx}");
        }
    }
}

#[test]
fn bots_cost_agent_time_but_stay_out_of_customer_figures() {
    let events = r#"
[[events]]
kind = "spam"
channel = "phone"
bot_share = 0.5
bot_accounts = 3
filter_catches = 0.5
rate_limit = { contacts = 4, per = "30m" }
handle_time = { distribution = "fixed", value = "30s" }
start = "0s"
"#;
    let spam = parse(&format!("{SPIKE}{events}"));
    let base = parse(SPIKE);
    let (with, without) = (run_audited(&spam, 20), run(&base, 20));
    let mut totals = omnisim::engine::counts::DisruptionCounts::default();
    for (a, b) in with.iter().zip(&without) {
        let offered =
            |r: &ReplicationResult| r.channel_intervals.iter().map(|c| c.offered).sum::<u64>();
        assert_eq!(offered(a), offered(b), "bots counted as customers");
        let counts = a.disruptions[0];
        totals.bot_arrivals += counts.bot_arrivals;
        totals.bot_rate_limited += counts.bot_rate_limited;
        totals.bot_filtered += counts.bot_filtered;
        totals.bot_handled += counts.bot_handled;
        assert!((counts.bot_agent_seconds - 30.0 * counts.bot_handled as f64).abs() < 1e-6);
    }
    // As many bots as customers (share 0.5): about 240 per replication; 3 accounts at 4 per
    // half-hour let through at most 96, and the filter takes about half of those.
    assert!(totals.bot_arrivals > 20 * 200, "{totals:?}");
    assert!(
        totals.bot_rate_limited > totals.bot_arrivals / 2,
        "{totals:?}"
    );
    assert!(
        totals.bot_handled > 0 && totals.bot_filtered > 0,
        "{totals:?}"
    );
    assert!(
        totals.bot_handled + totals.bot_filtered <= 20 * 96,
        "{totals:?}"
    );
}

/// Agents finishing their last contact after their shift ends are overtime, not occupancy:
/// the interval after the roster ends reports no occupancy (nobody is on shift) but agents
/// busy past their shift, instead of the 100% a busy-over-logged-in ratio showed there; and
/// every busy agent-second is on-shift work or past-shift work.
#[test]
fn work_after_a_shift_ends_is_overtime_not_occupancy() {
    let mut headcount = vec!["4"; 16];
    headcount.extend(vec!["0"; 32]);
    let scenario = parse(&format!(
        r#"
[simulation]
horizon = "1d"
interval = "30m"
replications = 2
seed = 5

[channels.email]
kind = "async"
sla = {{ within = "4h", target = 0.8 }}
handle_time = {{ distribution = "fixed", value = "25m" }}

[arrivals.email]
rate_per_hour = 20

[groups.team]
headcount = [{}]
channels = ["email"]
"#,
        headcount.join(", ")
    ));
    let results = run(&scenario, 2);
    for result in &results {
        let rows = result.group_intervals.row(0);
        let end = &rows[16];
        assert_eq!(end.on_shift_area, 0.0);
        assert!(end.past_shift_busy_area > 0.0, "{end:?}");
        assert!(
            (end.busy_area - end.past_shift_busy_area).abs() < 1e-6,
            "{end:?}"
        );
        assert!(
            (end.busy_area - end.logged_in_area).abs() < 1e-6,
            "all of them busy"
        );
        for row in rows {
            assert!(row.past_shift_busy_area <= row.busy_area + 1e-6);
            assert!(row.busy_area - row.past_shift_busy_area <= row.on_shift_area + 1e-6);
        }
        // Overloaded all day: the shift's own intervals are fully occupied.
        assert!(rows[15].busy_area > 0.99 * rows[15].on_shift_area);
    }
    let reported = omnisim::metrics::interval_fold::interval_rows(&scenario, &results).group_rows;
    let end = reported.row(16);
    assert_eq!(end.metrics.estimate(Metric::Occupancy).mean, None);
    assert!(end.metrics.estimate(Metric::PastShiftAgents).mean.unwrap() > 0.0);
    let last_on_shift = reported
        .row(15)
        .metrics
        .estimate(Metric::Occupancy)
        .mean
        .unwrap();
    assert!(last_on_shift > 0.99 && last_on_shift <= 1.0 + 1e-9);
}
