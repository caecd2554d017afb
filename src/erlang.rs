//! Analytic queueing results the simulator is checked against, and that planning builds on:
//! Erlang B (loss), Erlang C (M/M/c), Erlang A (M/M/c+M, exponential patience).
//!
//! All functions are numerically stable for thousands of Erlangs: Erlang B uses its
//! recursion (no factorials), Erlang A sums the birth-death chain outward from its mode with
//! ratios (no overflow), truncating where terms fall below 1e-16 of the largest.
//!
//! Units: any consistent time unit (rates per second with durations in seconds, say).

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

/// Steady-state measures of an M/M/c+M queue (Erlang A, Palm's model): exponential patience
/// with mean `mean_patience`. Defined at any load, overloaded included.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ErlangA {
    /// Probability an arrival finds all agents busy and must wait.
    pub probability_wait: f64,
    /// Probability an arrival abandons before service.
    pub probability_abandon: f64,
    /// Mean time in queue over all arrivals (served and abandoned).
    pub mean_wait: f64,
    /// Mean number waiting.
    pub mean_queue_length: f64,
    /// Busy agents / agents.
    pub occupancy: f64,
}

/// Erlang A from the birth-death chain with birth rate lambda and death rate
/// min(n, c) mu + max(n - c, 0) theta. P(abandon) = theta E[Lq] / lambda (Little's law).
pub fn erlang_a(
    arrival_rate: f64,
    mean_handle_time: f64,
    mean_patience: f64,
    agents: u32,
) -> ErlangA {
    let mu = 1.0 / mean_handle_time;
    let theta = 1.0 / mean_patience;
    let c = f64::from(agents);
    let death_rate = |n: f64| n.min(c) * mu + (n - c).max(0.0) * theta;
    // Start at the mode of the chain (where the birth and death rates cross) so the
    // relative terms never overflow, then walk outward in both directions.
    let load = arrival_rate / mu;
    let mode = if load <= c {
        load.floor()
    } else {
        (c + (arrival_rate - c * mu) / theta).floor()
    };
    let mode = mode.max(0.0);
    let (mut total, mut busy_sum, mut queue_sum, mut wait_mass) = (0.0, 0.0, 0.0, 0.0);
    let mut add = |n: f64, weight: f64| {
        total += weight;
        busy_sum += weight * n.min(c);
        queue_sum += weight * (n - c).max(0.0);
        if n >= c {
            wait_mass += weight;
        }
    };
    add(mode, 1.0);
    let cutoff = 1e-16;
    let mut weight = 1.0;
    let mut n = mode;
    while n > 0.0 {
        weight *= death_rate(n) / arrival_rate;
        n -= 1.0;
        add(n, weight);
        if weight < cutoff {
            break;
        }
    }
    weight = 1.0;
    n = mode;
    loop {
        weight *= arrival_rate / death_rate(n + 1.0);
        n += 1.0;
        add(n, weight);
        if weight < cutoff && n > c {
            break;
        }
    }
    let mean_queue_length = queue_sum / total;
    ErlangA {
        probability_wait: wait_mass / total,
        probability_abandon: theta * mean_queue_length / arrival_rate,
        mean_wait: mean_queue_length / arrival_rate,
        mean_queue_length,
        occupancy: busy_sum / total / c,
    }
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
    fn erlang_a_published() {
        // pyworkforce tests/test_abandonment.py; recomputed by uniformisation.
        let a = erlang_a(10.0 / 3.0, 3.0, 5.0, 14);
        close(a.probability_wait, 0.14526, 1e-3);
        close(a.probability_abandon, 0.013984, 1e-3);
        close(a.mean_wait * 60.0, 4.195, 1e-3);
        close(a.occupancy, 0.704297, 1e-4);
        // Recomputed rows of the reference table: (lambda, mu, theta, c, P(wait), P(abandon)).
        for (lambda, mu, theta, c, wait, abandon) in [
            (100.0, 1.0, 1.0, 100, 0.5133, 0.03986),
            (100.0, 1.0, 1.0, 105, 0.3216, 0.02004),
            (100.0, 1.0, 1.0, 95, 0.7048, 0.06945),
            (50.0, 1.0, 0.5, 50, 0.6012, 0.04668),
            (10.0, 1.0, 1.0, 10, 0.5421, 0.1251),
        ] {
            let result = erlang_a(lambda, 1.0 / mu, 1.0 / theta, c);
            close(result.probability_wait, wait, 1e-3);
            close(result.probability_abandon, abandon, 1e-3);
        }
    }

    #[test]
    fn erlang_a_tends_to_erlang_c_and_survives_huge_loads() {
        let a = erlang_a(0.9, 1.0, 1e9, 1);
        close(a.mean_wait, mm1_mean_wait(0.9, 1.0).unwrap(), 1e-5);
        let huge = erlang_a(5000.0, 1.0, 2.0, 4900);
        assert!(
            huge.probability_wait.is_finite()
                && huge.probability_abandon > 0.0
                && huge.probability_abandon < 1.0
        );
        assert!(
            erlang_c(4990.0, 1.0, 5000)
                .unwrap()
                .probability_wait
                .is_finite()
        );
    }

    #[test]
    fn single_server_references() {
        close(mm1_mean_wait(0.9, 1.0).unwrap(), 9.0, 1e-12);
        close(md1_mean_wait(0.9, 1.0).unwrap(), 4.5, 1e-12);
    }
}
