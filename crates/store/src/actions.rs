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

const ACTION_SELECT: &str = "SELECT id, kind, title, description, lead_structure_id, \
    gathering_id, commune_code, address, online_link, prerequisites, public_tags, state, \
    created_by_user_id, created_at, changed_at FROM actions";

both_backends! {
    impl This {
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

    #[async_trait]
    impl Actions for This {
        async fn create_action(&self, action: &NewAction, now: DateTime<Utc>) -> Result<Action> {
            let prerequisites = serde_json::to_string(&action.prerequisites)
                .map_err(|err| StoreError::Invalid(format!("prerequisites: {err}")))?;
            let tags = serde_json::to_string(&action.public_tags)
                .map_err(|err| StoreError::Invalid(format!("public_tags: {err}")))?;
            let mut tx = self.begin_write().await?;
            let gathering_id: i64 = sqlx::query_scalar(
                "INSERT INTO gatherings (starts_at, ends_at, capacity_on_site, capacity_remote) \
                 VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(action.gathering.starts_at)
            .bind(action.gathering.ends_at)
            .bind(i64::from(action.gathering.capacity_on_site))
            .bind(i64::from(action.gathering.capacity_remote))
            .fetch_one(&mut *tx)
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
            .fetch_one(&mut *tx)
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
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
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
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                out.push(self.action_of_row(row).await?);
            }
            Ok(out)
        }

        async fn actions_from(&self, since: DateTime<Utc>) -> Result<Vec<Action>> {
            let rows = sqlx::query(&format!(
                "{ACTION_SELECT} a WHERE (SELECT starts_at FROM gatherings g WHERE g.id = a.gathering_id) >= $1 \
                 ORDER BY (SELECT starts_at FROM gatherings g WHERE g.id = a.gathering_id), id"
            ))
            .bind(since)
            .fetch_all(&self.pool)
            .await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                out.push(self.action_of_row(row).await?);
            }
            Ok(out)
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
