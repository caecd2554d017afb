//! Values several sections share: a duration distribution (handle time, patience, a
//! handoff's delay, bots' handle time), a headcount (a group's, or a staffing file's), and
//! the in-service policy (a group's, or a group outage's). Built on `checker.rs` only.

use super::checker::Checker;
use crate::scenario::raw::RawDistribution;
use crate::scenario::{Distribution, Headcount, InServiceAtShiftEnd, Limits};

/// The distribution families a scenario may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Exponential,
    LogNormal,
    Gamma,
    Fixed,
    Empirical,
}

impl Family {
    fn named(name: &str) -> Option<Family> {
        match name {
            "exponential" => Some(Family::Exponential),
            "lognormal" => Some(Family::LogNormal),
            "gamma" => Some(Family::Gamma),
            "fixed" => Some(Family::Fixed),
            "empirical" => Some(Family::Empirical),
            _ => None,
        }
    }

    /// The keys the family takes (besides `distribution`).
    fn keys(self) -> &'static [&'static str] {
        match self {
            Family::Exponential => &["mean"],
            Family::LogNormal => &["mean", "cv"],
            Family::Gamma => &["mean", "cv", "shape"],
            Family::Fixed => &["value"],
            Family::Empirical => &["values"],
        }
    }
}

pub(crate) fn distribution(
    checker: &mut Checker,
    key: &str,
    raw: &RawDistribution,
) -> Option<Distribution> {
    let Some(family) = Family::named(&raw.distribution) else {
        checker.fail(
            &format!("{key}.distribution"),
            format!(
                "unknown distribution \"{}\"; use exponential, lognormal, gamma, fixed or empirical",
                raw.distribution
            ),
        );
        return None;
    };
    let given = [
        ("mean", raw.mean.is_some()),
        ("cv", raw.cv.is_some()),
        ("shape", raw.shape.is_some()),
        ("value", raw.value.is_some()),
        ("values", raw.values.is_some()),
    ];
    for (field, present) in given {
        if present && !family.keys().contains(&field) {
            checker.fail(
                &format!("{key}.{field}"),
                format!(
                    "not used by the {} distribution (it takes {})",
                    raw.distribution,
                    family.keys().join(", ")
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
    match family {
        Family::Exponential => Some(Distribution::Exponential {
            mean: mean(checker)?,
        }),
        Family::LogNormal => {
            let mean = mean(checker);
            let cv = match raw.cv {
                Some(cv) => checker.number_in(
                    &format!("{key}.cv"),
                    cv,
                    Limits::CV_RANGE,
                    "a coefficient of variation (use distribution = \"fixed\" for none)",
                ),
                None => {
                    checker.fail(
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
        Family::Gamma => {
            let mean = mean(checker);
            let cv = match (raw.cv, raw.shape) {
                (Some(cv), None) => checker.number_in(
                    &format!("{key}.cv"),
                    cv,
                    Limits::CV_RANGE,
                    "a coefficient of variation (use distribution = \"fixed\" for none)",
                ),
                (None, Some(shape)) => {
                    let (low_cv, high_cv) = Limits::CV_RANGE;
                    checker
                        .number_in(
                            &format!("{key}.shape"),
                            shape,
                            (1.0 / (high_cv * high_cv), 1.0 / (low_cv * low_cv)),
                            "a gamma shape",
                        )
                        .map(|shape| 1.0 / shape.sqrt())
                }
                _ => {
                    checker.fail(key, "gamma needs exactly one of cv or shape");
                    None
                }
            };
            Some(Distribution::Gamma {
                mean: mean?,
                cv: cv?,
            })
        }
        Family::Fixed => match &raw.value {
            Some(text) => Some(Distribution::Fixed {
                value: checker.duration(&format!("{key}.value"), text)?,
            }),
            None => {
                checker.fail(&format!("{key}.value"), "missing; e.g. value = \"3m\"");
                None
            }
        },
        Family::Empirical => {
            let texts = raw.values.as_deref().unwrap_or(&[]);
            if texts.is_empty() || texts.len() > Limits::MAX_EMPIRICAL_VALUES {
                checker.fail(
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
                values.push(checker.duration(&format!("{key}.values[{idx}]"), text)?);
            }
            Some(Distribution::Empirical { values })
        }
    }
}

/// A headcount: a whole number of agents, or one per reporting interval.
pub(crate) fn headcount(
    checker: &mut Checker,
    key: &str,
    value: &toml::Value,
) -> Option<Headcount> {
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
                checker.fail(
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
                    checker.fail(
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
            checker.fail(
                key,
                "give a number of agents, or a list with one number per reporting interval",
            );
            None
        }
    }
}

/// What happens to contacts in hand when an agent leaves: "finish" or "requeue".
pub(crate) fn in_service_policy(
    checker: &mut Checker,
    key: &str,
    value: Option<&str>,
    default: InServiceAtShiftEnd,
) -> Option<InServiceAtShiftEnd> {
    match value {
        None => Some(default),
        Some("finish") => Some(InServiceAtShiftEnd::Finish),
        Some("requeue") => Some(InServiceAtShiftEnd::Requeue),
        Some(other) => {
            checker.fail(
                key,
                format!("unknown policy \"{other}\"; use \"finish\" (the agent finishes contacts in hand, then leaves) or \"requeue\" (they go back to the front of the queue)"),
            );
            None
        }
    }
}
