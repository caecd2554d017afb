//! What a comparison concludes about one metric: the paired difference (candidate − base,
//! replication by replication, Student t), Welch's unpaired one beside it, the gain from
//! pairing, and the `Verdict` from the paired interval and the direction that is better for
//! the metric. Pure functions of per-replication values, so every boundary can be tested.

use serde::Serialize;

use super::CONFIDENCE;
use crate::metric::{Better, Metric};
use crate::stats::{Estimate, WelchDifference};

/// What the paired interval says about candidate − base.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Significantly better, in the metric's better direction.
    Better,
    Worse,
    /// Significantly higher, for a metric where neither direction is better (occupancy).
    Higher,
    Lower,
    /// The interval includes zero (or too few replications give no interval).
    NoSignificantDifference,
    /// Every replication gave the same value in both: the change did not touch it.
    Same,
    /// No replication where the metric is defined in both (no contacts to take a ratio over).
    Undefined,
}

impl Verdict {
    pub fn words(self) -> &'static str {
        match self {
            Verdict::Better => "better",
            Verdict::Worse => "worse",
            Verdict::Higher => "higher",
            Verdict::Lower => "lower",
            Verdict::NoSignificantDifference => "no significant difference",
            Verdict::Same => "same",
            Verdict::Undefined => "undefined",
        }
    }

    /// Whether more replications could change it.
    pub fn is_decided(self) -> bool {
        self != Verdict::NoSignificantDifference
    }
}

/// The verdict on a paired difference (candidate − base) for a metric whose better
/// direction is `better`. The interval must exclude zero: touching it is not significant.
pub fn verdict(better: Better, paired: &Estimate) -> Verdict {
    let Some(mean) = paired.mean else {
        return Verdict::Undefined;
    };
    if mean == 0.0 && paired.ci95.unwrap_or(0.0) == 0.0 {
        return Verdict::Same;
    }
    let Some(half_width) = paired.ci95 else {
        return Verdict::NoSignificantDifference;
    };
    let higher = if mean - half_width > 0.0 {
        true
    } else if mean + half_width < 0.0 {
        false
    } else {
        return Verdict::NoSignificantDifference;
    };
    match (better, higher) {
        (Better::Higher, true) | (Better::Lower, false) => Verdict::Better,
        (Better::Higher, false) | (Better::Lower, true) => Verdict::Worse,
        (Better::Neither, true) => Verdict::Higher,
        (Better::Neither, false) => Verdict::Lower,
    }
}

/// One metric of one channel or group, base against candidate.
#[derive(Debug, Clone, Serialize)]
pub struct MetricComparison {
    pub metric: Metric,
    /// Which direction is better: "higher", "lower" or "neither".
    pub better: Better,
    pub base: Estimate,
    pub candidate: Estimate,
    /// Candidate − base replication by replication: mean, 95% half-width, and `n`, the
    /// replications where the metric is defined in both.
    pub paired: Estimate,
    /// Candidate − base as if the runs were independent (Welch).
    pub unpaired: WelchDifference,
    /// Unpaired half-width over paired half-width: how many times narrower pairing made the
    /// interval (absent when the paired interval has zero width or either is undefined).
    pub pairing_gain: Option<f64>,
    pub verdict: Verdict,
}

impl MetricComparison {
    /// The comparison of `metric` from each side's per-replication values (equally long,
    /// replication by replication).
    pub fn from_values(metric: Metric, base: &[f64], candidate: &[f64]) -> MetricComparison {
        let differences = base.iter().zip(candidate).map(|(b, c)| c - b);
        let paired = Estimate::with_confidence(differences, CONFIDENCE);
        let unpaired = WelchDifference::from_values(base, candidate, CONFIDENCE);
        let pairing_gain = match (paired.ci95, unpaired.ci95) {
            (Some(paired), Some(unpaired)) if paired > 0.0 => Some(unpaired / paired),
            _ => None,
        };
        MetricComparison {
            metric,
            better: metric.better(),
            base: Estimate::with_confidence(base.iter().copied(), CONFIDENCE),
            candidate: Estimate::with_confidence(candidate.iter().copied(), CONFIDENCE),
            paired,
            unpaired,
            pairing_gain,
            verdict: verdict(metric.better(), &paired),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(better: Better, mean: Option<f64>, ci95: Option<f64>, want: Verdict) {
        let paired = Estimate { mean, ci95, n: 10 };
        assert_eq!(
            verdict(better, &paired),
            want,
            "{better:?} {mean:?} ± {ci95:?}"
        );
    }

    #[test]
    fn verdicts_at_their_boundaries() {
        use Better::{Higher, Lower, Neither};
        // The interval must exclude zero: touching it is not enough.
        check(
            Higher,
            Some(0.5),
            Some(0.5),
            Verdict::NoSignificantDifference,
        );
        check(Higher, Some(0.5), Some(0.499_999), Verdict::Better);
        check(Higher, Some(-0.5), Some(0.499_999), Verdict::Worse);
        check(
            Higher,
            Some(-0.5),
            Some(0.5),
            Verdict::NoSignificantDifference,
        );
        check(Lower, Some(0.5), Some(0.499_999), Verdict::Worse);
        check(Lower, Some(-0.5), Some(0.499_999), Verdict::Better);
        check(Neither, Some(0.5), Some(0.1), Verdict::Higher);
        check(Neither, Some(-0.5), Some(0.1), Verdict::Lower);
        check(
            Neither,
            Some(0.05),
            Some(0.1),
            Verdict::NoSignificantDifference,
        );
        // Identical in every replication (a zero mean with a zero width), and one pair equal.
        check(Higher, Some(0.0), Some(0.0), Verdict::Same);
        check(Lower, Some(0.0), None, Verdict::Same);
        // A constant non-zero difference is as significant as it gets.
        check(Lower, Some(2.0), Some(0.0), Verdict::Worse);
        // One pair that differs gives no interval; no pair gives nothing.
        check(Higher, Some(0.3), None, Verdict::NoSignificantDifference);
        check(Higher, None, None, Verdict::Undefined);
        assert!(!Verdict::NoSignificantDifference.is_decided());
        assert!(Verdict::Undefined.is_decided() && Verdict::Same.is_decided());
    }

    #[test]
    fn a_comparison_pairs_replications_and_drops_undefined_ones() {
        // Replication 2 is undefined in the candidate: the pairs are (1, 2) and (3, 5).
        let comparison = MetricComparison::from_values(
            Metric::AsaSeconds,
            &[1.0, 9.0, 3.0],
            &[2.0, f64::NAN, 5.0],
        );
        assert_eq!(comparison.paired.n, 2);
        assert_eq!(comparison.paired.mean, Some(1.5));
        assert_eq!(comparison.base.n, 3);
        assert_eq!(comparison.candidate.n, 2);
        // Welch over all defined values: 3.5 - 13/3.
        let unpaired = comparison.unpaired.mean.unwrap();
        assert!((unpaired - (3.5 - 13.0 / 3.0)).abs() < 1e-12);
        assert_eq!(comparison.better, Better::Lower);
    }
}
