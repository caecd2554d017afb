//! `omnisim roster`: read or make the plan, check the options, build and verify the roster,
//! write its files, print the summary.

use std::time::{Duration, Instant};

use omnisim::budget::Workload;
use omnisim::output::roster::{roster_files, roster_text};
use omnisim::plan::plan as find_plan;
use omnisim::roster::{
    RosterError, RosterInput, RosterOptions, SolverLimits, roster as build_roster,
    roster_input_from_plan_json,
};
use omnisim::scenario::load::invalid_in_file;

use super::args::RosterArgs;
use super::files::{check_output_folder, file_bytes, print_result, write_outputs};
use super::plan::plan_options;
use super::scenario_args::{check_budget, load_scenario, output_folder, with_progress};
use super::{CliError, chart_failure};

pub fn roster(args: &RosterArgs) -> Result<(), CliError> {
    let scenario = load_scenario(&args.simulation)?;
    check_budget(&args.simulation, &scenario, |scenario, threads| {
        Workload::levels(scenario, 1, threads)
    })?;
    let plan_options = plan_options(&args.search, &scenario)?;
    if scenario.shift_templates().is_empty() {
        // Say so before planning, which takes a while.
        return Err(CliError::from(invalid_in_file(
            &args.simulation.scenario,
            vec![omnisim::error::ScenarioProblem::new(
                "shift_templates",
                "the scenario has no [[shift_templates]]; a roster is built from them (README, Rosters; scenarios/retail_week.toml has two)",
            )],
        )));
    }
    if !(args.time_limit > 0.0 && args.time_limit <= 24.0 * 3600.0) {
        return Err(CliError::bad_input(
            "--time-limit must be more than 0 and at most 24h",
        ));
    }
    if args.max_rounds > 1_000 {
        return Err(CliError::bad_input("--max-rounds must be at most 1000"));
    }
    let options = RosterOptions {
        limits: SolverLimits {
            time_limit: Duration::from_secs_f64(args.time_limit),
            mip_gap: args.mip_gap,
            node_limit: (args.node_limit > 0).then_some(args.node_limit),
        },
        max_rounds: args.max_rounds,
    };
    let given_plan = match &args.plan {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|error| {
                CliError::bad_input(format!("cannot read --plan {}: {error}", path.display()))
            })?;
            Some(roster_input_from_plan_json(&scenario, &text).map_err(|reason| {
                CliError::bad_input(format!("--plan {} {reason}", path.display())).with_hint(
                    "give a plan.json that `omnisim plan` wrote for this scenario, or leave --plan out to plan now",
                )
            })?)
        }
        None => None,
    };
    let out_dir = output_folder(args.out.as_deref(), scenario.name(), Some("roster"));
    check_output_folder(&out_dir)?;
    let started = Instant::now();
    let roster = with_progress(&args.simulation, 0, "replications", |execution| {
        let input = match &given_plan {
            Some(input) => input.clone(),
            None => RosterInput::from_plan(&find_plan(&scenario, &plan_options, execution)?),
        };
        build_roster(&scenario, &input, &options, execution)
    });
    let roster = roster.map_err(|error| match error {
        RosterError::Templates(problems) => {
            CliError::from(invalid_in_file(&args.simulation.scenario, problems))
        }
        RosterError::Simulation(error) => CliError::from(error),
        RosterError::Solver(reason) => CliError::failure(
            reason,
            Some("try a longer --time-limit or fewer start times; please report the scenario"),
        ),
    })?;
    let files =
        roster_files(&scenario, &roster, args.simulation.charts()).map_err(chart_failure)?;
    let written = write_outputs(&out_dir, &files)?;
    print_result(
        args.format,
        &file_bytes(&files, "roster.json"),
        || roster_text(&scenario, &roster),
        &written,
    )?;
    if !args.simulation.quiet {
        let solve_seconds: f64 = roster.groups.iter().map(|g| g.cover.seconds).sum();
        eprintln!(
            "rostered in {:.1} s: integer programs {:.1} s, {} verification simulation(s) of {} replication(s)",
            started.elapsed().as_secs_f64(),
            solve_seconds,
            roster.evaluations,
            scenario.simulation().replications
        );
    }
    Ok(())
}
