//! The score of one pair, component by component: each case changes one thing of a base pair
//! that matches perfectly, and states what the engine must answer.

use std::collections::BTreeMap;

use domain::*;
use engine::{Breakdown, Engine, MatchKind, ScoringConfig, ShortlistRequest};
use model::*;

use crate::support::{day, stamp, stored_offer, stored_seeker, stored_structure};

const TODAY: &str = "2026-11-02";

fn siret(n: u32) -> Siret {
    Siret::with_check_digits(10_000_000 + n, 1)
}

fn structure(n: u32, commune: &str) -> StructureRecord {
    StructureRecord {
        siret: siret(n),
        kind: StructureKind::AgenceEmploi,
        name: format!("Agence {n}"),
        network: None,
        address: None,
        postcode: None,
        commune: InseeCode::parse(commune).unwrap(),
        coordinates: None,
        email: None,
        phone: None,
        website: None,
        status: StructureStatus::Active,
    }
}

fn skills_of(code: &str) -> Vec<String> {
    refdata::rome()
        .occupation(code)
        .unwrap()
        .skills
        .iter()
        .take(4)
        .map(|s| s.ogr.to_string())
        .collect()
}

fn first_title(code: &str, n: usize) -> String {
    refdata::rome().occupation(code).unwrap().job_titles[n]
        .ogr
        .to_string()
}

/// Someone in Saint-Denis looking for J1501, with the offer's four skills.
fn seeker() -> JobSeekerRecord {
    JobSeekerRecord {
        external_id: ExternalId::parse("1234567A").unwrap(),
        first_name: PersonName::parse("Aïcha").unwrap(),
        last_name: PersonName::parse("Durand").unwrap(),
        email: None,
        phone: None,
        birth_date: None,
        commune: InseeCode::parse("93066").unwrap(),
        available_from: None,
        commute_limit: CommuteLimitKm::new(30).unwrap(),
        targets: Targets::new(vec![Target {
            rome: RomeCode::parse("J1501").unwrap(),
            job_title: Some(first_title("J1501", 0)),
        }])
        .unwrap(),
        skills: skills_of("J1501"),
        qualifications: vec![Qualification {
            kind: "driving_licence".to_string(),
            code: "B".to_string(),
        }],
        languages: vec![],
        experience: vec![Experience {
            rome: RomeCode::parse("J1501").unwrap(),
            months: 6,
        }],
        contract_types: vec![ContractType::Cdi, ContractType::Mis],
        working_time: WorkingTimePreference::FullTime,
        priorities: BTreeMap::new(),
        consent: Some(Consent {
            given_at: stamp(),
            scope: ConsentScope::AllAgencies,
        }),
        agency_siret: siret(1),
        advisor_email: None,
        registered_on: day("2026-01-05"),
        status: JobSeekerStatus::Active,
    }
}

/// A J1501 offer in Saint-Denis, owned by an agency there, starting today.
fn offer() -> OfferRecord {
    OfferRecord {
        structure_siret: siret(2),
        external_id: ExternalId::parse("OFF-1").unwrap(),
        title: "Aide-soignant (H/F)".to_string(),
        description: String::new(),
        rome: RomeCode::parse("J1501").unwrap(),
        job_title: None,
        job_title_ogr: Some(first_title("J1501", 0)),
        workplace_label: None,
        commune: InseeCode::parse("93066").unwrap(),
        postcode: None,
        coordinates: None,
        contract_type: ContractType::Mis,
        contract_nature: None,
        duration_label: None,
        duration_days: None,
        hours_label: None,
        weekly_hours: Some(35.0),
        working_time: Some(WorkingTime::FullTime),
        salary_label: None,
        wage: None,
        qualification_code: None,
        sector_code: None,
        experience_required: ExperienceRequired::Beginner,
        experience_months: None,
        licences: vec![],
        skills: skills_of("J1501")
            .into_iter()
            .map(|code| OfferSkill {
                code: Some(code),
                label: String::new(),
                requirement: Some("E".to_string()),
            })
            .collect(),
        positions: 1,
        accessible_th: false,
        hard_to_fill: false,
        starts_on: Some(day(TODAY)),
        status: OfferStatus::Open,
        published_at: stamp(),
        source_updated_at: None,
        closed_at: None,
        close_reason: None,
    }
}

/// The shortlist entry of the pair, or `None` when the person is not eligible.
fn score(seeker: JobSeekerRecord, offer: OfferRecord) -> Option<(Breakdown, MatchKind, f64)> {
    score_stored(stored_seeker(7, seeker), offer)
}

fn score_stored(seeker: JobSeeker, offer: OfferRecord) -> Option<(Breakdown, MatchKind, f64)> {
    let mut engine = Engine::new(ScoringConfig::default()).unwrap();
    engine.set_structures(&[
        stored_structure(1, structure(1, "93066")),
        stored_structure(2, structure(2, "93066")),
        stored_structure(3, structure(3, "75056")),
    ]);
    engine.upsert_job_seeker(&seeker).unwrap();
    engine.upsert_offer(&stored_offer(9, offer)).unwrap();
    let shortlist = engine
        .shortlist(
            9,
            &ShortlistRequest {
                k: 5,
                today: day(TODAY),
                policy: None,
                exposure: false,
            },
        )
        .unwrap();
    let exhaustive = engine.shortlist_exhaustive(9, 5, day(TODAY)).unwrap();
    assert_eq!(shortlist.entries, exhaustive);
    shortlist
        .entries
        .first()
        .map(|e| (e.breakdown, e.match_kind, e.score))
}

const PERFECT: Breakdown = Breakdown {
    occupation: 1.0,
    skills: 1.0,
    distance: 1.0,
    availability: 1.0,
    conditions: 1.0,
    experience: 1.0,
};

/// An occupation with a mobility link of `kind` to `to`, for the whole of both occupations.
fn linked_to(to: &str, kind: refdata::MobilityKind) -> &'static str {
    refdata::rome()
        .occupations()
        .iter()
        .find(|o| {
            o.mobility.iter().any(|l| {
                l.target == to
                    && l.kind == kind
                    && l.source_title.is_none()
                    && l.target_title.is_none()
            })
        })
        .unwrap()
        .code
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

/// A CACES an offer asks for (a skill the ROME labels "... (CACES R 389-3)") is asked for
/// twice: the know-how, which a person may declare, and its proof, which only an evaluation
/// the person shares and that still holds gives (`model::evaluations`).
#[test]
fn a_caces_counts_in_full_only_when_a_shared_evaluation_proves_it() {
    let caces = refdata::rome().skill("123698").unwrap();
    assert!(caces.label.contains("CACES R 389-3"), "{}", caces.label);
    let mut offer = offer();
    offer.skills.push(OfferSkill {
        code: Some("123698".to_string()),
        label: caces.label.to_string(),
        requirement: Some("E".to_string()),
    });
    // Asked: the four skills, the CACES and its proof.
    let skills = |seeker: JobSeeker| score_stored(seeker, offer.clone()).unwrap().0.skills;
    assert!(close(skills(stored_seeker(7, seeker())), 4.0 / 6.0));
    let mut declared = seeker();
    declared.skills.push("123698".to_string());
    assert!(close(skills(stored_seeker(7, declared.clone())), 5.0 / 6.0));
    let proven = |until: Option<&str>| JobSeeker {
        proven_skills: vec![evaluations::ProvenSkill {
            skill: "123698".to_string(),
            until: until.map(day),
        }],
        ..stored_seeker(7, seeker())
    };
    assert!(close(skills(proven(None)), 1.0));
    assert!(close(skills(proven(Some("2099-12-31"))), 1.0));
    // Expired: the know-how it showed still counts, the proof no longer.
    assert!(close(skills(proven(Some("2020-01-01"))), 5.0 / 6.0));
    // Valid to the day of the shortlist, and not a day after.
    assert!(close(skills(proven(Some(TODAY))), 1.0));
    assert!(close(skills(proven(Some("2026-11-01"))), 5.0 / 6.0));
    // An offer that asks for no certificate gains nothing from one.
    let plain = score_stored(proven(None), self::offer()).unwrap().0;
    assert_eq!(plain, PERFECT);
}

#[test]
fn a_perfect_match_scores_one() {
    let (breakdown, kind, total) = score(seeker(), offer()).unwrap();
    assert_eq!(breakdown, PERFECT);
    assert_eq!(kind, MatchKind::SameCode);
    assert!(close(total, 1.0), "{total}");
}

/// (what changes, how, the expected breakdown — `None`: not eligible).
type Case = (
    &'static str,
    fn(&mut JobSeekerRecord, &mut OfferRecord),
    Option<Breakdown>,
);

#[test]
fn each_component_and_each_hard_condition() {
    let argenteuil = refdata::distance_km(
        refdata::geo().commune("93066").unwrap().point(),
        refdata::geo().commune("95018").unwrap().point(),
    );
    assert!(
        argenteuil > 5.0 && argenteuil < 20.0,
        "Argenteuil is {argenteuil} km away"
    );
    let cases: Vec<Case> = vec![
        (
            "the offer names another job title of the same occupation",
            |_, o| o.job_title_ogr = Some(first_title("J1501", 1)),
            Some(Breakdown {
                occupation: 0.9,
                ..PERFECT
            }),
        ),
        (
            "the offer names no job title",
            |_, o| o.job_title_ogr = None,
            Some(PERFECT),
        ),
        (
            "a proche occupation",
            |s, _| {
                let code = linked_to("J1501", refdata::MobilityKind::Proche);
                s.targets = Targets::new(vec![Target {
                    rome: RomeCode::parse(code).unwrap(),
                    job_title: None,
                }])
                .unwrap();
            },
            Some(Breakdown {
                occupation: 0.8,
                ..PERFECT
            }),
        ),
        (
            "an évolution occupation",
            |s, _| {
                let code = linked_to("J1501", refdata::MobilityKind::Evolution);
                s.targets = Targets::new(vec![Target {
                    rome: RomeCode::parse(code).unwrap(),
                    job_title: None,
                }])
                .unwrap();
            },
            Some(Breakdown {
                occupation: 0.6,
                ..PERFECT
            }),
        ),
        (
            "an occupation of another domain",
            |s, _| {
                s.targets = Targets::new(vec![Target {
                    rome: RomeCode::parse("A1101").unwrap(),
                    job_title: None,
                }])
                .unwrap()
            },
            None,
        ),
        (
            "one skill of four",
            |s, _| s.skills.truncate(1),
            Some(Breakdown {
                skills: 0.25,
                ..PERFECT
            }),
        ),
        (
            "an offer naming no coded skill",
            |s, o| {
                s.skills.clear();
                o.skills.clear();
            },
            Some(PERFECT),
        ),
        (
            "a workplace in Argenteuil",
            |_, o| o.commune = InseeCode::parse("95018").unwrap(),
            Some(Breakdown {
                distance: 0.5f64.powf(
                    refdata::distance_km(
                        refdata::geo().commune("93066").unwrap().point(),
                        refdata::geo().commune("95018").unwrap().point(),
                    ) / 10.0,
                ),
                ..PERFECT
            }),
        ),
        (
            "a workplace beyond the commute limit",
            |s, o| {
                o.commune = InseeCode::parse("95018").unwrap();
                s.commute_limit = CommuteLimitKm::new(5).unwrap();
            },
            None,
        ),
        (
            "available 15 days after the start",
            |s, _| s.available_from = Some(day("2026-11-17")),
            Some(Breakdown {
                availability: 1.0 - 15.0 / 31.0,
                ..PERFECT
            }),
        ),
        (
            "available 31 days after the start",
            |s, _| s.available_from = Some(day("2026-12-03")),
            None,
        ),
        (
            "an offer starting in the past counts from today",
            |s, o| {
                o.starts_on = Some(day("2026-10-01"));
                s.available_from = Some(day(TODAY));
            },
            Some(PERFECT),
        ),
        (
            "a contract type the person does not want",
            |_, o| o.contract_type = ContractType::Cdd,
            Some(Breakdown {
                conditions: 0.5,
                ..PERFECT
            }),
        ),
        (
            "part time for someone who wants full time, and a CDD",
            |_, o| {
                o.contract_type = ContractType::Cdd;
                o.working_time = Some(WorkingTime::PartTime);
            },
            Some(Breakdown {
                conditions: 0.0,
                ..PERFECT
            }),
        ),
        (
            "12 months required, 6 held",
            |_, o| {
                o.experience_required = ExperienceRequired::Required;
                o.experience_months = Some(12);
            },
            Some(Breakdown {
                experience: 0.5,
                ..PERFECT
            }),
        ),
        (
            "12 months wished, 6 held",
            |_, o| {
                o.experience_required = ExperienceRequired::Wished;
                o.experience_months = Some(12);
            },
            Some(Breakdown {
                experience: 0.75,
                ..PERFECT
            }),
        ),
        (
            "a heavy-goods licence required, a car licence held",
            |_, o| o.licences = vec!["C - Poids lourd".to_string()],
            None,
        ),
        (
            "a heavy-goods licence required, CE held (which includes C)",
            |s, o| {
                o.licences = vec!["C - Poids lourd".to_string()];
                s.qualifications = vec![Qualification {
                    kind: "driving_licence".to_string(),
                    code: "CE".to_string(),
                }];
            },
            Some(PERFECT),
        ),
        ("no consent", |s, _| s.consent = None, None),
        (
            "consent for agencies of the department, offer owned in Paris",
            |s, o| {
                s.consent = Some(Consent {
                    given_at: stamp(),
                    scope: ConsentScope::DepartmentAgencies,
                });
                o.structure_siret = siret(3);
            },
            None,
        ),
        (
            "consent for agencies of the department, offer owned in Seine-Saint-Denis",
            |s, _| {
                s.consent = Some(Consent {
                    given_at: stamp(),
                    scope: ConsentScope::DepartmentAgencies,
                })
            },
            Some(PERFECT),
        ),
        (
            "a suspended job seeker",
            |s, _| s.status = JobSeekerStatus::Suspended,
            None,
        ),
    ];
    for (what, change, expected) in cases {
        let (mut s, mut o) = (seeker(), offer());
        change(&mut s, &mut o);
        let got = score(s, o).map(|(b, _, _)| b);
        match (got, expected) {
            (None, None) => {}
            (Some(got), Some(expected)) => {
                let pairs = [
                    (got.occupation, expected.occupation),
                    (got.skills, expected.skills),
                    (got.distance, expected.distance),
                    (got.availability, expected.availability),
                    (got.conditions, expected.conditions),
                    (got.experience, expected.experience),
                ];
                assert!(
                    pairs.iter().all(|(a, b)| close(*a, *b)),
                    "{what}: got {got:?}, expected {expected:?}"
                );
            }
            (got, expected) => panic!("{what}: got {got:?}, expected {expected:?}"),
        }
    }
}

#[test]
fn the_total_is_the_weighted_sum_of_the_components() {
    let (mut s, mut o) = (seeker(), offer());
    s.skills.truncate(2);
    o.contract_type = ContractType::Cdd;
    let (b, _, total) = score(s, o).unwrap();
    let w = ScoringConfig::default().weights;
    let expected = w.occupation * b.occupation
        + w.skills * b.skills
        + w.distance * b.distance
        + w.availability * b.availability
        + w.conditions * b.conditions
        + w.experience * b.experience;
    assert!(close(total, expected) && close(total, 1.0 - 0.2 * 0.5 - 0.1 * 0.5));
}

#[test]
fn settings_out_of_range_are_named() {
    let mut config = ScoringConfig::default();
    config.weights.skills = -1.0;
    let error = Engine::new(config).unwrap_err();
    assert_eq!(error.field, "weights.skills");
    let config = ScoringConfig {
        distance_half_km: 0.0,
        ..ScoringConfig::default()
    };
    assert_eq!(Engine::new(config).unwrap_err().field, "distance_half_km");
}
