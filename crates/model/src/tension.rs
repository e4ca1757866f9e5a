//! Local tension: what Passerelle's own offers and job seekers say of an occupation in a
//! territory, as the store counts them (groups, never one row per person).

use chrono::NaiveDate;

use crate::{CloseReason, OfferStatus};

/// Which offers and job seekers to count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalQuery {
    /// Offers published on or after this day...
    pub from: NaiveDate,
    /// ...and before this one.
    pub to: NaiveDate,
    /// Only this ROME code, or every one.
    pub rome: Option<String>,
}

/// Offers of one occupation published in one commune and month that ended alike.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferGroup {
    pub rome: String,
    /// INSEE code of the workplace.
    pub commune: String,
    /// `YYYY-MM` of publication.
    pub month: String,
    /// Declared hard to fill by its file (`offresManqueCandidats`).
    pub hard_to_fill: bool,
    pub status: OfferStatus,
    /// Why a cancelled offer was, when known.
    pub close_reason: Option<CloseReason>,
    /// Whole days from publication to closing, for a closed offer.
    pub days_open: Option<i64>,
    pub offers: u64,
}

/// Active job seekers targeting one occupation, living in one commune, with one commute limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeekerGroup {
    pub rome: String,
    pub commune: String,
    pub commute_limit_km: u16,
    pub seekers: u64,
}

/// Active job seekers living in one commune, with one commute limit, who target exactly the
/// same occupations: a person is counted once whatever the number of their targets, so that a
/// family of occupations (FAP) counts its people, not their targets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeekerSet {
    /// The ROME codes of their targets, in code order, each once.
    pub romes: Vec<String>,
    pub commune: String,
    pub commute_limit_km: u16,
    pub seekers: u64,
}
