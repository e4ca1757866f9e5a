//! Duos over HTTP: an agency registers a mentor (every wrong field named, nothing stored, the
//! consent required); an advisor gets them suggested by pseudonym for one of their people and
//! proposes a duo; each side sees the other by pseudonym until both accepted, then by name
//! (audited); contacts are logged by either side, the note the coordinator's only; the
//! coordinator closes the duo and records its outcomes; a mentor's places hold; the lottery
//! draws a person once; a silent duo raises an alert; a withdrawal stops what was under way;
//! and the same through the pages.

use chrono::Duration;
use serde_json::{Value, json};
use testdb::TestDb;

use crate::support::*;

/// Registers a mentor of agency X practising `rome`, in Saint-Denis; its id.
async fn register_mentor(recruiter: &Client, rome: &str, capacity: u8) -> i64 {
    let (status, body) = recruiter
        .post(
            "/api/v1/mentors",
            &json!({
                "first_name": "Karim", "last_name": "Benali", "email": "karim.benali@example.fr",
                "commune": "93066", "occupations": [{ "rome": rome, "months": 96 }],
                "hours_per_month": 8, "capacity": capacity, "consent": true,
            }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["name"], "Karim Benali", "{body}");
    body["id"].as_i64().unwrap()
}

/// The first occupation a duo may be about for a person (targets and close ones in tension).
async fn first_occupation(advisor: &Client, seeker: i64) -> String {
    let (status, body) = advisor
        .get(&format!("/api/v1/job-seekers/{seeker}/mentors"))
        .await;
    assert_eq!(status, 200, "{body}");
    body["occupations"][0]
        .as_str()
        .unwrap_or_else(|| panic!("no occupation in tension for the fixture: {body}"))
        .to_string()
}

fn paths(body: &Value) -> Vec<&str> {
    let mut paths = strings_of(&body["fields"], "path");
    paths.sort_unstable();
    paths
}

pub async fn a_mentor_is_registered_suggested_and_a_duo_formed_and_logged(db: TestDb) {
    let (server, world) = Server::start_with(db, 1, 0, service::Config::default()).await;
    let recruiter = server.login("recruiter@x.fr").await;
    let other_agency = server.login("recruiter@y.fr").await;
    let advisor = server.login("advisor@a.fr").await;
    let other_advisor = server.login("advisor@b.fr").await;
    let steering = server.login("steering@d.fr").await;
    let store = server.state.store.clone();
    let x = world.structures[&AGENCY_X];
    let seeker = world.seekers[&6];

    // Every wrong field is named; nothing is stored.
    let (status, body) = recruiter
        .post(
            "/api/v1/mentors",
            &json!({
                "first_name": "", "last_name": "Benali", "email": "pas-une-adresse",
                "commune": "99999", "occupations": [{ "rome": "Z9999", "months": 0 }],
                "hours_per_month": 0, "capacity": 3, "consent": false,
            }),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        paths(&body),
        [
            "/capacity",
            "/commune",
            "/consent",
            "/email",
            "/first_name",
            "/hours_per_month",
            "/occupations/0/months",
            "/occupations/0/rome",
        ],
        "{body}"
    );
    assert!(store.mentors_of_agency(x).await.unwrap().is_empty());
    // A name must be printable: no direction override, no invisible character.
    let (status, body) = recruiter
        .post(
            "/api/v1/mentors",
            &json!({
                "first_name": "\u{202e}Karim", "last_name": "Be\u{200b}nali",
                "commune": "93066", "occupations": [{ "rome": "N1101", "months": 12 }],
                "hours_per_month": 8, "consent": true,
            }),
        )
        .await;
    assert_eq!(paths(&body), ["/first_name", "/last_name"], "{body}");
    assert_eq!(status, 422);
    // Only an agency registers its mentors.
    let (status, _) = advisor
        .post(
            "/api/v1/mentors",
            &json!({ "first_name": "A", "last_name": "B", "commune": "93066",
                     "occupations": [{ "rome": "N1101", "months": 12 }],
                     "hours_per_month": 8, "consent": true }),
        )
        .await;
    assert_eq!(status, 403);

    let rome = first_occupation(&advisor, seeker).await;
    let mentor = register_mentor(&recruiter, &rome, 1).await;
    // The advisor finds the mentor by pseudonym; nobody else asks for the advisor's person.
    let (status, body) = advisor
        .get(&format!("/api/v1/job-seekers/{seeker}/mentors"))
        .await;
    assert_eq!(status, 200, "{body}");
    let suggested = item_where(&body["mentors"], "mentor_id", mentor);
    assert_eq!(suggested["rome"], rome.as_str(), "{body}");
    assert_eq!(suggested["pseudonym"], format!("Tuteur T-{mentor:05}"));
    assert!(!body.to_string().contains("Benali"), "{body}");
    for client in [&other_advisor, &recruiter, &steering] {
        let (status, body) = client
            .get(&format!("/api/v1/job-seekers/{seeker}/mentors"))
            .await;
        assert_eq!(status, 403, "{body}");
    }
    let (_, body) = advisor.get(&format!("/api/v1/mentors/{mentor}")).await;
    assert_eq!(
        (&body["name"], &body["email"]),
        (&Value::Null, &Value::Null)
    );
    let (status, _) = other_agency.get(&format!("/api/v1/mentors/{mentor}")).await;
    assert_eq!(status, 403);

    // The advisor proposes a duo; the agency sees the person by pseudonym only.
    let (status, body) = advisor
        .post(
            "/api/v1/duos",
            &json!({ "job_seeker_id": seeker, "mentor_id": mentor, "rome": rome, "months": 10 }),
        )
        .await;
    assert_eq!(
        (status.as_u16(), paths(&body)),
        (422, vec!["/months"]),
        "{body}"
    );
    let (status, body) = advisor
        .post(
            "/api/v1/duos",
            &json!({ "job_seeker_id": seeker, "mentor_id": mentor, "rome": rome }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let duo = body["id"].as_i64().unwrap();
    assert_eq!(
        (&body["state"], &body["months"], &body["mentor"]["name"]),
        (&json!("proposed"), &json!(3), &Value::Null),
        "{body}"
    );
    assert_eq!(body["job_seeker"]["name"], "Aïcha Durand-6");
    let (_, body) = recruiter.get(&format!("/api/v1/duos/{duo}")).await;
    assert_eq!(
        (
            &body["job_seeker"]["name"],
            &body["mentor"]["name"],
            &body["side"]
        ),
        (&Value::Null, &json!("Karim Benali"), &json!("mentor")),
        "{body}"
    );
    let (status, _) = other_agency.get(&format!("/api/v1/duos/{duo}")).await;
    assert_eq!(status, 403);
    // An id nobody has is refused like another side's: ids tell nothing.
    for client in [&other_agency, &recruiter, &steering] {
        let (status, body) = client.get("/api/v1/duos/999999").await;
        assert_eq!(status, 403, "{body}");
    }
    let (status, _) = other_agency.get("/api/v1/mentors/999999").await;
    assert_eq!(status, 403);
    let (status, _) = advisor.get("/api/v1/mentors/999999").await;
    assert_eq!(status, 404);
    let (status, _) = other_advisor.get(&format!("/api/v1/duos/{duo}")).await;
    assert_eq!(status, 403);
    let (status, _) = recruiter
        .get(&format!("/api/v1/job-seekers/{seeker}"))
        .await;
    assert_eq!(status, 403);
    // The mentor gave one place: a second duo is refused.
    let (status, body) = advisor
        .post(
            "/api/v1/duos",
            &json!({ "job_seeker_id": world.seekers[&102], "mentor_id": mentor, "rome": rome }),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    assert!(message_of(&body).starts_with("mentor_id"), "{body}");

    // Each side says yes for its own; then both are named to each other.
    let (status, body) = recruiter
        .post(
            &format!("/api/v1/duos/{duo}/state"),
            &json!({ "to": "accepted" }),
        )
        .await;
    assert_eq!(
        (status.as_u16(), &body["state"]),
        (200, &json!("mentor_agreed")),
        "{body}"
    );
    let (_, body) = advisor
        .post(
            &format!("/api/v1/duos/{duo}/state"),
            &json!({ "to": "accepted" }),
        )
        .await;
    assert_eq!(body["state"], "accepted", "{body}");
    assert_eq!(body["mentor"]["name"], "Karim Benali", "{body}");
    let before = server.reads_through(seeker, "duo").await;
    let (_, body) = recruiter.get(&format!("/api/v1/duos/{duo}")).await;
    assert_eq!(body["job_seeker"]["name"], "Aïcha Durand-6", "{body}");
    assert_eq!(server.reads_through(seeker, "duo").await, before + 1);
    let (status, _) = recruiter
        .get(&format!("/api/v1/job-seekers/{seeker}"))
        .await;
    assert_eq!(status, 200);
    let (_, body) = advisor.get(&format!("/api/v1/mentors/{mentor}")).await;
    assert_eq!(body["email"], "karim.benali@example.fr", "{body}");

    // Contacts: the first starts the duo; only the coordinator writes and reads notes.
    let today = server.now().date_naive();
    let (status, body) = recruiter
        .post(
            &format!("/api/v1/duos/{duo}/contacts"),
            &json!({ "on": today, "minutes": 2, "kind": "dance", "note": "Très motivée" }),
        )
        .await;
    assert_eq!(
        (status.as_u16(), paths(&body)),
        (422, vec!["/kind", "/minutes", "/note"]),
        "{body}"
    );
    let (status, body) = recruiter
        .post(
            &format!("/api/v1/duos/{duo}/contacts"),
            &json!({ "on": today + Duration::days(1), "minutes": 60, "kind": "call" }),
        )
        .await;
    assert_eq!(
        (status.as_u16(), paths(&body)),
        (422, vec!["/on"]),
        "{body}"
    );
    let (status, body) = recruiter
        .post(
            &format!("/api/v1/duos/{duo}/contacts"),
            &json!({ "on": today, "minutes": 480, "kind": "day_alongside" }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let (_, body) = advisor.get(&format!("/api/v1/duos/{duo}")).await;
    assert_eq!(
        (&body["state"], &body["started_on"]),
        (&json!("active"), &json!(today))
    );
    let (status, _) = advisor
        .post(
            &format!("/api/v1/duos/{duo}/contacts"),
            &json!({ "on": today, "minutes": 30, "kind": "call", "note": "Appel de suivi : RAS" }),
        )
        .await;
    assert_eq!(status, 201);
    let (_, theirs) = recruiter.get(&format!("/api/v1/duos/{duo}/contacts")).await;
    let (_, mine) = advisor.get(&format!("/api/v1/duos/{duo}/contacts")).await;
    assert!(!theirs.to_string().contains("RAS"), "{theirs}");
    assert_eq!(mine[1]["note"], "Appel de suivi : RAS", "{mine}");

    // The coordinator closes it and records its outcome; not the agency, not before the end.
    let (status, _) = advisor
        .post(
            &format!("/api/v1/duos/{duo}/outcomes"),
            &json!({ "milestone": "end", "kind": "job" }),
        )
        .await;
    assert_eq!(status, 409);
    let (status, body) = recruiter
        .post(
            &format!("/api/v1/duos/{duo}/state"),
            &json!({ "to": "stopped", "reason": "bored" }),
        )
        .await;
    assert_eq!(
        (status.as_u16(), paths(&body)),
        (422, vec!["/reason"]),
        "{body}"
    );
    let (status, body) = recruiter
        .post(
            &format!("/api/v1/duos/{duo}/state"),
            &json!({ "to": "completed" }),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    server.advance(Duration::days(80));
    let advisor = server.login("advisor@a.fr").await;
    let recruiter = server.login("recruiter@x.fr").await;
    let (_, body) = advisor
        .post(
            &format!("/api/v1/duos/{duo}/state"),
            &json!({ "to": "completed" }),
        )
        .await;
    assert_eq!(body["state"], "completed", "{body}");
    let (status, _) = recruiter
        .post(
            &format!("/api/v1/duos/{duo}/outcomes"),
            &json!({ "milestone": "end", "kind": "job" }),
        )
        .await;
    assert_eq!(status, 403);
    let (status, body) = advisor
        .post(
            &format!("/api/v1/duos/{duo}/outcomes"),
            &json!({ "milestone": "end", "kind": "training" }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let (status, _) = advisor
        .post(
            &format!("/api/v1/duos/{duo}/outcomes"),
            &json!({ "milestone": "six_months", "kind": "job" }),
        )
        .await;
    assert_eq!(status, 409);
    // The place is free again.
    let (status, body) = advisor
        .post(
            "/api/v1/duos",
            &json!({ "job_seeker_id": world.seekers[&102], "mentor_id": mentor, "rome": rome }),
        )
        .await;
    assert_eq!(status, 201, "{body}");

    // The steering committee counts, and names nobody.
    let steering = server.login("steering@d.fr").await;
    let (status, body) = steering.get("/api/v1/duos/counts").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (
            &body["mentors"],
            &body["proposed"],
            &body["accepted"],
            &body["completed"]
        ),
        (&json!(1), &json!(2), &json!(1), &json!(1)),
        "{body}"
    );
    assert_eq!(body["outcomes_at_end"], json!([0, 1, 0, 0]));
    for client in [&advisor, &recruiter] {
        let (status, _) = client.get("/api/v1/duos/counts").await;
        assert_eq!(status, 403);
    }
    let (status, _) = steering.get(&format!("/api/v1/duos/{duo}")).await;
    assert_eq!(status, 403);
}

pub async fn the_lottery_draws_once_silent_duos_alert_and_a_withdrawal_stops_duos(db: TestDb) {
    let (server, world) = Server::start_with(db, 2, 0, service::Config::default()).await;
    let recruiter = server.login("recruiter@x.fr").await;
    let advisor = server.login("advisor@a.fr").await;
    let store = server.state.store.clone();
    let seeker = world.seekers[&6];
    // Nothing to draw without an eligible mentor.
    let (status, body) = advisor
        .post("/api/v1/duos/draw", &json!({ "job_seeker_id": seeker }))
        .await;
    assert_eq!(status, 409, "{body}");
    let rome = first_occupation(&advisor, seeker).await;
    let mentor = register_mentor(&recruiter, &rome, 2).await;
    let (status, body) = advisor
        .post("/api/v1/duos/draw", &json!({ "job_seeker_id": seeker }))
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["eligible"], 1, "{body}");
    let won = body["won"].as_bool().unwrap();
    assert_eq!(body["duo"].is_object(), won, "{body}");
    if won {
        assert_eq!(
            (&body["duo"]["drawn"], &body["duo"]["mentor"]["id"]),
            (&json!(true), &json!(mentor))
        );
    }
    let draws = store.draws().await.unwrap();
    assert_eq!((draws.len(), draws[0].won), (1, won));
    if !won {
        // A loser stays in the comparison group: no duo by a direct proposal either.
        let (status, body) = advisor
            .post(
                "/api/v1/duos",
                &json!({ "job_seeker_id": seeker, "mentor_id": mentor, "rome": rome }),
            )
            .await;
        assert_eq!(status, 409, "{body}");
        assert!(message_of(&body).contains("lottery"), "{body}");
    }
    let (status, body) = advisor
        .post("/api/v1/duos/draw", &json!({ "job_seeker_id": seeker }))
        .await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(store.draws().await.unwrap().len(), 1);

    // A duo under way, silent for three weeks: the alert lists it.
    let other = world.seekers[&102];
    let (_, body) = advisor
        .post(
            "/api/v1/duos",
            &json!({ "job_seeker_id": other, "mentor_id": mentor, "rome": rome }),
        )
        .await;
    let duo = body["id"].as_i64().unwrap();
    advisor
        .post(
            &format!("/api/v1/duos/{duo}/state"),
            &json!({ "to": "seeker_agreed" }),
        )
        .await;
    recruiter
        .post(
            &format!("/api/v1/duos/{duo}/state"),
            &json!({ "to": "mentor_agreed" }),
        )
        .await;
    let (status, body) = advisor
        .post(
            &format!("/api/v1/duos/{duo}/contacts"),
            &json!({ "on": server.now().date_naive(), "minutes": 45, "kind": "workshop" }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let (_, silent) = advisor.get("/api/v1/duos?silent=true").await;
    assert_eq!(silent.as_array().unwrap().len(), 0, "{silent}");
    server.advance(Duration::days(21));
    let advisor = server.login("advisor@a.fr").await;
    let recruiter = server.login("recruiter@x.fr").await;
    let (_, silent) = advisor.get("/api/v1/duos?silent=true").await;
    assert_eq!(strings_of(&silent, "state"), ["active"], "{silent}");
    assert_eq!(silent[0]["id"], duo);
    let page = advisor.page("/duos").await;
    assert!(
        page.html
            .contains("sans contact noté depuis trois semaines"),
        "{}",
        page.html
    );

    // The mentor withdraws: what was under way stops, nothing more is proposed to them.
    let (status, body) = recruiter
        .post(&format!("/api/v1/mentors/{mentor}/withdrawal"), &json!({}))
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, body) = advisor.get(&format!("/api/v1/duos/{duo}")).await;
    assert_eq!(
        (&body["state"], &body["stop_reason"]),
        (&json!("stopped"), &json!("consent_withdrawn")),
        "{body}"
    );
    // Once withdrawn, the mentor is no longer named to the coordinator.
    assert_eq!(
        (&body["mentor"]["name"], &body["mentor"]["email"]),
        (&Value::Null, &Value::Null),
        "{body}"
    );
    let (_, body) = advisor.get(&format!("/api/v1/mentors/{mentor}")).await;
    assert_eq!(body["name"], Value::Null, "{body}");
    let (_, body) = advisor
        .get(&format!("/api/v1/job-seekers/{seeker}/mentors"))
        .await;
    assert!(body["mentors"].as_array().unwrap().is_empty(), "{body}");
    let (status, _) = recruiter
        .post(&format!("/api/v1/mentors/{mentor}/withdrawal"), &json!({}))
        .await;
    assert_eq!(status, 409);

    // Consent: a person who never consented gets no duo; a withdrawal closes the open ones.
    let second = register_mentor(&recruiter, &rome, 2).await;
    let (status, body) = advisor
        .post(
            "/api/v1/duos",
            &json!({ "job_seeker_id": world.seekers[&8], "mentor_id": second, "rome": rome }),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(message_of(&body).contains("consented"), "{body}");
    let person = world.seekers[&106];
    let (status, body) = advisor
        .post(
            "/api/v1/duos",
            &json!({ "job_seeker_id": person, "mentor_id": second, "rome": rome }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let proposed = body["id"].as_i64().unwrap();
    let (status, body) = advisor
        .send(
            "PUT",
            &format!("/api/v1/job-seekers/{person}/consent"),
            Some(&json!({ "scope": null, "channel": "phone" })),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["closed_duos"], json!([proposed]), "{body}");
    let (_, body) = advisor.get(&format!("/api/v1/duos/{proposed}")).await;
    assert_eq!(body["state"], "declined", "{body}");
    // Agencies cannot probe people's ids through the duos: one refusal for every id.
    let (a, first) = recruiter
        .get(&format!("/api/v1/job-seekers/{person}/mentors"))
        .await;
    let (b, second) = recruiter.get("/api/v1/job-seekers/99999999/mentors").await;
    assert_eq!((a.as_u16(), b.as_u16()), (403, 403));
    assert_eq!(first["message"], second["message"]);
    let (_, first) = recruiter.get("/api/v1/mentors/99999999").await;
    let other_agency = server.login("recruiter@y.fr").await;
    let (_, second) = other_agency.get(&format!("/api/v1/mentors/{mentor}")).await;
    assert_eq!(first["message"], second["message"]);
}

pub async fn duo_pages_register_a_mentor_propose_and_log_in_french(db: TestDb) {
    let (server, world) = Server::start(db).await;
    let recruiter = server.login("recruiter@x.fr").await;
    let advisor = server.login("advisor@a.fr").await;
    let seeker = world.seekers[&6];
    let rome = first_occupation(&advisor, seeker).await;

    let page = recruiter.page("/tuteurs").await;
    assert_eq!(page.status, 200);
    assert!(page.html.contains("Inscrire un tuteur"), "{}", page.html);
    // Without the consent, nothing is stored and the page says why, in French.
    let fields = [
        ("prenom", "Karim"),
        ("nom", "Benali"),
        ("commune", "93066"),
        ("metier", rome.as_str()),
        ("experience", "96"),
        ("heures", "8"),
        ("places", "1"),
    ];
    let page = recruiter.post_form("/tuteurs", &fields).await;
    assert_eq!(page.status, 422, "{}", page.html);
    assert!(
        page.html
            .contains("Le consentement de l&#39;intérimaire est requis"),
        "{}",
        page.html
    );
    let with_consent: Vec<(&str, &str)> = fields
        .iter()
        .copied()
        .chain([("consentement", "1")])
        .collect();
    let page = recruiter.post_form("/tuteurs", &with_consent).await;
    assert_eq!(
        page.location.as_deref(),
        Some("/tuteurs?fait=tuteur"),
        "{}",
        page.html
    );
    let page = recruiter.page("/tuteurs?fait=tuteur").await;
    assert!(page.html.contains("Karim Benali"), "{}", page.html);

    // The advisor sees the mentor by pseudonym and proposes the duo from the person's page.
    let page = advisor.page(&format!("/demandeurs/{seeker}")).await;
    assert!(
        page.html.contains(&format!("/demandeurs/{seeker}/duo")),
        "{}",
        page.html
    );
    let page = advisor.page(&format!("/demandeurs/{seeker}/duo")).await;
    assert_eq!(page.status, 200);
    assert!(page.html.contains("Tuteur T-"), "{}", page.html);
    assert!(!page.html.contains("Benali"), "{}", page.html);
    let mentor = server
        .state
        .store
        .mentors_of_agency(world.structures[&AGENCY_X])
        .await
        .unwrap()[0]
        .id;
    let page = advisor
        .post_form(
            &format!("/demandeurs/{seeker}/duo"),
            &[("tuteur", &mentor.to_string()), ("metier", &rome)],
        )
        .await;
    let location = page.location.clone().unwrap_or_default();
    assert!(location.ends_with("?fait=duo_propose"), "{}", page.html);
    let duo_path = location.split('?').next().unwrap().to_string();
    // A second proposal to the person is refused in French.
    let page = advisor
        .post_form(
            &format!("/demandeurs/{seeker}/duo"),
            &[("tuteur", &mentor.to_string()), ("metier", &rome)],
        )
        .await;
    assert_eq!(page.status, 409);
    assert!(
        page.html.contains("n&#39;a plus de place libre"),
        "{}",
        page.html
    );
    // Both sides agree on the duo's page; a contact is logged; the agency sees no note.
    let page = recruiter
        .post_form(&format!("{duo_path}/etat"), &[("vers", "accepted")])
        .await;
    assert_eq!(page.status, 303, "{}", page.html);
    let page = advisor
        .post_form(&format!("{duo_path}/etat"), &[("vers", "accepted")])
        .await;
    assert_eq!(page.status, 303, "{}", page.html);
    let today = server.now().date_naive().format("%Y-%m-%d").to_string();
    let page = advisor
        .post_form(
            &format!("{duo_path}/contacts"),
            &[("date", &today), ("duree", "0"), ("type", "call")],
        )
        .await;
    assert_eq!(page.status, 409, "{}", page.html);
    assert!(
        page.html.contains("une durée de 5 à 600 minutes"),
        "{}",
        page.html
    );
    let page = advisor
        .post_form(
            &format!("{duo_path}/contacts"),
            &[
                ("date", &today),
                ("duree", "90"),
                ("type", "day_alongside"),
                ("note", "Très à l'aise"),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.html);
    let page = advisor.page(&duo_path).await;
    assert!(page.html.contains("En cours"), "{}", page.html);
    assert!(page.html.contains("Très à l&#39;aise"), "{}", page.html);
    assert!(page.html.contains("Karim Benali"), "{}", page.html);
    let page = recruiter.page(&duo_path).await;
    assert!(page.html.contains("Aïcha Durand-6"), "{}", page.html);
    assert!(!page.html.contains("Très à l&#39;aise"), "{}", page.html);
    let page = recruiter.page("/duos").await;
    assert!(page.html.contains(&duo_path), "{}", page.html);
    // The steering committee's page counts.
    let steering = server.login("steering@d.fr").await;
    let page = steering.page("/duos").await;
    assert_eq!(page.status, 200);
    assert!(page.html.contains("Tuteurs volontaires"), "{}", page.html);
    assert!(!page.html.contains("Aïcha"), "{}", page.html);
}

/// The advisor's list of people for whom a mentor is free: priority publics first (more
/// statuses first), then the longest registered; nobody without consent, in an open duo or
/// another agency's; each listed person's read audited.
pub async fn duo_candidates_put_priority_publics_first(db: TestDb) {
    let (server, world) = Server::start_with(db, 3, 0, service::Config::default()).await;
    let recruiter = server.login("recruiter@x.fr").await;
    let advisor = server.login("advisor@a.fr").await;
    let rome = first_occupation(&advisor, world.seekers[&6]).await;
    let (_, before) = advisor.get("/api/v1/duos/candidates").await;
    assert_eq!(before, json!([]), "no mentor yet");
    let mentor = register_mentor(&recruiter, &rome, 2).await;
    let (status, body) = advisor.get("/api/v1/duos/candidates").await;
    assert_eq!(status, 200, "{body}");
    // Fixtures (FT agency A): 110 RQTH and QPV, registered 2025-03-27; 6 RQTH and long-term,
    // 2025-07-07; 102 RQTH and long-term, 2025-07-19; 106 RQTH only; 8 has not consented.
    let ids: Vec<i64> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["job_seeker_id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [110, 6, 102, 106].map(|n| world.seekers[&n]), "{body}");
    assert_eq!(body[0]["statuses"], json!(["rqth", "qpv"]), "{body}");
    assert_eq!(
        (&body[0]["rome"], &body[0]["mentors"]),
        (&json!(rome), &json!(1))
    );
    // A duo takes its person off the list.
    let (status, _) = advisor
        .post(
            "/api/v1/duos",
            &json!({ "job_seeker_id": world.seekers[&110], "mentor_id": mentor, "rome": rome }),
        )
        .await;
    assert_eq!(status, 201);
    let (_, body) = advisor.get("/api/v1/duos/candidates").await;
    assert_eq!(body[0]["job_seeker_id"], world.seekers[&6], "{body}");
    let page = advisor.page("/duos").await;
    assert!(
        page.html.contains("Personnes pour qui un tuteur est libre"),
        "{}",
        page.html
    );
    for client in [&recruiter, &server.login("steering@d.fr").await] {
        let (status, _) = client.get("/api/v1/duos/candidates").await;
        assert_eq!(status, 403);
    }
}
