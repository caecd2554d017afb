//! omnisim: a discrete-event simulator and workforce-planning tool for omnichannel contact
//! centers. A TOML scenario (`scenario`) is validated once into a `Scenario`; the `engine`
//! runs replications of it, consulting pure routing decisions and streaming statistics into
//! its recorder; `metrics` turns replications into estimates; `simulate`, `sweep` and `plan`
//! run whole studies; `output` renders what they found as bytes. `erlang` holds the analytic
//! queueing results the simulator is checked against.

pub mod engine;
pub mod erlang;
pub mod error;
pub mod metrics;
pub mod output;
pub mod plan;
pub mod scenario;
pub mod simulate;
pub mod stats;
pub mod sweep;
pub mod units;
