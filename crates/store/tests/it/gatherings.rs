//! Gatherings and the outbox: seats up to the capacity of each modality (under concurrency
//! too), a waiting list promoted in order, attendance once it is over, reminders taken once,
//! messages queued and marked.

use std::sync::Arc;

use store::*;
use testdb::TestDb;
use testdb::fixtures::*;

use crate::contract::{add_structures, add_user, assert_refused, ft_and_two_agencies, region_of};

fn two_hours_on(day: u32, on_site: u32, remote: u32) -> NewGathering {
    NewGathering {
        starts_at: at(day),
        ends_at: at(day) + chrono::Duration::hours(2),
        capacity_on_site: on_site,
        capacity_remote: remote,
    }
}

/// The people of fixtures 1 to 4 of [`region_of`], and an action of `kind` by its France
/// Travail agency with its agency, for N1103 in Saint-Denis, created at `at(2)` with nothing
/// more than its title and a gathering on day 20 with `on_site` seats: the agencies' ids, the
/// people's and the action.
async fn region_and_action(
    store: &dyn Store,
    kind: ActionKind,
    title: &str,
    on_site: u32,
) -> (i64, i64, Vec<i64>, Action) {
    let (ft, agency, people) = region_of(store, &[1, 2, 3, 4]).await;
    let new = NewAction {
        kind,
        title: title.to_string(),
        description: String::new(),
        lead: ft,
        partners: vec![agency],
        offers: Vec::new(),
        romes: vec![domain::RomeCode::parse("N1103").unwrap()],
        commune: Some(domain::InseeCode::parse("93066").unwrap()),
        address: None,
        online_link: None,
        prerequisites: Vec::new(),
        public_tags: Vec::new(),
        gathering: two_hours_on(20, on_site, 0),
        created_by: None,
    };
    let action = store.create_action(&new, at(2)).await.unwrap();
    (ft, agency, people, action)
}

/// The answer `to` of `by` to an invitation, for a seat on site, at `at(day)`.
async fn answer(
    store: &dyn Store,
    id: i64,
    to: InvitationState,
    by: workflow::Mover,
    day: u32,
) -> Result<Invitation, StoreError> {
    store
        .move_invitation(id, to, by, Modality::OnSite, at(day))
        .await
}

/// `person` invited to `action` by `agency`, to answer by `at(deadline)`, for no offer.
fn invitation(action: i64, person: i64, agency: i64, deadline: u32) -> NewInvitation {
    NewInvitation {
        action_id: action,
        job_seeker_id: person,
        offer_id: None,
        agency_id: agency,
        deadline: at(deadline),
        created_by: None,
    }
}

/// Two seats on site, one remote: the third on site waits, a seat given up goes to the first
/// who waited in that modality (not to the remote one), a registration given up may be taken
/// again at the back, nothing moves once it has started, and attendance is closed only once
/// every seated participant's is recorded after the end.
pub async fn gatherings_seat_wait_promote_and_record_attendance(db: &TestDb) {
    let store = db.store();
    let [agency] = add_structures(store, [(3, StructureKind::AgenceEmploi)]).await;
    let gathering = store
        .create_gathering(&two_hours_on(20, 2, 1))
        .await
        .unwrap();
    let mut users = Vec::new();
    for n in 0..6 {
        users.push(add_user(store, &format!("u{n}@agence.fr"), &format!("U{n}")).await);
    }
    let register = |n: usize, modality: Modality, day: u32| {
        let participant = Participant::User(users[n].id);
        async move {
            store
                .register(gathering.id, participant, agency, modality, at(day))
                .await
        }
    };
    let seats: Vec<Seat> = vec![
        register(0, Modality::OnSite, 2).await.unwrap().seat,
        register(1, Modality::OnSite, 3).await.unwrap().seat,
        register(2, Modality::OnSite, 4).await.unwrap().seat,
        register(3, Modality::OnSite, 5).await.unwrap().seat,
        register(4, Modality::Remote, 5).await.unwrap().seat,
        register(5, Modality::Remote, 6).await.unwrap().seat,
    ];
    use Seat::{Registered as R, Waiting as W};
    assert_eq!(seats, [R, R, W, W, R, W]);
    // The first on site gives up: the third (waiting since day 4) takes the seat.
    let all = store.gathering_registrations(gathering.id).await.unwrap();
    let first = all[0].id;
    let seated = store
        .cancel_registration(first, workflow::Mover::Participant, at(7))
        .await
        .unwrap();
    assert_eq!(seated.registration.seat, Seat::Cancelled);
    let promoted = seated.promoted.unwrap();
    assert_eq!(
        (promoted.participant, promoted.seat, promoted.changed_at),
        (Participant::User(users[2].id), R, at(7))
    );
    // Giving up a place on the waiting list promotes nobody; twice is refused.
    let fourth = all[3].id;
    let seated = store
        .cancel_registration(fourth, workflow::Mover::Organiser, at(8))
        .await
        .unwrap();
    assert_eq!(seated.promoted, None);
    assert!(matches!(
        store
            .cancel_registration(fourth, workflow::Mover::Organiser, at(8))
            .await,
        Err(StoreError::Conflict(_))
    ));
    // The system does not give up anyone's seat.
    assert!(
        store
            .cancel_registration(all[1].id, workflow::Mover::System, at(8))
            .await
            .is_err()
    );
    // Taken again: at the back of the list (both on-site seats are taken).
    let again = register(0, Modality::OnSite, 9).await.unwrap();
    assert_eq!(
        (again.id, again.seat, again.registered_at),
        (first, W, at(9))
    );
    // A modality the gathering does not hold, an unknown gathering.
    let other = store
        .create_gathering(&two_hours_on(21, 0, 5))
        .await
        .unwrap();
    assert!(matches!(
        store
            .register(other.id, Participant::User(users[0].id), agency, Modality::OnSite, at(9))
            .await,
        Err(StoreError::Invalid(message)) if message.starts_with("modality:")
    ));
    assert!(matches!(
        store
            .register(
                424_242,
                Participant::User(users[0].id),
                agency,
                Modality::OnSite,
                at(9)
            )
            .await,
        Err(StoreError::NotFound(_))
    ));
    // Once started, nobody registers or gives up.
    assert!(matches!(
        register(3, Modality::Remote, 20).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(
        store
            .cancel_registration(all[1].id, workflow::Mover::Participant, at(20))
            .await
            .is_err()
    );
    // Attendance: not before the end, not for one waiting; closing needs everyone seated.
    let seated: Vec<GatheringRegistration> = store
        .gathering_registrations(gathering.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.seat == R)
        .collect();
    assert_eq!(seated.len(), 3);
    let end = at(20) + chrono::Duration::hours(2);
    assert!(
        store
            .record_attendance(
                seated[0].id,
                Attendance::Present,
                end - chrono::Duration::minutes(1)
            )
            .await
            .is_err()
    );
    assert!(store.close_attendance(gathering.id, at(20)).await.is_err());
    assert_eq!(
        store
            .attendance_due(&[gathering.id, other.id], end)
            .await
            .unwrap(),
        vec![gathering.clone()]
    );
    let waiting = store
        .gathering_registrations(gathering.id)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.seat == W)
        .unwrap();
    assert!(matches!(
        store.record_attendance(waiting.id, Attendance::Absent, end).await,
        Err(StoreError::Conflict(message)) if message.starts_with("attendance:")
    ));
    for (registration, attendance) in seated
        .iter()
        .zip([Attendance::Present, Attendance::Excused])
    {
        store
            .record_attendance(registration.id, attendance, end)
            .await
            .unwrap();
    }
    assert!(matches!(
        store.close_attendance(gathering.id, end).await,
        Err(StoreError::Conflict(message)) if message.contains("1 seated participant")
    ));
    store
        .record_attendance(seated[2].id, Attendance::Absent, end)
        .await
        .unwrap();
    let closed = store.close_attendance(gathering.id, end).await.unwrap();
    assert_eq!(closed.attendance_closed_at, Some(end));
    assert!(
        store
            .record_attendance(seated[2].id, Attendance::Present, end)
            .await
            .is_err(),
        "closed"
    );
    assert!(
        store
            .attendance_due(&[gathering.id], end)
            .await
            .unwrap()
            .is_empty()
    );
    assert_refused(db, "UPDATE gatherings SET capacity_on_site = -1").await;
}

/// Thirty people register at once for ten seats: exactly ten are seated, twenty wait.
pub async fn concurrent_registrations_never_exceed_capacity(db: &TestDb) {
    let store: Arc<dyn Store> = db.store.clone();
    let [agency] = add_structures(store.as_ref(), [(3, StructureKind::AgenceEmploi)]).await;
    let gathering = store
        .create_gathering(&two_hours_on(20, 10, 0))
        .await
        .unwrap();
    let mut users = Vec::new();
    for n in 0..30 {
        users.push(add_user(store.as_ref(), &format!("p{n}@agence.fr"), &format!("P{n}")).await);
    }
    let mut tasks = Vec::new();
    for user in &users {
        let store: Arc<dyn Store> = store.clone();
        let participant = Participant::User(user.id);
        tasks.push(tokio::spawn(async move {
            store
                .register(gathering.id, participant, agency, Modality::OnSite, at(3))
                .await
        }));
    }
    let mut seats = Vec::new();
    for task in tasks {
        seats.push(task.await.unwrap().unwrap().seat);
    }
    let seated = seats.iter().filter(|s| **s == Seat::Registered).count();
    assert_eq!((seated, seats.len() - seated), (10, 20));
    let stored = store.gathering_registrations(gathering.id).await.unwrap();
    assert_eq!(
        stored.iter().filter(|r| r.seat == Seat::Registered).count(),
        10
    );
    // Ten give up at once: ten of the waiting are promoted, never more.
    let mut tasks = Vec::new();
    for registration in stored.iter().filter(|r| r.seat == Seat::Registered) {
        let store: Arc<dyn Store> = store.clone();
        let id = registration.id;
        tasks.push(tokio::spawn(async move {
            store
                .cancel_registration(id, workflow::Mover::Participant, at(4))
                .await
        }));
    }
    let mut promoted = 0;
    for task in tasks {
        promoted += usize::from(task.await.unwrap().unwrap().promoted.is_some());
    }
    assert_eq!(promoted, 10);
    let stored = store.gathering_registrations(gathering.id).await.unwrap();
    let count = |seat: Seat| stored.iter().filter(|r| r.seat == seat).count();
    assert_eq!(
        (
            count(Seat::Registered),
            count(Seat::Waiting),
            count(Seat::Cancelled)
        ),
        (10, 10, 10)
    );
}

/// Reminders are taken once, for the seated participants of gatherings starting soon; messages
/// are queued, failed (kept pending, their error kept) and sent.
pub async fn reminders_are_taken_once_and_messages_marked(db: &TestDb) {
    let store = db.store();
    let [agency] = add_structures(store, [(3, StructureKind::AgenceEmploi)]).await;
    let soon = store
        .create_gathering(&two_hours_on(10, 1, 0))
        .await
        .unwrap();
    let later = store
        .create_gathering(&two_hours_on(20, 1, 0))
        .await
        .unwrap();
    let a = add_user(store, "a@agence.fr", "A").await;
    let b = add_user(store, "b@agence.fr", "B").await;
    for gathering in [&soon, &later] {
        for user in [&a, &b] {
            store
                .register(
                    gathering.id,
                    Participant::User(user.id),
                    agency,
                    Modality::OnSite,
                    at(2),
                )
                .await
                .unwrap();
        }
    }
    // Day 9: the first gathering starts within two days; its one seated participant (a).
    let due = store
        .take_reminders(at(9), chrono::Duration::days(2))
        .await
        .unwrap();
    assert_eq!(
        due.iter()
            .map(|r| (r.gathering_id, r.participant, r.reminded_at))
            .collect::<Vec<_>>(),
        vec![(soon.id, Participant::User(a.id), Some(at(9)))]
    );
    assert!(
        store
            .take_reminders(at(9), chrono::Duration::days(2))
            .await
            .unwrap()
            .is_empty()
    );

    let message = NewMessage {
        recipient: "a@agence.fr".to_string(),
        subject: "Rappel : job dating".to_string(),
        body: "Bonjour,\n…".to_string(),
        calendar: Some("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n".to_string()),
    };
    let id = store.queue_message(&message, at(9)).await.unwrap();
    let pending = store.pending_messages(10).await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(
        (
            &pending[0].message,
            pending[0].attempts,
            pending[0].queued_at
        ),
        (&message, 0, at(9))
    );
    store
        .message_sent(id, Err("connection refused".to_string()), at(9))
        .await
        .unwrap();
    let failed = store.outbox_message(id).await.unwrap().unwrap();
    assert_eq!(
        (
            failed.sent_at,
            failed.attempts,
            failed.last_error.as_deref()
        ),
        (None, 1, Some("connection refused"))
    );
    store.message_sent(id, Ok(()), at(10)).await.unwrap();
    assert!(store.pending_messages(10).await.unwrap().is_empty());
    let sent = store.outbox_message(id).await.unwrap().unwrap();
    assert_eq!(
        (sent.sent_at, sent.attempts, sent.last_error),
        (Some(at(10)), 2, None)
    );
    assert!(matches!(
        store.message_sent(id, Ok(()), at(11)).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(
        store
            .queue_message(
                &NewMessage {
                    recipient: String::new(),
                    ..message
                },
                at(9)
            )
            .await
            .is_err()
    );
}

/// A co-organised action is created a draft with its gathering, co-organisers, offers and
/// occupations, listed for each of its organisers, and moved as the workflow and its time
/// allow: published before it starts, held once started, closed once its attendance is.
pub async fn actions_are_created_listed_and_moved(db: &TestDb) {
    let store = db.store();
    let [ft, agency, other] = ft_and_two_agencies(store).await;
    let report = store
        .upsert_offers(&[offer(1, &siret(3)), offer(2, &siret(3))], at(1))
        .await
        .unwrap();
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    let offers: Vec<i64> = store
        .offers_of_structure(agency)
        .await
        .unwrap()
        .iter()
        .map(|o| o.id)
        .collect();
    let new = NewAction {
        kind: ActionKind::JobDating,
        title: "Job dating de la logistique".to_string(),
        description: "Caristes et préparateurs de commandes : rencontrez les agences.".to_string(),
        lead: ft,
        partners: vec![agency, agency],
        offers: offers.clone(),
        romes: vec![
            domain::RomeCode::parse("N1103").unwrap(),
            domain::RomeCode::parse("N1101").unwrap(),
        ],
        commune: Some(domain::InseeCode::parse("93066").unwrap()),
        address: Some("France Travail Saint-Denis, salle 2".to_string()),
        online_link: None,
        prerequisites: vec!["CACES R489 souhaité".to_string()],
        public_tags: vec![
            PublicTag::OpenToDisabledWorkers,
            PublicTag::BeginnersWelcome,
        ],
        gathering: two_hours_on(20, 40, 0),
        created_by: None,
    };
    let action = store.create_action(&new, at(2)).await.unwrap();
    assert_eq!(action.state, ActionState::Draft);
    assert_eq!(action.action.partners, vec![agency]);
    assert_eq!(
        action
            .action
            .romes
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>(),
        ["N1101", "N1103"]
    );
    assert_eq!(store.action(action.id).await.unwrap(), Some(action.clone()));
    assert_eq!(store.action(424_242).await.unwrap(), None);
    // Its gathering is a gathering like any other.
    let gathering = store.gathering(action.gathering_id).await.unwrap().unwrap();
    assert_eq!(gathering.gathering, new.gathering);
    for (structure, listed) in [(ft, 1), (agency, 1), (other, 0)] {
        assert_eq!(
            store.actions_of_structure(structure).await.unwrap().len(),
            listed,
            "structure {structure}"
        );
    }
    assert!(action.is_organised_by(ft) && action.is_organised_by(agency));
    assert!(!action.is_organised_by(other));
    let organiser = workflow::Mover::Organiser;
    // Held before it is published, or before it starts: refused.
    assert!(matches!(
        store
            .move_action(action.id, ActionState::Held, organiser, at(3))
            .await,
        Err(StoreError::Conflict(_))
    ));
    let published = store
        .move_action(action.id, ActionState::Published, organiser, at(3))
        .await
        .unwrap();
    assert_eq!(
        (published.state, published.changed_at),
        (ActionState::Published, at(3))
    );
    assert!(matches!(
        store.move_action(action.id, ActionState::Held, workflow::Mover::System, at(19)).await,
        Err(StoreError::Conflict(message)) if message.contains("once it has started")
    ));
    store
        .move_action(
            action.id,
            ActionState::Held,
            workflow::Mover::System,
            at(20),
        )
        .await
        .unwrap();
    // Closed once its attendance is: nobody registered, so it closes at once.
    assert!(
        store
            .move_action(action.id, ActionState::Closed, organiser, at(21))
            .await
            .is_err()
    );
    store
        .close_attendance(action.gathering_id, at(21))
        .await
        .unwrap();
    let closed = store
        .move_action(action.id, ActionState::Closed, organiser, at(21))
        .await
        .unwrap();
    assert_eq!(closed.state, ActionState::Closed);
    assert!(
        store
            .move_action(action.id, ActionState::Cancelled, organiser, at(22))
            .await
            .is_err(),
        "closed is final"
    );
    // A draft is cancelled; one published after its start is refused.
    let late = store
        .create_action(
            &NewAction {
                gathering: two_hours_on(5, 10, 0),
                ..new.clone()
            },
            at(2),
        )
        .await
        .unwrap();
    assert!(
        store
            .move_action(late.id, ActionState::Published, organiser, at(6))
            .await
            .is_err()
    );
    assert_eq!(
        store
            .move_action(late.id, ActionState::Cancelled, organiser, at(6))
            .await
            .unwrap()
            .state,
        ActionState::Cancelled
    );
    // Listed from a time, the soonest first, whatever their state.
    let ids = |actions: Vec<Action>| actions.iter().map(|a| a.id).collect::<Vec<_>>();
    assert_eq!(
        ids(store.actions_from(at(0)).await.unwrap()),
        [late.id, action.id]
    );
    assert_eq!(ids(store.actions_from(at(6)).await.unwrap()), [action.id]);
    assert!(store.actions_from(at(21)).await.unwrap().is_empty());
    // The schema: a kind it does not know, an action nowhere.
    assert_refused(db, "UPDATE actions SET kind = 'party'").await;
    assert_refused(
        db,
        "UPDATE actions SET commune_code = NULL, online_link = NULL",
    )
    .await;
}

/// Invitations to an action: stored once per person and action, counted per person since a
/// day (those withdrawn left out), an agency's open ones first; answered as the workflow
/// allows and before the deadline; an accepted one registers the person (a seat, or the
/// waiting list when the seats are taken) in the same transaction; the unanswered expire.
pub async fn invitations_are_answered_and_an_accepted_one_registers_the_person(db: &TestDb) {
    let store = db.store();
    // One seat on site: the second to accept waits.
    let (ft, agency, people, action) =
        region_and_action(store, ActionKind::Mrs, "Session MRS", 1).await;
    let new = |person: i64, deadline: u32| invitation(action.id, person, ft, deadline);
    let stored = store
        .create_invitations(
            &[
                new(people[0], 10),
                new(people[1], 10),
                new(people[2], 10),
                new(people[3], 4),
            ],
            at(3),
        )
        .await
        .unwrap();
    assert_eq!(stored.len(), 4);
    assert!(stored.iter().all(|i| i.state == InvitationState::Proposed));
    // Drawn again: nobody is invited twice to the same action.
    let again = store
        .create_invitations(&[new(people[0], 10)], at(3))
        .await
        .unwrap();
    assert!(again.is_empty());
    assert_eq!(
        store.invitations_of_action(action.id).await.unwrap(),
        stored
    );
    assert_eq!(
        store.invitation(stored[1].id).await.unwrap().as_ref(),
        Some(&stored[1])
    );
    let mut counts = store.invitations_since(at(3)).await.unwrap();
    counts.sort_unstable();
    assert_eq!(counts, people.iter().map(|p| (*p, 1)).collect::<Vec<_>>());
    assert!(store.invitations_since(at(4)).await.unwrap().is_empty());
    let person = workflow::Mover::PersonSide;
    // Relayed, then accepted: the person takes the seat.
    answer(store, stored[0].id, InvitationState::Relayed, person, 5)
        .await
        .unwrap();
    let accepted = answer(store, stored[0].id, InvitationState::Accepted, person, 5)
        .await
        .unwrap();
    let registration = store
        .gathering_registration(accepted.registration_id.unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            registration.participant,
            registration.seat,
            registration.structure_id
        ),
        (Participant::JobSeeker(people[0]), Seat::Registered, ft)
    );
    // The second to accept waits; the organisers cannot answer for a person.
    assert!(matches!(
        answer(
            store,
            stored[1].id,
            InvitationState::Accepted,
            workflow::Mover::Organiser,
            5
        )
        .await,
        Err(StoreError::Conflict(_))
    ));
    let waiting = answer(store, stored[1].id, InvitationState::Accepted, person, 5)
        .await
        .unwrap();
    let registration = store
        .gathering_registration(waiting.registration_id.unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(registration.seat, Seat::Waiting);
    // Accepted is final; an answer past the deadline is refused.
    assert!(
        answer(store, stored[0].id, InvitationState::Declined, person, 6)
            .await
            .is_err()
    );
    assert!(matches!(
        answer(store, stored[3].id, InvitationState::Accepted, person, 5).await,
        Err(StoreError::Conflict(message)) if message.contains("deadline")
    ));
    // Withdrawn by the organisers: left out of the counts.
    answer(
        store,
        stored[2].id,
        InvitationState::Cancelled,
        workflow::Mover::Organiser,
        5,
    )
    .await
    .unwrap();
    assert_eq!(store.invitations_since(at(3)).await.unwrap().len(), 3);
    // The fourth, unanswered past its deadline, expires; nothing else does.
    assert_eq!(store.expire_invitations(at(5)).await.unwrap(), 1);
    assert_eq!(store.expire_invitations(at(5)).await.unwrap(), 0);
    let states: Vec<InvitationState> = store
        .invitations_of_agency(ft, 10)
        .await
        .unwrap()
        .iter()
        .map(|i| i.state)
        .collect();
    assert_eq!(states.len(), 4);
    assert!(
        store
            .invitations_of_agency(agency, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store.invitation(stored[3].id).await.unwrap().unwrap().state,
        InvitationState::Expired
    );
    // The schema: an accepted invitation holds its registration.
    assert_refused(
        db,
        "UPDATE action_invitations SET state = 'accepted', registration_id = NULL",
    )
    .await;
}

/// An action's outcomes: only for a person seated in it, from its start to ninety days after
/// its end, one of each kind; and its funnel counted by the database, with each status's
/// holders (fixtures: person 2 and 4 hold RQTH, person 3 is long-term unemployed).
pub async fn outcomes_are_recorded_in_their_window_and_the_funnel_counts_them(db: &TestDb) {
    let store = db.store();
    let (ft, _, people, action) =
        region_and_action(store, ActionKind::JobDating, "Job dating", 3).await;
    let invitations: Vec<NewInvitation> = people
        .iter()
        .map(|p| invitation(action.id, *p, ft, 10))
        .collect();
    let stored = store.create_invitations(&invitations, at(3)).await.unwrap();
    let person = workflow::Mover::PersonSide;
    let mut registrations = Vec::new();
    for invitation in &stored[..3] {
        let accepted = answer(store, invitation.id, InvitationState::Accepted, person, 4)
            .await
            .unwrap();
        registrations.push(accepted.registration_id.unwrap());
    }
    answer(store, stored[3].id, InvitationState::Declined, person, 4)
        .await
        .unwrap();
    for (registration, attendance) in
        registrations
            .iter()
            .zip([Attendance::Present, Attendance::Present, Attendance::Absent])
    {
        store
            .record_attendance(*registration, attendance, at(21))
            .await
            .unwrap();
    }
    let outcome = |n: usize, kind: OutcomeKind| NewOutcome {
        action_id: action.id,
        job_seeker_id: people[n - 1],
        kind,
        offer_id: None,
        contract_type: (kind == OutcomeKind::Hire).then_some(ContractType::Cdd),
        contract_months: (kind == OutcomeKind::Hire).then_some(6),
        on: date(2026, 1, 22),
        recorded_by: None,
    };
    // Before the action starts, or past ninety days after it: refused.
    assert!(matches!(
        store.record_outcome(&outcome(1, OutcomeKind::Interview), at(19)).await,
        Err(StoreError::Conflict(message)) if message.contains("90 days")
    ));
    assert!(
        store
            .record_outcome(
                &outcome(1, OutcomeKind::Interview),
                at(20) + chrono::Duration::days(91)
            )
            .await
            .is_err()
    );
    // Someone not seated (person 4 declined): refused.
    assert!(matches!(
        store.record_outcome(&outcome(4, OutcomeKind::Interview), at(21)).await,
        Err(StoreError::Conflict(message)) if message.contains("seated")
    ));
    let mut recorded = Vec::new();
    for (n, kind, day) in [
        (1, OutcomeKind::Interview, 21),
        (1, OutcomeKind::Hire, 40),
        (2, OutcomeKind::Interview, 21),
        (3, OutcomeKind::Training, 100),
    ] {
        recorded.push(
            store
                .record_outcome(&outcome(n, kind), at(day))
                .await
                .unwrap(),
        );
    }
    assert!(matches!(
        store
            .record_outcome(&outcome(1, OutcomeKind::Hire), at(41))
            .await,
        Err(StoreError::Duplicate { field: "kind", .. })
    ));
    assert_eq!(store.outcomes_of_action(action.id).await.unwrap(), recorded);
    // The funnel, counted by the database: [rqth, long_term, rsa, qpv, senior, young].
    let funnel = store
        .action_funnel(Some(action.id), at(0), at(0))
        .await
        .unwrap();
    let expected = [
        ("invited", 4, [2, 1, 0, 0, 0, 0]),
        ("registered", 3, [1, 1, 0, 0, 0, 0]),
        ("present", 2, [1, 0, 0, 0, 0, 0]),
        ("interviewed", 2, [1, 0, 0, 0, 0, 0]),
        ("hired", 1, [0, 0, 0, 0, 0, 0]),
    ];
    assert_eq!(
        funnel
            .iter()
            .map(|s| (s.stage.as_str(), s.count, s.holders))
            .collect::<Vec<_>>(),
        expected
    );
    // By period: the action counts where it starts, not elsewhere.
    let whole = store.action_funnel(None, at(20), at(21)).await.unwrap();
    assert_eq!(whole, funnel);
    let elsewhere = store.action_funnel(None, at(21), at(60)).await.unwrap();
    assert!(elsewhere.iter().all(|s| s.count == 0), "{elsewhere:?}");
    // The schema: a contract only for a hire.
    assert_refused(
        db,
        "UPDATE action_outcomes SET contract_type = 'CDI' WHERE kind = 'training'",
    )
    .await;
}
