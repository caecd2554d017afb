//! The resources a run will need, estimated from the validated scenario before anything is
//! simulated, and the budget it must fit. A 279-byte scenario can ask for a year at 16-second
//! intervals (2 million intervals of counters per replication) or ten thousand replications;
//! the estimate names the keys that drive it, so the refusal says what to change instead of
//! the machine running out of memory an hour in.
//!
//! Memory is what the run holds at its peak: every replication's interval counters (kept
//! until they are summarised), the report's interval rows, CSVs and charts, and what each
//! running replication holds (agents, wait histograms, contacts in the system; an
//! overloaded system without abandonment is assumed to fill the engine's cap,
//! `MAX_CONTACTS_IN_SYSTEM`). Time is the expected contacts times a conservative cost per
//! contact, spread over the threads. The constants were measured on the example scenarios
//! (README, "Limits") and err on the large side.

use crate::engine::counts::{ChannelIntervalCounts, GroupIntervalCounts};
use crate::engine::state::Contact;
use crate::engine::waits::histogram_bytes;
use crate::engine::{MAX_CONTACTS_IN_SYSTEM, agent_bytes};
use crate::metrics::digest::ReplicationDigest;
use crate::scenario::Scenario;
use crate::units::{format_bytes, format_duration, thousands};

/// Bytes of one reported (entity, interval) in the report, rounded up: its interval row
/// (20 bytes per metric: 340 for a channel's, 140 for a group's) and its chart points (about
/// 0.4 KB). The CSV lines are written straight to their file, never held.
const REPORT_BYTES_PER_CELL: f64 = 1_000.0;
/// Bytes per contact in the system beyond its record: its queue entry and pending events.
const QUEUE_BYTES_PER_CONTACT: f64 = 64.0;
/// Seconds of CPU per simulated contact: measured 0.3 us on M/M/c and 0.9 us on 50 channels
/// and 20 groups; 1 us errs on the slow side.
const CPU_SECONDS_PER_CONTACT: f64 = 1.0e-6;
/// Seconds of CPU per (entity, interval) per replication to summarise, and per reported
/// (entity, interval) to render.
const CPU_SECONDS_PER_CELL_REPLICATION: f64 = 1.0e-6;
const CPU_SECONDS_PER_CELL: f64 = 3.0e-6;
/// Memory a run may use without `--allow-large` (less on a machine with under 4 GB).
pub const DEFAULT_MEMORY_BYTES: f64 = 2.0e9;
/// Wall time a run may take without `--allow-large`.
pub const DEFAULT_WALL_SECONDS: f64 = 3600.0;
/// The fixed cost of the process (binary, scenario, thread stacks).
const BASE_BYTES: f64 = 20.0e6;

/// What the run is asked to do, beyond the scenario: how many replications it simulates in
/// all (a paired run without disruptions counts twice, a sweep once per level), how many it
/// holds at once, and on how many threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Workload {
    pub replications_simulated: u64,
    pub replications_held: u64,
    pub threads: usize,
}

impl Workload {
    /// `omnisim run` and each side of `omnisim compare`: every replication (and its paired
    /// one without disruptions) is held until summarised.
    pub fn run(scenario: &Scenario, threads: usize) -> Workload {
        let replications = crate::simulate::replications_to_run(scenario);
        Workload {
            replications_simulated: replications,
            replications_held: replications,
            threads,
        }
    }

    /// `omnisim run`: replications are folded into the report as they finish, so at most one
    /// per thread is held at once (`simulate::run`), however many there are.
    pub fn folded_run(scenario: &Scenario, threads: usize) -> Workload {
        let replications = crate::simulate::replications_to_run(scenario);
        Workload {
            replications_simulated: replications,
            replications_held: u64::from(scenario.simulation().replications)
                .min(crate::simulate::replications_held_at_once(threads) as u64),
            threads,
        }
    }

    /// A sweep of `levels` staffing levels or a plan's evaluation (`levels` = 1): one level's
    /// replications are held at a time.
    pub fn levels(scenario: &Scenario, levels: u64, threads: usize) -> Workload {
        let replications = u64::from(scenario.simulation().replications);
        Workload {
            replications_simulated: replications * levels.max(1),
            replications_held: replications,
            threads,
        }
    }
}

/// One contributor to the memory estimate, in words a user can act on.
#[derive(Debug, Clone, PartialEq)]
pub struct MemoryPart {
    pub bytes: f64,
    /// What it is and which keys drive it.
    pub what: String,
}

/// The estimate for a run.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceEstimate {
    pub memory_bytes: f64,
    /// The contributors, largest first.
    pub memory_parts: Vec<MemoryPart>,
    /// Share of the memory that scales with the number of reporting intervals.
    pub interval_share: f64,
    pub cpu_seconds: f64,
    pub wall_seconds: f64,
    pub expected_contacts: f64,
    pub workload: Workload,
}

/// What a run may use: memory in bytes and wall time in seconds (`None`: no time limit).
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    pub memory_bytes: f64,
    /// Where the memory limit comes from, for the message ("half of this machine's 24 GB").
    pub memory_source: &'static str,
    pub wall_seconds: Option<f64>,
}

impl Budget {
    /// Without `--allow-large`: at most 2 GB and half the machine's memory, one hour.
    pub fn default_for(machine_total_bytes: Option<f64>) -> Budget {
        let half = machine_total_bytes.map_or(f64::INFINITY, |total| total / 2.0);
        Budget {
            memory_bytes: half.min(DEFAULT_MEMORY_BYTES),
            memory_source: if half < DEFAULT_MEMORY_BYTES {
                "half of this machine's memory"
            } else {
                "the default without --allow-large"
            },
            wall_seconds: Some(DEFAULT_WALL_SECONDS),
        }
    }

    /// With `--allow-large`: 90% of the memory available now, and no time limit.
    pub fn large_for(machine_available_bytes: Option<f64>) -> Budget {
        Budget {
            memory_bytes: machine_available_bytes.map_or(f64::INFINITY, |bytes| 0.9 * bytes),
            memory_source: "90% of the memory this machine has available",
            wall_seconds: None,
        }
    }
}

/// Estimates what running `scenario` as `workload` needs.
pub fn estimate(scenario: &Scenario, workload: Workload) -> ResourceEstimate {
    let settings = scenario.simulation();
    let n_intervals = settings.n_intervals() as f64;
    let n_reported = settings.reported_intervals().len() as f64;
    let n_channels = scenario.channels().len() as f64;
    let n_groups = scenario.groups().len() as f64;
    let entities = n_channels + n_groups;
    let running = workload
        .threads
        .max(1)
        .min(workload.replications_simulated.max(1) as usize) as f64;
    let interval_text = format!(
        "simulation.interval = \"{}\" over simulation.horizon = \"{}\" gives {} intervals",
        format_duration(settings.interval_seconds),
        format_duration(settings.horizon_seconds),
        thousands(n_intervals)
    );

    let mut parts = Vec::new();
    let cell_bytes = n_channels * std::mem::size_of::<ChannelIntervalCounts>() as f64
        + n_groups * std::mem::size_of::<GroupIntervalCounts>() as f64;
    let counter_bytes = n_intervals * cell_bytes * workload.replications_held as f64;
    parts.push(MemoryPart {
        bytes: counter_bytes,
        what: format!(
            "{interval_text} x {} channels and groups x {} replications held {} of interval counters",
            entities,
            thousands(workload.replications_held as f64),
            match workload
                .replications_held
                .cmp(&u64::from(settings.replications))
            {
                std::cmp::Ordering::Greater => {
                    "(simulation.replications, twice over for the run without [[events]])"
                }
                std::cmp::Ordering::Equal => "(simulation.replications)",
                std::cmp::Ordering::Less => {
                    "at once (one per thread, --threads: each is folded into the report as it finishes)"
                }
            }
        ),
    });
    let report_bytes = n_reported * entities * REPORT_BYTES_PER_CELL;
    parts.push(MemoryPart {
        bytes: report_bytes,
        what: format!(
            "{} reported intervals x {entities} channels and groups of interval rows and chart points (simulation.interval)",
            thousands(n_reported)
        ),
    });
    let digests = crate::simulate::replications_to_run(scenario);
    parts.push(MemoryPart {
        bytes: digests as f64 * ReplicationDigest::approximate_bytes(scenario),
        what: format!(
            "{} replications' totals kept for the summary (simulation.replications{})",
            thousands(digests as f64),
            if scenario.disruptions().is_empty() {
                ""
            } else {
                ", twice over for the run without [[events]]"
            }
        ),
    });
    let agents: f64 = scenario
        .groups()
        .iter()
        .map(|group| f64::from(group.headcount.max()))
        .sum();
    let per_running =
        agent_bytes(scenario) + n_channels * histogram_bytes(settings.horizon_seconds) as f64;
    parts.push(MemoryPart {
        bytes: per_running * running,
        what: format!(
            "{} agents (groups.*.headcount) and {} channels' wait histograms, in each of {running} replications running at once (--threads)",
            thousands(agents),
            n_channels
        ),
    });
    let expected_contacts: f64 = scenario
        .channels()
        .iter()
        .filter_map(|channel| channel.arrivals.as_ref())
        .map(|arrivals| arrivals.expected_arrivals(0.0, settings.horizon_seconds))
        .sum();
    if let Some((work_hours, staffed_hours)) = unbounded_queue(scenario) {
        let in_system = expected_contacts.min(MAX_CONTACTS_IN_SYSTEM as f64);
        let contact_bytes = std::mem::size_of::<Contact>() as f64 + QUEUE_BYTES_PER_CONTACT;
        parts.push(MemoryPart {
            bytes: in_system * contact_bytes * running,
            what: format!(
                "an overloaded system: about {work_hours:.0} agent-hours of work for {staffed_hours:.0} staffed, on channels without patience, so up to {} contacts wait at once (the engine's cap) in each of {running} replications running",
                thousands(in_system)
            ),
        });
    }
    let replayed: Vec<(&str, usize)> = scenario
        .channels()
        .iter()
        .filter_map(|c| {
            c.replay
                .as_ref()
                .map(|r| (c.name.as_str(), r.contacts.len()))
        })
        .collect();
    if !replayed.is_empty() {
        let contacts: usize = replayed.iter().map(|(_, n)| n).sum();
        let names: Vec<&str> = replayed.iter().map(|(name, _)| *name).collect();
        parts.push(MemoryPart {
            bytes: contacts as f64
                * std::mem::size_of::<crate::scenario::replay::RecordedContact>() as f64,
            what: format!(
                "{} recorded contacts replayed (arrivals.{}.trace), held once for every replication",
                thousands(contacts as f64),
                names.join(", arrivals.")
            ),
        });
    }
    parts.sort_by(|a, b| b.bytes.total_cmp(&a.bytes));
    let memory_bytes = BASE_BYTES + parts.iter().map(|part| part.bytes).sum::<f64>();
    let interval_share = (counter_bytes + report_bytes) / memory_bytes;

    let cpu_seconds =
        expected_contacts * workload.replications_simulated as f64 * CPU_SECONDS_PER_CONTACT
            + n_intervals
                * entities
                * workload.replications_simulated as f64
                * CPU_SECONDS_PER_CELL_REPLICATION
            + n_reported * entities * CPU_SECONDS_PER_CELL;
    ResourceEstimate {
        memory_bytes,
        memory_parts: parts,
        interval_share,
        cpu_seconds,
        wall_seconds: cpu_seconds / running,
        expected_contacts,
        workload,
    }
}

/// Checks `estimate` against `budget`: `Err` with a message that names the keys driving the
/// estimate and what to change.
pub fn check(
    scenario: &Scenario,
    estimate: &ResourceEstimate,
    budget: &Budget,
) -> Result<(), String> {
    if estimate.memory_bytes > budget.memory_bytes {
        let mut message = format!(
            "this run would need about {} of memory, more than the {} allowed ({}):",
            format_bytes(estimate.memory_bytes),
            format_bytes(budget.memory_bytes),
            budget.memory_source
        );
        for part in estimate
            .memory_parts
            .iter()
            .filter(|part| part.bytes >= 0.05 * estimate.memory_bytes)
        {
            message.push_str(&format!(
                "\n  - {}: about {}",
                part.what,
                format_bytes(part.bytes)
            ));
        }
        message.push_str(&format!("\n{}", memory_remedy(scenario, estimate, budget)));
        return Err(message);
    }
    if let Some(limit) = budget.wall_seconds
        && estimate.wall_seconds > limit
    {
        return Err(format!(
            "this run would take about {} ({} contacts per replication from [arrivals] x {} replications simulated, at about {} contacts a second on {} thread(s)), more than the {} allowed without --allow-large; lower simulation.replications or shorten simulation.horizon, or pass --allow-large to run it anyway",
            format_duration(estimate.wall_seconds.round()),
            thousands(estimate.expected_contacts),
            thousands(estimate.workload.replications_simulated as f64),
            thousands(1.0 / CPU_SECONDS_PER_CONTACT),
            estimate.workload.threads.max(1),
            format_duration(limit),
        ));
    }
    Ok(())
}

/// What to change when memory is over budget: the shortest common interval and the most
/// replications that would fit (each alone), when the intervals drive the estimate.
fn memory_remedy(scenario: &Scenario, estimate: &ResourceEstimate, budget: &Budget) -> String {
    let settings = scenario.simulation();
    let interval_bytes = estimate.memory_bytes * estimate.interval_share;
    let room = budget.memory_bytes - (estimate.memory_bytes - interval_bytes);
    let mut ways = Vec::new();
    if estimate.interval_share > 0.5 && room > 0.0 {
        let needed = settings.interval_seconds * interval_bytes / room;
        let nice = [60.0, 300.0, 900.0, 1800.0, 3600.0, 7200.0, 86_400.0];
        if let Some(suggested) = nice.iter().find(|candidate| **candidate >= needed) {
            ways.push(format!(
                "simulation.interval = \"{}\" or longer",
                format_duration(*suggested)
            ));
        }
        let counters = estimate
            .memory_parts
            .iter()
            .find(|part| part.what.contains("interval counters"))
            .map_or(0.0, |part| part.bytes);
        let report = interval_bytes - counters;
        let per_replication = counters / estimate.workload.replications_held.max(1) as f64;
        // Fewer replications only help when all of them are held.
        let all_held = estimate.workload.replications_held >= u64::from(settings.replications);
        if all_held && per_replication > 0.0 && room > report {
            let fit = ((room - report) / per_replication).floor();
            if fit >= 2.0 {
                ways.push(format!(
                    "at most {} replications (simulation.replications or --replications)",
                    thousands(
                        fit / (estimate.workload.replications_held as f64
                            / f64::from(settings.replications))
                    )
                ));
            }
        }
    }
    if ways.is_empty() {
        ways.push(
            "fewer replications, a shorter simulation.horizon, a longer simulation.interval or fewer --threads"
                .into(),
        );
    }
    format!(
        "to fit, use {}; or pass --allow-large, which still refuses more than 90% of the memory available",
        ways.join(", or ")
    )
}

/// `Some((work, staffed))` agent-hours when the offered work of channels whose customers
/// never abandon exceeds every group's staffed hours: their queue grows without bound.
fn unbounded_queue(scenario: &Scenario) -> Option<(f64, f64)> {
    let settings = scenario.simulation();
    let (from, to) = (0.0, settings.horizon_seconds);
    let work: f64 = scenario
        .channels()
        .iter()
        .filter(|channel| channel.patience.is_none())
        .filter_map(|channel| {
            let arrivals = channel.arrivals.as_ref()?;
            let mean_handle = channel.mean_handle_seconds_over(settings)?;
            Some(arrivals.expected_arrivals(from, to) * mean_handle / 3600.0)
        })
        .sum();
    // At most about 10,000 intervals looked at per group, so the estimate stays instant
    // for a year of 16-second intervals.
    let n_intervals = settings.n_intervals();
    let stride = n_intervals.div_ceil(10_000).max(1);
    let staffed: f64 = scenario
        .groups()
        .iter()
        .map(|group| {
            (0..n_intervals)
                .step_by(stride)
                .map(|i| {
                    group
                        .headcount
                        .mean_in_interval(i, settings.interval_seconds)
                })
                .sum::<f64>()
                * stride as f64
                * f64::from(group.concurrency)
                * (1.0 - group.shrinkage)
                * settings.interval_seconds
                / 3600.0
        })
        .sum();
    (work > staffed * 1.05).then_some((work, staffed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse_scenario_str;

    const BASE: &str = r#"
[simulation]
horizon = "1d"
interval = "30m"
replications = 2
seed = 1

[channels.chat]
kind = "messaging"
sla = { within = "2m", target = 0.8 }
handle_time = { distribution = "exponential", mean = "5m" }
patience = { distribution = "exponential", mean = "3m" }

[arrivals.chat]
daily_volume = 100

[groups.tier1]
headcount = 3
channels = ["chat"]
concurrency = 2
"#;

    /// A 24 GB machine with 20 GB available, as `omnisim run` would see it on two threads.
    const TOTAL: f64 = 24.0e9;
    const AVAILABLE: f64 = 20.0e9;

    fn scenario(edits: &[(&str, &str)]) -> Scenario {
        let mut text = BASE.to_string();
        for (from, to) in edits {
            assert!(text.contains(from), "{from}");
            text = text.replacen(from, to, 1);
        }
        parse_scenario_str(&text, "budget").unwrap_or_else(|problems| panic!("{problems:#?}"))
    }

    /// Estimates the scenario with `edits` for `omnisim run` on two threads, checks it
    /// against the default budget (or the large one), and compares with `want`: `Ok` or the
    /// fragments the refusal must contain. Returns the refusal, if any.
    #[track_caller]
    fn check(edits: &[(&str, &str)], large: bool, want: Result<(), &[&str]>) -> Option<String> {
        let scenario = scenario(edits);
        let estimate = estimate(&scenario, Workload::run(&scenario, 2));
        let budget = if large {
            Budget::large_for(Some(AVAILABLE))
        } else {
            Budget::default_for(Some(TOTAL))
        };
        let got = super::check(&scenario, &estimate, &budget);
        match (&got, want) {
            (Ok(()), Ok(())) => None,
            (Err(message), Err(fragments)) => {
                for fragment in fragments {
                    assert!(message.contains(fragment), "lacks {fragment:?}:\n{message}");
                }
                Some(message.clone())
            }
            (got, want) => panic!("{edits:?}: got {got:?}, want {want:?}"),
        }
    }

    #[test]
    fn runs_within_and_beyond_the_budget() {
        check(&[], false, Ok(()));
        // A year of 16-second intervals: the interval rows dominate.
        check(
            &[
                ("horizon = \"1d\"", "horizon = \"366d\""),
                ("interval = \"30m\"", "interval = \"16s\""),
            ],
            false,
            Err(&[
                "simulation.interval = \"16s\" over simulation.horizon = \"366d\"",
                "more than the 2.0 GB allowed",
            ]),
        );
        // Held replications: the counters dominate; --allow-large admits 3.4 GB on this machine.
        let many = [
            ("replications = 2", "replications = 10000"),
            ("interval = \"30m\"", "interval = \"1m\""),
        ];
        check(
            &many,
            false,
            Err(&[
                "10,000 replications held (simulation.replications)",
                "at most",
            ]),
        );
        check(&many, true, Ok(()));
        // `omnisim run` folds replications as they finish: the same 10,000 fit, since only
        // one per thread is held at once.
        let scenario = scenario(&many);
        let folded = estimate(&scenario, Workload::folded_run(&scenario, 2));
        assert_eq!(folded.workload.replications_held, 2);
        assert_eq!(
            super::check(&scenario, &folded, &Budget::default_for(Some(TOTAL))),
            Ok(())
        );
        // A billion contacts in each of 10 replications: about 10,000 CPU-seconds on two
        // threads is over the hour; --allow-large has no time limit.
        let long = [
            ("daily_volume = 100", "daily_volume = 100000000"),
            ("horizon = \"1d\"", "horizon = \"10d\""),
            ("replications = 2", "replications = 10"),
            ("interval = \"30m\"", "interval = \"1d\""),
            ("headcount = 3", "headcount = 1000000"),
        ];
        check(
            &long,
            false,
            Err(&[
                "would take about",
                "1,000,000,000 contacts per replication",
                "10 replications simulated",
            ]),
        );
        check(&long, true, Ok(()));
    }

    /// The remedies the refusal suggests are real: applying one makes the run fit.
    #[test]
    fn the_suggested_remedy_fits() {
        let year = [
            ("horizon = \"1d\"", "horizon = \"366d\""),
            ("interval = \"30m\"", "interval = \"16s\""),
        ];
        let message = check(&year, false, Err(&["to fit, use simulation.interval = \""])).unwrap();
        let suggested = message
            .split("to fit, use simulation.interval = \"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap();
        let interval = format!("interval = \"{suggested}\"");
        check(&[year[0], ("interval = \"30m\"", &interval)], false, Ok(()));

        let many = [
            ("replications = 2", "replications = 10000"),
            ("interval = \"30m\"", "interval = \"1m\""),
        ];
        let message = check(&many, false, Err(&["at most "])).unwrap();
        let fit: String = message
            .split("at most ")
            .nth(1)
            .unwrap()
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == ',')
            .filter(char::is_ascii_digit)
            .collect();
        let fit: u32 = fit.parse().unwrap();
        assert!((100..10_000).contains(&fit), "{fit}");
        let fitting = format!("replications = {fit}");
        check(&[("replications = 2", &fitting), many[1]], false, Ok(()));
        let over = format!("replications = {}", fit + fit / 20 + 1);
        check(
            &[("replications = 2", &over), many[1]],
            false,
            Err(&["at most"]),
        );
    }

    #[test]
    fn the_estimate_grows_with_what_drives_it() {
        let memory = |edits: &[(&str, &str)], threads: usize| {
            let scenario = scenario(edits);
            estimate(&scenario, Workload::run(&scenario, threads)).memory_bytes
        };
        let base = memory(&[], 2);
        assert!(memory(&[("replications = 2", "replications = 200")], 2) > base);
        assert!(memory(&[("interval = \"30m\"", "interval = \"1m\"")], 2) > base);
        assert!(memory(&[("headcount = 3", "headcount = 1000000")], 2) > base);
        assert!(
            memory(&[("headcount = 3", "headcount = 1000000")], 2)
                > memory(&[("headcount = 3", "headcount = 1000000")], 1)
        );
        // Without patience an overloaded channel may fill the engine's cap.
        let overloaded = [
            ("daily_volume = 100", "daily_volume = 100000000"),
            (
                "patience = { distribution = \"exponential\", mean = \"3m\" }",
                "",
            ),
        ];
        let scenario = scenario(&overloaded);
        let estimate = estimate(&scenario, Workload::run(&scenario, 2));
        assert!(
            estimate
                .memory_parts
                .iter()
                .any(|part| part.what.starts_with("an overloaded system")),
            "{:#?}",
            estimate.memory_parts
        );
    }

    #[test]
    fn the_default_budget_is_half_a_small_machine() {
        let small = Budget::default_for(Some(2.0e9));
        assert_eq!(small.memory_bytes, 1.0e9);
        assert_eq!(small.memory_source, "half of this machine's memory");
        let big = Budget::default_for(Some(TOTAL));
        assert_eq!(big.memory_bytes, DEFAULT_MEMORY_BYTES);
        assert_eq!(big.wall_seconds, Some(DEFAULT_WALL_SECONDS));
        let unknown = Budget::default_for(None);
        assert_eq!(unknown.memory_bytes, DEFAULT_MEMORY_BYTES);
        assert_eq!(Budget::large_for(Some(AVAILABLE)).memory_bytes, 18.0e9);
        assert_eq!(Budget::large_for(Some(AVAILABLE)).wall_seconds, None);
    }
}
