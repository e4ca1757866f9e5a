//! Sessions, anti-forgery tokens, sign-in throttling, API tokens, security headers, body
//! limits, validation errors, and the operational routes.

use chrono::Duration;
use serde_json::{Value, json};
use testdb::fixtures::siret;

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsafe_requests_of_a_session_need_its_csrf_token() {
    let (server, world) = Server::on_sqlite().await;
    let recruiter = server.login("recruiter@x.fr").await;
    let proposal = json!({ "offer_id": world.offer_x, "job_seeker_id": world.seekers[&6] });

    let mut forged = recruiter.clone();
    forged.csrf = None;
    let (status, answer) = forged.post("/api/v1/referrals", &proposal).await;
    assert_eq!(
        (status.as_u16(), answer["code"].as_str()),
        (403, Some("csrf"))
    );
    forged.csrf = Some("0".repeat(64));
    assert_eq!(forged.post("/api/v1/referrals", &proposal).await.0, 403);
    // Reading needs no token.
    assert_eq!(forged.get("/api/v1/me").await.0, 200);
    assert_eq!(recruiter.post("/api/v1/referrals", &proposal).await.0, 201);

    // Another user's token does not fit this session.
    let other = server.login("manager@x.fr").await;
    forged.csrf = other.csrf.clone();
    assert_eq!(
        forged.post("/api/v1/tokens", &json!({"name": "x"})).await.0,
        403
    );

    // Behind a TLS-terminating proxy, the cookie is Secure.
    let response = server
        .anonymous()
        .raw("POST", "/api/v1/session")
        .await
        .header("x-forwarded-proto", "https")
        .json(&json!({ "email": "advisor@a.fr", "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.ends_with("; Secure"), "{cookie}");

    // Signing out ends the session.
    let (status, _) = recruiter.send("DELETE", "/api/v1/session", None).await;
    assert_eq!(status, 204);
    let (status, answer) = recruiter.get("/api/v1/me").await;
    assert_eq!(
        (status.as_u16(), answer["code"].as_str()),
        (401, Some("unauthenticated"))
    );
    assert_eq!(server.anonymous().get("/api/v1/me").await.0, 401);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_expire() {
    let (server, _) = Server::on_sqlite().await;
    let advisor = server.login("advisor@a.fr").await;
    server.advance(Duration::hours(11));
    assert_eq!(advisor.get("/api/v1/me").await.0, 200);
    server.advance(Duration::hours(2));
    assert_eq!(advisor.get("/api/v1/me").await.0, 401);
    server.stop().await;
}

/// Regression (probe, defect 5): after five wrong passwords from anywhere the correct one was
/// refused for 15 minutes, and five typos by different people behind one address locked the
/// address out. Failures count per (account, address), per address and per account; past a
/// limit attempts are paced, and a correct password at the pace goes through.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_sign_ins_are_paced_per_account_and_address_never_locking_out() {
    let (server, _) = Server::on_sqlite().await;
    let anonymous = server.anonymous();
    let attempt = |email: &str, password: &str| {
        let anonymous = anonymous.clone();
        let body = json!({ "email": email, "password": password });
        async move { anonymous.post("/api/v1/session", &body).await }
    };
    for _ in 0..5 {
        let (status, answer) = attempt("advisor@a.fr", "guess").await;
        assert_eq!(status, 401, "{answer}");
        assert_eq!(answer["message"], "wrong email or password");
    }
    // A sixth attempt at once waits, right password or not, and says how long.
    let raw = anonymous
        .raw("POST", "/api/v1/session")
        .await
        .json(&json!({ "email": "advisor@a.fr", "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 429);
    let retry: u64 = raw.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    // Other people behind the same address are not locked out by these typos.
    assert_eq!(attempt("recruiter@x.fr", PASSWORD).await.0, 200);
    for n in 0..5 {
        assert_eq!(attempt(&format!("typo{n}@x.fr"), "guess").await.0, 401);
    }
    assert_eq!(attempt("manager@x.fr", PASSWORD).await.0, 200);
    // Once the pace has elapsed (a minute, not 15), the right password goes through.
    server.advance(Duration::seconds(61));
    assert_eq!(attempt("advisor@a.fr", PASSWORD).await.0, 200);
    // ... and the account's count is cleared.
    assert_eq!(attempt("advisor@a.fr", "guess").await.0, 401);
    assert_eq!(attempt("advisor@a.fr", PASSWORD).await.0, 200);
    // An e-mail over 254 characters is refused first, naming the field.
    let (status, answer) = attempt(&format!("{}@x.fr", "a".repeat(300)), "guess").await;
    assert_eq!(status, 422, "{answer}");
    assert_eq!(answer["fields"][0]["path"], "/email");
    // The sign-in page answers a throttle with the wait and Retry-After.
    for _ in 0..5 {
        attempt("steering@d.fr", "guess").await;
    }
    let page = reqwest::Client::new()
        .post(format!("{}/connexion", server.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "email=steering%40d.fr&password={}",
            PASSWORD.replace(' ', "+")
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 429);
    assert!(page.headers().contains_key("retry-after"));
    let html = page.text().await.unwrap();
    assert!(html.contains("réessayez dans"), "{html}");
    assert!(html.contains("secondes"), "{html}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_tokens_authenticate_machine_clients_without_csrf() {
    let (server, _) = Server::on_sqlite().await;
    let recruiter = server.login("recruiter@x.fr").await;
    let (status, created) = recruiter
        .post(
            "/api/v1/tokens",
            &json!({ "name": "ATS Beetween", "expires_in_days": 30 }),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let token = created["token"].as_str().unwrap().to_string();
    let mut machine = server.anonymous();
    machine.token = Some(token.clone());
    let mut file: Value = serde_json::from_str(include_str!(
        "../../../exchange/tests/fixtures/offres-france-travail.json"
    ))
    .unwrap();
    // The first two offers of the fixture are valid (the third is a reject on purpose).
    file["resultats"].as_array_mut().unwrap().truncate(2);
    let (status, report) = machine.post("/api/v1/offers", &file).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["created"], 2, "{report}");
    let pushed = report["offers"][0]["id"].as_i64().unwrap();
    // The pushed offer is in the engine at once.
    let (status, shortlist) = machine
        .get(&format!("/api/v1/offers/{pushed}/shortlist"))
        .await;
    assert_eq!(status, 200, "{shortlist}");
    assert_eq!(
        machine.post("/api/v1/offers", &file).await.1["unchanged"],
        report["created"]
    );

    let (status, answer) = recruiter
        .post("/api/v1/tokens", &json!({ "name": " " }))
        .await;
    assert_eq!(
        (status.as_u16(), answer["fields"][0]["path"].as_str()),
        (422, Some("/name"))
    );

    machine.token = Some(format!("{token}x"));
    assert_eq!(machine.get("/api/v1/me").await.0, 401);
    machine.token = Some(token);
    server.advance(Duration::days(31));
    assert_eq!(machine.get("/api/v1/me").await.0, 401, "expired");

    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_bodies_get_422_with_the_path_of_each_field_and_big_ones_413() {
    let (server, world) = Server::on_sqlite().await;
    let recruiter = server.login("recruiter@x.fr").await;
    let mut file: Value = serde_json::from_str(include_str!(
        "../../../exchange/tests/fixtures/offres-france-travail.json"
    ))
    .unwrap();
    file["resultats"][0]["lieuTravail"]["commune"] = json!("99999");
    file["resultats"][1]["romeCode"] = json!("Z9999");
    let before = server.state.store.counts().await.unwrap().offers;
    let (status, answer) = recruiter.post("/api/v1/offers", &file).await;
    assert_eq!(status, 422, "{answer}");
    let paths = strings_of(&answer["fields"], "path");
    assert!(paths.contains(&"/0/lieuTravail/commune"), "{paths:?}");
    assert!(
        paths.iter().any(|p| p.starts_with("/1/romeCode")),
        "{paths:?}"
    );
    assert_eq!(
        server.state.store.counts().await.unwrap().offers,
        before,
        "nothing written when any offer is wrong"
    );

    let (status, answer) = recruiter
        .post(
            "/api/v1/referrals",
            &json!({ "offer_id": "four", "job_seeker_id": 1 }),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(answer["fields"][0]["path"], "/offer_id");
    let (status, answer) = recruiter
        .post("/api/v1/referrals", &json!({ "offer_id": world.offer_x }))
        .await;
    assert_eq!(status, 422);
    assert!(message_of(&answer).contains("job_seeker_id"));
    let (status, answer) = recruiter
        .get(&format!(
            "/api/v1/offers/{}/shortlist?k=1000",
            world.offer_x
        ))
        .await;
    assert_eq!(
        (status.as_u16(), answer["fields"][0]["path"].as_str()),
        (422, Some("?k"))
    );

    let huge = vec![b' '; service::BODY_LIMIT + 1];
    let response = recruiter
        .post_body("/api/v1/offers", "application/json", huge)
        .await;
    assert_eq!(response.status(), 413);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["code"], "too_large");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_carries_security_headers_and_a_request_id() {
    let (server, _) = Server::on_sqlite().await;
    for path in ["/healthz", "/api/v1/me", "/no/such/route"] {
        let response = server
            .anonymous()
            .raw("GET", path)
            .await
            .send()
            .await
            .unwrap();
        let h = response.headers();
        assert!(
            h["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("frame-ancestors 'none'")
        );
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["x-frame-options"], "DENY");
        assert_eq!(h["x-request-id"].to_str().unwrap().len(), 36, "a UUID");
    }
    // A request id given by a proxy is kept.
    let response = server
        .anonymous()
        .raw("GET", "/healthz")
        .await
        .header("x-request-id", "proxy-42")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "proxy-42");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_metrics_and_openapi_are_served() {
    let (server, world) = Server::on_sqlite().await;
    let anonymous = server.anonymous();
    let (status, health) = anonymous.get("/healthz").await;
    assert_eq!(
        (status.as_u16(), health["status"].as_str()),
        (200, Some("ok"))
    );

    let recruiter = server.login("recruiter@x.fr").await;
    recruiter
        .get(&format!("/api/v1/offers/{}/shortlist", world.offer_x))
        .await;
    let (status, metrics) = anonymous.get("/metrics").await;
    assert_eq!(status, 200);
    let metrics = metrics.as_str().unwrap();
    assert!(
        metrics.contains(
            r#"passerelle_http_requests_total{method="GET",route="/api/v1/offers/{id}/shortlist",status="200"} 1"#
        ),
        "{metrics}"
    );
    assert!(
        metrics.contains("passerelle_engine_job_seekers 4"),
        "{metrics}"
    );

    let (status, document) = anonymous.get("/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    assert!(document["openapi"].as_str().unwrap().starts_with("3."));
    let paths = document["paths"].as_object().unwrap();
    for path in [
        "/api/v1/session",
        "/api/v1/offers",
        "/api/v1/offers/{id}/shortlist",
        "/api/v1/referrals/{id}/transitions",
        "/api/v1/audit/verify",
    ] {
        assert!(paths.contains_key(path), "{path} missing");
    }
    assert!(document["components"]["schemas"]["Problem"].is_object());
    // A seat names its structure by the SIRET stored for it.
    let (status, me) = server.login("recruiter@x.fr").await.get("/api/v1/me").await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["user"]["seats"][0]["role"], "recruiter", "{me}");
    assert_eq!(
        me["user"]["seats"][0]["siret"],
        siret(AGENCY_X).as_str(),
        "{me}"
    );
    assert_eq!(
        me["user"]["seats"][0]["structure_id"], world.structures[&AGENCY_X],
        "{me}"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_engine_takes_in_what_others_wrote() {
    let (server, world) = Server::on_sqlite().await;
    let advisor = server.login("advisor@a.fr").await;
    let store = server.state.store.clone();
    // Another instance, or an import, writes an offer and a job seeker who suits it.
    server.advance(Duration::minutes(1));
    let since = server.now();
    let mut offer = testdb::fixtures::offer(50, &siret(AGENCY_X));
    offer.title = "Cariste (pushed elsewhere)".to_string();
    store.upsert_offers(&[offer], server.now()).await.unwrap();
    let mut seeker = testdb::fixtures::job_seeker(50, &siret(FT_A));
    seeker.available_from = Some(testdb::fixtures::date(2026, 3, 1));
    store
        .upsert_job_seekers(&[seeker.clone()], server.now())
        .await
        .unwrap();
    let offer_id = server.offer_id(AGENCY_X, "OFF-50").await;
    let seeker_id = store
        .job_seeker(&seeker.external_id)
        .await
        .unwrap()
        .unwrap()
        .id;
    let path = format!("/api/v1/offers/{offer_id}/shortlist?k=10");
    assert_eq!(advisor.get(&path).await.0, 409, "not in the engine yet");

    let done = service::sourcing::refresh(store.as_ref(), &server.state.sourcing, since)
        .await
        .unwrap();
    assert_eq!((done.job_seekers, done.offers), (1, 1));
    let (status, shortlist) = advisor.get(&path).await;
    assert_eq!(status, 200, "{shortlist}");
    let ids: Vec<i64> = shortlist["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["job_seeker_id"].as_i64().unwrap())
        .collect();
    assert!(ids.contains(&seeker_id), "{shortlist}");
    assert!(ids.contains(&world.seekers[&6]), "{shortlist}");
    server.stop().await;
}

/// Regression (probe, defect 6): `suite=/%09/evil.example` sent the browser to another site
/// after sign-in, and a CR/LF in `suite` or in the referral form's `retour` gave a 500 after
/// the sign-in or the move had been committed. Only same-site paths of safe characters are
/// followed; otherwise home, never an error after the write.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirects_stay_on_this_site_and_never_fail_after_the_write() {
    let (server, world) = Server::on_sqlite().await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let password = PASSWORD.replace(' ', "+");
    for (suite, expected) in [
        ("%2F%09%2Fevil.example", "/"),
        ("%2F%0A%2Fevil.example", "/"),
        ("%2Foffres%0D%0ASet-Cookie%3A+x%3D1", "/"),
        ("https%3A%2F%2Fevil.example", "/"),
        ("%2Fmises-en-relation", "/mises-en-relation"),
    ] {
        let response = http
            .post(format!("{}/connexion", server.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!(
                "email=recruiter%40x.fr&password={password}&suite={suite}"
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303, "{suite}");
        assert_eq!(response.headers()["location"], expected, "{suite}");
    }
    // The referral form: the move is made, then the browser goes to the referral's page.
    let store = server.state.store.clone();
    let referral = store
        .create_referral(world.seekers[&6], world.offer_x, None, None, server.now())
        .await
        .unwrap()
        .id;
    let advisor = server.login("advisor@a.fr").await;
    let moved = advisor
        .post_form(
            &format!("/mises-en-relation/{referral}/etat"),
            &[("to", "accepted"), ("retour", "/demandeurs\r\nX: y")],
        )
        .await;
    assert_eq!(moved.status, 303);
    assert_eq!(
        moved.location,
        Some(format!("/mises-en-relation/{referral}?fait=etat"))
    );
    assert_eq!(
        store.referral(referral).await.unwrap().unwrap().state,
        model::ReferralState::Accepted
    );
    server.stop().await;
}

/// Regression (probe, defect 7): 30 query parameters of 9 operations were declared
/// `in: path, required: true`, and an out-of-range path id answered axum's 400 in plain text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_declares_each_parameter_where_it_is() {
    let (server, _) = Server::on_sqlite().await;
    let (status, document) = server.anonymous().get("/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    let mut wrong = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                let name = parameter["name"].as_str().unwrap();
                let in_path = path.contains(&format!("{{{name}}}"));
                let declared_path = parameter["in"] == "path";
                if in_path != declared_path {
                    wrong.push(format!("{method} {path}: {name} is in {}", parameter["in"]));
                }
            }
            let responses = operation["responses"].as_object().unwrap();
            let has_input = operation["parameters"]
                .as_array()
                .is_some_and(|p| !p.is_empty())
                || operation.get("requestBody").is_some();
            if has_input && !responses.contains_key("422") {
                wrong.push(format!("{method} {path}: 422 undocumented"));
            }
            // Signing in, asking for a person's sign-in link, and accepting an invitation to
            // a structure's seat need no session.
            let anonymous = [
                "/api/v1/session",
                "/api/v1/person/link",
                "/api/v1/staff/invitations/acceptance",
            ]
            .contains(&path.as_str());
            if !anonymous && !responses.contains_key("401") {
                wrong.push(format!("{method} {path}: 401 undocumented"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    let advisor = server.login("advisor@a.fr").await;
    for path in [
        "/api/v1/offers/99999999999999999999",
        "/api/v1/offers/abc/shortlist",
        "/api/v1/referrals/-/transitions",
    ] {
        let method = if path.ends_with("transitions") {
            "POST"
        } else {
            "GET"
        };
        let response = advisor
            .raw(method, path)
            .await
            .json(&json!({ "to": "accepted" }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422, "{path}");
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json"),
            "{path}"
        );
        let problem: serde_json::Value = response.json().await.unwrap();
        assert_eq!(problem["fields"][0]["path"], "{id}", "{path}: {problem}");
    }
    server.stop().await;
}

/// Regression (CI's schemathesis): two response types of one name (`EvaluationView`, the duos'
/// pilot evaluation and a person's shared evaluation) made one schema, and the duos'
/// evaluation answered against the other's. Each keeps its own schema, with its own fields.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_response_type_keeps_its_own_schema() {
    let (server, _) = Server::on_sqlite().await;
    let (status, document) = server.anonymous().get("/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    let schema_of = |path: &str, code: &str| {
        let content = &document["paths"][path]["get"]["responses"][code]["content"];
        let schema = &content["application/json"]["schema"];
        let reference = schema["$ref"]
            .as_str()
            .or_else(|| schema["items"]["$ref"].as_str())
            .unwrap_or_else(|| panic!("{path}: {schema}"));
        let name = reference.rsplit('/').next().unwrap();
        document["components"]["schemas"][name].clone()
    };
    let duos = schema_of("/api/v1/duos/evaluation", "200");
    assert!(duos["properties"].get("lottery").is_some(), "{duos}");
    let shared = schema_of("/api/v1/job-seekers/{id}/evaluations", "200");
    assert!(shared["properties"].get("kind_label").is_some(), "{shared}");
    server.stop().await;
}

/// Signing in is a form anyone may post: a page of another site must not post it for its
/// visitor and sign them in to an account the attacker holds (login forgery), nor post any
/// other form or API call. What a browser marks as sent from another site (`Sec-Fetch-Site`,
/// else an `Origin` that is not this host) is refused before any handler; the same request
/// from this site's pages, or from a client that marks nothing, goes through.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_a_browser_sends_from_another_site_are_refused() {
    let (server, _world) = Server::on_sqlite().await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let sign_in = form_urlencoded::Serializer::new(String::new())
        .append_pair("email", "advisor@a.fr")
        .append_pair("password", PASSWORD)
        .finish();
    let post = |path: &str, marks: &[(&str, &str)]| {
        let mut request = http
            .post(format!("{}{path}", server.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(sign_in.clone());
        for (name, value) in marks {
            request = request.header(*name, *value);
        }
        request.send()
    };
    let from_elsewhere: [&[(&str, &str)]; 4] = [
        &[("sec-fetch-site", "cross-site")],
        &[("sec-fetch-site", "same-site")],
        &[("origin", "https://attacker.example")],
        &[
            ("sec-fetch-site", "cross-site"),
            ("origin", "https://attacker.example"),
        ],
    ];
    for path in ["/connexion", "/espace/connexion/lien", "/equipe/invitation"] {
        for marks in from_elsewhere {
            let response = post(path, marks).await.unwrap();
            assert_eq!(response.status(), 403, "{path} {marks:?}");
            assert!(response.headers().get("set-cookie").is_none(), "{path}");
            let problem: Value = response.json().await.unwrap();
            assert_eq!(problem["code"], "forbidden", "{path}");
            assert!(
                problem["message"]
                    .as_str()
                    .unwrap()
                    .contains("another site"),
                "{problem}"
            );
        }
    }
    // From this site's own page (its host, or the public address a proxy serves it at), and
    // from a client that marks nothing: signed in.
    let own_origin = server.base.clone();
    for marks in [
        &[("sec-fetch-site", "same-origin")][..],
        &[("origin", own_origin.as_str())][..],
        &[("origin", "http://127.0.0.1:8080")][..],
        &[][..],
    ] {
        let response = post("/connexion", marks).await.unwrap();
        assert_eq!(response.status(), 303, "{marks:?}");
        assert!(response.headers().get("set-cookie").is_some(), "{marks:?}");
    }
    // The API alike; reading is never refused.
    let response = http
        .post(format!("{}/api/v1/session", server.base))
        .header("sec-fetch-site", "cross-site")
        .json(&json!({ "email": "advisor@a.fr", "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    let response = http
        .get(format!("{}/connexion", server.base))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    server.stop().await;
}
