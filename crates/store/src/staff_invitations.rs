//! A structure's people as the structure manages them: invitations to a seat (stored with the
//! SHA-256 of their token, accepted at most once by a conditional update that only one
//! presentation can win, the account created or the seat added in the same transaction),
//! seats suspended and removed (a holder left with no active seat loses their sessions at
//! once), and each seat's holder with their last sign-in. (Not `invitations.rs`: that is the
//! actions' invitations of job seekers.)

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::Email;
use model::staff::{
    Acceptance, InvitationStatus, NewStaffInvitation, StaffInvitation, StaffMember,
};
use sqlx::FromRow;

use crate::accounts::{MEMBERSHIP_SELECT, MembershipRow};
use crate::backend::both_backends;
use crate::common::*;
use crate::{Result, StoreError};
use model::*;

/// Invitations to a structure's seats, and the seats as their managers see them.
#[async_trait]
pub trait Staff: Send + Sync {
    /// Stores an invitation; one still pending for the same structure and address (case
    /// ignored) is revoked by it, in the same transaction.
    async fn invite_staff(
        &self,
        invitation: &NewStaffInvitation,
        now: DateTime<Utc>,
    ) -> Result<StaffInvitation>;

    async fn staff_invitation(&self, id: i64) -> Result<Option<StaffInvitation>>;

    /// The invitation of this token, whatever its state.
    async fn staff_invitation_by_token(&self, hash: &TokenHash) -> Result<Option<StaffInvitation>>;

    /// How many invitations the structure sent since `since` (to `email` only, case ignored,
    /// when one is given), whatever became of them: what paces the invitations.
    async fn count_staff_invitations(
        &self,
        structure_id: i64,
        email: Option<&Email>,
        since: DateTime<Utc>,
    ) -> Result<u64>;

    /// The structure's invitations neither accepted nor revoked (expired ones included), by id.
    async fn pending_staff_invitations(&self, structure_id: i64) -> Result<Vec<StaffInvitation>>;

    /// Revokes a pending invitation; whether one was (false when accepted or revoked already).
    async fn revoke_staff_invitation(&self, id: i64, now: DateTime<Utc>) -> Result<bool>;

    /// Accepts the invitation of this token if it is pending at `now`, once: gives its seat to
    /// the account of its address, or to an account created with `password_hash` when there
    /// is none (an existing account keeps its password). A seat the account already held in
    /// the structure takes the invitation's role and is no longer suspended.
    async fn accept_staff_invitation(
        &self,
        hash: &TokenHash,
        password_hash: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Acceptance>;

    /// The structure's seats with their holders, by name.
    async fn staff_members(&self, structure_id: i64) -> Result<Vec<StaffMember>>;

    async fn staff_member(&self, structure_id: i64, user_id: i64) -> Result<Option<StaffMember>>;

    /// Suspends (or, with `suspended` false, reactivates) a seat; whether it changed. A holder
    /// left without an active seat has their sessions ended.
    async fn suspend_seat(
        &self,
        structure_id: i64,
        user_id: i64,
        suspended: bool,
        now: DateTime<Utc>,
    ) -> Result<bool>;

    /// Removes a seat (the account and its history stay); whether there was one. A holder
    /// left without an active seat has their sessions ended.
    async fn remove_seat(&self, structure_id: i64, user_id: i64) -> Result<bool>;

    /// The user's seats that are not suspended: what their requests may use.
    async fn active_memberships(&self, user_id: i64) -> Result<Vec<Membership>>;
}

const INVITATION_COLUMNS: &str = "id, structure_id, role, email, display_name, \
    invited_by_user_id, created_at, expires_at, accepted_at, accepted_user_id, revoked_at";

/// A row of `staff_invitations`, as [`INVITATION_COLUMNS`] reads it.
#[derive(sqlx::FromRow)]
struct InvitationRow {
    id: i64,
    structure_id: i64,
    role: String,
    email: String,
    display_name: String,
    invited_by_user_id: Option<i64>,
    created_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    accepted_at: Option<DateTime<Utc>>,
    accepted_user_id: Option<i64>,
    revoked_at: Option<DateTime<Utc>>,
}

impl TryFrom<InvitationRow> for StaffInvitation {
    type Error = StoreError;

    fn try_from(row: InvitationRow) -> Result<Self> {
        Ok(StaffInvitation {
            id: row.id,
            structure_id: row.structure_id,
            role: text_enum(&row.role, "role", Role::parse)?,
            email: parse(&row.email, "email", Email::parse)?,
            display_name: row.display_name,
            invited_by: row.invited_by_user_id,
            created_at: row.created_at,
            expires_at: row.expires_at,
            accepted_at: row.accepted_at,
            accepted_by: row.accepted_user_id,
            revoked_at: row.revoked_at,
        })
    }
}

const MEMBER_SELECT: &str = "SELECT u.id AS user_id, u.email, u.display_name, m.role, \
    u.status, m.suspended_at, m.created_at AS joined_at, u.last_sign_in_at \
    FROM memberships m JOIN users u ON u.id = m.user_id";

/// A seat and its holder, as [`MEMBER_SELECT`] reads them.
#[derive(sqlx::FromRow)]
struct MemberRow {
    user_id: i64,
    email: String,
    display_name: String,
    role: String,
    status: String,
    suspended_at: Option<DateTime<Utc>>,
    joined_at: DateTime<Utc>,
    last_sign_in_at: Option<DateTime<Utc>>,
}

impl TryFrom<MemberRow> for StaffMember {
    type Error = StoreError;

    fn try_from(row: MemberRow) -> Result<Self> {
        Ok(StaffMember {
            user_id: row.user_id,
            email: parse(&row.email, "email", Email::parse)?,
            display_name: row.display_name,
            role: text_enum(&row.role, "role", Role::parse)?,
            user_status: text_enum(&row.status, "status", UserStatus::parse)?,
            suspended_at: row.suspended_at,
            joined_at: row.joined_at,
            last_sign_in_at: row.last_sign_in_at,
        })
    }
}

both_backends! {
    /// Ends the sessions of a user who holds no active seat any more.
    async fn end_sessions_without_seat(
        tx: &mut sqlx::Transaction<'static, Db>,
        user_id: i64,
    ) -> Result<()> {
        sqlx::query(
            "DELETE FROM sessions WHERE user_id = $1 AND NOT EXISTS \
             (SELECT 1 FROM memberships WHERE user_id = $1 AND suspended_at IS NULL)",
        )
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Ends the sessions of a user left without an active seat by a change of `rows` seats,
    /// commits, and says whether one seat changed.
    async fn seat_changed(
        mut tx: sqlx::Transaction<'static, Db>,
        user_id: i64,
        rows: u64,
    ) -> Result<bool> {
        end_sessions_without_seat(&mut tx, user_id).await?;
        tx.commit().await?;
        Ok(rows == 1)
    }

    /// The invitation of this token, read through `executor` (the pool, or the transaction
    /// that accepts it).
    async fn invitation_by_token<'e, E>(
        executor: E,
        hash: &TokenHash,
    ) -> Result<Option<StaffInvitation>>
    where
        E: sqlx::Executor<'e, Database = Db>,
    {
        let row: Option<InvitationRow> = sqlx::query_as(&format!(
            "SELECT {INVITATION_COLUMNS} FROM staff_invitations WHERE token_hash = $1"
        ))
        .bind(hash.as_str())
        .fetch_optional(executor)
        .await?;
        row.map(StaffInvitation::try_from).transpose()
    }

    #[async_trait]
    impl Staff for This {
        async fn invite_staff(
            &self,
            invitation: &NewStaffInvitation,
            now: DateTime<Utc>,
        ) -> Result<StaffInvitation> {
            let mut tx = self.begin_write().await?;
            sqlx::query(
                "UPDATE staff_invitations SET revoked_at = $1 WHERE structure_id = $2 \
                 AND lower(email) = lower($3) AND accepted_at IS NULL AND revoked_at IS NULL",
            )
            .bind(now)
            .bind(invitation.structure_id)
            .bind(invitation.email.as_str())
            .execute(&mut *tx)
            .await?;
            let row: InvitationRow = sqlx::query_as(&format!(
                "INSERT INTO staff_invitations (structure_id, role, email, display_name, \
                 token_hash, invited_by_user_id, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {INVITATION_COLUMNS}"
            ))
            .bind(invitation.structure_id)
            .bind(invitation.role.as_str())
            .bind(invitation.email.as_str())
            .bind(&invitation.display_name)
            .bind(invitation.token_hash.as_str())
            .bind(invitation.invited_by)
            .bind(now)
            .bind(invitation.expires_at)
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            StaffInvitation::try_from(row)
        }

        async fn staff_invitation(&self, id: i64) -> Result<Option<StaffInvitation>> {
            let select = format!("SELECT {INVITATION_COLUMNS} FROM staff_invitations");
            This::by_id(&self.pool, &select, id, |row| {
                StaffInvitation::try_from(InvitationRow::from_row(row)?)
            })
            .await
        }

        async fn staff_invitation_by_token(
            &self,
            hash: &TokenHash,
        ) -> Result<Option<StaffInvitation>> {
            invitation_by_token(&self.pool, hash).await
        }

        async fn count_staff_invitations(
            &self,
            structure_id: i64,
            email: Option<&Email>,
            since: DateTime<Utc>,
        ) -> Result<u64> {
            let count: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM staff_invitations WHERE structure_id = $1 \
                 AND created_at >= $2 AND ($3 IS NULL OR lower(email) = lower($3))",
            )
            .bind(structure_id)
            .bind(since)
            .bind(email.map(Email::as_str))
            .fetch_one(&self.pool)
            .await?;
            Ok(u64::try_from(count).unwrap_or(0))
        }

        async fn pending_staff_invitations(
            &self,
            structure_id: i64,
        ) -> Result<Vec<StaffInvitation>> {
            let rows: Vec<InvitationRow> = sqlx::query_as(&format!(
                "SELECT {INVITATION_COLUMNS} FROM staff_invitations WHERE structure_id = $1 \
                 AND accepted_at IS NULL AND revoked_at IS NULL ORDER BY id"
            ))
            .bind(structure_id)
            .fetch_all(&self.pool)
            .await?;
            rows.into_iter().map(StaffInvitation::try_from).collect()
        }

        async fn revoke_staff_invitation(&self, id: i64, now: DateTime<Utc>) -> Result<bool> {
            let done = sqlx::query(
                "UPDATE staff_invitations SET revoked_at = $1 WHERE id = $2 \
                 AND accepted_at IS NULL AND revoked_at IS NULL",
            )
            .bind(now)
            .bind(id)
            .execute(&self.pool)
            .await?;
            Ok(done.rows_affected() == 1)
        }

        async fn accept_staff_invitation(
            &self,
            hash: &TokenHash,
            password_hash: Option<&str>,
            now: DateTime<Utc>,
        ) -> Result<Acceptance> {
            let mut tx = self.begin_write().await?;
            let Some(invitation) = invitation_by_token(&mut *tx, hash).await? else {
                return Ok(Acceptance::Unknown);
            };
            let status = invitation.status(now);
            if status != InvitationStatus::Pending {
                return Ok(Acceptance::Refused(status));
            }
            let existing: Option<i64> =
                sqlx::query_scalar("SELECT id FROM users WHERE lower(email) = lower($1)")
                    .bind(invitation.email.as_str())
                    .fetch_optional(&mut *tx)
                    .await?;
            let (user_id, created) = match existing {
                Some(id) => (id, false),
                None => {
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO users (email, display_name, password_hash, status, \
                         created_at) VALUES ($1, $2, $3, 'active', $4) RETURNING id",
                    )
                    .bind(invitation.email.as_str())
                    .bind(&invitation.display_name)
                    .bind(password_hash)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?;
                    (id, true)
                }
            };
            // Only one presentation moves `accepted_at` from NULL: a second one, even at the
            // same moment, finds it accepted (and its transaction writes nothing).
            let used = sqlx::query(
                "UPDATE staff_invitations SET accepted_at = $1, accepted_user_id = $2 \
                 WHERE id = $3 AND accepted_at IS NULL AND revoked_at IS NULL",
            )
            .bind(now)
            .bind(user_id)
            .bind(invitation.id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if used != 1 {
                return Ok(Acceptance::Refused(InvitationStatus::Accepted));
            }
            sqlx::query(
                "INSERT INTO memberships (user_id, structure_id, role, created_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, structure_id) \
                 DO UPDATE SET role = excluded.role, suspended_at = NULL",
            )
            .bind(user_id)
            .bind(invitation.structure_id)
            .bind(invitation.role.as_str())
            .bind(now)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(Acceptance::Accepted {
                invitation: StaffInvitation {
                    accepted_at: Some(now),
                    accepted_by: Some(user_id),
                    ..invitation
                },
                user_id,
                created,
            })
        }

        async fn staff_members(&self, structure_id: i64) -> Result<Vec<StaffMember>> {
            let rows: Vec<MemberRow> = sqlx::query_as(&format!(
                "{MEMBER_SELECT} WHERE m.structure_id = $1 ORDER BY lower(u.display_name), u.id"
            ))
            .bind(structure_id)
            .fetch_all(&self.pool)
            .await?;
            rows.into_iter().map(StaffMember::try_from).collect()
        }

        async fn staff_member(
            &self,
            structure_id: i64,
            user_id: i64,
        ) -> Result<Option<StaffMember>> {
            let row: Option<MemberRow> = sqlx::query_as(&format!(
                "{MEMBER_SELECT} WHERE m.structure_id = $1 AND m.user_id = $2"
            ))
            .bind(structure_id)
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await?;
            row.map(StaffMember::try_from).transpose()
        }

        async fn suspend_seat(
            &self,
            structure_id: i64,
            user_id: i64,
            suspended: bool,
            now: DateTime<Utc>,
        ) -> Result<bool> {
            let mut tx = self.begin_write().await?;
            // Suspending dates an active seat; reactivating clears a suspended one's date.
            let changed = sqlx::query(
                "UPDATE memberships SET suspended_at = $1 WHERE structure_id = $2 \
                 AND user_id = $3 AND (suspended_at IS NULL) = $4",
            )
            .bind(suspended.then_some(now))
            .bind(structure_id)
            .bind(user_id)
            .bind(suspended)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            seat_changed(tx, user_id, changed).await
        }

        async fn remove_seat(&self, structure_id: i64, user_id: i64) -> Result<bool> {
            let mut tx = self.begin_write().await?;
            let removed = sqlx::query(
                "DELETE FROM memberships WHERE structure_id = $1 AND user_id = $2",
            )
            .bind(structure_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            seat_changed(tx, user_id, removed).await
        }

        async fn active_memberships(&self, user_id: i64) -> Result<Vec<Membership>> {
            let rows: Vec<MembershipRow> = sqlx::query_as(&format!(
                "{MEMBERSHIP_SELECT} WHERE user_id = $1 AND suspended_at IS NULL \
                 ORDER BY structure_id"
            ))
            .bind(user_id)
            .fetch_all(&self.pool)
            .await?;
            rows.into_iter().map(Membership::try_from).collect()
        }
    }
}
