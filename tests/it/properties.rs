//! Random valid scenarios (proptest): channels of every kind with every handle-time family,
//! with and without patience, groups serving random subsets at any headcount (none, too few,
//! plenty), overflow rules, channel outages, and customer behaviour (retries, bots,
//! duplicates, callbacks that may miss). Every one validates, runs without a panic
//! under the engine's audit, conserves flow across channels, and gives the same figures
//! twice. Proptest shrinks a failure to the smallest scenario, printed as TOML.

use omnisim::scenario::parse_scenario_str;
use proptest::prelude::*;

use crate::support::{check_cross_channel_balance, run_audited};

/// The channels a scenario may have: name, kind and SLA threshold.
const CHANNELS: [(&str, &str, &str); 4] = [
    ("phone", "voice", "20s"),
    ("chat", "messaging", "2m"),
    ("email", "async", "4h"),
    ("sms", "messaging", "30m"),
];

#[derive(Debug, Clone)]
struct RandomChannel {
    present: bool,
    rate_per_hour: u32,
    /// 0 exponential, 1 lognormal, 2 gamma, 3 fixed.
    family: u8,
    mean_minutes: u32,
    cv_tenths: u32,
    patience_minutes: Option<u32>,
}

#[derive(Debug, Clone)]
struct RandomGroup {
    serves: [bool; 4],
    headcount: u32,
    concurrency: u32,
}

#[derive(Debug, Clone)]
struct RandomScenario {
    horizon_hours: u32,
    interval: &'static str,
    seed: u64,
    channels: [RandomChannel; 4],
    groups: Vec<RandomGroup>,
    /// From one present channel to another, when the expected wait is above this.
    overflow: Option<(usize, usize, u32)>,
    /// Channel, backup, start hour, hours down.
    outage: Option<(usize, usize, u32, u32)>,
    behaviour: RandomBehaviour,
}

/// Customer behaviour: a retry (channel, target, probability in tenths), a bot (channel,
/// escalation target, containment in tenths), a duplicate (from, to, probability in
/// tenths), and a phone callback reaching this many tenths of customers.
#[derive(Debug, Clone)]
struct RandomBehaviour {
    retry: Option<(usize, usize, u32)>,
    bot: Option<(usize, usize, u32)>,
    duplicate: Option<(usize, usize, u32)>,
    callback_reach: Option<u32>,
}

fn behaviour() -> impl Strategy<Value = RandomBehaviour> {
    let link = || proptest::option::of((0usize..4, 0usize..4, 0u32..11));
    (link(), link(), link(), proptest::option::of(0u32..11)).prop_map(
        |(retry, bot, duplicate, callback_reach)| RandomBehaviour {
            retry,
            bot,
            duplicate,
            callback_reach,
        },
    )
}

fn channel() -> impl Strategy<Value = RandomChannel> {
    (
        any::<bool>(),
        1u32..300,
        0u8..4,
        1u32..30,
        1u32..30,
        proptest::option::of(1u32..30),
    )
        .prop_map(
            |(present, rate_per_hour, family, mean_minutes, cv_tenths, patience_minutes)| {
                RandomChannel {
                    present,
                    rate_per_hour,
                    family,
                    mean_minutes,
                    cv_tenths,
                    patience_minutes,
                }
            },
        )
}

fn group() -> impl Strategy<Value = RandomGroup> {
    (any::<[bool; 4]>(), 0u32..25, 1u32..4).prop_map(|(serves, headcount, concurrency)| {
        RandomGroup {
            serves,
            headcount,
            concurrency,
        }
    })
}

fn scenario() -> impl Strategy<Value = RandomScenario> {
    (
        4u32..24,
        prop_oneof![Just("15m"), Just("30m"), Just("1h")],
        any::<u64>(),
        [channel(), channel(), channel(), channel()],
        proptest::collection::vec(group(), 1..4),
        proptest::option::of((0usize..4, 0usize..4, 1u32..10)),
        proptest::option::of((0usize..4, 0usize..4, 0u32..12, 1u32..4)),
        behaviour(),
    )
        .prop_map(
            |(horizon_hours, interval, seed, channels, groups, overflow, outage, behaviour)| {
                RandomScenario {
                    horizon_hours,
                    interval,
                    seed,
                    channels,
                    groups,
                    overflow,
                    outage,
                    behaviour,
                }
            },
        )
}

impl RandomScenario {
    /// The indices of the channels in the scenario (at least one).
    fn present(&self) -> Vec<usize> {
        let present: Vec<usize> = (0..4).filter(|c| self.channels[*c].present).collect();
        if present.is_empty() { vec![0] } else { present }
    }

    fn toml(&self) -> String {
        let present = self.present();
        let mut text = format!(
            "[simulation]\nhorizon = \"{}h\"\ninterval = \"{}\"\nreplications = 1\nseed = {}\n",
            self.horizon_hours, self.interval, self.seed
        );
        for &c in &present {
            let (name, kind, within) = CHANNELS[c];
            let channel = &self.channels[c];
            let mean = channel.mean_minutes;
            let cv = f64::from(channel.cv_tenths) / 10.0;
            let handle = match channel.family {
                0 => format!("{{ distribution = \"exponential\", mean = \"{mean}m\" }}"),
                1 => format!("{{ distribution = \"lognormal\", mean = \"{mean}m\", cv = {cv} }}"),
                2 => format!("{{ distribution = \"gamma\", mean = \"{mean}m\", cv = {cv} }}"),
                _ => format!("{{ distribution = \"fixed\", value = \"{mean}m\" }}"),
            };
            text.push_str(&format!(
                "\n[channels.{name}]\nkind = \"{kind}\"\nsla = {{ within = \"{within}\", target = 0.8 }}\nhandle_time = {handle}\n"
            ));
            if let Some(patience) = channel.patience_minutes.filter(|_| kind != "async") {
                text.push_str(&format!(
                    "patience = {{ distribution = \"exponential\", mean = \"{patience}m\" }}\n"
                ));
            }
            text.push_str(&format!(
                "\n[arrivals.{name}]\nrate_per_hour = {}\n",
                channel.rate_per_hour
            ));
        }
        // Each group's channels (a group serving none of the present ones takes the first);
        // every channel must have a group (validation says so): the last takes the rest.
        let mut served_by: Vec<Vec<&str>> = self
            .groups
            .iter()
            .map(|group| {
                let serves: Vec<&str> = present
                    .iter()
                    .filter(|c| group.serves[**c])
                    .map(|c| CHANNELS[*c].0)
                    .collect();
                if serves.is_empty() {
                    vec![CHANNELS[present[0]].0]
                } else {
                    serves
                }
            })
            .collect();
        for &c in &present {
            if !served_by
                .iter()
                .any(|serves| serves.contains(&CHANNELS[c].0))
            {
                served_by.last_mut().unwrap().push(CHANNELS[c].0);
            }
        }
        for (idx, (group, serves)) in self.groups.iter().zip(&served_by).enumerate() {
            let messaging = serves.iter().any(|name| {
                CHANNELS
                    .iter()
                    .any(|(n, kind, _)| n == name && *kind == "messaging")
            });
            let serves: Vec<String> = serves.iter().map(|name| format!("\"{name}\"")).collect();
            text.push_str(&format!(
                "\n[groups.team{idx}]\nheadcount = {}\nchannels = [{}]\n",
                group.headcount,
                serves.join(", "),
            ));
            // Concurrency is a messaging agent's; validation refuses it on other groups.
            if messaging {
                text.push_str(&format!("concurrency = {}\n", group.concurrency));
            }
        }
        let pick = |idx: usize| present[idx % present.len()];
        if let Some((from, to, minutes)) = self.overflow {
            let (from, to) = (pick(from), pick(to));
            if from != to {
                text.push_str(&format!(
                    "\n[[overflow]]\nname = \"spill\"\nfrom = \"{}\"\nto = \"{}\"\nexpected_wait_above = \"{minutes}m\"\nacceptance = 0.5\n",
                    CHANNELS[from].0, CHANNELS[to].0
                ));
            }
        }
        if let Some((channel, backup, start, hours)) = self.outage {
            let (channel, backup) = (pick(channel), pick(backup));
            let start = start % self.horizon_hours;
            if channel != backup {
                text.push_str(&format!(
                    "\n[[events]]\nname = \"down\"\nkind = \"channel_outage\"\nchannel = \"{}\"\nstart = \"mon {start:02}:00\"\nduration = \"{hours}h\"\nbackup = \"{}\"\nconversion = 0.6\n",
                    CHANNELS[channel].0, CHANNELS[backup].0
                ));
            }
        }
        let behaviour = &self.behaviour;
        let tenths = |value: u32| f64::from(value) / 10.0;
        if let Some((channel, to, probability)) = behaviour.retry {
            text.push_str(&format!(
                "\n[channels.{}.retry]\nprobability = {}\ndelay = {{ distribution = \"exponential\", mean = \"10m\" }}\nchannel = \"{}\"\nattempts = 3\n",
                CHANNELS[pick(channel)].0,
                tenths(probability),
                CHANNELS[pick(to)].0
            ));
        }
        if let Some((channel, to, containment)) = behaviour.bot {
            text.push_str(&format!(
                "\n[channels.{}.bot]\ncontainment = {}\nhandle_time = {{ distribution = \"exponential\", mean = \"2m\" }}\nescalate_to = \"{}\"\ncontext_preserved = 0.5\nrediscovery = \"1m\"\n",
                CHANNELS[pick(channel)].0,
                tenths(containment),
                CHANNELS[pick(to)].0
            ));
        }
        if let Some((from, to, probability)) = behaviour.duplicate {
            let (from, to) = (pick(from), pick(to));
            if from != to {
                text.push_str(&format!(
                    "\n[[duplicates]]\nfrom = \"{}\"\nto = \"{}\"\nprobability = {}\ndelay = {{ distribution = \"exponential\", mean = \"3m\" }}\nmerged = 0.5\n",
                    CHANNELS[from].0,
                    CHANNELS[to].0,
                    tenths(probability)
                ));
            }
        }
        if let Some(reach) = behaviour.callback_reach.filter(|_| present.contains(&0)) {
            text.push_str(&format!(
                "\n[channels.phone.callback]\noffer_when_expected_wait_above = \"30s\"\nacceptance = 0.5\nwithin = \"1h\"\nreach = {}\nattempts = 2\nretry_after = {{ distribution = \"fixed\", value = \"10m\" }}\n",
                tenths(reach)
            ));
        }
        text
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 48,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_valid_scenarios_run_audited_and_conserve_flow(random in scenario()) {
        let text = random.toml();
        let scenario = match parse_scenario_str(&text, "random") {
            Ok(scenario) => scenario,
            Err(problems) => panic!("a valid scenario was refused: {problems:#?}\n{text}"),
        };
        // run_audited fails on any audit violation or flow imbalance within a channel.
        let first = run_audited(&scenario, 1).remove(0);
        if scenario.simulation().warmup_seconds == 0.0 {
            check_cross_channel_balance(&scenario, &first);
        }
        let again = run_audited(&scenario, 1).remove(0);
        prop_assert_eq!(first.contacts_generated, again.contacts_generated, "{}", text);
        prop_assert_eq!(
            format!("{:?}", first.channel_intervals.cells()),
            format!("{:?}", again.channel_intervals.cells()),
            "{}",
            text
        );
    }
}
