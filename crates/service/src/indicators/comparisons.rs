//! A table's figure compared: with the period before, the same period a year before, and
//! the trend that leads to it; and the periods the committee's pages offer.

use chrono::NaiveDate;
use model::indicators::{Dimension, Indicator, Period};

use super::counted::Counted;
use super::tables::{Cell, Table, TableError, table};

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
    use super::super::counted::fixtures::{counted, indicator, q1};
    use super::*;
    use model::indicators::Measure;

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
}
