//! Workflows declared as data: a [`Workflow`] is a state machine's every allowed move (from,
//! to, who may make it, what it must carry) and the state it expires to; `check`,
//! `is_final` and `has_expired` read any of them. The store records moves; the table decides
//! which are allowed. The referral workflow ("mise en relation") is [`REFERRALS`]; the coming
//! state machines (actions, duos, training plans) are tables of their own.
//!
//! The referral workflow:
//!
//! proposed → accepted | declined (the job seeker's answer, recorded by their advisor)
//! accepted → interview (the offer's structure)
//! interview → hired (with a start date) | not hired (with a reason from [`NOT_HIRED_REASONS`])
//! proposed | accepted | interview → cancelled (either side) | expired (the system, after
//! `expiry_days` without a move)

use chrono::{DateTime, NaiveDate, Utc};

use crate::ReferralState;

/// Who moves a referral: a side of the relation, never a role. What a user may do follows
/// from how they reach the referral (the service decides it from the access rules): through
/// the structure that owns the offer, or through the job seeker's own agency. Owning the offer
/// never lets anyone answer for the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mover {
    /// The structure that owns the offer (an agence d'emploi, or a France Travail agency for
    /// its own offers): it runs the interview and records the hire.
    OfferSide,
    /// The job seeker, answered for by their own France Travail agency.
    PersonSide,
    /// Passerelle itself (expiry, promotion from a waiting list).
    System,
    /// The organisers of a gathering.
    Organiser,
    /// A gathering's participant, or the advisor who answers for them.
    Participant,
    /// A mentor of a duo, answered for by their agency.
    MentorSide,
}

impl Mover {
    pub fn describe(self) -> &'static str {
        match self {
            Mover::OfferSide => "the offer's structure",
            Mover::PersonSide => "the job seeker or their agency",
            Mover::System => "the system",
            Mover::Organiser => "the organisers",
            Mover::Participant => "the participant",
            Mover::MentorSide => "the mentor or their agency",
        }
    }
}

/// What a move must carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    Nothing,
    StartDate,
    NotHiredReason,
    /// A reason from [`DUO_STOP_REASONS`](crate::DUO_STOP_REASONS).
    StopReason,
    /// A reason from [`PLAN_ABANDON_REASONS`](crate::training_plans::PLAN_ABANDON_REASONS).
    AbandonReason,
}

/// One allowed move of a workflow over the states `S`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Move<S: 'static = ReferralState> {
    pub from: S,
    pub to: S,
    pub by: &'static [Mover],
    pub needs: Needs,
}

/// A state machine as data: every allowed move (anything else is refused) and the state a
/// record left without a move for too long goes to, if it expires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Workflow<S: 'static> {
    pub moves: &'static [Move<S>],
    pub expired: Option<S>,
}

/// The referral workflow.
pub const REFERRALS: Workflow<ReferralState> = Workflow {
    moves: MOVES,
    expired: Some(ReferralState::Expired),
};

const AGENCY: &[Mover] = &[Mover::OfferSide];
const ADVISOR: &[Mover] = &[Mover::PersonSide];
const EITHER: &[Mover] = &[Mover::OfferSide, Mover::PersonSide];
const SYSTEM: &[Mover] = &[Mover::System];

use ReferralState as S;

/// Every allowed move of a referral; anything else is refused.
pub const MOVES: &[Move<ReferralState>] = &[
    Move {
        from: S::Proposed,
        to: S::Accepted,
        by: ADVISOR,
        needs: Needs::Nothing,
    },
    Move {
        from: S::Proposed,
        to: S::Declined,
        by: ADVISOR,
        needs: Needs::Nothing,
    },
    Move {
        from: S::Accepted,
        to: S::Interview,
        by: AGENCY,
        needs: Needs::Nothing,
    },
    Move {
        from: S::Interview,
        to: S::Hired,
        by: AGENCY,
        needs: Needs::StartDate,
    },
    Move {
        from: S::Interview,
        to: S::NotHired,
        by: AGENCY,
        needs: Needs::NotHiredReason,
    },
    Move {
        from: S::Proposed,
        to: S::Cancelled,
        by: EITHER,
        needs: Needs::Nothing,
    },
    Move {
        from: S::Accepted,
        to: S::Cancelled,
        by: EITHER,
        needs: Needs::Nothing,
    },
    Move {
        from: S::Interview,
        to: S::Cancelled,
        by: EITHER,
        needs: Needs::Nothing,
    },
    Move {
        from: S::Proposed,
        to: S::Expired,
        by: SYSTEM,
        needs: Needs::Nothing,
    },
    Move {
        from: S::Accepted,
        to: S::Expired,
        by: SYSTEM,
        needs: Needs::Nothing,
    },
    Move {
        from: S::Interview,
        to: S::Expired,
        by: SYSTEM,
        needs: Needs::Nothing,
    },
];

/// Why a candidate was not hired: the list the form offers.
/// A registration for a gathering: a seat, or a place on the waiting list promoted in order
/// by the system when a seat of its modality is given up; either given up by the participant
/// or the organisers. Giving up is final.
pub const SEATS: Workflow<crate::Seat> = Workflow {
    moves: SEAT_MOVES,
    expired: None,
};

const EITHER_END: &[Mover] = &[Mover::Participant, Mover::Organiser];

pub const SEAT_MOVES: &[Move<crate::Seat>] = &[
    Move {
        from: crate::Seat::Waiting,
        to: crate::Seat::Registered,
        by: SYSTEM,
        needs: Needs::Nothing,
    },
    Move {
        from: crate::Seat::Registered,
        to: crate::Seat::Cancelled,
        by: EITHER_END,
        needs: Needs::Nothing,
    },
    Move {
        from: crate::Seat::Waiting,
        to: crate::Seat::Cancelled,
        by: EITHER_END,
        needs: Needs::Nothing,
    },
];

/// An invitation to an action: proposed (drawn for the person's agency) → relayed (their
/// advisor told them) → accepted | declined (the person's answer, recorded by their advisor,
/// who may record it without relaying first); unanswered past its deadline → expired (the
/// system); withdrawn before an answer → cancelled (the organisers, or the system when the
/// action is cancelled).
pub const INVITATIONS: Workflow<crate::InvitationState> = Workflow {
    moves: INVITATION_MOVES,
    expired: Some(crate::InvitationState::Expired),
};

pub const INVITATION_MOVES: &[Move<crate::InvitationState>] = {
    use crate::InvitationState::{Accepted, Cancelled, Declined, Expired, Proposed, Relayed};
    &[
        Move {
            from: Proposed,
            to: Relayed,
            by: ADVISOR,
            needs: Needs::Nothing,
        },
        Move {
            from: Proposed,
            to: Accepted,
            by: ADVISOR,
            needs: Needs::Nothing,
        },
        Move {
            from: Proposed,
            to: Declined,
            by: ADVISOR,
            needs: Needs::Nothing,
        },
        Move {
            from: Relayed,
            to: Accepted,
            by: ADVISOR,
            needs: Needs::Nothing,
        },
        Move {
            from: Relayed,
            to: Declined,
            by: ADVISOR,
            needs: Needs::Nothing,
        },
        Move {
            from: Proposed,
            to: Expired,
            by: SYSTEM,
            needs: Needs::Nothing,
        },
        Move {
            from: Relayed,
            to: Expired,
            by: SYSTEM,
            needs: Needs::Nothing,
        },
        Move {
            from: Proposed,
            to: Cancelled,
            by: ORGANISERS_OR_SYSTEM,
            needs: Needs::Nothing,
        },
        Move {
            from: Relayed,
            to: Cancelled,
            by: ORGANISERS_OR_SYSTEM,
            needs: Needs::Nothing,
        },
    ]
};

/// A co-organised action: draft → published (open to registrations) → held (once it has
/// started) → closed (its outcomes recorded), or cancelled before it is held. Its organisers
/// move it; Passerelle marks it held when it starts.
pub const ACTIONS: Workflow<crate::ActionState> = Workflow {
    moves: ACTION_MOVES,
    expired: None,
};

const ORGANISERS: &[Mover] = &[Mover::Organiser];
const ORGANISERS_OR_SYSTEM: &[Mover] = &[Mover::Organiser, Mover::System];

pub const ACTION_MOVES: &[Move<crate::ActionState>] = &[
    Move {
        from: crate::ActionState::Draft,
        to: crate::ActionState::Published,
        by: ORGANISERS,
        needs: Needs::Nothing,
    },
    Move {
        from: crate::ActionState::Published,
        to: crate::ActionState::Held,
        by: ORGANISERS_OR_SYSTEM,
        needs: Needs::Nothing,
    },
    Move {
        from: crate::ActionState::Held,
        to: crate::ActionState::Closed,
        by: ORGANISERS,
        needs: Needs::Nothing,
    },
    Move {
        from: crate::ActionState::Draft,
        to: crate::ActionState::Cancelled,
        by: ORGANISERS,
        needs: Needs::Nothing,
    },
    Move {
        from: crate::ActionState::Published,
        to: crate::ActionState::Cancelled,
        by: ORGANISERS,
        needs: Needs::Nothing,
    },
];

/// A duo (the job seeker – temp worker pilot): proposed by the coordinator (the job seeker's
/// agency) → agreed by one side, then the other → accepted; declined by either side before
/// then. Accepted → active when it starts (its first contact logged, or the coordinator) →
/// completed (the coordinator), or stopped early by either side with a reason.
pub const DUOS: Workflow<crate::DuoState> = Workflow {
    moves: DUO_MOVES,
    expired: None,
};

const MENTOR: &[Mover] = &[Mover::MentorSide];
const DUO_SIDES: &[Mover] = &[Mover::MentorSide, Mover::PersonSide];
const COORDINATOR_OR_SYSTEM: &[Mover] = &[Mover::PersonSide, Mover::System];

pub const DUO_MOVES: &[Move<crate::DuoState>] = {
    use crate::DuoState::{
        Accepted, Active, Completed, Declined, MentorAgreed, Proposed, SeekerAgreed, Stopped,
    };
    const fn step(
        from: crate::DuoState,
        to: crate::DuoState,
        by: &'static [Mover],
        needs: Needs,
    ) -> Move<crate::DuoState> {
        Move {
            from,
            to,
            by,
            needs,
        }
    }
    &[
        step(Proposed, MentorAgreed, MENTOR, Needs::Nothing),
        step(Proposed, SeekerAgreed, ADVISOR, Needs::Nothing),
        step(MentorAgreed, Accepted, ADVISOR, Needs::Nothing),
        step(SeekerAgreed, Accepted, MENTOR, Needs::Nothing),
        step(Proposed, Declined, DUO_SIDES, Needs::Nothing),
        step(MentorAgreed, Declined, DUO_SIDES, Needs::Nothing),
        step(SeekerAgreed, Declined, DUO_SIDES, Needs::Nothing),
        step(Accepted, Active, COORDINATOR_OR_SYSTEM, Needs::Nothing),
        step(Active, Completed, ADVISOR, Needs::Nothing),
        step(Accepted, Stopped, DUO_SIDES, Needs::StopReason),
        step(Active, Stopped, DUO_SIDES, Needs::StopReason),
    ]
};

/// A training plan (training before hiring): proposed by either side → agreed (by the side
/// that did not propose: the service checks who) → in training → completed → hired (by the
/// offer's side, with the contract's start); abandoned by either side, with a reason, at any
/// point before the hire.
pub const TRAINING_PLANS: Workflow<crate::training_plans::PlanState> = Workflow {
    moves: PLAN_MOVES,
    expired: None,
};

pub const PLAN_MOVES: &[Move<crate::training_plans::PlanState>] = {
    use crate::training_plans::PlanState::{
        Abandoned, Agreed, Completed, Hired, InTraining, Proposed,
    };
    const fn step(
        from: crate::training_plans::PlanState,
        to: crate::training_plans::PlanState,
        by: &'static [Mover],
        needs: Needs,
    ) -> Move<crate::training_plans::PlanState> {
        Move {
            from,
            to,
            by,
            needs,
        }
    }
    &[
        step(Proposed, Agreed, EITHER, Needs::Nothing),
        step(Agreed, InTraining, EITHER, Needs::Nothing),
        step(InTraining, Completed, EITHER, Needs::Nothing),
        step(Completed, Hired, AGENCY, Needs::StartDate),
        step(Proposed, Abandoned, EITHER, Needs::AbandonReason),
        step(Agreed, Abandoned, EITHER, Needs::AbandonReason),
        step(InTraining, Abandoned, EITHER, Needs::AbandonReason),
        step(Completed, Abandoned, EITHER, Needs::AbandonReason),
    ]
};

pub const NOT_HIRED_REASONS: &[&str] = &[
    "profile_mismatch",
    "candidate_withdrew",
    "position_filled",
    "no_show",
    "offer_cancelled",
    "other",
];

/// Why a move is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoveError<S: std::fmt::Display = ReferralState> {
    #[error("the record cannot go from {from} to {to}")]
    NotAllowed { from: S, to: S },
    #[error("going from {from} to {to} is not for {by}")]
    NotYours { from: S, to: S, by: String },
    #[error("hire_starts_on: a hire needs its start date")]
    StartDateMissing,
    #[error("not_hired_reason: expected one of {}", NOT_HIRED_REASONS.join(", "))]
    ReasonMissing,
    #[error("stop_reason: expected one of {}", crate::DUO_STOP_REASONS.join(", "))]
    StopReasonMissing,
    #[error(
        "abandon_reason: expected one of {}",
        crate::training_plans::PLAN_ABANDON_REASONS.join(", ")
    )]
    AbandonReasonMissing,
}

impl<S: Copy + PartialEq + std::fmt::Display> Workflow<S> {
    /// The states no move leaves.
    pub fn is_final(&self, state: S) -> bool {
        !self.moves.iter().any(|m| m.from == state)
    }

    /// Checks a move against the table: allowed from this state, by this mover, with what it
    /// needs.
    pub fn check(
        &self,
        from: S,
        to: S,
        by: Mover,
        starts_on: Option<NaiveDate>,
        reason: Option<&str>,
    ) -> Result<&'static Move<S>, MoveError<S>> {
        let allowed = self
            .moves
            .iter()
            .find(|m| m.from == from && m.to == to)
            .ok_or(MoveError::NotAllowed { from, to })?;
        if !allowed.by.contains(&by) {
            return Err(MoveError::NotYours {
                from,
                to,
                by: by.describe().to_string(),
            });
        }
        match allowed.needs {
            Needs::StartDate if starts_on.is_none() => Err(MoveError::StartDateMissing),
            Needs::NotHiredReason if !reason.is_some_and(|r| NOT_HIRED_REASONS.contains(&r)) => {
                Err(MoveError::ReasonMissing)
            }
            Needs::StopReason if !reason.is_some_and(|r| crate::DUO_STOP_REASONS.contains(&r)) => {
                Err(MoveError::StopReasonMissing)
            }
            Needs::AbandonReason
                if !reason
                    .is_some_and(|r| crate::training_plans::PLAN_ABANDON_REASONS.contains(&r)) =>
            {
                Err(MoveError::AbandonReasonMissing)
            }
            _ => Ok(allowed),
        }
    }

    /// Whether a record last moved at `last_move` has expired at `now` (after `days` full
    /// days without a move, from a state that can expire).
    pub fn has_expired(
        &self,
        state: S,
        last_move: DateTime<Utc>,
        now: DateTime<Utc>,
        days: u32,
    ) -> bool {
        self.expired.is_some_and(|expired| {
            self.moves
                .iter()
                .any(|m| m.from == state && m.to == expired)
        }) && now.signed_duration_since(last_move).num_days() >= i64::from(days)
    }
}

/// The referral states no move leaves.
pub fn is_final(state: ReferralState) -> bool {
    REFERRALS.is_final(state)
}

/// Checks a referral's move against [`REFERRALS`].
pub fn check(
    from: ReferralState,
    to: ReferralState,
    by: Mover,
    starts_on: Option<NaiveDate>,
    reason: Option<&str>,
) -> Result<&'static Move, MoveError> {
    REFERRALS.check(from, to, by, starts_on, reason)
}

/// Whether a referral has expired, by [`REFERRALS`].
pub fn has_expired(
    state: ReferralState,
    last_move: DateTime<Utc>,
    now: DateTime<Utc>,
    days: u32,
) -> bool {
    REFERRALS.has_expired(state, last_move, now, days)
}

#[cfg(test)]
mod tests {
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
        use crate::ActionState::{
            Cancelled as X, Closed as C, Draft as D, Held as H, Published as P,
        };
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
                for (mover, expected) in [Mover::Organiser, Mover::System].into_iter().zip(expected)
                {
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
}
