//! FA*IR: ranked group fairness for one protected group (Zehlike, Bonchi, Castillo, Hajian,
//! Megahed, Baeza-Yates, *FA\*IR: A Fair Top-k Ranking Algorithm*, CIKM 2017).
//!
//! A top-k ranking is fair for a protected group with target proportion `p` at significance
//! `α` when every prefix `i` holds at least `m(i)` protected candidates, `m(i)` being the
//! smallest `m` with `P[Binomial(i, p) ≤ m] ≥ α` (scipy's `binom.ppf(α, i, p)`). Testing k
//! prefixes at level α fails more often than α: the *adjusted* table lowers α to the `α_c`
//! whose exact probability of failing some prefix, for rankings with independent
//! Bernoulli(p) membership, is as close to α as possible without exceeding it.

use serde::Serialize;

/// Why a table cannot be computed.
#[derive(Debug, Clone, PartialEq)]
pub enum TableError {
    /// k must be at least 1.
    EmptyRanking,
    /// p must be in [0, 1].
    Proportion(f64),
    /// α must be in (0, 1).
    Significance(f64),
}

impl std::fmt::Display for TableError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::EmptyRanking => f.write_str("k: a ranking needs at least one position"),
            Self::Proportion(p) => write!(f, "p: {p} is not a proportion between 0 and 1"),
            Self::Significance(a) => write!(f, "alpha: {a} is not strictly between 0 and 1"),
        }
    }
}

impl std::error::Error for TableError {}

/// The minimum number of protected candidates in each prefix of a top-k ranking.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MTable {
    pub k: usize,
    pub p: f64,
    /// The significance asked for.
    pub alpha: f64,
    /// The significance the table was computed with: `alpha` itself, or the adjusted `α_c`.
    pub alpha_used: f64,
    /// `minimums[i - 1]` is m(i), for i = 1..=k.
    pub minimums: Vec<usize>,
    /// The exact probability that a ranking with independent Bernoulli(p) membership falls
    /// below the table at some prefix.
    pub fail_probability: f64,
}

/// P[Binomial(n, p) ≤ m] for m = 0..=n.
fn binomial_cdf(n: usize, p: f64) -> Vec<f64> {
    let mut cdf = Vec::with_capacity(n + 1);
    if p <= 0.0 {
        cdf.resize(n + 1, 1.0);
        return cdf;
    }
    if p >= 1.0 {
        cdf.resize(n, 0.0);
        cdf.push(1.0);
        return cdf;
    }
    // In log space, so that large n neither underflows nor overflows.
    let (log_p, log_q) = (p.ln(), (1.0 - p).ln());
    let mut log_choose = 0.0f64; // ln C(n, j)
    let mut total = 0.0;
    for j in 0..=n {
        if j > 0 {
            log_choose += ((n - j + 1) as f64).ln() - (j as f64).ln();
        }
        total += (log_choose + j as f64 * log_p + (n - j) as f64 * log_q).exp();
        cdf.push(total.min(1.0));
    }
    cdf
}

/// m(i) for i = 1..=k at significance `alpha`: the smallest m with CDF(m; i, p) ≥ alpha.
fn minimums(k: usize, p: f64, alpha: f64) -> Vec<usize> {
    (1..=k)
        .map(|i| {
            let cdf = binomial_cdf(i, p);
            cdf.iter().position(|&c| c >= alpha).unwrap_or(i)
        })
        .collect()
}

/// The exact probability that a ranking whose positions are protected independently with
/// probability `p` has, at some prefix i (1..=k, every one of them, the last included), fewer
/// protected candidates than `minimums[i - 1]`. Dynamic programming over prefixes: the
/// distribution of the protected count among rankings that have not failed yet.
pub fn fail_probability(minimums: &[usize], p: f64) -> f64 {
    let mut alive = vec![1.0f64]; // alive[c]: P(c protected so far, no prefix failed)
    for &minimum in minimums {
        let mut next = vec![0.0f64; alive.len() + 1];
        for (count, &mass) in alive.iter().enumerate() {
            if let Some(slot) = next.get_mut(count) {
                *slot += mass * (1.0 - p);
            }
            if let Some(slot) = next.get_mut(count + 1) {
                *slot += mass * p;
            }
        }
        for slot in next.iter_mut().take(minimum) {
            *slot = 0.0;
        }
        alive = next;
    }
    (1.0 - alive.iter().sum::<f64>()).clamp(0.0, 1.0)
}

fn check(k: usize, p: f64, alpha: f64) -> Result<(), TableError> {
    if k == 0 {
        return Err(TableError::EmptyRanking);
    }
    if !(0.0..=1.0).contains(&p) {
        return Err(TableError::Proportion(p));
    }
    if !(alpha > 0.0 && alpha < 1.0) {
        return Err(TableError::Significance(alpha));
    }
    Ok(())
}

impl MTable {
    /// The table at significance `alpha`, without adjustment.
    pub fn unadjusted(k: usize, p: f64, alpha: f64) -> Result<Self, TableError> {
        check(k, p, alpha)?;
        let minimums = minimums(k, p, alpha);
        let fail_probability = fail_probability(&minimums, p);
        Ok(Self {
            k,
            p,
            alpha,
            alpha_used: alpha,
            minimums,
            fail_probability,
        })
    }

    /// The table at the adjusted significance `α_c ≤ alpha`: the largest for which the exact
    /// probability of failing some prefix does not exceed `alpha`. The failure probability only
    /// grows with `α_c`, so a bisection finds it.
    pub fn adjusted(k: usize, p: f64, alpha: f64) -> Result<Self, TableError> {
        check(k, p, alpha)?;
        let fails = |a: f64| fail_probability(&minimums(k, p, a), p);
        let (mut low, mut high) = (0.0f64, alpha);
        if fails(high) <= alpha {
            low = high;
        } else {
            for _ in 0..60 {
                let middle = (low + high) / 2.0;
                if fails(middle) <= alpha {
                    low = middle;
                } else {
                    high = middle;
                }
            }
        }
        let minimums = minimums(k, p, low.max(f64::MIN_POSITIVE));
        let fail_probability = fail_probability(&minimums, p);
        Ok(Self {
            k,
            p,
            alpha,
            alpha_used: low,
            minimums,
            fail_probability,
        })
    }
}

/// One candidate to rank: its score and whether it belongs to the protected group. The order
/// of the input (best first) is each group's internal order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate<Id> {
    pub id: Id,
    pub score: f64,
    pub protected: bool,
}

/// The re-ranked top-k and what the fairness constraint changed.
#[derive(Debug, Clone, PartialEq)]
pub struct Reranking<Id> {
    pub ranking: Vec<Candidate<Id>>,
    /// Positions (from 1) where a protected candidate was taken to meet the table.
    pub promoted_at: Vec<usize>,
    /// Positions (from 1) where the table could not be met: no protected candidate was left.
    pub unmet_at: Vec<usize>,
}

/// Re-ranks `candidates` (best first) into a fair top-k: each group keeps its internal order; at
/// each position, a protected candidate is taken when the prefix would otherwise fall below the
/// table, else the better of the two groups' heads (ties go to the earlier in the input).
pub fn rerank<Id: Copy>(candidates: &[Candidate<Id>], table: &MTable) -> Reranking<Id> {
    let protected: Vec<(usize, &Candidate<Id>)> = candidates
        .iter()
        .enumerate()
        .filter(|(_, c)| c.protected)
        .collect();
    let others: Vec<(usize, &Candidate<Id>)> = candidates
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.protected)
        .collect();
    let (mut next_protected, mut next_other) = (0, 0);
    let mut out = Reranking {
        ranking: Vec::new(),
        promoted_at: Vec::new(),
        unmet_at: Vec::new(),
    };
    let mut protected_so_far = 0;
    for (i, &minimum) in table.minimums.iter().enumerate() {
        let position = i + 1;
        let head_protected = protected.get(next_protected);
        let head_other = others.get(next_other);
        let take_protected = match (head_protected, head_other) {
            (None, None) => break,
            (Some(_), None) => true,
            (None, Some(_)) => {
                if protected_so_far < minimum {
                    out.unmet_at.push(position);
                }
                false
            }
            (Some(&(ip, p)), Some(&(io, o))) => {
                if protected_so_far < minimum {
                    // Promoted only if it would not have come first anyway.
                    if o.score > p.score || (o.score == p.score && io < ip) {
                        out.promoted_at.push(position);
                    }
                    true
                } else {
                    p.score > o.score || (p.score == o.score && ip < io)
                }
            }
        };
        let chosen = if take_protected {
            next_protected += 1;
            protected_so_far += 1;
            head_protected
        } else {
            next_other += 1;
            head_other
        };
        if let Some(&(_, candidate)) = chosen {
            out.ranking.push(*candidate);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binomial_cdf_of_small_cases() {
        let cdf = binomial_cdf(2, 0.5);
        assert!(
            (cdf[0] - 0.25).abs() < 1e-12
                && (cdf[1] - 0.75).abs() < 1e-12
                && (cdf[2] - 1.0).abs() < 1e-12
        );
        assert_eq!(binomial_cdf(3, 0.0), vec![1.0; 4]);
        assert_eq!(binomial_cdf(3, 1.0), vec![0.0, 0.0, 0.0, 1.0]);
    }
}
