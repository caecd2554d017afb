//! omnisim: a discrete-event simulator and workforce-planning tool for omnichannel contact
//! centers. A TOML scenario (`scenario`) is validated once into a `Scenario`; the `engine`
//! runs replications of it (in parallel, `replicate`), consulting pure `routing` decisions and
//! streaming statistics into `metrics`; `output` writes what a run found. `erlang` holds the
//! analytic queueing results the simulator is checked against.

pub mod arrivals;
pub mod charts;
pub mod cli;
pub mod distribution;
pub mod engine;
pub mod erlang;
pub mod error;
pub mod metrics;
pub mod output;
pub mod plan;
pub mod progress;
pub mod replicate;
pub mod rng;
pub mod routing;
pub mod scenario;
pub mod stats;
pub mod sweep;
