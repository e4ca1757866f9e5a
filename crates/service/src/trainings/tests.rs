#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use super::*;
use model::ContractType;
use model::schemes::Scheme;
use model::training_plans::{NewTrainingPlan, PlanHire, PlanSide};

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// A plan of `rome` in `department` whose training ended on 31 January 2026, in `state`,
/// hired `hired` (the contract's start and months).
fn plan(
    rome: &str,
    department: &str,
    state: PlanState,
    hired: Option<(&str, Option<u32>)>,
) -> TrainingPlan {
    TrainingPlan {
        id: 1,
        plan: NewTrainingPlan {
            offer_id: 1,
            job_seeker_id: 1,
            referral_id: 1,
            scheme: Scheme::Poei,
            session_id: Some(7),
            starts_on: day("2026-01-05"),
            ends_on: day("2026-01-31"),
            hours_centre: 140,
            hours_enterprise: 0,
            proposed_side: PlanSide::Offer,
            proposed_by: None,
        },
        offer_structure_id: 1,
        person_agency_id: 2,
        rome: rome.to_string(),
        department: department.to_string(),
        state,
        proposed_at: chrono::DateTime::UNIX_EPOCH,
        changed_at: chrono::DateTime::UNIX_EPOCH,
        abandon_reason: None,
        hire: hired.map(|(starts, months)| PlanHire {
            contract_type: ContractType::Cdd,
            starts_on: day(starts),
            months,
        }),
    }
}

#[test]
fn a_job_counts_when_it_starts_within_six_months_and_lasts_a_month() {
    let today = day("2026-12-04");
    let hired = |starts, months| plan("N1101", "93", PlanState::Hired, Some((starts, months)));
    // The six months end on 31 July 2026.
    assert_eq!(
        employed_within(&hired("2026-07-31", Some(1)), today),
        Some(true)
    );
    assert_eq!(
        employed_within(&hired("2026-08-01", Some(6)), today),
        Some(false)
    );
    assert_eq!(
        employed_within(&hired("2026-02-01", None), today),
        Some(true)
    );
    let unhired = plan("N1101", "93", PlanState::Completed, None);
    assert_eq!(employed_within(&unhired, today), Some(false));
    // On 15 June 2026 the six months are not over: not counted yet.
    assert_eq!(employed_within(&unhired, day("2026-06-15")), None);
}

#[test]
fn the_gauge_has_five_steps() {
    assert_eq!(Gauge::of_rate(0.39), Gauge::Faible);
    assert_eq!(Gauge::of_rate(0.40), Gauge::Moyen);
    assert_eq!(Gauge::of_rate(0.549), Gauge::Moyen);
    assert_eq!(Gauge::of_rate(0.55), Gauge::Bon);
    assert_eq!(Gauge::of_rate(0.70), Gauge::TresBon);
    assert_eq!(Gauge::of_rate(0.8499), Gauge::TresBon);
    assert_eq!(Gauge::of_rate(0.85), Gauge::Excellent);
    assert_eq!(Gauge::of_rate(1.0).step(), 5);
}

#[test]
fn a_department_under_twenty_trainees_falls_back_to_the_region() {
    let today = day("2026-12-04");
    let mut plans = Vec::new();
    // Seine-Saint-Denis: 25 trainees, 20 in a job (one more abandoned: not a trainee).
    for i in 0..25 {
        let hired = (i < 20).then_some(("2026-02-15", Some(6)));
        let state = if hired.is_some() {
            PlanState::Hired
        } else {
            PlanState::Completed
        };
        plans.push(plan("N1101", "93", state, hired));
    }
    plans.push(plan("N1101", "93", PlanState::Abandoned, None));
    // Seine-et-Marne: 5 trainees, all in a job.
    for _ in 0..5 {
        plans.push(plan(
            "N1101",
            "77",
            PlanState::Hired,
            Some(("2026-03-01", None)),
        ));
    }
    let outcomes = Outcomes::count(&plans, today, |_| Some("31805".to_string()));
    let here = outcomes.of_occupation("N1101", "93");
    assert_eq!(
        (here.level.as_str(), here.trainees, here.employed),
        ("department", Some(25), Some(20))
    );
    assert_eq!(here.rate, Some(0.8));
    assert_eq!(here.gauge, Some(Gauge::TresBon));
    let there = outcomes.of_occupation("N1101", "77");
    assert_eq!(
        (there.level.as_str(), there.trainees, there.employed),
        ("region", Some(30), Some(25))
    );
    assert_eq!(there.department, None);
    assert_eq!(there.gauge, Some(Gauge::TresBon));
    // Nobody trained for it: nothing shown; nor for five trainees alone.
    let none = outcomes.of_occupation("J1501", "93");
    assert_eq!((none.trainees, none.rate), (None, None));
    let few = Outcomes::count(&plans[26..], today, |_| None).of_occupation("N1101", "77");
    assert_eq!((few.trainees, few.employed, few.rate), (None, None, None));
    // By Formacode: 25 in the department, 30 in the region.
    let formacode = outcomes.of_formacode("31805", "77");
    assert_eq!(
        (formacode.level.as_str(), formacode.trainees),
        ("region", Some(30))
    );
}
