//! Passerelle's persistence. [`Store`] is the boundary: the rest of the program hands it
//! records of parsed domain types and gets them back, never SQL. Two implementations, chosen
//! by the database URL ([`connect`]): SQLite (embedded, the default) and PostgreSQL (shared by
//! several instances). Each has its own migrations under `migrations/`; one contract test
//! suite (`tests/it`) holds both to the same behaviour.
//!
//! The store is cut by aggregate: each file declares its part of the boundary as a trait
//! ([`Accounts`], [`Directory`], [`JobSeekers`], [`Offers`], [`Referrals`], [`Meetings`],
//! [`Policies`], [`Tallies`], [`AuditTrail`]) and implements it for both backends, its SQL
//! written once (see `backend.rs`). [`Store`] is all of them; `use store::prelude::*` brings
//! their methods into scope.
//!
//! Nothing here reads the clock: every write takes `now`.

mod accounts;
mod actions;
mod audit_trail;
mod backend;
mod bulk;
pub mod changes;
mod common;
mod difficulty;
mod directory;
mod directory_edits;
mod duo_figures;
mod duos;
mod error;
mod evaluation_records;
mod gatherings;
mod invitations;
mod job_seeker_rows;
mod job_seekers;
mod meetings;
mod mentors;
mod offers;
mod passes;
mod plans;
mod policies;
mod referrals;
mod retention_sweep;
mod staff_invitations;
mod steering;
mod tallies;
mod tension;
mod training_sessions;
mod url;

use std::sync::Arc;

use async_trait::async_trait;

pub use accounts::Accounts;
pub use actions::Actions;
pub use audit_trail::AuditTrail;
pub use changes::Changes;
pub use difficulty::Difficulty;
pub use directory::Directory;
pub use directory_edits::DirectoryEdits;
pub use duo_figures::{DuoCounts, DuoFigures, EvaluationPerson};
pub use duos::Duos;
pub use error::{Result, StoreError};
pub use evaluation_records::{Evaluations, PastEvaluation, PastSharing};
pub use gatherings::{Gatherings, Outbox};
pub use invitations::Invitations;
pub use job_seekers::JobSeekers;
pub use meetings::Meetings;
pub use mentors::Mentors;
pub use model::*;
pub use offers::Offers;
pub use passes::People;
pub use plans::TrainingPlans;
pub use policies::Policies;
pub use referrals::Referrals;
pub use retention_sweep::Retention;
pub use staff_invitations::Staff;
pub use steering::Steering;
pub use tallies::Tallies;
pub use tension::LocalTension;
pub use training_sessions::{TrainingBatch, TrainingBatches, Trainings};
pub use url::{Backend, DatabaseUrl};

/// The store's traits, to call their methods on a `dyn Store`.
pub mod prelude {
    pub use crate::{
        Accounts, Actions, AuditTrail, Changes, Difficulty, Directory, DirectoryEdits, DuoFigures,
        Duos, Evaluations, Gatherings, Invitations, JobSeekers, LocalTension, Meetings, Mentors,
        Offers, Outbox, People, Policies, Referrals, Retention, Staff, Steering, Store, Tallies,
        TrainingPlans, Trainings,
    };
}

/// How many records each table holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub structures: u64,
    pub users: u64,
    pub job_seekers: u64,
    pub offers: u64,
    pub referrals: u64,
    pub audit_events: u64,
}

/// Everything Passerelle keeps, behind one interface with the same behaviour on every backend.
///
/// Bulk writes (`upsert_*`) take a slice and write it in one transaction: all of it or none of
/// it. They are idempotent on natural keys (SIRET; external id; owner and external id): a
/// record already stored with the same content is left untouched and counted `unchanged`.
/// Callers choose the batch size by the slices they pass.
#[async_trait]
pub trait Store:
    Accounts
    + Changes
    + Directory
    + DirectoryEdits
    + JobSeekers
    + Offers
    + Referrals
    + Retention
    + Meetings
    + Gatherings
    + Actions
    + Invitations
    + Mentors
    + Duos
    + DuoFigures
    + Evaluations
    + Outbox
    + People
    + Policies
    + Tallies
    + Staff
    + Steering
    + LocalTension
    + Difficulty
    + Trainings
    + TrainingPlans
    + AuditTrail
    + Send
    + Sync
{
    fn backend(&self) -> Backend;

    /// Applies the migrations not yet applied. Safe to run concurrently from several instances.
    async fn migrate(&self) -> Result<()>;

    /// Counts the records of each table.
    async fn counts(&self) -> Result<Counts>;

    /// Refreshes the query planner's statistics after a bulk load: `ANALYZE` on PostgreSQL
    /// (its autovacuum would come to it later, and the plans of the first reads would be
    /// chosen blind); nothing on SQLite, whose queries name their indexes where it matters.
    async fn refresh_statistics(&self) -> Result<()>;

    /// Problems with the stored data's integrity (none expected): the backend's own checks
    /// (SQLite `integrity_check`, `foreign_key_check`) and Passerelle's.
    async fn check_integrity(&self) -> Result<Vec<String>>;
}

/// Opens the database the URL names (creating an SQLite file and its folder if needed) with
/// a connection pool. Does not migrate.
pub async fn connect(url: &DatabaseUrl) -> Result<Arc<dyn Store>> {
    match url.backend() {
        Backend::Sqlite => Ok(Arc::new(backend::SqliteStore::connect(url).await?)),
        Backend::Postgres => Ok(Arc::new(backend::PostgresStore::connect(url).await?)),
    }
}
