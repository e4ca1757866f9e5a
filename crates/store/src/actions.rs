//! Co-organised recruitment actions: each with its gathering (created together), its
//! co-organisers, offers and occupations, and its state moved as `model::workflow::ACTIONS`
//! allows.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{InseeCode, RomeCode};
use sqlx::Row as _;

use crate::backend::both_backends;
use crate::common::*;
use crate::{Gatherings as _, Result, StoreError};
use model::*;

/// Co-organised actions.
#[async_trait]
pub trait Actions: Send + Sync {
    /// Creates an action, a draft, with its gathering, co-organisers, offers and occupations,
    /// in one transaction.
    async fn create_action(&self, action: &NewAction, now: DateTime<Utc>) -> Result<Action>;

    async fn action(&self, id: i64) -> Result<Option<Action>>;

    /// The actions a structure leads or co-organises, the soonest first.
    async fn actions_of_structure(&self, structure: i64) -> Result<Vec<Action>>;

    /// Records what an action led to for a participant (a person seated in its gathering),
    /// from its start to [`OUTCOME_DAYS`] days after its end; one of each kind per person.
    async fn record_outcome(&self, outcome: &NewOutcome, now: DateTime<Utc>) -> Result<Outcome>;

    /// An action's outcomes, in the order recorded.
    async fn outcomes_of_action(&self, action_id: i64) -> Result<Vec<Outcome>>;

    /// The funnel of one action (`Some(id)`), or of every action starting in
    /// `[since, until)`: for each stage of [`FUNNEL`], the participations (a person in an
    /// action) that reached it — invited (not withdrawn), registered (a seat), present,
    /// interviewed (an interview or a hire), hired — and the holders of each status.
    async fn action_funnel(
        &self,
        action: Option<i64>,
        since: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Vec<FunnelStage>>;

    /// Writes actions of the past whole, each in one transaction: the action in its state,
    /// its gathering, invitations, registrations with attendance, and outcomes, with the
    /// times they carry (no workflow check: history as it happened). Their ids.
    async fn record_past_actions(&self, actions: &[PastAction]) -> Result<Vec<i64>>;

    /// Every action whose gathering starts at `since` or later, the soonest first.
    async fn actions_from(&self, since: DateTime<Utc>) -> Result<Vec<Action>>;

    /// Moves an action's state, as the workflow allows and its gathering's time says: it is
    /// published before it starts, held once it has started, closed once its attendance is.
    async fn move_action(
        &self,
        id: i64,
        to: ActionState,
        by: workflow::Mover,
        now: DateTime<Utc>,
    ) -> Result<Action>;
}

const OUTCOME_SELECT: &str = "SELECT id, action_id, job_seeker_id, kind, offer_id, \
    contract_type, contract_months, happened_on, recorded_by_user_id, recorded_at \
    FROM action_outcomes";

const ACTION_SELECT: &str = "SELECT id, kind, title, description, lead_structure_id, \
    gathering_id, commune_code, address, online_link, prerequisites, public_tags, state, \
    created_by_user_id, created_at, changed_at FROM actions";

both_backends! {
    impl This {
        async fn actions_of_rows(&self, rows: &[Row]) -> Result<Vec<Action>> {
            let mut out = Vec::with_capacity(rows.len());
            for row in rows {
                out.push(self.action_of_row(row).await?);
            }
            Ok(out)
        }

        async fn action_of_row(&self, row: &Row) -> Result<Action> {
            let id: i64 = row.try_get("id")?;
            let partners: Vec<i64> = sqlx::query_scalar(
                "SELECT structure_id FROM action_partners WHERE action_id = $1 ORDER BY structure_id",
            )
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
            let offers: Vec<i64> = sqlx::query_scalar(
                "SELECT offer_id FROM action_offers WHERE action_id = $1 ORDER BY offer_id",
            )
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
            let romes: Vec<String> = sqlx::query_scalar(
                "SELECT rome_code FROM action_romes WHERE action_id = $1 ORDER BY rome_code",
            )
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
            let gathering_id: i64 = row.try_get("gathering_id")?;
            let gathering = self
                .gathering(gathering_id)
                .await?
                .ok_or_else(|| StoreError::Corrupt(format!("action {id}: gathering {gathering_id}")))?;
            let kind: String = row.try_get("kind")?;
            let state: String = row.try_get("state")?;
            let commune: Option<String> = row.try_get("commune_code")?;
            let prerequisites: String = row.try_get("prerequisites")?;
            let tags: String = row.try_get("public_tags")?;
            let corrupt = |what: &str| StoreError::Corrupt(format!("action {id}: {what}"));
            Ok(Action {
                id,
                action: NewAction {
                    kind: text_enum(&kind, "kind", ActionKind::parse)?,
                    title: row.try_get("title")?,
                    description: row.try_get("description")?,
                    lead: row.try_get("lead_structure_id")?,
                    partners,
                    offers,
                    romes: romes
                        .iter()
                        .map(|r| RomeCode::parse(r).map_err(|_| corrupt("rome_code")))
                        .collect::<Result<_>>()?,
                    commune: commune
                        .map(|c| InseeCode::parse(&c).map_err(|_| corrupt("commune_code")))
                        .transpose()?,
                    address: row.try_get("address")?,
                    online_link: row.try_get("online_link")?,
                    prerequisites: serde_json::from_str(&prerequisites)
                        .map_err(|_| corrupt("prerequisites"))?,
                    public_tags: serde_json::from_str(&tags).map_err(|_| corrupt("public_tags"))?,
                    gathering: gathering.gathering,
                    created_by: row.try_get("created_by_user_id")?,
                },
                state: text_enum(&state, "state", ActionState::parse)?,
                gathering_id,
                created_at: row.try_get("created_at")?,
                changed_at: row.try_get("changed_at")?,
            })
        }
    }

    impl This {
        /// Writes one outcome of the action `action_id` inside `tx`; its id.
        async fn insert_outcome(
            tx: &mut sqlx::Transaction<'_, Db>,
            action_id: i64,
            outcome: &NewOutcome,
            recorded_at: DateTime<Utc>,
        ) -> Result<i64> {
            Ok(sqlx::query_scalar(
                "INSERT INTO action_outcomes (action_id, job_seeker_id, kind, offer_id, \
                 contract_type, contract_months, happened_on, recorded_by_user_id, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            )
            .bind(action_id)
            .bind(outcome.job_seeker_id)
            .bind(outcome.kind.as_str())
            .bind(outcome.offer_id)
            .bind(outcome.contract_type.map(|c| c.as_str()))
            .bind(outcome.contract_months.map(i64::from))
            .bind(outcome.on)
            .bind(outcome.recorded_by)
            .bind(recorded_at)
            .fetch_one(&mut **tx)
            .await?)
        }

        /// Creates a draft action and its gathering inside a write transaction.
        async fn create_action_in(
            tx: &mut sqlx::Transaction<'_, Db>,
            action: &NewAction,
            now: DateTime<Utc>,
        ) -> Result<Action> {
            let prerequisites = serde_json::to_string(&action.prerequisites)
                .map_err(|err| StoreError::Invalid(format!("prerequisites: {err}")))?;
            let tags = serde_json::to_string(&action.public_tags)
                .map_err(|err| StoreError::Invalid(format!("public_tags: {err}")))?;
            let gathering_id: i64 = sqlx::query_scalar(
                "INSERT INTO gatherings (starts_at, ends_at, capacity_on_site, capacity_remote) \
                 VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(action.gathering.starts_at)
            .bind(action.gathering.ends_at)
            .bind(i64::from(action.gathering.capacity_on_site))
            .bind(i64::from(action.gathering.capacity_remote))
            .fetch_one(&mut **tx)
            .await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO actions (kind, title, description, lead_structure_id, gathering_id, \
                 commune_code, address, online_link, prerequisites, public_tags, state, \
                 created_by_user_id, created_at, changed_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'draft', $11, $12, $12) \
                 RETURNING id",
            )
            .bind(action.kind.as_str())
            .bind(&action.title)
            .bind(&action.description)
            .bind(action.lead)
            .bind(gathering_id)
            .bind(action.commune.as_ref().map(|c| c.as_str().to_string()))
            .bind(&action.address)
            .bind(&action.online_link)
            .bind(prerequisites)
            .bind(tags)
            .bind(action.created_by)
            .bind(now)
            .fetch_one(&mut **tx)
            .await?;
            let mut partners = action.partners.clone();
            partners.sort_unstable();
            partners.dedup();
            let mut offers = action.offers.clone();
            offers.sort_unstable();
            offers.dedup();
            let mut romes = action.romes.clone();
            romes.sort();
            romes.dedup();
            let codes: Vec<&str> = romes.iter().map(RomeCode::as_str).collect();
            // Each list in one statement, from a JSON array (as `Dialect::each_int` reads one).
            for (table, values) in [
                (
                    format!("action_partners (action_id, structure_id) SELECT $1, x.* FROM ({}) x", This::each_int("$2")),
                    serde_json::json!(partners),
                ),
                (
                    format!("action_offers (action_id, offer_id) SELECT $1, x.* FROM ({}) x", This::each_int("$2")),
                    serde_json::json!(offers),
                ),
                (
                    format!("action_romes (action_id, rome_code) SELECT $1, x.* FROM ({}) x", This::each_text("$2")),
                    serde_json::json!(codes),
                ),
            ] {
                sqlx::query(&format!("INSERT INTO {table}"))
                    .bind(id)
                    .bind(sqlx::types::Json(values))
                    .execute(&mut **tx)
                    .await?;
            }
            Ok(Action {
                id,
                action: NewAction {
                    partners,
                    offers,
                    romes,
                    ..action.clone()
                },
                state: ActionState::Draft,
                gathering_id,
                created_at: now,
                changed_at: now,
            })
        }

        fn outcome_of_row(row: &Row) -> Result<Outcome> {
            let id: i64 = row.try_get("id")?;
            let kind: String = row.try_get("kind")?;
            let contract: Option<String> = row.try_get("contract_type")?;
            let months: Option<i64> = row.try_get("contract_months")?;
            Ok(Outcome {
                id,
                outcome: NewOutcome {
                    action_id: row.try_get("action_id")?,
                    job_seeker_id: row.try_get("job_seeker_id")?,
                    kind: text_enum(&kind, "kind", OutcomeKind::parse)?,
                    offer_id: row.try_get("offer_id")?,
                    contract_type: contract
                        .map(|c| text_enum(&c, "contract_type", ContractType::parse))
                        .transpose()?,
                    contract_months: months
                        .map(|m| {
                            u16::try_from(m).map_err(|_| {
                                StoreError::Corrupt(format!("outcome {id}: contract_months"))
                            })
                        })
                        .transpose()?,
                    on: row.try_get("happened_on")?,
                    recorded_by: row.try_get("recorded_by_user_id")?,
                },
                recorded_at: row.try_get("recorded_at")?,
            })
        }
    }

    #[async_trait]
    impl Actions for This {
        async fn record_outcome(&self, outcome: &NewOutcome, now: DateTime<Utc>) -> Result<Outcome> {
            let mut tx = self.begin_write().await?;
            let row = sqlx::query(
                "SELECT g.id, g.starts_at, g.ends_at FROM actions a \
                 JOIN gatherings g ON g.id = a.gathering_id WHERE a.id = $1",
            )
            .bind(outcome.action_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("action {}", outcome.action_id)))?;
            let gathering: i64 = row.try_get("id")?;
            let starts_at: DateTime<Utc> = row.try_get("starts_at")?;
            let ends_at: DateTime<Utc> = row.try_get("ends_at")?;
            if now < starts_at || now > ends_at + chrono::Duration::days(OUTCOME_DAYS) {
                return Err(StoreError::Conflict(format!(
                    "outcome: recorded from the action's start to {OUTCOME_DAYS} days after its end"
                )));
            }
            let seated: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM gathering_registrations WHERE gathering_id = $1 \
                 AND job_seeker_id = $2 AND seat = 'registered'",
            )
            .bind(gathering)
            .bind(outcome.job_seeker_id)
            .fetch_one(&mut *tx)
            .await?;
            if seated == 0 {
                return Err(StoreError::Conflict(
                    "job_seeker_id: only a participant seated in the action has an outcome"
                        .to_string(),
                ));
            }
            let id = This::insert_outcome(&mut tx, outcome.action_id, outcome, now).await?;
            tx.commit().await?;
            Ok(Outcome {
                id,
                outcome: outcome.clone(),
                recorded_at: now,
            })
        }

        async fn outcomes_of_action(&self, action_id: i64) -> Result<Vec<Outcome>> {
            let rows = sqlx::query(&format!("{OUTCOME_SELECT} WHERE action_id = $1 ORDER BY id"))
                .bind(action_id)
                .fetch_all(&self.pool)
                .await?;
            rows.iter().map(This::outcome_of_row).collect()
        }

        async fn action_funnel(
            &self,
            action: Option<i64>,
            since: DateTime<Utc>,
            until: DateTime<Utc>,
        ) -> Result<Vec<FunnelStage>> {
            // The actions counted, then one row per participation and stage reached.
            let scope = "SELECT a.id, a.gathering_id FROM actions a \
                 JOIN gatherings g ON g.id = a.gathering_id \
                 WHERE (CAST($1 AS BIGINT) IS NULL OR a.id = $1) \
                 AND (CAST($1 AS BIGINT) IS NOT NULL OR (g.starts_at >= $2 AND g.starts_at < $3))";
            let holders = model::PriorityStatus::ALL
                .iter()
                .map(|s| format!("COUNT(CASE WHEN j.{0} THEN 1 END) AS {0}", s.as_str()))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "WITH scope AS ({scope}), reached AS ( \
                   SELECT 'invited' AS stage, i.job_seeker_id FROM action_invitations i \
                     JOIN scope s ON s.id = i.action_id WHERE i.state <> 'cancelled' \
                   UNION ALL SELECT 'registered', r.job_seeker_id FROM gathering_registrations r \
                     JOIN scope s ON s.gathering_id = r.gathering_id \
                     WHERE r.job_seeker_id IS NOT NULL AND r.seat = 'registered' \
                   UNION ALL SELECT 'present', r.job_seeker_id FROM gathering_registrations r \
                     JOIN scope s ON s.gathering_id = r.gathering_id \
                     WHERE r.job_seeker_id IS NOT NULL AND r.seat = 'registered' \
                     AND r.attendance = 'present' \
                   UNION ALL SELECT 'interviewed', o.job_seeker_id FROM \
                     (SELECT DISTINCT action_id, job_seeker_id FROM action_outcomes \
                      WHERE kind IN ('interview', 'hire')) o JOIN scope s ON s.id = o.action_id \
                   UNION ALL SELECT 'hired', o.job_seeker_id FROM action_outcomes o \
                     JOIN scope s ON s.id = o.action_id WHERE o.kind = 'hire') \
                 SELECT t.stage, COUNT(*) AS n, {holders} FROM reached t \
                 JOIN job_seekers j ON j.id = t.job_seeker_id GROUP BY t.stage"
            );
            let rows = sqlx::query(&sql)
                .bind(action)
                .bind(since)
                .bind(until)
                .fetch_all(&self.pool)
                .await?;
            let mut stages: Vec<FunnelStage> = FUNNEL
                .iter()
                .map(|stage| FunnelStage {
                    stage: stage.to_string(),
                    count: 0,
                    holders: [0; 6],
                })
                .collect();
            let count = |row: &Row, column: &str| -> Result<u64> {
                Ok(u64::try_from(row.try_get::<i64, _>(column)?).unwrap_or(0))
            };
            for row in &rows {
                let stage: String = row.try_get("stage")?;
                let Some(slot) = stages.iter_mut().find(|s| s.stage == stage) else {
                    return Err(StoreError::Corrupt(format!("funnel: stage {stage}")));
                };
                slot.count = count(row, "n")?;
                for (held, status) in slot.holders.iter_mut().zip(model::PriorityStatus::ALL) {
                    *held = count(row, status.as_str())?;
                }
            }
            Ok(stages)
        }
        async fn create_action(&self, action: &NewAction, now: DateTime<Utc>) -> Result<Action> {
            let mut tx = self.begin_write().await?;
            let created = This::create_action_in(&mut tx, action, now).await?;
            tx.commit().await?;
            Ok(created)
        }

        async fn action(&self, id: i64) -> Result<Option<Action>> {
            let row = sqlx::query(&format!("{ACTION_SELECT} WHERE id = $1"))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
            match row {
                Some(row) => Ok(Some(self.action_of_row(&row).await?)),
                None => Ok(None),
            }
        }

        async fn actions_of_structure(&self, structure: i64) -> Result<Vec<Action>> {
            let rows = sqlx::query(&format!(
                "{ACTION_SELECT} WHERE lead_structure_id = $1 OR id IN \
                 (SELECT action_id FROM action_partners WHERE structure_id = $1) \
                 ORDER BY (SELECT starts_at FROM gatherings g WHERE g.id = gathering_id), id"
            ))
            .bind(structure)
            .fetch_all(&self.pool)
            .await?;
            self.actions_of_rows(&rows).await
        }

        async fn record_past_actions(&self, actions: &[PastAction]) -> Result<Vec<i64>> {
            let mut ids = Vec::with_capacity(actions.len());
            for past in actions {
                let mut tx = self.begin_write().await?;
                let created = This::create_action_in(&mut tx, &past.action, past.created_at).await?;
                sqlx::query("UPDATE actions SET state = $1, changed_at = $2 WHERE id = $3")
                    .bind(past.state.as_str())
                    .bind(past.attendance_closed_at.unwrap_or(past.action.gathering.ends_at))
                    .bind(created.id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("UPDATE gatherings SET attendance_closed_at = $1 WHERE id = $2")
                    .bind(past.attendance_closed_at)
                    .bind(created.gathering_id)
                    .execute(&mut *tx)
                    .await?;
                for (position, invitation) in (1i64..).zip(&past.invitations) {
                    let registration: Option<i64> = match invitation.seat {
                        Some((modality, seated, attendance)) => Some(
                            sqlx::query_scalar(
                                "INSERT INTO gathering_registrations (gathering_id, job_seeker_id, \
                                 structure_id, modality, seat, attendance, registered_at, \
                                 position, changed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                                 RETURNING id",
                            )
                            .bind(created.gathering_id)
                            .bind(invitation.invitation.job_seeker_id)
                            .bind(invitation.invitation.agency_id)
                            .bind(modality.as_str())
                            .bind(if seated { "registered" } else { "waiting" })
                            .bind(attendance.map(|a| a.as_str()))
                            .bind(invitation.answered_at)
                            .bind(position)
                            .bind(past.attendance_closed_at.unwrap_or(invitation.answered_at))
                            .fetch_one(&mut *tx)
                            .await?,
                        ),
                        None => None,
                    };
                    sqlx::query(
                        "INSERT INTO action_invitations (action_id, job_seeker_id, offer_id, \
                         agency_structure_id, state, deadline, registration_id, created_by_user_id, \
                         created_at, changed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                    )
                    .bind(created.id)
                    .bind(invitation.invitation.job_seeker_id)
                    .bind(invitation.invitation.offer_id)
                    .bind(invitation.invitation.agency_id)
                    .bind(invitation.state.as_str())
                    .bind(invitation.invitation.deadline)
                    .bind(registration)
                    .bind(invitation.invitation.created_by)
                    .bind(invitation.drawn_at)
                    .bind(invitation.answered_at)
                    .execute(&mut *tx)
                    .await?;
                }
                for (outcome, recorded_at) in &past.outcomes {
                    This::insert_outcome(&mut tx, created.id, outcome, *recorded_at).await?;
                }
                tx.commit().await?;
                ids.push(created.id);
            }
            Ok(ids)
        }

        async fn actions_from(&self, since: DateTime<Utc>) -> Result<Vec<Action>> {
            let rows = sqlx::query(&format!(
                "{ACTION_SELECT} a WHERE (SELECT starts_at FROM gatherings g WHERE g.id = a.gathering_id) >= $1 \
                 ORDER BY (SELECT starts_at FROM gatherings g WHERE g.id = a.gathering_id), id"
            ))
            .bind(since)
            .fetch_all(&self.pool)
            .await?;
            self.actions_of_rows(&rows).await
        }

        async fn move_action(
            &self,
            id: i64,
            to: ActionState,
            by: workflow::Mover,
            now: DateTime<Utc>,
        ) -> Result<Action> {
            let mut tx = self.begin_write().await?;
            let row = sqlx::query(&format!(
                "SELECT a.state, g.starts_at, g.attendance_closed_at FROM actions a \
                 JOIN gatherings g ON g.id = a.gathering_id WHERE a.id = $1{}",
                This::FOR_UPDATE
            ))
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("action {id}")))?;
            let state: String = row.try_get("state")?;
            let from = text_enum(&state, "state", ActionState::parse)?;
            let starts_at: DateTime<Utc> = row.try_get("starts_at")?;
            let closed: Option<DateTime<Utc>> = row.try_get("attendance_closed_at")?;
            workflow::ACTIONS
                .check(from, to, by, None, None)
                .map_err(|err| {
                    StoreError::Conflict(match err {
                        workflow::MoveError::NotAllowed { from, to } => {
                            format!("state: an action cannot go from {from} to {to}")
                        }
                        other => format!("state: {other}"),
                    })
                })?;
            let refused = model::action_time_refusal(to, starts_at, closed.is_some(), now);
            if let Some(reason) = refused {
                return Err(StoreError::Conflict(reason.to_string()));
            }
            sqlx::query("UPDATE actions SET state = $1, changed_at = $2 WHERE id = $3")
                .bind(to.as_str())
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            self.action(id)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("action {id}")))
        }
    }
}
