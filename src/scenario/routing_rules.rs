//! The validated routing section of a scenario: who may serve which contacts, in what order
//! of preference, which waiting work goes first, when contacts overflow to other groups or
//! channels, and which follow-up contacts a handled contact leads to. Names are resolved to
//! indices here; the engine and `crate::engine::routing` read only indices.

use super::Distribution;

#[derive(Debug, Clone, PartialEq)]
pub struct RoutingConfig {
    pub agent_selection: AgentSelection,
    /// `[channel_idx]`: static priority of a channel's contacts (higher goes first).
    /// Defaults: real-time channels 1, others 0.
    pub channel_priority: Vec<i32>,
    /// `[segment_idx]`: added to the channel's priority (default 0).
    pub segment_priority: Vec<i32>,
    /// A waiting contact with less than this share of its SLA window left (and not yet past
    /// it) goes ahead of every contact that is not that close.
    pub near_breach_share: Option<f64>,
    /// Evaluated in order; the first rule that matches a contact decides its groups.
    pub rules: Vec<RoutingRule>,
    /// Evaluated in order when a contact finds no agent.
    pub overflows: Vec<ChannelOverflow>,
    pub handoffs: Vec<Handoff>,
    /// Second contacts of a customer whose first is still open (`[[duplicates]]`).
    pub duplicates: Vec<super::Duplicate>,
}

impl RoutingConfig {
    /// The configuration of a scenario without a routing section.
    pub fn default_for(channel_real_time: &[bool], n_segments: usize) -> RoutingConfig {
        RoutingConfig {
            agent_selection: AgentSelection::LongestIdle,
            channel_priority: channel_real_time.iter().map(|&rt| i32::from(rt)).collect(),
            segment_priority: vec![0; n_segments],
            near_breach_share: None,
            rules: Vec::new(),
            overflows: Vec::new(),
            handoffs: Vec::new(),
            duplicates: Vec::new(),
        }
    }
}

/// Which of the eligible agents free to take a new contact gets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgentSelection {
    /// The agent idle the longest (the usual ACD default, and fair).
    LongestIdle,
    /// The agent whose group is most proficient at the contact's issue type and channel;
    /// ties go to the longest idle.
    MostProficient,
    /// The agent with the lowest occupancy since logging in; ties go to the longest idle.
    LeastOccupied,
}

impl AgentSelection {
    pub fn name(self) -> &'static str {
        match self {
            AgentSelection::LongestIdle => "longest_idle",
            AgentSelection::MostProficient => "most_proficient",
            AgentSelection::LeastOccupied => "least_occupied",
        }
    }
}

/// Which contacts a rule applies to: one flag per attribute value (all true when the rule
/// does not mention the attribute).
#[derive(Debug, Clone, PartialEq)]
pub struct ContactMatch {
    pub channels: Vec<bool>,
    pub issue_types: Vec<bool>,
    pub segments: Vec<bool>,
    pub languages: Vec<bool>,
    pub urgencies: Vec<bool>,
}

impl ContactMatch {
    pub fn matches(&self, contact: &ContactKey) -> bool {
        self.channels[contact.channel_idx]
            && self.issue_types[contact.issue_type_idx]
            && self.segments[contact.segment_idx]
            && self.languages[contact.language_idx]
            && self.urgencies[contact.urgency_idx]
    }
}

/// The attributes routing looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContactKey {
    pub channel_idx: usize,
    pub issue_type_idx: usize,
    pub segment_idx: usize,
    pub language_idx: usize,
    pub urgency_idx: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RoutingRule {
    pub name: String,
    pub matches: ContactMatch,
    /// Target groups in order of preference. Only those that can serve a contact (channel,
    /// skill, language) are used for it.
    pub groups: Vec<usize>,
    /// After waiting this long, the contact may also go to `widen_to`.
    pub widen_after_seconds: Option<f64>,
    pub widen_to: Vec<usize>,
    /// Added to the contact's priority.
    pub priority: i32,
    /// Move matching contacts to this channel while it takes contacts (there, its own
    /// rules route them); `groups` is then empty.
    pub move_to_channel: Option<usize>,
}

/// Convert a contact to another channel instead of queueing it.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelOverflow {
    pub name: String,
    pub from_channel: usize,
    pub to_channel: usize,
    /// Fires when at least this many contacts already wait on `from_channel`...
    pub queue_length_at_least: Option<u32>,
    /// ...or when the expected wait exceeds this.
    pub expected_wait_above_seconds: Option<f64>,
    /// Share of customers who accept the conversion; the others stay in the queue.
    pub acceptance: f64,
}

/// After a contact is handled, the same customer continues on another channel.
#[derive(Debug, Clone, PartialEq)]
pub struct Handoff {
    pub name: String,
    /// `None`: any channel other than `to_channel`.
    pub from_channel: Option<usize>,
    pub to_channel: usize,
    pub probability: f64,
    pub delay: Distribution,
    /// Probability that the next agent has the history (no re-discovery).
    pub context_preserved: f64,
    /// Extra handle time when the context is lost (the customer repeats themselves).
    pub rediscovery_seconds: f64,
    /// The issue counted as resolved; this contact reopens it.
    pub reopens: bool,
}

/// What a contact arriving while its channel is closed gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterHours {
    /// Not taken (counted as arrived while closed).
    Refuse,
    /// Acknowledged by an auto-responder and queued until the channel opens.
    Hold,
    /// Acknowledged and turned into a ticket on another channel ("leave a message",
    /// voicemail transcribed to email).
    Ticket { to_channel: usize },
}

/// Whether an SLA clock counts the time a channel is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlaClock {
    Calendar,
    BusinessHours,
}

/// A voice channel's callback offer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Callback {
    pub offer_when_expected_wait_above_seconds: f64,
    pub acceptance: f64,
    /// The derived channel that holds the outbound callback tasks.
    pub callback_channel: usize,
}

use super::{ChannelKind, Scenario};

/// How a contact of one class is routed: computed once per class from the rules.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassRoute {
    /// The rule that matched, if any.
    pub rule_idx: Option<usize>,
    /// The matched rule moves the contact to this channel.
    pub move_to_channel: Option<usize>,
    /// Groups that may take the contact at once, one tier per preference level (a rule's
    /// groups are one tier each, in order; without a rule, every able group is one tier).
    pub tiers: Vec<Vec<usize>>,
    /// Groups that may also take it once it has waited `widen_after_seconds`.
    pub widen_to: Vec<usize>,
    pub widen_after_seconds: f64,
    pub priority: i32,
}

impl Scenario {
    /// Combinations of (issue type, segment, language, urgency), the attributes a contact
    /// carries across channels.
    pub fn n_attribute_combinations(&self) -> usize {
        let names = &self.attribute_names;
        names.issue_types.len()
            * names.segments.len()
            * names.languages.len()
            * names.urgencies.len()
    }

    pub fn attribute_combination_index(&self, key: &ContactKey) -> usize {
        let names = &self.attribute_names;
        ((key.issue_type_idx * names.segments.len() + key.segment_idx) * names.languages.len()
            + key.language_idx)
            * names.urgencies.len()
            + key.urgency_idx
    }

    pub fn contact_key(&self, channel_idx: usize, combination_idx: usize) -> ContactKey {
        let names = &self.attribute_names;
        let urgency_idx = combination_idx % names.urgencies.len();
        let rest = combination_idx / names.urgencies.len();
        let language_idx = rest % names.languages.len();
        let rest = rest / names.languages.len();
        let segment_idx = rest % names.segments.len();
        let issue_type_idx = rest / names.segments.len();
        ContactKey {
            channel_idx,
            issue_type_idx,
            segment_idx,
            language_idx,
            urgency_idx,
        }
    }

    /// Channels whose contacts may continue on `to` (overflow, after-hours tickets,
    /// callbacks, handoffs, retries, bot escalations, duplicates), as (from, to) pairs.
    pub fn channel_flows(&self) -> Vec<(usize, usize)> {
        let mut flows = Vec::new();
        for (channel_idx, channel) in self.channels.iter().enumerate() {
            if let AfterHours::Ticket { to_channel } = channel.after_hours {
                flows.push((channel_idx, to_channel));
            }
            if let Some(callback) = channel.callback {
                flows.push((channel_idx, callback.callback_channel));
            }
            if let Some(retry) = &channel.retry {
                flows.push((channel_idx, retry.channel_idx));
            }
            if let Some(bot) = &channel.bot {
                flows.push((channel_idx, bot.escalate_to));
            }
        }
        for duplicate in &self.routing.duplicates {
            flows.push((duplicate.from_channel, duplicate.to_channel));
        }
        for overflow in &self.routing.overflows {
            flows.push((overflow.from_channel, overflow.to_channel));
        }
        for disruption in &self.disruptions {
            if let super::DisruptionKind::ChannelOutage {
                channel_idx,
                backup_channel: Some(backup),
                ..
            } = disruption.kind
            {
                flows.push((channel_idx, backup));
            }
        }
        for rule in &self.routing.rules {
            if let Some(to_channel) = rule.move_to_channel {
                flows.extend(
                    (0..self.channels.len())
                        .filter(|&from| rule.matches.channels[from] && from != to_channel)
                        .map(|from| (from, to_channel)),
                );
            }
        }
        for handoff in &self.routing.handoffs {
            match handoff.from_channel {
                Some(from) => flows.push((from, handoff.to_channel)),
                None => flows.extend(
                    (0..self.channels.len())
                        .filter(|&from| {
                            from != handoff.to_channel
                                && self.channels[from].kind != ChannelKind::SelfService
                        })
                        .map(|from| (from, handoff.to_channel)),
                ),
            }
        }
        flows
    }

    /// `[channel_idx][combination_idx]`: whether contacts with those attributes can reach the
    /// channel, by arriving on it or by flowing to it from another channel.
    pub fn reachable_combinations(&self) -> Vec<Vec<bool>> {
        let n_combinations = self.n_attribute_combinations();
        let mut reachable = vec![vec![false; n_combinations]; self.channels.len()];
        for (channel_idx, channel) in self.channels.iter().enumerate() {
            let escalates = channel.bot.is_some();
            if channel.arrivals.is_none()
                || (channel.kind == ChannelKind::SelfService && !escalates)
            {
                continue;
            }
            for (combination_idx, flag) in reachable[channel_idx].iter_mut().enumerate() {
                let key = self.contact_key(channel_idx, combination_idx);
                let mix = &channel.mix;
                *flag = mix.issue_type_shares[key.issue_type_idx] > 0.0
                    && mix.segment_shares[key.segment_idx] > 0.0
                    && mix.language_shares[key.language_idx] > 0.0
                    && mix.urgency_shares[key.urgency_idx] > 0.0;
            }
        }
        let flows = self.channel_flows();
        loop {
            let mut changed = false;
            for &(from, to) in &flows {
                let source = reachable[from].clone();
                for (target, reaches) in reachable[to].iter_mut().zip(source) {
                    if reaches && !*target {
                        *target = true;
                        changed = true;
                    }
                }
            }
            if !changed {
                // A self-service channel's contacts reach agents only through its bot,
                // on the channel it escalates to.
                for (channel, row) in self.channels.iter().zip(&mut reachable) {
                    if channel.kind == ChannelKind::SelfService {
                        row.fill(false);
                    }
                }
                return reachable;
            }
        }
    }

    /// The route of contacts with these attributes: the first matching rule's groups (those
    /// able to serve them), else every able group.
    pub fn route_for(&self, key: &ContactKey) -> ClassRoute {
        let can_serve = |group_idx: usize| {
            self.group_can_serve(
                group_idx,
                key.channel_idx,
                key.issue_type_idx,
                key.language_idx,
            )
        };
        let channel_priority = self.routing.channel_priority[key.channel_idx]
            + self.routing.segment_priority[key.segment_idx];
        match self
            .routing
            .rules
            .iter()
            .position(|rule| rule.matches.matches(key))
        {
            Some(rule_idx) => {
                let rule = &self.routing.rules[rule_idx];
                let tiers: Vec<Vec<usize>> = rule
                    .groups
                    .iter()
                    .copied()
                    .filter(|&g| can_serve(g))
                    .map(|g| vec![g])
                    .collect();
                let widen_to = rule
                    .widen_to
                    .iter()
                    .copied()
                    .filter(|&g| can_serve(g) && !rule.groups.contains(&g))
                    .collect();
                if let Some(to_channel) = rule.move_to_channel {
                    // Served here only when the target is closed: by every able group.
                    let able: Vec<usize> =
                        (0..self.groups.len()).filter(|&g| can_serve(g)).collect();
                    return ClassRoute {
                        rule_idx: Some(rule_idx),
                        move_to_channel: Some(to_channel),
                        tiers: if able.is_empty() { vec![] } else { vec![able] },
                        widen_to: Vec::new(),
                        widen_after_seconds: f64::INFINITY,
                        priority: channel_priority + rule.priority,
                    };
                }
                ClassRoute {
                    rule_idx: Some(rule_idx),
                    move_to_channel: None,
                    tiers,
                    widen_to,
                    widen_after_seconds: rule.widen_after_seconds.unwrap_or(f64::INFINITY),
                    priority: channel_priority + rule.priority,
                }
            }
            None => {
                let able: Vec<usize> = (0..self.groups.len()).filter(|&g| can_serve(g)).collect();
                ClassRoute {
                    rule_idx: None,
                    move_to_channel: None,
                    tiers: if able.is_empty() { vec![] } else { vec![able] },
                    widen_to: Vec::new(),
                    widen_after_seconds: f64::INFINITY,
                    priority: channel_priority,
                }
            }
        }
    }
}
