//! The keys of each kind of disruption (part of the `[[events]]` section, `disruptions.rs`):
//! a channel outage's channel, backup and SLA extension; an absence's groups and share; a
//! volume spike's multiplier; spam's bots, rate limit and filter; a group outage's groups.

use super::checker::Checker;
use super::values::{self, in_service_policy};
use crate::scenario::raw::{RawDisruption, RawNames};
use crate::scenario::schedule::takes_spam;
use crate::scenario::{AgentGroup, Channel, DisruptionKind, InServiceAtShiftEnd};

/// `channel_outage`: the channel, its backup and the share who use it, whether waiting
/// customers are told, and the SLA extension.
pub(super) fn channel_outage(
    checker: &mut Checker,
    key: &str,
    raw: &RawDisruption,
    channels: &[Channel],
    end: f64,
    horizon: f64,
) -> Option<DisruptionKind> {
    let channel_idx = named_channel(checker, key, raw.channel.as_deref(), channels)?;
    let backup_channel = match &raw.backup {
        None => None,
        Some(backup) => {
            let backup_idx = declared_channel(checker, &format!("{key}.backup"), backup, channels)?;
            if backup_idx == channel_idx {
                checker.fail(
                    &format!("{key}.backup"),
                    "is the channel that is down; name another channel",
                );
                return None;
            }
            if channels[backup_idx].sla.is_none() {
                checker.fail(
                    &format!("{key}.backup"),
                    format!("\"{backup}\" is self_service; a backup must be served by agents"),
                );
                return None;
            }
            Some(backup_idx)
        }
    };
    let conversion = match (raw.conversion, backup_channel) {
        (Some(_), None) => {
            checker.fail(
                &format!("{key}.conversion"),
                "applies only with a `backup` channel",
            );
            return None;
        }
        (None, Some(_)) => {
            checker.fail(key, "a backup channel needs `conversion`: the share of displaced customers who use it (0 to 1)");
            return None;
        }
        (Some(share), Some(_)) => checker.share(&format!("{key}.conversion"), share)?,
        (None, None) => 0.0,
    };
    let sla_extension_seconds = match &raw.sla_extension {
        Some(text) => checker.duration(&format!("{key}.sla_extension"), text)?,
        None => 0.0,
    };
    let extension_after = match &raw.sla_extension_after {
        Some(_) if raw.sla_extension.is_none() => {
            checker.fail(
                &format!("{key}.sla_extension_after"),
                "applies only with `sla_extension`",
            );
            return None;
        }
        Some(text) => checker.duration(&format!("{key}.sla_extension_after"), text)?,
        None => 0.0,
    };
    Some(DisruptionKind::ChannelOutage {
        channel_idx,
        backup_channel,
        conversion,
        notify_customers: raw.notify_customers.unwrap_or(false),
        sla_extension_seconds,
        extension_until_seconds: (end + extension_after).min(horizon),
    })
}

/// `absence`: a share of each group's agents missing.
pub(super) fn absence(
    checker: &mut Checker,
    key: &str,
    raw: &RawDisruption,
    groups: &[AgentGroup],
) -> Option<DisruptionKind> {
    let disruption_groups = named_groups(checker, key, raw.group.as_ref(), groups)?;
    let Some(share) = raw.share else {
        checker.fail(
            key,
            "an absence needs `share`: the part of the group missing (0.2 = 20%)",
        );
        return None;
    };
    Some(DisruptionKind::Absence {
        groups: disruption_groups,
        share: checker.share(&format!("{key}.share"), share)?,
    })
}

/// `volume_spike`: a channel's arrivals multiplied.
pub(super) fn volume_spike(
    checker: &mut Checker,
    key: &str,
    raw: &RawDisruption,
    channels: &[Channel],
) -> Option<DisruptionKind> {
    let channel_idx = named_channel(checker, key, raw.channel.as_deref(), channels)?;
    if channels[channel_idx].arrivals.is_none() {
        checker.fail(
            &format!("{key}.channel"),
            format!(
                "channel {} has no arrivals to multiply",
                channels[channel_idx].name
            ),
        );
        return None;
    }
    let Some(multiplier) = raw.multiplier else {
        checker.fail(
            key,
            "a volume spike needs `multiplier` (2.5 = two and a half times the arrivals)",
        );
        return None;
    };
    if !(multiplier.is_finite() && (0.0..=1000.0).contains(&multiplier)) {
        checker.fail(
            &format!("{key}.multiplier"),
            format!("must be from 0 to 1000, got {multiplier}"),
        );
        return None;
    }
    Some(DisruptionKind::VolumeSpike {
        channel_idx,
        multiplier,
    })
}

/// `spam`: bots mixed into a channel's arrivals, rate-limited and filtered.
pub(super) fn spam(
    checker: &mut Checker,
    key: &str,
    raw: &RawDisruption,
    channels: &[Channel],
) -> Option<DisruptionKind> {
    let channel_idx = named_channel(checker, key, raw.channel.as_deref(), channels)?;
    let channel = &channels[channel_idx];
    if !takes_spam(channel.kind) || channel.arrivals.is_none() {
        checker.fail(
            &format!("{key}.channel"),
            format!(
                "channel {} has no agent-served arrivals for bots to mix into",
                channel.name
            ),
        );
        return None;
    }
    let Some(bot_share) = raw.bot_share else {
        checker.fail(
            key,
            "spam needs `bot_share`: the share of arrivals that are bots (0 to below 1)",
        );
        return None;
    };
    if !(bot_share.is_finite() && (0.0..0.99).contains(&bot_share)) {
        checker.fail(
            &format!("{key}.bot_share"),
            format!("must be from 0 to 0.99, got {bot_share}"),
        );
        return None;
    }
    let filter_catches = checker.share(
        &format!("{key}.filter_catches"),
        raw.filter_catches.unwrap_or(0.0),
    )?;
    let bot_accounts = match raw.bot_accounts {
        None => 50,
        Some(n) if (1..=1_000_000).contains(&n) => n as u32,
        Some(n) => {
            checker.fail(
                &format!("{key}.bot_accounts"),
                format!("must be from 1 to 1000000, got {n}"),
            );
            return None;
        }
    };
    let rate_limit = match &raw.rate_limit {
        None => None,
        Some(limit) => {
            let per = checker.duration(&format!("{key}.rate_limit.per"), &limit.per);
            if !(1..=1_000_000).contains(&limit.contacts) {
                checker.fail(
                    &format!("{key}.rate_limit.contacts"),
                    format!("must be from 1 to 1000000, got {}", limit.contacts),
                );
                return None;
            }
            Some((limit.contacts as u32, per?))
        }
    };
    let handle_time = match &raw.handle_time {
        Some(distribution) => {
            values::distribution(checker, &format!("{key}.handle_time"), distribution)?
        }
        None => channel.handle_time.clone()?,
    };
    Some(DisruptionKind::Spam {
        channel_idx,
        bot_share,
        filter_catches,
        bot_accounts,
        rate_limit,
        handle_time,
    })
}

/// `group_outage`: groups wholly unavailable.
pub(super) fn group_outage(
    checker: &mut Checker,
    key: &str,
    raw: &RawDisruption,
    groups: &[AgentGroup],
) -> Option<DisruptionKind> {
    let disruption_groups = named_groups(checker, key, raw.group.as_ref(), groups)?;
    let in_service = in_service_policy(
        checker,
        &format!("{key}.in_service"),
        raw.in_service.as_deref(),
        InServiceAtShiftEnd::Requeue,
    )?;
    Some(DisruptionKind::GroupOutage {
        groups: disruption_groups,
        in_service,
    })
}

/// The channel a disruption names at `{key}.channel` (declared channels only: a derived
/// callback channel has no arrivals of its own).
fn named_channel(
    checker: &mut Checker,
    key: &str,
    name: Option<&str>,
    channels: &[Channel],
) -> Option<usize> {
    let Some(name) = name else {
        checker.fail(key, "names no `channel`");
        return None;
    };
    declared_channel(checker, &format!("{key}.channel"), name, channels)
}

fn declared_channel(
    checker: &mut Checker,
    key: &str,
    name: &str,
    channels: &[Channel],
) -> Option<usize> {
    let declared: Vec<&str> = channels
        .iter()
        .filter(|c| c.callback_of.is_none())
        .map(|c| c.name.as_str())
        .collect();
    // Derived callback channels follow every declared one, so indices agree.
    checker.lookup(key, name, &declared, "channel")
}

/// The groups a disruption names at `{key}.group`: one, or a list, each once.
fn named_groups(
    checker: &mut Checker,
    key: &str,
    names: Option<&RawNames>,
    groups: &[AgentGroup],
) -> Option<Vec<usize>> {
    let Some(names) = names else {
        checker.fail(key, "names no `group` (a group, or a list of groups)");
        return None;
    };
    let listed = names.names();
    if listed.is_empty() {
        checker.fail(&format!("{key}.group"), "is empty; name at least one group");
        return None;
    }
    let known: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
    checker.lookup_all(&format!("{key}.group"), listed, &known, "group")
}
