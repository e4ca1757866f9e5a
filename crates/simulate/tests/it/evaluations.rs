//! A year of shared evaluations planned over two synthetic departments: deterministic, every
//! record one the service would take, CACES among the sought occupation's categories, each
//! recorded by a structure of the right kind, the MRS sessions' results carried over, and the
//! rates within tolerance of the constants.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Months, NaiveDate, TimeZone, Utc};
use model::evaluations::{EvaluationKind, is_certificate_label};
use model::{ActionKind, ActionState, Attendance, OutcomeKind};
use simulate::evaluations::*;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 12, 0, 0).unwrap()
}

fn today() -> NaiveDate {
    now().date_naive()
}

/// A France Travail agency and two agencies in each of the 93 and the 94, the agencies with
/// offers; 100,000 consenting job seekers seeking logistics, construction, industry, hospital
/// and office occupations, one in ten registered a month ago.
fn fixtures() -> crate::Fixtures {
    let (organisers, offers) = crate::two_departments(
        [
            (3, &["N1103", "N1101"]),
            (4, &["F1302", "H2903"]),
            (5, &["N1103", "H2903"]),
            (6, &["J1301", "M1607"]),
        ],
        now() - Duration::days(400),
    );
    let romes = [
        "N1103", "N1101", "F1302", "H2903", "J1301", "M1607", "K2110",
    ];
    let candidates = (0..100_000)
        .map(|i| {
            crate::candidate(
                i,
                [
                    romes[(i as usize / 2) % romes.len()],
                    romes[(i as usize / 11) % romes.len()],
                ],
                if i % 10 == 3 {
                    today() - Duration::days(30)
                } else {
                    crate::consent().given_at.date_naive()
                },
            )
        })
        .collect();
    (organisers, offers, candidates)
}

fn share(n: usize, of: usize) -> f64 {
    n as f64 / of.max(1) as f64
}

fn is_caces(ogr: &str) -> bool {
    refdata::rome()
        .skill(ogr)
        .is_some_and(|s| is_certificate_label(s.label))
}

fn is_rome(code: &str) -> bool {
    refdata::rome().occupation(code).is_some()
}

#[test]
fn the_same_seed_gives_the_same_year_and_another_seed_another() {
    let fixtures = fixtures();
    let inputs = crate::inputs_over(&fixtures, now(), 1_000_000, 3);
    let actions = simulate::actions::plan(&inputs);
    let plan = plan(&inputs, &actions);
    assert!(!plan.evaluations.is_empty() && !plan.sharing.is_empty());
    assert_eq!(plan, simulate::evaluations::plan(&inputs, &actions));
    let other = Inputs { seed: 4, ..inputs };
    assert_ne!(
        plan,
        simulate::evaluations::plan(&other, &simulate::actions::plan(&other))
    );
}

#[test]
fn every_evaluation_is_valid_dated_in_the_year_and_recorded_by_the_right_structure() {
    let fixtures = fixtures();
    let inputs = crate::inputs_over(&fixtures, now(), 1_000_000, 7);
    let plan = plan(&inputs, &simulate::actions::plan(&inputs));
    let people: HashMap<i64, &Candidate> = inputs.candidates.iter().map(|c| (c.id, c)).collect();
    let organiser = |id: i64| inputs.organisers.iter().find(|o| o.id == id).unwrap();
    for kind in EvaluationKind::ALL {
        assert!(plan.count(*kind) > 0, "{kind}");
    }
    for e in &plan.evaluations {
        let person = people[&e.job_seeker_id];
        let checked = e.record.clone().checked(is_caces, is_rome, today());
        assert_eq!(checked.as_ref(), Ok(&e.record), "{e:?}");
        let on = e.record.evaluated_on;
        assert!(on <= today() && on > today() - Duration::days(365), "{e:?}");
        // After the person registered (an MRS session's result aside: `actions` invites
        // people whatever their registration day).
        assert!(
            on >= person.registered_on || e.record.kind == EvaluationKind::Mrs,
            "{e:?}"
        );
        assert!(e.recorded_at <= now(), "{e:?}");
        assert!(e.recorded_at.date_naive() >= on, "{e:?}");
        let by = organiser(e.structure_id);
        match e.record.kind {
            EvaluationKind::Caces => {
                // A category of one of the sought occupations, from the ROME.
                assert!(
                    person
                        .romes
                        .iter()
                        .any(|r| caces_skills(r).contains(&e.record.subject.as_str())),
                    "{e:?}"
                );
                let label = refdata::rome().skill(&e.record.subject).unwrap().label;
                assert!(label.contains("(CACES R 3"), "{label}");
                let years = if label.contains("R 372") { 10 } else { 5 };
                assert_eq!(
                    e.record.valid_until,
                    Some(
                        on.checked_add_months(Months::new(12 * years)).unwrap() - Duration::days(1)
                    )
                );
                assert_eq!(e.record.result, "obtained");
                // The person's France Travail agency, or an agency of their department.
                assert!(
                    e.structure_id == person.agency
                        || (!by.france_travail && by.department == person.department),
                    "{e:?}"
                );
            }
            _ => {
                assert_eq!(e.structure_id, person.agency, "{e:?}");
                assert!(by.france_travail);
                assert_eq!(e.record.valid_until, None);
            }
        }
    }
    // In the order they were recorded.
    assert!(
        plan.evaluations
            .windows(2)
            .all(|w| w[0].recorded_at <= w[1].recorded_at)
    );

    // Each sharer shares kinds they hold, when their last one is recorded, with a consent.
    let mut held: HashMap<i64, (HashSet<EvaluationKind>, DateTime<Utc>)> = HashMap::new();
    for e in &plan.evaluations {
        let entry = held
            .entry(e.job_seeker_id)
            .or_insert((HashSet::new(), e.recorded_at));
        entry.0.insert(e.record.kind);
        entry.1 = entry.1.max(e.recorded_at);
    }
    let mut seen = HashSet::new();
    for s in &plan.sharing {
        assert!(seen.insert(s.job_seeker_id), "shared once");
        let (kinds, last) = &held[&s.job_seeker_id];
        assert!(!s.kinds.is_empty());
        assert!(s.kinds.iter().all(|k| kinds.contains(k)), "{s:?}");
        assert!(s.at >= *last && s.at <= now(), "{s:?}");
        assert!(s.at >= people[&s.job_seeker_id].consent.given_at);
    }
}

#[test]
fn those_present_at_an_mrs_session_have_its_result() {
    let fixtures = fixtures();
    let inputs = crate::inputs_over(&fixtures, now(), 1_000_000, 11);
    let actions = simulate::actions::plan(&inputs);
    let plan = plan(&inputs, &actions);
    let mut present = 0;
    for past in &actions {
        if past.action.kind != ActionKind::Mrs || past.state != ActionState::Closed {
            continue;
        }
        let on = past.action.gathering.starts_at.date_naive();
        for invitation in &past.invitations {
            if !matches!(invitation.seat, Some((_, true, Some(Attendance::Present)))) {
                continue;
            }
            present += 1;
            let id = invitation.invitation.job_seeker_id;
            let interviewed = past
                .outcomes
                .iter()
                .any(|(o, _)| o.job_seeker_id == id && o.kind == OutcomeKind::Interview);
            let result = plan
                .evaluations
                .iter()
                .find(|e| {
                    e.job_seeker_id == id
                        && e.record.kind == EvaluationKind::Mrs
                        && e.record.evaluated_on == on
                        && past
                            .action
                            .romes
                            .iter()
                            .any(|r| r.as_str() == e.record.subject)
                })
                .unwrap_or_else(|| panic!("no MRS result for {id} on {on}"));
            assert_eq!(
                result.record.result,
                if interviewed {
                    "validated"
                } else {
                    "not_validated"
                }
            );
        }
    }
    assert!(present > 0, "no MRS session held in the year");
}

#[test]
fn the_rates_are_within_tolerance_of_the_constants() {
    let fixtures = fixtures();
    let inputs = crate::inputs_over(&fixtures, now(), 1_000_000, 5);
    // France Travail's own MRS sessions only: the co-organised ones add to them.
    let plan = plan(&inputs, &[]);
    let people = inputs.candidates.len();
    let near = |actual: f64, target: f64, what: &str| {
        let tolerance = (target * 0.15).max(0.004);
        assert!(
            (actual - target).abs() <= tolerance,
            "{what}: {actual:.4}, expected {target:.4} ± {tolerance:.4}"
        );
    };
    let with = |kind: EvaluationKind| -> HashSet<i64> {
        plan.evaluations
            .iter()
            .filter(|e| e.record.kind == kind)
            .map(|e| e.job_seeker_id)
            .collect()
    };
    let seeking = |f: &dyn Fn(&str) -> bool| -> Vec<&Candidate> {
        inputs
            .candidates
            .iter()
            .filter(|c| c.romes.iter().any(|r| f(r)))
            .collect()
    };

    let mrs = plan
        .evaluations
        .iter()
        .filter(|e| e.record.kind == EvaluationKind::Mrs)
        .collect::<Vec<_>>();
    near(
        share(mrs.len(), seeking(&uses_mrs).len()),
        MRS_SHARE,
        "MRS among those who seek an MRS occupation",
    );
    assert!(
        mrs.iter()
            .all(|e| uses_mrs(&e.record.subject) && e.record.issuer == MRS_ISSUER)
    );
    near(
        share(
            mrs.iter()
                .filter(|e| e.record.result == "validated")
                .count(),
            mrs.len(),
        ),
        MRS_VALIDATED,
        "MRS validated",
    );

    let caces = with(EvaluationKind::Caces);
    let core = seeking(&|r| CACES_CORE.contains(&r));
    near(
        share(
            core.iter().filter(|c| caces.contains(&c.id)).count(),
            core.len(),
        ),
        CACES_CORE_SHARE,
        "CACES among those who seek a driving occupation",
    );
    let other: Vec<&Candidate> = inputs
        .candidates
        .iter()
        .filter(|c| !c.romes.iter().any(|r| CACES_CORE.contains(&r.as_str())))
        .filter(|c| c.romes.iter().any(|r| !caces_skills(r).is_empty()))
        .collect();
    assert!(!other.is_empty());
    near(
        share(
            other.iter().filter(|c| caces.contains(&c.id)).count(),
            other.len(),
        ),
        CACES_OTHER_SHARE,
        "CACES among the others whose occupation lists one",
    );
    // Nobody without a CACES category in their occupations has one.
    let without = seeking(&|r| caces_skills(r).is_empty());
    assert!(
        without
            .iter()
            .filter(|c| c.romes.iter().all(|r| caces_skills(r).is_empty()))
            .all(|c| !caces.contains(&c.id))
    );
    let certificates: Vec<_> = plan
        .evaluations
        .iter()
        .filter(|e| e.record.kind == EvaluationKind::Caces)
        .collect();
    let mut per_person: HashMap<i64, usize> = HashMap::new();
    for e in &certificates {
        *per_person.entry(e.job_seeker_id).or_default() += 1;
    }
    assert!(per_person.values().all(|n| (1..=2).contains(n)));
    let two = share(
        per_person.values().filter(|n| **n == 2).count(),
        caces.len(),
    );
    assert!(
        two > 0.1 && two <= CACES_SECOND + 0.03,
        "two categories: {two}"
    );
    let by_agency = per_person
        .keys()
        .filter(|id| {
            certificates
                .iter()
                .find(|e| e.job_seeker_id == **id)
                .is_some_and(|e| e.structure_id > 2)
        })
        .count();
    near(
        share(by_agency, caces.len()),
        CACES_BY_AGENCY,
        "CACES by an agency",
    );

    near(
        share(with(EvaluationKind::Language).len(), people),
        LANGUAGE_SHARE,
        "language levels",
    );
    near(
        share(with(EvaluationKind::SkillsAssessment).len(), people),
        ASSESSMENT_SHARE,
        "skills assessments",
    );

    // Each kind a person holds is shared at the assumed rate.
    let mut kinds_held = 0;
    let mut holders = HashMap::<i64, HashSet<EvaluationKind>>::new();
    for e in &plan.evaluations {
        holders
            .entry(e.job_seeker_id)
            .or_default()
            .insert(e.record.kind);
    }
    for kinds in holders.values() {
        kinds_held += kinds.len();
    }
    let shared: usize = plan.sharing.iter().map(|s| s.kinds.len()).sum();
    near(share(shared, kinds_held), SHARED, "kinds shared");
}
