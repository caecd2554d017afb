//! Random streams. Every stream is a `Xoshiro256PlusPlus` (value-stable across rand versions,
//! unlike `StdRng`) seeded from (scenario seed, replication, purpose), so that
//! - replications are independent and can run on any thread in any order;
//! - two scenarios that differ only in routing or staffing see the same arrivals, attributes,
//!   handle times and patience for the same contacts (common random numbers).

use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;

/// What a stream is used for. One stream per purpose and channel, so adding a channel or
/// changing how one is served leaves every other channel's draws unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamPurpose {
    Arrivals {
        channel_idx: usize,
    },
    Attributes {
        channel_idx: usize,
    },
    HandleTime {
        channel_idx: usize,
    },
    Patience {
        channel_idx: usize,
    },
    /// Acceptance draws of overflow and callback offers on the channel.
    Routing {
        channel_idx: usize,
    },
    /// Handoff decisions after contacts handled on the channel (which, delay, context).
    Handoff {
        channel_idx: usize,
    },
    /// Work and patience of contacts that reach the channel from another one.
    FollowUp {
        channel_idx: usize,
    },
    /// Which arrivals a volume dip (a spike multiplier below 1) removes on the channel.
    Thinning {
        channel_idx: usize,
    },
    /// Extra arrivals a disruption event adds (spike or bots): times.
    DisruptionArrivals {
        disruption_idx: usize,
    },
    /// Extra arrivals' attributes, work and patience.
    DisruptionContacts {
        disruption_idx: usize,
    },
    /// The event's decisions: outage conversions, bot accounts and filtering.
    DisruptionDecisions {
        disruption_idx: usize,
    },
}

impl StreamPurpose {
    fn code(self) -> u64 {
        let (kind, index) = match self {
            StreamPurpose::Arrivals { channel_idx } => (1, channel_idx),
            StreamPurpose::Attributes { channel_idx } => (2, channel_idx),
            StreamPurpose::HandleTime { channel_idx } => (3, channel_idx),
            StreamPurpose::Patience { channel_idx } => (4, channel_idx),
            StreamPurpose::Routing { channel_idx } => (5, channel_idx),
            StreamPurpose::Handoff { channel_idx } => (6, channel_idx),
            StreamPurpose::FollowUp { channel_idx } => (7, channel_idx),
            StreamPurpose::Thinning { channel_idx } => (8, channel_idx),
            StreamPurpose::DisruptionArrivals { disruption_idx } => (9, disruption_idx),
            StreamPurpose::DisruptionContacts { disruption_idx } => (10, disruption_idx),
            StreamPurpose::DisruptionDecisions { disruption_idx } => (11, disruption_idx),
        };
        (kind << 32) | index as u64
    }
}

/// The generator for one (seed, replication, purpose).
pub fn stream(seed: u64, replication: u32, purpose: StreamPurpose) -> Xoshiro256PlusPlus {
    let mixed = splitmix64(seed ^ splitmix64(u64::from(replication) ^ splitmix64(purpose.code())));
    Xoshiro256PlusPlus::seed_from_u64(mixed)
}

/// SplitMix64's finaliser (Steele, Lea and Flood 2014): a bijective mix of a 64-bit word, so
/// nearby (seed, replication, purpose) triples give unrelated generator seeds.
fn splitmix64(value: u64) -> u64 {
    let mut z = value.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    const PINNED_FIRST_DRAW: u64 = 6_294_538_935_533_337_567;

    #[test]
    fn streams_are_value_stable_and_distinct() {
        let mut first = stream(7, 0, StreamPurpose::Arrivals { channel_idx: 0 });
        let mut again = stream(7, 0, StreamPurpose::Arrivals { channel_idx: 0 });
        let mut other = stream(7, 1, StreamPurpose::Arrivals { channel_idx: 0 });
        let a: u64 = first.random();
        assert_eq!(a, again.random::<u64>());
        assert_ne!(a, other.random::<u64>());
        // Pinned value: a change here means every past run's numbers change.
        assert_eq!(a, PINNED_FIRST_DRAW, "first draw is {a}");
    }
}
