//! The records Passerelle keeps, as the store reads and writes them and the engine ranks them:
//! plain data, free of any storage. Fields hold parsed domain types, so a record in hand is
//! valid; the schemas re-check what they can.

#[macro_use]
mod text_enum;

mod actions;
pub mod audit;
pub mod dashboard;
mod difficulty;
mod directory;
mod duos;
pub mod evaluations;
mod gatherings;
pub mod indicators;
mod meetings;
pub mod people;
pub mod policy;
pub mod portfolio;
mod referrals;
pub mod retention;
pub mod schemes;
pub mod secrecy;
pub mod staff;
mod tension;
pub mod text;
pub mod training_plans;
pub mod trainings;
pub mod workflow;

pub use actions::{
    Action, ActionKind, ActionState, FUNNEL, FunnelStage, Invitation, InvitationState, NewAction,
    NewInvitation, NewOutcome, OUTCOME_DAYS, Outcome, OutcomeKind, PastAction, PastInvitation,
    PublicTag, time_refusal as action_time_refusal,
};
pub use difficulty::{DifficultyModel, NewDifficultyModel, OfferHistory};
pub use directory::{
    Service, ServiceAction, ServiceChange, ServiceRecord, ServiceStatus, StructureProfile,
};
pub use duos::{
    Contact, ContactKind, DUO_FOLLOW_UP_DAYS, DUO_MONTHS_DEFAULT, DUO_MONTHS_MAX, DUO_SILENCE_DAYS,
    DUO_STOP_REASONS, Duo, DuoDraw, DuoMilestone, DuoOutcome, DuoOutcomeKind, DuoState,
    MENTOR_CAPACITY_MAX, MENTOR_OCCUPATIONS_MAX, Mentor, MentorOccupation, NewContact, NewDraw,
    NewDuo, NewMentor, PastDuo, mentor_pseudonym,
};
pub use gatherings::{
    Attendance, Gathering, GatheringRegistration, Modality, NewGathering, NewMessage,
    OutboxMessage, Participant, Seat, Seated,
};
pub use meetings::{Meeting, NewMeeting, PastMeeting, PastRegistration};
pub use referrals::{PastMove, PastReferral};
pub use tension::{LocalQuery, OfferGroup, SeekerGroup, SeekerSet};

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use domain::{
    CommuteLimitKm, Email, ExternalId, InseeCode, PersonName, PhoneNumber, Postcode, RomeCode,
    Siret, Targets,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

text_enum!(
    /// What kind of organisation a structure is.
    StructureKind {
        FranceTravail = "france_travail",
        AgenceEmploi = "agence_emploi",
        CapEmploi = "cap_emploi",
        MissionLocale = "mission_locale",
        Akto = "akto",
        Fastt = "fastt",
        Other = "other",
    }
);

text_enum!(StructureStatus { Active = "active", Closed = "closed" });

text_enum!(
    /// A user's role in one structure (see MISSION.md).
    Role {
        Advisor = "advisor",
        Recruiter = "recruiter",
        AgencyManager = "agency_manager",
        Partner = "partner",
        Steering = "steering",
        Admin = "admin",
    }
);

impl Role {
    /// The kinds of structure a seat of this role may be in: advisors in France Travail
    /// agencies, recruiters and agency managers in agences d'emploi, partners in the partner
    /// networks (Cap emploi, missions locales, Akto, FASTT, others), the steering committee in
    /// a France Travail direction or another signatory's body; administrators anywhere. No
    /// mixed seat exists: a role's rights assume its kind of structure (an advisor answers for
    /// the job seekers their agency follows; only agences d'emploi recruit through offers).
    pub fn structure_kinds(self) -> &'static [StructureKind] {
        use StructureKind as K;
        match self {
            Role::Advisor => &[K::FranceTravail],
            Role::Recruiter | Role::AgencyManager => &[K::AgenceEmploi],
            Role::Partner => &[K::CapEmploi, K::MissionLocale, K::Akto, K::Fastt, K::Other],
            Role::Steering => &[K::FranceTravail, K::Other],
            Role::Admin => K::ALL,
        }
    }

    /// Whether a seat of this role may be in a structure of this kind.
    pub fn fits(self, kind: StructureKind) -> bool {
        self.structure_kinds().contains(&kind)
    }
}

text_enum!(UserStatus { Active = "active", Disabled = "disabled" });

text_enum!(
    /// France Travail's contract types (`typeContrat`, as its Offres d'emploi v2 API lists them): MIS is temporary work (mission
    /// d'intérim), DIN the CDI intérimaire.
    ContractType {
        Cdi = "CDI",
        Cdd = "CDD",
        Mis = "MIS",
        Sai = "SAI",
        Din = "DIN",
        Cce = "CCE",
        Ddi = "DDI",
        Ddt = "DDT",
        Fra = "FRA",
        Lib = "LIB",
        Rep = "REP",
        Tti = "TTI",
    }
);

text_enum!(WorkingTimePreference { FullTime = "full_time", PartTime = "part_time", Any = "any" });

text_enum!(WorkingTime { FullTime = "full_time", PartTime = "part_time" });

text_enum!(
    /// France Travail's `experienceExige`: D beginners accepted, S experience wished, E required.
    ExperienceRequired { Beginner = "D", Wished = "S", Required = "E" }
);

text_enum!(
    /// Priority publics of the partnership. RQTH is health data (GDPR art. 9).
    PriorityStatus {
        /// Reconnaissance de la qualité de travailleur handicapé.
        Rqth = "rqth",
        /// Registered for a year or more.
        LongTerm = "long_term",
        /// Receives the revenu de solidarité active.
        Rsa = "rsa",
        /// Lives in a quartier prioritaire de la politique de la ville.
        Qpv = "qpv",
        /// Aged 50 or more.
        Senior = "senior",
        /// Under 26 without a qualification.
        YoungUnqualified = "young_unqualified",
    }
);

text_enum!(ConsentScope { AllAgencies = "all_agencies", DepartmentAgencies = "department_agencies" });

text_enum!(
    /// How a person's consent or disclosure was given to their advisor.
    ConsentChannel {
        InPerson = "in_person",
        Phone = "phone",
        Email = "email",
        Letter = "letter",
        Online = "online",
    }
);

text_enum!(JobSeekerStatus { Active = "active", Suspended = "suspended", Left = "left" });

text_enum!(OfferStatus { Open = "open", Filled = "filled", Cancelled = "cancelled", Expired = "expired" });

text_enum!(
    /// Why a cancelled offer was cancelled, when the source says (France Travail's closing
    /// reasons): the recruiter gave up for lack of candidates, or the need went away.
    CloseReason {
        LackOfCandidates = "lack_of_candidates",
        NeedWithdrawn = "need_withdrawn",
    }
);

/// A monthly gross wage range, in euros: what a year pays divided by twelve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MonthlyWage {
    pub min: f64,
    pub max: f64,
}

impl MonthlyWage {
    /// The range, or why it is not one: both figures finite and positive, `min <= max`.
    pub fn new(min: f64, max: f64) -> Result<Self, String> {
        if !(min.is_finite() && max.is_finite() && min > 0.0 && max > 0.0) {
            return Err(format!("{min} to {max} is not a positive amount"));
        }
        if min > max {
            return Err(format!("the minimum {min} is above the maximum {max}"));
        }
        Ok(Self { min, max })
    }

    /// The middle of the range.
    pub fn mid(&self) -> f64 {
        (self.min + self.max) / 2.0
    }

    /// France Travail's `salaire.libelle` for the range: "Mensuel de 1800.00 Euros à 2000.00
    /// Euros sur 12 mois", or one figure when both ends are the same.
    pub fn label(&self) -> String {
        if (self.max - self.min).abs() < 0.005 {
            format!("Mensuel de {:.2} Euros sur 12 mois", self.min)
        } else {
            format!(
                "Mensuel de {:.2} Euros à {:.2} Euros sur 12 mois",
                self.min, self.max
            )
        }
    }
}

text_enum!(
    /// States of a referral ("mise en relation").
    ReferralState {
        Proposed = "proposed",
        Accepted = "accepted",
        Declined = "declined",
        Interview = "interview",
        Hired = "hired",
        NotHired = "not_hired",
        Cancelled = "cancelled",
        Expired = "expired",
    }
);

/// SHA-256 of the record's canonical JSON, in hex: how a bulk write tells an unchanged record
/// from a changed one without comparing every column.
pub fn content_hash<T: Serialize>(record: &T) -> String {
    let bytes = serde_json::to_vec(record).unwrap_or_default();
    let digest = Sha256::digest(&bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A structure of either network, or a partner, as imported or edited.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StructureRecord {
    pub siret: Siret,
    pub kind: StructureKind,
    pub name: String,
    /// Brand or network (Adecco, Randstad, Manpower...), for agences d'emploi.
    pub network: Option<String>,
    pub address: Option<String>,
    pub postcode: Option<Postcode>,
    pub commune: InseeCode,
    /// (latitude, longitude); the commune's when unknown.
    pub coordinates: Option<(f64, f64)>,
    pub email: Option<Email>,
    pub phone: Option<PhoneNumber>,
    pub website: Option<String>,
    pub status: StructureStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Structure {
    pub id: i64,
    #[serde(flatten)]
    pub record: StructureRecord,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Its `Debug` hides the password hash.
#[derive(Clone, PartialEq, Serialize)]
pub struct NewUser {
    pub email: Email,
    pub display_name: String,
    /// An argon2id PHC string; `None` for accounts that only use API tokens.
    pub password_hash: Option<String>,
}

/// Its `Debug` hides the password hash.
#[derive(Clone, PartialEq, Serialize)]
pub struct User {
    pub id: i64,
    pub email: Email,
    pub display_name: String,
    #[serde(skip)]
    pub password_hash: Option<String>,
    pub status: UserStatus,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Membership {
    pub user_id: i64,
    pub structure_id: i64,
    pub role: Role,
    pub created_at: DateTime<Utc>,
}

/// How a secret shows in `Debug`: whether there is one, never what it is.
fn redacted(secret: Option<&str>) -> &'static str {
    match secret {
        Some(_) => "Some(<redacted>)",
        None => "None",
    }
}

/// Writes `text` as it is, without `Debug`'s quotes (for [`redacted`]).
struct Bare(&'static str);

impl std::fmt::Debug for Bare {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

impl std::fmt::Debug for NewUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewUser")
            .field("email", &self.email)
            .field("display_name", &self.display_name)
            .field(
                "password_hash",
                &Bare(redacted(self.password_hash.as_deref())),
            )
            .finish()
    }
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("display_name", &self.display_name)
            .field(
                "password_hash",
                &Bare(redacted(self.password_hash.as_deref())),
            )
            .field("status", &self.status)
            .field("created_at", &self.created_at)
            .finish()
    }
}

/// The SHA-256 of an API token, in hex: tokens themselves are never stored.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenHash(String);

impl TokenHash {
    pub fn of_token(token: &str) -> Self {
        let digest = Sha256::digest(token.as_bytes());
        Self(digest.iter().map(|b| format!("{b:02x}")).collect())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for TokenHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenHash(..)")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApiToken {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// French driving licence categories, each with the categories it implies (holding CE means
/// holding C, C1E, C1, BE and B): one table for the engine and its SQL peer.
pub const DRIVING_LICENCES: [(&str, &[&str]); 15] = [
    ("AM", &[]),
    ("A1", &[]),
    ("A2", &[]),
    ("A", &["A2"]),
    ("B", &[]),
    ("B96", &["B"]),
    ("BE", &["B"]),
    ("C1", &["B"]),
    ("C1E", &["C1", "BE"]),
    ("C", &["C1"]),
    ("CE", &["C", "C1E"]),
    ("D1", &["B"]),
    ("D1E", &["D1", "BE"]),
    ("D", &["D1"]),
    ("DE", &["D", "D1E"]),
];

/// A driving licence, CACES, electrical habilitation or other certification.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Qualification {
    /// `driving_licence`, `caces`, `electrical`, `other`.
    pub kind: String,
    /// `B`, `C1E`, `R489-3`, `B1V`...
    pub code: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Language {
    /// ISO 639-1 code.
    pub code: String,
    /// CEFR level, A1 to C2, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Experience {
    pub rome: RomeCode,
    pub months: u16,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    pub given_at: DateTime<Utc>,
    pub scope: ConsentScope,
}

/// A person's consent and disclosures as recorded in Passerelle (by their advisor, or by
/// France Travail's systems through the API): the whole state after the change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentChange {
    /// The scope of the consent to be proposed to agencies; `None`: withdrawn (or never given).
    pub scope: Option<ConsentScope>,
    pub channel: ConsentChannel,
    /// The priority statuses the person lets agencies see (each must be held).
    pub disclosed: Vec<PriorityStatus>,
    /// The kinds of evaluation the person lets other structures than the one that recorded
    /// them see ([`evaluations`]).
    #[serde(default)]
    pub shared_evaluations: Vec<evaluations::EvaluationKind>,
}

/// One recorded change of a person's consent and disclosures: the history kept.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConsentEvent {
    pub id: i64,
    pub job_seeker_id: i64,
    #[serde(flatten)]
    pub change: ConsentChange,
    pub recorded_by: Option<i64>,
    pub recorded_at: DateTime<Utc>,
}

/// A job seeker as France Travail's portfolio export or an advisor describes them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobSeekerRecord {
    /// France Travail's identifier of the person: the natural key of imports.
    pub external_id: ExternalId,
    pub first_name: PersonName,
    pub last_name: PersonName,
    pub email: Option<Email>,
    pub phone: Option<PhoneNumber>,
    pub birth_date: Option<NaiveDate>,
    pub commune: InseeCode,
    pub available_from: Option<NaiveDate>,
    pub commute_limit: CommuteLimitKm,
    pub targets: Targets,
    /// OGR codes of ROME skills.
    pub skills: Vec<String>,
    pub qualifications: Vec<Qualification>,
    pub languages: Vec<Language>,
    pub experience: Vec<Experience>,
    pub contract_types: Vec<ContractType>,
    pub working_time: WorkingTimePreference,
    /// Priority statuses held, each with the person's choice to disclose it to agencies.
    pub priorities: BTreeMap<PriorityStatus, Disclosure>,
    /// Consent to be proposed to agencies.
    pub consent: Option<Consent>,
    /// The France Travail agency whose portfolio holds the person.
    pub agency_siret: Siret,
    /// The portfolio advisor.
    pub advisor_email: Option<Email>,
    pub registered_on: NaiveDate,
    pub status: JobSeekerStatus,
}

/// Whether the person chose to disclose a priority status to agencies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Disclosure {
    Private,
    Disclosed,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobSeeker {
    pub id: i64,
    /// Shown to agencies until the person accepts a referral.
    pub pseudonym: String,
    #[serde(flatten)]
    pub record: JobSeekerRecord,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The skills the person's shared evaluations prove (what the engine counts), kept by
    /// the store from the evaluations and the kinds shared; never shown as such.
    #[serde(skip)]
    pub proven_skills: Vec<evaluations::ProvenSkill>,
}

/// A skill an offer asks for (`competences` of Offres d'emploi v2).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct OfferSkill {
    pub code: Option<String>,
    pub label: String,
    /// `E` required, `S` wished.
    pub requirement: Option<String>,
}

/// An offer, with the fields of France Travail's Offres d'emploi v2.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfferRecord {
    /// The structure that owns the offer.
    pub structure_siret: Siret,
    /// The owner's reference (or France Travail's offer id): with the owner, the natural key.
    pub external_id: ExternalId,
    pub title: String,
    pub description: String,
    pub rome: RomeCode,
    pub job_title: Option<String>,
    pub job_title_ogr: Option<String>,
    pub workplace_label: Option<String>,
    pub commune: InseeCode,
    pub postcode: Option<Postcode>,
    pub coordinates: Option<(f64, f64)>,
    pub contract_type: ContractType,
    pub contract_nature: Option<String>,
    pub duration_label: Option<String>,
    pub duration_days: Option<u32>,
    pub hours_label: Option<String>,
    pub weekly_hours: Option<f64>,
    pub working_time: Option<WorkingTime>,
    /// `salaire.libelle`, as the source wrote it.
    pub salary_label: Option<String>,
    /// The monthly gross range read from the label (or given as figures); `None` when the
    /// label could not be read, which the import report says.
    pub wage: Option<MonthlyWage>,
    pub qualification_code: Option<String>,
    /// NAF code of the employer's sector (`secteurActivite`).
    pub sector_code: Option<String>,
    pub experience_required: ExperienceRequired,
    pub experience_months: Option<u16>,
    /// Driving licences asked for (`permis`).
    pub licences: Vec<String>,
    pub skills: Vec<OfferSkill>,
    pub positions: u16,
    /// `accessibleTH`: open to disabled workers.
    pub accessible_th: bool,
    /// `offresManqueCandidats`: hard to fill.
    pub hard_to_fill: bool,
    pub starts_on: Option<NaiveDate>,
    pub status: OfferStatus,
    pub published_at: DateTime<Utc>,
    pub source_updated_at: Option<DateTime<Utc>>,
    /// When the offer stopped being open; set exactly when the status is not open.
    pub closed_at: Option<DateTime<Utc>>,
    /// Why a cancelled offer was, when known; only a cancelled offer has one.
    pub close_reason: Option<CloseReason>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Offer {
    pub id: i64,
    #[serde(flatten)]
    pub record: OfferRecord,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Referral {
    pub id: i64,
    pub job_seeker_id: i64,
    pub offer_id: i64,
    pub state: ReferralState,
    pub proposed_by: Option<i64>,
    pub hire_starts_on: Option<NaiveDate>,
    pub not_hired_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReferralTransition {
    pub referral_id: i64,
    pub from: Option<ReferralState>,
    pub to: ReferralState,
    pub by: Option<i64>,
    pub note: Option<String>,
    pub at: DateTime<Utc>,
}

/// A change of state asked of a referral.
#[derive(Debug, Clone, PartialEq)]
pub struct TransitionRequest {
    pub referral_id: i64,
    /// The state the caller saw: the change is refused if another one happened meanwhile.
    pub from: ReferralState,
    pub to: ReferralState,
    pub by: Option<i64>,
    pub note: Option<String>,
    pub hire_starts_on: Option<NaiveDate>,
    pub not_hired_reason: Option<String>,
}

impl TransitionRequest {
    /// A move of `referral_id` from `from` to `to` by no one in particular, with no note,
    /// hire date nor reason.
    pub fn plain(referral_id: i64, from: ReferralState, to: ReferralState) -> Self {
        Self {
            referral_id,
            from,
            to,
            by: None,
            note: None,
            hire_starts_on: None,
            not_hired_reason: None,
        }
    }

    /// The person's yes to the proposal `referral_id`, recorded by no one in particular.
    pub fn accept(referral_id: i64) -> Self {
        Self::plain(
            referral_id,
            ReferralState::Proposed,
            ReferralState::Accepted,
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewAuditEvent {
    pub actor: Option<i64>,
    pub action: String,
    pub subject_kind: String,
    pub subject_id: Option<i64>,
    pub detail: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEvent {
    pub id: i64,
    pub at: DateTime<Utc>,
    #[serde(flatten)]
    pub event: NewAuditEvent,
    /// The previous event's hash ([`audit::GENESIS`] for the first); `None` for events written
    /// before the trail was chained.
    pub prev_hash: Option<String>,
    /// This event's hash ([`audit::chain_hash`]).
    pub hash: Option<String>,
}

/// Which audit events to read: every condition given must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub actor: Option<i64>,
    pub action: Option<String>,
    pub subject_kind: Option<String>,
    pub subject_id: Option<i64>,
    /// At or after.
    pub from: Option<DateTime<Utc>>,
    /// Before.
    pub to: Option<DateTime<Utc>>,
}

/// A signed-in browser session (the cookie itself is never stored, only its hash). Its `Debug`
/// hides the anti-forgery token.
#[derive(Clone, PartialEq, Serialize)]
pub struct Session {
    pub id: i64,
    pub user_id: i64,
    /// The anti-forgery token that forms and scripts of this session send back.
    #[serde(skip)]
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("id", &self.id)
            .field("user_id", &self.user_id)
            .field("csrf_token", &Bare("<redacted>"))
            .field("created_at", &self.created_at)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// A count of records sharing a department (of the offer's workplace), months and a state: the
/// aggregated figures of the steering committee, never nominative.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// INSEE department code (`93`, `2A`, `971`).
    pub department: String,
    /// `YYYY-MM` of the record's creation (an offer's publication, a referral's proposal).
    pub month: String,
    /// `YYYY-MM` of the record's last change.
    pub changed_month: String,
    /// The offer's or referral's state.
    pub state: String,
    pub count: u64,
}

/// People proposed (by the month of the proposal) or hired (by the month of the hire) in the
/// whole territory, by the offer's department, with how many of them held each priority
/// status: for the steering committee only, over the whole territory (never per structure:
/// over one agency's few referrals the counts would describe a person). People, not
/// referrals: someone proposed 48 times counts once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HolderTally {
    pub department: String,
    /// `YYYY-MM`.
    pub month: String,
    /// `proposed` or `hired`.
    pub kind: String,
    /// Distinct people.
    pub people: u64,
    /// Distinct people holding each priority status, in [`PriorityStatus::ALL`] order.
    pub holders: [u64; 6],
}

/// Shortlists made for the offers of one owner in a department and month, and how many
/// candidates they showed: activity figures, never who was shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShortlistTally {
    pub structure_id: i64,
    pub department: String,
    /// `YYYY-MM`.
    pub month: String,
    pub shortlists: u64,
    pub candidates: u64,
    /// Candidates holding each priority status, in [`PriorityStatus::ALL`] order.
    pub holders: [u64; 6],
}

/// Which referrals to list: those of offers owned by a structure, or those of the job seekers
/// of a France Travail agency, or either of one structure, or those of one job seeker or one
/// offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferralScope {
    OfferOwner(i64),
    JobSeekerAgency(i64),
    /// Of an offer the structure owns or of a job seeker it follows.
    Structure(i64),
    JobSeeker(i64),
    Offer(i64),
    All,
}

/// What a bulk write did, record by record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BulkReport {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Records not written: their index in the input and why.
    pub rejected: Vec<(usize, String)>,
}

impl BulkReport {
    pub fn add(&mut self, other: BulkReport, offset: usize) {
        self.created += other.created;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
        self.rejected.extend(
            other
                .rejected
                .into_iter()
                .map(|(i, reason)| (i + offset, reason)),
        );
    }
}

/// What the sourcing engine needs of a job seeker, and nothing more: no name, no contact, no
/// birth date. The engine loads a million of these; personal identity stays in the database.
#[derive(Debug, Clone, PartialEq)]
pub struct SourcingProfile {
    pub id: i64,
    pub pseudonym: String,
    pub commune: InseeCode,
    pub available_from: Option<NaiveDate>,
    pub commute_limit: CommuteLimitKm,
    pub targets: Targets,
    pub skills: Vec<String>,
    pub qualifications: Vec<Qualification>,
    pub experience: Vec<Experience>,
    pub contract_types: Vec<ContractType>,
    pub working_time: WorkingTimePreference,
    /// Priority statuses held (disclosed or not), in [`PriorityStatus::ALL`] order.
    pub priorities: Vec<PriorityStatus>,
    /// The scope of the consent to be proposed, if given.
    pub consent: Option<ConsentScope>,
    pub status: JobSeekerStatus,
    /// The skills (OGR codes) an evaluation of a kind the person shares proves (a CACES),
    /// each with the day it stops holding: the engine counts a proof on the days it holds.
    pub proven_skills: Vec<evaluations::ProvenSkill>,
}

impl From<&JobSeeker> for SourcingProfile {
    fn from(seeker: &JobSeeker) -> Self {
        let r = &seeker.record;
        Self {
            id: seeker.id,
            pseudonym: seeker.pseudonym.clone(),
            commune: r.commune.clone(),
            available_from: r.available_from,
            commute_limit: r.commute_limit,
            targets: r.targets.clone(),
            skills: r.skills.clone(),
            qualifications: r.qualifications.clone(),
            experience: r.experience.clone(),
            contract_types: r.contract_types.clone(),
            working_time: r.working_time,
            priorities: r.priorities.keys().copied().collect(),
            consent: r.consent.map(|c| c.scope),
            status: r.status,
            proven_skills: seeker.proven_skills.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo";

    fn email() -> Email {
        Email::parse("ana@example.fr").unwrap()
    }

    #[test]
    fn debug_never_shows_a_password_hash() {
        let new = NewUser {
            email: email(),
            display_name: "Ana".to_string(),
            password_hash: Some(HASH.to_string()),
        };
        let shown = format!("{new:?} {new:#?}");
        assert!(!shown.contains("argon2id"), "{shown}");
        assert!(!shown.contains("c2FsdHNhbHQ"), "{shown}");
        assert!(shown.contains("password_hash: Some(<redacted>)"), "{shown}");
        assert!(shown.contains("Ana"), "{shown}");
        let user = User {
            id: 7,
            email: email(),
            display_name: "Ana".to_string(),
            password_hash: Some(HASH.to_string()),
            status: UserStatus::Active,
            created_at: DateTime::<Utc>::UNIX_EPOCH,
        };
        let shown = format!("{user:?} {user:#?}");
        assert!(!shown.contains("argon2id"), "{shown}");
        assert!(!shown.contains("aGFzaGhhc2hoYXNo"), "{shown}");
        assert!(shown.contains("id: 7"), "{shown}");
        let tokens_only = User {
            password_hash: None,
            ..user
        };
        assert!(format!("{tokens_only:?}").contains("password_hash: None"));
    }

    #[test]
    fn debug_never_shows_a_sessions_anti_forgery_token() {
        let session = Session {
            id: 1,
            user_id: 7,
            csrf_token: "Zm9yZ2VyeS10b2tlbi1zZWNyZXQ".to_string(),
            created_at: DateTime::<Utc>::UNIX_EPOCH,
            expires_at: DateTime::<Utc>::UNIX_EPOCH,
        };
        let shown = format!("{session:?} {session:#?}");
        assert!(!shown.contains("Zm9yZ2VyeS10b2tlbi1zZWNyZXQ"), "{shown}");
        assert!(shown.contains("csrf_token: <redacted>"), "{shown}");
        assert!(shown.contains("user_id: 7"), "{shown}");
    }
}
