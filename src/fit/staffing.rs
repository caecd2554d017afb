//! Staffing from a trace's agent ids: agents are grouped by the set of channels they were
//! seen serving (the skills the data shows), and a group's headcount in an interval of the
//! week is the mean, over the days observed of that weekday, of its agents seen serving in
//! that interval (rounded). A lower bound: an agent logged in and idle, or in after-call
//! work, leaves no trace. Channels nobody is recorded serving get the Erlang C minimum for
//! their SLA, per interval, and say so.

use std::collections::{BTreeMap, BTreeSet};

use super::Calendar;

/// One agent group the fit writes.
#[derive(Debug, Clone, serde::Serialize)]
pub struct GroupFit {
    pub name: String,
    /// Indexes into the fit's channels.
    pub channels: Vec<usize>,
    /// Distinct agents seen (0 when staffed by Erlang C).
    pub agents: usize,
    /// Headcount per interval of the week, Monday 00:00 first.
    pub headcount: Vec<u32>,
    /// From agent ids (true) or the Erlang C minimum (false).
    pub from_agent_ids: bool,
}

/// One service recorded: the channel, the agent, and when it ran (day index and seconds
/// into that day of its start, and its length).
#[derive(Debug, Clone)]
pub struct Service<'a> {
    pub channel_idx: usize,
    pub agent: &'a str,
    pub day: usize,
    pub start_seconds: f64,
    pub length_seconds: f64,
}

/// Groups and headcounts from the services recorded.
pub fn fit_groups(
    services: &[Service],
    channel_names: &[String],
    calendar: &Calendar,
) -> Vec<GroupFit> {
    let mut channels_of_agent: BTreeMap<&str, BTreeSet<usize>> = BTreeMap::new();
    for service in services {
        channels_of_agent
            .entry(service.agent)
            .or_default()
            .insert(service.channel_idx);
    }
    let agent_ids: BTreeMap<&str, usize> = channels_of_agent
        .keys()
        .enumerate()
        .map(|(idx, agent)| (*agent, idx))
        .collect();
    let mut members: BTreeMap<Vec<usize>, Vec<usize>> = BTreeMap::new();
    for (agent, channels) in &channels_of_agent {
        members
            .entry(channels.iter().copied().collect())
            .or_default()
            .push(agent_ids[agent]);
    }
    let mut group_of_agent = vec![0; agent_ids.len()];
    for (group_idx, agents) in members.values().enumerate() {
        for &agent in agents {
            group_of_agent[agent] = group_idx;
        }
    }
    // Who served in each interval of the period.
    let slots = calendar.slots_per_day();
    let interval = calendar.interval_seconds;
    let n_intervals = calendar.days * slots;
    let mut serving: Vec<Vec<usize>> = vec![Vec::new(); n_intervals];
    for service in services {
        let start = service.day as f64 * 86_400.0 + service.start_seconds;
        let end = start + service.length_seconds.max(0.0);
        let first = (start / interval) as usize;
        let last = ((end / interval).ceil() as usize).max(first + 1);
        for slot in serving.iter_mut().take(last.min(n_intervals)).skip(first) {
            slot.push(agent_ids[service.agent]);
        }
    }
    let days_of = calendar.days_per_weekday();
    let mut totals = vec![vec![0.0; 7 * slots]; members.len()];
    for (idx, agents) in serving.iter_mut().enumerate() {
        agents.sort_unstable();
        agents.dedup();
        let (day, slot) = (idx / slots, idx % slots);
        let week_idx = calendar.weekday(day) * slots + slot;
        for &agent in agents.iter() {
            totals[group_of_agent[agent]][week_idx] += 1.0;
        }
    }
    members
        .iter()
        .zip(totals)
        .map(|((channels, agents), total)| GroupFit {
            name: format!(
                "{}_agents",
                channels
                    .iter()
                    .map(|&c| channel_names[c].as_str())
                    .collect::<Vec<_>>()
                    .join("_")
            ),
            channels: channels.clone(),
            agents: agents.len(),
            headcount: total
                .iter()
                .enumerate()
                .map(|(idx, sum)| {
                    let days = days_of[idx / slots];
                    if days == 0 {
                        0
                    } else {
                        (sum / f64::from(days)).round() as u32
                    }
                })
                .collect(),
            from_agent_ids: true,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agents_are_grouped_by_the_channels_they_served_and_counted_per_interval() {
        let calendar = Calendar::new("2026-01-05".parse().unwrap(), 7, 3600.0);
        let names = vec!["chat".to_string(), "phone".to_string()];
        let service = |channel_idx, agent, start_hours: f64, length_hours: f64| Service {
            channel_idx,
            agent,
            day: 0,
            start_seconds: start_hours * 3600.0,
            length_seconds: length_hours * 3600.0,
        };
        let services = [
            service(1, "ana", 9.0, 0.5),
            service(1, "ana", 9.5, 1.0), // 09:30-10:30: hours 9 and 10
            service(1, "ben", 9.2, 0.1),
            service(0, "cy", 9.0, 0.2),
            service(1, "cy", 11.0, 0.2),
        ];
        let groups = fit_groups(&services, &names, &calendar);
        let names: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(names, ["chat_phone_agents", "phone_agents"]);
        assert_eq!(groups[1].agents, 2);
        // Monday (the only one) hours 9, 10, 11.
        assert_eq!(groups[1].headcount[9..12], [2, 1, 0]);
        assert_eq!(groups[0].headcount[9..12], [1, 0, 1]);
    }
}
