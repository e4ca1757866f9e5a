//! The engine's behaviour, through its public interface.

// Test code: failing loudly is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing, clippy::disallowed_methods)]

mod assignment;
mod campaign;
mod fair;
mod floors;
mod scoring;
mod shortlist;
mod support;
