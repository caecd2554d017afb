//! The rows of intervals.csv and group_intervals.csv, accumulated one replication at a time.
//!
//! A replication's interval grids are the largest thing it produces (an hourly year: 8,760
//! cells per channel and per group, about 2 MB). Keeping every replication's grids until the
//! end made a run's memory grow with its replications; here each replication is added as it
//! finishes, in replication order, and its grids can then be dropped. Each row's estimates
//! are `stats::RunningEstimate`s: the means are the same bits as estimates from every
//! replication's values, the half-widths agree to rounding. The order of addition is the
//! replication order whatever the thread count, so the rows are reproducible to the bit.

use super::interval_table::{IntervalTable, IntervalTableShape};
use super::samples::{CHANNEL_INTERVAL_METRICS, channel_metric_values, group_metric_values};
use crate::engine::ReplicationResult;
use crate::engine::counts::ChannelIntervalCounts;
use crate::engine::grid::Grid;
use crate::metric::Metric;
use crate::scenario::Scenario;
use crate::stats::{RUNNING_SUM_START, RunningEstimate};

/// The interval rows of the replications added so far.
#[derive(Debug)]
pub struct IntervalRowsFold {
    interval_seconds: f64,
    channel_sums: TableSums,
    group_sums: TableSums,
}

/// What a fold gives when every replication is in.
#[derive(Debug)]
pub struct IntervalRows {
    pub channel_rows: IntervalTable,
    pub group_rows: IntervalTable,
}

/// A table's running estimates (`stats::RunningEstimate`, one per row and metric) in three
/// flat columns, which `finish` turns in place into the table's means and half-widths.
#[derive(Debug)]
struct TableSums {
    shape: IntervalTableShape,
    sums: Vec<f64>,
    squared_deviations: Vec<f64>,
    replications: Vec<u32>,
}

impl TableSums {
    fn new(shape: IntervalTableShape) -> TableSums {
        let cells = shape.rows() * shape.metrics().len();
        let start = RunningEstimate::default();
        TableSums {
            shape,
            sums: vec![RUNNING_SUM_START; cells],
            squared_deviations: vec![start.squared_deviations; cells],
            replications: vec![start.n; cells],
        }
    }

    /// Adds one replication's values for the row at `row`, in the metrics' order.
    fn add(&mut self, row: usize, values: impl IntoIterator<Item = (Metric, f64)>) {
        let width = self.shape.metrics().len();
        let mut at = row * width;
        for (metric, value) in values {
            debug_assert_eq!(metric, self.shape.metrics()[at - row * width]);
            let mut running = RunningEstimate {
                sum: self.sums[at],
                squared_deviations: self.squared_deviations[at],
                n: self.replications[at],
            };
            running.add(value);
            self.sums[at] = running.sum;
            self.squared_deviations[at] = running.squared_deviations;
            self.replications[at] = running.n;
            at += 1;
        }
        debug_assert_eq!(at, (row + 1) * width, "a value for every metric");
    }

    /// Adds one replication's `grid` (a row per entity, a column per interval): each
    /// reported cell's `values`, into its row.
    fn add_grid<Cell, Values>(&mut self, grid: &Grid<Cell>, values: impl Fn(&Cell) -> Values)
    where
        Values: IntoIterator<Item = (Metric, f64)>,
    {
        let (reported, intervals) = (self.shape.reported_intervals(), self.shape.intervals());
        for entity_idx in 0..self.shape.entities() {
            let cells = grid.span(entity_idx, reported.clone());
            for (offset, cell) in cells.iter().enumerate() {
                self.add(entity_idx * intervals + offset, values(cell));
            }
        }
    }

    /// The table, each estimate at 95% confidence, in the sums' own memory.
    fn finish(self) -> IntervalTable {
        let TableSums {
            shape,
            mut sums,
            mut squared_deviations,
            replications,
        } = self;
        for at in 0..sums.len() {
            let estimate = RunningEstimate {
                sum: sums[at],
                squared_deviations: squared_deviations[at],
                n: replications[at],
            }
            .estimate(0.95);
            sums[at] = estimate.mean_or_nan();
            squared_deviations[at] = estimate.half_width_or_nan();
        }
        shape.with_figures(sums, squared_deviations, replications)
    }
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
        let channel_names = scenario.channels().iter().map(|c| c.name.clone()).collect();
        let group_names = scenario.groups().iter().map(|g| g.name.clone()).collect();
        IntervalRowsFold {
            interval_seconds: seconds,
            channel_sums: TableSums::new(IntervalTableShape::new(
                scenario,
                channel_names,
                channel_metrics,
            )),
            group_sums: TableSums::new(IntervalTableShape::new(
                scenario,
                group_names,
                group_metrics,
            )),
        }
    }

    /// Adds the next replication; replications must come in replication order for the rows
    /// to be reproducible.
    pub fn add(&mut self, result: &ReplicationResult) {
        let seconds = self.interval_seconds;
        self.channel_sums
            .add_grid(&result.channel_intervals, |counts| {
                channel_interval_values(counts, seconds)
            });
        self.group_sums.add_grid(&result.group_intervals, |counts| {
            group_metric_values(counts, seconds)
        });
    }

    /// The rows, with each metric's mean and 95% half-width over the replications added.
    pub fn finish(self) -> IntervalRows {
        IntervalRows {
            channel_rows: self.channel_sums.finish(),
            group_rows: self.group_sums.finish(),
        }
    }
}

/// The per-interval metrics of a channel's cell (`CHANNEL_INTERVAL_METRICS`), in order.
fn channel_interval_values(
    counts: &ChannelIntervalCounts,
    interval_seconds: f64,
) -> impl Iterator<Item = (Metric, f64)> + use<> {
    channel_metric_values(counts, interval_seconds)
        .into_iter()
        .filter(|(name, _)| CHANNEL_INTERVAL_METRICS.contains(name))
}

/// The rows of `results`, replications of `scenario` in replication order.
pub fn interval_rows(scenario: &Scenario, results: &[ReplicationResult]) -> IntervalRows {
    let mut fold = IntervalRowsFold::new(scenario);
    for result in results {
        fold.add(result);
    }
    fold.finish()
}
