//! Limits and the output folder through the real binary: absurd sizes are refused before any
//! work with the keys to change (exit 2, no output folder); special or outside files are
//! never read; an overloaded system finishes and says so; and an output folder always holds
//! one complete set of files, whatever happens to the run that writes it (a link planted in
//! it, a write that fails, Ctrl-C at any moment, a process killed outright).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support::omnisim;
use crate::validation::VALID;

fn stderr_of(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Writes `scenario` as `scenario.toml` in a fresh folder and runs
/// `omnisim run scenario.toml --out out --no-charts` there with `extra` arguments.
fn run_scenario(scenario: &str, extra: &[&str]) -> (tempfile::TempDir, Output) {
    let directory = tempfile::tempdir().unwrap();
    std::fs::write(directory.path().join("scenario.toml"), scenario).unwrap();
    let mut args = vec!["run", "scenario.toml", "--out", "out", "--no-charts"];
    args.extend_from_slice(extra);
    let output = omnisim(directory.path(), &args);
    (directory, output)
}

/// The warnings of a summary.json.
fn warnings_of(summary: &serde_json::Value) -> Vec<&str> {
    summary["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|warning| warning.as_str().unwrap())
        .collect()
}

/// Runs `scenario` (`run_scenario`) and checks exit 2, every fragment in stderr, no panic
/// and no output.
#[track_caller]
fn check_refused(scenario: &str, extra: &[&str], fragments: &[&str]) {
    let (directory, output) = run_scenario(scenario, extra);
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(2), "exit code; stderr: {stderr}");
    for fragment in fragments {
        assert!(
            stderr.contains(fragment),
            "stderr lacks {fragment:?}:\n{stderr}"
        );
    }
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!directory.path().join("out").exists(), "output was written");
}

fn replace(from: &str, to: &str) -> String {
    assert!(VALID.contains(from), "{from}");
    VALID.replacen(from, to, 1)
}

#[test]
fn absurd_sizes_are_refused_before_any_work() {
    // A year of 16-second intervals: millions of interval rows, an out-of-memory kill before.
    check_refused(
        &replace("horizon = \"1d\"", "horizon = \"366d\"")
            .replace("interval = \"30m\"", "interval = \"16s\""),
        &[],
        &[
            "of memory, more than the",
            "simulation.interval = \"16s\" over simulation.horizon = \"366d\"",
            "to fit, use simulation.interval = ",
            "--allow-large",
        ],
    );
    // `run` folds each replication into the report as it finishes: ten thousand
    // replications hold no more interval counters than two (one per thread), so the
    // refusal names the intervals and threads, and never suggests fewer replications.
    check_refused(
        &replace("horizon = \"1d\"", "horizon = \"366d\"")
            .replace("interval = \"30m\"", "interval = \"16s\"")
            .replace("replications = 2", "replications = 10000"),
        &["--threads", "2"],
        &[
            "x 2 replications held at once (one per thread, --threads",
            "to fit, use simulation.interval = ",
        ],
    );
    // A billion contacts in each of ten replications: hours of work, refused for time.
    check_refused(
        &replace("daily_volume = 100", "daily_volume = 100000000")
            .replace("horizon = \"1d\"", "horizon = \"10d\"")
            .replace("interval = \"30m\"", "interval = \"1d\"")
            .replace("replications = 2", "replications = 10")
            .replace("headcount = 3", "headcount = 1000000"),
        &["--threads", "1"],
        &[
            "this run would take about",
            "1,000,000,000 contacts per replication from [arrivals] x 10 replications",
            "--allow-large",
        ],
    );
    // Numbers the engine would turn into a panic or an endless run.
    check_refused(
        &replace(
            "distribution = \"exponential\", mean = \"5m\"",
            "distribution = \"lognormal\", mean = \"5m\", cv = 1e200",
        ),
        &[],
        &[
            "channels.chat.handle_time.cv",
            "from 0.001 to 100; got 1e200",
        ],
    );
    check_refused(
        &replace(
            "distribution = \"exponential\", mean = \"5m\"",
            "distribution = \"gamma\", mean = \"5m\", shape = 1e-300",
        ),
        &[],
        &["channels.chat.handle_time.shape", "a gamma shape"],
    );
    check_refused(
        &replace("daily_volume = 100", "rate_per_hour = 1e307"),
        &[],
        &["arrivals.chat.rate_per_hour", "1e307"],
    );
}

#[test]
fn validate_prints_the_estimate_and_the_budget_verdict() {
    let directory = tempfile::tempdir().unwrap();
    std::fs::write(
        directory.path().join("scenario.toml"),
        replace("horizon = \"1d\"", "horizon = \"200d\"")
            .replace("interval = \"30m\"", "interval = \"16s\""),
    )
    .unwrap();
    let output = omnisim(directory.path(), &["validate", "scenario.toml"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert!(
        stdout.contains("`omnisim run` estimate: about 20,000 contacts per replication")
            && stdout.contains("needs --allow-large"),
        "{stdout}"
    );
}

#[test]
fn threads_above_the_cores_are_lowered_with_a_note() {
    let (directory, output) = run_scenario(VALID, &["--threads", "10000"]);
    let stderr = stderr_of(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("note: --threads 10000 is more than the"),
        "{stderr}"
    );
    assert!(directory.path().join("out/summary.json").is_file());
}

/// A scenario whose tier1 headcount comes from `file`, validated (with `extra` arguments).
fn validate_with_headcount_file(directory: &Path, file: &str, extra: &[&str]) -> Output {
    std::fs::write(
        directory.join("scenario.toml"),
        replace("headcount = 3", &format!("headcount_file = \"{file}\"")),
    )
    .unwrap();
    let mut args = vec!["validate", "scenario.toml"];
    args.extend_from_slice(extra);
    omnisim(directory, &args)
}

#[test]
fn files_outside_the_scenario_folder_or_not_regular_are_never_read() {
    let directory = tempfile::tempdir().unwrap();
    let scenario_folder = directory.path().join("scenarios");
    std::fs::create_dir(&scenario_folder).unwrap();
    std::fs::write(
        directory.path().join("secret.csv"),
        "start,tier1\n00:00,3\n",
    )
    .unwrap();

    let output = validate_with_headcount_file(&scenario_folder, "../secret.csv", &[]);
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("groups.tier1.headcount_file") && stderr.contains("--allow-outside"),
        "{stderr}"
    );
    let output =
        validate_with_headcount_file(&scenario_folder, "../secret.csv", &["--allow-outside"]);
    assert!(output.status.success(), "{}", stderr_of(&output));

    // A device would be read for ever; it is refused as not a regular file.
    let output = validate_with_headcount_file(&scenario_folder, "/dev/zero", &["--allow-outside"]);
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("not a regular file"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn a_named_pipe_is_refused_without_waiting_for_a_writer() {
    let directory = tempfile::tempdir().unwrap();
    let fifo = directory.path().join("staff.csv");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    // Opening a FIFO for reading blocks until a writer comes; the check is made before.
    let output = validate_with_headcount_file(directory.path(), "staff.csv", &[]);
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("not a regular file"), "{stderr}");
}

/// A work folder holding a short valid scenario (`VALID`) and one that runs for a few
/// seconds (`slow.toml`), each writing a different set into `out`.
struct OutputFolder {
    directory: tempfile::TempDir,
}

impl OutputFolder {
    fn new() -> OutputFolder {
        let directory = tempfile::tempdir().unwrap();
        std::fs::write(directory.path().join("quick.toml"), VALID).unwrap();
        std::fs::write(
            directory.path().join("slow.toml"),
            replace("replications = 2", "replications = 200")
                .replace("seed = 1", "seed = 2")
                .replace("daily_volume = 100", "daily_volume = 20000")
                .replace("headcount = 3", "headcount = 40"),
        )
        .unwrap();
        OutputFolder { directory }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.directory.path().join(name)
    }

    fn run(&self, scenario: &str, extra: &[&str]) -> Output {
        let mut args = vec!["run", scenario, "--out", "out"];
        args.extend_from_slice(extra);
        omnisim(self.directory.path(), &args)
    }

    /// The files in `out` (sorted), after checking that it holds exactly one complete set:
    /// every file its manifest lists, a summary.json that parses, and no temporaries beside.
    fn complete_set(&self) -> Vec<String> {
        let out = self.path("out");
        let manifest = std::fs::read_to_string(out.join(".omnisim-outputs")).unwrap();
        for name in manifest.lines() {
            assert!(out.join(name).is_file(), "{name} is listed but missing");
        }
        let summary = std::fs::read_to_string(out.join("summary.json")).unwrap();
        serde_json::from_str::<serde_json::Value>(&summary).expect("summary.json is whole");
        let mut names: Vec<String> = std::fs::read_dir(&out)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    fn temporaries(&self) -> Vec<String> {
        std::fs::read_dir(self.directory.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.contains(".omnisim-tmp-"))
            .collect()
    }

    fn summary_seed(&self) -> u64 {
        let summary = std::fs::read_to_string(self.path("out/summary.json")).unwrap();
        let value: serde_json::Value = serde_json::from_str(&summary).unwrap();
        value["seed"].as_u64().expect("summary.json has a seed")
    }
}

#[test]
fn a_rerun_replaces_the_set_and_keeps_what_omnisim_did_not_write() {
    let folder = OutputFolder::new();
    assert!(folder.run("quick.toml", &[]).status.success());
    let with_charts = folder.complete_set();
    assert!(with_charts.iter().any(|name| name.ends_with(".svg")));
    // A file the user put there (a JUnit report from another tool) is kept.
    std::fs::write(folder.path("out/junit.xml"), "<testsuites/>").unwrap();

    let output = folder.run("quick.toml", &["--no-charts"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let without = folder.complete_set();
    assert!(
        !without.iter().any(|name| name.ends_with(".svg")),
        "the previous run's charts are stale and must go: {without:?}"
    );
    assert!(without.contains(&"junit.xml".to_string()), "{without:?}");
    assert!(folder.temporaries().is_empty());
}

#[cfg(unix)]
#[test]
fn a_link_planted_in_the_output_folder_is_refused_and_never_followed() {
    let folder = OutputFolder::new();
    assert!(folder.run("quick.toml", &["--no-charts"]).status.success());
    let before = folder.complete_set();
    let victim = folder.path("victim.txt");
    std::fs::write(&victim, "precious").unwrap();
    std::fs::remove_file(folder.path("out/summary.json")).unwrap();
    std::os::unix::fs::symlink(&victim, folder.path("out/summary.json")).unwrap();

    let output = folder.run("quick.toml", &["--no-charts"]);
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("summary.json (a link), which omnisim did not write"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");

    // Once the link is gone the folder is an output folder again.
    std::fs::remove_file(folder.path("out/summary.json")).unwrap();
    let output = folder.run("quick.toml", &["--no-charts"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(folder.complete_set(), before);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
}

#[test]
fn a_write_that_fails_leaves_the_previous_set() {
    let folder = OutputFolder::new();
    assert!(folder.run("quick.toml", &["--no-charts"]).status.success());
    let before = folder.complete_set();
    // A folder where the new set has a file: the swap cannot carry it over, so it fails.
    std::fs::create_dir(folder.path("out/report.html")).unwrap();

    let output = folder.run("quick.toml", &[]);
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot write outputs")
            && stderr.contains("previous outputs are unchanged"),
        "{stderr}"
    );
    let mut after = folder.complete_set();
    after.retain(|name| name != "report.html");
    assert_eq!(after, before);
    assert!(
        folder.temporaries().is_empty(),
        "{:?}",
        folder.temporaries()
    );
}

#[test]
fn folders_that_are_not_output_folders_are_refused() {
    let folder = OutputFolder::new();
    std::fs::create_dir(folder.path("home")).unwrap();
    std::fs::write(folder.path("home/.bashrc"), "export PATH").unwrap();
    std::fs::write(folder.path("home/thesis.docx"), "years of work").unwrap();
    for (out, reason) in [
        ("home", "which omnisim did not write"),
        (".", "is the current folder or holds it"),
        ("..", "is the current folder or holds it"),
        ("quick.toml", "exists and is not a folder"),
    ] {
        let output = omnisim(
            folder.directory.path(),
            &["run", "quick.toml", "--out", out, "--no-charts"],
        );
        let stderr = stderr_of(&output);
        assert_eq!(output.status.code(), Some(2), "--out {out}: {stderr}");
        assert!(stderr.contains(reason), "--out {out}: {stderr}");
    }
    assert_eq!(
        std::fs::read_to_string(folder.path("home/thesis.docx")).unwrap(),
        "years of work"
    );
    assert!(folder.path("quick.toml").is_file());
}

/// Sends `signal` to the run after `delay_ms` and returns its output.
#[cfg(target_os = "linux")]
fn interrupted_run(folder: &OutputFolder, signal: &str, delay_ms: u64) -> Output {
    let child = Command::new(env!("CARGO_BIN_EXE_omnisim"))
        .args(["run", "slow.toml", "--out", "out", "--quiet"])
        .current_dir(folder.directory.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The delay counts from the moment the signal thread exists (a second thread in
    // /proc), so a slow start on a loaded machine does not turn into a kill before it.
    let tasks = PathBuf::from(format!("/proc/{}/task", child.id()));
    while tasks.exists() && std::fs::read_dir(&tasks).map_or(0, |entries| entries.count()) < 2 {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    std::thread::sleep(std::time::Duration::from_millis(delay_ms));
    let _ = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status();
    child.wait_with_output().unwrap()
}

#[cfg(target_os = "linux")]
#[test]
fn an_interrupted_run_leaves_the_previous_set_or_the_new_one() {
    let folder = OutputFolder::new();
    assert!(folder.run("quick.toml", &[]).status.success());
    let previous = folder.complete_set();
    // Signals at many moments, as fractions of an uninterrupted run's time: during the
    // simulation, the rendering, the writing, the swap, or after the end. Whatever the
    // moment, one complete set is in place.
    let started = std::time::Instant::now();
    let timing = omnisim(
        folder.directory.path(),
        &["run", "slow.toml", "--out", "timing", "--quiet"],
    );
    assert!(timing.status.success());
    let full_ms = started.elapsed().as_millis() as f64;
    for (fraction, signal, code) in [
        (0.0, "-INT", 130),
        (0.3, "-TERM", 143),
        (0.6, "-INT", 130),
        (0.8, "-TERM", 143),
        (0.9, "-INT", 130),
        (0.95, "-INT", 130),
        (0.98, "-TERM", 143),
        (1.0, "-INT", 130),
        (1.02, "-TERM", 143),
        (1.05, "-INT", 130),
        (1.1, "-INT", 130),
        (1.2, "-INT", 130),
    ] {
        let delay_ms = (fraction * full_ms) as u64;
        let output = interrupted_run(&folder, signal, delay_ms);
        let stderr = stderr_of(&output);
        assert!(!stderr.contains("panicked"), "{stderr}");
        let names = folder.complete_set();
        match output.status.code() {
            Some(0) => assert_eq!(folder.summary_seed(), 2, "a finished run wrote its set"),
            Some(got) => {
                assert_eq!(got, code, "{signal} after {delay_ms} ms: {stderr}");
                assert!(stderr.contains("interrupted"), "{stderr}");
                let seed = folder.summary_seed();
                assert!(seed == 1 || seed == 2);
                if seed == 1 {
                    assert_eq!(names, previous, "{signal} after {delay_ms} ms");
                }
            }
            None => panic!("{signal} after {delay_ms} ms: killed without cleaning up"),
        }
        assert!(
            folder.temporaries().is_empty(),
            "{signal} after {delay_ms} ms left {:?}",
            folder.temporaries()
        );
    }
}

#[cfg(unix)]
#[test]
fn a_run_killed_outright_is_cleaned_up_by_the_next() {
    let folder = OutputFolder::new();
    assert!(folder.run("quick.toml", &["--no-charts"]).status.success());
    let before = folder.complete_set();
    // What SIGKILL leaves mid-write: a temporary folder of a process that no longer exists.
    let stale = folder.path(".out.omnisim-tmp-999999999-AbCd12");
    std::fs::create_dir(&stale).unwrap();
    std::fs::write(stale.join("summary.json"), "{\"half").unwrap();
    assert_eq!(
        folder.complete_set(),
        before,
        "the set in place is untouched"
    );

    assert!(folder.run("quick.toml", &["--no-charts"]).status.success());
    assert!(
        !stale.exists(),
        "the next run removes the dead run's temporary"
    );
    assert!(folder.temporaries().is_empty());
}

#[test]
fn an_overloaded_system_without_patience_finishes_and_says_so() {
    let (directory, output) = run_scenario(
        &replace("daily_volume = 100", "daily_volume = 100000000").replace(
            "patience = { distribution = \"exponential\", mean = \"3m\" }",
            "",
        ),
        &[],
    );
    let stderr = stderr_of(&output);
    assert!(output.status.success(), "{stderr}");
    let shown = format!("{}{stderr}", String::from_utf8_lossy(&output.stdout));
    let summary: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(directory.path().join("out/summary.json")).unwrap(),
    )
    .unwrap();
    let warnings = warnings_of(&summary);
    assert!(
        warnings[0].starts_with(
            "unstable: 2 of 2 replications stopped early because more than 2,000,000 contacts"
        ),
        "{warnings:#?}"
    );
    assert!(
        warnings
            .iter()
            .any(|warning| warning.starts_with("overloaded channel chat")),
        "{warnings:#?}"
    );
    assert!(shown.contains("warning: unstable:"), "{shown}");
    let stopped = summary["stopped_replications"].as_array().unwrap();
    assert_eq!(stopped.len(), 2);
    for stop in stopped {
        let at = stop["stopped_at_seconds"].as_f64().unwrap();
        assert!(at > 0.0 && at < 86_400.0, "{stop}");
    }
}

#[test]
fn an_overloaded_channel_beside_an_idle_team_is_named() {
    // Phone at 1.5 times its team's capacity; the email team has little to do, so the
    // whole center has spare hours and only a per-channel comparison finds the overload.
    let scenario = r#"
[simulation]
horizon = "1d"
interval = "1h"
replications = 2
seed = 1

[channels.phone]
kind = "voice"
sla = { within = "20s", target = 0.8 }
handle_time = { distribution = "exponential", mean = "5m" }
patience = { distribution = "exponential", mean = "2m" }

[channels.email]
kind = "async"
sla = { within = "4h", target = 0.9 }
handle_time = { distribution = "exponential", mean = "5m" }

[arrivals.phone]
rate_per_hour = 180

[arrivals.email]
rate_per_hour = 12

[groups.phone_team]
headcount = 10
channels = ["phone"]

[groups.email_team]
headcount = 30
channels = ["email"]
"#;
    let (_directory, output) = run_scenario(scenario, &["--format", "json"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let warnings = warnings_of(&summary);
    let phone: Vec<&&str> = warnings
        .iter()
        .filter(|warning| warning.starts_with("overloaded channel phone"))
        .collect();
    assert_eq!(phone.len(), 1, "{warnings:#?}");
    // 180 an hour x 5 minutes = 15 agent-hours an hour for 10 agents: about 150% of capacity.
    assert!(
        phone[0].contains("(phone_team)") && phone[0].contains("% of the work"),
        "{}",
        phone[0]
    );
    assert!(
        !warnings.iter().any(|warning| warning.contains("email")),
        "{warnings:#?}"
    );
}

#[test]
fn a_scenario_file_over_the_size_cap_is_refused_unread() {
    let directory = tempfile::tempdir().unwrap();
    // A valid scenario padded with comments to just over 32 MiB.
    let mut text = VALID.to_string();
    let line = format!("# {}\n", "x".repeat(1022));
    while text.len() <= 32 * 1024 * 1024 {
        text.push_str(&line);
    }
    std::fs::write(directory.path().join("huge.toml"), text).unwrap();
    let output = omnisim(directory.path(), &["validate", "huge.toml"]);
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("huge.toml") && stderr.contains("MiB"),
        "{stderr}"
    );
}
