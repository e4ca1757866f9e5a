//! Duos (the pilot of axis 3: "des duos demandeur d'emploi – intérimaire"): a temp worker
//! experienced in an occupation in shortage, registered as a volunteer mentor by their agency
//! with their consent, paired for a few months with a job seeker who discovers the occupation
//! from the inside. The duo's states are data (`crate::workflow::DUOS`); its coordinator is
//! the job seeker's France Travail agency, which proposes it, follows it and records what it
//! led to; the mentor's agency answers for the mentor.

use chrono::{DateTime, NaiveDate, Utc};
use domain::{Email, InseeCode, PersonName, PhoneNumber, RomeCode};
use serde::{Deserialize, Serialize};

text_enum!(
    /// Where a duo stands: proposed by the coordinator, agreed by one side then the other
    /// (accepted), active once it has started (its first contact), then completed or stopped
    /// early with a reason; or declined by either side before it starts.
    DuoState {
        Proposed = "proposed",
        MentorAgreed = "mentor_agreed",
        SeekerAgreed = "seeker_agreed",
        Accepted = "accepted",
        Active = "active",
        Completed = "completed",
        Stopped = "stopped",
        Declined = "declined",
    }
);

impl DuoState {
    /// The states in which a duo holds one of its mentor's places (and its job seeker's).
    pub const OPEN: [DuoState; 5] = [
        DuoState::Proposed,
        DuoState::MentorAgreed,
        DuoState::SeekerAgreed,
        DuoState::Accepted,
        DuoState::Active,
    ];

    pub fn is_open(self) -> bool {
        Self::OPEN.contains(&self)
    }

    /// Whether both sides said yes (the duo is or was under way).
    pub fn was_accepted(self) -> bool {
        matches!(
            self,
            DuoState::Accepted | DuoState::Active | DuoState::Completed | DuoState::Stopped
        )
    }
}

text_enum!(
    /// What a duo's contact was.
    ContactKind {
        /// A call (phone or video).
        Call = "call",
        /// A day alongside the mentor at work.
        DayAlongside = "day_alongside",
        /// A workshop together (a visit, a practical session).
        Workshop = "workshop",
    }
);

text_enum!(
    /// What a duo led to for the job seeker, at its end or six months later.
    DuoOutcomeKind {
        Job = "job",
        Training = "training",
        /// An immersion (période de mise en situation en milieu professionnel, PMSMP).
        Immersion = "immersion",
        Nothing = "none",
    }
);

text_enum!(
    /// When a duo's outcome is taken: at its end, and six months after it.
    DuoMilestone {
        End = "end",
        SixMonths = "six_months",
    }
);

/// A duo lasts three months unless its coordinator sets otherwise, nine at most.
pub const DUO_MONTHS_DEFAULT: u8 = 3;
pub const DUO_MONTHS_MAX: u8 = 9;
/// An active duo with nothing logged for this long raises an alert.
pub const DUO_SILENCE_DAYS: i64 = 21;
/// The six-month outcome is taken this many days after the duo's end.
pub const DUO_FOLLOW_UP_DAYS: i64 = 183;
/// A mentor takes one or two job seekers at once.
pub const MENTOR_CAPACITY_MAX: u8 = 2;
/// Occupations a mentor declares, at most.
pub const MENTOR_OCCUPATIONS_MAX: usize = 5;

/// Why a duo stopped before its end: the list the form offers.
pub const DUO_STOP_REASONS: &[&str] = &[
    "found_job",
    "seeker_withdrew",
    "mentor_withdrew",
    "mentor_unavailable",
    "mismatch",
    "consent_withdrawn",
    "other",
];

/// An occupation a mentor practises, and for how long.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MentorOccupation {
    pub rome: RomeCode,
    pub months: u16,
}

/// A temp worker who volunteers as a mentor, as their agency registers them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewMentor {
    /// The agence d'emploi the temp worker works through.
    pub agency_id: i64,
    pub first_name: PersonName,
    pub last_name: PersonName,
    pub email: Option<Email>,
    pub phone: Option<PhoneNumber>,
    pub commune: InseeCode,
    /// One to [`MENTOR_OCCUPATIONS_MAX`] occupations.
    pub occupations: Vec<MentorOccupation>,
    /// From when, and how many hours a month they can give.
    pub available_from: NaiveDate,
    pub hours_per_month: u8,
    /// How many job seekers at once (1 or 2).
    pub capacity: u8,
    /// The day the temp worker gave their consent to be a mentor and to have their identity
    /// shown to a job seeker's advisor once a duo is accepted.
    pub consent_on: NaiveDate,
    pub created_by: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mentor {
    pub id: i64,
    #[serde(flatten)]
    pub mentor: NewMentor,
    pub created_at: DateTime<Utc>,
    /// When the temp worker withdrew (no duo is proposed to them any more).
    pub withdrawn_at: Option<DateTime<Utc>>,
    /// Duos holding one of their places now.
    pub open_duos: u8,
}

impl Mentor {
    /// How a mentor is shown to whoever may not see their identity.
    pub fn pseudonym(&self) -> String {
        mentor_pseudonym(self.id)
    }

    /// Whether another duo may be proposed to them.
    pub fn has_room(&self) -> bool {
        self.withdrawn_at.is_none() && self.open_duos < self.mentor.capacity
    }
}

pub fn mentor_pseudonym(id: i64) -> String {
    format!("Tuteur T-{id:05}")
}

/// A duo as its coordinator proposes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewDuo {
    pub job_seeker_id: i64,
    pub mentor_id: i64,
    /// The occupation the job seeker discovers (one of the mentor's).
    pub rome: RomeCode,
    /// Its planned length in months (1 to [`DUO_MONTHS_MAX`]).
    pub months: u8,
    /// The job seeker's France Travail agency, which coordinates it.
    pub coordinator_id: i64,
    /// Whether the mentor was drawn by lottery (the pilot's evaluation).
    pub drawn: bool,
    pub proposed_by: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Duo {
    pub id: i64,
    #[serde(flatten)]
    pub duo: NewDuo,
    /// The mentor's agency.
    pub mentor_agency_id: i64,
    pub state: DuoState,
    pub proposed_at: DateTime<Utc>,
    pub changed_at: DateTime<Utc>,
    pub started_on: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
    pub stop_reason: Option<String>,
    /// The day of its last contact.
    pub last_contact_on: Option<NaiveDate>,
}

impl Duo {
    /// The day it is planned to end, once started.
    pub fn planned_end(&self) -> Option<NaiveDate> {
        self.started_on
            .and_then(|d| d.checked_add_months(chrono::Months::new(u32::from(self.duo.months))))
    }

    /// Whether an active duo has had nothing logged for [`DUO_SILENCE_DAYS`] at `today`.
    pub fn is_silent(&self, today: NaiveDate) -> bool {
        self.state == DuoState::Active
            && self
                .last_contact_on
                .or(self.started_on)
                .is_some_and(|d| (today - d).num_days() >= DUO_SILENCE_DAYS)
    }
}

/// A contact between a duo's members: its day, length, kind; the note is the coordinator's
/// only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewContact {
    pub duo_id: i64,
    pub on: NaiveDate,
    pub minutes: u16,
    pub kind: ContactKind,
    pub note: Option<String>,
    pub logged_by: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contact {
    pub id: i64,
    #[serde(flatten)]
    pub contact: NewContact,
    pub logged_at: DateTime<Utc>,
}

/// What a duo led to, at a milestone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DuoOutcome {
    pub duo_id: i64,
    pub milestone: DuoMilestone,
    pub kind: DuoOutcomeKind,
    pub recorded_by: Option<i64>,
    pub recorded_at: DateTime<Utc>,
}

/// A lottery draw as the coordinator enters it: the person, their agency, the occupation,
/// and whether they won.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewDraw {
    pub job_seeker_id: i64,
    pub coordinator_id: i64,
    pub rome: RomeCode,
    pub won: bool,
    pub drawn_by: Option<i64>,
}

/// A lottery draw for a job seeker: won (a mentor drawn at random among the eligible, the duo
/// proposed) or lost (no duo: the person belongs to the comparison group of the draw).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DuoDraw {
    pub id: i64,
    pub job_seeker_id: i64,
    pub coordinator_id: i64,
    pub rome: RomeCode,
    pub won: bool,
    pub duo_id: Option<i64>,
    pub drawn_at: DateTime<Utc>,
    pub drawn_by: Option<i64>,
}

/// A duo of the past as a whole (the simulated region's year of duos): the duo, its
/// state now and its days, its contacts and outcomes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PastDuo {
    pub duo: NewDuo,
    pub state: DuoState,
    pub proposed_at: DateTime<Utc>,
    pub started_on: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
    pub stop_reason: Option<String>,
    pub contacts: Vec<NewContact>,
    pub outcomes: Vec<(DuoMilestone, DuoOutcomeKind, DateTime<Utc>)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn duo(state: DuoState, started: Option<&str>, last: Option<&str>) -> Duo {
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        Duo {
            id: 1,
            duo: NewDuo {
                job_seeker_id: 1,
                mentor_id: 1,
                rome: RomeCode::parse("F1703").unwrap(),
                months: 3,
                coordinator_id: 1,
                drawn: false,
                proposed_by: None,
            },
            mentor_agency_id: 2,
            state,
            proposed_at: DateTime::<Utc>::UNIX_EPOCH,
            changed_at: DateTime::<Utc>::UNIX_EPOCH,
            started_on: started.map(day),
            ended_on: None,
            stop_reason: None,
            last_contact_on: last.map(day),
        }
    }

    #[test]
    fn an_active_duo_is_silent_after_three_weeks_without_contact() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 22).unwrap();
        assert!(duo(DuoState::Active, Some("2026-03-01"), None).is_silent(today));
        assert!(!duo(DuoState::Active, Some("2026-03-02"), None).is_silent(today));
        assert!(!duo(DuoState::Active, Some("2026-01-01"), Some("2026-03-10")).is_silent(today));
        assert!(duo(DuoState::Active, Some("2026-01-01"), Some("2026-02-28")).is_silent(today));
        assert!(!duo(DuoState::Completed, Some("2026-01-01"), None).is_silent(today));
    }

    #[test]
    fn a_duo_ends_its_months_after_its_start() {
        let d = duo(DuoState::Active, Some("2026-01-31"), None);
        assert_eq!(d.planned_end(), NaiveDate::from_ymd_opt(2026, 4, 30));
        assert_eq!(duo(DuoState::Accepted, None, None).planned_end(), None);
    }
}
