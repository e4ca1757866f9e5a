//! Baselines: the cumulative incidence of fill per group, by Aalen–Johansen.
//!
//! Aalen–Johansen is the competing-risks generalisation of Kaplan–Meier. At each distinct day
//! `t` with events, among the `n` offers still at risk (observed at least `t` days), `d1` filled
//! and `d2` closed unfilled on that day:
//!
//! ```text
//! F(t) = F(t−) + S(t−) · d1/n          S(t) = S(t−) · (1 − (d1 + d2)/n)
//! ```
//!
//! An open offer is censored: it is at risk up to and including its last day. Without any
//! unfilled closure this is 1 − Kaplan–Meier. `F(t)` counts the fills of day `t` itself, as the
//! labels of [`metrics::label_not_filled`](crate::metrics::label_not_filled) do.
//!
//! [`GroupCurves`] fits one curve per group (a ROME occupation, an official tension class, the
//! "hard to fill" flag...) and the pooled curve of all observations, which answers for a group
//! with fewer than [`GroupOptions::min_size`] observations or never seen.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::Outcome;

/// Why baseline curves could not be fitted.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum BaselineError {
    /// No observation.
    #[error("no observation to fit on")]
    Empty,
    /// A duration is negative, NaN or infinite.
    #[error("observation {index}: {days} days is not a duration")]
    InvalidDays {
        /// Position of the observation.
        index: usize,
        /// The duration given.
        days: f64,
    },
}

/// A cumulative incidence of fill: a step function of the day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncidenceCurve {
    /// Days with at least one event, increasing.
    days: Vec<f64>,
    /// Cumulative incidence of fill from each of those days on.
    fill: Vec<f64>,
    observations: u64,
}

impl IncidenceCurve {
    /// The Aalen–Johansen estimate from `(days, outcome)` pairs; durations are expected finite
    /// and not negative (others are left out).
    #[must_use]
    pub fn fit(data: impl IntoIterator<Item = (f64, Outcome)>) -> Self {
        let mut sorted: Vec<(f64, Outcome)> = data
            .into_iter()
            .filter(|(d, _)| d.is_finite() && *d >= 0.0)
            .collect();
        sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
        let total = sorted.len();
        let mut days = Vec::new();
        let mut fill = Vec::new();
        let mut at_risk = total as f64;
        let mut open = 1.0;
        let mut filled = 0.0;
        for group in sorted.chunk_by(|a, b| a.0 == b.0) {
            let Some(&(day, _)) = group.first() else {
                continue;
            };
            let d1 = group.iter().filter(|o| o.1 == Outcome::Filled).count() as f64;
            let d2 = group.iter().filter(|o| o.1 == Outcome::Unfilled).count() as f64;
            if d1 + d2 > 0.0 && at_risk > 0.0 {
                filled += open * d1 / at_risk;
                open *= 1.0 - (d1 + d2) / at_risk;
                days.push(day);
                fill.push(filled);
            }
            at_risk -= group.len() as f64;
        }
        IncidenceCurve {
            days,
            fill,
            observations: u64::try_from(total).unwrap_or(u64::MAX),
        }
    }

    /// P(filled by day `t`): the estimate at the last event day not after `t` (0 before the
    /// first, and for a NaN `t`).
    #[must_use]
    pub fn cumulative_fill(&self, t: f64) -> f64 {
        let after = self.days.partition_point(|&d| d <= t);
        after
            .checked_sub(1)
            .and_then(|i| self.fill.get(i))
            .copied()
            .unwrap_or(0.0)
    }

    /// P(not filled by day `t`) = 1 − [`cumulative_fill`](Self::cumulative_fill).
    #[must_use]
    pub fn not_filled_by(&self, t: f64) -> f64 {
        1.0 - self.cumulative_fill(t)
    }

    /// Number of observations the curve was estimated on.
    #[must_use]
    pub fn observations(&self) -> u64 {
        self.observations
    }

    /// The steps: each event day and the cumulative incidence of fill from it on.
    pub fn steps(&self) -> impl Iterator<Item = (f64, f64)> + '_ {
        self.days.iter().copied().zip(self.fill.iter().copied())
    }
}

/// How [`GroupCurves`] groups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupOptions {
    /// A group with fewer observations is answered by the pooled curve (30 by default).
    pub min_size: usize,
}

impl Default for GroupOptions {
    fn default() -> Self {
        GroupOptions { min_size: 30 }
    }
}

/// The Aalen–Johansen cumulative incidence of fill per group, and pooled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupCurves<K> {
    pooled: IncidenceCurve,
    /// Groups with their own curve, sorted by key.
    groups: Vec<(K, IncidenceCurve)>,
}

impl<K: Ord + Clone> GroupCurves<K> {
    /// Fits the pooled curve and one per group of at least `options.min_size` observations.
    ///
    /// # Errors
    ///
    /// [`BaselineError::Empty`] without data, [`BaselineError::InvalidDays`] for a negative or
    /// non-finite duration.
    pub fn fit(data: &[(K, f64, Outcome)], options: &GroupOptions) -> Result<Self, BaselineError> {
        if data.is_empty() {
            return Err(BaselineError::Empty);
        }
        if let Some((index, (_, days, _))) = data
            .iter()
            .enumerate()
            .find(|(_, (_, d, _))| !d.is_finite() || *d < 0.0)
        {
            return Err(BaselineError::InvalidDays { index, days: *days });
        }
        let pooled = IncidenceCurve::fit(data.iter().map(|(_, d, o)| (*d, *o)));
        let mut by_key: Vec<&(K, f64, Outcome)> = data.iter().collect();
        by_key.sort_by(|a, b| a.0.cmp(&b.0));
        let mut groups = Vec::new();
        for group in by_key.chunk_by(|a, b| a.0 == b.0) {
            let Some(first) = group.first() else {
                continue;
            };
            if group.len() >= options.min_size.max(1) {
                let curve = IncidenceCurve::fit(group.iter().map(|(_, d, o)| (*d, *o)));
                groups.push((first.0.clone(), curve));
            }
        }
        Ok(GroupCurves { pooled, groups })
    }

    /// The curve that answers for `key`: its own, or the pooled one for a small or unknown
    /// group.
    #[must_use]
    pub fn curve(&self, key: &K) -> &IncidenceCurve {
        self.own_curve(key).unwrap_or(&self.pooled)
    }

    /// The group's own curve, `None` for a small or unknown group.
    #[must_use]
    pub fn own_curve(&self, key: &K) -> Option<&IncidenceCurve> {
        self.groups
            .binary_search_by(|(k, _)| k.cmp(key))
            .ok()
            .and_then(|i| self.groups.get(i))
            .map(|(_, curve)| curve)
    }

    /// The curve of all observations.
    #[must_use]
    pub fn pooled(&self) -> &IncidenceCurve {
        &self.pooled
    }

    /// Number of groups with their own curve.
    #[must_use]
    pub fn groups(&self) -> usize {
        self.groups.len()
    }

    /// P(filled by day `t`) for the group.
    #[must_use]
    pub fn cumulative_fill(&self, key: &K, t: f64) -> f64 {
        self.curve(key).cumulative_fill(t)
    }

    /// P(not filled by day `t`) for the group.
    #[must_use]
    pub fn not_filled_by(&self, key: &K, t: f64) -> f64 {
        self.curve(key).not_filled_by(t)
    }
}
