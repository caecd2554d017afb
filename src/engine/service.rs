//! Agents at work: starting and ending service, the concurrency slowdown of messaging
//! agents, giving a freed agent waiting work, and the idle and partly busy sets routing
//! chooses from. (Who is on shift when is `disruption.rs`.)
//!
//! Service time is the contact's standard work divided by the serving group's proficiency
//! on its issue type and channel. In a group with a concurrency slowdown `s`, an agent with
//! `n` conversations progresses each at speed 1 / (1 + s (n - 1)); whenever `n` changes,
//! the remaining work of every conversation in hand is brought up to date and its end is
//! rescheduled (the old `ServiceEnd` goes stale through the contact's `service_token`).

use super::Simulation;
use super::event_queue::Event;
use super::routing;
use super::state::{AgentStatus, ContactState, Membership, Origin};
use crate::trace::Outcome;

impl Simulation<'_> {
    #[inline]
    fn units_for(&self, agent_idx: u32, class_idx: usize) -> u16 {
        if self.layout.class_needs_whole_agent[class_idx] {
            self.agents[agent_idx as usize].capacity_units
        } else {
            1
        }
    }

    pub(super) fn start_service(&mut self, agent_idx: u32, slot: u32) {
        let now = self.now;
        let contact = self.slab.contacts[slot as usize];
        // A callback attempt that misses the customer takes the agent's time unanswered.
        let missing = self.channels[contact.channel_idx as usize]
            .callback_attempts
            .is_some()
            && !contact.requeued
            && self.callback_attempt_misses(slot);
        if !missing {
            let wait = self.sla_wait(&contact);
            self.recorder.answered(&contact, wait);
        }
        let class_idx = contact.class_idx as usize;
        let units = self.units_for(agent_idx, class_idx);
        let agent = &mut self.agents[agent_idx as usize];
        agent.busy_units += units;
        let group_idx = agent.group_idx as usize;
        let pool = &mut self.pools[group_idx];
        pool.busy_units += u32::from(units);
        self.recorder.group_changed(group_idx, now, pool.load());
        let group = &self.scenario.groups()[group_idx];
        let standard_seconds = if missing {
            self.channels[contact.channel_idx as usize]
                .callback_attempts
                .as_ref()
                .map_or(0.0, |attempts| attempts.failed_attempt_seconds)
        } else if self.group_has_proficiency[group_idx] {
            contact.work_seconds
                / group.proficiency(
                    contact.issue_type_idx as usize,
                    contact.channel_idx as usize,
                )
        } else {
            contact.work_seconds
        };
        if !missing && let Some(log) = self.contact_log.as_mut() {
            log_contact(
                log,
                &contact,
                now,
                Outcome::Answered,
                Some(standard_seconds),
                Some(agent_idx),
            );
        }
        let record = &mut self.slab.contacts[slot as usize];
        record.state = ContactState::InService;
        record.failed_attempt = missing;
        record.agent_idx = agent_idx;
        record.service_start = now;
        self.staffing.in_service.add(agent_idx, slot);
        if group.concurrency_slowdown > 0.0 && !self.layout.class_needs_whole_agent[class_idx] {
            record.remaining_work = standard_seconds;
            record.progress_at = now;
            self.change_conversations(agent_idx, Some(slot), None);
        } else {
            self.events.schedule(
                now + standard_seconds,
                Event::ServiceEnd {
                    agent_idx,
                    contact_slot: slot,
                    token: record.service_token,
                },
            );
        }
    }

    /// Speed of each conversation of an agent holding `n` at once.
    #[inline]
    fn conversation_speed(slowdown: f64, n: u16) -> f64 {
        1.0 / (1.0 + slowdown * f64::from(n.saturating_sub(1)))
    }

    /// Adds or removes one conversation of a slowed-down agent, bringing every conversation's
    /// remaining work up to date at the old speed and rescheduling its end at the new one.
    pub(super) fn change_conversations(
        &mut self,
        agent_idx: u32,
        added: Option<u32>,
        removed: Option<u32>,
    ) {
        let now = self.now;
        let agent = self.agents[agent_idx as usize];
        let slowdown = self.scenario.groups()[agent.group_idx as usize].concurrency_slowdown;
        let offset = agent
            .conversation_offset
            .expect("only agents of a group with a slowdown hold conversations")
            as usize;
        let old_n = agent.n_conversations;
        let old_speed = Self::conversation_speed(slowdown, old_n);
        for position in 0..old_n as usize {
            let slot = self.conversations[offset + position];
            let contact = &mut self.slab.contacts[slot as usize];
            contact.remaining_work =
                (contact.remaining_work - (now - contact.progress_at) * old_speed).max(0.0);
            contact.progress_at = now;
        }
        let mut n = old_n;
        if let Some(slot) = removed {
            let in_hand = &mut self.conversations[offset..offset + n as usize];
            let position = in_hand
                .iter()
                .position(|&s| s == slot)
                .expect("a finishing conversation is in its agent's list");
            in_hand.swap(position, n as usize - 1);
            n -= 1;
        }
        if let Some(slot) = added {
            self.conversations[offset + n as usize] = slot;
            n += 1;
        }
        self.agents[agent_idx as usize].n_conversations = n;
        let speed = Self::conversation_speed(slowdown, n);
        for position in 0..n as usize {
            let slot = self.conversations[offset + position];
            let contact = &mut self.slab.contacts[slot as usize];
            let rescheduled = Some(slot) != added;
            if rescheduled {
                contact.service_token = contact.service_token.wrapping_add(1);
            }
            let token = contact.service_token;
            let end = now + contact.remaining_work / speed;
            self.events.schedule(
                end,
                Event::ServiceEnd {
                    agent_idx,
                    contact_slot: slot,
                    token,
                },
            );
            if rescheduled {
                self.note_stale_event();
            }
        }
    }

    pub(super) fn on_service_end(&mut self, agent_idx: u32, slot: u32, token: u32) {
        let contact = self.slab.contacts[slot as usize];
        if contact.state != ContactState::InService || contact.service_token != token {
            self.stale_events = self.stale_events.saturating_sub(1);
            return; // rescheduled by a concurrency change
        }
        self.staffing.in_service.remove(agent_idx, slot);
        let now = self.now;
        let group_idx = self.agents[agent_idx as usize].group_idx as usize;
        let handle_seconds = now - contact.service_start;
        let class_idx = contact.class_idx as usize;
        let units = self.units_for(agent_idx, class_idx);
        if self.agents[agent_idx as usize]
            .conversation_offset
            .is_some()
            && !self.layout.class_needs_whole_agent[class_idx]
        {
            self.change_conversations(agent_idx, None, Some(slot));
        }
        let wrap_seconds = if contact.failed_attempt {
            self.callback_attempt_missed(slot, handle_seconds);
            0.0
        } else {
            self.recorder.handled(&contact, group_idx, handle_seconds);
            if contact.origin == Origin::Duplicate {
                self.recorder.duplicate_handled(&contact, handle_seconds);
            }
            if self.channels[contact.channel_idx as usize].may_hand_off && !contact.is_bot() {
                self.maybe_hand_off(slot);
            }
            self.end_contact(slot, true);
            contact.wrap_seconds
        };
        let agent = &mut self.agents[agent_idx as usize];
        if self.tracking_occupancy {
            agent.busy_seconds += (handle_seconds + wrap_seconds) * f64::from(units)
                / f64::from(agent.capacity_units);
        }
        if wrap_seconds > 0.0 {
            // After-call work: the units stay taken until it is done.
            self.recorder.wrapped_up(&contact, wrap_seconds);
            let pool = &mut self.pools[group_idx];
            pool.wrap_up_units += u32::from(units);
            self.recorder.group_changed(group_idx, now, pool.load());
            self.events
                .schedule(now + wrap_seconds, Event::WrapUpEnd { agent_idx, units });
            return;
        }
        self.release_units(agent_idx, units, false);
    }

    /// `units` of an agent's capacity come free (its contact is done, or with `wrapped` its
    /// after-call work): an agent past its shift with nothing left leaves, an agent on shift
    /// takes work.
    pub(super) fn release_units(&mut self, agent_idx: u32, units: u16, wrapped: bool) {
        let now = self.now;
        let agent = &mut self.agents[agent_idx as usize];
        let group_idx = agent.group_idx as usize;
        agent.busy_units -= units;
        let past_shift = agent.status == AgentStatus::Leaving;
        let leaves = past_shift && agent.busy_units == 0;
        if leaves {
            agent.status = AgentStatus::Off;
            agent.logged_in_seconds += now - agent.logged_in_since;
        }
        let pool = &mut self.pools[group_idx];
        pool.busy_units -= u32::from(units);
        if past_shift {
            pool.past_shift_busy_units -= u32::from(units);
        }
        if wrapped {
            pool.wrap_up_units -= u32::from(units);
        }
        if leaves {
            pool.logged_in -= 1;
            pool.note_status(agent_idx, AgentStatus::Off);
        }
        self.recorder.group_changed(group_idx, now, pool.load());
        if self.agents[agent_idx as usize].status == AgentStatus::On {
            self.dispatch(agent_idx);
        }
    }

    /// Gives an on-shift agent waiting work until it is full or nothing it can serve waits,
    /// then files it in the right availability set.
    pub(super) fn dispatch(&mut self, agent_idx: u32) {
        let group_idx = self.agents[agent_idx as usize].group_idx;
        let layout = self.layout;
        let classes = routing::ClassFacts {
            priority: &layout.class_priority,
            sla_seconds: &layout.class_sla_seconds,
            near_breach_seconds: &layout.class_near_breach_seconds,
            needs_whole_agent: &layout.class_needs_whole_agent,
            channel: &layout.class_channel,
        };
        while let Some(class_idx) = routing::select_work(
            &self.agents[agent_idx as usize],
            &layout.group_classes[group_idx as usize],
            &self.group_ready[group_idx as usize].positions,
            &self.queues,
            classes,
            &self.channel_taking_work,
            self.now,
        ) {
            let class_idx = class_idx as usize;
            let slot = self.queues[class_idx]
                .entries
                .front()
                .expect("select_work returns a class with a live head")
                .contact_slot;
            let contact = self.slab.contacts[slot as usize];
            if let Some(rule_idx) = layout.class_rule[class_idx]
                && !layout.group_in_tiers(class_idx, group_idx)
            {
                self.recorder.widened_by_rule(&contact, rule_idx as usize);
            }
            if self.audit.is_some() {
                self.audit_service_start(agent_idx, slot, true);
            }
            self.start_service(agent_idx, slot);
            self.leave_queue(class_idx);
            if contact.patience_seconds.is_finite() {
                self.note_stale_event();
            }
        }
        self.refresh_availability(agent_idx);
    }

    /// A waiting contact reached its rule's `widen_after`: an idle agent of a widened group
    /// may take it now.
    pub(super) fn on_widen(&mut self, slot: u32, generation: u32) {
        if !self.slab.is_waiting(slot, generation) {
            return;
        }
        let contact = self.slab.contacts[slot as usize];
        let class_idx = contact.class_idx as usize;
        if !self.channel_taking_work[contact.channel_idx as usize] {
            return;
        }
        let scenario = self.scenario;
        let chosen = routing::select_agent(
            std::slice::from_ref(&self.layout.class_widen_to[class_idx]),
            scenario.routing().agent_selection,
            &self.pools,
            &self.agents,
            self.layout.class_needs_whole_agent[class_idx],
            |group_idx| {
                scenario.groups()[group_idx].proficiency(
                    contact.issue_type_idx as usize,
                    contact.channel_idx as usize,
                )
            },
            self.now,
        );
        let Some(agent_idx) = chosen else {
            return;
        };
        let rule_idx = self.layout.class_rule[class_idx].expect("only a rule widens a route");
        self.recorder.widened_by_rule(&contact, rule_idx as usize);
        self.take_from_availability(agent_idx);
        if self.audit.is_some() {
            self.audit_service_start(agent_idx, slot, false);
        }
        self.start_service(agent_idx, slot);
        self.leave_queue(class_idx);
        self.refresh_availability(agent_idx);
        if contact.patience_seconds.is_finite() {
            self.note_stale_event();
        }
    }

    /// Removes an agent routing just chose from its availability set.
    #[inline]
    pub(super) fn take_from_availability(&mut self, agent_idx: u32) {
        let agent = self.agents[agent_idx as usize];
        let pool = &mut self.pools[agent.group_idx as usize];
        match agent.membership {
            Membership::Idle => {
                // Longest-idle routing takes the front; a shift's end sends the most
                // recently idle home first, from the back.
                if pool.idle.front() == Some(&agent_idx) {
                    pool.idle.pop_front();
                } else if pool.idle.back() == Some(&agent_idx) {
                    pool.idle.pop_back();
                } else {
                    pool.idle.retain(|&idx| idx != agent_idx);
                }
            }
            Membership::Partial => {
                let position = agent.partial_position as usize;
                pool.partial.swap_remove(position);
                pool.partial_by_load.remove(agent_idx, agent.partial_units);
                if let Some(&moved) = pool.partial.get(position) {
                    self.agents[moved as usize].partial_position = position as u32;
                }
            }
            Membership::None => {}
        }
        self.agents[agent_idx as usize].membership = Membership::None;
    }

    /// Files an agent in the availability set its status and load call for.
    pub(super) fn refresh_availability(&mut self, agent_idx: u32) {
        let agent = self.agents[agent_idx as usize];
        let wanted = if agent.status != AgentStatus::On {
            Membership::None
        } else if agent.busy_units == 0 {
            Membership::Idle
        } else if agent.busy_units < agent.capacity_units {
            Membership::Partial
        } else {
            Membership::None
        };
        if wanted == agent.membership {
            if wanted == Membership::Partial && agent.partial_units != agent.busy_units {
                // Still partly busy, with another load: it moves in the load order only,
                // and keeps its place in the list (the order agents are woken in).
                let pool = &mut self.pools[agent.group_idx as usize];
                pool.partial_by_load.remove(agent_idx, agent.partial_units);
                pool.partial_by_load.insert(agent_idx, agent.busy_units);
                self.agents[agent_idx as usize].partial_units = agent.busy_units;
            }
            return;
        }
        self.take_from_availability(agent_idx);
        let pool = &mut self.pools[agent.group_idx as usize];
        let agent = &mut self.agents[agent_idx as usize];
        match wanted {
            Membership::Idle => {
                agent.idle_since = self.now;
                pool.idle.push_back(agent_idx);
            }
            Membership::Partial => {
                agent.partial_position = pool.partial.len() as u32;
                agent.partial_units = agent.busy_units;
                pool.partial.push(agent_idx);
                pool.partial_by_load.insert(agent_idx, agent.busy_units);
            }
            Membership::None => {}
        }
        agent.membership = wanted;
    }
}

/// Adds a customer contact (not a bot's) to the contact log.
pub(super) fn log_contact(
    log: &mut Vec<super::LoggedContact>,
    contact: &super::state::Contact,
    now: f64,
    outcome: Outcome,
    handle_seconds: Option<f64>,
    agent_idx: Option<u32>,
) {
    if contact.is_bot() {
        return;
    }
    log.push(super::LoggedContact {
        channel_idx: contact.channel_idx,
        issue_type_idx: contact.issue_type_idx,
        segment_idx: contact.segment_idx,
        language_idx: contact.language_idx,
        urgency_idx: contact.urgency_idx,
        arrival_seconds: contact.arrival_time,
        outcome,
        wait_seconds: now - contact.arrival_time,
        handle_seconds,
        agent_idx,
    });
}
