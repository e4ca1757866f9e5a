//! The audit trail: events appended in one transaction, each chained to the one before it
//! (`model::audit`), which nothing can update or delete (triggers on both backends).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::types::Json;
use sqlx::{QueryBuilder, Transaction};

use crate::backend::both_backends;
use crate::{Result, StoreError};
use model::*;

/// The audit trail.
#[async_trait]
pub trait AuditTrail: Send + Sync {
    /// Appends events to the audit trail, which nothing can update or delete, in one
    /// transaction, each chained to the one before it ([`model::audit`]); appends are
    /// serialised, across instances too.
    async fn append_audit_all(
        &self,
        events: &[NewAuditEvent],
        now: DateTime<Utc>,
    ) -> Result<Vec<AuditEvent>>;

    /// Appends one event to the audit trail.
    async fn append_audit(&self, event: &NewAuditEvent, now: DateTime<Utc>) -> Result<AuditEvent> {
        self.append_audit_all(std::slice::from_ref(event), now)
            .await?
            .pop()
            .ok_or_else(|| StoreError::Corrupt("the audit append returned nothing".to_string()))
    }

    /// Audit events with an id above `after`, oldest first.
    async fn audit_events(&self, after: i64, limit: u32) -> Result<Vec<AuditEvent>>;

    /// The audit events matching `query` with an id above `after`, oldest first, at most
    /// `limit` (a job seeker's access history: `subject_kind` and `subject_id`).
    async fn query_audit(
        &self,
        query: &AuditQuery,
        after: i64,
        limit: u32,
    ) -> Result<Vec<AuditEvent>>;
}

/// The audit trail's columns; `detail` as text (PostgreSQL casts its JSONB).
pub fn audit_select(detail: &str) -> String {
    format!(
        "SELECT id, at, actor_user_id, action, subject_kind, subject_id, {detail} AS detail, \
         prev_hash, hash FROM audit_events"
    )
}

/// A row of [`audit_select`], `detail` as text.
#[derive(sqlx::FromRow)]
struct AuditRow {
    id: i64,
    at: DateTime<Utc>,
    actor_user_id: Option<i64>,
    action: String,
    subject_kind: String,
    subject_id: Option<i64>,
    detail: String,
    prev_hash: Option<String>,
    hash: Option<String>,
}

impl TryFrom<AuditRow> for AuditEvent {
    type Error = StoreError;

    fn try_from(row: AuditRow) -> Result<Self> {
        Ok(AuditEvent {
            id: row.id,
            at: row.at,
            event: NewAuditEvent {
                actor: row.actor_user_id,
                action: row.action,
                subject_kind: row.subject_kind,
                subject_id: row.subject_id,
                detail: crate::common::from_json(&row.detail, "detail")?,
            },
            prev_hash: row.prev_hash,
            hash: row.hash,
        })
    }
}

both_backends! {
    impl This {
        /// Appends events to the audit trail within `tx`, each chained to the one before it; one
        /// appender at a time across every instance (`lock_audit`: the write lock on SQLite, an
        /// advisory lock on PostgreSQL, held until `tx` ends).
        pub(crate) async fn append_chained(
            tx: &mut Transaction<'_, Db>,
            events: &[NewAuditEvent],
            now: DateTime<Utc>,
        ) -> Result<Vec<AuditEvent>> {
            let at = audit::stored_time(now);
            This::lock_audit(tx).await?;
            let head: Option<String> = sqlx::query_scalar(
                "SELECT hash FROM audit_events WHERE hash IS NOT NULL ORDER BY id DESC LIMIT 1",
            )
            .fetch_optional(&mut **tx)
            .await?;
            let mut prev = head.unwrap_or_else(|| audit::GENESIS.to_string());
            let mut appended = Vec::with_capacity(events.len());
            for event in events {
                let hash = audit::chain_hash(&prev, at, event);
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO audit_events (at, actor_user_id, action, subject_kind, subject_id, \
                     detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                     RETURNING id",
                )
                .bind(at)
                .bind(event.actor)
                .bind(&event.action)
                .bind(&event.subject_kind)
                .bind(event.subject_id)
                .bind(Json(&event.detail))
                .bind(&prev)
                .bind(&hash)
                .fetch_one(&mut **tx)
                .await?;
                appended.push(AuditEvent {
                    id,
                    at,
                    event: event.clone(),
                    prev_hash: Some(std::mem::replace(&mut prev, hash.clone())),
                    hash: Some(hash),
                });
            }
            Ok(appended)
        }
    }

    #[async_trait]
    impl AuditTrail for This {
        async fn audit_events(&self, after: i64, limit: u32) -> Result<Vec<AuditEvent>> {
            let rows: Vec<AuditRow> = sqlx::query_as(&format!(
                "{} WHERE id > $1 ORDER BY id LIMIT $2",
                audit_select(&This::json_text("detail"))
            ))
            .bind(after)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
            rows.into_iter().map(AuditEvent::try_from).collect()
        }

        async fn query_audit(
            &self,
            query: &AuditQuery,
            after: i64,
            limit: u32,
        ) -> Result<Vec<AuditEvent>> {
            let mut sql = QueryBuilder::new(audit_select(&This::json_text("detail")));
            sql.push(" WHERE id > ").push_bind(after);
            if let Some(actor) = query.actor {
                sql.push(" AND actor_user_id = ").push_bind(actor);
            }
            if let Some(action) = &query.action {
                sql.push(" AND action = ").push_bind(action.clone());
            }
            if let Some(kind) = &query.subject_kind {
                sql.push(" AND subject_kind = ").push_bind(kind.clone());
            }
            if let Some(id) = query.subject_id {
                sql.push(" AND subject_id = ").push_bind(id);
            }
            if let Some(from) = query.from {
                sql.push(" AND at >= ").push_bind(from);
            }
            if let Some(to) = query.to {
                sql.push(" AND at < ").push_bind(to);
            }
            sql.push(" ORDER BY id LIMIT ").push_bind(i64::from(limit));
            let rows: Vec<AuditRow> = sql.build_query_as().fetch_all(&self.pool).await?;
            rows.into_iter().map(AuditEvent::try_from).collect()
        }


        async fn append_audit_all(
            &self,
            events: &[NewAuditEvent],
            now: DateTime<Utc>,
        ) -> Result<Vec<AuditEvent>> {
            let mut tx = self.begin_write().await?;
            let appended = This::append_chained(&mut tx, events, now).await?;
            tx.commit().await?;
            Ok(appended)
        }
    }
}
