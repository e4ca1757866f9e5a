//! Invariants of the embedded reference data and of its lookups.

mod geo;
mod rome;
