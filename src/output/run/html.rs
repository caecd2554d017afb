//! report.html: one self-contained page per run (inline CSS and SVG; no script, font or
//! image fetched from anywhere) for people who will never open a terminal. It holds the
//! seed's weekly dashboard (volume distribution, channel performance, cross-channel figures,
//! cost per contact), the agent groups, disruption events, every chart of the run, the
//! scenario's key settings, the seed and the version. Every figure carries its 95%
//! confidence half-width. Pure: returns the page, the caller writes it.

use std::fmt::Write as _;

use crate::metric::{Figures, Metric, Unit};
use crate::metrics::summary::{RunSummary, SLA_FORMULA};
use crate::metrics::totals::totals_line;
use crate::output::charts::Figure;
use crate::output::format::{
    count_with_separators as count, metric_difference, metric_half_width, money, percent, thousands,
};
use crate::output::html_page::{escape_html, figure_html, page_head};
use crate::scenario::{Headcount, OperatingHours, Scenario};
use crate::stats::Estimate;
use crate::units::format_duration;

/// A figure's mean and, in a smaller grey span, its half-width, formatted by `format`.
fn estimate_cell(estimate: &Estimate, format: impl Fn(f64) -> String) -> String {
    match (estimate.mean, estimate.ci95) {
        (Some(mean), Some(ci)) => format!(
            "{} <span class=\"ci\">±{}</span>",
            escape_html(&format(mean)),
            escape_html(&format(ci))
        ),
        (Some(mean), None) => escape_html(&format(mean)),
        _ => "–".into(),
    }
}

/// A paired difference as the terminal shows it: signed, in percentage points for a share
/// ("-21.9 pts ±3.1 pts", not "-21.9%", which would read as relative).
fn difference_cell(unit: Unit, difference: &Estimate) -> String {
    match difference.mean {
        Some(_) => {
            let half_width = difference
                .ci95
                .map(|_| {
                    format!(
                        " <span class=\"ci\">{}</span>",
                        escape_html(&metric_half_width(unit, difference.ci95))
                    )
                })
                .unwrap_or_default();
            format!(
                "{}{half_width}",
                escape_html(&metric_difference(unit, difference.mean))
            )
        }
        None => "–".into(),
    }
}

/// The run's report page. `charts` are the run's figures with their SVG text.
pub fn run_report_html(
    scenario: &Scenario,
    summary: &RunSummary,
    charts: &[(Figure, String)],
) -> String {
    let mut html = String::new();
    let name = escape_html(&summary.scenario);
    html.push_str(&page_head(&format!("omnisim report: {}", summary.scenario)));
    let _ = writeln!(html, "<h1>Omnichannel performance: {name}</h1>");
    let _ = writeln!(
        html,
        "<p class=\"meta\">{} replication(s) of {} (warm-up {}), seed {}, omnisim {}. \
         ± is a 95% confidence half-width across replications.</p>",
        summary.replications,
        format_duration(summary.horizon_seconds),
        format_duration(summary.warmup_seconds),
        summary.seed,
        escape_html(&summary.omnisim_version)
    );
    for warning in &summary.warnings {
        let _ = writeln!(
            html,
            "<div class=\"warning\">{}</div>",
            escape_html(warning)
        );
    }
    let verdict_class = if summary
        .channels
        .iter()
        .any(|c| c.meets_sla_target == Some(false))
        || !summary.warnings.is_empty()
    {
        "verdict warning"
    } else {
        "verdict"
    };
    let _ = writeln!(
        html,
        "<p class=\"{verdict_class}\"><strong>Verdict:</strong> {}<br><strong>Totals:</strong> {}</p>",
        escape_html(&summary.totals.verdict),
        escape_html(&totals_line(&summary.totals))
    );
    let mut contents = vec![
        ("dashboard".to_string(), "Weekly dashboard".to_string()),
        ("charts".to_string(), "Charts".to_string()),
    ];
    contents.extend(
        charts
            .iter()
            .map(|(figure, _)| (figure.file_stem.to_string(), format!("· {}", figure.title))),
    );
    contents.push(("settings".to_string(), "Scenario settings".to_string()));
    html.push_str("<nav>");
    for (anchor, label) in &contents {
        let _ = write!(html, "<a href=\"#{anchor}\">{}</a> ", escape_html(label));
    }
    html.push_str("</nav>\n<h2 id=\"dashboard\">Weekly dashboard</h2>\n");
    volume_table(&mut html, summary);
    performance_table(&mut html, summary);
    cross_channel_table(&mut html, summary);
    cost_table(&mut html, summary);
    groups_table(&mut html, summary);
    disruptions_table(&mut html, summary);
    html.push_str("<h2 id=\"charts\">Charts</h2>\n");
    for (figure, svg) in charts {
        html.push_str(&figure_html(figure, svg));
    }
    settings_section(&mut html, scenario, summary);
    let _ = writeln!(
        html,
        "<footer>SLA attainment = {}. Made by omnisim {} from scenario {} with seed {}; the same \
         scenario and seed give the same page.</footer>\n</body>\n</html>",
        escape_html(SLA_FORMULA),
        escape_html(&summary.omnisim_version),
        name,
        summary.seed
    );
    html
}

fn volume_table(html: &mut String, summary: &RunSummary) {
    let offered = |m: &Figures| m[&Metric::Offered].mean.unwrap_or(0.0);
    let largest = summary
        .channels
        .iter()
        .map(|c| offered(&c.metrics))
        .fold(0.0, f64::max);
    let total: f64 = summary.channels.iter().map(|c| offered(&c.metrics)).sum();
    html.push_str(
        "<h3>Channel volume distribution</h3>\n<table>\n<tr><th>channel</th><th>contacts offered</th>\
         <th>share</th><th class=\"text\" style=\"width:340px\"></th></tr>\n",
    );
    for channel in &summary.channels {
        let m = &channel.metrics;
        let width = if largest > 0.0 {
            300.0 * offered(m) / largest
        } else {
            0.0
        };
        let (class, note) = if channel.kind == "self_service" {
            (" self", " deflected, no agent")
        } else {
            ("", "")
        };
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"text\"><span class=\"bar{class}\" \
             style=\"width:{width:.0}px\"></span>{note}</td></tr>",
            escape_html(&channel.name),
            estimate_cell(&m[&Metric::Offered], count),
            estimate_cell(&m[&Metric::VolumeShare], percent),
        );
    }
    let _ = writeln!(
        html,
        "<tr><th>total</th><th>{}</th><th>100%</th><th></th></tr>\n</table>",
        thousands(total)
    );
}

fn performance_table(html: &mut String, summary: &RunSummary) {
    html.push_str(
        "<h3>Channel performance</h3>\n<table>\n<tr><th>channel</th><th>avg handle time</th>\
         <th>first response (ASA)</th><th>resolution rate</th><th>SLA attained</th><th>target</th>\
         <th>abandoned</th><th>P90 wait</th></tr>\n",
    );
    for channel in summary.channels.iter().filter(|c| c.kind != "self_service") {
        let m = &channel.metrics;
        let target = match (channel.sla_target, channel.sla_threshold_seconds) {
            (Some(target), Some(threshold)) => {
                format!(
                    "{:.0}% within {}",
                    100.0 * target,
                    format_duration(threshold)
                )
            }
            _ => "–".into(),
        };
        let class = match channel.meets_sla_target {
            Some(true) => "met",
            Some(false) => "miss",
            None => "",
        };
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"{class}\">{}</td>\
             <td>{}</td><td>{}</td><td>{}</td></tr>",
            escape_html(&channel.name),
            estimate_cell(&m[&Metric::MeanHandleTimeSeconds], format_duration),
            estimate_cell(&m[&Metric::AsaSeconds], format_duration),
            estimate_cell(&m[&Metric::ResolutionRate], percent),
            estimate_cell(&m[&Metric::SlaAttainment], percent),
            escape_html(&target),
            estimate_cell(&m[&Metric::AbandonmentRate], percent),
            estimate_cell(&m[&Metric::WaitP90Seconds], format_duration),
        );
    }
    html.push_str("</table>\n");
}

fn cross_channel_table(html: &mut String, summary: &RunSummary) {
    let routing = &summary.routing;
    if routing.cross_channel.is_empty() && routing.handoffs.is_empty() {
        return;
    }
    html.push_str("<h3>Cross-channel metrics</h3>\n<table>\n<tr><th>figure</th><th>value</th><th class=\"text\">meaning</th></tr>\n");
    let m = &routing.cross_channel;
    type Row = (&'static str, Metric, fn(f64) -> String, &'static str);
    let rows: [Row; 6] = [
        (
            "channel switch rate",
            Metric::ChannelSwitchRate,
            percent,
            "resolved issues that used 2+ channels",
        ),
        (
            "context preserved on switch",
            Metric::ContextPreservedShare,
            percent,
            "share of channel switches",
        ),
        (
            "channels per resolved issue",
            Metric::ChannelsPerResolvedIssue,
            |v| format!("{v:.2}"),
            "mean",
        ),
        (
            "resolution time",
            Metric::ResolutionTimeSeconds,
            format_duration,
            "first contact to last, resolved issues",
        ),
        (
            "repeat contacts",
            Metric::RepeatContactRate,
            percent,
            "issues with 2+ contacts",
        ),
        (
            "reopened",
            Metric::ReopenRate,
            percent,
            "issues reopened after closing",
        ),
    ];
    for (label, key, format, meaning) in rows {
        if let Some(estimate) = m.get(&key) {
            let _ = writeln!(
                html,
                "<tr><td>{label}</td><td>{}</td><td class=\"text\">{meaning}</td></tr>",
                estimate_cell(estimate, format)
            );
        }
    }
    for handoff in &routing.handoffs {
        let h = &handoff.metrics;
        let _ = writeln!(
            html,
            "<tr><td>handoffs {}</td><td>{}</td><td class=\"text\">follow-ups; context kept on {}</td></tr>",
            escape_html(&handoff.name),
            estimate_cell(&h[&Metric::Handoffs], count),
            estimate_cell(&h[&Metric::ContextPreservedShare], percent)
        );
    }
    html.push_str("</table>\n");
}

fn cost_table(html: &mut String, summary: &RunSummary) {
    if !summary
        .channels
        .iter()
        .any(|c| c.metrics.contains_key(&Metric::CostPerContact))
    {
        html.push_str("<p class=\"meta\">Cost per contact: give groups a <code>cost_per_hour</code> (and channels a <code>cost_per_contact</code>) to see it.</p>\n");
        return;
    }
    html.push_str(
        "<h3>Cost per contact by channel</h3>\n<table>\n<tr><th>channel</th><th>cost per contact</th></tr>\n",
    );
    for channel in &summary.channels {
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td>{}</td></tr>",
            escape_html(&channel.name),
            estimate_cell(&channel.metrics[&Metric::CostPerContact], money)
        );
    }
    html.push_str("</table>\n<p class=\"meta\">Paid agent hours at each group's cost_per_hour, shared over channels by handle time, plus each channel's own cost_per_contact, over the contacts served.</p>\n");
}

fn groups_table(html: &mut String, summary: &RunSummary) {
    html.push_str(
        "<h3>Agent groups</h3>\n<table>\n<tr><th>group</th><th>open hours</th><th>scheduled</th><th>available</th>\
         <th>occupancy</th><th>past shift</th><th>paid agent-hours</th><th>handled</th></tr>\n",
    );
    for group in &summary.groups {
        let m = &group.metrics;
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape_html(&group.name),
            count(group.open_hours),
            estimate_cell(&m[&Metric::ScheduledAgents], count),
            estimate_cell(&m[&Metric::AvailableAgents], count),
            estimate_cell(&m[&Metric::Occupancy], percent),
            estimate_cell(&m[&Metric::PastShiftAgents], count),
            estimate_cell(&m[&Metric::PaidAgentHours], count),
            estimate_cell(&m[&Metric::Handled], count),
        );
    }
    html.push_str("</table>\n<p class=\"meta\">Scheduled and available agents are means over each group's open hours (the hours its schedule has anyone on the floor), not over the hours it is closed. Occupancy is busy time on shift over time on shift; agents finishing a contact after their shift ends are counted apart, as past shift (mean agents), not as occupancy.</p>\n");
}

fn disruptions_table(html: &mut String, summary: &RunSummary) {
    if summary.disruptions.is_empty() {
        return;
    }
    html.push_str("<h3>Disruption events</h3>\n<p class=\"meta\">Each event against the same run without events, on the same seeds: the difference is paired, so its interval is narrow.</p>\n<table>\n<tr><th>event</th><th class=\"text\">when</th><th class=\"text\">subject</th><th class=\"text\">metric</th><th>with event</th><th>without</th><th>difference</th></tr>\n");
    for event in &summary.disruptions {
        for comparison in &event.comparison {
            for (metric, paired) in &comparison.metrics {
                let format: fn(f64) -> String = match metric.unit() {
                    Unit::Seconds => format_duration,
                    Unit::Share => percent,
                    Unit::Amount => count,
                };
                let _ = writeln!(
                    html,
                    "<tr><td>{} <span class=\"ci\">{}</span></td><td class=\"text\">{} to {}</td><td class=\"text\">{}</td><td class=\"text\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    escape_html(&event.name),
                    event.kind,
                    escape_html(&event.start),
                    escape_html(&event.end),
                    escape_html(&comparison.subject),
                    metric.name(),
                    estimate_cell(&paired.with_event, format),
                    estimate_cell(&paired.without_event, format),
                    difference_cell(metric.unit(), &paired.difference),
                );
            }
        }
    }
    html.push_str("</table>\n");
}

fn settings_section(html: &mut String, scenario: &Scenario, summary: &RunSummary) {
    let settings = scenario.simulation();
    html.push_str("<h2 id=\"settings\">Scenario settings</h2>\n<table>\n");
    let rows = [
        ("scenario", escape_html(scenario.name())),
        ("horizon", format_duration(settings.horizon_seconds)),
        (
            "reporting interval",
            format_duration(settings.interval_seconds),
        ),
        ("warm-up", format_duration(settings.warmup_seconds)),
        ("replications", summary.replications.to_string()),
        ("seed", summary.seed.to_string()),
        (
            "agent selection",
            summary.routing.agent_selection.to_string(),
        ),
        ("omnisim version", escape_html(&summary.omnisim_version)),
    ];
    for (label, value) in rows {
        let _ = writeln!(
            html,
            "<tr><td>{label}</td><td class=\"text\">{value}</td></tr>"
        );
    }
    html.push_str("</table>\n");
    if !summary.inputs.is_empty() {
        html.push_str("<h3>Inputs</h3>\n<table>\n<tr><th class=\"text\">file</th><th class=\"text\">role</th><th>bytes</th><th class=\"text\">SHA-256</th></tr>\n");
        for input in &summary.inputs {
            let _ = writeln!(
                html,
                "<tr><td class=\"text\">{}</td><td class=\"text\">{}</td><td>{}</td><td class=\"text\"><code>{}</code></td></tr>",
                escape_html(&input.path),
                input.role,
                crate::units::thousands(input.bytes as f64),
                &input.sha256[..16]
            );
        }
        html.push_str("</table>\n<p class=\"meta\">The first 16 hex digits of each file's SHA-256; summary.json has them whole.</p>\n");
    }
    html.push_str("<h3>Channels</h3>\n<table>\n<tr><th>channel</th><th class=\"text\">kind</th><th class=\"text\">SLA</th><th class=\"text\">handle time</th><th class=\"text\">patience</th><th class=\"text\">hours</th></tr>\n");
    for channel in scenario.channels() {
        let sla = channel.sla.map_or("–".to_string(), |sla| {
            format!(
                "{:.0}% within {}",
                100.0 * sla.target,
                format_duration(sla.threshold_seconds)
            )
        });
        let hours = match channel.hours {
            OperatingHours::Always => "24/7",
            OperatingHours::Weekly { .. } => "weekly hours",
        };
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td class=\"text\">{}</td><td class=\"text\">{}</td><td class=\"text\">{}</td><td class=\"text\">{}</td><td class=\"text\">{hours}</td></tr>",
            escape_html(&channel.name),
            channel.kind.name(),
            sla,
            channel
                .handle_time
                .as_ref()
                .map_or("–".into(), |d| escape_html(&d.describe())),
            channel
                .patience
                .as_ref()
                .map_or("–".into(), |d| escape_html(&d.describe())),
        );
    }
    html.push_str("</table>\n<h3>Agent groups</h3>\n<table>\n<tr><th>group</th><th class=\"text\">headcount</th><th class=\"text\">serves</th><th>concurrency</th><th>shrinkage</th><th>cost per hour</th></tr>\n");
    for group in scenario.groups() {
        let headcount = match &group.headcount {
            Headcount::Constant(count) => format!("{count} agents"),
            Headcount::PerInterval(counts) => format!(
                "per interval, up to {}",
                counts.iter().copied().max().unwrap_or(0)
            ),
            Headcount::Shifts(_) => format!("shifts, up to {}", group.headcount.max()),
        };
        let serves: Vec<&str> = scenario
            .channels()
            .iter()
            .zip(&group.serves_channel)
            .filter(|(_, serves)| **serves)
            .map(|(channel, _)| channel.name.as_str())
            .collect();
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td class=\"text\">{}</td><td class=\"text\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape_html(&group.name),
            headcount,
            escape_html(&serves.join(", ")),
            group.concurrency,
            percent(group.shrinkage),
            group.cost_per_hour.map_or("–".into(), money),
        );
    }
    html.push_str("</table>\n");
    if !scenario.disruptions().is_empty() {
        html.push_str("<h3>Events</h3>\n<ul>\n");
        for event in &summary.disruptions {
            let _ = writeln!(
                html,
                "<li>{} ({}), {} to {}</li>",
                escape_html(&event.name),
                event.kind,
                escape_html(&event.start),
                escape_html(&event.end)
            );
        }
        html.push_str("</ul>\n");
    }
}
