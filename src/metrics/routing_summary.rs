//! The routing part of a run's summary: what each routing rule, overflow and callback offer
//! did, handoffs by channel pair, the cross-channel issue figures of the seed's weekly report
//! (switch rate, context preserved, channels per resolved issue, resolution time, repeat
//! contacts) and the work each group did on each channel. Each figure is a mean over
//! replications with its 95% confidence half-width, like every other reported figure.

use serde::Serialize;

use super::behaviour_summary::{BehaviourSummary, behaviour_summary};
use super::digest::ReplicationDigest;
use super::samples::estimates;
use crate::metric::{Figures, Metric};
use crate::scenario::Scenario;
use crate::stats::ratio;
use crate::units::format_duration;

#[derive(Debug, Clone, Serialize)]
pub struct RoutingSummary {
    /// longest_idle, most_proficient or least_occupied.
    pub agent_selection: &'static str,
    /// Per routing rule: contacts it routed, and those answered by a group it widened to.
    pub rules: Vec<NamedFigures>,
    /// Per overflow rule: contacts converted, and offers declined.
    pub overflows: Vec<NamedFigures>,
    /// Per voice channel with callbacks: offered, accepted, completed (handled callbacks).
    pub callbacks: Vec<NamedFigures>,
    /// Per channel pair a handoff rule connects: follow-ups and the share with context.
    pub handoffs: Vec<NamedFigures>,
    /// Issue-level figures across channels (see README for definitions); empty when the
    /// scenario has no overflow, callback, after-hours ticket, channel move or handoff.
    pub cross_channel: Figures,
    /// Per group and channel it serves: contacts handled and handle hours.
    pub work_by_group_and_channel: Vec<NamedFigures>,
    /// Retries, bots, callback attempts and duplicates; absent when none is configured.
    #[serde(skip_serializing_if = "BehaviourSummary::is_empty")]
    pub customer_behaviour: BehaviourSummary,
}

#[derive(Debug, Clone, Serialize)]
pub struct NamedFigures {
    pub name: String,
    /// What the item is, in words (the rule's targets, the channels it connects).
    pub detail: String,
    pub metrics: Figures,
}

pub fn routing_summary(scenario: &Scenario, results: &[ReplicationDigest]) -> RoutingSummary {
    let channel_names: Vec<&str> = scenario
        .channels()
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    let group_names = |groups: &[usize]| {
        groups
            .iter()
            .map(|&g| scenario.groups()[g].name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let routing = scenario.routing();
    let rules = routing
        .rules
        .iter()
        .enumerate()
        .map(|(rule_idx, rule)| {
            let mut detail = match rule.move_to_channel {
                Some(channel) => format!("moves to {}", channel_names[channel]),
                None => format!("to {}", group_names(&rule.groups)),
            };
            if let Some(after) = rule.widen_after_seconds {
                detail += &format!(
                    "; after {} also {}",
                    format_duration(after),
                    group_names(&rule.widen_to)
                );
            }
            NamedFigures {
                name: rule.name.clone(),
                detail,
                metrics: estimates(results, |r| {
                    vec![
                        (Metric::Routed, r.flows.rule_routed[rule_idx] as f64),
                        (Metric::Widened, r.flows.rule_widened[rule_idx] as f64),
                    ]
                }),
            }
        })
        .collect();
    let overflows = routing
        .overflows
        .iter()
        .enumerate()
        .map(|(overflow_idx, overflow)| NamedFigures {
            name: overflow.name.clone(),
            detail: format!(
                "{} to {}",
                channel_names[overflow.from_channel], channel_names[overflow.to_channel]
            ),
            metrics: estimates(results, |r| {
                vec![
                    (
                        Metric::Converted,
                        r.flows.overflow_converted[overflow_idx] as f64,
                    ),
                    (
                        Metric::Declined,
                        r.flows.overflow_declined[overflow_idx] as f64,
                    ),
                ]
            }),
        })
        .collect();
    let channel_totals =
        |result: &ReplicationDigest, channel_idx: usize| result.reported_channels[channel_idx];
    let callbacks = scenario
        .channels()
        .iter()
        .enumerate()
        .filter_map(|(channel_idx, channel)| {
            let callback = channel.callback?;
            let callback_idx = callback.callback_channel;
            Some(NamedFigures {
                name: channel.name.clone(),
                detail: format!("callbacks held on {}", channel_names[callback_idx]),
                metrics: estimates(results, |r| {
                    let source = channel_totals(r, channel_idx);
                    let target = channel_totals(r, callback_idx);
                    vec![
                        (Metric::Offered, source.callbacks_offered as f64),
                        (Metric::Accepted, source.callbacks_accepted as f64),
                        (
                            Metric::AcceptanceRate,
                            ratio(
                                source.callbacks_accepted as f64,
                                source.callbacks_offered as f64,
                            ),
                        ),
                        (Metric::Completed, target.handled as f64),
                    ]
                }),
            })
        })
        .collect();
    let n_channels = scenario.channels().len();
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for handoff in &routing.handoffs {
        for from in 0..n_channels {
            let applies = handoff
                .from_channel
                .map_or(from != handoff.to_channel, |f| f == from)
                && scenario.channels()[from].kind != crate::scenario::ChannelKind::SelfService;
            if applies && !pairs.contains(&(from, handoff.to_channel)) {
                pairs.push((from, handoff.to_channel));
            }
        }
    }
    let handoffs = pairs
        .iter()
        .map(|&(from, to)| NamedFigures {
            name: format!("{} -> {}", channel_names[from], channel_names[to]),
            detail: String::new(),
            metrics: estimates(results, |r| {
                let cell = (from, to);
                let count = r.flows.handoffs[cell] as f64;
                vec![
                    (Metric::Handoffs, count),
                    (
                        Metric::ContextPreservedShare,
                        ratio(r.flows.handoffs_context_preserved[cell] as f64, count),
                    ),
                ]
            }),
        })
        .collect();
    // Issues are tracked only when contacts can move between channels; otherwise every
    // issue is one contact and the section is left empty.
    let tracked = !scenario.channel_flows().is_empty();
    let cross_channel = if !tracked {
        Figures::new()
    } else {
        estimates(results, |r| {
            let f = &r.flows;
            let (closed, resolved) = (f.issues_closed as f64, f.issues_resolved as f64);
            vec![
                (Metric::IssuesClosed, closed),
                (Metric::IssuesResolved, resolved),
                (Metric::IssuesOpenAtEnd, f.issues_open_at_end as f64),
                (
                    Metric::ChannelSwitchRate,
                    ratio(f.issues_resolved_multichannel as f64, resolved),
                ),
                (
                    Metric::ContextPreservedShare,
                    ratio(f.switches_with_context as f64, f.switches as f64),
                ),
                (
                    Metric::ChannelsPerResolvedIssue,
                    ratio(f.resolved_channels_sum as f64, resolved),
                ),
                (
                    Metric::ResolutionTimeSeconds,
                    ratio(f.resolution_seconds_sum, resolved),
                ),
                (
                    Metric::RepeatContactRate,
                    ratio(f.issues_repeat_contact as f64, closed),
                ),
                (Metric::ReopenRate, ratio(f.issues_reopened as f64, closed)),
            ]
        })
    };
    let mut work_by_group_and_channel = Vec::new();
    for (group_idx, group) in scenario.groups().iter().enumerate() {
        for (channel_idx, channel) in scenario.channels().iter().enumerate() {
            if !group.serves_channel[channel_idx] {
                continue;
            }
            let cell = (group_idx, channel_idx);
            work_by_group_and_channel.push(NamedFigures {
                name: format!("{} / {}", group.name, channel.name),
                detail: String::new(),
                metrics: estimates(results, |r| {
                    vec![
                        (Metric::Handled, r.flows.group_channel_handled[cell] as f64),
                        (
                            Metric::HandleHours,
                            r.flows.group_channel_seconds[cell] / 3600.0,
                        ),
                    ]
                }),
            });
        }
    }
    RoutingSummary {
        agent_selection: routing.agent_selection.name(),
        rules,
        overflows,
        callbacks,
        handoffs,
        cross_channel,
        work_by_group_and_channel,
        customer_behaviour: behaviour_summary(scenario, results),
    }
}
