//! How a scenario's problems reach the user, through the binary: rendered as cargo renders a
//! compile error (snapshot), as JSON lines with `--message-format json` (every field a tool
//! needs), located in the overlay that wrote the key, with "did you mean" for misspelt keys
//! and names, and never the same problem twice.

use std::path::Path;
use std::process::{Command, Output};

use crate::validation::VALID;

/// `omnisim ARGS` run in `folder`, so paths in messages are the short ones given.
fn omnisim(folder: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_omnisim"))
        .args(args)
        .current_dir(folder)
        .env_remove("NO_COLOR")
        .output()
        .unwrap()
}

/// A copy of the valid scenario with each `(from, to)` replaced once.
fn broken(replacements: &[(&str, &str)]) -> String {
    let mut text = VALID.to_string();
    for (from, to) in replacements {
        assert!(text.contains(from), "{from}");
        text = text.replacen(from, to, 1);
    }
    text
}

/// A scenario with four mistakes a person makes: a month for a minute, a misspelt channel
/// name twice (a table's name and a list entry), and a percentage for a share.
fn four_mistakes() -> String {
    broken(&[
        ("within = \"2m\"", "within = \"2M\""),
        ("[arrivals.chat]", "[arrivals.caht]"),
        ("channels = [\"chat\"]", "channels = [\"chat\", \"chta\"]"),
        ("target = 0.8", "target = 80"),
    ])
}

#[test]
fn problems_are_rendered_like_compile_errors() {
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(folder.path().join("center.toml"), four_mistakes()).unwrap();
    let output = omnisim(folder.path(), &["validate", "center.toml"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(!stderr.contains('\u{1b}'), "no colour when not a terminal");
    insta::assert_snapshot!("rendered_diagnostic", stderr);
}

/// The JSON lines of `omnisim validate --message-format json` on `text`, parsed.
fn json_problems(folder: &Path, args: &[&str]) -> Vec<serde_json::Value> {
    let output = omnisim(folder, args);
    assert_eq!(output.status.code(), Some(2));
    String::from_utf8(output.stderr)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .collect()
}

#[test]
fn json_messages_carry_file_line_column_and_key() {
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(folder.path().join("center.toml"), four_mistakes()).unwrap();
    let lines = json_problems(
        folder.path(),
        &["validate", "center.toml", "--message-format", "json"],
    );
    let (last, problems) = lines.split_last().unwrap();
    assert_eq!(last["level"], "error");
    assert_eq!(last["message"], "4 problem(s) in center.toml");
    assert!(last["hint"].as_str().unwrap().contains("fix the keys"));
    let line_of = |fragment: &str| {
        four_mistakes()
            .lines()
            .position(|line| line.contains(fragment))
            .unwrap()
            + 1
    };
    let expected = [
        ("channels.chat.sla.within", line_of("\"2M\"")),
        ("channels.chat.sla.target", line_of("target = 80")),
        ("arrivals.caht", line_of("[arrivals.caht]")),
        ("groups.tier1.channels[1]", line_of("\"chta\"")),
    ];
    let mut found: Vec<(String, usize)> = problems
        .iter()
        .map(|problem| {
            assert_eq!(problem["level"], "error");
            assert_eq!(problem["file"], "center.toml");
            assert!(problem["column"].as_u64().unwrap() >= 1);
            assert!(problem["end_column"].as_u64() > problem["column"].as_u64());
            let rendered = problem["rendered"].as_str().unwrap();
            assert!(rendered.contains(problem["message"].as_str().unwrap()));
            (
                problem["key"].as_str().unwrap().to_string(),
                problem["line"].as_u64().unwrap() as usize,
            )
        })
        .collect();
    found.sort();
    let mut expected: Vec<(String, usize)> = expected
        .iter()
        .map(|(key, line)| (key.to_string(), *line))
        .collect();
    expected.sort();
    assert_eq!(found, expected);
    let messages: Vec<&str> = problems
        .iter()
        .map(|p| p["message"].as_str().unwrap())
        .collect();
    let suggested = messages
        .iter()
        .filter(|m| m.contains("did you mean \"chat\"?"))
        .count();
    assert_eq!(suggested, 2, "{messages:?}");
}

#[test]
fn a_problem_an_overlay_wrote_is_shown_in_the_overlay() {
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(folder.path().join("base.toml"), VALID).unwrap();
    std::fs::write(
        folder.path().join("change.toml"),
        "# a change to chat's service level\n[channels.chat.sla]\nwithin = \"90M\"\n",
    )
    .unwrap();
    let lines = json_problems(
        folder.path(),
        &[
            "validate",
            "base.toml",
            "--with",
            "change.toml",
            "--message-format",
            "json",
        ],
    );
    assert_eq!(lines[0]["file"], "change.toml", "{lines:?}");
    assert_eq!(lines[0]["line"], 3);
    assert_eq!(lines[0]["column"], 10);
    assert_eq!(lines[0]["key"], "channels.chat.sla.within");
}

#[test]
fn misspelt_keys_get_a_suggestion() {
    let folder = tempfile::tempdir().unwrap();
    let text = broken(&[("handle_time", "handel_time")]);
    std::fs::write(folder.path().join("center.toml"), text).unwrap();
    let output = omnisim(folder.path(), &["validate", "center.toml"]);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("unknown field `handel_time`")
            && stderr.contains("did you mean `handle_time`?"),
        "{stderr}"
    );
}

/// Every shipped bad scenario (the fuzz regressions that are refused, and the one above)
/// lists each problem once.
#[test]
fn no_problem_is_reported_twice() {
    let regressions = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz_regressions");
    let folder = tempfile::tempdir().unwrap();
    let mut files = vec![("center.toml".to_string(), four_mistakes())];
    for entry in std::fs::read_dir(regressions).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            files.push((name, std::fs::read_to_string(&path).unwrap()));
        }
    }
    let mut refused = 0;
    for (name, text) in files {
        std::fs::write(folder.path().join(&name), text).unwrap();
        let output = omnisim(
            folder.path(),
            &["validate", &name, "--message-format", "json"],
        );
        if output.status.code() != Some(2) {
            continue;
        }
        refused += 1;
        let mut seen = std::collections::BTreeSet::new();
        for line in String::from_utf8(output.stderr).unwrap().lines() {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            let problem = (value["key"].to_string(), value["message"].to_string());
            assert!(seen.insert(problem.clone()), "{name}: twice: {problem:?}");
        }
    }
    assert!(refused >= 3, "only {refused} refused files were checked");
}

/// Each input that was once silently wrong is now refused through the binary with the place
/// it was written: `--> file:line:column`, the line, and the value underlined with its key.
/// (The shares pasted from a spreadsheet, accepted with a note, are in `bad_input`.)
#[test]
fn once_silent_mistakes_are_refused_where_they_are_written() {
    let half_hours = |rows: usize| -> String {
        let lines: String = (0..rows)
            .map(|idx| format!("{:02}:{:02},3\n", idx / 2, 30 * (idx % 2)))
            .collect();
        format!("start,tier1\n{lines}")
    };
    // (what replaces what in the valid scenario, the CSV beside it, the key, the written value)
    let cases: [(&str, &str, Option<String>, &str, &str); 4] = [
        (
            "within = \"2m\"",
            "within = \"2M\"",
            None,
            "channels.chat.sla.within",
            "\"2M\"",
        ),
        (
            "headcount = 3",
            "headcount_file = \"staff.csv\"",
            Some(half_hours(38)),
            "groups.tier1.headcount_file",
            "\"staff.csv\"",
        ),
        (
            "daily_volume = 100",
            "weekly_volume = 700\nday_shares = [0.35, 0.35, 0.35, 0, 0, 0, 0]",
            None,
            "arrivals.chat.day_shares",
            "[0.35, 0.35, 0.35, 0, 0, 0, 0]",
        ),
        (
            "mean = \"5m\"",
            "mean = \"2y\"",
            None,
            "channels.chat.handle_time.mean",
            "\"2y\"",
        ),
    ];
    for (from, to, csv, key, written) in cases {
        let folder = tempfile::tempdir().unwrap();
        std::fs::write(folder.path().join("center.toml"), broken(&[(from, to)])).unwrap();
        if let Some(csv) = csv {
            std::fs::write(folder.path().join("staff.csv"), csv).unwrap();
        }
        let output = omnisim(folder.path(), &["validate", "center.toml"]);
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(output.status.code(), Some(2), "{to}: {stderr}");
        let text = broken(&[(from, to)]);
        let line = text.lines().position(|l| l.contains(written)).unwrap() + 1;
        let column = text.lines().nth(line - 1).unwrap().find(written).unwrap() + 1;
        assert!(
            stderr.contains(&format!("--> center.toml:{line}:{column}\n")),
            "{to}: {stderr}"
        );
        let underline = format!("{} {key}", "^".repeat(written.chars().count()));
        assert!(stderr.contains(&underline), "{to}: {underline}\n{stderr}");
    }
}
