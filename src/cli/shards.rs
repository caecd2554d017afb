//! `omnisim run --shard I/N`, `sweep --shard I/N` and `compare --shard I/N`: a run's or
//! comparison's replications (a sweep's levels) spread over machines, each share written as
//! a shard file (`omnisim::shard`) for `omnisim merge` (`merge.rs`). A shard records the
//! command line that loaded its scenario, without the flags that differ between shards, so
//! that the merge can load the scenario the same way.

use std::io::Write;
use std::path::{Path, PathBuf};

use omnisim::scenario::Scenario;
use omnisim::shard::{self, RecordKind, ShardHeader, ShardPreamble, ShardSpec, ShardWriter};
use omnisim::simulate;
use omnisim::sweep::SweepSpec;

use super::CliError;
use super::args::{CompareArgs, RunArgs, SweepArgs};
use super::compare::PreparedComparison;
use super::files::write_single_file_streamed;
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

pub(super) fn shard_write_error(path: &Path, error: std::io::Error) -> CliError {
    CliError::failure(
        format!("cannot write {}: {error}", path.display()),
        Some("choose a path you can write to"),
    )
}

/// Writes a shard file at `path` atomically (nothing appears there unless it is whole): the
/// preamble, then the records `records` writes, then the end record.
pub(super) fn write_shard_file(
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
