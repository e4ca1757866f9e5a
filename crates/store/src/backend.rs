//! The two backends, what they do differently, and the one macro that writes the rest once.
//!
//! - [`SqliteStore`]: the embedded backend, one SQLite file in WAL mode, foreign keys on, full
//!   synchronous commits, a small connection pool. Bulk writes are multi-row statements in one
//!   transaction; every write transaction begins `IMMEDIATE`.
//! - [`PostgresStore`]: the shared backend, several instances on one database. Bulk writes
//!   stream rows with `COPY` into a temporary table, then upsert from it, in one transaction;
//!   bulk reads stream out with `COPY`.
//!
//! Each aggregate's file (`accounts.rs`, `offers.rs`...) writes its SQL once, inside
//! [`both_backends!`], which compiles it for each backend: sqlx binds `$N` on SQLite too, and
//! what really differs is named here ([`Dialect`]) or written side by side with its twin in the
//! aggregate's file.

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Postgres, Row, Sqlite, Transaction};

use crate::url::{Backend, DatabaseUrl};
use crate::{Counts, Result, Store, StoreError};

pub struct SqliteStore {
    pub(crate) pool: SqlitePool,
}

pub struct PostgresStore {
    pub(crate) pool: PgPool,
    /// The connection listening for the change log's notifications, opened at the first wait
    /// (`changes::Changes::wait_for_change`).
    pub(crate) listener: tokio::sync::Mutex<Option<sqlx::postgres::PgListener>>,
}

/// The migrations of each backend, embedded at compile time by sqlx's own migrator.
pub(crate) static SQLITE_MIGRATIONS: sqlx::migrate::Migrator =
    sqlx::migrate!("./migrations/sqlite");
pub(crate) static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator =
    sqlx::migrate!("./migrations/postgres");

/// The advisory lock that serialises audit appends across PostgreSQL instances.
pub(crate) const AUDIT_LOCK: i64 = 0x7061_7373_6175_6469; // "passaudi"

/// What the SQL of the two backends spells differently.
pub(crate) trait Dialect {
    const BACKEND: Backend;
    /// `YYYY-MM` of a timestamp column, in UTC.
    fn month(column: &str) -> String;
    /// Whole days from one timestamp column to another (`NULL` when either is).
    fn days_between(from: &str, to: &str) -> String;
    /// The month (`YYYY-MM`) of a day column.
    fn day_month(column: &str) -> String;
    /// ` INDEXED BY index` on SQLite, to read a narrow index rather than the wide rows its
    /// planner prefers by rowid; nothing on PostgreSQL, whose planner chooses.
    fn indexed_by(index: &str) -> String;
    /// A JSON column read as text.
    fn json_text(column: &str) -> String;
    /// The texts of a column over a group, one after the other without separator, in no
    /// particular order (an aggregate).
    fn concat_texts(column: &str) -> String;
    /// The values of a JSON array of texts bound as `param` (a `sqlx::types::Json`), as a
    /// subquery: `x IN (<this>)` stands for PostgreSQL's `x = ANY(...)`.
    fn each_text(param: &str) -> String;
    /// The values of a JSON array of integers bound as `param`, as a subquery.
    fn each_int(param: &str) -> String;
    /// Appended to a `SELECT` that reads a row about to be updated in the transaction: a row
    /// lock on PostgreSQL; nothing on SQLite, whose write transactions hold the database's
    /// write lock from their first statement.
    const FOR_UPDATE: &'static str;
    /// Appended to a `SELECT` over `job_seekers j` that must see the person's row as committed
    /// and keep it so until the transaction ends (a share lock on PostgreSQL).
    const FOR_SHARE_OF_PERSON: &'static str;
    /// Appended to an `ORDER BY` of text to order it byte by byte, the same on both backends
    /// (PostgreSQL's default collation may ignore spaces and punctuation).
    const BYTE_ORDER: &'static str;
}

impl Dialect for SqliteStore {
    const BACKEND: Backend = Backend::Sqlite;
    fn month(column: &str) -> String {
        format!("substr({column}, 1, 7)")
    }
    fn day_month(column: &str) -> String {
        Self::month(column)
    }
    fn indexed_by(index: &str) -> String {
        format!(" INDEXED BY {index}")
    }
    fn days_between(from: &str, to: &str) -> String {
        format!("CAST(julianday({to}) - julianday({from}) AS INTEGER)")
    }
    fn json_text(column: &str) -> String {
        column.to_string()
    }
    fn concat_texts(column: &str) -> String {
        format!("group_concat({column}, '')")
    }
    fn each_text(param: &str) -> String {
        format!("SELECT value FROM json_each({param})")
    }
    fn each_int(param: &str) -> String {
        Self::each_text(param)
    }
    const FOR_UPDATE: &'static str = "";
    const FOR_SHARE_OF_PERSON: &'static str = "";
    const BYTE_ORDER: &'static str = "";
}

impl Dialect for PostgresStore {
    const BACKEND: Backend = Backend::Postgres;
    fn month(column: &str) -> String {
        format!("to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM')")
    }
    fn day_month(column: &str) -> String {
        format!("to_char({column}, 'YYYY-MM')")
    }
    fn indexed_by(_index: &str) -> String {
        String::new()
    }
    fn days_between(from: &str, to: &str) -> String {
        format!("CAST(floor(EXTRACT(EPOCH FROM ({to} - {from})) / 86400) AS BIGINT)")
    }
    fn json_text(column: &str) -> String {
        format!("{column}::text")
    }
    fn concat_texts(column: &str) -> String {
        format!("string_agg({column}, '')")
    }
    fn each_text(param: &str) -> String {
        format!("SELECT jsonb_array_elements_text({param})")
    }
    fn each_int(param: &str) -> String {
        format!("SELECT jsonb_array_elements_text({param})::bigint")
    }
    const FOR_UPDATE: &'static str = " FOR UPDATE";
    const FOR_SHARE_OF_PERSON: &'static str = " FOR SHARE OF j";
    const BYTE_ORDER: &'static str = " COLLATE \"C\"";
}

impl SqliteStore {
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

    /// A write transaction: `IMMEDIATE` takes the write lock from the start, so concurrent
    /// writers wait for it (`busy_timeout`) instead of failing when they upgrade a read.
    pub(crate) async fn begin_write(&self) -> Result<Transaction<'static, Sqlite>> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// Serialises audit appends: the write lock of `begin_write` already does.
    pub(crate) async fn lock_audit(_tx: &mut Transaction<'_, Sqlite>) -> Result<()> {
        Ok(())
    }
}

impl PostgresStore {
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
        Ok(Self {
            pool,
            listener: tokio::sync::Mutex::new(None),
        })
    }

    /// A write transaction (rows are locked as they are written or read `FOR UPDATE`).
    pub(crate) async fn begin_write(&self) -> Result<Transaction<'static, Postgres>> {
        Ok(self.pool.begin().await?)
    }

    /// Serialises audit appends across instances until the transaction ends.
    pub(crate) async fn lock_audit(tx: &mut Transaction<'_, Postgres>) -> Result<()> {
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(AUDIT_LOCK)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }
}

/// Compiles the items given once for each backend, with `This` naming the backend's store:
/// `both_backends! { #[async_trait] impl Offers for This { ... } }`. Inside, `self.pool` is the
/// backend's pool, `This::month(..)` and the other [`Dialect`] items spell what differs, `Row`
/// is the backend's row type and `Db` its `sqlx::Database`.
macro_rules! both_backends {
    (@backend $store:ty, $row:ty, $db:ty; $($item:item)*) => {
        const _: () = {
            #[allow(unused_imports)]
            use $crate::backend::Dialect as _;
            #[allow(dead_code)]
            type This = $store;
            #[allow(dead_code)]
            type Row = $row;
            #[allow(dead_code)]
            type Db = $db;
            $($item)*
        };
    };
    ($($item:item)*) => {
        $crate::backend::both_backends! {
            @backend $crate::backend::SqliteStore, sqlx::sqlite::SqliteRow, sqlx::Sqlite; $($item)*
        }
        $crate::backend::both_backends! {
            @backend $crate::backend::PostgresStore, sqlx::postgres::PgRow, sqlx::Postgres; $($item)*
        }
    };
}
pub(crate) use both_backends;

impl SqliteStore {
    async fn migrate_all(&self) -> Result<()> {
        SQLITE_MIGRATIONS.run(&self.pool).await?;
        Ok(())
    }

    /// SQLite's own checks (`integrity_check`, `foreign_key_check`).
    async fn backend_problems(&self) -> Result<Vec<String>> {
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
        Ok(problems)
    }
}

impl PostgresStore {
    async fn migrate_all(&self) -> Result<()> {
        POSTGRES_MIGRATIONS.run(&self.pool).await?;
        Ok(())
    }

    /// PostgreSQL enforces its constraints at every commit: nothing of its own to check.
    async fn backend_problems(&self) -> Result<Vec<String>> {
        Ok(Vec::new())
    }
}

both_backends! {
    impl This {
        /// The row of `select` (a `SELECT ... FROM table`) whose id is `id`, read by `of`.
        pub(crate) async fn by_id<'e, T, E>(
            executor: E,
            select: &str,
            id: i64,
            of: fn(&Row) -> Result<T>,
        ) -> Result<Option<T>>
        where
            E: sqlx::Executor<'e, Database = Db>,
        {
            This::by_id_then(executor, select, id, "", of).await
        }

        /// As [`by_id`](Self::by_id), inside `tx`, the row locked until it ends
        /// ([`Dialect::FOR_UPDATE`]).
        pub(crate) async fn locked_by_id<T>(
            tx: &mut Transaction<'_, Db>,
            select: &str,
            id: i64,
            of: fn(&Row) -> Result<T>,
        ) -> Result<Option<T>> {
            This::by_id_then(&mut **tx, select, id, This::FOR_UPDATE, of).await
        }

        /// The row of `select` whose id is `id`, `then` appended to the query, read by `of`.
        async fn by_id_then<'e, T, E>(
            executor: E,
            select: &str,
            id: i64,
            then: &str,
            of: fn(&Row) -> Result<T>,
        ) -> Result<Option<T>>
        where
            E: sqlx::Executor<'e, Database = Db>,
        {
            let row = sqlx::query(&format!("{select} WHERE id = $1{then}"))
                .bind(id)
                .fetch_optional(executor)
                .await?;
            row.as_ref().map(of).transpose()
        }
    }
}

both_backends! {
    #[async_trait]
    impl Store for This {
        fn backend(&self) -> Backend {
            This::BACKEND
        }

        async fn migrate(&self) -> Result<()> {
            self.migrate_all().await?;
            self.fill_search_text().await?;
            self.fill_structure_search_text().await?;
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
            let count =
                |name: &str| -> Result<u64> { Ok(row.try_get::<i64, _>(name)?.max(0) as u64) };
            Ok(Counts {
                structures: count("structures")?,
                users: count("users")?,
                job_seekers: count("job_seekers")?,
                offers: count("offers")?,
                referrals: count("referrals")?,
                audit_events: count("audit_events")?,
            })
        }

        async fn refresh_statistics(&self) -> Result<()> {
            if This::BACKEND == Backend::Postgres {
                sqlx::query("ANALYZE").execute(&self.pool).await?;
            }
            Ok(())
        }

        async fn check_integrity(&self) -> Result<Vec<String>> {
            let mut problems = self.backend_problems().await?;
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
    }
}
