//! Replays `tests/data/fuzz_regressions/`: scenarios that once crashed omnisim (found by
//! hand or by `bash fuzz/run`) and scenarios on a limit. Each file's first line says what
//! must happen now: `# expect: invalid at KEY (why)` or `# expect: runs (why)`.

use std::path::Path;

use omnisim::scenario::parse_scenario_str;

use crate::support::run_audited;

/// Checks one file against its expectation line.
#[track_caller]
fn check(path: &Path) {
    let text = std::fs::read_to_string(path).unwrap();
    let name = path.file_name().unwrap().to_string_lossy();
    let expectation = text
        .lines()
        .next()
        .and_then(|line| line.strip_prefix("# expect: "))
        .unwrap_or_else(|| panic!("{name}: the first line must be `# expect: ...`"));
    let parsed = parse_scenario_str(&text, &name);
    if let Some(rest) = expectation.strip_prefix("invalid at ") {
        let key = rest.split_whitespace().next().unwrap();
        match parsed {
            Ok(_) => panic!("{name}: validated, but must be refused at {key}"),
            Err(problems) => assert!(
                problems.iter().any(|problem| problem.key == key),
                "{name}: refused, but not at {key}: {problems:#?}"
            ),
        }
    } else if expectation.starts_with("runs") {
        let scenario = parsed.unwrap_or_else(|problems| panic!("{name}: {problems:#?}"));
        run_audited(&scenario, 1);
    } else {
        panic!("{name}: unknown expectation {expectation:?}");
    }
}

#[test]
fn every_regression_is_refused_or_runs_as_its_first_line_says() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz_regressions");
    let mut paths: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 8, "{} regressions found", paths.len());
    for path in &paths {
        check(path);
    }
}
