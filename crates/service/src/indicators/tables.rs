//! The registry's indicators as published tables (issue 20): the store's measures, counted
//! by department and month, gathered in departments × time steps, with the region's totals,
//! under statistical secrecy (`model::secrecy`): every count under the indicator's threshold
//! withheld, and whatever would let it be recomputed (the complement of a share included);
//! a share shown only when its numerator and its denominator are; a median only on enough
//! events. The API, the pages, the exports and the command all read these tables.
//!
//! The tables are cut by responsibility: [`super::counted`] reads the measures once,
//! [`super::published`] publishes each measure's year and reads every figure from it, this
//! module makes a department table of them, [`super::cuts`] the tables cut another way, and
//! [`super::comparisons`] compares a figure with the periods before.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use model::indicators::{Dimension, Formula, Indicator, Period, month_key};
use model::secrecy;

pub use super::comparisons::{
    Compared, WithComparisons, compared, compared_periods, default_quarter, recent_quarters,
    trend_periods,
};
pub use super::counted::{Counted, measures_of};
use super::published::{Fig, count_withheld, derive, median, published_measure};

/// What a published figure is.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CellState {
    Published,
    /// Under the threshold, or would let such a count be recomputed.
    Withheld,
    /// Nothing to show: no event at all in the period, a share of no event, a median of none.
    Undefined,
    /// Published by quarter only: a department's month is not (see
    /// [`super::published::PublishedYear`]).
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
            let grid = share_cells(&num, &den, |n, d| match (n, d) {
                (_, Fig::Shown(0)) => Cell::UNDEFINED,
                (Fig::Shown(n), Fig::Shown(d)) => {
                    secrecy::rate(Some(*n), Some(*d)).map_or(Cell::UNDEFINED, Cell::published)
                }
                (Fig::ByQuarter, _) | (_, Fig::ByQuarter) => Cell::QUARTER_ONLY,
                _ => Cell::WITHHELD,
            });
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
            let grid = median_cells(&histograms, counts.as_ref(), |h, n, count| {
                if count == Some(Fig::ByQuarter) {
                    Cell::QUARTER_ONLY
                } else if n == 0 {
                    Cell::UNDEFINED
                } else if n < threshold || count.is_some_and(|f| !matches!(f, Fig::Shown(_))) {
                    withheld += 1;
                    Cell::WITHHELD
                } else {
                    median(h).map_or(Cell::UNDEFINED, Cell::published)
                }
            });
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

/// A share's grid, cell by cell: `cell` of the numerator's and the denominator's figures at
/// the same place.
pub(super) fn share_cells<F>(
    num: &[Vec<F>],
    den: &[Vec<F>],
    mut cell: impl FnMut(&F, &F) -> Cell,
) -> Vec<Vec<Cell>> {
    num.iter()
        .zip(den)
        .map(|(n_line, d_line)| n_line.iter().zip(d_line).map(|(n, d)| cell(n, d)).collect())
        .collect()
}

/// A median's grid, cell by cell: `cell` of each histogram, with how many events it holds
/// and the figure of their count at the same place in `counts` (when the median's events are
/// counted by a measure).
pub(super) fn median_cells<F: Copy>(
    histograms: &[Vec<BTreeMap<i64, u64>>],
    counts: Option<&Vec<Vec<F>>>,
    mut cell: impl FnMut(&BTreeMap<i64, u64>, u64, Option<F>) -> Cell,
) -> Vec<Vec<Cell>> {
    histograms
        .iter()
        .enumerate()
        .map(|(l, line)| {
            line.iter()
                .enumerate()
                .map(|(c, h)| {
                    let count = counts.and_then(|g| g.get(l).and_then(|line| line.get(c)).copied());
                    cell(h, h.values().sum(), count)
                })
                .collect()
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::super::counted::fixtures::{counted, indicator, q1};
    use super::*;
    use model::indicators::Measure;

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
