//! What `omnisim erlang` prints: the calculator's report as text, or as JSON. Pure.

use super::format::{optional_percent, optional_wait, percent};
use super::json_bytes;
use crate::erlang::report::ErlangReport;
use crate::units::format_duration;

/// The report as pretty-printed JSON.
pub fn erlang_json_bytes(report: &ErlangReport) -> Vec<u8> {
    json_bytes(report)
}

/// The calculator's answer as text: the model, the requirement, the measures at a staffing
/// and the staffing table.
pub fn erlang_text(report: &ErlangReport) -> String {
    let mut text = String::new();
    let threshold = report.threshold_seconds.map(format_duration);
    text.push_str(&format!(
        "{}: {:.1} contacts/hour, mean handle time {}{}{}\noffered load {:.2} Erlangs\n",
        report.model,
        report.arrival_rate_per_hour,
        format_duration(report.mean_handle_time_seconds),
        report
            .mean_patience_seconds
            .map_or(String::new(), |p| format!(
                ", mean patience {}",
                format_duration(p)
            )),
        if report.concurrency > 1 {
            format!(
                ", {} conversations per agent (agents x {} = servers)",
                report.concurrency, report.concurrency
            )
        } else {
            String::new()
        },
        report.offered_load_erlangs
    ));
    if let Some(requirement) = &report.requirement {
        text.push_str(&format!(
            "\nfewest agents for {}:\n  {} agents",
            requirement.targets.join(", "),
            requirement.agents
        ));
        if requirement.shrinkage > 0.0 {
            text.push_str(&format!(
                "; with {:.0}% shrinkage, schedule {} positions",
                100.0 * requirement.shrinkage,
                requirement.positions
            ));
        }
        text.push('\n');
    }
    if let Some(measures) = &report.evaluated {
        text.push_str(&format!("\nat {} agents:\n", measures.agents));
        if measures.unstable {
            text.push_str(
                "  unstable: the offered load is at or above the servers and nobody abandons, so the queue grows without bound\n",
            );
        }
        let rows = [
            (
                "Erlang B blocking (no queue)",
                percent(measures.erlang_b_blocking),
            ),
            (
                "probability of waiting",
                optional_percent(measures.probability_wait),
            ),
            (
                "SLA attainment",
                match &threshold {
                    Some(t) => format!("{} within {t}", optional_percent(measures.sla_attainment)),
                    None => "- (give --threshold)".into(),
                },
            ),
            (
                "answered within threshold",
                format!(
                    "{} of arrivals",
                    optional_percent(measures.answered_within_threshold)
                ),
            ),
            (
                "ASA (answered contacts)",
                optional_wait(measures.average_speed_of_answer),
            ),
            (
                "mean wait (all contacts)",
                optional_wait(measures.mean_wait),
            ),
            ("abandonment", optional_percent(measures.abandonment)),
            ("occupancy", optional_percent(measures.occupancy)),
        ];
        for (name, value) in rows {
            text.push_str(&format!("  {name:<30} {value}\n"));
        }
    }
    if !report.staffing_table.is_empty() {
        text.push_str(&format!(
            "\n{:>7} {:>8} {:>9} {:>10} {:>9} {:>10} {:>10}\n",
            "agents", "P(wait)", "SLA", "ASA", "abandon", "occupancy", "blocking B"
        ));
        for row in &report.staffing_table {
            let marker = if report.requirement.as_ref().map(|r| r.agents) == Some(row.agents) {
                "  <- fewest meeting the targets"
            } else {
                ""
            };
            text.push_str(&format!(
                "{:>7} {:>8} {:>9} {:>10} {:>9} {:>10} {:>10}{marker}\n",
                row.agents,
                optional_percent(row.probability_wait),
                optional_percent(row.sla_attainment),
                optional_wait(row.average_speed_of_answer),
                optional_percent(row.abandonment),
                optional_percent(row.occupancy),
                percent(row.erlang_b_blocking),
            ));
        }
        text.push_str("(SLA attainment = answered within threshold / (answered + abandoned after it); '-' = unstable or no threshold)\n");
    }
    text
}
