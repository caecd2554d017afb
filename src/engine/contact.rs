//! A contact's life on its channel: its arrival (attributes, work and patience drawn from
//! the channel's own streams), admission (refused while closed, deflected by self-service,
//! held or ticketed after hours), offering (to a free agent of its route, to another channel
//! when a rule moves it, or to its class queue), its wait, and abandonment. Agents and
//! service are `service.rs`; moves between channels are `flows.rs`.

use super::event_queue::Event;
use super::rng;
use super::state::{Contact, ContactState, Issue, NO_AGENT, NO_ISSUE, Origin, Party, QueueEntry};
use super::{DrawnContact, Simulation, routing};
use crate::scenario::replay::{RecordedPatience, ReplayedValue};
use crate::scenario::{AfterHours, ChannelKind};
use crate::trace::Outcome;

impl Simulation<'_> {
    pub(super) fn schedule_next_arrival(&mut self, channel_idx: usize) {
        let channel = &self.scenario.channels()[channel_idx];
        if let Some(replay) = &channel.replay {
            // A recorded trace: its next contact, at the time it was recorded.
            let runtime = &mut self.channels[channel_idx];
            if let Some(contact) = replay.contacts.get(runtime.replay_next) {
                runtime.replay_next += 1;
                self.events.schedule(
                    contact.time.max(self.now),
                    Event::Arrival {
                        channel_idx: channel_idx as u16,
                    },
                );
            }
            return;
        }
        let Some(profile) = channel.arrivals.as_ref() else {
            return;
        };
        let runtime = &mut self.channels[channel_idx];
        let next = if runtime.busyness_by_day.is_empty() {
            runtime
                .clock
                .next_arrival(profile, self.now, self.horizon, &mut runtime.arrival_rng)
        } else {
            runtime.clock.next_arrival_scaled(
                profile,
                &runtime.busyness_by_day,
                self.now,
                self.horizon,
                &mut runtime.arrival_rng,
            )
        };
        if let Some(time) = next {
            self.events.schedule(
                time,
                Event::Arrival {
                    channel_idx: channel_idx as u16,
                },
            );
        }
    }

    pub(super) fn on_arrival(&mut self, channel_idx: usize) {
        // For a replayed trace, the contact arriving now is the one scheduled last.
        let recorded = self.scenario.channels()[channel_idx]
            .replay
            .as_ref()
            .map(|replay| {
                (
                    replay,
                    replay.contacts[self.channels[channel_idx].replay_next - 1],
                )
            });
        self.schedule_next_arrival(channel_idx);
        self.contacts_generated += 1;
        let runtime = &mut self.channels[channel_idx];
        // Draw everything about the contact first, from its channel's streams, so the same
        // contact carries the same attributes, work and patience whatever happens to it; and
        // fix the lineage its later draws come from.
        let number = runtime.arrivals_drawn;
        runtime.arrivals_drawn += 1;
        let lineage = if self.tracking_issues {
            rng::lineage(runtime.lineage_root, number)
        } else {
            0
        };
        let [issue_type_idx, segment_idx, language_idx, urgency_idx] =
            runtime.attributes.draw(&mut runtime.attribute_rng);
        let work_multiplier = self.scenario.work_multiplier(issue_type_idx, segment_idx);
        let mut work_seconds = runtime.handle_time.as_ref().map_or(0.0, |sampler| {
            sampler.sample(&mut runtime.handle_rng) * work_multiplier
        });
        let channel = &self.scenario.channels()[channel_idx];
        if channel.handle_time_profile.is_some() {
            work_seconds *= channel.handle_time_factor((self.now / self.interval_seconds) as usize);
        }
        let mut patience_seconds = runtime.patience.as_ref().map_or(f64::INFINITY, |sampler| {
            sampler.sample(&mut runtime.patience_rng)
        });
        if let Some((replay, contact)) = recorded {
            if replay.work == ReplayedValue::Recorded && contact.handle_seconds.is_finite() {
                work_seconds = f64::from(contact.handle_seconds);
            }
            if replay.patience == ReplayedValue::Recorded {
                patience_seconds = recorded_patience(
                    contact.patience,
                    patience_seconds,
                    runtime.patience.as_ref(),
                    &mut runtime.patience_rng,
                );
            }
        }
        let drawn = DrawnContact {
            issue_type_idx,
            segment_idx,
            language_idx,
            urgency_idx,
            work_seconds,
            patience_seconds,
            wrap_seconds: runtime
                .wrap_up
                .as_ref()
                .map_or(0.0, |sampler| sampler.sample(&mut runtime.wrap_rng)),
            age_seconds: 0.0,
            backlog: false,
            lineage,
        };
        if self.disruption.channel_keep[channel_idx] < 1.0 && self.thinned_away(channel_idx) {
            return;
        }
        self.admit(
            channel_idx,
            drawn,
            Party::Customer {
                sla_extension: None,
            },
        );
    }

    /// The tickets waiting at the start (each channel's `backlog`), in channel order: drawn
    /// from the channel's own backlog stream (attributes, work, after-call work, age) and
    /// admitted at time 0 as if they had arrived `age` ago.
    pub(super) fn start_backlogs(&mut self) {
        let scenario = self.scenario;
        let seed = scenario.simulation().seed;
        for (channel_idx, channel) in scenario.channels().iter().enumerate() {
            let Some(backlog) = &channel.backlog else {
                continue;
            };
            let purpose = rng::StreamPurpose::Backlog {
                channel: &channel.name,
            };
            let mut stream = rng::stream(seed, self.replication, purpose);
            let lineage_root = rng::lineage_root(seed, self.replication, purpose);
            let age = backlog.age.as_ref().map(super::sampling::Sampler::new);
            for number in 0..u64::from(backlog.count) {
                let runtime = &self.channels[channel_idx];
                let [issue_type_idx, segment_idx, language_idx, urgency_idx] =
                    runtime.attributes.draw(&mut stream);
                let work_multiplier = scenario.work_multiplier(issue_type_idx, segment_idx)
                    * channel.handle_time_factor(0);
                let drawn = DrawnContact {
                    issue_type_idx,
                    segment_idx,
                    language_idx,
                    urgency_idx,
                    work_seconds: runtime
                        .handle_time
                        .as_ref()
                        .map_or(0.0, |sampler| sampler.sample(&mut stream) * work_multiplier),
                    patience_seconds: f64::INFINITY,
                    wrap_seconds: runtime
                        .wrap_up
                        .as_ref()
                        .map_or(0.0, |sampler| sampler.sample(&mut stream)),
                    age_seconds: age
                        .as_ref()
                        .map_or(0.0, |sampler| sampler.sample(&mut stream)),
                    backlog: true,
                    lineage: if self.tracking_issues {
                        rng::lineage(lineage_root, number)
                    } else {
                        0
                    },
                };
                self.admit(
                    channel_idx,
                    drawn,
                    Party::Customer {
                        sla_extension: None,
                    },
                );
            }
        }
    }

    /// A new contact arrives on its channel: refused, deflected, held or offered.
    #[inline]
    pub(super) fn admit(&mut self, channel_idx: usize, drawn: DrawnContact, party: Party) {
        let now = self.now;
        let channel = &self.scenario.channels()[channel_idx];
        let combination_idx =
            self.scenario
                .attribute_combination_index(&crate::scenario::ContactKey {
                    channel_idx,
                    issue_type_idx: drawn.issue_type_idx,
                    segment_idx: drawn.segment_idx,
                    language_idx: drawn.language_idx,
                    urgency_idx: drawn.urgency_idx,
                });
        let counted = now >= self.warmup;
        let interval_idx = self.interval_of(now) as u32;
        let build = |generation: u32, service_token: u32, issue_slot: u32| Contact {
            arrival_time: now - drawn.age_seconds,
            work_seconds: drawn.work_seconds,
            patience_seconds: drawn.patience_seconds,
            wrap_seconds: drawn.wrap_seconds,
            service_start: 0.0,
            remaining_work: 0.0,
            progress_at: 0.0,
            class_idx: 0,
            interval_idx,
            generation,
            issue_slot,
            combination_idx: combination_idx as u32,
            agent_idx: NO_AGENT,
            lineage: drawn.lineage,
            service_token,
            channel_idx: channel_idx as u16,
            issue_type_idx: drawn.issue_type_idx as u8,
            segment_idx: drawn.segment_idx as u8,
            language_idx: drawn.language_idx as u8,
            urgency_idx: drawn.urgency_idx as u8,
            state: ContactState::Waiting,
            counted,
            converted: false,
            requeued: false,
            party,
            origin: Origin::First,
            attempt: 0,
            callback_tries: 0,
            failed_attempt: false,
        };
        let is_bot = matches!(party, Party::Bot { .. });
        let open = channel.hours.is_open(now);
        // A bot answers whatever the agents' hours; what it hands over meets them.
        let meets_bot = channel.bot.is_some() && !is_bot;
        let refused = !open
            && !meets_bot
            && !drawn.backlog
            && (is_bot || channel.after_hours == AfterHours::Refuse);
        if refused || (channel.kind == ChannelKind::SelfService && !meets_bot) {
            let contact = build(0, 0, NO_ISSUE);
            self.recorder.first_attempt(&contact);
            if !refused {
                self.recorder.deflected(&contact);
                return;
            }
            self.recorder.refused_closed(&contact);
            if channel.retry.is_some() && !is_bot {
                // The customer may come back: the attempt joins an issue to end in.
                let slot = self.insert_with_issue(contact);
                self.give_up(slot, false);
            } else {
                self.recorder.gave_up_for_good(&contact, false);
            }
            return;
        }
        // Built in its slot, not copied there (`ContactSlab::insert_with`).
        let issue_slot = self.open_issue(counted, is_bot);
        let slot = self
            .slab
            .insert_with(|generation, service_token| build(generation, service_token, issue_slot));
        self.count_in_issue(issue_slot, channel_idx);
        let contact = &self.slab.contacts[slot as usize];
        self.recorder.first_attempt(contact);
        self.recorder.bot_reached_agents(contact);
        if meets_bot {
            self.enter_bot(slot);
            return;
        }
        if self.channels[channel_idx].may_duplicate && !is_bot {
            self.maybe_duplicate(slot);
        }
        if open || drawn.backlog {
            self.offer(slot);
        } else {
            self.arrive(slot);
        }
    }

    /// Opens an issue for a new customer contact when issues are tracked (else `NO_ISSUE`).
    fn open_issue(&mut self, counted: bool, is_bot: bool) -> u32 {
        if !self.tracking_issues || is_bot {
            return NO_ISSUE;
        }
        self.recorder.flows.issues_started += u64::from(counted);
        self.issues.insert(Issue {
            first_arrival: self.now,
            counted,
            ..Issue::default()
        })
    }

    /// Inserts a new contact, opening an issue for a customer when issues are tracked.
    fn insert_with_issue(&mut self, mut contact: Contact) -> u32 {
        contact.issue_slot = self.open_issue(contact.counted, contact.is_bot());
        self.new_contact(contact)
    }

    /// A contact reaches its channel (a new arrival while closed, a follow-up, a retry, a
    /// bot's escalation, a duplicate): a retry meets the channel's bot first; outside hours
    /// it gets the channel's after-hours treatment; otherwise it is offered.
    pub(super) fn arrive(&mut self, slot: u32) {
        let contact = self.slab.contacts[slot as usize];
        let channel = &self.scenario.channels()[contact.channel_idx as usize];
        match contact.origin {
            Origin::First => {}
            Origin::Handoff => self.recorder.followup_in(&contact),
            _ => self.recorder.arrived_again(&contact),
        }
        if contact.origin == Origin::Retry && channel.bot.is_some() {
            self.enter_bot(slot);
            return;
        }
        if !channel.hours.is_open(self.now) {
            match channel.after_hours {
                AfterHours::Refuse => {
                    self.recorder.refused_closed(&contact);
                    self.give_up(slot, false);
                    return;
                }
                AfterHours::Ticket { to_channel } => {
                    self.recorder.after_hours_ticket(&contact);
                    self.convert(slot, to_channel, false, false);
                    return;
                }
                AfterHours::Hold => self.recorder.held_after_hours(&contact),
            }
        }
        self.offer(slot);
    }

    /// Offers a contact on its channel now: to a free agent of its route, else (when a rule
    /// says so) to another channel, else to the queue.
    pub(super) fn offer(&mut self, slot: u32) {
        let channel_idx = self.slab.contacts[slot as usize].channel_idx as usize;
        if let Some(outage) = self.disruption.channel_outage[channel_idx] {
            self.displace(slot, outage as usize, false);
            return;
        }
        let extension = self.disruption.channel_extension[channel_idx];
        let record = &mut self.slab.contacts[slot as usize];
        if let Party::Customer { sla_extension } = &mut record.party {
            *sla_extension = extension;
        }
        let class_idx = self
            .layout
            .class_index(channel_idx, record.combination_idx as usize);
        record.class_idx = class_idx as u32;
        let contact = *record;
        if let Some(rule_idx) = self.layout.class_rule[class_idx] {
            self.recorder.routed_by_rule(&contact, rule_idx as usize);
        }
        if let Some(move_to) = self.layout.class_move_to[class_idx]
            && !contact.converted
            && !contact.is_bot()
            && self.channel_accepts(move_to as usize)
        {
            self.recorder.offered(&contact, false);
            self.convert(slot, move_to as usize, true, false);
            return;
        }
        if !self.channel_taking_work[channel_idx] {
            self.recorder.offered(&contact, true);
            self.enqueue(slot);
            return;
        }
        let chosen = self.free_agent_for(class_idx, contact.issue_type_idx as usize);
        self.recorder.offered(&contact, chosen.is_none());
        match chosen {
            Some(agent_idx) => self.start_with(agent_idx, slot),
            None => {
                if self.channels[channel_idx].may_convert
                    && !contact.is_bot()
                    && self.try_convert_instead_of_queueing(slot)
                {
                    return;
                }
                self.enqueue(slot);
            }
        }
    }

    /// An available agent of the class's route for a contact of this issue type, by the
    /// scenario's selection policy.
    #[inline]
    pub(super) fn free_agent_for(&self, class_idx: usize, issue_type_idx: usize) -> Option<u32> {
        let scenario = self.scenario;
        let channel_idx = self.layout.class_channel[class_idx] as usize;
        routing::select_agent(
            &self.layout.class_tiers[class_idx],
            scenario.routing().agent_selection,
            &self.pools,
            &self.agents,
            self.layout.class_needs_whole_agent[class_idx],
            |group_idx| scenario.groups()[group_idx].proficiency(issue_type_idx, channel_idx),
            self.now,
        )
    }

    /// Starts an agent routing chose (out of its availability set) on a contact not queued.
    #[inline]
    pub(super) fn start_with(&mut self, agent_idx: u32, slot: u32) {
        self.take_from_availability(agent_idx);
        if self.audit.is_some() {
            self.audit_service_start(agent_idx, slot, false);
        }
        self.start_service(agent_idx, slot);
        self.refresh_availability(agent_idx);
    }

    /// Whether a channel takes converted contacts now: open, or holding them for opening.
    pub(super) fn channel_accepts(&self, channel_idx: usize) -> bool {
        let channel = &self.scenario.channels()[channel_idx];
        self.disruption.channel_outage[channel_idx].is_none()
            && (channel.after_hours == AfterHours::Hold || channel.hours.is_open(self.now))
    }

    /// Puts a contact in its class queue, with its abandonment and widening timers.
    fn enqueue(&mut self, slot: u32) {
        let now = self.now;
        let contact = &mut self.slab.contacts[slot as usize];
        contact.state = ContactState::Waiting;
        let (class_idx, generation, patience, queued_at) = (
            contact.class_idx as usize,
            contact.generation,
            contact.patience_seconds,
            contact.arrival_time,
        );
        let queue = &mut self.queues[class_idx];
        queue.entries.push_back(QueueEntry {
            contact_slot: slot,
            generation,
            arrival_time: queued_at,
        });
        queue.live += 1;
        if queue.live == 1 {
            self.class_filled(class_idx);
        }
        let channel_idx = self.layout.class_channel[class_idx] as usize;
        self.change_queue_length(channel_idx, 1);
        if patience.is_finite() {
            self.events.schedule(
                now + patience,
                Event::Abandon {
                    contact_slot: slot,
                    generation,
                },
            );
        }
        let widen_after = self.layout.class_widen_after[class_idx];
        if widen_after.is_finite() && !self.layout.class_widen_to[class_idx].is_empty() {
            self.events.schedule(
                now + widen_after,
                Event::Widen {
                    contact_slot: slot,
                    generation,
                },
            );
        }
    }

    /// A class's queue gained its first waiting contact: its groups' agents look at it.
    #[inline]
    pub(super) fn class_filled(&mut self, class_idx: usize) {
        for &(group_idx, position) in &self.layout.class_group_positions[class_idx] {
            self.group_ready[group_idx as usize].insert(position);
        }
    }

    /// A class's queue has nobody waiting any more.
    #[inline]
    pub(super) fn class_emptied(&mut self, class_idx: usize) {
        for &(group_idx, position) in &self.layout.class_group_positions[class_idx] {
            self.group_ready[group_idx as usize].remove(position);
        }
    }

    #[inline]
    pub(super) fn change_queue_length(&mut self, channel_idx: usize, delta: i32) {
        let length = &mut self.channel_queue_lengths[channel_idx];
        *length = length.wrapping_add_signed(delta);
        let length = *length;
        self.recorder.queue_changed(channel_idx, self.now, length);
    }

    /// The wait a contact has had on its channel's SLA clock.
    #[inline]
    pub(super) fn sla_wait(&self, contact: &Contact) -> f64 {
        let channel_idx = contact.channel_idx as usize;
        if self.channels[channel_idx].business_hours_clock {
            self.scenario.channels()[channel_idx]
                .hours
                .open_seconds_between(contact.arrival_time, self.now)
        } else {
            self.now - contact.arrival_time
        }
    }

    /// Takes a contact that was waiting in `class_idx` off the queue's count; the caller has
    /// already moved it out of the waiting state (answered or gone), so it is stale there.
    pub(super) fn leave_queue(&mut self, class_idx: usize) {
        let queue = &mut self.queues[class_idx];
        queue.live -= 1;
        queue.drop_stale_front(&self.slab);
        if queue.live == 0 {
            self.class_emptied(class_idx);
        }
        let channel_idx = self.layout.class_channel[class_idx] as usize;
        self.change_queue_length(channel_idx, -1);
    }

    pub(super) fn on_abandon(&mut self, slot: u32, generation: u32) {
        if !self.slab.is_waiting(slot, generation) {
            self.stale_events = self.stale_events.saturating_sub(1);
            return; // answered before patience ran out: a stale timer
        }
        let contact = self.slab.contacts[slot as usize];
        let wait = self.sla_wait(&contact);
        self.recorder.abandoned(&contact, wait);
        if let Some(log) = self.contact_log.as_mut() {
            super::service::log_contact(log, &contact, self.now, Outcome::Abandoned, None, None);
        }
        self.give_up(slot, true);
        self.leave_queue(contact.class_idx as usize);
    }
}

/// Most draws spent looking for a patience above an answered contact's recorded wait before
/// settling for the wait plus a fresh draw (exact for exponential patience, memoryless).
const MAX_PATIENCE_REDRAWS: u32 = 64;

/// A replayed contact's patience: an abandoned contact's recorded wait exactly; for one
/// answered after waiting `w`, a draw of the channel's patience conditioned on exceeding `w`
/// (by rejection from `drawn` on); else the draw as it is.
fn recorded_patience<R: rand::Rng + ?Sized>(
    recorded: RecordedPatience,
    drawn: f64,
    sampler: Option<&super::sampling::Sampler>,
    rng: &mut R,
) -> f64 {
    match recorded {
        RecordedPatience::Exactly(wait) => f64::from(wait),
        RecordedPatience::AtLeast(wait) => {
            let wait = f64::from(wait);
            let Some(sampler) = sampler else {
                return f64::INFINITY;
            };
            let mut patience = drawn;
            for _ in 0..MAX_PATIENCE_REDRAWS {
                if patience > wait {
                    return patience;
                }
                patience = sampler.sample(rng);
            }
            wait + patience
        }
        RecordedPatience::NotRecorded => drawn,
    }
}
