//! Validation at the library level, data-driven: each case is a scenario (the valid base
//! with one thing broken) and the whole list of problems `parse_scenario_str` must report,
//! as `key: reason` (with `line:column:` where the TOML parser gives one). One `check` calls
//! the API, so every section of validation is pinned without spawning a process per case;
//! `bad_input` checks what only the binary shows (exit code 2, nothing written).

use omnisim::error::ScenarioProblem;
use omnisim::scenario::{SideFile, SideFiles, parse_scenario, parse_scenario_str};

/// A valid scenario to break one piece at a time.
pub const VALID: &str = r#"
[simulation]
horizon = "1d"
interval = "30m"
replications = 2
seed = 1

[attributes]
issue_types = { billing = 0.5, technical = 0.5 }

[channels.chat]
kind = "messaging"
sla = { within = "2m", target = 0.8 }
handle_time = { distribution = "exponential", mean = "5m" }
patience = { distribution = "exponential", mean = "3m" }

[arrivals.chat]
daily_volume = 100

[groups.tier1]
headcount = 3
channels = ["chat"]
concurrency = 2
"#;

/// The base with `from` replaced by `to` (which must be there).
fn replace(from: &str, to: &str) -> String {
    assert!(VALID.contains(from), "{from}");
    VALID.replacen(from, to, 1)
}

/// The base with more TOML appended.
fn with(extra: &str) -> String {
    format!("{VALID}\n{extra}\n")
}

/// The base with an email channel and a billing group, to hang routing mistakes on.
fn with_routing(extra: &str) -> String {
    with(&format!(
        "[channels.email]
kind = \"async\"
sla = {{ within = \"4h\", target = 0.9 }}
handle_time = {{ distribution = \"exponential\", mean = \"15m\" }}

[groups.billing]
headcount = 1
channels = [\"email\", \"chat\"]
skills = [\"billing\"]
{extra}"
    ))
}

fn describe(problem: &ScenarioProblem) -> String {
    let place = problem
        .line_column
        .map_or(String::new(), |(line, column)| format!("{line}:{column}: "));
    if problem.key.is_empty() {
        format!("{place}{}", problem.reason)
    } else {
        format!("{place}{}: {}", problem.key, problem.reason)
    }
}

#[track_caller]
fn check(toml: &str, expected: &[&str]) {
    check_with_files(toml, &SideFiles::default(), expected);
}

#[track_caller]
fn check_with_files(toml: &str, side_files: &SideFiles, expected: &[&str]) {
    let got: Vec<String> = match parse_scenario(toml, "test", side_files) {
        Ok(_) => Vec::new(),
        Err(problems) => problems.iter().map(describe).collect(),
    };

    if got != expected {
        let literal: Vec<String> = got.iter().map(|line| format!("{line:?}")).collect();
        panic!(
            "problems differ; got:\n&[\n    {},\n]\n",
            literal.join(",\n    ")
        );
    }
}

#[test]
fn the_base_is_valid_and_names_default_to_the_file() {
    check(VALID, &[]);
    assert_eq!(parse_scenario_str(VALID, "test").unwrap().name(), "test");
}

#[test]
fn parser_and_type_errors() {
    check(
        &replace("horizon = \"1d\"", "horizon = \"1d"),
        &["3:14: invalid basic string, expected `\"`"],
    );
    check(
        &replace("target = 0.8", "target = \"high\""),
        &["13:33: channels.chat.sla.target: invalid type: string \"high\", expected f64"],
    );
    check(
        &replace("seed = 1", "seed = 1\nspeed = 2"),
        &[
            "7:1: simulation.speed: unknown field `speed`, expected one of `horizon`, `interval`, `warmup`, `replications`, `seed`; did you mean `seed`?",
        ],
    );
    check(
        &replace("concurrency = 2", "concurrency = 2\nconcurency = 2"),
        &[
            "24:1: groups.tier1.concurency: unknown field `concurency`, expected one of `headcount`, `headcount_file`, `headcount_column`, `shifts`, `shrinkage`, `in_service_at_shift_end`, `channels`, `skills`, `languages`, `concurrency`, `cost_per_hour`, `proficiency`, `channel_proficiency`, `concurrency_slowdown`; did you mean `concurrency`?",
        ],
    );
    check(
        &replace("[simulation]\nhorizon = \"1d\"", "[simulation]"),
        &["2:1: simulation: missing field `horizon`"],
    );
}

#[test]
fn simulation_settings() {
    check(
        &replace("horizon = \"1d\"", "horizon = \"0s\""),
        &["simulation.horizon: duration \"0s\" is zero; it must be positive"],
    );
    check(
        &replace("horizon = \"1d\"", "horizon = \"100y\""),
        &["simulation.horizon: 36525d is longer than the limit of one year (366d)"],
    );
    check(&replace("horizon = \"1d\"", "horizon = \"1 day\""), &[]);
    check(
        &replace("interval = \"30m\"", "interval = \"7h\""),
        &[
            "simulation.interval: the horizon (1d) must be a whole number of reporting intervals (7h)",
        ],
    );
    check(
        &replace("seed = 1", "seed = 1\nwarmup = \"2d\""),
        &[
            "simulation.warmup: must be shorter than the horizon and a whole number of reporting intervals (30m), got 2d",
        ],
    );
    check(
        &replace("seed = 1", "seed = 1\nwarmup = \"45m\""),
        &[
            "simulation.warmup: must be shorter than the horizon and a whole number of reporting intervals (30m), got 45m",
        ],
    );
    check(
        &replace("replications = 2", "replications = 0"),
        &["simulation.replications: must be from 1 to 10000, got 0"],
    );
    check(
        &replace("replications = 2", "replications = 20000"),
        &["simulation.replications: must be from 1 to 10000, got 20000"],
    );
    check(
        &replace("interval = \"30m\"", "interval = \"1s\"").replace("\"1d\"", "\"365d\""),
        &[
            "simulation.interval: 31536000 intervals x 1 channels = 31536000 report rows; at most 2000000 (use a longer interval)",
        ],
    );
}

#[test]
fn channels_and_their_distributions() {
    check(
        &replace("kind = \"messaging\"", "kind = \"carrier_pigeon\""),
        &[
            "channels.chat.kind: unknown kind \"carrier_pigeon\"; use \"voice\", \"messaging\", \"async\" or \"self_service\"",
        ],
    );
    check(
        &replace("kind = \"messaging\"", "kind = \"async\""),
        &[
            "channels.chat.patience: only real-time channels (voice, messaging) have patience; contacts on async channels do not abandon",
        ],
    );
    check(
        &replace("target = 0.8", "target = 80"),
        &[
            "channels.chat.sla.target: must be a fraction above 0 and at most 1 (0.8 means 80%), got 80",
        ],
    );
    check(
        &replace("sla = { within = \"2m\", target = 0.8 }\n", ""),
        &["channels.chat.sla: missing; give e.g. sla = { within = \"2m\", target = 0.8 }"],
    );
    check(
        &replace("mean = \"5m\"", "mean = \"-5m\""),
        &[
            "channels.chat.handle_time.mean: duration \"-5m\" is negative; durations must be positive",
        ],
    );
    // Durations that parse but cannot be meant: months (one shift key from minutes), and
    // an SLA window or a handle time longer than the whole run.
    check(
        &replace("within = \"2m\"", "within = \"2M\""),
        &[
            "channels.chat.sla.within: duration \"2M\" is in months (M); did you mean \"2m\" (m is minutes)? Longer spans are written in days, e.g. \"30d\"",
        ],
    );
    check(
        &replace("within = \"2m\"", "within = \"2d\""),
        &[
            "channels.chat.sla.within: 2d is longer than the whole run (simulation.horizon = \"1d\"), so no contact could miss it; check the unit (m is minutes, M months, h hours, d days)",
        ],
    );
    check(
        &replace("mean = \"5m\"", "mean = \"5d\""),
        &[
            "channels.chat.handle_time.mean: a mean of 5d is longer than the whole run (simulation.horizon = \"1d\"), so no contact could be finished; check the unit",
        ],
    );
    check(
        &replace("mean = \"3m\"", "mean = \"3 months\""),
        &[
            "channels.chat.patience.mean: duration \"3 months\" is in months, which have no fixed length; write days, e.g. \"30d\"",
        ],
    );
    check(
        &replace("mean = \"5m\"", "mean = \"5\""),
        &[
            "channels.chat.handle_time.mean: duration \"5\" has no unit; write e.g. \"5s\" or \"5m\"",
        ],
    );
    check(
        &replace(
            "\"exponential\", mean = \"5m\"",
            "\"lognormal\", mean = \"5m\"",
        ),
        &[
            "channels.chat.handle_time.cv: missing; lognormal needs a coefficient of variation, e.g. cv = 0.8",
        ],
    );
    check(
        &replace(
            "\"exponential\", mean = \"5m\"",
            "\"gamma\", mean = \"5m\", cv = 1, shape = 2",
        ),
        &["channels.chat.handle_time: gamma needs exactly one of cv or shape"],
    );
    check(
        &replace(
            "\"exponential\", mean = \"5m\"",
            "\"weibull\", mean = \"5m\"",
        ),
        &[
            "channels.chat.handle_time.distribution: unknown distribution \"weibull\"; use exponential, lognormal, gamma, fixed or empirical",
        ],
    );
    check(
        &replace("\"exponential\", mean = \"5m\"", "\"fixed\", mean = \"5m\""),
        &["channels.chat.handle_time.mean: not used by the fixed distribution (it takes value)"],
    );
    check(
        &replace(
            "\"exponential\", mean = \"5m\"",
            "\"empirical\", values = []",
        ),
        &[
            "channels.chat.handle_time.values: give from 1 to 1000000 durations, e.g. values = [\"2m\", \"5m\"]",
        ],
    );
    check(
        &replace(
            "\"exponential\", mean = \"5m\"",
            "\"empirical\", values = [\"1m\", \"0s\"]",
        ),
        &["channels.chat.handle_time.values[1]: duration \"0s\" is zero; it must be positive"],
    );
    check(
        &with(
            "[channels.portal]\nkind = \"self_service\"\nsla = { within = \"1m\", target = 0.5 }",
        ),
        &[
            "channels.portal.sla: a self_service channel has no agents and so no service level; remove it",
        ],
    );
    check(
        &replace("target = 0.8 }", "target = 0.8 }\ncost_per_contact = -1"),
        &["channels.chat.cost_per_contact: must be a cost from 0 to 1000000 per contact, got -1"],
    );
    check(
        &replace("target = 0.8 }", "target = 0.8 }\nsla_clock = \"sundial\""),
        &[
            "channels.chat.sla_clock: unknown clock \"sundial\"; use \"calendar\" or \"business_hours\"",
        ],
    );
}

#[test]
fn operating_hours_and_after_hours() {
    let hours = |value: &str| {
        replace(
            "target = 0.8 }",
            &format!("target = 0.8 }}\nhours = {value}"),
        )
    };
    check(&hours("{ weekdays = \"08:00-18:00\" }"), &[]);
    check(
        &hours("{ someday = \"08:00-18:00\" }"),
        &[
            "channels.chat.hours.someday: unknown day; use monday..sunday, weekdays, weekend or daily",
        ],
    );
    check(
        &hours("{ monday = \"18:00-08:00\" }"),
        &[
            "channels.chat.hours.monday: opening hours \"18:00-08:00\" close before they open; ranges may not cross midnight (write two ranges)",
        ],
    );
    check(
        &hours("{ daily = \"closed\" }"),
        &["channels.chat.hours: the channel is never open; give at least one range, or \"24/7\""],
    );
    check(
        &hours("\"9 to 5\""),
        &[
            "channels.chat.hours: write \"24/7\" or a table such as { weekdays = \"08:00-18:00\", saturday = \"10:00-14:00\" }",
        ],
    );
    check(
        &replace(
            "target = 0.8 }",
            "target = 0.8 }\nafter_hours = { action = \"hold\" }",
        ),
        &[
            "channels.chat.after_hours: the channel has no hours (it is always open); give hours or remove after_hours",
        ],
    );
    check(
        &hours("{ weekdays = \"08:00-18:00\" }\nafter_hours = { action = \"ticket\" }"),
        &[
            "channels.chat.after_hours.to: missing; a ticket needs a channel, e.g. after_hours = { action = \"ticket\", to = \"email\" }",
        ],
    );
    check(
        &hours(
            "{ weekdays = \"08:00-18:00\" }\nafter_hours = { action = \"ticket\", to = \"chat\" }",
        ),
        &[
            "channels.chat.after_hours.to: a ticket goes to another channel with agents (not itself, self_service or a callback channel)",
        ],
    );
    check(
        &hours(
            "{ weekdays = \"08:00-18:00\" }\nafter_hours = { action = \"ticket\", to = \"fax\" }",
        ),
        &["channels.chat.after_hours.to: no channel named \"fax\"; channels are: chat"],
    );
    check(
        &hours("{ weekdays = \"08:00-18:00\" }\nafter_hours = { action = \"shrug\" }"),
        &[
            "channels.chat.after_hours.action: unknown action \"shrug\"; use \"refuse\", \"hold\" (auto-acknowledge and wait for opening) or \"ticket\" (leave a message on another channel)",
        ],
    );
}

#[test]
fn backlogs() {
    check(
        &replace(
            "daily_volume = 100",
            "daily_volume = 100\nbacklog = { count = 40 }",
        ),
        &[
            "arrivals.chat.backlog: only async channels (email, tickets) start with a backlog; a messaging channel's customers do not wait overnight",
        ],
    );
    let with_email = |backlog: &str| {
        format!(
            "{}\n[channels.email]\nkind = \"async\"\nsla = {{ within = \"4h\", target = 0.9 }}\nhandle_time = {{ distribution = \"exponential\", mean = \"15m\" }}\n[arrivals.email]\ndaily_volume = 20\n{backlog}\n",
            replace("channels = [\"chat\"]", "channels = [\"chat\", \"email\"]")
        )
    };
    check(
        &with_email(
            "backlog = { count = 40, age = { distribution = \"exponential\", mean = \"6h\" } }",
        ),
        &[],
    );
    check(
        &with_email("backlog = { count = -4 }"),
        &[
            "arrivals.email.backlog.count: must be a whole number of contacts waiting at the start, from 0 to 1000000; got -4",
        ],
    );
    check(
        &with_email("backlog = { count = 4, age = { distribution = \"fixed\", value = \"2x\" } }"),
        &[
            "arrivals.email.backlog.age.value: cannot read duration \"2x\" (unknown time unit \"x\", supported units: ns, us/µs, ms, sec, min, hours, days, weeks, months, years (and few variations)); write e.g. \"90s\", \"4m\", \"2h\", \"7d\" or \"1h 30m\"",
        ],
    );
}

/// Every backlog is a live contact from time 0: together they are capped, whatever each is.
#[test]
fn backlogs_together_are_bounded() {
    let channel = |name: &str| {
        format!(
            "[channels.{name}]\nkind = \"async\"\nsla = {{ within = \"4h\", target = 0.9 }}\nhandle_time = {{ distribution = \"fixed\", value = \"5m\" }}\n[arrivals.{name}]\nrate_per_hour = 1\nbacklog = {{ count = 600000 }}\n"
        )
    };
    check(
        &format!(
            "[simulation]\nhorizon = \"1d\"\n{}{}[groups.team]\nheadcount = 1\nchannels = [\"a\", \"b\"]\n",
            channel("a"),
            channel("b")
        ),
        &[
            "arrivals: the backlogs hold 1200000 contacts in all; at most 1000000 can wait at the start",
        ],
    );
}

#[test]
fn after_call_work() {
    check(
        &replace(
            "patience = { distribution = \"exponential\", mean = \"3m\" }",
            "patience = { distribution = \"exponential\", mean = \"3m\" }\nwrap_up = { distribution = \"fixed\", value = \"45s\" }",
        ),
        &[],
    );
    check(
        &replace(
            "patience = { distribution = \"exponential\", mean = \"3m\" }",
            "patience = { distribution = \"exponential\", mean = \"3m\" }\nwrap_up = { distribution = \"fixed\", value = \"-1m\" }",
        ),
        &["channels.chat.wrap_up.value: duration \"-1m\" is negative; durations must be positive"],
    );
    check(
        &replace(
            "patience = { distribution = \"exponential\", mean = \"3m\" }",
            "patience = { distribution = \"exponential\", mean = \"3m\" }\nwrap_up = { distribution = \"fixed\", value = \"2w\" }",
        ),
        &[
            "channels.chat.wrap_up.value: a mean of 14d is longer than the whole run (simulation.horizon = \"1d\"), so no contact could be finished; check the unit",
        ],
    );
    check(
        &with(
            "[channels.portal]\nkind = \"self_service\"\nwrap_up = { distribution = \"fixed\", value = \"1m\" }\n[arrivals.portal]\ndaily_volume = 10",
        ),
        &["channels.portal.wrap_up: a self_service channel has no agent to wrap up; remove it"],
    );
}

#[test]
fn handle_time_multipliers() {
    check(
        &with(
            "[handle_time_multipliers]\nissue_type = { billing = 1.3 }\nsegment = { standard = 0.9 }",
        ),
        &[],
    );
    check(
        &with("[handle_time_multipliers]\nissue_type = { biling = 1.3, technical = 0 }"),
        &[
            "handle_time_multipliers.issue_type.biling: no issue type named \"biling\"; did you mean \"billing\"? issue types are: billing, technical",
            "handle_time_multipliers.issue_type.technical: must be a factor on handle time (1.3 takes 30% longer), more than 0 and at most 100; got 0",
        ],
    );
    check(
        &with("[handle_time_multipliers]\nsegment = { vip = 1e9 }"),
        &[
            "handle_time_multipliers.segment.vip: no segment named \"vip\"; segments are: standard",
            "handle_time_multipliers.segment.vip: must be a factor on handle time (1.3 takes 30% longer), more than 0 and at most 100; got 1e9",
        ],
    );
    check(
        &with("[handle_time_multipliers]\nsegments = { standard = 1.1 }"),
        &[
            "26:1: handle_time_multipliers.segments: unknown field `segments`, expected `issue_type` or `segment`; did you mean `segment`?",
        ],
    );
}

#[test]
fn arrivals_and_attribute_shares() {
    check(
        &replace("daily_volume = 100", "daily_volume = -3"),
        &[
            "arrivals.chat.daily_volume: must be contacts a day, more than 0 and at most 1e9; got -3",
        ],
    );
    check(
        &replace("daily_volume = 100", "rate_per_hour = 0"),
        &[
            "arrivals.chat.rate_per_hour: must be contacts per hour, more than 0 and at most 10000000; got 0",
        ],
    );
    check(
        &replace(
            "daily_volume = 100",
            "daily_volume = 100\nrate_per_hour = 4",
        ),
        &[
            "arrivals.chat: give exactly one of weekly_volume, daily_volume, per_interval, per_interval_file, rate_per_hour or trace (found daily_volume, rate_per_hour)",
        ],
    );
    // Shares pasted from a spreadsheet (1/7 to four places, 7 times: 1.0003) are normalised,
    // and validation says so; 1.01 is refused.
    let pasted = crate::support::parse(&replace(
        "daily_volume = 100",
        "weekly_volume = 700\nday_shares = [0.1429, 0.1429, 0.1429, 0.1429, 0.1429, 0.1429, 0.1429]",
    ));
    assert_eq!(
        pasted.notes(),
        [
            "arrivals.chat.day_shares: the shares sum to 1.0003; each was divided by that so they sum to 1"
        ]
    );
    assert!(crate::support::parse(VALID).notes().is_empty());
    check(
        &replace(
            "daily_volume = 100",
            "weekly_volume = 700\nday_shares = [0.15, 0.15, 0.15, 0.15, 0.15, 0.15, 0.11]",
        ),
        &[
            "arrivals.chat.day_shares: shares must sum to 1, they sum to 1.01 (sums within 0.001 of 1 are normalised)",
        ],
    );
    check(
        &replace(
            "daily_volume = 100",
            "daily_volume = 100\nintraday = [0.5, 0.4]",
        ),
        &[
            "arrivals.chat.intraday: shares must sum to 1, they sum to 0.9 (sums within 0.001 of 1 are normalised)",
        ],
    );
    check(
        &replace(
            "daily_volume = 100",
            "daily_volume = 100\nday_shares = [1, 0, 0, 0, 0, 0, 0]",
        ),
        &[
            "arrivals.chat.day_shares: day_shares shape a weekly_volume; with daily_volume every day has the same volume",
        ],
    );
    check(
        &replace(
            "daily_volume = 100",
            "weekly_volume = 700\nday_shares = [0.5, 0.5]",
        ),
        &["arrivals.chat.day_shares: give 7 shares, Monday to Sunday (got 2)"],
    );
    check(
        &replace("daily_volume = 100", "per_interval = [0, 0]"),
        &[
            "arrivals.chat.per_interval: give the expected contacts per reporting interval: non-negative numbers, not all zero",
        ],
    );
    check(
        &replace("daily_volume = 100", "daily_volume = 1e12"),
        &[
            "arrivals.chat.daily_volume: must be contacts a day, more than 0 and at most 1e9; got 1e12",
        ],
    );
    check(
        &replace("daily_volume = 100", "rate_per_hour = 1e307"),
        &[
            "arrivals.chat.rate_per_hour: must be contacts per hour, more than 0 and at most 10000000; got 1e307",
        ],
    );
    check(
        &replace("daily_volume = 100", "per_interval = [1e308, 1]"),
        &[
            "arrivals.chat.per_interval[0]: 1e308 contacts in one interval is more than 5000000 (10000000 an hour)",
        ],
    );
    check(
        &replace("daily_volume = 100", "daily_volume = 1e9")
            .replace("horizon = \"1d\"", "horizon = \"30d\""),
        &["arrivals: about 3.000e10 contacts per replication; at most 2e9 are supported"],
    );
    check(
        &replace("[arrivals.chat]", "[arrivals.chatt]"),
        &["arrivals.chatt: no channel named \"chatt\"; did you mean \"chat\"? channels are: chat"],
    );
    check(
        &replace(
            "billing = 0.5, technical = 0.5",
            "billing = 0.5, technical = 0.6",
        ),
        &[
            "attributes.issue_types: shares must sum to 1, they sum to 1.1 (sums within 0.001 of 1 are normalised)",
        ],
    );
    check(
        &replace(
            "billing = 0.5, technical = 0.5",
            "billing = -0.5, technical = 1.5",
        ),
        &["attributes.issue_types: shares must be zero or positive, got -0.5"],
    );
}

/// An arrivals CSV for the base's day of half-hours: `start,channel,count` and one row per
/// (half-hour, channel) that `row` gives.
fn arrivals_csv(row: impl Fn(usize) -> Vec<String>) -> String {
    let mut text = String::from("start,channel,count\n");
    for idx in 0..48 {
        for line in row(idx) {
            text.push_str(&line);
            text.push('\n');
        }
    }
    text
}

#[test]
fn arrivals_from_a_csv_file() {
    let scenario = replace("daily_volume = 100", "per_interval_file = \"volumes.csv\"");
    let files = |text: &str| side_files(&[("volumes.csv", Ok(text))]);
    // Long format, as a WFM or BI tool exports it: rows of other channels are skipped
    // here (and must name channels the scenario has).
    let good = arrivals_csv(|idx| vec![format!("{},chat,{}", half_hour(idx), idx % 5)]);
    check_with_files(&scenario, &files(&good), &[]);
    let parsed = omnisim::scenario::parse_scenario(&scenario, "csv", &files(&good)).unwrap();
    let profile = parsed.channels()[0].arrivals.as_ref().unwrap();
    let expected: f64 = (0..48).map(|idx| (idx % 5) as f64).sum();
    assert!((profile.expected_arrivals(0.0, 86_400.0) - expected).abs() < 1e-9);

    let misspelt = arrivals_csv(|idx| {
        vec![
            format!("{},chat,3", half_hour(idx)),
            format!("{},emial,1", half_hour(idx)),
        ]
    });
    check_with_files(
        &scenario,
        &files(&misspelt),
        &[
            "arrivals.chat.per_interval_file: /scenarios/volumes.csv line 3: no channel named \"emial\"; channels are: chat",
        ],
    );
    let skipped = arrivals_csv(|idx| {
        if idx == 10 {
            vec![]
        } else {
            vec![format!("{},chat,3", half_hour(idx))]
        }
    });
    let problems =
        omnisim::scenario::parse_scenario(&scenario, "csv", &files(&skipped)).unwrap_err();
    assert_eq!(problems.len(), 11, "ten rows, then a count: {problems:#?}");
    assert_eq!(
        problems[0].reason,
        "/scenarios/volumes.csv line 12, column \"start\": \"05:30\" but this row is interval 11 of the grid, which starts at Mon 05:00 (simulation.interval = \"30m\"); rows must follow the intervals one by one, with none missing"
    );
    assert_eq!(
        problems[10].reason,
        "/scenarios/volumes.csv: 27 more row(s) with problems"
    );
    check_with_files(
        &scenario,
        &files("start,channel,count\n00:00,chat,-3\n00:30,chat,many\n"),
        &[
            "arrivals.chat.per_interval_file: /scenarios/volumes.csv line 2, column \"count\": \"-3\" is not a number of contacts (0 or more)",
            "arrivals.chat.per_interval_file: /scenarios/volumes.csv line 3, column \"count\": \"many\" is not a number of contacts (0 or more)",
        ],
    );
    check_with_files(
        &scenario,
        &files("start,channel,count\n00:00,chat,3\n00:30,chat,4\n"),
        &[
            "arrivals.chat.per_interval_file: /scenarios/volumes.csv, channel \"chat\": 2 entries do not match the interval grid (simulation.interval = \"30m\"): give one per interval of a day, a week or the whole run (48 for a day, 336 for a week, 48 for the whole run); a list of another length repeats out of step with the days",
        ],
    );
    check_with_files(
        &scenario,
        &files("interval,queue,volume\n00:00,chat,3\n"),
        &[
            "arrivals.chat.per_interval_file: /scenarios/volumes.csv needs the columns start, channel and count (its columns: interval, queue, volume); one row per interval and channel, e.g. \"mon 09:00,chat,42\"",
        ],
    );
    check_with_files(
        &scenario,
        &files("start,channel,count\n00:00,email,3\n"),
        &[
            "arrivals.chat.per_interval_file: /scenarios/volumes.csv has no rows for channel \"chat\" (or only zeros); give one row per interval with channel = chat",
            "arrivals.chat.per_interval_file: /scenarios/volumes.csv line 2: no channel named \"email\"; channels are: chat",
        ],
    );
    // Inline lists are held to the same grid.
    check(
        &replace("daily_volume = 100", "per_interval = [3, 4, 5]"),
        &[
            "arrivals.chat.per_interval: 3 entries do not match the interval grid (simulation.interval = \"30m\"): give one per interval of a day, a week or the whole run (48 for a day, 336 for a week, 48 for the whole run); a list of another length repeats out of step with the days",
        ],
    );
}

#[test]
fn groups_and_who_they_serve() {
    check(
        &replace("channels = [\"chat\"]", "channels = [\"email\"]"),
        &["groups.tier1.channels[0]: no channel named \"email\"; channels are: chat"],
    );
    check(
        &replace("channels = [\"chat\"]", "channels = [\"chat\", \"chat\"]"),
        &["groups.tier1.channels[1]: channel \"chat\" is listed twice"],
    );
    check(
        &replace("channels = [\"chat\"]", "channels = []"),
        &["groups.tier1.channels: is empty; list the channels this group serves"],
    );
    check(
        &replace("headcount = 3", "headcount = 1000000000"),
        &[
            "groups.tier1.headcount: must be a whole number of agents from 0 to 1000000, got 1000000000",
        ],
    );
    check(
        &replace("headcount = 3", "headcount = [1, -2]"),
        &["groups.tier1.headcount: every entry must be a whole number of agents from 0 to 1000000"],
    );
    check(
        &replace("concurrency = 2", "concurrency = 2\nskills = [\"biling\"]"),
        &[
            "groups.tier1.skills[0]: no issue type named \"biling\"; did you mean \"billing\"? issue types are: billing, technical",
        ],
    );
    check(
        &replace("concurrency = 2", "concurrency = 2\nskills = [\"billing\"]"),
        &[
            "channels.chat: contacts of issue type \"technical\" in language \"default\" (segment \"standard\", urgency \"normal\") reach \"chat\", but no group serving it has that skill and language",
        ],
    );
    check(
        &replace("concurrency = 2", "concurrency = 100"),
        &["groups.tier1.concurrency: must be from 1 to 64, got 100"],
    );
    check(
        &replace(
            "concurrency = 2",
            "concurrency = 1\nconcurrency_slowdown = 0.2",
        ),
        &["groups.tier1.concurrency_slowdown: applies only to a group with concurrency above 1"],
    );
    check(
        &replace(
            "concurrency = 2",
            "concurrency = 2\nconcurrency_slowdown = -1",
        ),
        &[
            "groups.tier1.concurrency_slowdown: must be from 0 to 10 (0.25 = each extra conversation makes all 25% slower), got -1",
        ],
    );
    check(
        &replace(
            "concurrency = 2",
            "concurrency = 2\nproficiency = { technical = 0 }",
        ),
        &[
            "groups.tier1.proficiency.technical: must be from 0.05 to 10 (1.0 is standard speed, 0.8 takes 25% longer), got 0",
        ],
    );
    check(
        &replace(
            "concurrency = 2",
            "concurrency = 2\nproficiency = { legal = 1.2 }",
        ),
        &[
            "groups.tier1.proficiency: no issue type named \"legal\"; issue types are: billing, technical",
        ],
    );
    check(
        &replace("concurrency = 2", "concurrency = 2\ncost_per_hour = -5"),
        &["groups.tier1.cost_per_hour: must be a cost from 0 to 1000000 per agent-hour, got -5"],
    );
    check(
        &with(
            "[channels.phone]\nkind = \"voice\"\nsla = { within = \"20s\", target = 0.8 }\nhandle_time = { distribution = \"fixed\", value = \"3m\" }\n[arrivals.phone]\nrate_per_hour = 10",
        ),
        &[
            "channels.phone: \"phone\" receives contacts but no agent group serves it; add \"phone\" to some group's channels",
        ],
    );
    check(
        &with(
            "[channels.phone]\nkind = \"voice\"\nsla = { within = \"20s\", target = 0.8 }\nhandle_time = { distribution = \"fixed\", value = \"3m\" }\ncallback = { offer_when_expected_wait_above = \"2m\", acceptance = 0.5, within = \"1h\" }\n[groups.voice]\nheadcount = 1\nchannels = [\"phone_callback\"]",
        ),
        &[
            "groups.voice.channels: \"phone_callback\" holds callbacks and is served by the groups that serve the channel it calls back for; list that channel instead",
        ],
    );
}

/// The base with its `headcount = 3` staffing replaced by `staffing`.
fn with_staffing(staffing: &str) -> String {
    replace("headcount = 3", staffing)
}

#[test]
fn staffing_shifts_and_shrinkage() {
    let shift = "[[groups.tier1.shifts]]\nstart = \"08:00\"\nlength = \"8h\"\nagents = 2\n";
    let grouped = |lines: &str, shifts: &str| format!("{}\n{shifts}", with_staffing(lines));
    check(
        &with_staffing(""),
        &[
            "groups.tier1: no staffing; give `headcount` (a number or one per interval), `headcount_file` (a CSV file) or `[[groups.NAME.shifts]]`",
        ],
    );
    check(
        &grouped("headcount = 3", shift),
        &["groups.tier1: gives headcount and shifts; staff a group by exactly one of them"],
    );
    check(
        &with_staffing("headcount = 3\nheadcount_column = \"tier1\""),
        &["groups.tier1.headcount_column: applies only with `headcount_file`"],
    );
    check(
        &grouped("", &shift.replace("08:00", "8am")),
        &[
            "groups.tier1.shifts[0].start: cannot read time of day \"8am\"; write it as HH:MM, from 00:00 to 24:00",
        ],
    );
    check(
        &grouped("", &shift.replace("8h", "30h")),
        &["groups.tier1.shifts[0].length: 1d 6h is longer than a day"],
    );
    check(
        &grouped("", &shift.replace("agents = 2", "agents = -2")),
        &[
            "groups.tier1.shifts[0].agents: must be a whole number of agents from 0 to 1000000, got -2",
        ],
    );
    check(
        &grouped(
            "",
            &format!("{shift}breaks = [{{ after = \"7h 50m\", length = \"15m\" }}]\n"),
        ),
        &[
            "groups.tier1.shifts[0].breaks[0]: ends 8h 5m into a shift of 8h; breaks lie inside the shift",
        ],
    );
    check(
        &grouped(
            "",
            &format!(
                "{shift}breaks = [{{ after = \"2h\", length = \"30m\" }}]\nlunch = {{ after = \"2h 15m\", length = \"30m\" }}\n"
            ),
        ),
        &["groups.tier1.shifts[0].lunch: overlaps another break or the lunch"],
    );
    check(
        &grouped("", &format!("{shift}days = [\"funday\"]\n")),
        &[
            "groups.tier1.shifts[0].days: unknown day \"funday\"; use monday..sunday (or mon..sun), weekdays, weekend or daily",
        ],
    );
    check(
        &with_staffing("headcount = 3\nshrinkage = 1.2"),
        &["groups.tier1.shrinkage: must be a share from 0 to below 1, got 1.2"],
    );
    check(
        &with_staffing("headcount = 3\nshrinkage = { training = 0.6, absence = 0.5 }"),
        &[
            "groups.tier1.shrinkage: shares sum to 1.1; shrinkage of 1 or more leaves nobody available",
        ],
    );
    check(
        &with_staffing("headcount = 3\nshrinkage = \"some\""),
        &[
            "groups.tier1.shrinkage: give a share (0.3) or a table of shares ({ training = 0.05, meetings = 0.04, absence = 0.08 })",
        ],
    );
    check(
        &with_staffing("headcount = 3\nin_service_at_shift_end = \"drop\""),
        &[
            "groups.tier1.in_service_at_shift_end: unknown policy \"drop\"; use \"finish\" (the agent finishes contacts in hand, then leaves) or \"requeue\" (they go back to the front of the queue)",
        ],
    );
}

/// `files` as a scenario's side files: (name as written, text or why it could not be read).
fn side_files(files: &[(&str, Result<&str, &str>)]) -> SideFiles {
    let mut side_files = SideFiles::default();
    for (name, text) in files {
        side_files.insert(
            *name,
            SideFile {
                shown_path: format!("/scenarios/{name}"),
                text: text.map(str::to_string).map_err(str::to_string),
                role: "headcount_file",
            },
        );
    }
    side_files
}

/// A headcount CSV for the base's day of half-hours: a `start,tier1` header and one row per
/// row index `0..rows` that `row` gives (None leaves it out).
fn day_csv(rows: usize, row: impl Fn(usize) -> Option<String>) -> String {
    let mut text = String::from("start,tier1\n");
    for idx in 0..rows {
        if let Some(line) = row(idx) {
            text.push_str(&line);
            text.push('\n');
        }
    }
    text
}

/// "HH:MM" of half-hour `idx`.
fn half_hour(idx: usize) -> String {
    format!("{:02}:{:02}", idx / 2, 30 * (idx % 2))
}

#[test]
fn headcount_files() {
    let scenario = with_staffing("headcount_file = \"staff.csv\"");
    let good = day_csv(48, |idx| Some(format!("{},3", half_hour(idx))));
    check_with_files(&scenario, &side_files(&[("staff.csv", Ok(&good))]), &[]);
    // A start written as a moment of the week is read as one.
    let moments = day_csv(48, |idx| Some(format!("mon {},3", half_hour(idx))));
    check_with_files(&scenario, &side_files(&[("staff.csv", Ok(&moments))]), &[]);
    // 38 rows for a 48-interval day drifted ten intervals a day; now refused.
    let short: String = good
        .lines()
        .take(39)
        .map(|line| format!("{line}\n"))
        .collect();
    check_with_files(
        &scenario,
        &side_files(&[("staff.csv", Ok(&short))]),
        &[
            "groups.tier1.headcount_file: 38 entries do not match the interval grid (simulation.interval = \"30m\"): give one per interval of a day, a week or the whole run (48 for a day, 336 for a week, 48 for the whole run); a list of another length repeats out of step with the days",
        ],
    );
    // A row left out: every later row starts at the wrong time, and each is reported (ten,
    // then a count), with its line.
    let missing = day_csv(48, |idx| {
        (idx != 3).then(|| format!("{},3", half_hour(idx)))
    });
    check_with_files(
        &scenario,
        &side_files(&[("staff.csv", Ok(&missing))]),
        &[
            "groups.tier1.headcount_file: /scenarios/staff.csv line 5, column \"start\": \"02:00\" but this row is interval 4 of the grid, which starts at Mon 01:30 (simulation.interval = \"30m\"); rows must follow the intervals one by one, with none missing",
            "groups.tier1.headcount_file: /scenarios/staff.csv line 6, column \"start\": \"02:30\" but this row is interval 5 of the grid, which starts at Mon 02:00 (simulation.interval = \"30m\"); rows must follow the intervals one by one, with none missing",
            "groups.tier1.headcount_file: /scenarios/staff.csv line 7, column \"start\": \"03:00\" but this row is interval 6 of the grid, which starts at Mon 02:30 (simulation.interval = \"30m\"); rows must follow the intervals one by one, with none missing",
            "groups.tier1.headcount_file: /scenarios/staff.csv line 8, column \"start\": \"03:30\" but this row is interval 7 of the grid, which starts at Mon 03:00 (simulation.interval = \"30m\"); rows must follow the intervals one by one, with none missing",
            "groups.tier1.headcount_file: /scenarios/staff.csv line 9, column \"start\": \"04:00\" but this row is interval 8 of the grid, which starts at Mon 03:30 (simulation.interval = \"30m\"); rows must follow the intervals one by one, with none missing",
            "groups.tier1.headcount_file: /scenarios/staff.csv line 10, column \"start\": \"04:30\" but this row is interval 9 of the grid, which starts at Mon 04:00 (simulation.interval = \"30m\"); rows must follow the intervals one by one, with none missing",
            "groups.tier1.headcount_file: /scenarios/staff.csv line 11, column \"start\": \"05:00\" but this row is interval 10 of the grid, which starts at Mon 04:30 (simulation.interval = \"30m\"); rows must follow the intervals one by one, with none missing",
            "groups.tier1.headcount_file: /scenarios/staff.csv line 12, column \"start\": \"05:30\" but this row is interval 11 of the grid, which starts at Mon 05:00 (simulation.interval = \"30m\"); rows must follow the intervals one by one, with none missing",
            "groups.tier1.headcount_file: /scenarios/staff.csv line 13, column \"start\": \"06:00\" but this row is interval 12 of the grid, which starts at Mon 05:30 (simulation.interval = \"30m\"); rows must follow the intervals one by one, with none missing",
            "groups.tier1.headcount_file: /scenarios/staff.csv line 14, column \"start\": \"06:30\" but this row is interval 13 of the grid, which starts at Mon 06:00 (simulation.interval = \"30m\"); rows must follow the intervals one by one, with none missing",
            "groups.tier1.headcount_file: /scenarios/staff.csv: 34 more row(s) with problems",
        ],
    );
    // Bad counts and bad starts on several rows: all of them, in line order.
    let several = day_csv(48, |idx| {
        Some(match idx {
            1 => "00:30,three".to_string(),
            5 => "noon,2".to_string(),
            9 => format!("{},-1", half_hour(idx)),
            _ => format!("{},3", half_hour(idx)),
        })
    });
    check_with_files(
        &scenario,
        &side_files(&[("staff.csv", Ok(&several))]),
        &[
            "groups.tier1.headcount_file: /scenarios/staff.csv line 3, column \"tier1\": \"three\" is not a whole number of agents from 0 to 1000000",
            "groups.tier1.headcount_file: /scenarios/staff.csv line 7, column \"start\": \"noon\" is not a start time; write \"HH:MM\" or a moment such as \"tue 09:30\"",
            "groups.tier1.headcount_file: /scenarios/staff.csv line 11, column \"tier1\": \"-1\" is not a whole number of agents from 0 to 1000000",
        ],
    );
    // Inline lists follow the same grid.
    check(
        &with_staffing("headcount = [3, 4, 5]"),
        &[
            "groups.tier1.headcount: 3 entries do not match the interval grid (simulation.interval = \"30m\"): give one per interval of a day, a week or the whole run (48 for a day, 336 for a week, 48 for the whole run); a list of another length repeats out of step with the days",
        ],
    );
    check(
        &scenario,
        &[
            "groups.tier1.headcount_file: staff.csv was not read: a CSV file is read when the scenario is loaded from its file, relative to it",
        ],
    );
    check_with_files(
        &scenario,
        &side_files(&[("staff.csv", Err("no such file"))]),
        &["groups.tier1.headcount_file: cannot read /scenarios/staff.csv (no such file)"],
    );
    check_with_files(
        &scenario,
        &side_files(&[("staff.csv", Ok("start,team\n00:00,3\n"))]),
        &[
            "groups.tier1.headcount_file: /scenarios/staff.csv has no column \"tier1\" (its columns: start, team); name it with `headcount_column`",
        ],
    );
    check_with_files(
        &scenario,
        &side_files(&[("staff.csv", Ok("start,tier1\n"))]),
        &[
            "groups.tier1.headcount_file: /scenarios/staff.csv has no rows; give one row per reporting interval",
        ],
    );
}

#[test]
fn routing_rules_overflow_and_handoffs() {
    let rule = |body: &str| with_routing(&format!("[[routing.rules]]\n{body}\n"));
    check(
        &rule("match = { issue_type = \"biling\" }\ngroups = [\"billing\"]"),
        &[
            "routing.rules[0].match.issue_type[0]: no issue type named \"biling\"; did you mean \"billing\"? issue types are: billing, technical",
        ],
    );
    check(
        &rule("match = { channel = \"chat\" }\ngroups = [\"seniors\"]"),
        &["routing.rules[0].groups[0]: no group named \"seniors\"; groups are: tier1, billing"],
    );
    check(
        &rule("match = { channel = \"chat\" }\ngroups = [\"tier1\", \"tier1\"]"),
        &["routing.rules[0].groups[1]: group \"tier1\" is listed twice"],
    );
    check(
        &rule("match = { channel = \"chat\", issue_type = \"technical\" }\ngroups = [\"billing\"]"),
        &[
            "routing.rules[0].groups: contacts of issue type \"technical\" in language \"default\" (segment \"standard\", urgency \"normal\") reach \"chat\" and match rule \"rule_1\", but none of its groups serves that channel with that skill and language",
        ],
    );
    check(
        &rule("groups = [\"tier1\"]\nwiden_after = \"1m\""),
        &[
            "routing.rules[0]: widen_after and widen_to go together: after waiting widen_after, the contact may also go to widen_to",
        ],
    );
    check(
        &rule("groups = []"),
        &[
            "routing.rules[0].groups: is empty; list the groups, in order of preference (or give move_to_channel)",
        ],
    );
    check(
        &rule("move_to_channel = \"email\"\ngroups = [\"tier1\"]"),
        &[
            "routing.rules[0]: a rule either moves contacts to another channel (move_to_channel) or sends them to groups (groups, widen_after, widen_to), not both",
        ],
    );
    check(
        &rule("groups = [\"tier1\"]\npriority = 5000"),
        &["routing.rules[0].priority: must be from -1000 to 1000, got 5000"],
    );
    check(
        &with_routing("[routing]\nagent_selection = \"random\""),
        &[
            "routing.agent_selection: unknown policy \"random\"; use \"longest_idle\", \"most_proficient\" or \"least_occupied\"",
        ],
    );
    check(
        &with_routing("[routing]\nnear_breach = 1.5"),
        &[
            "routing.near_breach: must be a share of the SLA window above 0 and below 1 (0.25 = the last quarter), got 1.5",
        ],
    );
    check(
        &with_routing("[routing.priority]\nchannels = { fax = 2 }"),
        &["routing.priority.channels: no channel named \"fax\"; channels are: chat, email"],
    );
    check(
        &with_routing("[[overflow]]\nfrom = \"chat\"\nto = \"fax\"\nqueue_length_at_least = 3"),
        &["overflow[0].to: no channel named \"fax\"; channels are: chat, email"],
    );
    check(
        &with_routing("[[overflow]]\nfrom = \"chat\"\nto = \"email\""),
        &[
            "overflow[0]: give queue_length_at_least (the queue is full at this many waiting) or expected_wait_above, or both",
        ],
    );
    check(
        &with_routing("[[overflow]]\nfrom = \"chat\"\nto = \"chat\"\nqueue_length_at_least = 3"),
        &["overflow[0]: from and to are the same channel"],
    );
    check(
        &with_routing(
            "[[handoffs]]\nfrom = \"chat\"\nto = \"email\"\nprobability = 0.7\ndelay = { distribution = \"fixed\", value = \"1h\" }\n[[handoffs]]\nfrom = \"any\"\nto = \"email\"\nprobability = 0.4\ndelay = { distribution = \"fixed\", value = \"1h\" }",
        ),
        &[
            "handoffs: the handoff probabilities from \"chat\" sum to 1.1; at most one follow-up is drawn per contact, so they must sum to 1 or less",
        ],
    );
    check(
        &with_routing(
            "[[handoffs]]\nfrom = \"chat\"\nto = \"chat\"\nprobability = 0.1\ndelay = { distribution = \"fixed\", value = \"1h\" }",
        ),
        &[
            "handoffs[0]: from and to are the same channel; a repeat contact on the same channel is a handoff to itself, which omnisim does not model",
        ],
    );
    check(
        &with_routing(
            "[[handoffs]]\nfrom = \"chat\"\nto = \"email\"\nprobability = 2\ndelay = { distribution = \"fixed\", value = \"1h\" }",
        ),
        &["handoffs[0].probability: must be a probability from 0 to 1, got 2"],
    );
    check(
        &replace(
            "patience = { distribution = \"exponential\", mean = \"3m\" }",
            "patience = { distribution = \"exponential\", mean = \"3m\" }\ncallback = { offer_when_expected_wait_above = \"2m\", acceptance = 0.5, within = \"1h\" }",
        ),
        &["channels.chat.callback: callbacks are offered on voice channels; \"chat\" is messaging"],
    );
}

#[test]
fn disruptions() {
    let event = |body: &str| with(&format!("[[events]]\n{body}"));
    check(
        &event("kind = \"earthquake\"\nstart = \"mon 09:00\""),
        &[
            "events[0].kind: unknown event kind \"earthquake\"; use channel_outage, absence, volume_spike, spam or group_outage",
        ],
    );
    check(
        &event("kind = \"absence\"\ngroup = \"tier1\"\nshare = 0.2\nstart = \"someday\""),
        &[
            "events[0].start: cannot read moment \"someday\"; write a weekday and time (\"tue 11:00\", \"week 2 mon 09:00\") or an offset from the start (\"1d 11h\")",
        ],
    );
    check(
        &event(
            "kind = \"absence\"\ngroup = \"tier1\"\nshare = 0.2\nstart = \"mon 09:00\"\nend = \"mon 08:00\"",
        ),
        &["events[0].end: ends before it starts; an event's end comes after its start"],
    );
    check(
        &event(
            "kind = \"absence\"\ngroup = \"tier1\"\nshare = 0.2\nstart = \"mon 09:00\"\nend = \"mon 10:00\"\nduration = \"1h\"",
        ),
        &["events[0]: give `end` or `duration`, not both"],
    );
    check(
        &event("kind = \"absence\"\ngroup = \"tier1\"\nshare = 0.2\nstart = \"week 3 mon 09:00\""),
        &["events[0].start: starts at 14d 9h into the run, at or after the horizon (1d)"],
    );
    check(
        &event("kind = \"absence\"\ngroup = \"tier1\"\nshare = 1.5\nstart = \"mon 09:00\""),
        &["events[0].share: must be a share from 0 to 1, got 1.5"],
    );
    check(
        &event("kind = \"absence\"\ngroup = \"tier1\"\nstart = \"mon 09:00\""),
        &["events[0]: an absence needs `share`: the part of the group missing (0.2 = 20%)"],
    );
    check(
        &event(
            "kind = \"absence\"\ngroup = [\"tier1\", \"tier1\"]\nshare = 0.2\nstart = \"mon 09:00\"",
        ),
        &["events[0].group[1]: group \"tier1\" is listed twice"],
    );
    check(
        &event(
            "kind = \"volume_spike\"\nchannel = \"chat\"\nmultiplier = 2\nshare = 0.1\nstart = \"mon 09:00\"",
        ),
        &[
            "events[0].share: does not apply to a volume_spike event (it takes: channel, multiplier)",
        ],
    );
    check(
        &event(
            "kind = \"channel_outage\"\nchannel = \"chat\"\nbackup = \"email\"\nconversion = 0.5\nstart = \"mon 09:00\"",
        ),
        &["events[0].backup: no channel named \"email\"; channels are: chat"],
    );
    check(
        &event(
            "kind = \"channel_outage\"\nchannel = \"chat\"\nbackup = \"chat\"\nconversion = 0.5\nstart = \"mon 09:00\"",
        ),
        &["events[0].backup: is the channel that is down; name another channel"],
    );
    check(
        &event(
            "kind = \"channel_outage\"\nchannel = \"chat\"\nconversion = 0.5\nstart = \"mon 09:00\"",
        ),
        &["events[0].conversion: applies only with a `backup` channel"],
    );
    check(
        &event("kind = \"spam\"\nchannel = \"chat\"\nstart = \"mon 09:00\""),
        &["events[0]: spam needs `bot_share`: the share of arrivals that are bots (0 to below 1)"],
    );
    check(
        &event("kind = \"spam\"\nchannel = \"chat\"\nbot_share = 0.995\nstart = \"mon 09:00\""),
        &["events[0].bot_share: must be from 0 to 0.99, got 0.995"],
    );
    check(
        &event("kind = \"group_outage\"\ngroup = [\"tier1\", \"tier7\"]\nstart = \"mon 09:00\""),
        &[
            "events[0].group[1]: no group named \"tier7\"; did you mean \"tier1\"? groups are: tier1",
        ],
    );
    check(
        &event("kind = \"group_outage\"\nstart = \"mon 09:00\""),
        &["events[0]: names no `group` (a group, or a list of groups)"],
    );
    check(
        &event(
            "name = \"down\"\nkind = \"channel_outage\"\nchannel = \"chat\"\nstart = \"mon 09:00\"\nduration = \"2h\"\n[[events]]\nname = \"down\"\nkind = \"channel_outage\"\nchannel = \"chat\"\nstart = \"mon 10:00\"\nduration = \"2h\"",
        ),
        &[
            "events[1].name: \"down\" names an earlier event too; event names must differ",
            "events: outages \"down\" and \"down\" of channel chat overlap; merge them into one",
        ],
    );
}

#[test]
fn assertions() {
    let assert = |body: &str| with(&format!("[[assert]]\n{body}"));
    check(
        &assert("metric = \"sla_attainment\"\nchannel = \"chat\"\nat_least = 0.8"),
        &[],
    );
    check(
        &assert("metric = \"occupancy\"\ngroup = \"tier1\"\nat_most = 0.9\nlevel = \"mean\""),
        &[],
    );
    check(
        &assert("metric = \"asa_seconds\"\nchannel = \"chat\"\nat_least = 10\nat_most = 60"),
        &[],
    );
    check(
        &assert("metric = \"wait_p90_seconds\"\nchannel = \"chat\"\nat_most = \"2m 30s\""),
        &[],
    );
    check(
        &assert("metric = \"sla_attainment\"\nchannel = \"chat\"\nat_least = \"80%\""),
        &["assert[0].at_least: sla_attainment is not a duration; give a number, not \"80%\""],
    );
    check(
        &assert("metric = \"sla\"\nchannel = \"chat\"\nat_least = 0.8"),
        &[&format!(
            "assert[0].metric: unknown metric \"sla\"; metrics are: {}",
            omnisim::metric::Metric::ALL
                .iter()
                .filter(|m| m.scope() != omnisim::metric::Scope::Other)
                .map(|m| m.name())
                .collect::<Vec<_>>()
                .join(", ")
        )],
    );
    check(
        &assert("metric = \"sla_attainment\"\nchannel = \"chta\"\nat_least = 0.8"),
        &[
            "assert[0].channel: no channel named \"chta\"; did you mean \"chat\"? channels are: chat",
        ],
    );
    check(
        &assert("metric = \"occupancy\"\ngroup = \"tier2\"\nat_most = 0.9"),
        &["assert[0].group: no group named \"tier2\"; did you mean \"tier1\"? groups are: tier1"],
    );
    check(
        &assert("metric = \"occupancy\"\nchannel = \"chat\"\nat_most = 0.9"),
        &["assert[0].channel: \"occupancy\" is a group metric; name a group (group = \"...\")"],
    );
    check(
        &assert("metric = \"asa_seconds\"\ngroup = \"tier1\"\nat_most = 60"),
        &[
            "assert[0].group: \"asa_seconds\" is a channel metric; name a channel (channel = \"...\")",
        ],
    );
    check(
        &assert("metric = \"asa_seconds\"\nat_most = 60"),
        &[
            "assert[0]: say which channel or group \"asa_seconds\" is asserted for (channel = \"...\")",
        ],
    );
    check(
        &assert("metric = \"handled\"\nchannel = \"chat\"\ngroup = \"tier1\"\nat_least = 1"),
        &["assert[0]: give channel or group, not both"],
    );
    check(
        &assert("metric = \"channel_switch_rate\"\nchannel = \"chat\"\nat_most = 0.1"),
        &[
            "assert[0].metric: \"channel_switch_rate\" is not a channel or group metric; assertions cover the metrics of summary.json's channels and groups",
        ],
    );
    check(
        &assert("metric = \"sla_attainment\"\nchannel = \"chat\""),
        &[
            "assert[0]: give at_least or at_most (or both): the value the metric must reach or stay under",
        ],
    );
    check(
        &assert("metric = \"sla_attainment\"\nchannel = \"chat\"\nat_least = 80"),
        &["assert[0].at_least: sla_attainment is a share from 0 to 1 (0.8 for 80%), got 80"],
    );
    check(
        &assert("metric = \"asa_seconds\"\nchannel = \"chat\"\nat_least = 60\nat_most = 30"),
        &["assert[0]: at_least (60) is above at_most (30); nothing could pass"],
    );
    check(
        &assert("metric = \"asa_seconds\"\nchannel = \"chat\"\nat_most = 30\nlevel = \"lower\""),
        &[
            "assert[0].level: expected \"bound\" (the 95% confidence bound must hold) or \"mean\", got \"lower\"",
        ],
    );
    check(
        &assert("metric = \"cost_per_contact\"\nchannel = \"chat\"\nat_most = 5"),
        &[
            "assert[0].metric: cost_per_contact is reported only when the scenario gives a cost (a group's cost_per_hour or a channel's cost_per_contact)",
        ],
    );
    check(
        &assert("metric = \"asa_seconds\"\nchannel = \"chat\"\nat_mots = 30"),
        &[
            "28:1: assert[0].at_mots: unknown field `at_mots`, expected one of `metric`, `channel`, `group`, `at_least`, `at_most`, `level`; did you mean `at_most`?",
        ],
    );
    check(
        &with(
            "[channels.portal]\nkind = \"self_service\"\n[[assert]]\nmetric = \"asa_seconds\"\nchannel = \"portal\"\nat_most = 30",
        ),
        &[
            "assert[0].metric: channel \"portal\" is self-service (no agents), so \"asa_seconds\" is undefined there",
        ],
    );
}

#[test]
fn an_assertions_file_is_checked_against_the_scenario() {
    let scenario = parse_scenario_str(VALID, "test").unwrap();
    let check_file = |text: &str, expected: &[&str]| {
        let got: Vec<String> = match omnisim::scenario::parse_assertions(text, &scenario) {
            Ok(assertions) => {
                assert_eq!(assertions.len(), 1);
                Vec::new()
            }
            Err(problems) => problems.iter().map(describe).collect(),
        };
        assert_eq!(got, expected, "{text}");
    };
    check_file(
        "[[assert]]\nmetric = \"sla_attainment\"\nchannel = \"chat\"\nat_least = 0.8",
        &[],
    );
    check_file(
        "[[assert]]\nmetric = \"sla_attainment\"\nchannel = \"email\"\nat_least = 0.8",
        &["assert[0].channel: no channel named \"email\"; channels are: chat"],
    );
    check_file(
        "[simulation]\nhorizon = \"1d\"",
        &["1:2: simulation: unknown field `simulation`, expected `assert`"],
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    check(
        &replace("target = 0.8", "target = 1.5")
            .replace("mean = \"3m\"", "mean = \"0s\"")
            .replace("headcount = 3", "headcount = -1"),
        &[
            "channels.chat.sla.target: must be a fraction above 0 and at most 1 (0.8 means 80%), got 1.5",
            "channels.chat.patience.mean: duration \"0s\" is zero; it must be positive",
            "groups.tier1.headcount: must be a whole number of agents from 0 to 1000000, got -1",
        ],
    );
}

/// `retry`, `bot`, callback attempts and `[[duplicates]]`: each broken the ways users break
/// them, each problem naming its key.
#[test]
fn customer_behaviour_keys() {
    let chat_with = |key: &str, text: &str| {
        replace(
            "patience = { distribution = \"exponential\", mean = \"3m\" }",
            &format!(
                "patience = {{ distribution = \"exponential\", mean = \"3m\" }}\n{key} = {text}"
            ),
        )
    };
    let portal = |extra: &str| {
        format!(
            "[channels.portal]\nkind = \"self_service\"\n{extra}\n[arrivals.portal]\ndaily_volume = 10\n"
        )
    };
    let delay = "delay = { distribution = \"exponential\", mean = \"10m\" }";
    let retry = |text: &str| chat_with("retry", &format!("{{ {delay}, {text} }}"));
    check(&retry("probability = 0.6, attempts = 3"), &[]);
    check(
        &retry("probability = 1.5"),
        &["channels.chat.retry.probability: must be a probability from 0 to 1, got 1.5"],
    );
    check(
        &retry("probability = 0.5, channel = \"caht\""),
        &[
            "channels.chat.retry.channel: no channel named \"caht\"; did you mean \"chat\"? channels are: chat",
        ],
    );
    check(
        &retry("probability = 0.5, attempts = 1"),
        &[
            "channels.chat.retry.attempts: must be from 2 (one retry) to 255, the first attempt included; got 1 (leave it out to let only the probability limit retries)",
        ],
    );
    check(
        &format!(
            "{}\n{}",
            retry("probability = 0.5, channel = \"portal\""),
            portal("")
        ),
        &[
            "channels.chat.retry.channel: customers try again on a channel with agents (not self_service or a callback channel)",
        ],
    );
    check(
        &with(&portal(&format!(
            "retry = {{ probability = 0.5, {delay} }}"
        ))),
        &[
            "channels.portal.retry: customers of a self_service channel never wait for an agent, so they do not give up; put retry on the channels they give up on",
        ],
    );
    let bot_time = "handle_time = { distribution = \"fixed\", value = \"2m\" }";
    let bot = |text: &str| chat_with("bot", &format!("{{ {bot_time}, {text} }}"));
    check(&bot("containment = 0.4, escalate_to = \"chat\""), &[]);
    check(
        &bot("containment = 0.4"),
        &[
            "channels.chat.bot.escalate_to: missing; a bot hands the contacts it does not contain to agents, e.g. escalate_to = \"chat\" (the channel itself is allowed)",
        ],
    );
    check(
        &bot("containment = -0.1, escalate_to = \"chat\", context_preserved = 2"),
        &[
            "channels.chat.bot.containment: must be a probability from 0 to 1, got -0.1",
            "channels.chat.bot.context_preserved: must be a probability from 0 to 1, got 2",
        ],
    );
    check(
        &format!(
            "{}\n{}",
            bot("containment = 0.4, escalate_to = \"portal\""),
            portal("")
        ),
        &[
            "channels.chat.bot.escalate_to: a bot hands contacts to a channel with agents (not self_service or a callback channel)",
        ],
    );
    // A portal's assistant may hand over (a portal alone cannot).
    check(
        &with(&portal(&format!(
            "bot = {{ containment = 0.7, {bot_time}, escalate_to = \"chat\" }}"
        ))),
        &[],
    );
    let phone = |callback: &str| {
        with(&format!(
            "[channels.phone]\nkind = \"voice\"\nsla = {{ within = \"20s\", target = 0.8 }}\nhandle_time = {{ distribution = \"exponential\", mean = \"4m\" }}\ncallback = {{ offer_when_expected_wait_above = \"1m\", acceptance = 0.5, within = \"1h\"{callback} }}\n[groups.voice]\nheadcount = 2\nchannels = [\"phone\"]\n"
        ))
    };
    let retry_after = "retry_after = { distribution = \"fixed\", value = \"15m\" }";
    check(
        &phone(&format!(", reach = 0.7, attempts = 3, {retry_after}")),
        &[],
    );
    check(
        &phone(", reach = 1.2"),
        &["channels.phone.callback.reach: must be a probability from 0 to 1, got 1.2"],
    );
    check(
        &phone(", reach = 0.7, attempts = 3"),
        &[
            "channels.phone.callback.retry_after: missing; with attempts above 1, say how long after a missed attempt the next is made, e.g. retry_after = { distribution = \"fixed\", value = \"15m\" }",
        ],
    );
    check(
        &phone(&format!(", reach = 0.7, {retry_after}")),
        &[
            "channels.phone.callback.retry_after: with one attempt there is nothing to retry; give attempts = 2 or more, or remove retry_after",
        ],
    );
    check(
        &phone(", attempts = 2, failed_attempt = \"1m\""),
        &[
            "channels.phone.callback.reach: missing; attempts, retry_after and failed_attempt apply to callbacks that can miss the customer, so give the share of attempts that reach them, e.g. reach = 0.8",
        ],
    );
    check(
        &phone(", reach = 0.7, attempts = 40"),
        &[
            "channels.phone.callback.attempts: must be from 1 to 20, the first attempt included; got 40",
        ],
    );
    let duplicate = |text: &str| {
        with(&format!(
            "[channels.email]\nkind = \"async\"\nsla = {{ within = \"4h\", target = 0.9 }}\nhandle_time = {{ distribution = \"exponential\", mean = \"15m\" }}\n[groups.mail]\nheadcount = 1\nchannels = [\"email\"]\n[[duplicates]]\n{text}\ndelay = {{ distribution = \"fixed\", value = \"1m\" }}\n"
        ))
    };
    check(
        &duplicate("from = \"chat\"\nto = \"email\"\nprobability = 0.1\nmerged = 0.5"),
        &[],
    );
    check(
        &duplicate("from = \"chat\"\nto = \"chat\"\nprobability = 0.1"),
        &[
            "duplicates[0].to: from and to are the same channel; a duplicate is a second contact on another channel",
        ],
    );
    check(
        &duplicate("from = \"chat\"\nto = \"emial\"\nprobability = 1.1\nmerged = -1"),
        &[
            "duplicates[0].to: no channel named \"emial\"; did you mean \"email\"? channels are: chat, email",
            "duplicates[0].probability: must be a probability from 0 to 1, got 1.1",
            "duplicates[0].merged: must be a probability from 0 to 1, got -1",
        ],
    );
}

/// The channel limit names itself.
#[test]
fn more_than_a_thousand_channels_are_refused() {
    let mut text = String::from(
        "[simulation]\nhorizon = \"1d\"\ninterval = \"1h\"\nreplications = 1\nseed = 1\n",
    );
    for c in 0..1001 {
        text.push_str(&format!(
            "[channels.c{c}]\nkind = \"async\"\nsla = {{ within = \"4h\", target = 0.8 }}\nhandle_time = {{ distribution = \"fixed\", value = \"5m\" }}\n"
        ));
    }
    check(
        &text,
        &["channels: 1001 channels; at most 1000 are supported"],
    );
}

#[test]
fn forecast_uncertainty() {
    let uncertainty = |value: &str| {
        replace(
            "daily_volume = 100",
            &format!("daily_volume = 100\nuncertainty = {value}"),
        )
    };
    check(&uncertainty("{ cv = 0.1 }"), &[]);
    check(
        &uncertainty("{ cv = [0.1, 0.1, 0.1, 0.1, 0.2, 0.3, 0] }"),
        &[],
    );
    check(
        &uncertainty("{ cv = -0.1 }"),
        &[
            "arrivals.chat.uncertainty.cv: must be a day's coefficient of variation, from 0 to 2; got -0.1",
        ],
    );
    check(
        &uncertainty("{ cv = [0.1, 0.1] }"),
        &[
            "arrivals.chat.uncertainty.cv: must be a number (0.1: a day's volume varies by 10% around the forecast) or seven, Monday first; got [0.1, 0.1]",
        ],
    );
    check(
        &uncertainty("{ cv = [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 5] }"),
        &[
            "arrivals.chat.uncertainty.cv[6]: must be a day's coefficient of variation, from 0 to 2; got 5",
        ],
    );
    check(
        &uncertainty("{ sd = 0.1 }"),
        &["19:17: arrivals.chat.uncertainty.sd: unknown field `sd`, expected `cv` or `shared`"],
    );
    // Two channels sharing a factor with different spreads.
    let shared = format!(
        "{}\n[channels.email]\nkind = \"async\"\nsla = {{ within = \"4h\", target = 0.9 }}\nhandle_time = {{ distribution = \"exponential\", mean = \"15m\" }}\n[arrivals.email]\ndaily_volume = 20\nuncertainty = {{ cv = 0.2, shared = \"demand\" }}\n[groups.email_team]\nheadcount = 1\nchannels = [\"email\"]\n",
        uncertainty("{ cv = 0.1, shared = \"demand\" }")
    );
    check(
        &shared,
        &[
            "arrivals.email.uncertainty.cv: the factor \"demand\" is shared with arrivals.chat, whose cv is [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]; channels sharing a factor share each day's draw, so give them the same cv (or another `shared` name)",
        ],
    );
}

#[test]
fn shift_templates() {
    let template = |body: &str| with(&format!("[[shift_templates]]\n{body}"));
    let good = "name = \"day\"\nlength = \"8h 30m\"\nstarts = { from = \"06:00\", to = \"14:00\", every = \"30m\" }\nbreaks = [{ length = \"30m\", earliest = \"3h\", latest = \"5h\", paid = false }]";
    check(&template(good), &[]);
    check(
        &template(
            "length = \"8h\"\nstarts = [\"08:00\", \"09:00\"]\ndays = \"weekdays\"\ngroups = [\"tier1\"]\ncost_per_hour = 25",
        ),
        &[],
    );
    // A break longer than the shift, and one that cannot start inside it.
    check(
        &template(
            "length = \"4h\"\nstarts = [\"08:00\"]\nbreaks = [{ length = \"5h\", earliest = \"1h\", latest = \"2h\" }]",
        ),
        &["shift_templates[0].breaks[0].length: a break of 5h is not shorter than the shift (4h)"],
    );
    check(
        &template(
            "length = \"4h\"\nstarts = [\"08:00\"]\nbreaks = [{ length = \"30m\", earliest = \"4h\", latest = \"5h\" }]",
        ),
        &[
            "shift_templates[0].breaks[0].earliest: a break starting 4h into the shift ends after the shift's 4h; breaks lie inside the shift",
        ],
    );
    check(
        &template(
            "length = \"8h\"\nstarts = [\"08:00\"]\nbreaks = [{ length = \"1h\", earliest = \"3h\", latest = \"3h\" }, { length = \"30m\", earliest = \"3h 30m\", latest = \"3h 30m\" }]",
        ),
        &[
            "shift_templates[0].breaks: the breaks cannot all be placed: each starts after the one before it ends, within its window and inside the shift",
        ],
    );
    check(
        &template(
            "length = \"8h\"\nstarts = [\"08:00\"]\nbreaks = [{ length = \"30m\", earliest = \"5h\", latest = \"3h\" }]",
        ),
        &["shift_templates[0].breaks[0].latest: 3h is before earliest (5h)"],
    );
    check(
        &template("length = \"25h\"\nstarts = [\"08:00\"]"),
        &["shift_templates[0].length: 1d 1h is longer than a day"],
    );
    check(
        &template("length = \"8h\"\nstarts = [\"8 am\"]"),
        &[
            "shift_templates[0].starts[0]: cannot read time of day \"8 am\"; write it as HH:MM, from 00:00 to 24:00",
        ],
    );
    check(
        &template("length = \"8h\"\nstarts = \"08:00\""),
        &[
            "shift_templates[0].starts: give a list of \"HH:MM\" times or a range { from = \"06:00\", to = \"14:00\", every = \"30m\" }",
        ],
    );
    check(
        &template("length = \"8h\"\nstarts = { from = \"10:00\", to = \"08:00\", every = \"1h\" }"),
        &[
            "shift_templates[0].starts.to: is before from; a range of start times runs forward within a day",
        ],
    );
    check(
        &template("length = \"8h\"\nstarts = { from = \"08:00\", to = \"10:00\", every = \"0m\" }"),
        &["shift_templates[0].starts.every: duration \"0m\" is zero; it must be positive"],
    );
    check(
        &template("length = \"8h\"\nstarts = [\"08:00\"]\ndays = \"weekend\"\ndays_per_week = 5"),
        &[
            "shift_templates[0].days_per_week: must be from 1 to the 2 day(s) the template allows, got 5",
        ],
    );
    check(
        &template(
            "length = \"8h\"\nstarts = [\"08:00\"]\ndays = [\"mon\", \"wed\", \"fri\"]\ndays_per_week = 2",
        ),
        &[
            "shift_templates[0].days_per_week: no 2 consecutive days lie inside the template's days; working days are consecutive (Sunday runs on to Monday)",
        ],
    );
    check(
        &template("length = \"8h\"\nstarts = [\"08:00\"]\ngroups = [\"tier2\"]"),
        &[
            "shift_templates[0].groups[0]: no group named \"tier2\"; did you mean \"tier1\"? groups are: tier1",
        ],
    );
    check(
        &template("length = \"8h\"\nstarts = [\"08:00\"]\ncost_per_hour = -3"),
        &["shift_templates[0].cost_per_hour: must be a cost from 0 to 1000000 per hour, got -3"],
    );
    check(
        &format!("{}\n[[shift_templates]]\n{good}", template(good)),
        &["shift_templates[1].name: \"day\" names another template too; names must differ"],
    );
    check(
        &template("length = \"8h\"\nstart = [\"08:00\"]"),
        &[
            "27:1: shift_templates[0].start: unknown field `start`, expected one of `name`, `length`, `starts`, `days`, `days_per_week`, `breaks`, `cost_per_hour`, `groups`; did you mean `starts`?",
        ],
    );
}

#[test]
fn replayed_traces() {
    let trace = "arrival,channel,outcome,wait_seconds\n\
                 2026-01-05T09:00:00Z,chat,answered,12\n\
                 2026-01-05T09:05:00Z,phone,abandoned,40\n";
    let files = |text: &str| {
        let mut files = SideFiles::default();
        files.insert(
            "trace.csv",
            SideFile {
                shown_path: "/scenarios/trace.csv".into(),
                text: Ok(text.to_string()),
                role: "trace",
            },
        );
        files
    };
    let replayed = |extra: &str| {
        replace(
            "daily_volume = 100",
            &format!("trace = \"trace.csv\"\n{extra}"),
        )
    };
    check_with_files(&replayed(""), &files(trace), &[]);
    check_with_files(
        &replayed(
            "time_zone = \"America/New_York\"\ntrace_start = \"2026-01-05\"\nwork = \"recorded\"\npatience = \"recorded\"",
        ),
        &files(trace),
        &[],
    );
    let cases: [(&str, &str, &str); 9] = [
        (
            "trace_start = \"2026-01-06\"",
            trace,
            "arrivals.chat.trace_start: 2026-01-06 is a Tuesday: simulated time starts on a Monday (operating hours, day shares and shifts count from Monday); start at 2026-01-05 and report the days you want",
        ),
        (
            "trace_start = \"5 Jan\"",
            trace,
            "arrivals.chat.trace_start: `5 Jan` is not a date (YYYY-MM-DD)",
        ),
        (
            "time_zone = \"Paris\"",
            trace,
            "arrivals.chat.time_zone: `Paris` is not an IANA time zone (such as Europe/London or America/New_York)",
        ),
        (
            "work = \"measured\"",
            trace,
            "arrivals.chat.work: `measured` is not sampled or recorded",
        ),
        (
            "trace_channel = \"email\"",
            trace,
            "arrivals.chat.trace_channel: /scenarios/trace.csv has no contacts of channel `email` (its channels: chat, phone); name the one to replay with trace_channel",
        ),
        (
            "trace_start = \"2026-02-02\"",
            trace,
            "arrivals.chat.trace: none of the 1 contacts of `chat` in /scenarios/trace.csv arrives in the simulated period (2026-02-02T00:00:00 for 1d; they run from 2026-01-05T09:00:00 to 2026-01-05T09:00:00, UTC): set trace_start or simulation.horizon",
        ),
        (
            "uncertainty = { cv = 0.1 }",
            trace,
            "arrivals.chat.uncertainty: a replayed trace has the volumes that happened; forecast uncertainty varies generated ones",
        ),
        (
            "",
            "arrival,channel\n2026-01-05 09:00,chat\n",
            "arrivals.chat.trace: /scenarios/trace.csv has rows that cannot be read: line 2: arrival `2026-01-05 09:00` is not an RFC 3339 time with an offset (failed to find offset component, which is required for parsing a timestamp)",
        ),
        (
            "",
            "when,queue\n",
            "arrivals.chat.trace: /scenarios/trace.csv: no `arrival` column (a trace has arrival, channel, issue_type, segment, language, priority, outcome, wait_seconds, handle_seconds, agent; found when, queue)",
        ),
    ];
    for (extra, text, expected) in cases {
        check_with_files(&replayed(extra), &files(text), &[expected]);
    }
    // How a trace is replayed means nothing without one; a trace is one way of giving arrivals.
    check(
        &replace(
            "daily_volume = 100",
            "daily_volume = 100\nwork = \"recorded\"",
        ),
        &[
            "arrivals.chat.work: work says how a recorded trace is replayed; this channel has no `trace`",
        ],
    );
    check_with_files(
        &replace(
            "daily_volume = 100",
            "daily_volume = 100\ntrace = \"trace.csv\"",
        ),
        &files(trace),
        &[
            "arrivals.chat: give exactly one of weekly_volume, daily_volume, per_interval, per_interval_file, rate_per_hour or trace (found daily_volume, trace)",
        ],
    );
}

#[test]
fn handle_time_profiles() {
    let with_profile = |profile: &str| {
        replace(
            "patience = { distribution = \"exponential\", mean = \"3m\" }",
            &format!(
                "patience = {{ distribution = \"exponential\", mean = \"3m\" }}\nhandle_time_profile = {profile}"
            ),
        )
    };
    let day: Vec<&str> = vec!["1.2"; 48];
    check(&with_profile(&format!("[{}]", day.join(", "))), &[]);
    check(&with_profile("[1.1]"), &[]);
    check(
        &with_profile("[1.0, 1.2, 0.8]"),
        &[
            "channels.chat.handle_time_profile: 3 entries do not match the interval grid (simulation.interval = \"30m\"): give one per interval of a day, a week or the whole run (48 for a day, 336 for a week, 48 for the whole run); a list of another length repeats out of step with the days",
        ],
    );
    check(
        &with_profile("[1.0, 0.0]"),
        &[
            "channels.chat.handle_time_profile: give one factor per interval, each above 0 and at most 100 (1 = the handle time as drawn)",
        ],
    );
}
