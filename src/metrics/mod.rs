//! Statistics: `samples` computes every channel and group metric replication by replication;
//! `summary` turns many replications into means with confidence intervals;
//! `routing_summary` does the same for routing, handoff and issue figures; `disruption_summary`
//! for disruption events, against the same run without them; `dashboard` the weekly
//! dashboard's volume shares, resolution rates, costs per contact and waiting-time
//! distributions; `totals` the run's totals and one-line verdict. (One replication's counters are collected by `engine::recorder`.)

pub mod behaviour_summary;
pub mod dashboard;
pub mod digest;
pub mod disruption_summary;
pub mod interval_fold;
pub mod interval_table;
pub mod routing_summary;
pub mod samples;
pub mod summary;
pub mod totals;
