//! Every cell formatter of every renderer, once: numbers in CSV files (exact, round-trip),
//! figures in terminal tables (a mean with its 95% half-width), plain values in the Erlang
//! calculator's text and in report.html. A renderer that needs a new way to write a number
//! adds it here, so two tables never disagree on how a percentage looks.

use crate::metric::Unit;
use crate::stats::Estimate;
use crate::units::{format_duration, format_wait};

/// Shortest round-trip decimal of a float (Rust's `Display`), so CSV values are exact.
pub fn number(value: f64) -> String {
    format!("{value}")
}

/// `number`, or an empty cell.
pub fn optional_number(value: Option<f64>) -> String {
    value.map(number).unwrap_or_default()
}

/// A fraction as a percentage with one decimal: "81.5%".
pub fn percent(value: f64) -> String {
    format!("{:.1}%", 100.0 * value)
}

/// `percent`, or "-" when undefined.
pub fn optional_percent(value: Option<f64>) -> String {
    value.map_or("-".into(), percent)
}

/// A wait in seconds with a tenth under a minute ("12.5s"), else as a duration ("4m 10s");
/// "-" when undefined.
pub fn optional_wait(value: Option<f64>) -> String {
    value.map_or("-".into(), format_wait)
}

/// Money with two decimals: "12.50".
pub fn money(value: f64) -> String {
    format!("{value:.2}")
}

pub use crate::units::thousands;

/// A mean count in a report: thousands separators from 100 up, one decimal below.
pub fn count_with_separators(value: f64) -> String {
    if value >= 100.0 {
        thousands(value)
    } else {
        format!("{value:.1}")
    }
}

/// An estimated percentage with its half-width: "81.5% ±2.1"; "-" when undefined.
pub fn estimate_percent(estimate: &Estimate) -> String {
    match (estimate.mean, estimate.ci95) {
        (Some(mean), Some(ci)) => format!("{:.1}% ±{:.1}", 100.0 * mean, 100.0 * ci),
        (Some(mean), None) => percent(mean),
        _ => "-".into(),
    }
}

/// An estimated duration with its half-width: "1m 5s ±12s"; "-" when undefined.
pub fn estimate_duration(estimate: &Estimate) -> String {
    match (estimate.mean, estimate.ci95) {
        (Some(mean), Some(ci)) => format!("{} ±{}", format_duration(mean), format_duration(ci)),
        (Some(mean), None) => format_duration(mean),
        _ => "-".into(),
    }
}

/// An estimated count, without its half-width: whole from 100 up, one decimal below.
pub fn estimate_count(estimate: &Estimate) -> String {
    match estimate.mean {
        Some(mean) if mean >= 100.0 => format!("{mean:.0}"),
        Some(mean) => format!("{mean:.1}"),
        None => "-".into(),
    }
}

/// An estimated ratio with two decimals and its half-width: "1.08 ±0.02".
pub fn estimate_decimal(estimate: &Estimate) -> String {
    match (estimate.mean, estimate.ci95) {
        (Some(mean), Some(ci)) => format!("{mean:.2} ±{ci:.2}"),
        (Some(mean), None) => format!("{mean:.2}"),
        _ => "-".into(),
    }
}

/// An estimated duration without its half-width, "-" when undefined.
pub fn estimate_mean_duration(estimate: &Estimate) -> String {
    estimate
        .mean
        .map(format_duration)
        .unwrap_or_else(|| "-".into())
}

/// A metric's value in its unit: "81.5%", "12.5s" or "4m 10s", "1,247" or "3.42"; "-" when
/// undefined.
pub fn metric_value(unit: Unit, value: Option<f64>) -> String {
    let Some(value) = value else {
        return "-".into();
    };
    match unit {
        Unit::Share => percent(value),
        Unit::Seconds => format_wait(value),
        Unit::Amount if value.abs() >= 100.0 => thousands(value),
        Unit::Amount => format!("{value:.2}"),
    }
}

/// A signed difference of a metric in its unit: "+6.3 pts" (percentage points for shares),
/// "-24.0s", "+1.50"; "-" when undefined.
pub fn metric_difference(unit: Unit, value: Option<f64>) -> String {
    let Some(value) = value else {
        return "-".into();
    };
    let sign = if value < 0.0 { "-" } else { "+" };
    let size = value.abs();
    match unit {
        Unit::Share => format!("{sign}{:.1} pts", 100.0 * size),
        Unit::Seconds => format!("{sign}{}", format_wait(size)),
        Unit::Amount => format!("{sign}{size:.2}"),
    }
}

/// A half-width in the metric's unit, without a sign: "±0.9 pts", "±3.2s", "±0.40"; "-"
/// when undefined.
pub fn metric_half_width(unit: Unit, half_width: Option<f64>) -> String {
    let Some(half_width) = half_width else {
        return "-".into();
    };
    match unit {
        Unit::Share => format!("±{:.1} pts", 100.0 * half_width),
        Unit::Seconds => format!("±{}", format_wait(half_width)),
        Unit::Amount => format!("±{half_width:.2}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells() {
        let estimate = |mean, ci| Estimate {
            mean: Some(mean),
            ci95: ci,
            n: 4,
        };
        assert_eq!(number(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(optional_number(None), "");
        assert_eq!(percent(0.8154), "81.5%");
        assert_eq!(optional_wait(Some(12.54)), "12.5s");
        assert_eq!(optional_wait(Some(250.4)), "4m 10s");
        assert_eq!(thousands(1_247_000.4), "1,247,000");
        assert_eq!(count_with_separators(99.94), "99.9");
        assert_eq!(estimate_percent(&estimate(0.8, Some(0.021))), "80.0% ±2.1");
        assert_eq!(estimate_duration(&estimate(65.0, Some(12.0))), "1m 5s ±12s");
        assert_eq!(estimate_count(&estimate(123.4, None)), "123");
        assert_eq!(
            estimate_decimal(&estimate(1.0812, Some(0.02))),
            "1.08 ±0.02"
        );
        assert_eq!(metric_value(Unit::Share, Some(0.8154)), "81.5%");
        assert_eq!(metric_value(Unit::Amount, Some(1247.0)), "1,247");
        assert_eq!(metric_difference(Unit::Share, Some(0.063)), "+6.3 pts");
        assert_eq!(metric_difference(Unit::Seconds, Some(-24.04)), "-24.0s");
        assert_eq!(metric_difference(Unit::Amount, Some(0.0)), "+0.00");
        assert_eq!(metric_half_width(Unit::Seconds, Some(75.0)), "±1m 15s");
        assert_eq!(metric_half_width(Unit::Share, None), "-");
        assert_eq!(
            estimate_percent(&Estimate {
                mean: None,
                ci95: None,
                n: 0
            }),
            "-"
        );
    }
}
