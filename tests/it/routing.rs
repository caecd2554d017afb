//! Routing at scenario level: the audited engine (which re-derives every route from the
//! scenario and checks the engine's state after each event) on scenarios built to stress
//! one rule each, flow conservation across channels, and a two-skill shared pool against
//! the exact solution of its Markov chain.

use omnisim::engine::ReplicationResult;
use omnisim::engine::counts::ChannelIntervalCounts;
use omnisim::scenario::Scenario;

use crate::markov::SharedPool;
use crate::support::{check_cross_channel_balance, check_estimate, parse, run_audited, simulate};
use omnisim::metric::Metric;

/// Runs `replications` audited replications; fails on any violation or imbalance
/// (cross-channel included), and returns the results.
#[track_caller]
fn check(scenario: &Scenario, replications: u32) -> Vec<ReplicationResult> {
    let results = run_audited(scenario, replications);
    for result in &results {
        check_cross_channel_balance(scenario, result);
    }
    results
}

fn channel_rows<'a>(
    scenario: &Scenario,
    result: &'a ReplicationResult,
    channel: &str,
) -> &'a [ChannelIntervalCounts] {
    let idx = scenario.channel_index(channel).unwrap();
    result.channel_intervals.row(idx)
}

fn sum(rows: &[ChannelIntervalCounts], pick: fn(&ChannelIntervalCounts) -> u64) -> u64 {
    rows.iter().map(pick).sum()
}

#[test]
fn the_routing_example_keeps_every_invariant() {
    let text = std::fs::read_to_string("scenarios/routing_rules.toml").unwrap();
    let scenario = parse(&text);
    let results = check(&scenario, 6);
    // Every mechanism fired somewhere, so the invariants were tested on it.
    let flows = |pick: fn(&omnisim::engine::counts::FlowCounts) -> u64| {
        results.iter().map(|r| pick(&r.flows)).sum::<u64>()
    };
    assert!(flows(|f| f.rule_widened.iter().sum()) > 0, "no VIP widened");
    assert!(
        flows(|f| f.overflow_converted.iter().sum()) > 0,
        "no overflow"
    );
    assert!(flows(|f| f.handoffs.iter().sum()) > 0, "no handoff");
    assert!(flows(|f| f.issues_reopened) > 0, "no reopen");
    let result = &results[0];
    assert!(
        sum(channel_rows(&scenario, result, "phone"), |r| r
            .callbacks_accepted)
            > 0
    );
    assert!(
        sum(channel_rows(&scenario, result, "chat"), |r| r
            .after_hours_tickets)
            > 0
    );
    assert!(
        sum(channel_rows(&scenario, result, "social"), |r| r
            .held_after_hours)
            > 0
    );
}

/// Seniors and tier 1 share one phone line; VIPs go to seniors first and widen to tier 1
/// after 30 s, standard contacts go to tier 1 first and then seniors.
const VIP_LINE: &str = r#"
    [simulation]
    horizon = "2d"
    interval = "1h"
    replications = 2
    seed = 5

    [attributes]
    segments = { standard = 0.7, vip = 0.3 }

    [channels.phone]
    kind = "voice"
    sla = { within = "20s", target = 0.8 }
    handle_time = { distribution = "exponential", mean = "4m" }
    patience = { distribution = "exponential", mean = "5m" }

    [arrivals.phone]
    rate_per_hour = 70

    [groups.seniors]
    channels = ["phone"]
    headcount = 2

    [groups.tier1]
    channels = ["phone"]
    headcount = 3

    [routing.priority]
    segments = { vip = 5 }

    [[routing.rules]]
    name = "vip"
    match = { segment = "vip" }
    groups = ["seniors"]
    widen_after = "30s"
    widen_to = ["tier1"]

    [[routing.rules]]
    name = "standard"
    match = { segment = "standard" }
    groups = ["tier1", "seniors"]
"#;

#[test]
fn a_vip_never_waits_behind_the_standard_queue_while_a_senior_is_free() {
    let scenario = parse(VIP_LINE);
    // The audit fails the run if a VIP waits while a senior (or, after 30 s, a tier 1 agent)
    // has room, or if any agent takes a standard contact while a VIP it may serve waits.
    let results = check(&scenario, 2);
    assert!(results.iter().all(|r| r.flows.rule_widened[0] > 0));
    // And the VIP rule routed its share of the line (30% of contacts are VIPs).
    let (summary, _) = simulate(&scenario, Some(1));
    let vip_routed = summary.routing.rules[0].metrics[&Metric::Routed]
        .mean
        .unwrap();
    assert!(vip_routed > 0.2 * summary.channels[0].metrics[&Metric::Offered].mean.unwrap());
}

#[test]
fn no_contact_reaches_an_agent_without_its_skill_channel_or_language() {
    let scenario = parse(
        r#"
        [simulation]
        horizon = "2d"
        interval = "1h"
        replications = 2
        seed = 9

        [attributes]
        issue_types = { billing = 0.5, technical = 0.5 }
        languages = { en = 0.7, es = 0.3 }

        [channels.chat]
        kind = "messaging"
        sla = { within = "2m", target = 0.8 }
        handle_time = { distribution = "exponential", mean = "6m" }
        patience = { distribution = "exponential", mean = "4m" }

        [channels.email]
        kind = "async"
        sla = { within = "4h", target = 0.9 }
        handle_time = { distribution = "exponential", mean = "15m" }

        [arrivals.chat]
        rate_per_hour = 30
        [arrivals.email]
        rate_per_hour = 10

        [groups.billing_en]
        channels = ["chat", "email"]
        skills = ["billing"]
        languages = ["en"]
        concurrency = 2
        headcount = 3

        [groups.technical_en]
        channels = ["chat"]
        skills = ["technical"]
        languages = ["en"]
        concurrency = 3
        concurrency_slowdown = 0.3
        headcount = 2

        [groups.spanish]
        channels = ["chat", "email"]
        languages = ["es"]
        concurrency = 2
        headcount = 2

        [groups.email_en]
        channels = ["email"]
        languages = ["en"]
        headcount = 1

        [[handoffs]]
        from = "chat"
        to = "email"
        probability = 0.2
        delay = { distribution = "exponential", mean = "20m" }
        "#,
    );
    check(&scenario, 2);
}

/// One chat line whose queue holds `limit` contacts before overflowing to email.
fn chat_with_overflow(agents: u32, limit: u32) -> Scenario {
    parse(&format!(
        r#"
        [simulation]
        horizon = "2d"
        interval = "1h"
        replications = 3
        seed = 3

        [channels.chat]
        kind = "messaging"
        sla = {{ within = "2m", target = 0.8 }}
        handle_time = {{ distribution = "exponential", mean = "6m" }}
        patience = {{ distribution = "exponential", mean = "10m" }}

        [channels.email]
        kind = "async"
        sla = {{ within = "4h", target = 0.9 }}
        handle_time = {{ distribution = "exponential", mean = "15m" }}

        [arrivals.chat]
        rate_per_hour = 40

        [groups.chat_team]
        channels = ["chat"]
        concurrency = 2
        headcount = {agents}

        [groups.email_team]
        channels = ["email"]
        headcount = 3

        [[overflow]]
        from = "chat"
        to = "email"
        queue_length_at_least = {limit}
        "#
    ))
}

#[test]
fn chat_overflows_to_email_only_when_the_chat_queue_is_full() {
    // Understaffed (40 chats/h x 6 min = 4 Erlangs on 3 slots): the queue fills.
    let scenario = chat_with_overflow(1, 3);
    for result in check(&scenario, 3) {
        let chat = channel_rows(&scenario, &result, "chat");
        let email = channel_rows(&scenario, &result, "email");
        assert!(chat.iter().all(|row| row.max_queue_length <= 3));
        assert!(chat.iter().any(|row| row.max_queue_length == 3));
        let converted = sum(chat, |r| r.converted_out);
        assert!(converted > 50, "only {converted} overflows");
        assert_eq!(converted, result.flows.overflow_converted[0]);
        assert_eq!(converted, sum(email, |r| r.converted_in));
        // The converted contacts are email tickets now: offered and handled there.
        assert_eq!(sum(email, |r| r.offered), converted);
    }
    // Well staffed, the queue never reaches 3 and nothing overflows.
    let scenario = chat_with_overflow(8, 3);
    for result in check(&scenario, 3) {
        let chat = channel_rows(&scenario, &result, "chat");
        assert!(chat.iter().all(|row| row.max_queue_length < 3));
        assert_eq!(sum(chat, |r| r.converted_out), 0);
    }
}

fn after_hours(social_clock: &str) -> Scenario {
    parse(&format!(
        r#"
        [simulation]
        horizon = "7d"
        interval = "1h"
        replications = 2
        seed = 4

        [channels.chat]
        kind = "messaging"
        sla = {{ within = "2m", target = 0.8 }}
        handle_time = {{ distribution = "exponential", mean = "5m" }}
        hours = {{ daily = "08:00-20:00" }}
        after_hours = {{ action = "ticket", to = "email" }}

        [channels.phone]
        kind = "voice"
        sla = {{ within = "20s", target = 0.8 }}
        handle_time = {{ distribution = "exponential", mean = "5m" }}
        hours = {{ weekdays = "09:00-17:00" }}

        [channels.social]
        kind = "async"
        sla = {{ within = "1h", target = 0.9 }}
        handle_time = {{ distribution = "exponential", mean = "5m" }}
        hours = {{ daily = "08:00-20:00" }}
        after_hours = {{ action = "hold" }}
        sla_clock = "{social_clock}"

        [channels.email]
        kind = "async"
        sla = {{ within = "4h", target = 0.9 }}
        handle_time = {{ distribution = "exponential", mean = "10m" }}

        [arrivals.chat]
        rate_per_hour = 6
        [arrivals.phone]
        rate_per_hour = 6
        [arrivals.social]
        rate_per_hour = 3

        [groups.everyone]
        channels = ["chat", "phone", "social", "email"]
        headcount = 4
        "#
    ))
}

#[test]
fn a_contact_arriving_outside_hours_becomes_the_configured_ticket() {
    let scenario = after_hours("business_hours");
    for result in check(&scenario, 2) {
        let chat = channel_rows(&scenario, &result, "chat");
        let email = channel_rows(&scenario, &result, "email");
        let phone = channel_rows(&scenario, &result, "phone");
        let social = channel_rows(&scenario, &result, "social");
        for (interval, row) in chat.iter().enumerate() {
            let open = scenario.channels()[0]
                .hours
                .is_open(interval as f64 * 3600.0);
            if open {
                assert_eq!(row.after_hours_tickets, 0);
            } else {
                // Closed: chat takes nothing; every arrival is an email ticket in that hour.
                assert_eq!(row.offered, 0);
                assert_eq!(row.after_hours_tickets, row.arrived_closed);
                assert_eq!(email[interval].converted_in, row.after_hours_tickets);
            }
        }
        assert!(sum(chat, |r| r.after_hours_tickets) > 100);
        // Phone refuses: counted as arrived closed, never offered, never a ticket.
        assert!(sum(phone, |r| r.arrived_closed) > 100);
        assert_eq!(sum(phone, |r| r.after_hours_tickets), 0);
        // Social holds: acknowledged, offered, and answered once open.
        assert!(sum(social, |r| r.held_after_hours) > 50);
    }
    // The held social contacts wait overnight on the calendar clock, not in business hours.
    let (business, _) = simulate(&scenario, None);
    let (calendar, _) = simulate(&after_hours("calendar"), None);
    let social = |summary: &omnisim::metrics::summary::RunSummary| {
        summary.channels[2].metrics[&Metric::AsaSeconds]
            .mean
            .unwrap()
    };
    // Overnight contacts (half of them) wait about 6 hours on the calendar but only the
    // morning backlog's clearing time in business hours.
    let (business, calendar) = (social(&business), social(&calendar));
    assert!(business < 1800.0, "business-hours ASA {business}");
    assert!(calendar > 2.0 * 3600.0, "calendar ASA {calendar}");
}

#[test]
fn proficiency_and_concurrency_slowdown_scale_handle_time() {
    // A 0.8-proficient group takes 1 / 0.8 as long; a saturated chat agent holding two
    // conversations with a 0.5 slowdown takes 1.5 times as long on each.
    let scenario = parse(
        r#"
        [simulation]
        horizon = "10d"
        interval = "1h"
        replications = 4
        seed = 8

        [channels.phone]
        kind = "voice"
        sla = { within = "20s", target = 0.8 }
        handle_time = { distribution = "exponential", mean = "4m" }

        [channels.chat]
        kind = "messaging"
        sla = { within = "2m", target = 0.8 }
        handle_time = { distribution = "fixed", value = "10m" }

        [arrivals.phone]
        rate_per_hour = 10
        [arrivals.chat]
        rate_per_hour = 30

        [groups.slow_phone]
        channels = ["phone"]
        proficiency = { general = 0.8 }
        headcount = 3

        [groups.chat]
        channels = ["chat"]
        concurrency = 2
        concurrency_slowdown = 0.5
        headcount = 1
        "#,
    );
    let (summary, _) = simulate(&scenario, None);
    let handle = |channel: usize| summary.channels[channel].metrics[&Metric::MeanHandleTimeSeconds];
    let phone = handle(0);
    let exact = 240.0 / 0.8;
    assert!(
        (phone.mean.unwrap() - exact).abs() <= 3.0 * phone.ci95.unwrap(),
        "phone handle {phone:?}, expected {exact}"
    );
    let chat = handle(1).mean.unwrap();
    assert!(
        (chat - 900.0).abs() < 0.01 * 900.0,
        "saturated chat handle time {chat}"
    );
}

#[test]
fn a_two_skill_shared_pool_matches_its_markov_chain() {
    // A: 2 dedicated agents, B: 1, shared: 2, preferring A. Mean service 1 minute; load
    // 3.4 Erlangs on 5 agents.
    let model = SharedPool {
        arrival_a: 2.0,
        arrival_b: 1.4,
        service_rate: 1.0,
        dedicated_a: 2,
        dedicated_b: 1,
        shared: 2,
        max_queue: 80,
    };
    let exact = model.solve();
    assert!(exact.truncated_mass < 1e-8, "{}", exact.truncated_mass);
    let scenario = parse(&format!(
        r#"
        [simulation]
        horizon = "400h"
        interval = "1h"
        warmup = "5h"
        replications = 10
        seed = 21

        [channels.a]
        kind = "voice"
        sla = {{ within = "20s", target = 0.8 }}
        handle_time = {{ distribution = "exponential", mean = "1m" }}

        [channels.b]
        kind = "voice"
        sla = {{ within = "20s", target = 0.8 }}
        handle_time = {{ distribution = "exponential", mean = "1m" }}

        [arrivals.a]
        rate_per_hour = {a}
        [arrivals.b]
        rate_per_hour = {b}

        [groups.dedicated_a]
        channels = ["a"]
        headcount = 2
        [groups.dedicated_b]
        channels = ["b"]
        headcount = 1
        [groups.shared]
        channels = ["a", "b"]
        headcount = 2

        [routing.priority]
        channels = {{ a = 2, b = 1 }}

        [[routing.rules]]
        match = {{ channel = "a" }}
        groups = ["dedicated_a", "shared"]
        [[routing.rules]]
        match = {{ channel = "b" }}
        groups = ["dedicated_b", "shared"]
        "#,
        a = model.arrival_a * 60.0,
        b = model.arrival_b * 60.0,
    ));
    let (summary, _) = simulate(&scenario, None);
    let metric = |channel: usize, metric: Metric| summary.channels[channel].metrics[&metric];
    check_estimate(
        "P(wait) A",
        metric(0, Metric::ProbabilityWait),
        exact.probability_wait_a,
    );
    check_estimate(
        "P(wait) B",
        metric(1, Metric::ProbabilityWait),
        exact.probability_wait_b,
    );
    check_estimate(
        "mean wait A",
        metric(0, Metric::AsaSeconds),
        exact.mean_wait_a * 60.0,
    );
    check_estimate(
        "mean wait B",
        metric(1, Metric::AsaSeconds),
        exact.mean_wait_b * 60.0,
    );
    // The priority matters: B, with fewer own agents and second call on the shared pool,
    // waits clearly longer than A.
    assert!(exact.mean_wait_b > 1.5 * exact.mean_wait_a);
}

/// `[handle_time_multipliers]`: a contact's handle time is its channel's draw times its issue
/// type's and its segment's factor. Billing x2 on half the calls and vip x1.2 on a quarter
/// give a mean handle time of 4m x (0.5 x 2 + 0.5) x (0.25 x 1.2 + 0.75) = 378 s, checked at
/// 99.9%; and the audit holds with multipliers in every replication.
#[test]
fn handle_time_multipliers_scale_the_work_of_their_issue_types_and_segments() {
    let text = |multipliers: &str| {
        format!(
            r#"
[simulation]
horizon = "7d"
interval = "1h"
replications = 10
seed = 11

[attributes]
issue_types = {{ billing = 0.5, technical = 0.5 }}
segments = {{ vip = 0.25, standard = 0.75 }}

[channels.phone]
kind = "voice"
sla = {{ within = "20s", target = 0.8 }}
handle_time = {{ distribution = "exponential", mean = "4m" }}

[arrivals.phone]
rate_per_hour = 60

[groups.agents]
channels = ["phone"]
headcount = 16
{multipliers}
"#
        )
    };
    let scenario = parse(&text(
        "\n[handle_time_multipliers]\nissue_type = { billing = 2.0 }\nsegment = { vip = 1.2 }",
    ));
    let (summary, _) = simulate(&scenario, None);
    let handle = summary.channels[0].metrics[&Metric::MeanHandleTimeSeconds];
    check_estimate("mean handle time with multipliers", handle, 378.0);
    // The same customers without the table: the plain 4 minutes.
    let (plain, _) = simulate(&parse(&text("")), None);
    let plain = plain.channels[0].metrics[&Metric::MeanHandleTimeSeconds];
    check_estimate("mean handle time without multipliers", plain, 240.0);
    check(&scenario, 2);
}

/// After-call work (`wrap_up`): the agent stays busy after each contact, a whole agent for a
/// call and one conversation's unit for a chat. By Little's law the busy agents are the
/// arrival rate times (handle + wrap-up) and those in wrap-up the rate times the wrap-up,
/// whatever the queueing; handle time excludes it. Phone: 60 an hour, 3m + 1m on 10 agents,
/// occupancy 0.4 and 1.0 agents in wrap-up. Chat: 30 an hour, 5m + 30s, two conversations
/// each on 4 agents, occupancy 2.75 / 8 = 0.34375 and 0.125 agents in wrap-up. Checked at
/// 99.9%, and under the audit.
#[test]
fn after_call_work_keeps_agents_busy_and_is_reported_apart() {
    let scenario = parse(
        r#"
[simulation]
horizon = "7d"
interval = "1h"
replications = 10
seed = 5

[channels.phone]
kind = "voice"
sla = { within = "20s", target = 0.8 }
handle_time = { distribution = "exponential", mean = "3m" }
wrap_up = { distribution = "fixed", value = "1m" }

[channels.chat]
kind = "messaging"
sla = { within = "1m", target = 0.8 }
handle_time = { distribution = "exponential", mean = "5m" }
wrap_up = { distribution = "fixed", value = "30s" }

[arrivals.phone]
rate_per_hour = 60

[arrivals.chat]
rate_per_hour = 30

[groups.phone_team]
channels = ["phone"]
headcount = 10

[groups.chat_team]
channels = ["chat"]
headcount = 4
concurrency = 2
"#,
    );
    let (summary, _) = simulate(&scenario, None);
    let channel = |idx: usize, metric: Metric| summary.channels[idx].metrics[&metric];
    let group = |idx: usize, metric: Metric| summary.groups[idx].metrics[&metric];
    check_estimate(
        "phone handle time",
        channel(0, Metric::MeanHandleTimeSeconds),
        180.0,
    );
    assert_eq!(channel(0, Metric::MeanWrapUpSeconds).mean, Some(60.0));
    assert_eq!(channel(1, Metric::MeanWrapUpSeconds).mean, Some(30.0));
    check_estimate("phone team occupancy", group(0, Metric::Occupancy), 0.4);
    check_estimate("phone team in wrap-up", group(0, Metric::WrapUpAgents), 1.0);
    check_estimate(
        "chat team occupancy",
        group(1, Metric::Occupancy),
        2.75 / 8.0,
    );
    check_estimate(
        "chat team in wrap-up",
        group(1, Metric::WrapUpAgents),
        0.125,
    );
    check(&scenario, 2);
}

/// A backlog at the start (`arrivals.X.backlog`): the tickets come from the channel's own
/// backlog stream, so the same customers arrive as without it and every replication offers
/// exactly `count` more; their age counts in their wait, so tickets already older than the
/// SLA window all miss it, even on a channel closed at midnight (they are held, not refused);
/// and the audit holds.
#[test]
fn a_backlog_waits_from_the_start_with_its_age() {
    let text = |backlog: &str| {
        format!(
            r#"
[simulation]
horizon = "2d"
interval = "1h"
replications = 4
seed = 9

[channels.email]
kind = "async"
sla = {{ within = "4h", target = 0.9 }}
handle_time = {{ distribution = "exponential", mean = "10m" }}
hours = {{ daily = "08:00-18:00" }}

[arrivals.email]
rate_per_hour = 2
{backlog}

[groups.team]
channels = ["email"]
headcount = 6
"#
        )
    };
    let offered = |results: &[omnisim::engine::ReplicationResult]| -> Vec<u64> {
        results
            .iter()
            .map(|result| sum(result.channel_intervals.row(0), |c| c.offered))
            .collect()
    };
    let plain = parse(&text(""));
    let aged = parse(&text(
        "backlog = { count = 150, age = { distribution = \"fixed\", value = \"5h\" } }",
    ));
    let (_, plain_results) = simulate(&plain, None);
    let (aged_summary, aged_results) = simulate(&aged, None);
    let with: Vec<u64> = offered(&aged_results);
    let without: Vec<u64> = offered(&plain_results).iter().map(|n| n + 150).collect();
    assert_eq!(
        with, without,
        "exactly the backlog more, on the same customers"
    );
    // 150 tickets already 5h old against a 4h window, and about 2 an hour for 10 open hours a
    // day: at most (2 x 48 + a few) of about 246 contacts can be within the window.
    let attained = aged_summary.channels[0].metrics[&Metric::SlaAttainment]
        .mean
        .unwrap();
    assert!(attained < 0.5, "aged backlog attainment {attained}");
    // The same backlog new: served in the same order at the same times, so each of the 150
    // answered tickets waited exactly 5h less, and the mean wait of each replication is
    // 5h x 150 / answered lower.
    let fresh = parse(&text("backlog = { count = 150 }"));
    let (fresh_summary, _) = simulate(&fresh, None);
    let fresh_wait = fresh_summary.channels[0].metrics[&Metric::AsaSeconds]
        .mean
        .unwrap();
    let aged_wait = aged_summary.channels[0].metrics[&Metric::AsaSeconds]
        .mean
        .unwrap();
    let expected: f64 = aged_results
        .iter()
        .map(|r| 5.0 * 3600.0 * 150.0 / sum(r.channel_intervals.row(0), |c| c.answered) as f64)
        .sum::<f64>()
        / aged_results.len() as f64;
    assert!(
        (aged_wait - fresh_wait - expected).abs() < 1e-6 * aged_wait,
        "{aged_wait} - {fresh_wait} against {expected}"
    );
    check(&aged, 2);
}

/// Centers run hundreds of queues (brand x language x channel): 300 channels, 30 groups of
/// 10 channels each, and a handoff from every channel to the last one, so customer issues
/// span channel indices far beyond 64. Audited, conserving flow, and every resolved issue
/// that was handed off used two channels.
#[test]
fn three_hundred_channels_route_and_track_issues() {
    let mut text = String::from(
        "[simulation]\nhorizon = \"1d\"\ninterval = \"1h\"\nreplications = 1\nseed = 5\n",
    );
    for c in 0..300 {
        text.push_str(&format!(
            "\n[channels.c{c}]\nkind = \"voice\"\nsla = {{ within = \"20s\", target = 0.8 }}\nhandle_time = {{ distribution = \"exponential\", mean = \"3m\" }}\npatience = {{ distribution = \"exponential\", mean = \"2m\" }}\n[arrivals.c{c}]\nrate_per_hour = 2\n"
        ));
    }
    for g in 0..30 {
        let channels: Vec<String> = (0..10).map(|k| format!("\"c{}\"", g * 10 + k)).collect();
        text.push_str(&format!(
            "\n[groups.g{g}]\nheadcount = 3\nchannels = [{}]\n",
            channels.join(", ")
        ));
    }
    text.push_str(
        "\n[[handoffs]]\nfrom = \"any\"\nto = \"c299\"\nprobability = 0.2\ndelay = { distribution = \"fixed\", value = \"10m\" }\n",
    );
    let scenario = parse(&text);
    assert_eq!(scenario.channels().len(), 300);
    let results = check(&scenario, 1);
    let flows = &results[0].flows;
    assert!(flows.issues_resolved_multichannel > 100, "{flows:?}");
    assert_eq!(
        flows.resolved_channels_sum,
        flows.issues_resolved + flows.issues_resolved_multichannel
    );
}
