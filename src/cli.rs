//! The command line: argument definitions (clap) and the commands they run. Each command
//! returns `Result<(), CliError>`; `main` maps the error to its exit code and prints it once.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::error::{EXIT_BAD_INPUT, EXIT_FAILURE, ScenarioError};
use crate::metrics::summary::{channel_interval_rows, group_interval_rows, summarise};
use crate::output::{interval_csv_bytes, summary_json_bytes, table::summary_table, write_files};
use crate::progress::Progress;
use crate::replicate::run_replications;
use crate::scenario::{Limits, Scenario, load_scenario_file};

#[derive(Debug, Parser)]
#[command(
    name = "omnisim",
    version,
    about = "Simulate an omnichannel contact center: queue waits, SLA attainment and staffing, with confidence intervals.",
    after_help = "Examples:\n  omnisim run scenarios/retail_week.toml\n  omnisim run scenarios/erlang_c.toml --replications 30 --out /tmp/erlang\n  omnisim validate scenarios/retail_week.toml\n\nExit codes: 0 success, 1 failure while running or writing, 2 invalid input."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a scenario's replications and report per-channel waits and SLA attainment.
    #[command(
        after_help = "Example:\n  omnisim run scenarios/retail_week.toml --replications 20 --seed 7\n\nWrites summary.json, intervals.csv and group_intervals.csv to output/<scenario>/ (or --out).\nThe same scenario and seed give byte-identical files at any --threads."
    )]
    Run(RunArgs),
    /// Check a scenario file and report every problem, without running it.
    #[command(
        after_help = "Example:\n  omnisim validate scenarios/retail_week.toml\n\nExit code 2 and one line per problem (file:line:column: key: reason) when it is invalid."
    )]
    Validate {
        /// The scenario TOML file.
        scenario: PathBuf,
    },
}

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// The scenario TOML file.
    pub scenario: PathBuf,
    /// Folder for the output files [default: output/<scenario name>].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Override simulation.replications.
    #[arg(long)]
    pub replications: Option<u32>,
    /// Override simulation.seed.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads for replications [default: all cores]. Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// What to print on stdout: a table for people, or the summary JSON for scripts.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// No progress bar and no performance line on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
}

/// An error with the exit code it maps to.
#[derive(Debug)]
pub struct CliError {
    pub message: String,
    pub exit_code: u8,
}

impl From<ScenarioError> for CliError {
    fn from(error: ScenarioError) -> CliError {
        CliError {
            message: error.to_string(),
            exit_code: EXIT_BAD_INPUT,
        }
    }
}

/// Parses arguments, runs the command, prints any error, and returns the exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run_command(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {}", error.message);
            ExitCode::from(error.exit_code)
        }
    }
}

pub fn run_command(command: Command) -> Result<(), CliError> {
    match command {
        Command::Validate { scenario } => validate(&scenario),
        Command::Run(args) => run(&args),
    }
}

fn validate(path: &Path) -> Result<(), CliError> {
    let scenario = load_scenario_file(path)?;
    let settings = &scenario.simulation;
    println!(
        "{}: valid. {} channel(s), {} group(s), {} reporting intervals, {} replication(s).",
        path.display(),
        scenario.channels.len(),
        scenario.groups.len(),
        settings.n_intervals(),
        settings.replications
    );
    Ok(())
}

fn run(args: &RunArgs) -> Result<(), CliError> {
    let mut scenario = load_scenario_file(&args.scenario)?;
    apply_overrides(&mut scenario, args)?;
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(directory_name(&scenario.name)));
    let progress = Progress::new(
        u64::from(scenario.simulation.replications),
        "replications",
        args.quiet,
    );
    let (results, counters) = run_replications(&scenario, args.threads, &progress);
    if let Some(failure) = results.iter().flat_map(|r| &r.conservation_failures).next() {
        return Err(CliError {
            message: format!("internal error, flow conservation failed (please report): {failure}"),
            exit_code: EXIT_FAILURE,
        });
    }
    let summary = summarise(&scenario, &results);
    let json = summary_json_bytes(&summary);
    let files = [
        ("summary.json", json.clone()),
        (
            "intervals.csv",
            interval_csv_bytes("channel", &channel_interval_rows(&scenario, &results)),
        ),
        (
            "group_intervals.csv",
            interval_csv_bytes("group", &group_interval_rows(&scenario, &results)),
        ),
    ];
    let written = write_files(&out_dir, &files).map_err(|error| CliError {
        message: format!("cannot write outputs to {}: {error}", out_dir.display()),
        exit_code: EXIT_FAILURE,
    })?;
    let mut stdout = std::io::stdout().lock();
    let printed = match args.format {
        Format::Json => stdout.write_all(&json),
        Format::Table => {
            let mut text = summary_table(&summary);
            text.push_str(&format!(
                "\nwrote {}\n",
                written
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            stdout.write_all(text.as_bytes())
        }
    };
    printed.map_err(|error| CliError {
        message: format!("cannot print the summary: {error}"),
        exit_code: EXIT_FAILURE,
    })?;
    if !args.quiet {
        let per_second = |n: f64| n / counters.wall_seconds.max(1e-9);
        let line = format!(
            "simulated {} contacts and {} events in {:.2} s on {} thread(s): {:.2} M contacts/s, {:.2} M events/s; at most {} contacts alive at once",
            counters.contacts_generated,
            counters.events_processed,
            counters.wall_seconds,
            counters.threads,
            per_second(counters.contacts_generated as f64) / 1e6,
            per_second(counters.events_processed as f64) / 1e6,
            counters.peak_live_contacts
        );
        // Counters go to stderr, so stdout stays machine-readable with --format json.
        eprintln!("{line}");
    }
    Ok(())
}

fn apply_overrides(scenario: &mut Scenario, args: &RunArgs) -> Result<(), CliError> {
    if let Some(replications) = args.replications {
        if replications == 0 || replications > Limits::MAX_REPLICATIONS {
            return Err(CliError {
                message: format!(
                    "--replications must be from 1 to {}, got {replications}",
                    Limits::MAX_REPLICATIONS
                ),
                exit_code: EXIT_BAD_INPUT,
            });
        }
        scenario.simulation.replications = replications;
    }
    if let Some(seed) = args.seed {
        scenario.simulation.seed = seed;
    }
    if args.threads == Some(0) {
        return Err(CliError {
            message: "--threads must be at least 1".into(),
            exit_code: EXIT_BAD_INPUT,
        });
    }
    Ok(())
}

/// A folder name from a scenario name: letters, digits, '-', '_' and '.'; others become '_'.
fn directory_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if cleaned.trim_matches('.').is_empty() {
        "scenario".into()
    } else {
        cleaned
    }
}
