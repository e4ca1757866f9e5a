//! From hazards to probabilities: the cumulative fill, its median day, the contributions.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::model::CauseModel;
use crate::{BOUNDS, INTERVALS, MEDIAN_HORIZON, width};

/// A linear predictor is kept within ±this before `exp`, so that a covariate far outside the
/// training range gives a huge or tiny hazard, never an infinite one nor a NaN probability.
const MAX_LOG_HAZARD: f64 = 700.0;

/// Why a prediction could not be made.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PredictError {
    /// `x` does not have one value per feature.
    #[error("{found} covariates given, the model has {expected}")]
    WrongLength {
        /// Number of features of the model.
        expected: usize,
        /// Number given.
        found: usize,
    },
    /// A covariate is NaN or infinite.
    #[error("covariate {feature} is not a finite number")]
    NonFinite {
        /// Position of the covariate.
        feature: usize,
    },
}

/// Each covariate's contribution to the log-hazards, `β_k · z_k` (z standardised): positive in
/// `fill` means the offer fills faster than the average offer because of this covariate,
/// positive in `unfilled` that it is closed unfilled sooner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contributions {
    /// Contributions to the fill hazard, one per feature.
    pub fill: Vec<f64>,
    /// Contributions to the unfilled hazard, one per feature.
    pub unfilled: Vec<f64>,
}

/// What the model says about one offer: its hazards per interval for both causes and the
/// covariates' contributions.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    fill: [f64; INTERVALS],
    unfilled: [f64; INTERVALS],
    contributions: Contributions,
}

fn hazards(cause: &CauseModel, z: &[f64]) -> ([f64; INTERVALS], Vec<f64>) {
    let contributions: Vec<f64> = cause.beta.iter().zip(z).map(|(b, z)| b * z).collect();
    let eta: f64 = contributions.iter().sum();
    let mut out = [0.0; INTERVALS];
    for (h, a) in out.iter_mut().zip(&cause.alpha) {
        *h = (a + eta).clamp(-MAX_LOG_HAZARD, MAX_LOG_HAZARD).exp();
    }
    (out, contributions)
}

impl Prediction {
    pub(crate) fn new(fill: &CauseModel, unfilled: &CauseModel, z: &[f64]) -> Self {
        let (fill_hazards, fill_contributions) = hazards(fill, z);
        let (unfilled_hazards, unfilled_contributions) = hazards(unfilled, z);
        Prediction {
            fill: fill_hazards,
            unfilled: unfilled_hazards,
            contributions: Contributions {
                fill: fill_contributions,
                unfilled: unfilled_contributions,
            },
        }
    }

    /// Fill hazard per interval (per day).
    #[must_use]
    pub fn fill_hazards(&self) -> &[f64; INTERVALS] {
        &self.fill
    }

    /// Unfilled hazard per interval (per day).
    #[must_use]
    pub fn unfilled_hazards(&self) -> &[f64; INTERVALS] {
        &self.unfilled
    }

    /// P(filled by day `t`).
    #[must_use]
    pub fn cumulative_fill(&self, t: f64) -> f64 {
        cumulative_fill(&self.fill, &self.unfilled, t)
    }

    /// P(closed unfilled by day `t`).
    #[must_use]
    pub fn cumulative_unfilled(&self, t: f64) -> f64 {
        cumulative_fill(&self.unfilled, &self.fill, t)
    }

    /// P(not filled by day `t`) = 1 − P(filled by day `t`): still open or closed unfilled.
    #[must_use]
    pub fn not_filled_by(&self, t: f64) -> f64 {
        1.0 - self.cumulative_fill(t)
    }

    /// The day by which the offer is filled with probability 1/2, `None` when that is not
    /// within [`MEDIAN_HORIZON`] days.
    #[must_use]
    pub fn median_fill_day(&self) -> Option<f64> {
        median_fill_day(&self.fill, &self.unfilled)
    }

    /// Each covariate's contribution to both log-hazards.
    #[must_use]
    pub fn contributions(&self) -> &Contributions {
        &self.contributions
    }
}

/// Walks the intervals with their hazards: for each, its start, its length (up to `t`), and
/// the probability of being open at its start; calls `step` until it returns `Some`.
fn walk<T>(
    fill: &[f64],
    unfilled: &[f64],
    mut step: impl FnMut(f64, f64, f64, f64, f64) -> Option<T>,
) -> Option<T> {
    let mut open = 1.0;
    for (j, &start) in BOUNDS.iter().enumerate() {
        let h1 = fill.get(j).copied().unwrap_or(0.0).max(0.0);
        let h2 = unfilled.get(j).copied().unwrap_or(0.0).max(0.0);
        if let Some(found) = step(start, width(j), open, h1, h2) {
            return Some(found);
        }
        let total = h1 + h2;
        if total > 0.0 {
            open *= (-total * width(j)).exp();
        }
    }
    None
}

/// P(filled in `[0, s]` of an interval) from its start, for hazards `h1`, `h2` and the
/// probability `open` of being open at its start.
fn filled_within(open: f64, h1: f64, h2: f64, s: f64) -> f64 {
    let total = h1 + h2;
    if total > 0.0 && s > 0.0 {
        open * h1 / total * -(-total * s).exp_m1()
    } else {
        0.0
    }
}

/// P(filled by day `t`) for piecewise-constant hazards per interval of [`BOUNDS`]: `fill[j]`
/// and `unfilled[j]` per day in interval `j` (a missing or negative value counts as 0). A `t`
/// that is not positive (or NaN) gives 0; an infinite `t` the probability of ever being filled.
#[must_use]
pub fn cumulative_fill(fill: &[f64], unfilled: &[f64], t: f64) -> f64 {
    if t.is_nan() || t <= 0.0 {
        return 0.0;
    }
    let mut filled = 0.0;
    walk(fill, unfilled, |start, length, open, h1, h2| {
        if t <= start {
            return Some(());
        }
        filled += filled_within(open, h1, h2, (t - start).min(length));
        None
    });
    filled.clamp(0.0, 1.0)
}

/// The first day at which [`cumulative_fill`] reaches 1/2, solved in closed form inside the
/// interval where it does: `s = −ln(1 − q)/(h1+h2)` past the interval's start, with
/// `q = (1/2 − F)(h1+h2)/(S h1)`, `F` the fill and `S` the probability of being open at the
/// interval's start. `None` when it is not reached within [`MEDIAN_HORIZON`] days.
#[must_use]
pub fn median_fill_day(fill: &[f64], unfilled: &[f64]) -> Option<f64> {
    let mut filled = 0.0;
    walk(fill, unfilled, |start, length, open, h1, h2| {
        if start >= MEDIAN_HORIZON {
            return Some(None);
        }
        let gain = filled_within(open, h1, h2, length);
        if filled + gain < 0.5 {
            filled += gain;
            return None;
        }
        let total = h1 + h2;
        let q = (0.5 - filled) * total / (open * h1);
        let s = if q < 1.0 {
            (-(-q).ln_1p() / total).min(length)
        } else {
            length
        };
        let day = start + s.max(0.0);
        Some((day <= MEDIAN_HORIZON).then_some(day))
    })
    .flatten()
}
