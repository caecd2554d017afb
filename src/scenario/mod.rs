//! The validated scenario: what the engine simulates. Every value here has passed
//! `validate::validate_scenario`, so the engine never re-checks it: durations and rates are
//! positive, shares sum to one, every channel that receives contacts has a group that can
//! serve every kind of contact it receives, and sizes are within `Limits`.
//!
//! Names live only here and in outputs; the engine works on indices (`channel_idx`,
//! `group_idx`, `issue_type_idx`...), never on strings.

pub mod carry_over;
pub mod customer_behaviour;
pub mod load;
pub mod overlay;
pub mod raw;
pub mod replay;
pub mod routing_rules;
pub mod schedule;
pub mod shift_templates;
pub mod staffing;
pub mod validate;
mod weekly;

pub use customer_behaviour::{Bot, CallbackAttempts, Duplicate, Retry};
pub use load::{
    FileAccess, MAX_SCENARIO_FILE_BYTES, MergedScenario, apply_staffing_file, load_assertions_file,
    load_scenario_file, load_scenario_file_with, load_with_overlays, load_with_overlays_with,
};
pub use routing_rules::{
    AfterHours, AgentSelection, Callback, ChannelOverflow, ClassRoute, ContactKey, ContactMatch,
    Handoff, RoutingConfig, RoutingRule, SlaClock,
};
pub use schedule::{Disruption, DisruptionKind, InServiceAtShiftEnd, Roster, Shift};
pub use validate::{SideFile, SideFiles, parse_assertions, parse_scenario, parse_scenario_str};
pub use weekly::{ArrivalProfile, OperatingHours};

use crate::error::ScenarioProblem;
use crate::units;

/// Hard limits that keep an absurd scenario from exhausting memory or running for days.
pub struct Limits;

impl Limits {
    /// Agents across all groups, at the largest headcount of each.
    pub const MAX_AGENTS: u64 = 1_000_000;
    /// Most contacts the backlogs may hold at the start, all channels together (each is a
    /// live contact record from time 0).
    pub const MAX_BACKLOG: u64 = 1_000_000;
    /// Longest horizon: one year (366 days).
    pub const MAX_HORIZON_SECONDS: f64 = 366.0 * 86_400.0;
    pub const MAX_REPLICATIONS: u32 = 10_000;
    /// Channels times reporting intervals: the size of the per-interval tables.
    pub const MAX_INTERVAL_ROWS: u64 = 2_000_000;
    /// Expected contacts per replication, summed over channels.
    pub const MAX_EXPECTED_CONTACTS: f64 = 2.0e9;
    pub const MAX_CONCURRENCY: u32 = 64;
    pub const MAX_EMPIRICAL_VALUES: usize = 1_000_000;
    /// Distinct values of each contact attribute (issue types, segments, languages).
    pub const MAX_ATTRIBUTE_VALUES: usize = 250;
    /// Declared channels (each may add a derived callback channel).
    pub const MAX_CHANNELS: usize = 1_000;
    pub const MAX_GROUPS: usize = 1_000;
    /// Contact classes: channels x issue types x segments x languages x urgencies.
    pub const MAX_CONTACT_CLASSES: usize = 200_000;
    pub const MAX_ROUTING_RULES: usize = 1_000;
    /// Disruption events in a scenario (outages, absences, spikes, spam).
    pub const MAX_DISRUPTIONS: usize = 200;
    /// Shift patterns per group.
    pub const MAX_SHIFTS: usize = 1_000;
    /// A channel's arrival rate at any moment, per hour (about 2,800 a second).
    pub const MAX_RATE_PER_HOUR: f64 = 1.0e7;
    /// A daily or weekly volume.
    pub const MAX_VOLUME: f64 = 1.0e9;
    /// A distribution's coefficient of variation: below it use `fixed`; above it the mean
    /// says nothing (rand_distr cannot even build the lognormal near 1e154).
    pub const CV_RANGE: (f64, f64) = (1.0e-3, 100.0);
    /// A cost per hour or per contact, in any currency.
    pub const MAX_COST: f64 = 1.0e6;
}

/// A validated scenario. Its fields are private: only validation builds one, and the few
/// changes a run may make (replications, seed, headcounts, dropping the disruptions for the
/// paired base run) go through methods that keep every invariant, so the engine never has
/// to check what it is given.
#[derive(Debug, Clone)]
pub struct Scenario {
    name: String,
    simulation: SimulationSettings,
    channels: Vec<Channel>,
    groups: Vec<AgentGroup>,
    attribute_names: AttributeNames,
    routing: RoutingConfig,
    /// The user's `[[events]]`, in the order written.
    disruptions: Vec<Disruption>,
    /// `[[assert]]` conditions, then those of `--assert` files.
    assertions: Vec<Assertion>,
    /// `[[shift_templates]]`, in the order written: what `omnisim roster` builds from.
    shift_templates: Vec<shift_templates::ShiftTemplate>,
    /// What validation accepted but changed, for `validate` and `run` to say: "key: what"
    /// (shares within 0.001 of 1, normalised).
    notes: Vec<String>,
    /// The files the scenario was read from, in the order read (empty for text parsed
    /// directly): what summary.json records as the run's inputs.
    inputs: Vec<RunInput>,
    /// `[issue_type_idx * segments + segment_idx]`: the factor a contact's drawn handle time
    /// is multiplied by (`[handle_time_multipliers]`; all 1.0 without it).
    work_multipliers: Vec<f64>,
}

/// A file a scenario was read from: what it was to the scenario, the path as given or
/// resolved, and the SHA-256 of the bytes read, so a run records exactly what it ran on.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RunInput {
    /// "scenario", "overlay", "staffing", "assertions", "headcount_file" or
    /// "per_interval_file".
    pub role: &'static str,
    pub path: String,
    pub sha256: String,
    pub bytes: u64,
}

impl RunInput {
    /// `path` as the user gave it, or as resolved against the scenario's folder.
    pub fn new(role: &'static str, path: impl Into<String>, text: &str) -> RunInput {
        use sha2::Digest as _;
        let digest = sha2::Sha256::digest(text.as_bytes());
        RunInput {
            role,
            path: path.into(),
            sha256: digest.iter().map(|byte| format!("{byte:02x}")).collect(),
            bytes: text.len() as u64,
        }
    }
}

/// A condition a run must meet (`[[assert]]`), checked by the CI gate after the run.
#[derive(Debug, Clone, PartialEq)]
pub struct Assertion {
    pub metric: crate::metric::Metric,
    pub subject: Subject,
    pub at_least: Option<f64>,
    pub at_most: Option<f64>,
    pub level: AssertionLevel,
}

/// What an assertion is about: a channel or an agent group, by index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Channel(usize),
    Group(usize),
}

/// How sure a run must be that an assertion holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssertionLevel {
    /// The 95% confidence bound on the safe side must hold (the default).
    Bound,
    /// The mean must hold.
    Mean,
}

impl AssertionLevel {
    pub fn name(self) -> &'static str {
        match self {
            AssertionLevel::Bound => "bound",
            AssertionLevel::Mean => "mean",
        }
    }
}

#[derive(Debug, Clone)]
pub struct SimulationSettings {
    pub horizon_seconds: f64,
    /// Reporting interval; the horizon and the warm-up are whole numbers of intervals.
    pub interval_seconds: f64,
    /// Statistics count contacts arriving at or after the warm-up.
    pub warmup_seconds: f64,
    pub replications: u32,
    pub seed: u64,
}

impl SimulationSettings {
    pub fn n_intervals(&self) -> usize {
        (self.horizon_seconds / self.interval_seconds).round() as usize
    }
    pub fn first_reported_interval(&self) -> usize {
        (self.warmup_seconds / self.interval_seconds).round() as usize
    }
    /// The intervals statistics report: from the end of the warm-up to the horizon.
    pub fn reported_intervals(&self) -> std::ops::Range<usize> {
        self.first_reported_interval()..self.n_intervals()
    }

    /// The lengths a per-interval list (a headcount, a CSV's rows) may have: one interval
    /// of a day, of a week or of the whole run, repeated; as (length, what it covers).
    pub fn per_interval_lengths(&self) -> Vec<(usize, &'static str)> {
        let mut lengths = Vec::new();
        for (span, what) in [
            (units::SECONDS_PER_DAY, "a day"),
            (units::SECONDS_PER_WEEK, "a week"),
        ] {
            let per_span = span / self.interval_seconds;
            if per_span >= 1.0 && (per_span - per_span.round()).abs() < 1e-9 {
                lengths.push((per_span.round() as usize, what));
            }
        }
        lengths.push((self.n_intervals(), "the whole run"));
        lengths
    }

    /// Why a per-interval list of `len` entries does not fit the interval grid, if it does
    /// not: a list of another length would repeat out of step with the days (38 rows for
    /// the 48 half-hours of a day drifts ten intervals a day).
    pub fn per_interval_length_problem(&self, len: usize) -> Option<String> {
        let lengths = self.per_interval_lengths();
        if len <= 1 || lengths.iter().any(|(fits, _)| *fits == len) {
            return None;
        }
        let spans: Vec<String> = lengths
            .iter()
            .map(|(fits, what)| format!("{fits} for {what}"))
            .collect();
        Some(format!(
            "{len} entries do not match the interval grid (simulation.interval = \"{}\"): give one per interval of a day, a week or the whole run ({}); a list of another length repeats out of step with the days",
            units::format_duration(self.interval_seconds),
            spans.join(", ")
        ))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelKind {
    /// Real-time voice: one contact takes a whole agent.
    Voice,
    /// Real-time messaging: an agent holds up to the group's concurrency at once.
    Messaging,
    /// Asynchronous tickets (email): wait in a backlog, one at a time per agent, no abandonment.
    Async,
    /// Self-service (portal): contacts are deflected and need no agent.
    SelfService,
}

impl ChannelKind {
    pub fn name(self) -> &'static str {
        match self {
            ChannelKind::Voice => "voice",
            ChannelKind::Messaging => "messaging",
            ChannelKind::Async => "async",
            ChannelKind::SelfService => "self_service",
        }
    }
    pub fn is_real_time(self) -> bool {
        matches!(self, ChannelKind::Voice | ChannelKind::Messaging)
    }
}

/// A channel's forecast uncertainty (`arrivals.NAME.uncertainty`): each day, the arrival
/// rate is multiplied by a factor drawn from a gamma distribution with mean 1 and the day's
/// coefficient of variation, the same draw for every channel naming the same factor (the
/// Poisson-gamma model: a day's volume has variance mean + cv^2 mean^2).
#[derive(Debug, Clone, PartialEq)]
pub struct Uncertainty {
    /// The factor's name (the channel's own unless `shared`): its random stream's key.
    pub factor: String,
    /// Coefficient of variation per weekday, Monday first (day 0 of the run is a Monday).
    pub cv_by_weekday: [f64; 7],
}

#[derive(Debug, Clone)]
pub struct Channel {
    pub name: String,
    pub kind: ChannelKind,
    /// Absent only for self-service channels.
    pub sla: Option<ServiceLevel>,
    /// Absent only for self-service channels.
    pub handle_time: Option<Distribution>,
    /// Factors of the drawn handle time by the interval a contact arrives in, repeating
    /// (`handle_time_profile`); absent: 1 throughout.
    pub handle_time_profile: Option<Vec<f64>>,
    /// Real-time channels only; absent means customers never abandon.
    pub patience: Option<Distribution>,
    /// After-call work: the agent stays busy this long after each contact it handles.
    pub wrap_up: Option<Distribution>,
    /// Contacts already waiting at time 0 (async channels), and how old they are.
    pub backlog: Option<Backlog>,
    pub hours: OperatingHours,
    pub after_hours: AfterHours,
    pub sla_clock: SlaClock,
    /// Voice channels that offer callbacks.
    pub callback: Option<Callback>,
    /// For a derived callback channel: the channel whose callbacks it holds.
    pub callback_of: Option<usize>,
    /// For a derived callback channel whose attempts may miss the customer: how they retry.
    pub callback_attempts: Option<CallbackAttempts>,
    /// Customers who give up here try again (a derived callback channel has its source's).
    pub retry: Option<Retry>,
    /// A bot or IVR in front of the channel's agents.
    pub bot: Option<Bot>,
    /// Absent when the scenario gives the channel no arrivals. For a replayed trace, the
    /// recorded contacts per interval as rates (what planning and estimates read).
    pub arrivals: Option<ArrivalProfile>,
    /// Recorded arrivals replayed instead of Poisson ones (`trace = "..."`).
    pub replay: Option<std::sync::Arc<replay::Replay>>,
    /// Forecast uncertainty: a random busyness factor per day multiplies the arrival rate.
    /// Absent (or every CV zero): volumes are exactly the forecast's Poisson streams.
    pub uncertainty: Option<Uncertainty>,
    pub mix: AttributeMix,
    /// Non-agent cost of each contact (platform, telephony or message fees), in the same
    /// currency as the groups' `cost_per_hour`.
    pub cost_per_contact: Option<f64>,
}

impl Channel {
    /// The factor of the handle time of a contact arriving in interval `interval_idx`.
    #[inline]
    pub fn handle_time_factor(&self, interval_idx: usize) -> f64 {
        self.handle_time_profile
            .as_ref()
            .map_or(1.0, |factors| factors[interval_idx % factors.len()])
    }

    /// The mean handle time of a contact arriving in interval `interval_idx`.
    pub fn mean_handle_seconds_in(&self, interval_idx: usize) -> Option<f64> {
        self.handle_time
            .as_ref()
            .map(|d| d.mean() * self.handle_time_factor(interval_idx))
    }

    /// The mean handle time over the horizon, weighted by the expected arrivals of each
    /// interval (the plain mean without a profile or arrivals).
    pub fn mean_handle_seconds_over(&self, settings: &SimulationSettings) -> Option<f64> {
        let mean = self.handle_time.as_ref()?.mean();
        let (Some(_), Some(arrivals)) = (&self.handle_time_profile, &self.arrivals) else {
            return Some(mean);
        };
        let interval = settings.interval_seconds;
        let (mut weighted, mut total) = (0.0, 0.0);
        for idx in 0..settings.n_intervals() {
            let expected =
                arrivals.expected_arrivals(idx as f64 * interval, (idx + 1) as f64 * interval);
            weighted += expected * self.handle_time_factor(idx);
            total += expected;
        }
        Some(if total > 0.0 {
            mean * weighted / total
        } else {
            mean
        })
    }
}

/// Why the backlogs together are too many to start with (`Limits::MAX_BACKLOG`), if so.
pub(crate) fn backlog_total_problem<'a>(
    backlogs: impl Iterator<Item = &'a Backlog>,
) -> Option<String> {
    let total: u64 = backlogs.map(|backlog| u64::from(backlog.count)).sum();
    (total > Limits::MAX_BACKLOG).then(|| {
        format!(
            "the backlogs hold {total} contacts in all; at most {} can wait at the start",
            Limits::MAX_BACKLOG
        )
    })
}

/// Tickets waiting when the run starts: `count` of them, each `age` old (absent: new).
#[derive(Debug, Clone, PartialEq)]
pub struct Backlog {
    pub count: u32,
    pub age: Option<Distribution>,
}

#[derive(Debug, Clone, Copy)]
pub struct ServiceLevel {
    /// Answer within this many seconds...
    pub threshold_seconds: f64,
    /// ...for at least this fraction of contacts.
    pub target: f64,
}

/// A positive random duration, in seconds.
#[derive(Debug, Clone, PartialEq)]
pub enum Distribution {
    Exponential {
        mean: f64,
    },
    LogNormal {
        mean: f64,
        cv: f64,
    },
    Gamma {
        mean: f64,
        cv: f64,
    },
    Fixed {
        value: f64,
    },
    /// Each draw is one of the values, uniformly.
    Empirical {
        values: Vec<f64>,
    },
}

impl Distribution {
    pub fn mean(&self) -> f64 {
        match self {
            Distribution::Exponential { mean }
            | Distribution::LogNormal { mean, .. }
            | Distribution::Gamma { mean, .. } => *mean,
            Distribution::Fixed { value } => *value,
            Distribution::Empirical { values } => values.iter().sum::<f64>() / values.len() as f64,
        }
    }
    pub fn describe(&self) -> String {
        use crate::units::format_duration as d;
        match self {
            Distribution::Exponential { mean } => format!("exponential, mean {}", d(*mean)),
            Distribution::LogNormal { mean, cv } => {
                format!("lognormal, mean {}, cv {cv}", d(*mean))
            }
            Distribution::Gamma { mean, cv } => format!("gamma, mean {}, cv {cv}", d(*mean)),
            Distribution::Fixed { value } => format!("fixed {}", d(*value)),
            Distribution::Empirical { values } => {
                format!(
                    "empirical, {} values, mean {}",
                    values.len(),
                    d(self.mean())
                )
            }
        }
    }
}

/// Names of the contact attribute values; the engine sees only their indices.
#[derive(Debug, Clone, Default)]
pub struct AttributeNames {
    pub issue_types: Vec<String>,
    pub segments: Vec<String>,
    pub languages: Vec<String>,
    pub urgencies: Vec<String>,
}

/// Probabilities of each attribute value for a channel's contacts, indexed like
/// `AttributeNames`. Each vector sums to 1 (zeros allowed).
#[derive(Debug, Clone, PartialEq)]
pub struct AttributeMix {
    pub issue_type_shares: Vec<f64>,
    pub segment_shares: Vec<f64>,
    pub language_shares: Vec<f64>,
    pub urgency_shares: Vec<f64>,
}

#[derive(Debug, Clone)]
pub struct AgentGroup {
    pub name: String,
    pub headcount: Headcount,
    /// `serves_channel[channel_idx]`.
    pub serves_channel: Vec<bool>,
    /// `has_skill[issue_type_idx]`.
    pub has_skill: Vec<bool>,
    /// `speaks_language[language_idx]`.
    pub speaks_language: Vec<bool>,
    /// Messaging conversations one agent holds at once (1 when the group serves no messaging).
    pub concurrency: u32,
    /// Paid cost of one agent-hour, when the scenario gives one.
    pub cost_per_hour: Option<f64>,
    /// `[issue_type_idx]`: work speed relative to standard (1.0); handle time is divided by it.
    pub issue_type_proficiency: Vec<f64>,
    /// `[channel_idx]`: multiplied with the issue-type proficiency.
    pub channel_proficiency: Vec<f64>,
    /// Messaging: with n conversations at once, each progresses at 1 / (1 + slowdown (n - 1)).
    pub concurrency_slowdown: f64,
    /// Share of scheduled agents not available (training, meetings, absence...), 0 to <1.
    pub shrinkage: f64,
    /// The parts of `shrinkage` as written (name, share); one unnamed part for a plain number.
    pub shrinkage_parts: Vec<(String, f64)>,
    pub in_service_at_shift_end: InServiceAtShiftEnd,
}

impl AgentGroup {
    /// The group's shrinkage with a further `share` of its available agents lost too.
    pub fn shrinkage_with(&self, share: f64) -> f64 {
        1.0 - (1.0 - self.shrinkage) * (1.0 - share)
    }
    /// Work speed on a contact of this issue type and channel (1.0 is standard).
    pub fn proficiency(&self, issue_type_idx: usize, channel_idx: usize) -> f64 {
        self.issue_type_proficiency[issue_type_idx] * self.channel_proficiency[channel_idx]
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Headcount {
    Constant(u32),
    /// One value per reporting interval, repeating when shorter than the horizon (written
    /// in the scenario, or read from a CSV file).
    PerInterval(Vec<u32>),
    /// Shifts with breaks: the count changes at shift and break edges, not interval edges.
    Shifts(Roster),
}

impl Headcount {
    /// Agents scheduled at `time`.
    pub fn scheduled_at(&self, time: f64, interval_seconds: f64) -> u32 {
        match self {
            Headcount::Constant(count) => *count,
            Headcount::PerInterval(counts) => {
                counts[(time / interval_seconds) as usize % counts.len()]
            }
            Headcount::Shifts(roster) => roster.scheduled_at(time),
        }
    }
    /// Mean agents scheduled over a reporting interval.
    pub fn mean_in_interval(&self, interval_idx: usize, interval_seconds: f64) -> f64 {
        match self {
            Headcount::Constant(count) => f64::from(*count),
            Headcount::PerInterval(counts) => f64::from(counts[interval_idx % counts.len()]),
            Headcount::Shifts(roster) => {
                let start = interval_idx as f64 * interval_seconds;
                roster.agent_seconds_between(start, start + interval_seconds) / interval_seconds
            }
        }
    }
    pub fn max(&self) -> u32 {
        match self {
            Headcount::Constant(count) => *count,
            Headcount::PerInterval(counts) => counts.iter().copied().max().unwrap_or(0),
            Headcount::Shifts(roster) => roster.max(),
        }
    }
    pub fn is_shifts(&self) -> bool {
        matches!(self, Headcount::Shifts(_))
    }
}

impl Scenario {
    /// What validation accepted but changed ("arrivals.chat.intraday: ... normalised").
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// The display name (outputs go to `output/<name>/`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The scenario with a channel's arrivals replaced by a replayed trace (`backtest
    /// --trace`): its recorded rates as the profile, no forecast uncertainty.
    pub fn with_replay(
        mut self,
        channel_idx: usize,
        profile: ArrivalProfile,
        replay: replay::Replay,
    ) -> Scenario {
        let channel = &mut self.channels[channel_idx];
        channel.arrivals = Some(profile);
        channel.replay = Some(std::sync::Arc::new(replay));
        channel.uncertainty = None;
        self
    }

    /// The scenario with a channel's after-call work replaced (a backtest's not-ready time
    /// read from the trace). Durations must be finite and not negative.
    pub fn with_wrap_up(mut self, channel_idx: usize, wrap_up: Distribution) -> Scenario {
        self.channels[channel_idx].wrap_up = Some(wrap_up);
        self
    }

    /// The scenario under another name (a variant: "retail_week+staffing").
    pub fn renamed(mut self, name: impl Into<String>) -> Scenario {
        self.name = name.into();
        self
    }

    /// The factor a contact of this issue type and segment multiplies its drawn handle time
    /// by (`[handle_time_multipliers]`): the issue type's factor times the segment's.
    #[inline]
    pub fn work_multiplier(&self, issue_type_idx: usize, segment_idx: usize) -> f64 {
        self.work_multipliers[issue_type_idx * self.attribute_names.segments.len() + segment_idx]
    }

    /// The scenario with these channels' backlogs replaced (`run --carry-over`): `count`
    /// waiting at the start, keeping each channel's own age distribution.
    pub fn with_backlog_counts(
        mut self,
        counts: impl IntoIterator<Item = (usize, u32)>,
    ) -> Result<Scenario, ScenarioProblem> {
        for (channel_idx, count) in counts {
            let channel = &mut self.channels[channel_idx];
            if channel.kind != ChannelKind::Async && count > 0 {
                return Err(ScenarioProblem::new(
                    format!("channels.{}", channel.name),
                    format!(
                        "{count} contacts were waiting at the end, but only async channels start with a backlog; a {} channel's customers do not wait overnight",
                        channel.kind.name()
                    ),
                ));
            }
            if u64::from(count) > Limits::MAX_BACKLOG {
                return Err(ScenarioProblem::new(
                    format!("arrivals.{}.backlog.count", channel.name),
                    format!("{count}; at most {} are supported", Limits::MAX_BACKLOG),
                ));
            }
            let age = channel.backlog.as_ref().and_then(|b| b.age.clone());
            channel.backlog = (count > 0).then_some(Backlog { count, age });
        }
        if let Some(reason) =
            backlog_total_problem(self.channels.iter().filter_map(|c| c.backlog.as_ref()))
        {
            return Err(ScenarioProblem::new("arrivals", reason));
        }
        Ok(self)
    }

    /// The files it was read from (see `RunInput`).
    pub fn inputs(&self) -> &[RunInput] {
        &self.inputs
    }

    /// The scenario with `input` recorded among the files it was read from.
    pub fn with_input(mut self, input: RunInput) -> Scenario {
        self.inputs.push(input);
        self
    }
    pub fn simulation(&self) -> &SimulationSettings {
        &self.simulation
    }
    /// Declared channels in file order, then one derived callback channel per voice channel
    /// that offers callbacks.
    pub fn channels(&self) -> &[Channel] {
        &self.channels
    }
    /// Agent groups in file order.
    pub fn groups(&self) -> &[AgentGroup] {
        &self.groups
    }
    pub fn attribute_names(&self) -> &AttributeNames {
        &self.attribute_names
    }
    pub fn routing(&self) -> &RoutingConfig {
        &self.routing
    }
    /// The user's `[[events]]`, in the order written.
    pub fn shift_templates(&self) -> &[shift_templates::ShiftTemplate] {
        &self.shift_templates
    }
    pub fn disruptions(&self) -> &[Disruption] {
        &self.disruptions
    }

    /// The assertions the CI gate checks, the scenario's first.
    pub fn assertions(&self) -> &[Assertion] {
        &self.assertions
    }

    /// The scenario with more assertions (validated against it by
    /// `validate::parse_assertions`).
    pub fn with_assertions(mut self, more: Vec<Assertion>) -> Scenario {
        self.assertions.extend(more);
        self
    }

    /// The name of an assertion's channel or group.
    pub fn subject_name(&self, subject: Subject) -> &str {
        match subject {
            Subject::Channel(idx) => &self.channels[idx].name,
            Subject::Group(idx) => &self.groups[idx].name,
        }
    }

    /// The scenario with another number of replications (from 1 to
    /// `Limits::MAX_REPLICATIONS`).
    pub fn with_replications(mut self, replications: u32) -> Result<Scenario, String> {
        if replications == 0 || replications > Limits::MAX_REPLICATIONS {
            return Err(format!(
                "replications must be from 1 to {}, got {replications}",
                Limits::MAX_REPLICATIONS
            ));
        }
        self.simulation.replications = replications;
        Ok(self)
    }

    /// The scenario with another seed.
    pub fn with_seed(mut self, seed: u64) -> Scenario {
        self.simulation.seed = seed;
        self
    }

    /// The scenario with these groups' shrinkage replaced (a staffing file's `shrinkage`).
    pub fn with_shrinkages(
        mut self,
        shrinkages: impl IntoIterator<Item = (usize, f64)>,
    ) -> Scenario {
        for (group_idx, share) in shrinkages {
            let group = &mut self.groups[group_idx];
            group.shrinkage = share;
            group.shrinkage_parts = vec![("shrinkage".into(), share)];
        }
        self
    }

    /// The scenario with a further share of every group's scheduled agents unavailable (a
    /// plan's `--shrinkage`, applied to a roster of positions): available agents are
    /// scheduled x (1 - own shrinkage) x (1 - `share`).
    pub fn with_added_shrinkage(mut self, share: f64) -> Scenario {
        if share > 0.0 {
            for group in &mut self.groups {
                group.shrinkage = group.shrinkage_with(share);
            }
        }
        self
    }

    /// The same scenario with every forecast taken as exact (no `uncertainty`): what a plan
    /// would need if volumes were only Poisson around the forecast.
    pub fn without_uncertainty(&self) -> Scenario {
        let mut certain = self.clone();
        for channel in &mut certain.channels {
            channel.uncertainty = None;
        }
        certain
    }

    /// Whether some channel's forecast carries `uncertainty`.
    pub fn has_uncertainty(&self) -> bool {
        self.channels.iter().any(|c| c.uncertainty.is_some())
    }

    /// The same scenario without its disruptions: the paired base each disruption is
    /// measured against.
    pub fn without_disruptions(&self) -> Scenario {
        Scenario {
            disruptions: Vec::new(),
            ..self.clone()
        }
    }

    /// The scenario with new headcounts for some groups (by index). A per-interval headcount
    /// must list at least one interval; every count, and all groups' largest counts
    /// together, stay within `Limits::MAX_AGENTS`. The problem names the group's key.
    pub fn with_headcounts(
        mut self,
        headcounts: impl IntoIterator<Item = (usize, Headcount)>,
    ) -> Result<Scenario, ScenarioProblem> {
        for (group_idx, headcount) in headcounts {
            let key = format!("groups.{}.headcount", self.groups[group_idx].name);
            if let Headcount::PerInterval(counts) = &headcount {
                if counts.is_empty() {
                    return Err(ScenarioProblem::new(
                        key,
                        "give at least one headcount (one per reporting interval)",
                    ));
                }
                if let Some(problem) = self.simulation.per_interval_length_problem(counts.len()) {
                    return Err(ScenarioProblem::new(key, problem));
                }
            }
            if u64::from(headcount.max()) > Limits::MAX_AGENTS {
                return Err(ScenarioProblem::new(
                    key,
                    format!(
                        "{} agents; at most {} are supported",
                        headcount.max(),
                        Limits::MAX_AGENTS
                    ),
                ));
            }
            self.groups[group_idx].headcount = headcount;
        }
        let total: u64 = self
            .groups
            .iter()
            .map(|g| u64::from(g.headcount.max()))
            .sum();
        if total > Limits::MAX_AGENTS {
            return Err(ScenarioProblem::new(
                "groups",
                format!(
                    "{total} agents in all; at most {} are supported",
                    Limits::MAX_AGENTS
                ),
            ));
        }
        Ok(self)
    }

    pub fn channel_index(&self, name: &str) -> Option<usize> {
        self.channels
            .iter()
            .position(|channel| channel.name == name)
    }
    pub fn group_index(&self, name: &str) -> Option<usize> {
        self.groups.iter().position(|group| group.name == name)
    }
    /// Whether a group can serve a contact of this channel, issue type and language.
    pub fn group_can_serve(
        &self,
        group_idx: usize,
        channel_idx: usize,
        issue_type_idx: usize,
        language_idx: usize,
    ) -> bool {
        let group = &self.groups[group_idx];
        group.serves_channel[channel_idx]
            && group.has_skill[issue_type_idx]
            && group.speaks_language[language_idx]
    }
}
