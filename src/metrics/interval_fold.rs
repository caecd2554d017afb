//! The rows of intervals.csv and group_intervals.csv, accumulated one replication at a time.
//!
//! A replication's interval grids are the largest thing it produces (an hourly year: 8,760
//! cells per channel and per group, about 2 MB). Keeping every replication's grids until the
//! end made a run's memory grow with its replications; here each replication is added as it
//! finishes, in replication order, and its grids can then be dropped. Each row's estimates
//! are `stats::RunningEstimate`s: the means are the same bits as estimates from every
//! replication's values, the half-widths agree to rounding. The order of addition is the
//! replication order whatever the thread count, so the rows are reproducible to the bit.

use super::samples::{CHANNEL_INTERVAL_METRICS, channel_metric_values, group_metric_values};
use super::summary::IntervalRow;
use crate::engine::ReplicationResult;
use crate::engine::counts::ChannelIntervalCounts;
use crate::metric::{Metric, RowAccumulator, RowFigures};
use crate::scenario::Scenario;
use crate::units::format_clock;

/// The interval rows of the replications added so far.
#[derive(Debug)]
pub struct IntervalRowsFold {
    interval_seconds: f64,
    first_reported_interval: usize,
    n_reported_intervals: usize,
    /// Rows without their figures, channel by channel then interval by interval.
    channel_rows: Vec<IntervalRow>,
    channel_figures: Vec<RowAccumulator>,
    group_rows: Vec<IntervalRow>,
    group_figures: Vec<RowAccumulator>,
}

/// What a fold gives when every replication is in.
#[derive(Debug)]
pub struct IntervalRows {
    pub channel_rows: Vec<IntervalRow>,
    pub group_rows: Vec<IntervalRow>,
}

impl IntervalRowsFold {
    pub fn new(scenario: &Scenario) -> IntervalRowsFold {
        let settings = scenario.simulation();
        let seconds = settings.interval_seconds;
        let channel_metrics: Vec<Metric> = channel_interval_values(&Default::default(), seconds)
            .map(|(metric, _)| metric)
            .collect();
        let group_metrics: Vec<Metric> = group_metric_values(&Default::default(), seconds)
            .into_iter()
            .map(|(metric, _)| metric)
            .collect();
        let channel_names = scenario.channels().iter().map(|c| c.name.as_str());
        let group_names = scenario.groups().iter().map(|g| g.name.as_str());
        let (channel_rows, channel_figures) = empty_rows(scenario, channel_names, &channel_metrics);
        let (group_rows, group_figures) = empty_rows(scenario, group_names, &group_metrics);
        IntervalRowsFold {
            interval_seconds: seconds,
            first_reported_interval: settings.first_reported_interval(),
            n_reported_intervals: settings.reported_intervals().len(),
            channel_rows,
            channel_figures,
            group_rows,
            group_figures,
        }
    }

    /// Adds the next replication; replications must come in replication order for the rows
    /// to be reproducible.
    pub fn add(&mut self, result: &ReplicationResult) {
        let seconds = self.interval_seconds;
        let reported =
            self.first_reported_interval..self.first_reported_interval + self.n_reported_intervals;
        for (channel_idx, rows) in self
            .channel_figures
            .chunks_mut(self.n_reported_intervals)
            .enumerate()
        {
            let cells = result.channel_intervals.span(channel_idx, reported.clone());
            for (figures, counts) in rows.iter_mut().zip(cells) {
                figures.add(channel_interval_values(counts, seconds));
            }
        }
        for (group_idx, rows) in self
            .group_figures
            .chunks_mut(self.n_reported_intervals)
            .enumerate()
        {
            let cells = result.group_intervals.span(group_idx, reported.clone());
            for (figures, counts) in rows.iter_mut().zip(cells) {
                figures.add(group_metric_values(counts, seconds));
            }
        }
    }

    /// The rows, with each metric's mean and 95% half-width over the replications added.
    pub fn finish(self) -> IntervalRows {
        let with_figures = |rows: Vec<IntervalRow>, figures: Vec<RowAccumulator>| {
            rows.into_iter()
                .zip(figures)
                .map(|(row, figures)| IntervalRow {
                    metrics: figures.into_figures(),
                    ..row
                })
                .collect()
        };
        IntervalRows {
            channel_rows: with_figures(self.channel_rows, self.channel_figures),
            group_rows: with_figures(self.group_rows, self.group_figures),
        }
    }
}

/// The per-interval metrics of a channel's cell (`CHANNEL_INTERVAL_METRICS`), in order.
fn channel_interval_values(
    counts: &ChannelIntervalCounts,
    interval_seconds: f64,
) -> impl Iterator<Item = (Metric, f64)> {
    channel_metric_values(counts, interval_seconds)
        .into_iter()
        .filter(|(name, _)| CHANNEL_INTERVAL_METRICS.contains(name))
}

/// Every (entity, reported interval) row without figures, and an empty accumulator for each.
fn empty_rows<'a>(
    scenario: &Scenario,
    names: impl ExactSizeIterator<Item = &'a str>,
    metrics: &[Metric],
) -> (Vec<IntervalRow>, Vec<RowAccumulator>) {
    let settings = scenario.simulation();
    let long = settings.horizon_seconds > 7.0 * 86_400.0;
    let mut rows = Vec::with_capacity(names.len() * settings.reported_intervals().len());
    for name in names {
        for interval_idx in settings.reported_intervals() {
            let start_seconds = interval_idx as f64 * settings.interval_seconds;
            rows.push(IntervalRow {
                name: name.to_string(),
                interval_idx,
                start_seconds,
                start_label: format_clock(start_seconds, long),
                active_disruptions: super::disruption_summary::active_disruption_names(
                    scenario,
                    interval_idx,
                ),
                metrics: RowFigures::default(),
            });
        }
    }
    let figures = vec![RowAccumulator::new(metrics); rows.len()];
    (rows, figures)
}

/// The rows of `results`, replications of `scenario` in replication order.
pub fn interval_rows(scenario: &Scenario, results: &[ReplicationResult]) -> IntervalRows {
    let mut fold = IntervalRowsFold::new(scenario);
    for result in results {
        fold.add(result);
    }
    fold.finish()
}
