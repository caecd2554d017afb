//! `[arrivals.NAME]`: a channel's Poisson arrival rate, from a weekly or daily volume shaped
//! by day and intraday shares, a rate per hour, or expected contacts per interval.

use super::checker::{Checker, shown_number};
use crate::scenario::raw::RawArrivals;
use crate::scenario::{ArrivalProfile, Limits, SimulationSettings};
use crate::units::{SECONDS_PER_DAY, SECONDS_PER_WEEK};

pub(crate) fn arrivals(
    checker: &mut Checker,
    key: &str,
    raw: &RawArrivals,
    simulation: &SimulationSettings,
) -> Option<ArrivalProfile> {
    let forms = [
        ("weekly_volume", raw.weekly_volume.is_some()),
        ("daily_volume", raw.daily_volume.is_some()),
        ("per_interval", raw.per_interval.is_some()),
        ("rate_per_hour", raw.rate_per_hour.is_some()),
    ];
    let chosen: Vec<&str> = forms
        .iter()
        .filter(|(_, present)| *present)
        .map(|(name, _)| *name)
        .collect();
    if chosen.len() != 1 {
        checker.fail(key, format!("give exactly one of weekly_volume, daily_volume, per_interval or rate_per_hour (found {})", if chosen.is_empty() { "none".to_string() } else { chosen.join(", ") }));
        return None;
    }
    let shape_keys_allowed = matches!(chosen[0], "weekly_volume" | "daily_volume");
    if !shape_keys_allowed && (raw.day_shares.is_some() || raw.intraday.is_some()) {
        checker.fail(
            key,
            format!(
                "day_shares and intraday shape a weekly_volume or daily_volume, not {}",
                chosen[0]
            ),
        );
        return None;
    }
    if chosen[0] == "daily_volume" && raw.day_shares.is_some() {
        checker.fail(
            &format!("{key}.day_shares"),
            "day_shares shape a weekly_volume; with daily_volume every day has the same volume",
        );
        return None;
    }
    let intraday = match &raw.intraday {
        Some(values) => checker.shares(&format!("{key}.intraday"), values),
        None => Some(vec![1.0]),
    };
    match chosen[0] {
        "rate_per_hour" => {
            let rate = checker.number_in(
                &format!("{key}.rate_per_hour"),
                raw.rate_per_hour?,
                (f64::MIN_POSITIVE, Limits::MAX_RATE_PER_HOUR),
                "contacts per hour",
            )?;
            Some(ArrivalProfile {
                cycle_seconds: SECONDS_PER_WEEK,
                segment_starts: vec![0.0],
                rates_per_second: vec![rate / 3600.0],
            })
        }
        "per_interval" => {
            let counts = raw.per_interval.as_deref().unwrap_or(&[]);
            let sub_key = format!("{key}.per_interval");
            let interval = simulation.interval_seconds;
            let most = Limits::MAX_RATE_PER_HOUR * interval / 3600.0;
            if counts.is_empty()
                || counts.iter().any(|c| !c.is_finite() || *c < 0.0)
                || counts.iter().sum::<f64>() <= 0.0
            {
                checker.fail(&sub_key, "give the expected contacts per reporting interval: non-negative numbers, not all zero");
                return None;
            }
            if let Some(idx) = counts.iter().position(|c| *c > most) {
                checker.fail(
                    &format!("{sub_key}[{idx}]"),
                    format!(
                        "{} contacts in one interval is more than {} ({} an hour)",
                        shown_number(counts[idx]),
                        shown_number(most),
                        shown_number(Limits::MAX_RATE_PER_HOUR)
                    ),
                );
                return None;
            }
            Some(ArrivalProfile {
                cycle_seconds: interval * counts.len() as f64,
                segment_starts: (0..counts.len()).map(|idx| idx as f64 * interval).collect(),
                rates_per_second: counts.iter().map(|count| count / interval).collect(),
            })
        }
        "daily_volume" => {
            let volume = checker.number_in(
                &format!("{key}.daily_volume"),
                raw.daily_volume?,
                (f64::MIN_POSITIVE, Limits::MAX_VOLUME),
                "contacts a day",
            )?;
            Some(shaped_profile(volume, &[1.0], &intraday?, SECONDS_PER_DAY))
        }
        _ => {
            let volume = checker.number_in(
                &format!("{key}.weekly_volume"),
                raw.weekly_volume?,
                (f64::MIN_POSITIVE, Limits::MAX_VOLUME),
                "contacts a week",
            );
            let day_shares = match &raw.day_shares {
                Some(values) if values.len() != 7 => {
                    checker.fail(
                        &format!("{key}.day_shares"),
                        format!("give 7 shares, Monday to Sunday (got {})", values.len()),
                    );
                    None
                }
                Some(values) => checker.shares(&format!("{key}.day_shares"), values),
                None => Some(vec![1.0 / 7.0; 7]),
            };
            Some(shaped_profile(
                volume?,
                &day_shares?,
                &intraday?,
                SECONDS_PER_WEEK,
            ))
        }
    }
}

/// A volume spread over days (`day_shares`, one per day of the cycle) and within each day
/// (`intraday`, equal slots), as a piecewise-constant rate over the cycle.
fn shaped_profile(
    volume: f64,
    day_shares: &[f64],
    intraday: &[f64],
    cycle_seconds: f64,
) -> ArrivalProfile {
    let slot_seconds = SECONDS_PER_DAY / intraday.len() as f64;
    let mut segment_starts = Vec::with_capacity(day_shares.len() * intraday.len());
    let mut rates_per_second = Vec::with_capacity(day_shares.len() * intraday.len());
    for (day, day_share) in day_shares.iter().enumerate() {
        for (slot, slot_share) in intraday.iter().enumerate() {
            segment_starts.push(day as f64 * SECONDS_PER_DAY + slot as f64 * slot_seconds);
            rates_per_second.push(volume * day_share * slot_share / slot_seconds);
        }
    }
    ArrivalProfile {
        cycle_seconds,
        segment_starts,
        rates_per_second,
    }
}
