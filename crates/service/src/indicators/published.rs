//! A measure's year as published under statistical secrecy (`model::secrecy`): one grid of
//! departments × quarters with its margins and the region's months, computed once per
//! measure, year and threshold, the same for every indicator that reads it; and every figure
//! of a month, a quarter or the year read from it ([`derive`]), so that no two tables of a
//! year subtract to a withheld count.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use model::indicators::{Formula, Measure, Period};
use model::secrecy;

use super::counted::Counted;
use super::tables::Column;

/// A figure of a table as published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fig {
    Shown(u64),
    Secret,
    /// A department's month: published by quarter only.
    ByQuarter,
}

/// A year's counts as published: one grid of departments × quarters with its margins (each
/// department's year, each quarter's region, the region's year) under secrecy, and the
/// region's months. Every figure of any period of that year is read from it (see
/// [`derive`]), so that no two tables of the same year can be subtracted from each other to
/// give a withheld count away: a department's month is not published (by quarter only), a
/// region's month is, with a second month of its quarter withheld when one is, so that the
/// quarter's total does not give it away (and one at least when the quarter is withheld).
///
/// A count from 1 to under the threshold is withheld; a zero describes nobody and is shown.
/// A measure is published once, the same for every indicator that reads it (see
/// [`published_measure`]): were a count and a share of the same events withheld in two
/// patterns, one would give away what the other protects. With `denominators` (those the
/// measure is the numerator of, in the registry's shares), the complement (a denominator's
/// events not in the numerator) is a count too: a numerator whose complement is under the
/// threshold is withheld. When a share is about people's statuses (`strict`), a zero is
/// withheld on either side: "none of the 25 hired holds a priority status", or "all of them
/// do", would say something of each of them.
pub(super) struct PublishedYear {
    /// (departments + 1) × (4 quarters + the year).
    pub(super) grid: Vec<Vec<Option<u64>>>,
    pub(super) months: [Option<u64>; 12],
}

/// `measure`'s year as published for every indicator: with the complement of every share of
/// the registry it is the numerator of. Computed once per measure, year and threshold.
pub(super) fn published_measure(
    counted: &Counted,
    measure: Measure,
    year: i32,
    threshold: u64,
) -> Arc<PublishedYear> {
    cached(&counted.published, (measure, year, threshold), || {
        let denominators = denominators_of(measure, |d| counted.months(d, year));
        published_year(&counted.months(measure, year), threshold, &denominators)
    })
}

/// The figure of `key` in `cache`, computed once.
pub(super) fn cached<K: std::hash::Hash + Eq, V>(
    cache: &Mutex<HashMap<K, Arc<V>>>,
    key: K,
    compute: impl FnOnce() -> V,
) -> Arc<V> {
    if let Some(found) = cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
        return found;
    }
    let value = Arc::new(compute());
    if let Ok(mut c) = cache.lock() {
        c.insert(key, value.clone());
    }
    value
}

/// The denominators of the registry's shares `measure` is the numerator of, each as `read`
/// gives it, with whether the share is about people's statuses.
pub(super) fn denominators_of<T>(measure: Measure, read: impl Fn(Measure) -> T) -> Vec<(T, bool)> {
    model::indicators::REGISTRY
        .iter()
        .filter_map(|i| match i.formula {
            Formula::Share {
                numerator,
                denominator,
            } if numerator == measure => Some((read(denominator), numerator.is_about_statuses())),
            _ => None,
        })
        .collect()
}

pub(super) fn quarters(months: &[Vec<u64>]) -> Vec<Vec<u64>> {
    months
        .iter()
        .map(|line| line.chunks(3).map(|q| q.iter().sum()).collect())
        .collect()
}

fn region_months(months: &[Vec<u64>]) -> [u64; 12] {
    let mut out = [0u64; 12];
    for line in months {
        for (total, n) in out.iter_mut().zip(line) {
            *total = total.saturating_add(*n);
        }
    }
    out
}

fn published_year(
    months: &[Vec<u64>],
    threshold: u64,
    denominators: &[(Vec<Vec<u64>>, bool)],
) -> PublishedYear {
    let strict = denominators.iter().any(|(_, strict)| *strict);
    let small = |n: u64| n < threshold && (n > 0 || strict);
    let den_grids: Vec<Vec<Vec<u64>>> = denominators
        .iter()
        .map(|(d, _)| secrecy::with_margins(&quarters(d)).unwrap_or_default())
        .collect();
    // A complement under the threshold against any of the denominators it is a share of.
    let complement_small =
        |n: u64, ds: &[u64]| ds.iter().any(|d| *d > 0 && small(d.saturating_sub(n)));
    let num_grid = secrecy::with_margins(&quarters(months)).unwrap_or_default();
    // The complements (denominator minus numerator) share the withheld pattern.
    let complements: Vec<Vec<Vec<u64>>> = den_grids
        .iter()
        .map(|d| {
            d.iter()
                .zip(&num_grid)
                .map(|(dl, nl)| {
                    dl.iter()
                        .zip(nl)
                        .map(|(d, n)| d.saturating_sub(*n))
                        .collect()
                })
                .collect()
        })
        .collect();
    let grid = secrecy::publish_with(
        &quarters(months),
        |r, c, n| {
            let ds: Vec<u64> = den_grids
                .iter()
                .filter_map(|g| g.get(r).and_then(|l| l.get(c)).copied())
                .collect();
            small(n) || complement_small(n, &ds)
        },
        |n| n > 0 && small(n),
        &complements,
    )
    .map(|p| p.grid)
    .unwrap_or_default();
    let region = region_months(months);
    let den_regions: Vec<[u64; 12]> = denominators.iter().map(|(d, _)| region_months(d)).collect();
    let mut hidden: Vec<bool> = region
        .iter()
        .enumerate()
        .map(|(m, n)| {
            let ds: Vec<u64> = den_regions
                .iter()
                .filter_map(|d| d.get(m).copied())
                .collect();
            small(*n) || complement_small(*n, &ds)
        })
        .collect();
    let quarter_published = |q: usize| {
        grid.last()
            .and_then(|l| l.get(q))
            .copied()
            .flatten()
            .is_some()
    };
    // Within a quarter whose total is published, the months withheld are never one alone,
    // and never add up to a small count (of events, or of a share's complement).
    let residual_small = |months: &[usize], hidden: &[bool]| {
        let sum = |values: &[u64; 12]| -> u64 {
            months
                .iter()
                .filter(|m| hidden.get(**m).copied().unwrap_or(false))
                .filter_map(|m| values.get(*m))
                .sum()
        };
        let complements = den_regions.iter().map(|d| {
            let mut c = [0u64; 12];
            for (slot, (d, n)) in c.iter_mut().zip(d.iter().zip(&region)) {
                *slot = d.saturating_sub(*n);
            }
            sum(&c)
        });
        std::iter::once(sum(&region))
            .chain(complements)
            .any(|s| s > 0 && small(s))
    };
    for q in 0..4 {
        let span: Vec<usize> = (3 * q..3 * q + 3).collect();
        // With no department in the table, there is no quarter to protect.
        if grid.is_empty() {
            break;
        }
        for _ in 0..3 {
            let withheld = span
                .iter()
                .filter(|m| hidden.get(**m).copied().unwrap_or(false))
                .count();
            let needs_more = if quarter_published(q) {
                withheld == 1 || (withheld > 0 && residual_small(&span, &hidden))
            } else {
                withheld == 0
            };
            if !needs_more {
                break;
            }
            let smallest = span
                .iter()
                .copied()
                .filter(|m| !hidden.get(*m).copied().unwrap_or(true))
                .min_by_key(|m| region.get(*m).copied().unwrap_or(0));
            match smallest.and_then(|m| hidden.get_mut(m)) {
                Some(slot) => *slot = true,
                None => break,
            }
        }
    }
    let mut out = [None; 12];
    for ((slot, n), h) in out.iter_mut().zip(&region).zip(&hidden) {
        *slot = (!h).then_some(*n);
    }
    PublishedYear { grid, months: out }
}

/// The figures of `columns` and of the whole `period` (the last column) for each line of a
/// year as published: a quarter or the year from the grid; a month from the region's
/// months for the region's line, and by quarter only for a department's.
pub(super) fn derive(year: &PublishedYear, columns: &[Column], period: Period) -> Vec<Vec<Fig>> {
    let index = |month: &str| {
        month
            .get(5..7)
            .and_then(|m| m.parse::<usize>().ok())
            .and_then(|m| m.checked_sub(1))
    };
    let spans: Vec<Vec<usize>> = columns
        .iter()
        .map(|c| c.months.iter().filter_map(|m| index(m)).collect())
        .chain(std::iter::once(
            period
                .months()
                .iter()
                .map(|&(_, m)| m.saturating_sub(1) as usize)
                .collect(),
        ))
        .collect();
    let lines = year.grid.len();
    let shown = |n: Option<u64>| n.map_or(Fig::Secret, Fig::Shown);
    (0..lines)
        .map(|line| {
            let region = line + 1 == lines;
            let at = |c: usize| {
                year.grid
                    .get(line)
                    .and_then(|l| l.get(c))
                    .copied()
                    .flatten()
            };
            spans
                .iter()
                .map(|months| match months.as_slice() {
                    all if all.len() == 12 => shown(at(4)),
                    [a, b, c] if a % 3 == 0 && *b == a + 1 && *c == a + 2 => shown(at(a / 3)),
                    [m] if region => shown(year.months.get(*m).copied().flatten()),
                    _ => Fig::ByQuarter,
                })
                .collect()
        })
        .collect()
}

pub(super) fn count_withheld(grid: &[Vec<Fig>]) -> usize {
    grid.iter().flatten().filter(|f| **f == Fig::Secret).count()
}

/// The median of a histogram (the lower middle for an even count).
pub(super) fn median(histogram: &BTreeMap<i64, u64>) -> Option<f64> {
    let n: u64 = histogram.values().sum();
    if n == 0 {
        return None;
    }
    let middle = n.div_ceil(2);
    let mut seen = 0;
    for (days, count) in histogram {
        seen += count;
        if seen >= middle {
            return Some(*days as f64);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_is_the_lower_middle() {
        let h: BTreeMap<i64, u64> = [(3, 1), (10, 2), (40, 1)].into_iter().collect();
        assert_eq!(median(&h), Some(10.0));
        let h: BTreeMap<i64, u64> = [(3, 2), (10, 2)].into_iter().collect();
        assert_eq!(median(&h), Some(3.0));
        assert_eq!(median(&BTreeMap::new()), None);
    }
}
