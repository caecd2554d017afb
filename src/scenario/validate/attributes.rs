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
