//! The file formats: what reads, what is rejected and why, and round trips.

// Test code: failing loudly is the point.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::disallowed_methods
)]

mod job_seekers;
mod offers;
mod offers_csv;
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
