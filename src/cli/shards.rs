//! `omnisim run --shard I/N`, `sweep --shard I/N`, `compare --shard I/N` and `omnisim
//! merge`: a run's or comparison's replications (a sweep's levels) spread over machines and
//! merged back into the files of the whole one (`omnisim::shard`). A shard
//! records the command line that loaded its scenario; the merge parses it again, loads the
//! scenario the same way (refusing when its fingerprint changed), and ends as `run` does.

use std::path::{Path, PathBuf};

use clap::Parser;
use omnisim::scenario::Scenario;
use omnisim::shard::{self, Shard, ShardHeader, ShardSpec};
use omnisim::simulate::{self, RunCounters};
use omnisim::sweep::SweepSpec;

use super::CliError;
use super::args::{Cli, Command, CompareArgs, MergeArgs, RunArgs, SweepArgs};
use super::compare::PreparedComparison;
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

/// Writes a shard file to `out` (default `output/shards/<scenario>[/sweep|/compare]`) and
/// says so.
fn write_shard(
    out: Option<&Path>,
    scenario: &Scenario,
    spec: ShardSpec,
    shard: &Shard,
    quiet: bool,
    what: String,
) -> Result<(), CliError> {
    let folder = out.map(Path::to_path_buf).unwrap_or_else(|| {
        let folder = Path::new("output")
            .join("shards")
            .join(directory_name(scenario.name()));
        match shard.header.command.as_str() {
            "run" => folder,
            command => folder.join(command),
        }
    });
    std::fs::create_dir_all(&folder).map_err(|error| {
        CliError::failure(format!("cannot create {}: {error}", folder.display()), None)
    })?;
    let path = folder.join(spec.file_name());
    write_single_file(&path, &shard::encode(shard))?;
    if !quiet {
        eprintln!(
            "wrote shard {}/{} ({what}) to {}",
            spec.index,
            spec.count,
            path.display()
        );
    }
    Ok(())
}

/// `run --shard`: runs the shard's replications and writes them as a shard file.
pub fn run_shard(args: &RunArgs, scenario: &Scenario, spec: &str) -> Result<(), CliError> {
    let spec = resolve_spec(spec)?;
    let total = scenario.simulation().replications;
    let replications = spec.units(total);
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
    let shard = Shard {
        header: header(&[scenario], "run", total),
        units: replications.clone(),
        results,
        base_results,
        levels: Vec::new(),
    };
    let what = format!(
        "{} of {} replications, {} contacts in {:.2} s",
        replications.len(),
        total,
        counters.contacts_generated,
        counters.wall_seconds
    );
    write_shard(
        args.out.as_deref(),
        scenario,
        spec,
        &shard,
        args.simulation.quiet,
        what,
    )
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
    let shard = Shard {
        header: header(&[scenario], "sweep", total),
        units: positions.clone(),
        results: Vec::new(),
        base_results: Vec::new(),
        levels,
    };
    let what = format!("{} of {} levels", positions.len(), total);
    write_shard(
        args.out.as_deref(),
        scenario,
        spec,
        &shard,
        args.simulation.quiet,
        what,
    )
}

/// `compare --shard`: runs the shard's replications of both sides and writes them as a
/// shard file (the candidate's results as `results`, the base's as `base_results`).
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
    let shard = Shard {
        header: header(&[&prepared.base, &prepared.candidate], "compare", total),
        units: replications.clone(),
        results,
        base_results,
        levels: Vec::new(),
    };
    let what = format!(
        "{} of {} replications, both sides",
        replications.len(),
        total
    );
    write_shard(
        args.out.as_deref(),
        &prepared.base,
        spec,
        &shard,
        args.simulation.quiet,
        what,
    )
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
        CliError::bad_input(reason).with_hint(
            "merge the shards of one `omnisim run --shard` (or one `sweep --shard`) only",
        )
    })?;
    let what = if merged.header.command == "sweep" {
        "levels"
    } else {
        "replications"
    };
    if let Some(path) = &args.shard_file {
        write_single_file(path, &shard::encode(&merged))?;
        if !args.quiet {
            eprintln!(
                "merged {count} shard(s) ({} of {} {what}) into {}",
                merged.units.len(),
                merged.header.units,
                path.display()
            );
        }
        return Ok(());
    }
    let missing = shard::missing_units(&merged);
    if !missing.is_empty() {
        let listed: Vec<String> = missing.iter().take(10).map(u32::to_string).collect();
        let one = &what[..what.len() - 1];
        return Err(CliError::bad_input(format!(
            "{} of the {} {what} are in no shard given ({one} {}{}); a shard is missing",
            missing.len(),
            merged.header.units,
            listed.join(", "),
            if missing.len() > 10 { ", ..." } else { "" }
        ))
        .with_hint(format!(
            "give every shard (shard I of N holds the {what} p with p % N = I)"
        )));
    }
    match parse_invocation(&merged.header)? {
        Command::Run(run_args) => merge_run(args, run_args, &merged, count),
        Command::Sweep(sweep_args) => merge_sweep(args, sweep_args, merged, count),
        Command::Compare(compare_args) => merge_compare(args, compare_args, &merged, count),
        _ => unreachable!("parse_invocation parses run, sweep and compare only"),
    }
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

/// The run of merged shards: the whole run's files, through `run`'s own ending.
fn merge_run(
    args: &MergeArgs,
    mut run_args: RunArgs,
    merged: &Shard,
    count: usize,
) -> Result<(), CliError> {
    run_args.out = args.out.clone();
    run_args.format = args.format;
    run_args.simulation.quiet |= args.quiet;
    let prepared = prepare(&run_args)?;
    check_fingerprint(&[&prepared.scenario], &merged.header)?;
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

/// The sweep of merged shards: its levels in order, through `sweep`'s own ending.
fn merge_sweep(
    args: &MergeArgs,
    mut sweep_args: SweepArgs,
    merged: Shard,
    count: usize,
) -> Result<(), CliError> {
    sweep_args.out = args.out.clone();
    sweep_args.format = args.format;
    sweep_args.simulation.quiet |= args.quiet;
    let (scenario, spec) = super::sweep::prepare(&sweep_args)?;
    check_fingerprint(&[&scenario], &merged.header)?;
    let out_dir = super::sweep::sweep_folder(&sweep_args, &scenario);
    super::files::check_output_folder(&out_dir)?;
    if !sweep_args.simulation.quiet {
        eprintln!(
            "merged {count} shard(s): {} levels of {}",
            merged.levels.len(),
            merged.header.scenario_name
        );
    }
    let report = omnisim::sweep::sweep_report(&scenario, &spec, merged.levels);
    super::sweep::finish(&sweep_args, &out_dir, &report)
}

/// The comparison of merged shards: compared and gated through `compare`'s own ending.
fn merge_compare(
    args: &MergeArgs,
    mut compare_args: CompareArgs,
    merged: &Shard,
    count: usize,
) -> Result<(), CliError> {
    compare_args.out = args.out.clone();
    compare_args.format = args.format;
    compare_args.simulation.quiet |= args.quiet;
    let prepared = super::compare::prepare(&compare_args)?;
    check_fingerprint(&[&prepared.base, &prepared.candidate], &merged.header)?;
    if !compare_args.simulation.quiet {
        eprintln!(
            "merged {count} shard(s): {} replications of {} and its candidate",
            merged.results.len(),
            merged.header.scenario_name
        );
    }
    let comparison = omnisim::compare::comparison_from_results(
        &prepared.base,
        &prepared.candidate,
        &prepared.settings,
        &merged.base_results,
        &merged.results,
    );
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
