//! Shared helpers: observations and a simulator of the model.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use survival::{BOUNDS, Observation, Outcome};

/// An observation.
pub fn obs(x: &[f64], days: f64, outcome: Outcome) -> Observation {
    Observation {
        x: x.to_vec(),
        days,
        outcome,
    }
}

/// Asserts `a` and `b` agree to `tolerance` (absolute).
#[track_caller]
pub fn close(a: f64, b: f64, tolerance: f64) {
    assert!(
        (a - b).abs() <= tolerance,
        "{a} and {b} differ by more than {tolerance}"
    );
}

/// True parameters of a simulation, on the raw covariates.
pub struct Truth {
    /// Fill hazard per interval for x = 0.
    pub fill: [f64; 8],
    /// Unfilled hazard per interval for x = 0.
    pub unfilled: [f64; 8],
    /// Raw coefficients of the fill.
    pub beta_fill: Vec<f64>,
    /// Raw coefficients of the unfilled closure.
    pub beta_unfilled: Vec<f64>,
    /// Censoring is uniform on [0, this].
    pub censor_max: f64,
}

/// Draws `n` observations from the piecewise-exponential competing-risks model `truth`:
/// covariate 0 is standard normal, the others are Bernoulli(0.3).
pub fn simulate(truth: &Truth, n: usize, seed: u64) -> Vec<Observation> {
    let p = truth.beta_fill.len();
    let mut rng = StdRng::seed_from_u64(seed);
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let mut x = Vec::with_capacity(p);
        for k in 0..p {
            if k == 0 {
                // Box–Muller.
                let u1: f64 = rng.random::<f64>().max(1e-300);
                let u2: f64 = rng.random();
                x.push((-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos());
            } else {
                x.push(if rng.random::<f64>() < 0.3 { 1.0 } else { 0.0 });
            }
        }
        let e1: f64 = truth.beta_fill.iter().zip(&x).map(|(b, x)| b * x).sum();
        let e2: f64 = truth.beta_unfilled.iter().zip(&x).map(|(b, x)| b * x).sum();
        let censor = rng.random::<f64>() * truth.censor_max;
        let mut ended = None;
        for (j, &start) in BOUNDS.iter().enumerate() {
            let end = BOUNDS.get(j + 1).copied().unwrap_or(f64::INFINITY);
            let h1 = truth.fill[j] * e1.exp();
            let h2 = truth.unfilled[j] * e2.exp();
            let u: f64 = rng.random::<f64>().max(1e-300);
            let wait = -u.ln() / (h1 + h2);
            if start + wait < end {
                let cause = if rng.random::<f64>() < h1 / (h1 + h2) {
                    Outcome::Filled
                } else {
                    Outcome::Unfilled
                };
                ended = Some((start + wait, cause));
                break;
            }
        }
        let (days, outcome) = match ended {
            Some((t, cause)) if t <= censor => (t, cause),
            _ => (censor, Outcome::Open),
        };
        out.push(Observation { x, days, outcome });
    }
    out
}
