//! `omnisim compare` at the library level: common random numbers make an identical candidate
//! exactly equal, pairing narrows the intervals, a real improvement is called "better", and
//! `--until-decided` is the same as running its final replication count at once. One
//! `check_metric` reads a metric's comparison.

use omnisim::compare::{CompareSettings, Comparison, MetricComparison, Verdict, compare};
use omnisim::metric::Metric;
use omnisim::scenario::Scenario;
use omnisim::simulate::Execution;

use crate::support::parse;

/// Phone (busy, 30 Erlangs on 32 agents, customers who hang up) and chat, a day, each with
/// its own team.
const TWO_CHANNELS: &str = r#"
name = "two_channels"

[simulation]
horizon = "1d"
interval = "2h"
replications = 20
seed = 1

[channels.phone]
kind = "voice"
sla = { within = "20s", target = 0.8 }
handle_time = { distribution = "exponential", mean = "3m" }
patience = { distribution = "exponential", mean = "4m" }

[channels.chat]
kind = "messaging"
sla = { within = "2m", target = 0.8 }
handle_time = { distribution = "lognormal", mean = "8m", cv = 0.7 }
patience = { distribution = "exponential", mean = "6m" }

[arrivals.phone]
rate_per_hour = 600

[arrivals.chat]
rate_per_hour = 30

[groups.phone_team]
channels = ["phone"]
headcount = 32

[groups.chat_team]
channels = ["chat"]
headcount = 3
concurrency = 2
"#;

fn two_channels(phone_agents: u32) -> Scenario {
    parse(&TWO_CHANNELS.replace("headcount = 32", &format!("headcount = {phone_agents}")))
}

fn run(base: &Scenario, candidate: &Scenario, settings: &CompareSettings) -> Comparison {
    compare(base, candidate, settings, Execution::silent(None)).unwrap()
}

/// The comparison of `metric` on channel or group `name`.
#[track_caller]
fn check_metric<'a>(
    comparison: &'a Comparison,
    name: &str,
    metric: Metric,
) -> &'a MetricComparison {
    comparison
        .channels
        .iter()
        .chain(&comparison.groups)
        .find(|entity| entity.name == name)
        .and_then(|entity| entity.metrics.iter().find(|m| m.metric == metric))
        .unwrap_or_else(|| panic!("{name} {metric} not compared"))
}

#[test]
fn an_identical_candidate_differs_by_exactly_zero() {
    let base = two_channels(32);
    let comparison = run(&base, &base.clone(), &CompareSettings::default());
    let mut compared = 0;
    for (_, name, metric) in comparison.all_metrics() {
        compared += 1;
        if metric.paired.n == 0 {
            assert_eq!(
                metric.verdict,
                Verdict::Undefined,
                "{name} {}",
                metric.metric
            );
            continue;
        }
        assert_eq!(metric.paired.mean, Some(0.0), "{name} {}", metric.metric);
        assert_eq!(metric.paired.ci95, Some(0.0), "{name} {}", metric.metric);
        assert_eq!(metric.verdict, Verdict::Same, "{name} {}", metric.metric);
        assert_eq!(metric.base, metric.candidate);
    }
    assert!(compared >= 10);
    for row in &comparison.intervals {
        let paired = row.comparison.paired;
        assert!(paired.n == 0 || (paired.mean == Some(0.0) && paired.ci95 == Some(0.0)));
    }
}

#[test]
fn pairing_narrows_the_interval_of_a_one_agent_change() {
    // The same customers meet 32 or 33 phone agents: the paired interval of each phone
    // metric is at least 3 times narrower than Welch's on the same runs (typically 4 to 7
    // across seeds). The half-widths are computed, not timed.
    let comparison = run(
        &two_channels(32),
        &two_channels(33),
        &CompareSettings::default(),
    );
    for metric in [
        Metric::SlaAttainment,
        Metric::AsaSeconds,
        Metric::WaitP90Seconds,
        Metric::AbandonmentRate,
    ] {
        let compared = check_metric(&comparison, "phone", metric);
        let (paired, unpaired) = (
            compared.paired.ci95.unwrap(),
            compared.unpaired.ci95.unwrap(),
        );
        assert!(
            unpaired >= 3.0 * paired,
            "{metric}: paired ±{paired}, unpaired ±{unpaired}"
        );
        assert_eq!(compared.pairing_gain, Some(unpaired / paired));
        // Both intervals are around the same difference of means.
        let (a, b) = (
            compared.paired.mean.unwrap(),
            compared.unpaired.mean.unwrap(),
        );
        assert!(
            (a - b).abs() <= 1e-9 * a.abs().max(1.0),
            "{metric}: {a} vs {b}"
        );
    }
    // Chat has its own team and its own customers: untouched.
    assert_eq!(
        check_metric(&comparison, "chat", Metric::SlaAttainment).verdict,
        Verdict::Same
    );
    assert_eq!(
        check_metric(&comparison, "chat_team", Metric::Occupancy).verdict,
        Verdict::Same
    );
}

#[test]
fn one_more_agent_on_a_saturated_channel_is_better() {
    // 600 calls an hour of 3 minutes is 30 Erlangs: 29 agents cannot keep up (customers
    // abandon instead), 30 still barely. The extra agent raises SLA and cuts waits and
    // abandonment; occupancy of the team goes down.
    let comparison = run(
        &two_channels(29),
        &two_channels(30),
        &CompareSettings::default(),
    );
    for (metric, verdict) in [
        (Metric::SlaAttainment, Verdict::Better),
        (Metric::AsaSeconds, Verdict::Better),
        (Metric::AbandonmentRate, Verdict::Better),
    ] {
        assert_eq!(
            check_metric(&comparison, "phone", metric).verdict,
            verdict,
            "{metric}"
        );
    }
    let occupancy = check_metric(&comparison, "phone_team", Metric::Occupancy);
    assert!(matches!(
        occupancy.verdict,
        Verdict::Lower | Verdict::NoSignificantDifference
    ));
    // And the other way round, the same change is worse.
    let reverse = run(
        &two_channels(30),
        &two_channels(29),
        &CompareSettings::default(),
    );
    assert_eq!(
        check_metric(&reverse, "phone", Metric::SlaAttainment).verdict,
        Verdict::Worse
    );
}

#[test]
fn until_decided_equals_running_its_replications_at_once() {
    // A small change (32 to 33 agents) with few replications per batch: waiting_at_end stays
    // undecided, so batches run to the cap; the result is that of 12 replications at once.
    let base = two_channels(32).with_replications(4).unwrap();
    let candidate = two_channels(33);
    let settings = CompareSettings {
        metrics: vec![Metric::SlaAttainment, Metric::WaitingAtEnd],
        until_decided: Some(12),
        subjects: vec!["phone".into(), "phone_team".into()],
    };
    let batched = run(&base, &candidate, &settings);
    let compared: Vec<(&str, &str, Metric)> = batched
        .all_metrics()
        .map(|(kind, name, metric)| (kind, name, metric.metric))
        .collect();
    assert_eq!(
        compared,
        [
            ("channel", "phone", Metric::SlaAttainment),
            ("channel", "phone", Metric::WaitingAtEnd)
        ],
        "only the subjects asked for, only their kind's metrics"
    );
    let until = batched.until_decided.as_ref().unwrap();
    assert_eq!((until.cap, until.batch), (12, 4));
    assert_eq!(batched.replications % 4, 0);
    assert_eq!(until.decided, until.undecided.is_empty());
    if !until.decided {
        assert_eq!(batched.replications, 12);
    }
    let at_once = run(
        &base
            .clone()
            .with_replications(batched.replications)
            .unwrap(),
        &candidate,
        &CompareSettings {
            until_decided: None,
            ..settings.clone()
        },
    );
    let json = |c: &Comparison| serde_json::to_string(&(&c.channels, &c.groups)).unwrap();
    assert_eq!(json(&batched), json(&at_once));
    // Deterministic for a seed.
    assert_eq!(json(&batched), json(&run(&base, &candidate, &settings)));
}

#[test]
fn channels_only_one_side_has_are_named_and_the_rest_still_pair() {
    let base = two_channels(32);
    let candidate = parse(&format!(
        "{}\n[channels.sms]\nkind = \"async\"\nsla = {{ within = \"30m\", target = 0.9 }}\nhandle_time = {{ distribution = \"exponential\", mean = \"3m\" }}\n[arrivals.sms]\nrate_per_hour = 5\n[groups.sms_team]\nchannels = [\"sms\"]\nheadcount = 1\n",
        TWO_CHANNELS
    ));
    let comparison = run(&base, &candidate, &CompareSettings::default());
    assert!(
        comparison
            .notes
            .iter()
            .any(|note| note == "channel sms is only in the candidate; not compared"),
        "{:?}",
        comparison.notes
    );
    // Streams are keyed by channel name, so phone and chat see the same customers.
    assert_eq!(
        check_metric(&comparison, "phone", Metric::SlaAttainment).verdict,
        Verdict::Same
    );
}
