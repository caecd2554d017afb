//! What `omnisim sweep` writes: sweep.csv (a row per level and channel), sweep.json, the
//! SLA chart, and the text table. Pure: bytes and text.

use super::charts::chart_files;
use super::charts::plan_figures::sweep_sla_figure;
use super::format::{
    estimate_duration as seconds, estimate_percent as percent, number, optional_number,
};
use super::{Charts, OutputFile, json_bytes};
use crate::sweep::{SweepMode, SweepReport};

/// Every file of a sweep: sweep.csv, sweep.json and (unless skipped) its chart.
pub fn sweep_files(
    report: &SweepReport,
    charts: Charts,
) -> Result<Vec<OutputFile<'static>>, String> {
    let mut files = vec![
        OutputFile::new("sweep.csv", sweep_csv_bytes(report)),
        OutputFile::new("sweep.json", json_bytes(report)),
    ];
    if charts == Charts::Draw {
        files.extend(chart_files(&[sweep_sla_figure(report)])?.files);
    }
    Ok(files)
}

/// sweep.csv: one row per level and channel.
pub fn sweep_csv_bytes(report: &SweepReport) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record([
            "level",
            "mean_scheduled_agents",
            "channel",
            "sla_target",
            "sla_attainment_mean",
            "sla_attainment_ci95",
            "asa_seconds_mean",
            "asa_seconds_ci95",
            "abandonment_rate_mean",
            "abandonment_rate_ci95",
            "meets_sla_target",
            "group_occupancy_mean",
            "group_occupancy_ci95",
        ])
        .expect("write to memory");
    for level in &report.levels {
        for channel in &level.channels {
            writer
                .write_record([
                    level.level.to_string(),
                    number(level.mean_scheduled_agents),
                    channel.name.clone(),
                    optional_number(channel.sla_target),
                    optional_number(channel.sla_attainment.mean),
                    optional_number(channel.sla_attainment.ci95),
                    optional_number(channel.asa_seconds.mean),
                    optional_number(channel.asa_seconds.ci95),
                    optional_number(channel.abandonment_rate.mean),
                    optional_number(channel.abandonment_rate.ci95),
                    channel
                        .meets_sla_target
                        .map(|m| m.to_string())
                        .unwrap_or_default(),
                    optional_number(level.group_occupancy.mean),
                    optional_number(level.group_occupancy.ci95),
                ])
                .expect("write to memory");
        }
    }
    writer.into_inner().expect("flush to memory")
}

/// The sweep as text: one block per channel, a row per level.
pub fn sweep_table(report: &SweepReport) -> String {
    let mut text = format!(
        "{}: sweep of group {} ({}), {} replication(s) per level, seed {}; the same contacts at every level; occupancy is {}'s; ± is a 95% confidence half-width\n",
        report.scenario,
        report.group,
        match report.mode {
            SweepMode::Agents => "constant headcount",
            SweepMode::Change => "change to the scheduled headcount",
        },
        report.replications,
        report.seed,
        report.group
    );
    let Some(first) = report.levels.first() else {
        return text;
    };
    for (channel_idx, channel) in first.channels.iter().enumerate() {
        text.push_str(&format!(
            "\n{}{}\n{:>7} {:>8}  {:>15} {:>17} {:>14} {:>14}\n",
            channel.name,
            channel.sla_target.map_or(String::new(), |t| format!(
                " (SLA target {:.0}%)",
                100.0 * t
            )),
            "level",
            "agents",
            "SLA",
            "ASA",
            "abandoned",
            "occupancy"
        ));
        for level in &report.levels {
            let row = &level.channels[channel_idx];
            let flag = match row.meets_sla_target {
                Some(false) => " below target",
                _ => "",
            };
            text.push_str(&format!(
                "{:>7} {:>8.1}  {:>15} {:>17} {:>14} {:>14}{flag}\n",
                level.level,
                level.mean_scheduled_agents,
                percent(&row.sla_attainment),
                seconds(&row.asa_seconds),
                percent(&row.abandonment_rate),
                percent(&level.group_occupancy),
            ));
        }
    }
    text
}
