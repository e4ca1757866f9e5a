//! CSV as French spreadsheets write it: UTF-8 with or without a BOM, `;` or `,` between
//! fields, a header line naming the columns (in any order, case and spaces ignored).

use std::collections::HashMap;

use crate::FileError;

/// The rows of a CSV file, with their line numbers and their cells found by column name.
pub struct Table {
    columns: HashMap<String, usize>,
    rows: Vec<(usize, csv::StringRecord)>,
}

/// A row of a [`Table`].
pub struct Line<'a> {
    columns: &'a HashMap<String, usize>,
    record: &'a csv::StringRecord,
}

impl Line<'_> {
    /// The trimmed cell of a column; empty when the column or the cell is absent.
    pub fn get(&self, column: &str) -> &str {
        self.columns
            .get(column)
            .and_then(|&i| self.record.get(i))
            .map(str::trim)
            .unwrap_or("")
    }

    /// The cell, or `None` when empty.
    pub fn optional(&self, column: &str) -> Option<&str> {
        let cell = self.get(column);
        (!cell.is_empty()).then_some(cell)
    }
}

impl Table {
    /// Reads the whole file; `required` columns must be in the header.
    pub fn read(bytes: &[u8], required: &[&str]) -> Result<Self, FileError> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let text = std::str::from_utf8(bytes).map_err(|err| {
            FileError(format!(
                "not UTF-8 text (save the file as CSV UTF-8): {err}"
            ))
        })?;
        let header = text.lines().next().unwrap_or_default();
        let delimiter = if header.matches(';').count() >= header.matches(',').count() {
            b';'
        } else {
            b','
        };
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .from_reader(text.as_bytes());
        let headers = reader
            .headers()
            .map_err(|err| FileError(format!("cannot read the header line: {err}")))?
            .clone();
        let columns: HashMap<String, usize> = headers
            .iter()
            .enumerate()
            .map(|(i, name)| (name.trim().to_lowercase().replace(' ', "_"), i))
            .collect();
        let missing: Vec<&str> = required
            .iter()
            .copied()
            .filter(|c| !columns.contains_key(*c))
            .collect();
        if !missing.is_empty() {
            return Err(FileError(format!(
                "the header line lacks the column(s) {}",
                missing.join(", ")
            )));
        }
        let mut rows = Vec::new();
        let mut lines = Lines::default();
        for record in reader.records() {
            let record = record.map_err(|err| FileError(format!("unreadable CSV: {err}")))?;
            // The CSV reader counts `\n` only: a file of old Mac spreadsheets ends its lines
            // with a lone `\r`, and each of its rows would be "line 2".
            let line = record
                .position()
                .map_or(0, |p| lines.at(text.as_bytes(), p.byte() as usize));
            if record.iter().all(|cell| cell.trim().is_empty()) {
                continue;
            }
            rows.push((line, record));
        }
        Ok(Self { columns, rows })
    }

    /// Each row with its line number (the header is line 1).
    pub fn lines(&self) -> impl Iterator<Item = (usize, Line<'_>)> {
        self.rows.iter().map(|(line, record)| {
            (
                *line,
                Line {
                    columns: &self.columns,
                    record,
                },
            )
        })
    }
}

/// Line numbers (from 1) of byte offsets met in increasing order: a line ends at `\r\n`, `\n`
/// or a lone `\r`, as a record does for the CSV reader.
#[derive(Default)]
struct Lines {
    /// Bytes counted so far.
    counted: usize,
    /// Line breaks among them.
    breaks: usize,
}

impl Lines {
    fn at(&mut self, bytes: &[u8], offset: usize) -> usize {
        // A record never starts with a line break (blank lines are skipped): the reader may
        // give the offset of the one that ended the record before.
        let mut end = offset.min(bytes.len());
        while matches!(bytes.get(end), Some(b'\r' | b'\n')) {
            end += 1;
        }
        for i in self.counted..end {
            match bytes.get(i) {
                Some(b'\n') => self.breaks += 1,
                Some(b'\r') if bytes.get(i + 1) != Some(&b'\n') => self.breaks += 1,
                _ => {}
            }
        }
        self.counted = self.counted.max(end);
        self.breaks + 1
    }
}

/// A CSV writer with `;` between fields, as French spreadsheets expect.
pub fn writer(out: &mut dyn std::io::Write) -> csv::Writer<&mut dyn std::io::Write> {
    csv::WriterBuilder::new().delimiter(b';').from_writer(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semicolons_commas_bom_and_header_case() {
        for text in [
            "\u{feff}Siret;Nom\n123;Agence A\n\n456;\"Agence; B\"\n",
            "siret,nom\n123,Agence A\n456,\"Agence; B\"\n",
        ] {
            let table = Table::read(text.as_bytes(), &["siret"]).unwrap();
            let rows: Vec<(usize, String, String)> = table
                .lines()
                .map(|(n, l)| (n, l.get("siret").to_string(), l.get("nom").to_string()))
                .collect();
            assert_eq!(rows[0], (2, "123".to_string(), "Agence A".to_string()));
            assert_eq!(rows[1].1, "456");
            assert_eq!(rows[1].2, "Agence; B");
        }
    }

    #[test]
    fn missing_columns_and_bad_encoding_are_file_errors() {
        let err = Table::read(b"nom;ville\nA;B\n", &["siret", "nom"])
            .err()
            .unwrap();
        assert_eq!(err.0, "the header line lacks the column(s) siret");
        let err = Table::read(b"siret\n\xff\xfe\n", &["siret"]).err().unwrap();
        assert!(err.0.starts_with("not UTF-8"));
    }
}
