//! Invariant checks for tests: a replication run with `run_replication_audited` re-derives
//! routing from the scenario (not from the engine's layout, pools or queues) and reports
//! every moment the engine's state breaks it:
//! - a contact is served by a group that lacks its channel, skill or language, or that its
//!   rule does not name (or names only for widening, before the wait is reached);
//! - after an event, a contact waits while an agent it may go to is on shift with room for
//!   it (no idling while eligible work waits: a VIP never waits while a senior is free);
//! - an agent takes a contact from the queues while a higher-priority one it may serve waits
//!   (checked when the scenario has no near-breach promotion, which reorders by deadline);
//! - an agent that may hand its contacts back is listed with other contacts than it serves;
//! - a partly busy agent is filed in its group's load order with other units in use than it
//!   has;
//! - an agent starts on a contact while off shift, on a break or leaving, or while its group
//!   has more agents on shift than the schedule, shrinkage and events allow (recomputed here
//!   from the scenario), or a contact is started on a channel during its outage.
//!
//! Slow (it scans every waiting contact and agent after each event) and off by default.

use super::Simulation;
use super::state::{AgentStatus, ContactState, Membership};
use crate::scenario::schedule::available_agents;
use crate::scenario::{ClassRoute, ContactKey, DisruptionKind};

/// Most violations kept (the first ones tell the story).
const MAX_VIOLATIONS: usize = 20;

pub(super) struct Audit {
    /// Routes by class index, from `Scenario::route_for`.
    routes: Vec<ClassRoute>,
    pub(super) violations: Vec<String>,
}

impl Audit {
    pub(super) fn new(simulation: &Simulation<'_>) -> Audit {
        let scenario = simulation.scenario;
        let n_combinations = scenario.n_attribute_combinations();
        let routes = (0..scenario.channels().len() * n_combinations)
            .map(|class_idx| {
                scenario.route_for(
                    &scenario.contact_key(class_idx / n_combinations, class_idx % n_combinations),
                )
            })
            .collect();
        Audit {
            routes,
            violations: Vec::new(),
        }
    }

    fn report(&mut self, message: String) {
        if self.violations.len() < MAX_VIOLATIONS {
            self.violations.push(message);
        }
    }
}

fn key_of(contact: &super::state::Contact) -> ContactKey {
    ContactKey {
        channel_idx: contact.channel_idx as usize,
        issue_type_idx: contact.issue_type_idx as usize,
        segment_idx: contact.segment_idx as usize,
        language_idx: contact.language_idx as usize,
        urgency_idx: contact.urgency_idx as usize,
    }
}

impl Simulation<'_> {
    /// Whether `group_idx` may take this waiting contact now, by the scenario's route.
    /// `at_widening`: whether a contact that has waited exactly `widen_after` counts as
    /// widened (yes when it is being served; no for the idling check, because its widening
    /// event may come later at the same instant).
    fn audit_may_take(
        &self,
        route: &ClassRoute,
        group_idx: usize,
        waited: f64,
        at_widening: bool,
    ) -> bool {
        let widened = if at_widening {
            waited >= route.widen_after_seconds - 1e-6
        } else {
            waited > route.widen_after_seconds + 1e-6
        };
        route.tiers.iter().flatten().any(|&g| g == group_idx)
            || (widened && route.widen_to.contains(&group_idx))
    }

    /// Agents a group may have taking work at `time`, from the scenario alone: its schedule,
    /// less absences and shrinkage, none during a group outage.
    fn audit_available(&self, group_idx: usize, time: f64) -> u32 {
        let scenario = self.scenario;
        let group = &scenario.groups()[group_idx];
        let scheduled = group
            .headcount
            .scheduled_at(time.max(0.0), scenario.simulation().interval_seconds);
        let mut present = 1.0;
        for disruption in scenario.disruptions() {
            if !disruption.is_active(time) || !disruption.groups().contains(&group_idx) {
                continue;
            }
            match disruption.kind {
                DisruptionKind::GroupOutage { .. } => return 0,
                DisruptionKind::Absence { share, .. } => present *= 1.0 - share,
                _ => {}
            }
        }
        available_agents(scheduled, group.shrinkage, 1.0 - present)
    }

    /// Called as an agent starts on a contact.
    pub(super) fn audit_service_start(&mut self, agent_idx: u32, slot: u32, from_queue: bool) {
        let Some(audit) = self.audit.take() else {
            return;
        };
        let mut audit = audit;
        let contact = self.slab.contacts[slot as usize];
        let key = key_of(&contact);
        let group_idx = self.agents[agent_idx as usize].group_idx as usize;
        let scenario = self.scenario;
        let names = scenario.attribute_names();
        let describe = |key: &ContactKey| {
            format!(
                "{} contact (issue {}, segment {}, language {})",
                scenario.channels()[key.channel_idx].name,
                names.issue_types[key.issue_type_idx],
                names.segments[key.segment_idx],
                names.languages[key.language_idx]
            )
        };
        let agent = self.agents[agent_idx as usize];
        if agent.status != AgentStatus::On {
            audit.report(format!(
                "t={:.1}: agent {agent_idx} of group {} started a contact while {:?}",
                self.now,
                scenario.groups()[group_idx].name,
                agent.status
            ));
        }
        let allowed = self
            .audit_available(group_idx, self.now)
            .max(self.audit_available(group_idx, self.now - 1e-6));
        let on_shift = self.pools[group_idx].on_shift;
        if on_shift > allowed {
            audit.report(format!(
                "t={:.1}: group {} has {on_shift} agents taking work; its schedule allows {allowed}",
                self.now, scenario.groups()[group_idx].name
            ));
        }
        let down = scenario.disruptions().iter().any(|d| {
            d.is_active(self.now)
                && matches!(d.kind, DisruptionKind::ChannelOutage { channel_idx, .. } if channel_idx == key.channel_idx)
        });
        if down {
            audit.report(format!(
                "t={:.1}: {} started during the channel's outage",
                self.now,
                describe(&key)
            ));
        }
        if !scenario.group_can_serve(
            group_idx,
            key.channel_idx,
            key.issue_type_idx,
            key.language_idx,
        ) {
            audit.report(format!(
                "t={:.1}: {} served by group {}, which lacks its channel, skill or language",
                self.now,
                describe(&key),
                scenario.groups()[group_idx].name
            ));
        }
        let class_idx = contact.class_idx as usize;
        let waited = self.now - contact.arrival_time;
        if !self.audit_may_take(&audit.routes[class_idx], group_idx, waited, true) {
            audit.report(format!(
                "t={:.1}: {} served by group {}, which its route does not allow after {waited:.1} s",
                self.now,
                describe(&key),
                scenario.groups()[group_idx].name
            ));
        }
        // With near-breach promotion the order also depends on deadlines at the queue
        // fronts; the priority check applies to static priorities only.
        if from_queue && scenario.routing().near_breach_share.is_none() {
            let chosen_priority = audit.routes[class_idx].priority;
            for other in &self.slab.contacts {
                if other.state != ContactState::Waiting
                    || !self.channel_taking_work[other.channel_idx as usize]
                {
                    continue;
                }
                let route = &audit.routes[other.class_idx as usize];
                let whole = self.layout.class_needs_whole_agent[other.class_idx as usize];
                let agent = &self.agents[agent_idx as usize];
                let fits = !whole || agent.busy_units == 0;
                if fits
                    && route.priority > chosen_priority
                    && self.audit_may_take(route, group_idx, self.now - other.arrival_time, false)
                {
                    audit.report(format!(
                        "t={:.1}: group {} took a {} (priority {chosen_priority}) while a {} (priority {}) waited",
                        self.now,
                        scenario.groups()[group_idx].name,
                        describe(&key),
                        describe(&key_of(other)),
                        route.priority
                    ));
                    break;
                }
            }
        }
        self.audit = Some(audit);
    }

    /// Called after every event: no contact waits while an agent it may go to has room.
    pub(super) fn audit_after_event(&mut self) {
        let Some(mut audit) = self.audit.take() else {
            return;
        };
        for contact in &self.slab.contacts {
            if contact.state != ContactState::Waiting
                || !self.channel_taking_work[contact.channel_idx as usize]
            {
                continue;
            }
            let route = &audit.routes[contact.class_idx as usize];
            let whole = self.layout.class_needs_whole_agent[contact.class_idx as usize];
            let waited = self.now - contact.arrival_time;
            let idle_agent = self.agents.iter().position(|agent| {
                agent.status == AgentStatus::On
                    && (agent.busy_units == 0
                        || (!whole && agent.busy_units < agent.capacity_units))
                    && self.audit_may_take(route, agent.group_idx as usize, waited, false)
            });
            if let Some(agent_idx) = idle_agent {
                let group_idx = self.agents[agent_idx].group_idx as usize;
                let message = format!(
                    "t={:.1}: a {} contact has waited {waited:.1} s while agent {agent_idx} of group {} could take it",
                    self.now,
                    self.scenario.channels()[contact.channel_idx as usize].name,
                    self.scenario.groups()[group_idx].name
                );
                audit.report(message);
                break;
            }
        }
        let mut serving = vec![0u32; self.agents.len()];
        for contact in &self.slab.contacts {
            if contact.state == ContactState::InService {
                serving[contact.agent_idx as usize] += 1;
            }
        }
        for (agent_idx, &count) in serving.iter().enumerate() {
            if let Some(listed) = self.staffing.in_service.listed(agent_idx as u32)
                && listed != count
            {
                audit.report(format!(
                    "t={:.1}: agent {agent_idx} is listed with {listed} contacts in service but serves {count}",
                    self.now
                ));
                break;
            }
        }
        for (agent_idx, agent) in self.agents.iter().enumerate() {
            if agent.membership == Membership::Partial {
                let busy_units = agent.partial_units;
                let pool = &self.pools[agent.group_idx as usize];
                if busy_units != agent.busy_units
                    || !pool.partial_by_load.holds(agent_idx as u32, busy_units)
                {
                    audit.report(format!(
                        "t={:.1}: agent {agent_idx} is filed as partly busy with {busy_units} units in use but has {}",
                        self.now, agent.busy_units
                    ));
                    break;
                }
            }
        }
        self.audit = Some(audit);
    }
}
