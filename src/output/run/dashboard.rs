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
use crate::output::terminal_table::{Align, aligned_table};
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
/// abandonment, per channel with agents. A channel below its target is flagged "!".
pub fn performance_section(summary: &RunSummary) -> String {
    let rows: Vec<Vec<String>> = summary
        .channels
        .iter()
        .filter(|c| c.kind != "self_service")
        .map(|channel| {
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
            vec![
                channel.name.clone(),
                estimate_mean_duration(&m[&Metric::MeanHandleTimeSeconds]),
                seconds(&m[&Metric::AsaSeconds]),
                percent(&m[&Metric::ResolutionRate]),
                format!("{}{flag}", percent(&m[&Metric::SlaAttainment])),
                target,
                optional_percent(m[&Metric::AbandonmentRate].mean),
            ]
        })
        .collect();
    let mut text = String::from("\nCHANNEL PERFORMANCE\n");
    text.push_str(&aligned_table(
        &[
            ("channel", Align::Left),
            ("handle time", Align::Right),
            ("first response", Align::Right),
            ("resolved", Align::Right),
            ("SLA attained", Align::Right),
            ("target", Align::Right),
            ("abandoned", Align::Right),
        ],
        &rows,
    ));
    text
}

/// Wait percentiles, queue lengths, the backlog left at the end and cost per contact.
pub fn queue_and_cost_section(summary: &RunSummary) -> String {
    let with_costs = summary
        .channels
        .iter()
        .any(|c| c.metrics.contains_key(&Metric::CostPerContact));
    let rows: Vec<Vec<String>> = summary
        .channels
        .iter()
        .map(|channel| {
            let m = &channel.metrics;
            let left = m[&Metric::WaitingAtEnd].mean.unwrap_or(0.0)
                + m[&Metric::InServiceAtEnd].mean.unwrap_or(0.0);
            let agents = channel.kind != "self_service";
            let for_agents = |cell: String| if agents { cell } else { "-".into() };
            let mut row = vec![
                channel.name.clone(),
                channel.kind.to_string(),
                for_agents(estimate_mean_duration(&m[&Metric::WaitP50Seconds])),
                for_agents(estimate_mean_duration(&m[&Metric::WaitP90Seconds])),
                for_agents(format!(
                    "{:.1}",
                    m[&Metric::MeanQueueLength].mean.unwrap_or(0.0)
                )),
                for_agents(count(&m[&Metric::MaxQueueLength])),
                format!("{left:.1}"),
            ];
            if with_costs {
                row.push(
                    m.get(&Metric::CostPerContact)
                        .map(estimate_decimal)
                        .unwrap_or_default(),
                );
            }
            row
        })
        .collect();
    let mut headings = vec![
        ("channel", Align::Left),
        ("kind", Align::Left),
        ("P50 wait", Align::Right),
        ("P90 wait", Align::Right),
        ("mean q", Align::Right),
        ("max q", Align::Right),
        ("left", Align::Right),
    ];
    if with_costs {
        headings.push(("cost/contact", Align::Right));
    }
    let mut text = String::from("\nQUEUES AND COST\n");
    text.push_str(&aligned_table(&headings, &rows));
    text
}
