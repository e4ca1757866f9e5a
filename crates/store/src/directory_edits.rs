//! The structures' self-service (issue 22): a service written, edited, suspended, resumed,
//! approved or archived one at a time through the forms, each change kept in the service's
//! history in the same transaction; what needs an administrator's approval (the networks
//! under moderation) decided in that transaction too. The bulk import stays in
//! `directory.rs`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use model::{
    Service, ServiceAction, ServiceChange, ServiceRecord, ServiceStatus, StructureKind,
    StructureProfile, content_hash,
};
use sqlx::Row as _;
use sqlx::types::Json;

use crate::backend::both_backends;
use crate::{Result, StoreError};

/// Services written one at a time, their history, and the networks under moderation.
#[async_trait]
pub trait DirectoryEdits: Send + Sync {
    async fn service(&self, id: i64) -> Result<Option<Service>>;

    /// What a structure says of itself, if it said anything.
    async fn structure_profile(&self, structure_id: i64) -> Result<Option<StructureProfile>>;

    /// A structure's services, archived ones included, by name.
    async fn services_of(&self, structure_id: i64) -> Result<Vec<Service>>;

    /// Writes a new service. It is published at once, or waits for an administrator
    /// (`Pending`) when its structure's kind is under moderation and the structure has no
    /// service approved yet. A reference the structure already uses is a
    /// [`StoreError::Duplicate`] on `external_id`; an unknown structure a `NotFound`.
    async fn create_service(
        &self,
        record: &ServiceRecord,
        by: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<Service>;

    /// Replaces a service's description (`Updated`) or confirms it (`Confirmed`, the same
    /// with only `date_maj` changed); its structure and reference stay. The history keeps
    /// which fields changed. `None` when there is no such service.
    async fn update_service(
        &self,
        id: i64,
        record: &ServiceRecord,
        action: ServiceAction,
        by: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<Option<Service>>;

    /// Moves a service: suspended, resumed, approved, refused or archived, from the statuses
    /// `ServiceAction::allowed_from` names (else a `Conflict`). A resumption under moderation
    /// of a structure never approved waits again. `None` when there is no such service.
    async fn move_service(
        &self,
        id: i64,
        action: ServiceAction,
        by: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<Option<Service>>;

    /// A service's history, oldest first.
    async fn service_history(&self, id: i64) -> Result<Vec<ServiceChange>>;

    /// The services waiting for an administrator, oldest first.
    async fn pending_services(&self) -> Result<Vec<Service>>;

    /// The kinds of structure whose new structures' services wait for an administrator.
    async fn moderated_kinds(&self) -> Result<Vec<StructureKind>>;

    async fn set_moderated_kinds(&self, kinds: &[StructureKind], now: DateTime<Utc>) -> Result<()>;
}

const SERVICE_SELECT: &str = "SELECT id, record, status, created_at, updated_at FROM services";

both_backends! {
    fn service_of(row: &Row) -> Result<Service> {
        let status: String = row.try_get("status")?;
        Ok(Service {
            id: row.try_get("id")?,
            record: row.try_get::<Json<ServiceRecord>, _>("record")?.0,
            status: ServiceStatus::parse(&status)
                .ok_or_else(|| StoreError::Corrupt(format!("service status {status:?}")))?,
            created_at: row.try_get("created_at")?,
            updated_at: row.try_get("updated_at")?,
        })
    }

    impl This {
        /// The status a new (or resumed) service of `structure_id` takes: pending when the
        /// structure's kind is moderated and none of its services was ever approved.
        async fn service_publication(
            tx: &mut sqlx::Transaction<'_, Db>,
            structure_id: i64,
        ) -> Result<ServiceStatus> {
            let moderated: Option<i64> = sqlx::query_scalar(
                "SELECT s.id FROM structures s JOIN directory_moderation m ON m.kind = s.kind \
                 WHERE s.id = $1",
            )
            .bind(structure_id)
            .fetch_optional(&mut **tx)
            .await?;
            if moderated.is_none() {
                return Ok(ServiceStatus::Published);
            }
            let known: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM services WHERE structure_id = $1 \
                 AND status IN ('published', 'suspended') LIMIT 1",
            )
            .bind(structure_id)
            .fetch_optional(&mut **tx)
            .await?;
            Ok(if known.is_some() {
                ServiceStatus::Published
            } else {
                ServiceStatus::Pending
            })
        }

        async fn log_service_change(
            tx: &mut sqlx::Transaction<'_, Db>,
            service_id: i64,
            action: ServiceAction,
            by: Option<i64>,
            fields: &[String],
            now: DateTime<Utc>,
        ) -> Result<()> {
            sqlx::query(
                "INSERT INTO service_changes (service_id, action, user_id, fields, at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(service_id)
            .bind(action.as_str())
            .bind(by)
            .bind(Json(fields))
            .bind(now)
            .execute(&mut **tx)
            .await?;
            Ok(())
        }
    }

    #[async_trait]
    impl DirectoryEdits for This {
        async fn service(&self, id: i64) -> Result<Option<Service>> {
            This::by_id(&self.pool, SERVICE_SELECT, id, service_of).await
        }

        async fn structure_profile(&self, structure_id: i64) -> Result<Option<StructureProfile>> {
            let row = sqlx::query(
                "SELECT description, opening_hours, accessibility, networks, updated_on \
                 FROM structure_profiles WHERE structure_id = $1",
            )
            .bind(structure_id)
            .fetch_optional(&self.pool)
            .await?;
            row.map(|row| {
                Ok(StructureProfile {
                    description: row.try_get("description")?,
                    opening_hours: row.try_get("opening_hours")?,
                    accessibility: row.try_get("accessibility")?,
                    networks: row.try_get::<Json<Vec<String>>, _>("networks")?.0,
                    updated_on: row.try_get("updated_on")?,
                })
            })
            .transpose()
        }

        async fn services_of(&self, structure_id: i64) -> Result<Vec<Service>> {
            let rows = sqlx::query(&format!(
                "{SERVICE_SELECT} WHERE structure_id = $1 ORDER BY name, id"
            ))
            .bind(structure_id)
            .fetch_all(&self.pool)
            .await?;
            rows.iter().map(service_of).collect()
        }

        async fn create_service(
            &self,
            record: &ServiceRecord,
            by: Option<i64>,
            now: DateTime<Utc>,
        ) -> Result<Service> {
            let mut tx = self.begin_write().await?;
            let structure: Option<i64> =
                sqlx::query_scalar("SELECT id FROM structures WHERE siret = $1")
                    .bind(record.structure_siret.as_str())
                    .fetch_optional(&mut *tx)
                    .await?;
            let structure = structure.ok_or_else(|| {
                StoreError::NotFound(format!("structure {}", record.structure_siret.as_str()))
            })?;
            let status = This::service_publication(&mut tx, structure).await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO services (structure_id, external_id, name, record, updated_on, \
                 review_every_days, content_hash, status, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
            )
            .bind(structure)
            .bind(&record.external_id)
            .bind(&record.name)
            .bind(Json(record))
            .bind(record.updated_on)
            .bind(i32::from(record.review_every_days))
            .bind(content_hash(record))
            .bind(status.as_str())
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            This::log_service_change(&mut tx, id, ServiceAction::Created, by, &[], now).await?;
            tx.commit().await?;
            Ok(Service {
                id,
                record: record.clone(),
                status,
                created_at: now,
                updated_at: now,
            })
        }

        async fn update_service(
            &self,
            id: i64,
            record: &ServiceRecord,
            action: ServiceAction,
            by: Option<i64>,
            now: DateTime<Utc>,
        ) -> Result<Option<Service>> {
            if !matches!(action, ServiceAction::Updated | ServiceAction::Confirmed) {
                return Err(StoreError::Invalid(format!(
                    "action: {} does not change a service's description",
                    action.as_str()
                )));
            }
            let mut tx = self.begin_write().await?;
            let locked = This::locked_by_id(&mut tx, SERVICE_SELECT, id, service_of).await?;
            let Some(stored) = locked else {
                return Ok(None);
            };
            if !action.allowed_from().contains(&stored.status) {
                return Err(StoreError::Conflict(format!(
                    "service {id} is {}",
                    stored.status.as_str()
                )));
            }
            let record = ServiceRecord {
                structure_siret: stored.record.structure_siret.clone(),
                external_id: stored.record.external_id.clone(),
                ..record.clone()
            };
            let fields = stored.record.changed_fields(&record);
            sqlx::query(
                "UPDATE services SET name = $1, record = $2, updated_on = $3, \
                 review_every_days = $4, content_hash = $5, updated_at = $6 WHERE id = $7",
            )
            .bind(&record.name)
            .bind(Json(&record))
            .bind(record.updated_on)
            .bind(i32::from(record.review_every_days))
            .bind(content_hash(&record))
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            This::log_service_change(&mut tx, id, action, by, &fields, now).await?;
            tx.commit().await?;
            Ok(Some(Service {
                record,
                updated_at: now,
                ..stored
            }))
        }

        async fn move_service(
            &self,
            id: i64,
            action: ServiceAction,
            by: Option<i64>,
            now: DateTime<Utc>,
        ) -> Result<Option<Service>> {
            let mut tx = self.begin_write().await?;
            let locked = This::locked_by_id(&mut tx, SERVICE_SELECT, id, service_of).await?;
            let Some(stored) = locked else {
                return Ok(None);
            };
            if !action.allowed_from().contains(&stored.status) {
                return Err(StoreError::Conflict(format!(
                    "service {id} is {}: it cannot be {}",
                    stored.status.as_str(),
                    action.as_str()
                )));
            }
            let structure: i64 = sqlx::query_scalar("SELECT structure_id FROM services WHERE id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
            let published = This::service_publication(&mut tx, structure).await?;
            let Some(status) = action.status_after(published) else {
                return Err(StoreError::Invalid(format!(
                    "action: {} does not move a service",
                    action.as_str()
                )));
            };
            sqlx::query("UPDATE services SET status = $1, updated_at = $2 WHERE id = $3")
                .bind(status.as_str())
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            This::log_service_change(&mut tx, id, action, by, &[], now).await?;
            tx.commit().await?;
            Ok(Some(Service {
                status,
                updated_at: now,
                ..stored
            }))
        }

        async fn service_history(&self, id: i64) -> Result<Vec<ServiceChange>> {
            let rows = sqlx::query(
                "SELECT id, service_id, action, user_id, fields, at FROM service_changes \
                 WHERE service_id = $1 ORDER BY id",
            )
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
            rows.iter()
                .map(|row| {
                    let action: String = row.try_get("action")?;
                    Ok(ServiceChange {
                        id: row.try_get("id")?,
                        service_id: row.try_get("service_id")?,
                        action: ServiceAction::parse(&action).ok_or_else(|| {
                            StoreError::Corrupt(format!("service action {action:?}"))
                        })?,
                        user_id: row.try_get("user_id")?,
                        fields: row.try_get::<Json<Vec<String>>, _>("fields")?.0,
                        at: row.try_get("at")?,
                    })
                })
                .collect()
        }

        async fn pending_services(&self) -> Result<Vec<Service>> {
            let rows = sqlx::query(&format!(
                "{SERVICE_SELECT} WHERE status = 'pending' ORDER BY created_at, id"
            ))
            .fetch_all(&self.pool)
            .await?;
            rows.iter().map(service_of).collect()
        }

        async fn moderated_kinds(&self) -> Result<Vec<StructureKind>> {
            let kinds: Vec<String> =
                sqlx::query_scalar("SELECT kind FROM directory_moderation ORDER BY kind")
                    .fetch_all(&self.pool)
                    .await?;
            kinds
                .iter()
                .map(|k| {
                    StructureKind::parse(k)
                        .ok_or_else(|| StoreError::Corrupt(format!("moderated kind {k:?}")))
                })
                .collect()
        }

        async fn set_moderated_kinds(
            &self,
            kinds: &[StructureKind],
            now: DateTime<Utc>,
        ) -> Result<()> {
            let mut tx = self.begin_write().await?;
            let stored: Vec<String> = sqlx::query_scalar("SELECT kind FROM directory_moderation")
                .fetch_all(&mut *tx)
                .await?;
            for gone in stored
                .iter()
                .filter(|k| !kinds.iter().any(|kind| kind.as_str() == k.as_str()))
            {
                sqlx::query("DELETE FROM directory_moderation WHERE kind = $1")
                    .bind(gone)
                    .execute(&mut *tx)
                    .await?;
            }
            for kind in kinds {
                sqlx::query(
                    "INSERT INTO directory_moderation (kind, since) VALUES ($1, $2) \
                     ON CONFLICT (kind) DO NOTHING",
                )
                .bind(kind.as_str())
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(())
        }
    }
}
