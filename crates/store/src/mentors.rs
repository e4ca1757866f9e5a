//! Mentors: temp workers who volunteer, registered by their agency with their occupations,
//! availability, places and the day of their consent; found by agency, or by the occupations
//! they practise with a place left; a withdrawal declines or stops their duos in one
//! transaction. The duos themselves, proposed under a lock on the mentor's row, are
//! `duos.rs`'s.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row as _;

use crate::backend::both_backends;
use crate::common::*;
use crate::{Result, StoreError};
use domain::{Email, InseeCode, PersonName, PhoneNumber, RomeCode};
use model::*;

/// Mentors.
#[async_trait]
pub trait Mentors: Send + Sync {
    /// Registers a mentor (the agency recorded their consent).
    async fn create_mentor(&self, mentor: &NewMentor, now: DateTime<Utc>) -> Result<Mentor>;

    async fn mentor(&self, id: i64) -> Result<Option<Mentor>>;

    /// An agency's mentors, the withdrawn last, then by name.
    async fn mentors_of_agency(&self, agency: i64) -> Result<Vec<Mentor>>;

    /// The mentors who practise one of `romes`, are not withdrawn and have a place left.
    async fn mentors_with_room(&self, romes: &[RomeCode]) -> Result<Vec<Mentor>>;

    /// The mentor withdraws: no duo is proposed to them any more; their duos not yet under
    /// way are declined, those under way stopped (`consent_withdrawn`), in one transaction.
    async fn withdraw_mentor(&self, id: i64, now: DateTime<Utc>) -> Result<Mentor>;
}

const MENTOR_SELECT: &str = "SELECT m.id, m.agency_structure_id, m.first_name, m.last_name, \
    m.email, m.phone, m.commune, m.available_from, m.hours_per_month, m.capacity, m.consent_on, \
    m.created_by_user_id, m.created_at, m.withdrawn_at, \
    (SELECT count(*) FROM duos d WHERE d.mentor_id = m.id AND d.state IN \
    ('proposed', 'mentor_agreed', 'seeker_agreed', 'accepted', 'active')) AS open_duos \
    FROM mentors m";

both_backends! {
    impl This {
        async fn mentors_where<'q>(
            executor: impl sqlx::Executor<'q, Database = Db>,
            filter: &str,
            bind: i64,
        ) -> Result<Vec<Mentor>> {
            let rows = sqlx::query(&format!("{MENTOR_SELECT} WHERE {filter}"))
                .bind(bind)
                .fetch_all(executor)
                .await?;
            rows.iter().map(This::mentor_of_row).collect()
        }

        fn mentor_of_row(row: &Row) -> Result<Mentor> {
            let first: String = row.try_get("first_name")?;
            let last: String = row.try_get("last_name")?;
            let commune: String = row.try_get("commune")?;
            Ok(Mentor {
                id: row.try_get("id")?,
                mentor: NewMentor {
                    agency_id: row.try_get("agency_structure_id")?,
                    first_name: parse(&first, "first_name", PersonName::parse)?,
                    last_name: parse(&last, "last_name", PersonName::parse)?,
                    email: parse_opt(row.try_get("email")?, "email", Email::parse)?,
                    phone: parse_opt(row.try_get("phone")?, "phone", PhoneNumber::parse)?,
                    commune: parse(&commune, "commune", InseeCode::parse)?,
                    occupations: Vec::new(),
                    available_from: row.try_get("available_from")?,
                    hours_per_month: small(row.try_get("hours_per_month")?, "hours_per_month")?,
                    capacity: small(row.try_get("capacity")?, "capacity")?,
                    consent_on: row.try_get("consent_on")?,
                    created_by: row.try_get("created_by_user_id")?,
                },
                created_at: row.try_get("created_at")?,
                withdrawn_at: row.try_get("withdrawn_at")?,
                open_duos: small(row.try_get("open_duos")?, "open_duos")?,
            })
        }

        /// Fills the mentors' occupations (by experience, then code), in one query.
        async fn with_occupations(&self, mut mentors: Vec<Mentor>) -> Result<Vec<Mentor>> {
            if mentors.is_empty() {
                return Ok(mentors);
            }
            let ids = mentors
                .iter()
                .map(|m| m.id.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            let rows: Vec<(i64, String, i64)> = sqlx::query_as(&format!(
                "SELECT mentor_id, rome, months FROM mentor_occupations \
                 WHERE mentor_id IN ({ids}) ORDER BY mentor_id, months DESC, rome"
            ))
            .fetch_all(&self.pool)
            .await?;
            let mut by_mentor: std::collections::HashMap<i64, Vec<MentorOccupation>> =
                std::collections::HashMap::new();
            for (mentor, rome, months) in rows {
                by_mentor.entry(mentor).or_default().push(MentorOccupation {
                    rome: parse(&rome, "rome", RomeCode::parse)?,
                    months: small(months, "months")?,
                });
            }
            for mentor in &mut mentors {
                mentor.mentor.occupations = by_mentor.remove(&mentor.id).unwrap_or_default();
            }
            Ok(mentors)
        }
    }

    #[async_trait]
    impl Mentors for This {
        async fn create_mentor(&self, mentor: &NewMentor, now: DateTime<Utc>) -> Result<Mentor> {
            let mut tx = self.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO mentors (agency_structure_id, first_name, last_name, email, phone, \
                 commune, available_from, hours_per_month, capacity, consent_on, \
                 created_by_user_id, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
            )
            .bind(mentor.agency_id)
            .bind(mentor.first_name.as_str())
            .bind(mentor.last_name.as_str())
            .bind(mentor.email.as_ref().map(|e| e.as_str()))
            .bind(mentor.phone.as_ref().map(|p| p.as_str()))
            .bind(mentor.commune.as_str())
            .bind(mentor.available_from)
            .bind(i64::from(mentor.hours_per_month))
            .bind(i64::from(mentor.capacity))
            .bind(mentor.consent_on)
            .bind(mentor.created_by)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            for occupation in &mentor.occupations {
                sqlx::query(
                    "INSERT INTO mentor_occupations (mentor_id, rome, months) VALUES ($1, $2, $3)",
                )
                .bind(id)
                .bind(occupation.rome.as_str())
                .bind(i64::from(occupation.months))
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(Mentor {
                id,
                mentor: mentor.clone(),
                created_at: now,
                withdrawn_at: None,
                open_duos: 0,
            })
        }

        async fn mentor(&self, id: i64) -> Result<Option<Mentor>> {
            let found = This::mentors_where(&self.pool, "m.id = $1", id).await?;
            Ok(self.with_occupations(found).await?.into_iter().next())
        }

        async fn mentors_of_agency(&self, agency: i64) -> Result<Vec<Mentor>> {
            let found = This::mentors_where(
                &self.pool,
                "m.agency_structure_id = $1 ORDER BY m.withdrawn_at IS NOT NULL, m.last_name, \
                 m.first_name, m.id",
                agency,
            )
            .await?;
            self.with_occupations(found).await
        }

        async fn mentors_with_room(&self, romes: &[RomeCode]) -> Result<Vec<Mentor>> {
            if romes.is_empty() {
                return Ok(Vec::new());
            }
            let list = rome_list(romes);
            let found = This::mentors_where(
                &self.pool,
                &format!(
                    "m.withdrawn_at IS NULL AND m.id > $1 AND m.id IN (SELECT mentor_id FROM \
                     mentor_occupations WHERE rome IN ({list})) ORDER BY m.id"
                ),
                0,
            )
            .await?;
            let with_room = found.into_iter().filter(Mentor::has_room).collect();
            self.with_occupations(with_room).await
        }

        async fn withdraw_mentor(&self, id: i64, now: DateTime<Utc>) -> Result<Mentor> {
            let mut tx = self.begin_write().await?;
            let done = sqlx::query(
                "UPDATE mentors SET withdrawn_at = $1 WHERE id = $2 AND withdrawn_at IS NULL",
            )
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM mentors WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
                return Err(match exists {
                    None => StoreError::NotFound(format!("mentor {id}")),
                    Some(_) => StoreError::Conflict("mentor: already withdrawn".to_string()),
                });
            }
            let today = now.date_naive();
            sqlx::query(
                "UPDATE duos SET state = 'declined', changed_at = $1 WHERE mentor_id = $2 \
                 AND state IN ('proposed', 'mentor_agreed', 'seeker_agreed')",
            )
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE duos SET state = 'stopped', stop_reason = 'consent_withdrawn', \
                 ended_on = $1, changed_at = $2 WHERE mentor_id = $3 \
                 AND state IN ('accepted', 'active')",
            )
            .bind(today)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            self.mentor(id)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("mentor {id}")))
        }
    }
}
