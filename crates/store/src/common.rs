//! Helpers every aggregate uses: JSON and text columns parsed back into domain types, the
//! department of a commune in SQL, and the bookkeeping of bulk writes.

use std::collections::BTreeMap;

use domain::ParseError;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{Result, StoreError};
use model::*;

pub fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "[]".to_string())
}

pub fn from_json<T: DeserializeOwned>(text: &str, column: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|err| StoreError::Corrupt(format!("{column}: {err}")))
}

pub fn parse<T>(value: &str, column: &str, parse: fn(&str) -> Result<T, ParseError>) -> Result<T> {
    parse(value).map_err(|err| StoreError::Corrupt(format!("{column}: {err}")))
}

pub fn parse_opt<T>(
    value: Option<String>,
    column: &str,
    parse_fn: fn(&str) -> Result<T, ParseError>,
) -> Result<Option<T>> {
    value.map(|v| parse(&v, column, parse_fn)).transpose()
}

pub fn text_enum<T>(value: &str, column: &str, parse: fn(&str) -> Option<T>) -> Result<T> {
    parse(value).ok_or_else(|| StoreError::Corrupt(format!("{column}: unknown value {value:?}")))
}

/// A text column of `row` parsed into a domain type; the column names itself in the error.
pub fn parsed_column<R, T>(
    row: &R,
    column: &str,
    parse_fn: fn(&str) -> Result<T, ParseError>,
) -> Result<T>
where
    R: sqlx::Row,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'c> &'c str: sqlx::ColumnIndex<R>,
{
    parse(&row.try_get::<String, _>(column)?, column, parse_fn)
}

/// A text column of `row` holding one of a text enum's values.
pub fn enum_column<R, T>(row: &R, column: &str, parse_fn: fn(&str) -> Option<T>) -> Result<T>
where
    R: sqlx::Row,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'c> &'c str: sqlx::ColumnIndex<R>,
{
    text_enum(&row.try_get::<String, _>(column)?, column, parse_fn)
}

pub fn coordinates(latitude: Option<f64>, longitude: Option<f64>) -> Option<(f64, f64)> {
    latitude.zip(longitude)
}

/// An offer's wage from its two columns: both or neither.
pub fn wage(min: Option<f64>, max: Option<f64>) -> Result<Option<MonthlyWage>> {
    match (min, max) {
        (None, None) => Ok(None),
        (Some(min), Some(max)) => MonthlyWage::new(min, max)
            .map(Some)
            .map_err(|e| StoreError::Corrupt(format!("wage: {e}"))),
        _ => Err(StoreError::Corrupt(
            "wage: one end of the range without the other".to_string(),
        )),
    }
}

/// The six priority flags and their disclosure, in `PriorityStatus::ALL` order.
pub fn priority_flags(priorities: &BTreeMap<PriorityStatus, Disclosure>) -> [(bool, bool); 6] {
    let mut flags = [(false, false); 6];
    for (slot, status) in flags.iter_mut().zip(PriorityStatus::ALL) {
        if let Some(disclosure) = priorities.get(status) {
            *slot = (true, *disclosure == Disclosure::Disclosed);
        }
    }
    flags
}

pub fn priorities_from_flags(flags: [(bool, bool); 6]) -> BTreeMap<PriorityStatus, Disclosure> {
    flags
        .iter()
        .zip(PriorityStatus::ALL)
        .filter(|((has, _), _)| *has)
        .map(|((_, disclosed), status)| {
            let disclosure = if *disclosed {
                Disclosure::Disclosed
            } else {
                Disclosure::Private
            };
            (*status, disclosure)
        })
        .collect()
}

/// The department of the commune (INSEE code) in `column`, in SQL (overseas departments have
/// three digits).
pub fn department_of(column: &str) -> String {
    format!(
        "CASE WHEN {column} LIKE '97%' THEN substr({column}, 1, 3) ELSE substr({column}, 1, 2) END"
    )
}

/// [`department_of`] an offer's commune (`o`), as a constant for the queries that format it in.
pub const DEPARTMENT_OF_COMMUNE: &str = "CASE WHEN o.commune_code LIKE '97%' THEN substr(o.commune_code, 1, 3) \
     ELSE substr(o.commune_code, 1, 2) END";

/// [`department_of`] a job seeker's commune (`j`), as [`DEPARTMENT_OF_COMMUNE`] for an offer.
pub const PERSON_DEPARTMENT: &str = "CASE WHEN j.commune_code LIKE '97%' THEN substr(j.commune_code, 1, 3) \
     ELSE substr(j.commune_code, 1, 2) END";

/// The `AND` conditions of a text search: each folded word (the first `max` of them) found
/// in one of `columns`. Each word's `LIKE` pattern is pushed onto `values`, and its
/// placeholder is its place in `values` after the `bound_before` placeholders that precede.
pub fn search_words_filter(
    words: &[String],
    max: usize,
    columns: &[&str],
    values: &mut Vec<String>,
    bound_before: usize,
) -> String {
    let mut clause = String::new();
    for word in words.iter().take(max) {
        // Folded words hold letters, digits and spaces only: nothing LIKE reads as a wildcard.
        let word: String = word.chars().filter(|c| c.is_alphanumeric()).collect();
        if word.is_empty() {
            continue;
        }
        values.push(format!("%{word}%"));
        let n = values.len() + bound_before;
        let found: Vec<String> = columns.iter().map(|c| format!("{c} LIKE ${n}")).collect();
        match found.as_slice() {
            [one] => clause.push_str(&format!(" AND {one}")),
            _ => clause.push_str(&format!(" AND ({})", found.join(" OR "))),
        }
    }
    clause
}

/// Whether a record must be written, given the content hash stored under its key (if any),
/// counted in the report as created, updated or unchanged.
pub fn needs_write(report: &mut BulkReport, stored: Option<&String>, hash: &str) -> bool {
    match stored {
        Some(stored) if stored == hash => {
            report.unchanged += 1;
            false
        }
        Some(_) => {
            report.updated += 1;
            true
        }
        None => {
            report.created += 1;
            true
        }
    }
}

/// Indices of the records to write, the first of each key kept, and the later duplicates
/// rejected: one transaction cannot write the same key twice.
pub fn first_of_each_key<K: Ord>(
    keys: impl Iterator<Item = K>,
) -> (Vec<usize>, Vec<(usize, String)>) {
    let mut seen: BTreeMap<K, usize> = BTreeMap::new();
    let mut kept = Vec::new();
    let mut rejected = Vec::new();
    for (i, key) in keys.enumerate() {
        match seen.get(&key) {
            Some(first) => {
                rejected.push((i, format!("same key as record {} of this batch", first + 1)))
            }
            None => {
                seen.insert(key, i);
                kept.push(i);
            }
        }
    }
    (kept, rejected)
}

/// The rows a bulk write writes: of the first record of each key (the later duplicates
/// rejected: one transaction cannot write the same key twice), each made by `row` or
/// rejected with the reason it gives, the rejections listed in `report`.
pub fn rows_to_write<'r, T, K: Ord, R>(
    records: &'r [T],
    key: impl Fn(&'r T) -> K,
    report: &mut BulkReport,
    mut row: impl FnMut(&'r T) -> std::result::Result<R, String>,
) -> Vec<R> {
    let (kept, duplicates) = first_of_each_key(records.iter().map(key));
    report.rejected.extend(duplicates);
    let mut rows = Vec::new();
    for i in kept {
        let Some(record) = records.get(i) else {
            continue;
        };
        match row(record) {
            Ok(written) => rows.push(written),
            Err(reason) => report.rejected.push((i, reason)),
        }
    }
    rows
}

/// ROME codes as the items of an SQL `IN (...)` list. The codes are parsed (a letter and four
/// digits): nothing to escape.
pub fn rome_list(romes: &[domain::RomeCode]) -> String {
    romes
        .iter()
        .map(|r| format!("'{}'", r.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// An integer column in a narrower type, or the store is corrupt.
pub fn small<T: TryFrom<i64>>(value: i64, column: &str) -> Result<T> {
    T::try_from(value).map_err(|_| StoreError::Corrupt(format!("{column}: {value} out of range")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The constants spell the one rule of [`department_of`].
    #[test]
    fn department_constants_are_department_of_their_column() {
        assert_eq!(DEPARTMENT_OF_COMMUNE, department_of("o.commune_code"));
        assert_eq!(PERSON_DEPARTMENT, department_of("j.commune_code"));
    }
}
