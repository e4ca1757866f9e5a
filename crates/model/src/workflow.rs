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

/// The move from `from` to `to`, made by one of `by`, carrying what it `needs`: one line of a
/// workflow's table.
const fn step<S: 'static>(from: S, to: S, by: &'static [Mover], needs: Needs) -> Move<S> {
    Move {
        from,
        to,
        by,
        needs,
    }
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
    step(S::Proposed, S::Accepted, ADVISOR, Needs::Nothing),
    step(S::Proposed, S::Declined, ADVISOR, Needs::Nothing),
    step(S::Accepted, S::Interview, AGENCY, Needs::Nothing),
    step(S::Interview, S::Hired, AGENCY, Needs::StartDate),
    step(S::Interview, S::NotHired, AGENCY, Needs::NotHiredReason),
    step(S::Proposed, S::Cancelled, EITHER, Needs::Nothing),
    step(S::Accepted, S::Cancelled, EITHER, Needs::Nothing),
    step(S::Interview, S::Cancelled, EITHER, Needs::Nothing),
    step(S::Proposed, S::Expired, SYSTEM, Needs::Nothing),
    step(S::Accepted, S::Expired, SYSTEM, Needs::Nothing),
    step(S::Interview, S::Expired, SYSTEM, Needs::Nothing),
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

pub const SEAT_MOVES: &[Move<crate::Seat>] = {
    use crate::Seat::{Cancelled, Registered, Waiting};
    &[
        step(Waiting, Registered, SYSTEM, Needs::Nothing),
        step(Registered, Cancelled, EITHER_END, Needs::Nothing),
        step(Waiting, Cancelled, EITHER_END, Needs::Nothing),
    ]
};

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
        step(Proposed, Relayed, ADVISOR, Needs::Nothing),
        step(Proposed, Accepted, ADVISOR, Needs::Nothing),
        step(Proposed, Declined, ADVISOR, Needs::Nothing),
        step(Relayed, Accepted, ADVISOR, Needs::Nothing),
        step(Relayed, Declined, ADVISOR, Needs::Nothing),
        step(Proposed, Expired, SYSTEM, Needs::Nothing),
        step(Relayed, Expired, SYSTEM, Needs::Nothing),
        step(Proposed, Cancelled, ORGANISERS_OR_SYSTEM, Needs::Nothing),
        step(Relayed, Cancelled, ORGANISERS_OR_SYSTEM, Needs::Nothing),
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

pub const ACTION_MOVES: &[Move<crate::ActionState>] = {
    use crate::ActionState::{Cancelled, Closed, Draft, Held, Published};
    &[
        step(Draft, Published, ORGANISERS, Needs::Nothing),
        step(Published, Held, ORGANISERS_OR_SYSTEM, Needs::Nothing),
        step(Held, Closed, ORGANISERS, Needs::Nothing),
        step(Draft, Cancelled, ORGANISERS, Needs::Nothing),
        step(Published, Cancelled, ORGANISERS, Needs::Nothing),
    ]
};

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
mod tests;
