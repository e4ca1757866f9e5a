//! A recruiting structure's dashboard: its open offers, those still without a candidate, and
//! the referrals to its offers by state, counted by the store.

use crate::{Offer, ReferralState};

/// What a structure's dashboard shows, counted in SQL.
#[derive(Debug, Clone, PartialEq)]
pub struct OfferDashboard {
    /// The structure's open offers.
    pub open_offers: u64,
    /// Of those, the ones no referral was ever made to.
    pub open_without_referral: u64,
    /// The referrals to the structure's offers (open or closed), for every state in
    /// [`ReferralState::ALL`]'s order, zeros included.
    pub referrals_by_state: Vec<(ReferralState, u64)>,
    /// One page of the open offers, by id, each with how many referrals it has had.
    pub open: Vec<(Offer, u64)>,
    /// The first open offers, by id, that have had no referral.
    pub without_referral: Vec<Offer>,
}

impl OfferDashboard {
    /// Every referral to the structure's offers, whatever its state.
    pub fn total_referrals(&self) -> u64 {
        self.referrals_by_state.iter().map(|(_, n)| n).sum()
    }
}

/// Which page of a dashboard to count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DashboardQuery {
    pub structure_id: i64,
    /// How many open offers to skip (pages × page length).
    pub offset: u64,
    /// How many open offers the page holds.
    pub limit: u32,
    /// How many offers without referral to list.
    pub without_limit: u32,
}
