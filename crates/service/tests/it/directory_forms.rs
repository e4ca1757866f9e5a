//! The structures' self-service (issue 22): a partner writes a service (API and form), finds
//! it in the directory from a commune of its eligibility zone, edits, suspends, resumes and
//! archives it, with each step in its history; wrong fields are named; another structure's
//! services are out of reach; a structure new to a moderated network waits for approval.

use serde_json::{Value, json};
use testdb::TestDb;

use crate::support::*;

fn a_service() -> Value {
    json!({
        "nom": "Atelier CV et entretien",
        "description": "Un atelier de deux heures pour préparer son CV et un entretien d'embauche.",
        "type": "atelier",
        "thematiques": ["preparer-sa-candidature--realiser-un-cv-et-ou-une-lettre-de-motivation"],
        "publics": ["demandeurs-emploi"],
        "frais": "gratuit",
        "modes_accueil": ["en-presentiel"],
        "zone_eligibilite": ["93"],
        "code_insee": "93066",
        "horaires_accueil": "Mo-Fr 09:00-12:00,14:00-17:00",
        "lien_mobilisation": "https://akto.example.fr/atelier",
        "modes_mobilisation": ["utiliser-lien-mobilisation"],
        "mobilisable_par": ["professionnels"],
        "passerelle": { "frequence_mise_a_jour_jours": 90 }
    })
}

fn names(found: &Value) -> Vec<String> {
    found
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["name"].as_str().unwrap().to_string())
        .collect()
}

fn paths(problem: &Value) -> Vec<String> {
    problem["fields"]
        .as_array()
        .unwrap_or(&Vec::new())
        .iter()
        .map(|e| e["path"].as_str().unwrap_or("").to_string())
        .collect()
}

pub async fn a_partner_writes_a_service_that_the_directory_finds_at_once(db: TestDb) {
    let (server, world) = Server::start(db).await;
    let partner = server.login("partner@p.fr").await;
    let recruiter = server.login("recruiter@x.fr").await;
    let own = world.structures[&PARTNER];

    // Wrong fields are each named: the hours say where they stop parsing.
    let mut wrong = a_service();
    wrong["nom"] = json!("CV");
    wrong["horaires_accueil"] = json!("Mo-Fr 9h-12h");
    wrong["zone_eligibilite"] = json!(["99999"]);
    wrong["lien_mobilisation"] = json!("javascript:alert(1)");
    let (status, problem) = partner
        .post(&format!("/api/v1/structures/{own}/services"), &wrong)
        .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(
        paths(&problem),
        [
            "/nom",
            "/zone_eligibilite",
            "/lien_mobilisation",
            "/horaires_accueil"
        ],
        "{problem}"
    );
    let hours = problem["fields"][3]["message"].as_str().unwrap();
    assert!(hours.contains("at character 7"), "{hours}");

    // Another structure's entry is out of reach.
    let (status, _) = recruiter
        .post(&format!("/api/v1/structures/{own}/services"), &a_service())
        .await;
    assert_eq!(status, 403);

    let (status, created) = partner
        .post(&format!("/api/v1/structures/{own}/services"), &a_service())
        .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["status"], "published");
    let id = created["id"].as_i64().unwrap();
    // The freshness clock starts today.
    assert_eq!(
        created["record"]["date_maj"],
        server.now().date_naive().to_string()
    );

    // Found at once from a commune of its zone (Montreuil, 93), not from outside it (Paris).
    let (_, found) = recruiter
        .get("/api/v1/directory/services?commune=93048&rayon=5&q=atelier")
        .await;
    assert_eq!(names(&found), ["Atelier CV et entretien"], "{found}");
    let (_, found) = recruiter
        .get("/api/v1/directory/services?commune=75056&rayon=1&q=atelier")
        .await;
    assert_eq!(names(&found), Vec::<String>::new(), "{found}");

    // Edited: the history keeps which fields changed; another structure cannot edit it.
    let mut edited = a_service();
    edited["nom"] = json!("Atelier CV, lettre et entretien");
    edited["zone_eligibilite"] = json!(["93", "75"]);
    let (status, _) = recruiter
        .send(
            "PUT",
            &format!("/api/v1/directory/services/{id}"),
            Some(&edited),
        )
        .await;
    assert_eq!(status, 403);
    let (status, view) = partner
        .send(
            "PUT",
            &format!("/api/v1/directory/services/{id}"),
            Some(&edited),
        )
        .await;
    assert_eq!(status, 200, "{view}");
    let (_, found) = recruiter
        .get("/api/v1/directory/services?commune=75056&rayon=1&q=atelier")
        .await;
    assert_eq!(names(&found), ["Atelier CV, lettre et entretien"]);

    // Suspended: out of the search; resumed: back; archived: gone for good.
    let (status, view) = partner
        .post(
            &format!("/api/v1/directory/services/{id}/suspend"),
            &json!({}),
        )
        .await;
    assert_eq!(
        (status.as_u16(), view["status"].as_str()),
        (200, Some("suspended"))
    );
    let (_, found) = recruiter
        .get("/api/v1/directory/services?commune=93048&rayon=5&q=atelier")
        .await;
    assert!(names(&found).is_empty(), "{found}");
    let (status, _) = recruiter
        .get(&format!("/api/v1/directory/services/{id}"))
        .await;
    assert_eq!(status, 404, "a suspended service is its structure's only");
    let (status, view) = partner
        .post(
            &format!("/api/v1/directory/services/{id}/resume"),
            &json!({}),
        )
        .await;
    assert_eq!(
        (status.as_u16(), view["status"].as_str()),
        (200, Some("published"))
    );
    let (status, view) = partner
        .delete(&format!("/api/v1/directory/services/{id}"))
        .await;
    assert_eq!(
        (status.as_u16(), view["status"].as_str()),
        (200, Some("archived"))
    );
    let (status, _) = partner
        .post(
            &format!("/api/v1/directory/services/{id}/resume"),
            &json!({}),
        )
        .await;
    assert_eq!(status, 409, "an archived service stays archived");
    let (_, found) = recruiter
        .get("/api/v1/directory/services?commune=93048&rayon=5&q=atelier")
        .await;
    assert!(names(&found).is_empty(), "{found}");

    // Who did what, when.
    let (status, history) = partner
        .get(&format!("/api/v1/directory/services/{id}/history"))
        .await;
    assert_eq!(status, 200);
    let actions: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["created", "updated", "suspended", "resumed", "archived"]
    );
    assert_eq!(history[1]["fields"], json!(["eligibility_zone", "name"]));
    assert!(history[0]["by"].as_str().is_some());
    // Archived, it is not found by another structure (nor is its history).
    let (status, _) = recruiter
        .get(&format!("/api/v1/directory/services/{id}/history"))
        .await;
    assert_eq!(status, 404);

    // Every change is in the audit trail.
    let admin = server.login("admin@d.fr").await;
    let (_, trail) = admin
        .get(&format!(
            "/api/v1/audit?subject_kind=service&subject_id={id}"
        ))
        .await;
    let logged: Vec<&str> = trail
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(
        logged,
        [
            "service.created",
            "service.updated",
            "service.suspended",
            "service.resumed",
            "service.archived"
        ]
    );
    server.stop().await;
}

pub async fn a_structure_new_to_a_moderated_network_waits_for_approval(db: TestDb) {
    let (server, world) = Server::start(db).await;
    let partner = server.login("partner@p.fr").await;
    let admin = server.login("admin@d.fr").await;
    let own = world.structures[&PARTNER];

    let (status, _) = partner
        .send(
            "PUT",
            "/api/v1/directory/moderation",
            Some(&json!({ "kinds": ["akto"] })),
        )
        .await;
    assert_eq!(status, 403, "only the administrators moderate");
    let (status, problem) = admin
        .send(
            "PUT",
            "/api/v1/directory/moderation",
            Some(&json!({ "kinds": ["akto", "nope"] })),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(paths(&problem), ["/kinds/1"]);
    let (status, _) = admin
        .send(
            "PUT",
            "/api/v1/directory/moderation",
            Some(&json!({ "kinds": ["akto"] })),
        )
        .await;
    assert_eq!(status, 200);

    let (_, first) = partner
        .post(&format!("/api/v1/structures/{own}/services"), &a_service())
        .await;
    assert_eq!(first["status"], "pending", "{first}");
    let id = first["id"].as_i64().unwrap();
    let (_, found) = partner
        .get("/api/v1/directory/services?commune=93048&rayon=5&q=atelier")
        .await;
    assert!(names(&found).is_empty(), "waiting: {found}");
    let (status, pending) = admin.get("/api/v1/directory/pending").await;
    assert_eq!(status, 200);
    assert_eq!(pending.as_array().unwrap().len(), 1);
    let (status, _) = partner
        .post(
            &format!("/api/v1/directory/services/{id}/approve"),
            &json!({}),
        )
        .await;
    assert_eq!(status, 403, "a structure does not approve itself");
    let (status, view) = admin
        .post(
            &format!("/api/v1/directory/services/{id}/approve"),
            &json!({}),
        )
        .await;
    assert_eq!(
        (status.as_u16(), view["status"].as_str()),
        (200, Some("published"))
    );
    let (_, found) = partner
        .get("/api/v1/directory/services?commune=93048&rayon=5&q=atelier")
        .await;
    assert_eq!(names(&found), ["Atelier CV et entretien"]);

    // Known now: its next service is published at once.
    let mut second = a_service();
    second["nom"] = json!("Permanence emploi");
    let (_, second) = partner
        .post(&format!("/api/v1/structures/{own}/services"), &second)
        .await;
    assert_eq!(second["status"], "published", "{second}");
    server.stop().await;
}

pub async fn a_structure_keeps_its_profile_and_writes_services_in_the_form(db: TestDb) {
    let (server, world) = Server::start(db).await;
    let partner = server.login("partner@p.fr").await;
    let recruiter = server.login("recruiter@x.fr").await;
    let own = world.structures[&PARTNER];

    let (status, problem) = partner
        .send(
            "PUT",
            &format!("/api/v1/structures/{own}/profile"),
            Some(&json!({ "horaires_accueil": "lundi matin", "site_web": "akto.fr" })),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(
        paths(&problem),
        ["/site_web", "/horaires_accueil"],
        "{problem}"
    );
    let profile = json!({
        "description": "Opérateur de compétences des services à forte intensité de main-d'œuvre.",
        "horaires_accueil": "Mo-Fr 09:00-17:30",
        "accessibilite_lieu": "https://acceslibre.beta.gouv.fr/app/93-saint-denis/a/bureau/erp/akto/",
        "site_web": "https://www.akto.fr",
        "reseaux_porteurs": ["france-travail"]
    });
    let (status, _) = recruiter
        .send(
            "PUT",
            &format!("/api/v1/structures/{own}/profile"),
            Some(&profile),
        )
        .await;
    assert_eq!(status, 403);
    let (status, saved) = partner
        .send(
            "PUT",
            &format!("/api/v1/structures/{own}/profile"),
            Some(&profile),
        )
        .await;
    assert_eq!(status, 200, "{saved}");
    let (_, read) = recruiter
        .get(&format!("/api/v1/structures/{own}/profile"))
        .await;
    assert_eq!(read["horaires_accueil"], "Mo-Fr 09:00-17:30");
    assert_eq!(read["site_web"], "https://www.akto.fr");
    assert_eq!(read["reseaux_porteurs"], json!(["france-travail"]));
    assert_eq!(read["date_maj"], server.now().date_naive().to_string());

    // The form: errors next to the fields, in French; then published.
    let path = format!("/annuaire/structures/{own}/services/nouveau");
    let form = partner.page(&path).await;
    assert_eq!(form.status, 200);
    assert!(
        form.html.contains("Zone d&#39;éligibilité") || form.html.contains("Zone d'éligibilité")
    );
    let wrong = partner
        .post_form(
            &path,
            &[
                ("nom", "Permanence emploi"),
                ("description", "Une permanence hebdomadaire."),
                ("horaires_accueil", "Mo-Fr 9h"),
                ("zone_eligibilite", "Nulle part (00000)"),
                ("publics", "demandeurs-emploi"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 422, "{}", wrong.html);
    assert!(
        wrong
            .html
            .contains("la lecture s&#39;arrête au caractère 7")
            || wrong.html.contains("la lecture s'arrête au caractère 7"),
        "{}",
        wrong.html
    );
    assert!(
        wrong
            .html
            .contains("Choisissez des communes, départements ou EPCI")
    );
    let done = partner
        .post_form(
            &path,
            &[
                ("nom", "Permanence emploi"),
                ("description", "Une permanence hebdomadaire."),
                ("horaires_accueil", "Tu 09:00-12:00"),
                ("zone_eligibilite", "Seine-Saint-Denis (93)"),
                ("zone_eligibilite", ""),
                ("publics", "demandeurs-emploi"),
                (
                    "thematiques",
                    "trouver-un-emploi--suivre-ses-candidatures-et-relancer-les-employeurs",
                ),
                ("commune", "Saint-Denis 93200 (93066)"),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.html);
    assert_eq!(
        done.location.as_deref(),
        Some("/annuaire/ma-structure?fait=cree")
    );
    let (_, found) = recruiter
        .get("/api/v1/directory/services?commune=93048&rayon=5&q=permanence")
        .await;
    assert_eq!(names(&found), ["Permanence emploi"]);
    let mine = partner.page("/annuaire/ma-structure").await;
    assert!(mine.html.contains("Permanence emploi"));
    assert!(mine.html.contains("/modifier"));
    server.stop().await;
}

/// What a probe of the feature found, each held: a brand cannot pass for a kind of structure,
/// an absent brand stays, a hidden service is not found by others, nothing is lost by
/// writing back what was read.
pub async fn the_self_service_holds_against_a_probe(db: TestDb) {
    let (server, world) = Server::start(db).await;
    let recruiter = server.login("recruiter@x.fr").await;
    let partner = server.login("partner@p.fr").await;
    let admin = server.login("admin@d.fr").await;
    let agency = world.structures[&AGENCY_X];
    let own = world.structures[&PARTNER];

    // A brand is an agencies' network, never a kind of structure the filter would match.
    for spoof in ["France Travail", "cap_emploi", "Mission-Locale"] {
        let (status, problem) = recruiter
            .send(
                "PUT",
                &format!("/api/v1/structures/{agency}/profile"),
                Some(&json!({ "reseau": spoof })),
            )
            .await;
        assert_eq!(status, 422, "{spoof}: {problem}");
        assert_eq!(paths(&problem), ["/passerelle/reseau"]);
    }
    let (status, _) = recruiter
        .send(
            "PUT",
            &format!("/api/v1/structures/{agency}/profile"),
            Some(&json!({ "reseau": "Réseau Alto" })),
        )
        .await;
    assert_eq!(status, 200);
    // Left out, it stays.
    let (status, _) = recruiter
        .send(
            "PUT",
            &format!("/api/v1/structures/{agency}/profile"),
            Some(&json!({ "description": "Agence généraliste." })),
        )
        .await;
    assert_eq!(status, 200);
    let (_, read) = partner
        .get(&format!("/api/v1/structures/{agency}/profile"))
        .await;
    assert_eq!(read["reseau"], "Réseau Alto", "{read}");

    // A phone that is not one is refused, named.
    let mut wrong = a_service();
    wrong["telephone"] = json!("abc");
    let (status, problem) = partner
        .post(&format!("/api/v1/structures/{own}/services"), &wrong)
        .await;
    assert_eq!(status, 422);
    assert_eq!(paths(&problem), ["/telephone"]);

    // Written back as read: nothing lost (its coordinates, its address), nothing changed.
    let mut placed = a_service();
    placed["latitude"] = json!(48.9356);
    placed["longitude"] = json!(2.3539);
    placed["courriel"] = json!("atelier@akto.simulation.invalid");
    let (_, created) = partner
        .post(&format!("/api/v1/structures/{own}/services"), &placed)
        .await;
    let id = created["id"].as_i64().unwrap();
    let mut back = created["record"].clone();
    back.as_object_mut().unwrap().remove("latitude");
    back.as_object_mut().unwrap().remove("longitude");
    let (status, view) = partner
        .send(
            "PUT",
            &format!("/api/v1/directory/services/{id}"),
            Some(&back),
        )
        .await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["record"]["latitude"], json!(48.9356));
    assert_eq!(
        view["record"]["courriel"],
        "atelier@akto.simulation.invalid"
    );
    let (_, history) = partner
        .get(&format!("/api/v1/directory/services/{id}/history"))
        .await;
    assert_eq!(history[1]["fields"], json!([]), "{history}");

    // Hidden from the others: a suspended service is not found, not forbidden.
    partner
        .post(
            &format!("/api/v1/directory/services/{id}/suspend"),
            &json!({}),
        )
        .await;
    for (method, path) in [
        ("GET", format!("/api/v1/directory/services/{id}")),
        ("GET", format!("/api/v1/directory/services/{id}/history")),
        ("DELETE", format!("/api/v1/directory/services/{id}")),
        ("POST", format!("/api/v1/directory/services/{id}/resume")),
    ] {
        let (status, _) = recruiter.send(method, &path, Some(&json!({}))).await;
        assert_eq!(status, 404, "{method} {path}");
    }
    let (status, _) = admin.get("/api/v1/directory/services/999999/history").await;
    assert_eq!(status, 404);

    // A moderator's move names the structure in the audit trail.
    admin
        .send(
            "PUT",
            "/api/v1/directory/moderation",
            Some(&json!({ "kinds": ["agence_emploi"] })),
        )
        .await;
    let (_, waiting) = recruiter
        .post(
            &format!("/api/v1/structures/{agency}/services"),
            &a_service(),
        )
        .await;
    assert_eq!(waiting["status"], "pending", "{waiting}");
    let waiting = waiting["id"].as_i64().unwrap();
    let (status, _) = admin
        .post(
            &format!("/api/v1/directory/services/{waiting}/refuse"),
            &json!({}),
        )
        .await;
    assert_eq!(status, 200);
    let (_, trail) = admin
        .get(&format!(
            "/api/v1/audit?subject_kind=service&subject_id={waiting}"
        ))
        .await;
    let refused = trail
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "service.refused")
        .unwrap();
    assert_eq!(
        refused["detail"]["structure_id"],
        json!(agency),
        "{refused}"
    );
    server.stop().await;
}
