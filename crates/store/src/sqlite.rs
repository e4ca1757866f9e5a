//! The embedded backend: one SQLite file in WAL mode, foreign keys on, full synchronous
//! commits, a small connection pool. Bulk writes are multi-row statements in one transaction.

use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{Email, ExternalId, Siret};
use futures_util::TryStreamExt;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{QueryBuilder, Row, Sqlite, Transaction};

use crate::common::*;
use crate::url::{Backend, DatabaseUrl};
use crate::{Counts, Result, Store, StoreError};
use model::*;

const MIGRATIONS: [(i64, &str, &str); 6] = [
    (
        1,
        "initial",
        include_str!("../migrations/sqlite/0001_initial.sql"),
    ),
    (
        2,
        "service",
        include_str!("../migrations/sqlite/0002_service.sql"),
    ),
    (
        3,
        "shortlist tallies",
        include_str!("../migrations/sqlite/0003_shortlist_tallies.sql"),
    ),
    (
        4,
        "directory",
        include_str!("../migrations/sqlite/0004_directory.sql"),
    ),
    (
        5,
        "meetings",
        include_str!("../migrations/sqlite/0005_meetings.sql"),
    ),
    (
        6,
        "priority policies and consent",
        include_str!("../migrations/sqlite/0006_priority.sql"),
    ),
];

pub struct SqliteStore {
    pool: SqlitePool,
}

/// A job seeker's targets as a JSON array of [rome_code, job_title_ogr], in rank order.
const TARGETS: &str = "(SELECT json_group_array(json_array(t.rome_code, t.job_title_ogr)) FROM \
    (SELECT rome_code, job_title_ogr FROM job_seeker_targets WHERE job_seeker_id = j.id \
    ORDER BY rank) t)";

/// `SELECT <job seeker as one JSON document> AS document, j.id FROM ...`
fn job_seeker_document_select() -> String {
    let pairs: Vec<String> =
        job_seeker_document_fields(str::to_string, &format!("json({TARGETS})"))
            .into_iter()
            .map(|(key, expression)| format!("'{key}', {expression}"))
            .collect();
    format!(
        "SELECT json_object({}) AS document, j.id {JOB_SEEKER_FROM}",
        pairs.join(", ")
    )
}

fn json_text(column: &str) -> String {
    column.to_string()
}

impl SqliteStore {
    /// Runs `sql` (selecting `document` and `j.id`, with `WHERE j.id > ? ORDER BY j.id LIMIT
    /// ?`) page by page (short reads, bounded memory), the next page read while this one is
    /// handed to `each`, one document at a time. Returns how many there were.
    async fn stream_documents(
        &self,
        sql: String,
        each: &mut (dyn FnMut(&str) -> Result<()> + Send),
    ) -> Result<u64> {
        async fn page(pool: SqlitePool, sql: String, after: i64) -> Result<Vec<(i64, String)>> {
            let rows = sqlx::query(&sql)
                .bind(after)
                .bind(READ_PAGE)
                .fetch_all(&pool)
                .await?;
            rows.iter()
                .map(|row| Ok((row.try_get("id")?, row.try_get("document")?)))
                .collect()
        }
        let mut pending = tokio::spawn(page(self.pool.clone(), sql.clone(), 0));
        let mut count = 0;
        loop {
            let rows = pending
                .await
                .map_err(|err| StoreError::Corrupt(format!("reading job seekers: {err}")))??;
            let Some(&(after, _)) = rows.last() else {
                break;
            };
            pending = tokio::spawn(page(self.pool.clone(), sql.clone(), after));
            for (_, document) in &rows {
                each(document)?;
                count += 1;
            }
        }
        Ok(count)
    }

    /// Offers matching `filter` (a WHERE clause over `o`, or nothing), by id.
    async fn offers_where(&self, filter: &str) -> Result<Vec<Offer>> {
        let sql = format!("{} {filter} ORDER BY o.id", offer_select(json_text));
        let mut rows = sqlx::query(&sql).fetch(&self.pool);
        let mut offers = Vec::new();
        while let Some(row) = rows.try_next().await? {
            offers.push(offer_from_row!(&row)?);
        }
        Ok(offers)
    }

    pub async fn connect(url: &DatabaseUrl) -> Result<Self> {
        let connect_error = |source| StoreError::Connect {
            url: url.to_string(),
            source,
        };
        if let Some(parent) = url
            .sqlite_path()
            .as_deref()
            .and_then(std::path::Path::parent)
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(parent).map_err(|err| connect_error(sqlx::Error::Io(err)))?;
        }
        let options = SqliteConnectOptions::from_str(url.expose())
            .map_err(connect_error)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(30))
            // 64 MiB of page cache and memory-mapped reads: bulk reads stay off the syscalls.
            .pragma("cache_size", "-65536")
            .pragma("mmap_size", "1073741824");
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(connect_error)?;
        Ok(Self { pool })
    }

    /// SIRET → id for the SIRETs given.
    async fn structure_ids(
        tx: &mut Transaction<'_, Sqlite>,
        sirets: impl Iterator<Item = String>,
    ) -> Result<HashMap<String, i64>> {
        let sirets: Vec<String> = sirets
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let mut ids = HashMap::new();
        for chunk in sirets.chunks(SQLITE_ROWS_PER_STATEMENT) {
            let mut query =
                QueryBuilder::<Sqlite>::new("SELECT id, siret FROM structures WHERE siret IN (");
            let mut list = query.separated(", ");
            for siret in chunk {
                list.push_bind(siret);
            }
            query.push(")");
            for row in query.build().fetch_all(&mut **tx).await? {
                ids.insert(
                    row.try_get::<String, _>("siret")?,
                    row.try_get::<i64, _>("id")?,
                );
            }
        }
        Ok(ids)
    }

    /// Lower-cased e-mail → id for the users given.
    async fn user_ids(
        tx: &mut Transaction<'_, Sqlite>,
        emails: impl Iterator<Item = String>,
    ) -> Result<HashMap<String, i64>> {
        let emails: Vec<String> = emails
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let mut ids = HashMap::new();
        for chunk in emails.chunks(SQLITE_ROWS_PER_STATEMENT) {
            let mut query = QueryBuilder::<Sqlite>::new(
                "SELECT id, lower(email) AS email FROM users WHERE lower(email) IN (",
            );
            let mut list = query.separated(", ");
            for email in chunk {
                list.push_bind(email);
            }
            query.push(")");
            for row in query.build().fetch_all(&mut **tx).await? {
                ids.insert(
                    row.try_get::<String, _>("email")?,
                    row.try_get::<i64, _>("id")?,
                );
            }
        }
        Ok(ids)
    }

    /// The stored content hash of each key present.
    async fn existing_hashes(
        tx: &mut Transaction<'_, Sqlite>,
        sql_prefix: &str,
        keys: &[String],
    ) -> Result<HashMap<String, String>> {
        let mut hashes = HashMap::new();
        for chunk in keys.chunks(SQLITE_ROWS_PER_STATEMENT) {
            let mut query = QueryBuilder::<Sqlite>::new(sql_prefix);
            let mut list = query.separated(", ");
            for key in chunk {
                list.push_bind(key);
            }
            query.push(")");
            for row in query.build().fetch_all(&mut **tx).await? {
                hashes.insert(
                    row.try_get::<String, _>("key")?,
                    row.try_get::<String, _>("content_hash")?,
                );
            }
        }
        Ok(hashes)
    }
}

#[async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }

    async fn migrate(&self) -> Result<()> {
        migrator(&MIGRATIONS).run(&self.pool).await?;
        Ok(())
    }

    async fn counts(&self) -> Result<Counts> {
        let row = sqlx::query(
            "SELECT (SELECT count(*) FROM structures) AS structures, \
             (SELECT count(*) FROM users) AS users, \
             (SELECT count(*) FROM job_seekers) AS job_seekers, \
             (SELECT count(*) FROM offers) AS offers, \
             (SELECT count(*) FROM referrals) AS referrals, \
             (SELECT count(*) FROM audit_events) AS audit_events",
        )
        .fetch_one(&self.pool)
        .await?;
        let count = |name: &str| -> Result<u64> { Ok(row.try_get::<i64, _>(name)?.max(0) as u64) };
        Ok(Counts {
            structures: count("structures")?,
            users: count("users")?,
            job_seekers: count("job_seekers")?,
            offers: count("offers")?,
            referrals: count("referrals")?,
            audit_events: count("audit_events")?,
        })
    }

    async fn check_integrity(&self) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        for row in sqlx::query("PRAGMA integrity_check")
            .fetch_all(&self.pool)
            .await?
        {
            let line: String = row.try_get(0)?;
            if line != "ok" {
                problems.push(format!("integrity_check: {line}"));
            }
        }
        for row in sqlx::query("PRAGMA foreign_key_check")
            .fetch_all(&self.pool)
            .await?
        {
            let table: String = row.try_get(0)?;
            let rowid: Option<i64> = row.try_get(1)?;
            let parent: String = row.try_get(2)?;
            problems.push(format!(
                "foreign key: {table} row {rowid:?} points to a missing {parent}"
            ));
        }
        let orphans: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM job_seekers j WHERE NOT EXISTS \
             (SELECT 1 FROM job_seeker_targets t WHERE t.job_seeker_id = j.id)",
        )
        .fetch_one(&self.pool)
        .await?;
        if orphans > 0 {
            problems.push(format!("{orphans} job seekers have no target occupation"));
        }
        Ok(problems)
    }

    async fn upsert_structures(
        &self,
        records: &[StructureRecord],
        now: DateTime<Utc>,
    ) -> Result<BulkReport> {
        let mut report = BulkReport::default();
        let (kept, duplicates) = first_of_each_key(records.iter().map(|r| r.siret.as_str()));
        report.rejected.extend(duplicates);
        let mut rows = Vec::new();
        for i in kept {
            let Some(record) = records.get(i) else {
                continue;
            };
            match structure_row(record) {
                Ok(row) => rows.push(row),
                Err(reason) => report.rejected.push((i, reason)),
            }
        }
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let keys: Vec<String> = rows.iter().map(|r| r.siret.clone()).collect();
        let existing = Self::existing_hashes(
            &mut tx,
            "SELECT siret AS key, content_hash FROM structures WHERE siret IN (",
            &keys,
        )
        .await?;
        let to_write: Vec<&StructureRow> = rows
            .iter()
            .filter(|row| needs_write(&mut report, existing.get(&row.siret), &row.content_hash))
            .collect();
        for chunk in to_write.chunks(SQLITE_ROWS_PER_STATEMENT) {
            let mut query = QueryBuilder::<Sqlite>::new(format!(
                "INSERT INTO structures ({}) ",
                STRUCTURE_COLUMNS.join(", ")
            ));
            query.push_values(chunk, |mut b, row| {
                b.push_bind(&row.siret)
                    .push_bind(row.kind)
                    .push_bind(&row.name)
                    .push_bind(&row.network)
                    .push_bind(&row.address)
                    .push_bind(&row.postcode)
                    .push_bind(&row.commune_code)
                    .push_bind(row.latitude)
                    .push_bind(row.longitude)
                    .push_bind(&row.email)
                    .push_bind(&row.phone)
                    .push_bind(&row.website)
                    .push_bind(row.status)
                    .push_bind(&row.content_hash)
                    .push_bind(now)
                    .push_bind(now);
            });
            query.push(format!(
                " ON CONFLICT (siret) DO UPDATE SET {}",
                structure_update_set()
            ));
            query.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(report)
    }

    async fn structures(&self) -> Result<Vec<Structure>> {
        let rows = sqlx::query(&format!("{STRUCTURE_SELECT} ORDER BY id"))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|row| structure_from_row!(row)).collect()
    }

    async fn structure_by_siret(&self, siret: &Siret) -> Result<Option<Structure>> {
        let row = sqlx::query(&format!("{STRUCTURE_SELECT} WHERE siret = ?"))
            .bind(siret.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(|row| structure_from_row!(row)).transpose()
    }

    async fn structure(&self, id: i64) -> Result<Option<Structure>> {
        let row = sqlx::query(&format!("{STRUCTURE_SELECT} WHERE id = ?"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(|row| structure_from_row!(row)).transpose()
    }

    async fn create_user(&self, user: &NewUser, now: DateTime<Utc>) -> Result<User> {
        let row = sqlx::query(
            "INSERT INTO users (email, display_name, password_hash, status, created_at) \
             VALUES (?, ?, ?, 'active', ?) \
             RETURNING id, email, display_name, password_hash, status, created_at",
        )
        .bind(user.email.as_str())
        .bind(&user.display_name)
        .bind(&user.password_hash)
        .bind(now)
        .fetch_one(&self.pool)
        .await?;
        user_from_row!(&row)
    }

    async fn user_by_email(&self, email: &Email) -> Result<Option<User>> {
        let row = sqlx::query(&format!("{USER_SELECT} WHERE lower(email) = lower(?)"))
            .bind(email.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(|row| user_from_row!(row)).transpose()
    }

    async fn user(&self, id: i64) -> Result<Option<User>> {
        let row = sqlx::query(&format!("{USER_SELECT} WHERE id = ?"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(|row| user_from_row!(row)).transpose()
    }

    async fn users(&self) -> Result<Vec<(User, Vec<Membership>)>> {
        let rows = sqlx::query(&format!("{USER_SELECT} ORDER BY id"))
            .fetch_all(&self.pool)
            .await?;
        let mut users = Vec::with_capacity(rows.len());
        for row in &rows {
            let user = user_from_row!(row)?;
            let memberships = self.memberships(user.id).await?;
            users.push((user, memberships));
        }
        Ok(users)
    }

    async fn set_membership(
        &self,
        user_id: i64,
        structure_id: i64,
        role: Role,
        now: DateTime<Utc>,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO memberships (user_id, structure_id, role, created_at) VALUES (?, ?, ?, ?) \
             ON CONFLICT (user_id, structure_id) DO UPDATE SET role = excluded.role",
        )
        .bind(user_id)
        .bind(structure_id)
        .bind(role.as_str())
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn memberships(&self, user_id: i64) -> Result<Vec<Membership>> {
        let rows = sqlx::query(
            "SELECT user_id, structure_id, role, created_at FROM memberships WHERE user_id = ? \
             ORDER BY structure_id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(Membership {
                    user_id: row.try_get("user_id")?,
                    structure_id: row.try_get("structure_id")?,
                    role: text_enum(&row.try_get::<String, _>("role")?, "role", Role::parse)?,
                    created_at: row.try_get("created_at")?,
                })
            })
            .collect()
    }

    async fn create_api_token(
        &self,
        user_id: i64,
        name: &str,
        hash: &TokenHash,
        expires_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<ApiToken> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at) \
             VALUES (?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(user_id)
        .bind(name)
        .bind(hash.as_str())
        .bind(now)
        .bind(expires_at)
        .fetch_one(&self.pool)
        .await?;
        Ok(ApiToken {
            id,
            user_id,
            name: name.to_string(),
            created_at: now,
            expires_at,
            revoked_at: None,
        })
    }

    async fn user_by_token(
        &self,
        hash: &TokenHash,
        now: DateTime<Utc>,
    ) -> Result<Option<(User, ApiToken)>> {
        let row = sqlx::query(
            "SELECT id, user_id, name, created_at, expires_at, revoked_at, last_used_at \
             FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL \
             AND (expires_at IS NULL OR expires_at > ?)",
        )
        .bind(hash.as_str())
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let token = token_from_row!(&row)?;
        // A read per request; the last use is written at most once a minute, so that machine
        // clients calling often do not turn every request into a write.
        let last_used: Option<DateTime<Utc>> = row.try_get("last_used_at")?;
        if last_used.is_none_or(|t| now - t >= TOKEN_USE_RESOLUTION) {
            sqlx::query("UPDATE api_tokens SET last_used_at = ? WHERE id = ?")
                .bind(now)
                .bind(token.id)
                .execute(&self.pool)
                .await?;
        }
        let user = sqlx::query(&format!("{USER_SELECT} WHERE id = ? AND status = 'active'"))
            .bind(token.user_id)
            .fetch_optional(&self.pool)
            .await?;
        match user {
            Some(row) => Ok(Some((user_from_row!(&row)?, token))),
            None => Ok(None),
        }
    }

    async fn api_tokens(&self, user_id: i64) -> Result<Vec<ApiToken>> {
        let rows = sqlx::query(
            "SELECT id, user_id, name, created_at, expires_at, revoked_at FROM api_tokens \
             WHERE user_id = ? ORDER BY id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|row| token_from_row!(row)).collect()
    }

    async fn revoke_api_token(
        &self,
        token_id: i64,
        owner: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL \
             AND (? IS NULL OR user_id = ?)",
        )
        .bind(now)
        .bind(token_id)
        .bind(owner)
        .bind(owner)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn create_session(
        &self,
        user_id: i64,
        hash: &TokenHash,
        csrf_token: &str,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Session> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) \
             VALUES (?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(hash.as_str())
        .bind(user_id)
        .bind(csrf_token)
        .bind(now)
        .bind(expires_at)
        .fetch_one(&self.pool)
        .await?;
        Ok(Session {
            id,
            user_id,
            csrf_token: csrf_token.to_string(),
            created_at: now,
            expires_at,
        })
    }

    async fn session(
        &self,
        hash: &TokenHash,
        now: DateTime<Utc>,
    ) -> Result<Option<(User, Session)>> {
        let row = sqlx::query(&format!(
            "SELECT u.id, u.email, u.display_name, u.password_hash, u.status, u.created_at, \
             {SESSION_COLUMNS} FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = ? AND s.expires_at > ? AND u.status = 'active'"
        ))
        .bind(hash.as_str())
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref()
            .map(|row| Ok((user_from_row!(row)?, session_from_row!(row)?)))
            .transpose()
    }

    async fn delete_session(&self, hash: &TokenHash) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
            .bind(hash.as_str())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn upsert_job_seekers(
        &self,
        records: &[JobSeekerRecord],
        now: DateTime<Utc>,
    ) -> Result<BulkReport> {
        let mut report = BulkReport::default();
        let (kept, duplicates) = first_of_each_key(records.iter().map(|r| r.external_id.as_str()));
        report.rejected.extend(duplicates);
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let agencies =
            Self::structure_ids(&mut tx, records.iter().map(|r| r.agency_siret.to_string()))
                .await?;
        let advisors = Self::user_ids(
            &mut tx,
            records
                .iter()
                .filter_map(|r| r.advisor_email.as_ref().map(|e| e.as_str().to_lowercase())),
        )
        .await?;
        let mut rows = Vec::new();
        for i in kept {
            let Some(record) = records.get(i) else {
                continue;
            };
            let Some(&agency) = agencies.get(record.agency_siret.as_str()) else {
                report.rejected.push((
                    i,
                    format!(
                        "agency_siret: no structure has the SIRET {}",
                        record.agency_siret
                    ),
                ));
                continue;
            };
            let advisor = match &record.advisor_email {
                Some(email) => match advisors.get(&email.as_str().to_lowercase()) {
                    Some(&id) => Some(id),
                    None => {
                        report.rejected.push((
                            i,
                            "advisor_email: no user has this e-mail address".to_string(),
                        ));
                        continue;
                    }
                },
                None => None,
            };
            rows.push(job_seeker_row(record, agency, advisor));
        }
        let keys: Vec<String> = rows.iter().map(|r| r.external_id.clone()).collect();
        let existing = Self::existing_hashes(
            &mut tx,
            "SELECT external_id AS key, content_hash FROM job_seekers WHERE external_id IN (",
            &keys,
        )
        .await?;
        let to_write: Vec<&JobSeekerRow> = rows
            .iter()
            .filter(|row| {
                needs_write(
                    &mut report,
                    existing.get(&row.external_id),
                    &row.content_hash,
                )
            })
            .collect();
        let columns = JOB_SEEKER_COLUMNS.join(", ");
        let update = job_seeker_update_set("*");
        for chunk in to_write.chunks(SQLITE_ROWS_PER_STATEMENT / 2) {
            let mut query =
                QueryBuilder::<Sqlite>::new(format!("INSERT INTO job_seekers ({columns}) "));
            query.push_values(chunk, |mut b, row| {
                b.push_bind(&row.external_id)
                    .push_bind(&row.first_name)
                    .push_bind(&row.last_name)
                    .push_bind(&row.email)
                    .push_bind(&row.phone)
                    .push_bind(row.birth_date)
                    .push_bind(&row.commune_code)
                    .push_bind(row.available_from)
                    .push_bind(row.commute_limit_km)
                    .push_bind(&row.skills)
                    .push_bind(&row.qualifications)
                    .push_bind(&row.languages)
                    .push_bind(&row.experience)
                    .push_bind(&row.contract_types)
                    .push_bind(row.working_time);
                for (has, disclosed) in row.flags {
                    b.push_bind(has).push_bind(disclosed);
                }
                b.push_bind(row.consent_at)
                    .push_bind(row.consent_scope)
                    .push_bind(row.advisor_user_id)
                    .push_bind(row.agency_structure_id)
                    .push_bind(row.registered_on)
                    .push_bind(row.status)
                    .push_bind(&row.content_hash)
                    .push_bind(now)
                    .push_bind(now);
            });
            query.push(format!(
                " ON CONFLICT (external_id) DO UPDATE SET {update} RETURNING id, external_id"
            ));
            let written = query.build().fetch_all(&mut *tx).await?;
            let ids: HashMap<String, i64> = written
                .iter()
                .map(|row| {
                    Ok((
                        row.try_get::<String, _>("external_id")?,
                        row.try_get::<i64, _>("id")?,
                    ))
                })
                .collect::<Result<_>>()?;
            let mut delete = QueryBuilder::<Sqlite>::new(
                "DELETE FROM job_seeker_targets WHERE job_seeker_id IN (",
            );
            let mut list = delete.separated(", ");
            for id in ids.values() {
                list.push_bind(*id);
            }
            delete.push(")");
            delete.build().execute(&mut *tx).await?;
            let targets: Vec<(i64, &(i64, String, Option<String>))> = chunk
                .iter()
                .filter_map(|row| ids.get(&row.external_id).map(|id| (*id, &row.targets)))
                .flat_map(|(id, targets)| targets.iter().map(move |t| (id, t)))
                .collect();
            for targets in targets.chunks(SQLITE_ROWS_PER_STATEMENT) {
                let mut insert = QueryBuilder::<Sqlite>::new(
                    "INSERT INTO job_seeker_targets (job_seeker_id, rank, rome_code, job_title_ogr) ",
                );
                insert.push_values(targets, |mut b, (id, (rank, rome, title))| {
                    b.push_bind(*id)
                        .push_bind(*rank)
                        .push_bind(rome)
                        .push_bind(title);
                });
                insert.build().execute(&mut *tx).await?;
            }
        }
        tx.commit().await?;
        Ok(report)
    }

    async fn job_seeker(&self, external_id: &ExternalId) -> Result<Option<JobSeeker>> {
        let sql = format!("{} WHERE j.external_id = ?", job_seeker_document_select());
        let row = sqlx::query(&sql)
            .bind(external_id.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| JobSeekerDocument::parse_json(&row.try_get::<String, _>("document")?))
            .transpose()
    }

    async fn job_seeker_by_id(&self, id: i64) -> Result<Option<JobSeeker>> {
        let sql = format!("{} WHERE j.id = ?", job_seeker_document_select());
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| JobSeekerDocument::parse_json(&row.try_get::<String, _>("document")?))
            .transpose()
    }

    async fn job_seekers_of_agency(
        &self,
        agency_structure_id: i64,
        after: i64,
        limit: u32,
    ) -> Result<Vec<JobSeeker>> {
        let sql = format!(
            "{} WHERE j.agency_structure_id = ? AND j.id > ? ORDER BY j.id LIMIT ?",
            job_seeker_document_select()
        );
        let rows = sqlx::query(&sql)
            .bind(agency_structure_id)
            .bind(after)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| JobSeekerDocument::parse_json(&row.try_get::<String, _>("document")?))
            .collect()
    }

    async fn stream_job_seekers(
        &self,
        sink: &mut (dyn FnMut(JobSeeker) -> Result<()> + Send),
    ) -> Result<u64> {
        let sql = format!(
            "{} WHERE j.id > ? ORDER BY j.id LIMIT ?",
            job_seeker_document_select()
        );
        self.stream_documents(sql, &mut |document| {
            sink(JobSeekerDocument::parse_json(document)?)
        })
        .await
    }

    async fn stream_sourcing_profiles(
        &self,
        sink: &mut (dyn FnMut(SourcingProfile) -> Result<()> + Send),
    ) -> Result<u64> {
        // One JSON array of texts per row: SQLite hands one value over faster than nineteen.
        let sql = format!(
            "SELECT json_array({}, json({TARGETS})) AS document, j.id FROM job_seekers j \
             WHERE j.id > ? ORDER BY j.id LIMIT ?",
            sourcing_columns(|c| format!("CAST({c} AS TEXT)")).join(", ")
        );
        self.stream_documents(sql, &mut |document| {
            let (fields, targets) = sourcing_row_from_json(document)?;
            sink(sourcing_from_text(fields, targets)?)
        })
        .await
    }

    async fn upsert_offers(
        &self,
        records: &[OfferRecord],
        now: DateTime<Utc>,
    ) -> Result<BulkReport> {
        let mut report = BulkReport::default();
        let (kept, duplicates) = first_of_each_key(
            records
                .iter()
                .map(|r| (r.structure_siret.as_str(), r.external_id.as_str())),
        );
        report.rejected.extend(duplicates);
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let owners = Self::structure_ids(
            &mut tx,
            records.iter().map(|r| r.structure_siret.to_string()),
        )
        .await?;
        let mut rows = Vec::new();
        for i in kept {
            let Some(record) = records.get(i) else {
                continue;
            };
            let Some(&owner) = owners.get(record.structure_siret.as_str()) else {
                report.rejected.push((
                    i,
                    format!(
                        "structure_siret: no structure has the SIRET {}",
                        record.structure_siret
                    ),
                ));
                continue;
            };
            match offer_row(record, owner) {
                Ok(row) => rows.push(row),
                Err(reason) => report.rejected.push((i, reason)),
            }
        }
        // Looked up by reference (indexed), then told apart by owner.
        let references: Vec<String> = rows.iter().map(|r| r.external_id.clone()).collect();
        let existing = Self::existing_hashes(
            &mut tx,
            "SELECT structure_id || char(31) || external_id AS key, content_hash FROM offers \
             WHERE external_id IN (",
            &references,
        )
        .await?;
        let keys: Vec<String> = rows
            .iter()
            .map(|r| format!("{}\u{1f}{}", r.structure_id, r.external_id))
            .collect();
        let to_write: Vec<&OfferRow> = rows
            .iter()
            .zip(&keys)
            .filter(|(row, key)| needs_write(&mut report, existing.get(*key), &row.content_hash))
            .map(|(row, _)| row)
            .collect();
        let columns = OFFER_COLUMNS.join(", ");
        let update = offer_update_set();
        for chunk in to_write.chunks(SQLITE_ROWS_PER_STATEMENT / 2) {
            let mut query = QueryBuilder::<Sqlite>::new(format!("INSERT INTO offers ({columns}) "));
            query.push_values(chunk, |mut b, row| {
                b.push_bind(row.structure_id)
                    .push_bind(&row.external_id)
                    .push_bind(&row.title)
                    .push_bind(&row.description)
                    .push_bind(&row.rome_code)
                    .push_bind(&row.job_title)
                    .push_bind(&row.job_title_ogr)
                    .push_bind(&row.workplace_label)
                    .push_bind(&row.commune_code)
                    .push_bind(&row.postcode)
                    .push_bind(row.latitude)
                    .push_bind(row.longitude)
                    .push_bind(row.contract_type)
                    .push_bind(&row.contract_nature)
                    .push_bind(&row.duration_label)
                    .push_bind(row.duration_days)
                    .push_bind(&row.hours_label)
                    .push_bind(row.weekly_hours)
                    .push_bind(row.working_time)
                    .push_bind(&row.salary_label)
                    .push_bind(&row.qualification_code)
                    .push_bind(&row.sector_code)
                    .push_bind(row.experience_required)
                    .push_bind(row.experience_months)
                    .push_bind(&row.licences)
                    .push_bind(&row.skills)
                    .push_bind(row.positions)
                    .push_bind(row.accessible_th)
                    .push_bind(row.hard_to_fill)
                    .push_bind(row.starts_on)
                    .push_bind(row.status)
                    .push_bind(row.published_at)
                    .push_bind(row.source_updated_at)
                    .push_bind(row.closed_at)
                    .push_bind(&row.content_hash)
                    .push_bind(now)
                    .push_bind(now);
            });
            query.push(format!(
                " ON CONFLICT (structure_id, external_id) DO UPDATE SET {update}"
            ));
            query.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(report)
    }

    async fn offer(&self, owner: &Siret, external_id: &ExternalId) -> Result<Option<Offer>> {
        let sql = format!(
            "{} WHERE s.siret = ? AND o.external_id = ?",
            offer_select(json_text)
        );
        let row = sqlx::query(&sql)
            .bind(owner.as_str())
            .bind(external_id.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(|row| offer_from_row!(row)).transpose()
    }

    async fn offer_by_id(&self, id: i64) -> Result<Option<Offer>> {
        let sql = format!("{} WHERE o.id = ?", offer_select(json_text));
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(|row| offer_from_row!(row)).transpose()
    }

    async fn offers_of_structure(&self, structure_id: i64) -> Result<Vec<Offer>> {
        // The id is a number: safe to write into the clause.
        self.offers_where(&format!("WHERE o.structure_id = {structure_id}"))
            .await
    }

    async fn job_seekers_changed_since(&self, since: DateTime<Utc>) -> Result<Vec<i64>> {
        Ok(
            sqlx::query_scalar("SELECT id FROM job_seekers WHERE updated_at >= ? ORDER BY id")
                .bind(since)
                .fetch_all(&self.pool)
                .await?,
        )
    }

    async fn offers_changed_since(&self, since: DateTime<Utc>) -> Result<Vec<Offer>> {
        let sql = format!(
            "{} WHERE o.updated_at >= ? ORDER BY o.id",
            offer_select(json_text)
        );
        let rows = sqlx::query(&sql).bind(since).fetch_all(&self.pool).await?;
        rows.iter().map(|row| offer_from_row!(row)).collect()
    }

    async fn load_offers(&self) -> Result<Vec<Offer>> {
        self.offers_where("").await
    }

    async fn load_open_offers(&self) -> Result<Vec<Offer>> {
        self.offers_where("WHERE o.status = 'open'").await
    }

    async fn set_offer_status(
        &self,
        offer_id: i64,
        status: OfferStatus,
        now: DateTime<Utc>,
    ) -> Result<Offer> {
        let closed_at = (status != OfferStatus::Open).then_some(now);
        let done = sqlx::query(
            "UPDATE offers SET status = ?, closed_at = CASE WHEN ? IS NULL THEN NULL \
             ELSE coalesce(closed_at, ?) END, updated_at = ? WHERE id = ?",
        )
        .bind(status.as_str())
        .bind(closed_at)
        .bind(closed_at)
        .bind(now)
        .bind(offer_id)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("offer {offer_id}")));
        }
        let sql = format!("{} WHERE o.id = ?", offer_select(json_text));
        let row = sqlx::query(&sql)
            .bind(offer_id)
            .fetch_one(&self.pool)
            .await?;
        offer_from_row!(&row)
    }

    async fn create_referral(
        &self,
        job_seeker_id: i64,
        offer_id: i64,
        proposed_by: Option<i64>,
        audit: Option<&NewAuditEvent>,
        now: DateTime<Utc>,
    ) -> Result<Referral> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        // The person's consent, read under the write lock (SQLite) or a share lock on their
        // row (PostgreSQL): a withdrawal recorded meanwhile either commits first, and this
        // proposal is refused, or waits for it, and then cancels it.
        check_consent_covers(
            sqlx::query(&format!(
                "SELECT j.consent_scope, {PERSON_DEPARTMENT} AS person_department, \
                 {DEPARTMENT_OF_COMMUNE} AS offer_department \
                 FROM job_seekers j, offers o WHERE j.id = ? AND o.id = ?"
            ))
            .bind(job_seeker_id)
            .bind(offer_id)
            .fetch_optional(&mut *tx)
            .await?
            .map(|row| -> Result<_> {
                Ok((
                    row.try_get::<Option<String>, _>("consent_scope")?,
                    row.try_get::<String, _>("person_department")?,
                    row.try_get::<String, _>("offer_department")?,
                ))
            })
            .transpose()?,
        )?;
        let row = sqlx::query(
            "INSERT INTO referrals (job_seeker_id, offer_id, state, proposed_by_user_id, created_at, updated_at) \
             VALUES (?, ?, 'proposed', ?, ?, ?) \
             RETURNING id, job_seeker_id, offer_id, state, proposed_by_user_id, hire_starts_on, \
             not_hired_reason, created_at, updated_at",
        )
        .bind(job_seeker_id)
        .bind(offer_id)
        .bind(proposed_by)
        .bind(now)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let referral = referral_from_row!(&row)?;
        sqlx::query(
            "INSERT INTO referral_transitions (referral_id, from_state, to_state, by_user_id, at) \
             VALUES (?, NULL, 'proposed', ?, ?)",
        )
        .bind(referral.id)
        .bind(proposed_by)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if let Some(event) = audit {
            let event = NewAuditEvent {
                subject_id: Some(referral.id),
                ..event.clone()
            };
            append_chained(&mut tx, std::slice::from_ref(&event), now).await?;
        }
        tx.commit().await?;
        Ok(referral)
    }

    async fn transition_referral(
        &self,
        request: &TransitionRequest,
        audit: Option<&NewAuditEvent>,
        now: DateTime<Utc>,
    ) -> Result<Referral> {
        check_transition(request)?;
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let row = sqlx::query(
            "UPDATE referrals SET state = ?, hire_starts_on = ?, not_hired_reason = ?, updated_at = ? \
             WHERE id = ? AND state = ? \
             RETURNING id, job_seeker_id, offer_id, state, proposed_by_user_id, hire_starts_on, \
             not_hired_reason, created_at, updated_at",
        )
        .bind(request.to.as_str())
        .bind(request.hire_starts_on)
        .bind(&request.not_hired_reason)
        .bind(now)
        .bind(request.referral_id)
        .bind(request.from.as_str())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            let current: Option<String> =
                sqlx::query_scalar("SELECT state FROM referrals WHERE id = ?")
                    .bind(request.referral_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            return Err(match current {
                None => StoreError::NotFound(format!("referral {}", request.referral_id)),
                Some(state) => StoreError::Conflict(format!(
                    "referral {} is {state}, not {}",
                    request.referral_id, request.from
                )),
            });
        };
        let referral = referral_from_row!(&row)?;
        sqlx::query(
            "INSERT INTO referral_transitions (referral_id, from_state, to_state, by_user_id, note, at) \
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(request.referral_id)
        .bind(request.from.as_str())
        .bind(request.to.as_str())
        .bind(request.by)
        .bind(&request.note)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if let Some(event) = audit {
            append_chained(&mut tx, std::slice::from_ref(event), now).await?;
        }
        tx.commit().await?;
        Ok(referral)
    }

    async fn referral(&self, referral_id: i64) -> Result<Option<Referral>> {
        let row = sqlx::query(&format!("{REFERRAL_SELECT} WHERE id = ?"))
            .bind(referral_id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(|row| referral_from_row!(row)).transpose()
    }

    async fn referrals(
        &self,
        scope: ReferralScope,
        after: i64,
        limit: u32,
    ) -> Result<Vec<Referral>> {
        let (filter, id) = referral_scope_filter(scope, "?");
        let sql = format!("{REFERRAL_SELECT} WHERE {filter} AND r.id > ? ORDER BY r.id LIMIT ?");
        let mut query = sqlx::query(&sql);
        if let Some(id) = id {
            query = query.bind(id);
        }
        let rows = query
            .bind(after)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|row| referral_from_row!(row)).collect()
    }

    async fn referrals_idle_since(&self, before: DateTime<Utc>) -> Result<Vec<Referral>> {
        let rows = sqlx::query(&format!(
            "{REFERRAL_SELECT} WHERE r.state IN {OPEN_REFERRAL_STATES} AND r.updated_at <= ? \
             ORDER BY r.id"
        ))
        .bind(before)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|row| referral_from_row!(row)).collect()
    }

    async fn offer_tallies(&self, structure: Option<i64>) -> Result<Vec<Tally>> {
        let sql = format!(
            "SELECT {DEPARTMENT_OF_COMMUNE} AS department, substr(o.published_at, 1, 7) AS month, \
             substr(o.updated_at, 1, 7) AS changed_month, o.status AS state, COUNT(*) AS n \
             FROM offers o WHERE ? IS NULL OR o.structure_id = ? GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4"
        );
        let rows = sqlx::query(&sql)
            .bind(structure)
            .bind(structure)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(tally_from_row).collect()
    }

    async fn referral_tallies(&self, scope: ReferralScope) -> Result<Vec<Tally>> {
        let (filter, id) = referral_scope_filter(scope, "?");
        let sql = format!(
            "SELECT {DEPARTMENT_OF_COMMUNE} AS department, substr(r.created_at, 1, 7) AS month, \
             substr(r.updated_at, 1, 7) AS changed_month, r.state AS state, COUNT(*) AS n \
             FROM referrals r JOIN offers o ON o.id = r.offer_id WHERE {filter} \
             GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4"
        );
        let mut query = sqlx::query(&sql);
        if let Some(id) = id {
            query = query.bind(id);
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter().map(tally_from_row).collect()
    }

    async fn referral_holder_tallies(&self) -> Result<Vec<HolderTally>> {
        let sql = format!(
            "SELECT t.department, t.month, t.kind, COUNT(DISTINCT t.job_seeker_id) AS n, \
             COUNT(DISTINCT CASE WHEN t.rqth THEN t.job_seeker_id END) AS rqth, COUNT(DISTINCT CASE WHEN t.long_term THEN t.job_seeker_id END) AS long_term, COUNT(DISTINCT CASE WHEN t.rsa THEN t.job_seeker_id END) AS rsa, COUNT(DISTINCT CASE WHEN t.qpv THEN t.job_seeker_id END) AS qpv, COUNT(DISTINCT CASE WHEN t.senior THEN t.job_seeker_id END) AS senior, COUNT(DISTINCT CASE WHEN t.young_unqualified THEN t.job_seeker_id END) AS young_unqualified \
             FROM (SELECT {DEPARTMENT_OF_COMMUNE} AS department, substr(r.created_at, 1, 7) AS month, \
                   'proposed' AS kind, r.job_seeker_id, j.rqth, j.long_term, j.rsa, j.qpv, j.senior, j.young_unqualified \
                   FROM referrals r JOIN offers o ON o.id = r.offer_id \
                   JOIN job_seekers j ON j.id = r.job_seeker_id \
                   UNION ALL \
                   SELECT {DEPARTMENT_OF_COMMUNE}, substr(r.updated_at, 1, 7), 'hired', r.job_seeker_id, j.rqth, j.long_term, j.rsa, j.qpv, j.senior, j.young_unqualified \
                   FROM referrals r JOIN offers o ON o.id = r.offer_id \
                   JOIN job_seekers j ON j.id = r.job_seeker_id WHERE r.state = 'hired') t \
             GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
        );
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| {
                Ok(HolderTally {
                    department: row.try_get("department")?,
                    month: row.try_get("month")?,
                    kind: row.try_get("kind")?,
                    people: u64::try_from(row.try_get::<i64, _>("n")?).unwrap_or(0),
                    holders: holders(row)?,
                })
            })
            .collect()
    }

    async fn add_shortlist_tallies(&self, tallies: &[ShortlistTally]) -> Result<()> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        for t in tallies {
            let [h0, h1, h2, h3, h4, h5] = t.holders;
            let count = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
            sqlx::query(
                "INSERT INTO shortlist_tallies (structure_id, department, month, shortlists, \
                 candidates, rqth, long_term, rsa, qpv, senior, young_unqualified) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
                 ON CONFLICT (structure_id, department, month) DO UPDATE SET \
                 shortlists = shortlist_tallies.shortlists + excluded.shortlists, \
                 candidates = shortlist_tallies.candidates + excluded.candidates, \
                 rqth = shortlist_tallies.rqth + excluded.rqth, \
                 long_term = shortlist_tallies.long_term + excluded.long_term, \
                 rsa = shortlist_tallies.rsa + excluded.rsa, \
                 qpv = shortlist_tallies.qpv + excluded.qpv, \
                 senior = shortlist_tallies.senior + excluded.senior, \
                 young_unqualified = shortlist_tallies.young_unqualified + excluded.young_unqualified",
            )
            .bind(t.structure_id)
            .bind(&t.department)
            .bind(&t.month)
            .bind(i64::try_from(t.shortlists).unwrap_or(i64::MAX))
            .bind(i64::try_from(t.candidates).unwrap_or(i64::MAX))
            .bind(count(h0))
            .bind(count(h1))
            .bind(count(h2))
            .bind(count(h3))
            .bind(count(h4))
            .bind(count(h5))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn shortlist_tallies(&self, structure: Option<i64>) -> Result<Vec<ShortlistTally>> {
        let rows = sqlx::query(
            "SELECT structure_id, department, month, shortlists, candidates, rqth, long_term, rsa, qpv, \
             senior, young_unqualified \
             FROM shortlist_tallies WHERE ? IS NULL OR structure_id = ? \
             ORDER BY department, month, structure_id",
        )
        .bind(structure)
        .bind(structure)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(ShortlistTally {
                    structure_id: row.try_get("structure_id")?,
                    department: row.try_get("department")?,
                    month: row.try_get("month")?,
                    shortlists: u64::try_from(row.try_get::<i64, _>("shortlists")?).unwrap_or(0),
                    candidates: u64::try_from(row.try_get::<i64, _>("candidates")?).unwrap_or(0),
                    holders: holders(row)?,
                })
            })
            .collect()
    }

    async fn upsert_services(
        &self,
        records: &[ServiceRecord],
        now: DateTime<Utc>,
    ) -> Result<BulkReport> {
        let mut report = BulkReport::default();
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
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
                sqlx::query_scalar("SELECT id FROM structures WHERE siret = ?")
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
                "SELECT content_hash FROM services WHERE structure_id = ? AND external_id = ?",
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
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) \
                 ON CONFLICT (structure_id, external_id) DO UPDATE SET name = excluded.name, \
                 record = excluded.record, updated_on = excluded.updated_on, \
                 review_every_days = excluded.review_every_days, \
                 content_hash = excluded.content_hash, updated_at = excluded.updated_at",
            )
            .bind(structure)
            .bind(&record.external_id)
            .bind(&record.name)
            .bind(serde_json::to_string(record).map_err(|e| StoreError::Invalid(e.to_string()))?)
            .bind(record.updated_on)
            .bind(i32::from(record.review_every_days))
            .bind(&hash)
            .bind(now)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(report)
    }

    async fn services(&self) -> Result<Vec<Service>> {
        let rows =
            sqlx::query("SELECT id, record, created_at, updated_at FROM services ORDER BY id")
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|row| {
                Ok(Service {
                    id: row.try_get("id")?,
                    record: serde_json::from_str(&row.try_get::<String, _>("record")?)
                        .map_err(|e| StoreError::Invalid(format!("stored service: {e}")))?,
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
             updated_on, updated_at) VALUES (?, ?, ?, ?, ?) \
             ON CONFLICT (structure_id) DO UPDATE SET description = excluded.description, \
             opening_hours = excluded.opening_hours, updated_on = excluded.updated_on, \
             updated_at = excluded.updated_at",
        )
        .bind(structure_id)
        .bind(&profile.description)
        .bind(&profile.opening_hours)
        .bind(profile.updated_on)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn structure_profiles(&self) -> Result<Vec<(i64, StructureProfile)>> {
        let rows = sqlx::query(
            "SELECT structure_id, description, opening_hours, updated_on FROM structure_profiles \
             ORDER BY structure_id",
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
                        updated_on: row.try_get("updated_on")?,
                    },
                ))
            })
            .collect()
    }

    async fn create_meeting(
        &self,
        meeting: &NewMeeting,
        invited: &[i64],
        now: DateTime<Utc>,
    ) -> Result<Meeting> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO meetings (organiser_structure_id, theme, starts_at, place, online_link, \
             territory, created_by_user_id, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(meeting.organiser)
        .bind(&meeting.theme)
        .bind(meeting.starts_at)
        .bind(&meeting.place)
        .bind(&meeting.online_link)
        .bind(&meeting.territory)
        .bind(meeting.created_by)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let mut invited = invited.to_vec();
        invited.sort_unstable();
        invited.dedup();
        for structure in &invited {
            sqlx::query("INSERT INTO meeting_invitations (meeting_id, structure_id) VALUES (?, ?)")
                .bind(id)
                .bind(structure)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(Meeting {
            id,
            meeting: meeting.clone(),
            invited,
            created_at: now,
        })
    }

    async fn meetings_from(&self, from: DateTime<Utc>) -> Result<Vec<Meeting>> {
        let rows = sqlx::query(&format!(
            "{MEETING_SELECT} WHERE starts_at >= ? ORDER BY starts_at, id"
        ))
        .bind(from)
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            out.push(self.meeting_of_row(row).await?);
        }
        Ok(out)
    }

    async fn meeting(&self, id: i64) -> Result<Option<Meeting>> {
        let row = sqlx::query(&format!("{MEETING_SELECT} WHERE id = ?"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        match row {
            Some(row) => Ok(Some(self.meeting_of_row(&row).await?)),
            None => Ok(None),
        }
    }

    async fn register_for_meeting(
        &self,
        meeting_id: i64,
        user_id: i64,
        structure_id: i64,
        now: DateTime<Utc>,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO meeting_registrations (meeting_id, user_id, structure_id, registered_at) \
             VALUES (?, ?, ?, ?)",
        )
        .bind(meeting_id)
        .bind(user_id)
        .bind(structure_id)
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(|err| match &err {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::Conflict("already registered for this meeting".to_string())
            }
            _ => StoreError::from(err),
        })?;
        Ok(())
    }

    async fn registrations(&self, meeting_id: i64) -> Result<Vec<Registration>> {
        let rows = sqlx::query(
            "SELECT meeting_id, user_id, structure_id, registered_at, attended \
             FROM meeting_registrations WHERE meeting_id = ? ORDER BY registered_at, user_id",
        )
        .bind(meeting_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(Registration {
                    meeting_id: row.try_get("meeting_id")?,
                    user_id: row.try_get("user_id")?,
                    structure_id: row.try_get("structure_id")?,
                    registered_at: row.try_get("registered_at")?,
                    attended: row.try_get("attended")?,
                })
            })
            .collect()
    }

    async fn set_attendance(&self, meeting_id: i64, user_id: i64, attended: bool) -> Result<()> {
        let done = sqlx::query(
            "UPDATE meeting_registrations SET attended = ? WHERE meeting_id = ? AND user_id = ?",
        )
        .bind(attended)
        .bind(meeting_id)
        .bind(user_id)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!(
                "registration of user {user_id} for meeting {meeting_id}"
            )));
        }
        Ok(())
    }

    async fn add_priority_policy(
        &self,
        policy: &model::policy::PolicyRecord,
        now: DateTime<Utc>,
    ) -> Result<model::policy::PriorityPolicy> {
        let rule = json(&policy.rule);
        let kind = match policy.rule {
            model::policy::PolicyRule::Fair { .. } => "fair",
            model::policy::PolicyRule::Floors { .. } => "floors",
        };
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO priority_policies (scope, code, kind, rule, effective_from, note, \
             set_by_user_id, set_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(policy.territory.scope())
        .bind(policy.territory.code())
        .bind(kind)
        .bind(&rule)
        .bind(policy.effective_from)
        .bind(&policy.note)
        .bind(policy.set_by)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let row = sqlx::query(&format!("{} WHERE id = ?", policy_select(json_text)))
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        let stored = policy_from_row!(&row)?;
        tx.commit().await?;
        Ok(stored)
    }

    async fn priority_policies(&self) -> Result<Vec<model::policy::PriorityPolicy>> {
        let rows = sqlx::query(&format!("{} ORDER BY id", policy_select(json_text)))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|row| policy_from_row!(row)).collect()
    }

    async fn record_consent(
        &self,
        job_seeker_id: i64,
        change: &ConsentChange,
        recorded_by: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<Option<JobSeeker>> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let Some(row) = sqlx::query(
            "SELECT rqth, long_term, rsa, qpv, senior, young_unqualified, consent_at, \
             consent_scope FROM job_seekers WHERE id = ?",
        )
        .bind(job_seeker_id)
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(None);
        };
        let mut held = [false; 6];
        for (slot, status) in held.iter_mut().zip(PriorityStatus::ALL) {
            *slot = row.try_get::<i64, _>(status.as_str())? != 0;
        }
        if let Some(status) = undisclosable(change, held) {
            return Err(StoreError::Invalid(format!(
                "disclosed: {status} is not a status this person holds"
            )));
        }
        let old_scope: Option<String> = row.try_get("consent_scope")?;
        let old_at: Option<DateTime<Utc>> = row.try_get("consent_at")?;
        let scope = change.scope.map(ConsentScope::as_str);
        // The consent's date is when it was given in this scope: a change of disclosures
        // alone keeps it.
        let given_at = match (scope, old_scope.as_deref(), old_at) {
            (Some(new), Some(old), Some(at)) if new == old => Some(at),
            (Some(_), _, _) => Some(now),
            (None, _, _) => None,
        };
        let sql = format!(
            "UPDATE job_seekers SET consent_at = ?, consent_scope = ?, {}, \
             consent_recorded_at = ?, updated_at = ? WHERE id = ?",
            disclosure_set(&mut || "?".to_string())
        );
        let mut query = sqlx::query(&sql).bind(given_at).bind(scope);
        for status in PriorityStatus::ALL {
            query = query.bind(change.disclosed.contains(status));
        }
        query
            .bind(now)
            .bind(now)
            .bind(job_seeker_id)
            .execute(&mut *tx)
            .await?;
        let disclosed: Vec<&str> = change.disclosed.iter().map(|s| s.as_str()).collect();
        sqlx::query(
            "INSERT INTO consent_events (job_seeker_id, scope, channel, disclosed, \
             recorded_by_user_id, recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(job_seeker_id)
        .bind(scope)
        .bind(change.channel.as_str())
        .bind(json(&disclosed))
        .bind(recorded_by)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.job_seeker_by_id(job_seeker_id).await
    }

    async fn consent_events(&self, job_seeker_id: i64) -> Result<Vec<ConsentEvent>> {
        let rows = sqlx::query(&format!(
            "{} WHERE job_seeker_id = ? ORDER BY id",
            consent_select(json_text)
        ))
        .bind(job_seeker_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|row| consent_from_row!(row)).collect()
    }

    async fn referral_log(&self, referral_id: i64) -> Result<Vec<ReferralTransition>> {
        let rows = sqlx::query(
            "SELECT referral_id, from_state, to_state, by_user_id, note, at FROM referral_transitions \
             WHERE referral_id = ? ORDER BY id",
        )
        .bind(referral_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(ReferralTransition {
                    referral_id: row.try_get("referral_id")?,
                    from: row
                        .try_get::<Option<String>, _>("from_state")?
                        .map(|s| text_enum(&s, "from_state", ReferralState::parse))
                        .transpose()?,
                    to: text_enum(
                        &row.try_get::<String, _>("to_state")?,
                        "to_state",
                        ReferralState::parse,
                    )?,
                    by: row.try_get("by_user_id")?,
                    note: row.try_get("note")?,
                    at: row.try_get("at")?,
                })
            })
            .collect()
    }

    async fn append_audit_all(
        &self,
        events: &[NewAuditEvent],
        now: DateTime<Utc>,
    ) -> Result<Vec<AuditEvent>> {
        // IMMEDIATE: the write lock from the start, so that no other append slips between
        // reading the head of the chain and extending it.
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let appended = append_chained(&mut tx, events, now).await?;
        tx.commit().await?;
        Ok(appended)
    }

    async fn audit_events(&self, after: i64, limit: u32) -> Result<Vec<AuditEvent>> {
        let rows = sqlx::query(&format!(
            "{} WHERE id > ? ORDER BY id LIMIT ?",
            audit_select("detail")
        ))
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|row| audit_from_row!(row)).collect()
    }

    async fn query_audit(
        &self,
        query: &AuditQuery,
        after: i64,
        limit: u32,
    ) -> Result<Vec<AuditEvent>> {
        let mut sql = QueryBuilder::<Sqlite>::new(audit_select("detail"));
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
        let rows = sql.build().fetch_all(&self.pool).await?;
        rows.iter().map(|row| audit_from_row!(row)).collect()
    }
}

/// Appends events to the audit trail within `tx`, which must hold the write lock (`BEGIN
/// IMMEDIATE`), each chained to the one before it.
async fn append_chained(
    tx: &mut Transaction<'_, Sqlite>,
    events: &[NewAuditEvent],
    now: DateTime<Utc>,
) -> Result<Vec<AuditEvent>> {
    let at = audit::stored_time(now);
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
             detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(at)
        .bind(event.actor)
        .bind(&event.action)
        .bind(&event.subject_kind)
        .bind(event.subject_id)
        .bind(json(&event.detail))
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

fn tally_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<Tally> {
    Ok(Tally {
        department: row.try_get("department")?,
        month: row.try_get("month")?,
        changed_month: row.try_get("changed_month")?,
        state: row.try_get("state")?,
        count: u64::try_from(row.try_get::<i64, _>("n")?).unwrap_or(0),
    })
}

impl SqliteStore {
    /// A meeting from its row, with its invitations.
    async fn meeting_of_row(&self, row: &sqlx::sqlite::SqliteRow) -> Result<Meeting> {
        let id: i64 = row.try_get("id")?;
        let invited: Vec<i64> = sqlx::query_scalar(
            "SELECT structure_id FROM meeting_invitations WHERE meeting_id = ? \
             ORDER BY structure_id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        Ok(Meeting {
            id,
            meeting: NewMeeting {
                organiser: row.try_get("organiser_structure_id")?,
                theme: row.try_get("theme")?,
                starts_at: row.try_get("starts_at")?,
                place: row.try_get("place")?,
                online_link: row.try_get("online_link")?,
                territory: row.try_get("territory")?,
                created_by: row.try_get("created_by_user_id")?,
            },
            invited,
            created_at: row.try_get("created_at")?,
        })
    }
}

/// The candidates holding each priority status, from a `shortlist_tallies` row.
fn holders(row: &sqlx::sqlite::SqliteRow) -> Result<[u64; 6]> {
    let mut out = [0u64; 6];
    for (slot, status) in out.iter_mut().zip(model::PriorityStatus::ALL) {
        *slot = u64::try_from(row.try_get::<i64, _>(status.as_str())?).unwrap_or(0);
    }
    Ok(out)
}
