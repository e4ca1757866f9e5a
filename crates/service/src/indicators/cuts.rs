//! The registry's indicators cut another way than by department (issue 20): by occupation
//! family (the ROME's grand domaine), by priority public (RQTH, another priority status,
//! none) or by intercommunality (the EPCI, or within the Grand Paris the établissement
//! public territorial), for the region, by quarter.
//!
//! A cut is a second table of the same events: its totals by quarter are the region's line
//! of the department table, and a reader holds both. So each measure's year is published
//! cut by cut as a system linked to its department grid (`model::secrecy::System`): the
//! department grid and the region's months as they were published (none of their figures
//! withheld again, none revealed), the cut's figures under the threshold withheld, and its
//! quarters whose region's figure is (so that two cuts of the same events together give no
//! more away than each alone, `secrecy::add_cut`), then more of the cut's until no withheld
//! figure of either can be recomputed from both.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use model::indicators::{Dimension, Formula, Indicator, Measure, PRIORITY_PUBLICS, Period};
use model::secrecy::{self, System};

use super::counted::Counted;
use super::published::{cached, denominators_of, median, published_measure, quarters};
use super::tables::{
    Cell, Column, Table, TableError, blank_if_empty, columns, into_lines, median_cells, share_cells,
};

/// The groups of a cut, in the order its table lists them: key and label.
pub fn groups(dimension: Dimension, region: &str) -> Vec<(String, String)> {
    match dimension {
        Dimension::OccupationFamily => {
            let rome = refdata::rome();
            ('A'..='N')
                .map(|letter| {
                    let code = letter.to_string();
                    let label = rome
                        .domain(&code)
                        .and_then(|d| d.label)
                        .map_or_else(|| code.clone(), |l| format!("{code} — {l}"));
                    (code, label)
                })
                .collect()
        }
        Dimension::PriorityPublic => PRIORITY_PUBLICS
            .iter()
            .map(|(k, l)| (k.to_string(), l.to_string()))
            .collect(),
        Dimension::CommuneGroup => {
            let geo = refdata::geo();
            let mut epcis: BTreeMap<String, String> = geo
                .communes()
                .iter()
                .filter(|c| c.region == region)
                .filter_map(|c| c.ept.or(c.epci))
                .map(|code| {
                    let name = geo.epci(code).map_or(code, |e| e.name);
                    (code.to_string(), name.to_string())
                })
                .collect();
            epcis.insert(NONE.to_string(), "Hors intercommunalité".to_string());
            let mut out: Vec<(String, String)> = epcis.into_iter().collect();
            out.sort_by(|a, b| (a.0 == NONE, &a.1).cmp(&(b.0 == NONE, &b.1)));
            out
        }
        // The occupations are those the measures counted (see `Counted::load_cut`).
        Dimension::Occupation
        | Dimension::Department
        | Dimension::Month
        | Dimension::Quarter
        | Dimension::Year => Vec::new(),
    }
}

/// The group of the events outside every other: a commune in no EPCI, a key unknown.
const NONE: &str = "none";

/// The group of a row's key in `dimension`: a commune's EPCI, or within the Grand Paris its
/// établissement public territorial (the métropole would hold most of the region alone); an
/// occupation's family.
pub fn group_of(dimension: Dimension, key: &str) -> String {
    match dimension {
        Dimension::OccupationFamily => key.get(..1).unwrap_or(NONE).to_string(),
        Dimension::CommuneGroup => refdata::geo()
            .commune(key)
            .and_then(|c| c.ept.or(c.epci))
            .map_or_else(|| NONE.to_string(), str::to_string),
        _ => key.to_string(),
    }
}

/// A measure's year as published cut by a dimension: (groups + 1) × (4 quarters + the
/// year), the last line the region's as the department grid published it.
pub struct PublishedCut {
    pub grid: Vec<Vec<Option<u64>>>,
}

/// The groups of `dimension` in a `counted` loaded by it, or by the occupation for its
/// families.
fn groups_for(counted: &Counted, dimension: Dimension) -> Vec<(String, String)> {
    match dimension {
        Dimension::OccupationFamily | Dimension::PriorityPublic => groups(dimension, ""),
        _ => counted.groups.clone(),
    }
}

/// The counts of `measure` cut by `dimension` in each group × quarter of `year`.
fn cut_quarters(
    counted: &Counted,
    measure: Measure,
    dimension: Dimension,
    year: i32,
) -> Vec<Vec<u64>> {
    let groups = groups_for(counted, dimension);
    let index: HashMap<&str, usize> = groups
        .iter()
        .enumerate()
        .map(|(i, (k, _))| (k.as_str(), i))
        .collect();
    let prefix = format!("{year:04}-");
    let mut out = vec![vec![0u64; 4]; groups.len()];
    for row in counted.cut_rows.get(&measure).into_iter().flatten() {
        let Some(month) = row
            .month
            .strip_prefix(&prefix)
            .and_then(|m| m.parse::<usize>().ok())
        else {
            continue;
        };
        let group = group_of(dimension, &row.key);
        let g = index
            .get(group.as_str())
            .or_else(|| index.get(NONE))
            .copied();
        if let Some(cell) = g
            .and_then(|g| out.get_mut(g))
            .and_then(|line| line.get_mut(month.saturating_sub(1) / 3))
        {
            *cell = cell.saturating_add(row.count);
        }
    }
    out
}

/// `measure`'s year cut by `dimension`, linked to its department grid (see the module).
pub fn published_cut(
    counted: &Counted,
    measure: Measure,
    dimension: Dimension,
    year: i32,
    threshold: u64,
) -> Arc<PublishedCut> {
    cached(
        &counted.published_cuts,
        (measure, dimension, year, threshold),
        || publish_cut(counted, measure, dimension, year, threshold),
    )
}

/// [`published_cut`], computed.
fn publish_cut(
    counted: &Counted,
    measure: Measure,
    dimension: Dimension,
    year: i32,
    threshold: u64,
) -> PublishedCut {
    let denominators = denominators_of(measure, |d| cut_quarters(counted, d, dimension, year));
    let strict = denominators.iter().any(|(_, strict)| *strict);
    let small = |n: u64| n < threshold && (n > 0 || strict);
    let department = published_measure(counted, measure, year, threshold);
    let months = counted.months(measure, year);
    let truth = secrecy::with_margins(&quarters(&months)).unwrap_or_default();
    let mut system = System::default();
    // The department grid and the region's months, as published.
    let hidden: Vec<Vec<bool>> = truth
        .iter()
        .enumerate()
        .map(|(r, line)| {
            (0..line.len())
                .map(|c| {
                    department
                        .grid
                        .get(r)
                        .and_then(|l| l.get(c))
                        .is_none_or(Option::is_none)
                })
                .collect()
        })
        .collect();
    let d = secrecy::add_published(&mut system, &truth, &hidden);
    let region_ids = d.last().cloned().unwrap_or_default();
    let region_months: Vec<u64> = (0..12)
        .map(|m| months.iter().filter_map(|l| l.get(m)).sum())
        .collect();
    let m: Vec<usize> = region_months
        .iter()
        .zip(department.months)
        .map(|(n, shown)| system.figure(*n, shown.is_none(), false))
        .collect();
    for q in 0..4 {
        if let (Some(members), Some(total)) = (m.get(3 * q..3 * q + 3), region_ids.get(q)) {
            system.line(members.to_vec(), *total);
        }
    }
    let already = system.recomputable();
    // The cut: its figures under the threshold (or whose complement in a share is) withheld,
    // and every quarter whose region's figure is.
    let cells = cut_quarters(counted, measure, dimension, year);
    let cut_truth = secrecy::with_margins(&cells).unwrap_or_default();
    let den_truth: Vec<Vec<Vec<u64>>> = denominators
        .iter()
        .map(|(g, _)| secrecy::with_margins(g).unwrap_or_default())
        .collect();
    // Intercommunalities nest in departments: a reader who knows the map adds them up.
    let parents: Vec<(Vec<usize>, Vec<usize>)> = if dimension == Dimension::CommuneGroup {
        nesting(counted)
            .into_iter()
            .filter_map(|(department, rows)| {
                let index = counted
                    .departments
                    .iter()
                    .position(|(c, _)| *c == department)?;
                Some((rows, d.get(index)?.clone()))
            })
            .collect()
    } else {
        Vec::new()
    };
    let g = secrecy::add_cut(&mut system, &region_ids, &parents, &cells, |r, c, n| {
        small(n)
            || den_truth.iter().any(|den| {
                den.get(r)
                    .and_then(|l| l.get(c))
                    .is_some_and(|dn| *dn > 0 && small(dn.saturating_sub(n)))
            })
    });
    system.protect(&already, |n| n > 0 && small(n));
    let mut grid: Vec<Vec<Option<u64>>> = g
        .iter()
        .zip(&cut_truth)
        .map(|(ids, values)| {
            ids.iter()
                .zip(values)
                .map(|(id, n)| (!system.is_withheld(*id)).then_some(*n))
                .collect()
        })
        .collect();
    grid.push(department.grid.last().cloned().unwrap_or_default());
    PublishedCut { grid }
}

/// `measure`'s year by occupation, nested in its family's figure of the year as the cut by
/// family published it: one equation per family, its occupations adding up to it. Exactly
/// safe with a simple rule, since a withheld occupation is a fresh unknown in its family's
/// equation alone: where the family's figure is published, its occupations withheld are
/// never one alone nor a small sum; where it is withheld, one at least is. Then no figure
/// withheld before can be recomputed, and no occupation's.
fn published_occupations(
    counted: &Counted,
    measure: Measure,
    year: i32,
    threshold: u64,
) -> Arc<PublishedCut> {
    cached(
        &counted.published_cuts,
        (measure, Dimension::Occupation, year, threshold),
        || publish_occupations(counted, measure, year, threshold),
    )
}

/// [`published_occupations`], computed.
fn publish_occupations(
    counted: &Counted,
    measure: Measure,
    year: i32,
    threshold: u64,
) -> PublishedCut {
    let year_of = |m: Measure| -> Vec<u64> {
        cut_quarters(counted, m, Dimension::Occupation, year)
            .iter()
            .map(|q| q.iter().sum())
            .collect()
    };
    let denominators = denominators_of(measure, year_of);
    let strict = denominators.iter().any(|(_, strict)| *strict);
    let small = |n: u64| n < threshold && (n > 0 || strict);
    let values = year_of(measure);
    let mut withheld: Vec<bool> = values
        .iter()
        .enumerate()
        .map(|(o, n)| {
            small(*n)
                || denominators.iter().any(|(d, _)| {
                    d.get(o)
                        .is_some_and(|dn| *dn > 0 && small(dn.saturating_sub(*n)))
                })
        })
        .collect();
    let families = published_cut(
        counted,
        measure,
        Dimension::OccupationFamily,
        year,
        threshold,
    );
    let family_keys = groups(Dimension::OccupationFamily, "");
    for (f, (letter, _)) in family_keys.iter().enumerate() {
        let family_published = families
            .grid
            .get(f)
            .and_then(|l| l.get(4))
            .copied()
            .flatten()
            .is_some();
        let members: Vec<usize> = counted
            .groups
            .iter()
            .enumerate()
            .filter(|(_, (code, _))| code.starts_with(letter.as_str()))
            .map(|(o, _)| o)
            .collect();
        for _ in 0..members.len() {
            let hidden: Vec<usize> = members
                .iter()
                .copied()
                .filter(|o| withheld.get(*o) == Some(&true))
                .collect();
            let sum: u64 = hidden.iter().filter_map(|o| values.get(*o)).sum();
            let needs_more = if family_published {
                hidden.len() == 1 || (sum > 0 && small(sum))
            } else {
                hidden.is_empty()
            };
            if !needs_more {
                break;
            }
            let cheapest = members
                .iter()
                .copied()
                .filter(|o| withheld.get(*o) == Some(&false))
                .min_by_key(|o| {
                    let n = values.get(*o).copied().unwrap_or(u64::MAX);
                    (n == 0, n, *o)
                });
            match cheapest.and_then(|o| withheld.get_mut(o)) {
                Some(slot) => *slot = true,
                None => break,
            }
        }
    }
    let region = families
        .grid
        .last()
        .and_then(|l| l.get(4))
        .copied()
        .flatten();
    let mut grid: Vec<Vec<Option<u64>>> = values
        .iter()
        .zip(&withheld)
        .map(|(n, hidden)| {
            let mut line = vec![None; 5];
            if let Some(slot) = line.get_mut(4) {
                *slot = (!hidden).then_some(*n);
            }
            line
        })
        .collect();
    let mut last = vec![None; 5];
    if let Some(slot) = last.get_mut(4) {
        *slot = region;
    }
    grid.push(last);
    PublishedCut { grid }
}

/// The departments of the region that their intercommunalities make up exactly (each of
/// them lies in that department alone, and every commune of the department is in one), with
/// the lines of those groups in `counted.groups`.
fn nesting(counted: &Counted) -> Vec<(String, Vec<usize>)> {
    let geo = refdata::geo();
    let region_departments: BTreeSet<&str> = counted
        .departments
        .iter()
        .map(|(c, _)| c.as_str())
        .collect();
    let mut departments_of: HashMap<String, BTreeSet<&str>> = HashMap::new();
    for commune in geo.communes() {
        if region_departments.contains(commune.department) {
            let group = commune
                .ept
                .or(commune.epci)
                .map_or_else(|| NONE.to_string(), str::to_string);
            departments_of
                .entry(group)
                .or_default()
                .insert(commune.department);
        }
    }
    let mut out: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut open: BTreeSet<&str> = BTreeSet::new();
    for (group, departments) in &departments_of {
        match (group.as_str(), departments.iter().next()) {
            (NONE, _) => open.extend(departments.iter().copied()),
            (_, Some(only)) if departments.len() == 1 => {
                if let Some(row) = counted.groups.iter().position(|(k, _)| k == group) {
                    out.entry(only.to_string()).or_default().push(row);
                }
            }
            _ => open.extend(departments.iter().copied()),
        }
    }
    out.into_iter()
        .filter(|(department, _)| !open.contains(department.as_str()))
        .collect()
}

/// The quarter (0 to 3) of a column of quarters.
fn quarter_of(column: &Column) -> Option<usize> {
    let month: usize = column.months.first()?.get(5..7)?.parse().ok()?;
    Some(month.checked_sub(1)? / 3)
}

/// `indicator` over `period` cut by `dimension`, for the region, by quarter.
pub fn table(
    counted: &Counted,
    indicator: &'static Indicator,
    period: Period,
    dimension: Dimension,
) -> Result<Table, TableError> {
    if !indicator.allows(dimension) || dimension.cut().is_none() {
        return Err(TableError::Dimension {
            indicator: indicator.id,
            dimension: dimension.as_str(),
        });
    }
    let by_occupation = dimension == Dimension::Occupation;
    let columns = if by_occupation {
        columns(period, Dimension::Year).map_err(|_| TableError::Step {
            step: "year (a cut by occupation is published by year)",
            period: period.to_string(),
        })?
    } else {
        columns(period, Dimension::Quarter).map_err(|_| TableError::Step {
            step: "quarter (a cut is published by quarter)",
            period: period.to_string(),
        })?
    };
    let year = period.year();
    let threshold = indicator.threshold;
    // Which figure of the year grid each column, and the whole period, reads.
    let spans: Vec<usize> = if by_occupation {
        vec![4, 4]
    } else {
        columns
            .iter()
            .filter_map(quarter_of)
            .chain([if matches!(period, Period::Year(_)) {
                4
            } else {
                columns.first().and_then(quarter_of).unwrap_or(4)
            }])
            .collect()
    };
    let figures = |measure: Measure| -> Vec<Vec<Option<u64>>> {
        let cut = if by_occupation {
            published_occupations(counted, measure, year, threshold)
        } else {
            published_cut(counted, measure, dimension, year, threshold)
        };
        cut.grid
            .iter()
            .map(|line| {
                spans
                    .iter()
                    .map(|c| line.get(*c).copied().flatten())
                    .collect()
            })
            .collect()
    };
    let mut withheld = 0;
    let mut count = |f: Option<u64>| match f {
        Some(n) => Cell::published(n as f64),
        None => {
            withheld += 1;
            Cell::WITHHELD
        }
    };
    let grid: Vec<Vec<Cell>> = match indicator.formula {
        Formula::Count(measure) => figures(measure)
            .into_iter()
            .map(|line| line.into_iter().map(&mut count).collect())
            .collect(),
        Formula::Share {
            numerator,
            denominator,
        } => {
            let (num, den) = (figures(numerator), figures(denominator));
            share_cells(&num, &den, |n, d| match (n, d) {
                (_, Some(0)) => Cell::UNDEFINED,
                (Some(n), Some(d)) => {
                    secrecy::rate(Some(*n), Some(*d)).map_or(Cell::UNDEFINED, Cell::published)
                }
                _ => {
                    withheld += 1;
                    Cell::WITHHELD
                }
            })
        }
        Formula::MedianDays(measure) => {
            let counts = measure.counted_by().map(figures);
            let histograms = histograms(counted, measure, dimension, year, &spans);
            median_cells(&histograms, counts.as_ref(), |h, n, count| {
                let shown = count.is_some_and(|f| f.is_some());
                if n == 0 {
                    Cell::UNDEFINED
                } else if n < threshold || !shown {
                    withheld += 1;
                    Cell::WITHHELD
                } else {
                    median(h).map_or(Cell::UNDEFINED, Cell::published)
                }
            })
        }
    };
    let mut lines = into_lines(grid, counted.groups.iter().cloned());
    let empty = blank_if_empty(counted, indicator, &columns, &mut lines);
    if empty {
        withheld = 0;
    }
    Ok(Table {
        indicator,
        period,
        step: dimension,
        columns,
        lines,
        empty,
        withheld,
    })
}

/// The days of `measure`'s events in each group × span of the year (`spans` read the
/// quarters 0 to 3, or 4 the year), with the region as the last line.
fn histograms(
    counted: &Counted,
    measure: Measure,
    dimension: Dimension,
    year: i32,
    spans: &[usize],
) -> Vec<Vec<BTreeMap<i64, u64>>> {
    let index: HashMap<&str, usize> = counted
        .groups
        .iter()
        .enumerate()
        .map(|(i, (k, _))| (k.as_str(), i))
        .collect();
    let lines = counted.groups.len() + 1;
    let mut out = vec![vec![BTreeMap::new(); spans.len()]; lines];
    let prefix = format!("{year:04}-");
    for row in counted.cut_rows.get(&measure).into_iter().flatten() {
        let Some(quarter) = row
            .month
            .strip_prefix(&prefix)
            .and_then(|m| m.parse::<usize>().ok())
            .map(|m| m.saturating_sub(1) / 3)
        else {
            continue;
        };
        let group = group_of(dimension, &row.key);
        let Some(g) = index
            .get(group.as_str())
            .or_else(|| index.get(NONE))
            .copied()
        else {
            continue;
        };
        for (c, span) in spans.iter().enumerate() {
            if *span == 4 || *span == quarter {
                for line in [g, lines - 1] {
                    if let Some(h) = out.get_mut(line).and_then(|l| l.get_mut(c)) {
                        *h.entry(row.days).or_insert(0) += row.count;
                    }
                }
            }
        }
    }
    out
}

/// The measures a cut of `indicators` reads: as [`super::tables::measures_of`].
pub fn measures(indicators: &[&Indicator]) -> BTreeSet<Measure> {
    super::tables::measures_of(indicators.iter().copied())
}

#[cfg(test)]
mod tests;
