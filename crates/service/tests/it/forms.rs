//! The recruiter's forms through the router, over HTTP: the offer form refuses wrong fields
//! by name, in French, and stores nothing; a file import lists the rows it refused (line,
//! field, reason) and stores the others.

use serde_json::json;
use testdb::TestDb;

use crate::support::*;

async fn offer_references(server: &Server, structure: i64) -> Vec<String> {
    let mut references: Vec<String> = server
        .state
        .store
        .offers_of_structure(structure)
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.record.external_id.as_str().to_string())
        .collect();
    references.sort();
    references
}

pub async fn the_offer_form_names_each_wrong_field_in_french_and_stores_nothing(db: TestDb) {
    let (server, world) = Server::start(db).await;
    let recruiter = server.login("recruiter@x.fr").await;
    let agency_x = world.structures[&AGENCY_X];
    let Page {
        status,
        location,
        html,
    } = recruiter
        .post_form(
            "/offres/nouvelle",
            &[
                ("intitule", "   "),
                ("metier", ""),
                ("commune", ""),
                ("contrat", "STAGE"),
                ("postes", "0"),
                ("debut", "31/12/2026"),
                ("experience", "D"),
                ("description", "Conduite de chariots."),
            ],
        )
        .await;
    assert_eq!((status, location), (422, None), "{html}");
    assert!(
        html.contains("<title>Erreur — Créer une offre — Passerelle</title>"),
        "{html}"
    );
    // Each wrong field: its message under it, and in the summary a link to it, named.
    let wrong = [
        (
            "intitule",
            "Intitulé du poste",
            "Renseignez l&#39;intitulé du poste.",
        ),
        (
            "metier",
            "Métier (ROME)",
            "Renseignez le métier : tapez un intitulé de poste et choisissez dans la liste.",
        ),
        (
            "commune",
            "Commune du lieu de travail",
            "Renseignez la commune du lieu de travail.",
        ),
        (
            "contrat",
            "Type de contrat",
            "Choisissez un type de contrat dans la liste.",
        ),
        (
            "postes",
            "Nombre de postes",
            "Un nombre entier de postes, entre 1 et 999.",
        ),
        ("debut", "Date de début", "Une date au format JJ/MM/AAAA."),
    ];
    for (name, label, message) in wrong {
        assert!(
            html.contains(&format!(
                "<p class=\"fr-error-text\" id=\"{name}-error\">{message}</p>"
            )),
            "{name}: {html}"
        );
        assert!(
            html.contains(&format!(
                "<li><a href=\"#{name}\">{label} : {message}</a></li>"
            )),
            "{name} in the summary: {html}"
        );
    }
    assert_eq!(html.matches("class=\"fr-error-text\"").count(), 6, "{html}");
    for right in ["experience", "description", "accessible_th"] {
        assert!(!html.contains(&format!("id=\"{right}-error\"")), "{right}");
    }
    // What was typed is given back.
    assert!(html.contains("value=\"31/12/2026\""), "{html}");
    assert!(html.contains(">Conduite de chariots.</textarea>"), "{html}");
    assert_eq!(offer_references(&server, agency_x).await, ["OFF-1"]);

    // The same form, right: stored, and the browser is sent to the new offer.
    let created = recruiter.post_form("/offres/nouvelle", OFFER_FORM).await;
    assert_eq!(created.status, 303, "{}", created.html);
    let stored = server
        .state
        .store
        .offers_of_structure(agency_x)
        .await
        .unwrap()
        .into_iter()
        .find(|o| o.id != world.offer_x)
        .unwrap();
    assert_eq!(
        created.location.as_deref(),
        Some(format!("/offres/{}?fait=offre", stored.id).as_str())
    );
    assert_eq!(stored.record.title, "Cariste (H/F)");
    assert_eq!(stored.record.positions, 2);
    server.stop().await;
}

pub async fn a_file_import_lists_each_rejected_row_and_stores_the_good_ones(db: TestDb) {
    let (server, world) = Server::start(db).await;
    let recruiter = server.login("recruiter@x.fr").await;
    let agency_x = world.structures[&AGENCY_X];
    // Lines 3 and 5 are wrong (an unknown occupation; a commune that does not exist); line
    // 4's wage is not a figure (imported, with a remark).
    let csv = "reference,intitule,code_rome,commune,type_contrat,date_publication,salaire\n\
               IMP-1,Cariste,N1101,93066,MIS,2026-03-01,Mensuel de 1900 Euros\n\
               IMP-2,Cariste,N9999,93066,MIS,2026-03-01,\n\
               IMP-3,Magasinier,N1103,93066,CDI,2026-03-02,A négocier\n\
               IMP-4,Soudeur,H2913,93999,CDD,2026-03-03,\n";
    let Page { status, html, .. } = recruiter
        .upload("/offres/import", "offres.csv", "text/csv", csv)
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("Import de « offres.csv » terminé"), "{html}");
    assert!(
        html.contains(
            "2 offre(s) créée(s), 0 mise(s) à jour, 0 inchangée(s) ; 2 erreur(s) ci-dessous."
        ),
        "{html}"
    );
    assert!(html.contains("Offres refusées (2)"), "{html}");
    // Each rejected row: its line, the field by its French name and its column, the reason.
    for (line, label, field, reason) in [
        (
            3,
            "Code ROME du métier",
            "code_rome",
            "not a valid ROME code: no such occupation in the ROME 4.0 referential",
        ),
        (
            5,
            "Commune du lieu de travail (code INSEE)",
            "commune",
            "no commune has the INSEE code 93999",
        ),
    ] {
        let row = format!(
            "<tr><td>{line}</td><td>{label} <code>{field}</code></td>\
             <td><span lang=\"en\">{reason}</span></td></tr>"
        );
        assert!(html.contains(&row), "line {line}: {html}");
    }
    assert!(
        html.contains("Offres importées avec une remarque (1)"),
        "{html}"
    );
    assert!(
        html.contains("<tr><td>4</td><td>A négocier</td></tr>"),
        "{html}"
    );
    assert_eq!(html.matches("<tr><td>").count(), 3, "{html}");
    assert!(!html.contains("Aucune offre importée"), "{html}");
    assert_eq!(
        offer_references(&server, agency_x).await,
        ["IMP-1", "IMP-3", "OFF-1"]
    );
    // Pushed through the API: the offer is written, the remark names the field.
    let pushed = json!([{
        "id": "PUSH-1", "intitule": "Cariste (H/F)", "romeCode": "N1101",
        "lieuTravail": {"commune": "93066"}, "typeContrat": "MIS",
        "dateCreation": "2026-03-01T08:00:00Z", "salaire": {"libelle": "Selon profil"}
    }, {
        "id": "PUSH-2", "intitule": "Cariste (H/F)", "romeCode": "N1101",
        "lieuTravail": {"commune": "93066"}, "typeContrat": "MIS",
        "dateCreation": "2026-03-01T08:00:00Z",
        "salaire": {"libelle": "Horaire de 12,50 Euros"}
    }]);
    let (status, report) = recruiter.post("/api/v1/offers", &pushed).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["created"], 2);
    assert_eq!(
        report["notes"],
        json!([{
            "path": "/0/salaire/libelle",
            "message": "\"Selon profil\": the period \"selon\" is not Mensuel, Horaire or \
                        Annuel; the label is kept, with no numeric wage"
        }])
    );
    server.stop().await;
}
