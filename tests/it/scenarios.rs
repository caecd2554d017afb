//! The shipped example scenarios: each validates, runs, conserves flow in every replication,
//! and produces the figures a planner reads.

use std::path::Path;

use omnisim::scenario::{load_scenario_file, load_with_overlays};

use crate::support::{check_cross_channel_balance, simulate};
use omnisim::metric::Metric;

#[track_caller]
fn check(file: &str, replications: u32) -> omnisim::metrics::summary::RunSummary {
    check_with(file, &[], replications)
}

/// As `check`, for `file` with overlays layered on it.
#[track_caller]
fn check_with(
    file: &str,
    overlays: &[&str],
    replications: u32,
) -> omnisim::metrics::summary::RunSummary {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let path = folder.join(file);
    let overlay_paths: Vec<_> = overlays.iter().map(|o| folder.join(o)).collect();
    let scenario = if overlays.is_empty() {
        load_scenario_file(&path).unwrap_or_else(|error| panic!("{error}"))
    } else {
        load_with_overlays(&path, &overlay_paths)
            .unwrap_or_else(|error| panic!("{error}"))
            .scenario
    };
    let scenario = scenario.with_replications(replications).unwrap();
    let (summary, results) = simulate(&scenario, None);
    assert!(summary.flow_conservation_holds);
    // The engine checked each channel's flow (simulate fails otherwise); independently of
    // that, what leaves one channel for another is recorded where it arrives.
    if scenario.simulation().warmup_seconds == 0.0 {
        for result in &results {
            check_cross_channel_balance(&scenario, result);
        }
    }
    summary
}

#[test]
fn retail_week_reports_every_channel() {
    let summary = check("retail_week.toml", 4);
    let names: Vec<&str> = summary.channels.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "email",
            "chat",
            "phone",
            "social",
            "in_app",
            "sms",
            "portal",
            "escalation",
            "phone_callback"
        ]
    );
    // Weekly volumes from the dashboard: the mean offered plus closed-hours arrivals, less
    // contacts that came from other channels, is within a Poisson 4-sigma band of each
    // channel's weekly volume.
    for (name, weekly) in [
        ("email", 1247.0),
        ("chat", 892.0),
        ("phone", 423.0),
        ("social", 312.0),
        ("in_app", 287.0),
        ("sms", 156.0),
        ("portal", 389.0),
    ] {
        let channel = summary.channels.iter().find(|c| c.name == name).unwrap();
        let m = &channel.metrics;
        let arrived = m[&Metric::Offered].mean.unwrap() + m[&Metric::ArrivedClosed].mean.unwrap()
            - m[&Metric::HeldAfterHours].mean.unwrap()
            - m[&Metric::ConvertedIn].mean.unwrap()
            - m[&Metric::FollowupsIn].mean.unwrap();
        let tolerance = 4.0 * (weekly / f64::from(summary.replications)).sqrt();
        assert!(
            (arrived - weekly).abs() <= tolerance,
            "{name}: {arrived} arrivals against {weekly}"
        );
    }
    let phone = summary.channels.iter().find(|c| c.name == "phone").unwrap();
    assert!(
        phone.metrics[&Metric::ArrivedClosed].mean.unwrap() > 0.0,
        "phone closes at 18:00 and at weekends"
    );
    let portal = summary
        .channels
        .iter()
        .find(|c| c.name == "portal")
        .unwrap();
    assert_eq!(
        portal.metrics[&Metric::Deflected].mean,
        portal.metrics[&Metric::Offered].mean
    );
    assert!(summary.warnings.is_empty(), "{:?}", summary.warnings);
    // The seed's cross-channel figures come out in the seed's range: a minority of issues
    // switch channel, and most switches keep their context.
    let cross = &summary.routing.cross_channel;
    let switch_rate = cross[&Metric::ChannelSwitchRate].mean.unwrap();
    assert!(
        (0.03..0.25).contains(&switch_rate),
        "switch rate {switch_rate}"
    );
    let preserved = cross[&Metric::ContextPreservedShare].mean.unwrap();
    assert!(
        (0.85..1.0).contains(&preserved),
        "context preserved {preserved}"
    );
    assert!(
        summary
            .channels
            .iter()
            .all(|c| c.meets_sla_target != Some(false))
    );
}

#[test]
fn routing_example_runs() {
    let summary = check("routing_rules.toml", 3);
    assert_eq!(summary.routing.rules.len(), 5);
    assert!(summary.routing.handoffs.len() >= 5);
}

#[test]
fn erlang_examples_run() {
    for file in ["erlang_c.toml", "erlang_a.toml"] {
        let summary = check(file, 3);
        assert_eq!(summary.channels[0].meets_sla_target, Some(true), "{file}");
    }
}

#[test]
fn an_overloaded_system_finishes_and_says_so() {
    let toml = r#"
        [simulation]
        horizon = "2d"
        replications = 3
        [channels.phone]
        kind = "voice"
        sla = { within = "20s", target = 0.8 }
        handle_time = { distribution = "exponential", mean = "5m" }
        [arrivals.phone]
        rate_per_hour = 60
        [groups.agents]
        headcount = 3
        channels = ["phone"]
    "#;
    let (summary, _) = simulate(&crate::support::parse(toml), None);
    assert!(summary.flow_conservation_holds);
    assert!(
        summary.warnings.iter().any(|w| w.starts_with("overloaded")),
        "{:?}",
        summary.warnings
    );
    assert!(
        summary.warnings.iter().any(|w| w.starts_with("backlog")),
        "{:?}",
        summary.warnings
    );
    assert!(
        summary.channels[0].metrics[&Metric::WaitingAtEnd]
            .mean
            .unwrap()
            > 1000.0
    );
}

#[test]
fn the_overlays_apply_to_both_retail_weeks() {
    for base in ["retail_week.toml", "retail_week_shifts.toml"] {
        for overlay in ["outage_chat.toml", "sickout.toml", "campaign_spike.toml"] {
            let summary = check_with(base, &[overlay], 2);
            assert!(!summary.disruptions.is_empty(), "{base} + {overlay}");
        }
    }
    // Overlays layer: both what-ifs at once.
    let both = check_with("retail_week.toml", &["outage_chat.toml", "sickout.toml"], 2);
    let names: Vec<&str> = both.disruptions.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["chat_platform_down", "tier1_sickout"]);
    assert_eq!(both.scenario, "retail_week+outage_chat+sickout");
}

#[test]
fn the_shift_variant_staffs_from_shifts_and_a_csv_file() {
    let summary = check("retail_week_shifts.toml", 2);
    for group in &summary.groups {
        let scheduled = group.metrics[&Metric::ScheduledAgents].mean.unwrap();
        let available = group.metrics[&Metric::AvailableAgents].mean.unwrap();
        assert!(scheduled > 0.0, "{}", group.name);
        // Shrinkage takes agents off the floor.
        assert!(available <= scheduled, "{}", group.name);
    }
}

#[test]
fn retail_week_overflows_chat_to_email_and_the_early_overlay_more() {
    // The shipped rule fires (it converted nothing when it waited for 5 chats in the queue),
    // and the overlay that offers email from a 1-minute expected wait converts more.
    let converted = |summary: &omnisim::metrics::summary::RunSummary| {
        summary
            .routing
            .overflows
            .iter()
            .map(|overflow| overflow.metrics[&Metric::Converted].mean.unwrap())
            .sum::<f64>()
    };
    let base = check("retail_week.toml", 4);
    let early = check_with("retail_week.toml", &["chat_overflow_early.toml"], 4);
    assert!(converted(&base) >= 5.0, "{}", converted(&base));
    assert!(
        converted(&early) > 1.5 * converted(&base),
        "{} against {}",
        converted(&early),
        converted(&base)
    );
    assert_eq!(early.routing.overflows.len(), 2);
}

#[test]
fn retail_weeks_checks_are_valid_and_hold() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let scenario = load_scenario_file(&folder.join("retail_week.toml")).unwrap();
    let scenario =
        omnisim::scenario::load_assertions_file(scenario, &folder.join("retail_week_checks.toml"))
            .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(scenario.assertions().len(), 5);
    let (summary, _) = simulate(&scenario, None);
    let checks = omnisim::gate::assertion_checks(&scenario, &summary);
    for check in &checks {
        assert_eq!(
            check.outcome,
            omnisim::gate::Outcome::Pass,
            "{} {:?}",
            check.subject,
            check.metric
        );
    }
}

/// `omnisim schema` accepts every shipped example as an editor would check it: complete
/// scenarios as written, overlays and check files merged on the week they are written for;
/// and it refuses a misspelt key, a wrong type and an unknown channel kind.
#[test]
fn the_schema_accepts_every_example_and_refuses_mistakes() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_omnisim"))
        .arg("schema")
        .output()
        .unwrap();
    assert!(output.status.success());
    let schema: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let as_json = |text: &str| -> serde_json::Value {
        serde_json::to_value(text.parse::<toml::Table>().unwrap()).unwrap()
    };
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let base = folder.join("retail_week.toml");
    let mut files: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 8, "{files:?}");
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let document = if text
            .parse::<toml::Table>()
            .unwrap()
            .contains_key("simulation")
        {
            as_json(&text)
        } else {
            // An overlay applies to the scenario its name starts with (bank_week_two_more to
            // bank_week), else to retail_week.
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            let own_base = ["bank_week"]
                .iter()
                .find(|base| stem.starts_with(*base))
                .map_or(base.clone(), |base| folder.join(format!("{base}.toml")));
            let merged = load_with_overlays(&own_base, std::slice::from_ref(&path))
                .unwrap_or_else(|error| panic!("{error}"));
            as_json(&merged.text)
        };
        let errors: Vec<String> = validator
            .iter_errors(&document)
            .map(|error| format!("{}: {error}", error.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", path.display());
    }
    let erlang_c = std::fs::read_to_string(folder.join("erlang_c.toml")).unwrap();
    for (from, to) in [
        ("headcount = 14", "headcont = 14"),
        ("headcount = 14", "headcount = \"many\""),
        ("kind = \"voice\"", "kind = \"fax\""),
    ] {
        assert!(erlang_c.contains(from));
        let broken = as_json(&erlang_c.replacen(from, to, 1));
        assert!(!validator.is_valid(&broken), "{to} passed the schema");
    }
}

/// The Monday-backlog example: its 180 waiting emails are offered on top of the week's, its
/// after-call work is reported apart (exactly the fixed 2 minutes on email) and keeps the
/// email team busy, and flow is conserved.
#[test]
fn monday_backlog_starts_behind_and_wraps_up() {
    let summary = check("monday_backlog.toml", 3);
    let email = &summary.channels[0];
    assert_eq!(email.name, "email");
    assert_eq!(email.metrics[&Metric::MeanWrapUpSeconds].mean, Some(120.0));
    let offered = email.metrics[&Metric::Offered].mean.unwrap();
    assert!(
        (1400.0 + 180.0 - 120.0..1400.0 + 180.0 + 120.0).contains(&offered),
        "{offered}"
    );
    let team = &summary.groups[0];
    assert!(team.metrics[&Metric::WrapUpAgents].mean.unwrap() > 0.5);
}

/// The customers overlay: a chat bot and a portal assistant contain contacts and save agent
/// work, email agents wrap up, phone customers redial and callbacks may miss, chat
/// customers call while their chat is open; flow balances through all of it, and the
/// bot's chat agents see fewer chats than the base's.
#[test]
fn the_customers_overlay_shows_every_behaviour() {
    let base = check("retail_week.toml", 2);
    let summary = check_with("retail_week.toml", &["customers.toml"], 2);
    let behaviour = &summary.routing.customer_behaviour;
    let bots: Vec<&str> = behaviour.bots.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(bots, ["chat", "portal"]);
    for bot in &behaviour.bots {
        let saved = bot.metrics[&Metric::AgentHoursSaved].mean.unwrap();
        assert!(saved > 10.0, "{}: {saved}", bot.name);
    }
    assert!(behaviour.customers[&Metric::Retries].mean.unwrap() > 0.0);
    assert_eq!(behaviour.callbacks[0].name, "phone_callback");
    assert_eq!(behaviour.duplicates.len(), 1);
    let chat_offered = |summary: &omnisim::metrics::summary::RunSummary| {
        summary.channels[1].metrics[&Metric::Offered].mean.unwrap()
    };
    assert!(chat_offered(&summary) < 0.8 * chat_offered(&base));
    assert!(
        summary.channels[0]
            .metrics
            .contains_key(&Metric::MeanWrapUpSeconds)
    );
}
