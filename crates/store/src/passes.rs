//! The person's own space: one-time passes (a link sent by e-mail, a code from the advisor)
//! and the sessions they open. A pass is used at most once, even when two requests present it
//! at the same moment: the update that uses it is conditional, and only one can succeed.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use model::TokenHash;
use model::people::{PassCheck, PassKind, PersonSession};

use crate::Result;
use crate::backend::both_backends;
use crate::common::*;

/// Passes and sessions of the person's own space.
#[async_trait]
pub trait People: Send + Sync {
    /// The job seekers whose e-mail is this one (case ignored), at most `limit`, by id.
    async fn job_seekers_by_email(&self, email: &str, limit: u32) -> Result<Vec<i64>>;

    /// Stores a pass for the job seeker, valid until `expires_at`; a code replaces the codes
    /// of theirs not yet used (they expire now).
    async fn issue_pass(
        &self,
        job_seeker_id: i64,
        kind: PassKind,
        hash: &TokenHash,
        issued_by: Option<i64>,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<i64>;

    /// Presents a pass: a valid one is used by this call (never again).
    async fn use_pass(&self, hash: &TokenHash, now: DateTime<Utc>) -> Result<PassCheck>;

    /// Opens a session in the person's space until `expires_at`; `hash` is the cookie's.
    async fn create_person_session(
        &self,
        job_seeker_id: i64,
        hash: &TokenHash,
        csrf_token: &str,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<PersonSession>;

    /// The session of this cookie, if it has not expired at `now`.
    async fn person_session(
        &self,
        hash: &TokenHash,
        now: DateTime<Utc>,
    ) -> Result<Option<PersonSession>>;

    /// Ends a session (signing out); nothing happens if there is none.
    async fn delete_person_session(&self, hash: &TokenHash) -> Result<()>;
}

#[derive(sqlx::FromRow)]
struct PassRow {
    id: i64,
    job_seeker_id: i64,
    kind: String,
    expires_at: DateTime<Utc>,
    used_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    id: i64,
    job_seeker_id: i64,
    csrf_token: String,
    created_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
}

impl From<SessionRow> for PersonSession {
    fn from(row: SessionRow) -> Self {
        PersonSession {
            id: row.id,
            job_seeker_id: row.job_seeker_id,
            csrf_token: row.csrf_token,
            created_at: row.created_at,
            expires_at: row.expires_at,
        }
    }
}

both_backends! {
    #[async_trait]
    impl People for This {
        async fn job_seekers_by_email(&self, email: &str, limit: u32) -> Result<Vec<i64>> {
            let ids: Vec<i64> = sqlx::query_scalar(
                "SELECT id FROM job_seekers WHERE lower(email) = lower($1) ORDER BY id LIMIT $2",
            )
            .bind(email.trim())
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
            Ok(ids)
        }

        async fn issue_pass(
            &self,
            job_seeker_id: i64,
            kind: PassKind,
            hash: &TokenHash,
            issued_by: Option<i64>,
            expires_at: DateTime<Utc>,
            now: DateTime<Utc>,
        ) -> Result<i64> {
            let mut tx = self.begin_write().await?;
            // A new code replaces the person's codes not yet used: only the last one given
            // opens their space (an old one, found on a note, has expired).
            if kind == PassKind::Code {
                sqlx::query(
                    "UPDATE person_passes SET expires_at = $1 WHERE job_seeker_id = $2 \
                     AND kind = 'code' AND used_at IS NULL AND expires_at > $1",
                )
                .bind(now)
                .bind(job_seeker_id)
                .execute(&mut *tx)
                .await?;
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO person_passes (token_hash, job_seeker_id, kind, issued_by_user_id, \
                 created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(hash.as_str())
            .bind(job_seeker_id)
            .bind(kind.as_str())
            .bind(issued_by)
            .bind(now)
            .bind(expires_at)
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(id)
        }

        async fn use_pass(&self, hash: &TokenHash, now: DateTime<Utc>) -> Result<PassCheck> {
            let row: Option<PassRow> = sqlx::query_as(
                "SELECT id, job_seeker_id, kind, expires_at, used_at FROM person_passes \
                 WHERE token_hash = $1",
            )
            .bind(hash.as_str())
            .fetch_optional(&self.pool)
            .await?;
            let Some(row) = row else {
                return Ok(PassCheck::Unknown);
            };
            if row.used_at.is_some() {
                return Ok(PassCheck::Used { job_seeker_id: row.job_seeker_id });
            }
            if row.expires_at <= now {
                return Ok(PassCheck::Expired { job_seeker_id: row.job_seeker_id });
            }
            let kind = text_enum(&row.kind, "kind", PassKind::parse)?;
            // Only one presentation can move `used_at` from NULL: a second one, even at the
            // same moment, finds it used.
            let used = sqlx::query(
                "UPDATE person_passes SET used_at = $1 WHERE id = $2 AND used_at IS NULL",
            )
            .bind(now)
            .bind(row.id)
            .execute(&self.pool)
            .await?
            .rows_affected();
            Ok(if used == 1 {
                PassCheck::Valid { job_seeker_id: row.job_seeker_id, kind }
            } else {
                PassCheck::Used { job_seeker_id: row.job_seeker_id }
            })
        }

        async fn create_person_session(
            &self,
            job_seeker_id: i64,
            hash: &TokenHash,
            csrf_token: &str,
            expires_at: DateTime<Utc>,
            now: DateTime<Utc>,
        ) -> Result<PersonSession> {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO person_sessions (token_hash, job_seeker_id, csrf_token, created_at, \
                 expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(hash.as_str())
            .bind(job_seeker_id)
            .bind(csrf_token)
            .bind(now)
            .bind(expires_at)
            .fetch_one(&self.pool)
            .await?;
            Ok(PersonSession {
                id,
                job_seeker_id,
                csrf_token: csrf_token.to_string(),
                created_at: now,
                expires_at,
            })
        }

        async fn person_session(
            &self,
            hash: &TokenHash,
            now: DateTime<Utc>,
        ) -> Result<Option<PersonSession>> {
            let row: Option<SessionRow> = sqlx::query_as(
                "SELECT id, job_seeker_id, csrf_token, created_at, expires_at \
                 FROM person_sessions WHERE token_hash = $1 AND expires_at > $2",
            )
            .bind(hash.as_str())
            .bind(now)
            .fetch_optional(&self.pool)
            .await?;
            Ok(row.map(PersonSession::from))
        }

        async fn delete_person_session(&self, hash: &TokenHash) -> Result<()> {
            sqlx::query("DELETE FROM person_sessions WHERE token_hash = $1")
                .bind(hash.as_str())
                .execute(&self.pool)
                .await?;
            Ok(())
        }
    }
}
