//! The evaluations' pages: the advisor records a CACES through the form (a wrong field named
//! in French, nothing stored), the recruiter of an agency the person accepted sees it only
//! once the consent form shares its kind, and the person finds it among their data.

use serde_json::{Value, json};
use testdb::TestDb;

use crate::support::*;

/// The advisor's consent form for the person (to any agency, given in person, the long-term
/// status disclosed) with the evaluations' `shares` ticked: accepted.
async fn consent_sharing(advisor: &Client, seeker: i64, shares: &[(&str, &str)]) {
    let mut fields = vec![
        ("scope", "all_agencies"),
        ("channel", "in_person"),
        ("disclose_long_term", "oui"),
    ];
    fields.extend_from_slice(shares);
    let page = advisor
        .post_form(&format!("/demandeurs/{seeker}/consentement"), &fields)
        .await;
    assert_eq!(page.status, 303, "{}", page.html);
}

/// The kinds the person shares, as stored.
async fn shared(server: &Server, seeker: i64) -> Vec<&'static str> {
    let kinds = server
        .state
        .store
        .shared_evaluation_kinds(seeker)
        .await
        .unwrap();
    kinds.iter().map(|k| k.as_str()).collect()
}

/// A client of the person's own space, signed in with a code from their advisor.
async fn person_of(server: &Server, advisor: &Client, seeker: i64) -> Client {
    let (status, code) = advisor
        .post(
            &format!("/api/v1/job-seekers/{seeker}/access-code"),
            &json!({}),
        )
        .await;
    assert_eq!(status, 201, "{code}");
    let mut client = server.anonymous();
    let response = client
        .http
        .post(format!("{}/api/v1/person/session", server.base))
        .json(&json!({ "pass": code["code"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_string();
    client.cookie = Some(cookie.split(';').next().unwrap().to_string());
    let body: Value = response.json().await.unwrap();
    client.csrf = body["csrf_token"].as_str().map(str::to_string);
    client
}

/// The CACES of the ROME (OGR 123698), as the form sends it.
const CACES: &[(&str, &str)] = &[
    ("kind", "caces"),
    ("subject", ""),
    ("subject_caces", "123698"),
    ("result", "obtained"),
    ("result_text", ""),
    ("evaluated_on", "2026-03-02"),
    ("valid_until", "2031-03-01"),
    ("issuer", "AFPA Lyon"),
];

/// The form with one field changed.
fn with(field: &str, value: &'static str) -> Vec<(&'static str, &'static str)> {
    CACES
        .iter()
        .map(|(name, v)| (*name, if *name == field { value } else { *v }))
        .collect()
}

/// Whether a checkbox of the page is ticked.
fn ticked(html: &str, id: &str) -> bool {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no {id} in {html}"));
    let tag_end = html[start..].find('>').unwrap();
    html[start..start + tag_end].contains(" checked")
}

pub async fn evaluations_are_recorded_shared_and_shown_through_the_pages(db: TestDb) {
    let (server, world) = Server::start(db).await;
    let seeker = world.seekers[&6];
    let referral = server.accepted(seeker, world.offer_x).await;
    let advisor = server.login("advisor@a.fr").await;
    let recruiter = server.login("recruiter@x.fr").await;
    let stranger = server.login("recruiter@y.fr").await;
    let page_path = format!("/demandeurs/{seeker}/evaluations");

    // The advisor's person page leads to the evaluations; nothing recorded yet.
    let page = advisor.page(&format!("/demandeurs/{seeker}")).await;
    assert!(
        page.html.contains(&format!("href=\"{page_path}\"")),
        "{}",
        page.html
    );
    let page = advisor.page(&page_path).await;
    assert_eq!(page.status, 200, "{}", page.html);
    assert!(page.html.contains("<html lang=\"fr\""));
    assert!(
        page.html.contains("Aucune évaluation visible"),
        "{}",
        page.html
    );
    assert!(page.html.contains("Enregistrer une évaluation"));

    // A wrong field: named in French, the values kept, nothing stored.
    let page = advisor
        .post_form(&page_path, &with("subject_caces", ""))
        .await;
    assert_eq!(page.status, 422, "{}", page.html);
    assert!(
        page.html
            .contains("Objet : choisissez la catégorie de CACES dans la liste."),
        "{}",
        page.html
    );
    assert!(page.html.contains("value=\"AFPA Lyon\""), "{}", page.html);
    assert!(page.html.contains("<title>Erreur"), "{}", page.html);
    let page = advisor
        .post_form(&page_path, &with("evaluated_on", "2026-12-01"))
        .await;
    assert_eq!(page.status, 422, "{}", page.html);
    assert!(
        page.html
            .contains("Date de l&#39;évaluation : une date valide")
            || page.html.contains("Date de l'évaluation : une date valide"),
        "{}",
        page.html
    );
    let page = advisor
        .post_form(&page_path, &with("evaluated_on", "pas une date"))
        .await;
    assert_eq!(page.status, 422, "{}", page.html);
    let page = advisor.post_form(&page_path, &with("result", "A1")).await;
    assert_eq!(page.status, 422, "{}", page.html);
    assert!(
        page.html.contains("Résultat : choisissez un résultat"),
        "{}",
        page.html
    );
    let stored = server.state.store.evaluations_of(seeker).await.unwrap();
    assert!(stored.is_empty(), "{stored:?}");

    // Recorded, then listed as the advisor's agency's own.
    let page = advisor.post_form(&page_path, CACES).await;
    assert_eq!(page.status, 303, "{}", page.html);
    assert_eq!(
        page.location.as_deref(),
        Some(format!("{page_path}?fait=enregistree").as_str())
    );
    let page = advisor.page(&format!("{page_path}?fait=enregistree")).await;
    assert!(
        page.html.contains("L&#39;évaluation est enregistrée")
            || page.html.contains("L'évaluation est enregistrée"),
        "{}",
        page.html
    );
    for text in [
        "CACES R 389",
        "(123698)",
        "Obtenu",
        "02/03/2026",
        "01/03/2031",
        "AFPA Lyon",
        "Votre structure",
        ">valide<",
        "Supprimer",
    ] {
        assert!(page.html.contains(text), "{text}: {}", page.html);
    }
    let stored = server.state.store.evaluations_of(seeker).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].record.subject, "123698");
    assert_eq!(stored[0].structure_id, world.structures[&FT_A]);

    // The recruiter of the agency the person accepted: a link from the referral, the page,
    // but not the advisor's CACES while the person does not share the kind.
    let page = recruiter
        .page(&format!("/mises-en-relation/{referral}"))
        .await;
    assert!(
        page.html.contains(&format!("href=\"{page_path}\"")),
        "{}",
        page.html
    );
    let page = recruiter.page(&page_path).await;
    assert_eq!(page.status, 200, "{}", page.html);
    assert!(!page.html.contains("AFPA Lyon"), "{}", page.html);
    assert!(page.html.contains("Aucune évaluation visible"));
    // Another agency, which the person never accepted: the usual refusal.
    let page = stranger.page(&page_path).await;
    assert_eq!(page.status, 403, "{}", page.html);
    assert!(page.html.contains("Accès refusé"));
    let page = stranger.post_form(&page_path, CACES).await;
    assert_eq!(page.status, 403, "{}", page.html);
    let page = advisor.page("/demandeurs/999999/evaluations").await;
    assert_eq!(page.status, 404, "{}", page.html);

    // The advisor's consent form shares CACES: the box round-trips, the recruiter sees it.
    let page = advisor.page(&format!("/demandeurs/{seeker}")).await;
    assert!(
        page.html
            .contains("Évaluations partagées avec les autres structures")
    );
    assert!(!ticked(&page.html, "share-caces"));
    consent_sharing(&advisor, seeker, &[("share_caces", "oui")]).await;
    assert_eq!(shared(&server, seeker).await, ["caces"]);
    let page = advisor.page(&format!("/demandeurs/{seeker}")).await;
    assert!(ticked(&page.html, "share-caces"));
    assert!(!ticked(&page.html, "share-mrs"));
    assert!(!ticked(&page.html, "share-language"));
    let page = recruiter.page(&page_path).await;
    assert!(page.html.contains("AFPA Lyon"), "{}", page.html);
    assert!(page.html.contains("Agence 1"), "{}", page.html);
    assert!(
        !page.html.contains("/supprimer"),
        "no delete button: {}",
        page.html
    );
    // Only the structure that recorded it deletes it.
    let id = stored[0].id;
    let page = recruiter
        .post_form(&format!("/evaluations/{id}/supprimer"), &[])
        .await;
    assert_eq!(page.status, 403, "{}", page.html);
    assert_eq!(
        server
            .state
            .store
            .evaluations_of(seeker)
            .await
            .unwrap()
            .len(),
        1
    );

    // The recruiter records a language level for its agency.
    let page = recruiter
        .post_form(
            &page_path,
            &[
                ("kind", "language"),
                ("subject", "EN"),
                ("subject_caces", ""),
                ("result", "B2"),
                ("evaluated_on", "2026-03-09"),
                ("valid_until", ""),
                ("issuer", "Centre de langues"),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.html);
    let page = advisor.page(&page_path).await;
    assert!(
        !page.html.contains("Centre de langues"),
        "not shared: {}",
        page.html
    );

    // Unticked: no longer shared.
    consent_sharing(&advisor, seeker, &[]).await;
    assert!(shared(&server, seeker).await.is_empty());
    let page = recruiter.page(&page_path).await;
    assert!(!page.html.contains("AFPA Lyon"), "{}", page.html);
    assert!(page.html.contains("Centre de langues"), "{}", page.html);

    // The person: their consent page shares kinds, their data lists every evaluation.
    let person = person_of(&server, &advisor, seeker).await;
    let page = person.page("/espace/consentement").await;
    assert!(
        page.html
            .contains("Évaluations partagées avec les autres structures")
    );
    assert!(!ticked(&page.html, "partager-caces"));
    let page = person
        .post_form(
            "/espace/consentement",
            &[
                ("scope", "all_agencies"),
                ("share_caces", "1"),
                ("share_language", "1"),
            ],
        )
        .await;
    assert_eq!(
        page.location.as_deref(),
        Some("/espace/consentement?fait=consentement"),
        "{}",
        page.html
    );
    assert_eq!(shared(&server, seeker).await, ["caces", "language"]);
    let page = person.page("/espace/consentement").await;
    assert!(ticked(&page.html, "partager-caces"));
    assert!(ticked(&page.html, "partager-language"));
    assert!(!ticked(&page.html, "partager-mrs"));
    let page = advisor.page(&page_path).await;
    assert!(
        page.html.contains("Centre de langues"),
        "shared now: {}",
        page.html
    );
    let page = person.page("/espace/donnees").await;
    assert_eq!(page.status, 200, "{}", page.html);
    for text in [
        "Vos évaluations",
        "AFPA Lyon",
        "Obtenu",
        "Centre de langues",
        "B2 (avancé)",
        "CACES, Niveau de langue",
        "Agence 1",
        "Agence 3",
    ] {
        assert!(page.html.contains(text), "{text}: {}", page.html);
    }
    let page = person.page("/espace/historique").await;
    assert!(
        page.html.contains("a enregistré une de vos évaluations"),
        "{}",
        page.html
    );
    let (status, data) = person.get("/espace/donnees.json").await;
    assert_eq!(status, 200);
    assert_eq!(data["shared_evaluations"], json!(["caces", "language"]));
    let evaluations = data["evaluations"].as_array().unwrap();
    assert_eq!(evaluations.len(), 2, "{data}");
    assert_eq!(evaluations[0]["subject"], "123698");
    assert_eq!(evaluations[1]["subject"], "en");

    // The advisor deletes their CACES.
    let page = advisor
        .post_form(&format!("/evaluations/{id}/supprimer"), &[])
        .await;
    assert_eq!(page.status, 303, "{}", page.html);
    assert_eq!(
        page.location.as_deref(),
        Some(format!("{page_path}?fait=supprimee").as_str())
    );
    let left = server.state.store.evaluations_of(seeker).await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].record.subject, "en");
    server.stop().await;
}
