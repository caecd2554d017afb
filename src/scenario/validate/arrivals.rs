//! `[arrivals.NAME]`: a channel's Poisson arrival rate, from a weekly or daily volume shaped
//! by day and intraday shares, a rate per hour, or expected contacts per interval (listed,
//! or read from a CSV of (start, channel, count) rows as a WFM or BI tool exports them).

use super::checker::{Checker, shown_number};
use super::side_files::{
    SideFiles, csv_reader, describe_header, open_csv, report_rows, shown_cell, start_problem,
};
use crate::scenario::raw::RawArrivals;
use crate::scenario::{ArrivalProfile, Limits, SimulationSettings};
use crate::units::{SECONDS_PER_DAY, SECONDS_PER_WEEK};

pub(crate) fn arrivals(
    checker: &mut Checker,
    key: &str,
    raw: &RawArrivals,
    simulation: &SimulationSettings,
    side_files: &SideFiles,
) -> Option<ArrivalProfile> {
    let chosen = chosen_forms(raw);
    if chosen.len() != 1 {
        checker.fail(key, format!("give exactly one of weekly_volume, daily_volume, per_interval, per_interval_file, rate_per_hour or trace (found {})", if chosen.is_empty() { "none".to_string() } else { chosen.join(", ") }));
        return None;
    }
    if chosen[0] == "trace" {
        return None;
    }
    if let Some(only) = super::replay::replay_keys_present(raw).first() {
        checker.fail(
            &format!("{key}.{only}"),
            format!("{only} says how a recorded trace is replayed; this channel has no `trace`"),
        );
        return None;
    }
    let shape_keys_allowed = matches!(chosen[0], "weekly_volume" | "daily_volume");
    if !shape_keys_allowed && (raw.day_shares.is_some() || raw.intraday.is_some()) {
        checker.fail(
            key,
            format!(
                "day_shares and intraday shape a weekly_volume or daily_volume, not {}",
                chosen[0]
            ),
        );
        return None;
    }
    if chosen[0] == "daily_volume" && raw.day_shares.is_some() {
        checker.fail(
            &format!("{key}.day_shares"),
            "day_shares shape a weekly_volume; with daily_volume every day has the same volume",
        );
        return None;
    }
    let intraday = match &raw.intraday {
        Some(values) => checker.shares(&format!("{key}.intraday"), values),
        None => Some(vec![1.0]),
    };
    match chosen[0] {
        "rate_per_hour" => {
            let rate = checker.number_in(
                &format!("{key}.rate_per_hour"),
                raw.rate_per_hour?,
                (f64::MIN_POSITIVE, Limits::MAX_RATE_PER_HOUR),
                "contacts per hour",
            )?;
            Some(ArrivalProfile {
                cycle_seconds: SECONDS_PER_WEEK,
                segment_starts: vec![0.0],
                rates_per_second: vec![rate / 3600.0],
            })
        }
        "per_interval" => {
            let counts = raw.per_interval.as_deref().unwrap_or(&[]);
            let sub_key = format!("{key}.per_interval");
            if counts.is_empty()
                || counts.iter().any(|c| !c.is_finite() || *c < 0.0)
                || counts.iter().sum::<f64>() <= 0.0
            {
                checker.fail(&sub_key, "give the expected contacts per reporting interval: non-negative numbers, not all zero");
                return None;
            }
            let most = most_per_interval(simulation);
            if let Some(idx) = counts.iter().position(|c| *c > most) {
                checker.fail(&format!("{sub_key}[{idx}]"), too_many(counts[idx], most));
                return None;
            }
            if let Some(problem) = simulation.per_interval_length_problem(counts.len()) {
                checker.fail(&sub_key, problem);
                return None;
            }
            Some(ArrivalProfile::per_interval(
                counts,
                simulation.interval_seconds,
            ))
        }
        "per_interval_file" => {
            let channel_name = key.trim_start_matches("arrivals.");
            let file = raw.per_interval_file.as_deref()?;
            let counts = counts_from_file(
                checker,
                &format!("{key}.per_interval_file"),
                file,
                channel_name,
                simulation,
                side_files,
            )?;
            Some(ArrivalProfile::per_interval(
                &counts,
                simulation.interval_seconds,
            ))
        }
        "daily_volume" => {
            let volume = checker.number_in(
                &format!("{key}.daily_volume"),
                raw.daily_volume?,
                (f64::MIN_POSITIVE, Limits::MAX_VOLUME),
                "contacts a day",
            )?;
            Some(shaped_profile(volume, &[1.0], &intraday?, SECONDS_PER_DAY))
        }
        _ => {
            let volume = checker.number_in(
                &format!("{key}.weekly_volume"),
                raw.weekly_volume?,
                (f64::MIN_POSITIVE, Limits::MAX_VOLUME),
                "contacts a week",
            );
            let day_shares = match &raw.day_shares {
                Some(values) if values.len() != 7 => {
                    checker.fail(
                        &format!("{key}.day_shares"),
                        format!("give 7 shares, Monday to Sunday (got {})", values.len()),
                    );
                    None
                }
                Some(values) => checker.shares(&format!("{key}.day_shares"), values),
                None => Some(vec![1.0 / 7.0; 7]),
            };
            Some(shaped_profile(
                volume?,
                &day_shares?,
                &intraday?,
                SECONDS_PER_WEEK,
            ))
        }
    }
}

/// A volume spread over days (`day_shares`, one per day of the cycle) and within each day
/// (`intraday`, equal slots), as a piecewise-constant rate over the cycle.
fn shaped_profile(
    volume: f64,
    day_shares: &[f64],
    intraday: &[f64],
    cycle_seconds: f64,
) -> ArrivalProfile {
    let slot_seconds = SECONDS_PER_DAY / intraday.len() as f64;
    let mut segment_starts = Vec::with_capacity(day_shares.len() * intraday.len());
    let mut rates_per_second = Vec::with_capacity(day_shares.len() * intraday.len());
    for (day, day_share) in day_shares.iter().enumerate() {
        for (slot, slot_share) in intraday.iter().enumerate() {
            segment_starts.push(day as f64 * SECONDS_PER_DAY + slot as f64 * slot_seconds);
            rates_per_second.push(volume * day_share * slot_share / slot_seconds);
        }
    }
    ArrivalProfile {
        cycle_seconds,
        segment_starts,
        rates_per_second,
    }
}

/// The most expected contacts one interval may hold (the rate bound, over an interval).
fn most_per_interval(simulation: &SimulationSettings) -> f64 {
    Limits::MAX_RATE_PER_HOUR * simulation.interval_seconds / 3600.0
}

fn too_many(count: f64, most: f64) -> String {
    format!(
        "{} contacts in one interval is more than {} ({} an hour)",
        shown_number(count),
        shown_number(most),
        shown_number(Limits::MAX_RATE_PER_HOUR)
    )
}

/// Expected contacts per interval, repeating, as a piecewise-constant rate.
/// The ways of giving arrivals that `raw` uses (exactly one is allowed).
pub(crate) fn chosen_forms(raw: &RawArrivals) -> Vec<&'static str> {
    let forms = [
        ("weekly_volume", raw.weekly_volume.is_some()),
        ("daily_volume", raw.daily_volume.is_some()),
        ("per_interval", raw.per_interval.is_some()),
        ("per_interval_file", raw.per_interval_file.is_some()),
        ("rate_per_hour", raw.rate_per_hour.is_some()),
        ("trace", raw.trace.is_some()),
    ];
    forms
        .iter()
        .filter(|(_, present)| *present)
        .map(|(name, _)| *name)
        .collect()
}

/// The header columns an arrivals file needs, found whatever their case.
const ARRIVAL_COLUMNS: [&str; 3] = ["start", "channel", "count"];

/// One channel's expected contacts per interval from an arrivals CSV (columns `start`,
/// `channel`, `count`; other columns ignored): its rows in file order, each starting the
/// next interval of the grid, with as many rows as a day, a week or the whole run has
/// intervals. Every bad row is reported with its line.
fn counts_from_file(
    checker: &mut Checker,
    key: &str,
    file: &str,
    channel_name: &str,
    simulation: &SimulationSettings,
    side_files: &SideFiles,
) -> Option<Vec<f64>> {
    let (path, headers, mut reader) = open_csv(checker, key, side_files, file)?;
    let position = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let [Some(start_idx), Some(channel_idx), Some(count_idx)] = ARRIVAL_COLUMNS.map(position)
    else {
        checker.fail(
            key,
            format!(
                "{path} needs the columns start, channel and count ({}); one row per interval and channel, e.g. \"mon 09:00,chat,42\"",
                describe_header(&headers)
            ),
        );
        return None;
    };
    let most = most_per_interval(simulation);
    let mut counts = Vec::new();
    let mut row_problems = Vec::new();
    for (row_idx, record) in reader.records().enumerate() {
        let line = row_idx + 2;
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                checker.fail(key, format!("{path} line {line}: {error}"));
                return None;
            }
        };
        if record.get(channel_idx) != Some(channel_name) {
            continue;
        }
        if let Some(problem) = start_problem(
            record.get(start_idx).unwrap_or(""),
            counts.len(),
            simulation.interval_seconds,
        ) {
            row_problems.push(format!("{path} line {line}, column \"start\": {problem}"));
        }
        let cell = record.get(count_idx).unwrap_or("");
        match cell.parse::<f64>() {
            Ok(count) if count.is_finite() && (0.0..=most).contains(&count) => counts.push(count),
            Ok(count) if count > most => {
                counts.push(0.0);
                row_problems.push(format!("{path} line {line}: {}", too_many(count, most)));
            }
            _ => {
                counts.push(0.0);
                row_problems.push(format!(
                    "{path} line {line}, column \"count\": \"{}\" is not a number of contacts (0 or more)",
                    shown_cell(cell)
                ));
            }
        }
    }
    if report_rows(checker, key, path, row_problems) {
        return None;
    }
    if counts.iter().sum::<f64>() <= 0.0 {
        checker.fail(
            key,
            format!(
                "{path} has no rows for channel \"{channel_name}\" (or only zeros); give one row per interval with channel = {channel_name}"
            ),
        );
        return None;
    }
    if let Some(problem) = simulation.per_interval_length_problem(counts.len()) {
        checker.fail(
            key,
            format!("{path}, channel \"{channel_name}\": {problem}"),
        );
        return None;
    }
    Some(counts)
}

/// `backlog`: tickets waiting at the start, on an async channel only.
pub(crate) fn backlog(
    checker: &mut Checker,
    key: &str,
    raw: &RawArrivals,
    kind: crate::scenario::ChannelKind,
) -> Option<crate::scenario::Backlog> {
    let raw = raw.backlog.as_ref()?;
    let key = format!("{key}.backlog");
    if kind != crate::scenario::ChannelKind::Async {
        checker.fail(
            &key,
            format!(
                "only async channels (email, tickets) start with a backlog; a {} channel's customers do not wait overnight",
                kind.name()
            ),
        );
        return None;
    }
    let count = checker.number_in(
        &format!("{key}.count"),
        raw.count as f64,
        (0.0, Limits::MAX_BACKLOG as f64),
        "a whole number of contacts waiting at the start",
    )?;
    let age = match &raw.age {
        Some(age) => Some(super::values::distribution(
            checker,
            &format!("{key}.age"),
            age,
        )?),
        None => None,
    };
    Some(crate::scenario::Backlog {
        count: count as u32,
        age,
    })
}

/// Rows of arrivals files for channels the scenario does not have (a misspelt name would
/// otherwise drop its volume silently), each file once, whichever channels read it.
pub(crate) fn unknown_channels_in_files(
    checker: &mut Checker,
    raw_arrivals: &indexmap::IndexMap<String, RawArrivals>,
    declared_names: &[&str],
    side_files: &SideFiles,
) {
    let mut seen: Vec<&str> = Vec::new();
    for (channel_name, raw) in raw_arrivals {
        let Some(file) = raw.per_interval_file.as_deref() else {
            continue;
        };
        if seen.contains(&file) {
            continue;
        }
        seen.push(file);
        let Ok((path, text)) = side_files.text_of(file) else {
            continue;
        };
        let mut reader = csv_reader(text);
        let Some(channel_idx) = reader.headers().ok().and_then(|headers| {
            headers
                .iter()
                .position(|h| h.eq_ignore_ascii_case("channel"))
        }) else {
            continue;
        };
        let mut unknown: Vec<(usize, String)> = Vec::new();
        for (row_idx, record) in reader.records().enumerate() {
            let Ok(record) = record else { break };
            let name = record.get(channel_idx).unwrap_or("");
            if !declared_names.contains(&name) && !unknown.iter().any(|(_, n)| n == name) {
                unknown.push((row_idx + 2, name.to_string()));
            }
        }
        for (line, name) in unknown.iter().take(10) {
            checker.fail(
                &format!("arrivals.{channel_name}.per_interval_file"),
                format!(
                    "{path} line {line}: no channel named \"{}\"; channels are: {}",
                    shown_cell(name),
                    declared_names.join(", ")
                ),
            );
        }
    }
}

/// Largest coefficient of variation a day's busyness factor may have: at 2 a quarter of
/// days would be near-empty and a few several times the forecast, which is no forecast.
const MAX_UNCERTAINTY_CV: f64 = 2.0;

/// `uncertainty = { cv = 0.1 | [seven, Monday first], shared = "name" }`. Absent when every
/// CV is zero, so such a scenario runs exactly as one without the key.
pub(crate) fn uncertainty(
    checker: &mut Checker,
    key: &str,
    raw: &RawArrivals,
    channel_name: &str,
) -> Option<crate::scenario::Uncertainty> {
    let raw = raw.uncertainty.as_ref()?;
    let key = format!("{key}.uncertainty");
    let cv_key = format!("{key}.cv");
    let what = "a day's coefficient of variation";
    let cv_by_weekday: [f64; 7] = match &raw.cv {
        toml::Value::Integer(_) | toml::Value::Float(_) => {
            let value = raw
                .cv
                .as_float()
                .or(raw.cv.as_integer().map(|i| i as f64))?;
            let cv = checker.number_in(&cv_key, value, (0.0, MAX_UNCERTAINTY_CV), what)?;
            [cv; 7]
        }
        toml::Value::Array(values) if values.len() == 7 => {
            let mut cvs = [0.0; 7];
            let mut valid = true;
            for (day, value) in values.iter().enumerate() {
                let number = value.as_float().or(value.as_integer().map(|i| i as f64));
                let day_key = format!("{cv_key}[{day}]");
                match number {
                    Some(number) => {
                        match checker.number_in(&day_key, number, (0.0, MAX_UNCERTAINTY_CV), what) {
                            Some(cv) => cvs[day] = cv,
                            None => valid = false,
                        }
                    }
                    None => {
                        checker.fail(&day_key, "must be a number");
                        valid = false;
                    }
                }
            }
            if !valid {
                return None;
            }
            cvs
        }
        other => {
            checker.fail(
                &cv_key,
                format!(
                    "must be a number (0.1: a day's volume varies by 10% around the forecast) or seven, Monday first; got {other}"
                ),
            );
            return None;
        }
    };
    if cv_by_weekday.iter().all(|&cv| cv == 0.0) {
        return None;
    }
    Some(crate::scenario::Uncertainty {
        factor: raw
            .shared
            .clone()
            .unwrap_or_else(|| channel_name.to_string()),
        cv_by_weekday,
    })
}

/// Channels that share a busyness factor must give it the same CVs: one draw per day cannot
/// have two spreads.
pub(crate) fn shared_uncertainty_agrees(
    checker: &mut Checker,
    channels: &[Option<crate::scenario::Channel>],
) {
    let with_factor: Vec<(&str, &crate::scenario::Uncertainty)> = channels
        .iter()
        .flatten()
        .filter_map(|c| Some((c.name.as_str(), c.uncertainty.as_ref()?)))
        .collect();
    for (later, (name, uncertainty)) in with_factor.iter().enumerate() {
        if let Some((first_name, first)) = with_factor[..later]
            .iter()
            .find(|(_, other)| other.factor == uncertainty.factor)
            && first.cv_by_weekday != uncertainty.cv_by_weekday
        {
            checker.fail(
                &format!("arrivals.{name}.uncertainty.cv"),
                format!(
                    "the factor \"{}\" is shared with arrivals.{first_name}, whose cv is {:?}; channels sharing a factor share each day's draw, so give them the same cv (or another `shared` name)",
                    uncertainty.factor, first.cv_by_weekday
                ),
            );
        }
    }
}
