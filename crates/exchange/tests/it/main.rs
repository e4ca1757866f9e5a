//! The file formats: what reads, what is rejected and why, and round trips.

// Test code: failing loudly is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing, clippy::disallowed_methods)]

mod job_seekers;
mod lheo;
mod offers;
mod offers_csv;
mod robustness;
mod structures;

use exchange::{Row, RowError};

/// The records of the good rows, and (position, field) of every rejection.
pub fn split<T>(rows: Vec<Row<T>>) -> (Vec<T>, Vec<(usize, String)>) {
    let mut good = Vec::new();
    let mut bad = Vec::new();
    for row in rows {
        match row {
            Ok((_, record)) => good.push(record),
            Err(RowError { position, errors }) => {
                bad.extend(errors.into_iter().map(|e| (position, e.field)));
            }
        }
    }
    (good, bad)
}

/// The records of rows that must all be good.
#[track_caller]
pub fn accepted<T>(rows: Vec<Row<T>>) -> Vec<T> {
    let (good, bad) = split(rows);
    assert_eq!(bad, []);
    good
}

/// Each case changes the good row `good`, its first `from` into `to`: the file `read` makes of
/// the changed row then gives `kept` records and one rejection, of `field` at `position`.
pub fn assert_rejections<T>(
    good: &str,
    cases: &[(&str, &str, &str)],
    read: impl Fn(&str) -> Vec<Row<T>>,
    kept: usize,
    position: usize,
) {
    for &(from, to, field) in cases {
        let row = good.replacen(from, to, 1);
        assert_ne!(row, good, "{field}: the replacement did not apply");
        let (records, bad) = split(read(&row));
        assert_eq!(records.len(), kept, "{field}");
        assert_eq!(bad, [(position, field.to_string())], "{row}");
    }
}

/// `docs/formats.md` carries each format's documentation, word for word.
#[test]
fn the_formats_page_carries_every_format_documentation() {
    let page = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/formats.md"
    ))
    .unwrap();
    for source in [
        include_str!("../../src/offers_json.rs"),
        include_str!("../../src/offers_csv.rs"),
        include_str!("../../src/job_seekers_csv.rs"),
        include_str!("../../src/structures.rs"),
        include_str!("../../src/lheo/mod.rs"),
    ] {
        let doc: Vec<&str> = source
            .lines()
            .take_while(|l| l.starts_with("//!"))
            .map(|l| {
                l.strip_prefix("//! ")
                    .unwrap_or(l.strip_prefix("//!").unwrap_or(l))
            })
            .collect();
        assert!(
            page.contains(&doc.join("\n")),
            "docs/formats.md lacks: {}",
            doc[0]
        );
    }
}
