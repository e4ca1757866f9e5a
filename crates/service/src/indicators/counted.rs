//! The measures the registry's tables read, counted once from the store over whole calendar
//! years: by department and month ([`Counted::load`]), or by another cut for the tables of
//! [`super::cuts`] ([`Counted::load_cut`]); placed in a table's departments × columns, and
//! each measure's year as published kept once read ([`super::published`]).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use model::indicators::{Dimension, Indicator, Measure, MeasureRow, Period, month_key};
use store::Store;

use super::published::{PublishedYear, denominators_of};
use super::tables::Column;

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
    pub(super) published: Mutex<HashMap<(Measure, i32, u64), Arc<PublishedYear>>>,
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
    pub(super) fn histograms(
        &self,
        measure: Measure,
        columns: &[Column],
    ) -> Vec<Vec<BTreeMap<i64, u64>>> {
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

/// What the tables' tests read: counts in the departments 75, 93 and 94, and the registry.
#[cfg(test)]
pub(super) mod fixtures {
    use super::*;

    pub fn counted(rows: &[(Measure, &str, &str, i64, u64)]) -> Counted {
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

    /// The first quarter of 2026.
    pub fn q1() -> Period {
        Period::parse("2026-Q1").unwrap()
    }

    pub fn indicator(id: &str) -> &'static Indicator {
        model::indicators::find(id).unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::indicator;
    use super::*;

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
}
