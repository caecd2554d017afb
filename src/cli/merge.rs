//! `omnisim merge`: shards of one run, sweep or comparison (`shards.rs`) merged back into the
//! files of the whole one. The merge plans from the shards' preambles, parses the command
//! line they recorded, loads the scenario the same way (refusing when its fingerprint
//! changed), reads each record once as its turn comes, and ends as that command does: the
//! same bytes as the command run whole.

use std::fs::File;
use std::io::BufReader;
use std::path::PathBuf;

use clap::Parser;
use omnisim::compare::ComparisonFold;
use omnisim::engine::ReplicationResult;
use omnisim::scenario::Scenario;
use omnisim::shard::{
    self, MergePlan, RawRecord, RecordKind, ShardHeader, ShardPreamble, ShardReader,
};
use omnisim::simulate::{ReportFold, RunCounters};

use super::CliError;
use super::args::{Cli, Command, CompareArgs, MergeArgs, RunArgs, SweepArgs};
use super::run::{finish, prepare};
use super::shards::{shard_write_error, write_shard_file};

/// The shard files among `paths`: files as given, folders' `*.omnisim-shard` files in name
/// order.
fn shard_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, CliError> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let entries = std::fs::read_dir(path).map_err(|error| {
                CliError::bad_input(format!("cannot read {}: {error}", path.display()))
            })?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(|entry| entry.ok().map(|entry| entry.path()))
                .filter(|file| {
                    file.extension()
                        .is_some_and(|extension| extension == "omnisim-shard")
                })
                .collect();
            if found.is_empty() {
                return Err(CliError::bad_input(format!(
                    "{} holds no shard files (*.omnisim-shard)",
                    path.display()
                )));
            }
            found.sort();
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

/// A shard file being read.
type OpenShard = ShardReader<BufReader<File>>;

/// `omnisim merge`. Each shard's records are read once, as their turn comes, so the merge
/// holds one replication at a time (a sweep's levels excepted, which are small: each
/// level's figures).
pub fn merge(args: &MergeArgs) -> Result<(), CliError> {
    let mut readers = Vec::new();
    for path in shard_files(&args.shards)? {
        let name = path.display().to_string();
        let file = File::open(&path)
            .map_err(|error| CliError::bad_input(format!("cannot read {name}: {error}")))?;
        readers.push(ShardReader::open(&name, BufReader::new(file)).map_err(CliError::bad_input)?);
    }
    let count = readers.len();
    let preambles: Vec<(&str, &ShardPreamble)> = readers
        .iter()
        .map(|reader| (reader.name.as_str(), &reader.preamble))
        .collect();
    let plan = shard::plan_merge(&preambles).map_err(|reason| {
        CliError::bad_input(reason).with_hint(
            "merge the shards of one `omnisim run --shard` (or one `sweep --shard`) only",
        )
    })?;
    let header = &plan.preamble.header;
    let what = if header.command == "sweep" {
        "levels"
    } else {
        "replications"
    };
    if let Some(path) = &args.shard_file {
        write_shard_file(path, &plan.preamble, |writer| {
            let mut failed = None;
            let copied = shard::merged_records(&plan, &mut readers, |_, record| {
                writer.raw(&record).map_err(|error| {
                    let message = error.to_string();
                    failed = Some(error);
                    message
                })
            });
            match (copied, failed) {
                (_, Some(error)) => Err(shard_write_error(path, error)),
                (Err(reason), None) => Err(CliError::bad_input(reason)),
                (Ok(()), None) => Ok(()),
            }
        })?;
        if !args.quiet {
            eprintln!(
                "merged {count} shard(s) ({} of {} {what}) into {}",
                plan.preamble.units.len(),
                header.units,
                path.display()
            );
        }
        return Ok(());
    }
    let missing = plan.missing_units();
    if !missing.is_empty() {
        let listed: Vec<String> = missing.iter().take(10).map(u32::to_string).collect();
        let one = &what[..what.len() - 1];
        return Err(CliError::bad_input(format!(
            "{} of the {} {what} are in no shard given ({one} {}{}); a shard is missing",
            missing.len(),
            header.units,
            listed.join(", "),
            if missing.len() > 10 { ", ..." } else { "" }
        ))
        .with_hint(format!(
            "give every shard (shard I of N holds the {what} p with p % N = I)"
        )));
    }
    match parse_invocation(header)? {
        Command::Run(run_args) => merge_run(args, run_args, &plan, &mut readers, count),
        Command::Sweep(sweep_args) => merge_sweep(args, sweep_args, &plan, &mut readers, count),
        Command::Compare(compare_args) => {
            merge_compare(args, compare_args, &plan, &mut readers, count)
        }
        _ => unreachable!("parse_invocation parses run, sweep and compare only"),
    }
}

/// A record's replication, or why it cannot be read.
fn decoded_result(name: &str, record: &RawRecord) -> Result<ReplicationResult, String> {
    if record.kind == RecordKind::Level {
        return Err(format!(
            "{name} is damaged: it holds a sweep level, not a replication"
        ));
    }
    record
        .result()
        .map_err(|reason| format!("{name} is damaged: {reason}"))
}

/// Refuses a merge whose scenarios, loaded here, are not the shards'.
fn check_fingerprint(scenarios: &[&Scenario], header: &ShardHeader) -> Result<(), CliError> {
    if shard::scenario_fingerprint(scenarios) == header.scenario_fingerprint {
        return Ok(());
    }
    Err(CliError::bad_input(format!(
        "the scenario `omnisim {} {}` loads here is not the one the shards ran: a file it reads changed, or this is another folder",
        header.command,
        header.invocation.join(" ")
    ))
    .with_hint(format!(
        "run the merge in the folder the shards ran in ({}), with the same files",
        header.working_directory
    )))
}

/// The run of merged shards: the whole run's files, through `run`'s own ending. Each
/// replication is folded as it is read, in replication order (then the paired base run's),
/// exactly as `run` folds them.
fn merge_run(
    args: &MergeArgs,
    mut run_args: RunArgs,
    plan: &MergePlan,
    readers: &mut [OpenShard],
    count: usize,
) -> Result<(), CliError> {
    run_args.out = args.out.clone();
    run_args.format = args.format;
    run_args.simulation.quiet |= args.quiet;
    let prepared = prepare(&run_args)?;
    check_fingerprint(&[&prepared.scenario], &plan.preamble.header)?;
    super::files::check_output_folder(&prepared.out_dir)?;
    let mut fold = ReportFold::new(&prepared.scenario);
    let mut counters = RunCounters {
        events_processed: 0,
        contacts_generated: 0,
        peak_live_contacts: 0,
        wall_seconds: 0.0,
        threads: 1,
    };
    shard::merged_records(plan, readers, |name, record| {
        let result = decoded_result(name, &record)?;
        if record.kind == RecordKind::BaseResult {
            fold.add_base(&result);
        } else {
            counters.events_processed += result.events_processed;
            counters.contacts_generated += result.contacts_generated;
            counters.peak_live_contacts =
                counters.peak_live_contacts.max(result.peak_live_contacts);
            fold.add(&result);
        }
        Ok(())
    })
    .map_err(CliError::bad_input)?;
    let report = fold.finish(counters);
    if !run_args.simulation.quiet {
        eprintln!(
            "merged {count} shard(s): {} replications of {}",
            plan.preamble.units.len(),
            plan.preamble.header.scenario_name
        );
    }
    finish(&run_args, &prepared, &report, false)
}

/// The sweep of merged shards: its levels in order, through `sweep`'s own ending.
fn merge_sweep(
    args: &MergeArgs,
    mut sweep_args: SweepArgs,
    plan: &MergePlan,
    readers: &mut [OpenShard],
    count: usize,
) -> Result<(), CliError> {
    sweep_args.out = args.out.clone();
    sweep_args.format = args.format;
    sweep_args.simulation.quiet |= args.quiet;
    let (scenario, spec) = super::sweep::prepare(&sweep_args)?;
    check_fingerprint(&[&scenario], &plan.preamble.header)?;
    let out_dir = super::sweep::sweep_folder(&sweep_args, &scenario);
    super::files::check_output_folder(&out_dir)?;
    let mut levels = Vec::with_capacity(plan.preamble.units.len());
    shard::merged_records(plan, readers, |name, record| {
        levels.push(
            record
                .level()
                .map_err(|reason| format!("{name} is damaged: {reason}"))?,
        );
        Ok(())
    })
    .map_err(CliError::bad_input)?;
    if !sweep_args.simulation.quiet {
        eprintln!(
            "merged {count} shard(s): {} levels of {}",
            levels.len(),
            plan.preamble.header.scenario_name
        );
    }
    let report = omnisim::sweep::sweep_report(&scenario, &spec, levels);
    super::sweep::finish(&sweep_args, &out_dir, &report)
}

/// The comparison of merged shards: compared and gated through `compare`'s own ending.
fn merge_compare(
    args: &MergeArgs,
    mut compare_args: CompareArgs,
    plan: &MergePlan,
    readers: &mut [OpenShard],
    count: usize,
) -> Result<(), CliError> {
    compare_args.out = args.out.clone();
    compare_args.format = args.format;
    compare_args.simulation.quiet |= args.quiet;
    let prepared = super::compare::prepare(&compare_args)?;
    check_fingerprint(
        &[&prepared.base, &prepared.candidate],
        &plan.preamble.header,
    )?;
    let mut fold = ComparisonFold::new(&prepared.base, &prepared.candidate, &prepared.settings);
    shard::merged_records(plan, readers, |name, record| {
        let result = decoded_result(name, &record)?;
        if record.kind == RecordKind::BaseResult {
            fold.add_base(std::slice::from_ref(&result));
        } else {
            fold.add_candidate(std::slice::from_ref(&result));
        }
        Ok(())
    })
    .map_err(CliError::bad_input)?;
    if !compare_args.simulation.quiet {
        eprintln!(
            "merged {count} shard(s): {} replications of {} and its candidate",
            plan.preamble.units.len(),
            plan.preamble.header.scenario_name
        );
    }
    let comparison = fold.comparison();
    // The samples are no longer needed while the files are written.
    drop(fold);
    super::compare::finish(&compare_args, &prepared, comparison)
}

/// The command a shard recorded, parsed again.
fn parse_invocation(header: &ShardHeader) -> Result<Command, CliError> {
    let command_line = ["omnisim", header.command.as_str()]
        .into_iter()
        .map(String::from)
        .chain(header.invocation.iter().cloned());
    match Cli::try_parse_from(command_line) {
        Ok(Cli {
            command: command @ (Command::Run(_) | Command::Sweep(_) | Command::Compare(_)),
            ..
        }) => Ok(command),
        _ => Err(CliError::bad_input(format!(
            "the shards' command line `omnisim {} {}` does not parse with this omnisim",
            header.command,
            header.invocation.join(" ")
        ))),
    }
}
