//! A scenario's problems as a reader sees them: in the terminal the way cargo shows a
//! compile error (the reason, `--> file:line:column`, the line with the offending value
//! underlined and labelled with its key path), rendered by annotate-snippets; and as one JSON
//! object per problem for editors and CI (`--message-format json`). Pure: the CLI prints.

use std::ops::Range;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde::Serialize;

use crate::error::{ScenarioError, ScenarioProblem, SourceText};

/// Whether the terminal text may carry colour (a terminal that did not ask for none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Colour {
    Plain,
    Styled,
}

/// Every problem of `error`, each with its snippet where its place in a file is known, then
/// a count when there is more than one. No trailing newline.
pub fn render_scenario_error(error: &ScenarioError, colour: Colour) -> String {
    let ScenarioError::Invalid {
        path,
        problems,
        sources,
    } = error
    else {
        return format!("error: {error}");
    };
    let renderer = renderer_for(colour);
    let shown_path = path.display().to_string();
    let mut blocks: Vec<String> = problems
        .iter()
        .map(|problem| render_problem(&renderer, problem, &shown_path, sources))
        .collect();
    if problems.len() > 1 {
        blocks.push(format!(
            "error: {} problems in {shown_path}",
            problems.len()
        ));
    }
    blocks.join("\n\n")
}

fn renderer_for(colour: Colour) -> Renderer {
    match colour {
        Colour::Plain => Renderer::plain(),
        Colour::Styled => Renderer::styled(),
    }
}

/// One problem: its reason, and its snippet where its place in a file is known (else the
/// file it is in, `shown_path`).
fn render_problem(
    renderer: &Renderer,
    problem: &ScenarioProblem,
    shown_path: &str,
    sources: &[SourceText],
) -> String {
    let place = problem_place(problem, sources);
    let title = match (&place, problem.key.is_empty()) {
        (Some(_), _) | (None, true) => problem.reason.clone(),
        (None, false) => format!("{}: {}", problem.key, problem.reason),
    };
    let group = Group::with_title(Level::ERROR.primary_title(title.as_str()));
    let path_text;
    let group = match &place {
        Some(place) => {
            path_text = place.source.path.display().to_string();
            let mut annotation = AnnotationKind::Primary.span(place.underline.clone());
            if !problem.key.is_empty() {
                annotation = annotation.label(problem.key.as_str());
            }
            group.element(
                Snippet::source(place.lines)
                    .line_start(place.first_line)
                    .path(path_text.as_str())
                    .annotation(annotation),
            )
        }
        None => group.element(annotate_snippets::Origin::path(shown_path)),
    };
    renderer.render(&[group])
}

/// One problem as `--message-format json` prints it (a line each).
#[derive(Debug, Serialize)]
pub struct JsonProblem<'a> {
    /// Always "error" for a problem ("note" for what was accepted but changed).
    pub level: &'static str,
    /// The file it is in: the scenario, or the overlay or staffing file that wrote the key.
    pub file: String,
    /// The TOML key path, empty for the whole document.
    pub key: &'a str,
    pub message: &'a str,
    /// 1-based line and column of the start, and of the end, where the place is known.
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub end_line: Option<usize>,
    pub end_column: Option<usize>,
    /// The text the terminal shows for it, without colour.
    pub rendered: String,
}

/// Every problem of `error` as a JSON object, in order.
pub fn scenario_error_json(error: &ScenarioError) -> Vec<String> {
    let ScenarioError::Invalid {
        path,
        problems,
        sources,
    } = error
    else {
        return vec![message_json("error", &error.to_string(), None)];
    };
    let renderer = renderer_for(Colour::Plain);
    let shown_path = path.display().to_string();
    problems
        .iter()
        .map(|problem| {
            let place = problem_place(problem, sources);
            let (file, start, end) = match &place {
                Some(place) => {
                    let text = &place.source.text;
                    let span = problem.span.clone().unwrap_or_default();
                    (
                        place.source.path.display().to_string(),
                        Some(crate::scenario::validate::line_column(text, span.start)),
                        Some(crate::scenario::validate::line_column(text, span.end)),
                    )
                }
                None => (shown_path.clone(), problem.line_column, None),
            };
            let json = JsonProblem {
                level: "error",
                file,
                key: &problem.key,
                message: &problem.reason,
                line: start.map(|(line, _)| line),
                column: start.map(|(_, column)| column),
                end_line: end.map(|(line, _)| line),
                end_column: end.map(|(_, column)| column),
                rendered: render_problem(&renderer, problem, &shown_path, sources),
            };
            serde_json::to_string(&json).expect("a problem serialises")
        })
        .collect()
}

/// Any other message (`level` "error" or "note", with an optional hint) as one JSON line.
pub fn message_json(level: &str, message: &str, hint: Option<&str>) -> String {
    serde_json::json!({ "level": level, "message": message, "hint": hint }).to_string()
}

/// Where a problem is shown: its file, the whole lines around it, and the part to underline
/// relative to those lines.
struct Place<'a> {
    source: &'a SourceText,
    lines: &'a str,
    first_line: usize,
    underline: Range<usize>,
}

fn problem_place<'a>(problem: &ScenarioProblem, sources: &'a [SourceText]) -> Option<Place<'a>> {
    let source = sources.get(problem.source)?;
    let span = problem.span.clone()?;
    let text = source.text.as_str();
    if span.start > text.len() {
        return None;
    }
    let line_start = text[..span.start].rfind('\n').map_or(0, |at| at + 1);
    let line_end = text[span.start..]
        .find('\n')
        .map_or(text.len(), |at| span.start + at);
    // A span that runs past its first line is underlined to the end of that line.
    let end = span.end.clamp(span.start, line_end);
    let first_line = text[..line_start].matches('\n').count() + 1;
    Some(Place {
        source,
        lines: &text[line_start..line_end],
        first_line,
        underline: span.start - line_start..end - line_start,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn error(text: &str, problem: ScenarioProblem) -> ScenarioError {
        ScenarioError::Invalid {
            path: PathBuf::from("s.toml"),
            problems: vec![problem],
            sources: vec![SourceText {
                path: PathBuf::from("s.toml"),
                text: text.to_string(),
            }],
        }
    }

    #[test]
    fn a_located_problem_is_underlined_with_its_key() {
        let text = "name = \"x\"\nsla = { within = \"2M\" }\n";
        let mut problem = ScenarioProblem::new("sla.within", "months");
        problem.span = Some(28..32);
        problem.line_column = Some((2, 18));
        let shown = render_scenario_error(&error(text, problem), Colour::Plain);
        assert!(
            shown.starts_with("error: months\n --> s.toml:2:18\n"),
            "{shown}"
        );
        assert!(shown.contains("2 | sla = { within = \"2M\" }"), "{shown}");
        assert!(shown.contains("^^^^ sla.within"), "{shown}");
    }

    #[test]
    fn an_unlocated_problem_names_its_key_and_file() {
        let shown = render_scenario_error(
            &error("", ScenarioProblem::new("simulation", "missing")),
            Colour::Plain,
        );
        assert_eq!(shown, "error: simulation: missing\n--> s.toml");
    }
}
