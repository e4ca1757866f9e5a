//! Records for tests: valid by construction, varied by a number.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use domain::*;
use store::*;

pub fn at(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day.clamp(1, 28), 9, 30, 0)
        .unwrap()
}

pub fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

pub fn siret(n: u32) -> Siret {
    Siret::with_check_digits(10_000_000 + n, 1)
}

pub fn structure(n: u32, kind: StructureKind) -> StructureRecord {
    StructureRecord {
        siret: siret(n),
        kind,
        name: format!("Agence {n}"),
        network: (kind == StructureKind::AgenceEmploi).then(|| "Réseau Intérim".to_string()),
        address: Some(format!("{n} rue de la République")),
        postcode: Some(Postcode::parse("93200").unwrap()),
        commune: InseeCode::parse("93066").unwrap(),
        coordinates: Some((48.93564, 2.35387)),
        email: Some(Email::parse(&format!("contact{n}@agence.fr")).unwrap()),
        phone: Some(PhoneNumber::parse("01 48 13 00 00").unwrap()),
        website: None,
        status: StructureStatus::Active,
    }
}

pub fn target(code: &str, title: Option<&str>) -> Target {
    Target {
        rome: RomeCode::parse(code).unwrap(),
        job_title: title.map(str::to_string),
    }
}

/// A job seeker with every field filled, varied by `n`.
pub fn job_seeker(n: u32, agency: &Siret) -> JobSeekerRecord {
    let mut priorities = BTreeMap::new();
    if n.is_multiple_of(2) {
        priorities.insert(PriorityStatus::Rqth, Disclosure::Private);
    }
    if n.is_multiple_of(3) {
        priorities.insert(PriorityStatus::LongTerm, Disclosure::Disclosed);
    }
    if n.is_multiple_of(5) {
        priorities.insert(PriorityStatus::Qpv, Disclosure::Private);
    }
    JobSeekerRecord {
        external_id: ExternalId::parse(&format!("{:07}A", n)).unwrap(),
        first_name: PersonName::parse("Aïcha").unwrap(),
        last_name: PersonName::parse(&format!("Durand-{n}")).unwrap(),
        email: Some(Email::parse(&format!("aicha.durand{n}@example.fr")).unwrap()),
        phone: Some(PhoneNumber::parse("06 12 34 56 78").unwrap()),
        birth_date: Some(date(1980 + (n % 20) as i32, 1 + n % 12, 1 + n % 28)),
        commune: InseeCode::parse(if n.is_multiple_of(2) {
            "93066"
        } else {
            "75111"
        })
        .unwrap(),
        available_from: Some(date(2026, 4, 1)),
        commute_limit: CommuteLimitKm::new((10 + n % 30) as u16).unwrap(),
        targets: Targets::new(if n.is_multiple_of(2) {
            vec![target("N1101", Some("11679")), target("N1103", None)]
        } else {
            vec![target("J1501", None)]
        })
        .unwrap(),
        skills: vec!["100007".to_string(), "100010".to_string()],
        qualifications: vec![
            Qualification {
                kind: "driving_licence".to_string(),
                code: "B".to_string(),
            },
            Qualification {
                kind: "caces".to_string(),
                code: "R489-3".to_string(),
            },
        ],
        languages: vec![Language {
            code: "fr".to_string(),
            level: Some("C2".to_string()),
        }],
        experience: vec![Experience {
            rome: RomeCode::parse("N1101").unwrap(),
            months: (n % 60) as u16,
        }],
        contract_types: vec![ContractType::Mis, ContractType::Cdi],
        working_time: WorkingTimePreference::FullTime,
        priorities,
        consent: (!n.is_multiple_of(4)).then(|| Consent {
            given_at: at(2),
            scope: ConsentScope::AllAgencies,
        }),
        agency_siret: agency.clone(),
        advisor_email: None,
        registered_on: date(2025, 1 + n % 12, 1 + n % 28),
        status: JobSeekerStatus::Active,
    }
}

/// An open offer with every field filled, varied by `n`.
pub fn offer(n: u32, owner: &Siret) -> OfferRecord {
    OfferRecord {
        structure_siret: owner.clone(),
        external_id: ExternalId::parse(&format!("OFF-{n}")).unwrap(),
        title: format!("Cariste H/F n°{n}"),
        description: "Conduite de chariots.\tÉquipe de nuit.\nCACES R489 cat. 3 exigé; \\ inclus"
            .to_string(),
        rome: RomeCode::parse("N1101").unwrap(),
        job_title: Some("Cariste".to_string()),
        job_title_ogr: Some("11679".to_string()),
        workplace_label: Some("93 - SAINT DENIS".to_string()),
        commune: InseeCode::parse("93066").unwrap(),
        postcode: Some(Postcode::parse("93200").unwrap()),
        coordinates: Some((48.93564, 2.35387)),
        contract_type: ContractType::Mis,
        contract_nature: Some("Contrat travail".to_string()),
        duration_label: Some("Mission intérimaire - 3 Mois".to_string()),
        duration_days: Some(90),
        hours_label: Some("35H Travail de nuit".to_string()),
        weekly_hours: Some(35.0),
        working_time: Some(WorkingTime::FullTime),
        salary_label: Some("Horaire de 12.50 Euros sur 12 mois".to_string()),
        wage: Some(MonthlyWage {
            min: 1895.83,
            max: 1895.83,
        }),
        qualification_code: Some("3".to_string()),
        sector_code: Some("52.10B".to_string()),
        experience_required: ExperienceRequired::Required,
        experience_months: Some(6),
        licences: vec!["B - Véhicule léger".to_string()],
        skills: vec![OfferSkill {
            code: Some("100007".to_string()),
            label: "Techniques de soudage".to_string(),
            requirement: Some("E".to_string()),
        }],
        positions: 1 + (n % 3) as u16,
        accessible_th: n.is_multiple_of(2),
        hard_to_fill: n.is_multiple_of(3),
        starts_on: Some(date(2026, 4, 15)),
        status: OfferStatus::Open,
        published_at: at(1),
        source_updated_at: Some(at(3)),
        closed_at: None,
        close_reason: None,
    }
}

/// A service with every field filled, varied by `n`.
pub fn service(n: u32, owner: &Siret) -> ServiceRecord {
    ServiceRecord {
        structure_siret: owner.clone(),
        external_id: format!("S{n}"),
        name: format!("Aide à la mobilité {n}"),
        description: "Prêt d'un véhicule pour se rendre au travail.".to_string(),
        kind: Some("aide-materielle".to_string()),
        thematiques: vec!["mobilite--acceder-a-un-vehicule".to_string()],
        publics: vec!["demandeurs-emploi".to_string()],
        publics_details: Some("Intérimaires en mission".to_string()),
        fees: Some("gratuit".to_string()),
        fees_details: None,
        access_conditions: Some("Avoir une mission en cours".to_string()),
        commune: Some(InseeCode::parse("93066").unwrap()),
        address: Some("1 place du Caquet".to_string()),
        postcode: Some(Postcode::parse("93200").unwrap()),
        coordinates: Some((48.93564, 2.35387)),
        phone: Some("+33148130000".to_string()),
        email: Some(Email::parse("mobilite@agence.fr").unwrap()),
        reception_modes: vec!["en-presentiel".to_string()],
        eligibility_zone: vec!["93".to_string()],
        contact_name: None,
        mobilisation_link: None,
        mobilisation_modes: vec!["telephoner".to_string()],
        mobilisable_by: vec!["professionnels".to_string(), "usagers".to_string()],
        mobilisation_details: None,
        opening_hours: Some("Mo-Fr 09:00-17:00".to_string()),
        updated_on: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
        review_every_days: 180,
    }
}
