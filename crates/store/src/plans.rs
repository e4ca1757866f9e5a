//! Training plans (training before hiring): proposed from a referral the person accepted,
//! one open plan per person and offer (a partial unique index), moved under a lock on the
//! plan's row as `model::workflow::TRAINING_PLANS` allows, the hire's contract kept.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row as _;

use crate::backend::both_backends;
use crate::common::{DEPARTMENT_OF_COMMUNE, small};
use crate::{Result, StoreError};
use model::schemes::Scheme;
use model::training_plans::*;
use model::*;

/// Training plans.
#[async_trait]
pub trait TrainingPlans: Send + Sync {
    /// Proposes a plan. Refused unless its referral is of this person to this offer and
    /// was accepted by the person (accepted or at interview: the agency knows them), unless
    /// the session, when given, is in the catalogue, and when the person already has an open
    /// plan for the offer.
    async fn create_training_plan(
        &self,
        plan: &NewTrainingPlan,
        now: DateTime<Utc>,
    ) -> Result<TrainingPlan>;

    async fn training_plan(&self, id: i64) -> Result<Option<TrainingPlan>>;

    /// The plans a structure is a side of (the offer's or the person's), the latest changed
    /// first.
    async fn training_plans_of_structure(&self, structure_id: i64) -> Result<Vec<TrainingPlan>>;

    /// An offer's plans, the latest changed first.
    async fn training_plans_of_offer(&self, offer_id: i64) -> Result<Vec<TrainingPlan>>;

    /// Every plan proposed at or after `since`, by id (the steering counts, the outcomes).
    async fn training_plans_since(&self, since: DateTime<Utc>) -> Result<Vec<TrainingPlan>>;

    /// Moves a plan, under a lock on its row, as `workflow::TRAINING_PLANS` allows, for
    /// `side`: agreed only by the side that did not propose it; hired with its contract
    /// (`hire`, starting on or after the training's start); abandoned with a reason.
    async fn move_training_plan(
        &self,
        id: i64,
        to: PlanState,
        side: PlanSide,
        reason: Option<&str>,
        hire: Option<&PlanHire>,
        now: DateTime<Utc>,
    ) -> Result<TrainingPlan>;

    /// Writes plans of the past whole (the simulated region's year), each in its
    /// transaction, without the referral's checks (their referrals are of the past too).
    async fn record_past_training_plans(&self, plans: &[PastTrainingPlan]) -> Result<Vec<i64>>;
}

const PLAN_SELECT: &str = "SELECT p.id, p.offer_id, p.job_seeker_id, p.referral_id, \
    p.offer_structure_id, p.person_agency_id, p.rome, p.department, p.scheme, p.session_id, \
    p.starts_on, p.ends_on, p.hours_centre, p.hours_enterprise, p.proposed_side, \
    p.proposed_by_user_id, p.state, p.abandon_reason, p.hire_contract, p.hire_starts_on, \
    p.hire_months, p.proposed_at, p.changed_at FROM training_plans p";

fn text_enum_of<T>(parse: fn(&str) -> Option<T>, text: &str, column: &str) -> Result<T> {
    parse(text).ok_or_else(|| StoreError::Corrupt(format!("{column}: unknown value {text}")))
}

/// What the schema also refuses, said first with the field's name.
fn check_plan(plan: &NewTrainingPlan) -> Result<()> {
    let refuse = |message: &str| Err(StoreError::Invalid(message.to_string()));
    if plan.ends_on < plan.starts_on {
        return refuse("ends_on: the training ends on or after the day it starts");
    }
    let total = plan.hours_centre.saturating_add(plan.hours_enterprise);
    if total == 0 || total > PLAN_HOURS_MAX {
        return refuse("hours_centre: the training's hours (centre and workplace) are 1 to 3,000");
    }
    Ok(())
}

both_backends! {
    fn plan_of_row(row: &Row) -> Result<TrainingPlan> {
        let hire_contract: Option<String> = row.try_get("hire_contract")?;
        let hire_starts_on: Option<NaiveDate> = row.try_get("hire_starts_on")?;
        let hire = match (hire_contract, hire_starts_on) {
            (Some(contract), Some(starts_on)) => Some(PlanHire {
                contract_type: text_enum_of(ContractType::parse, &contract, "hire_contract")?,
                starts_on,
                months: row
                    .try_get::<Option<i64>, _>("hire_months")?
                    .map(|m| small(m, "hire_months"))
                    .transpose()?,
            }),
            _ => None,
        };
        Ok(TrainingPlan {
            id: row.try_get("id")?,
            plan: NewTrainingPlan {
                offer_id: row.try_get("offer_id")?,
                job_seeker_id: row.try_get("job_seeker_id")?,
                referral_id: row.try_get("referral_id")?,
                scheme: text_enum_of(Scheme::parse, row.try_get("scheme")?, "scheme")?,
                session_id: row.try_get("session_id")?,
                starts_on: row.try_get("starts_on")?,
                ends_on: row.try_get("ends_on")?,
                hours_centre: small(row.try_get("hours_centre")?, "hours_centre")?,
                hours_enterprise: small(row.try_get("hours_enterprise")?, "hours_enterprise")?,
                proposed_side: text_enum_of(
                    PlanSide::parse,
                    row.try_get("proposed_side")?,
                    "proposed_side",
                )?,
                proposed_by: row.try_get("proposed_by_user_id")?,
            },
            offer_structure_id: row.try_get("offer_structure_id")?,
            person_agency_id: row.try_get("person_agency_id")?,
            rome: row.try_get("rome")?,
            department: row.try_get("department")?,
            state: text_enum_of(PlanState::parse, row.try_get("state")?, "state")?,
            proposed_at: row.try_get("proposed_at")?,
            changed_at: row.try_get("changed_at")?,
            abandon_reason: row.try_get("abandon_reason")?,
            hire,
        })
    }

    impl This {
        async fn plans_where<'q>(
            executor: impl sqlx::Executor<'q, Database = Db>,
            filter: &str,
            bind: i64,
        ) -> Result<Vec<TrainingPlan>> {
            let rows = sqlx::query(&format!("{PLAN_SELECT} WHERE {filter}"))
                .bind(bind)
                .fetch_all(executor)
                .await?;
            rows.iter().map(plan_of_row).collect()
        }

        /// Inserts a plan whose offer's side, person's side, occupation and department are
        /// read from its offer and person.
        async fn insert_plan(
            tx: &mut sqlx::Transaction<'static, Db>,
            plan: &NewTrainingPlan,
            state: PlanState,
            times: (DateTime<Utc>, DateTime<Utc>),
            abandon_reason: Option<&str>,
            hire: Option<&PlanHire>,
        ) -> Result<i64> {
            let sql = format!(
                "INSERT INTO training_plans (offer_id, job_seeker_id, referral_id, \
                 offer_structure_id, person_agency_id, rome, department, scheme, session_id, \
                 starts_on, ends_on, hours_centre, hours_enterprise, proposed_side, \
                 proposed_by_user_id, state, abandon_reason, hire_contract, hire_starts_on, \
                 hire_months, proposed_at, changed_at) \
                 SELECT o.id, j.id, $3, o.structure_id, j.agency_structure_id, o.rome_code, \
                 {DEPARTMENT_OF_COMMUNE}, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, \
                 $16, $17, $18 FROM offers o, job_seekers j WHERE o.id = $1 AND j.id = $2 \
                 RETURNING id"
            );
            let id: Option<i64> = sqlx::query_scalar(&sql)
                .bind(plan.offer_id)
                .bind(plan.job_seeker_id)
                .bind(plan.referral_id)
                .bind(plan.scheme.as_str())
                .bind(plan.session_id)
                .bind(plan.starts_on)
                .bind(plan.ends_on)
                .bind(i64::from(plan.hours_centre))
                .bind(i64::from(plan.hours_enterprise))
                .bind(plan.proposed_side.as_str())
                .bind(plan.proposed_by)
                .bind(state.as_str())
                .bind(abandon_reason)
                .bind(hire.map(|h| h.contract_type.as_str()))
                .bind(hire.map(|h| h.starts_on))
                .bind(hire.and_then(|h| h.months).map(i64::from))
                .bind(times.0)
                .bind(times.1)
                .fetch_optional(&mut **tx)
                .await?;
            id.ok_or_else(|| StoreError::NotFound(format!("offer {} or job seeker {}", plan.offer_id, plan.job_seeker_id)))
        }
    }

    #[async_trait]
    impl TrainingPlans for This {
        async fn create_training_plan(
            &self,
            plan: &NewTrainingPlan,
            now: DateTime<Utc>,
        ) -> Result<TrainingPlan> {
            check_plan(plan)?;
            let mut tx = self.begin_write().await?;
            let referral: Option<(i64, i64, String)> = sqlx::query_as(&format!(
                "SELECT job_seeker_id, offer_id, state FROM referrals WHERE id = $1{}",
                This::FOR_UPDATE
            ))
            .bind(plan.referral_id)
            .fetch_optional(&mut *tx)
            .await?;
            match referral {
                Some((person, offer, _)) if person != plan.job_seeker_id || offer != plan.offer_id => {
                    return Err(StoreError::Invalid(
                        "referral_id: the referral is not this person's to this offer".into(),
                    ));
                }
                Some((_, _, state)) if state == "accepted" || state == "interview" => {}
                Some((_, _, state)) => {
                    return Err(StoreError::Conflict(format!(
                        "referral_id: a plan grows from a referral the person accepted \
                         (accepted or at interview); this one is {state}"
                    )));
                }
                None => return Err(StoreError::NotFound(format!("referral {}", plan.referral_id))),
            }
            if let Some(session) = plan.session_id {
                let found: Option<i64> =
                    sqlx::query_scalar("SELECT id FROM training_sessions WHERE id = $1")
                        .bind(session)
                        .fetch_optional(&mut *tx)
                        .await?;
                if found.is_none() {
                    return Err(StoreError::Invalid(format!(
                        "session_id: no session {session} in the catalogue"
                    )));
                }
            }
            // A person hired through a plan for this offer needs no other one.
            let hired: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM training_plans WHERE offer_id = $1 AND job_seeker_id = $2 \
                 AND state = 'hired'",
            )
            .bind(plan.offer_id)
            .bind(plan.job_seeker_id)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(hired) = hired {
                return Err(StoreError::Conflict(format!(
                    "job_seeker_id: this person was already hired for this offer through \
                     training plan {hired}"
                )));
            }
            let id = This::insert_plan(&mut tx, plan, PlanState::Proposed, (now, now), None, None)
                .await?;
            let stored = This::plans_where(&mut *tx, "p.id = $1", id)
                .await?
                .into_iter()
                .next()
                .ok_or_else(|| StoreError::NotFound(format!("training plan {id}")))?;
            tx.commit().await?;
            Ok(stored)
        }

        async fn training_plan(&self, id: i64) -> Result<Option<TrainingPlan>> {
            Ok(This::plans_where(&self.pool, "p.id = $1", id).await?.into_iter().next())
        }

        async fn training_plans_of_structure(&self, structure_id: i64) -> Result<Vec<TrainingPlan>> {
            This::plans_where(
                &self.pool,
                "p.offer_structure_id = $1 OR p.person_agency_id = $1 \
                 ORDER BY p.changed_at DESC, p.id DESC",
                structure_id,
            )
            .await
        }

        async fn training_plans_of_offer(&self, offer_id: i64) -> Result<Vec<TrainingPlan>> {
            This::plans_where(
                &self.pool,
                "p.offer_id = $1 ORDER BY p.changed_at DESC, p.id DESC",
                offer_id,
            )
            .await
        }

        async fn training_plans_since(&self, since: DateTime<Utc>) -> Result<Vec<TrainingPlan>> {
            let rows = sqlx::query(&format!("{PLAN_SELECT} WHERE p.proposed_at >= $1 ORDER BY p.id"))
                .bind(since)
                .fetch_all(&self.pool)
                .await?;
            rows.iter().map(plan_of_row).collect()
        }

        async fn move_training_plan(
            &self,
            id: i64,
            to: PlanState,
            side: PlanSide,
            reason: Option<&str>,
            hire: Option<&PlanHire>,
            now: DateTime<Utc>,
        ) -> Result<TrainingPlan> {
            let mut tx = self.begin_write().await?;
            let mut plan = This::plans_where(&mut *tx, &format!("p.id = $1{}", This::FOR_UPDATE), id)
                .await?
                .into_iter()
                .next()
                .ok_or_else(|| StoreError::NotFound(format!("training plan {id}")))?;
            let mover = match side {
                PlanSide::Offer => workflow::Mover::OfferSide,
                PlanSide::Person => workflow::Mover::PersonSide,
            };
            workflow::TRAINING_PLANS
                .check(plan.state, to, mover, hire.map(|h| h.starts_on), reason)
                .map_err(|err| StoreError::Conflict(format!("state: {err}")))?;
            // The plan stands on its referral: once the person withdrew (or the referral was
            // cancelled, declined, expired or ended without a hire) it can only be abandoned.
            if to != PlanState::Abandoned {
                let referral: Option<String> = sqlx::query_scalar(&format!(
                    "SELECT state FROM referrals WHERE id = $1{}",
                    This::FOR_UPDATE
                ))
                .bind(plan.plan.referral_id)
                .fetch_optional(&mut *tx)
                .await?;
                match referral.as_deref() {
                    Some("accepted" | "interview" | "hired") => {}
                    other => {
                        return Err(StoreError::Conflict(format!(
                            "referral_id: the plan's referral is {}: the plan can only be \
                             abandoned",
                            other.unwrap_or("gone")
                        )));
                    }
                }
            }
            if plan.state == PlanState::Proposed
                && to == PlanState::Agreed
                && side == plan.plan.proposed_side
            {
                return Err(StoreError::Conflict(
                    "state: the side that proposed the plan cannot agree to it alone: the \
                     other side agrees"
                        .into(),
                ));
            }
            if let Some(hire) = hire.filter(|_| to == PlanState::Hired) {
                if hire.starts_on < plan.plan.starts_on {
                    return Err(StoreError::Invalid(
                        "hire.starts_on: the contract starts on or after the training's start"
                            .into(),
                    ));
                }
                if hire.months.is_some_and(|m| !(1..=120).contains(&m)) {
                    return Err(StoreError::Invalid(
                        "hire.months: 1 to 120 months (none for an open-ended contract)".into(),
                    ));
                }
                plan.hire = Some(hire.clone());
            }
            plan.abandon_reason = (to == PlanState::Abandoned).then(|| reason.unwrap_or("other").to_string());
            plan.state = to;
            plan.changed_at = now;
            sqlx::query(
                "UPDATE training_plans SET state = $2, abandon_reason = $3, hire_contract = $4, \
                 hire_starts_on = $5, hire_months = $6, changed_at = $7 WHERE id = $1",
            )
            .bind(id)
            .bind(plan.state.as_str())
            .bind(plan.abandon_reason.as_deref())
            .bind(plan.hire.as_ref().map(|h| h.contract_type.as_str()))
            .bind(plan.hire.as_ref().map(|h| h.starts_on))
            .bind(plan.hire.as_ref().and_then(|h| h.months).map(i64::from))
            .bind(now)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(plan)
        }

        async fn record_past_training_plans(&self, plans: &[PastTrainingPlan]) -> Result<Vec<i64>> {
            let mut ids = Vec::with_capacity(plans.len());
            for past in plans {
                check_plan(&past.plan)?;
                let mut tx = self.begin_write().await?;
                let id = This::insert_plan(
                    &mut tx,
                    &past.plan,
                    past.state,
                    (past.proposed_at, past.changed_at),
                    past.abandon_reason.as_deref(),
                    past.hire.as_ref(),
                )
                .await?;
                tx.commit().await?;
                ids.push(id);
            }
            Ok(ids)
        }
    }
}
