//! The covering problem, solved exactly: how many agents to put on each shift pattern so
//! that every interval of the week has at least its required agents on the floor, at the
//! lowest weekly cost. This is Dantzig's set-covering formulation of shift scheduling, with
//! break placements as columns:
//!
//! ```text
//! minimise   sum_p cost_p x_p
//! subject to sum_p cover_{p,t} x_p >= required_t   for every interval t of the week
//!            x_p >= 0, integer
//! ```
//!
//! `cover_{p,t}` is the share of interval t pattern p is on the floor (1 for a whole
//! interval, 0.5 where a quarter-hour break falls in a half-hour interval). The integer
//! program goes to microlp's branch and bound, with the caller's time limit, node limit and
//! relative gap; the answer says why it stopped and how far from the best bound it is. The
//! better of a greedy cover and a dive down the linear relaxation seeds the search, so a
//! usable roster exists even when a limit comes before the solver's first one.

use std::time::Duration;

use microlp::{ComparisonOp, OptimizationDirection, Problem, SolveOptions, TerminationReason};
use serde::Serialize;

use super::patterns::ShiftPattern;

/// When the solver may stop.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SolverLimits {
    /// Wall-clock budget per group, a safety net (a roster stopped by it depends on the
    /// machine's speed and load).
    pub time_limit: Duration,
    /// Relative gap between the roster's cost and the best bound at which to stop.
    pub mip_gap: f64,
    /// Branch-and-bound nodes per group: the stop that is the same on every machine and
    /// thread count, so the same scenario and seed give the same roster.
    pub node_limit: Option<u64>,
}

impl Default for SolverLimits {
    fn default() -> SolverLimits {
        SolverLimits {
            time_limit: Duration::from_secs(60),
            mip_gap: 0.01,
            node_limit: Some(1000),
        }
    }
}

/// Why the solver stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SolverStop {
    /// Proven optimal.
    Optimal,
    /// Within the asked gap of the best bound.
    GapReached,
    TimeLimit,
    NodeLimit,
}

impl SolverStop {
    pub fn in_words(self) -> &'static str {
        match self {
            SolverStop::Optimal => "optimal",
            SolverStop::GapReached => "within the asked gap",
            SolverStop::TimeLimit => "stopped by the time limit",
            SolverStop::NodeLimit => "stopped by the node limit",
        }
    }
}

/// The cheapest cover found.
#[derive(Debug, Clone, PartialEq)]
pub struct Cover {
    /// `[pattern_idx]`: agents on the pattern.
    pub counts: Vec<u32>,
    /// Weekly cost of the cover.
    pub cost: f64,
    /// No cover costs less than this (the solver's proven bound).
    pub lower_bound: f64,
    /// (cost - lower_bound) / cost.
    pub gap: f64,
    pub stop: SolverStop,
    /// Branch-and-bound nodes solved.
    pub nodes: u64,
    /// Wall time of the solve (for the terminal, not the files: it varies run to run).
    pub seconds: f64,
}

/// The cheapest cover of `required` (one value per interval of the week) by `patterns`, or
/// why there is none. Every interval with a requirement must be covered by some pattern
/// (the caller checks, to name the interval).
pub fn cheapest_cover(
    patterns: &[ShiftPattern],
    required: &[u32],
    limits: &SolverLimits,
) -> Result<Cover, String> {
    if required.iter().all(|&r| r == 0) {
        return Ok(Cover {
            counts: vec![0; patterns.len()],
            cost: 0.0,
            lower_bound: 0.0,
            gap: 0.0,
            stop: SolverStop::Optimal,
            nodes: 0,
            seconds: 0.0,
        });
    }
    // The better of two feasible covers seeds the search: the greedy one, and a dive down
    // the linear relaxation (microlp's own branching finds poor incumbents on these
    // problems: on retail_week's digital team 12,320 where the dive finds 11,200).
    let mut seed = greedy_cover(patterns, required);
    if let Some(dived) = lp_dive(patterns, required)
        && cost_of(patterns, &dived) < cost_of(patterns, &seed)
    {
        seed = dived;
    }
    drop_redundant(patterns, &mut seed, required);
    let seed_cost = cost_of(patterns, &seed);
    let (problem, variables) = covering_problem(patterns, required, true);
    let mut options = SolveOptions::default();
    options.time_limit = Some(limits.time_limit);
    options.node_limit = limits.node_limit;
    options.mip_gap = limits.mip_gap;
    options.warm_start = Some(
        variables
            .iter()
            .zip(&seed)
            .map(|(&variable, &count)| (variable, f64::from(count)))
            .collect(),
    );
    let outcome = problem
        .solve_with(options)
        .map_err(|error| format!("the integer program failed: {error}"))?;
    let stats = outcome.stats();
    let stop = match outcome.termination_reason() {
        TerminationReason::ProvenOptimal => SolverStop::Optimal,
        TerminationReason::MipGap => SolverStop::GapReached,
        TerminationReason::NodeLimit => SolverStop::NodeLimit,
        _ => SolverStop::TimeLimit,
    };
    let (counts, cost) = match outcome.solution() {
        Some(solution) => {
            let counts: Vec<u32> = variables
                .iter()
                .map(|&v| solution.var_value(v).round().max(0.0) as u32)
                .collect();
            let cost = cost_of(patterns, &counts);
            // Rounding values within the integrality tolerance could uncover an interval;
            // keep the seed cover in that (unseen) case rather than a roster short of it.
            if covers(patterns, &counts, required) && cost <= seed_cost {
                (counts, cost)
            } else {
                (seed.clone(), seed_cost)
            }
        }
        None => (seed.clone(), seed_cost),
    };
    let lower_bound = stats.best_bound.unwrap_or(0.0).min(cost);
    let gap = if stop == SolverStop::Optimal || cost <= 0.0 {
        0.0
    } else {
        ((cost - lower_bound) / cost).max(0.0)
    };
    Ok(Cover {
        counts,
        cost,
        lower_bound: if stop == SolverStop::Optimal {
            cost
        } else {
            lower_bound
        },
        gap,
        stop,
        nodes: stats.nodes_solved,
        seconds: stats.elapsed.as_secs_f64(),
    })
}

/// Whether `counts` of each pattern put at least the requirement on the floor everywhere.
pub fn covers(patterns: &[ShiftPattern], counts: &[u32], required: &[u32]) -> bool {
    on_floor(patterns, counts, required.len())
        .iter()
        .zip(required)
        .all(|(&have, &need)| have + 1e-6 >= f64::from(need))
}

/// Agents on the floor per interval of the week (`week_intervals` long).
pub fn on_floor(patterns: &[ShiftPattern], counts: &[u32], week_intervals: usize) -> Vec<f64> {
    let mut floor = vec![0.0; week_intervals];
    for (pattern, &count) in patterns.iter().zip(counts) {
        if count > 0 {
            for &(interval, share) in &pattern.coverage {
                floor[interval] += share * f64::from(count);
            }
        }
    }
    floor
}

pub fn cost_of(patterns: &[ShiftPattern], counts: &[u32]) -> f64 {
    patterns
        .iter()
        .zip(counts)
        .map(|(pattern, &count)| pattern.weekly_cost * f64::from(count))
        .sum()
}

/// The covering program: a variable per pattern (integer, or its linear relaxation) costing
/// its weekly cost, and a row per interval of the week with a requirement.
fn covering_problem(
    patterns: &[ShiftPattern],
    required: &[u32],
    integer: bool,
) -> (Problem, Vec<microlp::Variable>) {
    let most = required.iter().copied().max().unwrap_or(0);
    let mut problem = Problem::new(OptimizationDirection::Minimize);
    let variables: Vec<microlp::Variable> = patterns
        .iter()
        .map(|pattern| {
            if integer {
                problem.add_integer_var(
                    pattern.weekly_cost,
                    (0, i32::try_from(most).unwrap_or(i32::MAX)),
                )
            } else {
                problem.add_var(pattern.weekly_cost, (0.0, f64::INFINITY))
            }
        })
        .collect();
    let mut rows: Vec<Vec<(microlp::Variable, f64)>> = vec![Vec::new(); required.len()];
    for (pattern, &variable) in patterns.iter().zip(&variables) {
        for &(interval, share) in &pattern.coverage {
            rows[interval].push((variable, share));
        }
    }
    for (interval, row) in rows.iter().enumerate() {
        if required[interval] > 0 {
            problem.add_constraint(
                row.as_slice(),
                ComparisonOp::Ge,
                f64::from(required[interval]),
            );
        }
    }
    (problem, variables)
}

/// A cover from the linear relaxation: solve it, round the most fractional variable up
/// (fixing it there), solve again warm, until no variable is fractional. `None` if the
/// solver fails on the way (the greedy cover then stands alone).
fn lp_dive(patterns: &[ShiftPattern], required: &[u32]) -> Option<Vec<u32>> {
    const MAX_FIXES: usize = 5_000;
    let (problem, variables) = covering_problem(patterns, required, false);
    let mut solution = problem.solve().ok()?.into_solution().ok()?;
    for _ in 0..MAX_FIXES {
        let most_fractional = variables
            .iter()
            .map(|&v| {
                let value = solution.var_value(v);
                (value - value.floor(), v)
            })
            .filter(|&(fraction, _)| fraction > 1e-6 && fraction < 1.0 - 1e-6)
            .max_by(|a, b| a.0.total_cmp(&b.0));
        let Some((_, variable)) = most_fractional else {
            let counts: Vec<u32> = variables
                .iter()
                .map(|&v| solution.var_value(v).round().max(0.0) as u32)
                .collect();
            return covers(patterns, &counts, required).then_some(counts);
        };
        let up = solution.var_value(variable).ceil();
        solution = solution.fix_var(variable, up).ok()?.into_solution().ok()?;
    }
    None
}

/// Takes agents off the dearest patterns while the cover still holds.
fn drop_redundant(patterns: &[ShiftPattern], counts: &mut [u32], required: &[u32]) {
    let mut floor = on_floor(patterns, counts, required.len());
    let mut by_cost: Vec<usize> = (0..patterns.len()).filter(|&p| counts[p] > 0).collect();
    by_cost.sort_by(|&a, &b| {
        patterns[b]
            .weekly_cost
            .total_cmp(&patterns[a].weekly_cost)
            .then(a.cmp(&b))
    });
    for pattern_idx in by_cost {
        while counts[pattern_idx] > 0
            && patterns[pattern_idx]
                .coverage
                .iter()
                .all(|&(t, share)| floor[t] - share + 1e-6 >= f64::from(required[t]))
        {
            counts[pattern_idx] -= 1;
            for &(t, share) in &patterns[pattern_idx].coverage {
                floor[t] -= share;
            }
        }
    }
}

/// A feasible cover built interval by interval: wherever the floor is short, add the
/// pattern that covers the most of the intervals still short per unit of cost.
fn greedy_cover(patterns: &[ShiftPattern], required: &[u32]) -> Vec<u32> {
    let mut counts = vec![0u32; patterns.len()];
    let mut floor = vec![0.0; required.len()];
    for interval in 0..required.len() {
        while floor[interval] + 1e-6 < f64::from(required[interval]) {
            let Some(best) = best_patch(patterns, interval, |t| {
                (f64::from(required[t]) - floor[t]).clamp(0.0, 1.0)
            }) else {
                break;
            };
            counts[best] += 1;
            for &(t, share) in &patterns[best].coverage {
                floor[t] += share;
            }
        }
    }
    counts
}

/// Among the patterns that work in `interval` (with the largest share of it), the one
/// whose `wanted` coverage (a weight per interval of the week) per unit of weekly cost is
/// largest; ties go to the pattern listed first. `None` when no pattern works then.
pub fn best_patch(
    patterns: &[ShiftPattern],
    interval: usize,
    wanted: impl Fn(usize) -> f64,
) -> Option<usize> {
    let widest = patterns
        .iter()
        .map(|p| p.covers(interval))
        .fold(0.0, f64::max);
    if widest <= 0.0 {
        return None;
    }
    let mut best: Option<(usize, f64)> = None;
    for (pattern_idx, pattern) in patterns.iter().enumerate() {
        if pattern.covers(interval) + 1e-9 < widest {
            continue;
        }
        let useful: f64 = pattern
            .coverage
            .iter()
            .map(|&(t, share)| share * wanted(t))
            .sum();
        let value = useful / pattern.weekly_cost.max(1e-9);
        if best.is_none_or(|(_, best_value)| value > best_value + 1e-12) {
            best = Some((pattern_idx, value));
        }
    }
    best.map(|(pattern_idx, _)| pattern_idx)
}
