//! `omnisim run --shard I/N`, `sweep --shard I/N`, `compare --shard I/N` and `omnisim
//! merge`: a run's or comparison's replications (a sweep's levels) spread over machines and
//! merged back into the files of the whole one (`omnisim::shard`). A shard
//! records the command line that loaded its scenario; the merge parses it again, loads the
//! scenario the same way (refusing when its fingerprint changed), and ends as `run` does.

use std::fs::File;
use std::io::{BufReader, Write};
use std::path::{Path, PathBuf};

use clap::Parser;
use omnisim::compare::ComparisonFold;
use omnisim::engine::ReplicationResult;
use omnisim::scenario::Scenario;
use omnisim::shard::{
    self, MergePlan, RawRecord, RecordKind, ShardHeader, ShardPreamble, ShardReader, ShardSpec,
    ShardWriter,
};
use omnisim::simulate::{self, ReportFold, RunCounters};
use omnisim::sweep::SweepSpec;

use super::CliError;
use super::args::{Cli, Command, CompareArgs, MergeArgs, RunArgs, SweepArgs};
use super::compare::PreparedComparison;
use super::files::write_single_file_streamed;
use super::run::{finish, prepare};
use super::scenario_args::{directory_name, with_progress};

/// `--shard`: I/N as given, or from the batch engine's environment.
fn resolve_spec(text: &str) -> Result<ShardSpec, CliError> {
    let refuse = |reason: String| {
        CliError::bad_input(format!("--shard {text}: {reason}")).with_hint(
            "give I/N (0/4 is the first of four), `auto` in a Slurm job array, or `auto/N` in a Kubernetes Indexed Job of N completions",
        )
    };
    let variable = |name: &str| -> Result<Option<u32>, CliError> {
        match std::env::var(name) {
            Err(_) => Ok(None),
            Ok(value) => value
                .trim()
                .parse::<u32>()
                .map(Some)
                .map_err(|_| refuse(format!("{name}={value} is not a whole number"))),
        }
    };
    let index_from_environment = || -> Result<u32, CliError> {
        if let Some(task) = variable("SLURM_ARRAY_TASK_ID")? {
            // An array given as --array=1-16 counts from its minimum.
            let first = variable("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
            return task.checked_sub(first).ok_or_else(|| {
                refuse(format!(
                    "SLURM_ARRAY_TASK_ID {task} is below SLURM_ARRAY_TASK_MIN {first}"
                ))
            });
        }
        variable("JOB_COMPLETION_INDEX")?.ok_or_else(|| {
            refuse("neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX is set".into())
        })
    };
    let spec = match text.strip_prefix("auto") {
        Some("") => {
            let index = index_from_environment()?;
            let count = variable("SLURM_ARRAY_TASK_COUNT")?.ok_or_else(|| {
                refuse("SLURM_ARRAY_TASK_COUNT is not set; give the count as auto/N".into())
            })?;
            format!("{index}/{count}")
        }
        Some(rest) => match rest.strip_prefix('/') {
            Some(count) => format!("{}/{count}", index_from_environment()?),
            None => text.to_string(),
        },
        None => text.to_string(),
    };
    ShardSpec::parse(&spec).map_err(refuse)
}

/// The command line after `command` as typed, without `--shard`, `--out` and `--threads`
/// (and their values) or `--quiet`: what a merge parses again to load the scenario the
/// same way, and what every shard of one run has in common.
fn invocation(command: &str) -> Vec<String> {
    let arguments: Vec<String> = std::env::args_os()
        .map(|argument| argument.to_string_lossy().into_owned())
        .collect();
    let start = arguments
        .iter()
        .position(|argument| argument == command)
        .map_or(arguments.len(), |at| at + 1);
    let mut kept = Vec::new();
    let mut rest = arguments[start..].iter();
    while let Some(argument) = rest.next() {
        let with_value = ["--shard", "--out", "--threads"];
        if with_value.contains(&argument.as_str()) {
            rest.next();
        } else if !(with_value
            .iter()
            .any(|flag| argument.starts_with(&format!("{flag}=")))
            || argument == "--quiet"
            || argument == "-q")
        {
            kept.push(argument.clone());
        }
    }
    kept
}

/// A shard's header for `command` over `units` replications or levels of `scenarios` (the
/// base and the candidate of a comparison).
fn header(scenarios: &[&Scenario], command: &str, units: u32) -> ShardHeader {
    ShardHeader {
        omnisim_version: env!("CARGO_PKG_VERSION").to_string(),
        scenario_name: scenarios[0].name().to_string(),
        scenario_fingerprint: shard::scenario_fingerprint(scenarios),
        seed: scenarios[0].simulation().seed,
        command: command.to_string(),
        units,
        invocation: invocation(command),
        working_directory: std::env::current_dir()
            .map(|folder| folder.display().to_string())
            .unwrap_or_default(),
    }
}

/// Where shard `spec` of `command` goes: `out`, or `output/shards/<scenario>[/sweep|/compare]`.
fn shard_path(out: Option<&Path>, scenario: &Scenario, spec: ShardSpec, command: &str) -> PathBuf {
    let folder = out.map(Path::to_path_buf).unwrap_or_else(|| {
        let folder = Path::new("output")
            .join("shards")
            .join(directory_name(scenario.name()));
        match command {
            "run" => folder,
            command => folder.join(command),
        }
    });
    folder.join(spec.file_name())
}

fn shard_write_error(path: &Path, error: std::io::Error) -> CliError {
    CliError::failure(
        format!("cannot write {}: {error}", path.display()),
        Some("choose a path you can write to"),
    )
}

/// Writes a shard file at `path` atomically (nothing appears there unless it is whole): the
/// preamble, then the records `records` writes, then the end record.
fn write_shard_file(
    path: &Path,
    preamble: &ShardPreamble,
    records: impl FnOnce(&mut ShardWriter<&mut (dyn Write + Send)>) -> Result<(), CliError>,
) -> Result<(), CliError> {
    write_single_file_streamed(path, |out| {
        let mut writer =
            ShardWriter::start(out, preamble).map_err(|error| shard_write_error(path, error))?;
        records(&mut writer)?;
        writer
            .finish()
            .map_err(|error| shard_write_error(path, error))?;
        Ok(())
    })
}

fn say_written(spec: ShardSpec, path: &Path, quiet: bool, what: String) {
    if !quiet {
        eprintln!(
            "wrote shard {}/{} ({what}) to {}",
            spec.index,
            spec.count,
            path.display()
        );
    }
}

/// `run --shard`: runs the shard's replications and writes each to the shard file as it
/// finishes (in order), so the shard holds a few replications at a time, as `run` does.
pub fn run_shard(args: &RunArgs, scenario: &Scenario, spec: &str) -> Result<(), CliError> {
    let spec = resolve_spec(spec)?;
    let total = scenario.simulation().replications;
    let replications = spec.units(total);
    let paired = !scenario.disruptions().is_empty();
    let runs = if paired { 2 } else { 1 };
    let preamble = ShardPreamble {
        header: header(&[scenario], "run", total),
        units: replications.clone(),
        paired,
    };
    let path = shard_path(args.out.as_deref(), scenario, spec, "run");
    let mut counters = None;
    write_shard_file(&path, &preamble, |writer| {
        let mut failed = None;
        let ran = with_progress(
            &args.simulation,
            replications.len() as u64 * runs,
            "replications",
            |execution| {
                simulate::run_shard(scenario, &replications, execution, |result, base| {
                    let kind = if base {
                        RecordKind::BaseResult
                    } else {
                        RecordKind::Result
                    };
                    if failed.is_none()
                        && let Err(error) = writer.result(kind, &result)
                    {
                        failed = Some(error);
                    }
                })
            },
        )?;
        if let Some(error) = failed {
            return Err(shard_write_error(&path, error));
        }
        counters = Some(ran);
        Ok(())
    })?;
    let counters = counters.expect("the shard was written");
    let what = format!(
        "{} of {} replications, {} contacts in {:.2} s",
        replications.len(),
        total,
        counters.contacts_generated,
        counters.wall_seconds
    );
    say_written(spec, &path, args.simulation.quiet, what);
    Ok(())
}

/// `sweep --shard`: runs the shard's levels (each with all its replications) and writes
/// them as a shard file.
pub fn sweep_shard(
    args: &SweepArgs,
    scenario: &Scenario,
    sweep: &SweepSpec,
    spec: &str,
) -> Result<(), CliError> {
    let spec = resolve_spec(spec)?;
    let total = sweep.levels.len() as u32;
    let positions = spec.units(total);
    let indices: Vec<usize> = positions.iter().map(|&p| p as usize).collect();
    let levels = with_progress(
        &args.simulation,
        indices.len() as u64 * u64::from(scenario.simulation().replications),
        "sweep (levels x replications)",
        |execution| omnisim::sweep::run_sweep_levels(scenario, sweep, &indices, execution),
    )?;
    let preamble = ShardPreamble {
        header: header(&[scenario], "sweep", total),
        units: positions.clone(),
        paired: false,
    };
    let path = shard_path(args.out.as_deref(), scenario, spec, "sweep");
    write_shard_file(&path, &preamble, |writer| {
        for (&position, level) in positions.iter().zip(&levels) {
            writer
                .level(position, level)
                .map_err(|error| shard_write_error(&path, error))?;
        }
        Ok(())
    })?;
    let what = format!("{} of {} levels", positions.len(), total);
    say_written(spec, &path, args.simulation.quiet, what);
    Ok(())
}

/// `compare --shard`: runs the shard's replications of both sides and writes them as a
/// shard file (the candidate's results as results, the base's as their paired results).
pub fn compare_shard(
    args: &CompareArgs,
    prepared: &PreparedComparison,
    spec: &str,
) -> Result<(), CliError> {
    let spec = resolve_spec(spec)?;
    let total = prepared.base.simulation().replications;
    let replications = spec.units(total);
    let (base_results, results) = with_progress(
        &args.simulation,
        2 * replications.len() as u64,
        "replications (base and candidate)",
        |execution| {
            omnisim::compare::run_compare_replications(
                &prepared.base,
                &prepared.candidate,
                &replications,
                execution,
            )
        },
    )?;
    let preamble = ShardPreamble {
        header: header(&[&prepared.base, &prepared.candidate], "compare", total),
        units: replications.clone(),
        paired: true,
    };
    let path = shard_path(args.out.as_deref(), &prepared.base, spec, "compare");
    write_shard_file(&path, &preamble, |writer| {
        let records = (results.iter().map(|result| (RecordKind::Result, result))).chain(
            base_results
                .iter()
                .map(|result| (RecordKind::BaseResult, result)),
        );
        for (kind, result) in records {
            writer
                .result(kind, result)
                .map_err(|error| shard_write_error(&path, error))?;
        }
        Ok(())
    })?;
    let what = format!(
        "{} of {} replications, both sides",
        replications.len(),
        total
    );
    say_written(spec, &path, args.simulation.quiet, what);
    Ok(())
}

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
            fold.add_base(&result);
        } else {
            fold.add_candidate(&result);
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
    let comparison = fold.finish();
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
