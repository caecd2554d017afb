//! Who works when, for one group: exactly one of a headcount, a CSV headcount file (read
//! through `side_files.rs`) or a shift roster with breaks; and the group's shrinkage. Built
//! on `checker.rs`, `values.rs` and `side_files.rs` only.

use super::checker::{Checker, shown_sum};
use super::side_files::{
    SideFiles, describe_header, open_csv, report_rows, shown_cell, start_problem,
};
use super::values::headcount;
use crate::scenario::raw::{RawBreak, RawGroup, RawNames, RawShift};
use crate::scenario::schedule::{Roster, Shift};
use crate::scenario::{Headcount, Limits};
use crate::units::{SECONDS_PER_DAY, WEEKDAY_NAMES, format_duration, parse_time_of_day_seconds};

/// What a group's staffing is checked against beyond its own table: the files the scenario
/// names, and the interval grid (when the simulation section is valid).
#[derive(Clone, Copy)]
pub(crate) struct StaffingContext<'a> {
    pub side_files: &'a SideFiles,
    pub interval_seconds: Option<f64>,
}

/// A group's scheduled headcount from exactly one of `headcount`, `headcount_file` and
/// `shifts`.
pub(crate) fn group_staffing(
    checker: &mut Checker,
    key: &str,
    raw: &RawGroup,
    context: StaffingContext<'_>,
) -> Option<Headcount> {
    let given: Vec<&str> = [
        raw.headcount.as_ref().map(|_| "headcount"),
        raw.headcount_file.as_ref().map(|_| "headcount_file"),
        (!raw.shifts.is_empty()).then_some("shifts"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if given.len() != 1 {
        let reason = if given.is_empty() {
            "no staffing; give `headcount` (a number or one per interval), `headcount_file` (a CSV file) or `[[groups.NAME.shifts]]`".to_string()
        } else {
            format!(
                "gives {}; staff a group by exactly one of them",
                given.join(" and ")
            )
        };
        checker.fail(key, reason);
        return None;
    }
    if raw.headcount_column.is_some() && raw.headcount_file.is_none() {
        checker.fail(
            &format!("{key}.headcount_column"),
            "applies only with `headcount_file`",
        );
    }
    if let Some(value) = &raw.headcount {
        return headcount(checker, &format!("{key}.headcount"), value);
    }
    if let Some(file) = &raw.headcount_file {
        let group_name = key.trim_start_matches("groups.");
        let column = raw.headcount_column.as_deref().unwrap_or(group_name);
        return headcount_file(
            checker,
            &format!("{key}.headcount_file"),
            file,
            column,
            context.side_files,
            context.interval_seconds,
        );
    }
    shifts(checker, &format!("{key}.shifts"), &raw.shifts).map(Headcount::Shifts)
}

/// A per-interval headcount from a CSV column: a header row naming the columns, then one
/// row per reporting interval (cycled like a headcount list). A `start` column, when there
/// is one, is checked against the interval grid (`interval_seconds`, when the simulation
/// section is valid): "HH:MM" is a time of day, "tue 09:30" a moment of the week. Every
/// bad row is reported, up to `MAX_ROW_PROBLEMS`.
pub(crate) fn headcount_file(
    checker: &mut Checker,
    key: &str,
    file: &str,
    column: &str,
    side_files: &SideFiles,
    interval_seconds: Option<f64>,
) -> Option<Headcount> {
    let (path, headers, mut reader) = open_csv(checker, key, side_files, file)?;
    let Some(column_idx) = headers.iter().position(|h| h == column) else {
        let columns = describe_header(&headers);
        checker.fail(
            key,
            format!(
                "{} has no column \"{column}\" ({columns}); name it with `headcount_column`",
                path,
            ),
        );
        return None;
    };
    let start_idx = headers.iter().position(|h| h.eq_ignore_ascii_case("start"));
    let mut counts = Vec::new();
    let mut row_problems = Vec::new();
    for (row_idx, record) in reader.records().enumerate() {
        let line = row_idx + 2;
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                checker.fail(key, format!("{} line {line}: {error}", path));
                return None;
            }
        };
        if let (Some(start_idx), Some(interval)) = (start_idx, interval_seconds)
            && let Some(problem) =
                start_problem(record.get(start_idx).unwrap_or(""), row_idx, interval)
        {
            row_problems.push(format!("{path} line {line}, column \"start\": {problem}"));
        }
        let cell = record.get(column_idx).unwrap_or("");
        match cell.parse::<u64>() {
            Ok(count) if count <= Limits::MAX_AGENTS => counts.push(count as u32),
            _ => {
                counts.push(0);
                row_problems.push(format!(
                    "{path} line {line}, column \"{column}\": \"{}\" is not a whole number of agents from 0 to {}",
                    shown_cell(cell),
                    Limits::MAX_AGENTS
                ));
            }
        }
    }
    if report_rows(checker, key, path, row_problems) {
        return None;
    }
    if counts.is_empty() {
        checker.fail(
            key,
            format!("{} has no rows; give one row per reporting interval", path),
        );
        return None;
    }
    Some(Headcount::PerInterval(counts))
}

pub(crate) fn shifts(checker: &mut Checker, key: &str, raw_shifts: &[RawShift]) -> Option<Roster> {
    if raw_shifts.len() > Limits::MAX_SHIFTS {
        checker.fail(
            key,
            format!(
                "{} shifts; at most {} are supported",
                raw_shifts.len(),
                Limits::MAX_SHIFTS
            ),
        );
        return None;
    }
    let mut shifts = Vec::new();
    let problems_before = checker.problems.len();
    let mut total_agents: u64 = 0;
    for (shift_idx, raw) in raw_shifts.iter().enumerate() {
        let key = format!("{key}[{shift_idx}]");
        if let Some(shift) = shift(checker, &key, raw, shift_idx) {
            total_agents += u64::from(shift.agents);
            shifts.push(shift);
        }
    }
    if total_agents > Limits::MAX_AGENTS {
        checker.fail(
            key,
            format!(
                "{total_agents} agents in all shifts; at most {} are supported",
                Limits::MAX_AGENTS
            ),
        );
    }
    (checker.problems.len() == problems_before).then(|| Roster::new(shifts))
}

pub(crate) fn shift(
    checker: &mut Checker,
    key: &str,
    raw: &RawShift,
    shift_idx: usize,
) -> Option<Shift> {
    let start = match parse_time_of_day_seconds(&raw.start) {
        Ok(seconds) if seconds < SECONDS_PER_DAY => Some(seconds),
        Ok(_) => {
            checker.fail(&format!("{key}.start"), "a shift starts before 24:00");
            None
        }
        Err(reason) => {
            checker.fail(&format!("{key}.start"), reason);
            None
        }
    };
    let length = checker.duration(&format!("{key}.length"), &raw.length);
    if let Some(length) = length
        && length > SECONDS_PER_DAY
    {
        checker.fail(
            &format!("{key}.length"),
            format!("{} is longer than a day", format_duration(length)),
        );
    }
    let agents = match raw.agents {
        n if n >= 0 && n as u64 <= Limits::MAX_AGENTS => Some(n as u32),
        n => {
            checker.fail(
                &format!("{key}.agents"),
                format!(
                    "must be a whole number of agents from 0 to {}, got {n}",
                    Limits::MAX_AGENTS
                ),
            );
            None
        }
    };
    let days = days(checker, &format!("{key}.days"), raw.days.as_ref());
    let mut breaks = Vec::new();
    for (break_idx, raw_break) in raw.breaks.iter().enumerate() {
        breaks.push((
            format!("{key}.breaks[{break_idx}]"),
            shift_break(checker, &format!("{key}.breaks[{break_idx}]"), raw_break),
        ));
    }
    if let Some(lunch) = &raw.lunch {
        breaks.push((
            format!("{key}.lunch"),
            shift_break(checker, &format!("{key}.lunch"), lunch),
        ));
    }
    let length = length?;
    let mut windows: Vec<(String, (f64, f64))> = Vec::new();
    for (break_key, window) in breaks {
        let (after, break_length) = window?;
        if after + break_length > length {
            checker.fail(
                &break_key,
                format!(
                    "ends {} into a shift of {}; breaks lie inside the shift",
                    format_duration(after + break_length),
                    format_duration(length)
                ),
            );
            return None;
        }
        windows.push((break_key, (after, break_length)));
    }
    windows.sort_by(|a, b| a.1.0.total_cmp(&b.1.0));
    for pair in windows.windows(2) {
        let ((_, (first_at, first_length)), (second_key, (second_at, _))) = (&pair[0], &pair[1]);
        if first_at + first_length > *second_at {
            checker.fail(second_key, "overlaps another break or the lunch");
            return None;
        }
    }
    Some(Shift {
        name: raw
            .name
            .clone()
            .unwrap_or_else(|| format!("shift {}", shift_idx + 1)),
        agents: agents?,
        start_seconds: start?,
        length_seconds: length,
        days: days?,
        breaks: windows.into_iter().map(|(_, window)| window).collect(),
    })
}

pub(crate) fn shift_break(checker: &mut Checker, key: &str, raw: &RawBreak) -> Option<(f64, f64)> {
    let after = match crate::units::parse_duration_seconds(&raw.after) {
        Ok(seconds) => Some(seconds),
        Err(reason) => {
            checker.fail(&format!("{key}.after"), reason);
            None
        }
    };
    let length = checker.duration(&format!("{key}.length"), &raw.length);
    Some((after?, length?))
}

pub(crate) fn days(checker: &mut Checker, key: &str, raw: Option<&RawNames>) -> Option<[bool; 7]> {
    let Some(raw) = raw else {
        return Some([true; 7]);
    };
    let mut days = [false; 7];
    for name in raw.names() {
        let lower = name.to_ascii_lowercase();
        match lower.as_str() {
            "daily" => days = [true; 7],
            "weekdays" => days[..5].fill(true),
            "weekend" => days[5..].fill(true),
            day => match WEEKDAY_NAMES
                .iter()
                .position(|d| *d == day || (day.len() == 3 && d.starts_with(day)))
            {
                Some(day_idx) => days[day_idx] = true,
                None => {
                    checker.fail(
                        key,
                        format!("unknown day \"{name}\"; use monday..sunday (or mon..sun), weekdays, weekend or daily"),
                    );
                    return None;
                }
            },
        }
    }
    Some(days)
}

/// Shrinkage as a share, or a table of named shares that are summed.
pub(crate) fn shrinkage(
    checker: &mut Checker,
    key: &str,
    value: Option<&toml::Value>,
) -> Option<(f64, Vec<(String, f64)>)> {
    let parts: Vec<(String, f64)> = match value {
        None => return Some((0.0, Vec::new())),
        Some(toml::Value::Float(share)) => vec![("shrinkage".into(), *share)],
        Some(toml::Value::Integer(share)) => vec![("shrinkage".into(), *share as f64)],
        Some(toml::Value::Table(table)) => {
            let mut parts = Vec::new();
            for (name, share) in table {
                match share.as_float().or(share.as_integer().map(|i| i as f64)) {
                    Some(share) => parts.push((name.clone(), share)),
                    None => {
                        checker.fail(&format!("{key}.{name}"), "must be a share from 0 to 1");
                        return None;
                    }
                }
            }
            parts
        }
        Some(_) => {
            checker.fail(
                key,
                "give a share (0.3) or a table of shares ({ training = 0.05, meetings = 0.04, absence = 0.08 })",
            );
            return None;
        }
    };
    for (name, share) in &parts {
        if !(share.is_finite() && (0.0..1.0).contains(share)) {
            let part_key = if parts.len() == 1 && name == "shrinkage" {
                key.to_string()
            } else {
                format!("{key}.{name}")
            };
            checker.fail(
                &part_key,
                format!("must be a share from 0 to below 1, got {share}"),
            );
            return None;
        }
    }
    let total: f64 = parts.iter().map(|(_, share)| share).sum();
    if total >= 1.0 {
        checker.fail(
            key,
            format!(
                "shares sum to {}; shrinkage of 1 or more leaves nobody available",
                shown_sum(total)
            ),
        );
        return None;
    }
    Some((total, parts))
}
