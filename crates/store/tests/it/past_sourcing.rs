//! A year of sourcing written whole: past referrals in the state of their last move with
//! their log as the workflow would have written it, refused whole when one could not have
//! happened; past joint meetings with their invitations, registrations and attendance.

use chrono::Duration;
use store::workflow::Mover;
use store::*;
use testdb::TestDb;
use testdb::fixtures::*;

use crate::contract::{add_user, ft_and_agency, ft_and_two_agencies};

fn step(to: ReferralState, by: Mover, day: u32) -> PastMove {
    PastMove::new(to, by, at(day))
}

/// Referrals of the past: a hire, an expiry and a refusal read back with their logs, the
/// month tallies reading their last move's day; an impossible chain or a second proposal of
/// the same person for the same offer refuses the whole batch.
pub async fn past_referrals_are_written_whole_with_their_log(db: &TestDb) {
    let store = db.store();
    ft_and_agency(store).await;
    let people: Vec<_> = [1, 2, 3]
        .iter()
        .map(|n| job_seeker(*n, &siret(1)))
        .collect();
    store.upsert_job_seekers(&people, at(1)).await.unwrap();
    let offers: Vec<_> = [1, 2].iter().map(|n| offer(*n, &siret(3))).collect();
    store.upsert_offers(&offers, at(1)).await.unwrap();
    let people = store.load_job_seekers().await.unwrap();
    let offers = store.load_offers().await.unwrap();
    let (person, offer) = (|i: usize| people[i].id, |i: usize| offers[i].id);

    let mut hire = step(ReferralState::Hired, Mover::OfferSide, 9);
    hire.hire_starts_on = Some(date(2026, 3, 16));
    let hired = PastReferral {
        job_seeker_id: person(0),
        offer_id: offer(0),
        proposed_by: None,
        proposed_at: at(2),
        moves: vec![
            step(ReferralState::Accepted, Mover::PersonSide, 3),
            step(ReferralState::Interview, Mover::OfferSide, 5),
            hire,
        ],
    };
    let mut expiry = step(ReferralState::Expired, Mover::System, 1);
    expiry.at = at(2) + Duration::days(30);
    expiry.note = Some("no move for 30 days".to_string());
    let expired = PastReferral {
        job_seeker_id: person(1),
        offer_id: offer(0),
        proposed_by: None,
        proposed_at: at(2),
        moves: vec![expiry],
    };
    let mut refusal = step(ReferralState::NotHired, Mover::OfferSide, 12);
    refusal.not_hired_reason = Some("profile_mismatch".to_string());
    let refused = PastReferral {
        job_seeker_id: person(0),
        offer_id: offer(1),
        proposed_by: None,
        proposed_at: at(4),
        moves: vec![
            step(ReferralState::Accepted, Mover::PersonSide, 5),
            step(ReferralState::Interview, Mover::OfferSide, 8),
            refusal,
        ],
    };
    let open = PastReferral {
        job_seeker_id: person(2),
        offer_id: offer(1),
        proposed_by: None,
        proposed_at: at(20),
        moves: Vec::new(),
    };
    let batch = [
        hired.clone(),
        expired.clone(),
        refused.clone(),
        open.clone(),
    ];
    let ids = store.record_past_referrals(&batch).await.unwrap();
    assert_eq!(ids.len(), 4);

    for (id, past) in ids.iter().zip(&batch) {
        let stored = store.referral(*id).await.unwrap().unwrap();
        assert_eq!(
            (stored.job_seeker_id, stored.offer_id),
            (past.job_seeker_id, past.offer_id)
        );
        assert_eq!(stored.state, past.state());
        assert_eq!(stored.created_at, past.proposed_at);
        assert_eq!(stored.updated_at, past.updated_at());
        assert_eq!(stored.hire_starts_on, past.hire_starts_on());
        assert_eq!(stored.not_hired_reason.as_deref(), past.not_hired_reason());
        // The log: the proposal, then each move from the state before it.
        let log = store.referral_log(*id).await.unwrap();
        assert_eq!(log.len(), past.moves.len() + 1);
        assert_eq!((log[0].from, log[0].to), (None, ReferralState::Proposed));
        assert_eq!(log[0].at, past.proposed_at);
        let mut from = ReferralState::Proposed;
        for (line, m) in log[1..].iter().zip(&past.moves) {
            assert_eq!((line.from, line.to, line.at), (Some(from), m.to, m.at));
            assert_eq!(line.note, m.note);
            assert_eq!(line.by, None);
            from = m.to;
        }
    }
    // What the expiry sweep looks at, and the month tallies, read the last move's day.
    let idle = store.referrals_idle_since(at(28)).await.unwrap();
    assert_eq!(idle.iter().map(|r| r.id).collect::<Vec<_>>(), vec![ids[3]]);
    let tallies = store.referral_tallies(ReferralScope::All).await.unwrap();
    let expired_tally = tallies
        .iter()
        .find(|t| t.state == "expired")
        .expect("the expired referral is counted");
    assert_eq!(
        (
            expired_tally.month.as_str(),
            expired_tally.changed_month.as_str()
        ),
        ("2026-03", "2026-04")
    );

    // Refused whole: a move the workflow does not allow, or a person proposed twice.
    let before = store.counts().await.unwrap();
    let skipped = PastReferral {
        job_seeker_id: person(1),
        offer_id: offer(1),
        proposed_by: None,
        proposed_at: at(2),
        moves: vec![step(ReferralState::Interview, Mover::OfferSide, 3)],
    };
    match store
        .record_past_referrals(std::slice::from_ref(&skipped))
        .await
    {
        Err(StoreError::Invalid(message)) => {
            assert!(message.starts_with("referrals[0].moves[0]: "), "{message}")
        }
        other => panic!("expected an impossible move refused, got {other:?}"),
    }
    let fine = PastReferral {
        moves: Vec::new(),
        ..skipped
    };
    match store.record_past_referrals(&[fine, hired]).await {
        Err(StoreError::Duplicate { field, .. }) => assert_eq!(field, "job_seeker_id"),
        other => panic!("expected a second proposal refused, got {other:?}"),
    }
    assert_eq!(store.counts().await.unwrap(), before, "nothing written");
    assert_eq!(
        store.record_past_referrals(&[]).await.unwrap(),
        Vec::<i64>::new()
    );
}

/// A joint meeting of the past: its gathering with its attendance closed, the structures
/// invited, the registrations in their order with their seats and attendance.
pub async fn past_meetings_are_written_whole_with_their_attendance(db: &TestDb) {
    let store = db.store();
    let [ft, agency, other] = ft_and_two_agencies(store).await;
    let advisor = add_user(store, "referente@francetravail.fr", "Référente").await;
    let recruiter = add_user(store, "recruteur@agence.fr", "Recruteur").await;
    let late = add_user(store, "autre@agence.fr", "Autre").await;
    let starts_at = at(10);
    let ends_at = starts_at + Duration::hours(2);
    let registration =
        |user: i64, structure: i64, seat: Seat, attendance, day: u32| PastRegistration {
            participant: Participant::User(user),
            structure_id: structure,
            modality: Modality::OnSite,
            seat,
            attendance,
            registered_at: at(day),
            changed_at: if attendance.is_some() {
                at(12)
            } else {
                at(day)
            },
        };
    let past = PastMeeting {
        meeting: NewMeeting {
            organiser: ft,
            theme: "Présentation croisée des offres de service".to_string(),
            starts_at,
            ends_at,
            place: Some("France Travail Saint-Denis, salle de réunion".to_string()),
            online_link: None,
            capacity_on_site: 1,
            capacity_remote: 0,
            territory: "93".to_string(),
            created_by: None,
        },
        invited: vec![other, agency, agency],
        created_at: at(1),
        attendance_closed_at: Some(at(12)),
        registrations: vec![
            registration(
                advisor.id,
                ft,
                Seat::Registered,
                Some(Attendance::Present),
                1,
            ),
            registration(recruiter.id, agency, Seat::Cancelled, None, 3),
            registration(late.id, other, Seat::Waiting, None, 4),
        ],
    };
    let upcoming = PastMeeting {
        meeting: NewMeeting {
            starts_at: at(27),
            ends_at: at(27) + Duration::hours(2),
            online_link: Some("https://visio.exemple.invalid/reunion".to_string()),
            capacity_remote: 20,
            ..past.meeting.clone()
        },
        invited: Vec::new(),
        created_at: at(20),
        attendance_closed_at: None,
        registrations: Vec::new(),
    };
    let ids = store
        .record_past_meetings(&[past.clone(), upcoming.clone()])
        .await
        .unwrap();
    assert_eq!(ids.len(), 2);
    let meeting = store.meeting(ids[0]).await.unwrap().unwrap();
    assert_eq!(meeting.meeting, past.meeting);
    assert_eq!(meeting.invited, vec![agency, other]);
    assert_eq!(meeting.created_at, at(1));
    let gathering = store
        .gathering(meeting.gathering_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(gathering.attendance_closed_at, Some(at(12)));
    let registrations = store
        .gathering_registrations(meeting.gathering_id)
        .await
        .unwrap();
    // Read back as they were written, to the day of each change.
    let read: Vec<PastRegistration> = registrations
        .iter()
        .map(|r| PastRegistration {
            participant: r.participant,
            structure_id: r.structure_id,
            modality: r.modality,
            seat: r.seat,
            attendance: r.attendance,
            registered_at: r.registered_at,
            changed_at: r.changed_at,
        })
        .collect();
    assert_eq!(read, past.registrations);
    let coming = store.meeting(ids[1]).await.unwrap().unwrap();
    assert_eq!(coming.meeting, upcoming.meeting);
    assert!(coming.invited.is_empty());
    assert_eq!(
        store
            .gathering(coming.gathering_id)
            .await
            .unwrap()
            .unwrap()
            .attendance_closed_at,
        None
    );
    // The meetings to come, as the pages list them.
    let from = store.meetings_from(at(20)).await.unwrap();
    assert_eq!(from.iter().map(|m| m.id).collect::<Vec<_>>(), vec![ids[1]]);
}
