//! Same scenario and seed: byte-identical outputs, whatever the thread count; a different seed
//! gives different numbers; and the arrivals a contact sees do not depend on staffing
//! (common random numbers across scenarios).

use std::path::Path;
use std::process::Command;

use omnisim::metric::Metric;
use omnisim::metrics::interval_fold::interval_rows;
use omnisim::output::run::{interval_csv_bytes, summary_json_bytes};
use omnisim::scenario::load_scenario_file;

use crate::support::simulate;

fn retail_week(replications: u32, seed: u64) -> omnisim::scenario::Scenario {
    load_scenario_file(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios/retail_week.toml")
            .as_path(),
    )
    .unwrap()
    .with_replications(replications)
    .unwrap()
    .with_seed(seed)
}

/// summary.json and intervals.csv bytes for a run on `threads` threads.
fn output_bytes(scenario: &omnisim::scenario::Scenario, threads: usize) -> (Vec<u8>, Vec<u8>) {
    let (summary, results) = simulate(scenario, Some(threads));
    (
        summary_json_bytes(&summary),
        interval_csv_bytes("channel", &interval_rows(scenario, &results).channel_rows),
    )
}

#[test]
fn same_seed_gives_identical_bytes_at_any_thread_count() {
    let scenario = retail_week(6, 42);
    let one_thread = output_bytes(&scenario, 1);
    assert_eq!(
        one_thread,
        output_bytes(&scenario, 1),
        "two runs on one thread differ"
    );
    assert_eq!(
        one_thread,
        output_bytes(&scenario, 2),
        "one thread and two threads differ"
    );
    assert_eq!(
        one_thread,
        output_bytes(&scenario, 3),
        "one thread and three threads differ"
    );
    let other_seed = output_bytes(&retail_week(6, 43), 2);
    assert_ne!(
        one_thread.0, other_seed.0,
        "a different seed should change the numbers"
    );
}

#[test]
fn arrivals_do_not_depend_on_staffing() {
    let base = retail_week(3, 5);
    let fewer_agents = base
        .clone()
        .with_headcounts(
            (0..base.groups().len())
                .map(|group_idx| (group_idx, omnisim::scenario::Headcount::Constant(1))),
        )
        .unwrap();
    // A channel's own arrivals: offered plus arrived while closed (less those held, which
    // are both), less the contacts that reached it from other channels (overflow,
    // callbacks, handoffs), which do depend on how well staffed those channels are.
    let offered = |scenario| {
        let (summary, _) = simulate(scenario, Some(2));
        summary
            .channels
            .iter()
            .map(|c| {
                let mean = |metric: Metric| c.metrics[&metric].mean.unwrap();
                mean(Metric::Offered) + mean(Metric::ArrivedClosed)
                    - mean(Metric::HeldAfterHours)
                    - mean(Metric::ConvertedIn)
                    - mean(Metric::FollowupsIn)
            })
            .collect::<Vec<_>>()
    };
    for (base, fewer) in offered(&base).iter().zip(offered(&fewer_agents)) {
        assert!((base - fewer).abs() < 1e-9, "{base} against {fewer}");
    }
}

/// Runs `omnisim ARGS --quiet --threads T --out DIR` with 1 and 2 threads and checks that
/// every file in `files` is the same bytes (and not empty).
#[track_caller]
fn check_cli_threads(args: &[&str], files: &[&str]) {
    let directory = tempfile::tempdir().unwrap();
    let run = |threads: &str| {
        let output = Command::new(env!("CARGO_BIN_EXE_omnisim"))
            .args(args)
            .args(["--quiet", "--threads", threads, "--out"])
            .arg(directory.path().join(threads))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    run("1");
    run("2");
    for file in files {
        let one = std::fs::read(directory.path().join("1").join(file)).unwrap();
        let two = std::fs::read(directory.path().join("2").join(file)).unwrap();
        assert!(!one.is_empty());
        assert_eq!(one, two, "{file} differs between 1 and 2 threads");
    }
}

#[test]
fn cli_writes_identical_files_with_one_and_two_threads() {
    check_cli_threads(
        &["run", "scenarios/erlang_a.toml", "--replications", "4"],
        &[
            "summary.json",
            "intervals.csv",
            "group_intervals.csv",
            "report.html",
            "sla_attainment.png",
            "wait_distribution.svg",
        ],
    );
}

#[test]
fn runs_with_events_write_identical_files_with_one_and_two_threads() {
    check_cli_threads(
        &[
            "run",
            "scenarios/retail_week_shifts.toml",
            "--with",
            "scenarios/outage_chat.toml",
            "--with",
            "scenarios/campaign_spike.toml",
            "--with",
            "scenarios/sickout.toml",
            "--replications",
            "4",
        ],
        &[
            "summary.json",
            "intervals.csv",
            "group_intervals.csv",
            "events.csv",
        ],
    );
}

/// Chat contacts about billing or tech, none of whom gives up, each followed up on email with
/// probability 0.4, where billing and tech have teams of their own; the arrivals stop at
/// 20:00 and the day runs to midnight, so every chat and every follow-up is handled before
/// the end. `{staffing}` sets the chat team.
fn follow_ups(staffing: &str) -> omnisim::scenario::Scenario {
    crate::support::parse(&format!(
        r#"
[simulation]
horizon = "1d"
interval = "1h"
replications = 3
seed = 11

[attributes]
issue_types = {{ billing = 0.5, tech = 0.5 }}

[channels.chat]
kind = "messaging"
sla = {{ within = "2m", target = 0.8 }}
handle_time = {{ distribution = "exponential", mean = "6m" }}

[channels.email]
kind = "async"
sla = {{ within = "4h", target = 0.9 }}
handle_time = {{ distribution = "lognormal", mean = "10m", cv = 0.8 }}

[arrivals.chat]
per_interval = [10, 10, 10, 10, 10, 10, 10, 10, 30, 30, 30, 30, 30, 30, 30, 30, 20, 20, 20, 20, 0, 0, 0, 0]

[groups.chat_team]
channels = ["chat"]
{staffing}

[groups.email_billing]
channels = ["email"]
skills = ["billing"]
headcount = 2

[groups.email_tech]
channels = ["email"]
skills = ["tech"]
headcount = 2

[[handoffs]]
from = "chat"
to = "email"
probability = 0.4
delay = {{ distribution = "exponential", mean = "20m" }}
context_preserved = 0.5
rediscovery = "3m"
"#
    ))
}

#[test]
fn follow_ups_keep_their_draws_when_the_routing_changes() {
    // Common random numbers that survive a policy change: the same chat contacts are handled
    // whatever the chat staffing (nobody abandons), in another order and at other times. Each
    // one's handoff decision, delay, context and follow-up work come from its own stream, so
    // the follow-ups that reach each email team are the same contacts with the same work,
    // replication by replication. (Drawn from one stream per channel in the order contacts
    // finish, the draws would go to other contacts, and the split between the billing and
    // the tech team would change with the chat staffing.)
    let slow = simulate(&follow_ups("headcount = 2\nconcurrency = 2"), Some(1)).1;
    let fast = simulate(&follow_ups("headcount = 6\nconcurrency = 1"), Some(1)).1;
    let email_work = |result: &omnisim::engine::ReplicationResult| {
        let total =
            omnisim::engine::counts::ChannelIntervalCounts::total(result.channel_intervals.row(1));
        assert_eq!(total.waiting_at_end + total.in_service_at_end, 0);
        let flows = &result.flows;
        [1, 2].map(|group_idx| {
            (
                flows.group_channel_handled[(group_idx, 1)],
                flows.group_channel_seconds[(group_idx, 1)],
            )
        })
    };
    for (a, b) in slow.iter().zip(&fast) {
        for ((handled_a, seconds_a), (handled_b, seconds_b)) in
            email_work(a).into_iter().zip(email_work(b))
        {
            assert_eq!(handled_a, handled_b, "replication {}", a.replication);
            assert!(
                (seconds_a - seconds_b).abs() <= 1e-9 * seconds_a,
                "replication {}: {seconds_a} against {seconds_b} seconds of email work",
                a.replication
            );
        }
    }
}

#[test]
fn a_channel_added_in_front_leaves_the_others_draws_alone() {
    // Streams are keyed by channel name, not position: a candidate that declares a new channel
    // before chat (with its own team) offers chat the same contacts, so chat's figures are equal
    // replication by replication.
    let chat = r#"
        [channels.chat]
        kind = "messaging"
        sla = { within = "2m", target = 0.8 }
        handle_time = { distribution = "lognormal", mean = "6m", cv = 0.5 }
        patience = { distribution = "exponential", mean = "4m" }
        [arrivals.chat]
        rate_per_hour = 40
        [groups.chat_team]
        headcount = 3
        concurrency = 2
        channels = ["chat"]
    "#;
    let settings = "[simulation]\nhorizon = \"1d\"\nreplications = 4\nseed = 5\n";
    let sms = r#"
        [channels.sms]
        kind = "messaging"
        sla = { within = "30m", target = 0.8 }
        handle_time = { distribution = "exponential", mean = "4m" }
        [arrivals.sms]
        rate_per_hour = 10
        [groups.sms_team]
        headcount = 2
        channels = ["sms"]
    "#;
    let alone = crate::support::parse(&format!("{settings}{chat}"));
    let with_sms_first = crate::support::parse(&format!("{settings}{sms}{chat}"));
    assert_eq!(with_sms_first.channel_index("chat"), Some(1));
    let chat_figures = |scenario: &omnisim::scenario::Scenario| {
        let chat_idx = scenario.channel_index("chat").unwrap();
        let digests = omnisim::metrics::digest::digests(scenario, &simulate(scenario, Some(1)).1);
        let samples = omnisim::metrics::samples::channel_samples(scenario, &digests);
        samples[chat_idx].clone()
    };
    let (a, b) = (chat_figures(&alone), chat_figures(&with_sms_first));
    for metric in [Metric::Offered, Metric::Answered, Metric::AsaSeconds] {
        assert_eq!(a[&metric], b[&metric], "{metric}");
    }
}

/// A replication counting into the grids of one already judged (what `plan` does round
/// after round) gives the same result, to the bit, as one with new grids; grids of another
/// shape are replaced, not used.
#[test]
fn a_replication_counting_into_spare_grids_is_the_same() {
    use omnisim::engine::layout::RoutingLayout;
    use omnisim::engine::{
        Detail, SpareGrids, run_replication_reusing, run_replication_with_detail,
    };
    let scenario = retail_week(2, 7);
    let layout = RoutingLayout::new(&scenario);
    let run = |replication: u32, spare: Option<SpareGrids>| {
        let result =
            run_replication_reusing(&scenario, &layout, replication, Detail::CountersOnly, spare);
        postcard::to_allocvec(&result).unwrap()
    };
    let fresh = run(1, None);
    let first = run_replication_with_detail(&scenario, &layout, 0, Detail::CountersOnly);
    assert!(first.channel_intervals.iter().any(|cell| cell.offered > 0));
    assert_eq!(run(1, Some(SpareGrids::of(first))), fresh);
    let other = load_scenario_file(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios/erlang_c.toml")
            .as_path(),
    )
    .unwrap();
    let other_layout = RoutingLayout::new(&other);
    let other_result = run_replication_with_detail(&other, &other_layout, 0, Detail::CountersOnly);
    assert_eq!(run(1, Some(SpareGrids::of(other_result))), fresh);
}
