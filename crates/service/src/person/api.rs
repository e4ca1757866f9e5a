//! The person's own space over HTTP: `/api/v1/person/...`, reached with the person's session
//! (a pass opens it), never with an account's. Every answer goes through the same workflow
//! checks as the advisor's, and every read and move is audited as the person's.

use std::collections::HashMap;

use model::InvitationState;

use super::{Person, Refusal};
use crate::api::*;
use crate::job_seekers::api::{ConsentEventView, ConsentReport};

/// Who asks for a link.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkRequest {
    /// The e-mail address the person gave France Travail.
    pub email: String,
}

/// A pass: the token of a link, or a code from the advisor (spaces and hyphens ignored).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PassInput {
    pub pass: String,
}

impl std::fmt::Debug for PassInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PassInput(..)")
    }
}

/// A person's session, once open.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonSessionView {
    pub job_seeker_id: i64,
    /// Send it back as `x-csrf-token` on unsafe requests.
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
}

/// Sends a sign-in link to the job seeker with this e-mail, through the outbox. The answer is
/// the same whether the address is known or not; requests are paced like sign-ins.
#[utoipa::path(post, path = "/api/v1/person/link", tag = "person", request_body = LinkRequest,
    security(),
    responses((status = 202, description = "a link was sent if the address is known"),
              (status = 422, body = Problem), (status = 429, body = Problem)))]
pub(crate) async fn request_link(
    State(state): St,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    JsonBody(request): JsonBody<LinkRequest>,
) -> AppResult<StatusCode> {
    let email = request.email.trim();
    if email.chars().count() > auth::MAX_EMAIL_CHARS {
        return Err(ApiError::field(
            "/email",
            format!("too long: at most {} characters", auth::MAX_EMAIL_CHARS),
        ));
    }
    let email = domain::Email::parse(email)
        .map_err(|err| ApiError::field("/email", format!("not an e-mail address: {err}")))?;
    let now = state.now();
    let keys = state
        .throttle
        .person_keys(auth::PersonRequest::Link, email.as_str(), peer.ip());
    state
        .throttle
        .check(&keys, now)
        .map_err(|retry_after_secs| ApiError::TooManyAttempts { retry_after_secs })?;
    // Every request counts: past a few, links to one address are paced.
    state.throttle.fail(&keys, now);
    // Looked up and sent after the answer, so that its time says nothing of whether the
    // address is known.
    let address = email.as_str().to_string();
    tokio::spawn(async move {
        if let Err(err) = super::send_links(&state, &address).await {
            tracing::error!(error = ?err, "sign-in link not sent");
        }
    });
    Ok(StatusCode::ACCEPTED)
}

/// Opens the person's session with a pass (a link's token or an advisor's code), used once:
/// sets the `passerelle_espace` cookie and gives the anti-forgery token.
#[utoipa::path(post, path = "/api/v1/person/session", tag = "person", request_body = PassInput,
    security(),
    responses((status = 200, body = PersonSessionView), (status = 401, body = Problem),
              (status = 422, body = Problem), (status = 429, body = Problem)))]
pub(crate) async fn open_session(
    State(state): St,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    JsonBody(input): JsonBody<PassInput>,
) -> AppResult<Response> {
    if input.pass.len() > 200 {
        refused_before_lookup(&state, peer, "too_long").await?;
        return Err(ApiError::field("/pass", "too long: a link or a code"));
    }
    let now = state.now();
    let keys =
        state
            .throttle
            .person_keys(auth::PersonRequest::Pass, &peer.ip().to_string(), peer.ip());
    if let Err(retry_after_secs) = state.throttle.check(&keys, now) {
        refused_before_lookup(&state, peer, "throttled").await?;
        return Err(ApiError::TooManyAttempts { retry_after_secs });
    }
    match super::open_with_pass(&state, &input.pass).await? {
        Ok(opened) => {
            state.throttle.succeed(&keys);
            let cookie = super::person_cookie(
                &opened.secret,
                super::SESSION_HOURS * 3600,
                state.config.secure_cookies,
            );
            let view = PersonSessionView {
                job_seeker_id: opened.job_seeker_id,
                csrf_token: opened.csrf,
                expires_at: now + Duration::hours(super::SESSION_HOURS),
            };
            Ok(([super::set_cookie(&cookie)?], Json(view)).into_response())
        }
        Err(refusal) => {
            tracing::warn!(peer = %peer.ip(), reason = refusal.as_str(), "pass refused");
            state.throttle.fail(&keys, now);
            Err(ApiError::Unauthenticated(
                match refusal {
                    Refusal::Unknown => "unknown link or code",
                    Refusal::Used => "this link or code was already used",
                    Refusal::Expired => "this link or code has expired",
                }
                .to_string(),
            ))
        }
    }
}

/// A pass refused before it was looked up (too long, or presented too often from one
/// address): audited without a person (none is known), and logged with where it came from.
async fn refused_before_lookup(state: &AppState, peer: SocketAddr, reason: &str) -> AppResult<()> {
    tracing::warn!(peer = %peer.ip(), reason, "pass refused");
    state
        .audit_one(model::NewAuditEvent {
            actor: None,
            action: "person.sign_in_refused".to_string(),
            subject_kind: "job_seeker".to_string(),
            subject_id: None,
            detail: json!({ "reason": reason }),
        })
        .await
}

/// Ends the person's session.
#[utoipa::path(delete, path = "/api/v1/person/session", tag = "person", security(("person" = [])),
    responses((status = 204), (status = 401, body = Problem)))]
pub(crate) async fn close_session(
    State(state): St,
    person: Person,
    headers: HeaderMap,
) -> AppResult<Response> {
    if let Some(secret) = auth::cookie(&headers, super::PERSON_COOKIE) {
        state
            .store
            .delete_person_session(&TokenHash::of_token(secret))
            .await?;
    }
    state
        .audit_one(person.actor().event(
            "person.sign_out",
            "job_seeker",
            person.job_seeker.id,
            json!({}),
        ))
        .await?;
    let cookie = super::person_cookie("", 0, state.config.secure_cookies);
    Ok((StatusCode::NO_CONTENT, [super::set_cookie(&cookie)?]).into_response())
}

/// A proposal of an offer, as the person sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonReferralView {
    pub id: i64,
    pub offer_id: i64,
    pub offer_title: String,
    /// The agency that holds the offer.
    pub employer: String,
    pub commune: String,
    pub contract_type: String,
    pub state: String,
    pub proposed_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The answers open to the person now (`accepted`, `declined`...).
    pub moves: Vec<String>,
}

/// An invitation to a recruitment action, as the person sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonInvitationView {
    pub id: i64,
    pub action_id: i64,
    pub title: String,
    pub kind: String,
    pub starts_at: DateTime<Utc>,
    pub address: Option<String>,
    pub online: bool,
    pub state: String,
    pub deadline: DateTime<Utc>,
    /// The answers open to the person now (`accepted`, `declined`).
    pub moves: Vec<String>,
}

/// What is proposed to the person.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProposalsView {
    pub first_name: String,
    pub referrals: Vec<PersonReferralView>,
    pub invitations: Vec<PersonInvitationView>,
    pub duos: Vec<super::duos::PersonDuoView>,
    /// Training plans: agreed between the offer's structure and the person's agency, with
    /// the person; followed here.
    pub training_plans: Vec<super::duos::PersonPlanView>,
}

/// The person's answers open on a referral in this state: the workflow's moves for their
/// side that need nothing more than a yes or a no.
/// Where the person may decline, cancelling says nothing more: only declining is offered.
pub(crate) fn referral_moves(state: ReferralState) -> Vec<String> {
    let moves: Vec<ReferralState> = workflow::REFERRALS
        .moves
        .iter()
        .filter(|m| m.from == state && m.by.contains(&Mover::PersonSide))
        .filter(|m| m.needs == workflow::Needs::Nothing)
        .map(|m| m.to)
        .collect();
    let declines = moves.contains(&ReferralState::Declined);
    moves
        .into_iter()
        .filter(|to| !(declines && *to == ReferralState::Cancelled))
        .map(|to| to.as_str().to_string())
        .collect()
}

/// The person's answers open on an invitation: accept or decline, before its deadline.
fn invitation_moves(invitation: &model::Invitation, now: DateTime<Utc>) -> Vec<String> {
    if invitation.invitation.deadline <= now {
        return Vec::new();
    }
    workflow::INVITATIONS
        .moves
        .iter()
        .filter(|m| m.from == invitation.state && m.by.contains(&Mover::PersonSide))
        .filter(|m| matches!(m.to, InvitationState::Accepted | InvitationState::Declined))
        .map(|m| m.to.as_str().to_string())
        .collect()
}

/// What is proposed to the person, newest first (the person's own read, audited).
pub(crate) async fn proposals_of(state: &AppState, person: &Person) -> AppResult<ProposalsView> {
    let id = person.job_seeker.id;
    let now = state.now();
    let mut referrals = Vec::new();
    let mut names: HashMap<i64, String> = HashMap::new();
    for referral in state
        .store
        .referrals(ReferralScope::JobSeeker(id), 0, 500)
        .await?
    {
        let (offer, owner) = offer_and_owner(state, referral.offer_id).await?;
        let employer = match names.get(&owner) {
            Some(name) => name.clone(),
            None => {
                let name = structure_name(state, owner).await?;
                names.insert(owner, name.clone());
                name
            }
        };
        let commune = refdata::geo()
            .commune(offer.record.commune.as_str())
            .map(|c| c.name.to_string())
            .unwrap_or_else(|| offer.record.commune.as_str().to_string());
        referrals.push(PersonReferralView {
            id: referral.id,
            offer_id: offer.id,
            offer_title: offer.record.title.clone(),
            employer,
            commune,
            contract_type: offer.record.contract_type.as_str().to_string(),
            state: referral.state.as_str().to_string(),
            proposed_at: referral.created_at,
            updated_at: referral.updated_at,
            moves: referral_moves(referral.state),
        });
    }
    referrals.sort_by_key(|r| std::cmp::Reverse(r.updated_at));
    let mut invitations = Vec::new();
    for invitation in state.store.invitations_of_job_seeker(id).await? {
        let action = crate::actions::api::find(state, invitation.invitation.action_id).await?;
        invitations.push(PersonInvitationView {
            id: invitation.id,
            action_id: action.id,
            title: action.action.title.clone(),
            kind: action.action.kind.as_str().to_string(),
            starts_at: action.action.gathering.starts_at,
            address: action.action.address.clone(),
            online: action.action.gathering.capacity_remote > 0,
            state: invitation.state.as_str().to_string(),
            deadline: invitation.invitation.deadline,
            moves: invitation_moves(&invitation, now),
        });
    }
    invitations.sort_by_key(|i| std::cmp::Reverse(i.starts_at));
    let (duos, training_plans) = super::duos::duos_and_plans(state, person).await?;
    state
        .audit_one(person.actor().event(
            "person.read",
            "job_seeker",
            id,
            json!({ "what": "proposals" }),
        ))
        .await?;
    Ok(ProposalsView {
        first_name: person.job_seeker.record.first_name.as_str().to_string(),
        referrals,
        invitations,
        duos,
        training_plans,
    })
}

/// The offers and actions proposed to the person, with the answers open to them.
#[utoipa::path(get, path = "/api/v1/person/proposals", tag = "person", security(("person" = [])),
    responses((status = 200, body = ProposalsView), (status = 401, body = Problem)))]
pub(crate) async fn proposals(State(state): St, person: Person) -> AppResult<Json<ProposalsView>> {
    Ok(Json(proposals_of(&state, &person).await?))
}

/// The person's answer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerInput {
    /// `accepted` or `declined`.
    pub to: String,
    /// For an invitation: `on_site` or `remote` (default: on site when the action is held
    /// there).
    #[serde(default)]
    pub modality: Option<String>,
}

/// The person answers a proposal made to them: the same workflow as their advisor's answer
/// for them (`Mover::PersonSide`), audited as the person's.
#[utoipa::path(post, path = "/api/v1/person/referrals/{id}/answer", tag = "person", security(("person" = [])),
    params(("id" = i64, Path, description = "referral id")), request_body = AnswerInput,
    responses((status = 200, body = ReferralView), (status = 401, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 422, body = Problem)))]
pub(crate) async fn answer_referral(
    State(state): St,
    person: Person,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<AnswerInput>,
) -> AppResult<Json<ReferralView>> {
    Ok(Json(answer_referral_as(&state, &person, id, &input).await?))
}

pub(crate) async fn answer_referral_as(
    state: &AppState,
    person: &Person,
    id: i64,
    input: &AnswerInput,
) -> AppResult<ReferralView> {
    if input.modality.is_some() {
        return Err(ApiError::field("/modality", "only for an invitation"));
    }
    // Another person's referral is answered like one that does not exist.
    let referral = state
        .store
        .referral(id)
        .await?
        .filter(|r| r.job_seeker_id == person.job_seeker.id)
        .ok_or_else(|| ApiError::NotFound(format!("referral {id}")))?;
    let to = crate::referrals::api::parse_state(&input.to, "/to")?;
    let open = referral_moves(referral.state);
    // Nothing left to answer (answered, or closed since): a conflict with its state, not a
    // wrong field.
    if open.is_empty() {
        return Err(ApiError::Conflict(format!(
            "this proposal is {}: it can no longer be answered",
            referral.state
        )));
    }
    if !open.contains(&to.as_str().to_string()) {
        return Err(ApiError::field(
            "/to",
            format!(
                "this proposal is {}: the answers open are {}",
                referral.state,
                open.join(", ")
            ),
        ));
    }
    workflow::check(referral.state, to, Mover::PersonSide, None, None)
        .map_err(|err| ApiError::field("/to", err.to_string()))?;
    let audited = person.actor().event(
        "referral.move",
        "referral",
        id,
        json!({ "from": referral.state.as_str(), "to": to.as_str(),
                "as": Mover::PersonSide.describe() }),
    );
    let moved = crate::referrals::api::transition(
        state,
        &crate::referrals::api::unnamed_move(&referral, to, None),
        &audited,
        state.now(),
    )
    .await?;
    Ok(referral_view(&moved))
}

/// The person answers an invitation to an action: accepted (they are registered, on site or
/// remote) or declined, before its deadline.
#[utoipa::path(post, path = "/api/v1/person/invitations/{id}/answer", tag = "person", security(("person" = [])),
    params(("id" = i64, Path, description = "invitation id")), request_body = AnswerInput,
    responses((status = 204), (status = 401, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn answer_invitation(
    State(state): St,
    person: Person,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<AnswerInput>,
) -> AppResult<StatusCode> {
    answer_invitation_as(&state, &person, id, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) async fn answer_invitation_as(
    state: &AppState,
    person: &Person,
    id: i64,
    input: &AnswerInput,
) -> AppResult<()> {
    let invitation = state
        .store
        .invitation(id)
        .await?
        .filter(|i| i.invitation.job_seeker_id == person.job_seeker.id)
        .ok_or_else(|| ApiError::NotFound(format!("invitation {id}")))?;
    let to = InvitationState::parse(input.to.trim())
        .filter(|s| matches!(s, InvitationState::Accepted | InvitationState::Declined))
        .ok_or_else(|| ApiError::field("/to", "accepted or declined"))?;
    if !invitation_moves(&invitation, state.now()).contains(&to.as_str().to_string()) {
        return Err(ApiError::field(
            "/to",
            format!(
                "this invitation is {}: it can no longer be answered",
                invitation.state
            ),
        ));
    }
    let action = crate::actions::api::find(state, invitation.invitation.action_id).await?;
    let modality =
        crate::actions::invitations::answer_modality(&action, to, input.modality.as_deref())?;
    let moved = state
        .store
        .move_invitation(id, to, Mover::PersonSide, modality, state.now())
        .await?;
    let detail = json!({
        "invitation": id, "to": to.as_str(), "job_seeker": person.job_seeker.id,
        "registration": moved.registration_id,
    });
    state
        .audit_one(
            person
                .actor()
                .event("action.invitation", "action", action.id, detail),
        )
        .await?;
    Ok(())
}

/// The person's consent as they see it: its scope, the statuses they hold and those they
/// disclose, and its history.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonConsentView {
    /// `all_agencies`, `department_agencies`, or `null`: not given or withdrawn.
    pub scope: Option<String>,
    /// The priority statuses the person holds (only they and their advisor see this list).
    pub held: Vec<String>,
    pub disclosed: Vec<String>,
    /// The kinds of evaluation they let other structures see (`mrs`, `caces`, `language`,
    /// `skills_assessment`).
    pub shared_evaluations: Vec<String>,
    pub history: Vec<ConsentEventView>,
}

pub(crate) async fn consent_of(state: &AppState, person: &Person) -> AppResult<PersonConsentView> {
    let seeker = &person.job_seeker;
    let history = crate::job_seekers::api::consent_events(state, seeker.id).await?;
    let shared = state.store.shared_evaluation_kinds(seeker.id).await?;
    state
        .audit_one(person.actor().event(
            "person.read",
            "job_seeker",
            seeker.id,
            json!({ "what": "consent" }),
        ))
        .await?;
    Ok(PersonConsentView {
        scope: seeker
            .record
            .consent
            .as_ref()
            .map(|c| c.scope.as_str().to_string()),
        held: model::PriorityStatus::ALL
            .iter()
            .filter(|s| seeker.record.priorities.contains_key(s))
            .map(|s| s.as_str().to_string())
            .collect(),
        disclosed: model::PriorityStatus::ALL
            .iter()
            .filter(|s| {
                seeker
                    .record
                    .priorities
                    .get(s)
                    .is_some_and(|d| *d == Disclosure::Disclosed)
            })
            .map(|s| s.as_str().to_string())
            .collect(),
        shared_evaluations: shared.iter().map(|k| k.as_str().to_string()).collect(),
        history,
    })
}

/// The person's consent, statuses and history.
#[utoipa::path(get, path = "/api/v1/person/consent", tag = "person", security(("person" = [])),
    responses((status = 200, body = PersonConsentView), (status = 401, body = Problem)))]
pub(crate) async fn get_consent(
    State(state): St,
    person: Person,
) -> AppResult<Json<PersonConsentView>> {
    Ok(Json(consent_of(&state, &person).await?))
}

/// What the person sets.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonConsentInput {
    /// `all_agencies`, `department_agencies`, or `null`: withdrawn. Required: a body without
    /// it withdraws nothing.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, required = true)]
    pub scope: Option<Option<String>>,
    /// The priority statuses they let agencies see once they accept a proposal.
    #[serde(default)]
    pub disclosed: Vec<String>,
    /// The kinds of evaluation (`mrs`, `caces`, `language`, `skills_assessment`) they let
    /// other structures than the one that recorded them see; absent or `null`: as they are.
    #[serde(default)]
    pub shared_evaluations: Option<Vec<String>>,
}

/// A field that may be `null` but must be there: `Some(None)` for `null`, `None` when absent.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// The person sets their consent and disclosures themself (recorded as given online): a
/// withdrawal or a narrowing takes them out of the shortlists it no longer covers at once, and
/// cancels the proposals not yet answered that relied on it.
#[utoipa::path(put, path = "/api/v1/person/consent", tag = "person", security(("person" = [])),
    request_body = PersonConsentInput,
    responses((status = 200, body = ConsentReport), (status = 401, body = Problem),
              (status = 422, body = Problem)))]
pub(crate) async fn set_consent(
    State(state): St,
    person: Person,
    JsonBody(input): JsonBody<PersonConsentInput>,
) -> AppResult<Json<ConsentReport>> {
    Ok(Json(set_consent_as(&state, &person, input).await?))
}

pub(crate) async fn set_consent_as(
    state: &AppState,
    person: &Person,
    input: PersonConsentInput,
) -> AppResult<ConsentReport> {
    let scope = input.scope.ok_or_else(|| {
        ApiError::field(
            "/scope",
            "required: `all_agencies`, `department_agencies`, or null (withdrawn)",
        )
    })?;
    let shared = state
        .store
        .shared_evaluation_kinds(person.job_seeker.id)
        .await?;
    let change = crate::job_seekers::api::parse_consent(
        &crate::job_seekers::api::ConsentInput {
            scope,
            channel: "online".to_string(),
            disclosed: input.disclosed,
            shared_evaluations: input.shared_evaluations,
        },
        &shared,
    )?;
    for (i, status) in change.disclosed.iter().enumerate() {
        if !person.job_seeker.record.priorities.contains_key(status) {
            return Err(ApiError::field(
                format!("/disclosed/{i}"),
                "you do not hold this status: it cannot be disclosed",
            ));
        }
    }
    crate::job_seekers::api::apply_consent(state, person.actor(), person.job_seeker.id, &change)
        .await
}

/// A code for the person to open their space with, from their advisor.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccessCodeView {
    /// Shown once: only its hash is kept.
    pub code: String,
    pub expires_at: DateTime<Utc>,
}

/// Gives one of the agency's job seekers a code to open their own space (valid 72 hours, used
/// once): the person's own agency only, as for their consent.
#[utoipa::path(post, path = "/api/v1/job-seekers/{id}/access-code", tag = "job seekers",
    params(("id" = i64, Path, description = "job seeker id")),
    responses((status = 201, body = AccessCodeView), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub(crate) async fn issue_code(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
) -> AppResult<(StatusCode, Json<AccessCodeView>)> {
    Ok((
        StatusCode::CREATED,
        Json(issue_code_for(&state, &principal, id).await?),
    ))
}

pub(crate) async fn issue_code_for(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> AppResult<AccessCodeView> {
    let (_, agency) = job_seeker_and_agency(state, id).await?;
    principal
        .grant(Resource::Consent, Verb::Write, Some(agency))
        .map_err(forbidden)?;
    let code = super::new_code()?;
    let normalised = super::normalise_pass(&code)
        .ok_or_else(|| ApiError::Internal("a new code does not read back".to_string()))?;
    let now = state.now();
    let expires_at = now + Duration::hours(super::CODE_HOURS);
    state
        .store
        .issue_pass(
            id,
            model::people::PassKind::Code,
            &TokenHash::of_token(&normalised),
            Some(principal.user.id),
            expires_at,
            now,
        )
        .await?;
    state
        .audit_one(principal.event(
            "person.code_issued",
            "job_seeker",
            id,
            json!({ "valid_hours": super::CODE_HOURS }),
        ))
        .await?;
    Ok(AccessCodeView { code, expires_at })
}

/// An erasure request as the person filed it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonErasureView {
    pub request_id: i64,
    /// What keeps the person's data today, in French (none: the request can be processed).
    pub blocked_by: Vec<String>,
    /// The first day it can proceed, when something blocks it.
    pub can_proceed_on: Option<NaiveDate>,
}

pub(crate) async fn request_erasure_as(
    state: &AppState,
    person: &Person,
) -> AppResult<PersonErasureView> {
    let filed = crate::retention::file_erasure_request(
        state,
        person.job_seeker.id,
        crate::retention::RequestedBy::Person,
    )
    .await?;
    Ok(PersonErasureView {
        request_id: filed.request.id,
        blocked_by: filed
            .blockers
            .iter()
            .map(|b| crate::retention::blocker_fr(b, state.config.expiry_days))
            .collect(),
        can_proceed_on: filed.can_proceed_on,
    })
}

/// The person asks for their data to be erased (GDPR art. 17): an administrator processes the
/// request; what must be kept and why is stated, and the person is told the outcome by e-mail.
/// Answered with what blocks it today, if anything.
#[utoipa::path(post, path = "/api/v1/person/erasure-request", tag = "person",
    security(("person" = [])),
    responses((status = 201, body = PersonErasureView), (status = 401, body = Problem),
              (status = 409, body = Problem)))]
pub(crate) async fn request_erasure(
    State(state): St,
    person: Person,
) -> AppResult<(StatusCode, Json<PersonErasureView>)> {
    Ok((
        StatusCode::CREATED,
        Json(request_erasure_as(&state, &person).await?),
    ))
}

/// What the person says is wrong in their record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RectificationInput {
    /// What is wrong and what it should be (at most 2,000 characters).
    pub message: String,
}

pub(crate) async fn request_rectification_as(
    state: &AppState,
    person: &Person,
    input: &RectificationInput,
) -> AppResult<()> {
    let message = input.message.trim();
    if message.is_empty() {
        return Err(ApiError::field("/message", "say what is wrong"));
    }
    if let Some(problem) = paragraph_field("/message", Some(message), model::text::NOTE_CHARS) {
        return Err(ApiError::Invalid(vec![problem]));
    }
    let record = &person.job_seeker.record;
    let advisor = record.advisor_email.as_ref().ok_or_else(|| {
        ApiError::Refused(
            "Votre dossier n'a pas de conseiller désigné dans Passerelle : adressez votre demande \
             à votre agence France Travail."
                .to_string(),
        )
    })?;
    let now = state.now();
    let body = format!(
        "Bonjour,\n\n{} {} (identifiant France Travail {}) demande, depuis son espace \
         Passerelle, la correction de son dossier :\n\n{message}\n\nCorrigez le dossier dans \
         le système d'information de France Travail : Passerelle reprendra la correction à la \
         prochaine mise à jour du portefeuille.\n\nPasserelle\n",
        record.first_name.as_str(),
        record.last_name.as_str(),
        record.external_id.as_str(),
    );
    state
        .store
        .queue_message(
            &model::NewMessage {
                recipient: advisor.as_str().to_string(),
                subject: "Demande de rectification d'un dossier (RGPD art. 16)".to_string(),
                body,
                calendar: None,
            },
            now,
        )
        .await?;
    state
        .audit_one(person.actor().event(
            "person.rectification_request",
            "job_seeker",
            person.job_seeker.id,
            json!({ "chars": message.chars().count() }),
        ))
        .await?;
    Ok(())
}

/// The person asks for a correction of their record (GDPR art. 16): sent to their advisor,
/// who corrects it where it is kept (France Travail's systems, which Passerelle imports).
#[utoipa::path(post, path = "/api/v1/person/rectification-request", tag = "person",
    security(("person" = [])), request_body = RectificationInput,
    responses((status = 202), (status = 401, body = Problem), (status = 409, body = Problem),
              (status = 422, body = Problem)))]
pub(crate) async fn request_rectification(
    State(state): St,
    person: Person,
    JsonBody(input): JsonBody<RectificationInput>,
) -> AppResult<StatusCode> {
    request_rectification_as(&state, &person, &input).await?;
    Ok(StatusCode::ACCEPTED)
}
