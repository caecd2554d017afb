//! Routing decisions, as pure functions of a read-only view of queues and agents. The engine
//! calls them and carries out what they return; nothing here knows about events or time
//! advancing, so each rule and policy is tested with a hand-built view.
//!
//! - `select_agent`: a new contact goes to an agent of the first preference tier that has
//!   one free, chosen by the scenario's `AgentSelection`; a messaging contact may go to a
//!   partly busy agent (fewest conversations) when no agent of the tier is fully idle.
//! - `select_work`: a freed agent takes the front contact of the class with the highest
//!   priority (channel + segment + rule), near-breach contacts first when configured, then
//!   the earliest SLA deadline. Work of a widened class is taken only once its front contact
//!   has waited the rule's `widen_after`.
//! - `expected_wait_seconds`, `overflow_to_fire`, `handoff_to_fire`: the inputs of the
//!   overflow, callback and handoff decisions; the engine draws the random numbers.

use super::layout::GroupClass;
use super::state::{Agent, ClassQueue, GroupPool};
use crate::scenario::{AgentSelection, ChannelOverflow, Handoff};

/// The agent to give a new contact to, among the groups of `tiers` (in order of preference),
/// if any can take it now. `needs_whole_agent`: a call or ticket takes the agent's whole
/// capacity, a conversation one unit. `proficiency(group_idx)` is the group's speed on the
/// contact.
#[inline]
pub fn select_agent(
    tiers: &[Vec<u16>],
    policy: AgentSelection,
    pools: &[GroupPool],
    agents: &[Agent],
    needs_whole_agent: bool,
    proficiency: impl Fn(usize) -> f64,
    now: f64,
) -> Option<u32> {
    for tier in tiers {
        if let Some(agent_idx) = select_idle(tier, policy, pools, agents, &proficiency, now) {
            return Some(agent_idx);
        }
        if needs_whole_agent {
            continue;
        }
        if let Some(agent_idx) = select_partial(tier, policy, pools, agents, &proficiency) {
            return Some(agent_idx);
        }
    }
    None
}

#[inline]
fn select_idle(
    groups: &[u16],
    policy: AgentSelection,
    pools: &[GroupPool],
    agents: &[Agent],
    proficiency: &impl Fn(usize) -> f64,
    now: f64,
) -> Option<u32> {
    if policy == AgentSelection::LongestIdle {
        // The common case, kept tight: the front of each group's idle line is its longest
        // idle agent; ties go to the lower agent index. Each group's front cached in its
        // pool and compared with selects instead of branches measured slower (0.95 of this
        // on enterprise/50, 0.93 on agents/10; 5 interleaved criterion runs each).
        let mut best: Option<(f64, u32)> = None;
        for &group_idx in groups {
            if let Some(&agent_idx) = pools[group_idx as usize].idle.front() {
                let idle_since = agents[agent_idx as usize].idle_since;
                if best.is_none_or(|(best_since, best_idx)| {
                    idle_since < best_since || (idle_since == best_since && agent_idx < best_idx)
                }) {
                    best = Some((idle_since, agent_idx));
                }
            }
        }
        return best.map(|(_, agent_idx)| agent_idx);
    }
    // (score to maximise, idle_since to minimise, agent)
    let mut best: Option<(f64, f64, u32)> = None;
    let mut consider = |score: f64, agent_idx: u32| {
        let idle_since = agents[agent_idx as usize].idle_since;
        let better = best.is_none_or(|(best_score, best_idle, best_idx)| {
            (score, -idle_since, std::cmp::Reverse(agent_idx)).partial_cmp(&(
                best_score,
                -best_idle,
                std::cmp::Reverse(best_idx),
            )) == Some(std::cmp::Ordering::Greater)
        });
        if better {
            best = Some((score, idle_since, agent_idx));
        }
    };
    for &group_idx in groups {
        let pool = &pools[group_idx as usize];
        match policy {
            AgentSelection::LongestIdle => {
                if let Some(&agent_idx) = pool.idle.front() {
                    consider(0.0, agent_idx);
                }
            }
            AgentSelection::MostProficient => {
                if let Some(&agent_idx) = pool.idle.front() {
                    consider(proficiency(group_idx as usize), agent_idx);
                }
            }
            AgentSelection::LeastOccupied => {
                for &agent_idx in &pool.idle {
                    consider(-agents[agent_idx as usize].occupancy(now), agent_idx);
                }
            }
        }
    }
    best.map(|(_, _, agent_idx)| agent_idx)
}

#[inline]
fn select_partial(
    groups: &[u16],
    policy: AgentSelection,
    pools: &[GroupPool],
    agents: &[Agent],
    proficiency: &impl Fn(usize) -> f64,
) -> Option<u32> {
    // Fewest conversations first (the least occupied at this moment); the most proficient
    // policy puts proficiency ahead of that.
    let mut best: Option<(f64, u16, u32)> = None;
    for &group_idx in groups {
        // The group's least loaded, lowest-numbered partly busy agent: the best of the group
        // under this order, whatever the order of its list.
        let Some((busy, agent_idx)) = pools[group_idx as usize].partial_by_load.least_loaded()
        else {
            continue;
        };
        let score = match policy {
            AgentSelection::MostProficient => proficiency(group_idx as usize),
            _ => 0.0,
        };
        debug_assert_eq!(
            busy, agents[agent_idx as usize].busy_units,
            "a partly busy agent is filed with its units in use"
        );
        let better = best.is_none_or(|(best_score, best_busy, best_idx)| {
            score > best_score || (score == best_score && (busy, agent_idx) < (best_busy, best_idx))
        });
        if better {
            best = Some((score, busy, agent_idx));
        }
    }
    best.map(|(_, _, agent_idx)| agent_idx)
}

/// Per-class facts `select_work` reads, all indexed by class.
#[derive(Debug, Clone, Copy)]
pub struct ClassFacts<'a> {
    pub priority: &'a [i32],
    pub sla_seconds: &'a [f64],
    pub near_breach_seconds: &'a [f64],
    pub needs_whole_agent: &'a [bool],
    pub channel: &'a [u16],
}

/// Bonus priority of a near-breach contact: above every configured priority.
const NEAR_BREACH_BONUS: i64 = 1 << 40;

/// The class whose front contact a freed agent should take next, if any, among the group's
/// classes at `ready` (positions in `group_classes` whose queues hold someone, in any
/// order). `channel_taking_work` is false for channels that hold their contacts until
/// opening. Ties go to the class listed first in `group_classes`, whatever the order of
/// `ready`.
#[inline]
pub fn select_work(
    agent: &Agent,
    group_classes: &[GroupClass],
    ready: &[u32],
    queues: &[ClassQueue],
    classes: ClassFacts<'_>,
    channel_taking_work: &[bool],
    now: f64,
) -> Option<u32> {
    if agent.busy_units >= agent.capacity_units {
        return None;
    }
    let fully_idle = agent.busy_units == 0;
    // (level, deadline, position): highest level, then earliest deadline, then the first
    // listed.
    let mut best: Option<(i64, f64, u32)> = None;
    for &position in ready {
        let group_class = &group_classes[position as usize];
        let class_idx = group_class.class_idx as usize;
        if !fully_idle && classes.needs_whole_agent[class_idx] {
            continue;
        }
        let Some(queued_at) = queues[class_idx].head_arrival() else {
            continue;
        };
        if now - queued_at < group_class.after_seconds
            || !channel_taking_work[classes.channel[class_idx] as usize]
        {
            continue;
        }
        let deadline = queued_at + classes.sla_seconds[class_idx];
        let time_left = deadline - now;
        let near_breach = time_left > 0.0 && time_left <= classes.near_breach_seconds[class_idx];
        let level = i64::from(classes.priority[class_idx])
            + if near_breach { NEAR_BREACH_BONUS } else { 0 };
        let better = best.is_none_or(|(best_level, best_deadline, best_position)| {
            level > best_level
                || (level == best_level
                    && (deadline < best_deadline
                        || (deadline == best_deadline && position < best_position)))
        });
        if better {
            best = Some((level, deadline, position));
        }
    }
    best.map(|(_, _, position)| group_classes[position as usize].class_idx)
}

/// Expected wait of a contact joining a channel's queue: (contacts already waiting + 1)
/// times the mean handle time, over the capacity (agents, or conversation slots) on shift
/// in the groups that serve it. Infinite with nobody on shift.
pub fn expected_wait_seconds(waiting: u32, mean_handle_seconds: f64, capacity: u32) -> f64 {
    if capacity == 0 {
        f64::INFINITY
    } else {
        f64::from(waiting + 1) * mean_handle_seconds / f64::from(capacity)
    }
}

/// The first overflow rule of `from_channel` whose condition holds for a contact that found
/// no agent, given the contacts waiting on the channel and its expected wait.
pub fn overflow_to_fire(
    overflows: &[ChannelOverflow],
    from_channel: usize,
    waiting: u32,
    expected_wait: f64,
) -> Option<usize> {
    overflows.iter().position(|overflow| {
        overflow.from_channel == from_channel
            && (overflow
                .queue_length_at_least
                .is_some_and(|limit| waiting >= limit)
                || overflow
                    .expected_wait_above_seconds
                    .is_some_and(|limit| expected_wait > limit))
    })
}

/// The handoff a handled contact on `from_channel` leads to, for a uniform draw `u` in
/// [0, 1): the handoffs from the channel (or from "any") take consecutive slices of [0, 1)
/// of their probabilities, in order; beyond them, none.
pub fn handoff_to_fire(handoffs: &[Handoff], from_channel: usize, u: f64) -> Option<usize> {
    let mut cumulative = 0.0;
    for (handoff_idx, handoff) in handoffs.iter().enumerate() {
        let applies = match handoff.from_channel {
            Some(from) => from == from_channel,
            None => handoff.to_channel != from_channel,
        };
        if !applies {
            continue;
        }
        cumulative += handoff.probability;
        if u < cumulative {
            return Some(handoff_idx);
        }
    }
    None
}

/// The duplicate rule a new contact on `from_channel` leads to, for a uniform draw `u` in
/// [0, 1): the rules from the channel take consecutive slices of their probabilities, in
/// order; beyond them, none.
pub fn duplicate_to_fire(
    duplicates: &[crate::scenario::Duplicate],
    from_channel: usize,
    u: f64,
) -> Option<usize> {
    let mut cumulative = 0.0;
    for (duplicate_idx, duplicate) in duplicates.iter().enumerate() {
        if duplicate.from_channel != from_channel {
            continue;
        }
        cumulative += duplicate.probability;
        if u < cumulative {
            return Some(duplicate_idx);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    //! Each case is a hand-built view and the decision expected from it.
    use super::*;
    use crate::engine::state::{AgentStatus, Membership, QueueEntry};
    use crate::scenario::Distribution;

    fn agent(group_idx: u16, busy_units: u16, capacity_units: u16, idle_since: f64) -> Agent {
        Agent {
            group_idx,
            busy_units,
            capacity_units,
            status: AgentStatus::On,
            membership: Membership::None,
            idle_since,
            partial_position: 0,
            partial_units: 0,
            busy_seconds: 0.0,
            logged_in_seconds: 0.0,
            logged_in_since: 0.0,
            n_conversations: 0,
            conversation_offset: None,
        }
    }

    /// A pool over all of `agents` with these idle and partly busy ones.
    fn pool(agents: &[Agent], idle: &[u32], partial: &[u32]) -> GroupPool {
        let mut pool = GroupPool::new(0, agents.len() as u32, 64);
        pool.idle = idle.iter().copied().collect();
        pool.partial = partial.to_vec();
        for &agent_idx in partial {
            let busy_units = agents[agent_idx as usize].busy_units;
            pool.partial_by_load.insert(agent_idx, busy_units);
        }
        pool
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

    /// A view for agent selection: agents by (group, busy, capacity, idle since, busy seconds),
    /// pools by (idle, partial), proficiency per group.
    struct AgentView {
        agents: Vec<Agent>,
        pools: Vec<GroupPool>,
        proficiency: Vec<f64>,
    }

    fn agent_view() -> AgentView {
        let mut agents = vec![
            agent(0, 0, 1, 10.0), // 0: group 0, idle since 10
            agent(1, 0, 1, 5.0),  // 1: group 1, idle since 5
            agent(2, 1, 3, 0.0),  // 2: group 2, one conversation
            agent(2, 2, 3, 0.0),  // 3: group 2, two conversations
            agent(3, 0, 1, 1.0),  // 4: group 3, idle since 1, busy most of the time
            agent(3, 0, 1, 8.0),  // 5: group 3, idle since 8, rarely busy
        ];
        agents[4].busy_seconds = 90.0;
        agents[5].busy_seconds = 10.0;
        let pools = vec![
            pool(&agents, &[0], &[]),
            pool(&agents, &[1], &[]),
            pool(&agents, &[], &[3, 2]),
            pool(&agents, &[4, 5], &[]),
        ];
        AgentView {
            agents,
            pools,
            proficiency: vec![1.0, 0.8, 1.0, 1.0],
        }
    }

    #[track_caller]
    fn check_agent(
        view: &AgentView,
        tiers: &[&[u16]],
        policy: AgentSelection,
        whole: bool,
        expected: Option<u32>,
    ) {
        let tiers: Vec<Vec<u16>> = tiers.iter().map(|tier| tier.to_vec()).collect();
        let chosen = select_agent(
            &tiers,
            policy,
            &view.pools,
            &view.agents,
            whole,
            |g| view.proficiency[g],
            100.0,
        );
        assert_eq!(chosen, expected);
    }

    #[test]
    fn agent_selection() {
        use AgentSelection::*;
        let view = agent_view();
        // Longest idle across the groups of one tier.
        check_agent(&view, &[&[0, 1]], LongestIdle, true, Some(1));
        // Only the groups of the route count.
        check_agent(&view, &[&[0]], LongestIdle, true, Some(0));
        // Preference order: the first tier with a free agent wins, even if a later tier's
        // agent has been idle longer (VIP to seniors first).
        check_agent(&view, &[&[0], &[1]], LongestIdle, true, Some(0));
        check_agent(&view, &[&[2], &[1]], LongestIdle, true, Some(1));
        // A call never goes to a partly busy agent.
        check_agent(&view, &[&[2]], LongestIdle, true, None);
        // A chat goes to the partly busy agent with the fewest conversations...
        check_agent(&view, &[&[2]], LongestIdle, false, Some(2));
        // ...fully idle agents of the same tier first...
        check_agent(&view, &[&[2, 0]], LongestIdle, false, Some(0));
        // ...and a partly busy agent of a preferred tier before an idle one of a later tier.
        check_agent(&view, &[&[2], &[0]], LongestIdle, false, Some(2));
        // Most proficient: group 0 (1.0) beats group 1 (0.8) though 1 waited longer.
        check_agent(&view, &[&[0, 1]], MostProficient, true, Some(0));
        check_agent(&view, &[&[1]], MostProficient, true, Some(1));
        // Least occupied: agent 5 (10 s busy) beats agent 4 (90 s busy, idle longer).
        check_agent(&view, &[&[3]], LeastOccupied, true, Some(5));
        check_agent(&view, &[&[3]], LongestIdle, true, Some(4));
        check_agent(&view, &[], LongestIdle, false, None);
    }

    /// Classes for work selection: 0 voice (20 s SLA), 1 chat (2 min), 2 email (4 h),
    /// 3 vip chat (priority 2), 4 chat of a held (closed) channel.
    #[track_caller]
    fn check_work(
        agent: Agent,
        group_classes: &[(u32, f64)],
        queues: &[ClassQueue],
        near_breach: [f64; 5],
        now: f64,
        expected: Option<u32>,
    ) {
        let group_classes: Vec<GroupClass> = group_classes
            .iter()
            .map(|&(class_idx, after_seconds)| GroupClass {
                class_idx,
                after_seconds,
            })
            .collect();
        let facts = ClassFacts {
            priority: &[1, 1, 0, 2, 1],
            sla_seconds: &[20.0, 120.0, 14_400.0, 120.0, 120.0],
            near_breach_seconds: &near_breach,
            needs_whole_agent: &[true, false, true, false, false],
            channel: &[0, 1, 2, 1, 3],
        };
        let open = [true, true, true, false];
        // Every class listed as ready, in reverse: ties still go to the first listed.
        let ready: Vec<u32> = (0..group_classes.len() as u32).rev().collect();
        assert_eq!(
            select_work(&agent, &group_classes, &ready, queues, facts, &open, now),
            expected
        );
    }

    #[test]
    fn work_selection() {
        let idle = agent(0, 0, 2, 0.0);
        let no_near_breach = [0.0; 5];
        let all = [(0, 0.0), (1, 0.0), (2, 0.0), (3, 0.0), (4, 0.0)];
        let queues = [
            queue(&[30.0]),
            queue(&[20.0]),
            queue(&[1.0]),
            queue(&[]),
            queue(&[0.0]),
        ];
        // Same priority: the earliest SLA deadline (voice at 30 + 20 s before chat at
        // 20 + 120 s), even though the chat arrived first.
        check_work(idle, &all[..3], &queues, no_near_breach, 40.0, Some(0));
        // Async work only when no real-time contact waits for this agent.
        check_work(idle, &[(2, 0.0)], &queues, no_near_breach, 40.0, Some(2));
        // A higher priority (VIP) class goes first whatever the deadlines.
        let with_vip = [
            queue(&[30.0]),
            queue(&[20.0]),
            queue(&[1.0]),
            queue(&[35.0]),
            queue(&[]),
        ];
        check_work(idle, &all, &with_vip, no_near_breach, 40.0, Some(3));
        // Near breach: with the last quarter of the window flagged, email due at 14,401 s is
        // near breach at 12,000 s and goes ahead of real-time work...
        let late = [
            queue(&[11_990.0]),
            queue(&[]),
            queue(&[1.0]),
            queue(&[]),
            queue(&[]),
        ];
        let quarter = [5.0, 30.0, 3_600.0, 30.0, 30.0];
        check_work(idle, &all, &late, quarter, 12_000.0, Some(2));
        check_work(idle, &all, &late, no_near_breach, 12_000.0, Some(0));
        // ...but a contact already past its deadline is not promoted.
        check_work(idle, &all, &late, quarter, 20_000.0, Some(0));
        // Widening: a class taken only after 60 s of waiting.
        check_work(idle, &[(1, 60.0)], &queues, no_near_breach, 50.0, None);
        check_work(idle, &[(1, 60.0)], &queues, no_near_breach, 80.0, Some(1));
        // A held channel that is closed gives no work.
        check_work(idle, &[(4, 0.0)], &queues, no_near_breach, 50.0, None);
        // A partly busy messaging agent takes only messaging work.
        let partly = agent(0, 1, 2, 0.0);
        check_work(
            partly,
            &[(0, 0.0), (2, 0.0)],
            &queues,
            no_near_breach,
            40.0,
            None,
        );
        check_work(partly, &all[..3], &queues, no_near_breach, 40.0, Some(1));
        // A full agent takes nothing; empty queues give nothing.
        check_work(
            agent(0, 2, 2, 0.0),
            &all,
            &queues,
            no_near_breach,
            40.0,
            None,
        );
        check_work(idle, &[(3, 0.0)], &queues, no_near_breach, 40.0, None);
    }

    #[test]
    fn expected_wait() {
        for (waiting, mean, capacity, expected) in [
            (0, 300.0, 10, 30.0),
            (9, 300.0, 10, 300.0),
            (4, 60.0, 2, 150.0),
            (0, 60.0, 0, f64::INFINITY),
        ] {
            assert_eq!(expected_wait_seconds(waiting, mean, capacity), expected);
        }
    }

    fn overflow(from: usize, queue: Option<u32>, wait: Option<f64>) -> ChannelOverflow {
        ChannelOverflow {
            name: String::new(),
            from_channel: from,
            to_channel: 9,
            queue_length_at_least: queue,
            expected_wait_above_seconds: wait,
            acceptance: 1.0,
        }
    }

    #[test]
    fn overflow_rules() {
        let rules = [
            overflow(0, Some(5), None),
            overflow(0, None, Some(120.0)),
            overflow(1, Some(1), None),
        ];
        for (channel, waiting, expected_wait, expected) in [
            (0, 4, 60.0, None),     // queue not full, wait short
            (0, 5, 60.0, Some(0)),  // queue full
            (0, 4, 121.0, Some(1)), // expected wait too long
            (0, 9, 500.0, Some(0)), // both: the first rule in order
            (1, 0, 1e9, None),      // another channel's rule
            (1, 1, 0.0, Some(2)),
            (2, 100, 1e9, None), // no rule for the channel
        ] {
            assert_eq!(
                overflow_to_fire(&rules, channel, waiting, expected_wait),
                expected,
                "channel {channel}, {waiting} waiting, expected wait {expected_wait}"
            );
        }
    }

    fn handoff(from: Option<usize>, to: usize, probability: f64) -> Handoff {
        Handoff {
            name: String::new(),
            from_channel: from,
            to_channel: to,
            probability,
            delay: Distribution::Fixed { value: 1.0 },
            context_preserved: 1.0,
            rediscovery_seconds: 0.0,
            reopens: false,
        }
    }

    #[test]
    fn handoff_choice() {
        // chat (0) to email (1) 10%, any to escalation (3) 5%.
        let handoffs = [handoff(Some(0), 1, 0.10), handoff(None, 3, 0.05)];
        for (from, u, expected) in [
            (0, 0.05, Some(0)),
            (0, 0.12, Some(1)),
            (0, 0.16, None),
            (1, 0.04, Some(1)), // email: only the "any" rule, first 5%
            (1, 0.06, None),
            (3, 0.0, None), // escalation never hands off to itself
        ] {
            assert_eq!(
                handoff_to_fire(&handoffs, from, u),
                expected,
                "from {from}, u {u}"
            );
        }
    }
}
