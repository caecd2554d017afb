//! `omnisim plan`: check the options, search, write the plan files, print the summary.

use std::path::Path;
use std::time::Instant;

use super::run::{directory_name, load_scenario};
use super::{CliError, PlanArgs, chart_files, print_result, write_outputs};
use crate::charts::plan_figures::{plan_sla_figure, plan_staffing_figure};
use crate::plan::report::{
    plan_csv_bytes, plan_report, plan_sla_csv_bytes, plan_staffing_toml, plan_text,
};
use crate::plan::{PlanOptions, plan as find_plan};
use crate::progress::Progress;
use crate::scenario::Limits;

pub fn plan(args: &PlanArgs) -> Result<(), CliError> {
    let scenario = load_scenario(&args.simulation)?;
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
    if args.max_evaluations == 0 {
        return Err(CliError::bad_input("--max-evaluations must be at least 1"));
    }
    let total_cap = u64::from(args.max_agents) * scenario.groups.len() as u64;
    if args.max_agents == 0 || total_cap > Limits::MAX_AGENTS {
        return Err(CliError::bad_input(format!(
            "--max-agents must be from 1 to {} per group with {} group(s)",
            Limits::MAX_AGENTS / scenario.groups.len().max(1) as u64,
            scenario.groups.len()
        )));
    }
    if scenario.simulation.replications < 2 {
        return Err(CliError::bad_input(
            "plan needs at least 2 replications to judge confidence (set --replications)",
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
    let mut files = vec![
        ("plan.csv".to_string(), plan_csv_bytes(&scenario, &plan)),
        (
            "plan_sla.csv".to_string(),
            plan_sla_csv_bytes(&scenario, &plan),
        ),
        ("plan.json".to_string(), json.clone()),
        (
            "staffing.toml".to_string(),
            plan_staffing_toml(&scenario, &plan).into_bytes(),
        ),
    ];
    if !args.simulation.no_charts {
        let figures = [
            plan_staffing_figure(&scenario, &plan),
            plan_sla_figure(&scenario, &plan),
        ];
        files.extend(chart_files(&figures)?.0);
    }
    let written = write_outputs(&out_dir, &files)?;
    print_result(
        args.format,
        &json,
        || plan_text(&scenario, &report),
        &written,
    )?;
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
