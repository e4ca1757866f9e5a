//! Structures, occupations and offers.

use chrono::{Duration, NaiveTime, TimeZone, Utc};
use domain::{Email, ExternalId, RomeCode, Siret};
use model::{
    ContractType, ExperienceRequired, OfferRecord, OfferSkill, OfferStatus, StructureKind,
    StructureRecord, StructureStatus, WorkingTime,
};
use rand::Rng;
use rand::rngs::StdRng;
use refdata::Occupation;

use crate::figures::Plan;
use crate::outcomes;
use crate::places::{Commune, Places};
use crate::{Config, Region};

/// Draws items with probabilities proportional to their weights.
pub struct Weighted<T> {
    items: Vec<(T, f64)>,
}

impl<T: Copy> Weighted<T> {
    pub fn new(weighted: impl IntoIterator<Item = (T, f64)>) -> Self {
        let mut total = 0.0;
        let items = weighted
            .into_iter()
            .filter(|(_, w)| *w > 0.0)
            .map(|(item, w)| {
                total += w;
                (item, total)
            })
            .collect();
        Self { items }
    }

    pub fn draw(&self, rng: &mut StdRng) -> Option<T> {
        let total = self.items.last()?.1;
        let pick = rng.random_range(0.0..total);
        let i = self
            .items
            .partition_point(|(_, cumulative)| *cumulative <= pick);
        self.items
            .get(i.min(self.items.len().saturating_sub(1)))
            .map(|(item, _)| *item)
    }
}

/// Job seekers' target occupations by grand domaine (France Travail's demand by domain,
/// rounded), and offers' for temporary work, where logistics, industry and construction lead.
const SEEKER_DOMAINS: [(char, f64); 14] = [
    ('K', 0.17),
    ('M', 0.17),
    ('D', 0.12),
    ('N', 0.11),
    ('G', 0.09),
    ('F', 0.07),
    ('J', 0.06),
    ('H', 0.05),
    ('I', 0.04),
    ('E', 0.04),
    ('C', 0.03),
    ('L', 0.02),
    ('A', 0.01),
    ('B', 0.01),
];
const OFFER_DOMAINS: [(char, f64); 9] = [
    ('N', 0.30),
    ('H', 0.18),
    ('F', 0.15),
    ('K', 0.12),
    ('G', 0.08),
    ('J', 0.05),
    ('D', 0.05),
    ('M', 0.05),
    ('I', 0.02),
];
/// The occupations temporary work recruits most, drawn six times as often in their domain.
const TEMP_WORK_STAPLES: [&str; 15] = [
    "N1101", "N1103", "N1105", "N4101", "N4105", "H2102", "H2909", "H3302", "F1703", "F1704",
    "K2204", "G1602", "G1603", "J1501", "K1302",
];

/// The occupations job seekers look for most (cleaning, care, childcare, retail, logistics,
/// catering, office work, security...), drawn eight times as often in their domain.
const SEEKER_STAPLES: [&str; 20] = [
    "K2204", "K1302", "K1303", "K1304", "D1106", "D1507", "D1505", "N1105", "N1103", "N4105",
    "G1603", "G1602", "G1605", "M1607", "M1602", "M1203", "J1501", "K2503", "F1704", "H2102",
];

pub struct Occupations {
    pub seekers: Weighted<&'static Occupation>,
    pub offers: Weighted<&'static Occupation>,
    /// For each occupation offers seek: the log of its share among seekers' first targets over
    /// its share among offers (0 when both draw it alike; below, fewer candidates per offer).
    supply: std::collections::HashMap<&'static str, f64>,
}

impl Occupations {
    pub fn new() -> Self {
        let described: Vec<&'static Occupation> = refdata::rome()
            .occupations()
            .iter()
            .filter(|o| o.has_v3_detail() && !o.skills.is_empty())
            .collect();
        let shares = |domains: &[(char, f64)], staples: &'static [&'static str], boost: f64| {
            domains
                .iter()
                .flat_map(|&(letter, share)| {
                    let members: Vec<&'static Occupation> = described
                        .iter()
                        .copied()
                        .filter(|o| o.code.starts_with(letter))
                        .collect();
                    let weight_of = move |o: &Occupation| {
                        if staples.contains(&o.code) {
                            boost
                        } else {
                            1.0
                        }
                    };
                    let total: f64 = members.iter().map(|o| weight_of(o)).sum();
                    members
                        .into_iter()
                        .map(move |o| (o, share * weight_of(o) / total.max(1.0)))
                })
                .collect::<Vec<(&'static Occupation, f64)>>()
        };
        let seekers = shares(&SEEKER_DOMAINS, &SEEKER_STAPLES, 8.0);
        let offers = shares(&OFFER_DOMAINS, &TEMP_WORK_STAPLES, 6.0);
        let sought: std::collections::HashMap<&str, f64> =
            seekers.iter().map(|(o, w)| (o.code, *w)).collect();
        let supply = offers
            .iter()
            .map(|(o, w)| {
                let s = sought.get(o.code).copied().unwrap_or(0.0);
                (o.code, ((s + 1e-6) / w.max(1e-9)).ln())
            })
            .collect();
        Self {
            seekers: Weighted::new(seekers),
            offers: Weighted::new(offers),
            supply,
        }
    }

    /// See [`Occupations::supply`]'s field.
    pub fn supply(&self, rome: &str) -> f64 {
        self.supply.get(rome).copied().unwrap_or(0.0)
    }
}

/// Fictional networks of agences d'emploi, with their share of agencies; the rest are
/// independents.
const NETWORKS: [(&str, f64); 7] = [
    ("Proxi Intérim", 0.16),
    ("Alto Emploi", 0.13),
    ("Nexa Intérim", 0.11),
    ("Linea RH", 0.09),
    ("Cap Temporaire", 0.08),
    ("Orbe Travail Temporaire", 0.07),
    ("Pivot Intérim", 0.06),
];

/// Where to find agencies by department.
pub struct Agencies {
    /// (department, SIRETs of its France Travail agencies)
    pub france_travail: Vec<(String, Vec<Siret>)>,
    /// (department, SIRETs of its agences d'emploi)
    pub agences_emploi: Vec<(String, Vec<Siret>)>,
}

impl Agencies {
    fn pick<'a>(
        list: &'a [(String, Vec<Siret>)],
        department: &str,
        rng: &mut StdRng,
    ) -> Option<&'a Siret> {
        let sirets = &list.iter().find(|(d, _)| d == department)?.1;
        sirets.get(rng.random_range(0..sirets.len().max(1)))
    }

    pub fn france_travail_in(&self, department: &str, rng: &mut StdRng) -> Option<&Siret> {
        Self::pick(&self.france_travail, department, rng)
    }

    pub fn agence_emploi_in(&self, department: &str, rng: &mut StdRng) -> Option<&Siret> {
        Self::pick(&self.agences_emploi, department, rng)
    }
}

/// Economic activity relative to population: the business districts of Paris and
/// Hauts-de-Seine draw more offers and agencies.
fn activity(department: &str) -> f64 {
    match department {
        "75" => 1.6,
        "92" => 1.4,
        _ => 1.0,
    }
}

/// Splits `total` over weights, every share rounded and at least `minimum`.
fn split(total: u64, weights: &[f64], minimum: u64) -> Vec<u64> {
    let sum: f64 = weights.iter().sum();
    weights
        .iter()
        .map(|w| ((total as f64 * w / sum.max(f64::MIN_POSITIVE)).round() as u64).max(minimum))
        .collect()
}

fn structure(
    siret: Siret,
    kind: StructureKind,
    name: String,
    network: Option<String>,
    commune: &Commune,
    n: u64,
) -> StructureRecord {
    StructureRecord {
        siret,
        kind,
        name,
        network,
        address: Some(format!("{} place de la République", 1 + n % 97)),
        postcode: commune
            .postcode
            .as_deref()
            .and_then(|p| domain::Postcode::parse(p).ok()),
        commune: commune.code.clone(),
        coordinates: Some(commune.point),
        email: Email::parse(&format!(
            "contact{n}@{}.simulation.invalid",
            kind.as_str().replace('_', "-")
        ))
        .ok(),
        phone: None,
        website: None,
        status: StructureStatus::Active,
    }
}

fn commune_name(commune: &Commune) -> &'static str {
    refdata::geo()
        .commune(commune.code.as_str())
        .map_or("", |c| c.name)
}

/// Every structure of the region, and where the agencies are.
pub fn structures(
    config: &Config,
    places: &Places,
    plan: &Plan,
) -> (Vec<StructureRecord>, Agencies) {
    let mut out = Vec::new();
    let mut agencies = Agencies {
        france_travail: Vec::new(),
        agences_emploi: Vec::new(),
    };
    let seekers: Vec<f64> = plan
        .departments
        .iter()
        .map(|d| d.job_seekers as f64)
        .collect();
    let busy: Vec<f64> = places
        .departments
        .iter()
        .map(|d| d.population as f64 * activity(&d.code))
        .collect();
    let population: Vec<f64> = places
        .departments
        .iter()
        .map(|d| d.population as f64)
        .collect();
    let ft_counts = split(plan.france_travail_agencies, &seekers, 1);
    let ae_counts = split(plan.agences_emploi, &busy, 2);
    let ml_counts = split(plan.missions_locales, &population, 1);
    let mut rng = <StdRng as rand::SeedableRng>::seed_from_u64(config.seed ^ 0x5EED_0F57);
    let mut n: u64 = 0;
    for (i, department) in places.departments.iter().enumerate() {
        let mut ft = Vec::new();
        for commune in department.largest(ft_counts.get(i).copied().unwrap_or(1) as usize) {
            n += 1;
            let siret = Siret::with_check_digits(20_000_000 + n as u32, 1);
            ft.push(siret.clone());
            out.push(structure(
                siret,
                StructureKind::FranceTravail,
                format!(
                    "France Travail {} (agence fictive n°{n})",
                    commune_name(commune)
                ),
                Some("France Travail".to_string()),
                commune,
                n,
            ));
        }
        agencies.france_travail.push((department.code.clone(), ft));

        let mut ae = Vec::new();
        let networks = Weighted::new(
            NETWORKS
                .iter()
                .map(|&(name, share)| (Some(name), share))
                .chain([(None, 0.30)]),
        );
        for _ in 0..ae_counts.get(i).copied().unwrap_or(2) {
            let Some(commune) = department.draw(&mut rng) else {
                continue;
            };
            n += 1;
            let siret = Siret::with_check_digits(30_000_000 + n as u32, 1);
            ae.push(siret.clone());
            let network = networks.draw(&mut rng).flatten();
            let name = match network {
                Some(brand) => format!("{brand} {}", commune_name(commune)),
                None => format!("Intérim {} n°{n}", commune_name(commune)),
            };
            out.push(structure(
                siret,
                StructureKind::AgenceEmploi,
                name,
                network.map(str::to_string),
                commune,
                n,
            ));
        }
        agencies.agences_emploi.push((department.code.clone(), ae));

        if let Some(commune) = department.largest(1).next() {
            n += 1;
            let department_name = refdata::geo()
                .department(&department.code)
                .map_or("", |d| d.name);
            out.push(structure(
                Siret::with_check_digits(40_000_000 + n as u32, 1),
                StructureKind::CapEmploi,
                format!("Cap emploi {department_name} (fictif)"),
                Some("Cap emploi".to_string()),
                commune,
                n,
            ));
        }
        for commune in department.largest(ml_counts.get(i).copied().unwrap_or(1) as usize) {
            n += 1;
            out.push(structure(
                Siret::with_check_digits(50_000_000 + n as u32, 1),
                StructureKind::MissionLocale,
                format!("Mission locale {} (fictive n°{n})", commune_name(commune)),
                Some("Missions locales".to_string()),
                commune,
                n,
            ));
        }
    }
    // One regional delegation each of Akto and the FASTT, in the region's largest commune.
    if let Some(commune) = places
        .departments
        .iter()
        .flat_map(|d| d.largest(1))
        .max_by_key(|c| c.population)
    {
        let region_name = refdata::geo().region(&config.region).map_or("", |r| r.name);
        for (base, kind, name) in [
            (
                60_000_000,
                StructureKind::Akto,
                format!("Akto {region_name} (délégation fictive)"),
            ),
            (
                70_000_000,
                StructureKind::Fastt,
                format!("FASTT {region_name} (antenne fictive)"),
            ),
        ] {
            n += 1;
            out.push(structure(
                Siret::with_check_digits(base + n as u32, 1),
                kind,
                name,
                None,
                commune,
                n,
            ));
        }
    }
    (out, agencies)
}

/// The offer of index `index`: published during the year before the reference day, closed
/// or still open on it as its outcome ([`crate::outcomes`]) says.
pub fn offer(region: &Region, index: u64, rng: &mut StdRng) -> Option<OfferRecord> {
    let places = &region.places;
    let department = Weighted::new(
        places
            .departments
            .iter()
            .map(|d| (d, d.population as f64 * activity(&d.code))),
    )
    .draw(rng)?;
    let commune = department.draw(rng)?;
    let owner = region
        .agencies
        .agence_emploi_in(&department.code, rng)?
        .clone();
    let occupation = region.occupations.offers.draw(rng)?;
    let contract_type = match rng.random_range(0..100) {
        0..75 => ContractType::Mis,
        75..87 => ContractType::Cdd,
        87..98 => ContractType::Cdi,
        _ => ContractType::Din,
    };
    let duration_days = match contract_type {
        ContractType::Mis => {
            Some(*[1u32, 2, 3, 5, 5, 10, 10, 20, 30, 60, 90].get(rng.random_range(0..11))?)
        }
        ContractType::Cdd => Some(rng.random_range(30..=365)),
        _ => None,
    };
    let duration_label = match (contract_type, duration_days) {
        (ContractType::Mis, Some(days)) => Some(format!("Mission intérimaire - {days} Jour(s)")),
        (ContractType::Cdd, Some(days)) => Some(format!(
            "Contrat à durée déterminée - {} Mois",
            (days / 30).max(1)
        )),
        (ContractType::Din, _) => Some("CDI intérimaire".to_string()),
        _ => Some("Contrat à durée indéterminée".to_string()),
    };
    let as_of = Utc.from_utc_datetime(&region.config.as_of.and_time(NaiveTime::MIN));
    let published_at = as_of - Duration::minutes(rng.random_range(1..365 * 24 * 60));
    let experience_required = match rng.random_range(0..100) {
        0..45 => ExperienceRequired::Beginner,
        45..75 => ExperienceRequired::Wished,
        _ => ExperienceRequired::Required,
    };
    let experience_months = (experience_required != ExperienceRequired::Beginner)
        .then(|| *[6u16, 12, 24].get(rng.random_range(0..3)).unwrap_or(&6));
    let skill_count = rng.random_range(2..=5).min(occupation.skills.len());
    let mut skills: Vec<OfferSkill> = Vec::new();
    for _ in 0..skill_count {
        if let Some(skill) = occupation
            .skills
            .get(rng.random_range(0..occupation.skills.len()))
            && !skills.iter().any(|s| s.code.as_deref() == Some(skill.ogr))
        {
            skills.push(OfferSkill {
                code: Some(skill.ogr.to_string()),
                label: skill.label.to_string(),
                requirement: Some(if rng.random_bool(0.6) { "E" } else { "S" }.to_string()),
            });
        }
    }
    let licences = if occupation.code.starts_with("N41") {
        vec!["C - Poids lourd".to_string()]
    } else if rng.random_bool(0.15) {
        vec!["B - Véhicule léger".to_string()]
    } else {
        Vec::new()
    };
    let weekly_hours =
        *[35.0f64, 35.0, 35.0, 35.0, 39.0, 24.0, 28.0].get(rng.random_range(0..7))?;
    let positions = if rng.random_bool(0.7) {
        1
    } else {
        rng.random_range(2..=5)
    };
    let wage = outcomes::wage(occupation.code, weekly_hours, rng);
    let drivers = outcomes::drivers(
        &outcomes::Conditions {
            rome: occupation.code,
            department: &department.code,
            supply: region.occupations.supply(occupation.code),
            contract: contract_type,
            duration_days,
            weekly_hours,
            experience: experience_required,
            licences: &licences,
            positions,
            sector: occupation.naf_divisions.first().copied(),
            wage_ratio: wage.full_time / outcomes::median_wage(occupation.code),
        },
        rng,
    );
    let hard_to_fill = outcomes::declared_hard(drivers.ease, rng);
    let end = outcomes::outcome(drivers, rng);
    let ends_at = published_at + Duration::minutes((end.days * 24.0 * 60.0) as i64);
    let (status, closed_at, close_reason) = if ends_at < as_of {
        (end.status, Some(ends_at), end.reason)
    } else {
        (OfferStatus::Open, None, None)
    };
    let job_title = occupation
        .job_titles
        .get(rng.random_range(0..occupation.job_titles.len().max(1)));
    Some(OfferRecord {
        structure_siret: owner,
        external_id: ExternalId::parse(&format!("SIM{index:09}")).ok()?,
        title: format!("{} (H/F)", job_title.map_or(occupation.label, |t| t.label)),
        description: format!(
            "{} pour une entreprise cliente. Poste basé à {}.",
            match contract_type {
                ContractType::Mis => "Mission d'intérim",
                ContractType::Cdd => "Contrat à durée déterminée",
                _ => "Poste en CDI",
            },
            commune_name(commune)
        ),
        rome: RomeCode::parse(occupation.code).ok()?,
        job_title: job_title.map(|t| t.label.to_string()),
        job_title_ogr: job_title.map(|t| t.ogr.to_string()),
        workplace_label: Some(format!(
            "{} - {}",
            department.code,
            commune_name(commune).to_uppercase()
        )),
        commune: commune.code.clone(),
        postcode: commune
            .postcode
            .as_deref()
            .and_then(|p| domain::Postcode::parse(p).ok()),
        coordinates: Some(commune.point),
        contract_type,
        contract_nature: Some("Contrat travail".to_string()),
        duration_label,
        duration_days,
        hours_label: Some(format!("{weekly_hours}H Horaires normaux")),
        weekly_hours: Some(weekly_hours),
        working_time: Some(if weekly_hours >= 35.0 {
            WorkingTime::FullTime
        } else {
            WorkingTime::PartTime
        }),
        salary_label: Some(wage.label),
        wage: wage.wage,
        qualification_code: Some(rng.random_range(1..=9).to_string()),
        sector_code: occupation.naf_divisions.first().map(|d| d.to_string()),
        experience_required,
        experience_months,
        licences,
        skills,
        positions,
        accessible_th: rng.random_bool(0.2),
        hard_to_fill,
        starts_on: Some((published_at + Duration::days(rng.random_range(1..30))).date_naive()),
        status,
        published_at,
        source_updated_at: None,
        closed_at,
        close_reason,
    })
}
