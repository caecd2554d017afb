//! The simulation's mutable state, and the static layout derived from a scenario once.
//!
//! - `RoutingLayout`: contact classes (channel x issue type x language, the attributes that
//!   decide who may serve a contact) and, for each class and group, who is eligible for what.
//!   Built once per scenario and shared read-only by every replication.
//! - `ContactSlab`: live contacts in a reusable slab; a slot's generation increases on reuse
//!   so stale events and queue entries are recognised. Memory is bounded by the number of
//!   contacts alive at once, not by the number simulated.
//! - `ClassQueue`s: first-in first-out waiting lines, one per class, whose head is always a
//!   live waiting contact (stale entries behind it are dropped when they reach the front).
//! - `Agent`s and `GroupPool`s: who is on shift, how busy, and the idle and partly busy sets
//!   routing chooses from.

use std::collections::VecDeque;

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
    /// For each class: the rule that routes it (`u32::MAX` for none).
    pub class_rule: Vec<u32>,
    /// For each class: the channel its rule moves it to (`u16::MAX` for none).
    pub class_move_to: Vec<u16>,
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
    /// `[channel_idx]`: contacts wait for the channel to open (after-hours "hold").
    pub channel_held_when_closed: Vec<bool>,
}

/// Marks a contact whose issue is not tracked.
pub const NO_ISSUE: u32 = u32::MAX;

/// Marks a class routed by no rule.
pub const NO_RULE: u32 = u32::MAX;

impl RoutingLayout {
    pub fn new(scenario: &Scenario) -> RoutingLayout {
        let n_combinations = scenario.n_attribute_combinations();
        let n_classes = scenario.channels.len() * n_combinations;
        let reachable = scenario.reachable_combinations();
        let mut layout = RoutingLayout {
            n_combinations,
            class_tiers: vec![Vec::new(); n_classes],
            class_widen_to: vec![Vec::new(); n_classes],
            class_widen_after: vec![f64::INFINITY; n_classes],
            class_rule: vec![NO_RULE; n_classes],
            class_move_to: vec![u16::MAX; n_classes],
            class_priority: vec![0; n_classes],
            class_sla_seconds: vec![f64::INFINITY; n_classes],
            class_near_breach_seconds: vec![0.0; n_classes],
            class_real_time: vec![false; n_classes],
            class_needs_whole_agent: vec![false; n_classes],
            class_channel: vec![0; n_classes],
            group_classes: vec![Vec::new(); scenario.groups.len()],
            channel_held_when_closed: scenario
                .channels
                .iter()
                .map(|c| c.after_hours == AfterHours::Hold && c.hours != OperatingHours::Always)
                .collect(),
        };
        let near_breach_share = scenario.routing.near_breach_share.unwrap_or(0.0);
        #[allow(clippy::needless_range_loop)] // combination_idx is also an index of its own
        for (channel_idx, channel) in scenario.channels.iter().enumerate() {
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
                layout.class_rule[class_idx] = route.rule_idx.map_or(NO_RULE, |r| r as u32);
                layout.class_move_to[class_idx] =
                    route.move_to_channel.map_or(u16::MAX, |c| c as u16);
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
        layout
    }

    #[inline]
    pub fn class_index(&self, channel_idx: usize, combination_idx: usize) -> usize {
        channel_idx * self.n_combinations + combination_idx
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactState {
    Free,
    /// A follow-up contact decided on but not yet arrived (its `FollowUp` event is pending).
    Pending,
    Waiting,
    InService,
}

/// One live contact.
#[derive(Debug, Clone, Copy)]
pub struct Contact {
    /// When the contact reached its current channel: the start of its SLA clock.
    pub arrival_time: f64,
    /// Agent time the contact needs at standard speed (re-discovery included), drawn when it
    /// reaches its channel so that every routing sees the same work.
    pub work_seconds: f64,
    /// Customer patience on a real-time channel (infinite otherwise).
    pub patience_seconds: f64,
    pub service_start: f64,
    /// Concurrency slowdown only: work left at standard speed, as of `progress_at`.
    pub remaining_work: f64,
    pub progress_at: f64,
    pub class_idx: u32,
    /// Reporting interval of the arrival; statistics are attributed to it.
    pub interval_idx: u32,
    pub generation: u32,
    /// The customer issue this contact belongs to (`IssueSlab`); `NO_ISSUE` when the
    /// scenario has no flows between channels, so issues are not tracked.
    pub issue_slot: u32,
    /// Index of (issue type, segment, language, urgency) among attribute combinations.
    pub combination_idx: u32,
    /// The agent serving it, while in service.
    pub agent_idx: u32,
    /// Increases whenever the contact's end of service is rescheduled; a `ServiceEnd` with an
    /// older token is stale.
    pub service_token: u32,
    pub channel_idx: u16,
    pub issue_type_idx: u8,
    pub segment_idx: u8,
    pub language_idx: u8,
    pub urgency_idx: u8,
    pub state: ContactState,
    /// Reached its channel at or after the warm-up, so it counts in the statistics.
    pub counted: bool,
    /// Already moved once to another channel (a contact converts at most once).
    pub converted: bool,
    /// Bot traffic of a spam event (`event_tag`): kept out of the channel's statistics.
    pub bot: bool,
    /// Sent back to the queue after an agent started on it (answered already).
    pub requeued: bool,
    /// For a bot, its spam event; otherwise the outage whose SLA extension covers the
    /// contact; `NO_EVENT_TAG` for neither.
    pub event_tag: u8,
}

/// Marks a contact that no disruption event concerns.
pub const NO_EVENT_TAG: u8 = u8::MAX;

#[derive(Debug, Default)]
pub struct ContactSlab {
    pub contacts: Vec<Contact>,
    free_slots: Vec<u32>,
}

impl ContactSlab {
    pub fn insert(&mut self, mut contact: Contact) -> u32 {
        match self.free_slots.pop() {
            Some(slot) => {
                let previous = &self.contacts[slot as usize];
                contact.generation = previous.generation;
                // Tokens only grow per slot, so a stale `ServiceEnd` never matches a new contact.
                contact.service_token = previous.service_token.wrapping_add(1);
                self.contacts[slot as usize] = contact;
                slot
            }
            None => {
                contact.generation = 0;
                self.contacts.push(contact);
                (self.contacts.len() - 1) as u32
            }
        }
    }

    /// Frees a slot; its generation moves on so that stale references no longer match.
    pub fn remove(&mut self, slot: u32) {
        let contact = &mut self.contacts[slot as usize];
        contact.state = ContactState::Free;
        contact.generation = contact.generation.wrapping_add(1);
        self.free_slots.push(slot);
    }

    #[inline]
    pub fn is_waiting(&self, slot: u32, generation: u32) -> bool {
        let contact = &self.contacts[slot as usize];
        contact.generation == generation && contact.state == ContactState::Waiting
    }
}

/// A waiting contact's place in its class queue.
#[derive(Debug, Clone, Copy)]
pub struct QueueEntry {
    pub contact_slot: u32,
    pub generation: u32,
    pub arrival_time: f64,
}

/// A first-in first-out line whose front, when present, is a live waiting contact.
#[derive(Debug, Default, Clone)]
pub struct ClassQueue {
    pub entries: VecDeque<QueueEntry>,
    /// Live waiting contacts (entries minus stale ones).
    pub live: u32,
}

impl ClassQueue {
    /// The arrival time of the front contact, if any waits.
    #[inline]
    pub fn head_arrival(&self) -> Option<f64> {
        if self.live == 0 {
            None
        } else {
            self.entries.front().map(|entry| entry.arrival_time)
        }
    }

    /// Drops stale entries from the front so the front is live again.
    pub fn drop_stale_front(&mut self, slab: &ContactSlab) {
        while let Some(front) = self.entries.front() {
            if slab.is_waiting(front.contact_slot, front.generation) {
                break;
            }
            self.entries.pop_front();
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgentStatus {
    /// Not scheduled.
    Off,
    /// Scheduled and taking work.
    On,
    /// Scheduled off, finishing the contacts in hand before logging off.
    Leaving,
}

/// Which availability set the agent is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Membership {
    None,
    /// In its group's idle line (fully idle, on shift).
    Idle,
    /// In its group's partly-busy list (messaging, below its concurrency).
    Partial,
}

#[derive(Debug, Clone, Copy)]
pub struct Agent {
    pub group_idx: u16,
    /// Capacity units in use: a messaging conversation takes one, a call or ticket takes all.
    pub busy_units: u16,
    pub capacity_units: u16,
    pub status: AgentStatus,
    pub membership: Membership,
    /// When the agent last became fully idle (for longest-idle selection).
    pub idle_since: f64,
    /// Position in the group's partial list while `membership == Partial`.
    pub partial_position: u32,
    /// Busy time of completed work, weighted by capacity share (for least-occupied selection).
    pub busy_seconds: f64,
    /// Logged-in time before the current login, and when the current login began.
    pub logged_in_seconds: f64,
    pub logged_in_since: f64,
    /// Concurrency slowdown only: conversations in hand, listed in the simulation's
    /// conversation table from `conversation_offset`.
    pub n_conversations: u16,
    pub conversation_offset: u32,
}

impl Agent {
    /// Share of logged-in time spent busy, as of `now` (0 before any time has passed).
    pub fn occupancy(&self, now: f64) -> f64 {
        let logged_in = self.logged_in_seconds
            + if self.status == AgentStatus::Off {
                0.0
            } else {
                now - self.logged_in_since
            };
        if logged_in > 0.0 {
            self.busy_seconds / logged_in
        } else {
            0.0
        }
    }
}

/// One customer issue: the contacts of one customer about one thing, across channels.
#[derive(Debug, Clone, Copy, Default)]
pub struct Issue {
    pub first_arrival: f64,
    /// Bit `channel_idx` set for every channel the issue used.
    pub channels_mask: u64,
    pub contacts: u32,
    /// Contacts alive or pending; the issue ends when this reaches 0.
    pub open: u32,
    pub switches: u32,
    pub switches_with_context: u32,
    pub reopened: bool,
    /// Its last contact was handled (not abandoned or refused).
    pub resolved: bool,
    pub counted: bool,
}

/// Live issues in a reusable slab, like `ContactSlab`.
#[derive(Debug, Default)]
pub struct IssueSlab {
    pub issues: Vec<Issue>,
    free_slots: Vec<u32>,
}

impl IssueSlab {
    pub fn insert(&mut self, issue: Issue) -> u32 {
        match self.free_slots.pop() {
            Some(slot) => {
                self.issues[slot as usize] = issue;
                slot
            }
            None => {
                self.issues.push(issue);
                (self.issues.len() - 1) as u32
            }
        }
    }
    pub fn remove(&mut self, slot: u32) {
        self.free_slots.push(slot);
    }
}

#[derive(Debug, Default, Clone)]
pub struct GroupPool {
    /// Fully idle on-shift agents, longest idle at the front.
    pub idle: VecDeque<u32>,
    /// On-shift agents with some but not all capacity in use.
    pub partial: Vec<u32>,
    pub first_agent: u32,
    pub n_agents: u32,
    /// Agents with status On.
    pub on_shift: u32,
    /// Agents with status On or Leaving (logged in).
    pub logged_in: u32,
    pub busy_units: u32,
}
