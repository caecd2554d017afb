//! `omnisim erlang`: the analytic calculator. Measures for a staffing level, the fewest agents
//! for a set of targets, and a small staffing table around the answer, as text or JSON.

use serde::Serialize;

use super::{CliError, ErlangArgs, print_stdout};
use crate::erlang::staffing::{QueueMeasures, QueueModel, StaffingTarget, measure};
use crate::erlang::{minimum_agents, positions_after_shrinkage};
use crate::scenario::Limits;

/// The largest staffing the calculator searches or evaluates.
const MAX_AGENTS: u32 = Limits::MAX_AGENTS as u32;
use crate::scenario::units::format_duration;

#[derive(Debug, Serialize)]
struct ErlangReport {
    model: &'static str,
    arrival_rate_per_hour: f64,
    mean_handle_time_seconds: f64,
    mean_patience_seconds: Option<f64>,
    concurrency: u32,
    threshold_seconds: Option<f64>,
    offered_load_erlangs: f64,
    /// The fewest agents meeting every target (absent without targets).
    requirement: Option<Requirement>,
    /// The measures at --agents.
    evaluated: Option<QueueMeasures>,
    /// Measures for agent counts around the requirement (or --agents).
    staffing_table: Vec<QueueMeasures>,
}

#[derive(Debug, Serialize)]
struct Requirement {
    targets: Vec<String>,
    agents: u32,
    shrinkage: f64,
    positions: u32,
}

fn percent(value: Option<f64>) -> String {
    value.map_or("-".into(), |v| format!("{:.1}%", 100.0 * v))
}

fn seconds(value: Option<f64>) -> String {
    value.map_or("-".into(), |v| {
        if v < 60.0 {
            format!("{v:.1}s")
        } else {
            format_duration(v.round())
        }
    })
}

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

fn describe(target: &StaffingTarget) -> String {
    match *target {
        StaffingTarget::ServiceLevel { threshold, target } => format!(
            "SLA attainment >= {:.1}% within {}",
            100.0 * target,
            format_duration(threshold)
        ),
        StaffingTarget::AverageSpeedOfAnswer { max_wait } => {
            format!("ASA <= {}", seconds(Some(max_wait)))
        }
        StaffingTarget::Abandonment { max_fraction } => {
            format!("abandonment <= {:.1}%", 100.0 * max_fraction)
        }
        StaffingTarget::Occupancy { max_occupancy } => {
            format!("occupancy <= {:.1}%", 100.0 * max_occupancy)
        }
    }
}

pub fn erlang(args: &ErlangArgs) -> Result<(), CliError> {
    let (model, targets) = model_and_targets(args)?;
    let requirement = if targets.is_empty() {
        None
    } else {
        let found = minimum_agents(&model, &targets, MAX_AGENTS).ok_or_else(|| {
            CliError::bad_input(format!(
                "no staffing up to {} agents meets {}",
                MAX_AGENTS,
                targets.iter().map(describe).collect::<Vec<_>>().join(", ")
            ))
        })?;
        Some(Requirement {
            targets: targets.iter().map(describe).collect(),
            agents: found.agents,
            shrinkage: args.shrinkage,
            positions: positions_after_shrinkage(found.agents, args.shrinkage),
        })
    };
    let evaluated = args
        .agents
        .map(|agents| measure(&model, agents, args.threshold));
    let centre = requirement
        .as_ref()
        .map(|r| r.agents)
        .or(args.agents)
        .unwrap_or(0);
    let staffing_table = (centre.saturating_sub(3)..=centre.saturating_add(3))
        .filter(|&agents| agents > 0 && agents <= MAX_AGENTS)
        .map(|agents| measure(&model, agents, args.threshold))
        .collect();
    let report = ErlangReport {
        model: if model.mean_patience.is_some() {
            "Erlang A (M/M/c+M)"
        } else {
            "Erlang C (M/M/c)"
        },
        arrival_rate_per_hour: model.arrival_rate * 3600.0,
        mean_handle_time_seconds: model.mean_handle_time,
        mean_patience_seconds: model.mean_patience,
        concurrency: model.concurrency,
        threshold_seconds: args.threshold,
        offered_load_erlangs: model.arrival_rate * model.mean_handle_time,
        requirement,
        evaluated,
        staffing_table,
    };
    let text = if args.json {
        let mut json = serde_json::to_string_pretty(&report).expect("report serialises");
        json.push('\n');
        json
    } else {
        report_text(&report)
    };
    print_stdout(text.as_bytes())
}

fn report_text(report: &ErlangReport) -> String {
    let mut text = String::new();
    let threshold = report.threshold_seconds.map(format_duration);
    text.push_str(&format!(
        "{}: {:.1} contacts/hour, mean handle time {}{}{}\noffered load {:.2} Erlangs\n",
        report.model,
        report.arrival_rate_per_hour,
        format_duration(report.mean_handle_time_seconds),
        report
            .mean_patience_seconds
            .map_or(String::new(), |p| format!(
                ", mean patience {}",
                format_duration(p)
            )),
        if report.concurrency > 1 {
            format!(
                ", {} conversations per agent (agents x {} = servers)",
                report.concurrency, report.concurrency
            )
        } else {
            String::new()
        },
        report.offered_load_erlangs
    ));
    if let Some(requirement) = &report.requirement {
        text.push_str(&format!(
            "\nfewest agents for {}:\n  {} agents",
            requirement.targets.join(", "),
            requirement.agents
        ));
        if requirement.shrinkage > 0.0 {
            text.push_str(&format!(
                "; with {:.0}% shrinkage, schedule {} positions",
                100.0 * requirement.shrinkage,
                requirement.positions
            ));
        }
        text.push('\n');
    }
    if let Some(measures) = &report.evaluated {
        text.push_str(&format!("\nat {} agents:\n", measures.agents));
        if measures.unstable {
            text.push_str(
                "  unstable: the offered load is at or above the servers and nobody abandons, so the queue grows without bound\n",
            );
        }
        let rows = [
            (
                "Erlang B blocking (no queue)",
                percent(Some(measures.erlang_b_blocking)),
            ),
            ("probability of waiting", percent(measures.probability_wait)),
            (
                "SLA attainment",
                match &threshold {
                    Some(t) => format!("{} within {t}", percent(measures.sla_attainment)),
                    None => "- (give --threshold)".into(),
                },
            ),
            (
                "answered within threshold",
                format!(
                    "{} of arrivals",
                    percent(measures.answered_within_threshold)
                ),
            ),
            (
                "ASA (answered contacts)",
                seconds(measures.average_speed_of_answer),
            ),
            ("mean wait (all contacts)", seconds(measures.mean_wait)),
            ("abandonment", percent(measures.abandonment)),
            ("occupancy", percent(measures.occupancy)),
        ];
        for (name, value) in rows {
            text.push_str(&format!("  {name:<30} {value}\n"));
        }
    }
    if !report.staffing_table.is_empty() {
        text.push_str(&format!(
            "\n{:>7} {:>8} {:>9} {:>10} {:>9} {:>10} {:>10}\n",
            "agents", "P(wait)", "SLA", "ASA", "abandon", "occupancy", "blocking B"
        ));
        for row in &report.staffing_table {
            let marker = if report.requirement.as_ref().map(|r| r.agents) == Some(row.agents) {
                "  <- fewest meeting the targets"
            } else {
                ""
            };
            text.push_str(&format!(
                "{:>7} {:>8} {:>9} {:>10} {:>9} {:>10} {:>10}{marker}\n",
                row.agents,
                percent(row.probability_wait),
                percent(row.sla_attainment),
                seconds(row.average_speed_of_answer),
                percent(row.abandonment),
                percent(row.occupancy),
                percent(Some(row.erlang_b_blocking)),
            ));
        }
        text.push_str("(SLA attainment = answered within threshold / (answered + abandoned after it); '-' = unstable or no threshold)\n");
    }
    text
}
