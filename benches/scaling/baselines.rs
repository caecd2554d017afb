//! The baselines the engine's M/M/10+M rate is compared with (`mm10_patience` in
//! `main.rs`): the Kiefer-Wolfowitz recursion, the limit of any simulator of that queue, and
//! the smallest event-driven simulation that keeps omnisim's statistics, the limit of an
//! engine special-cased to it.

use std::collections::VecDeque;

use omnisim::engine::event_queue::{Event, EventQueue};
use omnisim::engine::recorder::{GroupLoad, Recorder};
use omnisim::engine::state::{Contact, ContactState, NO_AGENT, NO_ISSUE, Origin, Party};
use omnisim::scenario::Scenario;
use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;
use rand_distr::{Distribution, Exp};

/// Contacts of the M/M/10 runs: 8 arrivals a minute for this many minutes.
pub const MM10_MINUTES: f64 = 25_020.0;

/// M/M/10+M by the Kiefer-Wolfowitz recursion: returns (answered, abandoned).
pub fn mm10_recursion(seed: u64) -> (u64, u64) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let (interarrival, service, patience) = (
        Exp::new(8.0).unwrap(),
        Exp::new(1.0).unwrap(),
        Exp::new(1.0 / 3.0).unwrap(),
    );
    // When each agent is next free, in minutes.
    let mut free_at = [0.0f64; 10];
    let (mut now, mut answered, mut abandoned) = (0.0, 0u64, 0u64);
    loop {
        now += interarrival.sample(&mut rng);
        if now >= MM10_MINUTES {
            return (answered, abandoned);
        }
        let (agent, &earliest) = free_at
            .iter()
            .enumerate()
            .min_by(|a, b| a.1.total_cmp(b.1))
            .unwrap();
        let wait = (earliest - now).max(0.0);
        if wait > patience.sample(&mut rng) {
            abandoned += 1;
        } else {
            answered += 1;
            free_at[agent] = now + wait + service.sample(&mut rng);
        }
    }
}

/// M/M/10+M as the smallest event-driven simulation that keeps omnisim's statistics: one
/// FIFO queue, a stack of idle agents, and the engine's own event list and `Recorder` (every
/// interval counter, the busy and queue-length integrals, the answered-wait histogram). No
/// routing, no attributes, no features: what a kernel special-cased to this queue could
/// reach, so `engine` against it is the cost of the engine's generality. Its streams are its
/// own, so its sample path is not the engine's. Returns the contacts generated.
pub fn mm10_minimal_des(scenario: &Scenario, seed: u64) -> u64 {
    let mut recorder = Recorder::new(scenario, None);
    let mut arrival_rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut handle_rng = Xoshiro256PlusPlus::seed_from_u64(seed.wrapping_add(1));
    let mut patience_rng = Xoshiro256PlusPlus::seed_from_u64(seed.wrapping_add(2));
    let (interarrival, service, patience) = (
        Exp::new(8.0 / 60.0).unwrap(),
        Exp::new(1.0 / 60.0).unwrap(),
        Exp::new(1.0 / 180.0).unwrap(),
    );
    let horizon = MM10_MINUTES * 60.0;
    let mut events = EventQueue::default();
    let mut contacts: Vec<Contact> = Vec::new();
    let mut free_slots: Vec<u32> = Vec::new();
    let mut queue: VecDeque<(u32, u32)> = VecDeque::new();
    let mut idle_agents: Vec<u32> = (0..10).collect();
    let mut load = GroupLoad {
        logged_in: 10,
        on_shift: 10,
        ..GroupLoad::default()
    };
    recorder.group_changed(0, 0.0, load);
    events.schedule(
        interarrival.sample(&mut arrival_rng),
        Event::Arrival { channel_idx: 0 },
    );
    events.schedule(3600.0, Event::IntervalBoundary { interval_idx: 1 });
    let (mut generated, mut interval) = (0u64, 0u32);
    while let Some((now, event)) = events.pop() {
        if now >= horizon {
            break;
        }
        match event {
            Event::IntervalBoundary { interval_idx } => {
                recorder.roll_interval(now, Some(interval_idx as usize));
                interval = interval_idx;
                events.schedule(
                    now + 3600.0,
                    Event::IntervalBoundary {
                        interval_idx: interval_idx + 1,
                    },
                );
            }
            Event::Arrival { .. } => {
                events.schedule(
                    now + interarrival.sample(&mut arrival_rng),
                    Event::Arrival { channel_idx: 0 },
                );
                generated += 1;
                let mut contact = minimal_contact(now, interval);
                contact.work_seconds = service.sample(&mut handle_rng);
                contact.patience_seconds = patience.sample(&mut patience_rng);
                recorder.first_attempt(&contact);
                let slot = match free_slots.pop() {
                    Some(slot) => {
                        contact.generation = contacts[slot as usize].generation + 1;
                        contacts[slot as usize] = contact;
                        slot
                    }
                    None => {
                        contacts.push(contact);
                        (contacts.len() - 1) as u32
                    }
                };
                recorder.offered(&contact, idle_agents.is_empty());
                match idle_agents.pop() {
                    Some(agent_idx) => {
                        let record = &mut contacts[slot as usize];
                        minimal_start(
                            &mut recorder,
                            &mut load,
                            &mut events,
                            record,
                            slot,
                            agent_idx,
                            now,
                        );
                    }
                    None => {
                        let generation = contacts[slot as usize].generation;
                        queue.push_back((slot, generation));
                        recorder.queue_changed(0, now, queue.len() as u32);
                        events.schedule(
                            now + contact.patience_seconds,
                            Event::Abandon {
                                contact_slot: slot,
                                generation,
                            },
                        );
                    }
                }
            }
            Event::ServiceEnd {
                agent_idx,
                contact_slot,
                ..
            } => {
                let contact = contacts[contact_slot as usize];
                recorder.handled(&contact, 0, now - contact.service_start);
                contacts[contact_slot as usize].state = ContactState::Free;
                free_slots.push(contact_slot);
                load.busy_units -= 1;
                recorder.group_changed(0, now, load);
                // The queue holds only waiting contacts: abandonments leave it at once.
                match queue.pop_front() {
                    Some((slot, _)) => {
                        recorder.queue_changed(0, now, queue.len() as u32);
                        let record = &mut contacts[slot as usize];
                        minimal_start(
                            &mut recorder,
                            &mut load,
                            &mut events,
                            record,
                            slot,
                            agent_idx,
                            now,
                        );
                    }
                    None => idle_agents.push(agent_idx),
                }
            }
            Event::Abandon {
                contact_slot,
                generation,
            } => {
                let contact = contacts[contact_slot as usize];
                if contact.generation != generation || contact.state != ContactState::Waiting {
                    continue; // answered before its patience ran out
                }
                let position = queue
                    .iter()
                    .position(|&(slot, _)| slot == contact_slot)
                    .expect("a waiting contact is queued");
                queue.remove(position);
                recorder.abandoned(&contact, now - contact.arrival_time);
                recorder.gave_up_for_good(&contact, true);
                contacts[contact_slot as usize].state = ContactState::Free;
                free_slots.push(contact_slot);
                recorder.queue_changed(0, now, queue.len() as u32);
            }
            _ => unreachable!("the minimal simulation schedules no other events"),
        }
    }
    recorder.roll_interval(horizon, None);
    std::hint::black_box((
        recorder.wait_quantiles_seconds(),
        &recorder.channel_intervals,
    ));
    generated
}

/// `agent_idx` answers the contact in `slot` now: its wait is recorded, the group has one
/// more busy agent, and its service end is scheduled.
fn minimal_start(
    recorder: &mut Recorder,
    load: &mut GroupLoad,
    events: &mut EventQueue,
    record: &mut Contact,
    slot: u32,
    agent_idx: u32,
    now: f64,
) {
    record.state = ContactState::InService;
    record.service_start = now;
    recorder.answered(record, now - record.arrival_time);
    load.busy_units += 1;
    recorder.group_changed(0, now, *load);
    events.schedule(
        now + record.work_seconds,
        Event::ServiceEnd {
            agent_idx,
            contact_slot: slot,
            token: 0,
        },
    );
}

/// A waiting first contact of the one channel, counted, arriving `now` in `interval`.
fn minimal_contact(now: f64, interval: u32) -> Contact {
    Contact {
        arrival_time: now,
        work_seconds: 0.0,
        patience_seconds: f64::INFINITY,
        wrap_seconds: 0.0,
        service_start: 0.0,
        remaining_work: 0.0,
        progress_at: 0.0,
        class_idx: 0,
        interval_idx: interval,
        generation: 0,
        issue_slot: NO_ISSUE,
        combination_idx: 0,
        agent_idx: NO_AGENT,
        lineage: 0,
        service_token: 0,
        channel_idx: 0,
        issue_type_idx: 0,
        segment_idx: 0,
        language_idx: 0,
        urgency_idx: 0,
        state: ContactState::Waiting,
        counted: true,
        converted: false,
        requeued: false,
        party: Party::Customer {
            sla_extension: None,
        },
        origin: Origin::First,
        attempt: 0,
        callback_tries: 0,
        failed_attempt: false,
    }
}
