//! `omnisim erlang`: checks the arguments, asks the analytic calculator
//! (`omnisim::erlang::report`), and prints its answer as text or JSON.

use omnisim::erlang::report::{ErlangQuestion, erlang_report};
use omnisim::erlang::staffing::{QueueModel, StaffingTarget};
use omnisim::output::erlang::{erlang_json_bytes, erlang_text};
use omnisim::scenario::Limits;

use super::CliError;
use super::args::ErlangArgs;
use super::files::print_stdout;

/// The largest staffing the calculator searches or evaluates.
const MAX_AGENTS: u32 = Limits::MAX_AGENTS as u32;

/// Checks the arguments and turns them into a model and targets.
fn model_and_targets(args: &ErlangArgs) -> Result<(QueueModel, Vec<StaffingTarget>), CliError> {
    if !(args.arrivals.is_finite() && args.arrivals >= 0.0) {
        return Err(CliError::bad_input(format!(
            "--arrivals must be a number of contacts, 0 or more, got {}",
            args.arrivals
        )));
    }
    for (name, value) in [("--per", args.per), ("--handle-time", args.handle_time)] {
        if value <= 0.0 {
            return Err(CliError::bad_input(format!(
                "{name} must be longer than zero"
            )));
        }
    }
    if args.patience.is_some_and(|p| p <= 0.0) {
        return Err(CliError::bad_input(
            "--patience must be longer than zero (leave it out when nobody hangs up)",
        ));
    }
    if args.concurrency == 0 || args.concurrency > 1000 {
        return Err(CliError::bad_input(format!(
            "--concurrency must be from 1 to 1000, got {}",
            args.concurrency
        )));
    }
    if args.shrinkage >= 1.0 {
        return Err(CliError::bad_input(
            "--shrinkage must be below 1 (it is the share of paid time lost)",
        ));
    }
    if args.agents.is_some_and(|a| a > MAX_AGENTS) {
        return Err(CliError::bad_input(format!(
            "--agents must be at most {}",
            Limits::MAX_AGENTS
        )));
    }
    let mut targets = Vec::new();
    if let Some(target) = args.target_sl {
        let threshold = args.threshold.ok_or_else(|| {
            CliError::bad_input(
                "--target-sl needs --threshold, the time to answer within (e.g. --threshold 20s)",
            )
        })?;
        targets.push(StaffingTarget::ServiceLevel { threshold, target });
    }
    if let Some(max_wait) = args.max_asa {
        targets.push(StaffingTarget::AverageSpeedOfAnswer { max_wait });
    }
    if let Some(max_fraction) = args.max_abandon {
        if args.patience.is_none() {
            return Err(CliError::bad_input(
                "--max-abandon needs --patience: without it nobody abandons (Erlang C)",
            ));
        }
        targets.push(StaffingTarget::Abandonment { max_fraction });
    }
    if let Some(max_occupancy) = args.max_occupancy {
        targets.push(StaffingTarget::Occupancy { max_occupancy });
    }
    if targets.is_empty() && args.agents.is_none() {
        return Err(CliError::bad_input(
            "say what to compute: --agents N to evaluate a staffing level, or a target (--target-sl with --threshold, --max-asa, --max-abandon, --max-occupancy) to find the fewest agents",
        ));
    }
    let model = QueueModel {
        arrival_rate: args.arrivals / args.per,
        mean_handle_time: args.handle_time,
        mean_patience: args.patience,
        concurrency: args.concurrency,
    };
    Ok((model, targets))
}

pub fn erlang(args: &ErlangArgs) -> Result<(), CliError> {
    let (model, targets) = model_and_targets(args)?;
    let report = erlang_report(&ErlangQuestion {
        model,
        targets,
        agents: args.agents,
        threshold: args.threshold,
        shrinkage: args.shrinkage,
        max_agents: MAX_AGENTS,
    })
    .map_err(CliError::bad_input)?;
    if args.json {
        print_stdout(&erlang_json_bytes(&report))
    } else {
        print_stdout(erlang_text(&report).as_bytes())
    }
}
