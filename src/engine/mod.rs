//! The discrete-event engine: one replication of a scenario, from an empty system at time 0
//! (Monday 00:00) to the horizon.
//!
//! The loop pops the earliest event by (time, sequence) and hands it to one handler per event
//! kind. Routing decisions are delegated to the pure functions in `routing`; statistics go to
//! the `Recorder`. Per event, nothing is allocated (the heap, slabs and queues reuse their
//! capacity) and nothing is looked up by name.
//!
//! - this file: the simulation's state, the loop, operating hours, and the result;
//! - `contact.rs`: a contact's arrival, admission, offering, queueing and abandonment;
//! - `service.rs`: agents: starting and ending service (proficiency, concurrency slowdown),
//!   dispatching waiting work, availability sets;
//! - `flows.rs`: contacts moving between channels (overflow, callbacks, after-hours tickets,
//!   handoffs) and the customer issues they belong to;
//! - `behaviour.rs`: customers beyond one queue: retries after giving up, a channel's bot,
//!   callback attempts that miss, duplicates on a second channel (`behaviour_recorder.rs`
//!   counts them);
//! - `staffing.rs`: who is on the floor over time (headcounts, shift rosters, shrinkage,
//!   absences, group outages) and what happens to work in hand when an agent leaves;
//! - `disruption.rs`: channel outages, volume spikes and spam;
//! - `routing.rs`: the pure routing decisions; `layout.rs` the routes derived once per
//!   scenario; `recorder.rs` and `counts.rs` the statistics of one replication;
//!   `conservation.rs` the flow checks at the end; `audit.rs` the invariant checks of tests;
//! - `event_queue.rs`, `arrivals.rs`, `sampling.rs`, `rng.rs`, `state.rs`, `grid.rs`: the
//!   machinery (future events, Poisson arrivals, duration draws, random streams, slabs and
//!   pools, (row, column) tables).

mod arrivals;
mod audit;
mod behaviour;
mod behaviour_recorder;
mod conservation;
mod contact;
pub mod counts;
mod disruption;
pub mod event_queue;
mod flows;
pub mod grid;
pub mod layout;
pub mod partial_agents;
pub mod recorder;
mod rng;
pub mod routing;
mod sampling;
mod service;
mod staffing;
pub mod state;
pub mod waits;

use rand::rngs::Xoshiro256PlusPlus;

use crate::scenario::{Scenario, SlaClock};
use arrivals::ArrivalClock;
use counts::{ChannelIntervalCounts, DisruptionCounts, FlowCounts, GroupIntervalCounts};
use event_queue::{Event, EventQueue};
use grid::Grid;
use layout::RoutingLayout;
use recorder::Recorder;
use rng::{StreamPurpose, stream};
use sampling::{AttributeDraws, Sampler};
use state::{
    Agent, AgentStatus, ClassQueue, ContactSlab, ContactState, GroupPool, IssueSlab, Membership,
    ReadyClasses,
};

/// What one replication produced (what a shard holds of it).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ReplicationResult {
    pub replication: u32,
    /// `[(channel_idx, interval_idx)]`.
    pub channel_intervals: Grid<ChannelIntervalCounts>,
    /// `[(group_idx, interval_idx)]`.
    pub group_intervals: Grid<GroupIntervalCounts>,
    /// Per channel: answered-wait quantiles (see `WAIT_QUANTILES`), seconds.
    pub wait_quantiles_seconds: Vec<[f64; 4]>,
    /// Per channel: share of answered contacts that waited at most each point of
    /// `waits::wait_distribution_points_seconds`.
    pub wait_distribution_shares: Vec<Vec<f64>>,
    /// Routing, handoff and issue counts.
    pub flows: FlowCounts,
    /// `[disruption_idx]`: what each disruption event did.
    pub disruptions: Vec<DisruptionCounts>,
    /// Channels whose flow did not balance (empty unless the engine has a bug).
    pub conservation_failures: Vec<String>,
    pub events_processed: u64,
    /// Contacts generated, warm-up and closed hours included.
    pub contacts_generated: u64,
    /// Most contacts alive at once: the size of the contact slab.
    pub peak_live_contacts: usize,
    /// Set when the replication was stopped before the horizon because more than
    /// `MAX_CONTACTS_IN_SYSTEM` contacts were in the system at once (an unstable system).
    pub stopped_early: Option<EarlyStop>,
}

/// Contacts in the system (waiting or in service) at which a replication stops: the queue of
/// an overloaded system without abandonment grows without bound, and past this point
/// (about 300 MB per replication running) it would only exhaust memory. Documented in
/// README; the report says which replications stopped and when.
pub const MAX_CONTACTS_IN_SYSTEM: usize = 2_000_000;

/// Bytes one replication holds for the agents of `scenario` at their largest headcounts:
/// their records, the bitsets of partly busy agents (a bit per agent per number of units in
/// use), the conversations of groups with a concurrency slowdown and the in-service lists of
/// groups that may requeue (for the resource budget).
pub fn agent_bytes(scenario: &Scenario) -> f64 {
    scenario
        .groups()
        .iter()
        .enumerate()
        .map(|(group_idx, group)| {
            let concurrency = f64::from(group.concurrency);
            let conversations = if group.concurrency_slowdown > 0.0 {
                std::mem::size_of::<u32>() as f64 * concurrency
            } else {
                0.0
            };
            let per_agent = std::mem::size_of::<Agent>() as f64
                + concurrency / 8.0
                + conversations
                + staffing::in_service_bytes_per_agent(scenario, group_idx) as f64;
            f64::from(group.headcount.max()) * per_agent
        })
        .sum()
}

/// Where and why a replication stopped before its horizon.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct EarlyStop {
    /// Simulated time of the stop, seconds from the start.
    pub time_seconds: f64,
    /// Contacts in the system at that moment.
    pub contacts_in_system: usize,
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
    wrap_seconds: f64,
    /// How long it has waited already when it arrives (a backlog's ticket; else 0).
    age_seconds: f64,
    /// A ticket of the backlog at the start: already in the queue, so closed hours hold it
    /// rather than refusing it.
    backlog: bool,
    /// The root of its own streams (`rng::lineage`), 0 when nothing is drawn about it later.
    lineage: u64,
}

/// Per-channel random streams and samplers.
struct ChannelRuntime {
    clock: ArrivalClock,
    arrival_rng: Xoshiro256PlusPlus,
    attribute_rng: Xoshiro256PlusPlus,
    handle_rng: Xoshiro256PlusPlus,
    patience_rng: Xoshiro256PlusPlus,
    wrap_rng: Xoshiro256PlusPlus,
    /// Where the lineages of the channel's arrivals start (`rng::lineage_root`).
    lineage_root: u64,
    /// The busyness factor of each day (forecast uncertainty), shared by the channels
    /// naming the same factor; empty without uncertainty.
    busyness_by_day: Vec<f64>,
    /// Contacts the channel's arrival stream has brought so far (each one's number is part
    /// of its lineage).
    arrivals_drawn: u64,
    /// A replayed trace: the index of its next contact to schedule.
    replay_next: usize,
    handle_time: Option<Sampler>,
    patience: Option<Sampler>,
    wrap_up: Option<Sampler>,
    /// Delay before a customer who gave up tries again (`retry`).
    retry_delay: Option<Sampler>,
    /// Time with the channel's bot (`bot`).
    bot_time: Option<Sampler>,
    /// A callback channel whose attempts may miss the customer.
    callback_attempts: Option<behaviour::CallbackAttemptDraws>,
    /// New contacts here may lead to a second contact elsewhere (`[[duplicates]]`).
    may_duplicate: bool,
    mean_handle_seconds: f64,
    attributes: AttributeDraws,
    /// Contacts on this channel may convert (overflow rules or a callback offer).
    may_convert: bool,
    /// Handled contacts on this channel may lead to a handoff.
    may_hand_off: bool,
    business_hours_clock: bool,
}

/// What a replication records beyond its counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Everything: the answered-wait histograms too (quantiles, waiting-time distribution).
    Full,
    /// Counters only: no answered-wait histograms, so `wait_quantiles_seconds` and
    /// `wait_distribution_shares` are NaN. For studies that judge by the interval counters
    /// alone (`plan` and the rosters it checks), which run many thousands of replications.
    CountersOnly,
}

/// Runs one replication. `layout` must come from the same scenario.
pub fn run_replication(
    scenario: &Scenario,
    layout: &RoutingLayout,
    replication: u32,
) -> ReplicationResult {
    run_replication_with_detail(scenario, layout, replication, Detail::Full)
}

/// `run_replication`, recording `detail`. The counters do not depend on it.
pub fn run_replication_with_detail(
    scenario: &Scenario,
    layout: &RoutingLayout,
    replication: u32,
    detail: Detail,
) -> ReplicationResult {
    run_replication_reusing(scenario, layout, replication, detail, None)
}

/// The interval grids of a finished replication, to be reset and counted into again by
/// another (`run_replication_reusing`). A plan runs tens of thousands of short replications;
/// mapping, zeroing and faulting in new grids for each took a seventh of its time.
#[derive(Debug)]
pub struct SpareGrids {
    pub channel_intervals: Grid<ChannelIntervalCounts>,
    pub group_intervals: Grid<GroupIntervalCounts>,
}

impl SpareGrids {
    /// The grids of `result`, which is done with.
    pub fn of(result: ReplicationResult) -> SpareGrids {
        SpareGrids {
            channel_intervals: result.channel_intervals,
            group_intervals: result.group_intervals,
        }
    }
}

/// `run_replication_with_detail`, counting into `spare` grids (reset first) where they have
/// the scenario's shape. The result is the same with or without them.
pub fn run_replication_reusing(
    scenario: &Scenario,
    layout: &RoutingLayout,
    replication: u32,
    detail: Detail,
    spare: Option<SpareGrids>,
) -> ReplicationResult {
    let mut simulation = Simulation::new(scenario, layout, replication, spare);
    if detail == Detail::CountersOnly {
        simulation.recorder.skip_wait_histograms();
    }
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
    let mut simulation = Simulation::new(scenario, layout, replication, None);
    simulation.audit = Some(audit::Audit::new(&simulation));
    simulation.run();
    let violations = simulation
        .audit
        .take()
        .map(|audit| audit.violations)
        .unwrap_or_default();
    (simulation.finish(), violations)
}

/// One customer contact as a trace records it (`run_replication_logged`): answered (when an
/// agent picked it up) or abandoned, with its wait on the wall clock.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LoggedContact {
    pub channel_idx: u16,
    pub issue_type_idx: u8,
    pub segment_idx: u8,
    pub language_idx: u8,
    pub urgency_idx: u8,
    /// Seconds from time 0.
    pub arrival_seconds: f64,
    pub outcome: crate::trace::Outcome,
    pub wait_seconds: f64,
    /// The service it was given (answered only; for conversations slowed by concurrency, the
    /// time at standard speed).
    pub handle_seconds: Option<f64>,
    pub agent_idx: Option<u32>,
}

/// Runs one replication and logs every customer contact answered or abandoned, in the order
/// it happened: the replication is the one `run_replication` runs (the log draws nothing).
pub fn run_replication_logged(
    scenario: &Scenario,
    layout: &RoutingLayout,
    replication: u32,
) -> (ReplicationResult, Vec<LoggedContact>) {
    let mut simulation = Simulation::new(scenario, layout, replication, None);
    simulation.contact_log = Some(Vec::new());
    simulation.run();
    let log = simulation.contact_log.take().unwrap_or_default();
    (simulation.finish(), log)
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
    /// `[group_idx]`: the group's classes with someone waiting.
    group_ready: Vec<ReadyClasses>,
    /// `[channel_idx]`: false while a channel that holds contacts is closed.
    channel_taking_work: Vec<bool>,
    agents: Vec<Agent>,
    pools: Vec<GroupPool>,
    /// Conversations in hand of agents in groups with a concurrency slowdown.
    conversations: Vec<u32>,
    channels: Vec<ChannelRuntime>,
    handoff_delays: Vec<Sampler>,
    /// `[duplicate_idx]`: the delay of each `[[duplicates]]` rule.
    duplicate_delays: Vec<Sampler>,
    recorder: Recorder,
    events_processed: u64,
    contacts_generated: u64,
    /// Events in the list that became stale (answered abandonment timers, rescheduled
    /// service ends), purged in bulk.
    stale_events: usize,
    /// Reused buffer of agents to dispatch when a channel opens.
    scratch_agents: Vec<u32>,
    /// Reused buffer of agents coming on shift (`set_headcount`).
    scratch_joining: Vec<u32>,
    /// Contacts can move between channels, so customer issues are tracked.
    tracking_issues: bool,
    /// Agents' busy time is tracked (for least-occupied selection).
    tracking_occupancy: bool,
    /// `[group_idx]`: some proficiency differs from 1.
    group_has_proficiency: Vec<bool>,
    /// Who is on the floor: scheduled counts, absences, group outages.
    staffing: staffing::StaffingState,
    /// Channel outages, volume spikes and spam as they stand now.
    disruption: disruption::DisruptionState,
    /// Invariant checks, in audited runs only.
    audit: Option<audit::Audit>,
    /// Every customer contact answered or abandoned, in `run_replication_logged` only.
    contact_log: Option<Vec<LoggedContact>>,
    /// Set when the run stopped at `MAX_CONTACTS_IN_SYSTEM`.
    stopped_early: Option<EarlyStop>,
}

impl<'a> Simulation<'a> {
    fn new(
        scenario: &'a Scenario,
        layout: &'a RoutingLayout,
        replication: u32,
        spare: Option<SpareGrids>,
    ) -> Simulation<'a> {
        let settings = scenario.simulation();
        let seed = settings.seed;
        let routing = scenario.routing();
        // One draw per day for each forecast-uncertainty factor, from the factor's stream.
        let days = (settings.horizon_seconds / 86_400.0).ceil().max(1.0) as usize;
        let mut factors: Vec<(&str, Vec<f64>)> = Vec::new();
        for uncertainty in scenario
            .channels()
            .iter()
            .filter_map(|c| c.uncertainty.as_ref())
        {
            if factors.iter().all(|(name, _)| *name != uncertainty.factor) {
                let mut factor_rng = stream(
                    seed,
                    replication,
                    StreamPurpose::Busyness {
                        factor: &uncertainty.factor,
                    },
                );
                let by_day =
                    arrivals::busyness_by_day(&uncertainty.cv_by_weekday, days, &mut factor_rng);
                factors.push((uncertainty.factor.as_str(), by_day));
            }
        }
        let channels = scenario
            .channels()
            .iter()
            .enumerate()
            .map(|(channel_idx, channel)| {
                let rng = |purpose| stream(seed, replication, purpose);
                let name = channel.name.as_str();
                let busyness_by_day = channel
                    .uncertainty
                    .as_ref()
                    .and_then(|u| factors.iter().find(|(name, _)| *name == u.factor))
                    .map(|(_, by_day)| by_day.clone())
                    .unwrap_or_default();
                ChannelRuntime {
                    busyness_by_day,
                    clock: ArrivalClock::new(),
                    arrival_rng: rng(StreamPurpose::Arrivals { channel: name }),
                    attribute_rng: rng(StreamPurpose::Attributes { channel: name }),
                    handle_rng: rng(StreamPurpose::HandleTime { channel: name }),
                    patience_rng: rng(StreamPurpose::Patience { channel: name }),
                    wrap_rng: rng(StreamPurpose::WrapUp { channel: name }),
                    lineage_root: rng::lineage_root(
                        seed,
                        replication,
                        StreamPurpose::Arrivals { channel: name },
                    ),
                    arrivals_drawn: 0,
                    replay_next: 0,
                    handle_time: channel.handle_time.as_ref().map(Sampler::new),
                    patience: channel.patience.as_ref().map(Sampler::new),
                    wrap_up: channel.wrap_up.as_ref().map(Sampler::new),
                    retry_delay: channel
                        .retry
                        .as_ref()
                        .map(|retry| Sampler::new(&retry.delay)),
                    bot_time: channel
                        .bot
                        .as_ref()
                        .map(|bot| Sampler::new(&bot.handle_time)),
                    callback_attempts: channel.callback_attempts.as_ref().map(|attempts| {
                        behaviour::CallbackAttemptDraws {
                            reach: attempts.reach,
                            attempts: attempts.attempts,
                            retry_after: attempts.retry_after.as_ref().map(Sampler::new),
                            failed_attempt_seconds: attempts.failed_attempt_seconds,
                        }
                    }),
                    may_duplicate: routing
                        .duplicates
                        .iter()
                        .any(|d| d.from_channel == channel_idx),
                    mean_handle_seconds: channel.handle_time.as_ref().map_or(0.0, |d| d.mean()),
                    attributes: AttributeDraws::new(&channel.mix),
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
        for (group_idx, group) in scenario.groups().iter().enumerate() {
            let n_agents = group.headcount.max();
            let capacity_units = group.concurrency as u16;
            pools.push(GroupPool::new(
                agents.len() as u32,
                n_agents,
                capacity_units,
            ));
            for _ in 0..n_agents {
                let conversation_offset = (group.concurrency_slowdown > 0.0).then(|| {
                    conversations.extend(std::iter::repeat_n(0, group.concurrency as usize));
                    (conversations.len() - group.concurrency as usize) as u32
                });
                agents.push(Agent {
                    group_idx: group_idx as u16,
                    busy_units: 0,
                    capacity_units,
                    status: AgentStatus::Off,
                    membership: Membership::None,
                    idle_since: 0.0,
                    partial_position: 0,
                    partial_units: 0,
                    busy_seconds: 0.0,
                    logged_in_seconds: 0.0,
                    logged_in_since: 0.0,
                    n_conversations: 0,
                    conversation_offset,
                });
            }
        }
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
            channel_queue_lengths: vec![0; scenario.channels().len()],
            group_ready: layout
                .group_classes
                .iter()
                .map(|classes| ReadyClasses::new(classes.len()))
                .collect(),
            channel_taking_work: scenario
                .channels()
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
            duplicate_delays: routing
                .duplicates
                .iter()
                .map(|d| Sampler::new(&d.delay))
                .collect(),
            recorder: Recorder::new(scenario, spare),
            events_processed: 0,
            contacts_generated: 0,
            stale_events: 0,
            scratch_agents: Vec::new(),
            scratch_joining: Vec::new(),
            tracking_issues: !scenario.channel_flows().is_empty(),
            tracking_occupancy: routing.agent_selection
                == crate::scenario::AgentSelection::LeastOccupied,
            group_has_proficiency: scenario
                .groups()
                .iter()
                .map(|g| {
                    g.issue_type_proficiency
                        .iter()
                        .chain(&g.channel_proficiency)
                        .any(|p| *p != 1.0)
                })
                .collect(),
            staffing: staffing::StaffingState::new(scenario),
            disruption: disruption::DisruptionState::new(scenario, replication),
            audit: None,
            contact_log: None,
            stopped_early: None,
        }
    }

    fn run(&mut self) {
        for channel_idx in 0..self.channels.len() {
            self.schedule_next_arrival(channel_idx);
            if self.layout.channel_held_when_closed[channel_idx] {
                self.schedule_hours_change(channel_idx);
            }
        }
        self.start_rosters();
        self.start_disruptions();
        self.start_interval(0);
        self.start_backlogs();
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
                Event::WrapUpEnd { agent_idx, units } => self.release_units(agent_idx, units, true),
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
                Event::CallbackRetry { contact_slot } => self.on_callback_retry(contact_slot),
                Event::Duplicate {
                    contact_slot,
                    lineage_check,
                    duplicate_idx,
                } => self.on_duplicate(contact_slot, lineage_check, duplicate_idx as usize),
                Event::HoursChange { channel_idx } => self.on_hours_change(channel_idx as usize),
                Event::RosterChange { group_idx } => self.on_roster_change(group_idx as usize),
                Event::DisruptionEdge {
                    disruption_idx,
                    edge,
                } => {
                    self.on_disruption_edge(disruption_idx as usize, edge);
                }
                Event::ExtraArrival { stream_idx } => self.on_extra_arrival(stream_idx as usize),
            }
            if self.audit.is_some() {
                self.audit_after_event();
            }
            // The slab only grows when every slot is taken, so its length is the number in
            // the system at its peak: one comparison per event.
            if self.slab.contacts.len() > MAX_CONTACTS_IN_SYSTEM {
                self.stopped_early = Some(EarlyStop {
                    time_seconds: self.now,
                    contacts_in_system: self.slab.contacts.len(),
                });
                break;
            }
        }
        let end = self
            .stopped_early
            .map_or(self.horizon, |stop| stop.time_seconds);
        self.now = end;
        self.recorder.roll_interval(end, None);
    }

    #[inline]
    pub(super) fn interval_of(&self, time: f64) -> usize {
        ((time / self.interval_seconds) as usize).min(self.n_intervals - 1)
    }

    /// Counts an event made stale; when stale events outnumber the live ones, purges them
    /// all at once (lazy cancellation, in bulk).
    pub(super) fn note_stale_event(&mut self) {
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
        let next = self.scenario.channels()[channel_idx]
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
        let open = self.scenario.channels()[channel_idx]
            .hours
            .is_open(self.now);
        let down = self.disruption.channel_outage[channel_idx].is_some();
        self.channel_taking_work[channel_idx] = open && !down;
        self.schedule_hours_change(channel_idx);
        if open && !down {
            self.wake_agents_for(channel_idx);
        }
    }

    /// Agents who can serve a channel that starts taking work again look for work.
    pub(super) fn wake_agents_for(&mut self, channel_idx: usize) {
        let mut waiting_agents = std::mem::take(&mut self.scratch_agents);
        for (group_idx, group) in self.scenario.groups().iter().enumerate() {
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
            match contact.state {
                ContactState::Waiting | ContactState::InService => {
                    self.recorder.left_at_end(contact);
                }
                // A callback between attempts was offered and still waits; a contact with
                // its channel's bot has not reached agents yet.
                ContactState::Pending if contact.callback_tries > 0 => {
                    self.recorder.left_at_end(contact);
                }
                ContactState::Pending
                    if matches!(
                        contact.origin,
                        state::Origin::BotContained | state::Origin::BotEscalating
                    ) =>
                {
                    self.recorder.bot_left_at_end(contact);
                }
                _ => {}
            }
        }
        self.count_open_issues();
        let conservation_failures =
            conservation::failures(self.scenario, &self.recorder, self.replication);
        ReplicationResult {
            replication: self.replication,
            wait_quantiles_seconds: self.recorder.wait_quantiles_seconds(),
            wait_distribution_shares: self.recorder.wait_distribution_shares(),
            channel_intervals: std::mem::take(&mut self.recorder.channel_intervals),
            group_intervals: std::mem::take(&mut self.recorder.group_intervals),
            flows: std::mem::take(&mut self.recorder.flows),
            disruptions: std::mem::take(&mut self.recorder.disruptions),
            conservation_failures,
            events_processed: self.events_processed,
            contacts_generated: self.contacts_generated,
            peak_live_contacts: self.slab.contacts.len(),
            stopped_early: self.stopped_early,
        }
    }
}
