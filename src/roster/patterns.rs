//! Shift patterns: every concrete shift a group's templates allow (a template, a start time,
//! a set of consecutive working days, a placement of its breaks), with what one agent on it
//! costs a week and how much of each interval of the week it covers. These are the columns
//! of the roster's covering problem.

use crate::error::ScenarioProblem;
use crate::scenario::Scenario;
use crate::scenario::schedule::Shift;
use crate::scenario::shift_templates::ShiftTemplate;
use crate::units::{SECONDS_PER_DAY, SECONDS_PER_WEEK, WEEKDAY_NAMES, format_time_of_day};

/// The most patterns one group's covering problem may have (the integer program grows with
/// them; narrow start times or break windows instead).
pub const MAX_PATTERNS_PER_GROUP: usize = 50_000;

/// One concrete shift: what an agent rostered on it works every week.
#[derive(Debug, Clone, PartialEq)]
pub struct ShiftPattern {
    pub template_idx: usize,
    /// Seconds after midnight.
    pub start_seconds: f64,
    pub length_seconds: f64,
    /// `[weekday]`, Monday first.
    pub days: [bool; 7],
    /// (offset from the start, length) of each break, sorted.
    pub breaks: Vec<(f64, f64)>,
    pub weekly_paid_hours: f64,
    /// Cost of one agent on this pattern for a week.
    pub weekly_cost: f64,
    /// (interval of the week, share of it on the floor), by interval; only shares above 0.
    pub coverage: Vec<(usize, f64)>,
}

impl ShiftPattern {
    /// The pattern as a scenario shift of `agents` people, named for the roster's files.
    pub fn to_shift(&self, template: &ShiftTemplate, agents: u32) -> Shift {
        Shift {
            name: format!(
                "{} {} {}",
                template.name,
                format_time_of_day(self.start_seconds),
                days_in_words(&self.days)
            ),
            agents,
            start_seconds: self.start_seconds,
            length_seconds: self.length_seconds,
            days: self.days,
            breaks: self.breaks.clone(),
        }
    }

    /// This pattern's share of `week_interval` on the floor (0 when it does not work then).
    pub fn covers(&self, week_interval: usize) -> f64 {
        self.coverage
            .binary_search_by_key(&week_interval, |&(interval, _)| interval)
            .map_or(0.0, |at| self.coverage[at].1)
    }
}

/// Every pattern of the templates that may staff `group_idx`, in template order, then start
/// time, then first working day, then break placement. Breaks start on the reporting
/// interval's grid from each break's earliest start. An error (naming `shift_templates`)
/// when there are more than `MAX_PATTERNS_PER_GROUP`.
pub fn shift_patterns(
    scenario: &Scenario,
    group_idx: usize,
) -> Result<Vec<ShiftPattern>, ScenarioProblem> {
    let interval_seconds = scenario.simulation().interval_seconds;
    let group = &scenario.groups()[group_idx];
    let week_intervals = (SECONDS_PER_WEEK / interval_seconds).round() as usize;
    let mut patterns = Vec::new();
    let mut scratch = vec![0.0; week_intervals];
    for (template_idx, template) in scenario.shift_templates().iter().enumerate() {
        if !template.staffs_group[group_idx] {
            continue;
        }
        let day_patterns = template.day_patterns();
        let placements = template.break_placements(interval_seconds);
        let count = template.start_times.len() * day_patterns.len() * placements.len();
        if patterns.len() + count > MAX_PATTERNS_PER_GROUP {
            return Err(ScenarioProblem::new(
                format!("shift_templates[{template_idx}]"),
                format!(
                    "group {} would have more than {MAX_PATTERNS_PER_GROUP} shift patterns (start times x working-day sets x break placements); give fewer start times or narrower break windows",
                    group.name
                ),
            ));
        }
        let cost_per_hour = template
            .cost_per_hour
            .or(group.cost_per_hour)
            .unwrap_or(1.0);
        for &start_seconds in &template.start_times {
            for days in &day_patterns {
                let working_days = days.iter().filter(|d| **d).count() as f64;
                let weekly_paid_hours = template.paid_seconds_per_day() * working_days / 3600.0;
                for breaks in &placements {
                    let coverage = coverage(
                        start_seconds,
                        template.length_seconds,
                        days,
                        breaks,
                        interval_seconds,
                        &mut scratch,
                    );
                    patterns.push(ShiftPattern {
                        template_idx,
                        start_seconds,
                        length_seconds: template.length_seconds,
                        days: *days,
                        breaks: breaks.clone(),
                        weekly_paid_hours,
                        weekly_cost: weekly_paid_hours * cost_per_hour,
                        coverage,
                    });
                }
            }
        }
    }
    Ok(patterns)
}

/// Share of each interval of the week one agent on the shift is on the floor (a shift past
/// Sunday midnight wraps to Monday, as a roster's does). `scratch` holds one zero per
/// interval of the week and is left so.
fn coverage(
    start_seconds: f64,
    length_seconds: f64,
    days: &[bool; 7],
    breaks: &[(f64, f64)],
    interval_seconds: f64,
    scratch: &mut [f64],
) -> Vec<(usize, f64)> {
    let week_intervals = scratch.len();
    for day in (0..7).filter(|&day| days[day]) {
        let shift_start = day as f64 * SECONDS_PER_DAY + start_seconds;
        let mut from = 0.0;
        let mut on_floor = Vec::with_capacity(breaks.len() + 1);
        for &(offset, length) in breaks {
            on_floor.push((from, offset));
            from = offset + length;
        }
        on_floor.push((from, length_seconds));
        for (segment_from, segment_to) in on_floor {
            let (mut at, end) = (shift_start + segment_from, shift_start + segment_to);
            while at < end - 1e-9 {
                let interval = (at / interval_seconds + 1e-9).floor() as usize;
                let interval_end = (interval + 1) as f64 * interval_seconds;
                let to = end.min(interval_end);
                scratch[interval % week_intervals] += (to - at) / interval_seconds;
                at = to;
            }
        }
    }
    let mut covered = Vec::new();
    for (interval, share) in scratch.iter_mut().enumerate() {
        if *share > 1e-9 {
            covered.push((interval, *share));
        }
        *share = 0.0;
    }
    covered
}

/// "Mon-Fri", "Sat-Sun", "Fri-Mon", "daily", "Wed": consecutive working days as a range.
pub fn days_in_words(days: &[bool; 7]) -> String {
    let count = days.iter().filter(|d| **d).count();
    if count == 7 {
        return "daily".into();
    }
    let short = |day: usize| {
        let name = WEEKDAY_NAMES[day];
        format!("{}{}", name[..1].to_ascii_uppercase(), &name[1..3])
    };
    // The first working day is one whose previous day is off.
    let Some(first) = (0..7).find(|&d| days[d] && !days[(d + 6) % 7]) else {
        return "-".into();
    };
    if count == 1 {
        return short(first);
    }
    format!("{}-{}", short(first), short((first + count - 1) % 7))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::schedule::Roster;

    #[test]
    fn coverage_matches_the_roster_the_engine_runs() {
        let interval = 1800.0;
        let week_intervals = (SECONDS_PER_WEEK / interval) as usize;
        let mut scratch = vec![0.0; week_intervals];
        type Case = (f64, f64, [bool; 7], Vec<(f64, f64)>);
        let cases: [Case; 3] = [
            (
                8.0 * 3600.0,
                8.5 * 3600.0,
                [true, true, true, true, true, false, false],
                vec![(4.0 * 3600.0, 1800.0)],
            ),
            // Starts off the grid, with a quarter-hour break: shares of intervals.
            (
                9.0 * 3600.0 + 900.0,
                4.0 * 3600.0,
                [false, false, true, false, false, false, false],
                vec![(3600.0, 900.0)],
            ),
            // Sunday night into Monday morning.
            (
                22.0 * 3600.0,
                8.0 * 3600.0,
                [true, false, false, false, true, true, true],
                vec![],
            ),
        ];
        for (start, length, days, breaks) in cases {
            let covered = coverage(start, length, &days, &breaks, interval, &mut scratch);
            let roster = Roster::new(vec![Shift {
                name: "s".into(),
                agents: 1,
                start_seconds: start,
                length_seconds: length,
                days,
                breaks: breaks.clone(),
            }]);
            for week_interval in 0..week_intervals {
                let from = week_interval as f64 * interval;
                let expected = roster.agent_seconds_between(from, from + interval) / interval;
                let got = covered
                    .iter()
                    .find(|(i, _)| *i == week_interval)
                    .map_or(0.0, |c| c.1);
                assert!(
                    (got - expected).abs() < 1e-9,
                    "interval {week_interval}: {got} vs {expected}"
                );
            }
            assert!(scratch.iter().all(|s| *s == 0.0));
        }
    }

    #[test]
    fn days_read_as_ranges() {
        let check = |days: [bool; 7], expected: &str| assert_eq!(days_in_words(&days), expected);
        check([true, true, true, true, true, false, false], "Mon-Fri");
        check([true, false, false, false, true, true, true], "Fri-Mon");
        check([false, false, true, false, false, false, false], "Wed");
        check([true; 7], "daily");
        check([false, false, false, false, false, true, true], "Sat-Sun");
    }
}
