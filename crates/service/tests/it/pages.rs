//! What the pages show, beyond who may see them (the matrix): the steering page's figures, and
//! that it names nobody.

use testdb::TestDb;

use crate::support::*;

/// Shortlists served are counted in memory, reach the store when flushed, and appear on the
/// steering page by department and month; the page shows no name.
pub async fn steering_page_counts_shortlists_and_names_nobody(db: TestDb) {
    let (server, world) = Server::start(db).await;
    let recruiter = server.login("recruiter@x.fr").await;
    for _ in 0..3 {
        let (status, body) = recruiter
            .get(&format!("/api/v1/offers/{}/shortlist?k=5", world.offer_x))
            .await;
        assert_eq!(status, 200, "{body}");
    }
    let agency_x = world.structures[&AGENCY_X];
    assert!(
        server
            .state
            .store
            .shortlist_tallies(None)
            .await
            .unwrap()
            .is_empty(),
        "counted in memory, not written per request"
    );
    // Three lists of one offer: one (owner, department, month) tally.
    assert_eq!(server.state.flush_shortlist_counts().await.unwrap(), 1);
    let tallies = server
        .state
        .store
        .shortlist_tallies(Some(agency_x))
        .await
        .unwrap();
    assert_eq!(tallies.iter().map(|t| t.shortlists).sum::<u64>(), 3);
    assert_eq!(tallies[0].department, "93");
    assert_eq!(tallies[0].month, server.now().format("%Y-%m").to_string());
    // A fourth, counted but not flushed: the steering page flushes before reading.
    recruiter
        .get(&format!("/api/v1/offers/{}/shortlist?k=5", world.offer_x))
        .await;
    let steering = server.login("steering@d.fr").await;
    let page = steering.raw("GET", "/pilotage").await.send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Présélections consultées"));
    assert!(
        html.contains("<td>4</td>"),
        "four shortlists appear in the figures: {html}"
    );
    assert!(html.contains("93 — Seine-Saint-Denis"), "{html}");
    for name in ["Aïcha", "Durand-"] {
        assert!(!html.contains(name), "the steering page names nobody");
    }
    server.stop().await;
}

/// Joint meetings through the API: checked fields, the territory's structures invited, one
/// registration per person, the organiser alone sees who registered and records attendance.
pub async fn meetings_invite_the_territory_and_the_organiser_records_attendance(db: TestDb) {
    let (server, _world) = Server::start(db).await;
    let recruiter = server.login("recruiter@x.fr").await;
    let advisor = server.login("advisor@a.fr").await;
    let (status, body) = recruiter
        .post(
            "/api/v1/meetings",
            &serde_json::json!({
                "theme": "x", "starts_at": "2020-01-01T09:00:00Z", "territory": "999"
            }),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    let paths: Vec<&str> = body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["/theme", "/starts_at", "/place", "/territory"]);
    let starts_at = (server.now() + chrono::Duration::days(10)).to_rfc3339();
    let (status, meeting) = recruiter
        .post(
            "/api/v1/meetings",
            &serde_json::json!({
                "theme": "Les métiers de la logistique", "starts_at": starts_at,
                "place": "Agence X", "territory": "93"
            }),
        )
        .await;
    assert_eq!(status, 201, "{meeting}");
    assert_eq!(
        meeting["invited"].as_array().unwrap().len(),
        6,
        "every structure of the 93"
    );
    let id = meeting["id"].as_i64().unwrap();
    let register = format!("/api/v1/meetings/{id}/registrations");
    let (status, view) = advisor.post(&register, &serde_json::json!({})).await;
    assert_eq!(status, 201, "{view}");
    assert_eq!(view["registered_me"], true);
    assert_eq!(advisor.post(&register, &serde_json::json!({})).await.0, 409);
    assert_eq!(
        advisor.get(&register).await.0,
        403,
        "only the organiser sees who registered"
    );
    let (status, list) = recruiter.get(&register).await;
    assert_eq!(status, 200);
    let advisor_id = list[0]["user_id"].as_i64().unwrap();
    assert_eq!(list[0]["attended"], serde_json::Value::Null);
    let attendance = format!("/api/v1/meetings/{id}/attendance");
    let record = serde_json::json!({ "user_id": advisor_id, "attended": true });
    assert_eq!(advisor.post(&attendance, &record).await.0, 403);
    assert_eq!(recruiter.post(&attendance, &record).await.0, 204);
    assert_eq!(recruiter.get(&register).await.1[0]["attended"], true);
    let (_, listed) = advisor.get("/api/v1/meetings").await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    // A meeting for Paris invites none of these structures: the advisor may not register.
    let (_, paris) = recruiter
        .post(
            "/api/v1/meetings",
            &serde_json::json!({
                "theme": "Réunion parisienne", "starts_at": starts_at,
                "online_link": "https://visio.example.fr/r", "territory": "75"
            }),
        )
        .await;
    let other = format!("/api/v1/meetings/{}/registrations", paris["id"]);
    assert_eq!(advisor.post(&other, &serde_json::json!({})).await.0, 403);
    server.stop().await;
}

/// A structure confirms its own services only; the directory finds them from a place.
pub async fn a_structure_confirms_its_own_services_only(db: TestDb) {
    let (server, _world) = Server::start(db).await;
    let mut service = testdb::fixtures::service(1, &testdb::fixtures::siret(AGENCY_X));
    service.updated_on = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    server
        .state
        .store
        .upsert_services(&[service], server.now())
        .await
        .unwrap();
    let (_, found) = server
        .login("advisor@a.fr")
        .await
        .get("/api/v1/directory/services?commune=93066&thematique=mobilite")
        .await;
    let found = found.as_array().unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["overdue"], true);
    assert_eq!(found[0]["distance_km"], 0.0);
    let id = found[0]["id"].as_i64().unwrap();
    let confirm = format!("/api/v1/directory/services/{id}/confirm");
    let other = server.login("recruiter@y.fr").await;
    assert_eq!(other.post(&confirm, &serde_json::json!({})).await.0, 403);
    let (status, view) = server
        .login("recruiter@x.fr")
        .await
        .post(&confirm, &serde_json::json!({}))
        .await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["overdue"], false);
    assert_eq!(view["updated_on"], server.now().date_naive().to_string());
    let (status, body) = other
        .get("/api/v1/directory/services?thematique=voyager")
        .await;
    assert_eq!(status, 422);
    assert_eq!(body["fields"][0]["path"], "?thematique");
    server.stop().await;
}
