//! `omnisim fit`: a scenario from a trace. Per channel, the arrivals (`arrivals.rs`: the
//! expected contacts per interval of the week, weekly volume, day shares, day-to-day
//! over-dispersion), the handle-time distribution (`durations.rs`: lognormal and gamma by
//! maximum likelihood, empirical when neither fits) and patience (`patience.rs`: the
//! exponential rate from censored waits, and Kaplan-Meier); agent groups and their headcount
//! per interval from agent ids (`staffing.rs`). Everything is read on the center's wall clock
//! (`Calendar`). The `FitReport` is data; `output::fit` writes the scenario, its CSV files,
//! the report and the charts.

pub mod arrivals;
pub mod durations;
pub mod not_ready;
pub mod patience;
pub mod staffing;

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::scenario::ChannelKind;
use crate::trace::{Outcome, TraceRecord};
use arrivals::ArrivalFit;
use durations::DurationFit;
use not_ready::NotReadyFit;
use patience::PatienceFit;
use staffing::{GroupFit, Service};

/// The days a trace covers on the center's clock: day 0 is `first_date`.
#[derive(Debug, Clone)]
pub struct Calendar {
    pub first_date: Date,
    pub days: usize,
    pub interval_seconds: f64,
}

impl Calendar {
    pub fn new(first_date: Date, days: usize, interval_seconds: f64) -> Calendar {
        Calendar {
            first_date,
            days,
            interval_seconds,
        }
    }

    pub fn slots_per_day(&self) -> usize {
        (86_400.0 / self.interval_seconds).round() as usize
    }

    /// The weekday of day `day`, Monday = 0.
    pub fn weekday(&self, day: usize) -> usize {
        (usize::from(self.first_date.weekday().to_monday_zero_offset() as u8) + day) % 7
    }

    /// How many of the days observed fall on each weekday, Monday first.
    pub fn days_per_weekday(&self) -> [u32; 7] {
        let mut days = [0; 7];
        for day in 0..self.days {
            days[self.weekday(day)] += 1;
        }
        days
    }
}

/// What the fit cannot learn from the trace, given by the user.
#[derive(Debug, Clone)]
pub struct FitOptions {
    /// The reporting interval of the scenario written (divides a day).
    pub interval_seconds: f64,
    /// The center's time zone (IANA name).
    pub time_zone: String,
    /// Channel kinds given on the command line, over the guess from the name.
    pub kinds: Vec<(String, ChannelKind)>,
    /// The longest gap between an agent's services within one stretch at work (not-ready
    /// times are read within stretches).
    pub session_gap_seconds: f64,
}

/// One channel's fit.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ChannelFit {
    pub name: String,
    #[serde(serialize_with = "kind_name")]
    pub kind: ChannelKind,
    /// Whether the kind was given (true) or guessed from the name.
    pub kind_given: bool,
    /// The SLA written: the product's default for the kind and name (edit to yours).
    pub sla_within_seconds: f64,
    pub sla_target: f64,
    /// Contacts deflected (never reached the queue): not part of the arrivals.
    pub deflected: u64,
    pub arrivals: ArrivalFit,
    pub handle_time: Option<DurationFit>,
    /// The handle time's factor per interval of the week (Monday 00:00 first), when it
    /// changes with the time of day (written as `handle_time_profile`).
    pub handle_time_profile: Option<Vec<f64>>,
    pub patience: Option<PatienceFit>,
    /// After-call not-ready time read from agents' gaps while callers waited (written as
    /// `wrap_up`).
    pub not_ready: Option<NotReadyFit>,
}

fn kind_name<S: serde::Serializer>(kind: &ChannelKind, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(kind.name())
}

/// The whole fit.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FitReport {
    pub records: u64,
    pub first_arrival: String,
    pub last_arrival: String,
    pub time_zone: String,
    /// The first and last local dates observed, and the days between them (inclusive).
    pub first_date: String,
    pub last_date: String,
    pub days: usize,
    pub interval_seconds: f64,
    pub channels: Vec<ChannelFit>,
    pub groups: Vec<GroupFit>,
    /// What the fit assumed or could not do, for the user to hear.
    pub notes: Vec<String>,
}

/// Fits a scenario to `records`.
pub fn fit(records: &[TraceRecord], options: &FitOptions) -> Result<FitReport, String> {
    if records.is_empty() {
        return Err("the trace holds no contacts".into());
    }
    let interval = options.interval_seconds;
    if !(interval >= 60.0 && (86_400.0 / interval).fract() == 0.0) {
        return Err(
            "the interval must divide a day into whole intervals of a minute or more".into(),
        );
    }
    let zone = TimeZone::get(&options.time_zone).map_err(|_| {
        format!(
            "`{}` is not an IANA time zone (such as Europe/London)",
            options.time_zone
        )
    })?;
    let local: Vec<jiff::civil::DateTime> = records
        .iter()
        .map(|r| zone.to_datetime(r.arrival))
        .collect();
    let first_date = local.iter().map(|t| t.date()).min().expect("records");
    let last_date = local.iter().map(|t| t.date()).max().expect("records");
    let days = first_date
        .until(last_date)
        .map_err(|error| error.to_string())?
        .get_days() as usize
        + 1;
    if days > 3 * 366 {
        return Err(format!(
            "the trace spans {days} days; fit at most three years at once"
        ));
    }
    let calendar = Calendar::new(first_date, days, interval);
    let position = |t: &jiff::civil::DateTime| {
        let day = first_date
            .until(t.date())
            .map_or(0, |s| s.get_days() as usize);
        let seconds = f64::from(t.hour()) * 3600.0
            + f64::from(t.minute()) * 60.0
            + f64::from(t.second())
            + f64::from(t.subsec_nanosecond()) * 1e-9;
        (day, seconds)
    };
    let mut by_channel: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (idx, record) in records.iter().enumerate() {
        by_channel.entry(&record.channel).or_default().push(idx);
    }
    let channel_names: Vec<String> = by_channel.keys().map(|c| c.to_string()).collect();
    let mut notes = Vec::new();
    let mut channels = Vec::new();
    let mut services = Vec::new();
    for (channel_idx, (name, indexes)) in by_channel.iter().enumerate() {
        let given = options
            .kinds
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, k)| *k);
        let kind = given.unwrap_or_else(|| guess_kind(name));
        let (sla_within_seconds, sla_target) = default_sla(kind, name);
        let mut positions = Vec::new();
        let mut handle_times = Vec::new();
        let mut handles_by_slot = Vec::new();
        let mut waits = Vec::new();
        let mut deflected = 0;
        for &idx in indexes {
            let record = &records[idx];
            if record.outcome == Some(Outcome::Deflected) {
                deflected += 1;
                continue;
            }
            let (day, seconds) = position(&local[idx]);
            positions.push((day, seconds));
            if let (Some(Outcome::Answered) | None, Some(handle)) =
                (record.outcome, record.handle_seconds)
            {
                handle_times.push(handle);
                let slot = ((seconds / interval) as usize).min(calendar.slots_per_day() - 1);
                handles_by_slot.push((
                    calendar.weekday(day) * calendar.slots_per_day() + slot,
                    handle,
                ));
                if let Some(service) = record.service() {
                    services.push(Service {
                        channel_idx,
                        agent: service.agent,
                        day,
                        start_seconds: seconds + service.begins_after_seconds,
                        length_seconds: service.length_seconds,
                    });
                }
            }
            match (record.outcome, record.wait_seconds) {
                (Some(Outcome::Answered), Some(wait)) => waits.push((wait, false)),
                (Some(Outcome::Abandoned), Some(wait)) => waits.push((wait, true)),
                _ => {}
            }
        }
        let handle_time = durations::fit_durations(&handle_times);
        if handle_time.is_none() {
            notes.push(format!(
                "{name}: too few handle times recorded to fit; the scenario gives it a 5-minute exponential to edit"
            ));
        }
        let patience = if kind.is_real_time() {
            let fitted = patience::fit_patience(&waits);
            if fitted.is_none() {
                notes.push(format!(
                    "{name}: no abandonment recorded, so no patience: its customers never give up"
                ));
            }
            fitted
        } else {
            None
        };
        if given.is_none() {
            notes.push(format!(
                "{name}: taken as a {} channel from its name, with an SLA of {:.0}% within {}; give --kind {name}=KIND and edit the SLA to yours",
                kind.name(),
                100.0 * sla_target,
                crate::units::format_duration(sla_within_seconds)
            ));
        }
        channels.push(ChannelFit {
            name: name.to_string(),
            kind,
            kind_given: given.is_some(),
            sla_within_seconds,
            sla_target,
            deflected,
            arrivals: arrivals::fit_arrivals(&positions, &calendar),
            handle_time,
            handle_time_profile: durations::handle_time_profile(
                &handles_by_slot,
                7 * calendar.slots_per_day(),
            ),
            patience,
            not_ready: not_ready::fit_not_ready(
                records,
                name,
                options.session_gap_seconds,
                not_ready::DEFAULT_MIN_WAITING,
            ),
        });
    }
    let mut groups = staffing::fit_groups(&services, &channel_names, &calendar);
    for (channel_idx, channel) in channels.iter().enumerate() {
        if groups.iter().any(|g| g.channels.contains(&channel_idx)) {
            continue;
        }
        let mean_handle = channel
            .handle_time
            .as_ref()
            .map_or(300.0, |h| h.sample_mean_seconds);
        let headcount = channel
            .arrivals
            .per_interval_of_week
            .iter()
            .map(|count| {
                if *count <= 0.0 {
                    0
                } else {
                    crate::erlang::erlang_c_agents_for_service_level(
                        count / interval,
                        mean_handle,
                        channel.sla_within_seconds,
                        channel.sla_target,
                    )
                }
            })
            .collect();
        notes.push(format!(
            "{}: no agent recorded serving it; staffed with the Erlang C minimum for its SLA in each interval",
            channel.name
        ));
        groups.push(GroupFit {
            name: format!("{}_agents", channel.name),
            channels: vec![channel_idx],
            agents: 0,
            headcount,
            from_agent_ids: false,
        });
    }
    if groups.iter().any(|g| g.from_agent_ids) {
        notes.push("headcounts from agent ids count the agents seen serving in each interval: a lower bound (idle agents and after-call work leave no trace)".into());
    }
    if channels.iter().any(|c| c.arrivals.dispersion_cv.is_none()) {
        notes.push("day-to-day over-dispersion needs two or more of some weekday; not estimated where the trace is shorter".into());
    }
    let first = records.iter().map(|r| r.arrival).min().expect("records");
    let last = records.iter().map(|r| r.arrival).max().expect("records");
    Ok(FitReport {
        records: records.len() as u64,
        first_arrival: first.to_string(),
        last_arrival: last.to_string(),
        time_zone: options.time_zone.clone(),
        first_date: first_date.to_string(),
        last_date: last_date.to_string(),
        days,
        interval_seconds: interval,
        channels,
        groups,
        notes,
    })
}

/// A channel's kind from its name, as the platforms and presets name channels.
pub fn guess_kind(name: &str) -> ChannelKind {
    let name = name.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| name.contains(w));
    if has(&["phone", "voice", "call", "tel"]) {
        ChannelKind::Voice
    } else if has(&[
        "chat",
        "messag",
        "sms",
        "social",
        "in_app",
        "whatsapp",
        "twitter",
        "facebook",
        "instagram",
    ]) {
        ChannelKind::Messaging
    } else {
        ChannelKind::Async
    }
}

/// The product's default SLA for a channel: phone 80% within 20 s, chat 2 minutes, SMS 30
/// minutes, social 1 hour, email and tickets 4 hours.
pub fn default_sla(kind: ChannelKind, name: &str) -> (f64, f64) {
    let name = name.to_ascii_lowercase();
    let within = match kind {
        ChannelKind::Voice => 20.0,
        ChannelKind::Messaging if name.contains("sms") => 1800.0,
        ChannelKind::Messaging
            if ["social", "twitter", "facebook", "instagram", "whatsapp"]
                .iter()
                .any(|w| name.contains(w)) =>
        {
            3600.0
        }
        ChannelKind::Messaging => 120.0,
        ChannelKind::Async | ChannelKind::SelfService => 4.0 * 3600.0,
    };
    (within, 0.8)
}
