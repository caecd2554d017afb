//! The discrete-event engine: one replication of a scenario, from an empty system at time 0
//! (Monday 00:00) to the horizon.
//!
//! The loop pops the earliest event by (time, sequence) and hands it to one handler per event
//! kind. Routing decisions are delegated to the pure functions in `routing`; statistics go to
//! the `Recorder`. Per event, nothing is allocated (the heap, slab and queues reuse their
//! capacity) and nothing is looked up by name.

pub mod event_queue;
pub mod state;

use rand::distr::weighted::WeightedIndex;
use rand::rngs::Xoshiro256PlusPlus;
use rand_distr::Distribution as _;

use crate::arrivals::ArrivalClock;
use crate::distribution::Sampler;
use crate::metrics::recorder::{ChannelIntervalCounts, GroupIntervalCounts, Recorder};
use crate::rng::{StreamPurpose, stream};
use crate::routing;
use crate::scenario::{ChannelKind, Scenario};
use event_queue::{Event, EventQueue};
use state::{
    Agent, AgentStatus, ClassQueue, Contact, ContactSlab, ContactState, GroupPool, Membership,
    QueueEntry, RoutingLayout,
};

/// What one replication produced.
#[derive(Debug, Clone)]
pub struct ReplicationResult {
    pub replication: u32,
    /// `[channel_idx * n_intervals + interval_idx]`.
    pub channel_intervals: Vec<ChannelIntervalCounts>,
    /// `[group_idx * n_intervals + interval_idx]`.
    pub group_intervals: Vec<GroupIntervalCounts>,
    /// Per channel: answered-wait quantiles (see `WAIT_QUANTILES`), seconds.
    pub wait_quantiles_seconds: Vec<[f64; 4]>,
    /// Channels whose flow did not balance (empty unless the engine has a bug).
    pub conservation_failures: Vec<String>,
    pub events_processed: u64,
    /// Contacts generated, warm-up and closed hours included.
    pub contacts_generated: u64,
    /// Most contacts alive at once: the size of the contact slab.
    pub peak_live_contacts: usize,
}

/// Per-channel random streams and samplers.
struct ChannelRuntime {
    clock: ArrivalClock,
    arrival_rng: Xoshiro256PlusPlus,
    attribute_rng: Xoshiro256PlusPlus,
    handle_rng: Xoshiro256PlusPlus,
    patience_rng: Xoshiro256PlusPlus,
    handle_time: Option<Sampler>,
    patience: Option<Sampler>,
    /// `None` when the attribute has a single possible value (no draw needed).
    issue_type_choice: Option<WeightedIndex<f64>>,
    segment_choice: Option<WeightedIndex<f64>>,
    language_choice: Option<WeightedIndex<f64>>,
}

fn choice(shares: &[f64]) -> Option<WeightedIndex<f64>> {
    let nonzero = shares.iter().filter(|share| **share > 0.0).count();
    (nonzero > 1).then(|| WeightedIndex::new(shares).expect("validated shares"))
}

fn only_value(shares: &[f64]) -> usize {
    shares.iter().position(|share| *share > 0.0).unwrap_or(0)
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
    queues: Vec<ClassQueue>,
    channel_queue_lengths: Vec<u32>,
    agents: Vec<Agent>,
    pools: Vec<GroupPool>,
    channels: Vec<ChannelRuntime>,
    recorder: Recorder,
    events_processed: u64,
    contacts_generated: u64,
    /// Abandonment timers in the event list whose contact was answered since (stale).
    stale_abandon_timers: usize,
}

impl<'a> Simulation<'a> {
    fn new(scenario: &'a Scenario, layout: &'a RoutingLayout, replication: u32) -> Simulation<'a> {
        let settings = &scenario.simulation;
        let seed = settings.seed;
        let channels = scenario
            .channels
            .iter()
            .enumerate()
            .map(|(channel_idx, channel)| ChannelRuntime {
                clock: ArrivalClock::new(),
                arrival_rng: stream(seed, replication, StreamPurpose::Arrivals { channel_idx }),
                attribute_rng: stream(seed, replication, StreamPurpose::Attributes { channel_idx }),
                handle_rng: stream(seed, replication, StreamPurpose::HandleTime { channel_idx }),
                patience_rng: stream(seed, replication, StreamPurpose::Patience { channel_idx }),
                handle_time: channel.handle_time.as_ref().map(Sampler::new),
                patience: channel.patience.as_ref().map(Sampler::new),
                issue_type_choice: choice(&channel.mix.issue_type_shares),
                segment_choice: choice(&channel.mix.segment_shares),
                language_choice: choice(&channel.mix.language_shares),
            })
            .collect();
        let mut agents = Vec::new();
        let mut pools = Vec::new();
        for (group_idx, group) in scenario.groups.iter().enumerate() {
            let n_agents = group.headcount.max();
            pools.push(GroupPool {
                first_agent: agents.len() as u32,
                n_agents,
                ..GroupPool::default()
            });
            let capacity_units = group.concurrency as u16;
            agents.extend((0..n_agents).map(|_| Agent {
                group_idx: group_idx as u16,
                busy_units: 0,
                capacity_units,
                status: AgentStatus::Off,
                membership: Membership::None,
                idle_since: 0.0,
                partial_position: 0,
            }));
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
            queues: vec![ClassQueue::default(); layout.n_classes()],
            channel_queue_lengths: vec![0; scenario.channels.len()],
            agents,
            pools,
            channels,
            recorder: Recorder::new(
                n_intervals,
                settings.horizon_seconds,
                sla_thresholds,
                capacities,
            ),
            events_processed: 0,
            contacts_generated: 0,
            stale_abandon_timers: 0,
        }
    }

    fn run(&mut self) {
        for channel_idx in 0..self.channels.len() {
            self.schedule_next_arrival(channel_idx);
        }
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
                } => self.on_service_end(agent_idx, contact_slot),
                Event::Abandon {
                    contact_slot,
                    generation,
                } => self.on_abandon(contact_slot, generation),
                Event::IntervalBoundary { interval_idx } => {
                    self.recorder
                        .roll_interval(self.now, Some(interval_idx as usize));
                    self.start_interval(interval_idx as usize);
                }
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
        let now = self.now;
        let interval_idx = self.interval_of(now);
        let counted = now >= self.warmup;
        let channel = &self.scenario.channels[channel_idx];
        let runtime = &mut self.channels[channel_idx];
        // Draw everything about the contact first, from its own streams, so the same contact
        // carries the same attributes, work and patience whatever happens to it.
        let issue_type_idx = match &runtime.issue_type_choice {
            Some(choice) => choice.sample(&mut runtime.attribute_rng),
            None => only_value(&channel.mix.issue_type_shares),
        };
        let segment_idx = match &runtime.segment_choice {
            Some(choice) => choice.sample(&mut runtime.attribute_rng),
            None => only_value(&channel.mix.segment_shares),
        };
        let language_idx = match &runtime.language_choice {
            Some(choice) => choice.sample(&mut runtime.attribute_rng),
            None => only_value(&channel.mix.language_shares),
        };
        let work_seconds = runtime
            .handle_time
            .as_ref()
            .map_or(0.0, |sampler| sampler.sample(&mut runtime.handle_rng));
        let patience_seconds = runtime
            .patience
            .as_ref()
            .map(|sampler| sampler.sample(&mut runtime.patience_rng));
        if !channel.hours.is_open(now) {
            if counted {
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
        let class_idx = self
            .layout
            .class_index(channel_idx, issue_type_idx, language_idx);
        let slot = self.slab.insert(Contact {
            arrival_time: now,
            work_seconds,
            class_idx: class_idx as u32,
            interval_idx: interval_idx as u32,
            generation: 0,
            channel_idx: channel_idx as u16,
            issue_type_idx: issue_type_idx as u8,
            segment_idx: segment_idx as u8,
            language_idx: language_idx as u8,
            state: ContactState::Waiting,
            counted,
        });
        let needs_whole_agent = self.layout.class_needs_whole_agent[class_idx];
        let chosen = routing::select_agent(
            &self.layout.class_groups[class_idx],
            &self.pools,
            &self.agents,
            needs_whole_agent,
        );
        if counted {
            self.recorder
                .offered(channel_idx, interval_idx, chosen.is_none());
        }
        match chosen {
            Some(agent_idx) => {
                self.take_from_availability(agent_idx);
                self.start_service(agent_idx, slot);
                self.refresh_availability(agent_idx);
            }
            None => {
                let generation = self.slab.contacts[slot as usize].generation;
                self.queues[class_idx].entries.push_back(QueueEntry {
                    contact_slot: slot,
                    generation,
                    arrival_time: now,
                });
                self.queues[class_idx].live += 1;
                self.change_queue_length(channel_idx, 1);
                if let Some(patience) = patience_seconds {
                    self.events.schedule(
                        now + patience,
                        Event::Abandon {
                            contact_slot: slot,
                            generation,
                        },
                    );
                }
            }
        }
    }

    #[inline]
    fn change_queue_length(&mut self, channel_idx: usize, delta: i32) {
        let length = &mut self.channel_queue_lengths[channel_idx];
        *length = length.wrapping_add_signed(delta);
        let length = *length;
        self.recorder.queue_changed(channel_idx, self.now, length);
    }

    #[inline]
    fn units_for(&self, agent_idx: u32, class_idx: usize) -> u16 {
        if self.layout.class_needs_whole_agent[class_idx] {
            self.agents[agent_idx as usize].capacity_units
        } else {
            1
        }
    }

    fn start_service(&mut self, agent_idx: u32, slot: u32) {
        let contact = &mut self.slab.contacts[slot as usize];
        contact.state = ContactState::InService;
        let contact = *contact;
        if contact.counted {
            self.recorder.answered(
                contact.channel_idx as usize,
                contact.interval_idx as usize,
                self.now - contact.arrival_time,
            );
        }
        let units = self.units_for(agent_idx, contact.class_idx as usize);
        let agent = &mut self.agents[agent_idx as usize];
        agent.busy_units += units;
        let group_idx = agent.group_idx as usize;
        let pool = &mut self.pools[group_idx];
        pool.busy_units += u32::from(units);
        self.recorder
            .group_changed(group_idx, self.now, pool.logged_in, pool.busy_units);
        self.events.schedule(
            self.now + contact.work_seconds,
            Event::ServiceEnd {
                agent_idx,
                contact_slot: slot,
            },
        );
    }

    fn on_service_end(&mut self, agent_idx: u32, slot: u32) {
        let contact = self.slab.contacts[slot as usize];
        let group_idx = self.agents[agent_idx as usize].group_idx as usize;
        if contact.counted {
            self.recorder.handled(
                contact.channel_idx as usize,
                contact.interval_idx as usize,
                group_idx,
                contact.work_seconds,
            );
        }
        self.slab.remove(slot);
        let units = self.units_for(agent_idx, contact.class_idx as usize);
        let agent = &mut self.agents[agent_idx as usize];
        agent.busy_units -= units;
        let leaves = agent.status == AgentStatus::Leaving && agent.busy_units == 0;
        if leaves {
            agent.status = AgentStatus::Off;
        }
        let pool = &mut self.pools[group_idx];
        pool.busy_units -= u32::from(units);
        if leaves {
            pool.logged_in -= 1;
        }
        self.recorder
            .group_changed(group_idx, self.now, pool.logged_in, pool.busy_units);
        if self.agents[agent_idx as usize].status == AgentStatus::On {
            self.dispatch(agent_idx);
        }
    }

    /// Gives an on-shift agent waiting work until it is full or nothing it can serve waits,
    /// then files it in the right availability set.
    fn dispatch(&mut self, agent_idx: u32) {
        let group_idx = self.agents[agent_idx as usize].group_idx as usize;
        let (real_time, asynchronous) = (
            &self.layout.group_real_time_classes[group_idx],
            &self.layout.group_async_classes[group_idx],
        );
        while let Some(class_idx) = routing::select_work(
            &self.agents[agent_idx as usize],
            real_time,
            asynchronous,
            &self.queues,
            &self.layout.class_needs_whole_agent,
        ) {
            let queue = &mut self.queues[class_idx as usize];
            let entry = queue
                .entries
                .pop_front()
                .expect("select_work returns a class with a live head");
            queue.live -= 1;
            queue.drop_stale_front(&self.slab);
            let channel_idx = self.layout.class_channel[class_idx as usize] as usize;
            self.change_queue_length(channel_idx, -1);
            self.start_service(agent_idx, entry.contact_slot);
            if self.channels[channel_idx].patience.is_some() {
                self.note_stale_abandon_timer();
            }
        }
        self.refresh_availability(agent_idx);
    }

    /// Counts a timer made stale by an answer; when stale timers outnumber the live events,
    /// purges them all at once (lazy cancellation, in bulk).
    fn note_stale_abandon_timer(&mut self) {
        self.stale_abandon_timers += 1;
        if self.stale_abandon_timers >= 32 && 2 * self.stale_abandon_timers > self.events.len() {
            let slab = &self.slab;
            self.events.retain(|event| match *event {
                Event::Abandon {
                    contact_slot,
                    generation,
                } => slab.is_waiting(contact_slot, generation),
                _ => true,
            });
            self.stale_abandon_timers = 0;
        }
    }

    fn on_abandon(&mut self, slot: u32, generation: u32) {
        if !self.slab.is_waiting(slot, generation) {
            self.stale_abandon_timers -= 1;
            return; // answered before patience ran out: a stale timer
        }
        let contact = self.slab.contacts[slot as usize];
        if contact.counted {
            self.recorder.abandoned(
                contact.channel_idx as usize,
                contact.interval_idx as usize,
                self.now - contact.arrival_time,
            );
        }
        self.slab.remove(slot);
        let queue = &mut self.queues[contact.class_idx as usize];
        queue.live -= 1;
        queue.drop_stale_front(&self.slab);
        self.change_queue_length(contact.channel_idx as usize, -1);
    }

    /// Removes an agent routing just chose from its availability set.
    fn take_from_availability(&mut self, agent_idx: u32) {
        let agent = self.agents[agent_idx as usize];
        let pool = &mut self.pools[agent.group_idx as usize];
        match agent.membership {
            Membership::Idle => {
                // Routing takes the longest idle, which is the front.
                if pool.idle.front() == Some(&agent_idx) {
                    pool.idle.pop_front();
                } else {
                    pool.idle.retain(|&idx| idx != agent_idx);
                }
            }
            Membership::Partial => {
                let position = agent.partial_position as usize;
                pool.partial.swap_remove(position);
                if let Some(&moved) = pool.partial.get(position) {
                    self.agents[moved as usize].partial_position = position as u32;
                }
            }
            Membership::None => {}
        }
        self.agents[agent_idx as usize].membership = Membership::None;
    }

    /// Files an agent in the availability set its status and load call for.
    fn refresh_availability(&mut self, agent_idx: u32) {
        let agent = self.agents[agent_idx as usize];
        let wanted = if agent.status != AgentStatus::On {
            Membership::None
        } else if agent.busy_units == 0 {
            Membership::Idle
        } else if agent.busy_units < agent.capacity_units {
            Membership::Partial
        } else {
            Membership::None
        };
        if wanted == agent.membership {
            return;
        }
        self.take_from_availability(agent_idx);
        let pool = &mut self.pools[agent.group_idx as usize];
        let agent = &mut self.agents[agent_idx as usize];
        match wanted {
            Membership::Idle => {
                agent.idle_since = self.now;
                pool.idle.push_back(agent_idx);
            }
            Membership::Partial => {
                agent.partial_position = pool.partial.len() as u32;
                pool.partial.push(agent_idx);
            }
            Membership::None => {}
        }
        agent.membership = wanted;
    }

    /// Applies the headcount of `interval_idx` to every group and schedules the next boundary.
    fn start_interval(&mut self, interval_idx: usize) {
        for group_idx in 0..self.pools.len() {
            let target = self.scenario.groups[group_idx]
                .headcount
                .at_interval(interval_idx);
            self.set_headcount(group_idx, target);
            self.recorder.scheduled(group_idx, interval_idx, target);
        }
        if interval_idx + 1 < self.n_intervals {
            let next = interval_idx + 1;
            self.events.schedule(
                next as f64 * self.interval_seconds,
                Event::IntervalBoundary {
                    interval_idx: next as u32,
                },
            );
        }
    }

    /// Brings a group's on-shift count to `target`. Agents going off shift finish the contacts
    /// in hand first (idle ones leave at once, most recently idle first); agents coming on
    /// shift are those finishing work first, then the first agents off shift.
    fn set_headcount(&mut self, group_idx: usize, target: u32) {
        let agent_range = {
            let pool = &self.pools[group_idx];
            pool.first_agent..pool.first_agent + pool.n_agents
        };
        let mut joining = Vec::new();
        while self.pools[group_idx].on_shift < target {
            let pick = agent_range
                .clone()
                .find(|&a| self.agents[a as usize].status == AgentStatus::Leaving)
                .or_else(|| {
                    agent_range
                        .clone()
                        .find(|&a| self.agents[a as usize].status == AgentStatus::Off)
                })
                .expect("headcount never exceeds the group's largest headcount");
            let agent = &mut self.agents[pick as usize];
            let pool = &mut self.pools[group_idx];
            if agent.status == AgentStatus::Off {
                pool.logged_in += 1;
            }
            agent.status = AgentStatus::On;
            pool.on_shift += 1;
            joining.push(pick);
        }
        while self.pools[group_idx].on_shift > target {
            let pool = &mut self.pools[group_idx];
            let pick = if let Some(idle) = pool.idle.back().copied() {
                idle
            } else if let Some(&partial) = pool
                .partial
                .iter()
                .min_by_key(|&&a| (self.agents[a as usize].busy_units, a))
            {
                partial
            } else {
                agent_range
                    .clone()
                    .find(|&a| self.agents[a as usize].status == AgentStatus::On)
                    .expect("on_shift counts On agents")
            };
            self.take_from_availability(pick);
            let agent = &mut self.agents[pick as usize];
            let pool = &mut self.pools[group_idx];
            pool.on_shift -= 1;
            if agent.busy_units == 0 {
                agent.status = AgentStatus::Off;
                pool.logged_in -= 1;
            } else {
                agent.status = AgentStatus::Leaving;
            }
        }
        let pool = &self.pools[group_idx];
        self.recorder
            .group_changed(group_idx, self.now, pool.logged_in, pool.busy_units);
        for agent_idx in joining {
            self.dispatch(agent_idx);
        }
    }

    fn finish(mut self) -> ReplicationResult {
        for contact in &self.slab.contacts {
            if contact.state != ContactState::Free && contact.counted {
                self.recorder.left_at_end(
                    contact.channel_idx as usize,
                    contact.interval_idx as usize,
                    contact.state == ContactState::Waiting,
                );
            }
        }
        let mut conservation_failures = Vec::new();
        for (channel_idx, channel) in self.scenario.channels.iter().enumerate() {
            let rows = &self.recorder.channel_intervals
                [channel_idx * self.n_intervals..(channel_idx + 1) * self.n_intervals];
            for (interval_idx, row) in rows.iter().enumerate() {
                let accounted = row.handled
                    + row.abandoned
                    + row.waiting_at_end
                    + row.in_service_at_end
                    + row.deflected;
                if row.offered != accounted || row.answered != row.handled + row.in_service_at_end {
                    conservation_failures.push(format!(
                        "replication {}, channel {}, interval {interval_idx}: offered {} but handled {} + abandoned {} + waiting {} + in service {} + deflected {}",
                        self.replication, channel.name, row.offered, row.handled, row.abandoned, row.waiting_at_end, row.in_service_at_end, row.deflected
                    ));
                }
            }
        }
        ReplicationResult {
            replication: self.replication,
            wait_quantiles_seconds: self.recorder.wait_quantiles_seconds(),
            channel_intervals: std::mem::take(&mut self.recorder.channel_intervals),
            group_intervals: std::mem::take(&mut self.recorder.group_intervals),
            conservation_failures,
            events_processed: self.events_processed,
            contacts_generated: self.contacts_generated,
            peak_live_contacts: self.slab.contacts.len(),
        }
    }
}
