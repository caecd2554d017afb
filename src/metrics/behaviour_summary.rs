//! The customer-behaviour part of a run's summary (`scenario::customer_behaviour`): first
//! attempts against retries and abandonment per contact against per customer (when any
//! channel has `retry`), each bot's containment, the agent work it saved and the cost per
//! contact with and without it, callback attempts, and duplicates. Every figure is a mean
//! over replications with its 95% half-width; sections a scenario does not use are empty and
//! left out of summary.json, so its outputs stay as they were.

use serde::Serialize;

use super::digest::ReplicationDigest;
use super::routing_summary::NamedFigures;
use super::samples::estimates;
use crate::metric::{Figures, Metric};
use crate::scenario::Scenario;
use crate::stats::ratio;

#[derive(Debug, Clone, Default, Serialize)]
pub struct BehaviourSummary {
    /// Customers against contacts (when any channel has `retry`, or there are duplicates:
    /// their agent time is here).
    #[serde(skip_serializing_if = "Figures::is_empty")]
    pub customers: Figures,
    /// Per channel customers reach: first attempts and retries.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attempts: Vec<NamedFigures>,
    /// Per channel with a bot.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub bots: Vec<NamedFigures>,
    /// Per callback channel whose attempts may miss: attempts that failed, callbacks lost,
    /// and (`callback_attempts`) callbacks reached at each attempt.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub callbacks: Vec<NamedFigures>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub callback_attempts: Vec<NamedFigures>,
    /// Per `[[duplicates]]` rule.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub duplicates: Vec<NamedFigures>,
}

impl BehaviourSummary {
    pub fn is_empty(&self) -> bool {
        self.customers.is_empty()
            && self.attempts.is_empty()
            && self.bots.is_empty()
            && self.callbacks.is_empty()
            && self.callback_attempts.is_empty()
            && self.duplicates.is_empty()
    }
}

pub fn behaviour_summary(scenario: &Scenario, results: &[ReplicationDigest]) -> BehaviourSummary {
    let channels = scenario.channels();
    let channel_totals =
        |result: &ReplicationDigest, channel_idx: usize| result.reported_channels[channel_idx];
    let mut summary = BehaviourSummary::default();
    let any_retry = channels.iter().any(|c| c.retry.is_some());
    if any_retry || !scenario.routing().duplicates.is_empty() {
        summary.customers = estimates(results, |r| {
            let customers = &r.flows.customers;
            let first: u64 = customers.first_attempts.iter().sum();
            let retries: u64 = customers.retries.iter().sum();
            let (mut abandoned, mut offered) = (0, 0);
            for channel_idx in 0..channels.len() {
                let total = channel_totals(r, channel_idx);
                abandoned += total.abandoned;
                offered += total.offered - total.deflected;
            }
            let duplicate_hours = customers.duplicate_agent_seconds / 3600.0;
            let mut values = vec![
                (Metric::Customers, first as f64),
                (Metric::Contacts, (first + retries) as f64),
                (Metric::Retries, retries as f64),
                (
                    Metric::RetryShare,
                    ratio(retries as f64, (first + retries) as f64),
                ),
                (
                    Metric::ContactAbandonmentRate,
                    ratio(abandoned as f64, offered as f64),
                ),
                (
                    Metric::CustomerAbandonmentRate,
                    ratio(customers.abandoned_for_good as f64, first as f64),
                ),
                (Metric::GaveUpForGood, customers.gave_up_for_good as f64),
            ];
            if !scenario.routing().duplicates.is_empty() {
                values.push((Metric::DuplicateAgentHours, duplicate_hours));
            }
            values
        });
        summary.attempts = channels
            .iter()
            .enumerate()
            .filter(|(_, channel)| channel.callback_of.is_none())
            .filter(|(channel_idx, channel)| {
                channel.retry.is_some()
                    || channels.iter().any(|c| {
                        c.retry
                            .as_ref()
                            .is_some_and(|r| r.channel_idx == *channel_idx)
                    })
            })
            .map(|(channel_idx, channel)| NamedFigures {
                name: channel.name.clone(),
                detail: channel.retry.as_ref().map_or(String::new(), |retry| {
                    format!(
                        "{:.0}% of those who give up try again on {}",
                        retry.probability * 100.0,
                        channels[retry.channel_idx].name
                    )
                }),
                metrics: estimates(results, |r| {
                    let customers = &r.flows.customers;
                    let first = customers.first_attempts[channel_idx] as f64;
                    let retries = customers.retries[channel_idx] as f64;
                    vec![
                        (Metric::FirstAttempts, first),
                        (Metric::Retries, retries),
                        (Metric::RetryShare, ratio(retries, first + retries)),
                    ]
                }),
            })
            .collect();
    }
    let cost_per_work_hour = |r: &ReplicationDigest| agent_cost_per_work_hour(scenario, r);
    summary.bots = channels
        .iter()
        .enumerate()
        .filter_map(|(channel_idx, channel)| {
            let bot = channel.bot.as_ref()?;
            Some(NamedFigures {
                name: channel.name.clone(),
                detail: format!(
                    "contains {:.0}%, hands the rest to {}",
                    bot.containment * 100.0,
                    channels[bot.escalate_to].name
                ),
                metrics: estimates(results, |r| {
                    let customers = &r.flows.customers;
                    let entered = customers.bot_entered[channel_idx] as f64;
                    let contained = customers.bot_contained[channel_idx] as f64;
                    let escalated = customers.bot_escalated[channel_idx] as f64;
                    let saved_hours = customers.bot_work_saved_seconds[channel_idx] / 3600.0;
                    let bot_cost = bot.cost_per_contact.map_or(0.0, |cost| cost * entered);
                    // The agent cost of one contact's work: the work a contained contact
                    // would have needed, on average, at what an hour of agents' work costs.
                    let work_cost = ratio(saved_hours, contained) * cost_per_work_hour(r);
                    vec![
                        (Metric::BotContacts, entered),
                        (Metric::Contained, contained),
                        (Metric::Escalated, escalated),
                        (
                            Metric::ContainmentRate,
                            ratio(contained, contained + escalated),
                        ),
                        (Metric::AgentHoursSaved, saved_hours),
                        (Metric::BotCost, bot_cost),
                        (
                            Metric::CostPerContactWithBot,
                            ratio(bot_cost + escalated * work_cost, entered),
                        ),
                        (Metric::CostPerContactWithoutBot, work_cost),
                    ]
                }),
            })
        })
        .collect();
    for (channel_idx, channel) in channels.iter().enumerate() {
        let Some(attempts) = &channel.callback_attempts else {
            continue;
        };
        summary.callbacks.push(NamedFigures {
            name: channel.name.clone(),
            detail: format!(
                "{:.0}% of attempts reach the customer, {} attempt(s) at most",
                attempts.reach * 100.0,
                attempts.attempts
            ),
            metrics: estimates(results, |r| {
                let total = channel_totals(r, channel_idx);
                vec![
                    (
                        Metric::FailedAttempts,
                        total.callback_attempts_failed as f64,
                    ),
                    (
                        Metric::FailedAttemptHours,
                        r.flows.customers.callback_failed_seconds / 3600.0,
                    ),
                    (Metric::Lost, total.callbacks_lost as f64),
                ]
            }),
        });
        for attempt in 0..usize::from(attempts.attempts) {
            summary.callback_attempts.push(NamedFigures {
                name: format!("{} attempt {}", channel.name, attempt + 1),
                detail: String::new(),
                metrics: estimates(results, |r| {
                    let customers = &r.flows.customers;
                    let reached = customers.callback_reached_on_attempt[attempt] as f64;
                    let missed = customers.callback_missed_on_attempt[attempt] as f64;
                    vec![
                        (Metric::Reached, reached),
                        (Metric::FailedAttempts, missed),
                        (Metric::ReachRate, ratio(reached, reached + missed)),
                    ]
                }),
            });
        }
    }
    summary.duplicates = scenario
        .routing()
        .duplicates
        .iter()
        .enumerate()
        .map(|(duplicate_idx, duplicate)| NamedFigures {
            name: duplicate.name.clone(),
            detail: format!(
                "{} customers also contacting {}",
                channels[duplicate.from_channel].name, channels[duplicate.to_channel].name
            ),
            metrics: estimates(results, |r| {
                let customers = &r.flows.customers;
                let made = customers.duplicates[duplicate_idx] as f64;
                vec![
                    (Metric::Duplicates, made),
                    (
                        Metric::Merged,
                        customers.duplicates_merged[duplicate_idx] as f64,
                    ),
                    (
                        Metric::DuplicateRate,
                        ratio(
                            made,
                            customers.first_attempts[duplicate.from_channel] as f64,
                        ),
                    ),
                ]
            }),
        })
        .collect();
    summary
}

/// What an hour of agents' work cost in a replication: the paid cost of every group with a
/// `cost_per_hour` over its busy hours (NaN when no group has a cost).
fn agent_cost_per_work_hour(scenario: &Scenario, result: &ReplicationDigest) -> f64 {
    let (mut cost, mut busy_hours) = (0.0, 0.0);
    for (group_idx, group) in scenario.groups().iter().enumerate() {
        let Some(cost_per_hour) = group.cost_per_hour else {
            continue;
        };
        let total = &result.reported_groups[group_idx];
        cost += cost_per_hour * total.scheduled_area / 3600.0;
        busy_hours += total.busy_area / 3600.0;
    }
    ratio(cost, busy_hours)
}
