//! The training catalogue and the reconversion paths over HTTP and in the pages: the
//! catalogue searched by occupation, place and dates by every member (bad parameters named);
//! a person's paths to their own agency only (audited), with the sessions within reach and
//! the schemes that fund them.

use model::trainings::*;
use serde_json::Value;
use store::TrainingBatch;
use testdb::TestDb;

use crate::support::*;

const MONTREUIL: (f64, f64) = (48.86415, 2.44322);
const FONTAINEBLEAU: (f64, f64) = (48.40908, 2.70177);

fn session(
    key: &str,
    title: &str,
    starts: &str,
    at: (f64, f64),
    city: &str,
) -> TrainingSessionRecord {
    TrainingSessionRecord {
        formation_ref: "11_AF_0000000001".into(),
        action_ref: "11_AC_0000000001".into(),
        session_ref: key.into(),
        title: title.into(),
        objective: Some("Conduire un véhicule de livraison & livrer".into()),
        body: TrainingBody {
            name: "AFPA Montreuil".into(),
            siret: None,
        },
        romes: vec![domain::RomeCode::parse("N4105").unwrap()],
        formacodes: vec!["31826".into()],
        nsf_codes: vec![],
        rncp_codes: vec![],
        certifinfo_codes: vec![],
        certifying: false,
        entry_level: Some(0),
        publics: vec![],
        funders: vec!["10".into()],
        teaching: Some(TeachingMode::InPerson),
        place: TrainingPlace {
            lines: vec![],
            postcode: None,
            city: city.into(),
            commune: None,
            coordinates: Some(at),
        },
        starts: LheoDate::parse(starts).unwrap(),
        ends: LheoDate::parse("20260630").unwrap(),
        hours_total: Some(280),
        hours_centre: Some(280),
        hours_enterprise: None,
        recruitment: Some(1),
        url: Some("javascript:alert(1)".into()),
    }
}

/// Two sessions toward delivery driving (N4105, close to order picking): in Montreuil from
/// 13 April 2026, in Fontainebleau from 13 April 2026. Their ids, in that order.
async fn catalogue(server: &Server) -> (i64, i64) {
    let (sender, receiver) = tokio::sync::mpsc::channel(2);
    sender
        .send(TrainingBatch::Sessions(vec![
            session(
                "S1",
                "Conducteur livreur sur véhicule utilitaire léger",
                "20260413",
                MONTREUIL,
                "Montreuil",
            ),
            session(
                "S2",
                "Conducteur livreur (Seine-et-Marne)",
                "20260413",
                FONTAINEBLEAU,
                "Fontainebleau",
            ),
        ]))
        .await
        .unwrap();
    sender.send(TrainingBatch::End).await.unwrap();
    drop(sender);
    server
        .state
        .store
        .import_training_sessions(receiver, server.now())
        .await
        .unwrap();
    let sessions = server.state.store.training_sessions().await.unwrap();
    (sessions[0].id, sessions[1].id)
}

fn ids(page: &Value) -> Vec<i64> {
    page["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .collect()
}

pub async fn the_catalogue_is_searched_and_a_person_gets_their_paths(db: TestDb) {
    let (server, world) = Server::start(db).await;
    let (montreuil, fontainebleau) = catalogue(&server).await;
    let advisor = server.login("advisor@a.fr").await;
    let other_advisor = server.login("advisor@b.fr").await;
    let recruiter = server.login("recruiter@x.fr").await;
    let steering = server.login("steering@d.fr").await;

    // Every member searches the catalogue.
    for client in [&advisor, &recruiter, &steering] {
        let (status, page) = client
            .get("/api/v1/trainings?rome=N4105&commune=93066&km=20")
            .await;
        assert_eq!(status, 200, "{page}");
        assert_eq!(page["total"], 1, "{page}");
        assert_eq!(ids(&page), vec![montreuil]);
    }
    let (status, all) = recruiter.get("/api/v1/trainings?rome=N4105").await;
    assert_eq!(status, 200, "{all}");
    assert_eq!(ids(&all), vec![montreuil, fontainebleau]);
    let (_, none) = recruiter
        .get("/api/v1/trainings?rome=N4105&from=2026-07-01&to=2026-07-31")
        .await;
    assert_eq!(none["total"], 0, "{none}");
    for (query, field) in [
        ("rome=zzqqxx", "?rome"),
        ("km=0", "?km"),
        ("km=500", "?km"),
        ("commune=nulle-part-xyz", "?commune"),
        ("from=2026-05-01&to=2026-04-01", "?to"),
        ("limit=100000", "?limit"),
    ] {
        let (status, problem) = recruiter.get(&format!("/api/v1/trainings?{query}")).await;
        assert_eq!(status, 422, "{query}: {problem}");
        assert_eq!(
            strings_of(&problem["fields"], "path"),
            vec![field],
            "{query}: {problem}"
        );
    }
    let (status, one) = recruiter
        .get(&format!("/api/v1/trainings/{montreuil}"))
        .await;
    assert_eq!(status, 200, "{one}");
    assert_eq!(one["starts"], "20260413");
    assert_eq!(one["romes"][0]["code"], "N4105");
    let (status, _) = recruiter.get("/api/v1/trainings/999999").await;
    assert_eq!(status, 404);

    // A person's paths: their own agency only.
    let seeker = world.seekers[&6];
    let (status, paths) = advisor
        .get(&format!("/api/v1/job-seekers/{seeker}/reconversion"))
        .await;
    assert_eq!(status, 200, "{paths}");
    // Registered on 7 July 2025, on 10 March 2026: eight months of search.
    assert_eq!(paths["months_searching"], 8);
    assert_eq!(paths["strength"], "suggested");
    let delivery = paths["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["rome"] == "N4105")
        .unwrap_or_else(|| panic!("no delivery driving among {paths}"));
    assert_eq!(delivery["route"][0]["from"], "N1103", "{delivery}");
    assert_eq!(delivery["kind"], "close");
    // Montreuil is within the person's 16 km; Fontainebleau is not.
    let near: Vec<i64> = delivery["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .collect();
    assert_eq!(near, vec![montreuil]);
    for client in [&other_advisor, &recruiter, &steering] {
        let (status, problem) = client
            .get(&format!("/api/v1/job-seekers/{seeker}/reconversion"))
            .await;
        assert_eq!(status, 403, "{problem}");
    }
    let (status, schemes) = advisor
        .get(&format!(
            "/api/v1/job-seekers/{seeker}/schemes?session={montreuil}"
        ))
        .await;
    assert_eq!(status, 200, "{schemes}");
    // Without an offer, a POEI is refused (it needs one) and the AFPR no longer exists.
    let verdict = |code: &str| {
        schemes
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["scheme"] == code)
            .unwrap_or_else(|| panic!("{code} missing from {schemes}"))
            .clone()
    };
    assert_eq!(verdict("poei")["eligible"], false, "{schemes}");
    assert_eq!(verdict("afpr")["eligible"], false, "{schemes}");
    let (status, _) = other_advisor
        .get(&format!(
            "/api/v1/job-seekers/{seeker}/schemes?session={montreuil}"
        ))
        .await;
    assert_eq!(status, 403);

    // The pages, in French; the session's link is not an address: not shown.
    let page = advisor
        .page("/formations?metier=N4105&commune=93066&km=20")
        .await;
    assert_eq!(page.status, 200);
    assert!(
        page.html
            .contains("Conducteur livreur sur véhicule utilitaire léger")
    );
    assert!(!page.html.contains("Seine-et-Marne"));
    let session = advisor.page(&format!("/formations/{montreuil}")).await;
    assert_eq!(session.status, 200);
    assert!(!session.html.contains("javascript:"), "{}", session.html);
    // What training led to, by the occupation and by the session's Formacode: too few
    // trainees here, so both are withheld.
    assert!(
        session
            .html
            .contains("Formations du même Formacode (31826)"),
        "{}",
        session.html
    );
    assert_eq!(
        session
            .html
            .matches("moins de 20 stagiaires : secret statistique")
            .count(),
        2,
        "{}",
        session.html
    );
    let bad = advisor.page("/formations?km=abc").await;
    assert_eq!(bad.status, 422);
    assert!(bad.html.contains("km : un nombre de kilomètres"));
    let bad = advisor.page("/formations?metier=ZZZZZ").await;
    assert_eq!(bad.status, 422);
    assert!(bad.html.contains("métier : un code ROME"), "{}", bad.html);
    let bad = advisor.page("/formations?km=0").await;
    assert!(
        bad.html.contains("km : un rayon de 1 à 200"),
        "{}",
        bad.html
    );
    let own = advisor
        .page(&format!("/demandeurs/{seeker}/reconversion"))
        .await;
    assert_eq!(own.status, 200);
    assert!(own.html.contains("Reconversion suggérée"));
    assert!(
        own.html
            .contains("Conducteur livreur sur véhicule utilitaire léger")
    );
    assert!(own.html.contains("Comparaison avec la règle simple"));
    let other = other_advisor
        .page(&format!("/demandeurs/{seeker}/reconversion"))
        .await;
    assert_eq!(other.status, 403);

    // Each read of the person's paths is in the audit trail, the refusals too.
    let events = server
        .state
        .store
        .query_audit(
            &store::AuditQuery {
                subject_kind: Some("job_seeker".into()),
                subject_id: Some(seeker),
                ..Default::default()
            },
            0,
            1_000,
        )
        .await
        .unwrap();
    let through = |what: &str| {
        events
            .iter()
            .filter(|e| e.event.action == "job_seeker.read" && e.event.detail["through"] == what)
            .count()
    };
    // The paths and the page, then the schemes: three reads by the person's advisor, each
    // saying what it was for.
    assert_eq!(through("reconversion"), 2, "{events:?}");
    assert_eq!(through("schemes"), 1, "{events:?}");
    // The other agency's advisor, refused thrice; the roles without the right are refused
    // before the person is looked up.
    let refusals = events
        .iter()
        .filter(|e| e.event.action == "job_seeker.reconversion.refused")
        .count();
    assert_eq!(refusals, 3, "{events:?}");
}
