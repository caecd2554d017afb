//! Rosters: the covering integer program is optimal on instances small enough to check by
//! hand and by brute force; a roster is verified by simulation and patched where a target
//! fails; the shifts.toml it writes runs as the same roster; bad templates exit 2 naming the
//! key with nothing written.

use std::process::Command;

use omnisim::output::Charts;
use omnisim::output::roster::{roster_files, roster_shifts_toml};
use omnisim::plan::PlanOptions;
use omnisim::roster::patterns::{ShiftPattern, shift_patterns};
use omnisim::roster::{
    RosterInput, RosterOptions, SolverLimits, SolverStop, cheapest_cover, roster,
};
use omnisim::scenario::staffing::apply_staffing_str;
use omnisim::scenario::{Headcount, parse_scenario_str};
use omnisim::simulate::Execution;

/// One channel, one group, hourly intervals over a week; `templates` appended.
fn scenario_text(rate_per_hour: f64, templates: &str) -> String {
    format!(
        r#"
[simulation]
horizon = "1d"
interval = "1h"
replications = 10
seed = 7

[channels.phone]
kind = "voice"
sla = {{ within = "20s", target = 0.8 }}
handle_time = {{ distribution = "exponential", mean = "4m" }}

[arrivals.phone]
rate_per_hour = {rate_per_hour}

[groups.agents]
headcount = 1
channels = ["phone"]
cost_per_hour = 1

{templates}
"#
    )
}

/// The cheapest cover of `required` (one per hour of the week) by the templates' patterns.
#[track_caller]
fn check(templates: &str, required: &[(usize, u32)], expected_cost: f64) {
    let scenario = parse_scenario_str(&scenario_text(10.0, templates), "t").unwrap();
    let patterns = shift_patterns(&scenario, 0).unwrap();
    let mut week = vec![0u32; 168];
    for &(hour, count) in required {
        week[hour] = count;
    }
    let cover = cheapest_cover(&patterns, &week, &SolverLimits::default()).unwrap();
    assert_eq!(cover.stop, SolverStop::Optimal, "{cover:?}");
    assert!(
        (cover.cost - expected_cost).abs() < 1e-6,
        "cost {} (expected {expected_cost})",
        cover.cost
    );
    assert!((cover.lower_bound - cover.cost).abs() < 1e-6);
    let floor = on_floor(&patterns, &cover.counts);
    for (hour, &need) in week.iter().enumerate() {
        assert!(floor[hour] + 1e-9 >= f64::from(need), "hour {hour} short");
    }
}

fn on_floor(patterns: &[ShiftPattern], counts: &[u32]) -> Vec<f64> {
    let mut floor = vec![0.0; 168];
    for (pattern, &count) in patterns.iter().zip(counts) {
        for &(t, share) in &pattern.coverage {
            floor[t] += share * f64::from(count);
        }
    }
    floor
}

/// Weekdays 08:00-12:00 need 2 agents, 12:00-16:00 need 3.
fn weekday_requirement() -> Vec<(usize, u32)> {
    (0..5)
        .flat_map(|day| (8..16).map(move |hour| (day * 24 + hour, if hour < 12 { 2 } else { 3 })))
        .collect()
}

#[test]
fn the_cover_is_optimal_on_instances_checked_by_hand() {
    let full = "[[shift_templates]]\nname = \"full\"\nlength = \"8h\"\nstarts = [\"08:00\"]\ndays = \"weekdays\"\n";
    let part = |cost: f64| {
        format!(
            "[[shift_templates]]\nname = \"part\"\nlength = \"4h\"\nstarts = [\"08:00\", \"12:00\"]\ndays = \"weekdays\"\ncost_per_hour = {cost}\n"
        )
    };
    // Part-timers at a 20% premium: two full shifts and one afternoon part-timer, 5 days:
    // 2 x 40 + 1.2 x 20 = 104 (all part-time: 1.2 x 100 = 120; three full: 120).
    check(
        &format!("{full}{}", part(1.2)),
        &weekday_requirement(),
        104.0,
    );
    // At the same price, part-timers waste nothing: 2 x 20 + 3 x 20 = 100.
    check(
        &format!("{full}{}", part(1.0)),
        &weekday_requirement(),
        100.0,
    );
    // Full shifts only: three of them (the afternoon decides), 120.
    check(full, &weekday_requirement(), 120.0);
    // A 9-hour shift with an unpaid hour's break at 12:00 or 13:00 covering one agent
    // 08:00-17:00 except that hour: two shifts with the breaks staggered cover 1 agent all
    // day and cost 2 x 8 x 5 = 80.
    let staggered = "[[shift_templates]]\nname = \"day\"\nlength = \"9h\"\nstarts = [\"08:00\"]\ndays = \"weekdays\"\nbreaks = [{ length = \"1h\", earliest = \"4h\", latest = \"5h\", paid = false }]\n";
    let one_agent: Vec<(usize, u32)> = (0..5)
        .flat_map(|day| (8..17).map(move |hour| (day * 24 + hour, 1)))
        .collect();
    check(staggered, &one_agent, 80.0);
}

#[test]
fn the_cover_matches_brute_force_on_small_instances() {
    // Four start times of a 4-hour shift on Mondays only; every requirement of 0..=2 agents
    // in 8 of Monday's hours, from a fixed list of patterns of need.
    let templates = "[[shift_templates]]\nname = \"four\"\nlength = \"4h\"\nstarts = [\"08:00\", \"09:00\", \"10:00\", \"12:00\"]\ndays = \"monday\"\ndays_per_week = 1\n[[shift_templates]]\nname = \"two\"\nlength = \"2h\"\nstarts = [\"08:00\", \"11:00\", \"14:00\"]\ndays = \"monday\"\ndays_per_week = 1\ncost_per_hour = 1.5\n";
    let scenario = parse_scenario_str(&scenario_text(10.0, templates), "t").unwrap();
    let patterns = shift_patterns(&scenario, 0).unwrap();
    assert_eq!(patterns.len(), 7);
    let needs: [[u32; 8]; 5] = [
        [1, 1, 1, 1, 0, 0, 0, 0],
        [2, 1, 2, 1, 1, 2, 0, 1],
        [0, 2, 2, 2, 2, 1, 1, 1],
        [1, 0, 0, 1, 2, 0, 2, 0],
        [2, 2, 2, 2, 2, 2, 2, 2],
    ];
    for need in needs {
        let mut week = vec![0u32; 168];
        for (k, &n) in need.iter().enumerate() {
            week[8 + k] = n;
        }
        let cover = cheapest_cover(&patterns, &week, &SolverLimits::default()).unwrap();
        // Brute force: every count 0..=2 per pattern (3^7 = 2187 rosters).
        let mut best = f64::INFINITY;
        for code in 0..3usize.pow(7) {
            let counts: Vec<u32> = (0..7).map(|p| (code / 3usize.pow(p)) as u32 % 3).collect();
            let floor = on_floor(&patterns, &counts);
            if week
                .iter()
                .enumerate()
                .all(|(t, &n)| floor[t] + 1e-9 >= f64::from(n))
            {
                let cost: f64 = patterns
                    .iter()
                    .zip(&counts)
                    .map(|(p, &c)| p.weekly_cost * f64::from(c))
                    .sum();
                best = best.min(cost);
            }
        }
        assert!(
            (cover.cost - best).abs() < 1e-6,
            "{need:?}: {} vs brute force {best}",
            cover.cost
        );
    }
}

#[test]
fn a_roster_short_of_agents_is_patched_by_simulation_until_targets_hold() {
    // 60 calls an hour of 4 minutes: Erlang C needs 7 agents for 80% in 20 s. The input asks
    // for 4, so the solved roster fails and verification must add shifts.
    let templates = "[[shift_templates]]\nname = \"day\"\nlength = \"8h\"\nstarts = { from = \"00:00\", to = \"23:00\", every = \"1h\" }\ndays_per_week = 7\n";
    let scenario = parse_scenario_str(&scenario_text(60.0, templates), "t").unwrap();
    let input = RosterInput {
        positions: vec![vec![4; 24]],
        primary_group: vec![Some(0)],
        plan_options: PlanOptions::default(),
    };
    let found = roster(
        &scenario,
        &input,
        &RosterOptions::default(),
        Execution::silent(None),
    )
    .unwrap();
    assert!(!found.rounds.is_empty(), "verification added nothing");
    assert!(found.groups[0].added.iter().sum::<u32>() > 0);
    assert!(found.unmet.is_empty(), "{:?}", found.unmet);
    assert!(found.final_evaluation.all_met());
    // Every hour has at least 6 agents on the floor: Erlang C gives 49% in 20 s with 5 and
    // 76% with 6 (an hour between busier ones can pass at 6, its queue starting short), so
    // no estimate reaches 80% with 5.
    let floor = found.groups[0].on_floor();
    assert!(
        floor[..24].iter().all(|&f| f >= 6.0 - 1e-9),
        "{:?}",
        &floor[..24]
    );

    // The same roster, byte for byte, on one thread and on two.
    let files = |threads| {
        let again = roster(
            &scenario,
            &input,
            &RosterOptions::default(),
            Execution::silent(Some(threads)),
        )
        .unwrap();
        roster_files(&scenario, &again, Charts::Skip).unwrap()
    };
    assert_eq!(files(1), files(2));

    // shifts.toml, read back as a staffing file, is the roster verification ran.
    let text = roster_shifts_toml(&scenario, &found);
    let staffed = apply_staffing_str(scenario.clone(), &text).unwrap();
    let Headcount::Shifts(read_back) = &staffed.groups()[0].headcount else {
        panic!("not shifts: {text}");
    };
    let interval = scenario.simulation().interval_seconds;
    for (hour, &rostered) in floor.iter().enumerate() {
        let from = hour as f64 * interval;
        let agents = read_back.agent_seconds_between(from, from + interval) / interval;
        assert!(
            (agents - rostered).abs() < 1e-9,
            "hour {hour}: {agents} vs {rostered}"
        );
    }
}

/// `omnisim roster` on a scenario file; exit code 2 with every fragment on stderr and no
/// output folder.
#[track_caller]
fn check_refused(scenario: &str, fragments: &[&str]) {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("s.toml");
    std::fs::write(&path, scenario).unwrap();
    let out = directory.path().join("out");
    let output = Command::new(env!("CARGO_BIN_EXE_omnisim"))
        .args(["roster", "--quiet", "--out"])
        .arg(&out)
        .arg(&path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    for fragment in fragments {
        assert!(
            stderr.contains(fragment),
            "stderr lacks {fragment:?}:\n{stderr}"
        );
    }
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!out.exists());
}

#[test]
fn bad_templates_exit_2_naming_the_key() {
    check_refused(
        &scenario_text(20.0, ""),
        &["shift_templates", "has no [[shift_templates]]"],
    );
    // A break longer than the shift.
    check_refused(
        &scenario_text(
            20.0,
            "[[shift_templates]]\nlength = \"4h\"\nstarts = [\"08:00\"]\nbreaks = [{ length = \"5h\", earliest = \"1h\", latest = \"2h\" }]\n",
        ),
        &[
            "shift_templates[0].breaks[0].length",
            "not shorter than the shift",
        ],
    );
    // Calls around the clock, but shifts only start 08:00 and 12:00: the night is uncovered.
    check_refused(
        &scenario_text(
            20.0,
            "[[shift_templates]]\nlength = \"4h\"\nstarts = [\"08:00\", \"12:00\"]\ndays_per_week = 7\n",
        ),
        &[
            "shift_templates",
            "works at Mon 00:00",
            "add start times or days that cover them",
        ],
    );
}

#[test]
fn a_plan_file_of_another_scenario_or_shape_is_refused() {
    use omnisim::roster::roster_input_from_plan_json;
    let scenario = parse_scenario_str(&scenario_text(20.0, ""), "t").unwrap();
    let plan = |name: &str, group: &str, intervals: usize| {
        format!(
            r#"{{"scenario": "{name}", "confidence": 0.9, "shrinkage": 0.2, "max_abandonment": null,
               "max_occupancy": null, "groups": [{{"name": "{group}", "primary_for": ["phone"],
               "required_agents": {:?}}}]}}"#,
            vec![5u32; intervals]
        )
    };
    let input = roster_input_from_plan_json(&scenario, &plan("t", "agents", 24)).unwrap();
    // 5 agents after 20% shrinkage are 7 positions (5 / 0.8 = 6.25, rounded up).
    assert_eq!(input.positions, vec![vec![7; 24]]);
    assert_eq!(input.primary_group, vec![Some(0)]);
    let refused = |text: &str, fragment: &str| {
        let reason = roster_input_from_plan_json(&scenario, text).unwrap_err();
        assert!(reason.contains(fragment), "{reason}");
    };
    refused(
        &plan("other", "agents", 24),
        "a plan for scenario \"other\"",
    );
    refused(&plan("t", "team", 24), "plans groups [team]");
    refused(
        &plan("t", "agents", 48),
        "48 intervals, but the scenario has 24",
    );
    refused("{", "is not a plan.json");
}
