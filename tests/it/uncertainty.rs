//! Forecast uncertainty (`arrivals.NAME.uncertainty`): a day's volume is Poisson given a
//! gamma busyness factor with mean 1 and CV c, so its variance is mean + c^2 mean^2, channels
//! sharing a factor covary by c^2 times their means, and c = 0 changes nothing. Each check
//! takes its tolerance from the sample's own standard error at 99.9%.

use omnisim::engine::ReplicationResult;
use statrs::distribution::{ContinuousCDF, Normal};

use crate::support::{parse, simulate};

/// Three voice channels for a week of 1-hour intervals: `shared_a` and `shared_b` name the
/// same factor, `own` has its own; 50, 25 and 50 calls an hour (1,200, 600 and 1,200 a day).
fn scenario(cv: &str) -> String {
    let channel = |name: &str, per_hour: u32, shared: &str| {
        format!(
            "[channels.{name}]\nkind = \"voice\"\nsla = {{ within = \"20s\", target = 0.8 }}\nhandle_time = {{ distribution = \"exponential\", mean = \"1m\" }}\n[arrivals.{name}]\nrate_per_hour = {per_hour}\nuncertainty = {{ cv = {cv}{shared} }}\n"
        )
    };
    format!(
        "[simulation]\nhorizon = \"7d\"\ninterval = \"1h\"\nreplications = 80\nseed = 11\n\n{}{}{}\n[groups.agents]\nheadcount = 150\nchannels = [\"shared_a\", \"shared_b\", \"own\"]\n",
        channel("shared_a", 50, ", shared = \"demand\""),
        channel("shared_b", 25, ", shared = \"demand\""),
        channel("own", 50, ""),
    )
}

/// Each day's offered contacts on `channel_idx`, over every replication.
fn daily_volumes(results: &[ReplicationResult], channel_idx: usize) -> Vec<f64> {
    results
        .iter()
        .flat_map(|result| {
            (0..7).map(move |day| {
                (0..24)
                    .map(|hour| result.channel_intervals[(channel_idx, day * 24 + hour)].offered)
                    .sum::<u64>() as f64
            })
        })
        .collect()
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

/// The z of a two-sided 99.9% interval.
fn z999() -> f64 {
    Normal::standard().inverse_cdf(0.9995)
}

/// The sample covariance of `x` and `y` and its standard error (from the spread of the
/// products of deviations).
fn covariance_with_error(x: &[f64], y: &[f64]) -> (f64, f64) {
    let (mx, my) = (mean(x), mean(y));
    let products: Vec<f64> = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).collect();
    let n = products.len() as f64;
    let covariance = products.iter().sum::<f64>() / (n - 1.0);
    let spread = products
        .iter()
        .map(|p| (p - covariance).powi(2))
        .sum::<f64>()
        / (n - 1.0);
    (covariance, (spread / n).sqrt())
}

#[track_caller]
fn check(what: &str, estimate: f64, standard_error: f64, expected: f64) {
    let tolerance = z999() * standard_error;
    assert!(
        (estimate - expected).abs() <= tolerance,
        "{what}: {estimate:.1} ± {tolerance:.1} (99.9%), expected {expected:.1}"
    );
}

#[test]
fn daily_volume_is_poisson_gamma_and_shared_factors_covary() {
    let cv = 0.2;
    let (_, results) = simulate(&parse(&scenario(&cv.to_string())), None);
    let volumes: Vec<Vec<f64>> = (0..3).map(|c| daily_volumes(&results, c)).collect();
    for (channel_idx, forecast) in [(0, 1200.0), (1, 600.0), (2, 1200.0)] {
        let days = &volumes[channel_idx];
        let (variance, variance_error) = covariance_with_error(days, days);
        let n = days.len() as f64;
        check(
            &format!("channel {channel_idx}: mean daily volume"),
            mean(days),
            (variance / n).sqrt(),
            forecast,
        );
        let expected = forecast + cv * cv * forecast * forecast;
        check(
            &format!("channel {channel_idx}: variance of daily volume"),
            variance,
            variance_error,
            expected,
        );
        // The check can fail: Poisson alone, or a CV a quarter smaller, lies outside.
        let tolerance = z999() * variance_error;
        assert!((variance - forecast).abs() > tolerance);
        let smaller = forecast + 0.15f64.powi(2) * forecast * forecast;
        assert!(
            (variance - smaller).abs() > tolerance,
            "{variance} vs {smaller}"
        );
    }
    let (shared, shared_error) = covariance_with_error(&volumes[0], &volumes[1]);
    check(
        "covariance of the channels sharing a factor",
        shared,
        shared_error,
        cv * cv * 1200.0 * 600.0,
    );
    let (apart, apart_error) = covariance_with_error(&volumes[0], &volumes[2]);
    check("covariance of independent factors", apart, apart_error, 0.0);
}

#[test]
fn a_zero_cv_changes_nothing() {
    let without = scenario("0").replace("uncertainty = { cv = 0, shared = \"demand\" }\n", "");
    let without = without.replace("uncertainty = { cv = 0 }\n", "");
    assert!(!without.contains("uncertainty"));
    let (_, plain) = simulate(&parse(&without), None);
    let (_, zero) = simulate(&parse(&scenario("0")), None);
    assert_eq!(format!("{plain:?}"), format!("{zero:?}"));
    let (_, uncertain) = simulate(&parse(&scenario("0.1")), None);
    assert_ne!(format!("{plain:?}"), format!("{uncertain:?}"));
}
