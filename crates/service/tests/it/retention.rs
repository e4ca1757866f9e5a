//! Retention and erasure over HTTP: the administrators read the retention table and the
//! record of processing (others are refused); an advisor files an erasure request for one of
//! their people; an administrator processes it: refused naming what blocks it and from which
//! day it may proceed, or done; the person is told through the outbox either way; every step
//! audited; the sweep with the clock moved forward anonymises and deletes what the rules say.

use chrono::Duration;
use serde_json::json;
use testdb::TestDb;

use crate::support::*;

/// The messages of the outbox to `to`: (subject, body).
async fn messages_to(server: &Server, to: &str) -> Vec<(String, String)> {
    server
        .state
        .store
        .pending_messages(100)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.message.recipient == to)
        .map(|m| (m.message.subject, m.message.body))
        .collect()
}

pub async fn erasure_requests_are_filed_processed_and_told_and_the_sweep_runs(db: TestDb) {
    let (server, world) = Server::start(db).await;
    let admin = server.login("admin@d.fr").await;
    let advisor = server.login("advisor@a.fr").await;
    let other_advisor = server.login("advisor@b.fr").await;
    let steering = server.login("steering@d.fr").await;

    // The record of processing: the administrators only.
    let (status, table) = admin.get("/api/v1/retention").await;
    assert_eq!(status, 200, "{table}");
    assert_eq!(
        strings_of(&table["rules"], "kind"),
        [
            "closed_referral",
            "job_seeker",
            "session",
            "api_token",
            "outbox_message",
            "person_pass",
            "person_session",
            "consent_change",
            "staff_invitation"
        ]
    );
    assert_eq!(table["record_of_processing"].as_array().unwrap().len(), 6);
    assert_eq!(
        table["record_of_processing"][5]["retention"],
        json!([
            "évaluations : tant que le dossier de la personne est conservé ; effacées avec lui"
        ])
    );
    assert_eq!(
        table["record_of_processing"][2]["retention"],
        json!([
            "message électronique (destinataire, objet, texte) : 90 jours après l'envoi, puis \
             supprimé"
        ])
    );
    assert_eq!(table["legal_holds"][0]["what"], "journal d'audit");
    for client in [&advisor, &steering] {
        assert_eq!(client.get("/api/v1/retention").await.0, 403);
        assert_eq!(client.get("/api/v1/erasure-requests").await.0, 403);
    }
    let page = admin.page("/admin/conservation").await;
    assert_eq!(page.status, 200);
    assert!(
        page.html
            .contains("Registre des activités de traitement (RGPD, article 30)")
    );
    assert!(page.html.contains("Aucune demande d'effacement."));
    assert_eq!(steering.page("/admin/conservation").await.status, 403);

    // Person 6 accepted a referral: their erasure waits for it.
    let six = world.seekers[&6];
    let referral = server
        .state
        .store
        .create_referral(six, world.offer_x, None, None, server.now())
        .await
        .unwrap()
        .id;
    let (status, body) = advisor
        .move_referral(referral, &json!({ "to": "accepted" }))
        .await;
    assert_eq!(status, 200, "{body}");
    let path = format!("/api/v1/job-seekers/{six}/erasure-request");
    assert_eq!(other_advisor.post(&path, &json!(null)).await.0, 403);
    let (status, filed) = advisor.post(&path, &json!(null)).await;
    assert_eq!(status, 201, "{filed}");
    assert_eq!(filed["state"], "requested");
    assert_eq!(filed["requested_by"], "advisor");
    assert_eq!(filed["blockers"][0]["kind"], "open_referral");
    assert_eq!(filed["blockers"][0]["record_id"], referral);
    // Accepted on 10 March 2026: it expires after 30 days without a move.
    assert_eq!(filed["can_proceed_on"], "2026-04-10");
    let (status, again) = advisor.post(&path, &json!(null)).await;
    assert_eq!(status, 409, "{again}");

    let request = filed["id"].as_i64().unwrap();
    let (status, queue) = admin.get("/api/v1/erasure-requests?state=requested").await;
    assert_eq!(status, 200, "{queue}");
    assert_eq!(queue[0]["id"], request);
    let (status, wrong) = admin.get("/api/v1/erasure-requests?state=maybe").await;
    assert_eq!(
        (status.as_u16(), strings_of(&wrong["fields"], "path")),
        (422, vec!["?state"])
    );
    let (status, refused) = admin
        .post(
            &format!("/api/v1/erasure-requests/{request}/process"),
            &json!(null),
        )
        .await;
    assert_eq!(status, 200, "{refused}");
    assert_eq!(refused["state"], "refused");
    assert_eq!(refused["blockers"][0]["kind"], "open_referral");
    assert_eq!(refused["can_proceed_on"], "2026-04-10");
    let told = messages_to(&server, "aicha.durand6@example.fr").await;
    assert_eq!(told.len(), 1);
    assert_eq!(
        told[0].0,
        "Votre demande d'effacement ne peut pas encore aboutir"
    );
    assert!(
        told[0]
            .1
            .contains(&format!("une mise en relation en cours (n° {referral})")),
        "{}",
        told[0].1
    );
    assert!(
        told[0].1.contains("à partir du 10 avril 2026"),
        "{}",
        told[0].1
    );
    assert_eq!(
        server
            .stored_job_seeker(six)
            .await
            .record
            .first_name
            .as_str(),
        "Aïcha"
    );
    let (status, twice) = admin
        .post(
            &format!("/api/v1/erasure-requests/{request}/process"),
            &json!(null),
        )
        .await;
    assert_eq!(status, 409, "{twice}");

    // Person 8: nothing blocks it; processed from the page.
    let eight = world.seekers[&8];
    let (status, filed) = advisor
        .post(
            &format!("/api/v1/job-seekers/{eight}/erasure-request"),
            &json!(null),
        )
        .await;
    assert_eq!(status, 201, "{filed}");
    assert_eq!(filed["blockers"], json!([]));
    assert_eq!(filed["can_proceed_on"], json!(null));
    let page = admin.page("/admin/conservation").await;
    assert!(page.html.contains("À traiter"), "{}", page.html);
    let request = filed["id"].as_i64().unwrap();
    let page = admin
        .post_form(&format!("/admin/effacements/{request}/traiter"), &[])
        .await;
    assert_eq!(
        (page.status, page.location.as_deref()),
        (303, Some("/admin/conservation?fait=efface"))
    );
    let erased = server.stored_job_seeker(eight).await;
    assert_eq!(erased.record.first_name.as_str(), "Anonyme");
    assert_eq!(erased.record.email, None);
    assert_eq!(erased.record.external_id.as_str(), format!("ANON-{eight}"));
    let told = messages_to(&server, "aicha.durand8@example.fr").await;
    assert_eq!(
        told.iter().map(|m| m.0.as_str()).collect::<Vec<_>>(),
        ["Vos données ont été effacées"]
    );
    let (status, events) = admin
        .get(&format!(
            "/api/v1/audit?subject_kind=job_seeker&subject_id={eight}"
        ))
        .await;
    assert_eq!(status, 200, "{events}");
    let actions = strings_of(&events, "action");
    assert!(
        actions.contains(&"erasure.request") && actions.contains(&"erasure.process"),
        "{actions:?}"
    );

    // Two years and more later: people 7 and 12 (no activity) are anonymised, person 6 (an
    // open referral) is kept; the four sessions opened above expired; the two messages sent
    // on the first day are deleted.
    server.advance(Duration::days(800));
    let admin = server.login("admin@d.fr").await;
    let counts = |report: &serde_json::Value| {
        report["counts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["kind"].as_str().unwrap().to_string(),
                    c["count"].as_u64().unwrap(),
                )
            })
            .collect::<Vec<_>>()
    };
    let expected: Vec<(String, u64)> = [
        ("closed_referral", 0),
        ("job_seeker", 2),
        ("session", 4),
        ("api_token", 0),
        ("outbox_message", 2),
        ("person_pass", 0),
        ("person_session", 0),
        // The erasure processed above told the other instances through the change log.
        ("consent_change", 1),
        ("staff_invitation", 0),
    ]
    .iter()
    .map(|(k, n)| (k.to_string(), *n))
    .collect();
    let (status, dry) = admin
        .post("/api/v1/retention/sweep", &json!({ "dry_run": true }))
        .await;
    assert_eq!(status, 200, "{dry}");
    assert_eq!(dry["dry_run"], true);
    assert_eq!(counts(&dry), expected);
    assert_eq!(
        server
            .stored_job_seeker(world.seekers[&7])
            .await
            .record
            .first_name
            .as_str(),
        "Aïcha"
    );
    let (status, done) = admin
        .post("/api/v1/retention/sweep", &json!({ "dry_run": false }))
        .await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(counts(&done), expected);
    for (n, name) in [(6, "Aïcha"), (7, "Anonyme"), (12, "Anonyme")] {
        assert_eq!(
            server
                .stored_job_seeker(world.seekers[&n])
                .await
                .record
                .first_name
                .as_str(),
            name,
            "person {n}"
        );
    }
    let (_, events) = admin.get("/api/v1/audit?subject_kind=retention").await;
    assert_eq!(strings_of(&events, "action"), ["retention.sweep"]);
    let (status, wrong) = admin
        .post("/api/v1/retention/sweep", &json!({ "dry": true }))
        .await;
    assert_eq!(status, 422, "{wrong}");
    server.stop().await;
}
