//! Co-organised actions over HTTP: prepared by an organiser (every wrong field named, nothing
//! stored), read by the organisers only while a draft, by everyone once published, moved by
//! the organisers as the workflow and the time allow; and the same through the pages.

use chrono::Duration;
use serde_json::json;
use testdb::TestDb;

use crate::support::*;

pub async fn an_action_is_prepared_published_and_moved_by_its_organisers(db: TestDb) {
    let (server, world) = Server::start(db).await;
    let recruiter = server.login("recruiter@x.fr").await;
    let advisor = server.login("advisor@a.fr").await;
    let other = server.login("recruiter@y.fr").await;
    let partner = server.login("partner@p.fr").await;
    let ft_a = world.structures[&FT_A];
    let x = world.structures[&AGENCY_X];
    let y = world.structures[&AGENCY_Y];
    let starts = server.now() + Duration::days(14);
    let store = server.state.store.clone();

    // Every wrong field is named; nothing is stored.
    let (status, body) = recruiter
        .post(
            "/api/v1/actions",
            &json!({
                "kind": "party", "title": "x", "lead": y, "partners": [x, ft_a],
                "offers": [world.offer_y, 999_999], "romes": ["Z9999"], "commune": "13055",
                "online_link": "http://visio.example.fr", "public_tags": ["vip"],
                "starts_at": server.now() - Duration::days(1),
            }),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    let mut paths: Vec<&str> = body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    paths.sort_unstable();
    assert_eq!(
        paths,
        [
            "/commune",
            "/kind",
            "/lead",
            "/offers/0",
            "/offers/1",
            "/online_link",
            "/partners/1",
            "/public_tags/0",
            "/romes/0",
            "/starts_at",
            "/title",
        ],
        "{body}"
    );
    assert!(
        store
            .actions_from(server.now() - Duration::days(400))
            .await
            .unwrap()
            .is_empty()
    );
    // Nobody prepares an action their structure does not organise.
    let (status, body) = other
        .post(
            "/api/v1/actions",
            &json!({ "kind": "forum", "title": "Forum", "lead": ft_a, "partners": [x],
                     "romes": ["N1103"], "commune": "93066", "starts_at": starts }),
        )
        .await;
    assert_eq!(status, 403, "{body}");

    // The recruiter prepares it with FT agency A: their agency co-organises it by default,
    // and the occupations are the offers'.
    let (status, action) = recruiter
        .post(
            "/api/v1/actions",
            &json!({
                "kind": "job_dating", "title": "Job dating des caristes", "lead": ft_a,
                "offers": [world.offer_x], "commune": "93066",
                "address": "France Travail Saint-Denis, salle 2",
                "prerequisites": ["CACES R489 souhaité", "  "],
                "public_tags": ["open_to_disabled_workers", "beginners_welcome"],
                "starts_at": starts,
            }),
        )
        .await;
    assert_eq!(status, 201, "{action}");
    let id = action["id"].as_i64().unwrap();
    assert_eq!(action["state"], "draft");
    assert_eq!(action["lead"]["id"], ft_a);
    assert_eq!(action["partners"], json!([{ "id": x, "name": "Agence 3" }]));
    assert_eq!(action["romes"], json!(["N1101"]));
    assert_eq!(action["prerequisites"], json!(["CACES R489 souhaité"]));
    assert_eq!(
        (&action["capacity_on_site"], &action["capacity_remote"]),
        (&json!(30), &json!(0))
    );
    assert_eq!(action["moves"], json!(["published", "cancelled"]));
    let path = format!("/api/v1/actions/{id}");
    let state = format!("{path}/state");
    // A draft: its organisers' only (the FT agency's advisor is one).
    let (status, seen) = advisor.get(&path).await;
    assert_eq!((status.as_u16(), &seen["organising"]), (200, &json!(true)));
    assert_eq!(other.get(&path).await.0, 403);
    assert_eq!(partner.get(&path).await.0, 403);
    let listed = |body: &serde_json::Value| {
        body.as_array()
            .unwrap()
            .iter()
            .any(|a| a["id"].as_i64() == Some(id))
    };
    assert!(!listed(&other.get("/api/v1/actions").await.1));
    assert!(listed(&advisor.get("/api/v1/actions?mine=true").await.1));
    // Published by the advisor: everyone reads it, nobody else moves it.
    let (status, published) = advisor.post(&state, &json!({ "to": "published" })).await;
    assert_eq!(status, 200, "{published}");
    assert_eq!(published["state"], "published");
    let (status, seen) = other.get(&path).await;
    assert_eq!(status, 200);
    assert_eq!(
        (&seen["organising"], &seen["moves"]),
        (&json!(false), &json!([]))
    );
    assert!(listed(&partner.get("/api/v1/actions").await.1));
    assert!(!listed(&other.get("/api/v1/actions?mine=true").await.1));
    assert_eq!(
        other.post(&state, &json!({ "to": "cancelled" })).await.0,
        403
    );
    // Held before it starts, or a state that is not one: refused, saying why.
    let (status, body) = recruiter.post(&state, &json!({ "to": "held" })).await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("once it has started"),
        "{body}"
    );
    let (status, body) = recruiter.post(&state, &json!({ "to": "draft" })).await;
    assert_eq!(
        (status.as_u16(), &body["fields"][0]["path"]),
        (422, &json!("/to"))
    );
    // Once started, it is held; closed once its attendance is.
    server.advance(Duration::days(14) + Duration::hours(1));
    let recruiter = server.login("recruiter@x.fr").await;
    let (status, held) = recruiter.post(&state, &json!({ "to": "held" })).await;
    assert_eq!(
        (status.as_u16(), &held["moves"]),
        (200, &json!([])),
        "{held}"
    );
    assert_eq!(
        recruiter.post(&state, &json!({ "to": "closed" })).await.0,
        409
    );
    server.advance(Duration::hours(2));
    let gathering = store.action(id).await.unwrap().unwrap().gathering_id;
    store
        .close_attendance(gathering, server.now())
        .await
        .unwrap();
    let (status, closed) = recruiter.post(&state, &json!({ "to": "closed" })).await;
    assert_eq!((status.as_u16(), &closed["state"]), (200, &json!("closed")));
    // Each write is in the audit trail.
    let events = store.audit_events(0, 1_000).await.unwrap();
    let actions: Vec<&str> = events
        .iter()
        .filter(|e| e.event.subject_kind == "action" && e.event.subject_id == Some(id))
        .map(|e| e.event.action.as_str())
        .collect();
    assert_eq!(
        actions,
        ["action.create", "action.move", "action.move", "action.move"]
    );
    server.stop().await;
}

/// The pages: an offer's page leads to the form with the offer ticked; a form missing its
/// date is refused in French with nothing stored; a good one creates the draft, whose page
/// publishes it.
pub async fn an_action_is_prepared_from_an_offer_through_the_pages(db: TestDb) {
    let (server, world) = Server::start(db).await;
    let recruiter = server.login("recruiter@x.fr").await;
    let ft_a = world.structures[&FT_A].to_string();
    let offer = format!("offre_{}", world.offer_x);
    let form = recruiter
        .page(&format!("/actions/nouvelle?offre={}", world.offer_x))
        .await;
    assert_eq!(form.status, 200);
    assert!(
        form.html
            .contains(&format!("name=\"{offer}\" value=\"1\" checked")),
        "the offer is ticked"
    );
    let refused = recruiter
        .post_form(
            "/actions/nouvelle",
            &[
                ("type", "job_dating"),
                ("titre", "Job dating des caristes"),
                ("porteuse", &ft_a),
                (&offer, "1"),
                ("heure", "09:30"),
                ("commune", "93066"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(
        refused.html.contains("Une date au format JJ/MM/AAAA."),
        "{}",
        refused.html
    );
    assert!(
        server
            .state
            .store
            .actions_from(server.now() - Duration::days(400))
            .await
            .unwrap()
            .is_empty()
    );
    let day = (server.now() + Duration::days(10))
        .format("%Y-%m-%d")
        .to_string();
    let created = recruiter
        .post_form(
            "/actions/nouvelle",
            &[
                ("type", "job_dating"),
                ("titre", "Job dating des caristes"),
                ("porteuse", &ft_a),
                (&offer, "1"),
                ("date", &day),
                ("heure", "09:30"),
                ("fin", "12:00"),
                ("commune", "93066"),
                ("adresse", "Salle 2"),
                ("prerequis", "CACES R489\nPermis B"),
                ("public_open_to_disabled_workers", "1"),
            ],
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.html);
    let location = created.location.unwrap();
    assert!(location.ends_with("?fait=action_creee"), "{location}");
    let page = recruiter.page(&location).await;
    assert_eq!(page.status, 200);
    for shown in [
        "Job dating des caristes",
        "En préparation",
        "Ouvert aux travailleurs handicapés",
        "CACES R489",
        "Cariste H/F n°1",
        "09h30",
    ] {
        assert!(page.html.contains(shown), "{shown}: {}", page.html);
    }
    let id = location
        .trim_start_matches("/actions/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let published = recruiter
        .post_form(&format!("/actions/{id}/etat"), &[("vers", "published")])
        .await;
    assert_eq!(published.status, 303);
    let page = recruiter.page(&format!("/actions/{id}")).await;
    assert!(page.html.contains("Publiée"), "{}", page.html);
    // Held before it starts: refused in French.
    let refused = recruiter
        .post_form(&format!("/actions/{id}/etat"), &[("vers", "held")])
        .await;
    assert_eq!(refused.status, 409);
    assert!(
        refused.html.contains("est tenue une fois commencée"),
        "{}",
        refused.html
    );
    server.stop().await;
}

/// A published action over agency X's offer, in two weeks, prepared by its recruiter with FT
/// agency A: its id.
async fn published_action(server: &Server, world: &World, recruiter: &Client, title: &str) -> i64 {
    let (status, action) = recruiter
        .post(
            "/api/v1/actions",
            &json!({
                "kind": "job_dating", "title": title, "lead": world.structures[&FT_A],
                "offers": [world.offer_x], "commune": "93066",
                "starts_at": server.now() + Duration::days(14),
            }),
        )
        .await;
    assert_eq!(status, 201, "{action}");
    let id = action["id"].as_i64().unwrap();
    let (status, body) = recruiter
        .post(
            &format!("/api/v1/actions/{id}/state"),
            &json!({ "to": "published" }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    id
}

/// Invitations drawn by the engine over an action's offers: nobody twice to an action nor
/// past the cap across actions; the organisers see pseudonyms until a person accepts; the
/// person's agency answers (an acceptance registers them), another agency cannot; the
/// unanswered expire; a cancelled action withdraws its open invitations.
pub async fn invitations_are_drawn_relayed_and_answered(db: TestDb) {
    let (server, world) = Server::start_with(db, 12, 0, service::Config::default()).await;
    let recruiter = server.login("recruiter@x.fr").await;
    let advisor = server.login("advisor@a.fr").await;
    let other_advisor = server.login("advisor@b.fr").await;
    let store = server.state.store.clone();
    // A draft draws nothing.
    let (status, draft) = recruiter
        .post(
            "/api/v1/actions",
            &json!({ "kind": "forum", "title": "Forum", "lead": world.structures[&FT_A],
                     "offers": [world.offer_x], "commune": "93066",
                     "starts_at": server.now() + Duration::days(14) }),
        )
        .await;
    assert_eq!(status, 201);
    let draft = draft["id"].as_i64().unwrap();
    let (status, body) = recruiter
        .post(&format!("/api/v1/actions/{draft}/invitations"), &json!({}))
        .await;
    assert_eq!(status, 409, "{body}");

    let first = published_action(&server, &world, &recruiter, "Job dating 1").await;
    let invite = format!("/api/v1/actions/{first}/invitations");
    assert_eq!(other_advisor.post(&invite, &json!({})).await.0, 403);
    assert_eq!(
        recruiter.post(&invite, &json!({ "cap": 11 })).await.1["fields"][0]["path"],
        "/cap"
    );
    let (status, drawn) = recruiter
        .post(&invite, &json!({ "per_position": 10 }))
        .await;
    assert_eq!(status, 201, "{drawn}");
    let invited = drawn["invited"].as_u64().unwrap();
    assert!(invited >= 3, "{drawn}");
    // Drawn again: the same people are not invited twice.
    let (_, again) = recruiter
        .post(&invite, &json!({ "per_position": 10 }))
        .await;
    assert_eq!(again["invited"], 0, "{again}");
    // The organisers see pseudonyms, no name, no status.
    let (status, listed) = recruiter.get(&invite).await;
    assert_eq!(status, 200);
    let rows = listed.as_array().unwrap();
    assert_eq!(rows.len() as u64, invited);
    for row in rows {
        let mut keys: Vec<&str> = row
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "agency",
                "deadline",
                "id",
                "name",
                "offer_id",
                "pseudonym",
                "seat",
                "state"
            ]
        );
        assert_eq!(
            (&row["name"], &row["state"]),
            (&json!(null), &json!("proposed"))
        );
    }
    assert!(!listed.to_string().contains("Durand"), "{listed}");
    // The person's agency sees its people by name, with the answers open.
    let (status, mine) = advisor.get("/api/v1/invitations").await;
    assert_eq!(status, 200, "{mine}");
    let ours: Vec<&serde_json::Value> = mine
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["action_id"] == first)
        .collect();
    assert!(ours.len() >= 3, "{mine}");
    assert!(ours[0]["name"].as_str().unwrap().contains("Durand"));
    assert_eq!(ours[0]["moves"], json!(["relayed", "accepted", "declined"]));
    let accepted = ours[0]["id"].as_i64().unwrap();
    let declined = ours[1]["id"].as_i64().unwrap();
    let person = ours[0]["job_seeker_id"].as_i64().unwrap();
    let answer = |id: i64| format!("/api/v1/invitations/{id}/state");
    // Another agency answers for nobody; the organisers cannot answer for a person.
    assert_eq!(
        other_advisor
            .post(&answer(accepted), &json!({ "to": "accepted" }))
            .await
            .0,
        403
    );
    assert_eq!(
        recruiter
            .post(&answer(accepted), &json!({ "to": "accepted" }))
            .await
            .0,
        403
    );
    assert_eq!(
        advisor
            .post(&answer(accepted), &json!({ "to": "relayed" }))
            .await
            .0,
        204
    );
    assert_eq!(
        advisor
            .post(&answer(accepted), &json!({ "to": "accepted" }))
            .await
            .0,
        204
    );
    assert_eq!(
        advisor
            .post(&answer(declined), &json!({ "to": "declined" }))
            .await
            .0,
        204
    );
    assert_eq!(
        advisor
            .post(&answer(declined), &json!({ "to": "accepted" }))
            .await
            .0,
        409,
        "answered once"
    );
    // Accepted: the organisers now see the person's name and seat.
    let (_, listed) = recruiter.get(&invite).await;
    let row = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == accepted)
        .unwrap();
    assert!(row["name"].as_str().unwrap().contains("Durand"), "{row}");
    assert_eq!(
        (&row["state"], &row["seat"]),
        (&json!("accepted"), &json!("registered"))
    );
    let gathering = store.action(first).await.unwrap().unwrap().gathering_id;
    let seated = store.gathering_registrations(gathering).await.unwrap();
    assert_eq!(
        seated.iter().map(|r| r.participant).collect::<Vec<_>>(),
        [store::Participant::JobSeeker(person)]
    );

    // A second action with a cap of one invitation in thirty days: nobody invited to the
    // first is drawn again.
    let second = published_action(&server, &world, &recruiter, "Job dating 2").await;
    let (status, drawn) = recruiter
        .post(
            &format!("/api/v1/actions/{second}/invitations"),
            &json!({ "per_position": 10, "cap": 1 }),
        )
        .await;
    assert_eq!(status, 201, "{drawn}");
    let first_people: Vec<i64> = store
        .invitations_of_action(first)
        .await
        .unwrap()
        .iter()
        .map(|i| i.invitation.job_seeker_id)
        .collect();
    let second_people: Vec<i64> = store
        .invitations_of_action(second)
        .await
        .unwrap()
        .iter()
        .map(|i| i.invitation.job_seeker_id)
        .collect();
    assert!(
        second_people.iter().all(|p| !first_people.contains(p)),
        "{first_people:?} {second_people:?}"
    );
    // Cancelling the second action withdraws its open invitations.
    let (status, _) = recruiter
        .post(
            &format!("/api/v1/actions/{second}/state"),
            &json!({ "to": "cancelled" }),
        )
        .await;
    assert_eq!(status, 200);
    assert!(
        store
            .invitations_of_action(second)
            .await
            .unwrap()
            .iter()
            .all(|i| i.state == store::InvitationState::Cancelled)
    );
    // Past the deadline the unanswered expire, and nothing can be answered any more.
    server.advance(Duration::days(11));
    let expired = service::actions::invitations::expire_invitations(&server.state, server.now())
        .await
        .unwrap();
    assert_eq!(expired, invited - 2);
    let advisor = server.login("advisor@a.fr").await;
    let (_, mine) = advisor.get("/api/v1/invitations").await;
    assert!(
        mine.as_array()
            .unwrap()
            .iter()
            .all(|i| i["moves"] == json!([])),
        "{mine}"
    );
    server.stop().await;
}

/// The pages: the organisers draw from the action's page, the advisor answers from the
/// invitations page, and the organisers see the person named once they accepted.
pub async fn invitations_through_the_pages(db: TestDb) {
    let (server, world) = Server::start_with(db, 12, 0, service::Config::default()).await;
    let recruiter = server.login("recruiter@x.fr").await;
    let advisor = server.login("advisor@a.fr").await;
    let id = published_action(&server, &world, &recruiter, "Job dating des caristes").await;
    let page = recruiter.page(&format!("/actions/{id}")).await;
    assert!(page.html.contains("Inviter des candidats"), "{}", page.html);
    let drawn = recruiter
        .post_form(&format!("/actions/{id}/invitations"), &[("par_poste", "5")])
        .await;
    assert_eq!(drawn.status, 303, "{}", drawn.html);
    let page = recruiter.page(&format!("/actions/{id}")).await;
    assert!(page.html.contains("À relayer"), "{}", page.html);
    assert!(
        !page.html.contains("Durand"),
        "pseudonyms only: {}",
        page.html
    );
    let list = advisor.page("/invitations").await;
    assert_eq!(list.status, 200);
    assert!(
        list.html.contains("Job dating des caristes"),
        "{}",
        list.html
    );
    assert!(list.html.contains("Durand"), "{}", list.html);
    let first = server
        .state
        .store
        .invitations_of_action(id)
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.invitation.agency_id == world.structures[&FT_A])
        .unwrap();
    let answered = advisor
        .post_form(
            &format!("/invitations/{}/etat", first.id),
            &[("vers", "accepted")],
        )
        .await;
    assert_eq!(answered.status, 303, "{}", answered.html);
    assert_eq!(
        answered.location.as_deref(),
        Some("/invitations?fait=invitation")
    );
    let again = advisor
        .post_form(
            &format!("/invitations/{}/etat", first.id),
            &[("vers", "declined")],
        )
        .await;
    assert_eq!(again.status, 409);
    assert!(
        again.html.contains("déjà reçu sa réponse"),
        "{}",
        again.html
    );
    let page = recruiter.page(&format!("/actions/{id}")).await;
    assert!(
        page.html.contains("Durand"),
        "named once accepted: {}",
        page.html
    );
    assert!(page.html.contains("inscrit(e)"), "{}", page.html);
    server.stop().await;
}
