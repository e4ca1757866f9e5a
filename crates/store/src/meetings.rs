//! Joint information meetings: organised by a structure, with the structures invited and the
//! people registered.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row as _;

use crate::Result;
use crate::backend::both_backends;
use crate::bulk::Value;
use model::*;

/// Joint meetings. Their registrations and attendance are their gathering's
/// ([`crate::Gatherings`]).
#[async_trait]
pub trait Meetings: Send + Sync {
    /// Creates a joint meeting, its gathering and its invitations, in one transaction.
    async fn create_meeting(
        &self,
        meeting: &NewMeeting,
        invited: &[i64],
        now: DateTime<Utc>,
    ) -> Result<Meeting>;

    /// Meetings starting at or after `from`, soonest first.
    async fn meetings_from(&self, from: DateTime<Utc>) -> Result<Vec<Meeting>>;

    async fn meeting(&self, id: i64) -> Result<Option<Meeting>>;

    /// The meeting a gathering is for, if it is one's.
    async fn meeting_of_gathering(&self, gathering_id: i64) -> Result<Option<Meeting>>;

    /// Writes joint meetings of the past whole (the simulated region's year), each in one
    /// transaction: the meeting and its gathering (its attendance closed when it was), the
    /// structures invited, and the registrations in the order they came with their seats
    /// and attendance, through the gatherings' bulk write. Their ids, in order.
    async fn record_past_meetings(&self, meetings: &[PastMeeting]) -> Result<Vec<i64>>;
}

/// The columns of a meeting with its gathering's, for both backends' reads.
const MEETING_SELECT: &str = "SELECT m.id, m.organiser_structure_id, m.theme, m.starts_at, \
    g.ends_at, m.place, m.online_link, g.capacity_on_site, g.capacity_remote, m.territory, \
    m.created_by_user_id, m.created_at, m.gathering_id \
    FROM meetings m JOIN gatherings g ON g.id = m.gathering_id";

both_backends! {
    impl This {
        /// Writes a meeting, its gathering and its invitations inside `tx`: its gathering's
        /// id, its id and the structures invited (sorted, once each).
        async fn insert_meeting(
            tx: &mut sqlx::Transaction<'_, Db>,
            meeting: &NewMeeting,
            invited: &[i64],
            closed: Option<DateTime<Utc>>,
            now: DateTime<Utc>,
        ) -> Result<(i64, i64, Vec<i64>)> {
            let gathering = NewGathering {
                starts_at: meeting.starts_at,
                ends_at: meeting.ends_at,
                capacity_on_site: meeting.capacity_on_site,
                capacity_remote: meeting.capacity_remote,
            };
            let gathering_id = This::insert_gathering(tx, &gathering, closed).await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO meetings (organiser_structure_id, theme, starts_at, place, \
                 online_link, territory, created_by_user_id, created_at, gathering_id) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            )
            .bind(meeting.organiser)
            .bind(&meeting.theme)
            .bind(meeting.starts_at)
            .bind(&meeting.place)
            .bind(&meeting.online_link)
            .bind(&meeting.territory)
            .bind(meeting.created_by)
            .bind(now)
            .bind(gathering_id)
            .fetch_one(&mut **tx)
            .await?;
            let mut invited = invited.to_vec();
            invited.sort_unstable();
            invited.dedup();
            let rows: Vec<Vec<Value<'_>>> = invited
                .iter()
                .map(|s| vec![Value::Int(Some(id)), Value::Int(Some(*s))])
                .collect();
            if !rows.is_empty() {
                This::insert_rows(tx, "meeting_invitations", &["meeting_id", "structure_id"], &rows)
                    .await?;
            }
            Ok((gathering_id, id, invited))
        }

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
                    ends_at: row.try_get("ends_at")?,
                    place: row.try_get("place")?,
                    online_link: row.try_get("online_link")?,
                    capacity_on_site: This::seats(row, "capacity_on_site")?,
                    capacity_remote: This::seats(row, "capacity_remote")?,
                    territory: row.try_get("territory")?,
                    created_by: row.try_get("created_by_user_id")?,
                },
                gathering_id: row.try_get("gathering_id")?,
                invited,
                created_at: row.try_get("created_at")?,
            })
        }

        async fn meeting_where(&self, condition: &str, id: i64) -> Result<Option<Meeting>> {
            let row = sqlx::query(&format!("{MEETING_SELECT} WHERE {condition} = $1"))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
            match row {
                Some(row) => Ok(Some(self.meeting_of_row(&row).await?)),
                None => Ok(None),
            }
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
            let (gathering_id, id, invited) =
                This::insert_meeting(&mut tx, meeting, invited, None, now).await?;
            tx.commit().await?;
            Ok(Meeting {
                id,
                meeting: meeting.clone(),
                gathering_id,
                invited,
                created_at: now,
            })
        }

        async fn meetings_from(&self, from: DateTime<Utc>) -> Result<Vec<Meeting>> {
            let rows = sqlx::query(&format!(
                "{MEETING_SELECT} WHERE m.starts_at >= $1 ORDER BY m.starts_at, m.id"
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
            self.meeting_where("m.id", id).await
        }

        async fn meeting_of_gathering(&self, gathering_id: i64) -> Result<Option<Meeting>> {
            self.meeting_where("m.gathering_id", gathering_id).await
        }

        async fn record_past_meetings(&self, meetings: &[PastMeeting]) -> Result<Vec<i64>> {
            let mut ids = Vec::with_capacity(meetings.len());
            for past in meetings {
                let mut tx = self.begin_write().await?;
                let (gathering_id, id, _) = This::insert_meeting(
                    &mut tx,
                    &past.meeting,
                    &past.invited,
                    past.attendance_closed_at,
                    past.created_at,
                )
                .await?;
                This::insert_past_registrations(&mut tx, gathering_id, &past.registrations)
                    .await?;
                tx.commit().await?;
                ids.push(id);
            }
            Ok(ids)
        }
    }
}
