//! The scenario file exactly as written: serde structs that mirror the TOML, with every
//! table closed to unknown keys. Nothing here is checked beyond TOML types; `validate.rs`
//! turns a `RawScenario` into a `Scenario` whose invariants the engine relies on.
//!
//! Durations stay strings here so that validation can name the key of a malformed one.
//! The same structs, with their doc comments, are the JSON Schema `omnisim schema` prints
//! (schemars), so an editor completes and checks the keys validation accepts.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::Deserialize;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    /// Display name; defaults to the file stem.
    pub name: Option<String>,
    pub simulation: RawSimulation,
    /// Default attribute mix for every channel.
    pub attributes: Option<RawAttributeMix>,
    /// Handle time by issue type and segment: each contact's drawn handle time times its
    /// issue type's and its segment's multiplier (billing 1.3, vip 1.2), on every channel.
    pub handle_time_multipliers: Option<RawHandleTimeMultipliers>,
    #[serde(default)]
    pub channels: IndexMap<String, RawChannel>,
    #[serde(default)]
    pub arrivals: IndexMap<String, RawArrivals>,
    #[serde(default)]
    pub groups: IndexMap<String, RawGroup>,
    pub routing: Option<RawRouting>,
    /// Channel-to-channel overflow rules, evaluated in order when a contact would queue.
    #[serde(default)]
    pub overflow: Vec<RawChannelOverflow>,
    /// Follow-up contacts of the same customer on another channel after a contact is handled.
    #[serde(default)]
    pub handoffs: Vec<RawHandoff>,
    /// The same customer contacting a second channel while the first contact is open.
    #[serde(default)]
    pub duplicates: Vec<RawDuplicate>,
    /// Disruptions over time windows: outages, absences, volume spikes, spam.
    #[serde(default)]
    #[serde(rename = "events")]
    pub disruptions: Vec<RawDisruption>,
    /// Conditions a run must meet (`[[assert]]`), for the CI gate.
    #[serde(default)]
    #[serde(rename = "assert")]
    pub assertions: Vec<RawAssertion>,
    /// The kinds of shift `omnisim roster` may build a roster from.
    #[serde(default)]
    pub shift_templates: Vec<RawShiftTemplate>,
}

/// The JSON Schema of a scenario file (`omnisim schema`), pretty-printed: every table, key
/// and doc comment above, unknown keys refused as validation refuses them.
pub fn scenario_json_schema() -> String {
    let mut schema = serde_json::Value::from(schemars::schema_for!(RawScenario));
    without_null(&mut schema);
    let mut ordered = serde_json::Map::new();
    ordered.insert("$schema".into(), schema["$schema"].take());
    ordered.insert("title".into(), "omnisim scenario".into());
    ordered.insert("description".into(), "A contact-center scenario for omnisim: simulation settings, channels, arrivals, agent groups, routing, overflow, handoffs, events and assertions. `omnisim validate FILE` checks what a schema cannot (names that refer to each other, units, ranges).".into());
    if let serde_json::Value::Object(rest) = schema {
        for (key, value) in rest {
            ordered.entry(key).or_insert(value);
        }
    }
    let schema = serde_json::Value::Object(ordered);
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema serialises");
    text.push('\n');
    text
}

/// TOML has no null: an optional key is one that may be left out, so the `null` schemars
/// offers for an `Option` is removed (`anyOf: [X, null]` becomes X).
fn without_null(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Object(object) => {
            if let Some(Value::Array(types)) = object.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types[0].clone();
                    object.insert("type".into(), only);
                }
            }
            if let Some(Value::Array(options)) = object.get_mut("anyOf") {
                options.retain(|option| option.get("type").is_none_or(|t| t != "null"));
                if options.len() == 1
                    && let Some(Value::Object(only)) = options.pop()
                {
                    object.remove("anyOf");
                    object.extend(only);
                }
            }
            object.values_mut().for_each(without_null);
        }
        Value::Array(items) => items.iter_mut().for_each(without_null),
        _ => {}
    }
}

/// `[handle_time_multipliers]`: issue type or segment to a factor (1.0 unchanged).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawHandleTimeMultipliers {
    /// Issue type to factor: { billing = 1.3, technical = 0.9 }.
    pub issue_type: Option<IndexMap<String, f64>>,
    /// Segment to factor: { vip = 1.2 }.
    pub segment: Option<IndexMap<String, f64>>,
}

/// A file of assertions alone, given with `--assert FILE`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawAssertionsFile {
    #[serde(default)]
    #[serde(rename = "assert")]
    pub assertions: Vec<RawAssertion>,
}

/// `[[assert]] metric = "sla_attainment", channel = "chat", at_least = 0.8`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawAssertion {
    /// A metric name as in summary.json.
    pub metric: String,
    pub channel: Option<String>,
    pub group: Option<String>,
    pub at_least: Option<RawBound>,
    pub at_most: Option<RawBound>,
    /// "bound" (default: the 95% bound must hold) or "mean" (the point estimate must).
    #[schemars(extend("enum" = ["bound", "mean"]))]
    pub level: Option<String>,
}

/// An assertion's bound: a number, or a duration ("4h") for a metric in seconds.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RawBound {
    Number(f64),
    Duration(String),
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSimulation {
    /// How long each replication simulates: "7d", "1d 12h" (s, m, h, d, w).
    pub horizon: String,
    /// The reporting interval: "30m" (default), "15m", "1h".
    pub interval: Option<String>,
    /// Statistics count contacts arriving after this long (the empty start settles): "2h".
    pub warmup: Option<String>,
    /// Independent replications, for confidence intervals (default 10).
    pub replications: Option<i64>,
    /// The seed every random stream is derived from (default 1).
    pub seed: Option<u64>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawChannel {
    /// voice (one call per agent), messaging (concurrent conversations), async (tickets,
    /// email), self_service (no agent).
    #[schemars(extend("enum" = ["voice", "messaging", "async", "self_service"]))]
    pub kind: String,
    /// The service level: { within = "2m", target = 0.8 } answers 80% within 2 minutes.
    pub sla: Option<RawSla>,
    /// How long an agent works a contact: { distribution = "lognormal", mean = "6m", cv = 0.8 }.
    pub handle_time: Option<RawDistribution>,
    /// Handle time that changes with the time of day: each contact's drawn handle time is
    /// multiplied by the factor of the reporting interval it arrives in, one factor per
    /// interval of a day, a week or the run (repeating): [0.9, 0.9, 1.1, ...].
    pub handle_time_profile: Option<Vec<f64>>,
    /// How long a customer waits before abandoning (none: they wait forever).
    pub patience: Option<RawDistribution>,
    /// After-call work: how long the agent stays busy after each contact is handled (for
    /// messaging, the conversation's unit stays taken), e.g. { distribution = "fixed",
    /// value = "1m" }. Reported apart from handle time.
    pub wrap_up: Option<RawDistribution>,
    /// "24/7", or a table of weekday (or "weekdays", "weekend", "daily") to "HH:MM-HH:MM"
    /// ranges. Interpreted in validation, which names the offending key.
    #[schemars(with = "Option<shapes::Hours>")]
    pub hours: Option<toml::Value>,
    /// What a contact arriving outside `hours` gets: "refuse" (default), "hold", or a
    /// ticket on another channel.
    pub after_hours: Option<RawAfterHours>,
    /// "calendar" (default) or "business_hours": whether waits count closed time.
    #[schemars(extend("enum" = ["calendar", "business_hours"]))]
    pub sla_clock: Option<String>,
    /// Voice only: offer a callback when the expected wait is long.
    pub callback: Option<RawCallback>,
    /// Customers who give up here (abandon, are refused while closed, or are never reached
    /// by their callback) try again: { probability = 0.6, delay = {...}, channel = "chat",
    /// attempts = 3 }.
    pub retry: Option<RawRetry>,
    /// A bot or IVR every new contact meets first: { containment = 0.4, handle_time =
    /// {...}, escalate_to = "chat" }.
    pub bot: Option<RawBot>,
    pub attributes: Option<RawAttributeMix>,
    /// Non-agent cost of each contact (platform, telephony or message fees).
    pub cost_per_contact: Option<f64>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawAfterHours {
    /// "refuse", "hold" or "ticket".
    #[schemars(extend("enum" = ["refuse", "hold", "ticket"]))]
    pub action: String,
    /// The channel a "ticket" is created on.
    pub to: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCallback {
    pub offer_when_expected_wait_above: String,
    /// Share of offered customers who accept (0 to 1).
    pub acceptance: f64,
    /// The callback's own service level window: call back within this long.
    pub within: String,
    /// Share of callback attempts that reach the customer (default 1: every one does).
    pub reach: Option<f64>,
    /// Most attempts per callback, the first included (default 1); then it is lost.
    pub attempts: Option<i64>,
    /// How long after a missed attempt the next is made (needed when attempts > 1).
    pub retry_after: Option<RawDistribution>,
    /// Agent time a missed attempt takes (dialling, ringing, voicemail); default "30s".
    pub failed_attempt: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRetry {
    /// Share of the customers who give up that try again (0 to 1).
    pub probability: f64,
    /// How long they wait before trying again.
    pub delay: RawDistribution,
    /// The channel they try again on (default: the same one).
    pub channel: Option<String>,
    /// Most attempts per customer, the first included (default: only the probability limits
    /// them); from 2 to 255.
    pub attempts: Option<i64>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBot {
    /// Share of the contacts the bot resolves on its own (0 to 1).
    pub containment: f64,
    /// How long a contact spends with the bot.
    pub handle_time: RawDistribution,
    /// The agent channel the rest are handed to (may be the channel itself).
    pub escalate_to: Option<String>,
    /// Probability that the agent sees what the customer told the bot (default 1).
    pub context_preserved: Option<f64>,
    /// Extra agent time when the context is lost (the customer repeats themselves).
    pub rediscovery: Option<String>,
    /// What one bot conversation costs (licence, platform).
    pub cost_per_contact: Option<f64>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDuplicate {
    pub name: Option<String>,
    /// The channel of the first contact.
    pub from: String,
    /// The channel the customer also contacts while the first is open.
    pub to: String,
    /// Share of the first channel's new contacts whose customer does so (0 to 1).
    pub probability: f64,
    /// How long after the first contact arrived.
    pub delay: RawDistribution,
    /// Share of the second contacts matched to the open one (screen pop, no extra work);
    /// the rest are duplicates an agent works in full. Default 0.
    pub merged: Option<f64>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSla {
    /// The answer window: "20s", "2m", "4h".
    pub within: String,
    /// The share to answer within it, from 0 to 1 (0.8 is 80%).
    pub target: f64,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDistribution {
    #[schemars(extend("enum" = ["exponential", "lognormal", "gamma", "fixed", "empirical"]))]
    pub distribution: String,
    /// The mean, a duration: "6m" (exponential, lognormal, gamma).
    pub mean: Option<String>,
    /// Coefficient of variation, standard deviation over mean (lognormal, gamma).
    pub cv: Option<f64>,
    /// Gamma's shape, instead of cv.
    pub shape: Option<f64>,
    /// The one duration of a fixed distribution: "3m".
    pub value: Option<String>,
    /// Durations drawn from with equal chance (empirical): ["2m", "5m", "9m"].
    pub values: Option<Vec<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawAttributeMix {
    pub issue_types: Option<IndexMap<String, f64>>,
    pub segments: Option<IndexMap<String, f64>>,
    pub languages: Option<IndexMap<String, f64>>,
    pub urgencies: Option<IndexMap<String, f64>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawArrivals {
    pub weekly_volume: Option<f64>,
    pub daily_volume: Option<f64>,
    pub day_shares: Option<Vec<f64>>,
    pub intraday: Option<Vec<f64>>,
    pub per_interval: Option<Vec<f64>>,
    /// A CSV file (relative to the scenario file) of expected contacts per interval, one
    /// row per (interval start, channel): columns `start`, `channel`, `count`. Several
    /// channels may read the same file.
    pub per_interval_file: Option<String>,
    pub rate_per_hour: Option<f64>,
    /// A trace (`omnisim import`'s CSV, relative to the scenario file) whose recorded
    /// arrivals this channel replays exactly: every replication sees the same contacts.
    pub trace: Option<String>,
    /// The trace's channel to replay [default: this channel's name].
    pub trace_channel: Option<String>,
    /// The center's time zone (an IANA name): the trace's UTC times are read on its wall
    /// clock, as operating hours and shifts are [default: UTC].
    pub time_zone: Option<String>,
    /// The local date (a Monday, YYYY-MM-DD) simulated time 0 stands for [default: the
    /// Monday on or before the channel's first recorded arrival].
    pub trace_start: Option<String>,
    /// "sampled" (default): work drawn from `handle_time`; "recorded": each answered
    /// contact's recorded handle time (drawn where none was recorded).
    #[schemars(extend("enum" = ["sampled", "recorded"]))]
    pub work: Option<String>,
    /// "sampled" (default): patience drawn from `patience`; "recorded": an abandoned
    /// contact's recorded wait, and for an answered one a draw above its recorded wait.
    #[schemars(extend("enum" = ["sampled", "recorded"]))]
    pub patience: Option<String>,
    /// Async channels: tickets already waiting at the start (a Monday morning's queue):
    /// { count = 120, age = { distribution = "exponential", mean = "6h" } }.
    pub backlog: Option<RawBacklog>,
    /// Forecast uncertainty: each day's volume is multiplied by a random busyness factor,
    /// gamma with mean 1: { cv = 0.1 } (or one CV per weekday, Monday first), shared by the
    /// channels that name the same `shared` factor.
    pub uncertainty: Option<RawUncertainty>,
}

/// `uncertainty = { cv = 0.1, shared = "retail_demand" }`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawUncertainty {
    /// The coefficient of variation of a day's busyness factor, or seven (Monday first).
    #[schemars(with = "shapes::PerWeekday")]
    pub cv: toml::Value,
    /// The factor's name: channels naming the same one share each day's draw. Absent: the
    /// channel's own.
    pub shared: Option<String>,
}

/// `backlog = { count = 120, age = {...} }`: how many wait at time 0 and how long each has
/// waited already (absent: none has).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBacklog {
    pub count: i64,
    pub age: Option<RawDistribution>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawGroup {
    /// An integer, or an array with one headcount per reporting interval (cycled). Exactly
    /// one of `headcount`, `headcount_file` and `shifts` staffs the group.
    #[schemars(with = "Option<shapes::Headcount>")]
    pub headcount: Option<toml::Value>,
    /// A CSV file (relative to the scenario file) with one row per reporting interval and a
    /// column per group.
    pub headcount_file: Option<String>,
    /// The file's column for this group; defaults to the group's name.
    pub headcount_column: Option<String>,
    #[serde(default)]
    pub shifts: Vec<RawShift>,
    /// A share (0.3), or a table of named shares summed ({ training = 0.05, ... }).
    #[schemars(with = "Option<shapes::Shrinkage>")]
    pub shrinkage: Option<toml::Value>,
    /// "finish" (default) or "requeue".
    #[schemars(extend("enum" = ["finish", "requeue"]))]
    pub in_service_at_shift_end: Option<String>,
    pub channels: Vec<String>,
    pub skills: Option<Vec<String>>,
    pub languages: Option<Vec<String>>,
    pub concurrency: Option<i64>,
    /// Paid cost of one agent for one hour, in any currency (used by `plan`).
    pub cost_per_hour: Option<f64>,
    /// Issue type to proficiency (1.0 = standard speed; 0.8 takes 1/0.8 as long).
    pub proficiency: Option<IndexMap<String, f64>>,
    /// Channel to proficiency, multiplied with the issue-type one.
    pub channel_proficiency: Option<IndexMap<String, f64>>,
    /// Messaging: each extra concurrent conversation slows all of an agent's conversations
    /// by this fraction (0.25: two at once each take 1.25 times as long).
    pub concurrency_slowdown: Option<f64>,
}

/// A single name or a list of names.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RawNames {
    One(String),
    Many(Vec<String>),
}

impl RawNames {
    pub fn names(&self) -> Vec<&str> {
        match self {
            RawNames::One(name) => vec![name.as_str()],
            RawNames::Many(names) => names.iter().map(String::as_str).collect(),
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRouting {
    /// "longest_idle" (default), "most_proficient" or "least_occupied".
    #[schemars(extend("enum" = ["longest_idle", "most_proficient", "least_occupied"]))]
    pub agent_selection: Option<String>,
    /// Share of an SLA window (0 to 1): a waiting contact with less than this share of its
    /// window left goes ahead of every contact that is not that close to breach.
    pub near_breach: Option<f64>,
    pub priority: Option<RawPriority>,
    #[serde(default)]
    pub rules: Vec<RawRoutingRule>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPriority {
    pub channels: Option<IndexMap<String, i64>>,
    pub segments: Option<IndexMap<String, i64>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawContactMatch {
    pub channel: Option<RawNames>,
    pub issue_type: Option<RawNames>,
    pub segment: Option<RawNames>,
    pub language: Option<RawNames>,
    pub urgency: Option<RawNames>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRoutingRule {
    pub name: Option<String>,
    #[serde(rename = "match")]
    pub matches: Option<RawContactMatch>,
    /// Target groups, in order of preference.
    #[serde(default)]
    pub groups: Vec<String>,
    /// Instead of groups: move matching contacts to this channel (while it is open).
    pub move_to_channel: Option<String>,
    pub widen_after: Option<String>,
    #[serde(default)]
    pub widen_to: Vec<String>,
    pub priority: Option<i64>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawChannelOverflow {
    pub name: Option<String>,
    pub from: String,
    pub to: String,
    pub queue_length_at_least: Option<i64>,
    pub expected_wait_above: Option<String>,
    pub acceptance: Option<f64>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawHandoff {
    pub name: Option<String>,
    /// A channel name, or "any".
    pub from: String,
    pub to: String,
    pub probability: f64,
    pub delay: RawDistribution,
    pub context_preserved: Option<f64>,
    /// Extra handle time when context is lost.
    pub rediscovery: Option<String>,
    /// The issue was closed; this contact reopens it.
    pub reopens: Option<bool>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawShift {
    pub name: Option<String>,
    /// Time of day, "HH:MM".
    pub start: String,
    pub length: String,
    /// Weekday names, "weekdays", "weekend" or "daily" (default).
    pub days: Option<RawNames>,
    pub agents: i64,
    #[serde(default)]
    pub breaks: Vec<RawBreak>,
    pub lunch: Option<RawBreak>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBreak {
    /// Offset from the shift start.
    pub after: String,
    pub length: String,
}

/// `[[shift_templates]]`: a kind of shift a roster may use.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawShiftTemplate {
    pub name: Option<String>,
    /// "8h 30m": from the start to the end, breaks included.
    pub length: String,
    /// Allowed start times: a list of "HH:MM", or { from = "06:00", to = "14:00", every = "30m" }.
    #[schemars(with = "shapes::StartTimes")]
    pub starts: toml::Value,
    /// Days a shift may be worked: weekday names, "weekdays", "weekend" or "daily" (default).
    pub days: Option<RawNames>,
    /// Consecutive working days per week (default 5, or the number of `days` when fewer).
    pub days_per_week: Option<i64>,
    /// Breaks, each placed by the roster within its window.
    #[serde(default)]
    pub breaks: Vec<RawBreakRule>,
    /// Cost of one paid hour [default: the staffed group's cost_per_hour, else 1].
    pub cost_per_hour: Option<f64>,
    /// Groups it may staff [default: every group].
    pub groups: Option<Vec<String>>,
}

/// One break of a shift template: `length`, starting between `earliest` and `latest` after
/// the shift starts.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBreakRule {
    pub length: String,
    pub earliest: String,
    pub latest: String,
    /// Whether the break is paid (default true; a lunch is usually not).
    pub paid: Option<bool>,
}

/// One disruption event; which keys apply depends on `kind` (validation says which).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDisruption {
    pub name: Option<String>,
    /// "channel_outage", "absence", "volume_spike", "spam" or "group_outage".
    #[schemars(extend("enum" = ["channel_outage", "absence", "volume_spike", "spam", "group_outage"]))]
    pub kind: String,
    /// "tue 11:00", "week 2 mon 09:00", or an offset from the start such as "1d 11h".
    pub start: String,
    pub end: Option<String>,
    pub duration: Option<String>,
    pub channel: Option<String>,
    /// A group name or a list of them (absence, group outage).
    pub group: Option<RawNames>,
    pub backup: Option<String>,
    pub conversion: Option<f64>,
    pub notify_customers: Option<bool>,
    pub sla_extension: Option<String>,
    pub sla_extension_after: Option<String>,
    pub share: Option<f64>,
    pub multiplier: Option<f64>,
    pub bot_share: Option<f64>,
    pub filter_catches: Option<f64>,
    pub bot_accounts: Option<i64>,
    pub rate_limit: Option<RawRateLimit>,
    pub handle_time: Option<RawDistribution>,
    pub in_service: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRateLimit {
    pub contacts: i64,
    pub per: String,
}

/// The shapes of the values kept as TOML here and interpreted by validation, for the schema
/// only (what an editor may offer; validation still has the last word).
mod shapes {
    use indexmap::IndexMap;
    use schemars::JsonSchema;

    /// "24/7", or weekday (monday..sunday, weekdays, weekend, daily) to "HH:MM-HH:MM",
    /// "closed", or a list of ranges.
    #[derive(JsonSchema)]
    #[schemars(untagged)]
    #[allow(dead_code)]
    pub enum Hours {
        Always(String),
        PerDay(IndexMap<String, DayHours>),
    }

    #[derive(JsonSchema)]
    #[schemars(untagged)]
    #[allow(dead_code)]
    pub enum DayHours {
        One(String),
        Several(Vec<String>),
    }

    /// A whole number of agents, or one per reporting interval (of a day, a week or the run).
    #[derive(JsonSchema)]
    #[schemars(untagged)]
    #[allow(dead_code)]
    pub enum Headcount {
        Constant(u32),
        PerInterval(Vec<u32>),
    }

    /// A list of "HH:MM", or a range { from, to, every }.
    #[derive(JsonSchema)]
    #[schemars(untagged)]
    #[allow(dead_code)]
    pub enum StartTimes {
        List(Vec<String>),
        Range {
            from: String,
            to: String,
            every: String,
        },
    }

    /// One number, or seven (one per weekday, Monday first).
    #[derive(JsonSchema)]
    #[schemars(untagged)]
    #[allow(dead_code)]
    pub enum PerWeekday {
        Every(f64),
        PerWeekday([f64; 7]),
    }

    /// A share of scheduled time lost (0.3), or named shares that are summed
    /// ({ training = 0.05, breaks = 0.1 }).
    #[derive(JsonSchema)]
    #[schemars(untagged)]
    #[allow(dead_code)]
    pub enum Shrinkage {
        Share(f64),
        Named(IndexMap<String, f64>),
    }
}
