//! `omnisim backtest`: loads the scenario, with `--staffing-from trace` reads the trace it
//! replays and puts the agents it shows at work in each group's place and the not-ready time
//! it shows after calls in each replayed channel's `wrap_up`, runs the backtest and writes
//! its files.

use omnisim::backtest::staffing::recorded_staffing;
use omnisim::backtest::{BacktestError, backtest as run_backtest};
use omnisim::fit::not_ready::fit_not_ready;
use omnisim::output::backtest::{backtest_figures, backtest_files, backtest_text};
use omnisim::output::charts::chart_files;
use omnisim::scenario::Distribution;
use omnisim::simulate::replications_to_run;

use super::args::{BacktestArgs, StaffingSource};
use super::files::{check_output_folder, file_bytes, print_result, write_outputs};
use super::scenario_args::{check_budget, load_scenario, output_folder, with_progress};
use super::{CliError, chart_failure};
use omnisim::budget::Workload;

pub fn backtest(args: &BacktestArgs) -> Result<(), CliError> {
    let mut scenario = load_scenario(&args.simulation)?;
    // The records of a trace read here (--trace), so --staffing-from trace reads it once.
    let mut given_records = None;
    if let Some(path) = &args.trace {
        let (replayed, records) = replay_trace(scenario, path, args)?;
        scenario = replayed;
        given_records = Some(records);
    }
    let mut staffing = "the scenario's".to_string();
    if args.staffing_from == StaffingSource::Trace {
        let source = scenario
            .channels()
            .iter()
            .find_map(|c| c.replay.as_ref())
            .map(|replay| replay.source.clone())
            .ok_or_else(|| {
                CliError::bad_input(format!(
                    "{} replays no trace, so there is no recorded staffing to take",
                    scenario.name()
                ))
                .with_hint("give a channel `[arrivals.NAME] trace = \"...\"`")
            })?;
        let records = match given_records {
            Some(records) => records,
            None => {
                let text = std::fs::read_to_string(&source).map_err(|error| {
                    CliError::bad_input(format!("cannot read {source}: {error}"))
                })?;
                omnisim::trace::read_trace(&text)
                    .map_err(|problem| {
                        CliError::bad_input(format!("{source}: {}", problem.message))
                    })?
                    .0
            }
        };
        let recorded = recorded_staffing(&scenario, &records, args.session_gap).ok_or_else(|| {
            CliError::bad_input(format!(
                "{source} names no agent on the channels the scenario replays, so it shows no staffing"
            ))
            .with_hint("leave out --staffing-from trace to use the scenario's staffing")
        })?;
        let present: Vec<String> = recorded
            .mean_present
            .iter()
            .map(|(group, mean)| format!("{group} {mean:.1}"))
            .collect();
        staffing = format!(
            "from the trace: {} agents in sessions (gaps up to {}), mean present {}{}",
            recorded.agents,
            omnisim::units::format_duration(args.session_gap),
            present.join(", "),
            if recorded.unassigned > 0 {
                format!(
                    "; {} on channels no group serves left out",
                    recorded.unassigned
                )
            } else {
                String::new()
            }
        );
        let mut not_ready = Vec::new();
        for channel_idx in 0..scenario.channels().len() {
            let Some(replay) = scenario.channels()[channel_idx].replay.clone() else {
                continue;
            };
            if let Some(fit) = fit_not_ready(
                &records,
                &replay.trace_channel,
                args.session_gap,
                args.min_waiting,
            ) {
                not_ready.push(format!(
                    "{} mean {} ({} gaps)",
                    scenario.channels()[channel_idx].name,
                    omnisim::units::format_duration(fit.mean_seconds),
                    fit.gaps
                ));
                scenario = scenario.with_wrap_up(
                    channel_idx,
                    Distribution::Empirical {
                        values: fit.quantiles,
                    },
                );
            }
        }
        if !not_ready.is_empty() {
            staffing.push_str(&format!(
                "; not ready after a call (gaps while {}+ waited): {}",
                args.min_waiting,
                not_ready.join(", ")
            ));
        }
        scenario = scenario
            .with_headcounts(recorded.headcounts)
            .map_err(|problem| {
                CliError::bad_input(format!("{}: {}", problem.key, problem.reason))
            })?;
    }
    check_budget(&args.simulation, &scenario, Workload::run)?;
    let out_dir = output_folder(args.out.as_deref(), scenario.name(), Some("backtest"));
    check_output_folder(&out_dir)?;
    let report = with_progress(
        &args.simulation,
        replications_to_run(&scenario),
        "replications",
        |execution| run_backtest(&scenario, &staffing, execution),
    )
    .map_err(|error| match error {
        BacktestError::NotReplayed(reason) => CliError::bad_input(reason),
        BacktestError::Simulation(error) => CliError::from(error),
    })?;
    let mut files = backtest_files(&report);
    if !args.simulation.no_charts {
        files.extend(
            chart_files(&backtest_figures(&report))
                .map_err(chart_failure)?
                .files,
        );
    }
    let written = write_outputs(&out_dir, &files)?;
    print_result(
        args.format,
        &file_bytes(&files, "backtest.json"),
        || backtest_text(&report),
        &written,
    )
}

/// `--trace`: every declared channel the trace names replays it, with work and patience as
/// recorded, on the `--time-zone` clock from `--trace-start`.
fn replay_trace(
    mut scenario: omnisim::scenario::Scenario,
    path: &std::path::Path,
    args: &BacktestArgs,
) -> Result<
    (
        omnisim::scenario::Scenario,
        Vec<omnisim::trace::TraceRecord>,
    ),
    CliError,
> {
    use omnisim::scenario::replay::{ReplaySource, ReplayedValue, build_replay};
    use sha2::Digest as _;
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|error| CliError::bad_input(format!("cannot read {shown}: {error}")))?;
    let (records, problems) = omnisim::trace::read_trace(&text)
        .map_err(|problem| CliError::bad_input(format!("{shown}: {}", problem.message)))?;
    if let Some(problem) = problems.first() {
        return Err(CliError::bad_input(format!(
            "{shown} has {} rows that cannot be read (first: line {}: {})",
            problems.len(),
            problem.line,
            problem.message
        )));
    }
    let start_date = args
        .trace_start
        .as_deref()
        .map(|text| {
            text.parse::<jiff::civil::Date>().map_err(|_| {
                CliError::bad_input(format!(
                    "--trace-start: `{text}` is not a date (YYYY-MM-DD)"
                ))
            })
        })
        .transpose()?;
    let digest = sha2::Sha256::digest(text.as_bytes());
    let sha: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    let mut replayed = Vec::new();
    for channel_idx in 0..scenario.channels().len() {
        let channel = &scenario.channels()[channel_idx];
        if channel.callback_of.is_some() || !records.iter().any(|r| r.channel == channel.name) {
            continue;
        }
        let name = channel.name.clone();
        let source = ReplaySource {
            records: &records,
            source: &shown,
            source_sha256: sha.clone(),
            trace_channel: &name,
            time_zone: &args.time_zone,
            start_date,
            work: ReplayedValue::Recorded,
            patience: ReplayedValue::Recorded,
        };
        let (profile, replay, _) = build_replay(&source, scenario.simulation())
            .map_err(|(_, message)| CliError::bad_input(format!("--trace: {message}")))?;
        scenario = scenario.with_replay(channel_idx, profile, replay);
        replayed.push(name);
    }
    if replayed.is_empty() {
        let mut channels: Vec<&str> = records.iter().map(|r| r.channel.as_str()).collect();
        channels.sort_unstable();
        channels.dedup();
        let declared: Vec<&str> = scenario
            .channels()
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        return Err(CliError::bad_input(format!(
            "{shown} names none of the scenario's channels (the trace has {}; the scenario {})",
            channels.join(", "),
            declared.join(", ")
        ))
        .with_hint("import with a [values.channel] map to the scenario's channel names"));
    }
    Ok((scenario, records))
}
