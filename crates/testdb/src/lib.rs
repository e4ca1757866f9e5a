//! Test support shared by every crate's tests: a store on a fresh database.
//!
//! PostgreSQL tests need a server: set `PASSERELLE_TEST_POSTGRES_URL` to a URL whose user may
//! create databases (e.g. `postgres://postgres@127.0.0.1:5432/postgres`); each test gets a
//! fresh database, dropped at the end. Without the variable they say they were skipped
//! ([`skip`], which also closes each test binary with how many); with
//! `PASSERELLE_TEST_REQUIRE_POSTGRES=1` (CI) a missing variable fails them instead.

// Test code: failing loudly is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod fixtures;
pub mod skip;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use store::{DatabaseUrl, Store};

pub const POSTGRES_URL_VAR: &str = "PASSERELLE_TEST_POSTGRES_URL";
pub use skip::REQUIRE_POSTGRES_VAR;

/// A store on a fresh database, and what is needed to reach it behind the store's back.
pub struct TestDb {
    pub store: Arc<dyn Store>,
    pub url: DatabaseUrl,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, database: String },
}

impl TestDb {
    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = DatabaseUrl::sqlite_file(&dir.path().join("nested/passerelle.db"));
        let store = store::connect(&url).await.unwrap();
        store.migrate().await.unwrap();
        Self {
            store,
            url,
            cleanup: Cleanup::Sqlite(dir),
        }
    }

    /// A fresh PostgreSQL database, or `None` (with a message) when no server is configured.
    pub async fn postgres(test: &str) -> Option<Self> {
        let fresh = fresh_postgres(test).await?;
        let store = store::connect(&fresh.url).await.unwrap();
        store.migrate().await.unwrap();
        Some(Self {
            store,
            url: fresh.url,
            cleanup: Cleanup::Postgres {
                admin_url: fresh.admin_url,
                database: fresh.name,
            },
        })
    }

    pub fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }

    /// Runs SQL behind the store's back (to test the schema's own checks).
    pub async fn execute_raw(&self, sql: &str) -> Result<u64, sqlx::Error> {
        match &self.cleanup {
            Cleanup::Sqlite(_) => {
                let options: sqlx::sqlite::SqliteConnectOptions = self.url.expose().parse()?;
                let pool = sqlx::SqlitePool::connect_with(options.foreign_keys(true)).await?;
                let done = sqlx::raw_sql(sql).execute(&pool).await;
                pool.close().await;
                Ok(done?.rows_affected())
            }
            Cleanup::Postgres { .. } => {
                let pool = sqlx::PgPool::connect(self.url.expose()).await?;
                let done = sqlx::raw_sql(sql).execute(&pool).await;
                pool.close().await;
                Ok(done?.rows_affected())
            }
        }
    }

    pub async fn finish(self) {
        let Self { store, cleanup, .. } = self;
        drop(store);
        if let Cleanup::Postgres {
            admin_url,
            database,
        } = cleanup
        {
            drop_database(&admin_url, &database).await;
        }
    }
}

/// An empty PostgreSQL database (not migrated), dropped by [`FreshDatabase::drop`].
pub struct FreshDatabase {
    pub url: DatabaseUrl,
    admin_url: String,
    name: String,
}

/// A new empty PostgreSQL database, or `None` (the test skipped, see [`skip::skip`]) when no
/// server is configured.
pub async fn fresh_postgres(test: &str) -> Option<FreshDatabase> {
    let admin_url = match std::env::var(POSTGRES_URL_VAR) {
        Ok(url) if !url.is_empty() => url,
        _ => {
            skip::skip(
                &format!(
                    "PostgreSQL test {test}: set {POSTGRES_URL_VAR} \
                     (e.g. postgres://postgres@127.0.0.1:5432/postgres) to run it"
                ),
                REQUIRE_POSTGRES_VAR,
            );
            return None;
        }
    };
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        "passerelle_test_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    );
    let admin = sqlx::PgPool::connect(&admin_url)
        .await
        .unwrap_or_else(|err| {
            panic!("{POSTGRES_URL_VAR} is set but the server does not answer: {err}")
        });
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&admin)
        .await
        .unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await
        .unwrap();
    admin.close().await;
    let mut url = url::Url::parse(&admin_url).unwrap();
    url.set_path(&format!("/{name}"));
    Some(FreshDatabase {
        url: DatabaseUrl::parse(url.as_str()).unwrap(),
        admin_url,
        name,
    })
}

impl FreshDatabase {
    pub async fn drop(self) {
        drop_database(&self.admin_url, &self.name).await;
    }
}

async fn drop_database(admin_url: &str, name: &str) {
    let admin = sqlx::PgPool::connect(admin_url).await.unwrap();
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&admin)
        .await
        .unwrap();
    admin.close().await;
}
