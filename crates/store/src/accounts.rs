//! Accounts and sessions: users, their seats (memberships) in structures, API tokens and
//! browser sessions.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::Email;

use crate::backend::both_backends;
use crate::common::*;
use crate::{Result, StoreError};
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

/// A row of `api_tokens`.
#[derive(sqlx::FromRow)]
struct TokenRow {
    id: i64,
    user_id: i64,
    name: String,
    created_at: DateTime<Utc>,
    expires_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
}

impl From<TokenRow> for ApiToken {
    fn from(row: TokenRow) -> Self {
        ApiToken {
            id: row.id,
            user_id: row.user_id,
            name: row.name,
            created_at: row.created_at,
            expires_at: row.expires_at,
            revoked_at: row.revoked_at,
        }
    }
}

/// A token as a request finds it, with its last use.
#[derive(sqlx::FromRow)]
struct UsedTokenRow {
    #[sqlx(flatten)]
    token: TokenRow,
    last_used_at: Option<DateTime<Utc>>,
}

/// A row of `users`, as [`USER_SELECT`] reads it.
#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    email: String,
    display_name: String,
    password_hash: Option<String>,
    status: String,
    created_at: DateTime<Utc>,
}

impl TryFrom<UserRow> for User {
    type Error = StoreError;

    fn try_from(row: UserRow) -> Result<Self> {
        Ok(User {
            id: row.id,
            email: parse(&row.email, "email", Email::parse)?,
            display_name: row.display_name,
            password_hash: row.password_hash,
            status: text_enum(&row.status, "status", UserStatus::parse)?,
            created_at: row.created_at,
        })
    }
}

/// How precisely an API token's last use is kept.
const TOKEN_USE_RESOLUTION: chrono::Duration = chrono::Duration::minutes(1);

const SESSION_COLUMNS: &str = "s.id AS session_id, s.user_id, s.csrf_token, \
    s.created_at AS session_created_at, s.expires_at";

/// A session as [`SESSION_COLUMNS`] reads it, next to its user's columns.
#[derive(sqlx::FromRow)]
struct SessionRow {
    #[sqlx(rename = "session_id")]
    id: i64,
    user_id: i64,
    csrf_token: String,
    #[sqlx(rename = "session_created_at")]
    created_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
}

/// A session and its user, read in one join.
#[derive(sqlx::FromRow)]
struct UserSessionRow {
    #[sqlx(flatten)]
    user: UserRow,
    #[sqlx(flatten)]
    session: SessionRow,
}

impl From<SessionRow> for Session {
    fn from(row: SessionRow) -> Self {
        Session {
            id: row.id,
            user_id: row.user_id,
            csrf_token: row.csrf_token,
            created_at: row.created_at,
            expires_at: row.expires_at,
        }
    }
}

pub(crate) const MEMBERSHIP_SELECT: &str =
    "SELECT user_id, structure_id, role, created_at FROM memberships";

/// A row of `memberships`.
#[derive(sqlx::FromRow)]
pub(crate) struct MembershipRow {
    user_id: i64,
    structure_id: i64,
    role: String,
    created_at: DateTime<Utc>,
}

impl TryFrom<MembershipRow> for Membership {
    type Error = StoreError;

    fn try_from(row: MembershipRow) -> Result<Self> {
        Ok(Membership {
            user_id: row.user_id,
            structure_id: row.structure_id,
            role: text_enum(&row.role, "role", Role::parse)?,
            created_at: row.created_at,
        })
    }
}

both_backends! {
    #[async_trait]
    impl Accounts for This {
        async fn create_user(&self, user: &NewUser, now: DateTime<Utc>) -> Result<User> {
            let row: UserRow = sqlx::query_as(
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
            User::try_from(row)
        }

        async fn user_by_email(&self, email: &Email) -> Result<Option<User>> {
            let row: Option<UserRow> =
                sqlx::query_as(&format!("{USER_SELECT} WHERE lower(email) = lower($1)"))
                    .bind(email.as_str())
                    .fetch_optional(&self.pool)
                    .await?;
            row.map(User::try_from).transpose()
        }

        async fn user(&self, id: i64) -> Result<Option<User>> {
            let row: Option<UserRow> = sqlx::query_as(&format!("{USER_SELECT} WHERE id = $1"))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
            row.map(User::try_from).transpose()
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
            let row: Option<UsedTokenRow> = sqlx::query_as(
                "SELECT id, user_id, name, created_at, expires_at, revoked_at, last_used_at \
                 FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL \
                 AND (expires_at IS NULL OR expires_at > $2)",
            )
            .bind(hash.as_str())
            .bind(now)
            .fetch_optional(&self.pool)
            .await?;
            let Some(UsedTokenRow { token, last_used_at }) = row else {
                return Ok(None);
            };
            let token = ApiToken::from(token);
            // A read per request; the last use is written at most once a minute, so that machine
            // clients calling often do not turn every request into a write.
            if last_used_at.is_none_or(|t| now - t >= TOKEN_USE_RESOLUTION) {
                sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(token.id)
                    .execute(&self.pool)
                    .await?;
            }
            let user: Option<UserRow> = sqlx::query_as(&format!(
                "{USER_SELECT} WHERE id = $1 AND status = 'active'"
            ))
            .bind(token.user_id)
            .fetch_optional(&self.pool)
            .await?;
            user.map(|user| Ok((User::try_from(user)?, token))).transpose()
        }

        async fn api_tokens(&self, user_id: i64) -> Result<Vec<ApiToken>> {
            let rows: Vec<TokenRow> = sqlx::query_as(
                "SELECT id, user_id, name, created_at, expires_at, revoked_at FROM api_tokens \
                 WHERE user_id = $1 ORDER BY id",
            )
            .bind(user_id)
            .fetch_all(&self.pool)
            .await?;
            Ok(rows.into_iter().map(ApiToken::from).collect())
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
            // The last sign-in its managers see (migration 0025).
            sqlx::query("UPDATE users SET last_sign_in_at = $1 WHERE id = $2")
                .bind(now)
                .bind(user_id)
                .execute(&self.pool)
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
            let row: Option<UserSessionRow> = sqlx::query_as(&format!(
                "SELECT u.id, u.email, u.display_name, u.password_hash, u.status, u.created_at, \
                 {SESSION_COLUMNS} FROM sessions s JOIN users u ON u.id = s.user_id \
                 WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.status = 'active'"
            ))
            .bind(hash.as_str())
            .bind(now)
            .fetch_optional(&self.pool)
            .await?;
            row.map(|row| Ok((User::try_from(row.user)?, Session::from(row.session))))
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
            let rows: Vec<UserRow> = sqlx::query_as(&format!("{USER_SELECT} ORDER BY id"))
                .fetch_all(&self.pool)
                .await?;
            let mut users: Vec<(User, Vec<Membership>)> = Vec::with_capacity(rows.len());
            for row in rows {
                users.push((User::try_from(row)?, Vec::new()));
            }
            // Every membership in one query, matched to its user by id (both sorted by user).
            let rows: Vec<MembershipRow> =
                sqlx::query_as(&format!("{MEMBERSHIP_SELECT} ORDER BY user_id, structure_id"))
                    .fetch_all(&self.pool)
                    .await?;
            let mut at = 0;
            for row in rows {
                let membership = Membership::try_from(row)?;
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
            let rows: Vec<MembershipRow> = sqlx::query_as(&format!(
                "{MEMBERSHIP_SELECT} WHERE user_id = $1 ORDER BY structure_id"
            ))
            .bind(user_id)
            .fetch_all(&self.pool)
            .await?;
            rows.into_iter().map(Membership::try_from).collect()
        }
    }
}
