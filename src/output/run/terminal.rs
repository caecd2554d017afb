//! The terminal summary of a run: the dashboard sections (from `dashboard`), agent groups,
//! routing, handoffs, cross-channel figures, events and warnings. Pure: returns the text,
//! the CLI prints it.

use crate::metric::Metric;
use crate::metrics::summary::RunSummary;
use crate::metrics::totals::totals_line;
use crate::output::format::{
    estimate_count as count, estimate_decimal, estimate_duration as seconds,
    estimate_percent as percent,
};
use crate::output::terminal_table::{Align, aligned_table};
use crate::units::{format_duration, thousands};

/// The summary as a terminal dashboard in the style of the weekly report: volume bars,
/// channel performance, queues and cost, groups, routing, events, warnings. At most
/// `TERMINAL_WIDTH` columns for scenario names of ordinary length.
pub fn summary_table(summary: &RunSummary) -> String {
    let mut text = String::new();
    let title = format!("OMNICHANNEL PERFORMANCE: {}", summary.scenario);
    text.push_str(&format!("{title}\n{}\n", "=".repeat(title.chars().count())));
    text.push_str(&format!(
        "{} replication(s) of {}, seed {}, warm-up {}; ± is a 95% confidence half-width\n",
        summary.replications,
        format_duration(summary.horizon_seconds),
        summary.seed,
        format_duration(summary.warmup_seconds),
    ));
    let wrap = |label: &str, line: &str| {
        let indent = " ".repeat(label.len());
        let options = textwrap::Options::new(super::dashboard::TERMINAL_WIDTH)
            .initial_indent(label)
            .subsequent_indent(&indent);
        textwrap::fill(line, options)
    };
    text.push_str(&wrap("VERDICT: ", &summary.totals.verdict));
    text.push('\n');
    text.push_str(&wrap("TOTALS:  ", &totals_line(&summary.totals)));
    text.push('\n');
    text.push_str(&super::dashboard::volume_section(summary));
    text.push_str(&super::dashboard::performance_section(summary));
    text.push_str(&super::dashboard::queue_and_cost_section(summary));
    text.push('\n');
    text.push_str("AGENT GROUPS (agent means over each group's open hours)\n");
    let rows: Vec<Vec<String>> = summary
        .groups
        .iter()
        .map(|group| {
            let m = &group.metrics;
            vec![
                group.name.clone(),
                thousands(group.open_hours.round()),
                count(&m[&Metric::ScheduledAgents]),
                count(&m[&Metric::AvailableAgents]),
                percent(&m[&Metric::Occupancy]),
                count(&m[&Metric::PastShiftAgents]),
                count(&m[&Metric::PaidAgentHours]),
                count(&m[&Metric::Handled]),
            ]
        })
        .collect();
    text.push_str(&aligned_table(
        &[
            ("group", Align::Left),
            ("open h", Align::Right),
            ("scheduled", Align::Right),
            ("available", Align::Right),
            ("occupancy", Align::Right),
            ("past shift", Align::Right),
            ("paid h", Align::Right),
            ("handled", Align::Right),
        ],
        &rows,
    ));
    text.push_str(&routing_table(summary));
    text.push_str(&super::disruptions_table::disruptions_table(
        &summary.disruptions,
    ));
    if summary
        .channels
        .iter()
        .any(|c| c.meets_sla_target == Some(false))
    {
        text.push_str("\n! SLA attainment below target\n");
    }
    for warning in &summary.warnings {
        let options = textwrap::Options::new(super::dashboard::TERMINAL_WIDTH)
            .initial_indent("warning: ")
            .subsequent_indent("         ");
        text.push('\n');
        text.push_str(&textwrap::fill(warning, options));
    }
    if !summary.warnings.is_empty() {
        text.push('\n');
    }
    text
}

/// Routing rules, overflows, callbacks, handoffs, cross-channel figures and customer
/// behaviour (retries, bots, callback attempts, duplicates); empty for a scenario that
/// configures none of them.
fn routing_table(summary: &RunSummary) -> String {
    let routing = &summary.routing;
    let mut text = String::new();
    let mut block = |title: &str, rows: Vec<(String, String, String)>| {
        if rows.is_empty() {
            return;
        }
        let width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0).max(20);
        text.push_str(&format!("\n{title}\n"));
        for (name, figures, detail) in rows {
            let line = format!("  {name:<width$} {figures:<34} {detail}");
            text.push_str(line.trim_end());
            text.push('\n');
        }
    };
    block(
        "ROUTING RULES                  routed / widened",
        routing
            .rules
            .iter()
            .map(|rule| {
                (
                    rule.name.clone(),
                    format!(
                        "{} / {}",
                        count(&rule.metrics[&Metric::Routed]),
                        count(&rule.metrics[&Metric::Widened])
                    ),
                    rule.detail.clone(),
                )
            })
            .collect(),
    );
    block(
        "OVERFLOW                       converted / declined",
        routing
            .overflows
            .iter()
            .map(|overflow| {
                (
                    overflow.name.clone(),
                    format!(
                        "{} / {}",
                        count(&overflow.metrics[&Metric::Converted]),
                        count(&overflow.metrics[&Metric::Declined])
                    ),
                    overflow.detail.clone(),
                )
            })
            .collect(),
    );
    block(
        "CALLBACKS                      offered / accepted / completed",
        routing
            .callbacks
            .iter()
            .map(|callback| {
                let m = &callback.metrics;
                (
                    callback.name.clone(),
                    format!(
                        "{} / {} / {}",
                        count(&m[&Metric::Offered]),
                        count(&m[&Metric::Accepted]),
                        count(&m[&Metric::Completed])
                    ),
                    callback.detail.clone(),
                )
            })
            .collect(),
    );
    block(
        "HANDOFFS                       follow-ups, context preserved",
        routing
            .handoffs
            .iter()
            .map(|handoff| {
                let m = &handoff.metrics;
                (
                    handoff.name.clone(),
                    format!(
                        "{}, {}",
                        count(&m[&Metric::Handoffs]),
                        percent(&m[&Metric::ContextPreservedShare])
                    ),
                    String::new(),
                )
            })
            .collect(),
    );
    if !routing.cross_channel.is_empty() {
        let m = &routing.cross_channel;
        block(
            "CROSS-CHANNEL",
            vec![
                (
                    "channel switch rate".into(),
                    percent(&m[&Metric::ChannelSwitchRate]),
                    "resolved issues that used 2+ channels".into(),
                ),
                (
                    "context preserved".into(),
                    percent(&m[&Metric::ContextPreservedShare]),
                    "share of channel switches".into(),
                ),
                (
                    "channels per issue".into(),
                    estimate_decimal(&m[&Metric::ChannelsPerResolvedIssue]),
                    "per resolved issue".into(),
                ),
                (
                    "resolution time".into(),
                    seconds(&m[&Metric::ResolutionTimeSeconds]),
                    "first contact to last, resolved issues".into(),
                ),
                (
                    "repeat contacts".into(),
                    percent(&m[&Metric::RepeatContactRate]),
                    "issues with 2+ contacts".into(),
                ),
                (
                    "reopened".into(),
                    percent(&m[&Metric::ReopenRate]),
                    "issues reopened after closing".into(),
                ),
            ],
        );
    }
    let behaviour = &routing.customer_behaviour;
    if !behaviour.customers.is_empty() {
        let m = &behaviour.customers;
        block(
            "CUSTOMERS",
            vec![
                (
                    "customers / contacts".into(),
                    format!(
                        "{} / {}",
                        count(&m[&Metric::Customers]),
                        count(&m[&Metric::Contacts])
                    ),
                    "first attempts / all attempts".into(),
                ),
                (
                    "retries".into(),
                    percent(&m[&Metric::RetryShare]),
                    "of all attempts".into(),
                ),
                (
                    "abandonment".into(),
                    format!(
                        "{} per contact, {} per customer",
                        percent(&m[&Metric::ContactAbandonmentRate]),
                        percent(&m[&Metric::CustomerAbandonmentRate])
                    ),
                    "per customer: abandoned, never came back".into(),
                ),
            ],
        );
    }
    block(
        "BOTS                           contained / escalated, containment",
        behaviour
            .bots
            .iter()
            .map(|bot| {
                let m = &bot.metrics;
                (
                    bot.name.clone(),
                    format!(
                        "{} / {}, {}",
                        count(&m[&Metric::Contained]),
                        count(&m[&Metric::Escalated]),
                        percent(&m[&Metric::ContainmentRate])
                    ),
                    format!(
                        "{}; saved {} agent-hours",
                        bot.detail,
                        estimate_decimal(&m[&Metric::AgentHoursSaved])
                    ),
                )
            })
            .collect(),
    );
    block(
        "CALLBACK ATTEMPTS              failed attempts / lost",
        behaviour
            .callbacks
            .iter()
            .map(|callback| {
                let m = &callback.metrics;
                (
                    callback.name.clone(),
                    format!(
                        "{} / {}",
                        count(&m[&Metric::FailedAttempts]),
                        count(&m[&Metric::Lost])
                    ),
                    callback.detail.clone(),
                )
            })
            .collect(),
    );
    block(
        "DUPLICATES                     made / merged, rate",
        behaviour
            .duplicates
            .iter()
            .map(|duplicate| {
                let m = &duplicate.metrics;
                (
                    duplicate.name.clone(),
                    format!(
                        "{} / {}, {}",
                        count(&m[&Metric::Duplicates]),
                        count(&m[&Metric::Merged]),
                        percent(&m[&Metric::DuplicateRate])
                    ),
                    duplicate.detail.clone(),
                )
            })
            .collect(),
    );
    text
}
