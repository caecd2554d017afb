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

use crate::scenario::{ChannelKind, Scenario};

/// The static routing structure of a scenario.
#[derive(Debug, Clone)]
pub struct RoutingLayout {
    pub n_issue_types: usize,
    pub n_languages: usize,
    /// For each class: the groups that may serve it.
    pub class_groups: Vec<Vec<u16>>,
    /// For each class: whether it is real-time and whether it takes a whole agent.
    pub class_real_time: Vec<bool>,
    pub class_needs_whole_agent: Vec<bool>,
    pub class_channel: Vec<u16>,
    /// For each group: the real-time and the asynchronous classes it may serve.
    pub group_real_time_classes: Vec<Vec<u32>>,
    pub group_async_classes: Vec<Vec<u32>>,
}

impl RoutingLayout {
    pub fn new(scenario: &Scenario) -> RoutingLayout {
        let n_issue_types = scenario.attribute_names.issue_types.len();
        let n_languages = scenario.attribute_names.languages.len();
        let n_classes = scenario.channels.len() * n_issue_types * n_languages;
        let mut layout = RoutingLayout {
            n_issue_types,
            n_languages,
            class_groups: vec![Vec::new(); n_classes],
            class_real_time: vec![false; n_classes],
            class_needs_whole_agent: vec![false; n_classes],
            class_channel: vec![0; n_classes],
            group_real_time_classes: vec![Vec::new(); scenario.groups.len()],
            group_async_classes: vec![Vec::new(); scenario.groups.len()],
        };
        for (channel_idx, channel) in scenario.channels.iter().enumerate() {
            for issue_type_idx in 0..n_issue_types {
                for language_idx in 0..n_languages {
                    let class_idx = layout.class_index(channel_idx, issue_type_idx, language_idx);
                    layout.class_channel[class_idx] = channel_idx as u16;
                    layout.class_real_time[class_idx] = channel.kind.is_real_time();
                    layout.class_needs_whole_agent[class_idx] =
                        channel.kind != ChannelKind::Messaging;
                    if channel.kind == ChannelKind::SelfService {
                        continue;
                    }
                    for group_idx in 0..scenario.groups.len() {
                        if scenario.group_can_serve(
                            group_idx,
                            channel_idx,
                            issue_type_idx,
                            language_idx,
                        ) {
                            layout.class_groups[class_idx].push(group_idx as u16);
                            let list = if channel.kind.is_real_time() {
                                &mut layout.group_real_time_classes[group_idx]
                            } else {
                                &mut layout.group_async_classes[group_idx]
                            };
                            list.push(class_idx as u32);
                        }
                    }
                }
            }
        }
        layout
    }

    #[inline]
    pub fn class_index(
        &self,
        channel_idx: usize,
        issue_type_idx: usize,
        language_idx: usize,
    ) -> usize {
        (channel_idx * self.n_issue_types + issue_type_idx) * self.n_languages + language_idx
    }

    pub fn n_classes(&self) -> usize {
        self.class_groups.len()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactState {
    Free,
    Waiting,
    InService,
}

/// One live contact.
#[derive(Debug, Clone, Copy)]
pub struct Contact {
    pub arrival_time: f64,
    /// Agent time the contact needs, drawn at arrival so that every routing sees the same work.
    pub work_seconds: f64,
    pub class_idx: u32,
    /// Reporting interval of the arrival; statistics are attributed to it.
    pub interval_idx: u32,
    pub generation: u32,
    pub channel_idx: u16,
    pub issue_type_idx: u8,
    pub segment_idx: u8,
    pub language_idx: u8,
    pub state: ContactState,
    /// Arrived at or after the warm-up, so it counts in the statistics.
    pub counted: bool,
}

#[derive(Debug, Default)]
pub struct ContactSlab {
    pub contacts: Vec<Contact>,
    free_slots: Vec<u32>,
}

impl ContactSlab {
    pub fn insert(&mut self, mut contact: Contact) -> u32 {
        match self.free_slots.pop() {
            Some(slot) => {
                contact.generation = self.contacts[slot as usize].generation;
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
