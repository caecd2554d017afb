//! Sampling of the scenario's duration distributions. `Sampler` is built once per channel
//! per replication from a validated `Distribution`; drawing from it allocates nothing.

use rand::Rng;
use rand::distr::Uniform;
use rand::distr::weighted::WeightedIndex;
use rand_distr::{Distribution as _, Exp, Gamma, LogNormal};

use crate::scenario::{AttributeMix, Distribution};

#[derive(Debug, Clone)]
pub enum Sampler {
    Exponential(Exp<f64>),
    LogNormal(LogNormal<f64>),
    Gamma(Gamma<f64>),
    Fixed(f64),
    Empirical {
        values: Vec<f64>,
        index: Uniform<usize>,
    },
}

impl Sampler {
    /// Builds the sampler. The parameters were validated (positive mean and cv, non-empty
    /// values), so construction cannot fail.
    pub fn new(distribution: &Distribution) -> Sampler {
        match distribution {
            Distribution::Exponential { mean } => {
                Sampler::Exponential(Exp::new(1.0 / mean).expect("validated positive mean"))
            }
            Distribution::LogNormal { mean, cv } => Sampler::LogNormal(
                LogNormal::from_mean_cv(*mean, *cv).expect("validated positive mean and cv"),
            ),
            Distribution::Gamma { mean, cv } => {
                let shape = 1.0 / (cv * cv);
                Sampler::Gamma(
                    Gamma::new(shape, mean / shape).expect("validated positive mean and cv"),
                )
            }
            Distribution::Fixed { value } => Sampler::Fixed(*value),
            Distribution::Empirical { values } => Sampler::Empirical {
                values: values.clone(),
                index: Uniform::new(0, values.len()).expect("validated non-empty values"),
            },
        }
    }

    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Sampler::Exponential(exp) => exp.sample(rng),
            Sampler::LogNormal(lognormal) => lognormal.sample(rng),
            Sampler::Gamma(gamma) => gamma.sample(rng),
            Sampler::Fixed(value) => *value,
            Sampler::Empirical { values, index } => values[index.sample(rng)],
        }
    }
}

/// One attribute of a new contact: its only possible value, or a draw by the shares.
#[derive(Debug, Clone)]
enum AttributeChoice {
    Only(usize),
    Weighted(WeightedIndex<f64>),
}

impl AttributeChoice {
    fn new(shares: &[f64]) -> AttributeChoice {
        let nonzero = shares.iter().filter(|share| **share > 0.0).count();
        if nonzero > 1 {
            AttributeChoice::Weighted(WeightedIndex::new(shares).expect("validated shares"))
        } else {
            AttributeChoice::Only(shares.iter().position(|share| *share > 0.0).unwrap_or(0))
        }
    }

    #[inline]
    fn draw<R: Rng + ?Sized>(&self, rng: &mut R) -> usize {
        match self {
            AttributeChoice::Only(value) => *value,
            AttributeChoice::Weighted(choice) => choice.sample(rng),
        }
    }
}

/// A channel's attribute mix, ready to draw from (no draw for an attribute with one value).
#[derive(Debug, Clone)]
pub struct AttributeDraws {
    issue_type: AttributeChoice,
    segment: AttributeChoice,
    language: AttributeChoice,
    urgency: AttributeChoice,
}

impl AttributeDraws {
    pub fn new(mix: &AttributeMix) -> AttributeDraws {
        AttributeDraws {
            issue_type: AttributeChoice::new(&mix.issue_type_shares),
            segment: AttributeChoice::new(&mix.segment_shares),
            language: AttributeChoice::new(&mix.language_shares),
            urgency: AttributeChoice::new(&mix.urgency_shares),
        }
    }

    /// [issue type, segment, language, urgency] indices, drawn in that order.
    #[inline]
    pub fn draw<R: Rng + ?Sized>(&self, rng: &mut R) -> [usize; 4] {
        [
            self.issue_type.draw(rng),
            self.segment.draw(rng),
            self.language.draw(rng),
            self.urgency.draw(rng),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rng::{StreamPurpose, stream};

    #[track_caller]
    fn check(distribution: Distribution) {
        let sampler = Sampler::new(&distribution);
        let mut rng = stream(1, 0, StreamPurpose::HandleTime { channel: "test" });
        let n = 200_000;
        let draws: Vec<f64> = (0..n).map(|_| sampler.sample(&mut rng)).collect();
        let mean = draws.iter().sum::<f64>() / n as f64;
        let variance = draws.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        // 4 standard errors: a correct sampler fails this about once in 15,000 seeds.
        let tolerance = 4.0 * (variance / n as f64).sqrt();
        assert!(draws.iter().all(|d| *d >= 0.0), "{distribution:?}");
        assert!(
            (mean - distribution.mean()).abs() <= tolerance.max(1e-12),
            "{distribution:?}: sample mean {mean}, expected {} +- {tolerance}",
            distribution.mean()
        );
    }

    #[test]
    fn sample_means_match_distribution_means() {
        check(Distribution::Exponential { mean: 300.0 });
        check(Distribution::LogNormal {
            mean: 480.0,
            cv: 0.7,
        });
        check(Distribution::Gamma {
            mean: 120.0,
            cv: 0.5,
        });
        check(Distribution::Fixed { value: 60.0 });
        check(Distribution::Empirical {
            values: vec![30.0, 60.0, 600.0],
        });
    }
}

#[cfg(test)]
mod limits {
    use super::*;
    use crate::engine::rng::{StreamPurpose, stream};
    use crate::scenario::Limits;

    /// Every distribution validation lets through builds and draws finite, non-negative
    /// durations, at the corners of the allowed CVs and of the durations a scenario can
    /// write (a nanosecond to the largest `humantime` value). A CV of 1e200 used to panic here.
    #[test]
    fn samplers_build_at_the_validated_limits() {
        let (low_cv, high_cv) = Limits::CV_RANGE;
        let mut rng = stream(1, 0, StreamPurpose::HandleTime { channel: "limits" });
        for mean in [1e-9, 1.0, 3.0e7, 1.8e19] {
            for cv in [low_cv, 1.0, high_cv] {
                for distribution in [
                    Distribution::LogNormal { mean, cv },
                    Distribution::Gamma { mean, cv },
                    Distribution::Exponential { mean },
                ] {
                    let sampler = Sampler::new(&distribution);
                    for _ in 0..1_000 {
                        let draw = sampler.sample(&mut rng);
                        assert!(draw.is_finite() && draw >= 0.0, "{distribution:?}: {draw}");
                    }
                }
            }
        }
    }
}
