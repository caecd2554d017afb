//! The planning commands through the real binary (`erlang`, `sweep`, `plan`): each case is
//! the arguments, the exit code and fragments the output must contain.

use std::process::Command;

/// Runs `omnisim ARGS` and checks the exit code and that stdout (on success) or stderr (on
/// failure) contains every fragment; returns stdout.
#[track_caller]
fn check(args: &[&str], exit_code: i32, fragments: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_omnisim"))
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(exit_code),
        "omnisim {args:?}\nstdout: {stdout}\nstderr: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    let shown = if exit_code == 0 { &stdout } else { &*stderr };
    for fragment in fragments {
        assert!(
            shown.contains(fragment),
            "omnisim {args:?}: output lacks {fragment:?}:\n{shown}"
        );
    }
    stdout
}

const PYWORKFORCE: [&str; 8] = [
    "erlang",
    "--arrivals",
    "100",
    "--per",
    "30m",
    "--handle-time",
    "3m",
    "--threshold=20s",
];

#[test]
fn erlang_calculator() {
    let with = |extra: &[&'static str]| -> Vec<&'static str> {
        PYWORKFORCE.iter().chain(extra).copied().collect()
    };
    // pyworkforce / R ErlangC: 14 agents give 88.8% in 20 s and ASA 7.8 s; 14 / 0.7 = 20.
    check(
        &with(&["--agents", "14", "--target-sl", "0.8", "--shrinkage", "0.3"]),
        0,
        &[
            "14 agents; with 30% shrinkage, schedule 20 positions",
            "88.8% within 20s",
            "7.8s",
            "17.4%",
        ],
    );
    // Erlang A (pyworkforce abandonment case): P(abandon) 1.4% at 14 agents.
    let json = check(
        &with(&["--patience", "5m", "--agents", "14", "--json"]),
        0,
        &["\"model\": \"Erlang A (M/M/c+M)\""],
    );
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let abandonment = report["evaluated"]["abandonment"].as_f64().unwrap();
    assert!((abandonment - 0.013984).abs() < 1e-4, "{abandonment}");
    let within = report["evaluated"]["answered_within_threshold"]
        .as_f64()
        .unwrap();
    assert!((within - 0.916792).abs() < 1e-5, "{within}");
    // Mistakes a user makes.
    check(&with(&["--target-sl", "1.2"]), 2, &["from 0 to 1"]);
    check(&PYWORKFORCE[..7], 2, &["--agents N", "--target-sl"]);
    check(
        &[
            "erlang",
            "--arrivals",
            "5",
            "--handle-time",
            "3m",
            "--target-sl",
            "0.8",
        ],
        2,
        &["--target-sl needs --threshold"],
    );
    check(&with(&["--max-abandon", "0.05"]), 2, &["needs --patience"]);
    check(
        &[
            "erlang",
            "--arrivals",
            "5",
            "--handle-time",
            "0s",
            "--agents",
            "3",
        ],
        2,
        &["handle-time"],
    );
    check(
        &[
            "erlang",
            "--arrivals",
            "5",
            "--handle-time",
            "soon",
            "--agents",
            "3",
        ],
        2,
        &["handle-time"],
    );
}

fn scenario_path(name: &str) -> String {
    format!("{}/scenarios/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn sweep_of_a_textbook_queue() {
    let directory = tempfile::tempdir().unwrap();
    let out = directory.path().join("sweep");
    let erlang_c = scenario_path("erlang_c.toml");
    let stdout = check(
        &[
            "sweep",
            &erlang_c,
            "--group",
            "agents",
            "--agents",
            "12..16",
            "--step",
            "2",
            "--replications",
            "4",
            "--quiet",
            "--format",
            "json",
            "--out",
            out.to_str().unwrap(),
        ],
        0,
        &["\"mode\": \"agents\""],
    );
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let levels = report["levels"].as_array().unwrap();
    assert_eq!(
        levels
            .iter()
            .map(|l| l["level"].as_i64().unwrap())
            .collect::<Vec<_>>(),
        [12, 14, 16]
    );
    // More agents, better service: SLA rises and ASA falls, level after level.
    let sla: Vec<f64> = levels
        .iter()
        .map(|l| l["channels"][0]["sla_attainment"]["mean"].as_f64().unwrap())
        .collect();
    assert!(sla.windows(2).all(|pair| pair[0] < pair[1]), "{sla:?}");
    let csv = std::fs::read_to_string(out.join("sweep.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 3, "{csv}");
    assert!(out.join("sweep.json").exists());
    // Mistakes a user makes: each names what is wrong, exits 2 and writes nothing.
    let nothing = directory.path().join("nothing");
    let nothing = nothing.to_str().unwrap();
    check(
        &[
            "sweep", &erlang_c, "--group", "tier9", "--agents", "1..3", "--out", nothing,
        ],
        2,
        &["--group tier9", "it has: agents"],
    );
    check(
        &[
            "sweep", &erlang_c, "--group", "agents", "--agents", "9..3", "--out", nothing,
        ],
        2,
        &["FROM must not be above TO"],
    );
    check(
        &[
            "sweep",
            &erlang_c,
            "--group",
            "agents",
            "--agents",
            "0..2000000",
            "--out",
            nothing,
        ],
        2,
        &["at most 500"],
    );
    check(
        &["sweep", &erlang_c, "--group", "agents", "--out", nothing],
        2,
        &["--agents"],
    );
    assert!(!directory.path().join("nothing").exists());
}

#[test]
fn run_with_a_staffing_file() {
    let directory = tempfile::tempdir().unwrap();
    let staffing = directory.path().join("staffing.toml");
    let erlang_c = scenario_path("erlang_c.toml");
    let run = |staffing_text: &str, exit_code: i32, fragments: &[&str]| {
        std::fs::write(&staffing, staffing_text).unwrap();
        check(
            &[
                "run",
                &erlang_c,
                "--staffing",
                staffing.to_str().unwrap(),
                "--replications",
                "2",
                "--quiet",
                "--format",
                "json",
                "--out",
                directory.path().join("out").to_str().unwrap(),
            ],
            exit_code,
            fragments,
        )
    };
    // The staffing file replaces the scenario's 14 agents.
    let stdout = run("[groups.agents]\nheadcount = 30\n", 0, &[]);
    let summary: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        summary["groups"][0]["metrics"]["scheduled_agents"]["mean"].as_f64(),
        Some(30.0)
    );
    run(
        "[groups.tier1]\nheadcount = 3\n",
        2,
        &["groups.tier1", "no group"],
    );
    run(
        "[groups.agents]\nheadcount = \"many\"\n",
        2,
        &["groups.agents.headcount"],
    );
}

#[test]
fn plan_writes_a_staffing_file_that_run_accepts() {
    let directory = tempfile::tempdir().unwrap();
    let out = directory.path().join("plan");
    let erlang_c = scenario_path("erlang_c.toml");
    check(
        &[
            "plan",
            &erlang_c,
            "--quiet",
            "--shrinkage",
            "0.3",
            "--out",
            out.to_str().unwrap(),
        ],
        0,
        &[
            "staffing plan",
            "exact Erlang C minimum is 14 agents",
            "position-hours",
        ],
    );
    for file in ["plan.csv", "plan_sla.csv", "plan.json", "staffing.toml"] {
        assert!(out.join(file).exists(), "{file}");
    }
    let plan: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("plan.json")).unwrap()).unwrap();
    assert_eq!(plan["all_targets_met"], true);
    // Positions after 30% shrinkage are agent-hours / 0.7, rounded up per interval.
    let group = &plan["groups"][0];
    let (agents, positions) = (
        group["agent_hours"].as_f64().unwrap(),
        group["position_hours"].as_f64().unwrap(),
    );
    assert!(
        positions >= agents / 0.7 && positions <= agents / 0.7 + 168.0,
        "{agents} {positions}"
    );
    let staffing = out.join("staffing.toml");
    check(
        &[
            "run",
            &erlang_c,
            "--staffing",
            staffing.to_str().unwrap(),
            "--seed",
            "77",
            "--quiet",
            "--out",
            directory.path().join("rerun").to_str().unwrap(),
        ],
        0,
        &["phone"],
    );
    let nothing = directory.path().join("nothing");
    let nothing = nothing.to_str().unwrap();
    check(
        &["plan", &erlang_c, "--confidence", "0.3", "--out", nothing],
        2,
        &["--confidence"],
    );
    check(
        &["plan", &erlang_c, "--replications", "1", "--out", nothing],
        2,
        &["at least 2 replications"],
    );
    assert!(!directory.path().join("nothing").exists());
}

#[test]
fn run_with_overlays_compares_against_the_base() {
    let directory = tempfile::tempdir().unwrap();
    let out = directory.path().join("outage");
    let stdout = check(
        &[
            "run",
            &scenario_path("retail_week.toml"),
            "--with",
            &scenario_path("outage_chat.toml"),
            "--replications",
            "6",
            "--quiet",
            "--format",
            "json",
            "--out",
            out.to_str().unwrap(),
        ],
        0,
        &["chat_platform_down"],
    );
    let summary: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let event = &summary["events"][0];
    assert_eq!(event["kind"], "channel_outage");
    assert!(event["figures"]["displaced"]["mean"].as_f64().unwrap() > 0.0);
    let subjects: Vec<&str> = event["comparison"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["subject"].as_str().unwrap())
        .collect();
    assert_eq!(subjects, ["chat", "email"]);
    for row in event["comparison"].as_array().unwrap() {
        let sla = &row["metrics"]["sla_attainment"];
        assert!(sla["with_event"]["mean"].is_number(), "{row}");
        assert!(sla["without_event"]["mean"].is_number(), "{row}");
        assert!(sla["difference"]["ci95"].is_number(), "{row}");
    }
    // The outage sends chat work to email: email waits longer than without it.
    let email_asa = &event["comparison"][1]["metrics"]["asa_seconds"]["difference"];
    assert!(
        email_asa["mean"].as_f64().unwrap() > email_asa["ci95"].as_f64().unwrap(),
        "{email_asa}"
    );
    let events_csv = std::fs::read_to_string(out.join("events.csv")).unwrap();
    assert!(events_csv.starts_with("event,kind,start,end,subject_kind,subject,metric"));
    let intervals = std::fs::read_to_string(out.join("intervals.csv")).unwrap();
    assert!(intervals.contains("Tue 10:00,chat_platform_down,"));
    // The table shows the event block.
    check(
        &[
            "run",
            &scenario_path("retail_week.toml"),
            "--with",
            &scenario_path("outage_chat.toml"),
            "--replications",
            "2",
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ],
        0,
        &[
            "EVENTS: with the event vs",
            "chat_platform_down (channel_outage)",
        ],
    );
}

#[test]
fn overlay_mistakes_and_the_merged_print() {
    let directory = tempfile::tempdir().unwrap();
    let overlay = directory.path().join("typo.toml");
    let base = scenario_path("retail_week.toml");
    let validate = |text: &str, exit_code: i32, fragments: &[&str]| {
        std::fs::write(&overlay, text).unwrap();
        check(
            &["validate", &base, "--with", overlay.to_str().unwrap()],
            exit_code,
            fragments,
        )
    };
    validate(
        "[groups.tier9]\nshrinkage = 0.1\n",
        2,
        &["groups.tier9", "the base scenario has no group \"tier9\""],
    );
    validate(
        "[channels.chatt]\nkind = \"messaging\"\n",
        2,
        &["channels.chatt", "no channel \"chatt\""],
    );
    validate(
        "[[events]]\nkind = \"absence\"\ngroup = \"tier9\"\nshare = 0.2\nstart = \"mon 09:00\"\n",
        2,
        &["events[0].group", "no group named \"tier9\""],
    );
    validate("[[events]\nkind = 1", 2, &["typo.toml:1:"]);
    validate(
        "[groups.digital]\nshrinkage = 0.1\n",
        0,
        &["valid", "0 event(s)"],
    );
    let printed = check(
        &[
            "validate",
            &base,
            "--with",
            &scenario_path("outage_chat.toml"),
            "--print",
        ],
        0,
        &[
            "name = \"retail_week+outage_chat\"",
            "[[events]]",
            "backup = \"email\"",
        ],
    );
    // The printed scenario is itself a valid scenario.
    let merged = directory.path().join("merged.toml");
    std::fs::write(&merged, printed).unwrap();
    check(
        &["validate", merged.to_str().unwrap()],
        0,
        &["valid", "1 event(s)"],
    );
}

#[test]
fn init_writes_a_starter_that_validates_and_runs_and_never_overwrites() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("starter.toml");
    let path_text = path.to_str().unwrap();
    // The binary under test is cargo's build in target/, so the next steps say how to run
    // it from the checkout.
    check(
        &["init", path_text],
        0,
        &["wrote", "next:\n  cargo run --release -- validate "],
    );
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("# A starter omnisim scenario"));
    check(
        &["validate", path_text],
        0,
        &["valid. 3 channel(s), 2 group(s)"],
    );
    let out = directory.path().join("out");
    check(
        &[
            "run",
            path_text,
            "--replications",
            "2",
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ],
        0,
        &["OMNICHANNEL PERFORMANCE: my_contact_center", "report.html"],
    );
    // A second init refuses, says why and what to do, and leaves the file alone.
    std::fs::write(&path, "# edited\n").unwrap();
    check(
        &["init", path_text],
        2,
        &["already exists", "hint: ", "--force"],
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "# edited\n");
    check(&["init", path_text, "--force"], 0, &["wrote"]);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

/// An error is "error: ..." (a scenario's problem then shows where, as cargo does) and
/// ends with one "hint: ..." line saying what to do.
#[test]
fn every_error_says_what_and_ends_with_a_hint() {
    let directory = tempfile::tempdir().unwrap();
    let missing = directory.path().join("missing.toml");
    let bad = directory.path().join("bad.toml");
    std::fs::write(&bad, "[simulation]\nhorizon = \"1d\"\n").unwrap();
    let erlang_c = scenario_path("erlang_c.toml");
    let cases: [(Vec<&str>, &str); 4] = [
        (vec!["run", missing.to_str().unwrap()], "omnisim init"),
        (vec!["run", bad.to_str().unwrap()], "omnisim validate FILE"),
        (
            vec!["run", &erlang_c, "--threads", "0"],
            "omnisim run --help",
        ),
        (
            vec!["sweep", &erlang_c, "--group", "nobody", "--agents", "1..2"],
            "omnisim sweep --help",
        ),
    ];
    for (args, hint) in cases {
        let output = Command::new(env!("CARGO_BIN_EXE_omnisim"))
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        let lines: Vec<&str> = stderr.lines().collect();
        assert!(lines[0].starts_with("error: "), "{stderr}");
        let last = lines.last().unwrap();
        assert!(
            last.starts_with("hint: ") && last.contains(hint),
            "{stderr}"
        );
        assert_eq!(
            lines
                .iter()
                .filter(|line| line.starts_with("hint: "))
                .count(),
            1,
            "{stderr}"
        );
    }
}

#[test]
fn json_format_keeps_stdout_machine_readable() {
    let directory = tempfile::tempdir().unwrap();
    let stdout = check(
        &[
            "run",
            &scenario_path("erlang_c.toml"),
            "--replications",
            "2",
            "--format",
            "json",
            "--out",
            directory.path().to_str().unwrap(),
        ],
        0,
        &[],
    );
    let summary: serde_json::Value = serde_json::from_str(&stdout).expect("stdout is only JSON");
    assert_eq!(summary["scenario"], "erlang_c");
    assert!(directory.path().join("report.html").is_file());
}

#[test]
fn every_command_has_help_with_an_example() {
    for command in ["run", "validate", "erlang", "sweep", "plan", "init"] {
        let stdout = check(&[command, "--help"], 0, &["Example"]);
        assert!(
            stdout.contains(&format!("omnisim {command}")),
            "{command}: {stdout}"
        );
    }
}

/// `run --staffing` is a variant: its files go to their own folder (the base run's stay as
/// they were), and summary.json records every input with its SHA-256 (the staffing file's
/// checked against `sha256sum`'s answer for the same bytes).
#[test]
fn a_staffing_variant_runs_into_its_own_folder_and_records_its_inputs() {
    let folder = tempfile::tempdir().unwrap();
    std::fs::create_dir(folder.path().join("scenarios")).unwrap();
    std::fs::copy(
        scenario_path("erlang_c.toml"),
        folder.path().join("scenarios/erlang_c.toml"),
    )
    .unwrap();
    std::fs::write(
        folder.path().join("staffing.toml"),
        "[groups.agents]\nheadcount = 15\n",
    )
    .unwrap();
    let omnisim = |args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_omnisim"))
            .args(args)
            .args(["--replications", "2", "--no-charts", "--quiet"])
            .current_dir(folder.path())
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    omnisim(&["run", "scenarios/erlang_c.toml"]);
    omnisim(&[
        "run",
        "scenarios/erlang_c.toml",
        "--staffing",
        "staffing.toml",
    ]);
    let read = |path: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(folder.path().join(path)).unwrap()).unwrap()
    };
    let base = read("output/erlang_c/summary.json");
    let variant = read("output/erlang_c_staffing/summary.json");
    assert_eq!(base["scenario"], "erlang_c");
    assert_eq!(variant["scenario"], "erlang_c+staffing");
    assert_eq!(base["inputs"].as_array().unwrap().len(), 1);
    let inputs = variant["inputs"].as_array().unwrap();
    assert_eq!(inputs[0]["role"], "scenario");
    assert_eq!(inputs[0]["path"], "scenarios/erlang_c.toml");
    assert_eq!(inputs[0]["sha256"], base["inputs"][0]["sha256"]);
    assert_eq!(inputs[1]["role"], "staffing");
    assert_eq!(inputs[1]["path"], "staffing.toml");
    assert_eq!(inputs[1]["bytes"], 31);
    assert_eq!(
        inputs[1]["sha256"],
        "964368164ab043032923b52def5134a4e109d9848e574aed7060ae079f6e4eb0"
    );
}

/// `run --carry-over PREVIOUS/summary.json`: the work a week left (waiting and in service at
/// its end, rounded means) waits from the start of the next, on the same customers: every
/// replication offers exactly that many more. It is recorded as an input; a summary naming a
/// channel the scenario lacks is refused with exit 2.
#[test]
fn carry_over_starts_a_run_with_the_work_the_last_one_left() {
    let folder = tempfile::tempdir().unwrap();
    let scenario = "[simulation]\nhorizon = \"2d\"\ninterval = \"1h\"\nreplications = 3\nseed = 4\n\n\
        [channels.email]\nkind = \"async\"\nsla = { within = \"4h\", target = 0.9 }\n\
        handle_time = { distribution = \"exponential\", mean = \"20m\" }\n\n\
        [arrivals.email]\nrate_per_hour = 9\n\n[groups.team]\nchannels = [\"email\"]\nheadcount = 2\n";
    std::fs::write(folder.path().join("week.toml"), scenario).unwrap();
    let omnisim = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_omnisim"))
            .args(args)
            .args(["--no-charts", "--quiet"])
            .current_dir(folder.path())
            .output()
            .unwrap()
    };
    let read = |path: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(folder.path().join(path)).unwrap()).unwrap()
    };
    assert!(
        omnisim(&["run", "week.toml", "--out", "first"])
            .status
            .success()
    );
    let first = read("first/summary.json");
    let left = |m: &serde_json::Value| {
        (m["waiting_at_end"]["mean"].as_f64().unwrap()
            + m["in_service_at_end"]["mean"].as_f64().unwrap())
        .round()
    };
    let carried = left(&first["channels"][0]["metrics"]);
    assert!(carried > 10.0, "an overloaded week leaves work: {carried}");
    let output = omnisim(&[
        "run",
        "week.toml",
        "--carry-over",
        "first/summary.json",
        "--out",
        "second",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let second = read("second/summary.json");
    let offered = |s: &serde_json::Value| {
        s["channels"][0]["metrics"]["offered"]["mean"]
            .as_f64()
            .unwrap()
    };
    assert!((offered(&second) - offered(&first) - carried).abs() < 1e-9);
    let inputs = second["inputs"].as_array().unwrap();
    assert_eq!(inputs.last().unwrap()["role"], "carry_over");
    assert_eq!(inputs.last().unwrap()["path"], "first/summary.json");

    std::fs::write(
        folder.path().join("other.toml"),
        scenario.replace("email", "tickets"),
    )
    .unwrap();
    let refused = omnisim(&["run", "other.toml", "--carry-over", "first/summary.json"]);
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("work was left on channels this scenario does not have: email"),
        "{stderr}"
    );
}
