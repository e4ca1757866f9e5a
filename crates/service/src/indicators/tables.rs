//! The registry's indicators as published tables (issue 20): the store's measures, counted
//! by department and month, gathered in departments × time steps, with the region's totals,
//! under statistical secrecy (`model::secrecy`): every count under the indicator's threshold
//! withheld, and whatever would let it be recomputed (the complement of a share included);
//! a share shown only when its numerator and its denominator are; a median only on enough
//! events. The API, the pages, the exports and the command all read these tables.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, NaiveDate, Utc};
use model::indicators::{Dimension, Formula, Indicator, Measure, MeasureRow, Period, month_key};
use model::secrecy;
use store::Store;

/// What a published figure is.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CellState {
    Published,
    /// Under the threshold, or would let such a count be recomputed.
    Withheld,
    /// Nothing to show: no event at all in the period, a share of no event, a median of none.
    Undefined,
    /// Published by quarter only: a department's month is not (see [`published_year`]).
    QuarterOnly,
}

/// One figure of a table.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct Cell {
    pub state: CellState,
    /// The figure when published: a count, a share between 0 and 1, or days.
    pub value: Option<f64>,
}

impl Cell {
    pub fn published(value: f64) -> Cell {
        Cell {
            state: CellState::Published,
            value: Some(value),
        }
    }

    pub const WITHHELD: Cell = Cell {
        state: CellState::Withheld,
        value: None,
    };

    pub const QUARTER_ONLY: Cell = Cell {
        state: CellState::QuarterOnly,
        value: None,
    };

    pub const UNDEFINED: Cell = Cell {
        state: CellState::Undefined,
        value: None,
    };
}

/// A column of a table: a month, a quarter or a year of the period.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Column {
    /// `2026-07`, `2026-Q3` or `2026`.
    pub key: String,
    pub label: String,
    #[serde(skip)]
    pub months: Vec<String>,
}

/// A line of a table: a department, or the region.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct Line {
    /// The department's code, or `region`.
    pub key: String,
    pub label: String,
    /// One cell per column.
    pub cells: Vec<Cell>,
    /// The whole period.
    pub total: Cell,
}

/// One indicator over one period, by department and time step, published.
#[derive(Debug, Clone)]
pub struct Table {
    pub indicator: &'static Indicator,
    pub period: Period,
    pub step: Dimension,
    pub columns: Vec<Column>,
    /// The departments, then the region.
    pub lines: Vec<Line>,
    /// No event at all was counted for the period: its figures are not zeros but nothing.
    pub empty: bool,
    /// Counts withheld: under the threshold, and to protect them.
    pub withheld: usize,
}

impl Table {
    /// The line of a department, or the region's (`None`).
    pub fn line(&self, department: Option<&str>) -> Option<&Line> {
        let key = department.unwrap_or(REGION);
        self.lines.iter().find(|l| l.key == key)
    }
}

/// The key of the region's line.
pub const REGION: &str = "region";

/// Why a table cannot be made as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TableError {
    #[error("the indicator {indicator:?} cannot be cut by {dimension}")]
    Dimension {
        indicator: &'static str,
        dimension: &'static str,
    },
    #[error("a {step} is longer than the period {period}")]
    Step { step: &'static str, period: String },
    #[error("the department {0:?} is not one of the region's")]
    Department(String),
    #[error("a cut by {0} is the region's: ask it without a department")]
    CutOfDepartment(&'static str),
}

/// The time steps that cut `period`, as columns.
pub fn columns(period: Period, step: Dimension) -> Result<Vec<Column>, TableError> {
    let too_long = || TableError::Step {
        step: step.as_str(),
        period: period.to_string(),
    };
    let months = period.months();
    let column = |key: String, label: String, months: &[(i32, u32)]| Column {
        key,
        label,
        months: months.iter().copied().map(month_key).collect(),
    };
    match step {
        Dimension::Month => Ok(months
            .iter()
            .map(|&(year, month)| {
                let p = Period::Month { year, month };
                column(p.to_string(), p.label(), &[(year, month)])
            })
            .collect()),
        Dimension::Quarter => {
            if matches!(period, Period::Month { .. }) {
                return Err(too_long());
            }
            Ok(months
                .chunks(3)
                .filter_map(|chunk| {
                    let &(year, month) = chunk.first()?;
                    let p = Period::quarter_of(NaiveDate::from_ymd_opt(year, month, 1)?);
                    Some(column(p.to_string(), p.label(), chunk))
                })
                .collect())
        }
        Dimension::Year => {
            if !matches!(period, Period::Year(_)) {
                return Err(too_long());
            }
            Ok(vec![column(period.to_string(), period.label(), &months)])
        }
        Dimension::Department
        | Dimension::OccupationFamily
        | Dimension::Occupation
        | Dimension::PriorityPublic
        | Dimension::CommuneGroup => Err(TableError::Step {
            step: step.as_str(),
            period: period.to_string(),
        }),
    }
}

/// The measures counted over a span, each read once from the store.
pub struct Counted {
    rows: HashMap<Measure, Vec<MeasureRow>>,
    /// The groups of the cut loaded (see [`Counted::load_cut`]), key and label, in order.
    pub groups: Vec<(String, String)>,
    /// The measures counted by that cut.
    pub(super) cut_rows: HashMap<Measure, Vec<MeasureRow>>,
    pub(super) published_cuts: CutCache,
    /// The departments of the region, then any other the measures counted, in code order.
    pub departments: Vec<(String, String)>,
    /// Each measure's year as published, under a threshold: computed once, read by every
    /// table of that year.
    published: Mutex<HashMap<(Measure, i32, u64), Arc<PublishedYear>>>,
}

type CutCache = Mutex<HashMap<(Measure, Dimension, i32, u64), Arc<super::cuts::PublishedCut>>>;

impl Counted {
    /// Reads `measures` over the calendar years of `periods`, up to `now`.
    pub async fn load(
        store: &dyn Store,
        region: &str,
        measures: &BTreeSet<Measure>,
        periods: &[Period],
        now: DateTime<Utc>,
    ) -> Result<Counted, store::StoreError> {
        // Whole calendar years: each figure is read from its year's published grid.
        let since = periods.iter().map(|p| Period::Year(p.year()).start()).min();
        let until = periods.iter().map(|p| Period::Year(p.year()).end()).max();
        let mut rows = HashMap::new();
        if let (Some(since), Some(until)) = (since, until) {
            let since = since.and_time(chrono::NaiveTime::MIN).and_utc();
            let until = until.and_time(chrono::NaiveTime::MIN).and_utc().min(now);
            if since < until {
                let wanted: Vec<Measure> = measures.iter().copied().collect();
                rows.extend(
                    store
                        .measures(&wanted, model::indicators::Cut::Department, since, until)
                        .await?,
                );
            }
            for &measure in measures {
                rows.entry(measure).or_default();
            }
        }
        let geo = refdata::geo();
        let mut codes: BTreeSet<String> = geo
            .departments()
            .filter(|d| d.region == region)
            .map(|d| d.code.to_string())
            .collect();
        codes.extend(rows.values().flatten().map(|r| r.key.clone()));
        let departments = codes
            .into_iter()
            .map(|code| {
                let name = geo
                    .department(&code)
                    .map_or_else(|| code.clone(), |d| d.name.to_string());
                (code, name)
            })
            .collect();
        Ok(Counted {
            rows,
            groups: Vec::new(),
            cut_rows: HashMap::new(),
            published_cuts: Mutex::default(),
            departments,
            published: Mutex::default(),
        })
    }

    /// Reads `indicators`' measures cut by `dimension` over the calendar years of
    /// `periods`, up to `now`, for the tables of [`super::cuts`].
    pub async fn load_cut(
        &mut self,
        store: &dyn Store,
        region: &str,
        (indicators, dimension): (&[&'static Indicator], Dimension),
        periods: &[Period],
        now: DateTime<Utc>,
    ) -> Result<(), store::StoreError> {
        let Some(cut) = dimension.cut() else {
            return Ok(());
        };
        let since = periods.iter().map(|p| Period::Year(p.year()).start()).min();
        let until = periods.iter().map(|p| Period::Year(p.year()).end()).max();
        let wanted: Vec<Measure> = super::cuts::measures(indicators)
            .into_iter()
            .filter(|m| m.cuts().contains(&cut))
            .collect();
        if let (Some(since), Some(until)) = (since, until) {
            let since = since.and_time(chrono::NaiveTime::MIN).and_utc();
            let until = until.and_time(chrono::NaiveTime::MIN).and_utc().min(now);
            if since < until && !wanted.is_empty() {
                self.cut_rows
                    .extend(store.measures(&wanted, cut, since, until).await?);
            }
        }
        self.groups = if dimension == Dimension::Occupation {
            // The occupations the measures counted, in code order.
            let rome = refdata::rome();
            let codes: BTreeSet<&str> = self
                .cut_rows
                .values()
                .flatten()
                .map(|r| r.key.as_str())
                .collect();
            codes
                .into_iter()
                .map(|code| {
                    let label = rome
                        .occupation(code)
                        .map_or_else(|| code.to_string(), |o| format!("{code} — {}", o.label));
                    (code.to_string(), label)
                })
                .collect()
        } else {
            super::cuts::groups(dimension, region)
        };
        Ok(())
    }

    /// The counts of `measure` in each department × month of `year`.
    pub(super) fn months(&self, measure: Measure, year: i32) -> Vec<Vec<u64>> {
        let columns: Vec<Column> = (1..=12)
            .map(|month| Column {
                key: String::new(),
                label: String::new(),
                months: vec![month_key((year, month))],
            })
            .collect();
        self.grid(measure, &columns)
    }

    /// `measure`'s rows with their department's line and their month's column (those of no
    /// line or column left out).
    fn placed<'a>(
        &'a self,
        measure: Measure,
        columns: &[Column],
    ) -> Vec<(usize, usize, &'a MeasureRow)> {
        let index: HashMap<&str, usize> = self
            .departments
            .iter()
            .enumerate()
            .map(|(i, (code, _))| (code.as_str(), i))
            .collect();
        let column_of: HashMap<&str, usize> = columns
            .iter()
            .enumerate()
            .flat_map(|(i, c)| c.months.iter().map(move |m| (m.as_str(), i)))
            .collect();
        self.rows
            .get(&measure)
            .into_iter()
            .flatten()
            .filter_map(|row| {
                let d = index.get(row.key.as_str())?;
                let c = column_of.get(row.month.as_str())?;
                Some((*d, *c, row))
            })
            .collect()
    }

    /// The counts of `measure` in each department × column.
    fn grid(&self, measure: Measure, columns: &[Column]) -> Vec<Vec<u64>> {
        let mut grid = vec![vec![0u64; columns.len()]; self.departments.len()];
        for (d, c, row) in self.placed(measure, columns) {
            if let Some(cell) = grid.get_mut(d).and_then(|line| line.get_mut(c)) {
                *cell = cell.saturating_add(row.count);
            }
        }
        grid
    }

    /// The days of `measure`'s events in each department × column, with the region's as the
    /// last line and each line's whole period as the last column.
    fn histograms(&self, measure: Measure, columns: &[Column]) -> Vec<Vec<BTreeMap<i64, u64>>> {
        let (lines, width) = (self.departments.len() + 1, columns.len() + 1);
        let mut out = vec![vec![BTreeMap::new(); width]; lines];
        for (d, c, row) in self.placed(measure, columns) {
            for (line, column) in [
                (d, c),
                (d, width - 1),
                (lines - 1, c),
                (lines - 1, width - 1),
            ] {
                if let Some(h) = out.get_mut(line).and_then(|l| l.get_mut(column)) {
                    *h.entry(row.days).or_insert(0) += row.count;
                }
            }
        }
        out
    }

    /// Whether any of the measures counted an event in the months of `columns`.
    pub(super) fn any(&self, measures: &[Measure], columns: &[Column]) -> bool {
        let months: BTreeSet<&str> = columns
            .iter()
            .flat_map(|c| c.months.iter().map(String::as_str))
            .collect();
        measures.iter().any(|m| {
            self.rows
                .get(m)
                .into_iter()
                .flatten()
                .any(|r| r.count > 0 && months.contains(r.month.as_str()))
        })
    }
}

/// `indicator` over `period` by `step`, published under its threshold.
pub fn table(
    counted: &Counted,
    indicator: &'static Indicator,
    period: Period,
    step: Dimension,
) -> Result<Table, TableError> {
    if !indicator.allows(step) || !indicator.allows(Dimension::Department) {
        return Err(TableError::Dimension {
            indicator: indicator.id,
            dimension: step.as_str(),
        });
    }
    let columns = columns(period, step)?;
    let threshold = indicator.threshold;
    // Every count from 1 to under the threshold is withheld, and what would give it away; a
    // zero describes nobody (see `yearly` for the shares of people's statuses).
    let (grid, withheld) = match indicator.formula {
        Formula::Count(measure) => {
            let year = published_measure(counted, measure, period.year(), threshold);
            let derived = derive(&year, &columns, period);
            let withheld = count_withheld(&derived);
            let grid: Vec<Vec<Cell>> = derived
                .iter()
                .map(|line| {
                    line.iter()
                        .map(|f| match f {
                            Fig::Shown(n) => Cell::published(*n as f64),
                            Fig::Secret => Cell::WITHHELD,
                            Fig::ByQuarter => Cell::QUARTER_ONLY,
                        })
                        .collect()
                })
                .collect();
            (grid, withheld)
        }
        Formula::Share {
            numerator,
            denominator,
        } => {
            let den = derive(
                &published_measure(counted, denominator, period.year(), threshold),
                &columns,
                period,
            );
            let num = derive(
                &published_measure(counted, numerator, period.year(), threshold),
                &columns,
                period,
            );
            let withheld = count_withheld(&num) + count_withheld(&den);
            // A denominator published is at least the threshold, or zero: a share of nothing.
            let grid = num
                .iter()
                .zip(&den)
                .map(|(n_line, d_line)| {
                    n_line
                        .iter()
                        .zip(d_line)
                        .map(|(n, d)| match (n, d) {
                            (_, Fig::Shown(0)) => Cell::UNDEFINED,
                            (Fig::Shown(n), Fig::Shown(d)) => secrecy::rate(Some(*n), Some(*d))
                                .map_or(Cell::UNDEFINED, Cell::published),
                            (Fig::ByQuarter, _) | (_, Fig::ByQuarter) => Cell::QUARTER_ONLY,
                            _ => Cell::WITHHELD,
                        })
                        .collect()
                })
                .collect();
            (grid, withheld)
        }
        Formula::MedianDays(measure) => {
            let histograms = counted.histograms(measure, &columns);
            // A median is shown only where the count of its events is: a median shown says
            // there were at least twenty, and would bound a count withheld.
            let counts = measure.counted_by().map(|m| {
                derive(
                    &published_measure(counted, m, period.year(), threshold),
                    &columns,
                    period,
                )
            });
            let mut withheld = 0;
            let grid = histograms
                .iter()
                .enumerate()
                .map(|(l, line)| {
                    line.iter()
                        .enumerate()
                        .map(|(c, h)| {
                            let n: u64 = h.values().sum();
                            let count = counts
                                .as_ref()
                                .and_then(|g| g.get(l).and_then(|line| line.get(c)).copied());
                            if count == Some(Fig::ByQuarter) {
                                Cell::QUARTER_ONLY
                            } else if n == 0 {
                                Cell::UNDEFINED
                            } else if n < threshold
                                || count.is_some_and(|f| !matches!(f, Fig::Shown(_)))
                            {
                                withheld += 1;
                                Cell::WITHHELD
                            } else {
                                median(h).map_or(Cell::UNDEFINED, Cell::published)
                            }
                        })
                        .collect()
                })
                .collect();
            (grid, withheld)
        }
    };
    let mut lines = into_lines(
        grid,
        counted
            .departments
            .iter()
            .map(|(code, name)| (code.clone(), format!("{code} — {name}"))),
    );
    // A table with no department (an empty region) still has the region's line.
    if lines.is_empty() {
        lines.push(Line {
            key: REGION.to_string(),
            label: "Région".to_string(),
            cells: vec![Cell::UNDEFINED; columns.len()],
            total: Cell::UNDEFINED,
        });
    }
    let empty = blank_if_empty(counted, indicator, &columns, &mut lines);
    Ok(Table {
        indicator,
        period,
        step,
        columns,
        lines,
        empty,
        withheld,
    })
}

/// The lines of a table: each row of `grid` (its total last) with its key and label, the
/// region's last.
pub(super) fn into_lines(
    grid: Vec<Vec<Cell>>,
    labels: impl Iterator<Item = (String, String)>,
) -> Vec<Line> {
    grid.into_iter()
        .zip(labels.chain([(REGION.to_string(), "Région".to_string())]))
        .map(|(mut cells, (key, label))| {
            let total = cells.pop().unwrap_or(Cell::UNDEFINED);
            Line {
                key,
                label,
                cells,
                total,
            }
        })
        .collect()
}

/// Whether none of `indicator`'s measures counted an event in `columns`; if so, every figure
/// of `lines` is nothing (no figure to protect, and none to show).
pub(super) fn blank_if_empty(
    counted: &Counted,
    indicator: &Indicator,
    columns: &[Column],
    lines: &mut [Line],
) -> bool {
    let empty = !counted.any(&indicator.formula.measures(), columns);
    if empty {
        for line in lines {
            line.cells.fill(Cell::UNDEFINED);
            line.total = Cell::UNDEFINED;
        }
    }
    empty
}

/// A figure of a table as published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fig {
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
fn derive(year: &PublishedYear, columns: &[Column], period: Period) -> Vec<Vec<Fig>> {
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

fn count_withheld(grid: &[Vec<Fig>]) -> usize {
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

/// A figure of one line over a period, compared with the period before and the same period a
/// year before.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Compared {
    pub current: Cell,
    pub previous: Cell,
    pub year_before: Cell,
}

/// The tables of `indicator` for `period`, the period before and the year before, and the
/// comparison of their totals for `department` (or the region).
pub struct WithComparisons {
    pub table: Table,
    pub compared: Compared,
    /// The same figure over the periods of [`trend_periods`], oldest first.
    pub trend: Vec<(Period, Cell)>,
}

/// The three tables of a comparison; `counted` must cover `period.year_before()` to `period`.
pub fn compared(
    counted: &Counted,
    indicator: &'static Indicator,
    period: Period,
    step: Dimension,
    department: Option<&str>,
) -> Result<WithComparisons, TableError> {
    if let Some(code) = department
        && !counted.departments.iter().any(|(c, _)| c == code)
    {
        return Err(TableError::Department(code.to_string()));
    }
    let table = if step.cut().is_some() {
        if department.is_some() {
            return Err(TableError::CutOfDepartment(step.label()));
        }
        super::cuts::table(counted, indicator, period, step)?
    } else {
        table(counted, indicator, period, step)?
    };
    let total = |p: Period| -> Cell {
        // The comparisons' totals are read at the coarsest step their period allows.
        let step = match p {
            Period::Month { .. } => Dimension::Month,
            Period::Quarter { .. } => Dimension::Quarter,
            Period::Year(_) => Dimension::Year,
        };
        self::table(counted, indicator, p, step)
            .ok()
            .filter(|t| !t.empty)
            .and_then(|t| t.line(department).map(|l| l.total))
            .unwrap_or(Cell::UNDEFINED)
    };
    let current = if table.empty {
        Cell::UNDEFINED
    } else {
        table.line(department).map_or(Cell::UNDEFINED, |l| l.total)
    };
    let compared = Compared {
        current,
        previous: total(period.previous()),
        year_before: total(period.year_before()),
    };
    let trend = trend_periods(period)
        .into_iter()
        .map(|p| (p, if p == period { current } else { total(p) }))
        .collect();
    Ok(WithComparisons {
        table,
        compared,
        trend,
    })
}

/// The periods a comparison reads.
pub fn compared_periods(period: Period) -> [Period; 3] {
    [period, period.previous(), period.year_before()]
}

/// The time series that leads to `period`, within its year and the year before (those a
/// comparison reads), oldest first: the thirteen months to a month, the five quarters to a
/// quarter, the eight quarters of a year and of the year before.
pub fn trend_periods(period: Period) -> Vec<Period> {
    let (last, count) = match period {
        Period::Month { .. } => (period, 13),
        Period::Quarter { .. } => (period, 5),
        Period::Year(year) => (Period::Quarter { year, quarter: 4 }, 8),
    };
    let mut out = Vec::with_capacity(count);
    let mut p = last;
    for _ in 0..count {
        out.push(p);
        p = p.previous();
    }
    out.reverse();
    out
}

/// The measures of indicators.
/// The measures that `indicators` read, and those their figures' secrecy reads: the counts
/// their medians follow, and the denominators of every share a measure read is the numerator
/// of (its complement is protected). A figure is withheld the same whichever page asks for
/// it: were a measure published with fewer of these, two pages would withhold it in two
/// patterns, and one would give away what the other protects.
pub fn measures_of<'a>(indicators: impl IntoIterator<Item = &'a Indicator>) -> BTreeSet<Measure> {
    let mut read: BTreeSet<Measure> = indicators
        .into_iter()
        .flat_map(|i| i.formula.measures())
        .flat_map(|m| [Some(m), m.counted_by()])
        .flatten()
        .collect();
    loop {
        let more: BTreeSet<Measure> = read
            .iter()
            .flat_map(|m| denominators_of(*m, |d| d))
            .map(|(d, _)| d)
            .filter(|d| !read.contains(d))
            .collect();
        if more.is_empty() {
            return read;
        }
        read.extend(more);
    }
}

/// The default period of the committee: the last quarter over on `today`.
pub fn default_quarter(today: NaiveDate) -> Period {
    Period::last_full_quarter(today)
}

/// The quarters offered on the pages: the one running on `today` and the seven before,
/// newest first.
pub fn recent_quarters(today: NaiveDate) -> Vec<Period> {
    let mut p = Period::quarter_of(today);
    let mut out = Vec::with_capacity(8);
    for _ in 0..8 {
        out.push(p);
        p = p.previous();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counted(rows: &[(Measure, &str, &str, i64, u64)]) -> Counted {
        let mut by: HashMap<Measure, Vec<MeasureRow>> = HashMap::new();
        for &(measure, department, month, days, count) in rows {
            by.entry(measure).or_default().push(MeasureRow {
                key: department.to_string(),
                month: month.to_string(),
                days,
                count,
            });
        }
        Counted {
            rows: by,
            groups: Vec::new(),
            cut_rows: HashMap::new(),
            published_cuts: Mutex::default(),
            departments: ["75", "93", "94"]
                .map(|c| (c.to_string(), format!("département {c}")))
                .to_vec(),
            published: Mutex::default(),
        }
    }

    #[test]
    fn a_cut_withholds_its_small_groups_and_what_the_regions_total_would_give_away() {
        use Measure::OffersPublished as M;
        let mut c = counted(&[
            (M, "75", "2026-01", 0, 30),
            (M, "93", "2026-01", 0, 25),
            (M, "94", "2026-02", 0, 40),
        ]);
        c.groups = super::super::cuts::groups(Dimension::OccupationFamily, "11");
        for (family, month, n) in [
            ("N", "2026-01", 50),
            ("H", "2026-01", 5),
            ("J", "2026-02", 40),
        ] {
            c.cut_rows.entry(M).or_default().push(MeasureRow {
                key: family.to_string(),
                month: month.to_string(),
                days: 0,
                count: n,
            });
        }
        let t = super::super::cuts::table(
            &c,
            indicator("offers_published"),
            q1(),
            Dimension::OccupationFamily,
        )
        .unwrap();
        let total = |key: &str| t.lines.iter().find(|l| l.key == key).unwrap().total;
        // The region's 95 is the department table's, published; the 5 of industry (H) is
        // withheld, and so must be another group's figure at least, else 95 − 50 − 40 gives
        // it back.
        assert_eq!(total(REGION), Cell::published(95.0));
        assert_eq!(total("H").state, CellState::Withheld);
        let withheld = ["N", "J"]
            .iter()
            .filter(|k| total(k).state == CellState::Withheld)
            .count();
        assert!(withheld >= 1, "{:?}", t.lines);
        // A group with nothing shows its zero.
        assert_eq!(total("A"), Cell::published(0.0));
        // By month, a cut is refused; an indicator without the cut too.
        assert!(
            super::super::cuts::table(
                &c,
                indicator("offers_published"),
                Period::parse("2026-01").unwrap(),
                Dimension::OccupationFamily
            )
            .is_err()
        );
        assert!(
            super::super::cuts::table(
                &c,
                indicator("meetings_held"),
                q1(),
                Dimension::OccupationFamily
            )
            .is_err()
        );
    }

    #[test]
    fn an_occupation_is_published_by_year_nested_in_its_family() {
        use Measure::OffersPublished as M;
        let mut c = counted(&[
            (M, "75", "2026-01", 0, 30),
            (M, "93", "2026-01", 0, 25),
            (M, "94", "2026-02", 0, 40),
        ]);
        c.groups = ["J1501", "N1101", "N4101"]
            .map(|code| (code.to_string(), code.to_string()))
            .to_vec();
        for (code, month, n) in [
            ("N1101", "2026-01", 50),
            ("N4101", "2026-01", 5),
            ("J1501", "2026-02", 40),
        ] {
            c.cut_rows.entry(M).or_default().push(MeasureRow {
                key: code.to_string(),
                month: month.to_string(),
                days: 0,
                count: n,
            });
        }
        let t = super::super::cuts::table(
            &c,
            indicator("offers_published"),
            Period::Year(2026),
            Dimension::Occupation,
        )
        .unwrap();
        let total = |key: &str| t.lines.iter().find(|l| l.key == key).unwrap().total;
        // Transport (N) is published whole, 55: its 5 withheld, then its 50 too, else
        // 55 − 50 gives the 5 back. Health (J) is one occupation, its 40 the family's.
        assert_eq!(total("N4101").state, CellState::Withheld);
        assert_eq!(total("N1101").state, CellState::Withheld);
        assert_eq!(total("J1501"), Cell::published(40.0));
        assert_eq!(total(REGION), Cell::published(95.0));
        let families = super::super::cuts::table(
            &c,
            indicator("offers_published"),
            Period::Year(2026),
            Dimension::OccupationFamily,
        );
        // (The families of a table loaded by occupation are the grand domaines.)
        assert!(families.is_ok());
        // A quarter is refused: occupations are published by year.
        assert!(
            super::super::cuts::table(
                &c,
                indicator("offers_published"),
                q1(),
                Dimension::Occupation
            )
            .is_err()
        );
    }

    /// Regression (probe, stop 35): one indicator's page read only its own measures, so the
    /// median of days to hire was shown where the page of hires withheld their count, and a
    /// count was published alone where the report, reading its share's denominator too,
    /// withheld it.
    #[test]
    fn a_page_reads_what_its_figures_secrecy_reads() {
        let read = measures_of([indicator("days_to_hire")]);
        assert!(read.contains(&Measure::ReferralsHired), "{read:?}");
        assert!(read.contains(&Measure::ReferralsProposed), "{read:?}");
        let read = measures_of([indicator("referrals_accepted")]);
        assert!(read.contains(&Measure::ReferralsProposed), "{read:?}");
        let read = measures_of([indicator("offers_published")]);
        assert_eq!(
            read.into_iter().collect::<Vec<_>>(),
            [Measure::OffersPublished]
        );
    }

    /// Regression (probe, stop 35): an intercommunality withheld was the department's figure
    /// minus its neighbours', since the department table publishes the sum of the groups
    /// that make it up. The cut is protected against the departments too.
    #[test]
    fn intercommunalities_add_up_to_their_department() {
        use Measure::OffersPublished as M;
        let geo = refdata::geo();
        // One commune of each of four territories of Seine-Saint-Denis, two of Val-de-Marne.
        let communes = |department: &str, wanted: usize| -> Vec<&'static str> {
            let mut seen = std::collections::BTreeSet::new();
            geo.communes()
                .iter()
                .filter(|c| c.department == department && c.arrondissement_of.is_none())
                .filter(|c| seen.insert(c.ept.or(c.epci)))
                .map(|c| c.code)
                .take(wanted)
                .collect()
        };
        let (saint_denis, val_de_marne) = (communes("93", 4), communes("94", 2));
        assert_eq!((saint_denis.len(), val_de_marne.len()), (4, 2));
        let mut c = counted(&[(M, "93", "2026-01", 0, 85), (M, "94", "2026-01", 0, 100)]);
        c.groups = super::super::cuts::groups(Dimension::CommuneGroup, "11");
        let cut = [5, 30, 25, 25]
            .iter()
            .zip(&saint_denis)
            .chain([21, 79].iter().zip(&val_de_marne));
        for (n, commune) in cut {
            c.cut_rows.entry(M).or_default().push(MeasureRow {
                key: commune.to_string(),
                month: "2026-01".to_string(),
                days: 0,
                count: *n,
            });
        }
        let t = super::super::cuts::table(
            &c,
            indicator("offers_published"),
            q1(),
            Dimension::CommuneGroup,
        )
        .unwrap();
        let state = |commune: &str| {
            let group = super::super::cuts::group_of(Dimension::CommuneGroup, commune);
            t.lines.iter().find(|l| l.key == group).unwrap().total.state
        };
        assert_eq!(state(saint_denis[0]), CellState::Withheld);
        // The 85 of Seine-Saint-Denis would give the 5 back from its other three: one of
        // them at least is withheld too (the model's tests check the rule by rank).
        let others = saint_denis[1..]
            .iter()
            .filter(|c| state(c) == CellState::Withheld)
            .count();
        assert!(others >= 1, "{:?}", t.lines);
    }

    fn q1() -> Period {
        Period::parse("2026-Q1").unwrap()
    }

    fn indicator(id: &str) -> &'static Indicator {
        model::indicators::find(id).unwrap()
    }

    fn value(table: &Table, line: &str, column: usize) -> Cell {
        let line = table.line(Some(line).filter(|l| *l != REGION)).unwrap();
        if column == usize::MAX {
            line.total
        } else {
            line.cells[column]
        }
    }

    #[test]
    fn a_count_under_twenty_is_withheld_with_what_would_give_it_away() {
        use Measure::OffersPublished as M;
        let c = counted(&[
            (M, "75", "2026-01", 0, 5),
            (M, "75", "2026-04", 0, 30),
            (M, "75", "2026-07", 0, 30),
            (M, "93", "2026-01", 0, 30),
            (M, "93", "2026-02", 0, 25),
            (M, "93", "2026-03", 0, 40),
            (M, "93", "2026-04", 0, 40),
            (M, "94", "2026-01", 0, 22),
            (M, "94", "2026-05", 0, 21),
            (M, "94", "2026-08", 0, 23),
        ]);
        let year = Period::Year(2026);
        let t = table(&c, indicator("offers_published"), year, Dimension::Quarter).unwrap();
        assert!(!t.empty);
        // The 5 of Paris in the first quarter; then, so that neither its row nor its column
        // gives it away, the cheapest rectangle: Paris's and Val-de-Marne's fourth quarters
        // (zeros: they hide nobody) and Val-de-Marne's first (22, fewer than
        // Seine-Saint-Denis's 95); then, since Paris's year is published and its withheld
        // quarters would add up to 5, its second quarter (30), and so Val-de-Marne's (21).
        let states = |line: &str| -> Vec<CellState> {
            t.line(Some(line).filter(|l| *l != REGION))
                .unwrap()
                .cells
                .iter()
                .map(|c| c.state)
                .collect()
        };
        use CellState::{Published as P, Withheld as W};
        assert_eq!(states("75"), [W, W, P, W]);
        assert_eq!(states("93"), [P, P, P, P]);
        assert_eq!(states("94"), [W, W, P, W]);
        assert_eq!(states(REGION), [P, P, P, P]);
        assert_eq!(value(&t, REGION, 0), Cell::published(122.0));
        assert_eq!(value(&t, "75", usize::MAX), Cell::published(65.0));
        assert_eq!(t.withheld, 6);
        // By month, a department's figures are published by quarter only; the region's
        // months are, and the quarter's totals are the grid's.
        let q1 = table(&c, indicator("offers_published"), q1(), Dimension::Month).unwrap();
        assert_eq!(value(&q1, "93", 0).state, CellState::QuarterOnly);
        assert_eq!(value(&q1, "93", usize::MAX), Cell::published(95.0));
        assert_eq!(value(&q1, "75", usize::MAX).state, CellState::Withheld);
        assert_eq!(value(&q1, REGION, 0), Cell::published(57.0));
        assert_eq!(value(&q1, REGION, usize::MAX), Cell::published(122.0));
    }

    #[test]
    fn a_share_is_withheld_with_a_small_complement_and_follows_its_denominator() {
        use Measure::{OffersFilledWithin30 as N, OffersPublished as D};
        let mut rows = Vec::new();
        for (department, den, num) in [("75", 40, 30), ("93", 30, 25), ("94", 60, 20)] {
            rows.push((D, department, "2026-01", 0, den));
            rows.push((N, department, "2026-01", 0, num));
        }
        let c = counted(&rows);
        let t = table(&c, indicator("filled_30_days"), q1(), Dimension::Quarter).unwrap();
        // 93: 25 filled of 30, so 5 not filled: the share would tell that 5.
        assert_eq!(value(&t, "93", 0).state, CellState::Withheld);
        // And so the share of another department goes too, or the region's gives it away.
        let published: Vec<&str> = t
            .lines
            .iter()
            .filter(|l| l.cells[0].state == CellState::Published)
            .map(|l| l.key.as_str())
            .collect();
        assert!(published.len() <= 2, "{published:?}");
        let shown = t.line(Some("94")).unwrap().cells[0];
        if shown.state == CellState::Published {
            assert_eq!(shown.value, Some(20.0 / 60.0));
        }
        // Nothing counted in a quarter: its figures are nothing, not zeros.
        let later = table(
            &c,
            indicator("filled_30_days"),
            Period::parse("2026-Q2").unwrap(),
            Dimension::Month,
        )
        .unwrap();
        assert!(later.empty);
        assert!(
            later
                .lines
                .iter()
                .all(|l| l.total.state == CellState::Undefined)
        );
    }

    /// The rank of a set of equations (rows of coefficients), by Gaussian elimination.
    fn rank(rows: &[Vec<f64>]) -> usize {
        let mut m: Vec<Vec<f64>> = rows.to_vec();
        let width = m.first().map_or(0, Vec::len);
        let mut rank = 0;
        for col in 0..width {
            let Some(pivot) = (rank..m.len()).find(|&r| m[r][col].abs() > 1e-9) else {
                continue;
            };
            m.swap(rank, pivot);
            let p = m[rank].clone();
            for (r, row) in m.iter_mut().enumerate() {
                if r != rank && row[col].abs() > 1e-9 {
                    let f = row[col] / p[col];
                    for (x, y) in row.iter_mut().zip(&p) {
                        *x -= f * y;
                    }
                }
            }
            rank += 1;
        }
        rank
    }

    /// Every table of a year read together (each month, quarter and the year, by every step
    /// they allow, with every department's line and the region's): no count from 1 to 19 —
    /// of a department or the region, a month, a quarter or the year — can be recomputed
    /// from all the figures they publish, by adding and subtracting.
    #[test]
    #[allow(clippy::needless_range_loop)]
    fn no_table_of_a_year_gives_a_withheld_count_away_with_the_others() {
        use Measure::OffersPublished as M;
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = |bound: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % bound
        };
        let departments = ["75", "93", "94"];
        let mut checked = 0;
        for _ in 0..60 {
            let mut truth = vec![[0u64; 12]; departments.len()];
            let mut rows = Vec::new();
            for (d, code) in departments.iter().enumerate() {
                for m in 0..12 {
                    let n = match next(4) {
                        0 => 0,
                        1 => 1 + next(19),
                        _ => 20 + next(120),
                    };
                    truth[d][m] = n;
                    let month = format!("2026-{:02}", m + 1);
                    rows.push((M, *code, month, 0, n));
                }
            }
            let rows: Vec<(Measure, &str, &str, i64, u64)> = rows
                .iter()
                .map(|(m, d, month, days, n)| (*m, *d, month.as_str(), *days, *n))
                .collect();
            let c = counted(&rows);
            let mut periods: Vec<(Period, Dimension)> = (1..=12)
                .map(|month| (Period::Month { year: 2026, month }, Dimension::Month))
                .collect();
            for quarter in 1..=4 {
                let q = Period::Quarter {
                    year: 2026,
                    quarter,
                };
                periods.push((q, Dimension::Month));
                periods.push((q, Dimension::Quarter));
            }
            for step in [Dimension::Month, Dimension::Quarter, Dimension::Year] {
                periods.push((Period::Year(2026), step));
            }
            // One unknown per department and month; one equation per published figure.
            let unknowns = departments.len() * 12;
            let mut equations: Vec<Vec<f64>> = Vec::new();
            let equation = |lines: &[usize], months: &[usize]| {
                let mut e = vec![0.0; unknowns];
                let mut sum = 0;
                for &d in lines {
                    for &m in months {
                        e[d * 12 + m] = 1.0;
                        sum += truth[d][m];
                    }
                }
                (e, sum)
            };
            let month_of = |key: &str| key[5..7].parse::<usize>().unwrap() - 1;
            for (period, step) in periods {
                let t = table(&c, indicator("offers_published"), period, step).unwrap();
                for line in &t.lines {
                    let lines: Vec<usize> = match departments.iter().position(|d| *d == line.key) {
                        Some(d) => vec![d],
                        None => (0..departments.len()).collect(),
                    };
                    let spans = t
                        .columns
                        .iter()
                        .map(|col| col.months.iter().map(|m| month_of(m)).collect::<Vec<_>>())
                        .zip(&line.cells)
                        .chain(std::iter::once((
                            period
                                .months()
                                .into_iter()
                                .map(|(_, m)| m as usize - 1)
                                .collect(),
                            &line.total,
                        )));
                    for (months, cell) in spans {
                        let Some(value) = cell.value else { continue };
                        let (e, sum) = equation(&lines, &months);
                        assert_eq!(value, sum as f64, "published figures are the truth");
                        assert!(sum == 0 || sum >= 20, "{} published {sum}", line.key);
                        equations.push(e);
                    }
                }
            }
            // Every count a table could show (a department's or the region's month, quarter
            // or year) that is from 1 to 19 cannot be recomputed from all of them together.
            // (Sums of several withheld figures are guarded line by line only: see
            // `secrecy::publish_with`.)
            let base = rank(&equations);
            let all: Vec<usize> = (0..departments.len()).collect();
            let mut figures: Vec<(Vec<usize>, Vec<usize>)> = Vec::new();
            for lines in (0..departments.len()).map(|d| vec![d]).chain([all.clone()]) {
                for m in 0..12 {
                    figures.push((lines.clone(), vec![m]));
                }
                for q in 0..4 {
                    figures.push((lines.clone(), (3 * q..3 * q + 3).collect()));
                }
                figures.push((lines.clone(), (0..12).collect()));
            }
            for (lines, months) in figures {
                let (e, sum) = equation(&lines, &months);
                if (1..20).contains(&sum) {
                    let mut with = equations.clone();
                    with.push(e);
                    assert_eq!(
                        rank(&with),
                        base + 1,
                        "{lines:?} {months:?} = {sum} recomputable: {truth:?}"
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 100, "{checked}");
    }

    #[test]
    fn a_measure_is_withheld_alike_in_every_indicator_that_reads_it() {
        use Measure::{ReferralsHired as H, ReferralsProposed as P};
        let mut rows = Vec::new();
        for (department, proposed, hired) in [("75", 200, 60), ("93", 30, 25), ("94", 90, 40)] {
            rows.push((P, department, "2026-02", 0, proposed));
            rows.push((H, department, "2026-02", 0, hired));
        }
        let c = counted(&rows);
        // 25 hires of 30 proposals in Seine-Saint-Denis: the rate would tell the 5 others,
        // so the count of hires is withheld too, or the rate's protection would be undone by
        // the count's table.
        let hires = table(&c, indicator("hires"), q1(), Dimension::Quarter).unwrap();
        let rate = table(&c, indicator("hire_rate"), q1(), Dimension::Quarter).unwrap();
        for line in ["75", "93", "94", REGION] {
            assert_eq!(
                value(&hires, line, 0).state,
                value(&rate, line, 0).state,
                "{line}"
            );
        }
        assert_eq!(value(&hires, "93", 0).state, CellState::Withheld);
    }

    #[test]
    fn a_median_needs_twenty_events_and_its_count_shown() {
        use Measure::{DaysToHire as M, ReferralsHired as H};
        let c = counted(&[
            (M, "93", "2026-02", 10, 10),
            (M, "93", "2026-02", 30, 10),
            (M, "75", "2026-02", 90, 5),
            (H, "93", "2026-02", 0, 20),
            (H, "75", "2026-02", 0, 5),
        ]);
        let t = table(&c, indicator("days_to_hire"), q1(), Dimension::Quarter).unwrap();
        // Paris's 5 hires are withheld, and with them Seine-Saint-Denis's 20 (the first
        // quarter's region total, 25, would give the 5 away otherwise): so is its median,
        // although it rests on twenty hires.
        assert_eq!(value(&t, "75", 0).state, CellState::Withheld);
        assert_eq!(value(&t, "93", 0).state, CellState::Withheld);
        assert_eq!(value(&t, "94", 0).state, CellState::Undefined);
        // The region's 25 hires: 10 at 10 days, 10 at 30, 5 at 90; the 13th is at 30.
        assert_eq!(value(&t, REGION, 0), Cell::published(30.0));
        assert_eq!(value(&t, REGION, usize::MAX), Cell::published(30.0));
        // By month, a department's median is by quarter only, like its count.
        let by_month = table(&c, indicator("days_to_hire"), q1(), Dimension::Month).unwrap();
        assert_eq!(value(&by_month, "93", 1).state, CellState::QuarterOnly);
    }

    #[test]
    fn comparisons_read_the_period_before_and_the_year_before() {
        use Measure::OffersPublished as M;
        let c = counted(&[
            (M, "93", "2025-01", 0, 50),
            (M, "93", "2025-12", 0, 40),
            (M, "93", "2026-02", 0, 60),
        ]);
        let w = compared(
            &c,
            indicator("offers_published"),
            q1(),
            Dimension::Month,
            Some("93"),
        )
        .unwrap();
        assert_eq!(w.compared.current, Cell::published(60.0));
        assert_eq!(w.compared.previous, Cell::published(40.0));
        assert_eq!(w.compared.year_before, Cell::published(50.0));
        assert!(matches!(
            compared(
                &c,
                indicator("offers_published"),
                q1(),
                Dimension::Month,
                Some("13")
            ),
            Err(TableError::Department(_))
        ));
    }

    #[test]
    fn the_median_is_the_lower_middle() {
        let h: BTreeMap<i64, u64> = [(3, 1), (10, 2), (40, 1)].into_iter().collect();
        assert_eq!(median(&h), Some(10.0));
        let h: BTreeMap<i64, u64> = [(3, 2), (10, 2)].into_iter().collect();
        assert_eq!(median(&h), Some(3.0));
        assert_eq!(median(&BTreeMap::new()), None);
    }

    #[test]
    fn a_quarter_cuts_in_three_months_or_one_quarter_and_not_in_a_year() {
        let q = Period::parse("2026-Q3").unwrap();
        let months = columns(q, Dimension::Month).unwrap();
        assert_eq!(
            months.iter().map(|c| c.key.as_str()).collect::<Vec<_>>(),
            ["2026-07", "2026-08", "2026-09"]
        );
        let quarters = columns(q, Dimension::Quarter).unwrap();
        assert_eq!(quarters.len(), 1);
        assert_eq!(quarters[0].months, ["2026-07", "2026-08", "2026-09"]);
        assert!(columns(q, Dimension::Year).is_err());
        let year = columns(Period::Year(2026), Dimension::Quarter).unwrap();
        assert_eq!(
            year.iter().map(|c| c.key.as_str()).collect::<Vec<_>>(),
            ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
        );
    }
}
