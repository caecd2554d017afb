//! The command line as clap sees it: every command, flag and `--help` text, with the value
//! parsers that turn "90s" or "0.8" into numbers. No work is done here; `cli/mod.rs`
//! dispatches each command to its module.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

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
    omnisim::units::parse_duration_seconds(text)
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

impl SimulationArgs {
    /// Whether the command draws its charts.
    pub fn charts(&self) -> omnisim::output::Charts {
        if self.no_charts {
            omnisim::output::Charts::Skip
        } else {
            omnisim::output::Charts::Draw
        }
    }
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
