//! The simulation's mutable state (the static layout derived from a scenario once is
//! `layout.rs`).
//!
//! - `ContactSlab`: live contacts in a reusable slab; a slot's generation increases on reuse
//!   so stale events and queue entries are recognised. Memory is bounded by the number of
//!   contacts alive at once, not by the number simulated.
//! - `ClassQueue`s: first-in first-out waiting lines, one per class, whose head is always a
//!   live waiting contact (stale entries behind it are dropped when they reach the front).
//! - `Agent`s and `GroupPool`s: who is on shift, how busy, and the idle and partly busy sets
//!   routing chooses from.

use std::collections::VecDeque;

use super::partial_agents::PartialAgents;

/// `Contact::issue_slot` of a contact whose issue is not tracked (the scenario has no flows
/// between channels). Contacts are the hot data of a run, so they keep 4-byte indices with
/// one named sentinel each rather than 8-byte options.
pub const NO_ISSUE: u32 = u32::MAX;

/// `Contact::agent_idx` of a contact no agent is serving.
pub const NO_AGENT: u32 = u32::MAX;

/// Who a contact is. Customers count in their channel's figures (and, under an outage's SLA
/// extension, in that disruption's); bots of a spam disruption cost agent time but count only
/// in their disruption's figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    Customer {
        /// The channel outage whose SLA extension covers the contact, if any.
        sla_extension: Option<u8>,
    },
    Bot {
        /// The spam disruption the bot belongs to.
        spam: u8,
    },
}

/// How a contact came to be, which decides what its arrival counts as and, for a contact
/// with a channel's bot, what happens when the bot is done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A new contact: an arrival or a ticket of the backlog (a customer's first attempt).
    First,
    /// A customer trying again after giving up (`retry`).
    Retry,
    /// A handoff's follow-up after a handled contact.
    Handoff,
    /// With its channel's bot, which will resolve it.
    BotContained,
    /// With its channel's bot, which will hand it to agents.
    BotEscalating,
    /// Handed to agents by a bot.
    Escalation,
    /// A second contact of a customer whose first is still open (`[[duplicates]]`).
    Duplicate,
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
    /// After-call work its agent does once it is handled (0 on a channel without `wrap_up`).
    pub wrap_seconds: f64,
    pub service_start: f64,
    /// Concurrency slowdown only: work left at standard speed, as of `progress_at`.
    pub remaining_work: f64,
    pub progress_at: f64,
    pub class_idx: u32,
    /// Reporting interval of the arrival; statistics are attributed to it.
    pub interval_idx: u32,
    pub generation: u32,
    /// The customer issue this contact belongs to (`IssueSlab`), or `NO_ISSUE`.
    pub issue_slot: u32,
    /// Index of (issue type, segment, language, urgency) among attribute combinations.
    pub combination_idx: u32,
    /// The agent serving it while in service, else `NO_AGENT`.
    pub agent_idx: u32,
    /// Increases whenever the contact's end of service is rescheduled; a `ServiceEnd` with an
    /// older token is stale.
    pub service_token: u32,
    /// The root of the contact's own random streams (`rng::contact_stream`), fixed at
    /// arrival; 0 when the scenario has no flows between channels, so nothing is drawn later.
    pub lineage: u64,
    pub channel_idx: u16,
    pub issue_type_idx: u8,
    pub segment_idx: u8,
    pub language_idx: u8,
    pub urgency_idx: u8,
    pub state: ContactState,
    /// Reached its current channel at or after the warm-up, so it counts in the statistics
    /// (of its channel for a customer, of its spam disruption for a bot).
    pub counted: bool,
    /// Already moved once to another channel (a contact converts at most once).
    pub converted: bool,
    /// Sent back to the queue after an agent started on it (answered already).
    pub requeued: bool,
    pub party: Party,
    pub origin: Origin,
    /// The customer's attempts before this contact (0 on a first attempt; `retry`).
    pub attempt: u8,
    /// Callback attempts made on it so far (callback channels whose attempts may miss).
    pub callback_tries: u8,
    /// In service on a callback attempt that will miss the customer: the agent's time is
    /// spent, but the contact is not answered.
    pub failed_attempt: bool,
}

impl Contact {
    pub fn is_bot(&self) -> bool {
        matches!(self.party, Party::Bot { .. })
    }
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

    /// Inserts the contact `build` makes from the slot's generation and service token, in
    /// place: a contact built on the stack field by field and then copied whole stalls the
    /// copy's wide loads on the narrow stores still in flight (store forwarding fails).
    #[inline]
    pub fn insert_with(&mut self, build: impl FnOnce(u32, u32) -> Contact) -> u32 {
        match self.free_slots.pop() {
            Some(slot) => {
                let record = &mut self.contacts[slot as usize];
                // Tokens only grow per slot, so a stale `ServiceEnd` never matches a new contact.
                *record = build(record.generation, record.service_token.wrapping_add(1));
                slot
            }
            None => {
                self.contacts.push(build(0, 0));
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

/// A group's classes with someone waiting, as positions in its `group_classes`: what a freed
/// agent of the group looks through, so its work search costs the queues that hold
/// contacts, not every queue the group could serve. Insert and remove are O(1).
#[derive(Debug, Clone, Default)]
pub struct ReadyClasses {
    pub positions: Vec<u32>,
    /// `[position]`: where it is in `positions`, or `NOT_READY`.
    index_of: Vec<u32>,
}

impl ReadyClasses {
    const NOT_READY: u32 = u32::MAX;

    /// For a group serving `n_classes` classes.
    pub fn new(n_classes: usize) -> ReadyClasses {
        ReadyClasses {
            positions: Vec::with_capacity(n_classes),
            index_of: vec![Self::NOT_READY; n_classes],
        }
    }

    #[inline]
    pub fn insert(&mut self, position: u32) {
        let slot = &mut self.index_of[position as usize];
        if *slot == Self::NOT_READY {
            *slot = self.positions.len() as u32;
            self.positions.push(position);
        }
    }

    #[inline]
    pub fn remove(&mut self, position: u32) {
        let index = self.index_of[position as usize];
        if index == Self::NOT_READY {
            return;
        }
        self.index_of[position as usize] = Self::NOT_READY;
        let last = self.positions.pop().expect("a ready class is listed");
        if last != position {
            self.positions[index as usize] = last;
            self.index_of[last as usize] = index;
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

impl AgentStatus {
    /// A dense index, for per-status tables.
    #[inline]
    pub fn index(self) -> usize {
        match self {
            AgentStatus::Off => 0,
            AgentStatus::On => 1,
            AgentStatus::Leaving => 2,
        }
    }
}

/// Which availability set the agent is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Membership {
    None,
    /// In its group's idle line (fully idle, on shift).
    Idle,
    /// In its group's partly-busy list (messaging, below its concurrency), and in the
    /// group's `partial_by_load` with `Agent::partial_units`.
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
    /// The units in use it is filed with in its group's `partial_by_load` while
    /// `membership == Partial`: its units in use between events (`refresh_availability`
    /// files it again when they change).
    pub partial_units: u16,
    /// Busy time of completed work, weighted by capacity share (for least-occupied selection).
    pub busy_seconds: f64,
    /// Logged-in time before the current login, and when the current login began.
    pub logged_in_seconds: f64,
    pub logged_in_since: f64,
    /// Concurrency slowdown only: conversations in hand, listed in the simulation's
    /// conversation table from `conversation_offset` (`None` in a group without a slowdown).
    pub n_conversations: u16,
    pub conversation_offset: Option<u32>,
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
    /// The channels the issue used.
    pub channels: IssueChannels,
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

/// The distinct channels an issue used, without allocating: exact up to
/// `IssueChannels::MOST` of them (an issue rarely touches more than three), and counted as
/// that many beyond. Any channel index fits, so centers with hundreds of channels are
/// tracked like small ones.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IssueChannels {
    channels: [u16; IssueChannels::MOST],
    len: u8,
}

impl IssueChannels {
    pub const MOST: usize = 8;

    #[inline]
    pub fn insert(&mut self, channel_idx: usize) {
        let channel_idx = channel_idx as u16;
        let len = usize::from(self.len);
        if len < Self::MOST && !self.channels[..len].contains(&channel_idx) {
            self.channels[len] = channel_idx;
            self.len += 1;
        }
    }

    pub fn count(&self) -> u32 {
        u32::from(self.len)
    }
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
    /// On-shift agents with some but not all capacity in use, in the order they became so
    /// (give or take a swap on removal): the order they look for work when a channel opens.
    pub partial: Vec<u32>,
    /// The same agents by (units in use, agent), for routing's choice of the least loaded.
    pub partial_by_load: PartialAgents,
    pub first_agent: u32,
    pub n_agents: u32,
    /// Agents with status On.
    pub on_shift: u32,
    /// Agents with status On or Leaving (logged in).
    pub logged_in: u32,
    pub busy_units: u32,
    /// The part of `busy_units` held by Leaving agents (past their shift, finishing).
    pub past_shift_busy_units: u32,
    /// The part of `busy_units` held by after-call work (`wrap_up`).
    pub wrap_up_units: u32,
    /// `[status.index()]`: no agent of the group below this index has that status (a lower
    /// bound, raised as `first_with` scans and lowered by `note_status`). Finding the first
    /// Off, On or Leaving agent costs amortised O(1) instead of a scan of the whole group,
    /// so bringing a million agents on shift is linear, not quadratic.
    pub first_possibly: [u32; 3],
}

impl GroupPool {
    /// A pool of `n_agents` agents numbered from `first_agent`, each with `capacity_units`,
    /// all off shift.
    pub fn new(first_agent: u32, n_agents: u32, capacity_units: u16) -> GroupPool {
        GroupPool {
            first_agent,
            n_agents,
            partial_by_load: PartialAgents::new(first_agent, n_agents, capacity_units),
            first_possibly: [first_agent; 3],
            ..GroupPool::default()
        }
    }

    /// The pool as the recorder integrates it.
    #[inline]
    pub fn load(&self) -> super::recorder::GroupLoad {
        super::recorder::GroupLoad {
            logged_in: self.logged_in,
            on_shift: self.on_shift,
            busy_units: self.busy_units,
            past_shift_busy_units: self.past_shift_busy_units,
            wrap_up_units: self.wrap_up_units,
        }
    }

    /// Records that agent `agent_idx` of this group now has `status`.
    #[inline]
    pub fn note_status(&mut self, agent_idx: u32, status: AgentStatus) {
        let hint = &mut self.first_possibly[status.index()];
        *hint = (*hint).min(agent_idx);
    }

    /// The lowest-numbered agent of the group with `status`, if any.
    pub fn first_with(&mut self, agents: &[Agent], status: AgentStatus) -> Option<u32> {
        let end = self.first_agent + self.n_agents;
        let hint = &mut self.first_possibly[status.index()];
        while *hint < end && agents[*hint as usize].status != status {
            *hint += 1;
        }
        (*hint < end).then_some(*hint)
    }
}
