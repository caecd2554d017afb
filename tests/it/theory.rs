//! The simulator against exact queueing theory. Each case builds a one-channel scenario,
//! simulates it, and compares the estimate of a metric with the analytic value from
//! `omnisim::erlang`, which is itself tested against published tables.
//!
//! Tolerance: the simulation's own confidence interval. The run reports 95% Student-t
//! half-widths; because this file makes about 50 comparisons, each is made at 99.9%
//! (the same interval, scaled by the ratio of t quantiles), so that a correct simulator
//! passes the whole family with probability above 95%. Seeds are fixed, so results are
//! reproducible. Each comparison also requires the interval to be narrow (a relative
//! half-width below `MAX_RELATIVE_HALF_WIDTH`, or an absolute one for small
//! probabilities), so a check cannot pass merely because the run was too short to tell.

use omnisim::erlang::{erlang_a, erlang_c, erlang_c_service_level, md1_mean_wait, mm1_mean_wait};
use omnisim::metrics::summary::RunSummary;
use omnisim::stats::{Estimate, student_t_quantile};

use crate::support::{parse, simulate};
use omnisim::metric::Metric;

const COMPARISON_CONFIDENCE: f64 = 0.999;
const MAX_RELATIVE_HALF_WIDTH: f64 = 0.08;
const MAX_ABSOLUTE_HALF_WIDTH: f64 = 0.01;

/// One single-channel model. Times in minutes.
struct Model {
    kind: &'static str,
    arrivals_per_minute: f64,
    handle: &'static str,
    patience_minutes: Option<f64>,
    agents: u32,
    concurrency: u32,
    horizon_hours: u32,
    warmup_hours: u32,
    replications: u32,
}

impl Model {
    fn voice(
        arrivals_per_minute: f64,
        agents: u32,
        horizon_hours: u32,
        warmup_hours: u32,
    ) -> Model {
        Model {
            kind: "voice",
            arrivals_per_minute,
            handle: "{ distribution = \"exponential\", mean = \"1m\" }",
            patience_minutes: None,
            agents,
            concurrency: 1,
            horizon_hours,
            warmup_hours,
            replications: 20,
        }
    }

    fn simulate(&self, sla_seconds: u32) -> RunSummary {
        let patience = self.patience_minutes.map_or(String::new(), |minutes| {
            format!(
                "patience = {{ distribution = \"exponential\", mean = \"{}s\" }}",
                (minutes * 60.0).round()
            )
        });
        let concurrency = if self.concurrency > 1 {
            format!("concurrency = {}", self.concurrency)
        } else {
            String::new()
        };
        let toml = format!(
            r#"
            [simulation]
            horizon = "{horizon}h"
            interval = "1h"
            warmup = "{warmup}h"
            replications = {replications}
            seed = 11

            [channels.line]
            kind = "{kind}"
            sla = {{ within = "{sla_seconds}s", target = 0.8 }}
            handle_time = {handle}
            {patience}

            [arrivals.line]
            rate_per_hour = {rate}

            [groups.agents]
            headcount = {agents}
            channels = ["line"]
            {concurrency}
            "#,
            horizon = self.horizon_hours,
            warmup = self.warmup_hours,
            replications = self.replications,
            kind = self.kind,
            handle = self.handle,
            rate = self.arrivals_per_minute * 60.0,
            agents = self.agents,
        );
        simulate(&parse(&toml), None).0
    }
}

/// Compares a channel metric of the run with its exact value.
#[track_caller]
fn check(summary: &RunSummary, metric: Metric, exact: f64) {
    check_estimate(metric.name(), summary.channels[0].metrics[&metric], exact);
}

/// Compares a metric of the (only) agent group with its exact value.
#[track_caller]
fn check_group(summary: &RunSummary, metric: Metric, exact: f64) {
    check_estimate(metric.name(), summary.groups[0].metrics[&metric], exact);
}

#[track_caller]
fn check_estimate(metric: &str, estimate: Estimate, exact: f64) {
    let (mean, ci95) = (estimate.mean.unwrap(), estimate.ci95.unwrap());
    let degrees = (estimate.n - 1) as usize;
    let scale = student_t_quantile(degrees, 0.5 + COMPARISON_CONFIDENCE / 2.0)
        / student_t_quantile(degrees, 0.975);
    let half_width = ci95 * scale;
    assert!(
        (mean - exact).abs() <= half_width,
        "{metric}: simulated {mean:.5} ± {half_width:.5} (99.9%) does not cover the exact {exact:.5}"
    );
    assert!(
        half_width <= MAX_RELATIVE_HALF_WIDTH * exact.abs()
            || half_width <= MAX_ABSOLUTE_HALF_WIDTH,
        "{metric}: interval ± {half_width:.5} around {mean:.5} is too wide to test anything; run longer"
    );
}

/// Erlang C predictions for a voice model with 1-minute mean handle time.
#[track_caller]
fn check_erlang_c(model: &Model, sla_seconds: u32) {
    let summary = model.simulate(sla_seconds);
    let aht_seconds = 60.0;
    let rate = model.arrivals_per_minute / 60.0;
    let servers = model.agents * model.concurrency;
    let exact = erlang_c(rate, aht_seconds, servers).expect("stable model");
    check(&summary, Metric::ProbabilityWait, exact.probability_wait);
    check(&summary, Metric::AsaSeconds, exact.mean_wait);
    check(
        &summary,
        Metric::SlaAttainment,
        erlang_c_service_level(rate, aht_seconds, servers, f64::from(sla_seconds)).unwrap(),
    );
    check(&summary, Metric::MeanQueueLength, exact.mean_queue_length);
    check_group(&summary, Metric::Occupancy, exact.occupancy);
}

#[test]
fn erlang_c_light_to_heavy_load() {
    // (arrivals per minute, agents): rho from 0.5 to 0.98, c from 1 to 200.
    check_erlang_c(&Model::voice(0.5, 1, 800, 5), 30);
    check_erlang_c(&Model::voice(3.5, 5, 700, 5), 20);
    check_erlang_c(&Model::voice(18.0, 20, 400, 5), 20);
    check_erlang_c(&Model::voice(47.5, 50, 500, 5), 15);
    check_erlang_c(&Model::voice(196.0, 200, 400, 4), 10);
}

#[test]
fn mm1_at_rho_0_9_matches_the_reference_and_its_wait_quantiles() {
    // shared/reference: M/M/1, lambda 0.9, mu 1: Wq = 9, Lq = 8.1; P(Wq > t) = rho exp(-(mu - lambda) t).
    let mut model = Model::voice(0.9, 1, 5000, 50);
    model.replications = 40;
    let summary = model.simulate(60);
    let exact_wait = mm1_mean_wait(0.9 / 60.0, 60.0).unwrap();
    assert!((exact_wait - 9.0 * 60.0).abs() < 1e-9);
    check(&summary, Metric::AsaSeconds, exact_wait);
    check(&summary, Metric::MeanQueueLength, 8.1);
    // Quantiles of the answered wait from the streaming histogram: t = ln(rho / (1 - q)) / (mu - lambda).
    for (metric, quantile) in [
        (Metric::WaitP90Seconds, 0.90),
        (Metric::WaitP99Seconds, 0.99),
    ] {
        let exact = (0.9f64 / (1.0 - quantile)).ln() / (0.1 / 60.0);
        check(&summary, metric, exact);
    }
}

#[test]
fn waiting_time_distribution_matches_erlang_c() {
    // M/M/c: P(W <= t) = 1 - C(c, a) exp(-(c mu - lambda) t) for the wait of every contact;
    // with no abandonment every contact is answered, so it is the answered-wait CDF too.
    let model = Model::voice(18.0, 20, 400, 5);
    let summary = model.simulate(20);
    let (rate, mu, servers) = (18.0 / 60.0, 1.0 / 60.0, 20.0);
    let exact = erlang_c(rate, 60.0, 20).unwrap();
    let distribution = &summary.wait_distributions[0];
    assert_eq!(
        distribution.points_seconds.len(),
        distribution.share_within.len()
    );
    for point_idx in (0..distribution.points_seconds.len()).step_by(10) {
        let t = distribution.points_seconds[point_idx];
        let exact_share = 1.0 - exact.probability_wait * (-(servers * mu - rate) * t).exp();
        check_estimate(
            &format!("share answered within {t} s"),
            distribution.share_within[point_idx],
            exact_share,
        );
    }
}

#[test]
fn md1_is_half_of_mm1() {
    // Pollaczek-Khinchine: fixed 1-minute service at lambda 0.9 per minute waits 4.5 minutes.
    let mut model = Model::voice(0.9, 1, 2000, 20);
    model.handle = "{ distribution = \"fixed\", value = \"1m\" }";
    let summary = model.simulate(60);
    check(
        &summary,
        Metric::AsaSeconds,
        md1_mean_wait(0.9 / 60.0, 60.0).unwrap(),
    );
}

/// Erlang A predictions for a voice model with exponential patience.
#[track_caller]
fn check_erlang_a(model: &Model, aht_minutes: f64) {
    let summary = model.simulate(20);
    let exact = erlang_a(
        model.arrivals_per_minute,
        aht_minutes,
        model.patience_minutes.unwrap(),
        model.agents,
    );
    check(&summary, Metric::ProbabilityWait, exact.probability_wait);
    check(&summary, Metric::AbandonmentRate, exact.probability_abandon);
    check(&summary, Metric::MeanWaitSeconds, exact.mean_wait * 60.0);
    check_group(&summary, Metric::Occupancy, exact.occupancy);
}

#[test]
fn erlang_a_with_abandonment_including_overload() {
    // pyworkforce's case: 100 calls per 30 min, AHT 3 min, patience 5 min, 14 agents.
    let mut reference = Model::voice(10.0 / 3.0, 14, 400, 5);
    reference.handle = "{ distribution = \"exponential\", mean = \"3m\" }";
    reference.patience_minutes = Some(5.0);
    check_erlang_a(&reference, 3.0);
    // theta = mu: lambda 100, c 95 (overloaded, rho 1.05), 100 and 105; and theta = mu / 2.
    for (rate, agents, patience) in [
        (100.0, 95, 1.0),
        (100.0, 100, 1.0),
        (100.0, 105, 1.0),
        (50.0, 50, 2.0),
    ] {
        let mut model = Model::voice(rate, agents, 60, 2);
        model.patience_minutes = Some(patience);
        check_erlang_a(&model, 1.0);
    }
}

#[test]
fn messaging_concurrency_k_matches_erlang_c_with_c_times_k_servers() {
    let mut model = Model::voice(10.2, 4, 200, 5);
    model.kind = "messaging";
    model.concurrency = 3;
    check_erlang_c(&model, 20);
}

#[test]
fn littles_law_holds_per_channel() {
    // Time-average number waiting = arrival rate x mean wait, both measured by the simulator,
    // with patience so that abandoned waits count too.
    let mut model = Model::voice(18.0, 18, 100, 2);
    model.patience_minutes = Some(2.0);
    let summary = model.simulate(20);
    let metrics = &summary.channels[0].metrics;
    let reported_seconds = summary.horizon_seconds - summary.warmup_seconds;
    let rate = metrics[&Metric::Offered].mean.unwrap() / reported_seconds;
    let little = rate * metrics[&Metric::MeanWaitSeconds].mean.unwrap();
    check(&summary, Metric::MeanQueueLength, little);
}

#[test]
fn time_average_busy_agents_equal_carried_load() {
    let summary = Model::voice(8.0, 10, 200, 2).simulate(20);
    let reported_seconds = summary.horizon_seconds - summary.warmup_seconds;
    let metrics = &summary.channels[0].metrics;
    let carried = metrics[&Metric::Handled].mean.unwrap()
        * metrics[&Metric::MeanHandleTimeSeconds].mean.unwrap()
        / reported_seconds;
    check_group(&summary, Metric::BusyAgents, carried);
}
