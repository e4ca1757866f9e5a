//! Joint information meetings: organised by a structure, with the structures invited and the
//! people registered.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row as _;

use crate::backend::both_backends;
use crate::{Result, StoreError};
use model::*;

/// Joint meetings.
#[async_trait]
pub trait Meetings: Send + Sync {
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
}

/// The columns of a meeting, for both backends' reads.
pub const MEETING_SELECT: &str = "SELECT id, organiser_structure_id, theme, starts_at, place, \
    online_link, territory, created_by_user_id, created_at FROM meetings";

/// A row of `meeting_registrations`.
#[derive(sqlx::FromRow)]
struct RegistrationRow {
    meeting_id: i64,
    user_id: i64,
    structure_id: i64,
    registered_at: DateTime<Utc>,
    attended: Option<bool>,
}

impl From<RegistrationRow> for Registration {
    fn from(row: RegistrationRow) -> Self {
        Registration {
            meeting_id: row.meeting_id,
            user_id: row.user_id,
            structure_id: row.structure_id,
            registered_at: row.registered_at,
            attended: row.attended,
        }
    }
}

both_backends! {
    impl This {
        /// A meeting from its row, with its invitations.
        async fn meeting_of_row(&self, row: &Row) -> Result<Meeting> {
            let id: i64 = row.try_get("id")?;
            let invited: Vec<i64> = sqlx::query_scalar(
                "SELECT structure_id FROM meeting_invitations WHERE meeting_id = $1 \
                 ORDER BY structure_id",
            )
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
            Ok(Meeting {
                id,
                meeting: NewMeeting {
                    organiser: row.try_get("organiser_structure_id")?,
                    theme: row.try_get("theme")?,
                    starts_at: row.try_get("starts_at")?,
                    place: row.try_get("place")?,
                    online_link: row.try_get("online_link")?,
                    territory: row.try_get("territory")?,
                    created_by: row.try_get("created_by_user_id")?,
                },
                invited,
                created_at: row.try_get("created_at")?,
            })
        }
    }

    #[async_trait]
    impl Meetings for This {
        async fn create_meeting(
            &self,
            meeting: &NewMeeting,
            invited: &[i64],
            now: DateTime<Utc>,
        ) -> Result<Meeting> {
            let mut tx = self.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO meetings (organiser_structure_id, theme, starts_at, place, online_link, \
                 territory, created_by_user_id, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(meeting.organiser)
            .bind(&meeting.theme)
            .bind(meeting.starts_at)
            .bind(&meeting.place)
            .bind(&meeting.online_link)
            .bind(&meeting.territory)
            .bind(meeting.created_by)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            let mut invited = invited.to_vec();
            invited.sort_unstable();
            invited.dedup();
            for structure in &invited {
                sqlx::query(
                    "INSERT INTO meeting_invitations (meeting_id, structure_id) VALUES ($1, $2)",
                )
                .bind(id)
                .bind(structure)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(Meeting {
                id,
                meeting: meeting.clone(),
                invited,
                created_at: now,
            })
        }

        async fn meetings_from(&self, from: DateTime<Utc>) -> Result<Vec<Meeting>> {
            let rows = sqlx::query(&format!(
                "{MEETING_SELECT} WHERE starts_at >= $1 ORDER BY starts_at, id"
            ))
            .bind(from)
            .fetch_all(&self.pool)
            .await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                out.push(self.meeting_of_row(row).await?);
            }
            Ok(out)
        }

        async fn meeting(&self, id: i64) -> Result<Option<Meeting>> {
            let row = sqlx::query(&format!("{MEETING_SELECT} WHERE id = $1"))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
            match row {
                Some(row) => Ok(Some(self.meeting_of_row(&row).await?)),
                None => Ok(None),
            }
        }

        async fn register_for_meeting(
            &self,
            meeting_id: i64,
            user_id: i64,
            structure_id: i64,
            now: DateTime<Utc>,
        ) -> Result<()> {
            sqlx::query(
                "INSERT INTO meeting_registrations (meeting_id, user_id, structure_id, registered_at) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(meeting_id)
            .bind(user_id)
            .bind(structure_id)
            .bind(now)
            .execute(&self.pool)
            .await
            .map_err(|err| match &err {
                sqlx::Error::Database(db) if db.is_unique_violation() => {
                    StoreError::Conflict("already registered for this meeting".to_string())
                }
                _ => StoreError::from(err),
            })?;
            Ok(())
        }

        async fn registrations(&self, meeting_id: i64) -> Result<Vec<Registration>> {
            let rows: Vec<RegistrationRow> = sqlx::query_as(
                "SELECT meeting_id, user_id, structure_id, registered_at, attended \
                 FROM meeting_registrations WHERE meeting_id = $1 ORDER BY registered_at, user_id",
            )
            .bind(meeting_id)
            .fetch_all(&self.pool)
            .await?;
            Ok(rows.into_iter().map(Registration::from).collect())
        }

        async fn set_attendance(&self, meeting_id: i64, user_id: i64, attended: bool) -> Result<()> {
            let done = sqlx::query(
                "UPDATE meeting_registrations SET attended = $1 WHERE meeting_id = $2 AND user_id = $3",
            )
            .bind(attended)
            .bind(meeting_id)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound(format!(
                    "registration of user {user_id} for meeting {meeting_id}"
                )));
            }
            Ok(())
        }
    }
}
