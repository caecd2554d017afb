//! `omnisim run --shard I/N` and `omnisim merge`: a run's replications spread over
//! machines and merged back into the files of the whole run (`omnisim::shard`). A shard
//! records the command line that loaded its scenario; the merge parses it again, loads the
//! scenario the same way (refusing when its fingerprint changed), and ends as `run` does.

use std::path::{Path, PathBuf};

use clap::Parser;
use omnisim::scenario::Scenario;
use omnisim::shard::{self, Shard, ShardHeader, ShardSpec};
use omnisim::simulate::{self, RunCounters};

use super::CliError;
use super::args::{Cli, Command, MergeArgs, RunArgs};
use super::files::write_single_file;
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

/// The `run` command line as typed, without `--shard` and `--out` (and their values): what
/// a merge parses again to load the scenario the same way.
fn run_invocation() -> Vec<String> {
    let arguments: Vec<String> = std::env::args_os()
        .map(|argument| argument.to_string_lossy().into_owned())
        .collect();
    let start = arguments
        .iter()
        .position(|argument| argument == "run")
        .map_or(arguments.len(), |at| at + 1);
    let mut kept = Vec::new();
    let mut rest = arguments[start..].iter();
    while let Some(argument) = rest.next() {
        if argument == "--shard" || argument == "--out" {
            rest.next();
        } else if !(argument.starts_with("--shard=") || argument.starts_with("--out=")) {
            kept.push(argument.clone());
        }
    }
    kept
}

/// `run --shard`: runs the shard's replications and writes them as a shard file.
pub fn run_shard(args: &RunArgs, scenario: &Scenario, spec: &str) -> Result<(), CliError> {
    let spec = resolve_spec(spec)?;
    let total = scenario.simulation().replications;
    let replications = spec.replications(total);
    let runs = if scenario.disruptions().is_empty() {
        1
    } else {
        2
    };
    let (results, base_results, counters) = with_progress(
        &args.simulation,
        replications.len() as u64 * runs,
        "replications",
        |execution| simulate::run_shard(scenario, &replications, execution),
    )?;
    let header = ShardHeader {
        omnisim_version: env!("CARGO_PKG_VERSION").to_string(),
        scenario_name: scenario.name().to_string(),
        scenario_fingerprint: shard::scenario_fingerprint(scenario),
        seed: scenario.simulation().seed,
        replications: total,
        invocation: run_invocation(),
        working_directory: std::env::current_dir()
            .map(|folder| folder.display().to_string())
            .unwrap_or_default(),
    };
    let folder = args.out.clone().unwrap_or_else(|| {
        Path::new("output")
            .join("shards")
            .join(directory_name(scenario.name()))
    });
    std::fs::create_dir_all(&folder).map_err(|error| {
        CliError::failure(format!("cannot create {}: {error}", folder.display()), None)
    })?;
    let path = folder.join(spec.file_name());
    let bytes = shard::encode(&Shard {
        header,
        replications: replications.clone(),
        results,
        base_results,
    });
    write_single_file(&path, &bytes)?;
    if !args.simulation.quiet {
        eprintln!(
            "wrote shard {}/{} ({} of {} replications, {} contacts in {:.2} s) to {}",
            spec.index,
            spec.count,
            replications.len(),
            total,
            counters.contacts_generated,
            counters.wall_seconds,
            path.display()
        );
    }
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

/// `omnisim merge`.
pub fn merge(args: &MergeArgs) -> Result<(), CliError> {
    let mut shards = Vec::new();
    for path in shard_files(&args.shards)? {
        let name = path.display().to_string();
        let bytes = std::fs::read(&path)
            .map_err(|error| CliError::bad_input(format!("cannot read {name}: {error}")))?;
        let shard = shard::decode(&bytes)
            .map_err(|reason| CliError::bad_input(format!("{name}: {reason}")))?;
        shards.push((name, shard));
    }
    let count = shards.len();
    let merged = shard::merge(shards).map_err(|reason| {
        CliError::bad_input(reason).with_hint("merge the shards of one `omnisim run --shard` only")
    })?;
    if let Some(path) = &args.shard_file {
        write_single_file(path, &shard::encode(&merged))?;
        if !args.quiet {
            eprintln!(
                "merged {count} shard(s) ({} of {} replications) into {}",
                merged.replications.len(),
                merged.header.replications,
                path.display()
            );
        }
        return Ok(());
    }
    let missing = shard::missing_replications(&merged);
    if !missing.is_empty() {
        let listed: Vec<String> = missing.iter().take(10).map(u32::to_string).collect();
        return Err(CliError::bad_input(format!(
            "{} of the run's {} replications are in no shard given (replication {}{}); a shard is missing",
            missing.len(),
            merged.header.replications,
            listed.join(", "),
            if missing.len() > 10 { ", ..." } else { "" }
        ))
        .with_hint("give every shard of the run (shard I of N holds the replications r with r % N = I)"));
    }
    let mut run_args = run_arguments(&merged.header)?;
    run_args.out = args.out.clone();
    run_args.format = args.format;
    run_args.simulation.quiet |= args.quiet;
    let prepared = prepare(&run_args)?;
    if shard::scenario_fingerprint(&prepared.scenario) != merged.header.scenario_fingerprint {
        return Err(CliError::bad_input(format!(
            "the scenario `omnisim run {}` loads here is not the one the shards ran: a file it reads changed, or this is another folder",
            merged.header.invocation.join(" ")
        ))
        .with_hint(format!(
            "run the merge in the folder the shards ran in ({}), with the same files",
            merged.header.working_directory
        )));
    }
    super::files::check_output_folder(&prepared.out_dir)?;
    let results = &merged.results;
    let base_results =
        (!prepared.scenario.disruptions().is_empty()).then_some(merged.base_results.as_slice());
    let counters = RunCounters {
        events_processed: results.iter().map(|r| r.events_processed).sum(),
        contacts_generated: results.iter().map(|r| r.contacts_generated).sum(),
        peak_live_contacts: results
            .iter()
            .map(|r| r.peak_live_contacts)
            .max()
            .unwrap_or(0),
        wall_seconds: 0.0,
        threads: 1,
    };
    let report = simulate::report_from_results(&prepared.scenario, results, base_results, counters);
    if !run_args.simulation.quiet {
        eprintln!(
            "merged {count} shard(s): {} replications of {}",
            results.len(),
            merged.header.scenario_name
        );
    }
    finish(&run_args, &prepared, &report, false)
}

/// The `run` arguments a shard recorded, parsed again.
fn run_arguments(header: &ShardHeader) -> Result<RunArgs, CliError> {
    let command_line = ["omnisim", "run"]
        .into_iter()
        .map(String::from)
        .chain(header.invocation.iter().cloned());
    match Cli::try_parse_from(command_line) {
        Ok(Cli {
            command: Command::Run(args),
            ..
        }) => Ok(args),
        _ => Err(CliError::bad_input(format!(
            "the shards' command line `omnisim run {}` does not parse with this omnisim",
            header.invocation.join(" ")
        ))),
    }
}
