//! Offers: what agencies publish (pushed, typed in a form or imported from a file), each
//! with its shortlist under the priority policy of its territory.

pub mod api;
pub mod pages;
