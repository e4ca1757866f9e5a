//! The steering figures: offers, referrals and shortlists by department and month, and the
//! priority publics in practice.

pub mod api;
mod charts;
mod comparisons;
mod counted;
pub mod cuts;
pub mod export;
pub mod pages;
mod published;
pub mod report;
pub mod report_pages;
pub mod tables;

use std::collections::BTreeMap;

use chrono::Datelike;
use engine::Exposure;
use model::{ReferralScope, Tally};

use crate::AppState;
use crate::access::{Principal, Reach, Resource, Verb};
use crate::error::ApiError;

/// How many months the figures look back over.
pub const MONTHS: usize = 6;

/// Exposure measured over the newest open offers, and when.
#[derive(Clone)]
pub struct Measured {
    pub exposure: Exposure,
    /// The same, by department of the offers.
    pub by_department: BTreeMap<String, Exposure>,
    pub offers: usize,
    pub at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Figures {
    pub offers: u64,
    /// Shortlists made, and the candidates they showed.
    pub shortlists: u64,
    pub candidates: u64,
    pub referrals: u64,
    pub hires: u64,
}

impl Figures {
    pub fn add(&mut self, other: &Figures) {
        self.offers += other.offers;
        self.shortlists += other.shortlists;
        self.candidates += other.candidates;
        self.referrals += other.referrals;
        self.hires += other.hires;
    }
}

/// The steering tallies a reader may see, computed once for the API and the page: by
/// department then month over the last [`MONTHS`] months, the open offers by department, and
/// the referrals by state.
pub struct Tallies {
    /// The region, or the one structure the reader's figures are about.
    pub scope_label: String,
    /// That structure, when the figures are one structure's.
    pub own: Option<i64>,
    /// The months counted, oldest first, as `YYYY-MM`.
    pub months: Vec<String>,
    pub by: BTreeMap<String, BTreeMap<String, Figures>>,
    pub open_by: BTreeMap<String, u64>,
    pub referrals_by_state: BTreeMap<String, u64>,
    /// The shortlist counts read, with their holders of each status.
    pub shortlists: Vec<model::ShortlistTally>,
}

/// The tallies `principal` may read: the whole region for who reads any, else their
/// structure's (`asked`: its SIRET, when they have several).
pub async fn tallies(
    state: &AppState,
    principal: &Principal,
    asked: Option<&str>,
) -> Result<Tallies, ApiError> {
    let grants = principal.grants(Resource::Indicators, Verb::Read);
    let any = grants.iter().any(|g| g.rule.reach == Reach::Any);
    let (scope, scope_label, own) = if any && asked.is_none() {
        (ReferralScope::All, "toute la région".to_string(), None)
    } else {
        let (id, _) =
            crate::api::listing(state, principal, Resource::Indicators, Verb::Read, asked).await?;
        let name = crate::api::structure_name(state, id).await?;
        (ReferralScope::OfferOwner(id), name, Some(id))
    };
    let offer_tallies = state.store.offer_tallies(own).await?;
    let referral_tallies = state.store.referral_tallies(scope).await?;
    // What this instance counted since its last flush is written first, so the figures are
    // current.
    state.flush_shortlist_counts().await?;
    let shortlist_tallies = state.store.shortlist_tallies(own).await?;
    let mut open_by: BTreeMap<String, u64> = BTreeMap::new();
    for t in offer_tallies.iter().filter(|t| t.state == "open") {
        *open_by.entry(t.department.clone()).or_default() += t.count;
    }
    let mut referrals_by_state = BTreeMap::new();
    for t in &referral_tallies {
        *referrals_by_state.entry(t.state.clone()).or_insert(0u64) += t.count;
    }
    Ok(Tallies {
        scope_label,
        own,
        months: recent_months(state.now().date_naive()),
        by: figures(&offer_tallies, &shortlist_tallies, &referral_tallies),
        open_by,
        referrals_by_state,
        shortlists: shortlist_tallies,
    })
}

/// Offers published, shortlists made, referrals proposed and hires (referrals in the hired
/// state, by the month of their last move), by department then month.
fn figures(
    offers: &[Tally],
    shortlists: &[model::ShortlistTally],
    referrals: &[Tally],
) -> BTreeMap<String, BTreeMap<String, Figures>> {
    let mut by: BTreeMap<String, BTreeMap<String, Figures>> = BTreeMap::new();
    for t in shortlists {
        let f = by
            .entry(t.department.clone())
            .or_default()
            .entry(t.month.clone())
            .or_default();
        f.shortlists += t.shortlists;
        f.candidates += t.candidates;
    }
    for t in offers {
        by.entry(t.department.clone())
            .or_default()
            .entry(t.month.clone())
            .or_default()
            .offers += t.count;
    }
    for t in referrals {
        by.entry(t.department.clone())
            .or_default()
            .entry(t.month.clone())
            .or_default()
            .referrals += t.count;
        if t.state == "hired" {
            by.entry(t.department.clone())
                .or_default()
                .entry(t.changed_month.clone())
                .or_default()
                .hires += t.count;
        }
    }
    by
}

/// The last `MONTHS` months, oldest first, as `YYYY-MM`.
fn recent_months(today: chrono::NaiveDate) -> Vec<String> {
    let mut months = Vec::with_capacity(MONTHS);
    let (mut year, mut month) = (today.year(), today.month());
    for _ in 0..MONTHS {
        months.push(format!("{year:04}-{month:02}"));
        if month == 1 {
            year -= 1;
            month = 12;
        } else {
            month -= 1;
        }
    }
    months.reverse();
    months
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(department: &str, month: &str, changed: &str, state: &str, count: u64) -> Tally {
        Tally {
            department: department.to_string(),
            month: month.to_string(),
            changed_month: changed.to_string(),
            state: state.to_string(),
            count,
        }
    }

    #[test]
    fn hires_count_in_the_month_of_their_move_referrals_in_their_proposal() {
        let by = figures(
            &[tally("93", "2026-10", "2026-10", "open", 4)],
            &[model::ShortlistTally {
                structure_id: 1,
                department: "93".to_string(),
                month: "2026-11".to_string(),
                shortlists: 3,
                candidates: 25,
                holders: [0; 6],
            }],
            &[
                tally("93", "2026-10", "2026-11", "hired", 2),
                tally("93", "2026-10", "2026-10", "proposed", 3),
                tally("75", "2026-11", "2026-11", "declined", 1),
            ],
        );
        let oct = by["93"]["2026-10"];
        assert_eq!((oct.offers, oct.referrals, oct.hires), (4, 5, 0));
        let nov = by["93"]["2026-11"];
        assert_eq!((nov.offers, nov.referrals, nov.hires), (0, 0, 2));
        assert_eq!((nov.shortlists, nov.candidates), (3, 25));
        assert_eq!(by["75"]["2026-11"].referrals, 1);
    }

    #[test]
    fn the_months_are_the_last_six_oldest_first_across_a_year() {
        let months = recent_months(chrono::NaiveDate::from_ymd_opt(2026, 2, 14).unwrap());
        assert_eq!(
            months,
            [
                "2025-09", "2025-10", "2025-11", "2025-12", "2026-01", "2026-02"
            ]
        );
        assert_eq!(crate::pages::labels::month("2026-02"), "févr. 2026");
    }
}
