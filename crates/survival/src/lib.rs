//! Will a job offer be filled, and when: a competing-risks survival model, its baselines and
//! its metrics. Pure computation: no IO, no clock, no knowledge of offers (covariates are
//! numbers with names, durations are days).
//!
//! # The question
//!
//! An offer is published on day 0. After `days` days it is either **filled** (cause 1), or
//! **closed unfilled** (cause 2: cancelled, abandoned for lack of candidates, expired), or it is
//! still **open** (censored: we only know it was not filled nor closed during those days). For
//! a new offer with covariates `x` we want P(not filled by day t) for the horizons that matter
//! (30, 47, 90 days), the day by which it is filled with probability 1/2, and what each
//! covariate contributes.
//!
//! # The model: piecewise-exponential cause-specific hazards
//!
//! Time is cut at fixed [`BOUNDS`] (days): `[0, 7)`, `[7, 14)`, `[14, 30)`, `[30, 47)`,
//! `[47, 60)`, `[60, 90)`, `[90, 180)`, `[180, ∞)`. For each cause c ∈ {fill, unfilled} and
//! interval j the hazard is constant inside the interval:
//!
//! ```text
//! h_cj(x) = exp(α_cj + β_c · z),   z = (x − mean) / sd
//! ```
//!
//! where `mean` and `sd` (population standard deviation) are those of the training data; a
//! constant column gets `sd = 1`. Working on standardised covariates makes the ridge penalty
//! treat every covariate alike and `β_c,k · z_k` a contribution in the same unit for all `k`
//! (a log-hazard ratio against the average offer).
//!
//! The likelihood of cause-specific hazards factorises over causes, and, for each cause, the
//! piecewise-exponential likelihood is a Poisson likelihood with exposure: with `e_ij` the time
//! observation `i` spent in interval `j` and `d_ij = 1` when it ended in interval `j` by this
//! cause,
//!
//! ```text
//! ℓ_c(α, β) = Σ_ij d_ij (α_j + β·z_i) − e_ij exp(α_j + β·z_i)
//! ```
//!
//! Each cause is fitted on its own by minimising `−ℓ_c + λ/2 ‖β_c‖²` ([`FitOptions::ridge`],
//! λ = 1 by default, on `β` only: the baseline `α` is not shrunk). An event on day `D` belongs
//! to the interval holding the instant just before `D` — an offer filled on day 7 was filled
//! during the first week — and the exposure runs up to `D` (see [`Design`]).
//!
//! The optimiser is L-BFGS from [argmin](https://argmin-rs.org) (0.11) with a Moré–Thuente line
//! search, on `Vec<f64>`: argmin is pure Rust, maintained, and its `vec` backend needs no
//! linear-algebra crate (no ndarray, no nalgebra), which keeps this crate's dependencies lean.
//! We give it the cost and its analytic gradient; one evaluation is O(N·(J + p)) because each
//! observation is reduced once to the interval it ended in and its exposure there (the
//! intervals before are whole), see [`Objective`]. The cost handed to argmin is divided by
//! the number of observations, so that the gradient tolerance means the same for 30 or 450,000
//! offers; the minimiser is the same.
//!
//! # Prediction
//!
//! With constant hazards `h1` (fill) and `h2` (unfilled) in an interval of length `Δ`, and `S`
//! the probability of being still open at its start:
//!
//! ```text
//! P(filled in the interval) = S · h1/(h1+h2) · (1 − exp(−(h1+h2)Δ))      (0 when h1+h2 = 0)
//! S at the next interval    = S · exp(−(h1+h2)Δ)
//! ```
//!
//! [`cumulative_fill`] chains these (a partial last interval exactly), [`Prediction`] answers for
//! one offer: P(filled by t), P(not filled by t), the median fill day (closed form inside the
//! interval where the cumulative fill crosses 1/2, `None` past [`MEDIAN_HORIZON`] days or when
//! it never does) and each covariate's contribution `β_k · z_k` for explanation bars.
//!
//! # Baselines and metrics
//!
//! [`GroupCurves`] is the Aalen–Johansen estimate of the cumulative incidence of fill per group
//! (the competing-risks generalisation of Kaplan–Meier: closing unfilled is a competing event,
//! an open offer is censored), with small groups answered by the pooled curve. [`metrics`]
//! holds the labels at a horizon, average precision, the Brier score, calibration by deciles and
//! Harrell's concordance for the time to fill, in O(N log N).
//!
//! Nothing here panics, whatever the input: bad data, options or stored models are typed errors
//! ([`FitError`], [`PredictError`], [`BaselineError`], [`metrics::MetricError`]).

mod baseline;
mod design;
pub mod metrics;
mod model;
mod predict;

use serde::{Deserialize, Serialize};

pub use baseline::{BaselineError, GroupCurves, GroupOptions, IncidenceCurve};
pub use design::{Design, Objective, Scaling};
pub use model::{CauseModel, FitError, FitOptions, Model, fit};
pub use predict::{Contributions, PredictError, Prediction, cumulative_fill, median_fill_day};

/// Number of intervals of the piecewise-constant hazards.
pub const INTERVALS: usize = 8;

/// Start of each interval, in days: interval `j` is `[BOUNDS[j], BOUNDS[j + 1])`, the last one
/// `[180, ∞)`.
pub const BOUNDS: [f64; INTERVALS] = [0.0, 7.0, 14.0, 30.0, 47.0, 60.0, 90.0, 180.0];

/// The median fill day is searched up to this day; past it, [`Prediction::median_fill_day`]
/// answers `None`.
pub const MEDIAN_HORIZON: f64 = 365.0;

/// How an observed offer ended, or that it had not ended yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Outcome {
    /// Filled after `days` days (cause 1).
    Filled,
    /// Closed without being filled after `days` days: cancelled, abandoned for lack of
    /// candidates, expired (cause 2, competing with the fill).
    Unfilled,
    /// Still open after `days` days: censored.
    Open,
}

/// The two causes an offer can end by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Cause {
    /// The offer is filled.
    Fill,
    /// The offer is closed unfilled.
    Unfilled,
}

impl Cause {
    /// Whether an observation that ended with `outcome` ended by this cause.
    #[must_use]
    pub fn ends(self, outcome: Outcome) -> bool {
        matches!(
            (self, outcome),
            (Cause::Fill, Outcome::Filled) | (Cause::Unfilled, Outcome::Unfilled)
        )
    }
}

impl std::fmt::Display for Cause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Cause::Fill => "fill",
            Cause::Unfilled => "unfilled",
        })
    }
}

/// One observed offer: its covariates (in the order of the feature names), how many days it was
/// observed, and how that ended.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// Covariates, one per feature name.
    pub x: Vec<f64>,
    /// Days from publication to the outcome (or to the end of observation when open); finite,
    /// not negative.
    pub days: f64,
    /// How it ended.
    pub outcome: Outcome,
}

/// Length of interval `j` in days (infinite for the last one, 0 past it).
pub(crate) fn width(j: usize) -> f64 {
    match (BOUNDS.get(j), BOUNDS.get(j + 1)) {
        (Some(start), Some(end)) => end - start,
        (Some(_), None) => f64::INFINITY,
        _ => 0.0,
    }
}

/// The interval an observation of `days` days ended in, and the time it spent there: the
/// interval holding the instant just before `days` (day 0 is in the first one). `days` is
/// finite and not negative.
pub(crate) fn locate(days: f64) -> (usize, f64) {
    let mut found = (0, days);
    for (j, &start) in BOUNDS.iter().enumerate() {
        if start < days {
            found = (j, days - start);
        }
    }
    found
}
