//! A bulk write killed with SIGKILL midway leaves every committed record intact and the
//! database consistent; running it again completes the job. On SQLite and on PostgreSQL.
//!
//! When to kill does not depend on the machine's speed: the test polls the committed rows while
//! holding the database's write lock (SQLite `BEGIN IMMEDIATE`, a PostgreSQL `EXCLUSIVE` lock on
//! the table), so the writer cannot commit between what the test saw and the kill; it kills
//! once some batches are committed, with a generous deadline for slow machines.

use std::os::unix::process::ExitStatusExt as _;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sqlx::Connection as _;

use passerelle::synthetic::Synthetic;
use store::{DatabaseUrl, Store};

const TOTAL: u64 = 60_000;
const BATCH: u64 = 5_000;
const SEED: u64 = 7;

fn write_command(url: &DatabaseUrl) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_passerelle"));
    command
        .args(["bench", "store", "--write-only", "--offers", "0"])
        .args([
            "--job-seekers",
            &TOTAL.to_string(),
            "--batch",
            &BATCH.to_string(),
        ])
        .args(["--seed", &SEED.to_string(), "--database", url.expose()])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

async fn job_seekers(store: &dyn Store) -> u64 {
    store.counts().await.map(|c| c.job_seekers).unwrap_or(0)
}

/// A connection holding the database's write lock: no other writer commits while it is held.
enum WriteLock {
    Sqlite(sqlx::SqliteConnection),
    Postgres(sqlx::PgConnection),
}

impl WriteLock {
    /// Waits for the writer's transaction in flight, if any, then holds the lock.
    async fn take(url: &DatabaseUrl) -> Self {
        if url.expose().starts_with("sqlite:") {
            let options: sqlx::sqlite::SqliteConnectOptions = url.expose().parse().unwrap();
            let mut connection = sqlx::SqliteConnection::connect_with(
                &options.busy_timeout(Duration::from_secs(60)),
            )
            .await
            .unwrap();
            sqlx::raw_sql("BEGIN IMMEDIATE")
                .execute(&mut connection)
                .await
                .unwrap();
            Self::Sqlite(connection)
        } else {
            let mut connection = sqlx::PgConnection::connect(url.expose()).await.unwrap();
            sqlx::raw_sql("BEGIN; LOCK TABLE job_seekers IN EXCLUSIVE MODE")
                .execute(&mut connection)
                .await
                .unwrap();
            Self::Postgres(connection)
        }
    }

    /// The job seekers committed, as seen under the lock.
    async fn committed(&mut self) -> u64 {
        let count = "SELECT count(*) FROM job_seekers";
        let n: i64 = match self {
            Self::Sqlite(c) => sqlx::query_scalar(count).fetch_one(c).await.unwrap(),
            Self::Postgres(c) => sqlx::query_scalar(count).fetch_one(c).await.unwrap(),
        };
        u64::try_from(n).unwrap()
    }

    async fn release(self) {
        match self {
            Self::Sqlite(mut c) => {
                sqlx::raw_sql("ROLLBACK").execute(&mut c).await.unwrap();
                c.close().await.unwrap();
            }
            Self::Postgres(mut c) => {
                sqlx::raw_sql("ROLLBACK").execute(&mut c).await.unwrap();
                c.close().await.unwrap();
            }
        }
    }
}

/// Every stored job seeker is exactly the record the generator makes for its index.
async fn check_every_record(store: &dyn Store) -> u64 {
    let synthetic = Synthetic::new(SEED);
    let mut checked = 0;
    store
        .stream_job_seekers(&mut |seeker| {
            let index: u64 = seeker
                .record
                .external_id
                .as_str()
                .trim_end_matches('S')
                .parse()
                .unwrap();
            assert_eq!(
                Some(seeker.record),
                synthetic.job_seeker(index),
                "record {index}"
            );
            checked += 1;
            Ok(())
        })
        .await
        .unwrap();
    checked
}

/// Starts the writer and kills it once some batches are committed; `None` when the writer
/// finished first (a machine busy elsewhere can starve the test's polls for as long as the
/// whole write takes): the caller starts again on a fresh database.
async fn kill_midway(url: &DatabaseUrl) -> Option<u64> {
    let mut child = write_command(url).spawn().unwrap();
    // A deadline for a very slow machine, not a timing the test relies on.
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        assert!(Instant::now() < deadline, "the writer made no progress");
        let mut lock = WriteLock::take(url).await;
        // Under the lock the writer commits nothing more: if it still runs, it is midway.
        if child.try_wait().unwrap().is_some() {
            lock.release().await;
            return None;
        }
        let seen = lock.committed().await;
        if seen >= 3 * BATCH {
            // Killed while the lock is held: the writer cannot have committed anything since.
            child.kill().unwrap(); // SIGKILL
            let status = child.wait().unwrap();
            lock.release().await;
            assert_eq!(
                status.signal(),
                Some(9),
                "the writer was killed: {status:?}"
            );
            return Some(seen);
        }
        lock.release().await;
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Kills the writer midway on a fresh database from `fresh` (up to five of them, should the
/// writer finish before it could be killed), checks what it left, then completes the job.
async fn kill_midway_then_complete<F, Fut>(fresh: F)
where
    F: Fn(u32) -> Fut,
    Fut: std::future::Future<Output = DatabaseUrl>,
{
    let mut attempt = 0;
    let (url, store, seen) = loop {
        attempt += 1;
        assert!(
            attempt <= 5,
            "the writer finished before it could be killed, five times"
        );
        let url = fresh(attempt).await;
        let store = store::connect(&url).await.unwrap();
        store.migrate().await.unwrap();
        if let Some(seen) = kill_midway(&url).await {
            break (url, store, seen);
        }
        eprintln!(
            "durability: the writer finished before it was killed; again on a fresh database"
        );
    };

    let committed = job_seekers(store.as_ref()).await;
    assert_eq!(committed, seen, "nothing committed after the kill");
    assert!(committed < TOTAL, "killed too late to test anything");
    assert_eq!(
        committed % BATCH,
        0,
        "only whole batches are committed: {committed}"
    );
    assert_eq!(store.check_integrity().await.unwrap(), Vec::<String>::new());
    assert_eq!(check_every_record(store.as_ref()).await, committed);

    let status = write_command(&url).status().unwrap();
    assert!(status.success());
    assert_eq!(job_seekers(store.as_ref()).await, TOTAL);
    assert_eq!(store.check_integrity().await.unwrap(), Vec::<String>::new());
    assert_eq!(check_every_record(store.as_ref()).await, TOTAL);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_survives_sigkill_during_a_bulk_write() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_path_buf();
    kill_midway_then_complete(|attempt| {
        let file = path.join(format!("p{attempt}.db"));
        async move { DatabaseUrl::sqlite_file(&file) }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_survives_sigkill_during_a_bulk_write() {
    // Skipped, and said so, when no PostgreSQL is configured.
    let Some(probe) = testdb::fresh_postgres("durability").await else {
        return;
    };
    let databases = std::sync::Mutex::new(vec![probe]);
    kill_midway_then_complete(|attempt| {
        let databases = &databases;
        async move {
            if attempt > 1 {
                let fresh = testdb::fresh_postgres("durability").await.unwrap();
                databases.lock().unwrap().push(fresh);
            }
            databases.lock().unwrap().last().unwrap().url.clone()
        }
    })
    .await;
    let databases = databases.into_inner().unwrap();
    for database in databases {
        database.drop().await;
    }
}
