//! The exact solution of a two-skill shared-pool model, to test routing against: two
//! queues A and B, agents dedicated to each, and a shared group serving both. Arrivals
//! are Poisson, service exponential with one rate for everyone, nobody abandons.
//!
//! Routing, as the scenario in `routing.rs` configures it: a new contact goes to a free
//! dedicated agent of its skill, else to a free shared agent, else waits in its queue; a
//! freed dedicated agent takes the next of its own queue; a freed shared agent takes A
//! before B (static priority). The state (busy dedicated A, busy dedicated B, shared busy
//! on A, shared busy on B, queue A, queue B) is a continuous-time Markov chain; queues are
//! truncated at `max_queue` (the mass there is checked to be negligible) and the stationary
//! distribution is found by Gauss-Seidel iteration on the balance equations.
//!
//! `RetrialQueue` is the M/M/c+M queue whose customers redial after abandoning (an orbit),
//! solved the same way, for `behaviour.rs`.

use std::collections::BTreeMap;

/// The stationary distribution of a finite continuous-time Markov chain: the states
/// reachable from `start` under `transitions` (next state, rate), and their probabilities,
/// by Gauss-Seidel iteration on the balance equations.
fn stationary<S: Ord + Copy>(
    start: S,
    transitions: impl Fn(S) -> Vec<(S, f64)>,
) -> (Vec<S>, Vec<f64>) {
    let mut index: BTreeMap<S, usize> = BTreeMap::new();
    let mut states: Vec<S> = vec![start];
    index.insert(start, 0);
    let mut cursor = 0;
    while cursor < states.len() {
        for (next, _) in transitions(states[cursor]) {
            if let std::collections::btree_map::Entry::Vacant(entry) = index.entry(next) {
                entry.insert(states.len());
                states.push(next);
            }
        }
        cursor += 1;
    }
    let n = states.len();
    let mut incoming: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    let mut out_rate = vec![0.0; n];
    for (from, &state) in states.iter().enumerate() {
        for (next, rate) in transitions(state) {
            let to = index[&next];
            if to != from {
                incoming[to].push((from, rate));
                out_rate[from] += rate;
            }
        }
    }
    let mut pi = vec![1.0 / n as f64; n];
    for _ in 0..20_000 {
        let mut change: f64 = 0.0;
        for j in 0..n {
            let inflow: f64 = incoming[j].iter().map(|&(i, rate)| pi[i] * rate).sum();
            let updated = inflow / out_rate[j];
            change = change.max((updated - pi[j]).abs());
            pi[j] = updated;
        }
        let total: f64 = pi.iter().sum();
        pi.iter_mut().for_each(|p| *p /= total);
        if change < 1e-13 {
            break;
        }
    }
    (states, pi)
}

pub struct SharedPool {
    pub arrival_a: f64,
    pub arrival_b: f64,
    pub service_rate: f64,
    pub dedicated_a: u32,
    pub dedicated_b: u32,
    pub shared: u32,
    pub max_queue: u32,
}

type State = (u32, u32, u32, u32, u32, u32);

pub struct SharedPoolSolution {
    /// Mean waiting time in queue of A and B contacts (Little's law on the queue lengths).
    pub mean_wait_a: f64,
    pub mean_wait_b: f64,
    /// Probability that an arriving A (B) contact waits (PASTA).
    pub probability_wait_a: f64,
    pub probability_wait_b: f64,
    /// Stationary mass on states with a queue at the truncation bound.
    pub truncated_mass: f64,
}

impl SharedPool {
    fn transitions(&self, state: State) -> Vec<(State, f64)> {
        let (ia, ib, sa, sb, qa, qb) = state;
        let (na, nb, ns) = (self.dedicated_a, self.dedicated_b, self.shared);
        let mu = self.service_rate;
        let mut out = Vec::new();
        // Arrivals.
        if ia < na {
            out.push(((ia + 1, ib, sa, sb, qa, qb), self.arrival_a));
        } else if sa + sb < ns {
            out.push(((ia, ib, sa + 1, sb, qa, qb), self.arrival_a));
        } else if qa < self.max_queue {
            out.push(((ia, ib, sa, sb, qa + 1, qb), self.arrival_a));
        }
        if ib < nb {
            out.push(((ia, ib + 1, sa, sb, qa, qb), self.arrival_b));
        } else if sa + sb < ns {
            out.push(((ia, ib, sa, sb + 1, qa, qb), self.arrival_b));
        } else if qb < self.max_queue {
            out.push(((ia, ib, sa, sb, qa, qb + 1), self.arrival_b));
        }
        // Dedicated completions: take the next of their own queue.
        if ia > 0 {
            let next = if qa > 0 {
                (ia, ib, sa, sb, qa - 1, qb)
            } else {
                (ia - 1, ib, sa, sb, qa, qb)
            };
            out.push((next, f64::from(ia) * mu));
        }
        if ib > 0 {
            let next = if qb > 0 {
                (ia, ib, sa, sb, qa, qb - 1)
            } else {
                (ia, ib - 1, sa, sb, qa, qb)
            };
            out.push((next, f64::from(ib) * mu));
        }
        // Shared completions: the freed agent takes A first, then B.
        for (busy, on_a) in [(sa, true), (sb, false)] {
            if busy == 0 {
                continue;
            }
            let (sa, sb) = if on_a { (sa - 1, sb) } else { (sa, sb - 1) };
            let next = if qa > 0 {
                (ia, ib, sa + 1, sb, qa - 1, qb)
            } else if qb > 0 {
                (ia, ib, sa, sb + 1, qa, qb - 1)
            } else {
                (ia, ib, sa, sb, qa, qb)
            };
            out.push((next, f64::from(busy) * mu));
        }
        out
    }

    pub fn solve(&self) -> SharedPoolSolution {
        let (states, pi) = stationary((0, 0, 0, 0, 0, 0), |state| self.transitions(state));
        let (mut queue_a, mut queue_b, mut wait_a, mut wait_b, mut truncated) =
            (0.0, 0.0, 0.0, 0.0, 0.0);
        for (state, p) in states.iter().zip(&pi) {
            let (ia, ib, sa, sb, qa, qb) = *state;
            queue_a += f64::from(qa) * p;
            queue_b += f64::from(qb) * p;
            let shared_full = sa + sb == self.shared;
            if ia == self.dedicated_a && shared_full {
                wait_a += p;
            }
            if ib == self.dedicated_b && shared_full {
                wait_b += p;
            }
            if qa == self.max_queue || qb == self.max_queue {
                truncated += p;
            }
        }
        SharedPoolSolution {
            mean_wait_a: queue_a / self.arrival_a,
            mean_wait_b: queue_b / self.arrival_b,
            probability_wait_a: wait_a,
            probability_wait_b: wait_b,
            truncated_mass: truncated,
        }
    }
}

/// An M/M/c+M queue whose customers redial: Poisson arrivals at `arrival`, `agents` agents
/// serving at `service_rate`, waiting customers abandoning at `patience_rate`; each who
/// abandons tries again with `retry_probability` after an exponential delay of rate
/// `retry_rate` (an orbit of customers waiting to redial), with no limit on attempts. The
/// state is (in system, in orbit), truncated at `max_in_system` and `max_orbit` (the mass
/// there is reported to be checked negligible).
pub struct RetrialQueue {
    pub arrival: f64,
    pub service_rate: f64,
    pub agents: u32,
    pub patience_rate: f64,
    pub retry_probability: f64,
    pub retry_rate: f64,
    pub max_in_system: u32,
    pub max_orbit: u32,
}

pub struct RetrialSolution {
    /// Attempts (first and retries) per unit of time.
    pub attempt_rate: f64,
    /// Retries over all attempts.
    pub retry_share: f64,
    /// Abandonments over attempts.
    pub contact_abandonment: f64,
    /// Customers who abandon and do not try again, over customers.
    pub customer_abandonment: f64,
    /// Attempts that find every agent busy, over attempts (arrivals and redials see the
    /// stationary state, weighted by the rate each state sends them at).
    pub probability_wait: f64,
    pub truncated_mass: f64,
}

impl RetrialQueue {
    fn transitions(&self, (n, k): (u32, u32)) -> Vec<((u32, u32), f64)> {
        let c = self.agents;
        let mut out = Vec::new();
        if n < self.max_in_system {
            out.push(((n + 1, k), self.arrival));
            if k > 0 {
                out.push(((n + 1, k - 1), f64::from(k) * self.retry_rate));
            }
        }
        if n > 0 {
            out.push(((n - 1, k), f64::from(n.min(c)) * self.service_rate));
        }
        let waiting = f64::from(n.saturating_sub(c));
        if waiting > 0.0 {
            let abandon = waiting * self.patience_rate;
            out.push(((n - 1, k), abandon * (1.0 - self.retry_probability)));
            if k < self.max_orbit {
                out.push(((n - 1, k + 1), abandon * self.retry_probability));
            }
        }
        out
    }

    pub fn solve(&self) -> RetrialSolution {
        let (states, pi) = stationary((0, 0), |state| self.transitions(state));
        let (mut queue, mut orbit, mut truncated) = (0.0, 0.0, 0.0);
        let (mut arrivals_waiting, mut redials_waiting) = (0.0, 0.0);
        for (&(n, k), p) in states.iter().zip(&pi) {
            let waiting = f64::from(n.saturating_sub(self.agents));
            queue += waiting * p;
            orbit += f64::from(k) * p;
            if n >= self.agents {
                arrivals_waiting += p;
                redials_waiting += f64::from(k) * p;
            }
            if n == self.max_in_system || k == self.max_orbit {
                truncated += p;
            }
        }
        let redial_rate = self.retry_rate * orbit;
        let attempt_rate = self.arrival + redial_rate;
        let abandon_rate = self.patience_rate * queue;
        RetrialSolution {
            attempt_rate,
            retry_share: redial_rate / attempt_rate,
            contact_abandonment: abandon_rate / attempt_rate,
            customer_abandonment: abandon_rate * (1.0 - self.retry_probability) / self.arrival,
            probability_wait: (self.arrival * arrivals_waiting + self.retry_rate * redials_waiting)
                / attempt_rate,
            truncated_mass: truncated,
        }
    }
}
