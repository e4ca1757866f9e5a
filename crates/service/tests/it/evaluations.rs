//! Shared evaluations through the API: recorded by the person's agency or by an agency the
//! person accepted, each field checked; each structure sees its own, and another's only for
//! the kinds the person shares; only the recording structure deletes; every read audited.

use serde_json::{Value, json};
use testdb::TestDb;

use crate::support::*;

fn caces() -> Value {
    json!({
        "kind": "caces", "subject": "123698", "result": "obtained",
        "evaluated_on": "2026-01-12", "valid_until": "2031-01-11", "issuer": "AFPA Bobigny"
    })
}

fn kinds(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_string())
        .collect()
}

pub async fn evaluations_are_shared_only_for_the_kinds_the_person_chose(db: TestDb) {
    let (server, world) = Server::start(db).await;
    // Person 10 (agency A's) accepted a referral to agency X's offer; 11 (B's) to Y's.
    let ((_, person, _), (_, stranger, _)) =
        crate::training_plans::plans_on_each_side(&server, &world).await;
    let advisor = server.login("advisor@a.fr").await;
    let recruiter = server.login("recruiter@x.fr").await;
    let other_recruiter = server.login("recruiter@y.fr").await;
    let evaluations = format!("/api/v1/job-seekers/{person}/evaluations");

    let (status, listed) = advisor.get("/api/v1/evaluation-kinds").await;
    assert_eq!(status, 200);
    let codes: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["mrs", "caces", "language", "skills_assessment"]);

    // Each wrong field is named; nothing is stored.
    for (field, value, path) in [
        ("subject", json!("100007"), "/subject"),
        ("result", json!("passed"), "/result"),
        ("evaluated_on", json!("2099-01-01"), "/evaluated_on"),
        ("valid_until", json!("2020-01-01"), "/valid_until"),
        ("issuer", json!(" "), "/issuer"),
        ("kind", json!("driving"), "/kind"),
    ] {
        let mut body = caces();
        body[field] = value;
        let (status, problem) = advisor.post(&evaluations, &body).await;
        assert_eq!(status, 422, "{field}: {problem}");
        assert_eq!(problem["fields"][0]["path"], path, "{problem}");
    }
    let (status, problem) = advisor
        .post(
            &evaluations,
            &json!({ "kind": "caces", "subject": "123698" }),
        )
        .await;
    assert_eq!(status, 422, "{problem}");
    let (_, none) = advisor.get(&evaluations).await;
    assert_eq!(none, json!([]));

    // The advisor records a CACES; the agency the person accepted records a skills
    // assessment of its own.
    let (status, recorded) = advisor.post(&evaluations, &caces()).await;
    assert_eq!(status, 201, "{recorded}");
    assert_eq!(recorded["own"], true);
    assert_eq!(recorded["valid"], true);
    assert_eq!(recorded["result_label"], "Obtenu");
    assert!(
        recorded["subject_label"]
            .as_str()
            .unwrap()
            .contains("CACES R 389-3"),
        "{recorded}"
    );
    let caces_id = recorded["id"].as_i64().unwrap();
    let (status, assessment) = recruiter
        .post(
            &evaluations,
            &json!({
                "kind": "skills_assessment", "subject": "Préparation de commandes",
                "result": "Cadence tenue, consignes de sécurité respectées",
                "evaluated_on": "2026-02-03", "issuer": "Agence X"
            }),
        )
        .await;
    assert_eq!(status, 201, "{assessment}");

    // Nothing shared yet: each sees its own only.
    let (_, seen) = advisor.get(&evaluations).await;
    assert_eq!(kinds(&seen), ["caces"]);
    let (_, seen) = recruiter.get(&evaluations).await;
    assert_eq!(kinds(&seen), ["skills_assessment"]);
    // An agency the person never accepted reaches nothing, and the attempt is audited.
    let (status, _) = other_recruiter.get(&evaluations).await;
    assert_eq!(status, 403);
    let (status, _) = other_recruiter.post(&evaluations, &caces()).await;
    assert_eq!(status, 403);
    let (status, _) = recruiter
        .get(&format!("/api/v1/job-seekers/{stranger}/evaluations"))
        .await;
    assert_eq!(status, 403);

    // The person shares their CACES (recorded by the advisor from what they said).
    let consent = format!("/api/v1/job-seekers/{person}/consent");
    let (status, answer) = advisor
        .send(
            "PUT",
            &consent,
            Some(&json!({
                "scope": "all_agencies", "channel": "in_person", "disclosed": [],
                "shared_evaluations": ["caces"]
            })),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    let (_, seen) = recruiter.get(&evaluations).await;
    assert_eq!(kinds(&seen), ["caces", "skills_assessment"]);
    assert_eq!(seen[0]["own"], false);
    let (_, seen) = advisor.get(&evaluations).await;
    assert_eq!(kinds(&seen), ["caces"]);
    // A consent change that does not say keeps what is shared; a wrong kind is named.
    let (status, _) = advisor
        .send(
            "PUT",
            &consent,
            Some(&json!({ "scope": "all_agencies", "channel": "phone" })),
        )
        .await;
    assert_eq!(status, 200);
    let (_, history) = advisor.get(&consent).await;
    let last = history.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["shared_evaluations"], json!(["caces"]));
    assert_eq!(last["channel"], "phone");
    let (status, problem) = advisor
        .send(
            "PUT",
            &consent,
            Some(&json!({
                "scope": "all_agencies", "channel": "phone", "shared_evaluations": ["cacs"]
            })),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(problem["fields"][0]["path"], "/shared_evaluations/0");

    // Only the structure that recorded it deletes it.
    let (status, _) = recruiter
        .delete(&format!("/api/v1/evaluations/{caces_id}"))
        .await;
    assert_eq!(status, 403);
    let (status, _) = advisor
        .delete(&format!("/api/v1/evaluations/{caces_id}"))
        .await;
    assert_eq!(status, 204);
    let (status, _) = advisor
        .delete(&format!("/api/v1/evaluations/{caces_id}"))
        .await;
    assert_eq!(status, 404);
    let (_, seen) = recruiter.get(&evaluations).await;
    assert_eq!(kinds(&seen), ["skills_assessment"]);

    // Every read and write is in the audit trail, refusals included.
    let admin = server.login("admin@d.fr").await;
    let (_, trail) = admin
        .get(&format!("/api/v1/job-seekers/{person}/access-history"))
        .await;
    let actions: Vec<&str> = trail
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    for action in [
        "evaluation.recorded",
        "job_seeker.evaluations.read",
        "job_seeker.evaluations.refused",
        "evaluation.record.refused",
        "evaluation.delete.refused",
        "evaluation.deleted",
    ] {
        assert!(actions.contains(&action), "{action} not in {actions:?}");
    }
    server.stop().await;
}
