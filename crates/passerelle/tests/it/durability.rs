//! A bulk write killed with SIGKILL midway leaves every committed record intact and the
//! database consistent; running it again completes the job. On SQLite and on PostgreSQL.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

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

async fn kill_midway_then_complete(url: DatabaseUrl) {
    let store = store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();

    let mut child = write_command(&url).spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(300);
    while job_seekers(store.as_ref()).await < 3 * BATCH {
        assert!(Instant::now() < deadline, "the writer made no progress");
        assert!(
            child.try_wait().unwrap().is_none(),
            "the writer ended before it was killed"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    let committed = job_seekers(store.as_ref()).await;
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
    kill_midway_then_complete(DatabaseUrl::sqlite_file(&dir.path().join("p.db"))).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_survives_sigkill_during_a_bulk_write() {
    let Some(database) = testdb::fresh_postgres("durability").await else {
        return;
    };
    kill_midway_then_complete(database.url.clone()).await;
    database.drop().await;
}
