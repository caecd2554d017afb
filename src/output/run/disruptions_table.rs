//! The terminal block on disruption events: what each did, then its effect on each channel
//! and group it touches, with the event against the same run without it. Pure: returns text.

use crate::metric::{Metric, Unit};
use crate::metrics::disruption_summary::{DisruptionSummary, PairedEstimate};
use crate::output::format::{
    estimate_count as count, estimate_percent as percent, percent as percent_value,
};
use crate::stats::Estimate;
use crate::units::format_duration;

/// Empty when the scenario has no events.
pub fn disruptions_table(disruptions: &[DisruptionSummary]) -> String {
    if disruptions.is_empty() {
        return String::new();
    }
    let mut text = String::from(
        "\nEVENTS: with the event vs the same customers without it; difference ± 95% CI\n",
    );
    for disruption in disruptions {
        text.push_str(&format!(
            "  {} ({}), {} to {}\n",
            disruption.name, disruption.kind, disruption.start, disruption.end
        ));
        let figures: Vec<String> = disruption
            .figures
            .iter()
            .filter(|(_, estimate)| estimate.mean.is_some())
            .map(|(metric, estimate)| {
                let value = if metric.unit() == Unit::Share {
                    percent(estimate)
                } else {
                    count(estimate)
                };
                format!("{} {value}", metric.name().replace('_', " "))
            })
            .collect();
        for line in wrap(&figures, 92) {
            text.push_str(&format!("    {line}\n"));
        }
        if disruption.comparison.is_empty() {
            continue;
        }
        let width = disruption
            .comparison
            .iter()
            .map(|row| row.subject.len())
            .max()
            .unwrap_or(0)
            .max(10);
        text.push_str(&format!(
            "    {:<width$} {:<10} {:>12} {:>12} {:>20}\n",
            "subject", "metric", "with event", "without", "difference"
        ));
        for row in &disruption.comparison {
            let mut subject = row.subject.as_str();
            for (metric, paired) in row
                .metrics
                .iter()
                .filter(|(metric, _)| **metric != Metric::Offered)
            {
                let [label, with_event, without_event, difference] = describe(*metric, paired);
                text.push_str(&format!(
                    "    {subject:<width$} {label:<10} {with_event:>12} {without_event:>12} {difference:>20}\n"
                ));
                subject = "";
            }
        }
    }
    text
}

/// A compared metric's label, value with the event, value without it, and the difference
/// with its half-width ("-34.0 pts ±3.1", "+1h ±15m 11s").
fn describe(metric: Metric, paired: &PairedEstimate) -> [String; 4] {
    let label = match metric {
        Metric::SlaAttainment => "SLA",
        Metric::AsaSeconds => "ASA",
        Metric::AbandonmentRate => "abandoned",
        Metric::AvailableAgents => "available",
        Metric::BusyAgents => "busy",
        other => other.name(),
    };
    let value = |estimate: &Estimate| -> String {
        match estimate.mean {
            None => "-".into(),
            Some(mean) => match metric.unit() {
                Unit::Share => percent_value(mean),
                Unit::Seconds => format_duration(mean),
                Unit::Amount => format!("{mean:.1}"),
            },
        }
    };
    let difference = match (paired.difference.mean, paired.difference.ci95) {
        (None, _) => "-".into(),
        (Some(mean), ci) => match metric.unit() {
            Unit::Share => match ci {
                Some(ci) => format!("{:+.1} pts ±{:.1}", 100.0 * mean, 100.0 * ci),
                None => format!("{:+.1} pts", 100.0 * mean),
            },
            Unit::Seconds => {
                let sign = if mean < 0.0 { "-" } else { "+" };
                let ci = ci
                    .map(|c| format!(" ±{}", format_duration(c)))
                    .unwrap_or_default();
                format!("{sign}{}{ci}", format_duration(mean.abs()))
            }
            Unit::Amount => match ci {
                Some(ci) => format!("{mean:+.1} ±{ci:.1}"),
                None => format!("{mean:+.1}"),
            },
        },
    };
    [
        label.to_string(),
        value(&paired.with_event),
        value(&paired.without_event),
        difference,
    ]
}

/// Joins items with ", " into lines of at most `width` characters.
fn wrap(items: &[String], width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for item in items {
        if !line.is_empty() && line.len() + 2 + item.len() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push_str(", ");
        }
        line.push_str(item);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}
