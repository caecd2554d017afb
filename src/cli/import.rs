//! `omnisim import`: opens the export files and the mapping, streams every file through
//! `omnisim::import` into one trace written atomically (nothing is written when a file cannot
//! be read, every row is bad, or `--strict` meets a bad row), and prints what was imported.

use std::io::Read;
use std::path::{Path, PathBuf};

use omnisim::import::mapping::{MappingProblem, merged_mapping_text, parse_mapping};
use omnisim::import::{
    ImportError, ImportFormat, ImportSummary, import_file, preset_mapping, technion_bank,
};
use omnisim::output::import::{import_summary_json, import_summary_text};

use super::CliError;
use super::args::{Format, ImportArgs, ImportFormatArg};
use super::files::{print_stdout, write_single_file_streamed};
use super::progress::Progress;

pub fn import(args: &ImportArgs) -> Result<(), CliError> {
    if let Some(preset) = args.print_mapping {
        let text = preset_name(preset)
            .and_then(preset_mapping)
            .ok_or_else(|| {
                CliError::bad_input(format!(
                    "{} has no mapping file to print: {}",
                    format_name(preset),
                    if preset == ImportFormatArg::Generic {
                        "generic reads the mapping you give with --mapping"
                    } else {
                        "its reader is built in"
                    }
                ))
            })?;
        return print_stdout(text.as_bytes());
    }
    let format = args
        .format
        .expect("clap requires a format unless --print-mapping");
    let import_format = import_format(format, args)?;
    for file in &args.files {
        if !file.is_file() {
            return Err(
                CliError::bad_input(format!("{} is not a file", file.display()))
                    .with_hint("give the export files to read, after the format"),
            );
        }
    }
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output/trace.csv"));
    let total_bytes: u64 = args
        .files
        .iter()
        .filter_map(|file| std::fs::metadata(file).ok())
        .map(|metadata| metadata.len())
        .sum();
    let progress = Progress::bytes(total_bytes, "importing", args.quiet);
    let mut summary = ImportSummary::default();
    let written = write_single_file_streamed(&out, |file| {
        let mut writer = csv::Writer::from_writer(file);
        let trace_error = |error: csv::Error| {
            CliError::failure(format!("cannot write {}: {error}", out.display()), None)
        };
        omnisim::trace::write_trace_header(&mut writer).map_err(trace_error)?;
        for path in &args.files {
            let opened = std::fs::File::open(path).map_err(|error| {
                CliError::bad_input(format!("cannot read {}: {error}", path.display()))
            })?;
            let reader = CountingReader {
                inner: opened,
                progress: &progress,
            };
            let name = path.display().to_string();
            import_file(
                &import_format,
                &name,
                reader,
                args.strict,
                &mut summary,
                &mut |record| {
                    omnisim::trace::write_trace_record(&mut writer, record)
                        .map_err(std::io::Error::other)
                },
            )
            .map_err(|error| match error {
                ImportError::Sink(error) => {
                    CliError::failure(format!("cannot write {}: {error}", out.display()), None)
                }
                ImportError::Strict(_) => CliError::bad_input(error.to_string())
                    .with_hint("without --strict, bad rows are skipped and listed"),
                ImportError::MissingColumn { .. } => CliError::bad_input(error.to_string())
                    .with_hint("name the export's column in the mapping's [columns] (or pass --mapping to change a preset's)"),
                ImportError::Unreadable { .. } => CliError::bad_input(error.to_string()),
            })?;
        }
        if summary.records_written == 0 {
            let reason = if summary.bad_rows > 0 {
                let first = &summary.bad_rows_listed[0];
                format!(
                    "no row could be imported: all {} bad (first: {}, {}: {}: {})",
                    summary.bad_rows, first.file, first.place, first.field, first.reason
                )
            } else if summary.rows_read > 0 {
                format!(
                    "no row could be imported: the mapping left out all {}",
                    summary.rows_read
                )
            } else {
                "the files hold no rows".to_string()
            };
            return Err(CliError::bad_input(reason).with_hint(
                "check the format and the mapping's [columns] against the export's header",
            ));
        }
        writer.flush().map_err(|error| {
            CliError::failure(format!("cannot write {}: {error}", out.display()), None)
        })
    });
    progress.finish();
    written?;
    if args.quiet {
        return Ok(());
    }
    match args.report {
        Format::Json => print_stdout(&import_summary_json(&summary)),
        Format::Table => {
            print_stdout(import_summary_text(&summary, &out.display().to_string()).as_bytes())
        }
    }
}

fn import_format(format: ImportFormatArg, args: &ImportArgs) -> Result<ImportFormat, CliError> {
    let zone_override = args.time_zone.as_deref();
    if format == ImportFormatArg::TechnionBank {
        if args.mapping.is_some() {
            return Err(CliError::bad_input(
                "technion-bank has a built-in reader and takes no --mapping",
            ));
        }
        let name = zone_override.unwrap_or(technion_bank::TIME_ZONE);
        let zone = jiff::tz::TimeZone::get(name).map_err(|_| {
            CliError::bad_input(format!(
                "--time-zone: `{name}` is not an IANA time zone (such as Asia/Jerusalem)"
            ))
        })?;
        return Ok(ImportFormat::TechnionBank { zone });
    }
    let user = match &args.mapping {
        Some(path) => Some((path, read_mapping(path)?)),
        None => None,
    };
    let (text, shown) = match (preset_name(format).and_then(preset_mapping), user) {
        (None, None) => {
            return Err(CliError::bad_input("generic needs a mapping file: --mapping FILE")
                .with_hint("`omnisim import --print-mapping zendesk` prints a preset's mapping to start from; README (Import) documents every key"));
        }
        (None, Some((path, text))) => (text, path.display().to_string()),
        (Some(preset), None) => (
            preset.to_string(),
            format!("the {} preset", format_name(format)),
        ),
        (Some(preset), Some((path, text))) => {
            let merged = merged_mapping_text(preset, &text)
                .map_err(|problem| mapping_error(&path.display().to_string(), vec![problem]))?;
            (
                merged,
                format!("{} over the {} preset", path.display(), format_name(format)),
            )
        }
    };
    parse_mapping(&text, zone_override)
        .map(|mapping| ImportFormat::Mapped(Box::new(mapping)))
        .map_err(|problems| mapping_error(&shown, problems))
}

fn read_mapping(path: &Path) -> Result<String, CliError> {
    std::fs::read_to_string(path).map_err(|error| {
        CliError::bad_input(format!(
            "cannot read the mapping {}: {error}",
            path.display()
        ))
    })
}

fn mapping_error(source: &str, problems: Vec<MappingProblem>) -> CliError {
    let lines: Vec<String> = problems
        .iter()
        .map(|problem| {
            if problem.key.is_empty() {
                format!("  {}", problem.message)
            } else {
                format!("  {}: {}", problem.key, problem.message)
            }
        })
        .collect();
    CliError::bad_input(format!(
        "the mapping ({source}) is not valid:\n{}",
        lines.join("\n")
    ))
    .with_hint("README (Import) documents every mapping key")
}

fn preset_name(format: ImportFormatArg) -> Option<&'static str> {
    match format {
        ImportFormatArg::Zendesk => Some("zendesk"),
        ImportFormatArg::Freshdesk => Some("freshdesk"),
        ImportFormatArg::Intercom => Some("intercom"),
        ImportFormatArg::Twilio => Some("twilio"),
        ImportFormatArg::Aircall => Some("aircall"),
        ImportFormatArg::Generic | ImportFormatArg::TechnionBank => None,
    }
}

fn format_name(format: ImportFormatArg) -> &'static str {
    preset_name(format).unwrap_or(match format {
        ImportFormatArg::Generic => "generic",
        _ => "technion-bank",
    })
}

/// A file reader that moves the progress bar by the bytes read.
struct CountingReader<'a, R> {
    inner: R,
    progress: &'a Progress,
}

impl<R: Read> Read for CountingReader<'_, R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buffer)?;
        self.progress.advance(read as u64);
        Ok(read)
    }
}
