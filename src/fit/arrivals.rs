//! Arrivals from a trace: the expected contacts in each interval of the week (the mean over
//! the days observed of that weekday, Monday 00:00 first), the weekly volume with its 95%
//! interval and the day shares, and the day-to-day over-dispersion: the CV of a gamma
//! busyness factor (the Poisson-gamma model of `uncertainty`), by moments, from the
//! variance of same-weekday totals beyond the Poisson variance.

use super::Calendar;

/// z for a two-sided 95% interval.
const Z95: f64 = 1.959_963_984_540_054;

#[derive(Debug, Clone, serde::Serialize)]
pub struct ArrivalFit {
    /// Contacts of the channel that reached the queue (deflected ones are counted apart).
    pub contacts: u64,
    /// Expected contacts per interval of the week, Monday 00:00 first.
    pub per_interval_of_week: Vec<f64>,
    pub weekly_volume: f64,
    pub weekly_volume_ci: (f64, f64),
    /// Monday first; sum to 1.
    pub day_shares: [f64; 7],
    /// Contacts on each day observed, first day first.
    pub daily_totals: Vec<u64>,
    /// The CV of the day's busyness factor; `None` without two of some weekday.
    pub dispersion_cv: Option<f64>,
}

/// Fits one channel's arrivals, given each contact's (day index, seconds into the day).
pub fn fit_arrivals(positions: &[(usize, f64)], calendar: &Calendar) -> ArrivalFit {
    let slots = calendar.slots_per_day();
    let mut per_interval_of_week = vec![0.0; 7 * slots];
    let mut daily_totals = vec![0u64; calendar.days];
    for &(day, seconds) in positions {
        let slot = ((seconds / calendar.interval_seconds) as usize).min(slots - 1);
        per_interval_of_week[calendar.weekday(day) * slots + slot] += 1.0;
        daily_totals[day] += 1;
    }
    let days_of = calendar.days_per_weekday();
    for (idx, value) in per_interval_of_week.iter_mut().enumerate() {
        let days = days_of[idx / slots];
        *value = if days == 0 {
            0.0
        } else {
            *value / f64::from(days)
        };
    }
    // Each weekday's totals: their mean and, with two days or more, their variance.
    let mut by_weekday: [Vec<f64>; 7] = Default::default();
    for (day, total) in daily_totals.iter().enumerate() {
        by_weekday[calendar.weekday(day)].push(*total as f64);
    }
    let mut weekly_volume = 0.0;
    let mut variance_of_weekly = 0.0;
    let mut day_means = [0.0; 7];
    let (mut excess, mut scale) = (0.0, 0.0);
    for (weekday, totals) in by_weekday.iter().enumerate() {
        if totals.is_empty() {
            continue;
        }
        let k = totals.len() as f64;
        let mean = totals.iter().sum::<f64>() / k;
        day_means[weekday] = mean;
        weekly_volume += mean;
        if totals.len() >= 2 {
            let variance = totals.iter().map(|t| (t - mean).powi(2)).sum::<f64>() / (k - 1.0);
            variance_of_weekly += variance / k;
            excess += (k - 1.0) * (variance - mean);
            scale += (k - 1.0) * mean * mean;
        } else {
            variance_of_weekly += mean;
        }
    }
    let day_shares = day_means.map(|mean| {
        if weekly_volume > 0.0 {
            mean / weekly_volume
        } else {
            0.0
        }
    });
    let se = variance_of_weekly.sqrt();
    ArrivalFit {
        contacts: positions.len() as u64,
        per_interval_of_week,
        weekly_volume,
        weekly_volume_ci: (
            (weekly_volume - Z95 * se).max(0.0),
            weekly_volume + Z95 * se,
        ),
        day_shares,
        daily_totals,
        dispersion_cv: (scale > 0.0).then(|| (excess / scale).max(0.0).sqrt()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expected_counts_are_means_over_the_days_of_each_weekday() {
        // Two weeks from Monday 5 January 2026, hourly: 3 contacts every Monday 09:00-10:00,
        // and 1 or 3 on the two Tuesdays at 14:00 (mean 2).
        let calendar = Calendar::new("2026-01-05".parse().unwrap(), 14, 3600.0);
        let mut positions = Vec::new();
        for week in 0..2 {
            positions.extend([(7 * week, 9.0 * 3600.0 + 1.0); 3]);
        }
        positions.push((1, 14.0 * 3600.0));
        positions.extend([(8, 14.5 * 3600.0); 3]);
        let fit = fit_arrivals(&positions, &calendar);
        assert_eq!(fit.per_interval_of_week[9], 3.0);
        assert_eq!(fit.per_interval_of_week[24 + 14], 2.0);
        assert_eq!(fit.weekly_volume, 5.0);
        assert_eq!(fit.day_shares[0], 0.6);
        assert_eq!(fit.daily_totals[..2], [3, 1]);
        // Tuesdays 1 and 3: variance 2 over mean 2 is Poisson; Mondays 3 and 3 under it.
        assert_eq!(fit.dispersion_cv, Some(0.0));
    }
}
