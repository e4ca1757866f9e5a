//! Joint information meetings of both networks.

pub mod api;
pub mod pages;
