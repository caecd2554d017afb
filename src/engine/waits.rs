//! The answered-wait distribution of each channel in one replication, streamed into an
//! `hdrhistogram` (3 significant digits, millisecond resolution up to the horizon): the
//! reported quantiles and the points of the waiting-time distribution, with nothing stored
//! per contact. The histograms start small and grow to the longest wait recorded (waits past
//! the horizon count as the horizon), so a replication whose waits are short does not
//! allocate, zero and fault in the counts of a horizon-long histogram: with a week's horizon
//! that was 165 kB per channel per replication, and `omnisim plan` runs tens of thousands
//! of replications. The buckets do not depend on the size, so neither do the figures.
//! Non-zero waits are held back and recorded in batches of `PENDING_WAITS`, so the
//! processor overlaps the cache misses of many channels' counts.

use hdrhistogram::Histogram;

/// The quantiles of the answered-wait distribution that are reported.
pub const WAIT_QUANTILES: [f64; 4] = [0.50, 0.90, 0.95, 0.99];

/// Points of each channel's waiting-time distribution (0 to the span, evenly spaced).
pub const WAIT_DISTRIBUTION_POINTS: usize = 61;

/// How far a channel's waiting-time distribution is drawn: three SLA thresholds, or an hour
/// for a channel without an SLA.
pub fn wait_distribution_span_seconds(sla_threshold_seconds: f64) -> f64 {
    if sla_threshold_seconds.is_finite() && sla_threshold_seconds > 0.0 {
        3.0 * sla_threshold_seconds
    } else {
        3600.0
    }
}

/// The wait (seconds) at each point of a channel's waiting-time distribution.
pub fn wait_distribution_points_seconds(sla_threshold_seconds: f64) -> Vec<f64> {
    let span = wait_distribution_span_seconds(sla_threshold_seconds);
    (0..WAIT_DISTRIBUTION_POINTS)
        .map(|point_idx| span * point_idx as f64 / (WAIT_DISTRIBUTION_POINTS - 1) as f64)
        .collect()
}

/// Bytes of one channel's wait histogram over `horizon_seconds` at its largest, when some
/// wait lasts the horizon (for the resource budget).
pub fn histogram_bytes(horizon_seconds: f64) -> usize {
    let highest_ms = (horizon_seconds * 1000.0).ceil() as u64 + 1;
    Histogram::<u64>::new_with_bounds(1, highest_ms.max(2), 3).map_or(0, |histogram| {
        histogram.distinct_values() * std::mem::size_of::<u64>()
    })
}

/// `value.round() as u64`, without the call to libm's `round` that the baseline x86-64
/// target makes (once per answered wait): the conversion truncates, and the fraction it
/// dropped (exact below 2^53) says whether to round up, halves away from zero as `round`
/// does. Negative and NaN values give 0 and infinite ones `u64::MAX`, as the saturating
/// conversion does after `round`.
#[inline]
pub(super) fn rounded_to_u64(value: f64) -> u64 {
    let truncated = value as u64;
    if value - truncated as f64 >= 0.5 {
        truncated.saturating_add(1)
    } else {
        truncated
    }
}

/// One histogram of answered waits per channel (none when turned off).
#[derive(Debug)]
pub(super) struct WaitHistograms {
    histograms: Vec<Histogram<u64>>,
    /// The horizon in milliseconds: a longer wait (a contact answered while the run drains)
    /// is recorded as this.
    highest_ms: u64,
    /// `[channel_idx]`: the SLA threshold (infinite without an SLA), which sets the span of
    /// the channel's distribution.
    sla_thresholds: Vec<f64>,
    /// `[channel_idx]`: answered waits of zero not yet in the histogram. Most contacts of a
    /// well-staffed channel wait not at all; counting them here and adding them in one
    /// `record_n` before the histogram is read leaves the histogram exactly as recording
    /// each would, without touching its counts per contact.
    zero_waits: Vec<u64>,
    /// Non-zero waits not yet in the histograms, as (channel, milliseconds), at most
    /// `PENDING_WAITS`. Recording one wait costs little but a load of its count, and with
    /// many channels the counts no longer fit in cache: that load missed on most waits and
    /// the event loop stalled on it (a seventh of the time with 50 channels). Recorded in
    /// batches, the loads do not depend on one another and the processor overlaps them.
    /// The histograms hold the same counts whatever the order of recording.
    pending: Vec<(u32, u64)>,
}

/// Waits held back before they are recorded into the histograms together (4 kB).
const PENDING_WAITS: usize = 256;

impl WaitHistograms {
    pub(super) fn new(horizon_seconds: f64, sla_thresholds: Vec<f64>) -> WaitHistograms {
        let highest_ms = ((horizon_seconds * 1000.0).ceil() as u64 + 1).max(2);
        let mut histogram = Histogram::new_with_bounds(1, 2, 3).expect("valid histogram bounds");
        histogram.auto(true);
        WaitHistograms {
            histograms: vec![histogram; sla_thresholds.len()],
            highest_ms,
            zero_waits: vec![0; sla_thresholds.len()],
            sla_thresholds,
            pending: Vec::with_capacity(PENDING_WAITS),
        }
    }

    /// Drops the histograms: nothing more is recorded, and every quantile and share is NaN.
    pub(super) fn turn_off(&mut self) {
        self.histograms = Vec::new();
        self.pending = Vec::new();
    }

    #[inline]
    pub(super) fn record(&mut self, channel_idx: usize, wait_seconds: f64) {
        if self.histograms.is_empty() {
            return;
        }
        let wait_ms = rounded_to_u64(wait_seconds * 1000.0).min(self.highest_ms);
        if wait_ms == 0 {
            self.zero_waits[channel_idx] += 1;
            return;
        }
        self.pending.push((channel_idx as u32, wait_ms));
        if self.pending.len() == PENDING_WAITS {
            self.record_pending();
        }
    }

    /// Records the waits held back into their histograms.
    #[inline(never)]
    fn record_pending(&mut self) {
        for &(channel_idx, wait_ms) in &self.pending {
            let histogram = &mut self.histograms[channel_idx as usize];
            if histogram.record(wait_ms).is_err() {
                // Growing failed (a counts array past `usize`): cannot happen below the
                // horizon cap, but count the wait at the top rather than lose it.
                histogram.saturating_record(wait_ms);
            }
        }
        self.pending.clear();
    }

    /// Adds the waits held back and the zero waits counted aside to the histograms.
    fn settle_held_back_waits(&mut self) {
        self.record_pending();
        for (histogram, zeros) in self.histograms.iter_mut().zip(&mut self.zero_waits) {
            if *zeros > 0 && histogram.record_n(0, *zeros).is_err() {
                histogram.saturating_record_n(0, *zeros);
            }
            *zeros = 0;
        }
    }

    /// Per channel, the share of answered contacts that waited at most each point of
    /// `wait_distribution_points_seconds` (NaN where nothing was answered).
    pub(super) fn distribution_shares(&mut self) -> Vec<Vec<f64>> {
        self.settle_held_back_waits();
        if self.histograms.is_empty() {
            return vec![vec![f64::NAN; WAIT_DISTRIBUTION_POINTS]; self.sla_thresholds.len()];
        }
        self.histograms
            .iter()
            .zip(&self.sla_thresholds)
            .map(|(histogram, &threshold)| {
                // A wait counts as within a point when it falls in the point's histogram
                // bucket or below (as `count_between(0, point)` would count it).
                let points_ms: Vec<u64> = wait_distribution_points_seconds(threshold)
                    .into_iter()
                    .map(|seconds| histogram.highest_equivalent(rounded_to_u64(seconds * 1000.0)))
                    .collect();
                if histogram.is_empty() {
                    return vec![f64::NAN; points_ms.len()];
                }
                // The count in each point's stretch of buckets (above the previous point, up to
                // this one), then a running sum gives "at most each point". `count_between`
                // reads the counts directly, which the bucket iterators do not.
                let high = histogram.high();
                let mut at_point = vec![0u64; points_ms.len()];
                let mut previous: Option<u64> = None;
                for (slot, &point) in at_point.iter_mut().zip(&points_ms) {
                    let low = match previous {
                        None => 0,
                        // Every bucket is counted already.
                        Some(below) if below >= high => break,
                        Some(below) => below + 1,
                    };
                    if low <= point {
                        *slot = histogram.count_between(low, point);
                    }
                    previous = Some(point);
                }
                let total = histogram.len() as f64;
                let mut within = 0;
                at_point
                    .into_iter()
                    .map(|count| {
                        within += count;
                        within as f64 / total
                    })
                    .collect()
            })
            .collect()
    }

    /// Answered-wait quantiles per channel in seconds (NaN where nothing was answered).
    pub(super) fn quantiles_seconds(&mut self) -> Vec<[f64; 4]> {
        self.settle_held_back_waits();
        if self.histograms.is_empty() {
            return vec![[f64::NAN; 4]; self.sla_thresholds.len()];
        }
        self.histograms
            .iter()
            .map(|histogram| {
                WAIT_QUANTILES.map(|quantile| {
                    if histogram.is_empty() {
                        f64::NAN
                    } else {
                        histogram.value_at_quantile(quantile) as f64 / 1000.0
                    }
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rounding of waits to whole milliseconds agrees with `f64::round` everywhere:
    /// halves, the float just below a half, the halves and integers around 2^52 and 2^53,
    /// past `u64`, and the odd values; then over a fine grid of waits and their neighbours.
    #[test]
    fn rounded_to_u64_is_round_then_convert() {
        let check = |value: f64| {
            assert_eq!(rounded_to_u64(value), value.round() as u64, "{value:e}");
        };
        let two_52 = 2f64.powi(52);
        for value in [
            0.0,
            -0.0,
            0.4,
            0.5,
            0.5f64.next_down(),
            0.5f64.next_up(),
            1.5,
            2.5,
            1e-300,
            two_52 - 0.5,
            two_52 + 0.5,
            two_52 + 1.5,
            2.0 * two_52 + 2.0,
            1.8e19,
            1e20,
            -0.7,
            -0.5,
            -3.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            f64::MAX,
            f64::MIN_POSITIVE,
        ] {
            check(value);
        }
        let mut seconds = 0.0f64;
        while seconds < 50.0 {
            for value in [seconds.next_down(), seconds, seconds.next_up()] {
                check(value * 1000.0);
            }
            seconds += 0.000_25;
        }
    }

    /// Waits recorded through `WaitHistograms` (zeros counted aside) read back as the same
    /// quantiles and shares as a histogram given every wait directly.
    #[test]
    fn zero_waits_counted_aside_read_back_as_recorded() {
        let waits = [0.0, 0.0004, 12.5, 0.0, 30.0, 0.0, 7.25, 0.0, 0.0, 95.0];
        let mut streamed = WaitHistograms::new(3600.0, vec![20.0]);
        let mut direct = WaitHistograms::new(3600.0, vec![20.0]);
        for wait in waits {
            streamed.record(0, wait);
            let wait_ms = ((wait * 1000.0).round() as u64).min(direct.highest_ms);
            direct.histograms[0].record(wait_ms).unwrap();
        }
        assert_eq!(streamed.zero_waits, [6]);
        assert_eq!(streamed.quantiles_seconds(), direct.quantiles_seconds());
        assert_eq!(streamed.zero_waits, [0]);
        assert_eq!(streamed.distribution_shares(), direct.distribution_shares());
        assert_eq!(
            streamed.quantiles_seconds()[0][0],
            0.0,
            "most waited not at all"
        );
        // Turned off, nothing is counted, zeros included.
        streamed.turn_off();
        streamed.record(0, 0.0);
        assert!(streamed.quantiles_seconds()[0][0].is_nan());
    }

    /// Waits held back and recorded in batches read back as recording each at once would:
    /// over several batches and channels, with a partial batch left at the end, and read
    /// twice (a read settles what was held back, and a second read changes nothing).
    #[test]
    fn waits_held_back_read_back_as_recorded() {
        let thresholds = vec![20.0, 120.0, f64::INFINITY];
        let mut batched = WaitHistograms::new(86_400.0, thresholds.clone());
        let mut direct = WaitHistograms::new(86_400.0, thresholds);
        let n_waits = 3 * PENDING_WAITS + 17;
        for wait_idx in 0..n_waits {
            let channel_idx = wait_idx % 3;
            // Spread over six decades, with repeats and zeros.
            let wait = if wait_idx % 11 == 0 {
                0.0
            } else {
                10f64.powf((wait_idx * 7919 % 6000) as f64 / 1000.0 - 2.0)
            };
            batched.record(channel_idx, wait);
            let wait_ms = ((wait * 1000.0).round() as u64).min(direct.highest_ms);
            direct.histograms[channel_idx].record(wait_ms).unwrap();
        }
        assert!(!batched.pending.is_empty(), "a partial batch is held back");
        let quantiles = batched.quantiles_seconds();
        assert!(batched.pending.is_empty());
        assert_eq!(quantiles, direct.quantiles_seconds());
        assert_eq!(batched.distribution_shares(), direct.distribution_shares());
        assert_eq!(batched.quantiles_seconds(), quantiles);
        for (batched, direct) in batched.histograms.iter().zip(&direct.histograms) {
            assert_eq!(batched, direct);
        }
    }
}
