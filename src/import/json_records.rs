//! The records of a JSON export, one at a time, whatever its shape: an array of objects, an
//! object whose `records` key holds that array (`{"calls": [...], "meta": {...}}`, as the
//! platforms' APIs page them), or one object per line (Zendesk's full export). Nothing holds
//! more than one record, so a file of any length streams.

use std::fmt;
use std::io::{BufRead, Read};

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// Where a record sat: its line (JSON lines) or its position in the array (1 = first).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RecordPlace {
    Line(u64),
    Record(u64),
}

impl fmt::Display for RecordPlace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordPlace::Line(line) => write!(f, "line {line}"),
            RecordPlace::Record(index) => write!(f, "record {index}"),
        }
    }
}

/// Calls `each` for every record; stops at the first error `each` returns (passed back as
/// `Err(Ok(..))`) or at JSON that cannot be read (`Err(Err(message))`).
///
/// The shape is told from the first line: a whole object there means JSON lines (each line a
/// record, or a saved API page holding `records_key`'s array); anything else is one document,
/// an array of records or an object holding them.
pub fn for_each_json_record<R: Read, E>(
    reader: R,
    records_key: Option<&str>,
    mut each: impl FnMut(RecordPlace, Value) -> Result<(), E>,
) -> Result<(), Result<E, String>> {
    let mut reader = std::io::BufReader::with_capacity(1 << 16, reader);
    let mut first_line = String::new();
    let mut skipped_lines = 0u64;
    loop {
        first_line.clear();
        let read = reader
            .read_line(&mut first_line)
            .map_err(|error| Err(format!("cannot read: {error}")))?;
        if read == 0 {
            return Ok(());
        }
        if !first_line.trim().is_empty() {
            break;
        }
        skipped_lines += 1;
    }
    let first_value = match serde_json::from_str::<Value>(&first_line) {
        Ok(value @ Value::Object(_)) => Some(value),
        _ => None,
    };
    let mut count = 0u64;
    let Some(first_value) = first_value else {
        let leading = first_line.trim_start().as_bytes().first().copied();
        if !matches!(leading, Some(b'[' | b'{')) {
            return Err(Err(format!(
                "a JSON export starts with `[` or `{{`, not `{}`",
                leading.map_or(' ', |b| b as char)
            )));
        }
        let whole = std::io::Cursor::new(first_line.into_bytes()).chain(reader);
        let mut deserializer = serde_json::Deserializer::from_reader(whole);
        let mut failure: Option<E> = None;
        let seed = RecordsSeed {
            records_key,
            each: &mut each,
            failure: &mut failure,
            count: 0,
        };
        let outcome = seed.deserialize(&mut deserializer);
        if let Some(error) = failure {
            return Err(Ok(error));
        }
        return match outcome {
            Ok(true) => deserializer
                .end()
                .map_err(|error| Err(format!("after the records: {error}"))),
            Ok(false) => Err(Err(format!(
                "the export has no `{}` array at its top level",
                records_key.unwrap_or_default()
            ))),
            Err(error) => Err(Err(error.to_string())),
        };
    };
    let mut line_value = |line: u64, value: Value| -> Result<(), Result<E, String>> {
        let page = records_key.and_then(|key| match value.get(key) {
            Some(Value::Array(_)) => Some(key),
            _ => None,
        });
        match (page, value) {
            (Some(key), Value::Object(mut object)) => {
                if let Some(Value::Array(records)) = object.remove(key) {
                    for record in records {
                        count += 1;
                        each(RecordPlace::Record(count), record).map_err(Ok)?;
                    }
                }
                Ok(())
            }
            (_, value) => each(RecordPlace::Line(line), value).map_err(Ok),
        }
    };
    line_value(skipped_lines + 1, first_value)?;
    for (offset, text) in reader.lines().enumerate() {
        let text = text.map_err(|error| Err(format!("cannot read: {error}")))?;
        if text.trim().is_empty() {
            continue;
        }
        let line = skipped_lines + offset as u64 + 2;
        let value: Value =
            serde_json::from_str(&text).map_err(|error| Err(format!("line {line}: {error}")))?;
        line_value(line, value)?;
    }
    Ok(())
}

/// Walks the top level: an array of records, or an object holding one under `records_key`.
/// Yields whether the records were found.
struct RecordsSeed<'a, F, E> {
    records_key: Option<&'a str>,
    each: &'a mut F,
    failure: &'a mut Option<E>,
    count: u64,
}

impl<'de, F, E> DeserializeSeed<'de> for RecordsSeed<'_, F, E>
where
    F: FnMut(RecordPlace, Value) -> Result<(), E>,
{
    type Value = bool;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, F, E> Visitor<'de> for RecordsSeed<'_, F, E>
where
    F: FnMut(RecordPlace, Value) -> Result<(), E>,
{
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of records, or an object holding one")
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<bool, A::Error> {
        while let Some(value) = seq.next_element::<Value>()? {
            self.count += 1;
            if let Err(error) = (self.each)(RecordPlace::Record(self.count), value) {
                *self.failure = Some(error);
                return Err(de::Error::custom("stopped"));
            }
        }
        Ok(true)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        let Some(key) = self.records_key else {
            return Err(de::Error::custom(
                "an object, where an array of records was expected",
            ));
        };
        let mut found = false;
        let mut seed = Some(self);
        while let Some(name) = map.next_key::<String>()? {
            match (name == key, seed.take()) {
                (true, Some(records)) => {
                    found = map.next_value_seed(ArraySeed(records))?;
                }
                (_, unused) => {
                    seed = unused;
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(found)
    }
}

/// The array under the records key.
struct ArraySeed<'a, F, E>(RecordsSeed<'a, F, E>);

impl<'de, F, E> DeserializeSeed<'de> for ArraySeed<'_, F, E>
where
    F: FnMut(RecordPlace, Value) -> Result<(), E>,
{
    type Value = bool;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_seq(self.0)
    }
}

/// The text of a dotted path (`via.channel`, `user.name`) in a record: strings as they are,
/// numbers and booleans written out, `null` and absent keys as `None`. A key holding the
/// whole dotted name (`"first reply.minutes"`) is found too.
pub fn value_at_path(record: &Value, path: &str) -> Option<String> {
    let found = record.get(path).or_else(|| {
        path.split('.').try_fold(record, |value, key| match value {
            Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => value.get(key),
        })
    })?;
    match found {
        Value::Null => None,
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        other => Some(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(text: &str, key: Option<&str>) -> Result<Vec<(String, String)>, String> {
        let mut seen = Vec::new();
        for_each_json_record(text.as_bytes(), key, |place, value| {
            seen.push((
                place.to_string(),
                value_at_path(&value, "a.b").unwrap_or_default(),
            ));
            Ok::<(), ()>(())
        })
        .map_err(|error| error.unwrap_err())?;
        Ok(seen)
    }

    #[test]
    fn arrays_wrapped_arrays_and_json_lines_give_the_same_records() {
        let expected = |unit: &str| {
            let first = if unit == "line" { 2 } else { 1 };
            vec![
                (format!("{unit} {}", first), "1".to_string()),
                (format!("{unit} {}", first + 1), "x".to_string()),
            ]
        };
        assert_eq!(
            ids(r#"[{"a":{"b":1}},{"a":{"b":"x"}}]"#, None).unwrap(),
            expected("record")
        );
        assert_eq!(
            ids(
                r#"{"meta":{"calls":[9]},"calls":[{"a":{"b":1}},{"a":{"b":"x"}}],"links":null}"#,
                Some("calls")
            )
            .unwrap(),
            expected("record")
        );
        assert_eq!(
            ids("\n{\"a\":{\"b\":1}}\n{\"a\":{\"b\":\"x\"}}\n\n", None).unwrap(),
            expected("line")
        );
        // Pretty-printed, as an API returns it.
        assert_eq!(
            ids(
                "{\n \"calls\": [\n  {\"a\": {\"b\": 1}},\n  {\"a\": {\"b\": \"x\"}}\n ]\n}\n",
                Some("calls")
            )
            .unwrap(),
            expected("record")
        );
        // API pages saved one per line.
        assert_eq!(
            ids(
                "{\"calls\":[{\"a\":{\"b\":1}}]}\n{\"calls\":[{\"a\":{\"b\":\"x\"}}]}\n",
                Some("calls")
            )
            .unwrap(),
            expected("record")
        );
        assert!(ids("", None).unwrap().is_empty());
    }

    #[test]
    fn unreadable_json_says_where() {
        let error = ids("{\"a\":1}\n{\"a\":\n", None).unwrap_err();
        assert!(error.starts_with("line 2"), "{error}");
        let error = ids("{\n  \"data\": []\n}\n", Some("calls")).unwrap_err();
        assert!(error.contains("no `calls` array"), "{error}");
        assert!(ids("x", None).unwrap_err().contains("starts with"));
    }

    #[test]
    fn a_failing_callback_stops_the_walk_and_is_returned() {
        let mut calls = 0;
        let result = for_each_json_record(&b"[1,2,3]"[..], None, |_, _| {
            calls += 1;
            if calls == 2 { Err("enough") } else { Ok(()) }
        });
        assert_eq!(result, Err(Ok("enough")));
        assert_eq!(calls, 2);
    }
}
