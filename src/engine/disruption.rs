//! Channel outages, volume spikes and spam, as they happen. `DisruptionEdge` events start
//! and end each disruption. A channel outage displaces the contacts that reach the channel
//! (and those waiting when it goes down) to its backup channel or loses them; a volume spike
//! adds arrivals from a stream of its own (or, below 1, removes some with a thinning stream),
//! so the base arrivals stay the same draws; spam adds bot contacts, rate-limited and
//! filtered, that cost agent time but stay out of the channel's statistics. Absences and
//! group outages change who is on the floor (`staffing.rs`).

use rand::RngExt;
use rand::rngs::Xoshiro256PlusPlus;

use super::arrivals::ArrivalClock;
use super::event_queue::{DisruptionEdge, Event};
use super::rng::{self, ContactDraws, StreamPurpose, stream};
use super::sampling::Sampler;
use super::state::Party;
use super::{DrawnContact, Simulation};
use crate::scenario::{ArrivalProfile, Disruption, DisruptionKind, Scenario};

/// Extra arrivals of one event on one channel: a volume spike's, or bots'.
pub(super) struct ExtraStream {
    disruption_idx: usize,
    channel_idx: usize,
    bot: bool,
    profile: ArrivalProfile,
    clock: ArrivalClock,
    end_seconds: f64,
    arrival_rng: Xoshiro256PlusPlus,
    contact_rng: Xoshiro256PlusPlus,
    /// Where the lineages of its contacts start (`rng::lineage_root`).
    lineage_root: u64,
    /// Contacts the stream has brought so far (each one's number is part of its lineage).
    contacts_drawn: u64,
    handle_time: Option<Sampler>,
}

/// Run-time state of the disruptions.
pub(super) struct DisruptionState {
    /// `[channel_idx]`: the outage the channel is in, if any.
    pub(super) channel_outage: Vec<Option<u16>>,
    /// `[channel_idx]`: the outage whose SLA extension covers contacts reaching the channel
    /// now, if any.
    pub(super) channel_extension: Vec<Option<u8>>,
    /// `[channel_idx]`: share of arrivals kept (below 1 during a volume dip), and the dip.
    pub(super) channel_keep: Vec<f64>,
    channel_keep_disruption: Vec<Option<u16>>,
    thinning_rngs: Vec<Xoshiro256PlusPlus>,
    /// `[disruption_idx]`: bot accounts and filtering.
    disruption_rngs: Vec<Xoshiro256PlusPlus>,
    streams: Vec<ExtraStream>,
    /// `[disruption_idx][account]`: (the account's rate-limit window, contacts in it).
    bot_windows: Vec<Vec<(Option<u64>, u32)>>,
}

impl DisruptionState {
    pub(super) fn new(scenario: &Scenario, replication: u32) -> DisruptionState {
        let seed = scenario.simulation().seed;
        let n_channels = scenario.channels().len();
        let mut streams = Vec::new();
        let mut bot_windows = Vec::new();
        for (disruption_idx, disruption) in scenario.disruptions().iter().enumerate() {
            let extra = match &disruption.kind {
                DisruptionKind::VolumeSpike {
                    channel_idx,
                    multiplier,
                } if *multiplier > 1.0 => Some((*channel_idx, multiplier - 1.0, false, None)),
                DisruptionKind::Spam {
                    channel_idx,
                    bot_share,
                    handle_time,
                    ..
                } => Some((
                    *channel_idx,
                    bot_share / (1.0 - bot_share),
                    true,
                    Some(handle_time),
                )),
                _ => None,
            };
            bot_windows.push(match &disruption.kind {
                DisruptionKind::Spam { bot_accounts, .. } => {
                    vec![(None, 0); *bot_accounts as usize]
                }
                _ => Vec::new(),
            });
            let Some((channel_idx, factor, bot, handle_time)) = extra else {
                continue;
            };
            let channel = &scenario.channels()[channel_idx];
            let base = channel
                .arrivals
                .as_ref()
                .expect("validated: the channel has arrivals");
            let profile = ArrivalProfile {
                rates_per_second: base.rates_per_second.iter().map(|r| r * factor).collect(),
                ..base.clone()
            };
            streams.push(ExtraStream {
                disruption_idx,
                channel_idx,
                bot,
                clock: ArrivalClock::positioned(&profile, disruption.start_seconds),
                profile,
                end_seconds: disruption.end_seconds,
                arrival_rng: stream(
                    seed,
                    replication,
                    StreamPurpose::DisruptionArrivals {
                        disruption: &disruption.name,
                    },
                ),
                contact_rng: stream(
                    seed,
                    replication,
                    StreamPurpose::DisruptionContacts {
                        disruption: &disruption.name,
                    },
                ),
                lineage_root: rng::lineage_root(
                    seed,
                    replication,
                    StreamPurpose::DisruptionContacts {
                        disruption: &disruption.name,
                    },
                ),
                contacts_drawn: 0,
                handle_time: handle_time
                    .or(channel.handle_time.as_ref())
                    .map(Sampler::new),
            });
        }
        DisruptionState {
            channel_outage: vec![None; n_channels],
            channel_extension: vec![None; n_channels],
            channel_keep: vec![1.0; n_channels],
            channel_keep_disruption: vec![None; n_channels],
            thinning_rngs: scenario
                .channels()
                .iter()
                .map(|channel| {
                    stream(
                        seed,
                        replication,
                        StreamPurpose::Thinning {
                            channel: &channel.name,
                        },
                    )
                })
                .collect(),
            disruption_rngs: scenario
                .disruptions()
                .iter()
                .map(|disruption| {
                    stream(
                        seed,
                        replication,
                        StreamPurpose::DisruptionDecisions {
                            disruption: &disruption.name,
                        },
                    )
                })
                .collect(),
            streams,
            bot_windows,
        }
    }
}

impl Simulation<'_> {
    /// At time 0: every disruption's edges (start, end, and the end of an outage's SLA
    /// extension), then the first extra arrival of each disruption stream.
    pub(super) fn start_disruptions(&mut self) {
        for (disruption_idx, disruption) in self.scenario.disruptions().iter().enumerate() {
            let mut edges = vec![
                (disruption.start_seconds, DisruptionEdge::Start),
                (disruption.end_seconds, DisruptionEdge::End),
            ];
            if let DisruptionKind::ChannelOutage {
                extension_until_seconds,
                sla_extension_seconds,
                ..
            } = disruption.kind
                && sla_extension_seconds > 0.0
            {
                edges.push((extension_until_seconds, DisruptionEdge::ExtensionEnd));
            }
            for (time, edge) in edges {
                if time < self.horizon {
                    self.events.schedule(
                        time,
                        Event::DisruptionEdge {
                            disruption_idx: disruption_idx as u16,
                            edge,
                        },
                    );
                }
            }
        }
        for stream_idx in 0..self.disruption.streams.len() {
            let disruption_idx = self.disruption.streams[stream_idx].disruption_idx;
            let start = self.scenario.disruptions()[disruption_idx].start_seconds;
            self.schedule_extra_arrival(stream_idx, start);
        }
    }

    pub(super) fn on_disruption_edge(&mut self, disruption_idx: usize, edge: DisruptionEdge) {
        let disruption: &Disruption = &self.scenario.disruptions()[disruption_idx];
        match disruption.kind {
            DisruptionKind::ChannelOutage {
                channel_idx,
                backup_channel,
                sla_extension_seconds,
                ..
            } => match edge {
                DisruptionEdge::Start => {
                    self.disruption.channel_outage[channel_idx] = Some(disruption_idx as u16);
                    // Contacts agents had started on (requeued) wait for the channel's return.
                    self.channel_taking_work[channel_idx] = false;
                    if sla_extension_seconds > 0.0 {
                        for channel in std::iter::once(channel_idx).chain(backup_channel) {
                            self.disruption.channel_extension[channel] = Some(disruption_idx as u8);
                        }
                    }
                    self.displace_waiting(channel_idx, disruption_idx);
                }
                DisruptionEdge::End => {
                    self.disruption.channel_outage[channel_idx] = None;
                    let held = self.layout.channel_held_when_closed[channel_idx];
                    self.channel_taking_work[channel_idx] = !held
                        || self.scenario.channels()[channel_idx]
                            .hours
                            .is_open(self.now);
                    self.wake_agents_for(channel_idx);
                }
                DisruptionEdge::ExtensionEnd => {
                    for channel in std::iter::once(channel_idx).chain(backup_channel) {
                        if self.disruption.channel_extension[channel] == Some(disruption_idx as u8)
                        {
                            self.disruption.channel_extension[channel] = None;
                        }
                    }
                }
            },
            DisruptionKind::Absence { ref groups, .. } => self.on_absence_edge(groups),
            DisruptionKind::GroupOutage { ref groups, .. } => {
                self.on_group_outage_edge(groups, edge == DisruptionEdge::Start);
            }
            DisruptionKind::VolumeSpike { channel_idx, .. } => {
                let mut keep = 1.0;
                let mut keep_disruption = None;
                for (other_idx, other) in self.scenario.disruptions().iter().enumerate() {
                    if let DisruptionKind::VolumeSpike {
                        channel_idx: c,
                        multiplier,
                    } = other.kind
                        && c == channel_idx
                        && multiplier < 1.0
                        && other.is_active(self.now)
                    {
                        keep *= multiplier;
                        keep_disruption.get_or_insert(other_idx as u16);
                    }
                }
                self.disruption.channel_keep[channel_idx] = keep;
                self.disruption.channel_keep_disruption[channel_idx] = keep_disruption;
            }
            DisruptionKind::Spam { .. } => {}
        }
    }

    /// During a volume dip: whether this arrival is one the dip removes.
    pub(super) fn thinned_away(&mut self, channel_idx: usize) -> bool {
        let keep = self.disruption.channel_keep[channel_idx];
        let removed = self.disruption.thinning_rngs[channel_idx].random::<f64>() >= keep;
        if removed {
            let disruption_idx = self.disruption.channel_keep_disruption[channel_idx]
                .expect("arrivals are thinned only during a dip");
            self.recorder
                .arrival_removed(disruption_idx as usize, self.now);
        }
        removed
    }

    /// An outage starts: contacts waiting on the channel are displaced, except those an
    /// agent had started on (requeued), which wait for the channel to return.
    fn displace_waiting(&mut self, channel_idx: usize, disruption_idx: usize) {
        let mut displaced = Vec::new();
        for class_idx in self.layout.classes_of_channel(channel_idx) {
            let queue = &mut self.queues[class_idx];
            let entries = std::mem::take(&mut queue.entries);
            for entry in entries {
                if !self.slab.is_waiting(entry.contact_slot, entry.generation) {
                    continue;
                }
                if self.slab.contacts[entry.contact_slot as usize].requeued {
                    queue.entries.push_back(entry);
                } else {
                    displaced.push(entry.contact_slot);
                }
            }
            let was_waiting = queue.live > 0;
            queue.live = queue.entries.len() as u32;
            if was_waiting && queue.live == 0 {
                self.class_emptied(class_idx);
            }
        }
        if displaced.is_empty() {
            return;
        }
        self.change_queue_length(channel_idx, -(displaced.len() as i32));
        for slot in displaced {
            // Its abandonment and widening timers go stale.
            let contact = &mut self.slab.contacts[slot as usize];
            contact.generation = contact.generation.wrapping_add(1);
            self.note_stale_event();
            self.displace(slot, disruption_idx, true);
        }
    }

    /// A contact meets an outage: it moves to the backup channel with the outage's
    /// conversion probability (a waiting one only when customers are notified) or is lost.
    pub(super) fn displace(&mut self, slot: u32, disruption_idx: usize, was_waiting: bool) {
        let contact = self.slab.contacts[slot as usize];
        let DisruptionKind::ChannelOutage {
            backup_channel,
            conversion,
            notify_customers,
            ..
        } = self.scenario.disruptions()[disruption_idx].kind
        else {
            unreachable!("only channel outages displace contacts");
        };
        if contact.is_bot() {
            self.recorder
                .displaced(&contact, disruption_idx, was_waiting, false, false);
            self.end_contact(slot, false);
            return;
        }
        let told = !was_waiting || notify_customers;
        let converts = match backup_channel {
            Some(backup) if told && self.channel_accepts(backup) => {
                rng::contact_stream(contact.lineage, ContactDraws::Outage).random::<f64>()
                    < conversion
            }
            _ => false,
        };
        self.recorder.displaced(
            &contact,
            disruption_idx,
            was_waiting,
            notify_customers,
            converts,
        );
        match backup_channel {
            Some(backup) if converts => self.convert(slot, backup, true, false),
            _ => self.end_contact(slot, false),
        }
    }

    fn schedule_extra_arrival(&mut self, stream_idx: usize, now: f64) {
        let extra = &mut self.disruption.streams[stream_idx];
        let end = extra.end_seconds.min(self.horizon);
        if let Some(time) =
            extra
                .clock
                .next_arrival(&extra.profile, now, end, &mut extra.arrival_rng)
        {
            self.events.schedule(
                time,
                Event::ExtraArrival {
                    stream_idx: stream_idx as u16,
                },
            );
        }
    }

    /// An extra arrival of a volume spike (a customer) or of spam (a bot, which may be
    /// rate-limited or filtered before it reaches an agent).
    pub(super) fn on_extra_arrival(&mut self, stream_idx: usize) {
        self.schedule_extra_arrival(stream_idx, self.now);
        self.contacts_generated += 1;
        let extra = &mut self.disruption.streams[stream_idx];
        let (disruption_idx, channel_idx, bot) =
            (extra.disruption_idx, extra.channel_idx, extra.bot);
        let number = extra.contacts_drawn;
        extra.contacts_drawn += 1;
        // Bots convert, hand off and move to no backup: nothing is drawn about them later.
        let lineage = if self.tracking_issues && !bot {
            rng::lineage(extra.lineage_root, number)
        } else {
            0
        };
        let runtime = &self.channels[channel_idx];
        let rng = &mut extra.contact_rng;
        let [issue_type_idx, segment_idx, language_idx, urgency_idx] = runtime.attributes.draw(rng);
        let work_multiplier = self.scenario.work_multiplier(issue_type_idx, segment_idx)
            * self.scenario.channels()[channel_idx]
                .handle_time_factor((self.now / self.interval_seconds) as usize);
        let drawn = DrawnContact {
            issue_type_idx,
            segment_idx,
            language_idx,
            urgency_idx,
            work_seconds: extra
                .handle_time
                .as_ref()
                .map_or(0.0, |sampler| sampler.sample(rng) * work_multiplier),
            patience_seconds: if bot {
                f64::INFINITY
            } else {
                runtime
                    .patience
                    .as_ref()
                    .map_or(f64::INFINITY, |sampler| sampler.sample(rng))
            },
            wrap_seconds: runtime
                .wrap_up
                .as_ref()
                .map_or(0.0, |sampler| sampler.sample(rng)),
            age_seconds: 0.0,
            backlog: false,
            lineage,
        };
        if !bot {
            self.recorder.arrival_added(disruption_idx, self.now);
            self.admit(
                channel_idx,
                drawn,
                Party::Customer {
                    sla_extension: None,
                },
            );
            return;
        }
        let DisruptionKind::Spam {
            filter_catches,
            bot_accounts,
            rate_limit,
            ..
        } = self.scenario.disruptions()[disruption_idx].kind
        else {
            unreachable!("bot streams belong to spam events");
        };
        let rng = &mut self.disruption.disruption_rngs[disruption_idx];
        let account = rng.random_range(0..bot_accounts) as usize;
        let caught = rng.random::<f64>() < filter_catches;
        let limited = match rate_limit {
            Some((limit, per_seconds)) => {
                let window = (self.now / per_seconds) as u64;
                let slot = &mut self.disruption.bot_windows[disruption_idx][account];
                if slot.0 == Some(window) {
                    slot.1 += 1;
                } else {
                    *slot = (Some(window), 1);
                }
                slot.1 > limit
            }
            None => false,
        };
        self.recorder
            .bot_arrived(disruption_idx, self.now, limited, caught);
        if limited || caught {
            return;
        }
        self.admit(
            channel_idx,
            drawn,
            Party::Bot {
                spam: disruption_idx as u8,
            },
        );
    }
}
