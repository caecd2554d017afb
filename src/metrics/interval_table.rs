//! The rows of intervals.csv or group_intervals.csv as one table: a row per (entity,
//! reported interval), entity by entity, and for each row an estimate of every metric.
//!
//! An hourly year has 8,760 rows per channel and per group, so the table keeps no per-row
//! objects: the estimates' parts sit in three flat columns (`metrics.len()` entries per row),
//! and a row's name, start and active disruptions are derived from its position when it is
//! read. `IntervalRow` is that read: a borrowed view, cheap to make and to copy.

use std::ops::Range;

use crate::metric::{Metric, RowFigures};
use crate::scenario::Scenario;
use crate::units::format_clock;

/// Every row of one entity kind's interval report.
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalTable {
    shape: IntervalTableShape,
    means: Vec<f64>,
    half_widths: Vec<f64>,
    replications: Vec<u32>,
}

/// What a table's rows are, without their figures: the entities, the reported intervals and
/// the metrics of each row.
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalTableShape {
    entity_names: Vec<String>,
    reported_intervals: Range<usize>,
    interval_seconds: f64,
    /// Whether start labels carry the day number ("d9 Tue 09:00"): runs longer than a week.
    long_labels: bool,
    /// The disruptions active in each reported interval, ';'-separated.
    active_disruptions: Vec<String>,
    metrics: Vec<Metric>,
}

/// One row of an `IntervalTable`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IntervalRow<'a> {
    /// Channel or group name.
    pub name: &'a str,
    pub interval_idx: usize,
    pub start_seconds: f64,
    /// Disruption events active during the interval, ';'-separated.
    pub active_disruptions: &'a str,
    pub metrics: RowFigures<'a>,
    /// Whether `start_label` carries the day: runs longer than a week.
    pub long_labels: bool,
}

impl IntervalRow<'_> {
    /// The interval's start as the clock shows it ("Tue 09:30", or "d9 Tue 09:30" in runs
    /// over a week).
    pub fn start_label(&self) -> String {
        format_clock(self.start_seconds, self.long_labels)
    }
}

impl IntervalTableShape {
    /// The rows of `entity_names` over the scenario's reported intervals, each with `metrics`.
    pub fn new(
        scenario: &Scenario,
        entity_names: Vec<String>,
        metrics: Vec<Metric>,
    ) -> IntervalTableShape {
        let settings = scenario.simulation();
        let reported_intervals = settings.reported_intervals();
        let active_disruptions = reported_intervals
            .clone()
            .map(|interval_idx| {
                super::disruption_summary::active_disruption_names(scenario, interval_idx)
            })
            .collect();
        IntervalTableShape {
            entity_names,
            reported_intervals,
            interval_seconds: settings.interval_seconds,
            long_labels: settings.horizon_seconds > 7.0 * 86_400.0,
            active_disruptions,
            metrics,
        }
    }

    /// Rows in the table: entities x reported intervals.
    pub fn rows(&self) -> usize {
        self.entity_names.len() * self.reported_intervals.len()
    }

    /// Channels or groups: the table's entities.
    pub fn entities(&self) -> usize {
        self.entity_names.len()
    }

    /// The reported intervals (indices into a replication's grids).
    pub fn reported_intervals(&self) -> Range<usize> {
        self.reported_intervals.clone()
    }

    /// Reported intervals: each entity's rows.
    pub fn intervals(&self) -> usize {
        self.reported_intervals.len()
    }

    pub fn metrics(&self) -> &[Metric] {
        &self.metrics
    }

    /// The table of these rows, from columns of `rows() * metrics().len()` entries each.
    pub fn with_figures(
        self,
        means: Vec<f64>,
        half_widths: Vec<f64>,
        replications: Vec<u32>,
    ) -> IntervalTable {
        let cells = self.rows() * self.metrics.len();
        assert!(
            means.len() == cells && half_widths.len() == cells && replications.len() == cells,
            "a figure for every metric of every row"
        );
        IntervalTable {
            shape: self,
            means,
            half_widths,
            replications,
        }
    }
}

impl IntervalTable {
    pub fn len(&self) -> usize {
        self.shape.rows()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The metrics of every row, in column order.
    pub fn metrics(&self) -> &[Metric] {
        &self.shape.metrics
    }

    /// The row at `at` (entity `at / intervals`, reported interval `at % intervals`).
    pub fn row(&self, at: usize) -> IntervalRow<'_> {
        let shape = &self.shape;
        let intervals = shape.intervals();
        let (entity, offset) = (at / intervals, at % intervals);
        let interval_idx = shape.reported_intervals.start + offset;
        let width = shape.metrics.len();
        let cells = at * width..(at + 1) * width;
        IntervalRow {
            name: &shape.entity_names[entity],
            interval_idx,
            start_seconds: interval_idx as f64 * shape.interval_seconds,
            active_disruptions: &shape.active_disruptions[offset],
            metrics: RowFigures::new(
                &shape.metrics,
                &self.means[cells.clone()],
                &self.half_widths[cells.clone()],
                &self.replications[cells],
            ),
            long_labels: shape.long_labels,
        }
    }

    /// Every row, entity by entity, each entity's in interval order.
    pub fn rows(&self) -> impl ExactSizeIterator<Item = IntervalRow<'_>> {
        (0..self.len()).map(|at| self.row(at))
    }

    /// The rows of the entity called `name` (none when there is no such entity), in
    /// interval order.
    pub fn rows_of(&self, name: &str) -> Vec<IntervalRow<'_>> {
        let intervals = self.shape.intervals();
        match self.shape.entity_names.iter().position(|n| n == name) {
            Some(entity) => (entity * intervals..(entity + 1) * intervals)
                .map(|at| self.row(at))
                .collect(),
            None => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Estimate;

    /// Two channels over 8 days of 12-hour intervals, the first day a warm-up: each table
    /// row's value is its position, so a row read back shows where it came from.
    fn table() -> IntervalTable {
        let scenario = crate::scenario::parse_scenario_str(
            "[simulation]\nhorizon = \"8d\"\ninterval = \"12h\"\nwarmup = \"1d\"\n[channels.chat]\nkind = \"async\"\nsla = { within = \"1h\", target = 0.8 }\nhandle_time = { distribution = \"fixed\", value = \"1m\" }\n[channels.email]\nkind = \"async\"\nsla = { within = \"4h\", target = 0.8 }\nhandle_time = { distribution = \"fixed\", value = \"1m\" }\n[arrivals.chat]\nrate_per_hour = 1\n[arrivals.email]\nrate_per_hour = 1\n[groups.g]\nheadcount = 1\nchannels = [\"chat\", \"email\"]\n",
            "t",
        )
        .expect("valid");
        let shape = IntervalTableShape::new(
            &scenario,
            vec!["chat".into(), "email".into()],
            vec![Metric::Offered, Metric::SlaAttainment],
        );
        let cells = shape.rows() * shape.metrics().len();
        let means = (0..cells).map(|cell| cell as f64).collect();
        let mut half_widths: Vec<f64> = vec![0.5; cells];
        half_widths[1] = f64::NAN;
        shape.with_figures(means, half_widths, vec![3; cells])
    }

    #[track_caller]
    fn check(row: IntervalRow<'_>, name: &str, interval_idx: usize, label: &str, offered: f64) {
        assert_eq!(row.name, name);
        assert_eq!(row.interval_idx, interval_idx);
        assert_eq!(row.start_seconds, interval_idx as f64 * 43_200.0);
        assert_eq!(row.start_label(), label);
        assert_eq!(row.active_disruptions, "");
        let expected = Estimate {
            mean: Some(offered),
            ci95: Some(0.5),
            n: 3,
        };
        assert_eq!(row.metrics.estimate(Metric::Offered), expected);
    }

    #[test]
    fn a_row_is_found_from_its_position() {
        let table = table();
        // 14 reported intervals (the first two are the warm-up) for each of two channels.
        assert_eq!(table.len(), 28);
        check(table.row(0), "chat", 2, "d2 Tue 00:00", 0.0);
        check(table.row(13), "chat", 15, "d8 Mon 12:00", 26.0);
        check(table.row(14), "email", 2, "d2 Tue 00:00", 28.0);
        assert_eq!(table.rows().count(), 28);
        let email = table.rows_of("email");
        assert_eq!(email.len(), 14);
        check(email[1], "email", 3, "d2 Tue 12:00", 30.0);
        assert!(table.rows_of("phone").is_empty());
        // An absent half-width reads back as none; the metrics come in column order.
        let first = table.row(0).metrics;
        assert_eq!(first.estimate(Metric::SlaAttainment).ci95, None);
        assert_eq!(first.estimate(Metric::SlaAttainment).mean, Some(1.0));
        let metrics: Vec<Metric> = first.keys().copied().collect();
        assert_eq!(metrics, [Metric::Offered, Metric::SlaAttainment]);
        assert_eq!(table.row(0).metrics.get(Metric::Handled), None);
    }
}
