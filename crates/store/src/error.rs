//! Why a store operation failed, with the same words on both backends: a constraint the
//! database enforces becomes a typed error naming the field, and the driver's own text stays
//! in the error's source, for the log, never in its message.

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the database {url}: {source}")]
    Connect { url: String, source: sqlx::Error },
    #[error("cannot migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("not found: {0}")]
    NotFound(String),
    /// A record with the same key is already stored: `field` is the key's field as the API
    /// and the files name it (empty for a key this file does not know).
    #[error("{}", field_reason(field, reason))]
    Duplicate {
        field: &'static str,
        reason: &'static str,
        #[source]
        source: sqlx::Error,
    },
    /// The write contradicts what is stored (a state changed meanwhile).
    #[error("conflict: {0}")]
    Conflict(String),
    /// A value Passerelle refuses before writing, as `field: reason`.
    #[error("refused by the database: {0}")]
    Invalid(String),
    /// The database refused a value by one of its rules (a CHECK, a foreign key); `field` is
    /// empty when the backend does not say which.
    #[error("{}", field_reason(field, reason))]
    Refused {
        field: &'static str,
        reason: &'static str,
        #[source]
        source: sqlx::Error,
    },
    /// A stored value does not parse any more (edited by hand, or a referential changed).
    #[error("stored data does not read back: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(sqlx::Error),
}

fn field_reason(field: &str, reason: &str) -> String {
    if field.is_empty() {
        reason.to_string()
    } else {
        format!("{field}: {reason}")
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The unique keys a write can collide with: the constraint's name on PostgreSQL, what SQLite
/// says of it, and the field and reason both backends answer.
const UNIQUE_KEYS: [(&str, &str, &str, &str); 15] = [
    (
        "users_email",
        "index 'users_email'",
        "email",
        "an account already has this e-mail address",
    ),
    (
        "referrals_job_seeker_id_offer_id_key",
        "referrals.job_seeker_id, referrals.offer_id",
        "job_seeker_id",
        "this person was already proposed for this offer",
    ),
    (
        "meeting_registrations_pkey",
        "meeting_registrations.meeting_id, meeting_registrations.user_id",
        "user_id",
        "already registered for this meeting",
    ),
    (
        "structures_siret_key",
        "structures.siret",
        "siret",
        "a structure already has this SIRET",
    ),
    (
        "job_seekers_external_id_key",
        "job_seekers.external_id",
        "external_id",
        "a job seeker already has this identifier",
    ),
    (
        "offers_structure_id_external_id_key",
        "offers.structure_id, offers.external_id",
        "external_id",
        "this structure already has an offer with this reference",
    ),
    (
        "services_structure_id_external_id_key",
        "services.structure_id, services.external_id",
        "external_id",
        "this structure already has a service with this identifier",
    ),
    (
        "api_tokens_token_hash_key",
        "api_tokens.token_hash",
        "token",
        "this token is already in use",
    ),
    (
        "sessions_token_hash_key",
        "sessions.token_hash",
        "session",
        "this session is already open",
    ),
    (
        "action_outcomes_once",
        "action_outcomes.action_id, action_outcomes.job_seeker_id, action_outcomes.kind",
        "kind",
        "this outcome is already recorded for this person and action",
    ),
    (
        "duos_open_once",
        "duos.job_seeker_id",
        "job_seeker_id",
        "this person is already in a duo that is proposed or under way",
    ),
    (
        "training_plans_open_once",
        "training_plans.offer_id, training_plans.job_seeker_id",
        "job_seeker_id",
        "this person already has a training plan under way for this offer",
    ),
    (
        "duo_outcomes_once",
        "duo_outcomes.duo_id, duo_outcomes.milestone",
        "milestone",
        "this duo's outcome is already recorded at this milestone",
    ),
    (
        "mentors_email_once",
        "index 'mentors_email_once'",
        "email",
        "this agency already has a mentor with this e-mail address",
    ),
    (
        "duo_draws_once",
        "duo_draws.job_seeker_id",
        "job_seeker_id",
        "this person already entered the lottery",
    ),
];

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        let sqlx::Error::Database(db) = &err else {
            return Self::Database(err);
        };
        if db.is_unique_violation() {
            let (constraint, message) = (db.constraint().unwrap_or(""), db.message());
            let key = UNIQUE_KEYS.iter().find(|(pg, sqlite, _, _)| {
                constraint == *pg || message.ends_with(&format!("failed: {sqlite}"))
            });
            let (field, reason) = key.map_or(("", "already stored"), |k| (k.2, k.3));
            return Self::Duplicate {
                field,
                reason,
                source: err,
            };
        }
        if db.is_foreign_key_violation() {
            // SQLite does not say which key failed: neither backend names it.
            return Self::Refused {
                field: "",
                reason: "refers to a record that does not exist",
                source: err,
            };
        }
        if db.is_check_violation() {
            return Self::Refused {
                field: "",
                reason: "a value is outside what the database accepts",
                source: err,
            };
        }
        Self::Database(err)
    }
}

impl StoreError {
    /// Whether the write collided with a record already stored under the same key.
    pub fn is_duplicate(&self) -> bool {
        matches!(self, Self::Duplicate { .. })
    }
}
