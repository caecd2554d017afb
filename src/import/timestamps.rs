//! Reading the times and durations platform exports write: RFC 3339 / ISO 8601 (with an
//! offset, or without one and then in the export's time zone), RFC 2822 (Twilio), Unix
//! seconds or milliseconds (Intercom, Aircall), or a strftime pattern (`%d/%m/%Y %H:%M`);
//! durations as numbers in a unit or as `H:MM:SS`. Every conversion goes through jiff with
//! its compiled-in time-zone database, so the same export gives the same UTC instants on any
//! machine.

use jiff::Timestamp;
use jiff::tz::TimeZone;

/// How a mapping's time columns are written.
#[derive(Debug, Clone, PartialEq)]
pub enum TimeFormat {
    /// `2024-01-15T10:23:45Z`, `2024-01-15 10:23:45+02:00`, or without an offset (then
    /// local to the mapping's time zone).
    Rfc3339,
    /// `Tue, 31 Aug 2010 20:36:28 +0000`.
    Rfc2822,
    UnixSeconds,
    UnixMilliseconds,
    /// A strftime pattern (jiff's `strtime`); without `%z` the time is local.
    Pattern(String),
}

impl TimeFormat {
    /// The format named in a mapping: `rfc3339` (or `iso8601`), `rfc2822`, `unix`,
    /// `unix_ms`, or a pattern with at least one `%`.
    pub fn from_name(name: &str) -> Option<TimeFormat> {
        match name {
            "rfc3339" | "iso8601" => Some(TimeFormat::Rfc3339),
            "rfc2822" => Some(TimeFormat::Rfc2822),
            "unix" => Some(TimeFormat::UnixSeconds),
            "unix_ms" => Some(TimeFormat::UnixMilliseconds),
            pattern if pattern.contains('%') => Some(TimeFormat::Pattern(pattern.to_string())),
            _ => None,
        }
    }
}

/// The instant `text` names, reading times without an offset in `zone`.
pub fn parse_time(text: &str, format: &TimeFormat, zone: &TimeZone) -> Result<Timestamp, String> {
    let text = text.trim();
    let result = match format {
        TimeFormat::Rfc3339 => match text.parse::<Timestamp>() {
            Ok(instant) => Ok(instant),
            Err(_) => text
                .parse::<jiff::civil::DateTime>()
                .map_err(|error| error.to_string())
                .and_then(|civil| local_instant(civil, zone)),
        },
        TimeFormat::Rfc2822 => jiff::fmt::rfc2822::parse(text)
            .map(|zoned| zoned.timestamp())
            .map_err(|error| error.to_string()),
        TimeFormat::UnixSeconds | TimeFormat::UnixMilliseconds => {
            let scale = if *format == TimeFormat::UnixSeconds {
                1.0
            } else {
                1e-3
            };
            match text.parse::<f64>() {
                Ok(value) if value.is_finite() => {
                    let seconds = value * scale;
                    Timestamp::from_second(seconds.floor() as i64)
                        .and_then(|whole| {
                            let nanos = ((seconds - seconds.floor()) * 1e9).round() as i64;
                            whole.checked_add(jiff::SignedDuration::from_nanos(nanos))
                        })
                        .map_err(|error| error.to_string())
                }
                _ => Err("not a number".to_string()),
            }
        }
        TimeFormat::Pattern(pattern) => jiff::fmt::strtime::parse(pattern, text)
            .map_err(|error| error.to_string())
            .and_then(|broken_down| match broken_down.offset() {
                Some(_) => broken_down
                    .to_timestamp()
                    .map_err(|error| error.to_string()),
                None => broken_down
                    .to_datetime()
                    .map_err(|error| error.to_string())
                    .and_then(|civil| local_instant(civil, zone)),
            }),
    };
    result.map_err(|reason| format!("`{text}` is not a time in the mapping's format ({reason})"))
}

/// A local wall-clock time in `zone`; in a DST gap or fold, the earlier reading (jiff's
/// "compatible" rule, as RFC 5545 and Temporal resolve it).
fn local_instant(civil: jiff::civil::DateTime, zone: &TimeZone) -> Result<Timestamp, String> {
    zone.to_timestamp(civil).map_err(|error| error.to_string())
}

/// The unit a duration column is written in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DurationUnit {
    Milliseconds,
    Seconds,
    Minutes,
    Hours,
}

impl DurationUnit {
    pub fn from_name(name: &str) -> Option<DurationUnit> {
        match name {
            "milliseconds" | "ms" => Some(DurationUnit::Milliseconds),
            "seconds" | "s" => Some(DurationUnit::Seconds),
            "minutes" | "m" => Some(DurationUnit::Minutes),
            "hours" | "h" => Some(DurationUnit::Hours),
            _ => None,
        }
    }

    fn seconds(self) -> f64 {
        match self {
            DurationUnit::Milliseconds => 1e-3,
            DurationUnit::Seconds => 1.0,
            DurationUnit::Minutes => 60.0,
            DurationUnit::Hours => 3600.0,
        }
    }
}

/// Seconds in a duration cell: a number in `unit`, or `H:MM:SS` / `MM:SS` whatever the unit.
pub fn parse_duration(text: &str, unit: DurationUnit) -> Result<f64, String> {
    let text = text.trim();
    let seconds = if text.contains(':') {
        let parts: Vec<&str> = text.split(':').collect();
        let numbers: Option<Vec<f64>> = parts.iter().map(|p| p.parse::<f64>().ok()).collect();
        match numbers.as_deref() {
            Some([minutes, seconds]) => Some(minutes * 60.0 + seconds),
            Some([hours, minutes, seconds]) => Some(hours * 3600.0 + minutes * 60.0 + seconds),
            _ => None,
        }
    } else {
        text.parse::<f64>().ok().map(|value| value * unit.seconds())
    };
    match seconds {
        Some(value) if value.is_finite() && value >= 0.0 => Ok(value),
        _ => Err(format!(
            "`{text}` is not a duration (a non-negative number, or H:MM:SS)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, format: &str, zone: &str, expected: &str) {
        let format = TimeFormat::from_name(format).unwrap();
        let zone = TimeZone::get(zone).unwrap();
        let instant = parse_time(text, &format, &zone).unwrap();
        assert_eq!(instant.to_string(), expected, "{text}");
    }

    #[test]
    fn every_format_gives_the_same_utc_instant() {
        check(
            "2024-01-15T10:23:45Z",
            "rfc3339",
            "UTC",
            "2024-01-15T10:23:45Z",
        );
        check(
            "2024-01-15 12:23:45+02:00",
            "rfc3339",
            "UTC",
            "2024-01-15T10:23:45Z",
        );
        // No offset: local to the export's zone (New York is UTC-5 in January).
        check(
            "2024-01-15 05:23:45",
            "iso8601",
            "America/New_York",
            "2024-01-15T10:23:45Z",
        );
        check(
            "Mon, 15 Jan 2024 10:23:45 +0000",
            "rfc2822",
            "UTC",
            "2024-01-15T10:23:45Z",
        );
        check("1705314225", "unix", "UTC", "2024-01-15T10:23:45Z");
        check("1705314225500", "unix_ms", "UTC", "2024-01-15T10:23:45.5Z");
        check(
            "15/01/2024 11:23",
            "%d/%m/%Y %H:%M",
            "Europe/Paris",
            "2024-01-15T10:23:00Z",
        );
        // Summer time: Jerusalem is UTC+3 in July.
        check(
            "1999-07-01 07:00:00",
            "rfc3339",
            "Asia/Jerusalem",
            "1999-07-01T04:00:00Z",
        );
    }

    #[test]
    fn text_that_is_not_a_time_says_so() {
        let zone = TimeZone::UTC;
        let error = parse_time("yesterday", &TimeFormat::Rfc3339, &zone).unwrap_err();
        assert!(error.contains("`yesterday`"), "{error}");
        assert!(parse_time("12x", &TimeFormat::UnixSeconds, &zone).is_err());
        assert!(TimeFormat::from_name("dd/mm/yyyy").is_none());
    }

    #[test]
    fn durations_in_units_and_clock_form() {
        assert_eq!(parse_duration("90", DurationUnit::Seconds), Ok(90.0));
        assert_eq!(parse_duration("1.5", DurationUnit::Minutes), Ok(90.0));
        assert_eq!(parse_duration("0.5", DurationUnit::Hours), Ok(1800.0));
        assert_eq!(parse_duration("2500", DurationUnit::Milliseconds), Ok(2.5));
        assert_eq!(parse_duration("1:02:03", DurationUnit::Minutes), Ok(3723.0));
        assert_eq!(parse_duration("02:03", DurationUnit::Hours), Ok(123.0));
        assert!(parse_duration("-4", DurationUnit::Seconds).is_err());
        assert!(parse_duration("soon", DurationUnit::Seconds).is_err());
    }
}
