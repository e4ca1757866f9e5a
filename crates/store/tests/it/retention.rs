//! Retention and erasure: a sweep with the clock moved forward removes or anonymises exactly
//! what the rules say (a dry run nothing), the steering figures stay the same, an erasure is
//! refused naming what blocks it and done otherwise.

use chrono::{DateTime, Duration, Utc};
use model::indicators::Measure;
use model::retention::*;
use model::schemes::Scheme;
use model::training_plans::{NewTrainingPlan, PlanSide, PlanState};
use store::evaluations::{EvaluationKind, EvaluationRecord};
use store::*;
use testdb::TestDb;
use testdb::fixtures::*;

use crate::contract::{add_user, region_of};

/// What [`setup`] stored.
struct Setup {
    /// Fixture people 1 to 6: 1 with an accepted referral and a proposed training plan, 2
    /// with a referral declined with a note, 3 hired through a referral, 4 to 6 idle.
    people: Vec<i64>,
    referrals: [i64; 3],
    plan: i64,
    user: i64,
}

fn message(to: &str) -> NewMessage {
    NewMessage {
        recipient: to.to_string(),
        subject: "Réunion".to_string(),
        body: "Bonjour".to_string(),
        calendar: None,
    }
}

/// The request of `by` (with their account `user`, if an advisor) to erase `person`, filed
/// at `at(day)`.
async fn file_request(
    store: &dyn Store,
    person: i64,
    by: RequestedBy,
    user: Option<i64>,
    day: u32,
) -> Result<ErasureRequest, StoreError> {
    let request = NewErasureRequest {
        job_seeker_id: person,
        requested_by: by,
        requested_by_user: user,
    };
    store.file_erasure_request(&request, at(day)).await
}

/// Three years after the setup.
fn later() -> DateTime<Utc> {
    at(1) + Duration::days(3 * 365)
}

async fn setup(db: &TestDb) -> Setup {
    let store = db.store();
    let (_, _, people) = region_of(store, &[1, 2, 3, 4, 5, 6]).await;
    let offers: Vec<_> = (1..=3).map(|n| offer(n, &siret(3))).collect();
    store.upsert_offers(&offers, at(1)).await.unwrap();
    let mut stored = store.load_offers().await.unwrap();
    stored.sort_by_key(|o| o.id);
    let mut referrals = [0; 3];
    for (i, referral) in referrals.iter_mut().enumerate() {
        *referral = store
            .create_referral(people[i], stored[i].id, None, None, at(2))
            .await
            .unwrap()
            .id;
    }
    // 1: accepted, then a training plan proposed.
    store
        .move_referral_plainly(
            referrals[0],
            (ReferralState::Proposed, ReferralState::Accepted),
            None,
            at(3),
        )
        .await
        .unwrap();
    let plan = store
        .create_training_plan(
            &NewTrainingPlan {
                offer_id: stored[0].id,
                job_seeker_id: people[0],
                referral_id: referrals[0],
                scheme: Scheme::Poei,
                session_id: None,
                starts_on: date(2026, 3, 10),
                ends_on: date(2026, 3, 28),
                hours_centre: 0,
                hours_enterprise: 140,
                proposed_side: PlanSide::Offer,
                proposed_by: None,
            },
            at(4),
        )
        .await
        .unwrap()
        .id;
    // 2: declined, with a note.
    store
        .transition_referral(
            &TransitionRequest {
                note: Some("Ne souhaite pas travailler de nuit".to_string()),
                ..TransitionRequest::plain(
                    referrals[1],
                    ReferralState::Proposed,
                    ReferralState::Declined,
                )
            },
            None,
            at(3),
        )
        .await
        .unwrap();
    // 3: hired.
    for (from, to) in [
        (ReferralState::Proposed, ReferralState::Accepted),
        (ReferralState::Accepted, ReferralState::Interview),
        (ReferralState::Interview, ReferralState::Hired),
    ] {
        let starts = (to == ReferralState::Hired).then(|| date(2026, 3, 10));
        store
            .move_referral_plainly(referrals[2], (from, to), starts, at(5))
            .await
            .unwrap();
    }
    // Sessions: one expired at(3), one until 2030.
    let user = add_user(store, "camille@ft.fr", "Camille").await;
    let csrf = "c".repeat(64);
    store
        .create_session(user.id, &TokenHash::of_token("old"), &csrf, at(3), at(1))
        .await
        .unwrap();
    store
        .create_session(
            user.id,
            &TokenHash::of_token("long"),
            &csrf,
            later() + Duration::days(365),
            at(1),
        )
        .await
        .unwrap();
    // Tokens: one expired at(5), one revoked at(6), one for good.
    store
        .create_api_token(user.id, "a", &TokenHash::of_token("a"), Some(at(5)), at(1))
        .await
        .unwrap();
    let revoked = store
        .create_api_token(user.id, "b", &TokenHash::of_token("b"), None, at(1))
        .await
        .unwrap();
    store
        .revoke_api_token(revoked.id, Some(user.id), at(6))
        .await
        .unwrap();
    store
        .create_api_token(user.id, "c", &TokenHash::of_token("c"), None, at(1))
        .await
        .unwrap();
    // The outbox: two messages of the first day, one of ten days before the sweep.
    store
        .queue_message(&message("aicha.durand1@example.fr"), at(1))
        .await
        .unwrap();
    store
        .queue_message(&message("camille@ft.fr"), at(1))
        .await
        .unwrap();
    store
        .queue_message(&message("camille@ft.fr"), later() - Duration::days(10))
        .await
        .unwrap();
    // A read of person 2's record in the audit trail (which no erasure rewrites).
    store
        .append_audit(
            &NewAuditEvent {
                actor: Some(user.id),
                action: "job_seeker.read".to_string(),
                subject_kind: "job_seeker".to_string(),
                subject_id: Some(people[1]),
                detail: serde_json::json!({ "fields": "full" }),
            },
            at(6),
        )
        .await
        .unwrap();
    Setup {
        people,
        referrals,
        plan,
        user: user.id,
    }
}

/// Every steering measure over 2026, and the referral tallies.
async fn figures(
    store: &dyn Store,
) -> (
    Vec<Vec<model::indicators::MeasureRow>>,
    Vec<Tally>,
    Vec<HolderTally>,
) {
    let (since, until) = (date(2026, 1, 1), date(2027, 1, 1));
    let since = since.and_hms_opt(0, 0, 0).unwrap().and_utc();
    let until = until.and_hms_opt(0, 0, 0).unwrap().and_utc();
    let mut measures = Vec::new();
    for measure in Measure::ALL {
        measures.push(store.measure(measure, since, until).await.unwrap());
    }
    (
        measures,
        store.referral_tallies(ReferralScope::All).await.unwrap(),
        store.referral_holder_tallies().await.unwrap(),
    )
}

fn counts(report: &RetentionReport) -> Vec<(RecordKind, u64)> {
    report.counts.iter().map(|c| (c.kind, c.count)).collect()
}

pub async fn the_sweep_anonymises_and_deletes_what_the_rules_say(db: &TestDb) {
    let store = db.store();
    let s = setup(db).await;
    let before = figures(store).await;
    let total = |m: Measure| {
        before.0[Measure::ALL.iter().position(|x| *x == m).unwrap()]
            .iter()
            .map(|r| r.count)
            .sum::<u64>()
    };
    // 3 proposed, 2 of them of people holding a status (fixtures 2 and 3), 1 hired.
    assert_eq!(total(Measure::ReferralsProposed), 3);
    assert_eq!(total(Measure::PriorityReferralsProposed), 2);
    assert_eq!(total(Measure::ReferralsHired), 1);

    // Nothing is due a day after the setup but the expired session and tokens.
    let soon = store.sweep(at(7), true).await.unwrap();
    assert_eq!(
        counts(&soon),
        [
            (RecordKind::ClosedReferral, 0),
            (RecordKind::JobSeeker, 0),
            (RecordKind::Session, 1),
            (RecordKind::ApiToken, 2),
            (RecordKind::OutboxMessage, 0),
            (RecordKind::PersonPass, 0),
            (RecordKind::PersonSession, 0),
            (RecordKind::ConsentChange, 0),
            (RecordKind::StaffInvitation, 0),
        ]
    );

    // An invitation to a seat, accepted or not, goes thirty days after it expired.
    let agency = store
        .structure_by_siret(&siret(3))
        .await
        .unwrap()
        .unwrap()
        .id;
    store
        .invite_staff(
            &model::staff::NewStaffInvitation {
                structure_id: agency,
                role: Role::Recruiter,
                email: domain::Email::parse("lea@agence.fr").unwrap(),
                display_name: "Léa Roux".to_string(),
                token_hash: model::TokenHash::of_token("invitation"),
                invited_by: None,
                expires_at: at(8),
            },
            at(7),
        )
        .await
        .unwrap();

    // The first person's way into their own space: a code used, a link expired, a session
    // expired, and a code still valid.
    let pass = |n: &str| model::TokenHash::of_token(n);
    let kind = model::people::PassKind::Code;
    store
        .issue_pass(s.people[0], kind, &pass("used"), None, later(), at(7))
        .await
        .unwrap();
    store.use_pass(&pass("used"), at(8)).await.unwrap();
    store
        .issue_pass(s.people[0], kind, &pass("expired"), None, at(9), at(7))
        .await
        .unwrap();
    let valid = later() + chrono::Duration::days(3);
    store
        .issue_pass(s.people[0], kind, &pass("valid"), None, valid, at(7))
        .await
        .unwrap();
    store
        .create_person_session(s.people[0], &pass("session"), &"c".repeat(32), at(9), at(7))
        .await
        .unwrap();

    let expected = [
        (RecordKind::ClosedReferral, 2),
        (RecordKind::JobSeeker, 5),
        (RecordKind::Session, 1),
        (RecordKind::ApiToken, 2),
        (RecordKind::OutboxMessage, 2),
        (RecordKind::PersonPass, 2),
        (RecordKind::PersonSession, 1),
        // Written by the anonymisations of this very sweep: kept two days.
        (RecordKind::ConsentChange, 0),
        (RecordKind::StaffInvitation, 1),
    ];
    let dry = store.sweep(later(), true).await.unwrap();
    assert!(dry.dry_run);
    assert_eq!(counts(&dry), expected);
    // The dry run changed nothing.
    let second = store.job_seeker_by_id(s.people[1]).await.unwrap().unwrap();
    assert_eq!(second.record.first_name.as_str(), "Aïcha");
    assert_eq!(store.sweep(later(), true).await.unwrap().counts, dry.counts);

    let done = store.sweep(later(), false).await.unwrap();
    assert!(!done.dry_run);
    assert_eq!(counts(&done), expected);
    // Nothing left to do.
    assert_eq!(store.sweep(later(), false).await.unwrap().total(), 0);
    // Each anonymisation told the other instances through the change log; two days on, its
    // five lines go, and the valid code (its expiry past too) with them.
    let after = store
        .sweep(
            later() + chrono::Duration::days(3) + chrono::Duration::hours(1),
            false,
        )
        .await
        .unwrap();
    assert!(
        counts(&after).contains(&(RecordKind::ConsentChange, 5)),
        "{:?}",
        counts(&after)
    );
    assert!(
        counts(&after).contains(&(RecordKind::PersonPass, 1)),
        "{:?}",
        counts(&after)
    );

    // People 2 to 6 anonymised; 1 (an open referral and plan) kept whole.
    for (i, id) in s.people.iter().enumerate() {
        let person = store.job_seeker_by_id(*id).await.unwrap().unwrap();
        if i == 0 {
            assert_eq!(person.record.first_name.as_str(), "Aïcha");
            assert!(person.record.email.is_some());
            continue;
        }
        assert_eq!(person.record.first_name.as_str(), "Anonyme");
        assert_eq!(person.record.last_name.as_str(), "Anonyme");
        assert_eq!(person.record.external_id.as_str(), format!("ANON-{id}"));
        assert_eq!(person.record.email, None);
        assert_eq!(person.record.phone, None);
        assert_eq!(person.record.birth_date, None);
        assert_eq!(person.record.consent, None);
        // What the figures count stays.
        let fixture = job_seeker(i as u32 + 1, &siret(1));
        assert_eq!(person.record.commune, fixture.commune);
        assert_eq!(
            person.record.priorities.keys().collect::<Vec<_>>(),
            fixture.priorities.keys().collect::<Vec<_>>()
        );
        assert_eq!(person.record.registered_on, fixture.registered_on);
    }
    // The declined referral's note is gone, its moves stay.
    let log = store.referral_log(s.referrals[1]).await.unwrap();
    assert_eq!(log.len(), 2);
    assert!(log.iter().all(|t| t.note.is_none()));
    // The long session, the third token and the recent message stay.
    assert!(
        store
            .session(&TokenHash::of_token("long"), later())
            .await
            .unwrap()
            .is_some()
    );
    let tokens = store.api_tokens(s.user).await.unwrap();
    assert_eq!(
        tokens.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        ["c"]
    );
    assert_eq!(store.pending_messages(10).await.unwrap().len(), 1);

    // Every steering figure is the same.
    assert_eq!(figures(store).await, before);
    // A referral's log may have a note cleared, nothing else changed.
    for sql in [
        "UPDATE referral_transitions SET note = 'x'",
        "UPDATE referral_transitions SET to_state = 'hired'",
        "DELETE FROM audit_events",
    ] {
        crate::contract::assert_refused(db, sql).await;
    }
}

pub async fn an_erasure_is_refused_naming_its_blockers_and_done_otherwise(db: &TestDb) {
    let store = db.store();
    let s = setup(db).await;
    let audit_before = store.counts().await.unwrap().audit_events;

    // Person 1: an accepted referral and a proposed plan block it.
    let filed = file_request(store, s.people[0], RequestedBy::Advisor, Some(s.user), 6)
        .await
        .unwrap();
    assert_eq!(filed.state, ErasureState::Requested);
    let again = file_request(store, s.people[0], RequestedBy::Person, None, 6).await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    let blockers = vec![
        ErasureBlocker::TrainingPlan {
            plan_id: s.plan,
            state: PlanState::Proposed,
            ends_on: date(2026, 3, 28),
        },
        ErasureBlocker::OpenReferral {
            referral_id: s.referrals[0],
            last_move: at(3),
        },
    ];
    assert_eq!(
        store.erasure_blockers(s.people[0], at(7)).await.unwrap(),
        blockers
    );
    let refused = store
        .process_erasure_request(filed.id, s.user, at(7))
        .await
        .unwrap();
    assert_eq!(refused.request.state, ErasureState::Refused);
    assert_eq!(refused.request.blockers, blockers);
    assert_eq!(refused.request.processed_by, Some(s.user));
    assert_eq!(
        refused.recipient.as_deref(),
        Some("aicha.durand1@example.fr")
    );
    // 3 March + 31 days for the referral; the plan ends 28 March.
    assert_eq!(can_proceed_on(&blockers, 30), Some(date(2026, 4, 3)));
    let kept = store.job_seeker_by_id(s.people[0]).await.unwrap().unwrap();
    assert_eq!(kept.record.first_name.as_str(), "Aïcha");
    let twice = store.process_erasure_request(filed.id, s.user, at(8)).await;
    assert!(matches!(twice, Err(StoreError::Conflict(_))), "{twice:?}");

    // Person 2 (a declined referral with a note) asks: nothing blocks it.
    let filed = file_request(store, s.people[1], RequestedBy::Person, None, 8)
        .await
        .unwrap();
    let message_to_them = store
        .queue_message(&message("aicha.durand2@example.fr"), at(8))
        .await
        .unwrap();
    // An evaluation of them, shared: erased with them, and the engine's proof with it.
    let agency = store
        .structure_by_siret(&siret(1))
        .await
        .unwrap()
        .unwrap()
        .id;
    let evaluation = EvaluationRecord {
        kind: EvaluationKind::Caces,
        subject: "123698".to_string(),
        result: "obtained".to_string(),
        evaluated_on: date(2026, 1, 5),
        valid_until: None,
        issuer: "AFPA".to_string(),
    };
    store
        .record_evaluation(s.people[1], agency, None, &evaluation, at(8))
        .await
        .unwrap()
        .unwrap();
    let done = store
        .process_erasure_request(filed.id, s.user, at(9))
        .await
        .unwrap();
    assert_eq!(store.evaluations_of(s.people[1]).await.unwrap(), vec![]);
    assert_eq!(
        store.shared_evaluation_kinds(s.people[1]).await.unwrap(),
        vec![]
    );
    assert_eq!(done.request.state, ErasureState::Done);
    assert!(done.request.blockers.is_empty());
    assert_eq!(done.recipient.as_deref(), Some("aicha.durand2@example.fr"));
    let erased = store.job_seeker_by_id(s.people[1]).await.unwrap().unwrap();
    assert_eq!(erased.record.first_name.as_str(), "Anonyme");
    assert_eq!(erased.record.email, None);
    assert_eq!(erased.record.consent, None);
    assert!(
        store
            .referral_log(s.referrals[1])
            .await
            .unwrap()
            .iter()
            .all(|t| t.note.is_none())
    );
    assert_eq!(store.outbox_message(message_to_them).await.unwrap(), None);
    // The audit trail is not rewritten.
    assert_eq!(store.counts().await.unwrap().audit_events, audit_before);
    let events = store.audit_events(0, 10).await.unwrap();
    assert_eq!(
        events
            .iter()
            .map(|e| (e.event.action.as_str(), e.event.subject_id))
            .collect::<Vec<_>>(),
        [("job_seeker.read", Some(s.people[1]))]
    );

    // The queue: none pending, the newest first.
    let listed = store.erasure_requests(None).await.unwrap();
    assert_eq!(
        listed.iter().map(|r| r.state).collect::<Vec<_>>(),
        [ErasureState::Done, ErasureState::Refused]
    );
    assert_eq!(
        store
            .erasure_requests(Some(ErasureState::Refused))
            .await
            .unwrap()
            .len(),
        1
    );
    // A person unknown.
    assert!(matches!(
        store.erasure_blockers(999_999, at(9)).await,
        Err(StoreError::NotFound(_))
    ));
}
