//! Referrals: a person proposed for an offer, and the moves of the workflow that follows, each
//! logged and audited in the same transaction. Which moves are allowed is the workflow's
//! business (`model::workflow`), not the store's.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row as _;

use crate::backend::both_backends;
use crate::bulk::Value;
use crate::common::*;
use crate::{Result, StoreError};
use model::*;

/// Referrals and their log.
#[async_trait]
pub trait Referrals: Send + Sync {
    /// Records a proposal (state `proposed`) and its first log line, and appends `audit` (its
    /// `subject_id` set to the new referral's id) to the audit trail, in one transaction.
    async fn create_referral(
        &self,
        job_seeker_id: i64,
        offer_id: i64,
        proposed_by: Option<i64>,
        audit: Option<&NewAuditEvent>,
        now: DateTime<Utc>,
    ) -> Result<Referral>;

    /// Moves a referral from `request.from` to `request.to`, logs it and appends `audit` to the
    /// audit trail, in one transaction; a [`StoreError::Conflict`] if its state is no longer
    /// `request.from`. Which moves are allowed is the workflow's business, not the store's.
    async fn transition_referral(
        &self,
        request: &TransitionRequest,
        audit: Option<&NewAuditEvent>,
        now: DateTime<Utc>,
    ) -> Result<Referral>;

    /// Moves a referral from `moves.0` to `moves.1` by no one in particular, with no note,
    /// reason nor audit, a hire starting on `hire_starts_on`: history written after the fact.
    async fn move_referral_plainly(
        &self,
        referral_id: i64,
        moves: (ReferralState, ReferralState),
        hire_starts_on: Option<NaiveDate>,
        now: DateTime<Utc>,
    ) -> Result<Referral> {
        let (from, to) = moves;
        let request = TransitionRequest {
            hire_starts_on,
            ..TransitionRequest::plain(referral_id, from, to)
        };
        self.transition_referral(&request, None, now).await
    }

    async fn referral(&self, referral_id: i64) -> Result<Option<Referral>>;

    /// Referrals in `scope` with an id above `after`, by id, at most `limit`.
    async fn referrals(
        &self,
        scope: ReferralScope,
        after: i64,
        limit: u32,
    ) -> Result<Vec<Referral>>;

    /// Referrals still open (proposed, accepted, interview) last changed at or before `before`: the
    /// candidates for expiry. Not those that a training plan follows (its person trains before
    /// the hire, for months: the plan is abandoned, or ends in the hire, by its own moves).
    async fn referrals_idle_since(&self, before: DateTime<Utc>) -> Result<Vec<Referral>>;

    /// The transitions of a referral, oldest first.
    async fn referral_log(&self, referral_id: i64) -> Result<Vec<ReferralTransition>>;

    /// Writes referrals of the past whole (the simulated region's year of sourcing), in one
    /// transaction and two bulk writes: each referral in the state of its last move, changed
    /// on that move's day, and its log as the moves would have written it one by one (the
    /// proposal, then every move with its day and note). Refused whole if one of them could
    /// not have happened (`PastReferral::problem`) or its person was already proposed for
    /// its offer. Their ids, in order.
    async fn record_past_referrals(&self, referrals: &[PastReferral]) -> Result<Vec<i64>>;
}

/// The columns of `referrals` a bulk write fills.
const PAST_REFERRAL_COLUMNS: [&str; 8] = [
    "job_seeker_id",
    "offer_id",
    "state",
    "proposed_by_user_id",
    "hire_starts_on",
    "not_hired_reason",
    "created_at",
    "updated_at",
];

/// The columns of `referral_transitions` a bulk write fills.
const TRANSITION_COLUMNS: [&str; 6] = [
    "referral_id",
    "from_state",
    "to_state",
    "by_user_id",
    "note",
    "at",
];

/// A past referral's row of `referrals`.
fn past_referral_row(r: &PastReferral) -> Vec<Value<'_>> {
    vec![
        Value::Int(Some(r.job_seeker_id)),
        Value::Int(Some(r.offer_id)),
        Value::Text(Some(r.state().as_str())),
        Value::Int(r.proposed_by),
        Value::Date(r.hire_starts_on()),
        Value::Text(r.not_hired_reason()),
        Value::Time(Some(r.proposed_at)),
        Value::Time(Some(r.updated_at())),
    ]
}

/// A past referral's log: its proposal, then each move from the state before it.
fn past_log_rows(id: i64, r: &PastReferral) -> Vec<Vec<Value<'_>>> {
    let mut rows = vec![vec![
        Value::Int(Some(id)),
        Value::Text(None),
        Value::Text(Some(ReferralState::Proposed.as_str())),
        Value::Int(r.proposed_by),
        Value::Text(None),
        Value::Time(Some(r.proposed_at)),
    ]];
    let mut from = ReferralState::Proposed;
    for m in &r.moves {
        rows.push(vec![
            Value::Int(Some(id)),
            Value::Text(Some(from.as_str())),
            Value::Text(Some(m.to.as_str())),
            Value::Int(None),
            Value::Text(m.note.as_deref()),
            Value::Time(Some(m.at)),
        ]);
        from = m.to;
    }
    rows
}

pub const REFERRAL_SELECT: &str = "SELECT r.id, r.job_seeker_id, r.offer_id, r.state, \
    r.proposed_by_user_id, r.hire_starts_on, r.not_hired_reason, r.created_at, r.updated_at \
    FROM referrals r";

/// A row of `referrals` as [`REFERRAL_SELECT`] and `RETURNING` read it.
#[derive(sqlx::FromRow)]
struct ReferralRow {
    id: i64,
    job_seeker_id: i64,
    offer_id: i64,
    state: String,
    proposed_by_user_id: Option<i64>,
    hire_starts_on: Option<NaiveDate>,
    not_hired_reason: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<ReferralRow> for Referral {
    type Error = StoreError;

    fn try_from(row: ReferralRow) -> Result<Self> {
        Ok(Referral {
            id: row.id,
            job_seeker_id: row.job_seeker_id,
            offer_id: row.offer_id,
            state: text_enum(&row.state, "state", ReferralState::parse)?,
            proposed_by: row.proposed_by_user_id,
            hire_starts_on: row.hire_starts_on,
            not_hired_reason: row.not_hired_reason,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// A row of `referral_transitions`.
#[derive(sqlx::FromRow)]
struct TransitionRow {
    referral_id: i64,
    from_state: Option<String>,
    to_state: String,
    by_user_id: Option<i64>,
    note: Option<String>,
    at: DateTime<Utc>,
}

impl TryFrom<TransitionRow> for ReferralTransition {
    type Error = StoreError;

    fn try_from(row: TransitionRow) -> Result<Self> {
        Ok(ReferralTransition {
            referral_id: row.referral_id,
            from: row
                .from_state
                .map(|s| text_enum(&s, "from_state", ReferralState::parse))
                .transpose()?,
            to: text_enum(&row.to_state, "to_state", ReferralState::parse)?,
            by: row.by_user_id,
            note: row.note,
            at: row.at,
        })
    }
}

/// The query of one page of a referral listing: the referrals of `scope` after the id `$1`, at
/// most `$2`, in id order, and the scope's id to bind as `$3` when it has one.
fn referral_listing(scope: ReferralScope) -> (String, Option<i64>) {
    let (filter, id) = referral_scope_filter(scope, "$3");
    (
        format!("{REFERRAL_SELECT} WHERE {filter} AND r.id > $1 ORDER BY r.id LIMIT $2"),
        id,
    )
}

/// The WHERE clause of a referral listing (`r` is the referral), with the numbered
/// `placeholder` for the scope's id when it has one (a structure's scope names it twice: one
/// bound value serves both). Each side is a plain list subquery, evaluated once, so that both
/// backends read the referrals through their offer and job seeker indexes rather than test
/// every referral in turn (a subquery correlated to each row did that: 2.4 s for an agency's
/// page of 100 among 39,000 referrals, 3 ms now).
pub(crate) fn referral_scope_filter(
    scope: ReferralScope,
    placeholder: &str,
) -> (String, Option<i64>) {
    match scope {
        ReferralScope::OfferOwner(id) => (
            format!("r.offer_id IN (SELECT id FROM offers WHERE structure_id = {placeholder})"),
            Some(id),
        ),
        ReferralScope::JobSeekerAgency(id) => (
            format!(
                "r.job_seeker_id IN (SELECT id FROM job_seekers WHERE agency_structure_id = \
                 {placeholder})"
            ),
            Some(id),
        ),
        ReferralScope::Structure(id) => (
            format!(
                "(r.offer_id IN (SELECT id FROM offers WHERE structure_id = {placeholder}) OR \
                 r.job_seeker_id IN (SELECT id FROM job_seekers WHERE agency_structure_id = \
                 {placeholder}))"
            ),
            Some(id),
        ),
        ReferralScope::JobSeeker(id) => (format!("r.job_seeker_id = {placeholder}"), Some(id)),
        ReferralScope::Offer(id) => (format!("r.offer_id = {placeholder}"), Some(id)),
        ReferralScope::All => ("TRUE".to_string(), None),
    }
}

/// Whether a person's consent (its scope, their department, the offer's department) covers a
/// proposal; `None` (no such person or offer) is left to the foreign keys.
pub fn check_consent_covers(found: Option<(Option<String>, String, String)>) -> Result<()> {
    match found {
        Some((None, _, _)) => Err(StoreError::Invalid(
            "job_seeker_id: this person has not consented to be proposed to agencies".to_string(),
        )),
        Some((Some(scope), person, offer))
            if scope == ConsentScope::DepartmentAgencies.as_str() && person != offer =>
        {
            Err(StoreError::Invalid(
                "job_seeker_id: this person consented to the agencies of their department only"
                    .to_string(),
            ))
        }
        _ => Ok(()),
    }
}

/// The states a referral can still leave: expiry looks at these.
pub const OPEN_REFERRAL_STATES: &str = "('proposed', 'accepted', 'interview')";

/// Checks a transition request before it reaches the database.
pub fn check_transition(request: &TransitionRequest) -> Result<()> {
    if request.hire_starts_on.is_some() && request.to != ReferralState::Hired {
        return Err(StoreError::Invalid(
            "hire_starts_on: only for a hire".to_string(),
        ));
    }
    if request.not_hired_reason.is_some() && request.to != ReferralState::NotHired {
        return Err(StoreError::Invalid(
            "not_hired_reason: only when not hired".to_string(),
        ));
    }
    Ok(())
}

both_backends! {
    #[async_trait]
    impl Referrals for This {
        async fn create_referral(
            &self,
            job_seeker_id: i64,
            offer_id: i64,
            proposed_by: Option<i64>,
            audit: Option<&NewAuditEvent>,
            now: DateTime<Utc>,
        ) -> Result<Referral> {
            let mut tx = self.begin_write().await?;
            // The person's consent, read under the write lock (SQLite) or a share lock on their
            // row (PostgreSQL): a withdrawal recorded meanwhile either commits first, and this
            // proposal is refused, or waits for it, and then cancels it.
            check_consent_covers(
                sqlx::query(&format!(
                    "SELECT j.consent_scope, {PERSON_DEPARTMENT} AS person_department, \
                     {DEPARTMENT_OF_COMMUNE} AS offer_department \
                     FROM job_seekers j, offers o WHERE j.id = $1 AND o.id = $2{}",
                    This::FOR_SHARE_OF_PERSON
                ))
                .bind(job_seeker_id)
                .bind(offer_id)
                .fetch_optional(&mut *tx)
                .await?
                .map(|row| -> Result<_> {
                    Ok((
                        row.try_get::<Option<String>, _>("consent_scope")?,
                        row.try_get::<String, _>("person_department")?,
                        row.try_get::<String, _>("offer_department")?,
                    ))
                })
                .transpose()?,
            )?;
            let row: ReferralRow = sqlx::query_as(
                "INSERT INTO referrals (job_seeker_id, offer_id, state, proposed_by_user_id, created_at, updated_at) \
                 VALUES ($1, $2, 'proposed', $3, $4, $4) \
                 RETURNING id, job_seeker_id, offer_id, state, proposed_by_user_id, hire_starts_on, \
                 not_hired_reason, created_at, updated_at",
            )
            .bind(job_seeker_id)
            .bind(offer_id)
            .bind(proposed_by)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            let referral = Referral::try_from(row)?;
            sqlx::query(
                "INSERT INTO referral_transitions (referral_id, from_state, to_state, by_user_id, at) \
                 VALUES ($1, NULL, 'proposed', $2, $3)",
            )
            .bind(referral.id)
            .bind(proposed_by)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            if let Some(event) = audit {
                let event = NewAuditEvent {
                    subject_id: Some(referral.id),
                    ..event.clone()
                };
                This::append_chained(&mut tx, std::slice::from_ref(&event), now).await?;
            }
            tx.commit().await?;
            Ok(referral)
        }

        async fn transition_referral(
            &self,
            request: &TransitionRequest,
            audit: Option<&NewAuditEvent>,
            now: DateTime<Utc>,
        ) -> Result<Referral> {
            check_transition(request)?;
            let mut tx = self.begin_write().await?;
            let row: Option<ReferralRow> = sqlx::query_as(
                "UPDATE referrals SET state = $1, hire_starts_on = $2, not_hired_reason = $3, updated_at = $4 \
                 WHERE id = $5 AND state = $6 \
                 RETURNING id, job_seeker_id, offer_id, state, proposed_by_user_id, hire_starts_on, \
                 not_hired_reason, created_at, updated_at",
            )
            .bind(request.to.as_str())
            .bind(request.hire_starts_on)
            .bind(&request.not_hired_reason)
            .bind(now)
            .bind(request.referral_id)
            .bind(request.from.as_str())
            .fetch_optional(&mut *tx)
            .await?;
            let Some(row) = row else {
                let current: Option<String> =
                    sqlx::query_scalar("SELECT state FROM referrals WHERE id = $1")
                        .bind(request.referral_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                return Err(match current {
                    None => StoreError::NotFound(format!("referral {}", request.referral_id)),
                    Some(state) => StoreError::Conflict(format!(
                        "referral {} is {state}, not {}",
                        request.referral_id, request.from
                    )),
                });
            };
            let referral = Referral::try_from(row)?;
            sqlx::query(
                "INSERT INTO referral_transitions (referral_id, from_state, to_state, by_user_id, note, at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(request.referral_id)
            .bind(request.from.as_str())
            .bind(request.to.as_str())
            .bind(request.by)
            .bind(&request.note)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            if let Some(event) = audit {
                This::append_chained(&mut tx, std::slice::from_ref(event), now).await?;
            }
            tx.commit().await?;
            Ok(referral)
        }

        async fn referral(&self, referral_id: i64) -> Result<Option<Referral>> {
            let row: Option<ReferralRow> =
                sqlx::query_as(&format!("{REFERRAL_SELECT} WHERE id = $1"))
                    .bind(referral_id)
                    .fetch_optional(&self.pool)
                    .await?;
            row.map(Referral::try_from).transpose()
        }

        async fn referrals(
            &self,
            scope: ReferralScope,
            after: i64,
            limit: u32,
        ) -> Result<Vec<Referral>> {
            let (sql, id) = referral_listing(scope);
            let mut query = sqlx::query_as::<_, ReferralRow>(&sql)
                .bind(after)
                .bind(i64::from(limit));
            if let Some(id) = id {
                query = query.bind(id);
            }
            let rows = query.fetch_all(&self.pool).await?;
            rows.into_iter().map(Referral::try_from).collect()
        }

        async fn referrals_idle_since(&self, before: DateTime<Utc>) -> Result<Vec<Referral>> {
            let rows: Vec<ReferralRow> = sqlx::query_as(&format!(
                "{REFERRAL_SELECT} WHERE r.state IN {OPEN_REFERRAL_STATES} AND r.updated_at <= $1 \
                 AND NOT EXISTS (SELECT 1 FROM training_plans p WHERE p.referral_id = r.id \
                 AND p.state <> 'abandoned') ORDER BY r.id"
            ))
            .bind(before)
            .fetch_all(&self.pool)
            .await?;
            rows.into_iter().map(Referral::try_from).collect()
        }

        async fn record_past_referrals(&self, referrals: &[PastReferral]) -> Result<Vec<i64>> {
            for (i, r) in referrals.iter().enumerate() {
                if let Some(problem) = r.problem() {
                    return Err(StoreError::Invalid(format!("referrals[{i}].{problem}")));
                }
            }
            if referrals.is_empty() {
                return Ok(Vec::new());
            }
            let mut tx = self.begin_write().await?;
            // The rows written are those past the highest id now (ids only grow), told apart
            // from any other transaction's by their person and offer, unique.
            let before: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM referrals")
                .fetch_one(&mut *tx)
                .await?;
            let rows: Vec<Vec<Value<'_>>> = referrals.iter().map(past_referral_row).collect();
            This::insert_rows(&mut tx, "referrals", &PAST_REFERRAL_COLUMNS, &rows).await?;
            let written: HashMap<(i64, i64), i64> = sqlx::query(
                "SELECT id, job_seeker_id, offer_id FROM referrals WHERE id > $1",
            )
            .bind(before)
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|row| -> Result<_> {
                Ok((
                    (row.try_get("job_seeker_id")?, row.try_get("offer_id")?),
                    row.try_get("id")?,
                ))
            })
            .collect::<Result<_>>()?;
            let mut ids = Vec::with_capacity(referrals.len());
            let mut log = Vec::new();
            for r in referrals {
                let id = *written.get(&(r.job_seeker_id, r.offer_id)).ok_or_else(|| {
                    StoreError::Corrupt(format!(
                        "the referral of {} for {} was not read back",
                        r.job_seeker_id, r.offer_id
                    ))
                })?;
                ids.push(id);
                log.extend(past_log_rows(id, r));
            }
            This::insert_rows(&mut tx, "referral_transitions", &TRANSITION_COLUMNS, &log).await?;
            tx.commit().await?;
            Ok(ids)
        }

        async fn referral_log(&self, referral_id: i64) -> Result<Vec<ReferralTransition>> {
            let rows: Vec<TransitionRow> = sqlx::query_as(
                "SELECT referral_id, from_state, to_state, by_user_id, note, at FROM referral_transitions \
                 WHERE referral_id = $1 ORDER BY id",
            )
            .bind(referral_id)
            .fetch_all(&self.pool)
            .await?;
            rows.into_iter().map(ReferralTransition::try_from).collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use sqlx::sqlite::SqlitePoolOptions;

    use super::*;
    use crate::backend::SQLITE_MIGRATIONS;

    /// SQLite's plan of a page of `scope`'s listing, a step a line.
    async fn sqlite_plan(scope: ReferralScope) -> Vec<String> {
        // One connection: each connection to `:memory:` is a database of its own.
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect("sqlite::memory:")
            .await
            .expect("an in-memory SQLite database");
        SQLITE_MIGRATIONS.run(&pool).await.expect("the migrations");
        let (sql, id) = referral_listing(scope);
        let rows = sqlx::query(&format!("EXPLAIN QUERY PLAN {sql}"))
            .bind(0_i64)
            .bind(100_i64)
            .bind(id)
            .fetch_all(&pool)
            .await
            .expect("the plan");
        rows.iter()
            .map(|row| row.get::<String, _>("detail"))
            .collect()
    }

    /// An advisor lists the referrals of their agency's offers and of the people it follows.
    /// Each side is read through its index, once: a subquery correlated to each referral walked
    /// the whole table for every page (1.8 s a page at 39,000 referrals, BENCHMARKS.md, "Soak").
    #[tokio::test]
    async fn a_structures_listing_reads_referrals_through_their_indexes() {
        let plan = sqlite_plan(ReferralScope::Structure(1)).await;
        assert!(
            !plan.iter().any(|step| step.contains("CORRELATED")),
            "{plan:#?}"
        );
        for index in ["referrals_offer", "referrals_job_seeker"] {
            assert!(
                plan.iter().any(|step| step.contains(index)),
                "{index}: {plan:#?}"
            );
        }
    }
}
