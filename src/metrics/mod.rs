//! Statistics: `recorder` collects one replication's counters while it runs; `summary` turns
//! many replications into means with confidence intervals.

pub mod recorder;
pub mod summary;
