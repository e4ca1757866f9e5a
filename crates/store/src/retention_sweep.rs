//! Retention and erasure (`model::retention`; the file is not `retention.rs`, which would
//! shadow the model's module that `store` re-exports): the rules of `model::retention::RULES` applied, each in one
//! transaction, and a person's erasure requests filed and processed.
//!
//! A person anonymised keeps their row, which the steering figures count (commune, priority
//! statuses, registration day, status, occupations sought) and which referrals, duos, plans
//! and registrations point to; what identifies them goes: names become a placeholder, their
//! France Travail reference `ANON-<id>`, their contact and birth date are cleared, their
//! consent and disclosures withdrawn, the notes written about them (a referral's log, a duo's
//! contacts) cleared. The audit trail is never rewritten (its events name a person by number).

use std::collections::HashSet;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row as _;
use sqlx::types::Json;

use crate::backend::both_backends;
use crate::{Result, StoreError};
use model::retention::{
    ErasureBlocker, ErasureRequest, ErasureState, NewErasureRequest, ProcessedErasure, RULES,
    RecordKind, RequestedBy, RetentionReport, RuleCount, hire_hold_until,
};

/// Retention and erasure.
#[async_trait]
pub trait Retention: Send + Sync {
    /// Applies every rule of `model::retention::RULES` at `now`, each in one transaction, and
    /// counts what each removed or anonymised; with `dry_run`, counts what it would and
    /// changes nothing. A person is anonymised only when nothing blocks their erasure.
    async fn sweep(&self, now: DateTime<Utc>, dry_run: bool) -> Result<RetentionReport>;

    /// What blocks the erasure of a person at `now` (empty: it can proceed). `NotFound` for
    /// an unknown person.
    async fn erasure_blockers(
        &self,
        job_seeker_id: i64,
        now: DateTime<Utc>,
    ) -> Result<Vec<ErasureBlocker>>;

    /// Files an erasure request. `Conflict` when one is already pending for the person,
    /// `NotFound` for an unknown person.
    async fn file_erasure_request(
        &self,
        request: &NewErasureRequest,
        now: DateTime<Utc>,
    ) -> Result<ErasureRequest>;

    /// Erasure requests, the pending first then the newest; only those in `state` if given.
    async fn erasure_requests(&self, state: Option<ErasureState>) -> Result<Vec<ErasureRequest>>;

    async fn erasure_request(&self, id: i64) -> Result<Option<ErasureRequest>>;

    /// Processes a pending request in one transaction: when nothing blocks it, the person is
    /// anonymised, the notes about them and the outbox's messages to them removed, and the
    /// request is done; otherwise it is refused with its blockers. Answers the address the
    /// person is told at, read before the erasure. `Conflict` when the request is not pending.
    async fn process_erasure_request(
        &self,
        id: i64,
        by_user: i64,
        now: DateTime<Utc>,
    ) -> Result<ProcessedErasure>;
}

/// The states of a referral that is closed.
const CLOSED_REFERRAL: &str = "('declined', 'hired', 'not_hired', 'cancelled', 'expired')";
/// The states of a referral still open.
const OPEN_REFERRAL: &str = "('proposed', 'accepted', 'interview')";
/// The states of a duo still open.
const OPEN_DUO: &str = "('proposed', 'mentor_agreed', 'seeker_agreed', 'accepted', 'active')";
/// The states of a training plan still open.
const OPEN_PLAN: &str = "('proposed', 'agreed', 'in_training', 'completed')";

/// The placeholder of an anonymised person's names.
pub const ANONYMOUS: &str = "Anonyme";

/// People not anonymised with no activity since `$1` and nothing open.
fn inactive_people() -> String {
    format!(
        "SELECT j.id FROM job_seekers j WHERE j.anonymised_at IS NULL AND j.updated_at < $1 \
         AND NOT EXISTS (SELECT 1 FROM referrals r WHERE r.job_seeker_id = j.id \
             AND (r.updated_at >= $1 OR r.state IN {OPEN_REFERRAL})) \
         AND NOT EXISTS (SELECT 1 FROM duos d WHERE d.job_seeker_id = j.id \
             AND (d.changed_at >= $1 OR d.state IN {OPEN_DUO})) \
         AND NOT EXISTS (SELECT 1 FROM training_plans p WHERE p.job_seeker_id = j.id \
             AND (p.changed_at >= $1 OR p.state IN {OPEN_PLAN})) \
         AND NOT EXISTS (SELECT 1 FROM consent_events c WHERE c.job_seeker_id = j.id \
             AND c.recorded_at >= $1) \
         AND NOT EXISTS (SELECT 1 FROM erasure_requests e WHERE e.job_seeker_id = j.id \
             AND e.requested_at >= $1) \
         ORDER BY j.id"
    )
}

/// Closed referrals not anonymised, closed before `$1`.
fn closed_referrals() -> String {
    format!(
        "SELECT id FROM referrals WHERE anonymised_at IS NULL AND state IN {CLOSED_REFERRAL} \
         AND updated_at < $1"
    )
}

fn erasure_select(json_text: fn(&str) -> String) -> String {
    format!(
        "SELECT id, job_seeker_id, requested_by, requested_by_user_id, requested_at, state, \
         {} AS blockers, processed_at, processed_by_user_id FROM erasure_requests",
        json_text("blockers")
    )
}

macro_rules! erasure_from_row {
    ($row:expr) => {{
        use $crate::common::*;
        let row = $row;
        ::std::result::Result::<_, $crate::StoreError>::Ok(ErasureRequest {
            id: row.try_get("id")?,
            job_seeker_id: row.try_get("job_seeker_id")?,
            requested_by: text_enum(
                &row.try_get::<String, _>("requested_by")?,
                "requested_by",
                RequestedBy::parse,
            )?,
            requested_by_user: row.try_get("requested_by_user_id")?,
            requested_at: row.try_get("requested_at")?,
            state: text_enum(
                &row.try_get::<String, _>("state")?,
                "state",
                ErasureState::parse,
            )?,
            blockers: from_json(&row.try_get::<String, _>("blockers")?, "blockers")?,
            processed_at: row.try_get("processed_at")?,
            processed_by: row.try_get("processed_by_user_id")?,
        })
    }};
}

both_backends! {
    impl This {
        /// The erasure request `id` as `tx` has just written it.
        async fn erasure_in(tx: &mut sqlx::Transaction<'_, Db>, id: i64) -> Result<ErasureRequest> {
            let row = sqlx::query(&format!("{} WHERE id = $1", erasure_select(This::json_text)))
                .bind(id)
                .fetch_one(&mut **tx)
                .await?;
            erasure_from_row!(&row)
        }

        /// What blocks the erasure of `person` on `today`, read in `tx`.
        async fn erasure_blockers_in(
            tx: &mut sqlx::Transaction<'_, Db>,
            person: i64,
            today: NaiveDate,
        ) -> Result<Vec<ErasureBlocker>> {
            let mut blockers = Vec::new();
            let plans = sqlx::query(
                "SELECT id, state, ends_on, hire_starts_on, hire_months FROM training_plans \
                 WHERE job_seeker_id = $1 AND state IN ('proposed', 'agreed', 'in_training', \
                 'completed', 'hired') ORDER BY id",
            )
            .bind(person)
            .fetch_all(&mut **tx)
            .await?;
            for row in &plans {
                let plan_id: i64 = row.try_get("id")?;
                let state = crate::common::text_enum(
                    &row.try_get::<String, _>("state")?,
                    "state",
                    model::training_plans::PlanState::parse,
                )?;
                if state == model::training_plans::PlanState::Hired {
                    let Some(starts) = row.try_get::<Option<NaiveDate>, _>("hire_starts_on")? else {
                        continue;
                    };
                    let months: Option<i64> = row.try_get("hire_months")?;
                    let months = months.and_then(|m| u32::try_from(m).ok());
                    let until = hire_hold_until(starts, months);
                    if until > today {
                        blockers.push(ErasureBlocker::HireUnderObligation { plan_id, until });
                    }
                } else {
                    blockers.push(ErasureBlocker::TrainingPlan {
                        plan_id,
                        state,
                        ends_on: row.try_get("ends_on")?,
                    });
                }
            }
            let referrals = sqlx::query(&format!(
                "SELECT id, updated_at FROM referrals WHERE job_seeker_id = $1 \
                 AND state IN {OPEN_REFERRAL} ORDER BY id"
            ))
            .bind(person)
            .fetch_all(&mut **tx)
            .await?;
            for row in &referrals {
                blockers.push(ErasureBlocker::OpenReferral {
                    referral_id: row.try_get("id")?,
                    last_move: row.try_get("updated_at")?,
                });
            }
            let duos = sqlx::query(&format!(
                "SELECT id, state FROM duos WHERE job_seeker_id = $1 AND state IN {OPEN_DUO} \
                 ORDER BY id"
            ))
            .bind(person)
            .fetch_all(&mut **tx)
            .await?;
            for row in &duos {
                blockers.push(ErasureBlocker::OpenDuo {
                    duo_id: row.try_get("id")?,
                    state: crate::common::text_enum(
                        &row.try_get::<String, _>("state")?,
                        "state",
                        model::DuoState::parse,
                    )?,
                });
            }
            Ok(blockers)
        }

        /// Anonymises the people of `ids` at `now` in `tx` (see the module's documentation).
        async fn anonymise_people_in(
            tx: &mut sqlx::Transaction<'_, Db>,
            ids: &[i64],
            now: DateTime<Utc>,
        ) -> Result<u64> {
            if ids.is_empty() {
                return Ok(0);
            }
            let list = Json(ids.to_vec());
            let each = This::each_int("$1");
            let done = sqlx::query(&format!(
                "UPDATE job_seekers SET first_name = '{ANONYMOUS}', last_name = '{ANONYMOUS}', \
                 external_id = 'ANON-' || id, \
                 search_text = 'anonyme anonyme anon ' || id, \
                 email = NULL, phone = NULL, birth_date = NULL, \
                 consent_at = NULL, consent_scope = NULL, consent_recorded_at = $2, \
                 rqth_disclosed = FALSE, long_term_disclosed = FALSE, rsa_disclosed = FALSE, \
                 qpv_disclosed = FALSE, senior_disclosed = FALSE, \
                 young_unqualified_disclosed = FALSE, \
                 shared_evaluations = '[]', proven_skills = '[]', \
                 content_hash = 'anonymised', \
                 anonymised_at = $2, updated_at = $2 \
                 WHERE id IN ({each}) AND anonymised_at IS NULL"
            ))
            .bind(&list)
            .bind(now)
            .execute(&mut **tx)
            .await?
            .rows_affected();
            sqlx::query(&format!(
                "UPDATE referral_transitions SET note = NULL WHERE note IS NOT NULL AND \
                 referral_id IN (SELECT id FROM referrals WHERE job_seeker_id IN ({each}))"
            ))
            .bind(&list)
            .execute(&mut **tx)
            .await?;
            sqlx::query(&format!(
                "UPDATE referrals SET anonymised_at = $2 WHERE anonymised_at IS NULL \
                 AND state IN {CLOSED_REFERRAL} AND job_seeker_id IN ({each})"
            ))
            .bind(&list)
            .bind(now)
            .execute(&mut **tx)
            .await?;
            sqlx::query(&format!(
                "UPDATE duo_contacts SET note = NULL WHERE note IS NOT NULL AND \
                 duo_id IN (SELECT id FROM duos WHERE job_seeker_id IN ({each}))"
            ))
            .bind(&list)
            .execute(&mut **tx)
            .await?;
            // No way into the person's own space any more, no evaluation of them, and every
            // instance told at once that their consent is gone (the change log).
            for table in ["person_passes", "person_sessions", "evaluations"] {
                sqlx::query(&format!("DELETE FROM {table} WHERE job_seeker_id IN ({each})"))
                    .bind(&list)
                    .execute(&mut **tx)
                    .await?;
            }
            for id in ids {
                crate::changes::log_change!(*tx, *id, now);
            }
            Ok(done)
        }

        /// The people the job seeker rule anonymises at `now`.
        async fn people_to_anonymise(
            tx: &mut sqlx::Transaction<'_, Db>,
            cutoff: DateTime<Utc>,
            today: NaiveDate,
        ) -> Result<Vec<i64>> {
            let candidates: Vec<i64> = sqlx::query_scalar(&inactive_people())
                .bind(cutoff)
                .fetch_all(&mut **tx)
                .await?;
            // A hire that followed a training holds its person under the scheme's obligations.
            let hires = sqlx::query(
                "SELECT p.job_seeker_id, p.hire_starts_on, p.hire_months FROM training_plans p \
                 JOIN job_seekers j ON j.id = p.job_seeker_id \
                 WHERE p.state = 'hired' AND j.anonymised_at IS NULL",
            )
            .fetch_all(&mut **tx)
            .await?;
            let mut held = HashSet::new();
            for row in &hires {
                let Some(starts) = row.try_get::<Option<NaiveDate>, _>("hire_starts_on")? else {
                    continue;
                };
                let months: Option<i64> = row.try_get("hire_months")?;
                if hire_hold_until(starts, months.and_then(|m| u32::try_from(m).ok())) > today {
                    held.insert(row.try_get::<i64, _>("job_seeker_id")?);
                }
            }
            Ok(candidates.into_iter().filter(|id| !held.contains(id)).collect())
        }

        /// Applies one rule at `now` in its own transaction: how many records it covers.
        async fn apply_rule(
            &self,
            kind: RecordKind,
            cutoff: DateTime<Utc>,
            now: DateTime<Utc>,
            dry_run: bool,
        ) -> Result<u64> {
            let mut tx = self.begin_write().await?;
            let count = match kind {
                RecordKind::JobSeeker => {
                    let people = This::people_to_anonymise(&mut tx, cutoff, now.date_naive()).await?;
                    if dry_run {
                        people.len() as u64
                    } else {
                        This::anonymise_people_in(&mut tx, &people, now).await?
                    }
                }
                RecordKind::ClosedReferral => {
                    let ids: Vec<i64> = sqlx::query_scalar(&closed_referrals())
                        .bind(cutoff)
                        .fetch_all(&mut *tx)
                        .await?;
                    if !dry_run && !ids.is_empty() {
                        let list = Json(ids.clone());
                        let each = This::each_int("$1");
                        sqlx::query(&format!(
                            "UPDATE referral_transitions SET note = NULL WHERE note IS NOT NULL \
                             AND referral_id IN ({each})"
                        ))
                        .bind(&list)
                        .execute(&mut *tx)
                        .await?;
                        sqlx::query(&format!(
                            "UPDATE referrals SET anonymised_at = $2 WHERE id IN ({each})"
                        ))
                        .bind(&list)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                    }
                    ids.len() as u64
                }
                RecordKind::Session => {
                    delete_where(&mut tx, "sessions", "expires_at < $1", cutoff, dry_run).await?
                }
                RecordKind::ApiToken => {
                    delete_where(
                        &mut tx,
                        "api_tokens",
                        "(expires_at IS NOT NULL AND expires_at < $1) \
                         OR (revoked_at IS NOT NULL AND revoked_at < $1)",
                        cutoff,
                        dry_run,
                    )
                    .await?
                }
                RecordKind::OutboxMessage => {
                    delete_where(&mut tx, "outbox", "queued_at < $1", cutoff, dry_run).await?
                }
                RecordKind::PersonPass => {
                    delete_where(
                        &mut tx,
                        "person_passes",
                        "expires_at < $1 OR used_at < $1",
                        cutoff,
                        dry_run,
                    )
                    .await?
                }
                RecordKind::PersonSession => {
                    delete_where(&mut tx, "person_sessions", "expires_at < $1", cutoff, dry_run)
                        .await?
                }
                RecordKind::ConsentChange => {
                    delete_where(&mut tx, "job_seeker_changes", "changed_at < $1", cutoff, dry_run)
                        .await?
                }
                RecordKind::StaffInvitation => {
                    delete_where(
                        &mut tx,
                        "staff_invitations",
                        "expires_at < $1 OR accepted_at < $1 OR revoked_at < $1",
                        cutoff,
                        dry_run,
                    )
                    .await?
                }
            };
            if dry_run {
                tx.rollback().await?;
            } else {
                tx.commit().await?;
            }
            Ok(count)
        }
    }

    /// Deletes the rows of `table` matching `condition` (with `$1` the cutoff), or counts them.
    async fn delete_where(
        tx: &mut sqlx::Transaction<'_, Db>,
        table: &str,
        condition: &str,
        cutoff: DateTime<Utc>,
        dry_run: bool,
    ) -> Result<u64> {
        if dry_run {
            let count: i64 =
                sqlx::query_scalar(&format!("SELECT count(*) FROM {table} WHERE {condition}"))
                    .bind(cutoff)
                    .fetch_one(&mut **tx)
                    .await?;
            Ok(count.max(0) as u64)
        } else {
            Ok(sqlx::query(&format!("DELETE FROM {table} WHERE {condition}"))
                .bind(cutoff)
                .execute(&mut **tx)
                .await?
                .rows_affected())
        }
    }

    #[async_trait]
    impl Retention for This {
        async fn sweep(&self, now: DateTime<Utc>, dry_run: bool) -> Result<RetentionReport> {
            let mut counts = Vec::with_capacity(RULES.len());
            for rule in RULES {
                let count = self.apply_rule(rule.kind, rule.cutoff(now), now, dry_run).await?;
                counts.push(RuleCount {
                    kind: rule.kind,
                    disposal: rule.disposal,
                    count,
                });
            }
            Ok(RetentionReport {
                dry_run,
                at: now,
                counts,
            })
        }

        async fn erasure_blockers(
            &self,
            job_seeker_id: i64,
            now: DateTime<Utc>,
        ) -> Result<Vec<ErasureBlocker>> {
            let mut tx = self.pool.begin().await?;
            let known: Option<i64> = sqlx::query_scalar("SELECT id FROM job_seekers WHERE id = $1")
                .bind(job_seeker_id)
                .fetch_optional(&mut *tx)
                .await?;
            if known.is_none() {
                return Err(StoreError::NotFound(format!("job seeker {job_seeker_id}")));
            }
            let blockers = This::erasure_blockers_in(&mut tx, job_seeker_id, now.date_naive()).await?;
            tx.rollback().await?;
            Ok(blockers)
        }

        async fn file_erasure_request(
            &self,
            request: &NewErasureRequest,
            now: DateTime<Utc>,
        ) -> Result<ErasureRequest> {
            let mut tx = self.begin_write().await?;
            let known: Option<i64> = sqlx::query_scalar(&format!(
                "SELECT id FROM job_seekers WHERE id = $1{}",
                This::FOR_UPDATE
            ))
            .bind(request.job_seeker_id)
            .fetch_optional(&mut *tx)
            .await?;
            if known.is_none() {
                return Err(StoreError::NotFound(format!(
                    "job seeker {}",
                    request.job_seeker_id
                )));
            }
            let pending: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM erasure_requests WHERE job_seeker_id = $1 AND state = 'requested'",
            )
            .bind(request.job_seeker_id)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(pending) = pending {
                return Err(StoreError::Conflict(format!(
                    "job_seeker_id: an erasure request ({pending}) is already pending for this person"
                )));
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO erasure_requests (job_seeker_id, requested_by, requested_by_user_id, \
                 requested_at, state) VALUES ($1, $2, $3, $4, 'requested') RETURNING id",
            )
            .bind(request.job_seeker_id)
            .bind(request.requested_by.as_str())
            .bind(request.requested_by_user)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            let stored = This::erasure_in(&mut tx, id).await?;
            tx.commit().await?;
            Ok(stored)
        }

        async fn erasure_requests(&self, state: Option<ErasureState>) -> Result<Vec<ErasureRequest>> {
            let order = "ORDER BY CASE WHEN state = 'requested' THEN 0 ELSE 1 END, \
                         requested_at DESC, id DESC";
            let select = erasure_select(This::json_text);
            let rows = match state {
                Some(state) => {
                    sqlx::query(&format!("{select} WHERE state = $1 {order}"))
                        .bind(state.as_str())
                        .fetch_all(&self.pool)
                        .await?
                }
                None => {
                    sqlx::query(&format!("{select} {order}"))
                        .fetch_all(&self.pool)
                        .await?
                }
            };
            rows.iter().map(|row| erasure_from_row!(row)).collect()
        }

        async fn erasure_request(&self, id: i64) -> Result<Option<ErasureRequest>> {
            let select = erasure_select(This::json_text);
            This::by_id(&self.pool, &select, id, |row| erasure_from_row!(row)).await
        }

        async fn process_erasure_request(
            &self,
            id: i64,
            by_user: i64,
            now: DateTime<Utc>,
        ) -> Result<ProcessedErasure> {
            let mut tx = self.begin_write().await?;
            let select = erasure_select(This::json_text);
            let request = This::locked_by_id(&mut tx, &select, id, |row| erasure_from_row!(row))
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("erasure request {id}")))?;
            if request.state != ErasureState::Requested {
                return Err(StoreError::Conflict(format!(
                    "state: the request was already processed ({})",
                    request.state
                )));
            }
            let person = request.job_seeker_id;
            let recipient: Option<String> = sqlx::query_scalar(&format!(
                "SELECT email FROM job_seekers WHERE id = $1{}",
                This::FOR_UPDATE
            ))
            .bind(person)
            .fetch_one(&mut *tx)
            .await?;
            let blockers = This::erasure_blockers_in(&mut tx, person, now.date_naive()).await?;
            let state = if blockers.is_empty() {
                This::anonymise_people_in(&mut tx, &[person], now).await?;
                if let Some(address) = &recipient {
                    sqlx::query("DELETE FROM outbox WHERE lower(recipient) = lower($1)")
                        .bind(address)
                        .execute(&mut *tx)
                        .await?;
                }
                ErasureState::Done
            } else {
                ErasureState::Refused
            };
            sqlx::query(
                "UPDATE erasure_requests SET state = $2, blockers = $3, processed_at = $4, \
                 processed_by_user_id = $5 WHERE id = $1",
            )
            .bind(id)
            .bind(state.as_str())
            .bind(Json(&blockers))
            .bind(now)
            .bind(by_user)
            .execute(&mut *tx)
            .await?;
            let request = This::erasure_in(&mut tx, id).await?;
            tx.commit().await?;
            Ok(ProcessedErasure { request, recipient })
        }
    }
}

#[cfg(test)]
mod tests {
    /// The search text an anonymised person is given in SQL is the one the code computes.
    #[test]
    fn anonymised_search_text_is_normalised() {
        assert_eq!(
            crate::job_seeker_rows::search_text(super::ANONYMOUS, super::ANONYMOUS, "ANON-42"),
            "anonyme anonyme anon 42"
        );
    }
}
