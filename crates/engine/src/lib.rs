//! Passerelle's sourcing engine. It does no IO and never reads the clock: it is handed its data
//! (job seekers, offers, structures as [`model`] records) and the day, and answers.
//!
//! - [`Engine`] holds compact forms of every job seeker and offer, indexed by ROME code and
//!   commune, kept current by `upsert_*`; [`Engine::shortlist`] ranks job seekers for an offer,
//!   [`Engine::suggest`] offers for a job seeker, both with the score's [`Breakdown`];
//! - [`score`](crate::score) defines the score (hard conditions and six weighted components,
//!   weights in [`ScoringConfig`]);
//! - [`fair`] is FA*IR (Zehlike et al., CIKM 2017) for one protected group, [`floors`]
//!   minimum shares for several statuses at once (after Geyik et al., KDD 2019);
//! - [`campaign`] proposes candidates for many offers under a per-person capacity, solving
//!   the [`assignment`] problem with a bound on the best possible.

pub mod assignment;
pub mod campaign;
mod config;
pub mod fair;
pub mod floors;
mod index;
mod profile;
mod score;

pub use campaign::{
    CampaignOutcome, CampaignRequest, CandidateLists, Metrics, Proposal, StatusTarget,
};
pub use config::{ConfigError, ScoringConfig, Tiers, Weights};
pub use index::{
    Adjustment, Engine, EngineError, Entry, Exposure, Move, Policy, Shortlist, ShortlistRequest,
    StatusExposure, Suggestion,
};
pub use profile::UnknownCode;
pub use score::{Breakdown, MatchKind, shared_count};
