//! How good a prediction is: labels at a horizon, average precision, Brier score, calibration by
//! deciles, and Harrell's concordance for the time to fill.
//!
//! The positive class is "not filled by day t" (the offers that need help): scores and
//! probabilities given to [`average_precision`], [`brier`] and [`calibration`] are of that
//! event. [`concordance`] takes the opposite, a *fill* score (higher = fills sooner).

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::Outcome;

/// Why a metric could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MetricError {
    /// Inputs of different lengths.
    #[error("inputs of different lengths: {0} and {1}")]
    LengthMismatch(usize, usize),
    /// No input.
    #[error("no observation")]
    Empty,
    /// A score, probability or duration is NaN or infinite.
    #[error("value {index} is not a finite number")]
    NonFinite {
        /// Position of the value.
        index: usize,
    },
    /// Average precision needs at least one positive label.
    #[error("no positive label")]
    NoPositive,
    /// Calibration needs at least one bin.
    #[error("at least one bin is needed")]
    NoBin,
    /// Concordance needs at least one comparable pair.
    #[error("no comparable pair")]
    NoComparablePair,
}

/// The label at horizon `t`: `Some(true)` when the offer was **not** filled by day `t`,
/// `Some(false)` when it was, `None` when it cannot be known.
///
/// - filled on a day `≤ t` → filled by `t`; filled later → not filled by `t`;
/// - closed unfilled, whatever the day → not filled by `t` (it never will be);
/// - still open after at least `t` days → not filled by `t`; open for fewer days → unknown;
/// - a NaN duration → unknown.
#[must_use]
pub fn label_not_filled(days: f64, outcome: Outcome, t: f64) -> Option<bool> {
    if days.is_nan() {
        return None;
    }
    match outcome {
        Outcome::Filled => Some(days > t),
        Outcome::Unfilled => Some(true),
        Outcome::Open => (days >= t).then_some(true),
    }
}

fn check<T>(values: &[f64], labels: &[T]) -> Result<(), MetricError> {
    if values.len() != labels.len() {
        return Err(MetricError::LengthMismatch(values.len(), labels.len()));
    }
    if values.is_empty() {
        return Err(MetricError::Empty);
    }
    if let Some(index) = values.iter().position(|v| !v.is_finite()) {
        return Err(MetricError::NonFinite { index });
    }
    Ok(())
}

/// Average precision (the area under the precision–recall curve as a step function): with the
/// scores sorted decreasing and equal scores taken together as one threshold,
/// `Σ_k (R_k − R_{k−1}) P_k` over thresholds `k`, `P` the precision and `R` the recall of the
/// positives (`true` labels). The share of positives is what a random score gets.
///
/// # Errors
///
/// [`MetricError`] for inputs of different lengths, none, a non-finite score, or no positive.
pub fn average_precision(scores: &[f64], labels: &[bool]) -> Result<f64, MetricError> {
    check(scores, labels)?;
    let positives = labels.iter().filter(|l| **l).count();
    if positives == 0 {
        return Err(MetricError::NoPositive);
    }
    let mut pairs: Vec<(f64, bool)> = scores.iter().copied().zip(labels.iter().copied()).collect();
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut true_positives = 0_usize;
    let mut seen = 0_usize;
    let mut previous_recall = 0.0;
    let mut ap = 0.0;
    for group in pairs.chunk_by(|a, b| a.0 == b.0) {
        seen += group.len();
        true_positives += group.iter().filter(|p| p.1).count();
        let recall = true_positives as f64 / positives as f64;
        let precision = true_positives as f64 / seen as f64;
        ap += (recall - previous_recall) * precision;
        previous_recall = recall;
    }
    Ok(ap)
}

/// Brier score: the mean of `(p − y)²`, `y` = 1 for a `true` label.
///
/// # Errors
///
/// [`MetricError`] for inputs of different lengths, none, or a non-finite probability.
pub fn brier(probs: &[f64], labels: &[bool]) -> Result<f64, MetricError> {
    check(probs, labels)?;
    let total: f64 = probs
        .iter()
        .zip(labels)
        .map(|(p, y)| {
            let y = if *y { 1.0 } else { 0.0 };
            (p - y) * (p - y)
        })
        .sum();
    Ok(total / probs.len() as f64)
}

/// One bin of a calibration table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationBin {
    /// Observations in the bin.
    pub count: usize,
    /// Smallest predicted probability in the bin.
    pub min_predicted: f64,
    /// Largest predicted probability in the bin.
    pub max_predicted: f64,
    /// Mean predicted probability.
    pub mean_predicted: f64,
    /// Share of `true` labels.
    pub observed_share: f64,
}

/// Calibration by quantiles of the predicted probability (deciles for `bins = 10`): the
/// observations sorted by prediction are cut into `bins` groups of equal size (to one), by rank,
/// so that equal predictions may straddle two bins; each bin gives its count, predictions and
/// observed share of `true`. Fewer observations than bins give fewer, non-empty bins.
///
/// # Errors
///
/// [`MetricError`] for inputs of different lengths, none, a non-finite probability, or no bin.
pub fn calibration(
    probs: &[f64],
    labels: &[bool],
    bins: usize,
) -> Result<Vec<CalibrationBin>, MetricError> {
    check(probs, labels)?;
    if bins == 0 {
        return Err(MetricError::NoBin);
    }
    let mut pairs: Vec<(f64, bool)> = probs.iter().copied().zip(labels.iter().copied()).collect();
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let n = pairs.len();
    let mut out = Vec::with_capacity(bins.min(n));
    for b in 0..bins {
        let start = b.saturating_mul(n) / bins;
        let end = (b + 1).saturating_mul(n) / bins;
        let Some(bin) = pairs.get(start..end).filter(|s| !s.is_empty()) else {
            continue;
        };
        let count = bin.len();
        let sum: f64 = bin.iter().map(|p| p.0).sum();
        let positives = bin.iter().filter(|p| p.1).count();
        out.push(CalibrationBin {
            count,
            min_predicted: bin.first().map_or(0.0, |p| p.0),
            max_predicted: bin.last().map_or(0.0, |p| p.0),
            mean_predicted: sum / count as f64,
            observed_share: positives as f64 / count as f64,
        });
    }
    Ok(out)
}

/// Harrell's concordance and its counts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Concordance {
    /// Concordant pairs over comparable pairs, ties counting one half.
    pub c_index: f64,
    /// Comparable pairs.
    pub comparable: u64,
    /// Concordant pairs, ties in score counting one half.
    pub concordant: f64,
}

/// A Fenwick tree of counts over score ranks.
struct Fenwick(Vec<u64>);

impl Fenwick {
    fn add(&mut self, rank: usize) {
        let mut i = rank + 1;
        while let Some(slot) = self.0.get_mut(i) {
            *slot += 1;
            i += i & i.wrapping_neg();
        }
    }

    /// Counts of ranks `< rank`.
    fn below(&self, rank: usize) -> u64 {
        let mut i = rank;
        let mut total = 0;
        while i > 0 {
            total += self.0.get(i).copied().unwrap_or(0);
            i &= i - 1;
        }
        total
    }
}

/// Harrell's C for the time to fill, in O(N log N) (sort, then a Fenwick tree over the score
/// ranks).
///
/// A pair `(i, j)` is comparable when `i` was filled on day `days_i` and `j` was observed
/// strictly longer, `days_j > days_i`, whatever its outcome (filled later, closed unfilled later,
/// or still open later); it is concordant when `i`'s fill score is higher than `j`'s, and
/// counts one half when the scores are equal. Pairs tied on the day are not comparable.
///
/// # Errors
///
/// [`MetricError`] for inputs of different lengths, none, a non-finite score or duration, or no
/// comparable pair.
pub fn concordance(
    fill_scores: &[f64],
    days: &[f64],
    outcomes: &[Outcome],
) -> Result<Concordance, MetricError> {
    check(fill_scores, days)?;
    check(days, outcomes)?;
    let mut distinct: Vec<f64> = fill_scores.to_vec();
    distinct.sort_by(f64::total_cmp);
    distinct.dedup();
    let rank = |s: f64| distinct.partition_point(|&d| d < s);
    let mut order: Vec<usize> = (0..days.len()).collect();
    order.sort_by(|&a, &b| {
        let (da, db) = (days.get(a), days.get(b));
        db.zip(da)
            .map_or(std::cmp::Ordering::Equal, |(db, da)| db.total_cmp(da))
    });
    let mut tree = Fenwick(vec![0; distinct.len() + 1]);
    let mut inserted = 0_u64;
    let mut comparable = 0_u64;
    let mut concordant = 0.0;
    let day_of = |i: usize| days.get(i).copied().unwrap_or(f64::NAN);
    for group in order.chunk_by(|&a, &b| day_of(a) == day_of(b)) {
        for &i in group {
            if outcomes.get(i) != Some(&Outcome::Filled) {
                continue;
            }
            let r = rank(fill_scores.get(i).copied().unwrap_or(0.0));
            let below = tree.below(r);
            let equal = tree.below(r + 1) - below;
            comparable += inserted;
            concordant += below as f64 + 0.5 * equal as f64;
        }
        for &j in group {
            tree.add(rank(fill_scores.get(j).copied().unwrap_or(0.0)));
            inserted += 1;
        }
    }
    if comparable == 0 {
        return Err(MetricError::NoComparablePair);
    }
    Ok(Concordance {
        c_index: concordant / comparable as f64,
        comparable,
        concordant,
    })
}
