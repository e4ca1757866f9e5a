//! Referrals: a person proposed for an offer and the workflow that follows, reached through
//! the offer's side or the person's side.

pub mod api;
pub mod pages;
