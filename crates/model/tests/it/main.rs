//! The model crate's integration tests: one binary, one module per subject.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod indicators;
mod schemes;
mod secrecy;
