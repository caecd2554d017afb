//! The flow checks every replication ends with:
//! - for every channel and reporting interval, offered = handled + abandoned + converted
//!   out + waiting at end + in service at end + deflected + lost to outage + callbacks lost
//!   (a callback lost after its last attempt leaves like an abandonment), and answered =
//!   handled + in service at end;
//! - for every channel, the contacts that reached its agents (offered, or arrived while
//!   closed) are its first attempts and retries, less those its bot took, plus those that
//!   came from elsewhere (conversions, follow-ups, escalations, duplicates);
//! - for every disruption, displaced = moved to the backup + lost, and every bot is
//!   rate-limited, filtered, refused, or reached the agents (and was handled, left at the
//!   end, or lost to an outage);
//! - every customer issue started ended or was open at the end, and every contact that met
//!   a channel's bot was contained, escalated, or was with it at the end.
//!
//! A failure is an engine bug; `simulate::run` refuses to report such a run.

use super::counts::ChannelIntervalCounts;
use super::recorder::Recorder;
use crate::scenario::Scenario;

/// What did not balance, in words (empty when everything did).
pub(super) fn failures(scenario: &Scenario, recorder: &Recorder, replication: u32) -> Vec<String> {
    let mut failures = Vec::new();
    for (channel_idx, channel) in scenario.channels().iter().enumerate() {
        for (interval_idx, row) in recorder
            .channel_intervals
            .row(channel_idx)
            .iter()
            .enumerate()
        {
            let accounted = row.handled
                + row.abandoned
                + row.converted_out
                + row.waiting_at_end
                + row.in_service_at_end
                + row.deflected
                + row.lost_to_outage
                + row.callbacks_lost;
            if row.offered != accounted || row.answered != row.handled + row.in_service_at_end {
                failures.push(format!(
                    "replication {replication}, channel {}, interval {interval_idx}: offered {} but handled {} + abandoned {} + converted out {} + waiting {} + in service {} + deflected {} + lost to outage {} + callbacks lost {}",
                    channel.name,
                    row.offered,
                    row.handled,
                    row.abandoned,
                    row.converted_out,
                    row.waiting_at_end,
                    row.in_service_at_end,
                    row.deflected,
                    row.lost_to_outage,
                    row.callbacks_lost
                ));
            }
        }
    }
    for (disruption_idx, counts) in recorder.disruptions.iter().enumerate() {
        let reached = counts.bot_handled + counts.bot_left_at_end + counts.bot_lost_to_outage;
        let accounted = counts.bot_rate_limited
            + counts.bot_filtered
            + counts.bot_refused_closed
            + counts.bot_reached_agents;
        let displaced = counts.converted_to_backup + counts.lost;
        if counts.bot_arrivals != accounted
            || counts.bot_reached_agents != reached
            || counts.displaced != displaced
        {
            failures.push(format!(
                "replication {replication}, disruption {}: {counts:?} does not balance",
                scenario.disruptions()[disruption_idx].name
            ));
        }
    }
    let flows = &recorder.flows;
    let customers = &flows.customers;
    for (channel_idx, channel) in scenario.channels().iter().enumerate() {
        let total = ChannelIntervalCounts::total(recorder.channel_intervals.row(channel_idx));
        // Held contacts count when they arrive closed and again when offered at opening.
        let reached = total.offered + total.arrived_closed - total.held_after_hours;
        let met_bot = customers.bot_entered.get(channel_idx).copied().unwrap_or(0);
        let came = customers.first_attempts[channel_idx] + customers.retries[channel_idx] - met_bot
            + total.converted_in
            + total.followups_in
            + customers.escalations_in[channel_idx]
            + customers.duplicates_in[channel_idx];
        if reached != came {
            failures.push(format!(
                "replication {replication}, channel {}: {reached} contacts reached its agents but {came} came (first attempts {} + retries {} - met the bot {met_bot} + converted in {} + follow-ups {} + escalations {} + duplicates {})",
                channel.name,
                customers.first_attempts[channel_idx],
                customers.retries[channel_idx],
                total.converted_in,
                total.followups_in,
                customers.escalations_in[channel_idx],
                customers.duplicates_in[channel_idx],
            ));
        }
    }
    if flows.issues_started != flows.issues_closed + flows.issues_open_at_end {
        failures.push(format!(
            "replication {replication}: {} customer issues started but {} ended and {} were open at the end",
            flows.issues_started, flows.issues_closed, flows.issues_open_at_end
        ));
    }
    for (channel_idx, entered) in customers.bot_entered.iter().enumerate() {
        let left = customers.bot_contained[channel_idx]
            + customers.bot_escalated[channel_idx]
            + customers.bot_in_progress_at_end[channel_idx];
        if *entered != left {
            failures.push(format!(
                "replication {replication}, channel {}: {entered} contacts met the bot but {left} were contained, escalated or with it at the end",
                scenario.channels()[channel_idx].name
            ));
        }
    }
    failures
}
