//! How errors and notes reach the user: as text for people (a scenario's problems shown the
//! way cargo shows compile errors, in colour on a terminal that allows it), or with
//! `--message-format json` as one JSON object per line on stderr, for editors and CI. The
//! format is chosen once, from the command line, before any command runs.

use std::io::IsTerminal as _;
use std::sync::OnceLock;

use omnisim::output::diagnostic::{
    Colour, message_json, render_scenario_error, scenario_error_json,
};

use super::CliError;
use super::args::MessageFormat;

static FORMAT: OnceLock<MessageFormat> = OnceLock::new();

/// Sets the format for the rest of the process (the first call wins).
pub fn set_format(format: MessageFormat) {
    let _ = FORMAT.set(format);
}

fn format() -> MessageFormat {
    FORMAT.get().copied().unwrap_or(MessageFormat::Human)
}

/// A note: what was accepted but changed, or adjusted (`note: ...` on stderr).
pub fn note(text: &str) {
    match format() {
        MessageFormat::Human => eprintln!("note: {text}"),
        MessageFormat::Json => eprintln!("{}", message_json("note", text, None)),
    }
}

/// An error, its problems one by one, and the hint on what to do next.
pub fn error(error: &CliError, hint: &str) {
    match (format(), &error.scenario_error) {
        (MessageFormat::Human, Some(scenario_error)) => {
            eprintln!("{}", render_scenario_error(scenario_error, stderr_colour()));
            eprintln!("hint: {hint}");
        }
        (MessageFormat::Human, None) => {
            eprintln!("error: {}", error.message);
            eprintln!("hint: {hint}");
        }
        (MessageFormat::Json, Some(scenario_error)) => {
            for line in scenario_error_json(scenario_error) {
                eprintln!("{line}");
            }
            eprintln!("{}", message_json("error", &summary(error), Some(hint)));
        }
        (MessageFormat::Json, None) => {
            eprintln!("{}", message_json("error", &error.message, Some(hint)));
        }
    }
}

/// The closing line of an error whose problems were listed one by one.
fn summary(error: &CliError) -> String {
    match error.scenario_error.as_deref() {
        Some(omnisim::error::ScenarioError::Invalid { path, problems, .. }) => {
            format!("{} problem(s) in {}", problems.len(), path.display())
        }
        _ => error.message.clone(),
    }
}

/// Colour only on a terminal, and never when NO_COLOR is set (no-color.org).
fn stderr_colour() -> Colour {
    let asked_for_none = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
    if std::io::stderr().is_terminal() && !asked_for_none {
        Colour::Styled
    } else {
        Colour::Plain
    }
}
