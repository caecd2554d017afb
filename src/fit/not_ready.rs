//! Not-ready time after a call, from a trace: the time an agent takes between the end of one
//! service and the start of the next while callers are waiting is time the agent was not
//! ready (after-call work, a short break, the switch connecting the next call), since a
//! ready agent would have taken one of them. It is read only at call ends with at least
//! `min_waiting` callers in the channel's queue: with one or two waiting, another agent may
//! take them and the gap is idleness, not unavailability (the mean gap falls as the queue
//! grows and levels off from about three waiting, which is why three is the default). Gaps
//! longer than the session gap are the end of a stretch at work, not a pause.
//!
//! The result is the distribution of those gaps (100 equally likely quantiles), which a
//! scenario uses as the channel's `wrap_up`: after each contact, the agent stays unavailable
//! for a draw of it.

use std::collections::BTreeMap;

use crate::trace::{Outcome, TraceRecord};

/// Quantiles kept of the not-ready times.
pub const NOT_READY_QUANTILES: usize = 100;

/// The default number of callers waiting at a call's end for its gap to count.
pub const DEFAULT_MIN_WAITING: usize = 3;

#[derive(Debug, Clone, serde::Serialize)]
pub struct NotReadyFit {
    pub min_waiting: usize,
    pub session_gap_seconds: f64,
    /// Gaps read (at call ends with at least `min_waiting` waiting).
    pub gaps: usize,
    pub mean_seconds: f64,
    pub median_seconds: f64,
    /// Equally likely quantiles (midpoints of 100 bins), seconds.
    pub quantiles: Vec<f64>,
    /// (callers waiting at the call's end, capped at 8; gaps; mean gap in seconds): how the
    /// gap falls as the queue grows.
    pub mean_by_waiting: Vec<(usize, usize, f64)>,
}

/// The not-ready time of `channel`'s agents, or `None` when the trace has no gap to read
/// (no agent ids, or never `min_waiting` callers waiting at a call's end).
pub fn fit_not_ready(
    records: &[TraceRecord],
    channel: &str,
    session_gap_seconds: f64,
    min_waiting: usize,
) -> Option<NotReadyFit> {
    let seconds = |record: &TraceRecord| record.arrival.as_millisecond() as f64 / 1000.0;
    // Callers waiting: +1 at arrival, -1 when answered or gone, for waits over 0.
    let mut changes: Vec<(f64, i32)> = Vec::new();
    // Services of each agent: (start, end, on this channel).
    let mut services: BTreeMap<&str, Vec<(f64, f64, bool)>> = BTreeMap::new();
    for record in records {
        if record.outcome == Some(Outcome::Deflected) {
            continue;
        }
        let arrival = seconds(record);
        let wait = record.wait_seconds.unwrap_or(0.0);
        let mine = record.channel == channel;
        if mine && wait > 0.0 {
            changes.push((arrival, 1));
            changes.push((arrival + wait, -1));
        }
        if let Some(service) = record.service() {
            let start = arrival + service.begins_after_seconds;
            services.entry(service.agent).or_default().push((
                start,
                start + service.length_seconds,
                mine,
            ));
        }
    }
    changes.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut times = Vec::with_capacity(changes.len());
    let mut lengths = Vec::with_capacity(changes.len());
    let mut waiting = 0i32;
    for (time, change) in &changes {
        waiting += change;
        times.push(*time);
        lengths.push(waiting.max(0) as usize);
    }
    // Waiting just after `time` (a caller answered at the very moment the call ends counts
    // as gone).
    let waiting_at = |time: f64| -> usize {
        let at = times.partition_point(|&t| t <= time);
        if at == 0 { 0 } else { lengths[at - 1] }
    };
    let mut gaps = Vec::new();
    let mut by_waiting: BTreeMap<usize, (usize, f64)> = BTreeMap::new();
    for list in services.values_mut() {
        list.sort_by(|a, b| a.0.total_cmp(&b.0));
        for pair in list.windows(2) {
            let ((_, end, mine), (next_start, _, _)) = (pair[0], pair[1]);
            let gap = next_start - end;
            if !mine || !(0.0..=session_gap_seconds).contains(&gap) {
                continue;
            }
            let queue = waiting_at(end);
            if queue == 0 {
                continue;
            }
            let entry = by_waiting.entry(queue.min(8)).or_default();
            entry.0 += 1;
            entry.1 += gap;
            if queue >= min_waiting {
                gaps.push(gap);
            }
        }
    }
    if gaps.is_empty() {
        return None;
    }
    gaps.sort_by(f64::total_cmp);
    let n = gaps.len();
    let quantiles = (0..NOT_READY_QUANTILES)
        .map(|i| {
            let p = (i as f64 + 0.5) / NOT_READY_QUANTILES as f64;
            gaps[((p * n as f64) as usize).min(n - 1)]
        })
        .collect();
    Some(NotReadyFit {
        min_waiting,
        session_gap_seconds,
        gaps: n,
        mean_seconds: gaps.iter().sum::<f64>() / n as f64,
        median_seconds: gaps[n / 2],
        quantiles,
        mean_by_waiting: by_waiting
            .into_iter()
            .map(|(queue, (count, sum))| (queue, count, sum / count as f64))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(arrival: i64, wait: f64, handle: Option<f64>, agent: Option<&str>) -> TraceRecord {
        TraceRecord {
            arrival: jiff::Timestamp::from_second(arrival).unwrap(),
            channel: "phone".into(),
            issue_type: None,
            segment: None,
            language: None,
            priority: None,
            outcome: Some(if handle.is_some() {
                Outcome::Answered
            } else {
                Outcome::Abandoned
            }),
            wait_seconds: Some(wait),
            handle_seconds: handle,
            agent: agent.map(str::to_string),
        }
    }

    #[test]
    fn gaps_are_read_only_while_enough_callers_wait() {
        // Ana serves 0-100, then 130-200 (a 30 s gap) and 260-300 (a 60 s gap). Three
        // callers wait from 50 s to 150 s (the first call's end), one from 190 s to 270 s.
        let records = [
            record(0, 0.0, Some(100.0), Some("ana")),
            record(50, 80.0, Some(70.0), Some("ana")),
            record(50, 100.0, None, None),
            record(50, 100.0, None, None),
            record(190, 70.0, Some(40.0), Some("ana")),
        ];
        let fit = fit_not_ready(&records, "phone", 900.0, 3).unwrap();
        assert_eq!(fit.gaps, 1);
        assert_eq!(fit.mean_seconds, 30.0);
        assert_eq!(fit.mean_by_waiting, vec![(1, 1, 60.0), (3, 1, 30.0)]);
        // With one caller waiting enough, both gaps count.
        assert_eq!(fit_not_ready(&records, "phone", 900.0, 1).unwrap().gaps, 2);
        // A gap longer than the session gap is not a pause.
        assert!(fit_not_ready(&records, "phone", 20.0, 1).is_none());
    }
}
