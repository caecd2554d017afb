//! Handle-time distributions from recorded durations: lognormal and gamma fitted by maximum
//! likelihood (the gamma shape solved from ln k - digamma(k) = ln mean - mean ln x), each
//! with its mean and coefficient of variation and their 95% intervals, its log-likelihood and
//! its Kolmogorov-Smirnov distance from the data; the better-fitting one is used when its
//! distance passes the KS test at 5% (1.36 / sqrt(n)), else the empirical distribution (as
//! 200 quantiles).

use statrs::distribution::{Continuous, ContinuousCDF, Gamma, LogNormal};
use statrs::function::gamma::digamma;

/// Quantiles written for an empirical distribution.
pub const EMPIRICAL_QUANTILES: usize = 200;

/// z for a two-sided 95% interval.
const Z95: f64 = 1.959_963_984_540_054;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    LogNormal,
    Gamma,
}

/// One parametric family fitted to the durations.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DistributionFit {
    pub family: Family,
    pub mean_seconds: f64,
    /// 95% interval of the mean.
    pub mean_ci: (f64, f64),
    pub cv: f64,
    pub cv_ci: (f64, f64),
    pub log_likelihood: f64,
    /// Largest gap between the fitted and the observed distribution function.
    pub ks_distance: f64,
    /// The family's own parameters: (mu, sigma) of the log, or (shape, rate).
    pub parameters: (f64, f64),
}

impl DistributionFit {
    /// P(duration <= seconds) under the fit.
    pub fn cdf(&self, seconds: f64) -> f64 {
        let (a, b) = self.parameters;
        match self.family {
            Family::LogNormal => LogNormal::new(a, b).map_or(f64::NAN, |d| d.cdf(seconds)),
            Family::Gamma => Gamma::new(a, b).map_or(f64::NAN, |d| d.cdf(seconds)),
        }
    }
}

/// What is written into the scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DurationChoice {
    LogNormal,
    Gamma,
    Empirical,
}

/// Both fits, the test, and the choice.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DurationFit {
    /// Positive durations fitted.
    pub n: usize,
    /// Durations of zero, left out (a lognormal or gamma has none).
    pub zeros_left_out: usize,
    pub sample_mean_seconds: f64,
    pub sample_cv: f64,
    pub lognormal: DistributionFit,
    pub gamma: DistributionFit,
    /// The KS distance a fit must stay under (5% level).
    pub ks_critical: f64,
    pub choice: DurationChoice,
    /// Equal-probability quantiles of the data (midpoints of 200 bins), in seconds.
    #[serde(skip)]
    pub empirical_quantiles: Vec<f64>,
    /// The sorted positive durations, for the chart's observed distribution.
    #[serde(skip)]
    pub sorted: Vec<f64>,
}

/// Fits `durations` (seconds); `None` with fewer than two positive values or no spread.
pub fn fit_durations(durations: &[f64]) -> Option<DurationFit> {
    let mut sorted: Vec<f64> = durations
        .iter()
        .copied()
        .filter(|d| d.is_finite() && *d > 0.0)
        .collect();
    let zeros_left_out = durations.len() - sorted.len();
    let n = sorted.len();
    if n < 2 {
        return None;
    }
    sorted.sort_by(f64::total_cmp);
    let count = n as f64;
    let mean = sorted.iter().sum::<f64>() / count;
    let variance = sorted.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / (count - 1.0);
    if variance <= 0.0 {
        return None;
    }
    let logs: Vec<f64> = sorted.iter().map(|d| d.ln()).collect();
    let mean_log = logs.iter().sum::<f64>() / count;
    let lognormal = fit_lognormal(&sorted, &logs, mean_log);
    let gamma = fit_gamma(&sorted, mean, mean_log);
    let ks_critical = 1.36 / count.sqrt();
    let better = if lognormal.log_likelihood >= gamma.log_likelihood {
        &lognormal
    } else {
        &gamma
    };
    let choice = match (better.ks_distance <= ks_critical, better.family) {
        (false, _) => DurationChoice::Empirical,
        (true, Family::LogNormal) => DurationChoice::LogNormal,
        (true, Family::Gamma) => DurationChoice::Gamma,
    };
    let empirical_quantiles = (0..EMPIRICAL_QUANTILES)
        .map(|i| {
            let p = (i as f64 + 0.5) / EMPIRICAL_QUANTILES as f64;
            sorted[((p * count) as usize).min(n - 1)]
        })
        .collect();
    Some(DurationFit {
        n,
        zeros_left_out,
        sample_mean_seconds: mean,
        sample_cv: variance.sqrt() / mean,
        lognormal,
        gamma,
        ks_critical,
        choice,
        empirical_quantiles,
        sorted,
    })
}

fn fit_lognormal(sorted: &[f64], logs: &[f64], mu: f64) -> DistributionFit {
    let n = sorted.len() as f64;
    let sigma2 = logs.iter().map(|l| (l - mu).powi(2)).sum::<f64>() / n;
    let sigma = sigma2.sqrt();
    let distribution = LogNormal::new(mu, sigma).expect("a positive sigma");
    // The mean is exp(mu + sigma^2 / 2); by the delta method its log has variance
    // sigma^2 / n + sigma^4 / (2n). The CV depends on sigma^2 alone, whose MLE has
    // variance 2 sigma^4 / n.
    let log_mean = mu + sigma2 / 2.0;
    let se_log_mean = (sigma2 / n + sigma2 * sigma2 / (2.0 * n)).sqrt();
    let se_sigma2 = sigma2 * (2.0 / n).sqrt();
    let cv_of = |s2: f64| (s2.max(0.0).exp() - 1.0).sqrt();
    DistributionFit {
        family: Family::LogNormal,
        mean_seconds: log_mean.exp(),
        mean_ci: (
            (log_mean - Z95 * se_log_mean).exp(),
            (log_mean + Z95 * se_log_mean).exp(),
        ),
        cv: cv_of(sigma2),
        cv_ci: (
            cv_of(sigma2 - Z95 * se_sigma2),
            cv_of(sigma2 + Z95 * se_sigma2),
        ),
        log_likelihood: sorted.iter().map(|&x| distribution.ln_pdf(x)).sum(),
        ks_distance: ks_distance(sorted, |x| distribution.cdf(x)),
        parameters: (mu, sigma),
    }
}

fn fit_gamma(sorted: &[f64], mean: f64, mean_log: f64) -> DistributionFit {
    let n = sorted.len() as f64;
    // ln k - digamma(k) decreases from +inf to 0: bisect for the value s (> 0 by Jensen).
    let s = (mean.ln() - mean_log).max(1e-12);
    let (mut low, mut high) = (1e-6_f64, 1e9_f64);
    for _ in 0..200 {
        let middle = (low * high).sqrt();
        if middle.ln() - digamma(middle) > s {
            low = middle;
        } else {
            high = middle;
        }
    }
    let shape = (low * high).sqrt();
    let rate = shape / mean;
    let distribution = Gamma::new(shape, rate).expect("a positive shape and rate");
    // The mean's MLE is the sample mean, with standard error mean * cv / sqrt(n); the CV is
    // 1 / sqrt(k), and k's MLE has variance 1 / (n (trigamma(k) - 1 / k)), the trigamma
    // taken from digamma's slope.
    let cv = 1.0 / shape.sqrt();
    let se_mean = mean * cv / n.sqrt();
    let step = 1e-5 * shape;
    let trigamma = (digamma(shape + step) - digamma(shape - step)) / (2.0 * step);
    let se_shape = (1.0 / (n * (trigamma - 1.0 / shape))).sqrt();
    let cv_of = |k: f64| 1.0 / k.max(f64::MIN_POSITIVE).sqrt();
    DistributionFit {
        family: Family::Gamma,
        mean_seconds: mean,
        mean_ci: (mean - Z95 * se_mean, mean + Z95 * se_mean),
        cv,
        cv_ci: (cv_of(shape + Z95 * se_shape), cv_of(shape - Z95 * se_shape)),
        log_likelihood: sorted.iter().map(|&x| distribution.ln_pdf(x)).sum(),
        ks_distance: ks_distance(sorted, |x| distribution.cdf(x)),
        parameters: (shape, rate),
    }
}

/// The Kolmogorov-Smirnov distance between the sorted sample's step function and `cdf`.
fn ks_distance(sorted: &[f64], cdf: impl Fn(f64) -> f64) -> f64 {
    let n = sorted.len() as f64;
    sorted
        .iter()
        .enumerate()
        .map(|(i, &x)| {
            let fitted = cdf(x);
            (fitted - i as f64 / n).max((i as f64 + 1.0) / n - fitted)
        })
        .fold(0.0, f64::max)
}

/// Services an interval needs before its own mean handle time is trusted for the profile.
pub const PROFILE_MIN_SERVICES: usize = 20;

/// Handle time by time of day: for each of `slots` intervals of the week, the mean handle
/// time of the services that arrived in it over the mean of all (1 where fewer than 20
/// arrived); `None` when no interval differs from the mean by 10% or more, so the
/// scenario keeps one distribution.
pub fn handle_time_profile(samples: &[(usize, f64)], slots: usize) -> Option<Vec<f64>> {
    let positive: Vec<&(usize, f64)> = samples.iter().filter(|(_, h)| *h > 0.0).collect();
    if positive.is_empty() {
        return None;
    }
    let mean = positive.iter().map(|(_, h)| h).sum::<f64>() / positive.len() as f64;
    let mut sums = vec![(0usize, 0.0); slots];
    for (slot, handle) in positive {
        sums[*slot % slots].0 += 1;
        sums[*slot % slots].1 += handle;
    }
    let factors: Vec<f64> = sums
        .iter()
        .map(|(count, sum)| {
            if *count >= PROFILE_MIN_SERVICES {
                sum / *count as f64 / mean
            } else {
                1.0
            }
        })
        .collect();
    factors
        .iter()
        .any(|f| (f - 1.0).abs() >= 0.1)
        .then_some(factors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn sample(distribution: impl rand_distr::Distribution<f64>, n: usize) -> Vec<f64> {
        let mut rng = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(7);
        (0..n).map(|_| distribution.sample(&mut rng)).collect()
    }

    #[test]
    fn a_lognormal_sample_is_fitted_as_lognormal_within_its_intervals() {
        // Mean 300 s, CV 0.8: sigma^2 = ln(1 + 0.64).
        let sigma2: f64 = (1.0f64 + 0.64).ln();
        let mu = 300f64.ln() - sigma2 / 2.0;
        let data = sample(rand_distr::LogNormal::new(mu, sigma2.sqrt()).unwrap(), 5000);
        let fit = fit_durations(&data).unwrap();
        assert_eq!(fit.choice, DurationChoice::LogNormal, "{fit:#?}");
        let l = &fit.lognormal;
        assert!(l.mean_ci.0 < 300.0 && 300.0 < l.mean_ci.1, "{l:?}");
        assert!(l.cv_ci.0 < 0.8 && 0.8 < l.cv_ci.1, "{l:?}");
        assert!(fit.gamma.ks_distance > l.ks_distance);
    }

    #[test]
    fn a_gamma_sample_is_fitted_as_gamma_within_its_intervals() {
        // Shape 4 (CV 0.5), mean 120 s.
        let data = sample(rand_distr::Gamma::new(4.0, 30.0).unwrap(), 5000);
        let fit = fit_durations(&data).unwrap();
        assert_eq!(fit.choice, DurationChoice::Gamma, "{fit:#?}");
        let g = &fit.gamma;
        assert!(g.mean_ci.0 < 120.0 && 120.0 < g.mean_ci.1, "{g:?}");
        assert!(g.cv_ci.0 < 0.5 && 0.5 < g.cv_ci.1, "{g:?}");
    }

    #[test]
    fn a_two_humped_sample_fits_neither_and_is_kept_empirical() {
        let mut data = sample(rand_distr::Normal::new(60.0, 5.0).unwrap(), 3000);
        data.extend(sample(rand_distr::Normal::new(600.0, 30.0).unwrap(), 3000));
        let fit = fit_durations(&data).unwrap();
        assert_eq!(fit.choice, DurationChoice::Empirical, "{fit:#?}");
        assert_eq!(fit.empirical_quantiles.len(), EMPIRICAL_QUANTILES);
        assert!(fit.empirical_quantiles[50] < 80.0 && fit.empirical_quantiles[150] > 500.0);
    }

    #[test]
    fn a_profile_is_kept_only_where_handle_times_differ_by_the_hour() {
        // Slot 0: 30 services of 60 s; slot 1: 30 of 120 s; slot 2: 5 of 600 s (too few).
        let mut samples = vec![(0, 60.0); 30];
        samples.extend([(1, 120.0); 30]);
        samples.extend([(2, 600.0); 5]);
        let mean = (30.0 * 60.0 + 30.0 * 120.0 + 5.0 * 600.0) / 65.0;
        let profile = handle_time_profile(&samples, 3).unwrap();
        assert!((profile[0] - 60.0 / mean).abs() < 1e-12);
        assert!((profile[1] - 120.0 / mean).abs() < 1e-12);
        assert_eq!(profile[2], 1.0);
        assert!(handle_time_profile(&[(0, 60.0), (1, 62.0)], 2).is_none());
    }

    #[test]
    fn zeros_are_left_out_and_too_little_data_gives_nothing() {
        let fit = fit_durations(&[0.0, 10.0, 20.0, 0.0, 30.0]).unwrap();
        assert_eq!((fit.n, fit.zeros_left_out), (3, 2));
        assert!(fit_durations(&[5.0]).is_none());
        assert!(fit_durations(&[5.0, 5.0, 5.0]).is_none());
    }
}
