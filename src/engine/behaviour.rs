//! Customers beyond one queue (`scenario::customer_behaviour`): a customer who gives up and
//! tries again, a channel's bot that contains some contacts and hands the rest to agents,
//! callback attempts that miss, and a second contact on another channel while the first is
//! open. Each decision is drawn from the contact's own stream (`rng::ContactDraws`), so a
//! routing or staffing change never changes what another customer does.
//!
//! - A retry is a new contact of the same issue, pending until its delay has passed; it
//!   keeps the customer's work when it returns to the same channel (or from a callback to
//!   its voice channel) and brings fresh patience.
//! - A contact with a bot is pending on its channel for the bot's time; then it is resolved
//!   (contained) or arrives on the escalation channel with the work drawn for it there,
//!   plus the rediscovery time when its context is lost.
//! - A callback attempt that misses takes the agent `failed_attempt` and is not answered;
//!   the callback waits `retry_after` and is offered again (not counted twice), until its
//!   last attempt, when it is lost and its customer may redial.

use rand::RngExt;

use super::Simulation;
use super::event_queue::Event;
use super::rng::{self, ContactDraws};
use super::routing;
use super::sampling::Sampler;
use super::state::{Contact, ContactState, NO_AGENT, Origin, Party};

/// A channel's callback attempts, ready to draw from.
pub(super) struct CallbackAttemptDraws {
    pub reach: f64,
    pub attempts: u8,
    pub retry_after: Option<Sampler>,
    pub failed_attempt_seconds: f64,
}

impl Simulation<'_> {
    /// A customer gives up (abandons: `abandoned`; is refused while closed; loses a
    /// callback): they may try again, and the contact ends.
    pub(super) fn give_up(&mut self, slot: u32, abandoned: bool) {
        let contact = self.slab.contacts[slot as usize];
        if !self.maybe_retry(&contact) {
            self.recorder.gave_up_for_good(&contact, abandoned);
        }
        self.end_contact(slot, false);
    }

    /// Whether the customer of a contact that gave up tries again; if so, the retry is
    /// scheduled as a pending contact of the same issue.
    fn maybe_retry(&mut self, contact: &Contact) -> bool {
        let channel_idx = contact.channel_idx as usize;
        let Some(retry) = &self.scenario.channels()[channel_idx].retry else {
            return false;
        };
        if contact.is_bot() || u16::from(contact.attempt) + 1 >= u16::from(retry.attempts) {
            return false;
        }
        let mut rng = rng::contact_stream(contact.lineage, ContactDraws::Retry);
        if rng.random::<f64>() >= retry.probability {
            return false;
        }
        let delay = self.channels[channel_idx]
            .retry_delay
            .as_ref()
            .map_or(0.0, |sampler| sampler.sample(&mut rng));
        let to_channel = retry.channel_idx;
        let same_work = to_channel == channel_idx
            || self.scenario.channels()[channel_idx].callback_of == Some(to_channel);
        let (work_seconds, patience_seconds, wrap_seconds) =
            self.draw_work_on(to_channel, contact, &mut rng);
        let arrival = self.now + delay;
        let retry_slot = self.new_contact(Contact {
            arrival_time: arrival,
            work_seconds: if same_work {
                contact.work_seconds
            } else {
                work_seconds
            },
            patience_seconds,
            wrap_seconds,
            lineage: rng::child_lineage(contact.lineage),
            channel_idx: to_channel as u16,
            origin: Origin::Retry,
            attempt: contact.attempt.saturating_add(1),
            ..Self::pending_like(contact)
        });
        self.events.schedule(
            arrival,
            Event::FollowUp {
                contact_slot: retry_slot,
            },
        );
        true
    }

    /// A contact of the same customer, not yet anywhere: what a pending follow-up starts
    /// from (the caller sets its channel, work, lineage and origin).
    pub(super) fn pending_like(contact: &Contact) -> Contact {
        Contact {
            interval_idx: 0,
            agent_idx: NO_AGENT,
            state: ContactState::Pending,
            counted: false,
            converted: false,
            requeued: false,
            party: Party::Customer {
                sla_extension: None,
            },
            attempt: 0,
            callback_tries: 0,
            failed_attempt: false,
            ..*contact
        }
    }

    /// The work (with the contact's multiplier), patience and after-call work a contact
    /// brings to `channel_idx`, drawn from `rng` in that order.
    pub(super) fn draw_work_on(
        &self,
        channel_idx: usize,
        contact: &Contact,
        rng: &mut rand::rngs::Xoshiro256PlusPlus,
    ) -> (f64, f64, f64) {
        let target = &self.channels[channel_idx];
        let work_multiplier = self.scenario.work_multiplier(
            usize::from(contact.issue_type_idx),
            usize::from(contact.segment_idx),
        ) * self.scenario.channels()[channel_idx]
            .handle_time_factor((self.now / self.interval_seconds) as usize);
        let work = target
            .handle_time
            .as_ref()
            .map_or(0.0, |sampler| sampler.sample(rng) * work_multiplier);
        let patience = target
            .patience
            .as_ref()
            .map_or(f64::INFINITY, |sampler| sampler.sample(rng));
        let wrap = target
            .wrap_up
            .as_ref()
            .map_or(0.0, |sampler| sampler.sample(rng));
        (work, patience, wrap)
    }

    /// A new contact (or a customer trying again) meets its channel's bot: it stays pending
    /// for the bot's time, contained or to be handed over.
    pub(super) fn enter_bot(&mut self, slot: u32) {
        let contact = self.slab.contacts[slot as usize];
        let channel_idx = contact.channel_idx as usize;
        let bot = self.scenario.channels()[channel_idx]
            .bot
            .as_ref()
            .expect("only contacts of a channel with a bot enter one");
        self.recorder.bot_entered(&contact);
        // Always the same draws in the same order, so the same customer meets the same
        // bot whatever the containment.
        let mut rng = rng::contact_stream(contact.lineage, ContactDraws::Bot);
        let contained = rng.random::<f64>() < bot.containment;
        let bot_seconds = self.channels[channel_idx]
            .bot_time
            .as_ref()
            .map_or(0.0, |sampler| sampler.sample(&mut rng));
        let (mut work, mut patience, mut wrap) =
            self.draw_work_on(bot.escalate_to, &contact, &mut rng);
        if bot.escalate_to == channel_idx {
            // The channel's own agents: the work drawn at arrival, as without the bot.
            (work, patience, wrap) = (
                contact.work_seconds,
                contact.patience_seconds,
                contact.wrap_seconds,
            );
        }
        let context_kept = rng.random::<f64>() < bot.context_preserved;
        if !contained && !context_kept {
            work += bot.rediscovery_seconds;
        }
        let record = &mut self.slab.contacts[slot as usize];
        record.work_seconds = work;
        record.patience_seconds = patience;
        record.wrap_seconds = wrap;
        record.state = ContactState::Pending;
        record.origin = if contained {
            Origin::BotContained
        } else {
            Origin::BotEscalating
        };
        // The context travels (or not) to agents on another channel: a switch of the issue.
        if !contained
            && bot.escalate_to != channel_idx
            && contact.issue_slot != super::state::NO_ISSUE
        {
            let issue = &mut self.issues.issues[contact.issue_slot as usize];
            issue.switches += 1;
            issue.switches_with_context += u32::from(context_kept);
        }
        self.events.schedule(
            self.now + bot_seconds,
            Event::FollowUp { contact_slot: slot },
        );
    }

    /// The bot is done with a contact: a contained one ends resolved (true), an escalated
    /// one moves to the escalation channel to arrive there (false).
    pub(super) fn leave_bot(&mut self, slot: u32) -> bool {
        let contact = self.slab.contacts[slot as usize];
        let contained = contact.origin == Origin::BotContained;
        self.recorder
            .bot_finished(&contact, contained, contact.work_seconds);
        if contained {
            self.end_contact(slot, true);
            return true;
        }
        let channel_idx = contact.channel_idx as usize;
        let escalate_to = self.scenario.channels()[channel_idx]
            .bot
            .as_ref()
            .map_or(channel_idx, |bot| bot.escalate_to);
        if escalate_to != channel_idx && contact.issue_slot != super::state::NO_ISSUE {
            self.issues.issues[contact.issue_slot as usize]
                .channels
                .insert(escalate_to);
        }
        let record = &mut self.slab.contacts[slot as usize];
        record.channel_idx = escalate_to as u16;
        record.origin = Origin::Escalation;
        false
    }

    /// Whether the callback attempt an agent starts on now misses the customer; counts the
    /// attempt, and the reach when it does not miss.
    pub(super) fn callback_attempt_misses(&mut self, slot: u32) -> bool {
        let contact = self.slab.contacts[slot as usize];
        let Some(attempts) = &self.channels[contact.channel_idx as usize].callback_attempts else {
            return false;
        };
        let attempt = contact.callback_tries + 1;
        let reached = rng::contact_stream(contact.lineage, ContactDraws::CallbackAttempt(attempt))
            .random::<f64>()
            < attempts.reach;
        let record = &mut self.slab.contacts[slot as usize];
        if reached {
            self.recorder.callback_reached(&contact, attempt);
        } else {
            record.callback_tries = attempt;
        }
        !reached
    }

    /// The agent time of a callback attempt that missed is over: the callback waits for its
    /// next attempt, or after its last is lost (and its customer may redial).
    pub(super) fn callback_attempt_missed(&mut self, slot: u32, agent_seconds: f64) {
        let contact = self.slab.contacts[slot as usize];
        self.recorder
            .callback_attempt_failed(&contact, agent_seconds);
        let attempts = self.channels[contact.channel_idx as usize]
            .callback_attempts
            .as_ref()
            .expect("only callbacks that may miss fail an attempt");
        if contact.callback_tries >= attempts.attempts {
            self.recorder.callback_lost(&contact);
            let record = &mut self.slab.contacts[slot as usize];
            record.failed_attempt = false;
            record.agent_idx = NO_AGENT;
            self.give_up(slot, false);
            return;
        }
        let mut rng = rng::contact_stream(
            contact.lineage,
            ContactDraws::CallbackAttempt(contact.callback_tries),
        );
        let _reach: f64 = rng.random();
        let delay = attempts
            .retry_after
            .as_ref()
            .map_or(0.0, |sampler| sampler.sample(&mut rng));
        let record = &mut self.slab.contacts[slot as usize];
        record.failed_attempt = false;
        record.agent_idx = NO_AGENT;
        record.state = ContactState::Pending;
        self.events.schedule(
            self.now + delay,
            Event::CallbackRetry { contact_slot: slot },
        );
    }

    /// A callback is tried again: offered to its agents as it was at first (not counted as
    /// offered twice).
    pub(super) fn on_callback_retry(&mut self, slot: u32) {
        self.slab.contacts[slot as usize].state = ContactState::Waiting;
        self.offer(slot);
    }

    /// For a new contact on a channel some `[[duplicates]]` rule starts from: whether its
    /// customer will also contact another channel, and when.
    pub(super) fn maybe_duplicate(&mut self, slot: u32) {
        let contact = self.slab.contacts[slot as usize];
        let duplicates = &self.scenario.routing().duplicates;
        let mut rng = rng::contact_stream(contact.lineage, ContactDraws::Duplicate);
        let u = rng.random::<f64>();
        let Some(duplicate_idx) =
            routing::duplicate_to_fire(duplicates, contact.channel_idx as usize, u)
        else {
            return;
        };
        let delay = self.duplicate_delays[duplicate_idx].sample(&mut rng);
        self.events.schedule(
            self.now + delay,
            Event::Duplicate {
                contact_slot: slot,
                lineage_check: contact.lineage as u32,
                duplicate_idx: duplicate_idx as u16,
            },
        );
    }

    /// The customer of a contact makes their second contact, if the first is still open
    /// with agents: merged into it, or a duplicate on the other channel.
    pub(super) fn on_duplicate(&mut self, slot: u32, lineage_check: u32, duplicate_idx: usize) {
        let contact = self.slab.contacts[slot as usize];
        let open = matches!(
            contact.state,
            ContactState::Waiting | ContactState::InService
        );
        if !open || contact.lineage as u32 != lineage_check {
            return; // the first contact ended before the customer reached out again
        }
        let duplicate = &self.scenario.routing().duplicates[duplicate_idx];
        let to_channel = duplicate.to_channel;
        let mut rng = rng::contact_stream(contact.lineage, ContactDraws::DuplicateContact);
        let merged = rng.random::<f64>() < duplicate.merged;
        self.recorder
            .duplicate_made(&contact, duplicate_idx, merged);
        if merged {
            return;
        }
        let (work_seconds, patience_seconds, wrap_seconds) =
            self.draw_work_on(to_channel, &contact, &mut rng);
        let now = self.now;
        let second = self.new_contact(Contact {
            arrival_time: now,
            work_seconds,
            patience_seconds,
            wrap_seconds,
            interval_idx: self.interval_of(now) as u32,
            counted: now >= self.warmup,
            state: ContactState::Waiting,
            lineage: rng::sibling_lineage(contact.lineage),
            channel_idx: to_channel as u16,
            origin: Origin::Duplicate,
            ..Self::pending_like(&contact)
        });
        self.arrive(second);
    }
}
