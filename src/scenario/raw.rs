//! The scenario file exactly as written: serde structs that mirror the TOML, with every
//! table closed to unknown keys. Nothing here is checked beyond TOML types; `validate.rs`
//! turns a `RawScenario` into a `Scenario` whose invariants the engine relies on.
//!
//! Durations stay strings here so that validation can name the key of a malformed one.

use indexmap::IndexMap;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    /// Display name; defaults to the file stem.
    pub name: Option<String>,
    pub simulation: RawSimulation,
    /// Default attribute mix for every channel.
    pub attributes: Option<RawAttributeMix>,
    #[serde(default)]
    pub channels: IndexMap<String, RawChannel>,
    #[serde(default)]
    pub arrivals: IndexMap<String, RawArrivals>,
    #[serde(default)]
    pub groups: IndexMap<String, RawGroup>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSimulation {
    pub horizon: String,
    pub interval: Option<String>,
    pub warmup: Option<String>,
    pub replications: Option<i64>,
    pub seed: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChannel {
    pub kind: String,
    pub sla: Option<RawSla>,
    pub handle_time: Option<RawDistribution>,
    pub patience: Option<RawDistribution>,
    /// "24/7", or a table of weekday (or "weekdays", "weekend", "daily") to "HH:MM-HH:MM"
    /// ranges. Interpreted in validation, which names the offending key.
    pub hours: Option<toml::Value>,
    pub attributes: Option<RawAttributeMix>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSla {
    pub within: String,
    pub target: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDistribution {
    pub distribution: String,
    pub mean: Option<String>,
    pub cv: Option<f64>,
    pub shape: Option<f64>,
    pub value: Option<String>,
    pub values: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAttributeMix {
    pub issue_types: Option<IndexMap<String, f64>>,
    pub segments: Option<IndexMap<String, f64>>,
    pub languages: Option<IndexMap<String, f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawArrivals {
    pub weekly_volume: Option<f64>,
    pub daily_volume: Option<f64>,
    pub day_shares: Option<Vec<f64>>,
    pub intraday: Option<Vec<f64>>,
    pub per_interval: Option<Vec<f64>>,
    pub rate_per_hour: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGroup {
    /// An integer, or an array with one headcount per reporting interval (cycled).
    pub headcount: toml::Value,
    pub channels: Vec<String>,
    pub skills: Option<Vec<String>>,
    pub languages: Option<Vec<String>>,
    pub concurrency: Option<i64>,
    /// Paid cost of one agent for one hour, in any currency (used by `plan`).
    pub cost_per_hour: Option<f64>,
}
