//! Referrals of the past, written whole (the simulated region's year of sourcing): the
//! proposal and each move after it, with its day and the side that made it, as the workflow
//! ([`crate::workflow::REFERRALS`]) would have logged them one by one.

use chrono::{DateTime, NaiveDate, Utc};

use crate::ReferralState;
use crate::workflow::{self, Mover};

/// One move of a referral of the past: to which state, by which side, when, and what the
/// move carries (a hire's start, a refusal's reason, a note for the log).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastMove {
    pub to: ReferralState,
    pub by: Mover,
    pub at: DateTime<Utc>,
    pub hire_starts_on: Option<NaiveDate>,
    pub not_hired_reason: Option<String>,
    pub note: Option<String>,
}

impl PastMove {
    /// A move to `to` by `by` at `at` that carries nothing more.
    pub fn new(to: ReferralState, by: Mover, at: DateTime<Utc>) -> Self {
        Self {
            to,
            by,
            at,
            hire_starts_on: None,
            not_hired_reason: None,
            note: None,
        }
    }
}

/// A referral of the past: a person proposed for an offer at `proposed_at`, then its moves in
/// order. Its state is its last move's, its last change that move's day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastReferral {
    pub job_seeker_id: i64,
    pub offer_id: i64,
    pub proposed_by: Option<i64>,
    pub proposed_at: DateTime<Utc>,
    pub moves: Vec<PastMove>,
}

impl PastReferral {
    /// The state after its last move.
    pub fn state(&self) -> ReferralState {
        self.moves.last().map_or(ReferralState::Proposed, |m| m.to)
    }

    /// The day of its last move (its proposal without any).
    pub fn updated_at(&self) -> DateTime<Utc> {
        self.moves.last().map_or(self.proposed_at, |m| m.at)
    }

    /// Why it could not have happened, if it could not: a move the workflow refuses (from
    /// the state before it, by its side, with what it needs), or a day before the one
    /// before it.
    pub fn problem(&self) -> Option<String> {
        let mut state = ReferralState::Proposed;
        let mut day = self.proposed_at;
        for (i, m) in self.moves.iter().enumerate() {
            if m.at < day {
                return Some(format!("moves[{i}].at: before the move it follows"));
            }
            if let Err(err) = workflow::check(
                state,
                m.to,
                m.by,
                m.hire_starts_on,
                m.not_hired_reason.as_deref(),
            ) {
                return Some(format!("moves[{i}]: {err}"));
            }
            if m.hire_starts_on.is_some() && m.to != ReferralState::Hired {
                return Some(format!("moves[{i}].hire_starts_on: only for a hire"));
            }
            if m.not_hired_reason.is_some() && m.to != ReferralState::NotHired {
                return Some(format!("moves[{i}].not_hired_reason: only when not hired"));
            }
            state = m.to;
            day = m.at;
        }
        None
    }

    /// The start of its hire, when it ended in one.
    pub fn hire_starts_on(&self) -> Option<NaiveDate> {
        self.moves.last().and_then(|m| m.hire_starts_on)
    }

    /// Why it ended without a hire, when it did after an interview.
    pub fn not_hired_reason(&self) -> Option<&str> {
        self.moves
            .last()
            .and_then(|m| m.not_hired_reason.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, day, 9, 0, 0).unwrap()
    }

    fn step(to: ReferralState, by: Mover, day: u32) -> PastMove {
        PastMove::new(to, by, at(day))
    }

    #[test]
    fn a_past_referral_is_checked_against_the_workflow_and_its_days() {
        let mut hire = step(ReferralState::Hired, Mover::OfferSide, 9);
        hire.hire_starts_on = at(12).date_naive().into();
        let past = PastReferral {
            job_seeker_id: 1,
            offer_id: 2,
            proposed_by: None,
            proposed_at: at(1),
            moves: vec![
                step(ReferralState::Accepted, Mover::PersonSide, 2),
                step(ReferralState::Interview, Mover::OfferSide, 5),
                hire,
            ],
        };
        assert_eq!(past.problem(), None);
        assert_eq!(past.state(), ReferralState::Hired);
        assert_eq!(past.updated_at(), at(9));
        assert_eq!(past.hire_starts_on(), Some(at(12).date_naive()));

        let mut wrong_side = past.clone();
        wrong_side.moves[0].by = Mover::OfferSide;
        assert!(wrong_side.problem().unwrap().starts_with("moves[0]: "));
        let mut skipped = past.clone();
        skipped.moves.remove(1);
        assert!(skipped.problem().unwrap().starts_with("moves[1]: "));
        let mut back = past.clone();
        back.moves[1].at = at(1);
        assert_eq!(
            back.problem().unwrap(),
            "moves[1].at: before the move it follows"
        );
        let mut no_start = past.clone();
        no_start.moves[2].hire_starts_on = None;
        assert!(no_start.problem().is_some());
        let mut reason = past;
        reason.moves[1].not_hired_reason = Some("other".to_string());
        assert!(reason.problem().is_some());
    }
}
