//! `omnisim plan`: check the options, search, write the plan files, print the summary.

use std::time::Instant;

use omnisim::output::plan::{plan_files, plan_text};
use omnisim::plan::report::plan_report;
use omnisim::plan::{PlanOptions, plan as find_plan};
use omnisim::scenario::Limits;

use super::args::{PlanArgs, PlanSearchArgs};
use super::files::{check_output_folder, file_bytes, print_result, write_outputs};
use super::scenario_args::{check_budget, load_scenario, output_folder, with_progress};
use super::{CliError, chart_failure};
use omnisim::budget::Workload;

pub fn plan(args: &PlanArgs) -> Result<(), CliError> {
    let scenario = load_scenario(&args.simulation)?;
    // Memory is that of one evaluation; time is per evaluation too (the search's count
    // depends on what it finds).
    check_budget(&args.simulation, &scenario, |scenario, threads| {
        Workload::levels(scenario, 1, threads)
    })?;
    let options = plan_options(&args.search, &scenario)?;
    let started = Instant::now();
    // The number of simulations is not known in advance (the budget is a worst case the
    // search rarely nears), so the bar counts replications and says which step it is on.
    let out_dir = output_folder(args.out.as_deref(), scenario.name(), Some("plan"));
    check_output_folder(&out_dir)?;
    let plan = with_progress(&args.simulation, 0, "replications", |execution| {
        find_plan(&scenario, &options, execution)
    })?;
    let report = plan_report(&scenario, &plan);
    let files =
        plan_files(&scenario, &plan, &report, args.simulation.charts()).map_err(chart_failure)?;
    let written = write_outputs(&out_dir, &files)?;
    print_result(
        args.format,
        &file_bytes(&files, "plan.json"),
        || plan_text(&scenario, &report),
        &written,
    )?;
    if !args.simulation.quiet {
        eprintln!(
            "planned in {:.1} s: {} simulation(s) of {} replication(s)",
            started.elapsed().as_secs_f64(),
            plan.evaluations,
            scenario.simulation().replications
        );
    }
    Ok(())
}

/// The plan options of the command line, checked against the scenario.
pub(super) fn plan_options(
    args: &PlanSearchArgs,
    scenario: &omnisim::scenario::Scenario,
) -> Result<PlanOptions, CliError> {
    if !(0.5..1.0).contains(&args.confidence) {
        return Err(CliError::bad_input(format!(
            "--confidence must be from 0.5 (on average) to below 1, got {}",
            args.confidence
        )));
    }
    if args.shrinkage >= 1.0 {
        return Err(CliError::bad_input(
            "--shrinkage must be below 1 (it is the share of paid time lost)",
        ));
    }
    if args.day_probability.is_some_and(|p| !(p > 0.0 && p < 1.0)) {
        return Err(CliError::bad_input(
            "--day-probability must be above 0 and below 1 (0.9: nine days in ten)",
        ));
    }
    if args.max_evaluations == 0 {
        return Err(CliError::bad_input("--max-evaluations must be at least 1"));
    }
    let total_cap = u64::from(args.max_agents) * scenario.groups().len() as u64;
    if args.max_agents == 0 || total_cap > Limits::MAX_AGENTS {
        return Err(CliError::bad_input(format!(
            "--max-agents must be from 1 to {} per group with {} group(s)",
            Limits::MAX_AGENTS / scenario.groups().len().max(1) as u64,
            scenario.groups().len()
        )));
    }
    if scenario.simulation().replications < 2 {
        return Err(CliError::bad_input(
            "plan needs at least 2 replications to judge confidence (set --replications)",
        ));
    }
    Ok(PlanOptions {
        confidence: args.confidence,
        max_abandonment: args.max_abandon,
        max_occupancy: args.max_occupancy,
        shrinkage: args.shrinkage,
        max_evaluations: args.max_evaluations,
        max_agents_per_interval: args.max_agents,
        compare_assignments: !args.specialised_only,
        day_probability: args.day_probability,
    })
}
