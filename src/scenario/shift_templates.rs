//! Shift templates (`[[shift_templates]]`): the kinds of shift a roster may be built from,
//! as validated values. A template says how long a shift is, when it may start, how many
//! consecutive days a week an agent works it, where its breaks may fall, what an hour of it
//! costs and which groups it may staff. `omnisim roster` turns the templates into every
//! concrete shift pattern (start, days, break placement) and picks how many of each to
//! schedule.

use crate::units::SECONDS_PER_DAY;

/// One break rule: a break of `length_seconds` starting between `earliest_seconds` and
/// `latest_seconds` after the shift starts (on the reporting-interval grid).
#[derive(Debug, Clone, PartialEq)]
pub struct BreakRule {
    pub length_seconds: f64,
    pub earliest_seconds: f64,
    pub latest_seconds: f64,
    /// Paid breaks cost like worked time; unpaid ones (a lunch) do not.
    pub paid: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ShiftTemplate {
    pub name: String,
    pub length_seconds: f64,
    /// Allowed start times, seconds after midnight, sorted and distinct.
    pub start_times: Vec<f64>,
    /// Consecutive working days in a week (Sunday runs on to Monday).
    pub days_per_week: usize,
    /// `[weekday]`, Monday first: the days a shift of this template may be worked.
    pub allowed_days: [bool; 7],
    pub breaks: Vec<BreakRule>,
    /// Cost of one paid hour; `None` means the staffed group's `cost_per_hour` (or 1, so cost
    /// is paid hours, when the group has none).
    pub cost_per_hour: Option<f64>,
    /// `[group_idx]`: the groups it may staff.
    pub staffs_group: Vec<bool>,
}

impl ShiftTemplate {
    /// Every set of `days_per_week` consecutive days (cyclic over the week) lying inside
    /// `allowed_days`, starting Monday, Tuesday, ... in that order; a full week once.
    pub fn day_patterns(&self) -> Vec<[bool; 7]> {
        let mut patterns: Vec<[bool; 7]> = Vec::new();
        for first_day in 0..7 {
            let mut days = [false; 7];
            for offset in 0..self.days_per_week {
                days[(first_day + offset) % 7] = true;
            }
            let inside = (0..7).all(|day| !days[day] || self.allowed_days[day]);
            if inside && !patterns.contains(&days) {
                patterns.push(days);
            }
        }
        patterns
    }

    /// Paid seconds of one day's shift: its length less unpaid breaks.
    pub fn paid_seconds_per_day(&self) -> f64 {
        self.length_seconds
            - self
                .breaks
                .iter()
                .filter(|rule| !rule.paid)
                .map(|rule| rule.length_seconds)
                .sum::<f64>()
    }

    /// Every placement of the breaks, as (offset from the shift start, length) sorted by
    /// offset: each break starts on a multiple of `step_seconds` from its earliest start up
    /// to its latest, in the order written, and none overlaps the one before.
    pub fn break_placements(&self, step_seconds: f64) -> Vec<Vec<(f64, f64)>> {
        let mut placements: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
        for rule in &self.breaks {
            let mut longer = Vec::new();
            for placed in &placements {
                let free_from = placed.last().map_or(0.0, |&(at, length)| at + length);
                let mut at = rule.earliest_seconds;
                while at <= rule.latest_seconds + 1e-9 {
                    if at >= free_from - 1e-9 && at + rule.length_seconds <= self.length_seconds {
                        let mut with = placed.clone();
                        with.push((at, rule.length_seconds));
                        longer.push(with);
                    }
                    at += step_seconds;
                }
            }
            placements = longer;
        }
        placements
    }
}

/// The longest shift a template may describe.
pub const MAX_SHIFT_SECONDS: f64 = SECONDS_PER_DAY;

#[cfg(test)]
mod tests {
    use super::*;

    fn template(days_per_week: usize, allowed_days: [bool; 7]) -> ShiftTemplate {
        ShiftTemplate {
            name: "t".into(),
            length_seconds: 8.0 * 3600.0,
            start_times: vec![8.0 * 3600.0],
            days_per_week,
            allowed_days,
            breaks: vec![],
            cost_per_hour: None,
            staffs_group: vec![true],
        }
    }

    #[test]
    fn day_patterns_are_consecutive_days_inside_the_allowed_ones() {
        let weekdays = [true, true, true, true, true, false, false];
        let check = |days_per_week, allowed, expected: usize| {
            assert_eq!(
                template(days_per_week, allowed).day_patterns().len(),
                expected,
                "{days_per_week} days in {allowed:?}"
            );
        };
        check(5, [true; 7], 7);
        check(7, [true; 7], 1);
        check(1, [true; 7], 7);
        check(5, weekdays, 1);
        check(3, weekdays, 3);
        check(2, [true, false, true, false, true, false, false], 0);
        let friday_to_monday = template(4, [true, false, false, false, true, true, true]);
        assert_eq!(
            friday_to_monday.day_patterns(),
            vec![[true, false, false, false, true, true, true]]
        );
    }

    #[test]
    fn break_placements_step_through_each_window_without_overlap() {
        let mut shift = template(5, [true; 7]);
        shift.breaks = vec![
            BreakRule {
                length_seconds: 900.0,
                earliest_seconds: 3600.0,
                latest_seconds: 7200.0,
                paid: true,
            },
            BreakRule {
                length_seconds: 1800.0,
                earliest_seconds: 7200.0,
                latest_seconds: 9000.0,
                paid: false,
            },
        ];
        let placements = shift.break_placements(1800.0);
        // First break at 1h, 1.5h or 2h; lunch at 2h or 2.5h, after the first ends.
        assert_eq!(placements.len(), 3 + 2);
        assert!(placements.iter().all(|p| p[0].0 + p[0].1 <= p[1].0));
        assert_eq!(shift.paid_seconds_per_day(), 7.5 * 3600.0);
    }
}
