//! The terminal summary: one table of channels, one of agent groups, then warnings. Pure:
//! returns the text, the caller prints it.

use crate::metrics::summary::RunSummary;
use crate::scenario::units::format_duration;
use crate::stats::Estimate;

pub fn percent(estimate: &Estimate) -> String {
    match (estimate.mean, estimate.ci95) {
        (Some(mean), Some(ci)) => format!("{:.1}% ±{:.1}", 100.0 * mean, 100.0 * ci),
        (Some(mean), None) => format!("{:.1}%", 100.0 * mean),
        _ => "-".into(),
    }
}

pub fn seconds(estimate: &Estimate) -> String {
    match (estimate.mean, estimate.ci95) {
        (Some(mean), Some(ci)) => format!("{} ±{}", format_duration(mean), format_duration(ci)),
        (Some(mean), None) => format_duration(mean),
        _ => "-".into(),
    }
}

pub fn count(estimate: &Estimate) -> String {
    match estimate.mean {
        Some(mean) if mean >= 100.0 => format!("{mean:.0}"),
        Some(mean) => format!("{mean:.1}"),
        None => "-".into(),
    }
}

/// The summary as aligned text tables.
pub fn summary_table(summary: &RunSummary) -> String {
    let mut text = String::new();
    text.push_str(&format!(
        "{}: {} replication(s) of {} (seed {}, warm-up {}); ± is a 95% confidence half-width\n\n",
        summary.scenario,
        summary.replications,
        format_duration(summary.horizon_seconds),
        summary.seed,
        format_duration(summary.warmup_seconds),
    ));
    let width = summary
        .channels
        .iter()
        .map(|c| c.name.len())
        .max()
        .unwrap_or(0)
        .max(12);
    text.push_str(&format!(
        "{:<width$} {:<12} {:>9} {:>18} {:>8} {:>15} {:>10} {:>10} {:>7} {:>8}\n",
        "channel",
        "kind",
        "offered",
        "SLA attained",
        "target",
        "ASA",
        "P90 wait",
        "abandoned",
        "max q",
        "left"
    ));
    for channel in &summary.channels {
        let m = &channel.metrics;
        let target = match (channel.sla_target, channel.sla_threshold_seconds) {
            (Some(target), Some(threshold)) => {
                format!("{:.0}%/{}", 100.0 * target, format_duration(threshold))
            }
            _ => "-".into(),
        };
        let flag = match channel.meets_sla_target {
            Some(false) => " !",
            _ => "",
        };
        let left =
            m["waiting_at_end"].mean.unwrap_or(0.0) + m["in_service_at_end"].mean.unwrap_or(0.0);
        text.push_str(&format!(
            "{:<width$} {:<12} {:>9} {:>18} {:>8} {:>15} {:>10} {:>10} {:>7} {:>8}\n",
            channel.name,
            channel.kind,
            count(&m["offered"]),
            format!("{}{flag}", percent(&m["sla_attainment"])),
            target,
            seconds(&m["asa_seconds"]),
            m["wait_p90_seconds"]
                .mean
                .map(format_duration)
                .unwrap_or_else(|| "-".into()),
            m["abandonment_rate"]
                .mean
                .map(|r| format!("{:.1}%", 100.0 * r))
                .unwrap_or_else(|| "-".into()),
            count(&m["max_queue_length"]),
            format!("{left:.1}"),
        ));
    }
    text.push('\n');
    let group_width = summary
        .groups
        .iter()
        .map(|g| g.name.len())
        .max()
        .unwrap_or(0)
        .max(16);
    text.push_str(&format!(
        "{:<group_width$} {:>10} {:>10} {:>10} {:>16} {:>10}\n",
        "group", "scheduled", "available", "logged in", "occupancy", "handled"
    ));
    for group in &summary.groups {
        let m = &group.metrics;
        text.push_str(&format!(
            "{:<group_width$} {:>10} {:>10} {:>10} {:>16} {:>10}\n",
            group.name,
            count(&m["scheduled_agents"]),
            count(&m["available_agents"]),
            count(&m["logged_in_agents"]),
            percent(&m["occupancy"]),
            count(&m["handled"]),
        ));
    }
    text.push_str(&routing_table(summary));
    text.push_str(&super::events_table::events_table(&summary.events));
    if summary
        .channels
        .iter()
        .any(|c| c.meets_sla_target == Some(false))
    {
        text.push_str("\n! SLA attainment below target\n");
    }
    for warning in &summary.warnings {
        text.push_str(&format!("\nwarning: {warning}"));
    }
    if !summary.warnings.is_empty() {
        text.push('\n');
    }
    text
}

/// Routing rules, overflows, callbacks, handoffs and cross-channel figures; empty for a
/// scenario that configures none of them.
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
            text.push_str(&format!("  {name:<width$} {figures:<34} {detail}\n"));
        }
    };
    block(
        "routing rules                  routed / widened",
        routing
            .rules
            .iter()
            .map(|rule| {
                (
                    rule.name.clone(),
                    format!(
                        "{} / {}",
                        count(&rule.metrics["routed"]),
                        count(&rule.metrics["widened"])
                    ),
                    rule.detail.clone(),
                )
            })
            .collect(),
    );
    block(
        "overflow                       converted / declined",
        routing
            .overflows
            .iter()
            .map(|overflow| {
                (
                    overflow.name.clone(),
                    format!(
                        "{} / {}",
                        count(&overflow.metrics["converted"]),
                        count(&overflow.metrics["declined"])
                    ),
                    overflow.detail.clone(),
                )
            })
            .collect(),
    );
    block(
        "callbacks                      offered / accepted / completed",
        routing
            .callbacks
            .iter()
            .map(|callback| {
                let m = &callback.metrics;
                (
                    callback.name.clone(),
                    format!(
                        "{} / {} / {}",
                        count(&m["offered"]),
                        count(&m["accepted"]),
                        count(&m["completed"])
                    ),
                    callback.detail.clone(),
                )
            })
            .collect(),
    );
    block(
        "handoffs                       follow-ups, context preserved",
        routing
            .handoffs
            .iter()
            .map(|handoff| {
                let m = &handoff.metrics;
                (
                    handoff.name.clone(),
                    format!(
                        "{}, {}",
                        count(&m["handoffs"]),
                        percent(&m["context_preserved_share"])
                    ),
                    String::new(),
                )
            })
            .collect(),
    );
    if !routing.cross_channel.is_empty() {
        let m = &routing.cross_channel;
        block(
            "cross-channel",
            vec![
                (
                    "channel switch rate".into(),
                    percent(&m["channel_switch_rate"]),
                    "resolved issues that used 2+ channels".into(),
                ),
                (
                    "context preserved".into(),
                    percent(&m["context_preserved_share"]),
                    "share of channel switches".into(),
                ),
                (
                    "channels per issue".into(),
                    ratio_text(&m["channels_per_resolved_issue"]),
                    "per resolved issue".into(),
                ),
                (
                    "resolution time".into(),
                    seconds(&m["resolution_time_seconds"]),
                    "first contact to last, resolved issues".into(),
                ),
                (
                    "repeat contacts".into(),
                    percent(&m["repeat_contact_rate"]),
                    "issues with 2+ contacts".into(),
                ),
                (
                    "reopened".into(),
                    percent(&m["reopen_rate"]),
                    "issues reopened after closing".into(),
                ),
            ],
        );
    }
    text
}

fn ratio_text(estimate: &Estimate) -> String {
    match (estimate.mean, estimate.ci95) {
        (Some(mean), Some(ci)) => format!("{mean:.2} ±{ci:.2}"),
        (Some(mean), None) => format!("{mean:.2}"),
        _ => "-".into(),
    }
}
