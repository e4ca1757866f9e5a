//! The simulated region: deterministic, valid, and within tolerance of the published figures.

// Test code: failing loudly is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing, clippy::disallowed_methods)]

use std::collections::BTreeSet;

use chrono::NaiveDate;
use model::{ContractType, OfferStatus, PriorityStatus, StructureKind};
use simulate::{Config, Region, Summary};

mod actions;
mod duos;
mod evaluations;
mod outcomes;
mod referrals;

/// What a plan of actions or duos is drawn over: organisers, their open offers, job seekers.
type Fixtures = (
    Vec<simulate::actions::Organiser>,
    Vec<simulate::actions::OpenOffer>,
    Vec<simulate::actions::Candidate>,
);

/// A plan's inputs over `fixtures` at `now`, in a region of `job_seekers`, drawn with `seed`.
fn inputs_over(
    (organisers, offers, candidates): &Fixtures,
    now: chrono::DateTime<chrono::Utc>,
    job_seekers: u64,
    seed: u64,
) -> simulate::actions::Inputs<'_> {
    simulate::actions::Inputs {
        organisers,
        offers,
        candidates,
        now,
        job_seekers,
        seed,
    }
}

/// A consent to be proposed to any agency, given long before the simulated year.
fn consent() -> model::Consent {
    model::Consent {
        given_at: chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2024, 1, 1, 9, 0, 0).unwrap(),
        scope: model::ConsentScope::AllAgencies,
    }
}

/// A France Travail agency (1 in the 93, 2 in the 94) and two agencies in each of the 93
/// (3, 4) and the 94 (5, 6); then three open offers, published at `published_at`, of each
/// occupation of each agency in `romes_by_owner`.
fn two_departments(
    romes_by_owner: [(i64, &[&str]); 4],
    published_at: chrono::DateTime<chrono::Utc>,
) -> (
    Vec<simulate::actions::Organiser>,
    Vec<simulate::actions::OpenOffer>,
) {
    let organiser = |id: i64, department: &str, commune: &str, france_travail: bool| {
        simulate::actions::Organiser {
            id,
            name: format!("Structure {id}"),
            department: department.to_string(),
            commune: commune.to_string(),
            france_travail,
        }
    };
    let organisers = vec![
        organiser(1, "93", "93066", true),
        organiser(2, "94", "94028", true),
        organiser(3, "93", "93066", false),
        organiser(4, "93", "93008", false),
        organiser(5, "94", "94028", false),
        organiser(6, "94", "94081", false),
    ];
    let mut offers = Vec::new();
    for (owner, romes) in romes_by_owner {
        for (n, rome) in romes.iter().enumerate() {
            for k in 0..3 {
                offers.push(simulate::actions::OpenOffer {
                    id: owner * 100 + n as i64 * 10 + k,
                    owner,
                    rome: rome.to_string(),
                    title: "Poste (H/F)".to_string(),
                    published_at,
                    closed_at: None,
                    department: if owner < 5 { "93" } else { "94" }.to_string(),
                    positions: 1,
                    status: OfferStatus::Open,
                });
            }
        }
    }
    (organisers, offers)
}

/// Consenting job seeker number `i` of `two_departments`: of the France Travail agency of the
/// 93 when `i` is even, of the 94 otherwise, seeking `romes`, registered on `registered_on`.
fn candidate(i: i64, romes: [&str; 2], registered_on: NaiveDate) -> simulate::actions::Candidate {
    let in_93 = i % 2 == 0;
    simulate::actions::Candidate {
        id: 10_000 + i,
        agency: if in_93 { 1 } else { 2 },
        department: if in_93 { "93" } else { "94" }.to_string(),
        romes: romes.iter().map(|r| r.to_string()).collect(),
        priorities: Vec::new(),
        consent: consent(),
        registered_on,
    }
}

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 2).unwrap()
}

fn region(scale: f64, seed: u64) -> Region {
    Region::new(Config::new("11", scale, seed, as_of()).unwrap()).unwrap()
}

fn summary(region: &Region) -> Summary {
    let mut summary = Summary::default();
    for s in region.structures() {
        summary.add_structure(s);
    }
    for i in 0..region.job_seeker_count() {
        summary.add_job_seeker(&region.job_seeker(i).unwrap());
    }
    for i in 0..region.offer_count() {
        summary.add_offer(&region.offer(i).unwrap());
    }
    summary
}

fn near(actual: f64, target: f64, tolerance: f64, what: &str) {
    assert!(
        (actual - target).abs() <= tolerance,
        "{what}: {actual:.4}, expected {target} ± {tolerance}"
    );
}

#[test]
fn configuration_is_checked() {
    let err = |region: &str, scale: f64| Config::new(region, scale, 1, as_of()).unwrap_err();
    assert!(err("11", 0.0).starts_with("scale: 0 is not between 0.001 and 5"));
    assert!(err("11", 6.0).starts_with("scale: 6"));
    assert!(err("99", 1.0).starts_with("region: no French region has the code \"99\""));
    assert!(Config::new("84", 0.001, 1, as_of()).is_ok());
}

#[test]
fn the_same_seed_gives_the_same_region() {
    let (a, b, c) = (region(0.01, 42), region(0.01, 42), region(0.01, 43));
    assert_eq!(a.structures(), b.structures());
    for i in [0, 1, 500, 9_000] {
        assert_eq!(a.job_seeker(i), b.job_seeker(i));
        assert_eq!(a.offer(i), b.offer(i));
    }
    assert_ne!(a.job_seeker(5), c.job_seeker(5));
    assert_ne!(a.offer(5), c.offer(5));
}

#[test]
fn a_small_region_matches_the_published_figures() {
    let region = region(0.02, 42);
    let s = summary(&region);

    // 974,220 job seekers at scale 1, spread as published.
    near(s.job_seekers as f64, 974_220.0 * 0.02, 10.0, "job seekers");
    let share = |department: &str| s.by_department[department][0] as f64 / s.job_seekers as f64;
    near(share("75"), 186_000.0 / 974_220.0, 0.002, "Paris");
    near(
        share("93"),
        168_460.0 / 974_220.0,
        0.002,
        "Seine-Saint-Denis",
    );

    for (status, published, tolerance, name) in [
        (
            PriorityStatus::Rqth,
            60_400.0 / 974_220.0,
            0.008,
            "disability",
        ),
        (PriorityStatus::LongTerm, 0.454, 0.015, "long-term"),
        (PriorityStatus::Qpv, 192_424.0 / 974_220.0, 0.012, "QPV"),
        (PriorityStatus::Rsa, 0.16, 0.02, "RSA"),
        (PriorityStatus::Senior, 0.25, 0.015, "50+"),
        (
            PriorityStatus::YoungUnqualified,
            0.048,
            0.01,
            "under 26 without qualification",
        ),
    ] {
        near(s.share(status), published, tolerance, name);
    }
    // 45 % of QPV residents live in Seine-Saint-Denis.
    let qpv_in_93 = s.by_department["93"][1] as f64 / s.statuses[&PriorityStatus::Qpv] as f64;
    near(qpv_in_93, 0.45, 0.03, "QPV residents in 93");
    // Disabled job seekers are older and more often long-term.
    let disabled = s.statuses[&PriorityStatus::Rqth] as f64;
    near(
        s.disabled_long_term as f64 / disabled,
        0.55,
        0.05,
        "long-term among the disabled",
    );
    near(
        s.disabled_senior as f64 / disabled,
        0.53,
        0.05,
        "50+ among the disabled",
    );

    // Offers: 443,000 published a year at scale 1, about 60,000 open at a time, mostly temp
    // work.
    near(s.offers() as f64, 443_000.0 * 0.02, 1.0, "offers");
    near(s.open_offers as f64, 60_000.0 * 0.02, 200.0, "open offers");
    near(s.contract_share(ContractType::Mis), 0.75, 0.03, "MIS share");
    near(
        s.hard_to_fill as f64 / s.offers() as f64,
        0.43,
        0.04,
        "hard to fill",
    );

    // Structures: every department has its France Travail agencies, Cap emploi, missions
    // locales; one Akto and one FASTT.
    assert_eq!(s.kind_count(StructureKind::CapEmploi), 8);
    assert_eq!(s.kind_count(StructureKind::Akto), 1);
    assert_eq!(s.kind_count(StructureKind::Fastt), 1);
    assert!(s.kind_count(StructureKind::FranceTravail) >= 8);
    near(
        s.kind_count(StructureKind::AgenceEmploi) as f64,
        32.0,
        2.0,
        "agences d'emploi",
    );
}

#[test]
fn every_record_is_valid_and_points_to_a_simulated_structure() {
    let region = region(0.005, 7);
    let sirets: BTreeSet<_> = region
        .structures()
        .iter()
        .map(|s| s.siret.clone())
        .collect();
    assert_eq!(sirets.len(), region.structures().len(), "SIRETs are unique");
    let mut ids = BTreeSet::new();
    for i in 0..region.job_seeker_count() {
        let seeker = region.job_seeker(i).unwrap();
        assert!(sirets.contains(&seeker.agency_siret));
        assert!(
            ids.insert(seeker.external_id.clone()),
            "identifiers are unique"
        );
        let commune = refdata::geo().commune(seeker.commune.as_str()).unwrap();
        assert_eq!(commune.region, "11");
        let needs_caces = seeker.targets.as_slice()[0]
            .rome
            .as_str()
            .starts_with("N41");
        if needs_caces {
            assert!(
                seeker.qualifications.iter().any(|q| q.code == "C"),
                "truck drivers hold a C licence"
            );
        }
    }
    for i in 0..region.offer_count() {
        let offer = region.offer(i).unwrap();
        assert!(sirets.contains(&offer.structure_siret));
        assert_eq!(offer.closed_at.is_none(), offer.status == OfferStatus::Open);
        assert_eq!(
            offer.close_reason.is_some(),
            offer.status == OfferStatus::Cancelled,
            "a simulated cancellation says why"
        );
        if let Some(closed_at) = offer.closed_at {
            assert!(closed_at > offer.published_at);
            assert!(
                closed_at.date_naive() < as_of(),
                "closed before the reference day"
            );
        }
    }
}
