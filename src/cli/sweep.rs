//! `omnisim sweep`: parse the range, run every level on the same seeds, write sweep.csv,
//! sweep.json and the chart, print the table.

use omnisim::output::sweep::{sweep_files, sweep_table};
use omnisim::scenario::Limits;
use omnisim::scenario::Scenario;
use omnisim::sweep::{SweepMode, SweepReport, SweepSpec, run_sweep};

use super::args::SweepArgs;
use super::files::{check_output_folder, file_bytes, print_result, write_outputs};
use super::scenario_args::{
    check_budget, directory_name, load_scenario, output_folder, with_progress,
};
use super::{CliError, chart_failure};
use omnisim::budget::Workload;

/// The most levels one sweep runs.
const MAX_LEVELS: usize = 500;

/// "20..40", "20..=40", "-3..3" or a single "25", stepped by `step`.
fn parse_levels(flag: &str, text: &str, step: u32) -> Result<Vec<i64>, CliError> {
    let number = |part: &str| {
        part.trim().parse::<i64>().map_err(|_| {
            CliError::bad_input(format!(
                "{flag} {text:?}: expected FROM..TO with whole numbers, e.g. 20..40"
            ))
        })
    };
    let (from, to) = match text.split_once("..") {
        Some((from, to)) => (number(from)?, number(to.trim_start_matches('='))?),
        None => {
            let single = number(text)?;
            (single, single)
        }
    };
    if from > to {
        return Err(CliError::bad_input(format!(
            "{flag} {text}: FROM must not be above TO"
        )));
    }
    if step == 0 {
        return Err(CliError::bad_input("--step must be at least 1"));
    }
    let count = (to - from) as u128 / u128::from(step) + 1;
    if count > MAX_LEVELS as u128 {
        return Err(CliError::bad_input(format!(
            "{flag} {text} with --step {step} is {count} levels; at most {MAX_LEVELS} (raise --step)"
        )));
    }
    Ok((from..=to).step_by(step as usize).collect())
}

pub fn sweep(args: &SweepArgs) -> Result<(), CliError> {
    let (scenario, spec) = prepare(args)?;
    if let Some(shard) = &args.shard {
        return super::shards::sweep_shard(args, &scenario, &spec, shard);
    }
    let out_dir = sweep_folder(args, &scenario);
    check_output_folder(&out_dir)?;
    let report = with_progress(
        &args.simulation,
        spec.levels.len() as u64 * u64::from(scenario.simulation().replications),
        "sweep (levels x replications)",
        |execution| run_sweep(&scenario, &spec, execution),
    )?;
    finish(args, &out_dir, &report)
}

/// `--out`, or `output/<scenario>/sweep_<group>`.
pub(super) fn sweep_folder(args: &SweepArgs, scenario: &Scenario) -> std::path::PathBuf {
    output_folder(
        args.out.as_deref(),
        scenario.name(),
        Some(&format!("sweep_{}", directory_name(&args.group))),
    )
}

/// The scenario and the levels to sweep, checked against the limits and the budget.
pub(super) fn prepare(args: &SweepArgs) -> Result<(Scenario, SweepSpec), CliError> {
    let scenario = load_scenario(&args.simulation)?;
    let group_idx = scenario.group_index(&args.group).ok_or_else(|| {
        let names: Vec<&str> = scenario.groups().iter().map(|g| g.name.as_str()).collect();
        CliError::bad_input(format!(
            "--group {}: the scenario has no such group (it has: {})",
            args.group,
            names.join(", ")
        ))
    })?;
    let (mode, levels) = match (&args.agents, &args.change) {
        (Some(range), _) => (
            SweepMode::Agents,
            parse_levels("--agents", range, args.step)?,
        ),
        (None, Some(range)) => (
            SweepMode::Change,
            parse_levels("--change", range, args.step)?,
        ),
        (None, None) => unreachable!("clap requires --agents or --change"),
    };
    let others: u64 = scenario
        .groups()
        .iter()
        .enumerate()
        .filter(|(idx, _)| *idx != group_idx)
        .map(|(_, g)| u64::from(g.headcount.max()))
        .sum();
    let largest = match mode {
        SweepMode::Agents => *levels.last().expect("at least one level"),
        SweepMode::Change => {
            i64::from(scenario.groups()[group_idx].headcount.max()) + levels.last().expect("level")
        }
    };
    if mode == SweepMode::Agents && levels[0] < 0 {
        return Err(CliError::bad_input(
            "--agents levels are headcounts and cannot be negative (use --change for changes)",
        ));
    }
    if largest.max(0) as u64 + others > Limits::MAX_AGENTS {
        return Err(CliError::bad_input(format!(
            "the sweep reaches {} agents in all; at most {} are supported",
            largest.max(0) as u64 + others,
            Limits::MAX_AGENTS
        )));
    }
    let spec = SweepSpec {
        group_idx,
        mode,
        levels,
    };
    check_budget(&args.simulation, &scenario, |scenario, threads| {
        Workload::levels(scenario, spec.levels.len() as u64, threads)
    })?;
    Ok((scenario, spec))
}

/// Writes the sweep's files and prints its table (or JSON): after running it, or merging
/// its shards.
pub(super) fn finish(
    args: &SweepArgs,
    out_dir: &std::path::Path,
    report: &SweepReport,
) -> Result<(), CliError> {
    let files = sweep_files(report, args.simulation.charts()).map_err(chart_failure)?;
    let written = write_outputs(out_dir, &files)?;
    print_result(
        args.format,
        &file_bytes(&files, "sweep.json"),
        || sweep_table(report),
        &written,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_ranges() {
        let check = |text: &str, step: u32, want: Option<Vec<i64>>| {
            assert_eq!(parse_levels("--agents", text, step).ok(), want, "{text}");
        };
        check("20..24", 1, Some(vec![20, 21, 22, 23, 24]));
        check("20..=24", 2, Some(vec![20, 22, 24]));
        check("-2..1", 1, Some(vec![-2, -1, 0, 1]));
        check("7", 1, Some(vec![7]));
        check("5..3", 1, None);
        check("a..3", 1, None);
        check("1..3", 0, None);
        check("0..100000", 1, None);
    }
}
