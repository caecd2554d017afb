//! Shards: a run's replications (or a sweep's levels) spread over machines (a Slurm array,
//! a Kubernetes Indexed Job, GNU parallel) and merged back exactly. Replication `r` draws only from the streams of
//! (seed, r), so it is the same wherever it runs; a shard holds every result a merge needs
//! (each replication's counters, histograms' quantiles and flows, and with disruptions the
//! paired base run's), and the merge hands them to the same summary and output code as a
//! whole run, in replication order: the outputs are byte for byte those of the unsharded run.
//!
//! Shard `i` of `n` runs the replications `r` with `r % n == i` (balanced however many there
//! are). A shard file is a short magic line, a preamble (`ShardPreamble`: the header and
//! the units held) and one record per result, each a kind, a unit and a postcard encoding
//! (postcard keeps every `f64` bit for bit, NaN included, which JSON cannot), then an end
//! record with the count. Records are written as replications finish and read as their turn
//! comes, so neither a shard nor a merge holds more than a few replications: 64 channels over
//! 4,170 hours took 909 MB a shard of 10 replications and 2.5 GB to merge 40 when shards were
//! one postcard value, against 228 MB for the whole run. Merging checks that the shards are of
//! the same scenario (a fingerprint of the validated scenario), seed, version and replication
//! count, and that none is missing or given twice. Merging merged shards gives the same
//! result, so merges can be staged. A comparison shards by replication like a run (each
//! shard runs both sides). A sweep shards by staffing level instead: shard `i` runs the
//! levels at positions `p % n == i`, each with all its replications, and the merge puts the
//! levels back in order.

mod file;

use std::io::Read;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::scenario::Scenario;

pub use file::{RawRecord, RecordKind, ShardPreamble, ShardReader, ShardWriter};

/// Who made a shard and for what: what a merge checks before combining.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardHeader {
    pub omnisim_version: String,
    pub scenario_name: String,
    /// SHA-256 of the validated scenario (every setting, file digests included).
    pub scenario_fingerprint: String,
    pub seed: u64,
    /// The command sharded: "run" or "compare" (shards hold replications; a comparison's
    /// candidate results as `results`, its base's as `base_results`) or "sweep" (shards hold
    /// staffing levels, each with all its replications).
    pub command: String,
    /// Replications of the whole run, or levels of the whole sweep.
    pub units: u32,
    /// The command line that loaded the scenario (without `--shard` and `--out`), for the
    /// merge to load it the same way.
    pub invocation: Vec<String>,
    /// The folder it ran in (paths in `invocation` are relative to it).
    pub working_directory: String,
}

/// `--shard I/N`: which shard of how many.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardSpec {
    pub index: u32,
    pub count: u32,
}

impl ShardSpec {
    /// Parses "I/N" (0 <= I < N).
    pub fn parse(text: &str) -> Result<ShardSpec, String> {
        let (index, count) = text
            .split_once('/')
            .ok_or_else(|| format!("\"{text}\" is not I/N (e.g. 0/4, the first of four)"))?;
        let number = |part: &str, what: &str| {
            part.trim()
                .parse::<u32>()
                .map_err(|_| format!("\"{part}\" in \"{text}\" is not a whole {what}"))
        };
        let (index, count) = (number(index, "index")?, number(count, "count")?);
        if count == 0 || index >= count {
            return Err(format!(
                "shard {index}/{count}: the index counts from 0 and must be below the count"
            ));
        }
        Ok(ShardSpec { index, count })
    }

    /// The replications (or levels) of `total` this shard runs.
    pub fn units(self, total: u32) -> Vec<u32> {
        (self.index..total).step_by(self.count as usize).collect()
    }

    /// The file name of this shard: sorts in shard order.
    pub fn file_name(self) -> String {
        format!("shard-{:04}-of-{:04}.omnisim-shard", self.index, self.count)
    }
}

/// The fingerprint of validated scenarios (one, or a comparison's base and candidate): the
/// same scenarios loaded the same way from the same files give the same one.
pub fn scenario_fingerprint(scenarios: &[&Scenario]) -> String {
    let mut hasher = Sha256::new();
    for scenario in scenarios {
        hasher.update(format!("{scenario:?}").as_bytes());
    }
    let digest = hasher.finalize();
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// How shards of one run (or sweep) merge: the header they share, every unit held in order,
/// and which shard holds each.
#[derive(Debug, Clone)]
pub struct MergePlan {
    pub preamble: ShardPreamble,
    /// `[i]`: the index of the shard holding `preamble.units[i]`.
    pub holder: Vec<usize>,
}

impl MergePlan {
    /// The units (replications or levels) no shard holds (empty when complete).
    pub fn missing_units(&self) -> Vec<u32> {
        let mut held = self.preamble.units.iter().peekable();
        (0..self.preamble.header.units)
            .filter(|unit| {
                if held.peek() == Some(&unit) {
                    held.next();
                    false
                } else {
                    true
                }
            })
            .collect()
    }
}

/// Plans the merge of shards (`(name, preamble)`, names for messages) from their preambles
/// alone: refuses shards of different runs, or a unit held twice. Nothing is read beyond the
/// preambles, so a merge reads each shard's records once, as their turn comes.
pub fn plan_merge(shards: &[(&str, &ShardPreamble)]) -> Result<MergePlan, String> {
    let Some(&(first_name, first)) = shards.first() else {
        return Err("no shards to merge".into());
    };
    let header = &first.header;
    for &(name, shard) in &shards[1..] {
        let differs = |what: &str, theirs: String, ours: String| {
            Err(format!(
                "{name} is of another run than {first_name}: its {what} is {theirs}, not {ours}"
            ))
        };
        let other = &shard.header;
        if other.omnisim_version != header.omnisim_version {
            return differs(
                "omnisim version",
                other.omnisim_version.clone(),
                header.omnisim_version.clone(),
            );
        }
        if other.command != header.command {
            return differs("command", other.command.clone(), header.command.clone());
        }
        if other.seed != header.seed {
            return differs("seed", other.seed.to_string(), header.seed.to_string());
        }
        if other.units != header.units {
            let what = if header.command == "sweep" {
                "level count"
            } else {
                "replication count"
            };
            return differs(what, other.units.to_string(), header.units.to_string());
        }
        if other.scenario_fingerprint != header.scenario_fingerprint
            || other.invocation != header.invocation
            || shard.paired != first.paired
        {
            return differs(
                "scenario or command line (its settings or files changed)",
                format!(
                    "{} {}",
                    other.scenario_name,
                    &other.scenario_fingerprint[..12.min(other.scenario_fingerprint.len())]
                ),
                format!(
                    "{} {}",
                    header.scenario_name,
                    &header.scenario_fingerprint[..12.min(header.scenario_fingerprint.len())]
                ),
            );
        }
    }
    let mut held: Vec<(u32, usize)> = shards
        .iter()
        .enumerate()
        .flat_map(|(shard_idx, (_, shard))| shard.units.iter().map(move |&unit| (unit, shard_idx)))
        .collect();
    held.sort_unstable();
    let what = if header.command == "sweep" {
        "level"
    } else {
        "replication"
    };
    for pair in held.windows(2) {
        if pair[0].0 == pair[1].0 {
            return Err(format!(
                "{what} {} is in both {} and {}; give each shard once",
                pair[0].0, shards[pair[0].1].0, shards[pair[1].1].0
            ));
        }
    }
    Ok(MergePlan {
        preamble: ShardPreamble {
            header: header.clone(),
            units: held.iter().map(|&(unit, _)| unit).collect(),
            paired: first.paired,
        },
        holder: held.iter().map(|&(_, shard_idx)| shard_idx).collect(),
    })
}

/// Hands `each` the records of the shards `readers` (opened in `plan`'s order) section by
/// section, each section in unit order, then checks every shard ends where it should: what
/// a merge reads, one record in memory at a time.
pub fn merged_records<R: Read>(
    plan: &MergePlan,
    readers: &mut [ShardReader<R>],
    mut each: impl FnMut(&str, RawRecord) -> Result<(), String>,
) -> Result<(), String> {
    for _ in RecordKind::sections(&plan.preamble) {
        for &holder in &plan.holder {
            let reader = &mut readers[holder];
            let record = reader.next_expected()?;
            each(&reader.name, record)?;
        }
    }
    readers.iter_mut().try_for_each(ShardReader::finish)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_specs() {
        let spec = ShardSpec::parse("1/3").unwrap();
        assert_eq!(spec.units(8), [1, 4, 7]);
        assert_eq!(ShardSpec::parse("0/1").unwrap().units(3), [0, 1, 2]);
        assert!(ShardSpec::parse("3/3").is_err());
        assert!(ShardSpec::parse("0/0").is_err());
        assert!(ShardSpec::parse("a/3").is_err());
        assert!(ShardSpec::parse("3").is_err());
        assert_eq!(spec.file_name(), "shard-0001-of-0003.omnisim-shard");
    }

    /// A header for tests of shards of `command` over `units`, with this seed.
    pub(crate) fn header(command: &str, units: u32, seed: u64) -> ShardHeader {
        ShardHeader {
            omnisim_version: "0".into(),
            scenario_name: "s".into(),
            scenario_fingerprint: "f".repeat(64),
            seed,
            command: command.into(),
            units,
            invocation: Vec::new(),
            working_directory: String::new(),
        }
    }

    #[test]
    fn merges_are_planned_from_the_preambles() {
        let preamble = |units: Vec<u32>, seed: u64| ShardPreamble {
            header: header("run", 6, seed),
            units,
            paired: false,
        };
        let (a, b) = (preamble(vec![0, 2, 4], 1), preamble(vec![1, 3], 1));
        let plan = plan_merge(&[("a", &a), ("b", &b)]).unwrap();
        assert_eq!(plan.preamble.units, [0, 1, 2, 3, 4]);
        assert_eq!(plan.holder, [0, 1, 0, 1, 0]);
        assert_eq!(plan.missing_units(), [5]);
        let twice = plan_merge(&[("a", &a), ("b", &b), ("c", &a)]).unwrap_err();
        assert!(
            twice.contains("replication 0 is in both a and c"),
            "{twice}"
        );
        let other_seed = preamble(vec![5], 2);
        let refused = plan_merge(&[("a", &a), ("x", &other_seed)]).unwrap_err();
        assert!(
            refused.contains("x is of another run than a: its seed is 2, not 1"),
            "{refused}"
        );
    }
}
