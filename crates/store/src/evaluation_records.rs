//! Shared evaluations (issue 21): recorded by a structure, read by every structure the person
//! shares their kind with. Every change to a person's evaluations, or to the kinds they share,
//! rewrites their `proven_skills` (what the engine counts) and logs a change, in the same
//! transaction, so that every instance's engine takes it in at once.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use model::evaluations::{Evaluation, EvaluationKind, EvaluationRecord, ProvenSkill};
use sqlx::types::Json;

use crate::Result;
use crate::backend::both_backends;
use crate::common::*;

/// Evaluations of people.
#[async_trait]
pub trait Evaluations: Send + Sync {
    /// Records an evaluation of the job seeker by `structure_id`; `None` when there is no such
    /// job seeker.
    async fn record_evaluation(
        &self,
        job_seeker_id: i64,
        structure_id: i64,
        recorded_by: Option<i64>,
        record: &EvaluationRecord,
        now: DateTime<Utc>,
    ) -> Result<Option<Evaluation>>;

    /// A person's evaluations, oldest first (every structure's: callers keep what the viewer
    /// may see, [`Evaluation::visible_to`]).
    async fn evaluations_of(&self, job_seeker_id: i64) -> Result<Vec<Evaluation>>;

    async fn evaluation(&self, id: i64) -> Result<Option<Evaluation>>;

    /// Deletes an evaluation (a mistake, or withdrawn by the structure that recorded it).
    /// Whether there was one.
    async fn delete_evaluation(&self, id: i64, now: DateTime<Utc>) -> Result<bool>;

    /// The kinds of evaluation the person shares with other structures.
    async fn shared_evaluation_kinds(&self, job_seeker_id: i64) -> Result<Vec<EvaluationKind>>;

    /// A past year's evaluations and sharings (the simulated region's), written whole in one
    /// transaction: each evaluation `(job seeker, recording structure, record, when)`, then
    /// each sharing `(job seeker, the consent as it stood with the kinds shared, when)` —
    /// kept in the consent's history and as what the person shares now, the consent's scope
    /// and disclosures left as they are — and the skills they prove. Nothing is logged for
    /// the running engines: a region is simulated before it is served.
    async fn record_past_evaluations(
        &self,
        evaluations: &[PastEvaluation],
        sharings: &[PastSharing],
    ) -> Result<()>;
}

/// An evaluation of the past: the job seeker, the structure that recorded it, what, when.
pub type PastEvaluation = (i64, i64, EvaluationRecord, DateTime<Utc>);

/// A sharing of the past: the job seeker, their consent then (with the kinds shared), when.
pub type PastSharing = (i64, model::ConsentChange, DateTime<Utc>);

#[derive(sqlx::FromRow)]
struct EvaluationRow {
    id: i64,
    job_seeker_id: i64,
    kind: String,
    subject: String,
    result: String,
    evaluated_on: NaiveDate,
    valid_until: Option<NaiveDate>,
    issuer: String,
    structure_id: i64,
    recorded_by_user_id: Option<i64>,
    recorded_at: DateTime<Utc>,
}

impl EvaluationRow {
    fn into_evaluation(self) -> Result<Evaluation> {
        Ok(Evaluation {
            id: self.id,
            job_seeker_id: self.job_seeker_id,
            record: EvaluationRecord {
                kind: text_enum(&self.kind, "kind", EvaluationKind::parse)?,
                subject: self.subject,
                result: self.result,
                evaluated_on: self.evaluated_on,
                valid_until: self.valid_until,
                issuer: self.issuer,
            },
            structure_id: self.structure_id,
            recorded_by: self.recorded_by_user_id,
            recorded_at: self.recorded_at,
        })
    }
}

/// An evaluation written, its ten columns bound in order.
const INSERT: &str = "INSERT INTO evaluations (job_seeker_id, kind, subject, result, \
    evaluated_on, valid_until, issuer, structure_id, recorded_by_user_id, recorded_at) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

const COLUMNS: &str = "id, job_seeker_id, kind, subject, result, evaluated_on, valid_until, \
    issuer, structure_id, recorded_by_user_id, recorded_at";

/// The skills a person's evaluations prove, from those of the kinds they share.
pub(crate) fn proven(
    evaluations: &[(String, String, String, Option<NaiveDate>)],
    shared: &[EvaluationKind],
) -> Vec<ProvenSkill> {
    let mut skills: Vec<ProvenSkill> = Vec::new();
    for (kind, subject, result, until) in evaluations {
        let Some(kind) = EvaluationKind::parse(kind) else {
            continue;
        };
        if !shared.contains(&kind) || !kind.spec().proves_skill || result != "obtained" {
            continue;
        }
        // The same skill proven twice holds until the later day (or for good).
        match skills.iter_mut().find(|p| p.skill == *subject) {
            Some(p) => {
                p.until = match (p.until, until) {
                    (Some(a), Some(b)) => Some(a.max(*b)),
                    _ => None,
                }
            }
            None => skills.push(ProvenSkill {
                skill: subject.clone(),
                until: *until,
            }),
        }
    }
    skills
}

/// Rewrites a person's `proven_skills` from their evaluations and the kinds they share, in
/// the transaction `$tx` (of the backend `This`).
macro_rules! refresh_proven {
    ($tx:expr, $job_seeker_id:expr) => {{
        let shared: Option<String> = sqlx::query_scalar(&format!(
            "SELECT {} FROM job_seekers WHERE id = $1",
            <This as $crate::backend::Dialect>::json_text("shared_evaluations")
        ))
        .bind($job_seeker_id)
        .fetch_optional(&mut *$tx)
        .await?;
        let shared: Vec<model::evaluations::EvaluationKind> = match shared {
            Some(text) => $crate::common::from_json(&text, "shared_evaluations")?,
            None => Vec::new(),
        };
        let rows: Vec<(String, String, String, Option<chrono::NaiveDate>)> = sqlx::query_as(
            "SELECT kind, subject, result, valid_until FROM evaluations WHERE job_seeker_id = $1 \
             ORDER BY id",
        )
        .bind($job_seeker_id)
        .fetch_all(&mut *$tx)
        .await?;
        let proven = $crate::evaluation_records::proven(&rows, &shared);
        sqlx::query("UPDATE job_seekers SET proven_skills = $1 WHERE id = $2")
            .bind(sqlx::types::Json(&proven))
            .bind($job_seeker_id)
            .execute(&mut *$tx)
            .await?;
    }};
}
pub(crate) use refresh_proven;

both_backends! {
    impl This {
        /// Writes an evaluation in `tx` and reads it back as stored.
        async fn insert_evaluation(
            tx: &mut sqlx::Transaction<'_, Db>,
            job_seeker_id: i64,
            structure_id: i64,
            recorded_by: Option<i64>,
            record: &EvaluationRecord,
            at: DateTime<Utc>,
        ) -> Result<EvaluationRow> {
            Ok(sqlx::query_as(&format!("{INSERT} RETURNING {COLUMNS}"))
                .bind(job_seeker_id)
                .bind(record.kind.as_str())
                .bind(&record.subject)
                .bind(&record.result)
                .bind(record.evaluated_on)
                .bind(record.valid_until)
                .bind(&record.issuer)
                .bind(structure_id)
                .bind(recorded_by)
                .bind(at)
                .fetch_one(&mut **tx)
                .await?)
        }
    }
}

both_backends! {
    #[async_trait]
    impl Evaluations for This {
        async fn record_evaluation(
            &self,
            job_seeker_id: i64,
            structure_id: i64,
            recorded_by: Option<i64>,
            record: &EvaluationRecord,
            now: DateTime<Utc>,
        ) -> Result<Option<Evaluation>> {
            let mut tx = self.begin_write().await?;
            let exists: Option<i64> = sqlx::query_scalar(&format!(
                "SELECT id FROM job_seekers WHERE id = $1{}",
                This::FOR_UPDATE
            ))
            .bind(job_seeker_id)
            .fetch_optional(&mut *tx)
            .await?;
            if exists.is_none() {
                return Ok(None);
            }
            let row =
                This::insert_evaluation(&mut tx, job_seeker_id, structure_id, recorded_by, record, now)
                    .await?;
            if record.kind.spec().proves_skill {
                refresh_proven!(tx, job_seeker_id);
                crate::changes::log_change!(tx, job_seeker_id, now);
            }
            tx.commit().await?;
            row.into_evaluation().map(Some)
        }

        async fn evaluations_of(&self, job_seeker_id: i64) -> Result<Vec<Evaluation>> {
            let rows: Vec<EvaluationRow> = sqlx::query_as(&format!(
                "SELECT {COLUMNS} FROM evaluations WHERE job_seeker_id = $1 ORDER BY id"
            ))
            .bind(job_seeker_id)
            .fetch_all(&self.pool)
            .await?;
            rows.into_iter().map(EvaluationRow::into_evaluation).collect()
        }

        async fn evaluation(&self, id: i64) -> Result<Option<Evaluation>> {
            let row: Option<EvaluationRow> = sqlx::query_as(&format!(
                "SELECT {COLUMNS} FROM evaluations WHERE id = $1"
            ))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
            row.map(EvaluationRow::into_evaluation).transpose()
        }

        async fn delete_evaluation(&self, id: i64, now: DateTime<Utc>) -> Result<bool> {
            let mut tx = self.begin_write().await?;
            let deleted: Option<(i64, String)> = sqlx::query_as(
                "DELETE FROM evaluations WHERE id = $1 RETURNING job_seeker_id, kind",
            )
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((job_seeker_id, kind)) = deleted else {
                return Ok(false);
            };
            if EvaluationKind::parse(&kind).is_some_and(|k| k.spec().proves_skill) {
                refresh_proven!(tx, job_seeker_id);
                crate::changes::log_change!(tx, job_seeker_id, now);
            }
            tx.commit().await?;
            Ok(true)
        }

        async fn record_past_evaluations(
            &self,
            evaluations: &[PastEvaluation],
            sharings: &[PastSharing],
        ) -> Result<()> {
            let mut tx = self.begin_write().await?;
            let mut touched: Vec<i64> = Vec::new();
            for (job_seeker_id, structure_id, record, at) in evaluations {
                This::insert_evaluation(&mut tx, *job_seeker_id, *structure_id, None, record, *at)
                    .await?;
                if record.kind.spec().proves_skill {
                    touched.push(*job_seeker_id);
                }
            }
            for (job_seeker_id, change, at) in sharings {
                let shared = shared_json(&change.shared_evaluations);
                let disclosed: Vec<&str> = change.disclosed.iter().map(|s| s.as_str()).collect();
                sqlx::query("UPDATE job_seekers SET shared_evaluations = $1 WHERE id = $2")
                    .bind(&shared)
                    .bind(job_seeker_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "INSERT INTO consent_events (job_seeker_id, scope, channel, disclosed, \
                     shared_evaluations, recorded_by_user_id, recorded_at) \
                     VALUES ($1, $2, $3, $4, $5, NULL, $6)",
                )
                .bind(job_seeker_id)
                .bind(change.scope.map(model::ConsentScope::as_str))
                .bind(change.channel.as_str())
                .bind(Json(&disclosed))
                .bind(&shared)
                .bind(at)
                .execute(&mut *tx)
                .await?;
                touched.push(*job_seeker_id);
            }
            touched.sort_unstable();
            touched.dedup();
            for job_seeker_id in touched {
                refresh_proven!(tx, job_seeker_id);
            }
            tx.commit().await?;
            Ok(())
        }

        async fn shared_evaluation_kinds(&self, job_seeker_id: i64) -> Result<Vec<EvaluationKind>> {
            let text: Option<String> = sqlx::query_scalar(&format!(
                "SELECT {} FROM job_seekers WHERE id = $1",
                This::json_text("shared_evaluations")
            ))
            .bind(job_seeker_id)
            .fetch_optional(&self.pool)
            .await?;
            match text {
                Some(text) => from_json(&text, "shared_evaluations"),
                None => Ok(Vec::new()),
            }
        }
    }
}

/// The kinds shared, as stored.
pub(crate) fn shared_json(kinds: &[EvaluationKind]) -> Json<Vec<&'static str>> {
    Json(kinds.iter().map(|k| k.as_str()).collect())
}
