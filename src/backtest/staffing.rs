//! Recorded staffing for a backtest: who the trace shows at work in each interval. An
//! agent's services (answer to answer plus handle time) are joined into sessions where the
//! gap between one service's end and the next one's start is at most `session_gap`; the
//! agent counts as present through a session, and a group's headcount in an interval is the
//! agents present, averaged over the interval and rounded. Each agent belongs to the first
//! group (in the scenario's order) that serves every channel the agent was seen on, else to
//! the first that serves any of them. Present is not available: an agent in a session may be
//! in after-call work or not ready, which the trace does not show.

use std::collections::BTreeMap;

use crate::scenario::{Headcount, Scenario};
use crate::trace::TraceRecord;

/// The recorded staffing, ready for `Scenario::with_headcounts`, and what it counted.
#[derive(Debug, Clone)]
pub struct RecordedStaffing {
    pub headcounts: Vec<(usize, Headcount)>,
    pub agents: usize,
    /// Agents seen only on channels no group serves (left out).
    pub unassigned: usize,
    /// Mean agents present per group over the intervals with anyone present.
    pub mean_present: Vec<(String, f64)>,
}

/// The staffing `records` show for `scenario`'s groups on its clock (the replayed trace's
/// time zone and Monday); `None` when the scenario replays nothing or no record names an
/// agent.
pub fn recorded_staffing(
    scenario: &Scenario,
    records: &[TraceRecord],
    session_gap_seconds: f64,
) -> Option<RecordedStaffing> {
    let replays: Vec<(usize, &crate::scenario::replay::Replay)> = scenario
        .channels()
        .iter()
        .enumerate()
        .filter_map(|(idx, c)| c.replay.as_deref().map(|r| (idx, r)))
        .collect();
    let (_, first) = replays.first()?;
    let zone = jiff::tz::TimeZone::get(&first.time_zone).ok()?;
    let start_date: jiff::civil::Date = first.start_date.parse().ok()?;
    let start = start_date.to_datetime(jiff::civil::Time::midnight());
    let settings = scenario.simulation();
    let interval = settings.interval_seconds;
    let n_intervals = settings.n_intervals();
    // The services of each agent, on the simulated clock.
    let mut services: BTreeMap<&str, Vec<(f64, f64, usize)>> = BTreeMap::new();
    for record in records {
        let Some(service) = record.service() else {
            continue;
        };
        let Some(&(channel_idx, _)) = replays
            .iter()
            .find(|(_, replay)| replay.trace_channel == record.channel)
        else {
            continue;
        };
        let arrival = zone
            .to_datetime(record.arrival)
            .duration_since(start)
            .as_secs_f64();
        let begin = arrival + service.begins_after_seconds;
        services.entry(service.agent).or_default().push((
            begin,
            begin + service.length_seconds,
            channel_idx,
        ));
    }
    if services.is_empty() {
        return None;
    }
    let groups = scenario.groups();
    let mut presence = vec![vec![0.0; n_intervals]; groups.len()];
    let mut unassigned = 0;
    for list in services.values_mut() {
        list.sort_by(|a, b| a.0.total_cmp(&b.0));
        let served = |channel_idx: usize| list.iter().any(|s| s.2 == channel_idx);
        let serves_all = |g: &crate::scenario::AgentGroup| {
            (0..scenario.channels().len()).all(|c| !served(c) || g.serves_channel[c])
        };
        let serves_any = |g: &crate::scenario::AgentGroup| {
            (0..scenario.channels().len()).any(|c| served(c) && g.serves_channel[c])
        };
        let Some(group_idx) = groups
            .iter()
            .position(serves_all)
            .or_else(|| groups.iter().position(serves_any))
        else {
            unassigned += 1;
            continue;
        };
        let mut sessions: Vec<(f64, f64)> = Vec::new();
        for &(begin, end, _) in list.iter() {
            match sessions.last_mut() {
                Some(last) if begin <= last.1 + session_gap_seconds => last.1 = last.1.max(end),
                _ => sessions.push((begin, end)),
            }
        }
        for (begin, end) in sessions {
            let (begin, end) = (begin.max(0.0), end.min(n_intervals as f64 * interval));
            if end <= begin {
                continue;
            }
            let first = (begin / interval) as usize;
            let last = ((end / interval).ceil() as usize).min(n_intervals);
            for (idx, cell) in presence[group_idx]
                .iter_mut()
                .enumerate()
                .take(last)
                .skip(first)
            {
                let (from, to) = (idx as f64 * interval, (idx + 1) as f64 * interval);
                *cell += (end.min(to) - begin.max(from)).max(0.0) / interval;
            }
        }
    }
    let mean_present = groups
        .iter()
        .zip(&presence)
        .map(|(group, cells)| {
            let staffed: Vec<f64> = cells.iter().copied().filter(|c| *c > 0.0).collect();
            let mean = if staffed.is_empty() {
                0.0
            } else {
                staffed.iter().sum::<f64>() / staffed.len() as f64
            };
            (group.name.clone(), mean)
        })
        .collect();
    Some(RecordedStaffing {
        headcounts: presence
            .into_iter()
            .enumerate()
            .map(|(idx, cells)| {
                (
                    idx,
                    Headcount::PerInterval(cells.iter().map(|c| c.round() as u32).collect()),
                )
            })
            .collect(),
        agents: services.len(),
        unassigned,
        mean_present,
    })
}
