//! What the duos add up to, for the steering committee: the counts of a period, and what the
//! pilot's evaluation reads (the people seeking the duos' occupations, the hires recorded
//! for anyone by the same instruments). Aggregates only leave the service.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row as _;

use crate::Result;
use crate::backend::both_backends;
use crate::common::*;
use domain::RomeCode;
use model::*;

/// Counts of a period's duos, for the steering committee.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct DuoCounts {
    /// Mentors registered and not withdrawn.
    pub mentors: u64,
    pub proposed: u64,
    /// Accepted by both sides.
    pub accepted: u64,
    pub completed: u64,
    pub stopped: u64,
    pub contacts: u64,
    /// Active duos with nothing logged for three weeks, now.
    pub silent: u64,
    /// Outcomes at the end: (job, training, immersion, none).
    pub outcomes_at_end: [u64; 4],
    /// Outcomes six months after: (job, training, immersion, none).
    pub outcomes_at_six_months: [u64; 4],
}

/// A person of the evaluation's population: where they live, since when they are registered,
/// which priority statuses they hold (bits in `PriorityStatus::ALL`'s order) and the
/// occupations they seek. Read for aggregates only: nobody is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvaluationPerson {
    pub id: i64,
    pub commune: String,
    pub registered_on: NaiveDate,
    pub statuses: u8,
    pub romes: Vec<String>,
}

/// The duos' figures.
#[async_trait]
pub trait DuoFigures: Send + Sync {
    /// The counts of the duos proposed in `[since, until)`, and the silent ones at `today`.
    async fn duo_counts(
        &self,
        since: DateTime<Utc>,
        until: DateTime<Utc>,
        today: NaiveDate,
    ) -> Result<DuoCounts>;

    /// The people who seek one of `romes`, for the pilot's evaluation (its comparison groups).
    async fn evaluation_population(&self, romes: &[RomeCode]) -> Result<Vec<EvaluationPerson>>;

    /// Every hire recorded for a person from `since` on, by the same instruments for
    /// everyone: a referral moved to hired (its start day, else the day it moved) and an
    /// action's hire outcome; (job seeker id, day).
    async fn recorded_hires(&self, since: NaiveDate) -> Result<Vec<(i64, NaiveDate)>>;
}

fn outcome_slot(kind: DuoOutcomeKind) -> usize {
    match kind {
        DuoOutcomeKind::Job => 0,
        DuoOutcomeKind::Training => 1,
        DuoOutcomeKind::Immersion => 2,
        DuoOutcomeKind::Nothing => 3,
    }
}

both_backends! {
    #[async_trait]
    impl DuoFigures for This {
        async fn duo_counts(
            &self,
            since: DateTime<Utc>,
            until: DateTime<Utc>,
            today: NaiveDate,
        ) -> Result<DuoCounts> {
            let count = |n: i64| u64::try_from(n).unwrap_or(0);
            let mentors: i64 =
                sqlx::query_scalar("SELECT count(*) FROM mentors WHERE withdrawn_at IS NULL")
                    .fetch_one(&self.pool)
                    .await?;
            let rows: Vec<(String, i64)> = sqlx::query_as(
                "SELECT state, count(*) FROM duos WHERE proposed_at >= $1 AND proposed_at < $2 \
                 GROUP BY state",
            )
            .bind(since)
            .bind(until)
            .fetch_all(&self.pool)
            .await?;
            let mut counts = DuoCounts {
                mentors: count(mentors),
                ..DuoCounts::default()
            };
            for (state, n) in rows {
                let state = text_enum(&state, "state", DuoState::parse)?;
                counts.proposed += count(n);
                if state.was_accepted() {
                    counts.accepted += count(n);
                }
                match state {
                    DuoState::Completed => counts.completed += count(n),
                    DuoState::Stopped => counts.stopped += count(n),
                    _ => {}
                }
            }
            let contacts: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM duo_contacts c JOIN duos d ON d.id = c.duo_id \
                 WHERE d.proposed_at >= $1 AND d.proposed_at < $2",
            )
            .bind(since)
            .bind(until)
            .fetch_one(&self.pool)
            .await?;
            counts.contacts = count(contacts);
            let silent_since = today - chrono::Duration::days(DUO_SILENCE_DAYS);
            let silent: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM duos d WHERE d.state = 'active' AND COALESCE(\
                 (SELECT max(c.on_day) FROM duo_contacts c WHERE c.duo_id = d.id), d.started_on) \
                 <= $1",
            )
            .bind(silent_since)
            .fetch_one(&self.pool)
            .await?;
            counts.silent = count(silent);
            let outcomes: Vec<(String, String, i64)> = sqlx::query_as(
                "SELECT o.milestone, o.kind, count(*) FROM duo_outcomes o JOIN duos d \
                 ON d.id = o.duo_id WHERE d.proposed_at >= $1 AND d.proposed_at < $2 \
                 GROUP BY o.milestone, o.kind",
            )
            .bind(since)
            .bind(until)
            .fetch_all(&self.pool)
            .await?;
            for (milestone, kind, n) in outcomes {
                let slot = outcome_slot(text_enum(&kind, "kind", DuoOutcomeKind::parse)?);
                let row = match text_enum(&milestone, "milestone", DuoMilestone::parse)? {
                    DuoMilestone::End => &mut counts.outcomes_at_end,
                    DuoMilestone::SixMonths => &mut counts.outcomes_at_six_months,
                };
                if let Some(cell) = row.get_mut(slot) {
                    *cell += count(n);
                }
            }
            Ok(counts)
        }


        async fn evaluation_population(&self, romes: &[RomeCode]) -> Result<Vec<EvaluationPerson>> {
            if romes.is_empty() {
                return Ok(Vec::new());
            }
            let list = rome_list(romes);
            let rows = sqlx::query(&format!(
                "SELECT j.id, j.commune_code, j.registered_on, j.rqth, j.long_term, j.rsa, j.qpv, \
                 j.senior, j.young_unqualified, t.rome_code FROM job_seekers j \
                 JOIN job_seeker_targets t ON t.job_seeker_id = j.id \
                 WHERE j.id IN (SELECT job_seeker_id FROM job_seeker_targets WHERE rome_code IN ({list})) \
                 ORDER BY j.id, t.rank"
            ))
            .fetch_all(&self.pool)
            .await?;
            let mut out: Vec<EvaluationPerson> = Vec::new();
            for row in &rows {
                let id: i64 = row.try_get("id")?;
                let rome: String = row.try_get("rome_code")?;
                if let Some(last) = out.last_mut().filter(|p| p.id == id) {
                    last.romes.push(rome);
                    continue;
                }
                let mut statuses = 0u8;
                for (bit, column) in ["rqth", "long_term", "rsa", "qpv", "senior", "young_unqualified"]
                    .iter()
                    .enumerate()
                {
                    let held: bool = row.try_get(*column)?;
                    if held {
                        statuses |= 1 << bit;
                    }
                }
                out.push(EvaluationPerson {
                    id,
                    commune: row.try_get("commune_code")?,
                    registered_on: row.try_get("registered_on")?,
                    statuses,
                    romes: vec![rome],
                });
            }
            Ok(out)
        }

        async fn recorded_hires(&self, since: NaiveDate) -> Result<Vec<(i64, NaiveDate)>> {
            let mut hires: Vec<(i64, NaiveDate)> = Vec::new();
            let referrals = sqlx::query(
                "SELECT job_seeker_id, hire_starts_on, updated_at FROM referrals \
                 WHERE state = 'hired'",
            )
            .fetch_all(&self.pool)
            .await?;
            for row in &referrals {
                let starts: Option<NaiveDate> = row.try_get("hire_starts_on")?;
                let moved: DateTime<Utc> = row.try_get("updated_at")?;
                let day = starts.unwrap_or_else(|| moved.date_naive());
                if day >= since {
                    hires.push((row.try_get("job_seeker_id")?, day));
                }
            }
            let outcomes: Vec<(i64, NaiveDate)> = sqlx::query_as(
                "SELECT job_seeker_id, happened_on FROM action_outcomes \
                 WHERE kind = 'hire' AND happened_on >= $1",
            )
            .bind(since)
            .fetch_all(&self.pool)
            .await?;
            hires.extend(outcomes);
            hires.sort_unstable();
            Ok(hires)
        }

    }
}
