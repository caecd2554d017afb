//! README.md's commands, run as a user pastes them: every `cargo run --release -- ...` in
//! a `sh` block or an inline code span, in the order the README gives them, from a folder
//! holding a copy of `scenarios/`, the import fixtures and the bank trace (so later commands find what earlier ones wrote, as
//! `--staffing output/retail_week/plan/staffing.toml` finds the plan's). Each must exit 0.
//! The binary under test stands in for `cargo run --release --`.

use std::path::Path;
use std::process::Command;

const CARGO_RUN: &str = "cargo run --release -- ";

/// Every command the README tells a user to run, in order.
fn readme_commands(readme: &str) -> Vec<String> {
    let mut commands = Vec::new();
    let mut in_sh_block = false;
    for line in readme.lines() {
        let trimmed = line.trim_start();
        if let Some(info) = trimmed.strip_prefix("```") {
            in_sh_block = !in_sh_block && info.trim() == "sh";
            continue;
        }
        if in_sh_block {
            let command = match trimmed.find(" #") {
                Some(at) => &trimmed[..at],
                None => trimmed,
            };
            if let Some(rest) = command.trim().strip_prefix(CARGO_RUN) {
                commands.push(rest.to_string());
            }
            continue;
        }
        // Inline code spans: `cargo run --release -- ...`.
        for (index, span) in line.split('`').enumerate() {
            if index % 2 == 1
                && let Some(rest) = span.strip_prefix(CARGO_RUN)
            {
                commands.push(rest.trim().to_string());
            }
        }
    }
    commands
}

fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

#[test]
fn every_readme_command_runs_as_written() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let commands = readme_commands(&readme);
    assert!(commands.len() >= 10, "{commands:?}");
    let folder = tempfile::tempdir().unwrap();
    copy_folder(&root.join("scenarios"), &folder.path().join("scenarios"));
    for fixtures in ["tests/data/import", "tests/data/technion_bank"] {
        let fixtures = Path::new(fixtures);
        copy_folder(&root.join(fixtures), &folder.path().join(fixtures));
    }
    for command in &commands {
        assert!(
            !command.contains(['"', '\'', '$', '|', '>', '<', '\\']),
            "`{command}`: the test splits on spaces; give it a shell parser first"
        );
        let output = Command::new(env!("CARGO_BIN_EXE_omnisim"))
            .args(command.split_whitespace())
            .current_dir(folder.path())
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(0),
            "README command failed: cargo run --release -- {command}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[test]
fn commands_are_found_in_blocks_and_spans_but_not_in_synopses() {
    let readme = "```sh\ncargo run --release -- run a.toml   # the week\ncargo test\n```\n\
                  ```text\ncargo run --release -- run SCENARIO\n```\n\
                  Try `cargo run --release -- plan b.toml` and `omnisim run c.toml`.\n";
    assert_eq!(readme_commands(readme), ["run a.toml", "plan b.toml"]);
}
