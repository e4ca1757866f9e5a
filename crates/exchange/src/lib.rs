//! Passerelle's file formats, read into store records and written from them.
//!
//! - offers: France Travail's *Offres d'emploi v2* JSON ([`offers_json`]) and CSV
//!   ([`offers_csv`]);
//! - job seekers: CSV as French spreadsheets produce it ([`job_seekers_csv`]);
//! - structures: CSV and JSON ([`structures`]);
//! - an offer's `salaire.libelle` as a comparable monthly gross range ([`wage`]).
//!
//! Reading never stops at a bad row: each row becomes its record or the list of what is wrong
//! with it ([`RowError`]: which field, why). Only an unreadable file as a whole (not JSON, no
//! header) is a [`FileError`]. Nothing here does IO beyond the reader and writer it is given.

pub mod inclusion;
pub mod job_seekers_csv;
pub mod lheo;
pub mod offers_csv;
pub mod offers_json;
pub mod structures;
mod table;
mod text;
pub mod wage;

use std::fmt;

/// What is wrong with one field of one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field as the file names it (`lieuTravail.commune`, `date_naissance`).
    pub field: String,
    pub reason: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.reason)
    }
}

/// A row that cannot be imported, with every reason found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// Where the row is: its line in a CSV file (the header is line 1), its position (from 1)
    /// in a JSON array.
    pub position: usize,
    pub errors: Vec<FieldError>,
}

/// One row of a file: its position and its record, or what is wrong with it.
pub type Row<T> = Result<(usize, T), RowError>;

/// A file that cannot be read at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError(pub String);

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FileError {}

/// An INSEE code that the reference data knows as a commune's, or why not.
pub(crate) fn known_commune(code: &str) -> Result<domain::InseeCode, String> {
    let code = domain::InseeCode::parse(code).map_err(|err| err.to_string())?;
    match refdata::geo().commune(code.as_str()) {
        Some(_) => Ok(code),
        None => Err(format!("no commune has the INSEE code {code}")),
    }
}

/// The one commune among `found` (the communes a postcode names) that is not the city of
/// another one: a city's arrondissement rather than the city (75011 is Paris 11e, not Paris).
pub(crate) fn specific_commune(found: &[&refdata::Commune]) -> Option<domain::InseeCode> {
    let specific: Vec<_> = found
        .iter()
        .filter(|c| {
            !found
                .iter()
                .any(|other| other.arrondissement_of == Some(c.code))
        })
        .collect();
    match specific.as_slice() {
        [one] => domain::InseeCode::parse(one.code).ok(),
        _ => None,
    }
}

/// A point from its latitude and longitude: both or neither, and within range.
pub(crate) fn point(
    latitude: Option<f64>,
    longitude: Option<f64>,
) -> Result<Option<(f64, f64)>, &'static str> {
    match (latitude, longitude) {
        (Some(lat), Some(lon))
            if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) =>
        {
            Ok(Some((lat, lon)))
        }
        (None, None) => Ok(None),
        _ => Err("latitude and longitude go together, within range"),
    }
}

/// Collects the errors of a row's fields, then gives the record if there were none.
#[derive(Default)]
pub(crate) struct Fields {
    errors: Vec<FieldError>,
}

impl Fields {
    /// The parsed value, or `None` with the error noted.
    pub fn take<T, E: fmt::Display>(&mut self, field: &str, result: Result<T, E>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(err) => {
                self.errors.push(FieldError::new(field, err.to_string()));
                None
            }
        }
    }

    pub fn error(&mut self, field: &str, reason: impl Into<String>) {
        self.errors.push(FieldError::new(field, reason));
    }

    /// The value of a required field, or `None` with "missing" noted.
    pub fn required<T>(&mut self, field: &str, value: Option<T>) -> Option<T> {
        if value.is_none() {
            self.error(field, "missing");
        }
        value
    }

    /// The SIRET of the structure owning an offer: the file's `given`, else the `owner` the
    /// import was told of, else `None` with the error noted.
    pub fn owner(
        &mut self,
        field: &str,
        given: Option<&str>,
        owner: Option<&domain::Siret>,
    ) -> Option<domain::Siret> {
        match (given, owner) {
            (Some(siret), _) => self.take(field, domain::Siret::parse(siret)),
            (None, Some(owner)) => Some(owner.clone()),
            (None, None) => {
                self.error(
                    field,
                    "missing: say which structure owns the offers (--structure SIRET)",
                );
                None
            }
        }
    }

    /// Notes a one-line text over `max` characters or holding control characters.
    pub fn line(&mut self, field: &str, text: Option<&str>, max: usize) {
        if let Some(problem) = text.and_then(|t| model::text::line_problem(t, max)) {
            self.error(field, problem);
        }
    }

    /// Notes a text of several lines over `max` characters or holding control characters.
    pub fn paragraph(&mut self, field: &str, text: Option<&str>, max: usize) {
        if let Some(problem) = text.and_then(|t| model::text::paragraph_problem(t, max)) {
            self.error(field, problem);
        }
    }

    /// The record built by `build` if no field failed.
    pub fn finish<T>(self, position: usize, build: impl FnOnce() -> Option<T>) -> Row<T> {
        if !self.errors.is_empty() {
            return Err(RowError {
                position,
                errors: self.errors,
            });
        }
        match build() {
            Some(record) => Ok((position, record)),
            None => Err(RowError {
                position,
                errors: vec![FieldError::new("row", "incomplete")],
            }),
        }
    }
}
