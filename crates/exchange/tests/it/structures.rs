use exchange::structures;
use model::{StructureKind, StructureStatus};

use crate::{accepted, assert_rejections, split};

const CSV: &str = "siret;type;nom;reseau;adresse;code_postal;commune;latitude;longitude;email;telephone;site_web;statut
73282932000074;agence_emploi;Intérim Plaine;Réseau A;1 rue de la Gare;93200;93066;48,935;2.354;contact@interim.fr;01 48 13 00 00;https://interim.example;active
13000548100010;france_travail;France Travail Saint-Denis;;;;93066;;;;;;
";

#[test]
fn csv_reads_and_round_trips_through_csv_and_json() {
    let records = accepted(structures::read_csv(CSV.as_bytes()).unwrap());
    assert_eq!(records.len(), 2);
    assert_eq!(records[0].kind, StructureKind::AgenceEmploi);
    assert_eq!(records[0].coordinates, Some((48.935, 2.354)));
    assert_eq!(records[1].status, StructureStatus::Active);
    assert_eq!(records[1].coordinates, None);

    let mut csv = Vec::new();
    structures::write_csv(&records, &mut csv).unwrap();
    assert_eq!(split(structures::read_csv(&csv).unwrap()).0, records);
    let mut json = Vec::new();
    structures::write_json(&records, &mut json).unwrap();
    assert_eq!(split(structures::read_json(&json).unwrap()).0, records);
}

#[test]
fn every_reason_a_structure_is_rejected() {
    let good = "73282932000074;agence_emploi;Intérim Plaine;;;93200;93066;48.9;2.3;a@b.fr;01 48 13 00 00;;active";
    let cases = [
        ("73282932000074", "73282932000075", "siret"),
        ("agence_emploi", "banque", "type"),
        ("Intérim Plaine", "", "nom"),
        (";93200;", ";9320;", "code_postal"),
        (";93066;", ";93999;", "commune"),
        ("48.9", "north", "latitude"),
        (";2.3;", ";;", "longitude"),
        ("a@b.fr", "a@b", "email"),
        ("01 48 13 00 00", "0148", "telephone"),
        (";active", ";open", "statut"),
    ];
    let header = CSV.lines().next().unwrap();
    let read = |row: &str| structures::read_csv(format!("{header}\n{row}\n").as_bytes()).unwrap();
    assert_rejections(good, &cases, read, 0, 2);
    let (_, bad) = split(structures::read_json(br#"[{"siret":"73282932000074"}, 3]"#).unwrap());
    assert_eq!(
        bad,
        [
            (1, "type".to_string()),
            (1, "nom".to_string()),
            (1, "commune".to_string()),
            (2, "structure".to_string())
        ]
    );
}
