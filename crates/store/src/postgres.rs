//! The shared backend: PostgreSQL, several app instances on one database. Bulk writes stream
//! rows with `COPY` into a temporary table, then upsert from it, in one transaction.

use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use domain::{Email, ExternalId, Siret};
use futures_util::TryStreamExt;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{Postgres, QueryBuilder, Row, Transaction};

use crate::common::*;
use crate::url::{Backend, DatabaseUrl};
use crate::{Counts, Result, Store, StoreError};
use model::*;

const MIGRATIONS: [(i64, &str, &str); 6] = [
    (
        1,
        "initial",
        include_str!("../migrations/postgres/0001_initial.sql"),
    ),
    (
        2,
        "service",
        include_str!("../migrations/postgres/0002_service.sql"),
    ),
    (
        3,
        "shortlist tallies",
        include_str!("../migrations/postgres/0003_shortlist_tallies.sql"),
    ),
    (
        4,
        "directory",
        include_str!("../migrations/postgres/0004_directory.sql"),
    ),
    (
        5,
        "meetings",
        include_str!("../migrations/postgres/0005_meetings.sql"),
    ),
    (
        6,
        "priority policies and consent",
        include_str!("../migrations/postgres/0006_priority.sql"),
    ),
];

/// The advisory lock that serialises audit appends across instances.
const AUDIT_LOCK: i64 = 0x7061_7373_6175_6469; // "passaudi"

pub struct PostgresStore {
    pool: PgPool,
}

/// A job seeker's targets as a JSON array of [rome_code, job_title_ogr], in rank order.
const TARGETS: &str = "SELECT coalesce(json_agg(json_build_array(t.rome_code, t.job_title_ogr) \
    ORDER BY t.rank), '[]') FROM job_seeker_targets t WHERE t.job_seeker_id = j.id";

/// `SELECT <job seeker as one JSON document> AS document, j.id FROM ...`
fn job_seeker_document_select() -> String {
    let pairs: Vec<String> = job_seeker_document_fields(json_text, &format!("({TARGETS})::json"))
        .into_iter()
        .map(|(key, expression)| format!("'{key}', {expression}"))
        .collect();
    format!(
        "SELECT json_build_object({})::text AS document, j.id {JOB_SEEKER_FROM}",
        pairs.join(", ")
    )
}

fn json_text(column: &str) -> String {
    format!("{column}::text")
}

/// One row of a `COPY ... FROM STDIN` in text format.
#[derive(Default)]
struct CopyRow(String);

impl CopyRow {
    fn text(&mut self, value: Option<&str>) -> &mut Self {
        if !self.0.is_empty() {
            self.0.push('\t');
        }
        match value {
            None => self.0.push_str("\\N"),
            Some(text) => {
                for c in text.chars() {
                    match c {
                        '\\' => self.0.push_str("\\\\"),
                        '\t' => self.0.push_str("\\t"),
                        '\n' => self.0.push_str("\\n"),
                        '\r' => self.0.push_str("\\r"),
                        other => self.0.push(other),
                    }
                }
            }
        }
        self
    }

    fn int(&mut self, value: Option<i64>) -> &mut Self {
        self.text(value.map(|v| v.to_string()).as_deref())
    }

    fn float(&mut self, value: Option<f64>) -> &mut Self {
        self.text(value.map(|v| v.to_string()).as_deref())
    }

    fn boolean(&mut self, value: bool) -> &mut Self {
        self.text(Some(if value { "t" } else { "f" }))
    }

    fn date(&mut self, value: Option<NaiveDate>) -> &mut Self {
        self.text(value.map(|d| d.format("%Y-%m-%d").to_string()).as_deref())
    }

    fn time(&mut self, value: Option<DateTime<Utc>>) -> &mut Self {
        self.text(
            value
                .map(|t| t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
                .as_deref(),
        )
    }

    fn end(&mut self, out: &mut String) {
        out.push_str(&self.0);
        out.push('\n');
        self.0.clear();
    }
}

/// Streams `data` (rows in COPY text format) into `table (columns)`.
async fn copy_in(
    tx: &mut Transaction<'_, Postgres>,
    table: &str,
    columns: &[&str],
    data: String,
) -> Result<()> {
    let statement = format!("COPY {table} ({}) FROM STDIN", columns.join(", "));
    let mut copy = tx.copy_in_raw(&statement).await?;
    copy.send(data.into_bytes()).await?;
    copy.finish().await?;
    Ok(())
}

/// Runs a `COPY ... TO STDOUT` in text format and hands each row (without its line end) to
/// `row`.
async fn copy_out_lines(
    tx: &mut Transaction<'_, Postgres>,
    statement: &str,
    row: &mut (dyn FnMut(&[u8]) -> Result<()> + Send),
) -> Result<()> {
    let mut stream = tx.copy_out_raw(statement).await?;
    let mut pending: Vec<u8> = Vec::new();
    while let Some(chunk) = stream.try_next().await? {
        pending.extend_from_slice(&chunk);
        let mut start = 0;
        while let Some(end) = pending
            .get(start..)
            .and_then(|rest| rest.iter().position(|b| *b == b'\n'))
        {
            if let Some(line) = pending.get(start..start + end) {
                row(line)?;
            }
            start += end + 1;
        }
        pending.drain(..start);
    }
    if !pending.is_empty() {
        row(&pending)?;
    }
    Ok(())
}

type TargetRow = (i64, String, Option<String>);

/// Receives a job seeker row's text fields and that job seeker's targets.
type RowSink<'a> =
    dyn FnMut(Vec<Option<String>>, Vec<(String, Option<String>)>) -> Result<()> + Send + 'a;

/// Every job seeker's targets, by job seeker then rank, in the transaction's snapshot.
async fn all_targets(tx: &mut Transaction<'_, Postgres>) -> Result<Vec<TargetRow>> {
    let mut targets: Vec<TargetRow> = Vec::new();
    copy_out_lines(
        tx,
        "COPY (SELECT job_seeker_id, rome_code, job_title_ogr FROM job_seeker_targets \
         ORDER BY job_seeker_id, rank) TO STDOUT",
        &mut |line| {
            let mut fields = copy_text_fields(line).into_iter();
            let id = fields.next().flatten().and_then(|id| id.parse().ok());
            let rome = fields.next().flatten();
            let title = fields.next().flatten();
            match (id, rome) {
                (Some(id), Some(rome)) => {
                    targets.push((id, rome, title));
                    Ok(())
                }
                _ => Err(StoreError::Corrupt("job_seeker_targets row".to_string())),
            }
        },
    )
    .await?;
    Ok(targets)
}

/// Takes the targets of job seeker `id` from the front of `cursor` (both sorted by id).
fn targets_of(
    cursor: &mut std::iter::Peekable<std::vec::IntoIter<TargetRow>>,
    id: i64,
) -> Vec<(String, Option<String>)> {
    let mut mine = Vec::new();
    while let Some((owner, _, _)) = cursor.peek() {
        if *owner > id {
            break;
        }
        if let Some((owner, rome, title)) = cursor.next()
            && owner == id
        {
            mine.push((rome, title));
        }
    }
    mine
}

impl PostgresStore {
    /// Runs the job-seeker `COPY` statement `sql` (id first, ordered by id) and hands each row's
    /// text fields, with that job seeker's targets, to `each`. Two text COPY streams in one
    /// snapshot: the targets (small) first, then the rows, merged on the id. COPY is
    /// PostgreSQL's fastest way out, and text rows are cheaper to produce than JSON.
    async fn stream_with_targets(&self, sql: &str, each: &mut RowSink<'_>) -> Result<u64> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await?;
        let mut cursor = all_targets(&mut tx).await?.into_iter().peekable();
        let mut count = 0;
        copy_out_lines(&mut tx, sql, &mut |line| {
            let fields = copy_text_fields(line);
            let id: i64 = fields
                .first()
                .and_then(|f| f.as_deref())
                .and_then(|id| id.parse().ok())
                .ok_or_else(|| StoreError::Corrupt("job seeker row without id".to_string()))?;
            let mine = targets_of(&mut cursor, id);
            each(fields, mine)?;
            count += 1;
            Ok(())
        })
        .await?;
        tx.commit().await?;
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
        // JIT compilation costs more than it saves on our short queries (and fires on the
        // inflated estimates that follow a bulk load).
        let options = PgConnectOptions::from_str(url.expose())
            .map_err(connect_error)?
            .options([("jit", "off"), ("TimeZone", "UTC")]);
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options)
            .await
            .map_err(connect_error)?;
        Ok(Self { pool })
    }

    async fn structure_ids(
        tx: &mut Transaction<'_, Postgres>,
        sirets: impl Iterator<Item = String>,
    ) -> Result<HashMap<String, i64>> {
        let sirets: Vec<String> = sirets
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let rows = sqlx::query("SELECT id, siret FROM structures WHERE siret = ANY($1)")
            .bind(&sirets)
            .fetch_all(&mut **tx)
            .await?;
        rows.iter()
            .map(|row| Ok((row.try_get("siret")?, row.try_get("id")?)))
            .collect()
    }

    async fn user_ids(
        tx: &mut Transaction<'_, Postgres>,
        emails: impl Iterator<Item = String>,
    ) -> Result<HashMap<String, i64>> {
        let emails: Vec<String> = emails
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let rows =
            sqlx::query("SELECT id, lower(email) AS email FROM users WHERE lower(email) = ANY($1)")
                .bind(&emails)
                .fetch_all(&mut **tx)
                .await?;
        rows.iter()
            .map(|row| Ok((row.try_get("email")?, row.try_get("id")?)))
            .collect()
    }

    /// Upserts the staged rows into `table`, skipping unchanged ones; returns the ids written
    /// with whether each was inserted.
    async fn merge_staged(
        tx: &mut Transaction<'_, Postgres>,
        table: &str,
        columns: &[&str],
        conflict: &str,
        key: &str,
        update: &str,
    ) -> Result<Vec<(i64, String, bool)>> {
        let list = columns.join(", ");
        let sql = format!(
            "INSERT INTO {table} ({list}) SELECT {list} FROM staged \
             ON CONFLICT ({conflict}) DO UPDATE SET {update} \
             WHERE {table}.content_hash <> excluded.content_hash \
             RETURNING id, {key} AS key, (xmax = 0) AS inserted"
        );
        let rows = sqlx::query(&sql).fetch_all(&mut **tx).await?;
        rows.iter()
            .map(|row| {
                Ok((
                    row.try_get("id")?,
                    row.try_get("key")?,
                    row.try_get("inserted")?,
                ))
            })
            .collect()
    }
}

fn tally(report: &mut BulkReport, staged: usize, written: &[(i64, String, bool)]) {
    let created = written.iter().filter(|(_, _, inserted)| *inserted).count();
    report.created += created as u64;
    report.updated += (written.len() - created) as u64;
    report.unchanged += staged.saturating_sub(written.len()) as u64;
}

#[async_trait]
impl Store for PostgresStore {
    fn backend(&self) -> Backend {
        Backend::Postgres
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
        // PostgreSQL enforces its constraints at every commit; what is left to check is ours.
        let mut problems = Vec::new();
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
        let mut data = String::new();
        let mut row = CopyRow::default();
        let mut staged = 0;
        for i in kept {
            let Some(record) = records.get(i) else {
                continue;
            };
            let r = match structure_row(record) {
                Ok(r) => r,
                Err(reason) => {
                    report.rejected.push((i, reason));
                    continue;
                }
            };
            row.text(Some(&r.siret))
                .text(Some(r.kind))
                .text(Some(&r.name))
                .text(r.network.as_deref())
                .text(r.address.as_deref())
                .text(r.postcode.as_deref())
                .text(Some(&r.commune_code))
                .float(r.latitude)
                .float(r.longitude)
                .text(r.email.as_deref())
                .text(r.phone.as_deref())
                .text(r.website.as_deref())
                .text(Some(r.status))
                .text(Some(&r.content_hash))
                .time(Some(now))
                .time(Some(now))
                .end(&mut data);
            staged += 1;
        }
        let mut tx = self.pool.begin().await?;
        sqlx::query(&format!(
            "CREATE TEMP TABLE staged ON COMMIT DROP AS SELECT {} FROM structures WITH NO DATA",
            STRUCTURE_COLUMNS.join(", ")
        ))
        .execute(&mut *tx)
        .await?;
        copy_in(&mut tx, "staged", &STRUCTURE_COLUMNS, data).await?;
        let written = Self::merge_staged(
            &mut tx,
            "structures",
            &STRUCTURE_COLUMNS,
            "siret",
            "siret",
            &structure_update_set(),
        )
        .await?;
        tx.commit().await?;
        tally(&mut report, staged, &written);
        Ok(report)
    }

    async fn structures(&self) -> Result<Vec<Structure>> {
        let rows = sqlx::query(&format!("{STRUCTURE_SELECT} ORDER BY id"))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|row| structure_from_row!(row)).collect()
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

    async fn create_user(&self, user: &NewUser, now: DateTime<Utc>) -> Result<User> {
        let row = sqlx::query(
            "INSERT INTO users (email, display_name, password_hash, status, created_at) \
             VALUES ($1, $2, $3, 'active', $4) \
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
        let row = sqlx::query(&format!("{USER_SELECT} WHERE lower(email) = lower($1)"))
            .bind(email.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(|row| user_from_row!(row)).transpose()
    }

    async fn user(&self, id: i64) -> Result<Option<User>> {
        let row = sqlx::query(&format!("{USER_SELECT} WHERE id = $1"))
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
            "INSERT INTO memberships (user_id, structure_id, role, created_at) VALUES ($1, $2, $3, $4) \
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
            "SELECT user_id, structure_id, role, created_at FROM memberships WHERE user_id = $1 \
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
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
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
             FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL \
             AND (expires_at IS NULL OR expires_at > $2)",
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
            sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                .bind(now)
                .bind(token.id)
                .execute(&self.pool)
                .await?;
        }
        let user = sqlx::query(&format!(
            "{USER_SELECT} WHERE id = $1 AND status = 'active'"
        ))
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
             WHERE user_id = $1 ORDER BY id",
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
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL \
             AND ($3::BIGINT IS NULL OR user_id = $3)",
        )
        .bind(now)
        .bind(token_id)
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
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
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
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.status = 'active'"
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
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
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
        let mut tx = self.pool.begin().await?;
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
        let mut data = String::new();
        let mut targets = String::new();
        let mut row = CopyRow::default();
        let mut staged = 0;
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
            let r = job_seeker_row(record, agency, advisor);
            row.text(Some(&r.external_id))
                .text(Some(&r.first_name))
                .text(Some(&r.last_name))
                .text(r.email.as_deref())
                .text(r.phone.as_deref())
                .date(r.birth_date)
                .text(Some(&r.commune_code))
                .date(r.available_from)
                .int(Some(r.commute_limit_km))
                .text(Some(&r.skills))
                .text(Some(&r.qualifications))
                .text(Some(&r.languages))
                .text(Some(&r.experience))
                .text(Some(&r.contract_types))
                .text(Some(r.working_time));
            for (has, disclosed) in r.flags {
                row.boolean(has).boolean(disclosed);
            }
            row.time(r.consent_at)
                .text(r.consent_scope)
                .int(r.advisor_user_id)
                .int(Some(r.agency_structure_id))
                .date(Some(r.registered_on))
                .text(Some(r.status))
                .text(Some(&r.content_hash))
                .time(Some(now))
                .time(Some(now))
                .end(&mut data);
            for (rank, rome, title) in &r.targets {
                row.text(Some(&r.external_id))
                    .int(Some(*rank))
                    .text(Some(rome))
                    .text(title.as_deref())
                    .end(&mut targets);
            }
            staged += 1;
        }
        sqlx::query(&format!(
            "CREATE TEMP TABLE staged ON COMMIT DROP AS SELECT {} FROM job_seekers WITH NO DATA",
            JOB_SEEKER_COLUMNS.join(", ")
        ))
        .execute(&mut *tx)
        .await?;
        copy_in(&mut tx, "staged", &JOB_SEEKER_COLUMNS, data).await?;
        let written = Self::merge_staged(
            &mut tx,
            "job_seekers",
            &JOB_SEEKER_COLUMNS,
            "external_id",
            "external_id",
            &job_seeker_update_set("AND"),
        )
        .await?;
        let ids: Vec<i64> = written.iter().map(|(id, _, _)| *id).collect();
        sqlx::query(
            "CREATE TEMP TABLE staged_targets (external_id text, rank bigint, rome_code text, \
             job_title_ogr text) ON COMMIT DROP",
        )
        .execute(&mut *tx)
        .await?;
        copy_in(
            &mut tx,
            "staged_targets",
            &["external_id", "rank", "rome_code", "job_title_ogr"],
            targets,
        )
        .await?;
        sqlx::query("DELETE FROM job_seeker_targets WHERE job_seeker_id = ANY($1)")
            .bind(&ids)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO job_seeker_targets (job_seeker_id, rank, rome_code, job_title_ogr) \
             SELECT j.id, t.rank, t.rome_code, t.job_title_ogr FROM staged_targets t \
             JOIN job_seekers j ON j.external_id = t.external_id WHERE j.id = ANY($1)",
        )
        .bind(&ids)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        tally(&mut report, staged, &written);
        Ok(report)
    }

    async fn job_seeker(&self, external_id: &ExternalId) -> Result<Option<JobSeeker>> {
        let sql = format!("{} WHERE j.external_id = $1", job_seeker_document_select());
        let row = sqlx::query(&sql)
            .bind(external_id.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| JobSeekerDocument::parse_json(&row.try_get::<String, _>("document")?))
            .transpose()
    }

    async fn job_seeker_by_id(&self, id: i64) -> Result<Option<JobSeeker>> {
        let sql = format!("{} WHERE j.id = $1", job_seeker_document_select());
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
            "{} WHERE j.agency_structure_id = $1 AND j.id > $2 ORDER BY j.id LIMIT $3",
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
            "COPY (SELECT {} {JOB_SEEKER_FROM} ORDER BY j.id) TO STDOUT",
            JOB_SEEKER_TEXT_COLUMNS.join(", ")
        );
        self.stream_with_targets(&sql, &mut |fields, targets| {
            sink(JobSeekerDocument::from_text(fields, targets)?)
        })
        .await
    }

    async fn stream_sourcing_profiles(
        &self,
        sink: &mut (dyn FnMut(SourcingProfile) -> Result<()> + Send),
    ) -> Result<u64> {
        let sql = format!(
            "COPY (SELECT {} FROM job_seekers j ORDER BY j.id) TO STDOUT",
            sourcing_columns(str::to_string).join(", ")
        );
        self.stream_with_targets(&sql, &mut |fields, targets| {
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
        let mut tx = self.pool.begin().await?;
        let owners = Self::structure_ids(
            &mut tx,
            records.iter().map(|r| r.structure_siret.to_string()),
        )
        .await?;
        let mut data = String::new();
        let mut row = CopyRow::default();
        let mut staged = 0;
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
            let r = match offer_row(record, owner) {
                Ok(r) => r,
                Err(reason) => {
                    report.rejected.push((i, reason));
                    continue;
                }
            };
            row.int(Some(r.structure_id))
                .text(Some(&r.external_id))
                .text(Some(&r.title))
                .text(Some(&r.description))
                .text(Some(&r.rome_code))
                .text(r.job_title.as_deref())
                .text(r.job_title_ogr.as_deref())
                .text(r.workplace_label.as_deref())
                .text(Some(&r.commune_code))
                .text(r.postcode.as_deref())
                .float(r.latitude)
                .float(r.longitude)
                .text(Some(r.contract_type))
                .text(r.contract_nature.as_deref())
                .text(r.duration_label.as_deref())
                .int(r.duration_days)
                .text(r.hours_label.as_deref())
                .float(r.weekly_hours)
                .text(r.working_time)
                .text(r.salary_label.as_deref())
                .text(r.qualification_code.as_deref())
                .text(r.sector_code.as_deref())
                .text(Some(r.experience_required))
                .int(r.experience_months)
                .text(Some(&r.licences))
                .text(Some(&r.skills))
                .int(Some(r.positions))
                .boolean(r.accessible_th)
                .boolean(r.hard_to_fill)
                .date(r.starts_on)
                .text(Some(r.status))
                .time(Some(r.published_at))
                .time(r.source_updated_at)
                .time(r.closed_at)
                .text(Some(&r.content_hash))
                .time(Some(now))
                .time(Some(now))
                .end(&mut data);
            staged += 1;
        }
        sqlx::query(&format!(
            "CREATE TEMP TABLE staged ON COMMIT DROP AS SELECT {} FROM offers WITH NO DATA",
            OFFER_COLUMNS.join(", ")
        ))
        .execute(&mut *tx)
        .await?;
        copy_in(&mut tx, "staged", &OFFER_COLUMNS, data).await?;
        let written = Self::merge_staged(
            &mut tx,
            "offers",
            &OFFER_COLUMNS,
            "structure_id, external_id",
            "external_id",
            &offer_update_set(),
        )
        .await?;
        tx.commit().await?;
        tally(&mut report, staged, &written);
        Ok(report)
    }

    async fn offer(&self, owner: &Siret, external_id: &ExternalId) -> Result<Option<Offer>> {
        let sql = format!(
            "{} WHERE s.siret = $1 AND o.external_id = $2",
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
        let sql = format!("{} WHERE o.id = $1", offer_select(json_text));
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
            sqlx::query_scalar("SELECT id FROM job_seekers WHERE updated_at >= $1 ORDER BY id")
                .bind(since)
                .fetch_all(&self.pool)
                .await?,
        )
    }

    async fn offers_changed_since(&self, since: DateTime<Utc>) -> Result<Vec<Offer>> {
        let sql = format!(
            "{} WHERE o.updated_at >= $1 ORDER BY o.id",
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
            "UPDATE offers SET status = $1, closed_at = CASE WHEN $2::timestamptz IS NULL THEN NULL \
             ELSE coalesce(closed_at, $2) END, updated_at = $3 WHERE id = $4",
        )
        .bind(status.as_str())
        .bind(closed_at)
        .bind(now)
        .bind(offer_id)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("offer {offer_id}")));
        }
        let sql = format!("{} WHERE o.id = $1", offer_select(json_text));
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
        let mut tx = self.pool.begin().await?;
        // The person's consent, read under the write lock (SQLite) or a share lock on their
        // row (PostgreSQL): a withdrawal recorded meanwhile either commits first, and this
        // proposal is refused, or waits for it, and then cancels it.
        check_consent_covers(
            sqlx::query(&format!(
                "SELECT j.consent_scope, {PERSON_DEPARTMENT} AS person_department, \
                 {DEPARTMENT_OF_COMMUNE} AS offer_department \
                 FROM job_seekers j, offers o WHERE j.id = $1 AND o.id = $2 FOR SHARE OF j"
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
             VALUES ($1, $2, 'proposed', $3, $4, $4) \
             RETURNING id, job_seeker_id, offer_id, state, proposed_by_user_id, hire_starts_on, \
             not_hired_reason, created_at, updated_at",
        )
        .bind(job_seeker_id)
        .bind(offer_id)
        .bind(proposed_by)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let referral = referral_from_row!(&row)?;
        sqlx::query(
            "INSERT INTO referral_transitions (referral_id, from_state, to_state, by_user_id, at) \
             VALUES ($1, NULL, 'proposed', $2, $3)",
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
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query(
            "UPDATE referrals SET state = $1, hire_starts_on = $2, not_hired_reason = $3, updated_at = $4 \
             WHERE id = $5 AND state = $6 \
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
                sqlx::query_scalar("SELECT state FROM referrals WHERE id = $1")
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
             VALUES ($1, $2, $3, $4, $5, $6)",
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
        let row = sqlx::query(&format!("{REFERRAL_SELECT} WHERE id = $1"))
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
        let (filter, id) = referral_scope_filter(scope, "$3");
        let sql = format!("{REFERRAL_SELECT} WHERE {filter} AND r.id > $1 ORDER BY r.id LIMIT $2");
        let mut query = sqlx::query(&sql).bind(after).bind(i64::from(limit));
        if let Some(id) = id {
            query = query.bind(id);
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter().map(|row| referral_from_row!(row)).collect()
    }

    async fn referrals_idle_since(&self, before: DateTime<Utc>) -> Result<Vec<Referral>> {
        let rows = sqlx::query(&format!(
            "{REFERRAL_SELECT} WHERE r.state IN {OPEN_REFERRAL_STATES} AND r.updated_at <= $1 \
             ORDER BY r.id"
        ))
        .bind(before)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|row| referral_from_row!(row)).collect()
    }

    async fn offer_tallies(&self, structure: Option<i64>) -> Result<Vec<Tally>> {
        let sql = format!(
            "SELECT {DEPARTMENT_OF_COMMUNE} AS department, to_char(o.published_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month, \
             to_char(o.updated_at AT TIME ZONE 'UTC', 'YYYY-MM') AS changed_month, o.status AS state, COUNT(*) AS n \
             FROM offers o WHERE $1::BIGINT IS NULL OR o.structure_id = $1 GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4"
        );
        let rows = sqlx::query(&sql)
            .bind(structure)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(tally_from_row).collect()
    }

    async fn referral_tallies(&self, scope: ReferralScope) -> Result<Vec<Tally>> {
        let (filter, id) = referral_scope_filter(scope, "$1");
        let sql = format!(
            "SELECT {DEPARTMENT_OF_COMMUNE} AS department, to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month, \
             to_char(r.updated_at AT TIME ZONE 'UTC', 'YYYY-MM') AS changed_month, r.state AS state, COUNT(*) AS n \
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
             FROM (SELECT {DEPARTMENT_OF_COMMUNE} AS department, to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month, \
                   'proposed' AS kind, r.job_seeker_id, j.rqth, j.long_term, j.rsa, j.qpv, j.senior, j.young_unqualified \
                   FROM referrals r JOIN offers o ON o.id = r.offer_id \
                   JOIN job_seekers j ON j.id = r.job_seeker_id \
                   UNION ALL \
                   SELECT {DEPARTMENT_OF_COMMUNE}, to_char(r.updated_at AT TIME ZONE 'UTC', 'YYYY-MM'), 'hired', r.job_seeker_id, j.rqth, j.long_term, j.rsa, j.qpv, j.senior, j.young_unqualified \
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
        let mut tx = self.pool.begin().await?;
        for t in tallies {
            let [h0, h1, h2, h3, h4, h5] = t.holders;
            let count = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
            sqlx::query(
                "INSERT INTO shortlist_tallies (structure_id, department, month, shortlists, \
                 candidates, rqth, long_term, rsa, qpv, senior, young_unqualified) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
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
             FROM shortlist_tallies WHERE $1::BIGINT IS NULL OR structure_id = $1 \
             ORDER BY department, month, structure_id",
        )
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
        let mut tx = self.pool.begin().await?;
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
        let rows =
            sqlx::query("SELECT id, record, created_at, updated_at FROM services ORDER BY id")
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|row| {
                Ok(Service {
                    id: row.try_get("id")?,
                    record: row
                        .try_get::<sqlx::types::Json<ServiceRecord>, _>("record")?
                        .0,
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
             updated_on, updated_at) VALUES ($1, $2, $3, $4, $5) \
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
        let mut tx = self.pool.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO meetings (organiser_structure_id, theme, starts_at, place, online_link, \
             territory, created_by_user_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
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
            sqlx::query(
                "INSERT INTO meeting_invitations (meeting_id, structure_id) VALUES ($1, $2)",
            )
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
            "{MEETING_SELECT} WHERE starts_at >= $1 ORDER BY starts_at, id"
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
        let row = sqlx::query(&format!("{MEETING_SELECT} WHERE id = $1"))
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
             VALUES ($1, $2, $3, $4)",
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
             FROM meeting_registrations WHERE meeting_id = $1 ORDER BY registered_at, user_id",
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
            "UPDATE meeting_registrations SET attended = $1 WHERE meeting_id = $2 AND user_id = $3",
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
        let mut tx = self.pool.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO priority_policies (scope, code, kind, rule, effective_from, note, \
             set_by_user_id, set_at) VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8) RETURNING id",
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
        let row = sqlx::query(&format!("{} WHERE id = $1", policy_select(json_text)))
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
        let mut tx = self.pool.begin().await?;
        let Some(row) = sqlx::query(
            "SELECT rqth, long_term, rsa, qpv, senior, young_unqualified, consent_at, \
             consent_scope FROM job_seekers WHERE id = $1 FOR UPDATE",
        )
        .bind(job_seeker_id)
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(None);
        };
        let mut held = [false; 6];
        for (slot, status) in held.iter_mut().zip(PriorityStatus::ALL) {
            *slot = row.try_get::<bool, _>(status.as_str())?;
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
        let mut n = 2;
        let set = disclosure_set(&mut || {
            n += 1;
            format!("${n}")
        });
        let sql = format!(
            "UPDATE job_seekers SET consent_at = $1, consent_scope = $2, {set}, \
             consent_recorded_at = ${}, updated_at = ${} WHERE id = ${}",
            n + 1,
            n + 2,
            n + 3
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
             recorded_by_user_id, recorded_at) VALUES ($1, $2, $3, $4::jsonb, $5, $6)",
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
            "{} WHERE job_seeker_id = $1 ORDER BY id",
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
             WHERE referral_id = $1 ORDER BY id",
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
        let mut tx = self.pool.begin().await?;
        let appended = append_chained(&mut tx, events, now).await?;
        tx.commit().await?;
        Ok(appended)
    }

    async fn audit_events(&self, after: i64, limit: u32) -> Result<Vec<AuditEvent>> {
        let rows = sqlx::query(&format!(
            "{} WHERE id > $1 ORDER BY id LIMIT $2",
            audit_select("detail::text")
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
        let mut sql = QueryBuilder::<Postgres>::new(audit_select("detail::text"));
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

/// Appends events to the audit trail within `tx`, each chained to the one before it; one
/// appender at a time across every instance (an advisory lock held until `tx` ends).
async fn append_chained(
    tx: &mut Transaction<'_, Postgres>,
    events: &[NewAuditEvent],
    now: DateTime<Utc>,
) -> Result<Vec<AuditEvent>> {
    let at = audit::stored_time(now);
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(AUDIT_LOCK)
        .execute(&mut **tx)
        .await?;
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
             detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8) \
             RETURNING id",
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

fn tally_from_row(row: &sqlx::postgres::PgRow) -> Result<Tally> {
    Ok(Tally {
        department: row.try_get("department")?,
        month: row.try_get("month")?,
        changed_month: row.try_get("changed_month")?,
        state: row.try_get("state")?,
        count: u64::try_from(row.try_get::<i64, _>("n")?).unwrap_or(0),
    })
}

impl PostgresStore {
    /// A meeting from its row, with its invitations.
    async fn meeting_of_row(&self, row: &sqlx::postgres::PgRow) -> Result<Meeting> {
        let id: i64 = row.try_get("id")?;
        let invited: Vec<i64> = sqlx::query_scalar(
            "SELECT structure_id FROM meeting_invitations WHERE meeting_id = $1 \
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
fn holders(row: &sqlx::postgres::PgRow) -> Result<[u64; 6]> {
    let mut out = [0u64; 6];
    for (slot, status) in out.iter_mut().zip(model::PriorityStatus::ALL) {
        *slot = u64::try_from(row.try_get::<i64, _>(status.as_str())?).unwrap_or(0);
    }
    Ok(out)
}
