//! The data as the likelihood needs it, and the likelihood itself.
//!
//! [`Design`] is built once from the observations: standardised covariates in one flat row-major
//! `Vec<f64>`, and for each observation the interval it ended in and the time it spent there
//! (every interval before is whole). [`Objective`] is one cause's penalised negative
//! log-likelihood over a design, with its analytic gradient and the argmin glue to minimise it.

use std::cell::Cell;

use argmin::core::{CostFunction, Executor, Gradient, State, TerminationReason};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;
use serde::{Deserialize, Serialize};

use crate::model::{CauseModel, FitError, FitOptions};
use crate::{Cause, INTERVALS, Observation, Outcome, locate, width};

/// A column whose standard deviation is below this share of `max(1, |mean|)` is taken as
/// constant (its spread is rounding noise) and gets `sd = 1`.
const CONSTANT_SD: f64 = 1e-12;

/// Means and standard deviations of the training covariates: `z = (x − mean) / sd`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scaling {
    means: Vec<f64>,
    sds: Vec<f64>,
}

impl Scaling {
    /// Means and population standard deviations of `p` columns (two passes); a constant column
    /// gets `sd = 1`. Rows are expected of length `p` with finite values (a shorter row adds
    /// nothing to the missing columns).
    #[must_use]
    pub fn of_rows<'a>(rows: impl Iterator<Item = &'a [f64]> + Clone, p: usize) -> Self {
        let mut n = 0.0_f64;
        let mut means = vec![0.0; p];
        for row in rows.clone() {
            n += 1.0;
            for (mean, x) in means.iter_mut().zip(row) {
                *mean += x;
            }
        }
        if n > 0.0 {
            for mean in &mut means {
                *mean /= n;
            }
        }
        let mut sds = vec![0.0; p];
        for row in rows {
            for ((sd, mean), x) in sds.iter_mut().zip(&means).zip(row) {
                *sd += (x - mean) * (x - mean);
            }
        }
        for (sd, mean) in sds.iter_mut().zip(&means) {
            let value = if n > 0.0 { (*sd / n).sqrt() } else { 0.0 };
            *sd = if value.is_finite() && value > CONSTANT_SD * mean.abs().max(1.0) {
                value
            } else {
                1.0
            };
        }
        Scaling { means, sds }
    }

    /// Builds a scaling from stored means and standard deviations, or `None` when their lengths
    /// differ or a value is not finite or a standard deviation not positive.
    #[must_use]
    pub fn from_parts(means: Vec<f64>, sds: Vec<f64>) -> Option<Self> {
        let valid = means.len() == sds.len()
            && means.iter().all(|m| m.is_finite())
            && sds.iter().all(|s| s.is_finite() && *s > 0.0);
        valid.then_some(Scaling { means, sds })
    }

    /// Number of covariates.
    #[must_use]
    pub fn len(&self) -> usize {
        self.means.len()
    }

    /// Whether there is no covariate.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.means.is_empty()
    }

    /// The training means.
    #[must_use]
    pub fn means(&self) -> &[f64] {
        &self.means
    }

    /// The training standard deviations (1 for a constant column).
    #[must_use]
    pub fn sds(&self) -> &[f64] {
        &self.sds
    }

    /// Appends the standardised `x` to `out` (one value per covariate; a missing value counts
    /// as the mean).
    pub fn standardise_into(&self, x: &[f64], out: &mut Vec<f64>) {
        let mut values = x.iter();
        for (mean, sd) in self.means.iter().zip(&self.sds) {
            let v = values.next().copied().unwrap_or(*mean);
            out.push((v - mean) / sd);
        }
    }
}

/// The observations reduced to what the likelihood reads, shared by both causes.
///
/// An observation of `D` days spent every interval before the one holding the instant just
/// before `D` whole, and `D − start` days in that one, where it ended: an offer filled on day 7
/// was filled in `[0, 7)` after 7 days there (days are counted whole, "filled on day 7" is
/// during the first week), one filled on day 0 in `[0, 7)` after no time at all.
#[derive(Debug, Clone)]
pub struct Design {
    p: usize,
    scaling: Scaling,
    /// Standardised covariates, `p` per observation, row-major.
    z: Vec<f64>,
    /// The interval each observation ended in.
    last: Vec<u8>,
    /// The time each observation spent in its last interval.
    rest: Vec<f64>,
    outcomes: Vec<Outcome>,
}

impl Design {
    /// Checks the observations (at least one; `p` covariates each, all finite; days finite and
    /// not negative), standardises the covariates and locates each observation's end.
    ///
    /// # Errors
    ///
    /// [`FitError::Empty`], [`FitError::WrongLength`], [`FitError::NonFiniteCovariate`],
    /// [`FitError::InvalidDays`], naming the first observation at fault.
    pub fn new(data: &[Observation], p: usize) -> Result<Self, FitError> {
        if data.is_empty() {
            return Err(FitError::Empty);
        }
        for (index, obs) in data.iter().enumerate() {
            if obs.x.len() != p {
                return Err(FitError::WrongLength {
                    index,
                    expected: p,
                    found: obs.x.len(),
                });
            }
            if let Some(feature) = obs.x.iter().position(|v| !v.is_finite()) {
                return Err(FitError::NonFiniteCovariate { index, feature });
            }
            if !obs.days.is_finite() || obs.days < 0.0 {
                return Err(FitError::InvalidDays {
                    index,
                    days: obs.days,
                });
            }
        }
        let scaling = Scaling::of_rows(data.iter().map(|o| o.x.as_slice()), p);
        let mut z = Vec::with_capacity(data.len().saturating_mul(p));
        let mut last = Vec::with_capacity(data.len());
        let mut rest = Vec::with_capacity(data.len());
        for obs in data {
            scaling.standardise_into(&obs.x, &mut z);
            let (j, r) = locate(obs.days);
            // `j < INTERVALS = 8`: it fits a byte.
            last.push(u8::try_from(j).unwrap_or(u8::MAX));
            rest.push(r);
        }
        Ok(Design {
            p,
            scaling,
            z,
            last,
            rest,
            outcomes: data.iter().map(|o| o.outcome).collect(),
        })
    }

    /// Number of observations.
    #[must_use]
    pub fn len(&self) -> usize {
        self.last.len()
    }

    /// Whether there is no observation (never, for a design that was built).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.last.is_empty()
    }

    /// Number of covariates.
    #[must_use]
    pub fn covariates(&self) -> usize {
        self.p
    }

    /// The standardisation learnt from the data.
    #[must_use]
    pub fn scaling(&self) -> &Scaling {
        &self.scaling
    }

    /// Standardised covariates of observation `i` (empty past the end).
    fn row(&self, i: usize) -> &[f64] {
        let start = i.saturating_mul(self.p);
        self.z
            .get(start..start.saturating_add(self.p))
            .unwrap_or(&[])
    }

    /// Total exposure (days at risk) in each interval.
    #[must_use]
    pub fn exposure(&self) -> [f64; INTERVALS] {
        let mut ended = [0.0; INTERVALS];
        let mut rest = [0.0; INTERVALS];
        for (&j, &r) in self.last.iter().zip(&self.rest) {
            if let (Some(n), Some(e)) =
                (ended.get_mut(usize::from(j)), rest.get_mut(usize::from(j)))
            {
                *n += 1.0;
                *e += r;
            }
        }
        let mut exposure = [0.0; INTERVALS];
        let mut later = 0.0;
        for j in (0..INTERVALS).rev() {
            let (Some(out), Some(n), Some(r)) = (exposure.get_mut(j), ended.get(j), rest.get(j))
            else {
                continue;
            };
            *out = if later > 0.0 {
                width(j) * later + r
            } else {
                *r
            };
            later += n;
        }
        exposure
    }

    /// The penalised negative log-likelihood of one cause over this design.
    ///
    /// # Errors
    ///
    /// [`FitError::NoEvents`] when no observation ended by this cause (the hazards would go to
    /// zero), [`FitError::InvalidOptions`] for a negative or non-finite ridge.
    pub fn objective(&self, cause: Cause, ridge: f64) -> Result<Objective<'_>, FitError> {
        if !ridge.is_finite() || ridge < 0.0 {
            return Err(FitError::InvalidOptions(
                "ridge must be finite and not negative",
            ));
        }
        let mut events = [0.0; INTERVALS];
        let mut zd = vec![0.0; self.p];
        let mut total = 0_u64;
        for (i, (&j, &outcome)) in self.last.iter().zip(&self.outcomes).enumerate() {
            if !cause.ends(outcome) {
                continue;
            }
            total += 1;
            if let Some(d) = events.get_mut(usize::from(j)) {
                *d += 1.0;
            }
            for (s, z) in zd.iter_mut().zip(self.row(i)) {
                *s += z;
            }
        }
        if total == 0 {
            return Err(FitError::NoEvents(cause));
        }
        Ok(Objective {
            design: self,
            cause,
            ridge,
            events,
            event_total: total,
            zd,
            exposure: self.exposure(),
        })
    }
}

/// One cause's penalised negative log-likelihood `−ℓ(α, β) + λ/2 ‖β‖²` over a [`Design`], as a
/// function of the parameters `[α_0 … α_7, β_0 … β_{p−1}]`.
///
/// With `L_i` the interval observation `i` ended in, `r_i` its time there, `η_i = β·z_i` and
/// `P_L = Σ_{j<L} Δ_j exp(α_j)`, the exposure term is `Σ_i exp(η_i) (P_{L_i} + r_i exp(α_{L_i}))`
/// and the event term `Σ_j d_j α_j + β·Σ_i d_i z_i`, whose sums over events are computed once: an
/// evaluation costs one pass of O(p) per observation.
#[derive(Debug, Clone)]
pub struct Objective<'a> {
    design: &'a Design,
    cause: Cause,
    ridge: f64,
    /// Events of this cause per interval.
    events: [f64; INTERVALS],
    event_total: u64,
    /// `Σ_i d_i z_i`.
    zd: Vec<f64>,
    /// Exposure per interval.
    exposure: [f64; INTERVALS],
}

/// Floor on the events of an interval for the starting rate of an interval without events.
const EVENT_FLOOR: f64 = 0.5;

impl Objective<'_> {
    /// Number of parameters: `INTERVALS + p`.
    #[must_use]
    pub fn parameters(&self) -> usize {
        INTERVALS + self.design.p
    }

    /// The cause this objective is the likelihood of.
    #[must_use]
    pub fn cause(&self) -> Cause {
        self.cause
    }

    /// Number of events of this cause.
    #[must_use]
    pub fn events(&self) -> u64 {
        self.event_total
    }

    /// Events of this cause per interval.
    #[must_use]
    pub fn events_per_interval(&self) -> [f64; INTERVALS] {
        self.events
    }

    /// The starting point: `α_j = ln(max(d_j, 0.5) / e_j)` (the crude rate, events floored at
    /// 0.5), `β = 0`. An interval nobody reached starts at the rate of the interval before it
    /// (and [`minimise`](Self::minimise) gives it the hazard fitted there).
    #[must_use]
    pub fn start(&self) -> Vec<f64> {
        let mut params = Vec::with_capacity(self.parameters());
        let mut previous = None;
        for (d, e) in self.events.iter().zip(&self.exposure) {
            let alpha = if *e > 0.0 {
                (d.max(EVENT_FLOOR) / e).ln()
            } else {
                previous.unwrap_or(0.0)
            };
            previous = Some(alpha);
            params.push(alpha);
        }
        params.resize(self.parameters(), 0.0);
        params
    }

    /// `−ℓ + λ/2 ‖β‖²` at `params`.
    ///
    /// # Errors
    ///
    /// [`FitError::WrongParameterCount`] when `params` does not hold `INTERVALS + p` values.
    pub fn value(&self, params: &[f64]) -> Result<f64, FitError> {
        self.check(params)?;
        Ok(self.evaluate(params, None))
    }

    /// The gradient of [`value`](Self::value) at `params`.
    ///
    /// # Errors
    ///
    /// [`FitError::WrongParameterCount`] when `params` does not hold `INTERVALS + p` values.
    pub fn gradient(&self, params: &[f64]) -> Result<Vec<f64>, FitError> {
        self.check(params)?;
        let mut grad = vec![0.0; params.len()];
        self.evaluate(params, Some(&mut grad));
        Ok(grad)
    }

    /// The log-likelihood `ℓ` at `params`, without the penalty.
    ///
    /// # Errors
    ///
    /// [`FitError::WrongParameterCount`] when `params` does not hold `INTERVALS + p` values.
    pub fn log_likelihood(&self, params: &[f64]) -> Result<f64, FitError> {
        let value = self.value(params)?;
        Ok(-(value - self.penalty(params)))
    }

    fn penalty(&self, params: &[f64]) -> f64 {
        let beta = params.get(INTERVALS..).unwrap_or(&[]);
        0.5 * self.ridge * beta.iter().map(|b| b * b).sum::<f64>()
    }

    fn check(&self, params: &[f64]) -> Result<(), FitError> {
        if params.len() == self.parameters() {
            Ok(())
        } else {
            Err(FitError::WrongParameterCount {
                expected: self.parameters(),
                found: params.len(),
            })
        }
    }

    /// The value, and the gradient into `grad` when given (of the same length as `params`,
    /// which is `INTERVALS + p`).
    fn evaluate(&self, params: &[f64], grad: Option<&mut [f64]>) -> f64 {
        let (alpha, beta) = params.split_at(INTERVALS.min(params.len()));
        let mut rate = [0.0; INTERVALS];
        for (r, a) in rate.iter_mut().zip(alpha) {
            *r = a.exp();
        }
        // prefix[L] = Σ_{j<L} Δ_j exp(α_j): the exposure term of the whole intervals.
        let mut prefix = [0.0; INTERVALS];
        let mut acc = 0.0;
        for (j, (p, r)) in prefix.iter_mut().zip(&rate).enumerate() {
            *p = acc;
            acc += width(j) * r;
        }

        // Per interval of end: Σ exp(η_i) and Σ r_i exp(η_i).
        let mut ended = [0.0; INTERVALS];
        let mut ended_rest = [0.0; INTERVALS];
        let mut grad = grad;
        let mut beta_grad = grad
            .as_deref_mut()
            .and_then(|g| g.get_mut(INTERVALS..))
            .filter(|g| !g.is_empty());
        let mut visit = |j: u8, r: f64, z: &[f64]| {
            let eta: f64 = beta.iter().zip(z).map(|(b, z)| b * z).sum();
            let e = eta.exp();
            let j = usize::from(j);
            if let (Some(w), Some(wr)) = (ended.get_mut(j), ended_rest.get_mut(j)) {
                *w += e;
                *wr += r * e;
            }
            if let Some(gb) = beta_grad.as_deref_mut() {
                let whole = prefix.get(j).copied().unwrap_or(0.0);
                let mu = e * (whole + r * rate.get(j).copied().unwrap_or(0.0));
                for (g, z) in gb.iter_mut().zip(z) {
                    *g += mu * z;
                }
            }
        };
        let ends = self.design.last.iter().zip(&self.design.rest);
        match self.design.p {
            0 => ends.for_each(|(&j, &r)| visit(j, r, &[])),
            p => ends
                .zip(self.design.z.chunks_exact(p))
                .for_each(|((&j, &r), z)| visit(j, r, z)),
        }

        let mut value = 0.0;
        for j in 0..INTERVALS {
            let (Some(p), Some(w), Some(wr), Some(r), Some(d), Some(a)) = (
                prefix.get(j),
                ended.get(j),
                ended_rest.get(j),
                rate.get(j),
                self.events.get(j),
                alpha.get(j),
            ) else {
                continue;
            };
            value += w * p + wr * r - d * a;
        }
        let event_eta: f64 = beta.iter().zip(&self.zd).map(|(b, s)| b * s).sum();
        value -= event_eta;
        value += self.penalty(params);

        if let Some(grad) = grad {
            // ∂/∂α_j = exp(α_j) (Δ_j Σ_{L>j} W_L + R_j) − d_j.
            let mut later = 0.0;
            for j in (0..INTERVALS).rev() {
                let (Some(g), Some(w), Some(wr), Some(r), Some(d)) = (
                    grad.get_mut(j),
                    ended.get(j),
                    ended_rest.get(j),
                    rate.get(j),
                    self.events.get(j),
                ) else {
                    continue;
                };
                let whole = if later > 0.0 { width(j) * later } else { 0.0 };
                *g = r * (whole + wr) - d;
                later += w;
            }
            // ∂/∂β_k = Σ_i μ_i z_ik − Σ_i d_i z_ik + λ β_k (the first sum is in place).
            if let Some(gb) = grad.get_mut(INTERVALS..) {
                for ((g, s), b) in gb.iter_mut().zip(&self.zd).zip(beta) {
                    *g += self.ridge * b - s;
                }
            }
        }
        value
    }

    /// Minimises this objective with argmin's L-BFGS (Moré–Thuente line search) from `start`.
    ///
    /// # Errors
    ///
    /// [`FitError::WrongParameterCount`] for a `start` of the wrong length,
    /// [`FitError::InvalidOptions`] for options argmin refuses, [`FitError::Optimiser`] when
    /// argmin fails, [`FitError::NotFinite`] when the result is not finite.
    pub fn minimise(&self, start: Vec<f64>, options: &FitOptions) -> Result<CauseModel, FitError> {
        self.check(&start)?;
        options.check()?;
        let problem = Scaled {
            objective: self,
            scale: 1.0 / self.design.len().max(1) as f64,
            last: Cell::new(None),
        };
        let solver = LBFGS::new(MoreThuenteLineSearch::new(), options.history)
            .with_tolerance_grad(options.gradient_tolerance)
            .map_err(|_| FitError::InvalidOptions("gradient tolerance refused by argmin"))?;
        let result = Executor::new(problem, solver)
            .configure(|state| state.param(start).max_iters(options.max_iterations))
            .ctrlc(false)
            .timer(false)
            .run()
            .map_err(|e| FitError::Optimiser(e.to_string()))?;
        let state = result.state;
        let iterations = state.get_iter();
        let termination = state
            .get_termination_reason()
            .map_or_else(|| "not terminated".to_owned(), TerminationReason::to_string);
        let solver_converged = matches!(
            state.get_termination_reason(),
            Some(TerminationReason::SolverConverged)
        );
        let params = state
            .best_param
            .ok_or_else(|| FitError::Optimiser("argmin returned no parameter".to_owned()))?;
        if params.iter().any(|v| !v.is_finite()) {
            return Err(FitError::NotFinite(self.cause));
        }
        let mut grad = vec![0.0; params.len()];
        let value = self.evaluate(&params, Some(&mut grad));
        let log_likelihood = -(value - self.penalty(&params));
        if !log_likelihood.is_finite() || grad.iter().any(|g| !g.is_finite()) {
            return Err(FitError::NotFinite(self.cause));
        }
        let gradient_norm =
            grad.iter().map(|g| g * g).sum::<f64>().sqrt() / self.design.len().max(1) as f64;
        let (alpha, beta) = params.split_at(INTERVALS.min(params.len()));
        // An interval nobody reached has no likelihood: it takes the hazard fitted just before.
        let mut alpha = alpha.to_vec();
        let mut previous = None;
        for (a, e) in alpha.iter_mut().zip(&self.exposure) {
            if *e <= 0.0
                && let Some(p) = previous
            {
                *a = p;
            }
            previous = Some(*a);
        }
        Ok(CauseModel {
            alpha,
            beta: beta.to_vec(),
            events: self.event_total,
            log_likelihood,
            iterations,
            gradient_norm,
            converged: solver_converged || gradient_norm <= options.gradient_tolerance,
            termination,
        })
    }
}

/// The objective as argmin sees it: divided by the number of observations, the value and the
/// gradient computed in one pass and kept for the point last asked (argmin asks for the cost
/// then the gradient at each point of the line search).
struct Scaled<'o, 'd> {
    objective: &'o Objective<'d>,
    scale: f64,
    last: Cell<Option<Evaluation>>,
}

struct Evaluation {
    params: Vec<f64>,
    value: f64,
    gradient: Vec<f64>,
}

impl Scaled<'_, '_> {
    fn evaluate(&self, params: &[f64]) -> Result<(f64, Vec<f64>), FitError> {
        if let Some(last) = self.last.take()
            && last.params == params
        {
            let out = (last.value, last.gradient.clone());
            self.last.set(Some(last));
            return Ok(out);
        }
        self.objective.check(params)?;
        let mut gradient = vec![0.0; params.len()];
        let value = self.objective.evaluate(params, Some(&mut gradient)) * self.scale;
        for g in &mut gradient {
            *g *= self.scale;
        }
        self.last.set(Some(Evaluation {
            params: params.to_vec(),
            value,
            gradient: gradient.clone(),
        }));
        Ok((value, gradient))
    }
}

impl CostFunction for Scaled<'_, '_> {
    type Param = Vec<f64>;
    type Output = f64;

    fn cost(&self, params: &Self::Param) -> Result<Self::Output, argmin::core::Error> {
        Ok(self.evaluate(params)?.0)
    }
}

impl Gradient for Scaled<'_, '_> {
    type Param = Vec<f64>;
    type Gradient = Vec<f64>;

    fn gradient(&self, params: &Self::Param) -> Result<Self::Gradient, argmin::core::Error> {
        Ok(self.evaluate(params)?.1)
    }
}
