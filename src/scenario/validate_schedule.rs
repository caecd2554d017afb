//! Validation of who works when: a group's staffing (a headcount, a CSV headcount file or a
//! shift roster), its shrinkage and in-service policy, and the scenario's disruption events.
//! Like the rest of validation, every problem names its key path.

use std::path::Path;

use super::raw::{RawBreak, RawDisruption, RawGroup, RawNames, RawShift};
use super::schedule::{Disruption, DisruptionKind, InServiceAtShiftEnd, Roster, Shift, takes_spam};
use super::validate::Checker;
use super::{AgentGroup, Channel, Headcount, Limits, SimulationSettings};
use crate::units::{
    SECONDS_PER_DAY, WEEKDAY_NAMES, format_duration, parse_time_of_day_seconds,
    parse_time_point_seconds,
};

/// Largest CSV headcount file read (rows of a year at 5-minute intervals fit easily).
const MAX_HEADCOUNT_FILE_BYTES: u64 = 64 * 1024 * 1024;

impl Checker {
    /// A group's scheduled headcount from exactly one of `headcount`, `headcount_file` and
    /// `shifts`.
    pub(super) fn group_staffing(&mut self, key: &str, raw: &RawGroup) -> Option<Headcount> {
        let given: Vec<&str> = [
            raw.headcount.as_ref().map(|_| "headcount"),
            raw.headcount_file.as_ref().map(|_| "headcount_file"),
            (!raw.shifts.is_empty()).then_some("shifts"),
        ]
        .into_iter()
        .flatten()
        .collect();
        if given.len() != 1 {
            let reason = if given.is_empty() {
                "no staffing; give `headcount` (a number or one per interval), `headcount_file` (a CSV file) or `[[groups.NAME.shifts]]`".to_string()
            } else {
                format!(
                    "gives {}; staff a group by exactly one of them",
                    given.join(" and ")
                )
            };
            self.fail(key, reason);
            return None;
        }
        if raw.headcount_column.is_some() && raw.headcount_file.is_none() {
            self.fail(
                &format!("{key}.headcount_column"),
                "applies only with `headcount_file`",
            );
        }
        if let Some(value) = &raw.headcount {
            return self.headcount(&format!("{key}.headcount"), value);
        }
        if let Some(file) = &raw.headcount_file {
            let group_name = key.trim_start_matches("groups.");
            let column = raw.headcount_column.as_deref().unwrap_or(group_name);
            return self.headcount_file(&format!("{key}.headcount_file"), file, column);
        }
        self.shifts(&format!("{key}.shifts"), &raw.shifts)
            .map(Headcount::Shifts)
    }

    /// A per-interval headcount from a CSV column: a header row naming the columns, then one
    /// row per reporting interval (cycled like a headcount list).
    fn headcount_file(&mut self, key: &str, file: &str, column: &str) -> Option<Headcount> {
        let path = match &self.base_dir {
            Some(dir) if Path::new(file).is_relative() => dir.join(file),
            _ => Path::new(file).to_path_buf(),
        };
        let too_big = std::fs::metadata(&path)
            .map(|m| m.len() > MAX_HEADCOUNT_FILE_BYTES)
            .unwrap_or(false);
        if too_big {
            self.fail(
                key,
                format!(
                    "{} is larger than {} MiB",
                    path.display(),
                    MAX_HEADCOUNT_FILE_BYTES >> 20
                ),
            );
            return None;
        }
        let mut reader = match csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_path(&path)
        {
            Ok(reader) => reader,
            Err(error) => {
                self.fail(key, format!("cannot read {} ({error})", path.display()));
                return None;
            }
        };
        let headers = match reader.headers() {
            Ok(headers) => headers.clone(),
            Err(error) => {
                self.fail(key, format!("{}: {error}", path.display()));
                return None;
            }
        };
        let Some(column_idx) = headers.iter().position(|h| h == column) else {
            self.fail(
                key,
                format!(
                    "{} has no column \"{column}\" (its columns: {}); name it with `headcount_column`",
                    path.display(),
                    headers.iter().collect::<Vec<_>>().join(", ")
                ),
            );
            return None;
        };
        let mut counts = Vec::new();
        for (row_idx, record) in reader.records().enumerate() {
            let line = row_idx + 2;
            let record = match record {
                Ok(record) => record,
                Err(error) => {
                    self.fail(key, format!("{} line {line}: {error}", path.display()));
                    return None;
                }
            };
            let cell = record.get(column_idx).unwrap_or("");
            match cell.parse::<u64>() {
                Ok(count) if count <= Limits::MAX_AGENTS => counts.push(count as u32),
                _ => {
                    self.fail(
                        key,
                        format!(
                            "{} line {line}, column \"{column}\": \"{cell}\" is not a whole number of agents from 0 to {}",
                            path.display(),
                            Limits::MAX_AGENTS
                        ),
                    );
                    return None;
                }
            }
        }
        if counts.is_empty() {
            self.fail(
                key,
                format!(
                    "{} has no rows; give one row per reporting interval",
                    path.display()
                ),
            );
            return None;
        }
        Some(Headcount::PerInterval(counts))
    }

    fn shifts(&mut self, key: &str, raw_shifts: &[RawShift]) -> Option<Roster> {
        if raw_shifts.len() > Limits::MAX_SHIFTS {
            self.fail(
                key,
                format!(
                    "{} shifts; at most {} are supported",
                    raw_shifts.len(),
                    Limits::MAX_SHIFTS
                ),
            );
            return None;
        }
        let mut shifts = Vec::new();
        let problems_before = self.problems.len();
        let mut total_agents: u64 = 0;
        for (shift_idx, raw) in raw_shifts.iter().enumerate() {
            let key = format!("{key}[{shift_idx}]");
            if let Some(shift) = self.shift(&key, raw, shift_idx) {
                total_agents += u64::from(shift.agents);
                shifts.push(shift);
            }
        }
        if total_agents > Limits::MAX_AGENTS {
            self.fail(
                key,
                format!(
                    "{total_agents} agents in all shifts; at most {} are supported",
                    Limits::MAX_AGENTS
                ),
            );
        }
        (self.problems.len() == problems_before).then(|| Roster::new(shifts))
    }

    fn shift(&mut self, key: &str, raw: &RawShift, shift_idx: usize) -> Option<Shift> {
        let start = match parse_time_of_day_seconds(&raw.start) {
            Ok(seconds) if seconds < SECONDS_PER_DAY => Some(seconds),
            Ok(_) => {
                self.fail(&format!("{key}.start"), "a shift starts before 24:00");
                None
            }
            Err(reason) => {
                self.fail(&format!("{key}.start"), reason);
                None
            }
        };
        let length = self.duration(&format!("{key}.length"), &raw.length);
        if let Some(length) = length
            && length > SECONDS_PER_DAY
        {
            self.fail(
                &format!("{key}.length"),
                format!("{} is longer than a day", format_duration(length)),
            );
        }
        let agents = match raw.agents {
            n if n >= 0 && n as u64 <= Limits::MAX_AGENTS => Some(n as u32),
            n => {
                self.fail(
                    &format!("{key}.agents"),
                    format!(
                        "must be a whole number of agents from 0 to {}, got {n}",
                        Limits::MAX_AGENTS
                    ),
                );
                None
            }
        };
        let days = self.days(&format!("{key}.days"), raw.days.as_ref());
        let mut breaks = Vec::new();
        for (break_idx, raw_break) in raw.breaks.iter().enumerate() {
            breaks.push((
                format!("{key}.breaks[{break_idx}]"),
                self.shift_break(&format!("{key}.breaks[{break_idx}]"), raw_break),
            ));
        }
        if let Some(lunch) = &raw.lunch {
            breaks.push((
                format!("{key}.lunch"),
                self.shift_break(&format!("{key}.lunch"), lunch),
            ));
        }
        let length = length?;
        let mut windows: Vec<(String, (f64, f64))> = Vec::new();
        for (break_key, window) in breaks {
            let (after, break_length) = window?;
            if after + break_length > length {
                self.fail(
                    &break_key,
                    format!(
                        "ends {} into a shift of {}; breaks lie inside the shift",
                        format_duration(after + break_length),
                        format_duration(length)
                    ),
                );
                return None;
            }
            windows.push((break_key, (after, break_length)));
        }
        windows.sort_by(|a, b| a.1.0.total_cmp(&b.1.0));
        for pair in windows.windows(2) {
            let ((_, (first_at, first_length)), (second_key, (second_at, _))) =
                (&pair[0], &pair[1]);
            if first_at + first_length > *second_at {
                self.fail(second_key, "overlaps another break or the lunch");
                return None;
            }
        }
        Some(Shift {
            name: raw
                .name
                .clone()
                .unwrap_or_else(|| format!("shift {}", shift_idx + 1)),
            agents: agents?,
            start_seconds: start?,
            length_seconds: length,
            days: days?,
            breaks: windows.into_iter().map(|(_, window)| window).collect(),
        })
    }

    fn shift_break(&mut self, key: &str, raw: &RawBreak) -> Option<(f64, f64)> {
        let after = match crate::units::parse_duration_seconds(&raw.after) {
            Ok(seconds) => Some(seconds),
            Err(reason) => {
                self.fail(&format!("{key}.after"), reason);
                None
            }
        };
        let length = self.duration(&format!("{key}.length"), &raw.length);
        Some((after?, length?))
    }

    fn days(&mut self, key: &str, raw: Option<&RawNames>) -> Option<[bool; 7]> {
        let Some(raw) = raw else {
            return Some([true; 7]);
        };
        let mut days = [false; 7];
        for name in raw.names() {
            let lower = name.to_ascii_lowercase();
            match lower.as_str() {
                "daily" => days = [true; 7],
                "weekdays" => days[..5].fill(true),
                "weekend" => days[5..].fill(true),
                day => match WEEKDAY_NAMES
                    .iter()
                    .position(|d| *d == day || (day.len() == 3 && d.starts_with(day)))
                {
                    Some(day_idx) => days[day_idx] = true,
                    None => {
                        self.fail(
                            key,
                            format!("unknown day \"{name}\"; use monday..sunday (or mon..sun), weekdays, weekend or daily"),
                        );
                        return None;
                    }
                },
            }
        }
        Some(days)
    }

    /// Shrinkage as a share, or a table of named shares that are summed.
    pub(super) fn shrinkage(
        &mut self,
        key: &str,
        value: Option<&toml::Value>,
    ) -> Option<(f64, Vec<(String, f64)>)> {
        let parts: Vec<(String, f64)> = match value {
            None => return Some((0.0, Vec::new())),
            Some(toml::Value::Float(share)) => vec![("shrinkage".into(), *share)],
            Some(toml::Value::Integer(share)) => vec![("shrinkage".into(), *share as f64)],
            Some(toml::Value::Table(table)) => {
                let mut parts = Vec::new();
                for (name, share) in table {
                    match share.as_float().or(share.as_integer().map(|i| i as f64)) {
                        Some(share) => parts.push((name.clone(), share)),
                        None => {
                            self.fail(&format!("{key}.{name}"), "must be a share from 0 to 1");
                            return None;
                        }
                    }
                }
                parts
            }
            Some(_) => {
                self.fail(
                    key,
                    "give a share (0.3) or a table of shares ({ training = 0.05, meetings = 0.04, absence = 0.08 })",
                );
                return None;
            }
        };
        for (name, share) in &parts {
            if !(share.is_finite() && (0.0..1.0).contains(share)) {
                let part_key = if parts.len() == 1 && name == "shrinkage" {
                    key.to_string()
                } else {
                    format!("{key}.{name}")
                };
                self.fail(
                    &part_key,
                    format!("must be a share from 0 to below 1, got {share}"),
                );
                return None;
            }
        }
        let total: f64 = parts.iter().map(|(_, share)| share).sum();
        if total >= 1.0 {
            self.fail(
                key,
                format!("shares sum to {total}; shrinkage of 1 or more leaves nobody available"),
            );
            return None;
        }
        Some((total, parts))
    }

    pub(super) fn in_service_policy(
        &mut self,
        key: &str,
        value: Option<&str>,
        default: InServiceAtShiftEnd,
    ) -> Option<InServiceAtShiftEnd> {
        match value {
            None => Some(default),
            Some("finish") => Some(InServiceAtShiftEnd::Finish),
            Some("requeue") => Some(InServiceAtShiftEnd::Requeue),
            Some(other) => {
                self.fail(
                    key,
                    format!("unknown policy \"{other}\"; use \"finish\" (the agent finishes contacts in hand, then leaves) or \"requeue\" (they go back to the front of the queue)"),
                );
                None
            }
        }
    }

    /// The scenario's `[[events]]`.
    pub(super) fn disruptions(
        &mut self,
        raw_disruptions: &[RawDisruption],
        channels: &[Channel],
        groups: &[AgentGroup],
        settings: &SimulationSettings,
    ) -> Option<Vec<Disruption>> {
        if raw_disruptions.len() > Limits::MAX_DISRUPTIONS {
            self.fail(
                "events",
                format!(
                    "{} events; at most {} are supported",
                    raw_disruptions.len(),
                    Limits::MAX_DISRUPTIONS
                ),
            );
            return None;
        }
        let problems_before = self.problems.len();
        let mut disruptions = Vec::new();
        for (disruption_idx, raw) in raw_disruptions.iter().enumerate() {
            let key = format!("events[{disruption_idx}]");
            if let Some(disruption) =
                self.disruption(&key, raw, disruption_idx, channels, groups, settings)
            {
                disruptions.push(disruption);
            }
        }
        for (disruption_idx, raw) in raw_disruptions.iter().enumerate() {
            if let Some(name) = &raw.name
                && raw_disruptions[..disruption_idx]
                    .iter()
                    .any(|other| other.name.as_ref() == Some(name))
            {
                self.fail(
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
                    self.fail(
                        "events",
                        format!(
                            "outages \"{}\" and \"{}\" of channel {} overlap; merge them into one",
                            first.name, second.name, channels[*a].name
                        ),
                    );
                }
            }
        }
        (self.problems.len() == problems_before).then_some(disruptions)
    }

    fn disruption(
        &mut self,
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
                self.fail(
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
                self.fail(&format!("{key}.start"), reason);
                None
            }
        };
        let end = match (&raw.end, &raw.duration) {
            (Some(_), Some(_)) => {
                self.fail(key, "give `end` or `duration`, not both");
                None
            }
            (Some(end), None) => match parse_time_point_seconds(end) {
                Ok(end) => Some(end),
                Err(reason) => {
                    self.fail(&format!("{key}.end"), reason);
                    None
                }
            },
            (None, Some(duration)) => self
                .duration(&format!("{key}.duration"), duration)
                .and_then(|d| start.map(|s| s + d)),
            (None, None) => Some(horizon),
        };
        let (start, end) = (start?, end?);
        if end <= start {
            self.fail(
                &format!("{key}.end"),
                "ends before it starts; an event's end comes after its start",
            );
            return None;
        }
        let end = end.min(horizon);
        let kind = raw.kind.as_str();
        // Keys each kind accepts (besides name, kind, start, end, duration).
        let accepted: &[&str] = match kind {
            "channel_outage" => &[
                "channel",
                "backup",
                "conversion",
                "notify_customers",
                "sla_extension",
                "sla_extension_after",
            ],
            "absence" => &["group", "share"],
            "volume_spike" => &["channel", "multiplier"],
            "spam" => &[
                "channel",
                "bot_share",
                "filter_catches",
                "bot_accounts",
                "rate_limit",
                "handle_time",
            ],
            "group_outage" => &["group", "in_service"],
            other => {
                self.fail(
                    &format!("{key}.kind"),
                    format!("unknown event kind \"{other}\"; use channel_outage, absence, volume_spike, spam or group_outage"),
                );
                return None;
            }
        };
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
                self.fail(
                    &format!("{key}.{field}"),
                    format!(
                        "does not apply to a {kind} event (it takes: {})",
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
            "channel_outage" => {
                let channel_idx = self.disruption_channel(key, raw.channel.as_deref(), channels)?;
                let backup_channel = match &raw.backup {
                    None => None,
                    Some(backup) => {
                        let backup_idx = self.disruption_channel_named(
                            &format!("{key}.backup"),
                            backup,
                            channels,
                        )?;
                        if backup_idx == channel_idx {
                            self.fail(
                                &format!("{key}.backup"),
                                "is the channel that is down; name another channel",
                            );
                            return None;
                        }
                        if channels[backup_idx].sla.is_none() {
                            self.fail(&format!("{key}.backup"), format!("\"{backup}\" is self_service; a backup must be served by agents"));
                            return None;
                        }
                        Some(backup_idx)
                    }
                };
                let conversion = match (raw.conversion, backup_channel) {
                    (Some(_), None) => {
                        self.fail(
                            &format!("{key}.conversion"),
                            "applies only with a `backup` channel",
                        );
                        return None;
                    }
                    (None, Some(_)) => {
                        self.fail(key, "a backup channel needs `conversion`: the share of displaced customers who use it (0 to 1)");
                        return None;
                    }
                    (Some(share), Some(_)) => self.share(&format!("{key}.conversion"), share)?,
                    (None, None) => 0.0,
                };
                let sla_extension_seconds = match &raw.sla_extension {
                    Some(text) => self.duration(&format!("{key}.sla_extension"), text)?,
                    None => 0.0,
                };
                let extension_after = match &raw.sla_extension_after {
                    Some(_) if raw.sla_extension.is_none() => {
                        self.fail(
                            &format!("{key}.sla_extension_after"),
                            "applies only with `sla_extension`",
                        );
                        return None;
                    }
                    Some(text) => self.duration(&format!("{key}.sla_extension_after"), text)?,
                    None => 0.0,
                };
                DisruptionKind::ChannelOutage {
                    channel_idx,
                    backup_channel,
                    conversion,
                    notify_customers: raw.notify_customers.unwrap_or(false),
                    sla_extension_seconds,
                    extension_until_seconds: (end + extension_after).min(horizon),
                }
            }
            "absence" => {
                let disruption_groups = self.disruption_groups(key, raw.group.as_ref(), groups)?;
                let Some(share) = raw.share else {
                    self.fail(
                        key,
                        "an absence needs `share`: the part of the group missing (0.2 = 20%)",
                    );
                    return None;
                };
                DisruptionKind::Absence {
                    groups: disruption_groups,
                    share: self.share(&format!("{key}.share"), share)?,
                }
            }
            "volume_spike" => {
                let channel_idx = self.disruption_channel(key, raw.channel.as_deref(), channels)?;
                if channels[channel_idx].arrivals.is_none() {
                    self.fail(
                        &format!("{key}.channel"),
                        format!(
                            "channel {} has no arrivals to multiply",
                            channels[channel_idx].name
                        ),
                    );
                    return None;
                }
                let Some(multiplier) = raw.multiplier else {
                    self.fail(key, "a volume spike needs `multiplier` (2.5 = two and a half times the arrivals)");
                    return None;
                };
                if !(multiplier.is_finite() && (0.0..=1000.0).contains(&multiplier)) {
                    self.fail(
                        &format!("{key}.multiplier"),
                        format!("must be from 0 to 1000, got {multiplier}"),
                    );
                    return None;
                }
                DisruptionKind::VolumeSpike {
                    channel_idx,
                    multiplier,
                }
            }
            "spam" => {
                let channel_idx = self.disruption_channel(key, raw.channel.as_deref(), channels)?;
                let channel = &channels[channel_idx];
                if !takes_spam(channel.kind) || channel.arrivals.is_none() {
                    self.fail(
                        &format!("{key}.channel"),
                        format!(
                            "channel {} has no agent-served arrivals for bots to mix into",
                            channel.name
                        ),
                    );
                    return None;
                }
                let Some(bot_share) = raw.bot_share else {
                    self.fail(key, "spam needs `bot_share`: the share of arrivals that are bots (0 to below 1)");
                    return None;
                };
                if !(bot_share.is_finite() && (0.0..0.99).contains(&bot_share)) {
                    self.fail(
                        &format!("{key}.bot_share"),
                        format!("must be from 0 to 0.99, got {bot_share}"),
                    );
                    return None;
                }
                let filter_catches = self.share(
                    &format!("{key}.filter_catches"),
                    raw.filter_catches.unwrap_or(0.0),
                )?;
                let bot_accounts = match raw.bot_accounts {
                    None => 50,
                    Some(n) if (1..=1_000_000).contains(&n) => n as u32,
                    Some(n) => {
                        self.fail(
                            &format!("{key}.bot_accounts"),
                            format!("must be from 1 to 1000000, got {n}"),
                        );
                        return None;
                    }
                };
                let rate_limit = match &raw.rate_limit {
                    None => None,
                    Some(limit) => {
                        let per = self.duration(&format!("{key}.rate_limit.per"), &limit.per);
                        if !(1..=1_000_000).contains(&limit.contacts) {
                            self.fail(
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
                        self.distribution(&format!("{key}.handle_time"), distribution)?
                    }
                    None => channel.handle_time.clone()?,
                };
                DisruptionKind::Spam {
                    channel_idx,
                    bot_share,
                    filter_catches,
                    bot_accounts,
                    rate_limit,
                    handle_time,
                }
            }
            _ => {
                let disruption_groups = self.disruption_groups(key, raw.group.as_ref(), groups)?;
                let in_service = self.in_service_policy(
                    &format!("{key}.in_service"),
                    raw.in_service.as_deref(),
                    InServiceAtShiftEnd::Requeue,
                )?;
                DisruptionKind::GroupOutage {
                    groups: disruption_groups,
                    in_service,
                }
            }
        };
        Some(Disruption {
            name,
            start_seconds: start,
            end_seconds: end,
            kind,
        })
    }

    fn share(&mut self, key: &str, value: f64) -> Option<f64> {
        if value.is_finite() && (0.0..=1.0).contains(&value) {
            Some(value)
        } else {
            self.fail(key, format!("must be a share from 0 to 1, got {value}"));
            None
        }
    }

    fn disruption_channel(
        &mut self,
        key: &str,
        name: Option<&str>,
        channels: &[Channel],
    ) -> Option<usize> {
        let Some(name) = name else {
            self.fail(key, "names no `channel`");
            return None;
        };
        self.disruption_channel_named(&format!("{key}.channel"), name, channels)
    }

    fn disruption_channel_named(
        &mut self,
        key: &str,
        name: &str,
        channels: &[Channel],
    ) -> Option<usize> {
        match channels
            .iter()
            .position(|c| c.name == name && c.callback_of.is_none())
        {
            Some(channel_idx) => Some(channel_idx),
            None => {
                let names: Vec<&str> = channels
                    .iter()
                    .filter(|c| c.callback_of.is_none())
                    .map(|c| c.name.as_str())
                    .collect();
                self.fail(
                    key,
                    format!(
                        "no channel named \"{name}\"; channels are: {}",
                        names.join(", ")
                    ),
                );
                None
            }
        }
    }

    fn disruption_groups(
        &mut self,
        key: &str,
        names: Option<&RawNames>,
        groups: &[AgentGroup],
    ) -> Option<Vec<usize>> {
        let Some(names) = names else {
            self.fail(key, "names no `group` (a group, or a list of groups)");
            return None;
        };
        let mut indices = Vec::new();
        for name in names.names() {
            match groups.iter().position(|g| g.name == name) {
                Some(group_idx) if !indices.contains(&group_idx) => indices.push(group_idx),
                Some(_) => {}
                None => {
                    let known: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
                    self.fail(
                        &format!("{key}.group"),
                        format!(
                            "no group named \"{name}\"; groups are: {}",
                            known.join(", ")
                        ),
                    );
                    return None;
                }
            }
        }
        if indices.is_empty() {
            self.fail(&format!("{key}.group"), "is empty; name at least one group");
            return None;
        }
        Some(indices)
    }
}
