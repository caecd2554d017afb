//! `[simulation]`: horizon, reporting interval, warm-up, replications and seed; and the
//! size limits of the whole scenario (report rows, contact classes, expected contacts).

use super::checker::Checker;
use crate::scenario::raw::RawScenario;
use crate::scenario::{Limits, Scenario, SimulationSettings};
use crate::units::format_duration;

pub(crate) fn simulation(checker: &mut Checker, raw: &RawScenario) -> Option<SimulationSettings> {
    let settings = &raw.simulation;
    let horizon = checker.duration("simulation.horizon", &settings.horizon);
    let interval = checker.duration(
        "simulation.interval",
        settings.interval.as_deref().unwrap_or("30m"),
    );
    let warmup = match settings.warmup.as_deref() {
        None => Some(0.0),
        Some(text) => checker.offset("simulation.warmup", text),
    };
    let replications = settings.replications.unwrap_or(10);
    if replications < 1 || replications > i64::from(Limits::MAX_REPLICATIONS) {
        checker.fail(
            "simulation.replications",
            format!(
                "must be from 1 to {}, got {replications}",
                Limits::MAX_REPLICATIONS
            ),
        );
    }
    let (horizon, interval, warmup) = (horizon?, interval?, warmup?);
    if horizon > Limits::MAX_HORIZON_SECONDS {
        checker.fail(
            "simulation.horizon",
            format!(
                "{} is longer than the limit of one year (366d)",
                format_duration(horizon)
            ),
        );
        return None;
    }
    let n_intervals = horizon / interval;
    if interval > horizon || (n_intervals - n_intervals.round()).abs() > 1e-9 * n_intervals.max(1.0)
    {
        checker.fail(
            "simulation.interval",
            format!(
                "the horizon ({}) must be a whole number of reporting intervals ({})",
                format_duration(horizon),
                format_duration(interval)
            ),
        );
        return None;
    }
    let warmup_intervals = warmup / interval;
    if warmup >= horizon
        || (warmup_intervals - warmup_intervals.round()).abs() > 1e-9 * warmup_intervals.max(1.0)
    {
        checker.fail("simulation.warmup", format!("must be shorter than the horizon and a whole number of reporting intervals ({}), got {}", format_duration(interval), format_duration(warmup)));
        return None;
    }
    if replications < 1 || replications > i64::from(Limits::MAX_REPLICATIONS) {
        return None;
    }
    Some(SimulationSettings {
        horizon_seconds: horizon,
        interval_seconds: interval,
        warmup_seconds: warmup,
        replications: replications as u32,
        seed: settings.seed.unwrap_or(1),
    })
}

pub(crate) fn sizes(checker: &mut Checker, scenario: &Scenario) {
    let settings = scenario.simulation();
    let rows = settings.n_intervals() as u64 * scenario.channels().len() as u64;
    if rows > Limits::MAX_INTERVAL_ROWS {
        checker.fail("simulation.interval", format!("{} intervals x {} channels = {rows} report rows; at most {} (use a longer interval)", settings.n_intervals(), scenario.channels().len(), Limits::MAX_INTERVAL_ROWS));
    }
    let expected: f64 = scenario
        .channels()
        .iter()
        .filter_map(|c| c.arrivals.as_ref())
        .map(|a| a.expected_arrivals(0.0, settings.horizon_seconds))
        .sum();
    let classes = scenario.channels().len() * scenario.n_attribute_combinations();
    if classes > Limits::MAX_CONTACT_CLASSES {
        checker.fail(
            "attributes",
            format!(
                "{} channels x {} attribute combinations (issue types x segments x languages x urgencies) = {classes} contact classes; at most {} are supported",
                scenario.channels().len(),
                scenario.n_attribute_combinations(),
                Limits::MAX_CONTACT_CLASSES
            ),
        );
    }
    // NaN (an overflowing rate) fails too.
    if expected.is_nan() || expected > Limits::MAX_EXPECTED_CONTACTS {
        checker.fail(
            "arrivals",
            format!(
                "about {expected:.3e} contacts per replication; at most {:.0e} are supported",
                Limits::MAX_EXPECTED_CONTACTS
            ),
        );
    }
}
