//! Fitting the two causes, and the fitted model as stored.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::design::{Design, Scaling};
use crate::predict::{Contributions, PredictError, Prediction};
use crate::{BOUNDS, Cause, INTERVALS, Observation};

/// How [`fit`] fits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitOptions {
    /// λ of the ridge penalty `λ/2 ‖β‖²` on the covariate coefficients (not on the baseline
    /// `α`), against the log-likelihood summed over observations: 1.0 by default, which keeps a
    /// coefficient finite when a covariate separates the outcomes and is negligible beside
    /// thousands of observations.
    pub ridge: f64,
    /// Iterations of L-BFGS at most (500 by default); reaching them is not an error, the model
    /// says it did not converge.
    pub max_iterations: u64,
    /// L-BFGS stops when the norm of the gradient of the objective divided by the number of
    /// observations is below this (1e-7 by default).
    pub gradient_tolerance: f64,
    /// Number of past steps L-BFGS keeps (10 by default).
    pub history: usize,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            ridge: 1.0,
            max_iterations: 500,
            gradient_tolerance: 1e-7,
            history: 10,
        }
    }
}

impl FitOptions {
    pub(crate) fn check(&self) -> Result<(), FitError> {
        if !self.ridge.is_finite() || self.ridge < 0.0 {
            return Err(FitError::InvalidOptions(
                "ridge must be finite and not negative",
            ));
        }
        if !self.gradient_tolerance.is_finite() || self.gradient_tolerance < 0.0 {
            return Err(FitError::InvalidOptions(
                "gradient tolerance must be finite and not negative",
            ));
        }
        if self.history == 0 {
            return Err(FitError::InvalidOptions("history must be at least 1"));
        }
        Ok(())
    }
}

/// Why a model could not be fitted.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum FitError {
    /// No observation.
    #[error("no observation to fit on")]
    Empty,
    /// An observation does not have one covariate per feature name.
    #[error("observation {index} has {found} covariates, {expected} expected")]
    WrongLength {
        /// Position of the observation.
        index: usize,
        /// Number of feature names.
        expected: usize,
        /// Number of covariates it has.
        found: usize,
    },
    /// A covariate is NaN or infinite.
    #[error("observation {index}: covariate {feature} is not a finite number")]
    NonFiniteCovariate {
        /// Position of the observation.
        index: usize,
        /// Position of the covariate.
        feature: usize,
    },
    /// A duration is negative, NaN or infinite.
    #[error("observation {index}: {days} days is not a duration")]
    InvalidDays {
        /// Position of the observation.
        index: usize,
        /// The duration given.
        days: f64,
    },
    /// Two features have the same name.
    #[error("feature name {0:?} is given twice")]
    DuplicateName(String),
    /// No observation ended by this cause: its hazards cannot be estimated.
    #[error("no observation ended by the cause {0}")]
    NoEvents(Cause),
    /// An option is out of its range.
    #[error("invalid fit options: {0}")]
    InvalidOptions(&'static str),
    /// A parameter vector of the wrong length was given to an [`Objective`](crate::Objective).
    #[error("{found} parameters given, {expected} expected")]
    WrongParameterCount {
        /// `INTERVALS + p`.
        expected: usize,
        /// The length given.
        found: usize,
    },
    /// argmin failed.
    #[error("the optimiser failed: {0}")]
    Optimiser(String),
    /// The optimum found is not finite.
    #[error("the fit of the cause {0} did not stay finite")]
    NotFinite(Cause),
}

/// The fitted hazards of one cause.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CauseModel {
    /// Log baseline hazard per interval (per day), `INTERVALS` values.
    pub alpha: Vec<f64>,
    /// Coefficients of the standardised covariates, one per feature.
    pub beta: Vec<f64>,
    /// Number of observations that ended by this cause.
    pub events: u64,
    /// Log-likelihood at the optimum, without the penalty.
    pub log_likelihood: f64,
    /// L-BFGS iterations done.
    pub iterations: u64,
    /// Norm of the gradient of the penalised objective at the optimum, divided by the number
    /// of observations (what the tolerance is compared with).
    pub gradient_norm: f64,
    /// Whether L-BFGS converged (its own criteria, or a gradient below the tolerance).
    pub converged: bool,
    /// argmin's termination reason, as it says it.
    pub termination: String,
}

impl CauseModel {
    /// Baseline hazard per interval (per day, for covariates at their training means).
    #[must_use]
    pub fn baseline_hazards(&self) -> Vec<f64> {
        self.alpha.iter().map(|a| a.exp()).collect()
    }

    fn is_valid(&self, p: usize) -> bool {
        self.alpha.len() == INTERVALS
            && self.beta.len() == p
            && self.alpha.iter().chain(&self.beta).all(|v| v.is_finite())
    }
}

/// What a [`Model`] is stored as; checked when read back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct ModelFields {
    feature_names: Vec<String>,
    means: Vec<f64>,
    sds: Vec<f64>,
    bounds: Vec<f64>,
    observations: u64,
    ridge: f64,
    fill: CauseModel,
    unfilled: CauseModel,
}

/// A fitted competing-risks model: feature names, standardisation, interval bounds and both
/// causes' hazards. Stored as JSON with serde; reading one back checks it is whole (lengths,
/// bounds equal to [`BOUNDS`], finite values).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ModelFields", into = "ModelFields")]
pub struct Model {
    fields: ModelFields,
    scaling: Scaling,
}

impl TryFrom<ModelFields> for Model {
    type Error = String;

    fn try_from(fields: ModelFields) -> Result<Self, Self::Error> {
        let p = fields.feature_names.len();
        if fields.bounds.len() != BOUNDS.len()
            || fields.bounds.iter().zip(BOUNDS).any(|(a, b)| *a != b)
        {
            return Err(format!(
                "the model's interval bounds {:?} are not {BOUNDS:?}",
                fields.bounds
            ));
        }
        if fields.means.len() != p || fields.sds.len() != p {
            return Err(format!(
                "the model has {p} features but not as many means and sds"
            ));
        }
        let scaling = Scaling::from_parts(fields.means.clone(), fields.sds.clone())
            .ok_or("the model's means and sds are not finite positive numbers")?;
        if !fields.fill.is_valid(p) || !fields.unfilled.is_valid(p) {
            return Err(format!(
                "the model's coefficients are not {INTERVALS} finite α and {p} finite β per cause"
            ));
        }
        Ok(Model { fields, scaling })
    }
}

impl From<Model> for ModelFields {
    fn from(model: Model) -> Self {
        model.fields
    }
}

/// Fits the model: both causes' piecewise-exponential hazards, each by L-BFGS on its penalised
/// likelihood (see the [crate] documentation).
///
/// `names` names the covariates, in the order of each observation's `x`.
///
/// # Errors
///
/// A [`FitError`] for empty data, a wrong number of covariates, a non-finite covariate, a
/// negative or non-finite duration, a duplicate name, a cause without any event, invalid
/// options, or an optimisation that fails or leaves finite numbers.
pub fn fit<S: AsRef<str>>(
    names: &[S],
    data: &[Observation],
    options: &FitOptions,
) -> Result<Model, FitError> {
    options.check()?;
    let feature_names: Vec<String> = names.iter().map(|n| n.as_ref().to_owned()).collect();
    let mut sorted: Vec<&String> = feature_names.iter().collect();
    sorted.sort();
    if let Some(pair) = sorted.windows(2).find(|w| w.first() == w.get(1)) {
        let name = pair.first().map_or_else(String::new, |n| (*n).clone());
        return Err(FitError::DuplicateName(name));
    }
    let design = Design::new(data, feature_names.len())?;
    let mut causes = Vec::with_capacity(2);
    for cause in [Cause::Fill, Cause::Unfilled] {
        let objective = design.objective(cause, options.ridge)?;
        causes.push(objective.minimise(objective.start(), options)?);
    }
    let (Some(unfilled), Some(fill)) = (causes.pop(), causes.pop()) else {
        return Err(FitError::Optimiser("a cause went missing".to_owned()));
    };
    let scaling = design.scaling().clone();
    Ok(Model {
        fields: ModelFields {
            feature_names,
            means: scaling.means().to_vec(),
            sds: scaling.sds().to_vec(),
            bounds: BOUNDS.to_vec(),
            observations: u64::try_from(design.len()).unwrap_or(u64::MAX),
            ridge: options.ridge,
            fill,
            unfilled,
        },
        scaling,
    })
}

impl Model {
    /// The covariates' names, in the order `x` is given.
    #[must_use]
    pub fn feature_names(&self) -> &[String] {
        &self.fields.feature_names
    }

    /// Training means of the covariates.
    #[must_use]
    pub fn means(&self) -> &[f64] {
        &self.fields.means
    }

    /// Training standard deviations of the covariates (1 for a constant one).
    #[must_use]
    pub fn sds(&self) -> &[f64] {
        &self.fields.sds
    }

    /// Number of observations fitted on.
    #[must_use]
    pub fn observations(&self) -> u64 {
        self.fields.observations
    }

    /// The ridge λ used.
    #[must_use]
    pub fn ridge(&self) -> f64 {
        self.fields.ridge
    }

    /// The fill cause's hazards.
    #[must_use]
    pub fn fill(&self) -> &CauseModel {
        &self.fields.fill
    }

    /// The unfilled cause's hazards.
    #[must_use]
    pub fn unfilled(&self) -> &CauseModel {
        &self.fields.unfilled
    }

    /// One cause's hazards.
    #[must_use]
    pub fn cause(&self, cause: Cause) -> &CauseModel {
        match cause {
            Cause::Fill => self.fill(),
            Cause::Unfilled => self.unfilled(),
        }
    }

    /// Everything the model says about an offer with covariates `x`.
    ///
    /// # Errors
    ///
    /// [`PredictError::WrongLength`] when `x` does not have one value per feature,
    /// [`PredictError::NonFinite`] for a NaN or infinite value.
    pub fn predict(&self, x: &[f64]) -> Result<Prediction, PredictError> {
        let p = self.fields.feature_names.len();
        if x.len() != p {
            return Err(PredictError::WrongLength {
                expected: p,
                found: x.len(),
            });
        }
        if let Some(feature) = x.iter().position(|v| !v.is_finite()) {
            return Err(PredictError::NonFinite { feature });
        }
        let mut z = Vec::with_capacity(p);
        self.scaling.standardise_into(x, &mut z);
        Ok(Prediction::new(
            &self.fields.fill,
            &self.fields.unfilled,
            &z,
        ))
    }

    /// P(filled by day `t`) for covariates `x`.
    ///
    /// # Errors
    ///
    /// As [`predict`](Self::predict).
    pub fn cumulative_fill(&self, x: &[f64], t: f64) -> Result<f64, PredictError> {
        Ok(self.predict(x)?.cumulative_fill(t))
    }

    /// P(not filled by day `t`) for covariates `x`.
    ///
    /// # Errors
    ///
    /// As [`predict`](Self::predict).
    pub fn not_filled_by(&self, x: &[f64], t: f64) -> Result<f64, PredictError> {
        Ok(self.predict(x)?.not_filled_by(t))
    }

    /// The day by which the offer is filled with probability 1/2, `None` when not within
    /// [`MEDIAN_HORIZON`](crate::MEDIAN_HORIZON) days.
    ///
    /// # Errors
    ///
    /// As [`predict`](Self::predict).
    pub fn median_fill_day(&self, x: &[f64]) -> Result<Option<f64>, PredictError> {
        Ok(self.predict(x)?.median_fill_day())
    }

    /// Each covariate's contribution `β_k · z_k` to the log-hazard of both causes.
    ///
    /// # Errors
    ///
    /// As [`predict`](Self::predict).
    pub fn contributions(&self, x: &[f64]) -> Result<Contributions, PredictError> {
        Ok(self.predict(x)?.contributions().clone())
    }
}
