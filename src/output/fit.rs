//! The files of `omnisim fit`: `scenario.toml` (commented with what each value was fitted
//! from), `arrivals.csv` (expected contacts per interval of the week and channel, as
//! `per_interval_file` reads them), `agents.csv` (headcount per interval and group),
//! `fit_report.json`, the terminal summary, and the charts of observed against fitted:
//! daily volumes, the weekly arrival pattern, handle-time distributions and patience.

use std::fmt::Write as _;

use crate::fit::durations::{DistributionFit, DurationChoice};
use crate::fit::{ChannelFit, FitReport};
use crate::output::OutputFile;
use crate::output::charts::{Figure, Panel, Series, ValueFormat};
use crate::output::format::{count_with_separators, percent};
use crate::units::format_duration;

const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// A duration as a scenario writes it, exact to the millisecond: "2m 50s 428ms".
fn scenario_duration(seconds: f64) -> String {
    let millis = (seconds * 1000.0).round().max(1.0) as u64;
    let (whole, rest) = (millis / 1000, millis % 1000);
    let mut parts = Vec::new();
    let (hours, minutes, secs) = (whole / 3600, whole / 60 % 60, whole % 60);
    if hours > 0 {
        parts.push(format!("{hours}h"));
    }
    if minutes > 0 {
        parts.push(format!("{minutes}m"));
    }
    if secs > 0 {
        parts.push(format!("{secs}s"));
    }
    if rest > 0 {
        parts.push(format!("{rest}ms"));
    }
    parts.join(" ")
}

fn interval_start(report: &FitReport, idx: usize) -> String {
    let slots = (86_400.0 / report.interval_seconds).round() as usize;
    let seconds = (idx % slots) as f64 * report.interval_seconds;
    format!(
        "{} {:02}:{:02}",
        WEEKDAYS[idx / slots],
        (seconds / 3600.0) as u32,
        (seconds / 60.0) as u32 % 60
    )
}

fn describe_fit(fit: &DistributionFit) -> String {
    format!(
        "mean {} [{}, {}], CV {:.2} [{:.2}, {:.2}], log-likelihood {:.1}, KS distance {:.4}",
        format_duration(fit.mean_seconds),
        format_duration(fit.mean_ci.0),
        format_duration(fit.mean_ci.1),
        fit.cv,
        fit.cv_ci.0,
        fit.cv_ci.1,
        fit.log_likelihood,
        fit.ks_distance
    )
}

fn channel_toml(text: &mut String, channel: &ChannelFit) {
    let _ = writeln!(text, "[channels.{}]", channel.name);
    let _ = writeln!(text, "kind = \"{}\"", channel.kind.name());
    let _ = writeln!(
        text,
        "sla = {{ within = \"{}\", target = {} }}   # the default for {}: edit to your target",
        format_duration(channel.sla_within_seconds),
        channel.sla_target,
        channel.kind.name()
    );
    match &channel.handle_time {
        Some(handle) => {
            let _ = writeln!(
                text,
                "# handle time: {} recorded (> 0 s; {} of 0 s left out)",
                count_with_separators(handle.n as f64),
                handle.zeros_left_out
            );
            let _ = writeln!(text, "#   lognormal: {}", describe_fit(&handle.lognormal));
            let _ = writeln!(text, "#   gamma:     {}", describe_fit(&handle.gamma));
            let _ = writeln!(
                text,
                "#   the KS test at 5% accepts a distance up to {:.4}",
                handle.ks_critical
            );
            let line = match handle.choice {
                DurationChoice::LogNormal => format!(
                    "handle_time = {{ distribution = \"lognormal\", mean = \"{}\", cv = {:.4} }}",
                    scenario_duration(handle.lognormal.mean_seconds),
                    handle.lognormal.cv
                ),
                DurationChoice::Gamma => format!(
                    "handle_time = {{ distribution = \"gamma\", mean = \"{}\", cv = {:.4} }}",
                    scenario_duration(handle.gamma.mean_seconds),
                    handle.gamma.cv
                ),
                DurationChoice::Empirical => {
                    let _ = writeln!(
                        text,
                        "#   neither passes: the recorded distribution, as {} equally likely quantiles",
                        handle.empirical_quantiles.len()
                    );
                    let values: Vec<String> = handle
                        .empirical_quantiles
                        .iter()
                        .map(|q| format!("\"{}\"", scenario_duration(*q)))
                        .collect();
                    format!(
                        "handle_time = {{ distribution = \"empirical\", values = [{}] }}",
                        values.join(", ")
                    )
                }
            };
            let _ = writeln!(text, "{line}");
        }
        None => {
            let _ = writeln!(text, "# handle time: too few recorded to fit; edit this");
            let _ = writeln!(
                text,
                "handle_time = {{ distribution = \"exponential\", mean = \"5m\" }}"
            );
        }
    }
    if let Some(profile) = &channel.handle_time_profile {
        let _ = writeln!(
            text,
            "# handle time changes with the time of day: each interval's mean over the mean of all (1 where under {} services)",
            crate::fit::durations::PROFILE_MIN_SERVICES
        );
        let factors: Vec<String> = profile.iter().map(|f| format!("{f:.3}")).collect();
        let _ = writeln!(text, "handle_time_profile = [{}]", factors.join(", "));
    }
    if let Some(not_ready) = &channel.not_ready {
        let _ = writeln!(
            text,
            "# not ready after a call: the gaps agents left between calls while {} or more callers waited",
            not_ready.min_waiting
        );
        let _ = writeln!(
            text,
            "#   ({} gaps within stretches at work of gaps up to {}; mean {}, median {}); mean gap by callers waiting: {}",
            count_with_separators(not_ready.gaps as f64),
            format_duration(not_ready.session_gap_seconds),
            format_duration(not_ready.mean_seconds),
            format_duration(not_ready.median_seconds),
            not_ready
                .mean_by_waiting
                .iter()
                .map(|(queue, _, mean)| format!("{queue}: {}", format_duration(*mean)))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let values: Vec<String> = not_ready
            .quantiles
            .iter()
            .map(|q| format!("\"{}\"", scenario_duration(*q)))
            .collect();
        let _ = writeln!(
            text,
            "wrap_up = {{ distribution = \"empirical\", values = [{}] }}",
            values.join(", ")
        );
    }
    if let Some(patience) = &channel.patience {
        let _ = writeln!(
            text,
            "# patience: {} gave up and {} were answered (censored) over {} of waiting;",
            count_with_separators(patience.abandoned as f64),
            count_with_separators(patience.answered as f64),
            format_duration(patience.total_wait_seconds)
        );
        let _ = writeln!(
            text,
            "#   exponential mean {} [{}, {}]; Kaplan-Meier median {}",
            format_duration(patience.mean_seconds),
            format_duration(patience.mean_ci.0),
            format_duration(patience.mean_ci.1),
            patience
                .kaplan_meier_median_seconds
                .map_or("not reached".to_string(), format_duration)
        );
        let _ = writeln!(
            text,
            "patience = {{ distribution = \"exponential\", mean = \"{}\" }}",
            scenario_duration(patience.mean_seconds)
        );
    }
    text.push('\n');
    let arrivals = &channel.arrivals;
    let _ = writeln!(text, "[arrivals.{}]", channel.name);
    let shares: Vec<String> = arrivals
        .day_shares
        .iter()
        .zip(WEEKDAYS)
        .map(|(share, day)| format!("{day} {}", percent(*share)))
        .collect();
    let _ = writeln!(
        text,
        "# {} contacts reached the queue ({} deflected left out): {} a week [{}, {}]",
        count_with_separators(arrivals.contacts as f64),
        channel.deflected,
        count_with_separators(arrivals.weekly_volume.round()),
        count_with_separators(arrivals.weekly_volume_ci.0.round()),
        count_with_separators(arrivals.weekly_volume_ci.1.round())
    );
    let _ = writeln!(text, "# day shares: {}", shares.join(", "));
    let _ = writeln!(
        text,
        "per_interval_file = \"arrivals.csv\"   # expected contacts per interval of the week"
    );
    match arrivals.dispersion_cv {
        Some(cv) if cv > 0.0 => {
            let _ = writeln!(
                text,
                "# days vary beyond Poisson: a busyness factor with this CV (Poisson-gamma, by moments)"
            );
            let _ = writeln!(text, "uncertainty = {{ cv = {cv:.4} }}");
        }
        Some(_) => {
            let _ = writeln!(
                text,
                "# days vary no more than Poisson: no forecast uncertainty"
            );
        }
        None => {}
    }
    text.push('\n');
}

/// The scenario's text.
pub fn fit_scenario_toml(report: &FitReport, name: &str, trace_name: &str) -> String {
    let mut text = String::new();
    let _ = writeln!(
        text,
        "# Fitted by `omnisim fit` from {trace_name}: {} contacts from {} to {} ({} days on the {} clock).",
        count_with_separators(report.records as f64),
        report.first_date,
        report.last_date,
        report.days,
        report.time_zone
    );
    let _ = writeln!(
        text,
        "# fit_report.json and the fit_*.png charts beside this file show how well each part fits."
    );
    for note in &report.notes {
        let _ = writeln!(text, "# note: {note}");
    }
    let _ = writeln!(text, "name = \"{name}\"\n");
    let _ = writeln!(text, "[simulation]");
    let _ = writeln!(
        text,
        "horizon = \"7d\"                 # one week of the fitted pattern"
    );
    let _ = writeln!(
        text,
        "interval = \"{}\"",
        format_duration(report.interval_seconds)
    );
    let _ = writeln!(text, "replications = 10\nseed = 1\n");
    for channel in &report.channels {
        channel_toml(&mut text, channel);
    }
    for group in &report.groups {
        let _ = writeln!(text, "[groups.{}]", group.name);
        let names: Vec<String> = group
            .channels
            .iter()
            .map(|&c| format!("\"{}\"", report.channels[c].name))
            .collect();
        let _ = writeln!(text, "channels = [{}]", names.join(", "));
        let _ = writeln!(text, "headcount_file = \"agents.csv\"");
        if group.from_agent_ids {
            let _ = writeln!(
                text,
                "# {} agents seen; each interval's headcount is the mean of those seen serving in it",
                group.agents
            );
        } else {
            let _ = writeln!(
                text,
                "# no agent recorded: the Erlang C minimum for the channel's SLA in each interval"
            );
        }
        text.push('\n');
    }
    text
}

/// `arrivals.csv`: start, channel, count.
pub fn fit_arrivals_csv(report: &FitReport) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(["start", "channel", "count"])
        .expect("writing to memory");
    for channel in &report.channels {
        for (idx, count) in channel.arrivals.per_interval_of_week.iter().enumerate() {
            writer
                .write_record([
                    interval_start(report, idx),
                    channel.name.clone(),
                    count.to_string(),
                ])
                .expect("writing to memory");
        }
    }
    writer.into_inner().expect("writing to memory")
}

/// `agents.csv`: start and one column per group.
pub fn fit_agents_csv(report: &FitReport) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["start".to_string()];
    header.extend(report.groups.iter().map(|g| g.name.clone()));
    writer.write_record(&header).expect("writing to memory");
    let intervals = report.groups.first().map_or(0, |g| g.headcount.len());
    for idx in 0..intervals {
        let mut row = vec![interval_start(report, idx)];
        row.extend(report.groups.iter().map(|g| g.headcount[idx].to_string()));
        writer.write_record(&row).expect("writing to memory");
    }
    writer.into_inner().expect("writing to memory")
}

pub fn fit_report_json(report: &FitReport) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(report).expect("the report serialises");
    bytes.push(b'\n');
    bytes
}

/// What the terminal shows.
pub fn fit_summary_text(report: &FitReport) -> String {
    let mut text = String::new();
    let _ = writeln!(
        text,
        "{} contacts, {} to {} ({} days, {})",
        count_with_separators(report.records as f64),
        report.first_date,
        report.last_date,
        report.days,
        report.time_zone
    );
    for channel in &report.channels {
        let arrivals = &channel.arrivals;
        let _ = write!(
            text,
            "{} ({}): {} a week",
            channel.name,
            channel.kind.name(),
            count_with_separators(arrivals.weekly_volume.round())
        );
        if let Some(cv) = arrivals.dispersion_cv {
            let _ = write!(text, ", day-to-day CV {cv:.3}");
        }
        if let Some(handle) = &channel.handle_time {
            let chosen = match handle.choice {
                DurationChoice::LogNormal => "lognormal",
                DurationChoice::Gamma => "gamma",
                DurationChoice::Empirical => "empirical (neither fits)",
            };
            let _ = write!(
                text,
                "; handle time mean {} CV {:.2}, {chosen}",
                format_duration(handle.sample_mean_seconds),
                handle.sample_cv
            );
        }
        if let Some(patience) = &channel.patience {
            let _ = write!(
                text,
                "; patience exponential mean {}",
                format_duration(patience.mean_seconds)
            );
        }
        text.push('\n');
    }
    for group in &report.groups {
        let peak = group.headcount.iter().max().copied().unwrap_or(0);
        let _ = writeln!(
            text,
            "{}: {} at the busiest interval ({})",
            group.name,
            peak,
            if group.from_agent_ids {
                format!("{} agents seen", group.agents)
            } else {
                "Erlang C minimum".to_string()
            }
        );
    }
    for note in &report.notes {
        let _ = writeln!(text, "note: {note}");
    }
    text
}

fn panel(
    title: &str,
    x_label: &str,
    y_label: &str,
    x_format: ValueFormat,
    series: Vec<Series>,
) -> Panel {
    Panel {
        title: title.to_string(),
        x_label: x_label.into(),
        y_label: y_label.into(),
        x_format,
        y_format: ValueFormat::Number,
        y_range: None,
        series,
        reference_lines: Vec::new(),
    }
}

/// The charts of a fit: observed against fitted.
pub fn fit_figures(report: &FitReport) -> Vec<Figure> {
    let mut figures = Vec::new();
    let first_weekday = report
        .first_date
        .parse::<jiff::civil::Date>()
        .map_or(
            0,
            |d| usize::from(d.weekday().to_monday_zero_offset() as u8),
        );
    let daily = report
        .channels
        .iter()
        .map(|channel| {
            let arrivals = &channel.arrivals;
            let observed = arrivals
                .daily_totals
                .iter()
                .enumerate()
                .map(|(day, total)| (day as f64, *total as f64))
                .collect();
            let cv = arrivals.dispersion_cv.unwrap_or(0.0);
            let mut fitted = Series::line("fitted (band: 95% of days)", Vec::new(), 1, true);
            for day in 0..arrivals.daily_totals.len() {
                let mean = arrivals.weekly_volume * arrivals.day_shares[(first_weekday + day) % 7];
                let spread = 1.96 * (mean + cv * cv * mean * mean).sqrt();
                fitted.points.push((day as f64, mean));
                fitted
                    .band
                    .push((day as f64, (mean - spread).max(0.0), mean + spread));
            }
            panel(
                &channel.name,
                "day",
                "contacts",
                ValueFormat::DayOfRun,
                vec![Series::line("recorded", observed, 0, false), fitted],
            )
        })
        .collect();
    figures.push(Figure::new(
        "fit_daily_volume",
        "Contacts per day: recorded and fitted",
        "Each day's recorded contacts (solid) against the fitted weekly volume times the day's share (dashed), with the band 95% of days fall in under the fitted day-to-day variation.",
        daily,
    ));
    let weekly = report
        .channels
        .iter()
        .map(|channel| {
            let points = channel
                .arrivals
                .per_interval_of_week
                .iter()
                .enumerate()
                .map(|(idx, count)| (idx as f64 * report.interval_seconds / 3600.0, *count))
                .collect();
            panel(
                &channel.name,
                "interval of the week",
                "expected contacts",
                ValueFormat::Clock,
                vec![Series::line(
                    "mean over the days observed",
                    points,
                    0,
                    false,
                )],
            )
        })
        .collect();
    figures.push(Figure::new(
        "fit_weekly_pattern",
        "Expected contacts per interval of the week",
        "The mean recorded contacts in each interval of the week, over the days of that weekday observed: the arrival profile the scenario replays as Poisson rates.",
        weekly,
    ));
    let handle_panels: Vec<Panel> = report
        .channels
        .iter()
        .filter_map(|channel| {
            let handle = channel.handle_time.as_ref()?;
            let n = handle.sorted.len();
            let step = (n / 400).max(1);
            let observed: Vec<(f64, f64)> = (0..n)
                .step_by(step)
                .map(|i| (handle.sorted[i] / 60.0, (i + 1) as f64 / n as f64))
                .collect();
            let top = handle.sorted[(n as f64 * 0.99) as usize % n];
            let grid: Vec<f64> = (0..=200).map(|i| top * i as f64 / 200.0).collect();
            let curve = |fit: &DistributionFit| {
                grid.iter()
                    .map(|&x| (x / 60.0, fit.cdf(x)))
                    .collect::<Vec<_>>()
            };
            let mut p = panel(
                &channel.name,
                "minutes",
                "share handled within",
                ValueFormat::Number,
                vec![
                    Series::line("recorded", observed, 0, false),
                    Series::line("lognormal", curve(&handle.lognormal), 1, true),
                    Series::line("gamma", curve(&handle.gamma), 2, true),
                ],
            );
            p.y_format = ValueFormat::Percent;
            p.y_range = Some((0.0, 1.0));
            Some(p)
        })
        .collect();
    if !handle_panels.is_empty() {
        figures.push(Figure::new(
            "fit_handle_time",
            "Handle time: recorded and fitted",
            "The share of recorded handle times at most x (solid), against the lognormal and gamma fitted by maximum likelihood (dashed), up to the 99th percentile.",
            handle_panels,
        ));
    }
    let patience_panels: Vec<Panel> = report
        .channels
        .iter()
        .filter_map(|channel| {
            let patience = channel.patience.as_ref()?;
            let km: Vec<(f64, f64)> = patience
                .kaplan_meier
                .iter()
                .map(|(t, s)| (t / 60.0, *s))
                .collect();
            let top = km.last().map_or(1.0, |(t, _)| *t).max(1.0 / 60.0);
            let exponential = (0..=200)
                .map(|i| {
                    let minutes = top * i as f64 / 200.0;
                    (minutes, patience.exponential_survival(minutes * 60.0))
                })
                .collect();
            let mut p = panel(
                &channel.name,
                "minutes waited",
                "share still patient",
                ValueFormat::Number,
                vec![
                    Series::line("Kaplan-Meier", km, 0, false),
                    Series::line("exponential fit", exponential, 1, true),
                ],
            );
            p.y_format = ValueFormat::Percent;
            p.y_range = Some((0.0, 1.0));
            Some(p)
        })
        .collect();
    if !patience_panels.is_empty() {
        figures.push(Figure::new(
            "fit_patience",
            "Patience: Kaplan-Meier and exponential",
            "The share of customers still willing to wait after x minutes, estimated without a model from censored waits (Kaplan-Meier, solid), against the exponential fitted as abandonments over time waited (dashed).",
            patience_panels,
        ));
    }
    figures
}

/// Every file of a fit but the charts.
pub fn fit_files(report: &FitReport, name: &str, trace_name: &str) -> Vec<OutputFile<'static>> {
    vec![
        OutputFile::new(
            "scenario.toml",
            fit_scenario_toml(report, name, trace_name).into_bytes(),
        ),
        OutputFile::new("arrivals.csv", fit_arrivals_csv(report)),
        OutputFile::new("agents.csv", fit_agents_csv(report)),
        OutputFile::new("fit_report.json", fit_report_json(report)),
    ]
}
