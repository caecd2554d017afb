//! Where in the file a problem is: a problem's key path (`channels.chat.sla.within`,
//! `events[2].name`) resolved against the spans the TOML parser records, so every problem,
//! not only a parser error, carries a byte range (and from it a line and column) that a
//! diagnostic can underline. A path that does not resolve all the way (a key that is
//! missing) points at the deepest part that does: the table it belongs in. Pure: it reads
//! the text it is given.

use std::ops::Range;

use toml::de::{DeTable, DeValue};

use crate::error::ScenarioProblem;

/// Gives every problem without a location the span of its key among `texts` (a base
/// scenario, then the overlays layered on it, in order), and the line and column of its
/// start. The text where more of the key path resolves wins, and a later one on a tie (an
/// overlay's value replaces the base's). Problems that already have a span (parser errors)
/// keep it.
pub fn locate_problems(texts: &[&str], problems: &mut [ScenarioProblem]) {
    if problems.iter().all(|problem| problem.span.is_some()) {
        return;
    }
    let documents: Vec<Option<toml::Spanned<DeTable<'_>>>> =
        texts.iter().map(|text| DeTable::parse(text).ok()).collect();
    for problem in problems.iter_mut().filter(|p| p.span.is_none()) {
        let mut best: Option<(usize, usize, Range<usize>)> = None;
        for (source, document) in documents.iter().enumerate() {
            let Some(document) = document else { continue };
            if let Some((depth, span)) =
                span_of_key(document.get_ref(), texts[source], &problem.key)
                && best
                    .as_ref()
                    .is_none_or(|(best_depth, ..)| depth >= *best_depth)
            {
                best = Some((depth, source, span));
            }
        }
        if let Some((_, source, span)) = best {
            problem.line_column = Some(line_column(texts[source], span.start));
            problem.span = Some(span);
            problem.source = source;
        }
    }
}

/// The 1-based line and column of a byte offset in `text`.
pub fn line_column(text: &str, byte_offset: usize) -> (usize, usize) {
    let before = &text[..byte_offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .map_or(0, |tail| tail.chars().count())
        + 1;
    (line, column)
}

/// One step of a key path: a table key or an array index.
#[derive(Debug, PartialEq)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// The steps of a key path as problems write it; stops at the first character a path does
/// not hold (`groups.a.headcount_file (line 3)` reads as `groups.a.headcount_file`).
fn steps(key: &str) -> Vec<Step<'_>> {
    let mut steps = Vec::new();
    let is_name = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    let mut rest = key;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('[') {
            let Some((index, tail)) = after.split_once(']') else {
                break;
            };
            let Ok(index) = index.parse() else { break };
            steps.push(Step::Index(index));
            rest = tail;
        } else if let Some(after) = rest.strip_prefix('.') {
            rest = after;
        } else {
            let end = rest.find(|c: char| !is_name(c)).unwrap_or(rest.len());
            if end == 0 {
                break;
            }
            steps.push(Step::Key(&rest[..end]));
            rest = &rest[end..];
            if !(rest.starts_with('.') || rest.starts_with('[')) {
                break;
            }
        }
    }
    steps
}

/// How many steps of `key` resolve, and the span to underline: the value the last of them
/// names when it sits on one line, or else the key itself (a table, or a long array, is
/// shown by its name, not every line of it).
fn span_of_key(document: &DeTable<'_>, text: &str, key: &str) -> Option<(usize, Range<usize>)> {
    let steps = steps(key);
    let mut last: Option<(Range<usize>, Range<usize>)> = None;
    let mut depth = 0;
    let mut table = Some(document);
    let mut array: Option<&[toml::Spanned<DeValue<'_>>]> = None;
    for step in &steps {
        let found = match (step, table, array) {
            (Step::Key(name), Some(table), _) => table
                .iter()
                .find(|(candidate, _)| candidate.get_ref().as_ref() == *name)
                .map(|(key, value)| (key.span(), value)),
            (Step::Index(index), _, Some(array)) => {
                array.get(*index).map(|value| (value.span(), value))
            }
            _ => None,
        };
        let Some((key_span, value)) = found else {
            break;
        };
        depth += 1;
        // A table is shown by its name (`[arrivals.caht]` underlines "caht").
        let value_span = match value.get_ref() {
            DeValue::Table(_) => key_span.clone(),
            _ => value.span(),
        };
        last = Some((key_span, value_span));
        (table, array) = match value.get_ref() {
            DeValue::Table(inner) => (Some(inner), None),
            DeValue::Array(items) => (None, Some(&items[..])),
            _ => (None, None),
        };
    }
    let (key_span, value_span) = last?;
    // The whole path found: its value, when on one line. A key that is missing: the key of
    // the table it belongs in.
    let whole = depth == steps.len();
    let span = if whole && !value_span.is_empty() && !spans_lines(text, &value_span) {
        value_span
    } else {
        key_span
    };
    Some((depth, span))
}

/// Whether `span` of `text` runs over more than one line (a table, a long array).
fn spans_lines(text: &str, span: &Range<usize>) -> bool {
    text.get(span.clone())
        .is_none_or(|value| value.contains('\n'))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"name = "x"
[channels.chat]
sla = { within = "2M", target = 0.8 }
curve = [0.1, 0.2]

[[events]]
name = "outage"
"#;

    /// The text `key` points at in TEXT, or None.
    fn check(key: &str, expected: Option<&str>) {
        let document = DeTable::parse(TEXT).unwrap();
        let span = span_of_key(document.get_ref(), TEXT, key);
        assert_eq!(span.map(|(_, s)| &TEXT[s]), expected, "{key}");
    }

    #[test]
    fn keys_resolve_to_what_a_user_would_underline() {
        check("name", Some("\"x\""));
        check("channels.chat.sla.within", Some("\"2M\""));
        check("channels.chat.sla.missing", Some("sla"));
        check("channels.chat", Some("chat"));
        check("channels.chat.curve[1]", Some("0.2"));
        check("channels.chat.curve", Some("[0.1, 0.2]"));
        check("events[0].name", Some("\"outage\""));
        check("events[0].name (line 3)", Some("\"outage\""));
        check("nowhere.at.all", None);
        check("", None);
    }

    #[test]
    fn the_text_that_writes_the_key_is_the_one_shown() {
        let base = "[channels.chat]\nsla = { within = \"2m\" }\n";
        let overlay = "[channels.chat.sla]\nwithin = \"9M\"\n";
        let mut problems = vec![
            ScenarioProblem::new("channels.chat.sla.within", "months"),
            ScenarioProblem::new("channels.chat.patience", "missing"),
            ScenarioProblem::new("nowhere", "no key"),
        ];
        locate_problems(&[base, overlay], &mut problems);
        let shown: Vec<_> = problems
            .iter()
            .map(|p| (p.source, p.line_column, p.span.clone()))
            .collect();
        assert_eq!(
            shown,
            [
                (1, Some((2, 10)), Some(29..33)),
                (1, Some((1, 11)), Some(10..14)),
                (0, None, None)
            ]
        );
    }

    #[test]
    fn key_paths_split_into_steps() {
        assert_eq!(
            steps("routing.rules[2].groups"),
            [
                Step::Key("routing"),
                Step::Key("rules"),
                Step::Index(2),
                Step::Key("groups")
            ]
        );
        assert_eq!(steps("a.b c.d"), [Step::Key("a"), Step::Key("b")]);
    }
}
