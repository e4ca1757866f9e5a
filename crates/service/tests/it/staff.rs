//! A structure's people: an agency manager invites a recruiter (an e-mail through the
//! outbox, accepted once by setting a password), who signs in and sees the agency's offers;
//! seats suspended, reactivated and removed, their rights ending at once; nobody manages
//! another structure's people, gives a role their seat does not manage, or suspends their own
//! seat; every change audited, the invitation's token never.

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};
use store::*;
use testdb::TestDb;
use testdb::fixtures::siret;

use crate::support::*;

const ACCEPT_FORM: &str = "/equipe/invitation";
const MARKER: &str = "/equipe/invitation?jeton=";

/// The token of the newest invitation to this address in the outbox.
async fn token_sent_to(server: &Server, email: &str) -> String {
    let pending = server.state.store.pending_messages(200).await.unwrap();
    let message = pending
        .iter()
        .rev()
        .find(|m| m.message.recipient == email)
        .expect("an invitation in the outbox");
    let start = message
        .message
        .body
        .find(MARKER)
        .expect("a link in the body");
    message.message.body[start + MARKER.len()..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect()
}

/// Every audit event, as JSON.
async fn audit_trail(server: &Server) -> Vec<AuditEvent> {
    server.state.store.audit_events(0, 10_000).await.unwrap()
}

fn actions_of(events: &[AuditEvent], actor: i64) -> Vec<String> {
    events
        .iter()
        .filter(|e| e.event.actor == Some(actor) && e.event.action.starts_with("staff."))
        .map(|e| e.event.action.clone())
        .collect()
}

async fn user_id(server: &Server, email: &str) -> i64 {
    server
        .state
        .store
        .user_by_email(&domain::Email::parse(email).unwrap())
        .await
        .unwrap()
        .unwrap()
        .id
}

/// Accepts an invitation through the API, anonymously: the status, the body, and a client
/// signed in with the session it opened (if any).
async fn accept(server: &Server, token: &str, password: &str) -> (StatusCode, Value, Client) {
    let mut client = server.anonymous();
    let response = client
        .http
        .post(format!(
            "{}/api/v1/staff/invitations/acceptance",
            server.base
        ))
        .json(&json!({ "token": token, "password": password }))
        .send()
        .await
        .unwrap();
    let status = response.status();
    if let Some(cookie) = response.headers().get("set-cookie") {
        client.cookie = Some(
            cookie
                .to_str()
                .unwrap()
                .split(';')
                .next()
                .unwrap()
                .to_string(),
        );
    }
    let body: Value = response.json().await.unwrap();
    client.csrf = body["csrf_token"].as_str().map(str::to_string);
    (status, body, client)
}

fn members(view: &Value) -> Vec<(&str, &str, &str)> {
    view["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["email"].as_str().unwrap(),
                m["role"].as_str().unwrap(),
                m["status"].as_str().unwrap(),
            )
        })
        .collect()
}

pub async fn a_manager_invites_a_recruiter_who_signs_in_and_sees_the_agencys_offers(db: TestDb) {
    let (server, world) = Server::start(db).await;
    let manager = server.login("manager@x.fr").await;
    let (status, team) = manager.get("/api/v1/staff").await;
    assert_eq!(status, 200, "{team}");
    assert_eq!(team["siret"], siret(AGENCY_X).as_str());
    assert_eq!(
        team["grantable_roles"],
        json!(["recruiter", "agency_manager"])
    );
    assert_eq!(
        members(&team),
        [
            ("manager@x.fr", "agency_manager", "active"),
            ("recruiter@x.fr", "recruiter", "active"),
        ]
    );
    let (status, invitation) = manager
        .post(
            "/api/v1/staff/invitations",
            &json!({ "email": "Nina@x.fr", "display_name": "Nina Roux", "role": "recruiter" }),
        )
        .await;
    assert_eq!(status, 201, "{invitation}");
    assert_eq!(invitation["status"], "pending");
    assert_eq!(invitation["email"], "Nina@x.fr");
    let token = token_sent_to(&server, "Nina@x.fr").await;
    assert_eq!(token.len(), 64);
    let (_, team) = manager.get("/api/v1/staff").await;
    assert_eq!(team["invitations"][0]["display_name"], "Nina Roux");

    // The password is the accounts' rule; the invitation is still there after a refusal.
    let (status, refused, _) = accept(&server, &token, "too short").await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(strings_of(&refused["fields"], "path"), ["/password"]);
    let (status, accepted, nina) = accept(&server, &token, "un mot de passe assez long").await;
    assert_eq!(status, 200, "{accepted}");
    assert_eq!(accepted["created_account"], true);
    assert_eq!(accepted["role"], "recruiter");

    // Signed in at once, as a recruiter of the agency: its offers.
    let (status, me) = nina.get("/api/v1/me").await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["user"]["seats"][0]["role"], "recruiter");
    let (status, offers) = nina
        .get(&format!(
            "/api/v1/offers?structure={}",
            siret(AGENCY_X).as_str()
        ))
        .await;
    assert_eq!(status, 200, "{offers}");
    assert!(
        offers
            .to_string()
            .contains(&format!("\"id\":{}", world.offer_x)),
        "{offers}"
    );
    let (status, _) = nina
        .get(&format!(
            "/api/v1/offers?structure={}",
            siret(AGENCY_Y).as_str()
        ))
        .await;
    assert_eq!(status, 403);
    // And with her password, as anyone.
    let (status, _, _) = accept(&server, &token, "un mot de passe assez long").await;
    assert_eq!(status, 410, "used once");

    let (_, team) = manager.get("/api/v1/staff").await;
    assert!(team["invitations"].as_array().unwrap().is_empty());
    let nina_row = item_where(&team["members"], "email", "Nina@x.fr");
    assert_eq!(nina_row["status"], "active");
    assert!(nina_row["last_sign_in_at"].is_string(), "{nina_row}");
    assert_eq!(nina_row["manageable"], true);
    assert_eq!(
        item_where(&team["members"], "email", "manager@x.fr")["manageable"],
        false,
        "not one's own seat"
    );

    // Audited, the token never.
    let trail = audit_trail(&server).await;
    let manager_id = user_id(&server, "manager@x.fr").await;
    let nina_id = user_id(&server, "nina@x.fr").await;
    assert_eq!(actions_of(&trail, manager_id), ["staff.invite"]);
    assert_eq!(actions_of(&trail, nina_id), ["staff.invitation_accept"]);
    let written = serde_json::to_string(&trail).unwrap();
    assert!(!written.contains(&token));
    assert!(!written.contains(TokenHash::of_token(&token).as_str()));
    server.stop().await;
}

pub async fn a_manager_manages_their_own_agency_only_and_gives_only_the_roles_they_manage(
    db: TestDb,
) {
    let (server, _world) = Server::start(db).await;
    let manager = server.login("manager@x.fr").await;
    let admin = server.login("admin@d.fr").await;
    let other = siret(AGENCY_Y);
    let other = other.as_str();
    let invite = |role: &str, email: &str| json!({ "email": email, "display_name": "Sam Martin", "role": role });
    // Another agency's people: neither read nor written.
    let (status, _) = manager
        .get(&format!("/api/v1/staff?structure={other}"))
        .await;
    assert_eq!(status, 403);
    let (status, _) = manager
        .post(
            &format!("/api/v1/staff/invitations?structure={other}"),
            &invite("recruiter", "sam@y.fr"),
        )
        .await;
    assert_eq!(status, 403);
    let recruiter_y = user_id(&server, "recruiter@y.fr").await;
    for structure in [String::new(), format!("?structure={other}")] {
        let path = format!("/api/v1/staff/members/{recruiter_y}/status{structure}");
        let (status, answer) = manager
            .send("PUT", &path, Some(&json!({ "status": "suspended" })))
            .await;
        assert!(
            matches!(status.as_u16(), 403 | 404),
            "{path}: {status} {answer}"
        );
        let path = format!("/api/v1/staff/members/{recruiter_y}{structure}");
        let (status, _) = manager.delete(&path).await;
        assert!(matches!(status.as_u16(), 403 | 404), "{path}: {status}");
    }
    // Roles their seat does not manage: refused (403) whatever fits the agency.
    for role in ["admin", "advisor", "steering", "partner"] {
        let (status, answer) = manager
            .post("/api/v1/staff/invitations", &invite(role, "sam@x.fr"))
            .await;
        assert_eq!(status, 403, "{role}: {answer}");
    }
    // Bad input names the field.
    let (status, problem) = manager
        .post("/api/v1/staff/invitations", &invite("chef", "sam@x.fr"))
        .await;
    assert_eq!(status, 422);
    assert_eq!(strings_of(&problem["fields"], "path"), ["/role"]);
    let (status, problem) = manager
        .post(
            "/api/v1/staff/invitations",
            &json!({ "email": "pas une adresse", "display_name": " ", "role": "recruiter" }),
        )
        .await;
    assert_eq!(status, 422);
    let mut fields = strings_of(&problem["fields"], "path");
    fields.dedup();
    assert_eq!(fields, ["/email", "/display_name"]);
    // Someone already seated there.
    let (status, _) = manager
        .post(
            "/api/v1/staff/invitations",
            &invite("recruiter", "recruiter@x.fr"),
        )
        .await;
    assert_eq!(status, 409);
    // Nobody suspends nor removes their own seat.
    let manager_id = user_id(&server, "manager@x.fr").await;
    let path = format!("/api/v1/staff/members/{manager_id}/status");
    let (status, _) = manager
        .send("PUT", &path, Some(&json!({ "status": "suspended" })))
        .await;
    assert_eq!(status, 403);
    let (status, _) = manager
        .delete(&format!("/api/v1/staff/members/{manager_id}"))
        .await;
    assert_eq!(status, 403);
    // Recruiters, advisors, partners and the steering committee manage nobody.
    for email in [
        "recruiter@x.fr",
        "advisor@a.fr",
        "partner@p.fr",
        "steering@d.fr",
    ] {
        let client = server.login(email).await;
        let (status, _) = client.get("/api/v1/staff").await;
        assert_eq!(status, 403, "{email}");
        let (status, _) = client
            .post(
                "/api/v1/staff/invitations",
                &invite("recruiter", "zoe@x.fr"),
            )
            .await;
        assert_eq!(status, 403, "{email}");
    }
    // An administrator manages any structure, each role only where it fits.
    let own = siret(AGENCY_X);
    let own = own.as_str();
    let (status, problem) = admin
        .post(
            &format!("/api/v1/staff/invitations?structure={own}"),
            &invite("advisor", "sam@x.fr"),
        )
        .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(strings_of(&problem["fields"], "path"), ["/role"]);
    let (status, _) = admin.get("/api/v1/staff").await;
    assert_eq!(status, 422, "the structure is asked for");
    let (status, in_y) = admin
        .post(
            &format!("/api/v1/staff/invitations?structure={other}"),
            &invite("recruiter", "sam@y.fr"),
        )
        .await;
    assert_eq!(status, 201);
    let (status, in_x) = admin
        .post(
            &format!("/api/v1/staff/invitations?structure={own}"),
            &invite("agency_manager", "sam@x.fr"),
        )
        .await;
    assert_eq!(status, 201);
    // The manager revokes their agency's invitation (once), not another agency's, which is
    // answered as one that does not exist (ids are not enumerated).
    let (status, _) = manager
        .delete(&format!("/api/v1/staff/invitations/{}", in_y["id"]))
        .await;
    assert_eq!(status, 404);
    let path = format!("/api/v1/staff/invitations/{}", in_x["id"]);
    assert_eq!(manager.delete(&path).await.0, 204);
    assert_eq!(manager.delete(&path).await.0, 409);
    assert_eq!(
        manager.delete("/api/v1/staff/invitations/999999").await.0,
        404
    );
    let trail = audit_trail(&server).await;
    assert_eq!(actions_of(&trail, manager_id), ["staff.invitation_revoke"]);
    server.stop().await;
}

pub async fn a_suspended_recruiter_loses_access_at_once_until_reactivated(db: TestDb) {
    let (server, _world) = Server::start(db).await;
    let manager = server.login("manager@x.fr").await;
    let recruiter = server.login("recruiter@x.fr").await;
    let offers = format!("/api/v1/offers?structure={}", siret(AGENCY_X).as_str());
    assert_eq!(recruiter.get(&offers).await.0, 200);
    let recruiter_id = user_id(&server, "recruiter@x.fr").await;
    let status_path = format!("/api/v1/staff/members/{recruiter_id}/status");
    let (status, bad) = manager
        .send("PUT", &status_path, Some(&json!({ "status": "gone" })))
        .await;
    assert_eq!(status, 422);
    assert_eq!(strings_of(&bad["fields"], "path"), ["/status"]);
    let (status, seat) = manager
        .send("PUT", &status_path, Some(&json!({ "status": "suspended" })))
        .await;
    assert_eq!(status, 200, "{seat}");
    assert_eq!(seat["status"], "suspended");
    // Their session stops at once (no other seat), and a new one gives nothing.
    assert_eq!(recruiter.get(&offers).await.0, 401);
    assert_eq!(recruiter.get("/api/v1/me").await.0, 401);
    let again = server.login("recruiter@x.fr").await;
    assert_eq!(again.get(&offers).await.0, 403);
    let (status, seat) = manager
        .send("PUT", &status_path, Some(&json!({ "status": "active" })))
        .await;
    assert_eq!(status, 200);
    assert_eq!(seat["status"], "active");
    assert_eq!(again.get(&offers).await.0, 200);
    // Removed: the account stays (and its history), the seat and the session go.
    let (status, _) = manager
        .delete(&format!("/api/v1/staff/members/{recruiter_id}"))
        .await;
    assert_eq!(status, 204);
    assert_eq!(again.get(&offers).await.0, 401);
    let (_, team) = manager.get("/api/v1/staff").await;
    assert_eq!(
        members(&team),
        [("manager@x.fr", "agency_manager", "active")]
    );
    assert!(
        server
            .state
            .store
            .user(recruiter_id)
            .await
            .unwrap()
            .is_some()
    );
    let manager_id = user_id(&server, "manager@x.fr").await;
    assert_eq!(
        actions_of(&audit_trail(&server).await, manager_id),
        ["staff.suspend", "staff.reactivate", "staff.remove"]
    );
    server.stop().await;
}

/// The invitation's form posted without any session, redirects not followed: the response
/// as is, with the cookie of the session it opens (`Page` keeps no cookie).
async fn post_acceptance(server: &Server, fields: &[(&str, &str)]) -> reqwest::Response {
    let mut client = server.anonymous();
    client.http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut body = form_urlencoded::Serializer::new(String::new());
    body.extend_pairs(fields);
    client
        .post_body(
            ACCEPT_FORM,
            "application/x-www-form-urlencoded",
            body.finish(),
        )
        .await
}

pub async fn the_team_pages_invite_and_the_link_sets_a_password_once_in_french(db: TestDb) {
    let (server, _world) = Server::start(db).await;
    let manager = server.login("manager@x.fr").await;
    let page = manager.page("/equipe").await;
    assert_eq!(page.status, 200);
    assert!(page.html.contains("<h1>Mon équipe</h1>"), "{}", page.html);
    assert!(page.html.contains("href=\"/equipe\""), "in the menu");
    // Errors next to the fields, nothing sent.
    let refused = manager
        .post_form(
            "/equipe/invitations",
            &[
                ("display_name", ""),
                ("email", "pas-une-adresse"),
                ("role", "recruiter"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(
        refused
            .html
            .contains("Renseignez le champ « Nom et prénom »")
    );
    let done = manager
        .post_form(
            "/equipe/invitations",
            &[
                ("display_name", "Léo Petit"),
                ("email", "leo@x.fr"),
                ("role", "admin"),
            ],
        )
        .await;
    assert_eq!(done.status, 403, "a role the manager does not give");
    let done = manager
        .post_form(
            "/equipe/invitations",
            &[
                ("display_name", "Léo Petit"),
                ("email", "leo@x.fr"),
                ("role", "recruiter"),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.html);
    let listed = manager.page(done.location.as_deref().unwrap()).await;
    assert!(listed.html.contains("Léo Petit"));
    assert!(listed.html.contains("invitation est envoyée"));
    let token = token_sent_to(&server, "leo@x.fr").await;

    let anonymous = server.anonymous();
    let form = anonymous.page(&format!("{MARKER}{token}")).await;
    assert_eq!(form.status, 200);
    assert!(form.html.contains("Créer mon compte"), "{}", form.html);
    let refused = anonymous
        .post_form_without_token(
            ACCEPT_FORM,
            &[
                ("jeton", &token),
                ("password", "un mot de passe assez long"),
                ("confirmation", "un autre mot de passe"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(
        refused
            .html
            .contains("Les deux mots de passe ne sont pas identiques.")
    );
    let accepted = post_acceptance(
        &server,
        &[
            ("jeton", &token),
            ("password", "un mot de passe assez long"),
            ("confirmation", "un mot de passe assez long"),
        ],
    )
    .await;
    assert_eq!(accepted.status(), 303);
    assert_eq!(accepted.headers()["location"], "/");
    let cookie = accepted.headers()["set-cookie"].to_str().unwrap();
    // Signed in: the recruiter's dashboard, the agency's offers.
    let mut leo = server.anonymous();
    leo.cookie = Some(cookie.split(';').next().unwrap().to_string());
    let dashboard = leo.page("/tableau-de-bord").await;
    assert_eq!(dashboard.status, 200);
    assert!(dashboard.html.contains("Léo Petit"));

    let used = anonymous.page(&format!("{MARKER}{token}")).await;
    assert_eq!(used.status, 410);
    assert!(used.html.contains("Invitation déjà acceptée"));
    let unknown = anonymous.page(&format!("{MARKER}{}", "0".repeat(64))).await;
    assert_eq!(unknown.status, 404);
    assert!(unknown.html.contains("Invitation introuvable"));

    // Seven days: expired, in French (410), through the API too.
    let (status, _) = manager
        .post(
            "/api/v1/staff/invitations",
            &json!({ "email": "eva@x.fr", "display_name": "Eva", "role": "recruiter" }),
        )
        .await;
    assert_eq!(status, 201);
    let late = token_sent_to(&server, "eva@x.fr").await;
    server.advance(Duration::days(7) + Duration::minutes(1));
    let expired = anonymous.page(&format!("{MARKER}{late}")).await;
    assert_eq!(expired.status, 410);
    assert!(expired.html.contains("Invitation expirée"));
    let (status, problem, _) = accept(&server, &late, "un mot de passe assez long").await;
    assert_eq!(status, 410, "{problem}");
    assert_eq!(problem["code"], "gone");
    server.stop().await;
}

/// What a probe of the feature found, each held: invitations are paced per structure and per
/// address; a manager cannot replace an invitation of a role they do not manage, and every
/// replacement is audited; twelve spaces are no password; the suspension form takes only
/// its two values.
pub async fn invitations_are_paced_and_replaced_only_by_who_may(db: TestDb) {
    let (server, _world) = Server::start(db).await;
    let manager = server.login("manager@x.fr").await;
    let admin = server.login("admin@d.fr").await;
    let agency = siret(AGENCY_X);
    let agency = agency.as_str();
    let invite = |role: &str, email: &str| json!({ "email": email, "display_name": "Sam Martin", "role": role });

    // An administrator's invitation of a role the manager does not manage stays theirs.
    let (status, _) = admin
        .post(
            &format!("/api/v1/staff/invitations?structure={agency}"),
            &invite("agency_manager", "boss@x.fr"),
        )
        .await;
    assert_eq!(status, 201);
    let (status, _) = admin
        .post(
            &format!("/api/v1/staff/invitations?structure={agency}"),
            &invite("admin", "root@x.fr"),
        )
        .await;
    assert!(matches!(status.as_u16(), 201 | 422), "{status}");
    if status == 201 {
        let (status, answer) = manager
            .post(
                "/api/v1/staff/invitations",
                &invite("recruiter", "ROOT@x.fr"),
            )
            .await;
        assert_eq!(status, 403, "{answer}");
    }

    // Replacing one's own invitation is audited.
    let (_, first) = manager
        .post(
            "/api/v1/staff/invitations",
            &invite("recruiter", "sam@x.fr"),
        )
        .await;
    let (status, second) = manager
        .post(
            "/api/v1/staff/invitations",
            &invite("recruiter", "Sam@x.fr"),
        )
        .await;
    assert_eq!(status, 201, "{second}");
    let trail = audit_trail(&server).await;
    let revoked = trail
        .iter()
        .find(|e| {
            e.event.action == "staff.invitation_revoke"
                && e.event.subject_id == first["id"].as_i64()
        })
        .expect("the replaced invitation's revocation is audited");
    assert_eq!(revoked.event.detail["replaced_by"], second["id"]);

    // A third to the same address in a day is the last one.
    let (status, _) = manager
        .post(
            "/api/v1/staff/invitations",
            &invite("recruiter", "sam@x.fr"),
        )
        .await;
    assert_eq!(status, 201);
    let (status, _) = manager
        .post(
            "/api/v1/staff/invitations",
            &invite("recruiter", "sam@x.fr"),
        )
        .await;
    assert_eq!(status, 429);
    // And a structure sends at most so many in an hour.
    let mut last = StatusCode::CREATED;
    for n in 0..model::staff::INVITATIONS_PER_HOUR {
        let (status, _) = manager
            .post(
                "/api/v1/staff/invitations",
                &invite("recruiter", &format!("r{n}@x.fr")),
            )
            .await;
        last = status;
    }
    assert_eq!(last, 429, "the hour's invitations are paced");
    server.advance(Duration::hours(25));
    // (the session, too, has ended meanwhile)
    let manager = server.login("manager@x.fr").await;
    let (status, _) = manager
        .post(
            "/api/v1/staff/invitations",
            &invite("recruiter", "sam@x.fr"),
        )
        .await;
    assert_eq!(status, 201, "a day later, again");

    // Twelve spaces are no password.
    let token = token_sent_to(&server, "sam@x.fr").await;
    let (status, answer, _) = accept(&server, &token, "            ").await;
    assert_eq!(status, 422, "{answer}");
    assert_eq!(answer["fields"][0]["path"], "/password");

    // The suspension form: suspendre or reactiver, nothing else.
    let recruiter = user_id(&server, "recruiter@x.fr").await;
    for action in ["bogus", ""] {
        let page = manager
            .post_form(
                &format!("/equipe/membres/{recruiter}/suspension"),
                &[("action", action)],
            )
            .await;
        assert_eq!(page.status, 422, "{action:?}: {}", page.html);
    }
    let (_, team) = manager.get("/api/v1/staff").await;
    assert!(
        team["members"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["status"] != "suspended"),
        "{team}"
    );
    server.stop().await;
}
