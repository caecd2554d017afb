//! The CI gate through the binary, as a CI job runs it: assertions that pass, fail and are
//! inconclusive with their exit codes (0, 3, and 3 only with `--strict`), JUnit XML parsed
//! back, a baseline regression found and an unchanged run passing, `$GITHUB_STEP_SUMMARY`
//! appended, bad assertion files refused with exit 2 naming the key, and
//! `compare --fail-on-worse`. One `omnisim()` runs the binary in a temporary folder.

use std::path::Path;
use std::process::{Command, Output};

/// One voice channel, eight hours, 30 Erlangs on 31 agents: SLA near 75%.
const SCENARIO: &str = r#"
name = "gate"

[simulation]
horizon = "8h"
interval = "1h"
replications = 10
seed = 4

[channels.phone]
kind = "voice"
sla = { within = "20s", target = 0.8 }
handle_time = { distribution = "exponential", mean = "3m" }
patience = { distribution = "exponential", mean = "4m" }

[arrivals.phone]
rate_per_hour = 600

[groups.agents]
channels = ["phone"]
headcount = 31
"#;

/// Runs omnisim in `dir` with `args` (and `env`), returning its output.
fn omnisim(dir: &Path, args: &[&str], env: &[(&str, &Path)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_omnisim"));
    command
        .current_dir(dir)
        .args(args)
        .env_remove("GITHUB_STEP_SUMMARY");
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[track_caller]
fn check_exit(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        text(&output.stdout),
        text(&output.stderr)
    );
}

/// A folder holding gate.toml (with `extra` appended) and the run's SLA mean and half-width.
fn setup(extra: &str) -> (tempfile::TempDir, f64, f64) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("gate.toml"), SCENARIO).unwrap();
    let output = omnisim(
        dir.path(),
        &[
            "run",
            "gate.toml",
            "--quiet",
            "--no-charts",
            "--out",
            "first",
        ],
        &[],
    );
    check_exit(&output, 0);
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("first/summary.json")).unwrap())
            .unwrap();
    let sla = &summary["channels"][0]["metrics"]["sla_attainment"];
    let (mean, ci95) = (sla["mean"].as_f64().unwrap(), sla["ci95"].as_f64().unwrap());
    std::fs::write(dir.path().join("gate.toml"), format!("{SCENARIO}\n{extra}")).unwrap();
    (dir, mean, ci95)
}

fn sla_assertion(at_least: f64, level: &str) -> String {
    format!(
        "[[assert]]\nmetric = \"sla_attainment\"\nchannel = \"phone\"\nat_least = {at_least}\nlevel = \"{level}\"\n"
    )
}

#[test]
fn assertions_pass_fail_and_are_inconclusive_with_their_exit_codes() {
    let (dir, mean, ci95) = setup("");
    assert!(ci95 > 0.001, "the run needs an interval to straddle");
    let run = |assertion: String, strict: bool| {
        std::fs::write(dir.path().join("checks.toml"), assertion).unwrap();
        let mut args = vec![
            "run",
            "gate.toml",
            "--assert",
            "checks.toml",
            "--quiet",
            "--no-charts",
            "--out",
            "out",
        ];
        if strict {
            args.push("--strict");
        }
        omnisim(dir.path(), &args, &[])
    };
    // The lower bound clears it: pass.
    let pass = run(sla_assertion(mean - 2.0 * ci95, "bound"), false);
    check_exit(&pass, 0);
    assert!(text(&pass.stdout).contains("gate: passed (1 passed, 0 failed, 0 inconclusive"));
    // Even the upper bound misses it: fail, exit 3, the reason printed.
    let fail = run(sla_assertion(mean + 2.0 * ci95, "bound"), false);
    check_exit(&fail, 3);
    assert!(
        text(&fail.stdout).contains("even the upper bound"),
        "{}",
        text(&fail.stdout)
    );
    assert!(text(&fail.stderr).contains("error: 1 check(s) failed"));
    // The threshold inside the interval: inconclusive, which fails only with --strict.
    let straddling = sla_assertion(mean + 0.5 * ci95, "bound");
    let inconclusive = run(straddling.clone(), false);
    check_exit(&inconclusive, 0);
    assert!(text(&inconclusive.stdout).contains("INCONCLUSIVE"));
    let strict = run(straddling, true);
    check_exit(&strict, 3);
    assert!(text(&strict.stderr).contains("inconclusive, and --strict is set"));
    // level = "mean" judges the point estimate: the same threshold now fails outright.
    check_exit(&run(sla_assertion(mean + 0.5 * ci95, "mean"), false), 3);
    check_exit(&run(sla_assertion(mean - 0.5 * ci95, "mean"), false), 0);
    // checks.json beside summary.json says the same.
    let checks: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("out/checks.json")).unwrap())
            .unwrap();
    assert_eq!(checks["passed"], true);
    assert_eq!(checks["checks"][0]["outcome"], "pass");
}

#[test]
fn assertions_in_the_scenario_gate_a_plain_run() {
    // SLA is near 75%: a scenario asserting 99% fails its own run, which still writes its files.
    let (dir, mean, _) = setup(&sla_assertion(0.99, "mean"));
    assert!(mean < 0.9);
    let output = omnisim(
        dir.path(),
        &["run", "gate.toml", "--quiet", "--no-charts", "--out", "out"],
        &[],
    );
    check_exit(&output, 3);
    assert!(dir.path().join("out/summary.json").exists());
    assert!(dir.path().join("out/checks.json").exists());
}

#[test]
fn junit_xml_parses_back_with_the_right_counts() {
    let (dir, mean, ci95) = setup("");
    let assertions = [
        sla_assertion(mean - 2.0 * ci95, "bound"),
        sla_assertion(mean + 2.0 * ci95, "bound"),
        sla_assertion(mean + 0.5 * ci95, "bound"),
        "[[assert]]\nmetric = \"occupancy\"\ngroup = \"agents\"\nat_most = 1.0\n".to_string(),
    ]
    .join("\n");
    std::fs::write(dir.path().join("checks.toml"), assertions).unwrap();
    for (strict, failures, skipped) in [(false, 1, 1), (true, 2, 0)] {
        let mut args = vec![
            "run",
            "gate.toml",
            "--assert",
            "checks.toml",
            "--junit",
            "reports/junit.xml",
            "--quiet",
            "--no-charts",
            "--out",
            "out",
        ];
        if strict {
            args.push("--strict");
        }
        check_exit(&omnisim(dir.path(), &args, &[]), 3);
        let xml = std::fs::read_to_string(dir.path().join("reports/junit.xml")).unwrap();
        let document = roxmltree::Document::parse(&xml).unwrap();
        let suites = document.root_element();
        assert_eq!(suites.tag_name().name(), "testsuites");
        let attribute = |name: &str| suites.attribute(name).unwrap().parse::<usize>().unwrap();
        assert_eq!(
            (
                attribute("tests"),
                attribute("failures"),
                attribute("skipped")
            ),
            (4, failures, skipped),
            "{xml}"
        );
        let cases: Vec<_> = document
            .descendants()
            .filter(|node| node.has_tag_name("testcase"))
            .collect();
        assert_eq!(cases.len(), 4);
        let failed: Vec<_> = cases
            .iter()
            .filter_map(|case| case.children().find(|c| c.has_tag_name("failure")))
            .collect();
        assert_eq!(failed.len(), failures);
        assert!(
            failed[0]
                .attribute("message")
                .unwrap()
                .contains("even the upper bound")
        );
        for case in &cases {
            let name = case.attribute("name").unwrap();
            assert!(
                name.starts_with("channel phone: sla_attainment at least ")
                    || name == "group agents: occupancy at most 100.0% (95% bound)",
                "{name}"
            );
        }
    }
}

#[test]
fn a_baseline_regression_is_found_and_an_unchanged_run_passes() {
    let (dir, _, _) = setup("");
    let baseline = "first/summary.json";
    // The same scenario and seed: paired, every difference zero, everything passes.
    let same = omnisim(
        dir.path(),
        &[
            "run",
            "gate.toml",
            "--baseline",
            baseline,
            "--quiet",
            "--no-charts",
            "--out",
            "same",
        ],
        &[],
    );
    check_exit(&same, 0);
    let stdout = text(&same.stdout);
    assert!(stdout.contains("gate: passed"), "{stdout}");
    assert!(!stdout.contains("INCONCLUSIVE"), "{stdout}");
    // Two agents fewer: SLA, waits and abandonment significantly worse than the baseline.
    std::fs::write(
        dir.path().join("fewer.toml"),
        "[groups.agents]\nheadcount = 29\n",
    )
    .unwrap();
    let step_summary = dir.path().join("step_summary.md");
    std::fs::write(&step_summary, "earlier steps\n").unwrap();
    let worse = omnisim(
        dir.path(),
        &[
            "run",
            "gate.toml",
            "--with",
            "fewer.toml",
            "--baseline",
            baseline,
            "--quiet",
            "--no-charts",
            "--out",
            "worse",
        ],
        &[("GITHUB_STEP_SUMMARY", &step_summary)],
    );
    check_exit(&worse, 3);
    let stdout = text(&worse.stdout);
    for line in [
        "FAIL         channel phone: sla_attainment against the baseline",
        "FAIL         channel phone: abandonment_rate against the baseline",
        "(paired with the baseline's replications); significantly lower (worse) by more than the 1.0 pts allowed",
    ] {
        assert!(stdout.contains(line), "{line}\n{stdout}");
    }
    // GitHub's step summary got the table, after what was there.
    let summary = std::fs::read_to_string(&step_summary).unwrap();
    assert!(summary.starts_with("earlier steps\n### omnisim checks: gate+fewer **failed**"));
    assert!(summary.contains("| **FAIL** | channel phone: sla_attainment against the baseline |"));
    // A generous tolerance lets the same change through.
    let tolerated = omnisim(
        dir.path(),
        &[
            "run",
            "gate.toml",
            "--with",
            "fewer.toml",
            "--baseline",
            baseline,
            "--tolerance",
            "10",
            "--quiet",
            "--no-charts",
            "--out",
            "worse",
        ],
        &[],
    );
    check_exit(&tolerated, 0);
    // Another seed: the runs cannot be paired, so Welch's interval is used, and said.
    let other_seed = omnisim(
        dir.path(),
        &[
            "run",
            "gate.toml",
            "--seed",
            "99",
            "--baseline",
            baseline,
            "--quiet",
            "--no-charts",
            "--out",
            "seed",
        ],
        &[],
    );
    let checks = std::fs::read_to_string(dir.path().join("seed/checks.json")).unwrap();
    assert!(
        checks.contains("unpaired: the baseline used another seed"),
        "{checks}"
    );
    assert!(other_seed.status.code() == Some(0) || other_seed.status.code() == Some(3));
}

#[test]
fn bad_assertion_files_and_baselines_exit_2_naming_the_key() {
    let (dir, _, _) = setup("");
    // Each problem as cargo shows an error: the reason, the file:line:column, and the
    // offending value underlined with its key path.
    for (file, fragments) in [
        (
            "[[assert]]\nmetric = \"sla\"\nchannel = \"phone\"\nat_least = 0.8\n",
            &[
                "error: unknown metric \"sla\"",
                "--> checks.toml:2:10",
                "^^^^^ assert[0].metric",
            ][..],
        ),
        (
            "[[assert]]\nmetric = \"sla_attainment\"\nchannel = \"chat\"\nat_least = 0.8\n",
            &[
                "error: no channel named \"chat\"; channels are: phone",
                "--> checks.toml:3:11",
                "assert[0].channel",
            ],
        ),
        (
            "[[assert]]\nmetric = \"sla_attainment\"\nchannel = \"phone\"\nat_least = 80\n",
            &[
                "sla_attainment is a share from 0 to 1 (0.8 for 80%), got 80",
                "checks.toml:4:12",
                "^^ assert[0].at_least",
            ],
        ),
        (
            "[[assert]]\nmetric = \"sla_attainment\"\nchannel = \"phone\"\nat_leats = 0.8\n",
            &[
                "unknown field `at_leats`",
                "did you mean `at_least`?",
                "--> checks.toml:4:1",
                "assert[0].at_leats",
            ],
        ),
        ("[[assert]\n", &["--> checks.toml:1:"]),
    ] {
        std::fs::write(dir.path().join("checks.toml"), file).unwrap();
        let output = omnisim(
            dir.path(),
            &[
                "run",
                "gate.toml",
                "--assert",
                "checks.toml",
                "--quiet",
                "--no-charts",
                "--out",
                "bad",
            ],
            &[],
        );
        check_exit(&output, 2);
        for fragment in fragments {
            assert!(
                text(&output.stderr).contains(fragment),
                "{fragment}\n{}",
                text(&output.stderr)
            );
        }
        assert!(!dir.path().join("bad").exists(), "nothing is written");
    }
    let missing = omnisim(
        dir.path(),
        &[
            "run",
            "gate.toml",
            "--assert",
            "nowhere.toml",
            "--quiet",
            "--out",
            "bad",
        ],
        &[],
    );
    check_exit(&missing, 2);
    std::fs::write(dir.path().join("not_summary.json"), "{\"seed\": 1}").unwrap();
    for (baseline, fragment) in [
        (
            "not_summary.json",
            "--baseline not_summary.json: not an omnisim summary.json: missing field",
        ),
        (
            "gate.toml",
            "--baseline gate.toml: not an omnisim summary.json",
        ),
        ("nowhere.json", "--baseline nowhere.json: No such file"),
    ] {
        let output = omnisim(
            dir.path(),
            &[
                "run",
                "gate.toml",
                "--baseline",
                baseline,
                "--quiet",
                "--out",
                "bad",
            ],
            &[],
        );
        check_exit(&output, 2);
        assert!(
            text(&output.stderr).contains(fragment),
            "{fragment}\n{}",
            text(&output.stderr)
        );
        assert!(!dir.path().join("bad").exists());
    }
}

#[test]
fn compare_fails_on_worse_only_when_asked_and_explains_bad_arguments() {
    let (dir, _, _) = setup("");
    std::fs::write(
        dir.path().join("fewer.toml"),
        "[groups.agents]\nheadcount = 29\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("more.toml"),
        "[groups.agents]\nheadcount = 33\n",
    )
    .unwrap();
    let compare = |overlay: &str, extra: &[&str]| {
        let mut args = vec![
            "compare",
            "gate.toml",
            "--with",
            overlay,
            "--quiet",
            "--no-charts",
            "--out",
            "cmp",
        ];
        args.extend_from_slice(extra);
        omnisim(dir.path(), &args, &[])
    };
    let worse = compare("fewer.toml", &["--fail-on-worse", "--junit", "compare.xml"]);
    check_exit(&worse, 3);
    assert!(text(&worse.stdout).contains("sla_attainment"));
    let xml = std::fs::read_to_string(dir.path().join("compare.xml")).unwrap();
    let document = roxmltree::Document::parse(&xml).unwrap();
    let failures = document
        .descendants()
        .filter(|node| node.has_tag_name("failure"))
        .count();
    assert!(failures >= 3, "{xml}");
    for file in [
        "compare.json",
        "compare.csv",
        "compare_intervals.csv",
        "compare.md",
    ] {
        assert!(dir.path().join("cmp").join(file).exists(), "{file}");
    }
    assert!(
        text(&worse.stdout).contains("FAIL         channel phone: sla_attainment not worse"),
        "{}",
        text(&worse.stdout)
    );
    check_exit(&compare("fewer.toml", &[]), 0);
    // Worse, but within a generous tolerance (50 points, 5000%): the gate lets it through.
    check_exit(
        &compare("fewer.toml", &["--fail-on-worse", "--tolerance", "50"]),
        0,
    );
    check_exit(&compare("more.toml", &["--fail-on-worse"]), 0);
    // Nothing to compare, a different horizon, an unknown metric: exit 2.
    let alone = omnisim(dir.path(), &["compare", "gate.toml"], &[]);
    check_exit(&alone, 2);
    assert!(text(&alone.stderr).contains("nothing to compare"));
    std::fs::write(
        dir.path().join("longer.toml"),
        "[simulation]\nhorizon = \"9h\"\n",
    )
    .unwrap();
    let longer = compare("longer.toml", &[]);
    check_exit(&longer, 2);
    assert!(
        text(&longer.stderr)
            .contains("simulation.horizon: the candidate's 9h differs from the base's 8h")
    );
    let unknown = compare("more.toml", &["--metric", "speed"]);
    check_exit(&unknown, 2);
    assert!(text(&unknown.stderr).contains("--metric speed: unknown metric"));
    let unknown = compare("more.toml", &["--channel", "chat"]);
    check_exit(&unknown, 2);
    assert!(
        text(&unknown.stderr)
            .contains("--channel chat: the base scenario has no such channel; it has: phone")
    );
}
