use exchange::job_seekers_csv;
use model::{ConsentScope, Disclosure, PriorityStatus, WorkingTimePreference};

use crate::{accepted, assert_rejections, split};

const HEADER: &str = "identifiant;prenom;nom;email;telephone;date_naissance;commune;disponible_le;\
mobilite_km;metiers;competences;qualifications;langues;experience;contrats;temps_travail;rqth;\
longue_duree;rsa;qpv;senior;jeune_sans_qualification;consentement_le;consentement_portee;\
agence_siret;conseiller_email;inscrit_le;statut";

const GOOD: &str = "1234567A;Aïcha;Diallo;aicha.diallo@exemple.fr;06 12 34 56 78;14/07/1985;93066;\
01/04/2026;25;N1101:11679|N1103;100007|100010;permis:B|caces:R489-3;fr:C2|en:B1;N1101:24;MIS|CDI;\
plein;oui;oui-divulgue;non;oui;;;2026-02-01T10:00:00Z;toutes_agences;13000548100010;\
conseiller@francetravail.fr;15/01/2025;actif";

fn file(rows: &[&str]) -> String {
    let mut text = String::from(HEADER);
    for row in rows {
        text.push('\n');
        text.push_str(row);
    }
    text.push('\n');
    text
}

#[test]
fn a_full_row_reads_every_field() {
    let seekers = accepted(job_seekers_csv::read(file(&[GOOD]).as_bytes()).unwrap());
    let s = &seekers[0];
    assert_eq!(s.external_id.as_str(), "1234567A");
    assert_eq!(s.first_name.as_str(), "Aïcha");
    assert_eq!(s.phone.as_ref().unwrap().as_str(), "+33612345678");
    assert_eq!(s.birth_date.unwrap().to_string(), "1985-07-14");
    assert_eq!(s.commute_limit.km(), 25);
    let targets = s.targets.as_slice();
    assert_eq!(targets.len(), 2);
    assert_eq!(targets[0].job_title.as_deref(), Some("11679"));
    assert_eq!(s.qualifications.len(), 2);
    assert_eq!(s.qualifications[1].kind, "caces");
    assert_eq!(s.languages[1].level.as_deref(), Some("B1"));
    assert_eq!(s.experience[0].months, 24);
    assert_eq!(s.working_time, WorkingTimePreference::FullTime);
    assert_eq!(
        s.priorities.get(&PriorityStatus::Rqth),
        Some(&Disclosure::Private)
    );
    assert_eq!(
        s.priorities.get(&PriorityStatus::LongTerm),
        Some(&Disclosure::Disclosed)
    );
    assert_eq!(s.priorities.get(&PriorityStatus::Rsa), None);
    assert_eq!(s.priorities.len(), 3);
    assert_eq!(s.consent.unwrap().scope, ConsentScope::AllAgencies);
    assert_eq!(
        s.advisor_email.as_ref().unwrap().as_str(),
        "conseiller@francetravail.fr"
    );
}

#[test]
fn comma_separated_with_bom_and_iso_dates_reads_the_same() {
    let semicolons = split(job_seekers_csv::read(file(&[GOOD]).as_bytes()).unwrap()).0;
    let commas = format!(
        "\u{feff}{}",
        file(&[GOOD])
            .replace(';', ",")
            .replace("14/07/1985", "1985-07-14")
    );
    let seekers = accepted(job_seekers_csv::read(commas.as_bytes()).unwrap());
    assert_eq!(seekers, semicolons);
}

#[test]
fn export_then_import_gives_identical_job_seekers() {
    let second = GOOD
        .replace("1234567A", "7654321B")
        .replace(
            ";oui;oui-divulgue;non;oui;;;2026-02-01T10:00:00Z;toutes_agences;",
            ";;;;;oui;;;;",
        )
        .replace("conseiller@francetravail.fr", "")
        .replace(";actif", ";suspendu");
    let seekers = accepted(job_seekers_csv::read(file(&[GOOD, &second]).as_bytes()).unwrap());
    assert_eq!(seekers.len(), 2);
    let mut out = Vec::new();
    job_seekers_csv::write(&seekers, &mut out).unwrap();
    let again = accepted(job_seekers_csv::read(&out).unwrap());
    assert_eq!(again, seekers);
}

#[test]
fn every_reason_a_job_seeker_is_rejected() {
    let cases = [
        ("1234567A;", ";", "identifiant"),
        ("1234567A;", "12 34;", "identifiant"),
        (";Aïcha;", ";;", "prenom"),
        ("aicha.diallo@exemple.fr", "aicha.diallo@", "email"),
        ("06 12 34 56 78", "12", "telephone"),
        ("14/07/1985", "31/02/1985", "date_naissance"),
        (";93066;", ";93999;", "commune"),
        ("01/04/2026", "demain", "disponible_le"),
        (";25;", ";500;", "mobilite_km"),
        ("N1101:11679|N1103", "Z1101", "metiers"),
        ("N1101:11679|N1103", "N1101|N1103|J1501|A1101", "metiers"),
        ("N1101:11679|N1103", "N1101:99999", "metiers"),
        ("permis:B|caces:R489-3", "diplome:BTS", "qualifications"),
        ("N1101:24", "N1101", "experience"),
        ("MIS|CDI", "MIS|STAGE", "contrats"),
        (";plein;", ";souvent;", "temps_travail"),
        (";oui;oui-divulgue;", ";peut-etre;oui-divulgue;", "rqth"),
        ("2026-02-01T10:00:00Z", "jadis", "consentement_le"),
        ("toutes_agences", "certaines", "consentement_portee"),
        ("13000548100010", "13000548100011", "agence_siret"),
        (
            "conseiller@francetravail.fr",
            "conseiller",
            "conseiller_email",
        ),
        ("15/01/2025", "", "inscrit_le"),
        (";actif", ";parti", "statut"),
    ];
    let read = |row: &str| job_seekers_csv::read(file(&[GOOD, row]).as_bytes()).unwrap();
    assert_rejections(GOOD, &cases, read, 1, 3);
    // A scope without its date.
    let row = GOOD.replace("2026-02-01T10:00:00Z", "");
    let (_, bad) = split(job_seekers_csv::read(file(&[&row]).as_bytes()).unwrap());
    assert_eq!(bad, [(2, "consentement_le".to_string())]);
}

#[test]
fn a_file_without_the_required_columns_is_refused_whole() {
    let err = job_seekers_csv::read(b"identifiant;prenom\n1;A\n").unwrap_err();
    assert!(
        err.0
            .contains("lacks the column(s) nom, commune, mobilite_km, metiers"),
        "{}",
        err.0
    );
}
