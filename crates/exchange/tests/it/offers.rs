use domain::Siret;
use exchange::offers_json;
use model::{ContractType, ExperienceRequired, OfferStatus, WorkingTime};

use crate::{accepted, split};

const FIXTURE: &[u8] = include_bytes!("../fixtures/offres-france-travail.json");

fn owner() -> Siret {
    Siret::parse("73282932000074").unwrap()
}

#[test]
fn a_malformed_offer_in_the_middle_is_reported_and_the_others_read() {
    let rows = offers_json::read(FIXTURE, Some(&owner())).unwrap();
    assert_eq!(rows.len(), 4);
    assert!(rows[0].is_ok() && rows[1].is_ok() && rows[3].is_ok());
    let bad = rows[2].as_ref().unwrap_err();
    assert_eq!(bad.position, 3);
    assert_eq!(bad.errors.len(), 1);
    assert_eq!(bad.errors[0].field, "romeCode");
    assert!(
        bad.errors[0].reason.contains("a letter from A to N"),
        "{}",
        bad.errors[0].reason
    );
}

#[test]
fn every_field_of_a_france_travail_offer_is_read() {
    let rows = offers_json::read(FIXTURE, Some(&owner())).unwrap();
    let (_, cariste) = rows[0].as_ref().unwrap();
    assert_eq!(cariste.external_id.as_str(), "190ZKTR");
    assert_eq!(cariste.structure_siret, owner());
    assert_eq!(cariste.rome.as_str(), "N1101");
    assert_eq!(cariste.job_title.as_deref(), Some("Cariste"));
    assert_eq!(cariste.commune.as_str(), "93066");
    assert_eq!(cariste.postcode.as_ref().unwrap().as_str(), "93200");
    assert_eq!(cariste.coordinates, Some((48.935, 2.354)));
    assert_eq!(cariste.workplace_label.as_deref(), Some("93 - ST DENIS"));
    assert_eq!(cariste.contract_type, ContractType::Mis);
    assert_eq!(
        cariste.duration_label.as_deref(),
        Some("Mission intérimaire - 3 Mois")
    );
    assert_eq!(cariste.experience_required, ExperienceRequired::Required);
    assert_eq!(cariste.experience_months, Some(6));
    assert_eq!(cariste.skills.len(), 2);
    assert_eq!(cariste.skills[1].requirement.as_deref(), Some("E"));
    assert_eq!(cariste.licences, ["B - Véhicule léger"]);
    assert_eq!(
        cariste.salary_label.as_deref(),
        Some("Horaire de 12.50 Euros sur 12 mois")
    );
    assert_eq!(cariste.working_time, Some(WorkingTime::FullTime));
    assert_eq!(cariste.positions, 3);
    assert!(cariste.accessible_th && cariste.hard_to_fill);
    assert_eq!(cariste.qualification_code.as_deref(), Some("6"));
    assert_eq!(cariste.sector_code.as_deref(), Some("52.10B"));
    assert_eq!(cariste.status, OfferStatus::Open);
    assert_eq!(
        cariste.published_at.to_rfc3339(),
        "2026-03-02T08:15:42+00:00"
    );
    // No commune but a postcode of a single commune: Paris 11e.
    let (_, night) = rows[3].as_ref().unwrap();
    assert_eq!(night.commune.as_str(), "75111");
    assert_eq!(night.published_at.to_rfc3339(), "2026-02-27T15:30:00+00:00");
    // Defaults: one position, beginners accepted.
    let (_, minimal) = rows[1].as_ref().unwrap();
    assert_eq!(minimal.positions, 1);
    assert_eq!(minimal.experience_required, ExperienceRequired::Beginner);
}

#[test]
fn export_then_import_gives_identical_offers() {
    let (offers, _) = split(offers_json::read(FIXTURE, Some(&owner())).unwrap());
    assert_eq!(offers.len(), 3);
    let mut closed = offers[0].clone();
    closed.external_id = domain::ExternalId::parse("CLOSED-1").unwrap();
    closed.status = OfferStatus::Filled;
    closed.closed_at = Some(closed.published_at + chrono::Duration::days(9));
    closed.starts_on = chrono::NaiveDate::from_ymd_opt(2026, 3, 16);
    closed.weekly_hours = Some(35.0);
    closed.duration_days = Some(90);
    closed.job_title_ogr = Some("11679".to_string());
    let mut all = offers.clone();
    all.push(closed);
    let mut file = Vec::new();
    offers_json::write(&all, &mut file).unwrap();
    // No owner given: the file says it.
    let again = accepted(offers_json::read(&file, None).unwrap());
    assert_eq!(again, all);
    let mut file_again = Vec::new();
    offers_json::write(&again, &mut file_again).unwrap();
    assert_eq!(file, file_again);
}

#[test]
fn a_plain_array_reads_too_and_unreadable_files_say_why() {
    let rows = offers_json::read(
        br#"[{"id":"X","intitule":"Cariste","romeCode":"N1101","lieuTravail":{"commune":"93066"},"typeContrat":"MIS","dateCreation":"2026-03-01T00:00:00Z"}]"#,
        Some(&owner()),
    )
    .unwrap();
    assert!(rows[0].is_ok());
    assert!(
        offers_json::read(b"not json", None)
            .unwrap_err()
            .0
            .starts_with("not a JSON document")
    );
    assert!(
        offers_json::read(br#"{"offres": []}"#, None)
            .unwrap_err()
            .0
            .contains("\"resultats\"")
    );
}

#[test]
fn every_reason_an_offer_is_rejected() {
    let cases: [(&str, &str); 12] = [
        (
            r#"{"intitule":"T","romeCode":"N1101","lieuTravail":{"commune":"93066"},"typeContrat":"MIS","dateCreation":"2026-03-01T00:00:00Z"}"#,
            "id",
        ),
        (
            r#"{"id":"1","romeCode":"N1101","lieuTravail":{"commune":"93066"},"typeContrat":"MIS","dateCreation":"2026-03-01T00:00:00Z"}"#,
            "intitule",
        ),
        (
            r#"{"id":"1","intitule":"T","lieuTravail":{"commune":"93066"},"typeContrat":"MIS","dateCreation":"2026-03-01T00:00:00Z"}"#,
            "romeCode",
        ),
        (
            r#"{"id":"1","intitule":"T","romeCode":"N1101","typeContrat":"MIS","dateCreation":"2026-03-01T00:00:00Z"}"#,
            "lieuTravail.commune",
        ),
        (
            r#"{"id":"1","intitule":"T","romeCode":"N1101","lieuTravail":{"commune":"93999"},"typeContrat":"MIS","dateCreation":"2026-03-01T00:00:00Z"}"#,
            "lieuTravail.commune",
        ),
        (
            r#"{"id":"1","intitule":"T","romeCode":"N1101","lieuTravail":{"codePostal":"9320"},"typeContrat":"MIS","dateCreation":"2026-03-01T00:00:00Z"}"#,
            "lieuTravail.codePostal",
        ),
        (
            r#"{"id":"1","intitule":"T","romeCode":"N1101","lieuTravail":{"commune":"93066","latitude":95.0,"longitude":2.0},"typeContrat":"MIS","dateCreation":"2026-03-01T00:00:00Z"}"#,
            "lieuTravail.latitude",
        ),
        (
            r#"{"id":"1","intitule":"T","romeCode":"N1101","lieuTravail":{"commune":"93066"},"typeContrat":"CPE","dateCreation":"2026-03-01T00:00:00Z"}"#,
            "typeContrat",
        ),
        (
            r#"{"id":"1","intitule":"T","romeCode":"N1101","lieuTravail":{"commune":"93066"},"typeContrat":"MIS"}"#,
            "dateCreation",
        ),
        (
            r#"{"id":"1","intitule":"T","romeCode":"N1101","lieuTravail":{"commune":"93066"},"typeContrat":"MIS","dateCreation":"2026-03-01T00:00:00Z","experienceExige":"X"}"#,
            "experienceExige",
        ),
        (
            r#"{"id":"1","intitule":"T","romeCode":"N1101","lieuTravail":{"commune":"93066"},"typeContrat":"MIS","dateCreation":"2026-03-01T00:00:00Z","nombrePostes":0}"#,
            "nombrePostes",
        ),
        (
            r#"{"id":"1","intitule":"T","romeCode":"N1101","lieuTravail":{"commune":"93066"},"typeContrat":"MIS","dateCreation":"2026-03-01T00:00:00Z","passerelle":{"status":"filled"}}"#,
            "passerelle.closedAt",
        ),
    ];
    for (offer, field) in cases {
        let file = format!("[{offer}]");
        let (good, bad) = split(offers_json::read(file.as_bytes(), Some(&owner())).unwrap());
        assert!(good.is_empty(), "{field}: accepted {offer}");
        assert_eq!(bad, [(1, field.to_string())], "{offer}");
    }
    let (_, bad) = split(offers_json::read(br#"[{"id":"1","intitule":"T","romeCode":"N1101","lieuTravail":{"commune":"93066"},"typeContrat":"MIS","dateCreation":"2026-03-01T00:00:00Z"}]"#, None).unwrap());
    assert_eq!(bad, [(1, "passerelle.structureSiret".to_string())]);
    let (_, bad) =
        split(offers_json::read(br#"[{"id":"1","nombrePostes":"trois"}]"#, None).unwrap());
    assert_eq!(bad, [(1, "nombrePostes".to_string())]);
}

/// Regression (probe, defect 8): years ≤ 0 were accepted as dates (one such offer made its
/// agency's whole listing violate the API's schema), a 7.5 MB description was stored, and
/// control characters (NUL, ESC, a right-to-left override) were kept in titles.
#[test]
fn impossible_dates_oversized_texts_and_control_characters_are_rejected() {
    let base = |extra: &str, title: &str, created: &str| {
        format!(
            r#"[{{"id":"1","intitule":{title},"romeCode":"N1101","lieuTravail":{{"commune":"93066"}},"typeContrat":"MIS","dateCreation":"{created}"{extra}}}]"#
        )
    };
    let long = "x".repeat(model::text::DESCRIPTION_CHARS + 1);
    let cases = [
        (base("", r#""T""#, "0000-03-01T00:00:00Z"), "dateCreation"),
        (base("", r#""T""#, "-0001-03-01"), "dateCreation"),
        (base("", r#""T""#, "2400-01-01T00:00:00Z"), "dateCreation"),
        (
            base(
                r#","passerelle":{"startsOn":"0000-01-01"}"#,
                r#""T""#,
                "2026-03-01",
            ),
            "passerelle.startsOn",
        ),
        (base("", r#""Cariste\u0000""#, "2026-03-01"), "intitule"),
        (base("", r#""Cariste\u001b[31m""#, "2026-03-01"), "intitule"),
        (base("", r#""Cariste \u202Efdp""#, "2026-03-01"), "intitule"),
        (
            base("", &format!("\"{}\"", "T".repeat(201)), "2026-03-01"),
            "intitule",
        ),
        (
            base(
                &format!(r#","description":"{long}""#),
                r#""T""#,
                "2026-03-01",
            ),
            "description",
        ),
        (
            base(r#","description":"a\u0000b""#, r#""T""#, "2026-03-01"),
            "description",
        ),
        (
            base(
                r#","salaire":{"libelle":"12 \u0007"}"#,
                r#""T""#,
                "2026-03-01",
            ),
            "salaire.libelle",
        ),
    ];
    for (file, field) in cases {
        let (good, bad) = split(offers_json::read(file.as_bytes(), Some(&owner())).unwrap());
        assert!(
            good.is_empty(),
            "{field}: accepted {}",
            &file[..file.len().min(300)]
        );
        assert_eq!(
            bad,
            [(1, field.to_string())],
            "{}",
            &file[..file.len().min(300)]
        );
    }
    // Line breaks and tabs stay allowed in a description.
    let fine = base(
        r#","description":"Missions :\r\n\t- conduite""#,
        r#""T""#,
        "2026-03-01",
    );
    let (good, bad) = split(offers_json::read(fine.as_bytes(), Some(&owner())).unwrap());
    assert_eq!((good.len(), bad.len()), (1, 0), "{bad:?}");
}
