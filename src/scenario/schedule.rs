//! Who works when: shift rosters, shrinkage, and disruption events (outages, absences,
//! volume spikes, spam), as validated values with the pure functions the engine, the audit
//! and the report all use to say how many agents a group has at a moment.
//!
//! Staffing of a group at time t:
//! - *scheduled*: the headcount (a number, one per interval, a CSV column) or, for a shift
//!   roster, the agents whose shift covers t and who are not on a break or lunch;
//! - *available*: scheduled, less the absent share of any active absence event (rounded to the
//!   nearest agent), less shrinkage of those present (rounded to the nearest agent); zero while
//!   a group outage is active. Only available agents take new work.

use super::{ChannelKind, Distribution};
use crate::units::{SECONDS_PER_DAY, SECONDS_PER_WEEK};

/// One shift pattern of a roster: `agents` people working it on each of its days.
#[derive(Debug, Clone, PartialEq)]
pub struct Shift {
    pub name: String,
    pub agents: u32,
    /// Start, seconds after midnight.
    pub start_seconds: f64,
    pub length_seconds: f64,
    /// `[weekday]`, Monday first.
    pub days: [bool; 7],
    /// (offset from the shift start, length) of every break and lunch, sorted, inside the shift.
    pub breaks: Vec<(f64, f64)>,
}

/// A group staffed by shifts: the roster's scheduled count as a weekly step function.
#[derive(Debug, Clone, PartialEq)]
pub struct Roster {
    pub shifts: Vec<Shift>,
    /// (second of the week, scheduled agents from then on), sorted, the first at 0.
    pub weekly_steps: Vec<(f64, u32)>,
}

impl Roster {
    /// Builds the weekly step function of a set of shifts (a shift may run past Sunday
    /// midnight into Monday; breaks are off the floor).
    pub fn new(shifts: Vec<Shift>) -> Roster {
        // Changes in the week: +agents at a start, -agents at an end.
        let mut changes: Vec<(f64, i64)> = Vec::new();
        for shift in &shifts {
            let agents = i64::from(shift.agents);
            for day in (0..7).filter(|&day| shift.days[day]) {
                let start = day as f64 * SECONDS_PER_DAY + shift.start_seconds;
                let mut on_floor = vec![(0.0, shift.length_seconds)];
                for &(offset, length) in &shift.breaks {
                    let (last_start, last_end) = on_floor.pop().expect("a segment");
                    on_floor.push((last_start, offset));
                    on_floor.push((offset + length, last_end));
                }
                for (from, to) in on_floor.into_iter().filter(|(from, to)| to > from) {
                    push_wrapped(&mut changes, start + from, start + to, agents);
                }
            }
        }
        changes.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut weekly_steps: Vec<(f64, u32)> = vec![(0.0, 0)];
        let mut count: i64 = 0;
        for (time, delta) in changes {
            count += delta;
            match weekly_steps.last_mut() {
                Some(last) if last.0 == time => last.1 = count as u32,
                _ => weekly_steps.push((time, count as u32)),
            }
        }
        weekly_steps.dedup_by(|later, earlier| later.1 == earlier.1);
        Roster {
            shifts,
            weekly_steps,
        }
    }

    /// Agents on the floor at `time`.
    pub fn scheduled_at(&self, time: f64) -> u32 {
        let in_week = time.rem_euclid(SECONDS_PER_WEEK);
        let after = self
            .weekly_steps
            .partition_point(|&(start, _)| start <= in_week);
        self.weekly_steps[after - 1].1
    }

    /// The first time after `time` at which the scheduled count changes (infinite if never).
    pub fn next_change_after(&self, time: f64) -> f64 {
        if self.weekly_steps.len() < 2 {
            return f64::INFINITY;
        }
        let week_start = (time / SECONDS_PER_WEEK).floor() * SECONDS_PER_WEEK;
        let in_week = time - week_start;
        self.weekly_steps
            .iter()
            .map(|&(start, _)| start)
            .find(|&start| start > in_week)
            .map_or(
                week_start + SECONDS_PER_WEEK + self.weekly_steps[1].0,
                |start| week_start + start,
            )
    }

    pub fn max(&self) -> u32 {
        self.weekly_steps.iter().map(|s| s.1).max().unwrap_or(0)
    }

    /// Agent-seconds on the floor in [from, to).
    pub fn agent_seconds_between(&self, from: f64, to: f64) -> f64 {
        let mut total = 0.0;
        let mut time = from;
        while time < to {
            let next = self.next_change_after(time).min(to);
            total += f64::from(self.scheduled_at(time)) * (next - time);
            time = next;
        }
        total
    }
}

/// Adds +agents over [from, to) of the week, wrapping past the week's end to its start.
fn push_wrapped(changes: &mut Vec<(f64, i64)>, from: f64, to: f64, agents: i64) {
    if to <= SECONDS_PER_WEEK {
        changes.push((from, agents));
        changes.push((to, -agents));
    } else if from >= SECONDS_PER_WEEK {
        push_wrapped(
            changes,
            from - SECONDS_PER_WEEK,
            to - SECONDS_PER_WEEK,
            agents,
        );
    } else {
        changes.push((from, agents));
        changes.push((0.0, agents));
        changes.push((to - SECONDS_PER_WEEK, -agents));
        // The end at the week boundary: the count drops back at 0 of the next week, which is
        // the same instant as the wrap's start, so the two cancel and nothing is pushed.
    }
}

/// What happens to contacts in hand when an agent's shift, break or lunch starts (or the
/// agent becomes unavailable through an absence or group outage).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InServiceAtShiftEnd {
    /// The agent finishes them, then leaves (the usual practice).
    Finish,
    /// They go back to the front of their queue for another agent, who starts the work over.
    Requeue,
}

impl InServiceAtShiftEnd {
    pub fn name(self) -> &'static str {
        match self {
            InServiceAtShiftEnd::Finish => "finish",
            InServiceAtShiftEnd::Requeue => "requeue",
        }
    }
}

/// Agents available out of `scheduled`: less the absent share, then less shrinkage of those
/// present, each rounded to the nearest agent.
pub fn available_agents(scheduled: u32, shrinkage: f64, absent_share: f64) -> u32 {
    let scheduled_f = f64::from(scheduled);
    let present = scheduled - ((scheduled_f * absent_share).round() as u32).min(scheduled);
    present - ((f64::from(present) * shrinkage).round() as u32).min(present)
}

/// A disruption: something that goes wrong over a time window.
#[derive(Debug, Clone, PartialEq)]
pub struct Disruption {
    pub name: String,
    pub start_seconds: f64,
    /// Clipped to the horizon.
    pub end_seconds: f64,
    pub kind: DisruptionKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum DisruptionKind {
    /// The channel takes no contacts; new and waiting ones go to `backup` (if any) with
    /// probability `conversion`, the rest are lost to the outage.
    ChannelOutage {
        channel_idx: usize,
        backup_channel: Option<usize>,
        conversion: f64,
        /// Customers waiting when the outage starts are told where to go (otherwise they
        /// are lost); arrivals always see the outage notice.
        notify_customers: bool,
        /// Contacts reaching the channel or its backup from the start until
        /// `extension_until_seconds` are also measured against an SLA this much longer.
        sla_extension_seconds: f64,
        extension_until_seconds: f64,
    },
    /// A share of each group's scheduled agents is missing.
    Absence { groups: Vec<usize>, share: f64 },
    /// The channel's arrival rate is multiplied.
    VolumeSpike { channel_idx: usize, multiplier: f64 },
    /// Bot traffic on a channel: `bot_share` of all arrivals in the window are bots, from
    /// `bot_accounts` accounts; a rate limit drops an account's contacts beyond `limit` per
    /// `limit_window_seconds`; the filter archives `filter_catches` of the rest; the others
    /// reach agents and cost `handle_time` each.
    Spam {
        channel_idx: usize,
        bot_share: f64,
        filter_catches: f64,
        bot_accounts: u32,
        rate_limit: Option<(u32, f64)>,
        handle_time: Distribution,
    },
    /// The groups are wholly unavailable.
    GroupOutage {
        groups: Vec<usize>,
        in_service: InServiceAtShiftEnd,
    },
}

impl DisruptionKind {
    pub fn name(&self) -> &'static str {
        match self {
            DisruptionKind::ChannelOutage { .. } => "channel_outage",
            DisruptionKind::Absence { .. } => "absence",
            DisruptionKind::VolumeSpike { .. } => "volume_spike",
            DisruptionKind::Spam { .. } => "spam",
            DisruptionKind::GroupOutage { .. } => "group_outage",
        }
    }
}

impl Disruption {
    /// The groups an absence or group outage takes agents from.
    pub fn groups(&self) -> &[usize] {
        match &self.kind {
            DisruptionKind::Absence { groups, .. } | DisruptionKind::GroupOutage { groups, .. } => {
                groups
            }
            _ => &[],
        }
    }

    pub fn is_active(&self, time: f64) -> bool {
        time >= self.start_seconds && time < self.end_seconds
    }

    /// The end of the window its report compares: the outage's SLA extension included.
    pub fn report_end_seconds(&self) -> f64 {
        match self.kind {
            DisruptionKind::ChannelOutage {
                extension_until_seconds,
                ..
            } => extension_until_seconds.max(self.end_seconds),
            _ => self.end_seconds,
        }
    }
}

/// Whether a channel kind can have bot traffic (an agent must be able to see it).
pub fn takes_spam(kind: ChannelKind) -> bool {
    kind != ChannelKind::SelfService
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shift(start_hour: f64, hours: f64, days: [bool; 7], breaks: &[(f64, f64)]) -> Shift {
        Shift {
            name: "s".into(),
            agents: 2,
            start_seconds: start_hour * 3600.0,
            length_seconds: hours * 3600.0,
            days,
            breaks: breaks
                .iter()
                .map(|&(at, length)| (at * 3600.0, length * 3600.0))
                .collect(),
        }
    }

    const WEEKDAYS: [bool; 7] = [true, true, true, true, true, false, false];

    /// Brute force: agents of each shift on the floor at `time`.
    fn by_hand(shifts: &[Shift], time: f64) -> u32 {
        let mut count = 0;
        for shift in shifts {
            for week_offset in [-SECONDS_PER_WEEK, 0.0] {
                for day in (0..7).filter(|&d| shift.days[d]) {
                    let start = week_offset + day as f64 * SECONDS_PER_DAY + shift.start_seconds;
                    let t = time.rem_euclid(SECONDS_PER_WEEK) - start;
                    let working = t >= 0.0
                        && t < shift.length_seconds
                        && !shift
                            .breaks
                            .iter()
                            .any(|&(at, len)| t >= at && t < at + len);
                    count += if working { shift.agents } else { 0 };
                }
            }
        }
        count
    }

    #[test]
    fn roster_counts_match_the_shifts_at_every_minute() {
        let shifts = vec![
            shift(8.0, 8.0, WEEKDAYS, &[(2.0, 0.25), (4.0, 0.5)]),
            shift(12.0, 8.0, [true; 7], &[(4.0, 0.5)]),
            // Overnight, crossing midnight and (on Sunday) the end of the week.
            shift(
                22.0,
                8.0,
                [false, false, false, false, false, false, true],
                &[],
            ),
        ];
        let roster = Roster::new(shifts.clone());
        let mut time = 0.0;
        while time < 2.0 * SECONDS_PER_WEEK {
            assert_eq!(
                roster.scheduled_at(time),
                by_hand(&shifts, time),
                "at {time}"
            );
            let next = roster.next_change_after(time);
            assert!(next > time);
            time += 60.0;
        }
        assert_eq!(roster.max(), 4);
    }

    #[test]
    fn available_agents_round_to_the_nearest_agent() {
        assert_eq!(available_agents(10, 0.3, 0.0), 7);
        assert_eq!(available_agents(10, 0.0, 0.2), 8);
        assert_eq!(available_agents(10, 0.25, 0.2), 6); // 8 present, 2 shrunk
        assert_eq!(available_agents(3, 0.1, 0.0), 3);
        assert_eq!(available_agents(0, 0.5, 0.5), 0);
        assert_eq!(available_agents(4, 0.0, 1.0), 0);
    }
}
