//! Patience from censored waits: a contact that gave up after waiting w shows its patience
//! was w; one answered after w only that its patience was longer. The exponential rate is
//! abandonments over the total time everyone waited (its maximum likelihood under this
//! censoring), with a 95% interval from the count of abandonments; the Kaplan-Meier curve is
//! the patience distribution without a model, to check the exponential against.

/// z for a two-sided 95% interval.
const Z95: f64 = 1.959_963_984_540_054;

/// Points kept of the Kaplan-Meier curve (for the report and chart).
const CURVE_POINTS: usize = 400;

#[derive(Debug, Clone, serde::Serialize)]
pub struct PatienceFit {
    pub abandoned: u64,
    /// Answered contacts: censored observations.
    pub answered: u64,
    pub total_wait_seconds: f64,
    /// Exponential mean patience (1 / rate) and its 95% interval.
    pub mean_seconds: f64,
    pub mean_ci: (f64, f64),
    /// Kaplan-Meier: (wait in seconds, share still patient), stepping down at each wait
    /// someone gave up after (thinned to at most 400 points).
    pub kaplan_meier: Vec<(f64, f64)>,
    /// The wait half the customers would outlast, where the curve reaches 0.5.
    pub kaplan_meier_median_seconds: Option<f64>,
}

impl PatienceFit {
    /// The share still waiting after `seconds` under the exponential fit.
    pub fn exponential_survival(&self, seconds: f64) -> f64 {
        (-seconds / self.mean_seconds).exp()
    }
}

/// Fits patience from `(wait_seconds, gave_up)` pairs; `None` when no one gave up (no
/// patience can be measured) or nothing was observed.
pub fn fit_patience(observations: &[(f64, bool)]) -> Option<PatienceFit> {
    let abandoned = observations.iter().filter(|(_, gave_up)| *gave_up).count() as u64;
    let answered = observations.len() as u64 - abandoned;
    let total_wait_seconds: f64 = observations.iter().map(|(wait, _)| wait.max(0.0)).sum();
    if abandoned == 0 || total_wait_seconds <= 0.0 {
        return None;
    }
    let rate = abandoned as f64 / total_wait_seconds;
    // log(rate) has standard error 1 / sqrt(abandonments).
    let spread = Z95 / (abandoned as f64).sqrt();
    let kaplan_meier = kaplan_meier(observations);
    let median = kaplan_meier
        .iter()
        .find(|(_, share)| *share <= 0.5)
        .map(|(wait, _)| *wait);
    Some(PatienceFit {
        abandoned,
        answered,
        total_wait_seconds,
        mean_seconds: 1.0 / rate,
        mean_ci: (1.0 / (rate * spread.exp()), 1.0 / (rate * (-spread).exp())),
        kaplan_meier: thin(kaplan_meier),
        kaplan_meier_median_seconds: median,
    })
}

/// The product-limit estimate: at each wait w someone gave up after, the share patient
/// drops by (gave up at w) / (still waiting just before w). Those answered at w count as
/// still waiting at w (censored after the event, by convention).
fn kaplan_meier(observations: &[(f64, bool)]) -> Vec<(f64, f64)> {
    let mut sorted: Vec<(f64, bool)> = observations.to_vec();
    // Events before censorings at the same time.
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut at_risk = sorted.len() as f64;
    let mut survival = 1.0;
    let mut curve = vec![(0.0, 1.0)];
    let mut i = 0;
    while i < sorted.len() {
        let time = sorted[i].0;
        let (mut events, mut leaving) = (0.0, 0.0);
        while i < sorted.len() && sorted[i].0 == time {
            events += f64::from(u8::from(sorted[i].1));
            leaving += 1.0;
            i += 1;
        }
        if events > 0.0 {
            survival *= 1.0 - events / at_risk;
            curve.push((time, survival));
        }
        at_risk -= leaving;
    }
    curve
}

fn thin(curve: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    if curve.len() <= CURVE_POINTS {
        return curve;
    }
    let step = curve.len() as f64 / CURVE_POINTS as f64;
    let mut kept: Vec<(f64, f64)> = (0..CURVE_POINTS)
        .map(|i| curve[(i as f64 * step) as usize])
        .collect();
    kept.push(*curve.last().expect("a long curve"));
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kaplan_meier_by_hand() {
        // Gave up at 10 and 30; answered at 20 and 40. At 10: 4 at risk, 1 gives up -> 3/4.
        // At 30: 2 at risk, 1 gives up -> 3/4 * 1/2 = 3/8.
        let fit =
            fit_patience(&[(10.0, true), (20.0, false), (30.0, true), (40.0, false)]).unwrap();
        assert_eq!(
            fit.kaplan_meier,
            vec![(0.0, 1.0), (10.0, 0.75), (30.0, 0.375)]
        );
        assert_eq!(fit.kaplan_meier_median_seconds, Some(30.0));
        // Two abandonments over 100 s of waiting.
        assert!((fit.mean_seconds - 50.0).abs() < 1e-12);
        assert!(fit.mean_ci.0 < 50.0 && 50.0 < fit.mean_ci.1);
    }

    #[test]
    fn no_abandonment_measures_no_patience() {
        assert!(fit_patience(&[(10.0, false), (0.0, false)]).is_none());
        assert!(fit_patience(&[]).is_none());
    }
}
