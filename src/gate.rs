//! The CI gate: turns a run (or a comparison) into checks that pass, fail or are
//! inconclusive, so a build can fail with a readable reason.
//!
//! - Assertions (`[[assert]]`): by default the 95% bound on the safe side must hold (the
//!   lower bound for `at_least`); the check fails when even the other bound misses (the
//!   whole interval is on the wrong side), and is inconclusive in between, where more
//!   replications would decide. `level = "mean"` judges the point estimate alone.
//! - A baseline (an earlier run's summary.json): every headline metric with a better
//!   direction is compared with it, replication by replication when both runs used the same
//!   seed and replication count (the baseline's per-replication values), else with Welch's
//!   interval. A metric fails when it is significantly worse by more than the tolerance
//!   (points of a share, or a fraction of the baseline's mean for anything else), and is
//!   inconclusive when its mean is worse by more than the tolerance but not significantly.
//! - A comparison (`omnisim compare --fail-on-worse`): the candidate against the base, with
//!   the same tolerance rule as a baseline, on the paired differences.
//!
//! Checks carry their numbers, not sentences; `output::gate` words them.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::compare::{CONFIDENCE, Comparison, Verdict};
use crate::metric::{Better, Metric, Unit};
use crate::metrics::summary::RunSummary;
use crate::scenario::{AssertionLevel, Scenario, Subject};
use crate::stats::{Estimate, WelchDifference};

/// What a check concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Pass,
    Fail,
    /// The interval straddles the threshold: more replications would decide. Fails the
    /// gate only with `--strict`.
    Inconclusive,
}

/// One check, with the numbers behind its outcome.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// "channel" or "group".
    pub subject_kind: &'static str,
    pub subject: String,
    /// Absent for a subject missing from one run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metric: Option<Metric>,
    pub outcome: Outcome,
    pub detail: Detail,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Detail {
    /// An `[[assert]]`: the run's estimate against its bounds.
    Assertion {
        estimate: Estimate,
        at_least: Option<f64>,
        at_most: Option<f64>,
        #[serde(serialize_with = "level_name")]
        level: AssertionLevel,
    },
    /// Against a baseline run: the run minus the baseline, and how much worse is allowed.
    Regression {
        baseline: Estimate,
        current: Estimate,
        /// Current − baseline: mean and 95% half-width.
        difference_mean: Option<f64>,
        difference_ci95: Option<f64>,
        /// Whether replications were paired (same seed and replication count).
        paired: bool,
        /// How much worse (in the metric's units) the tolerance allows.
        allowed: f64,
        better: Better,
    },
    /// A compared metric's paired difference and verdict (`omnisim compare --fail-on-worse`),
    /// and how much worse (in the metric's units) the tolerance allows.
    Comparison {
        difference: Estimate,
        verdict: Verdict,
        allowed: f64,
    },
    /// The subject or metric is in one run and not the other.
    Missing { reason: String },
}

fn level_name<S: serde::Serializer>(level: &AssertionLevel, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(level.name())
}

/// Every check of a run or comparison, and whether inconclusive ones fail.
#[derive(Debug, Clone, Serialize)]
pub struct GateReport {
    /// What was checked ("retail_week", "base → candidate").
    pub name: String,
    pub strict: bool,
    pub passed: bool,
    pub checks: Vec<Check>,
}

impl GateReport {
    pub fn new(name: impl Into<String>, checks: Vec<Check>, strict: bool) -> GateReport {
        let blocking = |check: &Check| {
            check.outcome == Outcome::Fail || (strict && check.outcome == Outcome::Inconclusive)
        };
        GateReport {
            name: name.into(),
            strict,
            passed: !checks.iter().any(blocking),
            checks,
        }
    }

    pub fn count(&self, outcome: Outcome) -> usize {
        self.checks.iter().filter(|c| c.outcome == outcome).count()
    }
}

/// The outcome of `estimate` against `at_least` / `at_most` at `level`.
pub fn assertion_outcome(
    estimate: &Estimate,
    at_least: Option<f64>,
    at_most: Option<f64>,
    level: AssertionLevel,
) -> Outcome {
    let Some(mean) = estimate.mean else {
        return Outcome::Inconclusive;
    };
    let half_width = match level {
        AssertionLevel::Mean => 0.0,
        AssertionLevel::Bound => match estimate.ci95 {
            Some(half_width) => half_width,
            None => return Outcome::Inconclusive,
        },
    };
    let (low, high) = (mean - half_width, mean + half_width);
    let mut outcome = Outcome::Pass;
    // A bound is met when the safe-side end of the interval meets it, missed when even the
    // other end misses it.
    for (met, missed) in [
        at_least.map(|limit| (low >= limit, high < limit)),
        at_most.map(|limit| (high <= limit, low > limit)),
    ]
    .into_iter()
    .flatten()
    {
        if missed {
            return Outcome::Fail;
        }
        if !met {
            outcome = Outcome::Inconclusive;
        }
    }
    outcome
}

/// The scenario's assertions against the run's summary.
pub fn assertion_checks(scenario: &Scenario, summary: &RunSummary) -> Vec<Check> {
    scenario
        .assertions()
        .iter()
        .map(|assertion| {
            let (subject_kind, figures) = match assertion.subject {
                Subject::Channel(idx) => ("channel", &summary.channels[idx].metrics),
                Subject::Group(idx) => ("group", &summary.groups[idx].metrics),
            };
            let estimate = figures.get(&assertion.metric).copied().unwrap_or(Estimate {
                mean: None,
                ci95: None,
                n: 0,
            });
            Check {
                subject_kind,
                subject: scenario.subject_name(assertion.subject).to_string(),
                metric: Some(assertion.metric),
                outcome: assertion_outcome(
                    &estimate,
                    assertion.at_least,
                    assertion.at_most,
                    assertion.level,
                ),
                detail: Detail::Assertion {
                    estimate,
                    at_least: assertion.at_least,
                    at_most: assertion.at_most,
                    level: assertion.level,
                },
            }
        })
        .collect()
}

/// What a baseline summary.json must hold for `--baseline` (the rest is ignored).
#[derive(Debug, Clone, Deserialize)]
pub struct Baseline {
    pub omnisim_version: String,
    pub scenario: String,
    pub seed: u64,
    pub replications: u32,
    pub channels: Vec<BaselineSubject>,
    pub groups: Vec<BaselineSubject>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct BaselineSubject {
    pub name: String,
    /// Metric name to its value per replication (`null` where undefined).
    #[serde(default)]
    pub per_replication: IndexMap<String, Vec<Option<f64>>>,
}

/// Parses a baseline summary.json; the error says what is wrong in words (with the line).
pub fn parse_baseline(text: &str) -> Result<Baseline, String> {
    let baseline: Baseline = serde_json::from_str(text).map_err(|error| {
        format!(
            "not an omnisim summary.json: {error} (line {}, column {})",
            error.line(),
            error.column()
        )
    })?;
    let has_values = baseline
        .channels
        .iter()
        .chain(&baseline.groups)
        .any(|subject| !subject.per_replication.is_empty());
    if !has_values {
        return Err(format!(
            "it holds no per_replication values (written by omnisim {}, before they were added); run the baseline again with this omnisim",
            baseline.omnisim_version
        ));
    }
    Ok(baseline)
}

/// The allowed worsening of a metric whose baseline mean is `baseline_mean`: `tolerance` in
/// points for a share, else as a fraction of the baseline.
pub fn allowed_worsening(metric: Metric, baseline_mean: f64, tolerance: f64) -> f64 {
    match metric.unit() {
        Unit::Share => tolerance,
        Unit::Seconds | Unit::Amount => tolerance * baseline_mean.abs(),
    }
}

/// The outcome of a difference (current − baseline, mean ± half-width) for a metric whose
/// better direction is `better`, allowing `allowed` of worsening.
pub fn regression_outcome(
    better: Better,
    mean: Option<f64>,
    half_width: Option<f64>,
    allowed: f64,
) -> Outcome {
    let (Some(mean), Some(half_width)) = (mean, half_width) else {
        return Outcome::Inconclusive;
    };
    // Worsening is positive: how much worse the current run is.
    let worsening = match better {
        Better::Higher => -mean,
        Better::Lower => mean,
        Better::Neither => return Outcome::Pass,
    };
    if worsening - half_width > allowed {
        Outcome::Fail
    } else if worsening > allowed {
        Outcome::Inconclusive
    } else {
        Outcome::Pass
    }
}

/// Every headline metric with a better direction, this run against the baseline.
pub fn baseline_checks(summary: &RunSummary, baseline: &Baseline, tolerance: f64) -> Vec<Check> {
    let paired = baseline.seed == summary.seed && baseline.replications == summary.replications;
    let mut checks = Vec::new();
    let subjects = [
        (
            "channel",
            summary
                .channels
                .iter()
                .map(|c| (&c.name, &c.per_replication))
                .collect::<Vec<_>>(),
            &baseline.channels,
        ),
        (
            "group",
            summary
                .groups
                .iter()
                .map(|g| (&g.name, &g.per_replication))
                .collect(),
            &baseline.groups,
        ),
    ];
    for (subject_kind, current_subjects, baseline_subjects) in subjects {
        for (name, current_values) in current_subjects {
            let Some(baseline_subject) = baseline_subjects.iter().find(|b| &b.name == name) else {
                checks.push(Check {
                    subject_kind,
                    subject: name.clone(),
                    metric: None,
                    outcome: Outcome::Inconclusive,
                    detail: Detail::Missing {
                        reason: format!("{subject_kind} {name} is not in the baseline"),
                    },
                });
                continue;
            };
            for (metric, current) in current_values {
                if metric.better() == Better::Neither {
                    continue;
                }
                let to_values = |values: &[Option<f64>]| -> Vec<f64> {
                    values.iter().map(|v| v.unwrap_or(f64::NAN)).collect()
                };
                let current = to_values(current);
                let Some(base) = baseline_subject.per_replication.get(metric.name()) else {
                    continue;
                };
                let base = to_values(base);
                let baseline_estimate = Estimate::with_confidence(base.iter().copied(), CONFIDENCE);
                let current_estimate =
                    Estimate::with_confidence(current.iter().copied(), CONFIDENCE);
                if baseline_estimate.mean.is_none() && current_estimate.mean.is_none() {
                    // Undefined in both (a self-service channel's waits): nothing to check.
                    continue;
                }
                let (difference_mean, difference_ci95) = if paired {
                    let difference = Estimate::with_confidence(
                        current.iter().zip(&base).map(|(c, b)| c - b),
                        CONFIDENCE,
                    );
                    (difference.mean, difference.ci95)
                } else {
                    let welch = WelchDifference::from_values(&base, &current, CONFIDENCE);
                    (welch.mean, welch.ci95)
                };
                let allowed =
                    allowed_worsening(*metric, baseline_estimate.mean.unwrap_or(0.0), tolerance);
                checks.push(Check {
                    subject_kind,
                    subject: name.clone(),
                    metric: Some(*metric),
                    outcome: regression_outcome(
                        metric.better(),
                        difference_mean,
                        difference_ci95,
                        allowed,
                    ),
                    detail: Detail::Regression {
                        baseline: baseline_estimate,
                        current: current_estimate,
                        difference_mean,
                        difference_ci95,
                        paired,
                        allowed,
                        better: metric.better(),
                    },
                });
            }
        }
    }
    for (subject_kind, baseline_subjects, current_names) in [
        (
            "channel",
            &baseline.channels,
            summary.channels.iter().map(|c| &c.name).collect::<Vec<_>>(),
        ),
        (
            "group",
            &baseline.groups,
            summary.groups.iter().map(|g| &g.name).collect(),
        ),
    ] {
        for subject in baseline_subjects
            .iter()
            .filter(|s| !current_names.contains(&&s.name))
        {
            checks.push(Check {
                subject_kind,
                subject: subject.name.clone(),
                metric: None,
                outcome: Outcome::Inconclusive,
                detail: Detail::Missing {
                    reason: format!(
                        "{subject_kind} {} is in the baseline but not in this run",
                        subject.name
                    ),
                },
            });
        }
    }
    checks
}

/// A comparison's metrics as checks: a metric fails when the candidate is significantly worse
/// than the base by more than `tolerance` (as for a baseline), and is inconclusive when it is
/// worse by more than that on average but not significantly.
pub fn comparison_checks(comparison: &Comparison, tolerance: f64) -> Vec<Check> {
    comparison
        .all_metrics()
        .map(|(subject_kind, name, metric)| {
            let allowed =
                allowed_worsening(metric.metric, metric.base.mean.unwrap_or(0.0), tolerance);
            let outcome = match metric.paired.mean {
                // Undefined in both (a self-service channel's waits): nothing to fail.
                None => Outcome::Pass,
                Some(_) => regression_outcome(
                    metric.better,
                    metric.paired.mean,
                    Some(metric.paired.ci95.unwrap_or(0.0)),
                    allowed,
                ),
            };
            Check {
                subject_kind,
                subject: name.to_string(),
                metric: Some(metric.metric),
                outcome,
                detail: Detail::Comparison {
                    difference: metric.paired,
                    verdict: metric.verdict,
                    allowed,
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOUND: AssertionLevel = AssertionLevel::Bound;
    const MEAN: AssertionLevel = AssertionLevel::Mean;

    #[track_caller]
    fn check(
        (mean, ci95): (Option<f64>, Option<f64>),
        at_least: Option<f64>,
        at_most: Option<f64>,
        level: AssertionLevel,
        want: Outcome,
    ) {
        let estimate = Estimate { mean, ci95, n: 5 };
        assert_eq!(
            assertion_outcome(&estimate, at_least, at_most, level),
            want,
            "{mean:?} ± {ci95:?} in [{at_least:?}, {at_most:?}] by {level:?}"
        );
    }

    #[test]
    fn assertions_at_their_boundaries() {
        use Outcome::{Fail, Inconclusive, Pass};
        // 0.75 ± 0.25: the interval is [0.5, 1.0], exactly.
        let estimate = (Some(0.75), Some(0.25));
        // at_least: the lower bound must reach it; the upper bound missing it fails.
        check(estimate, Some(0.5), None, BOUND, Pass);
        check(estimate, Some(0.51), None, BOUND, Inconclusive);
        check(estimate, Some(1.0), None, BOUND, Inconclusive);
        check(estimate, Some(1.01), None, BOUND, Fail);
        // at_most, mirrored.
        check(estimate, None, Some(1.0), BOUND, Pass);
        check(estimate, None, Some(0.99), BOUND, Inconclusive);
        check(estimate, None, Some(0.5), BOUND, Inconclusive);
        check(estimate, None, Some(0.49), BOUND, Fail);
        // Both: the worse of the two.
        check(estimate, Some(0.4), Some(1.1), BOUND, Pass);
        check(estimate, Some(0.4), Some(0.9), BOUND, Inconclusive);
        check(estimate, Some(1.05), Some(1.2), BOUND, Fail);
        // level = "mean": the point estimate alone, never inconclusive.
        check(estimate, Some(0.75), None, MEAN, Pass);
        check(estimate, Some(0.76), None, MEAN, Fail);
        check(estimate, None, Some(0.74), MEAN, Fail);
        check((Some(0.8), None), Some(0.7), None, MEAN, Pass);
        // No interval (one replication) or no value: the bound cannot be judged.
        check((Some(0.8), None), Some(0.7), None, BOUND, Inconclusive);
        check((None, None), Some(0.7), None, MEAN, Inconclusive);
    }

    #[test]
    fn regressions_at_their_boundaries() {
        use Better::{Higher, Lower, Neither};
        use Outcome::{Fail, Inconclusive, Pass};
        let check = |better, mean: f64, half_width: f64, allowed: f64, want: Outcome| {
            let got = regression_outcome(better, Some(mean), Some(half_width), allowed);
            assert_eq!(
                got, want,
                "{better:?} {mean} ± {half_width}, {allowed} allowed"
            );
        };
        // SLA (higher is better) 3 points down ± 1, 1 point allowed: significantly beyond.
        check(Higher, -0.03, 0.01, 0.01, Fail);
        // The interval's end exactly at the allowance is not beyond it.
        check(Higher, -3.0, 2.0, 1.0, Inconclusive);
        check(Higher, -3.0, 1.5, 1.0, Fail);
        check(Higher, -1.0, 0.5, 1.0, Pass);
        check(Higher, -0.015, 0.01, 0.01, Inconclusive);
        check(Higher, -0.005, 0.001, 0.01, Pass);
        check(Higher, 0.05, 0.001, 0.01, Pass);
        // Waits (lower is better): up is worse.
        check(Lower, 30.0, 10.0, 15.0, Fail);
        check(Lower, 20.0, 10.0, 15.0, Inconclusive);
        check(Lower, -30.0, 1.0, 0.0, Pass);
        check(Neither, 100.0, 1.0, 0.0, Pass);
        assert_eq!(regression_outcome(Lower, None, None, 0.0), Inconclusive);
        assert_eq!(allowed_worsening(Metric::SlaAttainment, 0.9, 0.01), 0.01);
        assert_eq!(allowed_worsening(Metric::AsaSeconds, 200.0, 0.01), 2.0);
    }
}
