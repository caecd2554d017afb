//! `[groups.NAME]`: the channels, skills and languages a group serves, its concurrency,
//! proficiencies, cost, and its staffing (through `staffing.rs`).

use indexmap::IndexMap;

use super::checker::{Checker, names_of};
use super::staffing::{StaffingContext, group_staffing, shrinkage};
use super::values::in_service_policy;
use crate::scenario::raw::RawGroup;
use crate::scenario::{
    AgentGroup, AttributeNames, Channel, ChannelKind, InServiceAtShiftEnd, Limits,
};

/// Every group; `channel_names` lists the declared channels (the first `n_declared`), then
/// the derived callback channels.
pub(crate) fn groups(
    checker: &mut Checker,
    raw_groups: &IndexMap<String, RawGroup>,
    channel_names: &[&str],
    n_declared: usize,
    channels: &[Option<Channel>],
    names: &AttributeNames,
    context: StaffingContext<'_>,
) -> Option<Vec<AgentGroup>> {
    if raw_groups.len() > Limits::MAX_GROUPS {
        checker.fail(
            "groups",
            format!(
                "{} groups; at most {} are supported",
                raw_groups.len(),
                Limits::MAX_GROUPS
            ),
        );
        return None;
    }
    let mut groups = Vec::new();
    let mut all_ok = true;
    let mut total_agents: u64 = 0;
    for (group_name, raw) in raw_groups {
        let key = format!("groups.{group_name}");
        let problems_before = checker.problems.len();
        let headcount = group_staffing(checker, &key, raw, context);
        let shrinkage = shrinkage(checker, &format!("{key}.shrinkage"), raw.shrinkage.as_ref());
        let in_service_at_shift_end = in_service_policy(
            checker,
            &format!("{key}.in_service_at_shift_end"),
            raw.in_service_at_shift_end.as_deref(),
            InServiceAtShiftEnd::Finish,
        );
        let mut serves_channel = vec![false; channel_names.len()];
        if raw.channels.is_empty() {
            checker.fail(
                &format!("{key}.channels"),
                "is empty; list the channels this group serves",
            );
        }
        let mut serves_messaging = false;
        // A channel that failed its own validation has an unknown kind; judging the
        // group's concurrency against it would report a second, spurious problem.
        let mut serves_invalid_channel = false;
        let channels_key = format!("{key}.channels");
        let mut listed = Vec::new();
        for channel_name in &raw.channels {
            let derived = channel_names[n_declared..].contains(&channel_name.as_str());
            if derived {
                checker.fail(
                    &channels_key,
                    format!(
                        "\"{channel_name}\" holds callbacks and is served by the groups that serve the channel it calls back for; list that channel instead"
                    ),
                );
            } else {
                listed.push(channel_name.as_str());
            }
        }
        let served = checker.lookup_all(
            &channels_key,
            listed,
            &channel_names[..n_declared],
            "channel",
        );
        // Without a valid list of channels, whether the group serves messaging is unknown:
        // judging its concurrency would report a second, spurious problem.
        serves_invalid_channel |= served.as_ref().is_none_or(Vec::is_empty);
        for channel_idx in served.into_iter().flatten() {
            serves_channel[channel_idx] = true;
            let kind = channels[channel_idx].as_ref().map(|c| c.kind);
            serves_invalid_channel |= kind.is_none();
            if kind == Some(ChannelKind::SelfService) {
                checker.fail(
                    &channels_key,
                    format!(
                        "\"{}\" is self_service and needs no agents",
                        channel_names[channel_idx]
                    ),
                );
            }
            serves_messaging |= kind == Some(ChannelKind::Messaging);
        }
        let has_skill = checker.flags(
            &format!("{key}.skills"),
            raw.skills
                .as_ref()
                .map(|listed| listed.iter().map(String::as_str)),
            &names_of(&names.issue_types),
            "issue type",
        );
        let speaks_language = checker.flags(
            &format!("{key}.languages"),
            raw.languages
                .as_ref()
                .map(|listed| listed.iter().map(String::as_str)),
            &names_of(&names.languages),
            "language",
        );
        let concurrency = match raw.concurrency {
            None => 1,
            Some(value) if value >= 1 && value <= i64::from(Limits::MAX_CONCURRENCY) => {
                if value > 1 && !serves_messaging && !serves_invalid_channel {
                    checker.fail(
                        &format!("{key}.concurrency"),
                        "concurrency applies to messaging channels, and this group serves none",
                    );
                }
                value as u32
            }
            Some(value) => {
                checker.fail(
                    &format!("{key}.concurrency"),
                    format!("must be from 1 to {}, got {value}", Limits::MAX_CONCURRENCY),
                );
                1
            }
        };
        let cost_per_hour = checker.cost(
            &format!("{key}.cost_per_hour"),
            raw.cost_per_hour,
            "agent-hour",
        );
        let issue_type_proficiency = proficiency_table(
            checker,
            &format!("{key}.proficiency"),
            raw.proficiency.as_ref(),
            &names_of(&names.issue_types),
            "issue type",
        );
        let channel_proficiency = proficiency_table(
            checker,
            &format!("{key}.channel_proficiency"),
            raw.channel_proficiency.as_ref(),
            channel_names,
            "channel",
        );
        let concurrency_slowdown = match raw.concurrency_slowdown {
            None => 0.0,
            Some(value) if value.is_finite() && (0.0..=10.0).contains(&value) => {
                if concurrency <= 1 {
                    checker.fail(
                        &format!("{key}.concurrency_slowdown"),
                        "applies only to a group with concurrency above 1",
                    );
                }
                value
            }
            Some(value) => {
                checker.fail(
                    &format!("{key}.concurrency_slowdown"),
                    format!("must be from 0 to 10 (0.25 = each extra conversation makes all 25% slower), got {value}"),
                );
                0.0
            }
        };
        if let Some(headcount) = &headcount {
            total_agents += u64::from(headcount.max());
        }
        if checker.problems.len() > problems_before {
            all_ok = false;
            continue;
        }
        groups.push(AgentGroup {
            name: group_name.clone(),
            headcount: headcount?,
            serves_channel,
            has_skill: has_skill?,
            speaks_language: speaks_language?,
            concurrency,
            cost_per_hour,
            issue_type_proficiency: issue_type_proficiency?,
            channel_proficiency: channel_proficiency?,
            concurrency_slowdown,
            shrinkage: shrinkage.as_ref()?.0,
            shrinkage_parts: shrinkage?.1,
            in_service_at_shift_end: in_service_at_shift_end?,
        });
    }
    if total_agents > Limits::MAX_AGENTS {
        checker.fail(
            "groups",
            format!(
                "{total_agents} agents in all; at most {} are supported",
                Limits::MAX_AGENTS
            ),
        );
        return None;
    }
    all_ok.then_some(groups)
}

/// Per-name proficiencies (default 1.0 for names not listed).
pub(crate) fn proficiency_table(
    checker: &mut Checker,
    key: &str,
    table: Option<&IndexMap<String, f64>>,
    all: &[&str],
    what: &str,
) -> Option<Vec<f64>> {
    let mut values = vec![1.0; all.len()];
    let Some(table) = table else {
        return Some(values);
    };
    let mut ok = true;
    for (name, value) in table {
        match checker.lookup(key, name, all, what) {
            Some(idx) if value.is_finite() && (0.05..=10.0).contains(value) => {
                values[idx] = *value;
            }
            Some(_) => {
                checker.fail(&format!("{key}.{name}"), format!("must be from 0.05 to 10 (1.0 is standard speed, 0.8 takes 25% longer), got {value}"));
                ok = false;
            }
            None => ok = false,
        }
    }
    ok.then_some(values)
}
