//! Gatherings: one session mechanism (a time, a capacity per modality, registrations with a
//! waiting list, attendance once it is over) for the joint meetings and the recruitment
//! actions; and the outbox of the messages about them.
//!
//! Seats are given under a lock on the gathering's row (PostgreSQL `FOR UPDATE`; SQLite's
//! write lock, taken by `BEGIN IMMEDIATE`): concurrent registrations never seat more people
//! than the capacity, the rest wait in the order they came.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row as _;

use crate::backend::both_backends;
use crate::common::*;
use crate::{Result, StoreError};
use model::*;

/// Gatherings and their registrations.
#[async_trait]
pub trait Gatherings: Send + Sync {
    async fn create_gathering(&self, gathering: &NewGathering) -> Result<Gathering>;

    async fn gathering(&self, id: i64) -> Result<Option<Gathering>>;

    /// Registers a participant through a structure, in a modality the gathering offers: a
    /// seat while there is one, the waiting list otherwise. Refused once the gathering has
    /// started; twice is a conflict (a registration given up may be taken again).
    async fn register(
        &self,
        gathering_id: i64,
        participant: Participant,
        structure_id: i64,
        modality: Modality,
        now: DateTime<Utc>,
    ) -> Result<GatheringRegistration>;

    /// Gives up a seat or a place on the waiting list; the first waiting of the same modality
    /// takes the seat freed. Refused once the gathering has started.
    async fn cancel_registration(
        &self,
        registration_id: i64,
        by: workflow::Mover,
        now: DateTime<Utc>,
    ) -> Result<Seated>;

    /// Every registration of a gathering, in the order they came.
    async fn gathering_registrations(
        &self,
        gathering_id: i64,
    ) -> Result<Vec<GatheringRegistration>>;

    async fn gathering_registration(&self, id: i64) -> Result<Option<GatheringRegistration>>;

    /// Records whether a seated participant came: only once the gathering is over, and
    /// before its attendance is closed.
    async fn record_attendance(
        &self,
        registration_id: i64,
        attendance: Attendance,
        now: DateTime<Utc>,
    ) -> Result<GatheringRegistration>;

    /// Closes the attendance of a gathering that is over, once every seated participant's is
    /// recorded.
    async fn close_attendance(&self, gathering_id: i64, now: DateTime<Utc>) -> Result<Gathering>;

    /// The gatherings over whose attendance is not closed, the oldest first, among `ids`.
    async fn attendance_due(&self, ids: &[i64], now: DateTime<Utc>) -> Result<Vec<Gathering>>;

    /// The seated participants of gatherings starting within `within` of `now` who were not
    /// reminded yet; `mark` records that they are (in the same transaction).
    async fn take_reminders(
        &self,
        now: DateTime<Utc>,
        within: chrono::Duration,
    ) -> Result<Vec<GatheringRegistration>>;
}

/// Messages waiting to be sent, and what became of them.
#[async_trait]
pub trait Outbox: Send + Sync {
    async fn queue_message(&self, message: &NewMessage, now: DateTime<Utc>) -> Result<i64>;

    /// Messages not sent yet, the oldest first, at most `limit`.
    async fn pending_messages(&self, limit: u32) -> Result<Vec<OutboxMessage>>;

    /// Records a message sent, or why its sending failed (it stays pending).
    async fn message_sent(
        &self,
        id: i64,
        outcome: std::result::Result<(), String>,
        now: DateTime<Utc>,
    ) -> Result<()>;

    async fn outbox_message(&self, id: i64) -> Result<Option<OutboxMessage>>;
}

const GATHERING_SELECT: &str = "SELECT id, starts_at, ends_at, capacity_on_site, \
    capacity_remote, attendance_closed_at FROM gatherings";

const REGISTRATION_SELECT: &str = "SELECT id, gathering_id, user_id, job_seeker_id, \
    structure_id, modality, seat, attendance, registered_at, changed_at, reminded_at \
    FROM gathering_registrations";

const MESSAGE_SELECT: &str = "SELECT id, recipient, subject, body, calendar, queued_at, \
    sent_at, attempts, last_error FROM outbox";

both_backends! {
    impl This {
        /// A capacity column (seats of a modality).
        pub(crate) fn seats(row: &Row, column: &str) -> Result<u32> {
            let n: i64 = row.try_get(column)?;
            u32::try_from(n).map_err(|_| StoreError::Corrupt(format!("{column}: {n}")))
        }

        fn gathering_of(row: &Row) -> Result<Gathering> {
            Ok(Gathering {
                id: row.try_get("id")?,
                gathering: NewGathering {
                    starts_at: row.try_get("starts_at")?,
                    ends_at: row.try_get("ends_at")?,
                    capacity_on_site: This::seats(row, "capacity_on_site")?,
                    capacity_remote: This::seats(row, "capacity_remote")?,
                },
                attendance_closed_at: row.try_get("attendance_closed_at")?,
            })
        }

        fn registration_of(row: &Row) -> Result<GatheringRegistration> {
            let user: Option<i64> = row.try_get("user_id")?;
            let job_seeker: Option<i64> = row.try_get("job_seeker_id")?;
            let participant = match (user, job_seeker) {
                (Some(user), None) => Participant::User(user),
                (None, Some(person)) => Participant::JobSeeker(person),
                _ => return Err(StoreError::Corrupt("a registration's participant".to_string())),
            };
            let modality: String = row.try_get("modality")?;
            let seat: String = row.try_get("seat")?;
            let attendance: Option<String> = row.try_get("attendance")?;
            Ok(GatheringRegistration {
                id: row.try_get("id")?,
                gathering_id: row.try_get("gathering_id")?,
                participant,
                structure_id: row.try_get("structure_id")?,
                modality: text_enum(&modality, "modality", Modality::parse)?,
                seat: text_enum(&seat, "seat", Seat::parse)?,
                attendance: attendance
                    .map(|a| text_enum(&a, "attendance", Attendance::parse))
                    .transpose()?,
                registered_at: row.try_get("registered_at")?,
                changed_at: row.try_get("changed_at")?,
                reminded_at: row.try_get("reminded_at")?,
            })
        }

        /// Writes a gathering inside `tx`, its attendance closed at `closed` (a gathering of
        /// the past), and answers its id.
        pub(crate) async fn insert_gathering(
            tx: &mut sqlx::Transaction<'_, Db>,
            gathering: &NewGathering,
            closed: Option<DateTime<Utc>>,
        ) -> Result<i64> {
            Ok(sqlx::query_scalar(
                "INSERT INTO gatherings (starts_at, ends_at, capacity_on_site, capacity_remote, \
                 attendance_closed_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(gathering.starts_at)
            .bind(gathering.ends_at)
            .bind(i64::from(gathering.capacity_on_site))
            .bind(i64::from(gathering.capacity_remote))
            .bind(closed)
            .fetch_one(&mut **tx)
            .await?)
        }

        /// Writes the registrations of the past of a gathering inside `tx`, in one bulk
        /// write, their positions in the order given.
        pub(crate) async fn insert_past_registrations(
            tx: &mut sqlx::Transaction<'_, Db>,
            gathering_id: i64,
            registrations: &[PastRegistration],
        ) -> Result<()> {
            use crate::bulk::Value;
            if registrations.is_empty() {
                return Ok(());
            }
            let rows: Vec<Vec<Value<'_>>> = registrations
                .iter()
                .zip(1i64..)
                .map(|(r, position)| {
                    let (user, person) = match r.participant {
                        Participant::User(id) => (Some(id), None),
                        Participant::JobSeeker(id) => (None, Some(id)),
                    };
                    vec![
                        Value::Int(Some(gathering_id)),
                        Value::Int(user),
                        Value::Int(person),
                        Value::Int(Some(r.structure_id)),
                        Value::Text(Some(r.modality.as_str())),
                        Value::Text(Some(r.seat.as_str())),
                        Value::Text(r.attendance.map(Attendance::as_str)),
                        Value::Time(Some(r.registered_at)),
                        Value::Int(Some(position)),
                        Value::Time(Some(r.changed_at)),
                    ]
                })
                .collect();
            This::insert_rows(
                tx,
                "gathering_registrations",
                &[
                    "gathering_id",
                    "user_id",
                    "job_seeker_id",
                    "structure_id",
                    "modality",
                    "seat",
                    "attendance",
                    "registered_at",
                    "position",
                    "changed_at",
                ],
                &rows,
            )
            .await
        }

        fn message_of(row: &Row) -> Result<OutboxMessage> {
            let attempts: i64 = row.try_get("attempts")?;
            Ok(OutboxMessage {
                id: row.try_get("id")?,
                message: NewMessage {
                    recipient: row.try_get("recipient")?,
                    subject: row.try_get("subject")?,
                    body: row.try_get("body")?,
                    calendar: row.try_get("calendar")?,
                },
                queued_at: row.try_get("queued_at")?,
                sent_at: row.try_get("sent_at")?,
                attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
                last_error: row.try_get("last_error")?,
            })
        }

        /// Registers a participant inside a write transaction (the gathering's row locked
        /// first), for `register` and for an accepted invitation.
        pub(crate) async fn register_in(
            tx: &mut sqlx::Transaction<'_, Db>,
            gathering_id: i64,
            participant: Participant,
            structure_id: i64,
            modality: Modality,
            now: DateTime<Utc>,
        ) -> Result<GatheringRegistration> {
            let gathering = This::locked_gathering(tx, gathering_id).await?;
            if gathering.gathering.starts_at <= now {
                return Err(StoreError::Conflict(
                    "registration: the gathering has started".to_string(),
                ));
            }
            let capacity = gathering.gathering.capacity(modality);
            if capacity == 0 {
                return Err(StoreError::Invalid(format!(
                    "modality: this gathering is not held {}",
                    match modality {
                        Modality::OnSite => "on site",
                        Modality::Remote => "remote",
                    }
                )));
            }
            let (user, person) = match participant {
                Participant::User(id) => (Some(id), None),
                Participant::JobSeeker(id) => (None, Some(id)),
            };
            let seated: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM gathering_registrations \
                 WHERE gathering_id = $1 AND modality = $2 AND seat = 'registered'",
            )
            .bind(gathering_id)
            .bind(modality.as_str())
            .fetch_one(&mut **tx)
            .await?;
            let seat = if seated < i64::from(capacity) {
                Seat::Registered
            } else {
                Seat::Waiting
            };
            // The next place in the order of registration, under the lock.
            let position: i64 = sqlx::query_scalar(
                "SELECT COALESCE(max(position), 0) + 1 FROM gathering_registrations \
                 WHERE gathering_id = $1",
            )
            .bind(gathering_id)
            .fetch_one(&mut **tx)
            .await?;
            // A registration given up is taken again, at the back of the list.
            let existing: Option<(i64, String)> = sqlx::query_as(
                "SELECT id, seat FROM gathering_registrations WHERE gathering_id = $1 \
                 AND (user_id = $2 OR job_seeker_id = $3)",
            )
            .bind(gathering_id)
            .bind(user)
            .bind(person)
            .fetch_optional(&mut **tx)
            .await?;
            let id = match existing {
                Some((_, seat)) if seat != Seat::Cancelled.as_str() => {
                    return Err(StoreError::Conflict(
                        "registration: already registered for this gathering".to_string(),
                    ));
                }
                Some((id, _)) => {
                    sqlx::query(
                        "UPDATE gathering_registrations SET structure_id = $1, modality = $2, \
                         seat = $3, attendance = NULL, registered_at = $4, changed_at = $4, \
                         reminded_at = NULL, position = $5 WHERE id = $6",
                    )
                    .bind(structure_id)
                    .bind(modality.as_str())
                    .bind(seat.as_str())
                    .bind(now)
                    .bind(position)
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
                    id
                }
                None => {
                    sqlx::query_scalar(
                        "INSERT INTO gathering_registrations (gathering_id, user_id, \
                         job_seeker_id, structure_id, modality, seat, registered_at, changed_at, \
                         position) VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8) RETURNING id",
                    )
                    .bind(gathering_id)
                    .bind(user)
                    .bind(person)
                    .bind(structure_id)
                    .bind(modality.as_str())
                    .bind(seat.as_str())
                    .bind(now)
                    .bind(position)
                    .fetch_one(&mut **tx)
                    .await
                    .map_err(StoreError::from)?
                }
            };
            This::registration_in(tx, id).await
        }

        /// The gathering, its row locked until the transaction ends.
        async fn locked_gathering(tx: &mut sqlx::Transaction<'_, Db>, id: i64) -> Result<Gathering> {
            This::locked_by_id(tx, GATHERING_SELECT, id, This::gathering_of)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("gathering {id}")))
        }

        async fn registration_in(tx: &mut sqlx::Transaction<'_, Db>, id: i64) -> Result<GatheringRegistration> {
            This::by_id(&mut **tx, REGISTRATION_SELECT, id, This::registration_of)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("registration {id}")))
        }
    }

    #[async_trait]
    impl Gatherings for This {
        async fn create_gathering(&self, gathering: &NewGathering) -> Result<Gathering> {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO gatherings (starts_at, ends_at, capacity_on_site, capacity_remote) \
                 VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(gathering.starts_at)
            .bind(gathering.ends_at)
            .bind(i64::from(gathering.capacity_on_site))
            .bind(i64::from(gathering.capacity_remote))
            .fetch_one(&self.pool)
            .await?;
            Ok(Gathering {
                id,
                gathering: gathering.clone(),
                attendance_closed_at: None,
            })
        }

        async fn gathering(&self, id: i64) -> Result<Option<Gathering>> {
            This::by_id(&self.pool, GATHERING_SELECT, id, This::gathering_of).await
        }

        async fn register(
            &self,
            gathering_id: i64,
            participant: Participant,
            structure_id: i64,
            modality: Modality,
            now: DateTime<Utc>,
        ) -> Result<GatheringRegistration> {
            let mut tx = self.begin_write().await?;
            let registration =
                This::register_in(&mut tx, gathering_id, participant, structure_id, modality, now)
                    .await?;
            tx.commit().await?;
            Ok(registration)
        }

        async fn cancel_registration(
            &self,
            registration_id: i64,
            by: workflow::Mover,
            now: DateTime<Utc>,
        ) -> Result<Seated> {
            let mut tx = self.begin_write().await?;
            let gathering_id: i64 = sqlx::query_scalar(
                "SELECT gathering_id FROM gathering_registrations WHERE id = $1",
            )
            .bind(registration_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("registration {registration_id}")))?;
            let gathering = This::locked_gathering(&mut tx, gathering_id).await?;
            let before = This::registration_in(&mut tx, registration_id).await?;
            if gathering.gathering.starts_at <= now {
                return Err(StoreError::Conflict(
                    "registration: the gathering has started".to_string(),
                ));
            }
            workflow::SEATS
                .check(before.seat, Seat::Cancelled, by, None, None)
                .map_err(|_| {
                    StoreError::Conflict(format!(
                        "seat: a registration {} cannot be given up",
                        before.seat
                    ))
                })?;
            sqlx::query(
                "UPDATE gathering_registrations SET seat = 'cancelled', changed_at = $1 WHERE id = $2",
            )
            .bind(now)
            .bind(registration_id)
            .execute(&mut *tx)
            .await?;
            let mut promoted = None;
            if before.seat == Seat::Registered {
                let next: Option<i64> = sqlx::query_scalar(
                    "SELECT id FROM gathering_registrations WHERE gathering_id = $1 \
                     AND modality = $2 AND seat = 'waiting' ORDER BY position LIMIT 1",
                )
                .bind(gathering_id)
                .bind(before.modality.as_str())
                .fetch_optional(&mut *tx)
                .await?;
                if let Some(next) = next {
                    sqlx::query(
                        "UPDATE gathering_registrations SET seat = 'registered', changed_at = $1 \
                         WHERE id = $2",
                    )
                    .bind(now)
                    .bind(next)
                    .execute(&mut *tx)
                    .await?;
                    promoted = Some(This::registration_in(&mut tx, next).await?);
                }
            }
            let registration = This::registration_in(&mut tx, registration_id).await?;
            tx.commit().await?;
            Ok(Seated {
                registration,
                promoted,
            })
        }

        async fn gathering_registrations(
            &self,
            gathering_id: i64,
        ) -> Result<Vec<GatheringRegistration>> {
            let rows = sqlx::query(&format!(
                "{REGISTRATION_SELECT} WHERE gathering_id = $1 ORDER BY position"
            ))
            .bind(gathering_id)
            .fetch_all(&self.pool)
            .await?;
            rows.iter().map(This::registration_of).collect()
        }

        async fn gathering_registration(&self, id: i64) -> Result<Option<GatheringRegistration>> {
            This::by_id(&self.pool, REGISTRATION_SELECT, id, This::registration_of).await
        }

        async fn record_attendance(
            &self,
            registration_id: i64,
            attendance: Attendance,
            now: DateTime<Utc>,
        ) -> Result<GatheringRegistration> {
            let mut tx = self.begin_write().await?;
            let before = This::registration_in(&mut tx, registration_id).await?;
            let gathering = This::locked_gathering(&mut tx, before.gathering_id).await?;
            if gathering.gathering.ends_at > now {
                return Err(StoreError::Conflict(
                    "attendance: recorded once the gathering is over".to_string(),
                ));
            }
            if gathering.attendance_closed_at.is_some() {
                return Err(StoreError::Conflict(
                    "attendance: the gathering's attendance is closed".to_string(),
                ));
            }
            if before.seat != Seat::Registered {
                return Err(StoreError::Conflict(format!(
                    "attendance: only a seated participant's is recorded (this registration is {})",
                    before.seat
                )));
            }
            sqlx::query(
                "UPDATE gathering_registrations SET attendance = $1, changed_at = $2 WHERE id = $3",
            )
            .bind(attendance.as_str())
            .bind(now)
            .bind(registration_id)
            .execute(&mut *tx)
            .await?;
            let registration = This::registration_in(&mut tx, registration_id).await?;
            tx.commit().await?;
            Ok(registration)
        }

        async fn close_attendance(&self, gathering_id: i64, now: DateTime<Utc>) -> Result<Gathering> {
            let mut tx = self.begin_write().await?;
            let gathering = This::locked_gathering(&mut tx, gathering_id).await?;
            if gathering.gathering.ends_at > now {
                return Err(StoreError::Conflict(
                    "attendance: closed once the gathering is over".to_string(),
                ));
            }
            if gathering.attendance_closed_at.is_some() {
                return Err(StoreError::Conflict(
                    "attendance: already closed".to_string(),
                ));
            }
            let missing: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM gathering_registrations WHERE gathering_id = $1 \
                 AND seat = 'registered' AND attendance IS NULL",
            )
            .bind(gathering_id)
            .fetch_one(&mut *tx)
            .await?;
            if missing > 0 {
                return Err(StoreError::Conflict(format!(
                    "attendance: {missing} seated participant(s) without their attendance recorded"
                )));
            }
            sqlx::query("UPDATE gatherings SET attendance_closed_at = $1 WHERE id = $2")
                .bind(now)
                .bind(gathering_id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(Gathering {
                attendance_closed_at: Some(now),
                ..gathering
            })
        }

        async fn attendance_due(&self, ids: &[i64], now: DateTime<Utc>) -> Result<Vec<Gathering>> {
            let rows = sqlx::query(&format!(
                "{GATHERING_SELECT} WHERE ends_at <= $1 AND attendance_closed_at IS NULL \
                 AND id IN ({}) ORDER BY ends_at, id",
                This::each_int("$2")
            ))
            .bind(now)
            .bind(sqlx::types::Json(ids))
            .fetch_all(&self.pool)
            .await?;
            rows.iter().map(This::gathering_of).collect()
        }

        async fn take_reminders(
            &self,
            now: DateTime<Utc>,
            within: chrono::Duration,
        ) -> Result<Vec<GatheringRegistration>> {
            let mut tx = self.begin_write().await?;
            let rows = sqlx::query(&format!(
                "{REGISTRATION_SELECT} WHERE seat = 'registered' AND reminded_at IS NULL \
                 AND gathering_id IN (SELECT id FROM gatherings WHERE starts_at > $1 \
                 AND starts_at <= $2) ORDER BY gathering_id, id"
            ))
            .bind(now)
            .bind(now + within)
            .fetch_all(&mut *tx)
            .await?;
            let due: Vec<GatheringRegistration> =
                rows.iter().map(This::registration_of).collect::<Result<_>>()?;
            for registration in &due {
                sqlx::query("UPDATE gathering_registrations SET reminded_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(registration.id)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(due
                .into_iter()
                .map(|r| GatheringRegistration {
                    reminded_at: Some(now),
                    ..r
                })
                .collect())
        }
    }

    #[async_trait]
    impl Outbox for This {
        async fn queue_message(&self, message: &NewMessage, now: DateTime<Utc>) -> Result<i64> {
            Ok(sqlx::query_scalar(
                "INSERT INTO outbox (recipient, subject, body, calendar, queued_at) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(&message.recipient)
            .bind(&message.subject)
            .bind(&message.body)
            .bind(&message.calendar)
            .bind(now)
            .fetch_one(&self.pool)
            .await
            .map_err(StoreError::from)?)
        }

        async fn pending_messages(&self, limit: u32) -> Result<Vec<OutboxMessage>> {
            let rows = sqlx::query(&format!(
                "{MESSAGE_SELECT} WHERE sent_at IS NULL ORDER BY id LIMIT $1"
            ))
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
            rows.iter().map(This::message_of).collect()
        }

        async fn message_sent(
            &self,
            id: i64,
            outcome: std::result::Result<(), String>,
            now: DateTime<Utc>,
        ) -> Result<()> {
            let (sent_at, error) = match outcome {
                Ok(()) => (Some(now), None),
                Err(error) => (None, Some(error.chars().take(1000).collect::<String>())),
            };
            let done = sqlx::query(
                "UPDATE outbox SET sent_at = $1, last_error = $2, attempts = attempts + 1 \
                 WHERE id = $3 AND sent_at IS NULL",
            )
            .bind(sent_at)
            .bind(error)
            .bind(id)
            .execute(&self.pool)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound(format!("pending message {id}")));
            }
            Ok(())
        }

        async fn outbox_message(&self, id: i64) -> Result<Option<OutboxMessage>> {
            This::by_id(&self.pool, MESSAGE_SELECT, id, This::message_of).await
        }
    }
}
