//! A channel's recorded arrivals, replayed exactly (`[arrivals.NAME] trace = "..."`): the
//! contacts of a trace on the simulated clock, with what was recorded about each (handle
//! time, wait, outcome) for `work = "recorded"` and `patience = "recorded"`. Built once by
//! validation and shared by every replication (an `Arc` in the channel).

use std::fmt;

use jiff::civil::{Date, DateTime, Weekday};
use jiff::tz::TimeZone;

use crate::scenario::{ArrivalProfile, SimulationSettings};
use crate::trace::{Outcome, TraceRecord};

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

/// What a replay is built from: a trace's records and how to read them.
#[derive(Debug, Clone)]
pub struct ReplaySource<'a> {
    pub records: &'a [TraceRecord],
    /// The trace file as shown, and its SHA-256.
    pub source: &'a str,
    pub source_sha256: String,
    pub trace_channel: &'a str,
    /// The center's IANA time zone.
    pub time_zone: &'a str,
    /// The Monday time 0 stands for; `None`: the one on or before the first arrival.
    pub start_date: Option<Date>,
    pub work: ReplayedValue,
    pub patience: ReplayedValue,
}

/// Which setting a replay problem is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplayKey {
    Trace,
    TraceChannel,
    TraceStart,
    TimeZone,
}

/// The replay of `source` over `settings`' horizon, with the channel's recorded rates and
/// a note when contacts fall outside the period; or the setting at fault and why.
pub fn build_replay(
    source: &ReplaySource,
    settings: &SimulationSettings,
) -> Result<(ArrivalProfile, Replay, Option<String>), (ReplayKey, String)> {
    let zone = TimeZone::get(source.time_zone).map_err(|_| {
        (
            ReplayKey::TimeZone,
            format!(
                "`{}` is not an IANA time zone (such as Europe/London or America/New_York)",
                source.time_zone
            ),
        )
    })?;
    let trace_channel = source.trace_channel;
    let path = source.source;
    let mine: Vec<&TraceRecord> = source
        .records
        .iter()
        .filter(|record| record.channel == trace_channel)
        .collect();
    if mine.is_empty() {
        let mut channels: Vec<&str> = source.records.iter().map(|r| r.channel.as_str()).collect();
        channels.sort_unstable();
        channels.dedup();
        return Err((
            ReplayKey::TraceChannel,
            format!(
                "{path} has no contacts of channel `{trace_channel}` (its channels: {}); name the one to replay with trace_channel",
                channels.join(", ")
            ),
        ));
    }
    let local = |instant: jiff::Timestamp| zone.to_datetime(instant);
    let start_date = match source.start_date {
        Some(date) if date.weekday() != Weekday::Monday => {
            let monday = monday_on_or_before(date);
            return Err((
                ReplayKey::TraceStart,
                format!(
                    "{date} is a {:?}: simulated time starts on a Monday (operating hours, day shares and shifts count from Monday); start at {monday} and report the days you want",
                    date.weekday()
                ),
            ));
        }
        Some(date) => date,
        None => {
            let first = mine.iter().map(|r| r.arrival).min().expect("some records");
            monday_on_or_before(local(first).date())
        }
    };
    let start = DateTime::from_parts(start_date, jiff::civil::Time::midnight());
    let horizon = settings.horizon_seconds;
    let mut contacts = Vec::with_capacity(mine.len());
    let (mut before_start, mut after_horizon, mut deflected) = (0u64, 0u64, 0u64);
    for record in &mine {
        if record.outcome == Some(Outcome::Deflected) {
            deflected += 1;
            continue;
        }
        let time = local(record.arrival).duration_since(start).as_secs_f64();
        if time < 0.0 {
            before_start += 1;
            continue;
        }
        if time >= horizon {
            after_horizon += 1;
            continue;
        }
        let patience = match (record.outcome, record.wait_seconds) {
            (Some(Outcome::Abandoned), Some(wait)) => RecordedPatience::Exactly(wait as f32),
            (Some(Outcome::Answered), Some(wait)) => RecordedPatience::AtLeast(wait as f32),
            _ => RecordedPatience::NotRecorded,
        };
        let handle_seconds = match record.outcome {
            Some(Outcome::Answered) | None => record.handle_seconds.map_or(f32::NAN, |h| h as f32),
            _ => f32::NAN,
        };
        contacts.push(RecordedContact {
            time,
            handle_seconds,
            patience,
        });
    }
    // Stable: contacts recorded at the same second keep the trace's order.
    contacts.sort_by(|a, b| a.time.total_cmp(&b.time));
    if contacts.is_empty() {
        let first = mine
            .iter()
            .map(|r| local(r.arrival))
            .min()
            .expect("some records");
        let last = mine
            .iter()
            .map(|r| local(r.arrival))
            .max()
            .expect("some records");
        return Err((
            ReplayKey::Trace,
            format!(
                "none of the {} contacts of `{trace_channel}` in {path} arrives in the simulated period ({start} for {}; they run from {first} to {last}, {}): set trace_start or simulation.horizon",
                mine.len(),
                crate::units::format_duration(horizon),
                source.time_zone
            ),
        ));
    }
    let note = (before_start + after_horizon > 0).then(|| {
        format!(
            "{} of the {} contacts of `{trace_channel}` replayed; {before_start} arrive before {start_date} and {after_horizon} after the horizon",
            contacts.len(),
            mine.len() as u64 - deflected
        )
    });
    let interval = settings.interval_seconds;
    let mut counts = vec![0.0; settings.n_intervals()];
    for contact in &contacts {
        let idx = ((contact.time / interval) as usize).min(counts.len() - 1);
        counts[idx] += 1.0;
    }
    Ok((
        ArrivalProfile::per_interval(&counts, interval),
        Replay {
            source: path.to_string(),
            source_sha256: source.source_sha256.clone(),
            trace_channel: trace_channel.to_string(),
            time_zone: source.time_zone.to_string(),
            start_date: start_date.to_string(),
            work: source.work,
            patience: source.patience,
            contacts,
            before_start,
            after_horizon,
            deflected,
        },
        note,
    ))
}

fn monday_on_or_before(date: Date) -> Date {
    let back = i64::from(date.weekday().to_monday_zero_offset());
    date.checked_sub(jiff::Span::new().days(back))
        .unwrap_or(date)
}
