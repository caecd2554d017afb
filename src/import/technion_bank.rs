//! The Technion "Anonymous Bank" call-by-call trace (Brown et al. 2005, JASA 100:36-50):
//! tab-separated, 17 fields, times `H:MM:SS` on the date of the VRU entry (`0:00:00` = did
//! not happen), local to Israel. Too irregular for a mapping file (a date and a time in two
//! columns, midnight roll-over, an outcome that depends on two columns), so it is read here.
//!
//! Each record becomes a call to the `phone` channel arriving when it left the VRU for the
//! agents (`vru_exit`): `AGENT` is answered (wait `q_time`, handle `ser_time`, agent `server`
//! unless `NO_SERVER`); `HANG` after queueing is abandoned (wait `q_time`, a patience time);
//! `HANG` before the queue (`q_start` = 0) is deflected (the caller left in the VRU);
//! `PHANTOM` records are dropped, as the data's documentation says to. `type` becomes the
//! issue type and `priority` (0, 1 regular; 2 priority) the priority.

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;

use super::mapping::RowProblem;
use crate::trace::{Outcome, TraceRecord};

/// The columns the format must have, in the file's order.
pub const COLUMNS: [&str; 17] = [
    "vru+line",
    "call_id",
    "customer_id",
    "priority",
    "type",
    "date",
    "vru_entry",
    "vru_exit",
    "vru_time",
    "q_start",
    "q_exit",
    "q_time",
    "outcome",
    "ser_start",
    "ser_exit",
    "ser_time",
    "server",
];

/// The time zone the bank's clocks read.
pub const TIME_ZONE: &str = "Asia/Jerusalem";

/// The cells a record needs, by position in `COLUMNS`.
const PRIORITY: usize = 3;
const TYPE: usize = 4;
const DATE: usize = 5;
const VRU_ENTRY: usize = 6;
const VRU_EXIT: usize = 7;
const Q_START: usize = 9;
const Q_TIME: usize = 11;
const OUTCOME: usize = 12;
const SER_TIME: usize = 15;
const SERVER: usize = 16;

/// The record of one row (`cells` in `COLUMNS` order), `Ok(None)` for a phantom.
pub fn record_from_cells(
    cells: &[&str],
    zone: &TimeZone,
) -> Result<Option<TraceRecord>, RowProblem> {
    let problem = |field: &'static str, message: String| RowProblem { field, message };
    if cells.len() < COLUMNS.len() {
        return Err(problem(
            "record",
            format!(
                "{} fields, where the format has {}",
                cells.len(),
                COLUMNS.len()
            ),
        ));
    }
    let outcome_text = cells[OUTCOME].trim();
    let queued = cells[Q_START].trim() != "0:00:00";
    let outcome = match outcome_text {
        "PHANTOM" => return Ok(None),
        "AGENT" => Outcome::Answered,
        "HANG" if queued => Outcome::Abandoned,
        "HANG" => Outcome::Deflected,
        other => {
            return Err(problem(
                "outcome",
                format!("`{other}` is not AGENT, HANG or PHANTOM"),
            ));
        }
    };
    let date_text = cells[DATE].trim();
    let date = parse_date(date_text)
        .ok_or_else(|| problem("date", format!("`{date_text}` is not a YYMMDD date")))?;
    let entry = parse_clock(cells[VRU_ENTRY]).ok_or_else(|| {
        problem(
            "vru_entry",
            format!("`{}` is not H:MM:SS", cells[VRU_ENTRY].trim()),
        )
    })?;
    let exit = parse_clock(cells[VRU_EXIT]).ok_or_else(|| {
        problem(
            "vru_exit",
            format!("`{}` is not H:MM:SS", cells[VRU_EXIT].trim()),
        )
    })?;
    // Times are on the date of the VRU entry: a later time that reads smaller is the next
    // day. Some records leave the VRU a minute "before" entering it (a negative `vru_time`,
    // clock skew between the VRU and the switch): only a jump back of over 12 hours is a
    // midnight.
    let of_day =
        |t: Time| i32::from(t.hour()) * 3600 + i32::from(t.minute()) * 60 + i32::from(t.second());
    let exit_date = if of_day(entry) - of_day(exit) > 12 * 3600 {
        date.tomorrow()
            .map_err(|error| problem("date", error.to_string()))?
    } else {
        date
    };
    let arrival = zone
        .to_timestamp(DateTime::from_parts(exit_date, exit))
        .map_err(|error| problem("vru_exit", error.to_string()))?;
    let seconds = |idx: usize, field: &'static str| -> Result<f64, RowProblem> {
        let text = cells[idx].trim();
        match text.parse::<f64>() {
            Ok(value) if value >= 0.0 => Ok(value),
            _ => Err(problem(
                field,
                format!("`{text}` is not a number of seconds"),
            )),
        }
    };
    let wait_seconds = match outcome {
        Outcome::Deflected => None,
        _ => Some(seconds(Q_TIME, "q_time")?),
    };
    let server = cells[SERVER].trim();
    let (handle_seconds, agent) = match outcome {
        Outcome::Answered if server != "NO_SERVER" => (
            Some(seconds(SER_TIME, "ser_time")?),
            Some(server.to_string()),
        ),
        _ => (None, None),
    };
    let text = |idx: usize| Some(cells[idx].trim().to_string()).filter(|t| !t.is_empty());
    Ok(Some(TraceRecord {
        arrival,
        channel: "phone".to_string(),
        issue_type: text(TYPE),
        segment: None,
        language: None,
        priority: text(PRIORITY),
        outcome: Some(outcome),
        wait_seconds,
        handle_seconds,
        agent,
    }))
}

/// `990201` -> 1999-02-01 (years 00-49 are 2000-2049).
fn parse_date(text: &str) -> Option<Date> {
    if text.len() != 6 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let number = |range: std::ops::Range<usize>| text[range].parse::<i16>().ok();
    let yy = number(0..2)?;
    let year = if yy < 50 { 2000 + yy } else { 1900 + yy };
    Date::new(year, number(2..4)? as i8, number(4..6)? as i8).ok()
}

/// `7:02:56` -> 07:02:56.
fn parse_clock(text: &str) -> Option<Time> {
    let mut parts = text.trim().split(':').map(|p| p.parse::<i8>().ok());
    let (hour, minute, second) = (parts.next()??, parts.next()??, parts.next()??);
    if parts.next().is_some() {
        return None;
    }
    Time::new(hour, minute, second, 0).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(line: &str) -> Result<Option<TraceRecord>, RowProblem> {
        let cells: Vec<&str> = line.split('\t').collect();
        record_from_cells(&cells, &TimeZone::get(TIME_ZONE).unwrap())
    }

    #[test]
    fn each_outcome_of_the_bank_becomes_a_trace_record() {
        let served = record("AA0101\t34536\t0\t0\tPS\t990201\t7:02:47\t7:02:56\t9\t0:00:00\t0:00:00\t0\tAGENT\t7:02:55\t7:05:41\t166\tDORIT").unwrap().unwrap();
        assert_eq!(served.arrival.to_string(), "1999-02-01T05:02:56Z");
        assert_eq!(served.outcome, Some(Outcome::Answered));
        assert_eq!(
            (served.wait_seconds, served.handle_seconds),
            (Some(0.0), Some(166.0))
        );
        assert_eq!(served.agent.as_deref(), Some("DORIT"));
        assert_eq!(served.issue_type.as_deref(), Some("PS"));
        let gave_up = record("AA0101\t34539\t23317894\t2\tPS\t990201\t8:09:16\t8:09:22\t6\t8:09:22\t8:09:27\t5\tHANG\t0:00:00\t0:00:00\t0\tNO_SERVER").unwrap().unwrap();
        assert_eq!(gave_up.outcome, Some(Outcome::Abandoned));
        assert_eq!(
            (gave_up.wait_seconds, gave_up.handle_seconds),
            (Some(5.0), None)
        );
        assert_eq!(gave_up.priority.as_deref(), Some("2"));
        let left_in_vru = record("AA0101\t1\t0\t0\tPS\t990201\t8:09:16\t8:09:22\t6\t0:00:00\t0:00:00\t0\tHANG\t0:00:00\t0:00:00\t0\tNO_SERVER").unwrap().unwrap();
        assert_eq!(left_in_vru.outcome, Some(Outcome::Deflected));
        assert_eq!(left_in_vru.wait_seconds, None);
        // Left the VRU a minute "before" entering it: clock skew, the same day.
        let skewed = record("AA0102\t30456\t25627027\t2\tPS\t990207\t9:48:14\t9:47:17\t-57\t9:47:17\t9:50:11\t174\tAGENT\t9:50:11\t9:51:28\t77\tKAZAV").unwrap().unwrap();
        assert_eq!(skewed.arrival.to_string(), "1999-02-07T07:47:17Z");
        // Entered the VRU before midnight, left it after.
        let late = record("AA0101\t2\t0\t0\tPS\t990228\t23:59:50\t0:00:05\t15\t0:00:05\t0:00:10\t5\tHANG\t0:00:00\t0:00:00\t0\tNO_SERVER").unwrap().unwrap();
        assert_eq!(late.arrival.to_string(), "1999-02-28T22:00:05Z");
        assert_eq!(record("AA0101\t3\t0\t0\tPS\t990201\t7:00:00\t7:00:09\t9\t0:00:00\t0:00:00\t0\tPHANTOM\t0:00:00\t0:00:00\t0\tNO_SERVER").unwrap(), None);
    }

    #[test]
    fn malformed_rows_name_their_field() {
        let problem = record("AA0101\t3\t0\t0\tPS\t991301\t7:00:00\t7:00:09\t9\t0:00:00\t0:00:00\t0\tAGENT\t0:00:00\t0:00:00\t0\tX").unwrap_err();
        assert_eq!(problem.field, "date");
        let problem = record("AA0101\t3\t0\t0\tPS\t990201\t7:00\t7:00:09\t9\t0:00:00\t0:00:00\t0\tAGENT\t0:00:00\t0:00:00\t0\tX").unwrap_err();
        assert_eq!(problem.field, "vru_entry");
        let problem = record("AA0101\t3\t0\t0\tPS\t990201\t7:00:00\t7:00:09\t9\t0:00:00\t0:00:00\t0\tBUSY\t0:00:00\t0:00:00\t0\tX").unwrap_err();
        assert_eq!(problem.field, "outcome");
        assert_eq!(record("AA0101\t3").unwrap_err().field, "record");
    }
}
