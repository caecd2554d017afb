//! Staffing over time and disruption events.
//!
//! - Each group's *scheduled* count comes from its headcount (changing at interval
//!   boundaries) or its shift roster (changing at shift and break edges, `RosterChange`
//!   events). Its *available* count, the agents that take work, is
//!   `schedule::available_agents` of it (absence and shrinkage), or zero during a group
//!   outage; `set_headcount` brings the on-shift agents to it. Agents are anonymous: when the
//!   count drops, idle agents go first; a busy one finishes its contacts or, under the
//!   `requeue` policy, sends them back to the front of their queues.
//! - `DisruptionEdge` events start and end each event. A channel outage displaces the
//!   contacts that reach the channel (and those waiting when it goes down) to its backup
//!   channel or loses them; a volume spike adds arrivals from a stream of its own (or, below
//!   1, removes some with a thinning stream), so the base arrivals stay the same draws;
//!   spam adds bot contacts, rate-limited and filtered, that cost agent time but stay out of
//!   the channel's statistics.

use rand::RngExt;
use rand::rngs::Xoshiro256PlusPlus;

use super::event_queue::Event;
use super::state::{AgentStatus, Contact, ContactState, NO_EVENT_TAG, QueueEntry};
use super::{DrawnContact, Simulation, draw};
use crate::engine::arrivals::ArrivalClock;
use crate::engine::rng::{StreamPurpose, stream};
use crate::engine::sampling::Sampler;
use crate::scenario::schedule::available_agents;
use crate::scenario::{
    ArrivalProfile, Disruption, DisruptionKind, Headcount, InServiceAtShiftEnd, Scenario,
};

/// Marks "no event" in per-channel event slots.
pub(super) const NO_EVENT: u16 = u16::MAX;

/// Extra arrivals of one event on one channel: a volume spike's, or bots'.
pub(super) struct ExtraStream {
    event_idx: usize,
    channel_idx: usize,
    bot: bool,
    profile: ArrivalProfile,
    clock: ArrivalClock,
    end_seconds: f64,
    arrival_rng: Xoshiro256PlusPlus,
    contact_rng: Xoshiro256PlusPlus,
    handle_time: Option<Sampler>,
}

/// Run-time state of staffing and events.
pub(super) struct DisruptionState {
    /// `[group_idx]`: agents the schedule puts on the floor now.
    group_scheduled: Vec<u32>,
    /// `[group_idx]`: combined share absent through active absence events.
    group_absent_share: Vec<f64>,
    /// `[group_idx]`: active group outages.
    group_down: Vec<u16>,
    /// `[channel_idx]`: the active outage, or `NO_EVENT`.
    pub(super) channel_outage: Vec<u16>,
    /// `[channel_idx]`: the outage whose SLA extension covers contacts reaching the channel
    /// now, or `NO_EVENT_TAG`.
    pub(super) channel_extension: Vec<u8>,
    /// `[channel_idx]`: share of arrivals kept (below 1 during a volume dip), and the dip.
    pub(super) channel_keep: Vec<f64>,
    channel_keep_event: Vec<u16>,
    thinning_rngs: Vec<Xoshiro256PlusPlus>,
    /// `[event_idx]`: outage conversions, bot accounts and filtering.
    event_rngs: Vec<Xoshiro256PlusPlus>,
    streams: Vec<ExtraStream>,
    /// `[event_idx][account]`: (rate-limit window index, contacts in it).
    bot_windows: Vec<Vec<(u64, u32)>>,
    /// Contacts taken from agents leaving under the `requeue` policy, to offer again.
    requeued: Vec<u32>,
}

impl DisruptionState {
    pub(super) fn new(scenario: &Scenario, replication: u32) -> DisruptionState {
        let seed = scenario.simulation.seed;
        let n_channels = scenario.channels.len();
        let mut streams = Vec::new();
        let mut bot_windows = Vec::new();
        for (event_idx, disruption) in scenario.disruptions.iter().enumerate() {
            let extra = match &disruption.kind {
                DisruptionKind::VolumeSpike {
                    channel_idx,
                    multiplier,
                } if *multiplier > 1.0 => Some((*channel_idx, multiplier - 1.0, false, None)),
                DisruptionKind::Spam {
                    channel_idx,
                    bot_share,
                    handle_time,
                    ..
                } => Some((
                    *channel_idx,
                    bot_share / (1.0 - bot_share),
                    true,
                    Some(handle_time),
                )),
                _ => None,
            };
            bot_windows.push(match &disruption.kind {
                DisruptionKind::Spam { bot_accounts, .. } => {
                    vec![(u64::MAX, 0); *bot_accounts as usize]
                }
                _ => Vec::new(),
            });
            let Some((channel_idx, factor, bot, handle_time)) = extra else {
                continue;
            };
            let channel = &scenario.channels[channel_idx];
            let base = channel
                .arrivals
                .as_ref()
                .expect("validated: the channel has arrivals");
            let profile = ArrivalProfile {
                rates_per_second: base.rates_per_second.iter().map(|r| r * factor).collect(),
                ..base.clone()
            };
            streams.push(ExtraStream {
                event_idx,
                channel_idx,
                bot,
                clock: ArrivalClock::positioned(&profile, disruption.start_seconds),
                profile,
                end_seconds: disruption.end_seconds,
                arrival_rng: stream(
                    seed,
                    replication,
                    StreamPurpose::EventArrivals { event_idx },
                ),
                contact_rng: stream(
                    seed,
                    replication,
                    StreamPurpose::EventContacts { event_idx },
                ),
                handle_time: handle_time
                    .or(channel.handle_time.as_ref())
                    .map(Sampler::new),
            });
        }
        DisruptionState {
            group_scheduled: vec![0; scenario.groups.len()],
            group_absent_share: vec![0.0; scenario.groups.len()],
            group_down: vec![0; scenario.groups.len()],
            channel_outage: vec![NO_EVENT; n_channels],
            channel_extension: vec![NO_EVENT_TAG; n_channels],
            channel_keep: vec![1.0; n_channels],
            channel_keep_event: vec![NO_EVENT; n_channels],
            thinning_rngs: (0..n_channels)
                .map(|channel_idx| {
                    stream(seed, replication, StreamPurpose::Thinning { channel_idx })
                })
                .collect(),
            event_rngs: (0..scenario.disruptions.len())
                .map(|event_idx| {
                    stream(
                        seed,
                        replication,
                        StreamPurpose::EventDecisions { event_idx },
                    )
                })
                .collect(),
            streams,
            bot_windows,
            requeued: Vec::new(),
        }
    }
}

impl Simulation<'_> {
    /// At time 0: rosters' first counts and changes, every event's edges, and the first
    /// extra arrival of each event stream.
    pub(super) fn start_staffing(&mut self) {
        for (group_idx, group) in self.scenario.groups.iter().enumerate() {
            if let Headcount::Shifts(roster) = &group.headcount {
                self.disruption.group_scheduled[group_idx] = roster.scheduled_at(0.0);
                self.schedule_roster_change(group_idx);
            }
        }
        for (event_idx, disruption) in self.scenario.disruptions.iter().enumerate() {
            let mut edges = vec![(disruption.start_seconds, 0u8)];
            edges.push((disruption.end_seconds, 1));
            if let DisruptionKind::ChannelOutage {
                extension_until_seconds,
                sla_extension_seconds,
                ..
            } = disruption.kind
                && sla_extension_seconds > 0.0
            {
                edges.push((extension_until_seconds, 2));
            }
            for (time, edge) in edges {
                if time < self.horizon {
                    self.events.schedule(
                        time,
                        Event::DisruptionEdge {
                            event_idx: event_idx as u16,
                            edge,
                        },
                    );
                }
            }
        }
        for stream_idx in 0..self.disruption.streams.len() {
            let start = self.scenario.disruptions[self.disruption.streams[stream_idx].event_idx]
                .start_seconds;
            self.schedule_extra_arrival(stream_idx, start);
        }
    }

    /// Applies the headcount of `interval_idx` to every group staffed by headcount and
    /// schedules the next boundary.
    pub(super) fn start_interval(&mut self, interval_idx: usize) {
        for group_idx in 0..self.pools.len() {
            let headcount = &self.scenario.groups[group_idx].headcount;
            if headcount.is_shifts() {
                if interval_idx == 0 {
                    self.apply_staffing(group_idx);
                }
                continue;
            }
            self.disruption.group_scheduled[group_idx] =
                headcount.scheduled_at(self.now, self.interval_seconds);
            self.apply_staffing(group_idx);
        }
        if interval_idx + 1 < self.n_intervals {
            let next = interval_idx + 1;
            self.events.schedule(
                next as f64 * self.interval_seconds,
                Event::IntervalBoundary {
                    interval_idx: next as u32,
                },
            );
        }
    }

    fn schedule_roster_change(&mut self, group_idx: usize) {
        if let Headcount::Shifts(roster) = &self.scenario.groups[group_idx].headcount {
            let next = roster.next_change_after(self.now);
            if next < self.horizon {
                self.events.schedule(
                    next,
                    Event::RosterChange {
                        group_idx: group_idx as u16,
                    },
                );
            }
        }
    }

    pub(super) fn on_roster_change(&mut self, group_idx: usize) {
        if let Headcount::Shifts(roster) = &self.scenario.groups[group_idx].headcount {
            self.disruption.group_scheduled[group_idx] = roster.scheduled_at(self.now);
        }
        self.apply_staffing(group_idx);
        self.schedule_roster_change(group_idx);
    }

    /// Brings a group's on-shift agents to what is available now, and records both counts.
    fn apply_staffing(&mut self, group_idx: usize) {
        let group = &self.scenario.groups[group_idx];
        let scheduled = self.disruption.group_scheduled[group_idx];
        let mut policy = group.in_service_at_shift_end;
        let target = if self.disruption.group_down[group_idx] > 0 {
            let outage = self.scenario.disruptions.iter().find(|d| {
                d.is_active(self.now)
                    && matches!(d.kind, DisruptionKind::GroupOutage { .. })
                    && d.groups().contains(&group_idx)
            });
            if let Some(Disruption {
                kind: DisruptionKind::GroupOutage { in_service, .. },
                ..
            }) = outage
            {
                policy = *in_service;
            }
            0
        } else {
            available_agents(
                scheduled,
                group.shrinkage,
                self.disruption.group_absent_share[group_idx],
            )
        };
        self.set_headcount(group_idx, target, policy);
        self.recorder
            .group_staffing(group_idx, self.now, scheduled, target);
    }

    /// Brings a group's on-shift count to `target`. Agents going off shift are idle ones
    /// first (most recently idle first), then the least busy; a busy one finishes its
    /// contacts (`finish`) or hands them back to the queues (`requeue`). Agents coming on
    /// shift are those still finishing work first, then the first agents off shift.
    fn set_headcount(&mut self, group_idx: usize, target: u32, policy: InServiceAtShiftEnd) {
        let agent_range = {
            let pool = &self.pools[group_idx];
            pool.first_agent..pool.first_agent + pool.n_agents
        };
        let mut joining = Vec::new();
        while self.pools[group_idx].on_shift < target {
            let pick = agent_range
                .clone()
                .find(|&a| self.agents[a as usize].status == AgentStatus::Leaving)
                .or_else(|| {
                    agent_range
                        .clone()
                        .find(|&a| self.agents[a as usize].status == AgentStatus::Off)
                })
                .expect("headcount never exceeds the group's largest headcount");
            let agent = &mut self.agents[pick as usize];
            let pool = &mut self.pools[group_idx];
            if agent.status == AgentStatus::Off {
                pool.logged_in += 1;
                agent.logged_in_since = self.now;
            }
            agent.status = AgentStatus::On;
            pool.on_shift += 1;
            joining.push(pick);
        }
        while self.pools[group_idx].on_shift > target {
            let pool = &mut self.pools[group_idx];
            let pick = if let Some(idle) = pool.idle.back().copied() {
                idle
            } else if let Some(&partial) = pool
                .partial
                .iter()
                .min_by_key(|&&a| (self.agents[a as usize].busy_units, a))
            {
                partial
            } else {
                agent_range
                    .clone()
                    .find(|&a| self.agents[a as usize].status == AgentStatus::On)
                    .expect("on_shift counts On agents")
            };
            self.take_from_availability(pick);
            if policy == InServiceAtShiftEnd::Requeue && self.agents[pick as usize].busy_units > 0 {
                self.take_contacts_back(pick);
            }
            let agent = &mut self.agents[pick as usize];
            let pool = &mut self.pools[group_idx];
            pool.on_shift -= 1;
            if agent.busy_units == 0 {
                agent.status = AgentStatus::Off;
                agent.logged_in_seconds += self.now - agent.logged_in_since;
                pool.logged_in -= 1;
            } else {
                agent.status = AgentStatus::Leaving;
            }
        }
        let pool = &self.pools[group_idx];
        self.recorder
            .group_changed(group_idx, self.now, pool.logged_in, pool.busy_units);
        self.offer_requeued();
        for agent_idx in joining {
            self.dispatch(agent_idx);
        }
    }

    /// Takes every contact an agent is serving back from it (`requeue` policy); they are
    /// offered again by `offer_requeued`.
    fn take_contacts_back(&mut self, agent_idx: u32) {
        let now = self.now;
        for slot in 0..self.slab.contacts.len() as u32 {
            let contact = self.slab.contacts[slot as usize];
            if contact.state != ContactState::InService || contact.agent_idx != agent_idx {
                continue;
            }
            let class_idx = contact.class_idx as usize;
            let whole = self.layout.class_needs_whole_agent[class_idx];
            if self.agents[agent_idx as usize].conversation_offset != u32::MAX && !whole {
                self.change_conversations(agent_idx, None, Some(slot));
            }
            let agent = &mut self.agents[agent_idx as usize];
            let units = if whole { agent.capacity_units } else { 1 };
            agent.busy_units -= units;
            if self.tracking_occupancy {
                agent.busy_seconds += (now - contact.service_start) * f64::from(units)
                    / f64::from(agent.capacity_units);
            }
            self.pools[agent.group_idx as usize].busy_units -= u32::from(units);
            let record = &mut self.slab.contacts[slot as usize];
            record.state = ContactState::Waiting;
            record.requeued = true;
            // Timers from its first wait (patience, widening) must not fire on it now.
            record.generation = record.generation.wrapping_add(1);
            record.agent_idx = u32::MAX;
            // Its pending end of service goes stale.
            record.service_token = record.service_token.wrapping_add(1);
            self.note_stale_event();
            self.disruption.requeued.push(slot);
        }
    }

    /// Offers requeued contacts to an available agent of their route, or puts them back at
    /// the front of their queue (no new patience timer: the customer is already engaged).
    fn offer_requeued(&mut self) {
        while let Some(slot) = self.disruption.requeued.pop() {
            let contact = self.slab.contacts[slot as usize];
            let class_idx = contact.class_idx as usize;
            let channel_idx = contact.channel_idx as usize;
            let chosen = if self.channel_taking_work[channel_idx] {
                self.free_agent_for(class_idx, contact.issue_type_idx as usize)
            } else {
                None
            };
            match chosen {
                Some(agent_idx) => self.start_with(agent_idx, slot),
                None => {
                    let queue = &mut self.queues[class_idx];
                    queue.entries.push_front(QueueEntry {
                        contact_slot: slot,
                        generation: contact.generation,
                        arrival_time: contact.arrival_time,
                    });
                    queue.live += 1;
                    self.change_queue_length(channel_idx, 1);
                }
            }
        }
    }

    pub(super) fn on_disruption_edge(&mut self, event_idx: usize, edge: u8) {
        let disruption: &Disruption = &self.scenario.disruptions[event_idx];
        match disruption.kind {
            DisruptionKind::ChannelOutage {
                channel_idx,
                backup_channel,
                sla_extension_seconds,
                ..
            } => match edge {
                0 => {
                    self.disruption.channel_outage[channel_idx] = event_idx as u16;
                    // Contacts agents had started on (requeued) wait for the channel's return.
                    self.channel_taking_work[channel_idx] = false;
                    if sla_extension_seconds > 0.0 {
                        for channel in std::iter::once(channel_idx).chain(backup_channel) {
                            self.disruption.channel_extension[channel] = event_idx as u8;
                        }
                    }
                    self.displace_waiting(channel_idx, event_idx);
                }
                1 => {
                    self.disruption.channel_outage[channel_idx] = NO_EVENT;
                    let held = self.layout.channel_held_when_closed[channel_idx];
                    self.channel_taking_work[channel_idx] =
                        !held || self.scenario.channels[channel_idx].hours.is_open(self.now);
                    self.wake_agents_for(channel_idx);
                }
                _ => {
                    for channel in std::iter::once(channel_idx).chain(backup_channel) {
                        if self.disruption.channel_extension[channel] == event_idx as u8 {
                            self.disruption.channel_extension[channel] = NO_EVENT_TAG;
                        }
                    }
                }
            },
            DisruptionKind::Absence { ref groups, .. } => {
                for &group_idx in groups {
                    let present: f64 = self
                        .scenario
                        .disruptions
                        .iter()
                        .filter(|d| d.is_active(self.now) && d.groups().contains(&group_idx))
                        .filter_map(|d| match d.kind {
                            DisruptionKind::Absence { share, .. } => Some(1.0 - share),
                            _ => None,
                        })
                        .product();
                    self.disruption.group_absent_share[group_idx] = 1.0 - present;
                    self.apply_staffing(group_idx);
                }
            }
            DisruptionKind::GroupOutage { ref groups, .. } => {
                for &group_idx in groups {
                    if edge == 0 {
                        self.disruption.group_down[group_idx] += 1;
                    } else {
                        self.disruption.group_down[group_idx] -= 1;
                    }
                    self.apply_staffing(group_idx);
                }
            }
            DisruptionKind::VolumeSpike { channel_idx, .. } => {
                let mut keep = 1.0;
                let mut keep_event = NO_EVENT;
                for (other_idx, other) in self.scenario.disruptions.iter().enumerate() {
                    if let DisruptionKind::VolumeSpike {
                        channel_idx: c,
                        multiplier,
                    } = other.kind
                        && c == channel_idx
                        && multiplier < 1.0
                        && other.is_active(self.now)
                    {
                        keep *= multiplier;
                        if keep_event == NO_EVENT {
                            keep_event = other_idx as u16;
                        }
                    }
                }
                self.disruption.channel_keep[channel_idx] = keep;
                self.disruption.channel_keep_event[channel_idx] = keep_event;
            }
            DisruptionKind::Spam { .. } => {}
        }
    }

    /// During a volume dip: whether this arrival is one the dip removes.
    pub(super) fn thinned_away(&mut self, channel_idx: usize) -> bool {
        let keep = self.disruption.channel_keep[channel_idx];
        let removed = self.disruption.thinning_rngs[channel_idx].random::<f64>() >= keep;
        if removed && self.now >= self.warmup {
            let event_idx = self.disruption.channel_keep_event[channel_idx] as usize;
            self.recorder.events[event_idx].removed_arrivals += 1;
        }
        removed
    }

    /// An outage starts: contacts waiting on the channel are displaced, except those an
    /// agent had started on (requeued), which wait for the channel to return.
    fn displace_waiting(&mut self, channel_idx: usize, event_idx: usize) {
        let n_combinations = self.layout.n_combinations;
        let mut displaced = Vec::new();
        for class_idx in channel_idx * n_combinations..(channel_idx + 1) * n_combinations {
            let queue = &mut self.queues[class_idx];
            let entries = std::mem::take(&mut queue.entries);
            for entry in entries {
                if !self.slab.is_waiting(entry.contact_slot, entry.generation) {
                    continue;
                }
                if self.slab.contacts[entry.contact_slot as usize].requeued {
                    queue.entries.push_back(entry);
                } else {
                    displaced.push(entry.contact_slot);
                }
            }
            queue.live = queue.entries.len() as u32;
        }
        if displaced.is_empty() {
            return;
        }
        self.change_queue_length(channel_idx, -(displaced.len() as i32));
        for slot in displaced {
            // Its abandonment and widening timers go stale.
            let contact = &mut self.slab.contacts[slot as usize];
            contact.generation = contact.generation.wrapping_add(1);
            self.note_stale_event();
            self.displace(slot, event_idx, true);
        }
    }

    /// A contact meets an outage: it moves to the backup channel with the outage's
    /// conversion probability (a waiting one only when customers are notified) or is lost.
    pub(super) fn displace(&mut self, slot: u32, event_idx: usize, was_waiting: bool) {
        let contact = self.slab.contacts[slot as usize];
        let channel_idx = contact.channel_idx as usize;
        let DisruptionKind::ChannelOutage {
            backup_channel,
            conversion,
            notify_customers,
            ..
        } = self.scenario.disruptions[event_idx].kind
        else {
            unreachable!("only channel outages displace contacts");
        };
        if contact.bot {
            if contact.arrival_time >= self.warmup {
                self.recorder.events[contact.event_tag as usize].bot_lost_to_outage += 1;
            }
            self.end_contact(slot, false);
            return;
        }
        if contact.counted && !was_waiting {
            self.recorder
                .offered(channel_idx, contact.interval_idx as usize, false);
        }
        let told = !was_waiting || notify_customers;
        let converts = match backup_channel {
            Some(backup) if told && self.channel_accepts(backup) => {
                self.disruption.event_rngs[event_idx].random::<f64>() < conversion
            }
            _ => false,
        };
        if contact.counted {
            let counts = &mut self.recorder.events[event_idx];
            counts.displaced += 1;
            counts.notified += u64::from(was_waiting && notify_customers);
            if converts {
                counts.converted_to_backup += 1;
            } else {
                counts.lost += 1;
            }
        }
        match backup_channel {
            Some(backup) if converts => self.convert(slot, backup, true, false),
            _ => {
                if contact.counted {
                    self.recorder
                        .lost_to_outage(channel_idx, contact.interval_idx as usize);
                }
                self.end_contact(slot, false);
            }
        }
    }

    /// Records a contact under an outage's SLA extension (answered or abandoned).
    pub(super) fn record_extended_sla(&mut self, contact: &Contact, answered: bool, wait: f64) {
        let event_idx = contact.event_tag as usize;
        let DisruptionKind::ChannelOutage {
            sla_extension_seconds,
            ..
        } = self.scenario.disruptions[event_idx].kind
        else {
            return;
        };
        let threshold = self.layout.class_sla_seconds[contact.class_idx as usize];
        self.recorder
            .extended_sla(event_idx, answered, wait, threshold + sla_extension_seconds);
    }

    fn schedule_extra_arrival(&mut self, stream_idx: usize, now: f64) {
        let extra = &mut self.disruption.streams[stream_idx];
        let end = extra.end_seconds.min(self.horizon);
        if let Some(time) =
            extra
                .clock
                .next_arrival(&extra.profile, now, end, &mut extra.arrival_rng)
        {
            self.events.schedule(
                time,
                Event::ExtraArrival {
                    stream_idx: stream_idx as u16,
                },
            );
        }
    }

    /// An extra arrival of a volume spike (a customer) or of spam (a bot, which may be
    /// rate-limited or filtered before it reaches an agent).
    pub(super) fn on_extra_arrival(&mut self, stream_idx: usize) {
        self.schedule_extra_arrival(stream_idx, self.now);
        self.contacts_generated += 1;
        let counted = self.now >= self.warmup;
        let extra = &mut self.disruption.streams[stream_idx];
        let (event_idx, channel_idx, bot) = (extra.event_idx, extra.channel_idx, extra.bot);
        let channel = &self.scenario.channels[channel_idx];
        let runtime = &self.channels[channel_idx];
        let mix = &channel.mix;
        let rng = &mut extra.contact_rng;
        let drawn = DrawnContact {
            issue_type_idx: draw(&runtime.issue_type_choice, &mix.issue_type_shares, rng),
            segment_idx: draw(&runtime.segment_choice, &mix.segment_shares, rng),
            language_idx: draw(&runtime.language_choice, &mix.language_shares, rng),
            urgency_idx: draw(&runtime.urgency_choice, &mix.urgency_shares, rng),
            work_seconds: extra
                .handle_time
                .as_ref()
                .map_or(0.0, |sampler| sampler.sample(rng)),
            patience_seconds: if bot {
                f64::INFINITY
            } else {
                runtime
                    .patience
                    .as_ref()
                    .map_or(f64::INFINITY, |sampler| sampler.sample(rng))
            },
        };
        if !bot {
            if counted {
                self.recorder.events[event_idx].extra_arrivals += 1;
            }
            self.admit(channel_idx, drawn, NO_EVENT_TAG);
            return;
        }
        let DisruptionKind::Spam {
            filter_catches,
            bot_accounts,
            rate_limit,
            ..
        } = self.scenario.disruptions[event_idx].kind
        else {
            unreachable!("bot streams belong to spam events");
        };
        let rng = &mut self.disruption.event_rngs[event_idx];
        let account = rng.random_range(0..bot_accounts) as usize;
        let caught = rng.random::<f64>() < filter_catches;
        let limited = match rate_limit {
            Some((limit, per_seconds)) => {
                let window = (self.now / per_seconds) as u64;
                let slot = &mut self.disruption.bot_windows[event_idx][account];
                if slot.0 == window {
                    slot.1 += 1;
                } else {
                    *slot = (window, 1);
                }
                slot.1 > limit
            }
            None => false,
        };
        if counted {
            let counts = &mut self.recorder.events[event_idx];
            counts.bot_arrivals += 1;
            counts.bot_rate_limited += u64::from(limited);
            counts.bot_filtered += u64::from(!limited && caught);
        }
        if limited || caught {
            return;
        }
        self.admit(channel_idx, drawn, event_idx as u8);
    }
}
