//! The priority policies of the territories: read by all, set by the steering committee.

pub mod api;
pub mod pages;
