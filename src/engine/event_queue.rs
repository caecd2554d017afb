//! The future-event list: a binary heap ordered by (time, sequence). The sequence number is
//! the order of scheduling, so events at equal times run first-in first-out and a run is
//! reproducible. Cancelled events are not removed; their handlers recognise them as stale
//! (lazy cancellation).

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// What happens. Plain indices only: no strings, no boxes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// The next arrival of a channel's Poisson stream.
    Arrival { channel_idx: u16 },
    /// An agent finishes a contact.
    ServiceEnd { agent_idx: u32, contact_slot: u32 },
    /// A waiting customer's patience runs out; stale when the contact was answered meanwhile
    /// (the slot's generation or state no longer match).
    Abandon { contact_slot: u32, generation: u32 },
    /// A reporting interval starts: headcounts change and per-interval statistics roll over.
    IntervalBoundary { interval_idx: u32 },
}

#[derive(Debug, Clone, Copy)]
struct Scheduled {
    time: f64,
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
        other
            .time
            .total_cmp(&self.time)
            .then_with(|| other.sequence.cmp(&self.sequence))
    }
}

#[derive(Debug, Default)]
pub struct EventQueue {
    heap: BinaryHeap<Scheduled>,
    next_sequence: u64,
}

impl EventQueue {
    pub fn schedule(&mut self, time: f64, event: Event) {
        let sequence = self.next_sequence;
        self.next_sequence += 1;
        self.heap.push(Scheduled {
            time,
            sequence,
            event,
        });
    }

    pub fn pop(&mut self) -> Option<(f64, Event)> {
        self.heap
            .pop()
            .map(|scheduled| (scheduled.time, scheduled.event))
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
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
}
