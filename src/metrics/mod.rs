//! Statistics: `recorder` collects one replication's counters while it runs; `summary` turns
//! many replications into means with confidence intervals; `routing_summary` does the
//! same for routing, handoff and issue figures.

pub mod recorder;
pub mod routing_summary;
pub mod summary;
