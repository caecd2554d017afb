//! The report's customer-behaviour table: customers against contacts, each bot, callback
//! attempts and duplicates (`metrics::behaviour_summary`), one row per item with every
//! figure and its 95% half-width. Absent when the scenario configures none of them.

use maud::{Markup, html};

use crate::metric::{Figures, Metric, Unit};
use crate::metrics::routing_summary::NamedFigures;
use crate::metrics::summary::RunSummary;
use crate::output::format::{count_with_separators, money, percent};
use crate::output::html_page::{estimate_cell, newline};
use crate::units::format_duration;

/// Whole numbers for counts, two decimals for hours and costs.
fn value_format(metric: Metric) -> fn(f64) -> String {
    match metric.unit() {
        Unit::Share => percent,
        Unit::Seconds => format_duration,
        Unit::Amount => match metric {
            Metric::AgentHoursSaved
            | Metric::BotCost
            | Metric::CostPerContactWithBot
            | Metric::CostPerContactWithoutBot
            | Metric::FailedAttemptHours
            | Metric::DuplicateAgentHours => money,
            _ => count_with_separators,
        },
    }
}

fn figures_cell(figures: &Figures) -> Markup {
    html! {
        @for (position, (metric, estimate)) in figures.iter().enumerate() {
            @if estimate.mean.is_some() {
                @if position > 0 { " · " }
                (metric.name().replace('_', " ")) " " (estimate_cell(estimate, value_format(*metric)))
            }
        }
    }
}

pub fn customer_behaviour_table(summary: &RunSummary) -> Markup {
    let behaviour = &summary.routing.customer_behaviour;
    if behaviour.is_empty() {
        return html! {};
    }
    let customers = NamedFigures {
        name: "all channels".into(),
        detail: "customers are first attempts; contacts every attempt".into(),
        metrics: behaviour.customers.clone(),
    };
    let sections: [(&str, &[NamedFigures]); 6] = [
        (
            "customers",
            if customers.metrics.is_empty() {
                &[]
            } else {
                std::slice::from_ref(&customers)
            },
        ),
        ("attempts", &behaviour.attempts),
        ("bot", &behaviour.bots),
        ("callbacks", &behaviour.callbacks),
        ("callback attempt", &behaviour.callback_attempts),
        ("duplicates", &behaviour.duplicates),
    ];
    html! {
        h3 { "Customer behaviour" }
        (newline())
        table {
            (newline())
            tr { th.text { "what" } th.text { "figures" } th.text { "meaning" } }
            (newline())
            @for (section, items) in sections {
                @for item in items {
                    tr {
                        td.text { (section) " " (item.name) }
                        td.text { (figures_cell(&item.metrics)) }
                        td.text { (item.detail) }
                    }
                    (newline())
                }
            }
        }
        (newline())
    }
}
