//! The bottom of validation: `Checker` collects every problem (key path and reason) and
//! checks single values (durations, bounded numbers, shares, probabilities, costs), and it holds
//! the one way a name written in a scenario is looked up among the names the scenario
//! defines. It imports nothing else of validation.

use crate::error::ScenarioProblem;
use crate::scenario::Limits;
use crate::units::parse_duration_seconds;

/// How far from 1 a list of shares may sum and be taken as meant to (a curve pasted from a
/// spreadsheet: 0.1429 x 7 = 1.0003). Within it the shares are normalised, with a note;
/// within `SHARE_SUM_SILENT` (the rounding of hand-written decimals) without one.
const SHARE_SUM_TOLERANCE: f64 = 1e-3;
const SHARE_SUM_SILENT: f64 = 1e-9;

#[derive(Debug, Default)]
pub(crate) struct Checker {
    pub(crate) problems: Vec<ScenarioProblem>,
    /// What was accepted but changed, as "key: what", for the user to hear.
    pub(crate) notes: Vec<String>,
}

impl Checker {
    pub(crate) fn fail(&mut self, key: &str, reason: impl Into<String>) {
        self.problems.push(ScenarioProblem::new(key, reason));
    }

    /// A positive duration, or a problem recorded at `key`.
    pub(crate) fn duration(&mut self, key: &str, text: &str) -> Option<f64> {
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

    /// A duration that may be zero (an offset, a warm-up).
    pub(crate) fn offset(&mut self, key: &str, text: &str) -> Option<f64> {
        match parse_duration_seconds(text) {
            Ok(seconds) => Some(seconds),
            Err(reason) => {
                self.fail(key, reason);
                None
            }
        }
    }

    /// A finite number in `low..=high` (`what` describes it, `hint` says what to do instead
    /// when it is out of range), or a problem at `key`.
    pub(crate) fn number_in(
        &mut self,
        key: &str,
        value: f64,
        (low, high): (f64, f64),
        what: &str,
    ) -> Option<f64> {
        if value.is_finite() && value >= low && value <= high {
            Some(value)
        } else {
            let range = if low == f64::MIN_POSITIVE {
                format!("more than 0 and at most {}", shown_number(high))
            } else {
                format!("from {} to {}", shown_number(low), shown_number(high))
            };
            self.fail(
                key,
                format!("must be {what}, {range}; got {}", shown_number(value)),
            );
            None
        }
    }

    /// Non-negative shares that sum to 1; returns them normalised exactly.
    pub(crate) fn shares(&mut self, key: &str, values: &[f64]) -> Option<Vec<f64>> {
        if values.is_empty() {
            self.fail(key, "is empty; give at least one share");
            return None;
        }
        if let Some(bad) = values.iter().find(|v| !v.is_finite() || **v < 0.0) {
            self.fail(key, format!("shares must be zero or positive, got {bad}"));
            return None;
        }
        let sum: f64 = values.iter().sum();
        // Shown as written (1.05), not as summed (1.0499999999999998).
        let shown_sum = shown_sum(sum);
        if (sum - 1.0).abs() > SHARE_SUM_TOLERANCE {
            self.fail(
                key,
                format!(
                    "shares must sum to 1, they sum to {shown_sum} (sums within 0.001 of 1 are normalised)"
                ),
            );
            return None;
        }
        if (sum - 1.0).abs() > SHARE_SUM_SILENT {
            self.notes.push(format!(
                "{key}: the shares sum to {shown_sum}; each was divided by that so they sum to 1"
            ));
        }
        Some(values.iter().map(|v| v / sum).collect())
    }

    pub(crate) fn probability(&mut self, key: &str, value: f64) -> Option<f64> {
        if value.is_finite() && (0.0..=1.0).contains(&value) {
            Some(value)
        } else {
            self.fail(
                key,
                format!("must be a probability from 0 to 1, got {value}"),
            );
            None
        }
    }

    pub(crate) fn share(&mut self, key: &str, value: f64) -> Option<f64> {
        if value.is_finite() && (0.0..=1.0).contains(&value) {
            Some(value)
        } else {
            self.fail(key, format!("must be a share from 0 to 1, got {value}"));
            None
        }
    }

    /// A cost of 0 or more (`per` says per what, for the message).
    pub(crate) fn cost(&mut self, key: &str, value: Option<f64>, per: &str) -> Option<f64> {
        match value {
            Some(cost) if !(cost.is_finite() && (0.0..=Limits::MAX_COST).contains(&cost)) => {
                self.fail(
                    key,
                    format!(
                        "must be a cost from 0 to {} per {per}, got {}",
                        shown_number(Limits::MAX_COST),
                        shown_number(cost)
                    ),
                );
                None
            }
            cost => cost,
        }
    }

    /// The index of `name` among `names` (what the scenario defines), or a problem at `key`
    /// naming what exists: the one lookup every section uses.
    pub(crate) fn lookup(
        &mut self,
        key: &str,
        name: &str,
        names: &[&str],
        what: &str,
    ) -> Option<usize> {
        let found = names.iter().position(|known| *known == name);
        if found.is_none() {
            let suggestion = closest_name(name, names.iter().copied())
                .map(|close| format!("did you mean \"{close}\"? "))
                .unwrap_or_default();
            self.fail(
                key,
                format!(
                    "no {what} named \"{name}\"; {suggestion}{what}s are: {}",
                    names.join(", ")
                ),
            );
        }
        found
    }

    /// The indices of every name listed, in order, each found once: an unknown or repeated
    /// name is a problem at `key` (every one is reported).
    pub(crate) fn lookup_all<'a>(
        &mut self,
        key: &str,
        listed: impl IntoIterator<Item = &'a str>,
        names: &[&str],
        what: &str,
    ) -> Option<Vec<usize>> {
        let mut indices = Vec::new();
        let mut ok = true;
        for (position, name) in listed.into_iter().enumerate() {
            let key = &format!("{key}[{position}]");
            match self.lookup(key, name, names, what) {
                Some(idx) if indices.contains(&idx) => {
                    self.fail(key, format!("{what} \"{name}\" is listed twice"));
                    ok = false;
                }
                Some(idx) => indices.push(idx),
                None => ok = false,
            }
        }
        ok.then_some(indices)
    }

    /// Membership flags of the listed names among `names`; absent means all of them.
    pub(crate) fn flags<'a>(
        &mut self,
        key: &str,
        listed: Option<impl IntoIterator<Item = &'a str>>,
        names: &[&str],
        what: &str,
    ) -> Option<Vec<bool>> {
        let Some(listed) = listed else {
            return Some(vec![true; names.len()]);
        };
        let indices = self.lookup_all(key, listed, names, what)?;
        let mut flags = vec![false; names.len()];
        for idx in indices {
            flags[idx] = true;
        }
        Some(flags)
    }
}

/// The name among `candidates` that `written` was most likely meant to be (a slip of a
/// letter or two, a swapped pair, another case), if one is close enough to suggest.
pub(crate) fn closest_name<'a>(
    written: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let written_lower = written.to_lowercase();
    candidates
        .into_iter()
        .map(|candidate| {
            let distance = strsim::damerau_levenshtein(&written_lower, &candidate.to_lowercase());
            (distance, candidate)
        })
        .filter(|(distance, candidate)| {
            let longer = written.chars().count().max(candidate.chars().count());
            *distance <= (longer / 3).max(1)
        })
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// A parser's "unknown field `sla_tagret`, expected one of `sla`, ..." (or "unknown
/// variant"), with the closest expected name suggested; any other message unchanged.
pub(crate) fn with_suggestion(message: &str) -> String {
    let Some(rest) = message
        .strip_prefix("unknown field `")
        .or_else(|| message.strip_prefix("unknown variant `"))
    else {
        return message.to_string();
    };
    let Some((written, expected)) = rest.split_once('`') else {
        return message.to_string();
    };
    let expected_names = expected.split('`').skip(1).step_by(2);
    match closest_name(written, expected_names) {
        Some(close) => format!("{message}; did you mean `{close}`?"),
        None => message.to_string(),
    }
}

/// A number as a message shows it: as written for everyday sizes, in scientific notation
/// for the huge and tiny ones a fuzzer writes (1e300, not 301 digits).
pub(crate) fn shown_number(value: f64) -> String {
    let magnitude = value.abs();
    if value.is_finite() && magnitude != 0.0 && !(1e-4..1e9).contains(&magnitude) {
        format!("{value:e}")
    } else {
        format!("{value}")
    }
}

/// A sum of values a user wrote, as they would write it: to nine significant places, so
/// 0.55 + 0.55 reads 1.1, not 1.1000000000000001.
pub(crate) fn shown_sum(sum: f64) -> String {
    if sum == 0.0 || !sum.is_finite() {
        return shown_number(sum);
    }
    let digits = 9 - sum.abs().log10().floor() as i32 - 1;
    let scale = 10f64.powi(digits.max(0));
    shown_number((sum * scale).round() / scale)
}

/// Names as string slices, for `lookup`.
pub(crate) fn names_of(names: &[String]) -> Vec<&str> {
    names.iter().map(String::as_str).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_are_shown_as_written() {
        assert_eq!(shown_sum(0.55 + 0.55), "1.1");
        assert_eq!(shown_sum(0.35 + 0.35 + 0.35), "1.05");
        assert_eq!(shown_sum(0.1429 * 7.0), "1.0003");
        assert_eq!(shown_sum(0.0), "0");
        assert_eq!(shown_sum(1234.5), "1234.5");
        assert_eq!(shown_sum(1e12), "1e12");
    }

    #[test]
    fn near_misses_are_suggested_and_strangers_are_not() {
        let names = ["chat", "email", "phone", "social_dm"];
        assert_eq!(closest_name("chta", names), Some("chat"));
        assert_eq!(closest_name("Email", names), Some("email"));
        assert_eq!(closest_name("social_dms", names), Some("social_dm"));
        assert_eq!(closest_name("fax", names), None);
        assert_eq!(
            with_suggestion("unknown field `sla_tagret`, expected one of `sla`, `sla_target`"),
            "unknown field `sla_tagret`, expected one of `sla`, `sla_target`; did you mean `sla_target`?"
        );
        assert_eq!(
            with_suggestion("unknown variant `fifo`, expected `longest_idle`"),
            "unknown variant `fifo`, expected `longest_idle`"
        );
        assert_eq!(with_suggestion("invalid type"), "invalid type");
    }

    #[test]
    fn one_lookup_for_every_name() {
        let names = ["chat", "email"];
        let mut checker = Checker::default();
        assert_eq!(checker.lookup("k", "email", &names, "channel"), Some(1));
        assert_eq!(
            checker.lookup_all("k", ["email", "chat"], &names, "channel"),
            Some(vec![1, 0])
        );
        assert!(checker.problems.is_empty());
        assert_eq!(
            checker.lookup_all("k", ["chat", "sms", "chat"], &names, "channel"),
            None
        );
        let reasons: Vec<&str> = checker.problems.iter().map(|p| p.reason.as_str()).collect();
        assert_eq!(
            reasons,
            [
                "no channel named \"sms\"; channels are: chat, email",
                "channel \"chat\" is listed twice"
            ]
        );
        assert_eq!(
            Checker::default().flags("k", None::<[&str; 0]>, &names, "channel"),
            Some(vec![true, true])
        );
    }
}
