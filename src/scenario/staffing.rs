//! Staffing files: per-interval headcounts or shift rosters (and optionally shrinkage) for
//! some of a scenario's groups, kept apart from the scenario so a plan or a roster can be
//! written by `omnisim plan` or `omnisim roster` and re-run with
//! `omnisim run SCENARIO --staffing FILE`.
//!
//! ```toml
//! # omnisim staffing for retail_week
//! [groups.phone_team]
//! headcount = [0, 0, 1, 2, 2, 1]   # one per reporting interval, repeating like a scenario's
//! ```
//!
//! Validated like the scenario: unknown keys, groups the scenario lacks and bad counts are
//! problems naming their key path and line.

use indexmap::IndexMap;
use serde::Deserialize;

use super::raw::RawShift;
use super::schedule::Shift;
use super::validate::checker::Checker;
use super::validate::parse_raw;
use super::validate::staffing::shifts;
use super::validate::values::headcount;
use super::{Headcount, Scenario};
use crate::error::ScenarioProblem;
use crate::units::{WEEKDAY_NAMES, format_duration, format_time_of_day};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStaffing {
    groups: IndexMap<String, RawStaffingGroup>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStaffingGroup {
    headcount: Option<toml::Value>,
    /// A shift roster, as in a scenario (what `omnisim roster` writes).
    #[serde(default)]
    shifts: Vec<RawShift>,
    /// Replaces the group's shrinkage (a share from 0 to below 1).
    shrinkage: Option<f64>,
}

/// Replaces the headcount of every group the staffing text names.
pub fn apply_staffing_str(
    scenario: Scenario,
    text: &str,
) -> Result<Scenario, Vec<ScenarioProblem>> {
    let raw: RawStaffing = parse_raw(text)?;
    let mut checker = Checker::default();
    let mut changes = Vec::new();
    for (name, group) in &raw.groups {
        let key = format!("groups.{name}");
        let known: Vec<&str> = scenario.groups().iter().map(|g| g.name.as_str()).collect();
        let Some(group_idx) = checker.lookup(&key, name, &known, "group") else {
            continue;
        };
        let staffing = match (&group.headcount, group.shifts.is_empty()) {
            (Some(value), true) => headcount(&mut checker, &format!("{key}.headcount"), value),
            (None, false) => {
                shifts(&mut checker, &format!("{key}.shifts"), &group.shifts).map(Headcount::Shifts)
            }
            (Some(_), false) => {
                checker.fail(&key, "give either headcount or shifts, not both");
                None
            }
            (None, true) => {
                checker.fail(
                    &key,
                    "give headcount (a number or one per interval) or [[shifts]]",
                );
                None
            }
        };
        let shrinkage = match group.shrinkage {
            Some(share) if !(share.is_finite() && (0.0..1.0).contains(&share)) => {
                checker.fail(
                    &format!("{key}.shrinkage"),
                    format!("must be a share from 0 to below 1, got {share}"),
                );
                None
            }
            share => Some(share),
        };
        if let (Some(staffing), Some(shrinkage)) = (staffing, shrinkage) {
            changes.push((group_idx, staffing, shrinkage));
        }
    }
    if !checker.problems.is_empty() {
        return Err(checker.problems);
    }
    let shrinkages: Vec<(usize, f64)> = changes
        .iter()
        .filter_map(|&(group_idx, _, shrinkage)| shrinkage.map(|s| (group_idx, s)))
        .collect();
    scenario
        .with_headcounts(changes.into_iter().map(|(group_idx, h, _)| (group_idx, h)))
        .map(|scenario| scenario.with_shrinkages(shrinkages))
        .map_err(|problem| vec![problem])
}

/// A staffing file's text: `header` as comment lines, then one table per group.
pub fn staffing_toml(header: &str, groups: &[(&str, &Headcount)]) -> String {
    let mut text = String::new();
    for line in header.lines() {
        text.push_str(&format!("# {line}\n"));
    }
    for (name, headcount) in groups {
        text.push_str(&format!("\n[groups.{}]\n", toml_key(name)));
        match headcount {
            Headcount::Constant(count) => text.push_str(&format!("headcount = {count}\n")),
            Headcount::PerInterval(counts) => {
                text.push_str("headcount = [\n");
                for chunk in counts.chunks(24) {
                    let line: Vec<String> = chunk.iter().map(u32::to_string).collect();
                    text.push_str(&format!("  {},\n", line.join(", ")));
                }
                text.push_str("]\n");
            }
            Headcount::Shifts(_) => {
                text.push_str("# staffed by shifts in the scenario; not rewritten here\n");
            }
        }
    }
    text
}

/// A staffing file of shift rosters (what `omnisim roster` writes): `header` as comment
/// lines, then per group its shrinkage (when given) and one `[[groups.NAME.shifts]]` table
/// per shift, as a scenario writes them, so `apply_staffing_str` reads back the same roster.
pub fn shifts_toml(header: &str, groups: &[(&str, &[Shift], Option<f64>)]) -> String {
    let mut text = String::new();
    for line in header.lines() {
        text.push_str(&format!("# {line}\n"));
    }
    for (name, shifts, shrinkage) in groups {
        let key = toml_key(name);
        if shrinkage.is_some() || shifts.is_empty() {
            text.push_str(&format!("\n[groups.{key}]\n"));
        }
        if let Some(share) = shrinkage {
            text.push_str(&format!("shrinkage = {share}\n"));
        }
        if shifts.is_empty() {
            text.push_str("headcount = 0   # no shifts rostered\n");
        }
        for shift in *shifts {
            let days: Vec<String> = (0..7)
                .filter(|&day| shift.days[day])
                .map(|day| format!("\"{}\"", &WEEKDAY_NAMES[day][..3]))
                .collect();
            let breaks: Vec<String> = shift
                .breaks
                .iter()
                .map(|&(after, length)| {
                    format!(
                        "{{ after = \"{}\", length = \"{}\" }}",
                        format_duration(after),
                        format_duration(length)
                    )
                })
                .collect();
            text.push_str(&format!(
                "\n[[groups.{key}.shifts]]\nname = {}\nstart = \"{}\"\nlength = \"{}\"\ndays = [{}]\nagents = {}\n",
                toml::Value::String(shift.name.clone()),
                format_time_of_day(shift.start_seconds),
                format_duration(shift.length_seconds),
                days.join(", "),
                shift.agents
            ));
            if !breaks.is_empty() {
                text.push_str(&format!("breaks = [{}]\n", breaks.join(", ")));
            }
        }
    }
    text
}

/// A TOML key, quoted unless it is bare-key safe.
fn toml_key(name: &str) -> String {
    if !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        name.to_string()
    } else {
        toml::Value::String(name.to_string()).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse_scenario_str;

    const BASE: &str = r#"
[simulation]
horizon = "2h"
interval = "1h"
replications = 1
seed = 1

[channels.phone]
kind = "voice"
sla = { within = "20s", target = 0.8 }
handle_time = { distribution = "exponential", mean = "3m" }

[arrivals.phone]
rate_per_hour = 10

[groups.tier1]
headcount = 2
channels = ["phone"]

[groups."night shift"]
headcount = 1
channels = ["phone"]
"#;

    #[track_caller]
    fn check(staffing: &str, expected: Result<Vec<Headcount>, &[&str]>) {
        let scenario = parse_scenario_str(BASE, "base").unwrap();
        match (apply_staffing_str(scenario, staffing), expected) {
            (Ok(scenario), Ok(headcounts)) => {
                let got: Vec<Headcount> = scenario
                    .groups()
                    .iter()
                    .map(|g| g.headcount.clone())
                    .collect();
                assert_eq!(got, headcounts);
            }
            (Err(problems), Err(fragments)) => {
                let text: String = problems
                    .iter()
                    .map(|p| format!("{}: {} {:?}\n", p.key, p.reason, p.line_column))
                    .collect();
                for fragment in fragments {
                    assert!(text.contains(fragment), "{text} lacks {fragment}");
                }
            }
            (got, want) => panic!("got {got:?}, want {want:?}"),
        }
    }

    #[test]
    fn staffing_files() {
        check(
            "[groups.tier1]\nheadcount = [3, 4]\n",
            Ok(vec![
                Headcount::PerInterval(vec![3, 4]),
                Headcount::Constant(1),
            ]),
        );
        // What staffing_toml writes reads back to the same headcounts.
        let written = staffing_toml(
            "a plan\nsecond line",
            &[
                ("tier1", &Headcount::Constant(5)),
                ("night shift", &Headcount::PerInterval(vec![0, 2])),
            ],
        );
        check(
            &written,
            Ok(vec![
                Headcount::Constant(5),
                Headcount::PerInterval(vec![0, 2]),
            ]),
        );
        check(
            "[groups.tier2]\nheadcount = 3\n",
            Err(&[
                "groups.tier2",
                "no group named \"tier2\"",
                "tier1, night shift",
            ]),
        );
        check(
            "[groups.tier1]\nheadcount = [3, -1]\n",
            Err(&["groups.tier1.headcount", "whole number"]),
        );
        check(
            "[groups.tier1]\nheadcount = 3\nshifts = 2\n",
            Err(&["shifts", "Some((3"]),
        );
        check(
            "[groups.tier1]\nheadcount = 900000\n[groups.\"night shift\"]\nheadcount = 900000\n",
            Err(&["1800000 agents"]),
        );
    }
}
