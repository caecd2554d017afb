//! `omnisim compare`: load the base and the candidate (another file, or the base with
//! `--with` overlays and `--staffing`), check they measure the same period, run both on the
//! base's seed and replications (batch after batch with `--until-decided`), write the
//! comparison files, print the table or compare.json; with `--fail-on-worse` or `--junit`,
//! the gate: JUnit XML, and exit code 3 when a metric is worse.

use std::path::Path;

use omnisim::compare::{CompareSettings, Comparison, compare as run_comparison, incomparable};
use omnisim::gate::{GateReport, comparison_checks};
use omnisim::metric::{Metric, Scope};
use omnisim::output::OutputFile;
use omnisim::output::compare::{compare_files, compare_table};
use omnisim::output::gate::{checks_json_bytes, checks_markdown, junit_xml};
use omnisim::scenario::Limits;
use omnisim::scenario::Scenario;

use super::args::{CompareArgs, SimulationArgs};
use super::files::{check_output_folder, file_bytes, print_result, write_outputs};
use super::scenario_args::{
    check_budget, directory_name, load_scenario, output_folder, with_progress,
};
use super::{CliError, chart_failure, gate};
use omnisim::budget::Workload;

/// How many times the scenario's replications `--until-decided` runs at most by default.
const DEFAULT_CAP_FACTOR: u32 = 10;

/// The two scenarios and what to compare, checked, before anything runs.
pub(super) struct PreparedComparison {
    pub base: Scenario,
    pub candidate: Scenario,
    pub settings: CompareSettings,
}

pub fn compare(args: &CompareArgs) -> Result<(), CliError> {
    let prepared = prepare(args)?;
    if let Some(shard) = &args.shard {
        return super::shards::compare_shard(args, &prepared, shard);
    }
    let replications = prepared.base.simulation().replications;
    let steps = 2 * u64::from(prepared.settings.until_decided.unwrap_or(replications));
    let comparison = with_progress(
        &args.simulation,
        steps,
        "replications (base and candidate)",
        |execution| {
            run_comparison(
                &prepared.base,
                &prepared.candidate,
                &prepared.settings,
                execution,
            )
        },
    )?;
    finish(args, &prepared, comparison)
}

/// Loads both sides and checks the comparison can be made (and, with `--out`, written).
pub(super) fn prepare(args: &CompareArgs) -> Result<PreparedComparison, CliError> {
    let simulation = &args.simulation;
    if args.candidate.is_none() && simulation.overlays.is_empty() && simulation.staffing.is_none() {
        return Err(CliError::bad_input(
            "nothing to compare: give a CANDIDATE scenario file, --with OVERLAY or --staffing FILE",
        ));
    }
    let base = load_scenario(&SimulationArgs {
        overlays: Vec::new(),
        staffing: None,
        ..simulation.clone()
    })?;
    let candidate = load_scenario(&SimulationArgs {
        scenario: args
            .candidate
            .clone()
            .unwrap_or_else(|| simulation.scenario.clone()),
        ..simulation.clone()
    })?;
    check_budget(simulation, &base, Workload::run)?;
    check_budget(simulation, &candidate, Workload::run)?;
    let problems = incomparable(&base, &candidate);
    if !problems.is_empty() {
        return Err(CliError::bad_input(problems.join("\n")).with_hint(
            "compare scenarios over the same horizon, interval and warm-up (an overlay should change routing or staffing, not [simulation])",
        ));
    }
    let metrics = args
        .metrics
        .iter()
        .map(|name| compared_metric(name))
        .collect::<Result<Vec<_>, _>>()?;
    let replications = base.simulation().replications;
    let until_decided = if args.until_decided {
        let cap = args
            .max_replications
            .unwrap_or(replications.saturating_mul(DEFAULT_CAP_FACTOR))
            .min(Limits::MAX_REPLICATIONS);
        if cap < replications {
            return Err(CliError::bad_input(format!(
                "--max-replications {cap} is below the scenario's {replications} replications"
            )));
        }
        Some(cap)
    } else {
        None
    };
    let mut subjects = Vec::new();
    for (flag, names, known) in [
        (
            "--channel",
            &args.channels,
            base.channels()
                .iter()
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>(),
        ),
        (
            "--group",
            &args.groups,
            base.groups().iter().map(|g| g.name.as_str()).collect(),
        ),
    ] {
        for name in names {
            if !known.contains(&name.as_str()) {
                return Err(CliError::bad_input(format!(
                    "{flag} {name}: the base scenario has no such {}; it has: {}",
                    &flag[2..],
                    known.join(", ")
                )));
            }
            subjects.push(name.clone());
        }
    }
    if args.until_decided && args.shard.is_some() {
        return Err(CliError::bad_input(
            "--until-decided and --shard: --until-decided chooses each next batch from the verdicts of every replication so far, which no shard has",
        )
        .with_hint("shard a fixed number of replications (--replications N) instead"));
    }
    let settings = CompareSettings {
        metrics,
        until_decided,
        subjects,
    };
    if let Some(out) = args.out.as_ref().filter(|_| args.shard.is_none()) {
        check_output_folder(out)?;
    }
    Ok(PreparedComparison {
        base,
        candidate,
        settings,
    })
}

/// Names the candidate, writes the comparison's files, prints its table (or JSON) and, when
/// asked, gates: after running it, or merging its shards.
pub(super) fn finish(
    args: &CompareArgs,
    prepared: &PreparedComparison,
    mut comparison: Comparison,
) -> Result<(), CliError> {
    let simulation = &args.simulation;
    if comparison.candidate == comparison.base {
        comparison.candidate = match &simulation.staffing {
            Some(path) => format!("{}+{}", comparison.base, stem(path)),
            None => format!("{} (candidate)", comparison.base),
        };
    }
    let out_dir = output_folder(
        args.out.as_deref(),
        prepared.base.name(),
        Some(&format!(
            "compare_{}",
            directory_name(&comparison.candidate)
        )),
    );
    let mut files = compare_files(&comparison, simulation.charts()).map_err(chart_failure)?;
    let gated = args.fail_on_worse || args.junit.is_some();
    let report = GateReport::new(
        format!("{} → {}", comparison.base, comparison.candidate),
        comparison_checks(&comparison, args.tolerance),
        args.strict,
    );
    if gated {
        files.push(OutputFile::new("checks.json", checks_json_bytes(&report)));
    }
    let written = write_outputs(&out_dir, &files)?;
    print_result(
        args.format,
        &file_bytes(&files, "compare.json"),
        || compare_table(&comparison),
        &written,
    )?;
    let markdown = String::from_utf8_lossy(&file_bytes(&files, "compare.md")).into_owned();
    gate::append_step_summary(&markdown)?;
    if args.fail_on_worse {
        if !report.passed {
            gate::append_step_summary(&checks_markdown(&report))?;
        }
        gate::finish(&report, args.junit.as_deref(), args.format)?;
    } else if let Some(path) = &args.junit {
        // JUnit alone: the record, without the gate.
        super::files::write_single_file(path, junit_xml(&report).as_bytes())?;
    }
    Ok(())
}

/// A metric named on the command line, if `compare` can compare it.
fn compared_metric(name: &str) -> Result<Metric, CliError> {
    match Metric::named(name) {
        Some(metric) if metric.scope() != Scope::Other => Ok(metric),
        Some(_) => Err(CliError::bad_input(format!(
            "--metric {name}: not a channel or group metric; compare covers the metrics of summary.json's channels and groups"
        ))),
        None => {
            let names: Vec<&str> = Metric::ALL
                .iter()
                .filter(|m| m.scope() != Scope::Other)
                .map(|m| m.name())
                .collect();
            Err(CliError::bad_input(format!(
                "--metric {name}: unknown metric; metrics are: {}",
                names.join(", ")
            )))
        }
    }
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_else(|| "staffing".into())
}
