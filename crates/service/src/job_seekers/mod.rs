//! Job seekers: France Travail's portfolios, a person's page with suggestions, and the
//! consent and disclosures recorded where the person is met.

pub mod api;
pub mod pages;
