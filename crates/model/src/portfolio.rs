//! An advisor's portfolio as a search: who, filtered and sorted how, which page.

use crate::PriorityStatus;

/// The order of a portfolio's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PortfolioSort {
    /// By last name, then first name (case and accents ignored).
    #[default]
    Name,
    /// The most recently registered first.
    Registered,
}

impl PortfolioSort {
    pub const ALL: [PortfolioSort; 2] = [PortfolioSort::Name, PortfolioSort::Registered];

    pub fn as_str(self) -> &'static str {
        match self {
            PortfolioSort::Name => "name",
            PortfolioSort::Registered => "registered",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// The people of one France Travail agency's portfolio that match every criterion given.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PortfolioQuery {
    pub agency_structure_id: i64,
    /// Words each found in the person's name, reference or pseudonym: already folded
    /// (`refdata::text::normalise`), at most [`PortfolioQuery::MAX_WORDS`].
    pub words: Vec<String>,
    /// Only the holders of this priority status.
    pub status: Option<PriorityStatus>,
    /// Only those who target this ROME code.
    pub rome_code: Option<String>,
    pub sort: PortfolioSort,
    /// How many to skip (pages × page length).
    pub offset: u64,
    pub limit: u32,
}

impl PortfolioQuery {
    /// The most words a search holds (the typed text is at most 200 characters anyway).
    pub const MAX_WORDS: usize = 10;
}
