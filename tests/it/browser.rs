//! report.html (and compare.html) in a real browser: headless Chromium loads the page, saves a screenshot
//! (kept at `target/tmp/report-screenshot.png` for a person to look at), and a copy of the
//! page with a checking script reports broken images, empty charts and console errors.
//!
//! Gated by `OMNISIM_BROWSER_TEST=1`, which `.ci/run` sets after installing Debian's
//! `chromium`: with the variable set, a missing browser fails the test (CI cannot pass
//! without it); without it, the test says it was not asked for and passes, so `cargo test`
//! needs no browser on a developer's machine.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The first Chromium-family browser on PATH.
fn find_chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ]
    .iter()
    .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
    .find(|candidate| candidate.is_file())
}

/// Loads `page` headless at 1280 px wide, saving a screenshot; returns Chromium's stderr.
fn load_in_chromium(chromium: &Path, page: &Path, screenshot: &Path) -> String {
    let profile = tempfile::tempdir().unwrap();
    let output = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1280,3000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--screenshot={}", screenshot.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium starts");
    assert!(
        output.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The page's console messages, from Chromium's log lines `...:CONSOLE:N] "message", source`.
fn console_messages(log: &str) -> Vec<String> {
    log.lines()
        .filter(|line| line.contains(":CONSOLE"))
        .map(|line| {
            line.split_once("] ")
                .map_or(line, |(_, message)| message)
                .to_string()
        })
        .collect()
}

const CHECK_SCRIPT: &str = r#"<script>
window.addEventListener("load", () => {
  const images = Array.from(document.images);
  const broken = images.filter((image) => !image.complete || image.naturalWidth === 0).length;
  const charts = Array.from(document.querySelectorAll("figure svg"));
  const empty = charts.filter((svg) => {
    const box = svg.getBoundingClientRect();
    return box.width < 300 || box.height < 150 || svg.querySelectorAll("polyline, path, polygon").length === 0;
  }).length;
  const wide = document.documentElement.scrollWidth > window.innerWidth + 1;
  console.log(`omnisim-check images=${images.length} broken=${broken} charts=${charts.length} empty=${empty} tables=${document.querySelectorAll("table").length} overflows=${wide}`);
});
</script>
</body>"#;

/// The variable that asks for the browser test.
const GATE: &str = "OMNISIM_BROWSER_TEST";

#[test]
fn report_html_renders_in_headless_chromium() {
    if std::env::var_os(GATE).is_none_or(|value| value != "1") {
        eprintln!(
            "not run: report_html_renders_in_headless_chromium needs {GATE}=1 and Debian's \
             `chromium` (.ci/run installs it and sets the variable)"
        );
        return;
    }
    let chromium = find_chromium().unwrap_or_else(|| {
        panic!(
            "{GATE}=1 asks for the browser test, but no chromium is on PATH; \
             install Debian's `chromium` package (apt-get install chromium)"
        )
    });
    let directory = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_omnisim"))
        .args([
            "run",
            "scenarios/retail_week.toml",
            "--replications",
            "3",
            "--quiet",
            "--out",
        ])
        .arg(directory.path())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report = directory.path().join("report.html");

    // The page as shipped: a screenshot, and no console message at all.
    let screenshot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-screenshot.png");
    let log = load_in_chromium(&chromium, &report, &screenshot);
    assert_eq!(
        console_messages(&log),
        Vec::<String>::new(),
        "console output from report.html"
    );
    let png = std::fs::read(&screenshot).expect("chromium saved a screenshot");
    let mut reader = png::Decoder::new(std::io::Cursor::new(&png))
        .read_info()
        .unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut pixels).unwrap();
    assert_eq!((info.width, info.height), (1280, 3000));
    let drawn = pixels[..info.buffer_size()]
        .chunks(info.color_type.samples())
        .filter(|pixel| pixel[..3] != [255, 255, 255])
        .count();
    assert!(
        drawn > 50_000,
        "the screenshot is nearly blank ({drawn} pixels drawn)"
    );

    // A copy with a checking script: images load, charts (six timelines and the typical day of
    // a week-long run) have size and lines, nothing overflows.
    let html = std::fs::read_to_string(&report).unwrap();
    let checked = directory.path().join("report_checked.html");
    std::fs::write(&checked, html.replacen("</body>", CHECK_SCRIPT, 1)).unwrap();
    let log = load_in_chromium(&chromium, &checked, &directory.path().join("checked.png"));
    let messages = console_messages(&log);
    assert_eq!(messages.len(), 1, "console: {messages:#?}");
    assert!(
        messages[0].contains("omnisim-check images=0 broken=0 charts=7 empty=0")
            && messages[0].contains("overflows=false"),
        "{}",
        messages[0]
    );
    eprintln!(
        "report.html in Chromium: {} (screenshot: {})",
        messages[0],
        screenshot.display()
    );

    // compare.html: the same look, its one chart drawn, nothing overflowing.
    let output = Command::new(env!("CARGO_BIN_EXE_omnisim"))
        .args([
            "compare",
            "scenarios/retail_week.toml",
            "--with",
            "scenarios/chat_overflow_early.toml",
            "--replications",
            "3",
            "--quiet",
            "--out",
        ])
        .arg(directory.path().join("compare"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let html = std::fs::read_to_string(directory.path().join("compare/compare.html")).unwrap();
    let checked = directory.path().join("compare_checked.html");
    std::fs::write(&checked, html.replacen("</body>", CHECK_SCRIPT, 1)).unwrap();
    let screenshot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("compare-screenshot.png");
    let messages = console_messages(&load_in_chromium(&chromium, &checked, &screenshot));
    assert_eq!(messages.len(), 1, "console: {messages:#?}");
    assert!(
        messages[0].contains("omnisim-check images=0 broken=0 charts=1 empty=0")
            && messages[0].contains("overflows=false"),
        "{}",
        messages[0]
    );
    eprintln!("compare.html in Chromium: {}", messages[0]);
}
