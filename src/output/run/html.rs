//! report.html: one self-contained page per run (inline CSS and SVG; no script, font or
//! image fetched from anywhere) for people who will never open a terminal. It opens with the
//! verdict and totals, then holds the seed's weekly dashboard (volume distribution, channel
//! performance, cross-channel figures, cost per contact), the agent groups, disruption
//! events, every chart of the run, the scenario's key settings and inputs, the seed and the
//! version. Every figure carries its 95% confidence half-width. A maud template: every value
//! is escaped. Pure: returns the page, the caller writes it.

use maud::{Markup, html};

use crate::metric::{Figures, Metric, Unit};
use crate::metrics::summary::{RunSummary, SLA_FORMULA};
use crate::metrics::totals::totals_line;
use crate::output::charts::Figure;
use crate::output::format::{
    count_with_separators as count, metric_difference, metric_half_width, money, percent, thousands,
};
use crate::output::html_page::{estimate_cell, figure_html, newline, page};
use crate::scenario::{Headcount, OperatingHours, Scenario};
use crate::stats::Estimate;
use crate::units::format_duration;

/// A paired difference as the terminal shows it: signed, in percentage points for a share
/// ("-21.9 pts ±3.1 pts", not "-21.9%", which would read as relative).
fn difference_cell(unit: Unit, difference: &Estimate) -> Markup {
    html! {
        @if difference.mean.is_some() {
            (metric_difference(unit, difference.mean))
            @if difference.ci95.is_some() {
                " " span.ci { (metric_half_width(unit, difference.ci95)) }
            }
        } @else {
            "–"
        }
    }
}

/// The run's report page. `charts` are the run's figures with their SVG text.
pub fn run_report_html(
    scenario: &Scenario,
    summary: &RunSummary,
    charts: &[(Figure, String)],
) -> String {
    let missed_or_warned = summary
        .channels
        .iter()
        .any(|c| c.meets_sla_target == Some(false))
        || !summary.warnings.is_empty();
    let body = html! {
        (newline())
        h1 { "Omnichannel performance: " (summary.scenario) }
        (newline())
        p.meta {
            (summary.replications) " replication(s) of " (format_duration(summary.horizon_seconds))
            " (warm-up " (format_duration(summary.warmup_seconds)) "), seed " (summary.seed)
            ", omnisim " (summary.omnisim_version)
            ". ± is a 95% confidence half-width across replications."
        }
        (newline())
        p class=(if missed_or_warned { "verdict warning" } else { "verdict" }) {
            strong { "Verdict:" } " " (summary.totals.verdict) br;
            strong { "Totals:" } " " (totals_line(&summary.totals))
        }
        (newline())
        @for warning in &summary.warnings {
            div.warning { (warning) }
            (newline())
        }
        nav {
            a href="#dashboard" { "Weekly dashboard" } " "
            a href="#charts" { "Charts" } " "
            @for (figure, _) in charts {
                a href={ "#" (figure.file_stem) } { "· " (figure.title) } " "
            }
            a href="#settings" { "Scenario settings" }
        }
        (newline())
        h2 id="dashboard" { "Weekly dashboard" }
        (newline())
        (volume_table(summary))
        (performance_table(summary))
        (cross_channel_table(summary))
        (super::behaviour_html::customer_behaviour_table(summary))
        (cost_table(summary))
        (groups_table(summary))
        (disruptions_table(summary))
        h2 id="charts" { "Charts" }
        (newline())
        @for (figure, svg) in charts {
            (figure_html(figure, svg))
        }
        (settings_section(scenario, summary))
        footer {
            "SLA attainment = " (SLA_FORMULA) ". Made by omnisim " (summary.omnisim_version)
            " from scenario " (summary.scenario) " with seed " (summary.seed)
            "; the same scenario and seed give the same page."
        }
        (newline())
    };
    page(&format!("omnisim report: {}", summary.scenario), body)
}

/// A table with its heading row: `headings` are (label, left-aligned).
fn table(title: &str, headings: &[(&str, bool)], rows: Markup) -> Markup {
    html! {
        h3 { (title) }
        (newline())
        table {
            (newline())
            tr {
                @for (label, text) in headings {
                    th class=[text.then_some("text")] { (label) }
                }
            }
            (newline())
            (rows)
        }
        (newline())
    }
}

fn volume_table(summary: &RunSummary) -> Markup {
    let offered = |m: &Figures| m[&Metric::Offered].mean.unwrap_or(0.0);
    let largest = summary
        .channels
        .iter()
        .map(|c| offered(&c.metrics))
        .fold(0.0, f64::max);
    let total: f64 = summary.channels.iter().map(|c| offered(&c.metrics)).sum();
    let rows = html! {
        @for channel in &summary.channels {
            @let m = &channel.metrics;
            @let width = if largest > 0.0 { 300.0 * offered(m) / largest } else { 0.0 };
            @let self_service = channel.kind == "self_service";
            tr {
                td { (channel.name) }
                td { (estimate_cell(&m[&Metric::Offered], count)) }
                td { (estimate_cell(&m[&Metric::VolumeShare], percent)) }
                td.text style="width:340px" {
                    span.bar.self[self_service] style={ "width:" (format!("{width:.0}")) "px" } {}
                    @if self_service { " deflected, no agent" }
                }
            }
            (newline())
        }
        tr { th { "total" } th { (thousands(total)) } th { "100%" } th {} }
        (newline())
    };
    table(
        "Channel volume distribution",
        &[
            ("channel", false),
            ("contacts offered", false),
            ("share", false),
            ("", true),
        ],
        rows,
    )
}

fn performance_table(summary: &RunSummary) -> Markup {
    let rows = html! {
        @for channel in summary.channels.iter().filter(|c| c.kind != "self_service") {
            @let m = &channel.metrics;
            @let target = match (channel.sla_target, channel.sla_threshold_seconds) {
                (Some(target), Some(threshold)) => {
                    format!("{:.0}% within {}", 100.0 * target, format_duration(threshold))
                }
                _ => "–".into(),
            };
            @let class = match channel.meets_sla_target {
                Some(true) => Some("met"),
                Some(false) => Some("miss"),
                None => None,
            };
            tr {
                td { (channel.name) }
                td { (estimate_cell(&m[&Metric::MeanHandleTimeSeconds], format_duration)) }
                td { (estimate_cell(&m[&Metric::AsaSeconds], format_duration)) }
                td { (estimate_cell(&m[&Metric::ResolutionRate], percent)) }
                td class=[class] { (estimate_cell(&m[&Metric::SlaAttainment], percent)) }
                td { (target) }
                td { (estimate_cell(&m[&Metric::AbandonmentRate], percent)) }
                td { (estimate_cell(&m[&Metric::WaitP90Seconds], format_duration)) }
            }
            (newline())
        }
    };
    table(
        "Channel performance",
        &[
            ("channel", false),
            ("avg handle time", false),
            ("first response (ASA)", false),
            ("resolution rate", false),
            ("SLA attained", false),
            ("target", false),
            ("abandoned", false),
            ("P90 wait", false),
        ],
        rows,
    )
}

fn cross_channel_table(summary: &RunSummary) -> Markup {
    let routing = &summary.routing;
    if routing.cross_channel.is_empty() && routing.handoffs.is_empty() {
        return html! {};
    }
    let m = &routing.cross_channel;
    type Row = (&'static str, Metric, fn(f64) -> String, &'static str);
    let figures: [Row; 6] = [
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
    let rows = html! {
        @for (label, key, format, meaning) in figures {
            @if let Some(estimate) = m.get(&key) {
                tr { td { (label) } td { (estimate_cell(estimate, format)) } td.text { (meaning) } }
                (newline())
            }
        }
        @for handoff in &routing.handoffs {
            @let h = &handoff.metrics;
            tr {
                td { "handoffs " (handoff.name) }
                td { (estimate_cell(&h[&Metric::Handoffs], count)) }
                td.text {
                    "follow-ups; context kept on "
                    (estimate_cell(&h[&Metric::ContextPreservedShare], percent))
                }
            }
            (newline())
        }
    };
    table(
        "Cross-channel metrics",
        &[("figure", false), ("value", false), ("meaning", true)],
        rows,
    )
}

fn cost_table(summary: &RunSummary) -> Markup {
    if !summary
        .channels
        .iter()
        .any(|c| c.metrics.contains_key(&Metric::CostPerContact))
    {
        return html! {
            p.meta {
                "Cost per contact: give groups a " code { "cost_per_hour" }
                " (and channels a " code { "cost_per_contact" } ") to see it."
            }
            (newline())
        };
    }
    let rows = html! {
        @for channel in &summary.channels {
            tr {
                td { (channel.name) }
                td { (estimate_cell(&channel.metrics[&Metric::CostPerContact], money)) }
            }
            (newline())
        }
    };
    html! {
        (table("Cost per contact by channel", &[("channel", false), ("cost per contact", false)], rows))
        p.meta {
            "Paid agent hours at each group's cost_per_hour, shared over channels by handle time, \
             plus each channel's own cost_per_contact, over the contacts served."
        }
        (newline())
    }
}

fn groups_table(summary: &RunSummary) -> Markup {
    let rows = html! {
        @for group in &summary.groups {
            @let m = &group.metrics;
            tr {
                td { (group.name) }
                td { (count(group.open_hours)) }
                td { (estimate_cell(&m[&Metric::ScheduledAgents], count)) }
                td { (estimate_cell(&m[&Metric::AvailableAgents], count)) }
                td { (estimate_cell(&m[&Metric::Occupancy], percent)) }
                td { (estimate_cell(&m[&Metric::PastShiftAgents], count)) }
                td { (estimate_cell(&m[&Metric::PaidAgentHours], count)) }
                td { (estimate_cell(&m[&Metric::Handled], count)) }
            }
            (newline())
        }
    };
    html! {
        (table(
            "Agent groups",
            &[
                ("group", false),
                ("open hours", false),
                ("scheduled", false),
                ("available", false),
                ("occupancy", false),
                ("past shift", false),
                ("paid agent-hours", false),
                ("handled", false),
            ],
            rows,
        ))
        p.meta {
            "Scheduled and available agents are means over each group's open hours (the hours \
             its schedule has anyone on the floor), not over the hours it is closed. Occupancy \
             is busy time on shift over time on shift; agents finishing a contact after their \
             shift ends are counted apart, as past shift (mean agents), not as occupancy."
        }
        (newline())
    }
}

fn disruptions_table(summary: &RunSummary) -> Markup {
    if summary.disruptions.is_empty() {
        return html! {};
    }
    let rows = html! {
        @for event in &summary.disruptions {
            @for comparison in &event.comparison {
                @for (metric, paired) in &comparison.metrics {
                    @let format: fn(f64) -> String = match metric.unit() {
                        Unit::Seconds => format_duration,
                        Unit::Share => percent,
                        Unit::Amount => count,
                    };
                    tr {
                        td { (event.name) " " span.ci { (event.kind) } }
                        td.text { (event.start) " to " (event.end) }
                        td.text { (comparison.subject) }
                        td.text { (metric.name()) }
                        td { (estimate_cell(&paired.with_event, format)) }
                        td { (estimate_cell(&paired.without_event, format)) }
                        td { (difference_cell(metric.unit(), &paired.difference)) }
                    }
                    (newline())
                }
            }
        }
    };
    html! {
        h3 { "Disruption events" }
        (newline())
        p.meta {
            "Each event against the same run without events, on the same seeds: the difference \
             is paired, so its interval is narrow."
        }
        (newline())
        table {
            (newline())
            tr {
                th { "event" } th.text { "when" } th.text { "subject" } th.text { "metric" }
                th { "with event" } th { "without" } th { "difference" }
            }
            (newline())
            (rows)
        }
        (newline())
    }
}

fn settings_section(scenario: &Scenario, summary: &RunSummary) -> Markup {
    let settings = scenario.simulation();
    let rows = [
        ("scenario", scenario.name().to_string()),
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
        ("omnisim version", summary.omnisim_version.clone()),
    ];
    html! {
        h2 id="settings" { "Scenario settings" }
        (newline())
        table {
            (newline())
            @for (label, value) in &rows {
                tr { td { (label) } td.text { (value) } }
                (newline())
            }
        }
        (newline())
        @if !summary.inputs.is_empty() {
            (table(
                "Inputs",
                &[("file", true), ("role", true), ("bytes", false), ("SHA-256", true)],
                html! {
                    @for input in &summary.inputs {
                        tr {
                            td.text { (input.path) }
                            td.text { (input.role) }
                            td { (thousands(input.bytes as f64)) }
                            td.text { code { (&input.sha256[..16]) } }
                        }
                        (newline())
                    }
                },
            ))
            p.meta {
                "The first 16 hex digits of each file's SHA-256; summary.json has them whole."
            }
            (newline())
        }
        (channels_settings(scenario))
        (groups_settings(scenario))
        @if !scenario.disruptions().is_empty() {
            h3 { "Events" }
            (newline())
            ul {
                (newline())
                @for event in &summary.disruptions {
                    li { (event.name) " (" (event.kind) "), " (event.start) " to " (event.end) }
                    (newline())
                }
            }
            (newline())
        }
    }
}

fn channels_settings(scenario: &Scenario) -> Markup {
    let rows = html! {
        @for channel in scenario.channels() {
            @let sla = channel.sla.map_or("–".to_string(), |sla| {
                format!("{:.0}% within {}", 100.0 * sla.target, format_duration(sla.threshold_seconds))
            });
            @let hours = match channel.hours {
                OperatingHours::Always => "24/7",
                OperatingHours::Weekly { .. } => "weekly hours",
            };
            tr {
                td { (channel.name) }
                td.text { (channel.kind.name()) }
                td.text { (sla) }
                td.text { (channel.handle_time.as_ref().map_or("–".into(), |d| d.describe())) }
                td.text { (channel.patience.as_ref().map_or("–".into(), |d| d.describe())) }
                td.text { (hours) }
            }
            (newline())
        }
    };
    table(
        "Channels",
        &[
            ("channel", false),
            ("kind", true),
            ("SLA", true),
            ("handle time", true),
            ("patience", true),
            ("hours", true),
        ],
        rows,
    )
}

fn groups_settings(scenario: &Scenario) -> Markup {
    let rows = html! {
        @for group in scenario.groups() {
            @let headcount = match &group.headcount {
                Headcount::Constant(count) => format!("{count} agents"),
                Headcount::PerInterval(counts) => {
                    format!("per interval, up to {}", counts.iter().copied().max().unwrap_or(0))
                }
                Headcount::Shifts(_) => format!("shifts, up to {}", group.headcount.max()),
            };
            @let serves: Vec<&str> = scenario
                .channels()
                .iter()
                .zip(&group.serves_channel)
                .filter(|(_, serves)| **serves)
                .map(|(channel, _)| channel.name.as_str())
                .collect();
            tr {
                td { (group.name) }
                td.text { (headcount) }
                td.text { (serves.join(", ")) }
                td { (group.concurrency) }
                td { (percent(group.shrinkage)) }
                td { (group.cost_per_hour.map_or("–".into(), money)) }
            }
            (newline())
        }
    };
    table(
        "Agent groups",
        &[
            ("group", false),
            ("headcount", true),
            ("serves", true),
            ("concurrency", false),
            ("shrinkage", false),
            ("cost per hour", false),
        ],
        rows,
    )
}
