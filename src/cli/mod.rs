//! The command line: argument definitions (clap) and dispatch to one module per command.
//! Each command returns `Result<(), CliError>`; `main` maps the error to its exit code and
//! prints it once.

mod erlang;
mod plan;
mod run;
mod sweep;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::charts::{Figure, render_png, render_svg};
use crate::error::{EXIT_BAD_INPUT, EXIT_FAILURE, ScenarioError};
use crate::scenario::load_scenario_file;
use crate::scenario::overlay::load_with_overlays;

#[derive(Debug, Parser)]
#[command(
    name = "omnisim",
    version,
    about = "Simulate an omnichannel contact center: queue waits, SLA attainment and staffing, with confidence intervals.",
    after_help = "Examples:\n  omnisim init my_center.toml          # a commented starter scenario to edit\n  omnisim run scenarios/retail_week.toml\n  omnisim run scenarios/erlang_c.toml --replications 30 --out /tmp/erlang\n  omnisim validate scenarios/retail_week.toml\n\nA run prints a dashboard and writes report.html (open it in a browser), charts (PNG, SVG),\nsummary.json and per-interval CSV files to output/<scenario>/.\n\nExit codes: 0 success, 1 failure while running or writing, 2 invalid input."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a scenario's replications and report per-channel waits and SLA attainment.
    #[command(
        after_help = "Examples:\n  omnisim run scenarios/retail_week.toml --replications 20 --seed 7\n  # an outage layered on the week, measured against the same week without it\n  omnisim run scenarios/retail_week.toml --with scenarios/outage_chat.toml\n  # for scripts and CI: JSON on stdout, no charts\n  omnisim run scenarios/erlang_c.toml --format json --no-charts --quiet\n\nWrites summary.json, intervals.csv, group_intervals.csv, report.html and charts (volume,\nsla_attainment, queue_length, asa, wait_distribution, occupancy; PNG and SVG) to\noutput/<scenario>/ (or --out). The same scenario and seed give byte-identical files at any\n--threads."
    )]
    Run(RunArgs),
    /// Check a scenario file and report every problem, without running it.
    #[command(
        after_help = "Examples:\n  omnisim validate scenarios/retail_week.toml\n  # the base with an overlay, printed as one merged scenario\n  omnisim validate scenarios/retail_week.toml --with scenarios/outage_chat.toml --print\n\nExit code 2 and one line per problem (file:line:column: key: reason) when it is invalid."
    )]
    Validate {
        /// The scenario TOML file.
        scenario: PathBuf,
        /// An overlay (a partial scenario) layered on the scenario; repeat for several.
        #[arg(long = "with", value_name = "OVERLAY")]
        overlays: Vec<PathBuf>,
        /// Print the merged scenario as TOML.
        #[arg(long)]
        print: bool,
    },
    /// Erlang B, C and A calculator: waits, service level and abandonment for a staffing
    /// level, or the fewest agents that meet your targets.
    #[command(after_help = ERLANG_EXAMPLES)]
    Erlang(ErlangArgs),
    /// SLA attainment, ASA and abandonment per channel against one group's staffing level.
    #[command(after_help = SWEEP_EXAMPLES)]
    Sweep(SweepArgs),
    /// Write a commented starter scenario (three channels, two groups) to edit.
    #[command(
        after_help = "Examples:\n  omnisim init my_center.toml\n  omnisim validate my_center.toml && omnisim run my_center.toml\n\nRefuses to overwrite an existing file unless --force is given."
    )]
    Init {
        /// Where to write the scenario.
        #[arg(default_value = "scenario.toml")]
        path: PathBuf,
        /// Overwrite the file if it exists.
        #[arg(long)]
        force: bool,
    },
    /// The fewest agents per group and interval that meet every channel's SLA, found by
    /// simulation from an Erlang start, with the Erlang figures beside it.
    #[command(after_help = PLAN_EXAMPLES)]
    Plan(PlanArgs),
}

const PLAN_EXAMPLES: &str = "Examples:
  omnisim plan scenarios/retail_week.toml
  omnisim plan scenarios/retail_week.toml --max-abandon 0.05 --max-occupancy 0.85 --shrinkage 0.3
  # check the plan on fresh seeds
  omnisim run scenarios/retail_week.toml --staffing output/retail_week/plan/staffing.toml --seed 99

Starts from Erlang A per channel and interval, then simulates (the scenario's replications and
seed), adds an agent where a target fails and removes one where every target still holds,
until stable. Writes plan.csv (agents and positions per group and interval, beside the Erlang
figures), plan_sla.csv (achieved SLA per channel and interval, with CIs), plan.json and
staffing.toml to output/<scenario>/plan/ (or --out).";

#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub simulation: SimulationArgs,
    /// One-sided confidence that each interval meets its targets (0.5 = on average).
    #[arg(long, default_value_t = 0.9, value_parser = fraction_argument)]
    pub confidence: f64,
    /// Also keep each channel's abandonment rate at most this, in every interval.
    #[arg(long, value_parser = fraction_argument)]
    pub max_abandon: Option<f64>,
    /// Also keep each group's occupancy at most this, in every interval.
    #[arg(long, value_parser = fraction_argument)]
    pub max_occupancy: Option<f64>,
    /// Share of paid time lost to breaks, training and absence: positions = agents / (1 - s).
    #[arg(long, default_value_t = 0.0, value_parser = fraction_argument)]
    pub shrinkage: f64,
    /// Most simulations (of all replications each) the search may run.
    #[arg(long, default_value_t = 400)]
    pub max_evaluations: u32,
    /// Most agents one group may have in one interval.
    #[arg(long, default_value_t = 5000)]
    pub max_agents: u32,
    /// Folder for the plan files [default: output/<scenario>/plan].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// What to print on stdout: a summary, or plan.json for scripts.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

const SWEEP_EXAMPLES: &str = "Examples:
  # phone_team at a constant 1 to 6 agents in every interval
  omnisim sweep scenarios/retail_week.toml --group phone_team --agents 1..6

  # the digital team's schedule with 2 fewer to 2 more agents in every interval
  omnisim sweep scenarios/retail_week.toml --group digital --change=-2..2

  # a textbook queue, every second level, as JSON
  omnisim sweep scenarios/erlang_c.toml --group agents --agents 12..20 --step 2 --format json

Ranges are inclusive. Every level runs the same seeds, so each sees the same contacts and
the differences between rows are the staffing's. Writes sweep.csv and sweep.json to
output/<scenario>/sweep_<group>/ (or --out).";

#[derive(Debug, clap::Args)]
pub struct SweepArgs {
    #[command(flatten)]
    pub simulation: SimulationArgs,
    /// The agent group to vary.
    #[arg(long)]
    pub group: String,
    /// Constant headcounts to try, as FROM..TO (inclusive), e.g. 20..40.
    #[arg(
        long,
        value_name = "FROM..TO",
        conflicts_with = "change",
        required_unless_present = "change",
        allow_hyphen_values = true
    )]
    pub agents: Option<String>,
    /// Changes to the scheduled headcount of every interval, as FROM..TO, e.g. -3..3.
    #[arg(long, value_name = "FROM..TO", allow_hyphen_values = true)]
    pub change: Option<String>,
    /// Step between levels.
    #[arg(long, default_value_t = 1)]
    pub step: u32,
    /// Folder for sweep.csv and sweep.json [default: output/<scenario>/sweep_<group>].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// What to print on stdout: a table, or the sweep as JSON.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

const ERLANG_EXAMPLES: &str = "Examples:
  # 100 calls per half-hour, 3-minute handle time: how do 14 agents do on 80% in 20 s?
  omnisim erlang --arrivals 100 --per 30m --handle-time 3m --threshold 20s --agents 14

  # the fewest agents for 80% in 20 s, at most 85% occupancy, with 30% shrinkage
  omnisim erlang --arrivals 100 --per 30m --handle-time 3m --threshold 20s --target-sl 0.8 \\
      --max-occupancy 0.85 --shrinkage 0.3

  # with customers who hang up after 5 minutes on average (Erlang A), as JSON
  omnisim erlang --arrivals 100 --per 30m --handle-time 3m --patience 5m --threshold 20s \\
      --target-sl 0.8 --max-abandon 0.03 --json

  # chat: each agent holds 3 conversations (treated as 3 servers, no slowdown)
  omnisim erlang --arrivals 300 --per 1h --handle-time 8m --concurrency 3 --threshold 2m --target-sl 0.8

Without --patience the queue is Erlang C (nobody hangs up); with it, Erlang A (exponential
patience). SLA attainment is omnisim's definition: answered within the threshold / (answered +
abandoned after it); 'answered within' over all arrivals is printed too.";

/// A duration argument such as "90s", "4m" or "1h 30m", in seconds.
fn duration_argument(text: &str) -> Result<f64, String> {
    crate::scenario::units::parse_duration_seconds(text)
}

/// A fraction argument from 0 to 1.
fn fraction_argument(text: &str) -> Result<f64, String> {
    let value: f64 = text
        .parse()
        .map_err(|_| format!("expected a number from 0 to 1, got {text:?}"))?;
    if (0.0..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err(format!("expected a number from 0 to 1, got {value}"))
    }
}

#[derive(Debug, clap::Args)]
pub struct ErlangArgs {
    /// Contacts arriving per --per period.
    #[arg(long)]
    pub arrivals: f64,
    /// The period --arrivals is counted over.
    #[arg(long, default_value = "1h", value_parser = duration_argument)]
    pub per: f64,
    /// Mean handle time (exponential).
    #[arg(long, value_parser = duration_argument)]
    pub handle_time: f64,
    /// Mean patience before customers abandon (exponential): switches to Erlang A.
    #[arg(long, value_parser = duration_argument)]
    pub patience: Option<f64>,
    /// Contacts an agent holds at once (messaging); agents count as this many servers.
    #[arg(long, default_value_t = 1)]
    pub concurrency: u32,
    /// Agents to evaluate.
    #[arg(long)]
    pub agents: Option<u32>,
    /// Service-level threshold ("answer within").
    #[arg(long, value_parser = duration_argument)]
    pub threshold: Option<f64>,
    /// Find the fewest agents whose SLA attainment within --threshold reaches this.
    #[arg(long, value_parser = fraction_argument)]
    pub target_sl: Option<f64>,
    /// Find the fewest agents whose ASA (mean wait of answered contacts) is at most this.
    #[arg(long, value_parser = duration_argument)]
    pub max_asa: Option<f64>,
    /// Find the fewest agents whose abandonment rate is at most this (needs --patience).
    #[arg(long, value_parser = fraction_argument)]
    pub max_abandon: Option<f64>,
    /// Occupancy cap for the minimum: at most this share of agent time busy.
    #[arg(long, value_parser = fraction_argument)]
    pub max_occupancy: Option<f64>,
    /// Share of paid time lost to breaks, training and absence: positions = agents / (1 - s).
    #[arg(long, default_value_t = 0.0, value_parser = fraction_argument)]
    pub shrinkage: f64,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// What every simulating command (run, sweep, plan) takes: the scenario and how to run it.
#[derive(Debug, clap::Args)]
pub struct SimulationArgs {
    /// The scenario TOML file.
    pub scenario: PathBuf,
    /// An overlay: a partial scenario layered on this one (tables merge by key, [[events]]
    /// and other arrays of tables append). Repeat to layer several, in order.
    #[arg(long = "with", value_name = "OVERLAY")]
    pub overlays: Vec<PathBuf>,
    /// A staffing file (as `omnisim plan` writes) replacing the headcount of the groups it
    /// names.
    #[arg(long, value_name = "FILE")]
    pub staffing: Option<PathBuf>,
    /// Override simulation.replications.
    #[arg(long)]
    pub replications: Option<u32>,
    /// Override simulation.seed.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads for replications [default: all cores]. Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// No progress bar and no performance line on stderr.
    #[arg(long, short)]
    pub quiet: bool,
    /// Skip the charts (PNG and SVG) and report.html: faster, for scripts and CI.
    #[arg(long)]
    pub no_charts: bool,
}

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub simulation: SimulationArgs,
    /// Folder for the output files [default: output/<scenario name>].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// What to print on stdout: a table for people, or the summary JSON for scripts.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
}

/// An error with the exit code it maps to and, where there is one, what to do about it.
#[derive(Debug)]
pub struct CliError {
    pub message: String,
    pub exit_code: u8,
    /// One line on what to try next; `main` supplies a command's `--help` when absent.
    pub hint: Option<String>,
}

impl From<ScenarioError> for CliError {
    fn from(error: ScenarioError) -> CliError {
        let hint = match &error {
            ScenarioError::Unreadable { .. } => {
                "check the path; `omnisim init my_scenario.toml` writes a commented starter scenario"
            }
            ScenarioError::Invalid { .. } => {
                "fix the keys named above (`omnisim validate FILE` lists every problem); scenarios/ holds working examples"
            }
        };
        CliError {
            message: error.to_string(),
            exit_code: EXIT_BAD_INPUT,
            hint: Some(hint.into()),
        }
    }
}

impl CliError {
    /// Bad input from the user: exit code 2.
    pub fn bad_input(message: impl Into<String>) -> CliError {
        CliError {
            message: message.into(),
            exit_code: EXIT_BAD_INPUT,
            hint: None,
        }
    }

    /// A failure while running or writing: exit code 1.
    pub fn failure(message: impl Into<String>, hint: Option<&str>) -> CliError {
        CliError {
            message: message.into(),
            exit_code: EXIT_FAILURE,
            hint: hint.map(str::to_string),
        }
    }

    /// The same error with `hint`.
    pub fn with_hint(mut self, hint: impl Into<String>) -> CliError {
        self.hint = Some(hint.into());
        self
    }
}

/// Writes a command's files atomically into `out_dir` (see `output::write_files`).
fn write_outputs<Name: AsRef<str>>(
    out_dir: &Path,
    files: &[(Name, Vec<u8>)],
) -> Result<Vec<PathBuf>, CliError> {
    crate::output::write_files(out_dir, files).map_err(|error| {
        CliError::failure(
            format!("cannot write outputs to {}: {error}", out_dir.display()),
            Some("choose a folder you can write to with --out"),
        )
    })
}

/// A file to write: its name in the output folder and its bytes.
type OutputFile = (String, Vec<u8>);

/// Each figure as `<stem>.svg` and `<stem>.png`, rendered in parallel (each figure is drawn
/// on its own, so the bytes do not depend on the thread count), and the SVG texts in figure
/// order for report.html.
fn chart_files(figures: &[Figure]) -> Result<(Vec<OutputFile>, Vec<String>), CliError> {
    use rayon::prelude::*;
    let rendered: Vec<Result<(String, Vec<u8>), String>> = figures
        .par_iter()
        .map(|figure| Ok((render_svg(figure)?, render_png(figure)?)))
        .collect();
    let mut files = Vec::new();
    let mut svgs = Vec::new();
    for (figure, result) in figures.iter().zip(rendered) {
        let (svg, png) = result.map_err(|error| {
            CliError::failure(
                format!("cannot draw chart {}: {error}", figure.file_stem),
                Some("--no-charts skips the charts and report.html; please report this"),
            )
        })?;
        files.push((
            format!("{}.svg", figure.file_stem),
            svg.clone().into_bytes(),
        ));
        files.push((format!("{}.png", figure.file_stem), png));
        svgs.push(svg);
    }
    Ok((files, svgs))
}

/// Prints bytes on stdout.
fn print_stdout(bytes: &[u8]) -> Result<(), CliError> {
    use std::io::Write as _;
    std::io::stdout()
        .lock()
        .write_all(bytes)
        .map_err(|error| CliError::failure(format!("cannot print: {error}"), None))
}

/// Prints a command's result: its JSON for `--format json`, else its text followed by the
/// list of files written.
fn print_result(
    format: Format,
    json: &[u8],
    text: impl FnOnce() -> String,
    written: &[PathBuf],
) -> Result<(), CliError> {
    match format {
        Format::Json => print_stdout(json),
        Format::Table => {
            let mut text = text();
            text.push_str(&written_line(written));
            print_stdout(text.as_bytes())
        }
    }
}

/// "wrote N files to DIR: a, b, ..." wrapped to the terminal dashboard's width.
fn written_line(written: &[PathBuf]) -> String {
    let Some(folder) = written.first().and_then(|p| p.parent()) else {
        return String::new();
    };
    let names: Vec<String> = written
        .iter()
        .map(|p| match p.parent() {
            Some(parent) if parent == folder => p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            _ => p.display().to_string(),
        })
        .collect();
    let mut text = format!(
        "\nwrote {} file(s) to {}:\n ",
        names.len(),
        folder.display()
    );
    let mut column = 1;
    for (idx, name) in names.iter().enumerate() {
        let piece = if idx + 1 < names.len() {
            format!(" {name},")
        } else {
            format!(" {name}")
        };
        if column + piece.len() > crate::output::dashboard::TERMINAL_WIDTH && column > 1 {
            text.push_str("\n ");
            column = 1;
        }
        column += piece.len();
        text.push_str(&piece);
    }
    text.push('\n');
    text
}

/// Parses arguments, runs the command, prints any error, and returns the exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let command_name = cli.command.name();
    match run_command(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {}", error.message);
            let hint = error.hint.unwrap_or_else(|| {
                format!("`omnisim {command_name} --help` explains every option, with examples")
            });
            eprintln!("hint: {hint}");
            ExitCode::from(error.exit_code)
        }
    }
}

impl Command {
    /// The subcommand as typed.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Run(_) => "run",
            Command::Validate { .. } => "validate",
            Command::Erlang(_) => "erlang",
            Command::Sweep(_) => "sweep",
            Command::Plan(_) => "plan",
            Command::Init { .. } => "init",
        }
    }
}

pub fn run_command(command: Command) -> Result<(), CliError> {
    match command {
        Command::Validate {
            scenario,
            overlays,
            print,
        } => validate(&scenario, &overlays, print),
        Command::Run(args) => run::run(&args),
        Command::Erlang(args) => erlang::erlang(&args),
        Command::Sweep(args) => sweep::sweep(&args),
        Command::Plan(args) => plan::plan(&args),
        Command::Init { path, force } => init(&path, force),
    }
}

/// The starter scenario `omnisim init` writes.
pub const STARTER_SCENARIO: &str = include_str!("starter.toml");

fn init(path: &Path, force: bool) -> Result<(), CliError> {
    if path.exists() && !force {
        return Err(CliError::bad_input(format!(
            "{} already exists; not overwriting it",
            path.display()
        ))
        .with_hint("give another path, or --force to replace it"));
    }
    let file_name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .ok_or_else(|| CliError::bad_input(format!("{} is not a file path", path.display())))?;
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    write_outputs(
        &folder,
        &[(file_name, STARTER_SCENARIO.as_bytes().to_vec())],
    )?;
    let shown = path.display();
    print_stdout(
        format!(
            "wrote {shown}: a starter scenario with phone, chat and email and two agent groups.\nnext:\n  omnisim validate {shown}\n  omnisim run {shown}\n"
        )
        .as_bytes(),
    )
}

fn validate(path: &Path, overlays: &[PathBuf], print: bool) -> Result<(), CliError> {
    // Alone, the file is validated as written, so problems carry its own line numbers.
    let scenario = if overlays.is_empty() {
        load_scenario_file(path)?
    } else {
        load_with_overlays(path, overlays)?.scenario
    };
    if print {
        return print_stdout(load_with_overlays(path, overlays)?.text.as_bytes());
    }
    let settings = &scenario.simulation;
    let mut layered = path.display().to_string();
    for overlay in overlays {
        layered.push_str(&format!(" + {}", overlay.display()));
    }
    println!(
        "{layered}: valid. {} channel(s), {} group(s), {} reporting intervals, {} replication(s), {} event(s).",
        scenario.channels.len(),
        scenario.groups.len(),
        settings.n_intervals(),
        settings.replications,
        scenario.disruptions.len()
    );
    Ok(())
}
