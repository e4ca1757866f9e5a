//! Hard-to-fill offers: the offers' histories the difficulty model trains on, read as compact
//! rows (no text, no skills), and the trained models, each kept with its span and metrics.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::types::Json;

use crate::backend::both_backends;
use crate::common::*;
use crate::{Result, StoreError};
use model::*;

/// Offers' histories and difficulty models.
#[async_trait]
pub trait Difficulty: Send + Sync {
    /// The offers published in `[from, to)`, by id.
    async fn offer_histories(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<OfferHistory>>;

    /// The last time an offer was published or closed: the day a history is complete to.
    async fn latest_offer_activity(&self) -> Result<Option<DateTime<Utc>>>;

    /// The history of one offer.
    async fn offer_history(&self, id: i64) -> Result<Option<OfferHistory>>;

    /// Keeps a trained model; its id is its version.
    async fn save_difficulty_model(&self, model: &NewDifficultyModel) -> Result<i64>;

    /// The model trained last, if any.
    async fn latest_difficulty_model(&self) -> Result<Option<DifficultyModel>>;

    /// The version of the model trained last, if any: a cheap check that a cached model is
    /// still the one in force.
    async fn latest_difficulty_model_id(&self) -> Result<Option<i64>>;
}

#[derive(sqlx::FromRow)]
struct HistoryRow {
    id: i64,
    structure_id: i64,
    rome_code: String,
    commune_code: String,
    published_at: DateTime<Utc>,
    closed_at: Option<DateTime<Utc>>,
    status: String,
    close_reason: Option<String>,
    contract_type: String,
    duration_days: Option<i64>,
    weekly_hours: Option<f64>,
    wage_min: Option<f64>,
    wage_max: Option<f64>,
    experience_required: String,
    licences: String,
    positions: i64,
    hard_to_fill: bool,
    sector_code: Option<String>,
}

impl HistoryRow {
    fn history(self) -> Result<OfferHistory> {
        Ok(OfferHistory {
            id: self.id,
            structure_id: self.structure_id,
            rome: self.rome_code,
            commune: self.commune_code,
            published_at: self.published_at,
            closed_at: self.closed_at,
            status: text_enum(&self.status, "status", OfferStatus::parse)?,
            close_reason: self
                .close_reason
                .map(|r| text_enum(&r, "close_reason", CloseReason::parse))
                .transpose()?,
            contract_type: text_enum(&self.contract_type, "contract_type", ContractType::parse)?,
            duration_days: self.duration_days.and_then(|d| u32::try_from(d).ok()),
            weekly_hours: self.weekly_hours,
            wage: wage(self.wage_min, self.wage_max)?,
            experience_required: text_enum(
                &self.experience_required,
                "experience_required",
                ExperienceRequired::parse,
            )?,
            licences: from_json(&self.licences, "licences")?,
            positions: u16::try_from(self.positions)
                .map_err(|_| StoreError::Corrupt("positions".to_string()))?,
            hard_to_fill: self.hard_to_fill,
            sector_code: self.sector_code,
        })
    }
}

fn history_select(json_text: fn(&str) -> String) -> String {
    format!(
        "SELECT id, structure_id, rome_code, commune_code, published_at, closed_at, status, \
         close_reason, contract_type, duration_days, weekly_hours, wage_min, wage_max, \
         experience_required, {} AS licences, positions, hard_to_fill, sector_code FROM offers",
        json_text("licences")
    )
}

#[derive(sqlx::FromRow)]
struct ModelRow {
    id: i64,
    trained_at: DateTime<Utc>,
    span_from: DateTime<Utc>,
    span_to: DateTime<Utc>,
    observations: i64,
    model: String,
    metrics: String,
}

both_backends! {
    #[async_trait]
    impl Difficulty for This {
        async fn offer_histories(
            &self,
            from: DateTime<Utc>,
            to: DateTime<Utc>,
        ) -> Result<Vec<OfferHistory>> {
            let sql = format!(
                "{} WHERE published_at >= $1 AND published_at < $2 ORDER BY id",
                history_select(This::json_text)
            );
            let rows: Vec<HistoryRow> = sqlx::query_as(&sql)
                .bind(from)
                .bind(to)
                .fetch_all(&self.pool)
                .await?;
            rows.into_iter().map(HistoryRow::history).collect()
        }

        async fn latest_offer_activity(&self) -> Result<Option<DateTime<Utc>>> {
            let (published, closed): (Option<DateTime<Utc>>, Option<DateTime<Utc>>) =
                sqlx::query_as("SELECT max(published_at), max(closed_at) FROM offers")
                    .fetch_one(&self.pool)
                    .await?;
            Ok(published.max(closed))
        }

        async fn offer_history(&self, id: i64) -> Result<Option<OfferHistory>> {
            let sql = format!("{} WHERE id = $1", history_select(This::json_text));
            let row: Option<HistoryRow> = sqlx::query_as(&sql)
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
            row.map(HistoryRow::history).transpose()
        }

        async fn save_difficulty_model(&self, model: &NewDifficultyModel) -> Result<i64> {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO difficulty_models \
                 (trained_at, span_from, span_to, observations, model, metrics) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(model.trained_at)
            .bind(model.span_from)
            .bind(model.span_to)
            .bind(i64::try_from(model.observations).unwrap_or(i64::MAX))
            .bind(Json(&model.model))
            .bind(Json(&model.metrics))
            .fetch_one(&self.pool)
            .await?;
            Ok(id)
        }

        async fn latest_difficulty_model_id(&self) -> Result<Option<i64>> {
            let id: Option<i64> = sqlx::query_scalar("SELECT max(id) FROM difficulty_models")
                .fetch_one(&self.pool)
                .await?;
            Ok(id)
        }

        async fn latest_difficulty_model(&self) -> Result<Option<DifficultyModel>> {
            let sql = format!(
                "SELECT id, trained_at, span_from, span_to, observations, {} AS model, \
                 {} AS metrics FROM difficulty_models ORDER BY id DESC LIMIT 1",
                This::json_text("model"),
                This::json_text("metrics"),
            );
            let row: Option<ModelRow> = sqlx::query_as(&sql).fetch_optional(&self.pool).await?;
            row.map(|row| {
                Ok(DifficultyModel {
                    id: row.id,
                    model: NewDifficultyModel {
                        trained_at: row.trained_at,
                        span_from: row.span_from,
                        span_to: row.span_to,
                        observations: u64::try_from(row.observations).unwrap_or(0),
                        model: from_json(&row.model, "model")?,
                        metrics: from_json(&row.metrics, "metrics")?,
                    },
                })
            })
            .transpose()
        }
    }
}
