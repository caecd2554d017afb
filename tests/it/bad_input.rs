//! Bad input through the real binary: each class of invalid scenario exits with code 2,
//! prints an error naming the TOML key path and the reason, does not panic, and leaves no
//! output files behind.

use std::process::Command;

/// A valid scenario to break one piece at a time.
const VALID: &str = r#"
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

/// Runs `omnisim run` on `scenario` text and checks exit code 2, that stderr contains every
/// fragment, that there is no panic, and that no output was written.
#[track_caller]
fn check(scenario: &str, fragments: &[&str]) {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("broken.toml");
    std::fs::write(&path, scenario).unwrap();
    let out = directory.path().join("out");
    let output = Command::new(env!("CARGO_BIN_EXE_omnisim"))
        .arg("run")
        .arg(&path)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "exit code; stderr: {stderr}");
    for fragment in fragments {
        assert!(
            stderr.contains(fragment),
            "stderr lacks {fragment:?}:\n{stderr}"
        );
    }
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        !out.exists(),
        "output folder was created for an invalid scenario"
    );
}

fn replace(from: &str, to: &str) -> String {
    assert!(VALID.contains(from), "{from}");
    VALID.replacen(from, to, 1)
}

#[test]
fn the_valid_base_is_valid() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("ok.toml");
    std::fs::write(&path, VALID).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_omnisim"))
        .arg("validate")
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn syntax_and_type_errors_give_line_and_key() {
    check(
        &replace("horizon = \"1d\"", "horizon = \"1d"),
        &["broken.toml:3:"],
    );
    check(
        &replace("target = 0.8", "target = \"high\""),
        &["channels.chat.sla.target", "broken.toml:13:"],
    );
    check(
        &replace("seed = 1", "seed = 1\nspeed = 2"),
        &["simulation", "unknown field `speed`"],
    );
    check(
        &replace("concurrency = 2", "concurency = 2"),
        &["groups.tier1", "unknown field `concurency`"],
    );
}

#[test]
fn zero_and_negative_durations_and_rates() {
    check(
        &replace("horizon = \"1d\"", "horizon = \"0s\""),
        &["simulation.horizon", "zero"],
    );
    check(
        &replace("mean = \"5m\"", "mean = \"-5m\""),
        &["channels.chat.handle_time.mean", "negative"],
    );
    check(
        &replace("mean = \"5m\"", "mean = \"5\""),
        &["channels.chat.handle_time.mean", "no unit"],
    );
    check(
        &replace("daily_volume = 100", "daily_volume = -3"),
        &["arrivals.chat.daily_volume", "positive"],
    );
    check(
        &replace("daily_volume = 100", "rate_per_hour = 0"),
        &["arrivals.chat.rate_per_hour", "positive"],
    );
    check(
        &replace("target = 0.8", "target = 80"),
        &["channels.chat.sla.target", "fraction"],
    );
}

#[test]
fn shares_that_do_not_sum_to_one() {
    check(
        &replace(
            "billing = 0.5, technical = 0.5",
            "billing = 0.5, technical = 0.6",
        ),
        &["attributes.issue_types", "sum to 1"],
    );
    check(
        &replace(
            "daily_volume = 100",
            "daily_volume = 100\nintraday = [0.5, 0.4]",
        ),
        &["arrivals.chat.intraday", "sum to 1"],
    );
    check(
        &replace(
            "daily_volume = 100",
            "weekly_volume = 700\nday_shares = [0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2]",
        ),
        &["arrivals.chat.day_shares", "sum to 1"],
    );
}

#[test]
fn unserved_channels_and_unknown_names() {
    check(
        &replace("channels = [\"chat\"]", "channels = [\"email\"]"),
        &["groups.tier1.channels", "no channel named \"email\""],
    );
    let unserved = format!(
        "{VALID}\n[channels.phone]\nkind = \"voice\"\nsla = {{ within = \"20s\", target = 0.8 }}\nhandle_time = {{ distribution = \"fixed\", value = \"3m\" }}\n\n[arrivals.phone]\nrate_per_hour = 10\n"
    );
    check(&unserved, &["channels.phone", "no agent group serves it"]);
    check(
        &replace("concurrency = 2", "concurrency = 2\nskills = [\"billing\"]"),
        &["channels.chat", "issue type \"technical\"", "no group"],
    );
    check(
        &replace("concurrency = 2", "concurrency = 2\nskills = [\"biling\"]"),
        &["groups.tier1.skills", "no issue type named \"biling\""],
    );
    check(
        &replace("[arrivals.chat]", "[arrivals.chatt]"),
        &["arrivals.chatt", "no channel named \"chatt\""],
    );
}

#[test]
fn sizes_beyond_sane_limits_are_refused() {
    check(
        &replace("headcount = 3", "headcount = 1000000000"),
        &["groups.tier1.headcount", "1000000"],
    );
    check(
        &replace("horizon = \"1d\"", "horizon = \"100y\""),
        &["simulation.horizon", "one year"],
    );
    check(
        &replace("interval = \"30m\"", "interval = \"1s\"\nwarmup = \"0s\"")
            .replace("horizon = \"1d\"", "horizon = \"365d\""),
        &["simulation.interval", "report rows"],
    );
    check(
        &replace("replications = 2", "replications = 0"),
        &["simulation.replications", "from 1"],
    );
    check(
        &replace("daily_volume = 100", "daily_volume = 1e12"),
        &["arrivals", "contacts per replication"],
    );
}

#[test]
fn inconsistent_settings() {
    check(
        &replace("interval = \"30m\"", "interval = \"7h\""),
        &["simulation.interval", "whole number of reporting intervals"],
    );
    check(
        &replace("seed = 1", "seed = 1\nwarmup = \"2d\""),
        &["simulation.warmup", "shorter than the horizon"],
    );
    check(
        &replace("kind = \"messaging\"", "kind = \"async\""),
        &["channels.chat.patience", "only real-time"],
    );
    check(
        &replace("kind = \"messaging\"", "kind = \"carrier_pigeon\""),
        &["channels.chat.kind", "unknown kind"],
    );
    check(
        &replace(
            "distribution = \"exponential\", mean = \"5m\"",
            "distribution = \"lognormal\", mean = \"5m\"",
        ),
        &["channels.chat.handle_time.cv", "missing"],
    );
}

#[test]
fn missing_file_and_every_problem_reported() {
    let output = Command::new(env!("CARGO_BIN_EXE_omnisim"))
        .args(["validate", "no/such/scenario.toml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no/such/scenario.toml") && stderr.contains("no such file"),
        "{stderr}"
    );
    // Two independent problems are both reported.
    let two = replace("target = 0.8", "target = 1.5").replace("mean = \"3m\"", "mean = \"0s\"");
    check(
        &two,
        &[
            "channels.chat.sla.target",
            "channels.chat.patience.mean",
            "2 problems",
        ],
    );
}

#[test]
fn bad_arguments_exit_2() {
    let output = Command::new(env!("CARGO_BIN_EXE_omnisim"))
        .args(["run", "scenarios/erlang_c.toml", "--replications", "0"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--replications"));
}

/// The base with an email channel and a second group, to hang routing mistakes on.
fn with_routing(extra: &str) -> String {
    format!(
        "{VALID}
[channels.email]
kind = \"async\"
sla = {{ within = \"4h\", target = 0.9 }}
handle_time = {{ distribution = \"exponential\", mean = \"15m\" }}

[groups.billing]
headcount = 1
channels = [\"email\", \"chat\"]
skills = [\"billing\"]
{extra}"
    )
}

#[test]
fn routing_mistakes_name_their_key() {
    check(
        &with_routing(
            "[[routing.rules]]\nmatch = { issue_type = \"biling\" }\ngroups = [\"billing\"]\n",
        ),
        &[
            "routing.rules[0].match.issue_type",
            "no issue type named \"biling\"",
        ],
    );
    check(
        &with_routing(
            "[[routing.rules]]\nmatch = { channel = \"chat\" }\ngroups = [\"seniors\"]\n",
        ),
        &["routing.rules[0].groups", "no group named \"seniors\""],
    );
    // A rule whose groups cannot serve what it matches: named with the contacts it strands.
    check(
        &with_routing(
            "[[routing.rules]]\nmatch = { channel = \"chat\", issue_type = \"technical\" }\ngroups = [\"billing\"]\n",
        ),
        &[
            "routing.rules[0].groups",
            "issue type \"technical\"",
            "none of its groups",
        ],
    );
    check(
        &with_routing("[[routing.rules]]\ngroups = [\"tier1\"]\nwiden_after = \"1m\"\n"),
        &["routing.rules[0]", "widen_after and widen_to go together"],
    );
    check(
        &with_routing("[routing]\nagent_selection = \"random\"\n"),
        &["routing.agent_selection", "most_proficient"],
    );
    check(
        &with_routing("[routing]\nnear_breach = 1.5\n"),
        &["routing.near_breach", "below 1"],
    );
    check(
        &with_routing("[[overflow]]\nfrom = \"chat\"\nto = \"fax\"\nqueue_length_at_least = 3\n"),
        &["overflow[0].to", "no channel named \"fax\""],
    );
    check(
        &with_routing("[[overflow]]\nfrom = \"chat\"\nto = \"email\"\n"),
        &["overflow[0]", "queue_length_at_least"],
    );
    check(
        &with_routing(
            "[[handoffs]]\nfrom = \"chat\"\nto = \"email\"\nprobability = 0.7\ndelay = { distribution = \"fixed\", value = \"1h\" }\n[[handoffs]]\nfrom = \"any\"\nto = \"email\"\nprobability = 0.4\ndelay = { distribution = \"fixed\", value = \"1h\" }\n",
        ),
        &["handoffs", "from \"chat\" sum to 1.1"],
    );
    check(
        &with_routing(
            "[[handoffs]]\nfrom = \"chat\"\nto = \"chat\"\nprobability = 0.1\ndelay = { distribution = \"fixed\", value = \"1h\" }\n",
        ),
        &["handoffs[0]", "same channel"],
    );
    check(
        &replace(
            "concurrency = 2",
            "concurrency = 2\nproficiency = { technical = 0 }",
        ),
        &["groups.tier1.proficiency.technical", "from 0.05 to 10"],
    );
    check(
        &replace(
            "concurrency = 2",
            "concurrency = 2\nconcurrency_slowdown = -1",
        ),
        &["groups.tier1.concurrency_slowdown", "from 0 to 10"],
    );
    check(
        &replace(
            "patience = { distribution = \"exponential\", mean = \"3m\" }",
            "patience = { distribution = \"exponential\", mean = \"3m\" }\ncallback = { offer_when_expected_wait_above = \"2m\", acceptance = 0.5, within = \"1h\" }",
        ),
        &["channels.chat.callback", "voice channels"],
    );
    check(
        &replace(
            "patience = { distribution = \"exponential\", mean = \"3m\" }",
            "patience = { distribution = \"exponential\", mean = \"3m\" }\nafter_hours = { action = \"ticket\", to = \"email\" }",
        ),
        &["channels.chat.after_hours", "always open"],
    );
}

/// The base with its `headcount = 3` staffing replaced by `staffing`.
fn with_staffing(staffing: &str) -> String {
    replace("headcount = 3", staffing)
}

#[test]
fn schedule_mistakes_name_their_key() {
    let shift = "[[groups.tier1.shifts]]\nstart = \"08:00\"\nlength = \"8h\"\nagents = 2\n";
    let grouped = |lines: &str, shifts: &str| format!("{}\n{shifts}", with_staffing(lines));
    check(&with_staffing(""), &["groups.tier1", "no staffing"]);
    check(
        &grouped("headcount = 3", shift),
        &["groups.tier1", "headcount and shifts"],
    );
    check(
        &grouped("", &shift.replace("08:00", "8am")),
        &["groups.tier1.shifts[0].start", "HH:MM"],
    );
    check(
        &grouped("", &shift.replace("8h", "30h")),
        &["groups.tier1.shifts[0].length", "longer than a day"],
    );
    check(
        &grouped(
            "",
            &format!("{shift}breaks = [{{ after = \"7h 50m\", length = \"15m\" }}]\n"),
        ),
        &["groups.tier1.shifts[0].breaks[0]", "inside the shift"],
    );
    check(
        &grouped(
            "",
            &format!(
                "{shift}breaks = [{{ after = \"2h\", length = \"30m\" }}]\nlunch = {{ after = \"2h 15m\", length = \"30m\" }}\n"
            ),
        ),
        &["groups.tier1.shifts[0].lunch", "overlaps"],
    );
    check(
        &grouped("", &format!("{shift}days = [\"funday\"]\n")),
        &["groups.tier1.shifts[0].days", "unknown day"],
    );
    check(
        &with_staffing("headcount = 3\nshrinkage = 1.2"),
        &["groups.tier1.shrinkage", "below 1"],
    );
    check(
        &with_staffing("headcount = 3\nshrinkage = { training = 0.6, absence = 0.5 }"),
        &["groups.tier1.shrinkage", "sum to 1.1"],
    );
    check(
        &with_staffing("headcount = 3\nin_service_at_shift_end = \"drop\""),
        &["groups.tier1.in_service_at_shift_end", "finish", "requeue"],
    );
    check(
        &with_staffing("headcount_file = \"missing.csv\""),
        &["groups.tier1.headcount_file", "missing.csv"],
    );
}

#[test]
fn a_bad_headcount_file_names_its_line() {
    let directory = tempfile::tempdir().unwrap();
    std::fs::write(
        directory.path().join("staff.csv"),
        "start,tier1\n00:00,3\n00:30,three\n",
    )
    .unwrap();
    let path = directory.path().join("broken.toml");
    std::fs::write(&path, with_staffing("headcount_file = \"staff.csv\"")).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_omnisim"))
        .arg("validate")
        .arg(&path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("staff.csv line 3"), "{stderr}");
    assert!(stderr.contains("\"three\""), "{stderr}");
}

#[test]
fn event_mistakes_name_their_key() {
    let event = |body: &str| format!("{VALID}\n[[events]]\n{body}\n");
    check(
        &event("kind = \"earthquake\"\nstart = \"mon 09:00\""),
        &["events[0].kind", "unknown event kind"],
    );
    check(
        &event("kind = \"absence\"\ngroup = \"tier1\"\nshare = 0.2\nstart = \"someday\""),
        &["events[0].start", "weekday and time"],
    );
    check(
        &event(
            "kind = \"absence\"\ngroup = \"tier1\"\nshare = 0.2\nstart = \"mon 09:00\"\nend = \"mon 08:00\"",
        ),
        &["events[0].end", "ends before it starts"],
    );
    check(
        &event("kind = \"absence\"\ngroup = \"tier1\"\nshare = 0.2\nstart = \"week 3 mon 09:00\""),
        &["events[0].start", "at or after the horizon"],
    );
    check(
        &event("kind = \"absence\"\ngroup = \"tier1\"\nshare = 1.5\nstart = \"mon 09:00\""),
        &["events[0].share", "from 0 to 1"],
    );
    check(
        &event(
            "kind = \"volume_spike\"\nchannel = \"chat\"\nmultiplier = 2\nshare = 0.1\nstart = \"mon 09:00\"",
        ),
        &["events[0].share", "does not apply to a volume_spike"],
    );
    check(
        &event(
            "kind = \"channel_outage\"\nchannel = \"chat\"\nbackup = \"email\"\nconversion = 0.5\nstart = \"mon 09:00\"",
        ),
        &["events[0].backup", "no channel named \"email\""],
    );
    check(
        &event(
            "kind = \"channel_outage\"\nchannel = \"chat\"\nbackup = \"chat\"\nconversion = 0.5\nstart = \"mon 09:00\"",
        ),
        &["events[0].backup", "is the channel that is down"],
    );
    check(
        &event("kind = \"spam\"\nchannel = \"chat\"\nstart = \"mon 09:00\""),
        &["events[0]", "bot_share"],
    );
    check(
        &event("kind = \"group_outage\"\ngroup = [\"tier1\", \"tier7\"]\nstart = \"mon 09:00\""),
        &["events[0].group", "no group named \"tier7\""],
    );
}
