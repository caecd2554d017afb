//! Drawing a `Figure` with plotters: SVG to a string, PNG to memory (encoded with the `png`
//! crate), and `chart_files`, every figure of a command as its `.svg` and `.png` files.
//!
//! Text is drawn with DejaVu Sans compiled into the binary (the `dejavu` crate, registered
//! once with plotters' `ab_glyph` backend), so no system font library is needed. Colours are
//! the Okabe-Ito palette, which stays distinguishable under the common colour-vision
//! deficiencies; a panel's second series is also dashed, so print in grey still separates
//! them.

use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;
use rayon::prelude::*;

use super::{Figure, Orientation, Panel};
use crate::output::OutputFile;

/// Okabe & Ito (2008), "Color Universal Design": blue, orange, bluish green, vermillion,
/// reddish purple, sky blue, black; then olive.
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(213, 94, 0),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(0, 0, 0),
    // Okabe-Ito's yellow is too faint on white; Paul Tol's olive (also safe) stands in.
    RGBColor(153, 153, 51),
];

static REGISTER_FONTS: Once = Once::new();

/// Registers the bundled DejaVu Sans for every family plotters may ask for. Idempotent.
fn register_fonts() {
    REGISTER_FONTS.call_once(|| {
        for family in ["sans-serif", "serif", "monospace"] {
            // Registration fails only on a malformed font, and the font is compiled in.
            let _ =
                plotters::style::register_font(family, FontStyle::Normal, dejavu::sans::regular());
        }
        let _ = plotters::style::register_font("sans-serif", FontStyle::Bold, dejavu::sans::bold());
    });
}

/// The figure as an SVG document.
pub fn render_svg(figure: &Figure) -> Result<String, String> {
    register_fonts();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, figure.size()).into_drawing_area();
        draw_figure(&root, figure)?;
        root.present().map_err(|error| error.to_string())?;
    }
    Ok(svg)
}

/// The figure as a PNG file's bytes.
pub fn render_png(figure: &Figure) -> Result<Vec<u8>, String> {
    register_fonts();
    let (width, height) = figure.size();
    let mut pixels = vec![0u8; width as usize * height as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (width, height)).into_drawing_area();
        draw_figure(&root, figure)?;
        root.present().map_err(|error| error.to_string())?;
    }
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header().map_err(|error| error.to_string())?;
    writer
        .write_image_data(&pixels)
        .map_err(|error| error.to_string())?;
    writer.finish().map_err(|error| error.to_string())?;
    Ok(bytes)
}

fn draw_figure<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    figure: &Figure,
) -> Result<(), String> {
    let error = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    root.fill(&WHITE).map_err(error)?;
    let body = root
        .titled(
            &figure.title,
            ("sans-serif", 28).into_font().style(FontStyle::Bold),
        )
        .map_err(error)?;
    let columns = figure.columns.clamp(1, figure.panels.len().max(1));
    let rows = figure.panels.len().div_ceil(columns).max(1);
    let areas = body.split_evenly((rows, columns));
    for (panel, area) in figure.panels.iter().zip(areas.iter()) {
        draw_panel(area, panel)?;
    }
    Ok(())
}

/// The x and y ranges a panel needs: its data, bands and reference lines, y from 0 (or below
/// it, for negative values).
fn panel_ranges(panel: &Panel) -> ((f64, f64), (f64, f64)) {
    let mut x_min = f64::INFINITY;
    let mut x_max = f64::NEG_INFINITY;
    let mut y_max: f64 = 0.0;
    let mut y_min: f64 = 0.0;
    for series in &panel.series {
        for &(x, y) in &series.points {
            x_min = x_min.min(x);
            x_max = x_max.max(x);
            if y.is_finite() {
                y_max = y_max.max(y);
                y_min = y_min.min(y);
            }
        }
        for &(_, low, high) in &series.band {
            if low.is_finite() && high.is_finite() {
                y_max = y_max.max(high);
                y_min = y_min.min(low);
            }
        }
    }
    for line in &panel.reference_lines {
        match line.orientation {
            Orientation::Horizontal => y_max = y_max.max(line.value),
            Orientation::Vertical => {
                x_min = x_min.min(line.value);
                x_max = x_max.max(line.value);
            }
        }
    }
    if !x_min.is_finite() {
        (x_min, x_max) = (0.0, 1.0);
    }
    if x_max <= x_min {
        x_max = x_min + 1.0;
    }
    // A margin above the data, and below it when it goes negative (a difference chart).
    let span = y_max - y_min;
    let fitted = if span <= 0.0 {
        (y_min, y_min + 1.0)
    } else if y_min < 0.0 {
        (y_min - 0.08 * span, y_max + 0.08 * span)
    } else {
        (y_min, y_max + 0.08 * span)
    };
    let y_range = panel.y_range.unwrap_or(fitted);
    ((x_min, x_max), y_range)
}

/// Runs of consecutive finite points: a missing value breaks a line rather than bridging it.
fn finite_runs<T: Copy>(points: &[T], is_finite: impl Fn(&T) -> bool) -> Vec<Vec<T>> {
    let mut runs = Vec::new();
    let mut current = Vec::new();
    for point in points {
        if is_finite(point) {
            current.push(*point);
        } else if !current.is_empty() {
            runs.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }
    runs
}

fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panel: &Panel,
) -> Result<(), String> {
    let error = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let ((x_min, x_max), (y_min, y_max)) = panel_ranges(panel);
    let mut chart = ChartBuilder::on(area)
        .caption(
            &panel.title,
            ("sans-serif", 20).into_font().style(FontStyle::Bold),
        )
        .margin(10)
        .x_label_area_size(48)
        .y_label_area_size(72)
        .build_cartesian_2d(x_min..x_max, y_min..y_max)
        .map_err(error)?;
    // About six ticks per axis: the step tells how many decimals keep labels apart.
    let x_step = (x_max - x_min) / 6.0;
    let y_step = (y_max - y_min) / 6.0;
    let x_format = |x: &f64| panel.x_format.format_tick(*x, x_step);
    let y_format = |y: &f64| panel.y_format.format_tick(*y, y_step);
    chart
        .configure_mesh()
        .x_desc(panel.x_label.as_str())
        .y_desc(panel.y_label.as_str())
        .x_labels(6)
        .y_labels(6)
        .x_label_formatter(&x_format)
        .y_label_formatter(&y_format)
        .label_style(("sans-serif", 14))
        .axis_desc_style(("sans-serif", 15))
        .light_line_style(RGBColor(235, 235, 235))
        .bold_line_style(RGBColor(215, 215, 215))
        .draw()
        .map_err(error)?;
    let mut has_legend = false;
    for series in &panel.series {
        let colour = PALETTE[series.colour_idx % PALETTE.len()];
        for run in finite_runs(&series.band, |&(_, low, high)| {
            low.is_finite() && high.is_finite()
        }) {
            let mut outline: Vec<(f64, f64)> = run.iter().map(|&(x, _, high)| (x, high)).collect();
            outline.extend(run.iter().rev().map(|&(x, low, _)| (x, low)));
            chart
                .draw_series(std::iter::once(Polygon::new(
                    outline,
                    colour.mix(0.22).filled(),
                )))
                .map_err(error)?;
        }
        let style = colour.stroke_width(2);
        let runs = finite_runs(&series.points, |&(_, y)| y.is_finite());
        for (run_idx, run) in runs.into_iter().enumerate() {
            let annotation = if series.dashed {
                chart.draw_series(DashedLineSeries::new(run, 8, 5, style))
            } else {
                chart.draw_series(LineSeries::new(run, style))
            }
            .map_err(error)?;
            if run_idx == 0 && !series.name.is_empty() {
                has_legend = true;
                let dashed = series.dashed;
                annotation
                    .label(series.name.as_str())
                    .legend(move |(x, y)| {
                        let [first, second] = legend_segments(dashed);
                        let style = colour.stroke_width(3);
                        EmptyElement::at((x, y))
                            + PathElement::new(first, style)
                            + PathElement::new(second, style)
                    });
            }
        }
    }
    for line in &panel.reference_lines {
        let ink = RGBColor(60, 60, 60).stroke_width(2);
        let points = match line.orientation {
            Orientation::Horizontal => vec![(x_min, line.value), (x_max, line.value)],
            Orientation::Vertical => vec![(line.value, y_min), (line.value, y_max)],
        };
        let annotation = chart
            .draw_series(DashedLineSeries::new(points, 4, 4, ink))
            .map_err(error)?;
        if !line.label.is_empty() {
            has_legend = true;
            annotation.label(line.label.as_str()).legend(move |(x, y)| {
                let [first, second] = legend_segments(true);
                EmptyElement::at((x, y))
                    + PathElement::new(first, ink)
                    + PathElement::new(second, ink)
            });
        }
    }
    if has_legend {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(150, 150, 150))
            .label_font(("sans-serif", 14))
            .draw()
            .map_err(error)?;
    }
    Ok(())
}

/// The legend's sample of a line, relative to its anchor: solid, or two dashes.
fn legend_segments(dashed: bool) -> [Vec<(i32, i32)>; 2] {
    let gap = if dashed { 6 } else { 0 };
    [vec![(0, 0), (10, 0)], vec![(10 + gap, 0), (24, 0)]]
}

/// A command's charts: each figure as `<stem>.svg` and `<stem>.png`, and the SVG texts in
/// figure order (for report.html).
pub struct ChartFiles {
    pub files: Vec<OutputFile<'static>>,
    pub svgs: Vec<String>,
}

/// Renders every figure, in parallel (each is drawn on its own, so the bytes do not depend
/// on the thread count). The error names the chart that could not be drawn.
pub fn chart_files(figures: &[Figure]) -> Result<ChartFiles, String> {
    let rendered: Vec<Result<(String, Vec<u8>), String>> = figures
        .par_iter()
        .map(|figure| Ok((render_svg(figure)?, render_png(figure)?)))
        .collect();
    let mut files = Vec::new();
    let mut svgs = Vec::new();
    for (figure, result) in figures.iter().zip(rendered) {
        let (svg, png) =
            result.map_err(|error| format!("cannot draw chart {}: {error}", figure.file_stem))?;
        files.push(OutputFile::new(
            format!("{}.svg", figure.file_stem),
            svg.clone().into_bytes(),
        ));
        files.push(OutputFile::new(format!("{}.png", figure.file_stem), png));
        svgs.push(svg);
    }
    Ok(ChartFiles { files, svgs })
}
