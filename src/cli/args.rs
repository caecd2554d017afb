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
    after_help = "Examples:\n  omnisim init my_center.toml          # a commented starter scenario to edit\n  omnisim run scenarios/retail_week.toml\n  omnisim run scenarios/erlang_c.toml --replications 30 --out /tmp/erlang\n  omnisim validate scenarios/retail_week.toml\n\nA run prints a dashboard and writes report.html (open it in a browser), charts (PNG, SVG),\nsummary.json and per-interval CSV files to output/<scenario>/.\n\nExit codes: 0 success, 1 failure while running or writing, 2 invalid input, 3 a check failed\n([[assert]], --baseline, compare --fail-on-worse)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// How errors and notes are printed: `human` (a scenario's problems shown with the line
    /// and the value underlined, as cargo shows errors), or `json` (one JSON object per line
    /// on stderr, with file, line, column, key and message, for editors and CI).
    #[arg(long, global = true, value_enum, default_value_t = MessageFormat::Human)]
    pub message_format: MessageFormat,
}

/// `--message-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MessageFormat {
    Human,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a scenario's replications and report per-channel waits and SLA attainment.
    #[command(
        after_help = "Examples:\n  omnisim run scenarios/retail_week.toml --replications 20 --seed 7\n  # an outage layered on the week, measured against the same week without it\n  omnisim run scenarios/retail_week.toml --with scenarios/outage_chat.toml\n  # for scripts and CI: JSON on stdout, no charts\n  omnisim run scenarios/erlang_c.toml --format json --no-charts --quiet\n  # a CI gate: service levels that must hold, and no regression against main's run\n  omnisim run scenarios/retail_week.toml --assert scenarios/retail_week_checks.toml \\\n      --baseline main/summary.json --junit omnisim.xml --no-charts\n\nWrites summary.json, intervals.csv, group_intervals.csv, report.html and charts (volume,\nsla_attainment, queue_length, asa, wait_distribution, occupancy; PNG and SVG) to\noutput/<scenario>/ (or --out). The same scenario and seed give byte-identical files at any\n--threads. With [[assert]] tables (in the scenario or --assert files) or --baseline, the checks\nare printed and written to checks.json, and a failed one exits with code 3 (an inconclusive one\nonly with --strict); $GITHUB_STEP_SUMMARY, when set, gets them as a Markdown table."
    )]
    Run(RunArgs),
    /// Merge the shard files of a run, sweep or comparison spread over machines (`run
    /// --shard`, `sweep --shard`, `compare --shard`) into exactly the files the whole one
    /// writes.
    #[command(after_help = MERGE_EXAMPLES)]
    Merge(MergeArgs),
    /// Run a base scenario and a candidate (another file, or the base --with an overlay) on
    /// the same customers, and report each metric's change with its paired 95% interval.
    #[command(after_help = COMPARE_EXAMPLES)]
    Compare(CompareArgs),
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
        /// Let the scenario read files outside its own folder (see `run --help`).
        #[arg(long)]
        allow_outside: bool,
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
    /// Whole shifts (start, days, breaks) covering a plan at the lowest cost, from the
    /// scenario's shift templates, verified by simulation and patched where targets fail.
    #[command(after_help = ROSTER_EXAMPLES)]
    Roster(RosterArgs),
    /// Turn a platform's export (tickets, conversations, call logs) into omnisim's trace:
    /// one row per contact, in UTC, for `[arrivals.NAME] trace = ...` to replay.
    #[command(after_help = IMPORT_EXAMPLES)]
    Import(ImportArgs),
    /// Fit a scenario to a trace: arrivals per interval of the week, day-to-day variation,
    /// handle-time distributions, patience from censored waits, and staffing from agent ids.
    #[command(after_help = FIT_EXAMPLES)]
    Fit(FitArgs),
    /// Run a scenario that replays a trace over the recorded period and put it beside what
    /// was recorded, per interval and per day: offered, answered within the threshold,
    /// abandonment and ASA, with errors and 95% prediction intervals.
    #[command(after_help = BACKTEST_EXAMPLES)]
    Backtest(BacktestArgs),
    /// Print the JSON Schema of a scenario file, for editors to complete and check keys.
    #[command(
        after_help = "Examples:\n  omnisim schema > omnisim.schema.json\n\nThen point the editor at it. Taplo and VS Code's Even Better TOML read a first-line\ndirective in the scenario:\n  #:schema ./omnisim.schema.json\nor a .taplo.toml beside your scenarios:\n  [[rule]]\n  include = [\"scenarios/*.toml\"]\n  schema.path = \"./omnisim.schema.json\"\n\nThe schema knows the tables, keys and types; `omnisim validate` checks the rest (names\nthat refer to each other, units, ranges)."
    )]
    Schema,
}

const COMPARE_EXAMPLES: &str = "Examples:
  # does sending chat to email earlier help? (the candidate is the base plus an overlay)
  omnisim compare scenarios/retail_week.toml --with scenarios/chat_overflow_early.toml

  # two scenario files; chat's waits only, adding replications until the verdict is decided
  omnisim compare before.toml after.toml --channel chat --metric asa_seconds --until-decided

  # a plan's staffing against today's, on SLA and occupancy only
  omnisim compare scenarios/retail_week.toml --staffing output/retail_week/plan/staffing.toml \\
      --metric sla_attainment --metric occupancy

  # in CI: exit 3 when any metric is significantly worse, with JUnit XML for the CI server
  omnisim compare main.toml --with change.toml --fail-on-worse --junit compare.xml --no-charts

Both run the base's seed and replications. Replication r of both offers the same customers
(arrivals, attributes, work, patience; random streams are keyed by seed, replication and
channel name, and whatever is drawn about a contact after it arrives comes from its own
stream), so each metric's candidate - base is taken replication by replication: the paired
interval, far narrower than the unpaired one printed beside it. Verdicts: better, worse
(in the metric's better direction), higher or lower (occupancy), no significant difference,
same (identical in every replication), undefined. Compared by default: per channel
sla_attainment, asa_seconds, wait_p90_seconds, abandonment_rate, cost_per_contact (with costs)
and waiting_at_end; per group occupancy. Writes compare.json, compare.csv,
compare_intervals.csv, compare.md (a table for a pull request), compare.html and the
compare_intervals chart to output/<base>/compare_<candidate>/ (or --out).

Exit codes: 0 done, 1 failure while running or writing, 2 invalid input, 3 --fail-on-worse
found a metric significantly worse by more than --tolerance (default: 1 point of a share, 1% of
anything else).";

#[derive(Debug, clap::Args)]
pub struct CompareArgs {
    /// The base scenario; --with overlays and --staffing apply to the candidate only, and
    /// --replications and --seed to both.
    #[command(flatten)]
    pub simulation: SimulationArgs,
    /// A candidate scenario file [default: the base, with --with and --staffing applied].
    #[arg(value_name = "CANDIDATE")]
    pub candidate: Option<PathBuf>,
    /// Compare this metric (a channel or group metric of summary.json); repeat for several
    /// [default: the headline metrics].
    #[arg(long = "metric", value_name = "NAME")]
    pub metrics: Vec<String>,
    /// Compare only this channel; repeat for several [default: every channel and group].
    #[arg(long = "channel", value_name = "NAME")]
    pub channels: Vec<String>,
    /// Compare only this agent group; repeat for several [default: every channel and group].
    #[arg(long = "group", value_name = "NAME")]
    pub groups: Vec<String>,
    /// Add replications in batches (as many as the scenario has) until no verdict is "no
    /// significant difference", or --max-replications is reached.
    #[arg(long)]
    pub until_decided: bool,
    /// Cap for --until-decided [default: 10 times the scenario's replications].
    #[arg(long, requires = "until_decided")]
    pub max_replications: Option<u32>,
    /// Exit with code 3 when any compared metric is significantly worse by more than
    /// --tolerance.
    #[arg(long)]
    pub fail_on_worse: bool,
    /// Worsening --fail-on-worse allows: points of a share (0.01 = 1 point of SLA), or a
    /// fraction of the base's value for waits, counts and costs (0.01 = 1%).
    #[arg(long, default_value_t = 0.01, value_parser = non_negative_argument)]
    pub tolerance: f64,
    /// With --fail-on-worse: a metric worse beyond --tolerance on average but not
    /// significantly (inconclusive) fails too.
    #[arg(long)]
    pub strict: bool,
    /// Write every compared metric as a JUnit testcase (failed when worse beyond --tolerance)
    /// to this file.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Folder for the comparison files [default: output/<base>/compare_<candidate>; with
    /// --shard, output/shards/<base>/compare].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// What to print on stdout: a table, or compare.json for scripts.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Run only shard I of N of the replications (r with r % N = I), both sides, and write
    /// it as a shard file for `omnisim merge`, which compares and gates as compare does;
    /// `auto` and `auto/N` as for `run --shard`. Not with --until-decided.
    #[arg(long, value_name = "I/N|auto|auto/N")]
    pub shard: Option<String>,
}

const PLAN_EXAMPLES: &str = "Examples:
  omnisim plan scenarios/retail_week.toml
  omnisim plan scenarios/retail_week.toml --max-abandon 0.05 --max-occupancy 0.85 --shrinkage 0.3
  # check the plan on fresh seeds
  omnisim run scenarios/retail_week.toml --staffing output/retail_week/plan/staffing.toml --seed 99

Starts from Erlang A per channel and interval, then simulates on two fixed samples of contacts
(the scenario's seed and a second one), adds an agent where an estimate misses a target and
removes one only where every target it touches still holds at --confidence on each sample,
until stable. The plan meets every target by its estimate in every interval, and each channel's
SLA over the horizon with --confidence. Writes plan.csv (agents and positions per group and interval, beside the Erlang
figures), plan_sla.csv (achieved SLA per channel and interval, with CIs), plan.json and
staffing.toml to output/<scenario>/plan/ (or --out).";

#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub simulation: SimulationArgs,
    #[command(flatten)]
    pub search: PlanSearchArgs,
    /// Folder for the plan files [default: output/<scenario>/plan].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// What to print on stdout: a summary, or plan.json for scripts.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// What a plan aims for and how hard it searches (`plan`, and `roster` without --plan).
#[derive(Debug, clap::Args)]
pub struct PlanSearchArgs {
    /// One-sided confidence of each channel's SLA over the horizon and of every removal of an
    /// agent (0.5 = by the estimate alone).
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
    /// Give each channel's requirement to its most specialised group only. By default, where
    /// every group has a cost_per_hour and groups overlap, the plan is also found with the
    /// most general groups (pools) and the cheapest per hour taking it, and the cheapest plan
    /// is kept (each is a full search: up to three times the time).
    #[arg(long)]
    pub specialised_only: bool,
    /// Also require each channel's SLA over a day to meet its target on at least this share
    /// of simulated days (its lower bound at --confidence): the guarantee under forecast
    /// uncertainty (`arrivals.NAME.uncertainty`), where busy days differ from quiet ones.
    #[arg(long, value_parser = fraction_argument)]
    pub day_probability: Option<f64>,
}

const IMPORT_EXAMPLES: &str = "Examples:
  # Zendesk tickets saved from the Incremental Ticket Export API, page by page
  omnisim import zendesk tickets-*.json --out history/trace.csv
  # any CSV, with a mapping file naming its columns (see README: \"Import\")
  omnisim import generic calls.csv --mapping calls_mapping.toml --out trace.csv
  # a preset with one value changed: the preset's keys, then the file's
  omnisim import aircall calls.json --mapping my_numbers.toml --out trace.csv
  # the Technion bank trace (Feb 1999), every bad row an error
  omnisim import technion-bank data_anonymous_bank_february.txt --out bank.csv --strict

Formats: generic (needs --mapping), zendesk, freshdesk, intercom, twilio, aircall,
technion-bank. `omnisim import --print-mapping PRESET` prints a preset's mapping to copy.

Writes one CSV (arrival in UTC, channel, issue_type, segment, language, priority, outcome,
wait_seconds, handle_seconds, agent), rows in the files' order. Rows that cannot be read are
skipped, counted and listed by file and line with the reason; --strict makes the first one an
error (exit 2, nothing written). Files stream: memory does not grow with their length.";

const BACKTEST_EXAMPLES: &str = "Examples:
  # the bank's first week of February 1999, staffed as the trace shows agents at work
  omnisim backtest scenarios/bank_week.toml --staffing-from trace
  # a fitted scenario against the trace it was fitted to (replayed over its horizon)
  omnisim fit bank.csv --time-zone Asia/Jerusalem
  omnisim backtest output/bank_fit/scenario.toml --trace bank.csv --time-zone Asia/Jerusalem \\
      --trace-start 1999-02-01 --staffing-from trace
  # with the scenario's own staffing, 40 replications, as JSON
  omnisim backtest scenarios/bank_week.toml --replications 40 --format json

The scenario's channels replay a trace (`[arrivals.NAME] trace = ...`, with work and patience
\"recorded\" for a true backtest); the recorded side is that trace's outcomes and waits. With
--staffing-from trace, each group's headcount per interval is the agents the trace shows at
work (an agent's services joined into sessions across gaps up to --session-gap, averaged over
the interval), and after each call an agent is not ready for a time drawn from the gaps the
trace shows agents leaving between calls while --min-waiting or more callers waited (the
channel's wrap_up). Writes backtest_days.csv,
backtest_intervals.csv, backtest.json and a chart per metric (recorded against simulated, with
the band one simulated day falls in 95% of the time) to output/<scenario>/backtest/ (or --out).";

const FIT_EXAMPLES: &str = "Examples:
  # a scenario from last month's calls, on the center's clock
  omnisim import technion-bank data_anonymous_bank_february.txt --out bank.csv
  omnisim fit bank.csv --time-zone Asia/Jerusalem --kind phone=voice
  omnisim run output/bank_fit/scenario.toml

  # check the fit on omnisim's own output: simulate, write the contacts, fit them back
  omnisim run scenarios/erlang_a.toml --contacts --no-charts
  omnisim fit output/erlang_a/contacts.csv

Writes scenario.toml (every value commented with what it was fitted from), arrivals.csv
(expected contacts per interval of the week, the mean over the days observed), agents.csv
(headcount per interval and group), fit_report.json and the charts fit_daily_volume,
fit_weekly_pattern, fit_handle_time and fit_patience (recorded against fitted) to
output/<trace>_fit/ (or --out). Handle times: lognormal and gamma by maximum likelihood, the
better kept if it passes the Kolmogorov-Smirnov test at 5%, else the recorded distribution
(200 quantiles). Patience (voice and messaging): exponential, abandonments over the time
everyone waited, beside the Kaplan-Meier curve. Agents are grouped by the channels they were
seen serving; a group's headcount is the mean number seen serving in each interval (a lower
bound). Channel kinds are guessed from names unless --kind gives them; SLAs are the product's
defaults per kind, to edit.";

const ROSTER_EXAMPLES: &str = "Examples:
  # plan, then roster the plan (the scenario's [[shift_templates]] say which shifts exist)
  omnisim roster scenarios/retail_week.toml
  # roster a plan written earlier, with a longer search
  omnisim plan scenarios/retail_week.toml
  omnisim roster scenarios/retail_week.toml --plan output/retail_week/plan/plan.json --node-limit 5000
  # check the roster on a fresh seed
  omnisim run scenarios/retail_week.toml --staffing output/retail_week/roster/shifts.toml --seed 99

Turns each group's positions per interval into whole shifts: every start time, set of
consecutive working days and break placement the templates allow is a column of an integer
program (Dantzig's set covering) that puts at least the required positions on the floor in
every interval of the week at the lowest cost, solved per group until --mip-gap or
--node-limit (or --time-limit, a safety net) stops it; the gap to the best bound is reported. The roster is then simulated on the plan's
two samples and judged as the plan is; where a target fails, the cheapest shifts covering
those intervals are added, until every target holds or --max-rounds is spent. Writes
roster.csv (shifts and agents), roster_coverage.csv, roster.json, shifts.toml (for
`run --staffing`) and the coverage and SLA charts to output/<scenario>/roster/ (or --out).";

#[derive(Debug, clap::Args)]
pub struct RosterArgs {
    #[command(flatten)]
    pub simulation: SimulationArgs,
    /// A plan.json written by `omnisim plan` for this scenario [default: plan now, with the
    /// options below].
    #[arg(long)]
    pub plan: Option<PathBuf>,
    #[command(flatten)]
    pub search: PlanSearchArgs,
    /// Wall-clock budget of each group's integer program, a safety net behind --node-limit:
    /// the best roster found by then is kept and its gap reported (a roster stopped by time
    /// depends on the machine's speed and load, so the same seed may give another roster).
    #[arg(long, default_value = "60s", value_parser = duration_argument)]
    pub time_limit: f64,
    /// Stop a group's integer program once its cost is within this share of the best bound.
    #[arg(long, default_value_t = 0.01, value_parser = fraction_argument)]
    pub mip_gap: f64,
    /// Stop each group's search after this many branch-and-bound nodes: the limit that
    /// gives the same roster on every machine and thread count (0: no node limit).
    #[arg(long, default_value_t = 1000)]
    pub node_limit: u64,
    /// Most rounds of simulating the roster and adding shifts where targets fail.
    #[arg(long, default_value_t = 10)]
    pub max_rounds: u32,
    /// Folder for the roster files [default: output/<scenario>/roster].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// What to print on stdout: a summary, or roster.json for scripts.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The export's format: generic (with --mapping) or a preset.
    #[arg(value_enum, required_unless_present = "print_mapping")]
    pub format: Option<ImportFormatArg>,
    /// The export files, read in order into one trace.
    #[arg(required_unless_present = "print_mapping")]
    pub files: Vec<PathBuf>,
    /// Where to write the trace (CSV) [default: output/trace.csv].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// A mapping file (TOML): which column is which, time format and zone, value maps.
    /// With a preset, its keys replace the preset's.
    #[arg(long)]
    pub mapping: Option<PathBuf>,
    /// The time zone of times written without an offset (an IANA name such as
    /// America/New_York), replacing the mapping's.
    #[arg(long)]
    pub time_zone: Option<String>,
    /// Stop at the first row that cannot be read (exit 2, nothing written).
    #[arg(long)]
    pub strict: bool,
    /// Print a preset's mapping file (to copy and edit) and exit.
    #[arg(long, value_name = "PRESET", conflicts_with_all = ["files", "out", "strict"])]
    pub print_mapping: Option<ImportFormatArg>,
    /// What to print on stdout: a summary, or the import's counts as JSON.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub report: Format,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, clap::Args)]
pub struct BacktestArgs {
    #[command(flatten)]
    pub simulation: SimulationArgs,
    /// A trace to replay (as `omnisim import` writes it), in place of the arrivals of every
    /// scenario channel it names, with work and patience as recorded. Without it, the
    /// scenario must replay a trace itself.
    #[arg(long)]
    pub trace: Option<PathBuf>,
    /// With --trace: the center's time zone (IANA name) the trace is read on.
    #[arg(long, default_value = "UTC", requires = "trace")]
    pub time_zone: String,
    /// With --trace: the local Monday (YYYY-MM-DD) simulated time 0 stands for [default:
    /// the Monday on or before the first arrival].
    #[arg(long, requires = "trace")]
    pub trace_start: Option<String>,
    /// Where the staffing comes from: the scenario's groups, or the agents the replayed
    /// trace shows at work in each interval.
    #[arg(long, value_enum, default_value_t = StaffingSource::Scenario)]
    pub staffing_from: StaffingSource,
    /// With --staffing-from trace: the longest gap between an agent's services that still
    /// counts as one stretch at work. A trace without agent states cannot say what a gap
    /// was, and the result can move a lot with this (the bank's February reads 43% to 64%
    /// answered within 20 s from 5m to 1h, against 52% recorded): run two values to see how
    /// far yours moves, and choose it before looking at the outcomes.
    #[arg(long, default_value = "15m", value_parser = duration_argument)]
    pub session_gap: f64,
    /// With --staffing-from trace: the callers that must be waiting when an agent finishes a
    /// call for the gap before the agent's next call to count as not-ready time.
    #[arg(long, default_value_t = 3)]
    pub min_waiting: usize,
    /// Folder for the backtest files [default: output/<scenario>/backtest].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// What to print on stdout: the per-day table, or backtest.json.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StaffingSource {
    Scenario,
    Trace,
}

#[derive(Debug, clap::Args)]
pub struct FitArgs {
    /// The trace (a CSV as `omnisim import` or `run --contacts` writes it).
    pub trace: PathBuf,
    /// Folder for the scenario, its CSV files, the report and charts [default:
    /// output/<trace>_fit].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// The scenario's reporting interval (divides a day).
    #[arg(long, default_value = "30m", value_parser = duration_argument)]
    pub interval: f64,
    /// The center's time zone: days, weekdays and intervals are read on its clock.
    #[arg(long, default_value = "UTC")]
    pub time_zone: String,
    /// A channel's kind (voice, messaging, async), over the guess from its name; repeat for
    /// several: --kind phone=voice --kind dm=messaging.
    #[arg(long = "kind", value_name = "CHANNEL=KIND", value_parser = channel_kind_argument)]
    pub kinds: Vec<(String, omnisim::scenario::ChannelKind)>,
    /// The longest gap between an agent's services that still counts as one stretch at work
    /// (not-ready times after calls are read within stretches).
    #[arg(long, default_value = "15m", value_parser = duration_argument)]
    pub session_gap: f64,
    /// Skip the charts.
    #[arg(long)]
    pub no_charts: bool,
    /// What to print on stdout: a summary, or fit_report.json for scripts.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

fn channel_kind_argument(text: &str) -> Result<(String, omnisim::scenario::ChannelKind), String> {
    use omnisim::scenario::ChannelKind;
    let (name, kind) = text
        .split_once('=')
        .ok_or_else(|| format!("expected CHANNEL=KIND, got {text:?}"))?;
    let kind = match kind {
        "voice" => ChannelKind::Voice,
        "messaging" => ChannelKind::Messaging,
        "async" => ChannelKind::Async,
        other => return Err(format!("{other:?} is not voice, messaging or async")),
    };
    Ok((name.to_string(), kind))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ImportFormatArg {
    Generic,
    Zendesk,
    Freshdesk,
    Intercom,
    Twilio,
    Aircall,
    TechnionBank,
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
    /// Run only shard I of N of the levels (positions p with p % N = I, each with all its
    /// replications) and write it as a shard file for `omnisim merge`; `auto` and `auto/N`
    /// as for `run --shard`.
    #[arg(long, value_name = "I/N|auto|auto/N")]
    pub shard: Option<String>,
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

/// A number of 0 or more.
fn non_negative_argument(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(value) if value.is_finite() && value >= 0.0 => Ok(value),
        _ => Err(format!("expected a number of 0 or more, got {text:?}")),
    }
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

/// What every simulating command (run, compare, sweep, plan) takes: the scenario and how to run it.
#[derive(Debug, Clone, clap::Args)]
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
    /// Run even when the estimate is above the default budget (2 GB of memory, or half the
    /// machine's if that is less, and one hour); still refuses more than 90% of the memory
    /// available now. `omnisim validate` prints the estimate.
    #[arg(long)]
    pub allow_large: bool,
    /// Let the scenario read files outside its own folder (a headcount_file given as an
    /// absolute path or with ../); by default it may not.
    #[arg(long)]
    pub allow_outside: bool,
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

/// The CI gate's options of `omnisim run`.
#[derive(Debug, clap::Args)]
pub struct GateArgs {
    /// A file of [[assert]] tables to check besides the scenario's own; repeat for several.
    #[arg(long = "assert", value_name = "FILE")]
    pub assert_files: Vec<PathBuf>,
    /// An earlier run's summary.json: fail on any headline metric significantly worse than in
    /// it by more than --tolerance.
    #[arg(long, value_name = "SUMMARY_JSON")]
    pub baseline: Option<PathBuf>,
    /// Worsening allowed against --baseline: points of a share (0.01 = 1 point of SLA), or a
    /// fraction of the baseline's value for waits, counts and costs (0.01 = 1%).
    #[arg(long, default_value_t = 0.01, value_parser = non_negative_argument, requires = "baseline")]
    pub tolerance: f64,
    /// Inconclusive checks (an interval across the threshold) fail the gate too.
    #[arg(long)]
    pub strict: bool,
    /// Write the checks as JUnit XML (one testcase each) to this file, for GitLab and Jenkins.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub simulation: SimulationArgs,
    /// Start from the work a previous run left: each channel's contacts waiting and in
    /// service at its end (summary.json's means, rounded) wait from the start of this run,
    /// as a backlog (async channels only).
    #[arg(long, value_name = "SUMMARY_JSON")]
    pub carry_over: Option<PathBuf>,
    #[command(flatten)]
    pub gate: GateArgs,
    /// Folder for the output files [default: output/<scenario name>; with --shard,
    /// output/shards/<scenario name>].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Also write contacts.csv: every contact of the first replication that was answered or
    /// gave up, as a trace (`omnisim import`'s columns), for `omnisim fit` or another tool.
    #[arg(long)]
    pub contacts: bool,
    /// What to print on stdout: a table for people, or the summary JSON for scripts.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Run only shard I of N (replications r with r % N = I) and write it as a shard file for
    /// `omnisim merge`. `auto` takes I and N from a Slurm job array (SLURM_ARRAY_TASK_ID,
    /// SLURM_ARRAY_TASK_COUNT); `auto/N` takes I from SLURM_ARRAY_TASK_ID or a Kubernetes
    /// Indexed Job's JOB_COMPLETION_INDEX.
    #[arg(long, value_name = "I/N|auto|auto/N")]
    pub shard: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// Shard files, or folders holding them (`run`, `sweep` and `compare --shard` write them).
    #[arg(required = true, value_name = "SHARDS")]
    pub shards: Vec<PathBuf>,
    /// Folder for the output files [default: output/<scenario name>].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Write the merged shards as one shard file instead (to merge with the rest later).
    #[arg(long, value_name = "FILE", conflicts_with = "out")]
    pub shard_file: Option<PathBuf>,
    /// What to print on stdout: a table for people, or the summary JSON for scripts.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// No progress or notes on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

const MERGE_EXAMPLES: &str = "Examples:\n  # four shards, anywhere (here one after another), then the merge\n  for i in 0 1 2 3; do omnisim run scenarios/retail_week.toml --shard $i/4 --quiet; done\n  omnisim merge output/shards/retail_week --out output/retail_week\n  # in a Slurm job array (sbatch --array=0-15): each task runs its share\n  omnisim run scenarios/retail_week.toml --shard auto --out shards/\n  # stage a merge: two shards into one, merged with the rest later\n  omnisim merge shards/shard-0000-of-0004.omnisim-shard shards/shard-0001-of-0004.omnisim-shard --shard-file half.omnisim-shard\n  # a sweep by staffing level, and a comparison gated in CI, the same way\n  omnisim sweep scenarios/erlang_c.toml --group agents --agents 10..20 --shard 0/2\n  omnisim compare scenarios/retail_week.toml --with scenarios/chat_overflow_early.toml --fail-on-worse --shard 1/4\n\nThe merged files are byte for byte those of the same command without --shard (a merged\ncomparison also gates: exit code 3 when worse). Run the merge in the folder the shards ran in\n(the scenario's files are read again, and must be unchanged). Shards of another command,\nscenario, seed, replication count or omnisim version, a shard given twice and a missing one\nare refused (exit 2), naming them.";

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
            Command::Merge(_) => "merge",
            Command::Compare(_) => "compare",
            Command::Validate { .. } => "validate",
            Command::Erlang(_) => "erlang",
            Command::Sweep(_) => "sweep",
            Command::Plan(_) => "plan",
            Command::Roster(_) => "roster",
            Command::Import(_) => "import",
            Command::Fit(_) => "fit",
            Command::Backtest(_) => "backtest",
            Command::Init { .. } => "init",
            Command::Schema => "schema",
        }
    }
}
