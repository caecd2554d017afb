//! A channel's recorded arrivals, replayed exactly (`[arrivals.NAME] trace = "..."`): the
//! contacts of a trace on the simulated clock, with what was recorded about each (handle
//! time, wait, outcome) for `work = "recorded"` and `patience = "recorded"`. Built once by
//! validation and shared by every replication (an `Arc` in the channel).

use std::fmt;

/// Where a replayed contact's work or patience comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplayedValue {
    /// Drawn from the channel's distribution, as for generated contacts.
    Sampled,
    /// The trace's recording, drawn only where nothing was recorded.
    Recorded,
}

impl ReplayedValue {
    pub fn name(self) -> &'static str {
        match self {
            ReplayedValue::Sampled => "sampled",
            ReplayedValue::Recorded => "recorded",
        }
    }
}

/// What the trace says of a contact's patience.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RecordedPatience {
    /// It gave up after this many seconds: its patience, exactly.
    Exactly(f32),
    /// It was answered after waiting this long: its patience was longer (censored).
    AtLeast(f32),
    NotRecorded,
}

/// One recorded contact on the simulated clock.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RecordedContact {
    /// Seconds from simulated time 0.
    pub time: f64,
    /// Recorded handle time in seconds; NaN when not recorded.
    pub handle_seconds: f32,
    pub patience: RecordedPatience,
}

/// A channel's replayed trace.
#[derive(Clone, PartialEq)]
pub struct Replay {
    /// The trace file as the scenario resolved it, and its SHA-256.
    pub source: String,
    pub source_sha256: String,
    /// The trace's channel replayed.
    pub trace_channel: String,
    pub time_zone: String,
    /// The local date of simulated time 0 (a Monday).
    pub start_date: String,
    pub work: ReplayedValue,
    pub patience: ReplayedValue,
    /// Every contact that arrives within the horizon, in arrival order.
    pub contacts: Vec<RecordedContact>,
    /// The trace's contacts of this channel left out: before time 0, at or after the
    /// horizon, and deflected (they never reached the queue).
    pub before_start: u64,
    pub after_horizon: u64,
    pub deflected: u64,
}

/// Short, so a scenario's `Debug` (its fingerprint) does not print millions of contacts:
/// the file's hash and the options stand for them.
impl fmt::Debug for Replay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Replay")
            .field("source_sha256", &self.source_sha256)
            .field("trace_channel", &self.trace_channel)
            .field("time_zone", &self.time_zone)
            .field("start_date", &self.start_date)
            .field("work", &self.work)
            .field("patience", &self.patience)
            .field("contacts", &self.contacts.len())
            .finish()
    }
}
