//! What the API shows: views decoupled from the stored records, so that a field reaches a
//! client only when a view names it.

use super::*;

#[derive(Debug, Serialize, ToSchema)]
pub struct SeatView {
    /// advisor, recruiter, agency_manager, partner, steering, admin
    pub role: String,
    pub structure_id: i64,
    pub siret: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub seats: Vec<SeatView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    pub user: UserView,
    /// Send it back in the x-csrf-token header of every POST, PUT, PATCH and DELETE.
    pub csrf_token: Option<String>,
}

impl SeatView {
    pub(crate) fn new(role: model::Role, structure_id: i64, siret: String) -> Self {
        SeatView {
            role: role.as_str().to_string(),
            structure_id,
            siret,
        }
    }
}

impl UserView {
    /// An account with its seats.
    pub(crate) fn new(user: &model::User, seats: Vec<SeatView>) -> Self {
        UserView {
            id: user.id,
            email: user.email.as_str().to_string(),
            display_name: user.display_name.clone(),
            seats,
        }
    }
}

pub(crate) fn user_view(principal: &Principal) -> UserView {
    let seats = principal
        .seats
        .iter()
        .map(|s| SeatView::new(s.role, s.structure_id, s.siret.clone()))
        .collect();
    UserView::new(&principal.user, seats)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OfferView {
    pub id: i64,
    pub structure_siret: String,
    pub external_id: String,
    pub title: String,
    /// ROME 4.0 code.
    pub rome: String,
    /// INSEE code of the workplace's commune.
    pub commune: String,
    pub contract_type: String,
    pub positions: u16,
    pub accessible_th: bool,
    pub hard_to_fill: bool,
    pub status: String,
    pub starts_on: Option<NaiveDate>,
    pub published_at: DateTime<Utc>,
    /// `salaire.libelle` as the offer gives it.
    pub salary_label: Option<String>,
    /// The label read as a monthly gross range in euros; none when it could not be read.
    pub wage: Option<WageView>,
    pub closed_at: Option<DateTime<Utc>>,
    /// Why a cancelled offer was: `lack_of_candidates` or `need_withdrawn`, when known.
    pub close_reason: Option<String>,
}

/// A monthly gross wage range, in euros.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, ToSchema)]
pub struct WageView {
    pub min: f64,
    pub max: f64,
}

pub(crate) fn offer_view(offer: &Offer) -> OfferView {
    let r = &offer.record;
    OfferView {
        id: offer.id,
        structure_siret: r.structure_siret.as_str().to_string(),
        external_id: r.external_id.as_str().to_string(),
        title: r.title.clone(),
        rome: r.rome.as_str().to_string(),
        commune: r.commune.as_str().to_string(),
        contract_type: r.contract_type.as_str().to_string(),
        positions: r.positions,
        accessible_th: r.accessible_th,
        hard_to_fill: r.hard_to_fill,
        status: r.status.as_str().to_string(),
        starts_on: r.starts_on,
        published_at: r.published_at,
        salary_label: r.salary_label.clone(),
        wage: r.wage.map(|w| WageView {
            min: w.min,
            max: w.max,
        }),
        closed_at: r.closed_at,
        close_reason: r.close_reason.map(|c| c.as_str().to_string()),
    }
}

/// Each component of a score, between 0 and 1.
#[derive(Debug, Serialize, ToSchema)]
pub struct Reasons {
    pub occupation: f64,
    pub skills: f64,
    pub distance: f64,
    pub availability: f64,
    pub conditions: f64,
    pub experience: f64,
}

pub(crate) fn reasons(b: &engine::Breakdown) -> Reasons {
    Reasons {
        occupation: b.occupation,
        skills: b.skills,
        distance: b.distance,
        availability: b.availability,
        conditions: b.conditions,
        experience: b.experience,
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Candidate {
    /// The position in the list, which is in the order of pseudonyms, not of merit.
    pub rank: usize,
    /// Pseudonymous: what a referral is proposed with.
    pub job_seeker_id: i64,
    pub pseudonym: String,
    /// How far the person lives from the workplace: under_5_km, 5_to_15_km, 15_to_30_km,
    /// over_30_km.
    pub distance: String,
    /// The person's target occupation that matched the offer's.
    pub matched_rome: String,
    /// same_code, same_code_other_title, proche, evolution, same_domain
    pub match_kind: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ShortlistView {
    pub offer_id: i64,
    pub candidates: Vec<Candidate>,
    /// The priority policy the list applied: its kind, parameters and effective date (never
    /// who it moved, nor why).
    pub policy: Option<super::policies::PolicyView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestionView {
    pub rank: usize,
    pub offer: OfferView,
    pub score: f64,
    pub distance_km: f64,
    pub matched_rome: String,
    pub match_kind: String,
    pub reasons: Reasons,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IdentityView {
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// A job seeker as the reader's rights show them: identity only from `Identity` on, priority
/// statuses the person chose to disclose from `Identity` on, every status only at `Full`.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobSeekerView {
    pub id: i64,
    pub pseudonym: String,
    /// pseudonymous, identity or full
    pub fields: String,
    pub identity: Option<IdentityView>,
    pub birth_date: Option<NaiveDate>,
    pub commune: String,
    /// ROME codes of the target occupations, in order of preference.
    pub targets: Vec<String>,
    pub available_from: Option<NaiveDate>,
    pub commute_limit_km: u16,
    pub priority_statuses: Vec<String>,
    /// The statuses the person chose to disclose to agencies (for their own agency only: an
    /// agency sees only disclosed statuses in `priority_statuses`).
    pub disclosed_statuses: Option<Vec<String>>,
    /// all_agencies or department_agencies; none when not given.
    pub consent: Option<String>,
    pub agency_siret: Option<String>,
    pub status: String,
}

pub(crate) fn fields_name(fields: Fields) -> &'static str {
    match fields {
        Fields::Pseudonymous => "pseudonymous",
        Fields::Identity => "identity",
        Fields::Full => "full",
    }
}

pub(crate) fn job_seeker_view(seeker: &JobSeeker, fields: Fields) -> JobSeekerView {
    let r = &seeker.record;
    let statuses = r
        .priorities
        .iter()
        .filter(|(_, disclosure)| match fields {
            Fields::Full => true,
            Fields::Identity => **disclosure == Disclosure::Disclosed,
            Fields::Pseudonymous => false,
        })
        .map(|(status, _)| status.as_str().to_string())
        .collect();
    let shown = fields >= Fields::Identity;
    JobSeekerView {
        id: seeker.id,
        pseudonym: seeker.pseudonym.clone(),
        fields: fields_name(fields).to_string(),
        identity: shown.then(|| IdentityView {
            first_name: r.first_name.as_str().to_string(),
            last_name: r.last_name.as_str().to_string(),
            email: r.email.as_ref().map(|e| e.as_str().to_string()),
            phone: r.phone.as_ref().map(|p| p.as_str().to_string()),
        }),
        disclosed_statuses: (fields == Fields::Full).then(|| {
            r.priorities
                .iter()
                .filter(|(_, d)| **d == Disclosure::Disclosed)
                .map(|(s, _)| s.as_str().to_string())
                .collect()
        }),
        birth_date: if fields == Fields::Full {
            r.birth_date
        } else {
            None
        },
        commune: r.commune.as_str().to_string(),
        targets: r.targets.codes(),
        available_from: r.available_from,
        commute_limit_km: r.commute_limit.km(),
        priority_statuses: statuses,
        consent: if fields == Fields::Full {
            r.consent.map(|c| c.scope.as_str().to_string())
        } else {
            None
        },
        agency_siret: (fields == Fields::Full).then(|| r.agency_siret.as_str().to_string()),
        status: r.status.as_str().to_string(),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReferralView {
    pub id: i64,
    pub offer_id: i64,
    pub job_seeker_id: i64,
    /// proposed, accepted, declined, interview, hired, not_hired, cancelled, expired
    pub state: String,
    pub proposed_by: Option<i64>,
    pub hire_starts_on: Option<NaiveDate>,
    pub not_hired_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub(crate) fn referral_view(r: &Referral) -> ReferralView {
    ReferralView {
        id: r.id,
        offer_id: r.offer_id,
        job_seeker_id: r.job_seeker_id,
        state: r.state.as_str().to_string(),
        proposed_by: r.proposed_by,
        hire_starts_on: r.hire_starts_on,
        not_hired_reason: r.not_hired_reason.clone(),
        created_at: r.created_at,
        updated_at: r.updated_at,
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TransitionView {
    pub from: Option<String>,
    pub to: String,
    pub by: Option<i64>,
    pub note: Option<String>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReferralDetail {
    pub referral: ReferralView,
    pub offer: OfferView,
    pub job_seeker: JobSeekerView,
    pub log: Vec<TransitionView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEventView {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: Option<i64>,
    pub action: String,
    pub subject_kind: String,
    pub subject_id: Option<i64>,
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
    pub hash: Option<String>,
}

pub(crate) fn audit_view(e: &model::AuditEvent) -> AuditEventView {
    AuditEventView {
        id: e.id,
        at: e.at,
        actor: e.event.actor,
        action: e.event.action.clone(),
        subject_kind: e.event.subject_kind.clone(),
        subject_id: e.event.subject_id,
        detail: e.event.detail.clone(),
        hash: e.hash.clone(),
    }
}
