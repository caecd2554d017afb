//! The check across sections: every kind of contact that can reach a channel (by arriving
//! on it or by flowing to it) has a group that can serve it, on its rule's groups when a
//! rule matches it.

use super::checker::Checker;
use crate::scenario::{ChannelKind, Scenario};

/// Every kind of contact that can reach a channel (by arriving on it or flowing to it)
/// must have a group to serve it, on its rule's groups when a rule matches it.
pub(crate) fn coverage(checker: &mut Checker, scenario: &Scenario) {
    let reachable = scenario.reachable_combinations();
    for (channel_idx, channel) in scenario.channels().iter().enumerate() {
        if channel.kind == ChannelKind::SelfService {
            continue;
        }
        let key = format!("channels.{}", channel.name);
        let reaches = reachable[channel_idx].iter().any(|r| *r);
        if reaches
            && !scenario
                .groups()
                .iter()
                .any(|g| g.serves_channel[channel_idx])
        {
            checker.fail(&key, format!("\"{}\" receives contacts but no agent group serves it; add \"{}\" to some group's channels", channel.name, channel.name));
            continue;
        }
        let mut reported = 0;
        for (combination_idx, reaches) in reachable[channel_idx].iter().enumerate() {
            if !reaches || reported >= 5 {
                continue;
            }
            let contact = scenario.contact_key(channel_idx, combination_idx);
            let route = scenario.route_for(&contact);
            if !route.tiers.is_empty() {
                continue;
            }
            reported += 1;
            let names = scenario.attribute_names();
            let what = format!(
                "contacts of issue type \"{}\" in language \"{}\" (segment \"{}\", urgency \"{}\") reach \"{}\"",
                names.issue_types[contact.issue_type_idx],
                names.languages[contact.language_idx],
                names.segments[contact.segment_idx],
                names.urgencies[contact.urgency_idx],
                channel.name
            );
            match route.rule_idx {
                Some(rule_idx) => checker.fail(
                    &format!("routing.rules[{rule_idx}].groups"),
                    format!("{what} and match rule \"{}\", but none of its groups serves that channel with that skill and language", scenario.routing().rules[rule_idx].name),
                ),
                None => checker.fail(&key, format!("{what}, but no group serving it has that skill and language")),
            }
        }
    }
}
