//! Charts. A chart is data first (`Figure`: panels of series, bands and reference lines,
//! built by `run_figures`, `plan_figures` and `compare_figures` from a command's results) and pixels second:
//! `render.rs` draws any `Figure` with plotters, so every chart looks alike and the figure
//! builders stay pure and testable. Only `render.rs` knows plotters.

pub mod compare_figures;
pub mod plan_figures;
mod render;
pub mod run_figures;
pub mod time_profiles;

pub use render::{ChartFiles, chart_files, render_png, render_svg};

use crate::units::format_clock;

/// A whole chart file: a title over a grid of panels.
#[derive(Debug, Clone)]
pub struct Figure {
    /// File name without extension ("sla_attainment").
    pub file_stem: &'static str,
    pub title: String,
    /// One sentence under the chart in the HTML report: what it shows and how to read it.
    pub caption: String,
    pub panels: Vec<Panel>,
    /// Panels per row.
    pub columns: usize,
}

#[derive(Debug, Clone)]
pub struct Panel {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub x_format: ValueFormat,
    pub y_format: ValueFormat,
    /// Fixed y range; `None` fits the data (from 0).
    pub y_range: Option<(f64, f64)>,
    pub series: Vec<Series>,
    pub reference_lines: Vec<ReferenceLine>,
}

/// One line, with an optional confidence band around it. Non-finite values break the line.
#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    pub points: Vec<(f64, f64)>,
    /// (x, low, high) of the 95% confidence band.
    pub band: Vec<(f64, f64, f64)>,
    /// Index into the palette (`render::PALETTE`).
    pub colour_idx: usize,
    pub dashed: bool,
}

impl Series {
    /// A line without a band.
    pub fn line(name: &str, points: Vec<(f64, f64)>, colour_idx: usize, dashed: bool) -> Series {
        Series {
            name: name.to_string(),
            points,
            band: Vec::new(),
            colour_idx,
            dashed,
        }
    }
}

/// A target or threshold: a dashed line across the panel, labelled in the legend.
#[derive(Debug, Clone)]
pub struct ReferenceLine {
    pub label: String,
    pub orientation: Orientation,
    pub value: f64,
}

impl ReferenceLine {
    /// A service-level target, across the panel: "target 80%".
    pub fn target(target: f64) -> ReferenceLine {
        ReferenceLine {
            label: format!("target {:.0}%", target * 100.0),
            orientation: Orientation::Horizontal,
            value: target,
        }
    }

    /// An SLA threshold drawn on an axis in units of `scale` seconds.
    pub fn sla_threshold(
        orientation: Orientation,
        threshold_seconds: f64,
        scale: f64,
    ) -> ReferenceLine {
        ReferenceLine {
            label: format!(
                "SLA threshold {}",
                crate::units::format_duration(threshold_seconds)
            ),
            orientation,
            value: threshold_seconds / scale,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Orientation {
    Horizontal,
    Vertical,
}

/// How axis values are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueFormat {
    /// A count or level, as a plain number.
    Number,
    /// A fraction, as a percentage.
    Percent,
    /// Hours since the start of the horizon, as "Mon 08:00".
    Clock,
    /// Days since the start of the horizon, as "Tue" (or "Tue 12:00" between midnights).
    Day,
    /// Days since the start of a horizon longer than a week, as "d9 Tue".
    NumberedDay,
    /// Days since the start of a long horizon, as "day 31" (day 1 is the first).
    DayOfRun,
    /// Hours since midnight, as "08:00" (a typical day).
    TimeOfDay,
}

impl ValueFormat {
    pub fn format(self, value: f64) -> String {
        match self {
            ValueFormat::Number => {
                if (value - value.round()).abs() < 1e-9 {
                    format!("{value:.0}")
                } else {
                    format!("{value:.1}")
                }
            }
            // A tick a hair below zero is still "0%", not "-0%".
            ValueFormat::Percent if (value * 100.0).abs() < 0.5 => "0%".into(),
            ValueFormat::Percent => format!("{:.0}%", value * 100.0),
            ValueFormat::Clock => format_clock(value * 3600.0, false),
            ValueFormat::Day | ValueFormat::NumberedDay => {
                let numbered = self == ValueFormat::NumberedDay;
                let label = format_clock(value * 86_400.0, numbered);
                label
                    .strip_suffix(" 00:00")
                    .map(str::to_string)
                    .unwrap_or(label)
            }
            ValueFormat::DayOfRun => {
                let day = value.floor();
                if (value - day).abs() < 1e-6 {
                    format!("day {}", day as i64 + 1)
                } else {
                    format!("day {:.1}", value + 1.0)
                }
            }
            ValueFormat::TimeOfDay => {
                let minutes = (value * 60.0).round() as i64;
                format!("{:02}:{:02}", minutes / 60 % 24, minutes % 60)
            }
        }
    }

    /// A tick label when ticks are about `step` apart: numbers and percentages get the
    /// decimals that tell neighbouring ticks apart (0.05, 0.10, not 0.1, 0.1).
    pub fn format_tick(self, value: f64, step: f64) -> String {
        let decimals_for = |step: f64| {
            if step.is_finite() && step > 0.0 {
                (-step.log10().floor()).clamp(0.0, 4.0) as usize
            } else {
                0
            }
        };
        match self {
            ValueFormat::Number => {
                let decimals = decimals_for(step);
                let text = format!("{value:.decimals$}");
                // "-0" and "0.00" read as zero.
                if text
                    .trim_start_matches('-')
                    .chars()
                    .all(|c| c == '0' || c == '.')
                {
                    "0".to_string()
                } else {
                    text
                }
            }
            ValueFormat::Percent => {
                let decimals = decimals_for(step * 100.0);
                let percent = value * 100.0;
                if percent.abs() < 0.5 * 10f64.powi(-(decimals as i32)) {
                    "0%".into()
                } else {
                    format!("{percent:.decimals$}%")
                }
            }
            _ => self.format(value),
        }
    }
}

pub const PANEL_WIDTH: u32 = 620;
pub const PANEL_HEIGHT: u32 = 340;
const TITLE_HEIGHT: u32 = 56;

impl Figure {
    /// A figure of `panels`, two to a row (one for a single panel): wide enough to read, and
    /// in the HTML report shown near its drawn size, so its text stays legible in print.
    pub fn new(
        file_stem: &'static str,
        title: impl Into<String>,
        caption: impl Into<String>,
        panels: Vec<Panel>,
    ) -> Figure {
        Figure {
            file_stem,
            title: title.into(),
            caption: caption.into(),
            columns: if panels.len() <= 1 { 1 } else { 2 },
            panels,
        }
    }

    /// Pixel size of the whole figure.
    pub fn size(&self) -> (u32, u32) {
        let columns = self.columns.clamp(1, self.panels.len().max(1));
        let rows = self.panels.len().div_ceil(columns).max(1);
        (
            PANEL_WIDTH * columns as u32,
            TITLE_HEIGHT + PANEL_HEIGHT * rows as u32,
        )
    }
}

/// The unit a time axis is drawn in: x values are divided by `seconds`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimeUnit {
    pub seconds: f64,
    pub format: ValueFormat,
}

/// Clock time over a horizon: hours under two days; days up to two weeks ("Tue", then
/// "d9 Tue" past the first week); past two weeks the day of the run ("day 31"), where the
/// weekday names would repeat too often to read.
pub fn clock_unit(horizon_seconds: f64) -> TimeUnit {
    const DAY: f64 = 86_400.0;
    if horizon_seconds > 14.0 * DAY {
        TimeUnit {
            seconds: DAY,
            format: ValueFormat::DayOfRun,
        }
    } else if horizon_seconds > 7.0 * DAY {
        TimeUnit {
            seconds: DAY,
            format: ValueFormat::NumberedDay,
        }
    } else if horizon_seconds >= 2.0 * DAY {
        TimeUnit {
            seconds: DAY,
            format: ValueFormat::Day,
        }
    } else {
        TimeUnit {
            seconds: 3600.0,
            format: ValueFormat::Clock,
        }
    }
}

/// A duration axis reaching `max_seconds`: its divisor and the unit's name, so ticks fall
/// on round seconds, minutes or hours.
pub fn duration_unit(max_seconds: f64) -> (f64, &'static str) {
    if max_seconds.is_nan() || max_seconds <= 120.0 {
        (1.0, "s")
    } else if max_seconds <= 3.0 * 3600.0 {
        (60.0, "min")
    } else {
        (3600.0, "h")
    }
}
