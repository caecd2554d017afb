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
