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
    assert!(server.state.flush_shortlist_counts().await.unwrap() >= 1);
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
