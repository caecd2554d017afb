//! The recorder's figures of customer behaviour (`scenario::customer_behaviour`): first
//! attempts and retries, customers who give up for good, bots, callback attempts and
//! duplicates. Attribution is the recorder's as everywhere: a counted customer contact, in
//! the cell of its channel and arrival interval.

use super::counts::CustomerCounts;
use super::recorder::Recorder;
use super::state::{Contact, Origin, Party};
use crate::scenario::Scenario;

/// Counters sized for the scenario: per channel where any channel has a bot or retries,
/// per callback attempt, per duplicate rule.
pub(super) fn customer_counts(scenario: &Scenario) -> CustomerCounts {
    let n_channels = scenario.channels().len();
    let any_bot = scenario.channels().iter().any(|c| c.bot.is_some());
    let per_bot_channel = |value| {
        if any_bot {
            vec![value; n_channels]
        } else {
            Vec::new()
        }
    };
    let most_callback_attempts = scenario
        .channels()
        .iter()
        .filter_map(|c| c.callback_attempts.as_ref())
        .map(|attempts| usize::from(attempts.attempts))
        .max()
        .unwrap_or(0);
    let n_duplicates = scenario.routing().duplicates.len();
    CustomerCounts {
        first_attempts: vec![0; n_channels],
        retries: vec![0; n_channels],
        escalations_in: vec![0; n_channels],
        duplicates_in: vec![0; n_channels],
        bot_entered: per_bot_channel(0),
        bot_contained: per_bot_channel(0),
        bot_escalated: per_bot_channel(0),
        bot_in_progress_at_end: per_bot_channel(0),
        bot_work_saved_seconds: if any_bot {
            vec![0.0; n_channels]
        } else {
            Vec::new()
        },
        callback_reached_on_attempt: vec![0; most_callback_attempts],
        callback_missed_on_attempt: vec![0; most_callback_attempts],
        duplicates: vec![0; n_duplicates],
        duplicates_merged: vec![0; n_duplicates],
        ..CustomerCounts::default()
    }
}

impl Recorder {
    /// Whether a contact is a customer counted in the figures (after the warm-up).
    #[inline]
    fn counted_customer(contact: &Contact) -> bool {
        contact.counted && matches!(contact.party, Party::Customer { .. })
    }

    /// A new contact arrived: a customer's first attempt (bots of a spam event are not
    /// customers).
    #[inline]
    pub fn first_attempt(&mut self, contact: &Contact) {
        if Self::counted_customer(contact) {
            self.flows.customers.first_attempts[contact.channel_idx as usize] += 1;
        }
    }

    /// A contact that is not new reached its channel: a customer trying again, a bot's
    /// escalation, or a duplicate (a handoff's follow-up is `followup_in`).
    #[inline]
    pub fn arrived_again(&mut self, contact: &Contact) {
        if !Self::counted_customer(contact) {
            return;
        }
        let channel_idx = contact.channel_idx as usize;
        let customers = &mut self.flows.customers;
        match contact.origin {
            Origin::Retry => customers.retries[channel_idx] += 1,
            Origin::Escalation => customers.escalations_in[channel_idx] += 1,
            Origin::Duplicate => customers.duplicates_in[channel_idx] += 1,
            Origin::First | Origin::Handoff | Origin::BotContained | Origin::BotEscalating => {}
        }
    }

    /// A customer gave up (an abandonment when `abandoned`; else refused while closed, or a
    /// callback never reached) and will not try again.
    #[inline]
    pub fn gave_up_for_good(&mut self, contact: &Contact, abandoned: bool) {
        if Self::counted_customer(contact) {
            self.flows.customers.gave_up_for_good += 1;
            self.flows.customers.abandoned_for_good += u64::from(abandoned);
        }
    }

    /// A new contact meets its channel's bot.
    #[inline]
    pub fn bot_entered(&mut self, contact: &Contact) {
        if Self::counted_customer(contact) {
            self.flows.customers.bot_entered[contact.channel_idx as usize] += 1;
        }
    }

    /// The bot is done with a contact: it resolved it (`contained`, saving `work_seconds` of
    /// agent work), or hands it over.
    #[inline]
    pub fn bot_finished(&mut self, contact: &Contact, contained: bool, work_seconds: f64) {
        if !Self::counted_customer(contact) {
            return;
        }
        let channel_idx = contact.channel_idx as usize;
        let counts = &mut self.flows.customers;
        if contained {
            counts.bot_contained[channel_idx] += 1;
            counts.bot_work_saved_seconds[channel_idx] += work_seconds;
        } else {
            counts.bot_escalated[channel_idx] += 1;
        }
    }

    /// A contact still with its channel's bot at the horizon.
    #[inline]
    pub fn bot_left_at_end(&mut self, contact: &Contact) {
        if Self::counted_customer(contact) {
            self.flows.customers.bot_in_progress_at_end[contact.channel_idx as usize] += 1;
        }
    }

    /// A callback attempt (its `callback_tries`-th) missed the customer after
    /// `agent_seconds` of an agent's time.
    #[inline]
    pub fn callback_attempt_failed(&mut self, contact: &Contact, agent_seconds: f64) {
        let attempt = usize::from(contact.callback_tries);
        if let Some(cell) = self.customer_cell(contact) {
            cell.callback_attempts_failed += 1;
            let customers = &mut self.flows.customers;
            customers.callback_failed_seconds += agent_seconds;
            customers.callback_missed_on_attempt[attempt - 1] += 1;
        }
    }

    /// A callback reached its customer at attempt `attempt` (1 first).
    #[inline]
    pub fn callback_reached(&mut self, contact: &Contact, attempt: u8) {
        if Self::counted_customer(contact) {
            self.flows.customers.callback_reached_on_attempt[usize::from(attempt) - 1] += 1;
        }
    }

    /// A callback missed at its last attempt: it leaves its channel unanswered.
    #[inline]
    pub fn callback_lost(&mut self, contact: &Contact) {
        if let Some(cell) = self.customer_cell(contact) {
            cell.callbacks_lost += 1;
        }
    }

    /// The customer of an open contact made a second contact by duplicate rule
    /// `duplicate_idx`; `merged` into the open one, or worked in full.
    #[inline]
    pub fn duplicate_made(&mut self, contact: &Contact, duplicate_idx: usize, merged: bool) {
        if Self::counted_customer(contact) {
            let counts = &mut self.flows.customers;
            counts.duplicates[duplicate_idx] += 1;
            counts.duplicates_merged[duplicate_idx] += u64::from(merged);
        }
    }

    /// An agent finished a duplicate after `handle_seconds`.
    #[inline]
    pub fn duplicate_handled(&mut self, contact: &Contact, handle_seconds: f64) {
        if Self::counted_customer(contact) {
            self.flows.customers.duplicate_agent_seconds += handle_seconds;
        }
    }
}
