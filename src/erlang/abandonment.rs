//! Erlang A (Palm's M/M/c+M model): Poisson arrivals, exponential handle times, `c` agents and
//! exponential patience, so customers abandon the queue. Defined at any load, overload
//! included, because abandonment keeps the queue finite.
//!
//! The number in system is a birth-death chain with birth rate lambda and death rate
//! min(n, c) mu + max(n - c, 0) theta. Its stationary distribution is summed outward from the
//! mode with ratios (no factorials, no overflow) and truncated where terms fall below 1e-16 of
//! the largest. An arrival sees that distribution (PASTA).
//!
//! Waiting-time figures follow the tagged customer: with `j` customers ahead in the queue,
//! its position advances at rate c mu + k theta (an agent frees up, or someone ahead gives
//! up) and it abandons at rate theta. Whether it is answered is then a product of competing
//! exponentials, its expected wait when answered has a closed form, and the probabilities of
//! being answered or abandoning within a threshold come from uniformisation of that
//! absorbing chain, for every `j` at once.

use statrs::distribution::{Discrete, Poisson};

/// Steady-state measures of an M/M/c+M queue.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ErlangA {
    /// Probability an arrival finds all agents busy and must wait.
    pub probability_wait: f64,
    /// Probability an arrival abandons before service.
    pub probability_abandon: f64,
    /// Mean time in queue over all arrivals (answered and abandoned).
    pub mean_wait: f64,
    /// Mean time in queue of the contacts that are answered (ASA).
    pub mean_wait_answered: f64,
    /// Mean number waiting.
    pub mean_queue_length: f64,
    /// Busy agents / agents.
    pub occupancy: f64,
}

/// What happens within a threshold T, as fractions of all arrivals, and the SLA attainment
/// as omnisim defines it (answered within T / (answered + abandoned after T)).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ErlangAServiceLevel {
    /// Answered within T, over all arrivals.
    pub answered_within: f64,
    /// Abandoned within T, over all arrivals.
    pub abandoned_within: f64,
    /// Answered within T / (1 - abandoned within T): the simulator's SLA attainment.
    pub sla_attainment: f64,
}

/// The stationary distribution of the number in system, truncated: `(first_n, probabilities)`
/// where `probabilities[i]` is P(N = first_n + i).
fn stationary_distribution(
    arrival_rate: f64,
    mu: f64,
    theta: f64,
    agents: u32,
) -> (usize, Vec<f64>) {
    let c = f64::from(agents);
    let death_rate = |n: f64| n.min(c) * mu + (n - c).max(0.0) * theta;
    // Start at the mode (where birth and death rates cross) so relative terms never overflow.
    let load = arrival_rate / mu;
    let mode = if load <= c {
        load.floor()
    } else {
        (c + (arrival_rate - c * mu) / theta).floor()
    }
    .max(0.0);
    let cutoff = 1e-16;
    let mut below = Vec::new();
    let (mut weight, mut n) = (1.0, mode);
    while n > 0.0 {
        weight *= death_rate(n) / arrival_rate;
        n -= 1.0;
        below.push(weight);
        if weight < cutoff {
            break;
        }
    }
    let first_n = n as usize;
    let mut weights: Vec<f64> = below.into_iter().rev().collect();
    weights.push(1.0);
    let (mut weight, mut n) = (1.0, mode);
    loop {
        weight *= arrival_rate / death_rate(n + 1.0);
        n += 1.0;
        weights.push(weight);
        if weight < cutoff && n > c {
            break;
        }
    }
    let total: f64 = weights.iter().sum();
    weights.iter_mut().for_each(|w| *w /= total);
    (first_n, weights)
}

/// Probability of the state `n` in a truncated distribution.
fn probability(first_n: usize, probabilities: &[f64], n: usize) -> f64 {
    n.checked_sub(first_n)
        .and_then(|i| probabilities.get(i))
        .copied()
        .unwrap_or(0.0)
}

/// Erlang A for an arrival rate, mean handle time, mean patience (finite and positive) and
/// number of agents, in one consistent time unit.
pub fn erlang_a(
    arrival_rate: f64,
    mean_handle_time: f64,
    mean_patience: f64,
    agents: u32,
) -> ErlangA {
    assert!(mean_patience.is_finite() && mean_patience > 0.0);
    let (mu, theta) = (1.0 / mean_handle_time, 1.0 / mean_patience);
    let c = agents as usize;
    let (first_n, probabilities) = stationary_distribution(arrival_rate, mu, theta, agents);
    let (mut busy, mut queue, mut wait_mass) = (0.0, 0.0, 0.0);
    for (i, p) in probabilities.iter().enumerate() {
        let n = first_n + i;
        busy += p * n.min(c) as f64;
        queue += p * n.saturating_sub(c) as f64;
        if n >= c {
            wait_mass += p;
        }
    }
    // Answered waits: with j ahead, answered with probability prod r_k / (r_k + theta) and
    // E[wait; answered] = that product times sum 1 / (r_k + theta), r_k = c mu + k theta.
    let serve_rate = f64::from(agents) * mu;
    let (mut answered_wait_sum, mut product, mut inverse_sum) = (0.0, 1.0, 0.0);
    let last_n = first_n + probabilities.len();
    for j in 0..last_n.saturating_sub(c) {
        let rate = serve_rate + j as f64 * theta;
        product *= rate / (rate + theta);
        inverse_sum += 1.0 / (rate + theta);
        answered_wait_sum += probability(first_n, &probabilities, c + j) * product * inverse_sum;
    }
    let probability_abandon = theta * queue / arrival_rate;
    ErlangA {
        probability_wait: wait_mass,
        probability_abandon,
        mean_wait: queue / arrival_rate,
        mean_wait_answered: answered_wait_sum / (1.0 - probability_abandon),
        mean_queue_length: queue,
        occupancy: busy / f64::from(agents.max(1)),
    }
}

/// Erlang A outcomes within `threshold`: answered, abandoned, and the SLA attainment.
pub fn erlang_a_service_level(
    arrival_rate: f64,
    mean_handle_time: f64,
    mean_patience: f64,
    agents: u32,
    threshold: f64,
) -> ErlangAServiceLevel {
    assert!(mean_patience.is_finite() && mean_patience > 0.0);
    let (mu, theta) = (1.0 / mean_handle_time, 1.0 / mean_patience);
    let c = agents as usize;
    let (first_n, probabilities) = stationary_distribution(arrival_rate, mu, theta, agents);
    let no_wait: f64 = (0..c)
        .map(|n| probability(first_n, &probabilities, n))
        .sum();
    let last_n = first_n + probabilities.len();
    let positions = last_n.saturating_sub(c); // j = 0 .. positions-1 customers ahead
    if positions == 0 {
        return ErlangAServiceLevel {
            answered_within: no_wait,
            abandoned_within: 0.0,
            sla_attainment: no_wait,
        };
    }
    // Uniformise the tagged customer's chain at rate Lambda = c mu + positions theta, the
    // largest total exit rate. served[k] and gave_up[k] hold the probabilities of being
    // absorbed within n steps from position k.
    let serve_rate = f64::from(agents) * mu;
    let uniform_rate = serve_rate + positions as f64 * theta;
    let advance: Vec<f64> = (0..positions)
        .map(|k| (serve_rate + k as f64 * theta) / uniform_rate)
        .collect();
    let give_up = theta / uniform_rate;
    let mut served = vec![0.0; positions];
    let mut gave_up = vec![0.0; positions];
    let mut served_within = vec![0.0; positions];
    let mut gave_up_within = vec![0.0; positions];
    let poisson_mean = uniform_rate * threshold;
    let poisson = Poisson::new(poisson_mean.max(f64::MIN_POSITIVE)).expect("positive mean");
    let mut cumulative = 0.0;
    let mut step = 0u64;
    loop {
        let weight = poisson.pmf(step);
        if weight > 0.0 {
            for k in 0..positions {
                served_within[k] += weight * served[k];
                gave_up_within[k] += weight * gave_up[k];
            }
        }
        cumulative += weight;
        // Past the mean, stop once the Poisson tail is negligible (or, since rounding can
        // keep a long sum just short of 1, twelve standard deviations out).
        let past_mean = step as f64 > poisson_mean;
        let far_tail = step as f64 > poisson_mean + 12.0 * poisson_mean.sqrt() + 30.0;
        if (past_mean && cumulative >= 1.0 - 1e-13) || far_tail || threshold <= 0.0 {
            break;
        }
        // One step: from position k, advance (to k-1, or answered from 0), give up, or stay.
        // Walk k downward so each update reads the previous step's value at k-1.
        for k in (0..positions).rev() {
            let stay = 1.0 - advance[k] - give_up;
            let (served_ahead, gave_up_ahead) = if k == 0 {
                (1.0, 0.0)
            } else {
                (served[k - 1], gave_up[k - 1])
            };
            served[k] = advance[k] * served_ahead + stay * served[k];
            gave_up[k] = advance[k] * gave_up_ahead + give_up + stay * gave_up[k];
        }
        step += 1;
    }
    let (mut answered_within, mut abandoned_within) = (no_wait, 0.0);
    for j in 0..positions {
        let p = probability(first_n, &probabilities, c + j);
        answered_within += p * served_within[j];
        abandoned_within += p * gave_up_within[j];
    }
    ErlangAServiceLevel {
        answered_within,
        abandoned_within,
        sla_attainment: answered_within / (1.0 - abandoned_within),
    }
}

#[cfg(test)]
mod tests {
    //! Published values from shared/reference/queueing.md, with their sources.
    use super::*;
    use crate::erlang::{erlang_c, erlang_c_service_level, mm1_mean_wait};

    #[track_caller]
    fn close(got: f64, want: f64, relative: f64) {
        assert!(
            (got - want).abs() <= relative * want.abs(),
            "got {got}, want {want}"
        );
    }

    #[test]
    fn erlang_a_published() {
        // pyworkforce tests/test_abandonment.py; recomputed by uniformisation.
        let a = erlang_a(10.0 / 3.0, 3.0, 5.0, 14);
        close(a.probability_wait, 0.14526, 1e-3);
        close(a.probability_abandon, 0.013984, 1e-3);
        close(a.mean_wait * 60.0, 4.195, 1e-3);
        close(a.occupancy, 0.704297, 1e-4);
        let level = erlang_a_service_level(10.0 / 3.0, 3.0, 5.0, 14, 20.0 / 60.0);
        close(level.answered_within, 0.916792, 1e-5);
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
    fn outcomes_are_consistent() {
        // Identities that hold exactly, whatever the parameters.
        for (lambda, aht, patience, c) in [
            (10.0 / 3.0, 3.0, 5.0, 14),
            (100.0, 1.0, 1.0, 95),
            (2.0, 1.0, 0.5, 1),
        ] {
            let a = erlang_a(lambda, aht, patience, c);
            // Answered waits include the zero waits, so they average below the waits of
            // those who had to queue.
            assert!(a.mean_wait_answered > 0.0);
            assert!(a.mean_wait_answered < a.mean_wait / a.probability_wait);
            // Over a threshold so long that everyone is answered or gone by then.
            let level = erlang_a_service_level(lambda, aht, patience, c, 60.0 * patience);
            close(level.answered_within + level.abandoned_within, 1.0, 1e-9);
            close(level.abandoned_within, a.probability_abandon, 1e-6);
            // At threshold zero, only those who never wait are answered within it.
            let zero = erlang_a_service_level(lambda, aht, patience, c, 0.0);
            close(zero.answered_within, 1.0 - a.probability_wait, 1e-9);
            // The service level rises with the threshold.
            let short = erlang_a_service_level(lambda, aht, patience, c, 0.1 * aht);
            let long = erlang_a_service_level(lambda, aht, patience, c, aht);
            assert!(short.answered_within < long.answered_within);
            assert!(short.sla_attainment < long.sla_attainment);
        }
    }

    #[test]
    fn tends_to_erlang_c_and_survives_huge_loads() {
        let a = erlang_a(0.9, 1.0, 1e9, 1);
        close(a.mean_wait, mm1_mean_wait(0.9, 1.0).unwrap(), 1e-5);
        close(a.mean_wait_answered, mm1_mean_wait(0.9, 1.0).unwrap(), 1e-5);
        // pyworkforce's Erlang C case with patience so long nobody abandons.
        let rate = 100.0 / 1800.0;
        let c = erlang_c(rate, 180.0, 14).unwrap();
        let a = erlang_a(rate, 180.0, 1e9, 14);
        close(a.probability_wait, c.probability_wait, 1e-5);
        close(a.mean_wait_answered, c.mean_wait, 1e-4);
        close(
            erlang_a_service_level(rate, 180.0, 1e9, 14, 20.0).sla_attainment,
            erlang_c_service_level(rate, 180.0, 14, 20.0).unwrap(),
            1e-5,
        );
        let huge = erlang_a(5000.0, 1.0, 2.0, 4900);
        assert!(
            huge.probability_wait.is_finite()
                && huge.probability_abandon > 0.0
                && huge.probability_abandon < 1.0
        );
        let level = erlang_a_service_level(5000.0, 1.0, 2.0, 4900, 0.05);
        assert!(level.sla_attainment > 0.0 && level.sla_attainment < 1.0);
    }
}
