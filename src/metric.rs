//! The names of every reported figure, as a type: a `Metric` is what summary.json, the CSV
//! columns and the tables call a figure, so a misspelt metric is a compile error, not a
//! panic at run time. `Figures` maps metrics to their estimates, in the order they were
//! computed (the order of the JSON and CSV columns). Vocabulary shared by every layer (a
//! scenario's assertions name metrics too); how each is computed is `metrics/`.

use indexmap::IndexMap;
use serde::{Serialize, Serializer};

use crate::stats::Estimate;

/// A metric's estimates, in the order computed; serialised as a JSON object keyed by name.
pub type Figures = IndexMap<Metric, Estimate>;

/// One row's `Figures` in a table of many rows (intervals.csv has one per channel and
/// interval: 8,760 for an hourly year), borrowed from the table's flat columns: the metrics
/// in the order computed, and each estimate's parts, an absent mean or half-width stored as
/// NaN (an estimate never holds a NaN: it is made from finite values only).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RowFigures<'a> {
    metrics: &'a [Metric],
    means: &'a [f64],
    half_widths: &'a [f64],
    replications: &'a [u32],
}

impl<'a> RowFigures<'a> {
    /// A row from its columns, each holding one entry per metric.
    pub fn new(
        metrics: &'a [Metric],
        means: &'a [f64],
        half_widths: &'a [f64],
        replications: &'a [u32],
    ) -> RowFigures<'a> {
        assert!(
            means.len() == metrics.len()
                && half_widths.len() == metrics.len()
                && replications.len() == metrics.len(),
            "a mean, a half-width and a count for every metric"
        );
        RowFigures {
            metrics,
            means,
            half_widths,
            replications,
        }
    }

    /// The metrics, in order.
    pub fn keys(&self) -> impl Iterator<Item = &'a Metric> {
        self.metrics.iter()
    }

    /// The estimates, in the metrics' order.
    pub fn values(&self) -> impl Iterator<Item = Estimate> + 'a {
        let row = *self;
        (0..self.metrics.len()).map(move |at| row.estimate_at(at))
    }

    pub fn get(&self, metric: Metric) -> Option<Estimate> {
        let at = self.metrics.iter().position(|m| *m == metric)?;
        Some(self.estimate_at(at))
    }

    /// The estimate of `metric`; panics when the row has none, as indexing `Figures` does.
    pub fn estimate(&self, metric: Metric) -> Estimate {
        self.get(metric)
            .unwrap_or_else(|| panic!("no {} in this row", metric.name()))
    }

    fn estimate_at(&self, at: usize) -> Estimate {
        let present = |value: f64| (!value.is_nan()).then_some(value);
        Estimate {
            mean: present(self.means[at]),
            ci95: present(self.half_widths[at]),
            n: self.replications[at],
        }
    }
}

/// Each metric's value in every replication, in replication order; NaN where the metric is
/// undefined in a replication (a ratio with no denominator). What estimates, comparisons
/// and regression checks are computed from.
pub type Samples = IndexMap<Metric, Vec<f64>>;

/// Samples from one list of values per replication (each list names the same metrics in the
/// same order).
pub fn samples_of(per_replication: impl Iterator<Item = Vec<(Metric, f64)>>) -> Samples {
    let mut samples = Samples::new();
    for values in per_replication {
        for (metric, value) in values {
            samples.entry(metric).or_default().push(value);
        }
    }
    samples
}

/// The estimate (mean and 95% half-width) of every metric in `samples`, in the same order.
pub fn figures_of(samples: &Samples) -> Figures {
    samples
        .iter()
        .map(|(metric, values)| (*metric, Estimate::from_values(values.iter().copied())))
        .collect()
}

/// What a figure is reported for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Each channel (summary.json `channels[].metrics`).
    Channel,
    /// Each agent group (`groups[].metrics`).
    Group,
    /// Channels and groups alike.
    Both,
    /// Routing rules, overflows, handoffs, issues or disruptions.
    Other,
}

/// Which way a figure gets better, for comparisons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    Higher,
    Lower,
    /// Neither way is better in itself (occupancy, volumes).
    Neither,
}

/// What a figure measures, for renderers choosing its format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A fraction from 0 to 1 (a rate or a share): shown as a percentage.
    Share,
    /// A duration in seconds.
    Seconds,
    /// Anything else: a count, an agent level, hours, money.
    Amount,
}

macro_rules! metrics {
    ($($(#[$doc:meta])* $variant:ident = $name:literal, $unit:ident, $scope:ident, $better:ident;)*) => {
        /// Every figure omnisim reports, by the name outputs give it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Metric {
            $($(#[$doc])* $variant,)*
        }

        impl Metric {
            /// Every metric, in declaration order.
            pub const ALL: &'static [Metric] = &[$(Metric::$variant),*];

            /// The name in summary.json and the CSV columns ("sla_attainment").
            pub fn name(self) -> &'static str {
                match self {
                    $(Metric::$variant => $name,)*
                }
            }

            pub fn unit(self) -> Unit {
                match self {
                    $(Metric::$variant => Unit::$unit,)*
                }
            }

            pub fn scope(self) -> Scope {
                match self {
                    $(Metric::$variant => Scope::$scope,)*
                }
            }

            pub fn better(self) -> Better {
                match self {
                    $(Metric::$variant => Better::$better,)*
                }
            }

            /// The metric summary.json calls `name`.
            pub fn named(name: &str) -> Option<Metric> {
                match name {
                    $($name => Some(Metric::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

metrics! {
    // Channel counts over a span (per interval, or the reported horizon).
    /// Contacts that arrived while the channel was open (deflected self-service included).
    Offered = "offered", Amount, Channel, Neither;
    ArrivedClosed = "arrived_closed", Amount, Channel, Neither;
    Deflected = "deflected", Amount, Channel, Neither;
    Answered = "answered", Amount, Channel, Neither;
    Handled = "handled", Amount, Both, Neither;
    Abandoned = "abandoned", Amount, Channel, Lower;
    AnsweredWithinSla = "answered_within_sla", Amount, Channel, Higher;
    AbandonedAfterSla = "abandoned_after_sla", Amount, Channel, Lower;
    WaitingAtEnd = "waiting_at_end", Amount, Channel, Lower;
    InServiceAtEnd = "in_service_at_end", Amount, Channel, Neither;
    /// Answered within threshold / (answered + abandoned after threshold).
    SlaAttainment = "sla_attainment", Share, Channel, Higher;
    /// Average speed of answer: the mean wait of answered contacts.
    AsaSeconds = "asa_seconds", Seconds, Channel, Lower;
    MeanWaitSeconds = "mean_wait_seconds", Seconds, Channel, Lower;
    AbandonmentRate = "abandonment_rate", Share, Channel, Lower;
    ProbabilityWait = "probability_wait", Share, Channel, Lower;
    MeanHandleTimeSeconds = "mean_handle_time_seconds", Seconds, Channel, Lower;
    /// Mean after-call work per handled contact (`wrap_up`), apart from handle time;
    /// reported only when a channel has `wrap_up`.
    MeanWrapUpSeconds = "mean_wrap_up_seconds", Seconds, Channel, Lower;
    MaxQueueLength = "max_queue_length", Amount, Channel, Lower;
    MeanQueueLength = "mean_queue_length", Amount, Channel, Lower;
    ConvertedOut = "converted_out", Amount, Channel, Neither;
    ConvertedIn = "converted_in", Amount, Channel, Neither;
    FollowupsIn = "followups_in", Amount, Channel, Neither;
    AfterHoursTickets = "after_hours_tickets", Amount, Channel, Neither;
    HeldAfterHours = "held_after_hours", Amount, Channel, Neither;
    CallbacksOffered = "callbacks_offered", Amount, Channel, Neither;
    CallbacksAccepted = "callbacks_accepted", Amount, Channel, Neither;
    LostToOutage = "lost_to_outage", Amount, Channel, Lower;
    // Channel figures over the reported horizon only.
    WaitP50Seconds = "wait_p50_seconds", Seconds, Channel, Lower;
    WaitP90Seconds = "wait_p90_seconds", Seconds, Channel, Lower;
    WaitP95Seconds = "wait_p95_seconds", Seconds, Channel, Lower;
    WaitP99Seconds = "wait_p99_seconds", Seconds, Channel, Lower;
    /// The channel's offered contacts over all channels' offered contacts.
    VolumeShare = "volume_share", Share, Channel, Neither;
    /// Handled contacts that needed no follow-up contact afterwards.
    ResolutionRate = "resolution_rate", Share, Channel, Higher;
    CostPerContact = "cost_per_contact", Amount, Channel, Lower;
    // Agent groups.
    ScheduledAgents = "scheduled_agents", Amount, Group, Neither;
    AvailableAgents = "available_agents", Amount, Group, Neither;
    LoggedInAgents = "logged_in_agents", Amount, Group, Neither;
    BusyAgents = "busy_agents", Amount, Group, Neither;
    /// Agents busy with after-call work (`wrap_up`), a part of `busy_agents`; reported only
    /// when a channel has `wrap_up`.
    WrapUpAgents = "wrap_up_agents", Amount, Group, Neither;
    /// Busy agents past their shift's end, finishing a contact (work after the roster).
    PastShiftAgents = "past_shift_agents", Amount, Group, Lower;
    /// Agent-hours the schedule puts on the floor over the reported horizon (what is paid).
    PaidAgentHours = "paid_agent_hours", Amount, Group, Lower;
    /// Paid agent-hours at the group's `cost_per_hour` (absent without one).
    AgentCost = "agent_cost", Amount, Group, Lower;
    /// Busy time of agents on shift over their time on shift, as planners read it: work
    /// finished after a shift ends is overtime (`past_shift_agents`), not occupancy.
    Occupancy = "occupancy", Share, Group, Neither;
    // Routing rules, overflows, callbacks, handoffs, work by group and channel.
    Routed = "routed", Amount, Other, Neither;
    Widened = "widened", Amount, Other, Neither;
    Converted = "converted", Amount, Other, Neither;
    Declined = "declined", Amount, Other, Neither;
    Accepted = "accepted", Amount, Other, Neither;
    AcceptanceRate = "acceptance_rate", Share, Other, Neither;
    Completed = "completed", Amount, Other, Neither;
    Handoffs = "handoffs", Amount, Other, Neither;
    ContextPreservedShare = "context_preserved_share", Share, Other, Higher;
    HandleHours = "handle_hours", Amount, Other, Neither;
    // Customer issues across channels.
    IssuesClosed = "issues_closed", Amount, Other, Neither;
    IssuesResolved = "issues_resolved", Amount, Other, Neither;
    IssuesOpenAtEnd = "issues_open_at_end", Amount, Other, Neither;
    ChannelSwitchRate = "channel_switch_rate", Share, Other, Neither;
    ChannelsPerResolvedIssue = "channels_per_resolved_issue", Amount, Other, Neither;
    ResolutionTimeSeconds = "resolution_time_seconds", Seconds, Other, Lower;
    RepeatContactRate = "repeat_contact_rate", Share, Other, Lower;
    ReopenRate = "reopen_rate", Share, Other, Lower;
    // Customer behaviour: attempts, bots, callback attempts, duplicates.
    /// Customers: new contacts, each a customer's first attempt.
    Customers = "customers", Amount, Other, Neither;
    /// Contacts: first attempts and retries.
    Contacts = "contacts", Amount, Other, Neither;
    FirstAttempts = "first_attempts", Amount, Other, Neither;
    Retries = "retries", Amount, Other, Neither;
    /// Retries over all attempts.
    RetryShare = "retry_share", Share, Other, Neither;
    /// Abandoned contacts over contacts offered to agents (every attempt counts).
    ContactAbandonmentRate = "contact_abandonment_rate", Share, Other, Lower;
    /// Customers whose last attempt was an abandonment and who did not try again, over
    /// customers.
    CustomerAbandonmentRate = "customer_abandonment_rate", Share, Other, Lower;
    /// Customers who gave up (abandoned, refused, callback lost) and did not try again.
    GaveUpForGood = "gave_up_for_good", Amount, Other, Lower;
    BotContacts = "bot_contacts", Amount, Other, Neither;
    Contained = "contained", Amount, Other, Neither;
    Escalated = "escalated", Amount, Other, Neither;
    ContainmentRate = "containment_rate", Share, Other, Higher;
    /// Agent work the contained contacts would have needed.
    AgentHoursSaved = "agent_hours_saved", Amount, Other, Higher;
    BotCost = "bot_cost", Amount, Other, Lower;
    /// Per contact meeting the bot: its cost plus the agent work of those it escalates, at
    /// the run's agent cost per hour of work.
    CostPerContactWithBot = "cost_per_contact_with_bot", Amount, Other, Lower;
    /// The same contacts all worked by agents, at the same cost per hour of work.
    CostPerContactWithoutBot = "cost_per_contact_without_bot", Amount, Other, Lower;
    FailedAttempts = "failed_attempts", Amount, Other, Lower;
    /// Agent time spent on callback attempts that missed.
    FailedAttemptHours = "failed_attempt_hours", Amount, Other, Lower;
    Reached = "reached", Amount, Other, Neither;
    /// Callback attempts that reached the customer over attempts made.
    ReachRate = "reach_rate", Share, Other, Higher;
    Duplicates = "duplicates", Amount, Other, Lower;
    Merged = "merged", Amount, Other, Neither;
    /// Second contacts over the first channel's new contacts.
    DuplicateRate = "duplicate_rate", Share, Other, Lower;
    /// Agent time spent on duplicates worked in full.
    DuplicateAgentHours = "duplicate_agent_hours", Amount, Other, Lower;
    // Disruptions.
    Displaced = "displaced", Amount, Other, Neither;
    ConvertedToBackup = "converted_to_backup", Amount, Other, Neither;
    Lost = "lost", Amount, Other, Neither;
    Notified = "notified", Amount, Other, Neither;
    ExtendedSlaAttainment = "extended_sla_attainment", Share, Other, Higher;
    ExtendedSlaContacts = "extended_sla_contacts", Amount, Other, Neither;
    ExtraArrivals = "extra_arrivals", Amount, Other, Neither;
    RemovedArrivals = "removed_arrivals", Amount, Other, Neither;
    BotArrivals = "bot_arrivals", Amount, Other, Neither;
    BotRateLimited = "bot_rate_limited", Amount, Other, Neither;
    BotFiltered = "bot_filtered", Amount, Other, Neither;
    BotRefusedClosed = "bot_refused_closed", Amount, Other, Neither;
    BotReachedAgents = "bot_reached_agents", Amount, Other, Neither;
    BotHandled = "bot_handled", Amount, Other, Neither;
    BotAgentHours = "bot_agent_hours", Amount, Other, Neither;
}

impl std::fmt::Display for Metric {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Metric {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_distinct_snake_case_and_serialise_as_themselves() {
        let mut seen = std::collections::BTreeSet::new();
        for metric in Metric::ALL {
            let name = metric.name();
            assert!(seen.insert(name), "{name} twice");
            assert!(
                name.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{name}"
            );
            assert_eq!(
                serde_json::to_string(metric).unwrap(),
                format!("\"{name}\"")
            );
            assert_eq!(Metric::named(name), Some(*metric));
            // Units follow the names, so renderers can trust either.
            if name.ends_with("_seconds") {
                assert_eq!(metric.unit(), Unit::Seconds, "{name}");
            }
            if name.ends_with("_rate") || name.ends_with("_share") {
                assert_eq!(metric.unit(), Unit::Share, "{name}");
            }
        }
    }
}
