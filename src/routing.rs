//! Routing decisions, as pure functions of a read-only view of queues and agents. The engine
//! calls them and carries out what they return; nothing here knows about events or time
//! advancing, so each rule can be tested with a hand-built view.
//!
//! Current policy (the routing issue replaces the inside of these functions, not the engine):
//! - a new contact goes to the eligible agent idle the longest; a messaging contact, when no
//!   eligible agent is fully idle, to the eligible partly busy agent with the fewest
//!   conversations;
//! - a freed agent takes the oldest waiting real-time contact it can serve, else the oldest
//!   asynchronous one. A call or ticket needs the agent's whole capacity.

use crate::engine::state::{Agent, ClassQueue, GroupPool};

/// The agent to give a new contact to, among `eligible_groups`, if any can take it now.
pub fn select_agent(
    eligible_groups: &[u16],
    pools: &[GroupPool],
    agents: &[Agent],
    needs_whole_agent: bool,
) -> Option<u32> {
    let mut best_idle: Option<(f64, u32)> = None;
    for &group_idx in eligible_groups {
        if let Some(&agent_idx) = pools[group_idx as usize].idle.front() {
            let idle_since = agents[agent_idx as usize].idle_since;
            if best_idle.is_none_or(|(best, _)| idle_since < best) {
                best_idle = Some((idle_since, agent_idx));
            }
        }
    }
    if let Some((_, agent_idx)) = best_idle {
        return Some(agent_idx);
    }
    if needs_whole_agent {
        return None;
    }
    let mut best_partial: Option<(u16, u32)> = None;
    for &group_idx in eligible_groups {
        for &agent_idx in &pools[group_idx as usize].partial {
            let busy = agents[agent_idx as usize].busy_units;
            if best_partial.is_none_or(|(best, best_idx)| (busy, agent_idx) < (best, best_idx)) {
                best_partial = Some((busy, agent_idx));
            }
        }
    }
    best_partial.map(|(_, agent_idx)| agent_idx)
}

/// The class whose front contact a freed agent should take next, if any.
pub fn select_work(
    agent: &Agent,
    real_time_classes: &[u32],
    async_classes: &[u32],
    queues: &[ClassQueue],
    class_needs_whole_agent: &[bool],
) -> Option<u32> {
    if agent.busy_units >= agent.capacity_units {
        return None;
    }
    let fully_idle = agent.busy_units == 0;
    let oldest = |classes: &[u32]| {
        let mut best: Option<(f64, u32)> = None;
        for &class_idx in classes {
            if !fully_idle && class_needs_whole_agent[class_idx as usize] {
                continue;
            }
            if let Some(arrival) = queues[class_idx as usize].head_arrival()
                && best.is_none_or(|(best_arrival, _)| arrival < best_arrival)
            {
                best = Some((arrival, class_idx));
            }
        }
        best.map(|(_, class_idx)| class_idx)
    };
    oldest(real_time_classes).or_else(|| oldest(async_classes))
}

#[cfg(test)]
mod tests {
    //! Each case is a hand-built view and the decision expected from it.
    use super::*;
    use crate::engine::state::{AgentStatus, Membership, QueueEntry};

    fn agent(group_idx: u16, busy_units: u16, capacity_units: u16, idle_since: f64) -> Agent {
        Agent {
            group_idx,
            busy_units,
            capacity_units,
            status: AgentStatus::On,
            membership: Membership::None,
            idle_since,
            partial_position: 0,
        }
    }

    fn pool(idle: &[u32], partial: &[u32]) -> GroupPool {
        GroupPool {
            idle: idle.iter().copied().collect(),
            partial: partial.to_vec(),
            ..GroupPool::default()
        }
    }

    fn queue(arrivals: &[f64]) -> ClassQueue {
        ClassQueue {
            entries: arrivals
                .iter()
                .map(|&arrival_time| QueueEntry {
                    contact_slot: 0,
                    generation: 0,
                    arrival_time,
                })
                .collect(),
            live: arrivals.len() as u32,
        }
    }

    #[track_caller]
    fn check_agent(
        eligible: &[u16],
        pools: &[GroupPool],
        agents: &[Agent],
        whole: bool,
        expected: Option<u32>,
    ) {
        assert_eq!(select_agent(eligible, pools, agents, whole), expected);
    }

    #[test]
    fn agent_selection() {
        let agents = [
            agent(0, 0, 1, 10.0),
            agent(1, 0, 1, 5.0),
            agent(2, 1, 3, 0.0),
            agent(2, 2, 3, 0.0),
        ];
        let pools = [pool(&[0], &[]), pool(&[1], &[]), pool(&[], &[3, 2])];
        // Longest idle across eligible groups wins.
        check_agent(&[0, 1], &pools, &agents, true, Some(1));
        // Only eligible groups count.
        check_agent(&[0], &pools, &agents, true, Some(0));
        // A call never goes to a partly busy agent.
        check_agent(&[2], &pools, &agents, true, None);
        // A chat goes to the partly busy agent with the fewest conversations.
        check_agent(&[2], &pools, &agents, false, Some(2));
        // Fully idle agents come before partly busy ones.
        check_agent(&[2, 0], &pools, &agents, false, Some(0));
        check_agent(&[], &pools, &agents, false, None);
    }

    #[track_caller]
    fn check_work(
        agent: Agent,
        real_time: &[u32],
        asynchronous: &[u32],
        queues: &[ClassQueue],
        whole: &[bool],
        expected: Option<u32>,
    ) {
        assert_eq!(
            select_work(&agent, real_time, asynchronous, queues, whole),
            expected
        );
    }

    #[test]
    fn work_selection() {
        // Classes: 0 voice, 1 chat, 2 email.
        let queues = [queue(&[30.0]), queue(&[20.0]), queue(&[1.0])];
        let whole = [true, false, true];
        // Oldest real-time first, even when async work is older.
        check_work(agent(0, 0, 2, 0.0), &[0, 1], &[2], &queues, &whole, Some(1));
        // Async only when no real-time contact waits for this agent.
        check_work(agent(0, 0, 2, 0.0), &[], &[2], &queues, &whole, Some(2));
        // A partly busy messaging agent takes only messaging work.
        check_work(agent(0, 1, 2, 0.0), &[0], &[2], &queues, &whole, None);
        check_work(agent(0, 1, 2, 0.0), &[0, 1], &[2], &queues, &whole, Some(1));
        // A full agent takes nothing; empty queues give nothing.
        check_work(agent(0, 2, 2, 0.0), &[1], &[], &queues, &whole, None);
        check_work(agent(0, 0, 1, 0.0), &[0], &[], &[queue(&[])], &whole, None);
    }
}
