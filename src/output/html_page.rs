//! What every HTML page omnisim writes shares (report.html, compare.html): the style sheet,
//! the page around a body, the ± cell of an estimate, and a chart embedded as inline SVG, so
//! the pages look alike and stay self-contained (no script, font or image fetched from
//! anywhere). Pages are maud templates: every value interpolated is escaped unless marked
//! `PreEscaped` (the style sheet and the SVG omnisim drew itself).

use maud::{DOCTYPE, Markup, PreEscaped, html};

use crate::output::charts::Figure;
use crate::stats::Estimate;

pub const STYLE: &str = "
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif;
  color: #1b1b1b; margin: 0 auto; max-width: 1240px; padding: 24px 32px; line-height: 1.4; }
h1 { font-size: 1.7em; margin-bottom: 0.1em; }
h2 { font-size: 1.25em; border-bottom: 2px solid #0072b2; padding-bottom: 4px; margin-top: 2em; }
h3 { font-size: 1.05em; margin-bottom: 0.3em; }
.meta { color: #555; margin-top: 0; }
table { border-collapse: collapse; margin: 0.5em 0 1em; font-variant-numeric: tabular-nums; }
th, td { white-space: nowrap; padding: 4px 10px; border-bottom: 1px solid #ddd; text-align: right; vertical-align: top; }
th { background: #f2f5f8; font-weight: 600; }
th:first-child, td:first-child { text-align: left; }
td.text, th.text { text-align: left; }
.ci { color: #666; font-size: 0.85em; }
.bar { display: inline-block; height: 0.9em; background: #0072b2; vertical-align: middle; }
.bar.self { background: #009e73; }
.miss { color: #b00020; font-weight: 600; }
.met { color: #00734f; }
.verdict { background: #eef6ee; border-left: 4px solid #009e73; padding: 8px 12px; margin: 8px 0; }
.warning { background: #fff4e0; border-left: 4px solid #e69f00; padding: 8px 12px; margin: 8px 0; }
figure { margin: 1.5em 0; }
figure svg { max-width: 100%; height: auto; border: 1px solid #e3e3e3; }
figcaption { color: #444; font-size: 0.92em; margin-top: 4px; }
nav { font-size: 0.9em; margin: 8px 0; } nav a { color: #0072b2; margin-right: 10px; text-decoration: none; }
@media print { nav { display: none; } }
footer { color: #666; font-size: 0.85em; margin-top: 3em; border-top: 1px solid #ddd; padding-top: 8px; }
@media print { body { max-width: none; padding: 0; } figure { break-inside: avoid; } }
";

/// A whole page titled `title` around `body`, as the text of the file.
pub fn page(title: &str, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                style { (PreEscaped(STYLE)) }
            }
            body { (body) }
        }
    }
    .into_string()
        + "\n"
}

/// A line break in the page's source, so the file reads (and diffs) a block per line.
pub fn newline() -> PreEscaped<&'static str> {
    PreEscaped("\n")
}

/// A figure's mean and, in a smaller grey span, its half-width, formatted by `format`.
pub fn estimate_cell(estimate: &Estimate, format: impl Fn(f64) -> String) -> Markup {
    html! {
        @match (estimate.mean, estimate.ci95) {
            (Some(mean), Some(ci)) => { (format(mean)) " " span.ci { "±" (format(ci)) } }
            (Some(mean), None) => { (format(mean)) }
            _ => { "–" }
        }
    }
}

/// A chart as a `<figure>` anchored at its file stem, with its caption.
pub fn figure_html(figure: &Figure, svg: &str) -> Markup {
    html! {
        figure id=(figure.file_stem) {
            (newline())
            (PreEscaped(responsive_svg(svg)))
            (newline())
            figcaption { (figure.caption) }
        }
        (newline())
    }
}

/// An SVG from plotters made to scale with the page: a viewBox from its width and height,
/// and no XML declaration.
fn responsive_svg(svg: &str) -> String {
    let body = match svg.find("<svg") {
        Some(start) => &svg[start..],
        None => svg,
    };
    let attribute = |name: &str| -> Option<String> {
        let tag_end = body.find('>')?;
        let tag = &body[..tag_end];
        let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        let end = tag[start..].find('"')? + start;
        Some(tag[start..end].to_string())
    };
    match (
        attribute("width"),
        attribute("height"),
        attribute("viewBox"),
    ) {
        (Some(width), Some(height), None) => body.replacen(
            "<svg",
            &format!("<svg viewBox=\"0 0 {width} {height}\" role=\"img\""),
            1,
        ),
        _ => body.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_escaped_and_the_style_is_not() {
        let page = page("a <b> & \"c\"", html! { p { ("<script>") } });
        assert!(
            page.contains("<title>a &lt;b&gt; &amp; &quot;c&quot;</title>"),
            "{page}"
        );
        assert!(page.contains("<p>&lt;script&gt;</p>"), "{page}");
        assert!(page.contains("th:first-child, td:first-child"), "{page}");
    }
}
