//! Scenario text, parsed and validated: any input gives a scenario or a list of problems,
//! never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = omnisim::scenario::parse_scenario_str(text, "fuzz");
    }
});
