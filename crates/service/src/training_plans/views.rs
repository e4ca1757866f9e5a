//! What the API shows of a training plan (decoupled from the record): the person by name
//! (they accepted the referral), the offer, the two sides, the training, the hire, where the
//! scheme's obligation stands and, on one plan's read, the scheme's verdict; the names shown
//! are audited.

use std::collections::HashMap;

use super::api::{Sides, moves_for};
use super::{assess, obligation};
use crate::actions::api::{StructureRef, structure_ref};
use crate::api::*;
use model::schemes::{Obligation, Verdict};
use model::training_plans::{PlanState, TrainingPlan};

/// The person a plan is for.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanPerson {
    pub id: i64,
    pub pseudonym: String,
    /// The person accepted the referral: both sides know them.
    pub name: String,
}

/// The offer a plan prepares for.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanOffer {
    pub id: i64,
    pub title: String,
    /// ROME 4.0 code.
    pub rome: String,
    /// CDI, CDD, MIS...
    pub contract_type: String,
}

/// A session of the catalogue.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanSessionRef {
    pub id: i64,
    pub title: String,
    pub body: String,
}

/// The contract the training led to.
#[derive(Debug, Serialize, ToSchema)]
pub struct HireView {
    pub contract_type: String,
    pub starts_on: NaiveDate,
    /// None for an open-ended contract.
    pub months: Option<u32>,
}

/// Where the contract the scheme asks for stands today.
#[derive(Debug, Serialize, ToSchema)]
pub struct ObligationView {
    /// not_due (the training is not over, or the plan was abandoned), not_required, met,
    /// pending, breach
    pub status: String,
    /// For pending: the last day a contract may still meet it.
    pub until: Option<NaiveDate>,
    /// For breach: the version of the scheme broken.
    pub rule: Option<String>,
    pub reason: Option<String>,
}

/// One reason a scheme applies, with a stable key.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReasonView {
    pub key: String,
    pub text: String,
}

/// The plan's scheme for the person, the offer and the training, on the day it was proposed.
#[derive(Debug, Serialize, ToSchema)]
pub struct EligibilityView {
    pub eligible: bool,
    /// The version in force (its id), when eligible.
    pub version: Option<String>,
    pub reasons: Vec<ReasonView>,
    /// The first rule failed (`schemes::Check`), when not eligible.
    pub failed_check: Option<String>,
    pub max_hours: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TrainingPlanView {
    pub id: i64,
    /// proposed, agreed, in_training, completed, hired, abandoned
    pub state: String,
    /// poei, afpr, poec, cdpi, cipi, contrat_pro, pmsmp
    pub scheme: String,
    pub scheme_label: String,
    /// The referral the plan grows from.
    pub referral_id: i64,
    pub offer: PlanOffer,
    pub job_seeker: PlanPerson,
    pub offer_structure: StructureRef,
    pub person_agency: StructureRef,
    /// A session of the catalogue, or none for a tailored training.
    pub session: Option<PlanSessionRef>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub hours_centre: u32,
    pub hours_enterprise: u32,
    /// offer or person: the side that proposed it (the other agrees).
    pub proposed_side: String,
    pub proposed_at: DateTime<Utc>,
    pub changed_at: DateTime<Utc>,
    pub abandon_reason: Option<String>,
    pub hire: Option<HireView>,
    pub obligation: ObligationView,
    /// On one plan's read only.
    pub eligibility: Option<EligibilityView>,
    /// offer, person or both: the side the user answers for.
    pub side: String,
    /// The states the user may move it to now.
    pub moves: Vec<String>,
}

fn obligation_view(plan: &TrainingPlan, today: NaiveDate) -> ObligationView {
    let (status, until, rule, reason) = match obligation(plan, today) {
        None => ("not_due", None, None, None),
        Some(Obligation::NotRequired) => ("not_required", None, None, None),
        Some(Obligation::Met { reason }) => ("met", None, None, Some(reason)),
        Some(Obligation::Pending { until, reason }) => ("pending", Some(until), None, Some(reason)),
        Some(Obligation::Breach { rule, reason }) => {
            ("breach", None, Some(rule.to_string()), Some(reason))
        }
    };
    ObligationView {
        status: status.to_string(),
        until,
        rule,
        reason,
    }
}

fn eligibility_view(verdict: &Verdict) -> EligibilityView {
    match verdict {
        Verdict::Eligible(eligible) => EligibilityView {
            eligible: true,
            version: Some(eligible.rule.id.to_string()),
            reasons: eligible
                .reasons
                .iter()
                .map(|r| ReasonView {
                    key: r.key.to_string(),
                    text: r.text.clone(),
                })
                .collect(),
            failed_check: None,
            max_hours: eligible.max_hours,
        },
        Verdict::NotEligible(failure) => EligibilityView {
            eligible: false,
            version: None,
            reasons: vec![ReasonView {
                key: failure.check.as_str().to_string(),
                text: failure.reason.clone(),
            }],
            failed_check: Some(failure.check.as_str().to_string()),
            max_hours: None,
        },
    }
}

/// What a view reads beside the plan, kept across the plans of one listing.
#[derive(Default)]
pub(crate) struct Lookups {
    structures: HashMap<i64, StructureRef>,
    offers: HashMap<i64, Offer>,
    people: HashMap<i64, JobSeeker>,
}

impl Lookups {
    async fn structure(&mut self, state: &AppState, id: i64) -> AppResult<StructureRef> {
        if let Some(found) = self.structures.get(&id) {
            return Ok(found.clone());
        }
        let found = structure_ref(state, id).await?;
        self.structures.insert(id, found.clone());
        Ok(found)
    }

    async fn offer(&mut self, state: &AppState, id: i64) -> AppResult<Offer> {
        if let Some(found) = self.offers.get(&id) {
            return Ok(found.clone());
        }
        let (found, _) = offer_and_owner(state, id).await?;
        self.offers.insert(id, found.clone());
        Ok(found)
    }

    async fn person(&mut self, state: &AppState, id: i64) -> AppResult<JobSeeker> {
        if let Some(found) = self.people.get(&id) {
            return Ok(found.clone());
        }
        let (found, _) = job_seeker_and_agency(state, id).await?;
        self.people.insert(id, found.clone());
        Ok(found)
    }
}

/// A plan as one of its sides sees it (with the scheme's verdict when `detail`); the person
/// named is pushed to `named` for the audit trail.
pub(crate) async fn plan_view(
    state: &AppState,
    plan: &TrainingPlan,
    sides: Sides,
    detail: bool,
    lookups: &mut Lookups,
    named: &mut Vec<i64>,
) -> AppResult<TrainingPlanView> {
    let p = &plan.plan;
    let offer = lookups.offer(state, p.offer_id).await?;
    let person = lookups.person(state, p.job_seeker_id).await?;
    named.push(person.id);
    let session = match p.session_id {
        Some(id) => state
            .store
            .training_session(id)
            .await?
            .map(|s| PlanSessionRef {
                id: s.id,
                title: s.record.title,
                body: s.record.body.name,
            }),
        None => None,
    };
    // The scheme's verdict, on what the reader may know of the person (`person_seen`); to
    // the offer's side only when it holds on that, never a refusal that would point at what
    // the person did not disclose.
    let eligibility = if detail {
        let day = plan.proposed_at.date_naive();
        let seen = super::person_seen(&person.record, day, sides.person);
        assess(&seen, &offer.record, p, day)
            .filter(|a| sides.person || a.eligible().is_some())
            .map(|a| eligibility_view(&a.verdict))
    } else {
        None
    };
    // The moves the user may make; on one plan's read, only the abandon once the plan's
    // referral no longer stands (the store refuses the others then).
    let mut moves = moves_for(plan, sides);
    if detail {
        let standing = state.store.referral(p.referral_id).await?.is_some_and(|r| {
            matches!(
                r.state,
                model::ReferralState::Accepted
                    | model::ReferralState::Interview
                    | model::ReferralState::Hired
            )
        });
        if !standing {
            moves.retain(|to| to == PlanState::Abandoned.as_str());
        }
    }
    let today = state.now().date_naive();
    Ok(TrainingPlanView {
        id: plan.id,
        state: plan.state.to_string(),
        scheme: p.scheme.to_string(),
        scheme_label: p.scheme.label().to_string(),
        referral_id: p.referral_id,
        offer: PlanOffer {
            id: offer.id,
            title: offer.record.title.clone(),
            rome: offer.record.rome.to_string(),
            contract_type: offer.record.contract_type.to_string(),
        },
        job_seeker: PlanPerson {
            id: person.id,
            pseudonym: person.pseudonym.clone(),
            name: format!("{} {}", person.record.first_name, person.record.last_name),
        },
        offer_structure: lookups.structure(state, plan.offer_structure_id).await?,
        person_agency: lookups.structure(state, plan.person_agency_id).await?,
        session,
        starts_on: p.starts_on,
        ends_on: p.ends_on,
        hours_centre: p.hours_centre,
        hours_enterprise: p.hours_enterprise,
        proposed_side: p.proposed_side.to_string(),
        proposed_at: plan.proposed_at,
        changed_at: plan.changed_at,
        abandon_reason: plan.abandon_reason.clone(),
        hire: plan.hire.as_ref().map(|h| HireView {
            contract_type: h.contract_type.to_string(),
            starts_on: h.starts_on,
            months: h.months,
        }),
        obligation: obligation_view(plan, today),
        eligibility,
        side: sides.name().to_string(),
        moves,
    })
}

/// Writes the reads of the people named through plans to the audit trail.
pub(crate) async fn audit_named(
    state: &AppState,
    principal: &Principal,
    named: &[i64],
    plan: Option<i64>,
) -> AppResult<()> {
    let mut named = named.to_vec();
    named.sort_unstable();
    named.dedup();
    let detail = json!({ "through": "training_plan", "training_plan": plan });
    audit_reads(state, principal, named.iter().copied(), detail).await
}
