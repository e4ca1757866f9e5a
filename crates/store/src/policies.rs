//! Priority policies: each territory's, added to a history that nothing updates or deletes.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::types::Json;

use crate::backend::both_backends;
use crate::{Result, StoreError};

/// Priority policies.
#[async_trait]
pub trait Policies: Send + Sync {
    /// Adds a priority policy to the history (nothing updates or deletes one).
    async fn add_priority_policy(
        &self,
        policy: &model::policy::PolicyRecord,
        now: DateTime<Utc>,
    ) -> Result<model::policy::PriorityPolicy>;

    /// Every priority policy ever set, oldest first.
    async fn priority_policies(&self) -> Result<Vec<model::policy::PriorityPolicy>>;
}

/// `SELECT` of a priority policy; `json_as_text` reads a JSON column as text.
pub fn policy_select(json_as_text: fn(&str) -> String) -> String {
    format!(
        "SELECT id, scope, code, {} AS rule, effective_from, note, set_by_user_id, set_at \
         FROM priority_policies",
        json_as_text("rule")
    )
}

/// The territory of a `priority_policies` row.
pub fn territory(scope: &str, code: String) -> Result<model::policy::Territory> {
    match scope {
        "region" => Ok(model::policy::Territory::Region(code)),
        "department" => Ok(model::policy::Territory::Department(code)),
        other => Err(StoreError::Corrupt(format!("scope: unknown `{other}`"))),
    }
}

/// A priority policy from a row of [`policy_select`].
macro_rules! policy_from_row {
    ($row:expr) => {{
        use sqlx::Row as _;
        use $crate::common::*;
        let row = $row;
        ::std::result::Result::<_, $crate::StoreError>::Ok(model::policy::PriorityPolicy {
            id: row.try_get("id")?,
            record: model::policy::PolicyRecord {
                territory: territory(&row.try_get::<String, _>("scope")?, row.try_get("code")?)?,
                rule: from_json(&row.try_get::<String, _>("rule")?, "rule")?,
                effective_from: row.try_get("effective_from")?,
                note: row.try_get("note")?,
                set_by: row.try_get("set_by_user_id")?,
            },
            set_at: row.try_get("set_at")?,
        })
    }};
}

both_backends! {
    #[async_trait]
    impl Policies for This {
        async fn add_priority_policy(
            &self,
            policy: &model::policy::PolicyRecord,
            now: DateTime<Utc>,
        ) -> Result<model::policy::PriorityPolicy> {
            let rule = Json(&policy.rule);
            let kind = match policy.rule {
                model::policy::PolicyRule::Fair { .. } => "fair",
                model::policy::PolicyRule::Floors { .. } => "floors",
            };
            let mut tx = self.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO priority_policies (scope, code, kind, rule, effective_from, note, \
                 set_by_user_id, set_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(policy.territory.scope())
            .bind(policy.territory.code())
            .bind(kind)
            .bind(rule)
            .bind(policy.effective_from)
            .bind(&policy.note)
            .bind(policy.set_by)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            let row = sqlx::query(&format!("{} WHERE id = $1", policy_select(This::json_text)))
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
            let stored = policy_from_row!(&row)?;
            tx.commit().await?;
            Ok(stored)
        }

        async fn priority_policies(&self) -> Result<Vec<model::policy::PriorityPolicy>> {
            let rows = sqlx::query(&format!("{} ORDER BY id", policy_select(This::json_text)))
                .fetch_all(&self.pool)
                .await?;
            rows.iter().map(|row| policy_from_row!(row)).collect()
        }
    }
}
