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

/// One file a command writes: its name in the output folder and its contents, either bytes
/// or a function that writes them (for files of megabytes, such as an hourly year's
/// intervals.csv, which are then never held whole in memory).
pub struct OutputFile<'a> {
    pub name: String,
    contents: Contents<'a>,
}

enum Contents<'a> {
    Bytes(Vec<u8>),
    Streamed(StreamedContents<'a>),
}

/// Writes a streamed file's bytes, the same bytes every time it is called.
type StreamedContents<'a> =
    Box<dyn Fn(&mut dyn std::io::Write) -> std::io::Result<()> + Send + Sync + 'a>;

impl OutputFile<'static> {
    pub fn new(name: impl Into<String>, bytes: Vec<u8>) -> OutputFile<'static> {
        OutputFile {
            name: name.into(),
            contents: Contents::Bytes(bytes),
        }
    }
}

impl<'a> OutputFile<'a> {
    /// A file whose bytes `write` produces when the file is written.
    pub fn streamed(
        name: impl Into<String>,
        write: impl Fn(&mut dyn std::io::Write) -> std::io::Result<()> + Send + Sync + 'a,
    ) -> OutputFile<'a> {
        OutputFile {
            name: name.into(),
            contents: Contents::Streamed(Box::new(write)),
        }
    }

    /// Writes the file's bytes to `out`.
    pub fn write_to(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        match &self.contents {
            Contents::Bytes(bytes) => out.write_all(bytes),
            Contents::Streamed(write) => write(out),
        }
    }

    /// The file's bytes (a streamed file's made in memory).
    pub fn bytes(&self) -> std::borrow::Cow<'_, [u8]> {
        match &self.contents {
            Contents::Bytes(bytes) => std::borrow::Cow::Borrowed(bytes),
            Contents::Streamed(_) => {
                let mut bytes = Vec::new();
                self.write_to(&mut bytes).expect("write to memory");
                std::borrow::Cow::Owned(bytes)
            }
        }
    }
}

impl PartialEq for OutputFile<'_> {
    /// The same name and the same bytes, however each is held.
    fn eq(&self, other: &OutputFile<'_>) -> bool {
        self.name == other.name && self.bytes() == other.bytes()
    }
}

impl std::fmt::Debug for OutputFile<'_> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let contents = match &self.contents {
            Contents::Bytes(bytes) => format!("{} bytes", bytes.len()),
            Contents::Streamed(_) => "streamed".to_string(),
        };
        formatter
            .debug_struct("OutputFile")
            .field("name", &self.name)
            .field("contents", &contents)
            .finish()
    }
}

/// Pretty-printed JSON with a trailing newline, as every JSON file and `--format json` write.
pub fn json_bytes(value: &impl serde::Serialize) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).expect("reports serialise");
    bytes.push(b'\n');
    bytes
}

#[cfg(test)]
mod tests {
    use super::OutputFile;

    #[test]
    fn a_streamed_file_writes_the_bytes_it_reads_as() {
        let text = "channel,interval\nchat,0\n";
        let streamed = OutputFile::streamed("intervals.csv", |out| out.write_all(text.as_bytes()));
        let held = OutputFile::new("intervals.csv", text.as_bytes().to_vec());
        let mut written = Vec::new();
        streamed.write_to(&mut written).unwrap();
        assert_eq!(written, text.as_bytes());
        assert_eq!(&*streamed.bytes(), text.as_bytes());
        assert_eq!(streamed, held);
        assert_ne!(
            streamed,
            OutputFile::new("other.csv", text.as_bytes().to_vec())
        );
        assert_eq!(
            format!("{held:?}"),
            "OutputFile { name: \"intervals.csv\", contents: \"24 bytes\" }"
        );
    }
}
