//! A headcount CSV file: any bytes as the file a group's `headcount_file` names give a
//! per-interval headcount or problems naming the key, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use omnisim::scenario::{SideFile, SideFiles, parse_scenario};

const SCENARIO: &str = r#"
[simulation]
horizon = "1d"
interval = "1h"

[channels.phone]
kind = "voice"
sla = { within = "20s", target = 0.8 }
handle_time = { distribution = "exponential", mean = "3m" }

[arrivals.phone]
rate_per_hour = 60

[groups.agents]
headcount_file = "staff.csv"
headcount_column = "agents"
channels = ["phone"]
"#;

fuzz_target!(|data: &[u8]| {
    let mut side_files = SideFiles::default();
    side_files.insert(
        "staff.csv",
        SideFile {
            shown_path: "staff.csv".into(),
            text: String::from_utf8(data.to_vec()).map_err(|_| "not UTF-8 text".to_string()),
            role: "headcount_file",
        },
    );
    let _ = parse_scenario(SCENARIO, "fuzz", &side_files);
});
