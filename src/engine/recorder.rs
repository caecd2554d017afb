//! Streaming statistics for one replication: counters per (channel, interval) and
//! (group, interval), time integrals of queue length and busy agents, and the answered
//! waits of each channel (`waits.rs`). Nothing is stored per contact, so memory does not grow with the
//! number of contacts simulated.
//!
//! Contact counts are attributed to the interval in which the contact arrived (the usual
//! workforce-management convention); time integrals to the interval in which time passed.
//! The recorder decides attribution from the contact itself (customer or bot, before or
//! after the warm-up), so the engine's handlers report what happened and never filter.

use super::counts::{ChannelIntervalCounts, DisruptionCounts, FlowCounts, GroupIntervalCounts};
use super::grid::Grid;
use super::state::{Contact, ContactState, Party};
use super::waits::WaitHistograms;
use crate::scenario::{DisruptionKind, Scenario};

/// A group's agents and busy capacity at one moment, as the engine's pool holds them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GroupLoad {
    /// On shift, or finishing work after it.
    pub logged_in: u32,
    /// On shift.
    pub on_shift: u32,
    /// Capacity units in use, by every logged-in agent.
    pub busy_units: u32,
    /// Capacity units in use by agents whose shift has ended (finishing their last contacts).
    pub past_shift_busy_units: u32,
    /// Capacity units in use for after-call work (`wrap_up`).
    pub wrap_up_units: u32,
}

#[derive(Debug)]
pub struct Recorder {
    current_interval: usize,
    warmup_seconds: f64,
    pub channel_intervals: Grid<ChannelIntervalCounts>,
    pub group_intervals: Grid<GroupIntervalCounts>,
    /// `[channel_idx]`: the SLA threshold (infinite without an SLA).
    sla_thresholds: Vec<f64>,
    /// `[disruption_idx]`: how much longer a channel outage's extended SLA is (0 otherwise).
    sla_extensions: Vec<f64>,
    queue_lengths: Vec<u32>,
    queue_changed_at: Vec<f64>,
    /// `[group_idx]`: the agents and busy capacity since the group last changed.
    group_load: Vec<GroupLoad>,
    group_scheduled: Vec<u32>,
    group_available: Vec<u32>,
    group_staffing_changed_at: Vec<f64>,
    /// `[group_idx]`: capacity units of one agent (its messaging concurrency).
    group_capacity_units: Vec<f64>,
    group_changed_at: Vec<f64>,
    waits: WaitHistograms,
    pub flows: FlowCounts,
    /// `[disruption_idx]`.
    pub disruptions: Vec<DisruptionCounts>,
}

impl Recorder {
    /// A recorder with no counts, counting into `spare` grids when they fit.
    pub fn new(scenario: &Scenario, spare: Option<super::SpareGrids>) -> Recorder {
        let settings = scenario.simulation();
        let (n_channels, n_groups) = (scenario.channels().len(), scenario.groups().len());
        let n_intervals = settings.n_intervals();
        let routing = scenario.routing();
        let sla_thresholds: Vec<f64> = scenario
            .channels()
            .iter()
            .map(|c| c.sla.map_or(f64::INFINITY, |sla| sla.threshold_seconds))
            .collect();
        let (channel_intervals, group_intervals) = match spare {
            Some(spare) => (
                spare.channel_intervals.reset_to(n_channels, n_intervals),
                spare.group_intervals.reset_to(n_groups, n_intervals),
            ),
            None => (
                Grid::new(n_channels, n_intervals),
                Grid::new(n_groups, n_intervals),
            ),
        };
        Recorder {
            current_interval: 0,
            warmup_seconds: settings.warmup_seconds,
            channel_intervals,
            group_intervals,
            waits: WaitHistograms::new(settings.horizon_seconds, sla_thresholds.clone()),
            sla_thresholds,
            sla_extensions: scenario
                .disruptions()
                .iter()
                .map(|disruption| match disruption.kind {
                    DisruptionKind::ChannelOutage {
                        sla_extension_seconds,
                        ..
                    } => sla_extension_seconds,
                    _ => 0.0,
                })
                .collect(),
            queue_lengths: vec![0; n_channels],
            queue_changed_at: vec![0.0; n_channels],
            group_load: vec![GroupLoad::default(); n_groups],
            group_scheduled: vec![0; n_groups],
            group_available: vec![0; n_groups],
            group_staffing_changed_at: vec![0.0; n_groups],
            group_capacity_units: scenario
                .groups()
                .iter()
                .map(|g| f64::from(g.concurrency))
                .collect(),
            group_changed_at: vec![0.0; n_groups],
            flows: FlowCounts {
                rule_routed: vec![0; routing.rules.len()],
                rule_widened: vec![0; routing.rules.len()],
                overflow_converted: vec![0; routing.overflows.len()],
                overflow_declined: vec![0; routing.overflows.len()],
                handoffs: Grid::new(n_channels, n_channels),
                handoffs_context_preserved: Grid::new(n_channels, n_channels),
                group_channel_handled: Grid::new(n_groups, n_channels),
                group_channel_seconds: Grid::new(n_groups, n_channels),
                customers: super::behaviour_recorder::customer_counts(scenario),
                ..FlowCounts::default()
            },
            disruptions: vec![DisruptionCounts::default(); scenario.disruptions().len()],
        }
    }

    // Attribution: every figure about a contact is decided here, from the contact. A
    // customer who reached its channel after the warm-up counts in the channel's cell of
    // its arrival interval; a bot counts only in its spam disruption's figures.

    /// The channel cell a contact's figures go to, if it is a customer that counts.
    #[inline]
    pub(super) fn customer_cell(
        &mut self,
        contact: &Contact,
    ) -> Option<&mut ChannelIntervalCounts> {
        match contact.party {
            Party::Customer { .. } if contact.counted => Some(
                &mut self.channel_intervals
                    [(contact.channel_idx as usize, contact.interval_idx as usize)],
            ),
            _ => None,
        }
    }

    /// The spam disruption's figures a bot's go to, if it counts.
    #[inline]
    fn bot_counts(&mut self, contact: &Contact) -> Option<&mut DisruptionCounts> {
        match contact.party {
            Party::Bot { spam } if contact.counted => Some(&mut self.disruptions[spam as usize]),
            _ => None,
        }
    }

    /// Whether a moment is after the warm-up (for figures of no contact).
    #[inline]
    fn counts_at(&self, now: f64) -> bool {
        now >= self.warmup_seconds
    }

    /// A contact arrived while its channel was closed and was not taken.
    #[inline]
    pub fn refused_closed(&mut self, contact: &Contact) {
        if let Some(cell) = self.customer_cell(contact) {
            cell.arrived_closed += 1;
        }
        if let Some(counts) = self.bot_counts(contact) {
            counts.bot_refused_closed += 1;
        }
    }

    /// A self-service contact resolved without an agent.
    #[inline]
    pub fn deflected(&mut self, contact: &Contact) {
        if let Some(cell) = self.customer_cell(contact) {
            cell.offered += 1;
            cell.deflected += 1;
        }
    }

    /// A bot got past the rate limit and the filter, to the agents' queues.
    #[inline]
    pub fn bot_reached_agents(&mut self, contact: &Contact) {
        if let Some(counts) = self.bot_counts(contact) {
            counts.bot_reached_agents += 1;
        }
    }

    /// A handoff's follow-up contact reached its channel.
    #[inline]
    pub fn followup_in(&mut self, contact: &Contact) {
        if let Some(cell) = self.customer_cell(contact) {
            cell.followups_in += 1;
        }
    }

    /// A contact arriving while its channel was closed became a ticket on another channel.
    #[inline]
    pub fn after_hours_ticket(&mut self, contact: &Contact) {
        if let Some(cell) = self.customer_cell(contact) {
            cell.arrived_closed += 1;
            cell.after_hours_tickets += 1;
        }
    }

    /// A contact arriving while its channel was closed was held for the opening.
    #[inline]
    pub fn held_after_hours(&mut self, contact: &Contact) {
        if let Some(cell) = self.customer_cell(contact) {
            cell.arrived_closed += 1;
            cell.held_after_hours += 1;
        }
    }

    /// A contact was offered on its channel; `delayed` when no agent took it at once.
    #[inline]
    pub fn offered(&mut self, contact: &Contact, delayed: bool) {
        if contact.callback_tries > 0 {
            return; // a callback tried again after a miss was offered at its first attempt
        }
        if let Some(cell) = self.customer_cell(contact) {
            cell.offered += 1;
            cell.delayed += u64::from(delayed);
        }
    }

    /// A routing rule routed the contact.
    #[inline]
    pub fn routed_by_rule(&mut self, contact: &Contact, rule_idx: usize) {
        if self.customer_cell(contact).is_some() {
            self.flows.rule_routed[rule_idx] += 1;
        }
    }

    /// A group the contact's rule widens to took it.
    #[inline]
    pub fn widened_by_rule(&mut self, contact: &Contact, rule_idx: usize) {
        if self.customer_cell(contact).is_some() {
            self.flows.rule_widened[rule_idx] += 1;
        }
    }

    /// An agent started on the contact after `wait_seconds` on its SLA clock. A requeued
    /// contact was answered already and is not counted again.
    #[inline]
    pub fn answered(&mut self, contact: &Contact, wait_seconds: f64) {
        if contact.requeued {
            return;
        }
        let channel_idx = contact.channel_idx as usize;
        let within = wait_seconds <= self.sla_thresholds[channel_idx];
        let Some(cell) = self.customer_cell(contact) else {
            return;
        };
        cell.answered += 1;
        cell.answered_within_sla += u64::from(within);
        cell.wait_sum_answered += wait_seconds;
        self.waits.record(channel_idx, wait_seconds);
        self.extended_sla(contact, true, wait_seconds);
    }

    /// The contact gave up after `wait_seconds` on its SLA clock.
    #[inline]
    pub fn abandoned(&mut self, contact: &Contact, wait_seconds: f64) {
        let after = wait_seconds > self.sla_thresholds[contact.channel_idx as usize];
        let Some(cell) = self.customer_cell(contact) else {
            return;
        };
        cell.abandoned += 1;
        cell.abandoned_after_sla += u64::from(after);
        cell.wait_sum_abandoned += wait_seconds;
        self.extended_sla(contact, false, wait_seconds);
    }

    /// A contact under a channel outage's SLA extension was answered or abandoned.
    #[inline]
    fn extended_sla(&mut self, contact: &Contact, answered: bool, wait_seconds: f64) {
        let Party::Customer {
            sla_extension: Some(disruption_idx),
        } = contact.party
        else {
            return;
        };
        let disruption_idx = disruption_idx as usize;
        let within =
            self.sla_thresholds[contact.channel_idx as usize] + self.sla_extensions[disruption_idx];
        let counts = &mut self.disruptions[disruption_idx];
        if answered {
            counts.extended_answered += 1;
            counts.extended_within += u64::from(wait_seconds <= within);
        } else {
            counts.extended_abandoned_after += u64::from(wait_seconds > within);
        }
    }

    /// An agent of `group_idx` finished the contact after `handle_seconds`.
    #[inline]
    pub fn handled(&mut self, contact: &Contact, group_idx: usize, handle_seconds: f64) {
        if let Some(counts) = self.bot_counts(contact) {
            counts.bot_handled += 1;
            counts.bot_agent_seconds += handle_seconds;
            return;
        }
        let Some(cell) = self.customer_cell(contact) else {
            return;
        };
        cell.handled += 1;
        cell.handle_time_sum += handle_seconds;
        let (channel_idx, interval_idx) =
            (contact.channel_idx as usize, contact.interval_idx as usize);
        self.group_intervals[(group_idx, interval_idx)].handled += 1;
        self.flows.group_channel_handled[(group_idx, channel_idx)] += 1;
        self.flows.group_channel_seconds[(group_idx, channel_idx)] += handle_seconds;
    }

    /// Its agent does `wrap_seconds` of after-call work for a handled contact.
    #[inline]
    pub fn wrapped_up(&mut self, contact: &Contact, wrap_seconds: f64) {
        if let Some(counts) = self.bot_counts(contact) {
            counts.bot_agent_seconds += wrap_seconds;
            return;
        }
        if let Some(cell) = self.customer_cell(contact) {
            cell.wrap_up_time_sum += wrap_seconds;
        }
    }

    /// The contact, offered on its channel, leaves it for another (overflow, callback,
    /// channel move, outage backup).
    #[inline]
    pub fn converted_out(&mut self, contact: &Contact) {
        if let Some(cell) = self.customer_cell(contact) {
            cell.converted_out += 1;
        }
    }

    /// The contact reached its channel from another one.
    #[inline]
    pub fn converted_in(&mut self, contact: &Contact) {
        if let Some(cell) = self.customer_cell(contact) {
            cell.converted_in += 1;
        }
    }

    /// An overflow rule offered the contact another channel; `accepted` or declined.
    #[inline]
    pub fn overflow_offered(&mut self, contact: &Contact, overflow_idx: usize, accepted: bool) {
        if self.customer_cell(contact).is_none() {
            return;
        }
        if accepted {
            self.flows.overflow_converted[overflow_idx] += 1;
        } else {
            self.flows.overflow_declined[overflow_idx] += 1;
        }
    }

    /// The contact was offered a callback; `accepted` or declined.
    #[inline]
    pub fn callback_offered(&mut self, contact: &Contact, accepted: bool) {
        if let Some(cell) = self.customer_cell(contact) {
            cell.callbacks_offered += 1;
            cell.callbacks_accepted += u64::from(accepted);
        }
    }

    /// The handled contact leads to a follow-up on `to_channel`.
    #[inline]
    pub fn handed_off(&mut self, contact: &Contact, to_channel: usize, context_preserved: bool) {
        if self.customer_cell(contact).is_none() {
            return;
        }
        let cell = (contact.channel_idx as usize, to_channel);
        self.flows.handoffs[cell] += 1;
        self.flows.handoffs_context_preserved[cell] += u64::from(context_preserved);
    }

    /// A channel outage displaced the contact: a new arrival (counted as offered here) or one
    /// that was waiting (`was_waiting`, told where to go when `notified`); it moves to the
    /// backup channel (`converts`) or is lost. A bot is simply lost.
    #[inline]
    pub fn displaced(
        &mut self,
        contact: &Contact,
        disruption_idx: usize,
        was_waiting: bool,
        notified: bool,
        converts: bool,
    ) {
        if let Some(counts) = self.bot_counts(contact) {
            counts.bot_lost_to_outage += 1;
            return;
        }
        let Some(cell) = self.customer_cell(contact) else {
            return;
        };
        if !was_waiting {
            cell.offered += 1;
        }
        if !converts {
            cell.lost_to_outage += 1;
        }
        let counts = &mut self.disruptions[disruption_idx];
        counts.displaced += 1;
        counts.notified += u64::from(was_waiting && notified);
        if converts {
            counts.converted_to_backup += 1;
        } else {
            counts.lost += 1;
        }
    }

    /// A contact still waiting or in service at the horizon.
    #[inline]
    pub fn left_at_end(&mut self, contact: &Contact) {
        if let Some(counts) = self.bot_counts(contact) {
            counts.bot_left_at_end += 1;
            return;
        }
        // A requeued contact was answered once: it is still in service, not waiting. A
        // callback between attempts (pending), or on an attempt that will miss, waits.
        let waiting = !contact.requeued
            && (contact.state != ContactState::InService || contact.failed_attempt);
        if let Some(cell) = self.customer_cell(contact) {
            if waiting {
                cell.waiting_at_end += 1;
            } else {
                cell.in_service_at_end += 1;
            }
        }
    }

    // Figures of a disruption that concern no contact yet.

    /// A volume dip removed an arrival at `now`.
    pub fn arrival_removed(&mut self, disruption_idx: usize, now: f64) {
        if self.counts_at(now) {
            self.disruptions[disruption_idx].removed_arrivals += 1;
        }
    }

    /// A volume spike added an arrival at `now`.
    pub fn arrival_added(&mut self, disruption_idx: usize, now: f64) {
        if self.counts_at(now) {
            self.disruptions[disruption_idx].extra_arrivals += 1;
        }
    }

    /// A bot of a spam disruption arrived at `now`: rate-limited, caught by the filter, or
    /// on its way to the agents.
    pub fn bot_arrived(&mut self, disruption_idx: usize, now: f64, limited: bool, caught: bool) {
        if self.counts_at(now) {
            let counts = &mut self.disruptions[disruption_idx];
            counts.bot_arrivals += 1;
            counts.bot_rate_limited += u64::from(limited);
            counts.bot_filtered += u64::from(!limited && caught);
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

    /// A group's agents or busy units changed at `now`.
    #[inline]
    pub fn group_changed(&mut self, group_idx: usize, now: f64, load: GroupLoad) {
        self.accumulate_group(group_idx, now);
        self.group_load[group_idx] = load;
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
        let load = self.group_load[group_idx];
        let capacity = self.group_capacity_units[group_idx];
        slot.logged_in_area += f64::from(load.logged_in) * elapsed;
        slot.on_shift_area += f64::from(load.on_shift) * elapsed;
        slot.busy_area += f64::from(load.busy_units) / capacity * elapsed;
        // Mostly nothing is past its shift or in after-call work; the divisions are skipped
        // then, adding the zero they would give (a group's capacity is at least 1).
        if load.past_shift_busy_units != 0 {
            slot.past_shift_busy_area += f64::from(load.past_shift_busy_units) / capacity * elapsed;
        }
        if load.wrap_up_units != 0 {
            slot.wrap_up_area += f64::from(load.wrap_up_units) / capacity * elapsed;
        }
        self.group_changed_at[group_idx] = now;
    }

    /// Closes the time integrals at `now` (an interval boundary or the horizon) and, when
    /// `next_interval` is given, opens it with the queue lengths carried over.
    pub fn roll_interval(&mut self, now: f64, next_interval: Option<usize>) {
        for channel_idx in 0..self.queue_lengths.len() {
            let length = self.queue_lengths[channel_idx];
            self.queue_changed(channel_idx, now, length);
        }
        for group_idx in 0..self.group_load.len() {
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
    /// `waits::wait_distribution_points_seconds` (NaN where nothing was answered).
    pub fn wait_distribution_shares(&mut self) -> Vec<Vec<f64>> {
        self.waits.distribution_shares()
    }

    /// Answered-wait quantiles (`waits::WAIT_QUANTILES`) per channel, seconds.
    pub fn wait_quantiles_seconds(&mut self) -> Vec<[f64; 4]> {
        self.waits.quantiles_seconds()
    }

    /// Records no answered waits from now on (`Detail::CountersOnly`).
    pub fn skip_wait_histograms(&mut self) {
        self.waits.turn_off();
    }
}
