//! Customer behaviour (`scenario::customer_behaviour`) at scenario level: redials against
//! the exact chain of an M/M/c+M queue with an orbit (and Erlang X's fixed point against the
//! same chain), callback attempts, bots that contain or hand over, duplicates on a second
//! channel, retries after a refusal. Every scenario runs under the engine's audit and flow
//! checks (`check`); shares are checked against their exact value at 99.9%.

use omnisim::engine::ReplicationResult;
use omnisim::engine::counts::CustomerCounts;
use omnisim::erlang::erlang_a_with_redials;
use omnisim::metric::Metric;
use omnisim::scenario::Scenario;

use crate::markov::RetrialQueue;
use crate::support::{check_cross_channel_balance, check_estimate, parse, run_audited, simulate};

/// Runs `replications` audited replications (invariants after every event, flow
/// conservation at the end, cross-channel balance) and returns the results.
#[track_caller]
fn check(scenario: &Scenario, replications: u32) -> Vec<ReplicationResult> {
    let results = run_audited(scenario, replications);
    for result in &results {
        check_cross_channel_balance(scenario, result);
    }
    results
}

/// A share of `trials` that came out `successes`, against its exact probability at 99.9%
/// (normal approximation of the binomial), with enough trials to mean something.
#[track_caller]
fn check_share(what: &str, successes: u64, trials: u64, exact: f64) {
    assert!(trials > 0, "{what}: no trials");
    let share = successes as f64 / trials as f64;
    let half_width = 3.29 * (exact * (1.0 - exact) / trials as f64).sqrt();
    assert!(
        (share - exact).abs() <= half_width,
        "{what}: {successes}/{trials} = {share:.4} is not within {half_width:.4} (99.9%) of {exact:.4}"
    );
    assert!(
        half_width <= 0.1 * exact.min(1.0 - exact),
        "{what}: ±{half_width:.4} over {trials} trials is too wide to test anything"
    );
}

fn sum(results: &[ReplicationResult], pick: impl Fn(&ReplicationResult) -> u64) -> u64 {
    results.iter().map(pick).sum()
}

/// The textbook case of Erlang X: 9 agents, 1-minute calls, 1-minute patience, 8 new
/// callers a minute, half of those who hang up redial after 10 minutes on average. The
/// simulator's redials against the exact chain with an orbit, at 99.9%.
#[test]
fn redials_match_the_exact_chain_of_a_queue_with_an_orbit() {
    let model = RetrialQueue {
        arrival: 8.0,
        service_rate: 1.0,
        agents: 9,
        patience_rate: 1.0,
        retry_probability: 0.5,
        retry_rate: 0.1,
        max_in_system: 45,
        max_orbit: 60,
    };
    let exact = model.solve();
    assert!(exact.truncated_mass < 1e-9, "{}", exact.truncated_mass);
    let scenario = parse(&format!(
        r#"
        [simulation]
        horizon = "300h"
        interval = "1h"
        warmup = "5h"
        replications = 10
        seed = 31

        [channels.phone]
        kind = "voice"
        sla = {{ within = "20s", target = 0.8 }}
        handle_time = {{ distribution = "exponential", mean = "1m" }}
        patience = {{ distribution = "exponential", mean = "1m" }}
        retry = {{ probability = 0.5, delay = {{ distribution = "exponential", mean = "10m" }} }}

        [arrivals.phone]
        rate_per_hour = {rate}

        [groups.agents]
        channels = ["phone"]
        headcount = 9
        "#,
        rate = model.arrival * 60.0,
    ));
    let (summary, _) = simulate(&scenario, None);
    let customers = &summary.routing.customer_behaviour.customers;
    check_estimate(
        "retries over attempts",
        customers[&Metric::RetryShare],
        exact.retry_share,
    );
    check_estimate(
        "abandonment per contact",
        customers[&Metric::ContactAbandonmentRate],
        exact.contact_abandonment,
    );
    check_estimate(
        "abandonment per customer",
        customers[&Metric::CustomerAbandonmentRate],
        exact.customer_abandonment,
    );
    check_estimate(
        "P(wait) per attempt",
        summary.channels[0].metrics[&Metric::ProbabilityWait],
        exact.probability_wait,
    );
    // Redials matter here: per customer, abandonment is well under per contact.
    assert!(exact.customer_abandonment < 0.8 * exact.contact_abandonment);
    run_audited(&scenario, 2);
}

/// Erlang X's fixed point treats redials as Poisson arrivals, so it misses the bursts of
/// redials that follow a busy period and understates abandonment. Its error shrinks as
/// redials come back later (10, 20, 50 times the handle time), and at 50 times it agrees
/// with the exact chain within 0.5% on every figure; with redials within a handle time it
/// is more than 2% off, so the comparison can tell the two apart.
#[test]
fn erlang_x_redials_agree_with_the_exact_chain_when_redials_come_late() {
    let chain = |retry_rate: f64| {
        let solution = RetrialQueue {
            arrival: 8.0,
            service_rate: 1.0,
            agents: 9,
            patience_rate: 1.0,
            retry_probability: 0.5,
            retry_rate,
            max_in_system: 45,
            max_orbit: 200,
        }
        .solve();
        assert!(solution.truncated_mass < 1e-9);
        solution
    };
    let fixed_point = erlang_a_with_redials(8.0, 1.0, 1.0, 9, 0.5);
    let relative = |a: f64, b: f64| (a - b).abs() / b;
    let mut previous_error = f64::INFINITY;
    for retry_rate in [0.1, 0.05, 0.02] {
        let exact = chain(retry_rate);
        assert!(fixed_point.contact_abandonment < exact.contact_abandonment);
        let error = relative(fixed_point.contact_abandonment, exact.contact_abandonment);
        assert!(
            error < previous_error,
            "{retry_rate}: {error} after {previous_error}"
        );
        previous_error = error;
    }
    let late = chain(0.02);
    for (what, approximate, exact) in [
        ("attempt rate", fixed_point.attempt_rate, late.attempt_rate),
        (
            "abandonment per contact",
            fixed_point.contact_abandonment,
            late.contact_abandonment,
        ),
        (
            "abandonment per customer",
            fixed_point.customer_abandonment,
            late.customer_abandonment,
        ),
        ("retry share", fixed_point.retry_share, late.retry_share),
        (
            "P(wait)",
            fixed_point.probability_wait,
            late.probability_wait,
        ),
    ] {
        assert!(
            relative(approximate, exact) < 0.005,
            "{what}: Erlang X {approximate:.5}, exact {exact:.5}"
        );
    }
    let quick = chain(5.0);
    assert!(
        relative(fixed_point.contact_abandonment, quick.contact_abandonment) > 0.02,
        "quick redials: Erlang X {:.5}, exact {:.5}",
        fixed_point.contact_abandonment,
        quick.contact_abandonment
    );
}

/// A callback reaches its customer with probability 0.6 at each attempt, up to 3 attempts,
/// and only a miss at the last loses it. (Shares are per attempt made: callbacks still
/// between attempts at the horizon are more often ones that missed, so shares of settled
/// callbacks would be biased.) The agents' time on missed attempts is reported, and flow
/// balances with callbacks pending between attempts.
#[test]
fn callback_attempts_reach_customers_geometrically_and_the_rest_are_lost() {
    let scenario = parse(
        r#"
        [simulation]
        horizon = "3d"
        interval = "1h"
        replications = 6
        seed = 8

        [channels.phone]
        kind = "voice"
        sla = { within = "20s", target = 0.8 }
        handle_time = { distribution = "exponential", mean = "4m" }
        patience = { distribution = "exponential", mean = "3m" }
        callback = { offer_when_expected_wait_above = "1s", acceptance = 1.0, within = "2h", reach = 0.6, attempts = 3, retry_after = { distribution = "fixed", value = "10m" }, failed_attempt = "45s" }

        [arrivals.phone]
        rate_per_hour = 120

        [groups.agents]
        channels = ["phone"]
        headcount = 8
        "#,
    );
    let results = check(&scenario, 6);
    let customers = |pick: fn(&CustomerCounts) -> &Vec<u64>, attempt: usize| {
        sum(&results, |r| pick(&r.flows.customers)[attempt])
    };
    for attempt in 0..3 {
        let reached = customers(|c| &c.callback_reached_on_attempt, attempt);
        let missed = customers(|c| &c.callback_missed_on_attempt, attempt);
        check_share(
            &format!("attempt {}", attempt + 1),
            reached,
            reached + missed,
            0.6,
        );
    }
    // Only a miss at the third attempt loses the callback.
    let callback_idx = scenario.channel_index("phone_callback").unwrap();
    let lost = sum(&results, |r| {
        r.channel_intervals
            .row(callback_idx)
            .iter()
            .map(|row| row.callbacks_lost)
            .sum()
    });
    assert_eq!(lost, customers(|c| &c.callback_missed_on_attempt, 2));
    let (summary, _) = simulate(&scenario, None);
    let callbacks = &summary.routing.customer_behaviour.callbacks[0].metrics;
    // Each missed attempt holds an agent 45 s.
    let failed = callbacks[&Metric::FailedAttempts].mean.unwrap();
    let hours = callbacks[&Metric::FailedAttemptHours].mean.unwrap();
    assert!((hours - failed * 45.0 / 3600.0).abs() < 1e-9 * hours.max(1.0));
}

/// A chat bot contains 40% and hands the rest to the chat agents with the context kept 70%
/// of the time; a portal's assistant contains 70% and hands the rest to email (which a
/// portal could not do before). Containment, the agent work saved and the costs per
/// contact with and without the bot are reported; flow balances through both.
#[test]
fn bots_contain_their_share_and_hand_the_rest_to_agents() {
    let scenario = parse(
        r#"
        [simulation]
        horizon = "2d"
        interval = "1h"
        replications = 6
        seed = 3

        [channels.chat]
        kind = "messaging"
        sla = { within = "2m", target = 0.8 }
        handle_time = { distribution = "fixed", value = "6m" }
        patience = { distribution = "exponential", mean = "5m" }
        bot = { containment = 0.4, handle_time = { distribution = "exponential", mean = "2m" }, escalate_to = "chat", context_preserved = 0.7, rediscovery = "2m", cost_per_contact = 0.25 }

        [channels.portal]
        kind = "self_service"
        bot = { containment = 0.7, handle_time = { distribution = "fixed", value = "3m" }, escalate_to = "email" }

        [channels.email]
        kind = "async"
        sla = { within = "4h", target = 0.8 }
        handle_time = { distribution = "fixed", value = "10m" }

        [arrivals.chat]
        rate_per_hour = 60
        [arrivals.portal]
        rate_per_hour = 40

        [groups.agents]
        channels = ["chat", "email"]
        headcount = 6
        concurrency = 2
        cost_per_hour = 30
        "#,
    );
    let results = check(&scenario, 6);
    let customers = |pick: fn(&CustomerCounts) -> &Vec<u64>, channel: usize| {
        sum(&results, |r| pick(&r.flows.customers)[channel])
    };
    let (chat, portal) = (0, 1);
    let entered = |channel| customers(|c| &c.bot_entered, channel);
    let contained = |channel| customers(|c| &c.bot_contained, channel);
    let escalated = |channel| customers(|c| &c.bot_escalated, channel);
    check_share(
        "chat containment",
        contained(chat),
        contained(chat) + escalated(chat),
        0.4,
    );
    check_share(
        "portal containment",
        contained(portal),
        contained(portal) + escalated(portal),
        0.7,
    );
    // The contained chats would each have needed the fixed 6 minutes.
    let saved: f64 = results
        .iter()
        .map(|r| r.flows.customers.bot_work_saved_seconds[chat])
        .sum();
    assert!((saved - contained(chat) as f64 * 360.0).abs() < 1e-6 * saved);
    // Chat agents see only the escalations; email only the portal's.
    let offered = |channel: usize| {
        sum(&results, |r| {
            r.channel_intervals
                .row(channel)
                .iter()
                .map(|row| row.offered + row.arrived_closed)
                .sum()
        })
    };
    assert!(offered(chat) <= escalated(chat) && offered(chat) + 20 >= escalated(chat));
    assert_eq!(offered(2), escalated(portal));
    assert!(entered(chat) > 0 && entered(portal) > 0);
    let (summary, _) = simulate(&scenario, None);
    let bot = &summary.routing.customer_behaviour.bots[0].metrics;
    let with = bot[&Metric::CostPerContactWithBot].mean.unwrap();
    let without = bot[&Metric::CostPerContactWithoutBot].mean.unwrap();
    // A cheap bot that contains 40% costs less per contact than agents alone.
    assert!(with < without, "with the bot {with}, without {without}");
}

/// A customer whose email is still open also calls with probability 0.2 a minute later;
/// half of those calls are matched to the open email. With emails that take ten hours, every
/// email is open then; with emails answered within seconds, none is, and no call is made.
#[test]
fn duplicates_come_from_open_contacts_and_merge_as_configured() {
    let text = |email_handle: &str| {
        format!(
            r#"
            [simulation]
            horizon = "2d"
            interval = "1h"
            replications = 5
            seed = 4

            [channels.email]
            kind = "async"
            sla = {{ within = "1d", target = 0.8 }}
            handle_time = {{ distribution = "fixed", value = "{email_handle}" }}

            [channels.phone]
            kind = "voice"
            sla = {{ within = "20s", target = 0.8 }}
            handle_time = {{ distribution = "fixed", value = "3m" }}

            [arrivals.email]
            rate_per_hour = 30

            [groups.mail]
            channels = ["email"]
            headcount = 400
            [groups.voice]
            channels = ["phone"]
            headcount = 10

            [[duplicates]]
            from = "email"
            to = "phone"
            probability = 0.2
            delay = {{ distribution = "fixed", value = "1m" }}
            merged = 0.5
            "#
        )
    };
    let open = parse(&text("10h"));
    let results = check(&open, 5);
    let made = sum(&results, |r| r.flows.customers.duplicates[0]);
    let merged = sum(&results, |r| r.flows.customers.duplicates_merged[0]);
    let emails = sum(&results, |r| r.flows.customers.first_attempts[0]);
    check_share("second contacts", made, emails, 0.2);
    check_share("merged", merged, made, 0.5);
    // Every unmerged duplicate is a 3-minute call some agent works.
    let calls = sum(&results, |r| {
        r.channel_intervals
            .row(1)
            .iter()
            .map(|row| row.offered)
            .sum()
    });
    assert_eq!(calls, made - merged);
    // ... and what they cost the agents is reported: 3 minutes each that ended.
    let (summary, results) = simulate(&open, None);
    let handled: u64 = sum(&results, |r| {
        r.channel_intervals
            .row(1)
            .iter()
            .map(|row| row.handled)
            .sum()
    });
    let hours = summary.routing.customer_behaviour.customers[&Metric::DuplicateAgentHours]
        .mean
        .unwrap();
    let expected = handled as f64 * 3.0 / 60.0 / results.len() as f64;
    assert!(
        (hours - expected).abs() < 1e-9 * expected,
        "{hours} vs {expected}"
    );
    let closed = parse(&text("20s"));
    let results = check(&closed, 2);
    assert_eq!(sum(&results, |r| r.flows.customers.duplicates[0]), 0);
}

/// Calls refused while the phone line is closed come back on chat with probability 0.3;
/// with attempts = 2 nobody tries a third time.
#[test]
fn customers_refused_while_closed_try_again_where_the_retry_says() {
    let scenario = parse(
        r#"
        [simulation]
        horizon = "3d"
        interval = "1h"
        replications = 5
        seed = 12

        [channels.phone]
        kind = "voice"
        sla = { within = "20s", target = 0.8 }
        handle_time = { distribution = "exponential", mean = "4m" }
        patience = { distribution = "exponential", mean = "2m" }
        hours = { daily = "08:00-18:00" }
        retry = { probability = 0.3, delay = { distribution = "exponential", mean = "20m" }, channel = "chat", attempts = 2 }

        [channels.chat]
        kind = "messaging"
        sla = { within = "2m", target = 0.8 }
        handle_time = { distribution = "exponential", mean = "6m" }
        retry = { probability = 1.0, delay = { distribution = "fixed", value = "5m" } }

        [arrivals.phone]
        rate_per_hour = 90

        [groups.agents]
        channels = ["phone", "chat"]
        headcount = 12
        "#,
    );
    let results = check(&scenario, 5);
    let refused = sum(&results, |r| {
        r.channel_intervals
            .row(0)
            .iter()
            .map(|row| row.arrived_closed)
            .sum()
    });
    let abandoned = sum(&results, |r| {
        r.channel_intervals
            .row(0)
            .iter()
            .map(|row| row.abandoned)
            .sum()
    });
    let chat_retries = sum(&results, |r| r.flows.customers.retries[1]);
    // Give-ups near the horizon may not have come back yet: at most a handful.
    let gave_up = refused + abandoned;
    check_share("retries on chat", chat_retries, gave_up, 0.3);
    // Chat customers never abandon (no patience), and with attempts = 2 a retry on chat is
    // the last: nothing comes back to the phone.
    assert_eq!(sum(&results, |r| r.flows.customers.retries[0]), 0);
}
