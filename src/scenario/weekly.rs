//! What repeats week by week: a channel's operating hours (open windows since Monday 00:00)
//! and its arrival profile (a Poisson rate constant on segments of a repeating cycle), with
//! the questions the engine, the planner and validation ask of them.

/// When a channel takes contacts. Time 0 of a simulation is Monday 00:00.
#[derive(Debug, Clone, PartialEq)]
pub enum OperatingHours {
    Always,
    /// Sorted, non-overlapping [open, close) windows in seconds since Monday 00:00.
    Weekly {
        windows: Vec<(f64, f64)>,
    },
}

impl OperatingHours {
    pub fn is_open(&self, time_seconds: f64) -> bool {
        match self {
            OperatingHours::Always => true,
            OperatingHours::Weekly { windows } => {
                let in_week = time_seconds.rem_euclid(crate::units::SECONDS_PER_WEEK);
                let after = windows.partition_point(|&(open, _)| open <= in_week);
                after > 0 && in_week < windows[after - 1].1
            }
        }
    }

    /// The first time after `time_seconds` at which the channel opens or closes (infinite
    /// when it is always open).
    pub fn next_change_after(&self, time_seconds: f64) -> f64 {
        match self {
            OperatingHours::Always => f64::INFINITY,
            OperatingHours::Weekly { windows } => {
                let week_start = (time_seconds / crate::units::SECONDS_PER_WEEK).floor()
                    * crate::units::SECONDS_PER_WEEK;
                let in_week = time_seconds - week_start;
                windows
                    .iter()
                    .flat_map(|&(open, close)| [open, close])
                    .find(|&edge| edge > in_week)
                    .map_or(
                        week_start + crate::units::SECONDS_PER_WEEK + windows[0].0,
                        |edge| week_start + edge,
                    )
            }
        }
    }

    /// Seconds of open time in [from, to).
    pub fn open_seconds_between(&self, from: f64, to: f64) -> f64 {
        match self {
            OperatingHours::Always => to - from,
            OperatingHours::Weekly { windows } => {
                let open_before = |time: f64| {
                    let weeks = (time / crate::units::SECONDS_PER_WEEK).floor();
                    let in_week = time - weeks * crate::units::SECONDS_PER_WEEK;
                    let per_week: f64 = windows.iter().map(|(open, close)| close - open).sum();
                    weeks * per_week
                        + windows
                            .iter()
                            .map(|&(open, close)| (in_week.min(close) - open).max(0.0))
                            .sum::<f64>()
                };
                (open_before(to) - open_before(from)).max(0.0)
            }
        }
    }
}

/// A Poisson arrival rate that is constant on segments and repeats every `cycle_seconds`.
#[derive(Debug, Clone, PartialEq)]
pub struct ArrivalProfile {
    pub cycle_seconds: f64,
    /// Start of each segment within the cycle; the first is 0, strictly increasing.
    pub segment_starts: Vec<f64>,
    /// Arrivals per second on each segment (zero allowed).
    pub rates_per_second: Vec<f64>,
}

impl ArrivalProfile {
    /// Expected contacts per interval (`counts[i]` in the i-th interval of `interval`
    /// seconds), repeating after the last.
    pub fn per_interval(counts: &[f64], interval: f64) -> ArrivalProfile {
        ArrivalProfile {
            cycle_seconds: interval * counts.len() as f64,
            segment_starts: (0..counts.len()).map(|idx| idx as f64 * interval).collect(),
            rates_per_second: counts.iter().map(|count| count / interval).collect(),
        }
    }

    pub fn segment_end(&self, segment_idx: usize) -> f64 {
        self.segment_starts
            .get(segment_idx + 1)
            .copied()
            .unwrap_or(self.cycle_seconds)
    }

    /// The integral of the rate over [from, to): the expected number of arrivals.
    pub fn expected_arrivals(&self, from: f64, to: f64) -> f64 {
        self.cumulative(to) - self.cumulative(from)
    }

    fn cumulative(&self, time: f64) -> f64 {
        let cycles = (time / self.cycle_seconds).floor();
        let in_cycle = time - cycles * self.cycle_seconds;
        let mut total = cycles * self.volume_per_cycle();
        for (segment_idx, rate) in self.rates_per_second.iter().enumerate() {
            let start = self.segment_starts[segment_idx];
            let end = self.segment_end(segment_idx).min(in_cycle);
            if end > start {
                total += rate * (end - start);
            }
        }
        total
    }

    pub fn volume_per_cycle(&self) -> f64 {
        self.rates_per_second
            .iter()
            .enumerate()
            .map(|(segment_idx, rate)| {
                rate * (self.segment_end(segment_idx) - self.segment_starts[segment_idx])
            })
            .sum()
    }
}
