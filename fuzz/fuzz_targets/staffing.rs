//! A staffing file (as `omnisim plan` writes) applied to the example week: any input is
//! applied or refused with problems, never a panic.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use omnisim::scenario::Scenario;

fn base() -> &'static Scenario {
    static BASE: OnceLock<Scenario> = OnceLock::new();
    BASE.get_or_init(|| {
        omnisim::scenario::parse_scenario_str(
            include_str!("../../scenarios/routing_rules.toml"),
            "routing_rules",
        )
        .expect("the example scenario is valid")
    })
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = omnisim::scenario::staffing::apply_staffing_str(base().clone(), text);
    }
});
