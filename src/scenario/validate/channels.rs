//! `[channels.NAME]`: kind, SLA, handle time, patience, operating hours and what happens
//! after hours, the SLA clock, costs; and the derived callback channel of a voice channel
//! that offers callbacks.

use super::checker::{Checker, names_of};
use super::values;
use crate::scenario::raw::{RawChannel, RawScenario};
use crate::scenario::{
    AfterHours, AttributeMix, Callback, Channel, ChannelKind, OperatingHours, ServiceLevel,
    SlaClock,
};
use crate::units::{
    SECONDS_PER_DAY, SECONDS_PER_WEEK, WEEKDAY_NAMES, format_duration, parse_time_range_seconds,
};

/// The name of the derived channel that holds a voice channel's callbacks.
pub(crate) fn callback_channel_name(channel_name: &str) -> String {
    format!("{channel_name}_callback")
}

pub(crate) fn channel(
    checker: &mut Checker,
    name: &str,
    raw: &RawChannel,
    mix: AttributeMix,
    channel_names: &[String],
) -> Option<Channel> {
    let key = format!("channels.{name}");
    let kind = match raw.kind.as_str() {
        "voice" => ChannelKind::Voice,
        "messaging" => ChannelKind::Messaging,
        "async" => ChannelKind::Async,
        "self_service" => ChannelKind::SelfService,
        other => {
            checker.fail(&format!("{key}.kind"), format!("unknown kind \"{other}\"; use \"voice\", \"messaging\", \"async\" or \"self_service\""));
            return None;
        }
    };
    let needs_agents = kind != ChannelKind::SelfService;
    let sla = match (&raw.sla, needs_agents) {
        (Some(sla), true) => {
            let threshold = checker.duration(&format!("{key}.sla.within"), &sla.within);
            let target = if sla.target.is_finite() && sla.target > 0.0 && sla.target <= 1.0 {
                Some(sla.target)
            } else {
                checker.fail(
                    &format!("{key}.sla.target"),
                    format!(
                        "must be a fraction above 0 and at most 1 (0.8 means 80%), got {}",
                        sla.target
                    ),
                );
                None
            };
            threshold
                .zip(target)
                .map(|(threshold_seconds, target)| ServiceLevel {
                    threshold_seconds,
                    target,
                })
        }
        (None, true) => {
            checker.fail(
                &format!("{key}.sla"),
                "missing; give e.g. sla = { within = \"2m\", target = 0.8 }",
            );
            None
        }
        (Some(_), false) => {
            checker.fail(
                &format!("{key}.sla"),
                "a self_service channel has no agents and so no service level; remove it",
            );
            None
        }
        (None, false) => None,
    };
    let handle_time = match (&raw.handle_time, needs_agents) {
        (Some(distribution), true) => {
            values::distribution(checker, &format!("{key}.handle_time"), distribution)
        }
        (None, true) => {
            checker.fail(&format!("{key}.handle_time"), "missing; give e.g. handle_time = { distribution = \"exponential\", mean = \"8m\" }");
            None
        }
        (Some(_), false) => {
            checker.fail(
                &format!("{key}.handle_time"),
                "a self_service channel has no handle time; remove it",
            );
            None
        }
        (None, false) => None,
    };
    let patience = match &raw.patience {
        Some(distribution) if kind.is_real_time() => {
            values::distribution(checker, &format!("{key}.patience"), distribution).map(Some)
        }
        Some(_) => {
            checker.fail(&format!("{key}.patience"), format!("only real-time channels (voice, messaging) have patience; contacts on {} channels do not abandon", kind.name()));
            None
        }
        None => Some(None),
    };
    let wrap_up = match (&raw.wrap_up, needs_agents) {
        (Some(distribution), true) => {
            values::distribution(checker, &format!("{key}.wrap_up"), distribution).map(Some)
        }
        (Some(_), false) => {
            checker.fail(
                &format!("{key}.wrap_up"),
                "a self_service channel has no agent to wrap up; remove it",
            );
            None
        }
        (None, _) => Some(None),
    };
    let hours = match &raw.hours {
        None => Some(OperatingHours::Always),
        Some(value) => hours(checker, &format!("{key}.hours"), value),
    };
    let after_hours = after_hours(checker, &key, raw, channel_names);
    let sla_clock = match raw.sla_clock.as_deref() {
        None | Some("calendar") => Some(SlaClock::Calendar),
        Some("business_hours") => Some(SlaClock::BusinessHours),
        Some(other) => {
            checker.fail(
                &format!("{key}.sla_clock"),
                format!("unknown clock \"{other}\"; use \"calendar\" or \"business_hours\""),
            );
            None
        }
    };
    let cost_per_contact = match raw.cost_per_contact {
        Some(cost) => checker
            .cost(&format!("{key}.cost_per_contact"), Some(cost), "contact")
            .map(Some),
        None => Some(None),
    };
    let own_idx = channel_names
        .iter()
        .position(|known| known == name)
        .expect("a declared channel is among the channel names");
    let retry = match &raw.retry {
        Some(retry) => super::behaviour::retry(
            checker,
            &format!("{key}.retry"),
            retry,
            own_idx,
            channel_names,
        )
        .map(Some),
        None => Some(None),
    };
    let bot = match &raw.bot {
        Some(bot) => {
            super::behaviour::bot(checker, &format!("{key}.bot"), bot, channel_names).map(Some)
        }
        None => Some(None),
    };
    let profile_key = format!("{key}.handle_time_profile");
    let handle_time_profile = match &raw.handle_time_profile {
        None => Some(None),
        Some(_) if !needs_agents => {
            checker.fail(
                &profile_key,
                "a self-service channel has no handle time to shape",
            );
            None
        }
        Some(factors)
            if factors.is_empty()
                || factors
                    .iter()
                    .any(|f| !f.is_finite() || *f <= 0.0 || *f > MAX_HANDLE_TIME_FACTOR) =>
        {
            checker.fail(
                &profile_key,
                format!("give one factor per interval, each above 0 and at most {MAX_HANDLE_TIME_FACTOR} (1 = the handle time as drawn)"),
            );
            None
        }
        Some(factors) => Some(Some(factors.clone())),
    };
    let (sla, handle_time) = if needs_agents {
        (Some(sla?), Some(handle_time?))
    } else {
        (None, None)
    };
    Some(Channel {
        name: name.to_string(),
        kind,
        sla,
        handle_time,
        handle_time_profile: handle_time_profile?,
        patience: patience?,
        wrap_up: wrap_up?,
        backlog: None,
        hours: hours?,
        after_hours: after_hours?,
        sla_clock: sla_clock?,
        callback: None,
        callback_of: None,
        callback_attempts: None,
        retry: retry?,
        bot: bot?,
        arrivals: None,
        replay: None,
        uncertainty: None,
        mix,
        cost_per_contact: cost_per_contact?,
    })
}

/// The largest factor a handle-time profile may give an interval.
const MAX_HANDLE_TIME_FACTOR: f64 = 100.0;

pub(crate) fn hours(
    checker: &mut Checker,
    key: &str,
    value: &toml::Value,
) -> Option<OperatingHours> {
    let table = match value {
        toml::Value::String(text) if text == "24/7" => return Some(OperatingHours::Always),
        toml::Value::Table(table) => table,
        _ => {
            checker.fail(key, "write \"24/7\" or a table such as { weekdays = \"08:00-18:00\", saturday = \"10:00-14:00\" }");
            return None;
        }
    };
    let mut per_day: [Option<Vec<(f64, f64)>>; 7] = Default::default();
    // Broad keys first, so a named day overrides "weekdays", "weekend" or "daily".
    let order = |name: &str| match name {
        "daily" => 0,
        "weekdays" | "weekend" => 1,
        _ => 2,
    };
    let mut entries: Vec<(&String, &toml::Value)> = table.iter().collect();
    entries.sort_by_key(|(name, _)| order(name));
    for (day_key, day_value) in entries {
        let entry_key = format!("{key}.{day_key}");
        let days: Vec<usize> = match day_key.as_str() {
            "daily" => (0..7).collect(),
            "weekdays" => (0..5).collect(),
            "weekend" => vec![5, 6],
            name => match WEEKDAY_NAMES.iter().position(|d| *d == name) {
                Some(day) => vec![day],
                None => {
                    checker.fail(
                        &entry_key,
                        "unknown day; use monday..sunday, weekdays, weekend or daily",
                    );
                    return None;
                }
            },
        };
        let ranges: Vec<&str> = match day_value {
            toml::Value::String(text) if text == "closed" => vec![],
            toml::Value::String(text) => vec![text.as_str()],
            toml::Value::Array(items) => match items
                .iter()
                .map(|item| item.as_str())
                .collect::<Option<Vec<_>>>()
            {
                Some(texts) => texts,
                None => {
                    checker.fail(
                        &entry_key,
                        "write ranges as strings, e.g. [\"08:00-12:00\", \"13:00-18:00\"]",
                    );
                    return None;
                }
            },
            _ => {
                checker.fail(
                    &entry_key,
                    "write a range such as \"08:00-18:00\", a list of ranges, or \"closed\"",
                );
                return None;
            }
        };
        let mut windows = Vec::new();
        for range in ranges {
            match parse_time_range_seconds(range) {
                Ok(window) => windows.push(window),
                Err(reason) => {
                    checker.fail(&entry_key, reason);
                    return None;
                }
            }
        }
        for day in days {
            per_day[day] = Some(windows.clone());
        }
    }
    let mut windows: Vec<(f64, f64)> = Vec::new();
    for (day, day_windows) in per_day.iter().enumerate() {
        let offset = day as f64 * SECONDS_PER_DAY;
        let mut sorted = day_windows.clone().unwrap_or_default();
        sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
        for (open, close) in sorted {
            let (open, close) = (open + offset, close + offset);
            match windows.last_mut() {
                Some(last) if open <= last.1 => last.1 = last.1.max(close),
                _ => windows.push((open, close)),
            }
        }
    }
    if windows.is_empty() {
        checker.fail(
            key,
            "the channel is never open; give at least one range, or \"24/7\"",
        );
        return None;
    }
    if windows.len() == 1 && windows[0] == (0.0, SECONDS_PER_WEEK) {
        return Some(OperatingHours::Always);
    }
    Some(OperatingHours::Weekly { windows })
}

pub(crate) fn after_hours(
    checker: &mut Checker,
    key: &str,
    raw: &RawChannel,
    channel_names: &[String],
) -> Option<AfterHours> {
    let Some(after_hours) = &raw.after_hours else {
        return Some(AfterHours::Refuse);
    };
    let key = format!("{key}.after_hours");
    if raw.hours.is_none() {
        checker.fail(
            &key,
            "the channel has no hours (it is always open); give hours or remove after_hours",
        );
        return None;
    }
    match (after_hours.action.as_str(), &after_hours.to) {
        ("refuse", None) => Some(AfterHours::Refuse),
        ("hold", None) => Some(AfterHours::Hold),
        ("ticket", Some(to)) => checker
            .lookup(
                &format!("{key}.to"),
                to,
                &names_of(channel_names),
                "channel",
            )
            .map(|to_channel| AfterHours::Ticket { to_channel }),
        ("ticket", None) => {
            checker.fail(
                &format!("{key}.to"),
                "missing; a ticket needs a channel, e.g. after_hours = { action = \"ticket\", to = \"email\" }",
            );
            None
        }
        ("refuse" | "hold", Some(_)) => {
            checker.fail(
                &format!("{key}.to"),
                format!(
                    "only \"ticket\" takes a channel; \"{}\" does not",
                    after_hours.action
                ),
            );
            None
        }
        (other, _) => {
            checker.fail(
                &format!("{key}.action"),
                format!("unknown action \"{other}\"; use \"refuse\", \"hold\" (auto-acknowledge and wait for opening) or \"ticket\" (leave a message on another channel)"),
            );
            None
        }
    }
}

/// Appends one derived channel per voice channel with a callback offer: its outbound
/// callbacks, with the source's handle time and hours, its own SLA window, no patience.
pub(crate) fn callback_channels(
    checker: &mut Checker,
    raw: &RawScenario,
    channels: &mut Vec<Option<Channel>>,
) {
    for (source_idx, (name, raw_channel)) in raw.channels.iter().enumerate() {
        let Some(raw_callback) = &raw_channel.callback else {
            continue;
        };
        let key = format!("channels.{name}.callback");
        if raw.channels.contains_key(&callback_channel_name(name)) {
            checker.fail(
                &key,
                format!(
                    "the callback channel is called \"{}\", which the scenario already declares; rename that channel",
                    callback_channel_name(name)
                ),
            );
        }
        let offer = checker.duration(
            &format!("{key}.offer_when_expected_wait_above"),
            &raw_callback.offer_when_expected_wait_above,
        );
        let acceptance = checker.probability(&format!("{key}.acceptance"), raw_callback.acceptance);
        let within = checker.duration(&format!("{key}.within"), &raw_callback.within);
        let attempts = super::behaviour::callback_attempts(checker, &key, raw_callback);
        // The derived channel is appended next, after every declared one.
        let callback_channel = channels.len();
        let derived = match (
            channels[source_idx].as_mut(),
            offer,
            acceptance,
            within,
            attempts,
        ) {
            (Some(source), Some(offer), Some(acceptance), Some(within), Some(attempts)) => {
                if source.kind != ChannelKind::Voice {
                    checker.fail(
                        &key,
                        format!(
                            "callbacks are offered on voice channels; \"{name}\" is {}",
                            source.kind.name()
                        ),
                    );
                    None
                } else {
                    source.callback = Some(Callback {
                        offer_when_expected_wait_above_seconds: offer,
                        acceptance,
                        callback_channel,
                    });
                    Some(Channel {
                        name: callback_channel_name(name),
                        kind: ChannelKind::Async,
                        sla: Some(ServiceLevel {
                            threshold_seconds: within,
                            target: source.sla.map_or(0.8, |sla| sla.target),
                        }),
                        handle_time: source.handle_time.clone(),
                        handle_time_profile: source.handle_time_profile.clone(),
                        patience: None,
                        wrap_up: source.wrap_up.clone(),
                        backlog: None,
                        hours: source.hours.clone(),
                        after_hours: AfterHours::Hold,
                        sla_clock: source.sla_clock,
                        callback: None,
                        callback_of: Some(source_idx),
                        callback_attempts: attempts,
                        // A customer whose callback is lost redials as the source says.
                        retry: source.retry.clone(),
                        bot: None,
                        arrivals: None,
                        replay: None,
                        uncertainty: None,
                        mix: source.mix.clone(),
                        cost_per_contact: source.cost_per_contact,
                    })
                }
            }
            _ => None,
        };
        channels.push(derived);
    }
}

/// Durations that parse but cannot be meant: an SLA window or a mean handle time longer
/// than the whole horizon (an SLA no contact could miss, work no agent could finish). They
/// are almost always a unit slip ("2h" for "2m", "20d" for "20s"), so the problem says so.
pub(crate) fn plausible_durations(
    checker: &mut Checker,
    channels: &[Channel],
    simulation: &crate::scenario::SimulationSettings,
) {
    let horizon = simulation.horizon_seconds;
    for channel in channels
        .iter()
        .filter(|channel| channel.callback_of.is_none())
    {
        let key = format!("channels.{}", channel.name);
        if let Some(sla) = &channel.sla
            && sla.threshold_seconds > horizon
        {
            checker.fail(
                &format!("{key}.sla.within"),
                format!(
                    "{} is longer than the whole run (simulation.horizon = \"{}\"), so no contact could miss it; check the unit (m is minutes, M months, h hours, d days)",
                    format_duration(sla.threshold_seconds),
                    format_duration(horizon)
                ),
            );
        }
        for (what, distribution) in [
            ("handle_time", &channel.handle_time),
            ("wrap_up", &channel.wrap_up),
        ] {
            let Some(distribution) = distribution else {
                continue;
            };
            if distribution.mean() <= horizon {
                continue;
            }
            // The key the user wrote the duration under.
            let written = match distribution {
                crate::scenario::Distribution::Fixed { .. } => "value",
                crate::scenario::Distribution::Empirical { .. } => "values",
                _ => "mean",
            };
            checker.fail(
                &format!("{key}.{what}.{written}"),
                format!(
                    "a mean of {} is longer than the whole run (simulation.horizon = \"{}\"), so no contact could be finished; check the unit",
                    format_duration(distribution.mean()),
                    format_duration(horizon)
                ),
            );
        }
    }
}
