//! Bad input through the real binary: an invalid scenario of each section exits with code 2,
//! prints every problem naming the TOML key path (and the file's line where the parser gives
//! one), does not panic, and leaves no output files behind. What each section reports, case
//! by case, is pinned at the library level in `validation`.

use std::process::Command;

use crate::validation::VALID;

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

/// `omnisim validate PATH`.
fn validate(path: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_omnisim"))
        .arg("validate")
        .arg(path)
        .output()
        .unwrap()
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
    let output = validate(&path);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn syntax_and_type_errors_give_the_file_line_and_key() {
    check(
        &replace("horizon = \"1d\"", "horizon = \"1d"),
        &["broken.toml:3:"],
    );
    check(
        &replace("target = 0.8", "target = \"high\""),
        &["channels.chat.sla.target", "broken.toml:13:"],
    );
    check(
        &replace("concurrency = 2", "concurency = 2"),
        &["groups.tier1", "unknown field `concurency`"],
    );
}

#[test]
fn one_mistake_per_section_exits_2_and_writes_nothing() {
    check(
        &replace("horizon = \"1d\"", "horizon = \"100y\""),
        &["simulation.horizon", "one year"],
    );
    check(
        &replace("kind = \"messaging\"", "kind = \"carrier_pigeon\""),
        &["channels.chat.kind", "unknown kind"],
    );
    check(
        &replace("daily_volume = 100", "daily_volume = 1e12"),
        &["arrivals.chat.daily_volume", "at most 1e9; got 1e12"],
    );
    check(
        &replace("daily_volume = 100", "daily_volume = 1e9")
            .replace("horizon = \"1d\"", "horizon = \"30d\""),
        &["arrivals", "contacts per replication"],
    );
    check(
        &replace("concurrency = 2", "concurrency = 2\nskills = [\"biling\"]"),
        &["groups.tier1.skills", "no issue type named \"biling\""],
    );
    check(
        &format!("{VALID}\n[[routing.rules]]\ngroups = [\"seniors\"]\n"),
        &["routing.rules[0].groups", "no group named \"seniors\""],
    );
    check(
        &replace("headcount = 3", "headcount = 3\nshrinkage = 1.2"),
        &["groups.tier1.shrinkage", "below 1"],
    );
    check(
        &format!("{VALID}\n[[events]]\nkind = \"earthquake\"\nstart = \"mon 09:00\"\n"),
        &["events[0].kind", "unknown event kind"],
    );
    check(
        &replace("headcount = 3", "headcount = 1000000000"),
        &["groups.tier1.headcount", "1000000"],
    );
}

/// The customer-behaviour keys: a retry to an unknown channel, a probability outside
/// [0, 1], a bot with containment but no escalation target.
#[test]
fn customer_behaviour_mistakes_exit_2_and_write_nothing() {
    let on_chat = |key: &str| {
        replace(
            "kind = \"messaging\"",
            &format!("kind = \"messaging\"\n{key}"),
        )
    };
    let delay = "delay = { distribution = \"fixed\", value = \"10m\" }";
    check(
        &on_chat(&format!(
            "retry = {{ probability = 0.5, {delay}, channel = \"fax\" }}"
        )),
        &["channels.chat.retry.channel", "no channel named \"fax\""],
    );
    check(
        &on_chat(&format!("retry = {{ probability = 1.4, {delay} }}")),
        &["channels.chat.retry.probability", "from 0 to 1"],
    );
    check(
        &on_chat(
            "bot = { containment = 0.5, handle_time = { distribution = \"fixed\", value = \"1m\" } }",
        ),
        &["channels.chat.bot.escalate_to", "missing"],
    );
}

#[test]
fn durations_that_parse_but_cannot_be_meant_are_refused() {
    // "2M" was read as two months and the dashboard showed a target of 80%/60d 21h 7m.
    check(
        &replace("within = \"2m\"", "within = \"2M\""),
        &["channels.chat.sla.within", "did you mean \"2m\""],
    );
    check(
        &replace("within = \"2m\"", "within = \"2d\""),
        &["channels.chat.sla.within", "longer than the whole run"],
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

#[test]
fn a_bad_headcount_file_names_its_line() {
    let directory = tempfile::tempdir().unwrap();
    std::fs::write(
        directory.path().join("staff.csv"),
        "start,tier1\n00:00,3\n00:30,three\n",
    )
    .unwrap();
    let path = directory.path().join("broken.toml");
    std::fs::write(
        &path,
        replace("headcount = 3", "headcount_file = \"staff.csv\""),
    )
    .unwrap();
    let output = validate(&path);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("staff.csv line 3"), "{stderr}");
    assert!(stderr.contains("\"three\""), "{stderr}");
}

#[test]
fn shares_pasted_from_a_spreadsheet_are_normalised_with_a_note() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("pasted.toml");
    std::fs::write(
        &path,
        replace(
            "daily_volume = 100",
            "weekly_volume = 700\nday_shares = [0.1429, 0.1429, 0.1429, 0.1429, 0.1429, 0.1429, 0.1429]",
        ),
    )
    .unwrap();
    let output = validate(&path);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("note: arrivals.chat.day_shares: the shares sum to 1.0003; each was divided by that so they sum to 1"),
        "{stdout}"
    );
}

#[test]
fn an_arrivals_csv_runs_and_a_misspelt_channel_in_it_is_refused_by_line() {
    let directory = tempfile::tempdir().unwrap();
    let rows: String = (0..48)
        .map(|idx| format!("{:02}:{:02},chat,4\n", idx / 2, 30 * (idx % 2)))
        .collect();
    std::fs::write(
        directory.path().join("volumes.csv"),
        format!("start,channel,count\n{rows}"),
    )
    .unwrap();
    let path = directory.path().join("from_csv.toml");
    std::fs::write(
        &path,
        replace("daily_volume = 100", "per_interval_file = \"volumes.csv\""),
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_omnisim"))
        .arg("run")
        .arg(&path)
        .args(["--format", "json", "--no-charts", "--out"])
        .arg(directory.path().join("out"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    // 4 expected contacts in each of 48 half-hours: about 192 offered a replication.
    let offered = summary["channels"][0]["metrics"]["offered"]["mean"]
        .as_f64()
        .unwrap();
    assert!((120.0..270.0).contains(&offered), "{offered}");

    std::fs::write(
        directory.path().join("volumes.csv"),
        format!("start,channel,count\n{rows}00:00,caht,9\n"),
    )
    .unwrap();
    let output = validate(&path);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("arrivals.chat.per_interval_file")
            && stderr.contains("volumes.csv line 50: no channel named \"caht\""),
        "{stderr}"
    );
}

#[test]
fn an_overlay_validated_alone_is_pointed_at_its_base() {
    let output = Command::new(env!("CARGO_BIN_EXE_omnisim"))
        .args(["validate", "scenarios/outage_chat.toml"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("hint: if this file is an overlay")
            && stderr.contains("--with OVERLAY.toml"),
        "{stderr}"
    );
}
