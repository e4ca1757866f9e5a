//! Limits on what people type: oversized search text is refused before any lookup, and the
//! refusal names the field (API) or says it in French (pages).

use crate::support::*;

/// Regression (probe, defect 4): a 1 MB `commune` held a worker for 1,531 s, and two such
/// requests made `/healthz` take 6 s. Each typed search text is bounded before any lookup.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_search_text_is_refused_before_any_lookup() {
    let (server, _world) = Server::start(testdb::TestDb::sqlite().await).await;
    let recruiter = server.login("recruiter@x.fr").await;
    let huge = "saint%20denis%20".repeat(2_000);
    let just_too_long = "a".repeat(service::limits::SEARCH_CHARS + 1);
    for route in ["/suggestions/communes", "/suggestions/metiers"] {
        let (status, body) = recruiter.get(&format!("{route}?q={huge}")).await;
        assert_eq!(
            (status.as_u16(), body.clone()),
            (200, serde_json::json!([])),
            "{route}"
        );
    }
    for param in ["q", "commune", "reseau"] {
        let (status, body) = recruiter
            .get(&format!(
                "/api/v1/directory/services?{param}={just_too_long}"
            ))
            .await;
        assert_eq!(status, 422, "{param}: {body}");
        assert_eq!(body["fields"][0]["path"], format!("?{param}"), "{body}");
        assert!(
            body.to_string().contains("at most 200 characters"),
            "{body}"
        );
    }
    // A control character in a search text is refused too.
    let (status, _) = recruiter
        .get("/api/v1/directory/services?q=mobilit%C3%A9%00")
        .await;
    assert_eq!(status, 422);
    // The pages say it in French, without echoing the text.
    let advisor = server.login("advisor@a.fr").await;
    let page = advisor
        .page(&format!("/demandeurs?q={just_too_long}"))
        .await;
    assert_eq!(page.status, 422);
    let html = page.html;
    assert!(html.contains("200 caractères au plus"), "{html}");
    assert!(!html.contains(&just_too_long));
    // The offer form with a 1 MB commune: the error next to the field, nothing stored.
    let commune = "a".repeat(1024 * 1024);
    let html = recruiter
        .post_form(
            "/offres/nouvelle",
            &[
                ("intitule", "Cariste"),
                ("metier", "N1101"),
                ("contrat", "MIS"),
                ("postes", "1"),
                ("experience", "D"),
                ("commune", &commune),
            ],
        )
        .await
        .html;
    assert!(
        html.contains("Texte trop long"),
        "{}",
        &html[..2000.min(html.len())]
    );
    let offers = server
        .state
        .store
        .offers_of_structure(_world.structures[&AGENCY_X])
        .await
        .unwrap();
    assert_eq!(offers.len(), 1, "only the seeded offer");
    // Meanwhile the service answers.
    let (status, _) = server.anonymous().get("/healthz").await;
    assert_eq!(status, 200);
    server.stop().await;
}

/// Regression (probe, defect 8): years ≤ 0 accepted as dates, an offer description of 7.5 MB,
/// a meeting place of 1 MB, a display name of 1 MB, control characters in titles. Every text
/// field has a maximum and refuses control characters, on the API and the pages alike.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn impossible_dates_oversized_texts_and_control_characters_are_refused() {
    let (server, world) = Server::start(testdb::TestDb::sqlite().await).await;
    let recruiter = server.login("recruiter@x.fr").await;
    let offer = |title: &str, created: &str, description: &str| {
        serde_json::json!([{
            "id": "LIM-1", "intitule": title, "romeCode": "N1101",
            "lieuTravail": { "commune": "93066" }, "typeContrat": "MIS",
            "dateCreation": created, "description": description,
        }])
    };
    let big = "x".repeat(7_500_000);
    for (body, path) in [
        (
            offer("Cariste", "0000-03-01T00:00:00Z", ""),
            "/0/dateCreation",
        ),
        (
            offer("Cariste\u{0}", "2026-03-01T00:00:00Z", ""),
            "/0/intitule",
        ),
        (
            offer("Cariste \u{202e}", "2026-03-01T00:00:00Z", ""),
            "/0/intitule",
        ),
        (
            offer("Cariste", "2026-03-01T00:00:00Z", &big),
            "/0/description",
        ),
    ] {
        let (status, answer) = recruiter.post("/api/v1/offers", &body).await;
        assert_eq!(
            status,
            422,
            "{path}: {}",
            answer.to_string().chars().take(300).collect::<String>()
        );
        assert_eq!(answer["fields"][0]["path"], path);
    }
    let (status, listed) = recruiter.get("/api/v1/offers").await;
    assert_eq!(status, 200);
    assert_eq!(listed.as_array().unwrap().len(), 1, "nothing stored");

    let (status, answer) = recruiter
        .post(
            "/api/v1/meetings",
            &serde_json::json!({
                "theme": "Découvrir l'intérim", "starts_at": "2026-04-01T09:00:00Z",
                "place": "p".repeat(1024 * 1024), "territory": "93",
            }),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(answer["fields"][0]["path"], "/place");
    let (status, answer) = recruiter
        .post(
            "/api/v1/meetings",
            &serde_json::json!({
                "theme": "Découvrir\u{1b}[2J", "starts_at": "2926-04-01T09:00:00Z",
                "place": "Saint-Denis", "territory": "93",
            }),
        )
        .await;
    assert_eq!(status, 422);
    let paths = strings_of(&answer["fields"], "path");
    assert_eq!(paths, ["/theme", "/starts_at"], "{answer}");

    let admin = server.login("admin@d.fr").await;
    let (status, answer) = admin
        .post(
            "/api/v1/users",
            &serde_json::json!({
                "email": "long@x.fr", "display_name": "n".repeat(1024 * 1024),
                "password": "a long enough password", "role": "recruiter",
                "structure": testdb::fixtures::siret(AGENCY_X).as_str(),
            }),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(answer["fields"][0]["path"], "/display_name");

    let referral = server
        .state
        .store
        .create_referral(world.seekers[&6], world.offer_x, None, None, server.now())
        .await
        .unwrap()
        .id;
    let advisor = server.login("advisor@a.fr").await;
    let (status, answer) = advisor
        .move_referral(
            referral,
            &serde_json::json!({ "to": "accepted", "note": "ok\u{1b}]0;x\u{7}" }),
        )
        .await;
    assert_eq!(status, 422, "{answer}");
    assert_eq!(answer["fields"][0]["path"], "/note");

    // The offer form: the errors next to the fields, in French.
    let description = "d".repeat(model::text::DESCRIPTION_CHARS + 1);
    let html = recruiter
        .post_form(
            "/offres/nouvelle",
            &[
                ("intitule", "Cariste"),
                ("metier", "N1101"),
                ("commune", "93066"),
                ("contrat", "MIS"),
                ("postes", "1"),
                ("experience", "D"),
                ("debut", "0000-01-01"),
                ("description", &description),
            ],
        )
        .await
        .html;
    assert!(html.contains("20 000 caractères au plus"), "description");
    assert!(html.contains("Une date entre 1900 et 2199"), "date");
    server.stop().await;
}

/// Regression (probe, stop 32): a client sending its headers a byte at a time held its
/// connection as long as it liked ("slowloris"). It is now disconnected once the
/// header-read timeout has passed, while a client that finishes its headers is served.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_too_slow_with_its_headers_is_disconnected() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let config = service::Config {
        header_read_timeout: std::time::Duration::from_secs(1),
        ..service::Config::default()
    };
    let (server, _world) = Server::start_with(testdb::TestDb::sqlite().await, 0, 0, config).await;
    let address = server.base.trim_start_matches("http://").to_string();
    let mut slow = tokio::net::TcpStream::connect(&address).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    // The headers never end: the server closes the connection (a generous bound, so that a
    // loaded machine does not fail it; without the timeout it would stay open for ever).
    let mut buffer = Vec::new();
    let read = tokio::time::timeout(
        std::time::Duration::from_secs(30),
        slow.read_to_end(&mut buffer),
    )
    .await;
    assert!(read.is_ok(), "the connection is still open after 30 s");
    assert!(
        buffer.is_empty() || buffer.starts_with(b"HTTP/1.1 408"),
        "{}",
        String::from_utf8_lossy(&buffer)
    );
    // A client that sends whole headers is served, and knows its peer as before.
    let mut quick = tokio::net::TcpStream::connect(&address).await.unwrap();
    quick
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut answer = Vec::new();
    quick.read_to_end(&mut answer).await.unwrap();
    assert!(
        answer.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&answer)
    );
}

/// Regression (probe, stop 35): a signed-in request whose head passed 8 KB (a long query)
/// got no answer at all, the connection held open for ever. Every length gets an answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_request_line_gets_an_answer() {
    let (server, _world) = Server::start(testdb::TestDb::sqlite().await).await;
    let steering = server.login("steering@d.fr").await;
    for length in [7_900, 8_200, 16_000, 60_000] {
        let path = format!(
            "/api/v1/steering/indicators/hires?period={}",
            "A".repeat(length)
        );
        let answered =
            tokio::time::timeout(std::time::Duration::from_secs(30), steering.get(&path)).await;
        let (status, _) = answered.unwrap_or_else(|_| panic!("no answer at {length}"));
        assert!(
            [414, 422, 431].contains(&status.as_u16()),
            "{length}: {status}"
        );
    }
}
