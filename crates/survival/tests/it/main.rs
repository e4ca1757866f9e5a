//! The survival crate's behaviour, through its public interface.

// Test code: failing loudly is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing, clippy::disallowed_methods)]

mod baseline;
mod errors;
mod likelihood;
mod metrics;
mod prediction;
mod recovery;
mod support;
mod timing;
