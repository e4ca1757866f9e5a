//! Training before hiring: from an offer and a person referred to it, the agency and the
//! person's advisor plan a training under a scheme (a POEI, say), in a session of the
//! catalogue or tailored (tutoring at the workplace), then follow it to the hire. Its states
//! are data (`crate::workflow::TRAINING_PLANS`); the scheme's obligations (the contract that
//! must follow) are checked by `crate::schemes::obligations` and a breach is flagged to the
//! steering committee.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::ContractType;
use crate::schemes::Scheme;

text_enum!(
    /// Where a plan stands: proposed by one side, agreed by the other, the training under way,
    /// completed, the person hired; or abandoned with a reason before the hire.
    PlanState {
        Proposed = "proposed",
        Agreed = "agreed",
        InTraining = "in_training",
        Completed = "completed",
        Hired = "hired",
        Abandoned = "abandoned",
    }
);

impl PlanState {
    /// The states in which the plan still holds the person (one open plan per person and
    /// offer).
    pub const OPEN: [PlanState; 4] = [
        PlanState::Proposed,
        PlanState::Agreed,
        PlanState::InTraining,
        PlanState::Completed,
    ];

    pub fn is_open(self) -> bool {
        Self::OPEN.contains(&self)
    }
}

text_enum!(
    /// Which side of the plan someone acts for.
    PlanSide {
        /// The structure that owns the offer.
        Offer = "offer",
        /// The person's France Travail agency.
        Person = "person",
    }
);

/// Why a plan is abandoned.
pub const PLAN_ABANDON_REASONS: &[&str] = &[
    "trainee_withdrew",
    "training_cancelled",
    "training_failed",
    "offer_withdrawn",
    "found_other_job",
    "health",
    "other",
];

/// The most hours a plan may hold (the longest scheme, a contrat de professionnalisation,
/// stays under this).
pub const PLAN_HOURS_MAX: u32 = 3_000;

/// A plan as one side proposes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewTrainingPlan {
    pub offer_id: i64,
    pub job_seeker_id: i64,
    /// The referral of the person to the offer the plan grows from.
    pub referral_id: i64,
    pub scheme: Scheme,
    /// A session of the catalogue, or none for a tailored training (tutoring, an in-house
    /// course).
    pub session_id: Option<i64>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// Hours with a training body, and at the workplace.
    pub hours_centre: u32,
    pub hours_enterprise: u32,
    pub proposed_side: PlanSide,
    pub proposed_by: Option<i64>,
}

/// The contract the training led to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanHire {
    pub contract_type: ContractType,
    pub starts_on: NaiveDate,
    /// Its length in months; none for an open-ended contract.
    pub months: Option<u32>,
}

/// A stored plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrainingPlan {
    pub id: i64,
    #[serde(flatten)]
    pub plan: NewTrainingPlan,
    /// The offer's structure and the person's agency: the two sides.
    pub offer_structure_id: i64,
    pub person_agency_id: i64,
    /// The offer's occupation, and the department of its workplace (the outcomes' cells).
    pub rome: String,
    pub department: String,
    pub state: PlanState,
    pub proposed_at: DateTime<Utc>,
    pub changed_at: DateTime<Utc>,
    pub abandon_reason: Option<String>,
    pub hire: Option<PlanHire>,
}

/// A plan of the past, written whole (the simulated region's year).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PastTrainingPlan {
    pub plan: NewTrainingPlan,
    pub state: PlanState,
    pub proposed_at: DateTime<Utc>,
    pub changed_at: DateTime<Utc>,
    pub abandon_reason: Option<String>,
    pub hire: Option<PlanHire>,
}
