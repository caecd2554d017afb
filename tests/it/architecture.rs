//! The architecture as tests, in the spirit of rust-analyzer's tidy checks: the folders are
//! layers and imports point one way,
//! `cli -> output -> (simulate, sweep, plan, roster, compare, gate, shard, import, fit, backtest) -> metrics -> engine -> scenario`, with
//! `stats`, `erlang`, `error`, `units`, `metric` and `trace` at the bottom, usable from anywhere and importing
//! nothing above them. Also the absences ARCHITECTURE.md promises: routing reads only the
//! engine's read-only view; nothing under `engine/` or `scenario/validate/` touches the file
//! system; only `cli/` prints; only `scenario/load.rs` reads and `cli/` writes files;
//! indicatif, plotters and rayon each stay in their one place; inside `validate/`, sections
//! call only down; every file opens with a `//!` paragraph.
//!
//! The checks read the source as text: `crate::X` (and, in the binary, `omnisim::X`) names
//! the module a line depends on. Comments are ignored; test modules are checked too.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Layers from the bottom: a file may import its own layer and any below.
const LAYERS: [(&str, &[&str]); 7] = [
    (
        "foundation",
        &["stats", "erlang", "error", "units", "metric", "trace"],
    ),
    ("scenario", &["scenario"]),
    ("engine", &["engine"]),
    ("metrics", &["metrics"]),
    (
        "studies",
        &[
            "simulate", "sweep", "plan", "roster", "compare", "gate", "budget", "shard", "import",
            "fit", "backtest",
        ],
    ),
    ("output", &["output"]),
    ("cli", &["cli"]),
];

/// One source file: its path under `src/`, its text without comments, and that text cut at
/// the first `#[cfg(test)]` (what ships).
struct Source {
    path: String,
    code: String,
    shipped: String,
}

fn sources() -> Vec<Source> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    collect(&root, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|file| {
            let text = std::fs::read_to_string(&file).unwrap();
            let code: String = text
                .lines()
                .map(|line| match line.find("//") {
                    Some(at) => &line[..at],
                    None => line,
                })
                .collect::<Vec<_>>()
                .join("\n");
            let shipped = match code.find("#[cfg(test)]") {
                Some(at) => code[..at].to_string(),
                None => code.clone(),
            };
            Source {
                path: file
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/"),
                code,
                shipped,
            }
        })
        .collect()
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// The top-level module a path under `src/` belongs to ("engine" for engine/mod.rs,
/// "simulate" for simulate.rs, "cli" for main.rs).
fn module_of(path: &str) -> &str {
    match path {
        "main.rs" => "cli",
        "lib.rs" => "lib",
        _ => path.split('/').next().unwrap().trim_end_matches(".rs"),
    }
}

fn layer_of(module: &str) -> Option<usize> {
    LAYERS
        .iter()
        .position(|(_, modules)| modules.contains(&module))
}

/// Every top-level module a file names, with the line: `crate::X` and, from the binary,
/// `omnisim::X`.
fn imports(source: &Source) -> Vec<(usize, String)> {
    let in_binary = module_of(&source.path) == "cli";
    let mut found = Vec::new();
    for (line_idx, line) in source.code.lines().enumerate() {
        for prefix in ["crate::", "omnisim::"] {
            if prefix == "omnisim::" && !in_binary {
                continue;
            }
            let mut rest = line;
            while let Some(at) = rest.find(prefix) {
                let after = &rest[at + prefix.len()..];
                let name: String = after
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    found.push((line_idx + 1, name));
                }
                rest = after;
            }
        }
    }
    found
}

#[test]
fn imports_point_down_the_layers() {
    let mut violations = Vec::new();
    let mut edges: BTreeMap<(String, String), usize> = BTreeMap::new();
    for source in sources() {
        let module = module_of(&source.path);
        if module == "lib" {
            continue;
        }
        let layer = layer_of(module)
            .unwrap_or_else(|| panic!("{}: module {module} has no layer", source.path));
        for (line, imported) in imports(&source) {
            let Some(imported_layer) = layer_of(&imported) else {
                violations.push(format!(
                    "{}:{line}: imports crate::{imported}, which has no layer",
                    source.path
                ));
                continue;
            };
            if imported != module {
                *edges
                    .entry((module.to_string(), imported.clone()))
                    .or_default() += 1;
            }
            if imported_layer > layer {
                violations.push(format!(
                    "{}:{line}: {module} ({}) imports {imported} ({}), a layer above it",
                    source.path, LAYERS[layer].0, LAYERS[imported_layer].0
                ));
            }
        }
    }
    let report: Vec<String> = edges
        .iter()
        .map(|((from, to), count)| format!("{from} -> {to} ({count})"))
        .collect();
    eprintln!(
        "module imports across src/ ({} edges, lower layers only):\n  {}",
        report.len(),
        report.join("\n  ")
    );
    assert_eq!(violations, Vec::<String>::new());
}

/// Files under `src/` whose shipped code matches `needle`, except those `allowed` lets be.
#[track_caller]
fn check_only_in(needle: &str, allowed: impl Fn(&str) -> bool) {
    let offenders: Vec<String> = sources()
        .iter()
        .filter(|source| source.shipped.contains(needle) && !allowed(&source.path))
        .map(|source| source.path.clone())
        .collect();
    assert_eq!(
        offenders,
        Vec::<String>::new(),
        "{needle} outside its place"
    );
}

#[test]
fn side_effects_stay_in_their_place() {
    let cli = |path: &str| path.starts_with("cli/") || path == "main.rs";
    // Only the CLI prints.
    for needle in [
        "println!",
        "eprintln!",
        "print!(",
        "eprint!(",
        "stdout()",
        "stderr()",
    ] {
        check_only_in(needle, cli);
    }
    // Only load.rs reads scenario files; only the CLI writes.
    check_only_in("std::fs", |path| path == "scenario/load.rs" || cli(path));
    // One place each for the progress bar, the plotting library and the thread pool.
    check_only_in("indicatif", |path| path == "cli/progress.rs");
    check_only_in("plotters", |path| path == "output/charts/render.rs");
    check_only_in("rayon", |path| {
        path == "simulate.rs" || path == "output/charts/render.rs"
    });
    // Nothing under engine/ or scenario/validate/ touches the file system.
    for source in sources() {
        if source.path.starts_with("engine/") || source.path.starts_with("scenario/validate/") {
            for needle in ["std::fs", "std::io", "std::path", "File::", "Path::"] {
                assert!(
                    !source.code.contains(needle),
                    "{} names {needle}",
                    source.path
                );
            }
        }
    }
}

/// The modules a file reaches through `super::` and `crate::engine::`.
fn engine_neighbours(source: &Source) -> Vec<String> {
    let mut found = Vec::new();
    for prefix in ["super::", "crate::engine::"] {
        let mut rest = source.shipped.as_str();
        while let Some(at) = rest.find(prefix) {
            let after = &rest[at + prefix.len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '{')
                .collect();
            found.push(name);
            rest = after;
        }
    }
    found
}

#[test]
fn routing_reads_only_the_engines_read_only_view() {
    let source = sources()
        .into_iter()
        .find(|source| source.path == "engine/routing.rs")
        .expect("engine/routing.rs exists");
    for neighbour in engine_neighbours(&source) {
        assert!(
            ["state", "layout"].contains(&neighbour.as_str()),
            "engine/routing.rs reaches engine::{neighbour}; routing may read only the view (state, layout)"
        );
    }
    for (line, imported) in imports(&source) {
        assert!(
            ["scenario", "engine"].contains(&imported.as_str()),
            "engine/routing.rs:{line} imports crate::{imported}"
        );
    }
}

#[test]
fn validation_sections_call_only_down() {
    // Within scenario/validate/: mod.rs orders the sections; sections may use the shared
    // values, the side files and the checker; the shared values only the checker; the
    // checker nothing. A channel's customer behaviour (`behaviour.rs`) is part of the
    // channels section, a replayed trace (`replay.rs`) of the arrivals section.
    let below: &[(&str, &[&str])] = &[
        ("checker", &[]),
        ("values", &["checker"]),
        ("side_files", &["checker"]),
        ("staffing", &["checker", "values", "side_files"]),
        ("disruption_kinds", &["checker", "values"]),
        ("disruptions", &["checker", "values", "disruption_kinds"]),
        ("behaviour", &["checker", "values"]),
        ("channels", &["checker", "values", "behaviour"]),
        ("replay", &["checker", "side_files"]),
        ("arrivals", &["checker", "values", "side_files", "replay"]),
    ];
    let section_may_use = ["checker", "values", "staffing", "side_files"];
    for source in sources() {
        let Some(file) = source.path.strip_prefix("scenario/validate/") else {
            continue;
        };
        let name = file.trim_end_matches(".rs");
        if name == "mod" {
            continue;
        }
        let allowed: Vec<&str> = below
            .iter()
            .find(|(file, _)| *file == name)
            .map_or(section_may_use.to_vec(), |(_, allowed)| allowed.to_vec());
        let mut rest = source.shipped.as_str();
        while let Some(at) = rest.find("super::") {
            let after = &rest[at + "super::".len()..];
            let used: String = after
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            assert!(
                allowed.contains(&used.as_str()),
                "scenario/validate/{file} uses super::{used}; it may use only {allowed:?}"
            );
            rest = after;
        }
    }
}

#[test]
fn every_file_opens_with_a_doc_paragraph() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for folder in ["src", "tests", "benches"] {
        collect(&root.join(folder), &mut files);
    }
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            text.starts_with("//!"),
            "{} does not open with a //! paragraph",
            file.display()
        );
    }
}
