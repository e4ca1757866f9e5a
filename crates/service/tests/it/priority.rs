//! The agreement's second axis in practice: every shortlist follows the priority policy of its
//! territory (the default, then the steering committee's), named in the answer; a policy that
//! cannot hold is refused naming the field; an advisor records consent and disclosures, and a
//! withdrawal takes the person out of the next shortlist at once and cancels their unanswered
//! proposals.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use store::*;
use testdb::TestDb;
use testdb::fixtures::*;

use crate::support::*;

/// Sixty more job seekers of agency A for offer X (N1101 at Saint-Denis, 93): those holding a
/// priority status have no experience, the others four years, so that merit alone would put
/// the holders last and only a policy brings them up.
async fn a_pool_for_offer_x(server: &Server) -> BTreeMap<i64, Vec<PriorityStatus>> {
    let store = server.state.store.clone();
    let mut records = Vec::new();
    for i in 0..60u32 {
        let mut record = job_seeker(1_000 + 2 * i, &siret(FT_A));
        let mut held = Vec::new();
        if i % 6 == 0 {
            held.push(PriorityStatus::Rqth);
        }
        if i % 2 == 1 {
            held.push(PriorityStatus::LongTerm);
        }
        if i % 3 == 1 {
            held.push(PriorityStatus::Qpv);
        }
        if i % 5 == 2 {
            held.push(PriorityStatus::Rsa);
        }
        record.priorities = held.iter().map(|s| (*s, Disclosure::Private)).collect();
        record.consent = Some(Consent {
            given_at: t0(),
            scope: ConsentScope::AllAgencies,
        });
        record.available_from = Some(date(2026, 3, 1));
        record.experience = vec![Experience {
            rome: domain::RomeCode::parse("N1101").unwrap(),
            months: if held.is_empty() { 48 } else { 0 },
        }];
        records.push(record);
    }
    let report = store.upsert_job_seekers(&records, t0()).await.unwrap();
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    service::sourcing::refresh(store.as_ref(), &server.state.sourcing, t0())
        .await
        .unwrap();
    let mut statuses = BTreeMap::new();
    for seeker in store.load_job_seekers().await.unwrap() {
        statuses.insert(
            seeker.id,
            seeker.record.priorities.keys().copied().collect::<Vec<_>>(),
        );
    }
    statuses
}

fn ids(shortlist: &Value) -> Vec<i64> {
    shortlist["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["job_seeker_id"].as_i64().unwrap())
        .collect()
}

/// Holders of `status` in each prefix of the list.
fn prefix_counts(
    list: &[i64],
    statuses: &BTreeMap<i64, Vec<PriorityStatus>>,
    status: PriorityStatus,
) -> Vec<usize> {
    let mut count = 0;
    list.iter()
        .map(|id| {
            count += usize::from(statuses[id].contains(&status));
            count
        })
        .collect()
}

/// ⌊share · i⌋, written out here rather than taken from the engine.
fn floor_of(share: f64, i: usize) -> usize {
    (share * i as f64 + 1e-9).floor() as usize
}

pub async fn shortlists_apply_the_territorys_policy_and_follow_the_steering_committee(db: TestDb) {
    let (server, world) = Server::start(db).await;
    let statuses = a_pool_for_offer_x(&server).await;
    let recruiter = server.login("recruiter@x.fr").await;
    let steering = server.login("steering@d.fr").await;
    let shortlist = format!("/api/v1/offers/{}/shortlist?k=20", world.offer_x);

    // A fresh region: the default policy, named in the answer.
    let (status, served) = recruiter.get(&shortlist).await;
    assert_eq!(status, 200, "{served}");
    let policy = &served["policy"];
    assert_eq!(policy["kind"], "floors", "{served}");
    assert_eq!(policy["default"], true);
    assert_eq!(policy["effective_from"], Value::Null);
    assert_eq!(
        policy["floors"],
        json!({ "rqth": 0.1, "long_term": 0.4, "qpv": 0.2, "rsa": 0.1 })
    );
    let list = ids(&served);
    assert_eq!(list.len(), 20);
    // The twenty people the policy chose hold each public's share at least ...
    for (status, share) in [
        (PriorityStatus::Rqth, 0.1),
        (PriorityStatus::LongTerm, 0.4),
        (PriorityStatus::Qpv, 0.2),
        (PriorityStatus::Rsa, 0.1),
    ] {
        let held = prefix_counts(&list, &statuses, status)[19];
        assert!(
            held >= floor_of(share, 20),
            "{status}: {held} of 20, below its floor"
        );
    }
    // ... and they are shown in the order of their pseudonyms, without score nor reasons of
    // merit, so that nothing tells whom the policy brought in; a shorter list is the first
    // of them.
    let pseudonyms = strings_of(&served["candidates"], "pseudonym");
    assert!(pseudonyms.windows(2).all(|w| w[0] < w[1]), "{pseudonyms:?}");
    for candidate in served["candidates"].as_array().unwrap() {
        assert!(candidate.get("score").is_none(), "{candidate}");
        assert!(candidate.get("reasons").is_none(), "{candidate}");
        assert!(candidate.get("distance_km").is_none(), "{candidate}");
        assert!(
            ["under_5_km", "5_to_15_km", "15_to_30_km", "over_30_km"]
                .contains(&candidate["distance"].as_str().unwrap()),
            "{candidate}"
        );
    }
    let (_, ten) = recruiter
        .get(&format!("/api/v1/offers/{}/shortlist?k=10", world.offer_x))
        .await;
    assert_eq!(ids(&ten), list[..10].to_vec());
    let (status, _) = recruiter
        .get(&format!("/api/v1/offers/{}/shortlist?k=21", world.offer_x))
        .await;
    assert_eq!(status, 422, "one length for every reader");
    // Behind it, the policy's own ranking meets every floor on every prefix.
    let fair_order = |state: &service::AppState| -> Vec<i64> {
        let policy = {
            let sourcing = state.sourcing.read().unwrap();
            let department = sourcing.engine.offer_department(world.offer_x);
            state
                .policy_for(department, state.now().date_naive(), 20)
                .unwrap()
                .1
        };
        engine_order(state, world.offer_x, Some(&policy))
    };
    let ranked = fair_order(&server.state);
    for (status, share) in [
        (PriorityStatus::Rqth, 0.1),
        (PriorityStatus::LongTerm, 0.4),
        (PriorityStatus::Qpv, 0.2),
        (PriorityStatus::Rsa, 0.1),
    ] {
        for (i, count) in prefix_counts(&ranked, &statuses, status).iter().enumerate() {
            assert!(
                *count >= floor_of(share, i + 1),
                "{status} below its floor at prefix {}: {count}",
                i + 1
            );
        }
    }
    let mut chosen = ranked.clone();
    chosen.sort_unstable();
    let mut shown = list.clone();
    shown.sort_unstable();
    assert_eq!(chosen, shown, "the people shown are those the policy chose");
    // ... which are not merit's: the policy brought people in.
    let merit = engine_order(&server.state, world.offer_x, None);
    let mut merit_set = merit.clone();
    merit_set.sort_unstable();
    assert_ne!(merit_set, shown, "the default policy changed nothing");
    assert!(prefix_counts(&merit, &statuses, PriorityStatus::LongTerm)[4] < 2);
    // A recruiter cannot turn it off nor choose another.
    for query in ["&fair=rqth:0.1:0.1", "&floors=rqth=0", "&policy=none"] {
        let (status, _) = recruiter.get(&format!("{shortlist}{query}")).await;
        assert_eq!(status, 422, "{query}");
    }
    // The recruiter's page says so, links to the policy, and lists the same order.
    let html = recruiter
        .page(&format!("/offres/{}", world.offer_x))
        .await
        .html;
    assert!(html.contains("Publics prioritaires de l'accord"), "{html}");
    assert!(html.contains(r#"href="/politique""#));
    assert!(html.contains("par défaut"));
    let mut at = 0;
    for candidate in served["candidates"].as_array().unwrap() {
        let pseudonym = candidate["pseudonym"].as_str().unwrap();
        let found = html[at..]
            .find(pseudonym)
            .unwrap_or_else(|| panic!("{pseudonym} missing or out of the API's order on the page"));
        at += found;
    }

    // Impossible policies are refused naming the field, and nothing is stored.
    let today = server.now().date_naive();
    for (body, field) in [
        (
            json!({ "territory": "region", "kind": "floors", "floors": { "rqth": 0.6, "qpv": 0.5 } }),
            "/floors",
        ),
        (
            json!({ "territory": "region", "kind": "floors", "floors": { "rqth": 1.5 } }),
            "/floors/rqth",
        ),
        (
            json!({ "territory": "region", "kind": "floors", "floors": { "handicap": 0.1 } }),
            "/floors/handicap",
        ),
        (
            json!({ "territory": "93", "kind": "fair", "status": "rqth", "p": 1.5 }),
            "/p",
        ),
        (
            json!({ "territory": "93", "kind": "fair", "status": "rqth", "p": 0.2, "alpha": 0 }),
            "/alpha",
        ),
        (
            json!({ "territory": "93", "kind": "fair", "status": "everyone", "p": 0.2 }),
            "/status",
        ),
        (
            json!({ "territory": "13", "kind": "fair", "status": "rqth", "p": 0.2 }),
            "/territory",
        ),
        (
            json!({ "territory": "x'", "kind": "fair", "status": "rqth", "p": 0.2 }),
            "/territory",
        ),
        (
            json!({ "territory": "93", "kind": "quota", "p": 0.2 }),
            "/kind",
        ),
        (
            json!({ "territory": "93", "kind": "fair", "status": "rqth", "p": 0.2,
                    "effective_from": (today - chrono::Duration::days(1)).to_string() }),
            "/effective_from",
        ),
    ] {
        let (status, problem) = steering.post("/api/v1/policies", &body).await;
        assert_eq!(status, 422, "{body}: {problem}");
        assert_eq!(problem["fields"][0]["path"], field, "{body}: {problem}");
    }
    let (status, _) = recruiter
        .post(
            "/api/v1/policies",
            &json!({ "territory": "93", "kind": "fair", "status": "rqth", "p": 0.5 }),
        )
        .await;
    assert_eq!(status, 403, "a recruiter set a policy");

    // What if: the committee tries a policy on the territory's open offers first (aggregates
    // only); a recruiter may not.
    let what_if = "/api/v1/policies/simulation?territory=93&kind=floors&floors=rqth%3D0.5";
    let (status, simulated) = steering.get(what_if).await;
    assert_eq!(status, 200, "{simulated}");
    assert_eq!(simulated["offers"], 2, "{simulated}");
    let rqth = item_where(&simulated["shares"], "status", "rqth");
    assert!(rqth["tried"].as_f64().unwrap() >= 0.5, "{simulated}");
    assert!(rqth["in_force"].as_f64().unwrap() < 0.5, "{simulated}");
    assert!(
        simulated["mean_score_tried"].as_f64().unwrap()
            <= simulated["mean_score_in_force"].as_f64().unwrap(),
        "{simulated}"
    );
    assert!(!simulated.to_string().contains("job_seeker"), "{simulated}");
    let (status, problem) = steering
        .get("/api/v1/policies/simulation?territory=93&kind=floors&floors=rqth%3D0.7,qpv%3D0.7")
        .await;
    assert_eq!(status, 422);
    assert_eq!(problem["fields"][0]["path"], "?floors", "{problem}");
    let (status, _) = recruiter.get(what_if).await;
    assert_eq!(status, 403, "a recruiter simulated a policy");
    let (_, policies) = recruiter.get("/api/v1/policies").await;
    assert!(policies["history"].as_array().unwrap().is_empty());

    // The steering committee sets FA*IR for Seine-Saint-Denis: the next shortlist follows it.
    let (status, set) = steering
        .post(
            "/api/v1/policies",
            &json!({ "territory": "93", "kind": "fair", "status": "rqth", "p": 0.5,
                     "note": "Comité du 10 mars" }),
        )
        .await;
    assert_eq!(status, 200, "{set}");
    assert_eq!(set["territory"], "93");
    let (_, served) = recruiter.get(&shortlist).await;
    let policy = &served["policy"];
    assert_eq!(policy["kind"], "fair", "{served}");
    assert_eq!(policy["territory"], "93");
    assert_eq!(policy["status"], "rqth");
    assert_eq!(policy["p"], 0.5);
    assert_eq!(policy["alpha"], 0.1);
    assert_eq!(policy["default"], false);
    assert_eq!(policy["effective_from"], today.to_string());
    let table = engine::fair::MTable::adjusted(20, 0.5, 0.1).unwrap();
    assert!(*table.minimums.last().unwrap() >= 5, "{:?}", table.minimums);
    let held = prefix_counts(&ids(&served), &statuses, PriorityStatus::Rqth)[19];
    assert!(
        held >= table.minimums[19],
        "{held} RQTH of 20 chosen, below FA*IR's {}",
        table.minimums[19]
    );
    for (i, count) in prefix_counts(&fair_order(&server.state), &statuses, PriorityStatus::Rqth)
        .iter()
        .enumerate()
    {
        assert!(
            *count >= table.minimums[i],
            "RQTH below the FA*IR table at prefix {}: {count} < {}",
            i + 1,
            table.minimums[i]
        );
    }
    // The region keeps the default; 93's row names its own policy; the history keeps it.
    let (_, policies) = steering.get("/api/v1/policies").await;
    let in_force = policies["in_force"].as_array().unwrap();
    assert_eq!(in_force[0]["territory"], "region");
    assert_eq!(in_force[0]["default"], true);
    let seine_saint_denis = in_force.iter().find(|p| p["territory"] == "93").unwrap();
    assert_eq!(seine_saint_denis["kind"], "fair");
    let paris = in_force.iter().find(|p| p["territory"] == "75").unwrap();
    assert_eq!(paris["default"], true);
    assert_eq!(policies["history"].as_array().unwrap().len(), 1);
    assert_eq!(policies["history"][0]["note"], "Comité du 10 mars");
    // What the policy changed is audited in batches (every refresh, before an audit read).
    assert!(server.state.flush_rerank_events().await.unwrap() > 0);
    let events = server.state.store.audit_events(0, 10_000).await.unwrap();
    assert!(
        events.iter().any(|e| e.event.action == "policy.set"),
        "the change is audited"
    );
    let rerank = events
        .iter()
        .find(|e| e.event.action == "shortlist.rerank")
        .expect("who the policy moved is audited");
    assert!(
        rerank.event.detail["served"].as_u64().unwrap() >= 1,
        "{:?}",
        rerank.event
    );
    assert!(
        !served.to_string().contains("rqth\":true") && !served.to_string().contains("moves"),
        "a shortlist names nobody's status: {served}"
    );

    // The page sets one too, French numbers and all, and shows it in force.
    let refused = post_paris_floors(
        &steering,
        today,
        &[
            ("action", "enregistrer"),
            ("part_rqth", "0,9"),
            ("part_qpv", "0,9"),
        ],
    )
    .await;
    assert_eq!(refused.status, 422);
    assert!(refused.html.contains("dépassent 100 %"));
    // A form without a known action saves nothing.
    let unknown = post_paris_floors(
        &steering,
        today,
        &[("action", "autre"), ("part_rqth", "0,1")],
    )
    .await;
    assert_eq!(unknown.status, 422);
    let done = post_paris_floors(
        &steering,
        today,
        &[
            ("action", "enregistrer"),
            ("part_rqth", "0,15"),
            ("part_long_term", "0.3"),
            ("motif", "Essai"),
        ],
    )
    .await;
    assert_eq!(done.status, 303);
    let (_, policies) = steering.get("/api/v1/policies").await;
    let paris = item_where(&policies["in_force"], "territory", "75");
    assert_eq!(
        paris["floors"],
        json!({ "rqth": 0.15, "long_term": 0.3 }),
        "{paris}"
    );
    let page = steering.page("/politique").await.html;
    assert!(page.contains("Fixée par le comité"), "{page}");
    assert!(page.contains("au moins 15 %"), "{page}");
    server.stop().await;
}

/// The engine's own choice of twenty people for an offer, in its order: under `policy`, or
/// by merit alone.
fn engine_order(
    state: &service::AppState,
    offer: i64,
    policy: Option<&engine::Policy>,
) -> Vec<i64> {
    let request = engine::ShortlistRequest {
        k: 20,
        today: state.now().date_naive(),
        policy,
        exposure: false,
    };
    let sourcing = state.sourcing.read().unwrap();
    let shortlist = sourcing.engine.shortlist(offer, &request).unwrap();
    shortlist.entries.iter().map(|e| e.job_seeker_id).collect()
}

/// The policy page's form posted as a browser does, for Paris with floors from `today`,
/// `fields` besides.
async fn post_paris_floors(
    steering: &Client,
    today: chrono::NaiveDate,
    fields: &[(&str, &str)],
) -> Page {
    let date = today.to_string();
    let mut form = vec![
        ("territoire", "75"),
        ("regle", "floors"),
        ("date_effet", date.as_str()),
    ];
    form.extend_from_slice(fields);
    steering.post_form("/politique", &form).await
}

pub async fn an_advisor_records_consent_and_a_withdrawal_takes_the_person_out_at_once(db: TestDb) {
    let (server, world) = Server::start(db).await;
    let advisor = server.login("advisor@a.fr").await;
    let recruiter = server.login("recruiter@x.fr").await;
    // Job seeker 6, followed by A: RQTH (private), long-term (disclosed), consent to all.
    let seeker = world.seekers[&6];
    let shortlist = format!("/api/v1/offers/{}/shortlist?k=20", world.offer_x);
    let (_, served) = recruiter.get(&shortlist).await;
    assert!(ids(&served).contains(&seeker), "{served}");
    let referral = recruiter.propose(world.offer_x, seeker).await;
    let consent = format!("/api/v1/job-seekers/{seeker}/consent");

    // Bad input is refused naming the field; others may not record anything.
    for (body, field) in [
        (
            json!({ "scope": "all_agencies", "channel": "in_person", "disclosed": ["qpv"] }),
            "/disclosed/0",
        ),
        (
            json!({ "scope": "everyone", "channel": "in_person" }),
            "/scope",
        ),
        (json!({ "scope": null, "channel": "pigeon" }), "/channel"),
        (
            json!({ "scope": null, "channel": "phone", "disclosed": vec!["qpv"; 1000] }),
            "/disclosed",
        ),
    ] {
        let (status, problem) = advisor.send("PUT", &consent, Some(&body)).await;
        assert_eq!(status, 422, "{body}: {problem}");
        assert_eq!(problem["fields"][0]["path"], field, "{problem}");
    }
    let withdraw = json!({ "scope": null, "channel": "phone" });
    for other in [
        "advisor@b.fr",
        "recruiter@x.fr",
        "steering@d.fr",
        "admin@d.fr",
    ] {
        let client = server.login(other).await;
        let (status, _) = client.send("PUT", &consent, Some(&withdraw)).await;
        assert_eq!(status, 403, "{other} recorded a consent");
        let (status, _) = client.get(&consent).await;
        assert_eq!(status, 403, "{other} read a consent history");
    }
    assert!(
        server
            .state
            .store
            .consent_events(seeker)
            .await
            .unwrap()
            .is_empty()
    );

    // On the person's page: narrowed to the department, RQTH disclosed.
    let page = advisor.page(&format!("/demandeurs/{seeker}")).await.html;
    assert!(page.contains("Recueillir le consentement"), "{page}");
    assert!(page.contains(r#"name="disclose_rqth""#));
    assert!(
        !page.contains(r#"name="disclose_qpv""#),
        "a status not held offered"
    );
    let consent_form = format!("/demandeurs/{seeker}/consentement");
    let done = advisor
        .post_form(
            &consent_form,
            &[
                ("scope", "department_agencies"),
                ("channel", "phone"),
                ("disclose_rqth", "oui"),
            ],
        )
        .await;
    assert_eq!(done.status, 303);
    let (_, person) = advisor.get(&format!("/api/v1/job-seekers/{seeker}")).await;
    assert_eq!(person["consent"], "department_agencies", "{person}");
    assert_eq!(person["disclosed_statuses"], json!(["rqth"]));
    // Saint-Denis is in the person's department: still proposed, still listed.
    let (_, served) = recruiter.get(&shortlist).await;
    assert!(ids(&served).contains(&seeker));
    assert_eq!(
        server.referral_state(referral).await,
        ReferralState::Proposed
    );

    // Withdrawn on the page: out of the next shortlist at once, the proposal cancelled.
    let done = advisor
        .post_form(
            &consent_form,
            &[("scope", "retire"), ("channel", "in_person")],
        )
        .await;
    assert_eq!(done.status, 303);
    assert_eq!(
        done.location.as_deref(),
        Some(format!("/demandeurs/{seeker}?fait=retrait#consentement").as_str())
    );
    let (_, served) = recruiter.get(&shortlist).await;
    assert!(
        !ids(&served).contains(&seeker),
        "still shortlisted: {served}"
    );
    let (_, seen) = recruiter
        .get(&format!("/api/v1/referrals/{referral}"))
        .await;
    assert_eq!(seen["referral"]["state"], "cancelled", "{seen}");
    let last = seen["log"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["to"], "cancelled", "{seen}");
    assert_eq!(last["note"], Value::Null, "the agency is told why: {seen}");
    assert_eq!(last["by"], Value::Null, "the agency is told who: {seen}");
    assert_eq!(
        seen["job_seeker"]["consent"],
        Value::Null,
        "the agency reads the person's consent: {seen}"
    );
    let (status, history) = advisor.get(&consent).await;
    assert_eq!(status, 200);
    let history = history.as_array().unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0]["scope"], "department_agencies");
    assert_eq!(history[0]["disclosed"], json!(["rqth"]));
    assert_eq!(history[1]["scope"], Value::Null);
    assert_eq!(history[1]["channel"], "in_person");
    let page = advisor.page(&format!("/demandeurs/{seeker}")).await.html;
    assert!(page.contains("Historique du consentement"));
    assert!(page.contains("Pas de consentement"));
    let actions: Vec<String> = server
        .state
        .store
        .audit_events(0, 10_000)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.event.action)
        .collect();
    assert!(actions.iter().any(|a| a == "job_seeker.consent"));
    assert!(actions.iter().any(|a| a == "referral.cancel"));
    // Given again through the API, as France Travail's systems would: back in the list.
    let (status, report) = advisor
        .send(
            "PUT",
            &consent,
            Some(&json!({ "scope": "all_agencies", "channel": "online" })),
        )
        .await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["cancelled_referrals"], json!([]));
    let (_, served) = recruiter.get(&shortlist).await;
    assert!(ids(&served).contains(&seeker));

    // A withdrawal committed while a proposal is on its way (the engine still holding the
    // consent, as in the instant between the two): the store refuses the proposal, with the
    // agencies' one refusal.
    let store = server.state.store.clone();
    store
        .upsert_offers(&[offer(5, &siret(AGENCY_X))], server.now())
        .await
        .unwrap();
    service::sourcing::refresh(store.as_ref(), &server.state.sourcing, t0())
        .await
        .unwrap();
    let other_offer = server.offer_id(AGENCY_X, "OFF-5").await;
    store
        .record_consent(
            seeker,
            &ConsentChange {
                scope: None,
                channel: ConsentChannel::Phone,
                disclosed: vec![],
                shared_evaluations: vec![],
            },
            None,
            server.now(),
        )
        .await
        .unwrap();
    let (status, refused) = recruiter
        .post(
            "/api/v1/referrals",
            &json!({ "offer_id": other_offer, "job_seeker_id": seeker }),
        )
        .await;
    assert_eq!(status, 422, "{refused}");
    let (_, unknown) = recruiter
        .post(
            "/api/v1/referrals",
            &json!({ "offer_id": other_offer, "job_seeker_id": 424_242 }),
        )
        .await;
    assert_eq!(
        refused["fields"], unknown["fields"],
        "the agency learns why from the refusal"
    );
    let proposals = store
        .referrals(ReferralScope::JobSeeker(seeker), 0, 100)
        .await
        .unwrap();
    assert!(proposals.iter().all(|r| r.offer_id != other_offer));
    server.stop().await;
}

/// France Travail's systems create and update their job seekers through the API, with the
/// file import's validation; what the person told their advisor about consent is kept.
pub async fn france_travails_systems_push_job_seekers_with_the_imports_validation(db: TestDb) {
    let (server, world) = Server::start(db).await;
    let advisor = server.login("advisor@a.fr").await;
    let csv = |records: &[JobSeekerRecord]| {
        let mut out = Vec::new();
        exchange::job_seekers_csv::write(records, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    };
    let push = |client: &Client, agency: u32, body: String| {
        let client = client.clone();
        async move {
            let path = format!("/api/v1/job-seekers?structure={}", siret(agency));
            let response = client.post_body(&path, "text/csv", body).await;
            let status = response.status();
            (status, response.json::<Value>().await.unwrap())
        }
    };
    let mut newcomer = job_seeker(2_002, &siret(FT_A));
    newcomer.available_from = Some(date(2026, 3, 1));
    let (status, report) = push(&advisor, FT_A, csv(&[newcomer.clone()])).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["created"], 1);
    let id = server
        .state
        .store
        .job_seeker(&newcomer.external_id)
        .await
        .unwrap()
        .unwrap()
        .id;
    // In the engine at once: offered to offer X's recruiter.
    let recruiter = server.login("recruiter@x.fr").await;
    let (_, served) = recruiter
        .get(&format!("/api/v1/offers/{}/shortlist?k=20", world.offer_x))
        .await;
    assert!(ids(&served).contains(&id), "{served}");

    // A wrong field names its line and column; another agency's person is refused; nothing
    // of the request is written.
    let good = csv(&[job_seeker(2_004, &siret(FT_A))]);
    let mut lines: Vec<String> = good.lines().map(str::to_string).collect();
    let header: Vec<&str> = lines[0].split(';').collect();
    let commune = header.iter().position(|c| *c == "commune").unwrap();
    let mut cells: Vec<String> = lines[1].split(';').map(str::to_string).collect();
    cells[commune] = "99999".to_string();
    lines[1] = cells.join(";");
    let (status, problem) = push(&advisor, FT_A, lines.join("\n")).await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["fields"][0]["path"], "/2/commune", "{problem}");
    // Many wrong rows: the answer names the first hundred and counts the rest.
    let mut many = vec![lines[0].clone()];
    many.extend(std::iter::repeat_n(lines[1].clone(), 300));
    let (status, problem) = push(&advisor, FT_A, many.join("\n")).await;
    assert_eq!(status, 422);
    assert_eq!(problem["fields"].as_array().unwrap().len(), 100);
    assert!(message_of(&problem).ends_with("and 200 more"), "{problem}");
    let (status, problem) = push(&advisor, FT_A, csv(&[job_seeker(2_006, &siret(FT_B))])).await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["fields"][0]["path"], "/2/agence_siret", "{problem}");
    for external in ["0002004A", "0002006A"] {
        assert!(
            server
                .state
                .store
                .job_seeker(&domain::ExternalId::parse(external).unwrap())
                .await
                .unwrap()
                .is_none()
        );
    }
    for other in ["advisor@b.fr", "recruiter@x.fr", "admin@d.fr"] {
        let client = server.login(other).await;
        let (status, _) = push(&client, FT_A, csv(&[newcomer.clone()])).await;
        assert_eq!(status, 403, "{other} pushed agency A's job seekers");
    }
    // Agency B's advisor cannot take A's person over by pushing them as B's.
    let advisor_b = server.login("advisor@b.fr").await;
    let mut taken = newcomer.clone();
    taken.agency_siret = siret(FT_B);
    let (status, problem) = push(&advisor_b, FT_B, csv(&[taken])).await;
    assert_eq!(status, 422);
    assert_eq!(problem["fields"][0]["path"], "/2/identifiant", "{problem}");
    let still = server.stored_job_seeker(id).await;
    assert_eq!(
        still.record.agency_siret,
        siret(FT_A),
        "moved to another agency"
    );

    // Consent withdrawn with the advisor, then the same person pushed again with consent:
    // the withdrawal stands.
    let (status, _) = advisor
        .send(
            "PUT",
            &format!("/api/v1/job-seekers/{id}/consent"),
            Some(&json!({ "scope": null, "channel": "in_person" })),
        )
        .await;
    assert_eq!(status, 200);
    newcomer.commute_limit = domain::CommuteLimitKm::new(35).unwrap();
    let (status, report) = push(&advisor, FT_A, csv(&[newcomer])).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["updated"], 1);
    let stored = server.stored_job_seeker(id).await;
    assert_eq!(stored.record.commute_limit.km(), 35);
    assert_eq!(
        stored.record.consent, None,
        "an import gave back a withdrawn consent"
    );
    let (_, served) = recruiter
        .get(&format!("/api/v1/offers/{}/shortlist?k=20", world.offer_x))
        .await;
    assert!(!ids(&served).contains(&id));
    server.stop().await;
}
