//! Rendering: what a run, a sweep, a plan or the Erlang calculator found, as the bytes of the
//! files and the text of the terminal. Everything here is pure: a function takes a report and
//! returns bytes or text, and the CLI (the one place that writes files or prints) does the
//! rest, so every format can be tested from a fixed report.
//!
//! - `run/`: summary.json, intervals.csv, group_intervals.csv, events.csv, report.html and the
//!   terminal dashboard of `omnisim run`;
//! - `sweep.rs`, `plan.rs`, `erlang.rs`, `compare.rs`: the files and text of those commands;
//! - `charts/`: figures as data, drawn as SVG and PNG;
//! - `html_page.rs`: the style and parts every HTML page shares;
//! - `diagnostic.rs`: a scenario's problems, as cargo shows errors and as JSON lines;
//! - `format.rs`: every cell formatter (percentages, durations, counts, CSV numbers), once;
//! - `terminal_table.rs`: the terminal's tables, columns sized to their cells.

pub mod backtest;
pub mod charts;
pub mod compare;
pub mod diagnostic;
pub mod erlang;
pub mod fit;
pub mod format;
pub mod gate;
pub mod html_page;
pub mod import;
pub mod plan;
pub mod roster;
pub mod run;
pub mod sweep;
pub mod terminal_table;

/// Whether a command's files include its charts (and, for a run, report.html).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charts {
    Draw,
    Skip,
}

/// One file a command writes: its name in the output folder and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

impl OutputFile {
    pub fn new(name: impl Into<String>, bytes: Vec<u8>) -> OutputFile {
        OutputFile {
            name: name.into(),
            bytes,
        }
    }
}

/// Pretty-printed JSON with a trailing newline, as every JSON file and `--format json` write.
pub fn json_bytes(value: &impl serde::Serialize) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).expect("reports serialise");
    bytes.push(b'\n');
    bytes
}
