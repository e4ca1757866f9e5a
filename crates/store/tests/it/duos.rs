//! Mentors and duos: a mentor never in more open duos than the places they gave (under
//! concurrency too), a person in one open duo at most, the lifecycle as the workflow allows
//! (the first contact starts an accepted duo), outcomes at their milestones, a withdrawal
//! closing what was open, a person drawn once.

use std::sync::Arc;

use chrono::NaiveDate;
use domain::{InseeCode, PersonName, RomeCode};
use store::*;
use testdb::TestDb;
use testdb::fixtures::*;

use crate::contract::region_of;

fn day(d: u32) -> NaiveDate {
    at(d).date_naive()
}

fn rome(code: &str) -> RomeCode {
    RomeCode::parse(code).unwrap()
}

fn new_mentor(agency: i64, capacity: u8) -> NewMentor {
    NewMentor {
        agency_id: agency,
        first_name: PersonName::parse("Karim").unwrap(),
        last_name: PersonName::parse("Benali").unwrap(),
        email: None,
        phone: None,
        commune: InseeCode::parse("93066").unwrap(),
        occupations: vec![
            MentorOccupation {
                rome: rome("F1703"),
                months: 96,
            },
            MentorOccupation {
                rome: rome("F1702"),
                months: 12,
            },
        ],
        available_from: day(1),
        hours_per_month: 8,
        capacity,
        consent_on: day(1),
        created_by: None,
    }
}

fn new_mentor_named(agency: i64, first: &str, capacity: u8) -> NewMentor {
    NewMentor {
        first_name: PersonName::parse(first).unwrap(),
        ..new_mentor(agency, capacity)
    }
}

fn new_duo(person: i64, mentor: i64, coordinator: i64) -> NewDuo {
    NewDuo {
        job_seeker_id: person,
        mentor_id: mentor,
        rome: rome("F1703"),
        months: 3,
        coordinator_id: coordinator,
        drawn: false,
        proposed_by: None,
    }
}

/// A France Travail agency, an agency, and `n` consenting people of the first (fixtures not
/// divisible by four: those have not consented).
async fn region(store: &dyn Store, n: u32) -> (i64, i64, Vec<i64>) {
    let numbers: Vec<u32> = (1..).filter(|i| i % 4 != 0).take(n as usize).collect();
    region_of(store, &numbers).await
}

/// One more person of the France Travail agency (fixture `n`).
async fn region_more(store: &dyn Store, n: u32) -> i64 {
    let record = job_seeker(n, &siret(1));
    store
        .upsert_job_seekers(std::slice::from_ref(&record), at(1))
        .await
        .unwrap();
    store
        .job_seeker(&record.external_id)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// Moves a duo on day `d`, at the time of [`at`]`(d)`.
async fn move_on(
    store: &dyn Store,
    duo: i64,
    to: DuoState,
    side: workflow::Mover,
    reason: Option<&str>,
    d: u32,
) -> Result<Duo> {
    store.move_duo(duo, to, side, reason, day(d), at(d)).await
}

fn conflict<T: std::fmt::Debug>(result: Result<T>, field: &str) {
    match result {
        Err(StoreError::Conflict(message)) => {
            assert!(message.starts_with(field), "{message}")
        }
        Err(StoreError::Duplicate { field: f, .. }) => assert_eq!(f, field),
        other => panic!("expected a conflict on {field}, got {other:?}"),
    }
}

/// A duo from its proposal to its six-month outcome, and what is refused on the way.
pub async fn duos_move_as_the_workflow_allows_and_record_their_outcomes(db: &TestDb) {
    let store = db.store();
    let (ft, agency, people) = region(store, 3).await;
    let mentor = store
        .create_mentor(&new_mentor(agency, 2), at(1))
        .await
        .unwrap();
    let stored = store.mentor(mentor.id).await.unwrap().unwrap();
    assert_eq!(stored.mentor, mentor.mentor);
    assert_eq!((stored.open_duos, stored.withdrawn_at), (0, None));
    // The occupation must be one the mentor practises.
    let mut other = new_duo(people[0], mentor.id, ft);
    other.rome = rome("N1101");
    conflict(store.propose_duo(&other, at(2)).await, "rome");
    let duo = store
        .propose_duo(&new_duo(people[0], mentor.id, ft), at(2))
        .await
        .unwrap();
    assert_eq!(
        (duo.state, duo.mentor_agency_id),
        (DuoState::Proposed, agency)
    );
    // A person is in one open duo at most.
    conflict(
        store
            .propose_duo(&new_duo(people[0], mentor.id, ft), at(2))
            .await,
        "job_seeker_id",
    );
    // No contact before both sides agreed.
    let contact = |on: u32| NewContact {
        duo_id: duo.id,
        on: day(on),
        minutes: 60,
        kind: ContactKind::Call,
        note: Some("Premier échange".to_string()),
        logged_by: None,
    };
    conflict(store.log_contact(&contact(3), at(3)).await, "duo_id");
    // Each side's yes is its own, whatever it asks: the mentor's side cannot answer for the
    // person, nor start a duo only one side agreed to.
    use workflow::Mover::{MentorSide, PersonSide};
    conflict(
        move_on(store, duo.id, DuoState::Active, PersonSide, None, 3).await,
        "state",
    );
    let agreed = move_on(store, duo.id, DuoState::SeekerAgreed, MentorSide, None, 3)
        .await
        .unwrap();
    assert_eq!(agreed.state, DuoState::MentorAgreed);
    let accepted = move_on(store, duo.id, DuoState::Accepted, PersonSide, None, 4)
        .await
        .unwrap();
    assert_eq!(
        (accepted.state, accepted.started_on),
        (DuoState::Accepted, None)
    );
    // The first contact starts it on its day; the next ones leave the start alone.
    let (_, started) = store.log_contact(&contact(5), at(5)).await.unwrap();
    assert_eq!(
        (started.state, started.started_on),
        (DuoState::Active, Some(day(5)))
    );
    let (_, again) = store.log_contact(&contact(12), at(12)).await.unwrap();
    assert_eq!(
        (again.started_on, again.last_contact_on),
        (Some(day(5)), Some(day(12)))
    );
    let stored = store.duo(duo.id).await.unwrap().unwrap();
    assert_eq!(stored.last_contact_on, Some(day(12)));
    assert_eq!(store.contacts_of_duo(duo.id).await.unwrap().len(), 2);
    // No outcome before the end; a stop needs a reason of the list.
    let outcome = |milestone| DuoOutcome {
        duo_id: duo.id,
        milestone,
        kind: DuoOutcomeKind::Job,
        recorded_by: None,
        recorded_at: at(20),
    };
    conflict(
        store
            .record_duo_outcome(&outcome(DuoMilestone::End), day(20))
            .await,
        "milestone",
    );
    conflict(
        move_on(
            store,
            duo.id,
            DuoState::Stopped,
            PersonSide,
            Some("bored"),
            20,
        )
        .await,
        "state",
    );
    let completed = move_on(store, duo.id, DuoState::Completed, PersonSide, None, 20)
        .await
        .unwrap();
    assert_eq!(
        (completed.state, completed.ended_on),
        (DuoState::Completed, Some(day(20)))
    );
    conflict(store.log_contact(&contact(21), at(21)).await, "duo_id");
    store
        .record_duo_outcome(&outcome(DuoMilestone::End), day(21))
        .await
        .unwrap();
    conflict(
        store
            .record_duo_outcome(&outcome(DuoMilestone::End), day(21))
            .await,
        "milestone",
    );
    // Six months after the end, not before.
    let early = day(20) + chrono::Duration::days(DUO_FOLLOW_UP_DAYS - 1);
    conflict(
        store
            .record_duo_outcome(&outcome(DuoMilestone::SixMonths), early)
            .await,
        "milestone",
    );
    let due = day(20) + chrono::Duration::days(DUO_FOLLOW_UP_DAYS);
    store
        .record_duo_outcome(&outcome(DuoMilestone::SixMonths), due)
        .await
        .unwrap();
    assert_eq!(store.outcomes_of_duo(duo.id).await.unwrap().len(), 2);
    // Its place is free again: the same person may have another duo.
    let next = store
        .propose_duo(&new_duo(people[0], mentor.id, ft), at(22))
        .await
        .unwrap();
    assert_eq!(next.state, DuoState::Proposed);
    let counts = store.duo_counts(at(1), at(28), day(28)).await.unwrap();
    assert_eq!(
        (
            counts.mentors,
            counts.proposed,
            counts.accepted,
            counts.completed,
            counts.contacts
        ),
        (1, 2, 1, 1, 2)
    );
    assert_eq!(counts.outcomes_at_end, [1, 0, 0, 0]);
    assert_eq!(counts.outcomes_at_six_months, [1, 0, 0, 0]);
}

/// A mentor who gave one place is in one open duo; withdrawing declines what was proposed
/// and stops what was under way; a withdrawn mentor gets no duo and is suggested to nobody.
pub async fn a_mentors_places_hold_and_a_withdrawal_closes_their_duos(db: &TestDb) {
    let store = db.store();
    let (ft, agency, people) = region(store, 4).await;
    let one = store
        .create_mentor(&new_mentor(agency, 1), at(1))
        .await
        .unwrap();
    store
        .propose_duo(&new_duo(people[0], one.id, ft), at(2))
        .await
        .unwrap();
    conflict(
        store
            .propose_duo(&new_duo(people[1], one.id, ft), at(2))
            .await,
        "mentor_id",
    );
    assert!(
        store
            .mentors_with_room(&[rome("F1703")])
            .await
            .unwrap()
            .is_empty()
    );
    let two = store
        .create_mentor(&new_mentor(agency, 2), at(1))
        .await
        .unwrap();
    let with_room = store.mentors_with_room(&[rome("F1702")]).await.unwrap();
    assert_eq!(with_room.iter().map(|m| m.id).collect::<Vec<_>>(), [two.id]);
    assert_eq!(with_room[0].mentor.occupations.len(), 2);
    let under_way = store
        .propose_duo(&new_duo(people[1], two.id, ft), at(2))
        .await
        .unwrap();
    use workflow::Mover::{MentorSide, PersonSide};
    move_on(
        store,
        under_way.id,
        DuoState::SeekerAgreed,
        PersonSide,
        None,
        3,
    )
    .await
    .unwrap();
    move_on(store, under_way.id, DuoState::Accepted, MentorSide, None, 3)
        .await
        .unwrap();
    let waiting = store
        .propose_duo(&new_duo(people[2], two.id, ft), at(4))
        .await
        .unwrap();
    let withdrawn = store.withdraw_mentor(two.id, at(6)).await.unwrap();
    assert_eq!(
        (withdrawn.withdrawn_at, withdrawn.open_duos),
        (Some(at(6)), 0)
    );
    let stopped = store.duo(under_way.id).await.unwrap().unwrap();
    assert_eq!(
        (
            stopped.state,
            stopped.stop_reason.as_deref(),
            stopped.ended_on
        ),
        (DuoState::Stopped, Some("consent_withdrawn"), Some(day(6)))
    );
    assert_eq!(
        store.duo(waiting.id).await.unwrap().unwrap().state,
        DuoState::Declined
    );
    conflict(
        store
            .propose_duo(&new_duo(people[3], two.id, ft), at(7))
            .await,
        "mentor_id",
    );
    conflict(store.withdraw_mentor(two.id, at(7)).await, "mentor");
    assert!(
        store
            .mentors_with_room(&[rome("F1702")])
            .await
            .unwrap()
            .is_empty()
    );
    let listed = store.mentors_of_agency(agency).await.unwrap();
    assert_eq!(
        listed.iter().map(|m| m.id).collect::<Vec<_>>(),
        [one.id, two.id]
    );
}

/// Twenty proposals at once for a mentor with two places: exactly two are stored.
pub async fn concurrent_proposals_never_exceed_a_mentors_places(db: &TestDb) {
    let store: Arc<dyn Store> = db.store.clone();
    let (ft, agency, people) = region(store.as_ref(), 20).await;
    let mentor = store
        .create_mentor(&new_mentor(agency, 2), at(1))
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for person in people {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            store
                .propose_duo(&new_duo(person, mentor.id, ft), at(2))
                .await
        }));
    }
    let mut proposed = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => proposed += 1,
            Err(err) => conflict::<()>(Err(err), "mentor_id"),
        }
    }
    assert_eq!(proposed, 2);
    assert_eq!(store.duos_of_mentor(mentor.id).await.unwrap().len(), 2);
    assert_eq!(store.mentor(mentor.id).await.unwrap().unwrap().open_duos, 2);
}

/// A won draw proposes the first of its candidates whose mentor has a place left, in the
/// same transaction, and stays won when none has; a lost one keeps no duo, and its person
/// gets none by a direct proposal either; a person in an open duo is not drawn; a person is
/// drawn once.
pub async fn a_person_is_drawn_once_and_a_won_draw_proposes_its_duo(db: &TestDb) {
    let store = db.store();
    let (ft, agency, people) = region(store, 2).await;
    let full = store
        .create_mentor(&new_mentor(agency, 1), at(1))
        .await
        .unwrap();
    let free = store
        .create_mentor(&new_mentor_named(agency, "Sonia", 1), at(1))
        .await
        .unwrap();
    let other = region_more(store, 5).await;
    store
        .propose_duo(&new_duo(other, full.id, ft), at(1))
        .await
        .unwrap();
    let draw = |person: i64, won: bool| NewDraw {
        job_seeker_id: person,
        coordinator_id: ft,
        rome: rome("F1703"),
        won,
        drawn_by: None,
    };
    let drawn = |person: i64, mentor: i64| NewDuo {
        drawn: true,
        ..new_duo(person, mentor, ft)
    };
    // In an open duo: not drawn, nothing kept.
    conflict(
        store
            .record_draw(&draw(other, true), &[drawn(other, free.id)], at(2))
            .await,
        "job_seeker_id",
    );
    // Won: the full mentor is passed over for the free one.
    let (won, duo) = store
        .record_draw(
            &draw(people[0], true),
            &[drawn(people[0], full.id), drawn(people[0], free.id)],
            at(2),
        )
        .await
        .unwrap();
    let duo = duo.unwrap();
    assert!(won.won && duo.duo.drawn);
    assert_eq!((won.duo_id, duo.duo.mentor_id), (Some(duo.id), free.id));
    // Won with every candidate full: a winner without a duo.
    let late = region_more(store, 6).await;
    let (won_alone, none) = store
        .record_draw(&draw(late, true), &[drawn(late, full.id)], at(2))
        .await
        .unwrap();
    assert!(won_alone.won && won_alone.duo_id.is_none() && none.is_none());
    // Lost: no duo, and none by a direct proposal either (the comparison group).
    let (lost, none) = store
        .record_draw(&draw(people[1], false), &[drawn(people[1], free.id)], at(2))
        .await
        .unwrap();
    assert!(!lost.won && none.is_none() && lost.duo_id.is_none());
    conflict(
        store
            .propose_duo(&new_duo(people[1], free.id, ft), at(3))
            .await,
        "job_seeker_id",
    );
    conflict(
        store.record_draw(&draw(people[1], true), &[], at(3)).await,
        "job_seeker_id",
    );
    let draws = store.draws().await.unwrap();
    assert_eq!(draws.len(), 3);
    assert_eq!(draws[2], lost);
}

/// Both sides saying yes at once: the duo is accepted, whichever comes first; its days are
/// never before its proposal; a duo stopped before it started has no start.
pub async fn both_yeses_at_once_accept_and_days_follow_the_proposal(db: &TestDb) {
    let store: Arc<dyn Store> = db.store.clone();
    let (ft, agency, people) = region(store.as_ref(), 2).await;
    let mentor = store
        .create_mentor(&new_mentor(agency, 2), at(1))
        .await
        .unwrap();
    let duo = store
        .propose_duo(&new_duo(people[0], mentor.id, ft), at(5))
        .await
        .unwrap();
    use workflow::Mover::{MentorSide, PersonSide};
    let mut tasks = Vec::new();
    for side in [MentorSide, PersonSide] {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            move_on(store.as_ref(), duo.id, DuoState::Accepted, side, None, 5).await
        }));
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(
        store.duo(duo.id).await.unwrap().unwrap().state,
        DuoState::Accepted
    );
    conflict(
        store
            .move_duo(duo.id, DuoState::Active, PersonSide, None, day(4), at(6))
            .await,
        "on",
    );
    let stopped = move_on(
        store.as_ref(),
        duo.id,
        DuoState::Stopped,
        MentorSide,
        Some("mentor_unavailable"),
        6,
    )
    .await
    .unwrap();
    assert_eq!(
        (stopped.state, stopped.started_on, stopped.ended_on),
        (DuoState::Stopped, None, Some(day(6)))
    );
    // Consent: none, none proposed; for the department only, not an agency of another.
    let unconsenting = region_more(store.as_ref(), 4).await;
    let refused = store
        .propose_duo(&new_duo(unconsenting, mentor.id, ft), at(7))
        .await;
    assert!(
        matches!(&refused, Err(StoreError::Invalid(m)) if m.starts_with("job_seeker_id")),
        "{refused:?}"
    );
    let change = |scope| ConsentChange {
        scope: Some(scope),
        channel: ConsentChannel::InPerson,
        disclosed: Vec::new(),
        shared_evaluations: vec![],
    };
    // Fixture 2 lives in Saint-Denis (93), as the agency: covered; fixture 1 in Paris (75).
    let paris = people[0];
    store
        .record_consent(
            paris,
            &change(ConsentScope::DepartmentAgencies),
            None,
            at(7),
        )
        .await
        .unwrap();
    let refused = store
        .propose_duo(&new_duo(paris, mentor.id, ft), at(7))
        .await;
    assert!(
        matches!(&refused, Err(StoreError::Invalid(m)) if m.contains("department")),
        "{refused:?}"
    );
    store
        .record_consent(paris, &change(ConsentScope::AllAgencies), None, at(8))
        .await
        .unwrap();
    store
        .propose_duo(&new_duo(paris, mentor.id, ft), at(8))
        .await
        .unwrap();
    // A temp worker volunteers once with an agency, by e-mail address, whatever its case.
    let mut twice = new_mentor(agency, 1);
    twice.email = Some(domain::Email::parse("karim@interim.fr").unwrap());
    store.create_mentor(&twice, at(2)).await.unwrap();
    twice.email = Some(domain::Email::parse("Karim@Interim.FR").unwrap());
    conflict(store.create_mentor(&twice, at(2)).await, "email");
}

/// The evaluation reads the people seeking an occupation (their department's commune,
/// registration, statuses held as bits, targets) and the hires recorded for anyone.
pub async fn the_evaluation_reads_its_population_and_the_recorded_hires(db: &TestDb) {
    let store = db.store();
    let (_, _, people) = region_of(store, &[1, 2, 3, 4]).await;
    // Fixtures 2 and 4 seek N1101 and N1103 in Saint-Denis; 2 holds RQTH, 4 RQTH too; 3
    // (long-term unemployed) and 1 seek J1501.
    let population = store.evaluation_population(&[rome("N1101")]).await.unwrap();
    let ids: Vec<i64> = population.iter().map(|p| p.id).collect();
    assert_eq!(ids, [people[1], people[3]]);
    assert_eq!(population[0].romes, ["N1101", "N1103"]);
    assert_eq!(
        (population[0].commune.as_str(), population[0].statuses),
        ("93066", 0b1)
    );
    let both = store
        .evaluation_population(&[rome("J1501"), rome("N1103")])
        .await
        .unwrap();
    assert_eq!(both.len(), 4);
    assert_eq!(both[2].statuses, 0b10, "{:?}", both[2]);
    assert!(store.evaluation_population(&[]).await.unwrap().is_empty());

    // A referral moved to hired counts on its start day; before `since`, not at all.
    store
        .upsert_offers(&[offer(1, &siret(3))], at(1))
        .await
        .unwrap();
    let offer = store
        .offer(&siret(3), &domain::ExternalId::parse("OFF-1").unwrap())
        .await
        .unwrap()
        .unwrap()
        .id;
    let referral = store
        .create_referral(people[0], offer, None, None, at(2))
        .await
        .unwrap();
    let moves = [
        (ReferralState::Proposed, ReferralState::Accepted, None),
        (ReferralState::Accepted, ReferralState::Interview, None),
        (
            ReferralState::Interview,
            ReferralState::Hired,
            Some(day(20)),
        ),
    ];
    for (from, to, starts) in moves {
        store
            .move_referral_plainly(referral.id, (from, to), starts, at(3))
            .await
            .unwrap();
    }
    assert_eq!(
        store.recorded_hires(day(1)).await.unwrap(),
        [(people[0], day(20))]
    );
    assert!(store.recorded_hires(day(21)).await.unwrap().is_empty());
}

/// Duos of the past are written whole: their state and days, contacts and outcomes; an
/// open one still takes one of its mentor's places, one over does not.
pub async fn past_duos_are_written_whole(db: &TestDb) {
    let store = db.store();
    let (ft, agency, people) = region(store, 3).await;
    let mentor = store
        .create_mentor(&new_mentor(agency, 1), at(1))
        .await
        .unwrap();
    let contact = |on: u32| NewContact {
        duo_id: 0,
        on: day(on),
        minutes: 60,
        kind: ContactKind::DayAlongside,
        note: None,
        logged_by: None,
    };
    let over = PastDuo {
        duo: new_duo(people[0], mentor.id, ft),
        state: DuoState::Completed,
        proposed_at: at(1),
        started_on: Some(day(2)),
        ended_on: Some(day(10)),
        stop_reason: None,
        contacts: vec![contact(2), contact(9)],
        outcomes: vec![(DuoMilestone::End, DuoOutcomeKind::Immersion, at(11))],
    };
    let active = PastDuo {
        duo: new_duo(people[1], mentor.id, ft),
        state: DuoState::Active,
        proposed_at: at(11),
        started_on: Some(day(12)),
        ended_on: None,
        stop_reason: None,
        contacts: vec![contact(12)],
        outcomes: Vec::new(),
    };
    let ids = store
        .record_past_duos(&[over, active.clone()])
        .await
        .unwrap();
    let first = store.duo(ids[0]).await.unwrap().unwrap();
    assert_eq!(
        (
            first.state,
            first.started_on,
            first.ended_on,
            first.last_contact_on
        ),
        (
            DuoState::Completed,
            Some(day(2)),
            Some(day(10)),
            Some(day(9))
        )
    );
    assert_eq!(store.contacts_of_duo(ids[0]).await.unwrap().len(), 2);
    let outcomes = store.outcomes_of_duo(ids[0]).await.unwrap();
    assert_eq!(
        (outcomes[0].milestone, outcomes[0].kind),
        (DuoMilestone::End, DuoOutcomeKind::Immersion)
    );
    let second = store.duo(ids[1]).await.unwrap().unwrap();
    assert_eq!(
        (second.state, second.started_on),
        (DuoState::Active, Some(day(12)))
    );
    // The mentor's one place is taken by the active duo: another open one is refused.
    let third = PastDuo {
        duo: new_duo(people[2], mentor.id, ft),
        ..active
    };
    conflict(store.record_past_duos(&[third]).await, "mentor_id");
}
