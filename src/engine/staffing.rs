//! Who is on the floor over time. Each group's *scheduled* count comes from its headcount
//! (changing at interval boundaries) or its shift roster (changing at shift and break edges,
//! `RosterChange` events). Its *available* count, the agents that take work, is
//! `schedule::available_agents` of it (absence and shrinkage), or zero during a group
//! outage; `set_headcount` brings the on-shift agents to it. Agents are anonymous: when the
//! count drops, idle agents go first; a busy one finishes its contacts or, under the
//! `requeue` policy, sends them back to the front of their queues.

use super::Simulation;
use super::event_queue::Event;
use super::state::{AgentStatus, ContactState, NO_AGENT, QueueEntry};
use crate::scenario::schedule::available_agents;
use crate::scenario::{Disruption, DisruptionKind, Headcount, InServiceAtShiftEnd, Scenario};

/// Run-time state of staffing.
pub(super) struct StaffingState {
    /// `[group_idx]`: agents the schedule puts on the floor now.
    group_scheduled: Vec<u32>,
    /// `[group_idx]`: combined share absent through active absences.
    group_absent_share: Vec<f64>,
    /// `[group_idx]`: group outages active now.
    group_down: Vec<u16>,
    /// Contacts taken from agents leaving under the `requeue` policy, to offer again.
    requeued: Vec<u32>,
    /// The contacts in service with each agent that may hand them back.
    pub(super) in_service: InServiceByAgent,
    /// Reused buffer of the contacts an agent hands back.
    scratch_slots: Vec<u32>,
}

/// The contacts each agent is serving, for the agents of groups that may hand their work
/// back when they leave (`requeue`, by the group's policy or a group outage's): without it,
/// each agent leaving looked through every contact in the system, which took half the run
/// of a shift-staffed week at 250 times retail_week's size. Per tracked agent, a block of
/// its count and room for its concurrency's contacts.
pub(super) struct InServiceByAgent {
    /// `[agent_idx]`: where the agent's block starts, or `UNTRACKED`; empty when no group
    /// may requeue.
    block_starts: Vec<u32>,
    /// The blocks: the count, then that many contact slots in no order.
    slots: Vec<u32>,
}

impl InServiceByAgent {
    const UNTRACKED: u32 = u32::MAX;

    fn new(scenario: &Scenario) -> InServiceByAgent {
        let mut tracker = InServiceByAgent {
            block_starts: Vec::new(),
            slots: Vec::new(),
        };
        let n_groups = scenario.groups().len();
        if !(0..n_groups).any(|group_idx| may_requeue(scenario, group_idx)) {
            return tracker;
        }
        for (group_idx, group) in scenario.groups().iter().enumerate() {
            let tracked = may_requeue(scenario, group_idx);
            for _ in 0..group.headcount.max() {
                if tracked {
                    tracker.block_starts.push(tracker.slots.len() as u32);
                    tracker
                        .slots
                        .extend(std::iter::repeat_n(0, 1 + group.concurrency as usize));
                } else {
                    tracker.block_starts.push(Self::UNTRACKED);
                }
            }
        }
        tracker
    }

    /// Where `agent_idx`'s block starts, if its contacts are tracked.
    #[inline]
    fn block(&self, agent_idx: u32) -> Option<usize> {
        match self.block_starts.get(agent_idx as usize) {
            Some(&start) if start != Self::UNTRACKED => Some(start as usize),
            _ => None,
        }
    }

    /// How many contacts `agent_idx` is listed with, if tracked (for the audit).
    pub(super) fn listed(&self, agent_idx: u32) -> Option<u32> {
        self.block(agent_idx).map(|start| self.slots[start])
    }

    /// `agent_idx` starts on the contact in `slot`.
    #[inline]
    pub(super) fn add(&mut self, agent_idx: u32, slot: u32) {
        if let Some(start) = self.block(agent_idx) {
            let count = self.slots[start] as usize;
            self.slots[start + 1 + count] = slot;
            self.slots[start] += 1;
        }
    }

    /// `agent_idx` is done with the contact in `slot`.
    #[inline]
    pub(super) fn remove(&mut self, agent_idx: u32, slot: u32) {
        if let Some(start) = self.block(agent_idx) {
            let count = self.slots[start] as usize;
            let held = &mut self.slots[start + 1..start + 1 + count];
            let position = held
                .iter()
                .position(|&held_slot| held_slot == slot)
                .expect("a contact in service is in its agent's list");
            held.swap(position, count - 1);
            self.slots[start] -= 1;
        }
    }

    /// Moves `agent_idx`'s contacts into `into`, in slot order; false when they are not
    /// tracked.
    fn take_all(&mut self, agent_idx: u32, into: &mut Vec<u32>) -> bool {
        let Some(start) = self.block(agent_idx) else {
            return false;
        };
        let count = self.slots[start] as usize;
        into.extend_from_slice(&self.slots[start + 1..start + 1 + count]);
        into.sort_unstable();
        self.slots[start] = 0;
        true
    }
}

/// Whether a group's agents may hand their contacts back when they leave: by the group's
/// policy, or by a group outage's that names it.
fn may_requeue(scenario: &Scenario, group_idx: usize) -> bool {
    scenario.groups()[group_idx].in_service_at_shift_end == InServiceAtShiftEnd::Requeue
        || scenario.disruptions().iter().any(|disruption| {
            matches!(
                disruption.kind,
                DisruptionKind::GroupOutage {
                    in_service: InServiceAtShiftEnd::Requeue,
                    ..
                }
            ) && disruption.groups().contains(&group_idx)
        })
}

/// Bytes per agent of a group (of `concurrency`) that may requeue, for the budget.
pub(super) fn in_service_bytes_per_agent(scenario: &Scenario, group_idx: usize) -> usize {
    if may_requeue(scenario, group_idx) {
        std::mem::size_of::<u32>() * (2 + scenario.groups()[group_idx].concurrency as usize)
    } else {
        std::mem::size_of::<u32>()
    }
}

impl StaffingState {
    pub(super) fn new(scenario: &Scenario) -> StaffingState {
        let n_groups = scenario.groups().len();
        StaffingState {
            group_scheduled: vec![0; n_groups],
            group_absent_share: vec![0.0; n_groups],
            group_down: vec![0; n_groups],
            requeued: Vec::new(),
            in_service: InServiceByAgent::new(scenario),
            scratch_slots: Vec::new(),
        }
    }
}

impl Simulation<'_> {
    /// At time 0: each shift-staffed group's first scheduled count and its next change.
    pub(super) fn start_rosters(&mut self) {
        for (group_idx, group) in self.scenario.groups().iter().enumerate() {
            if let Headcount::Shifts(roster) = &group.headcount {
                self.staffing.group_scheduled[group_idx] = roster.scheduled_at(0.0);
                self.schedule_roster_change(group_idx);
            }
        }
    }

    /// Applies the headcount of `interval_idx` to every group staffed by headcount and
    /// schedules the next boundary.
    pub(super) fn start_interval(&mut self, interval_idx: usize) {
        for group_idx in 0..self.pools.len() {
            let headcount = &self.scenario.groups()[group_idx].headcount;
            if headcount.is_shifts() {
                if interval_idx == 0 {
                    self.apply_staffing(group_idx);
                }
                continue;
            }
            self.staffing.group_scheduled[group_idx] =
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
        if let Headcount::Shifts(roster) = &self.scenario.groups()[group_idx].headcount {
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
        if let Headcount::Shifts(roster) = &self.scenario.groups()[group_idx].headcount {
            self.staffing.group_scheduled[group_idx] = roster.scheduled_at(self.now);
        }
        self.apply_staffing(group_idx);
        self.schedule_roster_change(group_idx);
    }

    /// Brings a group's on-shift agents to what is available now, and records both counts.
    pub(super) fn apply_staffing(&mut self, group_idx: usize) {
        let group = &self.scenario.groups()[group_idx];
        let scheduled = self.staffing.group_scheduled[group_idx];
        let mut policy = group.in_service_at_shift_end;
        let target = if self.staffing.group_down[group_idx] > 0 {
            let outage = self.scenario.disruptions().iter().find(|d| {
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
                self.staffing.group_absent_share[group_idx],
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
        let mut joining = std::mem::take(&mut self.scratch_joining);
        while self.pools[group_idx].on_shift < target {
            let pool = &mut self.pools[group_idx];
            let pick = pool
                .first_with(&self.agents, AgentStatus::Leaving)
                .or_else(|| pool.first_with(&self.agents, AgentStatus::Off))
                .expect("headcount never exceeds the group's largest headcount");
            let agent = &mut self.agents[pick as usize];
            if agent.status == AgentStatus::Off {
                pool.logged_in += 1;
                agent.logged_in_since = self.now;
            } else {
                // Back on shift while finishing: that work counts as on-shift work again.
                pool.past_shift_busy_units -= u32::from(agent.busy_units);
            }
            agent.status = AgentStatus::On;
            pool.note_status(pick, AgentStatus::On);
            pool.on_shift += 1;
            joining.push(pick);
        }
        while self.pools[group_idx].on_shift > target {
            let pool = &mut self.pools[group_idx];
            let pick = if let Some(idle) = pool.idle.back().copied() {
                idle
            } else if let Some((_, partial)) = pool.partial_by_load.least_loaded() {
                partial
            } else {
                pool.first_with(&self.agents, AgentStatus::On)
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
                pool.past_shift_busy_units += u32::from(agent.busy_units);
            }
            pool.note_status(pick, agent.status);
        }
        let pool = &self.pools[group_idx];
        self.recorder
            .group_changed(group_idx, self.now, pool.load());
        self.offer_requeued();
        for &agent_idx in &joining {
            self.dispatch(agent_idx);
        }
        joining.clear();
        self.scratch_joining = joining;
    }

    /// Takes every contact an agent is serving back from it (`requeue` policy); they are
    /// offered again by `offer_requeued`.
    fn take_contacts_back(&mut self, agent_idx: u32) {
        let now = self.now;
        let mut slots = std::mem::take(&mut self.staffing.scratch_slots);
        if !self.staffing.in_service.take_all(agent_idx, &mut slots) {
            // Every group that may requeue is tracked; this keeps the rule whole regardless.
            slots.extend((0..self.slab.contacts.len() as u32).filter(|&slot| {
                let contact = &self.slab.contacts[slot as usize];
                contact.state == ContactState::InService && contact.agent_idx == agent_idx
            }));
        }
        for &slot in &slots {
            let contact = self.slab.contacts[slot as usize];
            debug_assert!(
                contact.state == ContactState::InService && contact.agent_idx == agent_idx,
                "an agent's list holds only the contacts it serves"
            );
            let class_idx = contact.class_idx as usize;
            let whole = self.layout.class_needs_whole_agent[class_idx];
            if self.agents[agent_idx as usize]
                .conversation_offset
                .is_some()
                && !whole
            {
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
            if record.failed_attempt {
                // A callback attempt cut short: it is made again, not answered already.
                record.failed_attempt = false;
                record.callback_tries -= 1;
            } else {
                record.requeued = true;
            }
            // Timers from its first wait (patience, widening) must not fire on it now.
            record.generation = record.generation.wrapping_add(1);
            record.agent_idx = NO_AGENT;
            // Its pending end of service goes stale.
            record.service_token = record.service_token.wrapping_add(1);
            self.note_stale_event();
            self.staffing.requeued.push(slot);
        }
        slots.clear();
        self.staffing.scratch_slots = slots;
    }

    /// Offers requeued contacts to an available agent of their route, or puts them back at
    /// the front of their queue (no new patience timer: the customer is already engaged).
    fn offer_requeued(&mut self) {
        while let Some(slot) = self.staffing.requeued.pop() {
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
                    if queue.live == 1 {
                        self.class_filled(class_idx);
                    }
                    self.change_queue_length(channel_idx, 1);
                }
            }
        }
    }

    /// An absence starts or ends: each of its groups' absent share is recomputed from every
    /// absence active now (shares combine as independent absences).
    pub(super) fn on_absence_edge(&mut self, groups: &[usize]) {
        for &group_idx in groups {
            let present: f64 = self
                .scenario
                .disruptions()
                .iter()
                .filter(|d| d.is_active(self.now) && d.groups().contains(&group_idx))
                .filter_map(|d| match d.kind {
                    DisruptionKind::Absence { share, .. } => Some(1.0 - share),
                    _ => None,
                })
                .product();
            self.staffing.group_absent_share[group_idx] = 1.0 - present;
            self.apply_staffing(group_idx);
        }
    }

    /// A group outage starts (`down`) or ends.
    pub(super) fn on_group_outage_edge(&mut self, groups: &[usize], down: bool) {
        for &group_idx in groups {
            if down {
                self.staffing.group_down[group_idx] += 1;
            } else {
                self.staffing.group_down[group_idx] -= 1;
            }
            self.apply_staffing(group_idx);
        }
    }
}
