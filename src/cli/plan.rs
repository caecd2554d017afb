//! `omnisim plan`: check the options, search, write the plan files, print the summary.

use std::io::Write as _;
use std::path::Path;
use std::time::Instant;

use super::run::{directory_name, load_scenario};
use super::{CliError, Format, PlanArgs};
use crate::error::{EXIT_BAD_INPUT, EXIT_FAILURE};
use crate::output::write_files;
use crate::plan::report::{
    plan_csv_bytes, plan_report, plan_sla_csv_bytes, plan_staffing_toml, plan_text,
};
use crate::plan::{PlanOptions, plan as find_plan};
use crate::progress::Progress;
use crate::scenario::Limits;

fn bad_input(message: String) -> CliError {
    CliError {
        message,
        exit_code: EXIT_BAD_INPUT,
    }
}

pub fn plan(args: &PlanArgs) -> Result<(), CliError> {
    let scenario = load_scenario(&args.simulation)?;
    if !(0.5..1.0).contains(&args.confidence) {
        return Err(bad_input(format!(
            "--confidence must be from 0.5 (on average) to below 1, got {}",
            args.confidence
        )));
    }
    if args.shrinkage >= 1.0 {
        return Err(bad_input(
            "--shrinkage must be below 1 (it is the share of paid time lost)".into(),
        ));
    }
    if args.max_evaluations == 0 {
        return Err(bad_input("--max-evaluations must be at least 1".into()));
    }
    let total_cap = u64::from(args.max_agents) * scenario.groups.len() as u64;
    if args.max_agents == 0 || total_cap > Limits::MAX_AGENTS {
        return Err(bad_input(format!(
            "--max-agents must be from 1 to {} per group with {} group(s)",
            Limits::MAX_AGENTS / scenario.groups.len().max(1) as u64,
            scenario.groups.len()
        )));
    }
    if scenario.simulation.replications < 2 {
        return Err(bad_input(
            "plan needs at least 2 replications to judge confidence (set --replications)".into(),
        ));
    }
    let options = PlanOptions {
        confidence: args.confidence,
        max_abandonment: args.max_abandon,
        max_occupancy: args.max_occupancy,
        shrinkage: args.shrinkage,
        max_evaluations: args.max_evaluations,
        max_agents_per_interval: args.max_agents,
    };
    let started = Instant::now();
    // The number of simulations is not known in advance; the bar counts replications against
    // the budget and finishes early when the search does.
    let progress = Progress::new(
        u64::from(args.max_evaluations) * u64::from(scenario.simulation.replications),
        "plan (replications, up to the evaluation budget)",
        args.simulation.quiet,
    );
    let plan = find_plan(&scenario, &options, args.simulation.threads, &progress);
    progress.finish();
    let report = plan_report(&scenario, &plan);
    let mut json = serde_json::to_vec_pretty(&report).expect("report serialises");
    json.push(b'\n');
    let out_dir = args.out.clone().unwrap_or_else(|| {
        Path::new("output")
            .join(directory_name(&scenario.name))
            .join("plan")
    });
    let written = write_files(
        &out_dir,
        &[
            ("plan.csv", plan_csv_bytes(&scenario, &plan)),
            ("plan_sla.csv", plan_sla_csv_bytes(&scenario, &plan)),
            ("plan.json", json.clone()),
            (
                "staffing.toml",
                plan_staffing_toml(&scenario, &plan).into_bytes(),
            ),
        ],
    )
    .map_err(|error| CliError {
        message: format!("cannot write outputs to {}: {error}", out_dir.display()),
        exit_code: EXIT_FAILURE,
    })?;
    let text = match args.format {
        Format::Json => json,
        Format::Table => {
            let mut text = plan_text(&scenario, &report);
            text.push_str(&format!(
                "\nwrote {}\n",
                written
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            text.into_bytes()
        }
    };
    std::io::stdout()
        .lock()
        .write_all(&text)
        .map_err(|error| CliError {
            message: format!("cannot print: {error}"),
            exit_code: EXIT_FAILURE,
        })?;
    if !args.simulation.quiet {
        eprintln!(
            "planned in {:.1} s: {} simulation(s) of {} replication(s)",
            started.elapsed().as_secs_f64(),
            plan.evaluations,
            scenario.simulation.replications
        );
    }
    Ok(())
}
