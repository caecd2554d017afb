//! Time axes for horizons of any length. A run of up to two weeks is drawn interval by
//! interval; a longer one is drawn a day per point (the day's mean, weighted by contacts for
//! the per-contact metrics), since thousands of intervals make a solid smear and no reader
//! can find a Tuesday in it. And the views a planner reads a long run by: the *typical day*
//! (each time of day averaged over the run's days) and the *typical week* (each weekday and
//! time averaged over its weeks), with a 95% band across days or weeks: the day-to-day
//! spread of the figure, not the simulation's noise alone.

use std::collections::BTreeMap;

use crate::metric::Metric;
use crate::metrics::interval_table::IntervalRow;
use crate::scenario::SimulationSettings;
use crate::stats::Estimate;
use crate::units::{SECONDS_PER_DAY, SECONDS_PER_WEEK};

/// Horizons longer than this are drawn a day per point.
pub const DAILY_POINTS_BEYOND_SECONDS: f64 = 14.0 * SECONDS_PER_DAY;

/// Most points a timeline draws interval by interval; with more (two weeks of 5-minute
/// intervals) a point is an hour. A line of thousands of points is a smear, and plotters'
/// bitmap fill of a band that long leaks past the plot area.
pub const MAX_INTERVAL_POINTS: f64 = 800.0;

/// How a run's time series are drawn: the length of a point, in seconds (the interval; an
/// hour when the intervals are too many to draw; a day for a long horizon).
pub fn point_seconds(settings: &SimulationSettings) -> f64 {
    if settings.horizon_seconds > DAILY_POINTS_BEYOND_SECONDS {
        SECONDS_PER_DAY
    } else if settings.horizon_seconds / settings.interval_seconds > MAX_INTERVAL_POINTS
        && settings.interval_seconds < 3600.0
    {
        3600.0
    } else {
        settings.interval_seconds
    }
}

/// What a timeline's point is, for its axis: "" (an interval), " (hourly mean)" or
/// " (daily mean)".
pub fn point_note(settings: &SimulationSettings) -> &'static str {
    let point = point_seconds(settings);
    if point <= settings.interval_seconds {
        ""
    } else if point == SECONDS_PER_DAY {
        " (daily mean)"
    } else {
        " (hourly mean)"
    }
}

/// The metric a per-contact metric's mean over intervals is weighted by (a day's SLA
/// attainment is that of its contacts, not the mean of its intervals), if any.
fn weight_metric(metric: Metric) -> Option<Metric> {
    match metric {
        Metric::SlaAttainment
        | Metric::AsaSeconds
        | Metric::MeanWaitSeconds
        | Metric::AbandonmentRate => Some(Metric::Offered),
        _ => None,
    }
}

/// `rows` (one entity's, in interval order) as points of `point_seconds`: each point's
/// start and the mean of its intervals' means (weighted as `weight_metric` says), with the
/// mean of their half-widths as the band. Averaging half-widths gives a band at least as
/// wide as the true one (the spread of a mean is at most the mean of the spreads), so the
/// band never overstates certainty. With points of one interval, the rows as they are.
pub fn points(rows: &[IntervalRow], metric: Metric, point_seconds: f64) -> Vec<(f64, Estimate)> {
    let mut buckets: BTreeMap<i64, (f64, f64, f64, u32)> = BTreeMap::new();
    for row in rows {
        let bucket = (row.start_seconds / point_seconds).floor() as i64;
        let estimate = row.metrics.estimate(metric);
        let entry = buckets.entry(bucket).or_insert((0.0, 0.0, 0.0, u32::MAX));
        let Some(mean) = estimate.mean else { continue };
        let weight = weight_metric(metric)
            .and_then(|w| row.metrics.estimate(w).mean)
            .unwrap_or(1.0);
        if weight <= 0.0 {
            continue;
        }
        entry.0 += weight * mean;
        entry.1 += weight * estimate.ci95.unwrap_or(0.0);
        entry.2 += weight;
        entry.3 = entry.3.min(estimate.n);
    }
    buckets
        .into_iter()
        .map(|(bucket, (sum, half_widths, weights, n))| {
            let estimate = if weights > 0.0 {
                Estimate {
                    mean: Some(sum / weights),
                    ci95: Some(half_widths / weights),
                    n,
                }
            } else {
                Estimate {
                    mean: None,
                    ci95: None,
                    n: 0,
                }
            };
            (bucket as f64 * point_seconds, estimate)
        })
        .collect()
}

/// A typical `period` (a day or a week): for each offset into the period, the mean over the
/// run's reported periods of the metric's mean at that offset, with the 95% confidence
/// half-width across periods. Intervals before the warm-up ends are left out; an offset no
/// two periods reach is undefined. Offsets in seconds, in order.
pub fn typical_period(
    rows: &[IntervalRow],
    metric: Metric,
    period_seconds: f64,
    warmup_seconds: f64,
) -> Vec<(f64, Estimate)> {
    let mut by_offset: BTreeMap<i64, Vec<f64>> = BTreeMap::new();
    for row in rows
        .iter()
        .filter(|row| row.start_seconds >= warmup_seconds)
    {
        let offset = (row.start_seconds % period_seconds).round() as i64;
        let values = by_offset.entry(offset).or_default();
        if let Some(mean) = row.metrics.estimate(metric).mean {
            values.push(mean);
        }
    }
    // An offset no two periods reach (a closed hour) is kept, undefined, so the line breaks
    // there instead of bridging it.
    by_offset
        .into_iter()
        .map(|(offset, values)| {
            let estimate = if values.len() >= 2 {
                Estimate::from_values(values)
            } else {
                Estimate {
                    mean: None,
                    ci95: None,
                    n: values.len() as u32,
                }
            };
            (offset as f64, estimate)
        })
        .collect()
}

/// Whole periods of `period_seconds` the run reports after its warm-up.
pub fn whole_periods(settings: &SimulationSettings, period_seconds: f64) -> u64 {
    ((settings.horizon_seconds - settings.warmup_seconds) / period_seconds).floor() as u64
}

/// Whether a typical day (two reported days or more) and a typical week (two weeks or more)
/// say anything a run's own timeline does not.
pub fn typical_views(settings: &SimulationSettings) -> (bool, bool) {
    (
        whole_periods(settings, SECONDS_PER_DAY) >= 2,
        whole_periods(settings, SECONDS_PER_WEEK) >= 2,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metric::RowFigures;

    /// A row's columns: every metric 0 (n = 5, half-width 0.1) but offered and attainment.
    struct OwnedRow {
        start_seconds: f64,
        means: Vec<f64>,
        half_widths: Vec<f64>,
        replications: Vec<u32>,
    }

    fn row(start_seconds: f64, offered: f64, sla: f64) -> OwnedRow {
        let mean = |metric: &Metric| match metric {
            Metric::Offered => offered,
            Metric::SlaAttainment => sla,
            _ => 0.0,
        };
        OwnedRow {
            start_seconds,
            means: Metric::ALL.iter().map(mean).collect(),
            half_widths: vec![0.1; Metric::ALL.len()],
            replications: vec![5; Metric::ALL.len()],
        }
    }

    /// The rows as a table hands them out.
    fn views(rows: &[OwnedRow]) -> Vec<IntervalRow<'_>> {
        rows.iter()
            .map(|row| IntervalRow {
                name: "chat",
                interval_idx: 0,
                start_seconds: row.start_seconds,
                active_disruptions: "",
                metrics: RowFigures::new(
                    Metric::ALL,
                    &row.means,
                    &row.half_widths,
                    &row.replications,
                ),
                long_labels: false,
            })
            .collect()
    }

    #[test]
    fn a_day_point_weights_attainment_by_contacts() {
        let rows = [
            row(0.0, 10.0, 1.0),
            row(43_200.0, 30.0, 0.6),
            row(86_400.0, 5.0, 0.9),
        ];
        let refs = views(&rows);
        let days = points(&refs, Metric::SlaAttainment, SECONDS_PER_DAY);
        assert_eq!(days.len(), 2);
        assert_eq!(days[0].0, 0.0);
        assert!((days[0].1.mean.unwrap() - 0.7).abs() < 1e-12);
        let volume = points(&refs, Metric::Offered, SECONDS_PER_DAY);
        assert!((volume[0].1.mean.unwrap() - 20.0).abs() < 1e-12);
        assert_eq!(days[1].0, SECONDS_PER_DAY);
    }

    #[test]
    fn a_point_is_an_interval_an_hour_or_a_day() {
        let settings = |horizon_days: f64, interval_seconds: f64| {
            let mut settings = crate::scenario::parse_scenario_str(
                "[simulation]\nhorizon = \"1d\"\n[channels.c]\nkind = \"async\"\nsla = { within = \"1h\", target = 0.8 }\nhandle_time = { distribution = \"fixed\", value = \"1m\" }\n[arrivals.c]\nrate_per_hour = 1\n[groups.g]\nheadcount = 1\nchannels = [\"c\"]\n",
                "t",
            )
            .unwrap()
            .simulation()
            .clone();
            settings.horizon_seconds = horizon_days * SECONDS_PER_DAY;
            settings.interval_seconds = interval_seconds;
            settings
        };
        assert_eq!(point_note(&settings(7.0, 1800.0)), "");
        assert_eq!(point_note(&settings(14.0, 300.0)), " (hourly mean)");
        assert_eq!(point_seconds(&settings(14.0, 300.0)), 3600.0);
        assert_eq!(point_note(&settings(30.0, 1800.0)), " (daily mean)");
        assert_eq!(point_note(&settings(2.0, 60.0)), " (hourly mean)");
        assert_eq!(point_note(&settings(0.5, 60.0)), "");
    }

    #[test]
    fn a_typical_day_averages_each_time_of_day_over_days() {
        let rows = [
            row(0.0, 10.0, 0.5),
            row(3600.0, 10.0, 0.9),
            row(86_400.0, 10.0, 0.7),
            row(90_000.0, 10.0, 0.9),
            row(172_800.0, 10.0, 0.9),
        ];
        let refs = views(&rows);
        let day = typical_period(&refs, Metric::SlaAttainment, SECONDS_PER_DAY, 0.0);
        assert_eq!(day.len(), 2);
        assert_eq!(day[0].0, 0.0);
        assert!((day[0].1.mean.unwrap() - 0.7).abs() < 1e-12);
        assert_eq!(day[0].1.n, 3);
        assert!(day[0].1.ci95.unwrap() > 0.0);
        assert_eq!(day[1].1.ci95, Some(0.0));
        let after_warmup = typical_period(&refs, Metric::SlaAttainment, SECONDS_PER_DAY, 86_400.0);
        assert_eq!(after_warmup[0].1.n, 2);
    }
}
