//! Estimates across replications: a mean and a Student-t confidence half-width, with the t
//! quantile from statrs.

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, StudentsT};

/// A metric over replications: its mean and 95% confidence half-width. Replications where
/// the metric is undefined (a ratio with no denominator) are left out and `n` says how many
/// counted; `ci95` is absent with fewer than two.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, serde::Deserialize)]
pub struct Estimate {
    /// Mean over the replications where the metric is defined; absent when none is.
    pub mean: Option<f64>,
    /// Half-width of the 95% Student-t confidence interval for the mean.
    pub ci95: Option<f64>,
    /// Replications that contributed.
    pub n: u32,
}

impl Estimate {
    /// The estimate from one value per replication; non-finite values are left out.
    pub fn from_values(values: impl IntoIterator<Item = f64>) -> Estimate {
        Estimate::with_confidence(values, 0.95)
    }

    /// As `from_values`, at another confidence level (tests use a wider one when they make
    /// many comparisons). The `ci95` field then holds that level's half-width.
    pub fn with_confidence(values: impl IntoIterator<Item = f64>, confidence: f64) -> Estimate {
        let values: Vec<f64> = values.into_iter().filter(|v| v.is_finite()).collect();
        let n = values.len();
        if n == 0 {
            return Estimate {
                mean: None,
                ci95: None,
                n: 0,
            };
        }
        let mean = values.iter().sum::<f64>() / n as f64;
        let ci95 = (n >= 2).then(|| {
            let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
            student_t_quantile(n - 1, 0.5 + confidence / 2.0) * (variance / n as f64).sqrt()
        });
        Estimate {
            mean: Some(mean),
            ci95,
            n: n as u32,
        }
    }

    pub fn mean_or_nan(&self) -> f64 {
        self.mean.unwrap_or(f64::NAN)
    }

    pub fn half_width_or_nan(&self) -> f64 {
        self.ci95.unwrap_or(f64::NAN)
    }
}

/// An `Estimate` built one value at a time, in order, without keeping the values: what the
/// interval rows of a long run use, since keeping every replication's value of every
/// interval would grow with replications. `sum` starts at `RUNNING_SUM_START` and is added
/// to in order, so the mean is the same bits as `Estimate::from_values` of the same values;
/// the squared deviations use Welford's update, so the half-width agrees with the two-pass
/// one to rounding (about 1e-15 relative), not to the bit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunningEstimate {
    pub sum: f64,
    pub squared_deviations: f64,
    pub n: u32,
}

/// The sum of no values, as `Iterator::sum` gives it (negative zero).
pub const RUNNING_SUM_START: f64 = -0.0;

impl Default for RunningEstimate {
    fn default() -> RunningEstimate {
        RunningEstimate {
            sum: RUNNING_SUM_START,
            squared_deviations: 0.0,
            n: 0,
        }
    }
}

impl RunningEstimate {
    /// Adds one replication's value; a non-finite one is left out, as `from_values` does.
    #[inline]
    pub fn add(&mut self, value: f64) {
        if !value.is_finite() {
            return;
        }
        if self.n == 0 {
            self.n = 1;
            self.sum += value;
            return;
        }
        let mean_before = self.sum / f64::from(self.n);
        self.n += 1;
        self.sum += value;
        let mean_after = self.sum / f64::from(self.n);
        self.squared_deviations += (value - mean_before) * (value - mean_after);
    }

    /// The estimate at `confidence` (0.95 for the `ci95` of every report).
    pub fn estimate(&self, confidence: f64) -> Estimate {
        let n = self.n as usize;
        if n == 0 {
            return Estimate {
                mean: None,
                ci95: None,
                n: 0,
            };
        }
        let mean = self.sum / n as f64;
        let ci95 = (n >= 2).then(|| {
            let variance = self.squared_deviations.max(0.0) / (n - 1) as f64;
            student_t_quantile(n - 1, 0.5 + confidence / 2.0) * (variance / n as f64).sqrt()
        });
        Estimate {
            mean: Some(mean),
            ci95,
            n: self.n,
        }
    }
}

/// A ratio pooled over replications, sum(numerator) / sum(denominator), with a Student-t
/// half-width from the delta method. Suits per-interval rates where many replications see
/// only a handful of contacts (a mean of per-replication ratios would drop the empty ones and
/// weigh a replication with one contact like one with fifty).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PooledRatio {
    /// Absent when every denominator is zero.
    pub value: Option<f64>,
    /// Half-width of the two-sided interval at the confidence it was computed with; absent
    /// with fewer than two replications or no denominator.
    pub half_width: Option<f64>,
    /// Sum of the denominators (contacts the ratio is over).
    pub denominator: f64,
}

impl PooledRatio {
    /// From (numerator, denominator) pairs, one per replication.
    pub fn from_pairs(pairs: &[(f64, f64)], confidence: f64) -> PooledRatio {
        let n = pairs.len();
        let numerator: f64 = pairs.iter().map(|p| p.0).sum();
        let denominator: f64 = pairs.iter().map(|p| p.1).sum();
        if denominator <= 0.0 {
            return PooledRatio {
                value: None,
                half_width: None,
                denominator,
            };
        }
        let ratio = numerator / denominator;
        let half_width = (n >= 2).then(|| {
            let mean_denominator = denominator / n as f64;
            let residual_variance = pairs
                .iter()
                .map(|(x, y)| (x - ratio * y).powi(2))
                .sum::<f64>()
                / (n - 1) as f64;
            let standard_error = (residual_variance / n as f64).sqrt() / mean_denominator;
            student_t_quantile(n - 1, 0.5 + confidence / 2.0) * standard_error
        });
        PooledRatio {
            value: Some(ratio),
            half_width,
            denominator,
        }
    }
}

/// The difference of two independent means (candidate − base) with Welch's interval: what
/// two runs on unrelated random numbers can say, beside the paired interval of the same runs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct WelchDifference {
    /// Absent unless both samples have a defined value.
    pub mean: Option<f64>,
    /// Half-width of the interval at the confidence it was computed with; absent unless both
    /// samples have two or more values.
    pub ci95: Option<f64>,
    /// Welch-Satterthwaite degrees of freedom (absent when both samples are constant).
    pub degrees_of_freedom: Option<f64>,
}

impl WelchDifference {
    /// From each sample's values; non-finite values are left out.
    pub fn from_values(base: &[f64], candidate: &[f64], confidence: f64) -> WelchDifference {
        let finite = |values: &[f64]| -> Vec<f64> {
            values.iter().copied().filter(|v| v.is_finite()).collect()
        };
        let (base, candidate) = (finite(base), finite(candidate));
        let mean_and_variance = |values: &[f64]| {
            let n = values.len() as f64;
            let mean = values.iter().sum::<f64>() / n;
            let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
            (mean, variance / n)
        };
        if base.is_empty() || candidate.is_empty() {
            return WelchDifference {
                mean: None,
                ci95: None,
                degrees_of_freedom: None,
            };
        }
        let (base_mean, base_se2) = mean_and_variance(&base);
        let (candidate_mean, candidate_se2) = mean_and_variance(&candidate);
        let mean = Some(candidate_mean - base_mean);
        if base.len() < 2 || candidate.len() < 2 {
            return WelchDifference {
                mean,
                ci95: None,
                degrees_of_freedom: None,
            };
        }
        let se2 = base_se2 + candidate_se2;
        if se2 <= 0.0 {
            return WelchDifference {
                mean,
                ci95: Some(0.0),
                degrees_of_freedom: None,
            };
        }
        let degrees = se2.powi(2)
            / (base_se2.powi(2) / (base.len() - 1) as f64
                + candidate_se2.powi(2) / (candidate.len() - 1) as f64);
        WelchDifference {
            mean,
            ci95: Some(student_t_quantile_real(degrees, 0.5 + confidence / 2.0) * se2.sqrt()),
            degrees_of_freedom: Some(degrees),
        }
    }
}

/// numerator / denominator per replication; NaN (undefined, so left out of an `Estimate`)
/// without a denominator.
pub fn ratio(numerator: f64, denominator: f64) -> f64 {
    if denominator > 0.0 {
        numerator / denominator
    } else {
        f64::NAN
    }
}

/// The `probability` quantile of Student's t with `degrees_of_freedom`.
///
/// A run asks for the same one or two quantiles (its replication count, 95%) once per
/// estimate, hundreds of thousands of times on a long horizon, and statrs inverts the
/// incomplete beta function each time (11% of a year-long run's time). The answers are
/// kept per thread, keyed exactly, so every figure is the same bits as without the cache.
pub fn student_t_quantile(degrees_of_freedom: usize, probability: f64) -> f64 {
    /// Distinct (degrees, probability) pairs a thread remembers.
    const REMEMBERED: usize = 16;
    thread_local! {
        static KNOWN: std::cell::RefCell<Vec<(usize, u64, f64)>> =
            const { std::cell::RefCell::new(Vec::new()) };
    }
    let key = (degrees_of_freedom, probability.to_bits());
    KNOWN.with(|known| {
        let mut known = known.borrow_mut();
        if let Some(&(_, _, quantile)) = known.iter().find(|(d, p, _)| (*d, *p) == key) {
            return quantile;
        }
        let quantile = student_t_quantile_real(degrees_of_freedom as f64, probability);
        if known.len() == REMEMBERED {
            known.remove(0);
        }
        known.push((key.0, key.1, quantile));
        quantile
    })
}

/// As `student_t_quantile`, for the fractional degrees of freedom of Welch's interval.
pub fn student_t_quantile_real(degrees_of_freedom: f64, probability: f64) -> f64 {
    StudentsT::new(0.0, 1.0, degrees_of_freedom)
        .expect("degrees of freedom > 0")
        .inverse_cdf(probability)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_match_tables() {
        // Standard t-table values.
        assert!((student_t_quantile(9, 0.975) - 2.262).abs() < 1e-3);
        assert!((student_t_quantile(29, 0.975) - 2.045).abs() < 1e-3);
    }

    #[test]
    fn remembered_quantiles_are_the_same_bits() {
        // More pairs than the cache holds, twice over, in two orders.
        for round in 0..2 {
            for degrees in 1..40 {
                let degrees = if round == 0 { degrees } else { 40 - degrees };
                for probability in [0.95, 0.975, 0.995] {
                    assert_eq!(
                        student_t_quantile(degrees, probability).to_bits(),
                        student_t_quantile_real(degrees as f64, probability).to_bits(),
                        "t({degrees}, {probability})"
                    );
                }
            }
        }
    }

    #[test]
    fn running_estimates_agree_with_two_pass_ones() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(3);
        for n in 0..40 {
            let values: Vec<f64> = (0..n)
                .map(|i| match i % 7 {
                    3 => f64::NAN,
                    5 => f64::INFINITY,
                    _ => 1e3 + rng.random::<f64>() * 10.0,
                })
                .collect();
            let two_pass = Estimate::from_values(values.iter().copied());
            let mut running = RunningEstimate::default();
            values.iter().for_each(|v| running.add(*v));
            let running = running.estimate(0.95);
            assert_eq!(running.n, two_pass.n);
            assert_eq!(
                running.mean.map(f64::to_bits),
                two_pass.mean.map(f64::to_bits),
                "the mean is the same bits"
            );
            match (running.ci95, two_pass.ci95) {
                (Some(a), Some(b)) => assert!((a - b).abs() <= 1e-9 * b, "{a} vs {b}"),
                (a, b) => assert_eq!(a, b),
            }
        }
        // Zeros and negative zeros sum as `Iterator::sum` does.
        for values in [[0.0, 0.0], [-0.0, -0.0], [-0.0, 0.0]] {
            let mut running = RunningEstimate::default();
            values.iter().for_each(|v| running.add(*v));
            assert_eq!(
                running.estimate(0.95).mean.map(f64::to_bits),
                Estimate::from_values(values).mean.map(f64::to_bits)
            );
        }
    }

    #[test]
    fn estimate_of_known_values() {
        let estimate = Estimate::from_values([1.0, 2.0, 3.0, f64::NAN]);
        assert_eq!(estimate.n, 3);
        assert_eq!(estimate.mean, Some(2.0));
        // s = 1, t(2, 0.975) = 4.303, half-width = 4.303 / sqrt(3).
        assert!((estimate.ci95.unwrap() - 4.303 / 3f64.sqrt()).abs() < 1e-3);
        assert_eq!(Estimate::from_values([5.0]).ci95, None);
        assert_eq!(Estimate::from_values([]).mean, None);
    }

    #[test]
    fn welch_difference_of_known_values() {
        // base 1, 2, 3 (mean 2, s² 1); candidate 2, 4, 6, 8 (mean 5, s² 20/3).
        let welch = WelchDifference::from_values(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.0, 8.0], 0.95);
        assert_eq!(welch.mean, Some(3.0));
        let (se2_base, se2_candidate) = (1.0 / 3.0, 20.0 / 3.0 / 4.0);
        let se2: f64 = se2_base + se2_candidate;
        let degrees = se2 * se2 / (se2_base * se2_base / 2.0 + se2_candidate * se2_candidate / 3.0);
        assert!((welch.degrees_of_freedom.unwrap() - degrees).abs() < 1e-12);
        // df = 4.03...: between the table's 2.776 (4) and 2.571 (5).
        let half_width = welch.ci95.unwrap();
        assert!(half_width > 2.571 * se2.sqrt() && half_width < 2.776 * se2.sqrt());
        // Constant samples: an exact difference; too few values: no interval.
        let exact = WelchDifference::from_values(&[1.0, 1.0], &[3.0, 3.0, f64::NAN], 0.95);
        assert_eq!((exact.mean, exact.ci95), (Some(2.0), Some(0.0)));
        assert_eq!(
            WelchDifference::from_values(&[1.0], &[2.0, 3.0], 0.95).ci95,
            None
        );
        assert_eq!(
            WelchDifference::from_values(&[], &[2.0, 3.0], 0.95).mean,
            None
        );
    }

    #[test]
    fn pooled_ratio_of_known_values() {
        // Ratios 1/2, 2/4, 3/6: pooled 6/12 = 0.5 and every residual is zero.
        let exact = PooledRatio::from_pairs(&[(1.0, 2.0), (2.0, 4.0), (3.0, 6.0)], 0.95);
        assert_eq!(exact.value, Some(0.5));
        assert_eq!(exact.half_width, Some(0.0));
        assert_eq!(exact.denominator, 12.0);
        // (1, 2) and (3, 2): ratio 1; residuals -1 and 1, variance 2, se = sqrt(2 / 2) / 2.
        let spread = PooledRatio::from_pairs(&[(1.0, 2.0), (3.0, 2.0)], 0.95);
        let want = student_t_quantile(1, 0.975) * 0.5;
        assert!((spread.half_width.unwrap() - want).abs() < 1e-12);
        // A replication with no contacts adds nothing but its weight in n.
        assert_eq!(PooledRatio::from_pairs(&[(0.0, 0.0)], 0.95).value, None);
    }
}
