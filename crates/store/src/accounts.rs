//! Accounts and sessions: users, their seats (memberships) in structures, API tokens and
//! browser sessions.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::Email;
use sqlx::Row as _;

use crate::Result;
use crate::backend::both_backends;
use crate::common::*;
use model::*;

/// Accounts and sessions.
#[async_trait]
pub trait Accounts: Send + Sync {
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
}

const USER_SELECT: &str =
    "SELECT id, email, display_name, password_hash, status, created_at FROM users";

/// An API token from a row of `api_tokens` (either backend).
macro_rules! token_from_row {
    ($row:expr) => {{
        use sqlx::Row as _;
        let row = $row;
        ::std::result::Result::<_, $crate::StoreError>::Ok($crate::ApiToken {
            id: row.try_get("id")?,
            user_id: row.try_get("user_id")?,
            name: row.try_get("name")?,
            created_at: row.try_get("created_at")?,
            expires_at: row.try_get("expires_at")?,
            revoked_at: row.try_get("revoked_at")?,
        })
    }};
}

macro_rules! user_from_row {
    ($row:expr) => {{
        use sqlx::Row as _;
        use $crate::common::*;
        let row = $row;
        ::std::result::Result::<_, $crate::StoreError>::Ok($crate::User {
            id: row.try_get("id")?,
            email: parse(
                &row.try_get::<String, _>("email")?,
                "email",
                domain::Email::parse,
            )?,
            display_name: row.try_get("display_name")?,
            password_hash: row.try_get("password_hash")?,
            status: text_enum(
                &row.try_get::<String, _>("status")?,
                "status",
                $crate::UserStatus::parse,
            )?,
            created_at: row.try_get("created_at")?,
        })
    }};
}

/// How precisely an API token's last use is kept.
const TOKEN_USE_RESOLUTION: chrono::Duration = chrono::Duration::minutes(1);

const SESSION_COLUMNS: &str = "s.id AS session_id, s.user_id, s.csrf_token, \
    s.created_at AS session_created_at, s.expires_at";

macro_rules! session_from_row {
    ($row:expr) => {{
        use sqlx::Row as _;
        let row = $row;
        ::std::result::Result::<_, $crate::StoreError>::Ok($crate::Session {
            id: row.try_get("session_id")?,
            user_id: row.try_get("user_id")?,
            csrf_token: row.try_get("csrf_token")?,
            created_at: row.try_get("session_created_at")?,
            expires_at: row.try_get("expires_at")?,
        })
    }};
}

const MEMBERSHIP_SELECT: &str = "SELECT user_id, structure_id, role, created_at FROM memberships";

both_backends! {
    fn membership_from_row(row: &Row) -> Result<Membership> {
        Ok(Membership {
            user_id: row.try_get("user_id")?,
            structure_id: row.try_get("structure_id")?,
            role: text_enum(&row.try_get::<String, _>("role")?, "role", Role::parse)?,
            created_at: row.try_get("created_at")?,
        })
    }

    #[async_trait]
    impl Accounts for This {
        async fn create_user(&self, user: &NewUser, now: DateTime<Utc>) -> Result<User> {
            let row = sqlx::query(
                "INSERT INTO users (email, display_name, password_hash, status, created_at) \
                 VALUES ($1, $2, $3, 'active', $4) \
                 RETURNING id, email, display_name, password_hash, status, created_at",
            )
            .bind(user.email.as_str())
            .bind(&user.display_name)
            .bind(&user.password_hash)
            .bind(now)
            .fetch_one(&self.pool)
            .await?;
            user_from_row!(&row)
        }

        async fn user_by_email(&self, email: &Email) -> Result<Option<User>> {
            let row = sqlx::query(&format!("{USER_SELECT} WHERE lower(email) = lower($1)"))
                .bind(email.as_str())
                .fetch_optional(&self.pool)
                .await?;
            row.as_ref().map(|row| user_from_row!(row)).transpose()
        }

        async fn user(&self, id: i64) -> Result<Option<User>> {
            let row = sqlx::query(&format!("{USER_SELECT} WHERE id = $1"))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
            row.as_ref().map(|row| user_from_row!(row)).transpose()
        }

        async fn set_membership(
            &self,
            user_id: i64,
            structure_id: i64,
            role: Role,
            now: DateTime<Utc>,
        ) -> Result<()> {
            sqlx::query(
                "INSERT INTO memberships (user_id, structure_id, role, created_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (user_id, structure_id) DO UPDATE SET role = excluded.role",
            )
            .bind(user_id)
            .bind(structure_id)
            .bind(role.as_str())
            .bind(now)
            .execute(&self.pool)
            .await?;
            Ok(())
        }

        async fn create_api_token(
            &self,
            user_id: i64,
            name: &str,
            hash: &TokenHash,
            expires_at: Option<DateTime<Utc>>,
            now: DateTime<Utc>,
        ) -> Result<ApiToken> {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(user_id)
            .bind(name)
            .bind(hash.as_str())
            .bind(now)
            .bind(expires_at)
            .fetch_one(&self.pool)
            .await?;
            Ok(ApiToken {
                id,
                user_id,
                name: name.to_string(),
                created_at: now,
                expires_at,
                revoked_at: None,
            })
        }

        async fn user_by_token(
            &self,
            hash: &TokenHash,
            now: DateTime<Utc>,
        ) -> Result<Option<(User, ApiToken)>> {
            let row = sqlx::query(
                "SELECT id, user_id, name, created_at, expires_at, revoked_at, last_used_at \
                 FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL \
                 AND (expires_at IS NULL OR expires_at > $2)",
            )
            .bind(hash.as_str())
            .bind(now)
            .fetch_optional(&self.pool)
            .await?;
            let Some(row) = row else { return Ok(None) };
            let token = token_from_row!(&row)?;
            // A read per request; the last use is written at most once a minute, so that machine
            // clients calling often do not turn every request into a write.
            let last_used: Option<DateTime<Utc>> = row.try_get("last_used_at")?;
            if last_used.is_none_or(|t| now - t >= TOKEN_USE_RESOLUTION) {
                sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(token.id)
                    .execute(&self.pool)
                    .await?;
            }
            let user = sqlx::query(&format!(
                "{USER_SELECT} WHERE id = $1 AND status = 'active'"
            ))
            .bind(token.user_id)
            .fetch_optional(&self.pool)
            .await?;
            match user {
                Some(row) => Ok(Some((user_from_row!(&row)?, token))),
                None => Ok(None),
            }
        }

        async fn api_tokens(&self, user_id: i64) -> Result<Vec<ApiToken>> {
            let rows = sqlx::query(
                "SELECT id, user_id, name, created_at, expires_at, revoked_at FROM api_tokens \
                 WHERE user_id = $1 ORDER BY id",
            )
            .bind(user_id)
            .fetch_all(&self.pool)
            .await?;
            rows.iter().map(|row| token_from_row!(row)).collect()
        }

        async fn revoke_api_token(
            &self,
            token_id: i64,
            owner: Option<i64>,
            now: DateTime<Utc>,
        ) -> Result<bool> {
            let done = sqlx::query(
                "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL \
                 AND (CAST($3 AS BIGINT) IS NULL OR user_id = $3)",
            )
            .bind(now)
            .bind(token_id)
            .bind(owner)
            .execute(&self.pool)
            .await?;
            Ok(done.rows_affected() == 1)
        }

        async fn create_session(
            &self,
            user_id: i64,
            hash: &TokenHash,
            csrf_token: &str,
            expires_at: DateTime<Utc>,
            now: DateTime<Utc>,
        ) -> Result<Session> {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(hash.as_str())
            .bind(user_id)
            .bind(csrf_token)
            .bind(now)
            .bind(expires_at)
            .fetch_one(&self.pool)
            .await?;
            Ok(Session {
                id,
                user_id,
                csrf_token: csrf_token.to_string(),
                created_at: now,
                expires_at,
            })
        }

        async fn session(
            &self,
            hash: &TokenHash,
            now: DateTime<Utc>,
        ) -> Result<Option<(User, Session)>> {
            let row = sqlx::query(&format!(
                "SELECT u.id, u.email, u.display_name, u.password_hash, u.status, u.created_at, \
                 {SESSION_COLUMNS} FROM sessions s JOIN users u ON u.id = s.user_id \
                 WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.status = 'active'"
            ))
            .bind(hash.as_str())
            .bind(now)
            .fetch_optional(&self.pool)
            .await?;
            row.as_ref()
                .map(|row| Ok((user_from_row!(row)?, session_from_row!(row)?)))
                .transpose()
        }

        async fn delete_session(&self, hash: &TokenHash) -> Result<()> {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                .bind(hash.as_str())
                .execute(&self.pool)
                .await?;
            Ok(())
        }


        async fn users(&self) -> Result<Vec<(User, Vec<Membership>)>> {
            let rows = sqlx::query(&format!("{USER_SELECT} ORDER BY id"))
                .fetch_all(&self.pool)
                .await?;
            let mut users: Vec<(User, Vec<Membership>)> = Vec::with_capacity(rows.len());
            for row in &rows {
                users.push((user_from_row!(row)?, Vec::new()));
            }
            // Every membership in one query, matched to its user by id (both sorted by user).
            let rows = sqlx::query(&format!("{MEMBERSHIP_SELECT} ORDER BY user_id, structure_id"))
                .fetch_all(&self.pool)
                .await?;
            let mut at = 0;
            for row in &rows {
                let membership = membership_from_row(row)?;
                while users.get(at).is_some_and(|(user, _)| user.id < membership.user_id) {
                    at += 1;
                }
                if let Some((user, memberships)) = users.get_mut(at)
                    && user.id == membership.user_id
                {
                    memberships.push(membership);
                }
            }
            Ok(users)
        }

        async fn memberships(&self, user_id: i64) -> Result<Vec<Membership>> {
            let rows = sqlx::query(&format!(
                "{MEMBERSHIP_SELECT} WHERE user_id = $1 ORDER BY structure_id"
            ))
            .bind(user_id)
            .fetch_all(&self.pool)
            .await?;
            rows.iter().map(membership_from_row).collect()
        }
    }
}
