//! What one replication counts: per (channel, interval) and (group, interval), per
//! disruption, and for routing and customer issues. Plain data the recorder fills and
//! `metrics` reads; each counter type knows how to add itself over a span of intervals.

use serde::{Deserialize, Serialize};

use super::grid::Grid;

/// Counts for one channel in one reporting interval (by arrival interval).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct ChannelIntervalCounts {
    /// Contacts that arrived while the channel was open (deflected self-service included).
    pub offered: u64,
    /// Contacts that arrived while the channel was closed (not offered).
    pub arrived_closed: u64,
    /// Self-service contacts resolved without an agent.
    pub deflected: u64,
    /// Contacts an agent started on (picked up, first response for tickets).
    pub answered: u64,
    pub answered_within_sla: u64,
    /// Contacts that had to wait (found no agent free on arrival).
    pub delayed: u64,
    pub abandoned: u64,
    pub abandoned_after_sla: u64,
    /// Contacts whose service finished.
    pub handled: u64,
    pub waiting_at_end: u64,
    pub in_service_at_end: u64,
    pub wait_sum_answered: f64,
    pub wait_sum_abandoned: f64,
    pub handle_time_sum: f64,
    /// After-call work of the handled contacts (`wrap_up`), apart from their handle time.
    pub wrap_up_time_sum: f64,
    /// Contacts moved to another channel (overflow, callback) after being offered here.
    pub converted_out: u64,
    /// Contacts that came from another channel (overflow, callback, after-hours ticket);
    /// included in `offered`.
    pub converted_in: u64,
    /// Follow-up contacts of a handoff that reached the channel: included in `offered`, or
    /// in `arrived_closed` when they came while it was closed.
    pub followups_in: u64,
    /// Callback attempts that missed the customer (the contact stays offered and waiting).
    pub callback_attempts_failed: u64,
    /// Callbacks given up after their last missed attempt: they leave the channel unanswered.
    pub callbacks_lost: u64,
    /// Arrivals while closed turned into a ticket on another channel (not offered here).
    pub after_hours_tickets: u64,
    /// Arrivals while closed acknowledged and held for opening (offered here).
    pub held_after_hours: u64,
    pub callbacks_offered: u64,
    pub callbacks_accepted: u64,
    /// Offered here during a channel outage and neither moved to the backup channel nor kept:
    /// customers lost to the outage.
    pub lost_to_outage: u64,
    /// Most contacts waiting at once during the interval (by time, not arrival).
    pub max_queue_length: u32,
    /// Integral of the number waiting over the interval, in contact-seconds.
    pub queue_area: f64,
}

impl std::ops::AddAssign<&ChannelIntervalCounts> for ChannelIntervalCounts {
    /// Counts over a longer span: sums, except the largest queue, which is the larger.
    /// (Every field is named, so a new counter cannot be forgotten here.)
    fn add_assign(&mut self, other: &ChannelIntervalCounts) {
        let ChannelIntervalCounts {
            offered,
            arrived_closed,
            deflected,
            answered,
            answered_within_sla,
            delayed,
            abandoned,
            abandoned_after_sla,
            handled,
            waiting_at_end,
            in_service_at_end,
            wait_sum_answered,
            wait_sum_abandoned,
            handle_time_sum,
            wrap_up_time_sum,
            converted_out,
            converted_in,
            followups_in,
            callback_attempts_failed,
            callbacks_lost,
            after_hours_tickets,
            held_after_hours,
            callbacks_offered,
            callbacks_accepted,
            lost_to_outage,
            max_queue_length,
            queue_area,
        } = *other;
        self.offered += offered;
        self.arrived_closed += arrived_closed;
        self.deflected += deflected;
        self.answered += answered;
        self.answered_within_sla += answered_within_sla;
        self.delayed += delayed;
        self.abandoned += abandoned;
        self.abandoned_after_sla += abandoned_after_sla;
        self.handled += handled;
        self.waiting_at_end += waiting_at_end;
        self.in_service_at_end += in_service_at_end;
        self.wait_sum_answered += wait_sum_answered;
        self.wait_sum_abandoned += wait_sum_abandoned;
        self.handle_time_sum += handle_time_sum;
        self.wrap_up_time_sum += wrap_up_time_sum;
        self.converted_out += converted_out;
        self.converted_in += converted_in;
        self.followups_in += followups_in;
        self.callback_attempts_failed += callback_attempts_failed;
        self.callbacks_lost += callbacks_lost;
        self.after_hours_tickets += after_hours_tickets;
        self.held_after_hours += held_after_hours;
        self.callbacks_offered += callbacks_offered;
        self.callbacks_accepted += callbacks_accepted;
        self.lost_to_outage += lost_to_outage;
        self.max_queue_length = self.max_queue_length.max(max_queue_length);
        self.queue_area += queue_area;
    }
}

impl ChannelIntervalCounts {
    /// The counts of a span of intervals added together.
    pub fn total(rows: &[ChannelIntervalCounts]) -> ChannelIntervalCounts {
        let mut total = ChannelIntervalCounts::default();
        for row in rows {
            total += row;
        }
        total
    }
}

/// Agent figures for one group in one reporting interval.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct GroupIntervalCounts {
    /// Integral of the agents the schedule puts on the floor (shifts less breaks),
    /// agent-seconds.
    pub scheduled_area: f64,
    /// Integral of the agents available to take work (scheduled less absence, shrinkage and
    /// outages), agent-seconds.
    pub available_area: f64,
    /// Integral of logged-in agents (on shift, or finishing work after it), agent-seconds.
    pub logged_in_area: f64,
    /// Integral of agents on shift, agent-seconds: the time occupancy is measured against.
    pub on_shift_area: f64,
    /// Integral of busy agents (capacity in use / capacity), agent-seconds.
    pub busy_area: f64,
    /// The part of `busy_area` worked by agents past their shift's end, finishing a contact.
    pub past_shift_busy_area: f64,
    /// The part of `busy_area` spent on after-call work (`wrap_up`).
    pub wrap_up_area: f64,
    pub handled: u64,
}

impl std::ops::AddAssign<&GroupIntervalCounts> for GroupIntervalCounts {
    /// Figures over a longer span: every integral and count sums.
    fn add_assign(&mut self, other: &GroupIntervalCounts) {
        let GroupIntervalCounts {
            scheduled_area,
            available_area,
            logged_in_area,
            on_shift_area,
            busy_area,
            past_shift_busy_area,
            wrap_up_area,
            handled,
        } = *other;
        self.scheduled_area += scheduled_area;
        self.available_area += available_area;
        self.logged_in_area += logged_in_area;
        self.on_shift_area += on_shift_area;
        self.busy_area += busy_area;
        self.past_shift_busy_area += past_shift_busy_area;
        self.wrap_up_area += wrap_up_area;
        self.handled += handled;
    }
}

impl GroupIntervalCounts {
    /// The figures of a span of intervals added together.
    pub fn total(rows: &[GroupIntervalCounts]) -> GroupIntervalCounts {
        let mut total = GroupIntervalCounts::default();
        for row in rows {
            total += row;
        }
        total
    }
}

/// What one disruption event did in one replication (contacts that arrived at or after the
/// warm-up).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct DisruptionCounts {
    /// Channel outage: contacts that could not reach the channel (arrivals, follow-ups and
    /// those waiting when it went down), and of those the ones that moved to the backup
    /// channel and the ones lost.
    pub displaced: u64,
    pub converted_to_backup: u64,
    pub lost: u64,
    /// Waiting customers told where to go when the outage started.
    pub notified: u64,
    /// Contacts under the outage's SLA extension: answered, answered within the extended
    /// window, abandoned after it.
    pub extended_answered: u64,
    pub extended_within: u64,
    pub extended_abandoned_after: u64,
    /// Volume spike: arrivals added (multiplier above 1) or removed (below 1).
    pub extra_arrivals: u64,
    pub removed_arrivals: u64,
    /// Spam: bot contacts, and where each went.
    pub bot_arrivals: u64,
    pub bot_rate_limited: u64,
    pub bot_filtered: u64,
    /// Arrived while the channel was closed: dropped like any contact refused then.
    pub bot_refused_closed: u64,
    pub bot_reached_agents: u64,
    pub bot_handled: u64,
    pub bot_agent_seconds: f64,
    pub bot_left_at_end: u64,
    pub bot_lost_to_outage: u64,
}

/// Routing, cross-channel and issue figures of one replication (whole horizon, counted
/// contacts and issues only).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FlowCounts {
    /// `[rule_idx]`: contacts routed by each routing rule, and those answered by a group the
    /// rule widened to.
    pub rule_routed: Vec<u64>,
    pub rule_widened: Vec<u64>,
    /// `[overflow_idx]`: conversions made, and offers declined (the customer stayed queued).
    pub overflow_converted: Vec<u64>,
    pub overflow_declined: Vec<u64>,
    /// `[(from_channel, to_channel)]`: follow-ups, and those with their context.
    pub handoffs: Grid<u64>,
    pub handoffs_context_preserved: Grid<u64>,
    /// `[(group_idx, channel_idx)]`: contacts handled and agent-seconds spent.
    pub group_channel_handled: Grid<u64>,
    pub group_channel_seconds: Grid<f64>,
    /// Issues that ended (no contact open or pending), and of those: resolved (last contact
    /// handled), resolved on two or more channels, reopened, with two or more contacts.
    pub issues_closed: u64,
    pub issues_resolved: u64,
    pub issues_resolved_multichannel: u64,
    pub issues_reopened: u64,
    pub issues_repeat_contact: u64,
    pub issues_open_at_end: u64,
    /// Over resolved issues: sum of channels used, and of first contact to last handled.
    pub resolved_channels_sum: u64,
    pub resolution_seconds_sum: f64,
    /// Channel switches of ended issues, and those with context preserved.
    pub switches: u64,
    pub switches_with_context: u64,
    /// Issues opened (the flows above balance: started = closed + open at end).
    pub issues_started: u64,
    /// Customer behaviour (`customer_behaviour.rs`).
    pub customers: CustomerCounts,
}

/// What customers did beyond one queue, in one replication (counted contacts only):
/// attempts, bots, callback attempts, duplicates. Vectors are empty when the scenario has
/// nothing they count.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CustomerCounts {
    /// `[channel_idx]`: new contacts (a customer's first attempt) per channel.
    pub first_attempts: Vec<u64>,
    /// `[channel_idx]`: customers trying again who reached the channel (its bot, or its
    /// agents: offered, or arrived while closed).
    pub retries: Vec<u64>,
    /// `[channel_idx]`: contacts a bot handed to the channel's agents, and duplicates worked
    /// in full that reached it (offered, or arrived while closed).
    pub escalations_in: Vec<u64>,
    pub duplicates_in: Vec<u64>,
    /// Customers who gave up (abandoned, refused while closed, callback lost) and did not
    /// try again; and of those, the ones whose last attempt was an abandonment.
    pub gave_up_for_good: u64,
    pub abandoned_for_good: u64,
    /// `[channel_idx]`: contacts that met the channel's bot, and what became of them.
    pub bot_entered: Vec<u64>,
    pub bot_contained: Vec<u64>,
    pub bot_escalated: Vec<u64>,
    pub bot_in_progress_at_end: Vec<u64>,
    /// `[channel_idx]`: agent work the contained contacts would have needed, seconds.
    pub bot_work_saved_seconds: Vec<f64>,
    /// `[attempt - 1]`: callbacks that reached the customer at each attempt.
    pub callback_reached_on_attempt: Vec<u64>,
    /// `[attempt - 1]`: callback attempts that missed, by attempt (a miss at the last
    /// attempt loses the callback).
    pub callback_missed_on_attempt: Vec<u64>,
    /// Agent time spent on callback attempts that missed, seconds.
    pub callback_failed_seconds: f64,
    /// `[duplicate_idx]`: second contacts made, and of those the ones merged into the open one.
    pub duplicates: Vec<u64>,
    pub duplicates_merged: Vec<u64>,
    /// Agent time spent on duplicates worked in full (handle time), seconds.
    pub duplicate_agent_seconds: f64,
}
