//! The integration tests: one binary, one module per layer, each with its own `check()`.
//!
//! - `theory`: the simulator against exact queueing results (Erlang C, Erlang A, M/M/1, M/D/1,
//!   Little's law, concurrency as c*k servers);
//! - `determinism`: byte-identical outputs for a seed, whatever the thread count;
//! - `import`: `omnisim import` of each platform preset's fixture, a generic mapping and the
//!   Technion bank extract; bad rows by line, `--strict`, refusals that write nothing;
//! - `backtest`: omnisim's own trace replayed with recorded work and patience reproduces
//!   every day; a scenario without a trace is refused;
//! - `fit`: a fit of omnisim's own simulated contacts recovers the known rates, handle-time
//!   and patience parameters within its intervals, and its scenario runs;
//! - `replay`: recorded traces replayed exactly in every replication, on the center's clock,
//!   with recorded work and patience;
//! - `bad_input`: every class of invalid scenario exits 2, names the key, writes nothing;
//! - `diagnostics`: problems rendered as cargo renders errors, as JSON lines, located and
//!   suggested;
//! - `fuzz_regressions`: scenarios that once crashed omnisim, refused or run as each says;
//! - `limits`: absurd sizes refused before any work, files never read from outside, an
//!   overloaded system that finishes, and an output folder that always holds one complete
//!   set (planted links, failed writes, Ctrl-C, kill);
//! - `properties`: random valid scenarios (proptest) run under the audit and conserve flow;
//! - `scenarios`: the shipped example scenarios validate and run, and conserve flow, and the
//!   schema accepts them; `readme`: every README command runs as written;
//! - `uncertainty`: forecast uncertainty's day factors (Poisson-gamma variance, shared
//!   factors' covariance, cv = 0 changes nothing);
//! - `plan`: staffing plans against the Erlang minimum, on fresh seeds, and minimal;
//! - `commands`: the planning commands (`erlang`, `sweep`, `plan`) through the binary;
//! - `routing`: routing rules under the engine's audit, cross-channel flow conservation,
//!   and a two-skill shared pool against its exact Markov chain (`markov`);
//! - `behaviour`: redials against the exact chain of a queue with an orbit (and Erlang X
//!   against it), callback attempts, bots, duplicates, retries after a refusal;
//! - `shards`: `run --shard` and `merge` give the whole run's files byte for byte, staged
//!   or not, with `--shard auto` from Slurm's or Kubernetes' variables; wrong shards refused;
//! - `snapshots`: every file `run`, `plan`, `sweep` and `erlang --json` write, through the
//!   library pipeline; `reports`: every chart rendered and checked, dashboard figures by hand
//!   (`browser` loads report.html in Chromium);
//! - `schedules`: shift rosters, shrinkage and disruption events under the audit, staffing
//!   per interval against the schedule by hand, outages, spikes and bots accounted for.

mod architecture;
mod backtest;
mod bad_input;
mod behaviour;
mod browser;
mod commands;
mod compare;
mod determinism;
mod diagnostics;
mod fit;
mod fuzz_regressions;
mod gate;
mod import;
mod limits;
mod markov;
mod plan;
mod properties;
mod readme;
mod replay;
mod reports;
mod roster;
mod routing;
mod scenarios;
mod schedules;
mod shards;
mod snapshots;
mod support;
mod theory;
mod uncertainty;
mod validation;
