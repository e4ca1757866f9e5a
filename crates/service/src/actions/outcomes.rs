//! An action's participants, their attendance and what the action led to for them (an
//! interview, a hire, a training, an immersion), recorded by its organisers; a hire or an
//! interview for one of its offers creates or moves the person's referral, so that the
//! referral figures stay whole. The funnel (invited → registered → present → interviewed →
//! hired), overall and by priority public, counts only, every public's figure under
//! [`SECRET_BELOW`] withheld; the attendance sheet as a spreadsheet.

use crate::actions::api::{as_organiser, audit_named, find, name_if_readable};
use crate::api::*;
use model::{
    Action, Attendance, ContractType, OutcomeKind, Participant, PriorityStatus, ReferralState, Seat,
};

/// Figures under this are withheld.
pub const SECRET_BELOW: u64 = 20;

#[derive(Debug, Serialize, ToSchema)]
pub struct OutcomeView {
    pub id: i64,
    /// interview, hire, training, immersion
    pub kind: String,
    pub offer_id: Option<i64>,
    pub contract_type: Option<String>,
    pub contract_months: Option<u16>,
    pub on: NaiveDate,
}

/// A participant as the organisers see them: by pseudonym until they accepted their
/// invitation (then by name), with their seat, attendance and outcomes.
#[derive(Debug, Serialize, ToSchema)]
pub struct ParticipantView {
    pub registration_id: i64,
    pub job_seeker_id: i64,
    pub pseudonym: String,
    pub name: Option<String>,
    pub agency: String,
    /// on_site or remote
    pub modality: String,
    /// registered or waiting
    pub seat: String,
    /// present, excused or absent, once recorded.
    pub attendance: Option<String>,
    pub outcomes: Vec<OutcomeView>,
}

fn outcome_view(o: &model::Outcome) -> OutcomeView {
    OutcomeView {
        id: o.id,
        kind: o.outcome.kind.to_string(),
        offer_id: o.outcome.offer_id,
        contract_type: o.outcome.contract_type.map(|c| c.to_string()),
        contract_months: o.outcome.contract_months,
        on: o.outcome.on,
    }
}

/// The participants of an action (its organisers), waiting list included.
#[utoipa::path(get, path = "/api/v1/actions/{id}/participants", tag = "actions",
    params(("id" = i64, Path, description = "action id")),
    responses((status = 200, body = Vec<ParticipantView>), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub(crate) async fn participants(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<ParticipantView>>> {
    let action = find(&state, id).await?;
    as_organiser(&principal, &action)?;
    let outcomes = state.store.outcomes_of_action(id).await?;
    let mut out = Vec::new();
    let mut named = Vec::new();
    for r in state
        .store
        .gathering_registrations(action.gathering_id)
        .await?
    {
        let Participant::JobSeeker(person) = r.participant else {
            continue;
        };
        if r.seat == Seat::Cancelled {
            continue;
        }
        let (seeker, agency) = job_seeker_and_agency(&state, person).await?;
        // A person seated or waiting accepted the action's invitation.
        let name = name_if_readable(&state, &principal, &seeker, agency, true, &mut named).await;
        out.push(ParticipantView {
            registration_id: r.id,
            job_seeker_id: person,
            pseudonym: seeker.pseudonym.clone(),
            name,
            agency: structure_name(&state, agency).await?,
            modality: r.modality.to_string(),
            seat: r.seat.to_string(),
            attendance: r.attendance.map(|a| a.to_string()),
            outcomes: outcomes
                .iter()
                .filter(|o| o.outcome.job_seeker_id == person)
                .map(outcome_view)
                .collect(),
        });
    }
    audit_named(&state, &principal, &named, "action_participants", id).await?;
    Ok(Json(out))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ParticipantAttendance {
    pub job_seeker_id: i64,
    /// present, excused or absent
    pub attendance: String,
}

async fn registration_of(
    state: &AppState,
    action: &Action,
    person: i64,
) -> AppResult<model::GatheringRegistration> {
    state
        .store
        .gathering_registrations(action.gathering_id)
        .await?
        .into_iter()
        .find(|r| r.participant == Participant::JobSeeker(person) && r.seat != Seat::Cancelled)
        .ok_or_else(|| {
            ApiError::NotFound(format!(
                "registration of job seeker {person} for action {}",
                action.id
            ))
        })
}

/// Records whether a seated participant came (the organisers), once the action is over and
/// before its attendance is closed.
#[utoipa::path(post, path = "/api/v1/actions/{id}/attendance", tag = "actions",
    params(("id" = i64, Path, description = "action id")), request_body = ParticipantAttendance,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn record_attendance(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
    JsonBody(request): JsonBody<ParticipantAttendance>,
) -> AppResult<StatusCode> {
    let action = find(&state, id).await?;
    as_organiser(&principal, &action)?;
    let attendance = Attendance::parse(request.attendance.trim())
        .ok_or_else(|| ApiError::field("/attendance", "present, excused or absent"))?;
    let registration = registration_of(&state, &action, request.job_seeker_id).await?;
    let detail = json!({ "job_seeker": request.job_seeker_id, "attendance": attendance.as_str() });
    gathering::record_attendance(
        &state,
        &principal,
        ("action", id),
        registration.id,
        attendance,
        detail,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Closes the attendance of an action that is over, once every seated participant's is
/// recorded (the organisers).
#[utoipa::path(post, path = "/api/v1/actions/{id}/attendance/close", tag = "actions",
    params(("id" = i64, Path, description = "action id")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem)))]
pub(crate) async fn close_attendance(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    let action = find(&state, id).await?;
    as_organiser(&principal, &action)?;
    gathering::close_attendance(&state, &principal, ("action", id), action.gathering_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An outcome recorded, and what became of the referral it brings along.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordedOutcomeView {
    #[serde(flatten)]
    pub outcome: OutcomeView,
    /// The referral of the person to the offer, created or moved (an interview or a hire for
    /// one of the action's offers).
    pub referral_id: Option<i64>,
    /// Why the referral could not follow, when it could not (the person's consent does not
    /// cover the offer's agency, say): the outcome stands.
    pub referral_not_moved: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOutcomeRequest {
    pub job_seeker_id: i64,
    /// interview, hire, training, immersion
    pub kind: String,
    /// One of the action's offers (an interview or a hire for it moves the referral).
    pub offer_id: Option<i64>,
    /// For a hire: CDI, CDD, MIS (temporary work)...
    pub contract_type: Option<String>,
    /// For a hire other than a CDI: its length in months, 1 to 120.
    pub contract_months: Option<u16>,
    /// The day it happened or starts (default: today).
    pub on: Option<NaiveDate>,
}

/// Records what an action led to for a participant (the organisers), from its start to 90
/// days after it; an interview or a hire for one of its offers then creates or moves the
/// person's referral to that offer where the referral rules allow it (the answer says when
/// they did not: the outcome stands).
#[utoipa::path(post, path = "/api/v1/actions/{id}/outcomes", tag = "actions",
    params(("id" = i64, Path, description = "action id")), request_body = NewOutcomeRequest,
    responses((status = 201, body = RecordedOutcomeView), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 422, body = Problem)))]
pub(crate) async fn record_outcome(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
    JsonBody(request): JsonBody<NewOutcomeRequest>,
) -> AppResult<(StatusCode, Json<RecordedOutcomeView>)> {
    let action = find(&state, id).await?;
    as_organiser(&principal, &action)?;
    let mut problems = Vec::new();
    let kind = OutcomeKind::parse(request.kind.trim());
    if kind.is_none() {
        problems.push(FieldProblem::new(
            "/kind",
            "interview, hire, training or immersion".to_string(),
        ));
    }
    let hire = kind == Some(OutcomeKind::Hire);
    let contract = match request.contract_type.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(code) => {
            let parsed = ContractType::parse(&code.to_ascii_uppercase());
            if parsed.is_none() {
                problems.push(FieldProblem::new(
                    "/contract_type",
                    format!("{code:?}: a contract type (CDI, CDD, MIS...)"),
                ));
            }
            parsed
        }
    };
    let contract_given = request
        .contract_type
        .as_deref()
        .is_some_and(|c| !c.trim().is_empty());
    if hire && !contract_given {
        problems.push(FieldProblem::new(
            "/contract_type",
            "a hire has a contract".to_string(),
        ));
    }
    if !hire && (contract_given || request.contract_months.is_some()) {
        problems.push(FieldProblem::new(
            "/contract_type",
            "a contract is recorded for a hire only".to_string(),
        ));
    }
    match (contract, request.contract_months) {
        (Some(ContractType::Cdi), Some(_)) => problems.push(FieldProblem::new(
            "/contract_months",
            "a CDI has no length".to_string(),
        )),
        (Some(c), None) if hire && c != ContractType::Cdi => problems.push(FieldProblem::new(
            "/contract_months",
            "the contract's length in months".to_string(),
        )),
        (_, Some(m)) if !(1..=120).contains(&m) => problems.push(FieldProblem::new(
            "/contract_months",
            format!("{m}: from 1 to 120 months"),
        )),
        _ => {}
    }
    if let Some(offer) = request.offer_id
        && !action.action.offers.contains(&offer)
    {
        problems.push(FieldProblem::new(
            "/offer_id",
            format!("offer {offer} is not one of the action's"),
        ));
    }
    let on = request.on.unwrap_or_else(|| state.now().date_naive());
    // From the action's day to six months after it (a hire may start some weeks later).
    let first = action.action.gathering.starts_at.date_naive();
    let last =
        action.action.gathering.ends_at.date_naive() + Duration::days(2 * model::OUTCOME_DAYS);
    if on < first || on > last {
        problems.push(FieldProblem::new(
            "/on",
            format!("from the action's day ({first}) to {last}"),
        ));
    }
    let Some(kind) = kind.filter(|_| problems.is_empty()) else {
        return Err(ApiError::Invalid(problems));
    };
    // Refused before anything moves: a person not seated, twice the same kind.
    registration_of(&state, &action, request.job_seeker_id)
        .await
        .map_err(|_| {
            ApiError::field(
                "/job_seeker_id",
                "only a participant seated in the action has an outcome",
            )
        })?;
    if state
        .store
        .outcomes_of_action(id)
        .await?
        .iter()
        .any(|o| o.outcome.job_seeker_id == request.job_seeker_id && o.outcome.kind == kind)
    {
        return Err(ApiError::Conflict(format!(
            "kind: {kind} is already recorded for this person and action"
        )));
    }
    let outcome = state
        .store
        .record_outcome(
            &model::NewOutcome {
                action_id: id,
                job_seeker_id: request.job_seeker_id,
                kind,
                offer_id: request.offer_id,
                contract_type: contract,
                contract_months: request.contract_months,
                on,
                recorded_by: Some(principal.user.id),
            },
            state.now(),
        )
        .await?;
    let target = match kind {
        OutcomeKind::Interview => Some(ReferralState::Interview),
        OutcomeKind::Hire => Some(ReferralState::Hired),
        OutcomeKind::Training | OutcomeKind::Immersion => None,
    };
    let followed = match (target, request.offer_id) {
        // The offer's own structure runs its referrals: another organiser's outcome stands,
        // and its recruiter moves the referral.
        (Some(_), Some(offer)) if !owns_offer(&state, &principal, offer).await? => {
            Err(ApiError::Conflict(format!(
                "offer {offer} is another organiser's: its own structure moves its referrals"
            )))
        }
        (Some(target), Some(offer)) => {
            follow_referral(
                &state,
                &principal,
                &action,
                request.job_seeker_id,
                offer,
                target,
                on,
            )
            .await
        }
        _ => Ok(None),
    };
    // The outcome stands; the referral follows where its rules allow.
    let (referral_id, referral_not_moved) = match followed {
        Ok(referral) => (referral, None),
        Err(ApiError::Invalid(problems)) => (
            None,
            Some(
                problems
                    .iter()
                    .map(|p| p.message.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
        ),
        Err(ApiError::Conflict(reason)) => (None, Some(reason)),
        Err(other) => return Err(other),
    };
    let detail = json!({
        "job_seeker": request.job_seeker_id, "kind": kind.as_str(), "offer": request.offer_id,
        "referral": referral_id, "referral_not_moved": referral_not_moved,
    });
    state
        .audit_one(principal.event("action.outcome", "action", id, detail))
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(RecordedOutcomeView {
            outcome: outcome_view(&outcome),
            referral_id,
            referral_not_moved,
        }),
    ))
}

/// Whether one of the user's structures owns the offer and runs its referrals.
async fn owns_offer(state: &AppState, principal: &Principal, offer: i64) -> AppResult<bool> {
    let (_, owner) = offer_and_owner(state, offer).await?;
    Ok(principal
        .grant(Resource::OfferReferrals, Verb::Write, Some(owner))
        .is_ok_and(|g| g.rule.reach == Reach::Own))
}

/// Brings the person's referral to `offer` up to `target` (interview or hired), creating it
/// when there is none: proposed → accepted (the person said yes by accepting the action's
/// invitation) → interview → hired, each move logged. A referral already past the target, or
/// ended otherwise (declined, cancelled...), is left as it is. Its id, if it has one.
async fn follow_referral(
    state: &AppState,
    principal: &Principal,
    action: &Action,
    person: i64,
    offer: i64,
    target: ReferralState,
    on: NaiveDate,
) -> AppResult<Option<i64>> {
    let existing = state
        .store
        .referrals(ReferralScope::JobSeeker(person), 0, 1_000)
        .await?
        .into_iter()
        .find(|r| r.offer_id == offer);
    let mut referral = match existing {
        Some(referral) => referral,
        None => {
            let audited = principal.event(
                "referral.create",
                "referral",
                0,
                json!({ "through": "action", "action": action.id }),
            );
            state
                .store
                .create_referral(
                    person,
                    offer,
                    Some(principal.user.id),
                    Some(&audited),
                    state.now(),
                )
                .await?
        }
    };
    const PATH: [(ReferralState, ReferralState, Mover); 3] = [
        (
            ReferralState::Proposed,
            ReferralState::Accepted,
            Mover::PersonSide,
        ),
        (
            ReferralState::Accepted,
            ReferralState::Interview,
            Mover::OfferSide,
        ),
        (
            ReferralState::Interview,
            ReferralState::Hired,
            Mover::OfferSide,
        ),
    ];
    while referral.state != target {
        let Some((from, to, by)) = PATH.iter().find(|(from, _, _)| *from == referral.state) else {
            break;
        };
        let starts_on = (*to == ReferralState::Hired).then_some(on);
        if workflow::check(*from, *to, *by, starts_on, None).is_err() {
            break;
        }
        let audited = principal.event(
            "referral.transition",
            "referral",
            referral.id,
            json!({ "from": from.as_str(), "to": to.as_str(), "through": "action", "action": action.id }),
        );
        referral = state
            .store
            .transition_referral(
                &TransitionRequest {
                    referral_id: referral.id,
                    from: *from,
                    to: *to,
                    by: Some(principal.user.id),
                    note: Some(format!("Action « {} »", action.action.title)),
                    hire_starts_on: starts_on,
                    not_hired_reason: None,
                },
                Some(&audited),
                state.now(),
            )
            .await?;
    }
    Ok(Some(referral.id))
}

/// One priority public's figure in a stage: withheld under [`SECRET_BELOW`].
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicCount {
    /// rqth, long_term, rsa, qpv, senior, young_unqualified
    pub status: String,
    pub count: Option<u64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StageView {
    /// invited, registered, present, interviewed, hired
    pub stage: String,
    /// Participations that reached it (withheld under 20 outside the action's organisers).
    pub count: Option<u64>,
    pub by_public: Vec<PublicCount>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FunnelView {
    pub stages: Vec<StageView>,
    /// Figures under this are withheld.
    pub secret_below: u64,
}

/// Whether the reader sees the funnel by priority public: the readers of the region's
/// indicators (the steering committee, the administrators), who act on nobody's record. To
/// anyone who moves a person (accepts an invitation, marks a presence, records a hire), a
/// figure by public that changes as they act would tell that person's statuses.
fn sees_publics(principal: &Principal) -> bool {
    principal
        .grants(Resource::Indicators, Verb::Read)
        .iter()
        .any(|g| g.rule.reach == Reach::Any)
}

fn funnel_view(stages: Vec<model::FunnelStage>, whole: bool, publics: bool) -> FunnelView {
    let shown = |n: u64, always: bool| (always || n >= SECRET_BELOW).then_some(n);
    FunnelView {
        stages: stages
            .into_iter()
            .map(|s| StageView {
                stage: s.stage,
                count: shown(s.count, whole),
                by_public: if publics {
                    PriorityStatus::ALL
                        .iter()
                        .zip(s.holders)
                        .map(|(status, n)| PublicCount {
                            status: status.to_string(),
                            count: shown(n, false),
                        })
                        .collect()
                } else {
                    Vec::new()
                },
            })
            .collect(),
        secret_below: SECRET_BELOW,
    }
}

/// An action's funnel: to its organisers every stage's count, to the other readers each
/// count under 20 withheld; by priority public (each figure under 20 withheld) to the steering
/// committee and the administrators only.
#[utoipa::path(get, path = "/api/v1/actions/{id}/funnel", tag = "actions",
    params(("id" = i64, Path, description = "action id")),
    responses((status = 200, body = FunnelView), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub(crate) async fn action_funnel(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
) -> AppResult<Json<FunnelView>> {
    let action = find(&state, id).await?;
    principal
        .grant(Resource::Actions, Verb::Read, None)
        .map_err(forbidden)?;
    let organising = as_organiser(&principal, &action).is_ok();
    if action.state == model::ActionState::Draft && !organising {
        return Err(forbidden(
            "this action is a draft of other structures: it is read once published".to_string(),
        ));
    }
    let now = state.now();
    let stages = state.store.action_funnel(Some(id), now, now).await?;
    Ok(Json(funnel_view(
        stages,
        organising,
        sees_publics(&principal),
    )))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FunnelQuery {
    /// The actions starting in a quarter (`2026-Q3`)...
    pub quarter: Option<String>,
    /// ...or in a year (`2026`); with neither, the last quarter ended. Whole quarters and years
    /// only: two windows a day apart would tell one action's figures.
    pub year: Option<i32>,
}

/// The funnel of every action starting in a quarter or a year: each figure under 20
/// withheld; by priority public for the steering committee and the administrators only.
#[utoipa::path(get, path = "/api/v1/actions/funnel", tag = "actions", params(FunnelQuery),
    responses((status = 200, body = FunnelView), (status = 403, body = Problem),
              (status = 422, body = Problem)))]
pub(crate) async fn funnel(
    State(state): St,
    principal: Principal,
    QueryParams(query): QueryParams<FunnelQuery>,
) -> AppResult<Json<FunnelView>> {
    principal
        .grant(Resource::Actions, Verb::Read, None)
        .map_err(forbidden)?;
    let period = crate::tension::Period::parse(
        query.quarter.as_deref(),
        None,
        query.year,
        state.now().date_naive(),
    )
    .map_err(|message| {
        let (field, why) = message.split_once(": ").unwrap_or(("quarter", &message));
        ApiError::field(format!("?{field}"), why)
    })?;
    let midnight = |d: NaiveDate| d.and_time(chrono::NaiveTime::MIN).and_utc();
    let stages = state
        .store
        .action_funnel(None, midnight(period.from), midnight(period.to))
        .await?;
    Ok(Json(funnel_view(stages, false, sees_publics(&principal))))
}

/// The attendance sheet of an action (its organisers), as a spreadsheet: each participant by
/// name where the user may read it, else by pseudonym, with a column to sign.
#[utoipa::path(get, path = "/api/v1/actions/{id}/attendance-sheet", tag = "actions",
    params(("id" = i64, Path, description = "action id")),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
              (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn attendance_sheet(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let action = find(&state, id).await?;
    let Json(people) = participants(State(state.clone()), principal, Path(id)).await?;
    let bytes = super::sheet::xlsx(&action, &people)
        .map_err(|err| ApiError::Internal(format!("attendance sheet of action {id}: {err}")))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&format!(
                    "attachment; filename=\"emargement-action-{id}.xlsx\""
                ))
                .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
            ),
        ],
        bytes,
    )
        .into_response())
}
