//! Training plans: grown from a referral the person accepted, one open plan per person and
//! offer, moved as the workflow allows (agreed by the side that did not propose, hired by
//! the offer's side with its contract), written whole for the past.

use chrono::NaiveDate;
use model::schemes::Scheme;
use model::training_plans::*;
use store::*;
use testdb::TestDb;
use testdb::fixtures::*;

use crate::contract::{ft_and_agency, one_seeker_and_offer};

fn day(d: u32) -> NaiveDate {
    at(d).date_naive()
}

/// A France Travail agency (1) following person 1, an agency (3) owning offer 1, and a
/// referral of the person to the offer, in `state`.
async fn referral_in(db: &TestDb, state: ReferralState) -> (i64, i64, i64) {
    let store = db.store();
    ft_and_agency(store).await;
    let (seeker, offer) = one_seeker_and_offer(store).await;
    let referral = store
        .create_referral(seeker.id, offer.id, None, None, at(2))
        .await
        .unwrap();
    let mut from = ReferralState::Proposed;
    for to in [ReferralState::Accepted, ReferralState::Interview] {
        if from == state {
            break;
        }
        store
            .move_referral_plainly(referral.id, (from, to), None, at(3))
            .await
            .unwrap();
        from = to;
    }
    (seeker.id, offer.id, referral.id)
}

fn poei(person: i64, offer: i64, referral: i64) -> NewTrainingPlan {
    NewTrainingPlan {
        offer_id: offer,
        job_seeker_id: person,
        referral_id: referral,
        scheme: Scheme::Poei,
        session_id: None,
        starts_on: day(10),
        ends_on: day(28),
        hours_centre: 0,
        hours_enterprise: 140,
        proposed_side: PlanSide::Offer,
        proposed_by: None,
    }
}

pub async fn a_plan_grows_from_an_accepted_referral_and_moves_to_the_hire(db: &TestDb) {
    let store = db.store();
    let (person, offer, referral) = referral_in(db, ReferralState::Accepted).await;
    let plan = store
        .create_training_plan(&poei(person, offer, referral), at(4))
        .await
        .unwrap();
    assert_eq!(plan.state, PlanState::Proposed);
    assert_eq!(plan.rome, "N1101");
    assert_eq!(plan.department, "93");
    assert_eq!(
        plan.offer_structure_id,
        store
            .structure_by_siret(&siret(3))
            .await
            .unwrap()
            .unwrap()
            .id
    );
    assert_eq!(
        plan.person_agency_id,
        store
            .structure_by_siret(&siret(1))
            .await
            .unwrap()
            .unwrap()
            .id
    );
    // One open plan per person and offer.
    match store
        .create_training_plan(&poei(person, offer, referral), at(4))
        .await
    {
        Err(StoreError::Duplicate {
            field: "job_seeker_id",
            ..
        }) => {}
        other => panic!("expected a duplicate plan, got {other:?}"),
    }
    // The side that proposed cannot agree alone; the other side can.
    match store
        .move_training_plan(
            plan.id,
            PlanState::Agreed,
            PlanSide::Offer,
            None,
            None,
            at(5),
        )
        .await
    {
        Err(StoreError::Conflict(message)) => assert!(message.contains("other side"), "{message}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    let moved = |to, side, reason, hire: Option<PlanHire>, d| async move {
        store
            .move_training_plan(plan.id, to, side, reason, hire.as_ref(), at(d))
            .await
    };
    moved(PlanState::Agreed, PlanSide::Person, None, None, 5)
        .await
        .unwrap();
    moved(PlanState::InTraining, PlanSide::Offer, None, None, 10)
        .await
        .unwrap();
    // Not straight to the hire: the training completes first.
    assert!(matches!(
        moved(PlanState::Hired, PlanSide::Offer, None, None, 11).await,
        Err(StoreError::Conflict(_))
    ));
    moved(PlanState::Completed, PlanSide::Person, None, None, 28)
        .await
        .unwrap();
    // Only the offer's side hires, with the contract's start, never before the training's.
    let hire = PlanHire {
        contract_type: ContractType::Cdd,
        starts_on: day(28),
        months: Some(6),
    };
    assert!(matches!(
        moved(
            PlanState::Hired,
            PlanSide::Person,
            None,
            Some(hire.clone()),
            28
        )
        .await,
        Err(StoreError::Conflict(_))
    ));
    let early = PlanHire {
        starts_on: day(1),
        ..hire.clone()
    };
    assert!(matches!(
        moved(PlanState::Hired, PlanSide::Offer, None, Some(early), 28).await,
        Err(StoreError::Invalid(_))
    ));
    let hired = moved(
        PlanState::Hired,
        PlanSide::Offer,
        None,
        Some(hire.clone()),
        28,
    )
    .await
    .unwrap();
    assert_eq!(hired.hire, Some(hire));
    let stored = store.training_plan(plan.id).await.unwrap().unwrap();
    assert_eq!(stored, hired);
    assert_eq!(stored.changed_at, at(28));
    // Hired through a plan: no other plan for the same person and offer.
    match store
        .create_training_plan(&poei(person, offer, referral), at(28))
        .await
    {
        Err(StoreError::Conflict(message)) => {
            assert!(message.contains("already hired"), "{message}")
        }
        other => panic!("a second plan after the hire: {other:?}"),
    }
    let of_offer: Vec<i64> = store
        .training_plans_of_offer(offer)
        .await
        .unwrap()
        .iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(of_offer, vec![plan.id]);
    assert_eq!(
        store
            .training_plans_of_structure(plan.person_agency_id)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(store.training_plans_since(at(5)).await.unwrap().len(), 0);
}

pub async fn a_plan_needs_the_persons_acceptance_and_valid_days(db: &TestDb) {
    let store = db.store();
    let (person, offer, referral) = referral_in(db, ReferralState::Proposed).await;
    match store
        .create_training_plan(&poei(person, offer, referral), at(4))
        .await
    {
        Err(StoreError::Conflict(message)) => assert!(message.contains("referral_id"), "{message}"),
        other => panic!("a plan before the person accepted: {other:?}"),
    }
    let mut backwards = poei(person, offer, referral);
    backwards.ends_on = day(1);
    assert!(matches!(
        store.create_training_plan(&backwards, at(4)).await,
        Err(StoreError::Invalid(ref m)) if m.starts_with("ends_on")
    ));
    let mut empty = poei(person, offer, referral);
    empty.hours_enterprise = 0;
    assert!(matches!(
        store.create_training_plan(&empty, at(4)).await,
        Err(StoreError::Invalid(ref m)) if m.starts_with("hours_centre")
    ));
    let mut elsewhere = poei(person, offer, referral);
    elsewhere.offer_id = offer + 100;
    assert!(matches!(
        store.create_training_plan(&elsewhere, at(4)).await,
        Err(StoreError::Invalid(ref m)) if m.starts_with("referral_id")
    ));
    let mut unknown_session = poei(person, offer, referral);
    unknown_session.session_id = Some(999);
    assert!(
        store
            .create_training_plan(&unknown_session, at(4))
            .await
            .is_err()
    );
    assert!(store.training_plans_since(at(1)).await.unwrap().is_empty());

    // Once the referral is cancelled, its plan can only be abandoned.
    store
        .move_referral_plainly(
            referral,
            (ReferralState::Proposed, ReferralState::Accepted),
            None,
            at(4),
        )
        .await
        .unwrap();
    let plan = store
        .create_training_plan(&poei(person, offer, referral), at(5))
        .await
        .unwrap();
    store
        .move_referral_plainly(
            referral,
            (ReferralState::Accepted, ReferralState::Cancelled),
            None,
            at(6),
        )
        .await
        .unwrap();
    match store
        .move_training_plan(
            plan.id,
            PlanState::Agreed,
            PlanSide::Person,
            None,
            None,
            at(7),
        )
        .await
    {
        Err(StoreError::Conflict(message)) => {
            assert!(message.starts_with("referral_id"), "{message}")
        }
        other => panic!("a plan moved on a cancelled referral: {other:?}"),
    }
    let abandoned = store
        .move_training_plan(
            plan.id,
            PlanState::Abandoned,
            PlanSide::Person,
            Some("trainee_withdrew"),
            None,
            at(7),
        )
        .await
        .unwrap();
    assert_eq!(
        abandoned.abandon_reason.as_deref(),
        Some("trainee_withdrew")
    );
}

pub async fn past_plans_are_written_whole(db: &TestDb) {
    let store = db.store();
    let (person, offer, referral) = referral_in(db, ReferralState::Interview).await;
    let past = PastTrainingPlan {
        plan: poei(person, offer, referral),
        state: PlanState::Hired,
        proposed_at: at(2),
        changed_at: at(28),
        abandon_reason: None,
        hire: Some(PlanHire {
            contract_type: ContractType::Cdi,
            starts_on: day(28),
            months: None,
        }),
    };
    let ids = store
        .record_past_training_plans(std::slice::from_ref(&past))
        .await
        .unwrap();
    let stored = store.training_plan(ids[0]).await.unwrap().unwrap();
    assert_eq!(stored.state, PlanState::Hired);
    assert_eq!(stored.hire, past.hire);
    assert_eq!((stored.proposed_at, stored.changed_at), (at(2), at(28)));
    // The schema holds the rule too: a hired plan without its contract is refused.
    let broken = PastTrainingPlan { hire: None, ..past };
    assert!(store.record_past_training_plans(&[broken]).await.is_err());
}
