//! What people read, beyond the snapshots of every file (`snapshots`): every chart rendered
//! as PNG and SVG and checked to be a valid, non-trivial image; report.html self-contained;
//! the terminal dashboard within 100 columns; the dashboard's derived figures (cost per
//! contact, resolution rate) against hand computations. The waiting-time distribution is
//! checked against Erlang C in `theory`.

use omnisim::engine::ReplicationResult;
use omnisim::metrics::interval_fold::interval_rows;
use omnisim::metrics::summary::RunSummary;
use omnisim::output::charts::plan_figures::{
    plan_sla_figure, plan_staffing_figure, sweep_sla_figure,
};
use omnisim::output::charts::run_figures::{RunChartInput, run_figures};
use omnisim::output::charts::{Figure, render_png, render_svg};
use omnisim::output::run::TERMINAL_WIDTH;
use omnisim::output::run::html::run_report_html;
use omnisim::output::run::terminal::summary_table;
use omnisim::plan::{PlanOptions, plan};
use omnisim::scenario::Scenario;
use omnisim::simulate::Execution;
use omnisim::stats::student_t_quantile;
use omnisim::sweep::{SweepMode, SweepSpec, run_sweep};

use crate::support::{SMALL_RUN, parse, simulate};
use omnisim::metric::Metric;

/// The fixed small run.
fn small_run() -> (Scenario, RunSummary, Vec<ReplicationResult>) {
    let scenario = parse(SMALL_RUN);
    let (summary, results) = simulate(&scenario, Some(1));
    (scenario, summary, results)
}

/// The fixed run and its six charts (as data).
fn small_run_figures() -> (Scenario, RunSummary, Vec<Figure>) {
    let (scenario, summary, results) = small_run();
    let figures = figures_of(&scenario, &summary, &results);
    (scenario, summary, figures)
}

/// A run's charts (as data), from its replications as `omnisim run` draws them.
fn figures_of(
    scenario: &Scenario,
    summary: &RunSummary,
    results: &[ReplicationResult],
) -> Vec<Figure> {
    let rows = interval_rows(scenario, results);
    run_figures(&RunChartInput {
        scenario,
        summary,
        channel_rows: &rows.channel_rows,
        group_rows: &rows.group_rows,
    })
}

/// A rendered figure is a PNG of the figure's size with real drawing on it, and a
/// well-formed SVG holding the figure's title and a line per panel.
#[track_caller]
fn check(figure: &Figure) {
    let name = figure.file_stem;
    assert!(!figure.panels.is_empty(), "{name}: no panels");
    let png = render_png(figure).unwrap_or_else(|error| panic!("{name}: {error}"));
    let decoder = png::Decoder::new(std::io::Cursor::new(&png));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut pixels).unwrap();
    assert_eq!((info.width, info.height), figure.size(), "{name}: PNG size");
    let pixels = &pixels[..info.buffer_size()];
    let not_white = pixels.chunks(3).filter(|p| p != &[255, 255, 255]).count();
    let share = not_white as f64 / (pixels.len() / 3) as f64;
    assert!(
        (0.02..0.6).contains(&share),
        "{name}: {:.1}% of the PNG is drawn on; expected a chart, not a blank or solid image",
        100.0 * share
    );
    let colours: std::collections::BTreeSet<&[u8]> = pixels.chunks(3).collect();
    assert!(colours.len() > 20, "{name}: only {} colours", colours.len());

    let svg = render_svg(figure).unwrap_or_else(|error| panic!("{name}: {error}"));
    let document = roxmltree::Document::parse(&svg)
        .unwrap_or_else(|error| panic!("{name}: the SVG is not well-formed XML: {error}"));
    assert_eq!(document.root_element().tag_name().name(), "svg");
    let texts: Vec<&str> = document
        .descendants()
        .filter(|node| node.is_text())
        .filter_map(|node| node.text())
        .collect();
    assert!(
        texts.iter().any(|text| text.contains(&figure.title)),
        "{name}: title missing from the SVG"
    );
    for panel in &figure.panels {
        assert!(
            texts.iter().any(|text| text.contains(&panel.title)),
            "{name}: panel title {:?} missing",
            panel.title
        );
    }
    check_text_layout(name, &document);
    let lines = document
        .descendants()
        .filter(|node| matches!(node.tag_name().name(), "polyline" | "path" | "polygon"))
        .count();
    assert!(
        lines >= figure.panels.len(),
        "{name}: {lines} lines for {} panels",
        figure.panels.len()
    );
}

/// A text of an SVG chart and the box it covers, estimated from its position, anchor and
/// font size (DejaVu Sans averages about 0.6 em a character).
#[derive(Debug)]
struct TextBox {
    text: String,
    anchor: String,
    x: f64,
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
}

fn text_boxes(document: &roxmltree::Document) -> Vec<TextBox> {
    document
        .descendants()
        .filter(|node| node.has_tag_name("text") && node.attribute("transform").is_none())
        .map(|node| {
            let number = |name: &str| node.attribute(name).unwrap().parse::<f64>().unwrap();
            let (x, y, size) = (number("x"), number("y"), number("font-size"));
            let text = node.text().unwrap_or("").trim().to_string();
            let width = 0.6 * size * text.chars().count() as f64;
            let anchor = node.attribute("text-anchor").unwrap_or("start").to_string();
            let left = match anchor.as_str() {
                "middle" => x - width / 2.0,
                "end" => x - width,
                _ => x,
            };
            // dy="0.76em" hangs the text below y; the ex offsets centre it on y.
            let top = match node.attribute("dy") {
                Some(dy) if dy.ends_with("em") => y,
                _ => y - size / 2.0,
            };
            TextBox {
                text,
                anchor,
                x,
                left,
                right: left + width,
                top,
                bottom: top + size,
            }
        })
        .collect()
}

/// No two texts of a chart overlap (tick labels, titles, legends), and neighbouring tick
/// labels on a y axis differ (never "0.1, 0.1").
#[track_caller]
fn check_text_layout(name: &str, document: &roxmltree::Document) {
    let boxes = text_boxes(document);
    for (index, a) in boxes.iter().enumerate() {
        for b in &boxes[index + 1..] {
            let overlap_x = a.left.max(b.left) < a.right.min(b.right) - 1.0;
            let overlap_y = a.top.max(b.top) < a.bottom.min(b.bottom) - 1.0;
            assert!(
                !(overlap_x && overlap_y),
                "{name}: {:?} overlaps {:?}",
                a.text,
                b.text
            );
        }
    }
    // y tick labels: right-aligned at one x; sorted down the page, a panel's ticks are
    // evenly spaced, and the next panel starts after a larger gap.
    let mut by_x: std::collections::BTreeMap<i64, Vec<&TextBox>> = Default::default();
    for text_box in boxes.iter().filter(|b| b.anchor == "end") {
        by_x.entry(text_box.x.round() as i64)
            .or_default()
            .push(text_box);
    }
    for ticks in by_x.values_mut() {
        ticks.sort_by(|a, b| a.top.total_cmp(&b.top));
        for pair in ticks.windows(2) {
            if pair[1].top - pair[0].top < 70.0 {
                assert_ne!(pair[0].text, pair[1].text, "{name}: repeated tick label");
            }
        }
    }
}

#[test]
fn every_chart_type_renders_as_png_and_svg() {
    let (scenario, _, figures) = small_run_figures();
    let stems: Vec<&str> = figures.iter().map(|f| f.file_stem).collect();
    assert_eq!(
        stems,
        [
            "volume",
            "sla_attainment",
            "queue_length",
            "asa",
            "wait_distribution",
            "occupancy"
        ]
    );
    for figure in &figures {
        check(figure);
    }
    let options = PlanOptions {
        confidence: 0.8,
        max_abandonment: None,
        max_occupancy: None,
        shrinkage: 0.25,
        max_evaluations: 40,
        max_agents_per_interval: 20,
        compare_assignments: true,
        day_probability: None,
    };
    let staffing_plan = plan(&scenario, &options, Execution::silent(Some(1))).unwrap();
    check(&plan_staffing_figure(&scenario, &staffing_plan));
    check(&plan_sla_figure(&scenario, &staffing_plan));
    let spec = SweepSpec {
        group_idx: 0,
        mode: SweepMode::Agents,
        levels: vec![1, 2, 3, 4],
    };
    check(&sweep_sla_figure(
        &run_sweep(&scenario, &spec, Execution::silent(Some(1))).unwrap(),
    ));
}

/// A short queue (a fifth of a contact waiting) and a tight percentage range: the tick
/// labels carry the decimals that tell them apart.
#[test]
fn small_ranges_get_distinct_tick_labels() {
    use omnisim::output::charts::{Panel, Series, ValueFormat};
    let panel = |y_format: ValueFormat, top: f64| Panel {
        title: format!("{y_format:?}"),
        x_label: "x".into(),
        y_label: "y".into(),
        x_format: ValueFormat::Number,
        y_format,
        y_range: None,
        series: vec![Series {
            name: String::new(),
            points: (0..20)
                .map(|i| (f64::from(i), top * f64::from(i % 5) / 4.0))
                .collect(),
            band: Vec::new(),
            colour_idx: 0,
            dashed: false,
        }],
        reference_lines: Vec::new(),
    };
    let figure = Figure::new(
        "small",
        "Small ranges",
        "",
        vec![
            panel(ValueFormat::Number, 0.22),
            panel(ValueFormat::Percent, 0.03),
        ],
    );
    check(&figure);
    let document_text = render_svg(&figure).unwrap();
    let document = roxmltree::Document::parse(&document_text).unwrap();
    let labels: Vec<String> = text_boxes(&document)
        .into_iter()
        .filter(|b| b.anchor == "end")
        .map(|b| b.text)
        .collect();
    assert!(labels.contains(&"0.05".to_string()), "{labels:?}");
    assert!(labels.contains(&"1.0%".to_string()), "{labels:?}");
}

/// A year at hourly intervals: the timelines are drawn a day per point and labelled by day
/// of the run, a typical day and a typical week are added, and no label collides.
#[test]
fn a_year_long_run_is_drawn_by_day_with_labels_that_do_not_collide() {
    let scenario = parse(
        r#"
[simulation]
horizon = "365d"
interval = "1h"
replications = 2
seed = 3

[channels.phone]
kind = "voice"
sla = { within = "20s", target = 0.8 }
handle_time = { distribution = "exponential", mean = "3m" }
hours = { weekdays = "08:00-18:00" }

[arrivals.phone]
rate_per_hour = 40

[groups.agents]
headcount = 3
channels = ["phone"]
"#,
    );
    let (summary, results) = simulate(&scenario, None);
    let figures = figures_of(&scenario, &summary, &results);
    let stems: Vec<&str> = figures.iter().map(|f| f.file_stem).collect();
    assert!(
        stems.ends_with(&["typical_day", "typical_week"]),
        "{stems:?}"
    );
    let sla = &figures[1];
    assert_eq!(sla.file_stem, "sla_attainment");
    assert_eq!(sla.panels[0].series[0].points.len(), 365, "a point per day");
    assert!(sla.panels[0].y_label.ends_with("(daily mean)"));
    for figure in &figures {
        check(figure);
    }
    let svg = render_svg(sla).unwrap();
    let document = roxmltree::Document::parse(&svg).unwrap();
    let x_ticks: Vec<String> = text_boxes(&document)
        .into_iter()
        .filter(|b| b.anchor == "middle" && b.text.starts_with("day "))
        .map(|b| b.text)
        .collect();
    assert!(x_ticks.len() >= 3, "{x_ticks:?}");
    // The typical day covers the open hours, 08:00 to 17:00, labelled by time of day.
    let typical_day = &figures[figures.len() - 2];
    let points = &typical_day.panels[0].series[0].points;
    assert_eq!(points.first().unwrap().0, 0.0);
    assert_eq!(points.last().unwrap().0, 23.0);
    let open: Vec<f64> = points
        .iter()
        .filter(|p| p.1.is_finite())
        .map(|p| p.0)
        .collect();
    assert_eq!(open.first(), Some(&8.0));
    assert_eq!(open.last(), Some(&17.0));
}

#[test]
fn the_compare_chart_and_page() {
    // The small run against one more chat agent: a difference panel per channel and group the
    // change touched (email's SLA stays 100%, so its waits are drawn; the portal is left
    // out), negative values below the zero line, and compare.html as self-contained as
    // report.html.
    let base = parse(SMALL_RUN);
    let candidate = parse(&SMALL_RUN.replace(
        "headcount = 3\nconcurrency = 2",
        "headcount = 4\nconcurrency = 2",
    ));
    let comparison = omnisim::compare::compare(
        &base,
        &candidate,
        &omnisim::compare::CompareSettings::default(),
        Execution::silent(Some(1)),
    )
    .unwrap();
    let figure = omnisim::output::charts::compare_figures::compare_interval_figure(&comparison)
        .expect("a per-interval metric is compared");
    let titles: Vec<&str> = figure.panels.iter().map(|p| p.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "channel chat: sla_attainment",
            "channel email: asa_seconds",
            "group chat_team: occupancy",
            "group email_team: occupancy"
        ]
    );
    check(&figure);
    let svg = render_svg(&figure).unwrap();
    let html = omnisim::output::compare::compare_html(&comparison, &[(figure, svg)]);
    for forbidden in [
        "<script", "<link", "<img", "src=", "@import", "url(", "https://",
    ] {
        assert!(
            !html.contains(forbidden),
            "compare.html contains {forbidden:?}"
        );
    }
    assert_eq!(html.matches("<svg").count(), 1);
    assert!(html.contains("<h2>Group chat_team</h2>"));
}

#[test]
fn rendering_is_deterministic() {
    let figure = &small_run_figures().2[1];
    assert_eq!(render_png(figure).unwrap(), render_png(figure).unwrap());
    assert_eq!(render_svg(figure).unwrap(), render_svg(figure).unwrap());
}

#[test]
fn report_html_is_self_contained_and_holds_every_chart() {
    let (scenario, summary, figures) = small_run_figures();
    let charts: Vec<(Figure, String)> = figures
        .into_iter()
        .map(|figure| {
            let svg = render_svg(&figure).unwrap();
            (figure, svg)
        })
        .collect();
    let html = run_report_html(&scenario, &summary, &charts);
    for forbidden in [
        "<script", "<link", "<img", "src=", "@import", "url(", "https://",
    ] {
        assert!(
            !html.contains(forbidden),
            "report.html contains {forbidden:?}"
        );
    }
    assert_eq!(html.matches("<svg").count(), charts.len());
    for (figure, _) in &charts {
        assert!(html.contains(&format!("<figure id=\"{}\">", figure.file_stem)));
    }
    for needle in [
        "seed 5",
        "small_run",
        "Channel volume distribution",
        "Cost per contact",
    ] {
        assert!(html.contains(needle), "report.html lacks {needle:?}");
    }
}

#[test]
fn terminal_dashboard_fits_100_columns() {
    for text in [
        SMALL_RUN.to_string(),
        std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/retail_week.toml"),
        )
        .unwrap()
        .replace("replications = 20", "replications = 2"),
    ] {
        let (summary, _) = simulate(&parse(&text), None);
        let table = summary_table(&summary);
        for line in table.lines() {
            assert!(
                line.chars().count() <= TERMINAL_WIDTH,
                "{} columns: {line}",
                line.chars().count()
            );
        }
        assert!(
            table.contains('█'),
            "volume bars are drawn with block characters"
        );
    }
}

#[test]
fn cost_per_contact_and_resolution_rate_by_hand() {
    // Twenty replications: the resolution rate is compared at 99.9%, and with the small run's
    // four the interval would be too wide to tell anything.
    let scenario = parse(SMALL_RUN).with_replications(20).unwrap();
    let (summary, results) = simulate(&scenario, Some(2));
    let hours = scenario.simulation().horizon_seconds / 3600.0;
    // Each group serves one channel, so its whole paid cost falls on that channel.
    for (channel_idx, group_cost, own_cost) in
        [(0, 28.0 * 3.0 * hours, 0.0), (1, 25.0 * 3.0 * hours, 0.05)]
    {
        let per_replication: Vec<f64> = results
            .iter()
            .map(|result| {
                let handled: u64 = result
                    .channel_intervals
                    .row(channel_idx)
                    .iter()
                    .map(|c| c.handled)
                    .sum();
                (group_cost + own_cost * handled as f64) / handled as f64
            })
            .collect();
        let expected = per_replication.iter().sum::<f64>() / per_replication.len() as f64;
        let reported = summary.channels[channel_idx].metrics[&Metric::CostPerContact]
            .mean
            .unwrap();
        assert!(
            (reported - expected).abs() < 1e-9,
            "channel {channel_idx}: {reported} != {expected}"
        );
    }
    // The portal has no agents: its cost is its own per contact.
    let portal = summary.channels[2].metrics[&Metric::CostPerContact]
        .mean
        .unwrap();
    assert!((portal - 0.08).abs() < 1e-12);
    // One chat in five is followed up by email, so chat resolves about 80% at first contact.
    // Tolerance: the run's own interval, widened from 95% to 99.9% by the ratio of t quantiles.
    let resolution = summary.channels[0].metrics[&Metric::ResolutionRate];
    let degrees = (resolution.n - 1) as usize;
    let scale = student_t_quantile(degrees, 0.9995) / student_t_quantile(degrees, 0.975);
    let (mean, half_width) = (resolution.mean.unwrap(), resolution.ci95.unwrap() * scale);
    assert!(
        (mean - 0.8).abs() <= half_width,
        "chat resolution {mean} ± {half_width}"
    );
    assert!(
        half_width < 0.1,
        "interval ± {half_width} too wide to test anything"
    );
    assert_eq!(
        summary.channels[1].metrics[&Metric::ResolutionRate].mean,
        Some(1.0)
    );
    let shares: f64 = summary
        .channels
        .iter()
        .map(|c| c.metrics[&Metric::VolumeShare].mean.unwrap())
        .sum();
    assert!((shares - 1.0).abs() < 1e-9);
}

/// The verdict names the channel that misses its target and by how much; the totals add up
/// the groups' paid hours and cost; a group's open hours are the intervals its schedule
/// staffs, and its agent means are over those hours alone.
#[test]
fn verdict_totals_and_open_hours_by_hand() {
    // Email's team cut to one agent, on from 08:00 to 16:00: email misses its 90% in 4h.
    // The small run's intervals are two hours: 08:00 to 16:00 is intervals 4 to 7.
    let headcount = ["0", "0", "0", "0", "1", "1", "1", "1", "0", "0", "0", "0"];
    let text = SMALL_RUN.replacen(
        "channels = [\"email\"]\nheadcount = 3",
        &format!(
            "channels = [\"email\"]\nheadcount = [{}]",
            headcount.join(", ")
        ),
        1,
    );
    assert_ne!(text, SMALL_RUN, "the email team's headcount was replaced");
    let scenario = parse(&text);
    let (summary, _) = simulate(&scenario, Some(2));
    let email = summary.channels.iter().find(|c| c.name == "email").unwrap();
    assert_eq!(email.meets_sla_target, Some(false));
    let verdict = &summary.totals.verdict;
    assert!(
        verdict.contains("1 of 2 channels with an SLA misses the target: email ")
            && verdict.contains("against 90%"),
        "{verdict}"
    );
    let team = summary
        .groups
        .iter()
        .find(|g| g.name == "email_team")
        .unwrap();
    assert_eq!(team.open_hours, 8.0);
    // One agent on the floor whenever the team is open: the mean over open hours is 1.
    assert_eq!(team.metrics[&Metric::ScheduledAgents].mean, Some(1.0));
    assert_eq!(team.metrics[&Metric::PaidAgentHours].mean, Some(8.0));
    let paid: f64 = summary
        .groups
        .iter()
        .map(|g| g.metrics[&Metric::PaidAgentHours].mean.unwrap())
        .sum();
    assert_eq!(summary.totals.paid_agent_hours, paid);
    assert_eq!(paid, 3.0 * 24.0 + 8.0);
    let cost: f64 = summary
        .groups
        .iter()
        .map(|g| g.metrics[&Metric::AgentCost].mean.unwrap())
        .sum();
    assert_eq!(summary.totals.agent_cost, Some(cost));
    let table = summary_table(&summary);
    assert!(
        table.contains(&format!("VERDICT: {}", &verdict[..40])),
        "{table}"
    );
}
