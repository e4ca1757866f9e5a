//! Job seekers: where they live, who they are (age, priority statuses and their
//! correlations), what they look for and can do.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use domain::{
    CommuteLimitKm, Email, ExternalId, PersonName, PhoneNumber, RomeCode, Target, Targets,
};
use model::{
    Consent, ConsentScope, ContractType, Disclosure, Experience, JobSeekerRecord, JobSeekerStatus,
    Language, PriorityStatus, Qualification, WorkingTimePreference,
};
use rand::Rng;
use rand::rngs::StdRng;

use crate::Region;
use crate::figures::{
    DISABLED_LONG_TERM, DISABLED_SENIOR, RSA_IF_LONG_TERM, RSA_OTHERWISE, SENIOR, YOUNG,
    YOUNG_UNQUALIFIED,
};

/// Fictional first names, of the origins found in the region.
pub const FIRST_NAMES: [&str; 40] = [
    "Aïcha",
    "Mamadou",
    "Julie",
    "Karim",
    "Sophie",
    "Nicolas",
    "Fatoumata",
    "Thomas",
    "Inès",
    "Kevin",
    "Nathalie",
    "Youssef",
    "Camille",
    "David",
    "Awa",
    "Sébastien",
    "Léa",
    "Mohamed",
    "Sandrine",
    "Lucas",
    "Yasmine",
    "Jean",
    "Marie",
    "Ibrahim",
    "Chloé",
    "Pierre",
    "Samira",
    "Antoine",
    "Aminata",
    "Hugo",
    "Nadia",
    "Olivier",
    "Emma",
    "Moussa",
    "Laura",
    "Rachid",
    "Céline",
    "Théo",
    "Binta",
    "Franck",
];
/// Fictional last names, of the origins found in the region.
pub const LAST_NAMES: [&str; 40] = [
    "Martin",
    "Bernard",
    "Diallo",
    "Dubois",
    "Traoré",
    "Moreau",
    "Benali",
    "Lefèvre",
    "Nguyen",
    "Garcia",
    "Petit",
    "Haddad",
    "Roux",
    "Fofana",
    "Fournier",
    "Mercier",
    "Camara",
    "Girard",
    "Bonnet",
    "Keita",
    "Lambert",
    "Fontaine",
    "Cissé",
    "Rousseau",
    "Vincent",
    "Sylla",
    "Muller",
    "Lopez",
    "Koné",
    "Faure",
    "André",
    "Mendy",
    "Blanc",
    "Guerin",
    "Touré",
    "Boyer",
    "Chevalier",
    "Ba",
    "Robin",
    "Masson",
];
/// Commute limits people give (km), with their frequency: most stay within 10 to 20 km.
const COMMUTE_KM: [(u16, f64); 8] = [
    (5, 0.08),
    (10, 0.22),
    (15, 0.20),
    (20, 0.18),
    (25, 0.10),
    (30, 0.12),
    (40, 0.06),
    (50, 0.04),
];
/// Shares of the choice to disclose a status to agencies.
const DISCLOSE_RQTH: f64 = 0.35;
const DISCLOSE_OTHER: f64 = 0.5;
const CONSENT: f64 = 0.72;

fn pick<'a>(rng: &mut StdRng, items: &[&'a str]) -> &'a str {
    items
        .get(rng.random_range(0..items.len().max(1)))
        .copied()
        .unwrap_or("")
}

pub(crate) fn folded(name: &str) -> String {
    name.chars()
        .filter_map(|c| match c {
            'é' | 'è' | 'ê' => Some('e'),
            'ï' | 'î' => Some('i'),
            'ç' => Some('c'),
            'à' => Some('a'),
            c if c.is_ascii_alphabetic() => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

/// What the occupation requires to be held: licences, CACES, electrical habilitations.
fn qualifications_for(code: &str, rng: &mut StdRng) -> Vec<Qualification> {
    let q = |kind: &str, code: &str| Qualification {
        kind: kind.to_string(),
        code: code.to_string(),
    };
    let mut out = Vec::new();
    if code.starts_with("N41") {
        out.push(q("driving_licence", "B"));
        out.push(q("driving_licence", "C"));
        if rng.random_bool(0.5) {
            out.push(q("driving_licence", "CE"));
        }
    } else if rng.random_bool(0.55) {
        out.push(q("driving_licence", "B"));
    }
    if code.starts_with("N11") && rng.random_bool(0.6) {
        out.push(q(
            "caces",
            if rng.random_bool(0.7) {
                "R489-3"
            } else {
                "R489-1"
            },
        ));
    }
    if code.starts_with('F') && rng.random_bool(0.2) {
        out.push(q("caces", "R482"));
    }
    if matches!(code, "F1602" | "I1307" | "I1309" | "H2602") && rng.random_bool(0.7) {
        out.push(q("electrical", "BR"));
        out.push(q("electrical", "B1V"));
    }
    out
}

pub fn job_seeker(region: &Region, index: u64, rng: &mut StdRng) -> Option<JobSeekerRecord> {
    let plan = region.plan.department_of(index)?;
    let department = region
        .places
        .departments
        .iter()
        .find(|d| d.code == plan.code)?;
    let commune = department.draw(rng)?;
    let as_of = region.config.as_of;

    // Disability first: it shifts age and duration of unemployment.
    let disabled = rng.random_bool(plan.disabled.clamp(0.0, 1.0));
    let d = plan.disabled;
    let (p_long_term, p_senior) = if disabled {
        (DISABLED_LONG_TERM, DISABLED_SENIOR)
    } else {
        (
            ((plan.long_term - d * DISABLED_LONG_TERM) / (1.0 - d)).clamp(0.0, 1.0),
            ((SENIOR - d * DISABLED_SENIOR) / (1.0 - d)).clamp(0.0, 1.0),
        )
    };
    let long_term = rng.random_bool(p_long_term);
    let senior = rng.random_bool(p_senior);
    let young = !senior && rng.random_bool((YOUNG / (1.0 - SENIOR)).clamp(0.0, 1.0));
    let age: i32 = if senior {
        rng.random_range(50..65)
    } else if young {
        rng.random_range(18..26)
    } else {
        rng.random_range(26..50)
    };
    let qpv = rng.random_bool(plan.qpv.clamp(0.0, 1.0));
    let rsa = rng.random_bool(if long_term {
        RSA_IF_LONG_TERM
    } else {
        RSA_OTHERWISE
    });
    let young_unqualified = young && rng.random_bool(YOUNG_UNQUALIFIED);

    let mut priorities = BTreeMap::new();
    for (held, status, disclose) in [
        (disabled, PriorityStatus::Rqth, DISCLOSE_RQTH),
        (long_term, PriorityStatus::LongTerm, DISCLOSE_OTHER),
        (rsa, PriorityStatus::Rsa, DISCLOSE_OTHER),
        (qpv, PriorityStatus::Qpv, DISCLOSE_OTHER),
        (senior, PriorityStatus::Senior, DISCLOSE_OTHER),
        (
            young_unqualified,
            PriorityStatus::YoungUnqualified,
            DISCLOSE_OTHER,
        ),
    ] {
        if held {
            let disclosure = if rng.random_bool(disclose) {
                Disclosure::Disclosed
            } else {
                Disclosure::Private
            };
            priorities.insert(status, disclosure);
        }
    }

    // What they look for: a first occupation, then close ones.
    let first = region.occupations.seekers.draw(rng)?;
    let mut occupations = vec![first];
    let wanted = match rng.random_range(0..100) {
        0..60 => 1,
        60..90 => 2,
        _ => 3,
    };
    // Further targets are close occupations (ROME "proche"), not promotions.
    let close: Vec<&refdata::MobilityLink> = first
        .mobility
        .iter()
        .filter(|l| l.kind == refdata::MobilityKind::Proche)
        .collect();
    while occupations.len() < wanted {
        let next = close
            .get(rng.random_range(0..close.len().max(1)))
            .and_then(|link| refdata::rome().occupation(link.target))
            .filter(|o| o.has_v3_detail() && !o.skills.is_empty())
            .or_else(|| region.occupations.seekers.draw(rng));
        match next {
            Some(o) if !occupations.iter().any(|p| p.code == o.code) => occupations.push(o),
            _ => break,
        }
    }
    let mut targets = Vec::new();
    for o in &occupations {
        let title = o
            .job_titles
            .get(rng.random_range(0..o.job_titles.len().max(1)))
            .filter(|_| rng.random_bool(0.6))
            .map(|t| t.ogr.to_string());
        targets.push(Target {
            rome: RomeCode::parse(o.code).ok()?,
            job_title: title,
        });
    }
    let mut skills = Vec::new();
    for (o, count) in occupations
        .iter()
        .zip([rng.random_range(3..=8), rng.random_range(0..=3), 0])
    {
        for _ in 0..count {
            if let Some(skill) = o.skills.get(rng.random_range(0..o.skills.len().max(1))) {
                skills.push(skill.ogr.to_string());
            }
        }
    }
    skills.sort();
    skills.dedup();

    let first_name = pick(rng, &FIRST_NAMES);
    let last_name = pick(rng, &LAST_NAMES);
    let birth_year = as_of.year() - age;
    let birth_date = NaiveDate::from_ymd_opt(
        birth_year,
        rng.random_range(1..=12),
        rng.random_range(1..=28),
    );
    let mut languages = vec![Language {
        code: "fr".to_string(),
        level: None,
    }];
    for (code, share) in [("en", 0.2), ("ar", 0.08), ("es", 0.04), ("pt", 0.03)] {
        if rng.random_bool(share) {
            languages.push(Language {
                code: code.to_string(),
                level: Some(pick(rng, &["A2", "B1", "B2", "C1"]).to_string()),
            });
        }
    }
    let mut contract_types = Vec::new();
    for (kind, share) in [
        (ContractType::Cdi, 0.9),
        (ContractType::Cdd, 0.7),
        (ContractType::Mis, 0.55),
    ] {
        if rng.random_bool(share) {
            contract_types.push(kind);
        }
    }
    if contract_types.is_empty() {
        contract_types.push(ContractType::Cdi);
    }
    let commute_km = crate::work::Weighted::new(COMMUTE_KM).draw(rng)?;
    let consent_at = Utc.from_utc_datetime(&as_of.and_time(NaiveTime::MIN))
        - Duration::minutes(rng.random_range(0..365 * 24 * 60));
    let consent = rng.random_bool(CONSENT).then(|| Consent {
        given_at: consent_at,
        scope: if rng.random_bool(0.8) {
            ConsentScope::AllAgencies
        } else {
            ConsentScope::DepartmentAgencies
        },
    });
    let registered_on = if long_term {
        as_of - Duration::days(rng.random_range(365..2200))
    } else {
        as_of - Duration::days(rng.random_range(0..365))
    };
    Some(JobSeekerRecord {
        external_id: ExternalId::parse(&format!(
            "{:07}{}",
            index % 10_000_000,
            char::from(b'A' + (index / 10_000_000 % 26) as u8)
        ))
        .ok()?,
        first_name: PersonName::parse(first_name).ok()?,
        last_name: PersonName::parse(last_name).ok()?,
        email: Email::parse(&format!(
            "{}.{}{index}@exemple.invalid",
            folded(first_name),
            folded(last_name)
        ))
        .ok(),
        phone: PhoneNumber::parse(&format!(
            "01 99 00 {:02} {:02}",
            index / 100 % 100,
            index % 100
        ))
        .ok(),
        birth_date,
        commune: commune.code.clone(),
        available_from: Some(if rng.random_bool(0.55) {
            as_of
        } else {
            as_of + Duration::days(rng.random_range(1..90))
        }),
        commute_limit: CommuteLimitKm::new(commute_km).ok()?,
        targets: Targets::new(targets).ok()?,
        skills,
        qualifications: qualifications_for(first.code, rng),
        languages,
        experience: if rng.random_bool(0.8) {
            vec![Experience {
                rome: RomeCode::parse(first.code).ok()?,
                months: rng.random_range(3..180),
            }]
        } else {
            Vec::new()
        },
        contract_types,
        working_time: match rng.random_range(0..10) {
            0..6 => WorkingTimePreference::Any,
            6..9 => WorkingTimePreference::FullTime,
            _ => WorkingTimePreference::PartTime,
        },
        priorities,
        consent,
        agency_siret: region
            .agencies
            .france_travail_in(&department.code, rng)?
            .clone(),
        advisor_email: None,
        registered_on,
        status: JobSeekerStatus::Active,
    })
}
