//! `omnisim import` through the binary: each preset on a fixture written to its platform's
//! documented export fields (`tests/data/import/`), the generic mapping, the Technion bank
//! extract, bad rows listed by line, `--strict`, and refusals that write nothing. One
//! `check()` per preset: the trace's rows as (arrival, channel, outcome, wait, handle, agent).

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::support::omnisim;

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/import")
        .join(name)
        .display()
        .to_string()
}

/// Imports `files` with `format` (and `extra` arguments) into a fresh folder; returns the
/// folder, the process output and the trace's rows (without the header), each as
/// "arrival channel outcome wait handle agent".
fn import(
    format: &str,
    files: &[&str],
    extra: &[&str],
) -> (tempfile::TempDir, Output, Vec<String>) {
    let directory = tempfile::tempdir().unwrap();
    let mut args = vec!["import", format];
    let paths: Vec<String> = files.iter().map(|f| fixture(f)).collect();
    args.extend(paths.iter().map(String::as_str));
    args.extend(["--out", "trace.csv"]);
    args.extend_from_slice(extra);
    let output = omnisim(directory.path(), &args);
    let rows = std::fs::read_to_string(directory.path().join("trace.csv"))
        .map(|text| {
            let mut reader = csv::Reader::from_reader(text.as_bytes());
            assert_eq!(
                reader.headers().unwrap().iter().collect::<Vec<_>>(),
                omnisim::trace::TRACE_COLUMNS
            );
            reader
                .records()
                .map(|row| {
                    let row = row.unwrap();
                    [0, 1, 6, 7, 8, 9]
                        .iter()
                        .map(|&i| if row[i].is_empty() { "-" } else { &row[i] })
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect()
        })
        .unwrap_or_default();
    (directory, output, rows)
}

fn check(format: &str, file: &str, expected_rows: &[&str], expected_bad: &[&str]) {
    let (_dir, output, rows) = import(format, &[file], &[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{format}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(rows, expected_rows, "{format}");
    for bad in expected_bad {
        assert!(stdout.contains(bad), "{format}: no `{bad}` in\n{stdout}");
    }
    let listed = stdout.lines().filter(|line| line.starts_with("  ")).count();
    assert_eq!(listed, expected_bad.len(), "{format}:\n{stdout}");
}

#[test]
fn zendesk_tickets_map_channels_and_first_reply_times() {
    check(
        "zendesk",
        "zendesk_tickets.json",
        &[
            "2026-11-02T08:15:00Z email answered 5700 - 9001",
            "2026-11-02T08:20:30Z portal - - - -",
            "2026-11-02T09:00:00Z chat answered 60 - 9002",
            "2026-11-02T09:30:00Z social answered 2520 - 9001",
        ],
        &["zendesk_tickets.json, record 5: arrival: `not a date`"],
    );
}

#[test]
fn freshdesk_tickets_map_source_codes_and_skip_outbound_email() {
    check(
        "freshdesk",
        "freshdesk_tickets.json",
        &[
            "2026-11-02T10:00:00Z email answered 5400 - 77",
            "2026-11-02T10:05:00Z chat answered 45 - 78",
            "2026-11-02T10:20:00Z phone - - - -",
        ],
        &["record 5: answered_at: 2026-11-02T09:00:00Z is before 2026-11-02T10:30:00Z"],
    );
}

#[test]
fn intercom_conversations_read_unix_times_and_reply_statistics() {
    check(
        "intercom",
        "intercom_conversations.json",
        &[
            "2025-11-02T10:00:00Z chat answered 75 - 814860",
            "2025-11-02T10:05:00Z email - - - -",
            "2025-11-02T10:10:00Z social answered 600 - 814861",
        ],
        &["record 4: wait: `soon` is not a duration"],
    );
}

#[test]
fn twilio_call_logs_keep_inbound_calls_and_time_abandoned_ones() {
    check(
        "twilio",
        "twilio_calls.json",
        &[
            "2026-11-02T14:00:01Z phone answered - 240 -",
            "2026-11-02T14:01:00Z phone abandoned 20 - -",
            "2026-11-02T14:03:00Z phone deflected - - -",
        ],
        &["record 6: arrival: `2026-11-02 14:05:00`"],
    );
}

#[test]
fn aircall_calls_derive_waits_and_handle_times_from_their_timestamps() {
    check(
        "aircall",
        "aircall_calls.json",
        &[
            "2025-11-02T14:00:00Z phone answered 30 300 Madeleine",
            "2025-11-02T14:01:00Z phone abandoned 8 - -",
            "2025-11-02T14:03:20Z phone deflected - - -",
            "2025-11-02T14:05:00Z phone abandoned 120 - -",
            "2025-11-03T00:00:00Z phone deflected - - -",
        ],
        &[],
    );
}

#[test]
fn a_generic_csv_with_a_mapping_converts_local_times_to_utc() {
    let (_dir, output, rows) = import(
        "generic",
        &["generic_calls.csv"],
        &["--mapping", &fixture("generic_calls_mapping.toml")],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // Paris is UTC+1 in November.
    assert_eq!(
        rows,
        [
            "2026-11-02T08:00:05Z phone answered 12 185 Ana",
            "2026-11-02T08:00:40Z phone abandoned 90 - -",
            "2026-11-02T08:01:10Z phone answered 45 320 Ben",
            "2026-11-02T08:04:00Z phone answered - - Ana",
        ]
    );
    assert!(
        stdout.contains("6 rows read: 4 records written"),
        "{stdout}"
    );
    assert!(
        stdout.contains("1 left out by the mapping, 1 bad"),
        "{stdout}"
    );
    assert!(
        stdout.contains("generic_calls.csv, line 5: arrival"),
        "{stdout}"
    );
}

#[test]
fn the_technion_bank_extract_imports_every_call_of_its_day() {
    let (_dir, output, rows) = import(
        "technion-bank",
        &["technion_bank_1999-02-01.txt"],
        &["--report", "json"],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    // The extract: the header and the first 400 records of 1 February 1999.
    assert_eq!(summary["rows_read"], 400);
    let phantoms: u64 = 3;
    assert_eq!(summary["rows_left_out"], phantoms);
    assert_eq!(summary["records_written"], 400 - phantoms);
    assert_eq!(summary["bad_rows"], 0);
    assert_eq!(rows.len() as u64, 400 - phantoms);
    // The first call: entered the VRU at 7:02:47 Israel time (UTC+2), left it at 7:02:56.
    assert_eq!(rows[0], "1999-02-01T05:02:56Z phone answered 0 166 DORIT");
    let by_outcome = &summary["records_by_outcome"];
    let total: u64 = ["answered", "abandoned", "deflected"]
        .iter()
        .map(|o| by_outcome[o].as_u64().unwrap())
        .sum();
    assert_eq!(total, 400 - phantoms);
}

#[test]
fn strict_stops_at_the_first_bad_row_and_writes_nothing() {
    let (dir, output, _) = import("zendesk", &["zendesk_tickets.json"], &["--strict"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("record 5: arrival"), "{stderr}");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "something was written"
    );
}

#[test]
fn refusals_exit_2_with_the_reason_and_write_nothing() {
    let refusals: [(&str, &[&str], &[&str], &str); 5] = [
        (
            "generic",
            &["generic_calls.csv"],
            &[],
            "generic needs a mapping file",
        ),
        // A preset read against the wrong export: no row has its columns.
        (
            "twilio",
            &["zendesk_tickets.json"],
            &[],
            "the export has no `calls` array",
        ),
        (
            "aircall",
            &["generic_calls.csv"],
            &[],
            "starts with `[` or `{`",
        ),
        (
            "technion-bank",
            &["generic_calls.csv"],
            &[],
            "not the Technion bank's format",
        ),
        (
            "zendesk",
            &["zendesk_tickets.json"],
            &["--time-zone", "Mars/Olympus"],
            "--time-zone: `Mars/Olympus` is not an IANA time zone",
        ),
    ];
    for (format, files, extra, reason) in refusals {
        let (dir, output, _) = import(format, files, extra);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{format}: {stderr}");
        assert!(
            stderr.contains(reason),
            "{format}: no `{reason}` in {stderr}"
        );
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "{format}: something was written"
        );
    }
    // A mapping naming a column the export lacks: the key, the column, the columns found.
    let directory = tempfile::tempdir().unwrap();
    let mapping = directory.path().join("bad.toml");
    std::fs::write(&mapping, "format = \"csv\"\ndelimiter = \";\"\n[columns]\narrival = \"Started\"\n[constants]\nchannel = \"phone\"\n").unwrap();
    let output = omnisim(
        directory.path(),
        &[
            "import",
            "generic",
            &fixture("generic_calls.csv"),
            "--mapping",
            "bad.toml",
            "--out",
            "t.csv",
        ],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("no column `Started` (named by `columns.arrival`)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("Call ID, Queue, Started (local)"),
        "{stderr}"
    );
    assert!(!directory.path().join("t.csv").exists());
}

#[test]
fn a_preset_printed_reads_back_as_the_same_import() {
    let directory = tempfile::tempdir().unwrap();
    let printed = omnisim(directory.path(), &["import", "--print-mapping", "aircall"]);
    assert!(printed.status.success());
    std::fs::write(directory.path().join("aircall.toml"), &printed.stdout).unwrap();
    let via_file = omnisim(
        directory.path(),
        &[
            "import",
            "generic",
            &fixture("aircall_calls.json"),
            "--mapping",
            "aircall.toml",
            "--out",
            "a.csv",
        ],
    );
    let via_preset = omnisim(
        directory.path(),
        &[
            "import",
            "aircall",
            &fixture("aircall_calls.json"),
            "--out",
            "b.csv",
        ],
    );
    assert!(via_file.status.success() && via_preset.status.success());
    let read = |name: &str| std::fs::read(directory.path().join(name)).unwrap();
    assert_eq!(read("a.csv"), read("b.csv"));
}

#[test]
fn a_mapping_laid_over_a_preset_changes_one_value() {
    let directory = tempfile::tempdir().unwrap();
    let overlay: PathBuf = directory.path().join("mine.toml");
    std::fs::write(&overlay, "[values.channel]\nweb = \"help_center\"\n").unwrap();
    let output = omnisim(
        directory.path(),
        &[
            "import",
            "zendesk",
            &fixture("zendesk_tickets.json"),
            "--mapping",
            "mine.toml",
            "--out",
            "t.csv",
        ],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = std::fs::read_to_string(directory.path().join("t.csv")).unwrap();
    assert!(text.contains(",help_center,"), "{text}");
    assert!(text.contains(",email,"), "{text}");
}
