//! The change log (`store::changes`): each committed consent change read once, in order, by a
//! reader that keeps its cursor; on PostgreSQL a transaction that commits late is read late,
//! never skipped.

use store::*;
use testdb::TestDb;
use testdb::fixtures::*;

use crate::contract::one_agency;

async fn two_people(db: &TestDb) -> [i64; 2] {
    let store = db.store();
    let agency = one_agency(store).await;
    let records = [job_seeker(6, &agency), job_seeker(7, &agency)];
    store.upsert_job_seekers(&records, at(1)).await.unwrap();
    let mut ids = [0; 2];
    for (i, record) in records.iter().enumerate() {
        ids[i] = store
            .job_seeker(&record.external_id)
            .await
            .unwrap()
            .unwrap()
            .id;
    }
    ids
}

fn withdrawal() -> ConsentChange {
    ConsentChange {
        scope: None,
        channel: ConsentChannel::Online,
        disclosed: vec![],
        shared_evaluations: vec![],
    }
}

pub async fn consent_changes_are_read_once_from_the_change_log(db: &TestDb) {
    let store = db.store();
    let [a, b] = two_people(db).await;
    let start = store.change_cursor().await.unwrap();
    // An import is not a change of consent recorded here: nothing in the log.
    let (nothing, same) = store.changes_after(start).await.unwrap();
    assert!(nothing.is_empty());
    store
        .record_consent(a, &withdrawal(), None, at(2))
        .await
        .unwrap();
    store
        .record_consent(b, &withdrawal(), None, at(3))
        .await
        .unwrap();
    store
        .record_consent(a, &withdrawal(), None, at(4))
        .await
        .unwrap();
    let (changed, next) = store.changes_after(same).await.unwrap();
    // Each person once, however many changes.
    assert_eq!(changed, vec![a.min(b), a.max(b)]);
    let (again, after) = store.changes_after(next).await.unwrap();
    assert!(again.is_empty(), "read twice: {again:?}");
    // A refused change writes nothing to the log either.
    let refused = store
        .record_consent(
            b,
            &ConsentChange {
                scope: Some(ConsentScope::AllAgencies),
                channel: ConsentChannel::Online,
                disclosed: vec![PriorityStatus::Qpv],
                shared_evaluations: vec![],
            },
            None,
            at(5),
        )
        .await;
    assert!(refused.is_err());
    assert!(store.changes_after(after).await.unwrap().0.is_empty());
}

/// PostgreSQL only (SQLite serialises its writers): a transaction that took its id before
/// another but commits after it.
#[tokio::test]
async fn postgres_a_change_that_commits_late_is_read_late_not_lost() {
    let Some(db) = TestDb::postgres("late_change").await else {
        return;
    };
    late_commit(&db).await;
    db.finish().await;
}

async fn late_commit(db: &TestDb) {
    let store = db.store.clone();
    let [a, b] = two_people(db).await;
    let cursor = store.change_cursor().await.unwrap();
    // A writer takes the lock and its id for a change of `a`, and has not committed yet.
    let pool = sqlx::PgPool::connect(db.url.expose()).await.unwrap();
    let mut late = pool.begin().await.unwrap();
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(store::changes::CHANGES_LOCK)
        .execute(&mut *late)
        .await
        .unwrap();
    sqlx::query("INSERT INTO job_seeker_changes (job_seeker_id, changed_at) VALUES ($1, now())")
        .bind(a)
        .execute(&mut *late)
        .await
        .unwrap();
    // Another change, of `b`, begun after it: it waits for the first to commit before it
    // takes its id, so that no reader can see it and skip the first.
    let writer = {
        let store = store.clone();
        tokio::spawn(async move { store.record_consent(b, &withdrawal(), None, at(2)).await })
    };
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(
        !writer.is_finished(),
        "the second writer did not wait for the first"
    );
    let (held, cursor) = store.changes_after(cursor).await.unwrap();
    assert!(held.is_empty(), "read an uncommitted change: {held:?}");
    late.commit().await.unwrap();
    writer.await.unwrap().unwrap();
    let (both, _) = store.changes_after(cursor).await.unwrap();
    assert_eq!(both, vec![a.min(b), a.max(b)]);
    pool.close().await;
}
