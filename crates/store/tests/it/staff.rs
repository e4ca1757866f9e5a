//! A structure's people: invitations accepted once (an account created, or a seat added to
//! an existing one), replaced, revoked and expired; seats suspended and removed, their
//! holder's sessions ended when no active seat is left; the last sign-in.

use domain::Email;
use model::staff::*;
use store::*;
use testdb::TestDb;
use testdb::fixtures::*;

use crate::contract::{add_structures, add_user};

fn invitation(structure: i64, email: &str, token: &str, invited_at: u32) -> NewStaffInvitation {
    NewStaffInvitation {
        structure_id: structure,
        role: Role::Recruiter,
        email: Email::parse(email).unwrap(),
        display_name: "Léa Roux".to_string(),
        token_hash: TokenHash::of_token(token),
        invited_by: None,
        expires_at: invitation_expiry(at(invited_at)),
    }
}

/// Two agencies (SIRET 3 and 4).
async fn two_agencies(store: &dyn Store) -> [i64; 2] {
    add_structures(
        store,
        [
            (3, StructureKind::AgenceEmploi),
            (4, StructureKind::AgenceEmploi),
        ],
    )
    .await
}

/// Presents the invitation token `token` at `at(when)`, with the password hash given.
async fn accept(
    store: &dyn Store,
    token: &str,
    password_hash: Option<&str>,
    when: u32,
) -> Acceptance {
    store
        .accept_staff_invitation(&TokenHash::of_token(token), password_hash, at(when))
        .await
        .unwrap()
}

/// Whether the session of this cookie still opens at `at(4)`.
async fn session_open(store: &dyn Store, cookie: &str) -> bool {
    store
        .session(&TokenHash::of_token(cookie), at(4))
        .await
        .unwrap()
        .is_some()
}

pub async fn an_invitation_is_accepted_once_and_creates_the_account(db: &TestDb) {
    let store = db.store();
    let [agency, other] = two_agencies(store).await;
    let first = store
        .invite_staff(&invitation(agency, "lea@agence.fr", "first", 1), at(1))
        .await
        .unwrap();
    assert_eq!(first.status(at(1)), InvitationStatus::Pending);
    assert_eq!(first.expires_at, at(8));
    // A second invitation to the same address (case ignored) replaces the first; another
    // structure's is its own.
    let second = store
        .invite_staff(&invitation(agency, "Lea@Agence.fr", "second", 2), at(2))
        .await
        .unwrap();
    store
        .invite_staff(&invitation(other, "lea@agence.fr", "elsewhere", 2), at(2))
        .await
        .unwrap();
    let pending = store.pending_staff_invitations(agency).await.unwrap();
    assert_eq!(
        pending.iter().map(|i| i.id).collect::<Vec<_>>(),
        [second.id]
    );
    let replaced = store.staff_invitation(first.id).await.unwrap().unwrap();
    assert_eq!(replaced.revoked_at, Some(at(2)));
    assert_eq!(
        accept(store, "first", Some("$argon2id$x"), 3).await,
        Acceptance::Refused(InvitationStatus::Revoked)
    );
    assert_eq!(accept(store, "forged", None, 3).await, Acceptance::Unknown);
    // Accepted: the account is created with the password, the seat given.
    let Acceptance::Accepted {
        invitation: accepted,
        user_id,
        created,
    } = accept(store, "second", Some("$argon2id$x"), 3).await
    else {
        panic!("the pending invitation is accepted");
    };
    assert!(created);
    assert_eq!(accepted.accepted_by, Some(user_id));
    let user = store.user(user_id).await.unwrap().unwrap();
    // The address as the accepted invitation wrote it.
    assert_eq!(user.email.as_str(), "Lea@agence.fr");
    assert_eq!(user.display_name, "Léa Roux");
    assert_eq!(user.password_hash.as_deref(), Some("$argon2id$x"));
    let seats = store.active_memberships(user_id).await.unwrap();
    assert_eq!(
        seats
            .iter()
            .map(|m| (m.structure_id, m.role))
            .collect::<Vec<_>>(),
        [(agency, Role::Recruiter)]
    );
    // Once only.
    assert_eq!(
        accept(store, "second", Some("$argon2id$y"), 3).await,
        Acceptance::Refused(InvitationStatus::Accepted)
    );
    assert!(
        store
            .pending_staff_invitations(agency)
            .await
            .unwrap()
            .is_empty()
    );
    // The other structure's invitation adds a seat to the existing account, whose password
    // stays as it was.
    let Acceptance::Accepted { created, .. } = accept(store, "elsewhere", None, 4).await else {
        panic!("accepted by the existing account");
    };
    assert!(!created);
    let user = store.user(user_id).await.unwrap().unwrap();
    assert_eq!(user.password_hash.as_deref(), Some("$argon2id$x"));
    assert_eq!(store.active_memberships(user_id).await.unwrap().len(), 2);
}

pub async fn invitations_expire_and_are_revoked(db: &TestDb) {
    let store = db.store();
    let [agency] = add_structures(store, [(3, StructureKind::AgenceEmploi)]).await;
    let expiring = store
        .invite_staff(&invitation(agency, "a@agence.fr", "a", 1), at(1))
        .await
        .unwrap();
    let revoked = store
        .invite_staff(&invitation(agency, "b@agence.fr", "b", 1), at(1))
        .await
        .unwrap();
    let revoke = || store.revoke_staff_invitation(revoked.id, at(2));
    assert!(revoke().await.unwrap());
    assert!(!revoke().await.unwrap());
    assert_eq!(
        accept(store, "a", Some("$argon2id$x"), 8).await,
        Acceptance::Refused(InvitationStatus::Expired)
    );
    assert_eq!(
        accept(store, "b", Some("$argon2id$x"), 3).await,
        Acceptance::Refused(InvitationStatus::Revoked)
    );
    let found = store
        .staff_invitation_by_token(&TokenHash::of_token("a"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.id, expiring.id);
    assert_eq!(found.status(at(8)), InvitationStatus::Expired);
    // An expired invitation is still pending (neither accepted nor revoked) until replaced.
    assert_eq!(
        store.pending_staff_invitations(agency).await.unwrap().len(),
        1
    );
    assert!(
        store
            .user_by_email(&Email::parse("a@agence.fr").unwrap())
            .await
            .unwrap()
            .is_none()
    );
}

pub async fn a_suspended_or_removed_seat_ends_its_holders_sessions(db: &TestDb) {
    let store = db.store();
    let [agency, other] = two_agencies(store).await;
    let lea = add_user(store, "lea@agence.fr", "Léa").await;
    let sam = add_user(store, "sam@agence.fr", "Sam").await;
    for (user, structure, role) in [
        (lea.id, agency, Role::Recruiter),
        (sam.id, agency, Role::AgencyManager),
        (sam.id, other, Role::Recruiter),
    ] {
        store
            .set_membership(user, structure, role, at(1))
            .await
            .unwrap();
    }
    let csrf = "c".repeat(64);
    for (user, cookie) in [(lea.id, "lea"), (sam.id, "sam")] {
        store
            .create_session(user, &TokenHash::of_token(cookie), &csrf, at(9), at(2))
            .await
            .unwrap();
    }
    let members = store.staff_members(agency).await.unwrap();
    assert_eq!(
        members
            .iter()
            .map(|m| (m.display_name.as_str(), m.role, m.last_sign_in_at))
            .collect::<Vec<_>>(),
        [
            ("Léa", Role::Recruiter, Some(at(2))),
            ("Sam", Role::AgencyManager, Some(at(2))),
        ]
    );
    // Suspended: the seat stays, listed as suspended, and gives nothing; Léa has no other
    // seat, so her session ends at once.
    let suspend_lea =
        |suspended: bool, when: u32| store.suspend_seat(agency, lea.id, suspended, at(when));
    assert!(suspend_lea(true, 3).await.unwrap());
    assert!(!suspend_lea(true, 3).await.unwrap());
    let seat = store.staff_member(agency, lea.id).await.unwrap().unwrap();
    assert_eq!(seat.suspended_at, Some(at(3)));
    assert!(store.active_memberships(lea.id).await.unwrap().is_empty());
    assert!(!session_open(store, "lea").await);
    assert!(suspend_lea(false, 4).await.unwrap());
    assert_eq!(store.active_memberships(lea.id).await.unwrap().len(), 1);
    // Removed from one structure, Sam keeps his other seat and his session.
    assert!(store.remove_seat(agency, sam.id).await.unwrap());
    assert!(!store.remove_seat(agency, sam.id).await.unwrap());
    assert!(store.staff_member(agency, sam.id).await.unwrap().is_none());
    assert!(session_open(store, "sam").await);
    assert!(store.remove_seat(other, sam.id).await.unwrap());
    assert!(!session_open(store, "sam").await);
    // The account and its history stay.
    assert!(store.user(sam.id).await.unwrap().is_some());
}
