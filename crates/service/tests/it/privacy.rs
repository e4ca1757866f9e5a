//! The privacy defects found by the independent probe, each pinned by a test named after it:
//! rights through an offer's owner are the offer's side only; seats fit their structure's
//! kind; pages list exactly the referrals the API gives that user; a proposal must satisfy
//! the consent's scope and the engine's hard conditions, and its refusal tells an agency
//! nothing about the person.

use serde_json::{Value, json};
use store::*;
use testdb::TestDb;
use testdb::fixtures::*;

use crate::support::*;

/// An offer owned by a France Travail agency (FT_B), taken into the engine.
async fn offer_of_france_travail_b(server: &Server) -> i64 {
    let store = server.state.store.clone();
    store
        .upsert_offers(&[offer(3, &siret(FT_B))], t0())
        .await
        .unwrap();
    service::sourcing::refresh(store.as_ref(), &server.state.sourcing, t0())
        .await
        .unwrap();
    server.offer_id(FT_B, "OFF-3").await
}

fn statuses(detail: &Value) -> Vec<String> {
    detail["job_seeker"]["priority_statuses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            s["status"]
                .as_str()
                .unwrap_or(s.as_str().unwrap_or(""))
                .to_string()
        })
        .collect()
}

/// Regression (probe, defect 1): an advisor of a France Travail agency that owns an offer
/// read another agency's job seeker in full, undisclosed RQTH included, and accepted for them.
pub async fn owning_an_offer_gives_the_offers_side_never_the_persons(db: TestDb) {
    let (server, world) = Server::start(db).await;
    let offer = offer_of_france_travail_b(&server).await;
    // Job seeker 6 is followed by FT_A: RQTH private, long-term unemployment disclosed.
    let seeker = world.seekers[&6];
    let referral = server
        .state
        .store
        .create_referral(seeker, offer, None, None, server.now())
        .await
        .unwrap()
        .id;
    let owner_advisor = server.login("advisor@b.fr").await;
    let own_advisor = server.login("advisor@a.fr").await;
    let detail = format!("/api/v1/referrals/{referral}");
    let moves = format!("/api/v1/referrals/{referral}/transitions");

    let (status, before) = owner_advisor.get(&detail).await;
    assert_eq!(status, 200, "{before}");
    assert_eq!(before["job_seeker"]["fields"], "pseudonymous", "{before}");
    assert!(!before.to_string().contains("Durand"), "{before}");
    assert!(statuses(&before).is_empty(), "{before}");
    for answer in ["accepted", "declined"] {
        let (status, body) = owner_advisor.post(&moves, &json!({ "to": answer })).await;
        assert_eq!(
            status, 403,
            "the offer's owner answered {answer} for the person: {body}"
        );
    }
    assert_eq!(
        server.referral_state(referral).await,
        ReferralState::Proposed
    );
    // The referral's page shows the same: no name, no button to answer for the person.
    let page = owner_advisor
        .page(&format!("/mises-en-relation/{referral}"))
        .await;
    assert_eq!(page.status, 200);
    let html = page.html;
    assert!(!html.contains("Durand"), "the name on the owner's page");
    assert!(
        !html.contains(r#"name="to" value="accepted""#),
        "an accept button"
    );
    assert!(
        !html.contains(r#"name="to" value="declined""#),
        "a decline button"
    );
    // The person's own agency sees everything and answers for them.
    let html = own_advisor
        .page(&format!("/mises-en-relation/{referral}"))
        .await
        .html;
    assert!(
        html.contains("Durand"),
        "the name on the person's agency's page"
    );
    assert!(
        html.contains(r#"name="to" value="accepted""#),
        "their accept button"
    );
    let (_, full) = own_advisor.get(&detail).await;
    assert_eq!(full["job_seeker"]["fields"], "full", "{full}");
    let (status, body) = own_advisor.post(&moves, &json!({ "to": "accepted" })).await;
    assert_eq!(status, 200, "{body}");
    // Accepted: the owner sees the identity and only the disclosed status.
    let (_, after) = owner_advisor.get(&detail).await;
    assert_eq!(after["job_seeker"]["fields"], "identity", "{after}");
    assert!(after.to_string().contains("Durand"), "{after}");
    assert_eq!(statuses(&after), ["long_term"], "{after}");
    assert!(!after.to_string().contains("rqth"), "{after}");
    // ... and moves the offer's side, not the person's.
    let (status, body) = owner_advisor
        .post(&moves, &json!({ "to": "interview" }))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        own_advisor
            .post(
                &moves,
                &json!({ "to": "hired", "hire_starts_on": "2026-04-01" })
            )
            .await
            .0,
        403
    );
    server.stop().await;
}

/// A seat of each role in the offer's owner structure (where such a seat may exist): what it
/// reads of a referral not yet accepted and whether it may answer for the person. Written out.
pub async fn each_role_seated_in_the_offers_owner(db: TestDb) {
    let (server, world) = Server::start(db).await;
    let ft_offer = offer_of_france_travail_b(&server).await;
    let store = server.state.store.clone();
    let password = service::auth::hash_password(PASSWORD).unwrap();
    // (role, owner structure, the offer, expected read, fields when read, accept status)
    let cases: &[(Role, u32, i64, u16, &str, u16)] = &[
        (Role::Advisor, FT_B, ft_offer, 200, "pseudonymous", 403),
        (Role::Steering, FT_B, ft_offer, 403, "", 403),
        (Role::Admin, FT_B, ft_offer, 403, "", 403),
        (
            Role::Recruiter,
            AGENCY_X,
            world.offer_x,
            200,
            "pseudonymous",
            403,
        ),
        (
            Role::AgencyManager,
            AGENCY_X,
            world.offer_x,
            200,
            "pseudonymous",
            403,
        ),
        (Role::Admin, AGENCY_X, world.offer_x, 403, "", 403),
    ];
    for (i, (role, owner, offer, read, fields, accept)) in cases.iter().enumerate() {
        let email = format!("seat{i}@owner.fr");
        let user = store
            .create_user(
                &NewUser {
                    email: domain::Email::parse(&email).unwrap(),
                    display_name: email.clone(),
                    password_hash: Some(password.clone()),
                },
                t0(),
            )
            .await
            .unwrap();
        store
            .set_membership(user.id, world.structures[owner], *role, t0())
            .await
            .unwrap();
        // A fresh referral of FT_A's job seeker 6 for each seat's offer.
        let referral = match store
            .create_referral(world.seekers[&6], *offer, None, None, server.now())
            .await
        {
            Ok(r) => r.id,
            Err(_) => {
                store
                    .referrals(ReferralScope::Offer(*offer), 0, 10)
                    .await
                    .unwrap()[0]
                    .id
            }
        };
        let client = server.login(&email).await;
        let (status, body) = client.get(&format!("/api/v1/referrals/{referral}")).await;
        assert_eq!(status.as_u16(), *read, "{role} of the owner reads: {body}");
        if *read == 200 {
            assert_eq!(body["job_seeker"]["fields"], *fields, "{role}: {body}");
        }
        let (status, body) = client
            .move_referral(referral, &json!({ "to": "accepted" }))
            .await;
        assert_eq!(
            status.as_u16(),
            *accept,
            "{role} of the owner accepts: {body}"
        );
    }
    server.stop().await;
}

/// Regression (probe, defect 1): a seat's role must fit its structure's kind. Every role in
/// every kind of structure, through the administrators' API; the table is written out here.
pub async fn a_seat_fits_its_structures_kind(db: TestDb) {
    let (server, _world) = Server::start(db).await;
    let kinds = [
        (StructureKind::FranceTravail, 11),
        (StructureKind::AgenceEmploi, 12),
        (StructureKind::CapEmploi, 13),
        (StructureKind::MissionLocale, 14),
        (StructureKind::Akto, 15),
        (StructureKind::Fastt, 16),
        (StructureKind::Other, 17),
    ];
    let records: Vec<_> = kinds.iter().map(|(k, n)| structure(*n, *k)).collect();
    server
        .state
        .store
        .upsert_structures(&records, t0())
        .await
        .unwrap();
    // Columns: france_travail, agence_emploi, cap_emploi, mission_locale, akto, fastt, other.
    let allowed: &[(&str, [bool; 7])] = &[
        ("advisor", [true, false, false, false, false, false, false]),
        (
            "recruiter",
            [false, true, false, false, false, false, false],
        ),
        (
            "agency_manager",
            [false, true, false, false, false, false, false],
        ),
        ("partner", [false, false, true, true, true, true, true]),
        ("steering", [true, false, false, false, false, false, true]),
        ("admin", [true, true, true, true, true, true, true]),
    ];
    let admin = server.login("admin@d.fr").await;
    let mut failures = Vec::new();
    for (role, row) in allowed {
        for ((kind, n), fits) in kinds.iter().zip(row) {
            let (status, body) = admin
                .post(
                    "/api/v1/users",
                    &json!({
                        "email": format!("{role}.{n}@seat.fr"), "display_name": "Seat",
                        "password": "a long enough password", "role": role,
                        "structure": siret(*n).as_str(),
                    }),
                )
                .await;
            let expected = if *fits { 201 } else { 422 };
            if status.as_u16() != expected {
                failures.push(format!(
                    "{role} in {kind}: expected {expected}, got {status}: {body}"
                ));
            } else if !fits && body["fields"][0]["path"] != "/role" {
                failures.push(format!("{role} in {kind}: the refusal names {body}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Nothing half-written: a refused seat left no account behind.
    let (_, users) = admin.get("/api/v1/users").await;
    assert!(
        !users.to_string().contains("recruiter.11@seat.fr"),
        "{users}"
    );
    server.stop().await;
}

/// Regression (probe, defect 2): the person's page, as an agency sees it after one accepted
/// referral, listed the person's referrals to other agencies' offers; an offer's page showed
/// an advisor the referrals of other agencies' job seekers. Pages show what the API returns.
pub async fn pages_list_only_the_referrals_the_api_gives(db: TestDb) {
    let (server, world) = Server::start(db).await;
    let ft_offer = offer_of_france_travail_b(&server).await;
    let store = server.state.store.clone();
    let seeker = world.seekers[&6];
    let mut ids = Vec::new();
    for offer in [world.offer_x, world.offer_y, ft_offer] {
        ids.push(
            store
                .create_referral(seeker, offer, None, None, server.now())
                .await
                .unwrap()
                .id,
        );
    }
    let own_advisor = server.login("advisor@a.fr").await;
    let (status, body) = own_advisor
        .post(
            &format!("/api/v1/referrals/{}/transitions", ids[0]),
            &json!({ "to": "accepted" }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let recruiter = server.login("recruiter@x.fr").await;
    let referral_ids = |v: &Value| -> Vec<i64> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_i64().unwrap())
            .collect()
    };
    // The API: the agency sees its own referral of the person; their agency sees all three.
    let (status, listed) = recruiter
        .get(&format!("/api/v1/job-seekers/{seeker}/referrals"))
        .await;
    assert_eq!(status, 200, "{listed}");
    assert_eq!(referral_ids(&listed), [ids[0]]);
    let (_, listed) = own_advisor
        .get(&format!("/api/v1/job-seekers/{seeker}/referrals"))
        .await;
    assert_eq!(referral_ids(&listed), ids);
    // The page, as the agency sees it: its own offer, not Y's nor France Travail's.
    let page = recruiter.page(&format!("/demandeurs/{seeker}")).await;
    assert_eq!(page.status, 200);
    let html = page.html;
    assert!(html.contains("Cariste H/F n°1"), "{html}");
    assert!(
        !html.contains("Cariste H/F n°2"),
        "agency Y's offer shown to X"
    );
    assert!(
        !html.contains("Cariste H/F n°3"),
        "France Travail's offer shown to X"
    );

    // An offer's page, as another France Travail agency's advisor sees it: not A's person.
    let pseudonym = {
        let (_, person) = own_advisor
            .get(&format!("/api/v1/job-seekers/{seeker}"))
            .await;
        person["pseudonym"].as_str().unwrap().to_string()
    };
    let other_advisor = server.login("advisor@b.fr").await;
    let (status, listed) = other_advisor
        .get(&format!("/api/v1/offers/{}/referrals", world.offer_x))
        .await;
    assert_eq!(status, 200, "{listed}");
    assert_eq!(referral_ids(&listed), Vec::<i64>::new());
    let html = other_advisor
        .page(&format!("/offres/{}", world.offer_x))
        .await
        .html;
    // The shortlist may show the person by pseudonym; the referrals must not.
    let referrals_part = |html: &str| {
        html.split_once("id=\"mises-en-relation\"")
            .map(|(_, after)| after.to_string())
            .unwrap()
    };
    assert!(
        !referrals_part(&html).contains(&pseudonym),
        "A's job seeker among B's view of the offer's referrals"
    );
    let (_, listed) = own_advisor
        .get(&format!("/api/v1/offers/{}/referrals", world.offer_x))
        .await;
    assert_eq!(referral_ids(&listed), [ids[0]]);
    let html = own_advisor
        .page(&format!("/offres/{}", world.offer_x))
        .await
        .html;
    assert!(
        referrals_part(&html).contains(&pseudonym),
        "the person's own advisor sees their referral"
    );
    server.stop().await;
}

/// Regression (probe, defect 3): a person who consented to their own department's agencies
/// only was proposed by an agency of another department, for an offer beyond their commute
/// limit; and the refusal told "unknown", "no consent" and "inactive" apart.
pub async fn a_proposal_respects_consent_scope_and_eligibility(db: TestDb) {
    let (server, world) = Server::start(db).await;
    let store = server.state.store.clone();
    // 22 and 26 live in Paris 11e (department 75), want N1101, commute up to 32 and 36 km:
    // 22 consents to their department's agencies only, 26 to all. 10 is suspended.
    let mut paris_only = job_seeker(22, &siret(FT_A));
    paris_only.commune = domain::InseeCode::parse("75111").unwrap();
    paris_only.available_from = Some(date(2026, 3, 1));
    paris_only.consent = Some(Consent {
        given_at: at(2),
        scope: ConsentScope::DepartmentAgencies,
    });
    let mut everywhere = paris_only.clone();
    everywhere.external_id = domain::ExternalId::parse("0000026A").unwrap();
    everywhere.consent = Some(Consent {
        given_at: at(2),
        scope: ConsentScope::AllAgencies,
    });
    let mut suspended = job_seeker(10, &siret(FT_A));
    suspended.status = JobSeekerStatus::Suspended;
    // An offer of agency X in Melun (77), 40 km from Saint-Denis.
    let mut far = offer(9, &siret(AGENCY_X));
    far.commune = domain::InseeCode::parse("77288").unwrap();
    far.postcode = Some(domain::Postcode::parse("77000").unwrap());
    far.coordinates = Some((48.5421, 2.6554));
    store
        .upsert_job_seekers(
            &[paris_only.clone(), everywhere.clone(), suspended.clone()],
            t0(),
        )
        .await
        .unwrap();
    store.upsert_offers(&[far], t0()).await.unwrap();
    service::sourcing::refresh(store.as_ref(), &server.state.sourcing, t0())
        .await
        .unwrap();
    let id_of = |record: &JobSeekerRecord| {
        let store = store.clone();
        let external = record.external_id.clone();
        async move { store.job_seeker(&external).await.unwrap().unwrap().id }
    };
    let (paris_only, everywhere, suspended) = (
        id_of(&paris_only).await,
        id_of(&everywhere).await,
        id_of(&suspended).await,
    );
    let far = server.offer_id(AGENCY_X, "OFF-9").await;
    let recruiter = server.login("recruiter@x.fr").await;
    let propose = |offer: i64, seeker: i64| json!({ "offer_id": offer, "job_seeker_id": seeker });

    // Agency X is in Seine-Saint-Denis (93): not the department of 22's consent.
    let (status, refused_scope) = recruiter
        .post("/api/v1/referrals", &propose(world.offer_x, paris_only))
        .await;
    assert_eq!(status, 422, "{refused_scope}");
    let (status, body) = recruiter
        .post("/api/v1/referrals", &propose(world.offer_x, everywhere))
        .await;
    assert_eq!(status, 201, "consent to every agency: {body}");
    // Beyond the commute limit of 6 (16 km).
    let (status, refused_far) = recruiter
        .post("/api/v1/referrals", &propose(far, world.seekers[&6]))
        .await;
    assert_eq!(status, 422, "{refused_far}");
    // Unknown, not consenting (8), suspended (10), not eligible: one and the same answer.
    let mut answers = vec![refused_scope, refused_far];
    for seeker in [987_654, world.seekers[&8], suspended] {
        let (status, body) = recruiter
            .post("/api/v1/referrals", &propose(world.offer_x, seeker))
            .await;
        assert_eq!(status, 422, "{seeker}: {body}");
        answers.push(body);
    }
    for answer in &answers {
        assert_eq!(answer, &answers[0], "an agency can tell refusals apart");
        assert_eq!(answer["fields"][0]["path"], "/job_seeker_id");
    }
    // The person's own agency is told why.
    let advisor = server.login("advisor@a.fr").await;
    let (status, body) = advisor
        .post(
            "/api/v1/referrals",
            &propose(world.offer_x, world.seekers[&8]),
        )
        .await;
    assert_eq!(status, 422);
    assert!(body.to_string().contains("consented"), "{body}");
    // Nothing was written by the refusals.
    let written = store
        .referrals(
            ReferralScope::OfferOwner(world.structures[&AGENCY_X]),
            0,
            100,
        )
        .await
        .unwrap();
    assert_eq!(written.len(), 1, "{written:?}");
    server.stop().await;
}
