//! Listings searched, counted and paged by the database through the API, and the pages that
//! show them: the advisor's portfolio, the structures, the recruiter's dashboard.

use service::Config;
use testdb::TestDb;
use testdb::fixtures::siret;

use crate::support::*;

/// The people of agency A: fixtures 6 and 8, and the extra 102, 106, 110, 114, 118. Every
/// even number holds RQTH; 6, 102 and 114 (multiples of 3) long-term unemployment.
pub async fn the_portfolio_is_searched_filtered_and_paged_by_the_database(db: TestDb) {
    let (server, _world) = Server::start_with(db, 5, 0, Config::default()).await;
    let advisor = server.login("advisor@a.fr").await;
    let search = |query: &str| format!("/api/v1/job-seekers/search?{query}");
    let names = |body: &serde_json::Value| -> Vec<String> {
        body["job_seekers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["identity"]["last_name"].as_str().unwrap().to_string())
            .collect()
    };

    let (status, all) = advisor.get(&search("")).await;
    assert_eq!(status, 200, "{all}");
    assert_eq!(all["total"], 7, "{all}");
    // By name: "durand 102 …" before "durand 6 …", byte by byte.
    assert_eq!(
        names(&all),
        [
            "Durand-102",
            "Durand-106",
            "Durand-110",
            "Durand-114",
            "Durand-118",
            "Durand-6",
            "Durand-8"
        ]
    );
    let (_, one) = advisor.get(&search("q=0000118a")).await;
    assert_eq!(
        (one["total"].as_u64(), names(&one)),
        (Some(1), vec!["Durand-118".to_string()])
    );
    let (_, long_term) = advisor.get(&search("status=long_term")).await;
    assert_eq!(long_term["total"], 3, "{long_term}");
    assert_eq!(names(&long_term), ["Durand-102", "Durand-114", "Durand-6"]);
    let (_, page) = advisor.get(&search("status=rqth&offset=5&limit=5")).await;
    assert_eq!(page["total"], 7, "{page}");
    assert_eq!(names(&page), ["Durand-6", "Durand-8"]);
    let (_, none) = advisor.get(&search("q=personne")).await;
    assert_eq!((none["total"].as_u64(), names(&none).len()), (Some(0), 0));

    for (query, field) in [
        ("status=handicap", "?status"),
        ("sort=age", "?sort"),
        ("offset=1000001", "?offset"),
        ("rome=Z9", "?rome"),
        ("limit=0", "?limit"),
    ] {
        let (status, body) = advisor.get(&search(query)).await;
        assert_eq!(status, 422, "{query}: {body}");
        assert_eq!(body["fields"][0]["path"], field, "{query}: {body}");
    }
    // Agencies see a person through an accepted referral only, never a list.
    let recruiter = server.login("recruiter@x.fr").await;
    let (status, body) = recruiter
        .get(&search(&format!("structure={}", siret(AGENCY_X))))
        .await;
    assert_eq!(status, 403, "{body}");

    // The page shows the same search, twenty people a page.
    let html = advisor.page("/demandeurs?q=0000118A").await.html;
    assert!(html.contains("DURAND-118"), "{html}");
    assert!(!html.contains("DURAND-102"), "{html}");
    server.stop().await;
}

/// The administrators' list of structures, searched and paged by the database: the six
/// structures of the tests' world, by name.
pub async fn structures_are_searched_and_paged_through_the_api(db: TestDb) {
    let (server, _world) = Server::start(db).await;
    let admin = server.login("admin@d.fr").await;
    let (status, all) = admin.get("/api/v1/structures").await;
    assert_eq!(status, 200, "{all}");
    assert_eq!(all["total"], 6, "{all}");
    let (status, page) = admin.get("/api/v1/structures?offset=4&limit=4").await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["total"], 6);
    assert_eq!(page["structures"].as_array().unwrap().len(), 2, "{page}");
    let (_, one) = admin
        .get(&format!("/api/v1/structures?q={}", siret(AGENCY_X)))
        .await;
    assert_eq!(one["total"], 1, "{one}");
    assert_eq!(one["structures"][0]["siret"], siret(AGENCY_X).as_str());
    for (query, field) in [("offset=1000001", "?offset"), ("limit=501", "?limit")] {
        let (status, body) = admin.get(&format!("/api/v1/structures?{query}")).await;
        assert_eq!(status, 422, "{query}: {body}");
        assert_eq!(body["fields"][0]["path"], field, "{query}: {body}");
    }
    server.stop().await;
}

/// The recruiter's dashboard, counted by the database: agency X has four open offers (fixture
/// 1 and the extra 100 to 102); two people are proposed for the first. Agency Y's referral does
/// not count.
pub async fn the_dashboard_is_counted_by_the_database(db: TestDb) {
    let (server, world) = Server::start_with(db, 2, 3, Config::default()).await;
    let recruiter = server.login("recruiter@x.fr").await;
    recruiter.propose(world.offer_x, world.seekers[&6]).await;
    recruiter.propose(world.offer_x, world.seekers[&102]).await;
    let other = server.login("recruiter@y.fr").await;
    other.propose(world.offer_y, world.seekers[&106]).await;
    let extra = [
        server.offer_id(AGENCY_X, "OFF-100").await,
        server.offer_id(AGENCY_X, "OFF-101").await,
        server.offer_id(AGENCY_X, "OFF-102").await,
    ];
    let offers = |list: &serde_json::Value| -> Vec<(i64, i64)> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|o| {
                (
                    o["offer"]["id"].as_i64().unwrap(),
                    o["referrals"].as_i64().unwrap(),
                )
            })
            .collect()
    };

    let (status, first) = recruiter.get("/api/v1/dashboard?limit=2").await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["open_offers"], 4, "{first}");
    assert_eq!(first["open_without_referral"], 3, "{first}");
    assert_eq!(first["total_referrals"], 2, "{first}");
    assert_eq!(first["referrals_by_state"][0]["state"], "proposed");
    assert_eq!(first["referrals_by_state"][0]["count"], 2);
    assert_eq!(first["referrals_by_state"].as_array().unwrap().len(), 8);
    assert_eq!(offers(&first["open"]), [(world.offer_x, 2), (extra[0], 0)]);
    assert_eq!(
        strings_of(&first["without_referral"], "external_id"),
        ["OFF-100", "OFF-101", "OFF-102"]
    );
    let (_, second) = recruiter.get("/api/v1/dashboard?offset=2&limit=2").await;
    assert_eq!(offers(&second["open"]), [(extra[1], 0), (extra[2], 0)]);

    for (query, field) in [
        ("offset=1000001", "?offset"),
        ("limit=0", "?limit"),
        ("offset=1&offset=2", "?offset"),
    ] {
        let (status, body) = recruiter.get(&format!("/api/v1/dashboard?{query}")).await;
        assert_eq!(status, 422, "{query}: {body}");
        assert_eq!(body["fields"][0]["path"], field, "{query}: {body}");
    }
    // Another agency's dashboard, or an advisor's: refused.
    let (status, body) = recruiter
        .get(&format!("/api/v1/dashboard?structure={}", siret(AGENCY_Y)))
        .await;
    assert_eq!(status, 403, "{body}");
    let (status, body) = server
        .login("advisor@a.fr")
        .await
        .get("/api/v1/dashboard")
        .await;
    assert_eq!(status, 403, "{body}");

    // A parameter given twice is a French page, not plain text.
    let twice = recruiter.page("/tableau-de-bord?page=1&page=2").await;
    assert_eq!(twice.status, 422, "{}", twice.html);
    assert!(
        twice.html.contains("<h1>Action impossible</h1>"),
        "{}",
        twice.html
    );
    // The page shows the same counts.
    let html = recruiter.page("/tableau-de-bord").await.html;
    assert!(html.contains("Offres sans candidat (3)"), "{html}");
    assert!(
        html.contains(r#"<span class="pa-count__value">2</span>"#),
        "{html}"
    );
    server.stop().await;
}
