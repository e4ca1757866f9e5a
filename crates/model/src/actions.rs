//! Co-organised recruitment actions (axis 3 of the agreement: "co-organiser des actions sur les
//! offres difficiles à pourvoir"): a job dating, a forum, an MRS session, a company visit...
//! led by a France Travail agency with one or more agencies, about offers (those at risk
//! first) and occupations, held in a place or online; each is a gathering
//! (`crate::gatherings`) for its seats, registrations and attendance. Its states are data:
//! `crate::workflow::ACTIONS`.

use chrono::{DateTime, NaiveDate, Utc};
use domain::{InseeCode, RomeCode};
use serde::{Deserialize, Serialize};

use crate::{Attendance, ContractType, Modality, NewGathering};

text_enum!(
    /// The kinds of recruitment action both networks co-organise (axis 3 of the agreement).
    ActionKind {
        JobDating = "job_dating",
        Forum = "forum",
        /// Recrutement par simulation (méthode de recrutement par simulation, MRS).
        Mrs = "mrs",
        CompanyVisit = "company_visit",
        OccupationDiscovery = "occupation_discovery",
        Workshop = "workshop",
        CollectiveInformation = "collective_information",
    }
);

text_enum!(
    /// Where a co-organised action stands: prepared, open to registrations, held, its
    /// outcomes closed; or cancelled.
    ActionState {
        Draft = "draft",
        Published = "published",
        Held = "held",
        Closed = "closed",
        Cancelled = "cancelled",
    }
);

text_enum!(
    /// Where an invitation to an action stands: drawn by the engine for the person's agency,
    /// relayed to the person by their advisor, answered (accepted: the person is registered;
    /// declined), or left unanswered past its deadline (expired), or withdrawn by the
    /// organisers (cancelled).
    InvitationState {
        Proposed = "proposed",
        Relayed = "relayed",
        Accepted = "accepted",
        Declined = "declined",
        Expired = "expired",
        Cancelled = "cancelled",
    }
);

text_enum!(
    /// What an action led to for a participant, recorded by its organisers: an interview, a
    /// hire, an entry into training, an immersion (période de mise en situation en milieu
    /// professionnel, PMSMP).
    OutcomeKind {
        Interview = "interview",
        Hire = "hire",
        Training = "training",
        Immersion = "immersion",
    }
);

text_enum!(
    /// Whom an action says it is open to: a tag of the action, never anyone's status.
    PublicTag {
        /// « Ouvert aux travailleurs handicapés ».
        OpenToDisabledWorkers = "open_to_disabled_workers",
        BeginnersWelcome = "beginners_welcome",
        NoDiplomaRequired = "no_diploma_required",
        Under26 = "under_26",
        Over50 = "over_50",
    }
);

/// An action as its organisers describe it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewAction {
    pub kind: ActionKind,
    pub title: String,
    pub description: String,
    /// The France Travail agency that leads it.
    pub lead: i64,
    /// The agencies that co-organise it (at least one, none the lead).
    pub partners: Vec<i64>,
    /// The offers it is for.
    pub offers: Vec<i64>,
    /// The occupations it is for.
    pub romes: Vec<RomeCode>,
    /// Where it is held (with `address`), or `online_link`, or both.
    pub commune: Option<InseeCode>,
    pub address: Option<String>,
    pub online_link: Option<String>,
    /// What a participant needs (a licence, a level...), as the organisers write it.
    pub prerequisites: Vec<String>,
    pub public_tags: Vec<PublicTag>,
    /// Its time and seats.
    pub gathering: NewGathering,
    pub created_by: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Action {
    pub id: i64,
    #[serde(flatten)]
    pub action: NewAction,
    pub state: ActionState,
    pub gathering_id: i64,
    pub created_at: DateTime<Utc>,
    /// The last move of its state.
    pub changed_at: DateTime<Utc>,
}

/// Why an action may not move to `to` at `now` by its gathering's time, if it may not: it is
/// published before it starts, held once it has started, closed once its attendance is.
pub fn time_refusal(
    to: ActionState,
    starts_at: DateTime<Utc>,
    attendance_closed: bool,
    now: DateTime<Utc>,
) -> Option<&'static str> {
    match to {
        ActionState::Published if starts_at <= now => {
            Some("state: an action is published before it starts")
        }
        ActionState::Held if starts_at > now => {
            Some("state: an action is held once it has started")
        }
        ActionState::Closed if !attendance_closed => {
            Some("state: an action is closed once its attendance is")
        }
        _ => None,
    }
}

impl Action {
    /// Whether a structure organises it (leads or co-organises).
    pub fn is_organised_by(&self, structure: i64) -> bool {
        self.action.lead == structure || self.action.partners.contains(&structure)
    }
}

/// An invitation to an action, drawn by the engine from the action's offers: a person, the
/// offer they were drawn for, and their France Travail agency, which relays it and records
/// the answer by `deadline`. No status of the person is kept with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewInvitation {
    pub action_id: i64,
    pub job_seeker_id: i64,
    pub offer_id: Option<i64>,
    /// The person's France Travail agency.
    pub agency_id: i64,
    pub deadline: DateTime<Utc>,
    pub created_by: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Invitation {
    pub id: i64,
    #[serde(flatten)]
    pub invitation: NewInvitation,
    pub state: InvitationState,
    pub created_at: DateTime<Utc>,
    pub changed_at: DateTime<Utc>,
    /// The person's registration in the action's gathering, once they accepted.
    pub registration_id: Option<i64>,
}

/// Days after an action ends during which its organisers record what it led to.
pub const OUTCOME_DAYS: i64 = 90;

/// What an action led to for one participant (one of each kind per person and action).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewOutcome {
    pub action_id: i64,
    pub job_seeker_id: i64,
    pub kind: OutcomeKind,
    /// The offer it is about (an interview or a hire for one of the action's offers).
    pub offer_id: Option<i64>,
    /// For a hire: the contract, and its length in months (none for an open-ended one).
    pub contract_type: Option<ContractType>,
    pub contract_months: Option<u16>,
    /// The day it happened (or starts).
    pub on: NaiveDate,
    pub recorded_by: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub id: i64,
    #[serde(flatten)]
    pub outcome: NewOutcome,
    pub recorded_at: DateTime<Utc>,
}

/// The stages of an action's funnel, in order.
pub const FUNNEL: [&str; 5] = ["invited", "registered", "present", "interviewed", "hired"];

/// One stage of a funnel: participations (a person in an action) that reached it, and how
/// many of them hold each priority status (in `PriorityStatus::ALL`'s order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FunnelStage {
    pub stage: String,
    pub count: u64,
    pub holders: [u64; 6],
}

/// An action of the past as a whole, written at once (the simulated region's year of actions,
/// an import of history): the action, its state now, each invitation with what became of it,
/// and what it led to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PastAction {
    pub action: NewAction,
    pub state: ActionState,
    pub created_at: DateTime<Utc>,
    /// When its attendance was closed, if it was.
    pub attendance_closed_at: Option<DateTime<Utc>>,
    pub invitations: Vec<PastInvitation>,
    pub outcomes: Vec<(NewOutcome, DateTime<Utc>)>,
}

/// An invitation of the past: drawn at `invitation`'s time, answered (`state`) at
/// `answered_at`; an accepted one seated or waiting in `modality`, with its attendance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PastInvitation {
    pub invitation: NewInvitation,
    pub drawn_at: DateTime<Utc>,
    pub state: InvitationState,
    pub answered_at: DateTime<Utc>,
    pub seat: Option<(Modality, bool, Option<Attendance>)>,
}
