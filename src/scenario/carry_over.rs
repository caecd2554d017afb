//! `run --carry-over PREVIOUS/summary.json`: the work a previous run left at its end (each
//! channel's contacts waiting and in service, means over its replications, rounded) becomes
//! the backlog this run starts with, so next week starts where this week stopped. Pure: the
//! CLI reads the file.

use super::Scenario;

/// Per channel of `scenario` with work left in `summary_json`, its index and the count (the
/// mean of `waiting_at_end` + `in_service_at_end`, rounded). Channels of the previous run
/// this scenario lacks are an error naming them; channels it did not have start empty.
pub fn carried_over_counts(
    scenario: &Scenario,
    summary_json: &str,
) -> Result<Vec<(usize, u32)>, String> {
    let summary: serde_json::Value = serde_json::from_str(summary_json)
        .map_err(|error| format!("not a summary.json: {error}"))?;
    let channels = summary["channels"]
        .as_array()
        .ok_or("not a summary.json: it has no \"channels\" list")?;
    let mut counts = Vec::new();
    let mut unknown = Vec::new();
    for channel in channels {
        let name = channel["name"].as_str().unwrap_or("");
        let metric = |metric: &str| channel["metrics"][metric]["mean"].as_f64().unwrap_or(0.0);
        let left = (metric("waiting_at_end") + metric("in_service_at_end")).round();
        if left < 0.5 {
            continue;
        }
        match scenario.channel_index(name) {
            Some(channel_idx) => counts.push((channel_idx, left.min(f64::from(u32::MAX)) as u32)),
            None => unknown.push(format!("{name} ({left})")),
        }
    }
    if !unknown.is_empty() {
        return Err(format!(
            "work was left on channels this scenario does not have: {}",
            unknown.join(", ")
        ));
    }
    Ok(counts)
}
