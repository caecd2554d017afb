//! Validation at the edge: raw TOML text to a `Scenario`, once. Every problem found is
//! collected (not just the first), each naming its key path and the reason, so a user fixes
//! a file in one pass. Parser and type errors carry the line and column the parser reports.

use std::path::Path;

use indexmap::IndexMap;

use super::raw::{
    RawArrivals, RawAttributeMix, RawChannel, RawDistribution, RawGroup, RawScenario,
};
use super::routing_rules::SlaClock;
use super::validate_routing::callback_channel_name;
use super::{
    AgentGroup, ArrivalProfile, AttributeMix, AttributeNames, Channel, ChannelKind, Distribution,
    Headcount, Limits, OperatingHours, Scenario, ServiceLevel, SimulationSettings,
};
use crate::error::{ScenarioError, ScenarioProblem};
use crate::units::{
    SECONDS_PER_DAY, SECONDS_PER_WEEK, WEEKDAY_NAMES, format_duration, parse_duration_seconds,
    parse_time_range_seconds,
};

/// How far from 1 a list of shares may sum (rounding in hand-written decimals).
const SHARE_SUM_TOLERANCE: f64 = 1e-6;

/// Reads and validates a scenario file. The scenario's name defaults to the file stem.
pub fn load_scenario_file(path: &Path) -> Result<Scenario, ScenarioError> {
    let text = std::fs::read_to_string(path).map_err(|error| ScenarioError::Unreadable {
        path: path.to_path_buf(),
        reason: match error.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_string(),
            std::io::ErrorKind::InvalidData => "not UTF-8 text".to_string(),
            _ => error.to_string(),
        },
    })?;
    let default_name = path
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_else(|| "scenario".to_string());
    let base_dir = path.parent().map(Path::to_path_buf);
    parse_scenario_in(&text, &default_name, base_dir.as_deref()).map_err(|problems| {
        ScenarioError::Invalid {
            path: path.to_path_buf(),
            problems,
        }
    })
}

/// Parses and validates scenario text. `default_name` names the scenario when the file does not.
pub fn parse_scenario_str(
    text: &str,
    default_name: &str,
) -> Result<Scenario, Vec<ScenarioProblem>> {
    parse_scenario_in(text, default_name, None)
}

/// As `parse_scenario_str`, with files the scenario names (a CSV headcount file) resolved
/// against `base_dir` (the scenario file's folder).
pub fn parse_scenario_in(
    text: &str,
    default_name: &str,
    base_dir: Option<&Path>,
) -> Result<Scenario, Vec<ScenarioProblem>> {
    let raw = parse_raw(text)?;
    let mut checker = Checker {
        base_dir: base_dir.map(Path::to_path_buf),
        ..Checker::default()
    };
    let scenario = checker.scenario(raw, default_name);
    match scenario {
        Some(scenario) if checker.problems.is_empty() => Ok(scenario),
        _ => {
            if checker.problems.is_empty() {
                checker.fail("", "scenario is invalid");
            }
            Err(checker.problems)
        }
    }
}

/// Parses TOML text into a raw serde type, turning parser and type errors into problems
/// with their key path and line.
pub(super) fn parse_raw<T: serde::de::DeserializeOwned>(
    text: &str,
) -> Result<T, Vec<ScenarioProblem>> {
    let to_problem = |key: String, error: &toml::de::Error| ScenarioProblem {
        key,
        reason: error.message().trim().to_string(),
        line_column: error.span().map(|span| line_column(text, span.start)),
    };
    let deserializer =
        toml::Deserializer::parse(text).map_err(|error| vec![to_problem(String::new(), &error)])?;
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let key = error.path().to_string();
        let key = if key == "." { String::new() } else { key };
        vec![to_problem(key, error.inner())]
    })
}

pub(super) fn line_column(text: &str, byte_offset: usize) -> (usize, usize) {
    let before = &text[..byte_offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .map_or(0, |tail| tail.chars().count())
        + 1;
    (line, column)
}

#[derive(Default)]
pub(super) struct Checker {
    pub(super) problems: Vec<ScenarioProblem>,
    /// Folder that relative file names in the scenario are resolved against.
    pub(super) base_dir: Option<std::path::PathBuf>,
}

impl Checker {
    pub(super) fn fail(&mut self, key: &str, reason: impl Into<String>) {
        self.problems.push(ScenarioProblem::new(key, reason));
    }

    /// A positive duration, or a problem recorded at `key`.
    pub(super) fn duration(&mut self, key: &str, text: &str) -> Option<f64> {
        match parse_duration_seconds(text) {
            Ok(seconds) if seconds > 0.0 => Some(seconds),
            Ok(_) => {
                self.fail(
                    key,
                    format!("duration \"{text}\" is zero; it must be positive"),
                );
                None
            }
            Err(reason) => {
                self.fail(key, reason);
                None
            }
        }
    }

    pub(super) fn positive_number(&mut self, key: &str, value: f64) -> Option<f64> {
        if value.is_finite() && value > 0.0 {
            Some(value)
        } else {
            self.fail(key, format!("must be a positive number, got {value}"));
            None
        }
    }

    /// Non-negative shares that sum to 1; returns them normalised exactly.
    pub(super) fn shares(&mut self, key: &str, values: &[f64]) -> Option<Vec<f64>> {
        if values.is_empty() {
            self.fail(key, "is empty; give at least one share");
            return None;
        }
        if let Some(bad) = values.iter().find(|v| !v.is_finite() || **v < 0.0) {
            self.fail(key, format!("shares must be zero or positive, got {bad}"));
            return None;
        }
        let sum: f64 = values.iter().sum();
        if (sum - 1.0).abs() > SHARE_SUM_TOLERANCE {
            self.fail(key, format!("shares must sum to 1, they sum to {sum}"));
            return None;
        }
        Some(values.iter().map(|v| v / sum).collect())
    }

    fn scenario(&mut self, raw: RawScenario, default_name: &str) -> Option<Scenario> {
        let name = raw.name.clone().unwrap_or_else(|| default_name.to_string());
        if name.trim().is_empty() {
            self.fail("name", "must not be empty");
        }
        let simulation = self.simulation(&raw);
        let attribute_names = self.attribute_names(&raw);
        let mut channels = Vec::new();
        if raw.channels.is_empty() {
            self.fail(
                "channels",
                "no channels; define at least one [channels.NAME] table",
            );
        }
        if raw.channels.len() > Limits::MAX_CHANNELS {
            self.fail(
                "channels",
                format!(
                    "{} channels; at most {} are supported",
                    raw.channels.len(),
                    Limits::MAX_CHANNELS
                ),
            );
            return None;
        }
        // Derived callback channels follow the declared ones, so every name is known before
        // anything refers to a channel.
        let all_channel_names: Vec<String> = raw
            .channels
            .keys()
            .cloned()
            .chain(
                raw.channels
                    .iter()
                    .filter(|(_, channel)| channel.callback.is_some())
                    .map(|(name, _)| callback_channel_name(name)),
            )
            .collect();
        for (channel_name, raw_channel) in &raw.channels {
            let mix = self.channel_mix(&raw, channel_name, raw_channel, &attribute_names);
            channels.push(self.channel(channel_name, raw_channel, mix, &all_channel_names));
        }
        self.callback_channels(&raw, &mut channels);
        let channel_names: Vec<&str> = raw.channels.keys().map(String::as_str).collect();
        for (channel_name, raw_arrivals) in &raw.arrivals {
            let key = format!("arrivals.{channel_name}");
            match raw.channels.get_index_of(channel_name) {
                Some(channel_idx) => {
                    if let (Some(channel), Some(simulation)) =
                        (channels[channel_idx].as_mut(), &simulation)
                    {
                        channel.arrivals = self.arrivals(&key, raw_arrivals, simulation);
                    }
                }
                None => self.fail(
                    &key,
                    format!(
                        "no channel named \"{channel_name}\"; channels are: {}",
                        channel_names.join(", ")
                    ),
                ),
            }
        }
        let groups = self.groups(&raw.groups, &all_channel_names, &channels, &attribute_names);
        let simulation = simulation?;
        let channels: Vec<Channel> = channels.into_iter().collect::<Option<_>>()?;
        let mut groups = groups?;
        for (channel_idx, channel) in channels.iter().enumerate() {
            if let Some(source_idx) = channel.callback_of {
                for group in &mut groups {
                    group.serves_channel[channel_idx] = group.serves_channel[source_idx];
                    group.channel_proficiency[channel_idx] = group.channel_proficiency[source_idx];
                }
            }
        }
        let routing = self.routing(&raw, &channels, &groups, &attribute_names)?;
        let disruptions = self.disruptions(&raw.disruptions, &channels, &groups, &simulation)?;
        let scenario = Scenario {
            name,
            simulation,
            channels,
            groups,
            attribute_names,
            routing,
            disruptions,
        };
        self.sizes(&scenario);
        if scenario.channels().len() * scenario.n_attribute_combinations()
            <= Limits::MAX_CONTACT_CLASSES
        {
            self.coverage(&scenario);
        }
        Some(scenario)
    }

    fn simulation(&mut self, raw: &RawScenario) -> Option<SimulationSettings> {
        let settings = &raw.simulation;
        let horizon = self.duration("simulation.horizon", &settings.horizon);
        let interval = self.duration(
            "simulation.interval",
            settings.interval.as_deref().unwrap_or("30m"),
        );
        let warmup = match settings.warmup.as_deref() {
            None => Some(0.0),
            Some(text) => match parse_duration_seconds(text) {
                Ok(seconds) => Some(seconds),
                Err(reason) => {
                    self.fail("simulation.warmup", reason);
                    None
                }
            },
        };
        let replications = settings.replications.unwrap_or(10);
        if replications < 1 || replications > i64::from(Limits::MAX_REPLICATIONS) {
            self.fail(
                "simulation.replications",
                format!(
                    "must be from 1 to {}, got {replications}",
                    Limits::MAX_REPLICATIONS
                ),
            );
        }
        let (horizon, interval, warmup) = (horizon?, interval?, warmup?);
        if horizon > Limits::MAX_HORIZON_SECONDS {
            self.fail(
                "simulation.horizon",
                format!(
                    "{} is longer than the limit of one year (366d)",
                    format_duration(horizon)
                ),
            );
            return None;
        }
        let n_intervals = horizon / interval;
        if interval > horizon
            || (n_intervals - n_intervals.round()).abs() > 1e-9 * n_intervals.max(1.0)
        {
            self.fail(
                "simulation.interval",
                format!(
                    "the horizon ({}) must be a whole number of reporting intervals ({})",
                    format_duration(horizon),
                    format_duration(interval)
                ),
            );
            return None;
        }
        let warmup_intervals = warmup / interval;
        if warmup >= horizon
            || (warmup_intervals - warmup_intervals.round()).abs()
                > 1e-9 * warmup_intervals.max(1.0)
        {
            self.fail("simulation.warmup", format!("must be shorter than the horizon and a whole number of reporting intervals ({}), got {}", format_duration(interval), format_duration(warmup)));
            return None;
        }
        if replications < 1 || replications > i64::from(Limits::MAX_REPLICATIONS) {
            return None;
        }
        Some(SimulationSettings {
            horizon_seconds: horizon,
            interval_seconds: interval,
            warmup_seconds: warmup,
            replications: replications as u32,
            seed: settings.seed.unwrap_or(1),
        })
    }

    /// Every attribute value named anywhere, in order of first appearance (global mix first).
    fn attribute_names(&mut self, raw: &RawScenario) -> AttributeNames {
        let mixes: Vec<&RawAttributeMix> = raw
            .attributes
            .iter()
            .chain(raw.channels.values().filter_map(|c| c.attributes.as_ref()))
            .collect();
        let collect = |pick: fn(&RawAttributeMix) -> Option<&IndexMap<String, f64>>,
                       default: &str| {
            let mut names: Vec<String> = Vec::new();
            for mix in &mixes {
                for name in pick(mix).into_iter().flat_map(|m| m.keys()) {
                    if !names.contains(name) {
                        names.push(name.clone());
                    }
                }
            }
            if names.is_empty() {
                names.push(default.to_string());
            }
            names
        };
        let names = AttributeNames {
            issue_types: collect(|m| m.issue_types.as_ref(), "general"),
            segments: collect(|m| m.segments.as_ref(), "standard"),
            languages: collect(|m| m.languages.as_ref(), "default"),
            urgencies: collect(|m| m.urgencies.as_ref(), "normal"),
        };
        for (key, count) in [
            ("issue_types", names.issue_types.len()),
            ("segments", names.segments.len()),
            ("languages", names.languages.len()),
            ("urgencies", names.urgencies.len()),
        ] {
            if count > Limits::MAX_ATTRIBUTE_VALUES {
                self.fail(
                    &format!("attributes.{key}"),
                    format!(
                        "{count} distinct values; at most {} are supported",
                        Limits::MAX_ATTRIBUTE_VALUES
                    ),
                );
            }
        }
        names
    }

    fn channel_mix(
        &mut self,
        raw: &RawScenario,
        channel_name: &str,
        channel: &RawChannel,
        names: &AttributeNames,
    ) -> AttributeMix {
        let global = raw.attributes.as_ref();
        let local = channel.attributes.as_ref();
        let mut pick = |attribute: &str,
                        select: fn(&RawAttributeMix) -> Option<&IndexMap<String, f64>>,
                        all: &[String]| {
            let (key, table) = match (local.and_then(select), global.and_then(select)) {
                (Some(table), _) => (
                    format!("channels.{channel_name}.attributes.{attribute}"),
                    Some(table),
                ),
                (None, Some(table)) => (format!("attributes.{attribute}"), Some(table)),
                (None, None) => (String::new(), None),
            };
            let mut shares = vec![0.0; all.len()];
            match table {
                None => shares[0] = 1.0,
                Some(table) => {
                    let values: Vec<f64> = table.values().copied().collect();
                    if let Some(normalised) = self.shares(&key, &values) {
                        for (name, share) in table.keys().zip(normalised) {
                            let idx = all.iter().position(|n| n == name).expect("collected above");
                            shares[idx] = share;
                        }
                    }
                }
            }
            shares
        };
        AttributeMix {
            issue_type_shares: pick(
                "issue_types",
                |m| m.issue_types.as_ref(),
                &names.issue_types,
            ),
            segment_shares: pick("segments", |m| m.segments.as_ref(), &names.segments),
            language_shares: pick("languages", |m| m.languages.as_ref(), &names.languages),
            urgency_shares: pick("urgencies", |m| m.urgencies.as_ref(), &names.urgencies),
        }
    }

    fn channel(
        &mut self,
        name: &str,
        raw: &RawChannel,
        mix: AttributeMix,
        channel_names: &[String],
    ) -> Option<Channel> {
        let key = format!("channels.{name}");
        let kind = match raw.kind.as_str() {
            "voice" => ChannelKind::Voice,
            "messaging" => ChannelKind::Messaging,
            "async" => ChannelKind::Async,
            "self_service" => ChannelKind::SelfService,
            other => {
                self.fail(&format!("{key}.kind"), format!("unknown kind \"{other}\"; use \"voice\", \"messaging\", \"async\" or \"self_service\""));
                return None;
            }
        };
        let needs_agents = kind != ChannelKind::SelfService;
        let sla = match (&raw.sla, needs_agents) {
            (Some(sla), true) => {
                let threshold = self.duration(&format!("{key}.sla.within"), &sla.within);
                let target = if sla.target.is_finite() && sla.target > 0.0 && sla.target <= 1.0 {
                    Some(sla.target)
                } else {
                    self.fail(
                        &format!("{key}.sla.target"),
                        format!(
                            "must be a fraction above 0 and at most 1 (0.8 means 80%), got {}",
                            sla.target
                        ),
                    );
                    None
                };
                threshold
                    .zip(target)
                    .map(|(threshold_seconds, target)| ServiceLevel {
                        threshold_seconds,
                        target,
                    })
            }
            (None, true) => {
                self.fail(
                    &format!("{key}.sla"),
                    "missing; give e.g. sla = { within = \"2m\", target = 0.8 }",
                );
                None
            }
            (Some(_), false) => {
                self.fail(
                    &format!("{key}.sla"),
                    "a self_service channel has no agents and so no service level; remove it",
                );
                None
            }
            (None, false) => None,
        };
        let handle_time = match (&raw.handle_time, needs_agents) {
            (Some(distribution), true) => {
                self.distribution(&format!("{key}.handle_time"), distribution)
            }
            (None, true) => {
                self.fail(&format!("{key}.handle_time"), "missing; give e.g. handle_time = { distribution = \"exponential\", mean = \"8m\" }");
                None
            }
            (Some(_), false) => {
                self.fail(
                    &format!("{key}.handle_time"),
                    "a self_service channel has no handle time; remove it",
                );
                None
            }
            (None, false) => None,
        };
        let patience = match &raw.patience {
            Some(distribution) if kind.is_real_time() => self
                .distribution(&format!("{key}.patience"), distribution)
                .map(Some),
            Some(_) => {
                self.fail(&format!("{key}.patience"), format!("only real-time channels (voice, messaging) have patience; a {} channel's contacts do not abandon", kind.name()));
                None
            }
            None => Some(None),
        };
        let hours = match &raw.hours {
            None => Some(OperatingHours::Always),
            Some(value) => self.hours(&format!("{key}.hours"), value),
        };
        let after_hours = self.after_hours(&key, raw, channel_names);
        let sla_clock = match raw.sla_clock.as_deref() {
            None | Some("calendar") => Some(SlaClock::Calendar),
            Some("business_hours") => Some(SlaClock::BusinessHours),
            Some(other) => {
                self.fail(
                    &format!("{key}.sla_clock"),
                    format!("unknown clock \"{other}\"; use \"calendar\" or \"business_hours\""),
                );
                None
            }
        };
        let cost_per_contact = match raw.cost_per_contact {
            Some(cost) if !(cost.is_finite() && cost >= 0.0) => {
                self.fail(
                    &format!("{key}.cost_per_contact"),
                    format!("must be a cost of 0 or more per contact, got {cost}"),
                );
                None
            }
            cost => Some(cost),
        };
        let (sla, handle_time) = if needs_agents {
            (Some(sla?), Some(handle_time?))
        } else {
            (None, None)
        };
        Some(Channel {
            name: name.to_string(),
            kind,
            sla,
            handle_time,
            patience: patience?,
            hours: hours?,
            after_hours: after_hours?,
            sla_clock: sla_clock?,
            callback: None,
            callback_of: None,
            arrivals: None,
            mix,
            cost_per_contact: cost_per_contact?,
        })
    }

    pub(super) fn distribution(
        &mut self,
        key: &str,
        raw: &RawDistribution,
    ) -> Option<Distribution> {
        let allowed: &[&str] = match raw.distribution.as_str() {
            "exponential" => &["mean"],
            "lognormal" => &["mean", "cv"],
            "gamma" => &["mean", "cv", "shape"],
            "fixed" => &["value"],
            "empirical" => &["values"],
            other => {
                self.fail(&format!("{key}.distribution"), format!("unknown distribution \"{other}\"; use exponential, lognormal, gamma, fixed or empirical"));
                return None;
            }
        };
        let given = [
            ("mean", raw.mean.is_some()),
            ("cv", raw.cv.is_some()),
            ("shape", raw.shape.is_some()),
            ("value", raw.value.is_some()),
            ("values", raw.values.is_some()),
        ];
        for (field, present) in given {
            if present && !allowed.contains(&field) {
                self.fail(
                    &format!("{key}.{field}"),
                    format!(
                        "not used by the {} distribution (it takes {})",
                        raw.distribution,
                        allowed.join(", ")
                    ),
                );
                return None;
            }
        }
        let mean = |checker: &mut Checker| match &raw.mean {
            Some(text) => checker.duration(&format!("{key}.mean"), text),
            None => {
                checker.fail(
                    &format!("{key}.mean"),
                    format!(
                        "missing; the {} distribution needs a mean, e.g. mean = \"5m\"",
                        raw.distribution
                    ),
                );
                None
            }
        };
        match raw.distribution.as_str() {
            "exponential" => Some(Distribution::Exponential { mean: mean(self)? }),
            "lognormal" => {
                let mean = mean(self);
                let cv = match raw.cv {
                    Some(cv) => self.positive_number(&format!("{key}.cv"), cv),
                    None => {
                        self.fail(
                            &format!("{key}.cv"),
                            "missing; lognormal needs a coefficient of variation, e.g. cv = 0.8",
                        );
                        None
                    }
                };
                Some(Distribution::LogNormal {
                    mean: mean?,
                    cv: cv?,
                })
            }
            "gamma" => {
                let mean = mean(self);
                let cv = match (raw.cv, raw.shape) {
                    (Some(cv), None) => self.positive_number(&format!("{key}.cv"), cv),
                    (None, Some(shape)) => self
                        .positive_number(&format!("{key}.shape"), shape)
                        .map(|shape| 1.0 / shape.sqrt()),
                    _ => {
                        self.fail(key, "gamma needs exactly one of cv or shape");
                        None
                    }
                };
                Some(Distribution::Gamma {
                    mean: mean?,
                    cv: cv?,
                })
            }
            "fixed" => match &raw.value {
                Some(text) => Some(Distribution::Fixed {
                    value: self.duration(&format!("{key}.value"), text)?,
                }),
                None => {
                    self.fail(&format!("{key}.value"), "missing; e.g. value = \"3m\"");
                    None
                }
            },
            _ => {
                let texts = raw.values.as_deref().unwrap_or(&[]);
                if texts.is_empty() || texts.len() > Limits::MAX_EMPIRICAL_VALUES {
                    self.fail(
                        &format!("{key}.values"),
                        format!(
                            "give from 1 to {} durations, e.g. values = [\"2m\", \"5m\"]",
                            Limits::MAX_EMPIRICAL_VALUES
                        ),
                    );
                    return None;
                }
                let mut values = Vec::with_capacity(texts.len());
                for (idx, text) in texts.iter().enumerate() {
                    values.push(self.duration(&format!("{key}.values[{idx}]"), text)?);
                }
                Some(Distribution::Empirical { values })
            }
        }
    }

    fn hours(&mut self, key: &str, value: &toml::Value) -> Option<OperatingHours> {
        let table = match value {
            toml::Value::String(text) if text == "24/7" => return Some(OperatingHours::Always),
            toml::Value::Table(table) => table,
            _ => {
                self.fail(key, "write \"24/7\" or a table such as { weekdays = \"08:00-18:00\", saturday = \"10:00-14:00\" }");
                return None;
            }
        };
        let mut per_day: [Option<Vec<(f64, f64)>>; 7] = Default::default();
        // Broad keys first, so a named day overrides "weekdays", "weekend" or "daily".
        let order = |name: &str| match name {
            "daily" => 0,
            "weekdays" | "weekend" => 1,
            _ => 2,
        };
        let mut entries: Vec<(&String, &toml::Value)> = table.iter().collect();
        entries.sort_by_key(|(name, _)| order(name));
        for (day_key, day_value) in entries {
            let entry_key = format!("{key}.{day_key}");
            let days: Vec<usize> = match day_key.as_str() {
                "daily" => (0..7).collect(),
                "weekdays" => (0..5).collect(),
                "weekend" => vec![5, 6],
                name => match WEEKDAY_NAMES.iter().position(|d| *d == name) {
                    Some(day) => vec![day],
                    None => {
                        self.fail(
                            &entry_key,
                            "unknown day; use monday..sunday, weekdays, weekend or daily",
                        );
                        return None;
                    }
                },
            };
            let ranges: Vec<&str> = match day_value {
                toml::Value::String(text) if text == "closed" => vec![],
                toml::Value::String(text) => vec![text.as_str()],
                toml::Value::Array(items) => match items
                    .iter()
                    .map(|item| item.as_str())
                    .collect::<Option<Vec<_>>>()
                {
                    Some(texts) => texts,
                    None => {
                        self.fail(
                            &entry_key,
                            "write ranges as strings, e.g. [\"08:00-12:00\", \"13:00-18:00\"]",
                        );
                        return None;
                    }
                },
                _ => {
                    self.fail(
                        &entry_key,
                        "write a range such as \"08:00-18:00\", a list of ranges, or \"closed\"",
                    );
                    return None;
                }
            };
            let mut windows = Vec::new();
            for range in ranges {
                match parse_time_range_seconds(range) {
                    Ok(window) => windows.push(window),
                    Err(reason) => {
                        self.fail(&entry_key, reason);
                        return None;
                    }
                }
            }
            for day in days {
                per_day[day] = Some(windows.clone());
            }
        }
        let mut windows: Vec<(f64, f64)> = Vec::new();
        for (day, day_windows) in per_day.iter().enumerate() {
            let offset = day as f64 * SECONDS_PER_DAY;
            let mut sorted = day_windows.clone().unwrap_or_default();
            sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
            for (open, close) in sorted {
                let (open, close) = (open + offset, close + offset);
                match windows.last_mut() {
                    Some(last) if open <= last.1 => last.1 = last.1.max(close),
                    _ => windows.push((open, close)),
                }
            }
        }
        if windows.is_empty() {
            self.fail(
                key,
                "the channel is never open; give at least one range, or \"24/7\"",
            );
            return None;
        }
        if windows.len() == 1 && windows[0] == (0.0, SECONDS_PER_WEEK) {
            return Some(OperatingHours::Always);
        }
        Some(OperatingHours::Weekly { windows })
    }

    fn arrivals(
        &mut self,
        key: &str,
        raw: &RawArrivals,
        simulation: &SimulationSettings,
    ) -> Option<ArrivalProfile> {
        let forms = [
            ("weekly_volume", raw.weekly_volume.is_some()),
            ("daily_volume", raw.daily_volume.is_some()),
            ("per_interval", raw.per_interval.is_some()),
            ("rate_per_hour", raw.rate_per_hour.is_some()),
        ];
        let chosen: Vec<&str> = forms
            .iter()
            .filter(|(_, present)| *present)
            .map(|(name, _)| *name)
            .collect();
        if chosen.len() != 1 {
            self.fail(key, format!("give exactly one of weekly_volume, daily_volume, per_interval or rate_per_hour (found {})", if chosen.is_empty() { "none".to_string() } else { chosen.join(", ") }));
            return None;
        }
        let shape_keys_allowed = matches!(chosen[0], "weekly_volume" | "daily_volume");
        if !shape_keys_allowed && (raw.day_shares.is_some() || raw.intraday.is_some()) {
            self.fail(
                key,
                format!(
                    "day_shares and intraday shape a weekly_volume or daily_volume, not {}",
                    chosen[0]
                ),
            );
            return None;
        }
        if chosen[0] == "daily_volume" && raw.day_shares.is_some() {
            self.fail(
                &format!("{key}.day_shares"),
                "day_shares shape a weekly_volume; with daily_volume every day has the same volume",
            );
            return None;
        }
        let intraday = match &raw.intraday {
            Some(values) => self.shares(&format!("{key}.intraday"), values),
            None => Some(vec![1.0]),
        };
        match chosen[0] {
            "rate_per_hour" => {
                let rate =
                    self.positive_number(&format!("{key}.rate_per_hour"), raw.rate_per_hour?)?;
                Some(ArrivalProfile {
                    cycle_seconds: SECONDS_PER_WEEK,
                    segment_starts: vec![0.0],
                    rates_per_second: vec![rate / 3600.0],
                })
            }
            "per_interval" => {
                let counts = raw.per_interval.as_deref().unwrap_or(&[]);
                let sub_key = format!("{key}.per_interval");
                if counts.is_empty()
                    || counts.iter().any(|c| !c.is_finite() || *c < 0.0)
                    || counts.iter().sum::<f64>() <= 0.0
                {
                    self.fail(&sub_key, "give the expected contacts per reporting interval: non-negative numbers, not all zero");
                    return None;
                }
                let interval = simulation.interval_seconds;
                Some(ArrivalProfile {
                    cycle_seconds: interval * counts.len() as f64,
                    segment_starts: (0..counts.len()).map(|idx| idx as f64 * interval).collect(),
                    rates_per_second: counts.iter().map(|count| count / interval).collect(),
                })
            }
            "daily_volume" => {
                let volume =
                    self.positive_number(&format!("{key}.daily_volume"), raw.daily_volume?)?;
                Some(shaped_profile(volume, &[1.0], &intraday?, SECONDS_PER_DAY))
            }
            _ => {
                let volume =
                    self.positive_number(&format!("{key}.weekly_volume"), raw.weekly_volume?);
                let day_shares = match &raw.day_shares {
                    Some(values) if values.len() != 7 => {
                        self.fail(
                            &format!("{key}.day_shares"),
                            format!("give 7 shares, Monday to Sunday (got {})", values.len()),
                        );
                        None
                    }
                    Some(values) => self.shares(&format!("{key}.day_shares"), values),
                    None => Some(vec![1.0 / 7.0; 7]),
                };
                Some(shaped_profile(
                    volume?,
                    &day_shares?,
                    &intraday?,
                    SECONDS_PER_WEEK,
                ))
            }
        }
    }

    fn groups(
        &mut self,
        raw_groups: &IndexMap<String, RawGroup>,
        channel_names: &[String],
        channels: &[Option<Channel>],
        names: &AttributeNames,
    ) -> Option<Vec<AgentGroup>> {
        if raw_groups.len() > Limits::MAX_GROUPS {
            self.fail(
                "groups",
                format!(
                    "{} groups; at most {} are supported",
                    raw_groups.len(),
                    Limits::MAX_GROUPS
                ),
            );
            return None;
        }
        let mut groups = Vec::new();
        let mut all_ok = true;
        let mut total_agents: u64 = 0;
        for (group_name, raw) in raw_groups {
            let key = format!("groups.{group_name}");
            let problems_before = self.problems.len();
            let headcount = self.group_staffing(&key, raw);
            let shrinkage = self.shrinkage(&format!("{key}.shrinkage"), raw.shrinkage.as_ref());
            let in_service_at_shift_end = self.in_service_policy(
                &format!("{key}.in_service_at_shift_end"),
                raw.in_service_at_shift_end.as_deref(),
                super::InServiceAtShiftEnd::Finish,
            );
            let mut serves_channel = vec![false; channel_names.len()];
            if raw.channels.is_empty() {
                self.fail(
                    &format!("{key}.channels"),
                    "is empty; list the channels this group serves",
                );
            }
            let mut serves_messaging = false;
            // A channel that failed its own validation has an unknown kind; judging the
            // group's concurrency against it would report a second, spurious problem.
            let mut serves_invalid_channel = false;
            for channel_name in &raw.channels {
                match channel_names.iter().position(|name| name == channel_name) {
                    Some(channel_idx) if channel_idx < channels.len() => {
                        serves_channel[channel_idx] = true;
                        let kind = channels[channel_idx].as_ref().map(|c| c.kind);
                        serves_invalid_channel |= kind.is_none();
                        if kind == Some(ChannelKind::SelfService) {
                            self.fail(
                                &format!("{key}.channels"),
                                format!("\"{channel_name}\" is self_service and needs no agents"),
                            );
                        }
                        serves_messaging |= kind == Some(ChannelKind::Messaging);
                    }
                    Some(_) => self.fail(
                        &format!("{key}.channels"),
                        format!(
                            "\"{channel_name}\" holds callbacks and is served by the groups that serve the channel it calls back for; list that channel instead"
                        ),
                    ),
                    None => self.fail(
                        &format!("{key}.channels"),
                        format!(
                            "no channel named \"{channel_name}\"; channels are: {}",
                            channel_names[..channels.len()].join(", ")
                        ),
                    ),
                }
            }
            let has_skill = self.name_subset(
                &format!("{key}.skills"),
                raw.skills.as_deref(),
                &names.issue_types,
                "issue type",
            );
            let speaks_language = self.name_subset(
                &format!("{key}.languages"),
                raw.languages.as_deref(),
                &names.languages,
                "language",
            );
            let concurrency = match raw.concurrency {
                None => 1,
                Some(value) if value >= 1 && value <= i64::from(Limits::MAX_CONCURRENCY) => {
                    if value > 1 && !serves_messaging && !serves_invalid_channel {
                        self.fail(
                            &format!("{key}.concurrency"),
                            "concurrency applies to messaging channels, and this group serves none",
                        );
                    }
                    value as u32
                }
                Some(value) => {
                    self.fail(
                        &format!("{key}.concurrency"),
                        format!("must be from 1 to {}, got {value}", Limits::MAX_CONCURRENCY),
                    );
                    1
                }
            };
            let cost_per_hour = match raw.cost_per_hour {
                Some(cost) if !(cost.is_finite() && cost >= 0.0) => {
                    self.fail(
                        &format!("{key}.cost_per_hour"),
                        format!("must be a cost of 0 or more per agent-hour, got {cost}"),
                    );
                    None
                }
                cost => cost,
            };
            let issue_type_proficiency = self.proficiency_table(
                &format!("{key}.proficiency"),
                raw.proficiency.as_ref(),
                &names.issue_types,
                "issue type",
            );
            let channel_proficiency = self.proficiency_table(
                &format!("{key}.channel_proficiency"),
                raw.channel_proficiency.as_ref(),
                channel_names,
                "channel",
            );
            let concurrency_slowdown = match raw.concurrency_slowdown {
                None => 0.0,
                Some(value) if value.is_finite() && (0.0..=10.0).contains(&value) => {
                    if concurrency <= 1 {
                        self.fail(
                            &format!("{key}.concurrency_slowdown"),
                            "applies only to a group with concurrency above 1",
                        );
                    }
                    value
                }
                Some(value) => {
                    self.fail(
                        &format!("{key}.concurrency_slowdown"),
                        format!("must be from 0 to 10 (0.25 = each extra conversation makes all 25% slower), got {value}"),
                    );
                    0.0
                }
            };
            if let Some(headcount) = &headcount {
                total_agents += u64::from(headcount.max());
            }
            if self.problems.len() > problems_before {
                all_ok = false;
                continue;
            }
            groups.push(AgentGroup {
                name: group_name.clone(),
                headcount: headcount?,
                serves_channel,
                has_skill: has_skill?,
                speaks_language: speaks_language?,
                concurrency,
                cost_per_hour,
                issue_type_proficiency: issue_type_proficiency?,
                channel_proficiency: channel_proficiency?,
                concurrency_slowdown,
                shrinkage: shrinkage.as_ref()?.0,
                shrinkage_parts: shrinkage?.1,
                in_service_at_shift_end: in_service_at_shift_end?,
            });
        }
        if total_agents > Limits::MAX_AGENTS {
            self.fail(
                "groups",
                format!(
                    "{total_agents} agents in all; at most {} are supported",
                    Limits::MAX_AGENTS
                ),
            );
            return None;
        }
        all_ok.then_some(groups)
    }

    pub(super) fn headcount(&mut self, key: &str, value: &toml::Value) -> Option<Headcount> {
        let to_count = |value: &toml::Value| {
            value
                .as_integer()
                .filter(|n| *n >= 0 && *n as u64 <= Limits::MAX_AGENTS)
                .map(|n| n as u32)
        };
        match value {
            toml::Value::Integer(_) => match to_count(value) {
                Some(count) => Some(Headcount::Constant(count)),
                None => {
                    self.fail(
                        key,
                        format!(
                            "must be a whole number of agents from 0 to {}, got {value}",
                            Limits::MAX_AGENTS
                        ),
                    );
                    None
                }
            },
            toml::Value::Array(items) if !items.is_empty() => {
                match items.iter().map(to_count).collect::<Option<Vec<u32>>>() {
                    Some(counts) => Some(Headcount::PerInterval(counts)),
                    None => {
                        self.fail(
                            key,
                            format!(
                                "every entry must be a whole number of agents from 0 to {}",
                                Limits::MAX_AGENTS
                            ),
                        );
                        None
                    }
                }
            }
            _ => {
                self.fail(
                    key,
                    "give a number of agents, or a list with one number per reporting interval",
                );
                None
            }
        }
    }

    /// Membership flags for a list of names from `all`; absent means "all of them".
    pub(super) fn name_subset(
        &mut self,
        key: &str,
        listed: Option<&[String]>,
        all: &[String],
        what: &str,
    ) -> Option<Vec<bool>> {
        let Some(listed) = listed else {
            return Some(vec![true; all.len()]);
        };
        let mut flags = vec![false; all.len()];
        let mut ok = true;
        for name in listed {
            match all.iter().position(|n| n == name) {
                Some(idx) => flags[idx] = true,
                None => {
                    self.fail(
                        key,
                        format!(
                            "unknown {what} \"{name}\"; the scenario's {what}s are: {}",
                            all.join(", ")
                        ),
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(flags)
    }

    fn sizes(&mut self, scenario: &Scenario) {
        let settings = scenario.simulation();
        let rows = settings.n_intervals() as u64 * scenario.channels().len() as u64;
        if rows > Limits::MAX_INTERVAL_ROWS {
            self.fail("simulation.interval", format!("{} intervals x {} channels = {rows} report rows; at most {} (use a longer interval)", settings.n_intervals(), scenario.channels().len(), Limits::MAX_INTERVAL_ROWS));
        }
        let expected: f64 = scenario
            .channels()
            .iter()
            .filter_map(|c| c.arrivals.as_ref())
            .map(|a| a.expected_arrivals(0.0, settings.horizon_seconds))
            .sum();
        let classes = scenario.channels().len() * scenario.n_attribute_combinations();
        if classes > Limits::MAX_CONTACT_CLASSES {
            self.fail(
                "attributes",
                format!(
                    "{} channels x {} attribute combinations (issue types x segments x languages x urgencies) = {classes} contact classes; at most {} are supported",
                    scenario.channels().len(),
                    scenario.n_attribute_combinations(),
                    Limits::MAX_CONTACT_CLASSES
                ),
            );
        }
        if expected > Limits::MAX_EXPECTED_CONTACTS {
            self.fail(
                "arrivals",
                format!(
                    "about {expected:.3e} contacts per replication; at most {:.0e} are supported",
                    Limits::MAX_EXPECTED_CONTACTS
                ),
            );
        }
    }
}

/// A volume spread over days (`day_shares`, one per day of the cycle) and within each day
/// (`intraday`, equal slots), as a piecewise-constant rate over the cycle.
fn shaped_profile(
    volume: f64,
    day_shares: &[f64],
    intraday: &[f64],
    cycle_seconds: f64,
) -> ArrivalProfile {
    let slot_seconds = SECONDS_PER_DAY / intraday.len() as f64;
    let mut segment_starts = Vec::with_capacity(day_shares.len() * intraday.len());
    let mut rates_per_second = Vec::with_capacity(day_shares.len() * intraday.len());
    for (day, day_share) in day_shares.iter().enumerate() {
        for (slot, slot_share) in intraday.iter().enumerate() {
            segment_starts.push(day as f64 * SECONDS_PER_DAY + slot as f64 * slot_seconds);
            rates_per_second.push(volume * day_share * slot_share / slot_seconds);
        }
    }
    ArrivalProfile {
        cycle_seconds,
        segment_starts,
        rates_per_second,
    }
}
