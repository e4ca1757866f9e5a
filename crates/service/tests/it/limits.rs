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
        .raw("GET", &format!("/demandeurs?q={just_too_long}"))
        .await
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 422);
    let html = page.text().await.unwrap();
    assert!(html.contains("200 caractères au plus"), "{html}");
    assert!(!html.contains(&just_too_long));
    // The offer form with a 1 MB commune: the error next to the field, nothing stored.
    let form = format!(
        "csrf_token={}&intitule=Cariste&metier=N1101&contrat=MIS&postes=1&experience=D&commune={}",
        recruiter.csrf.clone().unwrap(),
        "a".repeat(1024 * 1024)
    );
    let page = recruiter
        .raw("POST", "/offres/nouvelle")
        .await
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .unwrap();
    let html = page.text().await.unwrap();
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
