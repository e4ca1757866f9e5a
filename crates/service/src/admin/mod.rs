//! Administration: accounts, structures, the audit trail and its verification.

pub mod api;
pub mod pages;
