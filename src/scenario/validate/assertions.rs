//! `[[assert]]` (in the scenario or a `--assert` file): a metric of summary.json, the channel
//! or group it is about, `at_least` and/or `at_most` (numbers; durations such as "4h" for
//! metrics in seconds), and `level` ("bound", the default, or
//! "mean"). Every name is checked here, so a misspelt metric or channel fails before the
//! run, naming its key, and the gate only ever evaluates assertions that can mean something.

use super::checker::{Checker, names_of};
use crate::metric::{Metric, Scope, Unit};
use crate::scenario::raw::{RawAssertion, RawBound};
use crate::scenario::{AgentGroup, Assertion, AssertionLevel, Channel, Subject};

/// Metrics that need agents: undefined on a self-service channel.
const AGENT_METRICS: [Metric; 8] = [
    Metric::SlaAttainment,
    Metric::AsaSeconds,
    Metric::MeanWaitSeconds,
    Metric::WaitP50Seconds,
    Metric::WaitP90Seconds,
    Metric::WaitP95Seconds,
    Metric::WaitP99Seconds,
    Metric::MeanHandleTimeSeconds,
];

/// The assertions of `raw` (keys under `prefix`, "assert"), or `None` with problems recorded.
pub(crate) fn assertions(
    checker: &mut Checker,
    prefix: &str,
    raw: &[RawAssertion],
    channels: &[Channel],
    groups: &[AgentGroup],
) -> Option<Vec<Assertion>> {
    let before = checker.problems.len();
    let has_costs = groups.iter().any(|g| g.cost_per_hour.is_some())
        || channels.iter().any(|c| c.cost_per_contact.is_some());
    let assertions: Vec<Option<Assertion>> = raw
        .iter()
        .enumerate()
        .map(|(idx, raw)| {
            assertion(
                checker,
                &format!("{prefix}[{idx}]"),
                raw,
                channels,
                groups,
                has_costs,
            )
        })
        .collect();
    if checker.problems.len() > before {
        return None;
    }
    assertions.into_iter().collect()
}

fn assertion(
    checker: &mut Checker,
    key: &str,
    raw: &RawAssertion,
    channels: &[Channel],
    groups: &[AgentGroup],
    has_costs: bool,
) -> Option<Assertion> {
    let metric = metric(checker, key, raw)?;
    let channel_names: Vec<String> = channels.iter().map(|c| c.name.clone()).collect();
    let group_names: Vec<String> = groups.iter().map(|g| g.name.clone()).collect();
    let subject = match (&raw.channel, &raw.group, metric.scope()) {
        (Some(_), Some(_), _) => {
            checker.fail(key, "give channel or group, not both");
            return None;
        }
        (Some(channel), None, Scope::Channel | Scope::Both) => Subject::Channel(checker.lookup(
            &format!("{key}.channel"),
            channel,
            &names_of(&channel_names),
            "channel",
        )?),
        (None, Some(group), Scope::Group | Scope::Both) => Subject::Group(checker.lookup(
            &format!("{key}.group"),
            group,
            &names_of(&group_names),
            "group",
        )?),
        (Some(_), None, _) => {
            checker.fail(
                &format!("{key}.channel"),
                format!("\"{metric}\" is a group metric; name a group (group = \"...\")"),
            );
            return None;
        }
        (None, Some(_), _) => {
            checker.fail(
                &format!("{key}.group"),
                format!("\"{metric}\" is a channel metric; name a channel (channel = \"...\")"),
            );
            return None;
        }
        (None, None, scope) => {
            let what = match scope {
                Scope::Group => "group = \"...\"",
                Scope::Both => "channel = \"...\" or group = \"...\"",
                _ => "channel = \"...\"",
            };
            checker.fail(
                key,
                format!("say which channel or group \"{metric}\" is asserted for ({what})"),
            );
            return None;
        }
    };
    if let Subject::Channel(idx) = subject
        && channels[idx].handle_time.is_none()
        && AGENT_METRICS.contains(&metric)
    {
        checker.fail(
            &format!("{key}.metric"),
            format!(
                "channel \"{}\" is self-service (no agents), so \"{metric}\" is undefined there",
                channels[idx].name
            ),
        );
        return None;
    }
    if metric == Metric::CostPerContact && !has_costs {
        checker.fail(
            &format!("{key}.metric"),
            "cost_per_contact is reported only when the scenario gives a cost (a group's cost_per_hour or a channel's cost_per_contact)",
        );
        return None;
    }
    let at_least = bound(
        checker,
        &format!("{key}.at_least"),
        raw.at_least.as_ref(),
        metric,
    );
    let at_most = bound(
        checker,
        &format!("{key}.at_most"),
        raw.at_most.as_ref(),
        metric,
    );
    if raw.at_least.is_none() && raw.at_most.is_none() {
        checker.fail(
            key,
            "give at_least or at_most (or both): the value the metric must reach or stay under",
        );
        return None;
    }
    if let (Some(low), Some(high)) = (at_least, at_most)
        && low > high
    {
        checker.fail(
            key,
            format!("at_least ({low}) is above at_most ({high}); nothing could pass"),
        );
        return None;
    }
    let level = match raw.level.as_deref() {
        None | Some("bound") => AssertionLevel::Bound,
        Some("mean") => AssertionLevel::Mean,
        Some(other) => {
            checker.fail(
                &format!("{key}.level"),
                format!(
                    "expected \"bound\" (the 95% confidence bound must hold) or \"mean\", got \"{other}\""
                ),
            );
            return None;
        }
    };
    if (raw.at_least.is_some() && at_least.is_none())
        || (raw.at_most.is_some() && at_most.is_none())
    {
        return None;
    }
    Some(Assertion {
        metric,
        subject,
        at_least,
        at_most,
        level,
    })
}

/// The metric named, if it is a channel or group metric.
fn metric(checker: &mut Checker, key: &str, raw: &RawAssertion) -> Option<Metric> {
    let key = format!("{key}.metric");
    let assertable = |m: &&Metric| m.scope() != Scope::Other;
    match Metric::named(&raw.metric) {
        Some(metric) if metric.scope() != Scope::Other => Some(metric),
        Some(metric) => {
            checker.fail(
                &key,
                format!(
                    "\"{metric}\" is not a channel or group metric; assertions cover the metrics of summary.json's channels and groups"
                ),
            );
            None
        }
        None => {
            let names: Vec<&str> = Metric::ALL
                .iter()
                .filter(assertable)
                .map(|m| m.name())
                .collect();
            checker.fail(
                &key,
                format!(
                    "unknown metric \"{}\"; metrics are: {}",
                    raw.metric,
                    names.join(", ")
                ),
            );
            None
        }
    }
}

/// A finite bound; a share's from 0 to 1 (so "80" for 80% is caught); a duration string
/// ("4h") for a metric in seconds.
fn bound(
    checker: &mut Checker,
    key: &str,
    value: Option<&RawBound>,
    metric: Metric,
) -> Option<f64> {
    let value = match value? {
        RawBound::Number(value) => *value,
        RawBound::Duration(text) if metric.unit() == Unit::Seconds => {
            return checker.offset(key, text);
        }
        RawBound::Duration(text) => {
            checker.fail(
                key,
                format!("{metric} is not a duration; give a number, not \"{text}\""),
            );
            return None;
        }
    };
    if !value.is_finite() {
        checker.fail(key, format!("must be a number, got {value}"));
        return None;
    }
    if metric.unit() == Unit::Share && !(0.0..=1.0).contains(&value) {
        checker.fail(
            key,
            format!("{metric} is a share from 0 to 1 (0.8 for 80%), got {value}"),
        );
        return None;
    }
    Some(value)
}
