//! `[[shift_templates]]`: raw templates to `ShiftTemplate`s. Every problem names its key
//! (`shift_templates[1].breaks[0].latest`): a length over a day, start times that are not
//! "HH:MM" or a range with a zero step, more working days than the template allows, a break
//! that cannot fit inside the shift or after the break before it, a cost out of range, a
//! group the scenario lacks, a name used twice.

use super::checker::Checker;
use super::staffing::days;
use crate::scenario::raw::{RawBreakRule, RawShiftTemplate};
use crate::scenario::shift_templates::{BreakRule, MAX_SHIFT_SECONDS, ShiftTemplate};
use crate::units::{SECONDS_PER_DAY, format_duration, parse_time_of_day_seconds};

/// The most templates a scenario may hold (each expands to starts x days x break placements).
pub const MAX_TEMPLATES: usize = 100;

pub(crate) fn shift_templates(
    checker: &mut Checker,
    raw: &[RawShiftTemplate],
    group_names: &[&str],
) -> Option<Vec<ShiftTemplate>> {
    if raw.len() > MAX_TEMPLATES {
        checker.fail(
            "shift_templates",
            format!(
                "{} templates; at most {MAX_TEMPLATES} are supported",
                raw.len()
            ),
        );
        return None;
    }
    let before = checker.problems.len();
    let mut templates: Vec<ShiftTemplate> = Vec::new();
    for (template_idx, raw) in raw.iter().enumerate() {
        let key = format!("shift_templates[{template_idx}]");
        if let Some(template) = shift_template(checker, &key, raw, template_idx, group_names) {
            if templates.iter().any(|t| t.name == template.name) {
                checker.fail(
                    &format!("{key}.name"),
                    format!(
                        "\"{}\" names another template too; names must differ",
                        template.name
                    ),
                );
            }
            templates.push(template);
        }
    }
    (checker.problems.len() == before).then_some(templates)
}

fn shift_template(
    checker: &mut Checker,
    key: &str,
    raw: &RawShiftTemplate,
    template_idx: usize,
    group_names: &[&str],
) -> Option<ShiftTemplate> {
    let name = raw
        .name
        .clone()
        .unwrap_or_else(|| format!("template {}", template_idx + 1));
    let length = checker.duration(&format!("{key}.length"), &raw.length);
    if let Some(length) = length
        && length > MAX_SHIFT_SECONDS
    {
        checker.fail(
            &format!("{key}.length"),
            format!("{} is longer than a day", format_duration(length)),
        );
    }
    let start_times = start_times(checker, &format!("{key}.starts"), &raw.starts);
    let allowed_days = days(checker, &format!("{key}.days"), raw.days.as_ref());
    let days_per_week = allowed_days.and_then(|allowed| {
        let allowed_count = allowed.iter().filter(|d| **d).count();
        let wanted = raw.days_per_week.unwrap_or(allowed_count.min(5) as i64);
        let key = format!("{key}.days_per_week");
        if !(1..=allowed_count as i64).contains(&wanted) {
            checker.fail(
                &key,
                format!(
                    "must be from 1 to the {allowed_count} day(s) the template allows, got {wanted}"
                ),
            );
            return None;
        }
        Some(wanted as usize)
    });
    let cost_per_hour = checker.cost(&format!("{key}.cost_per_hour"), raw.cost_per_hour, "hour");
    if raw.cost_per_hour.is_some() && cost_per_hour.is_none() {
        return None;
    }
    let staffs_group = match &raw.groups {
        Some(names) if names.is_empty() => {
            checker.fail(
                &format!("{key}.groups"),
                "is empty; name the groups the template staffs, or leave the key out for all",
            );
            None
        }
        listed => checker.flags(
            &format!("{key}.groups"),
            listed
                .as_ref()
                .map(|names| names.iter().map(String::as_str)),
            group_names,
            "group",
        ),
    };
    let length = length.filter(|&l| l <= MAX_SHIFT_SECONDS)?;
    let mut breaks = Vec::new();
    for (break_idx, raw_break) in raw.breaks.iter().enumerate() {
        let break_key = format!("{key}.breaks[{break_idx}]");
        breaks.push(break_rule(checker, &break_key, raw_break, length)?);
    }
    let template = ShiftTemplate {
        name,
        length_seconds: length,
        start_times: start_times?,
        days_per_week: days_per_week?,
        allowed_days: allowed_days?,
        breaks,
        cost_per_hour,
        staffs_group: staffs_group?,
    };
    if template.day_patterns().is_empty() {
        checker.fail(
            &format!("{key}.days_per_week"),
            format!(
                "no {} consecutive days lie inside the template's days; working days are consecutive (Sunday runs on to Monday)",
                template.days_per_week
            ),
        );
        return None;
    }
    // On the finest grid a roster uses (a minute), some placement must exist.
    if template.break_placements(60.0).is_empty() {
        checker.fail(
            &format!("{key}.breaks"),
            "the breaks cannot all be placed: each starts after the one before it ends, within its window and inside the shift",
        );
        return None;
    }
    if template.paid_seconds_per_day() <= 0.0 {
        checker.fail(
            &format!("{key}.breaks"),
            "unpaid breaks take the whole shift; nothing is left to pay or work",
        );
        return None;
    }
    Some(template)
}

/// "HH:MM" of a start time within a day.
fn time_of_day(checker: &mut Checker, key: &str, text: &str) -> Option<f64> {
    match parse_time_of_day_seconds(text) {
        Ok(seconds) if seconds < SECONDS_PER_DAY => Some(seconds),
        Ok(_) => {
            checker.fail(key, "a shift starts before 24:00");
            None
        }
        Err(reason) => {
            checker.fail(key, reason);
            None
        }
    }
}

/// `["08:00", "09:00"]` or `{ from = "06:00", to = "14:00", every = "30m" }`, sorted and
/// distinct.
fn start_times(checker: &mut Checker, key: &str, value: &toml::Value) -> Option<Vec<f64>> {
    const SHAPE: &str = "give a list of \"HH:MM\" times or a range { from = \"06:00\", to = \"14:00\", every = \"30m\" }";
    let mut times = match value {
        toml::Value::Array(items) if !items.is_empty() => {
            let mut times = Vec::new();
            for (idx, item) in items.iter().enumerate() {
                let item_key = format!("{key}[{idx}]");
                match item.as_str() {
                    Some(text) => times.push(time_of_day(checker, &item_key, text)),
                    None => {
                        checker.fail(&item_key, format!("must be a \"HH:MM\" time; {SHAPE}"));
                        times.push(None);
                    }
                }
            }
            times.into_iter().collect::<Option<Vec<f64>>>()?
        }
        toml::Value::Table(table) => {
            for field in table.keys() {
                if !["from", "to", "every"].contains(&field.as_str()) {
                    checker.fail(
                        &format!("{key}.{field}"),
                        format!("unknown field; a range has from, to and every ({SHAPE})"),
                    );
                    return None;
                }
            }
            let mut field =
                |name: &str, parse: &mut dyn FnMut(&mut Checker, &str, &str) -> Option<f64>| {
                    let field_key = format!("{key}.{name}");
                    match table.get(name).and_then(toml::Value::as_str) {
                        Some(text) => parse(checker, &field_key, text),
                        None => {
                            checker.fail(&field_key, format!("missing or not a string; {SHAPE}"));
                            None
                        }
                    }
                };
            let from = field("from", &mut time_of_day);
            let to = field("to", &mut time_of_day);
            let every = field("every", &mut |checker, key, text| {
                checker.duration(key, text)
            });
            let (from, to, every) = (from?, to?, every?);
            if to < from {
                checker.fail(
                    &format!("{key}.to"),
                    "is before from; a range of start times runs forward within a day",
                );
                return None;
            }
            let count = ((to - from) / every).floor() as usize + 1;
            (0..count).map(|step| from + step as f64 * every).collect()
        }
        _ => {
            checker.fail(key, SHAPE);
            return None;
        }
    };
    times.sort_by(f64::total_cmp);
    times.dedup();
    Some(times)
}

fn break_rule(
    checker: &mut Checker,
    key: &str,
    raw: &RawBreakRule,
    shift_length: f64,
) -> Option<BreakRule> {
    let length = checker.duration(&format!("{key}.length"), &raw.length);
    let earliest = checker.offset(&format!("{key}.earliest"), &raw.earliest);
    let latest = checker.offset(&format!("{key}.latest"), &raw.latest);
    let (length, earliest, latest) = (length?, earliest?, latest?);
    if length >= shift_length {
        checker.fail(
            &format!("{key}.length"),
            format!(
                "a break of {} is not shorter than the shift ({})",
                format_duration(length),
                format_duration(shift_length)
            ),
        );
        return None;
    }
    if latest < earliest {
        checker.fail(
            &format!("{key}.latest"),
            format!(
                "{} is before earliest ({})",
                format_duration(latest),
                format_duration(earliest)
            ),
        );
        return None;
    }
    if earliest + length > shift_length {
        checker.fail(
            &format!("{key}.earliest"),
            format!(
                "a break starting {} into the shift ends after the shift's {}; breaks lie inside the shift",
                format_duration(earliest),
                format_duration(shift_length)
            ),
        );
        return None;
    }
    Some(BreakRule {
        length_seconds: length,
        earliest_seconds: earliest,
        latest_seconds: latest,
        paid: raw.paid.unwrap_or(true),
    })
}
