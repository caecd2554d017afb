//! `run --shard`, `sweep --shard` and `merge` through the real binary: shards merged give
//! byte for byte the files of the whole run or sweep (disruptions' paired base run, charts,
//! report.html and the gate's checks.json included), merging is associative, `--shard auto` reads Slurm's and
//! Kubernetes' variables, and every way of merging the wrong shards exits 2 naming them.

use std::path::Path;
use std::process::Command;

/// Runs `omnisim ARGS` with `environment`; checks the exit code and that stderr holds every
/// fragment.
#[track_caller]
fn check(args: &[&str], environment: &[(&str, &str)], exit_code: i32, fragments: &[&str]) {
    let output = Command::new(env!("CARGO_BIN_EXE_omnisim"))
        .args(args)
        .envs(environment.iter().copied())
        .env_remove(
            if environment
                .iter()
                .any(|(name, _)| name.starts_with("SLURM"))
            {
                "JOB_COMPLETION_INDEX"
            } else {
                "SLURM_ARRAY_TASK_ID"
            },
        )
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(exit_code),
        "omnisim {args:?}\nstderr: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    for fragment in fragments {
        assert!(
            stderr.contains(fragment),
            "omnisim {args:?}: stderr lacks {fragment:?}:\n{stderr}"
        );
    }
}

/// Every file under `a` is under `b` with the same bytes, and the other way round.
#[track_caller]
fn check_same_files(a: &Path, b: &Path) {
    let names = |folder: &Path| {
        let mut names: Vec<String> = std::fs::read_dir(folder)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    assert_eq!(names(a), names(b));
    for name in names(a) {
        let (left, right) = (
            std::fs::read(a.join(&name)).unwrap(),
            std::fs::read(b.join(&name)).unwrap(),
        );
        assert!(left == right, "{name} differs");
    }
}

/// retail_week with the chat outage (so each shard also runs the paired base run) and the
/// CI gate's assertions, on 5 replications.
const RUN: [&str; 8] = [
    "run",
    "scenarios/retail_week.toml",
    "--with",
    "scenarios/outage_chat.toml",
    "--assert",
    "scenarios/retail_week_checks.toml",
    "--replications",
    "5",
];

fn run_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    RUN.iter().copied().chain(extra.iter().copied()).collect()
}

#[test]
fn merged_shards_are_the_whole_run_byte_for_byte() {
    let folder = tempfile::tempdir().unwrap();
    let path = |name: &str| folder.path().join(name).to_string_lossy().into_owned();
    check(
        &run_args(&["--out", &path("whole"), "--quiet"]),
        &[],
        0,
        &[],
    );
    for index in 0..3 {
        let spec = format!("{index}/3");
        check(
            &run_args(&["--shard", &spec, "--out", &path("shards")]),
            &[],
            0,
            &[&format!("wrote shard {index}/3")],
        );
    }
    check(
        &["merge", &path("shards"), "--out", &path("merged")],
        &[],
        0,
        &["merged 3 shard(s): 5 replications"],
    );
    check_same_files(&folder.path().join("whole"), &folder.path().join("merged"));
    // Staged: shards 0 and 1 into one, then that with shard 2.
    let shard = |index: u32| path(&format!("shards/shard-{index:04}-of-0003.omnisim-shard"));
    check(
        &[
            "merge",
            &shard(0),
            &shard(1),
            "--shard-file",
            &path("half.omnisim-shard"),
        ],
        &[],
        0,
        &["merged 2 shard(s) (4 of 5 replications)"],
    );
    check(
        &[
            "merge",
            &path("half.omnisim-shard"),
            &shard(2),
            "--out",
            &path("staged"),
        ],
        &[],
        0,
        &[],
    );
    check_same_files(&folder.path().join("whole"), &folder.path().join("staged"));
}

#[test]
fn shard_auto_reads_the_batch_engines_variables() {
    let folder = tempfile::tempdir().unwrap();
    let path = |name: &str| folder.path().join(name).to_string_lossy().into_owned();
    let quick = [
        "run",
        "scenarios/erlang_c.toml",
        "--replications",
        "4",
        "--quiet",
    ];
    let with = |extra: &[&str]| -> Vec<String> {
        quick
            .iter()
            .chain(extra)
            .map(|argument| argument.to_string())
            .collect()
    };
    let strings = |arguments: &[String]| -> Vec<String> { arguments.to_vec() };
    let run = |arguments: Vec<String>, environment: &[(&str, &str)]| {
        let arguments: Vec<&str> = arguments.iter().map(String::as_str).collect();
        check(&arguments, environment, 0, &[]);
    };
    run(
        strings(&with(&["--shard", "1/2", "--out", &path("given")])),
        &[],
    );
    // A Slurm array given as --array=1-2: task 2 is the second shard.
    run(
        with(&["--shard", "auto", "--out", &path("slurm")]),
        &[
            ("SLURM_ARRAY_TASK_ID", "2"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_COUNT", "2"),
        ],
    );
    run(
        with(&["--shard", "auto/2", "--out", &path("kubernetes")]),
        &[("JOB_COMPLETION_INDEX", "1")],
    );
    let name = "shard-0001-of-0002.omnisim-shard";
    let bytes = |folder: &str| std::fs::read(Path::new(&path(folder)).join(name)).unwrap();
    assert!(bytes("given") == bytes("slurm"));
    assert!(bytes("given") == bytes("kubernetes"));
    check(
        &[
            "run",
            "scenarios/erlang_c.toml",
            "--shard",
            "auto",
            "--out",
            &path("x"),
        ],
        &[("JOB_COMPLETION_INDEX", "0")],
        2,
        &["SLURM_ARRAY_TASK_COUNT is not set; give the count as auto/N"],
    );
    check(
        &["run", "scenarios/erlang_c.toml", "--shard", "4/4"],
        &[],
        2,
        &["--shard 4/4", "below the count"],
    );
}

#[test]
fn the_wrong_shards_are_refused_by_name() {
    let folder = tempfile::tempdir().unwrap();
    let path = |name: &str| folder.path().join(name).to_string_lossy().into_owned();
    let scenario = path("center.toml");
    let text = std::fs::read_to_string("scenarios/erlang_c.toml").unwrap();
    std::fs::write(&scenario, &text).unwrap();
    let shard = |index: u32, seed: &str, out: &str| {
        check(
            &[
                "run",
                &scenario,
                "--replications",
                "4",
                "--seed",
                seed,
                "--shard",
                &format!("{index}/2"),
                "--out",
                &path(out),
                "--quiet",
            ],
            &[],
            0,
            &[],
        );
        path(&format!("{out}/shard-{index:04}-of-0002.omnisim-shard"))
    };
    let first = shard(0, "1", "a");
    let second = shard(1, "1", "a");
    let other_seed = shard(1, "2", "b");
    check(
        &["merge", &first, "--out", &path("out")],
        &[],
        2,
        &["2 of the 4 replications are in no shard given (replication 1, 3)"],
    );
    check(
        &["merge", &first, &first, "--out", &path("out")],
        &[],
        2,
        &["replication 0 is in both"],
    );
    check(
        &["merge", &first, &other_seed, "--out", &path("out")],
        &[],
        2,
        &["is of another run", "its seed is 2, not 1"],
    );
    // A copy cut short (a transfer gone wrong) is refused, naming the file and what is lost.
    let whole = std::fs::read(&second).unwrap();
    std::fs::write(path("cut.omnisim-shard"), &whole[..whole.len() / 2]).unwrap();
    check(
        &[
            "merge",
            &first,
            &path("cut.omnisim-shard"),
            "--out",
            &path("out"),
        ],
        &[],
        2,
        &["cut.omnisim-shard is damaged: it ends before replication"],
    );
    std::fs::write(path("note.omnisim-shard"), "hello").unwrap();
    check(
        &["merge", &path("note.omnisim-shard"), "--out", &path("out")],
        &[],
        2,
        &["not a shard file"],
    );
    // The scenario's file changed after the shards ran: its summary would not be theirs.
    std::fs::write(&scenario, format!("# edited\n{text}")).unwrap();
    check(
        &["merge", &first, &second, "--out", &path("out")],
        &[],
        2,
        &[
            "is not the one the shards ran",
            "run the merge in the folder the shards ran in",
        ],
    );
    assert!(!Path::new(&path("out")).exists());
}

#[test]
fn merged_sweep_shards_are_the_whole_sweep_byte_for_byte() {
    let folder = tempfile::tempdir().unwrap();
    let path = |name: &str| folder.path().join(name).to_string_lossy().into_owned();
    let sweep = |extra: &[&str]| -> Vec<String> {
        [
            "sweep",
            "scenarios/erlang_c.toml",
            "--group",
            "agents",
            "--agents",
            "12..16",
            "--replications",
            "3",
        ]
        .iter()
        .chain(extra)
        .map(|argument| argument.to_string())
        .collect()
    };
    let run = |arguments: Vec<String>, fragments: &[&str]| {
        let arguments: Vec<&str> = arguments.iter().map(String::as_str).collect();
        check(&arguments, &[], 0, fragments);
    };
    run(sweep(&["--out", &path("whole"), "--quiet"]), &[]);
    run(
        sweep(&["--shard", "0/2", "--out", &path("shards")]),
        &["wrote shard 0/2 (3 of 5 levels)"],
    );
    run(
        sweep(&["--shard", "1/2", "--out", &path("shards")]),
        &["wrote shard 1/2 (2 of 5 levels)"],
    );
    check(
        &["merge", &path("shards"), "--out", &path("merged")],
        &[],
        0,
        &["merged 2 shard(s): 5 levels"],
    );
    check_same_files(&folder.path().join("whole"), &folder.path().join("merged"));
    // A run's shard and a sweep's do not mix.
    run(
        vec![
            "run".into(),
            "scenarios/erlang_c.toml".into(),
            "--replications".into(),
            "5".into(),
            "--shard".into(),
            "1/2".into(),
            "--out".into(),
            path("run"),
            "--quiet".into(),
        ],
        &[],
    );
    check(
        &[
            "merge",
            &path("shards/shard-0000-of-0002.omnisim-shard"),
            &path("run/shard-0001-of-0002.omnisim-shard"),
            "--out",
            &path("mixed"),
        ],
        &[],
        2,
        &["its command is run, not sweep"],
    );
    check(
        &[
            "merge",
            &path("shards/shard-0000-of-0002.omnisim-shard"),
            "--out",
            &path("mixed"),
        ],
        &[],
        2,
        &["2 of the 5 levels are in no shard given (level 1, 3)"],
    );
}

#[test]
fn merged_compare_shards_are_the_whole_comparison_and_gate_alike() {
    let folder = tempfile::tempdir().unwrap();
    let path = |name: &str| folder.path().join(name).to_string_lossy().into_owned();
    let compare = |extra: &[&str]| -> Vec<String> {
        [
            "compare",
            "scenarios/retail_week.toml",
            "--with",
            "scenarios/chat_overflow_early.toml",
            "--replications",
            "4",
            "--fail-on-worse",
        ]
        .iter()
        .chain(extra)
        .map(|argument| argument.to_string())
        .collect()
    };
    let run = |arguments: Vec<String>, exit_code: i32, fragments: &[&str]| {
        let arguments: Vec<&str> = arguments.iter().map(String::as_str).collect();
        check(&arguments, &[], exit_code, fragments);
    };
    // The early overflow makes a metric worse: the whole comparison and the merge both fail
    // the gate with exit code 3.
    run(compare(&["--out", &path("whole"), "--quiet"]), 3, &[]);
    for index in ["0/2", "1/2"] {
        run(
            compare(&["--shard", index, "--out", &path("shards")]),
            0,
            &["2 of 4 replications, both sides"],
        );
    }
    check(
        &["merge", &path("shards"), "--out", &path("merged")],
        &[],
        3,
        &[
            "merged 2 shard(s): 4 replications of retail_week and its candidate",
            "check(s) failed",
        ],
    );
    check_same_files(&folder.path().join("whole"), &folder.path().join("merged"));
    run(
        compare(&["--until-decided", "--shard", "0/2"]),
        2,
        &["--until-decided and --shard", "--replications N"],
    );
}
