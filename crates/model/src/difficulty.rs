//! Hard-to-fill offers: an offer's history as the difficulty model reads it, and the models
//! trained on those histories as the store keeps them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{CloseReason, ContractType, ExperienceRequired, MonthlyWage, OfferStatus};

/// What the difficulty model knows of one offer: its conditions and how it ended, nothing
/// that names anyone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfferHistory {
    pub id: i64,
    pub structure_id: i64,
    pub rome: String,
    /// INSEE code of the workplace.
    pub commune: String,
    pub published_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub status: OfferStatus,
    pub close_reason: Option<CloseReason>,
    pub contract_type: ContractType,
    pub duration_days: Option<u32>,
    pub weekly_hours: Option<f64>,
    pub wage: Option<MonthlyWage>,
    pub experience_required: ExperienceRequired,
    pub licences: Vec<String>,
    pub positions: u16,
    /// Declared hard to fill by its file.
    pub hard_to_fill: bool,
    /// NAF code of the employer's sector.
    pub sector_code: Option<String>,
}

/// A trained difficulty model to keep: when, on which span of publication, how many offers,
/// the model itself and its metrics (both JSON, their shape the service's).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewDifficultyModel {
    pub trained_at: DateTime<Utc>,
    pub span_from: DateTime<Utc>,
    pub span_to: DateTime<Utc>,
    pub observations: u64,
    pub model: serde_json::Value,
    pub metrics: serde_json::Value,
}

/// A stored difficulty model: its version is its id.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DifficultyModel {
    pub id: i64,
    #[serde(flatten)]
    pub model: NewDifficultyModel,
}
