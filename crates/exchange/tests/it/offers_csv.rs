use chrono::NaiveDate;
use exchange::{offers_csv, offers_json};
use simulate::{Config, Region};

use crate::{accepted, assert_rejections, split};

fn simulated_offers() -> Vec<model::OfferRecord> {
    let config = Config::new(
        "11",
        0.001,
        5,
        NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
    )
    .unwrap();
    let region = Region::new(config).unwrap();
    (0..region.offer_count())
        .filter_map(|i| region.offer(i))
        .collect()
}

#[test]
fn simulated_offers_round_trip_through_csv_and_json() {
    let offers = simulated_offers();
    assert!(offers.len() > 400);
    assert!(offers.iter().any(|o| o.closed_at.is_some()));
    let mut csv = Vec::new();
    offers_csv::write(&offers, &mut csv).unwrap();
    let again = accepted(offers_csv::read(&csv, None).unwrap());
    assert_eq!(again, offers);
    let mut json = Vec::new();
    offers_json::write(&offers, &mut json).unwrap();
    let again = accepted(offers_json::read(&json, None).unwrap());
    assert_eq!(again, offers);
}

#[test]
fn every_reason_a_csv_offer_is_rejected() {
    let header = "structure_siret;reference;intitule;code_rome;commune;code_postal;latitude;longitude;type_contrat;\
duree_jours;heures_hebdo;temps_travail;experience;experience_mois;competences;nombre_postes;accessible_th;\
difficile_a_pourvoir;debut;statut;date_publication;date_actualisation;date_cloture;motif_cloture";
    let good = "73282932000074;R1;Cariste;N1101;93066;93200;48.9;2.3;MIS;10;35;plein;E;6;100007;2;oui;non;\
2026-03-10;open;2026-03-01T08:00:00Z;;";
    let (ok, bad) =
        split(offers_csv::read(format!("{header}\n{good}\n").as_bytes(), None).unwrap());
    assert_eq!((ok.len(), bad.len()), (1, 0), "{bad:?}");
    let cases = [
        ("73282932000074", "7328293200007", "structure_siret"),
        (";R1;", ";;", "reference"),
        (";Cariste;", ";;", "intitule"),
        (";N1101;", ";N9999;", "code_rome"),
        (";93066;", ";93999;", "commune"),
        (";93200;", ";932;", "code_postal"),
        (";48.9;", ";95;", "latitude"),
        (";MIS;", ";STAGE;", "type_contrat"),
        (";10;35;", ";dix;35;", "duree_jours"),
        (";10;35;", ";10;70;", "heures_hebdo"),
        (";plein;", ";souvent;", "temps_travail"),
        (";E;6;", ";X;6;", "experience"),
        (";E;6;", ";E;six;", "experience_mois"),
        (";100007;", ";999999;", "competences"),
        (";100007;", ";100007:X;", "competences"),
        (";2;oui;", ";0;oui;", "nombre_postes"),
        (";2;oui;", ";2;peut-etre;", "accessible_th"),
        (";2026-03-10;", ";demain;", "debut"),
        (";open;", ";done;", "statut"),
        ("2026-03-01T08:00:00Z", "hier", "date_publication"),
        (";open;", ";filled;", "date_cloture"),
    ];
    let read = |row: &str| {
        offers_csv::read(format!("{header}\n{good}\n{row}\n").as_bytes(), None).unwrap()
    };
    assert_rejections(good, &cases, read, 1, 3);
}
