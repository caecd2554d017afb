//! The discrete-event engine: one replication of a scenario, from an empty system at time 0
//! (Monday 00:00) to the horizon.
//!
//! The loop pops the earliest event by (time, sequence) and hands it to one handler per event
//! kind. Routing decisions are delegated to the pure functions in `routing`; statistics go to
//! the `Recorder`. Per event, nothing is allocated (the heap, slabs and queues reuse their
//! capacity) and nothing is looked up by name.
//!
//! - this file: the loop, arrivals, offering a contact to its channel, queueing, abandonment
//!   and operating hours;
//! - `service.rs`: agents: starting and ending service (proficiency, concurrency slowdown),
//!   dispatching waiting work, availability sets and headcount changes;
//! - `flows.rs`: contacts moving between channels (overflow, callbacks, after-hours tickets,
//!   handoffs) and the customer issues they belong to;
//! - `disruption.rs`: staffing over time (headcounts, shift rosters, shrinkage) and the
//!   disruption events (outages, absences, volume spikes, spam).

mod arrivals;
mod audit;
pub mod counts;
mod disruption;
pub mod event_queue;
mod flows;
pub mod grid;
pub mod layout;
pub mod recorder;
mod rng;
pub mod routing;
mod sampling;
mod service;
pub mod state;

use rand::distr::weighted::WeightedIndex;
use rand::rngs::Xoshiro256PlusPlus;
use rand_distr::Distribution as _;

use crate::scenario::{AfterHours, ChannelKind, Scenario, SlaClock};
use arrivals::ArrivalClock;
use counts::{ChannelIntervalCounts, EventCounts, FlowCounts, GroupIntervalCounts};
use event_queue::{Event, EventQueue};
use grid::Grid;
use layout::{NO_RULE, RoutingLayout};
use recorder::Recorder;
use rng::{StreamPurpose, stream};
use sampling::Sampler;
use state::{
    Agent, AgentStatus, ClassQueue, Contact, ContactSlab, ContactState, GroupPool, Issue,
    IssueSlab, Membership, NO_EVENT_TAG, NO_ISSUE, QueueEntry,
};

/// What one replication produced.
#[derive(Debug, Clone)]
pub struct ReplicationResult {
    pub replication: u32,
    /// `[(channel_idx, interval_idx)]`.
    pub channel_intervals: Grid<ChannelIntervalCounts>,
    /// `[(group_idx, interval_idx)]`.
    pub group_intervals: Grid<GroupIntervalCounts>,
    /// Per channel: answered-wait quantiles (see `WAIT_QUANTILES`), seconds.
    pub wait_quantiles_seconds: Vec<[f64; 4]>,
    /// Per channel: share of answered contacts that waited at most each point of
    /// `recorder::wait_distribution_points_seconds`.
    pub wait_distribution_shares: Vec<Vec<f64>>,
    /// Routing, handoff and issue counts.
    pub flows: FlowCounts,
    /// `[event_idx]`: what each disruption event did.
    pub events: Vec<EventCounts>,
    /// Channels whose flow did not balance (empty unless the engine has a bug).
    pub conservation_failures: Vec<String>,
    pub events_processed: u64,
    /// Contacts generated, warm-up and closed hours included.
    pub contacts_generated: u64,
    /// Most contacts alive at once: the size of the contact slab.
    pub peak_live_contacts: usize,
}

/// What is drawn about a new contact before it arrives.
#[derive(Clone, Copy)]
struct DrawnContact {
    issue_type_idx: usize,
    segment_idx: usize,
    language_idx: usize,
    urgency_idx: usize,
    work_seconds: f64,
    patience_seconds: f64,
}

/// The fields of a contact that `offer` reads after changing the simulation.
#[derive(Clone, Copy)]
struct OfferedContact {
    interval_idx: u32,
    issue_type_idx: u8,
    counted: bool,
    converted: bool,
    bot: bool,
}

/// Per-channel random streams and samplers.
struct ChannelRuntime {
    clock: ArrivalClock,
    arrival_rng: Xoshiro256PlusPlus,
    attribute_rng: Xoshiro256PlusPlus,
    handle_rng: Xoshiro256PlusPlus,
    patience_rng: Xoshiro256PlusPlus,
    routing_rng: Xoshiro256PlusPlus,
    handoff_rng: Xoshiro256PlusPlus,
    followup_rng: Xoshiro256PlusPlus,
    handle_time: Option<Sampler>,
    patience: Option<Sampler>,
    mean_handle_seconds: f64,
    /// `None` when the attribute has a single possible value (no draw needed).
    issue_type_choice: Option<WeightedIndex<f64>>,
    segment_choice: Option<WeightedIndex<f64>>,
    language_choice: Option<WeightedIndex<f64>>,
    urgency_choice: Option<WeightedIndex<f64>>,
    /// Contacts on this channel may convert (overflow rules or a callback offer).
    may_convert: bool,
    /// Handled contacts on this channel may lead to a handoff.
    may_hand_off: bool,
    business_hours_clock: bool,
}

fn choice(shares: &[f64]) -> Option<WeightedIndex<f64>> {
    let nonzero = shares.iter().filter(|share| **share > 0.0).count();
    (nonzero > 1).then(|| WeightedIndex::new(shares).expect("validated shares"))
}

fn only_value(shares: &[f64]) -> usize {
    shares.iter().position(|share| *share > 0.0).unwrap_or(0)
}

fn draw(
    choice: &Option<WeightedIndex<f64>>,
    shares: &[f64],
    rng: &mut Xoshiro256PlusPlus,
) -> usize {
    match choice {
        Some(choice) => choice.sample(rng),
        None => only_value(shares),
    }
}

/// Runs one replication. `layout` must come from the same scenario.
pub fn run_replication(
    scenario: &Scenario,
    layout: &RoutingLayout,
    replication: u32,
) -> ReplicationResult {
    let mut simulation = Simulation::new(scenario, layout, replication);
    simulation.run();
    simulation.finish()
}

/// Runs one replication with invariant checks after every event (see `audit.rs`); returns
/// the result and the violations found (empty when routing kept its rules). Slow: for tests.
pub fn run_replication_audited(
    scenario: &Scenario,
    layout: &RoutingLayout,
    replication: u32,
) -> (ReplicationResult, Vec<String>) {
    let mut simulation = Simulation::new(scenario, layout, replication);
    simulation.audit = Some(audit::Audit::new(&simulation));
    simulation.run();
    let violations = simulation
        .audit
        .take()
        .map(|audit| audit.violations)
        .unwrap_or_default();
    (simulation.finish(), violations)
}

struct Simulation<'a> {
    scenario: &'a Scenario,
    layout: &'a RoutingLayout,
    replication: u32,
    now: f64,
    horizon: f64,
    interval_seconds: f64,
    warmup: f64,
    n_intervals: usize,
    events: EventQueue,
    slab: ContactSlab,
    issues: IssueSlab,
    queues: Vec<ClassQueue>,
    channel_queue_lengths: Vec<u32>,
    /// `[channel_idx]`: false while a channel that holds contacts is closed.
    channel_taking_work: Vec<bool>,
    agents: Vec<Agent>,
    pools: Vec<GroupPool>,
    /// Conversations in hand of agents in groups with a concurrency slowdown.
    conversations: Vec<u32>,
    channels: Vec<ChannelRuntime>,
    handoff_delays: Vec<Sampler>,
    recorder: Recorder,
    events_processed: u64,
    contacts_generated: u64,
    /// Events in the list that became stale (answered abandonment timers, rescheduled
    /// service ends), purged in bulk.
    stale_events: usize,
    /// Reused buffer of agents to dispatch when a channel opens.
    scratch_agents: Vec<u32>,
    /// Contacts can move between channels, so customer issues are tracked.
    tracking_issues: bool,
    /// Agents' busy time is tracked (for least-occupied selection).
    tracking_occupancy: bool,
    /// `[group_idx]`: some proficiency differs from 1.
    group_has_proficiency: Vec<bool>,
    /// Staffing over time and the disruption events' run-time state.
    disruption: disruption::DisruptionState,
    /// Invariant checks, in audited runs only.
    audit: Option<audit::Audit>,
}

impl<'a> Simulation<'a> {
    fn new(scenario: &'a Scenario, layout: &'a RoutingLayout, replication: u32) -> Simulation<'a> {
        let settings = &scenario.simulation;
        let seed = settings.seed;
        let routing = &scenario.routing;
        let channels = scenario
            .channels
            .iter()
            .enumerate()
            .map(|(channel_idx, channel)| {
                let rng = |purpose| stream(seed, replication, purpose);
                ChannelRuntime {
                    clock: ArrivalClock::new(),
                    arrival_rng: rng(StreamPurpose::Arrivals { channel_idx }),
                    attribute_rng: rng(StreamPurpose::Attributes { channel_idx }),
                    handle_rng: rng(StreamPurpose::HandleTime { channel_idx }),
                    patience_rng: rng(StreamPurpose::Patience { channel_idx }),
                    routing_rng: rng(StreamPurpose::Routing { channel_idx }),
                    handoff_rng: rng(StreamPurpose::Handoff { channel_idx }),
                    followup_rng: rng(StreamPurpose::FollowUp { channel_idx }),
                    handle_time: channel.handle_time.as_ref().map(Sampler::new),
                    patience: channel.patience.as_ref().map(Sampler::new),
                    mean_handle_seconds: channel.handle_time.as_ref().map_or(0.0, |d| d.mean()),
                    issue_type_choice: choice(&channel.mix.issue_type_shares),
                    segment_choice: choice(&channel.mix.segment_shares),
                    language_choice: choice(&channel.mix.language_shares),
                    urgency_choice: choice(&channel.mix.urgency_shares),
                    may_convert: channel.callback.is_some()
                        || routing
                            .overflows
                            .iter()
                            .any(|o| o.from_channel == channel_idx),
                    may_hand_off: routing.handoffs.iter().any(|h| {
                        h.from_channel
                            .map_or(h.to_channel != channel_idx, |from| from == channel_idx)
                    }),
                    business_hours_clock: channel.sla_clock == SlaClock::BusinessHours,
                }
            })
            .collect();
        let mut agents = Vec::new();
        let mut pools = Vec::new();
        let mut conversations = Vec::new();
        for (group_idx, group) in scenario.groups.iter().enumerate() {
            let n_agents = group.headcount.max();
            pools.push(GroupPool {
                first_agent: agents.len() as u32,
                n_agents,
                ..GroupPool::default()
            });
            let capacity_units = group.concurrency as u16;
            for _ in 0..n_agents {
                let conversation_offset = if group.concurrency_slowdown > 0.0 {
                    conversations.extend(std::iter::repeat_n(0, group.concurrency as usize));
                    (conversations.len() - group.concurrency as usize) as u32
                } else {
                    u32::MAX
                };
                agents.push(Agent {
                    group_idx: group_idx as u16,
                    busy_units: 0,
                    capacity_units,
                    status: AgentStatus::Off,
                    membership: Membership::None,
                    idle_since: 0.0,
                    partial_position: 0,
                    busy_seconds: 0.0,
                    logged_in_seconds: 0.0,
                    logged_in_since: 0.0,
                    n_conversations: 0,
                    conversation_offset,
                });
            }
        }
        let sla_thresholds = scenario
            .channels
            .iter()
            .map(|c| c.sla.map_or(f64::INFINITY, |sla| sla.threshold_seconds))
            .collect();
        let capacities = scenario
            .groups
            .iter()
            .map(|g| f64::from(g.concurrency))
            .collect();
        let n_intervals = settings.n_intervals();
        Simulation {
            scenario,
            layout,
            replication,
            now: 0.0,
            horizon: settings.horizon_seconds,
            interval_seconds: settings.interval_seconds,
            warmup: settings.warmup_seconds,
            n_intervals,
            events: EventQueue::default(),
            slab: ContactSlab::default(),
            issues: IssueSlab::default(),
            queues: vec![ClassQueue::default(); layout.n_classes()],
            channel_queue_lengths: vec![0; scenario.channels.len()],
            channel_taking_work: scenario
                .channels
                .iter()
                .enumerate()
                .map(|(c, channel)| {
                    !layout.channel_held_when_closed[c] || channel.hours.is_open(0.0)
                })
                .collect(),
            agents,
            pools,
            conversations,
            channels,
            handoff_delays: routing
                .handoffs
                .iter()
                .map(|h| Sampler::new(&h.delay))
                .collect(),
            recorder: Recorder::new(
                n_intervals,
                settings.horizon_seconds,
                sla_thresholds,
                capacities,
            )
            .with_rules(
                routing.rules.len(),
                routing.overflows.len(),
                scenario.disruptions.len(),
            ),
            events_processed: 0,
            contacts_generated: 0,
            stale_events: 0,
            scratch_agents: Vec::new(),
            tracking_issues: !scenario.channel_flows().is_empty(),
            tracking_occupancy: routing.agent_selection
                == crate::scenario::AgentSelection::LeastOccupied,
            group_has_proficiency: scenario
                .groups
                .iter()
                .map(|g| {
                    g.issue_type_proficiency
                        .iter()
                        .chain(&g.channel_proficiency)
                        .any(|p| *p != 1.0)
                })
                .collect(),
            disruption: disruption::DisruptionState::new(scenario, replication),
            audit: None,
        }
    }

    fn run(&mut self) {
        for channel_idx in 0..self.channels.len() {
            self.schedule_next_arrival(channel_idx);
            if self.layout.channel_held_when_closed[channel_idx] {
                self.schedule_hours_change(channel_idx);
            }
        }
        self.start_staffing();
        self.start_interval(0);
        while let Some((time, event)) = self.events.pop() {
            if time >= self.horizon {
                break;
            }
            self.now = time;
            self.events_processed += 1;
            match event {
                Event::Arrival { channel_idx } => self.on_arrival(channel_idx as usize),
                Event::ServiceEnd {
                    agent_idx,
                    contact_slot,
                    token,
                } => self.on_service_end(agent_idx, contact_slot, token),
                Event::Abandon {
                    contact_slot,
                    generation,
                } => self.on_abandon(contact_slot, generation),
                Event::IntervalBoundary { interval_idx } => {
                    self.recorder
                        .roll_interval(self.now, Some(interval_idx as usize));
                    self.start_interval(interval_idx as usize);
                }
                Event::Widen {
                    contact_slot,
                    generation,
                } => self.on_widen(contact_slot, generation),
                Event::FollowUp { contact_slot } => self.on_follow_up(contact_slot),
                Event::HoursChange { channel_idx } => self.on_hours_change(channel_idx as usize),
                Event::RosterChange { group_idx } => self.on_roster_change(group_idx as usize),
                Event::DisruptionEdge { event_idx, edge } => {
                    self.on_disruption_edge(event_idx as usize, edge);
                }
                Event::ExtraArrival { stream_idx } => self.on_extra_arrival(stream_idx as usize),
            }
            if self.audit.is_some() {
                self.audit_after_event();
            }
        }
        self.now = self.horizon;
        self.recorder.roll_interval(self.horizon, None);
    }

    fn schedule_next_arrival(&mut self, channel_idx: usize) {
        let Some(profile) = self.scenario.channels[channel_idx].arrivals.as_ref() else {
            return;
        };
        let runtime = &mut self.channels[channel_idx];
        if let Some(time) =
            runtime
                .clock
                .next_arrival(profile, self.now, self.horizon, &mut runtime.arrival_rng)
        {
            self.events.schedule(
                time,
                Event::Arrival {
                    channel_idx: channel_idx as u16,
                },
            );
        }
    }

    #[inline]
    fn interval_of(&self, time: f64) -> usize {
        ((time / self.interval_seconds) as usize).min(self.n_intervals - 1)
    }

    fn on_arrival(&mut self, channel_idx: usize) {
        self.schedule_next_arrival(channel_idx);
        self.contacts_generated += 1;
        let channel = &self.scenario.channels[channel_idx];
        let runtime = &mut self.channels[channel_idx];
        // Draw everything about the contact first, from its own streams, so the same contact
        // carries the same attributes, work and patience whatever happens to it.
        let mix = &channel.mix;
        let rng = &mut runtime.attribute_rng;
        let drawn = DrawnContact {
            issue_type_idx: draw(&runtime.issue_type_choice, &mix.issue_type_shares, rng),
            segment_idx: draw(&runtime.segment_choice, &mix.segment_shares, rng),
            language_idx: draw(&runtime.language_choice, &mix.language_shares, rng),
            urgency_idx: draw(&runtime.urgency_choice, &mix.urgency_shares, rng),
            work_seconds: runtime
                .handle_time
                .as_ref()
                .map_or(0.0, |sampler| sampler.sample(&mut runtime.handle_rng)),
            patience_seconds: runtime.patience.as_ref().map_or(f64::INFINITY, |sampler| {
                sampler.sample(&mut runtime.patience_rng)
            }),
        };
        if self.disruption.channel_keep[channel_idx] < 1.0 && self.thinned_away(channel_idx) {
            return;
        }
        self.admit(channel_idx, drawn, NO_EVENT_TAG);
    }

    /// A new contact arrives on its channel: refused, deflected, held or offered.
    /// `bot_event` is the spam event of a bot, `NO_EVENT_TAG` for a customer.
    #[inline]
    fn admit(&mut self, channel_idx: usize, drawn: DrawnContact, bot_event: u8) {
        let now = self.now;
        let interval_idx = self.interval_of(now);
        let counted = now >= self.warmup;
        let bot = bot_event != NO_EVENT_TAG;
        let channel = &self.scenario.channels[channel_idx];
        let open = channel.hours.is_open(now);
        if !open && (bot || channel.after_hours == AfterHours::Refuse) {
            if bot {
                if counted {
                    self.recorder.events[bot_event as usize].bot_refused_closed += 1;
                }
            } else if counted {
                self.recorder.arrived_closed(channel_idx, interval_idx);
            }
            return;
        }
        if channel.kind == ChannelKind::SelfService {
            if counted {
                self.recorder.deflected(channel_idx, interval_idx);
            }
            return;
        }
        let issue_slot = if self.tracking_issues && !bot {
            self.issues.insert(Issue {
                first_arrival: now,
                counted,
                ..Issue::default()
            })
        } else {
            NO_ISSUE
        };
        let combination_idx =
            self.scenario
                .attribute_combination_index(&crate::scenario::ContactKey {
                    channel_idx,
                    issue_type_idx: drawn.issue_type_idx,
                    segment_idx: drawn.segment_idx,
                    language_idx: drawn.language_idx,
                    urgency_idx: drawn.urgency_idx,
                });
        if bot && counted {
            self.recorder.events[bot_event as usize].bot_reached_agents += 1;
        }
        let slot = self.new_contact(Contact {
            arrival_time: now,
            work_seconds: drawn.work_seconds,
            patience_seconds: drawn.patience_seconds,
            service_start: 0.0,
            remaining_work: 0.0,
            progress_at: 0.0,
            class_idx: 0,
            interval_idx: interval_idx as u32,
            generation: 0,
            issue_slot,
            combination_idx: combination_idx as u32,
            agent_idx: u32::MAX,
            service_token: 0,
            channel_idx: channel_idx as u16,
            issue_type_idx: drawn.issue_type_idx as u8,
            segment_idx: drawn.segment_idx as u8,
            language_idx: drawn.language_idx as u8,
            urgency_idx: drawn.urgency_idx as u8,
            state: ContactState::Waiting,
            // Bots stay out of the channel's figures; their event counts them.
            counted: counted && !bot,
            converted: false,
            bot,
            requeued: false,
            event_tag: bot_event,
        });
        if open {
            self.offer(slot);
        } else {
            self.arrive(slot, false);
        }
    }

    /// A contact reaches its channel (a new arrival or a follow-up): outside hours it gets
    /// the channel's after-hours treatment, otherwise it is offered.
    fn arrive(&mut self, slot: u32, follow_up: bool) {
        let contact = self.slab.contacts[slot as usize];
        let channel_idx = contact.channel_idx as usize;
        let interval_idx = contact.interval_idx as usize;
        if follow_up && contact.counted {
            self.recorder.followup_in(channel_idx, interval_idx);
        }
        let channel = &self.scenario.channels[channel_idx];
        if !channel.hours.is_open(self.now) {
            match channel.after_hours {
                AfterHours::Refuse => {
                    if contact.counted {
                        self.recorder.arrived_closed(channel_idx, interval_idx);
                    }
                    self.end_contact(slot, false);
                    return;
                }
                AfterHours::Ticket { to_channel } => {
                    if contact.counted {
                        self.recorder.after_hours_ticket(channel_idx, interval_idx);
                    }
                    self.convert(slot, to_channel, false, false);
                    return;
                }
                AfterHours::Hold => {
                    if contact.counted {
                        self.recorder.held_after_hours(channel_idx, interval_idx);
                    }
                }
            }
        }
        self.offer(slot);
    }

    /// Offers a contact on its channel now: to a free agent of its route, else (when a rule
    /// says so) to another channel, else to the queue.
    fn offer(&mut self, slot: u32) {
        let channel_idx = self.slab.contacts[slot as usize].channel_idx as usize;
        let outage = self.disruption.channel_outage[channel_idx];
        if outage != disruption::NO_EVENT {
            self.displace(slot, outage as usize, false);
            return;
        }
        let extension = self.disruption.channel_extension[channel_idx];
        let record = &mut self.slab.contacts[slot as usize];
        if !record.bot {
            record.event_tag = extension;
        }
        let class_idx = self
            .layout
            .class_index(channel_idx, record.combination_idx as usize);
        record.class_idx = class_idx as u32;
        let contact = OfferedContact {
            interval_idx: record.interval_idx,
            issue_type_idx: record.issue_type_idx,
            counted: record.counted,
            converted: record.converted,
            bot: record.bot,
        };
        let interval_idx = contact.interval_idx as usize;
        let rule_idx = self.layout.class_rule[class_idx];
        if contact.counted && rule_idx != NO_RULE {
            self.recorder.flows.rule_routed[rule_idx as usize] += 1;
        }
        let move_to = self.layout.class_move_to[class_idx];
        if move_to != u16::MAX
            && !contact.converted
            && !contact.bot
            && self.channel_accepts(move_to as usize)
        {
            if contact.counted {
                self.recorder.offered(channel_idx, interval_idx, false);
            }
            self.convert(slot, move_to as usize, true, false);
            return;
        }
        if !self.channel_taking_work[channel_idx] {
            if contact.counted {
                self.recorder.offered(channel_idx, interval_idx, true);
            }
            self.enqueue(slot);
            return;
        }
        let chosen = self.free_agent_for(class_idx, contact.issue_type_idx as usize);
        if contact.counted {
            self.recorder
                .offered(channel_idx, interval_idx, chosen.is_none());
        }
        match chosen {
            Some(agent_idx) => self.start_with(agent_idx, slot),
            None => {
                if self.channels[channel_idx].may_convert
                    && !contact.bot
                    && self.try_convert_instead_of_queueing(slot)
                {
                    return;
                }
                self.enqueue(slot);
            }
        }
    }

    /// An available agent of the class's route for a contact of this issue type, by the
    /// scenario's selection policy.
    #[inline]
    fn free_agent_for(&self, class_idx: usize, issue_type_idx: usize) -> Option<u32> {
        let scenario = self.scenario;
        let channel_idx = self.layout.class_channel[class_idx] as usize;
        routing::select_agent(
            &self.layout.class_tiers[class_idx],
            scenario.routing.agent_selection,
            &self.pools,
            &self.agents,
            self.layout.class_needs_whole_agent[class_idx],
            |group_idx| scenario.groups[group_idx].proficiency(issue_type_idx, channel_idx),
            self.now,
        )
    }

    /// Starts an agent routing chose (out of its availability set) on a contact not queued.
    #[inline]
    fn start_with(&mut self, agent_idx: u32, slot: u32) {
        self.take_from_availability(agent_idx);
        if self.audit.is_some() {
            self.audit_service_start(agent_idx, slot, false);
        }
        self.start_service(agent_idx, slot);
        self.refresh_availability(agent_idx);
    }

    /// Whether a channel takes converted contacts now: open, or holding them for opening.
    fn channel_accepts(&self, channel_idx: usize) -> bool {
        let channel = &self.scenario.channels[channel_idx];
        self.disruption.channel_outage[channel_idx] == disruption::NO_EVENT
            && (channel.after_hours == AfterHours::Hold || channel.hours.is_open(self.now))
    }

    /// Puts a contact in its class queue, with its abandonment and widening timers.
    fn enqueue(&mut self, slot: u32) {
        let now = self.now;
        let contact = &mut self.slab.contacts[slot as usize];
        contact.state = ContactState::Waiting;
        let (class_idx, generation, patience, queued_at) = (
            contact.class_idx as usize,
            contact.generation,
            contact.patience_seconds,
            contact.arrival_time,
        );
        let queue = &mut self.queues[class_idx];
        queue.entries.push_back(QueueEntry {
            contact_slot: slot,
            generation,
            arrival_time: queued_at,
        });
        queue.live += 1;
        let channel_idx = self.layout.class_channel[class_idx] as usize;
        self.change_queue_length(channel_idx, 1);
        if patience.is_finite() {
            self.events.schedule(
                now + patience,
                Event::Abandon {
                    contact_slot: slot,
                    generation,
                },
            );
        }
        let widen_after = self.layout.class_widen_after[class_idx];
        if widen_after.is_finite() && !self.layout.class_widen_to[class_idx].is_empty() {
            self.events.schedule(
                now + widen_after,
                Event::Widen {
                    contact_slot: slot,
                    generation,
                },
            );
        }
    }

    #[inline]
    fn change_queue_length(&mut self, channel_idx: usize, delta: i32) {
        let length = &mut self.channel_queue_lengths[channel_idx];
        *length = length.wrapping_add_signed(delta);
        let length = *length;
        self.recorder.queue_changed(channel_idx, self.now, length);
    }

    /// The wait a contact has had on its channel's SLA clock.
    #[inline]
    fn sla_wait(&self, contact: &Contact) -> f64 {
        let channel_idx = contact.channel_idx as usize;
        if self.channels[channel_idx].business_hours_clock {
            self.scenario.channels[channel_idx]
                .hours
                .open_seconds_between(contact.arrival_time, self.now)
        } else {
            self.now - contact.arrival_time
        }
    }

    /// Takes a contact that was waiting in `class_idx` off the queue's count; the caller has
    /// already moved it out of the waiting state (answered or gone), so it is stale there.
    fn leave_queue(&mut self, class_idx: usize) {
        let queue = &mut self.queues[class_idx];
        queue.live -= 1;
        queue.drop_stale_front(&self.slab);
        let channel_idx = self.layout.class_channel[class_idx] as usize;
        self.change_queue_length(channel_idx, -1);
    }

    fn on_abandon(&mut self, slot: u32, generation: u32) {
        if !self.slab.is_waiting(slot, generation) {
            self.stale_events = self.stale_events.saturating_sub(1);
            return; // answered before patience ran out: a stale timer
        }
        let contact = self.slab.contacts[slot as usize];
        if contact.counted {
            let wait = self.sla_wait(&contact);
            self.recorder.abandoned(
                contact.channel_idx as usize,
                contact.interval_idx as usize,
                wait,
            );
            if contact.event_tag != NO_EVENT_TAG {
                self.record_extended_sla(&contact, false, wait);
            }
        }
        self.end_contact(slot, false);
        self.leave_queue(contact.class_idx as usize);
    }

    /// Counts an event made stale; when stale events outnumber the live ones, purges them
    /// all at once (lazy cancellation, in bulk).
    fn note_stale_event(&mut self) {
        self.stale_events += 1;
        if self.stale_events >= 32 && 2 * self.stale_events > self.events.len() {
            let slab = &self.slab;
            self.events.retain(|event| match *event {
                Event::Abandon {
                    contact_slot,
                    generation,
                }
                | Event::Widen {
                    contact_slot,
                    generation,
                } => slab.is_waiting(contact_slot, generation),
                Event::ServiceEnd {
                    contact_slot,
                    token,
                    ..
                } => {
                    let contact = &slab.contacts[contact_slot as usize];
                    contact.state == ContactState::InService && contact.service_token == token
                }
                _ => true,
            });
            self.stale_events = 0;
        }
    }

    fn schedule_hours_change(&mut self, channel_idx: usize) {
        let next = self.scenario.channels[channel_idx]
            .hours
            .next_change_after(self.now);
        if next < self.horizon {
            self.events.schedule(
                next,
                Event::HoursChange {
                    channel_idx: channel_idx as u16,
                },
            );
        }
    }

    /// A channel that holds its contacts while closed opens or closes; on opening, the
    /// agents who can serve it look for work.
    fn on_hours_change(&mut self, channel_idx: usize) {
        let open = self.scenario.channels[channel_idx].hours.is_open(self.now);
        let down = self.disruption.channel_outage[channel_idx] != disruption::NO_EVENT;
        self.channel_taking_work[channel_idx] = open && !down;
        self.schedule_hours_change(channel_idx);
        if open && !down {
            self.wake_agents_for(channel_idx);
        }
    }

    /// Agents who can serve a channel that starts taking work again look for work.
    fn wake_agents_for(&mut self, channel_idx: usize) {
        let mut waiting_agents = std::mem::take(&mut self.scratch_agents);
        for (group_idx, group) in self.scenario.groups.iter().enumerate() {
            if group.serves_channel[channel_idx] {
                let pool = &self.pools[group_idx];
                waiting_agents.extend(pool.idle.iter().chain(pool.partial.iter()).copied());
            }
        }
        for &agent_idx in &waiting_agents {
            if self.agents[agent_idx as usize].status == AgentStatus::On {
                self.dispatch(agent_idx);
            }
        }
        waiting_agents.clear();
        self.scratch_agents = waiting_agents;
    }

    fn finish(mut self) -> ReplicationResult {
        for contact in &self.slab.contacts {
            let alive = matches!(
                contact.state,
                ContactState::Waiting | ContactState::InService
            );
            if alive && contact.bot && contact.arrival_time >= self.warmup {
                self.recorder.events[contact.event_tag as usize].bot_left_at_end += 1;
            }
            if contact.counted && alive {
                // A requeued contact was answered once: it is still in service, not waiting.
                self.recorder.left_at_end(
                    contact.channel_idx as usize,
                    contact.interval_idx as usize,
                    contact.state == ContactState::Waiting && !contact.requeued,
                );
            }
        }
        self.count_open_issues();
        let mut conservation_failures = Vec::new();
        for (channel_idx, channel) in self.scenario.channels.iter().enumerate() {
            let rows = self.recorder.channel_intervals.row(channel_idx);
            for (interval_idx, row) in rows.iter().enumerate() {
                let accounted = row.handled
                    + row.abandoned
                    + row.converted_out
                    + row.waiting_at_end
                    + row.in_service_at_end
                    + row.deflected
                    + row.lost_to_outage;
                if row.offered != accounted || row.answered != row.handled + row.in_service_at_end {
                    conservation_failures.push(format!(
                        "replication {}, channel {}, interval {interval_idx}: offered {} but handled {} + abandoned {} + converted out {} + waiting {} + in service {} + deflected {} + lost to outage {}",
                        self.replication, channel.name, row.offered, row.handled, row.abandoned, row.converted_out, row.waiting_at_end, row.in_service_at_end, row.deflected, row.lost_to_outage
                    ));
                }
            }
        }
        for (event_idx, counts) in self.recorder.events.iter().enumerate() {
            let reached = counts.bot_handled + counts.bot_left_at_end + counts.bot_lost_to_outage;
            let accounted = counts.bot_rate_limited
                + counts.bot_filtered
                + counts.bot_refused_closed
                + counts.bot_reached_agents;
            let displaced = counts.converted_to_backup + counts.lost;
            if counts.bot_arrivals != accounted
                || counts.bot_reached_agents != reached
                || counts.displaced != displaced
            {
                conservation_failures.push(format!(
                    "replication {}, event {}: {counts:?} does not balance",
                    self.replication, self.scenario.disruptions[event_idx].name
                ));
            }
        }
        ReplicationResult {
            replication: self.replication,
            wait_quantiles_seconds: self.recorder.wait_quantiles_seconds(),
            wait_distribution_shares: self.recorder.wait_distribution_shares(),
            channel_intervals: std::mem::take(&mut self.recorder.channel_intervals),
            group_intervals: std::mem::take(&mut self.recorder.group_intervals),
            flows: std::mem::take(&mut self.recorder.flows),
            events: std::mem::take(&mut self.recorder.events),
            conservation_failures,
            events_processed: self.events_processed,
            contacts_generated: self.contacts_generated,
            peak_live_contacts: self.slab.contacts.len(),
        }
    }
}
