//! The steering figures: offers, referrals and shortlists by department and month, and the
//! priority publics in practice.

pub mod api;
pub mod pages;

use std::collections::BTreeMap;

use engine::Exposure;

/// Exposure measured over the newest open offers, and when.
#[derive(Clone)]
pub struct Measured {
    pub exposure: Exposure,
    /// The same, by department of the offers.
    pub by_department: BTreeMap<String, Exposure>,
    pub offers: usize,
    pub at: chrono::DateTime<chrono::Utc>,
}
