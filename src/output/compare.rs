//! What `omnisim compare` writes and prints: compare.json, compare.csv (a row per channel or
//! group and metric), compare_intervals.csv (a row per interval too), compare.md (a table to
//! paste in a pull request), compare.html (the tables and the difference-per-interval chart,
//! in report.html's look), and the terminal table. Pure: bytes and text.

use std::fmt::Write as _;

use super::charts::chart_files;
use super::charts::compare_figures::compare_interval_figure;
use super::format::{metric_difference, metric_half_width, metric_value, number, optional_number};
use maud::html;

use super::html_page::{figure_html, newline, page};
use super::{Charts, OutputFile, json_bytes};
use crate::compare::{Comparison, MetricComparison, Verdict};
use crate::units::format_duration;

/// Every file of a comparison; the chart and compare.html unless charts are skipped.
pub fn compare_files(
    comparison: &Comparison,
    charts: Charts,
) -> Result<Vec<OutputFile<'static>>, String> {
    let mut files = vec![
        OutputFile::new("compare.json", json_bytes(comparison)),
        OutputFile::new("compare.csv", compare_csv_bytes(comparison)),
        OutputFile::new(
            "compare_intervals.csv",
            compare_intervals_csv_bytes(comparison),
        ),
        OutputFile::new("compare.md", compare_markdown(comparison).into_bytes()),
    ];
    if charts == Charts::Draw {
        let figures: Vec<_> = compare_interval_figure(comparison).into_iter().collect();
        let rendered = chart_files(&figures)?;
        let charts: Vec<_> = figures.into_iter().zip(rendered.svgs).collect();
        files.push(OutputFile::new(
            "compare.html",
            compare_html(comparison, &charts).into_bytes(),
        ));
        files.extend(rendered.files);
    }
    Ok(files)
}

/// How the comparison was made, in one sentence.
fn header(comparison: &Comparison) -> String {
    format!(
        "{} → {}: {} replication(s) of {} each on seed {}, paired (replication r of both sees the same customers)",
        comparison.base,
        comparison.candidate,
        comparison.replications,
        format_duration(comparison.horizon_seconds - comparison.warmup_seconds),
        comparison.seed
    )
}

/// "3 better, 1 worse, 2 no significant difference".
pub fn verdict_counts(comparison: &Comparison) -> String {
    let order = [
        Verdict::Better,
        Verdict::Worse,
        Verdict::Higher,
        Verdict::Lower,
        Verdict::NoSignificantDifference,
        Verdict::Same,
        Verdict::Undefined,
    ];
    let parts: Vec<String> = order
        .iter()
        .filter_map(|verdict| {
            let count = comparison
                .all_metrics()
                .filter(|(_, _, metric)| metric.verdict == *verdict)
                .count();
            (count > 0).then(|| format!("{count} {}", verdict.words()))
        })
        .collect();
    if parts.is_empty() {
        "nothing compared".into()
    } else {
        parts.join(", ")
    }
}

/// What `until_decided` did, in words (absent without it).
fn until_decided_line(comparison: &Comparison) -> Option<String> {
    let until = comparison.until_decided.as_ref()?;
    Some(if until.decided {
        format!(
            "--until-decided: every verdict decided after {} replications (batches of {}, cap {})",
            comparison.replications, until.batch, until.cap
        )
    } else {
        format!(
            "--until-decided: still undecided at the cap of {} replications: {}",
            until.cap,
            until.undecided.join(", ")
        )
    })
}

/// The terminal table: per channel and group, a row per metric.
pub fn compare_table(comparison: &Comparison) -> String {
    let mut text = header(comparison);
    text.push('\n');
    text.push_str(
        "difference = candidate − base with its paired 95% interval; unpaired ± is what two independent runs would give, gain how many times narrower pairing made it\n",
    );
    for note in &comparison.notes {
        let _ = writeln!(text, "note: {note}");
    }
    for (kind, entities) in [
        ("channel", &comparison.channels),
        ("group", &comparison.groups),
    ] {
        for entity in entities.iter() {
            let (shown, quiet): (Vec<&MetricComparison>, Vec<&MetricComparison>) =
                entity.metrics.iter().partition(|m| is_news(m));
            if shown.is_empty() {
                if !quiet.is_empty() {
                    let _ = writeln!(text, "\n{kind} {}: {}", entity.name, quiet_line(&quiet));
                }
                continue;
            }
            let _ = writeln!(text, "\n{kind} {}", entity.name);
            let _ = writeln!(
                text,
                "  {:<18} {:>10} {:>10} {:>22} {:>12} {:>6}  verdict",
                "metric", "base", "candidate", "difference", "unpaired", "gain"
            );
            for metric in shown {
                let _ = writeln!(
                    text,
                    "  {:<18} {:>10} {:>10} {:>22} {:>12} {:>6}  {}",
                    metric.metric.name(),
                    metric_value(metric.metric.unit(), metric.base.mean),
                    metric_value(metric.metric.unit(), metric.candidate.mean),
                    difference_cell(metric),
                    metric_half_width(metric.metric.unit(), metric.unpaired.ci95),
                    gain_cell(metric),
                    metric.verdict.words()
                );
            }
            if !quiet.is_empty() {
                let _ = writeln!(text, "  {}", quiet_line(&quiet));
            }
        }
    }
    let _ = writeln!(text, "\nverdicts: {}", verdict_counts(comparison));
    if let Some(line) = until_decided_line(comparison) {
        let _ = writeln!(text, "{line}");
    }
    text
}

/// Whether a metric's row says anything: not identical in every replication, and defined.
fn is_news(metric: &MetricComparison) -> bool {
    !matches!(metric.verdict, Verdict::Same | Verdict::Undefined)
}

/// The metrics a table leaves out, in one line: "same in every replication: a, b; undefined: c".
fn quiet_line(quiet: &[&MetricComparison]) -> String {
    let names = |verdict: Verdict| -> Vec<&str> {
        quiet
            .iter()
            .filter(|m| m.verdict == verdict)
            .map(|m| m.metric.name())
            .collect()
    };
    let mut parts = Vec::new();
    let same = names(Verdict::Same);
    if !same.is_empty() {
        parts.push(format!("same in every replication: {}", same.join(", ")));
    }
    let undefined = names(Verdict::Undefined);
    if !undefined.is_empty() {
        parts.push(format!(
            "undefined (nothing to measure): {}",
            undefined.join(", ")
        ));
    }
    parts.join("; ")
}

/// "+6.3 pts ±0.9 pts".
fn difference_cell(metric: &MetricComparison) -> String {
    let unit = metric.metric.unit();
    match metric.paired.ci95 {
        Some(_) => format!(
            "{} {}",
            metric_difference(unit, metric.paired.mean),
            metric_half_width(unit, metric.paired.ci95)
        ),
        None => metric_difference(unit, metric.paired.mean),
    }
}

fn gain_cell(metric: &MetricComparison) -> String {
    match metric.pairing_gain {
        Some(gain) => format!("{gain:.1}x"),
        None => "-".into(),
    }
}

/// compare.csv: one row per channel or group and metric.
pub fn compare_csv_bytes(comparison: &Comparison) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record([
            "kind",
            "name",
            "metric",
            "better",
            "base_mean",
            "base_ci95",
            "candidate_mean",
            "candidate_ci95",
            "difference_mean",
            "difference_ci95",
            "pairs",
            "unpaired_difference_ci95",
            "unpaired_degrees_of_freedom",
            "pairing_gain",
            "verdict",
        ])
        .expect("write to memory");
    for (kind, name, metric) in comparison.all_metrics() {
        writer
            .write_record([
                kind.to_string(),
                name.to_string(),
                metric.metric.name().to_string(),
                better_name(metric).to_string(),
                optional_number(metric.base.mean),
                optional_number(metric.base.ci95),
                optional_number(metric.candidate.mean),
                optional_number(metric.candidate.ci95),
                optional_number(metric.paired.mean),
                optional_number(metric.paired.ci95),
                metric.paired.n.to_string(),
                optional_number(metric.unpaired.ci95),
                optional_number(metric.unpaired.degrees_of_freedom),
                optional_number(metric.pairing_gain),
                metric.verdict.words().to_string(),
            ])
            .expect("write to memory");
    }
    writer.into_inner().expect("flush to memory")
}

fn better_name(metric: &MetricComparison) -> &'static str {
    match metric.better {
        crate::metric::Better::Higher => "higher",
        crate::metric::Better::Lower => "lower",
        crate::metric::Better::Neither => "neither",
    }
}

/// compare_intervals.csv: one row per channel or group, reporting interval and metric.
pub fn compare_intervals_csv_bytes(comparison: &Comparison) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record([
            "kind",
            "name",
            "interval",
            "start_seconds",
            "start",
            "metric",
            "base_mean",
            "candidate_mean",
            "difference_mean",
            "difference_ci95",
            "pairs",
            "verdict",
        ])
        .expect("write to memory");
    for row in &comparison.intervals {
        let metric = &row.comparison;
        writer
            .write_record([
                row.kind.to_string(),
                row.name.clone(),
                row.interval_idx.to_string(),
                number(row.start_seconds),
                row.start_label.clone(),
                metric.metric.name().to_string(),
                optional_number(metric.base.mean),
                optional_number(metric.candidate.mean),
                optional_number(metric.paired.mean),
                optional_number(metric.paired.ci95),
                metric.paired.n.to_string(),
                metric.verdict.words().to_string(),
            ])
            .expect("write to memory");
    }
    writer.into_inner().expect("flush to memory")
}

/// A verdict for a Markdown or HTML table: worse stands out.
fn verdict_markdown(verdict: Verdict) -> String {
    match verdict {
        Verdict::Worse => "**worse**".into(),
        Verdict::Better => "better".into(),
        other => other.words().into(),
    }
}

/// compare.md: the comparison as a Markdown table, ready to paste in a pull request.
pub fn compare_markdown(comparison: &Comparison) -> String {
    let mut text = format!(
        "### omnisim compare: {} → {}\n\n{}. Difference = candidate − base with its paired 95% interval; unpaired ± is what two independent runs would give.\n\n",
        comparison.base,
        comparison.candidate,
        header(comparison)
    );
    for note in &comparison.notes {
        let _ = writeln!(text, "- note: {note}");
    }
    if !comparison.notes.is_empty() {
        text.push('\n');
    }
    text.push_str("| | metric | base | candidate | difference | unpaired ± | verdict |\n");
    text.push_str("|---|---|--:|--:|--:|--:|---|\n");
    let mut unchanged = Vec::new();
    for (kind, name, metric) in comparison.all_metrics() {
        if !is_news(metric) {
            if metric.verdict == Verdict::Same {
                unchanged.push(format!("{kind} {name} {}", metric.metric));
            }
            continue;
        }
        let unit = metric.metric.unit();
        let _ = writeln!(
            text,
            "| {kind} {name} | {} | {} | {} | {} | {} | {} |",
            metric.metric.name(),
            metric_value(unit, metric.base.mean),
            metric_value(unit, metric.candidate.mean),
            difference_cell(metric),
            metric_half_width(unit, metric.unpaired.ci95),
            verdict_markdown(metric.verdict)
        );
    }
    if !unchanged.is_empty() {
        let _ = writeln!(
            text,
            "\nSame in every replication (not shown): {}.",
            unchanged.join(", ")
        );
    }
    let _ = writeln!(text, "\nVerdicts: {}.", verdict_counts(comparison));
    if let Some(line) = until_decided_line(comparison) {
        let _ = writeln!(text, "\n{line}.");
    }
    text
}

/// compare.html: one self-contained page with the tables and the chart.
pub fn compare_html(comparison: &Comparison, charts: &[(super::charts::Figure, String)]) -> String {
    let body = html! {
        (newline())
        h1 { "Comparison: " (comparison.base) " → " (comparison.candidate) }
        (newline())
        p.meta {
            (header(comparison))
            ". Difference = candidate − base, replication by replication, with its 95% \
             confidence half-width; the unpaired half-width is what two independent runs would \
             give. omnisim " (comparison.omnisim_version) "."
        }
        (newline())
        @for note in &comparison.notes {
            div.warning { (note) }
            (newline())
        }
        p { strong { "Verdicts:" } " " (verdict_counts(comparison)) }
        (newline())
        @if let Some(line) = until_decided_line(comparison) {
            p { (line) }
            (newline())
        }
        @for (kind, entities) in [("Channel", &comparison.channels), ("Group", &comparison.groups)] {
            @for entity in entities.iter().filter(|e| !e.metrics.is_empty()) {
                h2 { (kind) " " (entity.name) }
                (newline())
                table {
                    (newline())
                    tr {
                        th { "metric" } th { "base" } th { "candidate" } th { "difference" }
                        th { "unpaired ±" } th { "pairing gain" } th.text { "verdict" }
                    }
                    (newline())
                    @for metric in &entity.metrics {
                        @let unit = metric.metric.unit();
                        @let class = match metric.verdict {
                            Verdict::Worse => "text miss",
                            Verdict::Better => "text met",
                            _ => "text",
                        };
                        tr {
                            td { (metric.metric.name()) }
                            td { (metric_value(unit, metric.base.mean)) }
                            td { (metric_value(unit, metric.candidate.mean)) }
                            td { (difference_cell(metric)) }
                            td { (metric_half_width(unit, metric.unpaired.ci95)) }
                            td { (gain_cell(metric)) }
                            td class=(class) { (metric.verdict.words()) }
                        }
                        (newline())
                    }
                }
                (newline())
            }
        }
        @if !charts.is_empty() {
            h2 id="charts" { "Per interval" }
            (newline())
            @for (figure, svg) in charts {
                (figure_html(figure, svg))
            }
        }
        footer {
            "Both scenarios ran on seed " (comparison.seed) " with the same replications; random \
             streams are keyed by (seed, replication, channel), and every draw about a contact \
             after it arrives comes from its own stream, so a routing or staffing change never \
             changes which customers arrive. Made by omnisim " (comparison.omnisim_version) "."
        }
        (newline())
    };
    page(
        &format!(
            "omnisim compare: {} → {}",
            comparison.base, comparison.candidate
        ),
        body,
    )
}
