//! Streaming statistics for one replication: counters per (channel, interval) and
//! (group, interval), time integrals of queue length and busy agents, and one wait-time
//! histogram per channel. Nothing is stored per contact, so memory does not grow with the
//! number of contacts simulated.
//!
//! Contact counts are attributed to the interval in which the contact arrived (the usual
//! workforce-management convention); time integrals to the interval in which time passed.

use hdrhistogram::Histogram;

use super::counts::{ChannelIntervalCounts, EventCounts, FlowCounts, GroupIntervalCounts};
use super::grid::Grid;

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

#[derive(Debug)]
pub struct Recorder {
    current_interval: usize,
    pub channel_intervals: Grid<ChannelIntervalCounts>,
    pub group_intervals: Grid<GroupIntervalCounts>,
    sla_thresholds: Vec<f64>,
    queue_lengths: Vec<u32>,
    queue_changed_at: Vec<f64>,
    group_logged_in: Vec<u32>,
    group_busy_units: Vec<u32>,
    group_scheduled: Vec<u32>,
    group_available: Vec<u32>,
    group_staffing_changed_at: Vec<f64>,
    group_capacity_units: Vec<f64>,
    group_changed_at: Vec<f64>,
    wait_histograms: Vec<Histogram<u64>>,
    pub flows: FlowCounts,
    /// `[event_idx]`.
    pub events: Vec<EventCounts>,
}

impl Recorder {
    /// `sla_thresholds` per channel (infinite where a channel has none), `group_capacity_units`
    /// per group (its messaging concurrency).
    pub fn new(
        n_intervals: usize,
        horizon_seconds: f64,
        sla_thresholds: Vec<f64>,
        group_capacity_units: Vec<f64>,
    ) -> Recorder {
        let n_channels = sla_thresholds.len();
        let n_groups = group_capacity_units.len();
        let highest_ms = (horizon_seconds * 1000.0).ceil() as u64 + 1;
        let histogram =
            Histogram::new_with_bounds(1, highest_ms.max(2), 3).expect("valid histogram bounds");
        Recorder {
            current_interval: 0,
            channel_intervals: Grid::new(n_channels, n_intervals),
            group_intervals: Grid::new(n_groups, n_intervals),
            sla_thresholds,
            queue_lengths: vec![0; n_channels],
            queue_changed_at: vec![0.0; n_channels],
            group_logged_in: vec![0; n_groups],
            group_busy_units: vec![0; n_groups],
            group_scheduled: vec![0; n_groups],
            group_available: vec![0; n_groups],
            group_staffing_changed_at: vec![0.0; n_groups],
            group_capacity_units,
            group_changed_at: vec![0.0; n_groups],
            wait_histograms: vec![histogram; n_channels],
            flows: FlowCounts {
                handoffs: Grid::new(n_channels, n_channels),
                handoffs_context_preserved: Grid::new(n_channels, n_channels),
                group_channel_handled: Grid::new(n_groups, n_channels),
                group_channel_seconds: Grid::new(n_groups, n_channels),
                ..FlowCounts::default()
            },
            events: Vec::new(),
        }
    }

    /// Sizes the per-rule and per-event counters.
    pub fn with_rules(mut self, n_rules: usize, n_overflows: usize, n_events: usize) -> Recorder {
        self.events = vec![EventCounts::default(); n_events];
        self.flows.rule_routed = vec![0; n_rules];
        self.flows.rule_widened = vec![0; n_rules];
        self.flows.overflow_converted = vec![0; n_overflows];
        self.flows.overflow_declined = vec![0; n_overflows];
        self
    }

    #[inline]
    pub fn converted_in_only(&mut self, channel_idx: usize, interval_idx: usize) {
        self.channel_slot(channel_idx, interval_idx).converted_in += 1;
    }

    #[inline]
    pub fn converted_out_only(&mut self, channel_idx: usize, interval_idx: usize) {
        self.channel_slot(channel_idx, interval_idx).converted_out += 1;
    }

    #[inline]
    pub fn followup_in(&mut self, channel_idx: usize, interval_idx: usize) {
        self.channel_slot(channel_idx, interval_idx).followups_in += 1;
    }

    #[inline]
    pub fn after_hours_ticket(&mut self, channel_idx: usize, interval_idx: usize) {
        let slot = self.channel_slot(channel_idx, interval_idx);
        slot.arrived_closed += 1;
        slot.after_hours_tickets += 1;
    }

    #[inline]
    pub fn held_after_hours(&mut self, channel_idx: usize, interval_idx: usize) {
        let slot = self.channel_slot(channel_idx, interval_idx);
        slot.arrived_closed += 1;
        slot.held_after_hours += 1;
    }

    #[inline]
    pub fn callback_offered(&mut self, channel_idx: usize, interval_idx: usize, accepted: bool) {
        let slot = self.channel_slot(channel_idx, interval_idx);
        slot.callbacks_offered += 1;
        slot.callbacks_accepted += u64::from(accepted);
    }

    #[inline]
    pub fn handoff(&mut self, from_channel: usize, to_channel: usize, context_preserved: bool) {
        let cell = (from_channel, to_channel);
        self.flows.handoffs[cell] += 1;
        self.flows.handoffs_context_preserved[cell] += u64::from(context_preserved);
    }

    #[inline]
    fn channel_slot(
        &mut self,
        channel_idx: usize,
        interval_idx: usize,
    ) -> &mut ChannelIntervalCounts {
        &mut self.channel_intervals[(channel_idx, interval_idx)]
    }

    #[inline]
    pub fn arrived_closed(&mut self, channel_idx: usize, interval_idx: usize) {
        self.channel_slot(channel_idx, interval_idx).arrived_closed += 1;
    }

    #[inline]
    pub fn deflected(&mut self, channel_idx: usize, interval_idx: usize) {
        let slot = self.channel_slot(channel_idx, interval_idx);
        slot.offered += 1;
        slot.deflected += 1;
    }

    #[inline]
    pub fn offered(&mut self, channel_idx: usize, interval_idx: usize, delayed: bool) {
        let slot = self.channel_slot(channel_idx, interval_idx);
        slot.offered += 1;
        slot.delayed += u64::from(delayed);
    }

    #[inline]
    pub fn answered(&mut self, channel_idx: usize, interval_idx: usize, wait_seconds: f64) {
        let within = wait_seconds <= self.sla_thresholds[channel_idx];
        let slot = self.channel_slot(channel_idx, interval_idx);
        slot.answered += 1;
        slot.answered_within_sla += u64::from(within);
        slot.wait_sum_answered += wait_seconds;
        self.wait_histograms[channel_idx].saturating_record((wait_seconds * 1000.0).round() as u64);
    }

    #[inline]
    pub fn abandoned(&mut self, channel_idx: usize, interval_idx: usize, wait_seconds: f64) {
        let after = wait_seconds > self.sla_thresholds[channel_idx];
        let slot = self.channel_slot(channel_idx, interval_idx);
        slot.abandoned += 1;
        slot.abandoned_after_sla += u64::from(after);
        slot.wait_sum_abandoned += wait_seconds;
    }

    #[inline]
    pub fn handled(
        &mut self,
        channel_idx: usize,
        interval_idx: usize,
        group_idx: usize,
        handle_seconds: f64,
    ) {
        let slot = self.channel_slot(channel_idx, interval_idx);
        slot.handled += 1;
        slot.handle_time_sum += handle_seconds;
        self.group_intervals[(group_idx, interval_idx)].handled += 1;
        let cell = (group_idx, channel_idx);
        self.flows.group_channel_handled[cell] += 1;
        self.flows.group_channel_seconds[cell] += handle_seconds;
    }

    #[inline]
    pub fn lost_to_outage(&mut self, channel_idx: usize, interval_idx: usize) {
        self.channel_slot(channel_idx, interval_idx).lost_to_outage += 1;
    }

    /// A contact under an outage's SLA extension was answered or abandoned after `wait`.
    pub fn extended_sla(&mut self, event_idx: usize, answered: bool, wait: f64, within: f64) {
        let counts = &mut self.events[event_idx];
        if answered {
            counts.extended_answered += 1;
            counts.extended_within += u64::from(wait <= within);
        } else {
            counts.extended_abandoned_after += u64::from(wait > within);
        }
    }

    pub fn left_at_end(&mut self, channel_idx: usize, interval_idx: usize, waiting: bool) {
        let slot = self.channel_slot(channel_idx, interval_idx);
        if waiting {
            slot.waiting_at_end += 1;
        } else {
            slot.in_service_at_end += 1;
        }
    }

    /// The number waiting on a channel changed to `length` at `now`.
    #[inline]
    pub fn queue_changed(&mut self, channel_idx: usize, now: f64, length: u32) {
        let interval = self.current_interval;
        let elapsed = now - self.queue_changed_at[channel_idx];
        let previous = self.queue_lengths[channel_idx];
        let slot = &mut self.channel_intervals[(channel_idx, interval)];
        slot.queue_area += f64::from(previous) * elapsed;
        slot.max_queue_length = slot.max_queue_length.max(length);
        self.queue_lengths[channel_idx] = length;
        self.queue_changed_at[channel_idx] = now;
    }

    /// A group's logged-in agents or busy units changed at `now`.
    #[inline]
    pub fn group_changed(&mut self, group_idx: usize, now: f64, logged_in: u32, busy_units: u32) {
        self.accumulate_group(group_idx, now);
        self.group_logged_in[group_idx] = logged_in;
        self.group_busy_units[group_idx] = busy_units;
    }

    /// A group's scheduled or available agents changed at `now`.
    pub fn group_staffing(&mut self, group_idx: usize, now: f64, scheduled: u32, available: u32) {
        self.accumulate_staffing(group_idx, now);
        self.group_scheduled[group_idx] = scheduled;
        self.group_available[group_idx] = available;
    }

    /// Scheduled and available agents change rarely (shift edges, events), so their
    /// integrals are kept apart from the busy ones that change with every contact.
    fn accumulate_staffing(&mut self, group_idx: usize, now: f64) {
        let interval = self.current_interval;
        let elapsed = now - self.group_staffing_changed_at[group_idx];
        let slot = &mut self.group_intervals[(group_idx, interval)];
        slot.scheduled_area += f64::from(self.group_scheduled[group_idx]) * elapsed;
        slot.available_area += f64::from(self.group_available[group_idx]) * elapsed;
        self.group_staffing_changed_at[group_idx] = now;
    }

    #[inline]
    fn accumulate_group(&mut self, group_idx: usize, now: f64) {
        let interval = self.current_interval;
        let elapsed = now - self.group_changed_at[group_idx];
        let slot = &mut self.group_intervals[(group_idx, interval)];
        slot.logged_in_area += f64::from(self.group_logged_in[group_idx]) * elapsed;
        slot.busy_area += f64::from(self.group_busy_units[group_idx])
            / self.group_capacity_units[group_idx]
            * elapsed;
        self.group_changed_at[group_idx] = now;
    }

    /// Closes the time integrals at `now` (an interval boundary or the horizon) and, when
    /// `next_interval` is given, opens it with the queue lengths carried over.
    pub fn roll_interval(&mut self, now: f64, next_interval: Option<usize>) {
        for channel_idx in 0..self.queue_lengths.len() {
            let length = self.queue_lengths[channel_idx];
            self.queue_changed(channel_idx, now, length);
        }
        for group_idx in 0..self.group_logged_in.len() {
            self.accumulate_group(group_idx, now);
            self.accumulate_staffing(group_idx, now);
        }
        if let Some(next) = next_interval {
            self.current_interval = next;
            for channel_idx in 0..self.queue_lengths.len() {
                let length = self.queue_lengths[channel_idx];
                self.channel_intervals[(channel_idx, next)].max_queue_length = length;
            }
        }
    }

    /// Per channel, the share of answered contacts that waited at most each point of
    /// `wait_distribution_points_seconds` (NaN where nothing was answered).
    pub fn wait_distribution_shares(&self) -> Vec<Vec<f64>> {
        self.wait_histograms
            .iter()
            .zip(&self.sla_thresholds)
            .map(|(histogram, &threshold)| {
                // A wait counts as within a point when it falls in the point's histogram
                // bucket or below (as `count_between(0, point)` would count it).
                let points_ms: Vec<u64> = wait_distribution_points_seconds(threshold)
                    .into_iter()
                    .map(|seconds| histogram.highest_equivalent((seconds * 1000.0).round() as u64))
                    .collect();
                if histogram.is_empty() {
                    return vec![f64::NAN; points_ms.len()];
                }
                // One pass over the recorded buckets: each count goes to the first point at
                // or above its value, then a running sum gives "at most each point".
                let mut at_point = vec![0u64; points_ms.len()];
                for bucket in histogram.iter_recorded() {
                    let value = bucket.value_iterated_to();
                    let point_idx = points_ms.partition_point(|&point| point < value);
                    if let Some(slot) = at_point.get_mut(point_idx) {
                        *slot += bucket.count_at_value();
                    }
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
    pub fn wait_quantiles_seconds(&self) -> Vec<[f64; 4]> {
        self.wait_histograms
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
