//! Criterion benchmarks of what a run writes after simulating: the seven run charts of a
//! retail week (six timelines of 336 intervals and the typical day; 9 channels, 4 groups)
//! drawn as SVG and as PNG, and report.html assembled around the SVGs. Rendering is
//! independent of the engine, so these numbers say what `--no-charts` saves.
//!
//! Run: `cargo bench --bench reports`

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use omnisim::output::charts::run_figures::{RunChartInput, run_figures};
use omnisim::output::charts::{render_png, render_svg};
use omnisim::output::run::html::run_report_html;
use omnisim::scenario::load_scenario_file;
use omnisim::simulate::{self, Execution};

fn reports(criterion: &mut Criterion) {
    let mut group = criterion.benchmark_group("reports");
    group.sample_size(10);
    let scenario = load_scenario_file(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/retail_week.toml"),
    )
    .expect("valid")
    .with_replications(4)
    .expect("a valid count");
    let report = simulate::run(&scenario, Execution::silent(Some(1))).expect("runs");
    let summary = &report.summary;
    let figures = run_figures(&RunChartInput {
        scenario: &scenario,
        summary,
        channel_rows: &report.channel_rows,
        group_rows: &report.group_rows,
    });
    group.bench_function("retail_week_run_charts_svg", |bench| {
        bench.iter(|| {
            figures
                .iter()
                .map(|f| render_svg(f).unwrap().len())
                .sum::<usize>()
        })
    });
    group.bench_function("retail_week_run_charts_png", |bench| {
        bench.iter(|| {
            figures
                .iter()
                .map(|f| render_png(f).unwrap().len())
                .sum::<usize>()
        })
    });
    let charts: Vec<_> = figures
        .iter()
        .map(|figure| (figure.clone(), render_svg(figure).unwrap()))
        .collect();
    group.bench_function("retail_week_report_html", |bench| {
        bench.iter(|| run_report_html(&scenario, summary, &charts).len())
    });
    group.finish();
}

criterion_group!(benches, reports);
criterion_main!(benches);
