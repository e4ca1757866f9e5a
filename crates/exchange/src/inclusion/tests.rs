//! The files written and read back, and wrong values named with their field.

use super::*;
use domain::InseeCode;

fn structure() -> StructureRecord {
    StructureRecord {
        siret: Siret::parse("73282932000074").unwrap(),
        kind: StructureKind::AgenceEmploi,
        name: "Intérim Saint-Denis".to_string(),
        network: Some("Réseau Intérim".to_string()),
        address: Some("1 place du Caquet".to_string()),
        postcode: Some(Postcode::parse("93200").unwrap()),
        commune: InseeCode::parse("93066").unwrap(),
        coordinates: Some((48.93564, 2.35387)),
        email: Some(Email::parse("contact@interim.fr").unwrap()),
        phone: Some(PhoneNumber::parse("01 48 13 00 00").unwrap()),
        website: Some("https://interim.fr".to_string()),
        status: StructureStatus::Active,
    }
}

#[test]
fn structures_and_services_round_trip_through_the_files() {
    let day = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
    let s = structure();
    let written = write_structures(&[(s.clone(), day)], &HashMap::new());
    let text = serde_json::to_vec(&written).unwrap();
    let read = read_structures(&text).unwrap();
    let (_, back) = read.into_iter().next().unwrap().unwrap();
    assert_eq!(back.record, s);
    assert_eq!(back.id, "passerelle--73282932000074");
    assert_eq!(back.profile.updated_on, day);
    assert_eq!(written[0]["commune"], "Saint-Denis");
    assert!(
        written[0].get("reseaux_porteurs").is_none(),
        "no temp-work network in the list"
    );
    assert_eq!(written[0]["passerelle"]["type_structure"], "agence_emploi");

    let service = ServiceRecord {
        kind: Some("aide-financiere".to_string()),
        thematiques: vec!["mobilite--preparer-un-permis".to_string()],
        publics: vec!["demandeurs-emploi".to_string()],
        fees: Some("gratuit".to_string()),
        reception_modes: vec!["a-distance".to_string()],
        eligibility_zone: vec!["11".to_string()],
        mobilisation_link: Some("https://interim.fr/permis".to_string()),
        mobilisation_modes: vec!["utiliser-lien-mobilisation".to_string()],
        mobilisable_by: vec!["usagers".to_string()],
        review_every_days: 90,
        ..ServiceRecord::new(
            s.siret.clone(),
            "MOB-1",
            "Aide au permis",
            "Financement du permis de conduire.",
            day,
        )
    };
    let ids = BTreeMap::from([(back.id.clone(), s.siret.clone())]);
    let written = write_services(std::slice::from_ref(&service));
    assert_eq!(written[0]["id"], "passerelle--73282932000074--MOB-1");
    let text = serde_json::to_vec(&written).unwrap();
    let (_, read) = read_services(&text, &ids)
        .unwrap()
        .into_iter()
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(read, service);
}

#[test]
fn reserved_addresses_are_left_out_of_published_files() {
    assert!(publishable_email("contact@interim.fr"));
    assert!(!publishable_email(
        "contact1@agence-emploi.simulation.invalid"
    ));
    assert!(!publishable_email("a@example.com"));
    assert!(!publishable_email("a@mail.example.org"));
    assert!(publishable_email("a@myexample.com"));
    let mut s = structure();
    s.email = Some(Email::parse("contact@agence.simulation.invalid").unwrap());
    let written = write_structures(
        &[(s, NaiveDate::from_ymd_opt(2026, 1, 2).unwrap())],
        &HashMap::new(),
    );
    assert!(written[0].get("courriel").is_none());
}

#[test]
fn wrong_values_are_named_with_their_field() {
    let ids = BTreeMap::from([("x--1".to_string(), Siret::parse("73282932000074").unwrap())]);
    let file = json!([{
        "source": "x", "structure_id": "x--1", "id": "x--1--a", "nom": "Ok",
        "description": "Une description.", "date_maj": "2026-13-01",
        "type": "voyage", "thematiques": ["mobilite--voler"], "latitude": 48.9,
    }]);
    let rows = read_services(&serde_json::to_vec(&file).unwrap(), &ids).unwrap();
    let err = rows.into_iter().next().unwrap().unwrap_err();
    let fields: Vec<&str> = err.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        ["nom", "date_maj", "type", "thematiques", "latitude"],
        "{err:?}"
    );
    assert!(read_services(b"{}", &ids).is_err());
    assert!(read_structures(b"[1]").is_err());
    let unknown = json!([{ "structure_id": "y--2", "id": "y--2--a", "nom": "Aide",
        "description": "Une aide.", "date_maj": "2026-01-01" }]);
    let rows = read_services(&serde_json::to_vec(&unknown).unwrap(), &ids).unwrap();
    assert_eq!(
        rows[0].as_ref().unwrap_err().errors[0].field,
        "structure_id"
    );
}
