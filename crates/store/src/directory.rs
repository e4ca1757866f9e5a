//! The directory: structures of both networks, their services and what data·inclusion says
//! of them beyond their record.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::Siret;
use sqlx::Row as _;

use crate::Result;
use crate::backend::both_backends;
use crate::bulk::{Staged, Table, Value};
use crate::common::*;
use model::*;

/// The directory: structures, services, structure profiles.
#[async_trait]
pub trait Directory: Send + Sync {
    async fn upsert_structures(
        &self,
        records: &[StructureRecord],
        now: DateTime<Utc>,
    ) -> Result<BulkReport>;

    async fn structures(&self) -> Result<Vec<Structure>>;
    /// One page of the structures whose name, SIRET or network holds every word (folded, at
    /// most ten), by name, and how many match in all.
    async fn search_structures(
        &self,
        words: &[String],
        offset: u64,
        limit: u32,
    ) -> Result<(u64, Vec<Structure>)>;

    async fn structure_by_siret(&self, siret: &Siret) -> Result<Option<Structure>>;

    async fn structure(&self, id: i64) -> Result<Option<Structure>>;

    /// Creates or replaces services (by structure and reference); a service whose structure is
    /// unknown, or whose name is out of bounds, is rejected alone.
    async fn upsert_services(
        &self,
        records: &[ServiceRecord],
        now: DateTime<Utc>,
    ) -> Result<BulkReport>;

    /// Every service of the directory, by id.
    async fn services(&self) -> Result<Vec<Service>>;

    /// Sets what data·inclusion says of a structure beyond its record.
    async fn set_structure_profile(
        &self,
        structure_id: i64,
        profile: &StructureProfile,
        now: DateTime<Utc>,
    ) -> Result<()>;

    async fn structure_profiles(&self) -> Result<Vec<(i64, StructureProfile)>>;
}

/// A structure's row values.
pub struct StructureRow {
    pub siret: String,
    pub kind: &'static str,
    pub name: String,
    pub network: Option<String>,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub commune_code: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub status: &'static str,
    pub content_hash: String,
    /// The name, SIRET and network folded for search (`refdata::text::normalise`).
    pub search_text: String,
}

pub const STRUCTURE_COLUMNS: [&str; 17] = [
    "siret",
    "kind",
    "name",
    "network",
    "address",
    "postcode",
    "commune_code",
    "latitude",
    "longitude",
    "email",
    "phone",
    "website",
    "status",
    "content_hash",
    "search_text",
    "created_at",
    "updated_at",
];

pub fn structure_update_set() -> String {
    STRUCTURE_COLUMNS
        .iter()
        .filter(|c| !matches!(**c, "siret" | "created_at"))
        .map(|c| format!("{c} = excluded.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl StructureRow {
    /// The row as a bulk write stages it, in [`STRUCTURE_COLUMNS`] order.
    fn staged(&self, now: DateTime<Utc>) -> Staged<'_> {
        Staged {
            key: self.siret.clone(),
            lookup: &self.siret,
            hash: &self.content_hash,
            values: vec![
                Value::Text(Some(&self.siret)),
                Value::Text(Some(self.kind)),
                Value::Text(Some(&self.name)),
                Value::Text(self.network.as_deref()),
                Value::Text(self.address.as_deref()),
                Value::Text(self.postcode.as_deref()),
                Value::Text(Some(&self.commune_code)),
                Value::Float(self.latitude),
                Value::Float(self.longitude),
                Value::Text(self.email.as_deref()),
                Value::Text(self.phone.as_deref()),
                Value::Text(self.website.as_deref()),
                Value::Text(Some(self.status)),
                Value::Text(Some(&self.content_hash)),
                Value::Text(Some(&self.search_text)),
                Value::Time(Some(now)),
                Value::Time(Some(now)),
            ],
        }
    }
}

pub fn structure_row(record: &StructureRecord) -> Result<StructureRow, String> {
    if record.name.trim().is_empty() {
        return Err("name: is empty".to_string());
    }
    Ok(StructureRow {
        siret: record.siret.to_string(),
        kind: record.kind.as_str(),
        name: record.name.trim().to_string(),
        network: record.network.clone(),
        address: record.address.clone(),
        postcode: record.postcode.as_ref().map(ToString::to_string),
        commune_code: record.commune.to_string(),
        latitude: record.coordinates.map(|c| c.0),
        longitude: record.coordinates.map(|c| c.1),
        email: record.email.as_ref().map(ToString::to_string),
        phone: record.phone.as_ref().map(ToString::to_string),
        website: record.website.clone(),
        status: record.status.as_str(),
        content_hash: content_hash(record),
        search_text: structure_search_text(
            record.name.trim(),
            record.siret.as_str(),
            record.network.as_deref(),
        ),
    })
}

/// What a structure search reads of a structure: its name, SIRET and network, folded.
pub fn structure_search_text(name: &str, siret: &str, network: Option<&str>) -> String {
    refdata::text::normalise(&format!("{name} {siret} {}", network.unwrap_or("")))
}

pub const STRUCTURE_SELECT: &str = "SELECT id, siret, kind, name, network, address, postcode, \
    commune_code, latitude, longitude, email, phone, website, status, created_at, updated_at \
    FROM structures";

macro_rules! structure_from_row {
    ($row:expr) => {{
        use sqlx::Row as _;
        use $crate::common::*;
        let row = $row;
        ::std::result::Result::<_, $crate::StoreError>::Ok($crate::Structure {
            id: row.try_get("id")?,
            record: $crate::StructureRecord {
                siret: parse(
                    &row.try_get::<String, _>("siret")?,
                    "siret",
                    domain::Siret::parse,
                )?,
                kind: text_enum(
                    &row.try_get::<String, _>("kind")?,
                    "kind",
                    $crate::StructureKind::parse,
                )?,
                name: row.try_get("name")?,
                network: row.try_get("network")?,
                address: row.try_get("address")?,
                postcode: parse_opt(
                    row.try_get("postcode")?,
                    "postcode",
                    domain::Postcode::parse,
                )?,
                commune: parse(
                    &row.try_get::<String, _>("commune_code")?,
                    "commune_code",
                    domain::InseeCode::parse,
                )?,
                coordinates: coordinates(row.try_get("latitude")?, row.try_get("longitude")?),
                email: parse_opt(row.try_get("email")?, "email", domain::Email::parse)?,
                phone: parse_opt(row.try_get("phone")?, "phone", domain::PhoneNumber::parse)?,
                website: row.try_get("website")?,
                status: text_enum(
                    &row.try_get::<String, _>("status")?,
                    "status",
                    $crate::StructureStatus::parse,
                )?,
            },
            created_at: row.try_get("created_at")?,
            updated_at: row.try_get("updated_at")?,
        })
    }};
}

both_backends! {
    impl This {
        /// Fills in the search text of the structures written before it existed (migration
        /// 0007); how many were filled.
        pub(crate) async fn fill_structure_search_text(&self) -> Result<u64> {
            let rows = sqlx::query(
                "SELECT id, name, siret, network FROM structures WHERE search_text IS NULL ORDER BY id",
            )
            .fetch_all(&self.pool)
            .await?;
            let mut tx = self.begin_write().await?;
            for row in &rows {
                let text = structure_search_text(
                    &row.try_get::<String, _>("name")?,
                    &row.try_get::<String, _>("siret")?,
                    row.try_get::<Option<String>, _>("network")?.as_deref(),
                );
                sqlx::query("UPDATE structures SET search_text = $1 WHERE id = $2")
                    .bind(text)
                    .bind(row.try_get::<i64, _>("id")?)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(rows.len() as u64)
        }
    }

    #[async_trait]
    impl Directory for This {
        async fn structures(&self) -> Result<Vec<Structure>> {
            let rows = sqlx::query(&format!("{STRUCTURE_SELECT} ORDER BY id"))
                .fetch_all(&self.pool)
                .await?;
            rows.iter().map(|row| structure_from_row!(row)).collect()
        }

        async fn search_structures(
            &self,
            words: &[String],
            offset: u64,
            limit: u32,
        ) -> Result<(u64, Vec<Structure>)> {
            let mut patterns = Vec::new();
            let filter = format!(
                "TRUE{}",
                search_words_filter(words, 10, &["search_text"], &mut patterns, 0)
            );
            let count_sql = format!("SELECT count(*) FROM structures WHERE {filter}");
            let mut count = sqlx::query_scalar::<_, i64>(&count_sql);
            for pattern in &patterns {
                count = count.bind(pattern);
            }
            let total = count.fetch_one(&self.pool).await?;
            let next = patterns.len() + 1;
            let sql = format!(
                "{STRUCTURE_SELECT} WHERE {filter} ORDER BY search_text{}, id LIMIT ${next} \
                 OFFSET ${}",
                This::BYTE_ORDER,
                next + 1
            );
            let mut page = sqlx::query(&sql);
            for pattern in &patterns {
                page = page.bind(pattern);
            }
            let rows = page
                .bind(i64::from(limit))
                .bind(i64::try_from(offset).unwrap_or(i64::MAX))
                .fetch_all(&self.pool)
                .await?;
            let structures = rows
                .iter()
                .map(|row| structure_from_row!(row))
                .collect::<Result<Vec<_>>>()?;
            Ok((u64::try_from(total).unwrap_or(0), structures))
        }

        async fn structure_by_siret(&self, siret: &Siret) -> Result<Option<Structure>> {
            let row = sqlx::query(&format!("{STRUCTURE_SELECT} WHERE siret = $1"))
                .bind(siret.as_str())
                .fetch_optional(&self.pool)
                .await?;
            row.as_ref().map(|row| structure_from_row!(row)).transpose()
        }

        async fn structure(&self, id: i64) -> Result<Option<Structure>> {
            let row = sqlx::query(&format!("{STRUCTURE_SELECT} WHERE id = $1"))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
            row.as_ref().map(|row| structure_from_row!(row)).transpose()
        }

        async fn upsert_services(
            &self,
            records: &[ServiceRecord],
            now: DateTime<Utc>,
        ) -> Result<BulkReport> {
            let mut report = BulkReport::default();
            let mut tx = self.begin_write().await?;
            let mut seen = std::collections::HashSet::new();
            for (i, record) in records.iter().enumerate() {
                if !seen.insert((record.structure_siret.as_str(), record.external_id.as_str())) {
                    report
                        .rejected
                        .push((i, "the same service twice in one batch".to_string()));
                    continue;
                }
                let name_len = record.name.chars().count();
                if !(3..=150).contains(&name_len) || record.external_id.is_empty() {
                    report.rejected.push((
                        i,
                        "nom: 3 to 150 characters; the id must not be empty".to_string(),
                    ));
                    continue;
                }
                let structure: Option<i64> =
                    sqlx::query_scalar("SELECT id FROM structures WHERE siret = $1")
                        .bind(record.structure_siret.as_str())
                        .fetch_optional(&mut *tx)
                        .await?;
                let Some(structure) = structure else {
                    report.rejected.push((
                        i,
                        format!("unknown structure {}", record.structure_siret.as_str()),
                    ));
                    continue;
                };
                let hash = content_hash(record);
                let stored: Option<String> = sqlx::query_scalar(
                    "SELECT content_hash FROM services WHERE structure_id = $1 AND external_id = $2",
                )
                .bind(structure)
                .bind(&record.external_id)
                .fetch_optional(&mut *tx)
                .await?;
                if !needs_write(&mut report, stored.as_ref(), &hash) {
                    continue;
                }
                sqlx::query(
                    "INSERT INTO services (structure_id, external_id, name, record, updated_on, \
                     review_every_days, content_hash, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) \
                     ON CONFLICT (structure_id, external_id) DO UPDATE SET name = excluded.name, \
                     record = excluded.record, updated_on = excluded.updated_on, \
                     review_every_days = excluded.review_every_days, \
                     content_hash = excluded.content_hash, updated_at = excluded.updated_at",
                )
                .bind(structure)
                .bind(&record.external_id)
                .bind(&record.name)
                .bind(sqlx::types::Json(record))
                .bind(record.updated_on)
                .bind(i32::from(record.review_every_days))
                .bind(&hash)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(report)
        }

        async fn services(&self) -> Result<Vec<Service>> {
            let rows = sqlx::query(
                "SELECT id, record, status, created_at, updated_at FROM services ORDER BY id",
            )
            .fetch_all(&self.pool)
            .await?;
            rows.iter()
                .map(|row| {
                    let status: String = row.try_get("status")?;
                    Ok(Service {
                        id: row.try_get("id")?,
                        record: row
                            .try_get::<sqlx::types::Json<ServiceRecord>, _>("record")?
                            .0,
                        status: ServiceStatus::parse(&status).ok_or_else(|| {
                            crate::StoreError::Corrupt(format!("service status {status:?}"))
                        })?,
                        created_at: row.try_get("created_at")?,
                        updated_at: row.try_get("updated_at")?,
                    })
                })
                .collect()
        }

        async fn set_structure_profile(
            &self,
            structure_id: i64,
            profile: &StructureProfile,
            now: DateTime<Utc>,
        ) -> Result<()> {
            sqlx::query(
                "INSERT INTO structure_profiles (structure_id, description, opening_hours, \
                 accessibility, networks, updated_on, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 ON CONFLICT (structure_id) DO UPDATE SET description = excluded.description, \
                 opening_hours = excluded.opening_hours, accessibility = excluded.accessibility, \
                 networks = excluded.networks, updated_on = excluded.updated_on, \
                 updated_at = excluded.updated_at",
            )
            .bind(structure_id)
            .bind(&profile.description)
            .bind(&profile.opening_hours)
            .bind(&profile.accessibility)
            .bind(sqlx::types::Json(&profile.networks))
            .bind(profile.updated_on)
            .bind(now)
            .execute(&self.pool)
            .await?;
            Ok(())
        }

        async fn structure_profiles(&self) -> Result<Vec<(i64, StructureProfile)>> {
            let rows = sqlx::query(
                "SELECT structure_id, description, opening_hours, accessibility, networks, \
                 updated_on FROM structure_profiles ORDER BY structure_id",
            )
            .fetch_all(&self.pool)
            .await?;
            rows.iter()
                .map(|row| {
                    Ok((
                        row.try_get("structure_id")?,
                        StructureProfile {
                            description: row.try_get("description")?,
                            opening_hours: row.try_get("opening_hours")?,
                            accessibility: row.try_get("accessibility")?,
                            networks: row
                                .try_get::<sqlx::types::Json<Vec<String>>, _>("networks")?
                                .0,
                            updated_on: row.try_get("updated_on")?,
                        },
                    ))
                })
                .collect()
        }


        async fn upsert_structures(
            &self,
            records: &[StructureRecord],
            now: DateTime<Utc>,
        ) -> Result<BulkReport> {
            let mut report = BulkReport::default();
            let rows = rows_to_write(records, |r| r.siret.as_str(), &mut report, structure_row);
            let staged: Vec<Staged> = rows.iter().map(|row| row.staged(now)).collect();
            let update = structure_update_set();
            let table = Table {
                name: "structures",
                columns: &STRUCTURE_COLUMNS,
                conflict: "siret",
                key: "siret",
                lookup: "siret",
                update: &update,
            };
            let mut tx = self.begin_write().await?;
            This::write_staged(&mut tx, &table, &staged, &mut report).await?;
            tx.commit().await?;
            Ok(report)
        }
    }
}
