//! Estimates across replications: a mean and a Student-t confidence half-width, with the t
//! quantile from statrs.

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, StudentsT};

/// A metric over replications: its mean and 95% confidence half-width. Replications where
/// the metric is undefined (a ratio with no denominator) are left out and `n` says how many
/// counted; `ci95` is absent with fewer than two.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
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

/// The `probability` quantile of Student's t with `degrees_of_freedom`.
pub fn student_t_quantile(degrees_of_freedom: usize, probability: f64) -> f64 {
    StudentsT::new(0.0, 1.0, degrees_of_freedom as f64)
        .expect("degrees of freedom >= 1")
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
    fn estimate_of_known_values() {
        let estimate = Estimate::from_values([1.0, 2.0, 3.0, f64::NAN]);
        assert_eq!(estimate.n, 3);
        assert_eq!(estimate.mean, Some(2.0));
        // s = 1, t(2, 0.975) = 4.303, half-width = 4.303 / sqrt(3).
        assert!((estimate.ci95.unwrap() - 4.303 / 3f64.sqrt()).abs() < 1e-3);
        assert_eq!(Estimate::from_values([5.0]).ci95, None);
        assert_eq!(Estimate::from_values([]).mean, None);
    }
}
