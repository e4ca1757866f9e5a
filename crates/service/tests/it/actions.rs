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
    // Nor with another structure's offers, even named co-organiser.
    let (status, body) = recruiter
        .post(
            "/api/v1/actions",
            &json!({ "kind": "forum", "title": "Forum", "lead": ft_a, "partners": [x, y],
                     "offers": [world.offer_y], "commune": "93066", "starts_at": starts }),
        )
        .await;
    assert_eq!(
        (status.as_u16(), &body["fields"][0]["path"]),
        (422, &json!("/offers/0")),
        "{body}"
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
    // The form's first fields, the same in both posts below.
    let caristes = [
        ("type", "job_dating"),
        ("titre", "Job dating des caristes"),
        ("porteuse", ft_a.as_str()),
        (offer.as_str(), "1"),
    ];
    let refused = recruiter
        .post_form(
            "/actions/nouvelle",
            &[&caristes[..], &[("heure", "09:30"), ("commune", "93066")]].concat(),
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
                &caristes[..],
                &[
                    ("date", day.as_str()),
                    ("heure", "09:30"),
                    ("fin", "12:00"),
                    ("commune", "93066"),
                    ("adresse", "Salle 2"),
                    ("prerequis", "CACES R489\nPermis B"),
                    ("public_open_to_disabled_workers", "1"),
                ],
            ]
            .concat(),
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
    // The campaign behind the draw, against the best possible: each person drawn was proposed
    // at least once, and no assignment of the same lists can beat the bound.
    let report = &drawn["campaign"];
    assert_eq!(
        report["people_proposed"].as_u64().unwrap(),
        invited,
        "{drawn}"
    );
    assert!(report["proposals"].as_u64().unwrap() >= invited, "{drawn}");
    let (total, bound) = (
        report["total_score"].as_f64().unwrap(),
        report["bound"].as_f64().unwrap(),
    );
    assert!(total > 0.0 && bound >= total, "{drawn}");
    assert!((report["gap"].as_f64().unwrap() - (1.0 - total / bound)).abs() < 1e-9);
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
    // Another agency answers for nobody; the organisers cannot answer for a person.
    assert_eq!(
        other_advisor.answer_invitation(accepted, "accepted").await,
        403
    );
    assert_eq!(recruiter.answer_invitation(accepted, "accepted").await, 403);
    assert_eq!(advisor.answer_invitation(accepted, "relayed").await, 204);
    assert_eq!(advisor.answer_invitation(accepted, "accepted").await, 204);
    assert_eq!(advisor.answer_invitation(declined, "declined").await, 204);
    assert_eq!(
        advisor.answer_invitation(declined, "accepted").await,
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
    // The draw's campaign in words, from the audit trail's record of it.
    assert!(page.html.contains("Dernier tirage"), "{}", page.html);
    assert!(page.html.contains("meilleur possible"), "{}", page.html);
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

/// An action with three people of FT agency A registered (their invitations accepted), then
/// over: (action id, the three people's ids, the number invited).
async fn held_action_with_three(
    server: &Server,
    world: &World,
    recruiter: &Client,
    advisor: &Client,
) -> (i64, Vec<i64>, u64) {
    let id = published_action(server, world, recruiter, "Job dating des caristes").await;
    let (status, drawn) = recruiter
        .post(
            &format!("/api/v1/actions/{id}/invitations"),
            &json!({ "per_position": 10 }),
        )
        .await;
    assert_eq!(status, 201, "{drawn}");
    let (_, mine) = advisor.get("/api/v1/invitations").await;
    let mut people = Vec::new();
    for invitation in mine.as_array().unwrap().iter().take(3) {
        assert_eq!(
            advisor
                .answer_invitation(&invitation["id"], "accepted")
                .await,
            204
        );
        people.push(invitation["job_seeker_id"].as_i64().unwrap());
    }
    assert_eq!(people.len(), 3, "{mine}");
    (id, people, drawn["invited"].as_u64().unwrap())
}

/// Attendance once the action is over, outcomes from its start to 90 days after (a hire or an
/// interview for its offer moves the referral), each wrong field named; the funnel counted,
/// each figure under 20 withheld for those who do not organise it; the attendance sheet as a
/// spreadsheet with the names the organisers may read.
pub async fn outcomes_move_the_referral_and_the_funnel_counts_them(db: TestDb) {
    let (server, world) = Server::start_with(db, 12, 0, service::Config::default()).await;
    let recruiter = server.login("recruiter@x.fr").await;
    let advisor = server.login("advisor@a.fr").await;
    let (id, people, invited) = held_action_with_three(&server, &world, &recruiter, &advisor).await;
    let base = format!("/api/v1/actions/{id}");
    let attendance = |person: i64, attendance: &str| json!({ "job_seeker_id": person, "attendance": attendance });
    // Before the action: no attendance, no outcome.
    assert_eq!(
        recruiter
            .post(
                &format!("{base}/attendance"),
                &attendance(people[0], "present")
            )
            .await
            .0,
        409
    );
    // An outcome dated today, before the action's day: refused, naming the date.
    let interview = |person: i64| json!({ "job_seeker_id": person, "kind": "interview" });
    assert_eq!(
        recruiter
            .post(&format!("{base}/outcomes"), &interview(people[0]))
            .await
            .1["fields"][0]["path"],
        "/on"
    );
    server.advance(Duration::days(14) + Duration::hours(3));
    let recruiter = server.login("recruiter@x.fr").await;
    let advisor = server.login("advisor@a.fr").await;
    let other = server.login("recruiter@y.fr").await;
    // The participants, named: they accepted.
    let (status, listed) = recruiter.get(&format!("{base}/participants")).await;
    assert_eq!(status, 200, "{listed}");
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 3);
    assert!(
        listed
            .iter()
            .all(|p| p["name"].as_str().unwrap().contains("Durand"))
    );
    assert_eq!(other.get(&format!("{base}/participants")).await.0, 403);
    for (person, came) in people.iter().zip(["present", "present", "absent"]) {
        let (status, body) = recruiter
            .post(&format!("{base}/attendance"), &attendance(*person, came))
            .await;
        assert_eq!(status, 204, "{body}");
    }
    let (status, body) = recruiter
        .post(
            &format!("{base}/attendance"),
            &attendance(people[0], "late"),
        )
        .await;
    assert_eq!(
        (status.as_u16(), &body["fields"][0]["path"]),
        (422, &json!("/attendance"))
    );
    assert_eq!(
        recruiter
            .post(&format!("{base}/attendance/close"), &json!({}))
            .await
            .0,
        204
    );
    // Outcomes: each wrong field named.
    let outcomes = format!("{base}/outcomes");
    let outcome = |body: serde_json::Value| {
        let recruiter = &recruiter;
        let outcomes = outcomes.clone();
        async move { recruiter.post(&outcomes, &body).await }
    };
    for (body, field) in [
        (
            json!({ "job_seeker_id": people[0], "kind": "hire" }),
            "/contract_type",
        ),
        (
            json!({ "job_seeker_id": people[0], "kind": "hire", "contract_type": "CDI", "contract_months": 3 }),
            "/contract_months",
        ),
        (
            json!({ "job_seeker_id": people[0], "kind": "training", "contract_type": "CDD" }),
            "/contract_type",
        ),
        (
            json!({ "job_seeker_id": people[0], "kind": "interview", "offer_id": world.offer_y }),
            "/offer_id",
        ),
        (
            json!({ "job_seeker_id": people[0], "kind": "party" }),
            "/kind",
        ),
        (
            json!({ "job_seeker_id": world.seekers[&7], "kind": "interview" }),
            "/job_seeker_id",
        ),
    ] {
        let (status, answer) = outcome(body.clone()).await;
        assert_eq!(status, 422, "{body}: {answer}");
        assert_eq!(answer["fields"][0]["path"], field, "{body}: {answer}");
    }
    let (status, hired) = outcome(json!({
        "job_seeker_id": people[0], "kind": "hire", "offer_id": world.offer_x,
        "contract_type": "CDD", "contract_months": 6, "on": "2026-04-01",
    }))
    .await;
    assert_eq!(status, 201, "{hired}");
    assert_eq!(
        outcome(json!({ "job_seeker_id": people[0], "kind": "hire", "contract_type": "CDI" }))
            .await
            .0,
        409
    );
    let (status, _) = outcome(json!({
        "job_seeker_id": people[1], "kind": "interview", "offer_id": world.offer_x,
    }))
    .await;
    assert_eq!(status, 201);
    assert_eq!(
        outcome(json!({ "job_seeker_id": people[2], "kind": "training" }))
            .await
            .0,
        201
    );
    // A co-organiser who does not own the offer notes an interview: it stands, and the
    // offer's own structure moves its referrals.
    let (status, noted) = advisor
        .post(
            &format!("{base}/outcomes"),
            &json!({ "job_seeker_id": people[0], "kind": "interview", "offer_id": world.offer_x }),
        )
        .await;
    assert_eq!(status, 201, "{noted}");
    assert!(
        noted["referral_not_moved"]
            .as_str()
            .unwrap()
            .contains("another organiser"),
        "{noted}"
    );
    // An outcome dated before the action, or a hire without a contract: refused.
    for (body, field) in [
        (
            json!({ "job_seeker_id": people[1], "kind": "training", "on": "1900-01-01" }),
            "/on",
        ),
        (
            json!({ "job_seeker_id": people[1], "kind": "hire", "contract_type": "", "contract_months": 3 }),
            "/contract_type",
        ),
    ] {
        let (status, answer) = outcome(body.clone()).await;
        assert_eq!(
            (status.as_u16(), &answer["fields"][0]["path"]),
            (422, &json!(field)),
            "{body}: {answer}"
        );
    }
    // A person who withdrew their consent since: the interview is noted, the referral does not
    // follow (the answer says why), and nothing else moves.
    let (status, _) = advisor
        .send(
            "PUT",
            &format!("/api/v1/job-seekers/{}/consent", people[2]),
            Some(&json!({ "scope": null, "channel": "phone" })),
        )
        .await;
    assert_eq!(status, 200);
    let (status, noted) = outcome(json!({
        "job_seeker_id": people[2], "kind": "interview", "offer_id": world.offer_x,
    }))
    .await;
    assert_eq!(status, 201, "{noted}");
    assert!(noted["referral_id"].is_null(), "{noted}");
    assert!(
        noted["referral_not_moved"]
            .as_str()
            .unwrap()
            .contains("consent"),
        "{noted}"
    );
    // The referrals followed: hired for the first, at interview for the second.
    let store = server.state.store.clone();
    for (person, state) in [
        (people[0], store::ReferralState::Hired),
        (people[1], store::ReferralState::Interview),
    ] {
        let referrals = store
            .referrals(store::ReferralScope::JobSeeker(person), 0, 10)
            .await
            .unwrap();
        let referral = referrals
            .iter()
            .find(|r| r.offer_id == world.offer_x)
            .unwrap();
        assert_eq!(referral.state, state);
    }
    assert!(
        store
            .referrals(store::ReferralScope::JobSeeker(people[2]), 0, 10)
            .await
            .unwrap()
            .is_empty()
    );
    // The funnel: every count for the organisers; under 20 withheld for the others; each
    // public's figure under 20 withheld for all.
    let stages = |body: &serde_json::Value| -> Vec<serde_json::Value> {
        body["stages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["count"].clone())
            .collect()
    };
    let (status, funnel) = recruiter.get(&format!("{base}/funnel")).await;
    assert_eq!(status, 200);
    assert_eq!(
        stages(&funnel),
        [json!(invited), json!(3), json!(2), json!(3), json!(1)]
    );
    // No figure by public to anyone who moves people: it would change as they act.
    assert!(
        funnel["stages"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["by_public"] == json!([])),
        "{funnel}"
    );
    let steering = server.login("steering@d.fr").await;
    let (_, seen) = steering.get(&format!("{base}/funnel")).await;
    let publics = seen["stages"][0]["by_public"].as_array().unwrap();
    assert_eq!(publics.len(), 6, "{seen}");
    assert!(
        publics.iter().all(|p| p["count"].is_null()),
        "under 20: {seen}"
    );
    let (_, seen) = other.get(&format!("{base}/funnel")).await;
    assert!(
        stages(&seen).iter().all(serde_json::Value::is_null),
        "{seen}"
    );
    let (status, all) = other.get("/api/v1/actions/funnel?year=2026").await;
    assert_eq!(status, 200);
    assert!(stages(&all).iter().all(serde_json::Value::is_null), "{all}");
    // Whole quarters or years only: two windows a day apart would tell one action's figures.
    assert_eq!(
        other.get("/api/v1/actions/funnel?quarter=2026-Q5").await.1["fields"][0]["path"],
        "?quarter"
    );
    assert_eq!(
        other.get("/api/v1/actions/funnel?since=2026-05-01").await.0,
        422
    );
    // The attendance sheet: a spreadsheet naming the participants.
    let response = recruiter.get_raw(&format!("{base}/attendance-sheet")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let bytes = response.bytes().await.unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut strings = String::new();
    std::io::Read::read_to_string(
        &mut archive.by_name("xl/sharedStrings.xml").unwrap(),
        &mut strings,
    )
    .unwrap();
    for shown in [
        "Job dating des caristes",
        "Signature",
        "Durand",
        "présent(e)",
        "absent(e)",
    ] {
        assert!(strings.contains(shown), "{shown}: {strings}");
    }
    assert_eq!(other.get(&format!("{base}/attendance-sheet")).await.0, 403);
    // Held, then closed: its attendance is.
    for to in ["held", "closed"] {
        let (status, body) = recruiter
            .post(&format!("{base}/state"), &json!({ "to": to }))
            .await;
        assert_eq!(status, 200, "{to}: {body}");
    }
    server.stop().await;
}

/// `person` noted present at action `id` from its page.
async fn note_present(recruiter: &Client, id: i64, person: i64) -> Page {
    let person = person.to_string();
    recruiter
        .post_form(
            &format!("/actions/{id}/presence"),
            &[("job_seeker_id", &person), ("presence", "present")],
        )
        .await
}

/// An outcome of `person` noted from action `id`'s page: the `fields` that follow the person.
async fn note_outcome(recruiter: &Client, id: i64, person: i64, fields: &[(&str, &str)]) -> Page {
    let person = person.to_string();
    let mut form = vec![("job_seeker_id", person.as_str())];
    form.extend_from_slice(fields);
    recruiter
        .post_form(&format!("/actions/{id}/resultats"), &form)
        .await
}

/// The same through the pages: attendance and an outcome noted from the action's page, the
/// printable sheet and the spreadsheet.
pub async fn outcomes_through_the_pages(db: TestDb) {
    let (server, world) = Server::start_with(db, 12, 0, service::Config::default()).await;
    let recruiter = server.login("recruiter@x.fr").await;
    let advisor = server.login("advisor@a.fr").await;
    let (id, people, _) = held_action_with_three(&server, &world, &recruiter, &advisor).await;
    let page = recruiter.page(&format!("/actions/{id}")).await;
    assert!(page.html.contains("après l'action"), "{}", page.html);
    let early = note_present(&recruiter, id, people[0]).await;
    assert_eq!(early.status, 409);
    assert!(early.html.contains("se clôt une fois"), "{}", early.html);
    server.advance(Duration::days(14) + Duration::hours(3));
    let recruiter = server.login("recruiter@x.fr").await;
    for person in &people {
        let noted = note_present(&recruiter, id, *person).await;
        assert_eq!(noted.status, 303, "{}", noted.html);
    }
    let refused = note_outcome(&recruiter, id, people[0], &[("resultat", "hire")]).await;
    assert_eq!(refused.status, 409);
    assert!(
        refused.html.contains("avec son contrat"),
        "{}",
        refused.html
    );
    let offer = world.offer_x.to_string();
    let hire = [
        ("resultat", "hire"),
        ("offre", offer.as_str()),
        ("contrat", "MIS"),
        ("duree", "3"),
        ("date", "2026-04-02"),
    ];
    let noted = note_outcome(&recruiter, id, people[0], &hire).await;
    assert_eq!(noted.status, 303, "{}", noted.html);
    let page = recruiter.page(&format!("/actions/{id}")).await;
    for shown in [
        "présent(e)",
        "Embauche (",
        "3 mois) le 02/04/2026",
        "Clore la présence",
        "Embauchées",
    ] {
        assert!(page.html.contains(shown), "{shown}: {}", page.html);
    }
    let sheet = recruiter.page(&format!("/actions/{id}/emargement")).await;
    assert_eq!(sheet.status, 200);
    assert!(sheet.html.contains("Feuille d'émargement") && sheet.html.contains("Durand"));
    let xlsx = recruiter
        .get_raw(&format!("/actions/{id}/emargement.xlsx"))
        .await;
    assert_eq!(xlsx.status(), 200);
    assert!(xlsx.bytes().await.unwrap().starts_with(b"PK"));
    server.stop().await;
}
