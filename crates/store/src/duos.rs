//! Duos: duos proposed under a lock on the mentor's row (a mentor is never in more open duos
//! than the places they gave, a person in more than one), moved as `model::workflow::DUOS`
//! allows, their contacts (the first one starts an accepted duo), their outcomes, and the
//! lottery's draws. The mentors, registered by their agency, are `mentors.rs`'s.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row as _;

use crate::backend::both_backends;
use crate::common::*;
use crate::{Result, StoreError};
use domain::RomeCode;
use model::*;

/// Duos.
#[async_trait]
pub trait Duos: Send + Sync {
    /// Proposes a duo: refused when the person has not consented to be proposed to agencies
    /// (or only to those of their department, and the mentor lives or works in another), when
    /// the mentor has withdrawn, has no place left, does not practise the occupation, or when
    /// the person is already in an open duo or lost the lottery.
    async fn propose_duo(&self, duo: &NewDuo, now: DateTime<Utc>) -> Result<Duo>;

    /// A lottery draw for a person, refused when they are already in an open duo, already
    /// had one, or were drawn before: won, the first of `candidates` (in the draw's random order) whose mentor
    /// still has a place is proposed as [`Duos::propose_duo`] does, in the same transaction
    /// (a winner whose candidates all filled up meanwhile stays a winner, without a duo);
    /// lost, none. Either way the draw is kept: a person is drawn once.
    async fn record_draw(
        &self,
        draw: &NewDraw,
        candidates: &[NewDuo],
        now: DateTime<Utc>,
    ) -> Result<(DuoDraw, Option<Duo>)>;

    /// Every draw, in order.
    async fn draws(&self) -> Result<Vec<DuoDraw>>;

    async fn duo(&self, id: i64) -> Result<Option<Duo>>;

    /// Duos coordinated by a France Travail agency (`coordinator`) or whose mentor belongs to
    /// an agency (`mentor_agency`): open ones first, the newest first; at most `limit`.
    async fn duos_of_structure(&self, structure: i64, limit: u32) -> Result<Vec<Duo>>;

    /// A person's duos, in order.
    async fn duos_of_job_seeker(&self, job_seeker_id: i64) -> Result<Vec<Duo>>;

    /// A mentor's duos, in order.
    async fn duos_of_mentor(&self, mentor_id: i64) -> Result<Vec<Duo>>;

    /// Every duo proposed from `since` on, in order (the evaluation, the funnel).
    async fn duos_since(&self, since: DateTime<Utc>) -> Result<Vec<Duo>>;

    /// Moves a duo as the workflow allows: `on` is the day it starts (→ active) or ends (→
    /// completed, stopped), never before its proposal nor an end before its start; `reason`
    /// a stop's. A side's yes (`mentor_agreed`, `seeker_agreed` or `accepted`) is read under
    /// the lock: its own agreement, or the acceptance when the other side already agreed.
    async fn move_duo(
        &self,
        id: i64,
        to: DuoState,
        by: workflow::Mover,
        reason: Option<&str>,
        on: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Duo>;

    /// Logs a contact of an accepted or active duo; the first one starts an accepted duo on
    /// its day. Refused before the duo started (or, for the first, before both accepted) and
    /// after it ended.
    async fn log_contact(&self, contact: &NewContact, now: DateTime<Utc>)
    -> Result<(Contact, Duo)>;

    /// A duo's contacts, by day.
    async fn contacts_of_duo(&self, duo_id: i64) -> Result<Vec<Contact>>;

    /// Records what a duo led to at a milestone: at its end once it ended, six months later
    /// once that day has come (`today`); once per milestone.
    async fn record_duo_outcome(
        &self,
        outcome: &DuoOutcome,
        today: NaiveDate,
    ) -> Result<DuoOutcome>;

    async fn outcomes_of_duo(&self, duo_id: i64) -> Result<Vec<DuoOutcome>>;

    /// Writes duos of the past whole (the simulated region's year), each in its transaction.
    async fn record_past_duos(&self, duos: &[PastDuo]) -> Result<Vec<i64>>;
}

const DUO_SELECT: &str = "SELECT d.id, d.job_seeker_id, d.mentor_id, d.rome, d.months, \
    d.coordinator_id, d.mentor_agency_id, d.drawn, d.state, d.proposed_by_user_id, \
    d.proposed_at, d.changed_at, d.started_on, d.ended_on, d.stop_reason, \
    (SELECT max(c.on_day) FROM duo_contacts c WHERE c.duo_id = d.id) AS last_contact_on \
    FROM duos d";

const OPEN_STATES: &str = "('proposed', 'mentor_agreed', 'seeker_agreed', 'accepted', 'active')";

both_backends! {
    impl This {
        fn duo_of_row(row: &Row) -> Result<Duo> {
            Ok(Duo {
                id: row.try_get("id")?,
                duo: NewDuo {
                    job_seeker_id: row.try_get("job_seeker_id")?,
                    mentor_id: row.try_get("mentor_id")?,
                    rome: parsed_column(row, "rome", RomeCode::parse)?,
                    months: small(row.try_get("months")?, "months")?,
                    coordinator_id: row.try_get("coordinator_id")?,
                    drawn: row.try_get("drawn")?,
                    proposed_by: row.try_get("proposed_by_user_id")?,
                },
                mentor_agency_id: row.try_get("mentor_agency_id")?,
                state: enum_column(row, "state", DuoState::parse)?,
                proposed_at: row.try_get("proposed_at")?,
                changed_at: row.try_get("changed_at")?,
                started_on: row.try_get("started_on")?,
                ended_on: row.try_get("ended_on")?,
                stop_reason: row.try_get("stop_reason")?,
                last_contact_on: row.try_get("last_contact_on")?,
            })
        }

        async fn duos_where<'q>(
            executor: impl sqlx::Executor<'q, Database = Db>,
            filter: &str,
            bind: i64,
        ) -> Result<Vec<Duo>> {
            let rows = sqlx::query(&format!("{DUO_SELECT} WHERE {filter}"))
                .bind(bind)
                .fetch_all(executor)
                .await?;
            rows.iter().map(This::duo_of_row).collect()
        }

        /// Proposes a duo inside `tx`, the mentor's row locked while their places are counted
        /// (unless it will not hold one: a duo of the past already over) and, for a duo of now
        /// (`check_consent`), the person's consent read as a referral reads it: given, and
        /// covering the mentor's department (where the duo happens, as an offer's workplace)
        /// when given for the department only.
        async fn propose_in(
            tx: &mut sqlx::Transaction<'_, Db>,
            duo: &NewDuo,
            holds_a_place: bool,
            now: DateTime<Utc>,
            check_consent: bool,
        ) -> Result<Duo> {
            let state = DuoState::Proposed;
            if check_consent {
                crate::referrals::check_consent_covers(
                    sqlx::query(&format!(
                        "SELECT j.consent_scope, {PERSON_DEPARTMENT} AS person_department, \
                         {} AS mentor_department \
                         FROM job_seekers j, mentors m WHERE j.id = $1 AND m.id = $2{}",
                        department_of("m.commune"),
                        This::FOR_SHARE_OF_PERSON
                    ))
                    .bind(duo.job_seeker_id)
                    .bind(duo.mentor_id)
                    .fetch_optional(&mut **tx)
                    .await?
                    .map(|row| -> Result<_> {
                        Ok((
                            row.try_get::<Option<String>, _>("consent_scope")?,
                            row.try_get::<String, _>("person_department")?,
                            row.try_get::<String, _>("mentor_department")?,
                        ))
                    })
                    .transpose()?,
                )?;
            }
            let mentor = sqlx::query(&format!(
                "SELECT agency_structure_id, capacity, withdrawn_at FROM mentors WHERE id = $1{}",
                This::FOR_UPDATE
            ))
            .bind(duo.mentor_id)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("mentor {}", duo.mentor_id)))?;
            let agency: i64 = mentor.try_get("agency_structure_id")?;
            let capacity: i64 = mentor.try_get("capacity")?;
            let withdrawn: Option<DateTime<Utc>> = mentor.try_get("withdrawn_at")?;
            if withdrawn.is_some() {
                return Err(StoreError::Conflict(
                    "mentor_id: this mentor has withdrawn".to_string(),
                ));
            }
            let open: i64 = sqlx::query_scalar(&format!(
                "SELECT count(*) FROM duos WHERE mentor_id = $1 AND state IN {OPEN_STATES}"
            ))
            .bind(duo.mentor_id)
            .fetch_one(&mut **tx)
            .await?;
            if holds_a_place && open >= capacity {
                return Err(StoreError::Conflict(format!(
                    "mentor_id: this mentor accepted {capacity} duo(s) at once and has no place left"
                )));
            }
            let practises: Option<i64> = sqlx::query_scalar(
                "SELECT months FROM mentor_occupations WHERE mentor_id = $1 AND rome = $2",
            )
            .bind(duo.mentor_id)
            .bind(duo.rome.as_str())
            .fetch_optional(&mut **tx)
            .await?;
            if practises.is_none() {
                return Err(StoreError::Conflict(format!(
                    "rome: the mentor does not practise {}",
                    duo.rome.as_str()
                )));
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO duos (job_seeker_id, mentor_id, rome, months, coordinator_id, \
                 mentor_agency_id, drawn, state, proposed_by_user_id, proposed_at, changed_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
            )
            .bind(duo.job_seeker_id)
            .bind(duo.mentor_id)
            .bind(duo.rome.as_str())
            .bind(i64::from(duo.months))
            .bind(duo.coordinator_id)
            .bind(agency)
            .bind(duo.drawn)
            .bind(state.as_str())
            .bind(duo.proposed_by)
            .bind(now)
            .fetch_one(&mut **tx)
            .await?;
            Ok(Duo {
                id,
                duo: duo.clone(),
                mentor_agency_id: agency,
                state,
                proposed_at: now,
                changed_at: now,
                started_on: None,
                ended_on: None,
                stop_reason: None,
                last_contact_on: None,
            })
        }

        async fn insert_contact(
            tx: &mut sqlx::Transaction<'_, Db>,
            contact: &NewContact,
            now: DateTime<Utc>,
        ) -> Result<i64> {
            Ok(sqlx::query_scalar(
                "INSERT INTO duo_contacts (duo_id, on_day, minutes, kind, note, \
                 logged_by_user_id, logged_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(contact.duo_id)
            .bind(contact.on)
            .bind(i64::from(contact.minutes))
            .bind(contact.kind.as_str())
            .bind(&contact.note)
            .bind(contact.logged_by)
            .bind(now)
            .fetch_one(&mut **tx)
            .await?)
        }

        async fn insert_duo_outcome(
            tx: &mut sqlx::Transaction<'_, Db>,
            outcome: &DuoOutcome,
        ) -> Result<()> {
            sqlx::query(
                "INSERT INTO duo_outcomes (duo_id, milestone, kind, recorded_by_user_id, \
                 recorded_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(outcome.duo_id)
            .bind(outcome.milestone.as_str())
            .bind(outcome.kind.as_str())
            .bind(outcome.recorded_by)
            .bind(outcome.recorded_at)
            .execute(&mut **tx)
            .await?;
            Ok(())
        }

        async fn set_state(
            tx: &mut sqlx::Transaction<'_, Db>,
            duo: &Duo,
            now: DateTime<Utc>,
        ) -> Result<()> {
            sqlx::query(
                "UPDATE duos SET state = $1, started_on = $2, ended_on = $3, stop_reason = $4, \
                 changed_at = $5 WHERE id = $6",
            )
            .bind(duo.state.as_str())
            .bind(duo.started_on)
            .bind(duo.ended_on)
            .bind(&duo.stop_reason)
            .bind(now)
            .bind(duo.id)
            .execute(&mut **tx)
            .await?;
            Ok(())
        }

        fn draw_of_row(row: &Row) -> Result<DuoDraw> {
            Ok(DuoDraw {
                id: row.try_get("id")?,
                job_seeker_id: row.try_get("job_seeker_id")?,
                coordinator_id: row.try_get("coordinator_id")?,
                rome: parsed_column(row, "rome", RomeCode::parse)?,
                won: row.try_get("won")?,
                duo_id: row.try_get("duo_id")?,
                drawn_at: row.try_get("drawn_at")?,
                drawn_by: row.try_get("drawn_by_user_id")?,
            })
        }
    }

    #[async_trait]
    impl Duos for This {
        async fn propose_duo(&self, duo: &NewDuo, now: DateTime<Utc>) -> Result<Duo> {
            let mut tx = self.begin_write().await?;
            let lost: Option<bool> = sqlx::query_scalar(
                "SELECT won FROM duo_draws WHERE job_seeker_id = $1",
            )
            .bind(duo.job_seeker_id)
            .fetch_optional(&mut *tx)
            .await?;
            if lost == Some(false) {
                return Err(StoreError::Conflict(
                    "job_seeker_id: this person lost the pilot's lottery: they stay in its \
                     comparison group, without a duo"
                        .to_string(),
                ));
            }
            let proposed = This::propose_in(&mut tx, duo, true, now, true).await?;
            tx.commit().await?;
            Ok(proposed)
        }

        async fn record_draw(
            &self,
            draw: &NewDraw,
            candidates: &[NewDuo],
            now: DateTime<Utc>,
        ) -> Result<(DuoDraw, Option<Duo>)> {
            let (job_seeker_id, coordinator_id, rome, won, by) =
                (draw.job_seeker_id, draw.coordinator_id, &draw.rome, draw.won, draw.drawn_by);
            let mut tx = self.begin_write().await?;
            let open: Option<i64> = sqlx::query_scalar(&format!(
                "SELECT id FROM duos WHERE job_seeker_id = $1 AND state IN {OPEN_STATES} LIMIT 1"
            ))
            .bind(job_seeker_id)
            .fetch_optional(&mut *tx)
            .await?;
            if open.is_some() {
                return Err(StoreError::Conflict(
                    "job_seeker_id: this person is already in a duo that is proposed or under way"
                        .to_string(),
                ));
            }
            let had: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM duos WHERE job_seeker_id = $1 AND state IN ('accepted', \
                 'active', 'completed', 'stopped') LIMIT 1",
            )
            .bind(job_seeker_id)
            .fetch_optional(&mut *tx)
            .await?;
            if had.is_some() {
                return Err(StoreError::Conflict(
                    "job_seeker_id: this person already had a duo: the lottery compares people \
                     who never had one"
                        .to_string(),
                ));
            }
            let drawn: Option<i64> =
                sqlx::query_scalar("SELECT id FROM duo_draws WHERE job_seeker_id = $1")
                    .bind(job_seeker_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            if drawn.is_some() {
                return Err(StoreError::Conflict(
                    "job_seeker_id: this person already entered the lottery".to_string(),
                ));
            }
            let mut proposed = None;
            if won {
                for candidate in candidates {
                    // A mentor who filled up meanwhile refuses before anything is written.
                    match This::propose_in(&mut tx, candidate, true, now, true).await {
                        Ok(duo) => {
                            proposed = Some(duo);
                            break;
                        }
                        Err(StoreError::Conflict(message)) if message.starts_with("mentor_id") => {}
                        Err(other) => return Err(other),
                    }
                }
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO duo_draws (job_seeker_id, coordinator_id, rome, won, duo_id, \
                 drawn_by_user_id, drawn_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(job_seeker_id)
            .bind(coordinator_id)
            .bind(rome.as_str())
            .bind(won)
            .bind(proposed.as_ref().map(|d| d.id))
            .bind(by)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            let draw = DuoDraw {
                id,
                job_seeker_id,
                coordinator_id,
                rome: rome.clone(),
                won,
                duo_id: proposed.as_ref().map(|d| d.id),
                drawn_at: now,
                drawn_by: by,
            };
            Ok((draw, proposed))
        }

        async fn draws(&self) -> Result<Vec<DuoDraw>> {
            let rows = sqlx::query(
                "SELECT id, job_seeker_id, coordinator_id, rome, won, duo_id, drawn_by_user_id, \
                 drawn_at FROM duo_draws ORDER BY id",
            )
            .fetch_all(&self.pool)
            .await?;
            rows.iter().map(This::draw_of_row).collect()
        }

        async fn duo(&self, id: i64) -> Result<Option<Duo>> {
            Ok(This::duos_where(&self.pool, "d.id = $1", id).await?.into_iter().next())
        }

        async fn duos_of_structure(&self, structure: i64, limit: u32) -> Result<Vec<Duo>> {
            This::duos_where(
                &self.pool,
                &format!(
                    "(d.coordinator_id = $1 OR d.mentor_agency_id = $1) ORDER BY \
                     CASE WHEN d.state IN {OPEN_STATES} THEN 0 ELSE 1 END, d.changed_at DESC, \
                     d.id DESC LIMIT {limit}"
                ),
                structure,
            )
            .await
        }

        async fn duos_of_job_seeker(&self, job_seeker_id: i64) -> Result<Vec<Duo>> {
            This::duos_where(&self.pool, "d.job_seeker_id = $1 ORDER BY d.id", job_seeker_id).await
        }

        async fn duos_of_mentor(&self, mentor_id: i64) -> Result<Vec<Duo>> {
            This::duos_where(&self.pool, "d.mentor_id = $1 ORDER BY d.id", mentor_id).await
        }

        async fn duos_since(&self, since: DateTime<Utc>) -> Result<Vec<Duo>> {
            let rows = sqlx::query(&format!("{DUO_SELECT} WHERE d.proposed_at >= $1 ORDER BY d.id"))
                .bind(since)
                .fetch_all(&self.pool)
                .await?;
            rows.iter().map(This::duo_of_row).collect()
        }

        async fn move_duo(
            &self,
            id: i64,
            to: DuoState,
            by: workflow::Mover,
            reason: Option<&str>,
            on: NaiveDate,
            now: DateTime<Utc>,
        ) -> Result<Duo> {
            let mut tx = self.begin_write().await?;
            let mut duo = This::duos_where(&mut *tx, &format!("d.id = $1{}", This::FOR_UPDATE), id)
                .await?
                .into_iter()
                .next()
                .ok_or_else(|| StoreError::NotFound(format!("duo {id}")))?;
            // A side's yes, read under the lock: its own agreement while the other side has
            // not said yes, the acceptance once it has (two yeses at once both count).
            let to = match (to, duo.state, by) {
                (
                    DuoState::MentorAgreed | DuoState::SeekerAgreed | DuoState::Accepted,
                    DuoState::Proposed,
                    workflow::Mover::MentorSide,
                ) => DuoState::MentorAgreed,
                (
                    DuoState::MentorAgreed | DuoState::SeekerAgreed | DuoState::Accepted,
                    DuoState::Proposed,
                    workflow::Mover::PersonSide,
                ) => DuoState::SeekerAgreed,
                (
                    DuoState::MentorAgreed | DuoState::SeekerAgreed | DuoState::Accepted,
                    DuoState::MentorAgreed | DuoState::SeekerAgreed,
                    _,
                ) => DuoState::Accepted,
                _ => to,
            };
            workflow::DUOS
                .check(duo.state, to, by, None, reason)
                .map_err(|err| StoreError::Conflict(format!("state: {err}")))?;
            // Its days: never before its proposal, an end never before its start.
            if on < duo.proposed_at.date_naive() {
                return Err(StoreError::Conflict(
                    "on: a duo starts and ends on or after the day it was proposed".to_string(),
                ));
            }
            match to {
                DuoState::Active => duo.started_on = Some(on),
                DuoState::Completed | DuoState::Stopped => {
                    if duo.started_on.is_some_and(|s| on < s) {
                        return Err(StoreError::Conflict(
                            "on: a duo ends on or after the day it started".to_string(),
                        ));
                    }
                    // A duo stopped before it started keeps no start: it never happened.
                    duo.ended_on = Some(on);
                }
                _ => {}
            }
            duo.stop_reason = (to == DuoState::Stopped).then(|| reason.unwrap_or("other").to_string());
            duo.state = to;
            This::set_state(&mut tx, &duo, now).await?;
            tx.commit().await?;
            duo.changed_at = now;
            Ok(duo)
        }

        async fn log_contact(&self, contact: &NewContact, now: DateTime<Utc>) -> Result<(Contact, Duo)> {
            let mut tx = self.begin_write().await?;
            let mut duo = This::duos_where(
                &mut *tx,
                &format!("d.id = $1{}", This::FOR_UPDATE),
                contact.duo_id,
            )
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| StoreError::NotFound(format!("duo {}", contact.duo_id)))?;
            if !matches!(duo.state, DuoState::Accepted | DuoState::Active) {
                return Err(StoreError::Conflict(format!(
                    "duo_id: contacts are logged once both sides accepted and until the duo \
                     ends (it is {})",
                    duo.state
                )));
            }
            // Not before the duo started, nor, for its first contact, before both accepted.
            let earliest = match duo.state {
                DuoState::Active => duo.started_on.unwrap_or(duo.changed_at.date_naive()),
                _ => duo.changed_at.date_naive(),
            };
            if contact.on < earliest {
                return Err(StoreError::Conflict(format!(
                    "on: a contact of this duo is on {earliest} or later (its start, or both \
                     sides' acceptance)"
                )));
            }
            if duo.state == DuoState::Accepted {
                workflow::DUOS
                    .check(duo.state, DuoState::Active, workflow::Mover::System, None, None)
                    .map_err(|err| StoreError::Conflict(format!("state: {err}")))?;
                duo.state = DuoState::Active;
                duo.started_on = Some(contact.on);
                This::set_state(&mut tx, &duo, now).await?;
                duo.changed_at = now;
            }
            let id = This::insert_contact(&mut tx, contact, now).await?;
            tx.commit().await?;
            duo.last_contact_on = duo.last_contact_on.max(Some(contact.on));
            Ok((
                Contact {
                    id,
                    contact: contact.clone(),
                    logged_at: now,
                },
                duo,
            ))
        }

        async fn contacts_of_duo(&self, duo_id: i64) -> Result<Vec<Contact>> {
            let rows = sqlx::query(
                "SELECT id, duo_id, on_day, minutes, kind, note, logged_by_user_id, logged_at \
                 FROM duo_contacts WHERE duo_id = $1 ORDER BY on_day, id",
            )
            .bind(duo_id)
            .fetch_all(&self.pool)
            .await?;
            rows.iter()
                .map(|row| {
                    let kind: String = row.try_get("kind")?;
                    Ok(Contact {
                        id: row.try_get("id")?,
                        contact: NewContact {
                            duo_id: row.try_get("duo_id")?,
                            on: row.try_get("on_day")?,
                            minutes: small(row.try_get("minutes")?, "minutes")?,
                            kind: text_enum(&kind, "kind", ContactKind::parse)?,
                            note: row.try_get("note")?,
                            logged_by: row.try_get("logged_by_user_id")?,
                        },
                        logged_at: row.try_get("logged_at")?,
                    })
                })
                .collect()
        }

        async fn record_duo_outcome(
            &self,
            outcome: &DuoOutcome,
            today: NaiveDate,
        ) -> Result<DuoOutcome> {
            let mut tx = self.begin_write().await?;
            let duo = This::duos_where(&mut *tx, "d.id = $1", outcome.duo_id)
                .await?
                .into_iter()
                .next()
                .ok_or_else(|| StoreError::NotFound(format!("duo {}", outcome.duo_id)))?;
            let Some(ended) = duo.ended_on else {
                return Err(StoreError::Conflict(
                    "milestone: a duo's outcome is recorded once it has ended".to_string(),
                ));
            };
            if outcome.milestone == DuoMilestone::SixMonths
                && (today - ended).num_days() < DUO_FOLLOW_UP_DAYS
            {
                return Err(StoreError::Conflict(format!(
                    "milestone: the six-month outcome is recorded from {} on",
                    ended + chrono::Duration::days(DUO_FOLLOW_UP_DAYS)
                )));
            }
            This::insert_duo_outcome(&mut tx, outcome).await?;
            tx.commit().await?;
            Ok(outcome.clone())
        }

        async fn outcomes_of_duo(&self, duo_id: i64) -> Result<Vec<DuoOutcome>> {
            let rows = sqlx::query(
                "SELECT duo_id, milestone, kind, recorded_by_user_id, recorded_at \
                 FROM duo_outcomes WHERE duo_id = $1 ORDER BY recorded_at",
            )
            .bind(duo_id)
            .fetch_all(&self.pool)
            .await?;
            rows.iter()
                .map(|row| {
                    let milestone: String = row.try_get("milestone")?;
                    let kind: String = row.try_get("kind")?;
                    Ok(DuoOutcome {
                        duo_id: row.try_get("duo_id")?,
                        milestone: text_enum(&milestone, "milestone", DuoMilestone::parse)?,
                        kind: text_enum(&kind, "kind", DuoOutcomeKind::parse)?,
                        recorded_by: row.try_get("recorded_by_user_id")?,
                        recorded_at: row.try_get("recorded_at")?,
                    })
                })
                .collect()
        }

        async fn record_past_duos(&self, duos: &[PastDuo]) -> Result<Vec<i64>> {
            let mut ids = Vec::with_capacity(duos.len());
            for past in duos {
                let mut tx = self.begin_write().await?;
                let mut duo =
                    This::propose_in(&mut tx, &past.duo, past.state.is_open(), past.proposed_at, false)
                        .await?;
                duo.state = past.state;
                duo.started_on = past.started_on;
                duo.ended_on = past.ended_on;
                duo.stop_reason = past.stop_reason.clone();
                let changed = past
                    .ended_on
                    .or(past.started_on)
                    .and_then(|d| d.and_hms_opt(17, 0, 0))
                    .map_or(past.proposed_at, |t| t.and_utc());
                This::set_state(&mut tx, &duo, changed).await?;
                for contact in &past.contacts {
                    let logged = contact
                        .on
                        .and_hms_opt(18, 0, 0)
                        .map_or(changed, |t| t.and_utc());
                    This::insert_contact(&mut tx, &NewContact { duo_id: duo.id, ..contact.clone() }, logged)
                        .await?;
                }
                for (milestone, kind, at) in &past.outcomes {
                    let outcome = DuoOutcome {
                        duo_id: duo.id,
                        milestone: *milestone,
                        kind: *kind,
                        recorded_by: None,
                        recorded_at: *at,
                    };
                    This::insert_duo_outcome(&mut tx, &outcome).await?;
                }
                tx.commit().await?;
                ids.push(duo.id);
            }
            Ok(ids)
        }
    }
}
