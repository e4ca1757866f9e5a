//! Who sees whom: an agency sees a job seeker's identity only once the person accepted one of
//! its offers, and then only the priority statuses the person chose to disclose; every such
//! read is in the person's access history.

use serde_json::json;
use testdb::TestDb;

use crate::support::*;

pub async fn identity_is_revealed_to_the_agency_only_after_acceptance(db: TestDb) {
    let (server, world) = Server::start(db).await;
    let advisor = server.login("advisor@a.fr").await;
    let recruiter = server.login("recruiter@x.fr").await;
    let other_agency = server.login("recruiter@y.fr").await;
    // Job seeker 6: RQTH not disclosed, long-term unemployment disclosed.
    let seeker = world.seekers[&6];

    // The shortlist shows pseudonyms and reasons, nothing else.
    let (status, shortlist) = recruiter
        .get(&format!("/api/v1/offers/{}/shortlist?k=5", world.offer_x))
        .await;
    assert_eq!(status, 200, "{shortlist}");
    let candidate = shortlist["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["job_seeker_id"] == seeker)
        .expect("job seeker 6 suits the offer")
        .clone();
    assert!(candidate["pseudonym"].as_str().unwrap().starts_with("DE-"));
    for hidden in [
        "identity",
        "first_name",
        "last_name",
        "email",
        "priority_statuses",
    ] {
        assert!(candidate.get(hidden).is_none(), "{hidden} in {candidate}");
    }
    assert!(!shortlist.to_string().contains("Durand"));

    let id = recruiter.propose(world.offer_x, seeker).await;
    let detail = format!("/api/v1/referrals/{id}");
    let person = format!("/api/v1/job-seekers/{seeker}");

    // Before acceptance: pseudonymous, even through the referral.
    let (_, before) = recruiter.get(&detail).await;
    assert_eq!(before["job_seeker"]["fields"], "pseudonymous");
    assert!(before["job_seeker"]["identity"].is_null());
    assert_eq!(before["job_seeker"]["priority_statuses"], json!([]));
    assert!(!before.to_string().contains("Durand"));
    assert_eq!(recruiter.get(&person).await.0, 403);

    // The person accepts (recorded by their advisor).
    let (status, _) = advisor
        .post(
            &format!("{detail}/transitions"),
            &json!({ "to": "accepted" }),
        )
        .await;
    assert_eq!(status, 200);

    // After: identity and contact, and only the disclosed status.
    let (_, after) = recruiter.get(&detail).await;
    let shown = &after["job_seeker"];
    assert_eq!(shown["fields"], "identity");
    assert_eq!(shown["identity"]["last_name"], "Durand-6");
    assert_eq!(shown["identity"]["email"], "aicha.durand6@example.fr");
    assert_eq!(shown["priority_statuses"], json!(["long_term"]));
    assert!(shown["birth_date"].is_null());
    let (status, direct) = recruiter.get(&person).await;
    assert_eq!(status, 200, "{direct}");
    assert_eq!(direct["priority_statuses"], json!(["long_term"]));
    assert!(!direct.to_string().contains("rqth"));

    // Another agency still sees nothing; the advisor sees everything.
    assert_eq!(other_agency.get(&person).await.0, 403);
    assert_eq!(other_agency.get(&detail).await.0, 403);
    let (_, full) = advisor.get(&person).await;
    assert_eq!(full["fields"], "full");
    assert_eq!(full["priority_statuses"], json!(["rqth", "long_term"]));
    assert!(full["birth_date"].is_string());

    // Every read of the person's identity is in their access history, with who read it.
    let (status, history) = advisor.get(&format!("{person}/access-history")).await;
    assert_eq!(status, 200, "{history}");
    let reads: Vec<(String, String)> = history
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "job_seeker.read")
        .map(|e| {
            (
                e["detail"]["fields"].as_str().unwrap().to_string(),
                e["detail"]["via"].as_str().unwrap_or("direct").to_string(),
            )
        })
        .collect();
    assert_eq!(
        reads,
        vec![
            ("identity".to_string(), "referral".to_string()),
            ("identity".to_string(), "direct".to_string()),
            ("full".to_string(), "direct".to_string()),
        ]
    );
    server.stop().await;
}
