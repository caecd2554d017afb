//! Time as people write and read it, for every layer: parsing durations ("90s", "4m", "2h",
//! "7d", "1h 30m"), times of day ("08:00", "24:00"), moments ("tue 11:00") and weekday names,
//! and formatting seconds back ("2h 30m", "Tue 08:30"). Like `stats`, it imports nothing of
//! the crate, so scenario validation, the engine's reports and the renderers share it.
//!
//! Every parser returns a plain `String` reason on failure; the caller attaches the key path.

/// Seconds in one day.
pub const SECONDS_PER_DAY: f64 = 86_400.0;
/// Seconds in one week. Simulated time 0 is Monday 00:00.
pub const SECONDS_PER_WEEK: f64 = 7.0 * SECONDS_PER_DAY;

/// Weekday names in simulated-time order (time 0 is Monday 00:00).
pub const WEEKDAY_NAMES: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Short weekday labels used in reports.
pub const WEEKDAY_LABELS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// Parses a duration as people write it ("90s", "4m", "2h", "7d", "1h 30m", "500ms") into
/// seconds. The parsing itself is `humantime`'s; this adds the message a planner can act on.
pub fn parse_duration_seconds(text: &str) -> Result<f64, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(
            "empty duration; write a number with a unit, e.g. \"90s\", \"4m\", \"2h\", \"7d\""
                .into(),
        );
    }
    if trimmed.starts_with('-') {
        return Err(format!(
            "duration \"{text}\" is negative; durations must be positive"
        ));
    }
    if trimmed.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return Err(format!(
            "duration \"{text}\" has no unit; write e.g. \"{trimmed}s\" or \"{trimmed}m\""
        ));
    }
    if let Some(reason) = month_unit(trimmed) {
        return Err(reason);
    }
    match humantime::parse_duration(trimmed) {
        Ok(duration) => Ok(duration.as_secs_f64()),
        Err(error) => Err(format!(
            "cannot read duration \"{text}\" ({error}); write e.g. \"90s\", \"4m\", \"2h\", \"7d\" or \"1h 30m\""
        )),
    }
}

/// Why a duration written in months is refused: humantime reads "2M" as two months, one
/// shift key away from "2m", two minutes, and a month has no fixed length in a contact
/// center's calendar anyway. `None` when no unit is a month.
fn month_unit(text: &str) -> Option<String> {
    let mut units = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        if c.is_alphabetic() {
            current.push(c);
        } else if !current.is_empty() {
            units.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        units.push(current);
    }
    let month = units
        .iter()
        .find(|unit| matches!(unit.as_str(), "M" | "month" | "months"))?;
    Some(if month == "M" {
        format!(
            "duration \"{text}\" is in months (M); did you mean \"{}\" (m is minutes)? Longer spans are written in days, e.g. \"30d\"",
            text.replace('M', "m")
        )
    } else {
        format!(
            "duration \"{text}\" is in months, which have no fixed length; write days, e.g. \"30d\""
        )
    })
}

/// Parses a time of day "HH:MM" (00:00 to 24:00) into seconds after midnight.
pub fn parse_time_of_day_seconds(text: &str) -> Result<f64, String> {
    let bad =
        || format!("cannot read time of day \"{text}\"; write it as HH:MM, from 00:00 to 24:00");
    let (hours_text, minutes_text) = text.trim().split_once(':').ok_or_else(bad)?;
    let hours: u32 = hours_text.parse().map_err(|_| bad())?;
    let minutes: u32 = minutes_text.parse().map_err(|_| bad())?;
    if minutes >= 60 || hours > 24 || (hours == 24 && minutes != 0) || minutes_text.len() != 2 {
        return Err(bad());
    }
    Ok(f64::from(hours * 3600 + minutes * 60))
}

/// Parses "HH:MM-HH:MM" into (open, close) seconds after midnight, with open < close.
pub fn parse_time_range_seconds(text: &str) -> Result<(f64, f64), String> {
    let (open_text, close_text) = text.split_once('-').ok_or_else(|| {
        format!("cannot read opening hours \"{text}\"; write a range like \"08:00-18:00\"")
    })?;
    let open = parse_time_of_day_seconds(open_text)?;
    let close = parse_time_of_day_seconds(close_text)?;
    if close <= open {
        return Err(format!(
            "opening hours \"{text}\" close before they open; ranges may not cross midnight (write two ranges)"
        ));
    }
    Ok((open, close))
}

/// Parses a moment of the simulated time: "tue 11:00" (or "tuesday 11:00") in the first
/// week, "week 2 mon 09:00", or an offset from the start written as a duration ("1d 11h",
/// "0s"). Time 0 is Monday 00:00.
pub fn parse_time_point_seconds(text: &str) -> Result<f64, String> {
    let bad = || {
        format!(
            "cannot read moment \"{text}\"; write a weekday and time (\"tue 11:00\", \"week 2 mon 09:00\") or an offset from the start (\"1d 11h\")"
        )
    };
    let words: Vec<&str> = text.split_whitespace().collect();
    let (week, rest) = match words.as_slice() {
        ["week", number, rest @ ..] => {
            let number: u32 = number.parse().map_err(|_| bad())?;
            if number == 0 {
                return Err(format!("\"{text}\": weeks count from 1"));
            }
            (number - 1, rest)
        }
        rest => (0, rest),
    };
    if let [day, clock] = rest {
        let day = day.to_ascii_lowercase();
        if let Some(day_idx) = WEEKDAY_NAMES
            .iter()
            .position(|name| *name == day || (day.len() == 3 && name.starts_with(&day)))
        {
            let in_day = parse_time_of_day_seconds(clock)?;
            return Ok(f64::from(week) * SECONDS_PER_WEEK
                + day_idx as f64 * SECONDS_PER_DAY
                + in_day);
        }
    }
    if week > 0 || text.contains(':') {
        return Err(bad());
    }
    let trimmed = text.trim();
    if trimmed.chars().all(|c| c == '0') && !trimmed.is_empty() {
        return Err(bad());
    }
    match humantime::parse_duration(trimmed) {
        Ok(duration) => Ok(duration.as_secs_f64()),
        Err(_) => Err(bad()),
    }
}

/// A count with thousands separators ("1,247").
pub fn thousands(value: f64) -> String {
    let digits = format!("{:.0}", value.max(0.0));
    let mut grouped = String::new();
    for (idx, digit) in digits.chars().enumerate() {
        if idx > 0 && (digits.len() - idx) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

/// A size in bytes as people read it: "640 KB", "3.1 GB" (powers of 1000).
pub fn format_bytes(bytes: f64) -> String {
    let units = ["bytes", "KB", "MB", "GB", "TB", "PB"];
    let mut value = bytes.max(0.0);
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < units.len() {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 || value >= 10.0 {
        format!("{value:.0} {}", units[unit])
    } else {
        format!("{value:.1} {}", units[unit])
    }
}

/// Formats seconds compactly for messages and reports: "45s", "4m", "2h 30m", "7d".
pub fn format_duration(seconds: f64) -> String {
    if !seconds.is_finite() {
        return "-".into();
    }
    if seconds < 60.0 {
        if seconds.fract() == 0.0 {
            return format!("{seconds:.0}s");
        }
        return format!("{seconds:.1}s");
    }
    let whole = seconds.round() as u64;
    let (days, hours, minutes, secs) = (
        whole / 86_400,
        whole / 3600 % 24,
        whole / 60 % 60,
        whole % 60,
    );
    let mut parts = Vec::new();
    if days > 0 {
        parts.push(format!("{days}d"));
    }
    if hours > 0 {
        parts.push(format!("{hours}h"));
    }
    if minutes > 0 {
        parts.push(format!("{minutes}m"));
    }
    if secs > 0 && days == 0 && hours == 0 {
        parts.push(format!("{secs}s"));
    }
    parts.join(" ")
}

/// A wait as a person reads it: tenths of a second under a minute ("12.5s"), else a
/// duration ("4m 10s").
pub fn format_wait(seconds: f64) -> String {
    if seconds < 60.0 {
        format!("{seconds:.1}s")
    } else {
        format_duration(seconds.round())
    }
}

/// "08:30": the time of day of `seconds` after a midnight (a time past midnight wraps, so a
/// break 26 hours after Monday's start reads "02:00").
pub fn format_time_of_day(seconds: f64) -> String {
    let minutes = (seconds.rem_euclid(SECONDS_PER_DAY) / 60.0).round() as u64 % (24 * 60);
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// "Mon 08:30" for a simulated time (time 0 is Monday 00:00), with the day number when the
/// horizon is longer than a week ("d9 Tue 08:30").
pub fn format_clock(seconds: f64, with_day_number: bool) -> String {
    let day = (seconds / SECONDS_PER_DAY).floor() as u64;
    let in_day = (seconds - day as f64 * SECONDS_PER_DAY).round() as u64;
    let label = WEEKDAY_LABELS[(day % 7) as usize];
    let clock = format!("{:02}:{:02}", in_day / 3600, in_day / 60 % 60);
    if with_day_number {
        format!("d{} {label} {clock}", day + 1)
    } else {
        format!("{label} {clock}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check_duration(text: &str, expected: Result<f64, &str>) {
        match (parse_duration_seconds(text), expected) {
            (Ok(got), Ok(want)) => assert_eq!(got, want, "{text}"),
            (Err(got), Err(fragment)) => assert!(got.contains(fragment), "{text}: {got}"),
            (got, want) => panic!("{text}: got {got:?}, want {want:?}"),
        }
    }

    #[test]
    fn durations() {
        check_duration("90s", Ok(90.0));
        check_duration("4m", Ok(240.0));
        check_duration("2h", Ok(7200.0));
        check_duration("7d", Ok(604_800.0));
        check_duration("1h 30m", Ok(5400.0));
        check_duration("1h30m", Ok(5400.0));
        check_duration("500ms", Ok(0.5));
        check_duration("90", Err("has no unit"));
        check_duration("-5m", Err("negative"));
        check_duration("", Err("empty"));
        check_duration("soon", Err("cannot read duration"));
        // Months: "2M" is one shift key from "2m" and was read as two months.
        check_duration("2M", Err("did you mean \"2m\" (m is minutes)?"));
        check_duration("1h 2M", Err("did you mean \"1h 2m\""));
        check_duration("3 months", Err("months, which have no fixed length"));
        check_duration("1month", Err("write days"));
        check_duration("2m", Ok(120.0));
        check_duration("1y", Ok(31_557_600.0));
    }

    #[test]
    fn times_of_day() {
        assert_eq!(parse_time_of_day_seconds("08:00"), Ok(28_800.0));
        assert_eq!(format_time_of_day(28_800.0 + 1_800.0), "08:30");
        assert_eq!(format_time_of_day(26.0 * 3_600.0), "02:00");
        assert_eq!(format_time_of_day(86_399.9), "00:00");
        assert_eq!(parse_time_of_day_seconds("24:00"), Ok(86_400.0));
        assert!(parse_time_of_day_seconds("24:30").is_err());
        assert!(parse_time_of_day_seconds("8:5").is_err());
        assert_eq!(
            parse_time_range_seconds("08:00-18:30"),
            Ok((28_800.0, 66_600.0))
        );
        assert!(
            parse_time_range_seconds("18:00-08:00")
                .unwrap_err()
                .contains("cross midnight")
        );
    }

    #[test]
    fn time_points() {
        assert_eq!(
            parse_time_point_seconds("tue 11:00"),
            Ok(86_400.0 + 39_600.0)
        );
        assert_eq!(parse_time_point_seconds("Monday 09:00"), Ok(32_400.0));
        assert_eq!(
            parse_time_point_seconds("week 2 mon 00:30"),
            Ok(SECONDS_PER_WEEK + 1800.0)
        );
        assert_eq!(parse_time_point_seconds("1d 11h"), Ok(126_000.0));
        assert_eq!(parse_time_point_seconds("0s"), Ok(0.0));
        assert!(parse_time_point_seconds("tue").is_err());
        assert!(parse_time_point_seconds("someday 11:00").is_err());
        assert!(parse_time_point_seconds("tue 25:00").is_err());
        assert!(parse_time_point_seconds("week 0 mon 09:00").is_err());
    }

    #[test]
    fn formatting() {
        assert_eq!(format_duration(20.0), "20s");
        assert_eq!(format_duration(14_400.0), "4h");
        assert_eq!(format_duration(9000.0), "2h 30m");
        assert_eq!(format_clock(86_400.0 + 8.5 * 3600.0, false), "Tue 08:30");
        assert_eq!(format_clock(8.0 * 86_400.0, true), "d9 Tue 00:00");
    }
}
