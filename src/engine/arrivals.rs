//! Exact generation of a Poisson process whose rate is constant on segments (the scenario's
//! intervals, intraday slots or days) and repeats with the profile's cycle.
//!
//! Method: time-change of a unit-rate Poisson process. Draw E ~ Exp(1) and walk forward
//! through the segments, spending rate x length of each, until E is used up inside one; the
//! arrival is there. This is exact: there is no thinning bound to choose and no error at
//! segment boundaries, and zero-rate segments are skipped without draws.

use rand::Rng;
use rand_distr::{Distribution as _, Exp1};

use crate::scenario::ArrivalProfile;

/// The position of one channel's arrival process. Allocates nothing after construction.
#[derive(Debug, Clone)]
pub struct ArrivalClock {
    cycle_start: f64,
    segment_idx: usize,
}

impl ArrivalClock {
    pub fn new() -> ArrivalClock {
        ArrivalClock {
            cycle_start: 0.0,
            segment_idx: 0,
        }
    }

    /// A clock positioned at `time`, for a process that starts then (an event's extra
    /// arrivals); `next_arrival` must then be called with `now >= time`.
    pub fn positioned(profile: &ArrivalProfile, time: f64) -> ArrivalClock {
        let cycle_start = (time / profile.cycle_seconds).floor() * profile.cycle_seconds;
        let in_cycle = time - cycle_start;
        let segment_idx = profile
            .segment_starts
            .partition_point(|&start| start <= in_cycle)
            .max(1)
            - 1;
        ArrivalClock {
            cycle_start,
            segment_idx,
        }
    }

    /// The first arrival strictly after `now`, or `None` when it would fall at or after
    /// `horizon`. Calls must come with non-decreasing `now` (each previous arrival).
    pub fn next_arrival<R: Rng + ?Sized>(
        &mut self,
        profile: &ArrivalProfile,
        now: f64,
        horizon: f64,
        rng: &mut R,
    ) -> Option<f64> {
        let mut budget: f64 = Exp1.sample(rng);
        let mut time = now;
        loop {
            let segment_start = self.cycle_start + profile.segment_starts[self.segment_idx];
            let segment_end = self.cycle_start + profile.segment_end(self.segment_idx);
            if time < segment_start {
                time = segment_start;
            }
            if time >= horizon {
                return None;
            }
            let rate = profile.rates_per_second[self.segment_idx];
            let capacity = rate * (segment_end - time);
            if budget < capacity {
                let arrival = time + budget / rate;
                return (arrival < horizon).then_some(arrival);
            }
            budget -= capacity;
            time = segment_end;
            self.next_segment(profile);
        }
    }

    /// Moves to the profile's next segment, into the next cycle after the last.
    #[inline]
    fn next_segment(&mut self, profile: &ArrivalProfile) {
        self.segment_idx += 1;
        if self.segment_idx == profile.rates_per_second.len() {
            self.segment_idx = 0;
            self.cycle_start += profile.cycle_seconds;
        }
    }
}

/// Seconds in a day: the span of one busyness factor.
const DAY_SECONDS: f64 = 86_400.0;

impl ArrivalClock {
    /// As `next_arrival`, with the rate on day `d` multiplied by `day_factors[d]` (a forecast
    /// uncertainty's busyness; past the last day, the last factor). Segments are cut at
    /// midnight, so the method stays exact. Never inlined: the plain path stays as tight as
    /// it was without uncertainty.
    #[inline(never)]
    pub fn next_arrival_scaled<R: Rng + ?Sized>(
        &mut self,
        profile: &ArrivalProfile,
        day_factors: &[f64],
        now: f64,
        horizon: f64,
        rng: &mut R,
    ) -> Option<f64> {
        let mut budget: f64 = Exp1.sample(rng);
        let mut time = now;
        loop {
            let segment_start = self.cycle_start + profile.segment_starts[self.segment_idx];
            let segment_end = self.cycle_start + profile.segment_end(self.segment_idx);
            if time < segment_start {
                time = segment_start;
            }
            if time >= horizon {
                return None;
            }
            let day = ((time / DAY_SECONDS) as usize).min(day_factors.len() - 1);
            let day_end = (day + 1) as f64 * DAY_SECONDS;
            let piece_end = segment_end.min(day_end);
            let rate = profile.rates_per_second[self.segment_idx] * day_factors[day];
            let capacity = rate * (piece_end - time);
            if budget < capacity {
                let arrival = time + budget / rate;
                return (arrival < horizon).then_some(arrival);
            }
            budget -= capacity;
            time = piece_end;
            if piece_end == segment_end {
                self.next_segment(profile);
            }
        }
    }
}

/// Each day's busyness factor of a forecast uncertainty: gamma with mean 1 and the
/// weekday's coefficient of variation (exactly 1 on a day whose CV is zero, with no draw),
/// for `days` days from a Monday.
pub fn busyness_by_day<R: Rng + ?Sized>(
    cv_by_weekday: &[f64; 7],
    days: usize,
    rng: &mut R,
) -> Vec<f64> {
    (0..days)
        .map(|day| {
            let cv = cv_by_weekday[day % 7];
            if cv == 0.0 {
                return 1.0;
            }
            let shape = 1.0 / (cv * cv);
            rand_distr::Gamma::new(shape, cv * cv)
                .expect("validation bounds the CV to (0, 2]")
                .sample(rng)
        })
        .collect()
}

impl Default for ArrivalClock {
    fn default() -> Self {
        ArrivalClock::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rng::{StreamPurpose, stream};

    /// Counts over many replications of [0, horizon): the mean count in each window must match
    /// the integral of the rate within 4 standard errors (Poisson: variance = mean).
    #[track_caller]
    fn check(profile: &ArrivalProfile, horizon: f64, windows: &[(f64, f64)]) {
        let replications = 400;
        let mut counts = vec![0.0; windows.len()];
        for replication in 0..replications {
            let mut rng = stream(3, replication, StreamPurpose::Arrivals { channel: "test" });
            let mut clock = ArrivalClock::new();
            let mut now = 0.0;
            while let Some(arrival) = clock.next_arrival(profile, now, horizon, &mut rng) {
                assert!(arrival > now || arrival == 0.0);
                for (count, (from, to)) in counts.iter_mut().zip(windows) {
                    if arrival >= *from && arrival < *to {
                        *count += 1.0;
                    }
                }
                now = arrival;
            }
        }
        for (count, (from, to)) in counts.iter().zip(windows) {
            let expected = profile.expected_arrivals(*from, *to);
            let mean = count / f64::from(replications);
            let tolerance = 4.0 * (expected / f64::from(replications)).sqrt();
            assert!(
                (mean - expected).abs() <= tolerance,
                "window {from}..{to}: mean {mean}, expected {expected} +- {tolerance}"
            );
        }
    }

    #[test]
    fn counts_match_the_integral_of_the_rate() {
        let step = ArrivalProfile {
            cycle_seconds: 100.0,
            segment_starts: vec![0.0, 30.0, 50.0],
            rates_per_second: vec![2.0, 0.0, 0.5],
        };
        // Windows inside segments, across boundaries, in the zero segment, and a second cycle.
        check(
            &step,
            250.0,
            &[
                (0.0, 30.0),
                (25.0, 35.0),
                (30.0, 50.0),
                (45.0, 130.0),
                (100.0, 250.0),
            ],
        );
        let flat = ArrivalProfile {
            cycle_seconds: 10.0,
            segment_starts: vec![0.0],
            rates_per_second: vec![3.0],
        };
        check(&flat, 95.0, &[(0.0, 95.0), (17.0, 18.0)]);
    }

    #[test]
    fn a_positioned_clock_counts_only_after_its_start() {
        let profile = ArrivalProfile {
            cycle_seconds: 100.0,
            segment_starts: vec![0.0, 30.0, 50.0],
            rates_per_second: vec![2.0, 0.0, 0.5],
        };
        let replications = 400;
        let (from, to) = (140.0, 260.0);
        let mut total = 0.0;
        for replication in 0..replications {
            let mut rng = stream(5, replication, StreamPurpose::Arrivals { channel: "test" });
            let mut clock = ArrivalClock::positioned(&profile, from);
            let mut now = from;
            while let Some(arrival) = clock.next_arrival(&profile, now, to, &mut rng) {
                assert!(arrival > from && arrival < to);
                total += 1.0;
                now = arrival;
            }
        }
        let expected = profile.expected_arrivals(from, to);
        let mean = total / f64::from(replications);
        let tolerance = 4.0 * (expected / f64::from(replications)).sqrt();
        assert!(
            (mean - expected).abs() <= tolerance,
            "mean {mean}, expected {expected}"
        );
    }

    #[test]
    fn zero_rate_segments_get_no_arrivals() {
        let profile = ArrivalProfile {
            cycle_seconds: 20.0,
            segment_starts: vec![0.0, 10.0],
            rates_per_second: vec![0.0, 5.0],
        };
        let mut rng = stream(1, 0, StreamPurpose::Arrivals { channel: "test" });
        let mut clock = ArrivalClock::new();
        let mut now = 0.0;
        while let Some(arrival) = clock.next_arrival(&profile, now, 200.0, &mut rng) {
            assert!(
                arrival.rem_euclid(20.0) >= 10.0,
                "arrival at {arrival} in a zero-rate segment"
            );
            now = arrival;
        }
    }
}
