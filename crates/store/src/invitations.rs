//! Invitations to co-organised actions: stored once per person and action, moved as
//! `model::workflow::INVITATIONS` allows under a lock on their row; an accepted one registers
//! the person in the action's gathering in the same transaction, so that an invitation is
//! never accepted without its seat (or its place on the waiting list).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row as _;

use crate::backend::both_backends;
use crate::common::*;
use crate::{Result, StoreError};
use model::*;

/// Invitations to actions.
#[async_trait]
pub trait Invitations: Send + Sync {
    /// Stores invitations drawn for actions, `proposed`, skipping anyone already invited to
    /// the same action; returns those stored, in the order given.
    async fn create_invitations(
        &self,
        invitations: &[NewInvitation],
        now: DateTime<Utc>,
    ) -> Result<Vec<Invitation>>;

    async fn invitation(&self, id: i64) -> Result<Option<Invitation>>;

    /// An action's invitations, in the order they were drawn.
    async fn invitations_of_action(&self, action_id: i64) -> Result<Vec<Invitation>>;

    /// A person's invitations, in the order they were drawn.
    async fn invitations_of_job_seeker(&self, job_seeker_id: i64) -> Result<Vec<Invitation>>;

    /// The invitations of an agency's job seekers: those still to answer first (by
    /// deadline), then the others, the newest first; at most `limit`.
    async fn invitations_of_agency(&self, agency: i64, limit: u32) -> Result<Vec<Invitation>>;

    /// How many invitations each person received since `since`, whatever became of them
    /// except those the organisers withdrew: (job seeker id, count).
    async fn invitations_since(&self, since: DateTime<Utc>) -> Result<Vec<(i64, u32)>>;

    /// Moves an invitation as the workflow allows; an answer is refused past its deadline.
    /// Accepting registers the person (through their agency, in `modality`) in the action's
    /// gathering, in the same transaction.
    async fn move_invitation(
        &self,
        id: i64,
        to: InvitationState,
        by: workflow::Mover,
        modality: Modality,
        now: DateTime<Utc>,
    ) -> Result<Invitation>;

    /// Moves every invitation still unanswered past its deadline to `expired`; how many.
    async fn expire_invitations(&self, now: DateTime<Utc>) -> Result<u64>;
}

const INVITATION_SELECT: &str = "SELECT id, action_id, job_seeker_id, offer_id, \
    agency_structure_id, state, deadline, registration_id, created_by_user_id, created_at, \
    changed_at FROM action_invitations";

/// The states that still wait for an answer.
const OPEN: &str = "('proposed', 'relayed')";

both_backends! {
    impl This {
        fn invitation_of_row(row: &Row) -> Result<Invitation> {
            let state: String = row.try_get("state")?;
            Ok(Invitation {
                id: row.try_get("id")?,
                invitation: NewInvitation {
                    action_id: row.try_get("action_id")?,
                    job_seeker_id: row.try_get("job_seeker_id")?,
                    offer_id: row.try_get("offer_id")?,
                    agency_id: row.try_get("agency_structure_id")?,
                    deadline: row.try_get("deadline")?,
                    created_by: row.try_get("created_by_user_id")?,
                },
                state: text_enum(&state, "state", InvitationState::parse)?,
                created_at: row.try_get("created_at")?,
                changed_at: row.try_get("changed_at")?,
                registration_id: row.try_get("registration_id")?,
            })
        }

        async fn invitations_where(&self, filter: &str, bind: i64, limit: i64) -> Result<Vec<Invitation>> {
            let rows = sqlx::query(&format!("{INVITATION_SELECT} WHERE {filter} LIMIT $2"))
                .bind(bind)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
            rows.iter().map(This::invitation_of_row).collect()
        }
    }

    #[async_trait]
    impl Invitations for This {
        async fn create_invitations(
            &self,
            invitations: &[NewInvitation],
            now: DateTime<Utc>,
        ) -> Result<Vec<Invitation>> {
            let mut tx = self.begin_write().await?;
            let mut ids = Vec::with_capacity(invitations.len());
            for invitation in invitations {
                let id: Option<i64> = sqlx::query_scalar(
                    "INSERT INTO action_invitations (action_id, job_seeker_id, offer_id, \
                     agency_structure_id, state, deadline, created_by_user_id, created_at, \
                     changed_at) VALUES ($1, $2, $3, $4, 'proposed', $5, $6, $7, $7) \
                     ON CONFLICT (action_id, job_seeker_id) DO NOTHING RETURNING id",
                )
                .bind(invitation.action_id)
                .bind(invitation.job_seeker_id)
                .bind(invitation.offer_id)
                .bind(invitation.agency_id)
                .bind(invitation.deadline)
                .bind(invitation.created_by)
                .bind(now)
                .fetch_optional(&mut *tx)
                .await?;
                if let Some(id) = id {
                    ids.push((id, invitation));
                }
            }
            tx.commit().await?;
            Ok(ids
                .into_iter()
                .map(|(id, invitation)| Invitation {
                    id,
                    invitation: invitation.clone(),
                    state: InvitationState::Proposed,
                    created_at: now,
                    changed_at: now,
                    registration_id: None,
                })
                .collect())
        }

        async fn invitation(&self, id: i64) -> Result<Option<Invitation>> {
            Ok(self.invitations_where("id = $1", id, 1).await?.into_iter().next())
        }

        async fn invitations_of_action(&self, action_id: i64) -> Result<Vec<Invitation>> {
            self.invitations_where("action_id = $1 ORDER BY id", action_id, i64::MAX)
                .await
        }

        async fn invitations_of_job_seeker(&self, job_seeker_id: i64) -> Result<Vec<Invitation>> {
            self.invitations_where("job_seeker_id = $1 ORDER BY id", job_seeker_id, i64::MAX)
                .await
        }

        async fn invitations_of_agency(&self, agency: i64, limit: u32) -> Result<Vec<Invitation>> {
            self.invitations_where(
                &format!(
                    "agency_structure_id = $1 ORDER BY CASE WHEN state IN {OPEN} THEN 0 ELSE 1 END, \
                     CASE WHEN state IN {OPEN} THEN deadline END, changed_at DESC, id DESC"
                ),
                agency,
                i64::from(limit),
            )
            .await
        }

        async fn invitations_since(&self, since: DateTime<Utc>) -> Result<Vec<(i64, u32)>> {
            let rows: Vec<(i64, i64)> = sqlx::query_as(
                "SELECT job_seeker_id, count(*) FROM action_invitations \
                 WHERE created_at >= $1 AND state <> 'cancelled' GROUP BY job_seeker_id",
            )
            .bind(since)
            .fetch_all(&self.pool)
            .await?;
            Ok(rows
                .into_iter()
                .map(|(id, n)| (id, u32::try_from(n).unwrap_or(u32::MAX)))
                .collect())
        }

        async fn move_invitation(
            &self,
            id: i64,
            to: InvitationState,
            by: workflow::Mover,
            modality: Modality,
            now: DateTime<Utc>,
        ) -> Result<Invitation> {
            let mut tx = self.begin_write().await?;
            let invitation =
                This::locked_by_id(&mut tx, INVITATION_SELECT, id, This::invitation_of_row)
                    .await?
                    .ok_or_else(|| StoreError::NotFound(format!("invitation {id}")))?;
            workflow::INVITATIONS
                .check(invitation.state, to, by, None, None)
                .map_err(|err| StoreError::Conflict(format!("state: {err}")))?;
            let answer = matches!(
                to,
                InvitationState::Relayed | InvitationState::Accepted | InvitationState::Declined
            );
            if answer && invitation.invitation.deadline < now {
                return Err(StoreError::Conflict(
                    "state: the invitation's deadline has passed".to_string(),
                ));
            }
            let registration = if to == InvitationState::Accepted {
                let gathering: i64 = sqlx::query_scalar(
                    "SELECT gathering_id FROM actions WHERE id = $1",
                )
                .bind(invitation.invitation.action_id)
                .fetch_one(&mut *tx)
                .await?;
                let registration = This::register_in(
                    &mut tx,
                    gathering,
                    Participant::JobSeeker(invitation.invitation.job_seeker_id),
                    invitation.invitation.agency_id,
                    modality,
                    now,
                )
                .await?;
                Some(registration.id)
            } else {
                invitation.registration_id
            };
            sqlx::query(
                "UPDATE action_invitations SET state = $1, registration_id = $2, changed_at = $3 \
                 WHERE id = $4",
            )
            .bind(to.as_str())
            .bind(registration)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(Invitation {
                state: to,
                registration_id: registration,
                changed_at: now,
                ..invitation
            })
        }

        async fn expire_invitations(&self, now: DateTime<Utc>) -> Result<u64> {
            let mut tx = self.begin_write().await?;
            let done = sqlx::query(&format!(
                "UPDATE action_invitations SET state = 'expired', changed_at = $1 \
                 WHERE state IN {OPEN} AND deadline < $1"
            ))
            .bind(now)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(done.rows_affected())
        }
    }
}
