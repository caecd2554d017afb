//! Staffing sweeps: one group's headcount stepped over a range, every other setting fixed, and
//! per level the SLA attainment, ASA and abandonment of every channel with their confidence
//! intervals. Every level runs the same seeds, so the contacts are the same at each level
//! (common random numbers) and the differences between levels are the staffing's, not noise.

use serde::Serialize;

use crate::error::SimulationError;
use crate::metric::Metric;
use crate::metrics::summary::summarise;
use crate::scenario::{Headcount, Scenario};
use crate::simulate::{Execution, run_replications};
use crate::stats::Estimate;

/// How the swept group's headcount is set at each level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SweepMode {
    /// The level is a constant headcount in every interval.
    Agents,
    /// The level is added to the scheduled headcount of every interval (never below zero).
    Change,
}

/// What to sweep.
#[derive(Debug, Clone)]
pub struct SweepSpec {
    pub group_idx: usize,
    pub mode: SweepMode,
    pub levels: Vec<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SweepReport {
    pub omnisim_version: String,
    pub scenario: String,
    pub group: String,
    pub mode: SweepMode,
    pub seed: u64,
    pub replications: u32,
    pub levels: Vec<SweepLevel>,
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct SweepLevel {
    pub level: i64,
    /// The group's mean scheduled headcount per reported interval at this level.
    pub mean_scheduled_agents: f64,
    pub group_occupancy: Estimate,
    pub channels: Vec<SweepChannel>,
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct SweepChannel {
    pub name: String,
    pub sla_target: Option<f64>,
    pub sla_attainment: Estimate,
    pub asa_seconds: Estimate,
    pub abandonment_rate: Estimate,
    pub meets_sla_target: Option<bool>,
}

/// The group's headcount at `level`. A shift roster changed by a level becomes a
/// per-interval headcount (its mean per interval, rounded, plus the level).
pub fn headcount_at_level(
    base: &Headcount,
    mode: SweepMode,
    level: i64,
    settings: &crate::scenario::SimulationSettings,
) -> Headcount {
    let shift = |count: u32| (i64::from(count) + level).max(0) as u32;
    match (mode, base) {
        (SweepMode::Change, Headcount::Shifts(_)) => Headcount::PerInterval(
            (0..settings.n_intervals())
                .map(|i| shift(base.mean_in_interval(i, settings.interval_seconds).round() as u32))
                .collect(),
        ),
        (SweepMode::Agents, _) => Headcount::Constant(level.max(0) as u32),
        (SweepMode::Change, Headcount::Constant(count)) => Headcount::Constant(shift(*count)),
        (SweepMode::Change, Headcount::PerInterval(counts)) => {
            Headcount::PerInterval(counts.iter().map(|&c| shift(c)).collect())
        }
    }
}

/// Runs every level; `execution.on_replication` hears of every replication of every level.
pub fn run_sweep(
    scenario: &Scenario,
    spec: &SweepSpec,
    execution: Execution<'_>,
) -> Result<SweepReport, SimulationError> {
    let all: Vec<usize> = (0..spec.levels.len()).collect();
    let levels = run_sweep_levels(scenario, spec, &all, execution)?;
    Ok(sweep_report(scenario, spec, levels))
}

/// Runs the levels at `level_indices` (positions in `spec.levels`: a shard's share); each is
/// the same whatever else runs.
pub fn run_sweep_levels(
    scenario: &Scenario,
    spec: &SweepSpec,
    level_indices: &[usize],
    execution: Execution<'_>,
) -> Result<Vec<SweepLevel>, SimulationError> {
    // Every level's replications have the scenario's shape: each level counts into the
    // grids of the level before.
    let pool = crate::simulate::GridPool::default();
    let execution = execution.reusing_grids(&pool);
    level_indices
        .iter()
        .map(|&index| sweep_level(scenario, spec, spec.levels[index], execution))
        .collect()
}

/// The report of every level, in order (from one run, or merged from shards).
pub fn sweep_report(scenario: &Scenario, spec: &SweepSpec, levels: Vec<SweepLevel>) -> SweepReport {
    let settings = scenario.simulation();
    SweepReport {
        omnisim_version: env!("CARGO_PKG_VERSION").to_string(),
        scenario: scenario.name().to_string(),
        group: scenario.groups()[spec.group_idx].name.clone(),
        mode: spec.mode,
        seed: settings.seed,
        replications: settings.replications,
        levels,
    }
}

/// One level: the scenario with the swept group at `level`, simulated and summarised.
fn sweep_level(
    scenario: &Scenario,
    spec: &SweepSpec,
    level: i64,
    execution: Execution<'_>,
) -> Result<SweepLevel, SimulationError> {
    let settings = scenario.simulation();
    let headcount = headcount_at_level(
        &scenario.groups()[spec.group_idx].headcount,
        spec.mode,
        level,
        settings,
    );
    let varied = scenario
        .clone()
        .with_headcounts([(spec.group_idx, headcount)])
        .map_err(SimulationError::Staffing)?;
    let (results, _) = run_replications(&varied, execution)?;
    let summary = summarise(&varied, &crate::metrics::digest::digests(&varied, &results));
    execution.give_back(results);
    let reported = settings.first_reported_interval()..settings.n_intervals();
    let n_reported = reported.len().max(1) as f64;
    let headcount = &varied.groups()[spec.group_idx].headcount;
    Ok(SweepLevel {
        level,
        mean_scheduled_agents: reported
            .map(|i| headcount.mean_in_interval(i, settings.interval_seconds))
            .sum::<f64>()
            / n_reported,
        group_occupancy: summary.groups[spec.group_idx].metrics[&Metric::Occupancy],
        channels: summary
            .channels
            .iter()
            .filter(|channel| channel.kind != "self_service")
            .map(|channel| SweepChannel {
                name: channel.name.clone(),
                sla_target: channel.sla_target,
                sla_attainment: channel.metrics[&Metric::SlaAttainment],
                asa_seconds: channel.metrics[&Metric::AsaSeconds],
                abandonment_rate: channel.metrics[&Metric::AbandonmentRate],
                meets_sla_target: channel.meets_sla_target,
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headcount_levels() {
        let schedule = Headcount::PerInterval(vec![0, 3, 5]);
        let settings = crate::scenario::SimulationSettings {
            horizon_seconds: 3.0 * 3600.0,
            interval_seconds: 3600.0,
            warmup_seconds: 0.0,
            replications: 1,
            seed: 1,
        };
        let check = |mode, level, want: Headcount| {
            assert_eq!(headcount_at_level(&schedule, mode, level, &settings), want);
        };
        check(SweepMode::Agents, 7, Headcount::Constant(7));
        check(SweepMode::Change, 2, Headcount::PerInterval(vec![2, 5, 7]));
        check(SweepMode::Change, -4, Headcount::PerInterval(vec![0, 0, 1]));
        assert_eq!(
            headcount_at_level(&Headcount::Constant(4), SweepMode::Change, -1, &settings),
            Headcount::Constant(3)
        );
    }
}
