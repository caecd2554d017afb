//! Random streams. Every stream is a `Xoshiro256PlusPlus` (value-stable across rand versions,
//! unlike `StdRng`) seeded from (scenario seed, replication, purpose, channel or event name),
//! so that
//! - replications are independent and can run on any thread in any order;
//! - two scenarios that differ only in routing or staffing see the same arrivals, attributes,
//!   handle times and patience for the same contacts (common random numbers), and a channel
//!   added or removed changes no other channel's draws.
//!
//! What happens to a contact later, when routing has had its say (an overflow or callback
//! offer accepted, the work and patience it brings to another channel, a handoff and its
//! follow-up, a move to an outage's backup), is drawn from the contact's own stream: its
//! *lineage* is fixed at arrival from (seed, replication, source stream, arrival number), and
//! each kind of decision has a stream of its own under it. A routing or staffing change can
//! change which decisions are taken, in what order, but never the numbers another contact
//! draws.

use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;

/// What a stream is used for. One stream per purpose and channel (or event), keyed by the
/// channel's (or event's) *name*, not its position: adding, removing or reordering channels
/// or events leaves every other one's draws unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamPurpose<'a> {
    Arrivals {
        channel: &'a str,
    },
    Attributes {
        channel: &'a str,
    },
    HandleTime {
        channel: &'a str,
    },
    /// After-call work on the channel (drawn only where it has `wrap_up`).
    WrapUp {
        channel: &'a str,
    },
    /// The channel's backlog at the start: each waiting ticket's attributes, work and age.
    Backlog {
        channel: &'a str,
    },
    Patience {
        channel: &'a str,
    },
    /// Which arrivals a volume dip (a spike multiplier below 1) removes on the channel.
    Thinning {
        channel: &'a str,
    },
    /// Extra arrivals a disruption event adds (spike or bots): times.
    DisruptionArrivals {
        disruption: &'a str,
    },
    /// Extra arrivals' attributes, work and patience.
    DisruptionContacts {
        disruption: &'a str,
    },
    /// The event's decisions: outage conversions, bot accounts and filtering.
    DisruptionDecisions {
        disruption: &'a str,
    },
    /// A forecast-uncertainty factor's busyness per day, keyed by the factor's name (shared
    /// by the channels naming it).
    Busyness {
        factor: &'a str,
    },
}

impl StreamPurpose<'_> {
    fn code(self) -> u64 {
        let (kind, name) = match self {
            StreamPurpose::Arrivals { channel } => (1, channel),
            StreamPurpose::Attributes { channel } => (2, channel),
            StreamPurpose::HandleTime { channel } => (3, channel),
            StreamPurpose::Patience { channel } => (4, channel),
            // 5, 6 and 7 were per-channel routing, handoff and follow-up streams, before
            // those draws moved to each contact's own stream.
            StreamPurpose::Thinning { channel } => (8, channel),
            StreamPurpose::DisruptionArrivals { disruption } => (9, disruption),
            StreamPurpose::DisruptionContacts { disruption } => (10, disruption),
            StreamPurpose::DisruptionDecisions { disruption } => (11, disruption),
            StreamPurpose::WrapUp { channel } => (12, channel),
            StreamPurpose::Backlog { channel } => (13, channel),
            StreamPurpose::Busyness { factor } => (14, factor),
        };
        splitmix64(kind) ^ name_key(name)
    }
}

/// FNV-1a over the name's bytes: a fixed function of the name, whatever the Rust version
/// (`std`'s hashers promise no stable values).
fn name_key(name: &str) -> u64 {
    name.bytes().fold(0xCBF2_9CE4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01B3)
    })
}

/// The generator for one (seed, replication, purpose).
pub fn stream(seed: u64, replication: u32, purpose: StreamPurpose<'_>) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(stream_key(seed, replication, purpose))
}

fn stream_key(seed: u64, replication: u32, purpose: StreamPurpose<'_>) -> u64 {
    splitmix64(seed ^ splitmix64(u64::from(replication) ^ splitmix64(purpose.code())))
}

/// The root of the lineages of the contacts a stream brings, computed once per replication
/// (so that no contact's lineage hashes a name).
pub fn lineage_root(seed: u64, replication: u32, source: StreamPurpose<'_>) -> u64 {
    stream_key(seed, replication, source)
}

/// The lineage of the `index`-th contact a stream brings (0 first): the root of every draw
/// made about it after its arrival.
pub fn lineage(root: u64, index: u64) -> u64 {
    splitmix64(root ^ splitmix64(index.wrapping_add(1)))
}

/// The lineage of a follow-up contact (a handoff's), from its parent's.
pub fn child_lineage(parent: u64) -> u64 {
    splitmix64(parent ^ 0x5A5A_5A5A_0F0F_0F0F)
}

/// The lineage of a second contact the same customer makes while this one is open (a
/// duplicate), apart from any follow-up's.
pub fn sibling_lineage(lineage: u64) -> u64 {
    splitmix64(lineage ^ 0x3C3C_3C3C_F0F0_F0F0)
}

/// The kinds of decision drawn about one contact, each from a stream of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactDraws {
    /// Whether it accepts an overflow or callback offer.
    Offer,
    /// The work and patience it brings to the channel it is converted to.
    Conversion,
    /// After it is handled: which handoff, the delay, the context, the follow-up's work and
    /// patience.
    Handoff,
    /// Whether it moves to an outage's backup channel.
    Outage,
    /// After its customer gives up: whether they try again, when, and what they bring.
    Retry,
    /// With its channel's bot: contained or not, the bot's time, the agent work and
    /// patience it brings, whether the context travels.
    Bot,
    /// Whether its customer also contacts another channel, which, and when.
    Duplicate,
    /// That second contact: merged or not, its work and patience.
    DuplicateContact,
    /// Callback attempt `n` (1 first): whether it reaches the customer, and when the next
    /// attempt is made.
    CallbackAttempt(u8),
}

/// A contact's stream for one kind of decision.
pub fn contact_stream(lineage: u64, draws: ContactDraws) -> Xoshiro256PlusPlus {
    let code: u64 = match draws {
        ContactDraws::Offer => 1,
        ContactDraws::Conversion => 2,
        ContactDraws::Handoff => 3,
        ContactDraws::Outage => 4,
        ContactDraws::Retry => 5,
        ContactDraws::Bot => 6,
        ContactDraws::Duplicate => 7,
        ContactDraws::DuplicateContact => 8,
        ContactDraws::CallbackAttempt(attempt) => 9 | (u64::from(attempt) << 8),
    };
    Xoshiro256PlusPlus::seed_from_u64(splitmix64(lineage ^ splitmix64(code << 48)))
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

    const PINNED_FIRST_DRAW: u64 = 13_536_346_280_536_638_307;

    #[test]
    fn streams_are_value_stable_and_distinct() {
        let chat = StreamPurpose::Arrivals { channel: "chat" };
        let mut first = stream(7, 0, chat);
        let mut again = stream(7, 0, chat);
        let mut other = stream(7, 1, chat);
        let mut email = stream(7, 0, StreamPurpose::Arrivals { channel: "email" });
        let mut chat_work = stream(7, 0, StreamPurpose::HandleTime { channel: "chat" });
        let a: u64 = first.random();
        assert_eq!(a, again.random::<u64>());
        assert_ne!(a, other.random::<u64>());
        assert_ne!(a, email.random::<u64>());
        assert_ne!(a, chat_work.random::<u64>());
        // Pinned value: a change here means every past run's numbers change.
        assert_eq!(a, PINNED_FIRST_DRAW, "first draw is {a}");
    }

    #[test]
    fn a_contact_stream_depends_only_on_its_lineage_and_purpose() {
        let source = StreamPurpose::Arrivals { channel: "chat" };
        let root = lineage_root(7, 0, source);
        let first = lineage(root, 0);
        assert_eq!(first, lineage(lineage_root(7, 0, source), 0));
        let others = [
            lineage(root, 1),
            lineage(lineage_root(7, 1, source), 0),
            lineage(lineage_root(8, 0, source), 0),
            lineage(
                lineage_root(7, 0, StreamPurpose::Arrivals { channel: "email" }),
                0,
            ),
            child_lineage(first),
        ];
        assert!(others.iter().all(|other| *other != first));
        let draw = |draws| contact_stream(first, draws).random::<u64>();
        assert_eq!(draw(ContactDraws::Handoff), draw(ContactDraws::Handoff));
        assert_ne!(draw(ContactDraws::Handoff), draw(ContactDraws::Offer));
        assert_ne!(draw(ContactDraws::Conversion), draw(ContactDraws::Outage));
    }
}
