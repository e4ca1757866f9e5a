//! Training plans over HTTP: a side of a referral the person accepted (the offer's structure,
//! or the person's France Travail agency) proposes a plan, the other side agrees, either
//! follows it through the training, the offer's side records the hire with its contract;
//! either abandons it with a reason. Each side sees the person by name (they accepted the
//! referral), and every name shown is audited; an unknown plan is refused like another's.
//! The steering committee reads the counts and the breaches, never a plan.

pub use super::figures::{BreachView, PlanCountsQuery, PlanCountsView, SchemeCountView};
pub use super::views::*;

use super::assess;
use crate::api::*;
use crate::duos::api::seats_with;
use model::schemes::{Scheme, Verdict};
use model::training_plans::{
    NewTrainingPlan, PLAN_ABANDON_REASONS, PLAN_HOURS_MAX, PlanHire, PlanSide, PlanState,
    TrainingPlan,
};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTrainingPlanRequest {
    pub offer_id: i64,
    /// A person referred to the offer who accepted (accepted or at interview).
    pub job_seeker_id: i64,
    /// poei, afpr, poec, cdpi, cipi, contrat_pro, pmsmp
    pub scheme: String,
    /// A session of the catalogue; none for a tailored training.
    pub session_id: Option<i64>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// Hours with a training body, and at the workplace: 1 to 3,000 in all.
    pub hours_centre: u32,
    pub hours_enterprise: u32,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HireRequest {
    /// CDI, CDD, MIS, SAI, DIN...
    pub contract_type: String,
    pub starts_on: NaiveDate,
    /// 1 to 120; none for an open-ended contract.
    pub months: Option<u32>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MovePlanRequest {
    /// agreed (the side that did not propose), in_training, completed, hired (the offer's
    /// side, with `hire`), abandoned (with `reason`)
    pub to: String,
    /// For abandoned: trainee_withdrew, training_cancelled, training_failed,
    /// offer_withdrawn, found_other_job, health, other.
    pub reason: Option<String>,
    /// For hired: the contract.
    pub hire: Option<HireRequest>,
}

/// The sides of a plan the user holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Sides {
    pub offer: bool,
    pub person: bool,
}

fn mover(side: PlanSide) -> Mover {
    match side {
        PlanSide::Offer => Mover::OfferSide,
        PlanSide::Person => Mover::PersonSide,
    }
}

impl Sides {
    pub(crate) fn held(self) -> Vec<PlanSide> {
        let mut held = Vec::with_capacity(2);
        if self.offer {
            held.push(PlanSide::Offer);
        }
        if self.person {
            held.push(PlanSide::Person);
        }
        held
    }

    pub(crate) fn name(self) -> &'static str {
        match (self.offer, self.person) {
            (true, true) => "both",
            (true, false) => "offer",
            _ => "person",
        }
    }

    /// The side the user makes this move as, if one of theirs may: the workflow's, and an
    /// agreement only by the side that did not propose.
    pub(crate) fn mover_for(self, plan: &TrainingPlan, to: PlanState) -> Option<PlanSide> {
        self.held().into_iter().find(|side| {
            workflow::TRAINING_PLANS
                .moves
                .iter()
                .any(|m| m.from == plan.state && m.to == to && m.by.contains(&mover(*side)))
                && !(plan.state == PlanState::Proposed
                    && to == PlanState::Agreed
                    && *side == plan.plan.proposed_side)
        })
    }
}

/// The states the user may move a plan to now.
pub(crate) fn moves_for(plan: &TrainingPlan, sides: Sides) -> Vec<String> {
    workflow::TRAINING_PLANS
        .moves
        .iter()
        .filter(|m| m.from == plan.state && sides.mover_for(plan, m.to).is_some())
        .map(|m| m.to.as_str().to_string())
        .collect()
}

const NOT_A_SIDE: &str = "this training plan is for another structure's offer and another \
    agency's person: only its two sides see it";

/// The sides of a plan the user holds for `verb`, or why not.
pub(crate) fn sides_of(principal: &Principal, plan: &TrainingPlan, verb: Verb) -> AppResult<Sides> {
    let mine = seats_with(principal, Resource::TrainingPlans, verb);
    let sides = Sides {
        offer: mine.contains(&plan.offer_structure_id),
        person: mine.contains(&plan.person_agency_id),
    };
    if !sides.offer && !sides.person {
        principal
            .grant(Resource::TrainingPlans, verb, None)
            .map_err(forbidden)?;
        return Err(forbidden(NOT_A_SIDE.to_string()));
    }
    Ok(sides)
}

/// A plan and the sides the user holds (`verb`). The role's right is asked first, and an
/// unknown id is refused like another's plan: nobody lists every plan, so ids tell nothing.
pub(crate) async fn plan_and_sides(
    state: &AppState,
    principal: &Principal,
    id: i64,
    verb: Verb,
) -> AppResult<(TrainingPlan, Sides)> {
    record_and_side(
        principal,
        Resource::TrainingPlans,
        verb,
        state.store.training_plan(id),
        |plan| sides_of(principal, plan, verb),
        NOT_A_SIDE,
    )
    .await
}

/// A refusal of the store, its field named (`field: reason` as the store says it).
fn store_refusal(err: store::StoreError) -> ApiError {
    match err {
        store::StoreError::Invalid(message) => match message.split_once(": ") {
            Some((field, reason)) => {
                ApiError::field(format!("/{}", field.replace('.', "/")), reason)
            }
            None => ApiError::field("", message),
        },
        store::StoreError::Duplicate { .. } => ApiError::Conflict(
            "job_seeker_id: this person already has an open plan for this offer".to_string(),
        ),
        other => other.into(),
    }
}

/// The referral of a person to an offer, if any.
pub(crate) async fn referral_of(
    state: &AppState,
    offer_id: i64,
    person_id: i64,
) -> AppResult<Option<Referral>> {
    let referrals =
        crate::referrals::api::all_of(state, ReferralScope::JobSeeker(person_id)).await?;
    Ok(referrals.into_iter().find(|r| r.offer_id == offer_id))
}

/// What a plan to build starts from: the offer, the person, and the side the user proposes
/// it as (the offer's structure first, else the person's agency). An unknown offer or person
/// is refused like another's.
pub(crate) struct Building {
    pub offer: Offer,
    pub person: JobSeeker,
    pub side: PlanSide,
    /// The user holds the person's side (their agency): the schemes read every field.
    pub full: bool,
}

const NOT_YOURS_TO_BUILD: &str = "a training plan is built by the offer's structure or the \
    person's France Travail agency";

pub(crate) async fn building(
    state: &AppState,
    principal: &Principal,
    offer_id: i64,
    person_id: i64,
) -> AppResult<Building> {
    principal
        .grant(Resource::TrainingPlans, Verb::Write, None)
        .map_err(forbidden)?;
    let refused = || forbidden(NOT_YOURS_TO_BUILD.to_string());
    let (offer, owner) = match offer_and_owner(state, offer_id).await {
        Ok(found) => found,
        Err(ApiError::NotFound(_)) => return Err(refused()),
        Err(other) => return Err(other),
    };
    let (person, agency) = match job_seeker_and_agency(state, person_id).await {
        Ok(found) => found,
        Err(ApiError::NotFound(_)) => return Err(refused()),
        Err(other) => return Err(other),
    };
    let mine = seats_with(principal, Resource::TrainingPlans, Verb::Write);
    let full = mine.contains(&agency);
    let side = if mine.contains(&owner) {
        PlanSide::Offer
    } else if full {
        PlanSide::Person
    } else {
        return Err(refused());
    };
    Ok(Building {
        offer,
        person,
        side,
        full,
    })
}

/// Every wrong field of a plan asked for, checked before the store: the scheme, the days
/// (a training to come, ending on or after its start), the hours.
fn check_request(request: &NewTrainingPlanRequest, today: NaiveDate) -> Vec<FieldProblem> {
    let mut problems = Vec::new();
    if Scheme::parse(request.scheme.trim()).is_none() {
        problems.push(FieldProblem::new(
            "/scheme",
            format!(
                "one of {}",
                Scheme::ALL
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    problems.extend(date_field("/starts_on", Some(request.starts_on)));
    problems.extend(date_field("/ends_on", Some(request.ends_on)));
    if request.starts_on < today {
        problems.push(FieldProblem::new(
            "/starts_on",
            "a training to come: a plan is agreed before it starts",
        ));
    }
    if request.ends_on < request.starts_on {
        problems.push(FieldProblem::new(
            "/ends_on",
            "the training ends on or after the day it starts",
        ));
    }
    let max = PLAN_HOURS_MAX;
    for (path, hours) in [
        ("/hours_centre", request.hours_centre),
        ("/hours_enterprise", request.hours_enterprise),
    ] {
        if hours > max {
            problems.push(FieldProblem::new(path, format!("at most {max} hours")));
        }
    }
    let total = request
        .hours_centre
        .saturating_add(request.hours_enterprise);
    if total == 0 {
        problems.push(FieldProblem::new(
            "/hours_centre",
            "the training's hours (centre and workplace) are 1 to 3,000 in all",
        ));
    } else if total > max && request.hours_centre <= max && request.hours_enterprise <= max {
        problems.push(FieldProblem::new(
            "/hours_enterprise",
            "the training's hours (centre and workplace) are 1 to 3,000 in all",
        ));
    }
    problems
}

/// Proposes a plan for a person referred to the offer who accepted: the offer's structure or
/// the person's agency; the other side agrees. The scheme must apply to the person, the offer
/// and the training today (else 422 naming `scheme` with the rule failed).
#[utoipa::path(post, path = "/api/v1/training-plans", tag = "training plans",
    request_body = NewTrainingPlanRequest,
    responses((status = 201, body = TrainingPlanView), (status = 403, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn propose_plan(
    State(state): St,
    principal: Principal,
    JsonBody(request): JsonBody<NewTrainingPlanRequest>,
) -> AppResult<(StatusCode, Json<TrainingPlanView>)> {
    let built = building(&state, &principal, request.offer_id, request.job_seeker_id).await?;
    let today = state.now().date_naive();
    let mut problems = check_request(&request, today);
    let session = match request.session_id {
        Some(id) => {
            let found = state.store.training_session(id).await?;
            if found.is_none() {
                problems.push(FieldProblem::new(
                    "/session_id",
                    "no such session in the catalogue",
                ));
            }
            found
        }
        None => None,
    };
    if let Some((first, last)) = session.as_ref().and_then(|s| s.record.span())
        && (request.starts_on < first || request.ends_on > last)
    {
        problems.push(FieldProblem::new(
            "/starts_on",
            format!("within the session's days, from {first} to {last}"),
        ));
    }
    let (Some(scheme), true) = (Scheme::parse(request.scheme.trim()), problems.is_empty()) else {
        return Err(ApiError::Invalid(problems));
    };
    let referral = referral_of(&state, built.offer.id, built.person.id)
        .await?
        .ok_or_else(|| {
            ApiError::field(
                "/job_seeker_id",
                "this person was not referred to this offer: a plan grows from a referral the \
                 person accepted",
            )
        })?;
    if !matches!(
        referral.state,
        ReferralState::Accepted | ReferralState::Interview
    ) {
        return Err(ApiError::Conflict(format!(
            "referral_id: a plan grows from a referral the person accepted (accepted or at \
             interview); this one is {}",
            referral.state
        )));
    }
    let new = NewTrainingPlan {
        offer_id: built.offer.id,
        job_seeker_id: built.person.id,
        referral_id: referral.id,
        scheme,
        session_id: request.session_id,
        starts_on: request.starts_on,
        ends_on: request.ends_on,
        hours_centre: request.hours_centre,
        hours_enterprise: request.hours_enterprise,
        proposed_side: built.side,
        proposed_by: Some(principal.user.id),
    };
    let person = super::person_seen(&built.person.record, today, built.full);
    match assess(&person, &built.offer.record, &new, today).map(|a| a.verdict) {
        Some(Verdict::Eligible(_)) => {}
        Some(Verdict::NotEligible(failure)) => {
            let seen = if built.full {
                ""
            } else {
                " (read on the statuses the person chose to disclose: their France Travail \
                 agency may propose it)"
            };
            return Err(ApiError::field(
                "/scheme",
                format!("{}: {}{seen}", failure.check.as_str(), failure.reason),
            ));
        }
        None => {
            return Err(ApiError::field(
                "/scheme",
                "no rule of this scheme is known",
            ));
        }
    }
    let plan = state
        .store
        .create_training_plan(&new, state.now())
        .await
        .map_err(store_refusal)?;
    state
        .audit_one(principal.event(
            "training_plan.propose",
            "training_plan",
            plan.id,
            json!({ "offer": plan.plan.offer_id, "job_seeker": plan.plan.job_seeker_id,
                    "scheme": scheme.as_str(), "side": built.side.as_str() }),
        ))
        .await?;
    let sides = sides_of(&principal, &plan, Verb::Write)?;
    let view = audited_plan_view(&state, &principal, &plan, sides).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// The most plans a listing reads per structure.
const LIST: usize = 1_000;

/// The plans of the user's structures (of their offers or of their people): open ones first,
/// then the latest changed.
#[utoipa::path(get, path = "/api/v1/training-plans", tag = "training plans",
    responses((status = 200, body = Vec<TrainingPlanView>), (status = 403, body = Problem)))]
pub(crate) async fn list_plans(
    State(state): St,
    principal: Principal,
) -> AppResult<Json<Vec<TrainingPlanView>>> {
    let (views, named) = plans_of_user(&state, &principal).await?;
    audit_named(&state, &principal, &named, None).await?;
    Ok(Json(views))
}

pub(crate) async fn plans_of_user(
    state: &AppState,
    principal: &Principal,
) -> AppResult<(Vec<TrainingPlanView>, Vec<i64>)> {
    principal
        .grant(Resource::TrainingPlans, Verb::Read, None)
        .map_err(forbidden)?;
    let mut plans = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for structure in seats_with(principal, Resource::TrainingPlans, Verb::Read) {
        for plan in state.store.training_plans_of_structure(structure).await? {
            if seen.insert(plan.id) && plans.len() < LIST * 4 {
                plans.push(plan);
            }
        }
    }
    // Open first, then the latest changed (the store's order within each).
    plans.sort_by_key(|p| (!p.state.is_open(), std::cmp::Reverse((p.changed_at, p.id))));
    let mut lookups = Lookups::default();
    let mut named = Vec::new();
    let mut out = Vec::with_capacity(plans.len());
    for plan in plans.iter().take(LIST) {
        let sides = sides_of(principal, plan, Verb::Read)?;
        out.push(plan_view(state, plan, sides, false, &mut lookups, &mut named).await?);
    }
    Ok((out, named))
}

#[utoipa::path(get, path = "/api/v1/training-plans/{id}", tag = "training plans",
    params(("id" = i64, Path, description = "training plan id")),
    responses((status = 200, body = TrainingPlanView), (status = 403, body = Problem)))]
pub(crate) async fn get_plan(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
) -> AppResult<Json<TrainingPlanView>> {
    let (plan, sides) = plan_and_sides(&state, &principal, id, Verb::Read).await?;
    let view = audited_plan_view(&state, &principal, &plan, sides).await?;
    Ok(Json(view))
}

/// A plan in detail as one of its sides sees it, the person it names audited.
async fn audited_plan_view(
    state: &AppState,
    principal: &Principal,
    plan: &TrainingPlan,
    sides: Sides,
) -> AppResult<TrainingPlanView> {
    let mut named = Vec::new();
    let view = plan_view(
        state,
        plan,
        sides,
        true,
        &mut Lookups::default(),
        &mut named,
    )
    .await?;
    audit_named(state, principal, &named, Some(plan.id)).await?;
    Ok(view)
}

/// The contract of a hire asked for, every wrong field named.
fn hire_of(request: Option<&HireRequest>) -> AppResult<PlanHire> {
    let Some(hire) = request else {
        return Err(ApiError::field(
            "/hire",
            "a hire needs its contract: contract_type, starts_on and months (none for an \
             open-ended one)",
        ));
    };
    let mut problems = Vec::new();
    let contract_type = model::ContractType::parse(hire.contract_type.trim());
    if contract_type.is_none() {
        problems.push(FieldProblem::new(
            "/hire/contract_type",
            "a France Travail contract type: CDI, CDD, MIS, SAI, DIN...",
        ));
    }
    problems.extend(date_field("/hire/starts_on", Some(hire.starts_on)));
    if hire.months.is_some_and(|m| !(1..=120).contains(&m)) {
        problems.push(FieldProblem::new(
            "/hire/months",
            "1 to 120 months (none for an open-ended contract)",
        ));
    }
    match (contract_type, problems.is_empty()) {
        (Some(contract_type), true) => Ok(PlanHire {
            contract_type,
            starts_on: hire.starts_on,
            months: hire.months,
        }),
        _ => Err(ApiError::Invalid(problems)),
    }
}

/// Agreed by the side that did not propose it; under way, completed, abandoned (with a
/// reason) by either; hired by the offer's side with its contract.
#[utoipa::path(post, path = "/api/v1/training-plans/{id}/state", tag = "training plans",
    params(("id" = i64, Path, description = "training plan id")), request_body = MovePlanRequest,
    responses((status = 200, body = TrainingPlanView), (status = 403, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn move_plan(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
    JsonBody(request): JsonBody<MovePlanRequest>,
) -> AppResult<Json<TrainingPlanView>> {
    let (plan, sides) = plan_and_sides(&state, &principal, id, Verb::Write).await?;
    let to = PlanState::parse(request.to.trim())
        .filter(|s| *s != PlanState::Proposed)
        .ok_or_else(|| {
            ApiError::field("/to", "agreed, in_training, completed, hired or abandoned")
        })?;
    let reason = move_reason(
        request.reason.as_deref(),
        to == PlanState::Abandoned,
        PLAN_ABANDON_REASONS,
    )?;
    let hire = if to == PlanState::Hired {
        Some(hire_of(request.hire.as_ref())?)
    } else {
        None
    };
    // The side that may make the move; else the first held, for the store to say why not.
    let side = sides
        .mover_for(&plan, to)
        .or_else(|| sides.held().into_iter().next())
        .ok_or_else(|| forbidden(NOT_A_SIDE.to_string()))?;
    let moved = state
        .store
        .move_training_plan(
            id,
            to,
            side,
            reason.filter(|_| to == PlanState::Abandoned),
            hire.as_ref(),
            state.now(),
        )
        .await
        .map_err(store_refusal)?;
    state
        .audit_one(principal.event(
            "training_plan.move",
            "training_plan",
            id,
            json!({ "to": to.as_str(), "side": side.as_str(), "reason": reason }),
        ))
        .await?;
    let view = audited_plan_view(&state, &principal, &moved, sides).await?;
    Ok(Json(view))
}

/// The plans of one offer the user is a side of: all of them for the offer's structure, those
/// of its people for a France Travail agency.
#[utoipa::path(get, path = "/api/v1/offers/{id}/training-plans", tag = "training plans",
    params(("id" = i64, Path, description = "offer id")),
    responses((status = 200, body = Vec<TrainingPlanView>), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub(crate) async fn offer_plans(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<TrainingPlanView>>> {
    let (views, named) = plans_of_offer(&state, &principal, id).await?;
    audit_named(&state, &principal, &named, None).await?;
    Ok(Json(views))
}

pub(crate) async fn plans_of_offer(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> AppResult<(Vec<TrainingPlanView>, Vec<i64>)> {
    principal
        .grant(Resource::TrainingPlans, Verb::Read, None)
        .map_err(forbidden)?;
    let (_, owner) = offer_and_owner(state, id).await?;
    principal
        .grant(Resource::Offers, Verb::Read, Some(owner))
        .map_err(forbidden)?;
    let mut lookups = Lookups::default();
    let mut named = Vec::new();
    let mut out = Vec::new();
    for plan in state.store.training_plans_of_offer(id).await? {
        if let Ok(sides) = sides_of(principal, &plan, Verb::Read) {
            out.push(plan_view(state, &plan, sides, false, &mut lookups, &mut named).await?);
        }
    }
    Ok((out, named))
}
