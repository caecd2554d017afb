//! `[routing]`, `[[overflow]]` and `[[handoffs]]`: agent selection, near-breach promotion,
//! priorities, routing rules (groups in order of preference, widening, channel moves),
//! overflow between channels, after-hours tickets' targets, and follow-ups after a handled
//! contact.

use indexmap::IndexMap;

use super::checker::{Checker, names_of, shown_sum};
use super::values;
use crate::scenario::raw::{RawContactMatch, RawNames, RawScenario};
use crate::scenario::{
    AfterHours, AgentGroup, AgentSelection, AttributeNames, Channel, ChannelKind, ChannelOverflow,
    ContactMatch, Handoff, Limits, RoutingConfig, RoutingRule,
};

pub(crate) fn routing(
    checker: &mut Checker,
    raw: &RawScenario,
    channels: &[Channel],
    groups: &[AgentGroup],
    names: &AttributeNames,
) -> Option<RoutingConfig> {
    let real_time: Vec<bool> = channels.iter().map(|c| c.kind.is_real_time()).collect();
    let mut config = RoutingConfig::default_for(&real_time, names.segments.len());
    let problems_before = checker.problems.len();
    let channel_names: Vec<&str> = channels.iter().map(|c| c.name.as_str()).collect();
    let group_names: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
    if let Some(routing) = &raw.routing {
        config.agent_selection = match routing.agent_selection.as_deref() {
            None | Some("longest_idle") => AgentSelection::LongestIdle,
            Some("most_proficient") => AgentSelection::MostProficient,
            Some("least_occupied") => AgentSelection::LeastOccupied,
            Some(other) => {
                checker.fail("routing.agent_selection", format!("unknown policy \"{other}\"; use \"longest_idle\", \"most_proficient\" or \"least_occupied\""));
                AgentSelection::LongestIdle
            }
        };
        if let Some(share) = routing.near_breach {
            if share.is_finite() && share > 0.0 && share < 1.0 {
                config.near_breach_share = Some(share);
            } else {
                checker.fail("routing.near_breach", format!("must be a share of the SLA window above 0 and below 1 (0.25 = the last quarter), got {share}"));
            }
        }
        if let Some(priority) = &routing.priority {
            config.channel_priority = priorities(
                checker,
                "routing.priority.channels",
                priority.channels.as_ref(),
                &channel_names,
                config.channel_priority.clone(),
                "channel",
            );
            config.segment_priority = priorities(
                checker,
                "routing.priority.segments",
                priority.segments.as_ref(),
                &names_of(&names.segments),
                config.segment_priority.clone(),
                "segment",
            );
        }
        if routing.rules.len() > Limits::MAX_ROUTING_RULES {
            checker.fail(
                "routing.rules",
                format!(
                    "{} rules; at most {} are supported",
                    routing.rules.len(),
                    Limits::MAX_ROUTING_RULES
                ),
            );
            return None;
        }
        for (rule_idx, raw_rule) in routing.rules.iter().enumerate() {
            let key = format!("routing.rules[{rule_idx}]");
            let name = raw_rule
                .name
                .clone()
                .unwrap_or_else(|| format!("rule_{}", rule_idx + 1));
            let matches = contact_match(
                checker,
                &format!("{key}.match"),
                raw_rule.matches.as_ref(),
                channels,
                names,
            );
            let move_to_channel = match &raw_rule.move_to_channel {
                Some(name) => {
                    let target = checker.lookup(
                        &format!("{key}.move_to_channel"),
                        name,
                        &channel_names,
                        "channel",
                    );
                    if let Some(target) = target
                        && channels[target].kind == ChannelKind::SelfService
                    {
                        checker.fail(
                            &format!("{key}.move_to_channel"),
                            "contacts can only move to a channel with agents",
                        );
                    }
                    if !raw_rule.groups.is_empty() || raw_rule.widen_after.is_some() {
                        checker.fail(&key, "a rule either moves contacts to another channel (move_to_channel) or sends them to groups (groups, widen_after, widen_to), not both");
                    }
                    target
                }
                None => {
                    if raw_rule.groups.is_empty() {
                        checker.fail(
                            &format!("{key}.groups"),
                            "is empty; list the groups, in order of preference (or give move_to_channel)",
                        );
                    }
                    None
                }
            };
            let rule_groups = checker
                .lookup_all(
                    &format!("{key}.groups"),
                    raw_rule.groups.iter().map(String::as_str),
                    &group_names,
                    "group",
                )
                .unwrap_or_default();
            let widen_to = checker
                .lookup_all(
                    &format!("{key}.widen_to"),
                    raw_rule.widen_to.iter().map(String::as_str),
                    &group_names,
                    "group",
                )
                .unwrap_or_default();
            let widen_after_seconds = match &raw_rule.widen_after {
                Some(text) => checker.duration(&format!("{key}.widen_after"), text),
                None => None,
            };
            if raw_rule.widen_after.is_some() == raw_rule.widen_to.is_empty() {
                checker.fail(&key, "widen_after and widen_to go together: after waiting widen_after, the contact may also go to widen_to");
            }
            let priority = raw_rule.priority.unwrap_or(0);
            if !(-1000..=1000).contains(&priority) {
                checker.fail(
                    &format!("{key}.priority"),
                    format!("must be from -1000 to 1000, got {priority}"),
                );
            }
            if let Some(matches) = matches {
                config.rules.push(RoutingRule {
                    name,
                    matches,
                    groups: rule_groups,
                    widen_after_seconds,
                    widen_to,
                    priority: priority as i32,
                    move_to_channel,
                });
            }
        }
    }
    for (overflow_idx, raw_overflow) in raw.overflow.iter().enumerate() {
        let key = format!("overflow[{overflow_idx}]");
        let from = checker.lookup(
            &format!("{key}.from"),
            &raw_overflow.from,
            &channel_names,
            "channel",
        );
        let to = checker.lookup(
            &format!("{key}.to"),
            &raw_overflow.to,
            &channel_names,
            "channel",
        );
        let queue_length_at_least = match raw_overflow.queue_length_at_least {
            Some(length) if (1..=i64::from(u32::MAX)).contains(&length) => Some(length as u32),
            Some(length) => {
                checker.fail(
                    &format!("{key}.queue_length_at_least"),
                    format!("must be a whole number of waiting contacts, 1 or more, got {length}"),
                );
                None
            }
            None => None,
        };
        let expected_wait_above_seconds = match &raw_overflow.expected_wait_above {
            Some(text) => checker.duration(&format!("{key}.expected_wait_above"), text),
            None => None,
        };
        if raw_overflow.queue_length_at_least.is_none()
            && raw_overflow.expected_wait_above.is_none()
        {
            checker.fail(&key, "give queue_length_at_least (the queue is full at this many waiting) or expected_wait_above, or both");
        }
        let acceptance = checker.probability(
            &format!("{key}.acceptance"),
            raw_overflow.acceptance.unwrap_or(1.0),
        );
        if let (Some(from), Some(to)) = (from, to) {
            if from == to {
                checker.fail(&key, "from and to are the same channel");
            } else if !channels[from].kind.is_real_time()
                && channels[from].kind != ChannelKind::Async
            {
                checker.fail(
                    &format!("{key}.from"),
                    "a self_service channel has no queue to overflow",
                );
            } else if channels[to].kind == ChannelKind::SelfService {
                checker.fail(
                    &format!("{key}.to"),
                    "overflow must go to a channel with agents, not self_service",
                );
            }
            config.overflows.push(ChannelOverflow {
                name: raw_overflow
                    .name
                    .clone()
                    .unwrap_or_else(|| format!("{}_to_{}", channels[from].name, channels[to].name)),
                from_channel: from,
                to_channel: to,
                queue_length_at_least,
                expected_wait_above_seconds,
                acceptance: acceptance.unwrap_or(1.0),
            });
        }
    }
    for channel in channels {
        if let AfterHours::Ticket { to_channel } = channel.after_hours {
            let key = format!("channels.{}.after_hours.to", channel.name);
            let target = &channels[to_channel];
            if target.name == channel.name
                || target.kind == ChannelKind::SelfService
                || target.callback_of.is_some()
            {
                checker.fail(&key, "a ticket goes to another channel with agents (not itself, self_service or a callback channel)");
            } else if matches!(target.after_hours, AfterHours::Ticket { .. }) {
                checker.fail(&key, format!("\"{}\" itself turns after-hours contacts into tickets; point the ticket at a channel that takes them (e.g. an always-open email channel)", target.name));
            }
        }
    }
    let mut handoff_total = vec![0.0; channels.len()];
    for (handoff_idx, raw_handoff) in raw.handoffs.iter().enumerate() {
        let key = format!("handoffs[{handoff_idx}]");
        let from = if raw_handoff.from == "any" {
            Some(None)
        } else {
            checker
                .lookup(
                    &format!("{key}.from"),
                    &raw_handoff.from,
                    &channel_names,
                    "channel",
                )
                .map(Some)
        };
        let to = checker.lookup(
            &format!("{key}.to"),
            &raw_handoff.to,
            &channel_names,
            "channel",
        );
        let probability =
            checker.probability(&format!("{key}.probability"), raw_handoff.probability);
        let delay = values::distribution(checker, &format!("{key}.delay"), &raw_handoff.delay);
        let context_preserved = checker.probability(
            &format!("{key}.context_preserved"),
            raw_handoff.context_preserved.unwrap_or(1.0),
        );
        let rediscovery_seconds = match &raw_handoff.rediscovery {
            Some(text) => checker.duration(&format!("{key}.rediscovery"), text),
            None => Some(0.0),
        };
        let (
            Some(from),
            Some(to),
            Some(probability),
            Some(delay),
            Some(context_preserved),
            Some(rediscovery_seconds),
        ) = (
            from,
            to,
            probability,
            delay,
            context_preserved,
            rediscovery_seconds,
        )
        else {
            continue;
        };
        if channels[to].kind == ChannelKind::SelfService || channels[to].callback_of.is_some() {
            checker.fail(&format!("{key}.to"), "a handoff goes to a channel customers contact agents on (not self_service or a callback channel)");
            continue;
        }
        if from == Some(to) {
            checker.fail(&key, "from and to are the same channel; a repeat contact on the same channel is a handoff to itself, which omnisim does not model");
            continue;
        }
        if let Some(from) = from
            && channels[from].kind == ChannelKind::SelfService
        {
            checker.fail(
                &format!("{key}.from"),
                "self_service contacts are not handled by agents and hand nothing off",
            );
            continue;
        }
        for (channel_idx, total) in handoff_total.iter_mut().enumerate() {
            if from.is_none_or(|from| from == channel_idx) && channel_idx != to {
                *total += probability;
            }
        }
        config.handoffs.push(Handoff {
            name: raw_handoff.name.clone().unwrap_or_else(|| {
                format!(
                    "{}_to_{}",
                    from.map_or("any", |f| channels[f].name.as_str()),
                    channels[to].name
                )
            }),
            from_channel: from,
            to_channel: to,
            probability,
            delay,
            context_preserved,
            rediscovery_seconds,
            reopens: raw_handoff.reopens.unwrap_or(false),
        });
    }
    for (channel_idx, total) in handoff_total.iter().enumerate() {
        if *total > 1.0 + 1e-9 {
            checker.fail("handoffs", format!("the handoff probabilities from \"{}\" sum to {}; at most one follow-up is drawn per contact, so they must sum to 1 or less", channels[channel_idx].name, shown_sum(*total)));
        }
    }
    (checker.problems.len() == problems_before).then_some(config)
}

pub(crate) fn priorities(
    checker: &mut Checker,
    key: &str,
    table: Option<&IndexMap<String, i64>>,
    all: &[&str],
    defaults: Vec<i32>,
    what: &str,
) -> Vec<i32> {
    let mut values = defaults;
    for (name, value) in table.into_iter().flatten() {
        match checker.lookup(key, name, all, what) {
            Some(idx) if (-1000..=1000).contains(value) => values[idx] = *value as i32,
            Some(_) => checker.fail(
                &format!("{key}.{name}"),
                format!("must be from -1000 to 1000, got {value}"),
            ),
            None => {}
        }
    }
    values
}

pub(crate) fn contact_match(
    checker: &mut Checker,
    key: &str,
    raw: Option<&RawContactMatch>,
    channels: &[Channel],
    names: &AttributeNames,
) -> Option<ContactMatch> {
    let channel_names: Vec<&str> = channels.iter().map(|c| c.name.as_str()).collect();
    let channels = checker.flags(
        &format!("{key}.channel"),
        raw.and_then(|m| m.channel.as_ref()).map(RawNames::names),
        &channel_names,
        "channel",
    );
    let mut flags = |field: &str, listed: Option<&RawNames>, all: &[String], what: &str| {
        checker.flags(
            &format!("{key}.{field}"),
            listed.map(RawNames::names),
            &names_of(all),
            what,
        )
    };
    let issue_types = flags(
        "issue_type",
        raw.and_then(|m| m.issue_type.as_ref()),
        &names.issue_types,
        "issue type",
    );
    let segments = flags(
        "segment",
        raw.and_then(|m| m.segment.as_ref()),
        &names.segments,
        "segment",
    );
    let languages = flags(
        "language",
        raw.and_then(|m| m.language.as_ref()),
        &names.languages,
        "language",
    );
    let urgencies = flags(
        "urgency",
        raw.and_then(|m| m.urgency.as_ref()),
        &names.urgencies,
        "urgency",
    );
    Some(ContactMatch {
        channels: channels?,
        issue_types: issue_types?,
        segments: segments?,
        languages: languages?,
        urgencies: urgencies?,
    })
}
