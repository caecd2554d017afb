//! Validation at the edge: a parsed `RawScenario` to a `Scenario`, once. Every problem found
//! is collected (not just the first), each naming its key path and the reason, so a user
//! fixes a file in one pass. Parser and type errors carry the line and column the parser
//! reports. Validation reads no file: the text of every file a scenario names (headcount
//! CSVs) comes in `SideFiles`, read by `load.rs`.
//!
//! The layers inside: this file orders the sections; each section (`simulation.rs`,
//! `attributes.rs`, `channels.rs`, `behaviour.rs`, `arrivals.rs`, `groups.rs`, `routing.rs`,
//! `disruptions.rs`, `assertions.rs`, `shift_templates.rs`, `coverage.rs`) validates its part of the TOML and calls
//! only down, to
//! the shared values (`values.rs`: distributions, headcounts, policies; `staffing.rs`: a
//! group's headcount, CSV column or shifts; `side_files.rs`: the CSV files a scenario names)
//! and to `checker.rs`, which collects problems, checks single values and holds the one
//! name lookup.

mod arrivals;
mod assertions;
mod attributes;
mod behaviour;
mod channels;
pub(crate) mod checker;
mod coverage;
mod disruption_kinds;
mod disruptions;
mod groups;
mod locate;
mod replay;
mod routing;
mod shift_templates;
mod side_files;
mod simulation;
pub(crate) mod staffing;
pub(crate) mod values;

pub use locate::{line_column, locate_problems};
pub use side_files::{SideFile, SideFiles};

use checker::{Checker, names_of};

use super::raw::RawScenario;
use super::{Channel, Limits, Scenario};
use crate::error::ScenarioProblem;

/// Parses and validates scenario text that names no other file. `default_name` names the
/// scenario when the text does not.
pub fn parse_scenario_str(
    text: &str,
    default_name: &str,
) -> Result<Scenario, Vec<ScenarioProblem>> {
    parse_scenario(text, default_name, &SideFiles::default())
}

/// Parses and validates scenario text, with the files it names given in `side_files`.
pub fn parse_scenario(
    text: &str,
    default_name: &str,
    side_files: &SideFiles,
) -> Result<Scenario, Vec<ScenarioProblem>> {
    validate(parse_raw(text)?, default_name, side_files)
}

/// Validates a parsed scenario: the scenario, or every problem found.
pub fn validate(
    raw: RawScenario,
    default_name: &str,
    side_files: &SideFiles,
) -> Result<Scenario, Vec<ScenarioProblem>> {
    let mut checker = Checker::default();
    let scenario = scenario(&mut checker, raw, default_name, side_files);
    match scenario {
        Some(scenario) if checker.problems.is_empty() => Ok(scenario),
        _ => {
            if checker.problems.is_empty() {
                checker.fail("", "scenario is invalid");
            }
            Err(without_repeats(checker.problems))
        }
    }
}

/// Parses and validates a file of `[[assert]]` tables against `scenario` (its channel and
/// group names, whether it has costs).
pub fn parse_assertions(
    text: &str,
    scenario: &Scenario,
) -> Result<Vec<super::Assertion>, Vec<ScenarioProblem>> {
    let raw: super::raw::RawAssertionsFile = parse_raw(text)?;
    let mut checker = Checker::default();
    let assertions = assertions::assertions(
        &mut checker,
        "assert",
        &raw.assertions,
        scenario.channels(),
        scenario.groups(),
    );
    match assertions {
        Some(assertions) if checker.problems.is_empty() => Ok(assertions),
        _ => Err(without_repeats(checker.problems)),
    }
}

/// Each problem once: sections that check the same value from two sides (a group's
/// headcount for each channel it serves) may find it twice.
fn without_repeats(problems: Vec<ScenarioProblem>) -> Vec<ScenarioProblem> {
    let mut seen = std::collections::BTreeSet::new();
    problems
        .into_iter()
        .filter(|problem| seen.insert((problem.key.clone(), problem.reason.clone())))
        .collect()
}

/// Parses TOML text into a raw serde type, turning parser and type errors into problems
/// with their key path and line.
pub fn parse_raw<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, Vec<ScenarioProblem>> {
    let to_problem = |key: String, error: &toml::de::Error| ScenarioProblem {
        key,
        reason: checker::with_suggestion(error.message().trim()),
        line_column: error.span().map(|span| line_column(text, span.start)),
        span: error.span(),
        source: 0,
    };
    let deserializer =
        toml::Deserializer::parse(text).map_err(|error| vec![to_problem(String::new(), &error)])?;
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let key = error.path().to_string();
        let key = if key == "." { String::new() } else { key };
        vec![to_problem(key, error.inner())]
    })
}

/// The sections in order: each one's problems are collected even when an earlier one failed,
/// as long as what it needs was valid.
fn scenario(
    checker: &mut Checker,
    raw: RawScenario,
    default_name: &str,
    side_files: &SideFiles,
) -> Option<Scenario> {
    let name = raw.name.clone().unwrap_or_else(|| default_name.to_string());
    if name.trim().is_empty() {
        checker.fail("name", "must not be empty");
    }
    let simulation = simulation::simulation(checker, &raw);
    let attribute_names = attributes::attribute_names(checker, &raw);
    let work_multipliers = attributes::work_multipliers(checker, &raw, &attribute_names);
    if raw.channels.is_empty() {
        checker.fail(
            "channels",
            "no channels; define at least one [channels.NAME] table",
        );
    }
    if raw.channels.len() > Limits::MAX_CHANNELS {
        checker.fail(
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
                .map(|(name, _)| channels::callback_channel_name(name)),
        )
        .collect();
    let mut channels = Vec::new();
    for (channel_name, raw_channel) in &raw.channels {
        let mix =
            attributes::channel_mix(checker, &raw, channel_name, raw_channel, &attribute_names);
        channels.push(channels::channel(
            checker,
            channel_name,
            raw_channel,
            mix,
            &all_channel_names,
        ));
    }
    channels::callback_channels(checker, &raw, &mut channels);
    let declared_names: Vec<&str> = raw.channels.keys().map(String::as_str).collect();
    for (channel_name, raw_arrivals) in &raw.arrivals {
        let key = format!("arrivals.{channel_name}");
        if let Some(channel_idx) = checker.lookup(&key, channel_name, &declared_names, "channel")
            && let (Some(channel), Some(simulation)) = (channels[channel_idx].as_mut(), &simulation)
        {
            if arrivals::chosen_forms(raw_arrivals) == ["trace"] {
                if let Some((profile, replay)) = replay::replay(
                    checker,
                    &key,
                    raw_arrivals,
                    channel_name,
                    simulation,
                    side_files,
                ) {
                    channel.arrivals = Some(profile);
                    channel.replay = Some(replay);
                }
            } else {
                channel.arrivals =
                    arrivals::arrivals(checker, &key, raw_arrivals, simulation, side_files);
            }
            channel.backlog = arrivals::backlog(checker, &key, raw_arrivals, channel.kind);
            channel.uncertainty = arrivals::uncertainty(checker, &key, raw_arrivals, &channel.name);
        }
    }
    if let Some(simulation) = &simulation {
        for channel in channels.iter().flatten() {
            if let Some(problem) = channel
                .handle_time_profile
                .as_ref()
                .and_then(|factors| simulation.per_interval_length_problem(factors.len()))
            {
                checker.fail(
                    &format!("channels.{}.handle_time_profile", channel.name),
                    problem,
                );
            }
        }
    }
    arrivals::shared_uncertainty_agrees(checker, &channels);
    arrivals::unknown_channels_in_files(checker, &raw.arrivals, &declared_names, side_files);
    if let Some(reason) = super::backlog_total_problem(
        channels
            .iter()
            .flatten()
            .filter_map(|channel| channel.backlog.as_ref()),
    ) {
        checker.fail("arrivals", reason);
    }
    let groups = groups::groups(
        checker,
        &raw.groups,
        &names_of(&all_channel_names),
        raw.channels.len(),
        &channels,
        &attribute_names,
        staffing::StaffingContext {
            side_files,
            interval_seconds: simulation
                .as_ref()
                .map(|settings| settings.interval_seconds),
        },
    );
    let simulation = simulation?;
    let channels: Vec<Channel> = channels.into_iter().collect::<Option<_>>()?;
    channels::plausible_durations(checker, &channels, &simulation);
    behaviour::channel_targets(checker, &channels);
    let mut groups = groups?;
    for (group, raw_group) in groups.iter().zip(raw.groups.values()) {
        if let super::Headcount::PerInterval(counts) = &group.headcount
            && let Some(problem) = simulation.per_interval_length_problem(counts.len())
        {
            let field = if raw_group.headcount_file.is_some() {
                "headcount_file"
            } else {
                "headcount"
            };
            checker.fail(&format!("groups.{}.{field}", group.name), problem);
        }
    }
    for (channel_idx, channel) in channels.iter().enumerate() {
        if let Some(source_idx) = channel.callback_of {
            for group in &mut groups {
                group.serves_channel[channel_idx] = group.serves_channel[source_idx];
                group.channel_proficiency[channel_idx] = group.channel_proficiency[source_idx];
            }
        }
    }
    let duplicates = behaviour::duplicates(checker, &raw.duplicates, &channels);
    let mut routing = routing::routing(checker, &raw, &channels, &groups, &attribute_names)?;
    routing.duplicates = duplicates?;
    let disruptions =
        disruptions::disruptions(checker, &raw.disruptions, &channels, &groups, &simulation)?;
    let assertions =
        assertions::assertions(checker, "assert", &raw.assertions, &channels, &groups)?;
    let group_names: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
    let shift_templates =
        shift_templates::shift_templates(checker, &raw.shift_templates, &group_names)?;
    let scenario = Scenario {
        name,
        simulation,
        channels,
        groups,
        attribute_names,
        routing,
        disruptions,
        assertions,
        shift_templates,
        notes: checker.notes.clone(),
        inputs: Vec::new(),
        work_multipliers,
    };
    simulation::sizes(checker, &scenario);
    if scenario.channels().len() * scenario.n_attribute_combinations()
        <= Limits::MAX_CONTACT_CLASSES
    {
        coverage::coverage(checker, &scenario);
    }
    Some(scenario)
}
