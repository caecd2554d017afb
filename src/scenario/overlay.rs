//! Scenario overlays: partial scenario files layered on a base, so a planner keeps one base
//! and many what-ifs (`omnisim run base.toml --with outage.toml --with sickout.toml`).
//!
//! Merging works on the TOML documents before validation:
//! - tables merge key by key, recursively;
//! - arrays of tables (`[[events]]`, `[[overflow]]`, `[[handoffs]]`, `[[routing.rules]]`,
//!   `[[groups.NAME.shifts]]`, `[[duplicates]]`) append the overlay's entries after the base's;
//! - any other value (a number, a string, a list of numbers) replaces the base's.
//!
//! An overlay may change channels, arrivals and groups but not add them: naming a channel or
//! group the base lacks is an error naming it (a misspelt name would otherwise add a new
//! entity silently). The merged document is then validated like any scenario. Pure: the
//! files are read by `load.rs`.

use crate::error::ScenarioProblem;

/// Tables whose keys name entities: an overlay may only use names the base has.
/// (`arrivals` keys name channels.)
const NAMED_TABLES: [(&str, &str, &str); 3] = [
    ("channels", "channels", "channel"),
    ("arrivals", "channels", "channel"),
    ("groups", "groups", "group"),
];

/// Merges `overlay` into `base`; problems name the overlay's key paths.
pub fn merge_tables(base: &mut toml::Table, overlay: toml::Table) -> Vec<ScenarioProblem> {
    let mut problems = Vec::new();
    for (table, names_from, what) in NAMED_TABLES {
        let Some(toml::Value::Table(overlay_entries)) = overlay.get(table) else {
            continue;
        };
        let known: Vec<String> = match base.get(names_from) {
            Some(toml::Value::Table(entries)) => entries.keys().cloned().collect(),
            _ => Vec::new(),
        };
        for name in overlay_entries.keys() {
            if !known.contains(name) {
                problems.push(ScenarioProblem::new(
                    format!("{table}.{name}"),
                    format!(
                        "the base scenario has no {what} \"{name}\" (it has: {}); an overlay changes what the base defines",
                        known.join(", ")
                    ),
                ));
            }
        }
    }
    if problems.is_empty() {
        merge_into(base, overlay);
    }
    problems
}

fn merge_into(base: &mut toml::Table, overlay: toml::Table) {
    for (key, value) in overlay {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(base_table)), toml::Value::Table(overlay_table)) => {
                merge_into(base_table, overlay_table);
            }
            (Some(toml::Value::Array(base_items)), toml::Value::Array(overlay_items))
                if is_array_of_tables(base_items) && is_array_of_tables(&overlay_items) =>
            {
                base_items.extend(overlay_items);
            }
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

fn is_array_of_tables(items: &[toml::Value]) -> bool {
    items.iter().all(toml::Value::is_table)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> toml::Table {
        text.parse().expect("test TOML parses")
    }

    #[track_caller]
    fn check(base: &str, overlay: &str, expected: Result<&str, &[&str]>) {
        let mut merged = table(base);
        let problems = merge_tables(&mut merged, table(overlay));
        match expected {
            Ok(want) => {
                assert!(problems.is_empty(), "{problems:?}");
                assert_eq!(merged, table(want));
            }
            Err(keys) => {
                let got: Vec<&str> = problems.iter().map(|p| p.key.as_str()).collect();
                assert_eq!(got, keys, "{problems:?}");
            }
        }
    }

    const BASE: &str = r#"
        [simulation]
        horizon = "7d"
        seed = 1
        [channels.chat]
        kind = "messaging"
        [groups.digital]
        channels = ["chat"]
        headcount = [1, 2]
        [[events]]
        kind = "absence"
    "#;

    #[test]
    fn tables_merge_by_key_and_values_replace() {
        check(
            BASE,
            "[simulation]\nseed = 9\n[groups.digital]\nheadcount = [3]\nshrinkage = 0.2",
            Ok(r#"
                [simulation]
                horizon = "7d"
                seed = 9
                [channels.chat]
                kind = "messaging"
                [groups.digital]
                channels = ["chat"]
                headcount = [3]
                shrinkage = 0.2
                [[events]]
                kind = "absence"
            "#),
        );
    }

    #[test]
    fn arrays_of_tables_append() {
        check(
            BASE,
            "[[events]]\nkind = \"volume_spike\"\n[[overflow]]\nfrom = \"chat\"",
            Ok(r#"
                [simulation]
                horizon = "7d"
                seed = 1
                [channels.chat]
                kind = "messaging"
                [groups.digital]
                channels = ["chat"]
                headcount = [1, 2]
                [[events]]
                kind = "absence"
                [[events]]
                kind = "volume_spike"
                [[overflow]]
                from = "chat"
            "#),
        );
    }

    #[test]
    fn names_the_base_lacks_are_errors() {
        check(
            BASE,
            "[channels.chatt]\nkind = \"voice\"\n[groups.tier9]\nheadcount = 1\n[arrivals.sms]\nrate_per_hour = 1\n[arrivals.chat]\nrate_per_hour = 2",
            Err(&["channels.chatt", "arrivals.sms", "groups.tier9"]),
        );
    }
}
