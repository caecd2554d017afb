//! omnisim: a discrete-event simulator and workforce-planning tool for omnichannel contact
//! centers.
//!
//! A TOML scenario is read by `scenario::load` and validated once into a `Scenario`
//! (`scenario::validate`); the `engine` runs one replication of it, consulting pure routing
//! decisions and streaming its statistics into a recorder; `metrics` turns replications into
//! estimates with confidence intervals; `simulate` runs a whole scenario (in parallel, with
//! the paired run without disruptions), `sweep` and `plan` run searches over staffings,
//! `compare` runs two scenarios on the same customers and differences them, `gate` turns a
//! run into the CI gate's checks, `shard` packs some replications of a run for another
//! machine and merges them back exactly; and `output` renders what they found as the bytes of files
//! and the text of the terminal. `erlang` holds the analytic queueing results the simulator
//! is checked against; `metric`, `stats`, `units` and `error` are shared by every layer. The
//! `omnisim` binary's command line lives beside this library, not in it.
//!
//! The API boundary: `scenario::{load_scenario_file, load_with_overlays, parse_scenario_str,
//! Scenario}` in, `simulate::run`, `compare::compare`, `gate::*`, `sweep::run_sweep`,
//! `plan::plan` and `erlang::report::erlang_report` to compute, `output::*` to render.
//! `engine` and `metrics` are public for tests, benches and audits, but change more freely.
//!
//! ```
//! use omnisim::metric::Metric;
//! use omnisim::output::{Charts, run::run_files};
//! use omnisim::scenario::load_scenario_file;
//! use omnisim::simulate::{self, Execution};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let scenario = load_scenario_file("scenarios/erlang_c.toml".as_ref())?.with_replications(3)?;
//! let report = simulate::run(&scenario, Execution::silent(None))?;
//! let sla = report.summary.channels[0].metrics[&Metric::SlaAttainment];
//! assert!(sla.mean.unwrap() > 0.5);
//! let files = run_files(&scenario, &report, Charts::Skip)?; // what `omnisim run` writes
//! assert_eq!(files[0].name, "summary.json");
//! # Ok(())
//! # }
//! ```

pub mod backtest;
pub mod budget;
pub mod compare;
pub mod engine;
pub mod erlang;
pub mod error;
pub mod fit;
pub mod gate;
pub mod import;
pub mod metric;
pub mod metrics;
pub mod output;
pub mod plan;
pub mod roster;
pub mod scenario;
pub mod shard;
pub mod simulate;
pub mod stats;
pub mod sweep;
pub mod trace;
pub mod units;
