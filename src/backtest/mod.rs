//! `omnisim backtest`: a scenario that replays a trace (`[arrivals.NAME] trace`) run over the
//! recorded period and put beside what was recorded, per interval and per day: contacts
//! offered, share answered within the SLA threshold, abandonment and ASA, each recorded
//! value against the simulated mean, its error, and whether it lies inside the simulation's
//! 95% prediction interval (mean +- t sd sqrt(1 + 1/n) over replications: where one more
//! replication would fall, the right yardstick for one recorded period).
//!
//! The recorded side comes from the replay itself (each contact's outcome and wait); the
//! staffing is the scenario's, or with `recorded_staffing` the agents the trace shows
//! present in each interval (`staffing.rs`).

pub mod staffing;

use crate::engine::ReplicationResult;
use crate::error::SimulationError;
use crate::scenario::Scenario;
use crate::scenario::replay::RecordedPatience;
use crate::simulate::{Execution, run_replications};
use crate::stats::student_t_quantile;

/// The metrics compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BacktestMetric {
    /// Contacts that reached the queue.
    Offered,
    /// Answered within the SLA threshold, over answered plus abandoned.
    ServiceLevel,
    /// Abandoned over answered plus abandoned.
    Abandonment,
    /// Mean wait of the answered, seconds.
    Asa,
}

impl BacktestMetric {
    pub const ALL: [BacktestMetric; 4] = [
        BacktestMetric::Offered,
        BacktestMetric::ServiceLevel,
        BacktestMetric::Abandonment,
        BacktestMetric::Asa,
    ];

    pub fn name(self) -> &'static str {
        match self {
            BacktestMetric::Offered => "offered",
            BacktestMetric::ServiceLevel => "service_level",
            BacktestMetric::Abandonment => "abandonment",
            BacktestMetric::Asa => "asa_seconds",
        }
    }
}

/// Counts over a span (an interval or a day) of one channel: recorded, or one replication's.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SpanCounts {
    pub offered: f64,
    pub answered: f64,
    pub answered_within: f64,
    pub abandoned: f64,
    pub wait_sum_answered: f64,
}

impl SpanCounts {
    fn add(&mut self, other: &SpanCounts) {
        self.offered += other.offered;
        self.answered += other.answered;
        self.answered_within += other.answered_within;
        self.abandoned += other.abandoned;
        self.wait_sum_answered += other.wait_sum_answered;
    }

    /// The metric's value; NaN where it is undefined (no one answered or gave up).
    pub fn value(&self, metric: BacktestMetric) -> f64 {
        let resolved = self.answered + self.abandoned;
        match metric {
            BacktestMetric::Offered => self.offered,
            BacktestMetric::ServiceLevel => self.answered_within / resolved,
            BacktestMetric::Abandonment => self.abandoned / resolved,
            BacktestMetric::Asa => self.wait_sum_answered / self.answered,
        }
    }
}

/// One metric over one span: recorded against simulated.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Comparison {
    pub recorded: f64,
    pub simulated_mean: f64,
    /// 95% prediction interval of one period's value.
    pub simulated_low: f64,
    pub simulated_high: f64,
    /// Simulated mean minus recorded.
    pub error: f64,
    pub recorded_inside: bool,
}

/// A span's comparison on every metric.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SpanComparison {
    /// Interval index, or day index.
    pub index: usize,
    pub recorded_counts_offered: f64,
    pub metrics: Vec<(BacktestMetric, Comparison)>,
}

/// One channel's backtest.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ChannelBacktest {
    pub channel: String,
    pub sla_threshold_seconds: f64,
    pub intervals: Vec<SpanComparison>,
    pub days: Vec<SpanComparison>,
    /// The whole period.
    pub total: SpanComparison,
}

/// The whole backtest.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BacktestReport {
    pub scenario: String,
    pub replications: u32,
    /// The local date of day 0 (the replayed trace's Monday).
    pub start_date: String,
    pub staffing: String,
    pub channels: Vec<ChannelBacktest>,
}

/// Why a backtest cannot run.
#[derive(Debug, thiserror::Error)]
pub enum BacktestError {
    #[error("{0}")]
    NotReplayed(String),
    #[error(transparent)]
    Simulation(#[from] SimulationError),
}

/// Runs `scenario` (whose channels replay traces) and compares it with the recording;
/// `staffing` names where its staffing came from, for the report.
pub fn backtest(
    scenario: &Scenario,
    staffing: &str,
    execution: Execution<'_>,
) -> Result<BacktestReport, BacktestError> {
    let replayed: Vec<usize> = scenario
        .channels()
        .iter()
        .enumerate()
        .filter(|(_, c)| c.replay.is_some())
        .map(|(idx, _)| idx)
        .collect();
    if replayed.is_empty() {
        return Err(BacktestError::NotReplayed(format!(
            "{} replays no trace: a backtest compares a replayed period with its recording; give a channel `[arrivals.NAME] trace = \"...\"`",
            scenario.name()
        )));
    }
    let (results, _) = run_replications(scenario, execution)?;
    let settings = scenario.simulation();
    let interval = settings.interval_seconds;
    let n_intervals = settings.n_intervals();
    let per_day = (86_400.0 / interval).round() as usize;
    let channels = replayed
        .iter()
        .map(|&channel_idx| {
            let channel = &scenario.channels()[channel_idx];
            let threshold = channel.sla.map_or(0.0, |sla| sla.threshold_seconds);
            let recorded = recorded_counts(scenario, channel_idx, threshold);
            let simulated: Vec<Vec<SpanCounts>> = results
                .iter()
                .map(|result| simulated_counts(result, channel_idx, n_intervals))
                .collect();
            let compare_spans = |spans: &[std::ops::Range<usize>]| -> Vec<SpanComparison> {
                spans
                    .iter()
                    .enumerate()
                    .map(|(index, span)| compare(index, span.clone(), &recorded, &simulated))
                    .collect()
            };
            let intervals: Vec<std::ops::Range<usize>> =
                (0..n_intervals).map(|i| i..i + 1).collect();
            let days: Vec<std::ops::Range<usize>> = (0..n_intervals.div_ceil(per_day))
                .map(|d| d * per_day..((d + 1) * per_day).min(n_intervals))
                .collect();
            ChannelBacktest {
                channel: channel.name.clone(),
                sla_threshold_seconds: threshold,
                intervals: compare_spans(&intervals),
                days: compare_spans(&days),
                total: compare(0, 0..n_intervals, &recorded, &simulated),
            }
        })
        .collect();
    let start_date = replayed
        .iter()
        .find_map(|&c| scenario.channels()[c].replay.as_ref())
        .map(|r| r.start_date.clone())
        .unwrap_or_default();
    Ok(BacktestReport {
        scenario: scenario.name().to_string(),
        replications: settings.replications,
        start_date,
        staffing: staffing.to_string(),
        channels,
    })
}

/// The recording per interval, from the replayed contacts' outcomes and waits.
fn recorded_counts(scenario: &Scenario, channel_idx: usize, threshold: f64) -> Vec<SpanCounts> {
    let settings = scenario.simulation();
    let mut counts = vec![SpanCounts::default(); settings.n_intervals()];
    let replay = scenario.channels()[channel_idx]
        .replay
        .as_ref()
        .expect("a replayed channel");
    for contact in &replay.contacts {
        let idx = ((contact.time / settings.interval_seconds) as usize).min(counts.len() - 1);
        let cell = &mut counts[idx];
        cell.offered += 1.0;
        match contact.patience {
            RecordedPatience::AtLeast(wait) => {
                let wait = f64::from(wait);
                cell.answered += 1.0;
                cell.answered_within += f64::from(u8::from(wait <= threshold));
                cell.wait_sum_answered += wait;
            }
            RecordedPatience::Exactly(_) => cell.abandoned += 1.0,
            RecordedPatience::NotRecorded => {}
        }
    }
    counts
}

/// One replication's counts per interval.
fn simulated_counts(result: &ReplicationResult, channel_idx: usize, n: usize) -> Vec<SpanCounts> {
    result
        .channel_intervals
        .row(channel_idx)
        .iter()
        .take(n)
        .map(|c| SpanCounts {
            offered: c.offered as f64,
            answered: c.answered as f64,
            answered_within: c.answered_within_sla as f64,
            abandoned: c.abandoned as f64,
            wait_sum_answered: c.wait_sum_answered,
        })
        .collect()
}

fn compare(
    index: usize,
    span: std::ops::Range<usize>,
    recorded: &[SpanCounts],
    simulated: &[Vec<SpanCounts>],
) -> SpanComparison {
    let sum = |cells: &[SpanCounts]| {
        let mut total = SpanCounts::default();
        for cell in &cells[span.clone()] {
            total.add(cell);
        }
        total
    };
    let recorded_total = sum(recorded);
    let replication_totals: Vec<SpanCounts> = simulated.iter().map(|r| sum(r)).collect();
    let metrics = BacktestMetric::ALL
        .iter()
        .map(|&metric| {
            let values: Vec<f64> = replication_totals
                .iter()
                .map(|t| t.value(metric))
                .filter(|v| v.is_finite())
                .collect();
            let recorded = recorded_total.value(metric);
            let (mean, low, high) = prediction_interval(&values);
            (
                metric,
                Comparison {
                    recorded,
                    simulated_mean: mean,
                    simulated_low: low,
                    simulated_high: high,
                    error: mean - recorded,
                    recorded_inside: low <= recorded && recorded <= high,
                },
            )
        })
        .collect();
    SpanComparison {
        index,
        recorded_counts_offered: recorded_total.offered,
        metrics,
    }
}

/// Mean and 95% prediction interval of one more value like `values`.
fn prediction_interval(values: &[f64]) -> (f64, f64, f64) {
    let n = values.len();
    if n == 0 {
        return (f64::NAN, f64::NAN, f64::NAN);
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    if n == 1 {
        return (mean, mean, mean);
    }
    let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let spread = student_t_quantile(n - 1, 0.975) * variance.sqrt() * (1.0 + 1.0 / n as f64).sqrt();
    (mean, mean - spread, mean + spread)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prediction_interval_is_wider_than_the_mean_s_interval() {
        let (mean, low, high) = prediction_interval(&[1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(mean, 3.0);
        // sd = 1.58; t(4) = 2.776; sqrt(1.2) = 1.095: half-width 4.81.
        assert!((high - mean - 4.809).abs() < 0.01, "{high}");
        assert!((mean - low - (high - mean)).abs() < 1e-12);
    }

    #[test]
    fn span_metrics_are_shares_of_the_resolved() {
        let counts = SpanCounts {
            offered: 10.0,
            answered: 6.0,
            answered_within: 3.0,
            abandoned: 2.0,
            wait_sum_answered: 60.0,
        };
        assert_eq!(counts.value(BacktestMetric::ServiceLevel), 3.0 / 8.0);
        assert_eq!(counts.value(BacktestMetric::Abandonment), 0.25);
        assert_eq!(counts.value(BacktestMetric::Asa), 10.0);
        assert!(SpanCounts::default().value(BacktestMetric::Asa).is_nan());
    }
}
