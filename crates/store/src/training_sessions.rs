//! Training catalogues: sessions imported whole-file in one transaction (a file that turns out
//! malformed halfway writes nothing), keyed by the catalogue's numbers so that importing the
//! same file again changes nothing, searched by occupation, period and place.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row as _;

use crate::backend::both_backends;
use crate::bulk::{Staged, Table, Value};
use crate::common::*;
use crate::{Result, StoreError};
use model::trainings::{TrainingQuery, TrainingSession, TrainingSessionRecord};
use model::*;

/// What an import hands the store, batch after batch.
#[derive(Debug)]
pub enum TrainingBatch {
    Sessions(Vec<TrainingSessionRecord>),
    /// The file was read to its end: write what came.
    End,
    /// The file as a whole is refused (malformed halfway, say): write nothing.
    Abort(String),
}

/// The batches of one import, as the reader produces them.
pub type TrainingBatches = tokio::sync::mpsc::Receiver<TrainingBatch>;

/// The training catalogue.
#[async_trait]
pub trait Trainings: Send + Sync {
    /// Writes the sessions of one file in one transaction, as their batches come: created,
    /// updated (the same key, another content) or unchanged. Committed only when
    /// [`TrainingBatch::End`] arrives; an [`TrainingBatch::Abort`], or batches that stop
    /// without an end, leave the catalogue as it was (`StoreError::Invalid` with the reason).
    /// A session twice in one file is rejected the second time (by its position in the file,
    /// counted from 0 over the sessions handed over).
    async fn import_training_sessions(
        &self,
        batches: TrainingBatches,
        now: DateTime<Utc>,
    ) -> Result<BulkReport>;

    async fn training_session(&self, id: i64) -> Result<Option<TrainingSession>>;

    /// Every session, in the order of their keys (formation, action, session): the export's
    /// order, which groups each formation's actions and each action's sessions.
    async fn training_sessions(&self) -> Result<Vec<TrainingSession>>;

    /// The sessions the query asks for, the earliest first (by start, then id), with how many
    /// there are in all.
    async fn search_training_sessions(
        &self,
        query: &TrainingQuery,
    ) -> Result<(u64, Vec<TrainingSession>)>;
}

/// A latitude band of `km` on each side, and the longitude band at that latitude: a box
/// around the point that holds every place within `km` (the exact distance is checked after).
fn bounding_box((latitude, longitude): (f64, f64), km: f64) -> (f64, f64, f64, f64) {
    let dlat = km / 111.0;
    let dlon = km / (111.0 * latitude.to_radians().cos().abs().max(0.01));
    (
        latitude - dlat,
        latitude + dlat,
        longitude - dlon,
        longitude + dlon,
    )
}

/// The columns that stand beside the JSON record.
struct Columns<'a> {
    commune: Option<&'a str>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    starts_on: Option<chrono::NaiveDate>,
    ends_on: Option<chrono::NaiveDate>,
    hours_total: Option<i64>,
}

fn columns(record: &TrainingSessionRecord) -> std::result::Result<Columns<'_>, String> {
    let (starts_on, ends_on) = (record.starts.first_day(), record.ends.last_day());
    if let (Some(start), Some(end)) = (starts_on, ends_on)
        && end < start
    {
        return Err("periode: the session ends before it starts".into());
    }
    if record.title.trim().is_empty() || record.title.chars().count() > 400 {
        return Err("intitule-formation: 1 to 400 characters".into());
    }
    for (name, key) in [
        ("formation", &record.formation_ref),
        ("action", &record.action_ref),
        ("session", &record.session_ref),
    ] {
        if key.is_empty() || key.chars().count() > 100 {
            return Err(format!("{name}/@numero: 1 to 100 characters"));
        }
    }
    let (latitude, longitude) = match record.place.coordinates {
        Some((lat, lon)) if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) => {
            (Some(lat), Some(lon))
        }
        Some(_) => return Err("geolocalisation: out of range".into()),
        None => (None, None),
    };
    Ok(Columns {
        commune: record.place.commune.as_ref().map(|c| c.as_str()),
        latitude,
        longitude,
        starts_on,
        ends_on,
        hours_total: record.hours_total.map(i64::from),
    })
}

/// The columns of `training_sessions` an import writes, in the order of [`Prepared::staged`].
const SESSION_COLUMNS: [&str; 14] = [
    "formation_ref",
    "action_ref",
    "session_ref",
    "title",
    "record",
    "content_hash",
    "commune",
    "latitude",
    "longitude",
    "starts_on",
    "ends_on",
    "hours_total",
    "created_at",
    "updated_at",
];

/// What an import changes of a stored session (its creation time stays).
const SESSION_UPDATE: &str = "title = excluded.title, record = excluded.record, \
    content_hash = excluded.content_hash, commune = excluded.commune, \
    latitude = excluded.latitude, longitude = excluded.longitude, \
    starts_on = excluded.starts_on, ends_on = excluded.ends_on, \
    hours_total = excluded.hours_total, updated_at = excluded.updated_at";

/// A session's key as one text, in SQL: each number preceded by its length, so that no two
/// keys spell the same text ([`session_key`] in Rust).
const SESSION_KEY: &str = "CAST(length(formation_ref) AS TEXT) || ':' || formation_ref || \
    CAST(length(action_ref) AS TEXT) || ':' || action_ref || \
    CAST(length(session_ref) AS TEXT) || ':' || session_ref";

/// [`SESSION_KEY`] of a record.
fn session_key(record: &TrainingSessionRecord) -> String {
    let mut key = String::new();
    for part in [
        &record.formation_ref,
        &record.action_ref,
        &record.session_ref,
    ] {
        key.push_str(&format!("{}:{part}", part.chars().count()));
    }
    key
}

/// What an import remembers of each key it has met, to refuse a session twice in one file:
/// the first 128 bits of its SHA-256 (16 bytes a session, however long its numbers, so that
/// the import's memory barely grows with the file; two keys would share them once in about
/// 10^34 pairs).
fn key_digest(key: &str) -> [u8; 16] {
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(key.as_bytes());
    let mut first = [0u8; 16];
    for (to, from) in first.iter_mut().zip(digest.iter()) {
        *to = *from;
    }
    first
}

/// A session checked and ready to be written: its key, JSON and hash computed once.
struct Prepared<'r> {
    key: String,
    record: &'r TrainingSessionRecord,
    json: String,
    hash: String,
    columns: Columns<'r>,
    now: DateTime<Utc>,
}

impl<'r> Prepared<'r> {
    fn new(
        key: String,
        record: &'r TrainingSessionRecord,
        now: DateTime<Utc>,
    ) -> std::result::Result<Self, String> {
        let columns = columns(record)?;
        let json = serde_json::to_string(record)
            .map_err(|err| format!("session: cannot be written as JSON ({err})"))?;
        Ok(Prepared {
            key,
            record,
            json,
            hash: content_hash(record),
            columns,
            now,
        })
    }

    fn staged(&self) -> Staged<'_> {
        let record = self.record;
        let columns = &self.columns;
        Staged {
            key: self.key.clone(),
            lookup: &record.formation_ref,
            hash: &self.hash,
            values: vec![
                Value::Text(Some(&record.formation_ref)),
                Value::Text(Some(&record.action_ref)),
                Value::Text(Some(&record.session_ref)),
                Value::Text(Some(&record.title)),
                Value::Text(Some(&self.json)),
                Value::Text(Some(&self.hash)),
                Value::Text(columns.commune),
                Value::Float(columns.latitude),
                Value::Float(columns.longitude),
                Value::Date(columns.starts_on),
                Value::Date(columns.ends_on),
                Value::Int(columns.hours_total),
                Value::Time(Some(self.now)),
                Value::Time(Some(self.now)),
            ],
        }
    }
}

const SESSION_SELECT: &str = "SELECT id, record, updated_at FROM training_sessions";

both_backends! {
    fn session_of(row: &Row) -> Result<TrainingSession> {
        Ok(TrainingSession {
            id: row.try_get("id")?,
            record: row
                .try_get::<sqlx::types::Json<TrainingSessionRecord>, _>("record")?
                .0,
            updated_at: row.try_get("updated_at")?,
        })
    }

    impl This {
        /// Writes one batch of sessions in the import's transaction, in a few statements
        /// whatever its size: the sessions upserted in bulk (those whose content is unchanged
        /// left alone), then the occupations of those written replaced.
        async fn write_batch(
            tx: &mut sqlx::Transaction<'static, Db>,
            sessions: &[Prepared<'_>],
            report: &mut BulkReport,
        ) -> Result<()> {
            let staged: Vec<Staged> = sessions.iter().map(Prepared::staged).collect();
            let table = Table {
                name: "training_sessions",
                columns: &SESSION_COLUMNS,
                conflict: "formation_ref, action_ref, session_ref",
                key: SESSION_KEY,
                lookup: "formation_ref",
                update: SESSION_UPDATE,
            };
            let written = This::write_staged(tx, &table, &staged, report).await?;
            if written.is_empty() {
                return Ok(());
            }
            let by_key: std::collections::HashMap<&str, &TrainingSessionRecord> = sessions
                .iter()
                .map(|session| (session.key.as_str(), session.record))
                .collect();
            let ids: Vec<i64> = written.iter().map(|(_, id)| *id).collect();
            sqlx::query(&format!(
                "DELETE FROM training_session_romes WHERE session_id IN ({})",
                This::each_int("$1")
            ))
            .bind(sqlx::types::Json(&ids))
            .execute(&mut **tx)
            .await?;
            let mut rows = Vec::new();
            for (key, id) in &written {
                let Some(record) = by_key.get(key.as_str()) else {
                    return Err(StoreError::Invalid(format!(
                        "training session {key}: written but not in the batch"
                    )));
                };
                let mut romes: Vec<&str> = record.romes.iter().map(|r| r.as_str()).collect();
                romes.sort_unstable();
                romes.dedup();
                rows.extend(
                    romes
                        .into_iter()
                        .map(|rome| vec![Value::Int(Some(*id)), Value::Text(Some(rome))]),
                );
            }
            This::insert_rows(tx, "training_session_romes", &["session_id", "rome"], &rows)
                .await
        }
    }

    #[async_trait]
    impl Trainings for This {
        async fn import_training_sessions(
            &self,
            mut batches: TrainingBatches,
            now: DateTime<Utc>,
        ) -> Result<BulkReport> {
            let mut report = BulkReport::default();
            let mut tx = self.begin_write().await?;
            let mut seen = std::collections::HashSet::new();
            let mut position = 0;
            loop {
                match batches.recv().await {
                    Some(TrainingBatch::Sessions(sessions)) => {
                        let mut prepared = Vec::with_capacity(sessions.len());
                        for record in &sessions {
                            let key = session_key(record);
                            if !seen.insert(key_digest(&key)) {
                                report.rejected.push((
                                    position,
                                    "session/@numero: the same session twice in one file"
                                        .to_string(),
                                ));
                            } else {
                                match Prepared::new(key, record, now) {
                                    Ok(session) => prepared.push(session),
                                    Err(reason) => report.rejected.push((position, reason)),
                                }
                            }
                            position += 1;
                        }
                        Self::write_batch(&mut tx, &prepared, &mut report).await?;
                    }
                    Some(TrainingBatch::End) => break,
                    Some(TrainingBatch::Abort(reason)) => {
                        tx.rollback().await?;
                        return Err(StoreError::Invalid(reason));
                    }
                    None => {
                        tx.rollback().await?;
                        return Err(StoreError::Invalid(
                            "the file's reading stopped before its end: nothing written".into(),
                        ));
                    }
                }
            }
            tx.commit().await?;
            Ok(report)
        }

        async fn training_session(&self, id: i64) -> Result<Option<TrainingSession>> {
            This::by_id(&self.pool, SESSION_SELECT, id, session_of).await
        }

        async fn training_sessions(&self) -> Result<Vec<TrainingSession>> {
            let rows = sqlx::query(&format!(
                "{SESSION_SELECT} ORDER BY formation_ref, action_ref, session_ref"
            ))
            .fetch_all(&self.pool)
            .await?;
            rows.iter().map(session_of).collect()
        }

        async fn search_training_sessions(
            &self,
            query: &TrainingQuery,
        ) -> Result<(u64, Vec<TrainingSession>)> {
            let mut filters = vec!["1 = 1".to_string()];
            if !query.romes.is_empty() {
                filters.push(format!(
                    "id IN (SELECT session_id FROM training_session_romes WHERE rome IN ({}))",
                    rome_list(&query.romes)
                ));
            }
            // Only the parameters a filter uses are bound, in the order of their numbers.
            let mut number = 0;
            let mut next = || {
                number += 1;
                format!("${number}")
            };
            if query.from.is_some() || query.to.is_some() {
                filters.push("starts_on IS NOT NULL".into());
            }
            if query.from.is_some() {
                filters.push(format!("(ends_on IS NULL OR ends_on >= {})", next()));
            }
            if query.to.is_some() {
                filters.push(format!("starts_on <= {}", next()));
            }
            let area = query.near.map(|near| bounding_box(near, query.within_km));
            if area.is_some() {
                filters.push(format!(
                    "latitude BETWEEN {} AND {} AND longitude BETWEEN {} AND {}",
                    next(),
                    next(),
                    next(),
                    next()
                ));
            }
            let sql = format!(
                "{SESSION_SELECT} WHERE {} ORDER BY starts_on IS NULL, starts_on, id",
                filters.join(" AND ")
            );
            let mut select = sqlx::query(&sql);
            if let Some(from) = query.from {
                select = select.bind(from);
            }
            if let Some(to) = query.to {
                select = select.bind(to);
            }
            if let Some((lat_min, lat_max, lon_min, lon_max)) = area {
                select = select.bind(lat_min).bind(lat_max).bind(lon_min).bind(lon_max);
            }
            let rows = select.fetch_all(&self.pool).await?;
            let mut sessions = rows.iter().map(session_of).collect::<Result<Vec<_>>>()?;
            if let Some(near) = query.near {
                sessions.retain(|session| {
                    session
                        .record
                        .place
                        .coordinates
                        .is_some_and(|at| refdata::distance_km(near, at) <= query.within_km)
                });
            }
            let total = sessions.len() as u64;
            let page = sessions
                .into_iter()
                .skip(query.offset as usize)
                .take(query.limit.max(1) as usize)
                .collect();
            Ok((total, page))
        }
    }
}
