//! Every file the commands write, taken through the same library pipeline the binary runs
//! (`simulate::run`, `plan`, `run_sweep`, `erlang_report`, then `output::*`), as insta
//! snapshots in `tests/it/snapshots/`: a small run; the same run with disruptions, so the
//! paired run without them (and events.csv) is covered; a plan and a sweep of it; the
//! Erlang calculator; a comparison (one more agent) and the CI gate's checks in every format. Charts are pictures, checked image by image in `reports`; here their
//! file names are pinned and report.html's inline SVGs are replaced by a placeholder. After an
//! intended change, review the difference and accept it with `INSTA_UPDATE=always cargo test`
//! (or `cargo insta review`).

use omnisim::compare::{CompareSettings, compare};
use omnisim::erlang::report::{ErlangQuestion, erlang_report};
use omnisim::erlang::staffing::{QueueModel, StaffingTarget};
use omnisim::gate::{GateReport, assertion_checks, baseline_checks, parse_baseline};
use omnisim::output::compare::{compare_files, compare_table};
use omnisim::output::erlang::{erlang_json_bytes, erlang_text};
use omnisim::output::gate::{checks_json_bytes, checks_markdown, checks_text, junit_xml};
use omnisim::output::plan::{plan_files, plan_text};
use omnisim::output::run::run_files;
use omnisim::output::run::terminal::summary_table;
use omnisim::output::sweep::{sweep_files, sweep_table};
use omnisim::output::{Charts, OutputFile};
use omnisim::plan::report::plan_report;
use omnisim::plan::{PlanOptions, plan};
use omnisim::simulate::{self, Execution};
use omnisim::sweep::{SweepMode, SweepSpec, run_sweep};

use crate::support::{SMALL_RUN, parse};

/// The small run with a chat outage (backup email, SLA extension), an absence and a spike.
fn small_run_with_disruptions() -> String {
    format!(
        r#"{SMALL_RUN}
[[events]]
name = "chat_down"
kind = "channel_outage"
channel = "chat"
start = "mon 10:00"
duration = "2h"
backup = "email"
conversion = 0.6
notify_customers = true
sla_extension = "1h"

[[events]]
name = "email_sickout"
kind = "absence"
group = "email_team"
share = 0.34
start = "mon 14:00"
duration = "4h"

[[events]]
name = "evening_rush"
kind = "volume_spike"
channel = "chat"
multiplier = 2.0
start = "mon 18:00"
duration = "2h"
"#
    )
}

fn settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings
}

/// report.html with each inline chart replaced by a line naming its size (the charts are
/// checked as images elsewhere; their bytes would drown the page's text).
fn without_svgs(html: &str) -> String {
    let mut text = String::new();
    let mut rest = html;
    while let Some(start) = rest.find("<svg") {
        let end = rest[start..]
            .find("</svg>")
            .map_or(rest.len(), |e| start + e + 6);
        text.push_str(&rest[..start]);
        text.push_str(&format!("[inline SVG chart, {} bytes]", end - start));
        rest = &rest[end..];
    }
    text.push_str(rest);
    text
}

/// Snapshots of every text file as `<prefix>_<file>`, and the list of all file names.
#[track_caller]
fn check(prefix: &str, files: &[OutputFile]) {
    let names: Vec<&str> = files.iter().map(|file| file.name.as_str()).collect();
    settings().bind(|| {
        insta::assert_snapshot!(format!("{prefix}_files"), names.join("\n"));
        for file in files {
            let Some((stem, extension)) = file.name.rsplit_once('.') else {
                continue;
            };
            let text = String::from_utf8(file.bytes().into_owned()).unwrap_or_default();
            let text = match extension {
                "json" | "csv" | "toml" => text,
                "html" => without_svgs(&text),
                _ => continue,
            };
            insta::assert_snapshot!(format!("{prefix}_{stem}_{extension}"), text);
        }
    });
}

#[test]
fn run_files_and_dashboard() {
    let scenario = parse(SMALL_RUN);
    let report = simulate::run(&scenario, Execution::silent(Some(1))).unwrap();
    let files = run_files(&scenario, &report, Charts::Draw).unwrap();
    check("run", &files);
    settings().bind(|| {
        insta::assert_snapshot!("run_terminal", summary_table(&report.summary));
    });
}

#[test]
fn run_with_disruptions_against_the_paired_run_without_them() {
    let scenario = parse(&small_run_with_disruptions());
    let report = simulate::run(&scenario, Execution::silent(Some(2))).unwrap();
    let files = run_files(&scenario, &report, Charts::Draw).unwrap();
    assert!(files.iter().any(|file| file.name == "events.csv"));
    check("disruptions", &files);
    settings().bind(|| {
        insta::assert_snapshot!("disruptions_terminal", summary_table(&report.summary));
    });
}

#[test]
fn plan_files_and_text() {
    let scenario = parse(SMALL_RUN);
    let options = PlanOptions {
        confidence: 0.8,
        max_abandonment: Some(0.1),
        max_occupancy: None,
        shrinkage: 0.25,
        max_evaluations: 40,
        max_agents_per_interval: 20,
        compare_assignments: true,
        day_probability: None,
    };
    let found = plan(&scenario, &options, Execution::silent(Some(1))).unwrap();
    let report = plan_report(&scenario, &found);
    // Beside the plan, the scenario's own schedule: three agents each, all day.
    for group in &report.groups {
        assert_eq!(group.scheduled_agent_hours, 3.0 * 24.0, "{}", group.name);
        assert_eq!(
            group.scheduled_cost,
            group.cost_per_hour.map(|cost| cost * 72.0)
        );
    }
    let files = plan_files(&scenario, &found, &report, Charts::Draw).unwrap();
    check("plan", &files);
    settings().bind(|| {
        insta::assert_snapshot!("plan_terminal", plan_text(&scenario, &report));
    });
}

#[test]
fn sweep_files_and_table() {
    let scenario = parse(SMALL_RUN);
    let spec = SweepSpec {
        group_idx: 1,
        mode: SweepMode::Change,
        levels: vec![-2, -1, 0, 1],
    };
    let report = run_sweep(&scenario, &spec, Execution::silent(Some(1))).unwrap();
    let files = sweep_files(&report, Charts::Draw).unwrap();
    check("sweep", &files);
    settings().bind(|| {
        insta::assert_snapshot!("sweep_terminal", sweep_table(&report));
    });
}

#[test]
fn compare_files_and_table() {
    // The small run against the same run with one more chat agent.
    let base = parse(SMALL_RUN);
    let candidate = parse(&SMALL_RUN.replace(
        "headcount = 3\nconcurrency = 2",
        "headcount = 4\nconcurrency = 2",
    ));
    let comparison = compare(
        &base,
        &candidate,
        &CompareSettings::default(),
        Execution::silent(Some(1)),
    )
    .unwrap();
    let files = compare_files(&comparison, Charts::Draw).unwrap();
    check("compare", &files);
    settings().bind(|| {
        insta::assert_snapshot!("compare_terminal", compare_table(&comparison));
        let markdown = files.iter().find(|f| f.name == "compare.md").unwrap();
        insta::assert_snapshot!(
            "compare_markdown",
            String::from_utf8(markdown.bytes().into_owned()).unwrap()
        );
    });
}

#[test]
fn gate_checks_in_every_format() {
    // Assertions that pass, fail and are inconclusive, and a baseline with one agent more.
    let scenario = parse(&format!(
        "{SMALL_RUN}
[[assert]]
metric = \"sla_attainment\"
channel = \"chat\"
at_least = 0.5
[[assert]]
metric = \"asa_seconds\"
channel = \"chat\"
at_most = 1
[[assert]]
metric = \"occupancy\"
group = \"chat_team\"
at_most = 0.9
level = \"mean\"
"
    ));
    let report = simulate::run(&scenario, Execution::silent(Some(1))).unwrap();
    let better = parse(&SMALL_RUN.replace(
        "headcount = 3\nconcurrency = 2",
        "headcount = 4\nconcurrency = 2",
    ));
    let baseline_report = simulate::run(&better, Execution::silent(Some(1))).unwrap();
    let baseline_json = omnisim::output::run::summary_json_bytes(&baseline_report.summary);
    let baseline = parse_baseline(std::str::from_utf8(&baseline_json).unwrap()).unwrap();
    let mut checks = assertion_checks(&scenario, &report.summary);
    checks.extend(baseline_checks(&report.summary, &baseline, 0.01));
    let gate = GateReport::new(scenario.name(), checks, false);
    settings().bind(|| {
        insta::assert_snapshot!("gate_text", checks_text(&gate));
        insta::assert_snapshot!("gate_markdown", checks_markdown(&gate));
        insta::assert_snapshot!("gate_junit", junit_xml(&gate));
        insta::assert_snapshot!(
            "gate_checks_json",
            String::from_utf8(checks_json_bytes(&gate)).unwrap()
        );
    });
}

#[test]
fn erlang_json_and_text() {
    let report = erlang_report(&ErlangQuestion {
        model: QueueModel {
            arrival_rate: 100.0 / 1800.0,
            mean_handle_time: 180.0,
            mean_patience: Some(300.0),
            concurrency: 1,
        },
        targets: vec![
            StaffingTarget::ServiceLevel {
                threshold: 20.0,
                target: 0.8,
            },
            StaffingTarget::Abandonment { max_fraction: 0.03 },
        ],
        agents: Some(12),
        threshold: Some(20.0),
        shrinkage: 0.3,
        max_agents: 1_000_000,
    })
    .unwrap();
    settings().bind(|| {
        insta::assert_snapshot!(
            "erlang_json",
            String::from_utf8(erlang_json_bytes(&report)).unwrap()
        );
        insta::assert_snapshot!("erlang_terminal", erlang_text(&report));
    });
}
