//! The inverse question: the fewest agents that meet a set of targets (service level, ASA,
//! abandonment, occupancy cap) for one stationary queue, and the positions to schedule once
//! shrinkage takes its share.
//!
//! A queue is Erlang C when customers never give up and Erlang A when patience is
//! exponential with a finite mean. Messaging agents that hold `concurrency` conversations at
//! once count as that many servers (no slowdown). Every measure improves with more agents, so
//! the minimum is found by bisection between a bound that fails and one that meets all.

use serde::Serialize;

use super::abandonment::{erlang_a, erlang_a_service_level};
use super::{erlang_b, erlang_c, erlang_c_service_level, offered_load};

/// One stationary queue, in one consistent time unit (the CLI and planner use seconds).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QueueModel {
    pub arrival_rate: f64,
    pub mean_handle_time: f64,
    /// Mean of exponential patience; `None` when customers never abandon (Erlang C).
    pub mean_patience: Option<f64>,
    /// Contacts one agent holds at once (1 for calls and tickets).
    pub concurrency: u32,
}

/// A target the staffing must meet.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StaffingTarget {
    /// SLA attainment (answered within `threshold` / (answered + abandoned after it)) at
    /// least `target`.
    ServiceLevel { threshold: f64, target: f64 },
    /// Mean wait of answered contacts at most this long.
    AverageSpeedOfAnswer { max_wait: f64 },
    /// Fraction of arrivals abandoning at most this.
    Abandonment { max_fraction: f64 },
    /// Agent occupancy at most this.
    Occupancy { max_occupancy: f64 },
}

/// Everything the calculator reports for one queue and staffing level.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct QueueMeasures {
    pub agents: u32,
    /// Agents times concurrency.
    pub servers: u32,
    /// Offered load in Erlangs (arrival rate times mean handle time).
    pub offered_load: f64,
    /// Erlang B: an arrival finds every server busy and there is no queue (a loss system).
    pub erlang_b_blocking: f64,
    /// The queue cannot keep up (Erlang C with load at or above servers): waits grow without
    /// bound, and the other figures are absent.
    pub unstable: bool,
    pub probability_wait: Option<f64>,
    /// Mean wait of answered contacts.
    pub average_speed_of_answer: Option<f64>,
    /// Mean wait over all arrivals, abandoned ones included.
    pub mean_wait: Option<f64>,
    pub abandonment: Option<f64>,
    pub occupancy: Option<f64>,
    /// Answered within the threshold, over all arrivals (the classic Erlang service level).
    pub answered_within_threshold: Option<f64>,
    /// omnisim's SLA attainment: answered within / (answered + abandoned after the threshold).
    pub sla_attainment: Option<f64>,
}

/// The analytic measures of `model` with `agents` agents; `threshold` for the service level.
pub fn measure(model: &QueueModel, agents: u32, threshold: Option<f64>) -> QueueMeasures {
    let servers = agents.saturating_mul(model.concurrency.max(1));
    let load = offered_load(model.arrival_rate, model.mean_handle_time);
    let mut measures = QueueMeasures {
        agents,
        servers,
        offered_load: load,
        erlang_b_blocking: erlang_b(load, servers),
        unstable: false,
        probability_wait: None,
        average_speed_of_answer: None,
        mean_wait: None,
        abandonment: None,
        occupancy: None,
        answered_within_threshold: None,
        sla_attainment: None,
    };
    if servers == 0 {
        measures.unstable = model.arrival_rate > 0.0;
        return measures;
    }
    match model.mean_patience {
        Some(patience) => {
            let a = erlang_a(
                model.arrival_rate,
                model.mean_handle_time,
                patience,
                servers,
            );
            measures.probability_wait = Some(a.probability_wait);
            measures.average_speed_of_answer = Some(a.mean_wait_answered);
            measures.mean_wait = Some(a.mean_wait);
            measures.abandonment = Some(a.probability_abandon);
            measures.occupancy = Some(a.occupancy);
            if let Some(threshold) = threshold {
                let level = erlang_a_service_level(
                    model.arrival_rate,
                    model.mean_handle_time,
                    patience,
                    servers,
                    threshold,
                );
                measures.answered_within_threshold = Some(level.answered_within);
                measures.sla_attainment = Some(level.sla_attainment);
            }
        }
        None => match erlang_c(model.arrival_rate, model.mean_handle_time, servers) {
            Some(c) => {
                measures.probability_wait = Some(c.probability_wait);
                measures.average_speed_of_answer = Some(c.mean_wait);
                measures.mean_wait = Some(c.mean_wait);
                measures.abandonment = Some(0.0);
                measures.occupancy = Some(c.occupancy);
                if let Some(threshold) = threshold {
                    let level = erlang_c_service_level(
                        model.arrival_rate,
                        model.mean_handle_time,
                        servers,
                        threshold,
                    );
                    measures.answered_within_threshold = level;
                    measures.sla_attainment = level;
                }
            }
            None => measures.unstable = true,
        },
    }
    measures
}

/// Whether `measures` meet `target`.
pub fn meets(measures: &QueueMeasures, target: &StaffingTarget) -> bool {
    let at_most = |value: Option<f64>, limit: f64| value.is_some_and(|v| v <= limit);
    match *target {
        StaffingTarget::ServiceLevel { target, .. } => {
            measures.sla_attainment.is_some_and(|level| level >= target)
        }
        StaffingTarget::AverageSpeedOfAnswer { max_wait } => {
            at_most(measures.average_speed_of_answer, max_wait)
        }
        StaffingTarget::Abandonment { max_fraction } => at_most(measures.abandonment, max_fraction),
        StaffingTarget::Occupancy { max_occupancy } => at_most(measures.occupancy, max_occupancy),
    }
}

/// The service-level threshold among the targets, if one is set.
fn threshold_of(targets: &[StaffingTarget]) -> Option<f64> {
    targets.iter().find_map(|target| match target {
        StaffingTarget::ServiceLevel { threshold, .. } => Some(*threshold),
        _ => None,
    })
}

/// The fewest agents meeting every target, with the measures there.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct StaffingRequirement {
    pub agents: u32,
    pub measures: QueueMeasures,
}

/// The fewest agents (at most `max_agents`) meeting every target; `None` when even
/// `max_agents` do not. No arrivals need no agents.
pub fn minimum_agents(
    model: &QueueModel,
    targets: &[StaffingTarget],
    max_agents: u32,
) -> Option<StaffingRequirement> {
    let threshold = threshold_of(targets);
    let meets_all = |agents: u32| {
        let measures = measure(model, agents, threshold);
        targets
            .iter()
            .all(|target| meets(&measures, target))
            .then_some(measures)
    };
    if model.arrival_rate <= 0.0 {
        return Some(StaffingRequirement {
            agents: 0,
            measures: measure(model, 0, threshold),
        });
    }
    // Grow an upper bound from the offered load, then bisect: (low fails, high meets).
    let per_agent = f64::from(model.concurrency.max(1));
    let load_agents = (offered_load(model.arrival_rate, model.mean_handle_time) / per_agent).ceil();
    let mut high = (load_agents as u32).clamp(1, max_agents.max(1));
    let mut high_measures = loop {
        if let Some(measures) = meets_all(high) {
            break measures;
        }
        if high >= max_agents {
            return None;
        }
        high = high.saturating_mul(2).min(max_agents);
    };
    let mut low = 0;
    while high - low > 1 {
        let middle = low + (high - low) / 2;
        match meets_all(middle) {
            Some(measures) => {
                high = middle;
                high_measures = measures;
            }
            None => low = middle,
        }
    }
    Some(StaffingRequirement {
        agents: high,
        measures: high_measures,
    })
}

/// Scheduled positions that leave `agents` available after `shrinkage` (a fraction of paid
/// time lost to breaks, training, absence): ceil(agents / (1 - shrinkage)).
pub fn positions_after_shrinkage(agents: u32, shrinkage: f64) -> u32 {
    // The small tolerance keeps an exact quotient (14 / 0.7 = 20) from rounding up to 21.
    (f64::from(agents) / (1.0 - shrinkage) - 1e-9)
        .ceil()
        .max(0.0) as u32
}

#[cfg(test)]
mod tests {
    //! Each case: a queue, targets, and the minimum agents a published table gives.
    use super::*;

    #[track_caller]
    fn check(model: QueueModel, targets: &[StaffingTarget], expected_agents: Option<u32>) {
        let got = minimum_agents(&model, targets, 100_000).map(|r| r.agents);
        assert_eq!(got, expected_agents, "{model:?} {targets:?}");
        // Minimal: one agent fewer fails some target.
        if let Some(agents) = got.filter(|a| *a > 0) {
            let fewer = measure(&model, agents - 1, threshold_of(targets));
            assert!(targets.iter().any(|t| !meets(&fewer, t)));
        }
    }

    fn erlang_c_model(arrival_rate: f64, mean_handle_time: f64) -> QueueModel {
        QueueModel {
            arrival_rate,
            mean_handle_time,
            mean_patience: None,
            concurrency: 1,
        }
    }

    #[test]
    fn minimum_agents_against_published_tables() {
        let sl = |threshold, target| StaffingTarget::ServiceLevel { threshold, target };
        // pyworkforce / R ErlangC: 100 per 30 min, AHT 3 min, 80% in 20 s: 14 agents.
        let pyworkforce = erlang_c_model(100.0 / 1800.0, 180.0);
        check(pyworkforce, &[sl(20.0, 0.8)], Some(14));
        // ... and with 30% shrinkage, ceil(14 / 0.7) = 20 positions.
        assert_eq!(positions_after_shrinkage(14, 0.3), 20);
        // An occupancy cap of 70% on a load of 10 Erlangs needs ceil(10 / 0.7) = 15.
        check(
            pyworkforce,
            &[
                sl(20.0, 0.8),
                StaffingTarget::Occupancy { max_occupancy: 0.7 },
            ],
            Some(15),
        );
        // Tijms Table 5.3.2: the square-root staffing table is a P(wait) target, which is the
        // service level at threshold zero.
        for (load, targets) in [(100.0, [106, 111, 115]), (1000.0, [1017, 1034, 1046])] {
            for (p_wait, want) in [0.5, 0.2, 0.1].into_iter().zip(targets) {
                check(
                    erlang_c_model(load, 1.0),
                    &[sl(0.0, 1.0 - p_wait)],
                    Some(want),
                );
            }
        }
        // Ciw M/M/3: mean wait 4.444 at c = 3, 25 at c = ... so ASA <= 5 needs 3.
        check(
            erlang_c_model(0.2, 10.0),
            &[StaffingTarget::AverageSpeedOfAnswer { max_wait: 5.0 }],
            Some(3),
        );
        // Erlang A, pyworkforce abandonment case: 14 agents give P(abandon) 0.013984 and
        // 13 give more than 2%.
        let patient = QueueModel {
            mean_patience: Some(5.0),
            ..erlang_c_model(10.0 / 3.0, 3.0)
        };
        check(
            patient,
            &[StaffingTarget::Abandonment {
                max_fraction: 0.014,
            }],
            Some(14),
        );
        // Concurrency 3: 12 servers are 4 agents.
        let chat = QueueModel {
            concurrency: 3,
            ..erlang_c_model(10.0 / 3.0, 3.0)
        };
        let twelve_servers =
            minimum_agents(&erlang_c_model(10.0 / 3.0, 3.0), &[sl(0.5, 0.8)], 1000)
                .unwrap()
                .agents;
        check(chat, &[sl(0.5, 0.8)], Some(twelve_servers.div_ceil(3)));
        // Nothing arrives: nobody needed. A cap too low: no answer.
        check(erlang_c_model(0.0, 3.0), &[sl(20.0, 0.8)], Some(0));
        assert_eq!(minimum_agents(&pyworkforce, &[sl(20.0, 0.8)], 10), None);
    }
}
