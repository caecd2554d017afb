//! An overlay merged onto a scenario: the input is the base, a line `#---`, then the
//! overlay. Merging reports problems or gives a document that validates or not; no panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (base, overlay) = text.split_once("\n#---\n").unwrap_or((text, ""));
    let (Ok(mut base), Ok(overlay)) = (base.parse::<toml::Table>(), overlay.parse::<toml::Table>())
    else {
        return;
    };
    if !omnisim::scenario::overlay::merge_tables(&mut base, overlay).is_empty() {
        return;
    }
    if let Ok(merged) = toml::to_string(&base) {
        let _ = omnisim::scenario::parse_scenario_str(&merged, "fuzz");
    }
});
