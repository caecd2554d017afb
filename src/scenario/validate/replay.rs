//! `[arrivals.NAME] trace = "trace.csv"`: a channel's recorded arrivals, replayed. The trace
//! (`omnisim import`'s CSV) is read once here: its UTC times put on the center's wall clock
//! (`time_zone`) from the Monday `trace_start` names (or the one before the first arrival),
//! the contacts within the horizon kept in arrival order with what was recorded about them,
//! and their count per interval turned into the rates planning and estimates read. Built on
//! `checker.rs` and `side_files.rs`.

use std::sync::Arc;

use jiff::civil::{Date, DateTime, Weekday};
use jiff::tz::TimeZone;

use super::checker::Checker;
use super::side_files::SideFiles;
use crate::scenario::raw::RawArrivals;
use crate::scenario::replay::{RecordedContact, RecordedPatience, Replay, ReplayedValue};
use crate::scenario::{ArrivalProfile, SimulationSettings};
use crate::trace::{Outcome, read_trace};

/// Bad rows listed one by one before the rest are counted.
const LISTED_ROWS: usize = 10;

/// The keys only a replayed channel may have.
pub(crate) const REPLAY_ONLY_KEYS: [&str; 5] = [
    "trace_channel",
    "time_zone",
    "trace_start",
    "work",
    "patience",
];

/// The keys of `raw` that only a trace may have, present without one.
pub(crate) fn replay_keys_present(raw: &RawArrivals) -> Vec<&'static str> {
    let present = [
        raw.trace_channel.is_some(),
        raw.time_zone.is_some(),
        raw.trace_start.is_some(),
        raw.work.is_some(),
        raw.patience.is_some(),
    ];
    REPLAY_ONLY_KEYS
        .iter()
        .zip(present)
        .filter(|(_, present)| *present)
        .map(|(key, _)| *key)
        .collect()
}

/// The channel's replay and its recorded rates, or `None` with the problems reported.
pub(crate) fn replay(
    checker: &mut Checker,
    key: &str,
    raw: &RawArrivals,
    channel_name: &str,
    simulation: &SimulationSettings,
    side_files: &SideFiles,
) -> Option<(ArrivalProfile, Arc<Replay>)> {
    let file = raw.trace.as_deref()?;
    let trace_key = format!("{key}.trace");
    if raw.day_shares.is_some() || raw.intraday.is_some() {
        checker.fail(
            key,
            "day_shares and intraday shape a weekly_volume or daily_volume, not a recorded trace",
        );
        return None;
    }
    if raw.uncertainty.is_some() {
        checker.fail(
            &format!("{key}.uncertainty"),
            "a replayed trace has the volumes that happened; forecast uncertainty varies generated ones",
        );
        return None;
    }
    let work = replayed_value(checker, &format!("{key}.work"), raw.work.as_deref())?;
    let patience = replayed_value(checker, &format!("{key}.patience"), raw.patience.as_deref())?;
    let zone_name = raw.time_zone.as_deref().unwrap_or("UTC");
    let Ok(zone) = TimeZone::get(zone_name) else {
        checker.fail(
            &format!("{key}.time_zone"),
            format!(
                "`{zone_name}` is not an IANA time zone (such as Europe/London or America/New_York)"
            ),
        );
        return None;
    };
    let (path, text) = match side_files.text_of(file) {
        Ok(found) => found,
        Err(reason) => {
            checker.fail(&trace_key, reason);
            return None;
        }
    };
    let (records, problems) = match read_trace(text) {
        Ok(read) => read,
        Err(problem) => {
            checker.fail(&trace_key, format!("{path}: {}", problem.message));
            return None;
        }
    };
    if !problems.is_empty() {
        let mut lines: Vec<String> = problems
            .iter()
            .take(LISTED_ROWS)
            .map(|p| format!("line {}: {}", p.line, p.message))
            .collect();
        if problems.len() > LISTED_ROWS {
            lines.push(format!("and {} more", problems.len() - LISTED_ROWS));
        }
        checker.fail(
            &trace_key,
            format!("{path} has rows that cannot be read: {}", lines.join("; ")),
        );
        return None;
    }
    let trace_channel = raw.trace_channel.as_deref().unwrap_or(channel_name);
    let mine: Vec<_> = records
        .iter()
        .filter(|record| record.channel == trace_channel)
        .collect();
    if mine.is_empty() {
        let mut channels: Vec<&str> = records.iter().map(|r| r.channel.as_str()).collect();
        channels.sort_unstable();
        channels.dedup();
        let which = if raw.trace_channel.is_some() {
            format!("{key}.trace_channel")
        } else {
            trace_key.clone()
        };
        checker.fail(
            &which,
            format!(
                "{path} has no contacts of channel `{trace_channel}` (its channels: {}); name the one to replay with trace_channel",
                channels.join(", ")
            ),
        );
        return None;
    }
    let local = |instant: jiff::Timestamp| zone.to_datetime(instant);
    let start_date = match raw.trace_start.as_deref() {
        Some(text) => {
            let start_key = format!("{key}.trace_start");
            let Ok(date) = text.parse::<Date>() else {
                checker.fail(&start_key, format!("`{text}` is not a date (YYYY-MM-DD)"));
                return None;
            };
            if date.weekday() != Weekday::Monday {
                let monday = monday_on_or_before(date);
                checker.fail(
                    &start_key,
                    format!(
                        "{date} is a {:?}: simulated time starts on a Monday (operating hours, day shares and shifts count from Monday); start at {monday} and report the days you want",
                        date.weekday()
                    ),
                );
                return None;
            }
            date
        }
        None => {
            let first = mine.iter().map(|r| r.arrival).min()?;
            monday_on_or_before(local(first).date())
        }
    };
    let start = DateTime::from_parts(start_date, jiff::civil::Time::midnight());
    let horizon = simulation.horizon_seconds;
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
        let first = mine.iter().map(|r| local(r.arrival)).min()?;
        let last = mine.iter().map(|r| local(r.arrival)).max()?;
        checker.fail(
            &trace_key,
            format!(
                "none of the {} contacts of `{trace_channel}` in {path} arrives in the simulated period ({start} for {}; they run from {first} to {last}, {zone_name}): set trace_start or simulation.horizon",
                mine.len(),
                crate::units::format_duration(horizon)
            ),
        );
        return None;
    }
    if before_start + after_horizon > 0 {
        checker.notes.push(format!(
            "{trace_key}: {} of the {} contacts of `{trace_channel}` replayed; {before_start} arrive before {start_date} and {after_horizon} after the horizon",
            contacts.len(),
            mine.len() as u64 - deflected
        ));
    }
    let interval = simulation.interval_seconds;
    let mut counts = vec![0.0; simulation.n_intervals()];
    for contact in &contacts {
        let idx = ((contact.time / interval) as usize).min(counts.len() - 1);
        counts[idx] += 1.0;
    }
    let profile = ArrivalProfile::per_interval(&counts, interval);
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(text.as_bytes());
    Some((
        profile,
        Arc::new(Replay {
            source: path.to_string(),
            source_sha256: digest.iter().map(|byte| format!("{byte:02x}")).collect(),
            trace_channel: trace_channel.to_string(),
            time_zone: zone_name.to_string(),
            start_date: start_date.to_string(),
            work,
            patience,
            contacts,
            before_start,
            after_horizon,
            deflected,
        }),
    ))
}

fn replayed_value(checker: &mut Checker, key: &str, text: Option<&str>) -> Option<ReplayedValue> {
    match text {
        None | Some("sampled") => Some(ReplayedValue::Sampled),
        Some("recorded") => Some(ReplayedValue::Recorded),
        Some(other) => {
            checker.fail(key, format!("`{other}` is not sampled or recorded"));
            None
        }
    }
}

fn monday_on_or_before(date: Date) -> Date {
    let back = i64::from(date.weekday().to_monday_zero_offset());
    date.checked_sub(jiff::Span::new().days(back))
        .unwrap_or(date)
}
