//! Passerelle's persistence. [`Store`] is the boundary: the rest of the program hands it
//! records of parsed domain types and gets them back, never SQL. Two implementations, chosen
//! by the database URL ([`connect`]): SQLite (embedded, the default) and PostgreSQL (shared by
//! several instances). Each has its own migrations under `migrations/`; one contract test
//! suite (`tests/it`) holds both to the same behaviour.
//!
//! Nothing here reads the clock: every write takes `now`.

mod common;
pub mod peer;
mod postgres;
mod sqlite;
mod url;

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{Email, ExternalId, Siret};

pub use model::*;
pub use url::{Backend, DatabaseUrl};

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the database {url}: {source}")]
    Connect { url: String, source: sqlx::Error },
    #[error("cannot migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("not found: {0}")]
    NotFound(String),
    /// The write contradicts what is stored (a state changed meanwhile, a duplicate key).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The database refused a value (a CHECK, a foreign key).
    #[error("refused by the database: {0}")]
    Invalid(String),
    /// A stored value does not parse any more (edited by hand, or a referential changed).
    #[error("stored data does not read back: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &err {
            let message = db.message().to_string();
            if db.is_unique_violation() {
                return Self::Conflict(message);
            }
            if db.is_foreign_key_violation() || db.is_check_violation() {
                return Self::Invalid(message);
            }
        }
        Self::Database(err)
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

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
pub trait Store: Send + Sync {
    fn backend(&self) -> Backend;

    /// Applies the migrations not yet applied. Safe to run concurrently from several instances.
    async fn migrate(&self) -> Result<()>;

    /// Counts the records of each table.
    async fn counts(&self) -> Result<Counts>;

    /// Problems with the stored data's integrity (none expected): the backend's own checks
    /// (SQLite `integrity_check`, `foreign_key_check`) and Passerelle's.
    async fn check_integrity(&self) -> Result<Vec<String>>;

    async fn upsert_structures(
        &self,
        records: &[StructureRecord],
        now: DateTime<Utc>,
    ) -> Result<BulkReport>;
    async fn structures(&self) -> Result<Vec<Structure>>;
    async fn structure_by_siret(&self, siret: &Siret) -> Result<Option<Structure>>;
    async fn structure(&self, id: i64) -> Result<Option<Structure>>;

    async fn create_user(&self, user: &NewUser, now: DateTime<Utc>) -> Result<User>;
    async fn user_by_email(&self, email: &Email) -> Result<Option<User>>;
    async fn user(&self, id: i64) -> Result<Option<User>>;
    /// Every account with its memberships, by id.
    async fn users(&self) -> Result<Vec<(User, Vec<Membership>)>>;
    /// Gives the user a role in the structure, replacing any role they had there.
    async fn set_membership(
        &self,
        user_id: i64,
        structure_id: i64,
        role: Role,
        now: DateTime<Utc>,
    ) -> Result<()>;
    async fn memberships(&self, user_id: i64) -> Result<Vec<Membership>>;
    async fn create_api_token(
        &self,
        user_id: i64,
        name: &str,
        hash: &TokenHash,
        expires_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<ApiToken>;
    /// The active user holding a token that is neither revoked nor expired at `now`.
    async fn user_by_token(
        &self,
        hash: &TokenHash,
        now: DateTime<Utc>,
    ) -> Result<Option<(User, ApiToken)>>;

    /// The user's API tokens (revoked and expired ones included), by id.
    async fn api_tokens(&self, user_id: i64) -> Result<Vec<ApiToken>>;
    /// Revokes a token at `now` (of this user when `owner` is given); whether one was
    /// revoked (false when unknown, of someone else, or already revoked).
    async fn revoke_api_token(
        &self,
        token_id: i64,
        owner: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<bool>;

    /// Opens a session for the user until `expires_at`; `hash` is the cookie's.
    async fn create_session(
        &self,
        user_id: i64,
        hash: &TokenHash,
        csrf_token: &str,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Session>;
    /// The active user of a session that has not expired at `now`.
    async fn session(
        &self,
        hash: &TokenHash,
        now: DateTime<Utc>,
    ) -> Result<Option<(User, Session)>>;
    /// Ends a session (signing out); nothing happens if there is none.
    async fn delete_session(&self, hash: &TokenHash) -> Result<()>;

    /// Writes job seekers; a record whose agency or advisor is unknown is rejected, the others
    /// are written.
    async fn upsert_job_seekers(
        &self,
        records: &[JobSeekerRecord],
        now: DateTime<Utc>,
    ) -> Result<BulkReport>;
    async fn job_seeker(&self, external_id: &ExternalId) -> Result<Option<JobSeeker>>;
    async fn job_seeker_by_id(&self, id: i64) -> Result<Option<JobSeeker>>;
    /// The job seekers of a France Travail agency's portfolio with an id above `after`, by
    /// id, at most `limit`.
    async fn job_seekers_of_agency(
        &self,
        agency_structure_id: i64,
        after: i64,
        limit: u32,
    ) -> Result<Vec<JobSeeker>>;
    /// Hands every job seeker, by id, to `sink`, holding one at a time: what the engine reads
    /// at start. Returns how many there were. An error from `sink` stops the stream.
    async fn stream_job_seekers(
        &self,
        sink: &mut (dyn FnMut(JobSeeker) -> Result<()> + Send),
    ) -> Result<u64>;

    /// Hands every job seeker's [`SourcingProfile`] (what the engine needs, no identity) to
    /// `sink`, by id, holding one at a time. Returns how many there were.
    async fn stream_sourcing_profiles(
        &self,
        sink: &mut (dyn FnMut(SourcingProfile) -> Result<()> + Send),
    ) -> Result<u64>;

    /// The ids of the job seekers written (created or changed) at or after `since`, by id.
    async fn job_seekers_changed_since(&self, since: DateTime<Utc>) -> Result<Vec<i64>>;

    /// Every job seeker, by id, in memory.
    async fn load_job_seekers(&self) -> Result<Vec<JobSeeker>> {
        let mut seekers = Vec::new();
        self.stream_job_seekers(&mut |seeker| {
            seekers.push(seeker);
            Ok(())
        })
        .await?;
        Ok(seekers)
    }

    /// Writes offers; a record whose owner structure is unknown is rejected.
    async fn upsert_offers(
        &self,
        records: &[OfferRecord],
        now: DateTime<Utc>,
    ) -> Result<BulkReport>;
    async fn offer(&self, owner: &Siret, external_id: &ExternalId) -> Result<Option<Offer>>;
    async fn offer_by_id(&self, id: i64) -> Result<Option<Offer>>;
    /// The offers a structure owns, by id.
    async fn offers_of_structure(&self, structure_id: i64) -> Result<Vec<Offer>>;
    async fn load_offers(&self) -> Result<Vec<Offer>>;
    /// The offers written (created, changed, opened or closed) at or after `since`, by id.
    async fn offers_changed_since(&self, since: DateTime<Utc>) -> Result<Vec<Offer>>;
    /// The open offers, by id: what the engine ranks.
    async fn load_open_offers(&self) -> Result<Vec<Offer>>;
    /// Opens or closes an offer; `closed_at` follows.
    async fn set_offer_status(
        &self,
        offer_id: i64,
        status: OfferStatus,
        now: DateTime<Utc>,
    ) -> Result<Offer>;

    /// Records a proposal (state `proposed`) and its first log line, and appends `audit` (its
    /// `subject_id` set to the new referral's id) to the audit trail, in one transaction.
    async fn create_referral(
        &self,
        job_seeker_id: i64,
        offer_id: i64,
        proposed_by: Option<i64>,
        audit: Option<&NewAuditEvent>,
        now: DateTime<Utc>,
    ) -> Result<Referral>;
    /// Moves a referral from `request.from` to `request.to`, logs it and appends `audit` to the
    /// audit trail, in one transaction; a [`StoreError::Conflict`] if its state is no longer
    /// `request.from`. Which moves are allowed is the workflow's business, not the store's.
    async fn transition_referral(
        &self,
        request: &TransitionRequest,
        audit: Option<&NewAuditEvent>,
        now: DateTime<Utc>,
    ) -> Result<Referral>;
    async fn referral(&self, referral_id: i64) -> Result<Option<Referral>>;
    /// Referrals in `scope` with an id above `after`, by id, at most `limit`.
    async fn referrals(
        &self,
        scope: ReferralScope,
        after: i64,
        limit: u32,
    ) -> Result<Vec<Referral>>;
    /// Referrals still open (proposed, accepted, interview) last changed at or before `before`: the
    /// candidates for expiry.
    async fn referrals_idle_since(&self, before: DateTime<Utc>) -> Result<Vec<Referral>>;
    /// Offers (of one owner, or all) counted by department, month of publication, month of
    /// last change and status.
    async fn offer_tallies(&self, structure: Option<i64>) -> Result<Vec<Tally>>;
    /// Referrals in `scope` counted by the offer's department, month of proposal, month of
    /// last move and state.
    async fn referral_tallies(&self, scope: ReferralScope) -> Result<Vec<Tally>>;
    /// Adds shortlist counts to the stored ones (what an instance served since its last flush).
    async fn add_shortlist_tallies(&self, tallies: &[ShortlistTally]) -> Result<()>;
    /// Shortlist counts, of one offer owner or of all, by department and month.
    async fn shortlist_tallies(&self, structure: Option<i64>) -> Result<Vec<ShortlistTally>>;
    /// Creates or replaces services (by structure and reference); a service whose structure is
    /// unknown, or whose name is out of bounds, is rejected alone.
    async fn upsert_services(
        &self,
        records: &[ServiceRecord],
        now: DateTime<Utc>,
    ) -> Result<BulkReport>;
    /// Every service of the directory, by id.
    async fn services(&self) -> Result<Vec<Service>>;
    /// Sets what data·inclusion says of a structure beyond its record.
    async fn set_structure_profile(
        &self,
        structure_id: i64,
        profile: &StructureProfile,
        now: DateTime<Utc>,
    ) -> Result<()>;
    async fn structure_profiles(&self) -> Result<Vec<(i64, StructureProfile)>>;
    /// Creates a joint meeting and its invitations, in one transaction.
    async fn create_meeting(
        &self,
        meeting: &NewMeeting,
        invited: &[i64],
        now: DateTime<Utc>,
    ) -> Result<Meeting>;
    /// Meetings starting at or after `from`, soonest first.
    async fn meetings_from(&self, from: DateTime<Utc>) -> Result<Vec<Meeting>>;
    async fn meeting(&self, id: i64) -> Result<Option<Meeting>>;
    /// Registers a user for a meeting on behalf of their structure; twice is a conflict.
    async fn register_for_meeting(
        &self,
        meeting_id: i64,
        user_id: i64,
        structure_id: i64,
        now: DateTime<Utc>,
    ) -> Result<()>;
    async fn registrations(&self, meeting_id: i64) -> Result<Vec<Registration>>;
    /// Records whether a registered user attended.
    async fn set_attendance(&self, meeting_id: i64, user_id: i64, attended: bool) -> Result<()>;
    /// The transitions of a referral, oldest first.
    async fn referral_log(&self, referral_id: i64) -> Result<Vec<ReferralTransition>>;

    /// The distinct people proposed (by month of proposal) and hired (by month of the hire)
    /// in the whole territory, by the offer's department, and those holding each status.
    async fn referral_holder_tallies(&self) -> Result<Vec<HolderTally>>;
    /// Adds a priority policy to the history (nothing updates or deletes one).
    async fn add_priority_policy(
        &self,
        policy: &model::policy::PolicyRecord,
        now: DateTime<Utc>,
    ) -> Result<model::policy::PriorityPolicy>;
    /// Every priority policy ever set, oldest first.
    async fn priority_policies(&self) -> Result<Vec<model::policy::PriorityPolicy>>;
    /// Records a person's consent and disclosures as given to Passerelle, and keeps the change
    /// in their history, in one transaction; from then on imports keep what was recorded. A
    /// disclosed status the person does not hold is refused (`Invalid`), nothing written.
    /// `None` when there is no such person.
    async fn record_consent(
        &self,
        job_seeker_id: i64,
        change: &ConsentChange,
        recorded_by: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<Option<JobSeeker>>;
    /// A person's consent history, oldest first.
    async fn consent_events(&self, job_seeker_id: i64) -> Result<Vec<ConsentEvent>>;

    /// Appends events to the audit trail, which nothing can update or delete, in one
    /// transaction, each chained to the one before it ([`model::audit`]); appends are
    /// serialised, across instances too.
    async fn append_audit_all(
        &self,
        events: &[NewAuditEvent],
        now: DateTime<Utc>,
    ) -> Result<Vec<AuditEvent>>;

    /// Appends one event to the audit trail.
    async fn append_audit(&self, event: &NewAuditEvent, now: DateTime<Utc>) -> Result<AuditEvent> {
        self.append_audit_all(std::slice::from_ref(event), now)
            .await?
            .pop()
            .ok_or_else(|| StoreError::Corrupt("the audit append returned nothing".to_string()))
    }
    /// Audit events with an id above `after`, oldest first.
    async fn audit_events(&self, after: i64, limit: u32) -> Result<Vec<AuditEvent>>;
    /// The audit events matching `query` with an id above `after`, oldest first, at most
    /// `limit` (a job seeker's access history: `subject_kind` and `subject_id`).
    async fn query_audit(
        &self,
        query: &AuditQuery,
        after: i64,
        limit: u32,
    ) -> Result<Vec<AuditEvent>>;
}

/// Opens the database the URL names (creating an SQLite file and its folder if needed) with
/// a connection pool. Does not migrate.
pub async fn connect(url: &DatabaseUrl) -> Result<Arc<dyn Store>> {
    match url.backend() {
        Backend::Sqlite => Ok(Arc::new(sqlite::SqliteStore::connect(url).await?)),
        Backend::Postgres => Ok(Arc::new(postgres::PostgresStore::connect(url).await?)),
    }
}
