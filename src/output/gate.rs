//! The CI gate's checks in words: a name and a reason for each (with its numbers, in the
//! metric's units), as the terminal lines, checks.json, a Markdown table (for
//! `$GITHUB_STEP_SUMMARY`) and JUnit XML (one testcase per check, for GitLab and Jenkins).
//! Pure: text and bytes.

use std::fmt::Write as _;

use serde::Serialize;

use super::format::{metric_difference, metric_half_width, metric_value};
use super::json_bytes;
use crate::gate::{Check, Detail, GateReport, Outcome};
use crate::metric::{Better, Metric, Unit};
use crate::scenario::AssertionLevel;

/// A check's one-line name: what was checked.
pub fn check_name(check: &Check) -> String {
    let subject = format!("{} {}", check.subject_kind, check.subject);
    let unit = check.metric.map_or(Unit::Amount, Metric::unit);
    let metric = check.metric.map_or("", Metric::name);
    match &check.detail {
        Detail::Assertion {
            at_least,
            at_most,
            level,
            ..
        } => {
            let mut bounds = Vec::new();
            if let Some(limit) = at_least {
                bounds.push(format!("at least {}", metric_value(unit, Some(*limit))));
            }
            if let Some(limit) = at_most {
                bounds.push(format!("at most {}", metric_value(unit, Some(*limit))));
            }
            let how = match level {
                AssertionLevel::Bound => "95% bound",
                AssertionLevel::Mean => "mean",
            };
            format!("{subject}: {metric} {} ({how})", bounds.join(" and "))
        }
        Detail::Regression { .. } => format!("{subject}: {metric} against the baseline"),
        Detail::Comparison { .. } => format!("{subject}: {metric} not worse"),
        Detail::Missing { .. } => subject,
    }
}

/// Why the check came out as it did, with the numbers.
pub fn check_reason(check: &Check) -> String {
    let unit = check.metric.map_or(Unit::Amount, Metric::unit);
    let value = |v: f64| metric_value(unit, Some(v));
    let straddles = |low: f64, high: f64, limit: f64| {
        format!(
            "the interval {} to {} straddles {}; more replications would decide",
            value(low),
            value(high),
            value(limit)
        )
    };
    match &check.detail {
        Detail::Assertion {
            estimate,
            at_least,
            at_most,
            level,
        } => {
            let Some(mean) = estimate.mean else {
                return "undefined: no replication had a value (no contacts to measure)".into();
            };
            let observed = match estimate.ci95 {
                Some(half_width) => format!(
                    "{} {}",
                    value(mean),
                    metric_half_width(unit, Some(half_width))
                ),
                None => value(mean),
            };
            if *level == AssertionLevel::Bound && estimate.ci95.is_none() {
                return format!(
                    "{observed}: one replication gives no confidence bound; run 2 or more, or set level = \"mean\""
                );
            }
            let half_width = match level {
                AssertionLevel::Bound => estimate.ci95.unwrap_or(0.0),
                AssertionLevel::Mean => 0.0,
            };
            let (low, high) = (mean - half_width, mean + half_width);
            let by_mean = *level == AssertionLevel::Mean;
            let mut parts = Vec::new();
            if let Some(limit) = *at_least {
                parts.push(if by_mean && mean >= limit {
                    format!("the mean {} is at least {}", value(mean), value(limit))
                } else if by_mean {
                    format!("the mean {} is below {}", value(mean), value(limit))
                } else if low >= limit {
                    format!(
                        "the 95% lower bound {} is at least {}",
                        value(low),
                        value(limit)
                    )
                } else if high < limit {
                    format!(
                        "even the upper bound {} is below {}",
                        value(high),
                        value(limit)
                    )
                } else {
                    straddles(low, high, limit)
                });
            }
            if let Some(limit) = *at_most {
                parts.push(if by_mean && mean <= limit {
                    format!("the mean {} is at most {}", value(mean), value(limit))
                } else if by_mean {
                    format!("the mean {} is above {}", value(mean), value(limit))
                } else if high <= limit {
                    format!(
                        "the 95% upper bound {} is at most {}",
                        value(high),
                        value(limit)
                    )
                } else if low > limit {
                    format!(
                        "even the lower bound {} is above {}",
                        value(low),
                        value(limit)
                    )
                } else {
                    straddles(low, high, limit)
                });
            }
            format!("{observed}: {}", parts.join("; "))
        }
        Detail::Regression {
            baseline,
            current,
            difference_mean,
            difference_ci95,
            paired,
            allowed,
            better,
        } => {
            let pairing = if *paired {
                "paired with the baseline's replications"
            } else {
                "unpaired: the baseline used another seed or replication count"
            };
            let change = format!(
                "{} → {}: {} {} ({pairing})",
                metric_value(unit, baseline.mean),
                metric_value(unit, current.mean),
                metric_difference(unit, *difference_mean),
                metric_half_width(unit, *difference_ci95),
            );
            if difference_mean.is_none() {
                return format!("{change}; undefined in one of the runs");
            }
            let worse = match better {
                Better::Higher => "lower (worse)",
                _ => "higher (worse)",
            };
            format!(
                "{change}; {}",
                tolerance_verdict(check.outcome, worse, allowed_amount(unit, *allowed))
            )
        }
        Detail::Comparison {
            difference,
            verdict,
            allowed,
        } => {
            let change = format!(
                "{}: {} {}",
                verdict.words(),
                metric_difference(unit, difference.mean),
                metric_half_width(unit, difference.ci95)
            );
            if difference.mean.is_none() {
                return change;
            }
            format!(
                "{change}; {}",
                tolerance_verdict(check.outcome, "worse", allowed_amount(unit, *allowed))
            )
        }
        Detail::Missing { reason } => reason.clone(),
    }
}

/// What a tolerance check concluded, in words: the same for a baseline and a comparison.
fn tolerance_verdict(outcome: Outcome, worse: &str, allowed: String) -> String {
    match outcome {
        Outcome::Fail => {
            format!("significantly {worse} by more than the {allowed} allowed")
        }
        Outcome::Inconclusive => format!(
            "worse by more than the {allowed} allowed on average, but not significantly; more replications would decide"
        ),
        Outcome::Pass => format!("within the {allowed} allowed"),
    }
}

/// The worsening a tolerance allows, in the metric's units: "1.0 pts", "22.4s".
fn allowed_amount(unit: Unit, allowed: f64) -> String {
    match unit {
        Unit::Share => format!("{:.1} pts", 100.0 * allowed),
        _ => metric_value(unit, Some(allowed)),
    }
}

fn outcome_word(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Pass => "PASS",
        Outcome::Fail => "FAIL",
        Outcome::Inconclusive => "INCONCLUSIVE",
    }
}

/// "4 passed, 1 failed, 1 inconclusive".
fn counts(report: &GateReport) -> String {
    format!(
        "{} passed, {} failed, {} inconclusive",
        report.count(Outcome::Pass),
        report.count(Outcome::Fail),
        report.count(Outcome::Inconclusive)
    )
}

/// What inconclusive checks do to the gate, in words.
fn strictness(report: &GateReport) -> &'static str {
    if report.strict {
        "--strict: inconclusive checks fail the gate"
    } else {
        "inconclusive checks fail the gate only with --strict"
    }
}

/// Whether a check gets a line of its own: every assertion (the user wrote each), and every
/// baseline or comparison check that did not pass (those that did are only counted).
fn is_shown(check: &Check) -> bool {
    check.outcome != Outcome::Pass || matches!(check.detail, Detail::Assertion { .. })
}

/// The checks for the terminal: every assertion, every baseline or comparison check that did
/// not pass (those that did are counted; checks.json lists them all), then the verdict.
pub fn checks_text(report: &GateReport) -> String {
    let mut text = format!("\nchecks ({}):\n", report.name);
    let quiet = report.checks.iter().filter(|c| !is_shown(c)).count();
    for check in report.checks.iter().filter(|c| is_shown(c)) {
        let _ = writeln!(
            text,
            "  {:<12} {}\n               {}",
            outcome_word(check.outcome),
            check_name(check),
            check_reason(check)
        );
    }
    if quiet > 0 {
        let _ = writeln!(
            text,
            "  PASS         {quiet} more comparison(s) within tolerance (checks.json lists every check)"
        );
    }
    let _ = writeln!(
        text,
        "gate: {} ({}; {})",
        if report.passed { "passed" } else { "FAILED" },
        counts(report),
        strictness(report)
    );
    text
}

/// The checks as a Markdown table (for a pull request or `$GITHUB_STEP_SUMMARY`).
pub fn checks_markdown(report: &GateReport) -> String {
    let mut text = format!(
        "### omnisim checks: {} {}\n\n{}; {}.\n\n| result | check | reason |\n|---|---|---|\n",
        report.name,
        if report.passed {
            "passed"
        } else {
            "**failed**"
        },
        counts(report),
        strictness(report)
    );
    let quiet = report.checks.iter().filter(|c| !is_shown(c)).count();
    for check in report.checks.iter().filter(|c| is_shown(c)) {
        let result = match check.outcome {
            Outcome::Pass => "pass",
            Outcome::Fail => "**FAIL**",
            Outcome::Inconclusive => "inconclusive",
        };
        let _ = writeln!(
            text,
            "| {result} | {} | {} |",
            check_name(check).replace('|', "\\|"),
            check_reason(check).replace('|', "\\|")
        );
    }
    if quiet > 0 {
        let _ = writeln!(
            text,
            "| pass | {quiet} more comparison(s) within tolerance | checks.json lists every check |"
        );
    }
    text
}

#[derive(Serialize)]
struct WordedCheck<'a> {
    name: String,
    reason: String,
    #[serde(flatten)]
    check: &'a Check,
}

#[derive(Serialize)]
struct WordedReport<'a> {
    name: &'a str,
    passed: bool,
    strict: bool,
    checks: Vec<WordedCheck<'a>>,
}

/// checks.json: every check with its name, reason and numbers.
pub fn checks_json_bytes(report: &GateReport) -> Vec<u8> {
    json_bytes(&WordedReport {
        name: &report.name,
        passed: report.passed,
        strict: report.strict,
        checks: report
            .checks
            .iter()
            .map(|check| WordedCheck {
                name: check_name(check),
                reason: check_reason(check),
                check,
            })
            .collect(),
    })
}

/// JUnit XML: one testcase per check; a failure carries the reason; an inconclusive check is
/// skipped (a failure with `--strict`).
pub fn junit_xml(report: &GateReport) -> String {
    let failing = |check: &Check| {
        check.outcome == Outcome::Fail || (report.strict && check.outcome == Outcome::Inconclusive)
    };
    let failures = report.checks.iter().filter(|c| failing(c)).count();
    let skipped = report
        .checks
        .iter()
        .filter(|c| c.outcome == Outcome::Inconclusive && !report.strict)
        .count();
    let tests = report.checks.len();
    let name = escape_xml(&format!("omnisim checks: {}", report.name));
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"omnisim\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">\n  <testsuite name=\"{name}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">\n"
    );
    for check in &report.checks {
        let classname = match check.detail {
            Detail::Assertion { .. } => "omnisim.assert",
            Detail::Regression { .. } | Detail::Missing { .. } => "omnisim.baseline",
            Detail::Comparison { .. } => "omnisim.compare",
        };
        let _ = write!(
            xml,
            "    <testcase classname=\"{classname}\" name=\"{}\"",
            escape_xml(&check_name(check))
        );
        let reason = escape_xml(&check_reason(check));
        if failing(check) {
            let kind = match check.outcome {
                Outcome::Inconclusive => "inconclusive",
                _ => "failed",
            };
            let _ = write!(
                xml,
                ">\n      <failure message=\"{reason}\" type=\"{kind}\">{reason}</failure>\n    </testcase>\n"
            );
        } else if check.outcome == Outcome::Inconclusive {
            let _ = write!(
                xml,
                ">\n      <skipped message=\"inconclusive: {reason}\"/>\n    </testcase>\n"
            );
        } else {
            let _ = write!(
                xml,
                ">\n      <system-out>{reason}</system-out>\n    </testcase>\n"
            );
        }
    }
    xml.push_str("  </testsuite>\n</testsuites>\n");
    xml
}

/// Text made safe for XML content and attribute values (maud's escaping: & < > ").
fn escape_xml(text: &str) -> String {
    maud::html! { (text) }.into_string()
}
