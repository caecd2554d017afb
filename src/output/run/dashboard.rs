//! The channel sections of the terminal dashboard, after the seed's weekly report: volume
//! distribution with block-character bars, channel performance (handle time, first response,
//! resolution rate, SLA), and queues with cost per contact. Each section is plain text of at
//! most `TERMINAL_WIDTH` columns.

use crate::metric::Metric;
use crate::metrics::summary::{ChannelSummary, RunSummary};
use crate::output::format::{
    estimate_count as count, estimate_decimal, estimate_duration as seconds,
    estimate_mean_duration, estimate_percent as percent, optional_percent, thousands,
};
use crate::units::format_duration;

/// Widest line the dashboard prints (for names of up to 16 characters).
pub const TERMINAL_WIDTH: usize = 100;

/// Columns of the longest volume bar.
const BAR_WIDTH: usize = 40;

/// A bar of `fraction` (0 to 1) of `width` columns, in eighths of a block.
pub fn block_bar(fraction: f64, width: usize) -> String {
    const PARTIAL: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    let eighths = (fraction.clamp(0.0, 1.0) * (width * 8) as f64).round() as usize;
    let mut bar = "█".repeat(eighths / 8);
    if !eighths.is_multiple_of(8) {
        bar.push(PARTIAL[eighths % 8]);
    }
    bar
}

fn name_width(summary: &RunSummary) -> usize {
    summary
        .channels
        .iter()
        .map(|c| c.name.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(7, 16)
}

/// Channel volume distribution: contacts offered, share, and a bar scaled to the largest.
pub fn volume_section(summary: &RunSummary) -> String {
    let width = name_width(summary);
    let offered = |channel: &ChannelSummary| channel.metrics[&Metric::Offered].mean.unwrap_or(0.0);
    let total: f64 = summary.channels.iter().map(offered).sum();
    let largest = summary.channels.iter().map(offered).fold(0.0, f64::max);
    let mut text =
        String::from("\nCHANNEL VOLUME DISTRIBUTION (contacts offered, mean per replication)\n");
    for channel in &summary.channels {
        let volume = offered(channel);
        let share = if total > 0.0 { volume / total } else { 0.0 };
        let bar = block_bar(
            if largest > 0.0 { volume / largest } else { 0.0 },
            BAR_WIDTH,
        );
        let note = if channel.kind == "self_service" {
            " (deflected, no agent)"
        } else {
            ""
        };
        text.push_str(&format!(
            "  {:<width$} {:>9} [{:>5.1}%] {bar}{note}\n",
            channel.name,
            thousands(volume),
            100.0 * share
        ));
    }
    text.push_str(&format!("  {}\n", "─".repeat(width + 20)));
    text.push_str(&format!("  {:<width$} {:>9}\n", "total", thousands(total)));
    text
}

/// Handle time, first response (ASA), resolution rate, SLA attained against target and
/// abandonment, per channel with agents.
pub fn performance_section(summary: &RunSummary) -> String {
    let width = name_width(summary);
    let mut text = String::from("\nCHANNEL PERFORMANCE\n");
    text.push_str(&format!(
        "  {:<width$} {:>11} {:>17} {:>13} {:>15} {:>9} {:>10}\n",
        "channel",
        "handle time",
        "first response",
        "resolved",
        "SLA attained",
        "target",
        "abandoned"
    ));
    for channel in summary.channels.iter().filter(|c| c.kind != "self_service") {
        let m = &channel.metrics;
        let target = match (channel.sla_target, channel.sla_threshold_seconds) {
            (Some(target), Some(threshold)) => {
                format!("{:.0}%/{}", 100.0 * target, format_duration(threshold))
            }
            _ => "-".into(),
        };
        let flag = match channel.meets_sla_target {
            Some(false) => " !",
            _ => "  ",
        };
        text.push_str(&format!(
            "  {:<width$} {:>11} {:>17} {:>13} {:>15} {:>9} {:>10}\n",
            channel.name,
            estimate_mean_duration(&m[&Metric::MeanHandleTimeSeconds]),
            seconds(&m[&Metric::AsaSeconds]),
            percent(&m[&Metric::ResolutionRate]),
            format!("{}{flag}", percent(&m[&Metric::SlaAttainment])),
            target,
            optional_percent(m[&Metric::AbandonmentRate].mean),
        ));
    }
    text
}

/// Wait percentiles, queue lengths, the backlog left at the end and cost per contact.
pub fn queue_and_cost_section(summary: &RunSummary) -> String {
    let width = name_width(summary);
    let with_costs = summary
        .channels
        .iter()
        .any(|c| c.metrics.contains_key(&Metric::CostPerContact));
    let mut text = String::from("\nQUEUES AND COST\n");
    let header = format!(
        "  {:<width$} {:<12} {:>9} {:>9} {:>8} {:>8} {:>8} {:>16}",
        "channel",
        "kind",
        "P50 wait",
        "P90 wait",
        "mean q",
        "max q",
        "left",
        if with_costs { "cost/contact" } else { "" }
    );
    text.push_str(header.trim_end());
    text.push('\n');
    for channel in &summary.channels {
        let m = &channel.metrics;
        let left = m[&Metric::WaitingAtEnd].mean.unwrap_or(0.0)
            + m[&Metric::InServiceAtEnd].mean.unwrap_or(0.0);
        let cost = m
            .get(&Metric::CostPerContact)
            .map(estimate_decimal)
            .unwrap_or_default();
        let agents = channel.kind != "self_service";
        text.push_str(
            format!(
                "  {:<width$} {:<12} {:>9} {:>9} {:>8} {:>8} {:>8} {:>16}",
                channel.name,
                channel.kind,
                if agents {
                    estimate_mean_duration(&m[&Metric::WaitP50Seconds])
                } else {
                    "-".into()
                },
                if agents {
                    estimate_mean_duration(&m[&Metric::WaitP90Seconds])
                } else {
                    "-".into()
                },
                if agents {
                    format!("{:.1}", m[&Metric::MeanQueueLength].mean.unwrap_or(0.0))
                } else {
                    "-".into()
                },
                if agents {
                    count(&m[&Metric::MaxQueueLength])
                } else {
                    "-".into()
                },
                format!("{left:.1}"),
                cost,
            )
            .trim_end(),
        );
        text.push('\n');
    }
    text
}
