//! Validation of the routing parts of a scenario: after-hours handling, callbacks,
//! proficiencies, the `[routing]` section (selection, priorities, rules), `[[overflow]]` and
//! `[[handoffs]]`, and the check that every contact that can reach a channel has someone to
//! serve it. Same conventions as `validate.rs`: every problem is collected with its key path.

use indexmap::IndexMap;

use super::raw::{RawChannel, RawContactMatch, RawNames, RawScenario};
use super::routing_rules::{
    AfterHours, AgentSelection, Callback, ChannelOverflow, ContactMatch, Handoff, RoutingConfig,
    RoutingRule,
};
use super::validate::Checker;
use super::{AgentGroup, AttributeNames, Channel, ChannelKind, Limits, Scenario, ServiceLevel};

/// The name of the derived channel that holds a voice channel's callbacks.
pub(super) fn callback_channel_name(channel_name: &str) -> String {
    format!("{channel_name}_callback")
}

impl Checker {
    pub(super) fn after_hours(
        &mut self,
        key: &str,
        raw: &RawChannel,
        channel_names: &[String],
    ) -> Option<AfterHours> {
        let Some(after_hours) = &raw.after_hours else {
            return Some(AfterHours::Refuse);
        };
        let key = format!("{key}.after_hours");
        if raw.hours.is_none() {
            self.fail(
                &key,
                "the channel has no hours (it is always open); give hours or remove after_hours",
            );
            return None;
        }
        match (after_hours.action.as_str(), &after_hours.to) {
            ("refuse", None) => Some(AfterHours::Refuse),
            ("hold", None) => Some(AfterHours::Hold),
            ("ticket", Some(to)) => match channel_names.iter().position(|n| n == to) {
                Some(to_channel) => Some(AfterHours::Ticket { to_channel }),
                None => {
                    self.fail(
                        &format!("{key}.to"),
                        format!(
                            "no channel named \"{to}\"; channels are: {}",
                            channel_names.join(", ")
                        ),
                    );
                    None
                }
            },
            ("ticket", None) => {
                self.fail(
                    &format!("{key}.to"),
                    "missing; a ticket needs a channel, e.g. after_hours = { action = \"ticket\", to = \"email\" }",
                );
                None
            }
            ("refuse" | "hold", Some(_)) => {
                self.fail(
                    &format!("{key}.to"),
                    format!(
                        "only \"ticket\" takes a channel; \"{}\" does not",
                        after_hours.action
                    ),
                );
                None
            }
            (other, _) => {
                self.fail(
                    &format!("{key}.action"),
                    format!("unknown action \"{other}\"; use \"refuse\", \"hold\" (auto-acknowledge and wait for opening) or \"ticket\" (leave a message on another channel)"),
                );
                None
            }
        }
    }

    /// Appends one derived channel per voice channel with a callback offer: its outbound
    /// callbacks, with the source's handle time and hours, its own SLA window, no patience.
    pub(super) fn callback_channels(
        &mut self,
        raw: &RawScenario,
        channels: &mut Vec<Option<Channel>>,
    ) {
        for (source_idx, (name, raw_channel)) in raw.channels.iter().enumerate() {
            let Some(raw_callback) = &raw_channel.callback else {
                continue;
            };
            let key = format!("channels.{name}.callback");
            if raw.channels.contains_key(&callback_channel_name(name)) {
                self.fail(
                    &key,
                    format!(
                        "the callback channel is called \"{}\", which the scenario already declares; rename that channel",
                        callback_channel_name(name)
                    ),
                );
            }
            let offer = self.duration(
                &format!("{key}.offer_when_expected_wait_above"),
                &raw_callback.offer_when_expected_wait_above,
            );
            let acceptance =
                self.probability(&format!("{key}.acceptance"), raw_callback.acceptance);
            let within = self.duration(&format!("{key}.within"), &raw_callback.within);
            // The derived channel is appended next, after every declared one.
            let callback_channel = channels.len();
            let derived = match (channels[source_idx].as_mut(), offer, acceptance, within) {
                (Some(source), Some(offer), Some(acceptance), Some(within)) => {
                    if source.kind != ChannelKind::Voice {
                        self.fail(
                            &key,
                            format!(
                                "callbacks are offered on voice channels; \"{name}\" is {}",
                                source.kind.name()
                            ),
                        );
                        None
                    } else {
                        source.callback = Some(Callback {
                            offer_when_expected_wait_above_seconds: offer,
                            acceptance,
                            callback_channel,
                        });
                        Some(Channel {
                            name: callback_channel_name(name),
                            kind: ChannelKind::Async,
                            sla: Some(ServiceLevel {
                                threshold_seconds: within,
                                target: source.sla.map_or(0.8, |sla| sla.target),
                            }),
                            handle_time: source.handle_time.clone(),
                            patience: None,
                            hours: source.hours.clone(),
                            after_hours: AfterHours::Hold,
                            sla_clock: source.sla_clock,
                            callback: None,
                            callback_of: Some(source_idx),
                            arrivals: None,
                            mix: source.mix.clone(),
                            cost_per_contact: source.cost_per_contact,
                        })
                    }
                }
                _ => None,
            };
            channels.push(derived);
        }
    }

    pub(super) fn probability(&mut self, key: &str, value: f64) -> Option<f64> {
        if value.is_finite() && (0.0..=1.0).contains(&value) {
            Some(value)
        } else {
            self.fail(
                key,
                format!("must be a probability from 0 to 1, got {value}"),
            );
            None
        }
    }

    /// Per-name proficiencies (default 1.0 for names not listed).
    pub(super) fn proficiency_table(
        &mut self,
        key: &str,
        table: Option<&IndexMap<String, f64>>,
        all: &[String],
        what: &str,
    ) -> Option<Vec<f64>> {
        let mut values = vec![1.0; all.len()];
        let Some(table) = table else {
            return Some(values);
        };
        let mut ok = true;
        for (name, value) in table {
            match all.iter().position(|n| n == name) {
                Some(idx) if value.is_finite() && (0.05..=10.0).contains(value) => {
                    values[idx] = *value;
                }
                Some(_) => {
                    self.fail(&format!("{key}.{name}"), format!("must be from 0.05 to 10 (1.0 is standard speed, 0.8 takes 25% longer), got {value}"));
                    ok = false;
                }
                None => {
                    self.fail(
                        key,
                        format!(
                            "unknown {what} \"{name}\"; the scenario's {what}s are: {}",
                            all.join(", ")
                        ),
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(values)
    }

    fn group_list(&mut self, key: &str, names: &[String], groups: &[AgentGroup]) -> Vec<usize> {
        let mut indices = Vec::new();
        for name in names {
            match groups.iter().position(|g| &g.name == name) {
                Some(idx) if !indices.contains(&idx) => indices.push(idx),
                Some(_) => self.fail(key, format!("group \"{name}\" is listed twice")),
                None => self.fail(
                    key,
                    format!(
                        "no group named \"{name}\"; groups are: {}",
                        groups
                            .iter()
                            .map(|g| g.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ),
            }
        }
        indices
    }

    fn channel_named(&mut self, key: &str, name: &str, channels: &[Channel]) -> Option<usize> {
        let found = channels.iter().position(|c| c.name == name);
        if found.is_none() {
            self.fail(
                key,
                format!(
                    "no channel named \"{name}\"; channels are: {}",
                    channels
                        .iter()
                        .map(|c| c.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
        found
    }

    fn priorities(
        &mut self,
        key: &str,
        table: Option<&IndexMap<String, i64>>,
        all: &[String],
        defaults: Vec<i32>,
        what: &str,
    ) -> Vec<i32> {
        let mut values = defaults;
        for (name, value) in table.into_iter().flatten() {
            match all.iter().position(|n| n == name) {
                Some(idx) if (-1000..=1000).contains(value) => values[idx] = *value as i32,
                Some(_) => self.fail(
                    &format!("{key}.{name}"),
                    format!("must be from -1000 to 1000, got {value}"),
                ),
                None => self.fail(
                    key,
                    format!(
                        "unknown {what} \"{name}\"; the scenario's {what}s are: {}",
                        all.join(", ")
                    ),
                ),
            }
        }
        values
    }

    fn contact_match(
        &mut self,
        key: &str,
        raw: Option<&RawContactMatch>,
        channels: &[Channel],
        names: &AttributeNames,
    ) -> Option<ContactMatch> {
        let channel_names: Vec<String> = channels.iter().map(|c| c.name.clone()).collect();
        let mut flags = |field: &str, listed: Option<&RawNames>, all: &[String], what: &str| {
            let listed: Option<Vec<String>> =
                listed.map(|names| names.names().into_iter().map(str::to_string).collect());
            self.name_subset(&format!("{key}.{field}"), listed.as_deref(), all, what)
        };
        let channels = flags(
            "channel",
            raw.and_then(|m| m.channel.as_ref()),
            &channel_names,
            "channel",
        );
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

    pub(super) fn routing(
        &mut self,
        raw: &RawScenario,
        channels: &[Channel],
        groups: &[AgentGroup],
        names: &AttributeNames,
    ) -> Option<RoutingConfig> {
        let real_time: Vec<bool> = channels.iter().map(|c| c.kind.is_real_time()).collect();
        let mut config = RoutingConfig::default_for(&real_time, names.segments.len());
        let problems_before = self.problems.len();
        let channel_names: Vec<String> = channels.iter().map(|c| c.name.clone()).collect();
        if let Some(routing) = &raw.routing {
            config.agent_selection = match routing.agent_selection.as_deref() {
                None | Some("longest_idle") => AgentSelection::LongestIdle,
                Some("most_proficient") => AgentSelection::MostProficient,
                Some("least_occupied") => AgentSelection::LeastOccupied,
                Some(other) => {
                    self.fail("routing.agent_selection", format!("unknown policy \"{other}\"; use \"longest_idle\", \"most_proficient\" or \"least_occupied\""));
                    AgentSelection::LongestIdle
                }
            };
            if let Some(share) = routing.near_breach {
                if share.is_finite() && share > 0.0 && share < 1.0 {
                    config.near_breach_share = Some(share);
                } else {
                    self.fail("routing.near_breach", format!("must be a share of the SLA window above 0 and below 1 (0.25 = the last quarter), got {share}"));
                }
            }
            if let Some(priority) = &routing.priority {
                config.channel_priority = self.priorities(
                    "routing.priority.channels",
                    priority.channels.as_ref(),
                    &channel_names,
                    config.channel_priority.clone(),
                    "channel",
                );
                config.segment_priority = self.priorities(
                    "routing.priority.segments",
                    priority.segments.as_ref(),
                    &names.segments,
                    config.segment_priority.clone(),
                    "segment",
                );
            }
            if routing.rules.len() > Limits::MAX_ROUTING_RULES {
                self.fail(
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
                let matches = self.contact_match(
                    &format!("{key}.match"),
                    raw_rule.matches.as_ref(),
                    channels,
                    names,
                );
                let move_to_channel = match &raw_rule.move_to_channel {
                    Some(name) => {
                        let target =
                            self.channel_named(&format!("{key}.move_to_channel"), name, channels);
                        if let Some(target) = target
                            && channels[target].kind == ChannelKind::SelfService
                        {
                            self.fail(
                                &format!("{key}.move_to_channel"),
                                "contacts can only move to a channel with agents",
                            );
                        }
                        if !raw_rule.groups.is_empty() || raw_rule.widen_after.is_some() {
                            self.fail(&key, "a rule either moves contacts to another channel (move_to_channel) or sends them to groups (groups, widen_after, widen_to), not both");
                        }
                        target
                    }
                    None => {
                        if raw_rule.groups.is_empty() {
                            self.fail(
                                &format!("{key}.groups"),
                                "is empty; list the groups, in order of preference (or give move_to_channel)",
                            );
                        }
                        None
                    }
                };
                let rule_groups =
                    self.group_list(&format!("{key}.groups"), &raw_rule.groups, groups);
                let widen_to =
                    self.group_list(&format!("{key}.widen_to"), &raw_rule.widen_to, groups);
                let widen_after_seconds = match &raw_rule.widen_after {
                    Some(text) => self.duration(&format!("{key}.widen_after"), text),
                    None => None,
                };
                if raw_rule.widen_after.is_some() == raw_rule.widen_to.is_empty() {
                    self.fail(&key, "widen_after and widen_to go together: after waiting widen_after, the contact may also go to widen_to");
                }
                let priority = raw_rule.priority.unwrap_or(0);
                if !(-1000..=1000).contains(&priority) {
                    self.fail(
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
            let from = self.channel_named(&format!("{key}.from"), &raw_overflow.from, channels);
            let to = self.channel_named(&format!("{key}.to"), &raw_overflow.to, channels);
            let queue_length_at_least = match raw_overflow.queue_length_at_least {
                Some(length) if (1..=i64::from(u32::MAX)).contains(&length) => Some(length as u32),
                Some(length) => {
                    self.fail(
                        &format!("{key}.queue_length_at_least"),
                        format!(
                            "must be a whole number of waiting contacts, 1 or more, got {length}"
                        ),
                    );
                    None
                }
                None => None,
            };
            let expected_wait_above_seconds = match &raw_overflow.expected_wait_above {
                Some(text) => self.duration(&format!("{key}.expected_wait_above"), text),
                None => None,
            };
            if raw_overflow.queue_length_at_least.is_none()
                && raw_overflow.expected_wait_above.is_none()
            {
                self.fail(&key, "give queue_length_at_least (the queue is full at this many waiting) or expected_wait_above, or both");
            }
            let acceptance = self.probability(
                &format!("{key}.acceptance"),
                raw_overflow.acceptance.unwrap_or(1.0),
            );
            if let (Some(from), Some(to)) = (from, to) {
                if from == to {
                    self.fail(&key, "from and to are the same channel");
                } else if !channels[from].kind.is_real_time()
                    && channels[from].kind != ChannelKind::Async
                {
                    self.fail(
                        &format!("{key}.from"),
                        "a self_service channel has no queue to overflow",
                    );
                } else if channels[to].kind == ChannelKind::SelfService {
                    self.fail(
                        &format!("{key}.to"),
                        "overflow must go to a channel with agents, not self_service",
                    );
                }
                config.overflows.push(ChannelOverflow {
                    name: raw_overflow.name.clone().unwrap_or_else(|| {
                        format!("{}_to_{}", channels[from].name, channels[to].name)
                    }),
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
                    self.fail(&key, "a ticket goes to another channel with agents (not itself, self_service or a callback channel)");
                } else if matches!(target.after_hours, AfterHours::Ticket { .. }) {
                    self.fail(&key, format!("\"{}\" itself turns after-hours contacts into tickets; point the ticket at a channel that takes them (e.g. an always-open email channel)", target.name));
                }
            }
        }
        let mut handoff_total = vec![0.0; channels.len()];
        for (handoff_idx, raw_handoff) in raw.handoffs.iter().enumerate() {
            let key = format!("handoffs[{handoff_idx}]");
            let from = if raw_handoff.from == "any" {
                Some(None)
            } else {
                self.channel_named(&format!("{key}.from"), &raw_handoff.from, channels)
                    .map(Some)
            };
            let to = self.channel_named(&format!("{key}.to"), &raw_handoff.to, channels);
            let probability =
                self.probability(&format!("{key}.probability"), raw_handoff.probability);
            let delay = self.distribution(&format!("{key}.delay"), &raw_handoff.delay);
            let context_preserved = self.probability(
                &format!("{key}.context_preserved"),
                raw_handoff.context_preserved.unwrap_or(1.0),
            );
            let rediscovery_seconds = match &raw_handoff.rediscovery {
                Some(text) => self.duration(&format!("{key}.rediscovery"), text),
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
                self.fail(&format!("{key}.to"), "a handoff goes to a channel customers contact agents on (not self_service or a callback channel)");
                continue;
            }
            if from == Some(to) {
                self.fail(&key, "from and to are the same channel; a repeat contact on the same channel is a handoff to itself, which omnisim does not model");
                continue;
            }
            if let Some(from) = from
                && channels[from].kind == ChannelKind::SelfService
            {
                self.fail(
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
                self.fail("handoffs", format!("the handoff probabilities from \"{}\" sum to {total}; at most one follow-up is drawn per contact, so they must sum to 1 or less", channels[channel_idx].name));
            }
        }
        (self.problems.len() == problems_before).then_some(config)
    }

    /// Every kind of contact that can reach a channel (by arriving on it or flowing to it)
    /// must have a group to serve it, on its rule's groups when a rule matches it.
    pub(super) fn coverage(&mut self, scenario: &Scenario) {
        let reachable = scenario.reachable_combinations();
        for (channel_idx, channel) in scenario.channels().iter().enumerate() {
            if channel.kind == ChannelKind::SelfService {
                continue;
            }
            let key = format!("channels.{}", channel.name);
            let reaches = reachable[channel_idx].iter().any(|r| *r);
            if reaches
                && !scenario
                    .groups()
                    .iter()
                    .any(|g| g.serves_channel[channel_idx])
            {
                self.fail(&key, format!("\"{}\" receives contacts but no agent group serves it; add \"{}\" to some group's channels", channel.name, channel.name));
                continue;
            }
            let mut reported = 0;
            for (combination_idx, reaches) in reachable[channel_idx].iter().enumerate() {
                if !reaches || reported >= 5 {
                    continue;
                }
                let contact = scenario.contact_key(channel_idx, combination_idx);
                let route = scenario.route_for(&contact);
                if !route.tiers.is_empty() {
                    continue;
                }
                reported += 1;
                let names = scenario.attribute_names();
                let what = format!(
                    "contacts of issue type \"{}\" in language \"{}\" (segment \"{}\", urgency \"{}\") reach \"{}\"",
                    names.issue_types[contact.issue_type_idx],
                    names.languages[contact.language_idx],
                    names.segments[contact.segment_idx],
                    names.urgencies[contact.urgency_idx],
                    channel.name
                );
                match route.rule_idx {
                    Some(rule_idx) => self.fail(
                        &format!("routing.rules[{rule_idx}].groups"),
                        format!("{what} and match rule \"{}\", but none of its groups serves that channel with that skill and language", scenario.routing().rules[rule_idx].name),
                    ),
                    None => self.fail(&key, format!("{what}, but no group serving it has that skill and language")),
                }
            }
        }
    }
}
