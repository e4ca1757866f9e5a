//! Synthetic records for benchmarks and durability tests: every record is a pure function of
//! (seed, index), so a run can be repeated, resumed after a crash, and checked record by record.
//! Places are Île-de-France communes weighted by population, occupations those of the ROME
//! that have v3 detail. (The statistically grounded simulated region is `passerelle simulate`'s
//! business; this is only volume.)

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use domain::{
    CommuteLimitKm, Email, ExternalId, InseeCode, PersonName, PhoneNumber, RomeCode, Siret, Target,
    Targets,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use refdata::Occupation;
use store::{
    Consent, ConsentScope, ContractType, Disclosure, Experience, ExperienceRequired,
    JobSeekerRecord, JobSeekerStatus, OfferRecord, OfferSkill, OfferStatus, PriorityStatus,
    Qualification, StructureKind, StructureRecord, StructureStatus, WorkingTime,
    WorkingTimePreference,
};

pub const FRANCE_TRAVAIL_AGENCIES: u32 = 150;
pub const AGENCES_EMPLOI: u32 = 1_600;

/// The names drawn: the first sixteen of the simulation's.
const FIRST_NAMES: &[&str] = simulate::FIRST_NAMES.split_at(16).0;
const LAST_NAMES: &[&str] = simulate::LAST_NAMES.split_at(16).0;

pub struct Synthetic {
    seed: u64,
    /// Île-de-France communes (arrondissements rather than Paris) and cumulative population.
    communes: Vec<(InseeCode, (f64, f64), u64)>,
    occupations: Vec<&'static Occupation>,
}

fn base_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 5, 8, 0, 0)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

fn base_date() -> NaiveDate {
    base_time().date_naive()
}

impl Synthetic {
    pub fn new(seed: u64) -> Self {
        let mut total = 0;
        let communes = refdata::geo()
            .communes()
            .iter()
            .filter(|c| c.region == "11" && c.code != "75056")
            .filter_map(|c| {
                total += u64::from(c.population.max(1));
                InseeCode::parse(c.code)
                    .ok()
                    .map(|code| (code, c.point(), total))
            })
            .collect();
        let occupations = refdata::rome()
            .occupations()
            .iter()
            .filter(|o| o.has_v3_detail() && !o.skills.is_empty())
            .collect();
        Self {
            seed,
            communes,
            occupations,
        }
    }

    fn rng(&self, kind: u64, index: u64) -> StdRng {
        StdRng::seed_from_u64(
            self.seed
                .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                .wrapping_add(kind.wrapping_mul(0xC2B2_AE3D_27D4_EB4F))
                .wrapping_add(index),
        )
    }

    fn commune(&self, rng: &mut StdRng) -> Option<&(InseeCode, (f64, f64), u64)> {
        let total = self.communes.last()?.2;
        let pick = rng.random_range(0..total);
        let i = self
            .communes
            .partition_point(|(_, _, cumulative)| *cumulative <= pick);
        self.communes.get(i)
    }

    fn occupation(&self, rng: &mut StdRng) -> Option<&'static Occupation> {
        if self.occupations.is_empty() {
            return None;
        }
        self.occupations
            .get(rng.random_range(0..self.occupations.len()))
            .copied()
    }

    pub fn france_travail_siret(n: u32) -> Siret {
        Siret::with_check_digits(13_000_000 + n % FRANCE_TRAVAIL_AGENCIES, 1)
    }

    pub fn agence_emploi_siret(n: u32) -> Siret {
        Siret::with_check_digits(40_000_000 + n % AGENCES_EMPLOI, 1)
    }

    /// The France Travail agencies and agences d'emploi the records point to.
    pub fn structures(&self) -> Vec<StructureRecord> {
        let mut out = Vec::new();
        for (kind, count, siret) in [
            (
                StructureKind::FranceTravail,
                FRANCE_TRAVAIL_AGENCIES,
                Self::france_travail_siret as fn(u32) -> Siret,
            ),
            (
                StructureKind::AgenceEmploi,
                AGENCES_EMPLOI,
                Self::agence_emploi_siret,
            ),
        ] {
            for n in 0..count {
                let mut rng = self.rng(1 + kind as u64, u64::from(n));
                let Some((commune, point, _)) = self.commune(&mut rng).cloned() else {
                    continue;
                };
                out.push(StructureRecord {
                    siret: siret(n),
                    kind,
                    name: match kind {
                        StructureKind::FranceTravail => format!("France Travail agence n°{n}"),
                        _ => format!("Agence d'emploi n°{n}"),
                    },
                    network: (kind == StructureKind::AgenceEmploi)
                        .then(|| format!("Réseau {}", n % 40)),
                    address: Some(format!("{} avenue de la Gare", 1 + n % 120)),
                    postcode: None,
                    commune,
                    coordinates: Some(point),
                    email: Email::parse(&format!(
                        "agence{n}@{}.fr",
                        kind.as_str().replace('_', "-")
                    ))
                    .ok(),
                    phone: None,
                    website: None,
                    status: StructureStatus::Active,
                });
            }
        }
        out
    }

    pub fn job_seeker(&self, index: u64) -> Option<JobSeekerRecord> {
        let mut rng = self.rng(10, index);
        let (commune, _, _) = self.commune(&mut rng)?.clone();
        let target_count = rng.random_range(1..=3);
        let mut targets: Vec<Target> = Vec::new();
        let mut skills = Vec::new();
        for _ in 0..target_count {
            let occupation = self.occupation(&mut rng)?;
            if targets.iter().any(|t| t.rome.as_str() == occupation.code) {
                continue;
            }
            let title = occupation
                .job_titles
                .get(rng.random_range(0..occupation.job_titles.len().max(1)))
                .filter(|_| rng.random_bool(0.5))
                .map(|t| t.ogr.to_string());
            for _ in 0..rng.random_range(2..6) {
                if let Some(skill) = occupation
                    .skills
                    .get(rng.random_range(0..occupation.skills.len()))
                {
                    skills.push(skill.ogr.to_string());
                }
            }
            targets.push(Target {
                rome: RomeCode::parse(occupation.code).ok()?,
                job_title: title,
            });
        }
        skills.sort();
        skills.dedup();
        let mut priorities = BTreeMap::new();
        let mut maybe = |status, share: f64, rng: &mut StdRng| {
            if rng.random_bool(share) {
                let disclosure = if rng.random_bool(0.3) {
                    Disclosure::Disclosed
                } else {
                    Disclosure::Private
                };
                priorities.insert(status, disclosure);
            }
        };
        maybe(PriorityStatus::Rqth, 0.06, &mut rng);
        maybe(PriorityStatus::LongTerm, 0.45, &mut rng);
        maybe(PriorityStatus::Rsa, 0.17, &mut rng);
        maybe(PriorityStatus::Qpv, 0.20, &mut rng);
        maybe(PriorityStatus::Senior, 0.25, &mut rng);
        let first = FIRST_NAMES
            .get(rng.random_range(0..FIRST_NAMES.len()))
            .copied()?;
        let last = LAST_NAMES
            .get(rng.random_range(0..LAST_NAMES.len()))
            .copied()?;
        let experience_rome = targets.first()?.rome.clone();
        Some(JobSeekerRecord {
            external_id: ExternalId::parse(&format!("{:08}S", index)).ok()?,
            first_name: PersonName::parse(first).ok()?,
            last_name: PersonName::parse(last).ok()?,
            email: Email::parse(&format!("de{index}@exemple.fr")).ok(),
            phone: PhoneNumber::parse(&format!("06{:08}", index % 100_000_000)).ok(),
            birth_date: NaiveDate::from_ymd_opt(
                rng.random_range(1960..2006),
                rng.random_range(1..13),
                rng.random_range(1..29),
            ),
            commune,
            available_from: Some(base_date() + Duration::days(rng.random_range(0..90))),
            commute_limit: CommuteLimitKm::new(rng.random_range(5..40)).ok()?,
            targets: Targets::new(targets).ok()?,
            skills,
            qualifications: if rng.random_bool(0.6) {
                vec![Qualification {
                    kind: "driving_licence".to_string(),
                    code: "B".to_string(),
                }]
            } else {
                Vec::new()
            },
            languages: vec![store::Language {
                code: "fr".to_string(),
                level: None,
            }],
            experience: vec![Experience {
                rome: experience_rome,
                months: rng.random_range(0..120),
            }],
            contract_types: vec![ContractType::Mis, ContractType::Cdi, ContractType::Cdd],
            working_time: WorkingTimePreference::Any,
            priorities,
            consent: rng.random_bool(0.8).then(|| Consent {
                given_at: base_time() - Duration::days(rng.random_range(0..365)),
                scope: ConsentScope::AllAgencies,
            }),
            agency_siret: Self::france_travail_siret(rng.random_range(0..FRANCE_TRAVAIL_AGENCIES)),
            advisor_email: None,
            registered_on: base_date() - Duration::days(rng.random_range(0..1_500)),
            status: JobSeekerStatus::Active,
        })
    }

    pub fn offer(&self, index: u64) -> Option<OfferRecord> {
        let mut rng = self.rng(20, index);
        let (commune, point, _) = self.commune(&mut rng)?.clone();
        let occupation = self.occupation(&mut rng)?;
        let contract_type = match rng.random_range(0..10) {
            0..=5 => ContractType::Mis,
            6..=7 => ContractType::Cdd,
            _ => ContractType::Cdi,
        };
        let skills = (0..rng.random_range(1..5))
            .filter_map(|_| {
                occupation
                    .skills
                    .get(rng.random_range(0..occupation.skills.len()))
            })
            .map(|s| OfferSkill {
                code: Some(s.ogr.to_string()),
                label: s.label.to_string(),
                requirement: Some("E".to_string()),
            })
            .collect();
        Some(OfferRecord {
            structure_siret: Self::agence_emploi_siret(rng.random_range(0..AGENCES_EMPLOI)),
            external_id: ExternalId::parse(&format!("OFF{:08}", index)).ok()?,
            title: format!("{} (H/F)", occupation.label),
            description: format!("Poste de {} à pourvoir.", occupation.label.to_lowercase()),
            rome: RomeCode::parse(occupation.code).ok()?,
            job_title: None,
            job_title_ogr: None,
            workplace_label: None,
            commune,
            postcode: None,
            coordinates: Some(point),
            contract_type,
            contract_nature: Some("Contrat travail".to_string()),
            duration_label: None,
            duration_days: (contract_type != ContractType::Cdi).then(|| rng.random_range(5..180)),
            hours_label: Some("35H/semaine".to_string()),
            weekly_hours: Some(35.0),
            working_time: Some(WorkingTime::FullTime),
            salary_label: None,
            wage: None,
            qualification_code: None,
            sector_code: None,
            experience_required: if rng.random_bool(0.5) {
                ExperienceRequired::Beginner
            } else {
                ExperienceRequired::Required
            },
            experience_months: None,
            licences: Vec::new(),
            skills,
            positions: rng.random_range(1..4),
            accessible_th: rng.random_bool(0.3),
            hard_to_fill: rng.random_bool(0.42),
            starts_on: Some(base_date() + Duration::days(rng.random_range(0..60))),
            status: OfferStatus::Open,
            published_at: base_time() - Duration::days(rng.random_range(0..60)),
            source_updated_at: None,
            closed_at: None,
            close_reason: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_a_function_of_seed_and_index() {
        let a = Synthetic::new(42);
        let b = Synthetic::new(42);
        let c = Synthetic::new(43);
        for i in [0, 1, 999_999] {
            assert_eq!(a.job_seeker(i), b.job_seeker(i));
            assert_eq!(a.offer(i), b.offer(i));
            assert!(a.job_seeker(i).is_some());
        }
        assert_ne!(a.job_seeker(7), c.job_seeker(7));
        assert_ne!(a.job_seeker(7), a.job_seeker(8));
        assert_eq!(
            a.structures().len(),
            (FRANCE_TRAVAIL_AGENCIES + AGENCES_EMPLOI) as usize
        );
    }

    #[test]
    fn job_seekers_live_in_ile_de_france_and_point_to_known_agencies() {
        let synthetic = Synthetic::new(1);
        let agencies: std::collections::BTreeSet<_> = synthetic
            .structures()
            .into_iter()
            .map(|s| s.siret)
            .collect();
        for i in 0..500 {
            let record = synthetic.job_seeker(i).unwrap();
            let commune = refdata::geo().commune(record.commune.as_str()).unwrap();
            assert_eq!(commune.region, "11");
            assert!(agencies.contains(&record.agency_siret));
            let offer = synthetic.offer(i).unwrap();
            assert!(agencies.contains(&offer.structure_siret));
        }
    }
}
