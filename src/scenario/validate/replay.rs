//! `[arrivals.NAME] trace = "trace.csv"`: a channel's recorded arrivals, replayed. The trace
//! (`omnisim import`'s CSV) is read once here: its UTC times put on the center's wall clock
//! (`time_zone`) from the Monday `trace_start` names (or the one before the first arrival),
//! the contacts within the horizon kept in arrival order with what was recorded about them,
//! and their count per interval turned into the rates planning and estimates read. Built on
//! `checker.rs` and `side_files.rs`.

use std::sync::Arc;

use jiff::civil::Date;
use jiff::tz::TimeZone;

use super::checker::Checker;
use super::side_files::SideFiles;
use crate::scenario::raw::RawArrivals;
use crate::scenario::replay::{Replay, ReplayKey, ReplaySource, ReplayedValue, build_replay};
use crate::scenario::{ArrivalProfile, SimulationSettings};

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
    if TimeZone::get(zone_name).is_err() {
        checker.fail(
            &format!("{key}.time_zone"),
            format!(
                "`{zone_name}` is not an IANA time zone (such as Europe/London or America/New_York)"
            ),
        );
        return None;
    }
    let (path, trace) = match side_files.trace_of(file) {
        Ok(found) => found,
        Err(reason) => {
            checker.fail(&trace_key, reason);
            return None;
        }
    };
    let (records, problems) = (&trace.records, &trace.problems);
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
    let start_date = match raw.trace_start.as_deref() {
        Some(text) => {
            let Ok(date) = text.parse::<Date>() else {
                checker.fail(
                    &format!("{key}.trace_start"),
                    format!("`{text}` is not a date (YYYY-MM-DD)"),
                );
                return None;
            };
            Some(date)
        }
        None => None,
    };
    let source = ReplaySource {
        records,
        source: path,
        source_sha256: trace.sha256.clone(),
        trace_channel,
        time_zone: zone_name,
        start_date,
        work,
        patience,
    };
    match build_replay(&source, simulation) {
        Ok((profile, replay, note)) => {
            if let Some(note) = note {
                checker.notes.push(format!("{trace_key}: {note}"));
            }
            Some((profile, Arc::new(replay)))
        }
        Err((place, message)) => {
            let which = match place {
                ReplayKey::TraceChannel if raw.trace_channel.is_some() => {
                    format!("{key}.trace_channel")
                }
                ReplayKey::TraceStart => format!("{key}.trace_start"),
                ReplayKey::TimeZone => format!("{key}.time_zone"),
                ReplayKey::TraceChannel | ReplayKey::Trace => trace_key,
            };
            checker.fail(&which, message);
            None
        }
    }
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
