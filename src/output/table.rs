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

fn count(estimate: &Estimate) -> String {
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
    text.push_str(&format!(
        "{:<12} {:<12} {:>9} {:>18} {:>8} {:>15} {:>10} {:>10} {:>7} {:>8}\n",
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
            "{:<12} {:<12} {:>9} {:>18} {:>8} {:>15} {:>10} {:>10} {:>7} {:>8}\n",
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
    text.push_str(&format!(
        "{:<16} {:>10} {:>10} {:>16} {:>10}\n",
        "group", "scheduled", "logged in", "occupancy", "handled"
    ));
    for group in &summary.groups {
        let m = &group.metrics;
        text.push_str(&format!(
            "{:<16} {:>10} {:>10} {:>16} {:>10}\n",
            group.name,
            count(&m["scheduled_agents"]),
            count(&m["logged_in_agents"]),
            percent(&m["occupancy"]),
            count(&m["handled"]),
        ));
    }
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
