//! Contacts moving between channels, and the customer issues they belong to.
//!
//! - Conversions happen at once and keep the contact (and its history): an overflow rule or
//!   an accepted callback offer when no agent is free, or an after-hours ticket. The contact
//!   counts as `converted_out` where it was offered and `converted_in` (and offered) where it
//!   lands; its SLA clock restarts on the new channel. A contact overflows at most once.
//! - Handoffs create a new contact of the same issue after a handled one, on another channel,
//!   after a delay; the context travels with a probability, and a lost context adds the
//!   re-discovery time to the new contact's work.
//! - An issue ends when none of its contacts is alive or pending; its figures are recorded
//!   then (resolved when its last contact was handled).

use rand::RngExt;

use super::Simulation;
use super::event_queue::Event;
use super::rng::{self, ContactDraws};
use super::routing;
use super::state::{Contact, ContactState, NO_ISSUE, Origin};

impl Simulation<'_> {
    /// Inserts a contact (new or follow-up) and opens it in its issue.
    pub(super) fn new_contact(&mut self, contact: Contact) -> u32 {
        self.count_in_issue(contact.issue_slot, usize::from(contact.channel_idx));
        self.slab.insert(contact)
    }

    /// A new contact on `channel_idx` joins its issue (none for `NO_ISSUE`).
    #[inline]
    pub(super) fn count_in_issue(&mut self, issue_slot: u32, channel_idx: usize) {
        if issue_slot != NO_ISSUE {
            let issue = &mut self.issues.issues[issue_slot as usize];
            issue.contacts += 1;
            issue.open += 1;
            issue.channels.insert(channel_idx);
        }
    }

    /// A contact's life ends (handled, or lost: abandoned, refused); its slot is freed and
    /// its issue ends when nothing else of it is open.
    pub(super) fn end_contact(&mut self, slot: u32, handled: bool) {
        let issue_slot = self.slab.contacts[slot as usize].issue_slot;
        self.slab.remove(slot);
        if issue_slot == NO_ISSUE {
            return;
        }
        let issue = &mut self.issues.issues[issue_slot as usize];
        issue.open -= 1;
        issue.resolved = handled;
        if issue.open > 0 {
            return;
        }
        let issue = *issue;
        self.issues.remove(issue_slot);
        if !issue.counted {
            return;
        }
        let flows = &mut self.recorder.flows;
        flows.issues_closed += 1;
        flows.issues_reopened += u64::from(issue.reopened);
        flows.issues_repeat_contact += u64::from(issue.contacts >= 2);
        flows.switches += u64::from(issue.switches);
        flows.switches_with_context += u64::from(issue.switches_with_context);
        if issue.resolved {
            let channels = issue.channels.count();
            flows.issues_resolved += 1;
            flows.issues_resolved_multichannel += u64::from(channels >= 2);
            flows.resolved_channels_sum += u64::from(channels);
            flows.resolution_seconds_sum += self.now - issue.first_arrival;
        }
    }

    /// Counts the counted issues still open at the horizon.
    pub(super) fn count_open_issues(&mut self) {
        let mut open_issues = vec![false; self.issues.issues.len()];
        for contact in &self.slab.contacts {
            if contact.state != ContactState::Free && contact.issue_slot != NO_ISSUE {
                open_issues[contact.issue_slot as usize] = true;
            }
        }
        self.recorder.flows.issues_open_at_end = open_issues
            .iter()
            .zip(&self.issues.issues)
            .filter(|(open, issue)| **open && issue.counted)
            .count() as u64;
    }

    /// Moves a contact to `to_channel` now and offers it there. `offered_here` says whether
    /// its current channel counted it as offered (an overflow or callback) or not (an
    /// after-hours ticket, counted apart). `keep_work`: a callback is the same call later.
    pub(super) fn convert(
        &mut self,
        slot: u32,
        to_channel: usize,
        offered_here: bool,
        keep_work: bool,
    ) {
        let now = self.now;
        let interval_idx = self.interval_of(now);
        let counted = now >= self.warmup;
        let contact = self.slab.contacts[slot as usize];
        if offered_here {
            self.recorder.converted_out(&contact);
        }
        let runtime = &self.channels[to_channel];
        let mut rng = rng::contact_stream(contact.lineage, ContactDraws::Conversion);
        let work_seconds = if keep_work {
            contact.work_seconds
        } else {
            let work_multiplier = self.scenario.work_multiplier(
                usize::from(contact.issue_type_idx),
                usize::from(contact.segment_idx),
            ) * self.scenario.channels()[to_channel]
                .handle_time_factor(interval_idx);
            runtime
                .handle_time
                .as_ref()
                .map_or(0.0, |sampler| sampler.sample(&mut rng) * work_multiplier)
        };
        let patience_seconds = runtime
            .patience
            .as_ref()
            .map_or(f64::INFINITY, |sampler| sampler.sample(&mut rng));
        let wrap_seconds = runtime
            .wrap_up
            .as_ref()
            .map_or(0.0, |sampler| sampler.sample(&mut rng));
        let record = &mut self.slab.contacts[slot as usize];
        record.channel_idx = to_channel as u16;
        record.arrival_time = now;
        record.interval_idx = interval_idx as u32;
        record.counted = counted;
        record.work_seconds = work_seconds;
        record.patience_seconds = patience_seconds;
        record.wrap_seconds = wrap_seconds;
        record.state = ContactState::Waiting;
        record.converted = true;
        if contact.issue_slot != NO_ISSUE {
            let issue = &mut self.issues.issues[contact.issue_slot as usize];
            issue.channels.insert(to_channel);
            issue.switches += 1;
            issue.switches_with_context += 1;
        }
        self.recorder
            .converted_in(&self.slab.contacts[slot as usize]);
        self.offer(slot);
    }

    /// For a contact that found no agent: the first overflow rule whose condition holds, or
    /// else a callback offer. Returns whether the contact left for another channel.
    pub(super) fn try_convert_instead_of_queueing(&mut self, slot: u32) -> bool {
        let contact = self.slab.contacts[slot as usize];
        let channel_idx = contact.channel_idx as usize;
        if contact.converted {
            return false; // a contact converts at most once
        }
        let class_idx = contact.class_idx as usize;
        let waiting = self.channel_queue_lengths[channel_idx];
        let whole = self.layout.class_needs_whole_agent[class_idx];
        let capacity: u32 = self.layout.class_tiers[class_idx]
            .iter()
            .flatten()
            .map(|&g| {
                let pool = &self.pools[g as usize];
                pool.on_shift
                    * if whole {
                        1
                    } else {
                        self.scenario.groups()[g as usize].concurrency
                    }
            })
            .sum();
        let expected_wait = routing::expected_wait_seconds(
            waiting,
            self.channels[channel_idx].mean_handle_seconds,
            capacity,
        );
        let overflows = &self.scenario.routing().overflows;
        if let Some(overflow_idx) =
            routing::overflow_to_fire(overflows, channel_idx, waiting, expected_wait)
            && self.channel_accepts(overflows[overflow_idx].to_channel)
        {
            let overflow = &overflows[overflow_idx];
            let accepted = rng::contact_stream(contact.lineage, ContactDraws::Offer)
                .random::<f64>()
                < overflow.acceptance;
            self.recorder
                .overflow_offered(&contact, overflow_idx, accepted);
            if accepted {
                self.convert(slot, overflow.to_channel, true, false);
                return true;
            }
            return false;
        }
        if let Some(callback) = self.scenario.channels()[channel_idx].callback
            && expected_wait > callback.offer_when_expected_wait_above_seconds
        {
            let accepted = rng::contact_stream(contact.lineage, ContactDraws::Offer)
                .random::<f64>()
                < callback.acceptance;
            self.recorder.callback_offered(&contact, accepted);
            if accepted {
                self.convert(slot, callback.callback_channel, true, true);
                return true;
            }
        }
        false
    }

    /// After a contact is handled: perhaps the same customer continues on another channel.
    pub(super) fn maybe_hand_off(&mut self, slot: u32) {
        let contact = self.slab.contacts[slot as usize];
        let from_channel = contact.channel_idx as usize;
        let handoffs = &self.scenario.routing().handoffs;
        // Everything about the handoff comes from the contact's own stream, so a contact
        // handled in two runs leads to the same follow-up in both, whatever the order.
        let mut rng = rng::contact_stream(contact.lineage, ContactDraws::Handoff);
        let u = rng.random::<f64>();
        let Some(handoff_idx) = routing::handoff_to_fire(handoffs, from_channel, u) else {
            return;
        };
        let handoff = &handoffs[handoff_idx];
        let delay = self.handoff_delays[handoff_idx].sample(&mut rng);
        let context_preserved = rng.random::<f64>() < handoff.context_preserved;
        let to_channel = handoff.to_channel;
        let (mut work_seconds, patience_seconds, wrap_seconds) =
            self.draw_work_on(to_channel, &contact, &mut rng);
        if !context_preserved {
            work_seconds += handoff.rediscovery_seconds;
        }
        self.recorder
            .handed_off(&contact, to_channel, context_preserved);
        let issue = &mut self.issues.issues[contact.issue_slot as usize];
        issue.switches += 1;
        issue.switches_with_context += u32::from(context_preserved);
        issue.reopened |= handoff.reopens;
        let arrival = self.now + delay;
        let follow_up = self.new_contact(Contact {
            arrival_time: arrival,
            work_seconds,
            patience_seconds,
            wrap_seconds,
            lineage: rng::child_lineage(contact.lineage),
            channel_idx: to_channel as u16,
            origin: Origin::Handoff,
            ..Self::pending_like(&contact)
        });
        self.events.schedule(
            arrival,
            Event::FollowUp {
                contact_slot: follow_up,
            },
        );
    }

    /// A pending contact's time has come: a handoff's follow-up or a retry reaches its
    /// channel; a contact with a bot leaves it, resolved or for the agents.
    pub(super) fn on_follow_up(&mut self, slot: u32) {
        let with_bot = matches!(
            self.slab.contacts[slot as usize].origin,
            Origin::BotContained | Origin::BotEscalating
        );
        if with_bot && self.leave_bot(slot) {
            return;
        }
        let now = self.now;
        let interval_idx = self.interval_of(now);
        let contact = &mut self.slab.contacts[slot as usize];
        contact.arrival_time = now;
        contact.interval_idx = interval_idx as u32;
        contact.counted = now >= self.warmup;
        contact.state = ContactState::Waiting;
        let channel_idx = contact.channel_idx as usize;
        if with_bot && self.channels[channel_idx].may_duplicate {
            // Handed to agents, the contact is open: its customer may reach out again.
            self.maybe_duplicate(slot);
        }
        self.arrive(slot);
    }
}
