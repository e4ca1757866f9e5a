//! A record of a data·inclusion file (or of the directory's forms), read field by field with
//! every error collected: the one definition of what each field accepts.

use chrono::NaiveDate;
use domain::InseeCode;
use model::text::{LINE_CHARS, URL_CHARS, line_problem, paragraph_problem};
use refdata::{Vocabulary, inclusion};
use serde_json::{Map, Value};

use super::{LIST_ITEMS, SOURCE, opening_hours_problem};
use crate::{FieldError, Row, RowError, known_commune, point};

/// A record of a file, read field by field with the errors collected.
pub(super) struct Reader<'a> {
    object: &'a Map<String, Value>,
    pub(super) errors: Vec<FieldError>,
}

impl<'a> Reader<'a> {
    pub(super) fn new(object: &'a Map<String, Value>) -> Self {
        Self {
            object,
            errors: Vec::new(),
        }
    }

    pub(super) fn error(&mut self, field: &str, reason: impl Into<String>) {
        self.errors.push(FieldError::new(field, reason));
    }

    /// A one-line text of at most [`LINE_CHARS`] characters: every text of the schema but
    /// those named by [`Reader::paragraph`] and the bounds set by the callers.
    pub(super) fn text(&mut self, field: &str) -> Option<String> {
        self.bounded(field, LINE_CHARS, false)
    }

    /// A text of several lines of at most `max` characters.
    pub(super) fn paragraph(&mut self, field: &str, max: usize) -> Option<String> {
        self.bounded(field, max, true)
    }

    pub(super) fn bounded(&mut self, field: &str, max: usize, paragraph: bool) -> Option<String> {
        match self.object.get(field) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.trim().is_empty() => None,
            Some(Value::String(s)) => {
                let problem = if paragraph {
                    paragraph_problem(s, max)
                } else {
                    line_problem(s, max)
                };
                match problem {
                    Some(problem) => {
                        self.error(field, problem);
                        None
                    }
                    None => Some(s.clone()),
                }
            }
            Some(_) => {
                self.error(field, "expected a string");
                None
            }
        }
    }

    /// A web address (`http` or `https`, with a host), as the schema's `HttpUrl` wants it.
    pub(super) fn link(&mut self, field: &str) -> Option<String> {
        let text = self.bounded(field, URL_CHARS, false)?;
        match url::Url::parse(text.trim()) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => {
                Some(text.trim().to_string())
            }
            _ => {
                self.error(
                    field,
                    "expected a web address starting with https:// (or http://)",
                );
                None
            }
        }
    }

    /// `horaires_accueil`: the OpenStreetMap `opening_hours` syntax, refused with the
    /// character where it stops parsing.
    pub(super) fn opening_hours(&mut self) -> Option<String> {
        let text = self.text("horaires_accueil")?;
        match opening_hours_problem(&text) {
            None => Some(text),
            Some(problem) => {
                self.error("horaires_accueil", problem);
                None
            }
        }
    }

    pub(super) fn required(&mut self, field: &str) -> Option<String> {
        let value = self.text(field);
        self.missing(field, value)
    }

    pub(super) fn required_paragraph(&mut self, field: &str, max: usize) -> Option<String> {
        let value = self.paragraph(field, max);
        self.missing(field, value)
    }

    /// `value`, or an error that the field is missing (unless it has one already).
    pub(super) fn missing(&mut self, field: &str, value: Option<String>) -> Option<String> {
        if value.is_none() && !self.errors.iter().any(|e| e.field == field) {
            self.error(field, "missing");
        }
        value
    }

    /// An optional field parsed by `parse`, its error named.
    pub(super) fn parsed<T, E: std::fmt::Display>(
        &mut self,
        field: &str,
        parse: impl Fn(&str) -> Result<T, E>,
    ) -> Option<T> {
        let text = self.text(field)?;
        match parse(&text) {
            Ok(value) => Some(value),
            Err(err) => {
                self.error(field, err.to_string());
                None
            }
        }
    }

    /// `code_insee`: a commune the reference data knows.
    pub(super) fn commune(&mut self, required: bool) -> Option<InseeCode> {
        let code = if required {
            self.required("code_insee")?
        } else {
            self.text("code_insee")?
        };
        match known_commune(&code) {
            Ok(code) => Some(code),
            Err(reason) => {
                self.error("code_insee", reason);
                None
            }
        }
    }

    pub(super) fn date(&mut self, field: &str) -> Option<NaiveDate> {
        let text = self.required(field)?;
        match NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
            Ok(date) => Some(date),
            Err(_) => {
                self.error(field, "expected a date, YYYY-MM-DD");
                None
            }
        }
    }

    pub(super) fn number(&mut self, field: &str) -> Option<f64> {
        match self.object.get(field) {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => n.as_f64(),
            Some(_) => {
                self.error(field, "expected a number");
                None
            }
        }
    }

    /// A list of values, each in `vocabulary` when one is given.
    pub(super) fn values(&mut self, field: &str, vocabulary: Option<Vocabulary>) -> Vec<String> {
        let items = match self.object.get(field) {
            None | Some(Value::Null) => return Vec::new(),
            Some(Value::Array(items)) => items,
            Some(_) => {
                self.error(field, "expected a list");
                return Vec::new();
            }
        };
        if items.len() > LIST_ITEMS {
            self.error(field, format!("at most {LIST_ITEMS} values"));
            return Vec::new();
        }
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match item.as_str() {
                Some(value) => {
                    if let Some(problem) = line_problem(value, LINE_CHARS) {
                        self.error(field, problem);
                        continue;
                    }
                    if let Some(v) = vocabulary
                        && !inclusion().contains(v, value)
                    {
                        self.error(
                            field,
                            format!("{value:?} is not in the data·inclusion v1 vocabulary"),
                        );
                        continue;
                    }
                    out.push(value.to_string());
                }
                None => self.error(field, "expected a list of strings"),
            }
        }
        out
    }

    pub(super) fn vocabulary(&mut self, field: &str, vocabulary: Vocabulary) -> Option<String> {
        let value = self.text(field)?;
        if inclusion().contains(vocabulary, &value) {
            Some(value)
        } else {
            self.error(
                field,
                format!("{value:?} is not in the data·inclusion v1 vocabulary"),
            );
            None
        }
    }

    pub(super) fn coordinates(&mut self) -> Option<(f64, f64)> {
        let (latitude, longitude) = (self.number("latitude"), self.number("longitude"));
        point(latitude, longitude).unwrap_or_else(|reason| {
            self.error("latitude", reason);
            None
        })
    }

    pub(super) fn extension(&self) -> Option<&'a Map<String, Value>> {
        self.object.get(SOURCE).and_then(Value::as_object)
    }

    pub(super) fn finish<T>(self, position: usize, record: Option<T>) -> Row<T> {
        match (self.errors.is_empty(), record) {
            (true, Some(record)) => Ok((position, record)),
            (_, _) if !self.errors.is_empty() => Err(RowError {
                position,
                errors: self.errors,
            }),
            _ => Err(RowError {
                position,
                errors: vec![FieldError::new("record", "incomplete")],
            }),
        }
    }
}
