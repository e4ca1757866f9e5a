//! The probe's lower defects (defect 9), each pinned: API tokens listed and revoked at once;
//! an import with every row refused is not a success; undecodable forms are French pages;
//! `/metrics` behind its token; HSTS over HTTPS; refused reads of a person audited; notes of
//! a referral hidden from the agency while the person is pseudonymous.

use chrono::Duration;
use serde_json::json;
use testdb::TestDb;

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_tokens_are_listed_and_revoked_at_once() {
    let (server, _) = Server::on_sqlite().await;
    let recruiter = server.login("recruiter@x.fr").await;
    let (status, created) = recruiter
        .post("/api/v1/tokens", &json!({ "name": "ATS" }))
        .await;
    assert_eq!(status, 201);
    let mut machine = server.anonymous();
    machine.token = created["token"].as_str().map(str::to_string);
    assert_eq!(machine.get("/api/v1/me").await.0, 200);
    let (status, listed) = recruiter.get("/api/v1/tokens").await;
    assert_eq!(status, 200);
    assert_eq!(listed[0]["name"], "ATS");
    assert!(listed[0]["revoked_at"].is_null());
    assert!(
        !listed
            .to_string()
            .contains(created["token"].as_str().unwrap())
    );
    // Another user cannot revoke it; its owner can, and it stops working at once.
    let other = server.login("recruiter@y.fr").await;
    let id = created["id"].as_i64().unwrap();
    assert_eq!(
        other
            .send("DELETE", &format!("/api/v1/tokens/{id}"), None)
            .await
            .0,
        404
    );
    assert_eq!(machine.get("/api/v1/me").await.0, 200);
    assert_eq!(
        recruiter
            .send("DELETE", &format!("/api/v1/tokens/{id}"), None)
            .await
            .0,
        204
    );
    assert_eq!(machine.get("/api/v1/me").await.0, 401);
    let (_, listed) = recruiter.get("/api/v1/tokens").await;
    assert!(listed[0]["revoked_at"].is_string(), "{listed}");
    assert_eq!(
        recruiter
            .send("DELETE", &format!("/api/v1/tokens/{id}"), None)
            .await
            .0,
        404
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_with_every_offer_refused_is_not_a_success() {
    let (server, _) = Server::on_sqlite().await;
    let recruiter = server.login("recruiter@x.fr").await;
    let file = r#"[{"id":"1","intitule":"T","romeCode":"N9999","lieuTravail":{"commune":"93066"},"typeContrat":"MIS","dateCreation":"2026-03-01"}]"#;
    let Page { status, html, .. } = recruiter
        .upload("/offres/import", "offres.json", "application/json", file)
        .await;
    assert_eq!(status, 422);
    assert!(
        html.contains("chaque offre du fichier a été refusée"),
        "{html}"
    );
    assert!(html.contains("romeCode"), "the reject is listed");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forms_that_do_not_decode_are_french_pages() {
    let (server, world) = Server::on_sqlite().await;
    let recruiter = server.login("recruiter@x.fr").await;
    let response = recruiter
        .post_body(
            &format!("/offres/{}/proposer", world.offer_x),
            "application/x-www-form-urlencoded",
            format!(
                "csrf_token={}&job_seeker_id=abc",
                recruiter.csrf.clone().unwrap()
            ),
        )
        .await;
    assert_eq!(response.status(), 422);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = response.text().await.unwrap();
    assert!(html.contains("<html lang=\"fr\""), "{html}");
    assert!(html.contains("Action impossible"), "{html}");
    // A page's path id that is not a number is the French "page not found".
    let response = recruiter.get_raw("/offres/abc").await;
    assert_eq!(response.status(), 404);
    assert!(response.text().await.unwrap().contains("Page non trouvée"));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_behind_a_token_and_hsts_over_https() {
    let config = service::Config {
        metrics_token: Some(model::TokenHash::of_token("a-metrics-token-long-enough")),
        ..service::Config::default()
    };
    let (server, _) = Server::start_with(TestDb::sqlite().await, 0, 0, config).await;
    let anonymous = server.anonymous();
    assert_eq!(anonymous.get("/metrics").await.0, 401);
    let mut wrong = server.anonymous();
    wrong.token = Some("not-the-token".to_string());
    assert_eq!(wrong.get("/metrics").await.0, 401);
    let mut monitoring = server.anonymous();
    monitoring.token = Some("a-metrics-token-long-enough".to_string());
    let (status, body) = monitoring.get("/metrics").await;
    assert_eq!(status, 200);
    assert!(body.as_str().unwrap().contains("# EOF"));
    // HSTS only over HTTPS (here: what the TLS proxy says).
    let plain = anonymous.get_raw("/healthz").await;
    assert!(!plain.headers().contains_key("strict-transport-security"));
    let tls = anonymous
        .raw("GET", "/healthz")
        .await
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .unwrap();
    assert_eq!(
        tls.headers()["strict-transport-security"],
        "max-age=31536000; includeSubDomains"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_reads_are_in_the_persons_access_history() {
    let (server, world) = Server::on_sqlite().await;
    let seeker = world.seekers[&6];
    let other = server.login("recruiter@y.fr").await;
    assert_eq!(
        other.get(&format!("/api/v1/job-seekers/{seeker}")).await.0,
        403
    );
    let steering = server.login("steering@d.fr").await;
    assert_eq!(
        steering
            .get(&format!("/api/v1/job-seekers/{seeker}/suggestions"))
            .await
            .0,
        403
    );
    let admin = server.login("admin@d.fr").await;
    let (status, history) = admin
        .get(&format!("/api/v1/job-seekers/{seeker}/access-history"))
        .await;
    assert_eq!(status, 200);
    let actions = strings_of(&history, "action");
    assert!(actions.contains(&"job_seeker.read.refused"), "{actions:?}");
    assert!(
        actions.contains(&"job_seeker.suggest.refused"),
        "{actions:?}"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notes_are_hidden_from_the_agency_while_the_person_is_pseudonymous() {
    let (server, world) = Server::on_sqlite().await;
    let recruiter = server.login("recruiter@x.fr").await;
    let advisor = server.login("advisor@a.fr").await;
    let id = recruiter.propose(world.offer_x, world.seekers[&6]).await;
    let note = "Mme Aïcha Durand-6 a trouvé un poste";
    let (status, _) = advisor
        .move_referral(id, &json!({ "to": "cancelled", "note": note }))
        .await;
    assert_eq!(status, 200);
    server.advance(Duration::minutes(1));
    let (_, seen_by_agency) = recruiter.get(&format!("/api/v1/referrals/{id}")).await;
    assert!(
        !seen_by_agency.to_string().contains("Durand"),
        "{seen_by_agency}"
    );
    let (_, seen_by_advisor) = advisor.get(&format!("/api/v1/referrals/{id}")).await;
    assert!(seen_by_advisor.to_string().contains(note));
    server.stop().await;
}

/// Regression (second probe): comparing a shortlist with and without `floors=rqth=1` told an
/// agency who holds an undisclosed RQTH. A request chooses no policy; the parameter is a 422,
/// on suggestions too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_cannot_choose_a_priority_policy() {
    let (server, world) = Server::on_sqlite().await;
    let recruiter = server.login("recruiter@x.fr").await;
    let offer = world.offer_x;
    assert_eq!(
        recruiter
            .get(&format!("/api/v1/offers/{offer}/shortlist?k=5"))
            .await
            .0,
        200
    );
    for query in ["floors=rqth=1", "fair=rqth:0.5:0.1"] {
        let (status, body) = recruiter
            .get(&format!("/api/v1/offers/{offer}/shortlist?k=5&{query}"))
            .await;
        assert_eq!(status, 422, "{query}: {body}");
    }
    let advisor = server.login("advisor@a.fr").await;
    let seeker = world.seekers[&6];
    let (status, _) = advisor
        .get(&format!(
            "/api/v1/job-seekers/{seeker}/suggestions?fair=garbage"
        ))
        .await;
    assert_eq!(status, 422);
    server.stop().await;
}

/// Regression (second probe): a bearer token could create new tokens, so revoking a leaked
/// one left its copies alive.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_cannot_create_tokens() {
    let (server, _) = Server::on_sqlite().await;
    let recruiter = server.login("recruiter@x.fr").await;
    let (_, created) = recruiter
        .post("/api/v1/tokens", &json!({ "name": "ATS" }))
        .await;
    let mut machine = server.anonymous();
    machine.token = created["token"].as_str().map(str::to_string);
    let (status, body) = machine
        .post("/api/v1/tokens", &json!({ "name": "copy" }))
        .await;
    assert_eq!(status, 403, "{body}");
    let (_, listed) = recruiter.get("/api/v1/tokens").await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    server.stop().await;
}

/// Regression (second probe): an agency told an unknown job seeker id (404) from a real one
/// it may not read (403).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agency_cannot_tell_unknown_ids_from_people_it_may_not_read() {
    let (server, world) = Server::on_sqlite().await;
    for email in ["recruiter@x.fr", "steering@d.fr", "partner@p.fr"] {
        let client = server.login(email).await;
        for route in ["", "/referrals"] {
            let known = client
                .get(&format!("/api/v1/job-seekers/{}{route}", world.seekers[&7]))
                .await;
            let unknown = client
                .get(&format!("/api/v1/job-seekers/987654{route}"))
                .await;
            assert_eq!(known.0, 403, "{email}{route}");
            assert_eq!(known, unknown, "{email}{route}");
        }
    }
    // The person's own agency still gets a 404 for an id that does not exist.
    let advisor = server.login("advisor@a.fr").await;
    assert_eq!(advisor.get("/api/v1/job-seekers/987654").await.0, 404);
    server.stop().await;
}

/// Regression (second probe): codes and lists of a pushed offer were unbounded (300 KB with
/// control characters in `qualificationCode`, 100,000 skills), the occupation filter of the
/// portfolio and the audit trail's filters too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn codes_lists_and_filters_are_bounded_too() {
    let (server, _) = Server::on_sqlite().await;
    let recruiter = server.login("recruiter@x.fr").await;
    let offer = |extra: serde_json::Value| {
        let mut o = json!({
            "id": "LIM-2", "intitule": "Cariste", "romeCode": "N1101",
            "lieuTravail": { "commune": "93066" }, "typeContrat": "MIS",
            "dateCreation": "2026-03-01T00:00:00Z",
        });
        for (k, v) in extra.as_object().unwrap() {
            o[k] = v.clone();
        }
        json!([o])
    };
    let skills: Vec<_> = (0..101).map(|_| json!({ "libelle": "Soudage" })).collect();
    for (extra, path) in [
        (
            json!({ "qualificationCode": "Q\u{1b}[31m" }),
            "/0/qualificationCode",
        ),
        (json!({ "codeNAF": "n".repeat(300) }), "/0/codeNAF"),
        (json!({ "competences": skills }), "/0/competences"),
    ] {
        let (status, answer) = recruiter.post("/api/v1/offers", &offer(extra)).await;
        assert_eq!(status, 422);
        assert_eq!(answer["fields"][0]["path"], path);
    }
    let advisor = server.login("advisor@a.fr").await;
    let page = advisor
        .raw("GET", &format!("/demandeurs?metier={}", "m".repeat(300)))
        .await
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 422);
    let admin = server.login("admin@d.fr").await;
    for query in ["from=1800-01-01T00:00:00Z", "action=a%00b"] {
        assert_eq!(
            admin.get(&format!("/api/v1/audit?{query}")).await.0,
            422,
            "{query}"
        );
    }
    server.stop().await;
}

/// Regression (second probe): the agency's own note on a cancellation read back as null.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_reads_back_ones_own_note() {
    let (server, world) = Server::on_sqlite().await;
    let recruiter = server.login("recruiter@x.fr").await;
    let id = recruiter.propose(world.offer_x, world.seekers[&6]).await;
    let (status, _) = recruiter
        .move_referral(
            id,
            &json!({ "to": "cancelled", "note": "poste pourvu en interne" }),
        )
        .await;
    assert_eq!(status, 200);
    let (_, detail) = recruiter.get(&format!("/api/v1/referrals/{id}")).await;
    assert_eq!(
        detail["log"][1]["note"], "poste pourvu en interne",
        "{detail}"
    );
    server.stop().await;
}

/// Regression (second probe): on SQLite, offers pushed while audited reads were appended
/// failed with 500 ("database is locked": a deferred transaction could not take the write
/// lock). Every write transaction takes it at BEGIN, and waits for it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pushes_and_audited_reads_at_once_never_fail() {
    let (server, world) = Server::on_sqlite().await;
    let recruiter = server.login("recruiter@x.fr").await;
    let advisor = server.login("advisor@a.fr").await;
    let seeker = world.seekers[&6];
    let reads: Vec<_> = (0..2)
        .map(|_| {
            let advisor = advisor.clone();
            tokio::spawn(async move {
                let mut statuses = Vec::new();
                for _ in 0..40 {
                    statuses.push(
                        advisor
                            .get(&format!("/api/v1/job-seekers/{seeker}"))
                            .await
                            .0,
                    );
                }
                statuses
            })
        })
        .collect();
    let pushes: Vec<_> = (0..12)
        .map(|n| {
            let recruiter = recruiter.clone();
            tokio::spawn(async move {
                let body = json!([{
                    "id": format!("CONC-{n}"), "intitule": "Cariste", "romeCode": "N1101",
                    "lieuTravail": { "commune": "93066" }, "typeContrat": "MIS",
                    "dateCreation": "2026-03-01T00:00:00Z",
                }]);
                recruiter.post("/api/v1/offers", &body).await.0
            })
        })
        .collect();
    for push in pushes {
        assert_eq!(push.await.unwrap(), 200);
    }
    for read in reads {
        assert!(read.await.unwrap().iter().all(|s| *s == 200));
    }
    server.stop().await;
}

/// Regression (second probe): an agency manager pushed 300 copies of an offer with one
/// candidate, and `/pilotage` described that person's statuses. The exposure of priority
/// publics is published for the territory only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agency_sees_no_exposure_measured_on_its_own_offers() {
    let (server, _) = Server::on_sqlite().await;
    let page = |email: &'static str| {
        let server = &server;
        async move {
            let client = server.login(email).await;
            let response = client.get_raw("/pilotage").await;
            assert_eq!(response.status(), 200, "{email}");
            response.text().await.unwrap()
        }
    };
    let manager = page("manager@x.fr").await;
    assert!(
        manager.contains("publiée qu&#x27;à l&#x27;échelle du territoire")
            || manager.contains("qu'à l'échelle du territoire"),
        "{manager}"
    );
    assert!(
        !manager.contains("Part de chaque public prioritaire"),
        "a table for one agency"
    );
    let steering = page("steering@d.fr").await;
    assert!(!steering.contains("échelle du territoire, pour le pilotage"));
    server.stop().await;
}

/// Regression (second probe): one import of 100,000 offers held the database for minutes, the
/// listing returned every offer at once, and a page import over 2 MB was an "expired form".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pushes_and_imports_are_bounded_and_listings_paged() {
    let (server, _) =
        Server::start_with(TestDb::sqlite().await, 0, 3, service::Config::default()).await;
    let recruiter = server.login("recruiter@x.fr").await;
    let too_many: Vec<_> = (0..=service::MAX_OFFERS_PER_REQUEST)
        .map(|n| json!({ "id": format!("M-{n}") }))
        .collect();
    let (status, answer) = recruiter.post("/api/v1/offers", &json!(too_many)).await;
    assert_eq!(status, 422);
    assert!(answer.to_string().contains("at most 5000"), "{answer}");
    // Paged: 4 offers of X, two at a time.
    let (_, first) = recruiter.get("/api/v1/offers?limit=2").await;
    let first = first.as_array().unwrap().clone();
    assert_eq!(first.len(), 2);
    let after = first[1]["id"].as_i64().unwrap();
    let (_, rest) = recruiter
        .get(&format!("/api/v1/offers?limit=2&after={after}"))
        .await;
    assert_eq!(rest.as_array().unwrap().len(), 2);
    assert!(rest[0]["id"].as_i64().unwrap() > after);
    // A 3 MB file through the page: read (and refused for its content), not an expired form.
    let mut csv =
        String::from("reference,intitule,code_rome,commune,type_contrat,date_publication\n");
    while csv.len() < 3 * 1024 * 1024 {
        csv.push_str("R,Cariste,N9999,93066,MIS,2026-03-01\n");
    }
    let Page { status, html, .. } = recruiter
        .upload("/offres/import", "offres.csv", "text/csv", &csv)
        .await;
    assert_eq!(status, 422);
    assert!(!html.contains("Formulaire expiré"));
    assert!(html.contains("découpez-le"), "over 5,000 rows");
    server.stop().await;
}
