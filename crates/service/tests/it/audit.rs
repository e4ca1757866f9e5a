//! The audit trail over HTTP: chained, verified, and a row changed behind the application's
//! back is found.

use store::Backend;
use testdb::TestDb;

use crate::support::*;

pub async fn audit_chain_verifies_and_finds_a_tampered_row(db: TestDb) {
    let (server, world) = Server::start(db).await;
    let admin = server.login("admin@d.fr").await;
    let advisor = server.login("advisor@a.fr").await;
    for _ in 0..3 {
        let (status, _) = advisor
            .get(&format!("/api/v1/job-seekers/{}", world.seekers[&6]))
            .await;
        assert_eq!(status, 200);
    }
    let (status, report) = admin.get("/api/v1/audit/verify").await;
    assert_eq!(status, 200);
    assert_eq!(report["valid"], true, "{report}");
    // Two sign-ins and three reads.
    assert_eq!(report["sealed"], 5, "{report}");
    let (_, events) = admin.get("/api/v1/audit?limit=500").await;
    let events = events.as_array().unwrap();
    assert_eq!(report["head"], events.last().unwrap()["hash"]);
    let read = events
        .iter()
        .find(|e| e["action"] == "job_seeker.read")
        .unwrap();
    let id = read["id"].as_i64().unwrap();

    let disable = match server.db.store().backend() {
        Backend::Sqlite => "DROP TRIGGER audit_events_no_update",
        Backend::Postgres => "ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only",
    };
    server.db.execute_raw(disable).await.unwrap();
    server
        .db
        .execute_raw(&format!(
            "UPDATE audit_events SET actor_user_id = NULL WHERE id = {id}"
        ))
        .await
        .unwrap();
    let (status, report) = admin.get("/api/v1/audit/verify").await;
    assert_eq!(status, 200);
    assert_eq!(report["valid"], false);
    assert!(
        report["error"]
            .as_str()
            .unwrap()
            .contains(&format!("audit event {id}: its content does not match")),
        "{report}"
    );
    server.stop().await;
}
