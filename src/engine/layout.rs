//! The static routing structure of a scenario, derived once and shared read-only by every
//! replication: contact classes (channel x attribute combination) and, for each class, its
//! preference tiers of groups, widening, priority, SLA and rule; for each group, the classes
//! it may take work from. Built from `Scenario::route_for`, the one definition of a route.

use crate::scenario::{AfterHours, ChannelKind, OperatingHours, Scenario};

/// Where a group looks for work: one contact class, and how long its contacts must have
/// waited before this group may take them (0 for the class's own groups, the rule's
/// `widen_after` for groups it widens to).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GroupClass {
    pub class_idx: u32,
    pub after_seconds: f64,
}

/// The static routing structure of a scenario.
#[derive(Debug, Clone)]
pub struct RoutingLayout {
    pub n_combinations: usize,
    /// For each class: its groups, one tier per preference level.
    pub class_tiers: Vec<Vec<Vec<u16>>>,
    /// For each class: groups it widens to after `class_widen_after` seconds of waiting.
    pub class_widen_to: Vec<Vec<u16>>,
    pub class_widen_after: Vec<f64>,
    /// For each class: the rule that routes it, if any.
    pub class_rule: Vec<Option<u32>>,
    /// For each class: the channel its rule moves it to, if any.
    pub class_move_to: Vec<Option<u16>>,
    pub class_priority: Vec<i32>,
    /// SLA threshold of the class's channel (infinite without one).
    pub class_sla_seconds: Vec<f64>,
    /// Time left before breach below which a contact counts as near breach (0: never).
    pub class_near_breach_seconds: Vec<f64>,
    pub class_real_time: Vec<bool>,
    pub class_needs_whole_agent: Vec<bool>,
    pub class_channel: Vec<u16>,
    /// For each group: the classes it may take work from.
    pub group_classes: Vec<Vec<GroupClass>>,
    /// `[class_idx]`: where the class stands in `group_classes`, as (group, position).
    pub class_group_positions: Vec<Vec<(u16, u32)>>,
    /// `[channel_idx]`: contacts wait for the channel to open (after-hours "hold").
    pub channel_held_when_closed: Vec<bool>,
}

impl RoutingLayout {
    pub fn new(scenario: &Scenario) -> RoutingLayout {
        let n_combinations = scenario.n_attribute_combinations();
        let n_classes = scenario.channels().len() * n_combinations;
        let reachable = scenario.reachable_combinations();
        let mut layout = RoutingLayout {
            n_combinations,
            class_tiers: vec![Vec::new(); n_classes],
            class_widen_to: vec![Vec::new(); n_classes],
            class_widen_after: vec![f64::INFINITY; n_classes],
            class_rule: vec![None; n_classes],
            class_move_to: vec![None; n_classes],
            class_priority: vec![0; n_classes],
            class_sla_seconds: vec![f64::INFINITY; n_classes],
            class_near_breach_seconds: vec![0.0; n_classes],
            class_real_time: vec![false; n_classes],
            class_needs_whole_agent: vec![false; n_classes],
            class_channel: vec![0; n_classes],
            group_classes: vec![Vec::new(); scenario.groups().len()],
            class_group_positions: Vec::new(),
            channel_held_when_closed: scenario
                .channels()
                .iter()
                .map(|c| c.after_hours == AfterHours::Hold && c.hours != OperatingHours::Always)
                .collect(),
        };
        let near_breach_share = scenario.routing().near_breach_share.unwrap_or(0.0);
        #[allow(clippy::needless_range_loop)] // combination_idx is also an index of its own
        for (channel_idx, channel) in scenario.channels().iter().enumerate() {
            let sla_seconds = channel
                .sla
                .map_or(f64::INFINITY, |sla| sla.threshold_seconds);
            for combination_idx in 0..n_combinations {
                let class_idx = layout.class_index(channel_idx, combination_idx);
                layout.class_channel[class_idx] = channel_idx as u16;
                layout.class_real_time[class_idx] = channel.kind.is_real_time();
                layout.class_needs_whole_agent[class_idx] = channel.kind != ChannelKind::Messaging;
                layout.class_sla_seconds[class_idx] = sla_seconds;
                if sla_seconds.is_finite() {
                    layout.class_near_breach_seconds[class_idx] = near_breach_share * sla_seconds;
                }
                if channel.kind == ChannelKind::SelfService {
                    continue;
                }
                let route = scenario.route_for(&scenario.contact_key(channel_idx, combination_idx));
                layout.class_rule[class_idx] = route.rule_idx.map(|r| r as u32);
                layout.class_move_to[class_idx] = route.move_to_channel.map(|c| c as u16);
                layout.class_priority[class_idx] = route.priority;
                layout.class_widen_after[class_idx] = route.widen_after_seconds;
                let to_u16 =
                    |groups: &[usize]| groups.iter().map(|&g| g as u16).collect::<Vec<_>>();
                layout.class_tiers[class_idx] =
                    route.tiers.iter().map(|tier| to_u16(tier)).collect();
                layout.class_widen_to[class_idx] = to_u16(&route.widen_to);
                // Unreachable classes never hold a contact; leaving them out keeps the
                // dispatch scan short.
                if !reachable[channel_idx][combination_idx] {
                    continue;
                }
                for &group_idx in route.tiers.iter().flatten() {
                    layout.group_classes[group_idx].push(GroupClass {
                        class_idx: class_idx as u32,
                        after_seconds: 0.0,
                    });
                }
                for &group_idx in &route.widen_to {
                    layout.group_classes[group_idx].push(GroupClass {
                        class_idx: class_idx as u32,
                        after_seconds: route.widen_after_seconds,
                    });
                }
            }
        }
        layout.class_group_positions = vec![Vec::new(); layout.class_tiers.len()];
        for (group_idx, classes) in layout.group_classes.iter().enumerate() {
            for (position, group_class) in classes.iter().enumerate() {
                layout.class_group_positions[group_class.class_idx as usize]
                    .push((group_idx as u16, position as u32));
            }
        }
        layout
    }

    #[inline]
    pub fn class_index(&self, channel_idx: usize, combination_idx: usize) -> usize {
        channel_idx * self.n_combinations + combination_idx
    }

    /// The classes of one channel (one per attribute combination).
    pub fn classes_of_channel(&self, channel_idx: usize) -> std::ops::Range<usize> {
        self.class_index(channel_idx, 0)..self.class_index(channel_idx + 1, 0)
    }

    pub fn n_classes(&self) -> usize {
        self.class_tiers.len()
    }

    /// Whether `group_idx` is one of the class's own groups (not a widening).
    pub fn group_in_tiers(&self, class_idx: usize, group_idx: u16) -> bool {
        self.class_tiers[class_idx]
            .iter()
            .any(|tier| tier.contains(&group_idx))
    }
}
