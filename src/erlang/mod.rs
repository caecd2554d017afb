//! Analytic queueing results the simulator is checked against, and that planning builds on:
//! Erlang B (loss), Erlang C (M/M/c) and the single-server formulas here; Erlang A (M/M/c+M,
//! exponential patience) in `abandonment`, and with redials as Erlang X computes them in
//! `redials`; minimum staffing for a target in `staffing`.
//!
//! All functions are numerically stable for thousands of Erlangs: Erlang B uses its
//! recursion (no factorials), Erlang A sums the birth-death chain outward from its mode with
//! ratios (no overflow), truncating where terms fall below 1e-16 of the largest.
//!
//! Units: any consistent time unit (rates per second with durations in seconds, say).

pub mod abandonment;
pub mod redials;
pub mod report;
pub mod staffing;

pub use abandonment::{ErlangA, ErlangAServiceLevel, erlang_a, erlang_a_service_level};
pub use redials::{Redials, erlang_a_with_redials};
pub use staffing::{
    QueueMeasures, QueueModel, StaffingRequirement, StaffingTarget, measure, minimum_agents,
    positions_after_shrinkage,
};

/// Offered load A = lambda / mu in Erlangs, for an arrival rate and mean handle time.
pub fn offered_load(arrival_rate: f64, mean_handle_time: f64) -> f64 {
    arrival_rate * mean_handle_time
}

/// Erlang B: the probability that an arrival finds all `agents` busy in an M/M/c/c loss
/// system with offered load `load` (Erlangs). Recursion B(0) = 1, B(c) = A B(c-1) / (c + A B(c-1)).
pub fn erlang_b(load: f64, agents: u32) -> f64 {
    let mut blocking = 1.0;
    for c in 1..=agents {
        let c = f64::from(c);
        blocking = load * blocking / (c + load * blocking);
    }
    blocking
}

/// Steady-state measures of an M/M/c queue (Erlang C). `None` fields are undefined because the
/// queue is unstable (load >= agents).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ErlangC {
    /// Probability an arrival waits (all agents busy).
    pub probability_wait: f64,
    /// Mean wait in queue over all arrivals (ASA).
    pub mean_wait: f64,
    /// Mean number waiting.
    pub mean_queue_length: f64,
    /// Agent occupancy, load / agents.
    pub occupancy: f64,
}

/// Erlang C for `agents` servers, arrival rate `arrival_rate` and mean handle time
/// `mean_handle_time`; `None` when the load is at or above the number of agents.
pub fn erlang_c(arrival_rate: f64, mean_handle_time: f64, agents: u32) -> Option<ErlangC> {
    let load = offered_load(arrival_rate, mean_handle_time);
    let c = f64::from(agents);
    if agents == 0 || load >= c {
        return None;
    }
    let rho = load / c;
    let blocking = erlang_b(load, agents);
    let probability_wait = blocking / (1.0 - rho * (1.0 - blocking));
    let drain_rate = c / mean_handle_time - arrival_rate;
    let mean_wait = probability_wait / drain_rate;
    Some(ErlangC {
        probability_wait,
        mean_wait,
        mean_queue_length: arrival_rate * mean_wait,
        occupancy: rho,
    })
}

/// Erlang C service level: the fraction of arrivals answered within `threshold`,
/// 1 - C exp(-(c mu - lambda) T).
pub fn erlang_c_service_level(
    arrival_rate: f64,
    mean_handle_time: f64,
    agents: u32,
    threshold: f64,
) -> Option<f64> {
    let result = erlang_c(arrival_rate, mean_handle_time, agents)?;
    let drain_rate = f64::from(agents) / mean_handle_time - arrival_rate;
    Some(1.0 - result.probability_wait * (-drain_rate * threshold).exp())
}

/// The fewest agents whose Erlang C service level within `threshold` reaches `target`.
pub fn erlang_c_agents_for_service_level(
    arrival_rate: f64,
    mean_handle_time: f64,
    threshold: f64,
    target: f64,
) -> u32 {
    let load = offered_load(arrival_rate, mean_handle_time);
    let mut agents = (load.floor() as u32).max(1);
    loop {
        if let Some(level) =
            erlang_c_service_level(arrival_rate, mean_handle_time, agents, threshold)
            && level >= target
        {
            return agents;
        }
        agents += 1;
    }
}

/// M/M/1 mean wait in queue, rho / (mu - lambda); `None` when unstable.
pub fn mm1_mean_wait(arrival_rate: f64, mean_handle_time: f64) -> Option<f64> {
    let rho = arrival_rate * mean_handle_time;
    (rho < 1.0).then(|| rho * mean_handle_time / (1.0 - rho))
}

/// M/D/1 mean wait in queue (Pollaczek-Khinchine), half of M/M/1's.
pub fn md1_mean_wait(arrival_rate: f64, handle_time: f64) -> Option<f64> {
    mm1_mean_wait(arrival_rate, handle_time).map(|wait| wait / 2.0)
}

#[cfg(test)]
mod tests {
    //! Published values, copied from shared/reference/queueing.md with their sources.
    use super::*;

    #[track_caller]
    fn close(got: f64, want: f64, relative: f64) {
        assert!(
            (got - want).abs() <= relative * want.abs(),
            "got {got}, want {want}"
        );
    }

    #[test]
    fn erlang_b_published() {
        // Recomputed; agrees with Wolfram MathWorld's worked example ("about 0.05").
        close(erlang_b(25.0, 30), 0.05260, 1e-3);
        close(erlang_b(10.0, 14), 0.05682, 1e-3);
    }

    #[test]
    fn erlang_c_published() {
        // pyworkforce tests/test_erlang.py; R package ErlangC: 100 contacts per 30 min, AHT 3 min.
        let rate = 100.0 / 1800.0;
        let aht = 180.0;
        let c14 = erlang_c(rate, aht, 14).unwrap();
        close(c14.probability_wait, 0.174132, 1e-5);
        close(c14.mean_wait, 7.836, 1e-3);
        close(
            erlang_c_service_level(rate, aht, 14, 20.0).unwrap(),
            0.888350,
            1e-5,
        );
        close(
            erlang_c(rate, aht, 11).unwrap().probability_wait,
            0.682118,
            1e-5,
        );
        close(
            erlang_c_service_level(rate, aht, 11, 20.0).unwrap(),
            0.389614,
            1e-5,
        );
        assert_eq!(erlang_c_agents_for_service_level(rate, aht, 20.0, 0.8), 14);
        close(
            erlang_c_service_level(rate, aht, 13, 20.0).unwrap(),
            0.7956,
            1e-3,
        );
        // Ciw README: lambda 0.2, mu 0.1, c 3: C = 4/9, mean wait 4.444.
        let ciw = erlang_c(0.2, 10.0, 3).unwrap();
        close(ciw.probability_wait, 4.0 / 9.0, 1e-9);
        close(ciw.mean_wait, 4.444, 1e-3);
        assert!(erlang_c(1.0, 3.0, 3).is_none(), "load = agents is unstable");
    }

    #[test]
    fn square_root_staffing_table() {
        // Tijms, A First Course in Stochastic Models, Table 5.3.2 (exact column).
        let minimum = |load: f64, target: f64| {
            (1..)
                .find(|c| erlang_c(load, 1.0, *c).is_some_and(|r| r.probability_wait <= target))
                .unwrap()
        };
        for (load, targets) in [(100.0, [106, 111, 115]), (1000.0, [1017, 1034, 1046])] {
            for (target, want) in [0.5, 0.2, 0.1].into_iter().zip(targets) {
                assert_eq!(
                    minimum(load, target),
                    want,
                    "load {load}, P(wait) <= {target}"
                );
            }
        }
    }

    #[test]
    fn single_server_references() {
        close(mm1_mean_wait(0.9, 1.0).unwrap(), 9.0, 1e-12);
        close(md1_mean_wait(0.9, 1.0).unwrap(), 4.5, 1e-12);
    }
}
