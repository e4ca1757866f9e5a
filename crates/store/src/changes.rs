//! The change log: what changed about a job seeker that every instance's engine must take in
//! at once (a consent given, narrowed or withdrawn; disclosures), so that a withdrawal on one
//! instance takes the person out of the shortlists of all of them within a second or two,
//! rather than at the next 30-second refresh.
//!
//! A change is a row written in the same transaction as the change itself: it exists if and
//! only if the change committed. A reader keeps a cursor, the last id it read, and reads the
//! ids after it. That is exact only if ids are assigned in commit order:
//!
//! - on SQLite, write transactions are serialised (`BEGIN IMMEDIATE`), so they are;
//! - on PostgreSQL, an identity is assigned before commit, in no useful order (a transaction
//!   may take id 7 and commit after one that took id 8: a reader past 8 would skip 7). So a
//!   writer takes the change log's advisory transaction lock ([`CHANGES_LOCK`]) just before it
//!   takes its id, and holds it until its commit is visible to all: the next writer takes its
//!   id only then. A transaction that commits late therefore holds the later writers back
//!   rather than being skipped. Consent changes are a few a minute; their serialisation costs
//!   nothing, and the lock is taken last, after every row lock, so it adds no deadlock.
//!
//! Reading "below the oldest transaction still open" (`pg_snapshot_xmin`) would avoid the lock
//! but not work here: that horizon is the whole server's, so any long transaction on any
//! database of it (a dump, a report, another application, a test database's migration) would
//! hold every change back for as long as it runs.
//!
//! `NOTIFY passerelle_changes`, sent by the writing transaction (delivered at commit), only
//! wakes the readers up: its payload limit, the global lock it takes at commit and the
//! notifications lost while a listener reconnects make it unfit as the channel itself. A
//! reader waits for it at most its polling interval, then reads anyway.

use std::time::Duration;

use async_trait::async_trait;

use crate::Result;
use crate::backend::{PostgresStore, SqliteStore, both_backends};

/// The channel PostgreSQL notifies when a change is written.
pub const CHANNEL: &str = "passerelle_changes";

/// The advisory lock a writer holds from taking its change's id to its commit (PostgreSQL).
pub const CHANGES_LOCK: i64 = 0x7061_7373_6368_6e67; // "passchng"

/// The change log, read by each instance.
#[async_trait]
pub trait Changes: Send + Sync {
    /// Where the log stands now: the changes written after this are those to come.
    async fn change_cursor(&self) -> Result<i64>;

    /// The job seekers changed after `cursor` (each once, by id), and the cursor after them.
    async fn changes_after(&self, cursor: i64) -> Result<(Vec<i64>, i64)>;

    /// Returns when a change may have been written (a notification, on PostgreSQL) or after
    /// `at_most`, whichever comes first.
    async fn wait_for_change(&self, at_most: Duration) -> Result<()>;
}

/// Writes a change of this job seeker in the transaction `tx` (and, on PostgreSQL, the
/// notification that wakes the readers at commit).
macro_rules! log_change {
    ($tx:expr, $job_seeker_id:expr, $now:expr) => {{
        if <This as $crate::backend::Dialect>::BACKEND == $crate::Backend::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind($crate::changes::CHANGES_LOCK)
                .execute(&mut *$tx)
                .await?;
        }
        sqlx::query("INSERT INTO job_seeker_changes (job_seeker_id, changed_at) VALUES ($1, $2)")
            .bind($job_seeker_id)
            .bind($now)
            .execute(&mut *$tx)
            .await?;
        if <This as $crate::backend::Dialect>::BACKEND == $crate::Backend::Postgres {
            sqlx::query("SELECT pg_notify($1, '')")
                .bind($crate::changes::CHANNEL)
                .execute(&mut *$tx)
                .await?;
        }
    }};
}
pub(crate) use log_change;

fn distinct(mut ids: Vec<i64>) -> Vec<i64> {
    ids.sort_unstable();
    ids.dedup();
    ids
}

both_backends! {
    impl This {
        async fn last_change(&self) -> Result<i64> {
            let last: i64 =
                sqlx::query_scalar("SELECT coalesce(max(id), 0) FROM job_seeker_changes")
                    .fetch_one(&self.pool)
                    .await?;
            Ok(last)
        }

        async fn changes_from(&self, cursor: i64) -> Result<(Vec<i64>, i64)> {
            let rows: Vec<(i64, i64)> = sqlx::query_as(
                "SELECT id, job_seeker_id FROM job_seeker_changes WHERE id > $1 ORDER BY id",
            )
            .bind(cursor)
            .fetch_all(&self.pool)
            .await?;
            let next = rows.last().map_or(cursor, |(id, _)| *id);
            Ok((distinct(rows.into_iter().map(|(_, p)| p).collect()), next))
        }
    }
}

#[async_trait]
impl Changes for SqliteStore {
    async fn change_cursor(&self) -> Result<i64> {
        self.last_change().await
    }

    async fn changes_after(&self, cursor: i64) -> Result<(Vec<i64>, i64)> {
        self.changes_from(cursor).await
    }

    async fn wait_for_change(&self, at_most: Duration) -> Result<()> {
        tokio::time::sleep(at_most).await;
        Ok(())
    }
}

#[async_trait]
impl Changes for PostgresStore {
    async fn change_cursor(&self) -> Result<i64> {
        self.last_change().await
    }

    async fn changes_after(&self, cursor: i64) -> Result<(Vec<i64>, i64)> {
        self.changes_from(cursor).await
    }

    async fn wait_for_change(&self, at_most: Duration) -> Result<()> {
        let mut guard = self.listener.lock().await;
        if guard.is_none() {
            match sqlx::postgres::PgListener::connect_with(&self.pool).await {
                Ok(mut listener) => match listener.listen(CHANNEL).await {
                    Ok(()) => *guard = Some(listener),
                    Err(err) => tracing::debug!(%err, "LISTEN failed: polling only"),
                },
                Err(err) => tracing::debug!(%err, "no listener connection: polling only"),
            }
        }
        match guard.as_mut() {
            Some(listener) => match tokio::time::timeout(at_most, listener.recv()).await {
                // A notification, or the time is up: read either way.
                Ok(Ok(_)) | Err(_) => Ok(()),
                Ok(Err(err)) => {
                    // The connection dropped: notifications may have been lost meanwhile,
                    // which the read that follows catches up on.
                    tracing::debug!(%err, "change listener lost: reconnecting");
                    *guard = None;
                    Ok(())
                }
            },
            None => {
                drop(guard);
                tokio::time::sleep(at_most).await;
                Ok(())
            }
        }
    }
}
