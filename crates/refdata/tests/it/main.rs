//! Invariants of the embedded reference data and of its lookups.

// Test code: failing loudly is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing, clippy::disallowed_methods)]

mod geo;
mod inclusion;
mod rome;
mod tension;
