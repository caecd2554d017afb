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

use std::io::{Read, Write};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::engine::ReplicationResult;
use crate::scenario::Scenario;
use crate::sweep::SweepLevel;

/// The first bytes of every shard file (the number is the format's).
const MAGIC: &[u8] = b"omnisim shard 2\n";

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

/// The first record a shard file holds after its magic line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardPreamble {
    pub header: ShardHeader,
    /// The replication numbers (or level positions) held, ascending.
    pub units: Vec<u32>,
    /// Whether each replication comes with its paired base result (a run with disruptions:
    /// the same replication without them; a comparison: the base scenario's).
    pub paired: bool,
}

/// What a record of a shard file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    /// A run's replication (a comparison's candidate).
    Result,
    /// The paired base replication (`ShardPreamble::paired`).
    BaseResult,
    /// A sweep's staffing level, with all its replications.
    Level,
}

impl RecordKind {
    fn tag(self) -> u8 {
        match self {
            RecordKind::Result => 1,
            RecordKind::BaseResult => 2,
            RecordKind::Level => 3,
        }
    }

    fn from_tag(tag: u8) -> Option<RecordKind> {
        match tag {
            1 => Some(RecordKind::Result),
            2 => Some(RecordKind::BaseResult),
            3 => Some(RecordKind::Level),
            _ => None,
        }
    }

    /// The sections a shard of this preamble holds, in file order.
    pub fn sections(preamble: &ShardPreamble) -> &'static [RecordKind] {
        if preamble.header.command == "sweep" {
            &[RecordKind::Level]
        } else if preamble.paired {
            &[RecordKind::Result, RecordKind::BaseResult]
        } else {
            &[RecordKind::Result]
        }
    }

    fn describe(self, unit: u32) -> String {
        match self {
            RecordKind::Result => format!("replication {unit}"),
            RecordKind::BaseResult => format!("replication {unit}'s paired base run"),
            RecordKind::Level => format!("level {unit}"),
        }
    }
}

/// The tag of the record that ends a shard file (and says how many came before it).
const END_TAG: u8 = 0;

/// One record as stored: its kind, its unit and its postcard encoding, decoded only when
/// its turn comes (and never when merged shards are merged into one file).
#[derive(Debug, Clone)]
pub struct RawRecord {
    pub kind: RecordKind,
    pub unit: u32,
    payload: Vec<u8>,
}

impl RawRecord {
    /// The replication this record holds (a `Result` or `BaseResult`).
    pub fn result(&self) -> Result<ReplicationResult, String> {
        postcard::from_bytes(&self.payload).map_err(|error| {
            format!(
                "{} does not decode ({error})",
                self.kind.describe(self.unit)
            )
        })
    }

    /// The level this record holds (a `Level`).
    pub fn level(&self) -> Result<SweepLevel, String> {
        postcard::from_bytes(&self.payload).map_err(|error| {
            format!(
                "{} does not decode ({error})",
                self.kind.describe(self.unit)
            )
        })
    }
}

/// Writes a shard file as its results come: the magic line, the preamble, then each
/// section's records in unit order (results, then paired base results; or levels), then an
/// end record with the count, so that a file cut short is recognised. Holds no result.
pub struct ShardWriter<W: Write> {
    out: W,
    records: u64,
    scratch: Vec<u8>,
}

impl<W: Write> ShardWriter<W> {
    pub fn start(mut out: W, preamble: &ShardPreamble) -> std::io::Result<ShardWriter<W>> {
        out.write_all(MAGIC)?;
        let bytes = postcard::to_stdvec(preamble).expect("a preamble always encodes");
        out.write_all(&(bytes.len() as u64).to_le_bytes())?;
        out.write_all(&bytes)?;
        Ok(ShardWriter {
            out,
            records: 0,
            scratch: Vec::new(),
        })
    }

    /// Appends a replication's result as a record of `kind` (`Result` or `BaseResult`).
    pub fn result(&mut self, kind: RecordKind, result: &ReplicationResult) -> std::io::Result<()> {
        self.encoded(kind, result.replication, result)
    }

    /// Appends a sweep level at position `unit`.
    pub fn level(&mut self, unit: u32, level: &SweepLevel) -> std::io::Result<()> {
        self.encoded(RecordKind::Level, unit, level)
    }

    fn encoded(
        &mut self,
        kind: RecordKind,
        unit: u32,
        value: &impl Serialize,
    ) -> std::io::Result<()> {
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        let scratch = postcard::to_extend(value, scratch).expect("results always encode");
        self.frame(kind.tag(), unit, &scratch)?;
        self.scratch = scratch;
        Ok(())
    }

    /// Appends a record read from another shard, as it was.
    pub fn raw(&mut self, record: &RawRecord) -> std::io::Result<()> {
        self.frame(record.kind.tag(), record.unit, &record.payload)
    }

    fn frame(&mut self, tag: u8, unit: u32, payload: &[u8]) -> std::io::Result<()> {
        self.out.write_all(&[tag])?;
        self.out.write_all(&unit.to_le_bytes())?;
        self.out.write_all(&(payload.len() as u64).to_le_bytes())?;
        self.out.write_all(payload)?;
        self.records += 1;
        Ok(())
    }

    /// Writes the end record; returns the output (to flush and close).
    pub fn finish(mut self) -> std::io::Result<W> {
        let records = self.records;
        self.frame(END_TAG, 0, &records.to_le_bytes())?;
        Ok(self.out)
    }
}

/// Reads a shard file record by record, checking as it goes that the records are the ones
/// its preamble announces, in order, and that the file ends where its writer ended it.
pub struct ShardReader<R: Read> {
    /// The file's name, for messages.
    pub name: String,
    pub preamble: ShardPreamble,
    input: R,
    /// `(section, position in units)` of the next record expected.
    next: (usize, usize),
    records: u64,
}

impl<R: Read> ShardReader<R> {
    /// Reads the magic line and the preamble.
    pub fn open(name: &str, mut input: R) -> Result<ShardReader<R>, String> {
        let mut magic = vec![0u8; MAGIC.len()];
        let not_a_shard = || {
            format!(
                "{name}: not a shard file (it does not start as `omnisim run --shard` writes them)"
            )
        };
        input.read_exact(&mut magic).map_err(|_| not_a_shard())?;
        if magic != MAGIC {
            if magic.starts_with(b"omnisim shard ") {
                return Err(format!(
                    "{name} was written by another omnisim version (its format is `{}`, this one reads `{}`); run the shard again with this omnisim",
                    String::from_utf8_lossy(&magic).trim(),
                    String::from_utf8_lossy(MAGIC).trim()
                ));
            }
            return Err(not_a_shard());
        }
        let damaged = |what: String| format!("{name} is damaged: {what}");
        let length = read_u64(&mut input).map_err(|_| damaged("it ends in its header".into()))?;
        let bytes = read_exactly(&mut input, length)
            .map_err(|_| damaged("it ends in its header".into()))?;
        let preamble: ShardPreamble = postcard::from_bytes(&bytes)
            .map_err(|error| damaged(format!("its header does not decode ({error})")))?;
        let in_order = preamble.units.windows(2).all(|pair| pair[0] < pair[1]);
        if !in_order
            || preamble
                .units
                .iter()
                .any(|&unit| unit >= preamble.header.units)
        {
            return Err(damaged(format!(
                "it lists units out of order or beyond the {} of its run",
                preamble.header.units
            )));
        }
        Ok(ShardReader {
            name: name.to_string(),
            preamble,
            input,
            next: (0, 0),
            records: 0,
        })
    }

    /// The kind and unit of the record expected next, `None` when the end record is.
    pub fn expected(&self) -> Option<(RecordKind, u32)> {
        let sections = RecordKind::sections(&self.preamble);
        let (section, position) = self.next;
        if position < self.preamble.units.len() && section < sections.len() {
            Some((sections[section], self.preamble.units[position]))
        } else {
            None
        }
    }

    /// The next record, which must be `expected()`; `Ok(None)` after the end record.
    pub fn next_record(&mut self) -> Result<Option<RawRecord>, String> {
        let damaged = |what: String| format!("{} is damaged: {what}", self.name);
        let expected = self.expected();
        let cut_short = |expected: Option<(RecordKind, u32)>| match expected {
            Some((kind, unit)) => damaged(format!(
                "it ends before {} (a shard whose job was stopped while writing?)",
                kind.describe(unit)
            )),
            None => damaged("it ends before its end record".into()),
        };
        let mut tag = [0u8; 1];
        self.input
            .read_exact(&mut tag)
            .map_err(|_| cut_short(expected))?;
        let mut unit = [0u8; 4];
        self.input
            .read_exact(&mut unit)
            .map_err(|_| cut_short(expected))?;
        let unit = u32::from_le_bytes(unit);
        let length = read_u64(&mut self.input).map_err(|_| cut_short(expected))?;
        let payload = read_exactly(&mut self.input, length).map_err(|_| cut_short(expected))?;
        if tag[0] == END_TAG {
            let counted = payload
                .try_into()
                .map(u64::from_le_bytes)
                .map_err(|_| damaged("its end record is malformed".into()))?;
            return match expected {
                None if counted == self.records => Ok(None),
                None => Err(damaged(format!(
                    "its end record counts {counted} records, not {}",
                    self.records
                ))),
                Some((kind, unit)) => Err(damaged(format!(
                    "it ends where {} should be",
                    kind.describe(unit)
                ))),
            };
        }
        let found = RecordKind::from_tag(tag[0])
            .ok_or_else(|| damaged(format!("it holds a record of unknown kind {}", tag[0])))?;
        match expected {
            Some((kind, expected_unit)) if kind == found && expected_unit == unit => {}
            Some((kind, expected_unit)) => {
                return Err(damaged(format!(
                    "it holds {} where {} should be",
                    found.describe(unit),
                    kind.describe(expected_unit)
                )));
            }
            None => {
                return Err(damaged(format!(
                    "it holds {} after its last unit",
                    found.describe(unit)
                )));
            }
        }
        self.next.1 += 1;
        if self.next.1 == self.preamble.units.len() {
            self.next = (self.next.0 + 1, 0);
        }
        self.records += 1;
        Ok(Some(RawRecord {
            kind: found,
            unit,
            payload,
        }))
    }

    /// The record expected next, as `next_record`, when one is expected.
    pub fn next_expected(&mut self) -> Result<RawRecord, String> {
        self.next_record()?
            .ok_or_else(|| format!("{} ends early", self.name))
    }

    /// Reads the end record (after the last expected record).
    pub fn finish(&mut self) -> Result<(), String> {
        match self.next_record()? {
            None => Ok(()),
            Some(record) => Err(format!(
                "{} is damaged: it holds {} after its last unit",
                self.name,
                record.kind.describe(record.unit)
            )),
        }
    }
}

fn read_u64(input: &mut impl Read) -> std::io::Result<u64> {
    let mut bytes = [0u8; 8];
    input.read_exact(&mut bytes)?;
    Ok(u64::from_le_bytes(bytes))
}

/// Exactly `length` bytes, allocated as they arrive (a damaged length cannot ask for more
/// memory than the file holds).
fn read_exactly(input: &mut impl Read, length: u64) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    input.take(length).read_to_end(&mut bytes)?;
    if bytes.len() as u64 == length {
        Ok(bytes)
    } else {
        Err(std::io::ErrorKind::UnexpectedEof.into())
    }
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

    fn header(command: &str, units: u32, seed: u64) -> ShardHeader {
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

    /// Replications `units` of a one-hour M/M/2.
    fn results(units: &[u32]) -> Vec<ReplicationResult> {
        let scenario = crate::scenario::parse_scenario_str(
            "[simulation]\nhorizon = \"1h\"\nreplications = 8\nseed = 1\n[channels.phone]\nkind = \"voice\"\nsla = { within = \"20s\", target = 0.8 }\nhandle_time = { distribution = \"exponential\", mean = \"3m\" }\n[arrivals.phone]\nrate_per_hour = 30\n[groups.agents]\nheadcount = 2\nchannels = [\"phone\"]\n",
            "test",
        )
        .expect("a valid scenario");
        let layout = crate::engine::layout::RoutingLayout::new(&scenario);
        units
            .iter()
            .map(|&unit| crate::engine::run_replication(&scenario, &layout, unit))
            .collect()
    }

    /// A shard file of `units` (paired: each result twice), its records written in `order`
    /// (indices into `units`, per section).
    fn shard_bytes(units: &[u32], paired: bool, order: &[usize]) -> Vec<u8> {
        let preamble = ShardPreamble {
            header: header("run", 8, 1),
            units: units.to_vec(),
            paired,
        };
        let results = results(units);
        let mut writer = ShardWriter::start(Vec::new(), &preamble).unwrap();
        let kinds: &[RecordKind] = if paired {
            &[RecordKind::Result, RecordKind::BaseResult]
        } else {
            &[RecordKind::Result]
        };
        for &kind in kinds {
            for &idx in order {
                writer.result(kind, &results[idx]).unwrap();
            }
        }
        writer.finish().unwrap()
    }

    /// Reads a whole shard: the (kind, unit) of each record, or the first refusal.
    fn read_all(bytes: &[u8]) -> Result<Vec<(RecordKind, u32)>, String> {
        let mut reader = ShardReader::open("a", bytes)?;
        let mut seen = Vec::new();
        while let Some(record) = reader.next_record()? {
            assert_eq!(record.result()?.replication, record.unit);
            seen.push((record.kind, record.unit));
        }
        Ok(seen)
    }

    #[track_caller]
    fn check(bytes: &[u8], expected: Result<&[(RecordKind, u32)], &str>) {
        match (read_all(bytes), expected) {
            (Ok(seen), Ok(expected)) => assert_eq!(seen, expected),
            (Err(reason), Err(fragment)) => {
                assert!(reason.contains(fragment), "{reason:?} lacks {fragment:?}")
            }
            (got, expected) => panic!("read {got:?}, expected {expected:?}"),
        }
    }

    #[test]
    fn shard_files_read_back_as_written_and_refuse_what_is_not_whole() {
        use RecordKind::{BaseResult, Result as Replication};
        check(
            &shard_bytes(&[1, 4], false, &[0, 1]),
            Ok(&[(Replication, 1), (Replication, 4)]),
        );
        check(
            &shard_bytes(&[1, 4], true, &[0, 1]),
            Ok(&[
                (Replication, 1),
                (Replication, 4),
                (BaseResult, 1),
                (BaseResult, 4),
            ]),
        );
        check(&shard_bytes(&[], false, &[]), Ok(&[]));
        check(
            &shard_bytes(&[1, 4], false, &[1, 0]),
            Err("a is damaged: it holds replication 4 where replication 1 should be"),
        );
        check(
            &shard_bytes(&[1, 4], false, &[0]),
            Err("a is damaged: it ends where replication 4 should be"),
        );
        check(
            &shard_bytes(&[1, 4], false, &[0, 1, 1]),
            Err("a is damaged: it holds replication 4 after its last unit"),
        );
        check(b"hello", Err("a: not a shard file"));
        check(
            b"omnisim shard 1\n...",
            Err("a was written by another omnisim version"),
        );
    }

    /// Every cut of a shard file short of its end is refused by name, never a panic and never
    /// read as whole: a job stopped while writing leaves no shard that merges.
    #[test]
    fn a_shard_cut_anywhere_is_refused() {
        let whole = shard_bytes(&[0, 3, 6], true, &[0, 1, 2]);
        for cut in 0..whole.len() {
            let reason = read_all(&whole[..cut]).expect_err("a cut shard is refused");
            assert!(
                reason.contains("a is damaged") || reason.contains("not a shard file"),
                "cut at {cut}: {reason}"
            );
        }
        assert!(read_all(&whole).is_ok());
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
