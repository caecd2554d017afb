//! `[attributes]` and each channel's `attributes`: the contact attribute values (issue types,
//! segments, languages, urgencies) the scenario names, and each channel's mix of them.

use indexmap::IndexMap;

use super::checker::Checker;
use crate::scenario::raw::{RawAttributeMix, RawChannel, RawScenario};
use crate::scenario::{AttributeMix, AttributeNames, Limits};

/// Every attribute value named anywhere, in order of first appearance (global mix first).
pub(crate) fn attribute_names(checker: &mut Checker, raw: &RawScenario) -> AttributeNames {
    let mixes: Vec<&RawAttributeMix> = raw
        .attributes
        .iter()
        .chain(raw.channels.values().filter_map(|c| c.attributes.as_ref()))
        .collect();
    let collect = |pick: fn(&RawAttributeMix) -> Option<&IndexMap<String, f64>>, default: &str| {
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
            checker.fail(
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

/// Largest handle-time factor accepted (a tenfold is already an exotic issue type).
const MAX_WORK_MULTIPLIER: f64 = 100.0;

/// `[handle_time_multipliers]` as one factor per (issue type, segment), issue type major;
/// every name must be one the scenario's attributes define.
pub(crate) fn work_multipliers(
    checker: &mut Checker,
    raw: &RawScenario,
    names: &AttributeNames,
) -> Vec<f64> {
    let by_name = |checker: &mut Checker,
                   table: Option<&IndexMap<String, f64>>,
                   key: &str,
                   known: &[String],
                   what: &str| {
        let mut factors = vec![1.0; known.len()];
        let known_names = super::checker::names_of(known);
        for (name, value) in table.into_iter().flatten() {
            let value_key = format!("handle_time_multipliers.{key}.{name}");
            let found = checker.lookup(&value_key, name, &known_names, what);
            let factor = checker.number_in(
                &value_key,
                *value,
                (f64::MIN_POSITIVE, MAX_WORK_MULTIPLIER),
                "a factor on handle time (1.3 takes 30% longer)",
            );
            if let (Some(idx), Some(factor)) = (found, factor) {
                factors[idx] = factor;
            }
        }
        factors
    };
    let multipliers = raw.handle_time_multipliers.as_ref();
    let issue_types = by_name(
        checker,
        multipliers.and_then(|m| m.issue_type.as_ref()),
        "issue_type",
        &names.issue_types,
        "issue type",
    );
    let segments = by_name(
        checker,
        multipliers.and_then(|m| m.segment.as_ref()),
        "segment",
        &names.segments,
        "segment",
    );
    issue_types
        .iter()
        .flat_map(|issue_type| segments.iter().map(move |segment| issue_type * segment))
        .collect()
}

pub(crate) fn channel_mix(
    checker: &mut Checker,
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
                if let Some(normalised) = checker.shares(&key, &values) {
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
