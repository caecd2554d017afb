//! What customers do beyond one queue: `[channels.X] retry` (redials after giving up),
//! `[channels.X] bot` (a first-line bot or IVR that contains some contacts and hands the
//! rest over), the attempts of `[channels.X.callback]` (callbacks that may not reach the
//! customer), and `[[duplicates]]` (a second contact while the first is open).

use super::checker::{Checker, names_of};
use super::values;
use crate::scenario::raw::{RawBot, RawCallback, RawDuplicate, RawRetry};
use crate::scenario::{Bot, CallbackAttempts, Channel, ChannelKind, Duplicate, Retry};

/// Most attempts a callback may be given.
const MAX_CALLBACK_ATTEMPTS: i64 = 20;

/// Agent time of a missed callback attempt when `failed_attempt` is not given.
const DEFAULT_FAILED_ATTEMPT_SECONDS: f64 = 30.0;

/// `channels.X.retry`; `own_idx` is the channel's index among `channel_names`.
pub(crate) fn retry(
    checker: &mut Checker,
    key: &str,
    raw: &RawRetry,
    own_idx: usize,
    channel_names: &[String],
) -> Option<Retry> {
    let probability = checker.probability(&format!("{key}.probability"), raw.probability);
    let delay = values::distribution(checker, &format!("{key}.delay"), &raw.delay);
    let channel_idx = match &raw.channel {
        Some(name) => checker.lookup(
            &format!("{key}.channel"),
            name,
            &names_of(channel_names),
            "channel",
        ),
        None => Some(own_idx),
    };
    let attempts = match raw.attempts {
        None => Some(Retry::NO_LIMIT),
        Some(attempts) if (2..=i64::from(u8::MAX)).contains(&attempts) => Some(attempts as u8),
        Some(attempts) => {
            checker.fail(
                &format!("{key}.attempts"),
                format!("must be from 2 (one retry) to 255, the first attempt included; got {attempts} (leave it out to let only the probability limit retries)"),
            );
            None
        }
    };
    Some(Retry {
        probability: probability?,
        delay: delay?,
        channel_idx: channel_idx?,
        attempts: attempts?,
    })
}

/// `channels.X.bot`.
pub(crate) fn bot(
    checker: &mut Checker,
    key: &str,
    raw: &RawBot,
    channel_names: &[String],
) -> Option<Bot> {
    let containment = checker.probability(&format!("{key}.containment"), raw.containment);
    let handle_time =
        values::distribution(checker, &format!("{key}.handle_time"), &raw.handle_time);
    let escalate_to = match &raw.escalate_to {
        Some(name) => checker.lookup(
            &format!("{key}.escalate_to"),
            name,
            &names_of(channel_names),
            "channel",
        ),
        None => {
            checker.fail(
                &format!("{key}.escalate_to"),
                "missing; a bot hands the contacts it does not contain to agents, e.g. escalate_to = \"chat\" (the channel itself is allowed)",
            );
            None
        }
    };
    let context_preserved = checker.probability(
        &format!("{key}.context_preserved"),
        raw.context_preserved.unwrap_or(1.0),
    );
    let rediscovery_seconds = match &raw.rediscovery {
        Some(text) => checker.duration(&format!("{key}.rediscovery"), text),
        None => Some(0.0),
    };
    let cost_per_contact = match raw.cost_per_contact {
        Some(cost) => checker
            .cost(&format!("{key}.cost_per_contact"), Some(cost), "contact")
            .map(Some),
        None => Some(None),
    };
    Some(Bot {
        containment: containment?,
        handle_time: handle_time?,
        escalate_to: escalate_to?,
        context_preserved: context_preserved?,
        rediscovery_seconds: rediscovery_seconds?,
        cost_per_contact: cost_per_contact?,
    })
}

/// The attempts of `channels.X.callback`: `None` inside when every callback reaches its
/// customer (no `reach`, or a reach of 1).
pub(crate) fn callback_attempts(
    checker: &mut Checker,
    key: &str,
    raw: &RawCallback,
) -> Option<Option<CallbackAttempts>> {
    if raw.reach.is_none()
        && (raw.attempts.is_some() || raw.retry_after.is_some() || raw.failed_attempt.is_some())
    {
        checker.fail(
            &format!("{key}.reach"),
            "missing; attempts, retry_after and failed_attempt apply to callbacks that can miss the customer, so give the share of attempts that reach them, e.g. reach = 0.8",
        );
        return None;
    }
    let reach = checker.probability(&format!("{key}.reach"), raw.reach.unwrap_or(1.0))?;
    let attempts = match raw.attempts {
        None => 1,
        Some(attempts) if (1..=MAX_CALLBACK_ATTEMPTS).contains(&attempts) => attempts as u8,
        Some(attempts) => {
            checker.fail(
                &format!("{key}.attempts"),
                format!("must be from 1 to {MAX_CALLBACK_ATTEMPTS}, the first attempt included; got {attempts}"),
            );
            return None;
        }
    };
    let retry_after = match (&raw.retry_after, attempts) {
        (Some(distribution), 2..) => Some(values::distribution(
            checker,
            &format!("{key}.retry_after"),
            distribution,
        )?),
        (Some(_), _) => {
            checker.fail(
                &format!("{key}.retry_after"),
                "with one attempt there is nothing to retry; give attempts = 2 or more, or remove retry_after",
            );
            return None;
        }
        (None, 2..) => {
            checker.fail(
                &format!("{key}.retry_after"),
                "missing; with attempts above 1, say how long after a missed attempt the next is made, e.g. retry_after = { distribution = \"fixed\", value = \"15m\" }",
            );
            return None;
        }
        (None, _) => None,
    };
    let failed_attempt_seconds = match &raw.failed_attempt {
        Some(text) => checker.duration(&format!("{key}.failed_attempt"), text)?,
        None => DEFAULT_FAILED_ATTEMPT_SECONDS,
    };
    let attempts = CallbackAttempts {
        reach,
        attempts,
        retry_after,
        failed_attempt_seconds,
    };
    Some(attempts.may_fail().then_some(attempts))
}

/// Whether customers can be sent to a channel (a retry, a bot's escalation, a duplicate):
/// it has agents and is not a derived callback channel.
fn takes_customers(channel: &Channel) -> bool {
    channel.kind != ChannelKind::SelfService && channel.callback_of.is_none()
}

/// Checks across channels, once every channel is known: where retries and bots send
/// customers, and which channels can have them.
pub(crate) fn channel_targets(checker: &mut Checker, channels: &[Channel]) {
    for channel in channels.iter().filter(|c| c.callback_of.is_none()) {
        let key = format!("channels.{}", channel.name);
        if let Some(retry) = &channel.retry {
            if channel.kind == ChannelKind::SelfService {
                checker.fail(
                    &format!("{key}.retry"),
                    "customers of a self_service channel never wait for an agent, so they do not give up; put retry on the channels they give up on",
                );
            } else if !takes_customers(&channels[retry.channel_idx]) {
                checker.fail(
                    &format!("{key}.retry.channel"),
                    "customers try again on a channel with agents (not self_service or a callback channel)",
                );
            }
        }
        if let Some(bot) = &channel.bot
            && !takes_customers(&channels[bot.escalate_to])
        {
            checker.fail(
                &format!("{key}.bot.escalate_to"),
                "a bot hands contacts to a channel with agents (not self_service or a callback channel)",
            );
        }
    }
}

/// `[[duplicates]]`.
pub(crate) fn duplicates(
    checker: &mut Checker,
    raw: &[RawDuplicate],
    channels: &[Channel],
) -> Option<Vec<Duplicate>> {
    let problems_before = checker.problems.len();
    let names: Vec<&str> = channels.iter().map(|c| c.name.as_str()).collect();
    let mut duplicates = Vec::new();
    for (duplicate_idx, raw_duplicate) in raw.iter().enumerate() {
        let key = format!("duplicates[{duplicate_idx}]");
        let from = checker.lookup(
            &format!("{key}.from"),
            &raw_duplicate.from,
            &names,
            "channel",
        );
        let to = checker.lookup(&format!("{key}.to"), &raw_duplicate.to, &names, "channel");
        let probability =
            checker.probability(&format!("{key}.probability"), raw_duplicate.probability);
        let delay = values::distribution(checker, &format!("{key}.delay"), &raw_duplicate.delay);
        let merged = checker.probability(
            &format!("{key}.merged"),
            raw_duplicate.merged.unwrap_or(0.0),
        );
        let (Some(from), Some(to), Some(probability), Some(delay), Some(merged)) =
            (from, to, probability, delay, merged)
        else {
            continue;
        };
        for (end, channel_idx) in [("from", from), ("to", to)] {
            if !takes_customers(&channels[channel_idx]) {
                checker.fail(
                    &format!("{key}.{end}"),
                    "duplicates are contacts with agents (not self_service or a callback channel)",
                );
            }
        }
        if from == to {
            checker.fail(
                &format!("{key}.to"),
                "from and to are the same channel; a duplicate is a second contact on another channel",
            );
        }
        duplicates.push(Duplicate {
            name: raw_duplicate
                .name
                .clone()
                .unwrap_or_else(|| format!("{}_and_{}", channels[from].name, channels[to].name)),
            from_channel: from,
            to_channel: to,
            probability,
            delay,
            merged,
        });
    }
    let mut total = vec![0.0; channels.len()];
    for duplicate in &duplicates {
        total[duplicate.from_channel] += duplicate.probability;
    }
    for (channel_idx, sum) in total.iter().enumerate() {
        if *sum > 1.0 + 1e-9 {
            checker.fail(
                "duplicates",
                format!(
                    "the duplicate probabilities from \"{}\" sum to {}; at most one second contact is drawn per contact, so they must sum to 1 or less",
                    channels[channel_idx].name,
                    super::checker::shown_sum(*sum)
                ),
            );
        }
    }
    (checker.problems.len() == problems_before).then_some(duplicates)
}
