//! Training before hiring (issue 19, point 4): from an offer and a person referred to it who
//! accepted, the offer's structure and the person's France Travail agency build a plan — a
//! scheme, a session of the catalogue or a tailored training, its days and hours — that each
//! side agrees to for its own, then follow it to the hire (`model::workflow::TRAINING_PLANS`).
//! The scheme must apply to the person, the offer and the training on the day the plan is
//! proposed (`model::schemes::eligibility`); once the training is over, the contract the
//! scheme asks for is checked (`model::schemes::obligations`), and a breach is flagged to the
//! steering committee ([`count`]). `api.rs` is its routes, `pages.rs` and `build_pages.rs`
//! its pages.

pub mod api;
pub mod build_pages;
pub mod figures;
pub mod pages;
pub mod views;

use chrono::{Months, NaiveDate};
use model::schemes::{
    self, Assessment, FollowingContract, Obligation, Scheme, SchemePerson, SchemeRule,
    SchemeSession, SchemeSettings,
};
use model::training_plans::{NewTrainingPlan, PlanHire, PlanState, TrainingPlan};
use model::{ContractType, Disclosure, JobSeekerRecord, OfferRecord, PriorityStatus};

use crate::reconversion::funding::{scheme_offer, scheme_person};

/// The plan's training as the schemes read it: its own days and hours; collective for a
/// session of the catalogue (run for a group) or a POEC (which trains a group), given by a
/// training body when it has hours in a centre.
pub fn plan_session(plan: &NewTrainingPlan) -> SchemeSession {
    SchemeSession {
        starts: plan.starts_on,
        ends: plan.ends_on,
        hours_centre: plan.hours_centre,
        hours_enterprise: plan.hours_enterprise,
        collective: plan.session_id.is_some() || plan.scheme == Scheme::Poec,
        with_training_body: plan.hours_centre > 0,
    }
}

/// The contract a plan led to, as the obligations read it: its last day from its months
/// (none for an open-ended one); a SAI is seasonal.
pub fn following(hire: &PlanHire) -> FollowingContract {
    FollowingContract {
        contract_type: hire.contract_type,
        work_study: None,
        seasonal: hire.contract_type == ContractType::Sai,
        starts: hire.starts_on,
        ends: hire
            .months
            .and_then(|months| hire.starts_on.checked_add_months(Months::new(months)))
            .and_then(|after| after.pred_opt()),
        hours: None,
    }
}

/// The version of the scheme the plan was agreed under: the one in force the day it was
/// proposed (an agreement keeps its version, `schemes::eligibility`), else on its first day.
pub fn plan_rule(plan: &TrainingPlan) -> Option<&'static SchemeRule> {
    schemes::rule_on(plan.plan.scheme, plan.proposed_at.date_naive())
        .or_else(|| schemes::rule_on(plan.plan.scheme, plan.plan.starts_on))
}

/// Where the contract the plan's scheme asks for stands on `today`: for a hired plan, read
/// against its contract; for a completed one without a hire, awaited until every window
/// closes, then a breach. None before the training is over, or once abandoned (or when no
/// version of the scheme is known).
pub fn obligation(plan: &TrainingPlan, today: NaiveDate) -> Option<Obligation> {
    let followed: Vec<FollowingContract> = match plan.state {
        PlanState::Hired => plan.hire.iter().map(following).collect(),
        PlanState::Completed => Vec::new(),
        PlanState::Proposed | PlanState::Agreed | PlanState::InTraining | PlanState::Abandoned => {
            return None;
        }
    };
    let rule = plan_rule(plan)?;
    Some(schemes::obligations(
        rule,
        &plan_session(&plan.plan),
        &followed,
        today,
    ))
}

/// The person as the schemes read them on `day`, as far as the reader may know them
/// (`reconversion::funding::scheme_person`): the person's own agency (`full`) reads every
/// field; the offer's side only the statuses the person chose to disclose, and neither their
/// age nor how long they have been registered (never shown to an agency), so that what it is
/// told of a scheme — its verdict and its reasons — tells nothing more of the person.
pub fn person_seen(record: &JobSeekerRecord, day: NaiveDate, full: bool) -> SchemePerson {
    let mut person = scheme_person(record, day);
    if !full {
        person.statuses = record
            .priorities
            .iter()
            .filter(|(_, disclosure)| **disclosure == Disclosure::Disclosed)
            .map(|(status, _)| *status)
            .collect();
        person.age = None;
        person.months_registered = None;
        person.low_qualification = person.statuses.contains(&PriorityStatus::YoungUnqualified);
    }
    person
}

/// The verdict of the plan's scheme for the person (as [`person_seen`]), the offer and the
/// plan's training on `day` (the day the plan is proposed), the offer read through
/// `reconversion::funding::scheme_offer`.
pub fn assess(
    person: &SchemePerson,
    offer: &OfferRecord,
    plan: &NewTrainingPlan,
    day: NaiveDate,
) -> Option<Assessment> {
    schemes::eligibility(
        &SchemeSettings::default(),
        person,
        Some(&scheme_offer(offer)),
        &plan_session(plan),
        day,
    )
    .into_iter()
    .find(|a| a.scheme == plan.scheme)
}

/// A plan whose scheme's contract did not follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breach {
    pub plan_id: i64,
    pub scheme: Scheme,
    pub offer_structure_id: i64,
    /// The version of the scheme broken (its id).
    pub rule: &'static str,
    pub reason: String,
}

/// The plans of a period as the steering committee counts them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub proposed: u64,
    /// Entries in training: the plans under way, completed or hired, and those abandoned on
    /// or after their first day; by scheme in the order of `Scheme::ALL`.
    pub entries: u64,
    pub entries_by_scheme: Vec<(Scheme, u64)>,
    /// The training completed (hired or not yet).
    pub completed: u64,
    pub hired: u64,
    pub abandoned: u64,
    /// In a job of at least a month (or open-ended) starting within six months of the
    /// training's end (`trainings::employed_within`).
    pub employed_six_months: u64,
    pub breaches: Vec<Breach>,
}

/// Whether a plan's training began, as far as its state tells.
fn entered(plan: &TrainingPlan) -> bool {
    match plan.state {
        PlanState::InTraining | PlanState::Completed | PlanState::Hired => true,
        PlanState::Abandoned => plan.changed_at.date_naive() >= plan.plan.starts_on,
        PlanState::Proposed | PlanState::Agreed => false,
    }
}

/// Counts `plans` on `today`, with the breaches of their schemes' obligations.
pub fn count(plans: &[TrainingPlan], today: NaiveDate) -> Counts {
    let mut counts = Counts {
        entries_by_scheme: Scheme::ALL.iter().map(|s| (*s, 0)).collect(),
        ..Counts::default()
    };
    for plan in plans {
        counts.proposed += 1;
        if entered(plan) {
            counts.entries += 1;
            if let Some(slot) = counts
                .entries_by_scheme
                .iter_mut()
                .find(|(scheme, _)| *scheme == plan.plan.scheme)
            {
                slot.1 += 1;
            }
        }
        match plan.state {
            PlanState::Completed => counts.completed += 1,
            PlanState::Hired => {
                counts.completed += 1;
                counts.hired += 1;
            }
            PlanState::Abandoned => counts.abandoned += 1,
            PlanState::Proposed | PlanState::Agreed | PlanState::InTraining => {}
        }
        if matches!(plan.state, PlanState::Completed | PlanState::Hired)
            && crate::trainings::employed_within(plan, today) == Some(true)
        {
            counts.employed_six_months += 1;
        }
        if let Some(Obligation::Breach { rule, reason }) = obligation(plan, today) {
            counts.breaches.push(Breach {
                plan_id: plan.id,
                scheme: plan.plan.scheme,
                offer_structure_id: plan.offer_structure_id,
                rule,
                reason,
            });
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use model::training_plans::PlanSide;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// A POEI of 300 h with a training body from 1 April to 29 May 2026, proposed on
    /// 10 March 2026, in `state`, hired on a CDD of `months` from 1 June when given.
    fn plan(id: i64, state: PlanState, cdd_months: Option<u32>) -> TrainingPlan {
        TrainingPlan {
            id,
            plan: NewTrainingPlan {
                offer_id: 1,
                job_seeker_id: 2,
                referral_id: 3,
                scheme: Scheme::Poei,
                session_id: None,
                starts_on: day(2026, 4, 1),
                ends_on: day(2026, 5, 29),
                hours_centre: 300,
                hours_enterprise: 0,
                proposed_side: PlanSide::Offer,
                proposed_by: None,
            },
            offer_structure_id: 7,
            person_agency_id: 8,
            rome: "N1101".to_string(),
            department: "93".to_string(),
            state,
            proposed_at: Utc.with_ymd_and_hms(2026, 3, 10, 9, 0, 0).unwrap(),
            changed_at: Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap(),
            abandon_reason: None,
            hire: cdd_months.map(|months| PlanHire {
                contract_type: ContractType::Cdd,
                starts_on: day(2026, 6, 1),
                months: Some(months),
            }),
        }
    }

    #[test]
    fn a_contract_ends_the_day_before_its_months_are_over() {
        let hire = PlanHire {
            contract_type: ContractType::Cdd,
            starts_on: day(2026, 6, 1),
            months: Some(6),
        };
        let contract = following(&hire);
        assert_eq!(contract.ends, Some(day(2026, 11, 30)));
        assert_eq!(contract.months(), Some(6));
        let open = following(&PlanHire {
            contract_type: ContractType::Cdi,
            months: None,
            ..hire
        });
        assert_eq!(open.ends, None);
    }

    #[test]
    fn a_poei_needs_six_months_of_cdd_and_flags_a_shorter_one_once_the_windows_close() {
        // A CDD of 6 months meets the POEI of 2024 at once.
        let met = obligation(&plan(1, PlanState::Hired, Some(6)), day(2026, 6, 2));
        assert!(matches!(met, Some(Obligation::Met { .. })), "{met:?}");
        // A CDD of 3 months: the POEI's missions may still follow, until 9 months after the
        // training's end (29 May 2026 + 9 months = 28 February 2027).
        let short = plan(2, PlanState::Hired, Some(3));
        match obligation(&short, day(2027, 2, 28)) {
            Some(Obligation::Pending { until, .. }) => assert_eq!(until, day(2027, 2, 28)),
            other => panic!("{other:?}"),
        }
        match obligation(&short, day(2027, 3, 1)) {
            Some(Obligation::Breach { rule, .. }) => assert_eq!(rule, "poei-2024"),
            other => panic!("{other:?}"),
        }
        // Completed without a hire: awaited, then a breach.
        let unhired = plan(3, PlanState::Completed, None);
        assert!(matches!(
            obligation(&unhired, day(2026, 6, 2)),
            Some(Obligation::Pending { .. })
        ));
        assert!(matches!(
            obligation(&unhired, day(2027, 3, 1)),
            Some(Obligation::Breach { .. })
        ));
        // Not due before the end, nor once abandoned.
        for state in [
            PlanState::Proposed,
            PlanState::InTraining,
            PlanState::Abandoned,
        ] {
            assert_eq!(obligation(&plan(4, state, None), day(2027, 3, 1)), None);
        }
    }

    #[test]
    fn counts_follow_the_plans_states_and_list_each_breach() {
        let mut abandoned_before = plan(5, PlanState::Abandoned, None);
        abandoned_before.changed_at = Utc.with_ymd_and_hms(2026, 3, 20, 9, 0, 0).unwrap();
        let mut poec = plan(6, PlanState::InTraining, None);
        poec.plan.scheme = Scheme::Poec;
        let plans = vec![
            plan(1, PlanState::Hired, Some(6)),
            plan(2, PlanState::Hired, Some(3)),
            plan(3, PlanState::Completed, None),
            plan(4, PlanState::Proposed, None),
            abandoned_before,
            poec,
            plan(7, PlanState::Abandoned, None),
        ];
        let counts = count(&plans, day(2027, 3, 1));
        assert_eq!(counts.proposed, 7);
        // Hired (2), completed, under way, and the one abandoned on 1 June (after its start).
        assert_eq!(counts.entries, 5);
        assert_eq!(
            counts.entries_by_scheme,
            vec![
                (Scheme::Poei, 4),
                (Scheme::Afpr, 0),
                (Scheme::Poec, 1),
                (Scheme::Cdpi, 0),
                (Scheme::Cipi, 0),
                (Scheme::ContratPro, 0),
                (Scheme::Pmsmp, 0),
            ]
        );
        assert_eq!(
            (counts.completed, counts.hired, counts.abandoned),
            (3, 2, 2)
        );
        // Both CDDs start within six months of the end and last a month or more.
        assert_eq!(counts.employed_six_months, 2);
        let broken: Vec<(i64, &str)> = counts
            .breaches
            .iter()
            .map(|b| (b.plan_id, b.rule))
            .collect();
        assert_eq!(broken, vec![(2, "poei-2024"), (3, "poei-2024")]);
    }
}
