//! `[[events]]`: the scenario's disruptions (channel outages, absences, volume spikes, spam,
//! group outages), each with the keys its kind takes.

use super::checker::Checker;
use super::disruption_kinds::{absence, channel_outage, group_outage, spam, volume_spike};
use crate::scenario::raw::RawDisruption;
use crate::scenario::{
    AgentGroup, Channel, Disruption, DisruptionKind, Limits, SimulationSettings,
};
use crate::units::{format_duration, parse_time_point_seconds};

/// The scenario's `[[events]]`.
pub(crate) fn disruptions(
    checker: &mut Checker,
    raw_disruptions: &[RawDisruption],
    channels: &[Channel],
    groups: &[AgentGroup],
    settings: &SimulationSettings,
) -> Option<Vec<Disruption>> {
    if raw_disruptions.len() > Limits::MAX_DISRUPTIONS {
        checker.fail(
            "events",
            format!(
                "{} events; at most {} are supported",
                raw_disruptions.len(),
                Limits::MAX_DISRUPTIONS
            ),
        );
        return None;
    }
    let problems_before = checker.problems.len();
    let mut disruptions = Vec::new();
    for (disruption_idx, raw) in raw_disruptions.iter().enumerate() {
        let key = format!("events[{disruption_idx}]");
        if let Some(disruption) = disruption(
            checker,
            &key,
            raw,
            disruption_idx,
            channels,
            groups,
            settings,
        ) {
            disruptions.push(disruption);
        }
    }
    for (disruption_idx, raw) in raw_disruptions.iter().enumerate() {
        if let Some(name) = &raw.name
            && raw_disruptions[..disruption_idx]
                .iter()
                .any(|other| other.name.as_ref() == Some(name))
        {
            checker.fail(
                &format!("events[{disruption_idx}].name"),
                format!("\"{name}\" names an earlier event too; event names must differ"),
            );
        }
    }
    // Two outages of one channel at once would leave it unclear which backup applies.
    for (first_idx, first) in disruptions.iter().enumerate() {
        for second in &disruptions[first_idx + 1..] {
            if let (
                DisruptionKind::ChannelOutage { channel_idx: a, .. },
                DisruptionKind::ChannelOutage { channel_idx: b, .. },
            ) = (&first.kind, &second.kind)
                && a == b
                && first.start_seconds < second.end_seconds
                && second.start_seconds < first.end_seconds
            {
                checker.fail(
                    "events",
                    format!(
                        "outages \"{}\" and \"{}\" of channel {} overlap; merge them into one",
                        first.name, second.name, channels[*a].name
                    ),
                );
            }
        }
    }
    (checker.problems.len() == problems_before).then_some(disruptions)
}

pub(crate) fn disruption(
    checker: &mut Checker,
    key: &str,
    raw: &RawDisruption,
    disruption_idx: usize,
    channels: &[Channel],
    groups: &[AgentGroup],
    settings: &SimulationSettings,
) -> Option<Disruption> {
    let horizon = settings.horizon_seconds;
    let name = raw
        .name
        .clone()
        .unwrap_or_else(|| format!("{}_{}", raw.kind, disruption_idx + 1));
    let start = match parse_time_point_seconds(&raw.start) {
        Ok(start) if start < horizon => Some(start),
        Ok(start) => {
            checker.fail(
                &format!("{key}.start"),
                format!(
                    "starts at {} into the run, at or after the horizon ({})",
                    format_duration(start),
                    format_duration(horizon)
                ),
            );
            None
        }
        Err(reason) => {
            checker.fail(&format!("{key}.start"), reason);
            None
        }
    };
    let end = match (&raw.end, &raw.duration) {
        (Some(_), Some(_)) => {
            checker.fail(key, "give `end` or `duration`, not both");
            None
        }
        (Some(end), None) => match parse_time_point_seconds(end) {
            Ok(end) => Some(end),
            Err(reason) => {
                checker.fail(&format!("{key}.end"), reason);
                None
            }
        },
        (None, Some(duration)) => checker
            .duration(&format!("{key}.duration"), duration)
            .and_then(|d| start.map(|s| s + d)),
        (None, None) => Some(horizon),
    };
    let (start, end) = (start?, end?);
    if end <= start {
        checker.fail(
            &format!("{key}.end"),
            "ends before it starts; an event's end comes after its start",
        );
        return None;
    }
    let end = end.min(horizon);
    let Some(kind) = Kind::named(&raw.kind) else {
        checker.fail(
            &format!("{key}.kind"),
            format!(
                "unknown event kind \"{}\"; use channel_outage, absence, volume_spike, spam or group_outage",
                raw.kind
            ),
        );
        return None;
    };
    let accepted = kind.keys();
    let given = [
        ("channel", raw.channel.is_some()),
        ("group", raw.group.is_some()),
        ("backup", raw.backup.is_some()),
        ("conversion", raw.conversion.is_some()),
        ("notify_customers", raw.notify_customers.is_some()),
        ("sla_extension", raw.sla_extension.is_some()),
        ("sla_extension_after", raw.sla_extension_after.is_some()),
        ("share", raw.share.is_some()),
        ("multiplier", raw.multiplier.is_some()),
        ("bot_share", raw.bot_share.is_some()),
        ("filter_catches", raw.filter_catches.is_some()),
        ("bot_accounts", raw.bot_accounts.is_some()),
        ("rate_limit", raw.rate_limit.is_some()),
        ("handle_time", raw.handle_time.is_some()),
        ("in_service", raw.in_service.is_some()),
    ];
    let mut ok = true;
    for (field, present) in given {
        if present && !accepted.contains(&field) {
            checker.fail(
                &format!("{key}.{field}"),
                format!(
                    "does not apply to a {} event (it takes: {})",
                    raw.kind,
                    accepted.join(", ")
                ),
            );
            ok = false;
        }
    }
    if !ok {
        return None;
    }
    let kind = match kind {
        Kind::ChannelOutage => channel_outage(checker, key, raw, channels, end, horizon)?,
        Kind::Absence => absence(checker, key, raw, groups)?,
        Kind::VolumeSpike => volume_spike(checker, key, raw, channels)?,
        Kind::Spam => spam(checker, key, raw, channels)?,
        Kind::GroupOutage => group_outage(checker, key, raw, groups)?,
    };
    Some(Disruption {
        name,
        start_seconds: start,
        end_seconds: end,
        kind,
    })
}

/// The kinds of disruption a scenario may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    ChannelOutage,
    Absence,
    VolumeSpike,
    Spam,
    GroupOutage,
}

impl Kind {
    fn named(name: &str) -> Option<Kind> {
        match name {
            "channel_outage" => Some(Kind::ChannelOutage),
            "absence" => Some(Kind::Absence),
            "volume_spike" => Some(Kind::VolumeSpike),
            "spam" => Some(Kind::Spam),
            "group_outage" => Some(Kind::GroupOutage),
            _ => None,
        }
    }

    /// Keys the kind accepts (besides name, kind, start, end, duration).
    fn keys(self) -> &'static [&'static str] {
        match self {
            Kind::ChannelOutage => &[
                "channel",
                "backup",
                "conversion",
                "notify_customers",
                "sla_extension",
                "sla_extension_after",
            ],
            Kind::Absence => &["group", "share"],
            Kind::VolumeSpike => &["channel", "multiplier"],
            Kind::Spam => &[
                "channel",
                "bot_share",
                "filter_catches",
                "bot_accounts",
                "rate_limit",
                "handle_time",
            ],
            Kind::GroupOutage => &["group", "in_service"],
        }
    }
}
