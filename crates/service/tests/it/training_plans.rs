//! Training before hiring over HTTP: a recruiter builds a POEI plan from a referral the
//! person accepted, the person's advisor agrees (the side that proposed cannot agree alone),
//! the training is followed to the hire, and the contract the POEI asks for is checked: a
//! CDD of six months meets it, one of three months is a breach once every window closed,
//! which the steering committee reads among its counts (no person named). Only the plan's two
//! sides read it; an unknown plan is refused like another's; every wrong field is named; a
//! scheme that does not apply is refused with its rule; and the same through the pages.

use chrono::Duration;
use serde_json::{Value, json};
use store::*;
use testdb::TestDb;
use testdb::fixtures::{date, job_seeker, offer, siret};

use crate::support::*;

/// An open CDI offer `n` of agency X, 35 h a week, filed on 1 March 2026: a POEI may prepare
/// for it. Its id.
async fn cdi_offer(server: &Server, n: u32) -> i64 {
    let mut record = offer(n, &siret(AGENCY_X));
    record.contract_type = ContractType::Cdi;
    record.duration_days = None;
    record.duration_label = None;
    server
        .state
        .store
        .upsert_offers(&[record], server.now())
        .await
        .unwrap();
    server.offer_id(AGENCY_X, &format!("OFF-{n}")).await
}

/// A referral of `seeker` to `offer`, accepted by the person through their advisor: its id.
async fn accepted_referral(server: &Server, advisor: &Client, seeker: i64, offer: i64) -> i64 {
    let referral = server
        .state
        .store
        .create_referral(seeker, offer, None, None, server.now())
        .await
        .unwrap();
    let (status, body) = advisor
        .move_referral(referral.id, &json!({ "to": "accepted" }))
        .await;
    assert_eq!(status, 200, "{body}");
    referral.id
}

/// A POEI of 300 h with a training body, from 1 April to 29 May 2026.
fn poei(offer: i64, seeker: i64) -> Value {
    json!({
        "offer_id": offer, "job_seeker_id": seeker, "scheme": "poei",
        "starts_on": "2026-04-01", "ends_on": "2026-05-29",
        "hours_centre": 300, "hours_enterprise": 0,
    })
}

fn paths(body: &Value) -> Vec<&str> {
    let mut paths = strings_of(&body["fields"], "path");
    paths.sort_unstable();
    paths
}

async fn move_plan(client: &Client, plan: i64, body: Value) -> (reqwest::StatusCode, Value) {
    client
        .post(&format!("/api/v1/training-plans/{plan}/state"), &body)
        .await
}

/// Proposed by the recruiter, agreed by the advisor, under way, completed, then hired on a
/// CDD of `months` from 1 June 2026; the plan's view.
async fn plan_to_hire(
    recruiter: &Client,
    advisor: &Client,
    offer: i64,
    seeker: i64,
    months: u32,
) -> Value {
    let (status, body) = recruiter
        .post("/api/v1/training-plans", &poei(offer, seeker))
        .await;
    assert_eq!(status, 201, "{body}");
    let plan = body["id"].as_i64().unwrap();
    for (client, to) in [
        (advisor, "agreed"),
        (recruiter, "in_training"),
        (advisor, "completed"),
    ] {
        let (status, body) = move_plan(client, plan, json!({ "to": to })).await;
        assert_eq!(
            (status.as_u16(), &body["state"]),
            (200, &json!(to)),
            "{body}"
        );
    }
    let (status, body) = move_plan(
        recruiter,
        plan,
        json!({ "to": "hired",
                "hire": { "contract_type": "CDD", "starts_on": "2026-06-01", "months": months } }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body
}

pub async fn a_training_plan_is_built_agreed_followed_and_its_obligation_checked(db: TestDb) {
    let (server, world) = Server::start(db).await;
    let recruiter = server.login("recruiter@x.fr").await;
    let advisor = server.login("advisor@a.fr").await;
    let other_agency = server.login("recruiter@y.fr").await;
    let other_advisor = server.login("advisor@b.fr").await;
    let steering = server.login("steering@d.fr").await;
    let partner = server.login("partner@p.fr").await;
    let seeker = world.seekers[&6];
    let first_offer = cdi_offer(&server, 200).await;
    let second_offer = cdi_offer(&server, 201).await;
    let referral = accepted_referral(&server, &advisor, seeker, first_offer).await;
    accepted_referral(&server, &advisor, seeker, second_offer).await;

    // The recruiter proposes a POEI: the person is named (they accepted the referral).
    let (status, body) = recruiter
        .post("/api/v1/training-plans", &poei(first_offer, seeker))
        .await;
    assert_eq!(status, 201, "{body}");
    let plan = body["id"].as_i64().unwrap();
    assert_eq!(
        (
            &body["state"],
            &body["side"],
            &body["proposed_side"],
            &body["referral_id"],
            &body["job_seeker"]["name"],
        ),
        (
            &json!("proposed"),
            &json!("offer"),
            &json!("offer"),
            &json!(referral),
            &json!("Aïcha Durand-6"),
        ),
        "{body}"
    );
    assert_eq!(body["moves"], json!(["abandoned"]), "{body}");
    assert_eq!(body["obligation"]["status"], "not_due", "{body}");
    assert_eq!(
        (
            &body["eligibility"]["eligible"],
            &body["eligibility"]["version"]
        ),
        (&json!(true), &json!("poei-2024")),
        "{body}"
    );
    // A second open plan for the same person and offer is refused.
    let (status, body) = recruiter
        .post("/api/v1/training-plans", &poei(first_offer, seeker))
        .await;
    assert_eq!(status, 409, "{body}");
    // The side that proposed cannot agree alone.
    let (status, body) = move_plan(&recruiter, plan, json!({ "to": "agreed" })).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(
        message_of(&body),
        "state: the side that proposed the plan cannot agree to it alone: the other side agrees"
    );
    // The advisor answers for the person's side and agrees.
    let (status, body) = advisor.get(&format!("/api/v1/training-plans/{plan}")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (&body["side"], &body["moves"]),
        (&json!("person"), &json!(["agreed", "abandoned"])),
        "{body}"
    );
    // The person's agency reads the scheme's reasons on every field (the person's RQTH,
    // private, waives the POEI's six months); the agency only on what was disclosed.
    let span = item_where(&body["eligibility"]["reasons"], "key", "span");
    assert_eq!(
        span["text"],
        "the 6-month limit is waived for the disability employment obligation"
    );
    let (_, seen) = recruiter
        .get(&format!("/api/v1/training-plans/{plan}"))
        .await;
    let span = item_where(&seen["eligibility"]["reasons"], "key", "span");
    assert_eq!(
        span["text"],
        "from 1 April 2026 to 29 May 2026, within 6 months"
    );
    assert!(!seen.to_string().contains("disability"), "{seen}");
    let (status, body) = move_plan(&advisor, plan, json!({ "to": "agreed" })).await;
    assert_eq!(
        (status.as_u16(), &body["state"]),
        (200, &json!("agreed")),
        "{body}"
    );
    let (_, body) = move_plan(&recruiter, plan, json!({ "to": "in_training" })).await;
    assert_eq!(body["state"], "in_training", "{body}");
    // Two months of training leave the plan's referral without a move: it is no candidate
    // for expiry, while the person's other accepted referral, followed by no plan, is.
    let idle: Vec<i64> = server
        .state
        .store
        .referrals_idle_since(server.now() + Duration::days(30))
        .await
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    assert!(!idle.contains(&referral), "{idle:?}");
    assert_eq!(idle.len(), 1, "{idle:?}");
    let (_, body) = move_plan(&advisor, plan, json!({ "to": "completed" })).await;
    assert_eq!(body["state"], "completed", "{body}");
    // Completed without a hire: the contract is awaited until the POEI's last window closes
    // (missions within nine months of the end: 29 May 2026 → 28 February 2027).
    assert_eq!(
        (&body["obligation"]["status"], &body["obligation"]["until"]),
        (&json!("pending"), &json!("2027-02-28")),
        "{body}"
    );
    // The hire is the offer's side's, with its contract.
    let cdd = |months: u32| {
        json!({ "to": "hired",
                "hire": { "contract_type": "CDD", "starts_on": "2026-06-01", "months": months } })
    };
    let (status, body) = move_plan(&advisor, plan, cdd(6)).await;
    assert_eq!(status, 409, "{body}");
    let (status, body) = move_plan(&recruiter, plan, json!({ "to": "hired" })).await;
    assert_eq!(
        (status.as_u16(), paths(&body)),
        (422, vec!["/hire"]),
        "{body}"
    );
    let (status, body) = move_plan(&recruiter, plan, cdd(6)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (
            &body["state"],
            &body["obligation"]["status"],
            &body["hire"]["months"]
        ),
        (&json!("hired"), &json!("met"), &json!(6)),
        "{body}"
    );
    assert_eq!(body["moves"], json!([]), "{body}");

    // A second plan hired on a CDD of three months: awaited, then a breach.
    let short = plan_to_hire(&recruiter, &advisor, second_offer, seeker, 3).await;
    let short_id = short["id"].as_i64().unwrap();
    assert_eq!(
        (
            &short["obligation"]["status"],
            &short["obligation"]["until"]
        ),
        (&json!("pending"), &json!("2027-02-28")),
        "{short}"
    );

    // Only the two sides read a plan; an unknown id is refused like another's.
    for client in [&other_agency, &other_advisor, &steering, &partner] {
        for id in [plan, 999_999] {
            let (status, body) = client.get(&format!("/api/v1/training-plans/{id}")).await;
            assert_eq!(status, 403, "{id}: {body}");
        }
        let (status, body) = move_plan(
            client,
            plan,
            json!({ "to": "abandoned", "reason": "other" }),
        )
        .await;
        assert_eq!(status, 403, "{body}");
    }
    let (status, _) = recruiter.get("/api/v1/training-plans/999999").await;
    assert_eq!(status, 403);
    let (_, body) = recruiter.get("/api/v1/training-plans").await;
    assert_eq!(body.as_array().unwrap().len(), 2, "{body}");
    let (_, body) = other_agency.get("/api/v1/training-plans").await;
    assert_eq!(body, json!([]));
    let (_, body) = other_advisor.get("/api/v1/training-plans").await;
    assert_eq!(body, json!([]));
    let (status, body) = recruiter
        .get(&format!("/api/v1/offers/{first_offer}/training-plans"))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(strings_of(&body, "state"), ["hired"]);
    let (status, _) = other_agency
        .get(&format!("/api/v1/offers/{first_offer}/training-plans"))
        .await;
    assert_eq!(status, 403);
    // The advisor of another agency reads the offer, but none of its plans are theirs.
    let (status, body) = other_advisor
        .get(&format!("/api/v1/offers/{first_offer}/training-plans"))
        .await;
    assert_eq!((status.as_u16(), body), (200, json!([])));
    // Every read of the person through a plan is in the audit trail.
    let reads = server.reads_through(seeker, "training_plan").await;
    assert!(reads >= 10, "{reads} reads audited");

    // The steering committee: counts under twenty withheld, no breach yet.
    let (status, body) = steering.get("/api/v1/training-plans/counts").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (
            &body["proposed"],
            &body["hired"],
            &body["breaches"],
            &body["secret_below"]
        ),
        (&Value::Null, &Value::Null, &json!([]), &json!(20)),
        "{body}"
    );
    for client in [&recruiter, &advisor, &partner] {
        let (status, _) = client.get("/api/v1/training-plans/counts").await;
        assert_eq!(status, 403);
    }
    let (status, body) = steering
        .get("/api/v1/training-plans/counts?from=2026-04-01&to=2026-03-01")
        .await;
    assert_eq!(
        (status.as_u16(), paths(&body)),
        (422, vec!["?to"]),
        "{body}"
    );
    // A year on, the windows closed: the three months' CDD is a breach, flagged with its
    // plan, scheme, agency and rule; the six months' still meets the POEI.
    server.advance(Duration::days(360));
    let steering = server.login("steering@d.fr").await;
    let recruiter = server.login("recruiter@x.fr").await;
    let (_, body) = steering.get("/api/v1/training-plans/counts").await;
    assert_eq!(
        body["breaches"],
        json!([{
            "plan_id": short_id, "scheme": "poei", "structure": "Agence 3", "rule": "poei-2024",
            "reason": body["breaches"][0]["reason"],
        }]),
        "{body}"
    );
    assert!(!body.to_string().contains("Durand"), "{body}");
    let (_, body) = recruiter
        .get(&format!("/api/v1/training-plans/{short_id}"))
        .await;
    assert_eq!(
        (&body["obligation"]["status"], &body["obligation"]["rule"]),
        (&json!("breach"), &json!("poei-2024")),
        "{body}"
    );
    let (_, body) = recruiter
        .get(&format!("/api/v1/training-plans/{plan}"))
        .await;
    assert_eq!(body["obligation"]["status"], "met", "{body}");

    // A plan whose referral is cancelled offers only its abandon (signed in again: the
    // months above outlived the sessions).
    let recruiter = server.login("recruiter@x.fr").await;
    let advisor = server.login("advisor@a.fr").await;
    let third_offer = cdi_offer(&server, 202).await;
    let third = accepted_referral(&server, &advisor, seeker, third_offer).await;
    let today = server.now().date_naive();
    let mut later = poei(third_offer, seeker);
    later["starts_on"] = json!((today + chrono::Days::new(14)).to_string());
    later["ends_on"] = json!((today + chrono::Days::new(70)).to_string());
    let (status, body) = recruiter.post("/api/v1/training-plans", &later).await;
    assert_eq!(status, 201, "{body}");
    let third_plan = body["id"].as_i64().unwrap();
    let (_, body) = advisor
        .get(&format!("/api/v1/training-plans/{third_plan}"))
        .await;
    assert_eq!(body["moves"], json!(["agreed", "abandoned"]), "{body}");
    let (status, body) = recruiter
        .move_referral(third, &json!({ "to": "cancelled" }))
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, body) = advisor
        .get(&format!("/api/v1/training-plans/{third_plan}"))
        .await;
    assert_eq!(body["moves"], json!(["abandoned"]), "{body}");
    server.stop().await;
}

pub async fn a_training_plan_names_each_wrong_field_and_a_scheme_that_does_not_apply(db: TestDb) {
    let (server, world) = Server::start(db).await;
    let recruiter = server.login("recruiter@x.fr").await;
    let advisor = server.login("advisor@a.fr").await;
    let other_agency = server.login("recruiter@y.fr").await;
    let seeker = world.seekers[&6];
    let cdi = cdi_offer(&server, 200).await;
    accepted_referral(&server, &advisor, seeker, cdi).await;
    let with = |changes: Value| {
        let mut body = poei(cdi, seeker);
        for (key, value) in changes.as_object().unwrap() {
            body[key] = value.clone();
        }
        body
    };
    for (changes, expected) in [
        (json!({ "ends_on": "2026-03-31" }), vec!["/ends_on"]),
        (json!({ "hours_centre": 0 }), vec!["/hours_centre"]),
        (json!({ "hours_centre": 3001 }), vec!["/hours_centre"]),
        (
            json!({ "hours_centre": 2000, "hours_enterprise": 1001 }),
            vec!["/hours_enterprise"],
        ),
        (json!({ "scheme": "poex" }), vec!["/scheme"]),
        (json!({ "starts_on": "2026-03-09" }), vec!["/starts_on"]),
        (json!({ "session_id": 999_999 }), vec!["/session_id"]),
        (json!({ "hours_centre": -1 }), vec!["/hours_centre"]),
        (json!({ "starts_on": "1er avril" }), vec!["/starts_on"]),
        (json!({ "colour": "blue" }), vec![""]),
    ] {
        let (status, body) = recruiter
            .post("/api/v1/training-plans", &with(changes.clone()))
            .await;
        assert_eq!(status, 422, "{changes}: {body}");
        let named = paths(&body);
        if expected == [""] {
            assert!(message_of(&body).contains("colour"), "{body}");
        } else {
            assert_eq!(named, expected, "{changes}: {body}");
        }
    }
    // The AFPR ended in June 2024: refused with the rule it fails.
    let (status, body) = recruiter
        .post("/api/v1/training-plans", &with(json!({ "scheme": "afpr" })))
        .await;
    assert_eq!(
        (status.as_u16(), paths(&body)),
        (422, vec!["/scheme"]),
        "{body}"
    );
    assert!(
        message_of(&body).starts_with("/scheme: not_in_force: the AFPR ended on 18 June 2024"),
        "{body}"
    );
    // A contrat de professionnalisation is the contract itself: a CDI offer gives no length.
    let (status, body) = recruiter
        .post(
            "/api/v1/training-plans",
            &with(json!({ "scheme": "contrat_pro" })),
        )
        .await;
    assert_eq!(
        (status.as_u16(), paths(&body)),
        (422, vec!["/scheme"]),
        "{body}"
    );
    // Malformed, oversized.
    let response = recruiter
        .post_body(
            "/api/v1/training-plans",
            "application/json",
            "{\"offer_id\": ",
        )
        .await;
    assert_eq!(response.status(), 422);
    let huge = vec![b' '; service::BODY_LIMIT + 1];
    let response = recruiter
        .post_body("/api/v1/training-plans", "application/json", huge)
        .await;
    assert_eq!(response.status(), 413);
    // No referral of the person to the offer; a referral the person has not accepted.
    let (status, body) = recruiter
        .post("/api/v1/training-plans", &poei(world.offer_x, seeker))
        .await;
    assert_eq!(
        (status.as_u16(), paths(&body)),
        (422, vec!["/job_seeker_id"]),
        "{body}"
    );
    let proposed = server
        .state
        .store
        .create_referral(world.seekers[&7], world.offer_y, None, None, server.now())
        .await
        .unwrap();
    let (status, body) = other_agency
        .post(
            "/api/v1/training-plans",
            &poei(world.offer_y, world.seekers[&7]),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    assert!(message_of(&body).starts_with("referral_id"), "{body}");
    assert_eq!(
        server.referral_state(proposed.id).await,
        ReferralState::Proposed
    );
    // Another agency may not build on X's offer; nothing was stored.
    let (status, _) = other_agency
        .post("/api/v1/training-plans", &poei(cdi, seeker))
        .await;
    assert_eq!(status, 403);
    let x = world.structures[&AGENCY_X];
    let stored = server
        .state
        .store
        .training_plans_of_structure(x)
        .await
        .unwrap();
    assert!(stored.is_empty(), "{stored:?}");

    // The moves' fields: an abandon needs one of the reasons, a hire its contract.
    let (status, body) = recruiter
        .post("/api/v1/training-plans", &poei(cdi, seeker))
        .await;
    assert_eq!(status, 201, "{body}");
    let plan = body["id"].as_i64().unwrap();
    for (request, expected) in [
        (json!({ "to": "abandoned" }), vec!["/reason"]),
        (
            json!({ "to": "abandoned", "reason": "bored" }),
            vec!["/reason"],
        ),
        (json!({ "to": "proposed" }), vec!["/to"]),
        (json!({ "to": "nope" }), vec!["/to"]),
        (
            json!({ "to": "hired",
                    "hire": { "contract_type": "XYZ", "starts_on": "2026-06-01", "months": 0 } }),
            vec!["/hire/contract_type", "/hire/months"],
        ),
    ] {
        let (status, body) = move_plan(&advisor, plan, request.clone()).await;
        assert_eq!(
            (status.as_u16(), paths(&body)),
            (422, expected),
            "{request}: {body}"
        );
    }
    let (status, body) = move_plan(
        &advisor,
        plan,
        json!({ "to": "abandoned", "reason": "found_other_job" }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (&body["state"], &body["abandon_reason"], &body["moves"]),
        (&json!("abandoned"), &json!("found_other_job"), &json!([])),
        "{body}"
    );
    // Abandoned, the person may have another plan for the offer.
    let (status, body) = advisor
        .post("/api/v1/training-plans", &poei(cdi, seeker))
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        (&body["side"], &body["proposed_side"], &body["moves"]),
        (&json!("person"), &json!("person"), &json!(["abandoned"])),
        "{body}"
    );
    server.stop().await;
}

pub async fn training_plan_pages_build_agree_and_hire_in_french(db: TestDb) {
    let (server, world) = Server::start(db).await;
    let recruiter = server.login("recruiter@x.fr").await;
    let advisor = server.login("advisor@a.fr").await;
    let steering = server.login("steering@d.fr").await;
    let partner = server.login("partner@p.fr").await;
    let seeker = world.seekers[&6];
    let cdi = cdi_offer(&server, 200).await;
    let referral = accepted_referral(&server, &advisor, seeker, cdi).await;
    // The offer's page offers to build a plan for the person who accepted.
    let build = format!("/offres/{cdi}/former?referral={referral}");
    let page = recruiter.page(&format!("/offres/{cdi}")).await;
    assert!(page.html.contains("id=\"former\""), "{}", page.html);
    assert!(
        page.html.contains(&build.replace('&', "&amp;")) || page.html.contains(&build),
        "{}",
        page.html
    );
    for client in [&recruiter, &advisor] {
        assert!(client.page("/").await.html.contains("/plans-formation"));
    }
    assert!(!partner.page("/").await.html.contains("/plans-formation"));
    // The schemes for this person and this offer: the POEI applies, the AFPR no longer.
    let page = recruiter.page(&build).await;
    assert_eq!(page.status, 200, "{}", page.html);
    assert!(
        page.html
            .contains("Préparation opérationnelle à l&#39;emploi individuelle (POEI)"),
        "{}",
        page.html
    );
    assert!(page.html.contains("S'applique"), "{}", page.html);
    assert!(
        page.html
            .contains("le dispositif n&#39;est pas en vigueur à cette date"),
        "{}",
        page.html
    );
    assert!(page.html.contains("Formation sur mesure"), "{}", page.html);
    // A scheme that does not apply is refused in French; then the POEI is proposed.
    let form = |scheme: &'static str| {
        vec![
            ("referral", referral.to_string()),
            ("dispositif", scheme.to_string()),
            ("session", String::new()),
            ("debut", "2026-04-01".to_string()),
            ("fin", "2026-05-29".to_string()),
            ("heures_centre", "300".to_string()),
            ("heures_entreprise", "0".to_string()),
        ]
    };
    let post = |fields: &Vec<(&'static str, String)>| {
        fields
            .iter()
            .map(|(name, value)| (*name, value.clone()))
            .collect::<Vec<_>>()
    };
    let afpr = post(&form("afpr"));
    let fields: Vec<(&str, &str)> = afpr.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let page = recruiter
        .post_form(&format!("/offres/{cdi}/former"), &fields)
        .await;
    // Refused: the form again (422), with the reason and what was typed.
    assert_eq!(page.status, 422, "{}", page.html);
    assert!(
        page.html.contains("le dispositif ne s&#39;applique pas"),
        "{}",
        page.html
    );
    assert!(page.html.contains("<title>Erreur"), "{}", page.html);
    assert!(
        page.html.contains("<option value=\"afpr\" selected>"),
        "{}",
        page.html
    );
    let poei_form = post(&form("poei"));
    let fields: Vec<(&str, &str)> = poei_form.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let page = recruiter
        .post_form(&format!("/offres/{cdi}/former"), &fields)
        .await;
    assert_eq!(page.status, 303, "{}", page.html);
    let location = page.location.clone().unwrap();
    assert!(location.ends_with("?fait=plan_propose"), "{location}");
    let plan_path = location.split('?').next().unwrap().to_string();
    // The advisor finds it among their plans and agrees on its page.
    let page = advisor.page("/plans-formation").await;
    assert_eq!(page.status, 200);
    assert!(
        page.html.contains(&format!("href=\"{plan_path}\"")),
        "{}",
        page.html
    );
    assert!(page.html.contains("Aïcha Durand-6"), "{}", page.html);
    let page = recruiter.page(&plan_path).await;
    assert!(!page.html.contains("value=\"agreed\""), "{}", page.html);
    let page = advisor.page(&plan_path).await;
    assert!(page.html.contains("value=\"agreed\""), "{}", page.html);
    let etat = format!("{plan_path}/etat");
    for (client, to) in [
        (&advisor, "agreed"),
        (&recruiter, "in_training"),
        (&advisor, "completed"),
    ] {
        let page = client.post_form(&etat, &[("vers", to)]).await;
        assert_eq!(page.status, 303, "{to}: {}", page.html);
    }
    // A hire with a CDD starting on 1 June 2026 for so many months.
    let hire = |months: &'static str| {
        [
            ("vers", "hired"),
            ("contrat", "CDD"),
            ("debut", "2026-06-01"),
            ("mois", months),
        ]
    };
    // Only the offer's side records the hire: the advisor's attempt is told so.
    let page = advisor.post_form(&etat, &hire("6")).await;
    assert_eq!(page.status, 422, "{}", page.html);
    assert!(
        page.html.contains("Seule la structure qui porte"),
        "{}",
        page.html
    );
    assert!(page.html.contains("Le changement n"), "{}", page.html);
    // A move the plan's state does not allow is named as such.
    let page = recruiter.post_form(&etat, &[("vers", "agreed")]).await;
    assert_eq!(page.status, 422, "{}", page.html);
    assert!(
        page.html.contains("pas possible à ce stade du plan"),
        "{}",
        page.html
    );
    // The recruiter records the hire with its contract.
    let page = recruiter.page(&plan_path).await;
    assert!(
        page.html.contains("Enregistrer l'embauche"),
        "{}",
        page.html
    );
    let page = recruiter.post_form(&etat, &hire("douze")).await;
    assert_eq!(page.status, 422, "{}", page.html);
    assert!(
        page.html
            .contains("La durée du contrat s&#39;écrit en mois"),
        "{}",
        page.html
    );
    assert!(
        page.html.contains("Enregistrer l'embauche"),
        "{}",
        page.html
    );
    let page = recruiter.post_form(&etat, &hire("6")).await;
    assert_eq!(page.status, 303, "{}", page.html);
    let page = recruiter.page(&plan_path).await;
    assert!(page.html.contains("Obligation remplie"), "{}", page.html);
    assert!(
        page.html.contains("à partir du 01/06/2026 (6 mois)"),
        "{}",
        page.html
    );
    // The referral shows its plan; the steering committee its counts, nobody named.
    let page = advisor
        .page(&format!("/mises-en-relation/{referral}"))
        .await;
    assert!(
        page.html.contains(&format!("href=\"{plan_path}\"")),
        "{}",
        page.html
    );
    let page = steering.page("/plans-formation").await;
    assert_eq!(page.status, 200, "{}", page.html);
    assert!(
        page.html.contains("moins de 20 (non diffusé)"),
        "{}",
        page.html
    );
    assert!(!page.html.contains("Durand"), "{}", page.html);
    let page = steering.page(&plan_path).await;
    assert_eq!(page.status, 403);
    assert!(page.html.contains("Accès refusé"), "{}", page.html);
    // A referral the person has not answered yet: no plan, and the person by pseudonym only;
    // a referral of another offer is refused like another's.
    let other_cdi = cdi_offer(&server, 201).await;
    let proposed = server
        .state
        .store
        .create_referral(seeker, other_cdi, None, None, server.now())
        .await
        .unwrap();
    let page = recruiter
        .page(&format!(
            "/offres/{other_cdi}/former?referral={}",
            proposed.id
        ))
        .await;
    assert_eq!(page.status, 200, "{}", page.html);
    assert!(
        page.html.contains("La personne n'a pas encore accepté"),
        "{}",
        page.html
    );
    assert!(!page.html.contains("Durand"), "{}", page.html);
    assert!(!page.html.contains("name=\"dispositif\""), "{}", page.html);
    let page = recruiter
        .page(&format!("/offres/{other_cdi}/former?referral={referral}"))
        .await;
    assert_eq!(page.status, 403, "{}", page.html);
    let page = partner.page("/plans-formation").await;
    assert_eq!(page.status, 403);
    server.stop().await;
}

/// For the access matrix: on each side a person (A's 10, B's 11) who accepted a referral to
/// the agency's offer (X's, Y's) and a plan proposed by the offer's side from it:
/// (plan, person, referral) of the own side and of the other.
pub(crate) async fn plans_on_each_side(
    server: &Server,
    world: &World,
) -> ((i64, i64, i64), (i64, i64, i64)) {
    let store = server.state.store.as_ref();
    let mut out = Vec::new();
    for (n, agency, offer) in [(10, FT_A, world.offer_x), (11, FT_B, world.offer_y)] {
        let mut record = job_seeker(n, &siret(agency));
        record.available_from = Some(date(2026, 3, 1));
        let report = store
            .upsert_job_seekers(&[record], server.now())
            .await
            .unwrap();
        assert!(report.rejected.is_empty(), "{:?}", report.rejected);
        let external = domain::ExternalId::parse(&format!("{n:07}A")).unwrap();
        let seeker = store.job_seeker(&external).await.unwrap().unwrap().id;
        let referral = server.accepted(seeker, offer).await;
        let today = server.now().date_naive();
        let plan = store
            .create_training_plan(
                &model::training_plans::NewTrainingPlan {
                    offer_id: offer,
                    job_seeker_id: seeker,
                    referral_id: referral,
                    scheme: model::schemes::Scheme::Poei,
                    session_id: None,
                    starts_on: today + Duration::days(30),
                    ends_on: today + Duration::days(60),
                    hours_centre: 200,
                    hours_enterprise: 0,
                    proposed_side: model::training_plans::PlanSide::Offer,
                    proposed_by: None,
                },
                server.now(),
            )
            .await
            .unwrap();
        out.push((plan.id, seeker, referral));
    }
    (out[0], out[1])
}
