//! The names of every reported figure, as a type: a `Metric` is what summary.json, the CSV
//! columns and the tables call a figure, so a misspelt metric is a compile error, not a
//! panic at run time. `Figures` maps metrics to their estimates, in the order they were
//! computed (the order of the JSON and CSV columns).

use indexmap::IndexMap;
use serde::{Serialize, Serializer};

use crate::stats::Estimate;

/// A metric's estimates, in the order computed; serialised as a JSON object keyed by name.
pub type Figures = IndexMap<Metric, Estimate>;

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
    ($($(#[$doc:meta])* $variant:ident = $name:literal, $unit:ident;)*) => {
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
        }
    };
}

metrics! {
    // Channel counts over a span (per interval, or the reported horizon).
    /// Contacts that arrived while the channel was open (deflected self-service included).
    Offered = "offered", Amount;
    ArrivedClosed = "arrived_closed", Amount;
    Deflected = "deflected", Amount;
    Answered = "answered", Amount;
    Handled = "handled", Amount;
    Abandoned = "abandoned", Amount;
    AnsweredWithinSla = "answered_within_sla", Amount;
    AbandonedAfterSla = "abandoned_after_sla", Amount;
    WaitingAtEnd = "waiting_at_end", Amount;
    InServiceAtEnd = "in_service_at_end", Amount;
    /// Answered within threshold / (answered + abandoned after threshold).
    SlaAttainment = "sla_attainment", Share;
    /// Average speed of answer: the mean wait of answered contacts.
    AsaSeconds = "asa_seconds", Seconds;
    MeanWaitSeconds = "mean_wait_seconds", Seconds;
    AbandonmentRate = "abandonment_rate", Share;
    ProbabilityWait = "probability_wait", Share;
    MeanHandleTimeSeconds = "mean_handle_time_seconds", Seconds;
    MaxQueueLength = "max_queue_length", Amount;
    MeanQueueLength = "mean_queue_length", Amount;
    ConvertedOut = "converted_out", Amount;
    ConvertedIn = "converted_in", Amount;
    FollowupsIn = "followups_in", Amount;
    AfterHoursTickets = "after_hours_tickets", Amount;
    HeldAfterHours = "held_after_hours", Amount;
    CallbacksOffered = "callbacks_offered", Amount;
    CallbacksAccepted = "callbacks_accepted", Amount;
    LostToOutage = "lost_to_outage", Amount;
    // Channel figures over the reported horizon only.
    WaitP50Seconds = "wait_p50_seconds", Seconds;
    WaitP90Seconds = "wait_p90_seconds", Seconds;
    WaitP95Seconds = "wait_p95_seconds", Seconds;
    WaitP99Seconds = "wait_p99_seconds", Seconds;
    /// The channel's offered contacts over all channels' offered contacts.
    VolumeShare = "volume_share", Share;
    /// Handled contacts that needed no follow-up contact afterwards.
    ResolutionRate = "resolution_rate", Share;
    CostPerContact = "cost_per_contact", Amount;
    // Agent groups.
    ScheduledAgents = "scheduled_agents", Amount;
    AvailableAgents = "available_agents", Amount;
    LoggedInAgents = "logged_in_agents", Amount;
    BusyAgents = "busy_agents", Amount;
    Occupancy = "occupancy", Share;
    // Routing rules, overflows, callbacks, handoffs, work by group and channel.
    Routed = "routed", Amount;
    Widened = "widened", Amount;
    Converted = "converted", Amount;
    Declined = "declined", Amount;
    Accepted = "accepted", Amount;
    AcceptanceRate = "acceptance_rate", Share;
    Completed = "completed", Amount;
    Handoffs = "handoffs", Amount;
    ContextPreservedShare = "context_preserved_share", Share;
    HandleHours = "handle_hours", Amount;
    // Customer issues across channels.
    IssuesClosed = "issues_closed", Amount;
    IssuesResolved = "issues_resolved", Amount;
    IssuesOpenAtEnd = "issues_open_at_end", Amount;
    ChannelSwitchRate = "channel_switch_rate", Share;
    ChannelsPerResolvedIssue = "channels_per_resolved_issue", Amount;
    ResolutionTimeSeconds = "resolution_time_seconds", Seconds;
    RepeatContactRate = "repeat_contact_rate", Share;
    ReopenRate = "reopen_rate", Share;
    // Disruptions.
    Displaced = "displaced", Amount;
    ConvertedToBackup = "converted_to_backup", Amount;
    Lost = "lost", Amount;
    Notified = "notified", Amount;
    ExtendedSlaAttainment = "extended_sla_attainment", Share;
    ExtendedSlaContacts = "extended_sla_contacts", Amount;
    ExtraArrivals = "extra_arrivals", Amount;
    RemovedArrivals = "removed_arrivals", Amount;
    BotArrivals = "bot_arrivals", Amount;
    BotRateLimited = "bot_rate_limited", Amount;
    BotFiltered = "bot_filtered", Amount;
    BotRefusedClosed = "bot_refused_closed", Amount;
    BotReachedAgents = "bot_reached_agents", Amount;
    BotHandled = "bot_handled", Amount;
    BotAgentHours = "bot_agent_hours", Amount;
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
