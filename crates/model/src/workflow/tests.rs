use super::*;
use crate::training_plans::PlanState;
use chrono::TimeZone;

fn day(d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, d, 9, 0, 0)
        .single()
        .unwrap_or_default()
}

/// What `check` answers for one (from, to, mover), written out by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Allowed, needing nothing.
    Ok,
    /// Allowed with a start date (refused without one).
    Date,
    /// Allowed with a listed reason (refused without one).
    Reason,
    /// A move of the workflow, but not for this mover.
    NotYours,
    /// No such move.
    No,
}

/// Every (from, to) pair of states, and what `check` answers for the offer's side, the
/// person's side and the system, in that order. Written by hand from the workflow as the
/// module's documentation states it: a change to `MOVES` must change this table too.
#[rustfmt::skip]
const MATRIX: [(ReferralState, ReferralState, [Expect; 3]); 64] = {
    use Expect::{Date, No, NotYours as Ny, Ok, Reason};
    [
        (S::Proposed,  S::Proposed,  [No, No, No]),
        (S::Proposed,  S::Accepted,  [Ny, Ok, Ny]),
        (S::Proposed,  S::Declined,  [Ny, Ok, Ny]),
        (S::Proposed,  S::Interview, [No, No, No]),
        (S::Proposed,  S::Hired,     [No, No, No]),
        (S::Proposed,  S::NotHired,  [No, No, No]),
        (S::Proposed,  S::Cancelled, [Ok, Ok, Ny]),
        (S::Proposed,  S::Expired,   [Ny, Ny, Ok]),

        (S::Accepted,  S::Proposed,  [No, No, No]),
        (S::Accepted,  S::Accepted,  [No, No, No]),
        (S::Accepted,  S::Declined,  [No, No, No]),
        (S::Accepted,  S::Interview, [Ok, Ny, Ny]),
        (S::Accepted,  S::Hired,     [No, No, No]),
        (S::Accepted,  S::NotHired,  [No, No, No]),
        (S::Accepted,  S::Cancelled, [Ok, Ok, Ny]),
        (S::Accepted,  S::Expired,   [Ny, Ny, Ok]),

        (S::Declined,  S::Proposed,  [No, No, No]),
        (S::Declined,  S::Accepted,  [No, No, No]),
        (S::Declined,  S::Declined,  [No, No, No]),
        (S::Declined,  S::Interview, [No, No, No]),
        (S::Declined,  S::Hired,     [No, No, No]),
        (S::Declined,  S::NotHired,  [No, No, No]),
        (S::Declined,  S::Cancelled, [No, No, No]),
        (S::Declined,  S::Expired,   [No, No, No]),

        (S::Interview, S::Proposed,  [No, No, No]),
        (S::Interview, S::Accepted,  [No, No, No]),
        (S::Interview, S::Declined,  [No, No, No]),
        (S::Interview, S::Interview, [No, No, No]),
        (S::Interview, S::Hired,     [Date, Ny, Ny]),
        (S::Interview, S::NotHired,  [Reason, Ny, Ny]),
        (S::Interview, S::Cancelled, [Ok, Ok, Ny]),
        (S::Interview, S::Expired,   [Ny, Ny, Ok]),

        (S::Hired,     S::Proposed,  [No, No, No]),
        (S::Hired,     S::Accepted,  [No, No, No]),
        (S::Hired,     S::Declined,  [No, No, No]),
        (S::Hired,     S::Interview, [No, No, No]),
        (S::Hired,     S::Hired,     [No, No, No]),
        (S::Hired,     S::NotHired,  [No, No, No]),
        (S::Hired,     S::Cancelled, [No, No, No]),
        (S::Hired,     S::Expired,   [No, No, No]),

        (S::NotHired,  S::Proposed,  [No, No, No]),
        (S::NotHired,  S::Accepted,  [No, No, No]),
        (S::NotHired,  S::Declined,  [No, No, No]),
        (S::NotHired,  S::Interview, [No, No, No]),
        (S::NotHired,  S::Hired,     [No, No, No]),
        (S::NotHired,  S::NotHired,  [No, No, No]),
        (S::NotHired,  S::Cancelled, [No, No, No]),
        (S::NotHired,  S::Expired,   [No, No, No]),

        (S::Cancelled, S::Proposed,  [No, No, No]),
        (S::Cancelled, S::Accepted,  [No, No, No]),
        (S::Cancelled, S::Declined,  [No, No, No]),
        (S::Cancelled, S::Interview, [No, No, No]),
        (S::Cancelled, S::Hired,     [No, No, No]),
        (S::Cancelled, S::NotHired,  [No, No, No]),
        (S::Cancelled, S::Cancelled, [No, No, No]),
        (S::Cancelled, S::Expired,   [No, No, No]),

        (S::Expired,   S::Proposed,  [No, No, No]),
        (S::Expired,   S::Accepted,  [No, No, No]),
        (S::Expired,   S::Declined,  [No, No, No]),
        (S::Expired,   S::Interview, [No, No, No]),
        (S::Expired,   S::Hired,     [No, No, No]),
        (S::Expired,   S::NotHired,  [No, No, No]),
        (S::Expired,   S::Cancelled, [No, No, No]),
        (S::Expired,   S::Expired,   [No, No, No]),
    ]
};

const MOVERS: [Mover; 3] = [Mover::OfferSide, Mover::PersonSide, Mover::System];

/// Every pair of states, by every mover, answered as the hand-written matrix says: with
/// and without what a move needs, and with the refusal's kind and wording.
#[test]
fn every_move_allowed_or_refused_as_the_table_says() {
    // The matrix covers each (from, to) pair exactly once.
    for from in ReferralState::ALL {
        for to in ReferralState::ALL {
            let rows = MATRIX
                .iter()
                .filter(|(f, t, _)| f == from && t == to)
                .count();
            assert_eq!(rows, 1, "{from} → {to} in the matrix");
        }
    }
    let start = NaiveDate::from_ymd_opt(2026, 12, 1);
    let mut allowed = 0;
    for (from, to, expected) in MATRIX {
        for (by, expect) in MOVERS.into_iter().zip(expected) {
            let what = format!("{from} → {to} by {by:?}");
            let bare = check(from, to, by, None, None);
            let full = check(from, to, by, start, Some("no_show"));
            match expect {
                Expect::Ok => {
                    assert!(bare.is_ok(), "{what}: {bare:?}");
                    assert!(full.is_ok(), "{what}: {full:?}");
                }
                Expect::Date => {
                    assert_eq!(bare, Err(MoveError::StartDateMissing), "{what}");
                    assert!(full.is_ok(), "{what}: {full:?}");
                }
                Expect::Reason => {
                    assert_eq!(bare, Err(MoveError::ReasonMissing), "{what}");
                    assert!(full.is_ok(), "{what}: {full:?}");
                }
                Expect::NotYours => {
                    let refusal = MoveError::NotYours {
                        from,
                        to,
                        by: by.describe().to_string(),
                    };
                    assert_eq!(bare, Err(refusal.clone()), "{what}");
                    assert_eq!(full, Err(refusal), "{what}");
                }
                Expect::No => {
                    assert_eq!(bare, Err(MoveError::NotAllowed { from, to }), "{what}");
                    assert_eq!(full, Err(MoveError::NotAllowed { from, to }), "{what}");
                }
            }
            if let Ok(found) = full {
                assert_eq!((found.from, found.to), (from, to), "{what}");
                allowed += 1;
            }
        }
    }
    assert_eq!(allowed, 14);
    assert!(matches!(
        check(S::Hired, S::Cancelled, Mover::OfferSide, None, None),
        Err(MoveError::NotAllowed { .. })
    ));
    assert_eq!(
        check(S::Proposed, S::Accepted, Mover::OfferSide, None, None)
            .unwrap_err()
            .to_string(),
        "going from proposed to accepted is not for the offer's structure"
    );
    assert_eq!(
        check(S::Hired, S::Cancelled, Mover::OfferSide, None, None)
            .unwrap_err()
            .to_string(),
        "the record cannot go from hired to cancelled"
    );
}

#[test]
fn hires_need_a_date_and_refusals_a_listed_reason() {
    let agency = Mover::OfferSide;
    assert_eq!(
        check(S::Interview, S::Hired, agency, None, None),
        Err(MoveError::StartDateMissing)
    );
    assert_eq!(
        check(S::Interview, S::NotHired, agency, None, Some("too far")),
        Err(MoveError::ReasonMissing)
    );
    assert!(
        check(
            S::Interview,
            S::NotHired,
            agency,
            None,
            Some("position_filled")
        )
        .is_ok()
    );
}

#[test]
fn final_states_and_expiry() {
    let finals: Vec<ReferralState> = ReferralState::ALL
        .iter()
        .copied()
        .filter(|s| is_final(*s))
        .collect();
    assert_eq!(
        finals,
        [S::Declined, S::Hired, S::NotHired, S::Cancelled, S::Expired]
    );
    assert!(!has_expired(S::Proposed, day(1), day(30), 30));
    assert!(has_expired(
        S::Proposed,
        day(1),
        day(1) + chrono::Duration::days(30),
        30
    ));
    assert!(!has_expired(
        S::Hired,
        day(1),
        day(30) + chrono::Duration::days(60),
        30
    ));
}

/// Every (from, to) pair of seats, and whether the participant, the organisers and the
/// system may make the move, written out by hand from `SEATS`' documentation.
#[test]
fn seats_move_as_the_table_says() {
    use crate::Seat::{Cancelled as C, Registered as R, Waiting as W};
    #[rustfmt::skip]
    let table: [(crate::Seat, crate::Seat, [bool; 3]); 9] = [
        (R, R, [false, false, false]),
        (R, W, [false, false, false]),
        (R, C, [true, true, false]),
        (W, R, [false, false, true]),
        (W, W, [false, false, false]),
        (W, C, [true, true, false]),
        (C, R, [false, false, false]),
        (C, W, [false, false, false]),
        (C, C, [false, false, false]),
    ];
    for (from, to, allowed) in table {
        for (mover, allowed) in [Mover::Participant, Mover::Organiser, Mover::System]
            .into_iter()
            .zip(allowed)
        {
            assert_eq!(
                SEATS.check(from, to, mover, None, None).is_ok(),
                allowed,
                "{from} → {to} by {mover:?}"
            );
        }
    }
    assert!(SEATS.is_final(C));
    assert!(!SEATS.is_final(W));
}

/// Every pair of invitation states, and whether the advisor (for the person), the
/// organisers or the system may make the move, written out by hand from `INVITATIONS`'
/// documentation.
#[test]
fn invitations_move_as_the_table_says() {
    use crate::InvitationState::{
        Accepted as A, Cancelled as C, Declined as D, Expired as E, Proposed as P, Relayed as R,
    };
    // [person's side, organisers, system]
    let allowed: [(crate::InvitationState, crate::InvitationState, [bool; 3]); 9] = [
        (P, R, [true, false, false]),
        (P, A, [true, false, false]),
        (P, D, [true, false, false]),
        (R, A, [true, false, false]),
        (R, D, [true, false, false]),
        (P, E, [false, false, true]),
        (R, E, [false, false, true]),
        (P, C, [false, true, true]),
        (R, C, [false, true, true]),
    ];
    for from in crate::InvitationState::ALL {
        for to in crate::InvitationState::ALL {
            let expected = allowed
                .iter()
                .find(|(f, t, _)| f == from && t == to)
                .map_or([false; 3], |(_, _, by)| *by);
            for (mover, expected) in [Mover::PersonSide, Mover::Organiser, Mover::System]
                .into_iter()
                .zip(expected)
            {
                assert_eq!(
                    INVITATIONS.check(*from, *to, mover, None, None).is_ok(),
                    expected,
                    "{from} → {to} by {mover:?}"
                );
            }
            for mover in [Mover::OfferSide, Mover::Participant] {
                assert!(INVITATIONS.check(*from, *to, mover, None, None).is_err());
            }
        }
    }
    for (state, is_final) in [
        (P, false),
        (R, false),
        (A, true),
        (D, true),
        (E, true),
        (C, true),
    ] {
        assert_eq!(INVITATIONS.is_final(state), is_final, "{state}");
    }
}

/// Every pair of duo states, and whether the mentor's side, the coordinator (the person's
/// side) or the system may make the move, written out by hand from `DUOS`' documentation;
/// a stop needs a reason of the list.
#[test]
fn training_plans_move_as_the_table_says() {
    use crate::training_plans::PlanState::{
        Abandoned as X, Agreed as A, Completed as C, Hired as H, InTraining as T, Proposed as P,
    };
    // [offer's side, person's side]
    let allowed: [(PlanState, PlanState, [bool; 2]); 8] = [
        (P, A, [true, true]),
        (A, T, [true, true]),
        (T, C, [true, true]),
        (C, H, [true, false]),
        (P, X, [true, true]),
        (A, X, [true, true]),
        (T, X, [true, true]),
        (C, X, [true, true]),
    ];
    let day = NaiveDate::from_ymd_opt(2026, 12, 1);
    for from in PlanState::ALL {
        for to in PlanState::ALL {
            let expected = allowed
                .iter()
                .find(|(f, t, _)| f == from && t == to)
                .map_or([false; 2], |(_, _, by)| *by);
            for (mover, expected) in [Mover::OfferSide, Mover::PersonSide]
                .into_iter()
                .zip(expected)
            {
                assert_eq!(
                    TRAINING_PLANS
                        .check(*from, *to, mover, day, Some("trainee_withdrew"))
                        .is_ok(),
                    expected,
                    "{from} → {to} by {mover:?}"
                );
            }
            assert!(
                TRAINING_PLANS
                    .check(*from, *to, Mover::System, day, None)
                    .is_err()
            );
        }
    }
    // A hire needs its start; an abandon one of the reasons.
    assert_eq!(
        TRAINING_PLANS.check(C, H, Mover::OfferSide, None, None),
        Err(MoveError::StartDateMissing)
    );
    assert_eq!(
        TRAINING_PLANS.check(T, X, Mover::PersonSide, None, Some("bored")),
        Err(MoveError::AbandonReasonMissing)
    );
    assert!(TRAINING_PLANS.is_final(H) && TRAINING_PLANS.is_final(X));
}

#[test]
fn duos_move_as_the_table_says() {
    use crate::DuoState::{
        Accepted as A, Active as T, Completed as C, Declined as D, MentorAgreed as M,
        Proposed as P, SeekerAgreed as S, Stopped as X,
    };
    // [mentor's side, coordinator, system]
    let allowed: [(crate::DuoState, crate::DuoState, [bool; 3]); 11] = [
        (P, M, [true, false, false]),
        (P, S, [false, true, false]),
        (M, A, [false, true, false]),
        (S, A, [true, false, false]),
        (P, D, [true, true, false]),
        (M, D, [true, true, false]),
        (S, D, [true, true, false]),
        (A, T, [false, true, true]),
        (T, C, [false, true, false]),
        (A, X, [true, true, false]),
        (T, X, [true, true, false]),
    ];
    for from in crate::DuoState::ALL {
        for to in crate::DuoState::ALL {
            let expected = allowed
                .iter()
                .find(|(f, t, _)| f == from && t == to)
                .map_or([false; 3], |(_, _, by)| *by);
            for (mover, expected) in [Mover::MentorSide, Mover::PersonSide, Mover::System]
                .into_iter()
                .zip(expected)
            {
                assert_eq!(
                    DUOS.check(*from, *to, mover, None, Some("mismatch"))
                        .is_ok(),
                    expected,
                    "{from} → {to} by {mover:?}"
                );
            }
            for mover in [Mover::OfferSide, Mover::Organiser, Mover::Participant] {
                assert!(
                    DUOS.check(*from, *to, mover, None, Some("mismatch"))
                        .is_err()
                );
            }
        }
    }
    assert_eq!(
        DUOS.check(T, X, Mover::PersonSide, None, None),
        Err(MoveError::StopReasonMissing)
    );
    assert_eq!(
        DUOS.check(A, X, Mover::MentorSide, None, Some("bored")),
        Err(MoveError::StopReasonMissing)
    );
    assert!(DUOS.check(T, C, Mover::PersonSide, None, None).is_ok());
    for (state, is_final) in [
        (P, false),
        (M, false),
        (S, false),
        (A, false),
        (T, false),
        (C, true),
        (X, true),
        (D, true),
    ] {
        assert_eq!(DUOS.is_final(state), is_final, "{state}");
    }
}

/// Every (from, to) pair of an action's states, and whether the organisers and the system
/// may make the move, written out by hand from `ACTIONS`' documentation.
#[test]
fn actions_move_as_the_table_says() {
    use crate::ActionState::{Cancelled as X, Closed as C, Draft as D, Held as H, Published as P};
    let allowed: [(crate::ActionState, crate::ActionState, [bool; 2]); 5] = [
        (D, P, [true, false]),
        (P, H, [true, true]),
        (H, C, [true, false]),
        (D, X, [true, false]),
        (P, X, [true, false]),
    ];
    for from in crate::ActionState::ALL {
        for to in crate::ActionState::ALL {
            let expected = allowed
                .iter()
                .find(|(f, t, _)| f == from && t == to)
                .map_or([false, false], |(_, _, by)| *by);
            for (mover, expected) in [Mover::Organiser, Mover::System].into_iter().zip(expected) {
                assert_eq!(
                    ACTIONS.check(*from, *to, mover, None, None).is_ok(),
                    expected,
                    "{from} → {to} by {mover:?}"
                );
            }
            assert!(
                ACTIONS
                    .check(*from, *to, Mover::Participant, None, None)
                    .is_err(),
                "a participant moves no action"
            );
        }
    }
    for (state, is_final) in [(D, false), (P, false), (H, false), (C, true), (X, true)] {
        assert_eq!(ACTIONS.is_final(state), is_final, "{state}");
    }
}
