//! Shards: a run's replications (or a sweep's levels) spread over machines (a Slurm array,
//! a Kubernetes Indexed Job, GNU parallel) and merged back exactly. Replication `r` draws only from the streams of
//! (seed, r), so it is the same wherever it runs; a shard holds every result a merge needs
//! (each replication's counters, histograms' quantiles and flows, and with disruptions the
//! paired base run's), and the merge hands them to the same summary and output code as a
//! whole run, in replication order: the outputs are byte for byte those of the unsharded run.
//!
//! Shard `i` of `n` runs the replications `r` with `r % n == i` (balanced however many there
//! are). A shard file is a short magic line and a postcard encoding of `Shard` (postcard
//! keeps every `f64` bit for bit, NaN included, which JSON cannot). Merging checks that the
//! shards are of the same scenario (a fingerprint of the validated scenario), seed, version
//! and replication count, and that none is missing or given twice. Merging merged shards
//! gives the same result, so merges can be staged. A comparison shards by replication
//! like a run (each shard runs both sides). A sweep shards by staffing level
//! instead: shard `i` runs the levels at positions `p % n == i`, each with all its
//! replications, and the merge puts the levels back in order.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::engine::ReplicationResult;
use crate::scenario::Scenario;
use crate::sweep::SweepLevel;

/// The first bytes of every shard file.
const MAGIC: &[u8] = b"omnisim shard 1\n";

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

/// Some replications of a run (or levels of a sweep), with their results.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Shard {
    pub header: ShardHeader,
    /// The replication numbers (or level positions) held, ascending.
    pub units: Vec<u32>,
    /// A run's: the replications' results, in that order.
    pub results: Vec<ReplicationResult>,
    /// A run's, with disruptions: the same replications of the scenario without them.
    pub base_results: Vec<ReplicationResult>,
    /// A sweep's: the levels' figures, in that order.
    pub levels: Vec<SweepLevel>,
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

pub fn encode(shard: &Shard) -> Vec<u8> {
    let mut bytes = MAGIC.to_vec();
    bytes.extend(postcard::to_stdvec(shard).expect("a shard always encodes"));
    bytes
}

pub fn decode(bytes: &[u8]) -> Result<Shard, String> {
    let payload = bytes
        .strip_prefix(MAGIC)
        .ok_or("not a shard file (it does not start as `omnisim run --shard` writes them)")?;
    postcard::from_bytes(payload)
        .map_err(|error| format!("the shard is damaged or from another omnisim version ({error})"))
}

/// What a shard holds of one unit.
enum Held {
    Replication(Box<(ReplicationResult, Option<ReplicationResult>)>),
    Level(SweepLevel),
}

/// Combines shards of one run (or sweep) into one shard, units in order. `names` name the
/// shards in messages. Refuses shards of different runs, or with a unit twice.
pub fn merge(shards: Vec<(String, Shard)>) -> Result<Shard, String> {
    let mut shards = shards.into_iter();
    let Some((first_name, first)) = shards.next() else {
        return Err("no shards to merge".into());
    };
    let header = first.header.clone();
    let mut held: Vec<(u32, Held, String)> = Vec::new();
    let mut add = |name: &str, shard: Shard| -> Result<(), String> {
        check_contents(name, &shard)?;
        let mut base = shard.base_results.into_iter();
        let mut results = shard.results.into_iter();
        let mut levels = shard.levels.into_iter();
        for unit in shard.units {
            let item = match (results.next(), levels.next()) {
                (Some(result), _) => Held::Replication(Box::new((result, base.next()))),
                (None, Some(level)) => Held::Level(level),
                (None, None) => unreachable!("check_contents counted them"),
            };
            held.push((unit, item, name.to_string()));
        }
        Ok(())
    };
    add(&first_name, first)?;
    for (name, shard) in shards {
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
        {
            return differs(
                "scenario or command line (its settings or files changed)",
                format!(
                    "{} {}",
                    other.scenario_name,
                    &other.scenario_fingerprint[..12]
                ),
                format!(
                    "{} {}",
                    header.scenario_name,
                    &header.scenario_fingerprint[..12]
                ),
            );
        }
        add(&name, shard)?;
    }
    held.sort_by_key(|(unit, ..)| *unit);
    let what = if header.command == "sweep" {
        "level"
    } else {
        "replication"
    };
    for pair in held.windows(2) {
        if pair[0].0 == pair[1].0 {
            return Err(format!(
                "{what} {} is in both {} and {}; give each shard once",
                pair[0].0, pair[0].2, pair[1].2
            ));
        }
    }
    let mut merged = Shard {
        header,
        units: Vec::with_capacity(held.len()),
        results: Vec::new(),
        base_results: Vec::new(),
        levels: Vec::new(),
    };
    for (unit, item, _) in held {
        merged.units.push(unit);
        match item {
            Held::Replication(pair) => {
                let (result, base) = *pair;
                merged.results.push(result);
                merged.base_results.extend(base);
            }
            Held::Level(level) => merged.levels.push(level),
        }
    }
    Ok(merged)
}

/// Refuses a shard whose lists do not match its units (a file damaged or written by hand
/// that still decodes): one result (a sweep: one level) per unit, every unit in range.
fn check_contents(name: &str, shard: &Shard) -> Result<(), String> {
    let units = shard.units.len();
    let (held, base) = if shard.header.command == "sweep" {
        (shard.levels.len(), 0)
    } else {
        (shard.results.len(), shard.base_results.len())
    };
    let in_range = shard.units.iter().all(|&unit| unit < shard.header.units);
    if held != units || (base != 0 && base != units) || !in_range {
        return Err(format!(
            "{name} is damaged: it lists {units} of {} units but holds {held} results ({base} paired)",
            shard.header.units
        ));
    }
    Ok(())
}

/// The units (replications or levels) a merged shard still lacks (empty when complete).
pub fn missing_units(shard: &Shard) -> Vec<u32> {
    let mut held = shard.units.iter().peekable();
    (0..shard.header.units)
        .filter(|replication| {
            if held.peek() == Some(&replication) {
                held.next();
                false
            } else {
                true
            }
        })
        .collect()
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

    /// A shard that decodes but lists more units than it holds results is refused, not a
    /// panic.
    #[test]
    fn a_damaged_shard_is_refused() {
        let header = ShardHeader {
            omnisim_version: "0".into(),
            scenario_name: "s".into(),
            scenario_fingerprint: "f".repeat(64),
            seed: 1,
            command: "sweep".into(),
            units: 2,
            invocation: Vec::new(),
            working_directory: String::new(),
        };
        let shard = |units: Vec<u32>| Shard {
            header: header.clone(),
            units,
            results: Vec::new(),
            base_results: Vec::new(),
            levels: Vec::new(),
        };
        let refused = |units: Vec<u32>| merge(vec![("a".into(), shard(units))]).unwrap_err();
        assert!(refused(vec![0]).contains("a is damaged: it lists 1 of 2 units but holds 0"));
        assert!(merge(vec![("a".into(), shard(Vec::new()))]).is_ok());
    }
}
