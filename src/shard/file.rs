//! The shard file: a magic line, a preamble (`ShardPreamble`: the header, the units held and
//! whether results are paired), one record per result (a kind byte, the unit, the payload's
//! length and its postcard encoding, every `f64` bit for bit) in sections (results, then
//! paired base results; or a sweep's levels), each in unit order, and an end record with the
//! count. `ShardWriter` appends records as results come; `ShardReader` hands them back one
//! at a time and refuses, naming the file and the record, a file cut short, a record out of
//! place, or another format version. Neither holds more than one record.

use std::io::{Read, Write};

use serde::{Deserialize, Serialize};

use super::ShardHeader;
use crate::engine::ReplicationResult;
use crate::sweep::SweepLevel;

/// The first bytes of every shard file (the number is the format's).
const MAGIC: &[u8] = b"omnisim shard 2\n";

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shard::tests::header;

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
}
