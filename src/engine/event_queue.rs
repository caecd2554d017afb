//! The future-event list, ordered by (time, sequence). The sequence number is the order of
//! scheduling, so events at equal times run first-in first-out and a run is reproducible.
//! Cancelled events are not removed; their handlers recognise them as stale (lazy
//! cancellation).
//!
//! Every channel has at most one pending arrival (its Poisson stream schedules the next one
//! when the current one fires), so arrivals are kept in a small per-channel array beside the
//! binary heap that holds everything else. `pop` takes the earlier of the two heads by
//! (time, sequence), which is exactly the order one heap would give, with one heap push and
//! pop fewer per contact.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// What happens. Plain indices only: no strings, no boxes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// The next arrival of a channel's Poisson stream.
    Arrival { channel_idx: u16 },
    /// An agent finishes a contact; stale when the contact's `service_token` moved on (its
    /// end was rescheduled by a concurrency slowdown).
    ServiceEnd {
        agent_idx: u32,
        contact_slot: u32,
        token: u32,
    },
    /// An agent finishes the after-call work of a contact it handled: `units` of its capacity
    /// come free. Never stale.
    WrapUpEnd { agent_idx: u32, units: u16 },
    /// A waiting customer's patience runs out; stale when the contact was answered meanwhile
    /// (the slot's generation or state no longer match).
    Abandon { contact_slot: u32, generation: u32 },
    /// A reporting interval starts: headcounts change and per-interval statistics roll over.
    IntervalBoundary { interval_idx: u32 },
    /// A waiting contact has waited its rule's `widen_after`: more groups may take it.
    Widen { contact_slot: u32, generation: u32 },
    /// A pending contact arrives on its channel (a handoff's follow-up, a customer trying
    /// again) or is done with its channel's bot.
    FollowUp { contact_slot: u32 },
    /// A callback whose attempt missed the customer is tried again.
    CallbackRetry { contact_slot: u32 },
    /// The customer of an open contact makes a second contact (`[[duplicates]]`); stale
    /// when the contact in the slot is no longer the one (`lineage_check`, the low bits of
    /// its lineage) or is closed.
    Duplicate {
        contact_slot: u32,
        lineage_check: u32,
        duplicate_idx: u16,
    },
    /// A channel that holds contacts while closed opens or closes.
    HoursChange { channel_idx: u16 },
    /// A shift-staffed group's scheduled count changes (a shift or break starts or ends).
    RosterChange { group_idx: u16 },
    /// A disruption (a user's `[[events]]` entry) starts or ends, or its SLA extension ends.
    DisruptionEdge {
        disruption_idx: u16,
        edge: DisruptionEdge,
    },
    /// The next extra arrival of a disruption's stream (a volume spike's or bots').
    ExtraArrival { stream_idx: u16 },
}

/// Which edge of a disruption's window an event marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DisruptionEdge {
    Start,
    End,
    /// A channel outage's SLA extension stops applying to contacts that reach the channel.
    ExtensionEnd,
}

#[derive(Debug, Clone, Copy)]
struct Scheduled {
    /// `time.to_bits()`: for the non-negative times of a run, the bit patterns order like the
    /// numbers, and integer comparison is cheaper than `f64::total_cmp`.
    time_bits: u64,
    sequence: u64,
    event: Event,
}

impl PartialEq for Scheduled {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Scheduled {}
impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Scheduled {
    /// Reversed, so that `BinaryHeap` (a max-heap) pops the earliest (time, sequence).
    fn cmp(&self, other: &Self) -> Ordering {
        (other.time_bits, other.sequence).cmp(&(self.time_bits, self.sequence))
    }
}

/// A channel's pending arrival: (time, sequence), or `None`.
type PendingArrival = Option<(f64, u64)>;

#[derive(Debug, Default)]
pub struct EventQueue {
    heap: BinaryHeap<Scheduled>,
    /// `[channel_idx]`: the channel's next arrival, if scheduled.
    arrivals: Vec<PendingArrival>,
    n_pending_arrivals: usize,
    next_sequence: u64,
}

impl EventQueue {
    pub fn schedule(&mut self, time: f64, event: Event) {
        let sequence = self.next_sequence;
        self.next_sequence += 1;
        if let Event::Arrival { channel_idx } = event {
            let channel_idx = channel_idx as usize;
            if self.arrivals.len() <= channel_idx {
                self.arrivals.resize(channel_idx + 1, None);
            }
            let pending = &mut self.arrivals[channel_idx];
            assert!(
                pending.is_none(),
                "a channel has at most one pending arrival"
            );
            *pending = Some((time, sequence));
            self.n_pending_arrivals += 1;
            return;
        }
        debug_assert!(time >= 0.0, "event times are never negative");
        self.heap.push(Scheduled {
            time_bits: time.to_bits(),
            sequence,
            event,
        });
    }

    /// The channel whose pending arrival comes first, with its (time, sequence).
    #[inline]
    fn first_arrival(&self) -> Option<(usize, f64, u64)> {
        if self.n_pending_arrivals == 0 {
            return None;
        }
        let mut first: Option<(usize, f64, u64)> = None;
        for (channel_idx, pending) in self.arrivals.iter().enumerate() {
            if let Some((time, sequence)) = *pending
                && first.is_none_or(|(_, first_time, first_sequence)| {
                    time.total_cmp(&first_time)
                        .then(sequence.cmp(&first_sequence))
                        .is_lt()
                })
            {
                first = Some((channel_idx, time, sequence));
            }
        }
        first
    }

    pub fn pop(&mut self) -> Option<(f64, Event)> {
        let arrival = self.first_arrival();
        let heap_first_is_earlier = match (arrival, self.heap.peek()) {
            (None, None) => return None,
            (None, Some(_)) => true,
            (Some(_), None) => false,
            (Some((_, time, sequence)), Some(top)) => {
                (top.time_bits, top.sequence) < (time.to_bits(), sequence)
            }
        };
        if heap_first_is_earlier {
            return self
                .heap
                .pop()
                .map(|scheduled| (f64::from_bits(scheduled.time_bits), scheduled.event));
        }
        let (channel_idx, time, _) = arrival.expect("an arrival is pending");
        self.arrivals[channel_idx] = None;
        self.n_pending_arrivals -= 1;
        Some((
            time,
            Event::Arrival {
                channel_idx: channel_idx as u16,
            },
        ))
    }

    /// Drops every heap event `keep` rejects (used to purge stale abandonment timers in bulk,
    /// which is cheaper than popping them one by one and keeps the heap shallow). The order of
    /// the events kept is unchanged.
    pub fn retain(&mut self, mut keep: impl FnMut(&Event) -> bool) {
        self.heap.retain(|scheduled| keep(&scheduled.event));
    }

    pub fn len(&self) -> usize {
        self.heap.len() + self.n_pending_arrivals
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pops_by_time_then_insertion_order() {
        let mut queue = EventQueue::default();
        queue.schedule(5.0, Event::Arrival { channel_idx: 0 });
        queue.schedule(1.0, Event::Arrival { channel_idx: 1 });
        queue.schedule(5.0, Event::Arrival { channel_idx: 2 });
        queue.schedule(1.0, Event::Arrival { channel_idx: 3 });
        let order: Vec<(f64, Event)> = std::iter::from_fn(|| queue.pop()).collect();
        let channels: Vec<u16> = order
            .iter()
            .map(|(_, event)| match event {
                Event::Arrival { channel_idx } => *channel_idx,
                _ => unreachable!(),
            })
            .collect();
        assert_eq!(channels, [1, 3, 0, 2]);
    }

    #[test]
    fn arrivals_and_heap_events_interleave_by_time_then_sequence() {
        let mut queue = EventQueue::default();
        let end = |agent_idx| Event::ServiceEnd {
            agent_idx,
            contact_slot: 0,
            token: 0,
        };
        queue.schedule(2.0, end(0));
        queue.schedule(2.0, Event::Arrival { channel_idx: 1 });
        queue.schedule(1.0, Event::Arrival { channel_idx: 0 });
        queue.schedule(2.0, end(1));
        queue.schedule(0.5, end(2));
        assert_eq!(queue.len(), 5);
        let order: Vec<(f64, Event)> = std::iter::from_fn(|| queue.pop()).collect();
        assert_eq!(
            order,
            [
                (0.5, end(2)),
                (1.0, Event::Arrival { channel_idx: 0 }),
                (2.0, end(0)),
                (2.0, Event::Arrival { channel_idx: 1 }),
                (2.0, end(1)),
            ]
        );
        assert!(queue.is_empty());
    }

    #[test]
    fn retain_drops_only_rejected_events_and_keeps_order() {
        let mut queue = EventQueue::default();
        for slot in 0..6u32 {
            queue.schedule(
                f64::from(10 - slot),
                Event::Abandon {
                    contact_slot: slot,
                    generation: 0,
                },
            );
        }
        queue.retain(
            |event| matches!(event, Event::Abandon { contact_slot, .. } if contact_slot % 2 == 0),
        );
        let slots: Vec<u32> = std::iter::from_fn(|| queue.pop())
            .map(|(_, event)| match event {
                Event::Abandon { contact_slot, .. } => contact_slot,
                _ => unreachable!(),
            })
            .collect();
        assert_eq!(slots, [4, 2, 0]);
    }
}
